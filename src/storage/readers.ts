// Reader connections: each ReadSnapshot pins one WAL snapshot (BEGIN plus a first read of the
// applied seqno) on a connection of its own, so applies and local transactions go on while it
// reads. Idle connections are pooled up to readerPoolSize.
//
// An idle connection keeps its read transaction open while nothing can have been written since
// it began: the next snapshot reuses it, without the BEGIN, the first read and the COMMIT (their
// file locks were 18 % of a point select's CPU). Every write happens under the writer
// (WriterQueue), so its release invalidates every kept transaction (they are committed at once,
// so that none holds back a checkpoint), and a snapshot taken while anyone holds the writer is
// never reused: it may predate a commit that comes before the release.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { index, type Index } from '../core/types.js';
import { err, ok, type Result, type SqlValue } from '../codec/index.js';
import { isBindRefusal, type ReaderError } from './errors.js';
import { executeOn, type StatementStop, type ExecuteResult } from './execute.js';
import { SqliteError } from './sqlite.js';
import { StatementCache } from './statement-cache.js';

export interface ReaderConnection {
  readonly db: Database.Database;
  readonly statements: StatementCache;
  readonly seqnoRead: Database.Statement<[], bigint>;
  /** The read transaction this connection has open, and the pool version it was begun in. */
  held: { readonly seqno: Index; readonly version: number } | null;
}

export class ReadSnapshot {
  private released = false;

  constructor(
    private readonly pool: ReaderPool,
    /** @internal The connection, for storage's own use (checksum); not for other layers. */
    readonly connection: ReaderConnection,
    /** The applied seqno of the state this snapshot sees. */
    readonly seqno: Index,
  ) {}

  /** Runs a read; at `stop` SQLite stops it (SQLITE_INTERRUPT), the snapshot stays. */
  execute(
    sql: string,
    params: readonly SqlValue[] = [],
    stop: StatementStop | null = null,
  ): Result<ExecuteResult, ReaderError> {
    assert(!this.released, 'read on a released snapshot');
    try {
      return ok(executeOn(this.connection.statements, sql, params, stop));
    } catch (error) {
      if (isBindRefusal(error)) return err({ kind: 'bad_value', message: error.message });
      if (!(error instanceof SqliteError)) throw error;
      return err({ kind: 'sqlite', code: error.code, message: error.message });
    }
  }

  /** Ends the snapshot; the connection goes back to the pool. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.giveBack(this.connection);
  }
}

export class ReaderPool {
  private readonly idle: ReaderConnection[] = [];
  private inUse = 0;
  private closed = false;

  /** Bumped at every release of the writer: transactions begun before it are not reused. */
  private version = 0;

  constructor(
    private readonly openConnection: () => ReaderConnection,
    private readonly poolSize: number,
    private readonly readersMax: number,
    /**
     * Whether anyone holds the writer now (it may commit before it releases); always true for
     * a store that is not the file's only writer, whose transactions are then never kept.
     */
    private readonly writerHeld: () => boolean,
  ) {
    assert(poolSize <= readersMax, 'reader pool larger than readersMax');
  }

  get open(): number {
    return this.inUse;
  }

  snapshot(): Result<ReadSnapshot, ReaderError> {
    assert(!this.closed, 'snapshot of a closed store');
    if (this.inUse >= this.readersMax) {
      return err({ kind: 'too_many_readers', readersMax: this.readersMax });
    }
    let connection = this.idle.pop() ?? this.openConnection();
    const writing = this.writerHeld();
    if (connection.held === null || connection.held.version !== this.version || writing) {
      if (!this.end(connection)) {
        connection.db.close();
        connection = this.openConnection();
      }
      connection.db.exec('BEGIN');
      // The first read pins the WAL snapshot; the seqno read is the state's own.
      const seqno = connection.seqnoRead.get();
      assert(seqno !== undefined, 'applied seqno missing from meta');
      connection.held = { seqno: index(Number(seqno)), version: writing ? -1 : this.version };
    }
    this.inUse += 1;
    return ok(new ReadSnapshot(this, connection, connection.held.seqno));
  }

  giveBack(connection: ReaderConnection): void {
    this.inUse -= 1;
    assert(this.inUse >= 0, 'reader given back twice');
    if (this.closed || this.idle.length >= this.poolSize) {
      this.end(connection);
      connection.db.close();
      return;
    }
    const reusable = connection.held?.version === this.version && !this.writerHeld();
    if (!reusable && !this.end(connection)) {
      connection.db.close();
      return;
    }
    this.idle.push(connection);
  }

  /** The writer was released: what it committed is not in the transactions kept open. */
  invalidate(): void {
    this.version += 1;
    for (const connection of this.idle.splice(0)) {
      if (this.end(connection)) this.idle.push(connection);
      else connection.db.close();
    }
  }

  /**
   * Ends the connection's read transaction; false when it cannot (the connection is unusable
   * and must be closed). A read that met a corrupt page leaves SQLite failing the COMMIT with
   * SQLITE_CORRUPT: that read already answered with the error, and the next read must not fail
   * for it, nor a worker thread crash on it.
   */
  private end(connection: ReaderConnection): boolean {
    connection.held = null;
    if (!connection.db.inTransaction) return true;
    try {
      connection.db.exec('COMMIT');
      return true;
    } catch (error) {
      if (!(error instanceof SqliteError)) throw error;
      try {
        connection.db.exec('ROLLBACK');
      } catch {
        // The connection is closed by the caller either way.
      }
      return false;
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle) connection.db.close();
    this.idle.length = 0;
  }
}
