// What a statement answers, and the shapes the engine's statement runners share.
import type { ErrorResult, OkResult, RowsResult } from '../mysql/index.js';
import type { WriterLease } from '../storage/index.js';
import type { InFlight } from './in-flight.js';
import { mysqlError } from './errors.js';

export type Outcome = OkResult | RowsResult | ErrorResult;

/**
 * One run of a statement that may meet keys in flight: done, or its first write met keys of
 * in-flight transactions; the writer was let go and the statement runs again once they settle.
 */
export type Attempt =
  | { readonly kind: 'done'; readonly outcome: Outcome }
  | { readonly kind: 'wait'; readonly holders: readonly InFlight[] };

export const done = (outcome: Outcome): Attempt => ({ kind: 'done', outcome });

export const isAttempt = (value: WriterLease | Attempt): value is Attempt => 'kind' in value;

export const isError = (r: unknown): r is ErrorResult =>
  typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'error';

export const killed = (): ErrorResult => mysqlError(1927, '70100', 'Connection was killed');

export const ok = (affectedRows: number | bigint = 0, extra: Partial<OkResult> = {}): OkResult => ({
  kind: 'ok',
  affectedRows,
  lastInsertId: 0,
  warnings: 0,
  ...extra,
});

/** What a statement's client saw besides its result: restored when a run is undone. */
export interface Counters {
  readonly lastInsertId: number | bigint;
  readonly foundRows: number;
  readonly rowCount: number | bigint;
}
