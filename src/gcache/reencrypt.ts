// Re-encryption of a stopped node's GCache: every segment not sealed with the current key (or
// plaintext where encryption is now on, or sealed where it is now off) is rewritten record by
// record under the current key and renamed over the old file. Used by `trireme key reencrypt`
// after `trireme key rotate`, and to turn encryption on or off for an existing node
// (docs/design/encryption.md, "Rotation and turning it on"). A running node re-seals one complete
// segment at a time with resealSegment (GCache.rewriteSegment; "Background re-encryption").
//
// Crash safety: the new file is written beside the old one (`.reencrypt` suffix, which open()
// ignores), fsynced, renamed over it and the directory fsynced; a crash leaves either file whole.
// The caller opens the GCache first, so a torn tail has been cut and any bad record here is
// corruption.
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CONSENSUS_LIMITS, type ConsensusLimits } from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import { assert } from '../core/assert.js';
import { NONCE_BYTES, type KeyVersion } from '../keys/index.js';
import {
  openRecord,
  resolveSegmentKey,
  segmentKeyRef,
  storedPayloadBytes,
  sealRecordInto,
  type GCacheKeys,
} from './cipher.js';
import { isSegmentLike, parseSegmentName, syncDirectory, writeFully } from './files.js';
import { DEFAULT_GCACHE_LIMITS } from './limits.js';
import { decodeSegmentHeader, encodeSegmentHeader } from './payloads.js';
import {
  readRecord,
  recordBytes,
  RECORD_TYPES,
  writeRecord,
  writeRecordWith,
  type RecordType,
} from './record.js';

const REWRITE_SUFFIX = '.reencrypt';

export interface ReencryptReport {
  /** Segment files rewritten, and those already under the current key. */
  readonly rewritten: readonly string[];
  readonly unchanged: readonly string[];
  readonly records: number;
}

interface PlainRecord {
  readonly type: RecordType;
  readonly payload: Uint8Array;
}

export async function reencryptGCache(
  dir: string,
  keys: GCacheKeys | null,
  codecLimits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
): Promise<Result<ReencryptReport, string>> {
  const target = keys?.current ?? null;
  const files = (await readdir(dir)).filter(isSegmentLike).sort();
  for (const file of await readdir(dir))
    if (file.endsWith(REWRITE_SUFFIX)) await rm(join(dir, file), { force: true });
  const rewritten: string[] = [];
  const unchanged: string[] = [];
  let records = 0;
  for (const file of files) {
    const name = parseSegmentName(file);
    if (name === null) return err(`cannot parse the segment file name ${file}`);
    const path = join(dir, file);
    const read = readSegment(await readFile(path), name.sequence, keys, codecLimits);
    if (!read.ok) return err(`${path}: ${read.error}`);
    const { key, header, body } = read.value;
    if (sameKey(key, target)) {
      unchanged.push(file);
      continue;
    }
    const bytes = writeSegment(
      name.sequence,
      { ...header, key: segmentKeyRef(target) },
      body,
      target,
    );
    const temp = path + REWRITE_SUFFIX;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await writeFully(handle, bytes, 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDirectory(dir);
    rewritten.push(file);
    records += body.length;
  }
  return ok({ rewritten, unchanged, records });
}

function readSegment(
  buffer: Buffer,
  sequence: number,
  keys: GCacheKeys | null,
  codecLimits: ConsensusLimits,
): Result<
  {
    key: KeyVersion | null;
    header: Parameters<typeof encodeSegmentHeader>[0];
    body: PlainRecord[];
  },
  string
> {
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const recordBytesMax = DEFAULT_GCACHE_LIMITS.recordBytesMax;
  const first = readRecord(bytes, 0, recordBytesMax);
  if (!first.ok || first.record.type !== RECORD_TYPES.segment)
    return err('the segment does not begin with an intact header');
  const header = decodeSegmentHeader(first.record.payload, codecLimits);
  if (!header.ok) return err(header.error);
  const resolved = resolveSegmentKey(header.value.key, keys);
  if (!resolved.ok) {
    const ref = header.value.key!;
    return err(`${resolved.problem}: key id ${ref.id} version ${ref.version}`);
  }
  const key = resolved.key;
  const body: PlainRecord[] = [];
  let offset = first.record.endBytes;
  while (offset < bytes.length) {
    const read = readRecord(bytes, offset, recordBytesMax);
    if (!read.ok) return err(`record at offset ${offset}: ${read.problem}`);
    let payload = read.record.payload;
    if (key !== null) {
      const opened = openRecord(key, read.record.type, sequence, offset, payload);
      if (opened === null) return err(`record at offset ${offset}: auth_failed`);
      payload = opened;
    }
    body.push({ type: read.record.type, payload: Uint8Array.from(payload) });
    offset = read.record.endBytes;
  }
  return ok({ key, header: header.value, body });
}

/** The segment's bytes: its header, then every record, sealed with `key` at its new offset. */
function writeSegment(
  sequence: number,
  header: Parameters<typeof encodeSegmentHeader>[0],
  body: readonly PlainRecord[],
  key: KeyVersion | null,
): Uint8Array {
  const headerPayload = encodeSegmentHeader(header);
  let total = recordBytes(headerPayload.length);
  for (const record of body)
    total += recordBytes(storedPayloadBytes(record.payload.length, key !== null));
  const buffer = new Uint8Array(total);
  let at = writeRecord(buffer, 0, RECORD_TYPES.segment, 0, headerPayload);
  const nonces = key === null ? null : randomBytes(NONCE_BYTES * body.length);
  body.forEach((record, i) => {
    // The rewritten file is fsynced whole before it replaces the old: all before a record is
    // durable, which is what its synced length says.
    const offset = at;
    if (key === null || nonces === null) {
      at = writeRecord(buffer, at, record.type, offset, record.payload);
      return;
    }
    const nonce = nonces.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES);
    const sealedBytes = storedPayloadBytes(record.payload.length, true);
    at = writeRecordWith(buffer, at, record.type, offset, sealedBytes, (payloadAt) =>
      sealRecordInto(key, record.type, sequence, offset, record.payload, buffer, payloadAt, nonce),
    );
  });
  return buffer;
}

function sameKey(a: KeyVersion | null, b: KeyVersion | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.version === b.version;
}

/**
 * A running node's re-encryption of one complete sealed segment (GCache.rewriteSegment): its
 * bytes with every record opened under `from` and sealed under `target` at the same offset (a
 * sealed record keeps its size under any key, and so does the header), so every location the
 * log index holds stays valid. `recordsPerTurn` records are done per event-loop turn, so that
 * the node keeps serving: a segment of tens of MiB is seconds of AES-GCM.
 */
export async function resealSegment(
  bytes: Uint8Array,
  sequence: number,
  from: KeyVersion,
  target: KeyVersion,
  recordsPerTurn: number,
  codecLimits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
): Promise<Result<{ bytes: Uint8Array; records: number }, string>> {
  assert(recordsPerTurn >= 1, 'at least one record per turn');
  const recordBytesMax = DEFAULT_GCACHE_LIMITS.recordBytesMax;
  const first = readRecord(bytes, 0, recordBytesMax);
  if (!first.ok || first.record.type !== RECORD_TYPES.segment)
    return err('the segment does not begin with an intact header');
  const header = decodeSegmentHeader(first.record.payload, codecLimits);
  if (!header.ok) return err(header.error);
  const ref = header.value.key;
  if (ref === null || ref.id !== from.id || ref.version !== from.version)
    return err('the segment header names another key than the segment was opened with');
  const headerPayload = encodeSegmentHeader({ ...header.value, key: segmentKeyRef(target) });
  if (recordBytes(headerPayload.length) !== first.record.endBytes)
    return err('the new header would not keep the record offsets');
  const out = new Uint8Array(bytes.length);
  writeRecord(out, 0, RECORD_TYPES.segment, 0, headerPayload);
  let offset = first.record.endBytes;
  let records = 0;
  while (offset < bytes.length) {
    const read = readRecord(bytes, offset, recordBytesMax);
    if (!read.ok) return err(`record at offset ${offset}: ${read.problem}`);
    const { type, payload, endBytes } = read.record;
    const opened = openRecord(from, type, sequence, offset, payload);
    if (opened === null) return err(`record at offset ${offset}: auth_failed`);
    const sealedBytes = storedPayloadBytes(opened.length, true);
    assert(sealedBytes === payload.length, 'a sealed record keeps its size under any key');
    const at = offset;
    // Everything before a record is durable once the new file is fsynced whole (as above).
    writeRecordWith(out, at, type, at, sealedBytes, (payloadAt) =>
      sealRecordInto(target, type, sequence, at, opened, out, payloadAt, randomBytes(NONCE_BYTES)),
    );
    offset = endBytes;
    if (++records % recordsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return ok({ bytes: out, records });
}
