// The connection guard's thread (connection-guard.ts). While a statement holds the node's event
// loop, nothing reads the client sockets there: a KILL QUERY would wait for the statement it is
// meant to stop. This thread sees the event loop stand still (a heartbeat it stops beating),
// then accepts new MySQL connections on a copy of the listening socket: it greets and
// authenticates them itself (from a copy of the accounts the main thread keeps it), stops the
// statement a KILL names through the SQLite extension (storage/statement-kill.ts), and hands
// every other command to a session on the main thread, which answers once it is free.
import { parentPort, workerData } from 'node:worker_threads';
import type { AccountDef } from '../engine/catalog.js';
import { requestKill } from '../engine/kill-board.js';
import { bigintColumn, textColumn } from '../engine/metadata.js';
import { hasPrivilege, matchAccountIn, seesSessionsOf } from '../engine/users.js';
import {
  MysqlServer,
  isError,
  type Account,
  type Backend,
  type BoundParam,
  type ColumnDef,
  type ErrorResult,
  type MysqlServerOptions,
  type OkResult,
  type PreparedStatement,
  type QueryOptions,
  type QueryResult,
  type Session,
  type SessionInfo,
  type SessionState,
} from '../mysql/index.js';
import { parse, type Kill } from '../sql/index.js';
import { StatementKiller } from '../storage/index.js';

export interface GuardWorkerData {
  /** The main thread's MySQL listening socket; this thread listens on copies of it. */
  readonly listenerFd: number;
  /** An Int32 the main thread adds 1 to every HEARTBEAT_MS while its event loop turns. */
  readonly heartbeat: SharedArrayBuffer;
  readonly heartbeatMs: number;
  /** How long the heartbeat stands still before this thread accepts connections. */
  readonly stallMs: number;
  /** The engine's KillBoard (engine/kill-board.ts): which statement each session runs. */
  readonly killBoard: SharedArrayBuffer;
  /** The main server's options that can cross threads (no logger). */
  readonly server: MysqlServerOptions;
  /** @@version_comment, which the mariadb client asks for as it starts. */
  readonly versionComment: string;
}

/** A call of a session's method, run on the main thread. */
export type GuardOp =
  | { readonly op: 'open'; readonly info: SessionInfo }
  | { readonly op: 'query'; readonly sql: string; readonly options: QueryOptions }
  | { readonly op: 'prepare'; readonly sql: string }
  | { readonly op: 'execute'; readonly statement: number; readonly params: readonly BoundParam[] }
  | { readonly op: 'closeStatement'; readonly statement: number }
  | { readonly op: 'initDb'; readonly database: string }
  | { readonly op: 'fieldList'; readonly table: string; readonly wildcard: string }
  | { readonly op: 'reset' }
  | { readonly op: 'statistics' }
  | { readonly op: 'close' };

/** A prepared statement as the main thread describes it (it keeps the statement itself). */
export interface RemotePrepared {
  readonly kind: 'prepared';
  readonly statement: number;
  readonly params: readonly ColumnDef[];
  readonly columns: readonly ColumnDef[];
}

export type GuardToMain =
  | {
      readonly kind: 'call';
      readonly call: number;
      readonly connectionId: number;
      readonly body: GuardOp;
    }
  | { readonly kind: 'kill_connection'; readonly connectionId: number }
  | { readonly kind: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

export type MainToGuard =
  | {
      readonly kind: 'reply';
      readonly call: number;
      readonly result: unknown;
      readonly state: SessionState;
    }
  | {
      readonly kind: 'accounts';
      readonly accounts: readonly AccountDef[];
      readonly unavailable: ErrorResult | null;
      /** A new session's NO_BACKSLASH_ESCAPES (the global sql_mode's), for its first state. */
      readonly noBackslashEscapes: boolean;
    }
  /** A session of the engine opened (its account and KillBoard slot), or closed (null). */
  | { readonly kind: 'owner'; readonly connectionId: number; readonly owner: Owner | null }
  | { readonly kind: 'close'; readonly connectionId: number };

const port = parentPort;
if (port === null) throw new Error('connection-guard-worker runs as a worker thread');
const data = workerData as GuardWorkerData;
const post = (message: GuardToMain): void => port.postMessage(message);

let accounts: readonly AccountDef[] = [];
let unavailable: ErrorResult | null = null;
let noBackslashEscapes = false;
interface Owner {
  readonly user: string;
  readonly host: string;
  /** The session's slot on the engine's KillBoard (-1: none). */
  readonly slot: number;
}

/** The engine's sessions. */
const owners = new Map<number, Owner>();

const pending = new Map<number, (reply: { result: unknown; state: SessionState }) => void>();
let callNext = 1;

function call<T>(
  connectionId: number,
  body: GuardOp,
): Promise<{ readonly result: T; readonly state: SessionState }> {
  const id = callNext++;
  return new Promise((resolve) => {
    pending.set(id, resolve as (reply: { result: unknown; state: SessionState }) => void);
    post({ kind: 'call', call: id, connectionId, body });
  });
}

const killer = new StatementKiller();

const ok: OkResult = { kind: 'ok', affectedRows: 0, lastInsertId: 0, warnings: 0 };

class RemoteSession implements Session {
  constructor(
    private readonly connectionId: number,
    private readonly account: AccountDef,
    private last: SessionState,
  ) {}

  async query(sql: string, options: QueryOptions): Promise<QueryResult[]> {
    const here = this.answerHere(sql);
    if (here !== null) return [here];
    return this.run<QueryResult[]>({ op: 'query', sql, options });
  }

  /**
   * What this thread answers itself: a KILL (killHere); and while the event loop is held, what a
   * newcomer sends to find the statement to kill: the mariadb client's greeting query and SHOW
   * [FULL] PROCESSLIST (from what this thread knows: sessions, and which run a statement and
   * for how long; not its text). Null: the main thread answers.
   */
  private answerHere(sql: string): QueryResult | null {
    if (accepting && /^\s*select\s+@@version_comment\s+limit\s+1\s*;?\s*$/i.test(sql))
      return {
        kind: 'rows',
        columns: [textColumn('@@version_comment')],
        rows: [[data.versionComment]],
      };
    const parsed = parse(sql);
    if (!parsed.ok) return null;
    const statement = parsed.value.statement;
    if (statement.kind === 'kill') return this.killHere(statement);
    if (accepting && statement.kind === 'show' && statement.target === 'processlist')
      return processList(this.connectionId, this.account, sql);
    return null;
  }

  async prepare(sql: string): Promise<PreparedStatement | ErrorResult> {
    const prepared = await this.run<RemotePrepared | ErrorResult>({ op: 'prepare', sql });
    if (isError(prepared)) return prepared;
    return {
      params: prepared.params,
      columns: prepared.columns,
      execute: (params) =>
        this.run<QueryResult[]>({ op: 'execute', statement: prepared.statement, params }),
      close: () => void this.run({ op: 'closeStatement', statement: prepared.statement }),
    };
  }

  initDb(database: string): Promise<OkResult | ErrorResult> {
    return this.run({ op: 'initDb', database });
  }

  fieldList(table: string, wildcard: string): Promise<readonly ColumnDef[] | ErrorResult> {
    return this.run({ op: 'fieldList', table, wildcard });
  }

  async resetConnection(): Promise<void> {
    await this.run({ op: 'reset' });
  }

  statistics(): Promise<string> {
    return this.run({ op: 'statistics' });
  }

  state(): SessionState {
    return this.last;
  }

  /** The opening's answer: the session's state, unless a command told a newer one. */
  opened(state: SessionState): void {
    if (this.commands === 0) this.last = state;
  }

  async close(): Promise<void> {
    await this.run({ op: 'close' });
  }

  private commands = 0;

  private async run<T>(body: GuardOp): Promise<T> {
    this.commands++;
    const reply = await call<T>(this.connectionId, body);
    this.last = reply.state;
    return reply.result;
  }

  /**
   * KILL [QUERY|CONNECTION] n, answered here: n's statement stops at once if a SQLite statement
   * of it runs, else before its next one. Null for anything else, and for a KILL QUERY of a
   * session that runs no statement: the main thread answers it (as MariaDB, it then stops
   * nothing).
   */
  private killHere(statement: Kill): QueryResult | null {
    const { target, id: expr } = statement;
    if (expr.kind !== 'literal' || expr.type !== 'int' || expr.value === null) return null;
    const id = Number(expr.value);
    const owner = owners.get(id);
    if (owner === undefined || id === this.connectionId) return null;
    const mine = owner.user === this.account.user && owner.host === this.account.host;
    if (!mine && !hasPrivilege(this.account, 'SUPER', null, null))
      return {
        kind: 'error',
        code: 1095,
        sqlState: 'HY000',
        message: `You are not owner of thread ${id}`,
      };
    // The statement it runs, between two SQLite statements too, then the SQLite one running.
    const requested = requestKill(data.killBoard, owner.slot);
    const stopped = killer.kill(id);
    if (target === 'connection') {
      post({ kind: 'kill_connection', connectionId: id });
      return ok;
    }
    return requested || stopped > 0 ? ok : null;
  }
}

function toBuffer(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value);
}

/**
 * SHOW PROCESSLIST's columns and rows, as far as this thread knows them: the engine's sessions,
 * and this thread's connections (`asker` runs `sql`).
 */
function processList(asker: number, account: AccountDef, sql: string): QueryResult {
  const running = killer.running();
  const seen = (user: string): boolean => seesSessionsOf(account, user);
  const here = [...server.connections.values()].filter(
    (c) => !owners.has(c.id) && c.user !== '' && seen(c.user),
  );
  const text = (name: string): ColumnDef => textColumn(name, 64);
  return {
    kind: 'rows',
    columns: [
      bigintColumn('Id'),
      text('User'),
      text('Host'),
      text('db'),
      text('Command'),
      bigintColumn('Time'),
      text('State'),
      text('Info'),
      text('Progress'),
    ],
    rows: [...owners]
      .filter(([, owner]) => seen(owner.user))
      .map(([id, owner]) => {
        const ms = running.get(id);
        return [
          id,
          owner.user,
          owner.host,
          null,
          ms === undefined ? 'Sleep' : 'Query',
          ms === undefined ? 0 : Math.floor(ms / 1000),
          ms === undefined ? '' : 'executing',
          null,
          '0.000',
        ];
      })
      .concat(
        here.map((c) => [
          c.id,
          c.user,
          c.host,
          c.database,
          c.id === asker ? 'Query' : 'Sleep',
          0,
          c.id === asker ? 'starting' : '',
          c.id === asker ? sql : null,
          '0.000',
        ]),
      ),
  };
}

const backend: Backend = {
  lookupAccount(user: string, host: string): Promise<Account | null> {
    const account = matchAccountIn(accounts, user, host);
    return Promise.resolve(
      account === null
        ? null
        : { plugin: account.plugin, authenticationString: account.authenticationString },
    );
  },
  unavailable: () => unavailable,
  async openSession(info: SessionInfo): Promise<Session | ErrorResult> {
    const account = matchAccountIn(accounts, info.user, info.host);
    if (account === null)
      return {
        kind: 'error',
        code: 1045,
        sqlState: '28000',
        message: `Access denied for user '${info.user}'@'${info.host}'`,
      };
    post({
      kind: 'log',
      level: 'info',
      message: `connection guard: connection ${info.connectionId} (${info.user}@${info.host}) came in while the event loop was busy; the guard's thread serves it (KILL and SHOW PROCESSLIST at once, other commands once the event loop is free)`,
    });
    const opening = call<ErrorResult | null>(info.connectionId, { op: 'open', info });
    // Without a database to check, the session opens on the main thread when it is free: the
    // commands that follow run after the opening there. The KILL the client came for is
    // answered here meanwhile. If the main thread refuses the session after all (the account
    // went meanwhile), the connection is closed. A database named in the handshake is checked
    // there first.
    if (info.database === null || info.database === '') {
      const state = { autocommit: true, inTransaction: false, database: null, noBackslashEscapes };
      const session = new RemoteSession(info.connectionId, account, state);
      void opening.then((opened) => {
        if (opened.result !== null) server.kill(info.connectionId);
        else session.opened(opened.state);
      });
      return session;
    }
    const opened = await opening;
    if (opened.result !== null) return opened.result;
    return new RemoteSession(info.connectionId, account, opened.state);
  },
};

// Buffers cross threads as Uint8Arrays: the TLS context wants them back.
const tls = data.server.tls;
const server = new MysqlServer(
  {
    ...data.server,
    ...(tls === undefined
      ? {}
      : {
          tls: {
            key: toBuffer(tls.key),
            cert: toBuffer(tls.cert),
            ...(tls.ca === undefined ? {} : { ca: toBuffer(tls.ca) }),
          },
        }),
    logger: (level, message) => {
      if (level !== 'debug') post({ kind: 'log', level, message });
    },
  },
  backend,
);

port.on('message', (message: MainToGuard) => {
  switch (message.kind) {
    case 'reply': {
      const resolve = pending.get(message.call);
      pending.delete(message.call);
      resolve?.({ result: message.result, state: message.state });
      break;
    }
    case 'accounts':
      accounts = message.accounts;
      unavailable = message.unavailable;
      noBackslashEscapes = message.noBackslashEscapes;
      break;
    case 'owner':
      if (message.owner === null) owners.delete(message.connectionId);
      else owners.set(message.connectionId, message.owner);
      break;
    case 'close':
      server.kill(message.connectionId);
      break;
  }
});

// Accepting follows the heartbeat: on once it has stood still for stallMs (looked at every
// beat), off as soon as it beats again: the main thread notifies each beat, so that the
// connections that come in after the stall are its own again (one accepted here stays here,
// and every command of it crosses the threads twice). The transitions run one after the other.
const heartbeat = new Int32Array(data.heartbeat);
let beat = Atomics.load(heartbeat, 0);
let beatChangedMs = performance.now();
let accepting = false;
let transition: Promise<void> = Promise.resolve();

/** Atomics.waitAsync (ES2024; in Node since 16, not in this project's ES2023 library). */
const atomics = Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { value: Promise<string> | string };
};

function follow(stalled: boolean): void {
  if (stalled === accepting) return;
  accepting = stalled;
  transition = transition.then(() => (stalled ? startAccepting() : stopAccepting()));
}

setInterval(() => {
  const now = performance.now();
  const current = Atomics.load(heartbeat, 0);
  if (current !== beat) {
    beat = current;
    beatChangedMs = now;
  }
  const stalled = now - beatChangedMs >= data.stallMs;
  if (!stalled || accepting) return;
  follow(true);
  // Woken by the next beat (or at once if it came already).
  void Promise.resolve(atomics.waitAsync(heartbeat, 0, current).value).then(() => {
    beat = Atomics.load(heartbeat, 0);
    beatChangedMs = performance.now();
    follow(false);
  });
}, data.heartbeatMs);

/** Listens on a copy of the main thread's socket (a Note for each connection it then serves). */
async function startAccepting(): Promise<void> {
  try {
    await server.listenOnDescriptor(killer.duplicate(data.listenerFd));
  } catch (error) {
    post({
      kind: 'log',
      level: 'warn',
      message: `connection guard: cannot accept connections while the event loop is busy: ${(error as Error).message}`,
    });
  }
}

function stopAccepting(): Promise<void> {
  server.stopListening();
  return Promise.resolve();
}
