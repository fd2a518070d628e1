// Normalization: a statement's text with every literal replaced by `?` (`'?'` for a string) is
// the cache key, so `… WHERE id=5` and `… WHERE id=7` share one parse and one translation. The literal values
// become the values of their slots.
import { textBytes } from '../codec/index.js';
import { isDecimalInteger, isLongDecimal } from './decimal-literal.js';
import type { Result } from './errors.js';
import type { ParseModes } from './parse-modes.js';
import { LITERAL_TYPES, type Token, tokenize } from './tokenizer.js';

/** A bound integer literal shorter than this keys apart from longer ones (see literalKey). */
export const SHORT_INTEGER_LITERAL_LENGTH = 16;

/** A value bound to SQLite for one slot. */
export type SqlValue = string | number | bigint | Buffer | null;

export interface Normalized {
  readonly sql: string;
  readonly tokens: readonly Token[];
  /** The text with literals replaced by `?`, whitespace and comments kept as written. */
  readonly key: string;
  /** Slot → its token (a literal or a `?` marker). */
  readonly slotTokens: readonly Token[];
}

const DML_FIRST_WORDS: ReadonlySet<string> = new Set([
  'SELECT',
  'INSERT',
  'REPLACE',
  'UPDATE',
  'DELETE',
]);

/** DML is cached by normalized text; other statements by their exact text (their AST holds values). */
export function isTemplateStatement(tokens: readonly Token[]): boolean {
  const first = tokens[0];
  if (first === undefined) return false;
  return (
    (first.type === 'word' && DML_FIRST_WORDS.has(first.upper)) ||
    (first.type === 'op' && first.text === '(')
  );
}

/** What a literal of each type is replaced by in a template's key. */
const LITERAL_KEYS: Readonly<Record<string, string>> = {
  string: "'?'",
  int: '?',
  decimal: '?.?',
  float: '?e?',
  hex: "x'?'",
  bit: "b'?'",
};

/**
 * Integer literals key apart by their length class (at most 4, 9, 15 digits, or longer): the
 * emitter bounds a bound literal's digits by its class, so `v * 31` on an INT column is known
 * not to overflow and stays SQLite's operator, and a longer one may be unsigned (above
 * 2^63 − 1). None keys as a `?` marker does: a prepared `status = ?` and a text `status = 2`
 * must not share a translation (an ENUM compares with the number 2 by its index, with a
 * parameter as SQLite does). U+0001…U+0005 cannot appear in SQL text outside a string (the
 * tokenizer refuses them).
 */
function literalKey(t: Token): string {
  if (t.type !== 'int') return LITERAL_KEYS[t.type]!;
  const digits = integerLiteralDigits(t.text);
  // Beyond BIGINT UNSIGNED an integer literal is a DECIMAL (decimal-literal.ts): its own key.
  if (isDecimalInteger(t.text)) return '?\u0004';
  return digits === 4
    ? '?\u0005'
    : digits === 9
      ? '?\u0002'
      : digits === 15
        ? '?\u0003'
        : '?\u0001';
}

/** The most digits a bound integer literal of this text's class has (20: any 64-bit value). */
export function integerLiteralDigits(text: string): number {
  if (text.length <= 4) return 4;
  if (text.length <= 9) return 9;
  return text.length < SHORT_INTEGER_LITERAL_LENGTH ? 15 : 20;
}

/**
 * The template key of a statement read under `modes`. Modes other than the default start the
 * key with their bits, so that a session in ANSI_QUOTES never finds the parse of another's.
 */
export function normalize(sql: string, modes: ParseModes = 0): Result<Normalized> {
  const tokenized = tokenize(sql, modes);
  if (!tokenized.ok) return tokenized;
  const tokens = tokenized.value;
  const slotTokens: Token[] = [];
  const template = isTemplateStatement(tokens);
  let key = modes === 0 ? '' : `\u0001${modes}\u0001`;
  if (!template) key += '\u0000' + sql;
  let copied = 0;
  for (const t of tokens) {
    if (t.type === 'param') slotTokens.push(t);
    else if (LITERAL_TYPES.has(t.type)) {
      slotTokens.push(t);
      if (template) {
        // Each kind of literal keys apart: the emitter compares '10' = 10 as numbers but 10 = 10
        // plainly, reads 0x10 as 16 in arithmetic, types 1.5 as a DECIMAL and 1 as an INT, so
        // each needs its own template (docs/design/sql.md).
        key += sql.slice(copied, t.start) + literalKey(t);
        copied = t.end;
      }
    }
  }
  if (template) key += sql.slice(copied);
  return { ok: true, value: { sql, tokens, key, slotTokens } };
}

/**
 * A bit literal's bytes as hex digits: b'1000001' is 41, b'1' 01, b'' none. MariaDB reads a bit
 * literal as a hex one, a binary string that is a number only in a numeric context.
 */
export function bitLiteralHex(bits: string): string {
  if (bits === '') return '';
  const bytes = Math.ceil(bits.length / 8);
  return BigInt('0b' + bits)
    .toString(16)
    .padStart(bytes * 2, '0');
}

/** The value a literal token binds as; undefined for a `?` marker (the client supplies it). */
export function literalValue(t: Token): SqlValue | undefined {
  switch (t.type) {
    case 'string':
      return t.extra === 'binary' ? textBytes(t.text) : t.text;
    case 'int': {
      if (t.text.length < SHORT_INTEGER_LITERAL_LENGTH) return Number(t.text);
      // Beyond BIGINT UNSIGNED MySQL reads it as a DECIMAL: its text, read exactly.
      if (isDecimalInteger(t.text)) return t.text;
      // Exact: a BIGINT UNSIGNED value above 2^63 − 1 binds as its digits (engine/bind.ts).
      return BigInt(t.text);
    }
    case 'decimal':
      // More digits than a double holds: the text, which DECIMAL arithmetic reads exactly.
      return isLongDecimal(t.text) ? t.text : Number(t.text);
    case 'float':
      return Number(t.text);
    case 'hex':
      return Buffer.from(t.text, 'hex');
    case 'bit':
      return Buffer.from(bitLiteralHex(t.text), 'hex');
    default:
      return undefined;
  }
}
