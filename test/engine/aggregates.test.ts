// Goal: MySQL's aggregates that SQLite lacks (BIT_AND/OR/XOR, STD*, VAR*) fold over groups as
// MariaDB computes them. Method: a standalone node, mysql2, values with known results.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { startNode, type NodeFixture } from './node-fixture.js';

let fixture: NodeFixture;

before(async () => {
  fixture = await startNode();
});

after(async () => {
  await fixture.destroy();
});

test('bit and statistical aggregates over groups, NULLs skipped', async () => {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    multipleStatements: true,
  });
  try {
    await conn.query(
      'CREATE DATABASE agg; USE agg; CREATE TABLE t (id INT PRIMARY KEY, g INT, v INT); ' +
        'INSERT INTO t VALUES (1, 1, 12), (2, 1, 10), (3, 1, NULL), (4, 2, 2), (5, 2, 4), (6, 2, 4), (7, 2, 5), (8, 2, 5), (9, 2, 7), (10, 2, 9), (11, 2, 4)',
    );
    const [rows] = await conn.query(
      'SELECT g, BIT_AND(v) AS a, BIT_OR(v) AS o, BIT_XOR(v) AS x, STDDEV_POP(v) AS sp, STD(v) AS s, VAR_POP(v) AS vp, VAR_SAMP(v) AS vs, STDDEV_SAMP(v) AS ss FROM t GROUP BY g ORDER BY g',
    );
    const [g1, g2] = rows as Array<Record<string, unknown>>;
    assert.equal(Number(g1!['a']), 12 & 10);
    assert.equal(Number(g1!['o']), 12 | 10);
    assert.equal(Number(g1!['x']), 12 ^ 10);
    assert.equal(Number(g1!['vp']), 1);
    assert.equal(Number(g1!['vs']), 2);
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 4, standard deviation 2.
    const near = (value: unknown, expected: number): void =>
      assert.ok(Math.abs(Number(value) - expected) < 1e-9, `${String(value)} is not ${expected}`);
    near(g2!['sp'], 2);
    near(g2!['s'], 2);
    near(g2!['vp'], 4);
    // A statistic of integers is sent with 4 decimals, as MariaDB sends it (2.1381).
    assert.equal(Number(g2!['ss']), Number(Math.sqrt(32 / 7).toFixed(4)));
    const [[empty]] = (await conn.query(
      'SELECT VAR_SAMP(v) AS vs, BIT_OR(v) AS o FROM t WHERE id = 1',
    )) as unknown as [[Record<string, unknown>]];
    assert.equal(empty!['vs'], null, 'a sample variance of one value is NULL');
    assert.equal(Number(empty!['o']), 12);
  } finally {
    await conn.end();
  }
});
