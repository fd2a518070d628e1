// Encryption at rest on a running node: the key file is watched, and a newer key version found
// in it (`trireme key rotate`) seals new GCache segments at once; with innodb_encryption_threads
// and innodb_encryption_rotate_key_age above 0, GCache segments under a key that many versions
// old are re-encrypted in the background, one at a time. The database stays under the version it
// opened with, because SQLite3 Multiple Ciphers rekeys a database only whole (see
// docs/design/encryption.md, "Background re-encryption"). What is encrypted with which key is
// reported for SHOW STATUS and information_schema.INNODB_TABLESPACES_ENCRYPTION.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { EncryptionConfig } from '../config/index.js';
import type { EncryptedFile, EncryptionReport } from '../engine/replicator.js';
import type { GCacheKeys, GCacheStats } from '../gcache/index.js';
import type { Result } from '../codec/result.js';
import { describeKey, type KeyVersion } from '../keys/index.js';
import { describePageScheme, type PageIo, type PageScheme } from '../storage/index.js';
import { reloadNodeEncryption, type NodeEncryption } from './encryption.js';

/** How often a running node looks at its key file (a stat; it is read only when it changed). */
export const keyFileCheckMs = 2000;

export interface KeyWatchOptions {
  readonly config: EncryptionConfig;
  readonly initial: NodeEncryption;
  /** The key the database opened with (null: plaintext). */
  readonly dataKey: KeyVersion | null;
  readonly databasePath: string;
  /** The database's page scheme (null: plaintext). */
  readonly dataScheme: PageScheme | null;
  /** SQLite's page reads and writes in this process (Store.pageIo). */
  readonly pageIo: () => PageIo;
  /** The node's GCache, if it has one (a standalone node has none). */
  readonly gcache: {
    stats(): GCacheStats;
    useKeys(keys: GCacheKeys): void;
    rewriteSegment(
      due: (key: KeyVersion) => boolean,
    ): Promise<Result<{ file: string; records: number; from: KeyVersion } | null, string>>;
  } | null;
  readonly log: (level: 'Note' | 'Warning', message: string) => void;
}

/** The node's keys as last read, and what they encrypt. */
export class KeyWatch implements EncryptionReport {
  /** Key file reads: the one at start, and one per change seen since. */
  reads = 1;
  /** innodb_encryption_threads and innodb_encryption_rotate_key_age, read at each check. */
  settings: () => { readonly threads: number; readonly rotateKeyAge: number } = () => ({
    threads: 0,
    rotateKeyAge: 1,
  });
  /** GCache segments re-encrypted in the background since start. */
  segmentsReencrypted = 0;
  private rotating = false;
  private stopped = false;
  /** The last failure of a background re-encryption, logged once (it is tried every check). */
  private rotateProblem: string | null = null;
  private keys: NodeEncryption;
  private stamp: string | null;

  constructor(private readonly options: KeyWatchOptions) {
    this.keys = options.initial;
    this.stamp = fileStamp(this.keyFile());
  }

  /** The keys in force (a reload replaces them). */
  get current(): NodeEncryption {
    return this.keys;
  }

  private keyFile(): string | null {
    return this.options.config.keyFile?.filename ?? null;
  }

  /** No more background work (the node stops). */
  stop(): void {
    this.stopped = true;
  }

  /** Reads the key file again if it changed, then re-encrypts what is due. */
  check(): void {
    this.readKeyFile();
    if (!this.rotating) void this.rotate();
  }

  /**
   * Background re-encryption, MariaDB's rule: a GCache segment under key version v is due when
   * v + innodb_encryption_rotate_key_age < the newest version; 0 threads or age 0: none. One
   * segment after another (each yields to the event loop every few hundred records).
   */
  private async rotate(): Promise<void> {
    const gcache = this.options.gcache;
    this.rotating = true;
    try {
      while (!this.stopped && gcache !== null) {
        const { threads, rotateKeyAge } = this.settings();
        const newest = this.keys.gcacheKeys?.current ?? null;
        if (threads <= 0 || rotateKeyAge <= 0 || newest === null) return;
        const startedMs = Date.now();
        const due = (key: KeyVersion): boolean =>
          key.id !== newest.id || key.version + rotateKeyAge < newest.version;
        const done = await gcache.rewriteSegment(due);
        if (!done.ok) {
          if (done.error !== this.rotateProblem)
            this.options.log(
              'Warning',
              `encryption: cannot re-encrypt a GCache segment (tried again every ${keyFileCheckMs / 1000} s): ${done.error}`,
            );
          this.rotateProblem = done.error;
          return;
        }
        this.rotateProblem = null;
        if (done.value === null) return;
        this.segmentsReencrypted++;
        const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
        this.options.log(
          'Note',
          `encryption: re-encrypted GCache segment ${done.value.file} (${done.value.records} records) from key ${describeKey(done.value.from)} to key ${describeKey(newest)} in ${seconds} s; ${gcache.stats().segmentsOtherKey} segment(s) under older keys left`,
        );
      }
    } finally {
      this.rotating = false;
    }
  }

  private readKeyFile(): void {
    const file = this.keyFile();
    if (file === null || this.keys.encryption === null) return;
    const stamp = fileStamp(file);
    if (stamp === null || stamp === this.stamp) return;
    this.stamp = stamp;
    this.reads++;
    const reloaded = reloadNodeEncryption(this.options.config, this.keys);
    if (!reloaded.ok) {
      this.options.log(
        'Warning',
        `encryption: ${reloaded.error}; the keys read before stay in use`,
      );
      return;
    }
    const before = this.keys;
    this.keys = reloaded.value;
    this.takeNewKeys(before, reloaded.value);
  }

  private takeNewKeys(before: NodeEncryption, after: NodeEncryption): void {
    const file = after.encryption!.keyFile;
    const added = after.encryption!.ring.all().length - before.encryption!.ring.all().length;
    const parts = [`encryption: key file ${file} read again: ${added} new key version(s)`];
    const gcacheKey = after.gcacheKeys?.current ?? null;
    const gcache = this.options.gcache;
    if (gcache !== null && gcacheKey !== null && gcache.stats().keyId !== null) {
      if (gcacheKey.version !== gcache.stats().keyVersion) {
        gcache.useKeys(after.gcacheKeys!);
        parts.push(
          `new GCache records are sealed with key ${describeKey(gcacheKey)} from the next write; ${gcache.stats().segmentsOtherKey} older segment(s) keep their key until compaction removes them`,
        );
      }
    }
    const dataKey = this.options.dataKey;
    const newest = after.encryption!.dataKey;
    if (dataKey !== null && newest !== null && newest.version !== dataKey.version)
      parts.push(
        `the database stays under key ${describeKey(dataKey)} (SQLite3 Multiple Ciphers rekeys a database only whole, with every connection closed): stop the node and run \`trireme key reencrypt\` to move it to ${describeKey(newest)}`,
      );
    this.options.log('Note', parts.join('; '));
  }

  status(): [string, string][] {
    const keys = this.keys.encryption;
    const gcache = this.options.gcache?.stats() ?? null;
    const dataKey = this.options.dataKey;
    const onOff = (on: boolean): string => (on ? 'ON' : 'OFF');
    // A plaintext database encrypts and decrypts no page.
    const pages = dataKey === null ? { read: 0, written: 0 } : this.options.pageIo();
    return [
      ['Encryption_key_file', keys?.keyFile ?? ''],
      ['Encryption_key_file_reads', String(keys === null ? 0 : this.reads)],
      ['Encryption_key_versions', String(keys?.ring.all().length ?? 0)],
      ['Encryption_data_files', onOff(dataKey !== null)],
      ['Encryption_data_key_id', String(dataKey?.id ?? 0)],
      ['Encryption_data_key_version', String(dataKey?.version ?? 0)],
      [
        'Encryption_data_cipher',
        this.options.dataScheme === null ? '' : describePageScheme(this.options.dataScheme),
      ],
      ['Encryption_data_pages_encrypted', String(pages.written)],
      ['Encryption_data_pages_decrypted', String(pages.read)],
      ['Encryption_gcache', onOff((gcache?.keyId ?? null) !== null)],
      ['Encryption_gcache_key_id', String(gcache?.keyId ?? 0)],
      ['Encryption_gcache_key_version', String(gcache?.keyVersion ?? 0)],
      ['Encryption_gcache_segments_old_key', String(gcache?.segmentsOtherKey ?? 0)],
      ['Encryption_gcache_segments_reencrypted', String(this.segmentsReencrypted)],
      ['Encryption_gcache_records_encrypted', String(gcache?.recordsEncrypted ?? 0)],
      ['Encryption_gcache_records_decrypted', String(gcache?.recordsDecrypted ?? 0)],
      // MariaDB's name for requests to the key management plugin: here, reads of the key file
      // (keys are held in memory between them).
      ['Innodb_encryption_num_key_requests', String(keys === null ? 0 : this.reads)],
      // MariaDB's page counters: pages SQLite wrote (each encrypted) and read from disk (each
      // decrypted); what they count and leave out: encryption.md, "Status".
      ['Innodb_num_pages_encrypted', String(pages.written)],
      ['Innodb_num_pages_decrypted', String(pages.read)],
    ];
  }

  /** One row per encrypted file: the database, and the GCache when it is sealed. */
  files(): EncryptedFile[] {
    const ring = this.keys.encryption?.ring ?? null;
    if (ring === null) return [];
    const rows: EncryptedFile[] = [];
    const dataKey = this.options.dataKey;
    if (dataKey !== null)
      rows.push({
        space: 0,
        name: basename(this.options.databasePath),
        scheme: 1,
        keyserverRequests: this.reads,
        minKeyVersion: dataKey.version,
        currentKeyVersion: ring.current(dataKey.id)?.version ?? dataKey.version,
        currentKeyId: dataKey.id,
        rotating: false,
      });
    const gcache = this.options.gcache;
    const stats = gcache?.stats() ?? null;
    if (gcache !== null && stats !== null && stats.keyId !== null)
      rows.push({
        space: 1,
        // Its segments (*.seg), as one: Galera's galera.cache is one file too.
        name: 'gcache',
        scheme: 1,
        keyserverRequests: this.reads,
        minKeyVersion: stats.keyVersionMin ?? stats.keyVersion ?? 0,
        currentKeyVersion: ring.current(stats.keyId)?.version ?? stats.keyVersion ?? 0,
        currentKeyId: stats.keyId,
        rotating: this.rotating,
      });
    return rows;
  }
}

/** Changes whenever the file is rewritten (rotate renames a new file over it). */
function fileStamp(path: string | null): string | null {
  if (path === null) return null;
  try {
    const stat = statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}
