// gcache.size alone bounds the log (the gcache): compaction drops whole segments until the rest
// fits, never past the applied seqno. The certification window (cert.max_length write-sets) is
// kept apart, in the database beside the applied seqno (node/certification-rebuild.ts), so it no
// longer pins the log: before, a 1 MiB gcache held 293 MB until 16,384 write-sets had passed.
// What can still cap gcache.size is the segment: the last one always stays, and a segment is
// never smaller than 64 KiB. The start says so (docs/design/gcache.md, "Size bound").
import { DEFAULT_GCACHE_LIMITS, type GCacheLimits } from '../gcache/index.js';

/** The smallest segment: below it a segment roll costs more than the bytes it bounds. */
const segmentBytesMin = 64 * 1024;

/**
 * Compaction drops whole segments, so a segment is an eighth of gcache.size (64 KiB … 64 MiB):
 * the log then stays within gcache.size plus at most one segment.
 */
export function gcacheLimitsFor(gcacheSizeBytes: number): GCacheLimits {
  const segmentBytes = Math.min(
    DEFAULT_GCACHE_LIMITS.segmentBytes,
    Math.max(segmentBytesMin, Math.floor(gcacheSizeBytes / 8)),
  );
  return { ...DEFAULT_GCACHE_LIMITS, segmentBytes };
}

/** The start line: what bounds the log and the certification window, in the user's units. */
export function describeLogLimits(gcacheSizeBytes: number, certLengthMax: number): string {
  const segmentBytes = gcacheLimitsFor(gcacheSizeBytes).segmentBytes;
  const size = `gcache.size=${mib(gcacheSizeBytes)} MiB`;
  const window = `the certification window (cert.max_length=${certLengthMax} write-sets) is kept in the database, apart from the gcache, so neither limit caps the other`;
  if (gcacheSizeBytes < 4 * segmentBytes)
    return `${size} is below 4 segments of ${kib(segmentBytes)} KiB: the log keeps at least its last segment, so segments, not gcache.size, cap it (up to ${kib(gcacheSizeBytes + segmentBytes)} KiB); ${window}`;
  return `${size} bounds the log (segments of ${kib(segmentBytes)} KiB, so at most ${mib(gcacheSizeBytes + segmentBytes)} MiB on disk; a node that missed more than it holds rejoins by SST); ${window}`;
}

function mib(value: number): string {
  return (value / (1024 * 1024)).toFixed(1);
}

function kib(value: number): string {
  return (value / 1024).toFixed(0);
}
