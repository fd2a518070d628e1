// Password hashing and scramble checks for mysql_native_password and caching_sha2_password.
// The server never sees a password hash travel: it checks the client's scrambled proof against
// the stored verifier, or (caching_sha2 full authentication) a cleartext password sent over TLS
// or RSA-encrypted. See docs/design/mysql-protocol.md, "Authentication".

import {
  createHash,
  constants as cryptoConstants,
  pbkdf2Sync,
  privateDecrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { assert } from '../core/assert.js';
import { SCRAMBLE_BYTES } from './limits.js';

const SHA1_BYTES = 20;
const SHA256_BYTES = 32;
const NATIVE_HASH_PATTERN = /^\*[0-9A-F]{40}$/;
const SHA2_HASH_PREFIX = '$trireme-pbkdf2-sha256$';
const SHA2_HASH_ROUNDS = 5000;
const SHA2_SALT_BYTES = 16;

function sha1(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function xor(left: Uint8Array, right: Uint8Array): Buffer {
  assert(left.length === right.length, 'xor operands have one length');
  const out = Buffer.alloc(left.length);
  for (let index = 0; index < left.length; index++) out[index] = left[index]! ^ right[index]!;
  return out;
}

function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A fresh 20-byte nonce of printable-range bytes without NUL, as MySQL makes them. */
export function generateScramble(): Uint8Array {
  const bytes = randomBytes(SCRAMBLE_BYTES);
  for (let index = 0; index < bytes.length; index++) bytes[index] = bytes[index]! & 0x7f || 1;
  return new Uint8Array(bytes);
}

/** The mysql_native_password hash as mysql.user stores it: '*' + HEX(SHA1(SHA1(password))). */
export function nativePasswordHash(password: string): string {
  if (password === '') return '';
  return (
    '*' +
    sha1(sha1(Buffer.from(password, 'utf8')))
      .toString('hex')
      .toUpperCase()
  );
}

/** The client's proof for mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
export function nativePasswordProof(password: string, scramble: Uint8Array): Uint8Array {
  if (password === '') return new Uint8Array(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  return xor(stage1, sha1(scramble, sha1(stage1)));
}

/** Checks a mysql_native_password proof against the stored '*HEX' hash. */
export function verifyNativePassword(
  authenticationString: string,
  scramble: Uint8Array,
  proof: Uint8Array,
): boolean {
  if (authenticationString === '') return proof.length === 0;
  if (!NATIVE_HASH_PATTERN.test(authenticationString)) return false;
  if (proof.length !== SHA1_BYTES) return false;
  const stored = Buffer.from(authenticationString.slice(1), 'hex');
  const stage1 = xor(proof, sha1(scramble, stored));
  return equalBytes(sha1(stage1), stored);
}

/**
 * The stored verifier of a caching_sha2_password account: salted PBKDF2-SHA256, in trireme's
 * own format (MySQL's '$A$005$' SHA-256-crypt strings are not read; see the design note).
 */
export function cachingSha2PasswordHash(password: string, salt?: Uint8Array): string {
  if (password === '') return '';
  const saltBytes = salt ?? randomBytes(SHA2_SALT_BYTES);
  const hash = pbkdf2Sync(password, saltBytes, SHA2_HASH_ROUNDS, SHA256_BYTES, 'sha256');
  return `${SHA2_HASH_PREFIX}${Buffer.from(saltBytes).toString('hex')}$${hash.toString('hex')}`;
}

/** Checks a cleartext password (full authentication) against cachingSha2PasswordHash(). */
export function verifyCachingSha2Password(authenticationString: string, password: string): boolean {
  if (authenticationString === '') return password === '';
  if (!authenticationString.startsWith(SHA2_HASH_PREFIX)) return false;
  const [saltHex, hashHex] = authenticationString.slice(SHA2_HASH_PREFIX.length).split('$');
  if (saltHex === undefined || hashHex === undefined) return false;
  const stored = Buffer.from(hashHex, 'hex');
  if (stored.length !== SHA256_BYTES) return false;
  const salt = Buffer.from(saltHex, 'hex');
  return equalBytes(pbkdf2Sync(password, salt, SHA2_HASH_ROUNDS, SHA256_BYTES, 'sha256'), stored);
}

/** What the fast-authentication cache keeps per account: SHA256(SHA256(password)). */
export function cachingSha2Digest(password: string): Uint8Array {
  return sha256(sha256(Buffer.from(password, 'utf8')));
}

/** The client's fast-auth proof: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). */
export function cachingSha2Proof(password: string, scramble: Uint8Array): Uint8Array {
  if (password === '') return new Uint8Array(0);
  const stage1 = sha256(Buffer.from(password, 'utf8'));
  return xor(stage1, sha256(sha256(stage1), scramble));
}

/** Checks a fast-auth proof against a cached SHA256(SHA256(password)). */
export function verifyCachingSha2Proof(
  digest: Uint8Array,
  scramble: Uint8Array,
  proof: Uint8Array,
): boolean {
  if (proof.length !== SHA256_BYTES || digest.length !== SHA256_BYTES) return false;
  const stage1 = xor(proof, sha256(digest, scramble));
  return equalBytes(sha256(stage1), digest);
}

/**
 * Decrypts the RSA-OAEP password a client sends without TLS and undoes the scramble XOR.
 * Returns null if the bytes do not decrypt (bad input, not a bug).
 */
export function decryptRsaPassword(
  privateKey: KeyObject,
  encrypted: Uint8Array,
  scramble: Uint8Array,
): string | null {
  let plain: Buffer;
  try {
    const padding = cryptoConstants.RSA_PKCS1_OAEP_PADDING;
    plain = privateDecrypt({ key: privateKey, padding, oaepHash: 'sha1' }, encrypted);
  } catch {
    return null;
  }
  for (let index = 0; index < plain.length; index++) {
    plain[index] = plain[index]! ^ scramble[index % scramble.length]!;
  }
  return cleartextPassword(plain);
}

/** A NUL-terminated cleartext password (the terminator is optional). */
export function cleartextPassword(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}
