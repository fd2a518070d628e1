// Goal: write-sets round-trip exactly and the decoder turns every bad input into a typed error
// without throwing. Method: fast-check round trips and mutation fuzzing (re-sealed so the body
// parser is reached), every truncation and single-bit flip of valid encodings, and one test per
// limit at and just over its bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { AssertionError } from '../../src/core/assert.js';
import type { NodeId } from '../../src/core/types.js';
import {
  DEFAULT_WRITE_SET_LIMITS,
  decodeWriteSet,
  describeWriteSetError,
  encodeWriteSet,
  type Result,
  type WriteSet,
  type WriteSetError,
  type WriteSetLimitName,
  type WriteSetLimits,
} from '../../src/codec/index.js';
import { oneRowWriteSet, writeSet } from './arbitraries.js';

const limits = DEFAULT_WRITE_SET_LIMITS;
const ERROR_KINDS = new Set<WriteSetError['kind']>([
  'truncated',
  'too_large',
  'bad_checksum',
  'unknown_version',
  'malformed',
  'limit_exceeded',
]);

function assertTypedError(result: Result<WriteSet, WriteSetError>): WriteSetError {
  assert.equal(result.ok, false, 'expected an error');
  if (result.ok) throw new Error('unreachable');
  assert.ok(ERROR_KINDS.has(result.error.kind), `unknown error kind ${result.error.kind}`);
  assert.ok(describeWriteSetError(result.error).length > 0);
  return result.error;
}

function decodeOk(bytes: Uint8Array, bounds: WriteSetLimits = limits): WriteSet {
  const result = decodeWriteSet(bytes, bounds);
  if (!result.ok) assert.fail(describeWriteSetError(result.error));
  return result.value;
}

/** Rewrites the total length and CRC so that a mutated body reaches the body parser. */
function reseal(bytes: Uint8Array): Uint8Array {
  const sealed = bytes.slice();
  const view = new DataView(sealed.buffer);
  view.setUint32(6, sealed.length);
  view.setUint32(sealed.length - 4, crc32(sealed.subarray(0, sealed.length - 4)));
  return sealed;
}

test('arbitrary write-sets round-trip exactly, and re-encode to the same bytes', () => {
  fc.assert(
    fc.property(writeSet, (original) => {
      const bytes = encodeWriteSet(original);
      const decoded = decodeOk(bytes);
      assert.deepStrictEqual(decoded, original);
      assert.deepStrictEqual(encodeWriteSet(decoded), bytes);
    }),
    { numRuns: 2000 },
  );
});

test('a one-row write-set round-trips, also from a view at a non-zero offset', () => {
  const original = oneRowWriteSet();
  const bytes = encodeWriteSet(original);
  const padded = new Uint8Array(bytes.length + 7);
  padded.set(bytes, 3);
  assert.deepStrictEqual(decodeOk(padded.subarray(3, 3 + bytes.length)), original);
});

test('decoded values do not alias the input bytes', () => {
  const bytes = encodeWriteSet(oneRowWriteSet());
  const decoded = decodeOk(bytes);
  bytes.fill(0);
  assert.deepStrictEqual(decoded, oneRowWriteSet());
});

test('random bytes never throw and give a typed error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assertTypedError(decodeWriteSet(bytes, limits));
    }),
    { numRuns: 5000 },
  );
});

test('random bodies in a valid envelope never throw; any accepted one is canonical', () => {
  const header = [0x54, 0x52, 0x57, 0x53, 0, 1, 0, 0, 0, 0];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
      const bytes = reseal(new Uint8Array([...header, ...body, 0, 0, 0, 0]));
      const result = decodeWriteSet(bytes, limits);
      if (result.ok) assert.deepStrictEqual(encodeWriteSet(result.value), bytes);
      else assertTypedError(result);
    }),
    { numRuns: 5000 },
  );
});

test('mutated and re-sealed encodings never throw; any accepted one is canonical', () => {
  const mutation = fc.record({ at: fc.nat(), value: fc.nat(255) });
  fc.assert(
    fc.property(writeSet, fc.array(mutation, { minLength: 1, maxLength: 4 }), (ws, mutations) => {
      const bytes = encodeWriteSet(ws).slice();
      const bodyBytes = bytes.length - 14;
      for (const { at, value } of mutations) bytes[10 + (at % bodyBytes)] = value;
      const sealed = reseal(bytes);
      const result = decodeWriteSet(sealed, limits);
      if (result.ok) assert.deepStrictEqual(encodeWriteSet(result.value), sealed);
      else assertTypedError(result);
    }),
    { numRuns: 5000 },
  );
});

test('every truncation of a valid encoding is reported as truncated', () => {
  fc.assert(
    fc.property(writeSet, (ws) => {
      const bytes = encodeWriteSet(ws);
      for (let length = 0; length < bytes.length; length++) {
        const error = assertTypedError(decodeWriteSet(bytes.subarray(0, length), limits));
        assert.equal(error.kind, 'truncated', `at length ${length}`);
      }
    }),
    { numRuns: 100 },
  );
});

test('every single-bit flip is refused: bad_checksum, or a typed error in the envelope', () => {
  const bytes = encodeWriteSet(oneRowWriteSet());
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const flipped = bytes.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    const error = assertTypedError(decodeWriteSet(flipped, limits));
    const at = bit >> 3;
    if (at < 4) assert.equal(error.kind, 'malformed', `magic bit ${bit}`);
    else if (at < 6 || at >= 10) assert.equal(error.kind, 'bad_checksum', `bit ${bit}`);
  }
});

test('the envelope: bad magic, unknown version, trailing bytes, announced size', () => {
  const bytes = encodeWriteSet(oneRowWriteSet());
  const badMagic = bytes.slice();
  badMagic[0] = 0x58;
  assert.equal(assertTypedError(decodeWriteSet(badMagic, limits)).kind, 'malformed');

  const version2 = bytes.slice();
  version2[5] = 2;
  assert.deepStrictEqual(assertTypedError(decodeWriteSet(reseal(version2), limits)), {
    kind: 'unknown_version',
    version: 2,
  });

  const trailing = new Uint8Array([...bytes, 0]);
  assert.equal(assertTypedError(decodeWriteSet(trailing, limits)).kind, 'malformed');

  // A header announcing more than the limit is refused even though only the header is here.
  const huge = bytes.slice(0, 10);
  new DataView(huge.buffer).setUint32(6, limits.totalBytesMax + 1);
  assert.equal(assertTypedError(decodeWriteSet(huge, limits)).kind, 'too_large');
});

test('a non-canonical NaN is malformed (one bit pattern per value)', () => {
  const ws: WriteSet = { ...oneRowWriteSet(), rows: [{ ...row(), after: [NaN] }] };
  const bytes = encodeWriteSet(ws).slice();
  const at = indexOf(bytes, [0x02, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);
  bytes[at + 8] = 1;
  const error = assertTypedError(decodeWriteSet(reseal(bytes), limits));
  assert.equal(error.kind, 'malformed');
});

test('a listed table that no key or row uses is malformed', () => {
  // Hand-built body: flags, node id "n", transaction 0, seqno 0, tables [("a","b")], no keys,
  // rows or statements.
  const body = [1, 0, 1, 0x6e, ...new Array<number>(16).fill(0), 0, 0, 0, 1];
  body.push(0, 1, 0x61, 0, 1, 0x62, ...new Array<number>(12).fill(0));
  const bytes = reseal(
    new Uint8Array([0x54, 0x52, 0x57, 0x53, 0, 1, 0, 0, 0, 0, ...body, 0, 0, 0, 0]),
  );
  const error = assertTypedError(decodeWriteSet(bytes, limits));
  assert.deepStrictEqual(error, { kind: 'malformed', detail: 'a listed table is never used' });
});

function row(): Extract<WriteSet['rows'][number], { op: 'insert' | 'update' }> {
  const first = oneRowWriteSet().rows[0];
  assert.ok(first !== undefined && first.op !== 'delete');
  return first;
}

function indexOf(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  assert.fail('pattern not found');
}

// Each row: a write-set whose measure of `limit` is `measure`. At limit = measure it decodes;
// at measure - 1 it is refused, naming the limit.
const base = oneRowWriteSet();
const key = base.keys[0]!;
const LIMIT_CASES: ReadonlyArray<{ limit: WriteSetLimitName; measure: number; ws: WriteSet }> = [
  { limit: 'keysMax', measure: 3, ws: { ...base, keys: [key, key, key] } },
  { limit: 'rowsMax', measure: 2, ws: { ...base, rows: [row(), row()] } },
  {
    limit: 'tablesMax',
    measure: 2,
    ws: { ...base, keys: [key, { ...key, table: 'orders' }] },
  },
  {
    limit: 'statementsMax',
    measure: 2,
    ws: { ...base, statements: [ddl('DROP TABLE a'), ddl('DROP TABLE b')] },
  },
  { limit: 'statementBytesMax', measure: 13, ws: { ...base, statements: [ddl('DROP TABLE é')] } },
  {
    limit: 'identifierBytesMax',
    measure: 20,
    ws: { ...base, keys: [{ ...key, table: 't'.repeat(20) }] },
  },
  { limit: 'nodeIdBytesMax', measure: 10, ws: { ...base, originNodeId: 'node-ümit' as NodeId } },
  {
    limit: 'keyBytesMax',
    measure: 100,
    ws: { ...base, keys: [{ ...key, keyBytes: new Uint8Array(100) }] },
  },
  { limit: 'columnsMax', measure: 6, ws: base },
  {
    limit: 'valueBytesMax',
    measure: 17,
    ws: { ...base, rows: [{ ...row(), after: ['alice@example.com'] }] },
  },
  {
    limit: 'valueBytesMax',
    measure: 50,
    ws: { ...base, rows: [{ ...row(), after: [new Uint8Array(50)] }] },
  },
];

function ddl(sql: string): { database: string; sql: string } {
  return { database: 'app', sql };
}

for (const { limit, measure, ws } of LIMIT_CASES) {
  test(`limit ${limit}: ${measure} passes at ${measure}, is refused at ${measure - 1}`, () => {
    const bytes = encodeWriteSet(ws);
    assert.deepStrictEqual(decodeOk(bytes, { ...limits, [limit]: measure }), ws);
    const error = assertTypedError(decodeWriteSet(bytes, { ...limits, [limit]: measure - 1 }));
    assert.deepStrictEqual(error, {
      kind: 'limit_exceeded',
      limit,
      value: measure,
      max: measure - 1,
    });
  });
}

test('limit totalBytesMax: refused as too_large one byte under the encoding', () => {
  const bytes = encodeWriteSet(base);
  decodeOk(bytes, { ...limits, totalBytesMax: bytes.length });
  const error = assertTypedError(
    decodeWriteSet(bytes, { ...limits, totalBytesMax: bytes.length - 1 }),
  );
  assert.deepStrictEqual(error, {
    kind: 'too_large',
    bytes: bytes.length,
    totalBytesMax: bytes.length - 1,
  });
});

test('every limit has a test above', () => {
  const tested = new Set<string>(['totalBytesMax', ...LIMIT_CASES.map((c) => c.limit)]);
  assert.deepStrictEqual([...tested].sort(), Object.keys(DEFAULT_WRITE_SET_LIMITS).sort());
});

test('the encoder asserts on programmer errors instead of writing a wrong byte', () => {
  const cases: Array<[string, WriteSet]> = [
    ['lone surrogate', { ...base, statements: [ddl('DROP TABLE \ud800')] }],
    ['empty node id', { ...base, originNodeId: '' as NodeId }],
    ['int64 overflow', { ...base, rows: [{ ...row(), after: [1n << 63n] }] }],
    [
      'delete with after',
      { ...base, rows: [{ ...row(), op: 'delete' } as unknown as WriteSet['rows'][number]] },
    ],
    [
      'unsafe transaction id',
      { ...base, originTransactionId: (2 ** 53) as WriteSet['originTransactionId'] },
    ],
    ['key over u16', { ...base, keys: [{ ...key, keyBytes: new Uint8Array(65_536) }] }],
  ];
  for (const [name, ws] of cases) {
    assert.throws(() => encodeWriteSet(ws), AssertionError, name);
  }
});

test('the reused encode buffer: a large encoding, a failed one, then a small one stay exact', () => {
  const large: WriteSet = {
    ...base,
    rows: [{ ...row(), after: [new Uint8Array(200_000).fill(7)] }],
  };
  const broken: WriteSet = { ...base, statements: [ddl('DROP TABLE \udc00')] };
  assert.deepStrictEqual(decodeOk(encodeWriteSet(large)), large);
  assert.throws(() => encodeWriteSet(broken), AssertionError);
  assert.deepStrictEqual(decodeOk(encodeWriteSet(base)), base);
  assert.deepStrictEqual(decodeOk(encodeWriteSet(large)), large);
});
