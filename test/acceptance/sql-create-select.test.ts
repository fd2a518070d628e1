// CREATE TABLE … [AS] SELECT and CREATE TABLE … LIKE through mysql2 against one `trireme start`
// process: the derived columns (SHOW CREATE TABLE), the rows, IF NOT EXISTS, a failing SELECT
// leaving no table. Expected answers were taken from MariaDB 10.11 after the same statements
// (its default charset there was latin1; trireme's is utf8mb4, the columns are the same).
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

async function createText(table: string): Promise<string> {
  const shown = (await rows(`SHOW CREATE TABLE ${table}`)) as string[][];
  return shown[0]![1]!.replace(/\) ENGINE=.*$/s, ')');
}

before(async () => {
  node = await startStandaloneChild();
  c = await node.connect();
  for (const sql of [
    'CREATE DATABASE d3',
    'USE d3',
    "CREATE TABLE src (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', price DECIMAL(8,2), made DATETIME)",
    "INSERT INTO src (name, price, made) VALUES ('a', 1.50, '2024-01-02 03:04:05'), ('b', 2.25, NULL)",
  ])
    await c.query(sql);
});

after(async () => {
  await c.end();
  await node.destroy();
});

test('a selected column keeps its type, NOT NULL and default; AUTO_INCREMENT and keys stay behind', async () => {
  const [result] = await c.query('CREATE TABLE c1 AS SELECT id, name, price FROM src');
  assert.equal((result as { affectedRows: number }).affectedRows, 2);
  assert.equal(
    await createText('c1'),
    "CREATE TABLE `c1` (\n  `id` int(11) NOT NULL DEFAULT 0,\n  `name` varchar(20) NOT NULL DEFAULT 'x',\n  `price` decimal(8,2) DEFAULT NULL\n)",
  );
  assert.deepEqual(await rows('SELECT * FROM c1 ORDER BY id'), [
    [1, 'a', '1.50'],
    [2, 'b', '2.25'],
  ]);
});

test("the CREATE part's own columns come first and redefine selected ones", async () => {
  await c.query('CREATE TABLE c3 (extra INT DEFAULT 7, name VARCHAR(50)) SELECT id, name FROM src');
  assert.equal(
    await createText('c3'),
    'CREATE TABLE `c3` (\n  `extra` int(11) DEFAULT 7,\n  `id` int(11) NOT NULL DEFAULT 0,\n  `name` varchar(50) DEFAULT NULL\n)',
  );
  assert.deepEqual(await rows('SELECT * FROM c3 ORDER BY id'), [
    [7, 1, 'a'],
    [7, 2, 'b'],
  ]);
  await c.query('CREATE TABLE c6 (PRIMARY KEY (id)) SELECT id, name FROM src');
  assert.equal(
    await createText('c6'),
    "CREATE TABLE `c6` (\n  `id` int(11) NOT NULL DEFAULT 0,\n  `name` varchar(20) NOT NULL DEFAULT 'x',\n  PRIMARY KEY (`id`)\n)",
  );
});

test('expressions get the type of their result; rows are what the SELECT read', async () => {
  await c.query(
    "CREATE TABLE c2 SELECT id * 2 AS dbl, CONCAT(name, '!') AS bang, 1 AS one FROM src",
  );
  // MariaDB: 2 a! 1 / 4 b! 1.
  assert.deepEqual(await rows('SELECT * FROM c2 ORDER BY dbl'), [
    [2, 'a!', 1],
    [4, 'b!', 1],
  ]);
  const [, fields] = await c.query('SELECT * FROM c2');
  assert.deepEqual(
    (fields as { name: string }[]).map((f) => f.name),
    ['dbl', 'bang', 'one'],
  );
});

test('IF NOT EXISTS is a note; an existing name is 1050; an empty SELECT makes an empty table', async () => {
  await assert.rejects(c.query('CREATE TABLE c1 AS SELECT 1'), { errno: 1050 });
  await c.query('CREATE TABLE IF NOT EXISTS c1 AS SELECT 1');
  assert.deepEqual(await rows('SHOW WARNINGS'), [['Note', 1050, "Table 'c1' already exists"]]);
  assert.deepEqual(await rows('SELECT count(*) FROM c1'), [[2]]);
  await c.query('CREATE TABLE c5 AS SELECT * FROM src WHERE id > 100');
  assert.deepEqual(await rows('SELECT count(*) FROM c5'), [[0]]);
});

test('a SELECT that fails leaves no table behind', async () => {
  await c.query('CREATE TABLE k (id INT PRIMARY KEY)');
  await assert.rejects(c.query('CREATE TABLE dup (PRIMARY KEY (one)) SELECT 1 AS one FROM src'), {
    errno: 1062,
  });
  await assert.rejects(c.query('SELECT * FROM dup'), { errno: 1146 });
});

test('CREATE TABLE … LIKE copies the definition with its keys and AUTO_INCREMENT, not the rows', async () => {
  await c.query('CREATE TABLE c4 LIKE src');
  assert.equal(
    await createText('c4'),
    "CREATE TABLE `c4` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(20) NOT NULL DEFAULT 'x',\n  `price` decimal(8,2) DEFAULT NULL,\n  `made` datetime DEFAULT NULL,\n  PRIMARY KEY (`id`)\n)",
  );
  assert.deepEqual(await rows('SELECT count(*) FROM c4'), [[0]]);
});
