// Big-endian byte writer and bounds-checked reader shared by the codecs.
//
// The writer is for our own, trusted values: a value that does not fit its field is a programmer
// error and asserts. The reader is for untrusted bytes: it never throws; reading past the end
// sets the sticky `overrun` flag and yields zeros, and the caller turns that into a typed error.
// See docs/design/codec.md.
import { isUtf8 } from 'node:buffer';
import { assert } from '../core/assert.js';

/** A code unit that may be an escaped byte (U+DC80–U+DCFF); escapedBytes tells if it is lone. */
const ESCAPED_UNIT = /[\uDC80-\uDCFF]/;

/** Whether `text` may hold a byte escaped as a lone low surrogate (escapedBytes). */
export function mayHoldEscapedBytes(text: string): boolean {
  return ESCAPED_UNIT.test(text);
}

/**
 * A statement text's string as the bytes the client sent: UTF-8, with each lone low surrogate
 * U+DC80–U+DCFF the byte it escapes (mysql/packet-buffer.ts, statementTextDecode: bytes that
 * were not valid UTF-8, such as a BLOB's in a dump). Null when it escapes none.
 */
export function escapedBytes(text: string): Buffer | null {
  const parts: Buffer[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc80 || unit > 0xdcff) continue;
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (before >= 0xd800 && before <= 0xdbff) continue;
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.from([unit - 0xdc00]));
    start = i + 1;
    escaped = true;
  }
  if (!escaped) return null;
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The length of the valid UTF-8 sequence at `i` (1–4), or 0 when none starts there. */
export function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number): boolean => (bytes[i + k]! & 0xc0) === 0x80 && i + k < bytes.length;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const b1 = bytes[i + 1]!;
    // No overlong forms, no surrogates (ED A0..BF).
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const b1 = bytes[i + 1]!;
    if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** The offset of the first byte of `bytes` that is not part of valid UTF-8, or -1. */
export function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** A string's bytes: UTF-8, escaped bytes as they were sent (escapedBytes). */
export function textBytes(text: string): Buffer {
  return (mayHoldEscapedBytes(text) ? escapedBytes(text) : null) ?? Buffer.from(text, 'utf8');
}

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffff_ffff;
const TWO_POW_32 = 0x1_0000_0000;
/** Largest high word of a u64 that still yields a safe integer (2^53 - 1). */
const U64_SAFE_HIGH_MAX = 0x1f_ffff;
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
/** The one NaN bit pattern we write, so that equal values always encode to equal bytes. */
const NAN_CANONICAL_HIGH = 0x7ff8_0000;
const NAN_CANONICAL_LOW = 0;

const WRITER_CAPACITY_INITIAL_BYTES = 256;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8');

const EMPTY = new Uint8Array(0);

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(capacityBytes = WRITER_CAPACITY_INITIAL_BYTES) {
    assert(Number.isSafeInteger(capacityBytes) && capacityBytes > 0, 'writer capacity');
    this.buffer = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  get lengthBytes(): number {
    return this.length;
  }

  u8(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= U8_MAX, 'u8 out of range');
    this.reserve(1);
    this.buffer[this.length] = value;
    this.length += 1;
  }

  u16(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= U16_MAX, 'u16 out of range');
    this.reserve(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  u32(value: number): void {
    assert(Number.isInteger(value) && value >= 0 && value <= U32_MAX, 'u32 out of range');
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  /** Overwrites a u32 written earlier (length fields known only at the end). */
  u32At(offset: number, value: number): void {
    assert(offset >= 0 && offset + 4 <= this.length, 'u32At outside written bytes');
    assert(Number.isInteger(value) && value >= 0 && value <= U32_MAX, 'u32 out of range');
    this.view.setUint32(offset, value);
  }

  /** A non-negative safe integer as an unsigned 64-bit field. */
  u64(value: number): void {
    assert(Number.isSafeInteger(value) && value >= 0, 'u64 not a safe non-negative integer');
    this.reserve(8);
    this.view.setUint32(this.length, Math.floor(value / TWO_POW_32));
    this.view.setUint32(this.length + 4, value % TWO_POW_32);
    this.length += 8;
  }

  i64(value: bigint): void {
    assert(value >= INT64_MIN && value <= INT64_MAX, 'i64 out of range');
    this.reserve(8);
    this.view.setBigInt64(this.length, value);
    this.length += 8;
  }

  f64(value: number): void {
    this.reserve(8);
    if (Number.isNaN(value)) {
      this.view.setUint32(this.length, NAN_CANONICAL_HIGH);
      this.view.setUint32(this.length + 4, NAN_CANONICAL_LOW);
    } else {
      this.view.setFloat64(this.length, value);
    }
    this.length += 8;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** A UTF-8 string after a u16 (prefixBytes 2) or u32 (prefixBytes 4) byte-length prefix. */
  string(value: string, prefixBytes: 2 | 4): void {
    this.reserve(prefixBytes + value.length * 3);
    const start = this.length + prefixBytes;
    const written = this.utf8At(start, value);
    if (prefixBytes === 2) {
      assert(written <= U16_MAX, 'string too long for a u16 prefix');
      this.view.setUint16(this.length, written);
    } else {
      assert(written <= U32_MAX, 'string too long for a u32 prefix');
      this.view.setUint32(this.length, written);
    }
    this.length = start + written;
  }

  /** A view of the bytes written so far, valid until the next write. */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** An exact-size copy of the bytes written so far. */
  copy(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /**
   * Empties the writer for reuse. Encoders keep one writer each, because allocating a buffer
   * costs more than encoding a small write-set; one grown past `capacityBytesMax` is replaced
   * so that a single huge encoding does not pin its memory.
   */
  reset(capacityBytesMax: number): void {
    this.length = 0;
    if (this.buffer.length <= capacityBytesMax) return;
    this.buffer = new Uint8Array(capacityBytesMax);
    this.view = new DataView(this.buffer.buffer);
  }

  // Encodes into already reserved space (3 bytes per UTF-16 unit is the UTF-8 worst case).
  private utf8At(start: number, value: string): number {
    const buffer = this.buffer;
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 0x80) return this.utf8SlowAt(start, value);
      buffer[start + i] = unit;
    }
    return value.length;
  }

  private utf8SlowAt(start: number, value: string): number {
    // A lone surrogate would be written as U+FFFD: a silent change of the value. Strings from
    // SQLite and from our MySQL decoder are always well formed, so this is a programmer error.
    assert(isWellFormedUtf16(value), 'string holds a lone surrogate');
    const result = textEncoder.encodeInto(value, this.buffer.subarray(start));
    assert(result.read === value.length, 'utf8 reservation too small');
    return result.written;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

export function isWellFormedUtf16(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit >= 0xdc00) return false;
    const next = value.charCodeAt(i + 1); // NaN past the end
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i += 1;
  }
  return true;
}

/** Reads untrusted bytes; never throws. Check `overrun` after each group of reads. */
export class ByteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset: number;
  private readonly end: number;
  /** Set once any read went past the end; every read after that yields zero or empty. */
  overrun = false;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    assert(start >= 0 && start <= end && end <= bytes.length, 'reader bounds');
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
    this.end = end;
  }

  get offsetBytes(): number {
    return this.offset;
  }

  get remainingBytes(): number {
    return this.end - this.offset;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.view.getUint8(at);
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  /** An unsigned 64-bit field as a number; -1 when above 2^53 - 1 (the caller rejects it). */
  u64Safe(): number {
    const at = this.take(8);
    if (at < 0) return 0;
    const high = this.view.getUint32(at);
    if (high > U64_SAFE_HIGH_MAX) return -1;
    return high * TWO_POW_32 + this.view.getUint32(at + 4);
  }

  i64(): bigint {
    const at = this.take(8);
    return at < 0 ? 0n : this.view.getBigInt64(at);
  }

  /** A double; null for a NaN whose bits are not the canonical ones (we never write those). */
  f64(): number | null {
    const at = this.take(8);
    if (at < 0) return 0;
    const value = this.view.getFloat64(at);
    if (!Number.isNaN(value)) return value;
    const canonical =
      this.view.getUint32(at) === NAN_CANONICAL_HIGH &&
      this.view.getUint32(at + 4) === NAN_CANONICAL_LOW;
    return canonical ? value : null;
  }

  /** A copy, so that decoded values never alias (or keep alive) the input buffer. */
  bytesCopy(length: number): Uint8Array {
    const at = this.take(length);
    return at < 0 ? EMPTY : this.bytes.slice(at, at + length);
  }

  /** A UTF-8 string of `length` bytes; null when the bytes are not valid UTF-8. */
  utf8(length: number): string | null {
    const at = this.take(length);
    if (at < 0) return '';
    const view = this.bytes.subarray(at, at + length);
    const ascii = asciiString(view);
    if (ascii !== null) return ascii;
    return isUtf8(view) ? textDecoder.decode(view) : null;
  }

  private take(length: number): number {
    if (this.overrun || length > this.end - this.offset) {
      this.overrun = true;
      return -1;
    }
    const at = this.offset;
    this.offset += length;
    return at;
  }
}

/** Identifiers are short and mostly ASCII; building them directly beats TextDecoder. */
const ASCII_FAST_PATH_BYTES_MAX = 64;

function asciiString(view: Uint8Array): string | null {
  if (view.length > ASCII_FAST_PATH_BYTES_MAX) return null;
  let result = '';
  for (let i = 0; i < view.length; i++) {
    const byte = view[i]!;
    if (byte >= 0x80) return null;
    result += String.fromCharCode(byte);
  }
  return result;
}
