// Applying certified write-sets by their row images: on the applier connection (foreign keys off:
// the images already hold every cascaded change), or on the session connection with capture
// paused and triggers quiet when no table of the batch is in a foreign key (store.ts,
// applyConnectionFor). See docs/design/storage.md, "Apply".
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import type { Index } from '../core/types.js';
import {
  decodeKeyValues,
  err,
  ok,
  type Result,
  type RowImage,
  type SqlValue,
  type WriteSet,
} from '../codec/index.js';
import type { ApplyError } from './errors.js';
import { quoteId, sqliteTableName } from './names.js';
import { keyArity, keyExpressions, readTableInfo, type TableInfo } from './schema.js';

type RowStatement = Database.Statement<[SqlValue[]], unknown>;

export class Applier {
  /** Table info by database, then table; null remembers "no such table" until the next DDL. */
  private readonly tables = new Map<string, Map<string, TableInfo | null>>();
  /** Prepared upserts and deletes by (SQLite table, op, column count). */
  private readonly statements = new Map<string, RowStatement>();

  constructor(private readonly db: Database.Database) {}

  /** Forgets table shapes and statements; after any DDL. */
  invalidate(): void {
    this.tables.clear();
    this.statements.clear();
  }

  /**
   * Applies one write-set's rows inside the caller's transaction. SQLite's errors are returned;
   * the caller rolls the whole batch back.
   */
  apply(seqno: Index, writeSet: WriteSet): Result<null, ApplyError> {
    assert(this.db.inTransaction, 'apply outside a transaction');
    assert(!writeSet.flags.toi, 'a TOI write-set goes through applyToi');
    // Deletes first: a row the write-set deletes is absent from its final state, so removing it
    // early only removes conflicts. Otherwise a REPLACE could remove it on a unique conflict and
    // the delete would then find no row.
    for (const row of writeSet.rows) {
      if (row.op !== 'delete') continue;
      const applied = this.applyRow(seqno, row);
      if (!applied.ok) return applied;
    }
    for (const row of writeSet.rows) {
      if (row.op === 'delete') continue;
      const applied = this.applyRow(seqno, row);
      if (!applied.ok) return applied;
    }
    return ok(null);
  }

  private applyRow(seqno: Index, row: RowImage): Result<null, ApplyError> {
    const info = this.table(row.database, row.table);
    if (info === null) {
      return err({ kind: 'no_such_table', seqno, detail: `${row.database}.${row.table}` });
    }
    const rowidKeyed = info.keyColumns.length === 0;
    let key: SqlValue[] = [];
    if (row.op === 'delete' || rowidKeyed) {
      const decoded = decodeKeyValues(row.key);
      if (!decoded.ok) return err({ kind: 'bad_key', seqno, detail: decoded.error.detail });
      key = decoded.value;
      if (key.length !== keyArity(info)) {
        return err({
          kind: 'bad_key',
          seqno,
          detail: `${key.length} key values for ${info.sqliteName}`,
        });
      }
    }
    try {
      if (row.op === 'delete') {
        const changes = this.statement(info, 'delete', key.length).run(key).changes;
        if (changes !== 1) {
          return err({
            kind: 'row_missing',
            seqno,
            detail: `delete found no row in ${info.sqliteName}`,
          });
        }
        return ok(null);
      }
      if (row.after.length !== info.columns.length) {
        const detail = `${row.after.length} values for the ${info.columns.length} columns of ${info.sqliteName}`;
        return err({ kind: 'row_shape', seqno, detail });
      }
      const values = rowidKeyed ? [key[0]!, ...row.after] : (row.after as SqlValue[]);
      this.statement(info, 'upsert', values.length).run(values);
      return ok(null);
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
        return err({ kind: 'sqlite', seqno, detail: `${error.code}: ${error.message}` });
      }
      throw error;
    }
  }

  private table(database: string, table: string): TableInfo | null {
    let byTable = this.tables.get(database);
    if (byTable === undefined) {
      byTable = new Map();
      this.tables.set(database, byTable);
    }
    let info = byTable.get(table);
    if (info === undefined) {
      info = readTableInfo(this.db, sqliteTableName(database, table));
      byTable.set(table, info);
    }
    return info;
  }

  private statement(info: TableInfo, op: 'upsert' | 'delete', count: number): RowStatement {
    const id = `${info.sqliteName}\u0000${op}\u0000${count}`;
    let statement = this.statements.get(id);
    if (statement === undefined) {
      statement = this.db.prepare<[SqlValue[]], unknown>(rowSql(info, op));
      this.statements.set(id, statement);
    }
    return statement;
  }
}

// INSERT OR REPLACE rather than UPSERT: see docs/design/storage.md, "Why INSERT OR REPLACE".
function rowSql(info: TableInfo, op: 'upsert' | 'delete'): string {
  const table = `main.${quoteId(info.sqliteName)}`;
  if (op === 'delete') {
    const where = keyExpressions(info).map((key) => `${key} IS ?`);
    return `DELETE FROM ${table} WHERE ${where.join(' AND ')}`;
  }
  const columns = info.columns.map(quoteId);
  if (info.keyColumns.length === 0) columns.unshift('rowid');
  const slots = columns.map(() => '?').join(', ');
  return `INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${slots})`;
}
