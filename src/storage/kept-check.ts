// What a kept transaction must satisfy to be committed in place of applying its write-set
// (docs/design/storage.md, "Kept commits"): the database it leaves must be the one every other
// node makes by applying the write-set's rows, down to what no row image carries: the hidden
// rowids of tables keyed by other columns, and AUTOINCREMENT's sqlite_sequence.
import type Database from 'better-sqlite3';
import { decodeKeyValues, type WriteSet } from '../codec/index.js';
import { sqliteTableName } from './names.js';

/**
 * Tables whose rows carry a rowid that is not their key: a primary key that is not one INTEGER
 * column. An apply writes an update as INSERT OR REPLACE, which gives the row a new rowid, where
 * the session's UPDATE kept the old one; a later ALTER that rebuilds the table numbers rows in
 * rowid order, so the nodes' rowids must agree. (A table with no primary key is keyed by its
 * rowid, which the write-set carries; an INTEGER key is the rowid.)
 */
export function readHiddenRowidTables(db: Database.Database): ReadonlySet<string> {
  const rows = db
    .prepare<[], { name: string; keys: number; type: string | null }>(
      `SELECT m.name AS name, count(*) AS keys, max(upper(p.type)) AS type ` +
        `FROM main.sqlite_schema AS m, pragma_table_info(m.name) AS p ` +
        `WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND p.pk > 0 ` +
        `GROUP BY m.name`,
    )
    .all();
  const tables = new Set<string>();
  for (const row of rows) if (row.keys > 1 || row.type !== 'INTEGER') tables.add(row.name);
  return tables;
}

/** Whether `writeSet` has a row of one of `tables`. */
export function touchesAny(writeSet: WriteSet, tables: ReadonlySet<string>): boolean {
  if (tables.size === 0) return false;
  for (const row of writeSet.rows)
    if (tables.has(sqliteTableName(row.database, row.table))) return true;
  return false;
}

/** The same transaction's write-set, row for row (the log's copy against the one kept). */
export function sameRows(a: WriteSet, b: WriteSet): boolean {
  if (a.rows.length !== b.rows.length) return false;
  for (let i = 0; i < a.rows.length; i++) {
    const x = a.rows[i]!;
    const y = b.rows[i]!;
    if (x.op !== y.op || x.database !== y.database || x.table !== y.table) return false;
    if (Buffer.compare(x.key, y.key) !== 0) return false;
  }
  return true;
}

/** sqlite_sequence: each AUTOINCREMENT table's sequence. */
export type Sequences = ReadonlyMap<string, bigint>;

type SequenceStatement = Database.Statement<[], { name: string; seq: number | bigint }>;
const sequenceStatements = new WeakMap<Database.Database, SequenceStatement>();

/** Whether the database has sqlite_sequence (an AUTOINCREMENT table was ever created). */
export function hasSequences(db: Database.Database): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'`)
      .get() !== undefined
  );
}

/** sqlite_sequence as `db` sees it (call only when hasSequences). */
export function readSequences(db: Database.Database): Sequences {
  let statement = sequenceStatements.get(db);
  if (statement === undefined) {
    statement = db.prepare('SELECT name, seq FROM main.sqlite_sequence');
    sequenceStatements.set(db, statement);
  }
  return new Map(statement.all().map((row) => [row.name, BigInt(row.seq)]));
}

/**
 * Whether the open transaction on `session` leaves sqlite_sequence as applying `writeSet` to the
 * state it began from (`before`, read when it began) would: an apply's INSERT OR REPLACE raises a
 * table's sequence to each key it writes, while the session's statements raise it for every id
 * they inserted (rows deleted again, an upsert's update branch included) and not for an UPDATE
 * that moved a key up. Call only when hasSequences.
 */
export function sequencesMatch(
  session: Database.Database,
  before: Sequences,
  writeSet: WriteSet,
): boolean {
  const now = readSequences(session);
  const expected = new Map(before);
  for (const row of writeSet.rows) {
    if (row.op === 'delete') continue;
    const name = sqliteTableName(row.database, row.table);
    if (!now.has(name) && !before.has(name)) continue;
    const key = decodeKeyValues(row.key);
    if (!key.ok || key.value.length !== 1) return false;
    const id = key.value[0];
    if (typeof id !== 'bigint' && typeof id !== 'number') return false;
    const value = BigInt(id);
    const seq = expected.get(name);
    if (seq === undefined || value > seq) expected.set(name, value);
  }
  if (expected.size !== now.size) return false;
  for (const [name, seq] of now) if (expected.get(name) !== seq) return false;
  return true;
}
