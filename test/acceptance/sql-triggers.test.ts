// Triggers in MySQL syntax through mysql2 against one `trireme start` process: BEFORE/AFTER
// INSERT/UPDATE/DELETE with NEW/OLD, SET NEW.col, BEGIN … END bodies, SHOW TRIGGERS,
// information_schema.TRIGGERS, DROP TRIGGER, MariaDB's error codes, and triggers surviving an
// ALTER TABLE and a restart. Expected answers were taken from MariaDB 10.11 after the same
// statements.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let c: mysql.Connection;

async function rows(sql: string): Promise<unknown[]> {
  const [result] = await c.query({ sql, rowsAsArray: true });
  return result as unknown[];
}

async function failsWith(sql: string, errno: number, message: string): Promise<void> {
  await assert.rejects(c.query(sql), (e: { errno?: number; sqlMessage?: string }) => {
    assert.equal(e.errno, errno, `${sql}: ${e.sqlMessage}`);
    assert.equal(e.sqlMessage, message);
    return true;
  });
}

before(async () => {
  node = await startStandaloneChild();
  c = await node.connect();
  for (const sql of [
    'CREATE DATABASE d2',
    'USE d2',
    'CREATE TABLE t (id INT PRIMARY KEY, qty INT, total INT, note VARCHAR(20))',
    'CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(50))',
    'CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.total = NEW.qty * 2',
    "CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('ins ', NEW.id))",
    "CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN SET NEW.total = NEW.qty * 3; SET NEW.note = 'upd'; END",
    "CREATE TRIGGER t_ad AFTER DELETE ON t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('del ', OLD.id))",
  ])
    await c.query(sql);
});

after(async () => {
  await c.end();
  await node.destroy();
});

test('BEFORE triggers set NEW columns, AFTER triggers write other tables, once per row', async () => {
  await c.query('INSERT INTO t (id, qty) VALUES (1, 5), (2, 7)');
  // MariaDB: 1 5 10 NULL / 2 7 14 NULL.
  assert.deepEqual(await rows('SELECT * FROM t ORDER BY id'), [
    [1, 5, 10, null],
    [2, 7, 14, null],
  ]);
  const [updated] = await c.query('UPDATE t SET qty = 10 WHERE id = 2');
  assert.equal((updated as { affectedRows: number }).affectedRows, 1);
  await c.query('DELETE FROM t WHERE id = 1');
  // MariaDB (with t_bu's two SETs): 2 10 30 upd; audit: ins 1, ins 2, del 1.
  assert.deepEqual(await rows('SELECT * FROM t ORDER BY id'), [[2, 10, 30, 'upd']]);
  assert.deepEqual(await rows('SELECT id, msg FROM audit ORDER BY id'), [
    [1, 'ins 1'],
    [2, 'ins 2'],
    [3, 'del 1'],
  ]);
});

test('a transaction set aside for another writer and written back fires its triggers once', async () => {
  const other = await node.connect();
  await other.query('USE d2');
  await other.query('CREATE TABLE plain (id INT PRIMARY KEY)');
  const restores = async (): Promise<number> =>
    Number(((await rows("SHOW STATUS LIKE 'trireme_writer_restores'")) as string[][])[0]![1]);
  const before = await restores();
  await c.query('BEGIN');
  await c.query('INSERT INTO t (id, qty) VALUES (50, 1)');
  // c waits for its client: another session writes (c's changes are stashed meanwhile).
  await other.query('INSERT INTO plain VALUES (1)');
  // c's next statement writes its stash back, its trigger-written audit row included.
  await c.query('UPDATE t SET qty = 2 WHERE id = 50');
  await c.query('COMMIT');
  assert.ok((await restores()) > before, 'the stash was written back');
  assert.deepEqual(await rows("SELECT COUNT(*) FROM audit WHERE msg = 'ins 50'"), [[1]]);
  assert.deepEqual(await rows('SELECT qty, total, note FROM t WHERE id = 50'), [[2, 6, 'upd']]);
  await c.query('DELETE FROM t WHERE id = 50');
  await other.end();
});

test('a statement the trigger makes fail is rolled back whole, and later triggers still fire', async () => {
  await c.query('CREATE TABLE k (id INT PRIMARY KEY, v INT NOT NULL)');
  await c.query('CREATE TRIGGER k_bi BEFORE INSERT ON k FOR EACH ROW SET NEW.v = NEW.id * 10');
  await c.query('CREATE TRIGGER k_bu BEFORE UPDATE ON k FOR EACH ROW SET NEW.v = NULL');
  await c.query('INSERT INTO k (id, v) VALUES (1, 0)');
  // MariaDB: 1048 Column 'v' cannot be null, and the row stays 1 10.
  await failsWith('UPDATE k SET id = 2', 1048, "Column 'v' cannot be null");
  assert.deepEqual(await rows('SELECT * FROM k'), [[1, 10]]);
  await c.query('INSERT INTO k (id, v) VALUES (3, 0)');
  assert.deepEqual(await rows('SELECT * FROM k ORDER BY id'), [
    [1, 10],
    [3, 30],
  ]);
  await c.query('DROP TABLE k');
});

test('SHOW TRIGGERS and information_schema.TRIGGERS describe them', async () => {
  const shown = (await rows('SHOW TRIGGERS')) as unknown[][];
  assert.deepEqual(
    shown.map((r) => [r[0], r[1], r[2], r[3], r[4]]),
    [
      ['t_ad', 'DELETE', 't', "INSERT INTO audit (msg) VALUES (CONCAT('del ', OLD.id))", 'AFTER'],
      ['t_ai', 'INSERT', 't', "INSERT INTO audit (msg) VALUES (CONCAT('ins ', NEW.id))", 'AFTER'],
      ['t_bi', 'INSERT', 't', 'SET NEW.total = NEW.qty * 2', 'BEFORE'],
      [
        't_bu',
        'UPDATE',
        't',
        "BEGIN SET NEW.total = NEW.qty * 3; SET NEW.note = 'upd'; END",
        'BEFORE',
      ],
    ],
  );
  assert.deepEqual(
    await rows(
      "SELECT trigger_schema, trigger_name, event_manipulation, event_object_table, action_order, action_statement, action_orientation, action_timing FROM information_schema.triggers WHERE trigger_schema = 'd2' AND trigger_name LIKE 't_a%' ORDER BY trigger_name",
    ),
    [
      [
        'd2',
        't_ad',
        'DELETE',
        't',
        1,
        "INSERT INTO audit (msg) VALUES (CONCAT('del ', OLD.id))",
        'ROW',
        'AFTER',
      ],
      [
        'd2',
        't_ai',
        'INSERT',
        't',
        1,
        "INSERT INTO audit (msg) VALUES (CONCAT('ins ', NEW.id))",
        'ROW',
        'AFTER',
      ],
    ],
  );
  // What mariadb-dump reads for each trigger: MariaDB's columns, the statement with its definer.
  const [created] = (await rows('SHOW CREATE TRIGGER d2.t_ai')) as unknown[][];
  const [fields] = await c.query('SHOW CREATE TRIGGER T_AI');
  assert.deepEqual(Object.keys((fields as Record<string, unknown>[])[0]!), [
    'Trigger',
    'sql_mode',
    'SQL Original Statement',
    'character_set_client',
    'collation_connection',
    'Database Collation',
    'Created',
  ]);
  assert.equal(created![0], 't_ai');
  assert.match(
    String(created![2]),
    /^CREATE DEFINER=`root`@`[^`]+` TRIGGER `t_ai` AFTER INSERT ON `t` FOR EACH ROW INSERT INTO audit \(msg\) VALUES \(CONCAT\('ins ', NEW\.id\)\)$/,
  );
});

test('bad trigger statements answer with MariaDB codes', async () => {
  await failsWith(
    'CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.total = 1',
    1359,
    "Trigger 'd2.t_bi' already exists",
  );
  await failsWith('DROP TRIGGER nosuch', 1360, 'Trigger does not exist');
  await failsWith('SHOW CREATE TRIGGER nosuch', 1360, 'Trigger does not exist');
  await c.query('DROP TRIGGER IF EXISTS nosuch');
  assert.deepEqual(await rows('SHOW WARNINGS'), [['Note', 1360, 'Trigger does not exist']]);
  await failsWith(
    'CREATE TRIGGER bad AFTER INSERT ON t FOR EACH ROW SET NEW.total = 1',
    1362,
    'Updating of NEW row is not allowed in after trigger',
  );
  await failsWith(
    'CREATE TRIGGER bad2 BEFORE DELETE ON t FOR EACH ROW SET NEW.total = 1',
    1363,
    'There is no NEW row in on DELETE trigger',
  );
  await failsWith(
    'CREATE TRIGGER bad3 BEFORE INSERT ON nosuch FOR EACH ROW SET NEW.total = 1',
    1146,
    "Table 'd2.nosuch' doesn't exist",
  );
});

test('triggers survive ALTER TABLE and a restart; DROP TRIGGER removes one', async () => {
  await c.query('ALTER TABLE t ADD COLUMN extra INT, MODIFY note VARCHAR(30)');
  await c.end();
  await node.restart();
  c = await node.connect();
  await c.query('USE d2');
  await c.query('INSERT INTO t (id, qty) VALUES (3, 4)');
  assert.deepEqual(await rows('SELECT id, qty, total FROM t WHERE id = 3'), [[3, 4, 8]]);
  assert.deepEqual(await rows('SELECT msg FROM audit ORDER BY id DESC LIMIT 1'), [['ins 3']]);
  await c.query('DROP TRIGGER t_bi');
  await c.query('INSERT INTO t (id, qty) VALUES (4, 4)');
  assert.deepEqual(await rows('SELECT id, qty, total FROM t WHERE id = 4'), [[4, 4, null]]);
  await c.query('DROP TABLE t');
  assert.deepEqual(await rows('SHOW TRIGGERS'), []);
});
