// Encryption at rest for one node: the key file read once at start, and what the store, the
// GCache and state transfers get from it. Every refusal is one line naming the key file and the
// key id (docs/design/encryption.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncryptionConfig, ServerConfig } from '../config/index.js';
import type { NodeId } from '../core/types.js';
import { reencryptLocalHistory } from './local-history.js';
import { describeGCacheError, GCache, reencryptGCache, type GCacheKeys } from '../gcache/index.js';
import { describeKey, loadEncryption, type Encryption, type KeyVersion } from '../keys/index.js';
import {
  describePageScheme,
  findCipher,
  newPageScheme,
  pageSchemeOf,
  rekeyDatabaseFile,
  Store,
  storePath,
  type OpenError,
  type PageCipher,
  type PageScheme,
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

/**
 * The key that seals a standalone node's local-history dump: the GCache's (a log of write-sets,
 * key id 1 as MariaDB's binary log), else the data key (it holds table rows); null: plaintext.
 */
export function localHistoryKey(node: NodeEncryption): KeyVersion | null {
  return node.encryption?.gcacheKey ?? node.encryption?.dataKey ?? null;
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
    readonly soleWriter?: boolean;
    readonly checkpointWorker?: boolean;
    readonly onCheckpointerFailure?: (detail: string) => void;
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

/**
 * `trireme key reencrypt`: on a stopped node, brings every file under the keys the
 * configuration says now — the database rekeyed to the newest version of its key id (or to
 * plaintext, or from plaintext), the GCache segments rewritten likewise. Returns lines for the
 * operator; throws one line when something cannot be opened.
 */
export async function reencryptNode(config: ServerConfig): Promise<string[]> {
  const datadir = config.server.datadir;
  const grastate = join(datadir, 'grastate.dat');
  if (existsSync(grastate) && /^seqno:\s*-1\s*$/m.test(readFileSync(grastate, 'utf8')))
    throw new Error(
      `${grastate} says the node is running or did not stop cleanly (seqno: -1): stop it, or start and stop it once, then run reencrypt`,
    );
  const node = loadNodeEncryption(config.encryption);
  const lines: string[] = [];
  const gcacheDir = config.cluster.gcacheDir;
  // Opening recovers the log (a torn tail is cut) and checks every record with the keys.
  const opened = await GCache.open(gcacheDir, { keys: node.gcacheKeys });
  if (!opened.ok) throw new Error(describeGCacheError(opened.error));
  await opened.value.gcache.close();
  const gcache = await reencryptGCache(gcacheDir, node.gcacheKeys);
  if (!gcache.ok) throw new Error(`gcache: ${gcache.error}`);
  const target = node.encryption?.gcacheKey ?? null;
  lines.push(
    `gcache ${gcacheDir}: ${gcache.value.rewritten.length} segment(s) rewritten ${target === null ? 'in plaintext' : `under key ${describeKey(target)}`}, ${gcache.value.unchanged.length} already so`,
  );
  lines.push(
    ...reencryptLocalHistory(
      datadir,
      localHistoryKey(node),
      (id, version) => node.encryption?.ring.find(id, version) ?? null,
      config.encryption.keyFile?.filename ?? '(none configured)',
    ),
  );
  const path = storePath(datadir);
  if (!existsSync(path)) return [...lines, `database ${path}: none yet`];
  const encryption = node.encryption;
  const versions = encryption === null ? [] : encryption.ring.versions(encryption.dataKeyId);
  const candidates = [...versions.map((key) => ({ key: key.material })), null];
  const found = findCipher(path, candidates);
  if (found === undefined)
    throw new Error(
      `the database ${path} opens with no version of key id ${config.encryption.dataKeyId}${encryption === null ? '' : ` of ${encryption.keyFile}`}, nor as plaintext`,
    );
  const wanted = pageCipherOf(node);
  const scheme = found === null ? null : pageSchemeOf(path, found);
  const describe = (cipher: PageCipher | null, pages: PageScheme | null): string => {
    if (cipher === null || pages === null) return 'plaintext';
    const key = versions.find((k) => Buffer.compare(k.material, cipher.key) === 0)!;
    return `key ${describeKey(key)} (${describePageScheme(pages)})`;
  };
  // A file under an older scheme (ChaCha20 pages, before AEGIS) is rewritten under the new one.
  const same =
    found === null || wanted === null
      ? found === wanted
      : Buffer.compare(found.key, wanted.key) === 0 && scheme === newPageScheme;
  if (same) return [...lines, `database ${path}: already ${describe(found, scheme)}`];
  rekeyDatabaseFile(path, found, wanted);
  return [
    ...lines,
    `database ${path}: ${describe(found, scheme)} -> ${describe(wanted, wanted === null ? null : newPageScheme)}`,
  ];
}

/**
 * The key file read again while the node runs. Every key version read before must still be there
 * with the same bytes: data is under them, and a key file that lost or changed one was replaced,
 * not rotated. An error keeps the keys read before.
 */
export function reloadNodeEncryption(
  config: EncryptionConfig,
  previous: NodeEncryption,
): { ok: true; value: NodeEncryption } | { ok: false; error: string } {
  let next: NodeEncryption;
  try {
    next = loadNodeEncryption(config);
  } catch (error) {
    return { ok: false, error: (error as Error).message.replace(/^encryption: /, '') };
  }
  const before = previous.encryption;
  const after = next.encryption;
  if (before === null || after === null)
    return { ok: false, error: 'encryption cannot be turned on or off while the node runs' };
  for (const key of before.ring.all()) {
    const found = after.ring.find(key.id, key.version);
    if (found === null || Buffer.compare(found.material, key.material) !== 0)
      return {
        ok: false,
        error: `key file ${after.keyFile} no longer holds key ${describeKey(key)} as it was (a key file is only added to: trireme key rotate)`,
      };
  }
  return { ok: true, value: next };
}
