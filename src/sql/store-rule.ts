// The write check of a column: every value an INSERT, UPDATE, REPLACE or upsert writes into a
// column goes through the engine's store function with the column's rule, so that the row
// holds the value MySQL would store (or the statement fails with MySQL's error). The rule is
// inlined into the SQL text as JSON: the translation is memoized per catalog version, and the
// engine parses each distinct rule once. See docs/design/sql.md, "Values on write".
import type { ColumnDef } from './ast.js';
import type { TableDef } from './catalog.js';

/** The SQLite function the engine registers to check and convert a value on its way in. */
export const STORE_VALUE_FUNCTION = 'mysql_store_value';

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

/** The column's rule as SQL text (a quoted JSON literal), or null when it is not checked. */
export function storeRuleSql(table: TableDef, column: ColumnDef): string | null {
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
  };
  return `'${JSON.stringify(rule).replace(/'/g, "''")}'`;
}
