// The SQL engine: the mysql Backend over sql/ and storage/. It owns the catalog, the statement
// cache, the AUTO_INCREMENT allocator, global variables and status counters, and opens one
// EngineSession per connection. See docs/design/engine.md.
import { CommitTrace } from './commit-trace.js';
import { hostname } from 'node:os';
import { transactionId, type SqlValue as StoreValue, type TransactionId } from '../codec/index.js';
import type { NodeId } from '../core/types.js';
import type {
  Account,
  Backend,
  ErrorResult,
  MysqlServer,
  Session,
  SessionInfo,
  SqlValue,
} from '../mysql/index.js';
import type { EncryptionReport, Replicator } from './replicator.js';
import {
  StatementCache,
  emitDml,
  type DmlStatement,
  type DmlTranslation,
  type Result,
  type TableDef,
  type Template,
  type Update,
} from '../sql/index.js';
import type { ExecuteResult, Store } from '../storage/index.js';
import { AutoIncrementAllocator, RewriteCache, type RewrittenInsert } from './autoinc.js';
import { EngineCatalog } from './catalog.js';
import type { KillBoard } from './kill-board.js';
import { mysqlError, notPrimary, unknownDatabase } from './errors.js';
import { InFlightKeys } from './in-flight.js';
import { InformationSchema } from './information-schema.js';
import { isPointWrite, readingTables } from './point-write.js';
import { RecentWrites } from './recent-writes.js';
import type { ReadPool } from './read-pool.js';
import { UserLocks } from './user-locks.js';
import { EngineSession } from './session.js';
import { EngineToiTranslator } from './toi.js';
import { globalDenied, hasPrivilege, matchAccount } from './users.js';
import { ok, type Outcome } from './outcome.js';
import type { AccountDef } from './catalog.js';
import { variableSpecs, type NodeFacts, type VariableSpec } from './variables.js';

export interface EngineOptions {
  readonly store: Store;
  readonly nodeId: NodeId;
  /** The server version without MariaDB's '5.5.5-' prefix (SELECT VERSION()). */
  readonly version: string;
  readonly facts: Omit<NodeFacts, 'version' | 'hostname' | 'systemTimeZone'>;
  readonly log?: (line: string) => void;
  /** A planted fault for the simulator's canary tests only (test/sim/canaries.ts). */
  readonly canary?: EngineCanary | null;
  /** The node's commit trace, shared with its replication driver (a new one by default). */
  readonly trace?: CommitTrace;
}

/**
 * `writer-snapshot`: a transaction certifies against the state it took the writer on and its
 * earlier reads are not checked there (the lost update this engine once had).
 */
export type EngineCanary = 'writer-snapshot';

export type Executor = (sql: string, binds: StoreValue[]) => ExecuteResult | ErrorResult;

/** What of a session a translation depends on besides the catalog (EmitOptions). */
export interface SessionEmit {
  readonly database: string | null;
  readonly collation: string;
  readonly timeZone?: string;
}

function sessionEmitKey(session: SessionEmit, version: number): string {
  return `${session.database ?? ''}\u0000${version}\u0000${session.collation}\u0000${session.timeZone ?? ''}`;
}
/**
 * How SHUTDOWN stops this process: set by the command line that keeps a node in the foreground
 * (cli/foreground.ts); null in a process that embeds nodes (tests), where SHUTDOWN is refused.
 */
export const shutdownRequest: { current: (() => void) | null } = { current: null };

export class Engine implements Backend {
  readonly store: Store;
  readonly nodeId: NodeId;
  readonly canary: EngineCanary | null;
  readonly trace: CommitTrace;
  readonly catalog = new EngineCatalog();
  readonly translator: EngineToiTranslator;
  replicator!: Replicator;
  /**
   * Applies `SET GLOBAL wsrep_provider_options` (the runtime options of a cluster node); returns
   * why it refused, or null. Null on a standalone node (the variable is read-only there).
   */
  providerOptions: ((text: string) => Promise<string | null>) | null = null;
  /** SET GLOBAL wsrep_desync on a cluster node: its apply queue stops counting for flow control. */
  desync: ((on: boolean) => void) | null = null;
  readonly cache = new StatementCache();
  readonly rewrites = new RewriteCache();
  private readonly rewrittenTranslations = new WeakMap<
    RewrittenInsert,
    { key: string; result: Result<DmlTranslation> }
  >();
  readonly allocator = new AutoIncrementAllocator();
  /** GET_LOCK's named locks, this node's (user-locks.ts). */
  readonly userLocks = new UserLocks();
  private readonly changedOnly = new WeakMap<
    Template,
    { key: string; value: { statement: Update; result: Result<DmlTranslation> } | null }
  >();
  /** Keys of local write transactions committed but not yet applied (docs/design/engine.md). */
  readonly inFlight = new InFlightKeys();
  /** Rows written by the last applied write-sets (snapshot mode's early conflict check). */
  readonly recentWrites: RecentWrites;
  /**
   * Local transactions rolled back with 1213 because they could not go on past keys in flight
   * (docs/design/engine.md); counted with wsrep_local_bf_aborts, the other abort of a running
   * transaction.
   */
  inFlightAborts = 0;
  /** Transactions run again on a new lease after a wait for keys in flight (wsrep_local_replays). */
  replays = 0;
  /** Statements that answered 1969 (Max_statement_time_exceeded). */
  statementTimeouts = 0;
  /**
   * Statements of stashed transactions that ran without the stash written back (point writes
   * of other rows: docs/design/engine.md, "Stash and restore"), trireme_writer_deferrals.
   */
  deferrals = 0;
  /**
   * Point writes that ran beside deferred rows, had to be undone and ran again once the rows
   * were written back (the attempt was wasted), trireme_writer_reruns.
   */
  deferredReruns = 0;

  /** The catalog version of the last DDL on each table (SQLite name) since this engine began. */
  private readonly ddlVersions = new Map<string, number>();
  /** The catalog version of the last DDL whose tables are not known (it counts for all). */
  private ddlAllVersion = 0;

  /** Whether a DDL changed one of `tables` (SQLite names) after catalog version `version`. */
  ddlSince(tables: Iterable<string>, version: number): boolean {
    if (this.ddlAllVersion > version) return true;
    for (const table of tables) if ((this.ddlVersions.get(table) ?? 0) > version) return true;
    return false;
  }

  /** SET GLOBAL trireme_writer_stash = OFF: transactions keep the writer between statements. */
  get stashOff(): boolean {
    return Number(this.globals.get('trireme_writer_stash') ?? 1) === 0;
  }
  readonly specs: Map<string, VariableSpec>;
  readonly globals = new Map<string, SqlValue>();
  readonly sessions = new Map<number, EngineSession>();
  /** Called when a session opens or closes (null): the connection guard's. */
  onSessionsChanged:
    | ((connectionId: number, session: Pick<EngineSession, 'account' | 'killSlot'> | null) => void)
    | null = null;
  /** The statements sessions run, for KILL QUERY from another thread (kill-board.ts). */
  killBoard: KillBoard | null = null;
  readonly infoSchema = new InformationSchema(this);
  readonly versionText: string;
  readonly startedAtMs = Date.now();
  server: MysqlServer | null = null;
  /** Worker threads for autocommit reads, when the node started them. */
  readPool: ReadPool | null = null;
  /** Encryption at rest, as the node reports it (SHOW STATUS, INNODB_TABLESPACES_ENCRYPTION). */
  encryption: EncryptionReport | null = null;
  private toiIdNext = Date.now() * 1000;
  readonly statusCounters = new Map<string, number>();
  questions = 0;
  connectionsTotal = 0;
  abortedConnects = 0;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.nodeId = options.nodeId;
    this.canary = options.canary ?? null;
    this.trace = options.trace ?? new CommitTrace();
    this.versionText = options.version;
    this.catalog.load(options.store.catalogEntries());
    this.translator = new EngineToiTranslator(this.catalog, () => this.store);
    // A TRUNCATE or DROP restarts AUTO_INCREMENT; the floor is re-read from the table anyway.
    // Only the tables the DDL touched are forgotten: another table may have inserts in flight
    // whose values its floor (max(id)) does not show yet, and they must not be handed out
    // again. A write-set in flight on a touched table has a snapshot before the DDL, so it
    // either was applied before it or fails certification after it.
    this.translator.onApplied((_seqno, tables) => {
      if (tables === null) this.allocator.forgetAll();
      else for (const table of tables) this.allocator.forget(table);
      // Which tables a DDL changed, at the catalog version it made: a transaction's journal is
      // stale only if one of its tables changed (ddlSince), not at any DDL on the node.
      if (tables === null) this.ddlAllVersion = this.catalog.version;
      else for (const table of tables) this.ddlVersions.set(table, this.catalog.version);
    });
    // A local write-set's keys stay in flight until it is applied, before the writer passes on.
    this.recentWrites = new RecentWrites(options.store.appliedSeqno());
    this.store.onWriteSetApplied((writeSet, seqno) => {
      this.inFlight.applied(writeSet.originNodeId, writeSet.originTransactionId);
      this.recentWrites.applied(writeSet, seqno);
    });
    this.specs = variableSpecs({
      ...options.facts,
      version: options.version,
      hostname: hostname(),
      systemTimeZone: systemTimeZone(),
    });
  }

  /** Set once the replicator exists (it needs the translator, the engine needs it). */
  attach(replicator: Replicator, server: MysqlServer | null): void {
    this.replicator = replicator;
    this.server = server;
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  // ---------------------------------------------------------------------------- Backend

  lookupAccount(user: string, host: string): Promise<Account | null> {
    const account = matchAccount(this.catalog, user, host);
    if (account === null) return Promise.resolve(null);
    return Promise.resolve({
      plugin: account.plugin,
      authenticationString: account.authenticationString,
    });
  }

  /** A replicating node without any account has not received the cluster's state yet: 1047. */
  unavailable(): ErrorResult | null {
    if (this.catalog.accounts().length > 0 || this.replicator.ready()) return null;
    return notPrimary();
  }

  openSession(info: SessionInfo): Promise<Session | ErrorResult> {
    const account = matchAccount(this.catalog, info.user, info.host);
    if (account === null)
      return Promise.resolve(
        mysqlError(1045, '28000', `Access denied for user '${info.user}'@'${info.host}'`),
      );
    const session = new EngineSession(this, info, account);
    if (info.database !== null && info.database !== '') {
      // The privilege first, as MariaDB: a database one may not use is 1044 whether or not it
      // exists (its existence is not told).
      if (!session.canUseDatabase(info.database))
        return Promise.resolve(
          mysqlError(
            1044,
            '42000',
            `Access denied for user '${account.user}'@'${account.host}' to database '${info.database}'`,
          ),
        );
      if (!this.catalog.databaseExists(info.database))
        return Promise.resolve(unknownDatabase(info.database));
    } else {
      session.database = null;
    }
    this.sessions.set(info.connectionId, session);
    this.connectionsTotal++;
    session.killSlot = this.killBoard?.take() ?? -1;
    this.onSessionsChanged?.(info.connectionId, session);
    return Promise.resolve(session);
  }

  sessionClosed(session: EngineSession): void {
    this.userLocks.releaseAll(session.info.connectionId);
    if (this.sessions.get(session.info.connectionId) === session) {
      this.sessions.delete(session.info.connectionId);
      this.killBoard?.release(session.killSlot);
      session.killSlot = -1;
      this.onSessionsChanged?.(session.info.connectionId, null);
    }
  }

  /** A global variable's value as a number: SET GLOBAL's, else the node's default. */
  globalNumber(name: string): number {
    return Number(this.globals.get(name) ?? this.specs.get(name)?.value ?? 0);
  }

  /**
   * wsrep_auto_increment_control: a cluster of n nodes interleaves AUTO_INCREMENT values, node i
   * (1-based, in membership order) taking i, i + n, i + 2n, … The cluster runtime calls this on
   * every membership change when the option is ON; sessions read the globals unless they SET
   * their own.
   */
  setAutoIncrementControl(clusterSize: number, nodeIndex: number): void {
    if (
      Number(
        this.globals.get('wsrep_auto_increment_control') ??
          this.specs.get('wsrep_auto_increment_control')?.value,
      ) !== 1
    )
      return;
    this.globals.set('auto_increment_increment', Math.max(1, clusterSize));
    this.globals.set('auto_increment_offset', Math.max(1, nodeIndex));
  }

  /**
   * SHUTDOWN and COM_SHUTDOWN (mariadb-admin shutdown): the node stops as at SIGTERM, through the
   * process's own stop (shutdownRequest, set by cli/foreground.ts), after the OK is on its way.
   * 1227 without the SHUTDOWN privilege; 1235 where no one set it (a node inside a test).
   */
  shutdown(account: AccountDef): Outcome {
    if (!hasPrivilege(account, 'SHUTDOWN', null, null)) return globalDenied('SHUTDOWN');
    const request = shutdownRequest.current;
    if (request === null)
      return mysqlError(
        1235,
        '42000',
        "This version of MariaDB doesn't yet support 'SHUTDOWN' in this process",
      );
    setImmediate(request);
    return ok(0);
  }

  /** wsrep_reject_queries is ALL or ALL_KILL: client queries get 1047, as outside the primary. */
  rejectsQueries(): boolean {
    const value = this.globals.get('wsrep_reject_queries');
    return value === 'ALL' || value === 'ALL_KILL';
  }

  killConnection(id: number): boolean {
    return this.server?.kill(id) ?? false;
  }

  countStatement(kind: string): void {
    this.questions++;
    const name = `Com_${kind}`;
    this.statusCounters.set(name, (this.statusCounters.get(name) ?? 0) + 1);
  }

  nextToiId(): TransactionId {
    return transactionId(this.toiIdNext++);
  }

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAtMs) / 1000);
  }

  statisticsLine(): string {
    const uptime = this.uptimeSeconds();
    const qps = uptime === 0 ? this.questions : this.questions / uptime;
    return `Uptime: ${uptime}  Threads: ${this.sessions.size}  Questions: ${this.questions}  Slow queries: 0  Opens: 0  Open tables: ${this.catalog.allTables().length}  Queries per second avg: ${qps.toFixed(3)}`;
  }

  /** Status variables (SHOW STATUS), wsrep_% from the replicator. */
  statusVariables(session: EngineSession | null): [string, string][] {
    const out: [string, string][] = [
      ['Aborted_connects', String(this.abortedConnects)],
      ['Bytes_received', '0'],
      ['Bytes_sent', '0'],
      ['Connections', String(this.connectionsTotal)],
      ['Max_statement_time_exceeded', String(this.statementTimeouts)],
      ['Max_used_connections', String(this.sessions.size)],
      ['Open_tables', String(this.catalog.allTables().length)],
      ['Queries', String(this.questions)],
      ['Questions', String(this.questions)],
      ['Slow_queries', '0'],
      ['Ssl_cipher', session?.info.secure ? 'TLS_AES_256_GCM_SHA384' : ''],
      ['Ssl_version', session?.info.secure ? 'TLSv1.3' : ''],
      ['Threads_connected', String(this.sessions.size)],
      [
        'Threads_running',
        String([...this.sessions.values()].filter((s) => s.current !== null).length),
      ],
      ['Uptime', String(this.uptimeSeconds())],
    ];
    const kinds = [
      'select',
      'insert',
      'update',
      'delete',
      'begin',
      'commit',
      'rollback',
      'create_table',
      'drop_table',
      'set',
      'show',
    ];
    for (const kind of kinds)
      out.push([`Com_${kind}`, String(this.statusCounters.get(`Com_${kind}`) ?? 0)]);
    let writing = 0;
    for (const session of this.sessions.values()) if (session.tx?.onWriter === true) writing++;
    const engineCounts = new Map([
      ['wsrep_local_bf_aborts', this.inFlightAborts],
      ['wsrep_local_replays', this.replays],
      // Transactions that wrote and are not committed yet (Galera's: registered in the provider).
      ['wsrep_open_transactions', writing],
    ]);
    const status = this.replicator.status();
    for (const [name, value] of status) {
      const added = engineCounts.get(name);
      out.push([name, added === undefined ? value : String(Number(value) + added)]);
    }
    for (const [name, count] of engineCounts)
      if (!status.has(name)) out.push([name, String(count)]);
    out.push(...this.trace.status());
    for (const [name, value] of this.encryption?.status() ?? []) out.push([name, value]);
    const store = this.store.counters;
    out.push(['trireme_writer_stashes', String(store.stashes)]);
    out.push(['trireme_writer_restores', String(store.restores)]);
    out.push(['trireme_writer_kept_commits', String(store.keptCommits)]);
    out.push(['trireme_writer_kept_rollbacks', String(store.keptRolledBack)]);
    out.push(['trireme_writer_deferrals', String(this.deferrals)]);
    out.push(['trireme_writer_reruns', String(this.deferredReruns)]);
    out.push(['trireme_wal_checkpoints', String(store.walCheckpoints)]);
    out.push(['trireme_wal_frames_checkpointed', String(store.walFramesCheckpointed)]);
    return out.sort((a, b) => (a[0].toLowerCase() < b[0].toLowerCase() ? -1 : 1));
  }

  // ---------------------------------------------------------------------------- helpers

  rewrittenTranslation(
    template: Template,
    rewritten: RewrittenInsert,
    session: SessionEmit,
  ): Result<DmlTranslation> {
    const key = sessionEmitKey(session, this.catalog.version);
    const memo = this.rewrittenTranslations.get(rewritten);
    if (memo !== undefined && memo.key === key) return memo.result;
    const result = emitDml(
      rewritten.statement,
      { catalog: this.catalog, ...session },
      template.pinned,
    );
    this.rewrittenTranslations.set(rewritten, { key, result });
    return result;
  }

  /** Whether a write statement reads nothing but the rows it names (point-write.ts). */
  pointWrite(s: DmlStatement, translation: DmlTranslation): boolean {
    const cached = this.pointWrites.get(s);
    if (cached?.version === this.catalog.version && cached.translation === translation)
      return cached.value;
    const value = isPointWrite(s, translation, this.readingTables());
    this.pointWrites.set(s, { version: this.catalog.version, translation, value });
    return value;
  }

  /**
   * Whether a row change of this table may read other rows (a foreign key's check or cascade,
   * a trigger): its rows, stashed, must be written back before another of the transaction's
   * statements runs.
   */
  readsOthers(table: string): boolean {
    return this.readingTables().has(table.toLowerCase());
  }

  /** point-write.ts's readingTables, for the current catalog. */
  private readingTables(): ReadonlySet<string> {
    if (this.referenced?.version !== this.catalog.version)
      this.referenced = {
        version: this.catalog.version,
        names: readingTables(this.catalog.allTables(), this.catalog.allTriggers()),
      };
    return this.referenced.names;
  }

  private readonly pointWrites = new WeakMap<
    DmlStatement,
    { version: number; translation: DmlTranslation; value: boolean }
  >();
  private referenced: { version: number; names: Set<string> } | null = null;

  /**
   * MySQL counts an UPDATE's changed rows, not its matched ones, unless the client asked for
   * CLIENT_FOUND_ROWS; and a row whose values do not change is not written (so not replicated
   * nor certified, and its ON UPDATE CURRENT_TIMESTAMP stays). The UPDATE is emitted with its
   * changed-rows guard (`Update.changedOnly`: each value as the column would store it, against
   * the column's), memoized per template and catalog version; null for a multi-table UPDATE.
   */
  changedOnlyTranslation(
    template: Template,
    s: Update,
    session: SessionEmit,
  ): { statement: Update; result: Result<DmlTranslation> } | null {
    if (s.multi !== undefined) return null;
    const key = sessionEmitKey(session, this.catalog.version);
    const memo = this.changedOnly.get(template);
    if (memo !== undefined && memo.key === key) return memo.value;
    const db = s.table.table.db ?? session.database ?? '';
    const name = s.table.table.name.toLowerCase();
    const firesAll = (this.catalog.triggers?.(db) ?? []).some(
      (t) => t.event === 'UPDATE' && t.table.toLowerCase() === name,
    );
    const statement: Update = { ...s, changedOnly: true, ...(firesAll ? { firesAll } : {}) };
    const value = {
      statement,
      result: emitDml(statement, { catalog: this.catalog, ...session }, template.pinned),
    };
    this.changedOnly.set(template, { key, value });
    return value;
  }

  /** The largest AUTO_INCREMENT value the table holds or has held (sqlite_sequence). */
  autoIncrementFloor(execute: Executor, table: TableDef, column: string): bigint | ErrorResult {
    const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;
    const max = execute(`SELECT max(${quoted(column)}) FROM ${quoted(table.sqliteName)}`, []);
    if ('kind' in max) return max;
    let floor = toBigInt(max.rows[0]?.[0] ?? null);
    if (table.autoIncrementIsRowid) {
      const seq = execute('SELECT seq FROM sqlite_sequence WHERE name = ?', [table.sqliteName]);
      if (!('kind' in seq)) {
        const s = toBigInt(seq.rows[0]?.[0] ?? null);
        if (s > floor) floor = s;
      }
    }
    const option = table.options.autoIncrement;
    if (option !== null && BigInt(option) - 1n > floor) floor = BigInt(option) - 1n;
    return floor;
  }
}

function toBigInt(value: StoreValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return 0n;
}

function systemTimeZone(): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value;
  return name ?? 'UTC';
}
