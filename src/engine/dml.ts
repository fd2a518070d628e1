// Data statements: SELECT (on the transaction's snapshot, on its writer, or on a reader worker
// for autocommit reads) and INSERT/UPDATE/DELETE/REPLACE (in the transaction, or as an autocommit
// write that commits and replicates at once). The transaction decides where and at what state
// (transaction.ts); this file runs the statement and shapes MySQL's answer.
// See docs/design/engine.md.
import { assert } from '../core/assert.js';
import { encodeKeyValues, type SqlValue as StoreValue } from '../codec/index.js';
import type { ColumnDef, ErrorResult, OkResult, RowsResult, SqlValue } from '../mysql/index.js';
import {
  fullGroupByError,
  PARSE_CACHE_KEY_LENGTH_MAX,
  MULTI_TABLE_DROP,
  emitDml,
  translate,
  type DmlStatement,
  type DmlStep,
  type DmlTranslation,
  type Expr,
  type Insert,
  type Prepared,
  type Query,
  type Result,
  type Select,
  type ColumnRef,
  type CommonTableExpression,
  type TableRef,
  type Catalog,
  referencesTo,
  type Statement,
  type DataType,
  type TableDef,
  type IndexColumn,
  type IndexDef,
  indexPartSql,
  partCollation,
  prefixInBytes,
  quoteId,
} from '../sql/index.js';
import { prefixOf, type ExecuteResult, type RowOps, type WriterLease } from '../storage/index.js';

/**
 * What a write statement needs of its connection: the writer's lease, or a session's own
 * connection for its temporary tables (temporary.ts, PrivateConnection).
 */
export type DmlConnection = Pick<
  WriterLease,
  'execute' | 'captureMark' | 'rowOpsSince' | 'withoutForeignKeyChecks' | 'active'
>;
import { bindAll, exprValue, slotValues, toStore } from './bind.js';
import { rewriteInsert, type RewrittenInsert } from './autoinc.js';
import type { SessionEmit } from './engine.js';
import type { Engine } from './engine.js';
import {
  deadlock,
  duplicateEntryError,
  fromLocalError,
  fromReaderError,
  fromSqlError,
  fromWriterWait,
  isForeignKeyFailure,
  isStatementTimeout,
  mysqlError,
  notPrimary,
  childRowError,
  parentRowError,
  referenceText,
  readOnlyTransaction,
  unknownSystemVariable,
} from './errors.js';
import { narrow, plainSelect, queryColumns, withUserVariables } from './metadata.js';
import { done, isAttempt, isError, ok, type Attempt, type Outcome } from './outcome.js';
import { queryInterrupted } from './read-pool.js';
import {
  USER_LOCK_FUNCTIONS,
  USER_LOCK_NAME_MAX,
  withLockAnswers,
  type UserLockFunction,
} from './user-locks.js';
import { foundRowsOf, selectInto } from './select-extras.js';
import type { EngineSession } from './session.js';
import { StatementEffects, withEffects } from './statement-effects.js';
import {
  unsignedAboveSigned,
  WriteCheck,
  withWriteCheck,
  writeModes,
  type WriteModes,
} from './store-value.js';

import { type ExpressionSink, readSink, withExpressionSink } from './expression-warnings.js';
import {
  startReplication,
  valuesBytes,
  verdict,
  withWaits,
  type LocalTransaction,
  type Replicating,
} from './transaction.js';
import { hasPrivilege, tableDenied } from './users.js';
import type { ReplicationOutcome } from './replicator.js';

/** SQLite's greatest INTEGER, so the greatest rowid. */
const INT64_MAX = (1n << 63n) - 1n;

/** Values bound to one SQLite statement at most (SQLITE_MAX_VARIABLE_NUMBER is 32766). */
const BINDS_MAX = 32_000;

/**
 * A cached statement's result columns, by its parsed query (shared by every session that runs
 * it): they depend on the catalog and the current database only, unless a bound `?` or a user
 * variable types one (those are not kept). Column definitions are immutable, and rowsResult
 * copies the array before settling it.
 */
const RESULT_COLUMNS = new WeakMap<
  Query,
  {
    readonly catalog: Engine['catalog'];
    readonly version: number;
    readonly database: string | null;
    readonly columns: ColumnDef[] | null;
  }
>();

/** Where a point write that runs beside deferred rows starts, to be undone if it must rerun. */
const DEFER_SAVEPOINT = '_trireme_defer';

/** A write statement's slots (AUTO_INCREMENT values filled in) and binds. */
interface BoundWrite {
  readonly slots: (SqlValue | Buffer | undefined)[];
  readonly binds: StoreValue[];
  readonly generated: bigint | null;
}

/** Runs one session's data statements. */
export class DmlRunner {
  /** The sql_mode text last parsed, and its flags. */
  private modesFor = '';
  private modes: WriteModes = writeModes('');

  constructor(private readonly session: EngineSession) {}

  /** The session's database, collation and time zone, which a translation is emitted for. */
  private sessionEmit(): SessionEmit {
    const zone = this.session.timeZone;
    return {
      database: this.session.database,
      collation: this.session.collation,
      ...(zone === undefined ? {} : { timeZone: zone }),
    };
  }

  private translate(prepared: Prepared, selectExtras = false): Result<DmlTranslation> {
    return translate(
      prepared,
      this.session.engine.catalog,
      this.session.database,
      selectExtras,
      this.session.collation,
      this.session.timeZone,
    );
  }

  async run(prepared: Prepared, s: DmlStatement, params: readonly SqlValue[]): Promise<Outcome> {
    const query = s.kind === 'insert' && s.source.kind === 'query' ? s.source.query : s;
    if (
      (query.kind === 'select' || query.kind === 'union') &&
      this.currentModes().onlyFullGroupBy
    ) {
      const ctes = query.kind === 'select' ? (query.with?.ctes ?? []) : [];
      const wrong = fullGroupByError(query, (select, table) =>
        this.starColumns(select, table, ctes),
      );
      if (wrong !== null) return fromSqlError(wrong);
    }
    if (s.kind === 'select' || s.kind === 'union') {
      const virtual = this.session.engine.infoSchema.handles(s, this.session.database);
      if (virtual) return this.session.engine.infoSchema.run(this.session, prepared, params);
      const slept = await this.sleepFirst(s, prepared, params);
      if (slept !== null) return slept;
      const locks = await this.lockFirst(s, prepared, params);
      if (locks === null) return this.runSelect(prepared, s, params);
      if (isError(locks)) return locks;
      return withLockAnswers(locks, () => this.runSelect(prepared, s, params));
    }
    return this.runWrite(prepared, s, params);
  }

  /**
   * SLEEP in a SELECT without tables (`SELECT SLEEP(2)`, a health check's or a test's pause):
   * the session waits the sum of its arguments before the statement runs, without holding the
   * event loop; KILL QUERY ends the wait and the statement answers 1317, as in MariaDB. In a
   * SELECT that reads tables SLEEP answers at once: a per-row sleep would hold the statement's
   * SQLite connection.
   */
  private async sleepFirst(
    s: Query,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<ErrorResult | null> {
    if (s.kind !== 'select' || s.from !== null) return null;
    const calls = sleepCalls(s.items);
    if (calls.length === 0) return null;
    const values = this.session.evaluate(calls, prepared, params);
    if (isError(values)) return values;
    const seconds = values.reduce<number>((sum, v) => sum + Math.max(0, Number(v ?? 0) || 0), 0);
    return (await this.session.sleep(seconds * 1000)) ? queryInterrupted : null;
  }

  /**
   * GET_LOCK and its kin in a SELECT without tables (`SELECT GET_LOCK('job', 10)`, what migration
   * tools and job runners send): each runs here, in the order they appear, the session waiting
   * off the event loop for a lock another holds; their answers go to the statement as it runs
   * (user-locks.ts). KILL QUERY ends a wait with 1317. Null when the statement has none.
   */
  private async lockFirst(
    s: Query,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<SqlValue[] | ErrorResult | null> {
    if (s.kind !== 'select' || s.from !== null) return null;
    const calls = lockCalls(s.items);
    if (calls.length === 0) return null;
    const locks = this.session.engine.userLocks;
    const owner = this.session.info.connectionId;
    const answers: SqlValue[] = [];
    for (const call of calls) {
      const args = this.session.evaluate(call.args, prepared, params);
      if (isError(args)) return args;
      if (call.name === 'RELEASE_ALL_LOCKS') {
        answers.push(locks.releaseAll(owner));
        continue;
      }
      const raw = args[0] ?? null;
      const name =
        raw === null
          ? null
          : raw instanceof Uint8Array
            ? Buffer.from(raw).toString('utf8')
            : String(raw);
      if (name !== null && name.length > USER_LOCK_NAME_MAX)
        return mysqlError(3057, '42000', `Incorrect user-level lock name '${name}'.`);
      if (name === null || name === '') {
        answers.push(null);
        continue;
      }
      switch (call.name) {
        case 'GET_LOCK': {
          const seconds = Number(args[1] ?? 0);
          const timeoutMs = Number.isNaN(seconds) ? 0 : seconds < 0 ? -1 : seconds * 1000;
          const got = await locks.acquire(name, owner, timeoutMs, (stop) =>
            this.session.onWait(stop),
          );
          if (got === 'interrupted') return queryInterrupted;
          answers.push(got);
          break;
        }
        case 'RELEASE_LOCK':
          answers.push(locks.release(name, owner));
          break;
        case 'IS_FREE_LOCK':
          answers.push(locks.isFree(name));
          break;
        case 'IS_USED_LOCK':
          answers.push(locks.holder(name));
          break;
      }
    }
    return answers;
  }

  private checkTables(translation: DmlTranslation, privilege: string): ErrorResult | null {
    const written = translation.targets ?? [translation.target];
    for (const table of translation.tables) {
      const needed = written.includes(table) ? privilege : 'SELECT';
      if (!hasPrivilege(this.session.account, needed, table.db, table.name))
        return tableDenied(needed, this.session.info, table.db, table.name);
    }
    return null;
  }

  checkSystemVariables(translation: DmlTranslation): ErrorResult | null {
    for (const b of translation.binds)
      if (b.kind === 'system_var' && this.session.variable(b.name, b.scope) === undefined)
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
      {
        catalog: this.session.engine.catalog,
        database: this.session.database,
        collation: this.session.collation,
        timeZone: this.session.timeZone,
      },
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
    return withWaits(this.session, () => this.selectAttempt(prepared, s, params));
  }

  /** One run of a SELECT; only a locking one (FOR UPDATE, LOCK IN SHARE MODE) can wait. */
  private async selectAttempt(
    prepared: Prepared,
    s: Query,
    params: readonly SqlValue[],
  ): Promise<Attempt> {
    const translated = this.translate(prepared, true);
    if (!translated.ok) return done(fromSqlError(translated.error));
    const fitted = this.fitBinds(prepared, translated.value, s);
    if (isError(fitted)) return done(fitted);
    const translation = fitted;
    const denied =
      this.checkTables(translation, 'SELECT') ?? this.checkSystemVariables(translation);
    if (denied !== null) return done(denied);
    // A SELECT of no table (SELECT 1, SELECT @@x) opens no transaction under autocommit=0, as in
    // MariaDB (@@in_transaction stays 0); one of a table opens it before its values are bound
    // (`SELECT @@in_transaction FROM t` is 1).
    const tx = translation.tables.length === 0 ? this.session.tx : this.session.implicitTx();
    const binds = bindAll(translation, slotValues(prepared, params), this.session);
    const effects = translation.effects === true ? new StatementEffects(this.session) : null;
    const sink = readSink(this.currentModes().divisionWarns);
    let executed: ExecuteResult | ErrorResult;
    // Before the statement runs: its own assignments do not type the variables it reads.
    const columnsBefore = this.columnsOf(s, prepared);
    if (tx !== null && (tx.onWriter || (translation.lock !== null && !tx.readOnly))) {
      // Rows read FOR UPDATE are locked as InnoDB locks them: the transaction keeps the
      // writer until it ends, so others wait rather than write them meanwhile.
      if (translation.lock !== null && !tx.readOnly) tx.pin();
      const lease = await tx.acquire();
      if (isAttempt(lease)) return lease;
      // A plain read on the writer sees its newer state: not a read of the snapshot. Locking
      // reads are current reads by MySQL's definition, and their rows become keys.
      if (translation.lock === null && tx.mode === 'snapshot') return tx.rebase();
      const lockedBefore = tx.lockKeys.length;
      const columns = columnsBefore;
      const run = (on: WriterLease): Outcome =>
        withEffects(effects?.fresh() ?? null, () =>
          this.selectOn(on, s, translation, binds, columns, prepared, params),
        );
      const outcome = withExpressionSink(sink, () =>
        withEffects(effects, () =>
          this.selectOn(lease, s, translation, binds, columns, prepared, params),
        ),
      );
      this.keepWarnings(sink);
      if (
        translation.lock !== null &&
        !isError(outcome) &&
        this.session.engine.inFlight.transactions > 0
      ) {
        const holders = this.session.engine.inFlight.holdersOf(tx.lockKeys.slice(lockedBefore));
        if (holders.length > 0) return tx.metInFlight(holders, lockedBefore);
      }
      if (tx.mode === 'snapshot' && tx.changedSinceRead(tx.lockKeys.slice(lockedBefore))) {
        tx.lockKeys.length = lockedBefore;
        return tx.rebase();
      }
      // A read stopped at its deadline changed nothing and is not run again.
      if (isStatementTimeout(outcome)) return done(outcome);
      tx.record(run, outcome, translation.sql.length + valuesBytes(binds), translation.tables);
      effects?.commit();
      return done(
        this.finishSelect(s, translation, outcome, prepared, params, (sql, b) => {
          const r = lease.execute(sql, b, this.session.stop);
          return r.ok ? r.value : this.session.localFailure(r.error);
        }),
      );
    } else if (tx !== null) {
      const columns = columnsBefore;
      const read = withExpressionSink(sink, () =>
        withEffects(effects, () => this.readInTx(tx, translation.sql, binds)),
      );
      this.keepWarnings(sink);
      const outcome = isError(read) ? read : this.session.rowsResult(columns, read);
      if (isStatementTimeout(outcome)) return done(outcome);
      // Journaled, so that the first write can show the answer is the same on its state.
      const run = (on: WriterLease): Outcome =>
        withEffects(effects?.fresh() ?? null, () =>
          this.selectOn(on, s, translation, binds, columns, prepared, params),
        );
      tx.record(run, outcome, translation.sql.length + valuesBytes(binds), translation.tables);
      effects?.commit();
      return done(
        this.finishSelect(s, translation, outcome, prepared, params, (sql, b) =>
          this.readInTx(tx, sql, b),
        ),
      );
    } else {
      // Autocommit reads of tables run on a reader worker, so a long one does not hold the
      // event loop; a query without tables (SELECT @@x) is cheaper here. With
      // SQL_CALC_FOUND_ROWS the rows and their count are read here, in one synchronous turn:
      // nothing commits between the two snapshots.
      // A recursive CTE can run long without reading any table: it goes to a worker too.
      const offload =
        (translation.tables.length > 0 || s.with?.recursive === true) &&
        translation.foundRows === undefined &&
        translation.effects !== true &&
        !isPointLookup(s, translation);
      const pending = offload
        ? this.session.engine.readPool?.start(translation.sql, binds, sink)
        : null;
      if (pending) {
        this.session.runningRead = pending.id;
        try {
          executed = await pending.result;
        } finally {
          this.session.runningRead = null;
        }
      } else {
        executed = withExpressionSink(sink, () =>
          withEffects(effects, () => this.session.readOnce(translation.sql, binds)),
        );
      }
      this.keepWarnings(sink);
    }
    if (isError(executed)) return done(executed);
    effects?.commit();
    const outcome = this.session.rowsResult(columnsBefore, executed);
    return done(
      this.finishSelect(s, translation, outcome, prepared, params, (sql, b) =>
        this.session.readOnce(sql, b),
      ),
    );
  }

  /**
   * What a SELECT does besides returning rows: FOUND_ROWS() (SQL_CALC_FOUND_ROWS counts the
   * rows without LIMIT, on the same state the rows came from) and `INTO @a, @b` (assigns the
   * one row's values and answers OK; none is warning 1329, more is 1172). The journal holds the
   * rows, so a replay compares what was read, not the assignment.
   */
  private finishSelect(
    s: Query,
    translation: DmlTranslation,
    outcome: Outcome,
    prepared: Prepared,
    params: readonly SqlValue[],
    read: (sql: string, binds: StoreValue[]) => ExecuteResult | ErrorResult,
  ): Outcome {
    if (outcome.kind !== 'rows') return outcome;
    this.session.rowCount = -1;
    this.session.foundRows = rowsOf(outcome);
    const counting = translation.foundRows;
    if (counting !== undefined) {
      const binds = bindAll(
        { ...translation, binds: counting.binds },
        slotValues(prepared, params),
        this.session,
      );
      const counted = read(counting.sql, binds);
      if (isError(counted)) return counted;
      this.session.foundRows = foundRowsOf(counted);
    }
    const into = s.kind === 'select' ? s.into : undefined;
    if (into === undefined) return outcome;
    const assigned = selectInto(into, outcome);
    if (assigned.kind === 'error') return assigned;
    if (assigned.kind === 'no_data') {
      this.session.warnings = [
        { level: 'Warning', code: assigned.code, message: assigned.message },
      ];
      this.session.rowCount = 0;
      return ok(0, { warnings: 1 });
    }
    assigned.names.forEach((name, i) =>
      this.session.userVars.set(name.toLowerCase(), assigned.values[i] ?? null),
    );
    this.session.rowCount = 1;
    return ok(1);
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
    const result = lease.execute(translation.sql, binds, this.session.stop);
    if (!result.ok) return this.session.localFailure(result.error);
    if (translation.lock !== null) {
      const keyed = this.lockKeys(lease, s, translation, prepared, params);
      if (isError(keyed)) return keyed;
    }
    return this.session.rowsResult(columns, result.value);
  }

  private readInTx(
    tx: LocalTransaction,
    sql: string,
    binds: StoreValue[],
  ): ExecuteResult | ErrorResult {
    const snapshot = tx.snapshot();
    if (isError(snapshot)) return snapshot;
    const result = snapshot.execute(sql, binds, this.session.stop);
    return result.ok ? result.value : fromReaderError(result.error);
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
      {
        catalog: this.session.engine.catalog,
        database: this.session.database,
        collation: this.session.collation,
        timeZone: this.session.timeZone,
      },
      prepared.template.pinned,
    );
    if (!emitted.ok) return null;
    const result = lease.execute(
      emitted.value.sql,
      bindAll(emitted.value, slotValues(prepared, params), this.session),
      this.session.stop,
    );
    if (!result.ok) return this.session.localFailure(result.error);
    const exclusive = translation.lock === 'update';
    for (const row of result.value.rows)
      this.session.tx?.lockKeys.push({
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
    return withWaits(this.session, () => this.writeAttempt(prepared, s, params));
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
      rewritten = this.session.engine.rewrites.get(
        prepared.template,
        `${this.session.database ?? ''}\u0000${this.session.engine.catalog.version}`,
        () => rewriteInsert(s, target, prepared.template.slotCount),
      );
      if (rewritten !== null) {
        const emitted = this.session.engine.rewrittenTranslation(
          prepared.template,
          rewritten,
          this.sessionEmit(),
        );
        if (!emitted.ok) return done(fromSqlError(emitted.error));
        translated = emitted;
      }
    }
    let statement: DmlStatement = rewritten?.statement ?? s;
    if (s.kind === 'update') {
      const engine = this.session.engine;
      const changedOnly = engine.changedOnlyTranslation(prepared.template, s, this.sessionEmit());
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
    const tx = this.session.implicitTx();
    // An autocommit write in a READ ONLY session (SET SESSION TRANSACTION READ ONLY) is refused
    // as one in a READ ONLY transaction is.
    if (tx === null && this.session.readOnlyDefault()) return done(readOnlyTransaction());
    if (tx === null) return this.autocommitWrite(s, translation, rewritten, prepared, params);
    if (tx.readOnly) return done(readOnlyTransaction());
    // A point write (which reads no row but its own) may run without the transaction's stashed
    // rows written back first, if it touches none of them: checked after it, below.
    const target = translation.target;
    const defer =
      this.session.engine.pointWrite(statement, translation) &&
      !(
        s.kind === 'insert' &&
        target !== null &&
        (target.autoIncrement !== null || tx.stashDeletesIn(target.db, target.name))
      );
    const lease = await tx.acquire(defer);
    if (isAttempt(lease)) return lease;
    const deferring = tx.deferring;
    if (deferring) {
      const saved = lease.savepoint(DEFER_SAVEPOINT);
      if (!saved.ok) return done(this.session.localFailure(saved.error));
    }
    // The statement runs in one turn: if no key is in flight now, none will be after it, and
    // its keys need not be read. (Keys that a stashed transaction's COMMIT puts in flight later,
    // between this transaction's statements, are checked at its COMMIT: prepareCommit.)
    const mark =
      this.session.engine.inFlight.transactions > 0 || tx.mode === 'snapshot' || deferring
        ? lease.captureMark()
        : null;
    // Undoes a statement that ran beside deferred rows, to run it again once they are back.
    const rerunWithDeferred = (): Attempt | null => {
      if (!deferring || !lease.active) return null;
      this.session.engine.deferredReruns++;
      lease.rollbackToSavepoint(DEFER_SAVEPOINT);
      lease.releaseSavepoint(DEFER_SAVEPOINT);
      return tx.materializeForRerun(lease);
    };
    const bound = this.bindWrite(lease, translation, rewritten, prepared, params);
    if (isError(bound)) return rerunWithDeferred() ?? done(bound);
    // Assignments (`@v := x`) run on a copy of the session's variables, kept only once the
    // statement is answered: a rerun after a wait, and a journal replay, start from the same.
    const effects = translation.effects === true ? new StatementEffects(this.session) : null;
    const run = (on: WriterLease): Outcome =>
      this.executeWrite(on, s, translation, rewritten, bound, effects?.fresh() ?? null);
    const outcome = this.executeWrite(lease, s, translation, rewritten, bound, effects);
    if (isStatementTimeout(outcome)) return done(this.stopped(lease, outcome));
    // The statement's keys, read once for the checks below.
    const keys = mark !== null && !isError(outcome) ? lease.keysSince(mark) : [];
    // The checks judge by the rows written: an UPDATE that answers its matched rows
    // (CLIENT_FOUND_ROWS) but wrote fewer did not show its answer holds at the snapshot (a row
    // another commit had set to the value it assigns was not written, nor certified: a lost
    // update, caught by the bank workload).
    const judged =
      translation.countsMatched === true && this.changedOfLast !== null && outcome.kind === 'ok'
        ? { ...outcome, affectedRows: this.changedOfLast }
        : outcome;
    if (deferring && lease.active) {
      // It may have answered otherwise with the deferred rows in place: then it runs again
      // once they are.
      if (!tx.holdsWithoutDeferred(statement, translation, judged, keys))
        return rerunWithDeferred()!;
      lease.releaseSavepoint(DEFER_SAVEPOINT);
    }
    if (keys.length > 0 && this.session.engine.inFlight.transactions > 0) {
      const holders = this.session.engine.inFlight.holdersOf(keys);
      if (holders.length > 0) return tx.metInFlight(holders, tx.lockKeys.length);
    }
    // Its answer known only for the writer's newer state, or a row it wrote changed since the
    // snapshot (certification would fail it): run the transaction again on the newer state.
    if (
      tx.mode === 'snapshot' &&
      (!tx.holdsAtSnapshot(statement, translation, judged) || tx.changedSinceRead(keys))
    )
      return tx.rebase();
    tx.record(run, outcome, translation.sql.length + valuesBytes(bound.binds), translation.tables);
    if (!isError(outcome)) effects?.commit(generatedWins(s, bound));
    return done(outcome);
  }

  /**
   * A write of a transaction stopped at its deadline (1969) leaves nothing of itself, and the
   * transaction goes on, as in MariaDB. SQLite ends the whole transaction when it interrupts a
   * write (sqlite3VdbeHalt), and a multi-table statement stopped in a read has already written:
   * either way the writer is let go with everything on it, and the transaction's next statement
   * takes it again and runs the journal, which holds every statement but this one
   * (LocalTransaction.acquire). Without a journal that next statement answers 1213.
   */
  /**
   * A write to one of the session's temporary tables, on its own connection (temporary.ts):
   * the same value checks, warnings, duplicate errors and answers as any write, never
   * replicated. `catalog` is the engine's with the session's temporary tables in it.
   */
  writeTemporary(
    connection: DmlConnection,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    slots: (SqlValue | Buffer | undefined)[],
    catalog: Catalog,
  ): Outcome {
    const bound: BoundWrite = {
      slots,
      binds: bindAll(translation, slots, this.session),
      generated: null,
    };
    const effects = translation.effects === true ? new StatementEffects(this.session) : null;
    const outcome = this.executeWrite(connection, s, translation, null, bound, effects, catalog);
    if (isError(outcome)) return outcome;
    effects?.commit(generatedWins(s, bound));
    // SQLite generated the AUTO_INCREMENT values (nothing was allocated ahead, as for a
    // replicated table): LAST_INSERT_ID() is the first of them, when every row had one made.
    if (outcome.kind !== 'ok' || s.kind !== 'insert') return outcome;
    if (!allGenerated(s, translation.target, slots)) return outcome;
    // The rows inserted: an upsert of one row that inserted it answers 1 (2: it updated).
    // REPLACE of one row with a new id inserts it (it may delete others first).
    const inserted = s.replace
      ? 1
      : s.onDuplicate === null
        ? outcome.affectedRows
        : outcome.affectedRows === 1
          ? 1
          : 0;
    if (inserted === 0) return outcome;
    const first = BigInt(outcome.lastInsertId) - BigInt(inserted) + 1n;
    this.session.lastInsertId = narrow(first) as number | bigint;
    return { ...outcome, lastInsertId: narrow(first) as number | bigint };
  }

  private stopped(lease: WriterLease, outcome: ErrorResult): ErrorResult {
    lease.rollback();
    return outcome;
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
    const retries = Math.max(0, this.session.numberVar('wsrep_retry_autocommit'));
    const trace = this.session.engine.trace;
    for (let attempt = 0; ; attempt++) {
      const token = trace.begin();
      const acquired = await this.session.engine.store.acquireWriter(
        this.session.ownerId,
        this.session.lockWaitMs(),
      );
      if (!acquired.ok) return done(fromWriterWait(acquired.error));
      const lease = acquired.value;
      let built: ReturnType<WriterLease['commit']>;
      let replicating: Replicating | null = null;
      let result: Outcome;
      let bound: BoundWrite | ErrorResult;
      const effects = translation.effects === true ? new StatementEffects(this.session) : null;
      try {
        const target = translation.target;
        const allocator = this.session.engine.allocator;
        const before = target === null ? undefined : allocator.last(target.sqliteName);
        bound = this.bindWrite(lease, translation, rewritten, prepared, params);
        result = isError(bound)
          ? bound
          : this.executeWrite(lease, s, translation, rewritten, bound, effects);
        if (isError(result)) {
          lease.rollback();
          // A row it could not store (not a key it met): its ids go back, as MariaDB takes an
          // id only as a row is written (a statement of several rows keeps them past row 1).
          const handed = target === null ? undefined : allocator.last(target.sqliteName);
          if (
            !isError(bound) &&
            bound.generated !== null &&
            handed !== undefined &&
            result.code !== 1062 &&
            Number(/ at row (\d+)/.exec(result.message)?.[1] ?? '1') <= 1
          )
            allocator.giveBack(target!.sqliteName, handed, before);
          return done(result);
        }
        const holders =
          this.session.engine.inFlight.transactions > 0
            ? this.session.engine.inFlight.holdersOf(lease.keysSince(0))
            : [];
        if (holders.length > 0) {
          lease.rollback();
          return { kind: 'wait', holders };
        }
        trace.mark(token, 'commit');
        built = lease.commit(
          [],
          (writeSet) => {
            replicating = startReplication(this.session.engine, writeSet, token);
          },
          lease.seqnoSnapshot,
          true,
        );
      } catch (error) {
        // The lease is this statement's alone: whatever threw, the writer goes back.
        lease.rollback();
        throw error;
      }
      if (!built.ok) return done(fromLocalError(built.error));
      const answered = (): Attempt => {
        if (!isError(bound)) effects?.commit(generatedWins(s, bound));
        return done(result);
      };
      if (built.value === null) return answered();
      assert(replicating !== null, 'a write-set was built but not replicated');
      let outcome: ReplicationOutcome;
      try {
        outcome = await verdict(this.session.engine, replicating);
      } finally {
        lease.settle();
      }
      trace.mark(token, 'answered');
      if (outcome.kind === 'committed') return answered();
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
      this.idsPastSkips(lease, target, rewritten, slots);
    }
    return { slots, binds: bindAll(translation, slots, this.session), generated };
  }

  /**
   * INSERT IGNORE or ON DUPLICATE KEY UPDATE whose rows all take a generated id: a row it will
   * skip or turn into an update (a key it meets, found first) gives its id to the rows after it,
   * as MariaDB's does, so `(1), (1), (2)` into a UNIQUE column is ids 1 and 2, not 1 and 3, and
   * the insertId reported is the first inserted row's (an upsert of ('a'), ('b'), ('d') with 'a'
   * and 'b' present stored 'd' at the third id allocated and reported the first). The ids
   * allocated stay the statement's (the next INSERT starts after them, as after MariaDB's): the
   * skipped rows take the last ones.
   */
  private idsPastSkips(
    lease: DmlConnection,
    target: TableDef,
    rewritten: RewrittenInsert,
    slots: (SqlValue | Buffer | undefined)[],
  ): void {
    const s = rewritten.statement;
    if (!(s.ignore || s.onDuplicate !== null) || s.replace || s.source.kind !== 'values') return;
    const extras = rewritten.extras;
    if (extras.length !== s.source.rows.length || extras.length < 2) return;
    if (extras.some((e) => e.source !== null && !generates(slots[e.source] ?? null))) return;
    const hits = this.duplicatesByRow(lease, target, s, slots);
    if (hits.every((hit) => hit === null)) return;
    const base = slots.length - extras.length;
    const ids = extras.map((_, i) => slots[base + i]);
    const order = [
      ...hits.flatMap((hit, i) => (hit === null ? [i] : [])),
      ...hits.flatMap((hit, i) => (hit === null ? [] : [i])),
    ];
    order.forEach((row, k) => (slots[base + row] = ids[k]));
  }

  private executeWrite(
    lease: DmlConnection,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    bound: BoundWrite,
    effects: StatementEffects | null,
    catalog: Catalog = this.session.engine.catalog,
  ): Outcome {
    const { slots, binds } = bound;
    const target = translation.target;
    // REPLACE and upserts count rows as MySQL does (a replaced row 2, an updated row 2): the
    // captured row changes of this statement tell inserts, updates and deletes apart.
    const counted = s.kind === 'insert' && (s.replace || s.onDuplicate !== null);
    const mark = counted ? lease.captureMark() : 0;
    // INSERT IGNORE warns 1062 for each row it skips: the keys those rows meet, found first.
    const byRow =
      s.kind === 'insert' && s.ignore && !s.replace && s.onDuplicate === null && target !== null
        ? this.duplicatesByRow(lease, target, rewritten?.statement ?? s, slots, translation)
        : null;
    const skips = byRow?.filter((hit) => hit !== null) ?? null;
    // INSERT … SELECT: the rows its query gave (the info's Records), when they were read.
    const sourceRows =
      byRow !== null && s.kind === 'insert' && s.source.kind === 'query' && byRow.length > 0
        ? byRow.length
        : null;
    const check = this.writeCheck(s);
    // Values given for generated columns were dropped: MariaDB's 1906, an error in strict mode
    // (not under IGNORE), else a warning for each, and the statement goes on.
    const given = translation.generatedGiven ?? [];
    if (given.length > 0) {
      const ignored = (column: string): string =>
        `The value specified for generated column '${column}' in table '${target?.name ?? ''}' has been ignored`;
      if (check.refuses) return mysqlError(1906, 'HY000', ignored(given[0]!));
      for (const column of given)
        check.warnings.push({ level: 'Warning', code: 1906, message: ignored(column) });
    }
    // LAST_INSERT_ID(x) is the OK packet's insert id (the session's once the caller commits
    // the effects), unless the INSERT generated one.
    const answer = (outcome: OkResult | ErrorResult): OkResult | ErrorResult => {
      const id = generatedWins(s, bound) ? null : (effects?.lastInsertId ?? null);
      return id === null || isError(outcome)
        ? outcome
        : { ...outcome, lastInsertId: narrow(id) as number | bigint };
    };
    if (translation.steps !== undefined)
      return answer(
        withEffects(effects, () =>
          this.executeSteps(lease, s, translation, translation.steps!, bound.slots, check),
        ),
      );
    this.changedOfLast = null;
    // RETURNING makes SQLite's statement a reader, whose changes count 0: its rows are the rows
    // written (inserted, replaced, upserted or deleted).
    const run = (): ReturnType<WriterLease['execute']> => {
      const r = lease.execute(translation.sql, binds, this.session.stop);
      return r.ok && r.value.columns !== null
        ? { ok: true, value: { ...r.value, changes: r.value.rows.length } }
        : r;
    };
    const result = withEffects(effects, () =>
      withWriteCheck(check, () =>
        this.session.numberVar('foreign_key_checks') === 0
          ? lease.withoutForeignKeyChecks(run)
          : run(),
      ),
    );
    const answered = answer(
      this.writeAnswer(
        lease,
        s,
        translation,
        rewritten,
        bound,
        check,
        result,
        skips,
        sourceRows,
        mark,
        counted,
      ),
    );
    if (isError(answered) || !result.ok) return answered;
    // A changed-only UPDATE: its guard counted the rows matched.
    if (translation.countsMatched === true && s.kind === 'update') {
      // On a table with UPDATE triggers every matched row was written: the guard counted changes.
      const changed = translation.countsChanged === true ? check.changed : result.value.changes;
      const matched = check.matched;
      const affected = this.session.foundRowsFlag ? matched : changed;
      this.changedOfLast = result.value.changes;
      this.session.rowCount = affected;
      return {
        ...answered,
        affectedRows: affected,
        info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${answered.warnings}`,
      };
    }
    return this.returned(s, answered, result.value, catalog);
  }

  /**
   * INSERT/REPLACE/DELETE … RETURNING: the rows SQLite's RETURNING gave, typed as the same items
   * selected from the table would be; the OK packet's figures are not sent (MariaDB's neither).
   */
  private returned(
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    answered: OkResult,
    executed: ExecuteResult,
    catalog: Catalog,
  ): OkResult | RowsResult {
    if (s.kind === 'update' || s.returning === undefined) return answered;
    const source = s.kind === 'insert' ? { table: s.table, alias: null } : s.table;
    const select = plainSelect(s.returning, [
      { kind: 'table', table: source.table, alias: source.alias },
    ]);
    const columns = queryColumns(select, catalog, this.session.database);
    return this.session.rowsResult(columns, executed);
  }

  private writeAnswer(
    lease: DmlConnection,
    s: Insert | Exclude<DmlStatement, Query | Insert>,
    translation: DmlTranslation,
    rewritten: RewrittenInsert | null,
    bound: BoundWrite,
    check: WriteCheck,
    result: ReturnType<WriterLease['execute']>,
    skips: ErrorResult[] | null,
    sourceRows: number | null,
    mark: number,
    counted: boolean,
  ): OkResult | ErrorResult {
    const { slots, generated } = bound;
    const target = translation.target;
    this.session.warnings = check.warnings;
    if (!result.ok) {
      if (check.error !== null) return check.error;
      if (
        result.error.kind === 'sqlite' &&
        (result.error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
          result.error.code === 'SQLITE_CONSTRAINT_UNIQUE') &&
        target !== null
      )
        return (
          this.duplicateError(
            lease,
            target,
            s,
            rewritten,
            slots,
            result.error.message,
            translation,
          ) ?? this.session.localFailure(result.error)
        );
      const failed = this.session.localFailure(result.error);
      if (result.error.kind === 'sqlite' && isForeignKeyFailure(result.error.message))
        return (
          foreignKeyFailure(s, target, this.session.engine.catalog) ??
          (failed.code === 1452 ? childRowFailure(target) : null) ??
          failed
        );
      // SQLite names the CHECK only; MariaDB adds the table the statement wrote.
      const named = /^CONSTRAINT `(.*)` failed$/.exec(failed.message)?.[1];
      if (
        result.error.kind === 'sqlite' &&
        result.error.code === 'SQLITE_CONSTRAINT_CHECK' &&
        named !== undefined &&
        target !== null
      )
        return checkFailure(target, named) ?? failed;
      return failed;
    }
    const changes = result.value.changes;
    // Rows INSERT IGNORE skipped for a CHECK: neither records nor duplicates in its info.
    let checkSkipped = 0;
    if (
      skips !== null &&
      s.kind === 'insert' &&
      (s.source.kind !== 'query' || sourceRows !== null)
    ) {
      const skipped = (s.source.kind === 'query' ? sourceRows! : valuesRows(s)) - changes;
      for (let i = 0; i < skipped; i++) {
        // A row skipped without a key it meets failed a CHECK (SQLite's IGNORE skips those too).
        const failedCheck = skips[i] === undefined && hasChecks(target!);
        const error =
          skips[i] ??
          (failedCheck ? checkFailure(target!)! : duplicateEntryError({ value: '?', key: '?' }));
        if (failedCheck) checkSkipped++;
        check.warnings.push({ level: 'Warning', code: error.code, message: error.message });
      }
      // MariaDB's IGNORE turns a CHECK's error into a warning for a statement of several rows
      // only: one row that fails its CHECK is an error, as without IGNORE.
      if (checkSkipped === 1 && valuesRows(s) === 1) {
        this.session.warnings = [];
        return checkFailure(target!)!;
      }
    }
    const warnings = check.warnings.length;
    if (s.kind === 'insert') {
      const rows = s.source.kind === 'query' ? (sourceRows ?? changes) : valuesRows(s);
      const ops = counted ? lease.rowOpsSince(mark, target?.sqliteName ?? null) : null;
      const { affected, duplicates } =
        ops !== null
          ? this.insertCounts(s, rows, ops)
          : { affected: changes, duplicates: Math.max(0, rows - changes - checkSkipped) };
      const inserted = ops?.inserted ?? changes;
      // The first id the statement generated: allocated before it ran, or for INSERT … SELECT
      // SQLite's (consecutive, ending at the last rowid). No row inserted (IGNORE met a key, or
      // ON DUPLICATE KEY updated): LAST_INSERT_ID() keeps its value, as in MariaDB.
      const first =
        inserted === 0
          ? null
          : generated !== null
            ? generated
            : s.source.kind === 'query' && target?.autoIncrementIsRowid === true
              ? BigInt(result.value.lastInsertRowid) - BigInt(changes) + 1n
              : null;
      if (first !== null) this.session.lastInsertId = narrow(first) as number | bigint;
      this.session.rowCount = affected;
      const info =
        rows > 1 || s.source.kind === 'query'
          ? `Records: ${rows - checkSkipped}  Duplicates: ${duplicates}  Warnings: ${warnings}`
          : undefined;
      // ON DUPLICATE KEY UPDATE that updated its one row: the OK packet names that row's id.
      const updated =
        ops !== null && s.onDuplicate !== null && inserted === 0 && ops.updated > 0
          ? updatedRowId(lease, s, target, slots)
          : null;
      const lastInsertId =
        first ??
        updated ??
        // No row inserted by IGNORE, a query, or an upsert that changed nothing: 0, as MariaDB.
        (inserted === 0 &&
        (s.ignore || s.source.kind === 'query' || (s.onDuplicate !== null && ops !== null))
          ? 0n
          : null) ??
        generated ??
        (target?.autoIncrement ? result.value.lastInsertRowid : 0n);
      return ok(affected, {
        lastInsertId: narrow(lastInsertId) as number | bigint,
        warnings,
        ...(info ? { info } : {}),
      });
    }
    this.session.rowCount = changes;
    if (s.kind === 'update')
      return ok(changes, {
        warnings,
        info: `Rows matched: ${changes}  Changed: ${changes}  Warnings: ${warnings}`,
      });
    return ok(changes, { warnings });
  }

  /**
   * A multi-table UPDATE/DELETE: its statements in order (the join into a TEMP table, one write
   * per table, the TEMP table dropped, also after a failure). UPDATE counts as MySQL does: the
   * rows matched, or with CLIENT_FOUND_ROWS off the rows changed; DELETE the rows deleted.
   */
  private executeSteps(
    lease: DmlConnection,
    s: Exclude<DmlStatement, Query>,
    translation: DmlTranslation,
    steps: readonly DmlStep[],
    slots: (SqlValue | Buffer | undefined)[],
    check: WriteCheck,
  ): OkResult | ErrorResult {
    let matched = 0;
    let changed = 0;
    for (const step of steps) {
      const binds = bindAll({ ...translation, binds: step.binds }, slots, this.session);
      const result = withWriteCheck(check, () => lease.execute(step.sql, binds, this.session.stop));
      if (!result.ok) {
        this.session.warnings = check.warnings;
        // Gone with the transaction when SQLite rolled it back (a write stopped at its deadline).
        if (lease.active) lease.execute(MULTI_TABLE_DROP, []);
        if (check.error !== null) return check.error;
        // A key met by a table's write: 1062 naming the MySQL key (the value is not known).
        const error = result.error;
        if (
          error.kind !== 'sqlite' ||
          (error.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' &&
            error.code !== 'SQLITE_CONSTRAINT_UNIQUE')
        )
          return this.session.localFailure(error);
        const message = error.message;
        const table = translation.targets?.find((t) => message.includes(`${t.sqliteName}.`));
        const duplicate =
          table === undefined ? null : this.duplicateError(lease, table, s, null, slots, message);
        return duplicate ?? this.session.localFailure(error);
      }
      if (step.role === 'changed') changed += result.value.changes;
      if (step.role === 'matched') matched += Number(result.value.rows[0]?.[0] ?? 0);
    }
    this.session.warnings = check.warnings;
    const warnings = check.warnings.length;
    if (s.kind === 'delete') {
      this.session.rowCount = changed;
      return ok(changed, { warnings });
    }
    const affected = this.session.foundRowsFlag ? matched : changed;
    this.session.rowCount = affected;
    return ok(affected, {
      warnings,
      info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: ${warnings}`,
    });
  }

  /**
   * MySQL's affected rows of REPLACE (1 per row inserted, 1 per row it deleted) and of an upsert
   * (1 per row inserted, 2 per row updated, and a row left as it was 0, or 1 with
   * CLIENT_FOUND_ROWS); Duplicates of the info string are the rows that met a key.
   */
  /**
   * A query's result columns: user variables typed by their values now, a `?` of a prepared
   * statement by the type the client bound it as.
   */
  private columnsOf(s: Query, prepared: Prepared): ColumnDef[] | null {
    const session = this.session;
    const catalog = session.engine.catalog;
    const cached = RESULT_COLUMNS.get(s);
    if (
      cached !== undefined &&
      cached.catalog === catalog &&
      cached.version === catalog.version &&
      cached.database === session.database
    )
      return cached.columns;
    // Columns typed by a bound `?` or a user variable's value now are not kept.
    let variable = false;
    const bound = session.paramTypes;
    const boundType =
      bound === null
        ? undefined
        : (slot: number) => {
            variable = true;
            return bound[prepared.markerSlots.indexOf(slot)];
          };
    const columns = queryColumns(s, catalog, session.database, boundType);
    const typed = withUserVariables(s, columns, (name) => {
      variable = true;
      return session.userVariable(name);
    });
    if (!variable) {
      const entry = {
        catalog,
        version: catalog.version,
        database: session.database,
        columns: typed,
      };
      RESULT_COLUMNS.set(s, entry);
    }
    return typed;
  }

  private insertCounts(
    s: Insert,
    rows: number,
    ops: RowOps,
  ): { affected: number; duplicates: number } {
    const unchanged = Math.max(0, rows - ops.inserted - ops.updated);
    // A REPLACE in place (the primary key the only unique key) updates: 2 if it changed the
    // row, 1 if not; otherwise it deleted what it met (1 each) and inserted.
    if (s.replace)
      return {
        affected: ops.inserted + ops.deleted + 2 * ops.updated + unchanged,
        duplicates: ops.deleted + ops.updated + unchanged,
      };
    const affected = ops.inserted + 2 * ops.updated + (this.session.foundRowsFlag ? unchanged : 0);
    return { affected, duplicates: ops.updated + unchanged };
  }

  /** How this write checks the values it stores: the session's sql_mode, IGNORE, one row. */
  private writeCheck(s: Insert | Exclude<DmlStatement, Query | Insert>): WriteCheck {
    const ignore = s.kind !== 'delete' && s.ignore;
    const singleRow = s.kind === 'insert' && s.source.kind !== 'query' && valuesRows(s) === 1;
    return new WriteCheck(this.currentModes(), ignore, singleRow, s.kind === 'delete');
  }

  /**
   * The columns a `*` or `t.*` of a SELECT stands for (ONLY_FULL_GROUP_BY's check): its base
   * tables'; null when it reads a derived table, a CTE or a view, whose columns MariaDB does not
   * check.
   */
  private starColumns(
    s: Select,
    table: string | null,
    ctes: readonly CommonTableExpression[],
  ): ColumnRef[] | null {
    const out: ColumnRef[] = [];
    const add = (ref: TableRef): boolean => {
      if (ref.kind === 'join') return add(ref.left) && add(ref.right);
      if (ref.kind !== 'table') return false;
      const lower = ref.table.name.toLowerCase();
      if (ref.table.db === null && ctes.some((c) => c.name.toLowerCase() === lower)) return false;
      const db = ref.table.db ?? this.session.database;
      const def = db === null ? undefined : this.session.engine.catalog.table(db, ref.table.name);
      if (def === undefined) return false;
      const name = ref.alias ?? ref.table.name;
      if (table !== null && name.toLowerCase() !== table.toLowerCase()) return true;
      for (const c of def.columns)
        out.push({ kind: 'column', db: null, table: name, column: c.name });
      return true;
    };
    return (s.from ?? []).every(add) ? out : null;
  }

  /** The session's sql_mode as the write and expression checks read it. */
  private currentModes(): WriteModes {
    const sqlMode = String(this.session.variable('sql_mode', null) ?? '');
    if (sqlMode !== this.modesFor) {
      this.modesFor = sqlMode;
      this.modes = writeModes(sqlMode);
    }
    return this.modes;
  }

  /** A read's expression warnings (1292, 1365) become the session's, as MariaDB's would. */
  /** The rows the last executeWrite of an UPDATE with a `matched` count wrote (else null). */
  private changedOfLast: number | null = null;

  private keepWarnings(sink: ExpressionSink): void {
    if (sink.warnings.length > 0) this.session.warnings = [...sink.warnings];
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
    const floor = values.some(generates)
      ? this.autoIncrementFloor(lease, target, rewritten.column)
      : 0n;
    if (isError(floor)) return floor;
    const allocator = this.session.engine.allocator;
    const settings = {
      increment: this.session.numberVar('auto_increment_increment'),
      offset: this.session.numberVar('auto_increment_offset'),
    };
    // A value to generate that does not fit the column: MariaDB's 167 (HA_ERR_AUTOINC_ERANGE).
    const max = integerMax(target.columns.find((c) => c.name === rewritten.column)?.type);
    let first: bigint | null = null;
    // In row order, as MariaDB numbers them: an explicit id moves the counter past it for the
    // rows after it, so (NULL), (2), (NULL) is 1, 2, 3 and (10), (NULL) is 10, 11.
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (!generates(value)) {
        if (
          typeof value === 'number' ||
          typeof value === 'bigint' ||
          (typeof value === 'string' && /^\d+$/.test(value))
        ) {
          const id = BigInt(value);
          // The key is SQLite's rowid, a signed 64-bit integer (store-value.ts refuses the same
          // in any other column; here SQLite's datatype mismatch was an internal error, 1105).
          if (id > INT64_MAX) return unsignedAboveSigned(rewritten.column, i + 1);
          allocator.observe(target.sqliteName, id);
        }
        slots[base + i] = value;
        continue;
      }
      const id = allocator.allocate(target.sqliteName, 1, floor, settings)[0]!;
      if (max !== null && id > max)
        return mysqlError(
          167,
          '22003',
          `Out of range value for column '${rewritten.column}' at row ${i + 1}`,
        );
      first ??= id;
      slots[base + i] = narrow(id);
    }
    return first;
  }

  private autoIncrementFloor(
    lease: WriterLease,
    target: TableDef,
    column: string,
  ): bigint | ErrorResult {
    return this.session.engine.autoIncrementFloor(
      (sql, binds) => {
        const r = lease.execute(sql, binds);
        return r.ok ? r.value : this.session.localFailure(r.error);
      },
      target,
      column,
    );
  }

  /**
   * The 1062 each row of an INSERT would meet (an existing row or an earlier row of the
   * statement with the same primary or unique key), in row order, or null for a row that meets
   * none: from its literals and parameters, else from its rows computed once more (sourceRows,
   * given the translation); [] when they are not known.
   */
  private duplicatesByRow(
    lease: DmlConnection,
    target: TableDef,
    insert: Insert,
    slots: readonly (SqlValue | Buffer | undefined)[],
    translation?: DmlTranslation,
  ): (ErrorResult | null)[] {
    const keys = target.indexes.filter((i) => i.kind === 'primary' || i.kind === 'unique');
    const given =
      insertRows(target, insert, slots, keys) ?? this.sourceRows(lease, translation, slots);
    if (given === null) return [];
    const { names, rows } = given;
    const seen = new Set<string>();
    const found: (ErrorResult | null)[] = [];
    for (const row of rows) {
      let hit: ErrorResult | null = null;
      for (const key of keys) {
        const positions = key.columns.map((c) => names.indexOf(c.column.toLowerCase()));
        if (positions.some((p) => p < 0)) continue;
        const values = positions.map((p) => row[p]);
        if (values.some((v) => v === undefined || v === null)) continue;
        const text = keyText(target, values as (SqlValue | Buffer)[], key.columns);
        const name = key.kind === 'primary' ? 'PRIMARY' : key.name;
        const existing = lease.execute(
          keyLookupSql(target, key.columns),
          values.map((v) => toStore(v!)),
        );
        if (
          hit === null &&
          (seen.has(`${name}\u0000${text}`) || (existing.ok && existing.value.rows.length > 0))
        )
          hit = duplicateEntryError({ value: text, key: name });
        seen.add(`${name}\u0000${text}`);
      }
      found.push(hit);
    }
    return found;
  }

  /**
   * An INSERT's rows as DmlTranslation.source computes them (its VALUES or SELECT run once
   * more, each value as stored; warnings of its value checks dropped), for the keys they will
   * meet: up to INSERT_ROWS_READ_MAX rows, else (or for a statement with effects) null.
   */
  private sourceRows(
    lease: DmlConnection,
    translation: DmlTranslation | undefined,
    slots: readonly (SqlValue | Buffer | undefined)[],
  ): InsertRows | null {
    const source = translation?.source;
    if (source === undefined || translation!.effects === true) return null;
    const binds = bindAll({ ...translation!, binds: source.binds }, slots, this.session);
    const scratch = new WriteCheck(this.currentModes(), true, false, false);
    const read = withWriteCheck(scratch, () =>
      lease.execute(`${source.sql} LIMIT ${INSERT_ROWS_READ_MAX + 1}`, binds, this.session.stop),
    );
    if (!read.ok || read.value.rows.length > INSERT_ROWS_READ_MAX) return null;
    return { names: source.columns.map((c) => c.toLowerCase()), rows: read.value.rows };
  }

  private duplicateError(
    lease: DmlConnection,
    target: TableDef,
    s: Statement,
    rewritten: RewrittenInsert | null,
    slots: readonly (SqlValue | Buffer | undefined)[],
    message: string,
    translation?: DmlTranslation,
  ): ErrorResult | null {
    const failed = message.replace(/^.*constraint failed: /, '');
    // An index over expressions (a prefix key: IndexColumn.prefixKey) is named, not its columns.
    const byName = /^index '(.*)'$/.exec(failed)?.[1];
    const named =
      byName === undefined ? undefined : target.indexes.find((i) => i.sqliteName === byName);
    const columns =
      named !== undefined
        ? named.columns.map((c) => c.column)
        : failed.split(', ').map((c) => c.slice(c.lastIndexOf('.') + 1));
    const index =
      named ??
      target.indexes.find(
        (i) =>
          (i.kind === 'primary' || i.kind === 'unique') &&
          i.columns.length === columns.length &&
          i.columns.every((c, k) => c.column.toLowerCase() === columns[k]!.toLowerCase()),
      );
    const key =
      index === undefined ? columns.join('_') : index.kind === 'primary' ? 'PRIMARY' : index.name;
    const parts: readonly IndexColumn[] =
      index?.columns ?? columns.map((column) => ({ column, length: null, direction: null }));
    // An UPDATE that sets every column of the key to a value it gives (`SET email = ?`): the
    // value it met. Others (an expression, a column it leaves) stay '?'.
    const assignedKey = (): string => {
      if (s.kind !== 'update') return '?';
      const values = columns.map((c) => {
        const set = s.assignments.findLast(
          (a) => a.column.column.toLowerCase() === c.toLowerCase(),
        );
        return set === undefined ? undefined : exprValue(set.value, slots);
      });
      if (values.some((v) => v === undefined || v === null)) return '?';
      return keyText(target, values as (SqlValue | Buffer)[], parts);
    };
    const insert = (rewritten?.statement ?? s) as Statement;
    if (insert.kind === 'update') return duplicateEntryError({ value: assignedKey(), key });
    if (insert.kind !== 'insert') return duplicateEntryError({ value: '?', key });
    // Its rows from its literals, else computed once more (a SELECT's, a computed key's).
    const keyDef: IndexDef = { name: key, kind: 'unique', columns: parts, sqliteName: null };
    const given =
      insertRows(target, insert, slots, [keyDef]) ?? this.sourceRows(lease, translation, slots);
    if (given === null) return duplicateEntryError({ value: '?', key });
    const positions = columns.map((c) => given.names.indexOf(c.toLowerCase()));
    if (positions.some((p) => p < 0)) return duplicateEntryError({ value: '?', key });
    // The first row whose key a stored row or an earlier row of the statement holds (the
    // statement's rows are rolled back by now): earlier rows by their text, and the first
    // EARLIER_ROWS_COMPARED of them as the index compares (a collation's equal values).
    const earlier: SqlValue[][] = [];
    const seen = new Set<string>();
    const same = keyEqualSql(target, parts);
    for (const row of given.rows) {
      const values = positions.map((p) => row[p]);
      if (values.some((v) => v === undefined)) continue;
      const stored = values.map((v) => toStore(v));
      const found = lease.execute(keyLookupSql(target, parts), stored);
      const text = keyText(target, values as (SqlValue | Buffer)[], parts);
      const repeated =
        seen.has(text) ||
        earlier.some((before) => {
          const equal = lease.execute(
            same,
            before.flatMap((v, i) => [v, stored[i]!]),
          );
          return equal.ok && equal.value.rows.length > 0;
        });
      seen.add(text);
      if ((found.ok && found.value.rows.length > 0) || repeated)
        return duplicateEntryError({
          value: keyText(target, values as (SqlValue | Buffer)[], parts),
          key,
        });
      if (!stored.some((v) => v === null) && earlier.length < EARLIER_ROWS_COMPARED)
        earlier.push(stored);
    }
    return duplicateEntryError({ value: '?', key });
  }
}

/**
 * A query for a row whose key equals the bound values, part by part as the key's index compares
 * them (a prefix key part: its prefix, under the column's collation).
 */
function keyLookupSql(target: TableDef, parts: readonly IndexColumn[]): string {
  const where = parts
    .map((c) =>
      c.prefixKey === true && c.length !== null
        ? `${indexPartSql(target, c)} IS ${indexPartSql(target, c, '?')}`
        : `"${c.column.replace(/"/g, '""')}" IS ?`,
    )
    .join(' AND ');
  return `SELECT 1 FROM "${target.sqliteName.replace(/"/g, '""')}" WHERE ${where}`;
}

/** A query that answers a row when two bound keys (interleaved, part by part) are one key. */
function keyEqualSql(target: TableDef, parts: readonly IndexColumn[]): string {
  const where = parts
    .map((c) => {
      if (c.prefixKey === true && c.length !== null)
        return `${indexPartSql(target, c, '?')} IS ${indexPartSql(target, c, '?')}`;
      return `?${partCollation(target, c)} IS ?`;
    })
    .join(' AND ');
  return `SELECT 1 WHERE ${where}`;
}

/**
 * A key's values as MariaDB's 1062 shows them, joined by '-': a prefix part's prefix; a binary
 * string's in bytes, each byte past ASCII as \xHH.
 */
function keyText(
  target: TableDef,
  values: readonly (SqlValue | Buffer)[],
  parts: readonly IndexColumn[],
): string {
  return values
    .map((v, i) => {
      const part = parts[i];
      if (part?.prefixKey === true && prefixInBytes(target, part)) {
        const bytes = v instanceof Uint8Array ? v : Buffer.from(String(v), 'utf8');
        const cut = bytes.subarray(0, part.length ?? bytes.length);
        return [...cut]
          .map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase()}`))
          .join('');
      }
      const shown = part?.prefixKey === true ? prefixOf(v as SqlValue, part.length) : v;
      return shown instanceof Uint8Array ? Buffer.from(shown).toString('utf8') : String(shown);
    })
    .join('-');
}

/** The arguments of the SLEEP calls among a select list's items (outside subqueries). */
/** The calls of these functions in a SELECT's items, in the order SQLite evaluates them. */
function callsOf(
  items: Select['items'],
  names: readonly string[],
): { name: string; args: readonly Expr[] }[] {
  const found: { name: string; args: readonly Expr[] }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const name = record['name'];
    if (record['kind'] === 'call' && typeof name === 'string' && names.includes(name)) {
      found.push({ name, args: record['args'] as readonly Expr[] });
      return;
    }
    for (const [key, child] of Object.entries(record)) if (key !== 'query') visit(child);
  };
  visit(items);
  return found;
}

function lockCalls(items: Select['items']): { name: UserLockFunction; args: readonly Expr[] }[] {
  return callsOf(items, USER_LOCK_FUNCTIONS) as { name: UserLockFunction; args: readonly Expr[] }[];
}

function sleepCalls(items: Select['items']): Expr[] {
  return callsOf(items, ['SLEEP']).flatMap((call) =>
    call.args.length === 1 ? [call.args[0]!] : [],
  );
}

const INTEGER_MAX: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [127n, 255n],
  SMALLINT: [32767n, 65535n],
  MEDIUMINT: [8388607n, 16777215n],
  INT: [2147483647n, 4294967295n],
  BIGINT: [9223372036854775807n, 18446744073709551615n],
};

/**
 * The AUTO_INCREMENT value of the row a one-row INSERT … ON DUPLICATE KEY UPDATE updated: found
 * by the first unique key whose values the row gives; null when none does.
 */
/**
 * Whether an INSERT … VALUES (a REPLACE or an upsert: of one row) leaves the AUTO_INCREMENT column
 * to be generated (not named, NULL or 0) in every row.
 */
function allGenerated(
  s: Insert,
  target: TableDef | null,
  slots: readonly (SqlValue | Buffer | undefined)[],
): boolean {
  const auto = target?.autoIncrement ?? null;
  if (auto === null || s.source.kind !== 'values') return false;
  const rows = s.source.rows;
  if ((s.onDuplicate !== null || s.replace) && rows.length !== 1) return false;
  const at = (s.columns ?? target!.columns.map((c) => c.name)).findIndex(
    (n) => n.toLowerCase() === auto.toLowerCase(),
  );
  return (
    at < 0 ||
    rows.every((row) => {
      const value = row[at] === undefined ? undefined : exprValue(row[at], slots);
      return value === null || value === 0 || value === 0n;
    })
  );
}

/**
 * The most rows of an INSERT … SELECT (or of VALUES with computed keys) read again to name the
 * keys they will meet (INSERT IGNORE's 1062 warnings, a 1062's value, the info's Records): past
 * it the warnings name '?' as before, and nothing else changes.
 */
const INSERT_ROWS_READ_MAX = 10_000;
/** The earlier rows of an INSERT a 1062's row is compared with as its key's index compares. */
const EARLIER_ROWS_COMPARED = 500;

/** An INSERT's rows, each value by column (names lower-case); undefined where not known. */
interface InsertRows {
  readonly names: readonly string[];
  readonly rows: readonly (readonly (SqlValue | Buffer | undefined)[])[];
}

/**
 * An INSERT … VALUES's rows from its literals and parameters, when every key part of every row
 * is one of those; null otherwise (a computed key, or the rows of a SELECT).
 */
function insertRows(
  target: TableDef,
  insert: Insert,
  slots: readonly (SqlValue | Buffer | undefined)[],
  keys: readonly IndexDef[],
): InsertRows | null {
  if (insert.source.kind !== 'values') return null;
  const names = (insert.columns ?? target.columns.map((c) => c.name)).map((n) => n.toLowerCase());
  const positions = new Set(
    keys.flatMap((k) => k.columns.map((c) => names.indexOf(c.column.toLowerCase()))),
  );
  const rows = insert.source.rows.map((row) => row.map((e) => exprValue(e, slots)));
  for (const row of rows)
    for (const p of positions) if (p >= 0 && row[p] === undefined) return null;
  return { names, rows };
}

function updatedRowId(
  lease: DmlConnection,
  s: Insert,
  target: TableDef | null,
  slots: readonly (SqlValue | Buffer | undefined)[],
): bigint | null {
  const auto = target?.autoIncrement ?? null;
  if (target === null || auto === null || s.source.kind === 'query') return null;
  const pairs = givenColumns(s, target);
  if (pairs.length === 0) return null;
  const given = new Map<string, SqlValue>();
  for (const [name, e] of pairs) {
    const value = e === undefined ? undefined : exprValue(e, slots);
    if (value !== undefined && value !== null) given.set(name.toLowerCase(), value);
  }
  for (const index of target.indexes) {
    if (index.kind !== 'primary' && index.kind !== 'unique') continue;
    const values = index.columns.map((c) => given.get(c.column.toLowerCase()));
    if (values.some((v) => v === undefined)) continue;
    const where = index.columns.map((c) => `${quoteId(c.column)} = ?`).join(' AND ');
    const found = lease.execute(
      `SELECT ${quoteId(auto)} FROM ${quoteId(target.sqliteName)} WHERE ${where}`,
      values.map((v) => toStore(v!)),
    );
    const id = found.ok ? found.value.rows[0]?.[0] : undefined;
    if (typeof id === 'bigint' || typeof id === 'number') return BigInt(id);
  }
  return null;
}

/** A one-row INSERT's columns and values, from VALUES or from SET (`INSERT … SET k = 'b'`). */
function givenColumns(s: Insert, target: TableDef): (readonly [string, Expr | undefined])[] {
  if (s.source.kind === 'set') return s.source.assignments.map((a) => [a.column.column, a.value]);
  if (s.source.kind !== 'values' || s.source.rows.length !== 1) return [];
  const row = s.source.rows[0]!;
  return (s.columns ?? target.columns.map((c) => c.name)).map((name, j) => [name, row[j]]);
}

/** An AUTO_INCREMENT value given as NULL, 0 or '' is generated (NO_AUTO_VALUE_ON_ZERO off). */
function generates(value: SqlValue | Buffer | null): boolean {
  return value === null || value === 0 || value === 0n || value === '0' || value === '';
}

/** The largest value an integer column holds, or null for another type. */
function integerMax(type: DataType | undefined): bigint | null {
  const range = type === undefined ? undefined : INTEGER_MAX[type.name];
  return range === undefined ? null : range[type!.unsigned ? 1 : 0];
}

/** Whether an INSERT generated an id, which wins over LAST_INSERT_ID(x) as in MariaDB. */
function generatedWins(s: DmlStatement, bound: BoundWrite): boolean {
  return s.kind === 'insert' && s.onDuplicate === null && bound.generated !== null;
}

/** The rows of an INSERT … VALUES or INSERT … SET. */
function valuesRows(s: Insert): number {
  return s.source.kind === 'values' ? s.source.rows.length : 1;
}

/** How many rows a result holds (results built here hold arrays). */
function rowsOf(result: RowsResult): number {
  return Array.isArray(result.rows) ? result.rows.length : 0;
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

/**
 * SQLite says only "FOREIGN KEY constraint failed"; MariaDB tells a parent row that child rows
 * still refer to (1451: DELETE, REPLACE of a referenced row, UPDATE of a referenced key) from a
 * child row without its parent (1452). The statement decides: a DELETE can only orphan, an
 * UPDATE orphans unless it sets one of the table's own foreign-key columns. Null: leave 1452.
 */
function foreignKeyFailure(
  s: Insert | Exclude<DmlStatement, Query | Insert>,
  target: TableDef | null,
  catalog: Catalog,
): ErrorResult | null {
  if (target === null) return null;
  const references = referencesTo(catalog, target);
  if (references.length === 0) return null;
  const detail = referenceText(references[0]!.child, references[0]!.fk);
  if (s.kind === 'delete') return parentRowError(detail);
  if (s.kind === 'update') {
    const own = new Set(target.foreignKeys.flatMap((fk) => fk.columns.map((c) => c.toLowerCase())));
    const setsOwn = s.assignments.some((a) => own.has(a.column.column.toLowerCase()));
    return setsOwn ? null : parentRowError(detail);
  }
  if (s.kind === 'insert' && s.replace && target.foreignKeys.length === 0)
    return parentRowError(detail);
  return null;
}

/**
 * 1452 with MariaDB's detail, when the table has one foreign key (SQLite does not say which key
 * failed): `(`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (`c`) REFERENCES `p` (`id`) ON DELETE
 * CASCADE)`.
 */
function childRowFailure(target: TableDef | null): ErrorResult | null {
  if (target === null || target.foreignKeys.length !== 1) return null;
  const fk = target.foreignKeys[0]!;
  const actions = [
    fk.onDelete !== null && fk.onDelete !== 'RESTRICT' ? ` ON DELETE ${fk.onDelete}` : '',
    fk.onUpdate !== null && fk.onUpdate !== 'RESTRICT' ? ` ON UPDATE ${fk.onUpdate}` : '',
  ].join('');
  const error = childRowError();
  return { ...error, message: `${error.message} (${referenceText(target, fk)}${actions})` };
}

const hasChecks = (table: TableDef): boolean =>
  table.checks.length > 0 || table.columns.some((c) => c.check !== null);

/** The names of a table's CHECKs as MariaDB gives them: a column's is `table.column`. */
function checkNames(table: TableDef): { sqlite: string; mysql: string }[] {
  return [
    ...table.columns
      .filter((c) => c.check !== null)
      .map((c) => ({ sqlite: c.name, mysql: `${table.name}.${c.name}` })),
    ...table.checks.map((c) => ({ sqlite: c.name, mysql: c.name })),
  ];
}

/**
 * 4025 for a row of `table` that a CHECK refused, as MariaDB words it: the CHECK named by its
 * SQLite name (emit-table.ts, checkClauses), or the table's only one when SQLite does not say
 * (its IGNORE skips a row without naming which of several refused it); null when `sqliteName`
 * is none of the table's.
 */
function checkFailure(table: TableDef, sqliteName?: string): ErrorResult | null {
  const names = checkNames(table);
  const found =
    sqliteName === undefined
      ? names.length === 1
        ? names[0]
        : undefined
      : // A table CHECK's name wins over a column's of the same name (the later clause).
        names.findLast((n) => n.sqlite === sqliteName);
  if (sqliteName !== undefined && found === undefined) return null;
  const name = found === undefined ? '' : `\`${found.mysql}\` `;
  return mysqlError(
    4025,
    '23000',
    `CONSTRAINT ${name}failed for \`${table.db}\`.\`${table.name}\``,
  );
}
