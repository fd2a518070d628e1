// Reader connections: each ReadSnapshot pins one WAL snapshot (BEGIN plus a first read of the
// applied seqno) on a connection of its own, so applies and local transactions go on while it
// reads. Idle connections are pooled up to readerPoolSize.
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import { index, type Index } from '../core/types.js';
import { err, ok, type Result, type SqlValue } from '../codec/index.js';
import { isBindRefusal, type ReaderError } from './errors.js';
import { executeOn, type ExecuteResult } from './execute.js';
import { SqliteError } from './sqlite.js';
import { StatementCache } from './statement-cache.js';

export interface ReaderConnection {
  readonly db: Database.Database;
  readonly statements: StatementCache;
  readonly seqnoRead: Database.Statement<[], bigint>;
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

  execute(sql: string, params: readonly SqlValue[] = []): Result<ExecuteResult, ReaderError> {
    assert(!this.released, 'read on a released snapshot');
    try {
      return ok(executeOn(this.connection.statements, sql, params));
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

  constructor(
    private readonly openConnection: () => ReaderConnection,
    private readonly poolSize: number,
    private readonly readersMax: number,
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
    const connection = this.idle.pop() ?? this.openConnection();
    connection.db.exec('BEGIN');
    // The first read pins the WAL snapshot; the seqno read is the state's own.
    const seqno = connection.seqnoRead.get();
    assert(seqno !== undefined, 'applied seqno missing from meta');
    this.inUse += 1;
    return ok(new ReadSnapshot(this, connection, index(Number(seqno))));
  }

  giveBack(connection: ReaderConnection): void {
    this.inUse -= 1;
    assert(this.inUse >= 0, 'reader given back twice');
    if (connection.db.inTransaction) connection.db.exec('COMMIT');
    if (this.closed || this.idle.length >= this.poolSize) {
      connection.db.close();
      return;
    }
    this.idle.push(connection);
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle) connection.db.close();
    this.idle.length = 0;
  }
}
