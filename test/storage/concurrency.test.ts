// Concurrency: sessions queue for the writer in FIFO order with a timeout, the applier
// brute-force aborts a transaction that holds the writer too long, and readers keep their
// snapshot while applies go on. Timing bounds are short but with wide margins.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { index } from '../../src/core/types.js';
import { encodeKeyValues, type WriteSet } from '../../src/codec/index.js';
import {
  applyNext,
  ddl,
  remoteWriteSet,
  rows,
  run,
  sleep,
  tempStore,
  transact,
  writer,
} from './helpers.js';

const T = '"d.t"';

// The store's timers are unref'd (they must not keep a node alive); here something must.
let keepAlive: NodeJS.Timeout | undefined;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));

function insertOf(id: bigint): WriteSet {
  return remoteWriteSet([
    { op: 'insert', database: 'd', table: 't', key: encodeKeyValues([id]), after: [id, 'r'] },
  ]);
}

test('sessions get the writer in FIFO order; a waiter past its timeout gets lock_wait_timeout', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const first = await writer(t.store, 'first');
    const order: string[] = [];
    const waits = ['second', 'third', 'fourth'].map(async (owner) => {
      const lease = await t.store.acquireWriter(owner, 5000);
      assert.ok(lease.ok);
      order.push(owner);
      await sleep(5);
      lease.value.rollback();
    });
    const impatient = t.store.acquireWriter('impatient', 30);
    const timedOut = await impatient;
    assert.ok(!timedOut.ok && timedOut.error.kind === 'lock_wait_timeout');
    assert.ok(timedOut.error.kind === 'lock_wait_timeout' && timedOut.error.waitedMs >= 25);
    assert.deepEqual(order, []);
    first.rollback();
    await Promise.all(waits);
    assert.deepEqual(order, ['second', 'third', 'fourth']);
    // Each transaction saw the writer alone: its snapshot seqno is the applied one.
    const last = await writer(t.store, 'last');
    assert.equal(last.seqnoSnapshot, t.store.appliedSeqno());
    last.rollback();
  } finally {
    t.dispose();
  }
});

test('the writer queue is bounded', async () => {
  const t = tempStore('n1', { writerWaitersMax: 1 });
  try {
    const holder = await writer(t.store, 'holder');
    const waiting = t.store.acquireWriter('waiting', 5000);
    const refused = await t.store.acquireWriter('refused', 5000);
    assert.deepEqual(refused, { ok: false, error: { kind: 'writer_queue_full', waitersMax: 1 } });
    holder.rollback();
    const granted = await waiting;
    assert.ok(granted.ok);
    granted.value.rollback();
  } finally {
    t.dispose();
  }
});

test('an apply waiting past bfAbortAfterMs brute-force aborts the local transaction', async () => {
  const t = tempStore('n1', { bfAbortAfterMs: 40 });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const victim = await writer(t.store, 'victim');
    run(victim, `INSERT INTO ${T} VALUES (50, 'local')`);
    const queued = t.store.acquireWriter('queued', 5000);
    const startedMs = Date.now();
    const applied = await t.store.applyBatch([{ seqno: index(2), writeSet: insertOf(1n) }]);
    const waitedMs = Date.now() - startedMs;
    assert.ok(applied.ok);
    assert.ok(waitedMs >= 35, `applier waited ${waitedMs} ms`);
    assert.equal(t.store.counters.bfAborts, 1);
    assert.equal(victim.active, false);
    // The victim learns at its next statement (or commit), once.
    assert.deepEqual(victim.execute(`SELECT 1`), { ok: false, error: { kind: 'bf_aborted' } });
    victim.rollback();
    // Its change is gone; the applied row is there; the next session gets the writer.
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T}`), [[1n, 'r']]);
    const next = await queued;
    assert.ok(next.ok);
    assert.equal(next.value.seqnoSnapshot, 2);
    next.value.rollback();
  } finally {
    t.dispose();
  }
});

test('a transaction that commits within the bound is not aborted; commit after abort is refused', async () => {
  const t = tempStore('n1', { bfAbortAfterMs: 40 });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const quick = await writer(t.store, 'quick');
    run(quick, `INSERT INTO ${T} VALUES (7, 'q')`);
    const apply = t.store.applyBatch([{ seqno: index(2), writeSet: insertOf(1n) }]);
    await sleep(5);
    const committed = quick.commit();
    assert.ok(committed.ok && committed.value !== null);
    assert.ok((await apply).ok);
    assert.equal(t.store.counters.bfAborts, 0);

    const slow = await writer(t.store, 'slow');
    run(slow, `INSERT INTO ${T} VALUES (8, 's')`);
    assert.ok((await t.store.applyBatch([{ seqno: index(3), writeSet: insertOf(2n) }])).ok);
    assert.deepEqual(slow.commit(), { ok: false, error: { kind: 'bf_aborted' } });
    assert.equal(t.store.counters.bfAborts, 1);
  } finally {
    t.dispose();
  }
});

test('a reader keeps the state of its snapshot while applies happen', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await t.store.applyBatch([{ seqno: index(2), writeSet: insertOf(1n) }]);
    const snapshot = t.store.snapshot();
    assert.ok(snapshot.ok);
    assert.equal(snapshot.value.seqno, 2);
    const count = (): unknown => {
      const result = snapshot.value.execute(`SELECT count(*) FROM ${T}`);
      assert.ok(result.ok);
      return result.value.rows[0]![0];
    };
    assert.equal(count(), 1n);
    await t.store.applyBatch([
      { seqno: index(3), writeSet: insertOf(2n) },
      { seqno: index(4), writeSet: insertOf(3n) },
    ]);
    await ddl(t.store, `DROP TABLE ${T}`);
    assert.equal(count(), 1n);
    const readOnly = snapshot.value.execute(`INSERT INTO ${T} VALUES (9, 'no')`);
    assert.ok(!readOnly.ok && readOnly.error.kind === 'sqlite');
    snapshot.value.release();
    const fresh = t.store.snapshot();
    assert.ok(fresh.ok);
    assert.equal(fresh.value.seqno, 5);
    const gone = fresh.value.execute(`SELECT count(*) FROM ${T}`);
    assert.ok(!gone.ok && gone.error.kind === 'sqlite');
    fresh.value.release();
  } finally {
    t.dispose();
  }
});

test('reader snapshots are bounded by readersMax', async () => {
  const t = tempStore('n1', { readersMax: 2, readerPoolSize: 1 });
  try {
    const a = t.store.snapshot();
    const b = t.store.snapshot();
    assert.ok(a.ok && b.ok);
    assert.deepEqual(t.store.snapshot(), {
      ok: false,
      error: { kind: 'too_many_readers', readersMax: 2 },
    });
    a.value.release();
    b.value.release();
    const c = t.store.snapshot();
    assert.ok(c.ok);
    c.value.release();
    await t.store.applyBatch([]);
  } finally {
    t.dispose();
  }
});

test('close refuses waiting sessions and rolls back the holder', async () => {
  const t = tempStore();
  const holder = await writer(t.store, 'holder');
  const waiting = t.store.acquireWriter('waiting', 5000);
  t.dispose();
  assert.deepEqual(await waiting, { ok: false, error: { kind: 'closed' } });
  assert.equal(holder.active, false);
  assert.deepEqual(await t.store.acquireWriter('late', 10), {
    ok: false,
    error: { kind: 'closed' },
  });
  assert.deepEqual(t.store.snapshot(), { ok: false, error: { kind: 'closed' } });
  const apply = await t.store.applyBatch([]);
  assert.ok(!apply.ok && apply.error.kind === 'closed');
});

test('a checksum reads one snapshot while applies go on between its chunks', async () => {
  const t = tempStore('n1', { checksumRowsPerYield: 2 });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const items = [2, 3, 4, 5, 6, 7].map((s) => ({
      seqno: index(s),
      writeSet: insertOf(BigInt(s)),
    }));
    assert.ok((await t.store.applyBatch(items)).ok);
    const before = await t.store.checksum();
    assert.ok(before.ok);
    const order: string[] = [];
    const during = t.store.checksum().then((result) => {
      order.push('checksum');
      return result;
    });
    // The checksum yields with setImmediate after two rows; this runs in that gap.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const applied = await t.store.applyBatch([{ seqno: index(8), writeSet: insertOf(8n) }]);
    order.push('apply');
    assert.ok(applied.ok);
    const result = await during;
    assert.deepEqual(order, ['apply', 'checksum']);
    assert.ok(result.ok);
    assert.deepEqual(result.value, before.value);
    assert.equal(result.value.appliedSeqno, 7);
    const after = await t.store.checksum();
    assert.ok(
      after.ok && after.value.total !== before.value.total && after.value.appliedSeqno === 8,
    );
  } finally {
    t.dispose();
  }
});

test('an idle lease is stashed when someone asks for the writer; a new lease restores it whole', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      'CREATE TABLE "d.p" (id INTEGER PRIMARY KEY, v TEXT)',
      'CREATE TABLE "d.c" (a INTEGER, b INTEGER, v TEXT, PRIMARY KEY (a, b))',
      'CREATE TABLE "d.r" (v TEXT)',
      'CREATE TABLE "d.k" (id INTEGER PRIMARY KEY)',
      'CREATE TABLE "d.ch" (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES "d.p"(id) ON DELETE CASCADE ON UPDATE CASCADE)',
    );
    await applyNext(
      t.store,
      await transact(
        t.store,
        `INSERT INTO "d.p" VALUES (1, 'one'), (2, 'two'), (3, 'three')`,
        `INSERT INTO "d.c" VALUES (1, 1, 'x')`,
        `INSERT INTO "d.r" (rowid, v) VALUES (7, 'seven')`,
        `INSERT INTO "d.k" VALUES (5)`,
        `INSERT INTO "d.ch" VALUES (10, 1)`,
      ),
    );
    const statements = [
      `INSERT INTO "d.p" VALUES (4, 'four')`,
      `UPDATE "d.p" SET v = 'uno' WHERE id = 1`,
      `DELETE FROM "d.p" WHERE id = 2`,
      `UPDATE "d.p" SET id = 30 WHERE id = 3`,
      `INSERT INTO "d.c" VALUES (1, 2, 'y')`,
      `UPDATE "d.c" SET v = 'xx' WHERE a = 1 AND b = 1`,
      `INSERT INTO "d.r" (rowid, v) VALUES (8, 'eight')`,
      `UPDATE "d.r" SET v = 'siete' WHERE rowid = 7`,
      `UPDATE "d.k" SET id = id WHERE id = 5`,
      `INSERT INTO "d.ch" VALUES (11, 4)`,
    ];
    // What the transaction's write-set is when it keeps the writer throughout.
    const reference = await writer(t.store, 'reference');
    for (const sql of statements) run(reference, sql);
    const expected = reference.commit();
    assert.ok(expected.ok && expected.value !== null);

    const lease = await writer(t.store, 'idle');
    for (const sql of statements) run(lease, sql);
    lease.idle();
    const other = await writer(t.store, 'other');
    assert.ok(!lease.active && lease.stash !== null, 'stashed when another asked');
    // The stash left nothing behind: the other lease sees the committed state.
    const seen = other.execute(`SELECT count(*) FROM "d.p"`);
    assert.ok(seen.ok);
    assert.deepEqual(seen.value.rows, [[3n]]);
    other.rollback();

    const again = await writer(t.store, 'idle');
    assert.ok(again.restore(lease.stash!).ok);
    const restored = again.commit();
    assert.ok(restored.ok && restored.value !== null);
    assert.deepEqual(restored.value.rows, expected.value.rows);
    assert.deepEqual(restored.value.keys, expected.value.keys);
    assert.equal(t.store.counters.stashes, 1);
    assert.equal(t.store.counters.restores, 1);
  } finally {
    t.dispose();
  }
});

test('a busy lease is never stashed; an idle one with a waiter already queued is stashed at once', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const first = await writer(t.store, 'first');
    run(first, `INSERT INTO ${T} VALUES (1, 'a')`);
    first.idle();
    first.busy();
    let granted = false;
    const waiting = t.store.acquireWriter('second', 5000).then((lease) => {
      granted = true;
      return lease;
    });
    await sleep(20);
    assert.equal(granted, false, 'a busy holder keeps the writer');
    assert.ok(first.active);
    first.idle();
    const second = await waiting;
    assert.ok(second.ok);
    assert.ok(!first.active && first.stash?.changes.rows.length === 1);
    second.value.rollback();
  } finally {
    t.dispose();
  }
});

test('a restore whose row changed since the stash writes nothing back and says why', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyNext(t.store, await transact(t.store, `INSERT INTO ${T} VALUES (1, 'a'), (2, 'b')`));
    const lease = await writer(t.store, 'idle');
    run(lease, `INSERT INTO ${T} VALUES (3, 'c')`);
    run(lease, `UPDATE ${T} SET v = 'bb' WHERE id = 2`);
    lease.idle();
    // Row 2 is deleted by a replicated write-set meanwhile (the applier stashes the idle lease).
    await applyNext(t.store, await transact(t.store, `DELETE FROM ${T} WHERE id = 2`));
    assert.ok(lease.stash !== null);
    const again = await writer(t.store, 'idle');
    const restored = again.restore(lease.stash);
    assert.ok(!restored.ok && /gone/.test(restored.error), JSON.stringify(restored));
    const left = again.execute(`SELECT id FROM ${T} ORDER BY id`);
    assert.ok(left.ok);
    assert.deepEqual(left.value.rows, [[1n]], 'row 3 is not written back either');
    again.rollback();
  } finally {
    t.dispose();
  }
});
