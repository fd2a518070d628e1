// A session's own connection, for MySQL's temporary tables: they live in its TEMP schema, so
// no other session sees them, they shadow a table of the same name (SQLite resolves an
// unqualified name in TEMP first), nothing of them reaches a write-set, and they vanish when it
// closes. It reads the main database like a reader (committed state) and writes TEMP only:
// the engine sends it nothing else (docs/design/engine.md, "Temporary tables").
import type Database from 'better-sqlite3';
import type { RowOps } from './capture.js';
import { err, ok, type Result, type SqlValue } from '../codec/index.js';
import { isBindRefusal, type LocalError } from './errors.js';
import { executeOn, type StatementStop, type ExecuteResult } from './execute.js';
import { quoteId } from './names.js';
import { SqliteError } from './sqlite.js';
import { StatementCache } from './statement-cache.js';

/** The function a temporary table's triggers call with the kind of each row change. */
const ROW_OP_FUNCTION = '_trireme_temporary_op';
const OP_KINDS = ['inserted', 'updated', 'deleted'] as const;

export class PrivateConnection {
  private readonly statements: StatementCache;
  /** Row changes of the temporary tables so far, by kind (their triggers count them). */
  private readonly ops = { inserted: 0, updated: 0, deleted: 0 };
  private readonly marks = new Map<number, RowOps>();
  private markNext = 1;

  constructor(
    private readonly db: Database.Database,
    statementCacheMax: number,
  ) {
    this.statements = new StatementCache(db, statementCacheMax);
    // The rows REPLACE deletes fire their table's DELETE trigger too (as on the writer).
    db.pragma('recursive_triggers = ON');
    db.function(ROW_OP_FUNCTION, { deterministic: false, directOnly: true }, (op: unknown) => {
      const kind = OP_KINDS[Number(op)];
      if (kind !== undefined) this.ops[kind]++;
      return null;
    });
  }

  /** Always: each statement is its own transaction, which nothing else ends. */
  get active(): boolean {
    return true;
  }

  /**
   * The triggers that count a temporary table's row changes (rowOpsSince): run each after the
   * table is created in the TEMP schema; they go when it is dropped.
   */
  rowOpTriggers(sqliteName: string): string[] {
    return (['INSERT', 'UPDATE', 'DELETE'] as const).map(
      (event, op) =>
        `CREATE TEMP TRIGGER ${quoteId(`_trireme_ops_${event.toLowerCase()}_${sqliteName}`)} ` +
        `AFTER ${event} ON ${quoteId(sqliteName)} BEGIN SELECT ${ROW_OP_FUNCTION}(${op}); END`,
    );
  }

  /** A mark for rowOpsSince, taken before a statement. */
  captureMark(): number {
    const mark = this.markNext++;
    this.marks.clear();
    this.marks.set(mark, { ...this.ops });
    return mark;
  }

  /** The row changes since `mark`, by kind, as WriterLease.rowOpsSince counts them. */
  rowOpsSince(mark: number): RowOps {
    const at = this.marks.get(mark) ?? { inserted: 0, updated: 0, deleted: 0 };
    return {
      inserted: this.ops.inserted - at.inserted,
      updated: this.ops.updated - at.updated,
      deleted: this.ops.deleted - at.deleted,
    };
  }

  /** Temporary tables have no foreign keys (SQLite's TEMP tables cannot name main's). */
  withoutForeignKeyChecks<T>(body: () => T): T {
    return body();
  }

  /** Runs one statement in its own transaction (autocommit), stopped at `stop`. */
  execute(
    sql: string,
    params: readonly SqlValue[] = [],
    stop: StatementStop | null = null,
  ): Result<ExecuteResult, LocalError> {
    try {
      return ok(executeOn(this.statements, sql, params, stop));
    } catch (error) {
      if (isBindRefusal(error)) return err({ kind: 'bad_value', message: error.message });
      if (!(error instanceof SqliteError)) throw error;
      return err({
        kind: 'sqlite',
        code: error.code,
        message: error.message,
        transactionRolledBack: false,
      });
    }
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}
