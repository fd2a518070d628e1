// The node's SQLite database: one file, one writer shared by local transactions and the
// applier, a pool of snapshot readers. The only module tree that imports better-sqlite3.
// Design and measurements: docs/design/storage.md.
import { once } from 'node:events';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { index, type Index, type NodeId } from '../core/types.js';
import {
  DDL_RULES_OLDEST,
  err,
  ok,
  transactionId,
  type Result,
  type SqlValue,
  type TransactionId,
  type WriteSet,
} from '../codec/index.js';
import { Applier } from './apply.js';
import { Checkpointer } from './checkpointer.js';
import { Capture } from './capture.js';
import { installTriggerGuard, type TriggerGuard } from './trigger-guard.js';
import { PrivateConnection } from './private-connection.js';
import { checksumSnapshot, checksumTable, type ChecksumResult } from './checksum.js';
import {
  ValueRefusal,
  type ApplyError,
  type OpenError,
  type ReaderError,
  type WriterWaitError,
} from './errors.js';
import { WriterLease, type LeaseHost } from './lease.js';
import { DEFAULT_STORAGE_LIMITS, type StorageLimits } from './limits.js';
import { ReaderPool, type ReadSnapshot, type ReaderConnection } from './readers.js';
import { quoteId, sqliteTableName } from './names.js';
import {
  hasSequences,
  readHiddenRowidTables,
  readSequences,
  sameRows,
  sequencesMatch,
  touchesAny,
  type Sequences,
} from './kept-check.js';
import { Restorer } from './restore.js';
import { readAllTables, readTableInfo } from './schema.js';
import type { LogicalWorkerData, LogicalWorkerResult } from './logical-worker.js';
import type { SnapshotWorkerData, SnapshotWorkerResult } from './snapshot-worker.js';
import { StatementCache } from './statement-cache.js';
import { WriterQueue, type WriterGrant } from './writer-queue.js';
import { pageIo, type PageIo } from './collations.js';
import {
  isNotADatabase,
  newPageScheme,
  openDatabase,
  pageSchemeOf,
  SqliteError,
  type PageCipher,
  type PageScheme,
} from './sqlite.js';

/** The database file's name inside a node's datadir. */
export const STORE_FILE_NAME = 'trireme.db';
/**
 * Test-only: makes this build write and read another storage format, so that tests can run nodes
 * of two storage formats from one tree (a physical SST between them is refused; a logical one
 * works). Not for production use.
 */
export const storeFormatEnv = 'TRIREME_TEST_STORE_FORMAT';

function testStoreFormat(): bigint | null {
  const text = process.env[storeFormatEnv];
  return text !== undefined && /^[1-9]\d{0,5}$/.test(text) ? BigInt(text) : null;
}

/** Bumped when the internal tables change shape; open refuses a file it does not know. */
export const STORE_FORMAT_VERSION = testStoreFormat() ?? 1n;
/** Waits on SQLite's own file locks; with the writer lease these are never expected. */
const SQLITE_BUSY_TIMEOUT_MS = 1000;
/** freezeFile: how often, and how far apart, a checkpoint is tried before giving up. */
const FREEZE_ATTEMPTS_MAX = 100;
const FREEZE_RETRY_MS = 20;

export function storePath(datadir: string): string {
  return join(datadir, STORE_FILE_NAME);
}

/** A SQL function registered on every connection (the sql layer's MySQL functions). */
export interface UserFunction {
  readonly name: string;
  readonly deterministic: boolean;
  readonly varargs?: boolean;
  readonly fn: (...args: SqlValue[]) => SqlValue;
  /** Set for an aggregate: `fn` is then unused and rows fold through step into result. */
  readonly aggregate?: UserAggregate;
  /** Set for a table-valued function: `fn` is then unused and `name(args…)` in FROM yields rows. */
  readonly table?: UserTable;
}

/** A table-valued function (an eponymous virtual table): `name(args…)` in FROM yields rows. */
export interface UserTable {
  readonly columns: readonly string[];
  /** Its arguments, hidden columns SQLite constrains (so an argument may name a table on the left). */
  readonly parameters: readonly string[];
  readonly rows: (...args: SqlValue[]) => Generator<SqlValue[]>;
}

export interface UserAggregate {
  readonly start: () => unknown;
  readonly step: (state: unknown, ...args: SqlValue[]) => unknown;
  readonly result: (state: unknown) => SqlValue;
}

export interface StoreOptions {
  /** The SQLite file; its directory is created if missing. */
  readonly path: string;
  readonly nodeId: NodeId;
  readonly limits?: Partial<StorageLimits>;
  readonly functions?: readonly UserFunction[];
  /**
   * The first local transaction id. By default the clock in microseconds, so ids keep growing
   * across restarts without being stored.
   */
  readonly transactionIdFirst?: number;
  /** Encryption at rest: every page of the file and its WAL (docs/design/encryption.md). */
  readonly cipher?: PageCipher | null;
  /**
   * Nothing but this store writes the file (the node's own store; not a reader worker's): its
   * idle readers may keep their read transaction while it wrote nothing (readers.ts).
   */
  readonly soleWriter?: boolean;
  /**
   * The WAL is checkpointed by a worker thread, not inside the COMMITs of this store's
   * connections (checkpointer.ts); for the node's own store.
   */
  readonly checkpointWorker?: boolean;
  /** Why the checkpoint worker stopped, if it fails (the connections checkpoint again). */
  readonly onCheckpointerFailure?: (detail: string) => void;
}

/** One certified log entry; a null write-set only advances the seqno (failed certification). */
export interface ApplyItem {
  readonly seqno: Index;
  readonly writeSet: WriteSet | null;
  /**
   * The write-set at this seqno failed certification: recorded with the applied seqno, so that a
   * restarted node rebuilds its certification index exactly (see docs/design/storage.md).
   */
  readonly certFailed?: boolean;
  /**
   * What a passing write-set left in the certification window (its key ids), kept with the
   * applied seqno for the last cert.max_length seqnos: a restart or a joiner rebuilds the window
   * from the database, so the gcache need not keep those write-sets (docs/design/storage.md).
   */
  readonly certKeys?: readonly string[];
  /**
   * The entry at this seqno changed the cluster's configuration: its seqno is kept with the
   * applied seqno (`configSeqno`), the same on every node, which compaction of the log and a
   * state transfer would otherwise lose.
   */
  readonly configChange?: boolean;
}

export interface ApplyOutcome {
  readonly applied: number;
  /** Items at or below the applied seqno (already applied before a crash). */
  readonly skipped: number;
  readonly seqnoApplied: Index;
}

/** MySQL-level table definitions stored beside the SQLite schema, changed with TOI DDL. */
export interface CatalogUpdate {
  readonly put?: readonly CatalogEntry[];
  readonly remove?: readonly string[];
}

export interface CatalogEntry {
  readonly name: string;
  readonly definition: string;
}

/** The live database file frozen at a seqno for a physical SST (Store.freezeFile). */
export interface FrozenFile {
  readonly path: string;
  /** The file's size, which stays fixed while it is frozen. */
  readonly bytes: number;
  readonly seqno: Index;
  /** How long writes waited for the checkpoint, in the attempt that froze the file. */
  readonly pausedMs: number;
  readonly attempts: number;
  /** Ends the read transaction: checkpoints write into the file again. Idempotent. */
  release(): void;
}

export interface StoreCounters {
  /** Local transactions brute-force aborted by the applier (wsrep_local_bf_aborts). */
  readonly bfAborts: number;
  readonly writeSetsApplied: number;
  readonly batchesApplied: number;
  readonly toiApplied: number;
  /** Idle local transactions set aside so that someone else could write (stash and restore). */
  readonly stashes: number;
  /** Stashed transactions written back at their next statement. */
  readonly restores: number;
  /**
   * Local write-sets whose kept transaction was committed in place of applying its rows again,
   * and kept transactions rolled back first because someone else needed the writer.
   */
  readonly keptCommits: number;
  readonly keptRolledBack: number;
  /** Checkpoints the checkpoint worker made that copied WAL frames into the file, and the frames. */
  readonly walCheckpoints: number;
  readonly walFramesCheckpointed: number;
}

export const META_TABLE = '_trireme_meta';
export const CATALOG_TABLE = '_trireme_catalog';
export const CERT_FAILED_TABLE = '_trireme_cert_failed';
export const CERT_WINDOW_TABLE = '_trireme_cert_window';
/** How often applying purges the certification tables: rows past their keep may stay this long. */
const PURGE_EVERY_SEQNOS = 64;

interface MutableCounters {
  bfAborts: number;
  writeSetsApplied: number;
  batchesApplied: number;
  toiApplied: number;
  stashes: number;
  restores: number;
  keptCommits: number;
  keptRolledBack: number;
}

export class Store {
  readonly limits: StorageLimits;
  /** The WAL's checkpoints on a worker thread (StoreOptions.checkpointWorker); null: SQLite's own. */
  private readonly checkpointer: Checkpointer | null = null;
  private readonly queue: WriterQueue;
  private readonly capture: Capture;
  private readonly restorer: Restorer;
  private readonly readers: ReaderPool;
  private readonly host: LeaseHost;
  private seqnoApplied: Index;
  private lease: WriterLease | null = null;
  private readonly appliedListeners: ((writeSet: WriteSet, seqno: Index) => void)[] = [];
  private transactionIdNext: number;
  private closed = false;
  private readonly counterValues: MutableCounters = {
    bfAborts: 0,
    writeSetsApplied: 0,
    batchesApplied: 0,
    toiApplied: 0,
    stashes: 0,
    restores: 0,
    keptCommits: 0,
    keptRolledBack: 0,
  };
  private readonly begin: Database.Statement<[], unknown>;
  private readonly commitApplied: Database.Statement<[], unknown>;
  private readonly rollbackApplied: Database.Statement<[], unknown>;
  private readonly seqnoWrite: Database.Statement<[bigint], unknown>;
  private readonly sessionBegin: Database.Statement<[], unknown>;
  private readonly certWindowWrite: Database.Statement<[bigint, string], unknown>;
  /** Applying on the applier connection (foreign keys off, no capture). */
  private readonly applyOnApplier: ApplyConnection;
  /** Applying on the session connection, where its page cache stays warm (applyConnection). */
  private readonly applyOnSession: ApplyConnection;
  /**
   * SQLite tables whose batches keep the applier connection: in a foreign key (child or parent),
   * or with a CHECK constraint; null until read after a schema change.
   */
  private foreignKeyTables: ReadonlySet<string> | null = null;
  /** What a kept transaction is checked against (kept-check.ts); null until read after a DDL. */
  private keptChecks: { hiddenRowid: ReadonlySet<string>; sequences: boolean } | null = null;
  /** sqlite_sequence when the current lease began (only while the database has one). */
  private leaseSequences: Sequences | null = null;

  /** Opens (creating on first use) the node's database. */
  static open(options: StoreOptions): Result<Store, OpenError> {
    const limits: StorageLimits = Object.freeze({ ...DEFAULT_STORAGE_LIMITS, ...options.limits });
    const opened: Database.Database[] = [];
    try {
      mkdirSync(dirname(options.path), { recursive: true });
      const applierDb = openConnection(options, opened);
      applierDb.pragma('journal_mode = WAL');
      // The applier writes only row images: the origin already enforced foreign keys, and
      // cascaded changes arrive as rows of their own.
      applierDb.pragma('foreign_keys = OFF');
      // Likewise CHECK constraints: the origin checked every row (and a check may call a
      // function only the session connection registers).
      applierDb.pragma('ignore_check_constraints = ON');
      const format = initializeMeta(applierDb);
      if (format !== STORE_FORMAT_VERSION) {
        closeAll(opened);
        return err({ kind: 'unknown_format', version: String(format) });
      }
      const sessionDb = openConnection(options, opened);
      const triggers = installTriggerGuard(sessionDb, true);
      sessionDb.pragma('foreign_keys = ON');
      // A REPLACE that deletes a conflicting row fires delete triggers only with this on.
      sessionDb.pragma('recursive_triggers = ON');
      sessionDb.pragma('temp_store = MEMORY');
      return ok(new Store(options, limits, applierDb, sessionDb, triggers));
    } catch (error) {
      closeAll(opened);
      if (isNotADatabase(error)) {
        const encrypted = (options.cipher ?? null) !== null;
        return err({ kind: 'wrong_key', encrypted, detail: (error as Error).message });
      }
      if (!(error instanceof SqliteError) && !isSystemError(error)) throw error;
      return err({ kind: 'open_failed', detail: (error as Error).message });
    }
  }

  private constructor(
    private readonly options: StoreOptions,
    limits: StorageLimits,
    private readonly applierDb: Database.Database,
    private readonly sessionDb: Database.Database,
    /** The session connection's trigger guard (trigger-guard.ts). */
    private readonly triggers: TriggerGuard,
  ) {
    this.limits = limits;
    this.capture = new Capture(sessionDb);
    this.capture.install(limits.captureRowsMax);
    this.capture.refreshAll(readAllTables(sessionDb));
    this.restorer = new Restorer(sessionDb);
    this.queue = new WriterQueue({
      bfAbortAfterMs: limits.bfAbortAfterMs,
      waitersMax: limits.writerWaitersMax,
      bfAbort: (holder) => this.bfAbort(holder),
      stash: (holder) => this.stashLease(holder),
      onRelease: () => this.readers.invalidate(),
    });
    this.readers = new ReaderPool(
      () => this.openReader(),
      limits.readerPoolSize,
      limits.readersMax,
      // Another store's writes are not seen here: without soleWriter, always a fresh snapshot.
      options.soleWriter === true ? () => this.queue.current !== null : () => true,
    );
    this.host = {
      db: sessionDb,
      capture: this.capture,
      statements: new StatementCache(sessionDb, limits.statementCacheMax),
      nodeId: options.nodeId,
      rowsMax: limits.captureRowsMax,
      release: (grant) => this.releaseLease(grant),
      setIdle: (grant, idle) => this.queue.setIdle(grant, idle),
      restore: (changes) => {
        // The stash holds the rows its triggers wrote: they must not fire again.
        const restored = this.triggers.quietly(() => this.restorer.restore(changes));
        if (restored.ok) this.counterValues.restores += 1;
        return restored;
      },
    };
    this.applyOnApplier = applyConnection(applierDb);
    this.applyOnSession = applyConnection(sessionDb);
    this.begin = this.applyOnApplier.begin;
    this.commitApplied = this.applyOnApplier.commit;
    this.rollbackApplied = this.applyOnApplier.rollback;
    this.seqnoWrite = this.applyOnApplier.seqnoWrite;
    this.certWindowWrite = this.applyOnApplier.certWindowWrite;
    this.sessionBegin = this.applyOnSession.begin;
    this.seqnoApplied = index(Number(readMeta(applierDb, 'applied_seqno') as bigint));
    this.transactionIdNext = options.transactionIdFirst ?? Date.now() * 1000;
    if (options.checkpointWorker === true) {
      this.checkpointer = new Checkpointer(
        {
          path: options.path,
          cipher: options.cipher ?? null,
          intervalMs: limits.checkpointIntervalMs,
        },
        [sessionDb, applierDb],
        limits.checkpointPagesMax,
        (detail) => options.onCheckpointerFailure?.(detail),
      );
    }
  }

  /** Seqnos above `after` whose write-sets failed certification (kept for certFailuresKeep). */
  certFailuresAfter(after: Index): Set<number> {
    const rows = this.applierDb
      .prepare<[bigint], bigint>(
        `SELECT seqno FROM ${CERT_FAILED_TABLE} WHERE seqno > ? ORDER BY seqno`,
      )
      .pluck()
      .all(BigInt(after));
    return new Set(rows.map(Number));
  }

  /** The certification window kept with the applied seqno: seqnos above `after`, oldest first. */
  certWindowAfter(after: Index): { seqno: number; keys: string[] }[] {
    const rows = this.applierDb
      .prepare<[bigint], { seqno: bigint; keys: string }>(
        `SELECT seqno, keys FROM ${CERT_WINDOW_TABLE} WHERE seqno > ? ORDER BY seqno`,
      )
      .safeIntegers(true)
      .all(BigInt(after));
    return rows.map((row) => ({
      seqno: Number(row.seqno),
      keys: JSON.parse(row.keys) as string[],
    }));
  }

  /**
   * The DDL rules the data's indexes need (docs/design/sql.md, "Prefix keys"): 6 when a PRIMARY
   * KEY's index holds column prefixes (`db.t.PRIMARY`, `substr("c", 1, N)`), 5 when a UNIQUE
   * one does, else DDL_RULES_OLDEST. A node of a release before them must not join.
   */
  ddlRulesBuilt(): number {
    const names = this.applierDb
      .prepare<[], string>(
        `SELECT name FROM sqlite_schema WHERE type = 'index' AND instr(sql, 'substr("') > 0`,
      )
      .pluck()
      .all();
    if (names.some((name) => name.endsWith('.PRIMARY'))) return 6;
    return names.length > 0 ? 5 : DDL_RULES_OLDEST;
  }

  appliedSeqno(): Index {
    return this.seqnoApplied;
  }

  clusterUuid(): string | null {
    return readMeta(this.applierDb, 'cluster_uuid') as string | null;
  }

  /**
   * The seqno of the newest configuration change applied here, or null if none was (a store
   * written before this was kept, or a standalone node's).
   */
  configSeqno(): Index | null {
    const value = readMeta(this.applierDb, 'config_seqno');
    return value === null ? null : index(Number(value));
  }

  /**
   * The cluster position at which this node began writing alone (wsrep_on=OFF), or null when
   * every applied seqno came from the cluster. It lives in the database it describes, so a
   * state transfer that replaces the database clears it (docs/design/transfer.md).
   */
  localHistoryFrom(): Index | null {
    const value = readMeta(this.applierDb, 'local_history_from');
    return value === null ? null : index(Number(value));
  }

  /** Records (or clears, with null) where local history began; waits for the writer. */
  async setLocalHistoryFrom(seqno: Index | null): Promise<Result<null, WriterWaitError>> {
    const grant = await this.queue.acquireApplier('local-history');
    if (!grant.ok) return grant;
    if (this.closed) return err({ kind: 'closed' });
    try {
      this.applierDb
        .prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'local_history_from'`)
        .run(seqno === null ? null : BigInt(seqno));
      return ok(null);
    } finally {
      this.queue.release(grant.value);
    }
  }

  /**
   * Calls `listener` with each write-set applied, after its apply transaction committed and
   * before the writer passes on: the next holder of the writer reads a state that has it.
   */
  onWriteSetApplied(listener: (writeSet: WriteSet, seqno: Index) => void): void {
    this.appliedListeners.push(listener);
  }

  /**
   * The checkpoint worker's checkpoints so far (copying or not), and the WAL as the last one
   * left it; for tests. Null without the worker.
   */
  get checkpointState(): {
    readonly opened: boolean;
    readonly ticks: number;
    readonly last: { readonly log: number; readonly checkpointed: number } | null;
  } | null {
    const c = this.checkpointer;
    return c === null ? null : { opened: c.opened, ticks: c.ticks, last: c.lastCheckpoint };
  }

  get counters(): StoreCounters {
    return {
      ...this.counterValues,
      walCheckpoints: this.checkpointer?.checkpoints ?? 0,
      walFramesCheckpointed: this.checkpointer?.framesCopied ?? 0,
    };
  }

  /** Sets the cluster state UUID (bootstrap, state transfer); waits for the writer. */
  async setClusterUuid(uuid: string): Promise<Result<null, WriterWaitError>> {
    const grant = await this.queue.acquireApplier('cluster-uuid');
    if (!grant.ok) return grant;
    if (this.closed) return err({ kind: 'closed' });
    try {
      this.applierDb
        .prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'cluster_uuid'`)
        .run(uuid);
      return ok(null);
    } finally {
      this.queue.release(grant.value);
    }
  }

  /**
   * Waits (FIFO, without blocking the event loop) for the writer and starts a local
   * transaction on it. Its snapshot is the applied seqno at this moment.
   */
  async acquireWriter(
    ownerId: string,
    timeoutMs = this.limits.writerWaitTimeoutMs,
  ): Promise<Result<WriterLease, WriterWaitError>> {
    if (this.closed) return err({ kind: 'closed' });
    const grant = await this.queue.acquireSession(ownerId, timeoutMs);
    if (!grant.ok) return grant;
    // Closed between the grant and this continuation: the connection is gone.
    if (this.closed) return err({ kind: 'closed' });
    assert(this.lease === null, 'two local transactions hold the writer');
    this.beginLease();
    const id: TransactionId = transactionId(this.transactionIdNext++);
    this.lease = new WriterLease(this.host, grant.value, this.seqnoApplied, id);
    return ok(this.lease);
  }

  /**
   * The synchronous forms below serve callers that decide contention themselves (the
   * deterministic simulator): each acts only if the writer is free at once, else returns null.
   */
  tryAcquireWriterNow(ownerId: string): WriterLease | null {
    const grant = this.closed ? null : this.queue.tryAcquire(ownerId, false);
    if (grant === null) return null;
    assert(this.lease === null, 'two local transactions hold the writer');
    this.beginLease();
    const id: TransactionId = transactionId(this.transactionIdNext++);
    this.lease = new WriterLease(this.host, grant, this.seqnoApplied, id);
    return this.lease;
  }

  /**
   * Starts a local transaction on the session connection, and reads what a kept commit is
   * checked against (kept-check.ts): sqlite_sequence as the transaction begins.
   */
  private beginLease(): void {
    this.sessionBegin.run();
    this.keptChecks ??= {
      hiddenRowid: readHiddenRowidTables(this.sessionDb),
      sequences: hasSequences(this.sessionDb),
    };
    this.leaseSequences = this.keptChecks.sequences ? readSequences(this.sessionDb) : null;
  }

  applyBatchNow(items: readonly ApplyItem[]): Result<ApplyOutcome, ApplyError> | null {
    const grant = this.closed ? null : this.queue.tryAcquire('applier', true);
    if (grant === null) return null;
    try {
      return this.applyHolding(items);
    } finally {
      this.queue.release(grant);
    }
  }

  applyToiNow(
    seqno: Index,
    statements: readonly string[],
    catalogUpdate?: CatalogUpdate,
  ): Result<ApplyOutcome, ApplyError> | null {
    const grant = this.closed ? null : this.queue.tryAcquire('toi', true);
    if (grant === null) return null;
    try {
      if (seqno <= this.seqnoApplied)
        return ok({ applied: 0, skipped: 1, seqnoApplied: this.seqnoApplied });
      assert(seqno === this.seqnoApplied + 1, `TOI must be gap-free: got ${seqno}`);
      const result = this.toiHolding(seqno, statements, catalogUpdate);
      this.afterSchemaChange();
      return result;
    } finally {
      this.queue.release(grant);
    }
  }

  /**
   * Copies the database file to `path` at the applied seqno, if the writer is free at once (a
   * consistent file copy for the simulator's state transfer); false when it is busy.
   */
  copyFileNow(path: string): boolean {
    const grant = this.closed ? null : this.queue.tryAcquire('copy', true);
    if (grant === null) return false;
    try {
      this.applierDb.pragma('wal_checkpoint(TRUNCATE)');
      copyFileSync(this.options.path, path);
      return true;
    } finally {
      this.queue.release(grant);
    }
  }

  /**
   * A consistent copy of the database at `path` (VACUUM INTO, in a worker thread) and the
   * applied seqno it holds: an SST donor's state. Nothing pauses while it is made. Encrypted,
   * the copy is under `cipher` in `scheme`.
   */
  async snapshotTo(
    path: string,
    cipher: PageCipher | null = null,
    scheme: PageScheme = newPageScheme,
  ): Promise<Result<Index, string>> {
    if (this.closed) return err('the store is closed');
    const data: SnapshotWorkerData = {
      source: this.options.path,
      target: path,
      metaTable: META_TABLE,
      sourceCipher: this.options.cipher ?? null,
      targetCipher: cipher,
      targetScheme: scheme,
    };
    const worker = new Worker(new URL('./snapshot-worker.js', import.meta.url), {
      workerData: data,
    });
    try {
      const [result] = (await once(worker, 'message')) as [SnapshotWorkerResult];
      return result.ok ? ok(index(result.seqno)) : err(result.error);
    } catch (error) {
      return err(String(error));
    } finally {
      await worker.terminate();
    }
  }

  /**
   * The live database file, frozen for a physical SST: its bytes are exactly the state at the
   * returned seqno until `release()`, while commits go on into the WAL.
   *
   * With the writer held (so nothing commits in between), a PASSIVE checkpoint writes the whole
   * WAL back into the file; a read transaction opened then reads the file alone, and SQLite lets
   * no checkpoint write into the file under a reader that may read it (WAL read lock 0, or a read
   * mark every frame of which is already written back). Writes wait only for that checkpoint; if a
   * reader of an older snapshot keeps it from finishing, it is tried again a little later. A
   * plaintext store only: an encrypted file's pages are under this node's key, which never leaves
   * it (the caller copies and rekeys instead). Design: docs/design/transfer.md.
   */
  async freezeFile(): Promise<Result<FrozenFile, string>> {
    if (this.closed) return err('the store is closed');
    if (this.pageCipher() !== null) return err('the store is encrypted');
    const reader = openDatabase(this.options.path, { readonly: true, fileMustExist: true }, null);
    reader.defaultSafeIntegers(true);
    let frozen = false;
    try {
      for (let attempt = 1; ; attempt++) {
        const grant = await this.queue.acquireApplier('sst-freeze');
        if (!grant.ok || this.closed) return err('the store is closed');
        const pausedFromMs = Date.now();
        try {
          const [result] = this.applierDb.pragma('wal_checkpoint(PASSIVE)') as Array<{
            busy: bigint;
            log: bigint;
            checkpointed: bigint;
          }>;
          // Busy (the checkpoint worker is copying): log and checkpointed are both -1.
          if (result !== undefined && result.busy === 0n && result.log === result.checkpointed) {
            reader.exec('BEGIN');
            const seqno = readMeta(reader, 'applied_seqno');
            frozen = true;
            assert(Number(seqno) === this.seqnoApplied, 'the frozen file is at the applied seqno');
            const path = this.options.path;
            return ok({
              path,
              bytes: statSync(path).size,
              seqno: this.seqnoApplied,
              pausedMs: Date.now() - pausedFromMs,
              attempts: attempt,
              release: () => {
                if (!reader.open) return;
                reader.exec('COMMIT');
                reader.close();
              },
            });
          }
        } finally {
          this.queue.release(grant.value);
        }
        if (attempt === FREEZE_ATTEMPTS_MAX)
          return err(
            `a checkpoint could not write the whole WAL back in ${FREEZE_ATTEMPTS_MAX} tries (a long read holds an older snapshot)`,
          );
        await new Promise((resolve) => setTimeout(resolve, FREEZE_RETRY_MS));
      }
    } finally {
      if (!frozen) reader.close();
    }
  }

  /**
   * The database as SQL statements at `path` (a logical SST, wsrep_sst_method=mysqldump), read in
   * one snapshot in a worker thread, and the applied seqno it holds. Nothing pauses meanwhile.
   */
  async dumpTo(path: string): Promise<Result<Index, string>> {
    if (this.closed) return err('the store is closed');
    if (this.pageCipher() !== null)
      return err(
        'this donor encrypts its data at rest and writes no plaintext SQL dump: use wsrep_sst_method=mariabackup or rsync (a physical copy, rekeyed for the joiner)',
      );
    const result = await runLogicalWorker({
      kind: 'dump',
      source: this.options.path,
      target: path,
    });
    return result.ok ? ok(index(result.seqno)) : err(result.error);
  }

  /** Brute-force aborts the local transaction holding the writer now; false if there is none. */
  abortLocalNow(): boolean {
    const lease = this.lease;
    const holder = this.queue.current;
    if (lease === null || holder === null || holder.priority) return false;
    this.bfAbort(holder);
    this.queue.release(holder);
    return true;
  }

  /** Applies certified write-sets in seqno order in one SQLite transaction (group commit). */
  async applyBatch(items: readonly ApplyItem[]): Promise<Result<ApplyOutcome, ApplyError>> {
    assert(items.length <= this.limits.applyBatchItemsMax, 'apply batch above applyBatchItemsMax');
    for (let i = 1; i < items.length; i++) {
      assert(items[i]!.seqno > items[i - 1]!.seqno, 'apply batch not in seqno order');
    }
    const first = items[0];
    const kept = first === undefined ? null : this.commitKept(first);
    if (kept !== null && items.length === 1) return kept;
    const rest = kept === null ? items : items.slice(1);
    const grant = await this.queue.acquireApplier('applier');
    if (!grant.ok || this.closed) return closedError(rest[0]?.seqno ?? this.seqnoApplied);
    let applied: Result<ApplyOutcome, ApplyError>;
    try {
      applied = this.applyHolding(rest);
    } finally {
      this.queue.release(grant.value);
    }
    if (kept === null || !kept.ok || !applied.ok) return applied;
    return ok({
      applied: kept.value.applied + applied.value.applied,
      skipped: kept.value.skipped + applied.value.skipped,
      seqnoApplied: applied.value.seqnoApplied,
    });
  }

  /**
   * Commits the kept transaction of the local lease in place of applying `item`, when `item` is
   * its write-set, next in order, and nothing was applied since the lease began: the SQLite
   * transaction then holds exactly the state the apply would make (the write-set's rows are its
   * captured changes, on the state its lease began from), so the origin does not roll its rows
   * back and write them again. Not when what no row image carries would differ: the hidden
   * rowids of a table keyed by other columns, sqlite_sequence (kept-check.ts). Null: not the
   * case (or the in-place commit failed and was rolled back), apply it as usual.
   */
  private commitKept(item: ApplyItem): Result<ApplyOutcome, ApplyError> | null {
    const lease = this.lease;
    const kept = lease?.kept ?? null;
    const writeSet = item.writeSet;
    if (lease === null || kept === null || writeSet === null || item.certFailed === true)
      return null;
    if (
      writeSet.originNodeId !== kept.originNodeId ||
      writeSet.originTransactionId !== kept.originTransactionId ||
      item.seqno !== this.seqnoApplied + 1 ||
      lease.seqnoSnapshot !== this.seqnoApplied ||
      !sameRows(writeSet, kept) ||
      this.inForeignKey([item])
    )
      return null;
    // Read as the lease began; a DDL since (none can run while it holds the writer) would have
    // reset them.
    const checks = this.keptChecks;
    const sequences = this.leaseSequences;
    const on = this.applyOnSession;
    try {
      if (
        checks === null ||
        touchesAny(writeSet, checks.hiddenRowid) ||
        (checks.sequences &&
          (sequences === null || !sequencesMatch(this.sessionDb, sequences, writeSet)))
      ) {
        lease.settle();
        this.counterValues.keptRolledBack += 1;
        return null;
      }
      this.capture.paused(() => {
        this.capture.clear();
        if (item.certKeys !== undefined && item.certKeys.length > 0)
          on.certWindowWrite.run(BigInt(item.seqno), JSON.stringify(item.certKeys));
        this.writeAppliedSeqno(on, item.seqno);
        on.commit.run();
      });
    } catch (error) {
      if (!(error instanceof SqliteError)) throw error;
      // Left to the applier, from the write-set's rows (an I/O error meets it there too).
      lease.settle();
      this.counterValues.keptRolledBack += 1;
      return null;
    }
    try {
      // As for any apply: the applied seqno and the listeners before the writer passes on.
      return ok(this.applied([item], 1, 0));
    } finally {
      lease.committedInPlace();
      this.counterValues.keptCommits += 1;
    }
  }

  private applyHolding(items: readonly ApplyItem[]): Result<ApplyOutcome, ApplyError> {
    const pending = items.filter((item) => item.seqno > this.seqnoApplied);
    const skipped = items.length - pending.length;
    let expected = this.seqnoApplied + 1;
    for (const item of pending) {
      assert(
        item.seqno === expected,
        `apply must be gap-free: got ${item.seqno}, expected ${expected}`,
      );
      expected += 1;
    }
    const last = pending[pending.length - 1];
    if (last === undefined) return ok({ applied: 0, skipped, seqnoApplied: this.seqnoApplied });
    const on = this.applyConnectionFor(pending);
    const applied =
      on === this.applyOnApplier
        ? this.applyItems(on, pending, last.seqno)
        : this.capture.paused(() =>
            this.triggers.quietly(() => this.applyItems(on, pending, last.seqno)),
          );
    if (!applied.ok) return applied;
    return ok(this.applied(pending, applied.value, skipped));
  }

  /** After `pending` (gap-free, in order) were committed: the applied seqno, counters, listeners. */
  private applied(pending: readonly ApplyItem[], applied: number, skipped: number): ApplyOutcome {
    this.seqnoApplied = pending[pending.length - 1]!.seqno;
    this.counterValues.writeSetsApplied += applied;
    this.counterValues.batchesApplied += 1;
    if (this.appliedListeners.length > 0) {
      for (const item of pending) {
        if (item.writeSet === null) continue;
        for (const listener of this.appliedListeners) listener(item.writeSet, item.seqno);
      }
    }
    return { applied, skipped, seqnoApplied: this.seqnoApplied };
  }

  /** Applies `pending` (gap-free, ending at `last`) in one transaction on `on`. */
  private applyItems(
    on: ApplyConnection,
    pending: readonly ApplyItem[],
    last: Index,
  ): Result<number, ApplyError> {
    let applied = 0;
    on.begin.run();
    try {
      for (const item of pending) {
        if (item.certFailed === true) on.certFailedWrite.run(BigInt(item.seqno));
        if (item.configChange === true) on.configSeqnoWrite.run(BigInt(item.seqno));
        if (item.certKeys !== undefined && item.certKeys.length > 0)
          on.certWindowWrite.run(BigInt(item.seqno), JSON.stringify(item.certKeys));
        if (item.writeSet === null) continue;
        const result = on.applier.apply(item.seqno, item.writeSet);
        if (!result.ok) {
          on.rollback.run();
          return result;
        }
        applied += 1;
      }
      this.writeAppliedSeqno(on, last);
      on.commit.run();
    } catch (error) {
      if (on.db.inTransaction) on.rollback.run();
      throw error;
    }
    return ok(applied);
  }

  /** Writes the applied seqno `last` (and purges the certification tables now and then). */
  private writeAppliedSeqno(on: ApplyConnection, last: Index): void {
    on.seqnoWrite.run(BigInt(last));
    // Purged once per PURGE_EVERY_SEQNOS, not per batch: a purge per commit dirtied the
    // tables' first pages in every commit (more WAL frames); readers ask by seqno range.
    if (
      Math.floor(last / PURGE_EVERY_SEQNOS) !== Math.floor(this.seqnoApplied / PURGE_EVERY_SEQNOS)
    ) {
      on.certFailedPurge.run(BigInt(last - this.limits.certFailuresKeep));
      on.certWindowPurge.run(BigInt(last - this.limits.certWindowKeep));
    }
  }

  /**
   * Where a batch is applied. SQLite empties a connection's page cache whenever another
   * connection has committed since its last transaction, so applying on the applier connection
   * made every next statement of a local session read (and, encrypted, decrypt) again every page
   * it touched. So a batch is applied on the session connection, with capture paused and every
   * trigger quiet, unless one of its tables is in a foreign key or has a CHECK constraint: the
   * session connection enforces them (and would cascade), while a write-set already holds every
   * cascaded change and rows the origin checked (or was told not to), so those batches keep the
   * applier connection, whose foreign keys and checks are off (such pragmas cannot change inside
   * a transaction, and changing one expires every prepared statement).
   */
  private applyConnectionFor(pending: readonly ApplyItem[]): ApplyConnection {
    if (this.sessionDb.inTransaction) return this.applyOnApplier;
    return this.inForeignKey(pending) ? this.applyOnApplier : this.applyOnSession;
  }

  /** Whether a row of `pending` is in a table of a foreign key or with a CHECK constraint. */
  private inForeignKey(pending: readonly ApplyItem[]): boolean {
    this.foreignKeyTables ??= readForeignKeyTables(this.sessionDb);
    const inForeignKey = this.foreignKeyTables;
    if (inForeignKey.size === 0) return false;
    for (const item of pending) {
      for (const row of item.writeSet?.rows ?? []) {
        if (inForeignKey.has(sqliteTableName(row.database, row.table))) return true;
      }
    }
    return false;
  }

  /**
   * Total order isolation: runs already-translated SQLite DDL at its seqno, in one transaction
   * with the applied seqno and the catalog change, then refreshes capture and caches. A
   * standalone node's local DDL takes the same path with the next seqno.
   */
  async applyToi(
    seqno: Index,
    statements: readonly string[],
    catalogUpdate?: CatalogUpdate,
    /** What the TOI left in the certification window (see ApplyItem.certKeys). */
    certKeys?: readonly string[],
  ): Promise<Result<ApplyOutcome, ApplyError>> {
    const grant = await this.queue.acquireApplier('toi');
    if (!grant.ok || this.closed) return closedError(seqno);
    try {
      if (seqno <= this.seqnoApplied) {
        return ok({ applied: 0, skipped: 1, seqnoApplied: this.seqnoApplied });
      }
      assert(seqno === this.seqnoApplied + 1, `TOI must be gap-free: got ${seqno}`);
      const result = this.toiHolding(seqno, statements, catalogUpdate, certKeys);
      this.afterSchemaChange();
      return result;
    } finally {
      this.queue.release(grant.value);
    }
  }

  private toiHolding(
    seqno: Index,
    statements: readonly string[],
    catalogUpdate: CatalogUpdate | undefined,
    certKeys?: readonly string[],
  ): Result<ApplyOutcome, ApplyError> {
    this.begin.run();
    try {
      for (const sql of statements) this.applierDb.exec(sql);
      if (catalogUpdate !== undefined) this.writeCatalog(catalogUpdate);
      if (certKeys !== undefined) this.writeCertKeys(seqno, certKeys);
      this.seqnoWrite.run(BigInt(seqno));
      this.commitApplied.run();
    } catch (error) {
      if (this.applierDb.inTransaction) this.rollbackApplied.run();
      // A value the DDL's SQL refused (an ALTER's conversion of a column's values): the same on
      // every node, as SQLite's own errors are.
      const code = error instanceof ValueRefusal ? 'SQLITE_ERROR' : null;
      if (!(error instanceof SqliteError) && code === null) throw error;
      const failure = error as { readonly code?: string; readonly message: string };
      return err({
        kind: 'ddl_failed',
        seqno,
        detail: `${code ?? failure.code}: ${failure.message}`,
        code: code ?? failure.code ?? 'SQLITE_ERROR',
        message: failure.message,
      });
    }
    this.seqnoApplied = seqno;
    this.counterValues.toiApplied += 1;
    return ok({ applied: 1, skipped: 0, seqnoApplied: seqno });
  }

  private writeCertKeys(seqno: Index, keys: readonly string[]): void {
    if (keys.length > 0) this.certWindowWrite.run(BigInt(seqno), JSON.stringify(keys));
  }

  private writeCatalog(update: CatalogUpdate): void {
    const remove = this.applierDb.prepare(`DELETE FROM ${CATALOG_TABLE} WHERE name = ?`);
    for (const name of update.remove ?? []) remove.run(name);
    const put = this.applierDb.prepare(
      `INSERT OR REPLACE INTO ${CATALOG_TABLE} (name, definition) VALUES (?, ?)`,
    );
    for (const entry of update.put ?? []) put.run(entry.name, entry.definition);
  }

  /** The persisted catalog entries, by name. */
  catalogEntries(): CatalogEntry[] {
    return this.applierDb
      .prepare<[], CatalogEntry>(`SELECT name, definition FROM ${CATALOG_TABLE} ORDER BY name`)
      .all();
  }

  /**
   * Recreates capture triggers (of one SQLite table, or all) after a schema change made outside
   * applyToi. Must not run while a local transaction holds the writer.
   */
  refreshCapture(sqliteTable?: string): void {
    assert(this.lease === null, 'refreshCapture during a local transaction');
    if (sqliteTable === undefined) {
      this.capture.refreshAll(readAllTables(this.sessionDb));
    } else {
      this.capture.refreshOne(sqliteTable, readTableInfo(this.sessionDb, sqliteTable));
    }
    this.applyOnApplier.applier.invalidate();
    this.applyOnSession.applier.invalidate();
    this.foreignKeyTables = null;
    this.keptChecks = null;
    this.restorer.invalidate();
  }

  private afterSchemaChange(): void {
    this.applyOnApplier.applier.invalidate();
    this.applyOnSession.applier.invalidate();
    this.foreignKeyTables = null;
    this.keptChecks = null;
    this.restorer.invalidate();
    this.host.statements.clear();
    this.capture.refreshAll(readAllTables(this.sessionDb));
  }

  /**
   * Pages SQLite read from disk and wrote in this process since it started, over every
   * connection of every thread (the reader workers' and the SST copy's included): on an
   * encrypted store, pages decrypted and encrypted. Zeros once the store is closed.
   */
  pageIo(): PageIo {
    return this.closed ? { read: 0, written: 0 } : pageIo(this.sessionDb);
  }

  /** The page scheme the file is under; null for a plaintext store. */
  pageScheme(): PageScheme | null {
    const cipher = this.options.cipher ?? null;
    return cipher === null ? null : pageSchemeOf(this.options.path, cipher);
  }

  /** The page cipher of the file, for other connections to it (reader workers); null: plaintext. */
  pageCipher(): PageCipher | null {
    return this.options.cipher ?? null;
  }

  /**
   * A connection of one session's own, for its temporary tables (private-connection.ts); the
   * session closes it when it ends.
   */
  openPrivate(): PrivateConnection {
    const db = openConnection(this.options, null);
    db.pragma('temp_store = MEMORY');
    return new PrivateConnection(db, this.limits.statementCacheMax);
  }

  /** Read snapshots handed out and not released yet (a leak shows here). */
  snapshotsOpen(): number {
    return this.readers.open;
  }

  /** A consistent read-only snapshot on a reader connection; release it when done. */
  snapshot(): Result<ReadSnapshot, ReaderError> {
    if (this.closed) return err({ kind: 'closed' });
    return this.readers.snapshot();
  }

  /**
   * Gathers SQLite's planner statistics for one table (ANALYZE TABLE): node-local, like InnoDB's
   * persistent statistics, and never part of a write-set. Waits for the writer as the applier
   * does; SQLite's error message when it fails.
   */
  async analyze(sqliteTable: string): Promise<Result<null, string>> {
    const grant = await this.queue.acquireApplier('analyze');
    if (!grant.ok || this.closed) return err('the store is closed');
    try {
      this.applierDb.exec(`ANALYZE main."${sqliteTable.replace(/"/g, '""')}"`);
      return ok(null);
    } catch (error) {
      if (!(error instanceof SqliteError)) throw error;
      return err(`${error.code}: ${error.message}`);
    } finally {
      this.queue.release(grant.value);
    }
  }

  /**
   * The logical checksum of one user table (hex SHA-256, as `checksum` gives it per table), on a
   * reader snapshot; null when the table does not exist there; all zeros when it has no rows.
   */
  async checksumTable(sqliteTable: string): Promise<Result<string | null, ReaderError>> {
    const snapshot = this.snapshot();
    if (!snapshot.ok) return snapshot;
    try {
      const db = snapshot.value.connection.db;
      const info = readTableInfo(db, sqliteTable);
      if (info === null) return ok(null);
      // MariaDB's CHECKSUM TABLE of an empty table is 0, whatever its columns.
      const anyRow = db.prepare(`SELECT 1 FROM main.${quoteId(info.sqliteName)} LIMIT 1`);
      if (anyRow.get() === undefined) return ok('0'.repeat(64));
      return ok(await checksumTable(snapshot.value, info, this.limits.checksumRowsPerYield));
    } finally {
      snapshot.value.release();
    }
  }

  /** Logical checksum of all user tables, on a reader snapshot (the node keeps serving). */
  async checksum(): Promise<Result<ChecksumResult, ReaderError>> {
    const snapshot = this.snapshot();
    if (!snapshot.ok) return snapshot;
    try {
      return ok(await checksumSnapshot(snapshot.value, this.limits.checksumRowsPerYield));
    } finally {
      snapshot.value.release();
    }
  }

  /** Rolls back any local transaction, refuses waiters and closes every connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checkpointer?.stop();
    this.queue.close();
    this.lease?.rollback();
    this.readers.close();
    this.sessionDb.close();
    this.applierDb.close();
  }

  private releaseLease(grant: WriterGrant): void {
    assert(this.lease?.holds(grant) === true, 'release of a foreign lease');
    this.lease = null;
    this.queue.release(grant);
  }

  /** Lifts a trigger write-back's suspension left by a failed statement (trigger-guard.ts). */
  resetTriggerGuard(): void {
    this.triggers.reset();
  }

  private stashLease(holder: WriterGrant): void {
    const lease = this.lease;
    assert(lease?.holds(holder) === true, 'stash of a writer with no lease');
    const kept = lease.kept !== null;
    lease.stashForQueue();
    this.lease = null;
    if (kept) this.counterValues.keptRolledBack += 1;
    else this.counterValues.stashes += 1;
  }

  private bfAbort(holder: WriterGrant): void {
    const lease = this.lease;
    assert(lease?.holds(holder) === true, 'BF abort of a writer with no lease');
    const kept = lease.kept !== null;
    lease.abortForApplier();
    this.lease = null;
    if (kept) this.counterValues.keptRolledBack += 1;
    else this.counterValues.bfAborts += 1;
  }

  private openReader(): ReaderConnection {
    const db = openConnection(this.options, null);
    db.pragma('query_only = ON');
    return {
      db,
      statements: new StatementCache(db, this.limits.statementCacheMax),
      seqnoRead: db
        .prepare<[], bigint>(`SELECT value FROM ${META_TABLE} WHERE key = 'applied_seqno'`)
        .pluck(),
      held: null,
    };
  }
}

function openConnection(
  options: StoreOptions,
  opened: Database.Database[] | null,
): Database.Database {
  const db = openDatabase(
    options.path,
    { timeout: SQLITE_BUSY_TIMEOUT_MS },
    options.cipher ?? null,
  );
  opened?.push(db);
  db.defaultSafeIntegers(true);
  // Durability comes from the replicated log; see docs/design/storage.md, "Settings".
  db.pragma('synchronous = NORMAL');
  installTriggerGuard(db, false);
  for (const fn of options.functions ?? []) {
    if (fn.table !== undefined) {
      db.table(fn.name, {
        columns: [...fn.table.columns],
        parameters: [...fn.table.parameters],
        rows: fn.table.rows as (...args: unknown[]) => Generator<unknown[]>,
        safeIntegers: true,
      });
      continue;
    }
    if (fn.aggregate !== undefined) {
      db.aggregate(fn.name, {
        start: fn.aggregate.start,
        step: fn.aggregate.step as (total: unknown, next: unknown) => unknown,
        result: fn.aggregate.result,
        deterministic: fn.deterministic,
        varargs: fn.varargs ?? false,
        safeIntegers: true,
      });
      continue;
    }
    db.function(
      fn.name,
      { deterministic: fn.deterministic, varargs: fn.varargs ?? false, safeIntegers: true },
      fn.fn,
    );
  }
  return db;
}

/**
 * Builds a database of this build's storage format at `target` from a logical dump (see
 * Store.dumpTo), in a worker thread; resolves with the applied seqno it holds.
 */
export async function loadLogicalDump(
  source: string,
  target: string,
): Promise<Result<{ seqno: Index; statements: number }, string>> {
  const result = await runLogicalWorker({ kind: 'load', source, target });
  return result.ok
    ? ok({ seqno: index(result.seqno), statements: result.statements })
    : err(result.error);
}

async function runLogicalWorker(data: LogicalWorkerData): Promise<LogicalWorkerResult> {
  const worker = new Worker(new URL('./logical-worker.js', import.meta.url), { workerData: data });
  try {
    const [result] = (await once(worker, 'message')) as [LogicalWorkerResult];
    return result;
  } catch (error) {
    return { ok: false, error: String(error) };
  } finally {
    await worker.terminate();
  }
}

/** Creates the internal tables and meta keys where missing; returns the file's format. */
export function initializeMeta(db: Database.Database): bigint {
  db.exec(
    `BEGIN IMMEDIATE;
     CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS ${CATALOG_TABLE} (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS ${CERT_FAILED_TABLE} (seqno INTEGER PRIMARY KEY);
     CREATE TABLE IF NOT EXISTS ${CERT_WINDOW_TABLE} (seqno INTEGER PRIMARY KEY, keys TEXT NOT NULL);
     INSERT OR IGNORE INTO ${META_TABLE} (key, value) VALUES
       ('format', ${STORE_FORMAT_VERSION}), ('cluster_uuid', NULL), ('applied_seqno', 0),
       ('local_history_from', NULL), ('config_seqno', NULL);
     COMMIT;`,
  );
  return readMeta(db, 'format') as bigint;
}

export function readMeta(db: Database.Database, key: string): SqlValue {
  const row = db
    .prepare<[string], SqlValue>(`SELECT value FROM ${META_TABLE} WHERE key = ?`)
    .pluck()
    .get(key);
  assert(row !== undefined, `meta key ${key} missing`);
  return row;
}

function closeAll(opened: Database.Database[]): void {
  for (const db of opened) if (db.open) db.close();
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

function closedError(seqno: Index): Result<never, ApplyError> {
  return err({ kind: 'closed', seqno, detail: 'the store is closed' });
}

/** One connection's statements for applying write-sets (Store.applyItems). */
interface ApplyConnection {
  readonly db: Database.Database;
  readonly applier: Applier;
  readonly begin: Database.Statement<[], unknown>;
  readonly commit: Database.Statement<[], unknown>;
  readonly rollback: Database.Statement<[], unknown>;
  readonly seqnoWrite: Database.Statement<[bigint], unknown>;
  readonly configSeqnoWrite: Database.Statement<[bigint], unknown>;
  readonly certFailedWrite: Database.Statement<[bigint], unknown>;
  readonly certFailedPurge: Database.Statement<[bigint], unknown>;
  readonly certWindowWrite: Database.Statement<[bigint, string], unknown>;
  readonly certWindowPurge: Database.Statement<[bigint], unknown>;
}

function applyConnection(db: Database.Database): ApplyConnection {
  return {
    db,
    applier: new Applier(db),
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    seqnoWrite: db.prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'applied_seqno'`),
    configSeqnoWrite: db.prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'config_seqno'`),
    certFailedWrite: db.prepare(`INSERT OR IGNORE INTO ${CERT_FAILED_TABLE} (seqno) VALUES (?)`),
    certFailedPurge: db.prepare(`DELETE FROM ${CERT_FAILED_TABLE} WHERE seqno < ?`),
    certWindowWrite: db.prepare(
      `INSERT OR REPLACE INTO ${CERT_WINDOW_TABLE} (seqno, keys) VALUES (?, ?)`,
    ),
    certWindowPurge: db.prepare(`DELETE FROM ${CERT_WINDOW_TABLE} WHERE seqno <= ?`),
  };
}

/**
 * The SQLite tables that are the child or the parent of a foreign key, or have a CHECK
 * constraint (read from their CREATE text: a false match only keeps the applier connection).
 */
function readForeignKeyTables(db: Database.Database): ReadonlySet<string> {
  const rows = db
    .prepare<[], { child: string; parent: string }>(
      `SELECT m.name AS child, f."table" AS parent FROM main.sqlite_schema AS m, ` +
        `pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table'`,
    )
    .all();
  const tables = new Set<string>();
  for (const row of rows) {
    tables.add(row.child);
    tables.add(row.parent);
  }
  const checked = db
    .prepare<[], string>(
      `SELECT name FROM main.sqlite_schema WHERE type = 'table' AND upper(sql) LIKE '%CHECK%'`,
    )
    .pluck()
    .all();
  for (const name of checked) tables.add(name);
  return tables;
}
