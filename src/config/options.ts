// Table-driven options: each known option is one row (name, kind, default, parser), and one
// generic function applies a list of settings to a table, last setting winning. Adding an option
// is adding a row; its type flows into the resolved config through OptionValues.
import { assert } from '../core/assert.js';
import { err, ok, type Result } from './result.js';
import {
  configError,
  type Bytes,
  type ConfigError,
  type Milliseconds,
  type Port,
} from './types.js';
import {
  parseDecimalInRange,
  parseDurationMs,
  parseGaleraBool,
  parseIntegerInRange,
  parsePort,
  parseSizeBytes,
  type Parsed,
} from './values.js';

export type OptionKind =
  | 'boolean'
  | 'integer'
  | 'size'
  | 'duration'
  | 'decimal'
  | 'port'
  | 'string'
  | 'choice'
  | 'address';

/** Why a value was not taken: malformed, or understood and deliberately refused. */
export interface OptionProblem {
  readonly kind: 'bad_value' | 'refused';
  readonly message: string;
}

export interface OptionSpec<T> {
  /** The name as compared: `max_connections` (dashes as underscores), `gcache.size`. */
  readonly name: string;
  readonly kind: OptionKind;
  readonly defaultValue: T;
  /** The value of a bare key (`skip-name-resolve`); absent when the option needs a value. */
  readonly bareValue?: T;
  /** Other names for the same option (e.g. MariaDB 10.6 renamed wsrep_slave_threads). */
  readonly aliases?: readonly string[];
  /** Reported once, as a note, when the option is set. */
  readonly note?: string;
  readonly parse: (text: string) => Result<T, OptionProblem>;
}

export type OptionTable = Readonly<Record<string, OptionSpec<unknown>>>;

export type OptionValues<T extends OptionTable> = {
  readonly [K in keyof T]: T[K] extends OptionSpec<infer V> ? V : never;
};

function badValue<T>(parsed: Parsed<T>): Result<T, OptionProblem> {
  return parsed.ok ? parsed : err({ kind: 'bad_value', message: parsed.error });
}

/** Row builders, one per kind. */
export const option = {
  boolean(name: string, defaultValue: boolean): OptionSpec<boolean> {
    return {
      name,
      kind: 'boolean',
      defaultValue,
      bareValue: true,
      parse: (text) => badValue(parseGaleraBool(text)),
    };
  },
  integer(name: string, defaultValue: number, min: number, max: number): OptionSpec<number> {
    return {
      name,
      kind: 'integer',
      defaultValue,
      parse: (text) => badValue(parseIntegerInRange(text, min, max)),
    };
  },
  size(name: string, defaultValue: Bytes, min: number, max: number): OptionSpec<Bytes> {
    return {
      name,
      kind: 'size',
      defaultValue,
      parse: (text) => {
        const parsed = parseSizeBytes(text);
        if (!parsed.ok || (parsed.value >= min && parsed.value <= max)) return badValue(parsed);
        return err({
          kind: 'bad_value',
          message: `${text.trim()} is out of range: expected ${min}..${max} bytes`,
        });
      },
    };
  },
  duration(name: string, defaultValue: Milliseconds): OptionSpec<Milliseconds> {
    return {
      name,
      kind: 'duration',
      defaultValue,
      parse: (text) => badValue(parseDurationMs(text)),
    };
  },
  decimal(name: string, defaultValue: number, min: number, max: number): OptionSpec<number> {
    return {
      name,
      kind: 'decimal',
      defaultValue,
      parse: (text) => badValue(parseDecimalInRange(text, min, max)),
    };
  },
  port(name: string, defaultValue: Port, allowZero: boolean): OptionSpec<Port> {
    return {
      name,
      kind: 'port',
      defaultValue,
      parse: (text) => badValue(parsePort(text, allowZero)),
    };
  },
  /** A string; `defaultValue` null means "not set". Empty values are kept as ''. */
  string<D extends string | null>(name: string, defaultValue: D): OptionSpec<string | D> {
    return { name, kind: 'string', defaultValue, parse: (text) => ok(text) };
  },
  /** One of `choices` (case-insensitive); `refusals` maps known-but-refused values to why. */
  choice<C extends string>(
    name: string,
    defaultValue: C,
    choices: readonly C[],
    refusals: Readonly<Record<string, string>> = {},
  ): OptionSpec<C> {
    return {
      name,
      kind: 'choice',
      defaultValue,
      parse: (text) => parseChoice(text, choices, refusals),
    };
  },
  /** Any other syntax, parsed by `parse` (addresses, donor lists). */
  custom<T>(
    name: string,
    kind: OptionKind,
    defaultValue: T,
    parse: (text: string) => Parsed<T>,
  ): OptionSpec<T> {
    return { name, kind, defaultValue, parse: (text) => badValue(parse(text)) };
  },
};

function parseChoice<C extends string>(
  text: string,
  choices: readonly C[],
  refusals: Readonly<Record<string, string>>,
): Result<C, OptionProblem> {
  const wanted = text.trim().toLowerCase();
  const found = choices.find((choice) => choice.toLowerCase() === wanted);
  if (found !== undefined) return ok(found);
  const refusal = refusals[wanted];
  if (refusal !== undefined) return err({ kind: 'refused', message: refusal });
  return err({ kind: 'bad_value', message: `'${text}' is not one of: ${choices.join(', ')}` });
}

/** One `key[=value]` to apply, with where it was written. */
export interface Setting {
  readonly key: string;
  readonly keyAsWritten: string;
  /** Null for a bare key. */
  readonly value: string | null;
  readonly loose: boolean;
  readonly file: string;
  readonly line: number;
}

export interface Applied<T extends OptionTable> {
  readonly values: OptionValues<T>;
  /** The setting that gave each assigned field its value (the others hold their defaults). */
  readonly origins: ReadonlyMap<keyof T, Setting>;
  /** Settings no row matched, in order. */
  readonly unknown: readonly Setting[];
  readonly notes: readonly string[];
}

export interface ApplyOptions {
  /** MySQL's `skip-X`/`disable-X` (false) and `enable-X` (true) for boolean options. */
  readonly booleanPrefixes: boolean;
}

interface Row {
  readonly field: string;
  readonly spec: OptionSpec<unknown>;
}

/** Applies `settings` in order to `table`'s defaults; a malformed value stops with its place. */
export function applySettings<T extends OptionTable>(
  table: T,
  settings: readonly Setting[],
  options: ApplyOptions,
): Result<Applied<T>, ConfigError> {
  const rows = indexTable(table);
  const values: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(table)) values[field] = spec.defaultValue;
  const origins = new Map<keyof T, Setting>();
  const unknown: Setting[] = [];
  const notes = new Set<string>();
  for (const setting of settings) {
    const matched = matchRow(rows, setting, options);
    if (matched === null) {
      unknown.push(setting);
      continue;
    }
    const value = parseSetting(matched.row.spec, setting, matched.text);
    if (!value.ok) return value;
    assert(matched.row.field in values, 'a matched row is a field of the table');
    values[matched.row.field] = value.value;
    origins.set(matched.row.field, setting);
    if (matched.row.spec.note !== undefined) notes.add(matched.row.spec.note);
  }
  // The object was built from the table's own rows and their parsers, so it has its shape.
  return ok({ values: values as OptionValues<T>, origins, unknown, notes: [...notes] });
}

function indexTable(table: OptionTable): ReadonlyMap<string, Row> {
  const rows = new Map<string, Row>();
  for (const [field, spec] of Object.entries(table)) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      assert(!rows.has(name), `option table names '${name}' twice`);
      rows.set(name, { field, spec });
    }
  }
  return rows;
}

const BOOLEAN_PREFIXES: readonly (readonly [string, string])[] = [
  ['skip_', 'OFF'],
  ['disable_', 'OFF'],
  ['enable_', 'ON'],
];

function matchRow(
  rows: ReadonlyMap<string, Row>,
  setting: Setting,
  options: ApplyOptions,
): { readonly row: Row; readonly text: string | null } | null {
  const row = rows.get(setting.key);
  if (row !== undefined) return { row, text: setting.value };
  if (!options.booleanPrefixes) return null;
  for (const [prefix, text] of BOOLEAN_PREFIXES) {
    const target = setting.key.startsWith(prefix)
      ? rows.get(setting.key.slice(prefix.length))
      : undefined;
    if (target?.spec.kind === 'boolean' && setting.value === null) return { row: target, text };
  }
  return null;
}

function parseSetting(
  spec: OptionSpec<unknown>,
  setting: Setting,
  text: string | null,
): Result<unknown, ConfigError> {
  if (text === null) {
    if (spec.bareValue !== undefined) return ok(spec.bareValue);
    return err(
      configError('bad_value', setting, setting.keyAsWritten, 'needs a value: write key = value'),
    );
  }
  const parsed = spec.parse(text);
  if (parsed.ok) return parsed;
  return err(configError(parsed.error.kind, setting, setting.keyAsWritten, parsed.error.message));
}
