// Functions apps send that SQLite lacks — CONVERT_TZ, TIMESTAMPADD, QUARTER, YEARWEEK,
// TIME_TO_SEC, MAKEDATE, JSON_VALUE/SEARCH/ARRAYAGG/OBJECTAGG, REGEXP_REPLACE/SUBSTR/INSTR,
// TO/FROM_BASE64, INSERT, BIT_LENGTH, SOUNDEX, MAKE_SET, CHARSET, COLLATION — through mysql2
// against one `trireme start` process. Every expected answer was taken from MariaDB 10.11.19
// (time zone tables loaded) running the same statement.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let c: mysql.Connection;

async function row(sql: string): Promise<Record<string, unknown>> {
  const [result] = await c.query(sql);
  return (result as Record<string, unknown>[])[0]!;
}

before(async () => {
  node = await startStandaloneChild();
  // Date strings: DATETIME answers compare as MariaDB prints them, whatever the local zone.
  c = await node.connect({ dateStrings: true });
  await c.query('CREATE DATABASE fn');
  await c.query('USE fn');
  await c.query(
    'CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20), dept VARCHAR(10), salary INT)',
  );
  await c.query(
    "INSERT INTO emp VALUES (1,'Ann','eng',100),(2,'Bob','eng',80),(3,'Cid','ops',70),(4,'Dee','ops',70),(5,'Eve','eng',90),(6,'Fay','hr',60)",
  );
});

after(async () => {
  await c.end();
  await node.destroy();
});

test('CONVERT_TZ: offsets, named zones, DST gaps and repeats, bounds', async () => {
  assert.deepEqual(
    await row(
      "SELECT CONVERT_TZ('2024-03-10 12:00:00', '+00:00', '+05:30') a, CONVERT_TZ('2024-03-10 12:00:00', '-02:00', '+01:00') b, CONVERT_TZ(NULL, '+00:00', '+01:00') c, CONVERT_TZ('2024-01-01', '+00:00', '+01:00') e, CONVERT_TZ('2024-03-10 12:00:00', 'UTC', 'Europe/Paris') f, CONVERT_TZ('2024-07-01 12:00:00', 'America/New_York', 'Asia/Kolkata') g",
    ),
    {
      a: '2024-03-10 17:30:00',
      b: '2024-03-10 15:00:00',
      c: null,
      e: '2024-01-01 01:00:00',
      f: '2024-03-10 13:00:00',
      g: '2024-07-01 21:30:00',
    },
  );
  assert.deepEqual(
    await row(
      "SELECT CONVERT_TZ('2024-03-31 02:30:00', 'Europe/Paris', 'UTC') gap, CONVERT_TZ('2024-10-27 02:30:00', 'Europe/Paris', 'UTC') twice, CONVERT_TZ('2024-01-01 00:00:00', '+13:00', '+00:00') edge, CONVERT_TZ('2024-01-01 00:00:00', '+14:00', '+00:00') bad, CONVERT_TZ('2024-01-01 00:00:00', 'Nowhere/X', '+00:00') unknown, CONVERT_TZ('2024-01-01 00:00:00.123', '+00:00', '+01:00') frac",
    ),
    {
      gap: '2024-03-31 01:00:00',
      twice: '2024-10-27 00:30:00',
      edge: '2023-12-31 11:00:00',
      bad: null,
      unknown: null,
      frac: '2024-01-01 01:00:00.123',
    },
  );
});

test('TIMESTAMPADD and DATE_ADD keep the day within the target month', async () => {
  assert.deepEqual(
    await row(
      "SELECT TIMESTAMPADD(MINUTE, 90, '2024-01-31 23:00:00') a, TIMESTAMPADD(MONTH, 1, '2024-01-31') b, TIMESTAMPADD(DAY, -1, '2024-03-01') c, TIMESTAMPADD(SECOND, 5, '2024-01-01') d, TIMESTAMPADD(WEEK, 2, '2024-01-01 10:00:00') e, TIMESTAMPADD(SQL_TSI_DAY, 1, '2024-01-01') f, TIMESTAMPADD(QUARTER, 1, '2024-01-31 10:00:00') g",
    ),
    {
      a: '2024-02-01 00:30:00',
      b: '2024-02-29',
      c: '2024-02-29',
      d: '2024-01-01 00:00:05',
      e: '2024-01-15 10:00:00',
      f: '2024-01-02',
      g: '2024-04-30 10:00:00',
    },
  );
  assert.deepEqual(
    await row(
      "SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH) a, DATE_ADD('2023-03-31 10:00:00', INTERVAL 1 QUARTER) b, DATE_ADD('2024-02-29', INTERVAL 1 YEAR) c, DATE_SUB('2024-03-31', INTERVAL 1 MONTH) d",
    ),
    { a: '2024-02-29', b: '2023-06-30 10:00:00', c: '2025-02-28', d: '2024-02-29' },
  );
});

test('QUARTER, YEARWEEK in every mode, TIME_TO_SEC, MAKEDATE', async () => {
  assert.deepEqual(
    await row(
      "SELECT QUARTER('2024-05-17') a, QUARTER('2024-12-31 23:59:59') b, QUARTER(NULL) c, QUARTER('junk') d",
    ),
    { a: 2, b: 4, c: null, d: null },
  );
  assert.deepEqual(
    await row(
      "SELECT YEARWEEK('2024-01-01') a, YEARWEEK('2024-01-01', 1) b, YEARWEEK('2021-01-03') c, YEARWEEK('2021-01-03', 3) d, YEARWEEK('2024-12-31', 0) e",
    ),
    { a: 202353, b: 202401, c: 202101, d: 202053, e: 202452 },
  );
  assert.deepEqual(
    await row(
      "SELECT YEARWEEK('2024-12-30', 1) a, YEARWEEK('2027-01-01', 2) b, YEARWEEK('2027-01-01', 5) c, YEARWEEK('2021-01-01', 4) d, YEARWEEK('2024-06-15', 7) e",
    ),
    { a: 202501, b: 202652, c: 202652, d: 202053, e: 202424 },
  );
  assert.deepEqual(
    await row(
      "SELECT TIME_TO_SEC('01:00:05') a, TIME_TO_SEC('-00:00:10') b, TIME_TO_SEC('2024-01-01 10:11:12') c, TIME_TO_SEC('838:59:59') d, TIME_TO_SEC(NULL) e, TIME_TO_SEC('00:00:01.5') f",
    ),
    { a: 3605, b: -10, c: 36672, d: 3020399, e: null, f: '1.5' },
  );
  assert.deepEqual(
    await row(
      'SELECT MAKEDATE(2024, 1) a, MAKEDATE(2024, 60) b, MAKEDATE(2023, 366) c, MAKEDATE(2024, 0) d, MAKEDATE(70, 1) e, MAKEDATE(69, 1) f',
    ),
    {
      a: '2024-01-01',
      b: '2024-02-29',
      c: '2024-01-01',
      d: null,
      e: '1970-01-01',
      f: '2069-01-01',
    },
  );
});

test('JSON_CONTAINS looks inside objects and at a path; a path must be one', async () => {
  assert.deepEqual(
    await row(
      `SELECT JSON_CONTAINS('{"a": 1, "b": [1, 2]}', '{"b": [2]}') a, JSON_CONTAINS('{"a": 1}', '{"a": 1, "c": 1}') b, JSON_CONTAINS('{"langs": ["en", "fr"]}', '"fr"', '$.langs') c, JSON_CONTAINS('[1, [2, 3]]', '[3, 1]') d, JSON_CONTAINS('{"a": 1}', '1', '$.b') e, JSON_CONTAINS('[{"a": 1, "b": 2}]', '{"a": 1}') f`,
    ),
    { a: 1, b: 0, c: 1, d: 1, e: 0, f: 1 },
  );
  // A path with a stray character is no path (MariaDB warns 4042 and answers NULL).
  assert.deepEqual(
    await row(
      `SELECT JSON_LENGTH('{"langs": ["en"]}', '$$.langs') a, JSON_CONTAINS('{"a": 1}', '1', '$x') b, JSON_LENGTH('{"a b": [1, 2]}', '$."a b"') c`,
    ),
    { a: null, b: null, c: 2 },
  );
});

test('JSON_VALUE, JSON_SEARCH, JSON_ARRAYAGG and JSON_OBJECTAGG', async () => {
  assert.deepEqual(
    await row(
      `SELECT JSON_VALUE('{"a":{"b":[1,2,"x"]}}', '$.a.b[2]') a, JSON_VALUE('{"a":1.5}', '$.a') b, JSON_VALUE('{"a":[1]}', '$.a') c, JSON_VALUE('{"a":null}', '$.a') d, JSON_VALUE('{"a":true}', '$.a') e, JSON_VALUE('bad', '$') f`,
    ),
    { a: 'x', b: '1.5', c: null, d: null, e: '1', f: null },
  );
  const search = await row(
    `SELECT JSON_SEARCH('["abc",{"x":"abc"},"def"]', 'one', 'abc') a, JSON_SEARCH('["abc",{"x":"abc"},"def"]', 'all', 'abc') b, JSON_SEARCH('{"a":"xyz"}', 'one', 'x%') c, JSON_SEARCH('{"a":"xyz"}', 'one', 'q') d, JSON_SEARCH('{"a b":"q","c":["Q"]}', 'all', 'q') e, JSON_SEARCH('["a_c","abc"]', 'all', 'a|_c', '|') f`,
  );
  // mysql2 parses these: MariaDB (and trireme) send JSON_SEARCH and JSON_ARRAYAGG as JSON.
  assert.deepEqual(search, {
    a: '$[0]',
    b: ['$[0]', '$[1].x'],
    c: '$.a',
    d: null,
    e: ['$.a b', '$.c[0]'],
    f: '$[0]',
  });
  const [grouped] = await c.query(
    'SELECT dept, JSON_ARRAYAGG(name) AS names FROM emp GROUP BY dept',
  );
  assert.deepEqual(
    (grouped as { dept: string; names: unknown }[]).map((r) => [r.dept, r.names]),
    [
      ['eng', ['Ann', 'Bob', 'Eve']],
      ['hr', ['Fay']],
      ['ops', ['Cid', 'Dee']],
    ],
  );
  // MariaDB's own spelling: ", " between members, none after ':' (as text: CAST drops the JSON
  // format that makes mysql2 parse the value).
  const agg = await row(
    "SELECT CAST(JSON_ARRAYAGG(x) AS CHAR) a, CAST(JSON_OBJECTAGG(k, x) AS CHAR) b FROM (SELECT 1 AS x, 'one' AS k UNION ALL SELECT 2, 'two' UNION ALL SELECT NULL, 'three') t",
  );
  assert.deepEqual([agg['a'], agg['b']], ['[1,2,null]', '{"one":1, "two":2, "three":null}']);
});

test('REGEXP_REPLACE, REGEXP_SUBSTR, REGEXP_INSTR (case-insensitive, \\1 groups)', async () => {
  assert.deepEqual(
    await row(
      "SELECT REGEXP_REPLACE('abc123def45', '[0-9]+', '#') a, REGEXP_SUBSTR('abc123def45', '[0-9]+') b, REGEXP_INSTR('abc123def45', '[0-9]+') c, REGEXP_REPLACE('Hello', 'l', 'L') d, REGEXP_INSTR('abc', 'z') e, REGEXP_SUBSTR('abc', 'z') f, REGEXP_REPLACE('aBc', 'b', 'x') g, REGEXP_REPLACE('abc', '(b)', '[\\\\1]') h",
    ),
    { a: 'abc#def#', b: '123', c: 4, d: 'HeLLo', e: 0, f: '', g: 'axc', h: 'a[b]c' },
  );
});

test('TO_BASE64 (76-character lines), FROM_BASE64, INSERT, BIT_LENGTH', async () => {
  assert.deepEqual(
    await row(
      "SELECT TO_BASE64('hello world') a, FROM_BASE64('aGVsbG8gd29ybGQ=') b, TO_BASE64('') c, FROM_BASE64('!!') d, TO_BASE64(NULL) e, TO_BASE64(REPEAT('a', 60)) f",
    ),
    {
      a: 'aGVsbG8gd29ybGQ=',
      b: Buffer.from('hello world'),
      c: '',
      d: null,
      e: null,
      f: 'YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\nYWFh',
    },
  );
  assert.deepEqual(
    await row(
      "SELECT INSERT('Quadratic', 3, 4, 'What') a, INSERT('Quadratic', -1, 4, 'What') b, INSERT('Quadratic', 3, 100, 'What') c, INSERT('Quadratic', 10, 4, 'X') d, INSERT('Quadratic', 9, 4, 'X') e, INSERT('abc', 2, -1, 'X') f",
    ),
    { a: 'QuWhattic', b: 'Quadratic', c: 'QuWhat', d: 'Quadratic', e: 'QuadratiX', f: 'aX' },
  );
  assert.deepEqual(
    await row(
      "SELECT BIT_LENGTH('text') a, BIT_LENGTH('é') b, BIT_LENGTH('') c, BIT_LENGTH(NULL) d, BIT_LENGTH(123) e",
    ),
    { a: 32, b: 16, c: 0, d: null, e: 24 },
  );
});

test('SOUNDEX as MySQL computes it, MAKE_SET, CHARSET and COLLATION', async () => {
  assert.deepEqual(
    await row(
      "SELECT SOUNDEX('Hello') a, SOUNDEX('Robert') b, SOUNDEX('Rupert') c, SOUNDEX('Tymczak') d, SOUNDEX('') e, SOUNDEX('Quadratically') f, SOUNDEX('Ashcraft') g, SOUNDEX('  ab1c') h",
    ),
    { a: 'H400', b: 'R163', c: 'R163', d: 'T520', e: '', f: 'Q36324', g: 'A2613', h: 'A120' },
  );
  assert.deepEqual(
    await row(
      "SELECT MAKE_SET(1, 'a', 'b', 'c') a, MAKE_SET(1 | 4, 'hello', 'nice', 'world') b, MAKE_SET(1 | 4, 'hello', 'nice', NULL, 'world') c, MAKE_SET(0, 'a', 'b') d, MAKE_SET(NULL, 'a') e",
    ),
    { a: 'a', b: 'hello,world', c: 'hello', d: '', e: null },
  );
  // A string's are the connection's; MariaDB answered utf8mb4 with this connection's charset.
  assert.deepEqual(
    await row(
      "SELECT CHARSET('abc') a, CHARSET(123) b, COLLATION(123) d, CHARSET(CONVERT('abc' USING latin1)) e",
    ),
    { a: 'utf8mb4', b: 'binary', d: 'binary', e: 'latin1' },
  );
  const [[{ collation, connection }]] = (await c.query(
    "SELECT COLLATION('abc') AS collation, @@collation_connection AS connection",
  )) as unknown as [[{ collation: string; connection: string }]];
  assert.equal(collation, connection);
});
