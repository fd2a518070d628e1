// Byte readers and writers for packet payloads: little-endian integers, length-encoded integers
// and strings. The reader never reads past its end: it throws DecodeFailure, which every public
// decoder catches and returns as a typed error value.

import { assert } from '../core/assert.js';
import { utf8SequenceLength } from '../codec/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** Why bytes from a client could not be decoded. */
export type DecodeErrorKind = 'truncated' | 'too_large' | 'bad_value' | 'out_of_order';

export interface DecodeError {
  readonly kind: DecodeErrorKind;
  readonly message: string;
}

export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

/** Thrown only inside decoders and turned into a DecodeError at their boundary. */
export class DecodeFailure extends Error {
  override readonly name = 'DecodeFailure';
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a decoder body and converts a DecodeFailure into a value; other errors are bugs. */
export function decodeWith<T>(body: () => T): Decoded<T> {
  try {
    return { ok: true, value: body() };
  } catch (error) {
    if (error instanceof DecodeFailure) {
      return { ok: false, error: { kind: error.kind, message: error.message } };
    }
    throw error;
  }
}

export function utf8Decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
/** The first code unit of an escaped byte (statementTextDecode): U+DC80 + (byte - 0x80). */
export const ESCAPED_BYTE_BASE = 0xdc00;

/**
 * A statement's text: UTF-8, where a byte that is not part of a valid sequence (a BLOB's bytes
 * in a dump's string literal, a latin1 client's é) is kept as the lone low surrogate U+DC00 + the
 * byte (Python's "surrogateescape"), which valid UTF-8 never decodes to, so that a literal's
 * bytes reach the column as they were sent (engine/bind.ts, toStore) instead of becoming
 * U+FFFD.
 */
export function statementTextDecode(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return escapedDecode(bytes);
  }
}

function escapedDecode(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  let i = 0;
  const flush = (end: number): void => {
    if (end > start) out += utf8.decode(bytes.subarray(start, end));
  };
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    flush(i);
    out += String.fromCharCode(ESCAPED_BYTE_BASE + bytes[i]!);
    i++;
    start = i;
  }
  flush(i);
  return out;
}

export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export class PacketReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw new DecodeFailure('truncated', `${what}: need ${count} bytes, have ${this.remaining}`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const value =
      this.view.getUint16(this.offset, true) | (this.view.getUint8(this.offset + 2) << 16);
    this.offset += 3;
    return value;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  i8(what = 'i8'): number {
    this.need(1, what);
    return this.view.getInt8(this.offset++);
  }

  i16(what = 'i16'): number {
    this.need(2, what);
    const value = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return value;
  }

  i32(what = 'i32'): number {
    this.need(4, what);
    const value = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(what = 'u64'): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  i64(what = 'i64'): bigint {
    this.need(8, what);
    const value = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return value;
  }

  f32(what = 'f32'): number {
    this.need(4, what);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  f64(what = 'f64'): number {
    this.need(8, what);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  bytesN(count: number, what = 'bytes'): Uint8Array {
    this.need(count, what);
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }

  rest(): Uint8Array {
    return this.bytesN(this.remaining);
  }

  /** A length-encoded integer; lengths above 2^53 are refused (no packet is that long). */
  lenencInt(what = 'lenenc int'): number {
    const first = this.u8(what);
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16(what);
    if (first === 0xfd) return this.u24(what);
    if (first === 0xfe) {
      const value = this.u64(what);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new DecodeFailure('too_large', `${what}: ${value} is too large`);
      }
      return Number(value);
    }
    throw new DecodeFailure('bad_value', `${what}: 0x${first.toString(16)} starts no integer`);
  }

  lenencBytes(what = 'lenenc string'): Uint8Array {
    const length = this.lenencInt(what);
    return this.bytesN(length, what);
  }

  lenencString(what = 'lenenc string'): string {
    return utf8Decode(this.lenencBytes(what));
  }

  /** Bytes up to a NUL, which is consumed; a missing NUL is a truncated packet. */
  nulBytes(what = 'NUL-terminated string'): Uint8Array {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) throw new DecodeFailure('truncated', `${what}: no terminating NUL`);
    const slice = this.bytes.subarray(this.offset, end);
    this.offset = end + 1;
    return slice;
  }

  nulString(what = 'NUL-terminated string'): string {
    return utf8Decode(this.nulBytes(what));
  }
}

/**
 * A growable byte buffer for building one payload. A writer may be kept and reset() for the
 * next payload (rows are encoded in one), so nothing is allocated per payload but its result.
 */
export class PacketWriter {
  private buffer: Uint8Array;
  private view: DataView;
  /**
   * The same bytes as a Buffer, for writing strings into them without an intermediate copy;
   * made at the first string (most small packets have none).
   */
  private text: Buffer | null = null;
  private length = 0;

  constructor(capacityBytes = 256) {
    assert(capacityBytes > 0, 'writer capacity must be positive');
    this.buffer = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  get size(): number {
    return this.length;
  }

  /** Empties the writer for the next payload, keeping its buffer. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** The bytes written so far, as a view (valid until the next write or reset). */
  contents(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** ORs `mask` into the byte at `at` (a NULL bitmap's bit). */
  orByte(at: number, mask: number): this {
    assert(at >= 0 && at < this.length, 'orByte within the written bytes');
    this.buffer[at]! |= mask;
    return this;
  }

  private reserve(count: number): number {
    const needed = this.length + count;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
      this.text = null;
    }
    const at = this.length;
    this.length = needed;
    return at;
  }

  u8(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xff, `u8 out of range: ${value}`);
    const at = this.reserve(1);
    this.view.setUint8(at, value);
    return this;
  }

  u16(value: number): this {
    assert(Number.isInteger(value) && value >= 0 && value <= 0xffff, `u16 out of range: ${value}`);
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  u24(value: number): this {
    assert(
      Number.isInteger(value) && value >= 0 && value <= 0xffffff,
      `u24 out of range: ${value}`,
    );
    const at = this.reserve(3);
    this.view.setUint16(at, value & 0xffff, true);
    this.view.setUint8(at + 2, value >>> 16);
    return this;
  }

  u32(value: number): this {
    assert(
      Number.isInteger(value) && value >= 0 && value <= 0xffffffff,
      `u32 out of range: ${value}`,
    );
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
    return this;
  }

  i8(value: number): this {
    const at = this.reserve(1);
    this.view.setInt8(at, value);
    return this;
  }

  i16(value: number): this {
    const at = this.reserve(2);
    this.view.setInt16(at, value, true);
    return this;
  }

  i32(value: number): this {
    const at = this.reserve(4);
    this.view.setInt32(at, value, true);
    return this;
  }

  u64(value: bigint): this {
    const at = this.reserve(8);
    this.view.setBigUint64(at, value, true);
    return this;
  }

  i64(value: bigint): this {
    const at = this.reserve(8);
    this.view.setBigInt64(at, value, true);
    return this;
  }

  f32(value: number): this {
    const at = this.reserve(4);
    this.view.setFloat32(at, value, true);
    return this;
  }

  f64(value: number): this {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
    return this;
  }

  bytes(value: Uint8Array): this {
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  zeros(count: number): this {
    const at = this.reserve(count);
    this.buffer.fill(0, at, this.length);
    return this;
  }

  string(value: string): this {
    const byteLength = Buffer.byteLength(value, 'utf8');
    const at = this.reserve(byteLength);
    this.text ??= Buffer.from(this.buffer.buffer, 0, this.buffer.length);
    this.text.write(value, at, byteLength, 'utf8');
    return this;
  }

  nulString(value: string): this {
    return this.string(value).u8(0);
  }

  lenencInt(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0xffffff) {
      assert(Number.isInteger(value), `lenenc int out of range: ${value}`);
      if (value < 0xfb) return this.u8(value);
      if (value <= 0xffff) return this.u8(0xfc).u16(value);
      return this.u8(0xfd).u24(value);
    }
    const big = BigInt(value);
    assert(big >= 0n && big <= 0xffffffffffffffffn, `lenenc int out of range: ${value}`);
    if (big < 0xfbn) return this.u8(Number(big));
    if (big <= 0xffffn) return this.u8(0xfc).u16(Number(big));
    if (big <= 0xffffffn) return this.u8(0xfd).u24(Number(big));
    return this.u8(0xfe).u64(big);
  }

  lenencBytes(value: Uint8Array): this {
    return this.lenencInt(value.length).bytes(value);
  }

  lenencString(value: string): this {
    return this.lenencInt(Buffer.byteLength(value, 'utf8')).string(value);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
