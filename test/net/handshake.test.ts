// Goal: the HELLO encoding, the version negotiation, the symmetric handshake verdicts, the link
// dedup rule, the backoff formula and the rate-limited log are right on their own, without
// sockets. Method: table-driven cases, round trips, every truncation and random bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nodeId } from '../../src/core/types.js';
import {
  decodeBye,
  decodeHello,
  decodeRefuse,
  encodeBye,
  encodeHello,
  encodeRefuse,
  handshakeRejectionLine,
  helloPayloadBytesMax,
  judgeHello,
  negotiateVersion,
  preferredLink,
  sanitiseText,
  type Hello,
} from '../../src/net/handshake.js';
import { RateLimitedLog } from '../../src/net/peer-log.js';
import { tlsRejectionTexts } from '../../src/net/tls-rejection.js';
import { defaultTransportLimits, reconnectDelayMs } from '../../src/net/transport.js';

const uuidA = '0a1b2c3d-0000-4000-8000-000000000001';
const uuidB = 'f0e1d2c3-0000-4000-8000-000000000002';

function hello(overrides: Partial<Hello> = {}): Hello {
  return {
    clusterName: 'prod',
    nodeUuid: uuidA,
    nodeName: nodeId('n1'),
    listenAddress: '10.0.0.1:4567',
    versions: { min: 1, max: 3 },
    dialSeq: 1_700_000_000_123,
    ...overrides,
  };
}

test('a HELLO round-trips, with non-ASCII names', () => {
  const original = hello({ clusterName: 'prøduction', nodeName: nodeId('nœud-1') });
  const decoded = decodeHello(encodeHello(original));
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.value, original);
});

test('a HELLO with fields appended by a newer format still decodes', () => {
  const bytes = encodeHello(hello());
  const longer = new Uint8Array(bytes.length + 5);
  longer.set(bytes);
  const decoded = decodeHello(longer);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.nodeName, 'n1');
});

test('every truncation of a HELLO is bad_hello, and random bytes never throw', () => {
  const bytes = encodeHello(hello());
  for (let length = 0; length < bytes.length; length++) {
    const decoded = decodeHello(bytes.subarray(0, length));
    assert.equal(decoded.ok, false, `truncated to ${length} bytes`);
  }
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    const random = new Uint8Array(i % 80);
    for (let j = 0; j < random.length; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      random[j] = seed >>> 24;
    }
    if (i % 2 === 0) random.set([0x54, 0x52, 0x48, 0x49, 1].slice(0, random.length));
    const decoded = decodeHello(random);
    if (!decoded.ok) assert.equal(decoded.error.kind, 'bad_hello');
  }
});

test('a HELLO is refused for bad magic, format, version range, empty name, size', () => {
  const good = encodeHello(hello());
  const cases: [string, (bytes: Uint8Array) => Uint8Array][] = [
    ['magic', (b) => b.map((byte, i) => (i === 0 ? 0x47 : byte))],
    ['format', (b) => b.map((byte, i) => (i === 4 ? 9 : byte))],
    ['version min 0', (b) => b.map((byte, i) => (i === 6 ? 0 : byte))],
    ['min above max', (b) => b.map((byte, i) => (i === 6 ? 9 : byte))],
    ['over the size limit', () => new Uint8Array(helloPayloadBytesMax + 1)],
  ];
  for (const [name, mutate] of cases) {
    assert.equal(decodeHello(mutate(good.slice())).ok, false, name);
  }
  assert.equal(decodeHello(encodeHello(hello({ nodeName: nodeId('') }))).ok, false, 'empty name');
});

test('the link runs at the highest version both support', () => {
  const cases: [[number, number], [number, number], number | null][] = [
    [[1, 1], [1, 1], 1],
    [[1, 3], [2, 5], 3],
    [[2, 5], [1, 3], 3],
    [[1, 4], [4, 9], 4],
    [[1, 1], [2, 2], null],
    [[3, 6], [1, 2], null],
  ];
  for (const [[localMin, localMax], [remoteMin, remoteMax], expected] of cases) {
    assert.equal(
      negotiateVersion({ min: localMin, max: localMax }, { min: remoteMin, max: remoteMax }),
      expected,
      `${localMin}..${localMax} with ${remoteMin}..${remoteMax}`,
    );
  }
});

test('the verdicts are symmetric: both ends decide alike from the two HELLOs', () => {
  const local = hello();
  const cases: [string, Hello, string][] = [
    [
      'accept',
      hello({ nodeUuid: uuidB, nodeName: nodeId('n2'), versions: { min: 2, max: 9 } }),
      'accept',
    ],
    [
      'wrong cluster',
      hello({ nodeUuid: uuidB, nodeName: nodeId('n2'), clusterName: 'test' }),
      'wrong_cluster_name',
    ],
    [
      'versions',
      hello({ nodeUuid: uuidB, nodeName: nodeId('n2'), versions: { min: 4, max: 4 } }),
      'no_common_version',
    ],
    ['self', hello({ listenAddress: 'elsewhere:4567' }), 'self'],
    ['same name', hello({ nodeUuid: uuidB }), 'duplicate_node_name'],
  ];
  for (const [name, remote, expected] of cases) {
    for (const [a, b] of [
      [local, remote],
      [remote, local],
    ] as const) {
      const verdict = judgeHello(a, b);
      const got = verdict.kind === 'refuse' ? verdict.cause : verdict.kind;
      assert.equal(got, expected, name);
      if (verdict.kind === 'accept') assert.equal(verdict.version, 3);
    }
  }
});

test('of two links, both ends keep the one dialed by the smaller UUID, else the newer', () => {
  const byA = { dialerUuid: uuidA, dialSeq: 5 };
  const byB = { dialerUuid: uuidB, dialSeq: 9 };
  assert.equal(preferredLink(byA, byB), 'a');
  assert.equal(preferredLink(byB, byA), 'b');
  const older = { dialerUuid: uuidB, dialSeq: 10 };
  const newer = { dialerUuid: uuidB, dialSeq: 11 };
  assert.equal(preferredLink(older, newer), 'b');
  assert.equal(preferredLink(newer, older), 'a');
});

test('REFUSE and BYE payloads round-trip; peer text is sanitised', () => {
  const refusal = decodeRefuse(encodeRefuse('wrong_cluster_name', 'names\u0007 differ'));
  assert.ok(refusal.ok);
  assert.equal(refusal.value.cause, 'wrong_cluster_name');
  assert.equal(refusal.value.detail, 'names? differ');
  assert.equal(decodeRefuse(Uint8Array.of(99, 0, 0)).ok, false);
  assert.equal(decodeRefuse(Uint8Array.of(1, 0)).ok, false);
  for (const reason of ['self', 'duplicate_link', 'shutdown'] as const) {
    assert.equal(decodeBye(encodeBye(reason)), reason);
  }
  assert.equal(decodeBye(Uint8Array.of(0)), null);
  assert.equal(decodeBye(Uint8Array.of(1, 1)), null);
  assert.equal(sanitiseText('a\nb\u202ec'), 'a?b?c');
});

test('the wrong_cluster_name line uses the TLS table texts and names the fix', () => {
  const line = handshakeRejectionLine(
    'wrong_cluster_name',
    'local',
    'ssl://10.0.0.2:4567',
    'ssl://10.0.0.1:40000',
    "this node's wsrep_cluster_name is 'a', the peer n2's is 'b'",
  );
  const text = tlsRejectionTexts.wrong_cluster_name;
  assert.equal(
    line,
    `Rejected peer, remote endpoint ssl://10.0.0.2:4567 local endpoint ssl://10.0.0.1:40000: wrong_cluster_name: ${text.local} (this node's wsrep_cluster_name is 'a', the peer n2's is 'b'). Fix: ${text.fix}.`,
  );
});

test('the reconnect delay doubles from the initial to the cap, jitter only shortens it', () => {
  const limits = {
    reconnectDelayMsInitial: 100,
    reconnectDelayMsMax: 1000,
    reconnectJitterFraction: 0.25,
  };
  const delays = [0, 1, 2, 3, 4, 5, 40].map((failures) =>
    reconnectDelayMs(limits, failures, false, 0),
  );
  assert.deepEqual(delays, [100, 100, 200, 400, 800, 1000, 1000]);
  assert.equal(reconnectDelayMs(limits, 1, true, 0), 1000, 'a configuration cause waits the max');
  assert.equal(reconnectDelayMs(limits, 5, false, 0.999), 750);
  assert.ok(
    defaultTransportLimits.reconnectDelayMsMax >= defaultTransportLimits.reconnectDelayMsInitial,
  );
});

test('a recurring warning is logged once per interval, with a count of the rest', () => {
  const lines: string[] = [];
  let now = 0;
  const log = new RateLimitedLog(
    { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
    1000,
    () => now,
  );
  log.warn(
    'Rejected peer, remote endpoint ssl://10.0.0.2:4567 local endpoint ssl://10.0.0.1:40001: x',
  );
  now = 500;
  log.warn(
    'Rejected peer, remote endpoint ssl://10.0.0.2:4567 local endpoint ssl://10.0.0.1:40002: x',
  );
  log.warn('another warning');
  now = 1500;
  log.warn(
    'Rejected peer, remote endpoint ssl://10.0.0.2:4567 local endpoint ssl://10.0.0.1:40003: x',
  );
  assert.equal(lines.length, 3);
  assert.match(lines[2]!, /40003: x \[1 more like this in the last 2 s\]$/);
  log.reset();
  log.warn('another warning');
  assert.equal(lines.length, 4);
});
