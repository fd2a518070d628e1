// A local write transaction: it owns the writer from acquireWriter until commit or rollback,
// unless it is stashed between two statements. Every statement runs inside one SQLite
// transaction (BEGIN IMMEDIATE) on the session connection, with its row changes captured;
// commit turns them into a write-set and, unless it keeps it, rolls the SQLite transaction back.
// A kept transaction stays open on the writer until its write-set comes to be applied here: the
// store then commits it in place of applying the rows again, or rolls it back first when anyone
// else needs the writer. A stash sets an idle transaction's changes aside as row images, which a
// new lease restores.
// See docs/design/storage.md, "The life of a local transaction".
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import type { Index, NodeId } from '../core/types.js';
import {
  err,
  ok,
  type CertificationKey,
  type Result,
  type SqlValue,
  type TransactionId,
  type WriteSet,
} from '../codec/index.js';
import {
  CAPTURE_ROWS_CONSTRAINT,
  type CapturedChanges,
  type Capture,
  type RowOps,
} from './capture.js';
import { isBindRefusal, type LocalError } from './errors.js';
import { executeOn, type StatementStop, type ExecuteResult } from './execute.js';
import { quoteId } from './names.js';
import { SqliteError } from './sqlite.js';
import type { StatementCache } from './statement-cache.js';
import type { WriterGrant } from './writer-queue.js';

/** What a lease needs from its store. */
export interface LeaseHost {
  readonly db: Database.Database;
  readonly capture: Capture;
  readonly statements: StatementCache;
  readonly nodeId: NodeId;
  readonly rowsMax: number;
  /** Hands the writer on; called once, after the SQLite transaction has ended. */
  release(grant: WriterGrant): void;
  /** Marks the holder idle (stashable) or busy in the writer queue. */
  setIdle(grant: WriterGrant, idle: boolean): void;
  /** Writes a stash's row images back (restore.ts). */
  restore(changes: CapturedChanges): Result<null, string>;
}

/** A transaction's changes set aside between two of its statements (WriterLease.stash). */
export interface Stash {
  readonly changes: CapturedChanges;
  readonly nodeId: NodeId;
  readonly transactionId: TransactionId;
  /** The writer's state when the stashed lease began. */
  readonly seqnoSnapshot: Index;
}

/**
 * The write-set of a stashed transaction, built without the writer (null when it changed
 * nothing): the stash holds every change. `seqnoSnapshot` is what it certifies against.
 */
export function stashWriteSet(
  stash: Stash,
  extraKeys: readonly CertificationKey[],
  seqnoSnapshot: Index,
): WriteSet | null {
  assert(seqnoSnapshot <= stash.seqnoSnapshot, 'certified against a state newer than the writer');
  if (stash.changes.rows.length === 0) return null;
  return buildWriteSet(stash.nodeId, stash.transactionId, stash.changes, extraKeys, seqnoSnapshot);
}

/**
 * `kept`: committed by the session (commit with `keep`), its SQLite transaction still open
 * and holding exactly its write-set's changes, until the store commits it in place or rolls it
 * back.
 */
type LeaseState = 'active' | 'bf_aborted' | 'stashed' | 'kept' | 'done';

export class WriterLease {
  private state: LeaseState = 'active';
  private idleNow = false;
  private stashHeld: Stash | null = null;
  private keptWriteSet: WriteSet | null = null;

  constructor(
    private readonly host: LeaseHost,
    private readonly grant: WriterGrant,
    /** The applied seqno when the transaction took the writer: what it reads. */
    readonly seqnoSnapshot: Index,
    readonly transactionId: TransactionId,
  ) {
    assert(host.db.inTransaction, 'a lease starts inside BEGIN IMMEDIATE');
  }

  get ownerId(): string {
    return this.grant.ownerId;
  }

  /** Whether this lease is the one the writer queue granted as `grant`. */
  holds(grant: WriterGrant): boolean {
    return this.grant === grant;
  }

  /** False once committed, rolled back, stashed or brute-force aborted. */
  get active(): boolean {
    return this.state === 'active';
  }

  /** The write-set of a kept transaction (commit with `keep`) still open on the writer. */
  get kept(): WriteSet | null {
    return this.state === 'kept' ? this.keptWriteSet : null;
  }

  /** The changes set aside when the store stashed this lease (then inactive); else null. */
  get stash(): Stash | null {
    return this.stashHeld;
  }

  /**
   * Between two statements: the store may stash the transaction whenever someone asks for the
   * writer. Call busy() before the next statement uses the lease (it is then still active, or
   * stashed).
   */
  idle(): void {
    assert(this.state === 'active', 'idle on an ended transaction');
    if (this.idleNow) return;
    this.idleNow = true;
    this.host.setIdle(this.grant, true);
  }

  /** The lease is in use again (see idle); a no-op if it is not active any more. */
  busy(): void {
    if (!this.idleNow) return;
    this.idleNow = false;
    if (this.state === 'active') this.host.setIdle(this.grant, false);
  }

  /**
   * Called by the store, for the writer queue, while the lease is idle: the changes become row
   * images (the write-set's, as commit would build them) and the SQLite transaction is rolled
   * back. The queue then hands the writer on.
   */
  stashForQueue(): void {
    if (this.state === 'kept') {
      // Its write-set is on its way: the applier writes it from its rows when its turn comes.
      // The queue hands the writer on itself.
      this.endKept(true, false);
      return;
    }
    assert(this.state === 'active' && this.idleNow, 'stash of a busy transaction');
    const changes = this.host.capture.collect();
    this.host.db.exec('ROLLBACK');
    this.stashHeld = {
      changes,
      nodeId: this.host.nodeId,
      transactionId: this.transactionId,
      seqnoSnapshot: this.seqnoSnapshot,
    };
    this.state = 'stashed';
    this.idleNow = false;
  }

  /**
   * Writes a stash's rows back at the start of this lease, so that the transaction goes on
   * where it was. Either every row is back (captured again, as if written now), or none is and
   * the error says which row did not fit the current state (a row changed since: the caller
   * runs the transaction again instead).
   */
  restore(stash: Stash): Result<null, string> {
    assert(this.state === 'active', 'restore into an ended transaction');
    return this.host.restore(stash.changes);
  }

  /**
   * Runs one statement of the transaction. At `stop` SQLite stops it with
   * SQLITE_INTERRUPT: a read leaves the transaction as it was, a write ends it (SQLite rolls
   * the whole transaction back, and the writer is released: `transactionRolledBack`).
   */
  execute(
    sql: string,
    params: readonly SqlValue[] = [],
    stop: StatementStop | null = null,
  ): Result<ExecuteResult, LocalError> {
    const open = this.checkOpen();
    if (!open.ok) return open;
    try {
      const result = executeOn(this.host.statements, sql, params, stop);
      assert(this.host.db.inTransaction, 'a statement ended the transaction (COMMIT/ROLLBACK?)');
      return ok(result);
    } catch (error) {
      return this.failure(error);
    }
  }

  /**
   * Runs `body` (statements of this transaction) as `SET FOREIGN_KEY_CHECKS = 0` wants: SQLite
   * defers its foreign-key checks to the COMMIT, and switching the deferral off again forgets
   * the violations counted meanwhile (SQLite resets its deferred counter then). The session's
   * local transaction never commits rows that a check would see: its write-set is applied by
   * the applier, whose connection has foreign keys off. Actions (CASCADE, SET NULL) still run.
   */
  withoutForeignKeyChecks<T>(body: () => T): T {
    assert(this.state === 'active', 'withoutForeignKeyChecks on an ended transaction');
    this.host.db.pragma('defer_foreign_keys = ON');
    try {
      return body();
    } finally {
      this.host.db.pragma('defer_foreign_keys = OFF');
    }
  }

  /**
   * How many row changes the transaction has captured so far (0: it has written nothing, or
   * everything it wrote was rolled back to a savepoint). Pass it to keysSince after a statement.
   */
  captureMark(): number {
    assert(this.state === 'active', 'captureMark on an ended transaction');
    return this.host.capture.mark();
  }

  /**
   * The certification keys of the changes captured after `mark`, i.e. of the statements run
   * since: written rows and the unique keys of their current images, as the write-set would
   * carry them. Call it right after a statement, while the lease is certainly active.
   */
  keysSince(mark: number): CertificationKey[] {
    assert(this.state === 'active', 'keysSince on an ended transaction');
    return this.host.capture.keysSince(mark);
  }

  /** The rows the statements since `mark` inserted, updated and deleted (affected rows of REPLACE and upserts). */
  rowOpsSince(mark: number, sqliteName: string | null = null): RowOps {
    assert(this.state === 'active', 'rowOpsSince on an ended transaction');
    return this.host.capture.opsSince(mark, sqliteName);
  }

  savepoint(name: string): Result<null, LocalError> {
    return this.control(`SAVEPOINT ${quoteId(name)}`, name);
  }

  /** Undoes the changes after the savepoint, their captured rows included; keeps the savepoint. */
  rollbackToSavepoint(name: string): Result<null, LocalError> {
    return this.control(`ROLLBACK TO ${quoteId(name)}`, name);
  }

  releaseSavepoint(name: string): Result<null, LocalError> {
    return this.control(`RELEASE ${quoteId(name)}`, name);
  }

  /**
   * Ends the transaction: builds its write-set (null when it changed nothing), rolls the SQLite
   * transaction back and releases the writer. `extraKeys` are the keys of rows the caller read
   * with SELECT … FOR UPDATE (exclusive) or LOCK IN SHARE MODE (shared). `beforeRelease` gets
   * the write-set after the rollback and before the writer passes on: whatever it starts (an
   * applier's wait for the writer, say) comes before the sessions waiting for the writer.
   *
   * With `keep`, a transaction that changed rows is neither rolled back nor released: it waits,
   * idle, for the store to commit it in place when its write-set's turn to be applied comes
   * (Store.applyBatch), and is rolled back as soon as anyone else asks for the writer. Call
   * settle() once the verdict is in.
   */
  commit(
    extraKeys: readonly CertificationKey[] = [],
    beforeRelease?: (writeSet: WriteSet) => void,
    /**
     * The state the transaction read, when older than the writer's: its write-set certifies
     * against that (the engine shows its statements answered as they would have there).
     */
    seqnoSnapshot: Index = this.seqnoSnapshot,
    keep = false,
  ): Result<WriteSet | null, LocalError> {
    assert(seqnoSnapshot <= this.seqnoSnapshot, 'certified against a state newer than the writer');
    const open = this.checkOpen();
    if (!open.ok) return open;
    const changes = this.host.capture.collect();
    if (changes.rows.length === 0) {
      this.finish();
      return ok(null);
    }
    const writeSet = buildWriteSet(
      this.host.nodeId,
      this.transactionId,
      changes,
      extraKeys,
      seqnoSnapshot,
    );
    if (!keep) {
      this.finish(beforeRelease === undefined ? undefined : () => beforeRelease(writeSet));
      return ok(writeSet);
    }
    this.state = 'kept';
    this.keptWriteSet = writeSet;
    try {
      beforeRelease?.(writeSet);
    } catch (error) {
      this.settle();
      throw error;
    }
    // Idle: the next one to ask for the writer rolls it back (stashForQueue).
    if (this.state === 'kept' && !this.idleNow) {
      this.idleNow = true;
      this.host.setIdle(this.grant, true);
    }
    return ok(writeSet);
  }

  /**
   * After the verdict of a kept transaction: rolls it back and releases the writer if the store
   * neither committed it in place nor rolled it back meanwhile; else nothing.
   */
  settle(): void {
    if (this.state === 'kept') this.endKept(true, true);
  }

  /**
   * The store committed the kept transaction in place of applying its write-set (it ran the
   * COMMIT itself, with the applied seqno); the writer passes on.
   */
  committedInPlace(): void {
    assert(this.state === 'kept', 'an in-place commit of a transaction not kept');
    assert(!this.host.db.inTransaction, 'an in-place commit left the transaction open');
    this.endKept(false, true);
  }

  private endKept(rollBack: boolean, release: boolean): void {
    if (rollBack && this.host.db.inTransaction) this.host.db.exec('ROLLBACK');
    this.state = 'done';
    this.keptWriteSet = null;
    this.idleNow = false;
    if (release) this.host.release(this.grant);
  }

  /** Rolls the transaction back and releases the writer; harmless after it already ended. */
  rollback(): void {
    if (this.state === 'active') this.finish();
    else if (this.state === 'kept') this.endKept(true, true);
    this.state = 'done';
    this.stashHeld = null;
  }

  /** Called by the store when the applier takes the writer; the queue releases it after. */
  abortForApplier(): void {
    if (this.state === 'kept') {
      this.endKept(true, false);
      return;
    }
    assert(this.state === 'active', 'only an active transaction is brute-force aborted');
    if (this.host.db.inTransaction) this.host.db.exec('ROLLBACK');
    this.state = 'bf_aborted';
    this.idleNow = false;
  }

  private checkOpen(): Result<null, LocalError> {
    if (this.state === 'bf_aborted') {
      // Reported once, to the next statement or commit; the writer is already gone.
      this.state = 'done';
      return err({ kind: 'bf_aborted' });
    }
    assert(this.state === 'active', 'statement on an ended transaction');
    return ok(null);
  }

  private control(sql: string, name: string): Result<null, LocalError> {
    const open = this.checkOpen();
    if (!open.ok) return open;
    try {
      this.host.db.exec(sql);
      return ok(null);
    } catch (error) {
      if (error instanceof SqliteError && error.message.startsWith('no such savepoint')) {
        return err({ kind: 'no_such_savepoint', name });
      }
      return this.failure(error);
    }
  }

  private failure(error: unknown): Result<never, LocalError> {
    // A value SQLite cannot hold is the client's; anything else but SQLite's own refusal (a
    // broken assertion) is a bug.
    if (isBindRefusal(error)) return err({ kind: 'bad_value', message: error.message });
    if (!(error instanceof SqliteError)) throw error;
    if (
      error.code === 'SQLITE_CONSTRAINT_CHECK' &&
      error.message.includes(CAPTURE_ROWS_CONSTRAINT)
    ) {
      return err({ kind: 'too_many_rows', rowsMax: this.host.rowsMax });
    }
    // Some errors (I/O, full disk, out of memory) make SQLite roll the whole transaction back.
    const transactionRolledBack = !this.host.db.inTransaction;
    if (transactionRolledBack) this.finish();
    return err({ kind: 'sqlite', code: error.code, message: error.message, transactionRolledBack });
  }

  private finish(beforeRelease?: () => void): void {
    assert(this.state === 'active', 'finish of an ended transaction');
    if (this.host.db.inTransaction) this.host.db.exec('ROLLBACK');
    this.state = 'done';
    this.idleNow = false;
    try {
      beforeRelease?.();
    } finally {
      this.host.release(this.grant);
    }
  }
}

function buildWriteSet(
  originNodeId: NodeId,
  originTransactionId: TransactionId,
  changes: CapturedChanges,
  extraKeys: readonly CertificationKey[],
  seqnoSnapshot: Index,
): WriteSet {
  return {
    originNodeId,
    originTransactionId,
    seqnoSnapshot,
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    // A copy: the stash's own keys stay as they were.
    keys: mergeKeys([...changes.keys], extraKeys),
    rows: changes.rows,
    statements: [],
  };
}

/**
 * Written-row keys first, then the caller's keys that are not already among them; a key given
 * both shared and exclusive stays exclusive.
 */
function mergeKeys(
  written: CertificationKey[],
  extra: readonly CertificationKey[],
): CertificationKey[] {
  if (extra.length === 0) return written;
  const positions = new Map(written.map((key, position) => [keyId(key), position]));
  for (const key of extra) {
    const id = keyId(key);
    const position = positions.get(id);
    if (position === undefined) {
      positions.set(id, written.length);
      written.push(key);
    } else if (key.exclusive && !written[position]!.exclusive) {
      written[position] = key;
    }
  }
  return written;
}

function keyId(key: CertificationKey): string {
  const bytes = Buffer.from(key.keyBytes.buffer, key.keyBytes.byteOffset, key.keyBytes.length);
  return `${key.database}\u0000${key.table}\u0000${bytes.toString('latin1')}`;
}
