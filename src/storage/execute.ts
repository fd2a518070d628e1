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

/** Runs `sql`; SQLite's errors are thrown (the caller turns them into values). */
export function executeOn(
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
