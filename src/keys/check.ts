// A key check value: a short fingerprint stored beside encrypted data so that a wrong key is
// told apart from damaged data. HMAC-SHA-256 of a fixed label under the key, first 8 bytes: it
// reveals nothing usable about the key, and a wrong key matches with probability 2^-64.
import { createHmac } from 'node:crypto';

export const KEY_CHECK_BYTES = 8;

export function keyCheck(material: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', material).update('trireme key check v1').digest();
  return Uint8Array.from(mac.subarray(0, KEY_CHECK_BYTES));
}
