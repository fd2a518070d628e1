// SQLite values in row images, and the canonical key bytes certification compares.
//
// The JavaScript type carries the SQLite storage class exactly: bigint is INTEGER, number is
// REAL, string is TEXT, Uint8Array is BLOB (better-sqlite3 with safeIntegers(true) reads rows
// this way). Row images keep the class bit for bit; key bytes follow SQLite's comparison rules
// instead, so that 1, 1n and 1.0 give one key. See docs/design/codec.md.
import { assert } from '../core/assert.js';
import { ByteReader, ByteWriter, INT64_MAX, INT64_MIN, U32_MAX } from './bytes.js';
import { err, ok, type Result } from './result.js';

/** One SQLite value: null, INTEGER (bigint), REAL (number), TEXT (string) or BLOB. */
export type SqlValue = null | bigint | number | string | Uint8Array;

/** Tags written before each value; fixed forever within a write-set version. */
export const VALUE_TAG = {
  null: 0,
  integer: 1,
  real: 2,
  text: 3,
  blob: 4,
} as const;

/** encodeKeyValues reuses one buffer (see ByteWriter.reset), kept at most this large. */
const KEY_WRITER_CAPACITY_BYTES = 4096;
/** Doubles in [-2^63, 2^63) with no fraction convert to INTEGER keys exactly. */
const INT64_RANGE_LOW_NUMBER = -(2 ** 63);
const INT64_RANGE_HIGH_NUMBER = 2 ** 63;

/** Writes a row value, keeping its storage class. */
export function writeValue(writer: ByteWriter, value: SqlValue): void {
  if (value === null) {
    writer.u8(VALUE_TAG.null);
  } else if (typeof value === 'bigint') {
    writer.u8(VALUE_TAG.integer);
    writer.i64(value);
  } else if (typeof value === 'number') {
    writer.u8(VALUE_TAG.real);
    writer.f64(value);
  } else if (typeof value === 'string') {
    writer.u8(VALUE_TAG.text);
    writer.string(value, 4);
  } else {
    assert(value instanceof Uint8Array, 'SqlValue of unknown type');
    assert(value.length <= U32_MAX, 'blob too long for a u32 prefix');
    writer.u8(VALUE_TAG.blob);
    writer.u32(value.length);
    writer.bytes(value);
  }
}

const keyWriter = new ByteWriter(KEY_WRITER_CAPACITY_BYTES);

/**
 * Canonical key bytes for primary-key (or rowid) column values, in column order.
 *
 * Rule: each value is a tag byte and a payload. A number with no fraction in [-2^63, 2^63)
 * (including -0) is written as the INTEGER it equals, so 1, 1n and 1.0 give the same bytes, as
 * they compare equal in SQLite; any other number is REAL (NaN has one bit pattern). TEXT is its
 * exact UTF-8 (a binary collation: callers must fold case for case-insensitive keys) and differs
 * from a BLOB of the same bytes. Lengths are prefixed, so column boundaries are unambiguous.
 * The bytes serve equality only, not ordering.
 */
export function encodeKeyValues(values: readonly SqlValue[]): Uint8Array {
  keyWriter.reset(KEY_WRITER_CAPACITY_BYTES);
  for (const value of values) {
    writeValue(keyWriter, typeof value === 'number' ? keyNumber(value) : value);
  }
  return keyWriter.copy();
}

export type KeyValuesError = { readonly kind: 'malformed'; readonly detail: string };

/**
 * The column values back from key bytes (an applier needs them to find the row of a delete).
 * Numbers come back as the class the rule gave them: integral ones as bigint. Never throws;
 * the work is bounded by the input's length, which the write-set decoder already limited.
 */
export function decodeKeyValues(bytes: Uint8Array): Result<SqlValue[], KeyValuesError> {
  const reader = new ByteReader(bytes);
  const values: SqlValue[] = [];
  while (reader.remainingBytes > 0) {
    const value = readValue(reader, bytes.length);
    if (reader.overrun) return err({ kind: 'malformed', detail: 'a value runs past the end' });
    if (!value.ok) return err({ kind: 'malformed', detail: describeFailure(value.error) });
    if (!isKeyCanonical(value.value)) {
      return err({ kind: 'malformed', detail: 'an integral REAL in a key (must be INTEGER)' });
    }
    values.push(value.value);
  }
  return ok(values);
}

function isKeyCanonical(value: SqlValue): boolean {
  return typeof value !== 'number' || typeof keyNumber(value) === 'number';
}

function describeFailure(failure: ValueReadFailure): string {
  return failure.kind === 'malformed' ? failure.detail : `value of ${failure.bytes} bytes`;
}

function keyNumber(value: number): bigint | number {
  const integral =
    Number.isInteger(value) && value >= INT64_RANGE_LOW_NUMBER && value < INT64_RANGE_HIGH_NUMBER;
  if (!integral) return value;
  const integer = BigInt(value);
  assert(integer >= INT64_MIN && integer <= INT64_MAX, 'key integer range');
  return integer;
}

/** Why a value could not be read; the write-set decoder maps these to its own errors. */
export type ValueReadFailure =
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'value_too_long'; readonly bytes: number };

/**
 * Reads one value. An overrun is not reported here but through `reader.overrun`, which the
 * caller checks (the value returned is then meaningless).
 */
export function readValue(
  reader: ByteReader,
  valueBytesMax: number,
): Result<SqlValue, ValueReadFailure> {
  const tag = reader.u8();
  switch (tag) {
    case VALUE_TAG.null:
      return ok(null);
    case VALUE_TAG.integer:
      return ok(reader.i64());
    case VALUE_TAG.real: {
      const value = reader.f64();
      return value === null ? malformed('REAL is a non-canonical NaN') : ok(value);
    }
    case VALUE_TAG.text: {
      const length = reader.u32();
      if (length > valueBytesMax) return err({ kind: 'value_too_long', bytes: length });
      const value = reader.utf8(length);
      return value === null ? malformed('TEXT is not valid UTF-8') : ok(value);
    }
    case VALUE_TAG.blob: {
      const length = reader.u32();
      if (length > valueBytesMax) return err({ kind: 'value_too_long', bytes: length });
      return ok(reader.bytesCopy(length));
    }
    default:
      return malformed(`unknown value tag ${tag}`);
  }
}

function malformed(detail: string): Result<never, ValueReadFailure> {
  return err({ kind: 'malformed', detail });
}
