// CREATE TEMPORARY TABLE: a session's own tables, on a connection of its own (storage's
// PrivateConnection) in SQLite's TEMP schema. No other session sees them, they shadow a table
// of the same name, nothing of them is replicated, and they go when the session ends. A
// statement that names one runs there, in autocommit (docs/design/engine.md, "Temporary
// tables").
import { DDL_RULES_NEWEST } from '../codec/index.js';
import { temporalDefault } from './store-value.js';
import type { ErrorResult, OkResult, RowsResult, SqlValue } from '../mysql/index.js';
import {
  backquote,
  createTableSql,
  emitDml,
  isDml,
  renamed,
  tableFromCreate,
  unsupported,
  viewColumns,
  withPrefixKeys,
  type Catalog,
  type CreateTable,
  type CreateTableLike,
  type DmlStatement,
  type DropTable,
  type Prepared,
  type Statement,
  type TableDef,
  type TableName,
  type Truncate,
  type TriggerDef,
  type ViewDef,
} from '../sql/index.js';
import type { PrivateConnection } from '../storage/index.js';
import { bindAll, slotValues } from './bind.js';
import type { EngineCatalog } from './catalog.js';
import { tableOfSelect } from './create-select.js';
import {
  fromLocalError,
  fromSqlError,
  mysqlError,
  noDatabaseSelected,
  readOnlyTransaction,
  unknownDatabase,
} from './errors.js';
import { queryColumns } from './metadata.js';
import { ok, type Outcome } from './outcome.js';
import type { EngineSession } from './session.js';

const key = (db: string, name: string): string => `${db}\u0000${name.toLowerCase()}`;

/** The engine's catalog with this session's temporary tables in front. */
class WithTemporary implements Catalog {
  constructor(
    private readonly base: EngineCatalog,
    private readonly temporary: ReadonlyMap<string, TableDef>,
    private readonly stamp: number,
  ) {}
  get version(): number {
    // Never a version of the engine's catalog: translations of these are not shared.
    return -(this.stamp * 1_000_000 + this.base.version);
  }
  table(db: string, name: string): TableDef | undefined {
    return this.temporary.get(key(db, name)) ?? this.base.table(db, name);
  }
  tables(db: string): readonly TableDef[] {
    return this.base.tables(db);
  }
  databaseExists(db: string): boolean {
    return this.base.databaseExists(db);
  }

  databaseDefaults(
    db: string,
  ): { readonly charset: string; readonly collation: string } | undefined {
    return this.base.databaseDefaults(db);
  }
  view(db: string, name: string): ViewDef | undefined {
    return this.temporary.has(key(db, name)) ? undefined : this.base.view(db, name);
  }
  trigger(db: string, name: string): TriggerDef | undefined {
    return this.base.trigger(db, name);
  }
  triggers(db: string): readonly TriggerDef[] {
    return this.base.triggers(db);
  }
}

export class TemporaryTables {
  private connection: PrivateConnection | null = null;
  private readonly defs = new Map<string, TableDef>();
  private stamp = 0;

  constructor(private readonly session: EngineSession) {}

  /** Whether `s` is for this module: CREATE TEMPORARY, DROP TEMPORARY, or it names one. */
  handles(s: Statement): boolean {
    if ((s.kind === 'create_table' || s.kind === 'create_table_like') && s.temporary === true)
      return true;
    if (s.kind === 'drop_table') return s.temporary || s.tables.some((t) => this.find(t));
    if (s.kind === 'truncate') return this.find(s.table);
    if (this.defs.size === 0 || !isDml(s)) return false;
    return namesIn(s).some((t) => this.find(t));
  }

  async run(prepared: Prepared, s: Statement, params: readonly SqlValue[]): Promise<Outcome> {
    // CREATE, DROP and TRUNCATE of a temporary table are refused in a READ ONLY transaction (or
    // an autocommit statement of a READ ONLY session), as MariaDB's are; its rows may change.
    const ddl = s.kind === 'create_table' || s.kind === 'create_table_like';
    if ((ddl || s.kind === 'drop_table' || s.kind === 'truncate') && this.readOnly())
      return readOnlyTransaction();
    switch (s.kind) {
      case 'create_table':
      case 'create_table_like':
        return this.create(s);
      case 'drop_table':
        return this.drop(s);
      case 'truncate':
        return this.truncate(s);
      default:
        return isDml(s) ? this.runDml(prepared, s, params) : ok(0);
    }
  }

  private readOnly(): boolean {
    return this.session.tx?.readOnly ?? this.session.readOnlyDefault();
  }

  /** Closes the session's connection: its temporary tables go with it. */
  close(): void {
    this.connection?.close();
    this.connection = null;
    this.defs.clear();
  }

  /** Whether `t` names one of this session's temporary tables. */
  has(t: TableName): boolean {
    return this.find(t);
  }

  /** The definition of this session's temporary table `t` names, if any (SHOW, DESCRIBE). */
  definition(t: TableName): TableDef | undefined {
    const db = t.db ?? this.session.database;
    return db === null ? undefined : this.defs.get(key(db, t.name));
  }

  private find(t: TableName): boolean {
    const db = t.db ?? this.session.database;
    return db !== null && this.defs.has(key(db, t.name));
  }

  private catalog(): WithTemporary {
    return new WithTemporary(this.session.engine.catalog, this.defs, this.stamp);
  }

  private open(): PrivateConnection {
    this.connection ??= this.session.engine.store.openPrivate();
    return this.connection;
  }

  private create(s: CreateTable | CreateTableLike): Outcome {
    const db = s.table.db ?? this.session.database;
    if (db === null) return noDatabaseSelected();
    if (!this.session.engine.catalog.databaseExists(db)) return unknownDatabase(db);
    if (this.defs.has(key(db, s.table.name))) {
      const message = `Table '${s.table.name}' already exists`;
      if (!s.ifNotExists) return mysqlError(1050, '42S01', message);
      this.session.warnings = [{ level: 'Note', code: 1050, message }];
      return ok(0, { warnings: 1 });
    }
    const catalog = this.catalog();
    const database = this.session.database;
    let table: TableDef;
    if (s.kind === 'create_table_like') {
      const source = catalog.table(s.like.db ?? database ?? db, s.like.name);
      if (source === undefined)
        return mysqlError(1146, '42S02', `Table '${s.like.db ?? db}.${s.like.name}' doesn't exist`);
      table = renamed(source, db, s.table.name);
    } else if (s.asQuery !== null) {
      const names = viewColumns(s.asQuery, { catalog, database });
      if (!names.ok) return fromSqlError(names.error);
      table = tableFromCreate(
        db,
        tableOfSelect(s, names.value, catalog, database),
        catalog.databaseDefaults?.(db),
      );
    } else table = tableFromCreate(db, s, catalog.databaseDefaults?.(db));
    // SQLite keeps a TEMP table from referring to the main schema's tables. A temporary table
    // is this session's alone: its prefix keys are always built on the prefixes.
    table = {
      ...withPrefixKeys(table, s.kind !== 'create_table_like' ? DDL_RULES_NEWEST : undefined),
      foreignKeys: [],
    };
    const connection = this.open();
    const sqls = [
      ...createTableSql(table, { catalog, database, temporalDefault }).map(temporarySql),
      ...connection.rowOpTriggers(table.sqliteName),
    ];
    for (const sql of sqls) {
      const done = connection.execute(sql);
      if (!done.ok) {
        connection.execute(`DROP TABLE IF EXISTS temp."${table.sqliteName.replace(/"/g, '""')}"`);
        return fromLocalError(done.error);
      }
    }
    this.defs.set(key(db, table.name), table);
    this.stamp++;
    if (s.kind !== 'create_table' || s.asQuery === null) return ok(0);
    const columns = table.columns.map((c) => backquote(c.name)).join(', ');
    const name = `${backquote(db)}.${backquote(table.name)}`;
    const insert = this.session.engine.cache.prepare(
      `INSERT INTO ${name} (${columns}) ${s.asQueryText ?? ''}`,
      this.session.parseModes,
    );
    if (!insert.ok) return fromSqlError(insert.error);
    return isDml(insert.value.statement)
      ? this.runDml(insert.value, insert.value.statement, [])
      : ok(0);
  }

  /** TRUNCATE of a temporary table: its rows go and its AUTO_INCREMENT starts again. */
  private truncate(s: Truncate): Outcome {
    const table = this.definition(s.table)!;
    const name = table.sqliteName.replace(/"/g, '""');
    const connection = this.open();
    const emptied = connection.execute(`DELETE FROM temp."${name}"`);
    if (!emptied.ok) return fromLocalError(emptied.error);
    const reset = connection.execute(`DELETE FROM temp.sqlite_sequence WHERE name = ?`, [
      table.sqliteName,
    ]);
    if (
      !reset.ok &&
      !/no such table/.test(reset.error.kind === 'sqlite' ? reset.error.message : '')
    )
      return fromLocalError(reset.error);
    return ok(0);
  }

  private async drop(s: DropTable): Promise<Outcome> {
    const rest: TableName[] = [];
    const missing: string[] = [];
    for (const t of s.tables) {
      const db = t.db ?? this.session.database;
      const table = db === null ? undefined : this.defs.get(key(db, t.name));
      if (table === undefined) {
        if (s.temporary) missing.push(`${db ?? ''}.${t.name}`);
        else rest.push(t);
        continue;
      }
      const done = this.open().execute(`DROP TABLE temp."${table.sqliteName.replace(/"/g, '""')}"`);
      if (!done.ok) return fromLocalError(done.error);
      this.defs.delete(key(table.db, table.name));
      this.stamp++;
    }
    if (missing.length > 0) {
      const message = `Unknown table '${missing.join(',')}'`;
      if (!s.ifExists) return mysqlError(1051, '42S02', message);
      this.session.warnings = missing.map((m) => ({
        level: 'Note' as const,
        code: 1051,
        message: `Unknown table '${m}'`,
      }));
      return ok(0, { warnings: missing.length });
    }
    // DROP TABLE naming temporary and other tables drops both, as in MariaDB.
    if (rest.length > 0) return this.session.ddl.run({ ...s, tables: rest });
    return ok(0);
  }

  private runDml(
    prepared: Prepared,
    s: DmlStatement,
    params: readonly SqlValue[],
  ): OkResult | RowsResult | ErrorResult {
    const catalog = this.catalog();
    const database = this.session.database;
    const emitted = emitDml(
      s,
      { catalog, database, collation: this.session.collation },
      prepared.template.pinned,
    );
    if (!emitted.ok) return fromSqlError(emitted.error);
    const translation = emitted.value;
    // Its writes may go to this session's temporary tables only (this connection writes TEMP).
    const temporary = (t: TableDef): boolean => this.defs.get(key(t.db, t.name)) === t;
    if (translation.steps !== undefined && !(translation.targets ?? []).every(temporary))
      return fromSqlError(unsupported('multi-table UPDATE/DELETE with a temporary table'));
    const target = translation.target;
    if (target !== null && !temporary(target))
      return fromSqlError(
        unsupported('writing a replicated table in a statement that reads a temporary table'),
      );
    const slots = slotValues(prepared, params);
    if (s.kind !== 'select' && s.kind !== 'union')
      return this.session.dml.writeTemporary(this.open(), s, translation, slots, catalog);
    const binds = bindAll(translation, slots, this.session);
    const executed = this.open().execute(translation.sql, binds, this.session.stop);
    if (!executed.ok) return fromLocalError(executed.error);
    return this.session.rowsResult(queryColumns(s, catalog, database), executed.value);
  }
}

/** A CREATE TABLE/INDEX of the catalog's SQL, made in the TEMP schema. */
function temporarySql(sql: string): string {
  if (sql.startsWith('CREATE TABLE ')) return 'CREATE TEMP TABLE ' + sql.slice(13);
  const index = /^CREATE (UNIQUE )?INDEX /.exec(sql);
  if (index !== null) return `${index[0]}temp.${sql.slice(index[0].length)}`;
  // The AUTO_INCREMENT seed: the TEMP schema has its own sqlite_sequence.
  return sql.replace('INSERT INTO sqlite_sequence', 'INSERT INTO temp.sqlite_sequence');
}

/** Every table a statement names (FROM, JOIN, subqueries, INSERT/UPDATE/DELETE targets). */
function namesIn(node: unknown, out: TableName[] = []): TableName[] {
  if (Array.isArray(node)) {
    for (const n of node) namesIn(n, out);
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const o = node as Record<string, unknown>;
  if (o['kind'] === 'table' && typeof o['table'] === 'object' && o['table'] !== null)
    out.push(o['table'] as TableName);
  if (o['kind'] === 'insert') out.push(o['table'] as TableName);
  for (const v of Object.values(o)) namesIn(v, out);
  return out;
}
