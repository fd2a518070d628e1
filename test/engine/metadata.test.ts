// Result columns of expressions as MariaDB sends them (type code, decimals) with their values,
// table-driven through one engine's sessions with SQL; the compat corpus's metadata and
// functions categories hold the same cases against a real MariaDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Charset, ColumnFlag, ColumnType } from '../../src/mysql/index.js';
import { openEngine, run, type EngineFixture } from './engine-fixture.js';

let fixture: EngineFixture;

before(async () => {
  fixture = await openEngine('trireme-metadata-');
});

after(() => fixture.close());

// [expression, MariaDB's type code, the value as sent]
const CASES: readonly (readonly [string, number, unknown])[] = [
  ['CEIL(1.5)', ColumnType.LONG, 2],
  ['FLOOR(-1.2)', ColumnType.LONG, -2],
  ['NULL', ColumnType.NULL, null],
  ['COALESCE(NULL)', ColumnType.NULL, null],
  ['COALESCE(NULL, 7)', ColumnType.LONG, 7],
  ['PI()', ColumnType.DOUBLE, '3.141593'],
  ['ROW_COUNT()', ColumnType.LONGLONG, 0],
  // A quotient's scale is the dividend's plus 4, a product's the sum of both.
  ['1.000 / 3', ColumnType.NEWDECIMAL, '0.3333333'],
  ['7 / 2', ColumnType.NEWDECIMAL, '3.5000'],
  ['1e0 / 4', ColumnType.DOUBLE, 0.25],
  ['0.000001 * 0.000001', ColumnType.NEWDECIMAL, '0.000000000001'],
  ['7.5 MOD 2', ColumnType.NEWDECIMAL, '1.5'],
  ['STD(1)', ColumnType.DOUBLE, '0.0000'],
  ['AVG(2)', ColumnType.NEWDECIMAL, '2.0000'],
  // CAST AS SIGNED is as wide as its operand's characters, and rounds a number.
  ['CAST(1.5 AS SIGNED)', ColumnType.LONG, 2],
  ["CONVERT('12', SIGNED)", ColumnType.LONG, 12],
  ['CAST(NULL AS SIGNED)', ColumnType.LONG, null],
  // An UNSIGNED LONGLONG shows SQLite's negative integer as MariaDB's unsigned value.
  ['~0', ColumnType.LONGLONG, 18446744073709551615n],
  ['~1', ColumnType.LONGLONG, 18446744073709551614n],
  // GREATEST/LEAST of strings and numbers compare and answer as DOUBLEs.
  ["GREATEST(1, '2', 3)", ColumnType.DOUBLE, 3],
  ["LEAST('10', 9)", ColumnType.DOUBLE, 9],
  ['GREATEST(1, 5)', ColumnType.LONG, 5],
  // STR_TO_DATE is typed by its format's specifiers.
  ["STR_TO_DATE('05/01/2024', '%d/%m/%Y')", ColumnType.DATE, '2024-01-05'],
  ["STR_TO_DATE('10:11', '%H:%i')", ColumnType.TIME, '10:11:00'],
  ["STR_TO_DATE('2024-01-05T10:11:12', '%Y-%m-%dT%T')", ColumnType.DATETIME, '2024-01-05 10:11:12'],
];

test('string functions are binary strings of a binary argument, or of NULL alone', async () => {
  const s = await fixture.session();
  const sql =
    "SELECT UNHEX('61'), CHAR(65), LOWER(NULL), CONCAT('a', 0x41), CONCAT('a', NULL), UPPER(1), MAX(NULL)";
  const result = await run(s, sql);
  assert.equal(result.kind, 'rows');
  if (result.kind !== 'rows') return;
  assert.deepEqual(
    result.columns.map((c) => [c.type, c.charset === Charset.BINARY]),
    [
      [ColumnType.VAR_STRING, true],
      [ColumnType.VAR_STRING, true],
      [ColumnType.VAR_STRING, true],
      [ColumnType.VAR_STRING, true],
      [ColumnType.VAR_STRING, false],
      [ColumnType.VAR_STRING, false],
      [ColumnType.VAR_STRING, true],
    ],
  );
  await s.close();
});

test("a UNION's columns aggregate its members' types: numbers keep their fractions", async () => {
  const s = await fixture.session();
  const cases: [string, number, unknown[]][] = [
    ['SELECT 1 UNION SELECT 2.5', ColumnType.NEWDECIMAL, ['1.0', '2.5']],
    ["SELECT 1 UNION SELECT 'a'", ColumnType.VAR_STRING, ['1', 'a']],
    ['SELECT 1 UNION ALL SELECT 2', ColumnType.LONG, [1, 2]],
  ];
  for (const [sql, type, values] of cases) {
    const result = await run(s, sql);
    assert.equal(result.kind, 'rows', sql);
    if (result.kind !== 'rows') continue;
    assert.equal(result.columns[0]!.type, type, sql);
    assert.deepEqual(
      [...result.rows].map((r) => r[0]),
      values,
      sql,
    );
  }
  await s.close();
});

test('unsigned system variables are LONGLONG UNSIGNED, booleans are not', async () => {
  const s = await fixture.session();
  const result = await run(s, 'SELECT @@warning_count, @@max_allowed_packet, @@autocommit');
  assert.equal(result.kind, 'rows');
  if (result.kind !== 'rows') return;
  const unsigned = result.columns.map((c) => (c.flags & ColumnFlag.UNSIGNED) !== 0);
  assert.deepEqual(unsigned, [true, true, false]);
  await s.close();
});

// A table's columns carry MariaDB 10.11's flags (mysql2's `flags`, what drivers read for
// nullability, keys and defaults): PART_KEY for a column of any index and NO_DEFAULT_VALUE for a
// NOT NULL column without a default were missing, and NUM, which MariaDB never sends, was set.
test("a table column's flags are MariaDB's", async () => {
  const s = await fixture.session();
  for (const sql of [
    'CREATE DATABASE IF NOT EXISTS flags',
    'USE flags',
    'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10) UNIQUE, c DECIMAL(5,2) DEFAULT 1, k1 INT, k2 INT, KEY kk (k1, k2), u INT UNSIGNED ZEROFILL)',
  ])
    assert.equal((await run(s, sql)).kind, 'ok', sql);
  const result = await run(s, 'SELECT * FROM t');
  assert.equal(result.kind, 'rows');
  if (result.kind !== 'rows') return;
  // As mariadbd 10.11 sends them for the same table.
  assert.deepEqual(
    result.columns.map((c) => [c.name, c.flags]),
    [
      ['id', 16899],
      ['a', 4097],
      ['b', 16388],
      ['c', 0],
      ['k1', 16392],
      ['k2', 16384],
      ['u', 96],
    ],
  );
  await s.close();
});

for (const [expr, type, expected] of CASES) {
  test(`SELECT ${expr}: type ${type}, value ${String(expected)}`, async () => {
    const s = await fixture.session();
    const result = await run(s, `SELECT ${expr}`);
    assert.equal(result.kind, 'rows', result.kind === 'error' ? result.message : '');
    if (result.kind !== 'rows') return;
    assert.equal(result.columns[0]!.type, type);
    assert.equal([...result.rows][0]![0], expected);
    await s.close();
  });
}

test('a cached statement is typed again after DDL, per database, and by each bound ?', async () => {
  const s = await fixture.session();
  await run(s, 'CREATE DATABASE typed_a');
  await run(s, 'CREATE DATABASE typed_b');
  await run(s, 'CREATE TABLE typed_a.t (id INT PRIMARY KEY, v INT)');
  await run(s, 'CREATE TABLE typed_b.t (id INT PRIMARY KEY, v VARCHAR(10))');
  await run(s, 'INSERT INTO typed_a.t VALUES (1, 7)');
  // A date's text: MODIFY to DATE below converts it (an 'x' would be refused, as in MariaDB).
  await run(s, "INSERT INTO typed_b.t VALUES (1, '2024-01-02')");
  const typeOf = async (sql: string): Promise<number> => {
    const result = await run(s, sql);
    assert.equal(result.kind, 'rows', JSON.stringify(result));
    return result.kind === 'rows' ? result.columns[0]!.type : -1;
  };
  await run(s, 'USE typed_a');
  assert.equal(await typeOf('SELECT v FROM t WHERE id = 1'), ColumnType.LONG);
  await run(s, 'USE typed_b');
  assert.equal(await typeOf('SELECT v FROM t WHERE id = 1'), ColumnType.VAR_STRING);
  await run(s, 'ALTER TABLE t MODIFY v DATE');
  assert.equal(await typeOf('SELECT v FROM t WHERE id = 1'), ColumnType.DATE);
  await run(s, 'USE typed_a');
  assert.equal(await typeOf('SELECT v FROM t WHERE id = 1'), ColumnType.LONG);
  // A ? in the select list is typed by what the client bound it as, on every execution.
  const prepared = await s.prepare('SELECT ? FROM t WHERE id = 1');
  assert.ok(!('kind' in prepared));
  if ('kind' in prepared) return;
  for (const [type, value] of [
    [ColumnType.LONGLONG, 5n],
    [ColumnType.VAR_STRING, 'five'],
    [ColumnType.LONGLONG, 6n],
  ] as const) {
    const [result] = await prepared.execute([{ type, value, unsigned: false }]);
    assert.equal(result?.kind, 'rows');
    if (result?.kind !== 'rows') return;
    assert.equal(
      result.columns[0]!.type,
      type === ColumnType.LONGLONG ? ColumnType.LONGLONG : ColumnType.VAR_STRING,
    );
  }
});
