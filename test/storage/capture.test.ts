// Capture of local transactions: each test runs statements on the writer and checks the
// write-set that commit builds (collapse rules, keys, images, savepoints, limits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_WRITE_SET_LIMITS,
  decodeKeyValues,
  decodeWriteSet,
  encodeKeyValues,
  encodeWriteSet,
  type RowImage,
  type SqlValue,
  type WriteSet,
} from '../../src/codec/index.js';
import { UNIQUE_KEY_SEPARATOR } from '../../src/storage/index.js';
import { applyNext, bytes, ddl, rows, run, tempStore, transact, writer } from './helpers.js';

const T = '"d.t"';

function keyOf(row: RowImage): SqlValue[] {
  const decoded = decodeKeyValues(row.key);
  assert.ok(decoded.ok);
  return decoded.value;
}

/** The certification keys (table, bytes) of the write-set of one transaction of `sql`. */
async function keysIn(
  store: Parameters<typeof transact>[0],
  sql: string,
): Promise<Array<[string, Uint8Array]>> {
  return (await transact(store, sql)).keys.map((key) => [key.table, key.keyBytes]);
}

function summary(writeSet: WriteSet): Array<[string, SqlValue[], readonly SqlValue[] | null]> {
  return writeSet.rows.map((row) => [row.op, keyOf(row), row.after]);
}

test('insert, update and delete are captured with full after-images in column order', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, k INTEGER, c TEXT)`);
    await t.store.applyBatch([]);
    let ws = await transact(t.store, `INSERT INTO ${T} VALUES (1, 10, 'a'), (2, 20, 'b')`);
    assert.deepEqual(summary(ws), [
      ['insert', [1n], [1n, 10n, 'a']],
      ['insert', [2n], [2n, 20n, 'b']],
    ]);
    assert.equal(ws.rows[0]!.database, 'd');
    assert.equal(ws.rows[0]!.table, 't');
    assert.deepEqual(
      ws.keys.map((key) => [key.database, key.table, key.exclusive]),
      [
        ['d', 't', true],
        ['d', 't', true],
      ],
    );
    assert.deepEqual(ws.keys[0]!.keyBytes, encodeKeyValues([1n]));
    assert.equal(ws.flags.commit, true);
    assert.equal(ws.originNodeId, 'n1');
    // Nothing was committed locally.
    assert.deepEqual(rows(t.store, `SELECT count(*) FROM ${T}`), [[0n]]);
    await applyNext(t.store, ws);
    ws = await transact(
      t.store,
      `UPDATE ${T} SET c = 'z' WHERE id = 2`,
      `DELETE FROM ${T} WHERE id = 1`,
    );
    assert.deepEqual(summary(ws), [
      ['update', [2n], [2n, 20n, 'z']],
      ['delete', [1n], null],
    ]);
    assert.equal(ws.seqnoSnapshot, 2);
  } finally {
    t.dispose();
  }
});

test('several changes to one row collapse into its final image', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyNext(
      t.store,
      await transact(t.store, `INSERT INTO ${T} VALUES (1, 'one'), (2, 'two'), (3, 'three')`),
    );
    const ws = await transact(
      t.store,
      // insert + update → insert
      `INSERT INTO ${T} VALUES (10, 'x')`,
      `UPDATE ${T} SET v = 'y' WHERE id = 10`,
      // insert + delete → nothing
      `INSERT INTO ${T} VALUES (11, 'gone')`,
      `DELETE FROM ${T} WHERE id = 11`,
      // update + delete → delete
      `UPDATE ${T} SET v = 'u' WHERE id = 1`,
      `DELETE FROM ${T} WHERE id = 1`,
      // delete + insert → update
      `DELETE FROM ${T} WHERE id = 2`,
      `INSERT INTO ${T} VALUES (2, 'again')`,
      // update + update → update with the last image
      `UPDATE ${T} SET v = 'a' WHERE id = 3`,
      `UPDATE ${T} SET v = 'b' WHERE id = 3`,
    );
    assert.deepEqual(summary(ws), [
      ['insert', [10n], [10n, 'y']],
      ['delete', [1n], null],
      ['update', [2n], [2n, 'again']],
      ['update', [3n], [3n, 'b']],
    ]);
    assert.equal(ws.keys.length, 4);
  } finally {
    t.dispose();
  }
});

test('an UPDATE that changes the primary key is a delete of the old key and an insert of the new', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${T} (a TEXT, b INTEGER, v REAL, PRIMARY KEY (a, b)) WITHOUT ROWID`,
    );
    await applyNext(t.store, await transact(t.store, `INSERT INTO ${T} VALUES ('k', 1, 1.5)`));
    const ws = await transact(t.store, `UPDATE ${T} SET b = 2 WHERE a = 'k'`);
    assert.deepEqual(summary(ws), [
      ['delete', ['k', 1n], null],
      ['insert', ['k', 2n], ['k', 2n, 1.5]],
    ]);
    // Moving it back within the same transaction is an update of the original key.
    const back = await transact(
      t.store,
      `UPDATE ${T} SET b = 2 WHERE a = 'k'`,
      `UPDATE ${T} SET b = 1 WHERE a = 'k'`,
    );
    assert.deepEqual(summary(back), [['update', ['k', 1n], ['k', 1n, 1.5]]]);
  } finally {
    t.dispose();
  }
});

test('ROLLBACK TO a savepoint drops the changes captured after it', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'kept')`);
    assert.ok(lease.savepoint('sp1').ok);
    run(lease, `INSERT INTO ${T} VALUES (2, 'dropped')`);
    run(lease, `UPDATE ${T} SET v = 'changed' WHERE id = 1`);
    assert.ok(lease.rollbackToSavepoint('sp1').ok);
    run(lease, `INSERT INTO ${T} VALUES (3, 'after')`);
    assert.ok(lease.releaseSavepoint('sp1').ok);
    assert.deepEqual(lease.rollbackToSavepoint('nope'), {
      ok: false,
      error: { kind: 'no_such_savepoint', name: 'nope' },
    });
    const committed = lease.commit();
    assert.ok(committed.ok && committed.value !== null);
    assert.deepEqual(summary(committed.value), [
      ['insert', [1n], [1n, 'kept']],
      ['insert', [3n], [3n, 'after']],
    ]);
  } finally {
    t.dispose();
  }
});

test('a failed statement leaves nothing captured; rollback and empty transactions give no write-set', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'a')`);
    const failed = lease.execute(`INSERT INTO ${T} VALUES (2, 'b'), (3, NULL)`);
    assert.ok(!failed.ok && failed.error.kind === 'sqlite');
    assert.equal(failed.error.kind === 'sqlite' && failed.error.code, 'SQLITE_CONSTRAINT_NOTNULL');
    const read = lease.execute(`SELECT id FROM ${T} ORDER BY id`);
    assert.ok(read.ok);
    assert.deepEqual(read.value.rows, [[1n]]);
    assert.deepEqual(read.value.columns, ['id']);
    const committed = lease.commit();
    assert.ok(committed.ok && committed.value !== null);
    assert.equal(committed.value.rows.length, 1);

    const empty = await writer(t.store);
    run(empty, `SELECT * FROM ${T}`);
    assert.deepEqual(empty.commit(), { ok: true, value: null });
    const rolled = await writer(t.store);
    run(rolled, `INSERT INTO ${T} VALUES (5, 'x')`);
    rolled.rollback();
    assert.equal(rolled.active, false);
    const after = await writer(t.store);
    assert.deepEqual(after.commit(), { ok: true, value: null });
  } finally {
    t.dispose();
  }
});

test('a table without a primary key is keyed by rowid', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (a TEXT, b INTEGER)`);
    const ws = await transact(
      t.store,
      `INSERT INTO ${T} VALUES ('x', 1), ('y', 2)`,
      `UPDATE ${T} SET b = 5 WHERE a = 'y'`,
    );
    assert.deepEqual(summary(ws), [
      ['insert', [1n], ['x', 1n]],
      ['insert', [2n], ['y', 5n]],
    ]);
  } finally {
    t.dispose();
  }
});

test('BLOB, REAL, 64-bit INTEGER, NULL and TEXT values are exact through capture and the codec', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n, x ANY)`,
    );
    const lease = await writer(t.store);
    const values: SqlValue[] = [
      9007199254740993n,
      -9223372036854775808n,
      0.1,
      'héllo \u{1F600} "quoted"',
      bytes(0, 255, 1, 128),
      null,
      2.5,
    ];
    run(lease, `INSERT INTO ${T} VALUES (?, ?, ?, ?, ?, ?, ?)`, values);
    const committed = lease.commit();
    assert.ok(committed.ok && committed.value !== null);
    const after = committed.value.rows[0]!.after!;
    assert.equal(after[0], 9007199254740993n);
    assert.equal(after[1], -9223372036854775808n);
    assert.equal(after[2], 0.1);
    assert.equal(after[3], 'héllo \u{1F600} "quoted"');
    assert.deepEqual(Uint8Array.from(after[4] as Uint8Array), bytes(0, 255, 1, 128));
    assert.equal(after[5], null);
    assert.equal(after[6], 2.5);
    // The write-set survives encode → decode → encode unchanged.
    const encoded = encodeWriteSet(committed.value);
    const decoded = decodeWriteSet(encoded, DEFAULT_WRITE_SET_LIMITS);
    assert.ok(decoded.ok);
    assert.deepEqual(encodeWriteSet(decoded.value), encoded);
    assert.deepEqual(decoded.value.rows[0]!.after![1], -9223372036854775808n);
    assert.equal(decoded.value.originTransactionId, committed.value.originTransactionId);
  } finally {
    t.dispose();
  }
});

test('unique secondary keys become certification keys; extra keys are appended once', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, email TEXT, nick TEXT)`,
      `CREATE UNIQUE INDEX "d.t.email" ON ${T} (email)`,
    );
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1, 'a@x', NULL)`);
    const extra = { database: 'd', table: 'p', keyBytes: encodeKeyValues([7n]), exclusive: false };
    const again = { database: 'd', table: 't', keyBytes: encodeKeyValues([1n]), exclusive: true };
    const committed = lease.commit([extra, again]);
    assert.ok(committed.ok && committed.value !== null);
    assert.deepEqual(
      committed.value.keys.map((key) => [key.table, key.exclusive]),
      [
        ['t', true],
        [`t${UNIQUE_KEY_SEPARATOR}1`, true],
        ['p', false],
      ],
    );
    assert.deepEqual(committed.value.keys[1]!.keyBytes, encodeKeyValues(['a@x']));
  } finally {
    t.dispose();
  }
});

test('collated primary, unique and parent keys get a twin keyed by weights: equal values under the collation meet there', async () => {
  const t = tempStore();
  const P = '"d.p"';
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${P} (code TEXT COLLATE utf8mb4_general_ci PRIMARY KEY)`,
      `CREATE TABLE ${T} (name TEXT COLLATE utf8mb4_general_ci PRIMARY KEY, email TEXT COLLATE utf8mb4_bin, n INTEGER, p TEXT COLLATE utf8mb4_general_ci REFERENCES ${P} (code))`,
      `CREATE UNIQUE INDEX "d.t.email" ON ${T} (email, n)`,
    );
    await applyNext(t.store, await transact(t.store, `INSERT INTO ${P} VALUES ('Eu')`));
    const keysOf = (sql: string): Promise<Array<[string, Uint8Array]>> => keysIn(t.store, sql);
    const first = await keysOf(`INSERT INTO ${T} VALUES ('Ann', 'a@x', 1, 'eu')`);
    const second = await keysOf(`INSERT INTO ${T} VALUES ('aNN ', 'a@x  ', 1, 'EU')`);
    const S = UNIQUE_KEY_SEPARATOR;
    assert.deepEqual(
      first.map(([table]) => table),
      ['t', `t${S}*`, `t${S}1,2`, `t${S}1,2*`, 'p', `p${S}*`],
    );
    // The bytes as written differ; the collated twins are equal (PAD SPACE: 'a@x' = 'a@x  ').
    const differ = first.map(([, bytes], i) => Buffer.compare(bytes, second[i]![1]) !== 0);
    assert.deepEqual(differ, [true, false, true, false, true, false]);
    // utf8mb4_bin tells case apart.
    const third = await keysOf(`INSERT INTO ${T} VALUES ('Bob', 'A@x', 1, NULL)`);
    assert.notDeepEqual(third[3]![1], first[3]![1]);
    // A parent row's own key has the twin that a child's claim on it names.
    assert.deepEqual(
      (await keysOf(`INSERT INTO ${P} VALUES ('x')`)).map(([table]) => table),
      ['p', `p${S}*`],
    );
  } finally {
    t.dispose();
  }
});

test('a prefix key claims the prefix: values that share it meet, in characters for text and bytes for a blob', async () => {
  const t = tempStore();
  try {
    // As sql/emit-table.ts (indexPartSql) builds UNIQUE (v(3)) and UNIQUE (b(2), v(1)).
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT COLLATE utf8mb4_general_ci, b BLOB)`,
      `CREATE UNIQUE INDEX "d.t.u" ON ${T} (substr("v", 1, 3) COLLATE utf8mb4_general_ci)`,
      `CREATE UNIQUE INDEX "d.t.w" ON ${T} (substr("b", 1, 2), substr("v", 1, 1) COLLATE utf8mb4_general_ci DESC)`,
    );
    const keysOf = (sql: string): Promise<Array<[string, Uint8Array]>> => keysIn(t.store, sql);
    const S = UNIQUE_KEY_SEPARATOR;
    const first = await keysOf(`INSERT INTO ${T} VALUES (1, 'éabX', x'00ff01')`);
    assert.deepEqual(
      first.map(([table]) => table),
      ['t', `t${S}1/3`, `t${S}1/3*`, `t${S}2/2,1/1`, `t${S}2/2,1/1*`],
    );
    // Three characters (é is two bytes), two bytes of the blob.
    assert.deepEqual(first[1]![1], encodeKeyValues(['éab']));
    assert.deepEqual(first[3]![1], encodeKeyValues([new Uint8Array([0, 255]), 'é']));
    // 'ÉABz' shares the prefix under the collation: the same twin, other bytes as written.
    const second = await keysOf(`INSERT INTO ${T} VALUES (2, 'ÉABz', x'00fe')`);
    assert.notDeepEqual(second[1]![1], first[1]![1]);
    assert.deepEqual(second[2]![1], first[2]![1]);
    const third = await keysOf(`INSERT INTO ${T} VALUES (3, 'éabY', NULL)`);
    assert.deepEqual(third[1]![1], first[1]![1]);
    // A NULL part claims nothing.
    assert.deepEqual(
      third.map(([table]) => table),
      ['t', `t${S}1/3`, `t${S}1/3*`],
    );
  } finally {
    t.dispose();
  }
});

test('a prefix key takes the prefix as its index does: a column named in another case, a number, a binary string in bytes', async () => {
  const t = tempStore();
  try {
    // The index's text names `val` where the column is `Val`; `b` is a binary string's part.
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, Val TEXT COLLATE utf8mb4_general_ci, b BLOB)`,
      `CREATE UNIQUE INDEX "d.t.u" ON ${T} (substr("val", 1, 3) COLLATE utf8mb4_general_ci)`,
      `CREATE UNIQUE INDEX "d.t.w" ON ${T} (substr(CAST("b" AS BLOB), 1, 2))`,
    );
    const keysOf = (sql: string): Promise<Array<[string, Uint8Array]>> => keysIn(t.store, sql);
    const S = UNIQUE_KEY_SEPARATOR;
    // A number in either column is keyed by its text's prefix, as substr() takes it.
    const number = await keysOf(`INSERT INTO ${T} VALUES (1, 12345, 12345)`);
    assert.deepEqual(
      number.map(([table]) => table),
      ['t', `t${S}1/3`, `t${S}1/3*`, `t${S}2/2`],
    );
    assert.deepEqual(number[1]![1], encodeKeyValues(['123']));
    assert.deepEqual(number[3]![1], encodeKeyValues([new Uint8Array([0x31, 0x32])]));
    // 'é' is two bytes: 'éa' and 'éb' share the binary prefix; a text '12x' shares '12'.
    const text = await keysOf(`INSERT INTO ${T} VALUES (2, '123abc', 'éa')`);
    assert.deepEqual(text[1]![1], number[1]![1]);
    assert.deepEqual(text[3]![1], encodeKeyValues([new Uint8Array([0xc3, 0xa9])]));
    const digits = await keysOf(`INSERT INTO ${T} VALUES (3, NULL, '12x')`);
    assert.deepEqual(digits[1]![1], number[3]![1]);
  } finally {
    t.dispose();
  }
});

test('REPLACE that deletes a row conflicting on a unique key captures that delete', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, u TEXT UNIQUE)`);
    await applyNext(t.store, await transact(t.store, `INSERT INTO ${T} VALUES (1, 'a')`));
    const ws = await transact(t.store, `REPLACE INTO ${T} VALUES (2, 'a')`);
    assert.deepEqual(summary(ws), [
      ['delete', [1n], null],
      ['insert', [2n], [2n, 'a']],
    ]);
  } finally {
    t.dispose();
  }
});

test('a statement capturing more than captureRowsMax rows fails and is undone', async () => {
  const t = tempStore('n1', { captureRowsMax: 3 });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1), (2)`);
    const tooMany = lease.execute(`INSERT INTO ${T} VALUES (3), (4)`);
    assert.deepEqual(tooMany, { ok: false, error: { kind: 'too_many_rows', rowsMax: 3 } });
    assert.ok(lease.active);
    const committed = lease.commit();
    assert.ok(committed.ok && committed.value !== null);
    assert.equal(committed.value.rows.length, 2);
  } finally {
    t.dispose();
  }
});

test('extra keys given shared and exclusive are kept once, exclusive', async () => {
  const t = tempStore();
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`);
    const lease = await writer(t.store);
    run(lease, `INSERT INTO ${T} VALUES (1)`);
    const shared = { database: 'd', table: 'p', keyBytes: encodeKeyValues([7n]), exclusive: false };
    const committed = lease.commit([shared, { ...shared, exclusive: true }, shared]);
    assert.ok(committed.ok && committed.value !== null);
    assert.deepEqual(
      committed.value.keys.map((key) => [key.table, key.exclusive]),
      [
        ['t', true],
        ['p', true],
      ],
    );
  } finally {
    t.dispose();
  }
});

test('refreshCapture rebuilds the triggers of one table or of all', async () => {
  const t = tempStore();
  try {
    await ddl(
      t.store,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`,
      `CREATE TABLE "d.o" (id INTEGER PRIMARY KEY)`,
    );
    t.store.refreshCapture('d.t');
    t.store.refreshCapture('d.gone');
    let ws = await transact(t.store, `INSERT INTO ${T} VALUES (1)`, `INSERT INTO "d.o" VALUES (2)`);
    assert.deepEqual(
      ws.rows.map((row) => row.table),
      ['t', 'o'],
    );
    t.store.refreshCapture();
    ws = await transact(t.store, `INSERT INTO "d.o" VALUES (3)`);
    assert.deepEqual(summary(ws), [['insert', [3n], [3n]]]);
    const lease = await writer(t.store);
    assert.throws(() => t.store.refreshCapture(), /during a local transaction/);
    lease.rollback();
  } finally {
    t.dispose();
  }
});
