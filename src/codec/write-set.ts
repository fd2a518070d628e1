// The write-set: what a transaction replicates (certification keys, row images, DDL).
//
// encodeWriteSet is a pure function of trusted values and asserts on programmer errors.
// decodeWriteSet takes untrusted bytes and the limits it enforces, and never throws: every
// problem is a typed WriteSetError. Decoding accepts exactly the bytes encoding produces, so
// decode-then-encode gives back the same bytes. Layout and reasoning: docs/design/codec.md.
import { crc32Of } from './crc.js';
import { assert, unreachable } from '../core/assert.js';
import type { Index, NodeId } from '../core/types.js';
import { ByteReader, ByteWriter, U16_MAX, U32_MAX } from './bytes.js';
import { err, ok, type Result } from './result.js';
import { readValue, writeValue, type SqlValue } from './sql-value.js';

export {
  decodeKeyValues,
  encodeKeyValues,
  type KeyValuesError,
  type SqlValue,
} from './sql-value.js';

/** A transaction id local to its origin node: a safe integer, on the wire as a u64. */
export type TransactionId = number & { readonly __brand: 'TransactionId' };
export const transactionId = (value: number): TransactionId => value as TransactionId;

export interface WriteSetFlags {
  /** The write-set ends its transaction (a future streaming fragment would clear it). */
  readonly commit: boolean;
  /** The origin rolled back a transaction whose earlier fragments were replicated. */
  readonly rollback: boolean;
  /** Total order isolation: the write-set carries DDL, applied alone at its seqno. */
  readonly toi: boolean;
  /** Must not be applied in parallel with its neighbours. */
  readonly paUnsafe: boolean;
  /**
   * The DDL rules a TOI is planned by (docs/design/sql.md, "DDL rules by version"): 5, a UNIQUE
   * key over column prefixes (`UNIQUE (v(3))`) is built on the prefixes, a table made without a
   * charset takes its database's, ALTER DATABASE runs; 6, a PRIMARY KEY over prefixes too.
   * Absent: the rules before them (DDL_RULES_OLDEST). Set by an origin whose every peer speaks
   * the link protocol version of the same number; a node of an earlier release refuses the bit
   * as unknown.
   */
  readonly ddlRules?: number;
}

/** The DDL rules of a write-set without its flag bits (WriteSetFlags.ddlRules). */
export const DDL_RULES_OLDEST = 4;
/** The newest DDL rules this build plans by: a standalone node's, and every origin's own check. */
export const DDL_RULES_NEWEST = 6;

export interface CertificationKey {
  readonly database: string;
  readonly table: string;
  /** encodeKeyValues() of the primary key (or rowid) columns. */
  readonly keyBytes: Uint8Array;
  /** True for written rows and SELECT … FOR UPDATE; false (shared) for LOCK IN SHARE MODE. */
  readonly exclusive: boolean;
}

interface RowImageBase {
  readonly database: string;
  readonly table: string;
  /** encodeKeyValues() of the primary key (or rowid) columns. */
  readonly key: Uint8Array;
}

/** A changed row; `after` holds every column of the new row, in the table's column order. */
export type RowImage =
  | (RowImageBase & { readonly op: 'insert' | 'update'; readonly after: readonly SqlValue[] })
  | (RowImageBase & { readonly op: 'delete'; readonly after: null });

export interface DdlStatement {
  /** The session's default database when the statement ran ('' for none). */
  readonly database: string;
  readonly sql: string;
}

export interface WriteSet {
  readonly originNodeId: NodeId;
  readonly originTransactionId: TransactionId;
  /** The applied seqno of the snapshot the transaction read from. */
  readonly seqnoSnapshot: Index;
  readonly flags: WriteSetFlags;
  readonly keys: readonly CertificationKey[];
  readonly rows: readonly RowImage[];
  readonly statements: readonly DdlStatement[];
}

/** Bounds the decoder enforces; every one is a count or a byte length. */
export interface WriteSetLimits {
  /** The whole encoding (Galera's wsrep_max_ws_size). */
  readonly totalBytesMax: number;
  readonly keysMax: number;
  /** Row images (Galera's wsrep_max_ws_rows). */
  readonly rowsMax: number;
  /** Distinct (database, table) pairs referred to by keys and rows. */
  readonly tablesMax: number;
  readonly statementsMax: number;
  readonly statementBytesMax: number;
  /** A database or table name, in UTF-8 bytes. */
  readonly identifierBytesMax: number;
  readonly nodeIdBytesMax: number;
  /** A certification key's or a row's key bytes; at most 65535 (a u16 on the wire). */
  readonly keyBytesMax: number;
  /** Values in one row image. */
  readonly columnsMax: number;
  /** One TEXT or BLOB value. */
  readonly valueBytesMax: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_WRITE_SET_LIMITS: WriteSetLimits = Object.freeze({
  totalBytesMax: 64 * MIB,
  keysMax: 1_048_576,
  rowsMax: 1_048_576,
  tablesMax: 16_384,
  statementsMax: 64,
  statementBytesMax: 4 * MIB,
  // MySQL identifiers are at most 64 characters of up to 4 UTF-8 bytes.
  identifierBytesMax: 256,
  nodeIdBytesMax: 256,
  // InnoDB's 3072-byte key limit plus a tag and length for each of up to 16 key parts.
  keyBytesMax: 4096,
  // MySQL's hard limit on columns per table.
  columnsMax: 4096,
  valueBytesMax: 16 * MIB,
});

export type WriteSetLimitName = Exclude<keyof WriteSetLimits, 'totalBytesMax'>;

export type WriteSetError =
  | { readonly kind: 'truncated'; readonly bytesHave: number; readonly bytesNeed: number }
  | { readonly kind: 'too_large'; readonly bytes: number; readonly totalBytesMax: number }
  | { readonly kind: 'bad_checksum'; readonly crcStored: number; readonly crcComputed: number }
  | { readonly kind: 'unknown_version'; readonly version: number }
  | { readonly kind: 'malformed'; readonly detail: string }
  | {
      readonly kind: 'limit_exceeded';
      readonly limit: WriteSetLimitName;
      readonly value: number;
      readonly max: number;
    };

export const WRITE_SET_VERSION = 1;

// The envelope (magic, version, total length, CRC trailer) is the same in every version.
const MAGIC = new Uint8Array([0x54, 0x52, 0x57, 0x53]); // "TRWS"
const VERSION_OFFSET = 4;
const TOTAL_BYTES_OFFSET = 6;
const HEADER_BYTES = 10;
const TRAILER_BYTES = 4;
const ENVELOPE_BYTES = HEADER_BYTES + TRAILER_BYTES;

const FLAG_BIT = {
  commit: 0x01,
  rollback: 0x02,
  toi: 0x04,
  paUnsafe: 0x08,
  /** DDL rules 5 and up. */
  ddlRules5: 0x10,
  /** DDL rules 6 (with ddlRules5's bit). */
  ddlRules6: 0x20,
} as const;
const FLAG_BITS_KNOWN = 0x3f;

const OP_CODE = { insert: 1, update: 2, delete: 3 } as const;
const OPS_BY_CODE = [null, 'insert', 'update', 'delete'] as const;

// The fewest bytes an element can take, to refuse absurd counts before looping.
const TABLE_BYTES_MIN = 4;
const KEY_BYTES_MIN = 7;
const ROW_BYTES_MIN = 7;
const STATEMENT_BYTES_MIN = 6;

/** The encoder's reused buffer is kept at most this large between calls. */
const WRITER_CAPACITY_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Encoding

const sharedWriter = new ByteWriter(WRITER_CAPACITY_BYTES);

export function encodeWriteSet(writeSet: WriteSet): Uint8Array {
  const writer = sharedWriter;
  // Reset first: an assertion may have left the shared writer half written.
  writer.reset(WRITER_CAPACITY_BYTES);
  writer.bytes(MAGIC);
  writer.u16(WRITE_SET_VERSION);
  writer.u32(0); // total length, patched below
  writeHeader(writer, writeSet);
  writeTablesKeysRows(writer, writeSet);
  writeStatements(writer, writeSet.statements);
  writer.u32At(TOTAL_BYTES_OFFSET, writer.lengthBytes + TRAILER_BYTES);
  writer.u32(crc32Of(writer.written()));
  return writer.copy();
}

function writeHeader(writer: ByteWriter, writeSet: WriteSet): void {
  assert(writeSet.originNodeId.length > 0, 'origin node id is empty');
  const flags = writeSet.flags;
  writer.u8(
    (flags.commit ? FLAG_BIT.commit : 0) |
      (flags.rollback ? FLAG_BIT.rollback : 0) |
      (flags.toi ? FLAG_BIT.toi : 0) |
      (flags.paUnsafe ? FLAG_BIT.paUnsafe : 0) |
      ((flags.ddlRules ?? 0) >= 5 ? FLAG_BIT.ddlRules5 : 0) |
      ((flags.ddlRules ?? 0) >= 6 ? FLAG_BIT.ddlRules6 : 0),
  );
  writer.string(writeSet.originNodeId, 2);
  writer.u64(writeSet.originTransactionId);
  writer.u64(writeSet.seqnoSnapshot);
}

// Tables are listed once, in order of first use by keys then rows; keys and rows refer to them
// by position. This keeps names out of every key and row, and makes the encoding canonical.
function writeTablesKeysRows(writer: ByteWriter, writeSet: WriteSet): void {
  const tables = new TableDictionary();
  const keyTables = writeSet.keys.map((key) => tables.indexOf(key.database, key.table));
  const rowTables = writeSet.rows.map((row) => tables.indexOf(row.database, row.table));
  writer.u32(tables.names.length);
  for (const [database, table] of tables.names) {
    writer.string(database, 2);
    writer.string(table, 2);
  }
  writer.u32(writeSet.keys.length);
  writeSet.keys.forEach((key, i) => writeKey(writer, key, keyTables[i]!));
  writer.u32(writeSet.rows.length);
  writeSet.rows.forEach((row, i) => writeRow(writer, row, rowTables[i]!));
}

class TableDictionary {
  readonly names: Array<readonly [string, string]> = [];
  private readonly byDatabase = new Map<string, Map<string, number>>();

  indexOf(database: string, table: string): number {
    let byTable = this.byDatabase.get(database);
    if (byTable === undefined) {
      byTable = new Map();
      this.byDatabase.set(database, byTable);
    }
    const known = byTable.get(table);
    if (known !== undefined) return known;
    const index = this.names.length;
    byTable.set(table, index);
    this.names.push([database, table]);
    return index;
  }
}

function writeKey(writer: ByteWriter, key: CertificationKey, table: number): void {
  assert(key.keyBytes.length <= U16_MAX, 'certification key longer than a u16');
  writer.u32(table);
  writer.u8(key.exclusive ? 1 : 0);
  writer.u16(key.keyBytes.length);
  writer.bytes(key.keyBytes);
}

function writeRow(writer: ByteWriter, row: RowImage, table: number): void {
  assert(row.key.length <= U16_MAX, 'row key longer than a u16');
  writer.u8(OP_CODE[row.op]);
  writer.u32(table);
  writer.u16(row.key.length);
  writer.bytes(row.key);
  if (row.op === 'delete') {
    assert(row.after === null, 'a delete carries no after image');
    return;
  }
  assert(row.after !== null, 'an insert or update carries an after image');
  writer.u16(row.after.length);
  for (const value of row.after) writeValue(writer, value);
}

function writeStatements(writer: ByteWriter, statements: readonly DdlStatement[]): void {
  assert(statements.length <= U32_MAX, 'statement count');
  writer.u32(statements.length);
  for (const statement of statements) {
    writer.string(statement.database, 2);
    writer.string(statement.sql, 4);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

export function decodeWriteSet(
  bytes: Uint8Array,
  limits: WriteSetLimits,
): Result<WriteSet, WriteSetError> {
  const envelope = checkEnvelope(bytes, limits);
  if (!envelope.ok) return envelope;
  const reader = new ByteReader(bytes, HEADER_BYTES, bytes.length - TRAILER_BYTES);
  return new BodyDecoder(reader, limits).decode();
}

// Checks in the order that gives the most useful error: size, framing, checksum, version.
function checkEnvelope(bytes: Uint8Array, limits: WriteSetLimits): Result<null, WriteSetError> {
  if (bytes.length > limits.totalBytesMax) return tooLarge(bytes.length, limits);
  if (bytes.length < HEADER_BYTES) return truncated(bytes.length, ENVELOPE_BYTES);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) return malformed('not a write-set (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const totalBytes = view.getUint32(TOTAL_BYTES_OFFSET);
  if (totalBytes > limits.totalBytesMax) return tooLarge(totalBytes, limits);
  if (totalBytes < ENVELOPE_BYTES) return malformed(`total length ${totalBytes} below minimum`);
  if (bytes.length < totalBytes) return truncated(bytes.length, totalBytes);
  if (bytes.length > totalBytes) return malformed(`${bytes.length - totalBytes} trailing bytes`);
  const crcStored = view.getUint32(totalBytes - TRAILER_BYTES);
  const crcComputed = crc32Of(bytes.subarray(0, totalBytes - TRAILER_BYTES));
  if (crcStored !== crcComputed) return err({ kind: 'bad_checksum', crcStored, crcComputed });
  const version = view.getUint16(VERSION_OFFSET);
  if (version !== WRITE_SET_VERSION) return err({ kind: 'unknown_version', version });
  return ok(null);
}

type Header = Pick<WriteSet, 'originNodeId' | 'originTransactionId' | 'seqnoSnapshot' | 'flags'>;
type TableName = readonly [database: string, table: string];

class BodyDecoder {
  private readonly tables: TableName[] = [];
  /** Tables referred to so far; the next new reference must be exactly this index. */
  private tablesUsed = 0;

  constructor(
    private readonly reader: ByteReader,
    private readonly limits: WriteSetLimits,
  ) {}

  decode(): Result<WriteSet, WriteSetError> {
    const header = this.header();
    if (!header.ok) return header;
    const tables = this.readTables();
    if (!tables.ok) return tables;
    const keys = this.keys();
    if (!keys.ok) return keys;
    const rows = this.rows();
    if (!rows.ok) return rows;
    const statements = this.statements();
    if (!statements.ok) return statements;
    if (this.tablesUsed !== this.tables.length) return malformed('a listed table is never used');
    if (this.reader.remainingBytes !== 0) return malformed('bytes after the last statement');
    const { originNodeId, originTransactionId, seqnoSnapshot, flags } = header.value;
    return ok({
      originNodeId,
      originTransactionId,
      seqnoSnapshot,
      flags,
      keys: keys.value,
      rows: rows.value,
      statements: statements.value,
    });
  }

  private header(): Result<Header, WriteSetError> {
    const flagBits = this.reader.u8();
    if ((flagBits & ~FLAG_BITS_KNOWN) !== 0) return malformed(`unknown flag bits ${flagBits}`);
    if ((flagBits & FLAG_BIT.ddlRules6) !== 0 && (flagBits & FLAG_BIT.ddlRules5) === 0)
      return malformed('DDL rules 6 without the bit of rules 5');
    const nodeId = this.string(2, 'nodeIdBytesMax');
    if (!nodeId.ok) return nodeId;
    if (nodeId.value.length === 0) return malformed('origin node id is empty');
    const transaction = this.reader.u64Safe();
    const seqno = this.reader.u64Safe();
    if (this.reader.overrun) return overrun();
    if (transaction < 0) return malformed('transaction id above 2^53 - 1');
    if (seqno < 0) return malformed('snapshot seqno above 2^53 - 1');
    return ok({
      originNodeId: nodeId.value as NodeId,
      originTransactionId: transaction as TransactionId,
      seqnoSnapshot: seqno as Index,
      flags: {
        commit: (flagBits & FLAG_BIT.commit) !== 0,
        rollback: (flagBits & FLAG_BIT.rollback) !== 0,
        toi: (flagBits & FLAG_BIT.toi) !== 0,
        paUnsafe: (flagBits & FLAG_BIT.paUnsafe) !== 0,
        ...((flagBits & FLAG_BIT.ddlRules6) !== 0
          ? { ddlRules: 6 }
          : (flagBits & FLAG_BIT.ddlRules5) !== 0
            ? { ddlRules: 5 }
            : {}),
      },
    });
  }

  private readTables(): Result<null, WriteSetError> {
    const count = this.count('tablesMax', TABLE_BYTES_MIN);
    if (!count.ok) return count;
    const seen = new Set<string>();
    for (let i = 0; i < count.value; i++) {
      const database = this.string(2, 'identifierBytesMax');
      if (!database.ok) return database;
      const table = this.string(2, 'identifierBytesMax');
      if (!table.ok) return table;
      // The length prefix keeps ('ab', 'c') apart from ('a', 'bc') whatever the characters.
      const unique = `${database.value.length}:${database.value}${table.value}`;
      if (seen.has(unique)) return malformed('a table is listed twice');
      seen.add(unique);
      this.tables.push([database.value, table.value]);
    }
    return ok(null);
  }

  private keys(): Result<CertificationKey[], WriteSetError> {
    const count = this.count('keysMax', KEY_BYTES_MIN);
    if (!count.ok) return count;
    const keys: CertificationKey[] = [];
    for (let i = 0; i < count.value; i++) {
      const table = this.tableReference();
      if (!table.ok) return table;
      const exclusive = this.reader.u8();
      if (exclusive > 1) return malformed(`key kind ${exclusive} is neither 0 nor 1`);
      const keyBytes = this.keyBytes();
      if (!keyBytes.ok) return keyBytes;
      const [database, name] = table.value;
      keys.push({ database, table: name, keyBytes: keyBytes.value, exclusive: exclusive === 1 });
    }
    return ok(keys);
  }

  private rows(): Result<RowImage[], WriteSetError> {
    const count = this.count('rowsMax', ROW_BYTES_MIN);
    if (!count.ok) return count;
    const rows: RowImage[] = [];
    for (let i = 0; i < count.value; i++) {
      const row = this.row();
      if (!row.ok) return row;
      rows.push(row.value);
    }
    return ok(rows);
  }

  private row(): Result<RowImage, WriteSetError> {
    const op = OPS_BY_CODE[this.reader.u8()];
    if (op === undefined || op === null) return malformed('unknown row operation');
    const table = this.tableReference();
    if (!table.ok) return table;
    const key = this.keyBytes();
    if (!key.ok) return key;
    const [database, name] = table.value;
    if (op === 'delete') return ok({ op, database, table: name, key: key.value, after: null });
    const after = this.values();
    if (!after.ok) return after;
    return ok({ op, database, table: name, key: key.value, after: after.value });
  }

  private values(): Result<SqlValue[], WriteSetError> {
    const count = this.reader.u16();
    if (this.reader.overrun) return overrun();
    if (count > this.limits.columnsMax) return limitExceeded('columnsMax', count, this.limits);
    const values: SqlValue[] = [];
    for (let i = 0; i < count; i++) {
      const value = readValue(this.reader, this.limits.valueBytesMax);
      if (this.reader.overrun) return overrun();
      if (!value.ok) {
        const failure = value.error;
        if (failure.kind === 'malformed') return malformed(failure.detail);
        return limitExceeded('valueBytesMax', failure.bytes, this.limits);
      }
      values.push(value.value);
    }
    return ok(values);
  }

  private statements(): Result<DdlStatement[], WriteSetError> {
    const count = this.count('statementsMax', STATEMENT_BYTES_MIN);
    if (!count.ok) return count;
    const statements: DdlStatement[] = [];
    for (let i = 0; i < count.value; i++) {
      const database = this.string(2, 'identifierBytesMax');
      if (!database.ok) return database;
      const sql = this.string(4, 'statementBytesMax');
      if (!sql.ok) return sql;
      statements.push({ database: database.value, sql: sql.value });
    }
    return ok(statements);
  }

  private count(limit: WriteSetLimitName, elementBytesMin: number): Result<number, WriteSetError> {
    const count = this.reader.u32();
    if (this.reader.overrun) return overrun();
    if (count > this.limits[limit]) return limitExceeded(limit, count, this.limits);
    if (count * elementBytesMin > this.reader.remainingBytes) {
      return malformed(`${count} elements cannot fit in ${this.reader.remainingBytes} bytes`);
    }
    return ok(count);
  }

  private tableReference(): Result<TableName, WriteSetError> {
    const index = this.reader.u32();
    if (this.reader.overrun) return overrun();
    if (index > this.tablesUsed) return malformed(`table ${index} referred to out of order`);
    const table = this.tables[index];
    if (table === undefined) return malformed(`table ${index} is not listed`);
    if (index === this.tablesUsed) this.tablesUsed += 1;
    return ok(table);
  }

  private keyBytes(): Result<Uint8Array, WriteSetError> {
    const length = this.reader.u16();
    if (this.reader.overrun) return overrun();
    if (length > this.limits.keyBytesMax) return limitExceeded('keyBytesMax', length, this.limits);
    const bytes = this.reader.bytesCopy(length);
    if (this.reader.overrun) return overrun();
    return ok(bytes);
  }

  private string(prefixBytes: 2 | 4, limit: WriteSetLimitName): Result<string, WriteSetError> {
    const length = prefixBytes === 2 ? this.reader.u16() : this.reader.u32();
    if (this.reader.overrun) return overrun();
    if (length > this.limits[limit]) return limitExceeded(limit, length, this.limits);
    const value = this.reader.utf8(length);
    if (this.reader.overrun) return overrun();
    if (value === null) return malformed('a string is not valid UTF-8');
    return ok(value);
  }
}

function truncated(bytesHave: number, bytesNeed: number): Result<never, WriteSetError> {
  return err({ kind: 'truncated', bytesHave, bytesNeed });
}

function tooLarge(bytes: number, limits: WriteSetLimits): Result<never, WriteSetError> {
  return err({ kind: 'too_large', bytes, totalBytesMax: limits.totalBytesMax });
}

function malformed(detail: string): Result<never, WriteSetError> {
  return err({ kind: 'malformed', detail });
}

// Inside a complete, checksummed envelope, a field running past the end is not a truncation:
// the lengths inside contradict the total length.
function overrun(): Result<never, WriteSetError> {
  return malformed('a field runs past the end of the body');
}

function limitExceeded(
  limit: WriteSetLimitName,
  value: number,
  limits: WriteSetLimits,
): Result<never, WriteSetError> {
  return err({ kind: 'limit_exceeded', limit, value, max: limits[limit] });
}

/** Words for a log line. */
export function describeWriteSetError(error: WriteSetError): string {
  switch (error.kind) {
    case 'truncated':
      return `write-set truncated: ${error.bytesHave} of ${error.bytesNeed} bytes`;
    case 'too_large':
      return `write-set of ${error.bytes} bytes exceeds totalBytesMax ${error.totalBytesMax}`;
    case 'bad_checksum':
      return `write-set checksum mismatch: stored ${error.crcStored}, computed ${error.crcComputed}`;
    case 'unknown_version':
      return `write-set version ${error.version} unknown (this node reads ${WRITE_SET_VERSION})`;
    case 'malformed':
      return `write-set malformed: ${error.detail}`;
    case 'limit_exceeded':
      return `write-set exceeds ${error.limit}: ${error.value} > ${error.max}`;
    default:
      return unreachable(error, 'write-set error kind');
  }
}
