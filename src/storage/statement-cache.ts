// Prepared statements by SQL text, least recently used evicted past a bound. SQLite re-prepares
// a statement by itself after a schema change, so entries stay valid across DDL.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { SqliteError } from './sqlite.js';

export type AnyStatement = Database.Statement<unknown[], unknown>;

/** Calls of trireme_deadline an interrupt may stop before one runs (see retryInterrupted()). */
const DEADLINE_CALL_ATTEMPTS_MAX = 100;

export class StatementCache {
  private readonly statements = new Map<string, AnyStatement>();
  private armStatement: Database.Statement<[number, number], number> | null = null;
  private disarmStatement: Database.Statement<[number], number> | null = null;

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
   * Arms the connection for a statement of MySQL connection `connectionId` (0: none), with a
   * deadline `ms` from now (0: none): a statement that runs past it, or that another thread
   * kills (trireme_kill), stops with SQLITE_INTERRUPT (native/collations/deadline.c).
   */
  arm(ms: number, connectionId: number): void {
    assert(Number.isSafeInteger(ms) && ms >= 0, 'a deadline is a whole number of ms');
    assert(ms > 0 || connectionId > 0, 'armed for a deadline, a connection or both');
    // Plucked numbers: every user statement makes these calls, and a row object or a bigint
    // (the store's connections read integers as bigint) tripled their cost.
    // Prepared inside the retry: a prepare is stopped by the interrupt as a step is.
    for (let attempt = 1; ; attempt++) {
      try {
        this.armStatement ??= this.db
          .prepare<[number, number], number>('SELECT trireme_deadline(?, ?)')
          .pluck()
          .safeIntegers(false);
        this.armStatement.get(ms, connectionId);
        return;
      } catch (error) {
        retryInterrupted(error, attempt);
      }
    }
  }

  /** Disarms the connection; true if a kill stopped the statement it was armed for. */
  disarm(): boolean {
    // Prepared inside the retry: the first disarm on a connection often follows a statement
    // its deadline stopped, and the watchdog interrupts the prepare too until the disarm runs
    // (seen in CI: SQLITE_INTERRUPT thrown out of the disarm, the deadline left armed).
    for (let attempt = 1; ; attempt++) {
      try {
        this.disarmStatement ??= this.db
          .prepare<[number], number>('SELECT trireme_deadline(?)')
          .pluck()
          .safeIntegers(false);
        return this.disarmStatement.get(0) === 1;
      } catch (error) {
        retryInterrupted(error, attempt);
      }
    }
  }

  clear(): void {
    this.statements.clear();
  }
}

/**
 * A call of trireme_deadline met the interrupt meant for the statement that just ended (its
 * deadline passed, or a kill came, as it ended): the watchdog repeats it until the connection
 * is disarmed. The next call starts with the flag cleared, microseconds long, well inside the
 * watchdog's repeat. Anything else, or too many attempts, is thrown.
 */
function retryInterrupted(error: unknown, attempt: number): void {
  const interrupted = error instanceof SqliteError && error.code === 'SQLITE_INTERRUPT';
  if (!interrupted || attempt >= DEADLINE_CALL_ATTEMPTS_MAX) throw error;
}
