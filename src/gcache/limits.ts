// Named bounds of the gcache: every record, segment, batch, flush and read has one.
import { DEFAULT_CONSENSUS_LIMITS } from '../codec/consensus.js';

const KIB = 1024;
const MIB = 1024 * KIB;

export interface GCacheLimits {
  /** Bytes of one record's payload (an encoded entry, boundary or segment header). */
  readonly recordBytesMax: number;
  /**
   * A segment rolls once it holds this many bytes. A flush never spans two segments, so a
   * segment can exceed it by at most one flush (`flushBytesMax`, or one larger batch).
   */
  readonly segmentBytes: number;
  /** Encoded bytes of the records of one `write()` call. */
  readonly batchBytesMax: number;
  /** Batches are coalesced into one fsync up to this many bytes (at least one batch each). */
  readonly flushBytesMax: number;
  /** Batches coalesced into one fsync. */
  readonly flushBatchesMax: number;
  /** Writes queued behind the one being flushed; beyond it `write()` asserts (caller bug). */
  readonly pendingBatchesMax: number;
  /** Payload bytes one `entries()` call returns (at least one entry). */
  readonly readBytesMax: number;
}

// Enough for the largest entry the codec accepts plus its fixed fields and a big config.
const ENTRY_OVERHEAD_BYTES_MAX = 512 * KIB;

export const DEFAULT_GCACHE_LIMITS: GCacheLimits = Object.freeze({
  recordBytesMax: DEFAULT_CONSENSUS_LIMITS.entryDataBytesMax + ENTRY_OVERHEAD_BYTES_MAX,
  segmentBytes: 64 * MIB,
  batchBytesMax: 256 * MIB,
  flushBytesMax: 64 * MIB,
  flushBatchesMax: 4096,
  pendingBatchesMax: 65_536,
  readBytesMax: 16 * MIB,
});

/** Segment offsets and synced lengths are u32 fields: a segment stays below 4 GiB. */
export const SEGMENT_BYTES_CEILING = 0xffff_ffff;

export function checkLimits(limits: GCacheLimits): string | null {
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      return `gcache limit ${name} must be a positive integer`;
  }
  const segmentMax = limits.segmentBytes + Math.max(limits.flushBytesMax, limits.batchBytesMax);
  if (segmentMax > SEGMENT_BYTES_CEILING)
    return 'gcache segmentBytes plus one flush must stay below 4 GiB';
  return null;
}
