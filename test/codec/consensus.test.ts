// Goal: consensus values (messages, entries, hard state, boundary) survive the wire and the disk
// exactly, and bad bytes give typed errors. Method: round trips of every message kind, random
// bytes and every truncation of valid encodings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeBoundary,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  encodeBoundary,
  encodeEntry,
  encodeHardState,
  encodeMessage,
} from '../../src/codec/consensus.js';
import type { Entry, Message } from '../../src/core/consensus/types.js';
import { index, nodeId, term } from '../../src/core/types.js';

const n1 = nodeId('n1');
const n2 = nodeId('n2');
const base = { from: n1, to: n2, term: term(7) };
const entry = (i: number, kind: Entry['kind'] = 'normal'): Entry => ({
  index: index(i),
  term: term(3),
  kind,
  data: kind === 'normal' ? Uint8Array.of(1, 2, 3, i & 0xff) : new Uint8Array(0),
  config: kind === 'config' ? { voters: [n1, n2], learners: [nodeId('n3')] } : null,
  origin: kind === 'normal' ? n2 : null,
  proposalId: kind === 'normal' ? 1000 + i : 0,
});

/** A commit notice that wants no answer (link protocol version 3). */
const notice: Message = {
  ...base,
  type: 'append',
  prevIndex: index(9),
  prevTerm: term(3),
  commit: index(9),
  entries: [],
  noReply: true,
};
const messages: Message[] = [
  { ...base, type: 'preVote', lastIndex: index(5), lastTerm: term(2) },
  { ...base, type: 'preVoteResponse', reject: true },
  { ...base, type: 'vote', lastIndex: index(5), lastTerm: term(2), transfer: true },
  { ...base, type: 'voteResponse', reject: false },
  {
    ...base,
    type: 'append',
    prevIndex: index(9),
    prevTerm: term(3),
    commit: index(8),
    entries: [entry(10), entry(11, 'config'), entry(12, 'noop')],
  },
  {
    ...base,
    type: 'append',
    prevIndex: index(9),
    prevTerm: term(3),
    commit: index(8),
    entries: [],
  },
  notice,
  {
    ...base,
    type: 'appendResponse',
    reject: true,
    index: index(9),
    hintIndex: index(4),
    hintTerm: term(2),
  },
  { ...base, type: 'heartbeat', commit: index(3), readSeq: 17, flowControl: true },
  { ...base, type: 'heartbeatResponse', readSeq: 17, applyQueue: 3 },
  { ...base, type: 'stateTransfer', index: index(100), donor: nodeId('n3') },
  { ...base, type: 'timeoutNow' },
  {
    ...base,
    type: 'propose',
    proposals: [
      { proposalId: 1, data: Uint8Array.of(9) },
      { proposalId: 2, data: new Uint8Array(0) },
    ],
  },
  { ...base, type: 'readIndex', context: 44 },
  { ...base, type: 'readIndexResponse', context: 44, index: index(12) },
  { ...base, type: 'join', node: nodeId('n4') },
  { ...base, type: 'leave', node: n1 },
  { ...base, type: 'leaveConfirmed' },
  { ...base, type: 'proposeRefused', proposalIds: [1, 7, 2 ** 40], reason: 'flow_control' },
];

test('every message kind round-trips exactly', () => {
  for (const message of messages) {
    const decoded = decodeMessage(encodeMessage(message));
    assert.ok(decoded.ok, `${message.type}: ${JSON.stringify(decoded)}`);
    assert.deepEqual(decoded.value, message);
  }
});

test('entries, hard state and boundary round-trip', () => {
  for (const e of [entry(1), entry(2, 'config'), entry(3, 'noop')]) {
    assert.deepEqual(decodeEntry(encodeEntry(e)), { ok: true, value: e });
  }
  const hs = { term: term(4), vote: n2, commit: index(10), forcedConfig: null };
  assert.deepEqual(decodeHardState(encodeHardState(hs)), { ok: true, value: hs });
  const forced = {
    term: term(4),
    vote: null,
    commit: index(10),
    forcedConfig: { voters: [n1], learners: [] },
  };
  assert.deepEqual(decodeHardState(encodeHardState(forced)), { ok: true, value: forced });
  const boundary = { index: index(50), term: term(3), config: { voters: [n1, n2], learners: [] } };
  assert.deepEqual(decodeBoundary(encodeBoundary(boundary)), { ok: true, value: boundary });
});

test('every truncation of every message gives a typed error', () => {
  for (const message of messages) {
    const bytes = encodeMessage(message);
    for (let cut = 0; cut < bytes.length; cut++) {
      const decoded = decodeMessage(bytes.subarray(0, cut));
      assert.equal(decoded.ok, false, `${message.type} cut at ${cut}`);
    }
  }
});

test('random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const results = [
        decodeMessage(bytes),
        decodeEntry(bytes),
        decodeHardState(bytes),
        decodeBoundary(bytes),
      ];
      for (const r of results) if (!r.ok) assert.ok(typeof r.error.kind === 'string');
    }),
    { numRuns: 3000 },
  );
});

test('limits are enforced before allocation', () => {
  const message = messages[4]!;
  const decoded = decodeMessage(encodeMessage(message), {
    entriesMax: 2,
    entryDataBytesMax: 1024,
    nodeIdBytesMax: 64,
    configMembersMax: 8,
    proposalsMax: 8,
  });
  assert.deepEqual(decoded, {
    ok: false,
    error: { kind: 'limit_exceeded', limit: 'entriesMax', value: 3 },
  });
});

test('non-contiguous append entries are refused', () => {
  const bad: Message = {
    ...base,
    type: 'append',
    prevIndex: index(9),
    prevTerm: term(3),
    commit: index(8),
    entries: [entry(10), entry(12)],
  };
  const decoded = decodeMessage(encodeMessage(bad));
  assert.equal(decoded.ok, false);
});

test("an append's flags byte travels only on a link of protocol 3, where it is required", () => {
  const v2 = { appendFlags: false };
  const withFlags = encodeMessage(notice);
  const without = encodeMessage(notice, v2);
  assert.equal(withFlags.length, without.length + 1);
  // A version-2 link carries exactly the append of before: no flags, an answer expected.
  const decoded = decodeMessage(without, undefined, v2);
  assert.ok(decoded.ok && decoded.value.type === 'append' && decoded.value.noReply === undefined);
  // Each side refuses the other's encoding rather than misreading it.
  assert.equal(decodeMessage(without).ok, false);
  assert.equal(decodeMessage(withFlags, undefined, v2).ok, false);
  // Flags this version does not know are refused, not ignored.
  const unknown = Uint8Array.from(withFlags);
  unknown[unknown.length - 1] = 2;
  const refused = decodeMessage(unknown);
  assert.ok(!refused.ok && refused.error.kind === 'malformed');
});
