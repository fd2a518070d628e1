// JSON_TABLE's rows: the SQLite virtual table `mysql_json_table(doc, spec)` the emitter puts in
// FROM (sql/json-table.ts). It reads the document, walks the row path, and yields one row per
// match, NESTED paths as MariaDB 10.11 expands them: the rows of each nested path in turn, the
// other nested paths' columns NULL, and one row of NULLs when none of them matches. Values are
// converted to the column's type as MariaDB stores them into its temporary table, with its
// warnings (1366, 1265, 1264) and the ON EMPTY / ON ERROR choices.
import type { SqlValue } from '../codec/index.js';
import {
  JSON_TABLE_COLUMNS_MAX,
  JSON_TABLE_FUNCTION,
  integerRange,
  type DataType,
  type JsonPathStep,
  type JsonTableSpec,
  type SpecColumn,
} from '../sql/index.js';
import { ValueRefusal, type UserFunction } from '../storage/index.js';
import { mysqlError, refusedWith } from './errors.js';
import { report } from './expression-warnings.js';
import { JsonNumber, jsonText, parseJson, type Json } from './json-text.js';

type V = SqlValue;
type Row = V[];

/** Rows one JSON_TABLE may yield for one document (a bound on the nested expansion). */
const JSON_TABLE_ROWS_MAX = 1_000_000;

/** The virtual table, ready for Store.open. */
export function jsonTableFunction(): UserFunction {
  const columns = Array.from({ length: JSON_TABLE_COLUMNS_MAX }, (_, i) => `c${i}`);
  return {
    name: JSON_TABLE_FUNCTION,
    deterministic: false,
    fn: () => null,
    table: { columns, parameters: ['doc', 'spec'], rows: jsonTableRows },
  };
}

function* jsonTableRows(doc: V, spec: V): Generator<Row> {
  if (doc === null || typeof spec !== 'string') return;
  const parsed = parseJson(
    doc instanceof Uint8Array ? Buffer.from(doc).toString('utf8') : String(doc),
  );
  const table = JSON.parse(spec) as JsonTableSpec;
  if (!parsed.ok)
    fail(4037, 'HY000', `Unexpected end of JSON text in argument 1 to function 'JSON_TABLE'`);
  const rows: Row[] = [];
  expand(
    table,
    table.path,
    table.columns,
    parsed.value,
    Array<V>(JSON_TABLE_COLUMNS_MAX).fill(null),
    rows,
  );
  yield* rows;
}

// MariaDB stores JSON_TABLE's values into its temporary table with warnings, never errors.
function warn(level: 'Note' | 'Warning', code: number, sqlState: string, message: string): void {
  report(level, code, sqlState, message, true);
}

function fail(code: number, sqlState: string, message: string): never {
  throw new ValueRefusal(refusedWith(mysqlError(code, sqlState, message)));
}

// The rows of one level: each match of `path` in `node`, its own columns set in a copy of
// `base`, then its nested paths' rows (or itself alone when they have none).
function expand(
  table: JsonTableSpec,
  path: readonly JsonPathStep[],
  columns: readonly SpecColumn[],
  node: Json,
  base: Row,
  out: Row[],
): void {
  const matches: Json[] = [];
  find(node, path, matches);
  matches.forEach((match, i) => {
    const row = [...base];
    for (const c of columns) {
      if (c.kind === 'ordinality') row[c.at] = BigInt(i + 1);
      else if (c.kind === 'path') row[c.at] = columnValue(table, c, match);
    }
    let any = false;
    for (const c of columns) {
      if (c.kind !== 'nested') continue;
      const before = out.length;
      expand(table, c.path, c.columns, match, row, out);
      any ||= out.length > before;
    }
    if (!any) out.push(row);
    if (out.length > JSON_TABLE_ROWS_MAX)
      fail(1235, '42000', "This version of trireme doesn't yet support 'more JSON_TABLE rows'");
  });
}

function find(value: Json, steps: readonly JsonPathStep[], out: Json[]): void {
  if (steps.length === 0) {
    out.push(value);
    return;
  }
  const [step, ...rest] = steps as [JsonPathStep, ...JsonPathStep[]];
  if (step === '*') {
    if (Array.isArray(value)) for (const child of value) find(child, rest, out);
  } else if ('index' in step) {
    // A scalar is an array of one element to a path ($[0] of 5 is 5), as in MariaDB.
    const list = Array.isArray(value) ? value : [value];
    if (step.index < list.length) find(list[step.index]!, rest, out);
  } else if (isObject(value) && Object.hasOwn(value, step.key)) {
    find(value[step.key]!, rest, out);
  }
}

function isObject(value: Json): value is { [key: string]: Json } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof JsonNumber)
  );
}

type PathColumn = SpecColumn & { kind: 'path' };

function columnValue(table: JsonTableSpec, c: PathColumn, match: Json): V {
  const found: Json[] = [];
  find(match, c.path, found);
  if (c.exists) return found.length > 0 ? 1n : 0n;
  if (found.length === 0) return onCondition(table, c, c.onEmpty, 4176);
  const value = found[0]!;
  const json = c.type.name === 'JSON';
  if (found.length > 1) return onCondition(table, c, c.onError, 4179);
  if (!json && (Array.isArray(value) || isObject(value)))
    return onCondition(table, c, c.onError, 4178);
  if (value === null) return null;
  if (json) return jsonText(value);
  const text =
    value instanceof JsonNumber
      ? value.source
      : typeof value === 'boolean'
        ? String(value)
        : (value as string);
  if (typeof value === 'boolean' && isNumericType(c.type)) return value ? 1n : 0n;
  return convert(text, c, value instanceof JsonNumber);
}

const CONDITION_MESSAGES: Record<number, string> = {
  4176: "Field '%c' can't be set for JSON_TABLE '%t'.",
  4178: "Can't store an array or an object in the scalar column '%c' of JSON_TABLE '%t'.",
  4179: "Can't store multiple matches of the path in the column '%c' of JSON_TABLE '%t'.",
};

// ON EMPTY (4176) or ON ERROR (4178: an array or object for a scalar, 4179: several matches).
function onCondition(
  table: JsonTableSpec,
  c: PathColumn,
  on: PathColumn['onEmpty'],
  code: number,
): V {
  if (on.kind === 'NULL') return null;
  if (on.kind === 'ERROR') {
    const message = CONDITION_MESSAGES[code]!.replace('%c', c.name).replace('%t', table.alias);
    fail(code, 'HY000', message);
  }
  return convert(on.value, c, false);
}

function isNumericType(t: DataType): boolean {
  return integerRange(t) !== null || ['DECIMAL', 'DOUBLE', 'FLOAT', 'BIT', 'YEAR'].includes(t.name);
}

const NUMBER_PREFIX = /^[ \t\n\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

// A value as MariaDB stores it into a column of the type (lax: a warning, never an error).
function convert(text: string, c: PathColumn, number: boolean): V {
  const t = c.type;
  if (integerRange(t) !== null || t.name === 'DECIMAL' || t.name === 'DOUBLE' || t.name === 'FLOAT')
    return convertNumber(text, c, number);
  if (t.name === 'DATE' || t.name === 'DATETIME' || t.name === 'TIMESTAMP')
    return convertDate(text, c);
  const length = t.length ?? (t.name === 'TINYTEXT' ? 255 : t.name === 'TEXT' ? 65535 : null);
  if (length !== null && [...text].length > length) {
    warn('Warning', 1265, '01000', `Data truncated for column '${c.name}' at row 1`);
    return [...text].slice(0, length).join('');
  }
  return t.name === 'CHAR' ? text.replace(/ +$/, '') : text;
}

function convertNumber(text: string, c: PathColumn, number: boolean): V {
  const t = c.type;
  const prefix = NUMBER_PREFIX.exec(text)?.[1];
  if (prefix === undefined) {
    warn(
      'Warning',
      1366,
      '22007',
      `Incorrect ${kindOf(t)} value: '${text}' for column \`${c.name}\` at row 1`,
    );
    return t.name === 'DECIMAL' ? decimalText(0, t) : integerRange(t) !== null ? 0n : 0;
  }
  const rest = text.slice(NUMBER_PREFIX.exec(text)![0].length);
  // MariaDB notes trailing blanks and warns of anything else after the number.
  if (!number && rest !== '')
    warn(/^[ \t\n\r]*$/.test(rest) ? 'Note' : 'Warning', 1265, '01000', truncated(c));
  const n = Number(prefix);
  if (t.name === 'DOUBLE' || t.name === 'FLOAT') return n;
  if (t.name === 'DECIMAL') return decimalValue(n, c);
  const [low, high] = integerRange(t)!;
  const rounded = /^[+-]?\d+$/.test(prefix)
    ? BigInt(prefix)
    : BigInt(Math.sign(n) * Math.round(Math.abs(n)));
  if (rounded < low || rounded > high) {
    warn('Warning', 1264, '22003', `Out of range value for column '${c.name}' at row 1`);
    return rounded < low ? low : high;
  }
  return rounded;
}

function kindOf(t: DataType): string {
  return t.name === 'DECIMAL' ? 'decimal' : integerRange(t) !== null ? 'integer' : 'double';
}

function decimalValue(n: number, c: PathColumn): string {
  const precision = c.type.length ?? 10;
  const scale = c.type.scale ?? 0;
  const max = Number('9'.repeat(precision - scale) + (scale > 0 ? '.' + '9'.repeat(scale) : ''));
  if (Math.abs(n) > max) {
    warn('Warning', 1264, '22003', `Out of range value for column '${c.name}' at row 1`);
    return decimalText(Math.sign(n) * max, c.type);
  }
  const text = decimalText(n, c.type);
  if (Number(text) !== n) warn('Note', 1265, '01000', truncated(c));
  return text;
}

function truncated(c: PathColumn): string {
  return `Data truncated for column '${c.name}' at row 1`;
}

function decimalText(n: number, t: DataType): string {
  const scale = t.scale ?? 0;
  const factor = 10 ** scale;
  const rounded = (Math.sign(n) * Math.round(Math.abs(n) * factor + 1e-9)) / factor;
  return rounded.toFixed(scale);
}

const DATE_TEXT = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2}))?\s*$/;

function convertDate(text: string, c: PathColumn): V {
  const m = DATE_TEXT.exec(text);
  const withTime = c.type.name !== 'DATE';
  const two = (s: string | undefined): string => (s ?? '0').padStart(2, '0');
  if (m === null || Number(m[2]) > 12 || Number(m[3]) > 31) {
    warn('Warning', 1265, '01000', `Data truncated for column '${c.name}' at row 1`);
    return withTime ? '0000-00-00 00:00:00' : '0000-00-00';
  }
  const date = `${m[1]}-${two(m[2])}-${two(m[3])}`;
  if (!withTime && m[4] !== undefined) warn('Note', 1265, '01000', truncated(c));
  return withTime ? `${date} ${two(m[4])}:${two(m[5])}:${two(m[6])}` : date;
}
