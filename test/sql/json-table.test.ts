// Goal: JSON_TABLE parses, translates to the mysql_json_table virtual table with its columns
// named for the statement, yields MariaDB's rows (NESTED, ordinality, lateral references), and is
// refused where MariaDB refuses it. Method: the SQL Harness (in-memory SQLite, engine functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate } from '../../src/sql/index.js';
import { Harness } from './harness.js';

const errorCode = (h: Harness, sql: string): number | 'ok' => {
  const prepared = h.cache.prepare(sql);
  if (!prepared.ok) return prepared.error.code;
  const t = translate(prepared.value, h.catalog, h.database);
  return t.ok ? 'ok' : t.error.code;
};

test('JSON_TABLE: lateral reference, names for c0…, star spelled out', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE t (id INT PRIMARY KEY, doc TEXT)');
  h.run(`INSERT INTO t VALUES (1, '[{"n": "a"}, {"n": "b"}]'), (2, '[]')`);
  const sql =
    "SELECT t.id, n FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt";
  assert.match(
    h.translate(sql).sql,
    /^SELECT "t"\."id", "jt"\."c0" AS "n" FROM "sbtest\.t" AS "t", mysql_json_table\("t"\."doc", '\{.*\}'\) AS "jt"$/,
  );
  assert.deepEqual(h.query(`${sql} ORDER BY t.id, n`), [
    { id: 1, n: 'a' },
    { id: 1, n: 'b' },
  ]);
  assert.deepEqual(
    h
      .query(
        "SELECT * FROM t LEFT JOIN JSON_TABLE(t.doc, '$[*]' COLUMNS (i FOR ORDINALITY)) AS jt ON 1 ORDER BY id",
      )
      .map((r) => [r['id'], r['i']]),
    [
      [1, 1],
      [1, 2],
      [2, null],
    ],
  );
});

test('JSON_TABLE: sibling NESTED paths give their rows in turn', () => {
  const h = new Harness();
  const doc = '[{"a": 1, "xs": [1, 2], "ys": ["p"]}, {"a": 2, "xs": [], "ys": []}]';
  assert.deepEqual(
    h.query(
      `SELECT * FROM JSON_TABLE('${doc}', '$[*]' COLUMNS (a INT PATH '$.a', NESTED PATH '$.xs[*]' COLUMNS (x INT PATH '$'), NESTED PATH '$.ys[*]' COLUMNS (y TEXT PATH '$'))) AS jt`,
    ),
    [
      { a: 1, x: 1, y: null },
      { a: 1, x: 2, y: null },
      { a: 1, x: null, y: 'p' },
      { a: 2, x: null, y: null },
    ],
  );
});

test('JSON_TABLE: refused as MariaDB refuses it', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE t (id INT PRIMARY KEY, doc TEXT)');
  const cols = "COLUMNS (id INT PATH '$')";
  assert.equal(errorCode(h, `SELECT * FROM JSON_TABLE('[1]', '$[*]' ${cols})`), 4177);
  assert.equal(errorCode(h, `SELECT * FROM JSON_TABLE('[1]', 'x' ${cols}) AS jt`), 4042);
  assert.equal(
    errorCode(
      h,
      "SELECT * FROM JSON_TABLE('[1]', '$' COLUMNS (a INT PATH '$', A INT PATH '$')) jt",
    ),
    1060,
  );
  assert.equal(errorCode(h, `SELECT * FROM JSON_TABLE(t.doc, '$[*]' ${cols}) AS jt, t`), 1054);
  assert.equal(errorCode(h, `SELECT id FROM t, JSON_TABLE(t.doc, '$[*]' ${cols}) AS jt`), 1052);
  assert.equal(
    errorCode(
      h,
      "SELECT * FROM JSON_TABLE('[1]', '$' COLUMNS (NESTED '$' COLUMNS (a INT PATH '$'))) jt",
    ),
    1064,
  );
});
