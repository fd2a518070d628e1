// Goal: the certification window's keys live in the database with the applied seqno, so a restart
// or an SST copy rebuilds certification without the gcache. Method: apply batches and a TOI with
// key ids, reopen the file and a VACUUM copy of it, and read the window back; old seqnos go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { index } from '../../src/core/types.js';
import { openAt, tempStore } from './helpers.js';

test('the window kept with each applied seqno survives a reopen and a snapshot, and is bounded', async () => {
  const t = tempStore('n1', { certWindowKeep: 4 });
  try {
    const toi = await t.store.applyToi(
      index(1),
      ['CREATE TABLE "d.t" (id INTEGER PRIMARY KEY)'],
      undefined,
      ['\u0000toi\u0000d\u0000t'],
    );
    assert.ok(toi.ok);
    const applied = await t.store.applyBatch([
      { seqno: index(2), writeSet: null, certKeys: ['d\u0000t\u0000\u0001'] },
      { seqno: index(3), writeSet: null, certFailed: true },
      { seqno: index(4), writeSet: null, certKeys: ['d\u0000t\u0000\u00ff', 'd\u0000t\u0000é'] },
    ]);
    assert.ok(applied.ok);
    const expected = [
      { seqno: 1, keys: ['\u0000toi\u0000d\u0000t'] },
      { seqno: 2, keys: ['d\u0000t\u0000\u0001'] },
      { seqno: 4, keys: ['d\u0000t\u0000\u00ff', 'd\u0000t\u0000é'] },
    ];
    assert.deepEqual(t.store.certWindowAfter(index(0)), expected);
    assert.deepEqual(t.store.certWindowAfter(index(1)), expected.slice(1));

    const copy = join(t.dir, 'copy.db');
    const snapshot = await t.store.snapshotTo(copy);
    assert.ok(snapshot.ok && snapshot.value === 4);
    const copied = openAt(copy, 'n2');
    assert.deepEqual(copied.certWindowAfter(index(0)), expected);
    copied.close();
    rmSync(copy, { force: true });

    // Seqnos more than certWindowKeep behind the applied one are dropped once the applied seqno
    // passes a multiple of 64 (a purge per commit dirtied the table's first page every time).
    const upTo63 = Array.from({ length: 59 }, (_, i) => ({
      seqno: index(5 + i),
      writeSet: null,
      ...(5 + i === 62 ? { certKeys: ['d\u0000t\u0000b'] } : {}),
    }));
    assert.ok((await t.store.applyBatch(upTo63)).ok);
    const kept = { seqno: 62, keys: ['d\u0000t\u0000b'] };
    assert.deepEqual(t.store.certWindowAfter(index(0)), [...expected, kept]);
    const later = await t.store.applyBatch([{ seqno: index(64), writeSet: null }]);
    assert.ok(later.ok);
    assert.deepEqual(t.store.certWindowAfter(index(0)), [kept]);
    t.store.close();
    const reopened = openAt(t.path);
    assert.deepEqual(reopened.certWindowAfter(index(0)), [kept]);
    reopened.close();
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});
