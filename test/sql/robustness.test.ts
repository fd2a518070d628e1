// Goal: no input makes the front end throw; every failure is a typed 1064/1065/1235/1153 value
// (or 4161, an unknown word where a column's type goes, which MariaDB answers mid-statement too).
// Method: every prefix of every anchor statement, random token soups and random strings (with
// fast-check), each parsed and, when it parses as DML, translated against sysbench's table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { SQL_LENGTH_MAX, StatementCache, parse, translate } from '../../src/sql/index.js';
import { Harness } from './harness.js';

const CODES = new Set([1064, 1065, 1235, 1153, 4161]);

function fixture(): string[] {
  const url = new URL('../../../test/sql/fixtures/general-log-statements.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as string[];
}

function check(h: Harness, cache: StatementCache, sql: string): void {
  const prepared = cache.prepare(sql);
  if (!prepared.ok) {
    assert.ok(CODES.has(prepared.error.code), `${sql}: ${prepared.error.code}`);
    return;
  }
  if (['select', 'union', 'insert', 'update', 'delete'].includes(prepared.value.statement.kind)) {
    const t = translate(prepared.value, h.catalog, 'sbtest');
    if (!t.ok) assert.ok(t.error.code > 0);
  }
}

test('every prefix of every anchor statement parses or fails as a value', () => {
  const h = new Harness();
  h.sbtest(0);
  const cache = new StatementCache();
  const shapes = new Set(fixture().map((s) => s.slice(0, 300)));
  for (const sql of shapes) for (let i = 0; i <= sql.length; i++) check(h, cache, sql.slice(0, i));
});

const WORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'sbtest1',
  'id',
  'c',
  '(',
  ')',
  ',',
  '=',
  '+',
  '-',
  '*',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'LIKE',
  'IS',
  'NULL',
  'CASE',
  'WHEN',
  'THEN',
  'END',
  'INSERT',
  'INTO',
  'VALUES',
  'UPDATE',
  'SET',
  'DELETE',
  'ORDER',
  'BY',
  'LIMIT',
  'GROUP',
  'UNION',
  'JOIN',
  'ON',
  '1',
  "'x'",
  '?',
  '@a',
  '@@b',
  'CAST',
  'AS',
  'SIGNED',
  'INTERVAL',
  'DAY',
  'COUNT',
  'DISTINCT',
  'FOR',
  ';',
  '`q`',
  '/*!',
  '*/',
  'CREATE',
  'TABLE',
  'INT',
  'PRIMARY',
  'KEY',
];

test('random token soups never throw', () => {
  const h = new Harness();
  h.sbtest(0);
  const cache = new StatementCache();
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 40 }), (words) =>
      check(h, cache, words.join(' ')),
    ),
    { numRuns: 3000 },
  );
});

test('random strings never throw', () => {
  const h = new Harness();
  h.sbtest(0);
  const cache = new StatementCache();
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => check(h, cache, text)),
    { numRuns: 3000 },
  );
});

test('statements over SQL_LENGTH_MAX are ER_NET_PACKET_TOO_LARGE', () => {
  const result = parse('SELECT ' + '1'.repeat(SQL_LENGTH_MAX));
  assert.ok(!result.ok);
  assert.equal(result.error.code, 1153);
});
