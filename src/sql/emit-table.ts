// A table definition as SQLite statements: column types and defaults, CREATE TABLE and its
// indexes, and renames. Shared by CREATE (emit-ddl.ts) and the table rebuilds of ALTER
// (emit-alter.ts), so neither imports the other's module at run time.
import type { ColumnDef, DataType, Expr, IndexColumn, ReferentialAction } from './ast.js';
import type { Catalog, IndexDef, TableDef, TriggerDef, ViewDef } from './catalog.js';
import { sqliteCollation } from './collations.js';
import { SqlFailure, semantic, unsupported } from './errors.js';
import { ExpressionEmitter, isHexLiteral } from './emit-expression.js';
import { bitLiteralHex } from './normalize.js';
import { quoteId, quoteString, sqliteIndexName, sqliteTableName } from './names.js';
import { isRowidKey, isTextType } from './table-def.js';
import { parse } from './parser.js';
import { DDL_RULES_OLDEST } from '../codec/index.js';
import { isTextDecimal } from './decimal-literal.js';
import { DECIMAL_COLLATION } from './store-rule.js';

export type CatalogChange =
  | { readonly kind: 'put_table'; readonly table: TableDef }
  | { readonly kind: 'drop_table'; readonly db: string; readonly name: string }
  | {
      readonly kind: 'create_database';
      readonly name: string;
      readonly charset: string | null;
      readonly collation: string | null;
    }
  | { readonly kind: 'drop_database'; readonly name: string }
  | { readonly kind: 'put_view'; readonly view: ViewDef }
  | { readonly kind: 'drop_view'; readonly db: string; readonly name: string }
  | { readonly kind: 'put_trigger'; readonly trigger: TriggerDef }
  | { readonly kind: 'drop_trigger'; readonly db: string; readonly name: string };

export interface Note {
  readonly code: number;
  readonly message: string;
  /** 'Note' unless said (DROP VIEW IF EXISTS of a table warns 1347). */
  readonly level?: 'Warning' | 'Note';
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
  /** The account CURRENT_USER stands for in DEFINER (the session's). */
  readonly definer?: { readonly user: string; readonly host: string };
  /**
   * A temporal column's literal DEFAULT as its rows store it (`'2001-1-5'` is `2001-01-05`,
   * a DATETIME(3)'s gets its fraction digits), or null to keep it as written. The engine has
   * the conversion (engine/store-value.ts); every node passes the same one.
   */
  readonly temporalDefault?: (type: DataType, text: string) => string | null;
  /**
   * The DDL rules to plan by (docs/design/sql.md, "DDL rules by version"; absent:
   * DDL_RULES_OLDEST). 5: the UNIQUE keys this DDL creates over column prefixes are built on the
   * prefixes (IndexColumn.prefixKey) and follow a MODIFY of their column; a table made without
   * a charset takes its database's (Catalog.databaseDefaults); ALTER DATABASE runs; a new table
   * charset or collation leaves the columns theirs. 6: a PRIMARY KEY over prefixes is built on
   * them too, and ADD PRIMARY KEY checks its prefixes. A TOI takes them from its write-set
   * (WriteSetFlags.ddlRules): every node of the cluster then plans the DDL alike.
   */
  readonly ddlRules?: number;
}

/** Whether `options` plan by DDL rules `version` or newer. */
export function ddlRulesAtLeast(
  options: { readonly ddlRules?: number } | number | undefined,
  version: number,
): boolean {
  const rules = typeof options === 'number' ? options : options?.ddlRules;
  return (rules ?? DDL_RULES_OLDEST) >= version;
}

/** The string types whose prefix length may not pass their length (BINARY counts bytes). */
const FIXED_STRINGS: ReadonlySet<string> = new Set(['CHAR', 'VARCHAR', 'BINARY', 'VARBINARY']);
/** The types a key part may take a prefix of. */
const PREFIXABLE: ReadonlySet<string> = new Set([
  ...FIXED_STRINGS,
  'TINYTEXT',
  'TEXT',
  'MEDIUMTEXT',
  'LONGTEXT',
  'TINYBLOB',
  'BLOB',
  'MEDIUMBLOB',
  'LONGBLOB',
  'ENUM',
  'SET',
  'JSON',
]);

/**
 * A key's parts as DDL rules 5 build them: a prefix of a column that is not a string, or longer
 * than its column, is MariaDB's 1089; one as long as its column is the whole column (SHOW CREATE
 * prints `v`); a UNIQUE key's prefix parts are marked prefixKey, from rules 6 a PRIMARY KEY's
 * too. Under older rules the parts are kept as written (every node of a cluster must plan a DDL
 * alike).
 */
export function prefixKeyParts(
  kind: IndexDef['kind'],
  parts: readonly IndexColumn[],
  columns: readonly ColumnDef[],
  rules: number | undefined,
): IndexColumn[] {
  if (!ddlRulesAtLeast(rules, 5)) return [...parts];
  const marked = kind === 'unique' || (kind === 'primary' && ddlRulesAtLeast(rules, 6));
  return parts.map((part) => {
    if (part.length === null) return part;
    const def = partColumn(columns, part);
    if (def === undefined) return part;
    const type = def.type;
    if (
      !PREFIXABLE.has(type.name) ||
      (FIXED_STRINGS.has(type.name) && type.length !== null && part.length > type.length)
    )
      throw new SqlFailure(
        semantic(
          1089,
          'HY000',
          "Incorrect prefix key; the used key part isn't a string, the used length is longer than the key part, or the storage engine doesn't support unique prefix keys",
        ),
      );
    if (FIXED_STRINGS.has(type.name) && part.length === type.length)
      return { ...part, column: def.name, length: null };
    // The column's own name: storage reads the part back from the index's text.
    return marked ? { ...part, column: def.name, prefixKey: true } : part;
  });
}

/**
 * A key's parts after `def` replaced their column (MODIFY, CHANGE), as MariaDB keeps them: a
 * prefix of a type that takes none, or as long as the new column or longer, is the whole column.
 */
export function fitPrefixParts(parts: readonly IndexColumn[], def: ColumnDef): IndexColumn[] {
  return parts.map((part) => {
    if (part.length === null || part.column.toLowerCase() !== def.name.toLowerCase()) return part;
    const type = def.type;
    const fits =
      PREFIXABLE.has(type.name) &&
      !(FIXED_STRINGS.has(type.name) && type.length !== null && part.length >= type.length);
    return fits ? part : { column: part.column, length: null, direction: part.direction };
  });
}

/** A new table's keys as DDL rules `rules` build them (prefixKeyParts). */
export function withPrefixKeys(table: TableDef, rules: number | undefined): TableDef {
  if (!ddlRulesAtLeast(rules, 5)) return table;
  const indexes = table.indexes.map((i) => {
    const columns = prefixKeyParts(i.kind, i.columns, table.columns, rules);
    const prefixed = i.kind === 'primary' && columns.some((c) => c.prefixKey === true);
    return {
      ...i,
      columns,
      ...(prefixed ? { sqliteName: sqliteIndexName(table.db, table.name, 'PRIMARY') } : {}),
    };
  });
  return { ...table, indexes };
}

/**
 * Whether a key has an index of its own in SQLite: every key but the primary, which is the
 * table's own, unless it is over a column prefix (then a UNIQUE index on the prefixes is beside
 * the table's key on the whole columns).
 */
export function hasSqliteIndex(index: IndexDef): boolean {
  return index.kind !== 'primary' || index.sqliteName !== null;
}

/**
 * A key part as its SQLite index holds it: the quoted column, or for a prefix key part
 * (IndexColumn.prefixKey) `substr("c", 1, N)` under the column's collation, which SQLite does not
 * carry through a function. An ON CONFLICT target names the part the same way.
 */
export function indexPartSql(
  table: TableDef,
  part: IndexColumn,
  operand: string = quoteId(part.column),
): string {
  if (part.prefixKey !== true || part.length === null) return operand;
  // A binary string's prefix is in bytes, whatever SQLite holds (a text, a number).
  if (prefixInBytes(table, part)) return `substr(CAST(${operand} AS BLOB), 1, ${part.length})`;
  return `substr(${operand}, 1, ${part.length})${partCollation(table, part)}`;
}

/** The column a key part names (any case), if the table has it. */
function partColumn(columns: readonly ColumnDef[], part: IndexColumn): ColumnDef | undefined {
  const name = part.column.toLowerCase();
  return columns.find((c) => c.name.toLowerCase() === name);
}

/** Whether a key part's prefix counts bytes: its column is a binary string. */
export function prefixInBytes(table: TableDef, part: IndexColumn): boolean {
  const def = partColumn(table.columns, part);
  return def !== undefined && BINARY_STRINGS.has(def.type.name);
}

/** The string types MariaDB compares (and prefixes) by bytes. */
export const BINARY_STRINGS: ReadonlySet<string> = new Set([
  'BINARY',
  'VARBINARY',
  'TINYBLOB',
  'BLOB',
  'MEDIUMBLOB',
  'LONGBLOB',
]);

/** ` COLLATE x` for a key part over a text column of a collation other than BINARY, else ''. */
export function partCollation(table: TableDef, part: IndexColumn): string {
  const def = partColumn(table.columns, part);
  return def === undefined || !isTextType(def.type) ? '' : textCollate(table, def);
}

/** Types whose literal DEFAULT is stored in its canonical form (DdlOptions.temporalDefault). */
export const TEMPORAL_DEFAULT_TYPES: ReadonlySet<string> = new Set([
  'DATE',
  'DATETIME',
  'TIMESTAMP',
  'TIME',
]);

const INTEGER_LIKE = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'BIGINT', 'BIT', 'YEAR']);
const REAL_LIKE = new Set(['FLOAT', 'DOUBLE']);
const BLOB_LIKE = new Set(['BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB']);

/** The SQLite declared type: it fixes the column's affinity. */
export function sqliteType(type: DataType): string {
  if (INTEGER_LIKE.has(type.name)) return 'INTEGER';
  if (REAL_LIKE.has(type.name)) return 'REAL';
  if (isTextDecimal(type)) return 'TEXT';
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
  // CURRENT_TIMESTAMP and its synonyms (parse-ddl.ts names them so); any other call, such as
  // DEFAULT (JSON_ARRAY()), is an expression like the rest.
  if (d.kind === 'call' && d.name === 'CURRENT_TIMESTAMP') {
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
    return isTextDecimal(column.type)
      ? ` DEFAULT ${quoteString(d.value.trim())}`
      : ` DEFAULT ${d.value.trim()}`;
  // A BIT column holds its value as an integer: a hex or bit default is its number.
  if (d.kind === 'literal' && isHexLiteral(d) && column.type.name === 'BIT') {
    const hex = d.type === 'bit' ? bitLiteralHex(d.value ?? '') : (d.value ?? '');
    return ` DEFAULT ${hex === '' ? '0' : BigInt('0x' + hex).toString()}`;
  }
  if (
    d.kind === 'literal' &&
    d.type === 'string' &&
    d.value !== null &&
    TEMPORAL_DEFAULT_TYPES.has(column.type.name)
  ) {
    const canonical = options.temporalDefault?.(column.type, d.value) ?? null;
    if (canonical !== null) return ` DEFAULT ${quoteString(canonical)}`;
  }
  // SQLite's DEFAULT must be constant: one over another column (MariaDB's DEFAULT (a * 2)) is
  // refused by name rather than with SQLite's message.
  if (namesColumn(d)) throw new SqlFailure(unsupported('a DEFAULT that refers to a column'));
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
  const generated = column.generated ?? null;
  if (generated !== null) {
    // SQLite computes it: on write (STORED) or at every read (VIRTUAL), on every node alike;
    // row images leave it out (storage's table_info does not list it).
    const sql = new ExpressionEmitter(
      { catalog: options.catalog, database: options.database },
      'all',
    ).expr(generated.expr);
    out += ` GENERATED ALWAYS AS (${sql}) ${generated.stored ? 'STORED' : 'VIRTUAL'}`;
  } else {
    out += sqliteDefault(column, options);
  }
  if (isTextType(column.type)) out += textCollate(table, column);
  else if (isTextDecimal(column.type)) out += ` COLLATE ${DECIMAL_COLLATION}`;
  return out;
}

/** ` COLLATE x` for a text column of a collation other than BINARY (its own or the table's). */
function textCollate(table: TableDef, column: ColumnDef): string {
  const collation = sqliteCollation(column.type.collation ?? table.options.collation ?? 'binary');
  return collation === 'BINARY' ? '' : ` COLLATE ${collation}`;
}

function immediate(action: ReferentialAction | null): ReferentialAction {
  return action === null || action === 'NO ACTION' ? 'RESTRICT' : action;
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
    // A parent that does not exist (made with FOREIGN_KEY_CHECKS = 0) would make SQLite refuse
    // every write to the table ("no such table"): the key stays in the catalog only until an
    // ALTER rebuilds the table after the parent exists.
    const parentDb = fk.refTable.db ?? table.db;
    const self =
      parentDb === table.db && fk.refTable.name.toLowerCase() === table.name.toLowerCase();
    if (!self && options.catalog.table(parentDb, fk.refTable.name) === undefined) continue;
    let clause = `  FOREIGN KEY (${fk.columns.map(quoteId).join(', ')}) REFERENCES ${quoteId(sqliteTableName(fk.refTable.db ?? table.db, fk.refTable.name))} (${fk.refColumns.map(quoteId).join(', ')})`;
    // InnoDB checks NO ACTION (and no action given) at once, row by row, as RESTRICT; SQLite's
    // NO ACTION waits for the statement's end, when a REPLACE has put the parent row back.
    clause += ` ON DELETE ${immediate(fk.onDelete)} ON UPDATE ${immediate(fk.onUpdate)}`;
    parts.push(clause);
  }
  parts.push(...checkClauses(table, options));
  const statements = [`CREATE TABLE ${quoteId(sqliteName)} (\n${parts.join(',\n')}\n)`];
  for (const index of table.indexes)
    if (hasSqliteIndex(index)) statements.push(createIndexSql(table, index));
  if (table.autoIncrementIsRowid && (table.options.autoIncrement ?? 1) > 1)
    statements.push(
      `INSERT INTO sqlite_sequence (name, seq) VALUES (${quoteString(sqliteName)}, ${(table.options.autoIncrement ?? 1) - 1})`,
    );
  return statements;
}

/**
 * CHECK constraints as SQLite's, named as MariaDB names them (a column's check after its column),
 * so SQLite's "CHECK constraint failed: <name>" becomes 4025 with the name. SQLite evaluates
 * them on the session connection; the applier ignores them (the origin checked each row).
 */
function checkClauses(table: TableDef, options: DdlOptions): string[] {
  const emitter = new ExpressionEmitter(
    { catalog: options.catalog, database: options.database },
    'all',
  );
  const clauses: string[] = [];
  for (const column of table.columns)
    if (column.check !== null)
      clauses.push(`  CONSTRAINT ${quoteId(column.name)} CHECK (${emitter.expr(column.check)})`);
  for (const check of table.checks) {
    const expr = checkExpr(check.text);
    if (expr !== null)
      clauses.push(`  CONSTRAINT ${quoteId(check.name)} CHECK (${emitter.expr(expr)})`);
  }
  return clauses;
}

/**
 * A query that finds a row of `table` that `text` (a CHECK's expression) refuses, for ALTER
 * TABLE … ADD CHECK: MariaDB checks the existing rows (4025); null if the text does not parse.
 */
export function checkViolationSql(
  table: TableDef,
  text: string,
  options: DdlOptions,
): string | null {
  const expr = checkExpr(text);
  if (expr === null) return null;
  const emitter = new ExpressionEmitter(
    { catalog: options.catalog, database: options.database },
    'all',
  );
  return `SELECT 1 FROM ${quoteId(table.sqliteName)} WHERE NOT (${emitter.expr(expr)}) LIMIT 1`;
}

/** A table CHECK's expression, parsed again from its text (the catalog keeps the text). */
export function checkExpr(text: string): Expr | null {
  const parsed = parse(`SELECT (${text})`);
  if (!parsed.ok) return null;
  const statement = parsed.value.statement;
  if (statement.kind !== 'select') return null;
  const item = statement.items[0];
  return item !== undefined && item.kind === 'item' ? item.expr : null;
}

export function createIndexSql(table: TableDef, index: IndexDef): string {
  const unique = index.kind === 'unique' || index.kind === 'primary' ? 'UNIQUE ' : '';
  const columns = index.columns
    .map((c) => indexPartSql(table, c) + (c.direction ? ' ' + c.direction : ''))
    .join(', ');
  return `CREATE ${unique}INDEX ${quoteId(index.sqliteName ?? '')} ON ${quoteId(table.sqliteName)} (${columns})`;
}

/** The same definition under a new name (index SQLite names follow). */
export function renamed(table: TableDef, db: string, name: string): TableDef {
  const indexes = table.indexes.map((i) => ({
    ...i,
    sqliteName: i.sqliteName === null ? null : sqliteIndexName(db, name, i.name),
  }));
  return { ...table, db, name, sqliteName: sqliteTableName(db, name), indexes };
}

/** ALTER TABLE … RENAME in SQLite, then the indexes re-created under names that follow the table. */
export function renameSql(source: TableDef, target: TableDef): string[] {
  const out = [`ALTER TABLE ${quoteId(source.sqliteName)} RENAME TO ${quoteId(target.sqliteName)}`];
  for (const i of source.indexes)
    if (i.sqliteName !== null) out.push(`DROP INDEX ${quoteId(i.sqliteName)}`);
  for (const i of target.indexes) if (hasSqliteIndex(i)) out.push(createIndexSql(target, i));
  return out;
}

/** Whether an expression (a plain AST object) names a column anywhere in it. */
function namesColumn(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if ((node as { kind?: unknown }).kind === 'column') return true;
  return Object.values(node).some(namesColumn);
}
