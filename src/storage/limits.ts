// Named bounds for the storage layer. Every queue, batch and wait here has one.

export interface StorageLimits {
  /**
   * Row changes one local transaction may capture (each INSERT/UPDATE/DELETE of a row counts,
   * before collapsing). Beyond it the statement fails with `too_many_rows` (Galera's
   * wsrep_max_ws_rows). Enforced by a CHECK on the capture table, so the statement is undone.
   */
  readonly captureRowsMax: number;
  /** Items in one applyBatch call (one SQLite transaction: the group-commit size). */
  readonly applyBatchItemsMax: number;
  /**
   * How long the applier waits for a local transaction that holds the writer before it
   * brute-force aborts it. Galera aborts at once; a short grace lets a transaction that is about
   * to commit finish without being killed for nothing.
   */
  readonly bfAbortAfterMs: number;
  /** Idle reader connections kept open for autocommit SELECTs and READ ONLY transactions. */
  readonly readerPoolSize: number;
  /** Reader snapshots open at once (idle pool plus those in use). */
  readonly readersMax: number;
  /** Default wait for the writer (innodb_lock_wait_timeout, 50 s). */
  readonly writerWaitTimeoutMs: number;
  /** Sessions waiting for the writer at once. */
  readonly writerWaitersMax: number;
  /** Prepared statements cached per connection, by SQL text. */
  readonly statementCacheMax: number;
  /** Rows read between yields to the event loop while checksumming. */
  readonly checksumRowsPerYield: number;
  /** How many seqnos back failed certifications are remembered (at least cert.max_length). */
  readonly certFailuresKeep: number;
  /** How many seqnos back the certification window's keys are kept (at least cert.max_length). */
  readonly certWindowKeep: number;
  /** How often the checkpoint worker copies the WAL into the file (StoreOptions.checkpointWorker). */
  readonly checkpointIntervalMs: number;
  /**
   * With the checkpoint worker, the store's own connections still checkpoint past this many WAL
   * pages (their wal_autocheckpoint; SQLite's default is 1,000). The WAL restarts only after a
   * complete checkpoint, which the worker cannot finish while commits follow each other without
   * a pause: this bounds the WAL then, and costs the commit little (the worker copied most of it).
   */
  readonly checkpointPagesMax: number;
}

export const DEFAULT_STORAGE_LIMITS: StorageLimits = Object.freeze({
  // The write-set decoder's rowsMax: a transaction past it could not be replicated anyway.
  captureRowsMax: 1_048_576,
  applyBatchItemsMax: 10_000,
  bfAbortAfterMs: 200,
  readerPoolSize: 4,
  readersMax: 1024,
  writerWaitTimeoutMs: 50_000,
  writerWaitersMax: 10_000,
  statementCacheMax: 512,
  certFailuresKeep: 65_536,
  certWindowKeep: 16_384,
  checksumRowsPerYield: 10_000,
  checkpointIntervalMs: 500,
  checkpointPagesMax: 10_000,
});

/** Primary-key columns the capture table can hold (MariaDB allows 32 key parts). */
export const KEY_COLUMNS_MAX = 32;
