// Values on their way into a row, checked and converted as MySQL does per sql_mode. The emitter
// wraps every value an INSERT/UPDATE/REPLACE/upsert writes in STORE_VALUE_FUNCTION with the
// column's rule (sql/store-rule.ts); this module is that function. In strict mode (or for what
// MySQL always refuses) a bad value fails the statement with MySQL's error; otherwise it becomes
// MySQL's adjusted value and a warning. It runs on the origin before the write-set is built, so
// the row images that replicate hold the converted values and replicas never see a bad one.
// See docs/design/engine.md, "Values on write".
import { invalidUtf8At, utf8SequenceLength, type SqlValue } from '../codec/index.js';
import type { ErrorResult } from '../mysql/index.js';
import { assert } from '../core/assert.js';
import {
  CHANGED_FUNCTION,
  PROBE_FUNCTION,
  ROW_OF_FUNCTION,
  SINGLE_VALUE_FUNCTION,
  STORE_VALUE_FUNCTION,
  UNCHANGED_FUNCTION,
  storeRuleById,
  type DataType,
  type StoreRule,
} from '../sql/index.js';
import { ValueRefusal, type UserFunction } from '../storage/index.js';
import { mysqlError, refusedWith } from './errors.js';
import {
  closeProbe,
  type ExpressionSink,
  type ExpressionWarning,
  openProbe,
  warningsOf,
  withExpressionSink,
} from './expression-warnings.js';

type V = SqlValue;

/** A warning of a write: the store function's and its expressions' are one list. */
export type WriteWarning = ExpressionWarning;

/** The sql_mode flags the write path (and the read's checks) read. */
export interface WriteModes {
  /** ONLY_FULL_GROUP_BY: a selected column outside GROUP BY and aggregates is 1055. */
  readonly onlyFullGroupBy: boolean;
  readonly strict: boolean;
  readonly noZeroDate: boolean;
  readonly noZeroInDate: boolean;
  /** ERROR_FOR_DIVISION_BY_ZERO: a division by zero warns (fails a strict write). */
  readonly divisionWarns: boolean;
}

/** Parses @@sql_mode (TRADITIONAL and the other combination modes expanded). */
export function writeModes(sqlMode: string): WriteModes {
  const flags = new Set(sqlMode.toUpperCase().split(',').filter(Boolean));
  const traditional = flags.has('TRADITIONAL');
  return {
    onlyFullGroupBy: flags.has('ONLY_FULL_GROUP_BY'),
    strict: traditional || flags.has('STRICT_TRANS_TABLES') || flags.has('STRICT_ALL_TABLES'),
    noZeroDate: traditional || flags.has('NO_ZERO_DATE'),
    noZeroInDate: traditional || flags.has('NO_ZERO_IN_DATE'),
    divisionWarns: traditional || flags.has('ERROR_FOR_DIVISION_BY_ZERO'),
  };
}

/**
 * A temporal column's literal DEFAULT as its rows store it (DdlOptions.temporalDefault): the
 * conversion a written value gets, or null when the text is no value of the type (kept as
 * written).
 */
export function temporalDefault(type: DataType, text: string): string | null {
  const rule: StoreRule = {
    db: '',
    table: '',
    column: '',
    type: type.name,
    length: type.length,
    scale: type.scale,
    unsigned: false,
    values: [],
    notNull: false,
  };
  const converted = convert(text, { rule, row: 1, compiled: compile(rule) }, writeModes(''));
  return 'value' in converted && typeof converted.value === 'string' ? converted.value : null;
}

/** One write statement's checking: its modes, and what the store function reported. */
export class WriteCheck implements ExpressionSink {
  readonly warnings: WriteWarning[] = [];
  /** The error that failed the statement, when the store function refused a value. */
  error: ErrorResult | null = null;
  /** The row being written, for statements whose rows the function counts. */
  row = 0;
  /** The rows an UPDATE's changed-rows guard saw: its matched rows (store-rule.ts). */
  matched = 0;
  /** The rows it found changed, when every matched row is written (CHANGED_FUNCTION). */
  changed = 0;
  /** The number the guard gave each row it counted, by rowid (ROW_OF_FUNCTION), past the first. */
  rowOf: Map<V, number> | null = null;
  /** The rowid of row 1 (a point write counts one row: no map). */
  firstRowid: V = null;

  constructor(
    readonly modes: WriteModes,
    /** INSERT IGNORE / UPDATE IGNORE: errors become warnings. */
    readonly ignore: boolean,
    /** A single-row INSERT … VALUES: a NULL into NOT NULL is an error in every mode. */
    readonly singleRow: boolean,
    /** A DELETE: its expressions' warnings stay warnings in strict mode, as in MariaDB. */
    readonly deleting = false,
  ) {}

  /** Whether a bad value fails the statement (else: adjusted value and a warning). */
  get refuses(): boolean {
    return this.modes.strict && !this.ignore;
  }

  get refusesWarnings(): boolean {
    return this.refuses && !this.deleting;
  }

  get divisionWarns(): boolean {
    return this.modes.divisionWarns;
  }
}

// better-sqlite3 runs a statement synchronously, so the check of the statement that is running
// is the only one: it is set just before and cleared just after.
let active: WriteCheck | null = null;

/** Runs `fn` (one SQLite statement) with `check` receiving the store function's reports. */
export function withWriteCheck<T>(check: WriteCheck, fn: () => T): T {
  const outer = active;
  active = check;
  try {
    return withExpressionSink(check, fn);
  } finally {
    active = outer;
  }
}

/** The store function, ready for Store.open. */
export function storeValueFunction(): UserFunction {
  return {
    name: STORE_VALUE_FUNCTION,
    deterministic: false,
    varargs: true,
    fn: (...args: V[]) =>
      storeValue(args[0] ?? null, args[1] ?? null, args[2] ?? 0n, args[3] === 1n),
  };
}

/**
 * The changed-rows guard's two functions (store-rule.ts, UNCHANGED_FUNCTION): `mysql_probe(first)`
 * counts the row when `first` and holds the warnings of the value computed next;
 * `mysql_unchanged(probe, current, next, affinity)` answers 1 when `next`, stored under the
 * column's SQLite `affinity`, is `current`. Its held warnings then join the statement's (the row
 * is not written, so its SET does not give them again); a changed row's SET gives them itself.
 */
export function changedGuardFunctions(): UserFunction[] {
  return [
    {
      name: PROBE_FUNCTION,
      deterministic: false,
      varargs: true,
      // `first`: 1 counts the row and opens the probe, 0 opens it, 2 counts the row only.
      fn: (first: V, rowid: V = null) => {
        const how = Number(first);
        if (how !== 0 && active !== null) {
          active.row++;
          active.matched++;
          if (rowid !== null && active.row === 1) active.firstRowid = rowid;
          else if (rowid !== null) (active.rowOf ??= new Map()).set(rowid, active.row);
        }
        if (how !== 2) openProbe();
        return null;
      },
    },
    {
      name: ROW_OF_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (rowid: V) => {
        if (active === null) return 1;
        if (rowid !== null && rowid === active.firstRowid) return 1;
        return active.rowOf?.get(rowid) ?? Math.max(active.row, 1);
      },
    },
    {
      name: UNCHANGED_FUNCTION,
      deterministic: false,
      varargs: true,
      // `keep` 0: the held warnings are dropped (every row's SET runs: CHANGED_FUNCTION).
      fn: (_probe: V, current: V, next: V, affinity: V, keep: V = 1n) => {
        const held = closeProbe();
        if (!sameStored(current, next, String(affinity))) return 0n;
        if (held.length > 0 && active !== null && Number(keep) !== 0) active.warnings.push(...held);
        return 1n;
      },
    },
    {
      name: CHANGED_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (changed: V) => {
        if (active !== null && changed !== null && Number(changed) !== 0) active.changed++;
        return 1n;
      },
    },
  ];
}

// A text SQLite's numeric affinities turn into a number (sqlite3AtoF's well-formed forms).
const NUMERIC_TEXT = /^[ \t\n\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\f\r]*$/;

/**
 * Whether `next`, written into a column of SQLite `affinity`, would be stored as `current` is:
 * the same type and the same bytes or number. When in doubt, not the same (the row is written,
 * as every matched row once was).
 */
export function sameStored(current: V, next: V, affinity: string): boolean {
  if (current === null || next === null) return current === next;
  let value: V = next;
  if (affinity === 'INTEGER' || affinity === 'NUMERIC' || affinity === 'REAL') {
    if (typeof value === 'string' && NUMERIC_TEXT.test(value)) {
      const trimmed = value.trim();
      value = /^[+-]?\d+$/.test(trimmed) ? BigInt(trimmed) : Number(trimmed);
    }
  } else if (affinity === 'TEXT' && (typeof value === 'bigint' || typeof value === 'number')) {
    if (typeof value === 'number' && !Number.isInteger(value)) return false;
    value = String(value);
  }
  if (typeof current === 'string' || typeof value === 'string') return current === value;
  if (current instanceof Uint8Array || value instanceof Uint8Array) {
    return (
      current instanceof Uint8Array &&
      value instanceof Uint8Array &&
      Buffer.from(current).equals(Buffer.from(value))
    );
  }
  if (typeof current === typeof value) return current === value;
  // A number and a bigint: equal as numbers (a REAL 2.0 is stored as INTEGER 2 under INTEGER
  // and NUMERIC affinity).
  const n = typeof current === 'number' ? current : (value as number);
  const big = typeof current === 'bigint' ? current : (value as bigint);
  return Number.isSafeInteger(n) && BigInt(n) === big;
}

/** A rule with what its checks need computed once. */
interface Compiled {
  readonly rule: StoreRule;
  readonly kind: Kind;
  /** An integer type's range. */
  readonly min: bigint;
  readonly max: bigint;
}

/**
 * The aggregate a plain scalar subquery reads its item through: the one value (NULL for no
 * row), and ER_SUBQUERY_NO_1_ROW for a second row, as MySQL answers `(SELECT x FROM t)` over
 * two rows. Registered beside the store function.
 */
export function singleValueFunction(): UserFunction {
  interface Seen {
    rows: number;
    value: V;
  }
  return {
    name: SINGLE_VALUE_FUNCTION,
    deterministic: true,
    varargs: false,
    fn: () => null,
    aggregate: {
      start: (): Seen => ({ rows: 0, value: null }),
      step: (state, value) => {
        const seen = state as Seen;
        if (++seen.rows > 1)
          throw new ValueRefusal(
            refusedWith(mysqlError(1242, '21000', 'Subquery returns more than 1 row')),
          );
        seen.value = value ?? null;
        return seen;
      },
      result: (state) => (state as Seen).value,
    },
  };
}

const byId: Compiled[] = [];
const byText = new Map<string, Compiled>();
const TEXT_RULES_MAX = 10_000;

function compile(rule: StoreRule): Compiled {
  const kind = kindOf(rule.type);
  const [min, max] = kind === 'int' ? integerRange(rule) : [0n, 0n];
  return { rule, kind, min, max };
}

/** The rule an emitted statement names: a registered number, or JSON text past the registry. */
function ruleOf(arg: V): Compiled {
  if (typeof arg === 'bigint' || typeof arg === 'number') {
    const id = Number(arg);
    let compiled = byId[id];
    if (compiled === undefined) {
      const rule = storeRuleById(id);
      assert(rule !== undefined, `store rule ${id} is not registered`);
      compiled = compile(rule);
      byId[id] = compiled;
    }
    return compiled;
  }
  const text = String(arg);
  let compiled = byText.get(text);
  if (compiled === undefined) {
    compiled = compile(JSON.parse(text) as StoreRule);
    if (byText.size >= TEXT_RULES_MAX) byText.clear();
    byText.set(text, compiled);
  }
  return compiled;
}

/** A statement-level problem found while converting one value. */
interface Problem {
  /** What MySQL does in strict mode: fail with this error… */
  readonly error: ErrorResult;
  /** …and otherwise store this value with a warning of this code. */
  readonly adjusted: V;
  readonly warningCode: number;
  /** Notes are given in every mode and never fail the statement. */
  readonly note?: boolean;
  /** MySQL refuses it in every mode (IGNORE too). */
  readonly always?: boolean;
  /** A note MySQL gives before the error or warning (json_valid's syntax error). */
  readonly before?: WriteWarning;
}

/** Either the value to store, or a problem with it. */
type Converted = { readonly value: V } | Problem;

/**
 * The store function: `value` for the column of `ruleText` in row `rowArg` (see the emitter's
 * `value`); `missing` when the statement gave the column no value.
 */
function storeValue(value: V, ruleText: V, rowArg: V, missing: boolean): V {
  const check = active ?? new WriteCheck(writeModes('STRICT_ALL_TABLES'), false, true);
  const compiled = ruleOf(ruleText);
  const rule = compiled.rule;
  const rowGiven = Number(rowArg);
  if (rowGiven === -1) check.row++;
  const row = rowGiven > 0 ? rowGiven : Math.max(check.row, 1);
  const at: Where = { rule, row, compiled };
  const converted =
    value !== null
      ? convert(value, at, check.modes)
      : missing
        ? missingValue(at)
        : nullValue(at, check);
  if ('value' in converted) return storable(converted.value, at, check);
  const warnings = warningsOf(check.warnings);
  if (converted.before !== undefined) warnings.push(converted.before);
  if (converted.note === true) {
    warnings.push({
      level: 'Note',
      code: converted.warningCode,
      message: messageOf(converted),
    });
    return storable(converted.adjusted, at, check);
  }
  if (converted.always === true || check.refuses) {
    check.error = converted.error;
    throw new ValueRefusal(refusedWith(converted.error));
  }
  warnings.push({
    level: 'Warning',
    code: converted.warningCode,
    message:
      converted.warningCode === converted.error.code
        ? converted.error.message
        : messageOf(converted),
  });
  return storable(converted.adjusted, at, check);
}

/**
 * SQLite's INTEGER is signed 64-bit: a BIGINT UNSIGNED value above 2^63 − 1 (converted to its
 * digits) would be stored as a rounded REAL. It is refused in every sql_mode instead, with
 * 1235 naming the limit: a known difference (docs/design/sql.md, "Integer range").
 */
function storable(value: V, at: Where, check: WriteCheck): V {
  if (at.compiled.kind !== 'int' || typeof value !== 'string') return value;
  check.error = unsignedAboveSigned(at.rule.column, at.row);
  throw new ValueRefusal(refusedWith(check.error));
}

/** 1235 for a BIGINT UNSIGNED value above 2^63 − 1 in `column` at `row` (storable). */
export function unsignedAboveSigned(column: string, row: number): ErrorResult {
  return mysqlError(
    1235,
    '42000',
    `This version of MariaDB doesn't yet support 'BIGINT UNSIGNED values above 9223372036854775807 (column '${column}' at row ${row})'`,
  );
}

function messageOf(problem: Problem): string {
  if (problem.warningCode === problem.error.code) return problem.error.message;
  return problem.error.message.replace(/^.*? for column /, 'Data truncated for column ');
}

interface Where {
  readonly rule: StoreRule;
  readonly row: number;
  readonly compiled: Compiled;
}

// ------------------------------------------------------------------------------- errors

const quoted = (at: Where): string => `'${at.rule.column}' at row ${at.row}`;
const qualified = (at: Where): string =>
  `\`${at.rule.db}\`.\`${at.rule.table}\`.\`${at.rule.column}\` at row ${at.row}`;

const outOfRange = (at: Where, adjusted: V): Problem => ({
  error: mysqlError(1264, '22003', `Out of range value for column ${quoted(at)}`),
  adjusted,
  warningCode: 1264,
});

const truncated = (at: Where, adjusted: V, note = false): Problem => ({
  error: mysqlError(1265, '01000', `Data truncated for column ${quoted(at)}`),
  adjusted,
  warningCode: 1265,
  note,
});

const tooLong = (at: Where, adjusted: V): Problem => ({
  error: mysqlError(1406, '22001', `Data too long for column ${quoted(at)}`),
  adjusted,
  warningCode: 1265,
});

const incorrect = (
  at: Where,
  kind: string,
  text: string,
  adjusted: V,
  warningCode = 1366,
): Problem => ({
  error: mysqlError(
    1366,
    '22007', // MariaDB's SQLSTATE for it (JDBC maps 22xxx to SQLDataException)
    `Incorrect ${kind} value: '${text}' for column ${qualified(at)}`,
  ),
  adjusted,
  warningCode,
});

const badTemporal = (
  at: Where,
  kind: string,
  text: string,
  adjusted: V,
  warningCode: number,
): Problem => ({
  error: mysqlError(
    1292,
    '22007',
    `Incorrect ${kind} value: '${text}' for column ${qualified(at)}`,
  ),
  adjusted,
  warningCode,
});

function nullValue(at: Where, check: WriteCheck): Converted {
  if (!at.rule.notNull) return { value: null };
  const error = mysqlError(1048, '23000', `Column '${at.rule.column}' cannot be null`);
  return {
    error,
    adjusted: implicitDefault(at.rule),
    warningCode: 1048,
    always: check.singleRow && !check.ignore,
  };
}

/**
 * A NOT NULL column the statement gave no value and whose definition has no DEFAULT: an ENUM
 * takes its first member, as MariaDB's (its implicit default); any other type has none (1364).
 */
function missingValue(at: Where): Converted {
  const first = at.rule.values[0];
  if (kindOf(at.rule.type) === 'enum' && first !== undefined) return { value: first };
  return noDefault(at);
}

function noDefault(at: Where): Problem {
  return {
    error: mysqlError(1364, 'HY000', `Field '${at.rule.column}' doesn't have a default value`),
    adjusted: implicitDefault(at.rule),
    warningCode: 1364,
  };
}

/** The value MySQL stores for a NOT NULL column given NULL outside strict mode. */
function implicitDefault(rule: StoreRule): V {
  switch (kindOf(rule.type)) {
    case 'int':
    case 'bit':
    case 'year':
      return 0n;
    case 'decimal':
      return decimalText({ negative: false, int: '0', frac: '' }, rule.scale ?? 0);
    case 'float':
      return 0;
    case 'date':
      return '0000-00-00';
    case 'datetime':
      return zeroDatetime(rule);
    case 'time':
      return '00:00:00';
    case 'enum':
      return rule.values[0] ?? '';
    case 'binary':
      return rule.type === 'BINARY' ? '\u0000'.repeat(rule.length ?? 1) : '';
    default:
      return '';
  }
}

// ------------------------------------------------------------------------------- dispatch

type Kind =
  | 'int'
  | 'decimal'
  | 'float'
  | 'text'
  | 'binary'
  | 'enum'
  | 'set'
  | 'date'
  | 'datetime'
  | 'time'
  | 'year'
  | 'bit'
  | 'json';

const KINDS: Readonly<Record<string, Kind>> = {
  TINYINT: 'int',
  SMALLINT: 'int',
  MEDIUMINT: 'int',
  INT: 'int',
  BIGINT: 'int',
  DECIMAL: 'decimal',
  FLOAT: 'float',
  DOUBLE: 'float',
  CHAR: 'text',
  VARCHAR: 'text',
  TINYTEXT: 'text',
  TEXT: 'text',
  MEDIUMTEXT: 'text',
  LONGTEXT: 'text',
  BINARY: 'binary',
  VARBINARY: 'binary',
  TINYBLOB: 'binary',
  BLOB: 'binary',
  MEDIUMBLOB: 'binary',
  LONGBLOB: 'binary',
  ENUM: 'enum',
  SET: 'set',
  DATE: 'date',
  DATETIME: 'datetime',
  TIMESTAMP: 'datetime',
  TIME: 'time',
  YEAR: 'year',
  BIT: 'bit',
  JSON: 'json',
};

function kindOf(type: string): Kind {
  return KINDS[type] ?? 'text';
}

function convert(value: V, at: Where, modes: WriteModes): Converted {
  switch (at.compiled.kind) {
    case 'int':
      return toInteger(value, at);
    case 'decimal':
      return toDecimal(value, at);
    case 'float':
      return toFloat(value, at);
    case 'text':
      return toText(value, at);
    case 'binary':
      return toBinary(value, at);
    case 'enum':
      return toEnum(value, at);
    case 'set':
      return toSet(value, at);
    case 'date':
    case 'datetime':
      return toDatetime(value, at, modes);
    case 'time':
      return toTime(value, at);
    case 'year':
      return toYear(value, at);
    case 'bit':
      return toBit(value, at);
    case 'json':
      return toJson(value, at);
  }
}

function textOf(value: V): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

// ------------------------------------------------------------------------------- numbers

/** An exact decimal: sign, integer digits (no leading zeros but one), fraction digits. */
interface Decimal {
  readonly negative: boolean;
  readonly int: string;
  readonly frac: string;
}

/** A number read from text as MySQL reads it: the longest numeric prefix, and what follows. */
interface NumberPrefix {
  readonly decimal: Decimal | null;
  /** Characters after the number other than trailing spaces. */
  readonly rest: string;
  /** An exponent too large to write out: the value is out of any range. */
  readonly huge: boolean;
}

const NUMBER_PREFIX = /^[ \t\n\r]*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?/;
const EXPONENT_MAX = 400;

function numberPrefix(text: string): NumberPrefix {
  const m = NUMBER_PREFIX.exec(text)!;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return { decimal: null, rest: text.trim(), huge: false };
  // An exponent without digits after it is not part of the number ('1e' is 1 and a rest).
  const rest = text.slice(m[0].length).replace(/[ \t\n\r]+$/, '');
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  const zero = /^0*$/.test(int + frac);
  if (!zero && exponent > EXPONENT_MAX) return { decimal: null, rest, huge: true };
  if (exponent < -EXPONENT_MAX || zero)
    return { decimal: { negative: false, int: '0', frac: '' }, rest, huge: false };
  return { decimal: shift(m[1] === '-', int, frac, exponent), rest, huge: false };
}

function shift(negative: boolean, int: string, frac: string, exponent: number): Decimal {
  const digits = int + frac;
  const point = int.length + exponent;
  let i: string;
  let f: string;
  if (point <= 0) {
    i = '0';
    f = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    i = digits + '0'.repeat(point - digits.length);
    f = '';
  } else {
    i = digits.slice(0, point);
    f = digits.slice(point);
  }
  i = i.replace(/^0+(?=\d)/, '');
  f = f.replace(/0+$/, '');
  return { negative: negative && !(i === '0' && f === ''), int: i, frac: f };
}

/** A JS number as an exact decimal of its shortest round-trip text (1.005 stays 1.005). */
function decimalOfNumber(n: number): Decimal {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n))!;
  return shift(m[1] === '-', m[2]!, m[3] ?? '', m[4] === undefined ? 0 : Number(m[4]));
}

/** Rounds half away from zero to `scale` fraction digits; `lost` when digits were dropped. */
function roundDecimal(d: Decimal, scale: number): { rounded: Decimal; lost: boolean } {
  if (d.frac.length <= scale) return { rounded: d, lost: false };
  const kept = d.int + d.frac.slice(0, scale);
  const up = d.frac.charCodeAt(scale) >= 53; // '5'
  let digits = up ? (BigInt(kept) + 1n).toString() : kept.replace(/^0+(?=\d)/, '');
  digits = digits.padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale).replace(/^0+(?=\d)/, '');
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const zero = int === '0' && frac === '';
  return { rounded: { negative: d.negative && !zero, int, frac }, lost: true };
}

function decimalText(d: Decimal, scale: number): string {
  const frac = scale > 0 ? '.' + d.frac.padEnd(scale, '0') : '';
  return (d.negative ? '-' : '') + d.int + frac;
}

const INTEGER_BITS: Readonly<Record<string, number>> = {
  TINYINT: 8,
  SMALLINT: 16,
  MEDIUMINT: 24,
  INT: 32,
  BIGINT: 64,
};

function integerRange(rule: StoreRule): readonly [bigint, bigint] {
  const bits = BigInt(INTEGER_BITS[rule.type] ?? 64);
  if (rule.unsigned) return [0n, (1n << bits) - 1n];
  return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** SQLite holds 64-bit signed integers: a larger BIGINT UNSIGNED is out of its range here. */
const STORE_INTEGER_MAX = (1n << 63n) - 1n;

function toInteger(value: V, at: Where): Converted {
  let n: bigint;
  let problem: ((adjusted: bigint) => Problem) | null = null;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return clampInteger(value > 0 ? 1n << 70n : -(1n << 70n), at);
    n = integerOf(decimalOfNumber(value));
  } else {
    const text = textOf(value);
    const prefix = numberPrefix(text);
    if (prefix.huge)
      return clampInteger(text.trim().startsWith('-') ? -(1n << 70n) : 1n << 70n, at);
    if (prefix.decimal === null) return incorrect(at, 'integer', text, 0n);
    n = integerOf(prefix.decimal);
    if (prefix.rest !== '') problem = (adjusted) => truncated(at, adjusted);
  }
  const clamped = clampInteger(n, at);
  if ('value' in clamped && problem !== null) return problem(clamped.value as bigint);
  return clamped;
}

function integerOf(d: Decimal): bigint {
  const { rounded } = roundDecimal(d, 0);
  const n = BigInt(rounded.int);
  return rounded.negative ? -n : n;
}

function clampInteger(n: bigint, at: Where): Converted {
  const { min, max } = at.compiled;
  if (n < min) return outOfRange(at, narrowInteger(min));
  if (n > max) return outOfRange(at, narrowInteger(max));
  return { value: narrowInteger(n) };
}

function narrowInteger(n: bigint): V {
  // Beyond SQLite's 64 bits (BIGINT UNSIGNED's top half) the value is kept as its text.
  return n > STORE_INTEGER_MAX ? n.toString() : n;
}

function toDecimal(value: V, at: Where): Converted {
  const precision = at.rule.length ?? 10;
  const scale = at.rule.scale ?? 0;
  let d: Decimal;
  let rest = '';
  if (typeof value === 'bigint')
    d = shift(value < 0n, (value < 0n ? -value : value).toString(), '', 0);
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return clampDecimal(value < 0, precision, scale, at);
    d = decimalOfNumber(value);
  } else {
    const text = textOf(value);
    const prefix = numberPrefix(text);
    if (prefix.huge) return clampDecimal(text.trim().startsWith('-'), precision, scale, at);
    if (prefix.decimal === null)
      return incorrect(
        at,
        'decimal',
        text,
        decimalText({ negative: false, int: '0', frac: '' }, scale),
      );
    d = prefix.decimal;
    rest = prefix.rest;
  }
  if (at.rule.unsigned && d.negative)
    return outOfRange(at, decimalText({ negative: false, int: '0', frac: '' }, scale));
  const { rounded, lost } = roundDecimal(d, scale);
  if (rounded.int.replace(/^0$/, '').length > precision - scale)
    return clampDecimal(d.negative, precision, scale, at);
  const text = decimalText(rounded, scale);
  if (rest !== '') return truncated(at, text);
  if (lost) return truncated(at, text, true);
  return { value: text };
}

function clampDecimal(negative: boolean, precision: number, scale: number, at: Where): Problem {
  const nines = '9'.repeat(Math.max(precision - scale, 0)) || '0';
  const frac = '9'.repeat(scale);
  return outOfRange(at, decimalText({ negative, int: nines, frac }, scale));
}

const FLOAT_MAX = 3.4028234663852886e38;

function toFloat(value: V, at: Where): Converted {
  let n: number;
  let rest = '';
  if (typeof value === 'bigint' || typeof value === 'number') n = Number(value);
  else {
    const text = textOf(value);
    const prefix = numberPrefix(text);
    if (prefix.decimal === null && !prefix.huge) return incorrect(at, 'double', text, 0);
    n = prefix.huge
      ? text.trim().startsWith('-')
        ? -Infinity
        : Infinity
      : Number(decimalText(prefix.decimal!, prefix.decimal!.frac.length));
    rest = prefix.rest;
  }
  const max = at.rule.type === 'FLOAT' ? FLOAT_MAX : Number.MAX_VALUE;
  if (at.rule.length !== null && at.rule.scale !== null) {
    const limit = 10 ** (at.rule.length - at.rule.scale);
    const rounded = Number(n.toFixed(at.rule.scale));
    if (Math.abs(rounded) >= limit)
      return outOfRange(at, Math.sign(n) * (limit - 10 ** -at.rule.scale));
    n = rounded;
  }
  if (!Number.isFinite(n) || Math.abs(n) > max) return outOfRange(at, n < 0 ? -max : max);
  if (at.rule.unsigned && n < 0) return outOfRange(at, 0);
  // A FLOAT holds single precision: 123456.789 is kept as 123456.7890625, as InnoDB keeps it.
  if (at.rule.type === 'FLOAT' && at.rule.scale === null) n = Math.fround(n);
  if (rest !== '') return truncated(at, n);
  return { value: n };
}

// ------------------------------------------------------------------------------- strings

const TEXT_BYTES: Readonly<Record<string, number>> = {
  TINYTEXT: 255,
  TEXT: 65_535,
  MEDIUMTEXT: 16_777_215,
  LONGTEXT: 4_294_967_295,
  TINYBLOB: 255,
  BLOB: 65_535,
  MEDIUMBLOB: 16_777_215,
  LONGBLOB: 4_294_967_295,
};

function toText(value: V, at: Where): Converted {
  // Bytes into a text column (a literal whose bytes were not UTF-8, a binary parameter, a BLOB's
  // value): their text when they are UTF-8, else MariaDB's 1366 (they were stored as a BLOB in
  // the column, or, from a statement's text, as U+FFFD).
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
    const bad = invalidUtf8At(bytes);
    if (bad >= 0) return notUtf8(bytes, bad, at);
    value = bytes.toString('utf8');
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    if (text.length <= (at.rule.length ?? 1) || at.rule.type.endsWith('TEXT')) return { value };
    return fitText(text, at);
  }
  const text = textOf(value);
  if (at.rule.utf8mb3 === true && BEYOND_BMP.test(text)) return beyondUtf8mb3(text, at);
  return fitText(text, at, value);
}

const BEYOND_BMP = /[\u{10000}-\u{10ffff}]/u;

/**
 * Bytes that are not UTF-8 into a text column: MariaDB's 1366 naming them from the first bad
 * byte (six at most), or outside strict mode '?' for each bad byte with that warning.
 */
function notUtf8(bytes: Buffer, bad: number, at: Where): Converted {
  let shown = '';
  for (const byte of bytes.subarray(bad, bad + 6))
    shown +=
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  if (bytes.length > bad + 6) shown += '...';
  let adjusted = '';
  for (let i = 0; i < bytes.length;) {
    const length = utf8SequenceLength(bytes, i);
    adjusted += length === 0 ? '?' : bytes.subarray(i, i + length).toString('utf8');
    i += Math.max(1, length);
  }
  const fitted = fitText(adjusted, at);
  if ('error' in fitted) return fitted;
  return {
    error: mysqlError(
      1366,
      '22007',
      `Incorrect string value: '${shown}' for column ${qualified(at)}`,
    ),
    adjusted: 'value' in fitted ? fitted.value : adjusted,
    warningCode: 1366,
  };
}

/**
 * A character beyond the BMP in a utf8mb3 column: MariaDB's 1366 naming the bytes from it on
 * (six at most, printable ASCII as is), or '?' for it with a warning outside strict mode.
 */
function beyondUtf8mb3(text: string, at: Where): Converted {
  const from = text.search(BEYOND_BMP);
  const bytes = Buffer.from(text.slice(from), 'utf8');
  let shown = '';
  for (const byte of bytes.subarray(0, 6))
    shown +=
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  if (bytes.length > 6) shown += '...';
  const adjusted = text.replace(new RegExp(BEYOND_BMP.source, 'gu'), '?');
  const problem: Problem = {
    error: mysqlError(
      1366,
      '22007',
      `Incorrect string value: '${shown}' for column ${qualified(at)}`,
    ),
    adjusted,
    warningCode: 1366,
  };
  const fitted = fitText(adjusted, at);
  return 'error' in fitted ? fitted : { ...problem, adjusted: fitted.value };
}

function fitText(text: string, at: Where, original: V = text): Converted {
  const bytesMax = TEXT_BYTES[at.rule.type];
  if (bytesMax !== undefined) {
    if (text.length <= bytesMax / 4 || Buffer.byteLength(text) <= bytesMax)
      return { value: original };
    const cut = Buffer.from(text)
      .subarray(0, bytesMax)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    return tooLong(at, cut);
  }
  const charsMax = at.rule.length ?? 1;
  const isChar = at.rule.type === 'CHAR';
  if (text.length <= charsMax) return { value: isChar ? text.replace(/ +$/, '') : original };
  const chars = Array.from(text);
  if (chars.length <= charsMax) return { value: isChar ? text.replace(/ +$/, '') : original };
  const kept = chars.slice(0, charsMax).join('');
  const dropped = chars.slice(charsMax).join('');
  // Only spaces cut off: a note in every mode (PAD SPACE makes them insignificant).
  if (/^ *$/.test(dropped)) return truncated(at, isChar ? kept.replace(/ +$/, '') : kept, true);
  return tooLong(at, isChar ? kept.replace(/ +$/, '') : kept);
}

function toBinary(value: V, at: Where): Converted {
  const bytes = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value));
  const max = TEXT_BYTES[at.rule.type] ?? at.rule.length ?? 1;
  const asGiven = (b: Buffer): V =>
    value instanceof Uint8Array
      ? new Uint8Array(b)
      : b.toString('latin1') === b.toString('utf8')
        ? b.toString('utf8')
        : new Uint8Array(b);
  if (bytes.length > max) return tooLong(at, asGiven(bytes.subarray(0, max)));
  // BINARY(n) is padded with zero bytes to its length, as MySQL stores it.
  if (at.rule.type === 'BINARY' && bytes.length < max) {
    const padded = Buffer.concat([bytes, Buffer.alloc(max - bytes.length)]);
    return {
      value:
        value instanceof Uint8Array
          ? new Uint8Array(padded)
          : String(value) + '\u0000'.repeat(max - bytes.length),
    };
  }
  return { value };
}

/** utf8mb4_general_ci's equality, near enough for member names: case-blind, PAD SPACE. */
const memberKey = (s: string): string => s.replace(/ +$/, '').toLowerCase();

function toEnum(value: V, at: Where): Converted {
  const members = at.rule.values;
  if (typeof value === 'bigint' || typeof value === 'number') {
    const index = typeof value === 'bigint' ? value : BigInt(Math.round(value));
    if (index >= 1n && index <= BigInt(members.length))
      return { value: members[Number(index) - 1]! };
    return truncated(at, '');
  }
  const text = textOf(value);
  const key = memberKey(text);
  const found = members.find((m) => memberKey(m) === key);
  if (found !== undefined) return { value: found };
  // A string that names no member but is a number is the member's index.
  if (/^\s*\d+\s*$/.test(text)) {
    const index = Number(text);
    if (index >= 1 && index <= members.length) return { value: members[index - 1]! };
  }
  return truncated(at, '');
}

function toSet(value: V, at: Where): Converted {
  const members = at.rule.values;
  let bits = 0n;
  let unknown = false;
  if (typeof value === 'bigint' || typeof value === 'number') {
    bits = typeof value === 'bigint' ? value : BigInt(Math.round(value));
    const all = (1n << BigInt(members.length)) - 1n;
    if (bits < 0n || (bits & ~all) !== 0n) {
      unknown = true;
      bits &= all;
    }
  } else {
    const text = textOf(value);
    if (text !== '') {
      for (const part of text.split(',')) {
        const index = members.findIndex((m) => memberKey(m) === memberKey(part));
        if (index < 0) unknown = true;
        else bits |= 1n << BigInt(index);
      }
    }
  }
  const stored = members.filter((_, i) => (bits & (1n << BigInt(i))) !== 0n).join(',');
  return unknown ? truncated(at, stored) : { value: stored };
}

// ------------------------------------------------------------------------------- temporal

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: string;
  hasTime: boolean;
}

const DATE_TEXT =
  /^\s*(\d{2,4})[-/.:](\d{1,2})[-/.:](\d{1,2})(?:(?:[ T]+|$)(?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?)?)?\s*$/;
const DATE_DIGITS = /^\s*(\d{4}|\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d*))?)?\s*$/;

function temporalParts(value: V): Parts | null {
  const text = typeof value === 'number' ? String(value) : textOf(value);
  const m = DATE_TEXT.exec(text) ?? DATE_DIGITS.exec(text);
  if (m === null) return null;
  let year = Number(m[1]);
  if (m[1]!.length === 2) year += year < 70 ? 2000 : 1900;
  return {
    year,
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    micro: m[7] ?? '',
    hasTime: m[4] !== undefined,
  };
}

/**
 * A date or datetime in a form a DATE/DATETIME column takes ('20240506', '2024/05/06 10:11',
 * '24-5-6') as 'YYYY-MM-DD[ hh:mm:ss[.f]]', for the date functions to read as the column
 * would; null when it is none, or when it reads as a time ('10:11:12').
 */
export function temporalText(value: V): string | null {
  if (typeof value === 'string' && /^\s*\d+:/.test(value)) return null;
  const p = temporalParts(value);
  if (p === null) return null;
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  if (!p.hasTime) return date;
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  return `${date} ${time}${p.micro === '' ? '' : '.' + p.micro}`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function zeroDatetime(rule: StoreRule): string {
  const fsp = rule.length ?? 0;
  return '0000-00-00 00:00:00' + (fsp > 0 ? '.' + '0'.repeat(fsp) : '');
}

function toDatetime(value: V, at: Where, modes: WriteModes): Converted {
  const isDate = at.rule.type === 'DATE';
  const kind = isDate ? 'date' : 'datetime';
  const zero = isDate ? '0000-00-00' : zeroDatetime(at.rule);
  const text =
    typeof value === 'number' || typeof value === 'bigint' ? String(value) : textOf(value);
  const p = temporalParts(value);
  if (
    p === null ||
    p.month > 12 ||
    p.day > 31 ||
    p.hour > 23 ||
    p.minute > 59 ||
    p.second > 59 ||
    (p.month > 0 && p.day > daysIn(p.year, p.month))
  )
    return badTemporal(at, kind, text, zero, 1265);
  const allZero = p.year === 0 && p.month === 0 && p.day === 0;
  if (allZero && modes.noZeroDate) {
    if (modes.strict) return { ...badTemporal(at, kind, text, zero, 1264), always: false };
    return outOfRange(at, zero);
  }
  if (!allZero && (p.month === 0 || p.day === 0) && modes.noZeroInDate)
    return badTemporal(at, kind, text, zero, 1265);
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  if (isDate) {
    // A time of day cut off a DATE is a note (nothing is lost at midnight).
    if (p.hasTime && (p.hour !== 0 || p.minute !== 0 || p.second !== 0 || /[1-9]/.test(p.micro)))
      return truncated(at, date, true);
    return { value: date };
  }
  const fsp = at.rule.length ?? 0;
  const micro = fsp > 0 ? '.' + p.micro.slice(0, fsp).padEnd(fsp, '0') : '';
  const wall = `${date} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  if (at.rule.type === 'TIMESTAMP' && !allZero && (wall < TIMESTAMP_MIN || wall > TIMESTAMP_MAX))
    return badTemporal(at, kind, text, zero, 1264);
  return { value: `${wall}${micro}` };
}

// TIMESTAMP holds seconds since the epoch in 32 bits: MariaDB's range, read here as UTC (trireme
// keeps a TIMESTAMP as the wall time written, not converted from the session's time zone).
const TIMESTAMP_MIN = '1970-01-01 00:00:01';
const TIMESTAMP_MAX = '2038-01-19 03:14:07';

const TIME_TEXT = /^\s*(-?)(?:(\d+)\s+)?(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d*))?\s*$/;

function toTime(value: V, at: Where): Converted {
  const text =
    typeof value === 'number' || typeof value === 'bigint' ? String(value) : textOf(value);
  const fsp = at.rule.length ?? 0;
  let negative: boolean;
  let hours: number;
  let minutes: number;
  let seconds: number;
  let micro: string;
  const m = TIME_TEXT.exec(text);
  if (m !== null) {
    negative = m[1] === '-';
    hours = Number(m[2] ?? 0) * 24 + Number(m[3]);
    minutes = Number(m[4]);
    seconds = Number(m[5] ?? 0);
    micro = m[6] ?? '';
  } else {
    const d = /^\s*(-?)(\d{1,7})(?:\.(\d*))?\s*$/.exec(text);
    if (d === null) return timeOfDatetime(value, at);
    const digits = d[2]!.padStart(6, '0');
    negative = d[1] === '-';
    hours = Number(digits.slice(0, -4));
    minutes = Number(digits.slice(-4, -2));
    seconds = Number(digits.slice(-2));
    micro = d[3] ?? '';
  }
  if (minutes > 59 || seconds > 59) return badTemporal(at, 'time', text, '00:00:00', 1265);
  const frac = fsp > 0 ? '.' + micro.slice(0, fsp).padEnd(fsp, '0') : '';
  if (hours > 838) {
    const max = `${negative ? '-' : ''}838:59:59${fsp > 0 ? '.' + '9'.repeat(fsp) : ''}`;
    // A string past the range is an incorrect time value (1292) in strict mode, a number out of
    // range (1264); either is clamped with warning 1264 otherwise, as in MariaDB.
    return typeof value === 'string'
      ? badTemporal(at, 'time', text, max, 1264)
      : outOfRange(at, max);
  }
  const zero = hours === 0 && minutes === 0 && seconds === 0 && !/[1-9]/.test(micro.slice(0, fsp));
  return {
    value: `${negative && !zero ? '-' : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${frac}`,
  };
}

/**
 * A date and time given to a TIME column: MariaDB keeps the time of day with a note 1265
 * ('2024-01-05 10:11:12' is 10:11:12, the number 20240105 is 00:00:00); anything else is the
 * TIME's own refusal.
 */
function timeOfDatetime(value: V, at: Where): Converted {
  const text =
    typeof value === 'number' || typeof value === 'bigint' ? String(value) : textOf(value);
  const p = temporalParts(value);
  // A date alone is not a time when written as text ('2024-01-05' is 1292), as a number it is.
  const number = typeof value === 'number' || typeof value === 'bigint';
  if (
    p === null ||
    (!number && !p.hasTime) ||
    p.month > 12 ||
    p.day > 31 ||
    p.hour > 23 ||
    p.minute > 59 ||
    p.second > 59
  )
    return badTemporal(at, 'time', text, '00:00:00', 1265);
  const fsp = at.rule.length ?? 0;
  const frac = fsp > 0 ? '.' + p.micro.slice(0, fsp).padEnd(fsp, '0') : '';
  return truncated(at, `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}`, true);
}

function toYear(value: V, at: Where): Converted {
  let year: number;
  if (typeof value === 'bigint' || typeof value === 'number') {
    year = Math.round(Number(value));
    if (year > 0 && year < 70) year += 2000;
    else if (year >= 70 && year < 100) year += 1900;
  } else {
    // MariaDB's Field_year::store: the number the text starts with is checked for range first,
    // then text after it is a truncation (1265: '2024-01-05'); a number below 100 is a two-digit
    // year unless the text is '0000' ('0' and '00' are 2000).
    const text = textOf(value);
    const prefix = numberPrefix(text);
    if (prefix.decimal === null) return incorrect(at, 'integer', text, 0n);
    const nr = Number(integerOf(prefix.decimal));
    if (nr < 0 || (nr >= 100 && nr <= 1900) || nr > 2155) return outOfRange(at, 0n);
    year = nr === 0 && text.length === 4 ? 0 : nr < 70 ? nr + 2000 : nr < 100 ? nr + 1900 : nr;
    return prefix.rest === '' ? { value: BigInt(year) } : truncated(at, BigInt(year));
  }
  if (year !== 0 && (year < 1901 || year > 2155)) return outOfRange(at, 0n);
  return { value: BigInt(year) };
}

function toBit(value: V, at: Where): Converted {
  const width = BigInt(at.rule.length ?? 1);
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') n = BigInt(Math.round(value));
  else {
    // A string is its bytes, big-endian.
    const bytes = value instanceof Uint8Array ? value : Buffer.from(String(value));
    n = 0n;
    for (const b of bytes) n = (n << 8n) | BigInt(b);
  }
  const max = (1n << width) - 1n;
  if (n < 0n || n > max) return { ...tooLong(at, narrowInteger(max)), warningCode: 1264 };
  return { value: narrowInteger(n) };
}

function toJson(value: V, at: Where): Converted {
  const text = textOf(value);
  try {
    JSON.parse(text);
    return { value };
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1] ?? String(text.length);
    return {
      before: {
        level: 'Note',
        code: 4038,
        message: `Syntax error in JSON text in argument 1 to function 'json_valid' at position ${Number(position) + 1}`,
      },
      error: mysqlError(
        4025,
        '23000',
        `CONSTRAINT \`${at.rule.table}.${at.rule.column}\` failed for \`${at.rule.db}\`.\`${at.rule.table}\``,
      ),
      adjusted: null,
      warningCode: 4025,
      always: true,
    };
  }
}
