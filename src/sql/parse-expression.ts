// Expressions: recursive descent for the logical levels, precedence climbing for the binary
// operators, following MariaDB's precedence table (lowest first):
//   OR ||  <  XOR  <  AND &&  <  NOT  <  comparisons, IS, LIKE, IN, BETWEEN  <  |  <  &
//   <  << >>  <  + -  <  * / DIV % MOD  <  ^  <  unary - ~ !  <  BINARY, COLLATE
// In MariaDB's default sql_mode `||` is OR; with PIPES_AS_CONCAT it is CONCAT and binds tighter
// than `^`. HIGH_NOT_PRECEDENCE makes NOT bind as `!` (`NOT 1 BETWEEN …` is `(NOT 1) BETWEEN …`).
import type {
  BinaryOp,
  CaseWhen,
  CastType,
  Expr,
  FrameBound,
  IntervalUnit,
  OrderItem,
  Query,
  WindowFrame,
  WindowSpec,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { PARSE_MODE } from './parse-modes.js';
import { parseQuery } from './parse-select.js';

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '|': 1,
  '&': 2,
  '<<': 3,
  '>>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  DIV: 5,
  MOD: 5,
  '^': 6,
  // Only under PIPES_AS_CONCAT (binaryOpAt): MariaDB's MYSQL_CONCAT_SYM, above `^`.
  '||': 7,
};

const COMPARISONS: Readonly<Record<string, BinaryOp>> = {
  '=': '=',
  '<=>': '<=>',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

export const INTERVAL_UNITS: ReadonlySet<string> = new Set<IntervalUnit>([
  'MICROSECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
  'SECOND_MICROSECOND',
  'MINUTE_MICROSECOND',
  'MINUTE_SECOND',
  'HOUR_MICROSECOND',
  'HOUR_SECOND',
  'HOUR_MINUTE',
  'DAY_MICROSECOND',
  'DAY_SECOND',
  'DAY_MINUTE',
  'DAY_HOUR',
  'YEAR_MONTH',
]);

/** Keywords that are function calls without parentheses. */
const NILADIC = new Set([
  'CURRENT_TIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_USER',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'UTC_TIMESTAMP',
  'UTC_DATE',
  'UTC_TIME',
]);

export function parseExpr(c: Cursor): Expr {
  // `@v := expr` binds loosest of all, and to the right (`@a := @b := 1`).
  if (c.peek().type === 'uservar' && c.isOp(':=', 1)) {
    const name = c.next().text;
    c.pos++;
    return { kind: 'assign', name, value: parseExpr(c) };
  }
  c.enter();
  let left = parseXor(c);
  const pipesAreOr = (c.modes & PARSE_MODE.pipesAsConcat) === 0;
  while (c.acceptWord('OR') || (pipesAreOr && c.acceptOp('||')))
    left = binary('OR', left, parseXor(c));
  c.leave();
  return left;
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right };
}

function parseXor(c: Cursor): Expr {
  let left = parseAnd(c);
  while (c.acceptWord('XOR')) left = binary('XOR', left, parseAnd(c));
  return left;
}

function parseAnd(c: Cursor): Expr {
  let left = parseNot(c);
  while (c.acceptWord('AND') || c.acceptOp('&&')) left = binary('AND', left, parseNot(c));
  return left;
}

function parseNot(c: Cursor): Expr {
  if ((c.modes & PARSE_MODE.highNotPrecedence) === 0 && c.acceptWord('NOT')) {
    c.enter();
    const operand = parseNot(c);
    c.leave();
    return { kind: 'unary', op: 'NOT', operand };
  }
  return parsePredicate(c);
}

function parsePredicate(c: Cursor): Expr {
  let left = parseBinary(c, 1);
  for (;;) {
    const t = c.peek();
    const comparison = t.type === 'op' ? COMPARISONS[t.text] : undefined;
    if (comparison) {
      c.pos++;
      left = parseComparisonRight(c, comparison, left);
      continue;
    }
    if (t.type !== 'word') return left;
    const next = parsePredicateSuffix(c, left);
    if (next === null) return left;
    left = next;
  }
}

function parseComparisonRight(c: Cursor, op: BinaryOp, left: Expr): Expr {
  const quantifier = c.oneOf(['ANY', 'SOME', 'ALL']);
  if (quantifier) {
    const query = parseParenthesizedQuery(c);
    return {
      kind: 'quantified',
      op,
      quantifier: quantifier === 'ALL' ? 'ALL' : 'ANY',
      operand: left,
      query,
    };
  }
  return binary(op, left, parseBinary(c, 1));
}

// IS …, [NOT] BETWEEN/IN/LIKE/REGEXP; null when the word at the cursor starts none of them.
function parsePredicateSuffix(c: Cursor, operand: Expr): Expr | null {
  if (c.acceptWord('IS')) {
    const negated = c.acceptWord('NOT');
    const value = c.oneOf(['NULL', 'TRUE', 'FALSE', 'UNKNOWN']);
    if (!value) c.fail();
    return { kind: 'is', negated, operand, value: value as 'NULL' };
  }
  const start = c.pos;
  const negated = c.acceptWord('NOT');
  if (c.acceptWord('BETWEEN')) {
    const low = parseBinary(c, 1);
    c.expectWord('AND');
    const high = parseBinary(c, 1);
    return { kind: 'between', negated, operand, low, high };
  }
  if (c.acceptWord('IN')) return parseIn(c, operand, negated);
  if (c.acceptWord('LIKE')) {
    const pattern = parseBinary(c, 1);
    const escape = c.acceptWord('ESCAPE') ? parseBinary(c, 1) : null;
    return { kind: 'like', negated, operand, pattern, escape };
  }
  if (c.acceptWord('REGEXP') || c.acceptWord('RLIKE'))
    return { kind: 'regexp', negated, operand, pattern: parseBinary(c, 1) };
  if (c.isWord('SOUNDS')) c.unsupported('SOUNDS LIKE');
  if (c.isWord('MEMBER')) c.unsupported('MEMBER OF');
  c.pos = start;
  return null;
}

function parseIn(c: Cursor, operand: Expr, negated: boolean): Expr {
  c.expectOp('(');
  if (startsQuery(c)) {
    const query = parseQuery(c);
    c.expectOp(')');
    return { kind: 'in_query', negated, operand, query };
  }
  const list = parseExprList(c);
  c.expectOp(')');
  return { kind: 'in_list', negated, operand, list };
}

export function parseExprList(c: Cursor): Expr[] {
  const list = [parseExpr(c)];
  while (c.acceptOp(',')) list.push(parseExpr(c));
  return list;
}

function binaryOpAt(c: Cursor): string | null {
  const t = c.peek();
  if (t.type === 'op') {
    if (t.text === '||') return (c.modes & PARSE_MODE.pipesAsConcat) !== 0 ? '||' : null;
    return t.text in BINARY_PRECEDENCE ? t.text : null;
  }
  if (t.type === 'word' && (t.upper === 'DIV' || t.upper === 'MOD')) return t.upper;
  return null;
}

function parseBinary(c: Cursor, minPrecedence: number): Expr {
  c.enter();
  let left = parseUnary(c);
  for (;;) {
    const op = binaryOpAt(c);
    const precedence = op === null ? 0 : (BINARY_PRECEDENCE[op] ?? 0);
    if (op === null || precedence < minPrecedence) break;
    c.pos++;
    const right = parseBinary(c, precedence + 1);
    left =
      op === '||'
        ? concat(left, right)
        : binary(op === '%' ? 'MOD' : (op as BinaryOp), left, right);
  }
  c.leave();
  return left;
}

/** `a || b` under PIPES_AS_CONCAT. */
function concat(left: Expr, right: Expr): Expr {
  const args = [left, right];
  return {
    kind: 'call',
    name: 'CONCAT',
    args,
    distinct: false,
    star: false,
    orderBy: [],
    separator: null,
  };
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  const op =
    t.type === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')
      ? t.text
      : t.type === 'word' && t.upper === 'BINARY' && !c.isOp('(', 1)
        ? 'BINARY'
        : t.type === 'word' && t.upper === 'NOT' && (c.modes & PARSE_MODE.highNotPrecedence) !== 0
          ? '!'
          : null;
  if (op === null) return parseCollate(c);
  c.pos++;
  c.enter();
  const operand = parseUnary(c);
  c.leave();
  if (op === '+') return operand;
  return { kind: 'unary', op: op === '!' ? 'NOT' : (op as '-'), operand };
}

function parseCollate(c: Cursor): Expr {
  let expr = parsePrimary(c);
  for (;;) {
    // MariaDB 10.11 has no JSON path operators (`col->'$.a'` is MySQL's): `->` is a 1064.
    if (c.acceptWord('COLLATE')) expr = { kind: 'collate', operand: expr, collation: c.name() };
    else return expr;
  }
}

export function startsQuery(c: Cursor): boolean {
  if (c.isWord('SELECT') || c.isWord('WITH')) return true;
  let ahead = 0;
  while (c.isOp('(', ahead)) ahead++;
  return ahead > 0 && (c.isWord('SELECT', ahead) || c.isWord('WITH', ahead));
}

export function parseParenthesizedQuery(c: Cursor): Query {
  c.expectOp('(');
  const query = parseQuery(c);
  c.expectOp(')');
  return query;
}

function parsePrimary(c: Cursor): Expr {
  const t = c.peek();
  switch (t.type) {
    case 'string':
      return parseStrings(c);
    case 'int':
    case 'decimal':
    case 'float':
    case 'hex':
    case 'bit':
      return c.literal();
    case 'param':
      c.pos++;
      return { kind: 'param', slot: c.slotAt(c.pos - 1) };
    case 'uservar':
      c.pos++;
      return { kind: 'user_var', name: t.text };
    case 'sysvar':
      c.pos++;
      return {
        kind: 'system_var',
        name: t.text,
        scope: t.extra === '' ? null : (t.extra as 'global'),
      };
    case 'op':
      return t.text === '(' ? parseParenthesized(c) : c.fail();
    case 'ident':
      return parseNameOrCall(c);
    case 'word':
      return parseWord(c);
    default:
      return c.fail();
  }
}

// Adjacent string literals concatenate ('a' 'b' is 'ab'); the result is pinned into the template.
function parseStrings(c: Cursor): Expr {
  const first = c.literal();
  if (c.peek().type !== 'string') return first;
  let value = first.value ?? '';
  if (first.slot !== null) c.pinned.push(first.slot);
  while (c.peek().type === 'string') value += c.string();
  return { ...first, value, slot: null };
}

function parseParenthesized(c: Cursor): Expr {
  if (startsQuery(c)) return { kind: 'subquery', query: parseParenthesizedQuery(c) };
  c.expectOp('(');
  const items = parseExprList(c);
  c.expectOp(')');
  return items.length === 1 ? items[0]! : { kind: 'row', items };
}

function parseWord(c: Cursor): Expr {
  const t = c.peek();
  switch (t.upper) {
    case 'NULL':
      c.pos++;
      return { kind: 'literal', type: 'null', value: null, slot: null, charset: '' };
    case 'TRUE':
    case 'FALSE':
      c.pos++;
      return { kind: 'literal', type: 'bool', value: t.upper, slot: null, charset: '' };
    case 'CASE':
      return parseCase(c);
    case 'EXISTS':
      c.pos++;
      return { kind: 'exists', query: parseParenthesizedQuery(c) };
    case 'INTERVAL':
      return parseInterval(c);
    case 'DEFAULT':
      if (c.isOp('(', 1)) {
        // DEFAULT(column) only: anything else in the parentheses is MariaDB's syntax error.
        const inner = c.peek(2);
        if (inner.type !== 'word' && inner.type !== 'ident') c.fail();
        c.pos++;
        c.expectOp('(');
        const column = parseExpr(c);
        if (column.kind !== 'column') c.fail();
        c.expectOp(')');
        return {
          kind: 'call',
          name: 'DEFAULT',
          args: [column],
          distinct: false,
          star: false,
          orderBy: [],
          separator: null,
        };
      }
      c.pos++;
      return { kind: 'default' };
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      if (c.peek(1).type === 'string') return parseTypedLiteral(c);
  }
  if (NILADIC.has(t.upper) && !c.isOp('(', 1)) {
    c.pos++;
    return call(t.upper, []);
  }
  if (c.isOp('(', 1)) return parseFunction(c, c.next().upper);
  return parseNameOrCall(c);
}

function parseTypedLiteral(c: Cursor): Expr {
  const name = c.next().upper;
  const operand = c.literal();
  return {
    kind: 'cast',
    operand,
    type: {
      name: name === 'TIMESTAMP' ? 'DATETIME' : name,
      length: null,
      scale: null,
      charset: null,
    },
  };
}

export function call(name: string, args: readonly Expr[]): Expr {
  return { kind: 'call', name, args, distinct: false, star: false, orderBy: [], separator: null };
}

function parseNameOrCall(c: Cursor): Expr {
  const parts = [c.identifier()];
  while (c.isOp('.') && (c.peek(1).type === 'ident' || c.peek(1).type === 'word')) {
    c.pos++;
    parts.push(c.next().text);
  }
  if (c.isOp('(')) {
    if (parts.length > 1) c.unsupported('stored functions');
    return parseFunction(c, parts[0]!.toUpperCase());
  }
  if (parts.length > 3) c.fail();
  const column = parts[parts.length - 1]!;
  const table = parts.length >= 2 ? parts[parts.length - 2]! : null;
  const db = parts.length === 3 ? parts[0]! : null;
  return { kind: 'column', db, table, column };
}

function parseCase(c: Cursor): Expr {
  c.expectWord('CASE');
  c.enter();
  const operand = c.isWord('WHEN') ? null : parseExpr(c);
  const whens: CaseWhen[] = [];
  while (c.acceptWord('WHEN')) {
    const when = parseExpr(c);
    c.expectWord('THEN');
    whens.push({ when, then: parseExpr(c) });
  }
  if (whens.length === 0) c.fail();
  const otherwise = c.acceptWord('ELSE') ? parseExpr(c) : null;
  c.expectWord('END');
  c.leave();
  return { kind: 'case', operand, whens, otherwise };
}

function parseInterval(c: Cursor): Expr {
  c.expectWord('INTERVAL');
  const value = parseExpr(c);
  // INTERVAL(N, N1, N2, …): the function (the index of the last Nk ≤ N), not a time interval.
  if (value.kind === 'row') {
    return {
      kind: 'call',
      name: 'INTERVAL',
      args: value.items,
      distinct: false,
      star: false,
      orderBy: [],
      separator: null,
    };
  }
  const unit = c.peek();
  if (unit.type !== 'word' || !INTERVAL_UNITS.has(unit.upper)) c.fail();
  c.pos++;
  return { kind: 'interval', value, unit: unit.upper as IntervalUnit };
}

function parseFunction(c: Cursor, name: string): Expr {
  c.expectOp('(');
  c.enter();
  const expr = parseFunctionBody(c, name);
  c.leave();
  c.expectOp(')');
  if (!c.acceptWord('OVER')) return expr;
  if (expr.kind !== 'call') c.fail();
  if (!c.acceptOp('(')) return { ...expr, over: windowNamed(c.identifier()) };
  const over = parseWindowSpec(c);
  c.expectOp(')');
  return { ...expr, over };
}

function windowNamed(base: string): WindowSpec {
  return { base, partitionBy: [], orderBy: [], frame: null };
}

/** The inside of `OVER (…)` or `WINDOW w AS (…)`: [base] [PARTITION BY …] [ORDER BY …] [frame]. */
export function parseWindowSpec(c: Cursor): WindowSpec {
  const base =
    c.isIdentifier() && !c.isWord('PARTITION') && !c.isWord('ORDER') ? c.identifier() : null;
  const partitionBy = c.acceptWords('PARTITION', 'BY') ? parseExprList(c) : [];
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const units = c.oneOf(['ROWS', 'RANGE']) as 'ROWS' | 'RANGE' | null;
  if (units === null) return { base, partitionBy, orderBy, frame: null };
  let frame: WindowFrame;
  if (c.acceptWord('BETWEEN')) {
    const start = parseFrameBound(c);
    c.expectWord('AND');
    frame = { units, start, end: parseFrameBound(c) };
  } else frame = { units, start: parseFrameBound(c), end: null };
  if (c.isWord('EXCLUDE')) c.unsupported('window frame EXCLUDE');
  return { base, partitionBy, orderBy, frame };
}

function parseFrameBound(c: Cursor): FrameBound {
  if (c.acceptWords('UNBOUNDED', 'PRECEDING')) return { kind: 'UNBOUNDED PRECEDING' };
  if (c.acceptWords('UNBOUNDED', 'FOLLOWING')) return { kind: 'UNBOUNDED FOLLOWING' };
  if (c.acceptWords('CURRENT', 'ROW')) return { kind: 'CURRENT ROW' };
  if (c.isWord('INTERVAL')) c.unsupported('RANGE … INTERVAL frames');
  // The offset is part of the window's shape: pinned, so SQLite sees a constant.
  c.pinning++;
  const offset = parseBinary(c, 1);
  c.pinning--;
  const side = c.oneOf(['PRECEDING', 'FOLLOWING']) as 'PRECEDING' | 'FOLLOWING' | null;
  if (side === null) c.fail();
  return { kind: side, offset };
}

// Functions whose argument syntax is not a plain comma list get their own branch.
function parseFunctionBody(c: Cursor, name: string): Expr {
  switch (name) {
    case 'CAST':
      return parseCastBody(c);
    case 'CONVERT':
      return parseConvertBody(c);
    case 'GROUP_CONCAT':
      return parseGroupConcat(c);
    case 'TRIM':
      return parseTrim(c);
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'MID':
      return parseSubstring(c, name);
    case 'POSITION':
      return parsePosition(c);
    case 'EXTRACT':
      return parseExtract(c);
    case 'VALUES':
    case 'VALUE':
      return { kind: 'inserted_value', column: parseColumnName(c) };
    case 'MATCH':
      return c.unsupported('MATCH … AGAINST');
    case 'GET_FORMAT': {
      // GET_FORMAT({DATE | TIME | DATETIME | TIMESTAMP}, 'EUR'): the type is a keyword.
      const type = c.peek();
      if (type.type !== 'word' || !['DATE', 'TIME', 'DATETIME', 'TIMESTAMP'].includes(type.upper))
        c.fail();
      c.pos++;
      c.expectOp(',');
      const kind: Expr = {
        kind: 'literal',
        type: 'string',
        value: type.upper,
        slot: null,
        charset: '',
      };
      return call(name, [kind, parseExpr(c)]);
    }
  }
  if (c.isOp(')')) return call(name, []);
  if (c.acceptOp('*')) {
    if (name !== 'COUNT') c.fail();
    return {
      kind: 'call',
      name,
      args: [],
      distinct: false,
      star: true,
      orderBy: [],
      separator: null,
    };
  }
  const distinct = c.acceptWord('DISTINCT') || c.acceptWord('DISTINCTROW');
  if (!distinct) c.acceptWord('ALL');
  const args = parseExprList(c);
  // ROUND(x, 2)'s places are the result's type (a DECIMAL(…, 2), shown with two places): a
  // template made for 2 places is not reused for 3.
  const places = args[1];
  if ((name === 'ROUND' || name === 'TRUNCATE') && places !== undefined) pinLiteral(c, places);
  const made: Expr = {
    kind: 'call',
    name,
    args,
    distinct,
    star: false,
    orderBy: [],
    separator: null,
  };
  // CHAR(65 USING utf8mb4): the bytes read in a character set, as CONVERT(… USING …) does.
  if (name === 'CHAR' && c.acceptWord('USING'))
    return { kind: 'convert_using', operand: made, charset: c.name().toLowerCase() };
  return made;
}

/** A literal (or a negated one) becomes part of the template. */
function pinLiteral(c: Cursor, e: Expr): void {
  const literal = e.kind === 'unary' && e.op === '-' ? e.operand : e;
  if (literal.kind === 'literal' && literal.slot !== null && literal.slot >= 0)
    c.pinned.push(literal.slot);
}

function parseColumnName(c: Cursor): string {
  const expr = parseNameOrCall(c);
  if (expr.kind !== 'column') c.fail();
  return expr.column;
}

function parseGroupConcat(c: Cursor): Expr {
  const distinct = c.acceptWord('DISTINCT');
  const args = parseExprList(c);
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const separator = c.acceptWord('SEPARATOR') ? c.string() : null;
  if (c.isWord('LIMIT')) c.unsupported('GROUP_CONCAT … LIMIT');
  return { kind: 'call', name: 'GROUP_CONCAT', args, distinct, star: false, orderBy, separator };
}

export function parseOrderList(c: Cursor): OrderItem[] {
  const items: OrderItem[] = [];
  do {
    const index = c.pos;
    const expr = parseExpr(c);
    // ORDER BY 2 names the second select column: its value is structure, not data.
    if (expr.kind === 'literal' && expr.type === 'int') c.pin(index);
    const direction = c.acceptWord('ASC') ? 'ASC' : c.acceptWord('DESC') ? 'DESC' : null;
    items.push({ expr, direction });
  } while (c.acceptOp(','));
  return items;
}

function parseTrim(c: Cursor): Expr {
  const side = c.oneOf(['LEADING', 'TRAILING', 'BOTH']);
  const name = side === 'LEADING' ? 'LTRIM' : side === 'TRAILING' ? 'RTRIM' : 'TRIM';
  if (side !== null && c.acceptWord('FROM')) return call(name, [parseExpr(c)]);
  const first = parseExpr(c);
  if (c.acceptWord('FROM')) return call(name, [parseExpr(c), first]);
  if (side !== null) c.fail();
  return call('TRIM', [first]);
}

function parseSubstring(c: Cursor, name: string): Expr {
  const subject = parseExpr(c);
  if (name !== 'MID' && c.acceptWord('FROM')) {
    const from = parseExpr(c);
    return call('SUBSTRING', c.acceptWord('FOR') ? [subject, from, parseExpr(c)] : [subject, from]);
  }
  c.expectOp(',');
  const rest = parseExprList(c);
  return call('SUBSTRING', [subject, ...rest]);
}

function parsePosition(c: Cursor): Expr {
  const needle = parseBinary(c, 1);
  c.expectWord('IN');
  return call('LOCATE', [needle, parseExpr(c)]);
}

function parseExtract(c: Cursor): Expr {
  const unit = c.peek();
  if (unit.type !== 'word' || !INTERVAL_UNITS.has(unit.upper)) c.fail();
  c.pos++;
  c.expectWord('FROM');
  const unitLiteral: Expr = {
    kind: 'literal',
    type: 'string',
    value: unit.upper,
    slot: null,
    charset: '',
  };
  return call('EXTRACT', [unitLiteral, parseExpr(c)]);
}

function parseCastBody(c: Cursor): Expr {
  const operand = parseExpr(c);
  c.expectWord('AS');
  return { kind: 'cast', operand, type: parseCastType(c) };
}

function parseConvertBody(c: Cursor): Expr {
  const operand = parseExpr(c);
  if (c.acceptWord('USING'))
    return { kind: 'convert_using', operand, charset: c.name().toLowerCase() };
  c.expectOp(',');
  return { kind: 'cast', operand, type: parseCastType(c) };
}

const CAST_TYPES = new Set([
  'SIGNED',
  'UNSIGNED',
  'CHAR',
  'NCHAR',
  'BINARY',
  'DECIMAL',
  'DOUBLE',
  'FLOAT',
  'REAL',
  'DATE',
  'DATETIME',
  'TIME',
  // No JSON: MariaDB 10.11's CAST(… AS JSON) is a 1064 (JSON is an alias of LONGTEXT there).
  'INTEGER',
  'INT',
]);

export function parseCastType(c: Cursor): CastType {
  const t = c.peek();
  if (t.type !== 'word' || !CAST_TYPES.has(t.upper)) c.fail();
  c.pos++;
  let name = t.upper === 'NCHAR' ? 'CHAR' : t.upper === 'REAL' ? 'DOUBLE' : t.upper;
  if ((name === 'SIGNED' || name === 'UNSIGNED') && !c.acceptWord('INTEGER')) c.acceptWord('INT');
  if (name === 'INTEGER' || name === 'INT') name = 'SIGNED';
  let length: number | null = null;
  let scale: number | null = null;
  if (c.acceptOp('(')) {
    length = c.integer();
    if (c.acceptOp(',')) scale = c.integer();
    c.expectOp(')');
  }
  let charset: string | null = null;
  if (c.acceptWords('CHARACTER', 'SET') || c.acceptWord('CHARSET'))
    charset = c.name().toLowerCase();
  return { name, length, scale, charset };
}
