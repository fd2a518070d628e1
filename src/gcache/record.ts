// The record layout of a segment file, and the reading of untrusted segment bytes.
//
//   offset 0   u32  payloadBytes
//          4   u32  crc32 over bytes [0, 4) and [8, 13 + payloadBytes): length, type, synced, payload
//          8   u8   type (RECORD_TYPES)
//          9   u32  syncedBytes: how much of this segment was known durable when the record was
//                   written (the start of its flush). Recovery uses it to tell a torn tail from
//                   damage to bytes that an fsync had covered. See docs/design/gcache.md.
//         13   payload
//
// Integers are big-endian, as in the codecs.
import { assert } from '../core/assert.js';
import { crc32Of } from '../codec/crc.js';

export const RECORD_HEADER_BYTES = 13;

export const RECORD_TYPES = {
  /** First record of every segment: format version, first index, boundary at the roll. */
  segment: 1,
  entry: 2,
  /** A follower's log is overwritten from this index on. */
  truncate: 3,
  /** Compaction, or with the reset flag a state transfer that empties the log. */
  boundary: 4,
} as const;

export type RecordType = (typeof RECORD_TYPES)[keyof typeof RECORD_TYPES];

const TYPE_MAX = RECORD_TYPES.boundary;

export function recordBytes(payloadBytes: number): number {
  return RECORD_HEADER_BYTES + payloadBytes;
}

/**
 * Writes one record at `offset` of `target`, which goes to the segment at `targetFileOffset`;
 * returns the offset after it.
 */
export function writeRecord(
  target: Uint8Array,
  offset: number,
  type: RecordType,
  syncedBytes: number,
  payload: Uint8Array,
  targetFileOffset = 0,
): number {
  return writeRecordWith(
    target,
    offset,
    type,
    syncedBytes,
    payload.length,
    (at) => target.set(payload, at),
    targetFileOffset,
  );
}

/**
 * As writeRecord, with the payload written in place by `fill(payloadOffset)` (a sealed payload
 * is encrypted straight into the flush buffer).
 */
export function writeRecordWith(
  target: Uint8Array,
  offset: number,
  type: RecordType,
  syncedBytes: number,
  payloadBytes: number,
  fill: (payloadOffset: number) => void,
  targetFileOffset = 0,
): number {
  const end = offset + RECORD_HEADER_BYTES + payloadBytes;
  assert(end <= target.length, 'record does not fit its buffer');
  assert(syncedBytes >= 0, 'synced length is negative');
  assert(syncedBytes <= targetFileOffset + offset, 'synced length beyond the record');
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(offset, payloadBytes);
  view.setUint8(offset + 8, type);
  view.setUint32(offset + 9, syncedBytes);
  fill(offset + RECORD_HEADER_BYTES);
  view.setUint32(offset + 4, recordCrc(target, offset, end));
  return end;
}

function recordCrc(bytes: Uint8Array, offset: number, end: number): number {
  const crc = crc32Of(bytes.subarray(offset, offset + 4));
  return crc32Of(bytes.subarray(offset + 8, end), crc) >>> 0;
}

export interface RawRecord {
  readonly offsetBytes: number;
  readonly type: RecordType;
  readonly syncedBytes: number;
  /** A view into the segment bytes. */
  readonly payload: Uint8Array;
  readonly endBytes: number;
}

/** Why the bytes at an offset are not an intact record. */
export type RecordProblem =
  /** The file ends inside the header or the payload. */
  | 'partial'
  /** The length field is beyond `recordBytesMax`. */
  | 'bad_length'
  | 'crc_mismatch'
  /** The CRC matched but the type or synced length cannot be right. */
  | 'bad_header'
  /** The CRC matched but the sealed payload does not authenticate: altered (encrypted segments). */
  | 'auth_failed';

export type RecordRead =
  | { readonly ok: true; readonly record: RawRecord }
  | { readonly ok: false; readonly problem: RecordProblem };

/**
 * Reads the record at `offset` of untrusted `bytes` (never throws); `bytes` start at
 * `bytesFileOffset` of the segment.
 */
export function readRecord(
  bytes: Uint8Array,
  offset: number,
  recordBytesMax: number,
  bytesFileOffset = 0,
): RecordRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length - offset < RECORD_HEADER_BYTES) return { ok: false, problem: 'partial' };
  const payloadBytes = view.getUint32(offset);
  if (payloadBytes > recordBytesMax) return { ok: false, problem: 'bad_length' };
  const end = offset + RECORD_HEADER_BYTES + payloadBytes;
  if (end > bytes.length) return { ok: false, problem: 'partial' };
  if (view.getUint32(offset + 4) !== recordCrc(bytes, offset, end))
    return { ok: false, problem: 'crc_mismatch' };
  const type = view.getUint8(offset + 8);
  const syncedBytes = view.getUint32(offset + 9);
  if (type < 1 || type > TYPE_MAX || syncedBytes > bytesFileOffset + offset)
    return { ok: false, problem: 'bad_header' };
  const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
  return {
    ok: true,
    record: { offsetBytes: offset, type: type as RecordType, syncedBytes, payload, endBytes: end },
  };
}

/**
 * The offset of the first intact record after `from` whose synced length is above `from`, or
 * null. Such a record proves that an fsync covered `from`: the bytes there were durable once, so
 * damage there is corruption, not a torn write. Every byte offset is tried, since the damaged
 * record's own length cannot be trusted; cheap header checks come before the CRC.
 */
export function findDurableWitness(
  bytes: Uint8Array,
  from: number,
  recordBytesMax: number,
): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = from + 1; offset + RECORD_HEADER_BYTES <= bytes.length; offset++) {
    const type = view.getUint8(offset + 8);
    if (type < 1 || type > TYPE_MAX) continue;
    const synced = view.getUint32(offset + 9);
    if (synced <= from || synced > offset) continue;
    const payloadBytes = view.getUint32(offset);
    if (payloadBytes > recordBytesMax) continue;
    if (offset + RECORD_HEADER_BYTES + payloadBytes > bytes.length) continue;
    if (readRecord(bytes, offset, recordBytesMax).ok) return offset;
  }
  return null;
}
