// Payloads of the gcache's own record types. Entries, boundaries and the hard state use the
// consensus codec (src/codec/consensus.ts); these wrap them with the few fields the log adds.
import { ByteReader, ByteWriter } from '../codec/bytes.js';
import {
  decodeBoundary,
  describeConsensusCodecError,
  encodeBoundary,
  type ConsensusLimits,
} from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import type { Boundary } from '../core/consensus/types.js';
import { assert } from '../core/assert.js';
import type { Index } from '../core/types.js';
import { KEY_CHECK_BYTES } from '../keys/check.js';

/** Version of the segment format, in every segment's first record: 1 plaintext, 2 encrypted. */
export const SEGMENT_FORMAT_VERSION = 1;
export const SEGMENT_FORMAT_VERSION_ENCRYPTED = 2;

/** Which key encrypts a segment's records (docs/design/encryption.md). */
export interface SegmentKeyRef {
  readonly id: number;
  readonly version: number;
  /** keyCheck(key): a wrong key is told apart from damaged records. */
  readonly check: Uint8Array;
}

export interface SegmentHeader {
  /** The index the segment's first entry record was to have when the segment was created. */
  readonly firstIndex: Index;
  /** The compaction boundary in force then: replay can start at this segment. */
  readonly boundary: Boundary;
  /** The key of every other record of the segment; null: they are plaintext. */
  readonly key: SegmentKeyRef | null;
}

export interface BoundaryChange {
  readonly boundary: Boundary;
  /** A state transfer replaced the log: every entry goes, not only those up to the boundary. */
  readonly resetLog: boolean;
}

export function encodeSegmentHeader(header: SegmentHeader): Uint8Array {
  const boundary = encodeBoundary(header.boundary);
  const key = header.key;
  const w = new ByteWriter(9 + (key === null ? 0 : 8 + KEY_CHECK_BYTES) + boundary.length);
  w.u8(key === null ? SEGMENT_FORMAT_VERSION : SEGMENT_FORMAT_VERSION_ENCRYPTED);
  w.u64(header.firstIndex);
  if (key !== null) {
    w.u32(key.id);
    w.u32(key.version);
    assert(key.check.length === KEY_CHECK_BYTES, 'key check length');
    w.bytes(key.check);
  }
  w.bytes(boundary);
  return w.copy();
}

export function decodeSegmentHeader(
  payload: Uint8Array,
  limits: ConsensusLimits,
): Result<SegmentHeader, string> {
  const r = new ByteReader(payload);
  const version = r.u8();
  const firstIndex = r.u64Safe();
  if (r.overrun) return err('segment header truncated');
  if (version !== SEGMENT_FORMAT_VERSION && version !== SEGMENT_FORMAT_VERSION_ENCRYPTED)
    return err(`unknown segment format version ${version}`);
  if (firstIndex < 1) return err('segment first index out of range');
  let key: SegmentKeyRef | null = null;
  if (version === SEGMENT_FORMAT_VERSION_ENCRYPTED) {
    const id = r.u32();
    const keyVersion = r.u32();
    const check = r.bytesCopy(KEY_CHECK_BYTES);
    if (r.overrun) return err('segment header truncated');
    if (id < 1 || keyVersion < 1) return err('segment key id or version is 0');
    key = { id, version: keyVersion, check };
  }
  const boundary = decodeBoundary(payload.subarray(r.offsetBytes), limits);
  if (!boundary.ok) return err(describeConsensusCodecError(boundary.error));
  return ok({ firstIndex: firstIndex as Index, boundary: boundary.value, key });
}

export function encodeBoundaryChange(change: BoundaryChange): Uint8Array {
  const boundary = encodeBoundary(change.boundary);
  const w = new ByteWriter(1 + boundary.length);
  w.u8(change.resetLog ? 1 : 0);
  w.bytes(boundary);
  return w.copy();
}

export function decodeBoundaryChange(
  payload: Uint8Array,
  limits: ConsensusLimits,
): Result<BoundaryChange, string> {
  const flag = payload[0];
  if (flag === undefined) return err('boundary record is empty');
  if (flag > 1) return err('boundary reset flag is not 0 or 1');
  const boundary = decodeBoundary(payload.subarray(1), limits);
  if (!boundary.ok) return err(describeConsensusCodecError(boundary.error));
  return ok({ boundary: boundary.value, resetLog: flag === 1 });
}

export function encodeTruncate(fromIndex: Index): Uint8Array {
  const w = new ByteWriter(8);
  w.u64(fromIndex);
  return w.copy();
}

export function decodeTruncate(payload: Uint8Array): Result<Index, string> {
  const r = new ByteReader(payload);
  const fromIndex = r.u64Safe();
  if (r.overrun || r.remainingBytes !== 0) return err('truncate record is not 8 bytes');
  if (fromIndex < 1) return err('truncate index out of range');
  return ok(fromIndex as Index);
}
