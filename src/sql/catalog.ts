// The catalog: MySQL-level table definitions that the emitter reads and that DESCRIBE, SHOW
// CREATE TABLE and information_schema are rendered from. Plain JSON-serializable data, so the
// store can persist each TableDef beside the SQLite schema it describes.
import type { ColumnDef, IndexColumn, ReferentialAction, TableName, TableOptions } from './ast.js';

export interface IndexDef {
  /** MySQL name; 'PRIMARY' for the primary key. */
  readonly name: string;
  readonly kind: 'primary' | 'unique' | 'index' | 'fulltext' | 'spatial';
  readonly columns: readonly IndexColumn[];
  /** The SQLite index name, or null for the primary key (part of CREATE TABLE). */
  readonly sqliteName: string | null;
}

export interface ForeignKeyDef {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: TableName;
  readonly refColumns: readonly string[];
  readonly onDelete: ReferentialAction | null;
  readonly onUpdate: ReferentialAction | null;
}

export interface CheckDef {
  readonly name: string;
  /** The expression as written, for SHOW CREATE TABLE. */
  readonly text: string;
}

export interface TableDef {
  readonly db: string;
  readonly name: string;
  /** The SQLite table holding the rows (see names.ts). */
  readonly sqliteName: string;
  /** Column definitions as MariaDB reports them (charset/collation resolved, PK columns NOT NULL). */
  readonly columns: readonly ColumnDef[];
  /** Primary-key column names in key order; empty when the table has none (rowid keys it). */
  readonly primaryKey: readonly string[];
  /** The AUTO_INCREMENT column, if any. */
  readonly autoIncrement: string | null;
  /** True when the auto-increment column is SQLite's rowid alias (INTEGER PRIMARY KEY). */
  readonly autoIncrementIsRowid: boolean;
  /** Primary key first, then the other indexes in definition order. */
  readonly indexes: readonly IndexDef[];
  readonly foreignKeys: readonly ForeignKeyDef[];
  readonly checks: readonly CheckDef[];
  /** Engine, charset and collation are always set (InnoDB, utf8mb4, utf8mb4_general_ci). */
  readonly options: TableOptions;
}

/**
 * A view: its SELECT as written, re-parsed and inlined as a derived table wherever the view is
 * named (docs/design/sql.md, "Views"). Views and tables share one name space per database.
 */
export interface ViewDef {
  readonly db: string;
  readonly name: string;
  /** The view's column names (the explicit list, or the SELECT's result names). */
  readonly columns: readonly string[];
  /** True when CREATE VIEW named the columns: they rename the SELECT's. */
  readonly explicitColumns: boolean;
  readonly queryText: string;
  /** The database unqualified names in the SELECT name (the creating session's). */
  readonly queryDb: string;
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  readonly definer: { readonly user: string; readonly host: string };
  readonly security: 'DEFINER' | 'INVOKER';
  readonly checkOption: 'CASCADED' | 'LOCAL' | null;
  /**
   * INSERT/UPDATE/DELETE through the view go to this base table (one table, no aggregate,
   * DISTINCT, GROUP BY, HAVING, LIMIT or set operation); null when the view is read-only.
   */
  readonly updatable: {
    readonly table: TableName;
    /** View column → base column, for the items that are plain columns. */
    readonly columns: Readonly<Record<string, string>>;
  } | null;
}

/**
 * A trigger in MySQL syntax, run by SQLite on the session connection only: replicas apply row
 * images (docs/design/sql.md, "Triggers").
 */
export interface TriggerDef {
  readonly db: string;
  readonly name: string;
  readonly table: string;
  readonly timing: 'BEFORE' | 'AFTER';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The body as written. */
  readonly bodyText: string;
  readonly definer: { readonly user: string; readonly host: string };
  /** The SQLite trigger's name. */
  readonly sqliteName: string;
  /**
   * Set while the body cannot be planned (a table it names does not exist yet, as in a dump that
   * makes a table's triggers before the later tables): MariaDB takes such a trigger and fails
   * the statements that fire it. Its SQLite trigger then fails with this error, and it is
   * planned again whenever a table or view of its database is made or changed.
   */
  readonly waiting?: { readonly code: number; readonly sqlState: string; readonly message: string };
}

/** What the emitter needs to know about the schema. */
export interface Catalog {
  /** Bumped on every schema change; cached translations are keyed by it. */
  readonly version: number;
  table(db: string, name: string): TableDef | undefined;
  tables(db: string): readonly TableDef[];
  databaseExists(db: string): boolean;
  /** The database's default charset and collation, if the catalog keeps them. */
  databaseDefaults?(
    db: string,
  ): { readonly charset: string; readonly collation: string } | undefined;
  /** The view of that name, if the catalog has views. */
  view?(db: string, name: string): ViewDef | undefined;
  views?(db: string): readonly ViewDef[];
  trigger?(db: string, name: string): TriggerDef | undefined;
  triggers?(db: string): readonly TriggerDef[];
}

/** An in-memory catalog, for tests and as the store's cache of its persisted definitions. */
export class MemoryCatalog implements Catalog {
  version = 0;
  private readonly byKey = new Map<string, TableDef>();
  private readonly databases = new Set<string>();

  table(db: string, name: string): TableDef | undefined {
    return this.byKey.get(key(db, name));
  }

  tables(db: string): readonly TableDef[] {
    return [...this.byKey.values()].filter((t) => t.db === db);
  }

  databaseExists(db: string): boolean {
    return this.databases.has(db);
  }

  addDatabase(db: string): void {
    this.databases.add(db);
    this.version++;
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
    for (const t of this.tables(db)) this.byKey.delete(key(t.db, t.name));
    this.version++;
  }

  put(table: TableDef): void {
    this.databases.add(table.db);
    this.byKey.set(key(table.db, table.name), table);
    this.version++;
  }

  remove(db: string, name: string): void {
    this.byKey.delete(key(db, name));
    this.version++;
  }
}

/** A foreign key of `child` that refers to a table. */
export interface Reference {
  readonly child: TableDef;
  readonly fk: ForeignKeyDef;
}

/**
 * The foreign keys, in tables of the same database, that refer to `table` (its own included: a
 * self-referencing key). Cross-database references are not found (the catalog lists tables per
 * database).
 */
export function referencesTo(catalog: Catalog, table: TableDef): Reference[] {
  const found: Reference[] = [];
  for (const child of catalog.tables(table.db))
    for (const fk of child.foreignKeys)
      if ((fk.refTable.db ?? child.db) === table.db && sameName(fk.refTable.name, table.name))
        found.push({ child, fk });
  return found;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

// SQLite table names are case-insensitive, so the catalog is too (see docs/design/sql.md).
function key(db: string, name: string): string {
  return `${db}\u0000${name.toLowerCase()}`;
}
