// Simulated MySQL clients: each transaction opens a session on its node's engine and sends SQL
// text one statement at a time, each statement a simulator event after a think time, exactly
// what a MySQL connection would hand the engine minus the socket. The outcome the client
// learns decides how the history records the transaction: committed ('ok'), certainly not
// committed ('fail'), or unknown ('info': the connection died at COMMIT, the verdict never came).
import type { Prng } from '../../../src/core/prng.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { EngineSession } from '../../../src/engine/session.js';
import {
  Capability,
  type ErrorResult,
  type QueryResult,
  type SqlValue,
} from '../../../src/mysql/index.js';
import type { TxnStatus } from '../history/history.js';
import type { World } from '../world.js';
import type { EngineCluster } from './cluster.js';
import { sessionInfo } from './template.js';

/** Client error when the connection is gone (the node crashed or left) before a statement. */
export const CR_SERVER_LOST = 2013;

/** Errors that say the transaction certainly did not commit. */
const certainlyNotCommitted = new Set([
  1213, // ER_LOCK_DEADLOCK: certification failure, brute-force abort, keys in flight
  1205, // ER_LOCK_WAIT_TIMEOUT
  1047, // WSREP has not yet prepared node for application use
  CR_SERVER_LOST, // COMMIT never reached the server
]);

const lost: ErrorResult = {
  kind: 'error',
  code: CR_SERVER_LOST,
  sqlState: 'HY000',
  message: 'Lost connection to server',
};

export const isError = (r: QueryResult): r is ErrorResult => r.kind === 'error';

/** The rows of a result, or null for an error or an OK. */
export function rowsOf(r: QueryResult): (readonly SqlValue[])[] | null {
  return r.kind === 'rows' ? [...r.rows] : null;
}

/** One client connection to one node, for one transaction. */
export class Connection {
  private session: EngineSession | null = null;
  private engine: Engine | null = null;
  /** Whether a COMMIT (or an autocommit write) reached the server: its outcome may be unknown. */
  commitSent = false;

  constructor(
    private readonly world: World,
    private readonly cluster: EngineCluster,
    readonly slot: number,
    private readonly rng: Prng,
    private readonly connectionId: number,
  ) {
    this.capabilities = rng.chance(0.5) ? Capability.FOUND_ROWS : 0;
  }

  /**
   * Half the clients ask for CLIENT_FOUND_ROWS (mysql2's default: UPDATE counts matched rows),
   * half do not (the mariadb CLI, sysbench: only changed rows are written and replicated).
   */
  private readonly capabilities: number;

  /** Sends one statement after a think time of 1–4 ms; resolves with its result. */
  query(sql: string): Promise<QueryResult> {
    return new Promise((resolve) => {
      this.world.at(this.world.nowMs + 1 + this.rng.int(4), () => this.send(sql, resolve));
    });
  }

  /** COMMIT (or an autocommit write): what its result says of the transaction. */
  async commit(sql = 'COMMIT'): Promise<TxnStatus> {
    this.committing = true;
    return statusOf(await this.query(sql), () => this.commitSent);
  }

  private committing = false;

  private send(sql: string, resolve: (result: QueryResult) => void): void {
    const node = this.world.nodes[this.slot]!;
    if (node.status === 'paused') {
      // A paused process serves nobody: the statement waits in its socket buffer.
      this.world.at(this.world.nowMs + 5, () => this.send(sql, resolve));
      return;
    }
    const engine = this.cluster.engine(this.slot);
    if (node.status !== 'up' || engine === null || (this.engine !== null && engine !== this.engine))
      return resolve(lost);
    if (this.committing) this.commitSent = true;
    void this.run(engine, sql).then(
      (result) => {
        this.world.detail(
          () => `n${this.slot + 1} c${this.connectionId} ${sql} -> ${describe(result)}`,
        );
        resolve(result);
      },
      (error: unknown) => {
        this.world.checker.fail(this.world.nowMs, `engine threw on ${sql}: ${String(error)}`);
        resolve(lost);
      },
    );
  }

  private async run(engine: Engine, sql: string): Promise<QueryResult> {
    if (this.session === null) {
      const opened = await engine.openSession(sessionInfo(this.connectionId, this.capabilities));
      if ('kind' in opened) return opened;
      this.engine = engine;
      this.session = opened as EngineSession;
    }
    const [result] = await this.session.query(sql, { multiStatements: false });
    return result ?? lost;
  }

  close(): void {
    void this.session?.close();
    this.session = null;
  }
}

function describe(result: QueryResult): string {
  if (result.kind === 'error') return `error ${result.code} ${result.message}`;
  if (result.kind === 'ok') return `ok ${String(result.affectedRows)}`;
  return JSON.stringify([...result.rows], (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
}

function statusOf(result: QueryResult, sent: () => boolean): TxnStatus {
  if (!isError(result)) return 'ok';
  if (result.code === CR_SERVER_LOST) return sent() ? 'info' : 'fail';
  return certainlyNotCommitted.has(result.code) ? 'fail' : 'info';
}

interface Running {
  readonly connection: Connection;
  readonly record: (status: TxnStatus) => void;
}

/** Starts client transactions and settles those still running when the history is checked. */
export class Clients {
  private readonly running = new Map<number, Running>();
  private nextConnectionId = 1;
  statuses = { ok: 0, fail: 0, info: 0 };

  constructor(
    private readonly world: World,
    private readonly cluster: EngineCluster,
    private readonly rng: Prng,
  ) {}

  /**
   * Runs `script` on a new connection to `slot`; `record` gets the outcome once (at the latest
   * when settleAll runs). The script returns the status its last statement decided.
   */
  start(
    slot: number,
    script: (connection: Connection) => Promise<TxnStatus>,
    record: (status: TxnStatus) => void,
  ): void {
    const id = this.nextConnectionId++;
    const connection = new Connection(this.world, this.cluster, slot, this.rng, id);
    this.running.set(id, { connection, record });
    script(connection).then(
      (status) => this.finish(id, status),
      (error: unknown) => {
        this.world.checker.fail(this.world.nowMs, `client script threw: ${String(error)}`);
        this.finish(id, 'info');
      },
    );
  }

  private finish(id: number, status: TxnStatus): void {
    const running = this.running.get(id);
    if (running === undefined) return;
    this.running.delete(id);
    running.connection.close();
    this.statuses[status]++;
    // Outcomes go into the trace hash: a replay must reproduce the engine's answers too.
    const code = status === 'ok' ? 40 : status === 'fail' ? 41 : 42;
    this.world.note(() => `n${running.connection.slot + 1} client ${id}: ${status}`, code + id);
    running.record(status);
  }

  /** Transactions still running end now: unknown if their COMMIT was sent, else failed. */
  settleAll(): void {
    for (const [id, running] of [...this.running])
      this.finish(id, running.connection.commitSent ? 'info' : 'fail');
  }
}
