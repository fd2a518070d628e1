// Goal: JSON_TABLE through the MySQL protocol on a real node process: rows from a document, a
// lateral reference to a table on its left, INSERT … SELECT from it (in strict mode too, where
// MariaDB keeps its conversions as warnings), and its errors. Method: a standalone node, mysql2.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import mysql from 'mysql2/promise';
import { startNode } from './node-fixture.js';

const fixture = await startNode();
after(() => fixture.destroy());

test('JSON_TABLE rows, a lateral reference, INSERT … SELECT and errors', async () => {
  const options = { host: '127.0.0.1', port: fixture.port, user: 'root' };
  const conn = await mysql.createConnection({ ...options, multipleStatements: true });
  try {
    await conn.query(
      'CREATE DATABASE jt; USE jt; CREATE TABLE t (id INT PRIMARY KEY, doc JSON); ' +
        `INSERT INTO t VALUES (1, '[{"n": "a", "q": 2}, {"n": "b", "q": "x"}]'), (2, '[{"n": "c"}]'); ` +
        'CREATE TABLE r (id INT, n VARCHAR(5), q INT)',
    );
    const [rows] = await conn.query(
      "SELECT * FROM JSON_TABLE('[{\"a\": 1, \"xs\": [7, 8]}]', '$[*]' COLUMNS (i FOR ORDINALITY, a INT PATH '$.a', NESTED PATH '$.xs[*]' COLUMNS (x INT PATH '$'))) AS jt",
    );
    assert.deepEqual(rows, [
      { i: 1, a: 1, x: 7 },
      { i: 1, a: 1, x: 8 },
    ]);
    await conn.query("SET sql_mode = 'STRICT_TRANS_TABLES'");
    const [insert] = await conn.query(
      "INSERT INTO r SELECT t.id, jt.n, jt.q FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n', q INT PATH '$.q')) AS jt",
    );
    assert.equal((insert as mysql.ResultSetHeader).affectedRows, 3);
    const [warnings] = await conn.query('SHOW WARNINGS');
    assert.deepEqual(
      (warnings as Array<{ Code: number }>).map((w) => w.Code),
      [1366],
      'a string in an INT column is 0 with a warning, strict mode or not',
    );
    const [copied] = await conn.query('SELECT id, n, q FROM r ORDER BY id, n');
    assert.deepEqual(copied, [
      { id: 1, n: 'a', q: 2 },
      { id: 1, n: 'b', q: 0 },
      { id: 2, n: 'c', q: null },
    ]);
    const errno = async (sql: string): Promise<number | undefined> =>
      conn.query(sql).then(
        () => undefined,
        (e: { errno?: number }) => e.errno,
      );
    assert.equal(
      await errno("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$'))"),
      4177,
    );
    assert.equal(
      await errno(
        "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$', a INT PATH '$')) AS jt",
      ),
      1060,
    );
    assert.equal(
      await errno("SELECT * FROM JSON_TABLE(t.doc, '$[*]' COLUMNS (n INT PATH '$.n')) AS jt, t"),
      1054,
    );
    assert.equal(
      await errno("SELECT * FROM JSON_TABLE('[1', '$[*]' COLUMNS (a INT PATH '$')) AS jt"),
      4037,
    );
  } finally {
    await conn.end();
  }
});
