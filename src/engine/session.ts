// One client session: the Session API the MySQL layer calls, statement dispatch, session and
// user variables, and the session's transaction (transaction.ts). Statements run beside it:
// data in dml.ts, schema and accounts in ddl.ts, SET and KILL in set.ts.
// See docs/design/engine.md.
import type { SqlValue as StoreValue } from '../codec/index.js';
import {
  Capability,
  ColumnType,
  ServerStatus,
  type BoundParam,
  type ColumnDef,
  type ColumnTypeCode,
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
  collationById,
  DDL_KINDS,
  isDml,
  PARSE_MODE,
  parseModeNames,
  parseModesOf,
  type ParseModes,
  readsAsDefault,
  splitStatements,
  type Expr,
  type Prepared,
  type Result,
  type Statement,
  type SessionValue,
  type SessionValues,
} from '../sql/index.js';
import type {
  ExecuteResult,
  LocalError,
  StatementStop,
  ReaderError,
  WriterLease,
} from '../storage/index.js';
import type { AccountDef } from './catalog.js';
import { DdlRunner } from './ddl.js';
import { TemporaryTables } from './temporary.js';
import { SQL_MODE_DEFAULT, normalizeSqlMode } from './variables.js';
import { DmlRunner } from './dml.js';
import {
  fromLocalError,
  fromReaderError,
  fromSqlError,
  fromWriterWait,
  internal,
  lockWaitTimeout,
  mysqlError,
  noDatabaseSelected,
  isStatementTimeout,
  notPrimary,
  notSupportedYet,
  statementTimeExceeded,
  unknownDatabase,
} from './errors.js';
import type { Engine, Executor } from './engine.js';
import {
  convertValue,
  dynamicColumn,
  plainSelect,
  queryColumns,
  settleColumns,
} from './metadata.js';
import { done, isAttempt, isError, ok, type Counters, type Outcome } from './outcome.js';
import { queryInterrupted } from './read-pool.js';
import { SetRunner, setNames } from './set.js';
import { runExplain } from './explain.js';
import { runTableMaintenance } from './maintenance.js';
import { runShow, runDescribe } from './show.js';
import { LocalTransaction, withWaits, type TransactionHost } from './transaction.js';
import { databaseDenied, hasAnyOn, isUserStatement } from './users.js';

import type { WriteWarning as Warning } from './store-value.js';
export type { Warning };

/**
 * Members without `private` that are not part of the Session API are for the statement runners
 * beside the session (dml.ts, ddl.ts, set.ts, show.ts, information-schema.ts).
 */

/** Whether this process's clock reads in UTC (time_zone SYSTEM then needs no conversion). */
const SYSTEM_ZONE_IS_UTC = ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'UCT'].includes(
  Intl.DateTimeFormat().resolvedOptions().timeZone,
);
export class EngineSession implements Session, SessionValues, TransactionHost {
  database: string | null;
  autocommit = true;
  private txNow: LocalTransaction | null = null;
  readonly userVars = new Map<string, SqlValue>();
  readonly sessionVars = new Map<string, SqlValue>();
  lastInsertId: number | bigint = 0;
  foundRows = 0;
  /** ROW_COUNT() of the previous statement: 0 before the first one, as MariaDB answers. */
  rowCount: number | bigint = 0;
  warnings: Warning[] = [];
  nextReadOnly: boolean | null = null;
  /** What the session is doing, for SHOW PROCESSLIST. */
  current: { sql: string; sinceMs: number } | null = null;
  idleSinceMs = Date.now();
  closed = false;
  readonly dml = new DmlRunner(this);
  readonly ddl = new DdlRunner(this);
  readonly temporary = new TemporaryTables(this);
  readonly set = new SetRunner(this);

  constructor(
    readonly engine: Engine,
    readonly info: SessionInfo,
    private readonly login: AccountDef,
  ) {
    this.database = info.database;
    this.connectVariables();
  }

  /**
   * A client that connects with CLIENT_IGNORE_SPACE (mysql2 does) gets IGNORE_SPACE in its
   * session's sql_mode, as MariaDB gives it.
   */
  private connectVariables(): void {
    // The handshake's collation is the connection's (mysql2 asks for utf8mb4_unicode_ci).
    const collation = collationById(this.info.collation);
    if (collation !== undefined && collation.charset !== 'binary')
      setNames(this.sessionVars, collation);
    if ((this.info.clientCapabilities & Capability.IGNORE_SPACE) === 0) return;
    const global = String(this.engine.globals.get('sql_mode') ?? SQL_MODE_DEFAULT);
    this.sessionVars.set('sql_mode', normalizeSqlMode(`IGNORE_SPACE,${global}`) ?? global);
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
      noBackslashEscapes: (this.parseModes & PARSE_MODE.noBackslashEscapes) !== 0,
    };
  }

  private parseModesFor: SqlValue | undefined = '';
  private parseModesValue: ParseModes = 0;

  /** How the session's sql_mode reads statement text (ANSI_QUOTES, PIPES_AS_CONCAT, …). */
  get parseModes(): ParseModes {
    const sqlMode = this.variable('sql_mode', null);
    if (sqlMode !== this.parseModesFor) {
      this.parseModesFor = sqlMode;
      this.parseModesValue = parseModesOf(String(sqlMode ?? ''));
    }
    return this.parseModesValue;
  }

  /**
   * DDL's text is replicated and its views' and triggers' text stored, and both are read again
   * with no sql_mode: text that parses otherwise under the session's parse modes is refused
   * (1235) rather than taking another meaning on the other nodes (docs/design/sql.md, "sql_mode").
   */
  private ddlReadAsDefault(s: Statement): ErrorResult | null {
    const modes = this.parseModes;
    const sql = this.current?.sql;
    if (modes === 0 || sql === undefined || readsAsDefault(sql, modes)) return null;
    const names = parseModeNames(modes).join(', ');
    return notSupportedYet(`DDL (${s.kind}) whose text reads otherwise under sql_mode ${names}`);
  }

  // ---------------------------------------------------------------------------- Session API

  async query(sql: string, options: QueryOptions): Promise<QueryResult[]> {
    let texts = [sql];
    if (options.multiStatements) {
      const split = splitStatements(sql, this.parseModes);
      if (!split.ok) return [this.failed(fromSqlError(split.error))];
      texts = split.value.length === 0 ? [sql] : split.value;
    }
    const results: QueryResult[] = [];
    for (const text of texts) {
      const prepared = this.engine.cache.prepare(text, this.parseModes);
      const result = prepared.ok
        ? await this.execute(prepared.value, [], text)
        : this.failed(fromSqlError(prepared.error));
      results.push(result);
      if (isError(result)) break;
    }
    return results;
  }

  /**
   * A statement that did not parse: its error is the diagnostics area (SHOW WARNINGS shows
   * `Error 1064`, as MariaDB does for every error) and ROW_COUNT() is -1.
   */
  private failed(error: ErrorResult): ErrorResult {
    this.warnings = [{ level: 'Error', code: error.code, message: error.message }];
    this.rowCount = -1;
    return error;
  }

  prepare(sql: string): Promise<PreparedStatement | ErrorResult> {
    return Promise.resolve(this.prepareNow(sql));
  }

  private prepareNow(sql: string): PreparedStatement | ErrorResult {
    const prepared = this.engine.cache.prepare(sql, this.parseModes);
    if (!prepared.ok) return this.failed(fromSqlError(prepared.error));
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
        // A NULL is a NULL whatever type the client declared (MariaDB reads the null bitmap).
        this.paramTypes = bound.map((b) => (b.value === null ? ColumnType.NULL : b.type));
        try {
          return [
            await this.execute(
              p,
              bound.map((b) => b.value),
              sql,
            ),
          ];
        } finally {
          this.paramTypes = null;
        }
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
      plainSelect(
        [{ kind: 'star', table: null }],
        [{ kind: 'table', table: { db: this.database, name: table }, alias: null }],
      ),
      this.engine.catalog,
      this.database,
    );
    return (columns ?? []).map((c) => ({ ...c, defaultValue: null }));
  }

  async resetConnection(): Promise<void> {
    await this.rollbackTx();
    // COM_RESET_CONNECTION releases GET_LOCK's locks, as in MariaDB.
    this.engine.userLocks.releaseAll(this.info.connectionId);
    this.temporary.close();
    this.userVars.clear();
    this.sessionVars.clear();
    this.connectVariables();
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
    this.temporary.close();
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
    // Every condition of the last statement, errors too (MariaDB's; error_count counts those).
    if (lower === 'warning_count') return this.warnings.length;
    if (lower === 'error_count') return this.warnings.filter((w) => w.level === 'Error').length;
    if (lower === 'in_transaction') return this.tx === null ? 0 : 1;
    if (lower === 'timestamp') return Date.now() / 1000;
    const spec = this.engine.specs.get(lower);
    if (spec === undefined) return undefined;
    if (scope !== 'global' && this.sessionVars.has(lower)) return this.sessionVars.get(lower)!;
    // The default database's, as MariaDB sets them at USE (the server's without one).
    if (
      scope !== 'global' &&
      (lower === 'collation_database' || lower === 'character_set_database')
    ) {
      const db = this.database === null ? undefined : this.engine.catalog.database(this.database);
      if (db !== undefined) return lower === 'collation_database' ? db.collation : db.charset;
    }
    return this.engine.globals.get(lower) ?? spec.value;
  }

  /** collation_connection: what literals compare with (a translation is emitted for it). */
  get collation(): string {
    const value =
      this.sessionVars.get('collation_connection') ??
      this.engine.globals.get('collation_connection');
    return typeof value === 'string' ? value : 'utf8mb4_general_ci';
  }

  /**
   * The session's time_zone where it changes what a statement computes (a translation is emitted
   * for it): undefined when it is SYSTEM or +00:00 and this host's zone is UTC, where a TIMESTAMP's stored
   * UTC value and the process's clock are both already the session's time.
   */
  get timeZone(): string | undefined {
    const value = this.sessionVars.get('time_zone') ?? this.engine.globals.get('time_zone');
    const zone = typeof value === 'string' ? value : 'SYSTEM';
    return (zone === 'SYSTEM' || zone === '+00:00') && SYSTEM_ZONE_IS_UTC ? undefined : zone;
  }

  /** While a prepared statement executes: the types its client bound each `?` as. */
  paramTypes: readonly ColumnTypeCode[] | null = null;

  userVariable(name: string): BindValue {
    return asBindValue(this.userVars.get(name.toLowerCase()) ?? null);
  }

  numberVar(name: string): number {
    return Number(this.variable(name, null) ?? 0);
  }

  // ---------------------------------------------------------------------------- dispatch

  private async execute(
    prepared: Prepared,
    params: readonly SqlValue[],
    text: string,
  ): Promise<Outcome> {
    this.current = { sql: text, sinceMs: Date.now() };
    const statement = innermost(prepared.statement);
    this.engine.countStatement(statement.kind);
    try {
      const clears = clearsWarnings(statement);
      const previous = this.warnings;
      const previousCount = previous.length;
      if (clears) this.warnings = [];
      const result = await this.dispatchFor(prepared, params);
      // A result set's end says how many conditions the statement raised (its EOF or OK), as
      // MariaDB's does: clients fetch SHOW WARNINGS only when it is above 0 (the CLI's "1 row in
      // set, 1 warning", JDBC's getWarnings). Raised: the list is new (dml.ts keepWarnings).
      if (!isError(result) && result.kind === 'rows' && result.warnings === undefined) {
        const raised = clears || this.warnings !== previous ? this.warnings.length : 0;
        if (raised > 0) return this.finishExecute(statement, { ...result, warnings: raised });
      }
      // A SET that raised conditions of its own replaces the list with them, as MariaDB's does;
      // one that raised none keeps it.
      if (
        statement.kind === 'set' &&
        !clears &&
        this.warnings === previous &&
        this.warnings.length > previousCount
      )
        this.warnings = this.warnings.slice(previousCount);
      // The same for an OK that counted none itself: its own conditions (the CLI's "Query OK, 0
      // rows affected, 1 warning").
      if (!isError(result) && result.kind === 'ok' && result.warnings === 0) {
        const raised =
          clears || this.warnings !== previous
            ? this.warnings.length
            : this.warnings.length - previousCount;
        if (raised > 0) return this.finishExecute(statement, { ...result, warnings: raised });
      }
      if (isError(result)) {
        const error = { level: 'Error', code: result.code, message: result.message } as const;
        // Notes a statement gave before it failed stay before its error, as in MariaDB.
        const around = [...(result.before ?? []), error, ...(result.after ?? [])];
        this.warnings = clears ? [...this.warnings, ...around] : around;
      }
      return this.finishExecute(statement, result);
    } finally {
      this.current = null;
      this.idleSinceMs = Date.now();
      // Between statements the transaction's writer may go to whoever needs it (a stash).
      this.txNow?.pause();
    }
  }

  /**
   * LOCK TABLES: the tables must exist and an open transaction is committed, as in MariaDB, but
   * no table lock is taken (a cluster-wide one has no Galera counterpart either): a warning says
   * so rather than letting an app believe it excludes others (docs/design/compat.md).
   */
  private async lockTables(s: Extract<Statement, { kind: 'lock_tables' }>): Promise<Outcome> {
    for (const { table } of s.tables) {
      const db = table.db ?? this.database;
      if (db === null) return mysqlError(1046, '3D000', 'No database selected');
      const known =
        this.temporary.has(table) ||
        this.engine.catalog.table(db, table.name) !== undefined ||
        this.engine.catalog.view(db, table.name) !== undefined;
      if (!known) return mysqlError(1146, '42S02', `Table '${db}.${table.name}' doesn't exist`);
    }
    const committed = await this.commitTx();
    if (isError(committed)) return committed;
    this.warnings.push({
      level: 'Warning',
      code: 1235,
      message:
        "This version of MariaDB doesn't yet support 'LOCK TABLES': no table is locked; use SELECT … FOR UPDATE or GET_LOCK() to keep other sessions out",
    });
    return ok(0, { warnings: 1 });
  }

  private finishExecute(statement: Statement, result: Outcome): Outcome {
    // ROW_COUNT(): -1 after a result set or an error, 0 after DDL, SET, BEGIN, USE …;
    // INSERT/UPDATE/DELETE/REPLACE and SELECT … INTO set their own count.
    if (isError(result) || result.kind === 'rows') this.rowCount = -1;
    else if (!isDml(statement)) this.rowCount = 0;
    return result;
  }

  /**
   * `SET STATEMENT v = x, … FOR s`: the variables take their values for `s` alone and are put
   * back after it, whatever it answered (MariaDB's set_statement).
   */
  private async dispatchFor(prepared: Prepared, params: readonly SqlValue[]): Promise<Outcome> {
    const s = prepared.statement;
    if (s.kind !== 'set_statement_for') return this.dispatchTimed(prepared, params);
    const names = s.assignments.flatMap((a) =>
      a.kind === 'variable' ? [a.name.toLowerCase()] : [],
    );
    const saved = new Map(names.map((name) => [name, this.sessionVars.get(name)]));
    try {
      const set = await this.set.run({ kind: 'set', assignments: s.assignments }, prepared, params);
      if (isError(set)) return set;
      // The template's translations are shared: the wrapper itself is never translated.
      const template = { ...prepared.template, statement: s.statement };
      return await this.dispatchTimed({ ...prepared, template, statement: s.statement }, params);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) this.sessionVars.delete(name);
        else this.sessionVars.set(name, value);
      }
    }
  }

  /**
   * How the running statement stops (max_statement_time, KILL QUERY), for the SQLite statements
   * it runs on this thread: the statement runners pass it to the store, which arms the
   * connection with it (storage/execute.ts). Null between statements, for DDL, and while a
   * transaction's journal runs again (withoutStop).
   */
  stop: StatementStop | null = null;
  /** This session's slot on the engine's KillBoard (-1: none). */
  killSlot = -1;

  /**
   * max_statement_time (seconds, 0 for none): when it passes, the statement is interrupted as
   * KILL QUERY would (a read on a reader worker, SLEEP, a wait for keys in flight) and answers
   * 1969 instead of 1317; a statement on the event loop (a write, a read in a transaction, a
   * point lookup) is stopped by its SQLite connection at the deadline (`stop`), answers 1969
   * and leaves no change (dml.ts). A KILL QUERY that reaches such a statement (it comes in on
   * the connection guard's thread while this one is busy: node/connection-guard.ts) stops it
   * the same way, and it answers 1317. DDL is not stopped once it runs (docs/design/engine.md).
   */
  private async dispatchTimed(prepared: Prepared, params: readonly SqlValue[]): Promise<Outcome> {
    const limitSeconds = this.numberVar('max_statement_time');
    const limitMs = limitSeconds > 0 ? Math.min(limitSeconds * 1000, SLEEP_MS_MAX) : null;
    // DDL is applied under total order on every node alike: stopping it on one would part the
    // nodes' schemas (see docs/design/engine.md, "Known gaps").
    const board = this.engine.killBoard;
    const slot = this.killSlot;
    const statement = board?.begin(slot) ?? 0;
    const stop: StatementStop | null = DDL_KINDS.has(prepared.statement.kind)
      ? null
      : {
          deadlineMs: limitMs === null ? null : performance.now() + limitMs,
          connectionId: this.info.connectionId,
          killed: false,
          ...(board === null || slot < 0
            ? {}
            : { killRequested: () => board.killRequested(slot, statement) }),
        };
    this.stop = stop;
    let expired = false;
    const timer =
      limitMs === null
        ? null
        : setTimeout(() => {
            expired = true;
            this.interruptQuery();
          }, limitMs);
    try {
      const dispatched = await this.dispatchSafely(prepared, params);
      if (stop?.killed === true && isStatementTimeout(dispatched)) return queryInterrupted;
      const result =
        expired && isError(dispatched) && dispatched.code === queryInterrupted.code
          ? statementTimeExceeded
          : dispatched;
      if (isStatementTimeout(result)) this.engine.statementTimeouts++;
      return result;
    } finally {
      if (timer !== null) clearTimeout(timer);
      this.stop = null;
      board?.end(slot);
    }
  }

  /** Runs `fn` with no deadline and no KILL: statements run again for their effects (a replay). */
  withoutStop<T>(fn: () => T): T {
    const saved = this.stop;
    this.stop = null;
    try {
      return fn();
    } finally {
      this.stop = saved;
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
    if (
      (!this.engine.replicator.ready() || this.engine.rejectsQueries()) &&
      s.kind !== 'show' &&
      s.kind !== 'set' &&
      s.kind !== 'shutdown' &&
      s.kind !== 'use' &&
      !(
        (s.kind === 'select' || s.kind === 'union') &&
        this.engine.infoSchema.readableDetached(this, prepared)
      )
    ) {
      // Outside the primary component nothing commits (wsrep_reject_queries=ALL refuses the
      // same statements, as MariaDB's does: SET, SHOW and the health checks still answer).
      // ROLLBACK is this node's own business;
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
    // DO: its expressions run as a SELECT would run them (GET_LOCK, SLEEP, @v := …); no rows.
    // An error in their evaluation (not in their names) is kept as a condition of level Error
    // and DO answers OK, as MariaDB's does ("DO always is OK").
    if (s.kind === 'do') {
      const before = this.warnings;
      const ran = await this.dispatchReady({ ...prepared, statement: s.query }, params);
      if (!isError(ran)) return ok();
      if (!DO_KEEPS_ERRORS.has(ran.code)) return ran;
      // Its conditions replace the previous statement's, as any raised condition does.
      const raised = this.warnings === before ? [] : this.warnings;
      this.warnings = [...raised, { level: 'Error', code: ran.code, message: ran.message }];
      return ok(0, { warnings: this.warnings.length });
    }
    if (this.temporary.handles(s)) return this.temporary.run(prepared, s, params);
    if (isDml(s)) {
      this.engine.store.resetTriggerGuard();
      return this.dml.run(prepared, s, params);
    }
    if (DDL_KINDS.has(s.kind)) return this.ddlReadAsDefault(s) ?? this.ddl.run(s);
    if (isUserStatement(s)) return this.ddl.runUserStatement(s);
    switch (s.kind) {
      case 'use':
        return this.use(s.database);
      case 'begin': {
        // Without READ ONLY/WRITE, the access SET TRANSACTION chose for the next transaction,
        // else the session's (tx_read_only).
        const readOnly =
          s.access !== null
            ? s.access === 'READ ONLY'
            : (this.nextReadOnly ?? this.readOnlyDefault());
        this.nextReadOnly = null;
        return this.begin(readOnly, s.consistentSnapshot);
      }
      case 'commit':
      case 'rollback': {
        if (s.kind === 'rollback' && s.savepoint !== null)
          return this.savepointOp('rollback', s.savepoint);
        // AND CHAIN: the next transaction begins at once, with the same access mode.
        const readOnly = this.tx?.readOnly ?? false;
        const ended = s.kind === 'commit' ? await this.commitTx() : await this.rollbackResult();
        if (s.chain === true && !isError(ended)) this.txNow = new LocalTransaction(this, readOnly);
        // RELEASE: the connection ends once the answer is written (its session closes with it).
        if (s.release === true && !isError(ended) && ended.kind === 'ok')
          return { ...ended, closeConnection: true };
        return ended;
      }
      case 'savepoint':
        return this.savepointOp('savepoint', s.name);
      case 'release_savepoint':
        return this.savepointOp('release', s.name);
      case 'set':
        return this.set.run(s, prepared, params);
      case 'set_transaction':
        // The next transaction's characteristics cannot change inside one (MariaDB's 1568).
        if (s.scope === 'next' && this.tx !== null)
          return mysqlError(
            1568,
            '25001',
            "Transaction characteristics can't be changed while a transaction is in progress",
          );
        if (s.access !== null && s.scope === 'next') this.nextReadOnly = s.access === 'READ ONLY';
        if (s.access !== null && s.scope !== 'next') {
          // SET SESSION/GLOBAL TRANSACTION READ ONLY is tx_read_only (and its 11.1 name).
          const value = s.access === 'READ ONLY' ? 1 : 0;
          const vars = s.scope === 'global' ? this.engine.globals : this.sessionVars;
          vars.set('tx_read_only', value);
          vars.set('transaction_read_only', value);
        }
        if (s.isolation !== null) {
          const value = s.isolation.replace(/ /g, '-');
          // MariaDB 10.11's variable is tx_isolation (transaction_isolation came in 11.1).
          if (s.scope === 'global') this.engine.globals.set('tx_isolation', value);
          else if (s.scope === 'session') this.sessionVars.set('tx_isolation', value);
        }
        return ok();
      case 'show':
        return runShow(this, s, prepared, params);
      case 'describe':
        return runDescribe(this, s.table, s.column);
      case 'kill':
        return this.set.kill(s, prepared, params);
      case 'shutdown':
        return this.engine.shutdown(this.account);
      case 'explain':
        return runExplain(this, s, prepared, params);
      case 'table_maintenance':
        return runTableMaintenance(this, s);
      case 'flush':
        // FLUSH STATUS starts the status figures that are not counters (the commit trace) over.
        if (s.targets.some((t) => t.toLowerCase() === 'status')) this.engine.trace.reset();
        return ok();
      case 'lock_tables':
        return this.lockTables(s);
      case 'unlock_tables':
        return ok();
      default:
        return mysqlError(1235, '42000', `This version of MariaDB doesn't yet support '${s.kind}'`);
    }
  }

  // ---------------------------------------------------------------------------- databases

  private use(database: string): OkResult | ErrorResult {
    if (!this.canUseDatabase(database)) return databaseDenied(this.account, database);
    if (!this.engine.catalog.databaseExists(database)) return unknownDatabase(database);
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
    const tx = new LocalTransaction(this, readOnly);
    this.txNow = tx;
    if (consistentSnapshot) {
      // START TRANSACTION WITH CONSISTENT SNAPSHOT takes the read view now.
      const snapshot = tx.snapshot();
      if (isError(snapshot)) {
        tx.rollback();
        return snapshot;
      }
    }
    return ok();
  }

  /** The open transaction; one that ended by itself (a brute-force abort, 1213) is gone. */
  get tx(): LocalTransaction | null {
    if (this.txNow?.ended === true) this.txNow = null;
    return this.txNow;
  }

  /** Whether the session's transactions are READ ONLY unless one says otherwise (tx_read_only). */
  readOnlyDefault(): boolean {
    return Number(this.variable('tx_read_only', null)) === 1;
  }

  /** The transaction statements run in; autocommit=0 opens one implicitly. */
  implicitTx(): LocalTransaction | null {
    if (this.tx === null && !this.autocommit) {
      const readOnly = this.nextReadOnly ?? this.readOnlyDefault();
      this.nextReadOnly = null;
      this.txNow = new LocalTransaction(this, readOnly);
    }
    return this.tx;
  }

  lockWaitMs(): number {
    return Math.max(0, this.numberVar('innodb_lock_wait_timeout')) * 1000;
  }

  counters(): Counters {
    return { lastInsertId: this.lastInsertId, foundRows: this.foundRows, rowCount: this.rowCount };
  }

  restoreCounters(seen: Counters): void {
    this.lastInsertId = seen.lastInsertId;
    this.foundRows = seen.foundRows;
    this.rowCount = seen.rowCount;
  }

  onWait(stop: (() => void) | null): void {
    this.stopWait = stop;
  }

  /**
   * SLEEP(s): waits `ms` off the event loop; true when KILL QUERY (or the end of the session)
   * cut it short.
   */
  async sleep(ms: number): Promise<boolean> {
    if (!(ms > 0)) return false;
    if (this.closed) return true;
    const interrupted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.min(ms, SLEEP_MS_MAX));
      this.onWait(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    this.onWait(null);
    return interrupted;
  }

  async commitTx(): Promise<OkResult | ErrorResult> {
    const tx = this.tx;
    if (tx === null) return ok();
    // readyNow() and commit() run in one turn: no other commit can come between them (a
    // stashed transaction commits without the writer, so holding it is not enough).
    do {
      const prepared = await tx.prepareCommit();
      if (prepared !== null) {
        await this.rollbackTx();
        return prepared;
      }
    } while (!tx.readyNow());
    this.txNow = null;
    return tx.commit();
  }

  rollbackTx(): Promise<void> {
    const tx = this.txNow;
    this.txNow = null;
    tx?.rollback();
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
    // A savepoint lives in the SQLite transaction, which a stash would roll back.
    if (op === 'savepoint') tx.pin();
    return withWaits(this, async () => {
      const lease = await tx.acquire();
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
      tx.record(run, outcome, name.length);
      return done(outcome);
    });
  }

  /**
   * The store's error as MySQL's; one that ended the transaction in the store (a brute-force
   * abort, or SQLite rolled it back) ends it here too.
   */
  localFailure(error: LocalError): ErrorResult {
    if (error.kind === 'bf_aborted' || (error.kind === 'sqlite' && error.transactionRolledBack)) {
      // A statement stopped at its deadline: the transaction goes on, its journal restores
      // what SQLite rolled back at its next statement (LocalTransaction.acquire).
      if (!(error.kind === 'sqlite' && error.code === 'SQLITE_INTERRUPT')) this.tx?.end();
    }
    return fromLocalError(error);
  }

  // ---------------------------------------------------------------------------- reads for others

  /** An autocommit read: a snapshot for this statement only. */
  readOnce(sql: string, binds: StoreValue[]): ExecuteResult | ErrorResult {
    const snapshot = this.engine.store.snapshot();
    if (!snapshot.ok) return fromReaderError(snapshot.error);
    try {
      const result = snapshot.value.execute(sql, binds, this.stop);
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

  /** Evaluates expressions (SET's values, KILL's id). */
  evaluate(
    exprs: readonly Expr[],
    prepared: Prepared,
    params: readonly SqlValue[],
  ): SqlValue[] | ErrorResult {
    return this.set.evaluate(exprs, prepared, params);
  }

  // ---------------------------------------------------------------------------- KILL

  /** The reader-worker request this session waits for, if any (for KILL QUERY). */
  runningRead: number | null = null;

  /** Ends the statement's wait for keys in flight (KILL QUERY, KILL, disconnect). */
  private stopWait: (() => void) | null = null;

  interruptQuery(): void {
    this.stopWait?.();
    const id = this.runningRead;
    if (id !== null) void this.engine.readPool?.cancel(id);
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
      const retaken = await tx.retake();
      if (retaken !== null) return retaken;
    }
    if (tx?.lease) {
      const lease = tx.lease;
      // Not journaled: a transaction that read information_schema cannot run again.
      tx.forgetJournal();
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

type BindValue = string | number | bigint | Buffer | null;

function asBindValue(value: SqlValue): BindValue {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.length);
  return value as BindValue;
}

export function ensure(result: Result<unknown>): ErrorResult | null {
  return result.ok ? null : fromSqlError(result.error);
}

export { internal };

/** The longest SLEEP (a timer's limit is 2^31 − 1 ms, about 24.8 days). */
const SLEEP_MS_MAX = 2_147_483_647;

/**
 * Errors of evaluation that DO turns into a condition of level Error: a subquery of more than
 * one row (1242), a value out of range (1690). Errors of names and syntax stay errors.
 */
const DO_KEEPS_ERRORS: ReadonlySet<number> = new Set([1242, 1690]);

/** Statements that name no table and keep the previous statement's warnings (unless they give their own). */
const TABLELESS_KINDS: ReadonlySet<string> = new Set([
  'create_database',
  'alter_database',
  'drop_database',
  'use',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'set',
  'set_transaction',
  'unlock_tables',
]);

/**
 * Whether a statement starts by clearing the session's warnings. MariaDB clears them for a
 * statement that uses tables (mysql_execute_command: `if (all_tables) opt_clear_warning_info`);
 * one without tables (`SELECT @@warning_count`, `SET @a = 1`, BEGIN) keeps them and replaces
 * them only with warnings of its own, and SHOW WARNINGS/ERRORS only reads them.
 */
/** The statement a `SET STATEMENT … FOR` runs (the statement itself otherwise). */
function innermost(statement: Statement): Statement {
  return statement.kind === 'set_statement_for' ? statement.statement : statement;
}

function clearsWarnings(statement: Statement): boolean {
  if (statement.kind === 'show')
    return (
      statement.target !== 'warnings' &&
      statement.target !== 'errors' &&
      statement.target !== 'count_warnings' &&
      statement.target !== 'count_errors'
    );
  if (statement.kind === 'select') return statement.from !== null && statement.from.length > 0;
  if (statement.kind === 'do') return false;
  return !TABLELESS_KINDS.has(statement.kind);
}
