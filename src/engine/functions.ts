// MySQL functions as SQLite user functions (the names sql's USER_FUNCTIONS lists). They run on
// the origin only: row images carry their results, so NOW(), RAND() and UUID() may be
// non-deterministic. A function must never throw (better-sqlite3 would surface a JS error out
// of a statement): bad arguments give NULL, as MySQL does with a warning.
import { jsonTableFunction } from './json-table.js';
import { createHash, randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { SqlValue } from '../codec/index.js';
import {
  CAST_DECIMAL_FUNCTION,
  JSON_FORMAT_FUNCTION,
  SYSTEM_TO_ZONE_FUNCTION,
  TEMPORAL_NUMBER_FUNCTION,
  USER_FUNCTIONS,
  UTC_TO_ZONE_FUNCTION,
  ZONE_TO_SYSTEM_FUNCTION,
  ZONE_TO_UTC_FUNCTION,
} from '../sql/index.js';
import { formatJson, jsonExtract, jsonPathValid, jsonValid } from './json-text.js';
import { ValueRefusal, type UserAggregate, type UserFunction } from '../storage/index.js';
import {
  changedGuardFunctions,
  singleValueFunction,
  storeValueFunction,
  temporalText,
} from './store-value.js';
import { effectFunctions } from './statement-effects.js';
import { expressionFunctions, report } from './expression-warnings.js';
import { arithmeticFunctions, carried } from './arithmetic.js';
import { strToDate } from './str-to-date.js';
import { decimalFunctions } from './decimal.js';
import { nextLockAnswer } from './user-locks.js';
import { INT_FUNCTIONS } from './metadata.js';

type V = SqlValue;
type Fn = (...args: V[]) => V;

const pad2 = (n: number): string => String(n).padStart(2, '0');

function isNull(v: V | undefined): v is null | undefined {
  return v === null || v === undefined;
}

function text(v: V): string {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

function num(v: V): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = parseFloat(text(v));
  return Number.isFinite(n) ? n : 0;
}

function int(v: V): number {
  return Math.trunc(num(v));
}

// A Date keeps milliseconds; a DATETIME(6) has microseconds. The three digits below a Date's
// milliseconds are kept beside it (`setMicros`), so that arithmetic and formats keep them.
const belowMillis = new WeakMap<Date, number>();

/** The fraction of `d`'s second, in microseconds (0 … 999,999). */
function micros(d: Date): number {
  return d.getMilliseconds() * 1000 + (belowMillis.get(d) ?? 0);
}

/** Sets the fraction of `d`'s second to `us` microseconds (0 … 999,999). */
function setMicros(d: Date, us: number): void {
  d.setMilliseconds(Math.floor(us / 1000));
  belowMillis.set(d, us % 1000);
}

/** Moves `d` by `n` microseconds (an integer). */
function addMicros(d: Date, n: number): void {
  const total = micros(d) + n;
  const seconds = Math.floor(total / 1_000_000);
  d.setSeconds(d.getSeconds() + seconds);
  setMicros(d, total - seconds * 1_000_000);
}

/** `d` moved by `seconds` (fractions to the microsecond), as a new Date. */
function plusSeconds(d: Date, seconds: number): Date {
  const out = new Date(d.getTime());
  belowMillis.set(out, belowMillis.get(d) ?? 0);
  addMicros(out, Math.round(seconds * 1_000_000));
  return out;
}

/** Local date-time text, MySQL's 'YYYY-MM-DD HH:MM:SS[.ffffff]'. */
export function formatDatetime(d: Date, fsp = 0): string {
  const base = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  if (fsp <= 0) return base;
  return base + '.' + String(micros(d)).padStart(6, '0').slice(0, fsp);
}

function formatUtc(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const DATETIME_PARTS =
  /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?\s*$/;

/** A MySQL date/datetime value as a local Date, or null. */
export function parseDatetime(v: V): Date | null {
  if (isNull(v)) return null;
  if (typeof v === 'number' || typeof v === 'bigint') {
    const s = String(v);
    if (s.length === 8) return parseDatetime(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
    if (s.length === 14)
      return parseDatetime(
        `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12)}`,
      );
    return null;
  }
  // Any form a DATE column takes ('20240506', '2024/05/06'), not only '2024-05-06'.
  const m = DATETIME_PARTS.exec(text(v)) ?? DATETIME_PARTS.exec(temporalText(v) ?? '');
  if (m === null) return null;
  const us = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0'));
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const d = new Date(2000, 0, 1, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  setMicros(d, us);
  d.setFullYear(year, month, day); // years below 100 too (the constructor adds 1900 to them)
  // A date that does not exist ('2023-02-30', month 0, hour 25) is no date: Date would roll it.
  const exists =
    d.getFullYear() === year &&
    d.getMonth() === month &&
    d.getDate() === day &&
    d.getHours() === Number(m[4] ?? 0) &&
    d.getMinutes() === Number(m[5] ?? 0) &&
    d.getSeconds() === Number(m[6] ?? 0);
  return Number.isNaN(d.getTime()) || !exists ? null : d;
}

/** A function's date argument: the date, or NULL with 1292 when the value is none. */
function dateArgument(v: V): Date | null {
  const d = parseDatetime(v);
  if (d === null && !isNull(v))
    report('Warning', 1292, '22007', `Incorrect datetime value: '${text(v)}'`);
  return d;
}

function hasTime(v: V): boolean {
  return typeof v === 'string' && /\d[ T]\d/.test(v.trim());
}

function dateOnly(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return (
    Math.round(
      (new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86400000,
    ) + 1
  );
}

function toDays(d: Date): number {
  // MySQL's day number: days since year 0 (0000-01-01 is day 1, with 0000 not a leap year).
  const utc = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round(utc / 86400000) + 719528;
}

// MySQL's week numbering (sql/sql_time.cc calc_week): the behaviour bits a WEEK() mode maps to.
const WEEK_MONDAY_FIRST = 1;
const WEEK_YEAR = 2;
const WEEK_FIRST_WEEKDAY = 4;

function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

/** WEEK()'s mode (0–7) as calc_week's behaviour bits. */
function weekMode(mode: number): number {
  let behaviour = mode & 7;
  if ((behaviour & WEEK_MONDAY_FIRST) === 0) behaviour ^= WEEK_FIRST_WEEKDAY;
  return behaviour;
}

/** [week, year the week belongs to] of a date, as MySQL's calc_week computes them. */
function calcWeek(d: Date, behaviour: number): [number, number] {
  const daynr = toDays(d);
  let firstDaynr = toDays(new Date(d.getFullYear(), 0, 1));
  const mondayFirst = (behaviour & WEEK_MONDAY_FIRST) !== 0;
  let weekYear = (behaviour & WEEK_YEAR) !== 0;
  const firstWeekday = (behaviour & WEEK_FIRST_WEEKDAY) !== 0;
  let weekday = (firstDaynr + 5 + (mondayFirst ? 0 : 1)) % 7;
  let year = d.getFullYear();
  if (d.getMonth() === 0 && d.getDate() <= 7 - weekday) {
    if (!weekYear && ((firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4)))
      return [0, year];
    weekYear = true;
    year--;
    const days = daysInYear(year);
    firstDaynr -= days;
    weekday = (weekday + 53 * 7 - days) % 7;
  }
  const days =
    (firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4)
      ? daynr - (firstDaynr + (7 - weekday))
      : daynr - (firstDaynr - weekday);
  if (weekYear && days >= 52 * 7) {
    weekday = (weekday + daysInYear(year)) % 7;
    if ((!firstWeekday && weekday < 4) || (firstWeekday && weekday === 0)) return [1, year + 1];
  }
  return [Math.floor(days / 7) + 1, year];
}

/** Specifiers a date with a zero part formats from its digits; any other makes the answer NULL. */
function zeroPartFormat(parts: readonly number[], micros: string, format: string): string | null {
  const [year = 0, month = 0, day = 0, h = 0, mi = 0, sec = 0] = parts;
  const h12 = pad2(h % 12 === 0 ? 12 : h % 12);
  const numeric: Readonly<Record<string, string>> = {
    Y: String(year).padStart(4, '0'),
    y: pad2(year % 100),
    m: pad2(month),
    c: String(month),
    d: pad2(day),
    e: String(day),
    H: pad2(h),
    k: String(h),
    h: h12,
    I: h12,
    l: String(Number(h12)),
    i: pad2(mi),
    s: pad2(sec),
    S: pad2(sec),
    f: micros.padEnd(6, '0'),
    p: h < 12 ? 'AM' : 'PM',
    T: `${pad2(h)}:${pad2(mi)}:${pad2(sec)}`,
    r: `${h12}:${pad2(mi)}:${pad2(sec)} ${h < 12 ? 'AM' : 'PM'}`,
    '%': '%',
  };
  return eachSpecifier(format, (spec) => {
    const value = numeric[spec];
    if (value !== undefined) return value;
    return 'WaMbjUuVvXxDw'.includes(spec) ? null : spec;
  });
}

/** A format's text with each `%x` rendered; null as soon as one renders null. */
function eachSpecifier(format: string, render: (spec: string) => string | null): string | null {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i === format.length - 1) {
      out += ch;
      continue;
    }
    const value = render(format[++i]!);
    if (value === null) return null;
    out += value;
  }
  return out;
}

const DATE_DIGITS =
  /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?/;

/**
 * DATE_FORMAT: microseconds from the value's own digits (a JS Date holds milliseconds), and a
 * date with a zero year, month or day ('0000-00-00', '2024-00-05') formatted from its digits as
 * MariaDB does, NULL for a name or a week of one.
 */
function formatDate(v: V, format: V): V {
  if (isNull(v) || isNull(format)) return null;
  const m = typeof v === 'string' ? DATE_DIGITS.exec(v) : null;
  const fraction = m?.[7] ?? '';
  if (m !== null && (Number(m[2]) === 0 || Number(m[3]) === 0))
    return zeroPartFormat(
      m.slice(1, 7).map((x) => Number(x ?? 0)),
      fraction,
      text(format),
    );
  const d = parseDatetime(v);
  return d === null ? null : dateFormat(d, text(format), fraction);
}

function dateFormat(d: Date, format: string, fraction = ''): string {
  const h = d.getHours();
  return eachSpecifier(format, (spec) => {
    switch (spec) {
      case 'Y':
        return String(d.getFullYear()).padStart(4, '0');
      case 'y':
        return pad2(d.getFullYear() % 100);
      case 'm':
        return pad2(d.getMonth() + 1);
      case 'c':
        return String(d.getMonth() + 1);
      case 'd':
        return pad2(d.getDate());
      case 'e':
        return String(d.getDate());
      case 'H':
        return pad2(h);
      case 'k':
        return String(h);
      case 'h':
      case 'I':
        return pad2(h % 12 === 0 ? 12 : h % 12);
      case 'l':
        return String(h % 12 === 0 ? 12 : h % 12);
      case 'i':
        return pad2(d.getMinutes());
      case 's':
      case 'S':
        return pad2(d.getSeconds());
      case 'f':
        return fraction === '' ? String(micros(d)).padStart(6, '0') : fraction.padEnd(6, '0');
      case 'p':
        return h < 12 ? 'AM' : 'PM';
      case 'U':
        return pad2(calcWeek(d, WEEK_FIRST_WEEKDAY)[0]);
      case 'u':
        return pad2(calcWeek(d, WEEK_MONDAY_FIRST)[0]);
      case 'V':
        return pad2(calcWeek(d, WEEK_YEAR | WEEK_FIRST_WEEKDAY)[0]);
      case 'v':
        return pad2(calcWeek(d, WEEK_YEAR | WEEK_MONDAY_FIRST)[0]);
      case 'X':
        return String(calcWeek(d, WEEK_YEAR | WEEK_FIRST_WEEKDAY)[1]).padStart(4, '0');
      case 'x':
        return String(calcWeek(d, WEEK_YEAR | WEEK_MONDAY_FIRST)[1]).padStart(4, '0');
      case 'W':
        return DAY_NAMES[d.getDay()]!;
      case 'a':
        return DAY_NAMES[d.getDay()]!.slice(0, 3);
      case 'M':
        return MONTH_NAMES[d.getMonth()]!;
      case 'b':
        return MONTH_NAMES[d.getMonth()]!.slice(0, 3);
      case 'j':
        return String(dayOfYear(d)).padStart(3, '0');
      case 'w':
        return String(d.getDay());
      case 'T':
        return `${pad2(h)}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
      case 'r':
        return `${pad2(h % 12 === 0 ? 12 : h % 12)}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
      case 'D': {
        const n = d.getDate();
        const s =
          n % 10 === 1 && n !== 11
            ? 'st'
            : n % 10 === 2 && n !== 12
              ? 'nd'
              : n % 10 === 3 && n !== 13
                ? 'rd'
                : 'th';
        return `${n}${s}`;
      }
      case '%':
        return '%';
      default:
        return spec;
    }
  })!;
}

// The parts of a composite interval unit, most significant first ('1 2:3:4' DAY_SECOND).
const COMPOSITE_UNITS: Readonly<Record<string, readonly string[]>> = {
  YEAR_MONTH: ['YEAR', 'MONTH'],
  DAY_HOUR: ['DAY', 'HOUR'],
  DAY_MINUTE: ['DAY', 'HOUR', 'MINUTE'],
  DAY_SECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND'],
  HOUR_MINUTE: ['HOUR', 'MINUTE'],
  HOUR_SECOND: ['HOUR', 'MINUTE', 'SECOND'],
  MINUTE_SECOND: ['MINUTE', 'SECOND'],
  DAY_MICROSECOND: ['DAY', 'HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
  HOUR_MICROSECOND: ['HOUR', 'MINUTE', 'SECOND', 'MICROSECOND'],
  MINUTE_MICROSECOND: ['MINUTE', 'SECOND', 'MICROSECOND'],
  SECOND_MICROSECOND: ['SECOND', 'MICROSECOND'],
};

/** Adds n months keeping the day, or the month's last day when it has fewer (MySQL's rule). */
function addMonths(d: Date, n: number): void {
  const day = d.getDate();
  d.setDate(1);
  d.setMonth(d.getMonth() + n);
  const last = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
  d.setDate(Math.min(day, last));
}

function addUnit(d: Date, unit: string, n: number): boolean {
  switch (unit) {
    case 'MICROSECOND':
      addMicros(d, Math.round(n));
      return true;
    case 'SECOND':
      addMicros(d, Math.round(n * 1_000_000));
      return true;
    case 'MINUTE':
      d.setMinutes(d.getMinutes() + n);
      return true;
    case 'HOUR':
      d.setHours(d.getHours() + n);
      return true;
    case 'DAY':
      d.setDate(d.getDate() + n);
      return true;
    case 'WEEK':
      d.setDate(d.getDate() + 7 * n);
      return true;
    case 'MONTH':
      addMonths(d, n);
      return true;
    case 'QUARTER':
      addMonths(d, 3 * n);
      return true;
    case 'YEAR':
      addMonths(d, 12 * n);
      return true;
    default:
      return false;
  }
}

function addInterval(v: V, amount: V, unit: V, sign: number): V {
  const d = dateArgument(v);
  if (d === null || isNull(amount)) return null;
  const u = text(unit);
  const parts = COMPOSITE_UNITS[u];
  if (parts !== undefined) {
    // '1:30' HOUR_MINUTE: the values fill the units from the least significant end.
    const digits = text(amount).match(/\d+/g) ?? [];
    if (digits.length === 0 || digits.length > parts.length) return null;
    const negative = text(amount).trim().startsWith('-') ? -1 : 1;
    const units = parts.slice(parts.length - digits.length);
    // The microseconds after a point are a fraction of a second ('1.5' is 500,000).
    const values = digits.map((d, i) =>
      units[i] === 'MICROSECOND' && i > 0 ? Number(d.padEnd(6, '0').slice(0, 6)) : Number(d),
    );
    units.forEach((part, i) => addUnit(d, part, values[i]! * negative * sign));
  } else {
    // Whole units take the value rounded (INTERVAL 1.5 DAY is 2 days); seconds keep fractions.
    const raw = num(amount);
    const whole =
      u === 'SECOND' || u === 'MICROSECOND' ? raw : Math.sign(raw) * Math.round(Math.abs(raw));
    if (!addUnit(d, u, whole * sign)) return null;
  }
  const withTime =
    hasTime(v) || !['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'YEAR_MONTH'].includes(u);
  // The fraction's digits: the date's, a SECOND interval's, or six for microseconds.
  const scale = (t: string): number => Math.min(6, FRACTION.exec(t)?.[1]?.length ?? 0);
  const fsp = u.endsWith('MICROSECOND')
    ? 6
    : Math.max(scale(text(v)), u === 'SECOND' ? scale(text(amount)) : 0);
  return withTime ? formatDatetime(d, fsp) : dateOnly(d);
}

function hash(algorithm: string, v: V): V {
  if (isNull(v)) return null;
  const input = v instanceof Uint8Array ? v : Buffer.from(text(v), 'utf8');
  return createHash(algorithm).update(input).digest('hex');
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pad(left: boolean): Fn {
  return (s, len, padding = ' ') => {
    if (isNull(s) || isNull(len) || isNull(padding)) return null;
    const str = text(s);
    const n = int(len);
    if (n < 0) return null;
    if (str.length >= n) return str.slice(0, n);
    const p = text(padding);
    if (p === '') return null;
    const fill = p.repeat(Math.ceil((n - str.length) / p.length)).slice(0, n - str.length);
    return left ? fill + str : str + fill;
  };
}

/** Printable ASCII maps as JS does; other text goes character by character. */
const ASCII = /^[ -~]*$/;

/**
 * MariaDB's case mapping maps one character to one: UPPER('ß') keeps ß, LOWER('İ') is i (the
 * first of Unicode's two); a binary string is left as it is.
 */
function caseMapped(v: V, lower: boolean): V {
  if (isNull(v)) return null;
  if (v instanceof Uint8Array) return v;
  const s = text(v);
  if (ASCII.test(s)) return lower ? s.toLowerCase() : s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const mapped = lower ? ch.toLowerCase() : ch.toUpperCase();
    const first = String.fromCodePoint(mapped.codePointAt(0)!);
    out += first.length === mapped.length ? mapped : lower ? first : ch;
  }
  return out;
}

const nullSafe =
  (fn: (...args: V[]) => V): Fn =>
  (...args) =>
    args.some(isNull) ? null : fn(...args);
const dateFn =
  (fn: (d: Date) => V): Fn =>
  (v) => {
    const d = dateArgument(v ?? null);
    return d === null ? null : fn(d);
  };

/**
 * YEAR/MONTH/DAYOFMONTH: a date with a zero part ('0000-00-00', '2024-01-00') answers the part as
 * written, as MariaDB does (MONTH('0000-00-00') is 0); any other date goes through `fn`.
 */
function datePart(index: 0 | 1 | 2, fn: (d: Date) => V): Fn {
  const parsed = dateFn(fn);
  return (v) => {
    if (typeof v === 'string') {
      const m = ZERO_PART_DATE.exec(v);
      if (m !== null && (m[2] === '00' || m[3] === '00')) return Number(m[index + 1]);
    }
    return parsed(v);
  };
}

const ZERO_PART_DATE = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)?\s*$/;

/**
 * CAST(… AS TIME): MariaDB's readings of a time — `[-][D ]H:M[:S[.f]]` ('10:00' is 10:00:00,
 * '1 10:00' 34:00:00), digits as [H]HMMSS ('5' is 00:00:05), or a datetime's time of day.
 */
function castTime(v: V, fsp: number): V {
  const t = text(v);
  const clock = /^\s*(-?)(?:(\d+)\s+)?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d*))?\s*$/.exec(t);
  const digits = /^\s*(-?)(\d+)(?:\.(\d*))?\s*$/.exec(t);
  let parts: { negative: boolean; h: number; m: number; s: number; micro: string } | null = null;
  if (clock !== null) {
    const [, sign, days, h, m, sec, micro] = clock;
    parts = {
      negative: sign === '-',
      h: Number(days ?? 0) * 24 + Number(h),
      m: Number(m),
      s: Number(sec ?? 0),
      micro: micro ?? '',
    };
  } else if (digits !== null) {
    const whole = digits[2]!.padStart(6, '0');
    parts = {
      negative: digits[1] === '-',
      h: Number(whole.slice(0, -4)),
      m: Number(whole.slice(-4, -2)),
      s: Number(whole.slice(-2)),
      micro: digits[3] ?? '',
    };
  }
  if (parts === null) return IMPLEMENTATIONS['time']!(v);
  if (parts.m > 59 || parts.s > 59) return null;
  const hours = Math.min(parts.h, 838);
  const clamped = hours !== parts.h;
  const frac =
    fsp > 0 ? '.' + (clamped ? '9'.repeat(fsp) : parts.micro.slice(0, fsp).padEnd(fsp, '0')) : '';
  const time = clamped ? '838:59:59' : `${pad2(hours)}:${pad2(parts.m)}:${pad2(parts.s)}`;
  return `${parts.negative ? '-' : ''}${time}${frac}`;
}

/** INET6_ATON: an IPv4 address as 4 bytes, an IPv6 one as 16; null for anything else. */
function inet6Bytes(address: string): number[] | null {
  const v4 = (part: string): number[] | null => {
    const octets = part.split('.');
    if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255))
      return null;
    return octets.map(Number);
  };
  if (!address.includes(':')) return v4(address);
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (side: string): number[] | null => {
    if (side === '') return [];
    const out: number[] = [];
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const quad = v4(part);
        if (quad === null) return null;
        out.push((quad[0]! << 8) | quad[1]!, (quad[2]! << 8) | quad[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 255]);
}

/**
 * INET6_NTOA: 4 bytes as an IPv4 address; 16 as IPv6 with the longest run of zero groups (two
 * or more) written `::`, and the IPv4-compatible (::a.b.c.d) and -mapped (::ffff:a.b.c.d) forms
 * with their last 32 bits dotted, as MariaDB prints them.
 */
function inet6Text(bytes: Uint8Array): V {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return null;
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  const dotted = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const zeroHead = groups.slice(0, 5).every((g) => g === 0);
  if (zeroHead && groups[5] === 0xffff) return `::ffff:${dotted}`;
  if (zeroHead && groups[5] === 0 && (groups[6] !== 0 || groups[7]! > 1)) return `::${dotted}`;
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.length).join(':')}`;
}

function timeParts(v: V): [number, number, number] | null {
  const t = text(v);
  const m = /(-?\d+):(\d{2}):(\d{2})(?:\.\d+)?\s*$/.exec(t);
  if (m !== null) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** A TIME of `us` microseconds, with `scale` digits of fraction (none for 0). */
function fractionalTime(us: number, scale: number): string {
  const whole = secondsToTime(Math.trunc(us / 1_000_000));
  const sign = us < 0 && whole[0] !== '-' ? '-' : '';
  if (scale === 0) return sign + whole;
  const fraction = String(Math.abs(us) % 1_000_000)
    .padStart(6, '0')
    .slice(0, scale);
  return `${sign}${whole}.${fraction}`;
}

function secondsToTime(total: number): string {
  const sign = total < 0 ? '-' : '';
  const a = Math.abs(total);
  return `${sign}${pad2(Math.floor(a / 3600))}:${pad2(Math.floor((a % 3600) / 60))}:${pad2(Math.floor(a % 60))}`;
}

function timestampDiff(unit: V, a: V, b: V): V {
  const x = parseDatetime(a);
  const y = parseDatetime(b);
  if (x === null || y === null) return null;
  const us = (y.getTime() - x.getTime()) * 1000 + (micros(y) % 1000) - (micros(x) % 1000);
  const ms = us / 1000;
  const months =
    (y.getFullYear() - x.getFullYear()) * 12 +
    (y.getMonth() - x.getMonth()) -
    (y.getDate() < x.getDate() ? 1 : 0);
  switch (text(unit)) {
    case 'MICROSECOND':
      return us;
    case 'SECOND':
      return Math.trunc(ms / 1000);
    case 'MINUTE':
      return Math.trunc(ms / 60000);
    case 'HOUR':
      return Math.trunc(ms / 3600000);
    case 'DAY':
      return Math.trunc(ms / 86400000);
    case 'WEEK':
      return Math.trunc(ms / 604800000);
    case 'MONTH':
      return months;
    case 'QUARTER':
      return Math.trunc(months / 3);
    case 'YEAR':
      return Math.trunc(months / 12);
    default:
      return null;
  }
}

function jsonParse(v: V): unknown {
  try {
    return JSON.parse(text(v)) as unknown;
  } catch {
    return undefined;
  }
}

// A path MariaDB rejects (e.g. `$$.a`, which Sequelize sends for `$.a` in a fn() argument)
// finds nothing, rather than a lenient match (jsonPathSteps takes every character as a step).
function jsonPathGet(doc: unknown, path: string): unknown {
  const steps = jsonPathSteps(path);
  if (steps === null) return undefined;
  let cur: unknown = doc;
  for (const key of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/**
 * MariaDB's containment: a scalar contains an equal scalar; an array contains each element of an
 * array candidate, or a non-array candidate that one of its elements contains; an object contains
 * an object whose every key it has with a value that contains the candidate's.
 */
function jsonContains(doc: unknown, candidate: unknown): boolean {
  if (Array.isArray(doc)) {
    if (Array.isArray(candidate)) return candidate.every((c) => jsonContains(doc, c));
    return doc.some((x) => jsonContains(x, candidate));
  }
  if (doc !== null && typeof doc === 'object') {
    if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate))
      return false;
    const object = doc as Record<string, unknown>;
    return Object.entries(candidate).every(
      ([k, v]) => Object.hasOwn(object, k) && jsonContains(object[k], v),
    );
  }
  return JSON.stringify(doc) === JSON.stringify(candidate);
}

function likeRegexp(pattern: string, flags = 'i'): RegExp | null {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return null;
  }
}

/**
 * ROUND and TRUNCATE as MySQL computes them. An integer or a REAL (DECIMAL columns and literals
 * reach SQLite as REALs) is rounded on its shortest decimal text, half away from zero — so
 * ROUND(2.675, 2) is 2.68 and ROUND(1.005, 2) is 1.01, as on exact DECIMALs, where binary
 * rounding gives 2.67 and 1.00. A string is a DOUBLE to MySQL and rounds half to even (rint).
 */
function roundTo(n: V, places: V | undefined, mode: 'round' | 'truncate'): V {
  const d = places === undefined ? 0 : Math.max(-64, Math.min(30, int(places)));
  if (typeof n === 'string' || n instanceof Uint8Array) {
    const x = num(n);
    const f = 10 ** d;
    if (mode === 'truncate') return Math.trunc(x * f) / f;
    const scaled = x * f;
    const floor = Math.floor(scaled);
    const diff = scaled - floor;
    const even = diff === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
    return even / f;
  }
  if (typeof n === 'bigint') return d >= 0 ? n : roundDecimalText(String(n), d, mode, true);
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const out = roundDecimalText(decimalString(n), d, mode, Number.isInteger(n));
  return out;
}

/**
 * CAST(x AS DECIMAL(p, s)): x rounded half away from zero on its decimal text (2.675 → 2.68, as
 * on an exact DECIMAL), and past the type's range its largest value of that sign with 1264.
 */
function castDecimal(x: V, precisionArg: V, scaleArg: V): V {
  if (isNull(x)) return null;
  const scale = int(scaleArg);
  const value = typeof x === 'string' || x instanceof Uint8Array ? num(x) : x;
  const max = Number(
    `${'9'.repeat(Math.max(0, int(precisionArg) - scale)) || '0'}.${'9'.repeat(scale)}`,
  );
  const outOfRange = (negative: boolean): V => {
    report('Warning', 1264, '22003', "Out of range value for column 'CAST' at row 1");
    return negative ? -max : max;
  };
  // Far past the type's range (1e300): clamped before rounding, which spells out every digit.
  const before = num(value);
  if (!(Math.abs(before) <= max + 1)) return outOfRange(before < 0);
  const rounded = roundTo(value, scale, 'round');
  if (rounded === null) return null;
  const n = num(rounded);
  return Math.abs(n) <= max ? rounded : outOfRange(n < 0);
}

/**
 * A DATE, DATETIME or TIME value as MySQL's arithmetic reads it: its digits as a number
 * ('2024-02-03' → 20240203, '2024-02-03 10:00:00' → 20240203100000, '-01:00:00' → -10000), the
 * fraction kept; anything else is read as a number.
 */
function temporalNumber(v: V): V {
  if (v === null || typeof v === 'number' || typeof v === 'bigint') return v;
  const t = text(v).trim();
  const m = /^(-?)([\d:\- ]+?)(?:\.(\d+))?$/.exec(t);
  const digits = m?.[2]?.replace(/[-: ]/g, '') ?? '';
  if (m === null || digits === '' || !/^\d+$/.test(digits)) return num(v);
  if (m[3] !== undefined) return Number(`${m[1]}${digits}.${m[3]}`);
  return BigInt(`${m[1]}${digits}`);
}

/**
 * RAND(n): the first number of MariaDB's generator seeded with n (my_rnd_init, my_rnd), so
 * RAND(7) is MariaDB's 0.9065…; a seeded RAND gives that one value on every row here, where
 * MariaDB's goes on through its sequence row by row.
 */
function seededRand(seed: V): number {
  const max = 0x3fffffffn;
  const n = BigInt.asUintN(32, BigInt(int(seed)));
  let seed1 = BigInt.asUintN(32, n * 0x10001n + 55555555n) % max;
  const seed2 = BigInt.asUintN(32, n * 0x10000001n) % max;
  seed1 = (seed1 * 3n + seed2) % max;
  return Number(seed1) / Number(max);
}

/** The shortest decimal text of a double, without an exponent ('1e-7' → '0.0000001'). */
function decimalString(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(Math.min(100, Math.max(0, -Math.floor(Math.log10(Math.abs(n))) + 17)));
}

/** Rounds decimal text to `d` places (negative: tens, hundreds, …) and returns a number. */
function roundDecimalText(
  text: string,
  d: number,
  mode: 'round' | 'truncate',
  integer: boolean,
): V {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const digits = whole + fraction.padEnd(Math.max(0, d), '0');
  // The kept digits are digits[0, cut); the first dropped digit decides the rounding.
  const cut = whole.length + d;
  if (cut <= 0) {
    const up = mode === 'round' && cut === 0 && Number(digits[0] ?? '0') >= 5;
    const unit = 10n ** BigInt(-d);
    const value = up ? unit : 0n;
    return toNumber(negative && value !== 0n ? -value : value, 0, integer);
  }
  let kept = BigInt(digits.slice(0, cut) || '0');
  if (mode === 'round' && Number(digits[cut] ?? '0') >= 5) kept += 1n;
  if (d < 0) kept *= 10n ** BigInt(-d);
  return toNumber(negative ? -kept : kept, Math.max(0, d), integer);
}

function toNumber(scaled: bigint, places: number, integer: boolean): V {
  if (places === 0) {
    if (
      integer &&
      (scaled > BigInt(Number.MAX_SAFE_INTEGER) || -scaled > BigInt(Number.MAX_SAFE_INTEGER))
    )
      return scaled;
    return Number(scaled);
  }
  const sign = scaled < 0n ? '-' : '';
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(places + 1, '0');
  return Number(`${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`);
}

/** JSON text as MariaDB writes it: `{"a": 1, "b": [1, 2]}` (a space after `:` and `,`). */
function jsonText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonText).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** `$.a.b[2]` → ['a', 'b', 2]; null for a path with wildcards or that is not one. */
function jsonPathSteps(path: string): (string | number)[] | null {
  if (!path.startsWith('$')) return null;
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w]*)|\."([^"]*)"|\[(\d+)\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (m === null) return null;
    steps.push(m[1] ?? m[2] ?? Number(m[3]));
  }
  return steps;
}

/** A JSON argument: a JSON document where SQL passed one, else the SQL value itself. */
/**
 * A JSON document passed as a value to JSON_SET and its kin (JSON_OBJECT(…), JSON_EXTRACT(…)):
 * the emitter wraps it in mysql_json_arg, which marks its text so that it is inserted as JSON,
 * not as a string (SQLite's JSON subtype does not reach a user function).
 */
const JSON_ARGUMENT_MARK = Buffer.from('\u0000trireme-json\u0000', 'utf8');

function jsonMarked(v: V): V {
  if (isNull(v)) return null;
  return Buffer.concat([JSON_ARGUMENT_MARK, Buffer.from(text(v), 'utf8')]);
}

function jsonArgument(v: V): unknown {
  if (isNull(v)) return null;
  if (
    v instanceof Uint8Array &&
    v.length >= JSON_ARGUMENT_MARK.length &&
    Buffer.from(v.subarray(0, JSON_ARGUMENT_MARK.length)).equals(JSON_ARGUMENT_MARK)
  ) {
    const parsed = jsonParse(Buffer.from(v.subarray(JSON_ARGUMENT_MARK.length)).toString('utf8'));
    return parsed === undefined ? null : parsed;
  }
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  return text(v);
}

type JsonWrite = 'set' | 'insert' | 'replace';

/** JSON_SET/INSERT/REPLACE: a copy of doc with each (path, value) pair written; null on a bad path. */
function jsonWrite(mode: JsonWrite, args: V[]): V {
  if (args.length < 3 || args.length % 2 === 0 || isNull(args[0]!)) return null;
  let doc = jsonParse(args[0]!);
  if (doc === undefined) return null;
  for (let i = 1; i < args.length; i += 2) {
    if (isNull(args[i]!)) return null;
    const steps = jsonPathSteps(text(args[i]!));
    if (steps === null) return null;
    doc = jsonPut(doc, steps, jsonArgument(args[i + 1] ?? null), mode);
  }
  return jsonText(doc);
}

function jsonPut(
  doc: unknown,
  steps: (string | number)[],
  value: unknown,
  mode: JsonWrite,
): unknown {
  if (steps.length === 0) return mode === 'insert' ? doc : value;
  const [step, ...rest] = steps as [string | number, ...(string | number)[]];
  if (typeof step === 'number') {
    const list = Array.isArray(doc) ? [...(doc as unknown[])] : null;
    if (list === null) return step === 0 && rest.length === 0 && mode !== 'insert' ? value : doc;
    if (step < list.length) list[step] = jsonPut(list[step], rest, value, mode);
    else if (rest.length === 0 && mode !== 'replace') list.push(value);
    return list;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const object = { ...(doc as Record<string, unknown>) };
  if (step in object) object[step] = jsonPut(object[step], rest, value, mode);
  else if (rest.length === 0 && mode !== 'replace') object[step] = value;
  return object;
}

function jsonRemove(args: V[]): V {
  if (args.some(isNull) || args.length < 2) return null;
  let doc = jsonParse(args[0]!);
  if (doc === undefined) return null;
  for (const path of args.slice(1)) {
    const steps = jsonPathSteps(text(path));
    if (steps === null || steps.length === 0) return null;
    doc = jsonDelete(doc, steps);
  }
  return jsonText(doc);
}

function jsonDelete(doc: unknown, steps: (string | number)[]): unknown {
  const [step, ...rest] = steps as [string | number, ...(string | number)[]];
  if (typeof step === 'number') {
    if (!Array.isArray(doc) || step >= doc.length) return doc;
    const list = [...(doc as unknown[])];
    if (rest.length === 0) list.splice(step, 1);
    else list[step] = jsonDelete(list[step], rest);
    return list;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !(step in doc)) return doc;
  const object = { ...(doc as Record<string, unknown>) };
  if (rest.length === 0) delete object[step];
  else object[step] = jsonDelete(object[step], rest);
  return object;
}

function jsonDepth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(jsonDepth));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(jsonDepth));
  return 1;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function mergePreserve(a: unknown, b: unknown): unknown {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergePreserve(out[k], v) : v;
    return out;
  }
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x]);
  return [...list(a), ...list(b)];
}

/** Seconds of a TIME value ('-01:02:03' → -3723), or null. */
function timeSeconds(v: V): number | null {
  const p = timeParts(v);
  if (p === null) return null;
  const negative = text(v).trim().startsWith('-');
  return (negative ? -1 : 1) * (Math.abs(p[0]) * 3600 + p[1] * 60 + p[2]);
}

/** TIME's range is ±838:59:59. */
const TIME_SECONDS_MAX = 838 * 3600 + 59 * 60 + 59;

function clampTime(seconds: number): string {
  return secondsToTime(Math.max(-TIME_SECONDS_MAX, Math.min(TIME_SECONDS_MAX, seconds)));
}

/** A period (YYMM or YYYYMM) as a month count; two-digit years are 1970–2069, as MySQL's. */
function periodMonths(v: V): number {
  const p = int(v);
  let year = Math.floor(p / 100);
  if (year < 100) year += year < 70 ? 2000 : 1900;
  return year * 12 + (p % 100) - 1;
}

/** A TIME's seconds with their fraction ('00:00:01.5' → 1.5), or null. */
function exactTimeSeconds(v: V): number | null {
  const whole = timeSeconds(v);
  if (whole === null) return null;
  const fraction = FRACTION.exec(text(v))?.[1];
  if (fraction === undefined) return whole;
  const us = Number(fraction.padEnd(6, '0').slice(0, 6)) / 1_000_000;
  return whole < 0 || text(v).trim().startsWith('-') ? whole - us : whole + us;
}

const FRACTION = /\.(\d+)\s*$/;

/** A datetime plus a time: microseconds shown when either has a fraction (MariaDB's scale). */
function datetimePlusTime(d: Date, a: V, b: V, sign: 1 | -1): V {
  const delta = exactTimeSeconds(b);
  if (delta === null) return null;
  const fsp = FRACTION.test(text(a)) || FRACTION.test(text(b)) ? 6 : 0;
  return formatDatetime(plusSeconds(d, sign * delta), fsp);
}

/** ADDTIME/SUBTIME: a datetime plus a time, or a time plus a time. */
function addTime(a: V, b: V, sign: 1 | -1): V {
  const delta = timeSeconds(b);
  if (delta === null) return null;
  if (hasTime(a) || /^\s*\d{4}-/.test(text(a))) {
    const d = parseDatetime(a);
    return d === null ? null : datetimePlusTime(d, a, b, sign);
  }
  const base = timeSeconds(a);
  return base === null ? null : clampTime(base + sign * delta);
}

function timeFormat(v: V, format: string): V {
  const seconds = timeSeconds(v);
  if (seconds === null) return null;
  const a = Math.abs(seconds);
  const [h, m, s] = [Math.floor(a / 3600), Math.floor((a % 3600) / 60), a % 60];
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const map: Record<string, string> = {
    H: pad2(h),
    k: String(h),
    h: pad2(h12),
    I: pad2(h12),
    l: String(h12),
    i: pad2(m),
    s: pad2(s),
    S: pad2(s),
    f: '000000',
    p: h % 24 < 12 ? 'AM' : 'PM',
    r: `${pad2(h12)}:${pad2(m)}:${pad2(s)} ${h % 24 < 12 ? 'AM' : 'PM'}`,
    T: `${pad2(h)}:${pad2(m)}:${pad2(s)}`,
    '%': '%',
  };
  let out = seconds < 0 ? '-' : '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i === format.length - 1) out += ch;
    else {
      const spec = format[++i]!;
      const value = map[spec];
      if (value === undefined && 'YyMmDdbcejUuVvWwXxaA'.includes(spec)) return null;
      out += value ?? spec;
    }
  }
  return out;
}

function regexpOf(pattern: V): RegExp | null {
  try {
    return new RegExp(text(pattern), 'iu');
  } catch {
    return null;
  }
}

/** SOUNDEX as MySQL computes it: the first letter, then the codes of the others, at least 4. */
function soundex(s: string): string {
  const codes: Record<string, string> = {};
  for (const [letters, code] of [
    ['BFPV', '1'],
    ['CGJKQSXZ', '2'],
    ['DT', '3'],
    ['L', '4'],
    ['MN', '5'],
    ['R', '6'],
  ] as const)
    for (const letter of letters) codes[letter] = code;
  const letters = [...s.toUpperCase()].filter((c) => /[A-Z]/.test(c));
  if (letters.length === 0) return '';
  let out = letters[0]!;
  let last = codes[out] ?? '';
  for (const c of letters.slice(1)) {
    const code = codes[c] ?? '';
    if (code !== '' && code !== last) out += code;
    if (c !== 'H' && c !== 'W') last = code;
  }
  return out.padEnd(4, '0');
}

/** Date, time and string functions MySQL has and SQLite lacks. */
const MORE_IMPLEMENTATIONS: Readonly<Record<string, Fn>> = {
  ascii: nullSafe((v) => {
    const bytes = v instanceof Uint8Array ? v : Buffer.from(text(v), 'utf8');
    return bytes.length === 0 ? 0 : bytes[0]!;
  }),
  // ORD of a multibyte character is its bytes as one big-endian number (MySQL's rule).
  ord: nullSafe((v) => {
    const first = [...text(v)][0];
    if (first === undefined) return 0;
    return [...Buffer.from(first, 'utf8')].reduce((acc, b) => acc * 256 + b, 0);
  }),
  quote: (v) => {
    if (isNull(v)) return 'NULL';
    const escapes: Record<string, string> = {
      '\\': '\\\\',
      "'": "\\'",
      '\0': '\\0',
      '\u001a': '\\Z',
    };
    return `'${[...text(v)].map((c) => escapes[c] ?? c).join('')}'`;
  },
  to_base64: nullSafe((v) =>
    (v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(text(v), 'utf8')).toString('base64'),
  ),
  from_base64: nullSafe((v) => {
    const t = text(v);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t.replace(/\s/g, ''))) return null;
    return Buffer.from(t, 'base64').toString('utf8');
  }),
  soundex: nullSafe((v) => soundex(text(v))),
  insert: nullSafe((s, pos, length, replacement) => {
    const chars = [...text(s)];
    const at = int(pos);
    if (at < 1 || at > chars.length) return text(s);
    const n = Math.max(0, Math.min(int(length) < 0 ? chars.length : int(length), chars.length));
    return [...chars.slice(0, at - 1), text(replacement), ...chars.slice(at - 1 + n)].join('');
  }),
  benchmark: () => 0,
  quarter: dateFn((d) => Math.floor(d.getMonth() / 3) + 1),
  time_to_sec: nullSafe((v) => timeSeconds(v)),
  sec_to_time: nullSafe((n) => clampTime(int(n))),
  makedate: nullSafe((year, day) => {
    if (int(day) <= 0) return null;
    return dateOnly(new Date(int(year), 0, int(day)));
  }),
  maketime: nullSafe((h, m, sec) => {
    if (int(m) < 0 || int(m) > 59 || int(sec) < 0 || int(sec) >= 60) return null;
    const sign = int(h) < 0 ? -1 : 1;
    return clampTime(sign * (Math.abs(int(h)) * 3600 + int(m) * 60 + int(sec)));
  }),
  period_add: nullSafe((p, n) => {
    const months = periodMonths(p) + int(n);
    return Math.floor(months / 12) * 100 + (months % 12) + 1;
  }),
  period_diff: nullSafe((a, b) => periodMonths(a) - periodMonths(b)),
  to_seconds: dateFn(
    (d) => toDays(d) * 86400 + d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds(),
  ),
  timestamp: (v, t) => {
    const d = parseDatetime(v ?? null);
    if (d === null) return null;
    if (t === undefined) return formatDatetime(d);
    return isNull(t) ? null : datetimePlusTime(d, v ?? null, t, 1);
  },
  addtime: nullSafe((a, b) => addTime(a, b, 1)),
  subtime: nullSafe((a, b) => addTime(a, b, -1)),
  time_format: nullSafe((v, format) => timeFormat(v, text(format))),
  bit_length: nullSafe((v) =>
    v instanceof Uint8Array ? v.length * 8 : Buffer.byteLength(text(v), 'utf8') * 8,
  ),
  is_ipv4: (v) => (!isNull(v) && isIPv4(text(v)) ? 1 : 0),
  is_ipv6: (v) => (!isNull(v) && isIPv6(text(v)) ? 1 : 0),
  make_set: (bits, ...list) => {
    if (isNull(bits)) return null;
    const mask = BigInt.asUintN(64, BigInt(int(bits)));
    return list
      .filter((item, i) => !isNull(item) && ((mask >> BigInt(i)) & 1n) === 1n)
      .map((item) => text(item))
      .join(',');
  },
  export_set: (bits, on, off, separator, count) => {
    if (isNull(bits) || isNull(on) || isNull(off)) return null;
    const mask = BigInt.asUintN(64, BigInt(int(bits)));
    const n = count === undefined || isNull(count) ? 64 : Math.max(0, Math.min(64, int(count)));
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(text((mask >> BigInt(i)) & 1n ? on : off));
    return parts.join(separator === undefined || isNull(separator) ? ',' : text(separator));
  },
  regexp_replace: nullSafe((s, pattern, replacement) => {
    const re = regexpOf(pattern);
    if (re === null) return null;
    const global = new RegExp(re.source, 'giu');
    return text(s).replace(global, () => text(replacement));
  }),
  regexp_instr: nullSafe((s, pattern) => {
    const re = regexpOf(pattern);
    if (re === null) return null;
    const m = re.exec(text(s));
    return m === null ? 0 : [...text(s).slice(0, m.index)].length + 1;
  }),
  regexp_substr: nullSafe((s, pattern) => {
    const re = regexpOf(pattern);
    if (re === null) return null;
    return re.exec(text(s))?.[0] ?? '';
  }),
};

/** JSON functions MySQL has and SQLite lacks (or spells differently). */
const JSON_IMPLEMENTATIONS: Readonly<Record<string, Fn>> = {
  json_arg: jsonMarked,
  json_set: (...args) => jsonWrite('set', args),
  json_insert: (...args) => jsonWrite('insert', args),
  json_replace: (...args) => jsonWrite('replace', args),
  json_remove: (...args) => jsonRemove(args),
  json_type: nullSafe((doc) => {
    const d = jsonParse(doc);
    if (d === undefined) return null;
    if (d === null) return 'NULL';
    if (Array.isArray(d)) return 'ARRAY';
    if (typeof d === 'object') return 'OBJECT';
    if (typeof d === 'boolean') return 'BOOLEAN';
    if (typeof d === 'string') return 'STRING';
    return Number.isInteger(d) && !/[.eE]/.test(text(doc)) ? 'INTEGER' : 'DOUBLE';
  }),
  json_depth: nullSafe((doc) => {
    const d = jsonParse(doc);
    return d === undefined ? null : jsonDepth(d);
  }),
  json_compact: nullSafe((doc) => {
    const d = jsonParse(doc);
    return d === undefined ? null : JSON.stringify(d);
  }),
  json_value: nullSafe((doc, path) => {
    const steps = jsonPathSteps(text(path));
    const d = jsonParse(doc);
    if (steps === null || d === undefined) return null;
    const found = jsonPathGet(d, text(path));
    if (found === undefined || found === null || typeof found === 'object') return null;
    return typeof found === 'string' ? found : JSON.stringify(found);
  }),
  json_query: nullSafe((doc, path) => {
    const d = jsonParse(doc);
    if (jsonPathSteps(text(path)) === null || d === undefined) return null;
    const found = jsonPathGet(d, text(path));
    return found !== null && typeof found === 'object' ? jsonText(found) : null;
  }),
  json_merge_patch: (...args) => {
    if (args.length < 2) return null;
    let out: unknown = jsonParse(args[0] ?? null);
    for (const next of args.slice(1)) {
      const patch = jsonParse(next);
      if (out === undefined || patch === undefined) return null;
      out = mergePatch(out, patch);
    }
    return out === undefined || out === null ? null : jsonText(out);
  },
  json_merge_preserve: (...args) => {
    if (args.length < 2 || args.some(isNull)) return null;
    let out: unknown = jsonParse(args[0]!);
    for (const next of args.slice(1)) {
      const other = jsonParse(next);
      if (out === undefined || other === undefined) return null;
      out = mergePreserve(out, other);
    }
    return jsonText(out);
  },
  json_array_append: (...args) => {
    if (args.length < 3 || args.some((a, i) => i % 2 === 1 && isNull(a)) || isNull(args[0]!))
      return null;
    let doc = jsonParse(args[0]!);
    for (let i = 1; i < args.length; i += 2) {
      const steps = jsonPathSteps(text(args[i]!));
      if (steps === null || doc === undefined) return null;
      const value = jsonArgument(args[i + 1] ?? null);
      const target = steps.length === 0 ? doc : jsonPathGet(doc, text(args[i]!));
      if (target === undefined) continue;
      const appended = Array.isArray(target) ? [...(target as unknown[]), value] : [target, value];
      doc = jsonPut(doc, steps, appended, 'set');
    }
    return jsonText(doc);
  },
  json_array_insert: (...args) => {
    if (args.length < 3 || args.some(isNull)) return null;
    let doc = jsonParse(args[0]!);
    for (let i = 1; i < args.length; i += 2) {
      const steps = jsonPathSteps(text(args[i]!));
      const at = steps?.at(-1);
      if (steps === null || typeof at !== 'number' || doc === undefined) return null;
      const parentPath = steps.slice(0, -1);
      let parent: unknown = doc;
      for (const step of parentPath)
        parent = (parent as Record<string | number, unknown> | null)?.[step];
      if (!Array.isArray(parent)) continue;
      const list = [...(parent as unknown[])];
      list.splice(Math.min(at, list.length), 0, jsonArgument(args[i + 1]!));
      doc = jsonPut(doc, parentPath, list, 'set');
    }
    return jsonText(doc);
  },
  json_contains_path: (doc, mode, ...paths) => {
    if (isNull(doc) || isNull(mode) || paths.some(isNull)) return null;
    const d = jsonParse(doc);
    const all = text(mode).toLowerCase();
    if (d === undefined || (all !== 'one' && all !== 'all')) return null;
    const found = paths.map((p) => jsonPathGet(d, text(p)) !== undefined);
    return (all === 'one' ? found.some(Boolean) : found.every(Boolean)) ? 1 : 0;
  },
  json_search: (doc, mode, needle) => {
    if (isNull(doc) || isNull(mode) || isNull(needle)) return null;
    const d = jsonParse(doc);
    if (d === undefined) return null;
    const hits: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value === 'string' && value === text(needle)) hits.push(path);
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    walk(d, '$');
    if (hits.length === 0) return null;
    const one = text(mode).toLowerCase() === 'one';
    return one || hits.length === 1 ? JSON.stringify(hits[0]) : jsonText(hits);
  },
};

// ------------------------------------------------------------------ query functions
// (CONVERT_TZ, TIMESTAMPADD, weeks, JSON_VALUE/SEARCH, REGEXP_*, base64, SOUNDEX, …): checked
// against MariaDB by test/acceptance/sql-functions.test.ts; they win over earlier definitions.

/** '+05:30' → 330 minutes; 'SYSTEM' → this host's offset at `utcMs`; a named zone via Intl. */
function zoneOffsetMinutes(zone: string, utcMs: number): number | null {
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(zone.trim());
  if (m !== null) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    // MariaDB accepts offsets from -12:59 to +13:00.
    if (Number(m[3]) > 59 || (m[1] === '+' ? minutes > 780 : minutes > 779)) return null;
    return m[1] === '-' ? -minutes : minutes;
  }
  if (zone.toUpperCase() === 'SYSTEM') return -new Date(utcMs).getTimezoneOffset();
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(utcMs));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    const wall = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60000);
  } catch {
    return null;
  }
}

/**
 * Wall-clock milliseconds (date parts read as UTC) in `zone` → the instant. A time that occurs
 * twice (a DST change back) is the earlier; one that does not exist (skipped forward) is the
 * change itself, as in MariaDB.
 */
function wallToUtc(wallMs: number, zone: string): number | null {
  const offsets = new Set<number>();
  for (const probe of [wallMs - 86400000, wallMs, wallMs + 86400000]) {
    const offset = zoneOffsetMinutes(zone, probe);
    if (offset === null) return null;
    offsets.add(offset);
  }
  const candidates = [...offsets]
    .map((offset) => wallMs - offset * 60000)
    .filter((utc) => wallMs - utc === (zoneOffsetMinutes(zone, utc) ?? NaN) * 60000);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: the change lies between the readings with the two offsets; find its minute.
  const readings = [...offsets].map((offset) => wallMs - offset * 60000);
  let low = Math.min(...readings);
  let high = Math.max(...readings);
  const before = zoneOffsetMinutes(zone, low);
  for (let step = 0; step < 32 && high - low > 60000; step++) {
    const middle = low + Math.floor((high - low) / 120000) * 60000;
    if (zoneOffsetMinutes(zone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

function convertTz(v: V, from: V, to: V): V {
  const d = parseDatetime(v);
  if (d === null) return null;
  const wall = Date.UTC(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  );
  const utc = wallToUtc(wall, text(from));
  if (utc === null) return null;
  const offset = zoneOffsetMinutes(text(to), utc);
  if (offset === null) return null;
  const out = new Date(utc + offset * 60000);
  const fraction = /\.(\d{1,6})\s*$/.exec(text(v));
  const base = formatUtc(out);
  return fraction === null ? base : `${base}.${fraction[1]}`;
}

/** A datetime moved from one zone to another; NULL, a zero date or a text that is not one stays. */
function moveZone(from: string, to: string): (v: V, zone: V) => V {
  return (v, zone) => {
    if (isNull(v) || isNull(zone)) return v;
    const t = text(v);
    if (t.startsWith('0000-00-00') || !/^\d{4}-\d{2}-\d{2}/.test(t)) return v;
    const z = text(zone);
    return convertTz(t, from === '' ? z : from, to === '' ? z : to) ?? v;
  };
}

function timeToSec(v: V): V {
  const m = /(-)?(\d+):(\d{1,2}):(\d{1,2})(\.\d+)?\s*$/.exec(text(v));
  if (m === null) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  const sign = m[1] === '-' ? '-' : '';
  // Whole seconds are an integer; a fraction keeps its digits, as MariaDB's DECIMAL does.
  return m[5] === undefined ? (sign === '-' ? -seconds : seconds) : `${sign}${seconds}${m[5]}`;
}

function makeDate(yearValue: V, dayValue: V): V {
  let year = int(yearValue);
  const day = int(dayValue);
  if (day <= 0 || year < 0 || year > 9999) return null;
  if (year < 70) year += 2000;
  else if (year < 100) year += 1900;
  const d = new Date(Date.UTC(year, 0, day));
  if (d.getUTCFullYear() > 9999) return null;
  return formatUtc(d).slice(0, 10);
}

function jsonScalarText(value: unknown): V {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return null;
}

/** JSON_SEARCH's paths of the string values LIKE `pattern` (MariaDB prints keys unquoted). */
function jsonSearch(doc: unknown, pattern: RegExp, path: string, out: string[]): void {
  if (typeof doc === 'string') {
    if (pattern.test(doc)) out.push(path);
  } else if (Array.isArray(doc)) {
    doc.forEach((item, i) => jsonSearch(item, pattern, `${path}[${i}]`, out));
  } else if (doc !== null && typeof doc === 'object') {
    for (const [key, item] of Object.entries(doc)) jsonSearch(item, pattern, `${path}.${key}`, out);
  }
}

/** A LIKE pattern (with its escape character) as a case-insensitive regular expression. */
function likePattern(pattern: string, escape: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escape && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'iu');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function regexpWithGroups(pattern: V, global = false): RegExp | null {
  try {
    return new RegExp(text(pattern), global ? 'giu' : 'iu');
  } catch {
    return null;
  }
}

/** MariaDB's replacement text: `\1` is the first group, a `$` is literal. */
function replacementText(replacement: string): string {
  return replacement.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}

/** SOUNDEX codes of A–Z; MySQL keeps every code (no 4-character cut) and skips vowels. */
const SOUNDEX_CODES = '01230120022455012623010202';

function soundexAsMysql(s: string): string {
  let out = '';
  let last = '';
  for (const ch of s.toUpperCase()) {
    if (ch < 'A' || ch > 'Z') continue;
    const code = SOUNDEX_CODES[ch.charCodeAt(0) - 65]!;
    if (out === '') {
      out = ch;
      last = code;
    } else if (code !== '0' && code !== last) {
      out += code;
      last = code;
    }
  }
  return out === '' ? '' : out.padEnd(4, '0');
}

/** TO_BASE64 as MySQL writes it: lines of 76 characters. */
function toBase64(v: V): string {
  const bytes = v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(text(v), 'utf8');
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

function fromBase64(v: V): V {
  const t = text(v).replace(/\s+/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  return Buffer.from(t, 'base64');
}

function insertString(s: V, posValue: V, lengthValue: V, replacement: V): V {
  const chars = [...text(s)];
  const pos = int(posValue);
  const length = int(lengthValue);
  if (pos < 1 || pos > chars.length) return text(s);
  const end = length < 0 || pos - 1 + length > chars.length ? chars.length : pos - 1 + length;
  return chars.slice(0, pos - 1).join('') + text(replacement) + chars.slice(end).join('');
}

function makeSet(bits: V, ...members: V[]): V {
  if (isNull(bits)) return null;
  let mask = BigInt.asUintN(64, BigInt(int(bits)));
  const out: string[] = [];
  for (const member of members) {
    if ((mask & 1n) === 1n && !isNull(member)) out.push(text(member));
    mask >>= 1n;
  }
  return out.join(',');
}

const QUERY_FUNCTIONS: Readonly<Record<string, Fn>> = {
  convert_tz: nullSafe(convertTz),
  timestampadd: (unit, amount, v) => addInterval(v ?? null, amount ?? null, unit ?? null, 1),
  quarter: dateFn((d) => Math.floor(d.getMonth() / 3) + 1),
  yearweek: (v, mode) => {
    const d = parseDatetime(v ?? null);
    if (d === null) return null;
    const [week, year] = calcWeek(d, weekMode(isNull(mode) ? 0 : int(mode)) | WEEK_YEAR);
    return year * 100 + week;
  },
  time_to_sec: nullSafe(timeToSec),
  makedate: nullSafe(makeDate),
  json_value: nullSafe((doc, path) => jsonScalarText(jsonPathGet(jsonParse(doc), text(path)))),
  json_search: (doc, mode, search, escape) => {
    if (isNull(doc) || isNull(mode) || isNull(search)) return null;
    const all = text(mode).toLowerCase();
    if (all !== 'one' && all !== 'all') return null;
    const parsed = jsonParse(doc);
    if (parsed === undefined) return null;
    const paths: string[] = [];
    const pattern = likePattern(text(search), isNull(escape) ? '\\' : text(escape) || '\\');
    jsonSearch(parsed, pattern, '$', paths);
    if (paths.length === 0) return null;
    if (all === 'one' || paths.length === 1) return JSON.stringify(paths[0]);
    return `[${paths.map((p) => JSON.stringify(p)).join(', ')}]`;
  },
  regexp_replace: nullSafe((s, pattern, replacement) => {
    const re = regexpWithGroups(pattern, true);
    return re === null ? null : text(s).replace(re, replacementText(text(replacement)));
  }),
  regexp_substr: nullSafe((s, pattern) => {
    const re = regexpWithGroups(pattern);
    return re === null ? null : (re.exec(text(s))?.[0] ?? '');
  }),
  regexp_instr: nullSafe((s, pattern) => {
    const re = regexpWithGroups(pattern);
    if (re === null) return null;
    const str = text(s);
    const match = re.exec(str);
    // Characters, not UTF-16 units, as MariaDB counts.
    return match === null ? 0 : [...str.slice(0, match.index)].length + 1;
  }),
  to_base64: nullSafe(toBase64),
  from_base64: nullSafe(fromBase64),
  insert: nullSafe(insertString),
  bit_length: nullSafe((v) =>
    v instanceof Uint8Array ? v.length * 8 : Buffer.byteLength(text(v), 'utf8') * 8,
  ),
  soundex: nullSafe((v) => soundexAsMysql(text(v))),
  make_set: makeSet,
};

const IMPLEMENTATIONS: Readonly<Record<string, Fn>> = {
  ...JSON_IMPLEMENTATIONS,
  ...MORE_IMPLEMENTATIONS,
  now: (fsp) => formatDatetime(new Date(), isNull(fsp) ? 0 : int(fsp)),
  sysdate: (fsp) => formatDatetime(new Date(), isNull(fsp) ? 0 : int(fsp)),
  curdate: () => dateOnly(new Date()),
  curtime: (fsp) => formatDatetime(new Date(), isNull(fsp) ? 0 : int(fsp)).slice(11),
  utc_timestamp: () => formatUtc(new Date()),
  utc_date: () => formatUtc(new Date()).slice(0, 10),
  utc_time: () => formatUtc(new Date()).slice(11),
  unix_timestamp: (v) => {
    if (v === undefined) return Math.floor(Date.now() / 1000);
    const d = parseDatetime(v);
    return d === null ? null : Math.floor(d.getTime() / 1000);
  },
  from_unixtime: (v, format) => {
    if (isNull(v)) return null;
    const d = new Date(num(v) * 1000);
    return isNull(format) ? formatDatetime(d) : dateFormat(d, text(format));
  },
  // A zero date stays one (DATE('0000-00-00 00:00:00') is 0000-00-00, as in MariaDB).
  date: (v) =>
    typeof v === 'string' && /^\s*0000-00-00(?![\d])/.test(v) ? '0000-00-00' : dateFn(dateOnly)(v),
  time: (v) => {
    if (isNull(v)) return null;
    const parts = timeParts(v);
    if (parts === null) return null;
    const fraction = FRACTION.exec(text(v))?.[1]?.slice(0, 6);
    const base = `${pad2(parts[0])}:${pad2(parts[1])}:${pad2(parts[2])}`;
    return fraction === undefined ? base : `${base}.${fraction}`;
  },
  year: datePart(0, (d) => d.getFullYear()),
  month: datePart(1, (d) => d.getMonth() + 1),
  day: datePart(2, (d) => d.getDate()),
  dayofmonth: datePart(2, (d) => d.getDate()),
  dayofweek: dateFn((d) => d.getDay() + 1),
  dayofyear: dateFn(dayOfYear),
  weekday: dateFn((d) => (d.getDay() + 6) % 7),
  week: (v, mode) => {
    const d = parseDatetime(v ?? null);
    if (d === null || (mode !== undefined && isNull(mode))) return null;
    return calcWeek(d, weekMode(mode === undefined ? 0 : int(mode)))[0];
  },
  yearweek: (v, mode) => {
    const d = parseDatetime(v ?? null);
    if (d === null || (mode !== undefined && isNull(mode))) return null;
    const [week, year] = calcWeek(d, weekMode(mode === undefined ? 0 : int(mode)) | WEEK_YEAR);
    return year * 100 + week;
  },
  weekofyear: dateFn((d) => calcWeek(d, weekMode(3))[0]),
  hour: (v) => (isNull(v) ? null : (timeParts(v)?.[0] ?? null)),
  minute: (v) => (isNull(v) ? null : (timeParts(v)?.[1] ?? null)),
  second: (v) => (isNull(v) ? null : (timeParts(v)?.[2] ?? null)),
  microsecond: (v) => {
    if (isNull(v)) return null;
    const m = /\.(\d{1,6})\s*$/.exec(text(v));
    return m === null ? 0 : Number(m[1]!.padEnd(6, '0'));
  },
  dayname: dateFn((d) => DAY_NAMES[d.getDay()]!),
  monthname: dateFn((d) => MONTH_NAMES[d.getMonth()]!),
  last_day: dateFn((d) => dateOnly(new Date(d.getFullYear(), d.getMonth() + 1, 0))),
  date_format: (v, format) => formatDate(v ?? null, format ?? null),
  str_to_date: nullSafe((s, format) => {
    const parsed = strToDate(text(s), text(format));
    if (parsed === null)
      report(
        'Warning',
        1411,
        'HY000',
        `Incorrect datetime value: '${text(s)}' for function str_to_date`,
      );
    return parsed;
  }),
  date_add: (v, amount, unit) => addInterval(v ?? null, amount ?? null, unit ?? null, 1),
  date_sub: (v, amount, unit) => addInterval(v ?? null, amount ?? null, unit ?? null, -1),
  datediff: (a, b) => {
    const x = parseDatetime(a ?? null);
    const y = parseDatetime(b ?? null);
    return x === null || y === null ? null : toDays(x) - toDays(y);
  },
  timediff: nullSafe((a, b) => {
    // The fraction's digits: the wider of the two arguments'.
    const scale = Math.min(
      6,
      Math.max(FRACTION.exec(text(a))?.[1]?.length ?? 0, FRACTION.exec(text(b))?.[1]?.length ?? 0),
    );
    const x = parseDatetime(a);
    const y = parseDatetime(b);
    if (x !== null && y !== null) {
      const us = (x.getTime() - y.getTime()) * 1000 + (micros(x) % 1000) - (micros(y) % 1000);
      return fractionalTime(us, scale);
    }
    const p = exactTimeSeconds(a);
    const q = exactTimeSeconds(b);
    if (p === null || q === null) return null;
    return fractionalTime(Math.round((p - q) * 1_000_000), scale);
  }),
  timestampdiff: (unit, a, b) => timestampDiff(unit ?? null, a ?? null, b ?? null),
  extract: (unit, v) => {
    const d = parseDatetime(v ?? null);
    if (d === null) return null;
    switch (text(unit ?? '')) {
      case 'YEAR':
        return d.getFullYear();
      case 'MONTH':
        return d.getMonth() + 1;
      case 'DAY':
        return d.getDate();
      case 'HOUR':
        return d.getHours();
      case 'MINUTE':
        return d.getMinutes();
      case 'SECOND':
        return d.getSeconds();
      case 'QUARTER':
        return Math.floor(d.getMonth() / 3) + 1;
      case 'YEAR_MONTH':
        return d.getFullYear() * 100 + d.getMonth() + 1;
      case 'DAY_HOUR':
        return d.getDate() * 100 + d.getHours();
      case 'DAY_MINUTE':
        return (d.getDate() * 100 + d.getHours()) * 100 + d.getMinutes();
      case 'DAY_SECOND':
        return ((d.getDate() * 100 + d.getHours()) * 100 + d.getMinutes()) * 100 + d.getSeconds();
      case 'HOUR_MINUTE':
        return d.getHours() * 100 + d.getMinutes();
      case 'HOUR_SECOND':
        return (d.getHours() * 100 + d.getMinutes()) * 100 + d.getSeconds();
      case 'MINUTE_SECOND':
        return d.getMinutes() * 100 + d.getSeconds();
      case 'MICROSECOND':
        return micros(d);
      case 'SECOND_MICROSECOND':
        return d.getSeconds() * 1_000_000 + micros(d);
      case 'MINUTE_MICROSECOND':
        return (d.getMinutes() * 100 + d.getSeconds()) * 1_000_000 + micros(d);
      case 'HOUR_MICROSECOND':
        return (
          ((d.getHours() * 100 + d.getMinutes()) * 100 + d.getSeconds()) * 1_000_000 + micros(d)
        );
      case 'DAY_MICROSECOND':
        return (
          (((d.getDate() * 100 + d.getHours()) * 100 + d.getMinutes()) * 100 + d.getSeconds()) *
            1_000_000 +
          micros(d)
        );
      case 'WEEK':
        return calcWeek(d, weekMode(0))[0];
      default:
        return null;
    }
  },
  to_days: dateFn(toDays),
  from_days: (v) =>
    isNull(v)
      ? null
      : dateOnly(new Date((int(v) - 719528) * 86400000 + new Date().getTimezoneOffset() * 60000)),
  // A hex literal in a numeric context: its bytes as an unsigned big-endian integer; past
  // 2^63 - 1 the digits (arithmetic.ts carries unsigned values so), past 64 bits a double.
  hex_number: (v) => {
    if (isNull(v)) return null;
    const bytes = v instanceof Uint8Array ? v : Buffer.from(text(v), 'utf8');
    if (bytes.length === 0) return 0;
    const n = BigInt('0x' + Buffer.from(bytes).toString('hex'));
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
    return n <= UINT64_MASK ? carried(n) : Number(n);
  },
  cast_char: (v, length) => {
    if (isNull(v) || isNull(length)) return null;
    const value = text(v);
    const characters = [...value];
    const n = Number(length);
    if (characters.length <= n) return value;
    report('Warning', 1292, '22007', `Truncated incorrect CHAR(${n}) value: '${value}'`);
    return characters.slice(0, n).join('');
  },
  cast_date: dateFn(dateOnly),
  cast_datetime: (v, fsp) => {
    const d = parseDatetime(v ?? null);
    return d === null ? null : formatDatetime(d, isNull(fsp) ? 0 : int(fsp));
  },
  cast_time: (v, fsp) => (isNull(v) ? null : castTime(v, isNull(fsp) ? 0 : Number(fsp))),
  trim: (s, chars) => {
    if (isNull(s)) return null;
    const c = isNull(chars) ? ' ' : text(chars);
    let str = text(s);
    if (c === '') return str;
    while (str.startsWith(c)) str = str.slice(c.length);
    while (str.endsWith(c)) str = str.slice(0, -c.length);
    return str;
  },
  // TRIM(LEADING|TRAILING r FROM s): every leading (trailing) occurrence of the string r.
  ltrim: (s, chars) => {
    if (isNull(s)) return null;
    const c = isNull(chars) ? ' ' : text(chars);
    let str = text(s);
    if (c === '') return str;
    while (str.startsWith(c)) str = str.slice(c.length);
    return str;
  },
  rtrim: (s, chars) => {
    if (isNull(s)) return null;
    const c = isNull(chars) ? ' ' : text(chars);
    let str = text(s);
    if (c === '') return str;
    while (str.endsWith(c)) str = str.slice(0, -c.length);
    return str;
  },
  lower: (s) => caseMapped(s, true),
  upper: (s) => caseMapped(s, false),
  locate: (sub, s, pos) => {
    if (isNull(sub) || isNull(s)) return null;
    const start = isNull(pos) ? 1 : int(pos);
    if (start < 1) return 0;
    return (
      text(s)
        .toLowerCase()
        .indexOf(text(sub).toLowerCase(), start - 1) + 1
    );
  },
  right: nullSafe((s, n) => {
    const k = int(n);
    return k <= 0 ? '' : text(s).slice(-k);
  }),
  reverse: nullSafe((s) => [...text(s)].reverse().join('')),
  repeat: nullSafe((s, n) => (int(n) <= 0 ? '' : text(s).repeat(Math.min(int(n), 1_000_000)))),
  space: nullSafe((n) => ' '.repeat(Math.max(0, Math.min(int(n), 1_000_000)))),
  lpad: pad(true),
  rpad: pad(false),
  hex: nullSafe((v) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex').toUpperCase();
    if (typeof v === 'bigint' || typeof v === 'number')
      return BigInt.asUintN(64, BigInt(Math.trunc(Number(v))))
        .toString(16)
        .toUpperCase();
    return Buffer.from(text(v), 'utf8').toString('hex').toUpperCase();
  }),
  field: (v, ...list) => {
    if (isNull(v)) return 0;
    const t = text(v).toLowerCase();
    return list.findIndex((x) => !isNull(x) && text(x).toLowerCase() === t) + 1;
  },
  elt: (n, ...list) => {
    if (isNull(n)) return null;
    return list[int(n) - 1] ?? null;
  },
  find_in_set: nullSafe((s, set) => text(set).split(',').indexOf(text(s)) + 1),
  format: nullSafe((n, d) => {
    const places = Math.max(0, Math.min(int(d), 30));
    return num(n).toLocaleString('en-US', {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
  }),
  substring_index: nullSafe((s, delim, count) => {
    const str = text(s);
    const d = text(delim);
    const n = int(count);
    if (d === '' || n === 0) return '';
    const parts = str.split(d);
    return n > 0 ? parts.slice(0, n).join(d) : parts.slice(n).join(d);
  }),
  strcmp: nullSafe((a, b) => {
    const x = text(a).toLowerCase();
    const y = text(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }),
  md5: (v) => hash('md5', v ?? null),
  sha1: (v) => hash('sha1', v ?? null),
  sha2: (v, bits) => {
    if (isNull(bits)) return null;
    const b = int(bits);
    const algorithm =
      b === 0 || b === 256
        ? 'sha256'
        : b === 224
          ? 'sha224'
          : b === 384
            ? 'sha384'
            : b === 512
              ? 'sha512'
              : null;
    return algorithm === null ? null : hash(algorithm, v ?? null);
  },
  crc32: nullSafe((v) => crc32(v instanceof Uint8Array ? v : Buffer.from(text(v), 'utf8'))),
  uuid: () => randomUUID(),
  rand: (seed) => (isNull(seed) ? Math.random() : seededRand(seed)),
  round: (n, d) => (isNull(n) || (d !== undefined && isNull(d)) ? null : roundTo(n, d, 'round')),
  truncate: nullSafe((n, d) => roundTo(n, d, 'truncate')),
  atan: nullSafe((y, x) => (x === undefined ? Math.atan(num(y)) : Math.atan2(num(y), num(x)))),
  cot: nullSafe((x) => 1 / Math.tan(num(x))),
  conv: nullSafe((n, from, to) => {
    const parsed = parseInt(text(n), int(from));
    return Number.isNaN(parsed) ? null : parsed.toString(Math.abs(int(to))).toUpperCase();
  }),
  bin: nullSafe((n) => BigInt.asUintN(64, BigInt(int(n))).toString(2)),
  oct: nullSafe((n) => BigInt.asUintN(64, BigInt(int(n))).toString(8)),
  bit_count: nullSafe(
    (n) => [...BigInt.asUintN(64, BigInt(int(n))).toString(2)].filter((c) => c === '1').length,
  ),
  json_extract: jsonExtract,
  json_unquote: nullSafe((v) => {
    const t = text(v);
    if (t.startsWith('"') && t.endsWith('"')) {
      const parsed = jsonParse(t);
      return typeof parsed === 'string' ? parsed : t;
    }
    return t;
  }),
  // JSON_CONTAINS(doc, candidate[, path]): the value at path contains the candidate as
  // MariaDB's json_contains decides (jsonContains below); no value at path is 0 there, a path
  // that is not one NULL.
  json_valid: jsonValid,
  json_contains: nullSafe((doc, candidate, path) => {
    let d = jsonParse(doc);
    if (path !== undefined && !jsonPathValid(text(path), 'json_contains', 3)) return null;
    if (path !== undefined && jsonPathSteps(text(path)) === null) return null;
    if (path !== undefined) d = jsonPathGet(d, text(path));
    if (d === undefined) return 0;
    return jsonContains(d, jsonParse(candidate)) ? 1 : 0;
  }),
  json_length: (doc, path) => {
    if (isNull(doc)) return null;
    if (!isNull(path) && path !== undefined && !jsonPathValid(text(path), 'json_length', 2))
      return null;
    let d = jsonParse(doc);
    if (!isNull(path)) d = jsonPathGet(d, text(path));
    if (d === undefined) return null;
    if (Array.isArray(d)) return d.length;
    if (d !== null && typeof d === 'object') return Object.keys(d).length;
    return 1;
  },
  json_keys: nullSafe((doc) => {
    const d = jsonParse(doc);
    return d !== null && typeof d === 'object' && !Array.isArray(d)
      ? `[${Object.keys(d)
          .map((k) => JSON.stringify(k))
          .join(', ')}]`
      : null;
  }),
  json_quote: nullSafe((v) => JSON.stringify(text(v))),
  inet_aton: nullSafe((v) => {
    const parts = text(v).split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
      return null;
    return parts.reduce((acc, p) => acc * 256 + p, 0);
  }),
  inet_ntoa: nullSafe((v) => {
    const n = int(v);
    if (n < 0 || n > 0xffffffff) return null;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }),
  inet6_aton: nullSafe((v) => {
    const bytes = inet6Bytes(text(v));
    return bytes === null ? null : Buffer.from(bytes);
  }),
  inet6_ntoa: nullSafe((v) => (v instanceof Uint8Array ? inet6Text(v) : null)),
  // The session sleeps before a statement without tables runs (dml.ts, sleepFirst); a sleep
  // KILL QUERY cut short fails the statement with 1317, so the function answers 0.
  sleep: () => 0,
  // Answered before the statement runs (user-locks.ts): the session may wait for a lock there.
  get_lock: () => nextLockAnswer('GET_LOCK'),
  release_lock: () => nextLockAnswer('RELEASE_LOCK'),
  is_free_lock: () => nextLockAnswer('IS_FREE_LOCK'),
  is_used_lock: () => nextLockAnswer('IS_USED_LOCK'),
  release_all_locks: () => nextLockAnswer('RELEASE_ALL_LOCKS'),
  regexp: (pattern, value) => {
    if (isNull(pattern) || isNull(value)) return null;
    const re = likeRegexp(text(pattern));
    return re === null ? null : re.test(text(value)) ? 1 : 0;
  },
  // `x REGEXP p` under a binary or _bin collation (emit-expression.ts): case counts.
  regexp_cs: (value, pattern) => {
    if (isNull(pattern) || isNull(value)) return null;
    const re = likeRegexp(text(pattern), '');
    return re === null ? null : re.test(text(value)) ? 1 : 0;
  },
  // Last: the query functions above win over the definitions before them.
  ...QUERY_FUNCTIONS,
};

const NON_DETERMINISTIC = new Set([
  'now',
  'sysdate',
  'curdate',
  'curtime',
  'utc_timestamp',
  'utc_date',
  'utc_time',
  'unix_timestamp',
  'from_unixtime',
  'uuid',
  'rand',
  'sleep',
  'get_lock',
  'release_lock',
  'is_free_lock',
  'is_used_lock',
  'release_all_locks',
  'from_days',
]);

const UINT64_MASK = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;

function bitAggregate(op: 'and' | 'or' | 'xor'): UserAggregate {
  return {
    start: () => (op === 'and' ? UINT64_MASK : 0n),
    step: (state, value) => {
      if (value === null || value === undefined) return state;
      let v: bigint;
      try {
        v = BigInt.asUintN(
          64,
          typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))),
        );
      } catch {
        v = 0n;
      }
      const acc = state as bigint;
      return op === 'and' ? acc & v : op === 'or' ? acc | v : acc ^ v;
    },
    // MySQL's result is unsigned 64-bit; above SQLite's INTEGER range it is returned as text.
    result: (state) => {
      const v = (state as bigint) & UINT64_MASK;
      return v > INT64_MAX ? v.toString() : v;
    },
  };
}

interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** Population or sample variance (or its square root), by Welford's method; NULLs skipped. */
function varianceAggregate(sample: boolean, root: boolean): UserAggregate {
  return {
    start: (): Moments => ({ n: 0, mean: 0, m2: 0 }),
    step: (state, value) => {
      const m = state as Moments;
      if (value === null || value === undefined) return m;
      const x = Number(value);
      if (Number.isNaN(x)) return m;
      m.n += 1;
      const delta = x - m.mean;
      m.mean += delta / m.n;
      m.m2 += delta * (x - m.mean);
      return m;
    },
    result: (state) => {
      const m = state as Moments;
      const divisor = sample ? m.n - 1 : m.n;
      if (divisor <= 0) return null;
      const variance = m.m2 / divisor;
      return root ? Math.sqrt(variance) : variance;
    },
  };
}

/** JSON_OBJECTAGG in MariaDB's spelling: `{"k":v, "k2":v2}`. */
const jsonObjectAggregate: UserAggregate = {
  start: (): string[] => [],
  step: (state, key, value) => {
    const entries = state as string[];
    if (key === null || key === undefined) return entries;
    const json =
      value === null || value === undefined
        ? 'null'
        : typeof value === 'number' || typeof value === 'bigint'
          ? String(value)
          : JSON.stringify(text(value));
    entries.push(`${JSON.stringify(text(key))}:${json}`);
    return entries;
  },
  result: (state) => {
    const entries = state as string[];
    return entries.length === 0 ? null : `{${entries.join(', ')}}`;
  },
};

const AGGREGATE_IMPLEMENTATIONS: Record<string, UserAggregate> = {
  json_objectagg: jsonObjectAggregate,
  bit_and: bitAggregate('and'),
  bit_or: bitAggregate('or'),
  bit_xor: bitAggregate('xor'),
  std: varianceAggregate(false, true),
  stddev: varianceAggregate(false, true),
  stddev_pop: varianceAggregate(false, true),
  stddev_samp: varianceAggregate(true, true),
  variance: varianceAggregate(false, false),
  var_pop: varianceAggregate(false, false),
  var_samp: varianceAggregate(true, false),
};

/** Every user function the emitter may produce, ready for Store.open (the store function too). */
export function userFunctions(): UserFunction[] {
  return [
    ...queryFunctions(),
    storeValueFunction(),
    ...changedGuardFunctions(),
    singleValueFunction(),
    ...effectFunctions(),
    ...expressionFunctions(),
    ...decimalFunctions(),
    ...arithmeticFunctions(),
    castDecimalFunction(),
    jsonTableFunction(),
    { name: JSON_FORMAT_FUNCTION, deterministic: true, varargs: false, fn: formatJson },
    { name: TEMPORAL_NUMBER_FUNCTION, deterministic: true, varargs: false, fn: temporalNumber },
    { name: UTC_TO_ZONE_FUNCTION, deterministic: true, varargs: false, fn: moveZone('+00:00', '') },
    { name: ZONE_TO_UTC_FUNCTION, deterministic: true, varargs: false, fn: moveZone('', '+00:00') },
    {
      name: SYSTEM_TO_ZONE_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: moveZone('SYSTEM', ''),
    },
    {
      name: ZONE_TO_SYSTEM_FUNCTION,
      deterministic: true,
      varargs: false,
      fn: moveZone('', 'SYSTEM'),
    },
  ];
}

/** CAST AS DECIMAL, outside queryFunctions' catching wrapper: a strict write fails with 1264. */
export function castDecimalFunction(): UserFunction {
  return { name: CAST_DECIMAL_FUNCTION, deterministic: false, varargs: false, fn: castDecimal };
}

function queryFunctions(): UserFunction[] {
  return USER_FUNCTIONS.map((sqliteName) => {
    const short = sqliteName.replace(/^mysql_/, '');
    const aggregate = AGGREGATE_IMPLEMENTATIONS[short];
    if (aggregate !== undefined) {
      return { name: sqliteName, deterministic: true, varargs: true, fn: () => null, aggregate };
    }
    const impl = IMPLEMENTATIONS[short] ?? ((): V => null);
    // A function MySQL types as an integer answers SQLite an INTEGER, not a JS number's REAL:
    // in string context SQLite spells a REAL 2024 as '2024.0' (CONCAT(YEAR(d), '-') was
    // '2024.0-').
    const integral = INT_FUNCTIONS.has(short.toUpperCase());
    const safe: Fn = (...args) => {
      try {
        const out = impl(...args);
        if (integral && typeof out === 'number' && Number.isSafeInteger(out)) return BigInt(out);
        return out === undefined ? null : out;
      } catch (error) {
        // A warning a strict write refuses ends the statement (expression-warnings.ts).
        if (error instanceof ValueRefusal) throw error;
        return null;
      }
    };
    return {
      name: sqliteName,
      deterministic: !NON_DETERMINISTIC.has(short),
      varargs: true,
      fn: safe,
    };
  });
}
