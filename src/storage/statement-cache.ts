// Prepared statements by SQL text, least recently used evicted past a bound. SQLite re-prepares
// a statement by itself after a schema change, so entries stay valid across DDL.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { SqliteError } from './sqlite.js';

export type AnyStatement = Database.Statement<unknown[], unknown>;

/** Calls of trireme_deadline an interrupt may stop before one runs (see deadline()). */
const DEADLINE_CALL_ATTEMPTS_MAX = 100;

export class StatementCache {
  private readonly statements = new Map<string, AnyStatement>();
  private deadlineStatement: Database.Statement<[number], unknown> | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly sizeMax: number,
  ) {
    assert(sizeMax > 0, 'statement cache size');
  }

  /** The statement for `sql`; throws SQLite's error when it does not prepare. */
  get(sql: string): AnyStatement {
    const cached = this.statements.get(sql);
    if (cached !== undefined) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare<unknown[], unknown>(sql);
    if (statement.reader) statement.raw(true);
    if (this.statements.size >= this.sizeMax) {
      const oldest = this.statements.keys().next();
      if (oldest.done !== true) this.statements.delete(oldest.value);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /**
   * Arms the connection's statement deadline `ms` from now, or disarms it (0): a statement that
   * runs past it stops with SQLITE_INTERRUPT (native/collations/deadline.c).
   */
  deadline(ms: number): void {
    assert(Number.isSafeInteger(ms) && ms >= 0, 'a deadline is a whole number of ms');
    this.deadlineStatement ??= this.db.prepare<[number], unknown>('SELECT trireme_deadline(?)');
    for (let attempt = 1; ; attempt++) {
      try {
        this.deadlineStatement.get(ms);
        return;
      } catch (error) {
        // The deadline passed as its statement ended: the watchdog's interrupt, repeated until
        // the deadline is disarmed, met this call before it ran. The next call starts with the
        // flag cleared, microseconds long, well inside the watchdog's repeat.
        const interrupted = error instanceof SqliteError && error.code === 'SQLITE_INTERRUPT';
        if (!interrupted || attempt >= DEADLINE_CALL_ATTEMPTS_MAX) throw error;
      }
    }
  }

  clear(): void {
    this.statements.clear();
  }
}
