// Goal: key bytes are canonical (values SQLite compares equal give equal bytes, others differ)
// and decode back. Method: a table of equal and unequal pairs, and fast-check properties
// against a reference normalisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { decodeKeyValues, encodeKeyValues, type SqlValue } from '../../src/codec/index.js';
import { sqlValue } from './arbitraries.js';

const hex = (values: SqlValue[]): string => Buffer.from(encodeKeyValues(values)).toString('hex');

test('values SQLite compares equal encode to equal bytes', () => {
  const equal: Array<[SqlValue[], SqlValue[]]> = [
    [[1], [1n]],
    [[1.0], [1n]],
    [[0], [-0]],
    [[-0], [0n]],
    [[-1], [-1n]],
    [[2 ** 53], [2n ** 53n]],
    [[-(2 ** 63)], [-(2n ** 63n)]],
    [[NaN], [0 / 0]],
    [
      [7, 'x'],
      [7n, 'x'],
    ],
  ];
  for (const [left, right] of equal) assert.equal(hex(left), hex(right), `${String(left)}`);
});

test('values SQLite tells apart encode to different bytes', () => {
  const different: Array<[SqlValue[], SqlValue[]]> = [
    [[1.5], [1n]],
    [[1], ['1']],
    [['a'], [new Uint8Array([0x61])]],
    [['A'], ['a']],
    [[null], [0n]],
    [[2 ** 63], [2n ** 63n - 1n]],
    [
      ['ab', 'c'],
      ['a', 'bc'],
    ],
    [
      [new Uint8Array([1]), new Uint8Array([])],
      [new Uint8Array([]), new Uint8Array([1])],
    ],
    [[1n, 2n], [1n]],
  ];
  for (const [left, right] of different) assert.notEqual(hex(left), hex(right));
});

// The reference rule: a number with no fraction that fits int64 is the INTEGER it equals.
function normalise(value: SqlValue): SqlValue {
  if (typeof value !== 'number') return value;
  const integral = Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63;
  return integral ? BigInt(value) : value;
}

test('key bytes are equal exactly when the normalised values are equal', () => {
  fc.assert(
    fc.property(
      fc.array(sqlValue, { maxLength: 3 }),
      fc.array(sqlValue, { maxLength: 3 }),
      (a, b) => {
        const sameValues = isDeepStrictEqual(a.map(normalise), b.map(normalise));
        assert.equal(hex(a) === hex(b), sameValues);
      },
    ),
    { numRuns: 3000 },
  );
});

test('a safe integer as number or bigint gives one key', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (n) => {
      assert.equal(hex([n]), hex([BigInt(n)]));
    }),
  );
});

test('key bytes decode to the normalised values', () => {
  fc.assert(
    fc.property(fc.array(sqlValue, { maxLength: 4 }), (values) => {
      const decoded = decodeKeyValues(encodeKeyValues(values));
      assert.ok(decoded.ok);
      assert.deepStrictEqual(decoded.value, values.map(normalise));
    }),
    { numRuns: 2000 },
  );
});

test('decodeKeyValues never throws on random bytes and refuses non-canonical keys', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const decoded = decodeKeyValues(bytes);
      if (decoded.ok) assert.deepStrictEqual(encodeKeyValues(decoded.value), bytes);
      else assert.equal(decoded.error.kind, 'malformed');
    }),
    { numRuns: 5000 },
  );
  const realOne = new Uint8Array([2, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]); // REAL 1.0
  assert.equal(decodeKeyValues(realOne).ok, false);
});
