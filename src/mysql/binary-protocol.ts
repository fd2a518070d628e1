// The binary protocol of prepared statements: decoding COM_STMT_EXECUTE parameters (NULL bitmap,
// new-params-bound flag, per-type values, long data) and encoding binary result rows. Temporal
// values travel as strings in the backend interface and as packed fields on the wire.

import { assert } from '../core/assert.js';
import type { BoundParam, ColumnDef, SqlValue } from './backend.js';
import { ColumnFlag, ColumnType, type ColumnTypeCode } from './constants.js';
import { STATEMENT_PARAMS_MAX } from './limits.js';
import {
  DecodeFailure,
  PacketReader,
  PacketWriter,
  decodeWith,
  utf8Decode,
  type Decoded,
} from './packet-buffer.js';
import { finiteDouble, textBytes } from './messages.js';

const UNSIGNED_PARAM_FLAG = 0x80;
const KNOWN_TYPES = new Set<number>(Object.values(ColumnType));

/** A parameter's type as the client bound it. */
export interface ParamType {
  readonly type: ColumnTypeCode;
  readonly unsigned: boolean;
}

export interface ExecuteRequest {
  readonly statementId: number;
  readonly cursorFlags: number;
  /** Types now in force: the new ones if the client sent them, else the previous ones. */
  readonly types: readonly ParamType[];
  readonly params: readonly BoundParam[];
}

/** Reads the statement id of COM_STMT_EXECUTE / SEND_LONG_DATA / CLOSE / RESET. */
export function decodeStatementId(payload: Uint8Array): Decoded<number> {
  return decodeWith(() => {
    const reader = new PacketReader(payload);
    reader.u8('command');
    return reader.u32('statement id');
  });
}

export interface LongData {
  readonly statementId: number;
  readonly paramIndex: number;
  readonly data: Uint8Array;
}

export function decodeSendLongData(payload: Uint8Array): Decoded<LongData> {
  return decodeWith(() => {
    const reader = new PacketReader(payload);
    reader.u8('command');
    const statementId = reader.u32('statement id');
    const paramIndex = reader.u16('parameter index');
    return { statementId, paramIndex, data: reader.rest() };
  });
}

/**
 * Decodes COM_STMT_EXECUTE for a statement with paramCount parameters. previousTypes are the
 * types bound by the last execution (null before the first); longData holds the bytes sent
 * with COM_STMT_SEND_LONG_DATA, by parameter index, which take the place of inline values.
 */
export function decodeExecute(
  payload: Uint8Array,
  paramCount: number,
  previousTypes: readonly ParamType[] | null,
  longData: ReadonlyMap<number, Uint8Array>,
): Decoded<ExecuteRequest> {
  assert(paramCount >= 0 && paramCount <= STATEMENT_PARAMS_MAX, 'parameter count is a u16');
  return decodeWith(() => {
    const reader = new PacketReader(payload);
    reader.u8('command');
    const statementId = reader.u32('statement id');
    const cursorFlags = reader.u8('cursor flags');
    reader.u32('iteration count');
    if (paramCount === 0) return { statementId, cursorFlags, types: [], params: [] };
    const nullBitmap = reader.bytesN((paramCount + 7) >>> 3, 'NULL bitmap');
    const newParamsBound = reader.u8('new-params-bound flag');
    let types = previousTypes;
    if (newParamsBound === 1) types = readParamTypes(reader, paramCount);
    if (types === null) {
      throw new DecodeFailure('bad_value', 'parameters were never bound (new-params-bound is 0)');
    }
    const params: BoundParam[] = [];
    for (let index = 0; index < paramCount; index++) {
      const bound = types[index]!;
      const isNull = (nullBitmap[index >>> 3]! & (1 << (index & 7))) !== 0;
      const long = longData.get(index);
      let value: SqlValue;
      if (isNull) value = null;
      else if (long !== undefined) value = longDataValue(bound.type, long);
      else value = readParamValue(reader, bound);
      params.push({ value, type: bound.type, unsigned: bound.unsigned });
    }
    return { statementId, cursorFlags, types, params };
  });
}

function readParamTypes(reader: PacketReader, paramCount: number): ParamType[] {
  const types: ParamType[] = [];
  for (let index = 0; index < paramCount; index++) {
    const code = reader.u8('parameter type');
    const flags = reader.u8('parameter flags');
    if (!KNOWN_TYPES.has(code)) {
      throw new DecodeFailure('bad_value', `parameter ${index} has unknown type ${code}`);
    }
    types.push({ type: code as ColumnTypeCode, unsigned: (flags & UNSIGNED_PARAM_FLAG) !== 0 });
  }
  return types;
}

function longDataValue(type: ColumnTypeCode, data: Uint8Array): SqlValue {
  return isBinaryType(type) ? data : utf8Decode(data);
}

function isBinaryType(type: number): boolean {
  return (
    type === ColumnType.TINY_BLOB ||
    type === ColumnType.MEDIUM_BLOB ||
    type === ColumnType.LONG_BLOB ||
    type === ColumnType.BLOB ||
    type === ColumnType.GEOMETRY ||
    type === ColumnType.BIT
  );
}

function integer(value: bigint): number | bigint {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

function readParamValue(reader: PacketReader, bound: ParamType): SqlValue {
  const unsigned = bound.unsigned;
  switch (bound.type) {
    case ColumnType.NULL:
      return null;
    case ColumnType.TINY:
      return unsigned ? reader.u8('TINY') : reader.i8('TINY');
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      return unsigned ? reader.u16('SHORT') : reader.i16('SHORT');
    case ColumnType.LONG:
    case ColumnType.INT24:
      return unsigned ? reader.u32('LONG') : reader.i32('LONG');
    case ColumnType.LONGLONG:
      return integer(unsigned ? reader.u64('LONGLONG') : reader.i64('LONGLONG'));
    case ColumnType.FLOAT:
      return reader.f32('FLOAT');
    case ColumnType.DOUBLE:
      return reader.f64('DOUBLE');
    case ColumnType.DATE:
    case ColumnType.NEWDATE:
      return readDateTime(reader, true);
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP2:
      return readDateTime(reader, false);
    case ColumnType.TIME:
    case ColumnType.TIME2:
      return readTime(reader);
    default: {
      const bytes = reader.lenencBytes('parameter value');
      return isBinaryType(bound.type) ? bytes : utf8Decode(bytes);
    }
  }
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function readDateTime(reader: PacketReader, dateOnly: boolean): string {
  const length = reader.u8('datetime length');
  if (length !== 0 && length !== 4 && length !== 7 && length !== 11) {
    throw new DecodeFailure('bad_value', `datetime of length ${length}`);
  }
  const field = new PacketReader(reader.bytesN(length, 'datetime'));
  const year = length >= 4 ? field.u16() : 0;
  const month = length >= 4 ? field.u8() : 0;
  const day = length >= 4 ? field.u8() : 0;
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (dateOnly) return date;
  const hour = length >= 7 ? field.u8() : 0;
  const minute = length >= 7 ? field.u8() : 0;
  const second = length >= 7 ? field.u8() : 0;
  const micro = length === 11 ? field.u32() : 0;
  return `${date} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction(micro)}`;
}

function fraction(micro: number): string {
  if (micro > 999_999) throw new DecodeFailure('bad_value', `microseconds ${micro}`);
  return micro === 0 ? '' : `.${pad(micro, 6)}`;
}

function readTime(reader: PacketReader): string {
  const length = reader.u8('time length');
  if (length !== 0 && length !== 8 && length !== 12) {
    throw new DecodeFailure('bad_value', `time of length ${length}`);
  }
  if (length === 0) return '00:00:00';
  const field = new PacketReader(reader.bytesN(length, 'time'));
  const negative = field.u8() === 1;
  const days = field.u32();
  const hour = field.u8();
  const minute = field.u8();
  const second = field.u8();
  const micro = length === 12 ? field.u32() : 0;
  const hours = days * 24 + hour;
  const sign = negative ? '-' : '';
  return `${sign}${pad(hours, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction(micro)}`;
}

/** Encodes one row of a binary result set; the column types decide each value's layout. */
export function encodeBinaryRow(
  columns: readonly ColumnDef[],
  row: readonly SqlValue[],
): Uint8Array {
  return encodeBinaryRowInto(ROW.reset(), columns, row).finish();
}

/** One writer for every row: a row is encoded whole before the next begins. */
const ROW = new PacketWriter(1024);

/**
 * Writes a binary-protocol row into `writer` (reset by the caller): header 0, the NULL bitmap
 * (offset 2), then each non-NULL value.
 */
export function encodeBinaryRowInto(
  writer: PacketWriter,
  columns: readonly ColumnDef[],
  row: readonly SqlValue[],
): PacketWriter {
  assert(row.length === columns.length, 'a row has one value per column');
  const bitmapAt = writer.u8(0).size;
  writer.zeros((columns.length + 7 + 2) >>> 3);
  for (let index = 0; index < columns.length; index++) {
    const value = row[index]!;
    if (value === null) {
      writer.orByte(bitmapAt + ((index + 2) >>> 3), 1 << ((index + 2) & 7));
      continue;
    }
    writeBinaryValue(writer, columns[index]!, value);
  }
  return writer;
}

function toBigInt(value: Exclude<SqlValue, null>, column: ColumnDef): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    assert(Number.isFinite(value), `column ${column.name}: integer value is finite`);
    return BigInt(Math.trunc(value));
  }
  const text = typeof value === 'string' ? value : utf8Decode(value);
  assert(/^\s*-?\d+\s*$/.test(text), `column ${column.name}: '${text}' is no integer`);
  return BigInt(text.trim());
}

function toFloat(value: Exclude<SqlValue, null>): number {
  if (typeof value === 'number') return finiteDouble(value);
  if (typeof value === 'bigint') return Number(value);
  return Number(typeof value === 'string' ? value : utf8Decode(value));
}

function writeBinaryValue(
  writer: PacketWriter,
  column: ColumnDef,
  value: Exclude<SqlValue, null>,
): void {
  const unsigned = (column.flags & ColumnFlag.UNSIGNED) !== 0;
  switch (column.type) {
    case ColumnType.TINY:
      writer.u8(Number(BigInt.asUintN(8, toBigInt(value, column))));
      return;
    case ColumnType.SHORT:
    case ColumnType.YEAR:
      writer.u16(Number(BigInt.asUintN(16, toBigInt(value, column))));
      return;
    case ColumnType.LONG:
    case ColumnType.INT24:
      writer.u32(Number(BigInt.asUintN(32, toBigInt(value, column))));
      return;
    case ColumnType.LONGLONG: {
      const big = toBigInt(value, column);
      if (unsigned) writer.u64(BigInt.asUintN(64, big));
      else writer.i64(BigInt.asIntN(64, big));
      return;
    }
    case ColumnType.FLOAT:
      writer.f32(toFloat(value));
      return;
    case ColumnType.DOUBLE:
      writer.f64(toFloat(value));
      return;
    case ColumnType.DATE:
    case ColumnType.NEWDATE:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      writeDateTime(writer, column, value);
      return;
    case ColumnType.TIME:
      writeTime(writer, column, value);
      return;
    default:
      if (typeof value === 'string') writer.lenencString(value);
      else writer.lenencBytes(textBytes(value));
  }
}

const DATETIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;
const TIME_PATTERN = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function microseconds(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits.padEnd(6, '0'));
}

function writeDateTime(
  writer: PacketWriter,
  column: ColumnDef,
  value: Exclude<SqlValue, null>,
): void {
  const text = typeof value === 'string' ? value : String(textValue(value));
  const match = DATETIME_PATTERN.exec(text);
  assert(match !== null, `column ${column.name}: '${text}' is no date or datetime`);
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const micro = microseconds(match[7]);
  const hasTime = hour !== 0 || minute !== 0 || second !== 0 || micro !== 0;
  if (year === 0 && month === 0 && day === 0 && !hasTime) {
    writer.u8(0);
    return;
  }
  const length = micro !== 0 ? 11 : hasTime ? 7 : 4;
  writer.u8(length).u16(year!).u8(month!).u8(day!);
  if (length >= 7) writer.u8(hour!).u8(minute!).u8(second!);
  if (length === 11) writer.u32(micro);
}

function writeTime(writer: PacketWriter, column: ColumnDef, value: Exclude<SqlValue, null>): void {
  const text = typeof value === 'string' ? value : String(textValue(value));
  const match = TIME_PATTERN.exec(text);
  assert(match !== null, `column ${column.name}: '${text}' is no time`);
  const hours = Number(match[2]);
  const minute = Number(match[3]);
  const second = Number(match[4]);
  const micro = microseconds(match[5]);
  if (hours === 0 && minute === 0 && second === 0 && micro === 0) {
    writer.u8(0);
    return;
  }
  writer.u8(micro !== 0 ? 12 : 8);
  writer.u8(match[1] === '-' ? 1 : 0).u32(Math.floor(hours / 24));
  writer
    .u8(hours % 24)
    .u8(minute)
    .u8(second);
  if (micro !== 0) writer.u32(micro);
}

function textValue(value: number | bigint | Uint8Array): string {
  return value instanceof Uint8Array ? utf8Decode(value) : String(value);
}
