// Running one SQL statement on a connection and shaping its outcome as plain values.
import type { SqlValue } from '../codec/index.js';
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
 * When a user statement must stop (max_statement_time): a time on `performance.now()`'s clock,
 * or null for none. The extension's watchdog thread interrupts the connection then
 * (native/collations/deadline.c), so a statement that holds the event loop stops too; it fails
 * with SQLITE_INTERRUPT.
 */
export type DeadlineMs = number | null;

/**
 * Runs `sql`; SQLite's errors are thrown (the caller turns them into values). With a deadline
 * the connection holds it for this statement alone: it is cleared after, also on error.
 */
export function executeOn(
  statements: StatementCache,
  sql: string,
  params: readonly SqlValue[],
  deadlineMs: DeadlineMs = null,
): ExecuteResult {
  if (deadlineMs === null) return executeNow(statements, sql, params);
  // At least 1 ms: a statement whose time has already passed stops at its first check.
  statements.deadline(Math.max(1, Math.ceil(deadlineMs - performance.now())));
  try {
    return executeNow(statements, sql, params);
  } finally {
    statements.deadline(0);
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
