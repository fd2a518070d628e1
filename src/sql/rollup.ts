// `GROUP BY g0, …, gn-1 WITH ROLLUP` as plain SQL that SQLite runs: one grouped branch per
// level (all n columns, then n-1, …, then none), joined by UNION ALL, in which the rolled-up
// group columns read NULL outside aggregates; an outer SELECT orders the rows as MariaDB does
// (each super-aggregate row after the rows it sums up) and applies the LIMIT.
import type { Expr, Literal, OrderItem, Query, Select, SelectItem } from './ast.js';
import { SqlFailure, semantic } from './errors.js';
import { AGGREGATES } from './functions.js';

const NULL: Literal = { kind: 'literal', type: 'null', value: null, slot: null, charset: '' };

const column = (name: string): Expr => ({ kind: 'column', db: null, table: null, column: name });

const int = (value: number): Literal => ({
  kind: 'literal',
  type: 'int',
  value: String(value),
  slot: null,
  charset: '',
});

/** The query that computes a WITH ROLLUP select; the select must have withRollup set. */
export function rollupQuery(s: Select): Select {
  if (s.orderBy.length > 0)
    throw new SqlFailure(semantic(1221, 'HY000', 'Incorrect usage of CUBE/ROLLUP and ORDER BY'));
  const groups = s.groupBy.map((g) => groupExpr(g, s.items));
  const n = groups.length;
  let union: Query | null = null;
  for (let kept = n; kept >= 0; kept--) {
    const branch = rollupBranch(s, groups, kept);
    union =
      union === null
        ? branch
        : {
            kind: 'union',
            op: 'UNION',
            all: true,
            left: union,
            right: branch,
            orderBy: [],
            limit: null,
            lock: null,
          };
  }
  const orderBy: OrderItem[] = [];
  for (let j = 0; j < n; j++) {
    // Column j is rolled up in the rows of level > n-1-j: those come after its groups.
    const rolled: Expr = { kind: 'binary', op: '>', left: column('~level'), right: int(n - 1 - j) };
    orderBy.push({ expr: rolled, direction: null });
    orderBy.push({ expr: column(`~g${j}`), direction: s.groupBy[j]!.direction });
  }
  return {
    kind: 'select',
    distinct: s.distinct,
    items: s.items.map((item, i) => outerItem(item, i)),
    from: [{ kind: 'derived', query: union!, alias: '~rollup' }],
    where: null,
    groupBy: [],
    withRollup: false,
    having: null,
    orderBy,
    limit: s.limit,
    lock: null,
  };
}

function outerItem(item: SelectItem, i: number): SelectItem {
  if (item.kind === 'star') throw rollupStar();
  return { kind: 'item', expr: column(`~c${i}`), alias: item.name, name: item.name };
}

function rollupStar(): SqlFailure {
  return new SqlFailure(
    semantic(1235, '42000', "This version of MariaDB doesn't yet support 'SELECT * … WITH ROLLUP'"),
  );
}

// One level: grouped by the first `kept` columns; the others read NULL outside aggregates.
function rollupBranch(s: Select, groups: readonly Expr[], kept: number): Select {
  const rolled = groups.slice(kept);
  const items: SelectItem[] = s.items.map((item, i) => {
    if (item.kind === 'star') throw rollupStar();
    const expr = nullRolled(item.expr, rolled);
    return { kind: 'item', expr, alias: `~c${i}`, name: `~c${i}` };
  });
  groups.forEach((g, j) =>
    items.push({ kind: 'item', expr: j < kept ? g : NULL, alias: `~g${j}`, name: `~g${j}` }),
  );
  const level = groups.length - kept;
  items.push({ kind: 'item', expr: int(level), alias: '~level', name: '~level' });
  let having = s.having === null ? null : nullRolled(s.having, rolled);
  if (kept === 0) {
    // The grand total of no rows is no row in MariaDB, where an ungrouped aggregate gives one.
    const some: Expr = {
      kind: 'binary',
      op: '>',
      left: {
        kind: 'call',
        name: 'COUNT',
        args: [],
        distinct: false,
        star: true,
        orderBy: [],
        separator: null,
      },
      right: int(0),
    };
    having = having === null ? some : { kind: 'binary', op: 'AND', left: having, right: some };
  }
  const { with: _with, ...rest } = s;
  return {
    ...rest,
    items,
    // The resolved expressions: an alias or a position would name the branch's own items.
    groupBy: groups.slice(0, kept).map((expr, j) => ({ expr, direction: s.groupBy[j]!.direction })),
    withRollup: false,
    having,
    orderBy: [],
    limit: null,
    lock: null,
  };
}

// `GROUP BY 2` names the second select item; `GROUP BY x` may name an item's alias.
function groupExpr(g: OrderItem, items: readonly SelectItem[]): Expr {
  const e = g.expr;
  if (e.kind === 'literal' && e.type === 'int') {
    const item = items[Number(e.value) - 1];
    if (item?.kind === 'item') return item.expr;
  }
  if (e.kind === 'column' && e.table === null) {
    const item = items.find(
      (i) => i.kind === 'item' && i.alias?.toLowerCase() === e.column.toLowerCase(),
    );
    if (item?.kind === 'item') return item.expr;
  }
  return e;
}

// Literals compare by value (the parser pins them under WITH ROLLUP), not by slot.
function sameExpr(a: Expr, b: Expr): boolean {
  if (a.kind === 'column' && b.kind === 'column')
    return (
      a.column.toLowerCase() === b.column.toLowerCase() &&
      (a.table === null || b.table === null || a.table.toLowerCase() === b.table.toLowerCase())
    );
  const unslotted = (_key: string, value: unknown): unknown =>
    _key === 'slot' ? undefined : value;
  return JSON.stringify(a, unslotted) === JSON.stringify(b, unslotted);
}

// Replaces the rolled-up group expressions by NULL, except inside aggregate calls: as MariaDB
// does, a rolled-up column reads NULL wherever it appears, a rolled-up expression only as a
// whole item (`n % 2 + 1` keeps a value when the group is `n % 2`).
function nullRolled(e: Expr, rolled: readonly Expr[], whole = true): Expr {
  if (whole && rolled.some((r) => sameExpr(e, r))) return NULL;
  if (e.kind === 'column' && rolled.some((r) => r.kind === 'column' && sameExpr(e, r))) return NULL;
  return nullInside(e, rolled);
}

function nullInside(e: Expr, rolled: readonly Expr[]): Expr {
  const sub = (x: Expr): Expr => nullRolled(x, rolled, false);
  switch (e.kind) {
    case 'call':
      if (AGGREGATES.has(e.name) || e.over !== undefined) return e;
      return { ...e, args: e.args.map((a) => sub(a)) };
    case 'unary':
      return { ...e, operand: sub(e.operand) };
    case 'binary':
      return { ...e, left: sub(e.left), right: sub(e.right) };
    case 'is':
      return { ...e, operand: sub(e.operand) };
    case 'between':
      return {
        ...e,
        operand: sub(e.operand),
        low: sub(e.low),
        high: sub(e.high),
      };
    case 'in_list':
      return {
        ...e,
        operand: sub(e.operand),
        list: e.list.map((x) => sub(x)),
      };
    case 'like':
      return { ...e, operand: sub(e.operand) };
    case 'case':
      return {
        ...e,
        operand: e.operand === null ? null : sub(e.operand),
        whens: e.whens.map((w) => ({
          when: sub(w.when),
          then: sub(w.then),
        })),
        otherwise: e.otherwise === null ? null : sub(e.otherwise),
      };
    case 'cast':
    case 'collate':
    case 'convert_using':
      return { ...e, operand: sub(e.operand) };
    default:
      return e;
  }
}
