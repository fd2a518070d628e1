// One chaos client: a mysql2 connection to one node that runs explicit transactions and turns
// every error into a history status. Before COMMIT any error means the transaction did not
// commit (fail); at COMMIT, 1213/1205/1047 are definite refusals (fail) while 1180, a lost
// connection or a timeout leave the outcome unknown (info). A lost connection is reopened at the
// next transaction, so clients come back when their node does.
import type { Connection } from 'mysql2/promise';
import type { TxnStatus } from '../sim/history/history.js';
import type { ChaosNode } from './cluster.js';

/** Above the server's 30 s commit timeout, so a slow COMMIT answers before we give up on it. */
const QUERY_TIMEOUT_MS = 40_000;

/** Errors at COMMIT that prove the transaction did not commit. */
const COMMIT_REFUSALS = new Set([1213, 1205, 1047]);
const ER_ERROR_DURING_COMMIT = 1180;

export type Query = (
  sql: string,
  params?: readonly (string | number)[],
) => Promise<Record<string, unknown>[]>;

export interface TxnOutcome {
  readonly status: TxnStatus;
  /** The error's errno or code ('1213', 'ECONNRESET', …); absent on success. */
  readonly error?: string;
  /** An error we did not expect from the product under faults (listed in the report). */
  readonly unexpected?: string;
}

/** A transaction body returns false to roll back on purpose (e.g. not enough money). */
export type TxnBody = (query: Query) => Promise<boolean>;

interface MysqlError {
  readonly errno?: number;
  readonly code?: string;
  readonly fatal?: boolean;
  readonly message?: string;
}

export class ChaosClient {
  private conn: Connection | null = null;

  constructor(
    readonly node: ChaosNode,
    readonly process: string,
  ) {}

  /** Opens the connection if there is none; false while the node does not accept one. */
  async connect(): Promise<boolean> {
    if (this.conn !== null) return true;
    try {
      this.conn = await this.node.connect();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.conn?.destroy();
    this.conn = null;
  }

  async transaction(body: TxnBody): Promise<TxnOutcome> {
    const conn = this.conn;
    if (conn === null) return { status: 'fail', error: 'no-connection' };
    const query: Query = async (sql, params = []) => {
      const [rows] = await conn.query({ sql, timeout: QUERY_TIMEOUT_MS }, [...params]);
      return rows as Record<string, unknown>[];
    };
    let committing = false;
    try {
      await query('BEGIN');
      if (!(await body(query))) {
        await query('ROLLBACK');
        return { status: 'fail', error: 'client-rollback' };
      }
      committing = true;
      await query('COMMIT');
      return { status: 'ok' };
    } catch (caught) {
      return this.classify(caught as MysqlError, committing, query);
    }
  }

  private async classify(
    error: MysqlError,
    committing: boolean,
    query: Query,
  ): Promise<TxnOutcome> {
    const serverError = typeof error.errno === 'number' && error.fatal !== true;
    if (!serverError) {
      // The connection is gone (reset, refused, timed out): the server rolls back an open
      // transaction, but a COMMIT already sent may or may not have been applied.
      this.close();
      return { status: committing ? 'info' : 'fail', error: error.code ?? 'connection' };
    }
    const errno = error.errno!;
    if (!committing) {
      await query('ROLLBACK').catch(() => this.close());
      return { status: 'fail', error: String(errno), ...unexpectedBefore(errno, error) };
    }
    if (COMMIT_REFUSALS.has(errno)) return { status: 'fail', error: String(errno) };
    if (errno === ER_ERROR_DURING_COMMIT) return { status: 'info', error: String(errno) };
    return {
      status: 'info',
      error: String(errno),
      unexpected: `COMMIT answered ${errno}: ${error.message ?? ''}`,
    };
  }
}

/** Errors before COMMIT that faults explain; anything else is listed as unexpected. */
const EXPECTED_BEFORE_COMMIT = new Set([1213, 1205, 1047, 1053]);

function unexpectedBefore(errno: number, error: MysqlError): { unexpected?: string } {
  if (EXPECTED_BEFORE_COMMIT.has(errno)) return {};
  return { unexpected: `statement answered ${errno}: ${error.message ?? ''}` };
}
