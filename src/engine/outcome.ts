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
  ...(extra.info === undefined ? {} : { info: okInfo(extra.info) }),
});

/**
 * MariaDB's net_send_ok writes the info string length-encoded, and Connector/C (the mariadb
 * CLI, sysbench) reads it so; src/mysql writes it as string<EOF>. Until that layer encodes it,
 * the length byte is supplied here (infos are far below 251 bytes). mysql2 reads the rest of
 * the packet and still finds its 'Changed: n' in it.
 */
function okInfo(info: string): string {
  return info.length < 251 ? String.fromCharCode(info.length) + info : info;
}

/** What a statement's client saw besides its result: restored when a run is undone. */
export interface Counters {
  readonly lastInsertId: number | bigint;
  readonly foundRows: number;
  readonly rowCount: number | bigint;
}
