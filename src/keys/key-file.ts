// Key files in the shape of MariaDB's file_key_management plugin, so that a MariaDB user's key
// file works unchanged: one key a line, `id;hex`, `#` comments, 256-bit keys. The file may be
// encrypted as MariaDB defines it (`openssl enc -aes-256-cbc -md sha1 -pass pass:SECRET`, an
// OpenSSL "Salted__" file) and opened with file_key_management_filekey (the secret, or
// `FILE:path` naming a file that holds it).
//
// trireme adds key versions, which MariaDB's plugin does not have: `id:version;hex`. A line
// without a version is version 1; `trireme key rotate` appends the next version of each key, and
// the newest version of a key encrypts while the older ones stay readable. Design:
// docs/design/encryption.md.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../codec/result.js';
import { assert } from '../core/assert.js';

/** Bytes of a key: trireme encrypts with AES-256 and ChaCha20, both 256-bit. */
export const KEY_BYTES = 32;
/** MariaDB's key ids are 32-bit unsigned integers; 0 is not a key. */
const KEY_ID_MAX = 0xffff_ffff;
const KEY_VERSION_MAX = 0xffff_ffff;
/** A key file is small; anything larger is refused unread. */
export const KEY_FILE_BYTES_MAX = 1024 * 1024;
const SALTED_MAGIC = 'Salted__';
const SALT_BYTES = 8;

export interface KeyVersion {
  readonly id: number;
  readonly version: number;
  readonly material: Uint8Array;
}

/** The keys of one key file: every version of every id. */
export class KeyRing {
  private readonly byId = new Map<number, KeyVersion[]>();

  constructor(keys: readonly KeyVersion[]) {
    for (const key of keys) {
      assert(key.material.length === KEY_BYTES, 'a key is 256 bits');
      const versions = this.byId.get(key.id) ?? [];
      versions.push(key);
      versions.sort((a, b) => a.version - b.version);
      this.byId.set(key.id, versions);
    }
  }

  /** The newest version of key `id`: the one that encrypts. */
  current(id: number): KeyVersion | null {
    const versions = this.byId.get(id);
    return versions?.[versions.length - 1] ?? null;
  }

  find(id: number, version: number): KeyVersion | null {
    return this.byId.get(id)?.find((key) => key.version === version) ?? null;
  }

  /** Every version of key `id`, newest first. */
  versions(id: number): readonly KeyVersion[] {
    return [...(this.byId.get(id) ?? [])].reverse();
  }

  ids(): number[] {
    return [...this.byId.keys()].sort((a, b) => a - b);
  }

  all(): KeyVersion[] {
    return this.ids().flatMap((id) => this.byId.get(id) ?? []);
  }
}

/** Parses the text of a key file; errors name the line. */
export function parseKeyFile(text: string): Result<KeyRing, string> {
  const keys: KeyVersion[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseKeyLine(line);
    if (!parsed.ok) return err(`line ${i + 1}: ${parsed.error}`);
    const name = `${parsed.value.id}:${parsed.value.version}`;
    if (seen.has(name)) return err(`line ${i + 1}: key ${describeKey(parsed.value)} appears twice`);
    seen.add(name);
    keys.push(parsed.value);
  }
  if (keys.length === 0) return err('the file holds no key');
  return ok(new KeyRing(keys));
}

function parseKeyLine(line: string): Result<KeyVersion, string> {
  const match = /^(\d+)(?::(\d+))?;([0-9A-Fa-f]*)$/.exec(line);
  if (match === null) return err('expected `id;hex-key` (or `id:version;hex-key`)');
  const id = Number(match[1]);
  const version = match[2] === undefined ? 1 : Number(match[2]);
  const hex = match[3]!;
  if (!Number.isSafeInteger(id) || id < 1 || id > KEY_ID_MAX)
    return err(`key id ${match[1]} is not in 1..${KEY_ID_MAX}`);
  if (!Number.isSafeInteger(version) || version < 1 || version > KEY_VERSION_MAX)
    return err(`key version ${match[2]} is not in 1..${KEY_VERSION_MAX}`);
  if (hex.length !== KEY_BYTES * 2) {
    return err(`key ${id} has ${hex.length * 4} bits; trireme needs 256-bit keys (64 hex digits)`);
  }
  return ok({ id, version, material: Uint8Array.from(Buffer.from(hex, 'hex')) });
}

export function describeKey(key: { readonly id: number; readonly version: number }): string {
  return key.version === 1 ? `id ${key.id}` : `id ${key.id} version ${key.version}`;
}

/** The text of a key file holding `keys`, one line each, with a header comment. */
export function formatKeyFile(keys: readonly KeyVersion[]): string {
  const lines = keys.map((key) => {
    const hex = Buffer.from(key.material).toString('hex');
    return key.version === 1 ? `${key.id};${hex}` : `${key.id}:${key.version};${hex}`;
  });
  return (
    '# trireme key file (MariaDB file_key_management format; `id:version;key` is a rotated key)\n' +
    lines.join('\n') +
    '\n'
  );
}

export function newKey(id: number, version: number): KeyVersion {
  return { id, version, material: Uint8Array.from(randomBytes(KEY_BYTES)) };
}

/** The ring with one new version of each key id (or of `onlyId`). */
export function rotateKeys(ring: KeyRing, onlyId: number | null): Result<KeyVersion[], string> {
  const ids = onlyId === null ? ring.ids() : [onlyId];
  const added: KeyVersion[] = [];
  for (const id of ids) {
    const current = ring.current(id);
    if (current === null) return err(`the key file has no key id ${id}`);
    if (current.version >= KEY_VERSION_MAX) return err(`key id ${id} has no version left`);
    added.push(newKey(id, current.version + 1));
  }
  return ok([...ring.all(), ...added]);
}

// ---- the encrypted key file: OpenSSL's `enc` format, as MariaDB reads it ----

/** Whether the bytes are an OpenSSL "Salted__" file (an encrypted key file). */
export function isEncryptedKeyFile(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, SALTED_MAGIC.length)).toString('latin1') === SALTED_MAGIC;
}

/**
 * OpenSSL's EVP_BytesToKey with SHA-1 and one round, which `openssl enc -md sha1` uses and
 * MariaDB's file_key_management expects: 32 key bytes and 16 IV bytes from password and salt.
 */
function bytesToKey(password: Uint8Array, salt: Uint8Array): { key: Buffer; iv: Buffer } {
  const parts: Buffer[] = [];
  let previous = Buffer.alloc(0);
  let total = 0;
  while (total < 48) {
    previous = createHash('sha1').update(previous).update(password).update(salt).digest();
    parts.push(previous);
    total += previous.length;
  }
  const bytes = Buffer.concat(parts);
  return { key: bytes.subarray(0, 32), iv: bytes.subarray(32, 48) };
}

export function decryptKeyFile(bytes: Uint8Array, password: string): Result<string, string> {
  if (!isEncryptedKeyFile(bytes)) return err('not an OpenSSL "Salted__" file');
  const headerBytes = SALTED_MAGIC.length + SALT_BYTES;
  if (bytes.length < headerBytes + 16) return err('the encrypted key file is truncated');
  const salt = bytes.subarray(SALTED_MAGIC.length, headerBytes);
  const { key, iv } = bytesToKey(Buffer.from(password, 'utf8'), salt);
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    const text = Buffer.concat([decipher.update(bytes.subarray(headerBytes)), decipher.final()]);
    return ok(text.toString('utf8'));
  } catch {
    return err('cannot decrypt it with file_key_management_filekey (wrong secret?)');
  }
}

export function encryptKeyFile(text: string, password: string): Uint8Array {
  const salt = randomBytes(SALT_BYTES);
  const { key, iv } = bytesToKey(Buffer.from(password, 'utf8'), salt);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([
    Buffer.from(SALTED_MAGIC, 'latin1'),
    salt,
    cipher.update(text, 'utf8'),
    cipher.final(),
  ]);
}
