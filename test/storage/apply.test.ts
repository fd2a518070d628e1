// Apply: write-sets captured on one store are applied on another (group commit, idempotence,
// gap-freedom, atomicity, TOI) and the logical checksums of the two must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { AssertionError } from '../../src/core/assert.js';
import { index } from '../../src/core/types.js';
import { encodeKeyValues, type WriteSet } from '../../src/codec/index.js';
import { storePath, type ApplyItem, type Store } from '../../src/storage/index.js';
import {
  applyNext,
  bytes,
  ddl,
  openAt,
  remoteWriteSet,
  rows,
  run,
  tempDir,
  tempStore,
  transact,
  writer,
} from './helpers.js';

const T = '"d.t"';
const SCHEMA = [
  `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, k INTEGER, c TEXT, b BLOB, r REAL)`,
  `CREATE TABLE "d.nopk" (a TEXT, b INTEGER)`,
  `CREATE TABLE "d.w" (x TEXT, y INTEGER, z, PRIMARY KEY (x, y)) WITHOUT ROWID`,
];

async function checksumOf(store: Store): Promise<string> {
  const result = await store.checksum();
  assert.ok(result.ok);
  assert.equal(result.value.appliedSeqno, store.appliedSeqno());
  return result.value.total;
}

/** Runs a workload on `origin`, applying each write-set on origin and on `replica`. */
async function workload(origin: Store, replica: Store): Promise<void> {
  const transactions = [
    [`INSERT INTO ${T} VALUES (1, 10, 'a', x'00ff', 1.5), (2, 20, 'b', NULL, -0.25)`],
    [
      `INSERT INTO "d.nopk" VALUES ('p', 1), ('q', 2), ('r', 3)`,
      `DELETE FROM "d.nopk" WHERE a = 'q'`,
    ],
    [`INSERT INTO "d.w" VALUES ('m', 1, 5), ('m', 2, 'five')`],
    [`UPDATE ${T} SET c = c || '!', k = k + 1`, `UPDATE "d.nopk" SET b = 99 WHERE a = 'r'`],
    [`UPDATE "d.w" SET y = 3 WHERE y = 2`, `DELETE FROM ${T} WHERE id = 1`],
    [`INSERT INTO ${T} VALUES (1, 11, 'back', NULL, NULL)`, `INSERT INTO "d.nopk" VALUES ('s', 4)`],
  ];
  for (const statements of transactions) {
    const ws = await transact(origin, ...statements);
    await applyNext(origin, ws);
    await applyNext(replica, ws);
  }
}

test('write-sets applied on a second store reproduce an identical checksum', async () => {
  const a = tempStore('n1');
  const b = tempStore('n2');
  try {
    await ddl(a.store, ...SCHEMA);
    await ddl(b.store, ...SCHEMA);
    assert.equal(await checksumOf(a.store), await checksumOf(b.store));
    await workload(a.store, b.store);
    const sumA = await a.store.checksum();
    const sumB = await b.store.checksum();
    assert.ok(sumA.ok && sumB.ok);
    assert.deepEqual(sumA.value, sumB.value);
    assert.deepEqual(Object.keys(sumA.value.tables), ['d.nopk', 'd.t', 'd.w']);
    assert.deepEqual(rows(b.store, `SELECT rowid, a, b FROM "d.nopk" ORDER BY rowid`), [
      [1n, 'p', 1n],
      [3n, 'r', 99n],
      [4n, 's', 4n],
    ]);
    assert.deepEqual(rows(b.store, `SELECT * FROM ${T} ORDER BY id`), [
      [1n, 11n, 'back', null, null],
      [2n, 21n, 'b!', null, -0.25],
    ]);
    // A difference in one value shows in that table's digest and the total.
    const lease = await writer(b.store);
    run(lease, `UPDATE "d.w" SET z = 6 WHERE y = 1`);
    const ws = lease.commit();
    assert.ok(ws.ok);
    await applyNext(b.store, ws.value);
    const changed = await b.store.checksum();
    assert.ok(changed.ok);
    assert.notEqual(changed.value.total, sumA.value.total);
    assert.notEqual(changed.value.tables['d.w'], sumA.value.tables['d.w']);
    assert.equal(changed.value.tables['d.t'], sumA.value.tables['d.t']);
  } finally {
    a.dispose();
    b.dispose();
  }
});

function insertOf(id: bigint, c: string): WriteSet {
  return {
    originNodeId: 'n9' as WriteSet['originNodeId'],
    originTransactionId: 1 as WriteSet['originTransactionId'],
    seqnoSnapshot: index(0),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [{ database: 'd', table: 't', keyBytes: encodeKeyValues([id]), exclusive: true }],
    rows: [
      {
        op: 'insert',
        database: 'd',
        table: 't',
        key: encodeKeyValues([id]),
        after: [id, 0n, c, null, null],
      },
    ],
    statements: [],
  };
}

test('applying is idempotent: items at or below the applied seqno are skipped', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, ...SCHEMA); // seqno 1
    const batch: ApplyItem[] = [2, 3, 4].map((s) => ({
      seqno: index(s),
      writeSet: insertOf(BigInt(s), `v${s}`),
    }));
    const first = await t.store.applyBatch(batch);
    assert.deepEqual(first, { ok: true, value: { applied: 3, skipped: 0, seqnoApplied: 4 } });
    const before = await checksumOf(t.store);
    const replay = [
      ...batch,
      { seqno: index(5), writeSet: null },
      { seqno: index(6), writeSet: insertOf(6n, 'v6') },
    ];
    const second = await t.store.applyBatch(replay);
    assert.deepEqual(second, { ok: true, value: { applied: 1, skipped: 3, seqnoApplied: 6 } });
    assert.notEqual(await checksumOf(t.store), before);
    const third = await t.store.applyBatch(replay);
    assert.deepEqual(third, { ok: true, value: { applied: 0, skipped: 5, seqnoApplied: 6 } });
    assert.deepEqual(rows(t.store, `SELECT id FROM ${T} ORDER BY id`), [[2n], [3n], [4n], [6n]]);
    assert.equal(t.store.counters.writeSetsApplied, 4);
  } finally {
    t.dispose();
  }
});

test('a gap in seqnos is a broken invariant (assertion)', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, ...SCHEMA);
    await assert.rejects(
      t.store.applyBatch([{ seqno: index(3), writeSet: insertOf(3n, 'x') }]),
      AssertionError,
    );
    await assert.rejects(
      t.store.applyBatch([
        { seqno: index(2), writeSet: null },
        { seqno: index(4), writeSet: null },
      ]),
      AssertionError,
    );
    assert.equal(t.store.appliedSeqno(), 1);
  } finally {
    t.dispose();
  }
});

test('an apply error leaves nothing of the batch applied and the seqno unchanged', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, ...SCHEMA);
    const before = await checksumOf(t.store);
    const missingTable: WriteSet = {
      ...insertOf(3n, 'x'),
      rows: [
        { op: 'insert', database: 'd', table: 'nope', key: encodeKeyValues([3n]), after: [3n] },
      ],
    };
    const result = await t.store.applyBatch([
      { seqno: index(2), writeSet: insertOf(2n, 'ok') },
      { seqno: index(3), writeSet: missingTable },
    ]);
    assert.deepEqual(result, {
      ok: false,
      error: { kind: 'no_such_table', seqno: 3, detail: 'd.nope' },
    });
    assert.equal(t.store.appliedSeqno(), 1);
    assert.equal(await checksumOf(t.store), before);

    const wrongShape: WriteSet = {
      ...insertOf(3n, 'x'),
      rows: [
        { op: 'update', database: 'd', table: 't', key: encodeKeyValues([3n]), after: [3n, 1n] },
      ],
    };
    const shape = await t.store.applyBatch([
      { seqno: index(2), writeSet: insertOf(2n, 'ok') },
      { seqno: index(3), writeSet: wrongShape },
    ]);
    assert.ok(!shape.ok && shape.error.kind === 'row_shape' && shape.error.seqno === 3);
    const missingRow: WriteSet = {
      ...insertOf(3n, 'x'),
      rows: [{ op: 'delete', database: 'd', table: 't', key: encodeKeyValues([42n]), after: null }],
    };
    const missing = await t.store.applyBatch([{ seqno: index(2), writeSet: missingRow }]);
    assert.ok(!missing.ok && missing.error.kind === 'row_missing');
    const notNull: WriteSet = {
      ...insertOf(3n, 'x'),
      rows: [
        {
          op: 'insert',
          database: 'd',
          table: 'w',
          key: encodeKeyValues(['a', 1n]),
          after: ['a', null, 1n],
        },
      ],
    };
    const constraint = await t.store.applyBatch([{ seqno: index(2), writeSet: notNull }]);
    assert.ok(!constraint.ok && constraint.error.kind === 'sqlite', JSON.stringify(constraint));
    assert.equal(t.store.appliedSeqno(), 1);
    assert.equal(await checksumOf(t.store), before);
    // The store still applies afterwards.
    await applyNext(t.store, insertOf(2n, 'fine'));
    assert.equal(t.store.appliedSeqno(), 2);
  } finally {
    t.dispose();
  }
});

test('TOI DDL runs at its seqno; capture and apply follow the new schema', async () => {
  const a = tempStore('n1');
  const b = tempStore('n2');
  try {
    for (const s of [a.store, b.store]) await ddl(s, ...SCHEMA);
    await applyBoth(
      a.store,
      b.store,
      await transact(a.store, `INSERT INTO ${T} (id, k) VALUES (1, 1)`),
    );
    const alter = [
      `ALTER TABLE ${T} ADD COLUMN extra TEXT DEFAULT 'd'`,
      `DROP TABLE "d.nopk"`,
      `CREATE TABLE "e.n" (id TEXT PRIMARY KEY, v)`,
    ];
    const update = { put: [{ name: 'e.n', definition: '{"db":"e"}' }], remove: ['d.nopk'] };
    for (const s of [a.store, b.store]) {
      const result = await s.applyToi(index(s.appliedSeqno() + 1), alter, update);
      assert.ok(result.ok);
    }
    assert.deepEqual(a.store.catalogEntries(), [{ name: 'e.n', definition: '{"db":"e"}' }]);
    const ws = await transact(
      a.store,
      `UPDATE ${T} SET extra = 'x' WHERE id = 1`,
      `INSERT INTO "e.n" VALUES ('k', 1)`,
    );
    assert.deepEqual(
      ws.rows.map((row) => [row.database, row.table, row.after]),
      [
        ['d', 't', [1n, 1n, null, null, null, 'x']],
        ['e', 'n', ['k', 1n]],
      ],
    );
    await applyBoth(a.store, b.store, ws);
    assert.equal(await checksumOf(a.store), await checksumOf(b.store));
    // A failing DDL changes nothing and leaves the seqno where it was.
    const failed = await a.store.applyToi(index(a.store.appliedSeqno() + 1), [
      `CREATE TABLE "e.m" (a)`,
      `CREATE TABLE "e.n" (b)`,
    ]);
    assert.ok(!failed.ok && failed.error.kind === 'ddl_failed');
    assert.deepEqual(rows(a.store, `SELECT count(*) FROM sqlite_schema WHERE name = 'e.m'`), [
      [0n],
    ]);
    // TOI is idempotent too.
    const replay = await a.store.applyToi(index(1), [`CREATE TABLE "never" (a)`]);
    assert.deepEqual(replay, {
      ok: true,
      value: { applied: 0, skipped: 1, seqnoApplied: a.store.appliedSeqno() },
    });
  } finally {
    a.dispose();
    b.dispose();
  }
});

async function applyBoth(a: Store, b: Store, ws: WriteSet): Promise<void> {
  await applyNext(a, ws);
  await applyNext(b, ws);
}

test('after a crash, data and applied seqno are consistent on reopening', async () => {
  const dir = tempDir();
  const path = storePath(dir);
  try {
    let store = openAt(path);
    await ddl(store, ...SCHEMA);
    await store.setClusterUuid('6b0c3b2e-1c1d-11ef-9a2b-000000000001');
    await applyNext(store, insertOf(2n, 'durable'));
    // A local transaction in progress and an uncommitted apply are lost together.
    const lease = await writer(store);
    run(lease, `INSERT INTO ${T} (id) VALUES (100)`);
    store.close();
    assert.equal(lease.active, false);
    store = openAt(path);
    assert.equal(store.appliedSeqno(), 2);
    assert.equal(store.clusterUuid(), '6b0c3b2e-1c1d-11ef-9a2b-000000000001');
    assert.deepEqual(rows(store, `SELECT id, c FROM ${T}`), [[2n, 'durable']]);
    // The log replays from the start; everything up to seqno 2 is skipped.
    const replay = await store.applyBatch([
      { seqno: index(2), writeSet: insertOf(2n, 'durable') },
      { seqno: index(3), writeSet: insertOf(3n, 'new') },
    ]);
    assert.deepEqual(replay, { ok: true, value: { applied: 1, skipped: 1, seqnoApplied: 3 } });
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real crash in the middle of an apply transaction loses the whole batch, nothing else', async () => {
  const dir = tempDir();
  const path = storePath(dir);
  try {
    const store = openAt(path);
    await ddl(store, ...SCHEMA);
    await applyNext(store, insertOf(2n, 'before'));
    store.close();
    // A child process applies a batch and dies (process.exit) while the transaction is open:
    // an index on an expression calls a function that exits when it sees the value 'boom' (not a
    // CHECK: the applier ignores CHECK constraints, the origin checked the rows).
    const { spawnSync } = await import('node:child_process');
    const storeModule = new URL('../../src/storage/index.js', import.meta.url).href;
    const typesModule = new URL('../../src/core/types.js', import.meta.url).href;
    const script = `
      const { Store } = await import(${JSON.stringify(storeModule)});
      const { nodeId, index } = await import(${JSON.stringify(typesModule)});
      const functions = [{ name: 'crash_on', deterministic: true, fn: (v) => { if (v === 'boom') process.exit(7); return 1n; } }];
      const s = Store.open({ path: ${JSON.stringify(path)}, nodeId: nodeId('n1'), functions }).value;
      await s.applyToi(index(3), ['CREATE TABLE "d.c" (id INTEGER PRIMARY KEY, v TEXT)', 'CREATE INDEX "d.c.crash" ON "d.c" (crash_on(v))']);
      const row = (id, v) => ({ originNodeId: 'n9', originTransactionId: 1, seqnoSnapshot: 0,
        flags: { commit: true, rollback: false, toi: false, paUnsafe: false }, keys: [], statements: [],
        rows: [{ op: 'insert', database: 'd', table: 'c', key: new Uint8Array(), after: [id, v] }] });
      await s.applyBatch([{ seqno: index(4), writeSet: row(1n, 'fine') }, { seqno: index(5), writeSet: row(2n, 'boom') }]);
      process.exit(0);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 7, child.stderr);
    const reopened = openAt(
      path,
      'n1',
      {},
      {
        functions: [{ name: 'crash_on', deterministic: true, fn: () => 1n }],
      },
    );
    try {
      assert.equal(reopened.appliedSeqno(), 3);
      assert.deepEqual(rows(reopened, `SELECT count(*) FROM "d.c"`), [[0n]]);
      assert.deepEqual(rows(reopened, `SELECT id, c FROM ${T}`), [[2n, 'before']]);
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('applied values keep their storage class exactly', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE "d.v" (id INTEGER PRIMARY KEY, x, y BLOB)`);
    const values = [9223372036854775807n, 1.0, 'text', bytes(1, 2, 3), null];
    const ws: WriteSet = {
      ...insertOf(0n, ''),
      keys: [],
      rows: values.map((x, i) => ({
        op: 'insert' as const,
        database: 'd',
        table: 'v',
        key: encodeKeyValues([BigInt(i)]),
        after: [BigInt(i), x, bytes(i)],
      })),
    };
    await applyNext(t.store, ws);
    const read = rows(t.store, `SELECT x, typeof(x) FROM "d.v" ORDER BY id`);
    assert.deepEqual(
      read.map((row) => row[1]),
      ['integer', 'real', 'text', 'blob', 'null'],
    );
    assert.equal(read[0]![0], 9223372036854775807n);
    assert.equal(read[1]![0], 1);
    assert.deepEqual(Uint8Array.from(read[3]![0] as Uint8Array), bytes(1, 2, 3));
  } finally {
    t.dispose();
  }
});

test('a write-set that swaps unique values applies (why INSERT OR REPLACE, not UPSERT)', async () => {
  const a = tempStore('n1');
  const b = tempStore('n2');
  try {
    const schema = `CREATE TABLE "d.u" (id INTEGER PRIMARY KEY, u TEXT UNIQUE)`;
    for (const s of [a.store, b.store]) await ddl(s, schema);
    await applyBoth(
      a.store,
      b.store,
      await transact(a.store, `INSERT INTO "d.u" VALUES (1, 'a'), (2, 'b')`),
    );
    const swap = await transact(
      a.store,
      `UPDATE "d.u" SET u = 'tmp' WHERE id = 1`,
      `UPDATE "d.u" SET u = 'a' WHERE id = 2`,
      `UPDATE "d.u" SET u = 'b' WHERE id = 1`,
    );
    // Applied in order, the first image (1, 'b') meets row 2 still holding 'b'.
    assert.deepEqual(
      swap.rows.map((row) => row.after),
      [
        [1n, 'b'],
        [2n, 'a'],
      ],
    );
    await applyBoth(a.store, b.store, swap);
    assert.deepEqual(rows(b.store, `SELECT id, u FROM "d.u" ORDER BY id`), [
      [1n, 'b'],
      [2n, 'a'],
    ]);
    // A row deleted after another row took its unique value: the delete is applied first.
    const take = await transact(
      a.store,
      `UPDATE "d.u" SET u = 'x' WHERE id = 1`,
      `DELETE FROM "d.u" WHERE id = 2`,
      `UPDATE "d.u" SET u = 'a' WHERE id = 1`,
    );
    assert.deepEqual(
      take.rows.map((row) => row.op),
      ['update', 'delete'],
    );
    await applyBoth(a.store, b.store, take);
    assert.deepEqual(rows(b.store, `SELECT id, u FROM "d.u" ORDER BY id`), [[1n, 'a']]);
    assert.equal(await checksumOf(a.store), await checksumOf(b.store));
  } finally {
    a.dispose();
    b.dispose();
  }
});

// Applying runs on the session connection (its page cache stays warm) unless a foreign key is
// involved; these pin down what that must not change.
test('an applied write-set is not captured into later local transactions and fires no trigger', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`,
      `CREATE TABLE "d.log" (id INTEGER PRIMARY KEY)`,
      `CREATE TRIGGER "d.t_log" AFTER INSERT ON ${T} FOR EACH ROW WHEN _trireme_fires() ` +
        `BEGIN INSERT INTO "d.log" VALUES (NEW.id); END`,
    );
    const key = (id: bigint): Uint8Array => encodeKeyValues([id]);
    await applyNext(
      t.store,
      remoteWriteSet([{ op: 'insert', database: 'd', table: 't', key: key(5n), after: [5n, 'r'] }]),
    );
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T}`), [[5n, 'r']]);
    assert.deepEqual(rows(t.store, `SELECT id FROM "d.log"`), [], 'the origin fired it already');
    const local = await transact(t.store, `INSERT INTO ${T} VALUES (6, 'l')`);
    assert.deepEqual(
      local.rows.map((row) => [row.table, row.after?.[0]]),
      [
        ['t', 6n],
        ['log', 6n],
      ],
      'only the local rows (and what its trigger wrote)',
    );
  } finally {
    t.dispose();
  }
});

test('a write-set of a table in a foreign key is applied with foreign keys off', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE "d.parent" (id INTEGER PRIMARY KEY)`,
      `CREATE TABLE "d.child" (id INTEGER PRIMARY KEY, p INTEGER REFERENCES "d.parent" (id) ON DELETE CASCADE)`,
    );
    await applyNext(
      t.store,
      remoteWriteSet([
        { op: 'insert', database: 'd', table: 'parent', key: encodeKeyValues([1n]), after: [1n] },
        {
          op: 'insert',
          database: 'd',
          table: 'child',
          key: encodeKeyValues([10n]),
          after: [10n, 1n],
        },
      ]),
    );
    // The images already hold every cascaded change: deleting the parent alone must not cascade
    // (the origin would have sent the child's delete too), nor fail on the child left behind.
    await applyNext(
      t.store,
      remoteWriteSet([
        { op: 'delete', database: 'd', table: 'parent', key: encodeKeyValues([1n]), after: null },
      ]),
    );
    assert.deepEqual(rows(t.store, `SELECT id, p FROM "d.child"`), [[10n, 1n]]);
  } finally {
    t.dispose();
  }
});

test('a write-set of a table with a CHECK constraint is applied with checks off', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v INTEGER CHECK (v > 0))`);
    // The origin decides (it may have been told not to check): its rows are applied as they are.
    await applyNext(
      t.store,
      remoteWriteSet([
        { op: 'insert', database: 'd', table: 't', key: encodeKeyValues([1n]), after: [1n, -1n] },
      ]),
    );
    assert.deepEqual(rows(t.store, `SELECT id, v FROM ${T}`), [[1n, -1n]]);
  } finally {
    t.dispose();
  }
});
