// DDL → SQLite statements plus catalog changes, applied together by the store in one
// transaction (DDL is replicated as a statement and run in total order on every node).
import type { AlterSpec, ColumnDef, DataType, Statement } from './ast.js';
import type { Catalog, IndexDef, TableDef } from './catalog.js';
import { type Result, SqlFailure, fail, noDatabase, noSuchTable, ok, semantic } from './errors.js';
import { ExpressionEmitter, sqliteCollation } from './emit-expression.js';
import { emitAlterTable } from './emit-alter.js';
import { quoteId, quoteString, sqliteIndexName, sqliteTableName } from './names.js';
import {
  finishTable,
  isRowidKey,
  isTextType,
  nameIndexes,
  resolveOptions,
  tableFromCreate,
} from './table-def.js';

export type CatalogChange =
  | { readonly kind: 'put_table'; readonly table: TableDef }
  | { readonly kind: 'drop_table'; readonly db: string; readonly name: string }
  | {
      readonly kind: 'create_database';
      readonly name: string;
      readonly charset: string | null;
      readonly collation: string | null;
    }
  | { readonly kind: 'drop_database'; readonly name: string };

export interface Note {
  readonly code: number;
  readonly message: string;
}

export interface DdlPlan {
  /** SQLite statements to run, in order, in one transaction. */
  readonly statements: readonly string[];
  readonly changes: readonly CatalogChange[];
  /** Notes (warnings at level Note), e.g. 1050 for CREATE TABLE IF NOT EXISTS on an existing table. */
  readonly notes: readonly Note[];
}

export interface DdlOptions {
  readonly catalog: Catalog;
  readonly database: string | null;
}

const INTEGER_LIKE = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'BIGINT', 'BIT', 'YEAR']);
const REAL_LIKE = new Set(['FLOAT', 'DOUBLE']);
const BLOB_LIKE = new Set(['BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB']);

/** The SQLite declared type: it fixes the column's affinity. */
export function sqliteType(type: DataType): string {
  if (INTEGER_LIKE.has(type.name)) return 'INTEGER';
  if (REAL_LIKE.has(type.name)) return 'REAL';
  if (type.name === 'DECIMAL') return 'NUMERIC';
  if (BLOB_LIKE.has(type.name)) return 'BLOB';
  return 'TEXT';
}

const NUMERIC_TYPES = new Set([...INTEGER_LIKE, ...REAL_LIKE, 'DECIMAL']);

export function isNumericType(type: DataType): boolean {
  return NUMERIC_TYPES.has(type.name);
}

/** SQLite DEFAULT clause for a column, or ''. */
function sqliteDefault(column: ColumnDef, options: DdlOptions): string {
  const d = column.default;
  if (d === null) return '';
  if (d.kind === 'call') {
    const fsp = d.args[0]?.kind === 'literal' ? Number(d.args[0].value) : 0;
    return fsp > 0
      ? ` DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))`
      : ' DEFAULT CURRENT_TIMESTAMP';
  }
  if (
    d.kind === 'literal' &&
    d.type === 'string' &&
    isNumericType(column.type) &&
    d.value !== null &&
    /^\s*-?\d+(\.\d+)?\s*$/.test(d.value)
  )
    return ` DEFAULT ${d.value.trim()}`;
  const sql = new ExpressionEmitter(
    { catalog: options.catalog, database: options.database },
    'all',
  ).expr(d);
  return d.kind === 'literal' || (d.kind === 'unary' && d.operand.kind === 'literal')
    ? ` DEFAULT ${sql}`
    : ` DEFAULT (${sql})`;
}

function columnSql(table: TableDef, column: ColumnDef, options: DdlOptions): string {
  const rowid =
    isRowidKey(table.columns, table.primaryKey) &&
    table.primaryKey[0]!.toLowerCase() === column.name.toLowerCase();
  let out = `${quoteId(column.name)} ${sqliteType(column.type)}`;
  if (rowid) out += table.autoIncrementIsRowid ? ' PRIMARY KEY AUTOINCREMENT' : ' PRIMARY KEY';
  if (column.nullable === false) out += ' NOT NULL';
  out += sqliteDefault(column, options);
  if (isTextType(column.type)) {
    const collation = column.type.collation ?? table.options.collation ?? 'binary';
    if (sqliteCollation(collation) === 'NOCASE') out += ' COLLATE NOCASE';
  }
  return out;
}

/** CREATE TABLE and CREATE INDEX statements for a table definition. */
export function createTableSql(
  table: TableDef,
  options: DdlOptions,
  sqliteName = table.sqliteName,
): string[] {
  const parts = table.columns.map((c) => '  ' + columnSql(table, c, options));
  if (table.primaryKey.length > 0 && !isRowidKey(table.columns, table.primaryKey))
    parts.push(`  PRIMARY KEY (${table.primaryKey.map(quoteId).join(', ')})`);
  for (const fk of table.foreignKeys) {
    let clause = `  FOREIGN KEY (${fk.columns.map(quoteId).join(', ')}) REFERENCES ${quoteId(sqliteTableName(fk.refTable.db ?? table.db, fk.refTable.name))} (${fk.refColumns.map(quoteId).join(', ')})`;
    if (fk.onDelete) clause += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate) clause += ` ON UPDATE ${fk.onUpdate}`;
    parts.push(clause);
  }
  const statements = [`CREATE TABLE ${quoteId(sqliteName)} (\n${parts.join(',\n')}\n)`];
  for (const index of table.indexes)
    if (index.kind !== 'primary') statements.push(createIndexSql(table, index));
  if (table.autoIncrementIsRowid && (table.options.autoIncrement ?? 1) > 1)
    statements.push(
      `INSERT INTO sqlite_sequence (name, seq) VALUES (${quoteString(sqliteName)}, ${(table.options.autoIncrement ?? 1) - 1})`,
    );
  return statements;
}

export function createIndexSql(table: TableDef, index: IndexDef): string {
  const unique = index.kind === 'unique' ? 'UNIQUE ' : '';
  const columns = index.columns
    .map((c) => quoteId(c.column) + (c.direction ? ' ' + c.direction : ''))
    .join(', ');
  return `CREATE ${unique}INDEX ${quoteId(index.sqliteName ?? '')} ON ${quoteId(table.sqliteName)} (${columns})`;
}

class DdlContext {
  constructor(readonly options: DdlOptions) {}

  db(name: string | null): string {
    const db = name ?? this.options.database;
    if (db === null) throw new SqlFailure(noDatabase());
    return db;
  }

  existing(db: string, name: string): TableDef {
    const table = this.options.catalog.table(db, name);
    if (!table) throw new SqlFailure(noSuchTable(db, name));
    return table;
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
  if (ctx.options.catalog.table(db, s.table.name)) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1050, message: `Table '${s.table.name}' already exists` }]);
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.table.name}' already exists`));
  }
  const table = tableFromCreate(db, s);
  return plan(createTableSql(table, ctx.options), [{ kind: 'put_table', table }]);
}

function emitCreateLike(ctx: DdlContext, s: Statement & { kind: 'create_table_like' }): DdlPlan {
  const db = ctx.db(s.table.db);
  const source = ctx.existing(ctx.db(s.like.db), s.like.name);
  if (ctx.options.catalog.table(db, s.table.name)) {
    if (s.ifNotExists)
      return plan([], [], [{ code: 1050, message: `Table '${s.table.name}' already exists` }]);
    throw new SqlFailure(semantic(1050, '42S01', `Table '${s.table.name}' already exists`));
  }
  const table = renamed(source, db, s.table.name);
  return plan(
    createTableSql({ ...table, options: { ...table.options, autoIncrement: null } }, ctx.options),
    [{ kind: 'put_table', table }],
  );
}

/** The same definition under a new name (index SQLite names follow). */
export function renamed(table: TableDef, db: string, name: string): TableDef {
  const indexes = table.indexes.map((i) => ({
    ...i,
    sqliteName: i.sqliteName === null ? null : sqliteIndexName(db, name, i.name),
  }));
  return { ...table, db, name, sqliteName: sqliteTableName(db, name), indexes };
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
      missing.push(`${db}.${t.name}`);
      continue;
    }
    statements.push(`DROP TABLE ${quoteId(table.sqliteName)}`);
    changes.push({ kind: 'drop_table', db, name: table.name });
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
    if (ctx.options.catalog.table(db, pair.to.name))
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

/** ALTER TABLE … RENAME in SQLite, then the indexes re-created under names that follow the table. */
export function renameSql(source: TableDef, target: TableDef): string[] {
  const out = [`ALTER TABLE ${quoteId(source.sqliteName)} RENAME TO ${quoteId(target.sqliteName)}`];
  for (const i of source.indexes)
    if (i.sqliteName !== null) out.push(`DROP INDEX ${quoteId(i.sqliteName)}`);
  for (const i of target.indexes) if (i.kind !== 'primary') out.push(createIndexSql(target, i));
  return out;
}

function emitTruncate(ctx: DdlContext, s: Statement & { kind: 'truncate' }): DdlPlan {
  const table = ctx.existing(ctx.db(s.table.db), s.table.name);
  const statements = [`DELETE FROM ${quoteId(table.sqliteName)}`];
  if (table.autoIncrementIsRowid)
    statements.push(`DELETE FROM sqlite_sequence WHERE name = ${quoteString(table.sqliteName)}`);
  return plan(statements, []);
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
    indexes: [...others, { name: s.name, kind, columns: [...s.columns] }],
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
  const options = resolveOptions({
    engine: null,
    charset: s.charset,
    collation: s.collation,
    autoIncrement: null,
    comment: null,
    other: [],
  });
  return plan(
    [],
    [
      {
        kind: 'create_database',
        name: s.name,
        charset: options.charset,
        collation: options.collation,
      },
    ],
  );
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

export const DDL_KINDS: ReadonlySet<string> = new Set([
  'create_table',
  'create_table_like',
  'drop_table',
  'rename_table',
  'truncate',
  'create_index',
  'drop_index',
  'alter_table',
  'create_database',
  'drop_database',
]);

/** Plans one DDL statement against the catalog. */
export function emitDdl(statement: Statement, options: DdlOptions): Result<DdlPlan> {
  const ctx = new DdlContext(options);
  try {
    switch (statement.kind) {
      case 'create_table':
        return ok(emitCreateTable(ctx, statement));
      case 'create_table_like':
        return ok(emitCreateLike(ctx, statement));
      case 'drop_table':
        return ok(emitDropTable(ctx, statement));
      case 'rename_table':
        return ok(emitRenameTable(ctx, statement));
      case 'truncate':
        return ok(emitTruncate(ctx, statement));
      case 'create_index':
        return ok(emitCreateIndex(ctx, statement));
      case 'drop_index':
        return ok(emitDropIndex(ctx, statement));
      case 'alter_table':
        return ok(
          emitAlterTable(
            ctx.existing(ctx.db(statement.table.db), statement.table.name),
            statement.specs,
            options,
          ),
        );
      case 'create_database':
        return ok(emitCreateDatabase(ctx, statement));
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
