// CREATE TEMPORARY TABLE through mysql2 against one `trireme start` process: a session's own
// table, invisible to another session, shadowing a table of the same name, joined with
// ordinary tables, dropped by DROP [TEMPORARY] TABLE or when the session ends, never written to
// the store's tables. Expected answers were taken from MariaDB 10.11 after the same statements.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let a: mysql.Connection;
let b: mysql.Connection;

async function rows(c: mysql.Connection, sql: string): Promise<unknown[]> {
  const [result] = await c.query({ sql, rowsAsArray: true });
  return result as unknown[];
}

async function failsWith(c: mysql.Connection, sql: string, errno: number, message: string) {
  await assert.rejects(c.query(sql), (e: { errno?: number; sqlMessage?: string }) => {
    assert.equal(e.errno, errno, `${sql}: ${e.sqlMessage}`);
    assert.equal(e.sqlMessage, message);
    return true;
  });
}

before(async () => {
  node = await startStandaloneChild();
  a = await node.connect({ database: undefined });
  for (const sql of [
    'CREATE DATABASE d4',
    'USE d4',
    'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))',
    "INSERT INTO t VALUES (1, 'base')",
  ])
    await a.query(sql);
  b = await node.connect({ database: 'd4' });
});

after(async () => {
  await a.end();
  await b.end();
  await node.destroy();
});

test("a temporary table is the session's own and shadows the table of its name", async () => {
  await a.query('CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10))');
  const [inserted] = await a.query("INSERT INTO t (v) VALUES ('tmp1'), ('tmp2')");
  assert.equal((inserted as { affectedRows: number }).affectedRows, 2);
  await a.query("UPDATE t SET v = 'tmp2b' WHERE id = 2");
  // MariaDB: the session sees its temporary t; the other session sees the table.
  assert.deepEqual(await rows(a, 'SELECT * FROM t ORDER BY id'), [
    [1, 'tmp1'],
    [2, 'tmp2b'],
  ]);
  assert.deepEqual(await rows(b, 'SELECT * FROM t ORDER BY id'), [[1, 'base']]);
  assert.deepEqual(await rows(a, 'SHOW TABLES'), [['t']]);
});

test('a temporary table joins ordinary tables and is filled from them', async () => {
  await a.query('CREATE TABLE u (id INT PRIMARY KEY, w INT)');
  await a.query('INSERT INTO u VALUES (1, 10), (2, 20)');
  await a.query('CREATE TEMPORARY TABLE s AS SELECT id, w * 2 AS w2 FROM u');
  assert.deepEqual(
    await rows(a, 'SELECT s.id, s.w2, u.w FROM s JOIN u ON u.id = s.id ORDER BY s.id'),
    [
      [1, 20, 10],
      [2, 40, 20],
    ],
  );
  await failsWith(b, 'SELECT * FROM s', 1146, "Table 'd4.s' doesn't exist");
  await a.query('CREATE TEMPORARY TABLE l LIKE u');
  await a.query('INSERT INTO l SELECT * FROM u WHERE id = 2');
  assert.deepEqual(await rows(a, 'SELECT * FROM l'), [[2, 20]]);
  // MariaDB copies the rows; trireme refuses to write a replicated table from a temporary one.
  await failsWith(
    a,
    'INSERT INTO u SELECT id + 10, w FROM l',
    1235,
    "This version of MariaDB doesn't yet support 'writing a replicated table in a statement that reads a temporary table'",
  );
});

test('DROP TEMPORARY TABLE and DROP TABLE drop the temporary table first', async () => {
  await a.query('DROP TEMPORARY TABLE t');
  assert.deepEqual(await rows(a, 'SELECT * FROM t ORDER BY id'), [[1, 'base']]);
  await failsWith(a, 'DROP TEMPORARY TABLE t', 1051, "Unknown table 'd4.t'");
  await a.query('DROP TABLE s');
  await failsWith(a, 'SELECT * FROM s', 1146, "Table 'd4.s' doesn't exist");
  await failsWith(a, 'CREATE TEMPORARY TABLE l (x INT)', 1050, "Table 'l' already exists");
});

test('temporary tables go with their session, and were never stored', async () => {
  const c = await node.connect({ database: 'd4' });
  await c.query('CREATE TEMPORARY TABLE gone (x INT)');
  await c.query('INSERT INTO gone VALUES (1)');
  await c.end();
  await failsWith(b, 'SELECT * FROM gone', 1146, "Table 'd4.gone' doesn't exist");
  await a.end();
  a = await node.connect({ database: 'd4' });
  await failsWith(a, 'SELECT * FROM l', 1146, "Table 'd4.l' doesn't exist");
  assert.deepEqual(await rows(a, 'SHOW TABLES'), [['t'], ['u']]);
});
