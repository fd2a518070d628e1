// Goal: the record reader never throws on untrusted bytes and tells partial, damaged and intact
// records apart; replay of random segment bytes returns a value, never an exception. Method:
// round trips, every truncation and every single-byte change of a record, random bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Xoshiro128 } from '../../src/core/prng.js';
import type { Index } from '../../src/core/types.js';
import { encodeEntry } from '../../src/codec/consensus.js';
import {
  findDurableWitness,
  readRecord,
  RECORD_TYPES,
  recordBytes,
  writeRecord,
} from '../../src/gcache/record.js';
import { replaySegments } from '../../src/gcache/replay.js';
import { DEFAULT_CONSENSUS_LIMITS } from '../../src/codec/consensus.js';
import { entry } from './helpers.js';

const MAX = 1 << 20;

function oneRecord(synced = 0, offset = 0): Uint8Array {
  const payload = encodeEntry(entry(7, 2, 40));
  const bytes = new Uint8Array(offset + recordBytes(payload.length));
  writeRecord(bytes, offset, RECORD_TYPES.entry, synced, payload);
  return bytes;
}

test('a record round-trips', () => {
  const bytes = oneRecord(3, 10);
  const read = readRecord(bytes, 10, MAX);
  assert.ok(read.ok);
  assert.equal(read.record.type, RECORD_TYPES.entry);
  assert.equal(read.record.syncedBytes, 3);
  assert.equal(read.record.endBytes, bytes.length);
  assert.deepEqual(read.record.payload, encodeEntry(entry(7, 2, 40)));
});

test('every truncation is partial; every changed byte is caught', () => {
  const bytes = oneRecord();
  for (let cut = 0; cut < bytes.length; cut++) {
    const read = readRecord(bytes.subarray(0, cut), 0, MAX);
    assert.deepEqual(read, { ok: false, problem: 'partial' }, `cut at ${cut}`);
  }
  for (let at = 0; at < bytes.length; at++) {
    const changed = bytes.slice();
    changed[at] = changed[at]! ^ 0x01;
    const read = readRecord(changed, 0, MAX);
    assert.equal(read.ok, false, `byte ${at}`);
  }
});

test('a synced length beyond the record itself is a bad header, even with a good CRC', () => {
  const payload = encodeEntry(entry(7, 2, 40));
  const bytes = new Uint8Array(recordBytes(payload.length));
  // Written as if the buffer sat at file offset 5, then read at file offset 0.
  writeRecord(bytes, 0, RECORD_TYPES.entry, 5, payload, 5);
  assert.ok(readRecord(bytes, 0, MAX, 5).ok);
  assert.deepEqual(readRecord(bytes, 0, MAX), { ok: false, problem: 'bad_header' });
  assert.throws(() => writeRecord(bytes, 0, RECORD_TYPES.entry, 5, payload), /synced length/);
});

test('random bytes never throw, and rarely look like a record', () => {
  const rng = new Xoshiro128(42);
  let intact = 0;
  for (let trial = 0; trial < 2000; trial++) {
    const bytes = new Uint8Array(rng.int(200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    const read = readRecord(bytes, 0, MAX);
    if (read.ok) intact += 1;
    assert.equal(findDurableWitness(bytes, 0, MAX), null);
    const name = { file: 'x', sequence: 1, firstIndex: 1 as Index };
    const replayed = replaySegments([{ name, path: 'x', bytes }], {
      recordBytesMax: MAX,
      codec: DEFAULT_CONSENSUS_LIMITS,
    });
    if (replayed.ok) assert.equal(replayed.value.records, 0);
  }
  assert.equal(intact, 0);
});

test('a witness is an intact later record whose synced length covers the offset', () => {
  const first = oneRecord(0, 0);
  const second = oneRecord(first.length, first.length);
  second.set(first.subarray(0, first.length), 0);
  second[20] = second[20]! ^ 1; // damage the first record
  assert.equal(findDurableWitness(second, 0, MAX), first.length);
  const sameFlush = oneRecord(0, first.length);
  sameFlush.set(first, 0);
  sameFlush[20] = sameFlush[20]! ^ 1;
  assert.equal(findDurableWitness(sameFlush, 0, MAX), null, 'same flush: no proof');
});
