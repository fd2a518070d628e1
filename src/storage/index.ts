// The storage layer's public surface: the node's SQLite database (capture, apply, snapshots,
// checksums, meta). Nothing above this folder imports better-sqlite3.
export { DEFAULT_STORAGE_LIMITS, KEY_COLUMNS_MAX, type StorageLimits } from './limits.js';
export {
  describeApplyError,
  type ApplyError,
  type LocalError,
  type OpenError,
  type ReaderError,
  type WriterWaitError,
  ValueRefusal,
} from './errors.js';
export type { ExecuteResult, StatementStop } from './execute.js';
export type { PrivateConnection } from './private-connection.js';
export { StatementKiller } from './statement-kill.js';
export { workerExecArgv } from './worker-argv.js';
export { WriterLease, stashWriteSet, type Stash } from './lease.js';
export { ReadSnapshot } from './readers.js';
export type { ChecksumResult } from './checksum.js';
export { type RowOps, UNIQUE_KEY_SEPARATOR, prefixOf } from './capture.js';
export {
  STORE_FILE_NAME,
  STORE_FORMAT_VERSION,
  Store,
  loadLogicalDump,
  storeFormatEnv,
  storePath,
  type ApplyItem,
  type ApplyOutcome,
  type CatalogEntry,
  type CatalogUpdate,
  type FrozenFile,
  type StoreCounters,
  type StoreOptions,
  type UserAggregate,
  type UserFunction,
  type UserTable,
} from './store.js';
export { readStoreFormat } from './logical-dump.js';
export type { PageIo } from './collations.js';
export {
  describePageScheme,
  findCipher,
  newPageScheme,
  pageSchemeOf,
  rekeyDatabaseFile,
  type PageCipher,
  type PageScheme,
} from './sqlite.js';
export { lockDatadir, type DatadirLockResult } from './datadir-lock.js';
