// JSON_TABLE's parts that need no parser: its paths, the table its columns make, and the spec
// the emitter hands to the SQLite table-valued function that yields its rows. The rows are
// computed by `JSON_TABLE_FUNCTION` (engine/json-table.ts), a virtual table with hidden
// arguments (document, spec), so SQLite evaluates it after the tables to its left: a lateral
// reference (`FROM t, JSON_TABLE(t.doc, …)`) is an argument, as for SQLite's own json_each.
// Its columns are c0…c63; the emitter names them for the statement (docs/design/sql.md,
// "JSON_TABLE").
import type { ColumnDef, Expr, JsonTable, JsonTableColumn, TableName, TableRef } from './ast.js';
import { quoteId } from './names.js';
import type { TableDef } from './catalog.js';
import { SqlFailure, semantic } from './errors.js';
import { plainColumn, plainType } from './parse-types.js';
import { tableFromCreate } from './table-def.js';

/** The SQLite virtual table that yields a JSON_TABLE's rows (engine/json-table.ts). */
export const JSON_TABLE_FUNCTION = 'mysql_json_table';
/** How many columns one JSON_TABLE may have: the virtual table's c0…c63. */
export const JSON_TABLE_COLUMNS_MAX = 64;

/** One step of a JSON path: a key, an array index, or a wildcard over an array's elements. */
export type JsonPathStep = { readonly key: string } | { readonly index: number } | '*';

/** A JSON path of the forms JSON_TABLE accepts (`$`, `.key`, `."key"`, `[n]`, `[*]`); null if not one. */
export function parseJsonPath(path: string): JsonPathStep[] | null {
  const start = /^\s*\$/.exec(path);
  if (start === null) return null;
  const steps: JsonPathStep[] = [];
  const re = /\s*(?:\.([A-Za-z_$][\w$]*)|\."((?:[^"\\]|\\.)*)"|\[\s*(\d+)\s*\]|\[\s*\*\s*\])/y;
  re.lastIndex = start[0].length;
  const end = path.trimEnd().length;
  while (re.lastIndex < end) {
    const s = re.exec(path);
    if (s === null) return null;
    if (s[1] !== undefined) steps.push({ key: s[1] });
    else if (s[2] !== undefined) steps.push({ key: JSON.parse(`"${s[2]}"`) as string });
    else if (s[3] !== undefined) steps.push({ index: Number(s[3]) });
    else steps.push('*');
  }
  return steps;
}

/** A path the statement gives, checked as MariaDB checks it when it parses (4042). */
export function checkJsonTablePath(path: string, argument: number): JsonPathStep[] {
  const steps = parseJsonPath(path);
  if (steps === null)
    throw new SqlFailure(
      semantic(
        4042,
        'HY000',
        `Syntax error in JSON path in argument ${argument} to function 'JSON_TABLE' at position 1`,
      ),
    );
  return steps;
}

/** The columns a JSON_TABLE's rows have, in order (NESTED ones in place). */
export type JsonTableLeaf = Exclude<JsonTableColumn, { kind: 'nested' }>;
export function jsonTableColumns(columns: readonly JsonTableColumn[]): JsonTableLeaf[] {
  return columns.flatMap((c) => (c.kind === 'nested' ? jsonTableColumns(c.columns) : [c]));
}

const ORDINALITY_TYPE = plainType('INT', null);

/**
 * The table a JSON_TABLE is to the rest of the statement: its columns with their declared
 * types (what result-set metadata and comparisons read), 1060 for a name said twice.
 */
export function jsonTableDef(t: JsonTable): TableDef {
  const columns: ColumnDef[] = jsonTableColumns(t.columns).map((c) =>
    plainColumn(c.name, c.kind === 'path' && !c.exists ? c.type : ORDINALITY_TYPE),
  );
  if (columns.length > JSON_TABLE_COLUMNS_MAX)
    throw new SqlFailure(
      semantic(
        1235,
        '42000',
        "This version of trireme doesn't yet support 'more than 64 JSON_TABLE columns'",
      ),
    );
  const def = tableFromCreate('', {
    kind: 'create_table',
    temporary: false,
    ifNotExists: false,
    table: { db: null, name: t.alias },
    columns,
    constraints: [],
    options: {} as TableDef['options'],
    asQuery: null,
  });
  return { ...def, sqliteName: JSON_TABLE_FUNCTION };
}

/** Whether a TableDef in scope stands for a JSON_TABLE (its columns are c0…). */
export function isJsonTableDef(t: TableDef): boolean {
  return t.sqliteName === JSON_TABLE_FUNCTION;
}

/** The SQLite name of a JSON_TABLE's column `name` (c0…), or null when it has none. */
export function jsonTableColumnName(t: TableDef, name: string): string | null {
  const lower = name.toLowerCase();
  const i = t.columns.findIndex((c) => c.name.toLowerCase() === lower);
  return i < 0 ? null : `c${i}`;
}

/**
 * `*` (or `alias.*`) over a FROM list that holds a JSON_TABLE, spelled out: SQLite's `*` would
 * give its c0…c63. Null when the list holds none (the star stays SQLite's).
 */
export function jsonTableStar(refs: readonly TableRef[], only: TableName | null): string | null {
  const leaves = refs.flatMap(function leaf(r: TableRef): TableRef[] {
    return r.kind === 'join' ? [...leaf(r.left), ...leaf(r.right)] : [r];
  });
  if (!leaves.some((r) => r.kind === 'json_table')) return null;
  const parts: string[] = [];
  for (const r of leaves) {
    const alias = r.kind === 'table' ? (r.alias ?? r.table.name) : (r as { alias: string }).alias;
    if (only !== null && only.name.toLowerCase() !== alias.toLowerCase()) continue;
    if (r.kind !== 'json_table') parts.push(`${quoteId(alias)}.*`);
    else
      jsonTableColumns(r.columns).forEach((c, i) =>
        parts.push(`${quoteId(alias)}.${quoteId(`c${i}`)} AS ${quoteId(c.name)}`),
      );
  }
  return parts.length === 0 ? null : parts.join(', ');
}

/**
 * MariaDB's 1054 for a JSON_TABLE whose document names a table of its own FROM list that comes
 * after it (SQLite would read it, as it reads any table-valued function's arguments).
 */
export function checkLateral(refs: readonly TableRef[]): void {
  if (!refs.some(hasJsonTable)) return;
  const leaves = refs.flatMap(function leaf(r: TableRef): TableRef[] {
    return r.kind === 'join' ? [...leaf(r.left), ...leaf(r.right)] : [r];
  });
  const aliasOf = (r: TableRef): string =>
    (r.kind === 'table' ? (r.alias ?? r.table.name) : (r as { alias: string }).alias).toLowerCase();
  leaves.forEach((r, i) => {
    if (r.kind !== 'json_table') return;
    const later = new Set(leaves.slice(i).map(aliasOf));
    for (const column of columnsIn(r.doc)) {
      if (column.table === null || !later.has(column.table.toLowerCase())) continue;
      throw new SqlFailure(
        semantic(
          1054,
          '42S22',
          `Unknown column '${column.table}.${column.column}' in 'JSON_TABLE argument'`,
        ),
      );
    }
  });
}

function hasJsonTable(r: TableRef): boolean {
  return r.kind === 'join'
    ? hasJsonTable(r.left) || hasJsonTable(r.right)
    : r.kind === 'json_table';
}

// The column references of an expression, not looking into subqueries.
function columnsIn(e: Expr): (Expr & { kind: 'column' })[] {
  if (e.kind === 'column') return [e];
  const out: (Expr & { kind: 'column' })[] = [];
  for (const value of Object.values(e) as unknown[]) {
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const item of items)
      if (
        item !== null &&
        typeof item === 'object' &&
        'kind' in item &&
        (item as Expr).kind !== 'subquery'
      )
        out.push(...columnsIn(item as Expr));
  }
  return out;
}

// ----------------------------------------------------------------------------- the spec

/** What the virtual table reads: the row path and the columns, paths already parsed. */
export interface JsonTableSpec {
  readonly alias: string;
  readonly path: readonly JsonPathStep[];
  readonly columns: readonly SpecColumn[];
}
type Parsed<C> = Omit<C, 'path'> & { readonly path: readonly JsonPathStep[]; readonly at: number };
export type SpecColumn =
  | { readonly kind: 'ordinality'; readonly at: number }
  | Parsed<JsonTableColumn & { kind: 'path' }>
  | {
      readonly kind: 'nested';
      readonly path: readonly JsonPathStep[];
      readonly columns: readonly SpecColumn[];
    };

/** The spec of a parsed JSON_TABLE, as the JSON text its function takes. */
export function jsonTableSpec(t: JsonTable): string {
  let at = 0;
  const convert = (columns: readonly JsonTableColumn[]): SpecColumn[] =>
    columns.map((c): SpecColumn => {
      if (c.kind === 'nested')
        return { kind: 'nested', path: checkJsonTablePath(c.path, 2), columns: convert(c.columns) };
      if (c.kind === 'ordinality') return { kind: 'ordinality', at: at++ };
      return { ...c, at: at++, path: checkJsonTablePath(c.path, 2) };
    });
  const spec: JsonTableSpec = {
    alias: t.alias,
    path: checkJsonTablePath(t.path, 2),
    columns: convert(t.columns),
  };
  return JSON.stringify(spec);
}
