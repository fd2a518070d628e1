// The ToiTranslator: turns the MySQL text of a TOI write-set into SQLite statements and a
// catalog update at the write-set's seqno, against the catalog as it stands at that seqno. The
// same text gives the same plan on every node, because every node holds the same catalog there.
import type { DdlStatement } from '../codec/index.js';
import type { Index } from '../core/types.js';
import type { ToiTranslator } from '../node/replicator.js';
import { DDL_KINDS, emitDdl, parse, type Statement } from '../sql/index.js';
import type { CatalogUpdate, Store } from '../storage/index.js';
import { UpdateBuilder, type EngineCatalog } from './catalog.js';
import { applyUserStatement, isUserStatement } from './users.js';

export type Translation =
  | { readonly ok: true; readonly sqlite: readonly string[]; readonly catalog: CatalogUpdate }
  | {
      readonly ok: false;
      readonly code: number;
      readonly sqlState: string;
      readonly message: string;
    };

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

  constructor(
    private readonly catalog: EngineCatalog,
    private readonly store: () => Store,
  ) {}

  /** Called after each applied TOI (the engine resets allocators, caches). */
  onApplied(listener: ResetListener): void {
    this.listeners.push(listener);
  }

  translate(seqno: Index, statements: readonly DdlStatement[]): Translation {
    const scratch = this.catalog.clone();
    const update = new UpdateBuilder();
    const sqlite: string[] = [];
    const tables: string[] = [];
    this.touched = null;
    for (const ddl of statements) {
      const parsed = parse(ddl.sql);
      if (!parsed.ok)
        return failure(parsed.error.code, parsed.error.sqlState, parsed.error.message);
      tables.push(...touchedTables(scratch, parsed.value.statement, ddl.database));
      const failed = planOne(scratch, parsed.value.statement, ddl.database, update, sqlite);
      if (failed !== null) return failed;
    }
    this.touched = { seqno, tables };
    return { ok: true, sqlite, catalog: update.build() };
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

function failure(code: number, sqlState: string, message: string): Translation {
  return { ok: false, code, sqlState, message };
}

function planOne(
  scratch: EngineCatalog,
  statement: Statement,
  database: string,
  update: UpdateBuilder,
  sqlite: string[],
): Translation | null {
  if (isUserStatement(statement)) {
    const error = applyUserStatement(scratch, statement, update);
    return error === null ? null : failure(error.code, error.sqlState, error.message);
  }
  if (!DDL_KINDS.has(statement.kind))
    return failure(1295, 'HY000', 'This command is not supported in TOI');
  const plan = emitDdl(statement, {
    catalog: scratch,
    database: database === '' ? null : database,
  });
  if (!plan.ok) return failure(plan.error.code, plan.error.sqlState, plan.error.message);
  sqlite.push(...plan.value.statements);
  scratch.applyChanges(plan.value.changes, update);
  return null;
}
