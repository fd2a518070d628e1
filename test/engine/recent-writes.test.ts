// Goal: the engine's memory of recent writes answers "changed since my snapshot?" exactly for what
// it remembers, "changed" for anything older than it remembers, and forgets the oldest write-set
// first, in order, however many went by. Method: drive RecentWrites with write-sets by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificationKey, WriteSet } from '../../src/codec/index.js';
import { RecentWrites } from '../../src/engine/recent-writes.js';

const key = (id: number, exclusive = true): CertificationKey => ({
  database: 'd',
  table: 't',
  keyBytes: new Uint8Array([id]),
  exclusive,
});

const writeSet = (...keys: CertificationKey[]): WriteSet =>
  ({ keys, rows: [], statements: [] }) as unknown as WriteSet;

test('recent writes: a row written after the snapshot has changed; shared keys and older writes have not', () => {
  const recent = new RecentWrites(10, 4);
  recent.applied(writeSet(key(1), key(2, false)), 11);
  assert.equal(recent.changedSince([key(1)], 10), true);
  assert.equal(recent.changedSince([key(1)], 11), false);
  assert.equal(recent.changedSince([key(2)], 10), false, 'a shared key writes nothing');
  assert.equal(recent.changedSince([key(3)], 10), false);
  assert.equal(recent.changedSince([], 5), false);
  assert.equal(recent.changedSince([key(3)], 5), true, 'older than remembered: changed');
});

test('recent writes: past its bound it forgets the oldest write-sets first, many times round', () => {
  const recent = new RecentWrites(0, 3);
  for (let seqno = 1; seqno <= 20; seqno++) recent.applied(writeSet(key(seqno % 5)), seqno);
  // Remembered: 18 (key 3), 19 (key 4), 20 (key 0); forgotten up to 17.
  assert.equal(recent.changedSince([key(1)], 17), false, 'key 1 was last written at 16');
  assert.equal(recent.changedSince([key(3)], 17), true);
  assert.equal(recent.changedSince([key(1)], 16), true, 'a snapshot before the floor');
  // A key written again stays known at its newest seqno when its older write is forgotten.
  const again = new RecentWrites(0, 2);
  again.applied(writeSet(key(7)), 1);
  again.applied(writeSet(key(7)), 2);
  again.applied(writeSet(key(8)), 3);
  assert.equal(again.changedSince([key(7)], 1), true);
  assert.equal(again.changedSince([key(7)], 2), false);
});
