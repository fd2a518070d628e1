// Schema and account statements: CREATE/ALTER/DROP/RENAME/TRUNCATE and CREATE USER/GRANT/…,
// each replicated as one TOI write-set (total order isolation) and answered once applied here.
// See docs/design/engine.md, "DDL".
import { temporalDefault, writeModes } from './store-value.js';
import { DDL_RULES_NEWEST, type CertificationKey, type WriteSet } from '../codec/index.js';
import type { ErrorResult, OkResult } from '../mysql/index.js';
import {
  backquote,
  canonicalObjectText,
  emitDdl,
  isDml,
  isTextType,
  showCreateTable,
  viewColumns,
  type CreateTable,
  type DataType,
  type Statement,
  type TableName,
} from '../sql/index.js';
import { tableOfSelect } from './create-select.js';
import {
  databaseDenied,
  globalDenied,
  hasPrivilege,
  tableDenied,
  canonicalUserStatement,
} from './users.js';
import { fromSqlError, mysqlError } from './errors.js';
import { ddlRefusal } from './ddl-refusals.js';
import { isError, ok, type Outcome } from './outcome.js';
import type { EngineSession } from './session.js';
import { commitResult } from './transaction.js';
import { tableRows } from './show.js';
import { logTable } from './virtual-tables.js';

/** Runs one session's DDL and account statements. */
export class DdlRunner {
  constructor(private readonly session: EngineSession) {}

  async run(s: Statement): Promise<Outcome> {
    const reserved = this.reservedTarget(s);
    if (reserved !== null) return databaseDenied(this.session.account, reserved);
    const denied = this.checkDdlPrivilege(s);
    if (denied !== null) return denied;
    // DDL commits the open transaction first, as in MySQL.
    const committed = await this.session.commitTx();
    if (isError(committed)) return committed;
    const refusal = (statement: Statement): ErrorResult | null =>
      ddlRefusal(
        statement,
        this.session.engine.catalog,
        this.session.database,
        this.session.numberVar('foreign_key_checks') !== 0,
        (sql) => {
          const read = this.session.readOnce(sql, []);
          return 'rows' in read ? read.rows : read;
        },
        writeModes(String(this.session.variable('sql_mode', null) ?? '')).strict,
      );
    const refused = refusal(s) ?? replacedRefusal(s, refusal);
    if (refused !== null) return refused;
    const log = this.logTableCreated(s);
    if (log !== null) return log;
    if (s.kind === 'create_table' && s.asQuery !== null && !s.temporary)
      return this.createSelect(s);
    const definer = { user: this.session.account.user, host: this.session.account.host };
    // The newest rules: the plan at the seqno (DdlOptions from the write-set's flag) decides.
    const plan = emitDdl(s, {
      catalog: this.session.engine.catalog,
      database: this.session.database,
      definer,
      temporalDefault,
      ddlRules: DDL_RULES_NEWEST,
    });
    if (!plan.ok) return fromSqlError(plan.error);
    const notes = plan.value.notes.map((n) => ({
      level: n.level ?? ('Note' as const),
      code: n.code,
      message: n.message,
    }));
    // CREATE/DROP DATABASE use no table: without notes of their own they keep the last
    // statement's warnings, as MariaDB's do (session.ts, clearsWarnings).
    const keepsWarnings =
      notes.length === 0 &&
      (s.kind === 'create_database' || s.kind === 'drop_database' || s.kind === 'alter_database');
    if (plan.value.statements.length === 0 && plan.value.changes.length === 0) {
      if (!keepsWarnings) this.session.warnings = notes;
      return ok(0, { warnings: notes.length });
    }
    // A view's or trigger's DEFINER is the origin session's account, on every node.
    const text =
      s.kind === 'create_view' || s.kind === 'create_trigger'
        ? canonicalObjectText(s, definer)
        : this.currentText();
    const copied = this.copiedRows(s);
    // DROP DATABASE answers the number of tables it dropped, counted before they are gone.
    const dropped =
      s.kind === 'drop_database' ? this.session.engine.catalog.tables(s.name).length : 0;
    const outcome = await this.runToi(text, this.toiKeys(s));
    if (isError(outcome)) return outcome;
    if (!keepsWarnings) this.session.warnings = notes;
    const info = this.alterInfo(s, copied, notes.length);
    if (info !== undefined) return ok(copied, { warnings: notes.length, info });
    if (s.kind === 'drop_database') {
      if (this.session.database === (s as { name: string }).name) this.session.database = null;
      return ok(dropped, { warnings: notes.length });
    }
    if (s.kind === 'create_database' || s.kind === 'alter_database')
      return ok(1, { warnings: notes.length });
    return ok(0, { warnings: notes.length });
  }

  /**
   * The rows an ALTER copies in MariaDB, which it counts as affected: one that InnoDB cannot do
   * in place copies the table (ALGORITHM=COPY): ADD FOREIGN KEY with FOREIGN_KEY_CHECKS on, ADD
   * CHECK, ADD of a STORED generated column, DROP PRIMARY KEY, a MODIFY or CHANGE to another
   * type (INT to BIGINT; a string's length alone is done in place). Others affect 0 rows.
   */
  private copiedRows(s: Statement): number {
    if (s.kind !== 'alter_table') return 0;
    const checks = this.session.numberVar('foreign_key_checks') !== 0;
    const db = s.table.db ?? this.session.database;
    const table = db === null ? undefined : this.session.engine.catalog.table(db, s.table.name);
    if (table === undefined) return 0;
    const retyped = (name: string, type: DataType): boolean => {
      const was = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
      if (was === undefined) return false;
      if (was.name !== type.name) return true;
      if (isTextType(type)) return false;
      return (
        was.length !== type.length || was.scale !== type.scale || was.unsigned !== type.unsigned
      );
    };
    const copies = s.specs.some(
      (spec) =>
        (spec.kind === 'add_constraint' &&
          ((spec.constraint.kind === 'foreign_key' && checks) ||
            spec.constraint.kind === 'check')) ||
        (spec.kind === 'add_column' && spec.column.generated?.stored === true) ||
        spec.kind === 'drop_primary_key' ||
        (spec.kind === 'modify_column' && retyped(spec.column.name, spec.column.type)) ||
        (spec.kind === 'change_column' && retyped(spec.from, spec.column.type)),
    );
    return copies ? tableRows(this.session, table) : 0;
  }

  /**
   * MariaDB's info for an ALTER TABLE (but one that only renames), CREATE INDEX and DROP
   * INDEX: the rows copied, no duplicates, the warnings.
   */
  private alterInfo(s: Statement, copied: number, warnings: number): string | undefined {
    const counted =
      s.kind === 'create_index' ||
      s.kind === 'drop_index' ||
      (s.kind === 'alter_table' && s.specs.some((spec) => spec.kind !== 'rename_table'));
    return counted ? `Records: ${copied}  Duplicates: 0  Warnings: ${warnings}` : undefined;
  }

  /**
   * CREATE TABLE … SELECT: a plain CREATE TABLE with the derived columns as TOI, then the
   * SELECT as an autocommit INSERT … SELECT (its rows replicate as a write-set). If the insert
   * fails the table is dropped again, so the statement leaves nothing, as in MariaDB.
   */
  private async createSelect(s: CreateTable): Promise<Outcome> {
    const engine = this.session.engine;
    const database = this.session.database;
    const db = s.table.db ?? database;
    const taken =
      db !== null &&
      (engine.catalog.table(db, s.table.name) !== undefined ||
        engine.catalog.view(db, s.table.name) !== undefined);
    if (taken && s.ifNotExists) {
      const note = {
        level: 'Note' as const,
        code: 1050,
        message: `Table '${s.table.name}' already exists`,
      };
      this.session.warnings = [note];
      return ok(0, { warnings: 1 });
    }
    const names = viewColumns(s.asQuery!, { catalog: engine.catalog, database });
    if (!names.ok) return fromSqlError(names.error);
    if (s.orReplace === true && taken) {
      const replaced = await this.replaceForSelect(s, db!);
      if (replaced !== null) return replaced;
    }
    const plain = tableOfSelect(s, names.value, engine.catalog, database);
    // Its SHOW CREATE text travels, charset and collation spelled out: every node builds it alike.
    const plan = emitDdl(plain, {
      catalog: engine.catalog,
      database,
      temporalDefault,
      ddlRules: DDL_RULES_NEWEST,
    });
    if (!plan.ok) return fromSqlError(plan.error);
    const put = plan.value.changes.find((c) => c.kind === 'put_table');
    if (put === undefined || put.kind !== 'put_table') return ok(0);
    const table = put.table;
    const name = `${backquote(table.db)}.${backquote(table.name)}`;
    const text = showCreateTable(table).replace(
      /^CREATE TABLE `(?:[^`]|``)*`/,
      `CREATE TABLE ${name}`,
    );
    const created = await this.runToi(text, this.toiKeys(s));
    if (isError(created)) return created;
    const verb =
      s.duplicates === 'REPLACE'
        ? 'REPLACE'
        : s.duplicates === 'IGNORE'
          ? 'INSERT IGNORE'
          : 'INSERT';
    const columns = names.value.map(backquote).join(', ');
    const insert = engine.cache.prepare(
      `${verb} INTO ${name} (${columns}) ${s.asQueryText ?? ''}`,
      this.session.parseModes,
    );
    const inserted =
      insert.ok && isDml(insert.value.statement)
        ? await this.session.dml.run(insert.value, insert.value.statement, [])
        : insert.ok
          ? ok(0)
          : fromSqlError(insert.error);
    const done = isError(inserted) ? inserted : await this.session.commitTx();
    if (isError(done)) {
      await this.session.rollbackTx();
      await this.runToi(`DROP TABLE ${name}`, this.toiKeys(s));
      return done;
    }
    return inserted;
  }

  /**
   * CREATE OR REPLACE TABLE t … SELECT: the query must read no `t` (1093) and must run (its
   * names resolve) before `t` goes, as in MariaDB, where such errors leave the old table; then
   * `t` is dropped, as its own DDL. As in MariaDB 10.11, an error of the copy after that (a
   * duplicate key) leaves no table. Null when the create may go on.
   */
  private async replaceForSelect(s: CreateTable, db: string): Promise<ErrorResult | null> {
    const target = s.table.name.toLowerCase();
    if (readsTable(s.asQuery, db, target, this.session.database))
      return mysqlError(
        1093,
        'HY000',
        `Table '${s.table.name}' is specified twice, both as a target for 'CREATE' and as a separate source for data`,
      );
    const probe = this.session.engine.cache.prepare(
      `SELECT * FROM (${s.asQueryText ?? ''}) AS \`~probe\` LIMIT 0`,
      this.session.parseModes,
    );
    if (!probe.ok) return fromSqlError(probe.error);
    if (isDml(probe.value.statement)) {
      const ran = await this.session.dml.run(probe.value, probe.value.statement, []);
      if (isError(ran)) return ran;
    }
    const name = `${backquote(db)}.${backquote(s.table.name)}`;
    const dropped = await this.runToi(`DROP TABLE IF EXISTS ${name}`, this.toiKeys(s));
    return isError(dropped) ? dropped : null;
  }

  private currentText(): string {
    return this.session.current?.sql ?? '';
  }

  /** Replicates a TOI write-set of one statement and waits for it to be applied. */
  async runToi(sql: string, keys: CertificationKey[]): Promise<OkResult | ErrorResult> {
    const writeSet: WriteSet = {
      originNodeId: this.session.engine.nodeId,
      originTransactionId: this.session.engine.nextToiId(),
      seqnoSnapshot: this.session.engine.store.appliedSeqno(),
      flags: { commit: true, rollback: false, toi: true, paUnsafe: true },
      keys,
      rows: [],
      statements: [{ database: this.session.database ?? '', sql }],
    } as WriteSet;
    return commitResult(await this.session.engine.replicator.replicate(writeSet));
  }

  private toiKeys(s: Statement): CertificationKey[] {
    const key = (database: string, table: string): CertificationKey => ({
      database,
      table,
      keyBytes: new Uint8Array(0),
      exclusive: true,
    });
    const db = (name: string | null): string => name ?? this.session.database ?? '';
    switch (s.kind) {
      case 'create_database':
      case 'drop_database':
        return [key(s.name, '')];
      case 'alter_database':
        return [key(db(s.name), '')];
      case 'create_table':
      case 'create_table_like':
      case 'alter_table':
      case 'truncate':
      case 'create_index':
      case 'drop_index':
        return [key(db(s.table.db), s.table.name)];
      case 'drop_table':
        return s.tables.map((t) => key(db(t.db), t.name));
      case 'create_view':
        return [key(db(s.view.db), s.view.name)];
      case 'drop_view':
        return s.views.map((t) => key(db(t.db), t.name));
      case 'create_trigger':
        return [key(db(s.table.db), s.table.name)];
      case 'drop_trigger':
        return [key(db(s.name.db), '')];
      case 'rename_table':
        return s.pairs.flatMap((p) => [
          key(db(p.from.db), p.from.name),
          key(db(p.to.db), p.to.name),
        ]);
      default:
        return [key('mysql', 'user')];
    }
  }

  /**
   * CREATE TABLE of one of `mysql`'s log tables (virtual-tables.ts), which exist already: a
   * restored dump's `CREATE TABLE IF NOT EXISTS` is a Note, as in MariaDB; anything else 1050.
   */
  private logTableCreated(s: Statement): Outcome | null {
    if (s.kind !== 'create_table' || s.temporary || s.orReplace === true) return null;
    const db = s.table.db ?? this.session.database;
    if (db === null || logTable(db, s.table.name) === undefined) return null;
    const catalog = this.session.engine.catalog;
    if (
      catalog.table(db, s.table.name) !== undefined ||
      catalog.view(db, s.table.name) !== undefined
    )
      return null;
    const message = `Table '${s.table.name}' already exists`;
    if (!s.ifNotExists) return mysqlError(1050, '42S01', message);
    this.session.warnings = [{ level: 'Note', code: 1050, message }];
    return ok(0, { warnings: 1 });
  }

  private reservedTarget(s: Statement): string | null {
    const check = (name: string | null): string | null => {
      const n = (name ?? this.session.database ?? '').toLowerCase();
      return n === 'information_schema' || n === 'performance_schema'
        ? (name ?? this.session.database ?? '')
        : null;
    };
    switch (s.kind) {
      case 'alter_database':
        return check(s.name);
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
      case 'create_view':
        return check(s.view.db);
      case 'create_trigger':
        return check(s.table.db);
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
      const database = db ?? this.session.database;
      if (database === null) return null;
      if (hasPrivilege(this.session.account, privilege, database, table)) return null;
      return table === null
        ? databaseDenied(this.session.account, database)
        : tableDenied(privilege, this.session.info, database, table);
    };
    switch (s.kind) {
      case 'create_database':
        return need('CREATE', s.name, null);
      case 'alter_database':
        return need('ALTER', s.name, null);
      case 'drop_database':
        return need('DROP', s.name, null);
      case 'create_table':
      case 'create_table_like':
        return need('CREATE', s.table.db, s.table.name);
      case 'drop_table':
        return s.tables.map((t) => need('DROP', t.db, t.name)).find((x) => x !== null) ?? null;
      case 'create_view':
        return need('CREATE VIEW', s.view.db, s.view.name);
      case 'drop_view':
        return s.views.map((t) => need('DROP', t.db, t.name)).find((x) => x !== null) ?? null;
      case 'create_trigger':
        return need('TRIGGER', s.table.db, s.table.name);
      case 'drop_trigger':
        return need('TRIGGER', s.name.db, null);
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

  async runUserStatement(
    s: Extract<
      Statement,
      { kind: 'create_user' | 'alter_user' | 'drop_user' | 'grant' | 'revoke' }
    >,
  ): Promise<Outcome> {
    const grantOnly = s.kind === 'grant' || s.kind === 'revoke';
    const allowed = grantOnly
      ? hasPrivilege(this.session.account, 'CREATE USER', null, null) ||
        this.session.account.grants.some(
          (g) => g.grantOption && (g.db === null || g.db === (s.on.db ?? this.session.database)),
        )
      : hasPrivilege(this.session.account, 'CREATE USER', null, null);
    if (!allowed) return globalDenied(grantOnly ? 'GRANT OPTION' : 'CREATE USER');
    const committed = await this.session.commitTx();
    if (isError(committed)) return committed;
    return this.runToi(canonicalUserStatement(s, this.session.database), [
      { database: 'mysql', table: 'user', keyBytes: new Uint8Array(0), exclusive: true },
    ]);
  }
}

/**
 * CREATE OR REPLACE TABLE drops the table it replaces: what would refuse that DROP TABLE (a
 * foreign key of another table that references it) refuses it too, as in MariaDB.
 */
function replacedRefusal(
  s: Statement,
  refusal: (statement: Statement) => ErrorResult | null,
): ErrorResult | null {
  if ((s.kind !== 'create_table' && s.kind !== 'create_table_like') || s.orReplace !== true)
    return null;
  return refusal({ kind: 'drop_table', temporary: false, ifExists: true, tables: [s.table] });
}

/** Whether a query reads table `name` of `db` anywhere (FROM, joins, subqueries). */
function readsTable(query: unknown, db: string, name: string, current: string | null): boolean {
  if (Array.isArray(query)) return query.some((q) => readsTable(q, db, name, current));
  if (query === null || typeof query !== 'object' || Buffer.isBuffer(query)) return false;
  const record = query as Record<string, unknown>;
  if (record['kind'] === 'table' && typeof record['table'] === 'object') {
    const table = record['table'] as TableName;
    if (table.name.toLowerCase() === name && (table.db ?? current) === db) return true;
  }
  return Object.values(record).some((child) => readsTable(child, db, name, current));
}
