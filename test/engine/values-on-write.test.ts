// Values written into YEAR and TIME columns as MariaDB stores them, strict and lax: what is
// refused (1265, 1292), what is kept with a note, table-driven through one engine's sessions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openEngine, run, value, type EngineFixture } from './engine-fixture.js';

let fixture: EngineFixture;

before(async () => {
  fixture = await openEngine('trireme-values-');
});

after(() => fixture.close());

// [column type, value as written, MariaDB's strict error or the stored value and warning code]
const CASES: readonly (readonly [string, string, number | readonly [unknown, number | null]])[] = [
  ['YEAR', "'2024-01-05'", 1265],
  ['YEAR', "'10:11:12'", 1265],
  ['YEAR', "'24'", [2024, null]],
  ['YEAR', "'0'", [2000, null]],
  ['YEAR', "'0000'", ['0000', null]], // the zero year reads as four digits (ZEROFILL)
  ['YEAR', '1800', 1264],
  ['TIME', "'2024-01-05 10:11:12'", ['10:11:12', 1265]],
  ['TIME', '20240105', ['00:00:00', 1265]],
  ['TIME', "'2024-01-05'", 1292],
];

for (const [type, written, expected] of CASES) {
  test(`${type} <- ${written}`, async () => {
    const s = await fixture.session();
    for (const sql of ['DROP DATABASE IF EXISTS d', 'CREATE DATABASE d', 'USE d'])
      assert.equal((await run(s, sql)).kind, 'ok', sql);
    assert.equal((await run(s, `CREATE TABLE t (c ${type})`)).kind, 'ok');
    const result = await run(s, `INSERT INTO t VALUES (${written})`);
    if (typeof expected === 'number') {
      assert.equal(result.kind === 'error' && result.code, expected, JSON.stringify(result));
    } else {
      assert.equal(result.kind, 'ok', JSON.stringify(result));
      assert.deepEqual(
        s.warnings.map((w) => w.code),
        expected[1] === null ? [] : [expected[1]],
      );
      assert.equal(await value(s, 'SELECT c FROM t'), expected[0]);
    }
    await s.close();
  });
}

// SQLite's INTEGER is signed 64-bit: a BIGINT UNSIGNED value above 2^63 − 1 is refused (1235) in
// every sql_mode rather than stored as a rounded REAL; up to 2^63 − 1 it is stored exactly.
test('BIGINT UNSIGNED above 2^63 - 1 is refused, never rounded', async () => {
  const s = await fixture.session();
  for (const sql of ['DROP DATABASE IF EXISTS d', 'CREATE DATABASE d', 'USE d'])
    assert.equal((await run(s, sql)).kind, 'ok', sql);
  assert.equal((await run(s, 'CREATE TABLE u (v BIGINT UNSIGNED)')).kind, 'ok');
  for (const mode of ['STRICT_ALL_TABLES', '']) {
    assert.equal((await run(s, `SET sql_mode = '${mode}'`)).kind, 'ok');
    for (const written of [
      '18446744073709551615',
      'CAST(-1 AS UNSIGNED)',
      'CAST(9223372036854775807 AS UNSIGNED) + 1',
    ]) {
      const result = await run(s, `INSERT INTO u VALUES (${written})`);
      assert.equal(result.kind === 'error' && result.code, 1235, `${mode} ${written}`);
    }
  }
  assert.equal((await run(s, 'INSERT INTO u VALUES (9223372036854775807)')).kind, 'ok');
  assert.equal(await value(s, 'SELECT CAST(v AS CHAR) FROM u'), '9223372036854775807');
  await s.close();
});
