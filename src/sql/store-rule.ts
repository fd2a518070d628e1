// The write check of a column: every value an INSERT, UPDATE, REPLACE or upsert writes into a
// column goes through the engine's store function with the column's rule, so that the row
// holds the value MySQL would store (or the statement fails with MySQL's error). The emitted SQL
// names the rule by a number from this process's registry (a JSON text argument costs SQLite a
// string conversion per value, about a third of the function's cost); past RULES_MAX distinct
// rules the JSON itself is inlined. See docs/design/engine.md, "Values on write".
import type { ColumnDef } from './ast.js';
import type { TableDef } from './catalog.js';
import { charsetOfCollation, isTextType } from './table-def.js';

/** The SQLite function the engine registers to check and convert a value on its way in. */
export const STORE_VALUE_FUNCTION = 'mysql_store_value';
/**
 * Functions with effects on the session, registered by the engine: `@v := x` sets a user
 * variable as each row is computed, a statement that assigns one reads every user variable
 * as it is at that row, and `LAST_INSERT_ID(x)` sets the session's last insert id.
 */
export const USER_VAR_SET_FUNCTION = 'mysql_user_var_set';
export const USER_VAR_GET_FUNCTION = 'mysql_user_var_get';
export const LAST_INSERT_ID_SET_FUNCTION = 'mysql_last_insert_id_set';
/** LAST_INSERT_ID() after a LAST_INSERT_ID(x) of the same statement: x (statement-effects.ts). */
export const LAST_INSERT_ID_GET_FUNCTION = 'mysql_last_insert_id_get';

/** The aggregate the engine registers for a scalar subquery: its one value, 1242 for two rows. */
export const SINGLE_VALUE_FUNCTION = 'mysql_single_value';

/**
 * Conversions that warn as MySQL does (engine/expression-warnings.ts): a string read as a number
 * (1292), a string cast to an integer (1292), a divisor and a logarithm's argument (1365 for 0).
 */
export const NUMBER_FUNCTION = 'mysql_number';
export const INTEGER_FUNCTION = 'mysql_integer';
export const DIVISOR_FUNCTION = 'mysql_divisor';
export const LOG_ARGUMENT_FUNCTION = 'mysql_log_argument';
/** A recursive CTE's row of the last step @@max_recursive_iterations allows: true, warning 1931 once. */
export const RECURSION_CUT_FUNCTION = 'mysql_recursion_cut';
/**
 * MySQL's bit operators (`&`, `|`, `^`, `<<`, `>>`, unary `~`) over unsigned 64-bit integers:
 * `mysql_bit(op, a[, b])`. SQLite's are signed: `-1 >> 1` kept its sign, a shift by a negative
 * count went the other way, and 1.5 was truncated where MySQL rounds it.
 */
export const BIT_FUNCTION = 'mysql_bit';
/**
 * Integer range (engine/arithmetic.ts): `+`, `-`, `*` checked for overflow (1690) with unsigned
 * 64-bit operands, `-x` of a long literal, CAST AS UNSIGNED and CAST AS SIGNED of an unsigned value.
 */
export const ARITHMETIC_FUNCTION = 'mysql_arithmetic';
export const NEGATE_FUNCTION = 'mysql_negate';
/**
 * EXP, POW, COT and a DOUBLE's `/` (engine/arithmetic.ts): `mysql_double_math(name, texts, x[,
 * y])` fails with 1690 where the result is not a finite DOUBLE (exp(1000), pow(0,-1),
 * pow(-8,1/3), cot(0), 1e308 / 1e-308), as MariaDB does; SQLite's gave Infinity (sent as
 * digits), or NULL for a NaN.
 */
export const DOUBLE_MATH_FUNCTION = 'mysql_double_math';
export const CAST_UNSIGNED_FUNCTION = 'mysql_cast_unsigned';
export const CAST_SIGNED_FUNCTION = 'mysql_cast_signed';
/** CAST(x AS DECIMAL(p, s)): rounded on decimal text, clamped with 1264 past the type's range. */
export const CAST_DECIMAL_FUNCTION = 'mysql_cast_decimal';
/** SQLite's compact JSON text (JSON_OBJECT, JSON_ARRAY) spaced as MariaDB prints it. */
export const JSON_FORMAT_FUNCTION = 'mysql_json_format';
/** A DATE/DATETIME/TIME value as the number MySQL's arithmetic reads (20240203, 100000). */
export const TEMPORAL_NUMBER_FUNCTION = 'mysql_temporal_number';
/** Exact DECIMAL arithmetic (engine/decimal.ts): +, -, *, /, comparison and SUM. */
export const DECIMAL_ADD_FUNCTION = 'mysql_dec_add';
export const DECIMAL_SUBTRACT_FUNCTION = 'mysql_dec_sub';
export const DECIMAL_MULTIPLY_FUNCTION = 'mysql_dec_mul';
export const DECIMAL_DIVIDE_FUNCTION = 'mysql_dec_div';
export const DECIMAL_COMPARE_FUNCTION = 'mysql_dec_cmp';
export const DECIMAL_SUM_FUNCTION = 'mysql_dec_sum';
/**
 * A number as MySQL's string context reads it (`f(value, form)`): form 0 or more is a DECIMAL's
 * (or a DOUBLE's with fixed decimals) count of places, -1 a DOUBLE's shortest digits, -2 a
 * FLOAT's six significant digits. SQLite's own text of 5.00 is '5', of a double 3 '3.0'.
 */
export const NUMBER_TEXT_FUNCTION = 'mysql_number_text';
export const NUMBER_TEXT_DOUBLE = -1;
export const NUMBER_TEXT_FLOAT = -2;
/**
 * The changed-rows guard of an UPDATE (emit-dml.ts, `Update.changedOnly`):
 * `NOT (mysql_unchanged(mysql_probe(first), column, value, affinity) AND …)`. `mysql_probe` opens
 * a probe before the value is computed: its warnings (the store function's and its expressions')
 * are held; `mysql_unchanged` closes it and answers whether the value, as the column would store
 * it, is the one the column holds. The held warnings are the statement's only for a row that is
 * not changed (whose SET does not run); `first` counts the row (Rows matched, "at row N").
 */
export const PROBE_FUNCTION = 'mysql_probe';
export const UNCHANGED_FUNCTION = 'mysql_unchanged';
/**
 * A table with UPDATE triggers: MariaDB fires them on every matched row, changed or not, so every
 * matched row is written; `mysql_changed(guard)` counts the changed ones (always true).
 */
export const CHANGED_FUNCTION = 'mysql_changed';
/**
 * `mysql_row_of(rowid)`: the number the guard gave that row when it counted it (`mysql_probe(1,
 * rowid)`), for the SET's warnings ("at row N"): SQLite may test the WHERE of every row before
 * it writes the first.
 */
export const ROW_OF_FUNCTION = 'mysql_row_of';
/** ROUND/TRUNCATE of a DOUBLE: on its binary value, a half to even (MariaDB's my_double_round). */
export const DOUBLE_ROUND_FUNCTION = 'mysql_round_double';
/**
 * A TIMESTAMP between its stored UTC and the session's time_zone (`f(value, zone)`); a zero or
 * unreadable value passes unchanged.
 */
export const UTC_TO_ZONE_FUNCTION = 'mysql_utc_to_zone';
export const ZONE_TO_UTC_FUNCTION = 'mysql_zone_to_utc';
/** The process's clock (NOW(), FROM_UNIXTIME) read in a zone: `f(systemValue, zone)`. */
export const SYSTEM_TO_ZONE_FUNCTION = 'mysql_system_to_zone';
export const ZONE_TO_SYSTEM_FUNCTION = 'mysql_zone_to_system';
/** The collation of a DECIMAL column too long for a double: its text compared as numbers. */
export const DECIMAL_COLLATION = 'mysql_decimal';

/** What the store function knows of the column it writes. */
export interface StoreRule {
  readonly db: string;
  readonly table: string;
  readonly column: string;
  /** The type's canonical name (INT, VARCHAR, DECIMAL, …). */
  readonly type: string;
  readonly length: number | null;
  readonly scale: number | null;
  readonly unsigned: boolean;
  /** ENUM/SET members as defined. */
  readonly values: readonly string[];
  /** NOT NULL (a NULL is 1048, or the type's implicit default with a warning). */
  readonly notNull: boolean;
  /** A text column in utf8mb3, which holds no character beyond the BMP (absent otherwise). */
  readonly utf8mb3?: true;
}

/** Types whose values the store function checks; a column of another type is written as is. */
const CHECKED_TYPES: ReadonlySet<string> = new Set([
  'TINYINT',
  'SMALLINT',
  'MEDIUMINT',
  'INT',
  'BIGINT',
  'DECIMAL',
  'FLOAT',
  'DOUBLE',
  'CHAR',
  'VARCHAR',
  'TINYTEXT',
  'TEXT',
  'MEDIUMTEXT',
  'LONGTEXT',
  'BINARY',
  'VARBINARY',
  'TINYBLOB',
  'BLOB',
  'MEDIUMBLOB',
  'LONGBLOB',
  'ENUM',
  'SET',
  'DATE',
  'DATETIME',
  'TIMESTAMP',
  'TIME',
  'YEAR',
  'BIT',
  'JSON',
]);

/** Distinct rules registered at most; beyond, rules are inlined as JSON text. */
export const RULES_MAX = 65_536;

const ruleIds = new Map<string, number>();
const ruleList: StoreRule[] = [];

/** The rule registered under `id` (a number the emitter wrote), or undefined. */
export function storeRuleById(id: number): StoreRule | undefined {
  return ruleList[id];
}

/** The column's rule as SQL (its registered number, or a quoted JSON literal), or null when it is not checked. */
export function storeRuleSql(
  table: TableDef,
  column: ColumnDef,
  /**
   * The rule's JSON text rather than its number: for SQL that outlives this process or reaches
   * other nodes (a trigger's body, stored in the schema), where the numbers mean nothing.
   */
  inline = false,
): string | null {
  if (inline) {
    const text = ruleText(table, column);
    return text === null ? null : `'${text.replace(/'/g, "''")}'`;
  }
  // Table definitions are immutable (a schema change makes new ones): the SQL of a column's
  // rule is computed once per definition, which keeps a cold translation cheap.
  let columns = ruleSqlCache.get(table);
  if (columns === undefined) {
    columns = new Map();
    ruleSqlCache.set(table, columns);
  }
  let sql = columns.get(column);
  if (sql === undefined) {
    sql = ruleSql(table, column);
    columns.set(column, sql);
  }
  return sql;
}

const ruleSqlCache = new WeakMap<TableDef, Map<ColumnDef, string | null>>();

function ruleSql(table: TableDef, column: ColumnDef): string | null {
  const text = ruleText(table, column);
  if (text === null) return null;
  let id = ruleIds.get(text);
  if (id === undefined) {
    if (ruleList.length >= RULES_MAX) return `'${text.replace(/'/g, "''")}'`;
    id = ruleList.length;
    ruleList.push(JSON.parse(text) as StoreRule);
    ruleIds.set(text, id);
  }
  return String(id);
}

/** The column's rule as JSON text, or null when its values are not checked. */
function ruleText(table: TableDef, column: ColumnDef): string | null {
  if (column.autoIncrement || table.autoIncrement === column.name) return null;
  const type = column.type;
  if (!CHECKED_TYPES.has(type.name)) return null;
  const rule: StoreRule = {
    db: table.db,
    table: table.name,
    column: column.name,
    type: type.name,
    length: type.length,
    scale: type.scale,
    unsigned: type.unsigned,
    values: type.values,
    // A TIMESTAMP NOT NULL given NULL takes the current time (explicit_defaults_for_timestamp
    // is OFF), which SQLite's column default does not do: it is left to the column.
    notNull: column.nullable === false && type.name !== 'TIMESTAMP',
    ...(isUtf8mb3(table, column) ? { utf8mb3: true as const } : {}),
  };
  return JSON.stringify(rule);
}

function isUtf8mb3(table: TableDef, column: ColumnDef): boolean {
  if (!isTextType(column.type)) return false;
  const collation = column.type.collation ?? table.options.collation ?? '';
  const charset = column.type.charset ?? charsetOfCollation(collation);
  return charset === 'utf8mb3' || charset === 'utf8';
}
