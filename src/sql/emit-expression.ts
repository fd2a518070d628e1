// MySQL expressions → SQLite expressions. Every compound is parenthesized, so SQLite's operator
// precedence never matters. Literals become `?` bound to their slot unless pinned; session
// functions and variables become `?` bound at execution (see Bind).
import { textBytes } from '../codec/index.js';
import { isJsonTableDef, jsonTableColumnName } from './json-table.js';
import type {
  Call,
  Cast,
  ColumnDef,
  ColumnRef,
  DataType,
  Expr,
  FrameBound,
  Literal,
  OrderItem,
  Query,
  WindowSpec,
} from './ast.js';
import type { Catalog, TableDef } from './catalog.js';
import { findCollation, sqliteCollation } from './collations.js';
import { SqlFailure, semantic, unsupported } from './errors.js';
import {
  AGGREGATES,
  BUILTIN_FUNCTIONS,
  REGEXP_CS_FUNCTION,
  FUNCTION_ALIASES,
  SESSION_FUNCTIONS,
  type SessionValue,
  USER_FUNCTION_ARITY,
  userFunction,
  WINDOW_FUNCTIONS,
} from './functions.js';
import { isDecimalInteger, isLongDecimal, isTextDecimal } from './decimal-literal.js';
import { backquote, quoteId, quoteString } from './names.js';
import {
  integerFlag,
  mayOverflow,
  numberKind,
  type NumberScope,
  printedExpr,
} from './number-kind.js';
import { bitLiteralHex, SHORT_INTEGER_LITERAL_LENGTH } from './normalize.js';
import { DEFAULT_COLLATION, isTextType } from './table-def.js';
import {
  ARITHMETIC_FUNCTION,
  BIT_FUNCTION,
  DOUBLE_MATH_FUNCTION,
  CAST_DECIMAL_FUNCTION,
  CAST_SIGNED_FUNCTION,
  CAST_UNSIGNED_FUNCTION,
  DECIMAL_ADD_FUNCTION,
  DECIMAL_COMPARE_FUNCTION,
  DECIMAL_DIVIDE_FUNCTION,
  DECIMAL_MULTIPLY_FUNCTION,
  DECIMAL_SUBTRACT_FUNCTION,
  DECIMAL_SUM_FUNCTION,
  DIVISOR_FUNCTION,
  DOUBLE_ROUND_FUNCTION,
  INTEGER_FUNCTION,
  JSON_FORMAT_FUNCTION,
  LAST_INSERT_ID_GET_FUNCTION,
  LAST_INSERT_ID_SET_FUNCTION,
  LOG_ARGUMENT_FUNCTION,
  NEGATE_FUNCTION,
  NUMBER_FUNCTION,
  NUMBER_TEXT_DOUBLE,
  NUMBER_TEXT_FLOAT,
  NUMBER_TEXT_FUNCTION,
  TEMPORAL_NUMBER_FUNCTION,
  SYSTEM_TO_ZONE_FUNCTION,
  USER_VAR_GET_FUNCTION,
  USER_VAR_SET_FUNCTION,
  UTC_TO_ZONE_FUNCTION,
  ZONE_TO_SYSTEM_FUNCTION,
  ZONE_TO_UTC_FUNCTION,
} from './store-rule.js';

/** Where the value of each `?` in emitted SQL comes from, in order. */
export type Bind =
  | { readonly kind: 'slot'; readonly slot: number }
  | { readonly kind: 'session'; readonly name: SessionValue }
  | {
      readonly kind: 'system_var';
      readonly name: string;
      readonly scope: 'global' | 'session' | null;
    }
  | { readonly kind: 'user_var'; readonly name: string };

export interface EmitOptions {
  readonly catalog: Catalog;
  /** The session's current database (USE), or null. */
  readonly database: string | null;
  /**
   * Whether the caller handles `SELECT … INTO @v` and SQL_CALC_FOUND_ROWS (assigns the
   * variables, runs DmlTranslation.foundRows); without it they are ER_NOT_SUPPORTED_YET.
   */
  readonly selectExtras?: boolean;
  /**
   * Write checks name their column rules by JSON text, not by this process's numbers: for SQL
   * kept in the schema (a trigger's body), which other processes and nodes run (store-rule.ts).
   */
  readonly inlineRules?: boolean;
  /**
   * The session's collation_connection: what string literals and expressions without a column
   * compare with (utf8mb4_general_ci when not given). Part of a translation's memo key.
   */
  readonly collation?: string;
  /**
   * The session's time_zone where it matters (undefined: SYSTEM on a UTC host). A TIMESTAMP is
   * stored in UTC and read, written and compared in this zone; NOW() and FROM_UNIXTIME answer
   * in it. Part of a translation's memo key.
   */
  readonly timeZone?: string;
  /**
   * DECIMAL arithmetic through the exact functions (exactArithmetic) even with every literal
   * inline: a trigger's body under DDL rules 6, which SQLite runs like any statement (a CHECK or
   * a generated column may not: there SQLite allows deterministic functions only).
   */
  readonly exactDecimals?: boolean;
  /** A trigger's table: the columns NEW.c and OLD.c name (their types, for exact arithmetic). */
  readonly rowTable?: TableDef;
}

/** Emits one statement's SQL; the query emitter in emit-dml.ts extends it. */
export class ExpressionEmitter {
  readonly binds: Bind[] = [];
  /**
   * Set by the statement's emitter when it assigns a user variable (`@v := …`): every user
   * variable is then read as the row is computed, not bound once before the statement.
   */
  liveUserVars = false;
  /** Whether the statement has effects on the session (`:=`, LAST_INSERT_ID(x)). */
  effects = false;
  /**
   * The tables whose columns the expressions being emitted can name, innermost query last
   * (lower-case alias → table): a column's type decides how MySQL compares and converts it.
   */
  protected readonly columnScopes: ReadonlyMap<string, TableDef>[] = [];
  /** How deep the emitter is in JSON_OBJECT/JSON_ARRAY arguments (only the outermost is spaced). */
  private jsonNesting = 0;
  /** Set while emitting ON DUPLICATE KEY UPDATE, where VALUES(c) is the row being inserted. */
  protected inUpsert = false;

  constructor(
    readonly options: EmitOptions,
    /** Slots emitted inline; 'all' inlines every literal (DDL defaults, catalog text). */
    private readonly pinned: ReadonlySet<number> | 'all',
  ) {}

  protected fail(code: number, sqlState: string, message: string): never {
    throw new SqlFailure(semantic(code, sqlState, message));
  }

  /** ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT: a function called with a count it does not take. */
  protected parameterCount(name: string): never {
    return this.fail(
      1582,
      '42000',
      `Incorrect parameter count in the call to native function '${name}'`,
    );
  }

  protected unsupported(construct: string): never {
    throw new SqlFailure(unsupported(construct));
  }

  /** Emits a query (subquery); implemented by the DML emitter. */
  /** A subquery used as a value; the DML emitter makes a second row an error (1242). */
  scalarSubquery(q: Query): string {
    return `(${this.query(q)})`;
  }

  query(_query: Query): string {
    return this.unsupported('subqueries here');
  }

  private bind(bind: Bind): string {
    this.binds.push(bind);
    return '?';
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'literal':
        return this.literal(e);
      case 'param':
        return this.bind({ kind: 'slot', slot: e.slot });
      case 'column': {
        const zone = this.timestampZone(e);
        const sql = this.columnRef(e);
        return zone === null ? sql : `${UTC_TO_ZONE_FUNCTION}(${sql}, ${quoteString(zone)})`;
      }
      case 'unary':
        return this.unary(e.op, e.operand);
      case 'binary':
        return this.binary(e);
      case 'is':
        return `(${this.expr(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.value === 'UNKNOWN' ? 'NULL' : e.value})`;
      case 'between': {
        const exact = this.exactBetween(e);
        if (exact !== null) return exact;
        const operand = this.collated(e.operand, e.low, this.compared(e.operand, e.low));
        return `(${operand} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.compared(e.low, e.operand)} AND ${this.compared(e.high, e.operand)})`;
      }
      case 'in_list':
        return this.inList(e.operand, e.list, e.negated);
      case 'in_query':
        return `(${this.expr(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${this.query(e.query)}))`;
      case 'like':
        return this.like(e);
      case 'regexp':
        return this.regexp(e);
      case 'quantified':
        return this.quantified(e);
      case 'exists':
        return `EXISTS (${this.query(e.query)})`;
      case 'subquery':
        return this.scalarSubquery(e.query);
      case 'case':
        return this.caseExpr(e);
      case 'cast':
        return this.cast(e);
      case 'convert_using':
        return this.expr(e.operand);
      case 'call':
        return this.stringCall(e);
      case 'interval':
        return this.fail(1064, '42000', 'INTERVAL is only valid in date arithmetic');
      case 'user_var':
        if (this.liveUserVars)
          return `${USER_VAR_GET_FUNCTION}(${quoteString(e.name.toLowerCase())})`;
        return this.bind({ kind: 'user_var', name: e.name });
      case 'assign':
        this.effects = true;
        return `${USER_VAR_SET_FUNCTION}(${quoteString(e.name.toLowerCase())}, ${this.expr(e.value)})`;
      case 'system_var':
        return this.bind({ kind: 'system_var', name: e.name, scope: e.scope });
      case 'collate':
        return this.collate(e);
      case 'row':
        return `(${e.items.map((i) => this.expr(i)).join(', ')})`;
      case 'default':
        return this.unsupported('DEFAULT in this position');
      case 'inserted_value':
        return this.inUpsert ? `excluded.${quoteId(e.column)}` : 'NULL';
    }
  }

  literal(e: Literal): string {
    if (this.isBound(e)) return this.bind({ kind: 'slot', slot: e.slot! });
    return inlineLiteral(e);
  }

  /** What number-kind.ts asks of the statement. */
  private readonly numberScope: NumberScope = {
    columnType: (e) => this.columnType(e),
    isBound: (e) => this.isBound(e),
  };

  /** Whether a literal is bound at execution (a slot), not written into the SQL. */
  isBound(e: Literal): boolean {
    return e.slot !== null && this.pinned !== 'all' && !this.pinned.has(e.slot);
  }

  /**
   * `l op r` for `+`, `-`, `*`: SQLite's operator where the operands' types rule out leaving
   * BIGINT's range (`k + 1` on an INT column), else the checked function, which fails with
   * MariaDB's 1690 and computes BIGINT UNSIGNED (engine/arithmetic.ts, number-kind.ts).
   */
  private arithmetic(op: string, left: Expr, right: Expr, l: string, r: string): string {
    if (!this.warns) return `(${l} ${op} ${r})`;
    const a = numberKind(left, this.numberScope);
    const b = numberKind(right, this.numberScope);
    if (!mayOverflow(op, a, b)) return `(${l} ${op} ${r})`;
    const table = (c: ColumnRef): string | null => this.columnTable(c);
    const spec = JSON.stringify([
      op,
      integerFlag(a),
      integerFlag(b),
      printedExpr(left, this.numberScope, table),
      printedExpr(right, this.numberScope, table),
    ]);
    return `${ARITHMETIC_FUNCTION}(${l}, ${r}, ${quoteString(spec)})`;
  }

  /**
   * DEFAULT(col): the column's default expression; 0 for AUTO_INCREMENT, NULL for a nullable
   * column without one, 1364 for a NOT NULL one without one (MariaDB's answers).
   */
  private defaultOfColumn(e: Call): string {
    const ref = e.args[0];
    if (ref?.kind !== 'column' || e.args.length !== 1) return this.parameterCount('DEFAULT');
    // SQL the schema keeps (a trigger's body) is planned on every node, by releases before
    // session 26 too, which refuse DEFAULT(col): refused here alike (sql.md, "DDL rules by version").
    // So is a schema expression's (a CHECK, a generated column: no table in scope).
    if (
      this.options.inlineRules === true ||
      (this.columnScopes.length === 0 && this.defaultsOf === null)
    )
      return this.unsupported('DEFAULT(column)');
    const name = ref.column.toLowerCase();
    for (let i = this.columnScopes.length - 1; i >= 0; i--) {
      for (const [alias, table] of this.columnScopes[i]!) {
        if (ref.table !== null && alias !== ref.table.toLowerCase()) continue;
        const def = table.columns.find((c) => c.name.toLowerCase() === name);
        if (def !== undefined) return this.defaultOfDef(def);
      }
    }
    const target = this.defaultsOf;
    const def = target?.columns.find((c) => c.name.toLowerCase() === name);
    if (
      target !== null &&
      def !== undefined &&
      (ref.table === null || ref.table.toLowerCase() === target.name.toLowerCase())
    )
      return this.defaultOfDef(def);
    return this.fail(1054, '42S22', `Unknown column '${ref.column}' in 'field list'`);
  }

  /** The table whose columns DEFAULT(col) names in an INSERT's rows (emit-dml.ts). */
  defaultsOf: TableDef | null = null;

  private defaultOfDef(def: ColumnDef): string {
    if (def.autoIncrement) return '0';
    if (def.default !== null)
      // Catalog defaults are inlined: their literals carry slots of the CREATE TABLE.
      return new ExpressionEmitter(this.options, 'all').expr(def.default);
    if (def.nullable === false)
      return this.fail(1364, 'HY000', `Field '${def.name}' doesn't have a default value`);
    return 'NULL';
  }

  /** A column's table as MariaDB qualifies it in messages (`` `db`.`alias` ``), or null. */
  private columnTable(e: ColumnRef): string | null {
    const name = e.column.toLowerCase();
    for (let i = this.columnScopes.length - 1; i >= 0; i--) {
      for (const [alias, table] of this.columnScopes[i]!) {
        if (e.table !== null && alias !== e.table.toLowerCase()) continue;
        if (!table.columns.some((c) => c.name.toLowerCase() === name)) continue;
        return `${backquote(table.db)}.${backquote(e.table ?? alias)}`;
      }
    }
    return e.table === null ? null : backquote(e.table);
  }

  private unary(op: string, operand: Expr): string {
    // The negation of a DECIMAL keeps its digits (SQLite's would read a long one's text as a double).
    const shortLiteral =
      operand.kind === 'literal' &&
      !isLongDecimal(operand.value ?? '') &&
      !isDecimalInteger(operand.value ?? '');
    if (op === '-' && this.warns && !shortLiteral && this.exactKind(operand) === 'decimal')
      return `${DECIMAL_SUBTRACT_FUNCTION}(0, ${this.expr(operand)})`;
    if (op === '-' && operand.kind === 'literal' && operand.type === 'int') {
      // -9223372036854775808 is BIGINT's least value: its digits alone are unsigned.
      const value = operand.value ?? '';
      if (this.isBound(operand) && value.length >= SHORT_INTEGER_LITERAL_LENGTH)
        return `${NEGATE_FUNCTION}(${this.expr(operand)})`;
      if (!this.isBound(operand) && value === '9223372036854775808')
        return '(-9223372036854775807 - 1)';
    }
    const inner = this.numbered(operand, op === 'NOT' || op === '-' || op === '~');
    if (op === 'NOT') return `(NOT ${inner})`;
    if (op === '~' && this.warns) return `${BIT_FUNCTION}('~', ${inner})`;
    if (op === 'BINARY') return `(${inner} COLLATE BINARY)`;
    return `(${op}${inner})`;
  }

  private binary(e: Expr & { kind: 'binary' }): string {
    const { op, left, right } = e;
    if ((op === '+' || op === '-') && right.kind === 'interval')
      return this.dateArithmetic(op, left, right);
    if (op === '+' && left.kind === 'interval') return this.dateArithmetic(op, right, left);
    const compared = COMPARISONS.has(op);
    if (compared) {
      this.checkCollationMix(left, right, op);
      const exact = this.exactComparison(op, left, right);
      if (exact !== null) return exact;
    } else if (EXACT_OPERATORS.has(op)) {
      const exact = this.exactArithmetic(e, false);
      if (exact !== null) return exact;
    }
    const numbers = NUMBER_OPERATORS.has(op);
    // A hex or bit literal is a number to arithmetic and to the bit operators (0x41 | 0 is 65).
    const hexNumbers = numbers || BIT_OPERATORS.has(op);
    // An ENUM's or SET's number to the bit operators too (flags & 4 tests the third member).
    const operand = (e: Expr): string =>
      hexNumbers && isHexLiteral(e)
        ? this.hexNumber(e)
        : this.numbered(e, numbers || (hexNumbers && this.isMembers(e)));
    const l = compared ? this.collated(left, right, this.compared(left, right)) : operand(left);
    const r = compared ? this.compared(right, left) : operand(right);
    switch (op) {
      case '/':
        return this.quotient(left, right, l, r);
      case 'DIV':
        return `CAST(${l} / ${this.divisor(r)} AS INTEGER)`;
      case 'MOD':
        return this.remainder(left, right, l, r);
      case '^': {
        if (this.warns) return `${BIT_FUNCTION}('^', ${l}, ${r})`;
        // Each operand is written twice: emitted again, so its parameters bind in text order.
        const l2 = operand(left);
        const r2 = operand(right);
        return `((${l} | ${r}) - (${l2} & ${r2}))`;
      }
      case '&':
      case '|':
      case '<<':
      case '>>':
        // MySQL's, over unsigned 64 bits; a schema's expressions keep SQLite's (DDL rules).
        if (this.warns) return `${BIT_FUNCTION}('${op}', ${l}, ${r})`;
        return `(${l} ${op} ${r})`;
      case 'XOR': {
        // Each operand is written twice: emitted again, so its parameters bind in text order.
        const l2 = this.expr(left);
        const r2 = this.expr(right);
        return `(CASE WHEN ${l} IS NULL OR ${r} IS NULL THEN NULL ELSE ((${l2}) <> 0) <> ((${r2}) <> 0) END)`;
      }
      case ':=':
        return this.unsupported('assignment to user variables in expressions');
      case '+':
      case '-':
      case '*':
        return this.arithmetic(op, left, right, l, r);
      default:
        if (COMPARISONS.has(op)) return comparison(op, left, l, right, r, (x) => this.number(x));
        return `(${l} ${op} ${r})`;
    }
  }

  /**
   * One side of a comparison. MySQL compares a string with a number as numbers (both as
   * doubles: `'10' = 10`, `10 > '9'`, `'1e1' = 10`); SQLite puts every number before every text.
   * A string literal compared with a number therefore becomes `CAST(… AS REAL)`, whose reading of
   * a string is MySQL's (leading blanks skipped, the longest numeric prefix, else 0). A column
   * is left alone: SQLite's column affinity already converts the other side (and keeps the index).
   */
  /** Runs `emit` with `tables` (alias → table) in scope for column types. */
  withColumns<T>(tables: ReadonlyMap<string, TableDef>, emit: () => T): T {
    this.columnScopes.push(tables);
    try {
      return emit();
    } finally {
      this.columnScopes.pop();
    }
  }

  /** A column reference; a JSON_TABLE's column is its c0…c63 (json-table.ts). */
  private columnRef(e: Expr & { kind: 'column' }): string {
    const plain = (e.table === null ? '' : quoteId(e.table) + '.') + quoteId(e.column);
    const name = e.column.toLowerCase();
    const qualifier = e.table === null ? null : e.table.toLowerCase();
    for (let i = this.columnScopes.length - 1; i >= 0; i--) {
      const scope = this.columnScopes[i]!;
      let owner: readonly [string, TableDef] | null = null;
      let owners = 0;
      let jsonTables = 0;
      for (const entry of scope) {
        const [alias, t] = entry;
        if (qualifier !== null && alias !== qualifier) continue;
        if (!t.columns.some((c) => c.name.toLowerCase() === name)) continue;
        owner ??= entry;
        owners += 1;
        if (isJsonTableDef(t)) jsonTables += 1;
      }
      if (owner === null) continue;
      const [alias, table] = owner;
      if (owners > 1 && jsonTables > 0)
        throw new SqlFailure(
          semantic(1052, '23000', `Column '${e.column}' in field list is ambiguous`),
        );
      if (owners > 1 || !isJsonTableDef(table)) return plain;
      return `${quoteId(e.table ?? alias)}.${quoteId(jsonTableColumnName(table, name)!)}`;
    }
    return plain;
  }

  /** The type of a column the expression names, when the tables in scope tell it unambiguously. */
  protected columnType(e: Expr): DataType | null {
    if (e.kind !== 'column') return null;
    const name = e.column.toLowerCase();
    const row = this.options.rowTable;
    if (row !== undefined && e.table !== null && /^(new|old)$/i.test(e.table))
      return row.columns.find((c) => c.name.toLowerCase() === name)?.type ?? null;
    // Loops, not filters: this runs several times for every column of every expression.
    for (let i = this.columnScopes.length - 1; i >= 0; i--) {
      const scope = this.columnScopes[i]!;
      let found: DataType | null = null;
      let count = 0;
      if (e.table === null) {
        for (const t of scope.values()) {
          for (const c of t.columns) {
            if (c.name.toLowerCase() === name) {
              found = c.type;
              count += 1;
            }
          }
        }
      } else {
        const t = scope.get(e.table.toLowerCase());
        if (t !== undefined) {
          for (const c of t.columns) {
            if (c.name.toLowerCase() === name) {
              found = c.type;
              count += 1;
            }
          }
        }
      }
      if (count === 1) return found;
      if (count > 1 || e.table !== null) return null;
    }
    return null;
  }

  /** A hex literal read as a number (`0x41 + 0` is 65, `id = 0x10` finds 16): its bytes. */
  protected hexNumber(e: Expr): string {
    return `mysql_hex_number(${this.expr(e)})`;
  }

  /** Whether `e` is a number for a comparison: a numeric expression or a numeric column. */
  private comparesAsNumber(e: Expr): boolean {
    if (isNumeric(e)) return true;
    const type = this.columnType(e);
    return type !== null && NUMERIC_COLUMN_TYPES.has(type.name);
  }

  private compared(e: Expr, other: Expr): string {
    if (isHexLiteral(e) && this.comparesAsNumber(other)) return this.hexNumber(e);
    // A TIMESTAMP column against a literal or another TIMESTAMP column compares its stored UTC
    // (its index stays usable); the literal, in the session's zone, is moved to UTC.
    if (e.kind === 'column' && this.timestampZone(e) !== null && this.comparesInUtc(other))
      return this.columnRef(e);
    const zone = other.kind === 'column' ? this.timestampZone(other) : null;
    if (zone !== null && e.kind === 'literal' && (isStringLiteral(e) || isNumeric(e)))
      return `${ZONE_TO_UTC_FUNCTION}(mysql_cast_datetime(${this.expr(e)}, ${this.columnType(other)?.length ?? 0}), ${quoteString(zone)})`;
    // A DECIMAL quotient compares at the scale it is shown with (1/3 = 0.3333 is true).
    if (e.kind === 'binary' && e.op === '/') {
      const exact = this.exactArithmetic(e, true);
      if (exact !== null) return exact;
    }
    const typed = this.typedComparand(e, other);
    if (typed !== null) return typed;
    // MariaDB compares what JSON_EXTRACT finds as an SQL value (`JSON_EXTRACT(d, '$.a') = 'x'`
    // for "x"), though it prints it as JSON text: SQLite's json_extract answers that value.
    if (isJsonExtract(e)) {
      const value = `json_extract(${this.args(e).join(', ')})`;
      if (isNumeric(other)) return this.number(value);
      // Against a string, a scalar found compares as its text (`= '2'` finds the number 2).
      return isStringLiteral(other) ? `CAST(${value} AS TEXT)` : value;
    }
    const sql = this.expr(e);
    return isStringLiteral(e) && isNumeric(other) ? this.number(sql) : sql;
  }

  /**
   * A comparand whose conversion the other side's column type decides, as MySQL converts it: a
   * literal against a DATE/DATETIME/TIMESTAMP column is read as a date (`d = '2024-2-3'`,
   * `d = 20240203`, `dt = '2024-02-03'`), and a text column against a number is read as a number
   * (with 1292 when it is not one). The column itself is left as it is (its index stays usable).
   * Null when no column type decides.
   */
  private typedComparand(e: Expr, other: Expr): string | null {
    if (!this.warns) return null;
    // An ENUM compared with a number compares its member's index (status = 2 is 'paid').
    const own = this.columnType(e)?.name;
    if ((own === 'ENUM' || own === 'SET') && isNumeric(other)) return this.numbered(e, true);
    const otherType = this.columnType(other);
    const literal = e.kind === 'literal' && (isStringLiteral(e) || isNumeric(e));
    if (otherType !== null && literal) {
      if (otherType.name === 'DATE') return `mysql_cast_date(${this.expr(e)})`;
      if (otherType.name === 'DATETIME' || otherType.name === 'TIMESTAMP')
        return `mysql_cast_datetime(${this.expr(e)}, ${otherType.length ?? 0})`;
    }
    // A DATE column against a DATETIME one compares as datetimes (midnight of the date).
    const ownType = this.columnType(e);
    if (
      ownType?.name === 'DATE' &&
      (otherType?.name === 'DATETIME' || otherType?.name === 'TIMESTAMP')
    )
      return `mysql_cast_datetime(${this.expr(e)}, 0)`;
    // A date function's result against a string literal: the literal is read as a date
    // (DATE(d) = '2024-1-5' is true), as against a DATE column.
    if (literal && isStringLiteral(e) && other.kind === 'call' && other.over === undefined) {
      if (DATE_RESULT_FUNCTIONS.has(other.name)) return `mysql_cast_date(${this.expr(e)})`;
      if (DATETIME_RESULT_FUNCTIONS.has(other.name))
        return `mysql_cast_datetime(${this.expr(e)}, 0)`;
    }
    const type = this.columnType(e);
    // ENUM and SET are text too, but compare with a number by their index.
    const text = type !== null && isTextType(type) && type.name !== 'ENUM' && type.name !== 'SET';
    if (text && isNumeric(other)) return this.number(this.expr(e));
    return null;
  }

  /** Whether `e` is an ENUM or SET column (a number by its members where numbers are wanted). */
  private isMembers(e: Expr): boolean {
    const name = this.columnType(e)?.name;
    return name === 'ENUM' || name === 'SET';
  }

  /**
   * An operand of arithmetic or logic: a string (a literal or a string function's result) is
   * read as a number through the function that warns 1292 as MySQL does when it is not one.
   */
  private numbered(e: Expr, numbers: boolean): string {
    if (numbers && isHexLiteral(e)) return this.hexNumber(e);
    const sql = this.expr(e);
    if (!numbers) return sql;
    if (staticKind(e) === 'string') return this.number(sql);
    // A DATE/DATETIME/TIME is a number in arithmetic: 2024-02-03 is 20240203, 10:00:00 100000.
    const type = this.columnType(e);
    // An ENUM is its member's index (1 for the first, 0 for the error value '').
    if (type?.name === 'ENUM' && this.warns) {
      const whens = type.values.map((v, i) => `WHEN ${quoteString(v)} THEN ${i + 1}`).join(' ');
      return `(CASE ${sql} ${whens} ELSE IIF(${sql} IS NULL, NULL, 0) END)`;
    }
    // A SET is the sum of its members' bits (the first member 1, the second 2 …): 'a,c' of
    // SET('a','b','c') is 5. Its stored text names members as declared, comma-separated.
    if (type?.name === 'SET' && this.warns) {
      const listed = `(',' || ${sql} || ',')`;
      const bits = type.values
        .map((v, i) => `IIF(instr(${listed}, ${quoteString(`,${v},`)}) > 0, ${2n ** BigInt(i)}, 0)`)
        .join(' + ');
      return bits === '' ? sql : `IIF(${sql} IS NULL, NULL, ${bits})`;
    }
    const temporal =
      (type !== null && TEMPORAL_TYPES.has(type.name)) ||
      (e.kind === 'call' && TEMPORAL_FUNCTIONS.has(e.name));
    if (temporal && this.warns) return `${TEMPORAL_NUMBER_FUNCTION}(${sql})`;
    // A text column's value is read as MySQL reads a string as a number: 1292 for what is not
    // one ('abc', '7x'), which a strict INSERT or UPDATE refuses (`SET qty = qty + note`).
    if (type !== null && isTextType(type) && e.kind === 'column' && this.warns)
      return this.number(sql);
    return sql;
  }

  /**
   * Exact DECIMAL arithmetic (engine/decimal.ts): `+`, `-` and `*` with exact operands (DECIMAL
   * or integer) of which one is a DECIMAL, and `/` of any exact operands (MySQL's quotient of
   * two integers is a DECIMAL too), through functions on decimal digits instead of doubles, so
   * that 0.1 + 0.2 = 0.3 holds. Integer arithmetic stays SQLite's. Null when the operands are not
   * both exact, or in an expression the schema keeps (CHECK, generated columns, defaults).
   * `shown` (a quotient being compared) rounds a quotient to the scale it is shown with.
   */
  private exactArithmetic(e: Expr & { kind: 'binary' }, shown: boolean): string | null {
    if ((!this.warns && this.options.exactDecimals !== true) || !EXACT_OPERATORS.has(e.op))
      return null;
    const left = this.exactKind(e.left);
    const right = this.exactKind(e.right);
    if (left === null || right === null) return null;
    if (e.op !== '/' && left !== 'decimal' && right !== 'decimal') return null;
    const l = this.numbered(e.left, true);
    const r = this.numbered(e.right, true);
    switch (e.op) {
      case '+':
        return `${DECIMAL_ADD_FUNCTION}(${l}, ${r})`;
      case '-':
        return `${DECIMAL_SUBTRACT_FUNCTION}(${l}, ${r})`;
      case '*':
        return `${DECIMAL_MULTIPLY_FUNCTION}(${l}, ${r})`;
      default: {
        const scale = this.exactScale(e.left);
        const display = shown ? `, ${this.exactScale(e)}` : '';
        return `${DECIMAL_DIVIDE_FUNCTION}(${l}, ${this.divisor(r)}, ${scale}, ${DIV_PRECISION_INCREMENT}${display})`;
      }
    }
  }

  /**
   * A comparison with a DECIMAL that may reach SQLite as the text of its digits (more than 15
   * digits: a long literal, a wide column, exact arithmetic, SUM/AVG). SQLite would order any
   * text above any number (`-12345678901234567890.5 < 0` false) and two texts by their
   * characters. Against another exact operand the digits compare in `mysql_dec_cmp`; against a
   * DOUBLE (a float literal, a FLOAT/DOUBLE column, a function of doubles) both compare as doubles,
   * as in MySQL. A wide column against a literal or another column is left to SQLite: its
   * `mysql_decimal` collation compares them as numbers, and its index stays usable. Null when
   * SQLite's own comparison is right.
   */
  private exactComparison(op: string, left: Expr, right: Expr): string | null {
    const how = this.decimalComparison(left, right);
    if (how === null) return null;
    if (how === 'double') {
      const a = this.doubleComparand(left);
      const b = this.doubleComparand(right);
      return `(${a} ${op === '<=>' ? 'IS' : op} ${b})`;
    }
    const a = this.digitsComparand(left);
    const b = this.digitsComparand(right);
    if (op === '<=>') return `(${DECIMAL_COMPARE_FUNCTION}(${a}, ${b}, 1) = 0)`;
    return `(${DECIMAL_COMPARE_FUNCTION}(${a}, ${b}) ${op} 0)`;
  }

  /** How `left` and `right` compare when one is a DECIMAL that may be text (exactComparison). */
  private decimalComparison(left: Expr, right: Expr): 'digits' | 'double' | null {
    if (!this.warns) return null;
    const leftText = this.mayBeDecimalText(left);
    const rightText = this.mayBeDecimalText(right);
    if (!leftText && !rightText) return null;
    const l = this.exactKind(left);
    const r = this.exactKind(right);
    if (l !== null && r !== null) {
      const plain = (e: Expr): boolean => e.kind === 'column' || e.kind === 'literal';
      const wideColumn = (e: Expr): boolean => e.kind === 'column' && this.mayBeDecimalText(e);
      if ((wideColumn(left) && plain(right)) || (wideColumn(right) && plain(left))) return null;
      return 'digits';
    }
    return this.isDouble(leftText ? right : left) ? 'double' : null;
  }

  /** Whether `e` is a DOUBLE: a float literal, a FLOAT/DOUBLE column, a function of doubles. */
  private isDouble(e: Expr): boolean {
    if (e.kind === 'column') {
      const type = this.columnType(e);
      return (
        type !== null && (type.name === 'DOUBLE' || type.name === 'FLOAT' || type.name === 'REAL')
      );
    }
    if (e.kind === 'literal') return e.type === 'float';
    return isNumeric(e) && this.exactKind(e) === null;
  }

  /** An operand of mysql_dec_cmp; a quotient at the scale it is shown with (1/3 = 0.3333). */
  private digitsComparand(e: Expr): string {
    if (e.kind === 'binary' && e.op === '/') {
      const exact = this.exactArithmetic(e, true);
      if (exact !== null) return exact;
    }
    return this.numbered(e, true);
  }

  /** An operand of a comparison as doubles: a DECIMAL's text read as its double. */
  private doubleComparand(e: Expr): string {
    return this.mayBeDecimalText(e)
      ? `CAST(${this.digitsComparand(e)} AS REAL)`
      : this.numbered(e, true);
  }

  /** BETWEEN with a DECIMAL that may be text (exactComparison); its operand is written twice. */
  private exactBetween(e: Expr & { kind: 'between' }): string | null {
    const low = this.decimalComparison(e.operand, e.low);
    const high = this.decimalComparison(e.operand, e.high);
    if (low === null && high === null) return null;
    // In text order, so that parameters bind in it: operand, low, operand, high.
    const bound = (how: typeof low, bound: Expr, op: string): string =>
      how === 'double'
        ? `${this.doubleComparand(e.operand)} ${op} ${this.doubleComparand(bound)}`
        : `${DECIMAL_COMPARE_FUNCTION}(${this.digitsComparand(e.operand)}, ${this.digitsComparand(bound)}) ${op} 0`;
    return `(${e.negated ? 'NOT ' : ''}(${bound(low ?? 'digits', e.low, '>=')} AND ${bound(high ?? 'digits', e.high, '<=')}))`;
  }

  /** Whether an exact operand may reach SQLite as the text of its digits (more than 15). */
  private mayBeDecimalText(e: Expr): boolean {
    switch (e.kind) {
      case 'literal':
        return e.type === 'decimal'
          ? isLongDecimal(e.value ?? '')
          : e.type === 'int' && isDecimalInteger(e.value ?? '');
      case 'column': {
        const type = this.columnType(e);
        return type !== null && isTextDecimal(type);
      }
      case 'unary':
        return this.mayBeDecimalText(e.operand);
      case 'binary':
        return this.exactKind(e) === 'decimal';
      case 'cast':
        return isTextDecimal(e.type);
      case 'call':
        return (
          this.exactKind(e) === 'decimal' &&
          (e.name === 'SUM' || e.name === 'AVG' || e.args.some((a) => this.mayBeDecimalText(a)))
        );
      default:
        return false;
    }
  }

  /**
   * How an operand takes part in exact arithmetic: a DECIMAL (a decimal literal, an integer
   * literal beyond BIGINT UNSIGNED, a DECIMAL column, exact arithmetic on one, CAST AS DECIMAL),
   * an integer (an integer literal or column), or null (a double, a string, a parameter, …).
   */
  protected exactKind(e: Expr): 'decimal' | 'integer' | null {
    switch (e.kind) {
      case 'literal':
        if (e.type === 'decimal') return 'decimal';
        if (e.type === 'int') return isDecimalInteger(e.value ?? '') ? 'decimal' : 'integer';
        return e.type === 'bool' ? 'integer' : null;
      case 'column': {
        const type = this.columnType(e);
        if (type === null) return null;
        if (type.name === 'DECIMAL') return 'decimal';
        return INTEGER_COLUMN_TYPES.has(type.name) ? 'integer' : null;
      }
      case 'unary':
        return e.op === '-' || e.op === '+' ? this.exactKind(e.operand) : null;
      case 'binary': {
        if (e.op === 'DIV') return 'integer';
        if (!EXACT_OPERATORS.has(e.op)) return null;
        const l = this.exactKind(e.left);
        const r = this.exactKind(e.right);
        if (l === null || r === null) return null;
        return e.op === '/' || l === 'decimal' || r === 'decimal' ? 'decimal' : 'integer';
      }
      case 'cast':
        if (e.type.name === 'DECIMAL') return 'decimal';
        return e.type.name === 'SIGNED' || e.type.name === 'UNSIGNED' ? 'integer' : null;
      case 'call': {
        if (e.name === 'COUNT') return 'integer';
        const arg = e.args[0];
        if (!DECIMAL_KEEPING.has(e.name) || arg === undefined) return null;
        return this.exactKind(arg) === 'decimal' ? 'decimal' : null;
      }
      default:
        return null;
    }
  }

  /**
   * The session's time_zone when `e` is a TIMESTAMP column whose stored UTC must be read in it;
   * null for anything else, in expressions the schema keeps, or when the zone is UTC's.
   */
  protected timestampZone(e: Expr): string | null {
    const zone = this.options.timeZone;
    if (zone === undefined || !this.warns || e.kind !== 'column') return null;
    return this.columnType(e)?.name === 'TIMESTAMP' ? zone : null;
  }

  /** What a TIMESTAMP column compares with in UTC: a literal, or another TIMESTAMP column. */
  private comparesInUtc(other: Expr): boolean {
    if (other.kind === 'literal') return isStringLiteral(other) || isNumeric(other);
    return other.kind === 'column' && this.timestampZone(other) !== null;
  }

  /**
   * NOW(), CURDATE(), CURTIME(), SYSDATE() and FROM_UNIXTIME() answer in the session's
   * time_zone; the process's clock reads in SYSTEM's. Null when no conversion is needed.
   */
  private zonedClock(name: string, e: Call): string | null {
    const zone = this.options.timeZone;
    if (zone === undefined || zone === 'SYSTEM' || !this.warns || e.over !== undefined) return null;
    if (!ZONED_CLOCKS.has(name)) return null;
    const z = quoteString(zone);
    // Emitted only now that the call is one of them: emitting binds the arguments' parameters.
    const args = this.args(e);
    switch (name) {
      case 'NOW':
      case 'SYSDATE':
        return `${SYSTEM_TO_ZONE_FUNCTION}(mysql_now(${args.join(', ')}), ${z})`;
      case 'CURDATE':
        return `substr(${SYSTEM_TO_ZONE_FUNCTION}(mysql_now(0), ${z}), 1, 10)`;
      case 'CURTIME':
        return `substr(${SYSTEM_TO_ZONE_FUNCTION}(mysql_now(${args.join(', ')}), ${z}), 12)`;
      case 'FROM_UNIXTIME': {
        if (args.length === 0 || args.length > 2) return null;
        const moved = `${SYSTEM_TO_ZONE_FUNCTION}(mysql_from_unixtime(${args[0]!}), ${z})`;
        return args.length === 1 ? moved : `mysql_date_format(${moved}, ${args[1]!})`;
      }
      case 'UNIX_TIMESTAMP':
        if (args.length !== 1) return null;
        return `mysql_unix_timestamp(${ZONE_TO_SYSTEM_FUNCTION}(${args[0]!}, ${z}))`;
      default:
        return null;
    }
  }

  /** Whether an operand is a DOUBLE by its form: a float literal, a string, a FLOAT/DOUBLE column. */
  private approximate(e: Expr): boolean {
    if (e.kind === 'literal') return e.type === 'float' || isStringLiteral(e);
    if (e.kind === 'unary' && (e.op === '-' || e.op === '+')) return this.approximate(e.operand);
    const type = this.columnType(e);
    return (
      type !== null && (type.name === 'FLOAT' || type.name === 'DOUBLE' || type.name === 'REAL')
    );
  }

  /** The scale (digits after the point) of an exact operand, as MySQL types it. */
  protected exactScale(e: Expr): number {
    switch (e.kind) {
      case 'literal':
        return e.type === 'decimal' ? ((e.value ?? '').split('.')[1] ?? '').length : 0;
      case 'column': {
        const type = this.columnType(e);
        return type?.name === 'DECIMAL' ? (type.scale ?? 0) : 0;
      }
      case 'unary':
        return this.exactScale(e.operand);
      case 'binary': {
        const l = this.exactScale(e.left);
        const r = this.exactScale(e.right);
        if (e.op === '*') return Math.min(l + r, DECIMAL_SCALE_MAX);
        if (e.op === '/') return Math.min(l + DIV_PRECISION_INCREMENT, DECIMAL_SCALE_MAX);
        if (e.op === '+' || e.op === '-') return Math.max(l, r);
        return 0;
      }
      case 'cast':
        return e.type.name === 'DECIMAL' ? (e.type.scale ?? 0) : 0;
      case 'call': {
        const [arg, places] = e.args;
        if (arg === undefined || !DECIMAL_KEEPING.has(e.name)) return 0;
        if (e.name === 'AVG')
          return Math.min(this.exactScale(arg) + DIV_PRECISION_INCREMENT, DECIMAL_SCALE_MAX);
        if (e.name === 'ROUND' || e.name === 'TRUNCATE') {
          const d = places?.kind === 'literal' && places.type === 'int' ? Number(places.value) : 0;
          return Math.min(d, DECIMAL_SCALE_MAX);
        }
        return this.exactScale(arg);
      }
      default:
        return 0;
    }
  }

  /**
   * SUM and AVG of a DECIMAL add its exact digits (engine/decimal.ts), not doubles; as
   * aggregates only (a window keeps SQLite's, which needs no inverse of ours). Null otherwise.
   */
  private exactAggregate(name: string, e: Call): string | null {
    const [arg] = e.args;
    if (!this.warns || e.over !== undefined || e.args.length !== 1 || arg === undefined)
      return null;
    if (this.exactKind(arg) !== 'decimal') return null;
    if (name === 'SUM')
      return `${DECIMAL_SUM_FUNCTION}(${e.distinct ? 'DISTINCT ' : ''}${this.expr(arg)})`;
    if (e.distinct) return null;
    const scale = this.exactScale(arg);
    return `${DECIMAL_DIVIDE_FUNCTION}(${DECIMAL_SUM_FUNCTION}(${this.expr(arg)}), count(${this.expr(arg)}), ${scale}, ${DIV_PRECISION_INCREMENT})`;
  }

  /**
   * A numeric aggregate (SUM, AVG, the BIT_ and variance ones) of an ENUM or SET column adds its
   * numbers, as MariaDB does: a SET's bits, an ENUM's index (SUM of a SET was 0, its text read as
   * a number). Null for anything else, and for a window (which keeps SQLite's).
   */
  private membersAggregate(name: string, e: Call): string | null {
    const [arg] = e.args;
    if (!this.warns || e.over !== undefined || e.args.length !== 1 || arg === undefined)
      return null;
    if (!this.isMembers(arg)) return null;
    const fn = BUILTIN_FUNCTIONS[name] ?? userFunction(name);
    if (fn === undefined || fn === null) return null;
    return `${fn}(${e.distinct ? 'DISTINCT ' : ''}${this.numbered(arg, true)})`;
  }

  /**
   * Whether conversions and divisors go through the functions that warn (1292, 1365) row by
   * row. Not in expressions the schema keeps (CHECK, generated columns, defaults: emitted with
   * every literal inline), where SQLite allows only deterministic functions.
   */
  private get warns(): boolean {
    return this.pinned !== 'all';
  }

  /** A string as a number, as MySQL reads it (`type` names the target in the 1292 message). */
  protected number(sql: string, type?: 'DECIMAL'): string {
    if (!this.warns) return `CAST(${sql} AS REAL)`;
    return type === undefined
      ? `${NUMBER_FUNCTION}(${sql})`
      : `${NUMBER_FUNCTION}(${sql}, '${type}')`;
  }

  private divisor(sql: string): string {
    return this.warns ? `${DIVISOR_FUNCTION}(${sql})` : sql;
  }

  private logArgument(sql: string, base = false): string {
    if (!this.warns) return sql;
    return base ? `${LOG_ARGUMENT_FUNCTION}(${sql}, 1)` : `${LOG_ARGUMENT_FUNCTION}(${sql})`;
  }

  /** The connection's collation (collation_connection). */
  get connectionCollation(): string {
    return this.options.collation ?? DEFAULT_COLLATION;
  }

  /** A column's collation where the emitter knows its table (the DML emitter does), else null. */
  protected columnCollation(_column: ColumnRef): string | null {
    return null;
  }

  /**
   * The collation MySQL compares an expression with, by coercibility: an explicit COLLATE, a
   * column's (also through a string function of it), BINARY's; null for a literal's (the
   * connection's). MySQL refuses two different explicit or column collations (1267); here the
   * left operand's wins, as in SQLite.
   */
  collationOf(e: Expr): string | null {
    switch (e.kind) {
      case 'collate':
        return e.collation;
      case 'column':
        return this.columnCollation(e);
      case 'unary':
        return e.op === 'BINARY' ? 'binary' : null;
      case 'cast':
        return e.type.name === 'BINARY' ? 'binary' : null;
      case 'convert_using':
        return findCollation(`${e.charset}_general_ci`)?.name ?? null;
      case 'call': {
        // MariaDB's JSON_UNQUOTE answers in utf8mb4_bin (COLLATION() says so; = is exact).
        if (e.name === 'JSON_UNQUOTE') return 'utf8mb4_bin';
        // JSON_VALUE answers in its document's collation: a JSON column's is utf8mb4_bin.
        if (e.name === 'JSON_VALUE') return e.args[0] ? this.collationOf(e.args[0]) : null;
        if (!STRING_FUNCTIONS.has(e.name)) return null;
        for (const arg of e.args) {
          const collation = this.collationOf(arg);
          if (collation !== null) return collation;
        }
        return null;
      }
      default:
        return null;
    }
  }

  /**
   * One side of a comparison with the collation it compares with. SQLite takes an explicit
   * COLLATE, else a bare column's, else BINARY; MySQL takes the connection's for two literals
   * (`'a' = 'A'` is true) and a column's through a function of it. Where SQLite would fall back
   * to BINARY the left side names the collation (numbers compare alike under any).
   */
  protected collated(e: Expr, other: Expr, sql: string): string {
    const sqliteChooses = (x: Expr): boolean => x.kind === 'column' || x.kind === 'collate';
    if (sqliteChooses(e) || sqliteChooses(other)) return sql;
    if (UNCOLLATED_KINDS.has(e.kind) || (isNumeric(e) && isNumeric(other))) return sql;
    if (e.kind === 'unary' && e.op === 'BINARY') return sql;
    const collation =
      isJsonValued(e) || isJsonValued(other)
        ? 'utf8mb4_bin'
        : (this.collationOf(e) ?? this.collationOf(other) ?? this.connectionCollation);
    return `(${sql} COLLATE ${sqliteCollation(collation)})`;
  }

  /**
   * Two columns (or explicit COLLATEs) of one character set in different collations do not
   * compare: MySQL's 1267 (a column of another set converts: utf8mb3 to utf8mb4).
   */
  private checkCollationMix(left: Expr, right: Expr, op: string): void {
    const a = this.collationOf(left);
    const b = this.collationOf(right);
    if (a === null || b === null) return;
    const explicit = [left.kind === 'collate', right.kind === 'collate'];
    if (explicit[0] !== explicit[1]) return;
    const x = findCollation(a);
    const y = findCollation(b);
    if (x === undefined || y === undefined || x.name === y.name || x.charset !== y.charset) return;
    if (x.charset === 'binary') return;
    const derivation = explicit[0] ? 'EXPLICIT' : 'IMPLICIT';
    this.fail(
      1267,
      'HY000',
      `Illegal mix of collations (${x.name},${derivation}) and (${y.name},${derivation}) for operation '${op}'`,
    );
  }

  /** `x COLLATE name`: the name must be a known collation of the operand's character set. */
  private collate(e: Expr & { kind: 'collate' }): string {
    const collation = findCollation(e.collation);
    if (collation === undefined)
      this.fail(1273, 'HY000', `Unknown collation: '${e.collation.toLowerCase()}'`);
    const charset = this.charsetOfOperand(e.operand);
    if (charset !== null && charset !== collation.charset)
      this.fail(
        1253,
        '42000',
        `COLLATION '${collation.name}' is not valid for CHARACTER SET '${charset}'`,
      );
    return `(${this.expr(e.operand)} COLLATE ${sqliteCollation(collation.name)})`;
  }

  /** The character set of a literal or conversion (columns: not checked here), else null. */
  private charsetOfOperand(e: Expr): string | null {
    if (e.kind === 'convert_using') return findCollation(`${e.charset}_bin`)?.charset ?? e.charset;
    if (e.kind !== 'literal' || e.type !== 'string') return null;
    if (e.charset === '')
      return this.connectionCollation.slice(0, this.connectionCollation.indexOf('_'));
    return e.charset.toLowerCase().replace(/^utf8$/, 'utf8mb3');
  }

  /**
   * LIKE under the operands' collation (SQLite's LIKE folds ASCII case only and knows no
   * collation): the extension's mysql_like_collated, which matches character by character.
   */
  private like(e: Expr & { kind: 'like' }): string {
    const collation = this.pairCollation(e.operand, e.pattern);
    // In the order of the SQL: a literal is bound as it is emitted, so the escape emitted first
    // took the pattern's placeholder (`s LIKE '%ell%' ESCAPE '!'` matched nothing).
    const operand = this.asText(e.operand);
    const pattern = this.expr(e.pattern);
    const escape = e.escape === null ? "'\\'" : this.expr(e.escape);
    const call = `mysql_like_collated(${operand}, ${pattern}, ${escape}, '${sqliteCollation(collation)}')`;
    return e.negated ? `(NOT ${call})` : call;
  }

  /**
   * The collation two strings match under, by MySQL's coercibility: binary if either side is
   * (`n LIKE BINARY 'a%'`), else an explicit COLLATE (`… LIKE 'a%' COLLATE utf8mb4_bin`), else a
   * column's, else the connection's. JSON values compare as binary strings, as MariaDB's JSON
   * comparator does (`JSON_EXTRACT(j, '$.a') = 'x'` is case-sensitive).
   */
  private pairCollation(a: Expr, b: Expr): string {
    const x = this.collationOf(a);
    const y = this.collationOf(b);
    const madeBinary = (e: Expr): boolean =>
      (e.kind === 'unary' && e.op === 'BINARY') || (e.kind === 'cast' && e.type.name === 'BINARY');
    if (madeBinary(a) || madeBinary(b)) return 'binary';
    if (isJsonValued(a) || isJsonValued(b)) return 'utf8mb4_bin';
    if (a.kind === 'collate') return x!;
    if (b.kind === 'collate') return y!;
    // A binary string column (VARBINARY, BLOB) matches byte by byte.
    if (x === 'binary' || y === 'binary') return 'binary';
    return x ?? y ?? this.connectionCollation;
  }

  /**
   * `x REGEXP p` matches case-insensitively under a `_ci` collation (SQLite's REGEXP operator,
   * engine's `regexp`), case-sensitively under a binary or `_bin` one (`mysql_regexp_cs`): a
   * `_bin` column, `REGEXP BINARY '^a'`.
   */
  private regexp(e: Expr & { kind: 'regexp' }): string {
    const collation = this.pairCollation(e.operand, e.pattern);
    const operand = this.asText(e.operand);
    const pattern = this.expr(e.pattern);
    const sensitive = collation === 'binary' || collation.toLowerCase().endsWith('_bin');
    const call = sensitive
      ? `${REGEXP_CS_FUNCTION}(${operand}, ${pattern})`
      : `(${operand} REGEXP ${pattern})`;
    return e.negated ? `(NOT ${call})` : call;
  }

  /**
   * MySQL's MOD keeps fractions (`7.5 MOD 2` is 1.5, `10 % 3.5` is 3.0); SQLite's `%` casts both
   * sides to integers. `l - r * CAST(l / r AS INTEGER)` is MySQL's remainder (the dividend's
   * sign, NULL for a zero divisor) for integers and fractions alike; two integer literals keep
   * `%`. The operands are emitted again for their second use, so parameters bind in text order.
   */
  private remainder(left: Expr, right: Expr, l: string, r: string): string {
    if (isIntLiteral(left) && isIntLiteral(right)) return `(${l} % ${this.divisor(r)})`;
    const l2 = this.numbered(left, true);
    const r2 = this.numbered(right, true);
    return `(${l} - ${r} * CAST(${l2} / ${this.divisor(r2)} AS INTEGER))`;
  }

  /**
   * CAST(… AS SIGNED): MySQL rounds a number (`CAST(1.5 AS SIGNED)` is 2, half away from zero
   * as SQLite's round()) and reads a string's integer prefix (`'3.9'` is 3); SQLite's CAST
   * truncates both. A literal's kind decides at translation, anything else its storage class
   * per row (the operand emitted again for each use, its parameters bound in text order).
   */
  private integerCast(operand: Expr, x: string, name: 'SIGNED' | 'UNSIGNED'): string {
    // An ENUM's or SET's number (x, numbered): already a non-negative integer.
    if (this.isMembers(operand) && this.warns) return x;
    const kind = numberKind(operand, this.numberScope);
    const unsigned = kind.kind === 'int' && kind.flag !== 'i';
    // A double (not a string read as one) is rounded half to even and clamped to BIGINT with
    // MariaDB's Note 1916; an unsigned value is reinterpreted.
    const double =
      kind.kind === 'float' && (operand.kind !== 'literal' || operand.type === 'float');
    if (this.warns && name === 'SIGNED' && (unsigned || double))
      return `${CAST_SIGNED_FUNCTION}(${x})`;
    if (name === 'UNSIGNED' && kind.kind === 'int' && (kind.flag === 'u' || kind.nonNegative)) {
      // Already an unsigned integer (or a non-negative one): its value, also above 2^63 − 1.
      if (unsigned) return x;
    } else if (name === 'UNSIGNED' && this.warns) return `${CAST_UNSIGNED_FUNCTION}(${x})`;
    if (operand.kind === 'literal') {
      const numeric = operand.type === 'decimal' || operand.type === 'float';
      if (isStringLiteral(operand) && this.warns) return `${INTEGER_FUNCTION}(${x})`;
      return numeric ? `CAST(round(${x}) AS INTEGER)` : `CAST(${x} AS INTEGER)`;
    }
    // A text column's value is read as a string literal's is (1292 for 'abc' or '7x').
    const type = operand.kind === 'column' ? this.columnType(operand) : null;
    if (type !== null && isTextType(type) && this.warns) return `${INTEGER_FUNCTION}(${x})`;
    const x2 = this.expr(operand);
    const x3 = this.expr(operand);
    return `CAST(CASE WHEN typeof(${x}) = 'real' THEN round(${x2}) ELSE ${x3} END AS INTEGER)`;
  }

  private dateArithmetic(op: '+' | '-', date: Expr, interval: Expr & { kind: 'interval' }): string {
    const fn = op === '+' ? 'mysql_date_add' : 'mysql_date_sub';
    return `${fn}(${this.expr(date)}, ${this.expr(interval.value)}, '${interval.unit}')`;
  }

  private inList(operand: Expr, list: readonly Expr[], negated: boolean): string {
    const not = negated ? 'NOT ' : '';
    // The operand first: parameters bind in text order.
    const numbers = list.length > 0 && list.every(isNumeric);
    const left =
      numbers && isStringLiteral(operand) && operand.kind !== 'row'
        ? this.number(this.expr(operand))
        : operand.kind === 'row'
          ? this.expr(operand)
          : isJsonExtract(operand) && list[0] !== undefined && (numbers || list.length === 1)
            ? this.compared(operand, list[0])
            : this.collated(operand, list[0] ?? operand, this.expr(operand));
    const items = list.map((i) => this.compared(i, operand)).join(', ');
    // SQLite compares row values with IN only against a subquery.
    if (operand.kind === 'row') return `(${left} ${not}IN (VALUES ${items}))`;
    // A number against strings: MariaDB converts every string, with 1292 for one that is not a
    // number (`1 IN ('1', 'x')`); SQLite's IN would stop at the first match, json_array reads all.
    const literals = list.every(
      (i) => i.kind === 'literal' && i.type !== 'hex' && i.type !== 'bit',
    );
    if (this.warns && isNumeric(operand) && literals && list.some(isStringLiteral))
      return `(${left} ${not}IN (SELECT value FROM json_each(json_array(${items}))))`;
    return `(${left} ${not}IN (${items}))`;
  }

  private quantified(e: Expr & { kind: 'quantified' }): string {
    if (e.op === '=' && e.quantifier === 'ANY')
      return `(${this.expr(e.operand)} IN (${this.query(e.query)}))`;
    if (e.op === '<>' && e.quantifier === 'ALL')
      return `(${this.expr(e.operand)} NOT IN (${this.query(e.query)}))`;
    const named = nameFirstItem(e.query, QUANTIFIED_VALUE);
    if (named === null) return this.unsupported(`${e.op} ${e.quantifier} (subquery)`);
    // SQL's three values over the subquery's rows, counted: ALL is true for no rows and false
    // once a comparison is false; ANY the other way round; a NULL among the rest leaves NULL.
    const all = e.quantifier === 'ALL';
    const v = quoteId(QUANTIFIED_VALUE);
    const operandNull = this.expr(e.operand);
    const compared = `${this.expr(e.operand)} ${e.op} ${v}`;
    return (
      `(SELECT CASE WHEN count(*) = 0 THEN ${all ? 1 : 0} WHEN ${operandNull} IS NULL THEN NULL ` +
      `WHEN sum(${all ? `NOT (${compared})` : `(${compared})`}) > 0 THEN ${all ? 0 : 1} ` +
      `WHEN count(${v}) < count(*) THEN NULL ELSE ${all ? 1 : 0} END ` +
      `FROM (${this.query(named)}))`
    );
  }

  private caseExpr(e: Expr & { kind: 'case' }): string {
    let out = 'CASE';
    // The operand compares with each WHEN value as `=` would: two strings under their collation,
    // and, when the operand or any WHEN value is a number, all as numbers (MariaDB compares
    // `CASE 1 WHEN '1'` as numbers and matches; SQLite compared an integer with text).
    const numberPeer =
      e.operand === null
        ? undefined
        : [e.operand, ...e.whens.map((w) => w.when)].find((x) => this.comparesAsNumber(x));
    const whenSql = (when: Expr): string =>
      numberPeer === undefined ? this.expr(when) : this.compared(when, numberPeer);
    if (e.operand !== null)
      out +=
        ' ' +
        (numberPeer === undefined
          ? this.collated(e.operand, e.whens[0]!.when, this.expr(e.operand))
          : this.compared(e.operand, numberPeer));
    const results = e.whens.map((w) => w.then);
    if (e.otherwise) results.push(e.otherwise);
    const branch = this.branchEmitter(results);
    for (const w of e.whens) out += ` WHEN ${whenSql(w.when)} THEN ${branch(w.then)}`;
    if (e.otherwise) out += ' ELSE ' + branch(e.otherwise);
    return out + ' END';
  }

  private cast(e: Cast): string {
    const { name, length, scale } = e.type;
    const integer = name === 'SIGNED' || name === 'UNSIGNED';
    // CAST(0x41 AS SIGNED) is 65: a hex literal is a number here.
    const x =
      integer && isHexLiteral(e.operand)
        ? this.hexNumber(e.operand)
        : integer && this.isMembers(e.operand)
          ? this.numbered(e.operand, true)
          : name === 'CHAR'
            ? this.asText(e.operand)
            : this.expr(e.operand);
    switch (name) {
      case 'SIGNED':
      case 'UNSIGNED':
        return this.integerCast(e.operand, x, name);
      case 'CHAR':
        if (length === null) return `CAST(${x} AS TEXT)`;
        // Cut to `length` characters; a cut value warns (1292) as in MariaDB.
        if (this.warns) return `mysql_cast_char(${x}, ${length})`;
        return `substr(CAST(${x} AS TEXT), 1, ${length})`;
      case 'BINARY':
        return `CAST(${x} AS BLOB)`;
      case 'DECIMAL': {
        const value = staticKind(e.operand) === 'string' ? this.number(x, 'DECIMAL') : x;
        if (!this.warns) return `round(CAST(${value} AS REAL), ${scale ?? 0})`;
        return `${CAST_DECIMAL_FUNCTION}(${value}, ${length ?? 10}, ${scale ?? 0})`;
      }
      case 'DOUBLE':
      case 'FLOAT': {
        // A string as MariaDB reads it: 1292 for what follows its number ('1x', '1e400').
        const value = staticKind(e.operand) === 'string' ? this.number(x) : x;
        return `CAST(${value} AS REAL)`;
      }
      case 'DATE':
        return `mysql_cast_date(${x})`;
      case 'DATETIME':
        return `mysql_cast_datetime(${x}, ${length ?? 0})`;
      case 'TIME':
        return `mysql_cast_time(${x}, ${length ?? 0})`;
      default:
        return this.unsupported(`CAST AS ${name}`);
    }
  }

  /** A call's arguments; those a string function reads as text through `asText`. */
  private args(e: Call): string[] {
    const name = FUNCTION_ALIASES[e.name] ?? e.name;
    if (name === 'COALESCE' || name === 'IFNULL') return e.args.map(this.branchEmitter(e.args));
    const text = e.over === undefined ? TEXT_ARGUMENTS[name] : undefined;
    if (text === undefined) return e.args.map((a) => this.expr(a));
    return e.args.map((a, i) =>
      text === 'all' || text.includes(i) ? this.asText(a) : this.expr(a),
    );
  }

  /**
   * A string function's result compares with its argument's collation (MySQL's derivation):
   * `DISTINCT LOWER(name)` and `ORDER BY CONCAT(…)` fold as the column does.
   */
  private stringCall(e: Call): string {
    const sql = this.call(e);
    if (e.over !== undefined || !STRING_FUNCTIONS.has(e.name)) return sql;
    return `(${sql} COLLATE ${sqliteCollation(this.collationOf(e) ?? this.connectionCollation)})`;
  }

  private call(e: Call): string {
    if (e.over !== undefined) return this.windowCall(e, e.over);
    const name = FUNCTION_ALIASES[e.name] ?? e.name;
    const special = this.specialCall(name, e) ?? this.zonedClock(name, e);
    if (special !== null) return special;
    const session = SESSION_FUNCTIONS[name];
    if (session === 'last_insert_id' && e.args.length === 1) {
      this.effects = true;
      return `${LAST_INSERT_ID_SET_FUNCTION}(${this.expr(e.args[0]!)})`;
    }
    if (session !== undefined) {
      if (e.args.length > 0) this.unsupported(`${name} with arguments`);
      const value = this.bind({ kind: 'session', name: session });
      // After a LAST_INSERT_ID(x) earlier in the statement, LAST_INSERT_ID() answers x.
      if (session === 'last_insert_id' && this.effects)
        return `${LAST_INSERT_ID_GET_FUNCTION}(${value})`;
      return value;
    }
    const builtin = BUILTIN_FUNCTIONS[name];
    if (builtin !== undefined) return this.builtinCall(builtin, name, e);
    const user = userFunction(name);
    if (user !== null) {
      if (e.distinct) this.unsupported(`${name}(DISTINCT …)`);
      const arity = USER_FUNCTION_ARITY[name];
      if (arity !== undefined && (e.args.length < arity[0] || e.args.length > arity[1]))
        this.parameterCount(name);
      if (JSON_WRITERS.has(name)) {
        // The values (every other argument from the third) that are JSON documents go in
        // marked as JSON: JSON_SET(d, '$.a', JSON_OBJECT('x', 1)) nests an object, not a string.
        const args = e.args.map((a, i) => {
          const sql = this.expr(a);
          if (i < 2 || i % 2 !== 0) return sql;
          // TRUE and FALSE are JSON's true and false there, not 1 and 0.
          if (a.kind === 'literal' && a.type === 'bool')
            return `mysql_json_arg(IIF(${sql}, 'true', 'false'))`;
          return this.jsonTyped(a) ? `mysql_json_arg(${sql})` : sql;
        });
        return `${user}(${args.join(', ')})`;
      }
      return `${user}(${this.args(e).join(', ')})`;
    }
    return this.fail(
      1305,
      '42000',
      // MariaDB names the database only when one is in use.
      `FUNCTION ${this.options.database === null ? '' : `${this.options.database}.`}${e.name.toLowerCase()} does not exist`,
    );
  }

  private builtinCall(builtin: string, name: string, e: Call): string {
    if (e.star) return `${builtin}(*)`;
    if (e.distinct && e.args.length !== 1) {
      if (name !== 'COUNT') this.unsupported(`${name}(DISTINCT with several arguments)`);
      // SQLite's DISTINCT aggregates take one argument: the tuple as one JSON value, and a
      // tuple with a NULL in it is not counted, as in MariaDB.
      const nulls = this.args(e).map((a) => `${a} IS NULL`);
      return `${builtin}(DISTINCT CASE WHEN ${nulls.join(' OR ')} THEN NULL ELSE json_array(${this.args(e).join(', ')}) END)`;
    }
    // MIN/MAX with one argument aggregate; GREATEST/LEAST need two or more, like MySQL.
    if ((name === 'GREATEST' || name === 'LEAST') && e.args.length < 2) this.parameterCount(name);
    if (name === 'JSON_OBJECT' || name === 'JSON_ARRAY') return this.jsonConstructor(builtin, e);
    // JSON_ARRAYAGG of a JSON column nests its documents.
    const [only] = e.args;
    if (
      name === 'JSON_ARRAYAGG' &&
      e.args.length === 1 &&
      only !== undefined &&
      this.jsonColumn(only)
    )
      return `${builtin}(${e.distinct ? 'DISTINCT ' : ''}${this.asJson(this.expr(only))})`;
    // SQLite's coalesce() wants two arguments; MySQL's takes one (its value).
    if (name === 'COALESCE' && e.args.length === 1) return `(${this.expr(e.args[0]!)})`;
    // GREATEST/LEAST of strings and numbers compare as numbers in MySQL (GREATEST(1, '2', 3)
    // is 3); SQLite's max() puts any text above any number.
    if (name === 'GREATEST' || name === 'LEAST') {
      const extreme = this.extremeArgs(e.args);
      if (extreme !== null) return `${builtin}(${extreme.join(', ')})`;
    }
    return `${builtin}(${e.distinct ? 'DISTINCT ' : ''}${this.args(e).join(', ')})`;
  }

  /**
   * GREATEST/LEAST's arguments as MySQL compares them: a DATE or DATETIME among strings as dates
   * (`GREATEST(d, '2024-01-01')`; a DATE with a DATETIME as a DATETIME), a number among strings
   * as numbers (`GREATEST(qty, '5')` is qty's 10, not '5': SQLite's max() puts any text above
   * any number). Null where SQLite's own comparison is MySQL's.
   */
  private extremeArgs(args: readonly Expr[]): string[] | null {
    const classes = args.map((a) => this.extremeClass(a));
    const temporal = classes.filter((c) => c === 'DATE' || c === 'DATETIME');
    if (temporal.length > 0 && classes.every((c) => c !== null && c !== 'number')) {
      const target = temporal.every((c) => c === 'DATE') ? 'DATE' : 'DATETIME';
      // Values made DATETIMEs have the fraction digits of the widest DATETIME column.
      const fsp = Math.max(
        0,
        ...args.map((a, i) =>
          classes[i] === 'DATETIME' && a.kind === 'column' ? (this.columnType(a)?.length ?? 0) : 0,
        ),
      );
      return args.map((a, i) => {
        const sql = this.expr(a);
        if (classes[i] === target) return sql;
        return target === 'DATE'
          ? `mysql_cast_date(${sql})`
          : `mysql_cast_datetime(${sql}, ${fsp})`;
      });
    }
    if (!classes.includes('number') || !classes.every((c) => c === 'number' || c === 'string'))
      return null;
    return args.map((a, i) => {
      const sql = this.expr(a);
      return classes[i] === 'string' ? this.number(sql) : sql;
    });
  }

  /** What GREATEST/LEAST compares an argument as, where its form or column tells; else null. */
  private extremeClass(e: Expr): 'DATE' | 'DATETIME' | 'number' | 'string' | null {
    if (isNumeric(e)) return 'number';
    if (isStringLiteral(e) || staticKind(e) === 'string') return 'string';
    if (e.kind === 'cast' && (e.type.name === 'DATE' || e.type.name === 'DATETIME'))
      return e.type.name;
    if (e.kind === 'call' && e.over === undefined) {
      const name = FUNCTION_ALIASES[e.name] ?? e.name;
      if (name === 'CURDATE' || name === 'UTC_DATE') return 'DATE';
      if (name === 'NOW' || name === 'SYSDATE' || name === 'UTC_TIMESTAMP') return 'DATETIME';
      return null;
    }
    const type = e.kind === 'column' ? this.columnType(e) : null;
    if (type === null) return null;
    if (type.name === 'DATE') return 'DATE';
    if (type.name === 'DATETIME' || type.name === 'TIMESTAMP') return 'DATETIME';
    if (isTextType(type) && type.name !== 'ENUM' && type.name !== 'SET') return 'string';
    return numberKind(e, this.numberScope).kind === 'unknown' ? null : 'number';
  }

  /** A JSON document by its form (JSON_OBJECT(…), JSON_EXTRACT(…)) or its column's type. */
  private jsonTyped(e: Expr): boolean {
    return isJsonValued(e) || this.jsonColumn(e);
  }

  private jsonColumn(e: Expr): boolean {
    return e.kind === 'column' && this.columnType(e)?.name === 'JSON';
  }

  /**
   * A JSON column's text as a JSON value for SQLite's JSON functions (nested, not a string);
   * a text that is not JSON stays a string. Only for a column: its SQL binds nothing.
   */
  private asJson(sql: string): string {
    return `IIF(json_valid(${sql}), json(${sql}), ${sql})`;
  }

  /**
   * JSON_OBJECT/JSON_ARRAY are SQLite's (a nested one stays JSON through its subtype); the
   * outermost is spaced as MariaDB prints JSON. TRUE/FALSE are JSON booleans there, and the text
   * of a JSON function of ours (JSON_EXTRACT, JSON_SET, …) is JSON, not a string.
   */
  private jsonConstructor(builtin: string, e: Call): string {
    this.jsonNesting++;
    const args = e.args.map((a) => {
      const sql = this.expr(a);
      if (a.kind === 'literal' && a.type === 'bool') return `json(IIF(${sql}, 'true', 'false'))`;
      if (a.kind === 'call' && JSON_VALUED.has(a.name)) return `json(${sql})`;
      return this.jsonColumn(a) ? this.asJson(sql) : sql;
    });
    this.jsonNesting--;
    const sql = `${builtin}(${args.join(', ')})`;
    return this.jsonNesting === 0 ? `${JSON_FORMAT_FUNCTION}(${sql})` : sql;
  }

  // Functions whose SQLite spelling is not a call with the same arguments; null for the others.
  private specialCall(name: string, e: Call): string | null {
    switch (name) {
      case 'DEFAULT':
        return this.defaultOfColumn(e);
      case 'IF':
        return this.ifCall(e);
      case 'NULLIF': {
        // Compares as `=` does: two strings under their collation (NULLIF('a', 'A') is NULL).
        const [a, b] = e.args;
        if (a === undefined || b === undefined || e.args.length !== 2)
          return this.parameterCount(name);
        return `nullif(${this.collated(a, b, this.expr(a))}, ${this.expr(b)})`;
      }
      case 'GET_FORMAT': {
        // The format strings of MySQL's table, by type and standard; NULL for another name.
        const [type, standard] = e.args;
        if (type?.kind !== 'literal' || standard === undefined) return this.parameterCount(name);
        const formats = GET_FORMATS[type.value === 'TIMESTAMP' ? 'DATETIME' : type.value!]!;
        const whens = Object.entries(formats)
          .map(([key, format]) => `WHEN '${key}' THEN ${quoteString(format)}`)
          .join(' ');
        return `(CASE upper(${this.expr(standard)}) ${whens} END)`;
      }
      case 'COERCIBILITY': {
        // MySQL's derivation: 0 explicit (COLLATE), 2 implicit (a column or a string function
        // of one), 3 system constant (USER()), 4 coercible (a string literal), 5 numeric,
        // 6 ignorable (NULL).
        const [arg] = e.args;
        if (arg === undefined || e.args.length !== 1) return this.parameterCount(name);
        return String(coercibility(arg));
      }
      case 'INTERVAL': {
        // 0 when N < N1, k when Nk <= N < Nk+1, -1 for a NULL N. N is written once per
        // comparison: emitted again each time, so its parameters bind in text order.
        const [n, ...bounds] = e.args;
        if (n === undefined || bounds.length === 0) return this.parameterCount(name);
        const first = this.numbered(n, true);
        const whens = bounds.map((bound, i) => {
          const value = this.numbered(n, true);
          return `WHEN ${value} < ${this.numbered(bound, true)} THEN ${i}`;
        });
        return `(CASE WHEN ${first} IS NULL THEN -1 ${whens.join(' ')} ELSE ${bounds.length} END)`;
      }
      case 'SUM':
      case 'AVG':
        return this.exactAggregate(name, e) ?? this.membersAggregate(name, e);
      case 'BIT_AND':
      case 'BIT_OR':
      case 'BIT_XOR':
      case 'STDDEV_POP':
      case 'STDDEV_SAMP':
      case 'VAR_POP':
      case 'VAR_SAMP':
        return this.membersAggregate(name, e);
      case 'ROUND':
      case 'TRUNCATE': {
        // A DOUBLE (or a string, read as one) rounds on its binary value, a half to even.
        const [x, places] = e.args;
        if (x === undefined || e.args.length > 2 || !this.approximate(x)) return null;
        if (name === 'TRUNCATE' && places === undefined) return null;
        const value = this.numbered(x, true); // first: its parameters bind before the places'
        const d = places === undefined ? '0' : this.expr(places);
        return `${DOUBLE_ROUND_FUNCTION}(${value}, ${d}, ${name === 'TRUNCATE' ? 1 : 0})`;
      }
      case 'ISNULL':
        return `(${this.args(e).join(', ')} IS NULL)`;
      case 'CONCAT': {
        if (e.args.length === 0) this.parameterCount(name);
        const parts = e.args.map((a) => this.asText(a));
        return parts.length === 1 ? `CAST(${parts[0]} AS TEXT)` : `(${parts.join(' || ')})`;
      }
      case 'MOD': {
        if (e.args.length !== 2) return `(${this.args(e).join(' % ')})`;
        const [l, r] = this.args(e);
        return this.remainder(e.args[0]!, e.args[1]!, l!, r!);
      }
      case 'LN':
      case 'LOG':
      case 'LOG2':
      case 'LOG10':
        return this.logarithm(name, e);
      case 'SUBSTRING': {
        // Position 0 is the empty string in MySQL; SQLite's substr reads it as 1. Operands
        // written twice are emitted twice, so their parameters are bound in text order.
        const [subject, position, ...rest] = e.args;
        if (subject === undefined || position === undefined) return null;
        const s1 = this.asText(subject);
        const p1 = this.expr(position);
        const s2 = this.asText(subject);
        const p2 = this.expr(position);
        const start = `IIF(${p1} = 0, length(${s2}) + 1, ${p2})`;
        // A length below 1 is the empty string; SQLite's substr takes the characters before the
        // position then (SUBSTRING('abc', 2, -1) was 'a'). max() keeps a NULL length NULL.
        const length = rest.map((a) => `max(round(${this.expr(a)}), 0)`);
        return `substr(${[s1, start, ...length].join(', ')})`;
      }
      case 'LEFT':
        return `substr(${this.args(e).join(', 1, ')})`;
      case 'TRIM':
      case 'LTRIM':
      case 'RTRIM':
        return e.args.length === 1 ? `${name.toLowerCase()}(${this.args(e)[0]}, ' ')` : null;
      case 'LOCATE':
        return e.args.length === 2 ? this.collatedCall('instr', [...e.args].reverse()) : null;
      case 'INSTR':
        return e.args.length === 2 ? this.collatedCall('instr', e.args) : null;
      case 'FIND_IN_SET':
        return e.args.length === 2 ? this.collatedCall('find_in_set', e.args) : null;
      case 'GROUP_CONCAT':
        return this.groupConcat(e);
      case 'DATE_ADD':
      case 'DATE_SUB':
        return this.dateAddCall(name, e);
      case 'TIMESTAMPDIFF':
        return this.timestampDiff(e);
      case 'TIMESTAMPADD':
        return this.timestampAdd(e);
      case 'CHARSET':
      case 'COLLATION':
        return this.charsetOf(name, e);
      case 'STRCMP':
        return e.args.length === 2 ? this.collatedCall('strcmp', e.args) : null;
      case 'EXP':
      case 'POW':
      case 'POWER':
      case 'COT':
        return this.doubleMath(name, e);
      case 'ATAN':
        return e.args.length === 1
          ? `atan(${this.args(e)[0]})`
          : `atan2(${this.args(e).join(', ')})`;
    }
    return null;
  }

  /**
   * `l / r`; with a DOUBLE operand through the checked function, which fails with 1690 where
   * the quotient leaves DOUBLE's range (`1e308 / 1e-308`), as MariaDB does.
   */
  private quotient(left: Expr, right: Expr, l: string, r: string): string {
    const plain = `(${l} * 1.0 / ${this.divisor(r)})`;
    if (!this.warns) return plain;
    const doubles =
      numberKind(left, this.numberScope).kind === 'float' ||
      numberKind(right, this.numberScope).kind === 'float';
    if (!doubles) return plain;
    const table = (c: ColumnRef): string | null => this.columnTable(c);
    const texts = JSON.stringify([
      printedExpr(left, this.numberScope, table),
      printedExpr(right, this.numberScope, table),
    ]);
    return `${DOUBLE_MATH_FUNCTION}('/', ${quoteString(texts)}, ${l}, ${this.divisor(r)})`;
  }

  /**
   * EXP, POW and COT fail with 1690 where MariaDB's result is not a finite DOUBLE (`exp(1000)`,
   * `pow(0,-1)`, `pow(-8,1 / 3)`, `cot(0)`); SQLite's gave Infinity (sent as digits), or NULL.
   */
  private doubleMath(name: string, e: Call): string {
    const printedName = name === 'EXP' ? 'exp' : name === 'COT' ? 'cot' : 'pow';
    if (e.args.length !== (printedName === 'pow' ? 2 : 1)) this.parameterCount(name);
    const table = (c: ColumnRef): string | null => this.columnTable(c);
    const texts = JSON.stringify(e.args.map((a) => printedExpr(a, this.numberScope, table)));
    return `${DOUBLE_MATH_FUNCTION}('${printedName}', ${quoteString(texts)}, ${this.args(e).join(', ')})`;
  }

  /** The extension's `mysql_<name>_collated(args…, collation)`, under the arguments' collation. */
  private collatedCall(name: string, args: readonly Expr[]): string {
    let collation: string | null = null;
    for (const arg of args) collation ??= this.collationOf(arg);
    const sql = args.map((a) => this.asText(a)).join(', ');
    return `mysql_${name}_collated(${sql}, '${sqliteCollation(collation ?? this.connectionCollation)}')`;
  }

  /** A logarithm of a non-positive number (or to base 1) is NULL with 1365, as in MariaDB. */
  private logarithm(name: string, e: Call): string | null {
    const args = this.args(e);
    const fn = name === 'LOG' ? (args.length === 1 ? 'ln' : 'log') : BUILTIN_FUNCTIONS[name]!;
    if (args.length === 1) return `${fn}(${this.logArgument(args[0]!)})`;
    if (args.length !== 2 || name !== 'LOG') return null;
    return `log(${this.logArgument(args[0]!, true)}, ${this.logArgument(args[1]!)})`;
  }

  /**
   * An argument read as text, as MySQL's string context reads a number: a DECIMAL with its
   * scale's digits (`5.00`, `2.5000` for 10/4), a DOUBLE with its shortest digits (`3`, `3e20`)
   * or a ROUND's fixed places (`3.0`), a FLOAT with six significant digits. SQLite keeps such
   * values as numbers and would print `5`, `3.0`, `3.0e+20`. Other values are left as they are.
   */
  protected asText(e: Expr): string {
    if (!this.warns) {
      // An expression the schema keeps runs on every node: only SQLite's own functions there.
      const sql = this.expr(e);
      const type = this.columnType(e);
      if (type?.name !== 'DECIMAL' || (type.scale ?? 0) === 0) return sql;
      return `IIF(${sql} IS NULL, NULL, printf('%.${type.scale}f', ${sql}))`;
    }
    const form = this.textForm(e);
    const sql = this.expr(e);
    return form === null ? sql : `${NUMBER_TEXT_FUNCTION}(${sql}, ${form})`;
  }

  /** `asText`'s form of a number (store-rule.ts, NUMBER_TEXT_FUNCTION), null for the rest. */
  private textForm(e: Expr): number | null {
    if (e.kind === 'call' && e.over === undefined) {
      const [arg, places] = e.args;
      if (arg === undefined) return null;
      const double = this.doubleValued(arg);
      if (e.name === 'CEIL' || e.name === 'CEILING' || e.name === 'FLOOR')
        return double ? NUMBER_TEXT_DOUBLE : this.exactKind(arg) === 'decimal' ? 0 : null;
      if ((e.name === 'ROUND' || e.name === 'TRUNCATE') && double) {
        // A constant count of places fixes the DOUBLE's shown decimals (ROUND(2.5e0, 2): 2.50).
        if (places === undefined) return NUMBER_TEXT_DOUBLE;
        const d = this.constantInteger(places);
        return d === null ? NUMBER_TEXT_DOUBLE : Math.min(Math.max(d, 0), DECIMAL_SCALE_MAX);
      }
    }
    const exact = this.exactKind(e);
    if (exact !== null) return exact === 'decimal' ? this.exactScale(e) : null;
    // AVG of integers is a DECIMAL with div_precision_increment's places (AVG(id): 1.5000).
    const [arg] = e.kind === 'call' ? e.args : [];
    if (e.kind === 'call' && e.name === 'AVG' && e.over === undefined && arg !== undefined)
      if (this.exactKind(arg) === 'integer') return DIV_PRECISION_INCREMENT;
    if (this.columnType(e)?.name === 'FLOAT') return NUMBER_TEXT_FLOAT;
    return this.doubleValued(e) ? NUMBER_TEXT_DOUBLE : null;
  }

  /** An integer literal written into the SQL (or its negation), else null. */
  private constantInteger(e: Expr): number | null {
    const negated = e.kind === 'unary' && e.op === '-';
    const literal = negated ? e.operand : e;
    if (literal.kind !== 'literal' || literal.type !== 'int' || this.isBound(literal)) return null;
    const n = Number(literal.value);
    return negated ? -n : n;
  }

  /** Whether an expression is a DOUBLE by its form (a string is not one here: it is text). */
  private doubleValued(e: Expr): boolean {
    switch (e.kind) {
      case 'literal':
        return e.type === 'float';
      case 'column': {
        const name = this.columnType(e)?.name;
        return name === 'DOUBLE' || name === 'REAL' || name === 'FLOAT';
      }
      case 'unary':
        return (e.op === '-' || e.op === '+') && this.doubleValued(e.operand);
      case 'binary':
        if (!EXACT_OPERATORS.has(e.op)) return false;
        return this.doubleValued(e.left) || this.doubleValued(e.right);
      case 'cast':
        return e.type.name === 'DOUBLE' || e.type.name === 'FLOAT';
      case 'call': {
        if (DOUBLE_VALUED_FUNCTIONS.has(e.name)) return true;
        const [arg] = e.args;
        if (arg === undefined || !DOUBLE_KEEPING.has(e.name)) return false;
        return e.over === undefined && this.doubleValued(arg);
      }
      default:
        return false;
    }
  }

  /**
   * How the results of IF, CASE, IFNULL or COALESCE are emitted: as text (`asText`) where a
   * string meets a number among them, so the number reads as MySQL's string result shows it
   * (`IFNULL(price, 'x')` is '5.00'); as themselves otherwise.
   */
  private branchEmitter(results: readonly Expr[]): (e: Expr) => string {
    const text =
      this.warns &&
      results.some((r) => this.textual(r)) &&
      results.some((r) => this.textForm(r) !== null);
    return (e) => (text ? this.asText(e) : this.expr(e));
  }

  /** Whether an expression is a string by its form or its column's type. */
  private textual(e: Expr): boolean {
    if (staticKind(e) === 'string') return true;
    const type = e.kind === 'column' ? this.columnType(e) : null;
    return type !== null && isTextType(type);
  }

  private ifCall(e: Call): string {
    if (e.args.length === 3) {
      const branch = this.branchEmitter(e.args.slice(1));
      const [c, a, b] = e.args;
      return `CASE WHEN ${this.expr(c!)} THEN ${branch(a!)} ELSE ${branch(b!)} END`;
    }
    const [c, a, b] = this.args(e);
    if (c === undefined || a === undefined || b === undefined || e.args.length !== 3)
      this.parameterCount('IF');
    return `CASE WHEN ${c} THEN ${a} ELSE ${b} END`;
  }

  private groupConcat(e: Call): string {
    const parts = e.args.map((a) => this.asText(a));
    const value = parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
    const separator = e.separator ?? ',';
    const order = e.orderBy.length > 0 ? ' ORDER BY ' + this.orderList(e.orderBy) : '';
    // SQLite's DISTINCT aggregate takes one argument, so its separator is ','. Each value ends
    // with U+001E, and U+001E followed by that ',' becomes the separator asked for.
    if (e.distinct && separator !== ',')
      return `rtrim(replace(group_concat(DISTINCT ${value} || char(30)${order}), char(30) || ',', ${quoteString(separator)}), char(30))`;
    if (e.distinct) return `group_concat(DISTINCT ${value}${order})`;
    return `group_concat(${value}, ${quoteString(separator)}${order})`;
  }

  private dateAddCall(name: string, e: Call): string {
    const [date, interval] = e.args;
    if (date === undefined || interval === undefined || e.args.length !== 2)
      return this.fail(1064, '42000', `Wrong arguments to ${name}`);
    // DATE_ADD(d, 5) means 5 days.
    const unit = interval.kind === 'interval' ? interval.unit : 'DAY';
    const value = interval.kind === 'interval' ? interval.value : interval;
    return `mysql_${name.toLowerCase()}(${this.expr(date)}, ${this.expr(value)}, '${unit}')`;
  }

  private timestampDiff(e: Call): string {
    const [unit, a, b] = e.args;
    if (unit?.kind !== 'column' || a === undefined || b === undefined)
      return this.fail(1064, '42000', 'Wrong arguments to TIMESTAMPDIFF');
    return `mysql_timestampdiff('${unit.column.toUpperCase()}', ${this.expr(a)}, ${this.expr(b)})`;
  }

  // Window functions are SQLite's own; aggregates over a window are its built-in aggregates.
  private windowCall(e: Call, over: WindowSpec): string {
    const name = FUNCTION_ALIASES[e.name] ?? e.name;
    const window = WINDOW_FUNCTIONS.has(name) ? name.toLowerCase() : BUILTIN_FUNCTIONS[name];
    if (window === undefined || !(WINDOW_FUNCTIONS.has(name) || AGGREGATES.has(name)))
      return this.unsupported(`${e.name}() OVER`);
    if (e.distinct) this.unsupported(`${name}(DISTINCT …) OVER`);
    // SUM and AVG of an ENUM or SET over a window add its numbers, as aggregates do.
    const members =
      (name === 'SUM' || name === 'AVG') &&
      this.warns &&
      e.args.length === 1 &&
      this.isMembers(e.args[0]!);
    const args = e.star ? '*' : members ? this.numbered(e.args[0]!, true) : this.args(e).join(', ');
    const isBare =
      over.base !== null &&
      over.partitionBy.length === 0 &&
      over.orderBy.length === 0 &&
      over.frame === null;
    if (isBare) return `${window}(${args}) OVER ${quoteId(over.base!)}`;
    return `${window}(${args}) OVER (${this.windowBody(over)})`;
  }

  /** The inside of a window's parentheses. */
  windowBody(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.base !== null) parts.push(quoteId(w.base));
    if (w.partitionBy.length > 0)
      parts.push('PARTITION BY ' + w.partitionBy.map((p) => this.expr(p)).join(', '));
    if (w.orderBy.length > 0) parts.push('ORDER BY ' + this.orderList(w.orderBy));
    if (w.frame !== null) {
      const bound = (b: FrameBound): string =>
        'offset' in b ? `${this.expr(b.offset)} ${b.kind}` : b.kind;
      parts.push(
        w.frame.end === null
          ? `${w.frame.units} ${bound(w.frame.start)}`
          : `${w.frame.units} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}`,
      );
    }
    return parts.join(' ');
  }

  private timestampAdd(e: Call): string {
    const [unit, amount, date] = e.args;
    const name = unit?.kind === 'column' ? intervalUnit(unit.column) : null;
    if (name === null || amount === undefined || date === undefined || e.args.length !== 3)
      return this.fail(1064, '42000', 'Wrong arguments to TIMESTAMPADD');
    return `mysql_timestampadd('${name}', ${this.expr(amount)}, ${this.expr(date)})`;
  }

  // A string's character set and collation are the connection's (CONVERT … USING names its
  // own); numbers, NULL and binary strings are 'binary'.
  private charsetOf(name: string, e: Call): string {
    const [arg] = e.args;
    if (arg === undefined || e.args.length !== 1) return this.parameterCount(name);
    if (arg.kind === 'convert_using' && name === 'CHARSET') return quoteString(arg.charset);
    const known = this.collationOf(arg);
    const collation = known === null ? undefined : findCollation(known);
    if (collation !== undefined)
      return quoteString(name === 'COLLATION' ? collation.name : collation.charset);
    const variable = name === 'CHARSET' ? 'character_set_connection' : 'collation_connection';
    const value = this.expr(arg);
    const connection = this.bind({ kind: 'system_var', name: variable, scope: null });
    return `CASE WHEN typeof(${value}) = 'text' THEN ${connection} ELSE 'binary' END`;
  }

  orderList(items: readonly OrderItem[]): string {
    return items
      .map((i) => this.orderKey(i.expr) + (i.direction ? ' ' + i.direction : ''))
      .join(', ');
  }

  /**
   * A sort key. An ENUM column sorts by its members' order, as MariaDB's does (by index:
   * ENUM('new', 'active', 'done') puts 'new' first), not by text; NULL first, then the empty
   * value an invalid one was stored as (index 0). A SET sorts by its number.
   */
  private orderKey(e: Expr): string {
    const sql = this.expr(e);
    if (e.kind !== 'column') return sql;
    const type = this.columnType(e);
    // A SET sorts by its number, the sum of its members' bits ('b' before 'a,c' in SET('a','b','c')).
    if (type?.name === 'SET' && type.values.length > 0 && this.warns) return this.numbered(e, true);
    if (type?.name !== 'ENUM' || type.values.length === 0) return sql;
    const members = type.values.map((v, i) => `WHEN ${quoteString(v)} THEN ${i + 1}`).join(' ');
    return `(CASE ${sql} ${members} WHEN '' THEN 0 END)`;
  }
}

const TIMESTAMP_UNITS = new Set([
  'MICROSECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
]);

/** TIMESTAMPADD's unit (also as SQL_TSI_DAY, …), or null. */
function intervalUnit(word: string): string | null {
  const upper = word.toUpperCase().replace(/^SQL_TSI_/, '');
  return TIMESTAMP_UNITS.has(upper) ? upper : null;
}

export function inlineLiteral(e: Literal): string {
  switch (e.type) {
    case 'null':
      return 'NULL';
    case 'bool':
      return e.value === 'TRUE' ? '1' : '0';
    case 'int': {
      // Above BIGINT, a BIGINT UNSIGNED value is carried as its digits (SQLite would read a
      // double): engine/arithmetic.ts.
      // Beyond BIGINT UNSIGNED it is a DECIMAL, also carried as its digits (engine/decimal.ts).
      const value = e.value ?? 'NULL';
      const big = value.length >= 19 && BigInt(value) > INT64_MAX;
      return big ? quoteString(value) : value;
    }
    case 'decimal':
      // Longer than a double holds: its text, which DECIMAL arithmetic and columns read exactly.
      if (e.value !== null && isLongDecimal(e.value)) return quoteString(e.value);
      return e.value ?? 'NULL';
    case 'float':
      return e.value ?? 'NULL';
    case 'hex':
      return `X'${e.value ?? ''}'`;
    case 'bit':
      return `X'${bitLiteralHex(e.value ?? '')}'`;
    case 'string':
      // SQLite stops reading SQL text at a NUL, so such strings go in as hex.
      if (e.charset !== 'binary' && (e.value ?? '').includes('\0'))
        return `CAST(X'${textBytes(e.value ?? '').toString('hex')}' AS TEXT)`;
      return e.charset === 'binary'
        ? `X'${textBytes(e.value ?? '').toString('hex')}'`
        : quoteString(e.value ?? '');
  }
}

const COMPARISONS: ReadonlySet<string> = new Set(['=', '<=>', '<>', '<', '<=', '>', '>=']);

const INT64_MAX = (1n << 63n) - 1n;

/** Operands that take no COLLATE in SQLite (a row value) or are not strings. */
const UNCOLLATED_KINDS: ReadonlySet<string> = new Set(['row', 'subquery', 'exists', 'is']);

const TEMPORAL_TYPES: ReadonlySet<string> = new Set(['DATE', 'DATETIME', 'TIMESTAMP', 'TIME']);

/** Functions whose value is a DATE, DATETIME or TIME. */
const TEMPORAL_FUNCTIONS: ReadonlySet<string> = new Set(
  'CURDATE CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURTIME DATE FROM_DAYS LAST_DAY LOCALTIME LOCALTIMESTAMP MAKEDATE NOW SYSDATE TIME TIMESTAMP UTC_DATE UTC_TIME UTC_TIMESTAMP'.split(
    ' ',
  ),
);

/** Functions of ours whose text is a JSON document (an argument of JSON_OBJECT keeps it JSON). */
const JSON_VALUED: ReadonlySet<string> = new Set(
  'JSON_EXTRACT JSON_SET JSON_INSERT JSON_REPLACE JSON_REMOVE JSON_MERGE_PATCH JSON_MERGE_PRESERVE JSON_MERGE JSON_ARRAY_APPEND JSON_ARRAY_INSERT JSON_KEYS JSON_QUERY JSON_COMPACT'.split(
    ' ',
  ),
);

/** Functions whose result is a DATE, and a DATETIME: a string compared with one is a date. */
const DATE_RESULT_FUNCTIONS: ReadonlySet<string> = new Set([
  'DATE',
  'CURDATE',
  'CURRENT_DATE',
  'LAST_DAY',
  'FROM_DAYS',
  'MAKEDATE',
]);
const DATETIME_RESULT_FUNCTIONS: ReadonlySet<string> = new Set([
  'NOW',
  'CURRENT_TIMESTAMP',
  'LOCALTIMESTAMP',
  'SYSDATE',
  'UTC_TIMESTAMP',
]);

/** GET_FORMAT's table (TIMESTAMP's formats are DATETIME's). */
const GET_FORMATS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  DATE: { USA: '%m.%d.%Y', JIS: '%Y-%m-%d', ISO: '%Y-%m-%d', EUR: '%d.%m.%Y', INTERNAL: '%Y%m%d' },
  DATETIME: {
    USA: '%Y-%m-%d %H.%i.%s',
    JIS: '%Y-%m-%d %H:%i:%s',
    ISO: '%Y-%m-%d %H:%i:%s',
    EUR: '%Y-%m-%d %H.%i.%s',
    INTERNAL: '%Y%m%d%H%i%s',
  },
  TIME: {
    USA: '%h:%i:%s %p',
    JIS: '%H:%i:%s',
    ISO: '%H:%i:%s',
    EUR: '%H.%i.%s',
    INTERNAL: '%H%i%s',
  },
};

const SYSTEM_CONSTANTS: ReadonlySet<string> = new Set([
  'USER',
  'CURRENT_USER',
  'SESSION_USER',
  'SYSTEM_USER',
  'DATABASE',
  'SCHEMA',
  'VERSION',
  'CONNECTION_ID',
]);

/** COERCIBILITY's answer for an expression (MySQL's collation derivation). */
function coercibility(e: Expr): number {
  switch (e.kind) {
    case 'collate':
      return 0;
    case 'column':
    case 'user_var':
      return 2;
    case 'literal':
      if (e.type === 'null') return 6;
      return e.type === 'string' ? 4 : 5;
    case 'call':
      if (SYSTEM_CONSTANTS.has(e.name)) return 3;
      if (!STRING_FUNCTIONS.has(e.name)) return 5;
      return Math.min(4, ...e.args.map(coercibility));
    default:
      return 5;
  }
}

/** Functions of ours that write values into a document: (doc, path, value, path, value, …). */
const JSON_WRITERS: ReadonlySet<string> = new Set([
  'JSON_SET',
  'JSON_INSERT',
  'JSON_REPLACE',
  'JSON_ARRAY_APPEND',
  'JSON_ARRAY_INSERT',
]);

/** Whether an expression's text is a JSON document (a constructor's or a JSON function's). */
function isJsonValued(e: Expr): boolean {
  if (e.kind !== 'call' || e.over !== undefined) return false;
  return e.name === 'JSON_OBJECT' || e.name === 'JSON_ARRAY' || JSON_VALUED.has(e.name);
}

/** `JSON_EXTRACT(doc, path…)`, which compares as the SQL value it finds. */
const isJsonExtract = (e: Expr): e is Call =>
  e.kind === 'call' && e.name === 'JSON_EXTRACT' && e.over === undefined && !e.star;

const isStringLiteral = (e: Expr): boolean =>
  e.kind === 'literal' && e.type === 'string' && e.charset !== 'binary';

/** Functions whose result is always a number, whatever their arguments. */
const NUMERIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'ABS',
  'CEIL',
  'CEILING',
  'CHAR_LENGTH',
  'COUNT',
  'FLOOR',
  'LENGTH',
  'MOD',
  'ROUND',
  'SIGN',
  'SUM',
  'AVG',
]);

const BIT_OPERATORS: ReadonlySet<string> = new Set(['|', '&', '<<', '>>', '^']);

const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', 'DIV', 'MOD', '%']);

/** Operators that read their operands as numbers (a string operand is converted, with 1292). */
const NUMBER_OPERATORS: ReadonlySet<string> = new Set([...ARITHMETIC, 'AND', 'OR', 'XOR']);

/** The clock functions that answer in the session's time_zone (zonedClock). */
const ZONED_CLOCKS: ReadonlySet<string> = new Set([
  'NOW',
  'SYSDATE',
  'CURDATE',
  'CURTIME',
  'FROM_UNIXTIME',
  'UNIX_TIMESTAMP',
]);

/** Functions whose value is a DECIMAL when their (first) argument is one. */
const DECIMAL_KEEPING: ReadonlySet<string> = new Set([
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'ABS',
  'ROUND',
  'TRUNCATE',
]);

/** Functions of a DOUBLE argument whose value is a DOUBLE (a string context prints it so). */
const DOUBLE_KEEPING: ReadonlySet<string> = new Set([
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'ABS',
  'CEIL',
  'CEILING',
  'FLOOR',
  'ROUND',
  'TRUNCATE',
]);

/**
 * The arguments string functions read as text (`asText`: a DECIMAL's 5.00 is '5.00' there), by
 * position; numeric ones (a length, a position, a count) are read as numbers.
 */
const TEXT_ARGUMENTS: Readonly<Record<string, readonly number[] | 'all'>> = {
  CONCAT_WS: 'all',
  REPLACE: 'all',
  LENGTH: [0],
  OCTET_LENGTH: [0],
  CHAR_LENGTH: [0],
  CHARACTER_LENGTH: [0],
  BIT_LENGTH: [0],
  UPPER: [0],
  LOWER: [0],
  REVERSE: [0],
  TRIM: [0],
  LTRIM: [0],
  RTRIM: [0],
  LPAD: [0, 2],
  RPAD: [0, 2],
  LEFT: [0],
  RIGHT: [0],
  REPEAT: [0],
  INSERT: [0, 3],
  SUBSTRING_INDEX: [0, 1],
  MD5: [0],
  SHA1: [0],
  SHA2: [0],
  CRC32: [0],
  TO_BASE64: [0],
  QUOTE: [0],
  SOUNDEX: [0],
};

/** Functions whose value is always a DOUBLE (PI is not: it prints 6 places). */
const DOUBLE_VALUED_FUNCTIONS: ReadonlySet<string> = new Set(
  'SQRT EXP LN LOG LOG2 LOG10 POW POWER SIN COS TAN ASIN ACOS ATAN ATAN2 COT DEGREES RADIANS RAND'.split(
    ' ',
  ),
);

/** The operators of exact DECIMAL arithmetic. */
const EXACT_OPERATORS: ReadonlySet<string> = new Set(['+', '-', '*', '/']);

/** MariaDB's largest DECIMAL scale, and div_precision_increment's default. */
const DECIMAL_SCALE_MAX = 38;
const DIV_PRECISION_INCREMENT = 4;

/**
 * Whether an expression is a number by its form alone (a numeric literal, arithmetic, a
 * comparison, a numeric function), without the catalog: a column is not (see `compared`).
 */
function isNumeric(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return e.type === 'int' || e.type === 'decimal' || e.type === 'float' || e.type === 'bool';
    case 'unary':
      return (e.op === '-' || e.op === '+') && isNumeric(e.operand);
    case 'binary':
      // `d + INTERVAL 1 MONTH` is a date, not a sum.
      if (e.left.kind === 'interval' || e.right.kind === 'interval') return false;
      return ARITHMETIC.has(e.op) || COMPARISONS.has(e.op);
    case 'call':
      return e.over === undefined && NUMERIC_FUNCTIONS.has(e.name);
    default:
      return false;
  }
}

const isIntLiteral = (e: Expr): boolean => e.kind === 'literal' && e.type === 'int';
/** A hex or bit literal: a binary string, its bytes a number in a numeric context (0x41, b'1'). */
export const isHexLiteral = (e: Expr): boolean =>
  e.kind === 'literal' && (e.type === 'hex' || e.type === 'bit');

const INTEGER_COLUMN_TYPES: ReadonlySet<string> = new Set([
  'TINYINT',
  'SMALLINT',
  'MEDIUMINT',
  'INT',
  'INTEGER',
  'BIGINT',
]);

/** Column types a hex literal compares with (and is written into) as a number. */
export const NUMERIC_COLUMN_TYPES: ReadonlySet<string> = new Set([
  ...INTEGER_COLUMN_TYPES,
  'DECIMAL',
  'NUMERIC',
  'FLOAT',
  'DOUBLE',
  'REAL',
  'BIT',
  'YEAR',
]);

const STRING_FUNCTIONS: ReadonlySet<string> = new Set(
  'CONCAT CONCAT_WS LCASE LEFT LOWER LPAD LTRIM REPLACE REVERSE RIGHT RPAD RTRIM SUBSTR SUBSTRING TRIM UCASE UPPER'.split(
    ' ',
  ),
);

/**
 * What an expression is without looking at columns: a number (numeric literals, arithmetic), a
 * string (string literals, string functions) or not known here.
 */
function staticKind(e: Expr): 'number' | 'string' | null {
  switch (e.kind) {
    case 'literal':
      if (e.type === 'int' || e.type === 'decimal' || e.type === 'float') return 'number';
      return e.type === 'string' && e.charset !== 'binary' ? 'string' : null;
    case 'unary':
      if (e.op === '-') return 'number';
      return e.op === '+' ? staticKind(e.operand) : null;
    case 'binary':
      if (!ARITHMETIC.has(e.op) || e.left.kind === 'interval' || e.right.kind === 'interval')
        return null;
      return 'number';
    case 'call':
      return STRING_FUNCTIONS.has(e.name) ? 'string' : null;
    default:
      return null;
  }
}

/**
 * MySQL compares a string with a number as numbers ('abc' = 0 and '1.0' = 1 are true); SQLite
 * compares them by storage class, where a text is never equal to a number. Where the two kinds
 * are known from the expressions, the string is made a number as MySQL makes it (its longest
 * numeric prefix, 0 if none), which is what SQLite's arithmetic does with a text.
 */
function comparison(
  op: string,
  left: Expr,
  l: string,
  right: Expr,
  r: string,
  number: (sql: string) => string,
): string {
  const kinds = [staticKind(left), staticKind(right)];
  const numeric = (kind: 'number' | 'string' | null, sql: string): string =>
    kinds.includes('number') && kinds.includes('string') && kind === 'string' ? number(sql) : sql;
  const sqliteOp = op === '<=>' ? 'IS' : op;
  return `(${numeric(kinds[0]!, l)} ${sqliteOp} ${numeric(kinds[1]!, r)})`;
}

/** The column a quantified comparison's subquery is read through. */
const QUANTIFIED_VALUE = '__quantified_value';

/** The query with its (first member's) one select item named `name`; null for another shape. */
function nameFirstItem(q: Query, name: string): Query | null {
  if (q.kind === 'union') {
    const left = nameFirstItem(q.left, name);
    return left === null ? null : { ...q, left };
  }
  const item = q.items[0];
  if (q.items.length !== 1 || item?.kind !== 'item') return null;
  return { ...q, items: [{ ...item, alias: name, name }] };
}
