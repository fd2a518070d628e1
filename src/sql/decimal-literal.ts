// Numeric literals and DECIMAL columns that a double cannot hold: they bind, inline and are
// stored as their text, which exact DECIMAL arithmetic (engine/decimal.ts) and the
// mysql_decimal collation read without loss.
import type { CastType, DataType } from './ast.js';

const UINT64_MAX = (1n << 64n) - 1n;

/** An integer literal beyond BIGINT UNSIGNED, which MySQL reads as a DECIMAL. */
export function isDecimalInteger(digits: string): boolean {
  return digits.length >= 20 && /^\d+$/.test(digits) && BigInt(digits) > UINT64_MAX;
}

/** Significant digits a double gives back exactly; a longer DECIMAL literal binds as its text. */
const EXACT_DIGITS = 15;

/** Whether a decimal literal's digits are more than a double holds (it binds as text). */
export function isLongDecimal(text: string): boolean {
  const digits = text.replace(/[-+.]/g, '').replace(/^0+/, '');
  return digits.length > EXACT_DIGITS;
}

/**
 * A DECIMAL whose precision a double cannot hold: stored as its digits' text (the store
 * function writes it with the column's scale), compared, ordered and indexed as numbers by the
 * `mysql_decimal` collation (docs/design/sql.md, "Exact DECIMAL").
 */
export function isTextDecimal(type: DataType | CastType): boolean {
  return type.name === 'DECIMAL' && (type.length ?? 10) > EXACT_DIGITS;
}
