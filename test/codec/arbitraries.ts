// fast-check generators for codec values, shared by the codec tests.
import fc from 'fast-check';
import type { Index, NodeId } from '../../src/core/types.js';
import {
  encodeKeyValues,
  type CertificationKey,
  type DdlStatement,
  type RowImage,
  type SqlValue,
  type TransactionId,
  type WriteSet,
} from '../../src/codec/index.js';

// Plain objects, as the decoder builds them (deepStrictEqual compares prototypes).
const plain = { noNullPrototype: true };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Well-formed strings: ASCII, any grapheme, and a few awkward fixed ones. */
export const text = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom('', 'é', '\u0000', '😀', 'a\u{10ffff}b'),
  );

export const sqlValue: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(0n, -1n, INT64_MIN, INT64_MAX),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.5, 2 ** 63),
  text(40),
  fc.uint8Array({ maxLength: 40 }),
);

// A small pool of names, so that tables repeat and the table list is exercised.
const database = fc.oneof(fc.constantFrom('app', 'shop', ''), text(12));
const table = fc.oneof(fc.constantFrom('users', 'orders', 't'), text(12));

const keyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.array(sqlValue, { minLength: 1, maxLength: 3 }).map(encodeKeyValues),
  fc.uint8Array({ maxLength: 24 }),
);

export const certificationKey: fc.Arbitrary<CertificationKey> = fc.record(
  {
    database,
    table,
    keyBytes,
    exclusive: fc.boolean(),
  },
  plain,
);

export const rowImage: fc.Arbitrary<RowImage> = fc.oneof(
  fc.record(
    {
      op: fc.constantFrom('insert' as const, 'update' as const),
      database,
      table,
      key: keyBytes,
      after: fc.array(sqlValue, { maxLength: 6 }),
    },
    plain,
  ),
  fc.record(
    {
      op: fc.constant('delete' as const),
      database,
      table,
      key: keyBytes,
      after: fc.constant(null),
    },
    plain,
  ),
);

export const ddlStatement: fc.Arbitrary<DdlStatement> = fc.record(
  {
    database,
    sql: text(80),
  },
  plain,
);

export const writeSet: fc.Arbitrary<WriteSet> = fc.record(
  {
    originNodeId: text(20)
      .filter((id) => id.length > 0)
      .map((id) => id as NodeId),
    originTransactionId: fc.maxSafeNat().map((n) => n as TransactionId),
    seqnoSnapshot: fc.oneof(fc.maxSafeNat(), fc.nat(100)).map((n) => n as Index),
    flags: fc.record(
      {
        commit: fc.boolean(),
        rollback: fc.boolean(),
        toi: fc.boolean(),
        paUnsafe: fc.boolean(),
        // Present only when above the oldest (WriteSetFlags.ddlRules).
        ddlRules: fc.constantFrom(5, 6),
      },
      { ...plain, requiredKeys: ['commit', 'rollback', 'toi', 'paUnsafe'] },
    ),
    keys: fc.array(certificationKey, { maxLength: 6 }),
    rows: fc.array(rowImage, { maxLength: 6 }),
    statements: fc.array(ddlStatement, { maxLength: 2 }),
  },
  plain,
);

/** A typical one-row transaction: an UPDATE of users.id = 42. */
export function oneRowWriteSet(): WriteSet {
  const key = encodeKeyValues([42n]);
  return {
    originNodeId: 'n1' as NodeId,
    originTransactionId: 7 as TransactionId,
    seqnoSnapshot: 1000 as Index,
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [{ database: 'app', table: 'users', keyBytes: key, exclusive: true }],
    rows: [
      {
        op: 'update',
        database: 'app',
        table: 'users',
        key,
        after: [42n, 'alice', 'alice@example.com', 3.5, null, new Uint8Array([1, 2, 3])],
      },
    ],
    statements: [],
  };
}
