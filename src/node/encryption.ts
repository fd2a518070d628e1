// Encryption at rest for one node: the key file read once at start, and what the store, the
// GCache and state transfers get from it. Every refusal is one line naming the key file and the
// key id (docs/design/encryption.md).
import type { EncryptionConfig } from '../config/index.js';
import type { NodeId } from '../core/types.js';
import type { GCacheKeys } from '../gcache/index.js';
import { describeKey, loadEncryption, type Encryption, type KeyVersion } from '../keys/index.js';
import {
  Store,
  type OpenError,
  type PageCipher,
  type StorageLimits,
  type UserFunction,
} from '../storage/index.js';

export interface NodeEncryption {
  readonly encryption: Encryption | null;
  readonly gcacheKeys: GCacheKeys | null;
}

/** Reads the key file; throws one line naming it and the key id when it cannot be used. */
export function loadNodeEncryption(config: EncryptionConfig): NodeEncryption {
  const loaded = loadEncryption(config);
  if (!loaded.ok) throw new Error(`encryption: ${loaded.error}`);
  const encryption = loaded.value;
  if (encryption === null) return { encryption: null, gcacheKeys: null };
  const ring = encryption.ring;
  return {
    encryption,
    // Without gcache encryption the keys still open segments written while it was on.
    gcacheKeys: { current: encryption.gcacheKey, find: (id, version) => ring.find(id, version) },
  };
}

/** The page cipher of the data files, or null when they are stored in plaintext. */
export function pageCipherOf(node: NodeEncryption): PageCipher | null {
  const key = node.encryption?.dataKey ?? null;
  return key === null ? null : { key: key.material };
}

export interface OpenedStore {
  readonly store: Store;
  /** The key version the database opened with (null: plaintext). */
  readonly dataKey: KeyVersion | null;
}

/**
 * Opens the store with the data key, trying older versions of it too (a file not yet rekeyed
 * after `trireme key rotate`); a refusal names the database, the key file and the key id.
 */
export function openEncryptedStore(
  options: {
    readonly path: string;
    readonly nodeId: NodeId;
    readonly functions?: readonly UserFunction[];
    readonly limits?: Partial<StorageLimits>;
  },
  encryption: Encryption | null,
): { ok: true; value: OpenedStore } | { ok: false; message: string; error: OpenError } {
  const candidates: (KeyVersion | null)[] =
    encryption === null || encryption.dataKey === null
      ? [null]
      : [...encryption.ring.versions(encryption.dataKeyId)];
  let last: OpenError | null = null;
  for (const key of candidates) {
    const cipher: PageCipher | null = key === null ? null : { key: key.material };
    const opened = Store.open({ ...options, cipher });
    if (opened.ok) return { ok: true, value: { store: opened.value, dataKey: key } };
    last = opened.error;
    if (opened.error.kind !== 'wrong_key') break;
  }
  const error = last!;
  return { ok: false, message: describeStoreOpenError(error, options.path, encryption), error };
}

function describeStoreOpenError(
  error: OpenError,
  path: string,
  encryption: Encryption | null,
): string {
  switch (error.kind) {
    case 'open_failed':
      return `cannot open the database ${path}: ${error.detail}`;
    case 'unknown_format':
      return `the database ${path} has an unknown format (version ${error.version})`;
    case 'wrong_key':
      if (encryption === null || encryption.dataKey === null)
        return `the database ${path} is encrypted (or damaged) and no data key is configured: set file_key_management_filename and innodb_encrypt_tables`;
      return `the database ${path} does not open with key ${describeKey({ id: encryption.dataKeyId, version: 1 })} of ${encryption.keyFile} (another key, a plaintext file, or damage)`;
  }
}
