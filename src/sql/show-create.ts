// SHOW CREATE TABLE and DESCRIBE rendered from the catalog exactly as MariaDB 10.11 prints
// them: backquoted names, two-space indent, lower-case types with display widths, defaults
// unquoted for numbers, `) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`.
import type { ColumnDef, DataType, Expr, IndexColumn } from './ast.js';
import type { IndexDef, TableDef } from './catalog.js';
import { checkExpr, isNumericType } from './emit-table.js';
import { backquote, mysqlString } from './names.js';
import { charsetOfCollation, defaultCollation, isTextType } from './table-def.js';

const DISPLAY_WIDTH: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [4, 3],
  SMALLINT: [6, 5],
  MEDIUMINT: [9, 8],
  INT: [11, 10],
  BIGINT: [20, 20],
};

const DEFAULT_LENGTH: Readonly<Record<string, number>> = { CHAR: 1, BINARY: 1, BIT: 1, YEAR: 4 };

/** The column type as SHOW CREATE TABLE and DESCRIBE print it (`int(11) unsigned`). */
export function mysqlTypeText(type: DataType): string {
  const name = type.name === 'JSON' ? 'longtext' : type.name.toLowerCase();
  let out = name;
  const width = DISPLAY_WIDTH[type.name];
  if (width) out += `(${type.length ?? (type.unsigned ? width[1] : width[0])})`;
  else if (type.name === 'DECIMAL') out += `(${type.length ?? 10},${type.scale ?? 0})`;
  else if (type.name === 'ENUM' || type.name === 'SET')
    out += `(${type.values.map(mysqlString).join(',')})`;
  else if (type.length !== null)
    out += type.scale !== null ? `(${type.length},${type.scale})` : `(${type.length})`;
  else if (DEFAULT_LENGTH[type.name] !== undefined) out += `(${DEFAULT_LENGTH[type.name]})`;
  if (type.unsigned) out += ' unsigned';
  if (type.zerofill) out += ' zerofill';
  return out;
}

// MariaDB 10.11 (sql_show.cc) names the charset and the collation when the column's collation
// differs from the table's, even its charset's default (`CHARACTER SET latin1 COLLATE
// latin1_swedish_ci`), and nothing when it is the table's (a utf8mb4_unicode_ci table's
// columns print no COLLATE).
function charsetText(table: TableDef, type: DataType): string {
  if (type.name === 'JSON') return ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
  if (!isTextType(type)) return '';
  const collation =
    type.collation ?? table.options.collation ?? defaultCollation(type.charset ?? 'utf8mb4');
  const charset = type.charset ?? charsetOfCollation(collation);
  return collation !== table.options.collation
    ? ` CHARACTER SET ${charset} COLLATE ${collation}`
    : '';
}

/** A column default as MariaDB prints it; null when the column has no DEFAULT clause. */
export function defaultText(column: ColumnDef): string | null {
  if ((column.generated ?? null) !== null) return null;
  const d = column.default;
  if (d === null) return column.nullable === false || column.autoIncrement ? null : 'NULL';
  // A literal, a function call (CURRENT_TIMESTAMP, JSON_ARRAY()) or a negative number prints
  // bare; any other expression in parentheses, as it must be written (`DEFAULT (1 + 2)`).
  const bare =
    d.kind === 'literal' ||
    d.kind === 'call' ||
    (d.kind === 'unary' && d.op === '-' && d.operand.kind === 'literal');
  if (bare) return exprText(d, column.type);
  return `(${sourceText(d, column.defaultText ?? undefined)})`;
}

/**
 * An expression of a column (its generation, CHECK or DEFAULT) as SHOW CREATE TABLE prints it:
 * in MariaDB's form where the printer renders it exactly (reprintable), else as written. The
 * printer knows leaves and one operator between them; a nested or other expression printed by
 * it would read differently when the dump is loaded (`(a + 1) * 2` as `a + 1 * 2`, a CASE as
 * NULL). Without the text (a catalog of an earlier release), the printer's form.
 */
function sourceText(e: Expr, text: string | undefined): string {
  return text === undefined || printable(e) ? exprText(e) : text;
}

/**
 * Functions the printer writes exactly: plain `name(arg, …)` syntax (not TRIM … FROM, EXTRACT,
 * CAST, …, whose calls the parser rewrote).
 */
const PRINTED_CALLS = new Set([
  'ABS',
  'CEILING',
  'CHAR_LENGTH',
  'COALESCE',
  'CONCAT',
  'CONCAT_WS',
  'DATE',
  'DAY',
  'FLOOR',
  'GREATEST',
  'HEX',
  'IF',
  'IFNULL',
  'JSON_EXTRACT',
  'JSON_LENGTH',
  'JSON_UNQUOTE',
  'JSON_VALUE',
  'LEAST',
  'LEFT',
  'LOWER',
  'MD5',
  'MONTH',
  'NULLIF',
  'REPLACE',
  'RIGHT',
  'ROUND',
  'SHA1',
  'SHA2',
  'UNHEX',
  'UPPER',
  'YEAR',
]);

/** Whether exprText renders `e` exactly: reprintable, or such a call of printable arguments. */
function printable(e: Expr): boolean {
  if (e.kind !== 'call') return reprintable(e, false);
  return (
    PRINTED_CALLS.has(e.name) &&
    !e.distinct &&
    !e.star &&
    e.orderBy.length === 0 &&
    e.separator === null &&
    e.over === undefined &&
    e.args.every(printable)
  );
}

function literalText(e: Expr & { kind: 'literal' }, type: DataType | null): string {
  switch (e.type) {
    case 'null':
      return 'NULL';
    case 'bool':
      return e.value === 'TRUE' ? '1' : '0';
    case 'hex':
      return `0x${(e.value ?? '').toUpperCase()}`;
    case 'bit':
      return `b'${e.value ?? ''}'`;
    default:
      break;
  }
  const value = e.value ?? '';
  if (type === null && e.type !== 'string') return value;
  if (type !== null && isNumericType(type) && /^\s*[-+]?\d*\.?\d+(e[-+]?\d+)?\s*$/i.test(value)) {
    const n = Number(value);
    return type.name === 'DECIMAL' ? n.toFixed(type.scale ?? 0) : String(n);
  }
  return mysqlString(value);
}

/** Renders a stored expression (defaults, checks) in MariaDB's lower-case style. */
export function exprText(e: Expr, type: DataType | null = null): string {
  switch (e.kind) {
    case 'literal':
      return literalText(e, type);
    case 'unary':
      return e.op === '-' && e.operand.kind === 'literal' && type !== null && isNumericType(type)
        ? '-' + literalText(e.operand, type)
        : `${e.op === 'NOT' ? '!' : e.op}${exprText(e.operand)}`;
    case 'call': {
      const name =
        e.name === 'CURRENT_TIMESTAMP' || e.name === 'NOW'
          ? 'current_timestamp'
          : e.name.toLowerCase();
      return `${name}(${e.args.map((a) => exprText(a)).join(',')})`;
    }
    case 'column':
      return backquote(e.column);
    case 'binary':
      return `${exprText(e.left)} ${e.op.toLowerCase()} ${exprText(e.right)}`;
    default:
      return 'NULL';
  }
}

/**
 * A CHECK's clause as MariaDB prints it again (`` `v` > 0``): comparisons and arithmetic of
 * columns and literals, joined by AND/OR. Any other form is shown as written.
 */
export function checkClauseText(text: string): string {
  const expr = checkExpr(text);
  return expr !== null && reprintable(expr, false) ? exprText(expr) : text;
}

const REPRINTED_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/']);

function reprintable(e: Expr, underAnd: boolean): boolean {
  switch (e.kind) {
    case 'column':
      return e.table === null;
    case 'literal':
      return e.type === 'int' || e.type === 'decimal' || e.type === 'string';
    case 'unary':
      return e.op === '-' && e.operand.kind === 'literal';
    case 'binary':
      if (e.op === 'AND' || (e.op === 'OR' && !underAnd))
        return reprintable(e.left, e.op === 'AND') && reprintable(e.right, e.op === 'AND');
      // One operator between leaves: no precedence for the printer to get wrong.
      return (
        REPRINTED_OPS.has(e.op) &&
        [e.left, e.right].every((x) => x.kind !== 'binary' && reprintable(x, false))
      );
    default:
      return false;
  }
}

/** `GENERATED ALWAYS AS (…) VIRTUAL|STORED` as MariaDB prints it; null for a plain column. */
export function generationText(c: ColumnDef): string | null {
  const generated = c.generated ?? null;
  if (generated === null) return null;
  return `GENERATED ALWAYS AS (${sourceText(generated.expr, generated.text)}) ${generated.stored ? 'STORED' : 'VIRTUAL'}`;
}

function columnLine(table: TableDef, c: ColumnDef): string {
  let out = `  ${backquote(c.name)} ${mysqlTypeText(c.type)}${charsetText(table, c.type)}`;
  const generation = generationText(c);
  if (generation !== null) {
    out += ` ${generation}`;
    if (c.comment !== null) out += ` COMMENT ${mysqlString(c.comment)}`;
    return out;
  }
  if (c.nullable === false) out += ' NOT NULL';
  else if (c.type.name === 'TIMESTAMP') out += ' NULL';
  const d = defaultText(c);
  if (d !== null) out += ` DEFAULT ${d}`;
  if (c.onUpdateNow !== null) out += ` ON UPDATE current_timestamp(${c.onUpdateNow || ''})`;
  if (c.autoIncrement) out += ' AUTO_INCREMENT';
  if (c.comment !== null) out += ` COMMENT ${mysqlString(c.comment)}`;
  if (c.check !== null) out += ` CHECK (${sourceText(c.check, c.checkText ?? undefined)})`;
  else if (c.type.name === 'JSON') out += ` CHECK (json_valid(${backquote(c.name)}))`;
  return out;
}

function indexColumnsText(columns: readonly IndexColumn[]): string {
  return columns
    .map(
      (c) =>
        backquote(c.column) +
        (c.length !== null ? `(${c.length})` : '') +
        (c.direction === 'DESC' ? ' DESC' : ''),
    )
    .join(',');
}

function indexLine(index: IndexDef): string {
  const columns = indexColumnsText(index.columns);
  switch (index.kind) {
    case 'primary':
      return `  PRIMARY KEY (${columns})`;
    case 'unique':
      return `  UNIQUE KEY ${backquote(index.name)} (${columns})`;
    case 'fulltext':
      return `  FULLTEXT KEY ${backquote(index.name)} (${columns})`;
    case 'spatial':
      return `  SPATIAL KEY ${backquote(index.name)} (${columns})`;
    case 'index':
      return `  KEY ${backquote(index.name)} (${columns})`;
  }
}

function optionsText(table: TableDef, autoIncrementNext: number | null): string {
  const o = table.options;
  let out = `ENGINE=${o.engine ?? 'InnoDB'}`;
  if (autoIncrementNext !== null && autoIncrementNext > 1)
    out += ` AUTO_INCREMENT=${autoIncrementNext}`;
  out += ` DEFAULT CHARSET=${o.charset ?? 'utf8mb4'} COLLATE=${o.collation ?? 'utf8mb4_general_ci'}`;
  for (const [name, value] of o.other) out += ` ${name}=${value}`;
  if (o.comment !== null) out += ` COMMENT=${mysqlString(o.comment)}`;
  return out;
}

/**
 * The `Create Table` column of SHOW CREATE TABLE. `autoIncrementNext` is the table's next
 * AUTO_INCREMENT value (MariaDB prints it when above 1); the store knows it.
 */
export function showCreateTable(table: TableDef, autoIncrementNext: number | null = null): string {
  const lines = table.columns.map((c) => columnLine(table, c));
  for (const index of table.indexes) lines.push(indexLine(index));
  // InnoDB keeps a table's foreign keys ordered by name, and prints them so.
  const byName = [...table.foreignKeys].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const fk of byName) {
    const ref =
      fk.refTable.db !== null && fk.refTable.db !== table.db
        ? `${backquote(fk.refTable.db)}.${backquote(fk.refTable.name)}`
        : backquote(fk.refTable.name);
    let line = `  CONSTRAINT ${backquote(fk.name)} FOREIGN KEY (${fk.columns.map(backquote).join(', ')}) REFERENCES ${ref} (${fk.refColumns.map(backquote).join(', ')})`;
    // RESTRICT is the default, which InnoDB does not print (NO ACTION it does).
    if (fk.onDelete && fk.onDelete !== 'RESTRICT') line += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate && fk.onUpdate !== 'RESTRICT') line += ` ON UPDATE ${fk.onUpdate}`;
    lines.push(line);
  }
  for (const check of table.checks)
    lines.push(`  CONSTRAINT ${backquote(check.name)} CHECK (${checkClauseText(check.text)})`);
  return `CREATE TABLE ${backquote(table.name)} (\n${lines.join(',\n')}\n) ${optionsText(table, autoIncrementNext)}`;
}

export interface DescribeRow {
  readonly Field: string;
  readonly Type: string;
  readonly Null: 'YES' | 'NO';
  readonly Key: '' | 'PRI' | 'UNI' | 'MUL';
  readonly Default: string | null;
  readonly Extra: string;
}

function keyOf(table: TableDef, column: string): DescribeRow['Key'] {
  const lower = column.toLowerCase();
  // Every column of the primary key is PRI, not only its first (MariaDB's PRI_KEY_FLAG). A table
  // without one has its first UNIQUE key over NOT NULL columns taken as primary, as MariaDB does.
  const notNull = (name: string): boolean =>
    table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.nullable === false;
  const primary =
    table.indexes.find((i) => i.kind === 'primary') ??
    table.indexes.find(
      (i) =>
        i.kind === 'unique' &&
        i.columns.every((c) => notNull(c.column) && (c.length ?? null) === null),
    );
  if (primary?.columns.some((c) => c.column.toLowerCase() === lower)) return 'PRI';
  const leading = table.indexes.filter((i) => i.columns[0]?.column.toLowerCase() === lower);
  if (leading.some((i) => i.kind === 'unique' && i.columns.length === 1)) return 'UNI';
  return leading.length > 0 ? 'MUL' : '';
}

/** DESCRIBE / SHOW COLUMNS rows. */
export function describeTable(table: TableDef): DescribeRow[] {
  return table.columns.map((c) => {
    const d = defaultText(c);
    const generated = c.generated ?? null;
    const extra = [
      generated === null ? '' : generated.stored ? 'STORED GENERATED' : 'VIRTUAL GENERATED',
      c.autoIncrement ? 'auto_increment' : '',
      c.onUpdateNow !== null ? `on update current_timestamp(${c.onUpdateNow || ''})` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      Field: c.name,
      Type: mysqlTypeText(c.type),
      Null: c.nullable === false ? 'NO' : 'YES',
      Key: keyOf(table, c.name),
      Default:
        d === null || d === 'NULL'
          ? null
          : d.startsWith("'")
            ? d.slice(1, -1).replace(/''/g, "'")
            : d,
      Extra: extra,
    };
  });
}

/** The `Create Database` column of SHOW CREATE DATABASE. */
export function showCreateDatabase(
  name: string,
  charset: string,
  collation: string,
  ifNotExists = false,
): string {
  const guard = ifNotExists ? '/*!32312 IF NOT EXISTS*/ ' : '';
  return `CREATE DATABASE ${guard}${backquote(name)} /*!40100 DEFAULT CHARACTER SET ${charset} COLLATE ${collation} */`;
}
