// INSERT, UPDATE and DELETE through a view: rewritten as the same statement on the view's one
// base table, view columns renamed to base columns and the view's WHERE added to the
// statement's (docs/design/sql.md, "Views").
import type {
  ColumnRef,
  Delete,
  Expr,
  Insert,
  Query,
  Select,
  TableName,
  TableRef,
  TableSource,
  Update,
} from './ast.js';
import type { ViewDef } from './catalog.js';
import { SqlFailure, semantic } from './errors.js';
import { AGGREGATES } from './functions.js';
import { parse } from './parser.js';

type Target = Insert | Update | Delete;

/** The statement on the base table that `s`, written against `view`, stands for. */
export function viewTarget(s: Target, view: ViewDef): Target {
  const updatable = view.updatable;
  const verb = s.kind.toUpperCase();
  if (updatable === null) {
    if (s.kind === 'insert')
      throw new SqlFailure(
        semantic(
          1471,
          'HY000',
          `The target table ${view.name} of the INSERT is not insertable-into`,
        ),
      );
    throw new SqlFailure(
      semantic(1288, 'HY000', `The target table ${view.name} of the ${verb} is not updatable`),
    );
  }
  const base: TableName = { db: updatable.table.db ?? view.queryDb, name: updatable.table.name };
  const named = s.kind === 'insert' ? s.table.name : (s.table.alias ?? s.table.table.name);
  const column = (name: string): string => {
    const found = updatable.columns[name.toLowerCase()];
    if (found === undefined)
      throw new SqlFailure(semantic(1348, 'HY000', `Column '${name}' is not updatable`));
    return found;
  };
  // The statement's own references to view columns become the base columns they show.
  const own = <T>(node: T): T =>
    mapColumns(node, (ref) =>
      ref.table === null || ref.table.toLowerCase() === named.toLowerCase()
        ? {
            ...ref,
            db: null,
            table: null,
            column: updatable.columns[ref.column.toLowerCase()] ?? ref.column,
          }
        : ref,
    );
  const assign = (a: { column: ColumnRef; value: Expr }) => ({
    column: { ...a.column, db: null, table: null, column: column(a.column.column) },
    value: own(a.value),
  });
  if (s.kind === 'insert') {
    const source =
      s.source.kind === 'set'
        ? { kind: 'set' as const, assignments: s.source.assignments.map(assign) }
        : s.source;
    return {
      ...s,
      table: base,
      columns: (s.columns ?? view.columns).map(column),
      source,
      onDuplicate: s.onDuplicate === null ? null : s.onDuplicate.map(assign),
    };
  }
  const where = both(viewWhere(view), s.where === null ? null : own(s.where));
  const table = { kind: 'table' as const, table: base, alias: named };
  const orderBy = s.orderBy.map((o) => ({ ...o, expr: own(o.expr) }));
  if (s.kind === 'delete') return { ...s, table, where, orderBy };
  return { ...s, table, where, orderBy, assignments: s.assignments.map(assign) };
}

/** The view's WHERE over its base table, unqualified, its literals inlined. */
function viewWhere(view: ViewDef): Expr | null {
  const parsed = parse(view.queryText);
  if (!parsed.ok) throw new SqlFailure(parsed.error);
  const q = parsed.value.statement as Query;
  const where = (q as Select).where;
  if (q.kind !== 'select' || where === null) return null;
  // The view's literals carry slots of the view's own text, not of this statement's.
  return mapColumns(inlineLiterals(where), (ref) => ({ ...ref, db: null, table: null }));
}

function both(a: Expr | null, b: Expr | null): Expr | null {
  if (a === null) return b;
  if (b === null) return a;
  return { kind: 'binary', op: 'AND', left: a, right: b } as Expr;
}

/** A copy of an AST node with every column reference passed through `f`. */
function mapColumns<T>(node: T, f: (ref: ColumnRef) => ColumnRef): T {
  if (Array.isArray(node)) return node.map((n: unknown) => mapColumns(n, f)) as T;
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (o['kind'] === 'column' && typeof o['column'] === 'string')
    return f(o as unknown as ColumnRef) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = mapColumns(v, f);
  return out as T;
}

function inlineLiterals<T>(node: T): T {
  if (Array.isArray(node)) return node.map((n: unknown) => inlineLiterals(n)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = inlineLiterals(v);
  if (out['kind'] === 'literal') out['slot'] = null;
  return out as T;
}

/**
 * A multi-table UPDATE or DELETE whose join holds updatable views: each view, unless on the
 * nullable side of an outer join, becomes its base table under the view's alias, the statement's
 * references to its columns become the base columns they show, and its WHERE joins the
 * statement's. The join then yields the base rows' rowids, which the steps write (MariaDB merges
 * such a view the same way).
 */
export function viewsAsBase<T extends Update | Delete>(
  s: T,
  viewOf: (name: TableName) => ViewDef | undefined,
): T {
  const merged: { alias: string; view: ViewDef }[] = [];
  const rewrite = (r: TableRef, nullable: boolean): TableRef => {
    if (r.kind === 'join') {
      const left = rewrite(r.left, nullable || r.type === 'RIGHT');
      return { ...r, left, right: rewrite(r.right, nullable || r.type === 'LEFT') };
    }
    if (r.kind !== 'table' || nullable) return r;
    const view = viewOf(r.table);
    if (view === undefined || view.updatable === null) return r;
    const alias = r.alias ?? r.table.name;
    merged.push({ alias: alias.toLowerCase(), view });
    const base = { db: view.updatable.table.db ?? view.queryDb, name: view.updatable.table.name };
    return { kind: 'table', table: base, alias };
  };
  const refs = s.multi!.refs.map((r) => rewrite(r, false));
  if (merged.length === 0) return s;
  let first = refs[0]!;
  while (first.kind === 'join') first = first.left;
  const table = first.kind === 'table' ? first : s.table;
  const renamed = mapColumns({ ...s, table, multi: { ...s.multi!, refs } }, (ref) => {
    const found = merged.find((m) => ref.table !== null && ref.table.toLowerCase() === m.alias);
    const base = found?.view.updatable!.columns[ref.column.toLowerCase()];
    return base === undefined ? ref : { ...ref, column: base };
  });
  let where = renamed.where;
  for (const { alias, view } of merged) {
    const own = viewWhere(view);
    if (own !== null)
      where = both(
        mapColumns(own, (ref) => ({ ...ref, table: alias })),
        where,
      );
  }
  return { ...renamed, where };
}

/**
 * INSERT, UPDATE or DELETE through a join view (a view over several tables with no aggregate,
 * DISTINCT, GROUP BY, HAVING, LIMIT or set operation), as MariaDB merges one: an UPDATE becomes
 * the multi-table UPDATE of the view's join with the view's WHERE, its SET naming the columns of
 * one base table; an INSERT goes to the one base table its column list names. A DELETE is 1395,
 * an INSERT without a column list 1394, columns of two base tables 1393. Null when the view is
 * not a join view (it is not updatable at all).
 */
export function joinViewTarget(
  s: Target,
  view: ViewDef,
  columnsOf: (table: TableName) => readonly string[] | undefined,
): Target | null {
  const merged = joinViewQuery(view);
  if (merged === null) return null;
  const { select: q, leaves } = merged;
  const qualified = (name: TableName): TableName => ({
    db: name.db ?? view.queryDb,
    name: name.name,
  });
  const aliasOf = (t: TableSource): string => t.alias ?? t.table.name;
  // View column → the base column it shows, as `alias.column`.
  const shown = new Map<string, { alias: string; column: string }>();
  let at = 0;
  for (const item of q.items) {
    if (item.kind === 'star') {
      const only = item.table === null ? null : item.table.name.toLowerCase();
      for (const c of starColumns(q.from, only, (t) => columnsOf(qualified(t)) ?? [])) {
        const name = view.columns[at++];
        if (name !== undefined) shown.set(name.toLowerCase(), c);
      }
      continue;
    }
    const name = view.columns[at++]!.toLowerCase();
    if (item.expr.kind !== 'column') continue;
    const ref = item.expr;
    const leaf =
      ref.table === null
        ? leaves.find((l) =>
            (columnsOf(qualified(l.table)) ?? []).some(
              (c) => c.toLowerCase() === ref.column.toLowerCase(),
            ),
          )
        : leaves.find((l) => aliasOf(l).toLowerCase() === ref.table!.toLowerCase());
    if (leaf !== undefined) shown.set(name, { alias: aliasOf(leaf), column: ref.column });
  }
  const fullName = `${view.db}.${view.name}`;
  const oneTable = (names: readonly string[]): string => {
    const aliases = new Set<string>();
    for (const name of names) {
      const found = shown.get(name.toLowerCase());
      if (found === undefined)
        throw new SqlFailure(semantic(1348, 'HY000', `Column '${name}' is not updatable`));
      aliases.add(found.alias);
    }
    if (aliases.size !== 1)
      throw new SqlFailure(
        semantic(
          1393,
          'HY000',
          `Can not modify more than one base table through a join view '${fullName}'`,
        ),
      );
    return [...aliases][0]!;
  };
  if (s.kind === 'delete')
    throw new SqlFailure(semantic(1395, 'HY000', `Can not delete from join view '${fullName}'`));
  if (s.kind === 'insert') {
    if (s.columns === null && s.source.kind !== 'set')
      throw new SqlFailure(
        semantic(1394, 'HY000', `Can not insert into join view '${fullName}' without fields list`),
      );
    const names =
      s.source.kind === 'set' ? s.source.assignments.map((a) => a.column.column) : s.columns!;
    const alias = oneTable([...names, ...(s.onDuplicate ?? []).map((a) => a.column.column)]);
    const leaf = leaves.find((l) => aliasOf(l) === alias)!;
    const base = (name: string): string => shown.get(name.toLowerCase())!.column;
    const assign = (a: { column: ColumnRef; value: Expr }) => ({
      column: { ...a.column, db: null, table: null, column: base(a.column.column) },
      value: a.value,
    });
    return {
      ...s,
      table: qualified(leaf.table),
      columns: s.columns === null ? null : s.columns.map(base),
      source:
        s.source.kind === 'set'
          ? { kind: 'set' as const, assignments: s.source.assignments.map(assign) }
          : s.source,
      onDuplicate: s.onDuplicate === null ? null : s.onDuplicate.map(assign),
    };
  }
  const alias = oneTable(s.assignments.map((a) => a.column.column));
  const named = (s.table.alias ?? s.table.table.name).toLowerCase();
  // The statement's references to view columns become the base columns they show.
  const own = <T>(node: T): T =>
    mapColumns(node, (ref) => {
      if (ref.table !== null && ref.table.toLowerCase() !== named) return ref;
      const found = shown.get(ref.column.toLowerCase());
      return found === undefined
        ? ref
        : { ...ref, db: null, table: found.alias, column: found.column };
    });
  const refs = mapColumns(
    q.from.map((r) => qualifyTables(r, qualified)),
    (ref) => ({ ...ref, db: null }),
  );
  const viewOwnWhere = q.where === null ? null : inlineLiterals(q.where);
  return {
    ...s,
    table: { ...leaves[0]!, table: qualified(leaves[0]!.table) },
    multi: { refs: inlineLiterals(refs), targets: [] },
    assignments: s.assignments.map((a) => ({
      column: {
        kind: 'column' as const,
        db: null,
        table: alias,
        column: shown.get(a.column.column.toLowerCase())!.column,
      },
      value: own(a.value),
    })),
    where: both(viewOwnWhere, s.where === null ? null : own(s.where)),
    // The join's ORDER BY and LIMIT pick the rows written (MariaDB takes them on a join view).
    orderBy: s.orderBy.map((o) => ({ ...o, expr: own(o.expr) })),
  };
}

/**
 * The base columns a `*` (or `t.*`) over `refs` shows, in order: a USING or NATURAL join's
 * columns once, first, from its left side (as emit-dml's starNames names them).
 */
function starColumns(
  refs: readonly TableRef[],
  only: string | null,
  columnsOf: (table: TableName) => readonly string[],
): { alias: string; column: string }[] {
  const out: { alias: string; column: string }[] = [];
  for (const r of refs) {
    if (r.kind === 'join') {
      const left = starColumns([r.left], only, columnsOf);
      const right = starColumns([r.right], only, columnsOf);
      out.push(...joinedStar(r, left, right, only !== null, (c) => c.column));
      continue;
    }
    if (r.kind !== 'table') continue;
    const alias = r.alias ?? r.table.name;
    if (only !== null && only !== alias.toLowerCase()) continue;
    for (const column of columnsOf(r.table)) out.push({ alias, column });
  }
  return out;
}

/** Whether INSERT and UPDATE may go through `view` as through a join view (joinViewTarget). */
export function isJoinView(view: ViewDef): boolean {
  return joinViewQuery(view) !== null;
}

/** A join view's SELECT and its tables; null when the view is no join view MariaDB merges. */
function joinViewQuery(
  view: ViewDef,
): { select: Select & { from: readonly TableRef[] }; leaves: TableSource[] } | null {
  const parsed = parse(view.queryText);
  if (!parsed.ok) return null;
  const q = parsed.value.statement as Query;
  if (q.kind !== 'select' || q.with !== undefined || q.from === null) return null;
  if (q.distinct || q.groupBy.length > 0 || q.having !== null || q.limit !== null) return null;
  const leaves: TableSource[] = [];
  const collect = (r: TableRef): boolean => {
    if (r.kind === 'join') return collect(r.left) && collect(r.right);
    if (r.kind !== 'table') return false;
    leaves.push(r);
    return true;
  };
  if (!q.from.every(collect) || leaves.length < 2 || hasAggregate(q.items)) return null;
  return { select: { ...q, from: q.from }, leaves };
}

/**
 * What a `*` over a join shows, given what it shows of each side: for an unqualified `*` over
 * USING or NATURAL, each joined column once, first, in the left side's order (as MySQL coalesces
 * them); otherwise the left side's then the right side's. MariaDB turns a RIGHT JOIN into a LEFT
 * JOIN of the swapped sides first, so there the right side leads and its joined columns (those
 * that are never NULL) are the ones shown.
 */
export function joinedStar<T>(
  join: TableRef & { kind: 'join' },
  left: readonly T[],
  right: readonly T[],
  qualified: boolean,
  nameOf: (item: T) => string,
): T[] {
  const merged = !qualified && (join.using !== null || join.natural);
  if (merged && join.type === 'RIGHT')
    return joinedStar({ ...join, type: 'LEFT' }, right, left, qualified, nameOf);
  const lower = (item: T): string => nameOf(item).toLowerCase();
  const common = qualified
    ? []
    : join.using !== null
      ? left.filter((c) => join.using!.some((u) => u.toLowerCase() === lower(c)))
      : join.natural
        ? left.filter((c) => right.some((d) => lower(d) === lower(c)))
        : [];
  const joined = new Set(common.map(lower));
  return [
    ...common,
    ...left.filter((c) => !joined.has(lower(c))),
    ...right.filter((c) => !joined.has(lower(c))),
  ];
}

function qualifyTables(r: TableRef, qualified: (name: TableName) => TableName): TableRef {
  if (r.kind === 'join')
    return {
      ...r,
      left: qualifyTables(r.left, qualified),
      right: qualifyTables(r.right, qualified),
    };
  if (r.kind === 'table') return { ...r, table: qualified(r.table) };
  return r;
}

/** Whether a node holds an aggregate or a window (which makes a view read-only). */
export function hasAggregate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasAggregate);
  if (node === null || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  if (
    o['kind'] === 'call' &&
    typeof o['name'] === 'string' &&
    AGGREGATES.has(o['name'].toUpperCase())
  )
    return true;
  if (o['kind'] === 'window' || o['over'] !== undefined) return true;
  return Object.values(o).some(hasAggregate);
}
