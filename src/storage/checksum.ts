// A logical checksum of the user tables: per table, SHA-256 over its column names and then its
// rows in key order, each value in a canonical encoding; the total hashes the per-table digests
// in table-name order. Equal data gives equal digests on any node, whatever the file layout.
import { createHash, type Hash } from 'node:crypto';
import { assert } from '../core/assert.js';
import type { Index } from '../core/types.js';
import type { SqlValue } from '../codec/index.js';
import { quoteId } from './names.js';
import type { ReadSnapshot } from './readers.js';
import { keyExpressions, readAllTables, type TableInfo } from './schema.js';

export interface ChecksumResult {
  /** Hex SHA-256 per user table, by SQLite name ("db.t"). */
  readonly tables: Record<string, string>;
  readonly total: string;
  /** The applied seqno of the snapshot the checksum was computed on. */
  readonly appliedSeqno: Index;
}

// Value tags, as in the write-set codec (docs/design/codec.md, "Values").
const TAG_NULL = 0;
const TAG_INTEGER = 1;
const TAG_REAL = 2;
const TAG_TEXT = 3;
const TAG_BLOB = 4;
const TAG_ROW_END = 0xff;

export async function checksumSnapshot(
  snapshot: ReadSnapshot,
  rowsPerYield: number,
): Promise<ChecksumResult> {
  const tables = readAllTables(snapshot.connection.db);
  const digests: Record<string, string> = {};
  const total = createHash('sha256');
  for (const [name, info] of tables) {
    const digest = await checksumTable(snapshot, info, rowsPerYield);
    digests[name] = digest;
    hashValue(total, name);
    hashValue(total, digest);
  }
  return { tables: digests, total: total.digest('hex'), appliedSeqno: snapshot.seqno };
}

export async function checksumTable(
  snapshot: ReadSnapshot,
  info: TableInfo,
  rowsPerYield: number,
): Promise<string> {
  const hash = createHash('sha256');
  const rowidKeyed = info.keyColumns.length === 0;
  const columns = info.columns.map(quoteId);
  // A table without a primary key is keyed by its rowid, so the rowid is part of its data.
  if (rowidKeyed) columns.unshift('rowid');
  for (const column of rowidKeyed ? ['rowid', ...info.columns] : info.columns) {
    hashValue(hash, column);
  }
  hash.update(Uint8Array.of(TAG_ROW_END));
  const sql =
    `SELECT ${columns.join(', ')} FROM main.${quoteId(info.sqliteName)} ` +
    `ORDER BY ${keyExpressions(info).join(', ')}`;
  const statement = snapshot.connection.db.prepare<[], SqlValue[]>(sql).raw(true);
  let rows = 0;
  for (const row of statement.iterate()) {
    for (const value of row) hashValue(hash, value);
    hash.update(Uint8Array.of(TAG_ROW_END));
    rows += 1;
    if (rows % rowsPerYield === 0) {
      // Let the node serve between chunks; the snapshot stays pinned meanwhile.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return hash.digest('hex');
}

const scratch = Buffer.alloc(9);

function hashValue(hash: Hash, value: SqlValue): void {
  if (value === null) {
    hash.update(Uint8Array.of(TAG_NULL));
  } else if (typeof value === 'bigint') {
    scratch[0] = TAG_INTEGER;
    scratch.writeBigInt64BE(value, 1);
    hash.update(scratch);
  } else if (typeof value === 'number') {
    scratch[0] = TAG_REAL;
    scratch.writeDoubleBE(value, 1);
    hash.update(scratch);
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    lengthPrefixed(hash, TAG_TEXT, bytes);
  } else {
    assert(value instanceof Uint8Array, 'SqlValue of unknown type');
    lengthPrefixed(hash, TAG_BLOB, value);
  }
}

function lengthPrefixed(hash: Hash, tag: number, bytes: Uint8Array): void {
  scratch[0] = tag;
  scratch.writeUInt32BE(bytes.length, 1);
  hash.update(scratch.subarray(0, 5));
  hash.update(bytes);
}
