// A session's own connection, for MySQL's temporary tables: they live in its TEMP schema, so
// no other session sees them, they shadow a table of the same name (SQLite resolves an
// unqualified name in TEMP first), nothing of them reaches a write-set, and they vanish when it
// closes. It reads the main database like a reader (committed state) and writes TEMP only:
// the engine sends it nothing else (docs/design/engine.md, "Temporary tables").
import Database from 'better-sqlite3';
import { err, ok, type Result, type SqlValue } from '../codec/index.js';
import { isBindRefusal, type LocalError } from './errors.js';
import { executeOn, type StatementStop, type ExecuteResult } from './execute.js';
import { StatementCache } from './statement-cache.js';

export class PrivateConnection {
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Database.Database,
    statementCacheMax: number,
  ) {
    this.statements = new StatementCache(db, statementCacheMax);
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
      if (!(error instanceof Database.SqliteError)) throw error;
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
