// Reading the key file named by file_key_management_filename, and what each part of the node
// encrypts with it. The mapping from MariaDB's switches is in docs/design/encryption.md.
import { readFileSync, statSync } from 'node:fs';
import { err, ok, type Result } from '../codec/result.js';
import {
  decryptKeyFile,
  describeKey,
  isEncryptedKeyFile,
  KEY_FILE_BYTES_MAX,
  parseKeyFile,
  type KeyRing,
  type KeyVersion,
} from './key-file.js';

/** Where the key file is and how to open it: file_key_management_filename/_filekey. */
export interface KeyFileSettings {
  readonly filename: string;
  /** The secret of an encrypted key file, or `FILE:path`; null for a plaintext key file. */
  readonly filekey: string | null;
}

/** What the node encrypts, and with which key id (MariaDB's switches, resolved). */
export interface EncryptionSettings {
  readonly keyFile: KeyFileSettings | null;
  /** The SQLite database, its WAL and temporary data (innodb_encrypt_tables, _log). */
  readonly dataFiles: boolean;
  readonly dataKeyId: number;
  /** The GCache segments and SST staging (encrypt_binlog, gcache.encrypt). */
  readonly gcache: boolean;
  readonly gcacheKeyId: number;
}

/** The keys in force: null members mean "stored in plaintext". */
export interface Encryption {
  readonly keyFile: string;
  readonly ring: KeyRing;
  /** The newest version of the data key id, or null when data files are not encrypted. */
  readonly dataKey: KeyVersion | null;
  readonly dataKeyId: number;
  /** The newest version of the GCache key id, or null when the GCache is not encrypted. */
  readonly gcacheKey: KeyVersion | null;
}

/** The filekey secret: the value itself, or the content of the file `FILE:path` names. */
function readFilekey(filekey: string): Result<string, string> {
  if (!filekey.startsWith('FILE:')) return ok(filekey);
  const path = filekey.slice('FILE:'.length);
  try {
    return ok(readFileSync(path, 'utf8').replace(/[\r\n]+$/, ''));
  } catch (error) {
    return err(`cannot read file_key_management_filekey ${path}: ${(error as Error).message}`);
  }
}

export function readKeyRing(settings: KeyFileSettings): Result<KeyRing, string> {
  const file = settings.filename;
  let bytes: Buffer;
  try {
    if (statSync(file).size > KEY_FILE_BYTES_MAX)
      return err(`key file ${file} is larger than ${KEY_FILE_BYTES_MAX} bytes`);
    bytes = readFileSync(file);
  } catch (error) {
    return err(`cannot read key file ${file}: ${(error as NodeJS.ErrnoException).code ?? ''}`);
  }
  let text: string;
  if (isEncryptedKeyFile(bytes)) {
    if (settings.filekey === null)
      return err(`key file ${file} is encrypted: set file_key_management_filekey`);
    const secret = readFilekey(settings.filekey);
    if (!secret.ok) return secret;
    const decrypted = decryptKeyFile(bytes, secret.value);
    if (!decrypted.ok) return err(`key file ${file}: ${decrypted.error}`);
    text = decrypted.value;
  } else {
    text = bytes.toString('utf8');
  }
  const ring = parseKeyFile(text);
  return ring.ok ? ring : err(`key file ${file}: ${ring.error}`);
}

/** Reads the key file and picks the keys; the error is one line naming the file and key id. */
export function loadEncryption(settings: EncryptionSettings): Result<Encryption | null, string> {
  if (settings.keyFile === null) {
    if (settings.dataFiles || settings.gcache)
      return err('encryption is requested but no key file is set (file_key_management_filename)');
    return ok(null);
  }
  const ring = readKeyRing(settings.keyFile);
  if (!ring.ok) {
    // The key ids the node would have taken from it, so the one line names them too.
    const ids = new Set<number>();
    if (settings.dataFiles) ids.add(settings.dataKeyId);
    if (settings.gcache) ids.add(settings.gcacheKeyId);
    const wanted = [...ids].map((id) => `key id ${id}`).join(' and ');
    return ids.size === 0 ? ring : err(`${ring.error} (no ${wanted})`);
  }
  const file = settings.keyFile.filename;
  const pick = (on: boolean, id: number): Result<KeyVersion | null, string> => {
    if (!on) return ok(null);
    const key = ring.value.current(id);
    return key === null
      ? err(`key file ${file} has no key ${describeKey({ id, version: 1 })}`)
      : ok(key);
  };
  const dataKey = pick(settings.dataFiles, settings.dataKeyId);
  if (!dataKey.ok) return dataKey;
  const gcacheKey = pick(settings.gcache, settings.gcacheKeyId);
  if (!gcacheKey.ok) return gcacheKey;
  return ok({
    keyFile: file,
    ring: ring.value,
    dataKey: dataKey.value,
    dataKeyId: settings.dataKeyId,
    gcacheKey: gcacheKey.value,
  });
}
