// Running one SQL statement on a connection and shaping its outcome as plain values.
import type { SqlValue } from '../codec/index.js';
import { SqliteError } from './sqlite.js';
import type { StatementCache } from './statement-cache.js';

export interface ExecuteResult {
  /** Result column names, or null for a statement that returns no rows. */
  readonly columns: readonly string[] | null;
  readonly rows: readonly (readonly SqlValue[])[];
  /** Rows changed (0 for statements that return rows, RETURNING included). */
  readonly changes: number;
  readonly lastInsertRowid: bigint;
}

/**
 * How a user statement is stopped: at its deadline (max_statement_time), a time on
 * `performance.now()`'s clock, or null for none; and by KILL QUERY of its MySQL connection.
 * Each SQLite statement it runs arms its connection with both (native/collations/deadline.c):
 * the extension's watchdog thread interrupts the connection at the deadline, or when another
 * thread kills the connection id, so a statement that holds the event loop stops too; it fails
 * with SQLITE_INTERRUPT, and `killed` says which of the two stopped it.
 */
export interface StatementStop {
  readonly deadlineMs: number | null;
  readonly connectionId: number;
  /**
   * Whether a KILL QUERY asked to stop the statement since it began, also between two of its
   * SQLite statements, when none was armed (engine/kill-board.ts): its next one stops at once.
   */
  readonly killRequested?: () => boolean;
  killed: boolean;
}

/**
 * Runs `sql`; SQLite's errors are thrown (the caller turns them into values). With a stop the
 * connection is armed for this statement alone: it is disarmed after, also on error.
 */
export function executeOn(
  statements: StatementCache,
  sql: string,
  params: readonly SqlValue[],
  stop: StatementStop | null = null,
): ExecuteResult {
  if (stop === null) return executeNow(statements, sql, params);
  // At least 1 ms: a statement whose time has already passed stops at its first check.
  const ms =
    stop.deadlineMs === null ? 0 : Math.max(1, Math.ceil(stop.deadlineMs - performance.now()));
  statements.arm(ms, stop.connectionId);
  try {
    // Asked after arming: a kill that came before is seen here, one that comes after interrupts.
    if (stop.killRequested?.() === true) {
      stop.killed = true;
      throw new SqliteError('Query execution was interrupted', 'SQLITE_INTERRUPT');
    }
    return executeNow(statements, sql, params);
  } finally {
    if (statements.disarm()) stop.killed = true;
  }
}

function executeNow(
  statements: StatementCache,
  sql: string,
  params: readonly SqlValue[],
): ExecuteResult {
  const statement = statements.get(sql);
  if (statement.reader) {
    const rows = statement.all(params) as SqlValue[][];
    const columns = statement.columns().map((column) => column.name);
    return { columns, rows, changes: 0, lastInsertRowid: 0n };
  }
  const outcome = statement.run(params);
  return {
    columns: null,
    rows: [],
    changes: outcome.changes,
    lastInsertRowid: BigInt(outcome.lastInsertRowid),
  };
}
