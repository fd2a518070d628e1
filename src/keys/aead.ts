// Authenticated encryption of one record: AES-256-GCM with a random 96-bit nonce per record.
//
//   sealed = nonce (12) ‖ ciphertext (as long as the plaintext) ‖ tag (16)
//
// A random nonce rather than a counter: a torn tail is cut and its offsets are written again
// after a restart, so a nonce derived from the position would repeat under the same key. With
// random nonces the bound is about 2^32 records per key version (NIST SP 800-38D); rotating the
// key (`trireme key rotate`) starts a new count. The additional data binds a record to its place
// (type, segment, offset), so an intact record moved elsewhere does not authenticate.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { assert } from '../core/assert.js';
import { KEY_BYTES } from './key-file.js';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SEAL_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;

/**
 * Seals `plaintext` into `target` at `offset` (SEAL_OVERHEAD_BYTES longer); returns the end.
 * `nonce`: 12 random bytes drawn by the caller (one draw for many records is much cheaper than
 * one per record); drawn here when absent.
 */
export function sealInto(
  key: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  target: Uint8Array,
  offset: number,
  nonceGiven: Uint8Array | null = null,
): number {
  assert(key.length === KEY_BYTES, 'AES-256 key');
  const end = offset + plaintext.length + SEAL_OVERHEAD_BYTES;
  assert(end <= target.length, 'sealed record does not fit');
  const nonce = target.subarray(offset, offset + NONCE_BYTES);
  if (nonceGiven === null) {
    randomFillSync(nonce);
  } else {
    assert(nonceGiven.length === NONCE_BYTES, 'nonce length');
    nonce.set(nonceGiven);
  }
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  cipher.final();
  target.set(body, offset + NONCE_BYTES);
  target.set(cipher.getAuthTag(), end - TAG_BYTES);
  return end;
}

export function seal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(plaintext.length + SEAL_OVERHEAD_BYTES);
  sealInto(key, aad, plaintext, out, 0);
  return out;
}

/** The plaintext, or null when the bytes do not authenticate (tampered, or another key). */
export function open(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < SEAL_OVERHEAD_BYTES) return null;
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const body = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
    decipher.final();
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } catch {
    return null;
  }
}
