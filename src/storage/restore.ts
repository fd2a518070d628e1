// Writing a stashed transaction's rows back on the session connection, at the start of its next
// lease (docs/design/storage.md, "Stash and restore"). Unlike the applier, this runs where the
// capture triggers and foreign keys are on: the rows are captured again, as if the transaction
// had just written them, and nothing may cascade. So a row is written by plain statements, never
// INSERT OR REPLACE: an update sets the columns outside the primary key by key, an insert
// inserts, a delete deletes. A statement that finds the row missing (or present) where the
// stash expects otherwise means the row changed since the stash: the caller runs the
// transaction again instead.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import {
  decodeKeyValues,
  err,
  ok,
  type Result,
  type RowImage,
  type SqlValue,
} from '../codec/index.js';
import type { CapturedChanges } from './capture.js';
import { quoteId, sqliteTableName } from './names.js';
import { keyExpressions, readTableInfo, type TableInfo } from './schema.js';

type RowStatement = Database.Statement<SqlValue[], unknown>;

const SAVEPOINT = '_trireme_restore';

export class Restorer {
  private readonly tables = new Map<string, TableInfo | null>();
  private readonly statements = new Map<string, RowStatement>();

  constructor(private readonly db: Database.Database) {}

  /** Forgets table shapes and statements; after any DDL. */
  invalidate(): void {
    this.tables.clear();
    this.statements.clear();
  }

  /** Writes every row back, in the order they were first changed; all or nothing. */
  restore(changes: CapturedChanges): Result<null, string> {
    assert(this.db.inTransaction, 'restore outside a transaction');
    if (changes.rows.length === 0) return ok(null);
    this.db.exec(`SAVEPOINT ${SAVEPOINT}`);
    let failed: string | null = null;
    try {
      for (const row of changes.rows) {
        failed = this.restoreRow(row);
        if (failed !== null) break;
      }
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && typeof error.code === 'string'))
        throw error;
      failed = `${error.code}: ${error.message}`;
    }
    if (failed !== null) this.db.exec(`ROLLBACK TO ${SAVEPOINT}`);
    this.db.exec(`RELEASE ${SAVEPOINT}`);
    return failed === null ? ok(null) : err(failed);
  }

  /** Null when the row is back; else why it is not. */
  private restoreRow(row: RowImage): string | null {
    const info = this.table(row.database, row.table);
    if (info === null) return `no table ${row.database}.${row.table}`;
    const rowidKeyed = info.keyColumns.length === 0;
    const decoded = decodeKeyValues(row.key);
    assert(decoded.ok, 'a stash holds a key it cannot decode');
    const key = decoded.value;
    if (row.op === 'delete') {
      const changes = this.statement(info, 'delete').run(...key).changes;
      return changes === 1 ? null : `${info.sqliteName}: the row to delete is gone`;
    }
    if (row.op === 'insert') {
      const values = rowidKeyed ? [key[0]!, ...row.after] : [...row.after];
      this.statement(info, 'insert').run(...values);
      return null;
    }
    const keyed = new Set(info.keyPositions);
    const rest = row.after.filter((_, position) => !keyed.has(position));
    const changes =
      rest.length === 0
        ? this.statement(info, 'exists').run(...key).changes
        : this.statement(info, 'update').run(...rest, ...key).changes;
    return changes === 1 ? null : `${info.sqliteName}: the row to update is gone`;
  }

  private table(database: string, table: string): TableInfo | null {
    const name = sqliteTableName(database, table);
    let info = this.tables.get(name);
    if (info === undefined) {
      info = readTableInfo(this.db, name);
      this.tables.set(name, info);
    }
    return info;
  }

  private statement(info: TableInfo, op: 'insert' | 'update' | 'delete' | 'exists'): RowStatement {
    const id = `${info.sqliteName}\u0000${op}`;
    let statement = this.statements.get(id);
    if (statement === undefined) {
      statement = this.db.prepare<SqlValue[], unknown>(rowSql(info, op));
      this.statements.set(id, statement);
    }
    return statement;
  }
}

function rowSql(info: TableInfo, op: 'insert' | 'update' | 'delete' | 'exists'): string {
  const table = `main.${quoteId(info.sqliteName)}`;
  const where = keyExpressions(info)
    .map((key) => `${key} IS ?`)
    .join(' AND ');
  switch (op) {
    case 'delete':
      return `DELETE FROM ${table} WHERE ${where}`;
    case 'insert': {
      const columns = info.columns.map(quoteId);
      if (info.keyColumns.length === 0) columns.unshift('rowid');
      return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    }
    case 'update': {
      const keyed = new Set(info.keyPositions);
      const set = info.columns
        .filter((_, position) => !keyed.has(position))
        .map((column) => `${quoteId(column)} = ?`);
      return `UPDATE ${table} SET ${set.join(', ')} WHERE ${where}`;
    }
    case 'exists':
      // A row whose every column is its key: an "update" that changed nothing but must exist.
      // An UPDATE that sets nothing is not SQL; this one changes nothing and counts the row.
      return `UPDATE ${table} SET ${quoteId(info.keyColumns[0]!)} = ${quoteId(info.keyColumns[0]!)} WHERE ${where}`;
  }
}
