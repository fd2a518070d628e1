// Replay: from the bytes of the segment files to the log as last written. Pure (no I/O), so the
// recovery rules can be tested on bytes directly. The rules (docs/design/gcache.md):
// - every record's CRC is checked; a segment begins with its header record;
// - a bad record in a segment that is not the last is corruption: that segment was fsynced in
//   full before the next one was created;
// - a bad record in the last segment is a torn tail, to be cut off, unless an intact record
//   after it carries a synced length above its offset: then an fsync had covered it, and it is
//   corruption;
// - an intact record whose content does not fit the log (a gap, an impossible truncation) is
//   corruption too: a CRC-valid record was written by us, so the log is inconsistent;
// - truncate and boundary records apply as they are met, so the result is the log as last
//   written.
import {
  decodeEntry,
  describeConsensusCodecError,
  type ConsensusLimits,
} from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import { assert } from '../core/assert.js';
import type { Entry } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import type { KeyVersion } from '../keys/index.js';
import { openRecord, resolveSegmentKey, type GCacheKeys } from './cipher.js';
import type { GCacheOpenError } from './errors.js';
import type { SegmentName } from './files.js';
import { LogIndex } from './log-index.js';
import { decodeBoundaryChange, decodeSegmentHeader, decodeTruncate } from './payloads.js';
import {
  findDurableWitness,
  readRecord,
  RECORD_TYPES,
  type RawRecord,
  type RecordProblem,
} from './record.js';

const TWO_POW_32 = 0x1_0000_0000;
/** Locations pack the segment sequence above a u32 offset into one safe integer. */
const SEQUENCE_MAX = 2 ** 21 - 1;

export function location(sequence: number, offsetBytes: number): number {
  assert(sequence >= 1 && sequence <= SEQUENCE_MAX, 'segment sequence out of range');
  assert(offsetBytes >= 0 && offsetBytes < TWO_POW_32, 'segment offset out of range');
  return sequence * TWO_POW_32 + offsetBytes;
}

export function locationSequence(loc: number): number {
  return Math.floor(loc / TWO_POW_32);
}

export function locationOffset(loc: number): number {
  return loc % TWO_POW_32;
}

export interface SegmentBytes {
  readonly name: SegmentName;
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ReplayedEntry {
  readonly entry: Entry;
  readonly location: number;
}

export interface TornTail {
  readonly file: string;
  readonly offsetBytes: number;
  readonly bytesTruncated: number;
  readonly problem: RecordProblem;
  /** The last index of the recovered log. */
  readonly lastGoodIndex: Index;
}

export interface Replayed {
  /** Null when no segment holds even its header (a creation that did not finish). */
  readonly log: LogIndex<ReplayedEntry> | null;
  /** Bytes of intact records per segment, in order. */
  readonly validBytes: readonly number[];
  readonly tornTail: TornTail | null;
  readonly records: number;
  /** Records other than segment headers. */
  readonly contentRecords: number;
  /** The key of each segment (null: plaintext, or no header), in order. */
  readonly segmentKeys: readonly (KeyVersion | null)[];
  /** Records that were sealed and authenticated. */
  readonly recordsDecrypted: number;
}

interface Limits {
  readonly recordBytesMax: number;
  readonly codec: ConsensusLimits;
  /** The keys of encrypted segments; null when none are configured. */
  readonly keys?: GCacheKeys | null;
}

export function replaySegments(
  segments: readonly SegmentBytes[],
  limits: Limits,
): Result<Replayed, GCacheOpenError> {
  const state: ReplayState = {
    log: null,
    records: 0,
    contentRecords: 0,
    segmentKey: null,
    recordsDecrypted: 0,
  };
  const validBytes: number[] = [];
  const segmentKeys: (KeyVersion | null)[] = [];
  let torn: {
    file: string;
    offsetBytes: number;
    bytesTruncated: number;
    problem: RecordProblem;
  } | null = null;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    state.segmentKey = null;
    const scanned = scanSegment(segment, i === segments.length - 1, state, limits);
    if (!scanned.ok) return scanned;
    validBytes.push(scanned.value.validBytes);
    segmentKeys.push(state.segmentKey);
    if (scanned.value.torn !== null) torn = scanned.value.torn;
  }
  const log = state.log;
  if (log !== null && !log.complete()) {
    return err({
      kind: 'missing_segment',
      detail: `entries ${log.boundary.index + 1}…${log.knownFrom - 1} are in no segment`,
    });
  }
  const lastGoodIndex = log === null ? (0 as Index) : log.lastIndex();
  return ok({
    log,
    validBytes,
    tornTail: torn === null ? null : { ...torn, lastGoodIndex },
    records: state.records,
    contentRecords: state.contentRecords,
    segmentKeys,
    recordsDecrypted: state.recordsDecrypted,
  });
}

interface ReplayState {
  log: LogIndex<ReplayedEntry> | null;
  records: number;
  contentRecords: number;
  /** The key of the segment being read (from its header). */
  segmentKey: KeyVersion | null;
  recordsDecrypted: number;
}

interface Scanned {
  readonly validBytes: number;
  readonly torn: {
    file: string;
    offsetBytes: number;
    bytesTruncated: number;
    problem: RecordProblem;
  } | null;
}

function scanSegment(
  segment: SegmentBytes,
  isLast: boolean,
  state: ReplayState,
  limits: Limits,
): Result<Scanned, GCacheOpenError> {
  const { bytes, path } = segment;
  let offset = 0;
  while (offset < bytes.length) {
    const read = readRecord(bytes, offset, limits.recordBytesMax);
    if (!read.ok) {
      const damaged = {
        kind: 'corrupt_record',
        file: path,
        offsetBytes: offset,
        problem: read.problem,
      } as const;
      // An intact CRC over impossible header fields was written by us: never a torn write.
      if (read.problem === 'bad_header' || !isLast) return err(damaged);
      if (findDurableWitness(bytes, offset, limits.recordBytesMax) !== null) return err(damaged);
      const bytesTruncated = bytes.length - offset;
      return ok({
        validBytes: offset,
        torn: { file: path, offsetBytes: offset, bytesTruncated, problem: read.problem },
      });
    }
    const applied = applyRecord(segment, read.record, state, limits);
    if (typeof applied === 'string') {
      return err({ kind: 'bad_record', file: path, offsetBytes: offset, detail: applied });
    }
    if (applied !== null) return err(applied);
    state.records += 1;
    offset = read.record.endBytes;
  }
  if (bytes.length === 0 && !isLast) {
    return err({
      kind: 'bad_record',
      file: path,
      offsetBytes: 0,
      detail: 'empty segment before the last',
    });
  }
  return ok({ validBytes: offset, torn: null });
}

/**
 * Applies one intact record to the log; returns what is wrong with it, if anything: a string for
 * content that does not fit, an error value for a record that does not authenticate or a key
 * that is missing or wrong.
 */
function applyRecord(
  segment: SegmentBytes,
  record: RawRecord,
  state: ReplayState,
  limits: Limits,
): string | GCacheOpenError | null {
  const codec = limits.codec;
  const isFirst = record.offsetBytes === 0;
  if (isFirst !== (record.type === RECORD_TYPES.segment))
    return isFirst ? 'the segment does not begin with its header' : 'a second segment header';
  if (record.type === RECORD_TYPES.segment) return applyHeader(segment, record, state, limits);
  const log = state.log;
  assert(log !== null, 'a header record came first');
  state.contentRecords += 1;
  let payload = record.payload;
  if (state.segmentKey !== null) {
    const opened = openRecord(
      state.segmentKey,
      record.type,
      segment.name.sequence,
      record.offsetBytes,
      payload,
    );
    if (opened === null) {
      const offsetBytes = record.offsetBytes;
      return { kind: 'corrupt_record', file: segment.path, offsetBytes, problem: 'auth_failed' };
    }
    state.recordsDecrypted += 1;
    payload = opened;
  }
  switch (record.type) {
    case RECORD_TYPES.entry: {
      const entry = decodeEntry(payload, codec);
      if (!entry.ok) return describeConsensusCodecError(entry.error);
      const loc = location(segment.name.sequence, record.offsetBytes);
      return log.append(entry.value.index, { entry: entry.value, location: loc });
    }
    case RECORD_TYPES.truncate: {
      const from = decodeTruncate(payload);
      return from.ok ? log.truncateFrom(from.value) : from.error;
    }
    case RECORD_TYPES.boundary: {
      const change = decodeBoundaryChange(payload, codec);
      return change.ok
        ? log.setBoundary(change.value.boundary, change.value.resetLog)
        : change.error;
    }
  }
}

function applyHeader(
  segment: SegmentBytes,
  record: RawRecord,
  state: ReplayState,
  limits: Limits,
): string | GCacheOpenError | null {
  const header = decodeSegmentHeader(record.payload, limits.codec);
  if (!header.ok) return header.error;
  const { firstIndex, boundary, key } = header.value;
  const resolved = resolveSegmentKey(key, limits.keys ?? null);
  if (!resolved.ok && key !== null) {
    return { kind: resolved.problem, file: segment.path, keyId: key.id, keyVersion: key.version };
  }
  state.segmentKey = resolved.ok ? resolved.key : null;
  if (firstIndex !== segment.name.firstIndex)
    return `the header's first index ${firstIndex} is not the file name's`;
  if (firstIndex <= boundary.index)
    return `first index ${firstIndex} is at or below the boundary ${boundary.index}`;
  if (state.log === null) {
    state.log = new LogIndex(boundary, firstIndex);
    return null;
  }
  if (firstIndex !== state.log.lastIndex() + 1)
    return `first index ${firstIndex} does not follow the last index ${state.log.lastIndex()}`;
  if (boundary.index !== state.log.boundary.index || boundary.term !== state.log.boundary.term)
    return `the header's boundary ${boundary.index} is not the log's ${state.log.boundary.index}`;
  return null;
}
