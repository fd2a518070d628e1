// Encryption of the GCache's records (docs/design/encryption.md). A segment's header names the
// key (id, version, check value) that seals every other record of the segment; the header stays
// readable, so recovery finds the key before it reads a record. Sealing is per record
// (keys/aead.ts): a torn record is still a torn record (its CRC over the sealed bytes fails), and
// an intact-CRC record that does not authenticate was altered: corruption, never data.
import { assert } from '../core/assert.js';
import { keyCheck, open, sealInto, SEAL_OVERHEAD_BYTES, type KeyVersion } from '../keys/index.js';
import type { SegmentKeyRef } from './payloads.js';
import type { RecordType } from './record.js';

/** The keys the GCache may use: a port the node fills from its key file. */
export interface GCacheKeys {
  /** Seals records of new segments; null writes them in plaintext. */
  readonly current: KeyVersion | null;
  /** Any version still in the key file, to read older segments. */
  find(id: number, version: number): KeyVersion | null;
}

/** What a segment header's key reference resolves to. */
export type SegmentKeyLookup =
  | { readonly ok: true; readonly key: KeyVersion | null }
  | { readonly ok: false; readonly problem: 'missing_key' | 'wrong_key' };

export function segmentKeyRef(key: KeyVersion | null): SegmentKeyRef | null {
  return key === null ? null : { id: key.id, version: key.version, check: keyCheck(key.material) };
}

export function resolveSegmentKey(
  ref: SegmentKeyRef | null,
  keys: GCacheKeys | null,
): SegmentKeyLookup {
  if (ref === null) return { ok: true, key: null };
  const key = keys?.find(ref.id, ref.version) ?? null;
  if (key === null) return { ok: false, problem: 'missing_key' };
  const check = keyCheck(key.material);
  if (Buffer.compare(check, ref.check) !== 0) return { ok: false, problem: 'wrong_key' };
  return { ok: true, key };
}

/** Bytes a payload takes on disk in a segment sealed (or not) with a key. */
export function storedPayloadBytes(payloadBytes: number, sealed: boolean): number {
  return sealed ? payloadBytes + SEAL_OVERHEAD_BYTES : payloadBytes;
}

// The additional data: the record's type and place, so a record copied elsewhere fails.
function recordAad(type: RecordType, sequence: number, offsetBytes: number): Uint8Array {
  const aad = new Uint8Array(9);
  const view = new DataView(aad.buffer);
  view.setUint8(0, type);
  view.setUint32(1, sequence);
  view.setUint32(5, offsetBytes);
  return aad;
}

/** Seals `payload` into `target` at `at` (storedPayloadBytes long), with the nonce given. */
export function sealRecordInto(
  key: KeyVersion,
  type: RecordType,
  sequence: number,
  offsetBytes: number,
  payload: Uint8Array,
  target: Uint8Array,
  at: number,
  nonce: Uint8Array,
): void {
  assert(offsetBytes >= 0, 'record offset');
  sealInto(key.material, recordAad(type, sequence, offsetBytes), payload, target, at, nonce);
}

/** The plaintext payload, or null when the record does not authenticate. */
export function openRecord(
  key: KeyVersion,
  type: RecordType,
  sequence: number,
  offsetBytes: number,
  sealed: Uint8Array,
): Uint8Array | null {
  return open(key.material, recordAad(type, sequence, offsetBytes), sealed);
}
