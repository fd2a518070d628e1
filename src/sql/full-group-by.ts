// ONLY_FULL_GROUP_BY as MariaDB checks it: no functional dependencies, only names. A selected
// column (a `*` too) that is neither in GROUP BY nor inside an aggregate is 1055; without GROUP
// BY, a selected column beside an aggregate is 1140; a HAVING column that is neither grouped nor
// a select-list alias is 1054. ORDER BY is not checked (MariaDB does not either), nor a SELECT
// from a derived table, CTE or view; subqueries are, each on its own. The check reads the AST only, so it costs nothing when the flag is off
// (the session asks for it). See docs/design/sql.md, "sql_mode".
import type { ColumnRef, Expr, Query, Select, SelectItem } from './ast.js';
import { type SemanticError, semantic } from './errors.js';
import { AGGREGATES, FUNCTION_ALIASES } from './functions.js';

/**
 * The columns a `*` (table null) or `t.*` of a SELECT stands for, qualified by their table's
 * name in the FROM; null when the SELECT reads a derived table, a CTE or a view, whose columns
 * MariaDB does not check (that SELECT is then not checked at all).
 */
export type StarColumns = (s: Select, table: string | null) => readonly ColumnRef[] | null;

/** The first ONLY_FULL_GROUP_BY violation of a query's SELECTs, or null. */
export function fullGroupByError(query: Query, stars: StarColumns): SemanticError | null {
  if (query.kind === 'union')
    return fullGroupByError(query.left, stars) ?? fullGroupByError(query.right, stars);
  return selectError(query, stars) ?? nestedError(query, stars);
}

/** The first violation in the queries nested in a SELECT (subqueries, derived tables, CTEs). */
function nestedError(node: unknown, stars: StarColumns): SemanticError | null {
  if (node === null || typeof node !== 'object') return null;
  for (const [key, child] of Object.entries(node)) {
    const found =
      key === 'query' && child !== null && typeof child === 'object'
        ? fullGroupByError(child as Query, stars)
        : nestedError(child, stars);
    if (found) return found;
  }
  return null;
}

function selectError(s: Select, stars: StarColumns): SemanticError | null {
  if (stars(s, null) === null) return null;
  const items = s.items.flatMap((i) => (i.kind === 'item' ? [i] : []));
  if (s.groupBy.length === 0) {
    if (!items.some((i) => hasAggregate(i.expr)) && !(s.having && hasAggregate(s.having)))
      return null;
    const bare = items.map((i) => looseColumn(i.expr, [])).find((c) => c !== null);
    return bare
      ? semantic(
          1140,
          '42000',
          'Mixing of GROUP columns (MIN(),MAX(),COUNT(),...) with no GROUP columns is illegal if there is no GROUP BY clause',
        )
      : null;
  }
  const groups = s.groupBy.map((g) => g.expr);
  for (const item of s.items) {
    const loose = looseItem(s, item, groups, stars);
    if (loose) return semantic(1055, '42000', `'${columnText(loose)}' isn't in GROUP BY`);
  }
  if (s.having === null) return null;
  const aliases = items.flatMap((i): Expr[] =>
    i.alias === null ? [] : [{ kind: 'column', db: null, table: null, column: i.alias }],
  );
  const loose = looseColumn(s.having, [...groups, ...aliases]);
  return loose
    ? semantic(1054, '42S22', `Unknown column '${columnText(loose)}' in 'having clause'`)
    : null;
}

/** A column of a select item (or of the columns a `*` stands for) that is not grouped. */
function looseItem(
  s: Select,
  item: SelectItem,
  groups: readonly Expr[],
  stars: StarColumns,
): ColumnRef | null {
  if (item.kind === 'star') {
    const columns = stars(s, item.table?.name ?? null) ?? [];
    return columns.find((c) => !groups.some((g) => sameColumn(g, c))) ?? null;
  }
  const byAlias = groups.some(
    (g) => g.kind === 'column' && g.table === null && same(g.column, item.alias ?? ''),
  );
  return byAlias ? null : looseColumn(item.expr, groups);
}

/** A column of `e` outside aggregates, subqueries and the grouped expressions, or null. */
function looseColumn(e: unknown, groups: readonly Expr[]): ColumnRef | null {
  if (Array.isArray(e)) {
    for (const child of e) {
      const found = looseColumn(child, groups);
      if (found) return found;
    }
    return null;
  }
  if (e === null || typeof e !== 'object') return null;
  const node = e as Expr;
  if (groups.some((g) => equalExpr(g, node))) return null;
  if (node.kind === 'column') return groups.some((g) => sameColumn(g, node)) ? null : node;
  if (isAggregate(node)) return null;
  for (const [key, child] of Object.entries(node))
    if (key !== 'query') {
      const found = looseColumn(child, groups);
      if (found) return found;
    }
  return null;
}

function isAggregate(node: Expr): boolean {
  return (
    node.kind === 'call' &&
    node.over === undefined &&
    AGGREGATES.has(FUNCTION_ALIASES[node.name] ?? node.name)
  );
}

function hasAggregate(e: unknown): boolean {
  if (Array.isArray(e)) return e.some(hasAggregate);
  if (e === null || typeof e !== 'object') return false;
  if (isAggregate(e as Expr)) return true;
  return Object.entries(e).some(([key, child]) => key !== 'query' && hasAggregate(child));
}

function sameColumn(g: Expr, c: ColumnRef): boolean {
  if (g.kind !== 'column' || !same(g.column, c.column)) return false;
  return g.table === null || c.table === null || same(g.table, c.table);
}

/** Structural equality, literals compared by value (their slots differ). */
function equalExpr(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => k !== 'slot');
  const keysB = Object.keys(b).filter((k) => k !== 'slot');
  if (keysA.length !== keysB.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return keysA.every((k) => equalExpr(ra[k], rb[k]));
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function columnText(c: ColumnRef): string {
  return [c.db, c.table, c.column].filter((part) => part !== null).join('.');
}
