// The connection guard: a thread that accepts MySQL connections while a statement holds the
// node's event loop, so that KILL QUERY stops it (connection-guard-worker.ts). This side beats
// the heartbeat the guard watches, keeps it a copy of the accounts and of who owns each
// session, and runs the commands of the connections it accepted on sessions of the engine.
// docs/design/runtime.md, "The connection guard".
import { Worker } from 'node:worker_threads';
import type { Engine } from '../engine/engine.js';
import type { AccountDef } from '../engine/catalog.js';
import { KillBoard } from '../engine/kill-board.js';
import { SQL_MODE_DEFAULT } from '../engine/variables.js';
import { workerExecArgv } from '../storage/index.js';
import {
  isError,
  type ErrorResult,
  type MysqlServer,
  type MysqlServerOptions,
  type PreparedStatement,
  type QueryResult,
  type Session,
  type SessionState,
} from '../mysql/index.js';
import type {
  GuardOp,
  GuardToMain,
  GuardWorkerData,
  MainToGuard,
  RemotePrepared,
} from './connection-guard-worker.js';

/** How often the main thread beats, and so how often the guard looks. */
const HEARTBEAT_MS = 50;
/**
 * How long the event loop stands still before the guard accepts connections: long enough that
 * an ordinary slow statement or a garbage collection does not send new connections to the
 * guard for good (each of their commands then crosses the threads twice), short enough for a
 * person waiting on a KILL.
 */
export const GUARD_STALL_MS = 1000;

/** A counter of connection ids that the node's MySQL server and the guard's both draw from. */
export function sharedConnectionIds(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(4);
  new Uint32Array(buffer)[0] = 1;
  return buffer;
}

const stateless: SessionState = { autocommit: true, inTransaction: false, database: null };

export class ConnectionGuard {
  private readonly heartbeat: Int32Array;
  private readonly timer: NodeJS.Timeout;
  private readonly sessions = new Map<number, Session>();
  /** The prepared statements of the guard's connections, by the number the guard knows. */
  private readonly statements = new Map<
    number,
    { readonly connectionId: number; readonly prepared: PreparedStatement }
  >();
  private statementNext = 1;
  private accountsSent: readonly AccountDef[] = [];
  private unavailableSent: number | null = null;
  private stopped = false;
  /** Each guard-held connection's last command (they run one after the other). */
  private readonly chains = new Map<number, Promise<void>>();
  private noBackslashEscapesSent = false;

  private constructor(
    private readonly worker: Worker,
    heartbeat: SharedArrayBuffer,
    private readonly engine: Engine,
    private readonly log: (level: 'Note' | 'Warning' | 'ERROR', message: string) => void,
  ) {
    this.heartbeat = new Int32Array(heartbeat);
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    // At once, not at the next beat: a KILL may name a session opened a moment before.
    engine.onSessionsChanged = (connectionId, session) =>
      this.send({
        kind: 'owner',
        connectionId,
        owner:
          session === null
            ? null
            : { user: session.account.user, host: session.account.host, slot: session.killSlot },
      });
    worker.on('message', (message: GuardToMain) => this.receive(message));
    worker.on('error', (error) => log('Warning', `connection guard failed: ${error.message}`));
    // Its connections are gone with it: their sessions end here too, and KILL no longer
    // routes to them. New connections wait for the event loop again, as without the guard.
    worker.on('exit', () => void this.stop());
    worker.unref();
  }

  /**
   * Starts the guard of `server` (listening, with `options`, which must carry the shared
   * connection ids: sharedConnectionIds()); null, with a warning, where it cannot run.
   */
  static start(
    server: MysqlServer,
    options: MysqlServerOptions,
    engine: Engine,
    log: (level: 'Note' | 'Warning' | 'ERROR', message: string) => void,
    stallMs = GUARD_STALL_MS,
  ): ConnectionGuard | null {
    const listenerFd = server.listenerDescriptor();
    if (listenerFd < 0 || options.connectionIds === undefined) {
      log(
        'Warning',
        'connection guard: not started (no listening descriptor); KILL QUERY cannot reach a statement that holds the event loop',
      );
      return null;
    }
    const { logger: _logger, ...crossing } = options;
    const heartbeat = new SharedArrayBuffer(4);
    engine.killBoard ??= new KillBoard();
    const data: GuardWorkerData = {
      killBoard: engine.killBoard.buffer,
      listenerFd,
      heartbeat,
      heartbeatMs: HEARTBEAT_MS,
      stallMs,
      server: crossing,
      versionComment: String(
        engine.globals.get('version_comment') ?? engine.specs.get('version_comment')?.value ?? '',
      ),
    };
    const worker = new Worker(new URL('./connection-guard-worker.js', import.meta.url), {
      workerData: data,
      execArgv: workerExecArgv(),
    });
    const guard = new ConnectionGuard(worker, heartbeat, engine, log);
    server.addKillRoute((connectionId) => guard.killConnection(connectionId));
    guard.beat();
    guard.sendOwners();
    return guard;
  }

  /** Ends the guard's thread and every connection it holds. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.engine.onSessionsChanged = null;
    await this.worker.terminate();
    for (const { prepared } of this.statements.values()) prepared.close();
    this.statements.clear();
    for (const session of this.sessions.values()) await session.close();
    this.sessions.clear();
  }

  /** Ends connection `connectionId` if the guard holds it. */
  private killConnection(connectionId: number): boolean {
    if (!this.sessions.has(connectionId)) return false;
    this.send({ kind: 'close', connectionId });
    return true;
  }

  /** One heartbeat, with the accounts if they changed. */
  private beat(): void {
    Atomics.add(this.heartbeat, 0, 1);
    // Wakes the guard at once if it accepts connections (connection-guard-worker.ts).
    Atomics.notify(this.heartbeat, 0);
    const accounts = this.engine.catalog.accounts();
    const unavailable = this.engine.unavailable();
    const sqlMode = String(this.engine.globals.get('sql_mode') ?? SQL_MODE_DEFAULT);
    const noBackslashEscapes = /(^|,)NO_BACKSLASH_ESCAPES(,|$)/i.test(sqlMode);
    const accountsChanged =
      accounts.length !== this.accountsSent.length ||
      accounts.some((account, i) => account !== this.accountsSent[i]) ||
      (unavailable?.code ?? null) !== this.unavailableSent ||
      noBackslashEscapes !== this.noBackslashEscapesSent;
    if (accountsChanged) {
      this.accountsSent = accounts;
      this.unavailableSent = unavailable?.code ?? null;
      this.noBackslashEscapesSent = noBackslashEscapes;
      this.send({ kind: 'accounts', accounts, unavailable, noBackslashEscapes });
    }
  }

  /** Sends who owns each session open now. */
  private sendOwners(): void {
    for (const [connectionId, session] of this.engine.sessions)
      this.send({
        kind: 'owner',
        connectionId,
        owner: { user: session.account.user, host: session.account.host, slot: session.killSlot },
      });
  }

  private send(message: MainToGuard): void {
    if (!this.stopped) this.worker.postMessage(message);
  }

  private receive(message: GuardToMain): void {
    switch (message.kind) {
      case 'log':
        this.log(
          message.level === 'error' ? 'ERROR' : message.level === 'warn' ? 'Warning' : 'Note',
          message.message,
        );
        break;
      case 'kill_connection':
        this.engine.killConnection(message.connectionId);
        break;
      case 'call': {
        // One connection's commands run in the order they came, each after the one before
        // (the opening first): as on a connection of the main thread.
        const { call, connectionId, body } = message;
        const before = this.chains.get(connectionId) ?? Promise.resolve();
        const after = before.then(() => this.answer(call, connectionId, body));
        this.chains.set(connectionId, after);
        void after.then(() => {
          if (this.chains.get(connectionId) === after) this.chains.delete(connectionId);
        });
        break;
      }
    }
  }

  private async answer(call: number, connectionId: number, body: GuardOp): Promise<void> {
    let result: unknown;
    try {
      result = await this.run(connectionId, body);
    } catch (error) {
      result = failure(body, internalError(error));
    }
    const session = this.sessions.get(connectionId);
    this.send({ kind: 'reply', call, result, state: session?.state() ?? stateless });
  }

  private async run(connectionId: number, body: GuardOp): Promise<unknown> {
    if (body.op === 'open') {
      const opened = await this.engine.openSession(body.info);
      if (isError(opened)) return opened;
      this.sessions.set(connectionId, opened);
      return null;
    }
    const session = this.sessions.get(connectionId);
    if (session === undefined) return failure(body, internalError(new Error('no such session')));
    switch (body.op) {
      case 'query':
        return materialize(await session.query(body.sql, body.options));
      case 'prepare': {
        const prepared = await session.prepare(body.sql);
        if (isError(prepared)) return prepared;
        // The connection closed meanwhile: nothing would close the statement.
        if (this.sessions.get(connectionId) !== session) {
          prepared.close();
          return failure(body, internalError(new Error('the connection closed')));
        }
        const statement = this.statementNext++;
        this.statements.set(statement, { connectionId, prepared });
        const described: RemotePrepared = {
          kind: 'prepared',
          statement,
          params: prepared.params,
          columns: prepared.columns,
        };
        return described;
      }
      case 'execute': {
        const held = this.statements.get(body.statement);
        if (held?.connectionId !== connectionId)
          return failure(body, internalError(new Error('no such statement')));
        return materialize(await held.prepared.execute(body.params));
      }
      case 'closeStatement':
        this.closeStatement(connectionId, body.statement);
        return null;
      case 'initDb':
        return session.initDb(body.database);
      case 'fieldList':
        return session.fieldList(body.table, body.wildcard);
      case 'reset':
        await session.resetConnection();
        return null;
      case 'statistics':
        return session.statistics();
      case 'close':
        this.sessions.delete(connectionId);
        for (const statement of [...this.statements.keys()])
          this.closeStatement(connectionId, statement);
        await session.close();
        return null;
    }
  }

  private closeStatement(connectionId: number, statement: number): void {
    const held = this.statements.get(statement);
    if (held?.connectionId !== connectionId) return;
    held.prepared.close();
    this.statements.delete(statement);
  }
}

/** An error in the shape `body`'s command answers with. */
function failure(body: GuardOp, error: ErrorResult): unknown {
  switch (body.op) {
    case 'query':
    case 'execute':
      return [error];
    case 'open':
    case 'prepare':
    case 'initDb':
    case 'fieldList':
      return error;
    case 'statistics':
      return error.message;
    case 'closeStatement':
    case 'reset':
    case 'close':
      return null;
  }
}

/** Results that can cross threads: rows read out of their cursors. */
function materialize(results: QueryResult[]): QueryResult[] {
  return results.map((r) => (r.kind === 'rows' ? { ...r, rows: [...r.rows] } : r));
}

function internalError(error: unknown): ErrorResult {
  return {
    kind: 'error',
    code: 1105,
    sqlState: 'HY000',
    message: `connection guard: ${(error as Error).message}`,
  };
}
