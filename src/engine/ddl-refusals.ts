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
  quoteId,
  referencesTo,
  type AlterTable,
  type Catalog,
  type Statement,
  type TableDef,
  type TableName,
} from '../sql/index.js';
import { childRowError, mysqlError, parentRowError, referenceText } from './errors.js';

/** Runs a read on a snapshot and says whether it found a row (the origin session's reader). */
export type RowExists = (sql: string) => boolean | ErrorResult;

export function ddlRefusal(
  s: Statement,
  catalog: Catalog,
  database: string | null,
  foreignKeyChecks: boolean,
  rowExists: RowExists,
): ErrorResult | null {
  const resolve = (name: TableName): TableDef | undefined => {
    const db = name.db ?? database;
    return db === null ? undefined : catalog.table(db, name.name);
  };
  if (s.kind === 'alter_table')
    return alterRefusal(s, resolve, catalog, database, foreignKeyChecks, rowExists);
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
  rowExists: RowExists,
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
      if (parent !== undefined && k.columns.length === k.refColumns.length)
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
