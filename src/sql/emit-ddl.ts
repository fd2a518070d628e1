// DDL → SQLite statements plus catalog changes, applied together by the store in one
// transaction (DDL is replicated as a statement and run in total order on every node).
import type { AlterSpec, Statement, TableName } from './ast.js';
import {
  referencesTo,
  type Catalog,
  type TableDef,
  type TriggerDef,
  type ViewDef,
} from './catalog.js';
import {
  type Result,
  SqlFailure,
  fail,
  noDatabase,
  noSuchTable,
  ok,
  semantic,
  unsupported,
} from './errors.js';
import { emitAlterTable, rebuildTableSql } from './emit-alter.js';
import {
  createIndexSql,
  createTableSql,
  ddlRulesAtLeast,
  prefixKeyParts,
  renameSql,
  renamed,
  withPrefixKeys,
  type CatalogChange,
  type DdlOptions,
  type DdlPlan,
  type Note,
} from './emit-table.js';
import { quoteId, quoteString } from './names.js';
import { finishTable, nameIndexes, resolveOptions, tableFromCreate } from './table-def.js';
import {
  createTriggerText,
  dropTriggerSql,
  emitCreateTrigger,
  emitCreateView,
  emitDropTrigger,
  emitDropView,
  plannedTrigger,
} from './emit-objects.js';
import { parse } from './parser.js';

export type { CatalogChange, DdlOptions, DdlPlan, Note };
export {
  checkViolationSql,
  createIndexSql,
  createTableSql,
  indexPartSql,
  partCollation,
  prefixInBytes,
  isNumericType,
  withPrefixKeys,
  renameSql,
  renamed,
  sqliteType,
} from './emit-table.js';

class DdlContext {
  constructor(readonly options: DdlOptions) {}

  db(name: string | null): string {
    const db = name ?? this.options.database;
    if (db === null) throw new SqlFailure(noDatabase());
    return db;
  }

  existing(db: string, name: string): TableDef {
    const table = this.options.catalog.table(db, name);
    if (!table) {
      if (this.options.catalog.view?.(db, name) !== undefined)
        throw new SqlFailure(
          semantic(1347, 'HY000', `'${db}.${name}' is not of type 'BASE TABLE'`),
        );
      throw new SqlFailure(noSuchTable(db, name));
    }
    return table;
  }

  /** A table or a view of that name exists (they share one name space). */
  taken(db: string, name: string): boolean {
    return (
      this.options.catalog.table(db, name) !== undefined ||
      this.options.catalog.view?.(db, name) !== undefined
    );
  }

  requireDatabase(db: string): void {
    if (!this.options.catalog.databaseExists(db))
      throw new SqlFailure(semantic(1049, '42000', `Unknown database '${db}'`));
  }
}

const plan = (statements: string[], changes: CatalogChange[], notes: Note[] = []): DdlPlan => ({
  statements,
  changes,
  notes,
});

function emitCreateTable(ctx: DdlContext, s: Statement & { kind: 'create_table' }): DdlPlan {
  const db = ctx.db(s.table.db);
  ctx.requireDatabase(db);
  if (s.temporary)
    throw new SqlFailure(
      semantic(
        1235,
        '42000',
        "This version of MariaDB doesn't yet support 'CREATE TEMPORARY TABLE'",
      ),
    );
  if (s.asQuery !== null)
    throw new SqlFailure(
      semantic(
        1235,
        '42000',
        "This version of MariaDB doesn't yet support 'CREATE TABLE … SELECT'",
      ),
    );
  const replaced = replacedTable(ctx, db, s);
  if (replaced === null && ctx.taken(db, s.table.name)) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1050, message: `Table '${s.table.name}' already exists` }]);
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.table.name}' already exists`));
  }
  const defaults = ddlRulesAtLeast(ctx.options, 5)
    ? ctx.options.catalog.databaseDefaults?.(db)
    : undefined;
  const table = withPrefixKeys(tableFromCreate(db, s, defaults), ctx.options.ddlRules);
  return afterDrop(
    replaced,
    plan(createTableSql(table, ctx.options), [{ kind: 'put_table', table }]),
  );
}

/**
 * CREATE OR REPLACE TABLE: the drop of the table it replaces (its triggers with it), or null
 * when there is none (or no OR REPLACE). Both run in the one DDL, on every node alike.
 */
function replacedTable(
  ctx: DdlContext,
  db: string,
  s: { readonly orReplace?: boolean; readonly table: TableName },
): DdlPlan | null {
  if (s.orReplace !== true || ctx.options.catalog.table(db, s.table.name) === undefined)
    return null;
  return emitDropTable(ctx, {
    kind: 'drop_table',
    temporary: false,
    ifExists: false,
    tables: [{ db, name: s.table.name }],
  });
}

function afterDrop(drop: DdlPlan | null, create: DdlPlan): DdlPlan {
  if (drop === null) return create;
  return plan(
    [...drop.statements, ...create.statements],
    [...drop.changes, ...create.changes],
    [...drop.notes, ...create.notes],
  );
}

function emitCreateLike(ctx: DdlContext, s: Statement & { kind: 'create_table_like' }): DdlPlan {
  const db = ctx.db(s.table.db);
  const source = ctx.existing(ctx.db(s.like.db), s.like.name);
  const replaced = replacedTable(ctx, db, s);
  if (replaced === null && ctx.taken(db, s.table.name)) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1050, message: `Table '${s.table.name}' already exists` }]);
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.table.name}' already exists`));
  }
  // The copy starts its AUTO_INCREMENT over, as MariaDB's does (the source's AUTO_INCREMENT = N
  // is not copied).
  const copied = renamed(source, db, s.table.name);
  const table = { ...copied, options: { ...copied.options, autoIncrement: null } };
  return afterDrop(
    replaced,
    plan(createTableSql(table, ctx.options), [{ kind: 'put_table', table }]),
  );
}

function emitDropTable(ctx: DdlContext, s: Statement & { kind: 'drop_table' }): DdlPlan {
  const statements: string[] = [];
  const changes: CatalogChange[] = [];
  const notes: Note[] = [];
  const missing: string[] = [];
  for (const t of s.tables) {
    const db = ctx.db(t.db);
    const table = ctx.options.catalog.table(db, t.name);
    if (!table) {
      if (ctx.options.catalog.view?.(db, t.name) !== undefined)
        throw new SqlFailure(semantic(1965, '42S02', `'${db}.${t.name}' is a view`));
      missing.push(`${db}.${t.name}`);
      continue;
    }
    statements.push(`DROP TABLE ${quoteId(table.sqliteName)}`);
    changes.push({ kind: 'drop_table', db, name: table.name });
    // SQLite drops the table's triggers with it.
    for (const trigger of triggersOf(ctx, table))
      changes.push({ kind: 'drop_trigger', db, name: trigger.name });
  }
  if (missing.length > 0 && !s.ifExists)
    throw new SqlFailure(semantic(1051, '42S02', `Unknown table '${missing.join(',')}'`));
  for (const m of missing) notes.push({ code: 1051, message: `Unknown table '${m}'` });
  return plan(statements, changes, notes);
}

function emitRenameTable(ctx: DdlContext, s: Statement & { kind: 'rename_table' }): DdlPlan {
  const statements: string[] = [];
  const changes: CatalogChange[] = [];
  for (const pair of s.pairs) {
    const source = ctx.existing(ctx.db(pair.from.db), pair.from.name);
    const db = ctx.db(pair.to.db);
    if (ctx.taken(db, pair.to.name))
      throw new SqlFailure(semantic(1050, '42S01', `Table '${pair.to.name}' already exists`));
    const target = renamed(source, db, pair.to.name);
    statements.push(...renameSql(source, target));
    changes.push(
      { kind: 'drop_table', db: source.db, name: source.name },
      { kind: 'put_table', table: target },
    );
  }
  return plan(statements, changes);
}

function emitTruncate(ctx: DdlContext, s: Statement & { kind: 'truncate' }): DdlPlan {
  const table = ctx.existing(ctx.db(s.table.db), s.table.name);
  const statements = [`DELETE FROM ${quoteId(table.sqliteName)}`];
  if (table.autoIncrementIsRowid)
    statements.push(`DELETE FROM sqlite_sequence WHERE name = ${quoteString(table.sqliteName)}`);
  // The counter starts again at 1, as MariaDB's does: a table made with AUTO_INCREMENT = 100
  // loses that start too (it restarted at 100 here).
  if (table.options.autoIncrement === null) return plan(statements, []);
  const reset = { ...table, options: { ...table.options, autoIncrement: null } };
  return plan(statements, [{ kind: 'put_table', table: reset }]);
}

function emitCreateIndex(ctx: DdlContext, s: Statement & { kind: 'create_index' }): DdlPlan {
  const table = ctx.existing(ctx.db(s.table.db), s.table.name);
  if (table.indexes.some((i) => i.name.toLowerCase() === s.name.toLowerCase())) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1061, message: `Duplicate key name '${s.name}'` }]);
    throw new SqlFailure(semantic(1061, '42000', `Duplicate key name '${s.name}'`));
  }
  const kind =
    s.variant === 'UNIQUE'
      ? 'unique'
      : s.variant === 'KEY'
        ? 'index'
        : (s.variant.toLowerCase() as 'fulltext');
  const others = table.indexes
    .filter((i) => i.kind !== 'primary')
    .map((i) => ({ name: i.name, kind: i.kind, columns: [...i.columns] }));
  const primary = table.indexes.find((i) => i.kind === 'primary');
  const indexes = nameIndexes(table.db, table.name, {
    primary: primary ? [...primary.columns] : null,
    indexes: [
      ...others,
      {
        name: s.name,
        kind,
        columns: prefixKeyParts(kind, s.columns, table.columns, ctx.options.ddlRules),
      },
    ],
  });
  const next = finishTable({ ...table, indexes });
  const index = indexes.find((i) => i.name === s.name)!;
  return plan([createIndexSql(next, index)], [{ kind: 'put_table', table: next }]);
}

function emitDropIndex(ctx: DdlContext, s: Statement & { kind: 'drop_index' }): DdlPlan {
  const table = ctx.existing(ctx.db(s.table.db), s.table.name);
  const spec: AlterSpec =
    s.name === 'PRIMARY'
      ? { kind: 'drop_primary_key' }
      : { kind: 'drop_index', name: s.name, ifExists: s.ifExists };
  return emitAlterTable(table, [spec], ctx.options);
}

function emitCreateDatabase(ctx: DdlContext, s: Statement & { kind: 'create_database' }): DdlPlan {
  if (ctx.options.catalog.databaseExists(s.name)) {
    if (s.ifNotExists)
      return plan(
        [],
        [],
        [{ code: 1007, message: `Can't create database '${s.name}'; database exists` }],
      );
    throw new SqlFailure(
      semantic(1007, 'HY000', `Can't create database '${s.name}'; database exists`),
    );
  }
  return plan([], [databaseChange(s.name, s)]);
}

/** The catalog entry of a database of these options (charset, collation resolved). */
function databaseChange(
  name: string,
  s: { readonly charset: string | null; readonly collation: string | null },
): CatalogChange {
  const options = resolveOptions({
    engine: null,
    charset: s.charset,
    collation: s.collation,
    autoIncrement: null,
    comment: null,
    other: [],
  });
  return { kind: 'create_database', name, charset: options.charset, collation: options.collation };
}

/**
 * ALTER DATABASE: new defaults for the tables made there later (MariaDB changes no existing
 * table). Under DDL rules 5 and up only: a node of an earlier release refuses it, so
 * every node must plan it alike.
 */
function emitAlterDatabase(ctx: DdlContext, s: Statement & { kind: 'alter_database' }): DdlPlan {
  if (!ddlRulesAtLeast(ctx.options, 5)) throw new SqlFailure(unsupported('ALTER DATABASE'));
  const name = s.name ?? ctx.options.database;
  if (name === null) throw new SqlFailure(noDatabase());
  if (!ctx.options.catalog.databaseExists(name))
    throw new SqlFailure(semantic(1049, '42000', `Unknown database '${name}'`));
  return plan([], [databaseChange(name, s)]);
}

function emitDropDatabase(ctx: DdlContext, s: Statement & { kind: 'drop_database' }): DdlPlan {
  if (!ctx.options.catalog.databaseExists(s.name)) {
    if (s.ifExists)
      return plan(
        [],
        [],
        [{ code: 1008, message: `Can't drop database '${s.name}'; database doesn't exist` }],
      );
    throw new SqlFailure(
      semantic(1008, 'HY000', `Can't drop database '${s.name}'; database doesn't exist`),
    );
  }
  const tables = ctx.options.catalog.tables(s.name);
  return plan(
    tables.map((t) => `DROP TABLE ${quoteId(t.sqliteName)}`),
    [{ kind: 'drop_database', name: s.name }],
  );
}

function triggersOf(ctx: DdlContext, table: TableDef): TriggerDef[] {
  return (ctx.options.catalog.triggers?.(table.db) ?? []).filter(
    (t) => t.table.toLowerCase() === table.name.toLowerCase(),
  );
}

/**
 * A rebuilt or renamed table loses its SQLite triggers (DROP TABLE drops them): they are made
 * again on the table the plan leaves, from their text.
 */
function keepTriggers(ctx: DdlContext, source: TableDef, result: DdlPlan): DdlPlan {
  const triggers = triggersOf(ctx, source);
  if (triggers.length === 0) return result;
  const put = result.changes.filter((c) => c.kind === 'put_table').at(-1);
  if (put === undefined || put.kind !== 'put_table') return result;
  const target = put.table;
  if (target.db !== source.db)
    throw new SqlFailure(semantic(1435, 'HY000', 'Trigger in wrong schema'));
  const statements = [...result.statements];
  const changes = [...result.changes];
  for (const trigger of triggers) {
    const moved: TriggerDef = { ...trigger, table: target.name };
    const parsed = parse(createTriggerText(moved));
    if (!parsed.ok) throw new SqlFailure(parsed.error);
    const statement = parsed.value.statement;
    if (statement.kind !== 'create_trigger') continue;
    // A waiting trigger stays one (whatever its body meets); a working one must still plan.
    const planned = plannedTrigger(
      moved,
      target,
      statement.body,
      ctx.options,
      () => trigger.waiting !== undefined,
    );
    statements.push(...dropTriggerSql(trigger), ...planned.statements);
    changes.push({ kind: 'put_trigger', trigger: planned.trigger });
  }
  return plan(statements, changes, [...result.notes]);
}

/**
 * DDL rules 6: a column renamed (RENAME COLUMN, CHANGE) that other tables' foreign keys refer to
 * is renamed in them, and they are rebuilt so that SQLite's keys name it (they named the old
 * column: every write to either table was then 1105, "foreign key mismatch").
 */
function renameInChildren(
  ctx: DdlContext,
  table: TableDef,
  specs: readonly AlterSpec[],
  result: DdlPlan,
): DdlPlan {
  if (!ddlRulesAtLeast(ctx.options, 6)) return result;
  const renames = new Map<string, string>();
  for (const spec of specs) {
    const pair =
      spec.kind === 'rename_column'
        ? [spec.from, spec.to]
        : spec.kind === 'change_column'
          ? [spec.from, spec.column.name]
          : null;
    if (pair !== null && pair[0]!.toLowerCase() !== pair[1]!.toLowerCase())
      renames.set(pair[0]!.toLowerCase(), pair[1]!);
  }
  if (renames.size === 0) return result;
  const put = result.changes.filter((c) => c.kind === 'put_table').at(-1);
  if (put === undefined || put.kind !== 'put_table') return result;
  const parent = put.table;
  const catalog = new PlannedCatalog(ctx.options.catalog, result.changes);
  let out = result;
  const children = new Map<string, TableDef>();
  for (const { child } of referencesTo(ctx.options.catalog, table))
    if (child.sqliteName !== table.sqliteName) children.set(child.sqliteName, child);
  for (const child of children.values()) {
    const renamed: TableDef = {
      ...child,
      foreignKeys: child.foreignKeys.map((fk) =>
        (fk.refTable.db ?? child.db) === table.db &&
        fk.refTable.name.toLowerCase() === table.name.toLowerCase()
          ? {
              ...fk,
              refTable: { db: parent.db, name: parent.name },
              refColumns: fk.refColumns.map((c) => renames.get(c.toLowerCase()) ?? c),
            }
          : fk,
      ),
    };
    out = withRebuilt(ctx, out, child, renamed, { ...ctx.options, catalog });
  }
  return out;
}

/**
 * `out` followed by the rebuild of `child` as `table` (its SQLite table made again under
 * `options`, its rows copied, its triggers made again).
 */
function withRebuilt(
  ctx: DdlContext,
  out: DdlPlan,
  child: TableDef,
  table: TableDef,
  options: DdlOptions,
): DdlPlan {
  const kept = keepTriggers(
    ctx,
    child,
    plan(rebuildTableSql(table, options), [{ kind: 'put_table', table }], []),
  );
  return plan(
    [...out.statements, ...kept.statements],
    [...out.changes, ...kept.changes],
    [...out.notes],
  );
}

/**
 * DDL rules 6: the tables whose FOREIGN KEY names a table `result` makes (made before it with
 * FOREIGN_KEY_CHECKS = 0, as mariadb-dump makes tables in name order) are rebuilt with the key,
 * which SQLite could not take while the parent did not exist (createTableSql leaves it out): it
 * was kept in the catalog only and never enforced, so a dump's reload took orphans and ran no
 * ON DELETE CASCADE. Their rows are copied as they are (orphans stay, as in MariaDB).
 */
function linkChildren(ctx: DdlContext, result: DdlPlan): DdlPlan {
  if (!ddlRulesAtLeast(ctx.options, 6)) return result;
  const made = result.changes.flatMap((c) =>
    c.kind === 'put_table' && ctx.options.catalog.table(c.table.db, c.table.name) === undefined
      ? [c.table]
      : [],
  );
  if (made.length === 0) return result;
  const catalog = new PlannedCatalog(ctx.options.catalog, result.changes);
  const options = { ...ctx.options, catalog };
  let out = result;
  const rebuilt = new Set<string>();
  for (const parent of made)
    for (const { child } of referencesTo(catalog, parent)) {
      const name = catalogKey(child.db, child.name);
      if (made.includes(child) || rebuilt.has(name)) continue;
      rebuilt.add(name);
      out = withRebuilt(ctx, out, child, child, options);
    }
  return out;
}

/**
 * The triggers of each database where `result` makes, changes or drops a table or a view, planned
 * again on the catalog as `result` leaves it, as MariaDB resolves a trigger's names each time it
 * fires: a waiting one (TriggerDef.waiting) whose tables all exist now becomes a working trigger;
 * a working one that no longer plans (a table it names was dropped, or lost a column) waits with
 * that error; the rest stay as they are. In the same DDL, so on every node alike.
 */
function replanTriggers(ctx: DdlContext, result: DdlPlan): DdlPlan {
  const databases = new Set<string>();
  const putTriggers = new Set<string>();
  for (const change of result.changes) {
    if (change.kind === 'put_table') databases.add(change.table.db);
    else if (change.kind === 'put_view') databases.add(change.view.db);
    else if (change.kind === 'drop_table' || change.kind === 'drop_view') databases.add(change.db);
    else if (change.kind === 'put_trigger')
      putTriggers.add(catalogKey(change.trigger.db, change.trigger.name));
  }
  if (databases.size === 0) return result;
  const catalog = new PlannedCatalog(ctx.options.catalog, result.changes);
  const options = { ...ctx.options, catalog };
  const statements = [...result.statements];
  const changes = [...result.changes];
  for (const db of databases)
    for (const trigger of catalog.triggers(db)) {
      const table = catalog.table(db, trigger.table);
      if (table === undefined || putTriggers.has(catalogKey(db, trigger.name))) continue;
      const parsed = parse(createTriggerText(trigger));
      if (!parsed.ok || parsed.value.statement.kind !== 'create_trigger') continue;
      const body = parsed.value.statement.body;
      const planned = plannedTrigger(trigger, table, body, options, () => true);
      const unchanged =
        planned.trigger.waiting === undefined
          ? trigger.waiting === undefined
          : planned.trigger.waiting.message === trigger.waiting?.message;
      if (unchanged) continue;
      statements.push(...dropTriggerSql(trigger), ...planned.statements);
      changes.push({ kind: 'put_trigger', trigger: planned.trigger });
    }
  return plan(statements, changes, [...result.notes]);
}

/** The catalog as a plan's changes leave it (tables, views and triggers), for replanTriggers. */
class PlannedCatalog implements Catalog {
  readonly version: number;
  private readonly tablesPut = new Map<string, TableDef | null>();
  private readonly viewsPut = new Map<string, ViewDef | null>();
  private readonly triggersPut = new Map<string, TriggerDef | null>();

  constructor(
    private readonly base: Catalog,
    changes: readonly CatalogChange[],
  ) {
    this.version = base.version;
    for (const c of changes) {
      if (c.kind === 'put_table') this.tablesPut.set(catalogKey(c.table.db, c.table.name), c.table);
      else if (c.kind === 'drop_table') this.tablesPut.set(catalogKey(c.db, c.name), null);
      else if (c.kind === 'put_view') this.viewsPut.set(catalogKey(c.view.db, c.view.name), c.view);
      else if (c.kind === 'drop_view') this.viewsPut.set(catalogKey(c.db, c.name), null);
      else if (c.kind === 'put_trigger')
        this.triggersPut.set(catalogKey(c.trigger.db, c.trigger.name), c.trigger);
      else if (c.kind === 'drop_trigger') this.triggersPut.set(catalogKey(c.db, c.name), null);
    }
  }

  table(db: string, name: string): TableDef | undefined {
    const put = this.tablesPut.get(catalogKey(db, name));
    return put === undefined ? this.base.table(db, name) : (put ?? undefined);
  }

  tables(db: string): readonly TableDef[] {
    return merged(this.base.tables(db), this.tablesPut, db, (t) => t.name);
  }

  databaseExists(db: string): boolean {
    return this.base.databaseExists(db);
  }

  view(db: string, name: string): ViewDef | undefined {
    const put = this.viewsPut.get(catalogKey(db, name));
    return put === undefined ? this.base.view?.(db, name) : (put ?? undefined);
  }

  views(db: string): readonly ViewDef[] {
    return merged(this.base.views?.(db) ?? [], this.viewsPut, db, (v) => v.name);
  }

  trigger(db: string, name: string): TriggerDef | undefined {
    const put = this.triggersPut.get(catalogKey(db, name));
    return put === undefined ? this.base.trigger?.(db, name) : (put ?? undefined);
  }

  triggers(db: string): readonly TriggerDef[] {
    return merged(this.base.triggers?.(db) ?? [], this.triggersPut, db, (t) => t.name);
  }
}

/** A table's, view's or trigger's key in PlannedCatalog: its database and lower-case name. */
function catalogKey(db: string, name: string): string {
  return `${db}\u0000${name.toLowerCase()}`;
}

/** `base` with the put and dropped entries of `db` in `put` (keyed by catalogKey). */
function merged<T extends { readonly db: string }>(
  base: readonly T[],
  put: ReadonlyMap<string, T | null>,
  db: string,
  name: (item: T) => string,
): T[] {
  const out = base.filter((item) => !put.has(catalogKey(item.db, name(item))));
  for (const item of put.values()) if (item !== null && item.db === db) out.push(item);
  return out;
}

export const DDL_KINDS: ReadonlySet<string> = new Set([
  'create_view',
  'drop_view',
  'create_trigger',
  'drop_trigger',
  'create_table',
  'create_table_like',
  'drop_table',
  'rename_table',
  'truncate',
  'create_index',
  'drop_index',
  'alter_table',
  'create_database',
  'alter_database',
  'drop_database',
]);

function definerOf(options: DdlOptions): { user: string; host: string } {
  return options.definer ?? { user: 'root', host: 'localhost' };
}

/** Plans one DDL statement against the catalog. */
export function emitDdl(statement: Statement, options: DdlOptions): Result<DdlPlan> {
  const ctx = new DdlContext(options);
  try {
    switch (statement.kind) {
      case 'create_table':
        return ok(replanTriggers(ctx, linkChildren(ctx, emitCreateTable(ctx, statement))));
      case 'create_table_like':
        return ok(replanTriggers(ctx, linkChildren(ctx, emitCreateLike(ctx, statement))));
      case 'drop_table':
        return ok(replanTriggers(ctx, emitDropTable(ctx, statement)));
      case 'rename_table': {
        let result = emitRenameTable(ctx, statement);
        for (const pair of statement.pairs) {
          const source = ctx.existing(ctx.db(pair.from.db), pair.from.name);
          result = keepTriggers(ctx, source, result);
        }
        return ok(replanTriggers(ctx, linkChildren(ctx, result)));
      }
      case 'create_view':
        return ok(
          replanTriggers(
            ctx,
            emitCreateView(statement, { ...options, definer: definerOf(options) }),
          ),
        );
      case 'drop_view':
        return ok(replanTriggers(ctx, emitDropView(statement, options)));
      case 'create_trigger':
        return ok(emitCreateTrigger(statement, { ...options, definer: definerOf(options) }));
      case 'drop_trigger':
        return ok(emitDropTrigger(statement, options));
      case 'truncate':
        return ok(emitTruncate(ctx, statement));
      case 'create_index':
        return ok(emitCreateIndex(ctx, statement));
      case 'drop_index':
        return ok(emitDropIndex(ctx, statement));
      case 'alter_table': {
        const table = ctx.existing(ctx.db(statement.table.db), statement.table.name);
        return ok(
          replanTriggers(
            ctx,
            renameInChildren(
              ctx,
              table,
              statement.specs,
              keepTriggers(ctx, table, emitAlterTable(table, statement.specs, options)),
            ),
          ),
        );
      }
      case 'create_database':
        return ok(emitCreateDatabase(ctx, statement));
      case 'alter_database':
        return ok(emitAlterDatabase(ctx, statement));
      case 'drop_database':
        return ok(emitDropDatabase(ctx, statement));
      default:
        return fail(semantic(1295, 'HY000', 'This command is not DDL'));
    }
  } catch (error) {
    if (error instanceof SqlFailure) return fail(error.error);
    throw error;
  }
}
