// One client session: statement dispatch, transactions over the store's writer lease and read
// snapshots, COMMIT through the Replicator, DDL through TOI, session variables.
// See docs/design/engine.md.
import { isDeepStrictEqual } from 'node:util';
import { assert } from '../core/assert.js';
import { index } from '../core/types.js';
import {
  encodeKeyValues,
  type CertificationKey,
  type SqlValue as StoreValue,
  type WriteSet,
} from '../codec/index.js';
import {
  Capability,
  ServerStatus,
  type BoundParam,
  type ColumnDef,
  type ErrorResult,
  type OkResult,
  type PreparedStatement,
  type QueryOptions,
  type QueryResult,
  type RowsResult,
  type Session,
  type SessionInfo,
  type SessionState,
  type SqlValue,
} from '../mysql/index.js';
import {
  DDL_KINDS,
  PARSE_CACHE_KEY_LENGTH_MAX,
  emitDdl,
  emitDml,
  isDml,
  splitStatements,
  translate,
  type DmlStatement,
  type DmlTranslation,
  type Expr,
  type Insert,
  type Prepared,
  type Query,
  type Result,
  type SessionValue,
  type SessionValues,
  type Statement,
  type TableDef,
} from '../sql/index.js';
import type { ReplicationOutcome } from './replicator.js';
import type {
  ExecuteResult,
  LocalError,
  ReadSnapshot,
  ReaderError,
  WriterLease,
} from '../storage/index.js';
import { bindAll, exprValue, slotValues, toStore } from './bind.js';
import { rewriteInsert, type RewrittenInsert } from './autoinc.js';
import type { AccountDef } from './catalog.js';
import {
  deadlock,
  duplicateEntryError,
  fromLocalError,
  fromReaderError,
  fromSqlError,
  fromWriterWait,
  internal,
  lockWaitTimeout,
  mysqlError,
  noDatabaseSelected,
  notPrimary,
  readOnlyTransaction,
  unknownDatabase,
  unknownSystemVariable,
} from './errors.js';
import type { Engine, Executor } from './engine.js';
import { waitSettled, type InFlight } from './in-flight.js';
import { convertValue, dynamicColumn, narrow, queryColumns, settleColumns } from './metadata.js';
import { runShow, runDescribe } from './show.js';
import {
  canonicalUserStatement,
  databaseDenied,
  globalDenied,
  hasAnyOn,
  hasPrivilege,
  isUserStatement,
  tableDenied,
} from './users.js';
import { queryInterrupted } from './read-pool.js';
import { normalizeSetValue } from './variables.js';

/** Values bound to one SQLite statement at most (SQLITE_MAX_VARIABLE_NUMBER is 32766). */
const BINDS_MAX = 32_000;

interface Transaction {
  /** The writer, once a statement needed it. */
  lease: WriterLease | null;
  /** Reads before the writer was needed come from this snapshot. */
  snapshot: ReadSnapshot | null;
  /**
   * The applied seqno of the state every answer so far was computed on: the first read's
   * snapshot, then the writer's once the journal showed the answers are the same there. Null
   * before the first statement. The write-set certifies against it (docs/design/engine.md,
   * "Snapshot isolation").
   */
  seqnoRead: number | null;
  /** Whether the transaction took the writer: its later statements run there. */
  leased: boolean;
  /**
   * `exact`: the writer's state (before the transaction's own changes) is the one at seqnoRead.
   * `snapshot`: the writer is newer; every statement so far answers as it would at seqnoRead
   * (reads ran there, writes are point writes whose rows certification checks against it).
   */
  mode: 'exact' | 'snapshot';

  readonly readOnly: boolean;
  readonly lockKeys: CertificationKey[];
  /**
   * Every statement of the transaction (reads on its snapshot, statements on the writer), with
   * what its client saw, so that it can run again on a newer state: at its first write, and
   * after letting the writer go to wait for keys in flight (null once it cannot: too long, or a
   * statement that cannot be run again).
   */
  journal: JournalEntry[] | null;
  /** About how many bytes the journal keeps (bounded by JOURNAL_BYTES_MAX). */
  journalBytes: number;
  /** The catalog version the journal's statements were translated against. */
  catalogVersion: number;
}

/** A statement of the transaction: how to run it again, and what its client saw. */
interface JournalEntry {
  readonly run: (lease: WriterLease) => Outcome;
  readonly outcome: Outcome;
}

/**
 * Statements and bytes (statement text, values, results) a transaction's journal keeps; beyond
 * either, the transaction cannot run again, and a key in flight gets it 1213.
 */
const JOURNAL_STATEMENTS_MAX = 10_000;
const JOURNAL_BYTES_MAX = 16 << 20;

type Outcome = OkResult | RowsResult | ErrorResult;

/** A local write-set handed to the replicator, with its keys in flight. */
interface Replicating {
  readonly inFlight: InFlight;
  readonly outcome: Promise<ReplicationOutcome>;
}

/** A write statement's slots (AUTO_INCREMENT values filled in) and binds. */
interface BoundWrite {
  readonly slots: (SqlValue | Buffer | undefined)[];
  readonly binds: StoreValue[];
  readonly generated: bigint | null;
}

/**
 * One run of a statement that may meet keys in flight: done, or its first write met keys of
 * in-flight transactions; the writer was let go and the statement runs again once they settle.
 */
type Attempt =
  | { readonly kind: 'done'; readonly outcome: Outcome }
  | { readonly kind: 'wait'; readonly holders: readonly InFlight[] };

const done = (outcome: Outcome): Attempt => ({ kind: 'done', outcome });

const isAttempt = (value: WriterLease | Attempt): value is Attempt => 'kind' in value;

const ok = (affectedRows: number | bigint = 0, extra: Partial<OkResult> = {}): OkResult => ({
  kind: 'ok',
  affectedRows,
  lastInsertId: 0,
  warnings: 0,
  ...extra,
  ...(extra.info === undefined ? {} : { info: okInfo(extra.info) }),
});

/**
 * MariaDB's net_send_ok writes the info string length-encoded, and Connector/C (the mariadb
 * CLI, sysbench) reads it so; src/mysql writes it as string<EOF>. Until that layer encodes it,
 * the length byte is supplied here (infos are far below 251 bytes). mysql2 reads the rest of
 * the packet and still finds its 'Changed: n' in it.
 */
function okInfo(info: string): string {
  return info.length < 251 ? String.fromCharCode(info.length) + info : info;
}

const isError = (r: unknown): r is ErrorResult =>
  typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'error';

export interface Warning {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

export class EngineSession implements Session, SessionValues {
  database: string | null;
  autocommit = true;
  private tx: Transaction | null = null;
  private readonly userVars = new Map<string, SqlValue>();
  readonly sessionVars = new Map<string, SqlValue>();
  private lastInsertId: number | bigint = 0;
  private foundRows = 0;
  private rowCount: number | bigint = -1;
  warnings: Warning[] = [];
  private nextReadOnly: boolean | null = null;
  /** What the session is doing, for SHOW PROCESSLIST. */
  current: { sql: string; sinceMs: number } | null = null;
  idleSinceMs = Date.now();
  private closed = false;

  constructor(
    readonly engine: Engine,
    readonly info: SessionInfo,
    private readonly login: AccountDef,
  ) {
    this.database = info.database;
  }

  /**
   * The account as it is now: GRANT and REVOKE take effect at a connection's next statement,
   * as MariaDB does for database and table privileges. A dropped account keeps no privileges.
   */
  get account(): AccountDef {
    return (
      this.engine.catalog.account(this.login.user, this.login.host) ?? { ...this.login, grants: [] }
    );
  }

  get ownerId(): string {
    return `connection-${this.info.connectionId}`;
  }

  get foundRowsFlag(): boolean {
    return (this.info.clientCapabilities & Capability.FOUND_ROWS) !== 0;
  }

  state(): SessionState {
    return {
      autocommit: this.autocommit,
      inTransaction: this.tx !== null,
      readOnly: this.tx?.readOnly ?? false,
      database: this.database,
    };
  }

  // ---------------------------------------------------------------------------- Session API

  async query(sql: string, options: QueryOptions): Promise<QueryResult[]> {
    let texts = [sql];
    if (options.multiStatements) {
      const split = splitStatements(sql);
      if (!split.ok) return [fromSqlError(split.error)];
      texts = split.value.length === 0 ? [sql] : split.value;
    }
    const results: QueryResult[] = [];
    for (const text of texts) {
      const prepared = this.engine.cache.prepare(text);
      const result = prepared.ok
        ? await this.execute(prepared.value, [], text)
        : fromSqlError(prepared.error);
      results.push(result);
      if (isError(result)) break;
    }
    return results;
  }

  prepare(sql: string): Promise<PreparedStatement | ErrorResult> {
    return Promise.resolve(this.prepareNow(sql));
  }

  private prepareNow(sql: string): PreparedStatement | ErrorResult {
    const prepared = this.engine.cache.prepare(sql);
    if (!prepared.ok) return fromSqlError(prepared.error);
    const p = prepared.value;
    const statement = p.statement;
    let columns: ColumnDef[] = [];
    if (statement.kind === 'select' || statement.kind === 'union') {
      columns = queryColumns(statement, this.engine.catalog, this.database) ?? [];
    }
    const params = p.markerSlots.map((_, i) => dynamicColumn(`?${i}`));
    return {
      params,
      columns,
      execute: async (bound: readonly BoundParam[]): Promise<QueryResult[]> => {
        // The Prepared (template and slots) is kept: an eviction from the cache does not matter.
        return [
          await this.execute(
            p,
            bound.map((b) => b.value),
            sql,
          ),
        ];
      },
      close: () => {},
    };
  }

  initDb(database: string): Promise<OkResult | ErrorResult> {
    return Promise.resolve(this.use(database));
  }

  fieldList(table: string, _wildcard: string): Promise<readonly ColumnDef[] | ErrorResult> {
    return Promise.resolve(this.fieldListNow(table));
  }

  private fieldListNow(table: string): readonly ColumnDef[] | ErrorResult {
    if (this.database === null) return noDatabaseSelected();
    const def = this.engine.catalog.table(this.database, table);
    if (def === undefined)
      return mysqlError(1146, '42S02', `Table '${this.database}.${table}' doesn't exist`);
    const columns = queryColumns(
      {
        kind: 'select',
        distinct: false,
        items: [{ kind: 'star', table: null }],
        from: [{ kind: 'table', table: { db: this.database, name: table }, alias: null }],
        where: null,
        groupBy: [],
        withRollup: false,
        having: null,
        orderBy: [],
        limit: null,
        lock: null,
      },
      this.engine.catalog,
      this.database,
    );
    return (columns ?? []).map((c) => ({ ...c, defaultValue: null }));
  }

  async resetConnection(): Promise<void> {
    await this.rollbackTx();
    this.userVars.clear();
    this.sessionVars.clear();
    this.autocommit = true;
    this.warnings = [];
  }

  statistics(): Promise<string> {
    return Promise.resolve(this.engine.statisticsLine());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWait?.();
    await this.rollbackTx();
    this.engine.sessionClosed(this);
  }

  // ---------------------------------------------------------------------------- values

  session(name: SessionValue): BindValue {
    switch (name) {
      case 'database':
        return this.database;
      case 'user':
        return `${this.info.user}@${this.info.host}`;
      case 'current_user':
        return `${this.account.user}@${this.account.host}`;
      case 'connection_id':
        return this.info.connectionId;
      case 'last_insert_id':
        return this.lastInsertId;
      case 'found_rows':
        return this.foundRows;
      case 'row_count':
        return this.rowCount;
      case 'version':
        return this.engine.versionText;
    }
  }

  systemVariable(name: string, scope: 'global' | 'session' | null): BindValue {
    return asBindValue(this.variable(name, scope) ?? null);
  }

  /** A variable's value; undefined when the variable does not exist. */
  variable(name: string, scope: 'global' | 'session' | null): SqlValue | undefined {
    const lower = name.toLowerCase();
    if (lower === 'autocommit') return this.autocommit ? 1 : 0;
    if (lower === 'last_insert_id' || lower === 'identity') return this.lastInsertId;
    if (lower === 'warning_count') return this.warnings.filter((w) => w.level !== 'Error').length;
    if (lower === 'error_count') return this.warnings.filter((w) => w.level === 'Error').length;
    if (lower === 'in_transaction') return this.tx === null ? 0 : 1;
    if (lower === 'timestamp') return Date.now() / 1000;
    const spec = this.engine.specs.get(lower);
    if (spec === undefined) return undefined;
    if (scope !== 'global' && this.sessionVars.has(lower)) return this.sessionVars.get(lower)!;
    return this.engine.globals.get(lower) ?? spec.value;
  }

  userVariable(name: string): BindValue {
    return asBindValue(this.userVars.get(name.toLowerCase()) ?? null);
  }

  private numberVar(name: string): number {
    return Number(this.variable(name, null) ?? 0);
  }

  // ---------------------------------------------------------------------------- dispatch

  private async execute(
    prepared: Prepared,
    params: readonly SqlValue[],
    text: string,
  ): Promise<Outcome> {
    this.current = { sql: text, sinceMs: Date.now() };
    this.engine.countStatement(prepared.statement.kind);
    try {
      const statement = prepared.statement;
      if (
        statement.kind !== 'show' ||
        (statement.target !== 'warnings' &&
          statement.target !== 'errors' &&
          statement.target !== 'count_warnings' &&
          statement.target !== 'count_errors')
      )
        this.warnings = [];
      const result = await this.dispatchSafely(prepared, params);
      if (isError(result))
        this.warnings = [{ level: 'Error', code: result.code, message: result.message }];
      return result;
    } finally {
      this.current = null;
      this.idleSinceMs = Date.now();
    }
  }

  /**
   * A statement that throws is a bug, but one statement must never affect another session: its
   * transaction is rolled back (the writer and its snapshot go back) and the client gets 1105
   * with the cause, as a normal error. Keys in flight and the replicator are settled by the
   * code that started them (verdict's finally).
   */
  private async dispatchSafely(prepared: Prepared, params: readonly SqlValue[]): Promise<Outcome> {
    try {
      return await this.dispatch(prepared, params);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.engine.log(
        `[ERROR] connection ${this.info.connectionId}: statement failed inside the engine, its transaction is rolled back: ${error instanceof Error ? (error.stack ?? text) : text}`,
      );
      await this.rollbackTx();
      return internal(
        `Internal error in this statement (its transaction was rolled back): ${text}`,
      );
    }
  }

  private async dispatch(prepared: Prepared, params: readonly SqlValue[]): Promise<Outcome> {
    const s = prepared.statement;
    if (!this.engine.replicator.ready() && s.kind !== 'show' && s.kind !== 'set') {
      // Outside the primary component nothing commits. ROLLBACK is this node's own business;
      // a COMMIT (or a statement that commits implicitly) that answers 1047 must not leave the
      // transaction open for a later statement to commit behind the client's back.
      if (s.kind === 'rollback') return this.dispatchReady(prepared, params);
      if (s.kind === 'commit' || s.kind === 'begin' || DDL_KINDS.has(s.kind))
        await this.rollbackTx();
      return notPrimary();
    }
    return this.dispatchReady(prepared, params);
  }

  private async dispatchReady(prepared: Prepared, params: readonly SqlValue[]): Promise<Outcome> {
    const s = prepared.statement;
    // wsrep_sync_wait bit 1 (reads): a causal read waits until this node applied everything the
    // cluster had committed when the read began (Raft ReadIndex).
    if (
      (s.kind === 'select' || s.kind === 'union') &&
      (this.numberVar('wsrep_sync_wait') & 1) !== 0
    ) {
      const timeoutMs = this.numberVar('innodb_lock_wait_timeout') * 1000;
      const waited = await this.engine.replicator.syncWait(timeoutMs > 0 ? timeoutMs : 50_000);
      if (!waited.ok) return lockWaitTimeout();
    }
    if (isDml(s)) return this.runDml(prepared, s, params);
    if (DDL_KINDS.has(s.kind)) return this.runDdl(s, prepared);
    if (isUserStatement(s)) return this.runUserStatement(s);
    switch (s.kind) {
      case 'use':
        return this.use(s.database);
      case 'begin':
        return this.begin(s.access === 'READ ONLY', s.consistentSnapshot);
      case 'commit':
        return this.commitTx();
      case 'rollback':
        return s.savepoint === null
          ? this.rollbackResult()
          : this.savepointOp('rollback', s.savepoint);
      case 'savepoint':
        return this.savepointOp('savepoint', s.name);
      case 'release_savepoint':
        return this.savepointOp('release', s.name);
      case 'set':
        return this.runSet(s, prepared, params);
      case 'set_transaction':
        if (s.access !== null && s.scope === 'next') this.nextReadOnly = s.access === 'READ ONLY';
        if (s.isolation !== null) {
          const value = s.isolation.replace(/ /g, '-');
          if (s.scope === 'global') this.engine.globals.set('transaction_isolation', value);
          else if (s.scope === 'session') this.sessionVars.set('transaction_isolation', value);
        }
        return ok();
      case 'show':
        return runShow(this, s, prepared, params);
      case 'describe':
        return runDescribe(this, s.table, s.column);
      case 'kill':
        return this.kill(s, prepared, params);
      case 'explain':
        return mysqlError(1235, '42000', "This version of MariaDB doesn't yet support 'EXPLAIN'");
      case 'flush':
      case 'lock_tables':
      case 'unlock_tables':
        return ok();
      default:
        return mysqlError(1235, '42000', `This version of MariaDB doesn't yet support '${s.kind}'`);
    }
  }

  // ---------------------------------------------------------------------------- databases

  private use(database: string): OkResult | ErrorResult {
    if (!this.engine.catalog.databaseExists(database)) return unknownDatabase(database);
    if (!this.canUseDatabase(database)) return databaseDenied(this.account, database);
    this.database = database;
    return ok();
  }

  canUseDatabase(database: string): boolean {
    const lower = database.toLowerCase();
    if (lower === 'information_schema') return true;
    return hasAnyOn(this.account, database);
  }

  // ---------------------------------------------------------------------------- transactions

  private async begin(
    readOnly: boolean,
    consistentSnapshot: boolean,
  ): Promise<OkResult | ErrorResult> {
    const committed = await this.commitTx();
    if (isError(committed)) return committed;
    const tx = this.newTx(readOnly);
    this.tx = tx;
    if (consistentSnapshot) {
      // START TRANSACTION WITH CONSISTENT SNAPSHOT takes the read view now.
      const snapshot = this.snapshotOf(tx);
      if (isError(snapshot)) {
        this.tx = null;
        return snapshot;
      }
    }
    return ok();
  }

  private newTx(readOnly: boolean): Transaction {
    return {
      lease: null,
      snapshot: null,
      seqnoRead: null,
      leased: false,
      mode: 'exact',
      readOnly,
      lockKeys: [],
      journal: [],
      journalBytes: 0,
      catalogVersion: this.engine.catalog.version,
    };
  }

  /** The transaction statements run in; autocommit=0 opens one implicitly. */
  private implicitTx(): Transaction | null {
    if (this.tx === null && !this.autocommit) {
      const readOnly =
        this.nextReadOnly ?? Number(this.variable('transaction_read_only', null)) === 1;
      this.nextReadOnly = null;
      this.tx = this.newTx(readOnly);
    }
    return this.tx;
  }

  /**
   * The transaction's writer lease, taken on first need. A transaction that let the writer go
   * to wait for keys in flight, or lost it to the applier (a brute-force abort between two
   * statements), runs its journal again on the new lease (see replay).
   */
  private async leaseFor(tx: Transaction): Promise<WriterLease | Attempt> {
    if (tx.lease !== null) {
      if (tx.lease.active) return tx.lease;
      // Brute-force aborted by the applier between two statements: without a journal, that
      // ends the transaction (1213).
      tx.lease.rollback();
      tx.lease = null;
      if (tx.journal === null) return done(this.localFailure({ kind: 'bf_aborted' }));
    }
    const acquired = await this.engine.store.acquireWriter(this.ownerId, this.lockWaitMs());
    if (!acquired.ok) return done(fromWriterWait(acquired.error));
    const lease = acquired.value;
    if (this.closed || this.tx !== tx) {
      // The session ended (KILL, disconnect) while this statement waited: let go at once.
      lease.rollback();
      return done(killed());
    }
    tx.lease = lease;
    // From here on the transaction reads through the writer, which sees its own changes.
    tx.snapshot?.release();
    tx.snapshot = null;
    const first = !tx.leased;
    tx.leased = true;
    const seqnoWriter = lease.seqnoSnapshot;
    if (first) {
      // Nothing read yet (or the canary: earlier reads ignored): the writer's state it is.
      if (tx.seqnoRead === null || this.engine.canary === 'writer-snapshot')
        tx.seqnoRead = seqnoWriter;
      assert(tx.seqnoRead <= seqnoWriter, 'the writer is older than what the transaction read');
      // Reads at an older state stay valid: the transaction stays there while its statements
      // on the writer answer as they would there (snapshot mode; holdsAtSnapshot).
      tx.mode = tx.seqnoRead === seqnoWriter ? 'exact' : 'snapshot';
      if (tx.journal === null || tx.journal.length === 0)
        tx.catalogVersion = this.engine.catalog.version;
      return lease;
    }
    // Taken again (after a wait for keys in flight, a brute-force abort, or a statement that
    // must not run in snapshot mode): the whole journal runs again here, and the transaction
    // goes on at the writer's state only if every answer is the same.
    tx.mode = 'exact';
    tx.seqnoRead = seqnoWriter;
    if (tx.journal === null) return this.abortInFlight(tx);
    if (tx.journal.length === 0) {
      tx.catalogVersion = this.engine.catalog.version;
      return lease;
    }
    return this.replay(tx, lease) ?? lease;
  }

  /**
   * A statement whose answer would hold only on the writer's newer state meets a transaction in
   * snapshot mode: the writer is let go and the transaction runs its whole journal again on a
   * new one (leaseFor), then the statement.
   */
  private rebase(tx: Transaction): Attempt {
    if (tx.journal === null) return this.abortInFlight(tx);
    tx.lease?.rollback();
    tx.lease = null;
    return { kind: 'wait', holders: [] };
  }

  /**
   * Runs the journal again on a new lease. The transaction goes on only if every statement
   * gives its client exactly what it gave the first time: then the client cannot tell it from
   * a transaction that ran all its statements on the writer after the wait, which is what it
   * now is (its write-set certifies against the new snapshot). Otherwise, 1213. Then the keys
   * of the whole transaction are checked again, as other transactions committed meanwhile.
   */
  private replay(tx: Transaction, lease: WriterLease): Attempt | null {
    const journal = tx.journal;
    assert(journal !== null && journal.length > 0, 'replay without a journal');
    if (tx.catalogVersion !== this.engine.catalog.version) return this.abortInFlight(tx);
    // What the client saw last stays: the statements run again only for their effects.
    const seen = this.counters();
    tx.lockKeys.length = 0;
    try {
      for (const entry of journal) {
        const outcome = entry.run(lease);
        if (this.tx !== tx) return done(deadlock());
        if (!isDeepStrictEqual(outcome, entry.outcome)) return this.abortInFlight(tx);
      }
    } finally {
      this.restoreCounters(seen);
    }
    this.engine.replays++;
    if (this.engine.inFlight.transactions === 0) return null;
    const holders = this.engine.inFlight.holdersOf([...lease.keysSince(0), ...tx.lockKeys]);
    return holders.length === 0 ? null : this.metInFlight(tx, holders, 0);
  }

  /**
   * After a statement ran on the writer: whether its answer holds at seqnoRead too. A point
   * write (INSERT … VALUES, or UPDATE/DELETE by the whole primary key, no subquery, no foreign
   * key) that changed every row it names read nothing but those rows, and certification against
   * seqnoRead fails the transaction if any of them changed since. Anything else is known only
   * for the state it ran on.
   */
  private holdsAtSnapshot(s: DmlStatement, translation: DmlTranslation, outcome: Outcome): boolean {
    if (outcome.kind !== 'ok' || !this.engine.pointWrite(s, translation)) return false;
    const rows = s.kind === 'insert' && s.source.kind === 'values' ? s.source.rows.length : 1;
    return Number(outcome.affectedRows) >= rows;
  }

  /** Adds a statement run on the writer to the journal (or gives the journal up). */
  private record(
    tx: Transaction,
    run: (lease: WriterLease) => Outcome,
    outcome: Outcome,
    inputBytes: number,
  ): void {
    if (tx.journal === null || this.tx !== tx) return;
    tx.journalBytes += inputBytes + (outcome.kind === 'rows' ? resultBytes(outcome) : 64);
    if (tx.journal.length >= JOURNAL_STATEMENTS_MAX || tx.journalBytes > JOURNAL_BYTES_MAX)
      tx.journal = null;
    else tx.journal.push({ run, outcome });
  }

  private lockWaitMs(): number {
    return Math.max(0, this.numberVar('innodb_lock_wait_timeout')) * 1000;
  }

  /**
   * Runs `attempt` until it is done; between runs it waits for the keys in flight it met, all
   * within one innodb_lock_wait_timeout.
   */
  private async withWaits(attempt: () => Promise<Attempt>): Promise<Outcome> {
    const deadlineMs = Date.now() + this.lockWaitMs();
    for (;;) {
      // A run that ends in a wait is undone: what its client sees comes from the next run.
      const seen = this.counters();
      const result = await attempt();
      if (result.kind === 'done') return result.outcome;
      this.restoreCounters(seen);
      const stopped = await this.waitInFlight(result.holders, deadlineMs);
      if (stopped !== null) return stopped;
    }
  }

  private counters(): {
    lastInsertId: number | bigint;
    foundRows: number;
    rowCount: number | bigint;
  } {
    return { lastInsertId: this.lastInsertId, foundRows: this.foundRows, rowCount: this.rowCount };
  }

  private restoreCounters(seen: ReturnType<EngineSession['counters']>): void {
    this.lastInsertId = seen.lastInsertId;
    this.foundRows = seen.foundRows;
    this.rowCount = seen.rowCount;
  }

  /** Whether the transaction's statements must run on the writer (it took it before). */
  private onWriter(tx: Transaction): boolean {
    return tx.lease !== null || tx.leased;
  }

  /**
   * Takes the writer back for a transaction that let it go (a wait that ended in 1205 or KILL
   * QUERY) or lost it to the applier: its journal runs again, waiting for keys in flight as a
   * statement would.
   */
  private async retakeLease(tx: Transaction): Promise<ErrorResult | null> {
    if (tx.lease?.active === true || !this.onWriter(tx)) return null;
    const taken = await this.withWaits(async () => {
      const lease = await this.leaseFor(tx);
      return isAttempt(lease) ? lease : done(ok());
    });
    return isError(taken) ? taken : null;
  }

  async commitTx(): Promise<OkResult | ErrorResult> {
    const tx = this.tx;
    if (tx === null) return ok();
    const retaken = await this.retakeLease(tx);
    if (retaken !== null) {
      await this.rollbackTx();
      return retaken;
    }
    this.tx = null;
    return this.commitOf(tx);
  }

  private async commitOf(tx: Transaction): Promise<OkResult | ErrorResult> {
    tx.snapshot?.release();
    if (tx.lease === null) return ok();
    let replicating: Replicating | null = null;
    assert(tx.seqnoRead !== null, 'a transaction on the writer without a snapshot');
    // Certified against the state every answer of the transaction holds at (docs/design/
    // engine.md, "Snapshot isolation"): its first read's, or the writer's after a replay.
    const built = tx.lease.commit(
      tx.lockKeys,
      (writeSet) => {
        replicating = this.startReplication(writeSet);
      },
      index(tx.seqnoRead),
    );
    if (!built.ok) return fromLocalError(built.error);
    if (built.value === null) return ok();
    assert(replicating !== null, 'a write-set was built but not replicated');
    return commitResult(await this.verdict(replicating));
  }

  /**
   * Holds a local write-set's keys in flight and hands it to the replicator, while its lease
   * still holds the writer (lease.commit's beforeRelease): the next session to take the writer
   * finds the keys, and a standalone node's applier, which asks for the writer at once, gets it
   * before that session.
   */
  private startReplication(writeSet: WriteSet): Replicating {
    const inFlight = this.engine.inFlight.register(
      writeSet.originNodeId,
      writeSet.originTransactionId,
      writeSet.keys,
    );
    return { inFlight, outcome: this.engine.replicator.replicate(writeSet) };
  }

  /** The replication outcome; the keys leave the table then (if the apply did not free them). */
  private async verdict(replicating: Replicating): Promise<ReplicationOutcome> {
    try {
      return await replicating.outcome;
    } finally {
      this.engine.inFlight.settle(replicating.inFlight);
    }
  }

  /**
   * A statement met keys in flight: the writer is let go (the statement's changes with it) and
   * the statement runs again once they have settled, after the journal (a row lock wait, in
   * InnoDB's terms). A transaction without a journal is rolled back with 1213 instead.
   */
  private metInFlight(
    tx: Transaction,
    holders: readonly InFlight[],
    lockedBefore: number,
  ): Attempt {
    const lease = tx.lease;
    assert(lease !== null, 'keys in flight met without the writer');
    lease.rollback();
    tx.lease = null;
    tx.lockKeys.length = lockedBefore;
    if (tx.journal !== null) return { kind: 'wait', holders };
    return this.abortInFlight(tx);
  }

  /** Rolls the transaction back with 1213: it cannot go on past keys in flight. */
  private abortInFlight(tx: Transaction): Attempt {
    tx.lease?.rollback();
    tx.lease = null;
    tx.snapshot?.release();
    if (this.tx === tx) this.tx = null;
    this.engine.inFlightAborts++;
    return done(deadlock());
  }

  /** Waits for in-flight transactions until the statement's lock wait deadline. */
  private async waitInFlight(
    holders: readonly InFlight[],
    deadlineMs: number,
  ): Promise<ErrorResult | null> {
    const waited = await waitSettled(holders, deadlineMs - Date.now(), (stop) => {
      this.stopWait = stop;
    });
    if (waited === 'timeout') return lockWaitTimeout();
    if (waited === 'cancelled' || this.closed) return this.closed ? killed() : queryInterrupted;
    return null;
  }

  /** Ends the statement's wait for keys in flight (KILL QUERY, KILL, disconnect). */
  private stopWait: (() => void) | null = null;

  private async replicate(writeSet: WriteSet): Promise<OkResult | ErrorResult> {
    return commitResult(await this.engine.replicator.replicate(writeSet));
  }

  async rollbackTx(): Promise<void> {
    const tx = this.tx;
    this.tx = null;
    if (tx === null) return Promise.resolve();
    tx.snapshot?.release();
    tx.lease?.rollback();
    return Promise.resolve();
  }

  private async rollbackResult(): Promise<OkResult> {
    await this.rollbackTx();
    return ok();
  }

  private async savepointOp(
    op: 'savepoint' | 'rollback' | 'release',
    name: string,
  ): Promise<Outcome> {
    const tx = this.implicitTx();
    if (tx === null) {
      if (op === 'savepoint') return ok();
      return mysqlError(1305, '42000', `SAVEPOINT ${name} does not exist`);
    }
    if (tx.readOnly && tx.lease === null) return ok();
    return this.withWaits(async () => {
      const lease = await this.leaseFor(tx);
      if (isAttempt(lease)) return lease;
      const run = (on: WriterLease): Outcome => {
        const result =
          op === 'savepoint'
            ? on.savepoint(name)
            : op === 'rollback'
              ? on.rollbackToSavepoint(name)
              : on.releaseSavepoint(name);
        return result.ok ? ok() : this.localFailure(result.error);
      };
      const outcome = run(lease);
      this.record(tx, run, outcome, name.length);
      return done(outcome);
    });
  }

  private localFailure(error: LocalError): ErrorResult {
    if (error.kind === 'bf_aborted' || (error.kind === 'sqlite' && error.transactionRolledBack)) {
      const tx = this.tx;
      this.tx = null;
      tx?.snapshot?.release();
    }
    return fromLocalError(error);
  }

  // ---------------------------------------------------------------------------- DML

  private translate(prepared: Prepared): Result<DmlTranslation> {
    return translate(prepared, this.engine.catalog, this.database);
  }

  private async runDml(
    prepared: Prepared,
    s: DmlStatement,
    params: readonly SqlValue[],
  ): Promise<Outcome> {
    if (s.kind === 'select' || s.kind === 'union') {
      const virtual = this.engine.infoSchema.handles(s, this.database);
      if (virtual) return this.engine.infoSchema.run(this, prepared, params);
      return this.runSelect(prepared, s, params);
    }
    return this.runWrite(prepared, s, params);
  }

  private checkTables(translation: DmlTranslation, privilege: string): ErrorResult | null {
    for (const table of translation.tables) {
      const needed = translation.target === table ? privilege : 'SELECT';
      if (!hasPrivilege(this.account, needed, table.db, table.name))
        return tableDenied(needed, this.account, table.db, table.name);
    }
    return null;
  }

  private checkSystemVariables(translation: DmlTranslation): ErrorResult | null {
    for (const b of translation.binds)
      if (b.kind === 'system_var' && this.variable(b.name, b.scope) === undefined)
        return unknownSystemVariable(b.name);
    return null;
  }

  /**
   * SQLite binds at most 32766 values per statement; a bulk INSERT of thousands of rows has more
   * literals than that, and is emitted with its literals inline instead. Such a statement is
   * never in the parse cache (its key is longer than PARSE_CACHE_KEY_LENGTH_MAX), so its AST
   * holds its own literal values.
   */
  private fitBinds(
    prepared: Prepared,
    translation: DmlTranslation,
    statement: DmlStatement,
  ): DmlTranslation | ErrorResult {
    if (translation.binds.length <= BINDS_MAX) return translation;
    if (prepared.template.key.length <= PARSE_CACHE_KEY_LENGTH_MAX)
      return mysqlError(1390, 'HY000', 'Prepared statement contains too many placeholders');
    const markers = new Set(prepared.markerSlots);
    const inline = new Set<number>();
    for (let slot = 0; slot < prepared.template.slotCount; slot++)
      if (!markers.has(slot)) inline.add(slot);
    const emitted = emitDml(
      statement,
      { catalog: this.engine.catalog, database: this.database },
      inline,
    );
    if (!emitted.ok) return fromSqlError(emitted.error);
    if (emitted.value.binds.length > BINDS_MAX)
      return mysqlError(1390, 'HY000', 'Prepared statement contains too many placeholders');
    return emitted.value;
  }

  private async runSelect(
    prepared: Prepared,
    s: Query,
    params: readonly SqlValue[],
  ): Promise<Outcome> {
    return this.withWaits(() => this.selectAttempt(prepared, s, params));
  }

  /** One run of a SELECT; only a locking one (FOR UPDATE, LOCK IN SHARE MODE) can wait. */
  private async selectAttempt(
    prepared: Prepared,
    s: Query,
    params: readonly SqlValue[],
  ): Promise<Attempt> {
    const translated = this.translate(prepared);
    if (!translated.ok) return done(fromSqlError(translated.error));
    const fitted = this.fitBinds(prepared, translated.value, s);
    if (isError(fitted)) return done(fitted);
    const translation = fitted;
    const denied =
      this.checkTables(translation, 'SELECT') ?? this.checkSystemVariables(translation);
    if (denied !== null) return done(denied);
    const binds = bindAll(translation, slotValues(prepared, params), this);
    const tx = this.implicitTx();
    let executed: ExecuteResult | ErrorResult;
    if (tx !== null && (this.onWriter(tx) || (translation.lock !== null && !tx.readOnly))) {
      const lease = await this.leaseFor(tx);
      if (isAttempt(lease)) return lease;
      // A plain read on the writer sees its newer state: not a read of the snapshot. Locking
      // reads are current reads by MySQL's definition, and their rows become keys.
      if (translation.lock === null && tx.mode === 'snapshot') return this.rebase(tx);
      const lockedBefore = tx.lockKeys.length;
      const columns = queryColumns(s, this.engine.catalog, this.database);
      const run = (on: WriterLease): Outcome =>
        this.selectOn(on, s, translation, binds, columns, prepared, params);
      const outcome = run(lease);
      if (translation.lock !== null && !isError(outcome) && this.engine.inFlight.transactions > 0) {
        const holders = this.engine.inFlight.holdersOf(tx.lockKeys.slice(lockedBefore));
        if (holders.length > 0) return this.metInFlight(tx, holders, lockedBefore);
      }
      if (
        tx.mode === 'snapshot' &&
        this.engine.recentWrites.changedSince(tx.lockKeys.slice(lockedBefore), tx.seqnoRead!)
      ) {
        tx.lockKeys.length = lockedBefore;
        return this.rebase(tx);
      }
      this.record(tx, run, outcome, translation.sql.length + valuesBytes(binds));
      if (outcome.kind === 'rows') {
        this.foundRows = rowsOf(outcome);
        this.rowCount = -1;
      }
      return done(outcome);
    } else if (tx !== null) {
      const columns = queryColumns(s, this.engine.catalog, this.database);
      const read = this.readInTx(tx, translation.sql, binds);
      const outcome = isError(read) ? read : this.rowsResult(columns, read);
      // Journaled, so that the first write can show the answer is the same on its state.
      const run = (on: WriterLease): Outcome =>
        this.selectOn(on, s, translation, binds, columns, prepared, params);
      this.record(tx, run, outcome, translation.sql.length + valuesBytes(binds));
      if (outcome.kind === 'rows') {
        this.foundRows = rowsOf(outcome);
        this.rowCount = -1;
      }
      return done(outcome);
    } else {
      // Autocommit reads of tables run on a reader worker, so a long one does not hold the
      // event loop; a query without tables (SELECT @@x) is cheaper here.
      const offload = translation.tables.length > 0 && !isPointLookup(s, translation);
      const pending = offload ? this.engine.readPool?.start(translation.sql, binds) : null;
      if (pending) {
        this.runningRead = pending.id;
        try {
          executed = await pending.result;
        } finally {
          this.runningRead = null;
        }
      } else {
        executed = this.readOnce(translation.sql, binds);
      }
    }
    if (isError(executed)) return done(executed);
    this.foundRows = executed.rows.length;
    this.rowCount = -1;
    return done(this.rowsResult(queryColumns(s, this.engine.catalog, this.database), executed));
  }

  /** A SELECT on the transaction's writer; a locking one adds its rows' keys to the lock keys. */
  private selectOn(
    lease: WriterLease,
    s: Query,
    translation: DmlTranslation,
    binds: StoreValue[],
    columns: ColumnDef[] | null,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Outcome {
    const result = lease.execute(translation.sql, binds);
    if (!result.ok) return this.localFailure(result.error);
    if (translation.lock !== null) {
      const keyed = this.lockKeys(lease, s, translation, prepared, params);
      if (isError(keyed)) return keyed;
    }
    return this.rowsResult(columns, result.value);
  }

  private readInTx(tx: Transaction, sql: string, binds: StoreValue[]): ExecuteResult | ErrorResult {
    const snapshot = this.snapshotOf(tx);
    if (isError(snapshot)) return snapshot;
    const result = snapshot.execute(sql, binds);
    return result.ok ? result.value : fromReaderError(result.error);
  }

  /** The transaction's read snapshot, taken at its first read (InnoDB's read view). */
  private snapshotOf(tx: Transaction): ReadSnapshot | ErrorResult {
    assert(tx.lease === null && !tx.leased, 'a snapshot read of a transaction on the writer');
    if (tx.snapshot !== null) return tx.snapshot;
    const snapshot = this.engine.store.snapshot();
    if (!snapshot.ok) return fromReaderError(snapshot.error);
    assert(tx.seqnoRead === null, 'a second snapshot for one transaction');
    tx.snapshot = snapshot.value;
    tx.seqnoRead = snapshot.value.seqno;
    return snapshot.value;
  }

  /** An autocommit read: a snapshot for this statement only. */
  readOnce(sql: string, binds: StoreValue[]): ExecuteResult | ErrorResult {
    const snapshot = this.engine.store.snapshot();
    if (!snapshot.ok) return fromReaderError(snapshot.error);
    try {
      const result = snapshot.value.execute(sql, binds);
      return result.ok ? result.value : fromReaderError(result.error as ReaderError);
    } finally {
      snapshot.value.release();
    }
  }

  rowsResult(inferred: ColumnDef[] | null, executed: ExecuteResult): RowsResult {
    const names = executed.columns ?? [];
    const columns: ColumnDef[] =
      inferred !== null && inferred.length === names.length
        ? inferred.slice()
        : names.map((name) => dynamicColumn(name));
    settleColumns(columns, executed.rows as readonly (readonly SqlValue[])[]);
    const rows = executed.rows.map((row) =>
      row.map((v, i) => convertValue(columns[i]!, v as SqlValue)),
    );
    return { kind: 'rows', columns, rows };
  }

  /** Certification keys for the rows a SELECT … FOR UPDATE / LOCK IN SHARE MODE read. */
  private lockKeys(
    lease: WriterLease,
    s: Query,
    translation: DmlTranslation,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): ErrorResult | null {
    if (
      s.kind !== 'select' ||
      s.from === null ||
      s.from.length !== 1 ||
      s.from[0]!.kind !== 'table'
    )
      return null;
    const source = s.from[0]!;
    const table = translation.tables[0];
    if (table === undefined) return null;
    const alias = source.alias ?? source.table.name;
    const keyColumns = table.primaryKey.length > 0 ? table.primaryKey : ['rowid'];
    const keyQuery: Query = {
      ...s,
      distinct: false,
      groupBy: [],
      having: null,
      lock: null,
      items: keyColumns.map((column) => ({
        kind: 'item' as const,
        expr: { kind: 'column' as const, db: null, table: alias, column },
        alias: null,
        name: column,
      })),
    };
    const emitted = emitDml(
      keyQuery,
      { catalog: this.engine.catalog, database: this.database },
      prepared.template.pinned,
    );
    if (!emitted.ok) return null;
    const result = lease.execute(
      emitted.value.sql,
      bindAll(emitted.value, slotValues(prepared, params), this),
    );
    if (!result.ok) return this.localFailure(result.error);
    const exclusive = translation.lock === 'update';
    for (const row of result.value.rows)
      this.tx?.lockKeys.push({
        database: table.db,
        table: table.name,
        keyBytes: encodeKeyValues(row),
        exclusive,
      });
    return null;
  }

  private async runWrite(
    prepared: Prepared,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    params: readonly SqlValue[],
  ): Promise<Outcome> {
    return this.withWaits(() => this.writeAttempt(prepared, s, params));
  }

  /** One run of a write statement; translated anew each time, as DDL may have run meanwhile. */
  private async writeAttempt(
    prepared: Prepared,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    params: readonly SqlValue[],
  ): Promise<Attempt> {
    let translated = this.translate(prepared);
    if (!translated.ok) return done(fromSqlError(translated.error));
    let rewritten: RewrittenInsert | null = null;
    if (s.kind === 'insert' && translated.value.target?.autoIncrement) {
      const target = translated.value.target;
      rewritten = this.engine.rewrites.get(
        prepared.template,
        `${this.database ?? ''}\u0000${this.engine.catalog.version}`,
        () => rewriteInsert(s, target, prepared.template.slotCount),
      );
      if (rewritten !== null) {
        const emitted = this.engine.rewrittenTranslation(
          prepared.template,
          rewritten,
          this.database,
        );
        if (!emitted.ok) return done(fromSqlError(emitted.error));
        translated = emitted;
      }
    }
    let statement: DmlStatement = rewritten?.statement ?? s;
    if (s.kind === 'update' && !this.foundRowsFlag) {
      const changedOnly = this.engine.changedOnlyTranslation(prepared.template, s, this.database);
      if (changedOnly !== null) {
        if (!changedOnly.result.ok) return done(fromSqlError(changedOnly.result.error));
        translated = changedOnly.result;
        statement = changedOnly.statement;
      }
    }
    const fitted = this.fitBinds(prepared, translated.value, statement);
    if (isError(fitted)) return done(fitted);
    const translation = fitted;
    const privilege = s.kind === 'insert' ? 'INSERT' : s.kind.toUpperCase();
    const denied =
      this.checkTables(translation, privilege) ?? this.checkSystemVariables(translation);
    if (denied !== null) return done(denied);
    const tx = this.implicitTx();
    if (tx === null) return this.autocommitWrite(s, translation, rewritten, prepared, params);
    if (tx.readOnly) return done(readOnlyTransaction());
    const lease = await this.leaseFor(tx);
    if (isAttempt(lease)) return lease;
    // Nothing registers while this session holds the writer: if no key is in flight now, none
    // will be after the statement, and its keys need not be read.
    const mark =
      this.engine.inFlight.transactions > 0 || tx.mode === 'snapshot' ? lease.captureMark() : null;
    const bound = this.bindWrite(lease, translation, rewritten, prepared, params);
    if (isError(bound)) return done(bound);
    const run = (on: WriterLease): Outcome =>
      this.executeWrite(on, s, translation, rewritten, bound);
    const outcome = run(lease);
    // The statement's keys, read once for both checks below.
    const keys = mark !== null && !isError(outcome) ? lease.keysSince(mark) : [];
    if (keys.length > 0 && this.engine.inFlight.transactions > 0) {
      const holders = this.engine.inFlight.holdersOf(keys);
      if (holders.length > 0) return this.metInFlight(tx, holders, tx.lockKeys.length);
    }
    // Its answer known only for the writer's newer state, or a row it wrote changed since the
    // snapshot (certification would fail it): run the transaction again on the newer state.
    if (
      tx.mode === 'snapshot' &&
      (!this.holdsAtSnapshot(statement, translation, outcome) ||
        this.engine.recentWrites.changedSince(keys, tx.seqnoRead!))
    )
      return this.rebase(tx);
    this.record(tx, run, outcome, translation.sql.length + valuesBytes(bound.binds));
    return done(outcome);
  }

  /**
   * An autocommit write: writer, statement, commit, replicate; a certification failure is
   * retried wsrep_retry_autocommit times. The statement is always its transaction's first
   * write, so keys in flight make it wait.
   */
  private async autocommitWrite(
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<Attempt> {
    const retries = Math.max(0, this.numberVar('wsrep_retry_autocommit'));
    for (let attempt = 0; ; attempt++) {
      const acquired = await this.engine.store.acquireWriter(this.ownerId, this.lockWaitMs());
      if (!acquired.ok) return done(fromWriterWait(acquired.error));
      const lease = acquired.value;
      let built: ReturnType<WriterLease['commit']>;
      let replicating: Replicating | null = null;
      let result: OkResult | ErrorResult;
      try {
        result = this.writeOn(lease, s, translation, rewritten, prepared, params);
        if (isError(result)) {
          lease.rollback();
          return done(result);
        }
        const holders =
          this.engine.inFlight.transactions > 0
            ? this.engine.inFlight.holdersOf(lease.keysSince(0))
            : [];
        if (holders.length > 0) {
          lease.rollback();
          return { kind: 'wait', holders };
        }
        built = lease.commit([], (writeSet) => {
          replicating = this.startReplication(writeSet);
        });
      } catch (error) {
        // The lease is this statement's alone: whatever threw, the writer goes back.
        lease.rollback();
        throw error;
      }
      if (!built.ok) return done(fromLocalError(built.error));
      if (built.value === null) return done(result);
      assert(replicating !== null, 'a write-set was built but not replicated');
      const outcome = await this.verdict(replicating);
      if (outcome.kind === 'committed') return done(result);
      if (outcome.kind === 'cert_failed' && attempt < retries) continue;
      return done(await this.replicateOutcome(outcome));
    }
  }

  private replicateOutcome(
    outcome: Awaited<ReturnType<Engine['replicator']['replicate']>>,
  ): Promise<ErrorResult> {
    return Promise.resolve(
      outcome.kind === 'cert_failed'
        ? deadlock()
        : outcome.kind === 'not_primary'
          ? notPrimary()
          : outcome.kind === 'toi_failed'
            ? mysqlError(outcome.code, outcome.sqlState, outcome.message)
            : mysqlError(
                1180,
                'HY000',
                `Got error during COMMIT: ${'reason' in outcome ? outcome.reason : ''}`,
              ),
    );
  }

  /** Runs one INSERT/UPDATE/DELETE on the writer; the OK packet MySQL would send. */
  private writeOn(
    lease: WriterLease,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): OkResult | ErrorResult {
    const bound = this.bindWrite(lease, translation, rewritten, prepared, params);
    if (isError(bound)) return bound;
    return this.executeWrite(lease, s, translation, rewritten, bound);
  }

  /**
   * A write's values: the statement's slots with AUTO_INCREMENT values allocated, and the
   * binds. Run again (after a wait for keys in flight), the statement reuses them.
   */
  private bindWrite(
    lease: WriterLease,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): BoundWrite | ErrorResult {
    const slots = slotValues(prepared, params);
    const target = translation.target;
    let generated: bigint | null = null;
    if (rewritten !== null && target !== null) {
      const filled = this.fillAutoIncrement(lease, target, rewritten, slots);
      if (isError(filled)) return filled;
      generated = filled;
    }
    return { slots, binds: bindAll(translation, slots, this), generated };
  }

  private executeWrite(
    lease: WriterLease,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    bound: BoundWrite,
  ): OkResult | ErrorResult {
    const { slots, binds, generated } = bound;
    const target = translation.target;
    let lastRowidBefore: bigint | null = null;
    if (s.kind === 'insert' && s.onDuplicate !== null) {
      const before = lease.execute('SELECT last_insert_rowid()');
      if (before.ok) lastRowidBefore = before.value.rows[0]?.[0] as bigint;
    }
    const result = lease.execute(translation.sql, binds);
    if (!result.ok) {
      if (
        result.error.kind === 'sqlite' &&
        (result.error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
          result.error.code === 'SQLITE_CONSTRAINT_UNIQUE') &&
        target !== null
      )
        return (
          this.duplicateError(lease, target, s, rewritten, slots, result.error.message) ??
          this.localFailure(result.error)
        );
      return this.localFailure(result.error);
    }
    const changes = result.value.changes;
    if (s.kind === 'insert') {
      if (generated !== null) this.lastInsertId = narrow(generated) as number | bigint;
      const rows = s.source.kind === 'values' ? s.source.rows.length : changes;
      let affected = changes;
      if (s.onDuplicate !== null && rows === 1 && lastRowidBefore !== null)
        affected = result.value.lastInsertRowid !== lastRowidBefore ? 1 : 2;
      this.rowCount = affected;
      const info =
        rows > 1 || s.source.kind === 'query'
          ? `Records: ${rows}  Duplicates: ${Math.max(0, rows - changes)}  Warnings: 0`
          : undefined;
      const lastInsertId = generated ?? (target?.autoIncrement ? result.value.lastInsertRowid : 0n);
      return ok(affected, {
        lastInsertId: narrow(lastInsertId) as number | bigint,
        ...(info ? { info } : {}),
      });
    }
    this.rowCount = changes;
    if (s.kind === 'update')
      return ok(changes, { info: `Rows matched: ${changes}  Changed: ${changes}  Warnings: 0` });
    return ok(changes);
  }

  /** Puts allocated AUTO_INCREMENT values into the extra slots; the first generated, or null. */
  private fillAutoIncrement(
    lease: WriterLease,
    target: TableDef,
    rewritten: RewrittenInsert,
    slots: (SqlValue | Buffer | undefined)[],
  ): bigint | null | ErrorResult {
    const base = slots.length;
    const values = rewritten.extras.map((extra) =>
      extra.source === null ? null : (slots[extra.source] ?? null),
    );
    const missing = values.filter(
      (v) => v === null || v === 0 || v === 0n || v === '0' || v === '',
    ).length;
    let allocated: bigint[] = [];
    if (missing > 0) {
      const floor = this.autoIncrementFloor(lease, target, rewritten.column);
      if (isError(floor)) return floor;
      allocated = this.engine.allocator.allocate(target.sqliteName, missing, floor, {
        increment: this.numberVar('auto_increment_increment'),
        offset: this.numberVar('auto_increment_offset'),
      });
    }
    let first: bigint | null = null;
    let next = 0;
    values.forEach((value, i) => {
      let v: SqlValue | Buffer;
      if (value === null || value === 0 || value === 0n || value === '0' || value === '') {
        const id = allocated[next++]!;
        first ??= id;
        v = narrow(id);
      } else {
        v = value;
        if (
          typeof value === 'number' ||
          typeof value === 'bigint' ||
          (typeof value === 'string' && /^\d+$/.test(value))
        )
          this.engine.allocator.observe(target.sqliteName, BigInt(value));
      }
      slots[base + i] = v;
    });
    return first;
  }

  private autoIncrementFloor(
    lease: WriterLease,
    target: TableDef,
    column: string,
  ): bigint | ErrorResult {
    return this.engine.autoIncrementFloor(
      (sql, binds) => {
        const r = lease.execute(sql, binds);
        return r.ok ? r.value : this.localFailure(r.error);
      },
      target,
      column,
    );
  }

  private duplicateError(
    lease: WriterLease,
    target: TableDef,
    s: Statement,
    rewritten: RewrittenInsert | null,
    slots: readonly (SqlValue | Buffer | undefined)[],
    message: string,
  ): ErrorResult | null {
    const columns = message
      .replace(/^.*constraint failed: /, '')
      .split(', ')
      .map((c) => c.slice(c.lastIndexOf('.') + 1));
    const index = target.indexes.find(
      (i) =>
        (i.kind === 'primary' || i.kind === 'unique') &&
        i.columns.length === columns.length &&
        i.columns.every((c, k) => c.column.toLowerCase() === columns[k]!.toLowerCase()),
    );
    const key =
      index === undefined ? columns.join('_') : index.kind === 'primary' ? 'PRIMARY' : index.name;
    const insert = (rewritten?.statement ?? s) as Statement;
    if (insert.kind !== 'insert' || insert.source.kind !== 'values')
      return duplicateEntryError({ value: '?', key });
    const names = insert.columns ?? target.columns.map((c) => c.name);
    const positions = columns.map((c) =>
      names.findIndex((n) => n.toLowerCase() === c.toLowerCase()),
    );
    if (positions.some((p) => p < 0)) return duplicateEntryError({ value: '?', key });
    for (const row of insert.source.rows) {
      const values = positions.map((p) => exprValue(row[p]!, slots));
      if (values.some((v) => v === undefined)) continue;
      const where = columns.map((c) => `"${c.replace(/"/g, '""')}" IS ?`).join(' AND ');
      const found = lease.execute(
        `SELECT 1 FROM "${target.sqliteName.replace(/"/g, '""')}" WHERE ${where}`,
        values.map((v) => toStore(v)),
      );
      if (found.ok && found.value.rows.length > 0)
        return duplicateEntryError({
          value: values
            .map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)))
            .join('-'),
          key,
        });
    }
    return duplicateEntryError({ value: '?', key });
  }

  // ---------------------------------------------------------------------------- DDL

  private async runDdl(s: Statement, prepared: Prepared): Promise<Outcome> {
    const reserved = this.reservedTarget(s);
    if (reserved !== null) return databaseDenied(this.account, reserved);
    const denied = this.checkDdlPrivilege(s);
    if (denied !== null) return denied;
    // DDL commits the open transaction first, as in MySQL.
    const committed = await this.commitTx();
    if (isError(committed)) return committed;
    const plan = emitDdl(s, { catalog: this.engine.catalog, database: this.database });
    if (!plan.ok) return fromSqlError(plan.error);
    const notes = plan.value.notes.map((n) => ({
      level: 'Note' as const,
      code: n.code,
      message: n.message,
    }));
    if (plan.value.statements.length === 0 && plan.value.changes.length === 0) {
      this.warnings = notes;
      return ok(0, { warnings: notes.length });
    }
    const outcome = await this.runToi(
      prepared.template.statement === s ? this.currentText() : this.currentText(),
      this.toiKeys(s),
    );
    if (isError(outcome)) return outcome;
    this.warnings = notes;
    if (s.kind === 'drop_database') {
      if (this.database === (s as { name: string }).name) this.database = null;
      return ok(this.engine.catalog.tables((s as { name: string }).name).length, {
        warnings: notes.length,
      });
    }
    if (s.kind === 'create_database') return ok(1, { warnings: notes.length });
    return ok(0, { warnings: notes.length });
  }

  private currentText(): string {
    return this.current?.sql ?? '';
  }

  /** Replicates a TOI write-set of one statement and waits for it to be applied. */
  async runToi(sql: string, keys: CertificationKey[]): Promise<OkResult | ErrorResult> {
    const writeSet: WriteSet = {
      originNodeId: this.engine.nodeId,
      originTransactionId: this.engine.nextToiId(),
      seqnoSnapshot: this.engine.store.appliedSeqno(),
      flags: { commit: true, rollback: false, toi: true, paUnsafe: true },
      keys,
      rows: [],
      statements: [{ database: this.database ?? '', sql }],
    } as WriteSet;
    return this.replicate(writeSet);
  }

  private toiKeys(s: Statement): CertificationKey[] {
    const key = (database: string, table: string): CertificationKey => ({
      database,
      table,
      keyBytes: new Uint8Array(0),
      exclusive: true,
    });
    const db = (name: string | null): string => name ?? this.database ?? '';
    switch (s.kind) {
      case 'create_database':
      case 'drop_database':
        return [key(s.name, '')];
      case 'create_table':
      case 'create_table_like':
      case 'alter_table':
      case 'truncate':
      case 'create_index':
      case 'drop_index':
        return [key(db(s.table.db), s.table.name)];
      case 'drop_table':
        return s.tables.map((t) => key(db(t.db), t.name));
      case 'rename_table':
        return s.pairs.flatMap((p) => [
          key(db(p.from.db), p.from.name),
          key(db(p.to.db), p.to.name),
        ]);
      default:
        return [key('mysql', 'user')];
    }
  }

  private reservedTarget(s: Statement): string | null {
    const check = (name: string | null): string | null => {
      const n = (name ?? this.database ?? '').toLowerCase();
      return n === 'information_schema' || n === 'performance_schema'
        ? (name ?? this.database ?? '')
        : null;
    };
    switch (s.kind) {
      case 'create_database':
      case 'drop_database':
        return (
          check(s.name) ??
          (s.name.toLowerCase() === 'mysql' && s.kind === 'drop_database' ? s.name : null)
        );
      case 'create_table':
      case 'create_table_like':
      case 'alter_table':
      case 'truncate':
      case 'create_index':
      case 'drop_index':
        return check(s.table.db);
      case 'drop_table':
        return s.tables.map((t) => check(t.db)).find((x) => x !== null) ?? null;
      default:
        return null;
    }
  }

  private checkDdlPrivilege(s: Statement): ErrorResult | null {
    const need = (
      privilege: string,
      db: string | null,
      table: string | null,
    ): ErrorResult | null => {
      const database = db ?? this.database;
      if (database === null) return null;
      if (hasPrivilege(this.account, privilege, database, table)) return null;
      return table === null
        ? databaseDenied(this.account, database)
        : tableDenied(privilege, this.account, database, table);
    };
    switch (s.kind) {
      case 'create_database':
        return need('CREATE', s.name, null);
      case 'drop_database':
        return need('DROP', s.name, null);
      case 'create_table':
      case 'create_table_like':
        return need('CREATE', s.table.db, s.table.name);
      case 'drop_table':
        return s.tables.map((t) => need('DROP', t.db, t.name)).find((x) => x !== null) ?? null;
      case 'alter_table':
        return need('ALTER', s.table.db, s.table.name);
      case 'truncate':
        return need('DROP', s.table.db, s.table.name);
      case 'create_index':
      case 'drop_index':
        return need('INDEX', s.table.db, s.table.name);
      case 'rename_table':
        return (
          s.pairs.map((p) => need('ALTER', p.from.db, p.from.name)).find((x) => x !== null) ?? null
        );
      default:
        return null;
    }
  }

  private async runUserStatement(
    s: Extract<
      Statement,
      { kind: 'create_user' | 'alter_user' | 'drop_user' | 'grant' | 'revoke' }
    >,
  ): Promise<Outcome> {
    const grantOnly = s.kind === 'grant' || s.kind === 'revoke';
    const allowed = grantOnly
      ? hasPrivilege(this.account, 'CREATE USER', null, null) ||
        this.account.grants.some(
          (g) => g.grantOption && (g.db === null || g.db === (s.on.db ?? this.database)),
        )
      : hasPrivilege(this.account, 'CREATE USER', null, null);
    if (!allowed) return globalDenied(grantOnly ? 'GRANT OPTION' : 'CREATE USER');
    const committed = await this.commitTx();
    if (isError(committed)) return committed;
    return this.runToi(canonicalUserStatement(s, this.database), [
      { database: 'mysql', table: 'user', keyBytes: new Uint8Array(0), exclusive: true },
    ]);
  }

  // ---------------------------------------------------------------------------- SET / KILL

  /** Evaluates expressions with SQLite: `SELECT e1, e2, …` with the statement's slots. */
  evaluate(
    exprs: readonly Expr[],
    prepared: Prepared,
    params: readonly SqlValue[],
  ): SqlValue[] | ErrorResult {
    const slots = slotValues(prepared, params);
    const direct: SqlValue[] = [];
    for (const e of exprs) {
      const v = exprValue(e, slots);
      if (v === undefined) break;
      direct.push(v instanceof Uint8Array && !Buffer.isBuffer(v) ? v : (v as SqlValue));
    }
    if (direct.length === exprs.length) return direct;
    const select: Query = {
      kind: 'select',
      distinct: false,
      items: exprs.map((expr, i) => ({ kind: 'item' as const, expr, alias: null, name: `v${i}` })),
      from: null,
      where: null,
      groupBy: [],
      withRollup: false,
      having: null,
      orderBy: [],
      limit: null,
      lock: null,
    };
    const emitted = emitDml(
      select,
      { catalog: this.engine.catalog, database: this.database },
      new Set(),
    );
    if (!emitted.ok) return fromSqlError(emitted.error);
    const denied = this.checkSystemVariables(emitted.value);
    if (denied !== null) return denied;
    const executed = this.readOnce(emitted.value.sql, bindAll(emitted.value, slots, this));
    if (isError(executed)) return executed;
    return (executed.rows[0] ?? []).map((v) => narrow(v as SqlValue));
  }

  private async runSet(
    s: Extract<Statement, { kind: 'set' }>,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<Outcome> {
    for (const a of s.assignments) {
      if (a.kind === 'names') {
        for (const name of [
          'character_set_client',
          'character_set_connection',
          'character_set_results',
        ])
          this.sessionVars.set(name, a.charset);
        this.sessionVars.set('collation_connection', a.collation ?? `${a.charset}_general_ci`);
        continue;
      }
      if (a.kind === 'charset') {
        for (const name of ['character_set_client', 'character_set_results'])
          this.sessionVars.set(name, a.charset);
        continue;
      }
      if (a.kind === 'password') {
        const user = a.user ?? { user: this.account.user, host: this.account.host };
        const r = await this.runToi(
          canonicalUserStatement(
            {
              kind: 'alter_user',
              ifExists: false,
              users: [{ user, password: a.password, passwordHash: null, plugin: null }],
            },
            this.database,
          ),
          [{ database: 'mysql', table: 'user', keyBytes: new Uint8Array(0), exclusive: true }],
        );
        if (isError(r)) return r;
        continue;
      }
      const values = this.evaluate([a.value], prepared, params);
      if (isError(values)) return values;
      const value = values[0] ?? null;
      if (a.scope === 'user') {
        this.userVars.set(a.name.toLowerCase(), value);
        continue;
      }
      const result = await this.setSystem(a.name, a.scope, value);
      if (result !== null) return result;
    }
    return ok();
  }

  private async setSystem(
    name: string,
    scope: 'global' | 'session',
    value: SqlValue,
  ): Promise<ErrorResult | null> {
    const lower = name.toLowerCase();
    const spec = this.engine.specs.get(lower);
    if (spec === undefined) return unknownSystemVariable(name);
    if (lower === 'wsrep_provider_options' && this.engine.providerOptions !== null)
      return this.setProviderOptions(scope, value);
    if (spec.readOnly === true)
      return mysqlError(1238, 'HY000', `Variable '${name}' is a read only variable`);
    if (scope === 'session' && spec.scope === 'global')
      return mysqlError(
        1229,
        'HY000',
        `Variable '${name}' is a GLOBAL variable and should be set with SET GLOBAL`,
      );
    if (scope === 'global' && spec.scope === 'session')
      return mysqlError(
        1228,
        'HY000',
        `Variable '${name}' is a SESSION variable and can't be used with SET GLOBAL`,
      );
    if (scope === 'global' && !hasPrivilege(this.account, 'SUPER', null, null))
      return globalDenied('SUPER');
    const normalized = normalizeSetValue(lower, spec, value);
    if (!normalized.ok) return mysqlError(1231, '42000', normalized.message);
    if (lower === 'autocommit') {
      const on = Number(normalized.value) === 1;
      if (on && !this.autocommit) {
        const committed = await this.commitTx();
        if (isError(committed)) return committed;
      }
      this.autocommit = on;
      return null;
    }
    if (scope === 'global') this.engine.globals.set(lower, normalized.value);
    else this.sessionVars.set(lower, normalized.value);
    if (lower === 'transaction_isolation' || lower === 'tx_isolation') {
      const other = lower === 'tx_isolation' ? 'transaction_isolation' : 'tx_isolation';
      if (scope === 'global') this.engine.globals.set(other, normalized.value);
      else this.sessionVars.set(other, normalized.value);
    }
    return null;
  }

  /** SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' and the other runtime options. */
  private async setProviderOptions(
    scope: 'global' | 'session',
    value: SqlValue,
  ): Promise<ErrorResult | null> {
    if (scope !== 'global')
      return mysqlError(
        1229,
        'HY000',
        `Variable 'wsrep_provider_options' is a GLOBAL variable and should be set with SET GLOBAL`,
      );
    if (!hasPrivilege(this.account, 'SUPER', null, null)) return globalDenied('SUPER');
    if (typeof value !== 'string')
      return mysqlError(
        1232,
        '42000',
        `Incorrect argument type to variable 'wsrep_provider_options'`,
      );
    const problem = await this.engine.providerOptions!(value);
    return problem === null
      ? null
      : mysqlError(1210, 'HY000', `Incorrect arguments to SET: ${problem}`);
  }

  /** The reader-worker request this session waits for, if any (for KILL QUERY). */
  private runningRead: number | null = null;

  interruptQuery(): void {
    this.stopWait?.();
    const id = this.runningRead;
    if (id !== null) void this.engine.readPool?.cancel(id);
  }

  private kill(
    s: Extract<Statement, { kind: 'kill' }>,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Outcome {
    const values = this.evaluate([s.id], prepared, params);
    if (isError(values)) return values;
    const id = Number(values[0] ?? 0);
    const other = this.engine.sessions.get(id);
    if (other === undefined) return mysqlError(1094, 'HY000', `Unknown thread id: ${id}`);
    if (
      other !== this &&
      !hasPrivilege(this.account, 'SUPER', null, null) &&
      other.account !== this.account
    )
      return mysqlError(1095, 'HY000', `You are not owner of thread ${id}`);
    // KILL QUERY interrupts a read running on a reader worker (the only statements that run
    // long); other statements are short and synchronous on the store, and an idle connection
    // is left alone, as MariaDB does.
    if (s.target === 'connection') this.engine.killConnection(id);
    else other.interruptQuery();
    return ok();
  }

  /**
   * Runs `fn` on the writer's connection and undoes everything it did: inside a savepoint of
   * the session's own transaction, or in a scratch transaction of its own.
   */
  async withScratch<T extends object>(
    fn: (execute: Executor) => T | ErrorResult,
  ): Promise<T | ErrorResult> {
    const tx = this.tx;
    const execute =
      (lease: WriterLease): Executor =>
      (sql, binds) => {
        const r = lease.execute(sql, binds);
        return r.ok ? r.value : fromLocalError(r.error);
      };
    if (tx !== null) {
      const retaken = await this.retakeLease(tx);
      if (retaken !== null) return retaken;
    }
    if (tx?.lease) {
      const lease = tx.lease;
      // Not journaled: a transaction that read information_schema cannot run again.
      tx.journal = null;
      const saved = lease.savepoint('_trireme_scratch');
      if (!saved.ok) return this.localFailure(saved.error);
      try {
        return fn(execute(lease));
      } finally {
        lease.rollbackToSavepoint('_trireme_scratch');
        lease.releaseSavepoint('_trireme_scratch');
      }
    }
    const acquired = await this.engine.store.acquireWriter(this.ownerId, this.lockWaitMs());
    if (!acquired.ok) return fromWriterWait(acquired.error);
    try {
      return fn(execute(acquired.value));
    } finally {
      acquired.value.rollback();
    }
  }

  /** The status flags MySQL adds beyond the transaction bits. */
  static readonly noIndexFlag = ServerStatus.NO_INDEX_USED;
}

/** The answer to COMMIT (or a DDL) for a replication outcome. */
function commitResult(outcome: ReplicationOutcome): OkResult | ErrorResult {
  switch (outcome.kind) {
    case 'committed':
      return ok();
    case 'cert_failed':
      return deadlock();
    case 'toi_failed':
      return mysqlError(outcome.code, outcome.sqlState, outcome.message);
    case 'not_primary':
      return notPrimary();
    case 'unknown':
      return mysqlError(
        1180,
        'HY000',
        `Got error 6 "No such device or address" during COMMIT (${outcome.reason})`,
      );
    case 'apply_failed':
      return mysqlError(1180, 'HY000', `Got error during COMMIT: ${outcome.reason}`);
  }
}

/** How many rows a result holds (results built here hold arrays). */
function rowsOf(result: RowsResult): number {
  return Array.isArray(result.rows) ? result.rows.length : 0;
}

/** About how many bytes values take (a journal's budget, not an exact figure). */
function valuesBytes(values: readonly unknown[]): number {
  let bytes = 0;
  for (const v of values)
    bytes += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : 8;
  return bytes;
}

function resultBytes(result: RowsResult): number {
  let bytes = 64;
  if (Array.isArray(result.rows))
    for (const row of result.rows as readonly (readonly unknown[])[]) bytes += valuesBytes(row);
  return bytes;
}

const killed = (): ErrorResult => mysqlError(1927, '70100', 'Connection was killed');

type BindValue = string | number | bigint | Buffer | null;

function asBindValue(value: SqlValue): BindValue {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.length);
  return value as BindValue;
}

/**
 * A SELECT of one table by equality on its whole primary key (sysbench's point select, an ORM's
 * find-by-id) reads at most one row through the key's b-tree: a few microseconds, less than the
 * hand-off to a reader worker costs. Such reads stay on the main thread.
 */
function isPointLookup(s: Query, translation: DmlTranslation): boolean {
  if (
    s.kind !== 'select' ||
    s.from?.length !== 1 ||
    s.from[0]!.kind !== 'table' ||
    s.where === null
  )
    return false;
  const table = translation.tables[0];
  if (table === undefined || translation.tables.length !== 1 || table.primaryKey.length === 0)
    return false;
  const equalities = new Set<string>();
  const collect = (e: Expr): boolean => {
    if (e.kind === 'binary' && e.op === 'AND') return collect(e.left) && collect(e.right);
    if (e.kind === 'binary' && e.op === '=') {
      const [column, value] = e.left.kind === 'column' ? [e.left, e.right] : [e.right, e.left];
      if (column.kind !== 'column' || (value.kind !== 'literal' && value.kind !== 'param'))
        return true;
      equalities.add(column.column.toLowerCase());
    }
    return true;
  };
  collect(s.where);
  return table.primaryKey.every((c) => equalities.has(c.toLowerCase()));
}

export function ensure(result: Result<unknown>): ErrorResult | null {
  return result.ok ? null : fromSqlError(result.error);
}

export { internal };
