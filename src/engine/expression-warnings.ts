// Warnings MySQL gives while it computes an expression: 1292 for a string read as a number that
// is not one (`'abc' + 1`, `'1x' = 1`, `CAST('3.9' AS SIGNED)`), 1365 for a division by zero
// (`1/0`, `5 MOD 0`, `LN(0)`). The emitter routes those conversions and divisors through the
// functions here; each reports to the sink of the statement that is running (set around its one
// synchronous SQLite call, as the store function's WriteCheck is). A read collects them for
// SHOW WARNINGS; a strict INSERT or UPDATE fails with the first (MariaDB's abort_on_warning).
import type { SqlValue } from '../codec/index.js';
import {
  BIT_FUNCTION,
  DIVISOR_FUNCTION,
  INTEGER_FUNCTION,
  LOG_ARGUMENT_FUNCTION,
  NUMBER_FUNCTION,
  RECURSION_CUT_FUNCTION,
} from '../sql/index.js';
import { ValueRefusal, type UserFunction } from '../storage/index.js';
import { mysqlError, refusedWith } from './errors.js';
import type { ErrorResult } from '../mysql/index.js';

type V = SqlValue;

export interface ExpressionWarning {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

/** MariaDB keeps at most @@max_error_count (64 by default) warnings of a statement. */
export const EXPRESSION_WARNINGS_MAX = 64;

/** Where a running statement's expression warnings go. */
export interface ExpressionSink {
  readonly warnings: ExpressionWarning[];
  /** A strict write: a warning fails the statement (set here as its error). */
  readonly refusesWarnings: boolean;
  /** ERROR_FOR_DIVISION_BY_ZERO: without it a division by zero is NULL without a warning. */
  readonly divisionWarns: boolean;
  error: ErrorResult | null;
}

/** A read's sink: it collects, never refuses. */
export function readSink(divisionWarns: boolean): ExpressionSink {
  return { warnings: [], refusesWarnings: false, divisionWarns, error: null };
}

let active: ExpressionSink | null = null;
/** The warnings of an open probe (store-value.ts, the changed-rows guard), held back. */
let held: ExpressionWarning[] | null = null;

/** Runs `fn` (one synchronous SQLite call) with `sink` receiving its expression warnings. */
export function withExpressionSink<T>(sink: ExpressionSink | null, fn: () => T): T {
  if (sink === null) return fn();
  const outer = active;
  const outerHeld = held;
  active = sink;
  held = null;
  try {
    return fn();
  } finally {
    active = outer;
    held = outerHeld;
  }
}

/** The one list a probe holds its warnings in (a probe per row: no list per row). */
const probeList: ExpressionWarning[] = [];
const NONE: readonly ExpressionWarning[] = [];

/** Opens a probe: the warnings until `closeProbe` are held back (a refusal still fails). */
export function openProbe(): void {
  probeList.length = 0;
  held = probeList;
}

/** Closes the probe and returns what it held. */
export function closeProbe(): readonly ExpressionWarning[] {
  held = null;
  if (probeList.length === 0) return NONE;
  const out = probeList.slice();
  probeList.length = 0;
  return out;
}

/** Where a warning of the running statement goes: the open probe, or `warnings`. */
export function warningsOf(warnings: ExpressionWarning[]): ExpressionWarning[] {
  return held ?? warnings;
}

/**
 * Reports one warning of the running expression (a strict write fails with it, unless `lax`:
 * MariaDB's JSON_TABLE converts its values with warnings in every sql_mode).
 */
export function report(
  level: 'Note' | 'Warning',
  code: number,
  sqlState: string,
  message: string,
  lax = false,
): void {
  const sink = active;
  if (sink === null) return;
  if (level === 'Warning' && sink.refusesWarnings && !lax) {
    sink.error = mysqlError(code, sqlState, message);
    throw new ValueRefusal(refusedWith(sink.error));
  }
  const into = held ?? sink.warnings;
  if (into.length < EXPRESSION_WARNINGS_MAX) into.push({ level, code, message });
}

function text(v: V): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
}

// MySQL's reading of a string as a number: blanks, a sign, digits with one point, an exponent.
const DOUBLE_PREFIX = /^[ \t\n\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const INTEGER_PREFIX = /^[ \t\n\r]*([+-]?\d+)/;

/**
 * A string as a number, MySQL's way: its longest numeric prefix (0 if none), with warning 1292
 * when anything but trailing blanks follows (a note for those). `type` names the target in the
 * message (DOUBLE, DECIMAL).
 */
function toNumber(v: V, type: V): V {
  if (v === null || typeof v === 'number' || typeof v === 'bigint') return v;
  const s = text(v);
  const m = DOUBLE_PREFIX.exec(s);
  const value = m === null ? 0 : Number(m[1]);
  const name = type === null ? 'DOUBLE' : text(type);
  // Past DOUBLE's range ('1e400'): its greatest value, with 1292, as MariaDB reads it.
  if (!Number.isFinite(value)) {
    report('Warning', 1292, '22007', `Truncated incorrect ${name} value: '${s}'`);
    return value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  }
  truncation(s, m === null ? 0 : m[0].length, name);
  return value;
}

/** CAST(string AS SIGNED): the integer prefix, with 1292 for what follows it. */
function toInteger(v: V): V {
  if (v === null || typeof v === 'number' || typeof v === 'bigint') return v;
  const s = text(v);
  const m = INTEGER_PREFIX.exec(s);
  truncation(s, m === null ? 0 : m[0].length, 'INTEGER');
  if (m === null) return 0n;
  const n = BigInt(m[1]!);
  const max = (1n << 63n) - 1n;
  return n > max ? max : n < -max - 1n ? -max - 1n : n;
}

function truncation(s: string, used: number, type: string): void {
  if (used === s.length && used > 0) return;
  const rest = s.slice(used);
  const level = used > 0 && rest.trim() === '' ? 'Note' : 'Warning';
  report(level, 1292, '22007', `Truncated incorrect ${type} value: '${s}'`);
}

function numeric(v: V): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const m = DOUBLE_PREFIX.exec(text(v));
  return m === null ? 0 : Number(m[1]);
}

function divisionByZero(): null {
  if (active?.divisionWarns === true) report('Warning', 1365, '22012', 'Division by 0');
  return null;
}

/** A divisor: itself, or NULL with 1365 when it is zero. */
function divisor(v: V): V {
  if (v === null || numeric(v) !== 0) return v;
  return divisionByZero();
}

/**
 * A logarithm's argument: itself, or NULL with 1365 when it is not positive (MariaDB reports a
 * logarithm of zero or less, and a base of 1, as a division by zero). `base` is set for a base.
 */
function logArgument(v: V, base: V): V {
  if (v === null) return null;
  const n = numeric(v);
  if (n > 0 && !(base !== null && n === 1)) return v;
  return divisionByZero();
}

/**
 * A row of a recursive CTE's last step @@max_recursive_iterations allows: MariaDB stops there,
 * returns what it has (the row too), with one warning 1931 (a warning even in a strict write).
 */
function recursionCut(limit: V): V {
  const sink = active;
  if (sink !== null && !sink.warnings.some((w) => w.code === RECURSION_CUT_CODE))
    report(
      'Warning',
      RECURSION_CUT_CODE,
      '70100',
      `Query execution was interrupted. The query exceeded max_recursive_iterations = ${text(limit ?? 0)}. The query result may be incomplete`,
      true,
    );
  return 1;
}

const RECURSION_CUT_CODE = 1931;

const U64_MAX = (1n << 64n) - 1n;
const INTEGER_TEXT = /^[ \t\n\r]*([+-]?\d+)[ \t\n\r]*$/;

/**
 * An operand of a bit operator as MySQL reads it, an unsigned 64-bit integer: a fraction rounded
 * (1.5 is 2), a negative number two's complement, a string its number (1292 for what follows it),
 * past the range its nearest end. Null stays null.
 */
function toUnsigned64(v: V): bigint | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v !== 'number') {
    const whole = INTEGER_TEXT.exec(text(v));
    if (whole !== null) {
      const n = BigInt(whole[1]!);
      return n > U64_MAX ? U64_MAX : BigInt.asUintN(64, n < -(1n << 63n) ? -(1n << 63n) : n);
    }
  }
  const n = typeof v === 'number' ? v : (toNumber(v, 'DECIMAL') as number);
  if (Number.isNaN(n)) return 0n;
  const rounded = Math.sign(n) * Math.round(Math.abs(n));
  if (rounded >= 2 ** 64) return U64_MAX;
  if (rounded <= -(2 ** 63)) return 1n << 63n;
  return BigInt.asUintN(64, BigInt(rounded));
}

/** `mysql_bit(op, a[, b])`: MySQL's bit operators over unsigned 64 bits, signed as SQLite keeps them. */
function bitOperation(op: V, a: V, b: V): V {
  const x = toUnsigned64(a);
  if (x === null) return null;
  let r: bigint;
  if (op === '~') r = ~x & U64_MAX;
  else {
    const y = toUnsigned64(b);
    if (y === null) return null;
    switch (op) {
      case '&':
        r = x & y;
        break;
      case '|':
        r = x | y;
        break;
      case '^':
        r = x ^ y;
        break;
      case '<<':
        r = y >= 64n ? 0n : (x << y) & U64_MAX;
        break;
      case '>>':
        r = y >= 64n ? 0n : x >> y;
        break;
      default:
        throw new Error(`mysql_bit: no operator ${String(op)}`);
    }
  }
  const signed = BigInt.asIntN(64, r);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

/**
 * The functions above, ready for Store.open; they may throw a ValueRefusal (strict writes). Not
 * deterministic, so SQLite calls them for every row (MariaDB warns per row) rather than once
 * for a constant argument; the emitter keeps them out of CHECK and generated columns.
 */
export function expressionFunctions(): UserFunction[] {
  return [
    {
      name: NUMBER_FUNCTION,
      deterministic: false,
      varargs: true,
      fn: (v, t) => toNumber(v!, t ?? null),
    },
    { name: INTEGER_FUNCTION, deterministic: false, varargs: false, fn: (v) => toInteger(v) },
    { name: DIVISOR_FUNCTION, deterministic: false, varargs: false, fn: (v) => divisor(v) },
    {
      name: RECURSION_CUT_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (limit) => recursionCut(limit!),
    },
    {
      name: BIT_FUNCTION,
      deterministic: false,
      varargs: true,
      fn: (op, a, b) => bitOperation(op!, a!, b ?? null),
    },
    {
      name: LOG_ARGUMENT_FUNCTION,
      deterministic: false,
      varargs: true,
      fn: (v, base) => logArgument(v!, base ?? null),
    },
  ];
}
