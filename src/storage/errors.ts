// Error values of the storage layer. Bad input and lost races are values, never throws; the
// MySQL layer maps them to client errors (noted per kind).
import type { Index } from '../core/types.js';

/** Why a session did not get the writer. */
export type WriterWaitError =
  /** Waited writerWaitTimeoutMs (→ ER_LOCK_WAIT_TIMEOUT 1205). */
  | { readonly kind: 'lock_wait_timeout'; readonly waitedMs: number }
  /** More than writerWaitersMax sessions waiting (→ ER_LOCK_WAIT_TIMEOUT 1205). */
  | { readonly kind: 'writer_queue_full'; readonly waitersMax: number }
  | { readonly kind: 'closed' };

/** A statement or commit of a local transaction failed. */
export type LocalError =
  /** The applier took the writer; the transaction is rolled back (→ ER_LOCK_DEADLOCK 1213). */
  | { readonly kind: 'bf_aborted' }
  /** The statement would capture more than captureRowsMax rows; it was undone. */
  | { readonly kind: 'too_many_rows'; readonly rowsMax: number }
  | { readonly kind: 'no_such_savepoint'; readonly name: string }
  /**
   * A value the statement binds cannot be stored (an integer beyond 64 bits, say): the
   * statement did nothing (→ ER_WARN_DATA_OUT_OF_RANGE 1264).
   */
  | { readonly kind: 'bad_value'; readonly message: string }
  /**
   * SQLite refused the statement (constraint, syntax, …): `code` is SQLite's extended code.
   * When `transactionRolledBack`, SQLite ended the whole transaction and the writer is released.
   */
  | {
      readonly kind: 'sqlite';
      readonly code: string;
      readonly message: string;
      readonly transactionRolledBack: boolean;
    };

/** A replicated write-set or TOI statement could not be applied; nothing of the batch was. */
export type ApplyError =
  | { readonly kind: 'no_such_table'; readonly seqno: Index; readonly detail: string }
  | { readonly kind: 'row_shape'; readonly seqno: Index; readonly detail: string }
  | { readonly kind: 'row_missing'; readonly seqno: Index; readonly detail: string }
  | { readonly kind: 'bad_key'; readonly seqno: Index; readonly detail: string }
  | { readonly kind: 'sqlite'; readonly seqno: Index; readonly detail: string }
  /**
   * SQLite refused a TOI statement (`code`, e.g. SQLITE_CONSTRAINT_UNIQUE for a UNIQUE key over
   * duplicate rows); the TOI's transaction was rolled back, nothing of it applied.
   */
  | {
      readonly kind: 'ddl_failed';
      readonly seqno: Index;
      readonly detail: string;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: 'closed'; readonly seqno: Index; readonly detail: string };

export type ReaderError =
  | { readonly kind: 'too_many_readers'; readonly readersMax: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'bad_value'; readonly message: string }
  | {
      readonly kind: 'sqlite';
      readonly code: string;
      readonly message: string;
    };

export type OpenError =
  | { readonly kind: 'open_failed'; readonly detail: string }
  | { readonly kind: 'unknown_format'; readonly version: string }
  /** SQLite reads no database with the key given (`encrypted`), or without one: wrong key. */
  | { readonly kind: 'wrong_key'; readonly encrypted: boolean; readonly detail: string };

/** Words for a log line. */
export function describeApplyError(error: ApplyError): string {
  return `apply of seqno ${error.seqno} failed (${error.kind}): ${error.detail}`;
}

/**
 * Thrown by a registered function that refuses a value on its way into a row (the engine's
 * sql_mode checks): SQLite aborts the statement, undoes its changes and the transaction goes on.
 * The thrower keeps the client's error; the store reports `bad_value`.
 */
export class ValueRefusal extends RangeError {}

/**
 * Whether `error` is better-sqlite3 refusing to bind a value (a bigint beyond 64 bits, a string
 * or buffer over its limits): bad input from a client, not a bug.
 */
export function isBindRefusal(error: unknown): error is RangeError | TypeError {
  if (error instanceof ValueRefusal) return true;
  return (
    (error instanceof RangeError || error instanceof TypeError) &&
    /\bbound\b|\bbind\b|too big|SQLite3 can only bind/i.test(error.message)
  );
}
