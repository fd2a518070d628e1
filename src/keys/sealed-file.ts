// A file of sealed records, for what a node appends outside the database and the GCache and
// that holds user data (the local-history dump of a standalone node):
//
//   header  = magic "TRSEAL01" (8) ‖ key id (u32) ‖ key version (u32) ‖ key check (8)
//   record  = sealed length (u32) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
//
// Big-endian. Each record is sealed with AES-256-GCM (aead.ts); its additional data is the magic
// and its ordinal, so a record moved, repeated or dropped from the middle does not authenticate.
// A record cut short at the end (a crash mid-write) is a torn tail, reported apart from a
// record that does not authenticate (altered, or another key). Design: docs/design/encryption.md.
import { keyCheck, KEY_CHECK_BYTES } from './check.js';
import { open, seal, SEAL_OVERHEAD_BYTES } from './aead.js';
import type { KeyVersion } from './key-file.js';

const MAGIC = Buffer.from('TRSEAL01', 'latin1');
export const SEALED_HEADER_BYTES = MAGIC.length + 4 + 4 + KEY_CHECK_BYTES;
/** A record longer than this is damage, not data: nothing a node seals here is that large. */
const SEALED_RECORD_BYTES_MAX = 256 * 1024 * 1024;

export function isSealedFile(bytes: Uint8Array): boolean {
  return (
    bytes.length >= MAGIC.length && Buffer.compare(bytes.subarray(0, MAGIC.length), MAGIC) === 0
  );
}

export function sealedFileHeader(key: KeyVersion): Uint8Array {
  const header = Buffer.alloc(SEALED_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(key.id, MAGIC.length);
  header.writeUInt32BE(key.version, MAGIC.length + 4);
  header.set(keyCheck(key.material), MAGIC.length + 8);
  return header;
}

function recordAad(ordinal: number): Uint8Array {
  const aad = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(aad, 0);
  aad.writeUInt32BE(ordinal, MAGIC.length);
  return aad;
}

/** Record `ordinal` (0 for the first after the header), framed with its length. */
export function sealedFileRecord(
  key: KeyVersion,
  ordinal: number,
  plaintext: Uint8Array,
): Uint8Array {
  const sealed = seal(key.material, recordAad(ordinal), plaintext);
  const framed = Buffer.alloc(4 + sealed.length);
  framed.writeUInt32BE(sealed.length, 0);
  framed.set(sealed, 4);
  return framed;
}

export type SealedFileError =
  | { readonly kind: 'not_sealed' }
  | { readonly kind: 'missing_key' | 'wrong_key'; readonly id: number; readonly version: number }
  | { readonly kind: 'auth_failed'; readonly record: number; readonly offset: number };

export interface SealedFileContents {
  readonly key: { readonly id: number; readonly version: number };
  readonly records: readonly Uint8Array[];
  /** Bytes of an incomplete last record (a write cut short), 0 when the file ends whole. */
  readonly tornBytes: number;
}

/** Opens every record; a record that does not authenticate is an error, never data. */
export function openSealedFile(
  bytes: Uint8Array,
  find: (id: number, version: number) => KeyVersion | null,
): { ok: true; value: SealedFileContents } | { ok: false; error: SealedFileError } {
  if (!isSealedFile(bytes) || bytes.length < SEALED_HEADER_BYTES)
    return { ok: false, error: { kind: 'not_sealed' } };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.readUInt32BE(MAGIC.length);
  const version = view.readUInt32BE(MAGIC.length + 4);
  const key = find(id, version);
  if (key === null) return { ok: false, error: { kind: 'missing_key', id, version } };
  const check = view.subarray(MAGIC.length + 8, SEALED_HEADER_BYTES);
  if (Buffer.compare(keyCheck(key.material), check) !== 0)
    return { ok: false, error: { kind: 'wrong_key', id, version } };
  const records: Uint8Array[] = [];
  let offset = SEALED_HEADER_BYTES;
  while (offset + 4 <= view.length) {
    const length = view.readUInt32BE(offset);
    if (length < SEAL_OVERHEAD_BYTES || length > SEALED_RECORD_BYTES_MAX)
      return { ok: false, error: { kind: 'auth_failed', record: records.length, offset } };
    if (offset + 4 + length > view.length) break;
    const plaintext = open(
      key.material,
      recordAad(records.length),
      view.subarray(offset + 4, offset + 4 + length),
    );
    if (plaintext === null)
      return { ok: false, error: { kind: 'auth_failed', record: records.length, offset } };
    records.push(plaintext);
    offset += 4 + length;
  }
  return { ok: true, value: { key: { id, version }, records, tornBytes: view.length - offset } };
}

/** One line naming the file, the key and the key file (`trireme key decrypt`, reencrypt). */
export function describeSealedFileError(
  path: string,
  keyFile: string,
  error: SealedFileError,
): string {
  switch (error.kind) {
    case 'not_sealed':
      return `${path} is not a sealed file`;
    case 'missing_key':
      return `${path} is sealed with key id ${error.id} version ${error.version}, which key file ${keyFile} does not hold`;
    case 'wrong_key':
      return `${path} was sealed with another key than key id ${error.id} version ${error.version} of key file ${keyFile}`;
    case 'auth_failed':
      return `${path}: corrupt record ${error.record} at offset ${error.offset}: auth_failed (altered, never data)`;
  }
}
