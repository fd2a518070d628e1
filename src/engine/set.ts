// SET (user, session and global variables, NAMES, PASSWORD, wsrep_provider_options) and KILL.
// See docs/design/engine.md.
import type { ErrorResult, SqlValue } from '../mysql/index.js';
import { StatementEffects, withEffects } from './statement-effects.js';
import { readSink, withExpressionSink } from './expression-warnings.js';
import { writeModes } from './store-value.js';
import {
  CHARACTER_SETS,
  type CollationDef,
  emitDml,
  type Expr,
  findCollation,
  type Prepared,
  type Statement,
} from '../sql/index.js';
import { bindAll, exprValue, slotValues } from './bind.js';
import { fromSqlError, mysqlError, unknownSystemVariable } from './errors.js';
import { narrow, plainSelect } from './metadata.js';
import { isError, ok, type Outcome } from './outcome.js';
import type { EngineSession } from './session.js';
import { canonicalUserStatement, globalDenied, hasPrivilege } from './users.js';
import {
  backgroundEncryptionRangeError,
  backgroundEncryptionWarning,
  normalizeSetValue,
} from './variables.js';

/** Runs one session's SET and KILL statements. */
export class SetRunner {
  constructor(private readonly session: EngineSession) {}

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
    const select = plainSelect(
      exprs.map((expr, i) => ({ kind: 'item' as const, expr, alias: null, name: `v${i}` })),
      null,
    );
    const emitted = emitDml(
      select,
      {
        catalog: this.session.engine.catalog,
        database: this.session.database,
        collation: this.session.collation,
      },
      new Set(),
    );
    if (!emitted.ok) return fromSqlError(emitted.error);
    const denied = this.session.dml.checkSystemVariables(emitted.value);
    if (denied !== null) return denied;
    const effects = emitted.value.effects === true ? new StatementEffects(this.session) : null;
    // Its expression warnings (1365 for `SET @a = 1/0`, 1292) are the SET's, as in MariaDB.
    const sink = readSink(
      writeModes(String(this.session.variable('sql_mode', null) ?? '')).divisionWarns,
    );
    const executed = withExpressionSink(sink, () =>
      withEffects(effects, () =>
        this.session.readOnce(emitted.value.sql, bindAll(emitted.value, slots, this.session)),
      ),
    );
    if (isError(executed)) return executed;
    this.session.warnings.push(...sink.warnings);
    effects?.commit();
    return (executed.rows[0] ?? []).map((v) => narrow(v as SqlValue));
  }

  async run(
    s: Extract<Statement, { kind: 'set' }>,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<Outcome> {
    for (const a of s.assignments) {
      if (a.kind === 'names') {
        const failure = this.setNames(a.charset, a.collation);
        if (failure !== null) return failure;
        continue;
      }
      if (a.kind === 'charset') {
        for (const name of ['character_set_client', 'character_set_results'])
          this.session.sessionVars.set(name, a.charset);
        continue;
      }
      if (a.kind === 'password') {
        const user = a.user ?? { user: this.session.account.user, host: this.session.account.host };
        const r = await this.session.ddl.runToi(
          canonicalUserStatement(
            {
              kind: 'alter_user',
              ifExists: false,
              users: [{ user, password: a.password, passwordHash: null, plugin: null }],
            },
            this.session.database,
          ),
          [{ database: 'mysql', table: 'user', keyBytes: new Uint8Array(0), exclusive: true }],
        );
        if (isError(r)) return r;
        continue;
      }
      if (a.value.kind === 'default' && a.scope !== 'user') {
        const reset = await this.setDefault(a.name, a.scope);
        if (reset !== null) return reset;
        continue;
      }
      const values = this.evaluate([a.value], prepared, params);
      if (isError(values)) return values;
      const value = values[0] ?? null;
      if (a.scope === 'user') {
        this.session.userVars.set(a.name.toLowerCase(), value);
        continue;
      }
      const result = await this.setSystem(a.name, a.scope, value);
      if (result !== null) return result;
    }
    return ok();
  }

  /** SET NAMES charset [COLLATE collation]: MariaDB's 1115 and 1253 for names it refuses. */
  private setNames(charset: string, collationName: string | null): ErrorResult | null {
    const lower = charset.toLowerCase().replace(/^utf8$/, 'utf8mb3');
    const fallback = CHARACTER_SETS.find(([name]) => name === lower)?.[2];
    if (fallback === undefined || lower === 'binary')
      return mysqlError(1115, '42000', `Unknown character set: '${charset}'`);
    const collation = findCollation(collationName ?? fallback);
    if (collation === undefined)
      return mysqlError(1273, 'HY000', `Unknown collation: '${collationName}'`);
    if (collation.charset !== lower)
      return mysqlError(
        1253,
        '42000',
        `COLLATION '${collation.name}' is not valid for CHARACTER SET '${lower}'`,
      );
    setNames(this.session.sessionVars, collation);
    return null;
  }

  private async setSystem(
    name: string,
    scope: 'global' | 'session',
    value: SqlValue,
  ): Promise<ErrorResult | null> {
    const lower = name.toLowerCase();
    const spec = this.session.engine.specs.get(lower);
    if (spec === undefined) return unknownSystemVariable(name);
    if (lower === 'wsrep_provider_options' && this.session.engine.providerOptions !== null)
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
    if (scope === 'global' && !hasPrivilege(this.session.account, 'SUPER', null, null))
      return globalDenied('SUPER');
    const normalized = normalizeSetValue(lower, spec, value);
    if (!normalized.ok)
      return normalized.code === 1298
        ? mysqlError(1298, 'HY000', normalized.message)
        : mysqlError(1231, '42000', normalized.message);
    const ignored = replicationSettingRefusal(
      lower,
      normalized.value,
      this.session.engine.globals.get(lower) ?? spec.value,
    );
    if (ignored !== null) return mysqlError(1235, '42000', ignored);
    if (lower === 'wsrep_desync') {
      // MariaDB's answer without a provider: a standalone node is in no cluster to desync from.
      if (this.session.engine.desync === null)
        return mysqlError(1210, 'HY000', 'WSREP (galera) not started');
      const on = Number(normalized.value) === 1;
      if (on === (Number(this.session.engine.globals.get(lower) ?? spec.value) === 1))
        // MariaDB's words: nothing changes.
        this.session.warnings.push({
          level: 'Warning',
          code: 1231,
          message: `'wsrep_desync' is already ${on ? 'ON' : 'OFF'}.`,
        });
      else this.session.engine.desync(on);
    }
    const outOfRange = backgroundEncryptionRangeError(lower, normalized.value);
    if (outOfRange !== null) return mysqlError(1231, '42000', outOfRange);
    const warning = backgroundEncryptionWarning(lower, normalized.value);
    // ER_NOT_SUPPORTED_YET, as a warning: the setting takes effect for what it can cover.
    if (warning !== null)
      this.session.warnings.push({ level: 'Warning', code: 1235, message: warning });
    if (lower === 'autocommit') {
      const on = Number(normalized.value) === 1;
      if (on && !this.session.autocommit) {
        const committed = await this.session.commitTx();
        if (isError(committed)) return committed;
      }
      this.session.autocommit = on;
      return null;
    }
    let chosen = normalized.value;
    if (lower === 'wsrep_sync_wait') {
      // MariaDB's range, 0..15 (the four bits), with its truncation warning.
      const wanted = Number(chosen);
      const clamped = Math.min(15, Math.max(0, wanted));
      if (clamped !== wanted) {
        this.session.warnings.push({
          level: 'Warning',
          code: 1292,
          message: `Truncated incorrect wsrep_sync_wait value: '${String(chosen)}'`,
        });
        chosen = clamped;
      }
    }
    if (lower === 'wsrep_causal_reads') {
      // The old name of wsrep_sync_wait's first bit (reads), as MariaDB keeps it.
      this.session.warnings.push({
        level: 'Warning',
        code: 1287,
        message: `'@@wsrep_causal_reads' is deprecated and will be removed in a future release. Please use '@@wsrep_sync_wait=1' instead`,
      });
      const syncWait = Number(this.session.variable('wsrep_sync_wait', scope) ?? 0);
      const next = Number(chosen) === 1 ? syncWait | 1 : syncWait & ~1;
      if (scope === 'global') this.session.engine.globals.set('wsrep_sync_wait', next);
      else this.session.sessionVars.set('wsrep_sync_wait', next);
    }
    if (scope === 'global') this.session.engine.globals.set(lower, chosen);
    else this.session.sessionVars.set(lower, chosen);
    // ALL_KILL: every client connection ends, this one too (MariaDB's), and later queries are
    // refused as with ALL (EngineSession.dispatch).
    if (lower === 'wsrep_reject_queries' && chosen === 'ALL_KILL')
      for (const id of [...this.session.engine.sessions.keys()])
        this.session.engine.killConnection(id);
    return null;
  }

  /**
   * `SET x = DEFAULT`: a session variable takes the global value again, a global one its
   * compiled-in default (MariaDB's rules; autocommit's default is 1).
   */
  private async setDefault(name: string, scope: 'global' | 'session'): Promise<ErrorResult | null> {
    const lower = name.toLowerCase();
    const spec = this.session.engine.specs.get(lower);
    if (spec === undefined) return unknownSystemVariable(name);
    const value =
      scope === 'session' && spec.scope !== 'session'
        ? (this.session.engine.globals.get(lower) ?? spec.value)
        : spec.value;
    return this.setSystem(name, scope, value);
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
    if (!hasPrivilege(this.session.account, 'SUPER', null, null)) return globalDenied('SUPER');
    if (typeof value !== 'string')
      return mysqlError(
        1232,
        '42000',
        `Incorrect argument type to variable 'wsrep_provider_options'`,
      );
    const problem = await this.session.engine.providerOptions!(value);
    return problem === null
      ? null
      : mysqlError(1210, 'HY000', `Incorrect arguments to SET: ${problem}`);
  }

  kill(
    s: Extract<Statement, { kind: 'kill' }>,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Outcome {
    const values = this.evaluate([s.id], prepared, params);
    if (isError(values)) return values;
    const id = Number(values[0] ?? 0);
    const other = this.session.engine.sessions.get(id);
    if (other === undefined) return mysqlError(1094, 'HY000', `Unknown thread id: ${id}`);
    if (
      other !== this.session &&
      !hasPrivilege(this.session.account, 'SUPER', null, null) &&
      other.account !== this.session.account
    )
      return mysqlError(1095, 'HY000', `You are not owner of thread ${id}`);
    // KILL QUERY interrupts a read running on a reader worker (the only statements that run
    // long); other statements are short and synchronous on the store, and an idle connection
    // is left alone, as MariaDB does.
    if (s.target === 'connection') this.session.engine.killConnection(id);
    else other.interruptQuery();
    return ok();
  }
}

/** The connection's character sets and collation, as SET NAMES and the handshake set them. */
export function setNames(vars: Map<string, SqlValue>, collation: CollationDef): void {
  for (const name of ['character_set_client', 'character_set_connection', 'character_set_results'])
    vars.set(name, collation.charset);
  vars.set('collation_connection', collation.name);
}

/**
 * Galera settings that change how writes replicate, which this node would otherwise take and
 * not follow (the ops walkthrough: `SET SESSION wsrep_on=OFF` and the writes still replicated,
 * `wsrep_OSU_method=RSU` and the DDL still ran everywhere). Refused with ER_NOT_SUPPORTED_YET
 * rather than believed; setting the value in effect is fine.
 */
function replicationSettingRefusal(
  name: string,
  value: SqlValue,
  current: SqlValue,
): string | null {
  if (name === 'wsrep_on' && Number(value) !== Number(current))
    return `This version of MariaDB doesn't yet support 'SET wsrep_on at runtime': a node replicates every write while it runs as it was started (start it with wsrep_on=OFF for writes of its own, as the rolling upgrade does)`;
  if (name === 'explicit_defaults_for_timestamp' && Number(value) !== 1)
    return `This version of MariaDB doesn't yet support 'explicit_defaults_for_timestamp=OFF': a TIMESTAMP column has only the defaults its definition gives it`;
  if (name === 'wsrep_cluster_address' && String(value) !== String(current))
    return `This version of MariaDB doesn't yet support 'SET GLOBAL wsrep_cluster_address': a node's peers are those it started with; to move it to another cluster, change wsrep_cluster_address in its my.cnf and restart it`;
  if (name === 'wsrep_slave_threads' && Number(value) !== Number(current))
    return `This version of MariaDB doesn't yet support 'wsrep_slave_threads=${String(value)}': a node applies write-sets on one thread (wsrep_applier_thread_count)`;
  if (name === 'wsrep_osu_method' && String(value).toUpperCase() !== 'TOI')
    return `This version of MariaDB doesn't yet support 'wsrep_OSU_method=${String(value)}': DDL runs in total order on every node (TOI)`;
  return null;
}
