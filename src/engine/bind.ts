// Binding values to a translation's `?`s: statement literals, client parameters, session values
// and (for rewritten INSERTs) extra slots, converted to what SQLite binds exactly.
import { escapedBytes, mayHoldEscapedBytes, type SqlValue as StoreValue } from '../codec/index.js';
import type { SqlValue } from '../mysql/index.js';
import type { Bind, DmlTranslation, Expr, Prepared, SessionValues } from '../sql/index.js';

type SlotValue = SqlValue | Buffer | undefined;

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** The slot values of a prepared statement with the client's parameters filled in. */
export function slotValues(prepared: Prepared, params: readonly SqlValue[]): SlotValue[] {
  const slots: SlotValue[] = prepared.slotValues.slice();
  prepared.markerSlots.forEach((slot, i) => (slots[slot] = params[i] ?? null));
  return slots;
}

/**
 * A value as SQLite should bind it: integers as bigint (better-sqlite3 binds numbers as REAL),
 * except doubles beyond 2^53 (1e300), which stay REAL.
 */
export function toStore(value: SlotValue): StoreValue {
  if (value === undefined || value === null) return null;
  // A literal with bytes that were not UTF-8 (mysql/packet-buffer.ts, statementTextDecode):
  // its bytes as they were sent.
  if (typeof value === 'string' && mayHoldEscapedBytes(value)) return escapedBytes(value) ?? value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  // A BIGINT UNSIGNED value above SQLite's INTEGER is carried as its digits (arithmetic.ts).
  if (typeof value === 'bigint' && value > INT64_MAX && value <= UINT64_MAX)
    return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.length);
  return value;
}

export function bindAll(
  translation: DmlTranslation,
  slots: readonly SlotValue[],
  session: SessionValues,
): StoreValue[] {
  return translation.binds.map((b: Bind) => {
    switch (b.kind) {
      case 'slot':
        return toStore(slots[b.slot]);
      case 'session':
        return toStore(session.session(b.name) as SqlValue);
      case 'system_var':
        return toStore(session.systemVariable(b.name, b.scope) as SqlValue);
      case 'user_var':
        return toStore(session.userVariable(b.name) as SqlValue);
    }
  });
}

/** The value of a literal or parameter expression; undefined for anything else. */
export function exprValue(
  e: Expr,
  slots: readonly (SqlValue | Buffer | undefined)[],
): SqlValue | undefined {
  if (e.kind === 'param') return (slots[e.slot] ?? null) as SqlValue;
  if (e.kind === 'literal') {
    if (e.type === 'null') return null;
    if (e.type === 'bool') return e.value === 'TRUE' ? 1 : 0;
    if (e.slot !== null) return (slots[e.slot] ?? null) as SqlValue;
    return e.value;
  }
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'literal') {
    const v = exprValue(e.operand, slots);
    if (typeof v === 'number') return -v;
    if (typeof v === 'bigint') return -v;
    return undefined;
  }
  return undefined;
}
