// What storage needs to know about a user table, read from SQLite's own schema (PRAGMA
// table_xinfo, index_list, index_info) on the connection that will use it.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { KEY_COLUMNS_MAX } from './limits.js';
import { mysqlTableName, quoteId } from './names.js';

export interface UniqueIndex {
  /** The SQLite index name (the same on every node: DDL runs in total order). */
  readonly name: string;
  /** Positions of the index's columns in TableInfo.columns. */
  readonly positions: readonly number[];
  /** Per column, the MariaDB collation it compares by, or null (KeyCollations). */
  readonly collations: KeyCollations;
  /**
   * Per column, the prefix the index holds, or null for the whole value; empty when no part is
   * a prefix (KeyPrefix).
   */
  readonly prefixes: readonly (KeyPrefix | null)[];
}

/**
 * A prefix key part as its index holds it: `substr(c, 1, length)` (characters of a text, bytes
 * of a blob, a number's text), or with `bytes` `substr(CAST(c AS BLOB), 1, length)` (bytes of
 * whatever the column holds: a binary string's). Capture takes the same expression of the value.
 */
export interface KeyPrefix {
  readonly length: number;
  readonly bytes: boolean;
}

/**
 * Per part of a key, the MariaDB collation its index compares it by (utf8mb4_general_ci, …_bin:
 * PAD SPACE), or null where values are equal only when their bytes are. Two values a collation
 * calls equal ('A@x', 'a@x') are one key to the index, so certification claims them as one
 * (capture.ts, collatedKey). Empty when no part is collated.
 */
export type KeyCollations = readonly (string | null)[];

export interface TableInfo {
  readonly sqliteName: string;
  readonly database: string;
  readonly table: string;
  /** Columns a row image holds, in table order: every column but generated ones. */
  readonly columns: readonly string[];
  /** Primary-key columns in key order; empty when the table has none (then the rowid keys it). */
  readonly keyColumns: readonly string[];
  /** Positions of keyColumns in columns; empty for rowid keys. */
  readonly keyPositions: readonly number[];
  /** The primary key's collated parts (KeyCollations). */
  readonly keyCollations: KeyCollations;
  /** UNIQUE indexes other than the primary key, over plain columns and not partial. */
  readonly uniqueIndexes: readonly UniqueIndex[];
  /** Its foreign keys that refer to the whole primary key of their parent table. */
  readonly parentKeys: readonly ParentKey[];
}

/**
 * A foreign key as a certification key: a row of the child names the parent row it needs,
 * whose key is the child's values at `positions` (in the parent's primary-key order).
 */
export interface ParentKey {
  readonly database: string;
  readonly table: string;
  /** Positions in the child's TableInfo.columns, in the order of the parent's primary key. */
  readonly positions: readonly number[];
  /** The parent's primary key's collated parts (KeyCollations). */
  readonly collations: KeyCollations;
}

interface ForeignKeyRow {
  id: bigint;
  table: string;
  from: string;
  to: string | null;
}

/** Expressions naming the key, as SQL (`"id"`, or `rowid` for a table without a primary key). */
export function keyExpressions(info: TableInfo): string[] {
  return info.keyColumns.length === 0 ? ['rowid'] : info.keyColumns.map(quoteId);
}

export function keyArity(info: TableInfo): number {
  return info.keyColumns.length === 0 ? 1 : info.keyColumns.length;
}

interface XInfoRow {
  name: string;
  pk: bigint;
  hidden: bigint;
}

interface IndexListRow {
  name: string;
  unique: bigint;
  origin: string;
  partial: bigint;
}

interface IndexInfoRow {
  cid: bigint;
  name: string | null;
}

/** The MariaDB collations (collations.c) whose equal values may differ in bytes. */
const COLLATED = /^utf8mb[34]_/i;

/**
 * The collations of an index's key columns, in order (KeyCollations): empty when none is one of
 * MariaDB's (integers, BINARY, DECIMAL's own ordering).
 */
function indexCollations(db: Database.Database, index: string): KeyCollations {
  const colls = db
    .prepare<[string], string | null>(
      `SELECT coll FROM pragma_index_xinfo(?, 'main') WHERE key = 1 ORDER BY seqno`,
    )
    .pluck()
    .all(index)
    .map((coll) => (coll !== null && COLLATED.test(coll) ? coll : null));
  return colls.some((coll) => coll !== null) ? colls : [];
}

/** The collations of a table's primary key (KeyCollations); empty for an integer or rowid key. */
function primaryKeyCollations(db: Database.Database, sqliteName: string): KeyCollations {
  const pk = db
    .prepare<[string], string>(`SELECT name FROM pragma_index_list(?, 'main') WHERE origin = 'pk'`)
    .pluck()
    .get(sqliteName);
  return pk === undefined ? [] : indexCollations(db, pk);
}

/** The SQLite names of all user tables, sorted (byte order of their UTF-16, deterministic). */
export function userTableNames(db: Database.Database): string[] {
  const names = db
    .prepare<[], string>(`SELECT name FROM main.sqlite_schema WHERE type = 'table'`)
    .pluck()
    .all();
  return names.filter((name) => mysqlTableName(name) !== null).sort();
}

/** Table info for one user table, or null when it does not exist or is not a user table. */
export function readTableInfo(db: Database.Database, sqliteName: string): TableInfo | null {
  const mysqlName = mysqlTableName(sqliteName);
  if (mysqlName === null) return null;
  const xinfo = db
    .prepare<[string], XInfoRow>(`SELECT name, pk, hidden FROM pragma_table_xinfo(?, 'main')`)
    .all(sqliteName);
  if (xinfo.length === 0) return null;
  const columns = xinfo.filter((column) => column.hidden === 0n).map((column) => column.name);
  const keyColumns = xinfo
    .filter((column) => column.pk > 0n)
    .sort((a, b) => Number(a.pk - b.pk))
    .map((column) => column.name);
  assert(keyColumns.length <= KEY_COLUMNS_MAX, 'more primary-key columns than capture holds');
  const keyPositions = keyColumns.map((name) => columns.indexOf(name));
  assert(
    keyPositions.every((position) => position >= 0),
    'a primary-key column is generated',
  );
  return {
    sqliteName,
    database: mysqlName.database,
    table: mysqlName.table,
    columns,
    keyColumns,
    keyPositions,
    keyCollations: primaryKeyCollations(db, sqliteName),
    uniqueIndexes: readUniqueIndexes(db, sqliteName, columns),
    parentKeys: readParentKeys(db, sqliteName, columns),
  };
}

/**
 * The table's foreign keys that refer to their parent's whole primary key (a foreign key to
 * other unique columns gives no certification key: a parent row's delete carries only its
 * primary key).
 */
function readParentKeys(
  db: Database.Database,
  sqliteName: string,
  columns: readonly string[],
): ParentKey[] {
  const rows = db
    .prepare<[string], ForeignKeyRow>(
      `SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?, 'main') ORDER BY id, seq`,
    )
    .all(sqliteName);
  const byId = new Map<bigint, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  const keys: ParentKey[] = [];
  for (const pairs of byId.values()) {
    const parentName = pairs[0]!.table;
    const parent = mysqlTableName(parentName);
    if (parent === null) continue;
    const parentKey = db
      .prepare<[string], { name: string }>(
        `SELECT name FROM pragma_table_xinfo(?, 'main') WHERE pk > 0 ORDER BY pk`,
      )
      .all(parentName)
      .map((column) => column.name);
    if (parentKey.length === 0 || parentKey.length !== pairs.length) continue;
    // `to` is null when the foreign key names no parent columns: the primary key, in order.
    const from = parentKey.map((column, i) =>
      pairs.every((pair) => pair.to === null)
        ? pairs[i]!.from
        : pairs.find((pair) => pair.to?.toLowerCase() === column.toLowerCase())?.from,
    );
    const positions = from.map((name) => (name === undefined ? -1 : columns.indexOf(name)));
    if (positions.some((position) => position < 0)) continue;
    keys.push({
      database: parent.database,
      table: parent.table,
      positions,
      collations: primaryKeyCollations(db, parentName),
    });
  }
  return keys;
}

function readUniqueIndexes(
  db: Database.Database,
  sqliteName: string,
  columns: readonly string[],
): UniqueIndex[] {
  const list = db
    .prepare<[string], IndexListRow>(
      `SELECT name, "unique", origin, partial FROM pragma_index_list(?, 'main')`,
    )
    .all(sqliteName);
  const indexes: UniqueIndex[] = [];
  for (const index of list) {
    if (index.unique !== 1n || index.origin === 'pk' || index.partial !== 0n) continue;
    const parts = db
      .prepare<[string], IndexInfoRow>(`SELECT cid, name FROM pragma_index_info(?, 'main')`)
      .all(index.name);
    const collations = indexCollations(db, index.name);
    if (parts.some((part) => part.cid === -2n)) {
      // A prefix key (sql/emit-table.ts, indexPartSql); any other expression gives none.
      const prefixed = prefixParts(db, index.name, parts.length);
      if (prefixed === null) continue;
      // The index's text names a column as the DDL wrote it: the case may differ.
      const positions = prefixed.map((part) =>
        columns.findIndex((column) => column.toLowerCase() === part.column.toLowerCase()),
      );
      if (positions.some((position) => position < 0)) continue;
      const prefixes = prefixed.map((part) => part.prefix);
      indexes.push({ name: index.name, positions, collations, prefixes });
      continue;
    }
    // An index over the rowid (-1) gives no certification key.
    if (parts.some((part) => part.cid < 0n || part.name === null)) continue;
    const positions = parts.map((part) => columns.indexOf(part.name!));
    if (positions.some((position) => position < 0)) continue;
    indexes.push({ name: index.name, positions, collations, prefixes: [] });
  }
  return indexes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The parts of a prefix key's index, from its CREATE INDEX text: each `"c"` or
 * `substr("c", 1, N) [COLLATE x]` or `substr(CAST("c" AS BLOB), 1, N)` (with ASC or DESC), as
 * indexPartSql writes them; null for any
 * other expression, or when the count differs from SQLite's.
 */
function prefixParts(
  db: Database.Database,
  index: string,
  count: number,
): { column: string; prefix: KeyPrefix | null }[] | null {
  const sql = db
    .prepare<[string], string | null>(
      `SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND name = ?`,
    )
    .pluck()
    .get(index);
  if (typeof sql !== 'string') return null;
  const head = / ON (?:main\.)?"(?:[^"]|"")*" *\(/.exec(sql);
  if (head === null || !sql.endsWith(')')) return null;
  const list = sql.slice(head.index + head[0].length, -1);
  const parts: { column: string; prefix: KeyPrefix | null }[] = [];
  for (const text of splitTopLevel(list)) {
    const part = PREFIX_PART.exec(text.trim());
    if (part === null) return null;
    // Groups: 1 a whole column; 2 and 3 substr's column and length; 4 and 5 the CAST form's.
    const column = (part[1] ?? part[2] ?? part[4])!.replace(/""/g, '"');
    const length = part[3] ?? part[5];
    const bytes = part[4] !== undefined;
    const prefix = length === undefined ? null : { length: Number(length), bytes };
    parts.push({ column, prefix });
  }
  return parts.length === count ? parts : null;
}

const PREFIX_PART =
  /^(?:"((?:[^"]|"")*)"|substr\("((?:[^"]|"")*)", 1, (\d+)\)(?: COLLATE \w+)?|substr\(CAST\("((?:[^"]|"")*)" AS BLOB\), 1, (\d+)\))(?: (?:ASC|DESC))?$/;

/** `text` split at its commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** Table info for every user table, by SQLite name. */
export function readAllTables(db: Database.Database): Map<string, TableInfo> {
  const tables = new Map<string, TableInfo>();
  for (const name of userTableNames(db)) {
    const info = readTableInfo(db, name);
    assert(info !== null, 'a listed table has no columns');
    tables.set(name, info);
  }
  return tables;
}
