// Checked arithmetic and the unsigned 64-bit range, as SQLite user functions. SQLite's `+`, `-`
// and `*` turn an integer overflow into a REAL (9223372036854775807 + 1 is 9.2e18) and have no
// unsigned integers; MariaDB fails with 1690 and computes BIGINT UNSIGNED up to 2^64 − 1. The
// emitter sends an operation here only when the operands' types do not rule an overflow out
// (`k + 1` on an INT column stays SQLite's), so the hot path pays nothing.
//
// An unsigned value above 2^63 − 1 cannot be a SQLite INTEGER: it is carried as the TEXT of its
// digits, and the result column's UNSIGNED LONGLONG type prints it (metadata.ts). It is read back
// as a number only where the emitter knows the expression is unsigned (the operand's flag), so a
// string column holding digits stays a string. See docs/design/sql.md, "Integer range".
import type { SqlValue } from '../codec/index.js';
import {
  ARITHMETIC_FUNCTION,
  CAST_SIGNED_FUNCTION,
  CAST_UNSIGNED_FUNCTION,
  DOUBLE_MATH_FUNCTION,
  NEGATE_FUNCTION,
} from '../sql/index.js';
import { ValueRefusal, type UserFunction } from '../storage/index.js';
import { doubleText } from '../mysql/index.js';
import { rint } from './decimal.js';
import { mysqlError, refusedWith } from './errors.js';
import { report } from './expression-warnings.js';

type V = SqlValue;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * How an operand's value is read: `i` signed (a TEXT is a string), `u` unsigned (a TEXT is the
 * digits of a value above 2^63 − 1, a negative INTEGER a bit pattern such as ~0's), `l` a long
 * integer literal (a bound INTEGER is signed, a TEXT an unsigned value above 2^63 − 1), `d` a
 * DECIMAL or a double (never an integer overflow: SUM(int) * 2 is a DECIMAL in MariaDB).
 */
type Flag = 'i' | 'u' | 'l' | 'd';

/** The emitter's constant argument: the operator, each operand's flag, and how to print them. */
interface Spec {
  readonly op: '+' | '-' | '*';
  readonly flags: readonly [Flag, Flag];
  /** Each operand as MariaDB prints it in the 1690 message; null prints its value. */
  readonly texts: readonly [string | null, string | null];
}

const specs = new Map<string, Spec>();
const SPECS_MAX = 10_000;

function specOf(text: V): Spec {
  const key = String(text);
  let spec = specs.get(key);
  if (spec === undefined) {
    const [op, left, right, leftText, rightText] = JSON.parse(key) as [
      Spec['op'],
      Flag,
      Flag,
      string | null,
      string | null,
    ];
    spec = { op, flags: [left, right], texts: [leftText, rightText] };
    if (specs.size >= SPECS_MAX) specs.clear();
    specs.set(key, spec);
  }
  return spec;
}

/** An operand as a number: an exact integer (and whether it is unsigned), or a double. */
type Operand =
  | { readonly kind: 'int'; readonly value: bigint; readonly unsigned: boolean }
  | { readonly kind: 'float'; readonly value: number };

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DOUBLE_PREFIX = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

function operand(v: Exclude<V, null>, flag: Flag): Operand {
  if (flag === 'd') {
    const x = operand(v, 'i');
    return x.kind === 'float' ? x : { kind: 'float', value: Number(x.value) };
  }
  if (typeof v === 'bigint') {
    if (flag === 'u' && v < 0n) return { kind: 'int', value: v + (1n << 64n), unsigned: true };
    return { kind: 'int', value: v, unsigned: flag === 'u' };
  }
  if (typeof v === 'number') return { kind: 'float', value: v };
  const text = typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
  if (INTEGER_TEXT.test(text)) {
    const n = BigInt(text.trim());
    if (flag !== 'i' && n >= 0n && n <= UINT64_MAX)
      return { kind: 'int', value: n, unsigned: true };
    // As SQLite reads a string in arithmetic: an integer if it fits, else a double.
    if (n >= INT64_MIN && n <= INT64_MAX) return { kind: 'int', value: n, unsigned: false };
  }
  const m = DOUBLE_PREFIX.exec(text);
  return { kind: 'float', value: m === null ? 0 : Number(m[0]) };
}

/** An integer result as SQLite carries it: an INTEGER, or the digits above 2^63 − 1. */
export function carried(n: bigint): V {
  return n > INT64_MAX ? n.toString() : n;
}

function outOfRange(type: string, spec: Spec, values: readonly V[]): never {
  const printed = spec.texts.map((t, i) => t ?? printValue(values[i]!, spec.flags[i]!));
  const text = `${printed[0]} ${spec.op} ${printed[1]}`;
  throw new ValueRefusal(
    refusedWith(mysqlError(1690, '22003', `${type} value is out of range in '${text}'`)),
  );
}

function printValue(v: V, flag: Flag): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint' && flag === 'u' && v < 0n) return String(v + (1n << 64n));
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Uint8Array) return `'${Buffer.from(v).toString('utf8')}'`;
  return typeof v === 'number' ? doubleText(v) : String(v);
}

/** `l op r` with MariaDB's overflow checks: 1690 past BIGINT, BIGINT UNSIGNED or DOUBLE. */
export function arithmetic(l: V, r: V, specText: V): V {
  if (l === null || r === null) return null;
  const spec = specOf(specText);
  const a = operand(l, spec.flags[0]);
  const b = operand(r, spec.flags[1]);
  if (a.kind === 'int' && b.kind === 'int') {
    const n =
      spec.op === '+' ? a.value + b.value : spec.op === '-' ? a.value - b.value : a.value * b.value;
    // MariaDB: unsigned when either operand is (NO_UNSIGNED_SUBTRACTION is not modelled).
    if (a.unsigned || b.unsigned) {
      if (n < 0n || n > UINT64_MAX) outOfRange('BIGINT UNSIGNED', spec, [l, r]);
    } else if (n < INT64_MIN || n > INT64_MAX) outOfRange('BIGINT', spec, [l, r]);
    return carried(n);
  }
  const x = Number(a.value);
  const y = Number(b.value);
  const n = spec.op === '+' ? x + y : spec.op === '-' ? x - y : x * y;
  if (!Number.isFinite(n)) outOfRange('DOUBLE', spec, [l, r]);
  return n;
}

/** `-x` of a long integer literal: -9223372036854775808 is BIGINT's least value, exactly. */
function negate(v: V): V {
  if (v === null) return null;
  const a = operand(v, 'l');
  if (a.kind === 'float') return -a.value;
  const n = -a.value;
  if (n > INT64_MAX)
    throw new ValueRefusal(
      refusedWith(mysqlError(1690, '22003', `BIGINT value is out of range in '-(${a.value})'`)),
    );
  // Below BIGINT's range MariaDB's value is a DECIMAL; here a double.
  return n < INT64_MIN ? Number(n) : n;
}

/**
 * CAST(x AS UNSIGNED): a negative integer is its two's complement (with MariaDB's Note 1105), a
 * string its integer prefix (1292 for the rest), a double rounded half to even and clamped
 * (Note 1916).
 */
function castUnsigned(v: V): V {
  if (v === null) return null;
  if (typeof v === 'number') return unsignedOfDouble(v, doubleText(v));
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else {
    const text = typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
    const m = /^[ \t\n\r]*([+-]?\d+)/.exec(text);
    if (m === null || m[0].length < text.trimEnd().length)
      report('Warning', 1292, '22007', `Truncated incorrect INTEGER value: '${text}'`);
    if (m === null) return 0n;
    n = BigInt(m[1]!);
    if (n > UINT64_MAX) {
      report(
        'Warning',
        1916,
        '22003',
        `Got overflow when converting '${text}' to INT. Value truncated`,
      );
      return UINT64_MAX.toString();
    }
  }
  if (n < 0n) {
    report(
      'Note',
      1105,
      'HY000',
      "Cast to unsigned converted negative integer to it's positive complement",
    );
    return carried(BigInt.asUintN(64, n));
  }
  return carried(n);
}

/** A double as MariaDB casts it to BIGINT UNSIGNED: rint, clamped with Note 1916 below 0 and above. */
function unsignedOfDouble(x: number, text: string): V {
  const rounded = rint(x);
  if (rounded < 0) {
    report(
      'Note',
      1916,
      '22003',
      `Got overflow when converting '${text}' to UNSIGNED BIGINT. Value truncated`,
    );
    return 0n;
  }
  if (!Number.isFinite(rounded) || rounded >= 2 ** 64) {
    report(
      'Note',
      1916,
      '22003',
      `Got overflow when converting '${text}' to UNSIGNED BIGINT. Value truncated`,
    );
    return UINT64_MAX.toString();
  }
  return carried(BigInt(rounded));
}

/**
 * CAST(x AS SIGNED) of an unsigned value: its bit pattern as a signed 64-bit integer. Of a
 * double: rounded half away from zero, clamped to BIGINT with MariaDB's Note 1916.
 */
function castSigned(v: V): V {
  if (v === null) return null;
  const a = operand(v, 'u');
  if (a.kind === 'float') {
    const x = rint(a.value);
    if (x < 2 ** 63 && x >= -(2 ** 63)) return BigInt(x);
    report(
      'Note',
      1916,
      '22003',
      `Got overflow when converting '${doubleText(a.value)}' to SIGNED BIGINT. Value truncated`,
    );
    return x > 0 ? INT64_MAX : INT64_MIN;
  }
  return BigInt.asIntN(64, a.value);
}

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** An argument as SQLite's math functions read it: a number, or NULL for anything else. */
function mathOperand(v: V): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMBER_TEXT.test(v)) return Number(v);
  return null;
}

/**
 * EXP(x), POW(x, y), COT(x) and a DOUBLE's x / y by `name` (as MariaDB prints it, or '/'), with
 * each argument's text (`texts`, JSON; null for a bound value): 1690 where the result is not a
 * finite DOUBLE. A divisor of 0 came as NULL (the divisor function warned).
 */
function doubleMath(name: V, texts: V, args: readonly V[]): V {
  const binary = name === 'pow' || name === '/';
  const x = mathOperand(args[0] ?? null);
  const y = mathOperand(args[1] ?? null);
  if (x === null || (binary && y === null)) return null;
  let n: number;
  if (name === 'exp') n = Math.exp(x);
  else if (name === 'pow') n = Math.pow(x, y!);
  else if (name === '/') n = x / y!;
  else if (name === 'cot') n = 1 / Math.tan(x);
  else return null;
  if (Number.isFinite(n)) return n;
  const printed = (JSON.parse(String(texts)) as (string | null)[]).map(
    (t, i) => t ?? printValue(args[i]!, 'i'),
  );
  const text = name === '/' ? printed.join(' / ') : `${name}(${printed.join(',')})`;
  throw new ValueRefusal(
    refusedWith(mysqlError(1690, '22003', `DOUBLE value is out of range in '${text}'`)),
  );
}

/** The functions above, ready for Store.open. */
export function arithmeticFunctions(): UserFunction[] {
  return [
    {
      name: ARITHMETIC_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: (l, r, spec) => arithmetic(l!, r!, spec!),
    },
    { name: NEGATE_FUNCTION, deterministic: true, varargs: false, fn: (v) => negate(v!) },
    {
      name: DOUBLE_MATH_FUNCTION,
      deterministic: true,
      varargs: true,
      fn: (name, texts, ...args) => doubleMath(name!, texts!, args),
    },
    // They warn per row, as MariaDB does: not deterministic, so never computed once for all.
    {
      name: CAST_UNSIGNED_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (v) => castUnsigned(v!),
    },
    { name: CAST_SIGNED_FUNCTION, deterministic: true, varargs: false, fn: (v) => castSigned(v!) },
  ];
}
