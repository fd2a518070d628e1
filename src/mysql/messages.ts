// Encoders and decoders of the connection-phase and generic response packets: HandshakeV10,
// SSLRequest / HandshakeResponse41, AuthSwitchRequest, AuthMoreData, COM_CHANGE_USER, OK, ERR,
// EOF, column definitions, text rows and COM_STMT_PREPARE_OK. Encoders are pure functions of
// their arguments; decoders return Decoded<T> values and never throw on bad bytes.

import { assert } from '../core/assert.js';
import type { ColumnDef, SqlValue } from './backend.js';
import { Capability, ColumnType, type ErrorCode } from './constants.js';
import { CONNECT_ATTRS_BYTES_MAX, SCRAMBLE_BYTES } from './limits.js';
import {
  DecodeFailure,
  PacketReader,
  PacketWriter,
  decodeWith,
  utf8Encode,
  type Decoded,
} from './packet-buffer.js';

const PROTOCOL_VERSION = 10;
/** The response's filler: 19 zero bytes, then MariaDB's extended client capabilities. */
const HANDSHAKE_FILLER_BYTES = 19;
const SSL_REQUEST_BYTES = 32;
/** The key of the format in a column's extended metadata (MariaDB's MARIADB_FIELD_ATTR_FORMAT_NAME). */
const EXTENDED_FORMAT = 1;

export const Header = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  LOCAL_INFILE: 0xfb,
  EOF: 0xfe,
  ERR: 0xff,
} as const;

export interface HandshakeV10 {
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly scramble: Uint8Array;
  readonly capabilities: number;
  /** MariaDB's extended capabilities (MariadbCapability), sent because CLIENT_MYSQL is unset. */
  readonly extendedCapabilities: number;
  readonly collation: number;
  readonly statusFlags: number;
  readonly authPlugin: string;
}

export function encodeHandshakeV10(handshake: HandshakeV10): Uint8Array {
  assert(handshake.scramble.length === SCRAMBLE_BYTES, 'scramble is 20 bytes');
  assert(!handshake.serverVersion.includes('\0'), 'server version has no NUL');
  const caps = handshake.capabilities >>> 0;
  return new PacketWriter(128)
    .u8(PROTOCOL_VERSION)
    .nulString(handshake.serverVersion)
    .u32(handshake.connectionId)
    .bytes(handshake.scramble.subarray(0, 8))
    .u8(0)
    .u16(caps & 0xffff)
    .u8(handshake.collation)
    .u16(handshake.statusFlags)
    .u16(caps >>> 16)
    .u8(SCRAMBLE_BYTES + 1)
    .zeros(6)
    .u32(handshake.extendedCapabilities >>> 0)
    .bytes(handshake.scramble.subarray(8))
    .u8(0)
    .nulString(handshake.authPlugin)
    .finish();
}

/** The fixed head shared by SSLRequest and HandshakeResponse41. */
export interface SslRequest {
  readonly kind: 'ssl_request';
  readonly capabilities: number;
  /** MariaDB's extended capabilities; 0 from a client that sets CLIENT_MYSQL. */
  readonly extendedCapabilities: number;
  readonly maxPacketBytes: number;
  readonly collation: number;
}

export interface HandshakeResponse {
  readonly kind: 'handshake_response';
  readonly capabilities: number;
  readonly extendedCapabilities: number;
  readonly maxPacketBytes: number;
  readonly collation: number;
  readonly user: string;
  readonly authResponse: Uint8Array;
  readonly database: string | null;
  readonly authPlugin: string | null;
  readonly connectAttributes: ReadonlyMap<string, string>;
}

/** Decodes the client's answer to the handshake: an SSLRequest or a HandshakeResponse41. */
export function decodeHandshakeResponse(
  payload: Uint8Array,
): Decoded<SslRequest | HandshakeResponse> {
  return decodeWith(() => {
    const reader = new PacketReader(payload);
    const capabilities = reader.u32('capabilities');
    if ((capabilities & Capability.PROTOCOL_41) === 0) {
      throw new DecodeFailure('bad_value', 'client does not speak protocol 4.1');
    }
    const maxPacketBytes = reader.u32('max packet size');
    const collation = reader.u8('collation');
    reader.bytesN(HANDSHAKE_FILLER_BYTES, 'filler');
    const extended = reader.u32('extended capabilities');
    const extendedCapabilities = (capabilities & Capability.LONG_PASSWORD) === 0 ? extended : 0;
    if (payload.length === SSL_REQUEST_BYTES && (capabilities & Capability.SSL) !== 0) {
      const head = { capabilities, extendedCapabilities, maxPacketBytes, collation };
      return { kind: 'ssl_request', ...head } as const;
    }
    const user = reader.nulString('user');
    const authResponse = readAuthResponse(reader, capabilities);
    const database =
      (capabilities & Capability.CONNECT_WITH_DB) !== 0 && reader.remaining > 0
        ? reader.nulString('database')
        : null;
    const authPlugin =
      (capabilities & Capability.PLUGIN_AUTH) !== 0 && reader.remaining > 0
        ? reader.nulString('auth plugin')
        : null;
    const connectAttributes =
      (capabilities & Capability.CONNECT_ATTRS) !== 0 && reader.remaining > 0
        ? readConnectAttributes(reader)
        : new Map<string, string>();
    return {
      kind: 'handshake_response',
      capabilities,
      extendedCapabilities,
      maxPacketBytes,
      collation,
      user,
      authResponse,
      database: database === '' ? null : database,
      authPlugin,
      connectAttributes,
    } as const;
  });
}

function readAuthResponse(reader: PacketReader, capabilities: number): Uint8Array {
  if ((capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0) {
    return reader.lenencBytes('auth response');
  }
  if ((capabilities & Capability.SECURE_CONNECTION) !== 0) {
    return reader.bytesN(reader.u8('auth response length'), 'auth response');
  }
  return reader.nulBytes('auth response');
}

function readConnectAttributes(reader: PacketReader): Map<string, string> {
  const totalBytes = reader.lenencInt('connect attributes length');
  if (totalBytes > CONNECT_ATTRS_BYTES_MAX) {
    throw new DecodeFailure('too_large', `connect attributes of ${totalBytes} bytes`);
  }
  const attributes = new PacketReader(reader.bytesN(totalBytes, 'connect attributes'));
  const map = new Map<string, string>();
  while (attributes.remaining > 0) {
    const key = attributes.lenencString('attribute key');
    map.set(key, attributes.lenencString('attribute value'));
  }
  return map;
}

export interface ChangeUserRequest {
  readonly user: string;
  readonly authResponse: Uint8Array;
  readonly database: string | null;
  readonly collation: number | null;
  readonly authPlugin: string | null;
  readonly connectAttributes: ReadonlyMap<string, string>;
}

/** Decodes COM_CHANGE_USER (payload including the command byte). */
export function decodeChangeUser(
  payload: Uint8Array,
  capabilities: number,
): Decoded<ChangeUserRequest> {
  return decodeWith(() => {
    const reader = new PacketReader(payload);
    reader.u8('command');
    const user = reader.nulString('user');
    const authResponse =
      (capabilities & Capability.SECURE_CONNECTION) !== 0
        ? reader.bytesN(reader.u8('auth response length'), 'auth response')
        : reader.nulBytes('auth response');
    const database = reader.remaining > 0 ? reader.nulString('database') : '';
    const collation = reader.remaining >= 2 ? reader.u16('collation') : null;
    const authPlugin =
      (capabilities & Capability.PLUGIN_AUTH) !== 0 && reader.remaining > 0
        ? reader.nulString('auth plugin')
        : null;
    const connectAttributes =
      (capabilities & Capability.CONNECT_ATTRS) !== 0 && reader.remaining > 0
        ? readConnectAttributes(reader)
        : new Map<string, string>();
    return {
      user,
      authResponse,
      database: database === '' ? null : database,
      collation,
      authPlugin,
      connectAttributes,
    };
  });
}

export function encodeAuthSwitchRequest(plugin: string, scramble: Uint8Array): Uint8Array {
  return new PacketWriter(64).u8(Header.EOF).nulString(plugin).bytes(scramble).u8(0).finish();
}

export function encodeAuthMoreData(data: Uint8Array): Uint8Array {
  return new PacketWriter(data.length + 1).u8(Header.AUTH_MORE_DATA).bytes(data).finish();
}

export interface OkFields {
  readonly affectedRows: number | bigint;
  readonly lastInsertId: number | bigint;
  readonly statusFlags: number;
  readonly warnings: number;
  readonly info?: string;
}

/** OK packet; header 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF. */
/**
 * The writer of the small packets (OK, EOF, a column count): each is encoded whole and copied
 * out by finish() before the next begins.
 */
const SMALL = new PacketWriter(64);

export function encodeOk(fields: OkFields, header: 0x00 | 0xfe = Header.OK): Uint8Array {
  const id = fields.lastInsertId;
  const writer = SMALL.reset()
    .u8(header)
    .lenencInt(fields.affectedRows)
    // MariaDB's last insert id is unsigned 64-bit: a negative AUTO_INCREMENT value given
    // explicitly goes out as its two's complement (mysql2 reads -5 back).
    .lenencInt(
      typeof id === 'number' && id >= 0 && Number.isSafeInteger(id)
        ? id
        : BigInt.asUintN(64, BigInt(id)),
    )
    .u16(fields.statusFlags)
    .u16(Math.min(fields.warnings, 0xffff));
  // Length-encoded, as MariaDB's net_send_ok writes it with or without CLIENT_SESSION_TRACK
  // (Connector/C reads it so; mysql2 does when the server offers SESSION_TRACK, as we do).
  if (fields.info) writer.lenencString(fields.info);
  return writer.finish();
}

export function encodeErr(error: ErrorCode, message: string): Uint8Array {
  assert(/^[0-9A-Z]{5}$/.test(error.sqlState), `SQLSTATE is five characters: ${error.sqlState}`);
  return new PacketWriter(message.length + 16)
    .u8(Header.ERR)
    .u16(error.code)
    .string('#')
    .string(error.sqlState)
    .string(message)
    .finish();
}

export function encodeEof(warnings: number, statusFlags: number): Uint8Array {
  return SMALL.reset().u8(Header.EOF).u16(Math.min(warnings, 0xffff)).u16(statusFlags).finish();
}

/** The end of a column list or result set: EOF, or an OK with header 0xFE under DEPRECATE_EOF. */
export function encodeEndOfRows(
  deprecateEof: boolean,
  warnings: number,
  statusFlags: number,
): Uint8Array {
  if (!deprecateEof) return encodeEof(warnings, statusFlags);
  return encodeOk({ affectedRows: 0, lastInsertId: 0, statusFlags, warnings }, Header.EOF);
}

export function encodeColumnCount(count: number): Uint8Array {
  return SMALL.reset().lenencInt(count).finish();
}

const BEYOND_BMP = /[\u{10000}-\u{10ffff}]/gu;

/**
 * MariaDB keeps names in utf8mb3 (its system character set), which holds no character beyond
 * the Basic Multilingual Plane: such a character in a column name (`SELECT '😀'`) reads '?'.
 */
function metadataText(name: string): string {
  return name.replace(BEYOND_BMP, '?');
}

/** Protocol::ColumnDefinition41; withDefault appends the default value (COM_FIELD_LIST). */
/**
 * Protocol::ColumnDefinition41. With MariaDB's extended metadata negotiated, a block of
 * `{ int<1> key, string<lenenc> value }` pairs follows the names: key 1 is the format (`json`
 * for a JSON column or a JSON function's result, what lets a client parse the value).
 */
export function encodeColumnDef(
  column: ColumnDef,
  withDefault = false,
  extendedMetadata = false,
): Uint8Array {
  assert(Number.isInteger(column.length) && column.length >= 0, 'column length is a u32');
  const writer = new PacketWriter(64)
    .lenencString('def')
    .lenencString(column.schema ?? '')
    .lenencString(column.table ?? '')
    .lenencString(column.orgTable ?? column.table ?? '')
    .lenencString(metadataText(column.name))
    .lenencString(metadataText(column.orgName ?? column.name));
  if (extendedMetadata) {
    const format = column.format ?? '';
    if (format === '') writer.lenencInt(0);
    else
      writer
        .lenencInt(2 + format.length)
        .u8(EXTENDED_FORMAT)
        .lenencString(format);
  }
  writer
    .lenencInt(0x0c)
    .u16(column.charset)
    .u32(Math.min(column.length, 0xffffffff))
    .u8(column.type)
    .u16(column.flags)
    .u8(column.decimals)
    .zeros(2);
  if (withDefault) {
    const value = column.defaultValue;
    if (value === undefined || value === null) writer.u8(0xfb);
    else writer.lenencString(value);
  }
  return writer.finish();
}

/** A value's text-protocol form. */
export function textBytes(value: Exclude<SqlValue, null>): Uint8Array {
  return value instanceof Uint8Array ? value : utf8Encode(textOf(value));
}

/** A value other than bytes in the text protocol's notation. */
function textOf(value: string | number | bigint): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  assert(Number.isFinite(value), 'a number in a row is finite');
  // MySQL prints 1e21, JavaScript 1e+21.
  return String(value).replace('e+', 'e');
}

/** A row in the text protocol; `columns` give FLOAT and DOUBLE columns MariaDB's notation. */
export function encodeTextRow(
  row: readonly SqlValue[],
  columns?: readonly ColumnDef[],
): Uint8Array {
  return encodeTextRowInto(TEXT_ROW.reset(), row, columns).finish();
}

/** One writer for every text row: a row is encoded whole before the next begins. */
const TEXT_ROW = new PacketWriter(1024);

/** Writes a text-protocol row into `writer` (reset by the caller). */
export function encodeTextRowInto(
  writer: PacketWriter,
  row: readonly SqlValue[],
  columns?: readonly ColumnDef[],
): PacketWriter {
  for (let i = 0; i < row.length; i++) {
    const value = row[i]!;
    if (value === null) writer.u8(0xfb);
    else if (typeof value === 'number' && isFloatColumn(columns?.[i]))
      writer.lenencString(floatText(value));
    else if (typeof value === 'number' && columns?.[i]?.type === ColumnType.DOUBLE)
      writer.lenencString(doubleText(value));
    else if (value instanceof Uint8Array) writer.lenencBytes(value);
    else writer.lenencString(textOf(value));
  }
  return writer;
}

/** A FLOAT column without fixed decimals (31: MySQL's "not fixed"); FLOAT(M,D) prints D. */
const isFloatColumn = (column: ColumnDef | undefined): boolean =>
  column !== undefined && column.type === ColumnType.FLOAT && column.decimals >= 31;

/**
 * A DOUBLE as MariaDB prints it: its shortest exact digits, in full for exponents from -15 to 14
 * ('100000000376832', '0.0000000000000015'), else with an exponent ('1e15', '1.5e-16').
 */
export function doubleText(value: number): string {
  const n = finiteDouble(value);
  if (n === 0) return '0';
  const [mantissa = '0', power = '0'] = n.toExponential().split('e');
  const exponent = Number(power);
  if (exponent >= 15 || exponent < -15) return `${mantissa}e${exponent}`;
  const digits = mantissa.replace(/[-.]/g, '');
  let out: string;
  if (exponent < 0) out = '0.' + '0'.repeat(-exponent - 1) + digits;
  else if (digits.length <= exponent + 1) out = digits + '0'.repeat(exponent + 1 - digits.length);
  else out = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  return (n < 0 ? '-' : '') + out;
}

/**
 * A double a client can be sent: MariaDB never sends an infinite one, and the functions and
 * operators that overflow fail with 1690 before (engine/arithmetic.ts); one that still overflows
 * here (SUM of doubles past the range) is DOUBLE's greatest value, not "Infinity" as digits.
 */
export function finiteDouble(n: number): number {
  if (n === Infinity) return Number.MAX_VALUE;
  return n === -Infinity ? -Number.MAX_VALUE : n;
}

/** A FLOAT as MariaDB prints it: six significant digits (FLT_DIG), notation as a DOUBLE's. */
export function floatText(n: number): string {
  return doubleText(Number(n.toPrecision(FLOAT_DIGITS)));
}
const FLOAT_DIGITS = 6;

export interface PrepareOk {
  readonly statementId: number;
  readonly columnCount: number;
  readonly paramCount: number;
  readonly warnings: number;
}

export function encodePrepareOk(prepared: PrepareOk): Uint8Array {
  return new PacketWriter(12)
    .u8(Header.OK)
    .u32(prepared.statementId)
    .u16(prepared.columnCount)
    .u16(prepared.paramCount)
    .u8(0)
    .u16(Math.min(prepared.warnings, 0xffff))
    .finish();
}
