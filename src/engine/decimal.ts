// Exact DECIMAL arithmetic (docs/design/sql.md, "Exact DECIMAL"). SQLite has no decimal type:
// a DECIMAL value lives in SQLite as a number when its digits fit one exactly (at most 15
// significant digits: such a decimal and the double nearest to it give each other back, so
// comparing and ordering them as doubles is exact) and as the text of its digits beyond that
// (a DECIMAL(p > 15) column stores text under the `mysql_decimal` collation). The emitter routes
// +, -, * and / whose operands are exact (DECIMAL or integer, at least one DECIMAL, or any
// division) through the functions here, which compute on BigInt units and give back the form
// above: 0.1 + 0.2 is 0.3, and 123456789012345678901234567890.5 + 1 keeps every digit.
import type { SqlValue } from '../codec/index.js';
import {
  DECIMAL_ADD_FUNCTION,
  DECIMAL_COMPARE_FUNCTION,
  DECIMAL_DIVIDE_FUNCTION,
  DECIMAL_MULTIPLY_FUNCTION,
  DECIMAL_SUBTRACT_FUNCTION,
  DECIMAL_SUM_FUNCTION,
  DOUBLE_ROUND_FUNCTION,
  NUMBER_TEXT_DOUBLE,
  NUMBER_TEXT_FLOAT,
  NUMBER_TEXT_FUNCTION,
} from '../sql/index.js';
import { doubleText, floatText } from '../mysql/index.js';
import type { UserAggregate, UserFunction } from '../storage/index.js';

type V = SqlValue;

/** units / 10^scale. */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

/** MariaDB's largest DECIMAL scale; a product's or quotient's digits beyond it are cut. */
export const DECIMAL_SCALE_MAX = 38;
/** The digits a double gives back exactly. */
const EXACT_DIGITS = 15;
/** A division's digits: its dividend's scale plus div_precision_increment, in 9-digit words. */
const DIVISION_WORD = 9;

const DEC_TEXT = /^[ \t\n\r]*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?/;

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

/** The decimal a SQLite value stands for; null for NULL and for what is not a number. */
export function decOf(v: V | undefined): Dec | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return { units: v, scale: 0 };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER)
      return { units: BigInt(v), scale: 0 };
    return decOfText(String(v));
  }
  const text = v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v;
  return decOfText(text) ?? { units: 0n, scale: 0 };
}

function decOfText(text: string): Dec | null {
  const m = DEC_TEXT.exec(text);
  if (m === null) return null;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return null;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(exponent) > 400) return null;
  let units = BigInt(int + frac || '0');
  let scale = frac.length - exponent;
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  if (m[1] === '-') units = -units;
  return trim({ units, scale });
}

/** Drops trailing zeros of the fraction (they change nothing in a value). */
function trim(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % TEN === 0n) {
    units /= TEN;
    scale--;
  }
  return { units, scale };
}

function rescale(d: Dec, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

export function decAdd(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function decSubtract(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) - rescale(b, scale), scale };
}

export function decMultiply(a: Dec, b: Dec): Dec {
  return cut({ units: a.units * b.units, scale: a.scale + b.scale }, DECIMAL_SCALE_MAX);
}

/**
 * a / b as MariaDB computes it: the dividend's scale plus `increment` (div_precision_increment),
 * rounded up to whole 9-digit words, the rest cut (1/3 is 0.333333333, so 1/3*3 is 0.999999999
 * and shows as 1.0000). Null when b is 0.
 */
export function decDivide(a: Dec, b: Dec, dividendScale: number, increment: number): Dec | null {
  if (b.units === 0n) return null;
  const digits = Math.min(
    Math.ceil((dividendScale + increment) / DIVISION_WORD) * DIVISION_WORD,
    DECIMAL_SCALE_MAX,
  );
  // a.units/10^as / (b.units/10^bs) = a.units * 10^(bs - as + digits) / b.units / 10^digits
  const shift = b.scale - a.scale + digits;
  const numerator = shift >= 0 ? a.units * pow10(shift) : a.units;
  const denominator = shift >= 0 ? b.units : b.units * pow10(-shift);
  return { units: numerator / denominator, scale: digits };
}

export function decCompare(a: Dec, b: Dec): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * -1, 0 or 1 as `a` is below, equal to or above `b`, on their exact digits; NULL when one is
 * NULL, or with `nullSafe` (`<=>`) 0 when both are and 1 when one is. Two numbers compare as
 * they are: an exact operand that is a number holds its decimal exactly (at most 15 digits).
 */
function compare(a: V, b: V, nullSafe: boolean): V {
  if (a === null || b === null) return nullSafe ? (a === b ? 0 : 1) : null;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = decOf(a);
  const y = decOf(b);
  return x === null || y === null ? null : decCompare(x, y);
}

/** Cuts (truncates toward zero) to at most `scale` fraction digits. */
function cut(d: Dec, scale: number): Dec {
  if (d.scale <= scale) return d;
  return { units: d.units / pow10(d.scale - scale), scale };
}

/** Rounds half away from zero to `scale` fraction digits (MySQL's DECIMAL rounding). */
export function decRound(d: Dec, scale: number): Dec {
  if (d.scale <= scale) return d;
  const unit = pow10(d.scale - scale);
  const negative = d.units < 0n;
  const magnitude = negative ? -d.units : d.units;
  let kept = magnitude / unit;
  if ((magnitude % unit) * 2n >= unit) kept += 1n;
  return { units: negative ? -kept : kept, scale };
}

/** The digits of a decimal, with exactly `scale` fraction digits when given (rounded). */
export function decText(d: Dec, scale?: number): string {
  const r = scale === undefined ? d : decRound(d, scale);
  const places = scale === undefined ? r.scale : scale;
  const negative = r.units < 0n;
  // After the rounding r has at most `places` fraction digits: pad it to exactly that many.
  const digits = (
    (negative ? -r.units : r.units).toString() + '0'.repeat(places - r.scale)
  ).padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places);
  const zero = /^0*$/.test(int + frac);
  return (negative && !zero ? '-' : '') + int + (places > 0 ? '.' + frac : '');
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * The SQLite value of a decimal: a number when a double holds its digits exactly, an integer
 * when it is one within 64 bits, else its text.
 */
export function decValue(d: Dec): V {
  const t = trim(d);
  const magnitude = t.units < 0n ? -t.units : t.units;
  if (magnitude.toString().length <= EXACT_DIGITS) {
    return t.scale === 0 ? Number(t.units) : Number(decText(t));
  }
  if (t.scale === 0 && t.units >= INT64_MIN && t.units <= INT64_MAX) return t.units;
  return decText(t);
}

/** A DECIMAL value (a number, or the text of a long one) as text with `scale` places. */
export function decimalDisplay(v: Exclude<V, null>, scale: number): string {
  const d = decOf(v) ?? { units: 0n, scale: 0 };
  return decText(d, Math.min(scale, DECIMAL_SCALE_MAX));
}

/**
 * The fast path: a double that is a short decimal (its shortest text without an exponent, at
 * most 15 digits) as integer units and a scale, both plain numbers; null when it is not one.
 * Integer units below 2^53 add and multiply exactly as doubles, and units / 10^scale is the
 * double nearest to the decimal (IEEE division rounds correctly), so no BigInt is needed.
 */
const SMALL_SCALE = 15;
const POW10 = Array.from({ length: 2 * SMALL_SCALE + 1 }, (_, i) => 10 ** i);

let fastUnits = 0;
let fastScale = 0;

function fastOf(v: V): boolean {
  if (typeof v !== 'number') return false;
  if (Number.isInteger(v)) {
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return false;
    fastUnits = v;
    fastScale = 0;
    return true;
  }
  const t = String(v);
  const point = t.indexOf('.');
  if (point < 0 || t.length > 17 || t.includes('e')) return false;
  fastScale = t.length - point - 1;
  fastUnits = Number(t.slice(0, point) + t.slice(point + 1));
  return Math.abs(fastUnits) <= Number.MAX_SAFE_INTEGER;
}

type FastOp = (au: number, as: number, bu: number, bs: number) => number | null;

/** +, - and * on fast operands; null when the result leaves the exact range. */
const FAST: Readonly<Record<'add' | 'sub' | 'mul', FastOp>> = {
  add: (au, as, bu, bs) => fastSum(au, as, bu, bs, 1),
  sub: (au, as, bu, bs) => fastSum(au, as, bu, bs, -1),
  mul: (au, as, bu, bs) => {
    const units = au * bu;
    const scale = as + bs;
    // 10^22 is the largest power of ten a double holds exactly.
    if (!Number.isSafeInteger(units) || Math.abs(units) >= 1e15 || scale > 22) return null;
    return scale === 0 ? units : units / POW10[scale]!;
  },
};

function fastSum(au: number, as: number, bu: number, bs: number, sign: 1 | -1): number | null {
  const scale = Math.max(as, bs);
  const units = au * POW10[scale - as]! + sign * bu * POW10[scale - bs]!;
  if (!Number.isSafeInteger(units) || Math.abs(units) >= 1e15) return null;
  return scale === 0 ? units : units / POW10[scale]!;
}

function binary(op: (a: Dec, b: Dec) => Dec | null, fast?: FastOp): (a: V, b: V) => V {
  return (a, b) => {
    if (fast !== undefined && fastOf(a)) {
      const au = fastUnits;
      const as = fastScale;
      if (fastOf(b)) {
        const out = fast(au, as, fastUnits, fastScale);
        if (out !== null) return out;
      }
    }
    const x = decOf(a);
    const y = decOf(b);
    if (x === null || y === null) return null;
    const out = op(x, y);
    return out === null ? null : decValue(out);
  };
}

/**
 * `mysql_dec_div(a, b, dividendScale, increment, displayScale)`: displayScale, when given (the
 * quotient is being compared), rounds to the scale it is shown with, as MariaDB compares it
 * (1/3 = 0.3333 is true, 1/3 = 0.33333 false).
 */
function divide(a: V, b: V, dividendScale: V, increment: V, displayScale: V): V {
  const x = decOf(a);
  const y = decOf(b);
  if (x === null || y === null) return null;
  const q = decDivide(x, y, Number(dividendScale ?? 0), Number(increment ?? 4));
  if (q === null) return null;
  const shown =
    displayScale === null || displayScale === undefined ? q : decRound(q, Number(displayScale));
  return decValue(shown);
}

/** The exact sum of DECIMAL values (SUM over a DECIMAL column). */
/** A running exact sum: integer units at a scale while they stay below 2^53, else a Dec. */
interface Sum {
  units: number;
  scale: number;
  big: Dec | null;
  seen: boolean;
}

function sumAggregate(): UserAggregate {
  return {
    start: (): Sum => ({ units: 0, scale: 0, big: null, seen: false }),
    step: (state: unknown, v: V) => {
      const sum = state as Sum;
      if (v === null || v === undefined) return sum;
      if (sum.big === null && fastOf(v)) {
        const scale = Math.max(sum.scale, fastScale);
        const total = sum.units * POW10[scale - sum.scale]!;
        const units = total + fastUnits * POW10[scale - fastScale]!;
        if (Number.isSafeInteger(total) && Number.isSafeInteger(units)) {
          sum.units = units;
          sum.scale = scale;
          sum.seen = true;
          return sum;
        }
      }
      const d = decOf(v);
      if (d === null) return sum;
      if (sum.big === null)
        sum.big = sum.seen ? { units: BigInt(sum.units), scale: sum.scale } : null;
      sum.seen = true;
      sum.big = sum.big === null ? d : decAdd(sum.big, d);
      return sum;
    },
    result: (state: unknown) => {
      const sum = state as Sum;
      if (!sum.seen) return null;
      return decValue(sum.big ?? { units: BigInt(sum.units), scale: sum.scale });
    },
  };
}

/** C's rint(): to the nearest integer, a half to the even one. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * ROUND(x, d) and TRUNCATE(x, d) of a DOUBLE, as MariaDB's my_double_round: on x * 10^d in
 * binary, a half to the even neighbour (ROUND(2.5e0) is 2, where ROUND(2.5) is 3).
 */
export function roundDouble(x: number, places: number, truncate: boolean): number {
  const d = Math.max(-400, Math.min(400, Math.trunc(places)));
  const factor = 10 ** Math.abs(d);
  if (d < 0 && !Number.isFinite(factor)) return 0;
  const scaled = d < 0 ? x / factor : x * factor;
  if (d >= 0 && !Number.isFinite(scaled)) return x;
  const whole = truncate ? Math.trunc(scaled) : rint(scaled);
  return d < 0 ? whole * factor : whole / factor;
}

/** A number as MySQL's string context reads it (store-rule.ts, NUMBER_TEXT_FUNCTION). */
function numberText(v: V, form: number): V {
  if (v === null || v instanceof Uint8Array) return v;
  if (form >= 0) {
    if (typeof v === 'number' && !Number.isFinite(v)) return doubleText(v);
    return decimalDisplay(v, form);
  }
  if (typeof v !== 'number') return typeof v === 'bigint' ? String(v) : v;
  return form === NUMBER_TEXT_FLOAT ? floatText(v) : doubleText(v);
}

export function decimalFunctions(): UserFunction[] {
  return [
    {
      name: NUMBER_TEXT_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: (v, form) => numberText(v ?? null, form === null ? NUMBER_TEXT_DOUBLE : Number(form)),
    },
    {
      name: DOUBLE_ROUND_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: (x, d, truncate) => {
        if (x === null || d === null) return null;
        const n = typeof x === 'number' ? x : Number(decText(decOf(x) ?? { units: 0n, scale: 0 }));
        return roundDouble(n, Number(d), truncate === 1 || truncate === 1n);
      },
    },
    {
      name: DECIMAL_ADD_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: binary(decAdd, FAST.add),
    },
    {
      name: DECIMAL_SUBTRACT_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: binary(decSubtract, FAST.sub),
    },
    {
      name: DECIMAL_MULTIPLY_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: binary(decMultiply, FAST.mul),
    },
    {
      name: DECIMAL_DIVIDE_FUNCTION,
      deterministic: true,
      varargs: true,
      fn: (a, b, s, i, d) => divide(a!, b!, s ?? null, i ?? null, d ?? null),
    },
    {
      name: DECIMAL_COMPARE_FUNCTION,
      deterministic: true,
      varargs: true,
      fn: (a, b, nullSafe) => compare(a ?? null, b ?? null, nullSafe === 1),
    },
    {
      name: DECIMAL_SUM_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: () => null,
      aggregate: sumAggregate(),
    },
  ];
}
