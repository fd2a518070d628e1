// Views and triggers → catalog changes (and, for triggers, SQLite triggers). A view has no
// SQLite object: it is inlined where it is named. A trigger is a SQLite trigger whose WHEN
// calls `_trireme_fires()`, true only on the connection that runs client statements, so
// replicas applying row images never fire it (docs/design/sql.md, "Triggers").
import type {
  ColumnRef,
  CreateTrigger,
  CreateView,
  DropTrigger,
  DropView,
  Expr,
  Query,
  Select,
  TriggerStatement,
} from './ast.js';
import { hasDefaultOf } from './ast.js';
import { hasAggregate } from './view-dml.js';
import type { TableDef, TriggerDef, ViewDef } from './catalog.js';
import { type DmlStatement, emitDml, viewColumns } from './emit-dml.js';
import {
  ddlRulesAtLeast,
  type CatalogChange,
  type DdlOptions,
  type DdlPlan,
  type Note,
} from './emit-table.js';
import { type SqlError, SqlFailure, noSuchTable, semantic, unsupported } from './errors.js';
import { backquote, quoteId, quoteString, sqliteIndexName } from './names.js';

/** The SQLite function a trigger's WHEN calls (storage registers it per connection). */
export const TRIGGER_GUARD = '_trireme_fires';
/** Turns the guard off while a trigger writes NEW's assigned columns back (SET NEW.c = …). */
export const TRIGGER_SUSPEND = '_trireme_suspend';
/**
 * A waiting trigger's SQLite body raises this prefix and a JSON `WaitingRaise`, which the engine
 * answers as that MySQL error (TriggerDef.waiting).
 */
export const TRIGGER_WAITING_PREFIX = 'trireme waiting trigger: ';

/** What a waiting trigger raises: its error, and where MariaDB says it was met (Note 4094). */
export interface WaitingRaise {
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
  /** `At line 1 in db.name` for a body of one line, where the line is certain; else null. */
  readonly at: string | null;
}

interface Definer {
  readonly user: string;
  readonly host: string;
}

export interface ObjectOptions extends DdlOptions {
  /** The account CURRENT_USER stands for, as DEFINER. */
  readonly definer: Definer;
}

const plan = (statements: string[], changes: CatalogChange[], notes: Note[] = []): DdlPlan => ({
  statements,
  changes,
  notes,
});

function database(options: DdlOptions, name: string | null): string {
  const db = name ?? options.database;
  if (db === null) throw new SqlFailure(semantic(1046, '3D000', 'No database selected'));
  if (!options.catalog.databaseExists(db))
    throw new SqlFailure(semantic(1049, '42000', `Unknown database '${db}'`));
  return db;
}

export function emitCreateView(s: CreateView, options: ObjectOptions): DdlPlan {
  const db = database(options, s.view.db);
  const catalog = options.catalog;
  const existing = catalog.view?.(db, s.view.name);
  if (catalog.table(db, s.view.name) !== undefined) {
    if (s.orReplace || s.alter)
      throw new SqlFailure(semantic(1347, 'HY000', `'${db}.${s.view.name}' is not of type 'VIEW'`));
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.view.name}' already exists`));
  }
  if (existing === undefined && s.alter) throw new SqlFailure(noSuchTable(db, s.view.name));
  if (existing !== undefined && !s.alter && !s.orReplace) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1050, message: `Table '${s.view.name}' already exists` }]);
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.view.name}' already exists`));
  }
  if (s.checkOption !== null) throw new SqlFailure(unsupported('WITH CHECK OPTION'));
  // Releases before session 26 refuse DEFAULT(col) when they parse the view: taken here, a view
  // would part the nodes' schemas in a rolling upgrade (sql.md, "DDL rules by version").
  if (hasDefaultOf(s.query)) throw new SqlFailure(unsupported('DEFAULT(column) in a view'));
  if (hasVariable(s.query))
    throw new SqlFailure(semantic(1351, 'HY000', "View's SELECT contains a variable or parameter"));
  const queryDb = options.database ?? db;
  const names = viewColumns(s.query, { catalog, database: queryDb });
  if (!names.ok) throw new SqlFailure(names.error);
  if (s.columns !== null && s.columns.length !== names.value.length)
    throw new SqlFailure(
      semantic(1353, 'HY000', "View's SELECT and view's field list have different column counts"),
    );
  const columns = s.columns ?? names.value;
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.toLowerCase()))
      throw new SqlFailure(semantic(1060, '42S21', `Duplicate column name '${c}'`));
    seen.add(c.toLowerCase());
  }
  const view: ViewDef = {
    db,
    name: existing?.name ?? s.view.name,
    columns,
    explicitColumns: s.columns !== null,
    queryText: s.queryText,
    queryDb,
    algorithm: s.algorithm,
    definer: s.definer ?? options.definer,
    security: s.security,
    checkOption: s.checkOption,
    updatable: updatableTarget(s.query, columns, options, queryDb),
  };
  return plan([], [{ kind: 'put_view', view }]);
}

/** `@v`, `@v := x`, `?` and `@@v` cannot be part of a view (MariaDB's 1351). */
function hasVariable(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasVariable);
  if (node === null || typeof node !== 'object') return false;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'param' || kind === 'user_var' || kind === 'system_var' || kind === 'assign')
    return true;
  return Object.values(node as Record<string, unknown>).some(hasVariable);
}

/** The base table and column map of a view MariaDB would let INSERT/UPDATE/DELETE through. */
function updatableTarget(
  q: Query,
  columns: readonly string[],
  options: DdlOptions,
  db: string,
): ViewDef['updatable'] {
  if (q.kind !== 'select' || q.with !== undefined) return null;
  const s: Select = q;
  const from = s.from;
  if (from === null || from.length !== 1 || from[0]!.kind !== 'table') return null;
  if (s.distinct || s.groupBy.length > 0 || s.having !== null || s.limit !== null) return null;
  if (hasAggregate(s.items)) return null;
  const ref = from[0]!;
  const table = options.catalog.table(ref.table.db ?? db, ref.table.name);
  if (table === undefined) return null;
  const map: Record<string, string> = {};
  let i = 0;
  for (const item of s.items) {
    if (item.kind === 'star') {
      for (const c of table.columns) map[columns[i++]!.toLowerCase()] = c.name;
      continue;
    }
    if (item.expr.kind === 'column') map[columns[i]!.toLowerCase()] = item.expr.column;
    i++;
  }
  return { table: { db: ref.table.db ?? db, name: table.name }, columns: map };
}

export function emitDropView(s: DropView, options: DdlOptions): DdlPlan {
  const changes: CatalogChange[] = [];
  const missing: string[] = [];
  const notes: Note[] = [];
  for (const name of s.views) {
    const db = name.db ?? options.database;
    if (db === null) throw new SqlFailure(semantic(1046, '3D000', 'No database selected'));
    const view = options.catalog.view?.(db, name.name);
    if (view !== undefined) {
      changes.push({ kind: 'drop_view', db, name: view.name });
      continue;
    }
    // A table of that name is not dropped: MariaDB warns 1347 and counts it as unknown.
    if (options.catalog.table(db, name.name) !== undefined)
      notes.push({
        code: 1347,
        message: `'${db}.${name.name}' is not of type 'VIEW'`,
        level: 'Warning',
      });
    missing.push(`${db}.${name.name}`);
  }
  if (missing.length > 0 && !s.ifExists)
    throw new SqlFailure({
      ...semantic(4092, '42S02', `Unknown VIEW: '${missing.join(',')}'`),
      before: notes.map((n) => ({ level: n.level ?? 'Note', code: n.code, message: n.message })),
    });
  for (const m of missing) notes.push({ code: 4092, message: `Unknown VIEW: '${m}'` });
  return plan([], changes, notes);
}

// ------------------------------------------------------------------------------- triggers

export function emitCreateTrigger(s: CreateTrigger, options: ObjectOptions): DdlPlan {
  const db = database(options, s.table.db);
  if (s.name.db !== null && s.name.db !== db)
    throw new SqlFailure(semantic(1435, 'HY000', 'Trigger in wrong schema'));
  const table = options.catalog.table(db, s.table.name);
  if (table === undefined) throw new SqlFailure(noSuchTable(db, s.table.name));
  const existing = options.catalog.trigger?.(db, s.name.name);
  const statements: string[] = [];
  const changes: CatalogChange[] = [];
  if (existing !== undefined) {
    if (s.ifNotExists)
      return plan(
        [],
        [],
        [{ code: 1359, message: `Trigger '${db}.${s.name.name}' already exists` }],
      );
    if (!s.orReplace)
      throw new SqlFailure(
        semantic(1359, 'HY000', `Trigger '${db}.${s.name.name}' already exists`),
      );
    statements.push(...dropTriggerSql(existing));
  }
  const trigger: TriggerDef = {
    db,
    name: s.name.name,
    table: table.name,
    timing: s.timing,
    event: s.event,
    bodyText: s.bodyText,
    definer: s.definer ?? options.definer,
    sqliteName: sqliteIndexName(db, '~trigger', s.name.name),
  };
  // A table the body names that does not exist yet: MariaDB takes the trigger (it resolves
  // names when the trigger fires), and mariadb-dump makes a table's triggers right after its
  // rows, before the tables that sort after it.
  const planned = plannedTrigger(trigger, table, s.body, options, (e) => e.code === 1146);
  statements.push(...planned.statements);
  const sameAction = (options.catalog.triggers?.(db) ?? []).find(
    (t) =>
      t.table.toLowerCase() === table.name.toLowerCase() &&
      t.timing === s.timing &&
      t.event === s.event &&
      t.name.toLowerCase() !== s.name.name.toLowerCase(),
  );
  if (sameAction !== undefined)
    throw new SqlFailure(
      unsupported('multiple triggers with the same action time and event for one table'),
    );
  changes.push({ kind: 'put_trigger', trigger: planned.trigger });
  return plan(statements, changes);
}

/**
 * A trigger's SQLite triggers, or, when planning its body fails with an error `waits` accepts,
 * a waiting trigger (TriggerDef.waiting) whose SQLite trigger fails every statement that fires
 * it with that error.
 */
export function plannedTrigger(
  t: TriggerDef,
  table: TableDef,
  body: readonly TriggerStatement[],
  options: DdlOptions,
  waits: (error: SqlError) => boolean,
): { readonly statements: string[]; readonly trigger: TriggerDef } {
  const { waiting: _, ...ready } = t;
  try {
    return { statements: triggerSql(ready, table, body, options), trigger: ready };
  } catch (error) {
    if (!(error instanceof SqlFailure) || !waits(error.error)) throw error;
    const { code, sqlState, message } = error.error;
    const at = t.bodyText.includes('\n') ? null : `At line 1 in ${t.db}.${t.name}`;
    const raise: WaitingRaise = { code, sqlState, message, at };
    const raised = `${TRIGGER_WAITING_PREFIX}${JSON.stringify(raise)}`;
    const on = `ON ${quoteId(table.sqliteName)} FOR EACH ROW WHEN ${TRIGGER_GUARD}()`;
    return {
      statements: [
        `CREATE TRIGGER ${quoteId(t.sqliteName)} ${t.timing} ${t.event} ${on} BEGIN ` +
          `SELECT RAISE(ABORT, ${quoteString(raised)}); END`,
      ],
      trigger: { ...ready, waiting: { code, sqlState, message } },
    };
  }
}

export function emitDropTrigger(s: DropTrigger, options: DdlOptions): DdlPlan {
  const db = s.name.db ?? options.database;
  if (db === null) throw new SqlFailure(semantic(1046, '3D000', 'No database selected'));
  const trigger = options.catalog.trigger?.(db, s.name.name);
  if (trigger === undefined) {
    if (s.ifExists) return plan([], [], [{ code: 1360, message: 'Trigger does not exist' }]);
    throw new SqlFailure(semantic(1360, 'HY000', 'Trigger does not exist'));
  }
  return plan(dropTriggerSql(trigger), [{ kind: 'drop_trigger', db, name: trigger.name }]);
}

export function dropTriggerSql(t: TriggerDef): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${quoteId(t.sqliteName)}`,
    `DROP TRIGGER IF EXISTS ${quoteId(`${t.sqliteName}.~set`)}`,
  ];
}

/**
 * The SQLite triggers of one MySQL trigger. SQLite cannot assign NEW, so `SET NEW.c = e` in a
 * BEFORE trigger becomes an AFTER trigger that writes `e` (NEW.x read as the row's x) into the
 * row just written, with the guard off so that this write fires no trigger of its own.
 */
export function triggerSql(
  t: TriggerDef,
  table: TableDef,
  body: readonly TriggerStatement[],
  options: DdlOptions,
): string[] {
  const on = `ON ${quoteId(table.sqliteName)} FOR EACH ROW WHEN ${TRIGGER_GUARD}()`;
  const emitOptions = {
    catalog: options.catalog,
    database: t.db,
    ...(options.ddlRules === undefined ? {} : { ddlRules: options.ddlRules }),
  };
  const plain: string[] = [];
  const sets: string[] = [];
  for (const statement of body) {
    if (statement.kind === 'set_new') {
      if (t.event === 'DELETE')
        throw new SqlFailure(semantic(1363, 'HY000', 'There is no NEW row in on DELETE trigger'));
      if (t.timing === 'AFTER')
        throw new SqlFailure(
          semantic(1362, 'HY000', 'Updating of NEW row is not allowed in after trigger'),
        );
      const column = table.columns.find(
        (c) => c.name.toLowerCase() === statement.column.toLowerCase(),
      );
      if (column === undefined)
        throw new SqlFailure(
          semantic(1054, '42S22', `Unknown column '${statement.column}' in 'NEW'`),
        );
      const value = newAsRow(statement.value);
      const update: DmlStatement = {
        kind: 'update',
        ignore: false,
        table: { kind: 'table', table: { db: t.db, name: table.name }, alias: null },
        assignments: [
          { column: { kind: 'column', db: null, table: null, column: column.name }, value },
        ],
        where: null,
        orderBy: [],
        limit: null,
      };
      const sql = emitBody(update, emitOptions, t.event, table);
      sets.push(`${sql} WHERE rowid = NEW.rowid`);
      continue;
    }
    plain.push(emitBody(statement, emitOptions, t.event, table));
  }
  const out: string[] = [];
  if (plain.length > 0 || sets.length === 0)
    out.push(
      `CREATE TRIGGER ${quoteId(t.sqliteName)} ${t.timing} ${t.event} ${on} BEGIN ` +
        (plain.length === 0 ? `SELECT 1;` : plain.map((p) => p + ';').join(' ')) +
        ' END',
    );
  if (sets.length > 0)
    out.push(
      `CREATE TRIGGER ${quoteId(`${t.sqliteName}.~set`)} AFTER ${t.event} ${on} BEGIN ` +
        `SELECT ${TRIGGER_SUSPEND}(1); ${sets.map((p) => p + ';').join(' ')} ` +
        `SELECT ${TRIGGER_SUSPEND}(0); END`,
    );
  return out;
}

function emitBody(
  s: DmlStatement,
  options: DdlOptions,
  event: CreateTrigger['event'],
  table?: TableDef,
): string {
  if (event === 'INSERT' && refersTo(s, 'OLD'))
    throw new SqlFailure(semantic(1363, 'HY000', 'There is no OLD row in on INSERT trigger'));
  if (event === 'DELETE' && refersTo(s, 'NEW'))
    throw new SqlFailure(semantic(1363, 'HY000', 'There is no NEW row in on DELETE trigger'));
  const emitted = emitDml(
    s,
    {
      catalog: options.catalog,
      database: options.database,
      inlineRules: true,
      // DDL rules 6: exact DECIMAL arithmetic, as a statement's (it was a double's: 3 * 28.0550
      // added to a DECIMAL(14,2) total gave 84.16 where MariaDB stores 84.17).
      exactDecimals: ddlRulesAtLeast(options, 6),
      ...(table === undefined ? {} : { rowTable: table }),
    },
    'all',
  );
  if (!emitted.ok) throw new SqlFailure(emitted.error);
  if (emitted.value.effects === true)
    throw new SqlFailure(unsupported('variables and session functions in a trigger'));
  if (emitted.value.steps !== undefined)
    throw new SqlFailure(unsupported('multi-table UPDATE/DELETE in a trigger'));
  if (emitted.value.binds.length > 0)
    throw new SqlFailure(unsupported('variables and session functions in a trigger'));
  // SQLite wants the table of an INSERT/UPDATE/DELETE in a trigger unaliased.
  return emitted.value.sql;
}

function refersTo(node: unknown, row: 'NEW' | 'OLD'): boolean {
  if (Array.isArray(node)) return node.some((n) => refersTo(n, row));
  if (node === null || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if (o['kind'] === 'column' && typeof o['table'] === 'string' && o['table'].toUpperCase() === row)
    return true;
  return Object.values(o).some((v) => refersTo(v, row));
}

/** NEW.x → x: in the write-back, the row's current values are NEW's. */
function newAsRow(e: Expr): Expr {
  const map = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(map);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    if (
      o['kind'] === 'column' &&
      typeof o['table'] === 'string' &&
      o['table'].toUpperCase() === 'NEW'
    )
      return { ...(o as unknown as ColumnRef), table: null, db: null };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = map(v);
    return out;
  };
  return map(e) as Expr;
}

// ------------------------------------------------------------------------------- texts

const account = (d: Definer): string => `${backquote(d.user)}@${backquote(d.host)}`;
const qualified = (db: string | null, name: string): string =>
  (db === null ? '' : backquote(db) + '.') + backquote(name);

/**
 * The text a CREATE/ALTER VIEW or CREATE TRIGGER is replicated as: DEFINER made explicit (every
 * node must store the origin session's account, not its own idea of CURRENT_USER).
 */
export function canonicalObjectText(s: CreateView | CreateTrigger, definer: Definer): string {
  const who = account(s.definer ?? definer);
  if (s.kind === 'create_trigger')
    return (
      `CREATE${s.orReplace ? ' OR REPLACE' : ''} DEFINER=${who} TRIGGER ` +
      `${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.name.db, s.name.name)} ` +
      `${s.timing} ${s.event} ON ${qualified(s.table.db, s.table.name)} FOR EACH ROW ${s.bodyText}`
    );
  const columns = s.columns === null ? '' : ` (${s.columns.map(backquote).join(',')})`;
  return (
    `${s.alter ? 'ALTER' : 'CREATE'}${s.orReplace ? ' OR REPLACE' : ''} ` +
    `ALGORITHM=${s.algorithm} DEFINER=${who} SQL SECURITY ${s.security} VIEW ` +
    `${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(s.view.db, s.view.name)}${columns} ` +
    `AS ${s.queryText}`
  );
}

/** SHOW CREATE VIEW's text (MariaDB re-prints the SELECT; trireme shows it as written). */
export function showCreateView(v: ViewDef): string {
  const columns = v.explicitColumns ? `(${v.columns.map(backquote).join(',')}) ` : '';
  return (
    `CREATE ALGORITHM=${v.algorithm} DEFINER=${account(v.definer)} SQL SECURITY ${v.security} ` +
    `VIEW ${backquote(v.name)} ${columns}AS ${v.queryText}`
  );
}

/** The statement that makes the trigger again (SHOW CREATE TRIGGER; re-planned after ALTER). */
export function createTriggerText(t: TriggerDef): string {
  return (
    `CREATE DEFINER=${account(t.definer)} TRIGGER ${backquote(t.name)} ${t.timing} ${t.event} ` +
    `ON ${backquote(t.table)} FOR EACH ROW ${t.bodyText}`
  );
}
