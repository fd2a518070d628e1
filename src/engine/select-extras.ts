// What a SELECT asks of its session beyond its rows: `SELECT … INTO @a, @b` assigns the single
// row's values to user variables and answers OK; SQL_CALC_FOUND_ROWS makes FOUND_ROWS() the
// count without LIMIT (DmlTranslation.foundRows, run on the same snapshot). The session calls
// these once it translates with selectExtras (docs/design/engine.md, "SELECT extras").
import type { ErrorResult, RowsResult, SqlValue } from '../mysql/index.js';
import type { ExecuteResult } from '../storage/index.js';
import { mysqlError } from './errors.js';

/** The outcome of `SELECT … INTO`: the values to assign in order, or none (a warning). */
export type IntoOutcome =
  | { readonly kind: 'assign'; readonly names: readonly string[]; readonly values: SqlValue[] }
  | { readonly kind: 'no_data'; readonly code: 1329; readonly message: string }
  | ErrorResult;

/** MariaDB's rules: one row assigns, none warns (1329) and keeps the variables, more is 1172. */
export function selectInto(names: readonly string[], result: RowsResult): IntoOutcome {
  if (result.columns.length !== names.length)
    return mysqlError(
      1222,
      '21000',
      'The used SELECT statements have a different number of columns',
    );
  const rows = [...result.rows];
  if (rows.length === 0)
    return {
      kind: 'no_data',
      code: 1329,
      message: 'No data - zero rows fetched, selected, or processed',
    };
  if (rows.length > 1) return mysqlError(1172, '42000', 'Result consisted of more than one row');
  return { kind: 'assign', names, values: [...rows[0]!] };
}

/** FOUND_ROWS() from the result of DmlTranslation.foundRows's count. */
export function foundRowsOf(counted: ExecuteResult): number {
  return Number(counted.rows[0]?.[0] ?? 0);
}
