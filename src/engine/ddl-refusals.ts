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
  type ColumnDef,
  type CreateTable,
  type DataType,
  type IndexDef,
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
      keyColumnRefusal(s, resolve, catalog) ??
      droppedIndexRefusal(s.table, alterDroppedIndexes(s), resolve, catalog, foreignKeyChecks) ??
      addedKeyRefusal(s, resolve, catalog, foreignKeyChecks) ??
      alterRefusal(s, resolve, catalog, database, foreignKeyChecks, rowExists)
    );
  if (s.kind === 'create_table' && !s.temporary)
    return foreignKeyFormRefusal(s, database, resolve, catalog, foreignKeyChecks);
  if (s.kind === 'drop_index')
    return droppedIndexRefusal(s.table, [s.name], resolve, catalog, foreignKeyChecks);
  if (!foreignKeyChecks) return null;
  switch (s.kind) {
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

/** A foreign key as CREATE TABLE and ALTER TABLE … ADD give it. */
interface NewKey {
  readonly name: string | null;
  readonly columns: readonly string[];
  readonly refTable: TableName;
  readonly refColumns: readonly string[];
  readonly onDelete: string | null;
  readonly onUpdate: string | null;
}

/** The table one statement's foreign keys are checked for. */
interface KeyScope {
  readonly db: string;
  readonly table: string;
  /** MariaDB's word in the warning. */
  readonly verb: 'Create' | 'Alter';
  /** The child's columns as the statement leaves them. */
  readonly columnOf: (name: string) => ColumnDef | undefined;
  readonly primaryKey: readonly string[];
  readonly resolve: (name: TableName) => TableDef | undefined;
  readonly foreignKeyChecks: boolean;
}

/**
 * A foreign key InnoDB cannot make: a parent table that does not exist (FOREIGN_KEY_CHECKS on
 * only), a referenced column that does not exist, columns of another type (integers of another
 * size or sign too), SET NULL over a NOT NULL column, or parent columns that do not lead an
 * index (errno 150); a constraint name another foreign key of the database has (errno 121).
 * MariaDB's 1005, with its warnings 150 and 1215 for errno 150.
 */
function foreignKeyRefusal(
  k: NewKey,
  scope: KeyScope,
  takenNames: ReadonlySet<string>,
): ErrorResult | null {
  const { db, table, verb, columnOf, primaryKey, resolve, foreignKeyChecks } = scope;
  const cannot = (errno: string): ErrorResult =>
    mysqlError(
      1005,
      'HY000',
      `Can't create table ${backquote(db)}.${backquote(table)} (errno: ${errno})`,
    );
  if (k.name !== null && takenNames.has(k.name.toLowerCase()))
    return {
      ...cannot('121 "Duplicate key on write or update"'),
      before: [
        {
          level: 'Warning',
          code: 121,
          message: `Create or Alter table ${backquote(db)}.${backquote(table)} with foreign key constraint failed. Foreign key constraint ${backquote(db)}.${backquote(k.name)} already exists on data dictionary. Create or Alter table with new foreign key constraint name.`,
        },
      ],
      after: [
        {
          level: 'Warning',
          code: 1022,
          message: `Can't write; duplicate key in table '${table}'`,
        },
      ],
    };
  const self =
    (k.refTable.db ?? db) === db && k.refTable.name.toLowerCase() === table.toLowerCase();
  if (self) return null;
  const parent = resolve({ db: k.refTable.db ?? db, name: k.refTable.name });
  if (parent === undefined && !foreignKeyChecks) return null;
  const why =
    parent === undefined
      ? `Referenced table ${backquote(k.refTable.db ?? db)}.${backquote(k.refTable.name)} not found in the data dictionary.`
      : foreignKeyMismatch(k, columnOf, primaryKey, parent);
  if (why === null) return null;
  const head =
    verb === 'Create'
      ? `Create  table ${backquote(db)}.${backquote(table)} with foreign key (${k.columns.join(', ')}) constraint failed.`
      : `Alter  table ${backquote(db)}.${backquote(table)} foreign key ${backquote(k.name ?? k.columns.join(', '))} constraint failed.`;
  return {
    ...cannot('150 "Foreign key constraint is incorrectly formed"'),
    before: [{ level: 'Warning', code: 150, message: `${head} ${why}` }],
    after: [
      {
        level: 'Warning',
        code: 1215,
        message: `Cannot add foreign key constraint for ${backquote(table)}`,
      },
    ],
  };
}

/** The names of the foreign keys of `db`'s tables, but those of `except` (a table remade). */
function foreignKeyNames(catalog: Catalog, db: string, except: string | null): Set<string> {
  const names = new Set<string>();
  for (const t of catalog.tables(db)) {
    if (except !== null && t.name.toLowerCase() === except.toLowerCase()) continue;
    for (const fk of t.foreignKeys) names.add(fk.name.toLowerCase());
  }
  return names;
}

/**
 * The first of `keys` (one statement's, in order) foreignKeyRefusal refuses; each name taken
 * as it goes, so that two keys of one statement may not share one.
 */
function keysRefusal(
  keys: readonly NewKey[],
  scope: KeyScope,
  taken: Set<string>,
): ErrorResult | null {
  for (const k of keys) {
    const refused = foreignKeyRefusal(k, scope, taken);
    if (refused !== null) return refused;
    if (k.name !== null) taken.add(k.name.toLowerCase());
  }
  return null;
}

/** CREATE TABLE with a foreign key InnoDB cannot make (foreignKeyRefusal). */
function foreignKeyFormRefusal(
  s: CreateTable,
  database: string | null,
  resolve: (name: TableName) => TableDef | undefined,
  catalog: Catalog,
  foreignKeyChecks: boolean,
): ErrorResult | null {
  const db = s.table.db ?? database;
  if (db === null || s.asQuery !== null) return null;
  if (s.ifNotExists && resolve({ db, name: s.table.name }) !== undefined) return null;
  const taken = foreignKeyNames(catalog, db, s.orReplace === true ? s.table.name : null);
  const primaryKey = [
    ...s.columns.filter((c) => c.primaryKey).map((c) => c.name),
    ...s.constraints.flatMap((k) =>
      k.kind === 'primary_key' ? k.columns.map((c) => c.column) : [],
    ),
  ];
  const columnOf = (name: string): ColumnDef | undefined =>
    s.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const keys = s.constraints.flatMap((k) => (k.kind === 'foreign_key' ? [k] : []));
  const scope: KeyScope = {
    db,
    table: s.table.name,
    verb: 'Create',
    columnOf,
    primaryKey,
    resolve,
    foreignKeyChecks,
  };
  return keysRefusal(keys, scope, taken);
}

/** ALTER TABLE … ADD [CONSTRAINT name] FOREIGN KEY InnoDB cannot make (foreignKeyRefusal). */
function addedKeyRefusal(
  s: AlterTable,
  resolve: (name: TableName) => TableDef | undefined,
  catalog: Catalog,
  foreignKeyChecks: boolean,
): ErrorResult | null {
  const table = resolve(s.table);
  if (table === undefined) return null;
  const dropped = new Set(
    s.specs.flatMap((spec) =>
      spec.kind === 'drop_foreign_key' || spec.kind === 'drop_constraint'
        ? [spec.name.toLowerCase()]
        : [],
    ),
  );
  const taken = foreignKeyNames(catalog, table.db, null);
  for (const name of dropped) {
    if (table.foreignKeys.some((fk) => fk.name.toLowerCase() === name)) taken.delete(name);
  }
  // The columns as the ALTER leaves them (ADD, MODIFY and CHANGE of the same statement).
  const columnOf = (name: string): ColumnDef | undefined => {
    const lower = name.toLowerCase();
    for (const spec of s.specs) {
      if (
        (spec.kind === 'add_column' || spec.kind === 'modify_column') &&
        spec.column.name.toLowerCase() === lower
      )
        return spec.column;
      if (spec.kind === 'change_column' && spec.column.name.toLowerCase() === lower)
        return spec.column;
    }
    return table.columns.find((c) => c.name.toLowerCase() === lower);
  };
  // ADD FOREIGN KEY IF NOT EXISTS of a key the table has is skipped (Note 1061).
  const has = (name: string | null): boolean =>
    name !== null && table.foreignKeys.some((fk) => fk.name.toLowerCase() === name.toLowerCase());
  const keys = s.specs.flatMap((spec) =>
    spec.kind === 'add_constraint' &&
    spec.constraint.kind === 'foreign_key' &&
    !(spec.ifNotExists && has(spec.constraint.name))
      ? [spec.constraint]
      : [],
  );
  const scope: KeyScope = {
    db: table.db,
    table: table.name,
    verb: 'Alter',
    columnOf,
    primaryKey: table.primaryKey,
    resolve,
    foreignKeyChecks,
  };
  return keysRefusal(keys, scope, taken);
}

/** Why the child's columns cannot refer to the parent's, or null when they can. */
function foreignKeyMismatch(
  k: NewKey,
  columnOf: (name: string) => ColumnDef | undefined,
  primaryKey: readonly string[],
  parent: TableDef,
): string | null {
  const { columns, refColumns } = k;
  if (columns.length !== refColumns.length) return null;
  for (let i = 0; i < columns.length; i++) {
    const child = columnOf(columns[i]!);
    const referenced = parent.columns.find(
      (c) => c.name.toLowerCase() === refColumns[i]!.toLowerCase(),
    );
    if (child === undefined) return null;
    if (referenced === undefined) return `Column ${refColumns[i]!} was not found.`;
    if (!sameKeyType(child.type, referenced.type))
      return `Field type or character set for column '${child.name}' does not match referenced column '${referenced.name}'.`;
    const notNull =
      child.nullable === false ||
      primaryKey.some((c) => c.toLowerCase() === child.name.toLowerCase());
    if (notNull && (k.onDelete === 'SET NULL' || k.onUpdate === 'SET NULL'))
      return `You have defined a SET NULL condition but column '${child.name}' is defined as NOT NULL.`;
  }
  const leads = parent.indexes.some((index) =>
    refColumns.every((c, i) => index.columns[i]?.column.toLowerCase() === c.toLowerCase()),
  );
  if (!leads)
    return 'There is no index in the referenced table where the referenced columns appear as the first columns.';
  return null;
}

/**
 * Whether InnoDB takes a key of type `a` referring to one of type `b`: within a family
 * (typeFamily), and an integer of the same size and sign.
 */
function sameKeyType(a: DataType, b: DataType): boolean {
  if (typeFamily(a.name) !== typeFamily(b.name)) return false;
  if (typeFamily(a.name) === 'integer') return a.name === b.name && a.unsigned === b.unsigned;
  return true;
}

/** The indexes an ALTER drops (DROP INDEX/KEY). */
function alterDroppedIndexes(s: AlterTable): string[] {
  return s.specs.flatMap((spec) => (spec.kind === 'drop_index' ? [spec.name] : []));
}

/**
 * DROP INDEX of the index a foreign key needs (FOREIGN_KEY_CHECKS on): one whose leading
 * columns are a key's, of the child or the referenced parent, with no other index to take its
 * place. MariaDB's 1553; SQLite would drop it, and the key would go on without one.
 */
function droppedIndexRefusal(
  name: TableName,
  dropped: readonly string[],
  resolve: (name: TableName) => TableDef | undefined,
  catalog: Catalog,
  foreignKeyChecks: boolean,
): ErrorResult | null {
  if (!foreignKeyChecks || dropped.length === 0) return null;
  const table = resolve(name);
  if (table === undefined) return null;
  const gone = new Set(dropped.map((d) => d.toLowerCase()));
  const leads = (index: IndexDef, columns: readonly string[]): boolean =>
    columns.every((c, i) => index.columns[i]?.column.toLowerCase() === c.toLowerCase());
  const needed = [
    ...table.foreignKeys.map((fk) => fk.columns),
    ...referencesTo(catalog, table).map((r) => r.fk.refColumns),
  ];
  for (const index of table.indexes) {
    if (index.kind === 'primary' || !gone.has(index.name.toLowerCase())) continue;
    for (const columns of needed) {
      if (!leads(index, columns)) continue;
      const other = table.indexes.some(
        (i) =>
          i !== index &&
          !(i.kind !== 'primary' && gone.has(i.name.toLowerCase())) &&
          leads(i, columns),
      );
      if (!other)
        return mysqlError(
          1553,
          'HY000',
          `Cannot drop index '${index.name}': needed in a foreign key constraint`,
        );
    }
  }
  return null;
}

/**
 * MODIFY or CHANGE of a column a foreign key holds, to another type: MariaDB's 1832 for the
 * child's column, 1833 for the parent's (whatever FOREIGN_KEY_CHECKS), and 1830 when it makes
 * NOT NULL a column of a key that sets it NULL. A change of its NULL-ness, default or name
 * alone is taken.
 */
function keyColumnRefusal(
  s: AlterTable,
  resolve: (name: TableName) => TableDef | undefined,
  catalog: Catalog,
): ErrorResult | null {
  const table = resolve(s.table);
  if (table === undefined) return null;
  for (const spec of s.specs) {
    if (spec.kind !== 'modify_column' && spec.kind !== 'change_column') continue;
    const from = (spec.kind === 'change_column' ? spec.from : spec.column.name).toLowerCase();
    const old = table.columns.find((c) => c.name.toLowerCase() === from);
    if (old === undefined) continue;
    const retyped = !sameType(old.type, spec.column.type);
    for (const fk of table.foreignKeys) {
      if (!fk.columns.some((c) => c.toLowerCase() === from)) continue;
      if (retyped)
        return mysqlError(
          1832,
          'HY000',
          `Cannot change column '${old.name}': used in a foreign key constraint '${fk.name}'`,
        );
      if (
        spec.column.nullable === false &&
        (fk.onDelete === 'SET NULL' || fk.onUpdate === 'SET NULL')
      )
        return mysqlError(
          1830,
          'HY000',
          `Column '${old.name}' cannot be NOT NULL: needed in a foreign key constraint '${fk.name}' SET NULL`,
        );
    }
    if (!retyped) continue;
    for (const r of referencesTo(catalog, table)) {
      if (r.child === table) continue;
      if (!r.fk.refColumns.some((c) => c.toLowerCase() === from)) continue;
      return mysqlError(
        1833,
        'HY000',
        `Cannot change column '${old.name}': used in a foreign key constraint '${r.fk.name}' of table '${r.child.db}.${r.child.name}'`,
      );
    }
  }
  return null;
}

/** The same type, as a foreign key sees it: name, length, scale, sign and charset. */
function sameType(a: DataType, b: DataType): boolean {
  const integer = typeFamily(a.name) === 'integer';
  return (
    a.name === b.name &&
    // An integer's length is its display width, not its size.
    (integer || (a.length ?? null) === (b.length ?? null)) &&
    (a.scale ?? null) === (b.scale ?? null) &&
    a.unsigned === b.unsigned &&
    (b.charset === null ||
      a.charset === null ||
      a.charset.toLowerCase() === b.charset.toLowerCase())
  );
}

/** Integer, decimal/float, string, binary, temporal: InnoDB matches a key within a family. */
function typeFamily(name: string): string {
  if (/INT$|^BIT$|^BOOL/.test(name)) return 'integer';
  if (/^(DECIMAL|NUMERIC|FLOAT|DOUBLE|REAL)/.test(name)) return name;
  if (/CHAR$|TEXT$|^ENUM$|^SET$|^JSON$/.test(name)) return 'string';
  if (/BINARY$|BLOB$/.test(name)) return 'binary';
  return name;
}
