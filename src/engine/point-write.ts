// Which write statements read nothing but the rows they name: the statements a transaction may
// run on a writer newer than its snapshot and still certify against the snapshot (see
// docs/design/engine.md, "Snapshot isolation"). Pure functions of the AST and the catalog.
import {
  hasSubquery,
  type DmlStatement,
  type DmlTranslation,
  type Expr,
  type TableDef,
  type TriggerDef,
} from '../sql/index.js';

/**
 * INSERT … VALUES/SET (ON DUPLICATE KEY UPDATE and REPLACE included), or UPDATE/DELETE of one
 * table whose WHERE fixes the whole primary key by literals or parameters; no subquery anywhere,
 * no foreign key from or to the table (its checks and cascades read other rows), and no trigger
 * on it (a trigger's body may read any row). `readsOthers`: see readingTables.
 */
export function isPointWrite(
  s: DmlStatement,
  translation: DmlTranslation,
  readsOthers: ReadonlySet<string>,
): boolean {
  const table = translation.target;
  if (table === null || translation.tables.length !== 1) return false;
  if (table.foreignKeys.length > 0 || readsOthers.has(table.name.toLowerCase())) return false;
  if (hasSubquery(s)) return false;
  switch (s.kind) {
    case 'insert':
      return s.source.kind !== 'query';
    case 'update':
    case 'delete':
      return (
        s.multi === undefined &&
        s.table.kind === 'table' &&
        s.where !== null &&
        fixesPrimaryKey(s.where, table)
      );
    default:
      return false;
  }
}

/** Whether `where` has, among its AND-ed terms, `column = literal` for every primary-key column. */
export function fixesPrimaryKey(where: Expr, table: TableDef): boolean {
  if (table.primaryKey.length === 0) return false;
  const equalities = new Set<string>();
  const collect = (e: Expr): void => {
    if (e.kind === 'binary' && e.op === 'AND') {
      collect(e.left);
      collect(e.right);
      return;
    }
    if (e.kind !== 'binary' || e.op !== '=') return;
    const [column, value] = e.left.kind === 'column' ? [e.left, e.right] : [e.right, e.left];
    if (column.kind === 'column' && (value.kind === 'literal' || value.kind === 'param'))
      equalities.add(column.column.toLowerCase());
  };
  collect(where);
  return table.primaryKey.every((c) => equalities.has(c.toLowerCase()));
}

/**
 * The names (lower case) of the tables whose writes may read other rows besides their own:
 * those with a foreign key, those some foreign key refers to, and those with a trigger.
 */
export function readingTables(
  tables: readonly TableDef[],
  triggers: readonly TriggerDef[],
): Set<string> {
  const names = new Set<string>();
  for (const table of tables) {
    if (table.foreignKeys.length > 0) names.add(table.name.toLowerCase());
    for (const fk of table.foreignKeys) names.add(fk.refTable.name.toLowerCase());
  }
  for (const trigger of triggers) names.add(trigger.table.toLowerCase());
  return names;
}
