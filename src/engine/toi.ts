// The ToiTranslator: turns the MySQL text of a TOI write-set into SQLite statements and a
// catalog update at the write-set's seqno, against the catalog as it stands at that seqno. The
// same text gives the same plan on every node, because every node holds the same catalog there.
import { temporalDefault } from './store-value.js';
import type { DdlStatement } from '../codec/index.js';
import type { Index } from '../core/types.js';
import type { DdlFailure, ToiTranslation, ToiTranslator } from './replicator.js';
import {
  PARSE_MODE,
  DDL_KINDS,
  emitDdl,
  indexPartSql,
  parse,
  quoteId,
  type IndexColumn,
  type Statement,
  type TableDef,
} from '../sql/index.js';
import type { ReadSnapshot, Store } from '../storage/index.js';
import { fromSqlite } from './errors.js';
import { UpdateBuilder, type EngineCatalog } from './catalog.js';
import { applyUserStatement, isUserStatement } from './users.js';

/**
 * Called after each applied TOI with the SQLite names of the existing tables it touched (whose
 * AUTO_INCREMENT state it may have reset: truncate, drop, alter, rename), or null when they are
 * not known.
 */
export type ResetListener = (seqno: Index, tables: readonly string[] | null) => void;

export class EngineToiTranslator implements ToiTranslator {
  private readonly listeners: ResetListener[] = [];
  /** The tables the last translated TOI touches, until it is applied. */
  private touched: { readonly seqno: Index; readonly tables: readonly string[] } | null = null;
  /** The catalog as the last translated TOI would leave it, for the words of a refusal. */
  private planned: { readonly seqno: Index; readonly catalog: EngineCatalog } | null = null;

  constructor(
    private readonly catalog: EngineCatalog,
    private readonly store: () => Store,
  ) {}

  /** Called after each applied TOI (the engine resets allocators, caches). */
  onApplied(listener: ResetListener): void {
    this.listeners.push(listener);
  }

  translate(seqno: Index, statements: readonly DdlStatement[], ddlRules: number): ToiTranslation {
    const scratch = this.catalog.clone();
    const update = new UpdateBuilder();
    const sqlite: string[] = [];
    const tables: string[] = [];
    this.touched = null;
    for (const ddl of statements) {
      // Before DDL rules 6, MySQL 5.7's and 8.0's versioned comments were read as MariaDB's.
      const parsed = parse(ddl.sql, ddlRules >= 6 ? 0 : PARSE_MODE.mysqlVersionedComments);
      if (!parsed.ok)
        return failure(parsed.error.code, parsed.error.sqlState, parsed.error.message);
      tables.push(...touchedTables(scratch, parsed.value.statement, ddl.database));
      const failed = planOne(scratch, parsed.value.statement, ddl.database, update, sqlite, {
        ddlRules,
      });
      if (failed !== null) return failed;
    }
    this.touched = { seqno, tables };
    this.planned = { seqno, catalog: scratch };
    return { ok: true, sqlite, catalog: update.build() };
  }

  refused(seqno: Index, code: string, message: string): DdlFailure {
    const planned = this.planned?.seqno === seqno ? this.planned.catalog : this.catalog;
    this.planned = null;
    this.touched = null;
    const words = (): DdlFailure => {
      const mapped = fromSqlite(code, message);
      return { code: mapped.code, sqlState: mapped.sqlState, message: mapped.message };
    };
    const failed = constraintColumns(message) ?? constraintIndex(planned, message);
    if (failed === null) return words();
    const table = planned.allTables().find((t) => t.sqliteName === failed.table);
    const snapshot = this.store().snapshot();
    if (table === undefined || !snapshot.ok) return words();
    try {
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        return duplicateRefusal(snapshot.value, table, failed.columns, failed.parts) ?? words();
      if (code === 'SQLITE_CONSTRAINT_NOTNULL')
        return nullRefusal(snapshot.value, table, failed.columns[0]!) ?? words();
      return words();
    } finally {
      snapshot.value.release();
    }
  }

  applied(seqno: Index): void {
    this.catalog.load(this.store().catalogEntries());
    const tables = this.touched?.seqno === seqno ? this.touched.tables : null;
    this.touched = null;
    for (const listener of this.listeners) listener(seqno, tables);
  }
}

/** The SQLite names of the existing tables a DDL statement changes, renames or removes. */
function touchedTables(catalog: EngineCatalog, statement: Statement, database: string): string[] {
  const existing = (db: string | null, name: string): string[] => {
    const table = catalog.table(db ?? database, name);
    return table === undefined ? [] : [table.sqliteName];
  };
  switch (statement.kind) {
    case 'truncate':
    case 'alter_table':
    case 'create_index':
    case 'drop_index':
      return existing(statement.table.db, statement.table.name);
    case 'drop_table':
      return statement.tables.flatMap((t) => existing(t.db, t.name));
    case 'rename_table':
      return statement.pairs.flatMap((p) => [
        ...existing(p.from.db, p.from.name),
        ...existing(p.to.db, p.to.name),
      ]);
    case 'drop_database':
      return catalog.tables(statement.name).map((t) => t.sqliteName);
    default:
      return [];
  }
}

function failure(code: number, sqlState: string, message: string): ToiTranslation {
  return { ok: false, code, sqlState, message };
}

function planOne(
  scratch: EngineCatalog,
  statement: Statement,
  database: string,
  update: UpdateBuilder,
  sqlite: string[],
  options: { readonly ddlRules: number },
): ToiTranslation | null {
  if (isUserStatement(statement)) {
    const error = applyUserStatement(scratch, statement, update);
    return error === null ? null : failure(error.code, error.sqlState, error.message);
  }
  if (!DDL_KINDS.has(statement.kind))
    return failure(1295, 'HY000', 'This command is not supported in TOI');
  const plan = emitDdl(statement, {
    catalog: scratch,
    database: database === '' ? null : database,
    temporalDefault,
    ddlRules: options.ddlRules,
  });
  if (!plan.ok) return failure(plan.error.code, plan.error.sqlState, plan.error.message);
  sqlite.push(...plan.value.statements);
  scratch.applyChanges(plan.value.changes, update);
  return null;
}

interface FailedKey {
  readonly table: string;
  readonly columns: string[];
  /** The key's parts, where known (a prefix key's: IndexColumn.prefixKey). */
  readonly parts?: readonly IndexColumn[];
}

/**
 * The key of SQLite's message for an index over expressions, which names the index ("UNIQUE
 * constraint failed: index 'db.t.k'"): a prefix key, found in the catalog the DDL plans.
 */
function constraintIndex(catalog: EngineCatalog, message: string): FailedKey | null {
  const name = /constraint failed: index '(.*)'$/.exec(message)?.[1];
  if (name === undefined) return null;
  for (const table of catalog.allTables()) {
    const index = table.indexes.find((i) => i.sqliteName === name);
    if (index !== undefined)
      return {
        table: table.sqliteName,
        columns: index.columns.map((c) => c.column),
        parts: index.columns,
      };
  }
  return null;
}

/**
 * The table and columns of SQLite's constraint message ("UNIQUE constraint failed: db.t.a,
 * db.t.b"); a table rebuilt by ALTER is named "db.t.~alter" until it replaces "db.t".
 */
function constraintColumns(message: string): FailedKey | null {
  const named = /constraint failed: (.+)$/.exec(message)?.[1];
  if (named === undefined || /^index '.*'$/.test(named)) return null;
  let table: string | null = null;
  const columns: string[] = [];
  for (const part of named.split(', ')) {
    const dot = part.lastIndexOf('.');
    if (dot <= 0) return null;
    const owner = part.slice(0, dot).replace(/\.~alter$/, '');
    if (table !== null && table !== owner) return null;
    table = owner;
    columns.push(part.slice(dot + 1));
  }
  return table === null ? null : { table, columns };
}

/** MariaDB's 1062 for a UNIQUE or PRIMARY KEY over duplicates: the first duplicate, the key. */
function duplicateRefusal(
  snapshot: ReadSnapshot,
  table: TableDef,
  columns: readonly string[],
  parts?: readonly IndexColumn[],
): DdlFailure | null {
  const same = (a: readonly IndexColumn[]): boolean =>
    parts !== undefined
      ? a === parts
      : a.length === columns.length &&
        a.every((c, i) => c.column.toLowerCase() === columns[i]!.toLowerCase());
  const index = table.indexes.find(
    (i) => (i.kind === 'primary' || i.kind === 'unique') && same(i.columns),
  );
  const key =
    index === undefined ? columns.join('_') : index.kind === 'primary' ? 'PRIMARY' : index.name;
  // A prefix key's parts as its index holds them (the prefix, under the column's collation).
  const list =
    parts === undefined
      ? columns.map(quoteId).join(', ')
      : parts.map((part) => indexPartSql(table, part)).join(', ');
  const found = snapshot.execute(
    `SELECT ${list} FROM ${quoteId(table.sqliteName)} GROUP BY ${list} HAVING count(*) > 1 LIMIT 1`,
  );
  if (!found.ok || found.value.rows.length === 0) return null;
  const value = found.value.rows[0]!.map((v) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v),
  );
  return {
    code: 1062,
    sqlState: '23000',
    message: `Duplicate entry '${value.join('-')}' for key '${key}'`,
  };
}

/** MariaDB's 1265 for NOT NULL over NULLs (strict mode): the first such row, counted from 1. */
function nullRefusal(snapshot: ReadSnapshot, table: TableDef, column: string): DdlFailure | null {
  const found = snapshot.execute(
    `SELECT ${quoteId(column)} IS NULL FROM ${quoteId(table.sqliteName)}`,
  );
  if (!found.ok) return null;
  const row = found.value.rows.findIndex((r) => r[0] === 1 || r[0] === 1n);
  if (row < 0) return null;
  return {
    code: 1265,
    sqlState: '01000',
    message: `Data truncated for column '${column}' at row ${row + 1}`,
  };
}
