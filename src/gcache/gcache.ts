// The GCache: the durable consensus log of one node, and its source of truth. Segment files of
// CRC-checked records (record.ts), the hard state in two alternating slots (hard-state-file.ts),
// group commit (many write() batches per fsync), recovery that cuts a torn tail and refuses
// corruption (replay.ts). Design and reasons: docs/design/gcache.md.
import { closeSync, openSync, readSync, renameSync } from 'node:fs';
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  DEFAULT_CONSENSUS_LIMITS,
  decodeEntry,
  describeConsensusCodecError,
  encodeEntry,
  type ConsensusLimits,
} from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import { assert, AssertionError } from '../core/assert.js';
import type { Boundary, Entry, HardState } from '../core/consensus/types.js';
import type { Index, Term } from '../core/types.js';
import { NONCE_BYTES, type KeyVersion } from '../keys/index.js';
import {
  openRecord,
  sealRecordInto,
  segmentKeyRef,
  storedPayloadBytes,
  type GCacheKeys,
} from './cipher.js';
import { ioDetail, type GCacheOpenError, type GCacheReadError } from './errors.js';
import {
  segmentFileName,
  syncDirectory,
  writeFully,
  writeFullySync,
  type Segment,
} from './files.js';
import { HardStateFile } from './hard-state-file.js';
import { resealSegment } from './reencrypt.js';
import { checkLimits, DEFAULT_GCACHE_LIMITS, type GCacheLimits } from './limits.js';
import { LogIndex } from './log-index.js';
import { recoverDirectory, type InitialState, type RecoveredDirectory } from './open.js';
import { encodeBoundaryChange, encodeSegmentHeader, encodeTruncate } from './payloads.js';
import {
  readRecord,
  RECORD_HEADER_BYTES,
  RECORD_TYPES,
  recordBytes,
  writeRecord,
  writeRecordWith,
  type RecordType,
} from './record.js';
import { location, locationOffset, locationSequence, type TornTail } from './replay.js';

/** One Ready's worth of durable changes, applied in this order: boundary, hard state, entries. */
export interface WriteBatch {
  readonly hardState: HardState | null;
  readonly boundary: Boundary | null;
  /** With `boundary`: the log is emptied (a state transfer replaced it). */
  readonly resetLog: boolean;
  /** They replace the log from `entries[0].index` on. */
  readonly entries: readonly Entry[];
}

export interface Recovered {
  readonly hardState: HardState;
  readonly boundary: Boundary;
  readonly entries: readonly Entry[];
}

export interface RecoveryReport {
  /** The directory held no gcache: it was created from `options.initial`. */
  readonly created: boolean;
  readonly segmentFiles: number;
  readonly records: number;
  readonly boundaryIndex: Index;
  readonly lastIndex: Index;
  /** What recovery cut off the end of the log (bytes no completed fsync covered), or null. */
  readonly tornTail: TornTail | null;
  /** Files removed: an empty last segment, segments already compacted away. */
  readonly removedFiles: readonly string[];
  readonly hardStateSequence: number;
}

export interface GCacheOptions {
  readonly limits?: GCacheLimits;
  readonly codecLimits?: ConsensusLimits;
  /** The state of a node that has never run; used only when the directory holds no gcache. */
  readonly initial?: InitialState;
  /** Encryption at rest: new segments are sealed with `keys.current` (docs/design/encryption.md). */
  readonly keys?: GCacheKeys | null;
}

export interface GCacheStats {
  /** fsync/fdatasync calls of every kind: log, hard state, directory. */
  readonly fsyncs: number;
  /** Group commits: each made one or more batches durable. */
  readonly flushes: number;
  readonly batches: number;
  readonly bytesWritten: number;
  /** Records sealed on write, and authenticated on read (recovery and read-back). */
  readonly recordsEncrypted: number;
  readonly recordsDecrypted: number;
  /** The key sealing the segment being appended to, or null (plaintext). */
  readonly keyId: number | null;
  readonly keyVersion: number | null;
  /** The oldest key version among the segments (0: a plaintext segment), or null: none. */
  readonly keyVersionMin: number | null;
  /** Segments under another key than new records get (they leave with compaction). */
  readonly segmentsOtherKey: number;
}

export interface SegmentInfo {
  readonly file: string;
  readonly firstIndex: Index;
  /** Bytes known durable (the file can be longer while a flush is in flight). */
  readonly sizeBytes: number;
}

export interface Opened {
  readonly gcache: GCache;
  readonly recovered: Recovered;
  readonly report: RecoveryReport;
}

interface PendingRecord {
  readonly type: RecordType;
  readonly payload: Uint8Array;
  /** Entry: its index; truncate: the first index removed. */
  readonly index: Index;
  readonly boundary: Boundary | null;
  readonly resetLog: boolean;
}

interface PendingBatch {
  readonly records: readonly PendingRecord[];
  readonly hardState: HardState | null;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Flushes a commit-only hard state change may wait for before it is written (see flushGroup). */
const HARD_STATE_COMMIT_FLUSHES = 64;
/**
 * A flush up to this size is written on the event loop (a copy into the page cache, some µs) and
 * only its fdatasync goes to libuv's pool: each trip to the pool costs two thread switches.
 */
const INLINE_WRITE_BYTES_MAX = 256 * 1024;

const EMPTY_INITIAL = {
  hardState: { term: 0 as Term, vote: null, commit: 0 as Index, forcedConfig: null },
  boundary: { index: 0 as Index, term: 0 as Term, config: { voters: [], learners: [] } },
} as const satisfies GCacheOptions['initial'];

export class GCache {
  private readonly segments: Segment[];
  private writeHandle: FileHandle | null;
  /** The log as made durable: the boundary and each entry's location. */
  private readonly durable: LogIndex<number>;
  /** The log as it will be once every queued batch is durable: what write() checks against. */
  private projectedBoundary: Boundary;
  private projectedLastIndex: Index;
  private queue: PendingBatch[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;
  private counters = {
    fsyncs: 0,
    flushes: 0,
    batches: 0,
    bytesWritten: 0,
    recordsEncrypted: 0,
    recordsDecrypted: 0,
  };
  /** The next flush starts a new segment: the last one is sealed with another key (or none). */
  private rollPending: boolean;
  /** A segment is being re-encrypted (rewriteSegment), or deleted after compaction. */
  private rewriting = false;
  private deletingSegments = false;

  private readonly dir: string;
  private readonly limits: GCacheLimits;
  private readonly codecLimits: ConsensusLimits;
  private readonly hardStateFile: HardStateFile;
  private keys: GCacheKeys | null;
  /** The hard state in the file's newest slot. */
  private hardStateWritten: HardState;
  /** A newer hard state that differs from the written one only in its commit index. */
  private hardStateHeld: HardState | null = null;
  /** Flushes since the hard state was last written. */
  private flushesSinceHardState = 0;

  private constructor(parts: RecoveredParts) {
    this.keys = parts.keys;
    this.dir = parts.dir;
    this.limits = parts.limits;
    this.codecLimits = parts.codecLimits;
    this.hardStateFile = parts.hardStateFile;
    this.hardStateWritten = parts.hardState;
    this.segments = parts.segments;
    this.writeHandle = parts.writeHandle;
    this.durable = parts.durable;
    this.projectedBoundary = parts.durable.boundary;
    this.projectedLastIndex = parts.durable.lastIndex();
    const last = parts.segments[parts.segments.length - 1];
    const current = this.keys?.current ?? null;
    this.rollPending = last !== undefined && !sameKey(last.key, current);
    this.counters.recordsDecrypted = parts.recordsDecrypted;
  }

  // ---- opening and recovery ----

  static async open(
    dir: string,
    options: GCacheOptions = {},
  ): Promise<Result<Opened, GCacheOpenError>> {
    const limits = options.limits ?? DEFAULT_GCACHE_LIMITS;
    const limitsProblem = checkLimits(limits);
    assert(limitsProblem === null, limitsProblem ?? '');
    const codecLimits = options.codecLimits ?? DEFAULT_CONSENSUS_LIMITS;
    try {
      const found = await recoverDirectory(
        dir,
        limits,
        codecLimits,
        options.initial ?? EMPTY_INITIAL,
        options.keys ?? null,
      );
      if (!found.ok) return found;
      return ok(await GCache.start(dir, limits, codecLimits, found.value, options.keys ?? null));
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      return err({ kind: 'io', file: dir, detail: ioDetail(error) });
    }
  }

  /** Opens the last segment for appending and finishes any segment deletion left undone. */
  private static async start(
    dir: string,
    limits: GCacheLimits,
    codecLimits: ConsensusLimits,
    found: RecoveredDirectory,
    keys: GCacheKeys | null,
  ): Promise<Opened> {
    const { log, segments } = found;
    const current = segments[segments.length - 1];
    assert(current !== undefined, 'a segment remains after recovery');
    const durable = new LogIndex<number>(log.boundary, log.knownFrom);
    durable.items = log.items.map((item) => item.location);
    const writeHandle = await open(current.path, 'r+');
    const gcache = new GCache({
      dir,
      limits,
      codecLimits,
      hardStateFile: found.hardStateFile,
      hardState: found.hardState,
      segments,
      writeHandle,
      durable,
      keys,
      recordsDecrypted: found.recordsDecrypted,
    });
    const removed = await gcache.deleteCompactedSegments();
    const recovered: Recovered = {
      hardState: found.hardState,
      boundary: log.boundary,
      entries: log.items.map((item) => item.entry),
    };
    const report: RecoveryReport = {
      created: found.created,
      segmentFiles: gcache.segments.length,
      records: found.records,
      boundaryIndex: log.boundary.index,
      lastIndex: log.lastIndex(),
      tornTail: found.tornTail,
      removedFiles: [...found.removedFiles, ...removed],
      hardStateSequence: found.hardStateFile.sequenceNumber,
    };
    return { gcache, recovered, report };
  }

  // ---- writing: group commit ----

  /**
   * Queues a batch; resolves once it is durable (its records and hard state fsynced). Batches
   * that arrive while an fsync is in flight share the next one. Rejects, as does every write
   * after it, if the disk fails: after a failed fsync nothing is known, and the node must stop
   * and recover from what is on disk.
   */
  write(batch: WriteBatch): Promise<void> {
    assert(!this.closed, 'write() after close()');
    if (this.failure !== null) return Promise.reject(this.failure);
    assert(this.queue.length < this.limits.pendingBatchesMax, 'gcache write queue full');
    const records = this.encodeBatch(batch);
    const sealed = (this.keys?.current ?? null) !== null;
    let bytes = 0;
    for (const record of records)
      bytes += recordBytes(storedPayloadBytes(record.payload.length, sealed));
    assert(bytes <= this.limits.batchBytesMax, `batch of ${bytes} bytes beyond batchBytesMax`);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, hardState: batch.hardState, bytes, resolve, reject });
      if (this.flushing === null) this.flushing = this.flushLoop();
    });
  }

  /** Checks the batch against the projected log and encodes its records. */
  private encodeBatch(batch: WriteBatch): PendingRecord[] {
    const records: PendingRecord[] = [];
    const noIndex = 0 as Index;
    if (batch.boundary !== null) {
      const boundary = batch.boundary;
      if (!batch.resetLog) {
        assert(boundary.index >= this.projectedBoundary.index, 'compaction moves backwards');
      }
      const payload = encodeBoundaryChange({ boundary, resetLog: batch.resetLog });
      records.push({
        type: RECORD_TYPES.boundary,
        payload,
        index: noIndex,
        boundary,
        resetLog: batch.resetLog,
      });
      this.projectedBoundary = boundary;
      if (batch.resetLog || boundary.index >= this.projectedLastIndex)
        this.projectedLastIndex = boundary.index;
    } else {
      assert(!batch.resetLog, 'resetLog without a boundary');
    }
    const first = batch.entries[0];
    if (first === undefined) return records;
    assert(first.index > this.projectedBoundary.index, 'entries at or below the boundary');
    assert(first.index <= this.projectedLastIndex + 1, 'entries leave a gap in the log');
    if (first.index <= this.projectedLastIndex) {
      records.push({
        type: RECORD_TYPES.truncate,
        payload: encodeTruncate(first.index),
        index: first.index,
        boundary: null,
        resetLog: false,
      });
    }
    batch.entries.forEach((entry, i) => {
      assert(entry.index === first.index + i, 'batch entries must be contiguous');
      const payload = encodeEntry(entry);
      assert(payload.length <= this.limits.recordBytesMax, 'entry beyond recordBytesMax');
      records.push({
        type: RECORD_TYPES.entry,
        payload,
        index: entry.index,
        boundary: null,
        resetLog: false,
      });
    });
    this.projectedLastIndex = batch.entries[batch.entries.length - 1]!.index;
    return records;
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0 && this.failure === null) {
      const group = this.takeGroup();
      let compacted: boolean;
      try {
        compacted = await this.flushGroup(group);
      } catch (error) {
        this.fail(asError(error), group);
        break;
      }
      for (const batch of group) batch.resolve();
      // Deleting segments is not on any write's path: it happens after the answer.
      if (!compacted) continue;
      try {
        await this.deleteCompactedSegments();
      } catch (error) {
        this.fail(asError(error), []);
      }
    }
    this.flushing = null;
  }

  private takeGroup(): PendingBatch[] {
    let count = 0;
    let bytes = 0;
    for (const batch of this.queue) {
      if (
        count > 0 &&
        (count >= this.limits.flushBatchesMax || bytes + batch.bytes > this.limits.flushBytesMax)
      )
        break;
      count += 1;
      bytes += batch.bytes;
    }
    return this.queue.splice(0, count);
  }

  private fail(error: Error, group: readonly PendingBatch[]): void {
    this.failure = error;
    for (const batch of group) batch.reject(error);
    for (const batch of this.queue.splice(0)) batch.reject(error);
  }

  /** Writes and fsyncs one group; returns whether the boundary moved. */
  private async flushGroup(group: readonly PendingBatch[]): Promise<boolean> {
    const records = group.flatMap((batch) => batch.records);
    let newest: HardState | null = null;
    for (const batch of group) if (batch.hardState !== null) newest = batch.hardState;
    const hardState = this.hardStateToWrite(newest);
    const logWrite = records.length > 0 ? this.writeRecords(records) : Promise.resolve(null);
    const hardStateWrite =
      hardState !== null ? this.hardStateFile.write(hardState) : Promise.resolve();
    const [log, hard] = await Promise.allSettled([logWrite, hardStateWrite]);
    if (log.status === 'rejected') throw log.reason;
    if (hard.status === 'rejected') throw hard.reason;
    if (hardState !== null) {
      this.counters.fsyncs += 1;
      this.hardStateWritten = hardState;
      this.flushesSinceHardState = 0;
      if (this.hardStateHeld === hardState) this.hardStateHeld = null;
    } else {
      this.flushesSinceHardState += 1;
    }
    this.counters.flushes += 1;
    this.counters.batches += group.length;
    return log.value === null ? false : this.applyDurable(records, log.value);
  }

  /**
   * The hard state this flush writes, or null. A term, vote or forced configuration is written
   * (and fsynced) in the flush that carries it. A commit index that moved alone is not needed for
   * safety (a restarted node re-learns it from the leader, and applies from the store's own
   * applied seqno), so it is held and written with the next flush after
   * HARD_STATE_COMMIT_FLUSHES flushes, or at close: one fsync per such run instead of one per
   * flush (etcd's MustSync makes the same distinction).
   */
  private hardStateToWrite(newest: HardState | null): HardState | null {
    if (newest !== null) {
      const written = this.hardStateWritten;
      const onlyCommit =
        newest.term === written.term &&
        newest.vote === written.vote &&
        sameForcedConfig(newest.forcedConfig, written.forcedConfig);
      if (!onlyCommit) {
        this.hardStateHeld = null;
        return newest;
      }
      this.hardStateHeld = newest.commit === written.commit ? null : newest;
    }
    if (this.hardStateHeld !== null && this.flushesSinceHardState >= HARD_STATE_COMMIT_FLUSHES)
      return this.hardStateHeld;
    return null;
  }

  /**
   * Appends the records to the current segment, rolling to a new one first if it is full, and
   * fdatasyncs. A flush never spans two segments, so every segment but the last was complete
   * and durable before the next one was created. Returns where each record went.
   */
  private async writeRecords(records: readonly PendingRecord[]): Promise<WrittenRecords> {
    const last = this.segments[this.segments.length - 1];
    const roll =
      last === undefined ||
      this.writeHandle === null ||
      this.rollPending ||
      last.sizeBytes >= this.limits.segmentBytes;
    const segment = roll ? await this.rollSegment() : last;
    // A key that changed while the segment was made (useKeys) rolls again at the next flush.
    this.rollPending = !sameKey(segment.key, this.keys?.current ?? null);
    const handle = this.writeHandle;
    assert(handle !== null, 'the last segment is open for writing');
    const header = roll
      ? encodeSegmentHeader({
          firstIndex: segment.name.firstIndex,
          boundary: this.durable.boundary,
          key: segmentKeyRef(segment.key),
        })
      : null;
    const key = segment.key;
    let total = header === null ? 0 : recordBytes(header.length);
    for (const record of records)
      total += recordBytes(storedPayloadBytes(record.payload.length, key !== null));
    const base = segment.sizeBytes;
    // Every record of this flush says: the segment was durable up to `base` when I was written.
    const buffer = new Uint8Array(total);
    let at = header === null ? 0 : writeRecord(buffer, 0, RECORD_TYPES.segment, base, header, base);
    const offsets: number[] = [];
    const sequence = segment.name.sequence;
    // One draw of random nonces for the whole flush (keys/aead.ts says why they are random).
    const nonces = key === null ? null : randomBytes(NONCE_BYTES * records.length);
    records.forEach((record, i) => {
      offsets.push(base + at);
      if (key === null || nonces === null) {
        at = writeRecord(buffer, at, record.type, base, record.payload, base);
        return;
      }
      const nonce = nonces.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
      const fileOffset = base + at;
      const sealedBytes = storedPayloadBytes(record.payload.length, true);
      at = writeRecordWith(
        buffer,
        at,
        record.type,
        base,
        sealedBytes,
        (payloadAt) =>
          sealRecordInto(
            key,
            record.type,
            sequence,
            fileOffset,
            record.payload,
            buffer,
            payloadAt,
            nonce,
          ),
        base,
      );
    });
    if (key !== null) this.counters.recordsEncrypted += records.length;
    assert(at === total, 'flush buffer filled exactly');
    if (total <= INLINE_WRITE_BYTES_MAX) writeFullySync(handle.fd, buffer, base);
    else await writeFully(handle, buffer, base);
    await handle.datasync();
    this.counters.fsyncs += 1;
    if (roll) {
      await syncDirectory(this.dir);
      this.counters.fsyncs += 1;
    }
    segment.sizeBytes = base + total;
    this.counters.bytesWritten += total;
    return { segment, offsets };
  }

  /** Creates the next segment (not yet durable: its first flush fsyncs it and the directory). */
  private async rollSegment(): Promise<Segment> {
    const previous = this.segments[this.segments.length - 1];
    const sequence = previous === undefined ? 1 : previous.name.sequence + 1;
    const firstIndex = (this.durable.lastIndex() + 1) as Index;
    const file = segmentFileName(sequence, firstIndex);
    const path = join(this.dir, file);
    const handle = await open(path, 'wx');
    if (this.writeHandle !== null) await this.writeHandle.close();
    this.writeHandle = handle;
    const segment: Segment = {
      name: { file, sequence, firstIndex },
      path,
      sizeBytes: 0,
      readFd: null,
      key: this.keys?.current ?? null,
    };
    this.segments.push(segment);
    return segment;
  }

  /** Brings the durable view up to date with a flushed group; returns whether the boundary moved. */
  private applyDurable(records: readonly PendingRecord[], written: WrittenRecords): boolean {
    let compacted = false;
    records.forEach((record, i) => {
      let problem: string | null;
      switch (record.type) {
        case RECORD_TYPES.entry:
          problem = this.durable.append(
            record.index,
            location(written.segment.name.sequence, written.offsets[i]!),
          );
          break;
        case RECORD_TYPES.truncate:
          problem = this.durable.truncateFrom(record.index);
          break;
        case RECORD_TYPES.boundary:
          assert(record.boundary !== null, 'a boundary record carries its boundary');
          problem = this.durable.setBoundary(record.boundary, record.resetLog);
          compacted = true;
          break;
        default:
          problem = 'unexpected record type';
      }
      assert(problem === null, `durable log diverged from what write() checked: ${problem}`);
    });
    return compacted;
  }

  /**
   * Deletes whole segments whose every live entry is at or below the boundary, oldest first,
   * with a directory fsync after each so that the segments left are always a contiguous run.
   * Segment k holds live entries only below the next segment's first index (anything above was
   * truncated before the roll), so it goes once that first index − 1 is compacted.
   */
  private async deleteCompactedSegments(): Promise<string[]> {
    const removed: string[] = [];
    this.deletingSegments = true;
    try {
      return await this.deleteCompactedSegmentsHolding(removed);
    } finally {
      this.deletingSegments = false;
    }
  }

  private async deleteCompactedSegmentsHolding(removed: string[]): Promise<string[]> {
    for (;;) {
      const [oldest, next] = this.segments;
      if (oldest === undefined || next === undefined) break;
      if (next.name.firstIndex - 1 > this.durable.boundary.index) break;
      closeReadFd(oldest);
      await rm(oldest.path);
      await syncDirectory(this.dir);
      this.counters.fsyncs += 1;
      this.segments.shift();
      removed.push(oldest.name.file);
    }
    return removed;
  }

  // ---- reading ----

  /** The boundary and last index of the durable log (what every resolved write() left). */
  boundary(): Boundary {
    return this.durable.boundary;
  }

  lastIndex(): Index {
    return this.durable.lastIndex();
  }

  /**
   * Durable entries `from`…`to` read back from disk (for a lagging peer), at most `bytesMax`
   * payload bytes but at least one entry. Each record's CRC is checked again on the way in.
   */
  entries(
    from: Index,
    to: Index,
    bytesMax = this.limits.readBytesMax,
  ): Result<Entry[], GCacheReadError> {
    assert(from > this.durable.boundary.index, 'entries() below the boundary');
    assert(to <= this.durable.lastIndex(), 'entries() beyond the durable log');
    assert(from <= to, 'entries() of an empty range');
    const entries: Entry[] = [];
    let bytes = 0;
    for (let index = from; index <= to; index++) {
      const loc = this.durable.item(index);
      assert(loc !== undefined, `no location for entry ${index}`);
      const entry = this.readEntry(loc, index);
      if (!entry.ok) return entry;
      bytes += entry.value.data.length;
      if (entries.length > 0 && bytes > bytesMax) break;
      entries.push(entry.value);
    }
    return ok(entries);
  }

  private readEntry(loc: number, index: number): Result<Entry, GCacheReadError> {
    const sequence = locationSequence(loc);
    const offset = locationOffset(loc);
    const segment = this.segments[sequence - this.segments[0]!.name.sequence];
    assert(segment?.name.sequence === sequence, `segment ${sequence} of entry ${index} is open`);
    const corrupt = (detail: string): Result<Entry, GCacheReadError> =>
      err({ kind: 'corrupt_record', file: segment.path, offsetBytes: offset, detail });
    segment.readFd ??= openSync(segment.path, 'r');
    const header = new Uint8Array(RECORD_HEADER_BYTES);
    if (readSync(segment.readFd, header, 0, header.length, offset) !== header.length)
      return corrupt('short read');
    const payloadBytes = new DataView(header.buffer).getUint32(0);
    if (payloadBytes > this.limits.recordBytesMax) return corrupt('bad length');
    const bytes = new Uint8Array(RECORD_HEADER_BYTES + payloadBytes);
    if (readSync(segment.readFd, bytes, 0, bytes.length, offset) !== bytes.length)
      return corrupt('short read');
    const record = readRecord(bytes, 0, this.limits.recordBytesMax, offset);
    if (!record.ok) return corrupt(record.problem);
    if (record.record.type !== RECORD_TYPES.entry) return corrupt('not an entry record');
    let payload = record.record.payload;
    if (segment.key !== null) {
      const opened = openRecord(segment.key, RECORD_TYPES.entry, sequence, offset, payload);
      if (opened === null) return corrupt('auth_failed');
      this.counters.recordsDecrypted += 1;
      payload = opened;
    }
    const entry = decodeEntry(payload, this.codecLimits);
    if (!entry.ok) return corrupt(describeConsensusCodecError(entry.error));
    if (entry.value.index !== index)
      return corrupt(`entry ${entry.value.index} where ${index} was`);
    return ok(entry.value);
  }

  // ---- size ----

  /** Bytes of the segment files on disk. */
  sizeBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.sizeBytes;
    return bytes;
  }

  /**
   * How far to compact (the core's `compact` input) so that the log fits in `sizeBytesMax`
   * once whole segments below the boundary are deleted; never beyond `appliedIndex`. Null when
   * compaction would delete nothing (it fits already, or nothing deletable is applied yet). The
   * last segment is never deleted, so a `sizeBytesMax` below one segment cannot be met: choose
   * `segmentBytes` well below gcache.size.
   */
  compactionPoint(appliedIndex: Index, sizeBytesMax: number): Index | null {
    const boundaryIndex = this.durable.boundary.index;
    let best: Index | null = null;
    let remaining = this.sizeBytes();
    for (let k = 0; k + 1 < this.segments.length; k++) {
      if (remaining <= sizeBytesMax) break;
      remaining -= this.segments[k]!.sizeBytes;
      // Deleting segments 0…k needs the boundary at the next segment's first index − 1.
      const needed = (this.segments[k + 1]!.name.firstIndex - 1) as Index;
      if (needed > appliedIndex) break;
      if (needed > boundaryIndex && (best === null || needed > best)) best = needed;
    }
    return best;
  }

  /** The segment files, oldest first, with their durable sizes (for status and tests). */
  segmentFiles(): readonly SegmentInfo[] {
    return this.segments.map((segment) => ({
      file: segment.name.file,
      firstIndex: segment.name.firstIndex,
      sizeBytes: segment.sizeBytes,
    }));
  }

  stats(): GCacheStats {
    const last = this.segments[this.segments.length - 1];
    const current = this.keys?.current ?? null;
    const key = this.rollPending ? current : (last?.key ?? null);
    const versions = this.segments.map((segment) => segment.key?.version ?? 0);
    return {
      ...this.counters,
      keyId: key?.id ?? null,
      keyVersion: key?.version ?? null,
      keyVersionMin: versions.length === 0 ? null : Math.min(...versions),
      segmentsOtherKey: this.segments.filter((segment) => !sameKey(segment.key, current)).length,
    };
  }

  /**
   * Re-encrypts, while running, the oldest complete segment whose key `due` says is too old,
   * under the current key (innodb_encryption_rotate_key_age; docs/design/encryption.md,
   * "Background re-encryption"). The new file is written beside the old one (`.reencrypt`),
   * fsynced, and renamed over it in one synchronous step with the switch of the segment's key,
   * so no read-back ever pairs one file with the other's key; records keep their offsets, so
   * the log index stays valid. One at a time; null when nothing is due (or a compaction or
   * close got in the way: the next call tries again).
   */
  async rewriteSegment(
    due: (key: KeyVersion) => boolean,
    recordsPerTurn = 256,
  ): Promise<Result<{ file: string; records: number; from: KeyVersion } | null, string>> {
    const target = this.keys?.current ?? null;
    if (this.closed || this.rewriting || target === null) return ok(null);
    const last = this.segments[this.segments.length - 1];
    const segment = this.segments.find(
      (s) => s !== last && s.key !== null && !sameKey(s.key, target) && due(s.key),
    );
    if (segment === undefined || segment.key === null) return ok(null);
    const from = segment.key;
    this.rewriting = true;
    const temp = `${segment.path}.reencrypt`;
    try {
      const bytes = await readFile(segment.path);
      if (bytes.length < segment.sizeBytes) return err(`${segment.path} is shorter than recorded`);
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, segment.sizeBytes);
      const sequence = segment.name.sequence;
      const resealed = await resealSegment(view, sequence, from, target, recordsPerTurn);
      if (!resealed.ok) return err(`${segment.path}: ${resealed.error}`);
      const handle = await open(temp, 'w', 0o600);
      try {
        await writeFully(handle, resealed.value.bytes, 0);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      const at = this.segments.indexOf(segment);
      if (this.closed || this.deletingSegments || at === -1 || at === this.segments.length - 1) {
        await rm(temp, { force: true });
        return ok(null);
      }
      // One synchronous step: the file and the key that opens it change together.
      renameSync(temp, segment.path);
      closeReadFd(segment);
      this.segments[at] = { ...segment, readFd: null, key: target };
      await syncDirectory(this.dir);
      this.counters.fsyncs += 1;
      return ok({ file: segment.name.file, records: resealed.value.records, from });
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      return err(`${segment.path}: ${String(error)}`);
    } finally {
      this.rewriting = false;
    }
  }

  /**
   * A newer key version while running (the key file gained one: `trireme key rotate`): the next
   * flush starts a new segment sealed with it; the older segments keep their key until
   * compaction deletes them. Sealed stays sealed: a batch's size was counted with its seal.
   */
  useKeys(keys: GCacheKeys): void {
    assert(!this.closed, 'useKeys() after close()');
    const before = this.keys?.current ?? null;
    assert(before !== null && keys.current !== null, 'a key change keeps the GCache sealed');
    assert(keys.current.version >= before.version, 'a key change never goes back a version');
    this.keys = keys;
    const last = this.segments[this.segments.length - 1];
    this.rollPending = last !== undefined && !sameKey(last.key, keys.current);
  }

  // ---- closing ----

  /**
   * Resolves once nothing is queued or in flight, including the deletion of compacted segments,
   * which happens after the write that moved the boundary resolved.
   */
  async idle(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
  }

  /** Waits for queued writes to become durable, then closes the files. */
  async close(): Promise<void> {
    assert(!this.closed, 'close() twice');
    this.closed = true;
    await this.idle();
    for (const segment of this.segments) closeReadFd(segment);
    if (this.writeHandle !== null) await this.writeHandle.close();
    this.writeHandle = null;
    if (this.hardStateHeld !== null && this.failure === null) {
      await this.hardStateFile.write(this.hardStateHeld);
      this.hardStateWritten = this.hardStateHeld;
      this.hardStateHeld = null;
    }
    await this.hardStateFile.close();
  }
}

interface RecoveredParts {
  readonly dir: string;
  readonly limits: GCacheLimits;
  readonly codecLimits: ConsensusLimits;
  readonly hardStateFile: HardStateFile;
  readonly hardState: HardState;
  readonly segments: Segment[];
  readonly writeHandle: FileHandle | null;
  readonly durable: LogIndex<number>;
  readonly keys: GCacheKeys | null;
  readonly recordsDecrypted: number;
}

interface WrittenRecords {
  readonly segment: Segment;
  readonly offsets: readonly number[];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function sameForcedConfig(a: HardState['forcedConfig'], b: HardState['forcedConfig']): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

function sameKey(a: KeyVersion | null, b: KeyVersion | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.version === b.version;
}

function closeReadFd(segment: Segment): void {
  if (segment.readFd === null) return;
  closeSync(segment.readFd);
  segment.readFd = null;
}
