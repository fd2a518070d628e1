// Result-set metadata: MySQL column definitions derived from the catalog's MySQL types for table
// columns and inferred for expressions, and the conversion of SQLite values to what each MySQL
// type promises (clients such as sysbench and mysql2 decode by type).
import {
  Charset,
  ColumnFlag,
  ColumnType,
  type ColumnDef,
  type ColumnTypeCode,
  type SqlValue,
} from '../mysql/index.js';
import { assert } from '../core/assert.js';
import {
  BIT_OPERATORS,
  COMPARISON_OPERATORS,
  isDecimalInteger,
  PREDICATE_KINDS,
  bitLiteralHex,
  parse,
  VIEW_DEPTH_MAX,
  type Catalog,
  type ColumnDef as SqlColumnDef,
  type DataType,
  type Expr,
  jsonTableDef,
  joinedStar,
  type JsonTable,
  type Query,
  type Select,
  type SelectItem,
  type TableDef,
  type TableRef,
  type ViewDef,
} from '../sql/index.js';
import { decimalDisplay } from './decimal.js';
import { strToDateKind } from './str-to-date.js';
import { UNSIGNED_VARIABLES } from './variables.js';

type Value = SqlValue;

const INT_TYPES: Readonly<Record<string, readonly [ColumnTypeCode, number]>> = {
  TINYINT: [ColumnType.TINY, 4],
  SMALLINT: [ColumnType.SHORT, 6],
  MEDIUMINT: [ColumnType.INT24, 9],
  INT: [ColumnType.LONG, 11],
  INTEGER: [ColumnType.LONG, 11],
  BIGINT: [ColumnType.LONGLONG, 20],
  YEAR: [ColumnType.YEAR, 4],
};

const BLOB_TYPES: Readonly<Record<string, readonly [ColumnTypeCode, number]>> = {
  TINYBLOB: [ColumnType.BLOB, 255],
  BLOB: [ColumnType.BLOB, 65535],
  MEDIUMBLOB: [ColumnType.BLOB, 16777215],
  LONGBLOB: [ColumnType.BLOB, 4294967295],
  TINYTEXT: [ColumnType.BLOB, 255],
  TEXT: [ColumnType.BLOB, 65535],
  MEDIUMTEXT: [ColumnType.BLOB, 16777215],
  LONGTEXT: [ColumnType.BLOB, 4294967295],
  JSON: [ColumnType.BLOB, 4294967295],
};

const UTF8MB4_BYTES = 4;

export interface Origin {
  readonly table?: string;
  readonly orgTable?: string;
  readonly schema?: string;
  readonly orgName?: string;
}

/** The column definition of a table column. */
export function columnOfTable(
  name: string,
  column: SqlColumnDef,
  table: TableDef,
  origin: Origin,
): ColumnDef {
  const type = column.type;
  let flags = 0;
  if (column.nullable === false) flags |= ColumnFlag.NOT_NULL;
  if (type.unsigned) flags |= ColumnFlag.UNSIGNED;
  if (type.zerofill) flags |= ColumnFlag.ZEROFILL;
  if (column.autoIncrement) flags |= ColumnFlag.AUTO_INCREMENT;
  // MariaDB's: a NOT NULL column an INSERT must name (no DEFAULT, not AUTO_INCREMENT).
  if (
    column.nullable === false &&
    column.default === null &&
    !column.autoIncrement &&
    (column.generated ?? null) === null
  )
    flags |= ColumnFlag.NO_DEFAULT_VALUE;
  const lower = column.name.toLowerCase();
  for (const index of table.indexes) {
    const at = index.columns.findIndex((c) => c.column.toLowerCase() === lower);
    if (at < 0) continue;
    flags |= ColumnFlag.PART_KEY;
    if (index.kind === 'primary') flags |= ColumnFlag.PRI_KEY;
    else if (index.kind === 'unique' && index.columns.length === 1) flags |= ColumnFlag.UNIQUE_KEY;
    else if (at === 0) flags |= ColumnFlag.MULTIPLE_KEY;
  }
  return { ...typeColumn(name, type, flags), ...origin };
}

/** Type code, length, flags, decimals and charset of a MySQL data type. */
export function typeColumn(name: string, type: DataType, flagsIn = 0): ColumnDef {
  let flags = flagsIn;
  // MariaDB flags YEAR, BIT and TIMESTAMP columns UNSIGNED (YEAR also ZEROFILL).
  if (type.name === 'YEAR') flags |= ColumnFlag.UNSIGNED | ColumnFlag.ZEROFILL;
  if (type.name === 'BIT' || type.name === 'TIMESTAMP') flags |= ColumnFlag.UNSIGNED;
  const int = INT_TYPES[type.name];
  if (int !== undefined) {
    const length = type.length ?? (type.unsigned && type.name !== 'BIGINT' ? int[1] - 1 : int[1]);
    return column(name, int[0], length, flags, 0, Charset.BINARY);
  }
  switch (type.name) {
    case 'BIT':
      return column(
        name,
        ColumnType.BIT,
        type.length ?? 1,
        flags | ColumnFlag.BINARY,
        0,
        Charset.BINARY,
      );
    case 'FLOAT':
      return column(name, ColumnType.FLOAT, 12, flags, type.scale ?? 31, Charset.BINARY);
    case 'DOUBLE':
    case 'REAL':
      return column(name, ColumnType.DOUBLE, 22, flags, type.scale ?? 31, Charset.BINARY);
    case 'DECIMAL': {
      const precision = type.length ?? 10;
      const scale = type.scale ?? 0;
      const length = precision + (scale > 0 ? 1 : 0) + (type.unsigned ? 0 : 1);
      return column(name, ColumnType.NEWDECIMAL, length, flags, scale, Charset.BINARY);
    }
    case 'DATE':
      return column(name, ColumnType.DATE, 10, flags | ColumnFlag.BINARY, 0, Charset.BINARY);
    case 'DATETIME':
      return column(
        name,
        ColumnType.DATETIME,
        fspLength(19, type.length),
        flags | ColumnFlag.BINARY,
        type.length ?? 0,
        Charset.BINARY,
      );
    case 'TIMESTAMP':
      return column(
        name,
        ColumnType.TIMESTAMP,
        fspLength(19, type.length),
        flags | ColumnFlag.BINARY | ColumnFlag.TIMESTAMP,
        type.length ?? 0,
        Charset.BINARY,
      );
    case 'TIME':
      return column(
        name,
        ColumnType.TIME,
        fspLength(10, type.length),
        flags | ColumnFlag.BINARY,
        type.length ?? 0,
        Charset.BINARY,
      );
    case 'CHAR':
      return column(
        name,
        ColumnType.STRING,
        (type.length ?? 1) * UTF8MB4_BYTES,
        flags,
        0,
        Charset.UTF8MB4_GENERAL_CI,
      );
    case 'VARCHAR':
      return column(
        name,
        ColumnType.VAR_STRING,
        (type.length ?? 255) * UTF8MB4_BYTES,
        flags,
        0,
        Charset.UTF8MB4_GENERAL_CI,
      );
    case 'BINARY':
      return column(
        name,
        ColumnType.STRING,
        type.length ?? 1,
        flags | ColumnFlag.BINARY,
        0,
        Charset.BINARY,
      );
    case 'VARBINARY':
      return column(
        name,
        ColumnType.VAR_STRING,
        type.length ?? 255,
        flags | ColumnFlag.BINARY,
        0,
        Charset.BINARY,
      );
    case 'ENUM':
      return column(
        name,
        ColumnType.STRING,
        maxMember(type) * UTF8MB4_BYTES,
        flags | ColumnFlag.ENUM,
        0,
        Charset.UTF8MB4_GENERAL_CI,
      );
    case 'SET':
      return column(
        name,
        ColumnType.STRING,
        type.values.join(',').length * UTF8MB4_BYTES,
        flags | ColumnFlag.SET,
        0,
        Charset.UTF8MB4_GENERAL_CI,
      );
  }
  // JSON is MariaDB's LONGTEXT COLLATE utf8mb4_bin: flagged BINARY, with the `json` format.
  if (type.name === 'JSON') {
    const [code, length] = BLOB_TYPES['JSON']!;
    const flagsJson = flags | ColumnFlag.BLOB | ColumnFlag.BINARY;
    const c = column(name, code, length, flagsJson, 0, Charset.UTF8MB4_GENERAL_CI);
    return { ...c, format: 'json' };
  }
  const blob = BLOB_TYPES[type.name];
  if (blob !== undefined) {
    const binary = type.name.endsWith('BLOB');
    return column(
      name,
      blob[0],
      blob[1],
      flags | ColumnFlag.BLOB | (binary ? ColumnFlag.BINARY : 0),
      0,
      binary ? Charset.BINARY : Charset.UTF8MB4_GENERAL_CI,
    );
  }
  return textColumn(name);
}

function fspLength(base: number, fsp: number | null): number {
  return fsp !== null && fsp > 0 ? base + 1 + fsp : base;
}

function maxMember(type: DataType): number {
  return Math.max(1, ...type.values.map((v) => v.length));
}

function column(
  name: string,
  type: ColumnTypeCode,
  length: number,
  flags: number,
  decimals: number,
  charset: number,
): ColumnDef {
  return { name, type, length, flags, decimals, charset };
}

export const textColumn = (name: string, length = 255): ColumnDef =>
  column(name, ColumnType.VAR_STRING, length * UTF8MB4_BYTES, 0, 0, Charset.UTF8MB4_GENERAL_CI);
/** A LONGTEXT column (information_schema's COLUMN_TYPE, DESCRIBE's Type): a text BLOB. */
export const longTextColumn = (name: string): ColumnDef =>
  column(name, ColumnType.BLOB, 4294967295, ColumnFlag.BLOB, 0, Charset.UTF8MB4_GENERAL_CI);
export const bigintColumn = (name: string): ColumnDef =>
  column(name, ColumnType.LONGLONG, 21, ColumnFlag.BINARY, 0, Charset.BINARY);
export const doubleColumn = (name: string): ColumnDef =>
  column(name, ColumnType.DOUBLE, 23, ColumnFlag.BINARY, 31, Charset.BINARY);
export const decimalColumn = (name: string, decimals = 0): ColumnDef =>
  column(name, ColumnType.NEWDECIMAL, 33, ColumnFlag.BINARY, decimals, Charset.BINARY);
export const datetimeColumn = (name: string): ColumnDef =>
  column(name, ColumnType.DATETIME, 19, ColumnFlag.BINARY, 0, Charset.BINARY);
export const dateColumn = (name: string): ColumnDef =>
  column(name, ColumnType.DATE, 10, ColumnFlag.BINARY, 0, Charset.BINARY);
export const blobColumn = (name: string): ColumnDef =>
  column(name, ColumnType.BLOB, 65535, ColumnFlag.BLOB | ColumnFlag.BINARY, 0, Charset.BINARY);
/**
 * An integer expression's column: LONG when at most 9 characters wide, else LONGLONG — MariaDB's
 * rule (Type_handler::type_handler_long_or_longlong), so `SELECT 1 + 1` is LONG and `SELECT
 * COUNT(*)` LONGLONG. The width bounds the value, so a LONG never carries more than 32 bits.
 */
export function integerColumn(name: string, length: number, unsigned = false): ColumnDef {
  const flags = ColumnFlag.BINARY | (unsigned ? ColumnFlag.UNSIGNED : 0);
  const type = length <= INT32_WIDTH_MAX ? ColumnType.LONG : ColumnType.LONGLONG;
  return column(name, type, Math.max(1, length), flags, 0, Charset.BINARY);
}
const INT32_WIDTH_MAX = 9;
const INTEGER_TYPES: ReadonlySet<number> = new Set([
  ColumnType.TINY,
  ColumnType.SHORT,
  ColumnType.INT24,
  ColumnType.LONG,
  ColumnType.LONGLONG,
]);
const INT64_MAX = 9223372036854775807n;
/** A predicate's column (=, IS NULL, LIKE, AND, …): LONG, one character wide. */
const booleanColumn = (name: string): ColumnDef => integerColumn(name, 1);
export const timeColumn = (name: string): ColumnDef =>
  column(name, ColumnType.TIME, 10, ColumnFlag.BINARY, 0, Charset.BINARY);
/** GROUP_CONCAT's column: a text BLOB, as MariaDB sends it (group_concat_max_len > 512). */
const groupConcatColumn = (name: string): ColumnDef =>
  column(name, ColumnType.BLOB, 1_048_576 * UTF8MB4_BYTES, 0, 0, Charset.UTF8MB4_GENERAL_CI);
/**
 * The NULL literal's column, MYSQL_TYPE_NULL as MariaDB sends it; the BINARY flag tells it from
 * a dynamic column (same type code, decided by its values in settleColumns).
 */
export const nullColumn = (name: string): ColumnDef =>
  column(name, ColumnType.NULL, 0, ColumnFlag.BINARY, 0, Charset.BINARY);
/** A column whose type is only known from its values (decided on the first row). */
/** A SELECT's items, one per column (no `*`), or null. */
function itemsOf(query: Query, columns: ColumnDef[] | null): readonly SelectItem[] | null {
  if (columns === null || query.kind !== 'select') return null;
  const items = query.items;
  return items.some((i) => i.kind === 'star') || items.length !== columns.length ? null : items;
}

/**
 * A SELECT's columns that read user variables, typed as MariaDB types them from the variables'
 * values before the statement runs: a string (or an unset variable this statement assigns) is a
 * LONGBLOB of text, NULL or unset a binary one, an integer BIGINT, a fraction DOUBLE; CONCAT of
 * a string variable is a LONGBLOB too; `@v := NULL` is a binary VARCHAR.
 */
export function withUserVariables(
  query: Query,
  columns: ColumnDef[] | null,
  value: (name: string) => SqlValue | undefined,
): ColumnDef[] | null {
  const items = itemsOf(query, columns);
  if (items === null || columns === null) return columns;
  const assigned = new Set(
    items.flatMap((i) => (i.kind === 'item' && i.expr.kind === 'assign' ? [i.expr.name] : [])),
  );
  const blob = (name: string, binary: boolean): ColumnDef =>
    binary
      ? column(
          name,
          ColumnType.LONG_BLOB,
          4294967295,
          ColumnFlag.BLOB | ColumnFlag.BINARY,
          31,
          Charset.BINARY,
        )
      : column(
          name,
          ColumnType.LONG_BLOB,
          4294967295,
          ColumnFlag.BLOB,
          31,
          Charset.UTF8MB4_GENERAL_CI,
        );
  const ofVariable = (name: string, variable: string): ColumnDef | null => {
    const v = value(variable);
    // Unset, but assigned by this statement: MariaDB has made it a string by then.
    if (v === undefined || v === null) return blob(name, !assigned.has(variable.toLowerCase()));
    if (v instanceof Uint8Array) return blob(name, true);
    if (typeof v === 'string') return blob(name, false);
    if (typeof v === 'bigint' || Number.isInteger(v)) return bigintColumn(name);
    return doubleColumn(name);
  };
  return columns.map((c, i) => {
    const item = items[i]!;
    if (item.kind !== 'item') return c;
    const e = item.expr;
    if (e.kind === 'user_var') return ofVariable(c.name, e.name) ?? c;
    if (e.kind === 'assign' && e.value.kind === 'literal' && e.value.type === 'null')
      return column(c.name, ColumnType.VAR_STRING, 0, ColumnFlag.BINARY, 0, Charset.BINARY);
    const stringVariable = (a: Expr): boolean =>
      a.kind === 'user_var' && ofVariable('', a.name)?.flags === ColumnFlag.BLOB;
    if (e.kind === 'call' && e.name === 'CONCAT' && e.args.some(stringVariable))
      return blob(c.name, false);
    return c;
  });
}

export const dynamicColumn = (name: string): ColumnDef =>
  column(name, ColumnType.NULL, 0, 0, 0, Charset.BINARY);

// ---------------------------------------------------------------------------- inference

interface Scope {
  readonly catalog: Catalog;
  readonly database: string | null;
  /** alias (lower-case) → table */
  readonly tables: Map<string, TableDef>;
  readonly order: TableDef[];
  readonly aliases: Map<TableDef, string>;
  /** Derived tables and CTE references: alias (lower-case) → their result columns. */
  readonly derived: Map<string, ColumnDef[]>;
  /** Tables on the NULL side of an outer join (alias, lower-case): their columns may be NULL. */
  readonly nullable?: Set<string>;
  /** CTEs visible here: lower-case name → the columns of their query. */
  readonly ctes: ReadonlyMap<string, ColumnDef[] | null>;
  /** The type a prepared statement's `?` (by slot) was bound with; absent for text queries. */
  readonly boundType?: BoundType;
}

/** The MySQL type the client bound a `?` with (by its slot), or undefined when unknown. */
export type BoundType = (slot: number) => ColumnTypeCode | undefined;

let viewDepth = 0;

/** A view's columns: its SELECT's, under the view's column names (null when not known). */
function viewColumns(view: ViewDef, catalog: Catalog): ColumnDef[] | null {
  if (viewDepth >= VIEW_DEPTH_MAX) return null;
  const parsed = parse(view.queryText);
  if (!parsed.ok) return null;
  viewDepth++;
  try {
    const columns = columnsIn(parsed.value.statement as Query, catalog, view.queryDb, new Map());
    if (columns === null || columns.length !== view.columns.length) return null;
    return columns.map((c, i) => ({ ...c, name: view.columns[i]! }));
  } finally {
    viewDepth--;
  }
}

/**
 * Puts `refs` in scope; `nullSide`: they are on the NULL side of an outer join (the right of a
 * LEFT JOIN), where a NOT NULL column may read NULL (CREATE TABLE … SELECT must not keep it).
 */
function addSources(scope: Scope, refs: readonly TableRef[], nullSide = false): boolean {
  const maybeNull = (columns: ColumnDef[]): ColumnDef[] =>
    nullSide ? columns.map((c) => ({ ...c, flags: c.flags & ~ColumnFlag.NOT_NULL })) : columns;
  for (const ref of refs) {
    if (ref.kind === 'table') {
      const cte = ref.table.db === null ? scope.ctes.get(ref.table.name.toLowerCase()) : undefined;
      if (cte === null) return false;
      if (cte !== undefined) {
        scope.derived.set((ref.alias ?? ref.table.name).toLowerCase(), maybeNull(cte));
        continue;
      }
      const db = ref.table.db ?? scope.database;
      if (db === null) return false;
      const view = scope.catalog.view?.(db, ref.table.name);
      if (view !== undefined) {
        const columns = viewColumns(view, scope.catalog);
        if (columns === null) return false;
        scope.derived.set((ref.alias ?? ref.table.name).toLowerCase(), maybeNull(columns));
        continue;
      }
      const table = scope.catalog.table(db, ref.table.name);
      if (table === undefined) return false;
      const alias = ref.alias ?? ref.table.name;
      scope.tables.set(alias.toLowerCase(), table);
      scope.order.push(table);
      scope.aliases.set(table, alias);
      if (nullSide) scope.nullable?.add(alias.toLowerCase());
    } else if (ref.kind === 'join') {
      if (!addSources(scope, [ref.left], nullSide || ref.type === 'RIGHT')) return false;
      if (!addSources(scope, [ref.right], nullSide || ref.type === 'LEFT')) return false;
    } else if (ref.kind === 'json_table') {
      const table = jsonTableTable(ref);
      if (table === null) return false;
      scope.tables.set(ref.alias.toLowerCase(), table);
      scope.order.push(table);
      scope.aliases.set(table, ref.alias);
      if (nullSide) scope.nullable?.add(ref.alias.toLowerCase());
    } else {
      const columns = columnsIn(
        ref.query,
        scope.catalog,
        scope.database,
        scope.ctes,
        scope.boundType,
      );
      if (columns === null) return false;
      scope.derived.set(ref.alias.toLowerCase(), maybeNull(columns));
    }
  }
  return true;
}

/** `c` of the table under `alias`, which may read NULL on the NULL side of an outer join. */
function onNullSide(scope: Scope, alias: string, c: ColumnDef): ColumnDef {
  return scope.nullable?.has(alias.toLowerCase()) === true
    ? { ...c, flags: c.flags & ~ColumnFlag.NOT_NULL }
    : c;
}

// A JSON_TABLE's columns as a table's; null when it is refused (the emitter says why).
function jsonTableTable(ref: JsonTable): TableDef | null {
  try {
    return jsonTableDef(ref);
  } catch {
    return null;
  }
}

export { plainSelect } from '../sql/index.js';

/**
 * The result columns of a query, from the catalog where the items are columns and by inference
 * for expressions (through derived tables and CTEs too); null when they cannot be known before
 * running it.
 */
export function queryColumns(
  query: Query,
  catalog: Catalog,
  database: string | null,
  boundType?: BoundType,
): ColumnDef[] | null {
  return columnsIn(query, catalog, database, new Map(), boundType);
}

function columnsIn(
  query: Query,
  catalog: Catalog,
  database: string | null,
  outer: ReadonlyMap<string, ColumnDef[] | null>,
  boundType?: BoundType,
): ColumnDef[] | null {
  let ctes = outer;
  if (query.with !== undefined) {
    const inner = new Map(outer);
    for (const cte of query.with.ctes) {
      // A recursive CTE's types are its anchor's (the left member), as in MariaDB.
      const body = query.with.recursive && cte.query.kind === 'union' ? cte.query.left : cte.query;
      inner.set(cte.name.toLowerCase(), null);
      const columns = columnsIn(body, catalog, database, inner, boundType);
      const named =
        columns === null || cte.columns === null
          ? columns
          : cte.columns.length === columns.length
            ? columns.map((c, i) => ({ ...c, name: cte.columns![i]! }))
            : null;
      inner.set(cte.name.toLowerCase(), named);
    }
    ctes = inner;
  }
  if (query.kind === 'union') {
    const left = columnsIn(query.left, catalog, database, ctes, boundType);
    // INTERSECT and EXCEPT answer rows of the left member only.
    if (left === null || query.op !== 'UNION') return left;
    const right = columnsIn(query.right, catalog, database, ctes, boundType);
    if (right === null || right.length !== left.length) return left;
    return left.map((c, i) => unionColumn(c, right[i]!));
  }
  return selectColumns(query, catalog, database, ctes, boundType);
}

/**
 * A UNION's column: MariaDB aggregates the members' types (a string makes a string, else a
 * DOUBLE a DOUBLE, else a DECIMAL a DECIMAL of the larger scale, else the wider integer; a NULL
 * member takes the other's), so `SELECT 0 UNION SELECT price` keeps the prices' cents. The
 * name is the left member's; a column whose type changed no longer names a table's column.
 */
function unionColumn(left: ColumnDef, right: ColumnDef): ColumnDef {
  const c = unionType(left, right);
  // NOT NULL only when every member is (`SELECT 1 UNION SELECT NULL` may be NULL).
  return (left.flags & right.flags & ColumnFlag.NOT_NULL) !== 0
    ? c
    : { ...c, flags: c.flags & ~ColumnFlag.NOT_NULL };
}

function unionType(left: ColumnDef, right: ColumnDef): ColumnDef {
  if (isNullLiteral(right) || right.type === left.type) return left;
  if (isNullLiteral(left)) return { ...right, name: left.name };
  const name = left.name;
  const both = [left, right];
  if (both.some((c) => c.type === ColumnType.NULL)) return dynamicColumn(name);
  if (both.some((c) => STRING_TYPES.has(c.type)))
    return textColumn(name, Math.max(...both.map((c) => Math.ceil(c.length / 4)), 1));
  if (both.some((c) => c.type === ColumnType.DOUBLE || c.type === ColumnType.FLOAT))
    return doubleColumn(name);
  if (both.some((c) => c.type === ColumnType.NEWDECIMAL))
    return decimalColumn(
      name,
      Math.max(...both.map((c) => (c.type === ColumnType.NEWDECIMAL ? c.decimals : 0))),
    );
  if (both.every((c) => isIntegerType(c.type)))
    return integerColumn(
      name,
      Math.max(...both.map((c) => c.length)),
      both.some((c) => (c.flags & ColumnFlag.UNSIGNED) !== 0),
    );
  return left;
}

function selectColumns(
  s: Select,
  catalog: Catalog,
  database: string | null,
  ctes: ReadonlyMap<string, ColumnDef[] | null>,
  boundType?: BoundType,
): ColumnDef[] | null {
  const scope: Scope = {
    catalog,
    database,
    tables: new Map(),
    order: [],
    aliases: new Map(),
    derived: new Map(),
    nullable: new Set(),
    ctes,
    ...(boundType === undefined ? {} : { boundType }),
  };
  if (s.from !== null && !addSources(scope, s.from)) return null;
  const out: ColumnDef[] = [];
  for (const item of s.items) {
    if (item.kind === 'star') {
      const columns = starColumns(scope, s.from ?? [], item.table?.name.toLowerCase() ?? null);
      if (columns.length === 0) return null;
      out.push(...columns);
      continue;
    }
    out.push(exprColumn(item.name, item.expr, scope));
  }
  return out;
}

/**
 * The columns a `*` (or, with `only`, `t.*`) stands for over these FROM items, in MariaDB's order
 * (joinedStar, which the emitter follows too): a table's from the catalog, a derived table's,
 * CTE's or view's as its query reports them.
 */
function starColumns(scope: Scope, refs: readonly TableRef[], only: string | null): ColumnDef[] {
  const out: ColumnDef[] = [];
  for (const ref of refs) {
    if (ref.kind === 'join') {
      const left = starColumns(scope, [ref.left], only);
      const right = starColumns(scope, [ref.right], only);
      out.push(...joinedStar(ref, left, right, only !== null, (c) => c.name));
      continue;
    }
    const alias = (ref.kind === 'table' ? (ref.alias ?? ref.table.name) : ref.alias).toLowerCase();
    if (only === null || only === alias) out.push(...sourceColumns(scope, alias));
  }
  return out;
}

function sourceColumns(scope: Scope, alias: string): ColumnDef[] {
  const derived = scope.derived.get(alias);
  if (derived !== undefined) return derived;
  const table = scope.tables.get(alias);
  assert(table !== undefined, `FROM item ${alias} has no columns in scope`);
  return table.columns.map((c) =>
    onNullSide(scope, alias, columnOfTable(c.name, c, table, originOf(scope, table, c.name))),
  );
}

function originOf(scope: Scope, table: TableDef, column: string): Origin {
  return {
    table: scope.aliases.get(table) ?? table.name,
    orgTable: table.name,
    schema: table.db,
    orgName: column,
  };
}

function findColumn(scope: Scope, ref: Expr & { kind: 'column' }): [TableDef, SqlColumnDef] | null {
  const lower = ref.column.toLowerCase();
  const candidates =
    ref.table === null
      ? scope.order
      : [scope.tables.get(ref.table.toLowerCase())].filter((t): t is TableDef => t !== undefined);
  for (const table of candidates) {
    const def = table.columns.find((c) => c.name.toLowerCase() === lower);
    if (def !== undefined) return [table, def];
  }
  return null;
}

// A column of a derived table or CTE: its type as the inner query reports it.
function derivedColumn(name: string, ref: Expr & { kind: 'column' }, scope: Scope): ColumnDef {
  const lower = ref.column.toLowerCase();
  const sources =
    ref.table === null
      ? [...scope.derived.values()]
      : [scope.derived.get(ref.table.toLowerCase())].filter(
          (c): c is ColumnDef[] => c !== undefined,
        );
  for (const columns of sources) {
    const found = columns.find((c) => c.name.toLowerCase() === lower);
    if (found !== undefined) return { ...found, name };
  }
  return dynamicColumn(name);
}

const DATETIME_FUNCTIONS = new Set([
  'NOW',
  'SYSDATE',
  'UTC_TIMESTAMP',
  'FROM_UNIXTIME',
  'CURRENT_TIMESTAMP',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'CONVERT_TZ',
  'TIMESTAMP',
]);
const DATE_FUNCTIONS = new Set([
  'CURDATE',
  'CURRENT_DATE',
  'UTC_DATE',
  'LAST_DAY',
  'FROM_DAYS',
  'MAKEDATE',
]);
export const INT_FUNCTIONS: ReadonlySet<string> = new Set([
  'COUNT',
  'INTERVAL',
  'COERCIBILITY',
  'LENGTH',
  'CHAR_LENGTH',
  'CHARACTER_LENGTH',
  'OCTET_LENGTH',
  'UNIX_TIMESTAMP',
  'YEAR',
  'MONTH',
  'DAY',
  'DAYOFMONTH',
  'DAYOFWEEK',
  'DAYOFYEAR',
  'WEEKDAY',
  'WEEK',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MICROSECOND',
  'DATEDIFF',
  'TIMESTAMPDIFF',
  'TO_DAYS',
  'LOCATE',
  'INSTR',
  'FIELD',
  'FIND_IN_SET',
  'STRCMP',
  'CRC32',
  'BIT_COUNT',
  'CONNECTION_ID',
  'LAST_INSERT_ID',
  'FOUND_ROWS',
  'ROW_COUNT',
  'ASCII',
  'ORD',
  'SIGN',
  'INET_ATON',
  'SLEEP',
  'GET_LOCK',
  'RELEASE_LOCK',
  'IS_FREE_LOCK',
  'IS_USED_LOCK',
  'RELEASE_ALL_LOCKS',
  'ISNULL',
  'CEIL',
  'CEILING',
  'FLOOR',
  'JSON_LENGTH',
  'BIT_AND',
  'BIT_OR',
  'BIT_XOR',
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'NTILE',
  'QUARTER',
  'YEARWEEK',
  'REGEXP_INSTR',
  'JSON_VALID',
  'JSON_CONTAINS',
  'BENCHMARK',
  'WEEKOFYEAR',
  'EXTRACT',
  'PERIOD_ADD',
  'PERIOD_DIFF',
  'JSON_CONTAINS_PATH',
  'JSON_DEPTH',
  'IS_IPV4',
  'IS_IPV6',
  'TO_SECONDS',
  'BIT_LENGTH',
]);
const DOUBLE_FUNCTIONS = new Set([
  'RAND',
  'SQRT',
  'EXP',
  'LN',
  'LOG',
  'LOG10',
  'LOG2',
  'POW',
  'POWER',
  'PI',
  'SIN',
  'COS',
  'TAN',
  'ASIN',
  'ACOS',
  'ATAN',
  'ATAN2',
  'COT',
  'RADIANS',
  'DEGREES',
  'STD',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
]);

function exprColumn(name: string, e: Expr, scope: Scope): ColumnDef {
  if (PREDICATE_KINDS.has(e.kind)) return booleanColumn(name);
  switch (e.kind) {
    case 'assign': {
      // `@v := x` is sent as x is, but never NOT NULL (MariaDB's Item_func_set_user_var).
      // An integer is LONG or LONGLONG by its width (`@a := 1` LONG, `@m := MAX(int)` LONGLONG).
      const c = exprColumn(name, e.value, scope);
      const integer = INTEGER_TYPES.has(c.type)
        ? integerColumn(name, c.length, (c.flags & ColumnFlag.UNSIGNED) !== 0)
        : c;
      return { ...integer, flags: integer.flags & ~ColumnFlag.NOT_NULL };
    }
    case 'column': {
      const found = findColumn(scope, e);
      if (found === null) return derivedColumn(name, e, scope);
      const [table, def] = found;
      const c = columnOfTable(name, def, table, originOf(scope, table, def.name));
      return onNullSide(scope, scope.aliases.get(table) ?? table.name, c);
    }
    case 'literal':
      switch (e.type) {
        case 'int':
        case 'bool': {
          const text = e.type === 'bool' ? '1' : (e.value ?? '');
          // Beyond BIGINT UNSIGNED an integer literal is a DECIMAL (MySQL).
          if (isDecimalInteger(text)) return { ...decimalColumn(name, 0), length: text.length + 1 };
          const unsigned = /^\d+$/.test(text) && BigInt(text) > INT64_MAX;
          const c = integerColumn(name, text.length, unsigned);
          return { ...c, flags: c.flags | ColumnFlag.NOT_NULL };
        }
        case 'decimal': {
          // MariaDB's width of a DECIMAL literal: its digits, the point and a sign.
          const [whole = '', fraction = ''] = (e.value ?? '').split('.');
          const digits = whole.replace(/^0+(?=\d)/, '').length + fraction.length;
          const length = digits + (fraction.length > 0 ? 1 : 0) + 1;
          return { ...decimalColumn(name, fraction.length), length };
        }
        case 'float':
          return doubleColumn(name);
        case 'null':
          return nullColumn(name);
        case 'hex':
        case 'bit': {
          // A binary string that MariaDB also flags UNSIGNED (it can serve as a number).
          const c = blobColumn(name);
          return { ...c, type: ColumnType.VAR_STRING, flags: c.flags | ColumnFlag.UNSIGNED };
        }
        case 'string': {
          const length = Math.max(1, (e.value ?? '').length);
          // `_binary 'a'` is a binary string, as X'61' is.
          if (e.charset === 'binary') return { ...binaryStringColumn(name), length };
          return textColumn(name, length);
        }
      }
      break;
    case 'binary':
      if (COMPARISON_OPERATORS.has(e.op)) return booleanColumn(name);
      if (BIT_OPERATORS.has(e.op)) return integerColumn(name, 21, true);
      if (e.op === 'DIV')
        return integerColumn(name, asArithmetic(exprColumn('', e.left, scope)).length);
      if (e.op === '/') return quotientColumn(name, e.left, e.right, scope);
      if ((e.op === '+' || e.op === '-') && e.right.kind === 'interval')
        return temporalSumColumn(name, exprColumn('', e.left, scope), e.right.unit);
      if (e.op === '+' && e.left.kind === 'interval')
        return temporalSumColumn(name, exprColumn('', e.right, scope), e.left.unit);
      return numericOf(name, e.op, [e.left, e.right], scope);
    case 'unary':
      if (e.op === 'NOT') return booleanColumn(name);
      if (e.op === '~') return integerColumn(name, 21, true);
      if (e.op === 'BINARY') return blobColumn(name);
      if (e.op === '-') {
        const inner = exprColumn(name, e.operand, scope);
        // A string negated is a DOUBLE (-note of '7' is -7).
        if (STRING_TYPES.has(inner.type)) return doubleColumn(name);
        if (!isIntegerType(inner.type)) return inner;
        return integerColumn(name, inner.length + 1);
      }
      return exprColumn(name, e.operand, scope);
    case 'cast': {
      if (e.type.name !== 'SIGNED' && e.type.name !== 'UNSIGNED')
        return castColumn(name, e.type.name, e.type.scale);
      const inner = exprColumn('', e.operand, scope);
      const unsigned = e.type.name === 'UNSIGNED';
      // CAST(… AS UNSIGNED) keeps the width of an unsigned operand or of a literal like 12;
      // anything that may be negative becomes a BIGINT UNSIGNED (-1 is 18446744073709551615).
      const keeps =
        !unsigned ||
        (inner.flags & ColumnFlag.UNSIGNED) !== 0 ||
        (e.operand.kind === 'literal' && e.operand.type === 'int');
      if (isIntegerType(inner.type) && keeps) return integerColumn(name, inner.length, unsigned);
      if (unsigned) return integerColumn(name, 21, true);
      // MariaDB sizes CAST(… AS SIGNED) by the operand's characters (at least 2): '12', 1.5
      // and NULL give a LONG.
      const characters = inner.charset === Charset.BINARY ? inner.length : inner.length / 4;
      return integerColumn(name, Math.max(2, Math.min(characters, 21)));
    }
    case 'call': {
      const c = callColumn(name, e, scope);
      if (!JSON_FORMAT_FUNCTIONS.has(e.name)) return c;
      // A JSON function of a LONGTEXT (a JSON column) may be as long: a LONGTEXT too.
      const long = e.args.some((a) => exprColumn('', a, scope).length > MEDIUM_TEXT_LENGTH);
      return { ...(long && c.type !== ColumnType.BLOB ? longTextResult(name) : c), format: 'json' };
    }
    case 'subquery': {
      const cols = queryColumns(e.query, scope.catalog, scope.database, scope.boundType);
      return cols?.[0] !== undefined ? { ...cols[0], name } : dynamicColumn(name);
    }
    case 'case': {
      const branches = [...e.whens.map((w) => w.then), ...(e.otherwise ? [e.otherwise] : [])];
      return aggregateColumn(name, branches, scope);
    }
    case 'collate':
      return exprColumn(name, e.operand, scope);
    case 'convert_using': {
      // Bytes or a number read in a character set are its text (CHAR(65 USING utf8mb4)).
      const inner = exprColumn(name, e.operand, scope);
      if (e.charset === 'binary') return binaryStringColumn(name);
      if (STRING_TYPES.has(inner.type) && inner.charset !== Charset.BINARY) return inner;
      return textColumn(name, Math.max(1, Math.min(inner.length, 16383)));
    }
    case 'param':
      return paramColumn(name, scope.boundType?.(e.slot));
    case 'system_var':
      return UNSIGNED_VARIABLES.has(e.name.toLowerCase())
        ? integerColumn(name, 21, true)
        : dynamicColumn(name);
    default:
      break;
  }
  return dynamicColumn(name);
}

/**
 * A `?` typed as the client bound it, as MariaDB types it: a DOUBLE (mysql2 binds every JS
 * number so: `? + ?` is a DOUBLE), a NULL; other types are known from the value (first row).
 */
function paramColumn(name: string, type: ColumnTypeCode | undefined): ColumnDef {
  if (type === ColumnType.DOUBLE || type === ColumnType.FLOAT) return doubleColumn(name);
  if (type === ColumnType.NULL) return nullColumn(name);
  if (type !== undefined && STRING_TYPES.has(type)) return textColumn(name, 255);
  if (type !== undefined && isIntegerType(type)) return bigintColumn(name);
  return dynamicColumn(name);
}

function numericOf(name: string, op: string, operands: readonly Expr[], scope: Scope): ColumnDef {
  const columns = operands.map((o) =>
    o.kind === 'param' && scope.boundType?.(o.slot) === ColumnType.NULL
      ? doubleColumn('')
      : o.kind === 'literal' && (o.type === 'hex' || o.type === 'bit')
        ? hexNumberColumn(o.type === 'bit' ? bitLiteralHex(o.value ?? '') : (o.value ?? ''))
        : asArithmetic(exprColumn('', o, scope)),
  );
  if (columns.some((c) => c.type === ColumnType.DOUBLE || c.type === ColumnType.FLOAT))
    return doubleColumn(name);
  // A DECIMAL's scale: a product's is the sum of its operands', a sum's the largest (MySQL).
  if (columns.some((c) => c.type === ColumnType.NEWDECIMAL)) {
    const scales = columns.map((c) => (c.type === ColumnType.NEWDECIMAL ? c.decimals : 0));
    const scale = op === '*' ? scales.reduce((a, b) => a + b, 0) : Math.max(...scales);
    return decimalColumn(name, Math.min(scale, DECIMAL_SCALE_MAX));
  }
  if (columns.some((c) => c.type === ColumnType.NULL)) return dynamicColumn(name);
  if (columns.every((c) => isIntegerType(c.type))) {
    // MariaDB's widths: a sum or difference is one wider than its widest operand, a product as
    // wide as both together, a remainder as its widest; unsigned if an operand is.
    const widths = columns.map((c) => c.length);
    const unsigned = columns.some((c) => (c.flags & ColumnFlag.UNSIGNED) !== 0);
    if (op === '*')
      return integerColumn(
        name,
        widths.reduce((a, b) => a + b, 0),
        unsigned,
      );
    if (op === '+' || op === '-') return integerColumn(name, Math.max(...widths) + 1, unsigned);
    return integerColumn(name, Math.max(...widths), unsigned);
  }
  return doubleColumn(name);
}

/** A hex literal in arithmetic: an unsigned integer as wide as its largest value's digits. */
function hexNumberColumn(hexDigits: string): ColumnDef {
  const bytes = Math.max(1, Math.ceil(hexDigits.length / 2));
  return integerColumn('', String(2n ** BigInt(8 * bytes) - 1n).length, true);
}

/**
 * A DATE, DATETIME or TIME (without fractions) in arithmetic is an integer of its digits, as
 * wide as MariaDB counts it (d + 0 and dt + 0 are BIGINT, tm + 0 an INT).
 */
function asArithmetic(c: ColumnDef): ColumnDef {
  if (c.decimals > 0) return c;
  if (c.type === ColumnType.DATE) return integerColumn(c.name, 10);
  if (c.type === ColumnType.DATETIME || c.type === ColumnType.TIMESTAMP)
    return integerColumn(c.name, 19);
  if (c.type === ColumnType.TIME) return integerColumn(c.name, 8);
  // An ENUM is its member's index (MariaDB sizes it as a small integer).
  if ((c.flags & ColumnFlag.ENUM) !== 0) return integerColumn(c.name, 5);
  // A SET is the sum of its members' bits (MariaDB types it so too).
  if ((c.flags & ColumnFlag.SET) !== 0) return integerColumn(c.name, 5);
  // A BIT(n) is an unsigned integer of n bits.
  if (c.type === ColumnType.BIT)
    return integerColumn(c.name, String(2n ** BigInt(Math.max(1, c.length)) - 1n).length, true);
  return c;
}

/** MariaDB's largest DECIMAL scale, and div_precision_increment's default. */
const DECIMAL_SCALE_MAX = 38;
const DIV_PRECISION_INCREMENT = 4;

/**
 * `x / y`: a DOUBLE when an operand is one (or a string), else a DECIMAL whose scale is the
 * dividend's plus div_precision_increment (`price / 3` with price DECIMAL(10,2) has 6).
 */
function quotientColumn(name: string, left: Expr, right: Expr, scope: Scope): ColumnDef {
  const column = numericOf(name, '/', [left, right], scope);
  if (column.type === ColumnType.DOUBLE) return column;
  const dividend = exprColumn('', left, scope);
  const scale = dividend.type === ColumnType.NEWDECIMAL ? dividend.decimals : 0;
  return decimalColumn(name, Math.min(scale + DIV_PRECISION_INCREMENT, DECIMAL_SCALE_MAX));
}

/**
 * AVG, STD, VARIANCE, …: the argument's scale plus div_precision_increment (AVG of a DECIMAL(10,2)
 * has 6 places, VARIANCE of an INT 4); AVG is a DECIMAL unless its argument is a DOUBLE.
 */
function statisticColumn(name: string, fn: string, arg: Expr | undefined, scope: Scope): ColumnDef {
  const inner = arg === undefined ? null : exprColumn('', arg, scope);
  const floating =
    inner !== null && (inner.type === ColumnType.DOUBLE || inner.type === ColumnType.FLOAT);
  const scale = inner?.type === ColumnType.NEWDECIMAL ? inner.decimals : 0;
  if (fn === 'AVG' && !floating)
    return decimalColumn(name, Math.min(scale + DIV_PRECISION_INCREMENT, DECIMAL_SCALE_MAX));
  if (floating || inner === null) return doubleColumn(name);
  return { ...doubleColumn(name), decimals: scale + DIV_PRECISION_INCREMENT };
}

const STATISTICS = new Set([
  'AVG',
  'STD',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
]);

/**
 * The column of CASE, IF, IFNULL and COALESCE: MySQL's type aggregation of the branches (NULL
 * literals aside): any string makes a string, else any DOUBLE a DOUBLE, else any DECIMAL a
 * DECIMAL, else integers as wide as the widest; one temporal type alone stays itself.
 */
function aggregateColumn(name: string, branches: readonly Expr[], scope: Scope): ColumnDef {
  const isNull = (b: Expr): boolean =>
    (b.kind === 'literal' && b.type === 'null') ||
    (b.kind === 'param' && scope.boundType?.(b.slot) === ColumnType.NULL);
  const known = branches.filter((b) => !isNull(b)).map((b) => exprColumn(name, b, scope));
  if (known.length === 0) return branches.length === 0 ? dynamicColumn(name) : nullColumn(name);
  if (known.some((c) => c.type === ColumnType.NULL && c.length === 0)) return dynamicColumn(name);
  const first = known[0]!;
  if (known.every((c) => c.type === first.type && !isIntegerType(c.type))) {
    const same = { ...first, name };
    if (first.type !== ColumnType.NEWDECIMAL) return same;
    return { ...same, decimals: Math.max(...known.map((c) => c.decimals)) };
  }
  const numeric = known.every(
    (c) =>
      isIntegerType(c.type) ||
      c.type === ColumnType.NEWDECIMAL ||
      c.type === ColumnType.DOUBLE ||
      c.type === ColumnType.FLOAT,
  );
  if (!numeric) return textColumn(name);
  if (known.some((c) => c.type === ColumnType.DOUBLE || c.type === ColumnType.FLOAT))
    return doubleColumn(name);
  if (known.some((c) => c.type === ColumnType.NEWDECIMAL))
    return decimalColumn(name, Math.max(...known.map((c) => c.decimals)));
  const unsigned = known.every((c) => (c.flags & ColumnFlag.UNSIGNED) !== 0);
  return integerColumn(name, Math.max(...known.map((c) => c.length)), unsigned);
}

const DATE_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'YEAR_MONTH']);

/**
 * A date plus an interval, as MariaDB types it: a DATE stays a DATE for whole days, months and
 * years and becomes a DATETIME otherwise; DATETIME and TIME stay themselves; anything else
 * (a string) is a fixed-length STRING.
 */
function temporalSumColumn(name: string, date: ColumnDef, unit: string): ColumnDef {
  if (date.type === ColumnType.DATE)
    return DATE_UNITS.has(unit) ? dateColumn(name) : datetimeColumn(name);
  // A DATETIME(n) or TIMESTAMP(n) keeps its fraction digits (TIMESTAMP(3) + INTERVAL 1 HOUR
  // shows .123).
  if (date.type === ColumnType.DATETIME || date.type === ColumnType.TIMESTAMP) {
    const fsp = date.decimals > 0 && date.decimals <= 6 ? date.decimals : 0;
    return fsp === 0
      ? datetimeColumn(name)
      : { ...datetimeColumn(name), decimals: fsp, length: 20 + fsp };
  }
  if (date.type === ColumnType.TIME) return timeColumn(name);
  return { ...textColumn(name, 29), type: ColumnType.STRING };
}

/** The value of an integer literal (or its negation), else null. */
function literalInteger(e: Expr): number | null {
  if (e.kind === 'literal' && e.type === 'int') return Number(e.value);
  if (e.kind === 'unary' && e.op === '-') {
    const inner = literalInteger(e.operand);
    return inner === null ? null : -inner;
  }
  return null;
}

function castColumn(name: string, type: string, scale: number | null): ColumnDef {
  switch (type) {
    case 'SIGNED':
    case 'UNSIGNED':
      return bigintColumn(name);
    case 'DECIMAL':
      return decimalColumn(name, scale ?? 0);
    case 'DOUBLE':
    case 'FLOAT':
      return doubleColumn(name);
    case 'DATE':
      return dateColumn(name);
    case 'DATETIME':
      return datetimeColumn(name);
    case 'TIME':
      return timeColumn(name);
    case 'BINARY':
      return blobColumn(name);
    default:
      return textColumn(name);
  }
}

// Integer functions whose type MariaDB fixes regardless of the arguments (Item_long_func and
// its kin); the rest of INT_FUNCTIONS are LONGLONG.
const LONG_FUNCTIONS = new Set([
  'INTERVAL',
  'COERCIBILITY',
  'JSON_VALID',
  'JSON_CONTAINS',
  'BENCHMARK',
  'ORD',
  'QUARTER',
  'YEARWEEK',
  'WEEKOFYEAR',
  'EXTRACT',
  'PERIOD_ADD',
  'PERIOD_DIFF',
  'REGEXP_INSTR',
  'JSON_CONTAINS_PATH',
  'JSON_DEPTH',
  'IS_IPV4',
  'IS_IPV6',
  'LENGTH',
  'CHAR_LENGTH',
  'CHARACTER_LENGTH',
  'OCTET_LENGTH',
  'YEAR',
  'MONTH',
  'DAY',
  'DAYOFMONTH',
  'DAYOFWEEK',
  'DAYOFYEAR',
  'WEEKDAY',
  'WEEK',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MICROSECOND',
  'DATEDIFF',
  'TO_DAYS',
  'LOCATE',
  'INSTR',
  'FIELD',
  'FIND_IN_SET',
  'STRCMP',
  'BIT_COUNT',
  'ASCII',
  'SIGN',
  'SLEEP',
  'ISNULL',
  'JSON_LENGTH',
  'GET_LOCK',
  'RELEASE_LOCK',
  'IS_FREE_LOCK',
  'IS_USED_LOCK',
]);
const UNSIGNED_LONG_FUNCTIONS = new Set(['CRC32', 'CONNECTION_ID', 'RELEASE_ALL_LOCKS']);
const UNSIGNED_LONGLONG_FUNCTIONS = new Set([
  'LAST_INSERT_ID',
  'BIT_AND',
  'BIT_OR',
  'BIT_XOR',
  'INET_ATON',
]);
const TIME_FUNCTIONS = new Set([
  'CURTIME',
  'CURRENT_TIME',
  'UTC_TIME',
  'TIME',
  'TIMEDIFF',
  'SEC_TO_TIME',
  'MAKETIME',
]);

function integerCallColumn(name: string, fn: string): ColumnDef {
  if (LONG_FUNCTIONS.has(fn)) return integerColumn(name, INT32_WIDTH_MAX);
  if (UNSIGNED_LONG_FUNCTIONS.has(fn)) return integerColumn(name, INT32_WIDTH_MAX, true);
  if (UNSIGNED_LONGLONG_FUNCTIONS.has(fn)) return integerColumn(name, 21, true);
  return bigintColumn(name);
}

/** The functions whose result MariaDB sends with the `json` format (a client parses it). */
const JSON_FORMAT_FUNCTIONS: ReadonlySet<string> = new Set([
  'JSON_ARRAY',
  'JSON_ARRAYAGG',
  'JSON_ARRAY_APPEND',
  'JSON_ARRAY_INSERT',
  'JSON_COMPACT',
  'JSON_DETAILED',
  'JSON_EXTRACT',
  'JSON_INSERT',
  'JSON_LOOSE',
  'JSON_MERGE',
  'JSON_MERGE_PATCH',
  'JSON_MERGE_PRESERVE',
  'JSON_NORMALIZE',
  'JSON_OBJECT',
  'JSON_OBJECTAGG',
  'JSON_QUERY',
  'JSON_REMOVE',
  'JSON_REPLACE',
  'JSON_SEARCH',
  'JSON_SET',
]);

/** A MEDIUMTEXT's greatest length: a string result longer than it is a LONGTEXT. */
const MEDIUM_TEXT_LENGTH = 16777215;

/** A string result that may be as long as a LONGTEXT (MariaDB sends LONG_BLOB). */
const longTextResult = (name: string): ColumnDef =>
  column(name, ColumnType.LONG_BLOB, 4294967295, ColumnFlag.BLOB, 39, Charset.UTF8MB4_GENERAL_CI);

function callColumn(name: string, e: Expr & { kind: 'call' }, scope: Scope): ColumnDef {
  const fn = e.name;
  // DEFAULT(col): typed as the column, from no table, and NULL when it has no default.
  const ref = e.args[0];
  if (fn === 'DEFAULT' && ref?.kind === 'column') {
    const found = findColumn(scope, ref);
    if (found !== null) {
      const [table, def] = found;
      const c = columnOfTable(name, { ...def, autoIncrement: false }, table, {});
      return { ...c, flags: c.flags & ~ColumnFlag.NOT_NULL };
    }
  }
  if (fn === 'CEIL' || fn === 'CEILING' || fn === 'FLOOR') {
    const arg = e.args[0];
    const inner = arg === undefined ? null : exprColumn('', arg, scope);
    if (inner !== null && (isIntegerType(inner.type) || inner.type === ColumnType.NEWDECIMAL))
      return integerColumn(name, Math.max(1, inner.length - inner.decimals));
    return doubleColumn(name);
  }
  if (fn === 'LAST_INSERT_ID' && e.args.length === 1) {
    // LAST_INSERT_ID(x) is a BIGINT UNSIGNED as wide as x (LAST_INSERT_ID(5) + 1 is a LONG).
    const inner = exprColumn('', e.args[0]!, scope);
    return { ...integerCallColumn(name, fn), length: Math.max(1, inner.length) };
  }
  if (INT_FUNCTIONS.has(fn)) return integerCallColumn(name, fn);
  if (TIME_FUNCTIONS.has(fn)) return timeColumn(name);
  if (fn === 'DATE') return dateColumn(name);
  // JSON_ARRAYAGG and JSON_OBJECTAGG are GROUP_CONCAT's kin in MariaDB: a text BLOB.
  if (fn === 'GROUP_CONCAT' || fn === 'JSON_ARRAYAGG' || fn === 'JSON_OBJECTAGG')
    return groupConcatColumn(name);
  // REGEXP_REPLACE's result may grow without bound: a LONGTEXT in MariaDB.
  if (fn === 'REGEXP_REPLACE') return longTextResult(name);
  // MIN/MAX of an integer expression is a LONGLONG in MariaDB; of a column, the column's type.
  if ((fn === 'MIN' || fn === 'MAX') && e.args[0] !== undefined && e.args[0].kind !== 'column') {
    if (isIntegerType(exprColumn(name, e.args[0], scope).type)) return bigintColumn(name);
  }
  if (fn === 'MOD' && e.args.length === 2) return numericOf(name, '%', e.args, scope);
  if (fn === 'IF' || fn === 'IFNULL' || fn === 'COALESCE')
    return aggregateColumn(name, fn === 'IF' ? e.args.slice(1) : e.args, scope);
  // PI() is a DOUBLE with 6 decimals in MariaDB: 3.141593.
  if (fn === 'PI') return { ...doubleColumn(name), decimals: 6 };
  if (STATISTICS.has(fn) && e.over === undefined)
    return statisticColumn(name, fn, e.args[0], scope);
  if (DOUBLE_FUNCTIONS.has(fn)) return doubleColumn(name);
  // UUID() is a CHAR(36) in MariaDB (MYSQL_TYPE_STRING), not a VARCHAR.
  if (fn === 'UUID')
    return column(name, ColumnType.STRING, 36 * UTF8MB4_BYTES, 0, 0, Charset.UTF8MB4_GENERAL_CI);
  // FROM_UNIXTIME(t, format) is the formatted text, not a DATETIME.
  if (fn === 'FROM_UNIXTIME' && e.args.length === 2) return textColumn(name);
  if (DATETIME_FUNCTIONS.has(fn)) return datetimeColumn(name);
  if (DATE_FUNCTIONS.has(fn)) return dateColumn(name);
  switch (fn) {
    case 'SUM': {
      const arg = e.args[0];
      const inner = arg === undefined ? null : exprColumn('', arg, scope);
      if (inner !== null && (inner.type === ColumnType.DOUBLE || inner.type === ColumnType.FLOAT))
        return doubleColumn(name);
      return decimalColumn(name, inner?.type === ColumnType.NEWDECIMAL ? inner.decimals : 0);
    }
    case 'AVG':
      return decimalColumn(name, 4);
    case 'ROUND':
    case 'TRUNCATE': {
      // A DECIMAL rounds to a DECIMAL of as many places as asked (ROUND(2.5, 2) is 2.50).
      const [arg, places] = e.args;
      if (arg === undefined) return dynamicColumn(name);
      const inner = exprColumn(name, arg, scope);
      const d = places === undefined ? 0 : literalInteger(places);
      if (inner.type === ColumnType.NEWDECIMAL && d !== null)
        return decimalColumn(name, Math.max(0, Math.min(30, d)));
      // A DOUBLE (a string is read as one) keeps a constant count of places (ROUND(2.5e0, 2)
      // shows 2.50), or none fixed.
      const approximate =
        inner.type === ColumnType.VAR_STRING ||
        inner.type === ColumnType.DOUBLE ||
        inner.type === ColumnType.FLOAT;
      if (approximate)
        return d === null
          ? doubleColumn(name)
          : { ...doubleColumn(name), decimals: Math.max(0, Math.min(30, d)) };
      return {
        ...inner,
        flags: inner.flags & ~ColumnFlag.NOT_NULL,
        orgName: undefined,
        orgTable: undefined,
        table: undefined,
        schema: undefined,
      } as ColumnDef;
    }
    case 'PERCENT_RANK':
    case 'CUME_DIST':
      // MariaDB reports them as DOUBLE with 10 decimals (printed 0.3333333333).
      return { ...doubleColumn(name), length: 17, decimals: 10 };
    case 'GREATEST':
    case 'LEAST':
      return extremeColumn(name, e.args, scope);
    case 'LAG':
    case 'LEAD':
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
    case 'NTH_VALUE':
    case 'MIN':
    case 'MAX':
    case 'IFNULL':
    case 'COALESCE':
    case 'NULLIF':
    case 'ABS': {
      const arg = e.args[0];
      if (arg === undefined) return dynamicColumn(name);
      const inner = exprColumn(name, arg, scope);
      // MIN(NULL)/MAX(NULL) are binary strings, ABS(NULL) a DOUBLE (MariaDB's types).
      if (isNullLiteral(inner)) {
        if (fn === 'MIN' || fn === 'MAX') return binaryStringColumn(name);
        if (fn === 'ABS') return doubleColumn(name);
      }
      // ABS of a string reads it as a DOUBLE.
      if (fn === 'ABS' && STRING_TYPES.has(inner.type)) return doubleColumn(name);
      return {
        ...inner,
        flags:
          inner.flags &
          ~(
            ColumnFlag.NOT_NULL |
            ColumnFlag.PRI_KEY |
            ColumnFlag.AUTO_INCREMENT |
            ColumnFlag.UNIQUE_KEY |
            ColumnFlag.MULTIPLE_KEY
          ),
        orgName: undefined,
        orgTable: undefined,
        table: undefined,
        schema: undefined,
      } as ColumnDef;
    }
    case 'IF': {
      const arg = e.args[1];
      return arg === undefined ? dynamicColumn(name) : exprColumn(name, arg, scope);
    }
    case 'RANDOM_BYTES':
    case 'UNHEX':
    case 'FROM_BASE64':
      return binaryStringColumn(name);
    case 'CHAR':
      return binaryStringColumn(name);
    case 'TIME_TO_SEC':
      // An integer for whole seconds, a fraction otherwise: decided from the value.
      return dynamicColumn(name);
    case 'DATE_ADD':
    case 'DATE_SUB':
    case 'ADDDATE':
    case 'SUBDATE': {
      const [date, interval] = e.args;
      if (date === undefined) return dynamicColumn(name);
      const unit = interval?.kind === 'interval' ? interval.unit : 'DAY';
      return temporalSumColumn(name, exprColumn('', date, scope), unit);
    }
    case 'ADDTIME':
    case 'SUBTIME': {
      const arg = e.args[0];
      return arg === undefined
        ? dynamicColumn(name)
        : temporalSumColumn(name, exprColumn('', arg, scope), 'SECOND');
    }
    case 'INET6_ATON':
      return binaryStringColumn(name);
    case 'INET6_NTOA':
      return textColumn(name, 39);
    case 'HEX':
    case 'CHARSET':
    case 'COLLATION':
      // Hex digits and a collation's name are text, whatever the argument was.
      return textColumn(name);
    case 'TIMESTAMPADD': {
      // DATE_ADD's column: TIMESTAMPADD(MINUTE, 90, d) is DATE_ADD(d, INTERVAL 90 MINUTE).
      const [unit, , date] = e.args;
      const word =
        unit?.kind === 'column' ? unit.column.toUpperCase().replace(/^SQL_TSI_/, '') : '';
      if (date === undefined || word === '') return textColumn(name, 26);
      return temporalSumColumn(name, exprColumn('', date, scope), word);
    }
    case 'STR_TO_DATE':
      return strToDateColumn(name, e.args[1]);
    default:
      return binaryResult(e.args.map((a) => exprColumn('', a, scope)))
        ? binaryStringColumn(name)
        : textColumn(name);
  }
}

/**
 * STR_TO_DATE's column follows its format's specifiers when the format is a literal (DATE, TIME,
 * DATETIME; with `%f` six decimals); any other format makes a DATETIME, as in MariaDB.
 */
function strToDateColumn(name: string, format: Expr | undefined): ColumnDef {
  if (format?.kind !== 'literal' || format.type !== 'string' || format.value === null)
    return datetimeColumn(name);
  const fraction = format.value.includes('%f') ? 6 : 0;
  switch (strToDateKind(format.value)) {
    case 'date':
      return dateColumn(name);
    case 'time':
      return { ...timeColumn(name), decimals: fraction };
    default:
      return { ...datetimeColumn(name), decimals: fraction };
  }
}

/**
 * GREATEST/LEAST: a DOUBLE when strings meet numbers or an argument is NULL (MariaDB's
 * comparison type), else as CASE aggregates its branches (integers, DECIMALs, strings).
 */
/** The types GREATEST and LEAST compare as dates among strings (TIME keeps its text order). */
const EXTREME_TEMPORAL_TYPES: ReadonlySet<number> = new Set([
  ColumnType.DATE,
  ColumnType.DATETIME,
  ColumnType.TIMESTAMP,
]);

function extremeColumn(name: string, args: readonly Expr[], scope: Scope): ColumnDef {
  const columns = args.map((a) => exprColumn('', a, scope));
  const strings = columns.some((c) => STRING_TYPES.has(c.type));
  // A DATE or DATETIME among strings compares as one, and is the result (GREATEST(d, '2024-01-01')
  // is a DATE); a DATE with a DATETIME is a DATETIME.
  const temporal = columns.filter((c) => EXTREME_TEMPORAL_TYPES.has(c.type));
  if (
    temporal.length > 0 &&
    columns.every((c) => EXTREME_TEMPORAL_TYPES.has(c.type) || STRING_TYPES.has(c.type))
  ) {
    const first = temporal[0]!;
    if (temporal.every((c) => c.type === first.type))
      return { ...first, name, decimals: Math.max(...temporal.map((c) => c.decimals)) };
    const decimals = Math.max(
      ...temporal.map((c) => (c.type === ColumnType.DATE ? 0 : c.decimals)),
    );
    const datetime = datetimeColumn(name);
    return { ...datetime, decimals, length: decimals > 0 ? 20 + decimals : 19 };
  }
  const numbers = columns.some((c) => c.charset === Charset.BINARY && !STRING_TYPES.has(c.type));
  if (columns.some(isNullLiteral) || (strings && numbers)) return doubleColumn(name);
  return aggregateColumn(name, args, scope);
}

/** A VAR_STRING of the binary charset (UNHEX, CHAR, a string function of NULL). */
const binaryStringColumn = (name: string): ColumnDef => ({
  ...blobColumn(name),
  type: ColumnType.VAR_STRING,
  flags: ColumnFlag.BINARY,
});

const STRING_TYPES: ReadonlySet<number> = new Set([
  ColumnType.VAR_STRING,
  ColumnType.STRING,
  ColumnType.BLOB,
  ColumnType.TINY_BLOB,
  ColumnType.MEDIUM_BLOB,
  ColumnType.LONG_BLOB,
]);

const isNullLiteral = (c: ColumnDef): boolean =>
  c.type === ColumnType.NULL && (c.flags & ColumnFlag.BINARY) !== 0;

/**
 * MariaDB's charset aggregation for a string function: a binary string argument (X'…', a BLOB)
 * makes the result binary (`CONCAT('a', 0x41)`), and so does NULL when no other string is there
 * to give a charset (`LOWER(NULL)`, `LEFT(NULL, 2)`, but not `CONCAT('a', NULL)`).
 */
function binaryResult(args: readonly ColumnDef[]): boolean {
  const strings = args.filter((c) => STRING_TYPES.has(c.type));
  if (strings.some((c) => c.charset === Charset.BINARY)) return true;
  return strings.length === 0 && args.some(isNullLiteral);
}

export function isIntegerType(type: ColumnTypeCode): boolean {
  return (
    type === ColumnType.TINY ||
    type === ColumnType.SHORT ||
    type === ColumnType.LONG ||
    type === ColumnType.INT24 ||
    type === ColumnType.LONGLONG ||
    type === ColumnType.YEAR
  );
}

// ---------------------------------------------------------------------------- values

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** A bigint as a number where that is exact. */
export function narrow(value: Value): Value {
  if (typeof value === 'bigint' && value <= MAX_SAFE && value >= MIN_SAFE) return Number(value);
  return value;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const TIME_RE = /^-?\d{1,3}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** Decides the type of columns inferred as dynamic from the first non-null value of each. */
export function settleColumns(columns: ColumnDef[], rows: readonly (readonly Value[])[]): void {
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (c.type !== ColumnType.NULL || c.length !== 0 || (c.flags & ColumnFlag.BINARY) !== 0)
      continue;
    let value: Value = null;
    for (const row of rows) {
      if (row[i] !== null && row[i] !== undefined) {
        value = row[i]!;
        break;
      }
    }
    const base = { ...c };
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))
      columns[i] = { ...bigintColumn(c.name), ...origin(base) };
    else if (typeof value === 'number') columns[i] = { ...doubleColumn(c.name), ...origin(base) };
    else if (value instanceof Uint8Array) columns[i] = { ...blobColumn(c.name), ...origin(base) };
    else columns[i] = { ...textColumn(c.name, 255), ...origin(base) };
  }
}

function origin(c: ColumnDef): Origin {
  const out: { table?: string; orgTable?: string; schema?: string; orgName?: string } = {};
  if (c.table !== undefined) out.table = c.table;
  if (c.orgTable !== undefined) out.orgTable = c.orgTable;
  if (c.schema !== undefined) out.schema = c.schema;
  if (c.orgName !== undefined) out.orgName = c.orgName;
  return out;
}

/** A SQLite value converted to what a column of this type must carry. */
export function convertValue(column: ColumnDef, value: Value): Value {
  if (value === null) return null;
  switch (column.type) {
    case ColumnType.TINY:
    case ColumnType.SHORT:
    case ColumnType.LONG:
    case ColumnType.INT24:
      return toInteger(value);
    case ColumnType.YEAR: {
      // YEAR is ZEROFILL(4): its zero value reads '0000' (every other year has four digits).
      const year = toInteger(value);
      return year === 0 || year === 0n ? '0000' : year;
    }
    case ColumnType.LONGLONG: {
      // SQLite's integers are signed: an UNSIGNED column shows a negative one as MariaDB's
      // unsigned value (~0 is 18446744073709551615), as the binary protocol already sends it.
      const n = toInteger(value);
      if ((column.flags & ColumnFlag.UNSIGNED) === 0 || n === null || Number(n) >= 0) return n;
      return BigInt.asUintN(64, BigInt(n as number | bigint));
    }
    case ColumnType.FLOAT:
    case ColumnType.DOUBLE: {
      const n = typeof value === 'number' ? value : Number(toText(value)) || 0;
      // A fixed number of decimals (below 31, MySQL's "not fixed") is printed with them all.
      return column.decimals < 31 ? n.toFixed(column.decimals) : n;
    }
    case ColumnType.NEWDECIMAL:
    case ColumnType.DECIMAL:
      return decimalText(value, column.decimals);
    case ColumnType.DATE:
      return matchOr(toText(value), DATE_RE, (t) => t.slice(0, 10));
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP: {
      const datetime = matchOr(toText(value), DATETIME_RE, normalizeDatetime);
      return typeof datetime === 'string' ? withFraction(datetime, column.decimals) : datetime;
    }
    case ColumnType.TIME:
      return matchOr(toText(value), TIME_RE, () => null);
    case ColumnType.BIT:
      return typeof value === 'bigint' || typeof value === 'number'
        ? bitBytes(BigInt(value), column.length)
        : value;
    default:
      if (value instanceof Uint8Array) return value;
      return toText(value);
  }
}

function toInteger(value: Exclude<Value, null>): Value {
  if (typeof value === 'bigint') return narrow(value);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  const text = toText(value).trim();
  if (/^-?\d+$/.test(text)) return narrow(BigInt(text));
  const n = parseFloat(text);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function toText(value: Exclude<Value, null>): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

/** A DECIMAL's value with its scale's digits, rounded half away from zero on its exact digits. */
function decimalText(value: Exclude<Value, null>, decimals: number): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return '0';
  return decimalDisplay(value, decimals);
}

/**
 * A DATETIME shown with exactly its type's fraction digits (`t + INTERVAL 1 HOUR` of a
 * TIMESTAMP(3) keeps 3: .123, .000); a type without a fixed count leaves the text alone.
 */
function withFraction(datetime: string, decimals: number): string {
  if (decimals < 1 || decimals > 6) return datetime;
  const [base = datetime, fraction = ''] = datetime.split('.');
  return `${base}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
}

function matchOr(text: string, re: RegExp, fix: (t: string) => string | null): Value {
  if (re.test(text)) return text;
  return fix(text);
}

/** '2024-1-2 3:04:05' → '2024-01-02 03:04:05'; a date alone gets midnight. */
function normalizeDatetime(text: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?$/.exec(
    text.trim(),
  );
  if (m === null) return null;
  const two = (s: string | undefined): string => (s ?? '0').padStart(2, '0');
  return `${m[1]}-${two(m[2])}-${two(m[3])} ${two(m[4])}:${two(m[5])}:${two(m[6])}${m[7] ?? ''}`;
}

function bitBytes(value: bigint, bits: number): Uint8Array {
  const length = Math.max(1, Math.ceil(bits / 8));
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
