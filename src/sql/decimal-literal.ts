// Numeric literals that a double cannot hold: they bind and inline as their text, which exact
// DECIMAL arithmetic (engine/decimal.ts) and DECIMAL columns read without loss.

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
