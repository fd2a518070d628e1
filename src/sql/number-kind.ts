// What the emitter knows of an operand's number before any row is read: an integer's greatest
// number of digits, its sign and unsignedness, or that it is a DECIMAL, a double or unknown.
// It decides whether `+`, `-`, `*` can overflow (then engine/arithmetic.ts checks them, with
// MariaDB's 1690) or stay SQLite's operators: `k + 1` on an INT column cannot leave BIGINT's
// range and pays nothing. See docs/design/sql.md, "Integer range".
import type { DataType, Expr, Literal } from './ast.js';
import { bitLiteralHex, integerLiteralDigits } from './normalize.js';
import { backquote } from './names.js';

/**
 * How the checked function reads the value (engine/arithmetic.ts): `i` signed, `u` unsigned (a
 * TEXT is the digits of a value above 2^63 − 1), `l` either (a bound long literal, a checked
 * result: an INTEGER is signed, a TEXT unsigned), `d` a DECIMAL or double (no integer overflow).
 */
export type IntegerFlag = 'i' | 'u' | 'l' | 'd';

export type NumberKind =
  | {
      readonly kind: 'int';
      /** At most this many decimal digits (20 for any 64-bit value). */
      readonly digits: number;
      readonly flag: IntegerFlag;
      readonly nonNegative: boolean;
    }
  | { readonly kind: 'decimal' | 'float' | 'unknown' };

/** The questions the analysis asks its emitter. */
export interface NumberScope {
  /** A column's type where the statement's tables tell it, else null. */
  columnType(e: Expr): DataType | null;
  /** Whether a literal is bound at execution (its value may differ from the template's). */
  isBound(e: Literal): boolean;
}

const UNKNOWN: NumberKind = { kind: 'unknown' };
const DECIMAL: NumberKind = { kind: 'decimal' };
const FLOAT: NumberKind = { kind: 'float' };
const BOOLEAN: NumberKind = { kind: 'int', digits: 1, flag: 'i', nonNegative: true };
const UNSIGNED_64: NumberKind = { kind: 'int', digits: 20, flag: 'u', nonNegative: true };

/** Digits of a signed 64-bit integer whose sum or product cannot overflow: 10^18 < 2^63. */
const SAFE_DIGITS_MAX = 18;

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

const INTEGER_DIGITS: Readonly<Record<string, number>> = {
  TINYINT: 3,
  SMALLINT: 5,
  MEDIUMINT: 8,
  INT: 10,
  INTEGER: 10,
  BIGINT: 19,
  YEAR: 4,
  ENUM: 5,
  // A SET is the sum of its members' bits (64 at most): BIGINT UNSIGNED's digits.
  SET: 20,
  // DATE, DATETIME and TIME are numbers of their digits in arithmetic (20240203101112).
  DATE: 8,
  DATETIME: 15,
  TIMESTAMP: 15,
  TIME: 10,
};

const digitsOfBits = (bits: number): number => String((1n << BigInt(bits)) - 1n).length;

function columnKind(type: DataType): NumberKind {
  const digits = INTEGER_DIGITS[type.name];
  if (digits !== undefined) {
    const unsigned = type.unsigned && type.name !== 'ENUM' && type.name !== 'SET';
    return {
      kind: 'int',
      digits: unsigned && type.name === 'BIGINT' ? 20 : digits,
      flag: unsigned ? 'u' : 'i',
      nonNegative: unsigned || type.name === 'ENUM' || type.name === 'SET' || type.name === 'YEAR',
    };
  }
  if (type.name === 'BIT')
    return { kind: 'int', digits: digitsOfBits(type.length ?? 1), flag: 'u', nonNegative: true };
  if (type.name === 'DECIMAL' || type.name === 'NUMERIC') return DECIMAL;
  if (type.name === 'FLOAT' || type.name === 'DOUBLE' || type.name === 'REAL') return FLOAT;
  return UNKNOWN;
}

function literalKind(e: Literal, scope: NumberScope): NumberKind {
  switch (e.type) {
    case 'null':
    case 'bool':
      return BOOLEAN;
    case 'int': {
      const text = e.value ?? '0';
      if (scope.isBound(e)) {
        // The template's literals all have this one's length class (normalize.ts).
        const digits = integerLiteralDigits(text);
        return { kind: 'int', digits, flag: digits < 20 ? 'i' : 'l', nonNegative: true };
      }
      const n = BigInt(text);
      if (n > UINT64_MAX) return DECIMAL;
      return {
        kind: 'int',
        digits: text.length,
        flag: n > INT64_MAX ? 'u' : 'i',
        nonNegative: true,
      };
    }
    case 'hex':
    case 'bit': {
      // In a numeric context (the only one that asks): its bytes as an unsigned integer.
      if (scope.isBound(e)) return UNSIGNED_64;
      const hex = e.type === 'bit' ? bitLiteralHex(e.value ?? '') : (e.value ?? '');
      const bytes = Math.max(1, Math.ceil(hex.length / 2));
      return bytes > 8
        ? FLOAT
        : { kind: 'int', digits: digitsOfBits(8 * bytes), flag: 'u', nonNegative: true };
    }
    case 'decimal':
      return DECIMAL;
    default:
      // A float literal, or a string read as a double.
      return FLOAT;
  }
}

/** Expressions whose value is a truth value (1, 0 or NULL) by their kind. */
export const PREDICATE_KINDS: ReadonlySet<string> = new Set([
  'is',
  'between',
  'in_list',
  'in_query',
  'like',
  'regexp',
  'exists',
  'quantified',
]);

/** Operators whose value is a truth value (1, 0 or NULL). */
export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set([
  '=',
  '<=>',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'AND',
  'OR',
  'XOR',
]);
/** Operators on the bits of an unsigned 64-bit integer. */
export const BIT_OPERATORS: ReadonlySet<string> = new Set(['|', '&', '<<', '>>', '^']);

/** What an expression is as a number (see the file's comment). */
export function numberKind(e: Expr, scope: NumberScope): NumberKind {
  if (PREDICATE_KINDS.has(e.kind)) return BOOLEAN;
  switch (e.kind) {
    case 'literal':
      return literalKind(e, scope);
    case 'column': {
      const type = scope.columnType(e);
      return type === null ? UNKNOWN : columnKind(type);
    }
    case 'unary': {
      if (e.op === 'NOT') return BOOLEAN;
      if (e.op === '~') return UNSIGNED_64;
      const inner = numberKind(e.operand, scope);
      if (e.op !== '-' || inner.kind !== 'int') return inner;
      return { kind: 'int', digits: inner.digits, flag: 'i', nonNegative: false };
    }
    case 'binary':
      return binaryKind(e, scope);
    case 'call':
      // SUM and AVG of integers are DECIMALs in MariaDB; COUNT a BIGINT.
      if (e.over !== undefined) return UNKNOWN;
      if (e.name === 'SUM' || e.name === 'AVG') return DECIMAL;
      return e.name === 'COUNT'
        ? { kind: 'int', digits: 19, flag: 'i', nonNegative: true }
        : UNKNOWN;
    case 'cast':
      if (e.type.name === 'SIGNED')
        return { kind: 'int', digits: 19, flag: 'i', nonNegative: false };
      if (e.type.name === 'UNSIGNED') return UNSIGNED_64;
      if (e.type.name === 'DECIMAL') return DECIMAL;
      return e.type.name === 'DOUBLE' || e.type.name === 'FLOAT' ? FLOAT : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

function binaryKind(e: Expr & { kind: 'binary' }, scope: NumberScope): NumberKind {
  if (COMPARISON_OPERATORS.has(e.op)) return BOOLEAN;
  if (BIT_OPERATORS.has(e.op)) return UNSIGNED_64;
  if (e.left.kind === 'interval' || e.right.kind === 'interval') return UNKNOWN;
  const a = numberKind(e.left, scope);
  const b = numberKind(e.right, scope);
  if (a.kind === 'unknown' || b.kind === 'unknown') return UNKNOWN;
  if (a.kind === 'float' || b.kind === 'float') return FLOAT;
  if (a.kind !== 'int' || b.kind !== 'int') return e.op === 'DIV' ? UNSIGNED_64 : DECIMAL;
  if (e.op === '/') return DECIMAL;
  const flag: IntegerFlag =
    a.flag === 'u' || b.flag === 'u' ? 'u' : a.flag === 'l' || b.flag === 'l' ? 'l' : 'i';
  const nonNegative = a.nonNegative && b.nonNegative && e.op !== '-';
  const digits =
    e.op === '*'
      ? a.digits + b.digits
      : e.op === '+' || e.op === '-'
        ? Math.max(a.digits, b.digits) + 1
        : Math.max(a.digits, b.digits);
  return { kind: 'int', digits: Math.min(digits, 20), flag, nonNegative };
}

/**
 * Whether `a op b` (op `+`, `-`, `*`) can leave BIGINT's (or BIGINT UNSIGNED's, or a double's)
 * range, so that it must be computed by the checked function. Sums of a DECIMAL and an integer
 * stay SQLite's (a DECIMAL has at most 65 digits: no double overflows).
 */
export function mayOverflow(op: string, a: NumberKind, b: NumberKind): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'float' || b.kind === 'float')
    return op === '*' || (a.kind === 'float' && b.kind === 'float');
  if (a.kind !== 'int' || b.kind !== 'int') return false;
  const digits = op === '*' ? a.digits + b.digits : Math.max(a.digits, b.digits) + 1;
  if (digits > SAFE_DIGITS_MAX) return true;
  // An unsigned operand makes the result unsigned: negative is out of its range.
  if (a.flag === 'i' && b.flag === 'i') return false;
  return op === '-' || !(a.nonNegative && b.nonNegative);
}

/** The flag the checked function reads an operand with. */
export function integerFlag(k: NumberKind): IntegerFlag {
  if (k.kind === 'decimal' || k.kind === 'float') return 'd';
  return k.kind === 'int' ? k.flag : 'i';
}

/**
 * An expression as MariaDB prints it in a 1690 message (`` `db`.`t`.`k` + 1``), or null for a
 * bound literal or parameter, whose value the function prints. `table` names a column's table.
 */
export function printedExpr(
  e: Expr,
  scope: NumberScope,
  table: (e: Expr & { kind: 'column' }) => string | null,
): string | null {
  if (e.kind === 'param' || (e.kind === 'literal' && scope.isBound(e))) return null;
  return printed(e, table);
}

function printed(e: Expr, table: (e: Expr & { kind: 'column' }) => string | null): string {
  const inner = (x: Expr): string =>
    x.kind === 'binary' ? `(${printed(x, table)})` : printed(x, table);
  switch (e.kind) {
    case 'literal':
      if (e.type === 'string') return `'${e.value ?? ''}'`;
      if (e.type === 'hex') return `0x${e.value ?? ''}`;
      if (e.type === 'bit') return `b'${e.value ?? ''}'`;
      if (e.type === 'null') return 'NULL';
      if (e.type === 'bool') return e.value === 'TRUE' ? '1' : '0';
      return e.value ?? '';
    case 'param':
      return '?';
    case 'column': {
      const prefix = table(e);
      return (prefix === null ? '' : prefix + '.') + backquote(e.column);
    }
    case 'unary':
      return `${e.op === 'NOT' ? '!' : e.op}${inner(e.operand)}`;
    case 'binary':
      return `${inner(e.left)} ${e.op.toLowerCase()} ${inner(e.right)}`;
    case 'cast':
      return `cast(${printed(e.operand, table)} as ${e.type.name.toLowerCase()})`;
    case 'call':
      return `${e.name.toLowerCase()}(${e.args.map((a) => printed(a, table)).join(',')})`;
    default:
      return '?';
  }
}

/** Each integer type's signed range, as MariaDB's. */
const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  MEDIUMINT: [-8388608n, 8388607n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

/** An integer type's range (UNSIGNED: 0 to twice the signed greatest plus 1), or null. */
export function integerRange(type: DataType): readonly [bigint, bigint] | null {
  const range = INTEGER_RANGES[type.name];
  if (range === undefined) return null;
  return type.unsigned ? [0n, range[1] * 2n + 1n] : range;
}
