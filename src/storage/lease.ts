// A local write transaction: it owns the writer from acquireWriter until commit or rollback.
// Every statement runs inside one SQLite transaction (BEGIN IMMEDIATE) on the session
// connection, with its row changes captured; commit turns them into a write-set and rolls the
// SQLite transaction back. See docs/design/storage.md, "The life of a local transaction".
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
import { CAPTURE_ROWS_CONSTRAINT, type Capture } from './capture.js';
import { isBindRefusal, type LocalError } from './errors.js';
import { executeOn, type ExecuteResult } from './execute.js';
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
}

type LeaseState = 'active' | 'bf_aborted' | 'done';

export class WriterLease {
  private state: LeaseState = 'active';

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

  /** False once committed, rolled back or brute-force aborted. */
  get active(): boolean {
    return this.state === 'active';
  }

  /** Runs one statement of the transaction. */
  execute(sql: string, params: readonly SqlValue[] = []): Result<ExecuteResult, LocalError> {
    const open = this.checkOpen();
    if (!open.ok) return open;
    try {
      const result = executeOn(this.host.statements, sql, params);
      assert(this.host.db.inTransaction, 'a statement ended the transaction (COMMIT/ROLLBACK?)');
      return ok(result);
    } catch (error) {
      return this.failure(error);
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
   */
  commit(
    extraKeys: readonly CertificationKey[] = [],
    beforeRelease?: (writeSet: WriteSet) => void,
    /**
     * The state the transaction read, when older than the writer's: its write-set certifies
     * against that (the engine shows its statements answered as they would have there).
     */
    seqnoSnapshot: Index = this.seqnoSnapshot,
  ): Result<WriteSet | null, LocalError> {
    assert(seqnoSnapshot <= this.seqnoSnapshot, 'certified against a state newer than the writer');
    const open = this.checkOpen();
    if (!open.ok) return open;
    const changes = this.host.capture.collect();
    if (changes.rows.length === 0) {
      this.finish();
      return ok(null);
    }
    const keys = mergeKeys(changes.keys, extraKeys);
    const writeSet: WriteSet = {
      originNodeId: this.host.nodeId,
      originTransactionId: this.transactionId,
      seqnoSnapshot,
      flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
      keys,
      rows: changes.rows,
      statements: [],
    };
    this.finish(beforeRelease === undefined ? undefined : () => beforeRelease(writeSet));
    return ok(writeSet);
  }

  /** Rolls the transaction back and releases the writer; harmless after it already ended. */
  rollback(): void {
    if (this.state === 'active') this.finish();
    this.state = 'done';
  }

  /** Called by the store when the applier takes the writer; the queue releases it after. */
  abortForApplier(): void {
    assert(this.state === 'active', 'only an active transaction is brute-force aborted');
    if (this.host.db.inTransaction) this.host.db.exec('ROLLBACK');
    this.state = 'bf_aborted';
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
    try {
      beforeRelease?.();
    } finally {
      this.host.release(this.grant);
    }
  }
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
