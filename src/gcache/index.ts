// The gcache's public surface: the durable consensus log. See docs/design/gcache.md.
export {
  GCache,
  type GCacheOptions,
  type GCacheStats,
  type Opened,
  type Recovered,
  type RecoveryReport,
  type SegmentInfo,
  type WriteBatch,
} from './gcache.js';
export { describeGCacheError, type GCacheOpenError, type GCacheReadError } from './errors.js';
export { DEFAULT_GCACHE_LIMITS, type GCacheLimits } from './limits.js';
export { HARD_STATE_BYTES_MAX } from './hard-state-file.js';
export type { RecordProblem } from './record.js';
export type { TornTail } from './replay.js';
export type { InitialState } from './open.js';
export type { GCacheKeys } from './cipher.js';
export { reencryptGCache, type ReencryptReport } from './reencrypt.js';
