// A local transaction kept open at its commit (WriterLease.commit with `keep`) is committed in
// place when its write-set comes to be applied, instead of being rolled back and written again
// from its rows; whenever anything else needs the writer first, it is rolled back and the
// write-set is applied from its rows as before. Either way the store ends in the same state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { index, type Index } from '../../src/core/types.js';
import { encodeKeyValues, type WriteSet } from '../../src/codec/index.js';
import type { Store, WriterLease } from '../../src/storage/index.js';
import { applyNext, ddl, remoteWriteSet, rows, run, tempStore, writer } from './helpers.js';

const T = '"d.t"';

let keepAlive: NodeJS.Timeout | undefined;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));

function keep(lease: WriterLease): WriteSet {
  const committed = lease.commit([], undefined, lease.seqnoSnapshot, true);
  assert.ok(committed.ok && committed.value !== null, 'no write-set');
  return committed.value;
}

test('a kept transaction is committed in place by its own apply; the capture starts empty after it', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'a'), (2, 'b')`);
    run(lease, `UPDATE ${T} SET v = 'bb' WHERE id = 2`);
    const writeSet = keep(lease);
    assert.ok(lease.kept === writeSet && !lease.active);
    // The rows are not committed yet: a reader does not see them.
    assert.deepEqual(rows(t.store, `SELECT count(*) FROM ${T}`), [[0n]]);
    const seqno = index(t.store.appliedSeqno() + 1);
    const applied = await t.store.applyBatch([{ seqno, writeSet, certKeys: ['k1'] }]);
    assert.deepEqual(applied, { ok: true, value: { applied: 1, skipped: 0, seqnoApplied: seqno } });
    assert.equal(lease.kept, null);
    lease.settle(); // nothing left to do
    assert.equal(t.store.counters.keptCommits, 1);
    assert.equal(t.store.counters.keptRolledBack, 0);
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T} ORDER BY id`), [
      [1n, 'a'],
      [2n, 'bb'],
    ]);
    assert.deepEqual(t.store.certWindowAfter(index(0)), [{ seqno, keys: ['k1'] }]);
    // The next transaction's write-set holds its own change only.
    const next = await writer(t.store, 'next');
    run(next, `DELETE FROM ${T} WHERE id = 1`);
    const second = next.commit();
    assert.ok(second.ok && second.value !== null);
    assert.deepEqual(
      second.value.rows.map((row) => row.op),
      ['delete'],
    );
  } finally {
    t.dispose();
  }
});

test('a kept transaction is rolled back when a session asks for the writer; its apply then writes the rows', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'a')`);
    const writeSet = keep(lease);
    const other = await writer(t.store, 'other');
    assert.equal(lease.kept, null, 'rolled back for the other session');
    const seen = other.execute(`SELECT count(*) FROM ${T}`);
    assert.ok(seen.ok);
    assert.deepEqual(seen.value.rows, [[0n]]);
    other.rollback();
    await applyNext(t.store, writeSet);
    assert.equal(t.store.counters.keptCommits, 0);
    assert.equal(t.store.counters.keptRolledBack, 1);
    assert.equal(t.store.counters.stashes, 0);
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T}`), [[1n, 'a']]);
  } finally {
    t.dispose();
  }
});

/** A kept insert of row 1 ('mine') and another node's write-set of row `id` ('theirs'). */
async function keptAndTheirs(
  t: ReturnType<typeof tempStore>,
  op: 'insert' | 'update',
  id: bigint,
): Promise<{ lease: WriterLease; mine: WriteSet; theirs: WriteSet; first: Index }> {
  await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
  const lease = await writer(t.store);
  run(lease, `INSERT INTO ${T} VALUES (1, 'mine')`);
  const mine = keep(lease);
  const key = encodeKeyValues([id]);
  const theirs = remoteWriteSet([{ op, database: 'd', table: 't', key, after: [id, 'theirs'] }]);
  return { lease, mine, theirs, first: index(t.store.appliedSeqno() + 1) };
}

test('a write-set of another node ordered first rolls the kept transaction back; both end applied', async () => {
  const t = tempStore();
  try {
    const { lease, mine, theirs, first } = await keptAndTheirs(t, 'insert', 2n);
    const applied = await t.store.applyBatch([
      { seqno: first, writeSet: theirs },
      { seqno: index(first + 1), writeSet: mine },
    ]);
    assert.ok(applied.ok && applied.value.applied === 2);
    assert.equal(lease.kept, null);
    assert.equal(t.store.counters.keptCommits, 0);
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T} ORDER BY id`), [
      [1n, 'mine'],
      [2n, 'theirs'],
    ]);
  } finally {
    t.dispose();
  }
});

test('a kept write-set first in a batch is committed in place, the rest applied after it', async () => {
  const t = tempStore();
  try {
    const { mine, theirs, first } = await keptAndTheirs(t, 'update', 1n);
    const applied = await t.store.applyBatch([
      { seqno: first, writeSet: mine },
      { seqno: index(first + 1), writeSet: theirs },
    ]);
    assert.deepEqual(applied, {
      ok: true,
      value: { applied: 2, skipped: 0, seqnoApplied: index(first + 1) },
    });
    assert.equal(t.store.counters.keptCommits, 1);
    assert.equal(t.store.appliedSeqno(), first + 1);
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T}`), [[1n, 'theirs']]);
  } finally {
    t.dispose();
  }
});

test('a kept transaction whose verdict is not a commit ends rolled back, and the writer is free', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'a')`);
    keep(lease);
    // Certification failed: the applier records the seqno without the write-set.
    await t.store.applyBatch([
      { seqno: index(t.store.appliedSeqno() + 1), writeSet: null, certFailed: true },
    ]);
    assert.equal(lease.kept, null, 'rolled back for the applier');
    lease.settle();
    assert.deepEqual(rows(t.store, `SELECT count(*) FROM ${T}`), [[0n]]);
    const next = await t.store.acquireWriter('next', 0);
    assert.ok(next.ok, 'the writer is free at once');
    next.value.rollback();
    // A verdict with no apply at all (the outcome is unknown): settle rolls it back.
    const unknown = await writer(t.store);
    run(unknown, `INSERT INTO ${T} VALUES (2, 'b')`);
    keep(unknown);
    unknown.settle();
    assert.equal(unknown.kept, null);
    assert.deepEqual(rows(t.store, `SELECT count(*) FROM ${T}`), [[0n]]);
    const last = await t.store.acquireWriter('last', 0);
    assert.ok(last.ok, 'the writer is free at once');
    last.value.rollback();
  } finally {
    t.dispose();
  }
});

test('a kept transaction on a table in a foreign key is applied from its rows', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      'CREATE TABLE "d.p" (id INTEGER PRIMARY KEY)',
      'CREATE TABLE "d.c" (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES "d.p"(id))',
    );
    const lease = await writer(t.store);
    run(lease, 'INSERT INTO "d.p" VALUES (1)');
    run(lease, 'INSERT INTO "d.c" VALUES (10, 1)');
    const writeSet = keep(lease);
    await applyNext(t.store, writeSet);
    assert.equal(t.store.counters.keptCommits, 0);
    assert.equal(t.store.counters.keptRolledBack, 1);
    assert.deepEqual(rows(t.store, 'SELECT id, pid FROM "d.c"'), [[10n, 1n]]);
  } finally {
    t.dispose();
  }
});

/** Runs `statements` as one kept transaction on `origin`, then applies its write-set on both. */
async function keptOnOneAppliedOnOther(
  origin: Store,
  other: Store,
  ...statements: string[]
): Promise<void> {
  const lease = await writer(origin);
  for (const sql of statements) run(lease, sql);
  const writeSet = keep(lease);
  await applyNext(origin, writeSet);
  await applyNext(other, writeSet);
}

test('a table keyed by other columns than its rowid is applied from its rows: rowids stay the same on every node', async () => {
  const a = tempStore('n1');
  const b = tempStore('n2');
  try {
    for (const t of [a, b]) await ddl(t.store, 'CREATE TABLE "d.v" (k TEXT PRIMARY KEY, v TEXT)');
    const statements = [
      `INSERT INTO "d.v" VALUES ('a', '1'), ('b', '1'), ('c', '1')`,
      `UPDATE "d.v" SET v = '2' WHERE k = 'a'`,
    ];
    for (const sql of statements) await keptOnOneAppliedOnOther(a.store, b.store, sql);
    assert.equal(a.store.counters.keptCommits, 0);
    assert.equal(a.store.counters.keptRolledBack, 2);
    const query = 'SELECT rowid, k, v FROM "d.v" ORDER BY rowid';
    assert.deepEqual(rows(a.store, query), rows(b.store, query));
    // An INTEGER key is the rowid: committed in place.
    for (const t of [a, b])
      await ddl(t.store, 'CREATE TABLE "d.i" (id INTEGER PRIMARY KEY, v TEXT)');
    await keptOnOneAppliedOnOther(a.store, b.store, `INSERT INTO "d.i" VALUES (1, 'x')`);
    assert.equal(a.store.counters.keptCommits, 1);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('an AUTOINCREMENT table is committed in place only when sqlite_sequence ends as the apply leaves it', async () => {
  const a = tempStore('n1');
  const b = tempStore('n2');
  try {
    for (const t of [a, b])
      await ddl(
        t.store,
        'CREATE TABLE "d.s" (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT UNIQUE)',
      );
    await keptOnOneAppliedOnOther(a.store, b.store, `INSERT INTO "d.s" VALUES (1, 'x')`);
    assert.equal(a.store.counters.keptCommits, 1, 'a plain insert moves both alike');
    // The upsert's update branch and the row inserted and deleted again raise the session's
    // sequence, and the UPDATE that moves a key up raises the apply's.
    await keptOnOneAppliedOnOther(
      a.store,
      b.store,
      `INSERT INTO "d.s" VALUES (100, 'x') ON CONFLICT (v) DO UPDATE SET v = 'y'`,
      `INSERT INTO "d.s" VALUES (50, 'z')`,
      `DELETE FROM "d.s" WHERE id = 50`,
    );
    await keptOnOneAppliedOnOther(a.store, b.store, `UPDATE "d.s" SET id = 1000 WHERE id = 1`);
    assert.equal(a.store.counters.keptCommits, 1);
    assert.equal(a.store.counters.keptRolledBack, 2);
    const query = 'SELECT name, seq FROM sqlite_sequence';
    assert.deepEqual(rows(a.store, query), rows(b.store, query));
    assert.deepEqual(rows(a.store, 'SELECT id, v FROM "d.s"'), [[1000n, 'y']]);
  } finally {
    a.dispose();
    b.dispose();
  }
});
