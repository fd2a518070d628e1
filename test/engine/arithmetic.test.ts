// Checked arithmetic and unsigned 64-bit values (engine/arithmetic.ts) as MariaDB computes them:
// table-driven through the functions the store registers, values as SQLite hands them over
// (INTEGER as bigint, REAL as number, an unsigned value above 2^63 − 1 as its digits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arithmeticFunctions } from '../../src/engine/arithmetic.js';
import type { SqlValue } from '../../src/codec/index.js';

const fns = new Map(arithmeticFunctions().map((f) => [f.name, f.fn]));
const call = (name: string, ...args: SqlValue[]): SqlValue => fns.get(name)!(...args);
const spec = (op: string, l: string, r: string): string => JSON.stringify([op, l, r, 'a', 'b']);

// [op, left flag, right flag, left, right, result or the 1690 message's type]
const CASES: readonly (readonly [string, string, string, SqlValue, SqlValue, SqlValue])[] = [
  ['+', 'i', 'i', 1n, 2n, 3n],
  ['+', 'i', 'i', 9223372036854775807n, 1n, 'BIGINT'],
  ['-', 'i', 'i', -9223372036854775808n, 1n, 'BIGINT'],
  ['*', 'i', 'i', 9223372036854775807n, 2n, 'BIGINT'],
  ['+', 'u', 'i', '18446744073709551615', 0n, '18446744073709551615'],
  ['+', 'u', 'i', '18446744073709551615', 1n, 'BIGINT UNSIGNED'],
  ['-', 'u', 'i', 5n, 9n, 'BIGINT UNSIGNED'],
  ['+', 'u', 'i', -1n, -1n, '18446744073709551614'], // ~0 + -1: a bit pattern read unsigned
  ['+', 'l', 'i', 9223372036854775807n, 1n, 'BIGINT'], // a long literal bound as INTEGER is signed
  ['+', 'l', 'i', '9223372036854775808', 0n, '9223372036854775808'],
  ['+', 'i', 'i', '12', 1n, 13n], // a string is read as SQLite reads it
  ['*', 'i', 'i', 1e308, 10n, 'DOUBLE'],
  ['+', 'i', 'i', 1.5, 1n, 2.5],
  ['+', 'i', 'i', null, 1n, null],
];

for (const [op, lf, rf, l, r, expected] of CASES) {
  test(`${String(l)} ${op} ${String(r)} (${lf}${rf})`, () => {
    const s = spec(op, lf, rf);
    if (typeof expected === 'string' && /^[A-Z]/.test(expected))
      assert.throws(
        () => call('mysql_arithmetic', l, r, s),
        new RegExp(
          `MySQL error 1690 \\(22003\\): ${expected} value is out of range in 'a \\${op} b'$`,
        ),
      );
    else assert.deepEqual(call('mysql_arithmetic', l, r, s), expected);
  });
}

test('CAST AS UNSIGNED and AS SIGNED go through the two’s complement', () => {
  assert.equal(call('mysql_cast_unsigned', -1n), '18446744073709551615');
  assert.equal(call('mysql_cast_unsigned', '-5'), '18446744073709551611');
  assert.equal(call('mysql_cast_unsigned', 5n), 5n);
  assert.equal(call('mysql_cast_unsigned', -1.5), 0n);
  assert.equal(call('mysql_cast_unsigned', 1e20), '18446744073709551615');
  assert.equal(call('mysql_cast_signed', '18446744073709551615'), -1n);
  assert.equal(call('mysql_cast_signed', '9223372036854775808'), -9223372036854775808n);
  assert.equal(call('mysql_negate', '9223372036854775808'), -9223372036854775808n);
  assert.equal(call('mysql_negate', 5n), -5n);
});

test('a DECIMAL or double operand never overflows as an integer (SUM(int) * n)', () => {
  const s = JSON.stringify(['*', 'd', 'i', 'sum(a)', 'n']);
  assert.equal(
    call('mysql_arithmetic', 6n, 9223372036854775807n, s),
    6 * Number(9223372036854775807n),
  );
});
