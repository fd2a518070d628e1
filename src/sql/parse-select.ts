// SELECT and UNION: select list, table references with joins, WHERE, GROUP BY, HAVING,
// ORDER BY, LIMIT and the row-lock clauses the store turns into certification keys.
import type {
  CommonTableExpression,
  Expr,
  JsonTable,
  JsonTableColumn,
  JsonTableOn,
  Limit,
  LockMode,
  NamedWindow,
  Query,
  Select,
  SelectItem,
  TableName,
  TableRef,
  TableSource,
  Union,
  WithClause,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { SqlFailure, semantic } from './errors.js';
import { checkJsonTablePath } from './json-table.js';
import { parseExpr, parseOrderList, parseWindowSpec, startsQuery } from './parse-expression.js';
import { parseDataType } from './parse-types.js';

interface Term {
  readonly query: Query;
  readonly parenthesized: boolean;
}

export function parseQuery(c: Cursor): Query {
  c.enter();
  const withClause = c.isWord('WITH') ? parseWith(c) : null;
  const terms: Term[] = [];
  let query = parseCompound(c, terms);
  if (query.kind === 'union') query = hoistUnionTail(c, query, terms[terms.length - 1]!);
  c.leave();
  return withClause === null ? query : { ...query, with: withClause };
}

// `WITH [RECURSIVE] name [(columns)] AS (query), …`
function parseWith(c: Cursor): WithClause {
  c.expectWord('WITH');
  const recursive = c.acceptWord('RECURSIVE');
  const ctes: CommonTableExpression[] = [];
  do {
    const name = c.identifier();
    const columns = c.isOp('(') ? parseNameList(c) : null;
    c.expectWord('AS');
    c.expectOp('(');
    const query = parseQuery(c);
    c.expectOp(')');
    ctes.push({ name, columns, query });
  } while (c.acceptOp(','));
  return { recursive, ctes };
}

// UNION and EXCEPT, left to right, over INTERSECT, which binds tighter (as in MariaDB).
function parseCompound(c: Cursor, terms: Term[]): Query {
  let query = parseIntersection(c, terms);
  for (;;) {
    const op = c.oneOf(['UNION', 'EXCEPT']) as 'UNION' | 'EXCEPT' | null;
    if (op === null) return query;
    const all = setQuantifier(c);
    query = compound(op, all, query, parseIntersection(c, terms));
  }
}

function parseIntersection(c: Cursor, terms: Term[]): Query {
  let query = parseTermInto(c, terms);
  while (c.acceptWord('INTERSECT')) {
    const all = setQuantifier(c);
    query = compound('INTERSECT', all, query, parseTermInto(c, terms));
  }
  return query;
}

function setQuantifier(c: Cursor): boolean {
  const all = c.acceptWord('ALL');
  if (!all) c.acceptWord('DISTINCT');
  return all;
}

function parseTermInto(c: Cursor, terms: Term[]): Query {
  const term = parseTerm(c);
  terms.push(term);
  return term.query;
}

function compound(op: Union['op'], all: boolean, left: Query, right: Query): Union {
  return { kind: 'union', op, all, left, right, orderBy: [], limit: null, lock: null };
}

// `SELECT … UNION SELECT … ORDER BY x LIMIT n`: the trailing clauses of the last, unparenthesized
// member belong to the whole compound.
function hoistUnionTail(c: Cursor, union: Union, last: Term): Query {
  const member = last.query;
  if (!last.parenthesized && member.kind === 'select') {
    const { orderBy, limit, lock } = member;
    const stripped: Select = { ...member, orderBy: [], limit: null, lock: null };
    return { ...replaceMember(union, member, stripped), orderBy, limit, lock };
  }
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimit(c);
  return { ...union, orderBy, limit, lock: parseLock(c) };
}

// The last member sits at the right end of the tree (INTERSECT may nest it one level down).
function replaceMember(union: Union, member: Select, stripped: Select): Union {
  if (union.right === member) return { ...union, right: stripped };
  if (union.right.kind === 'union')
    return { ...union, right: replaceMember(union.right, member, stripped) };
  return union;
}

function parseTerm(c: Cursor): Term {
  if (!c.isOp('(')) return { query: parseSelect(c), parenthesized: false };
  c.expectOp('(');
  const inner = parseQuery(c);
  c.expectOp(')');
  return { query: inner, parenthesized: true };
}

const SELECT_MODIFIERS = [
  'HIGH_PRIORITY',
  'STRAIGHT_JOIN',
  'SQL_SMALL_RESULT',
  'SQL_BIG_RESULT',
  'SQL_BUFFER_RESULT',
  'SQL_CACHE',
  'SQL_NO_CACHE',
];

function parseSelect(c: Cursor): Select {
  c.expectWord('SELECT');
  let distinct = false;
  let calcFoundRows = false;
  for (;;) {
    if (c.acceptWord('DISTINCT') || c.acceptWord('DISTINCTROW')) distinct = true;
    else if (c.acceptWord('ALL') || c.oneOf(SELECT_MODIFIERS)) continue;
    else if (c.acceptWord('SQL_CALC_FOUND_ROWS')) calcFoundRows = true;
    else break;
  }
  const items = parseSelectItems(c);
  let into = c.acceptWord('INTO') ? parseInto(c) : null;
  let from: TableRef[] | null = null;
  if (c.acceptWord('FROM')) from = c.acceptWord('DUAL') ? null : parseTableRefs(c);
  const where = c.acceptWord('WHERE') ? parseExpr(c) : null;
  const groupBy = c.acceptWords('GROUP', 'BY') ? parseOrderList(c) : [];
  const withRollup = groupBy.length > 0 && c.acceptWords('WITH', 'ROLLUP');
  // The rollup rewrite matches group expressions against select items (pinned already) by
  // value: the group list's literals are structure too.
  if (withRollup) pinLiterals(c, groupBy);
  const having = c.acceptWord('HAVING') ? parseExpr(c) : null;
  const windows = c.isWord('WINDOW') ? parseWindows(c) : [];
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimit(c);
  if (into === null && c.acceptWord('INTO')) into = parseInto(c);
  const lock = parseLock(c);
  if (into === null && c.acceptWord('INTO')) into = parseInto(c);
  return {
    kind: 'select',
    distinct,
    items,
    from,
    where,
    groupBy,
    withRollup,
    having,
    orderBy,
    limit,
    lock,
    ...(windows.length > 0 ? { windows } : {}),
    ...(calcFoundRows ? { calcFoundRows } : {}),
    ...(into === null ? {} : { into }),
  };
}

// `INTO @a, @b`; a file or a stored program's local variable is not supported.
function parseInto(c: Cursor): string[] {
  if (c.isWord('OUTFILE') || c.isWord('DUMPFILE')) c.unsupported(`SELECT … INTO ${c.peek().upper}`);
  const names: string[] = [];
  do {
    const t = c.peek();
    if (t.type !== 'uservar') c.unsupported('SELECT … INTO local variables');
    c.pos++;
    names.push(t.text);
  } while (c.acceptOp(','));
  return names;
}

function pinLiterals(c: Cursor, node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const literal = node as { kind?: unknown; slot?: unknown };
  if (literal.kind === 'literal' && typeof literal.slot === 'number') c.pinned.push(literal.slot);
  for (const value of Object.values(node)) pinLiterals(c, value);
}

// `WINDOW w AS (…), v AS (…)`
function parseWindows(c: Cursor): NamedWindow[] {
  c.expectWord('WINDOW');
  const windows: NamedWindow[] = [];
  do {
    const name = c.identifier();
    c.expectWord('AS');
    c.expectOp('(');
    windows.push({ name, spec: parseWindowSpec(c) });
    c.expectOp(')');
  } while (c.acceptOp(','));
  return windows;
}

export function parseSelectItems(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  // Literals in the select list name result columns (SELECT 1 reports a column `1`).
  c.pinning++;
  do items.push(parseSelectItem(c));
  while (c.acceptOp(','));
  c.pinning--;
  return items;
}

function parseSelectItem(c: Cursor): SelectItem {
  if (c.acceptOp('*')) return { kind: 'star', table: null };
  const star = qualifiedStar(c);
  if (star) return star;
  const start = c.pos;
  const expr = parseExpr(c);
  const text = c.textFrom(start);
  const alias = parseAlias(c);
  return { kind: 'item', expr, alias, name: alias ?? defaultName(expr, text) };
}

// `t.*` or `db.t.*`; null (cursor unmoved) otherwise.
function qualifiedStar(c: Cursor): SelectItem | null {
  if (!c.isIdentifier() || !c.isOp('.', 1)) return null;
  if (c.isOp('*', 2)) {
    const name = c.next().text;
    c.pos += 2;
    return { kind: 'star', table: { db: null, name } };
  }
  if (c.isOp('.', 3) && c.isOp('*', 4)) {
    const db = c.next().text;
    c.pos++;
    const name = c.next().text;
    c.pos += 2;
    return { kind: 'star', table: { db, name } };
  }
  return null;
}

function defaultName(expr: Expr, text: string): string {
  if (expr.kind === 'column') return expr.column;
  if (expr.kind === 'literal' && expr.type === 'string') return expr.value ?? '';
  if (expr.kind === 'literal' && expr.type === 'null') return 'NULL';
  return text;
}

export function parseAlias(c: Cursor): string | null {
  if (c.acceptWord('AS')) return c.peek().type === 'string' ? c.string() : c.identifier();
  if (c.isIdentifier()) return c.next().text;
  if (c.peek().type === 'string') return c.string();
  return null;
}

export function parseTableName(c: Cursor): TableName {
  const first = c.identifier();
  if (!c.isOp('.')) return { db: null, name: first };
  c.pos++;
  const t = c.peek();
  if (t.type !== 'ident' && t.type !== 'word') c.fail();
  c.pos++;
  return { db: first, name: t.text };
}

export function parseTableRefs(c: Cursor): TableRef[] {
  const refs = [parseJoinedTable(c)];
  while (c.acceptOp(',')) refs.push(parseJoinedTable(c));
  return refs;
}

function parseJoinedTable(c: Cursor): TableRef {
  let left = parseTableFactor(c);
  for (;;) {
    const join = parseJoinType(c);
    if (join === null) return left;
    const right = parseTableFactor(c);
    let on: Expr | null = null;
    let using: string[] | null = null;
    if (!join.natural && c.acceptWord('ON')) on = parseExpr(c);
    else if (!join.natural && c.acceptWord('USING')) using = parseNameList(c);
    else if (!join.natural && (join.type === 'LEFT' || join.type === 'RIGHT')) c.fail();
    left = { kind: 'join', type: join.type, natural: join.natural, left, right, on, using };
  }
}

function parseJoinType(
  c: Cursor,
): { type: 'INNER' | 'LEFT' | 'RIGHT' | 'CROSS' | 'STRAIGHT'; natural: boolean } | null {
  const natural = c.acceptWord('NATURAL');
  if (c.acceptWord('JOIN')) return { type: 'INNER', natural };
  if (c.acceptWord('STRAIGHT_JOIN')) return { type: 'STRAIGHT', natural };
  const word = c.oneOf(['INNER', 'CROSS', 'LEFT', 'RIGHT']);
  if (word === null) {
    if (natural) c.fail();
    return null;
  }
  if (word === 'LEFT' || word === 'RIGHT') c.acceptWord('OUTER');
  c.expectWord('JOIN');
  return { type: word as 'INNER', natural };
}

export function parseNameList(c: Cursor): string[] {
  c.expectOp('(');
  const names = [c.identifier()];
  while (c.acceptOp(',')) names.push(c.identifier());
  c.expectOp(')');
  return names;
}

function parseTableFactor(c: Cursor): TableRef {
  if (c.isOp('(')) {
    if (startsQuery(c)) {
      c.expectOp('(');
      const query = parseQuery(c);
      c.expectOp(')');
      const alias = parseAlias(c);
      if (alias === null) c.fail();
      return { kind: 'derived', query, alias };
    }
    c.expectOp('(');
    c.enter();
    const refs = parseTableRefs(c);
    c.leave();
    c.expectOp(')');
    return refs.reduce((left, right) => ({
      kind: 'join',
      type: 'CROSS',
      natural: false,
      left,
      right,
      on: null,
      using: null,
    }));
  }
  if (c.isWord('JSON_TABLE') && c.isOp('(', 1)) return parseJsonTable(c);
  return parseTableSource(c);
}

// JSON_TABLE(doc, path COLUMNS (…)) [AS] alias: MariaDB 10.11's grammar (NESTED needs PATH).
function parseJsonTable(c: Cursor): JsonTable {
  c.expectWord('JSON_TABLE');
  c.expectOp('(');
  const doc = parseExpr(c);
  c.expectOp(',');
  const path = c.string();
  checkJsonTablePath(path, 2);
  const columns = parseJsonTableColumns(c);
  c.expectOp(')');
  const alias = parseAlias(c);
  if (alias === null)
    throw new SqlFailure(semantic(4177, 'HY000', 'Every table function must have an alias.'));
  return { kind: 'json_table', doc, path, columns, alias };
}

function parseJsonTableColumns(c: Cursor): JsonTableColumn[] {
  c.expectWord('COLUMNS');
  c.expectOp('(');
  const columns: JsonTableColumn[] = [];
  do {
    if (c.acceptWord('NESTED')) {
      c.expectWord('PATH');
      const path = c.string();
      columns.push({ kind: 'nested', path, columns: parseJsonTableColumns(c) });
      continue;
    }
    const name = c.identifier();
    if (c.acceptWord('FOR')) {
      c.expectWord('ORDINALITY');
      columns.push({ kind: 'ordinality', name });
      continue;
    }
    const type = parseDataType(c);
    const exists = c.acceptWord('EXISTS');
    c.expectWord('PATH');
    const path = c.string();
    checkJsonTablePath(path, 2);
    const onEmpty = parseJsonTableOn(c, 'EMPTY');
    const onError = parseJsonTableOn(c, 'ERROR');
    columns.push({ kind: 'path', name, type, path, exists, onEmpty, onError });
  } while (c.acceptOp(','));
  c.expectOp(')');
  return columns;
}

// `{NULL | ERROR | DEFAULT 'value'} ON EMPTY|ERROR`, when it is the one `what` names.
function parseJsonTableOn(c: Cursor, what: 'EMPTY' | 'ERROR'): JsonTableOn {
  const start = c.pos;
  let on: JsonTableOn | null = null;
  if (c.acceptWord('NULL')) on = { kind: 'NULL' };
  else if (c.acceptWord('ERROR')) on = { kind: 'ERROR' };
  else if (c.acceptWord('DEFAULT'))
    on = { kind: 'DEFAULT', value: c.peek().type === 'string' ? c.string() : c.next().text };
  if (on !== null && c.acceptWord('ON') && c.acceptWord(what)) return on;
  c.pos = start;
  return { kind: 'NULL' };
}

export function parseTableSource(c: Cursor): TableSource {
  const table = parseTableName(c);
  if (c.isWord('PARTITION')) c.unsupported('PARTITION');
  const alias = parseAlias(c);
  skipIndexHints(c);
  return { kind: 'table', table, alias };
}

// USE/FORCE/IGNORE INDEX (…) hints: accepted; SQLite's planner chooses on its own.
function skipIndexHints(c: Cursor): void {
  while (c.oneOf(['USE', 'FORCE', 'IGNORE'])) {
    if (!c.acceptWord('INDEX')) c.expectWord('KEY');
    if (c.acceptWord('FOR') && !c.acceptWord('JOIN')) {
      if (!c.acceptWord('ORDER') && !c.acceptWord('GROUP')) c.fail();
      c.expectWord('BY');
    }
    c.expectOp('(');
    while (!c.isOp(')')) {
      c.name();
      c.acceptOp(',');
    }
    c.expectOp(')');
    c.acceptOp(',');
  }
}

function parseLimitValue(c: Cursor): Expr {
  const t = c.peek();
  if (t.type === 'int') return c.literal();
  if (t.type === 'param') {
    c.pos++;
    return { kind: 'param', slot: c.slotAt(c.pos - 1) };
  }
  return c.fail();
}

export function parseLimit(c: Cursor): Limit | null {
  if (!c.acceptWord('LIMIT')) return null;
  const first = parseLimitValue(c);
  if (c.acceptOp(',')) return { count: parseLimitValue(c), offset: first };
  if (c.acceptWord('OFFSET')) return { count: first, offset: parseLimitValue(c) };
  return { count: first, offset: null };
}

export function parseLimitCount(c: Cursor): Expr | null {
  return c.acceptWord('LIMIT') ? parseLimitValue(c) : null;
}

function parseLock(c: Cursor): LockMode {
  if (c.acceptWords('LOCK', 'IN', 'SHARE', 'MODE')) return 'share';
  if (!c.acceptWord('FOR')) return null;
  const mode = c.acceptWord('UPDATE') ? 'update' : (c.expectWord('SHARE'), 'share');
  if (c.acceptWord('OF')) c.unsupported('FOR UPDATE OF');
  if (c.acceptWord('NOWAIT') || c.acceptWords('SKIP', 'LOCKED')) return mode;
  if (c.acceptWord('WAIT')) c.integer();
  return mode;
}
