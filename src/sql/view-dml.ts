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
  Update,
} from './ast.js';
import type { ViewDef } from './catalog.js';
import { SqlFailure, semantic } from './errors.js';
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
