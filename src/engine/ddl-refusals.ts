// What MariaDB refuses on DDL because of the data or of other tables, checked by the origin
// session before it replicates the statement: with FOREIGN_KEY_CHECKS on, dropping (1451) or
// truncating (1701) a table that another table's keys refer to and adding a foreign key that
// existing rows break (1452); adding a CHECK that an existing row fails (4025). SQLite would drop
// or truncate silently, and the applier that runs a TOI has foreign keys and CHECKs off
// (docs/design/engine.md, "Constraints on DDL").
import type { ErrorResult } from '../mysql/index.js';
import {
  backquote,
  checkViolationSql,
  integerRange,
  quoteId,
  referencesTo,
  type AlterTable,
  type Catalog,
  type CreateTable,
  type Statement,
  type TableDef,
  type TableName,
} from '../sql/index.js';
import { childRowError, mysqlError, parentRowError, referenceText } from './errors.js';

/** Runs a read on a snapshot and answers its rows (the origin session's reader). */
export type ReadRows = (sql: string) => readonly (readonly unknown[])[] | ErrorResult;

export function ddlRefusal(
  s: Statement,
  catalog: Catalog,
  database: string | null,
  foreignKeyChecks: boolean,
  readRows: ReadRows,
  strict = false,
): ErrorResult | null {
  const resolve = (name: TableName): TableDef | undefined => {
    const db = name.db ?? database;
    return db === null ? undefined : catalog.table(db, name.name);
  };
  const rowExists = (sql: string): boolean | ErrorResult => {
    const rows = readRows(sql);
    return 'kind' in rows ? rows : rows.length > 0;
  };
  if (s.kind === 'alter_table')
    return (
      notNullRefusal(s, resolve, readRows) ??
      (strict && resolve(s.table) !== undefined
        ? narrowingRefusal(s, resolve(s.table)!, readRows)
        : null) ??
      alterRefusal(s, resolve, catalog, database, foreignKeyChecks, rowExists)
    );
  if (!foreignKeyChecks) return null;
  switch (s.kind) {
    case 'create_table':
      return s.temporary ? null : foreignKeyFormRefusal(s, database, resolve);
    case 'drop_table':
      return s.temporary ? null : dropRefusal(s.tables.map(resolve), catalog);
    case 'truncate': {
      const table = resolve(s.table);
      const other = table && referencesTo(catalog, table).find((r) => r.child !== table);
      if (!other) return null;
      return mysqlError(
        1701,
        '42000',
        `Cannot truncate a table referenced in a foreign key constraint (${referenceText(other.child, other.fk)})`,
      );
    }
    default:
      return null;
  }
}

/** ADD FOREIGN KEY over rows without a parent (1452), ADD CHECK over a row it refuses (4025). */
function alterRefusal(
  s: AlterTable,
  resolve: (name: TableName) => TableDef | undefined,
  catalog: Catalog,
  database: string | null,
  foreignKeyChecks: boolean,
  rowExists: (sql: string) => boolean | ErrorResult,
): ErrorResult | null {
  const table = resolve(s.table);
  if (table === undefined) return null;
  for (const spec of s.specs) {
    if (spec.kind !== 'add_constraint') continue;
    const k = spec.constraint;
    let sql: string | null = null;
    if (k.kind === 'check') sql = checkViolationSql(table, k.text, { catalog, database });
    else if (k.kind === 'foreign_key' && foreignKeyChecks) {
      const parent = resolve({ db: k.refTable.db ?? table.db, name: k.refTable.name });
      // A column the same ALTER adds has no rows to check yet (it was 1054 on '~child.c').
      const existing = k.columns.every((c) =>
        table.columns.some((t) => t.name.toLowerCase() === c.toLowerCase()),
      );
      if (parent !== undefined && existing && k.columns.length === k.refColumns.length)
        sql = orphanQuery(table, k.columns, parent, k.refColumns);
    }
    if (sql === null) continue;
    const found = rowExists(sql);
    if (found !== false && found !== true) return found;
    if (found && k.kind === 'check')
      return mysqlError(
        4025,
        '23000',
        `CONSTRAINT ${backquote(k.name ?? 'CONSTRAINT_1')} failed for ${backquote(table.db)}.${backquote(table.name)}`,
      );
    if (found) return childRowError();
  }
  return null;
}

/**
 * DROP TABLE a, b, … drops in order, as MariaDB does: a table that a table not dropped before
 * it (or with it, later in the list) refers to is refused, so `DROP TABLE parent, child` is 1451
 * and `DROP TABLE child, parent` is not.
 */
function dropRefusal(
  tables: readonly (TableDef | undefined)[],
  catalog: Catalog,
): ErrorResult | null {
  const dropped = new Set<string>();
  for (const table of tables) {
    if (table === undefined) continue;
    dropped.add(table.sqliteName);
    const blocking = referencesTo(catalog, table).find((r) => !dropped.has(r.child.sqliteName));
    if (blocking) return parentRowError(referenceText(blocking.child, blocking.fk));
  }
  return null;
}

/** A row of `child` whose non-NULL key has no row in `parent`. */
function orphanQuery(
  child: TableDef,
  columns: readonly string[],
  parent: TableDef,
  refColumns: readonly string[],
): string {
  const c = (name: string): string => `"~child".${quoteId(name)}`;
  const notNull = columns.map((name) => `${c(name)} IS NOT NULL`).join(' AND ');
  const match = refColumns.map((name, i) => `"~parent".${quoteId(name)} = ${c(columns[i]!)}`);
  return (
    `SELECT 1 FROM ${quoteId(child.sqliteName)} AS "~child" WHERE ${notNull} AND NOT EXISTS ` +
    `(SELECT 1 FROM ${quoteId(parent.sqliteName)} AS "~parent" WHERE ${match.join(' AND ')}) LIMIT 1`
  );
}

/**
 * ALTER that makes a column NOT NULL (MODIFY/CHANGE … NOT NULL, ADD PRIMARY KEY) over a NULL:
 * MariaDB's 1265 naming the first such row, counted from 1, then 1138.
 */
function notNullRefusal(
  s: AlterTable,
  resolve: (name: TableName) => TableDef | undefined,
  readRows: ReadRows,
): ErrorResult | null {
  const table = resolve(s.table);
  if (table === undefined) return null;
  const columns: string[] = [];
  for (const spec of s.specs) {
    if (spec.kind === 'modify_column' && spec.column.nullable === false)
      columns.push(spec.column.name);
    else if (spec.kind === 'change_column' && spec.column.nullable === false)
      columns.push(spec.from);
    else if (spec.kind === 'add_constraint' && spec.constraint.kind === 'primary_key')
      columns.push(...spec.constraint.columns.map((c) => c.column));
  }
  for (const name of columns) {
    const column = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (column === undefined || column.nullable === false) continue;
    const rows = readRows(
      `SELECT ${quoteId(column.name)} IS NULL FROM ${quoteId(table.sqliteName)}`,
    );
    if ('kind' in rows) return rows;
    const at = rows.findIndex((r) => r[0] === 1 || r[0] === 1n);
    if (at < 0) continue;
    return {
      ...mysqlError(1265, '01000', `Data truncated for column '${column.name}' at row ${at + 1}`),
      after: [{ level: 'Error', code: 1138, message: 'Invalid use of NULL value' }],
    };
  }
  return null;
}

const STRING_TYPES = new Set(['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT']);

/**
 * MODIFY or CHANGE to a type that cannot hold a value the column has, in strict mode: an integer
 * out of the new range (1264) or a string longer than the new length (1265), at the first such
 * row in the table's order, as MariaDB refuses the copy. Before, the values stayed, out of their
 * type (300 in a TINYINT). Non-strict, MariaDB converts them with warnings; here they stay as
 * they are (docs/design/compat.md).
 */
function narrowingRefusal(s: AlterTable, table: TableDef, readRows: ReadRows): ErrorResult | null {
  for (const spec of s.specs) {
    if (spec.kind !== 'modify_column' && spec.kind !== 'change_column') continue;
    const from = spec.kind === 'change_column' ? spec.from : spec.column.name;
    const old = table.columns.find((c) => c.name.toLowerCase() === from.toLowerCase());
    if (old === undefined) continue;
    const type = spec.column.type;
    const column = quoteId(old.name);
    // MariaDB names the column as the statement leaves it (CHANGE s s2: 's2').
    const named = spec.column.name;
    let test: string | null = null;
    let refusal: (row: number) => ErrorResult = () => mysqlError(1264, '22003', '');
    const range = integerRange(type);
    if (range !== null && integerRange(old.type) !== null) {
      const [low, high] = range;
      test = `typeof(${column}) = 'integer' AND (${column} < ${low} OR ${column} > ${high})`;
      refusal = (row) =>
        mysqlError(1264, '22003', `Out of range value for column '${named}' at row ${row}`);
    } else if (
      (type.name === 'CHAR' || type.name === 'VARCHAR') &&
      type.length !== null &&
      STRING_TYPES.has(old.type.name)
    ) {
      test = `length(${column}) > ${type.length}`;
      refusal = (row) =>
        mysqlError(1265, '01000', `Data truncated for column '${named}' at row ${row}`);
    }
    if (test === null) continue;
    const rows = readRows(
      `SELECT n FROM (SELECT row_number() OVER () AS n, ${column} FROM ${quoteId(table.sqliteName)}) WHERE ${test} LIMIT 1`,
    );
    if ('kind' in rows) return rows;
    if (rows.length > 0) return refusal(Number(rows[0]![0]));
  }
  return null;
}

/**
 * CREATE TABLE with a foreign key InnoDB cannot make (FOREIGN_KEY_CHECKS on): a parent table
 * that does not exist, columns of another type, or parent columns that do not lead an index.
 * MariaDB's 1005 (errno 150) between its warnings 150 and 1215.
 */
function foreignKeyFormRefusal(
  s: CreateTable,
  database: string | null,
  resolve: (name: TableName) => TableDef | undefined,
): ErrorResult | null {
  const db = s.table.db ?? database;
  if (db === null || s.asQuery !== null) return null;
  if (s.ifNotExists && resolve({ db, name: s.table.name }) !== undefined) return null;
  for (const k of s.constraints) {
    if (k.kind !== 'foreign_key') continue;
    const self =
      (k.refTable.db ?? db) === db && k.refTable.name.toLowerCase() === s.table.name.toLowerCase();
    if (self) continue;
    const parent = resolve({ db: k.refTable.db ?? db, name: k.refTable.name });
    const head = `Create  table ${backquote(db)}.${backquote(s.table.name)} with foreign key (${k.columns.join(', ')}) constraint failed.`;
    const why =
      parent === undefined
        ? `Referenced table ${backquote(k.refTable.db ?? db)}.${backquote(k.refTable.name)} not found in the data dictionary.`
        : foreignKeyMismatch(s, k.columns, parent, k.refColumns);
    if (why === null) continue;
    return {
      ...mysqlError(
        1005,
        'HY000',
        `Can't create table ${backquote(db)}.${backquote(s.table.name)} (errno: 150 "Foreign key constraint is incorrectly formed")`,
      ),
      before: [{ level: 'Warning', code: 150, message: `${head} ${why}` }],
      after: [
        {
          level: 'Warning',
          code: 1215,
          message: `Cannot add foreign key constraint for ${backquote(s.table.name)}`,
        },
      ],
    };
  }
  return null;
}

/** Why the child's columns cannot refer to the parent's, or null when they can. */
function foreignKeyMismatch(
  s: CreateTable,
  columns: readonly string[],
  parent: TableDef,
  refColumns: readonly string[],
): string | null {
  if (columns.length !== refColumns.length) return null;
  for (let i = 0; i < columns.length; i++) {
    const child = s.columns.find((c) => c.name.toLowerCase() === columns[i]!.toLowerCase());
    const referenced = parent.columns.find(
      (c) => c.name.toLowerCase() === refColumns[i]!.toLowerCase(),
    );
    if (child === undefined || referenced === undefined) return null;
    if (typeFamily(child.type.name) !== typeFamily(referenced.type.name))
      return `Field type or character set for column '${child.name}' does not match referenced column '${referenced.name}'.`;
  }
  const leads = parent.indexes.some((index) =>
    refColumns.every((c, i) => index.columns[i]?.column.toLowerCase() === c.toLowerCase()),
  );
  if (!leads)
    return 'There is no index in the referenced table where the referenced columns appear as the first columns.';
  return null;
}

/** Integer, decimal/float, string, binary, temporal: InnoDB matches a key within a family. */
function typeFamily(name: string): string {
  if (/INT$|^BIT$|^BOOL/.test(name)) return 'integer';
  if (/^(DECIMAL|NUMERIC|FLOAT|DOUBLE|REAL)/.test(name)) return name;
  if (/CHAR$|TEXT$|^ENUM$|^SET$|^JSON$/.test(name)) return 'string';
  if (/BINARY$|BLOB$/.test(name)) return 'binary';
  return name;
}
