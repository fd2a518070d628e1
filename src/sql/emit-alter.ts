// ALTER TABLE: apply the specs to the catalog definition, then pick the cheapest SQLite form —
// CREATE/DROP INDEX, ALTER TABLE ADD COLUMN, RENAME — or the documented table rebuild
// (https://sqlite.org/lang_altertable.html#otheralter): create the new table, copy the rows,
// drop the old one, rename, re-create the indexes.
import type {
  AlterSpec,
  ColumnDef,
  ColumnPosition,
  IndexColumn,
  TableConstraint,
  TableOptions,
} from './ast.js';
import type { CheckDef, ForeignKeyDef, IndexDef, TableDef } from './catalog.js';
import { DDL_RULES_OLDEST } from '../codec/index.js';
import {
  createIndexSql,
  fitPrefixParts,
  prefixKeyParts,
  hasSqliteIndex,
  ddlRulesAtLeast,
  createTableSql,
  isNumericType,
  renameSql,
  renamed,
  type DdlOptions,
  type DdlPlan,
} from './emit-table.js';
import type { Note } from './emit-table.js';
import { SqlFailure, semantic } from './errors.js';
import { backquote, quoteId, quoteString, sqliteTableName } from './names.js';
import { tokenize } from './tokenizer.js';
import { STORE_VALUE_FUNCTION, storeRuleSql } from './store-rule.js';
import { finishTable, isTextType, nameIndexes, resolveOptions } from './table-def.js';

interface WorkColumn {
  def: ColumnDef;
  /** The old column whose values it takes, or null for a new column. */
  origin: string | null;
}

interface WorkIndex {
  name: string | null;
  kind: IndexDef['kind'];
  columns: IndexColumn[];
}

interface Work {
  db: string;
  name: string;
  columns: WorkColumn[];
  indexes: WorkIndex[];
  foreignKeys: ForeignKeyDef[];
  checks: CheckDef[];
  options: TableOptions;
  /** Whether the rows must be copied into a rebuilt table. */
  rebuild: boolean;
  addedColumns: ColumnDef[];
  indexesChanged: boolean;
  /** MariaDB's notes for specs skipped by IF [NOT] EXISTS. */
  notes: Note[];
  /** DdlOptions.ddlRules (DDL_RULES_OLDEST when absent). */
  ddlRules: number;
}

const fail = (code: number, sqlState: string, message: string): never => {
  throw new SqlFailure(semantic(code, sqlState, message));
};

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function findColumn(work: Work, name: string): number {
  return work.columns.findIndex((c) => same(c.def.name, name));
}

function place(work: Work, column: WorkColumn, position: ColumnPosition): void {
  if (position === null) work.columns.push(column);
  else if ('first' in position) work.columns.unshift(column);
  else {
    const at = findColumn(work, position.after);
    if (at < 0) fail(1054, '42S22', `Unknown column '${position.after}' in '${work.name}'`);
    work.columns.splice(at + 1, 0, column);
  }
  if (position !== null) work.rebuild = true;
}

function inlineKeys(work: Work, def: ColumnDef): void {
  const cols = [{ column: def.name, length: null, direction: null }];
  if (def.primaryKey) addIndex(work, { name: 'PRIMARY', kind: 'primary', columns: cols });
  // Unnamed: nameIndexes names it after the column, or column_2 … when taken (Sequelize's
  // sync({ alter }) repeats a column's UNIQUE at every run; MariaDB adds email_2, email_3 …).
  if (def.unique) addIndex(work, { name: null, kind: 'unique', columns: cols });
}

function addIndex(work: Work, index: WorkIndex): void {
  if (index.kind === 'primary') {
    if (work.indexes.some((i) => i.kind === 'primary'))
      fail(1068, '42000', 'Multiple primary key defined');
    work.rebuild = true;
  }
  work.indexes.push(index);
  work.indexesChanged = true;
}

/**
 * DDL rules 6: a renamed column in the table's own foreign keys (and in those that refer to the
 * table itself), as MariaDB renames it; the rebuild met the old name (1105, SQLite's "unknown
 * column in foreign key definition"). The tables that refer to it are rebuilt by the caller.
 */
function renameInForeignKeys(work: Work, from: string, to: string): void {
  if (!ddlRulesAtLeast(work.ddlRules, 6)) return;
  const rename = (columns: readonly string[]): string[] =>
    columns.map((c) => (same(c, from) ? to : c));
  work.foreignKeys = work.foreignKeys.map((fk) => {
    const self = (fk.refTable.db ?? work.db) === work.db && same(fk.refTable.name, work.name);
    return {
      ...fk,
      columns: rename(fk.columns),
      refColumns: self ? rename(fk.refColumns) : fk.refColumns,
    };
  });
}

function renameInIndexes(work: Work, from: string, to: string): void {
  for (const index of work.indexes)
    index.columns = index.columns.map((c) => (same(c.column, from) ? { ...c, column: to } : c));
}

/**
 * A renamed column in the table's CHECKs and generated columns, as MariaDB renames it there
 * (it was 1054 when the rebuild met the old name): in each expression and in its text as
 * written (ColumnDef.checkText, GeneratedColumn.text, CheckDef.text).
 */
function renameInExpressions(work: Work, from: string, to: string): void {
  for (const column of work.columns) {
    const def = column.def;
    const generated = def.generated ?? null;
    column.def = {
      ...def,
      check: def.check === null ? null : renameRefs(def.check, from, to),
      ...(def.checkText === undefined ? {} : { checkText: renameInText(def.checkText, from, to) }),
      ...(generated === null
        ? {}
        : {
            generated: {
              ...generated,
              expr: renameRefs(generated.expr, from, to),
              ...(generated.text === undefined
                ? {}
                : { text: renameInText(generated.text, from, to) ?? undefined }),
            },
          }),
    };
  }
  work.checks = work.checks.map((k) => ({ ...k, text: renameInText(k.text, from, to) ?? k.text }));
}

/** `node` (an expression, plain data) with its references to column `from` naming `to`. */
function renameRefs<T>(node: T, from: string, to: string): T {
  if (Array.isArray(node)) return node.map((n: unknown) => renameRefs(n, from, to)) as T;
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'column' && typeof record['column'] === 'string') {
    return same(record['column'], from) ? ({ ...record, column: to } as T) : node;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = renameRefs(value, from, to);
  return out as T;
}

/**
 * An expression's text with the column `from` written as `to` (a name token that is neither a
 * function's nor qualified); null stays null, and so does a text that does not tokenize.
 */
function renameInText(text: string | null, from: string, to: string): string | null {
  if (text === null) return null;
  const tokens = tokenize(text);
  if (!tokens.ok) return null;
  let out = '';
  let at = 0;
  tokens.value.forEach((t, i) => {
    const next = tokens.value[i + 1];
    const previous = tokens.value[i - 1];
    const name = (t.type === 'word' || t.type === 'ident') && same(t.text, from);
    const call = next?.type === 'op' && next.text === '(';
    const qualified =
      (previous?.type === 'op' && previous.text === '.') ||
      (next?.type === 'op' && next.text === '.');
    if (!name || call || qualified) return;
    out += text.slice(at, t.start) + backquote(to);
    at = t.end;
  });
  return out + text.slice(at);
}

function addColumn(work: Work, def: ColumnDef, position: ColumnPosition): void {
  if (findColumn(work, def.name) >= 0) fail(1060, '42S21', `Duplicate column name '${def.name}'`);
  place(work, { def, origin: null }, position);
  work.addedColumns.push(def);
  inlineKeys(work, def);
}

function dropColumn(work: Work, name: string, ifExists: boolean): void {
  const at = findColumn(work, name);
  if (at < 0) {
    const message = `Can't DROP COLUMN \`${name}\`; check that it exists`;
    if (!ifExists) fail(1091, '42000', message);
    work.notes.push({ code: 1091, message });
    return;
  }
  work.columns.splice(at, 1);
  for (const index of work.indexes)
    index.columns = index.columns.filter((c) => !same(c.column, name));
  work.indexes = work.indexes.filter((i) => i.columns.length > 0);
  work.rebuild = true;
}

function replaceColumn(work: Work, from: string, def: ColumnDef, position: ColumnPosition): void {
  const at = findColumn(work, from);
  if (at < 0) fail(1054, '42S22', `Unknown column '${from}' in '${work.name}'`);
  const old = work.columns[at]!;
  if (!same(from, def.name) && findColumn(work, def.name) >= 0)
    fail(1060, '42S21', `Duplicate column name '${def.name}'`);
  work.columns.splice(at, 1);
  if (position === null) work.columns.splice(at, 0, { def, origin: old.origin });
  else place(work, { def, origin: old.origin }, position);
  renameInIndexes(work, from, def.name);
  if (!same(from, def.name)) renameInExpressions(work, from, def.name);
  if (!same(from, def.name)) renameInForeignKeys(work, from, def.name);
  // Version 5's rules: a key's prefix of the column follows its new type (fitPrefixParts).
  if (ddlRulesAtLeast(work.ddlRules, 5))
    for (const index of work.indexes) index.columns = fitPrefixParts(index.columns, def);
  inlineKeys(work, def);
  work.rebuild = true;
}

function dropIndex(work: Work, name: string, ifExists: boolean, what = 'INDEX'): void {
  const before = work.indexes.length;
  work.indexes = work.indexes.filter((i) => i.name === null || !same(i.name, name));
  if (work.indexes.length === before) {
    const message = `Can't DROP ${what} \`${name}\`; check that it exists`;
    if (!ifExists) fail(1091, '42000', message);
    work.notes.push({ code: 1091, message });
    return;
  }
  work.indexesChanged = true;
}

/** MariaDB's DROP CONSTRAINT: a CHECK of that name, else a foreign key, else a unique key. */
function dropConstraint(work: Work, name: string, ifExists: boolean): void {
  const checks = work.checks.filter((k) => !same(k.name, name));
  const foreignKeys = work.foreignKeys.filter((f) => !same(f.name, name));
  if (checks.length === work.checks.length && foreignKeys.length === work.foreignKeys.length)
    return dropIndex(work, name, ifExists, 'CONSTRAINT');
  work.checks = checks;
  work.foreignKeys = foreignKeys;
  work.rebuild = true;
}

/**
 * MariaDB's note for a spec that IF [NOT] EXISTS skips (the column or key is there already, or
 * is not there), or null: the spec runs.
 */
function skipped(work: Work, spec: AlterSpec): Note | null {
  if (spec.kind === 'add_column' && spec.ifNotExists && findColumn(work, spec.column.name) >= 0)
    return { code: 1060, message: `Duplicate column name '${spec.column.name}'` };
  if ((spec.kind === 'modify_column' || spec.kind === 'change_column') && spec.ifExists) {
    const name = spec.kind === 'modify_column' ? spec.column.name : spec.from;
    if (findColumn(work, name) < 0)
      return { code: 1054, message: `Unknown column '${name}' in '${work.name}'` };
  }
  if (spec.kind === 'add_constraint' && spec.ifNotExists) {
    const k = spec.constraint;
    const name = k.name;
    if (name === null) return null;
    if (k.kind === 'check')
      return work.checks.some((c) => same(c.name, name))
        ? { code: 1826, message: `Duplicate CHECK constraint name '${name}'` }
        : null;
    const taken =
      work.indexes.some((i) => i.name !== null && same(i.name, name)) ||
      work.foreignKeys.some((f) => same(f.name, name));
    if (taken) return { code: 1061, message: `Duplicate key name '${name}'` };
  }
  return null;
}

// One spec; the ones that change a column's storage force a rebuild.
function apply(work: Work, spec: AlterSpec): void {
  const note = skipped(work, spec);
  if (note !== null) {
    work.notes.push(note);
    return;
  }
  switch (spec.kind) {
    case 'add_column':
      return addColumn(work, spec.column, spec.position);
    case 'drop_column':
      return dropColumn(work, spec.name, spec.ifExists);
    case 'modify_column':
      return replaceColumn(work, spec.column.name, spec.column, spec.position);
    case 'change_column':
      return replaceColumn(work, spec.from, spec.column, spec.position);
    case 'rename_column': {
      const at = findColumn(work, spec.from);
      if (at < 0) fail(1054, '42S22', `Unknown column '${spec.from}' in '${work.name}'`);
      const column = work.columns[at]!;
      column.def = { ...column.def, name: spec.to };
      renameInIndexes(work, spec.from, spec.to);
      renameInExpressions(work, spec.from, spec.to);
      renameInForeignKeys(work, spec.from, spec.to);
      work.rebuild = true;
      return;
    }
    case 'alter_default': {
      const at = findColumn(work, spec.name);
      if (at < 0) fail(1054, '42S22', `Unknown column '${spec.name}' in '${work.name}'`);
      const column = work.columns[at]!;
      column.def = { ...column.def, default: spec.default, defaultText: spec.defaultText ?? null };
      work.rebuild = true;
      return;
    }
    default:
      return applyTableSpec(work, spec);
  }
}

function applyTableSpec(work: Work, spec: AlterSpec): void {
  switch (spec.kind) {
    case 'add_constraint': {
      const k = spec.constraint;
      if (k.kind === 'primary_key')
        return addIndex(work, {
          name: 'PRIMARY',
          kind: 'primary',
          // Rules 6: its prefixes are checked (1089) and built on, as CREATE TABLE's.
          columns: prefixKeyParts(
            'primary',
            k.columns,
            work.columns.map((c) => c.def),
            ddlRulesAtLeast(work.ddlRules, 6) ? work.ddlRules : undefined,
          ),
        });
      if (k.kind === 'unique')
        return addIndex(work, {
          name: k.name,
          kind: 'unique',
          columns: prefixKeyParts(
            'unique',
            k.columns,
            work.columns.map((c) => c.def),
            work.ddlRules,
          ),
        });
      if (k.kind === 'index') {
        const kind = k.variant === 'KEY' ? 'index' : (k.variant.toLowerCase() as 'fulltext');
        const defs = work.columns.map((c) => c.def);
        return addIndex(work, {
          name: k.name,
          kind,
          columns: prefixKeyParts(kind, k.columns, defs, work.ddlRules),
        });
      }
      if (k.kind === 'check')
        work.checks.push({ name: k.name ?? `CONSTRAINT_${work.checks.length + 1}`, text: k.text });
      else addForeignKey(work, k);
      work.rebuild = true;
      return;
    }
    case 'drop_index':
      return dropIndex(work, spec.name, spec.ifExists);
    case 'drop_primary_key':
      if (!work.indexes.some((i) => i.kind === 'primary'))
        fail(1091, '42000', "Can't DROP INDEX `PRIMARY`; check that it exists");
      work.indexes = work.indexes.filter((i) => i.kind !== 'primary');
      work.rebuild = true;
      return;
    case 'drop_foreign_key': {
      const foreignKeys = work.foreignKeys.filter((f) => !same(f.name, spec.name));
      if (foreignKeys.length === work.foreignKeys.length) {
        const message = `Can't DROP FOREIGN KEY \`${spec.name}\`; check that it exists`;
        if (!spec.ifExists) fail(1091, '42000', message);
        work.notes.push({ code: 1091, message });
        return;
      }
      work.foreignKeys = foreignKeys;
      work.rebuild = true;
      return;
    }
    case 'drop_constraint':
      return dropConstraint(work, spec.name, spec.ifExists);
    case 'rename_index': {
      const index = work.indexes.find((i) => i.name !== null && same(i.name, spec.from));
      if (!index) fail(1176, '42000', `Key '${spec.from}' doesn't exist in table '${work.name}'`);
      index!.name = spec.to;
      work.indexesChanged = true;
      return;
    }
    case 'rename_table':
      work.db = spec.to.db ?? work.db;
      work.name = spec.to.name;
      return;
    case 'options': {
      const before = work.options;
      work.options = resolveOptions(spec.options, work.options);
      // Version 5's rules: a new table charset or collation is the default of columns added
      // later; the columns there keep theirs, as in MariaDB (the catalog said the new one while
      // SQLite's columns kept the old).
      if (
        ddlRulesAtLeast(work.ddlRules, 5) &&
        (before.charset !== work.options.charset || before.collation !== work.options.collation)
      )
        for (const c of work.columns)
          if (isTextType(c.def.type) && c.def.type.collation === null)
            c.def = {
              ...c.def,
              type: { ...c.def.type, charset: before.charset, collation: before.collation },
            };
      return;
    }
    case 'convert_charset':
      work.options = resolveOptions(
        { ...work.options, charset: spec.charset, collation: spec.collation },
        undefined,
      );
      for (const c of work.columns)
        c.def = { ...c.def, type: { ...c.def.type, charset: null, collation: null } };
      work.rebuild = true;
      return;
  }
}

function addForeignKey(work: Work, k: TableConstraint & { kind: 'foreign_key' }): void {
  // InnoDB names an unnamed one after the highest <table>_ibfk_<n> the table has.
  const prefix = `${work.name}_ibfk_`.toLowerCase();
  const numbers = work.foreignKeys
    .map((f) => f.name.toLowerCase())
    .filter((n) => n.startsWith(prefix))
    .map((n) => Number(n.slice(prefix.length)))
    .filter((n) => Number.isInteger(n));
  const name = k.name ?? `${work.name}_ibfk_${Math.max(0, ...numbers) + 1}`;
  work.foreignKeys.push({
    name,
    columns: k.columns,
    refTable: { db: k.refTable.db ?? work.db, name: k.refTable.name },
    refColumns: k.refColumns,
    onDelete: k.onDelete,
    onUpdate: k.onUpdate,
  });
  // As in CREATE TABLE (table-def.ts): InnoDB adds an index for the foreign key's columns unless
  // one starts with them, named after the constraint or else its first column.
  const covered = work.indexes.some((i) =>
    k.columns.every((c, n) => i.columns[n] !== undefined && same(i.columns[n]!.column, c)),
  );
  if (!covered)
    addIndex(work, {
      name: k.name ?? k.columns[0] ?? name,
      kind: 'index',
      columns: k.columns.map((column) => ({ column, length: null, direction: null })),
    });
}

function startWork(table: TableDef, ddlRules: number): Work {
  return {
    db: table.db,
    name: table.name,
    columns: table.columns.map((def) => ({ def, origin: def.name })),
    indexes: table.indexes.map((i) => ({ name: i.name, kind: i.kind, columns: [...i.columns] })),
    foreignKeys: [...table.foreignKeys],
    checks: [...table.checks],
    options: table.options,
    rebuild: false,
    addedColumns: [],
    indexesChanged: false,
    notes: [],
    ddlRules,
  };
}

function finish(work: Work, table: TableDef): TableDef {
  const primary = work.indexes.find((i) => i.kind === 'primary');
  const others = work.indexes
    .filter((i) => i.kind !== 'primary')
    .map((i) => ({ name: i.name === 'PRIMARY' ? null : i.name, kind: i.kind, columns: i.columns }));
  const indexes = nameIndexes(work.db, work.name, {
    primary: primary ? primary.columns : null,
    indexes: others,
  });
  return finishTable({
    ...table,
    db: work.db,
    name: work.name,
    sqliteName: sqliteTableName(work.db, work.name),
    columns: work.columns.map((c) => c.def),
    indexes,
    foreignKeys: work.foreignKeys,
    checks: work.checks,
    options: work.options,
  });
}

/** The value MariaDB gives existing rows in a new NOT NULL column without a default. */
function implicitDefault(def: ColumnDef): string {
  if (isNumericType(def.type)) return '0';
  switch (def.type.name) {
    case 'DATE':
      return "'0000-00-00'";
    case 'DATETIME':
    case 'TIMESTAMP':
      return "'0000-00-00 00:00:00'";
    case 'TIME':
      return "'00:00:00'";
    case 'ENUM':
      return quoteString(def.type.values[0] ?? '');
    default:
      return "''";
  }
}

// ADD COLUMN is direct in SQLite only for columns without keys, without a non-constant default
// and, when NOT NULL, with a non-NULL default.
function canAddDirectly(def: ColumnDef): boolean {
  if (def.primaryKey || def.unique || def.autoIncrement) return false;
  // SQLite adds a VIRTUAL generated column in place, never a STORED one.
  if (def.generated?.stored === true) return false;
  if (def.default?.kind === 'call') return false;
  const nullDefault =
    def.default === null || (def.default.kind === 'literal' && def.default.type === 'null');
  return def.nullable !== false || !nullDefault;
}

function rebuildSql(work: Work, source: TableDef, target: TableDef, options: DdlOptions): string[] {
  const temporary = `${target.sqliteName}.~alter`;
  const [create] = createTableSql({ ...target, indexes: [] }, options, temporary);
  const columns: string[] = [];
  const values: string[] = [];
  let counted = false;
  for (const c of work.columns) {
    // SQLite computes a generated column in the new table and refuses a value for it.
    if ((c.def.generated ?? null) !== null) continue;
    if (c.origin !== null) {
      columns.push(quoteId(c.def.name));
      // DDL rules 6: a column of another type converts the values it holds as MariaDB does
      // (DATETIME to DATE keeps the date, 1.5 to INT is 2, 'abc' to INT is an error); they
      // were copied as they were. The rule is inline: every node runs this SQL.
      const before = source.columns.find((s) => same(s.name, c.origin!));
      const rule =
        ddlRulesAtLeast(options, 6) &&
        before !== undefined &&
        JSON.stringify(before.type) !== JSON.stringify(c.def.type)
          ? storeRuleSql(target, c.def, true)
          : null;
      values.push(
        rule === null
          ? quoteId(c.origin)
          : `${STORE_VALUE_FUNCTION}(${quoteId(c.origin)}, ${rule}, ${counted ? 0 : -1})`,
      );
      if (rule !== null) counted = true;
    } else if (c.def.nullable === false && c.def.default === null && !c.def.autoIncrement) {
      columns.push(quoteId(c.def.name));
      values.push(implicitDefault(c.def));
    }
  }
  const statements = [create!];
  if (columns.length > 0)
    statements.push(
      `INSERT INTO ${quoteId(temporary)} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${quoteId(source.sqliteName)}`,
    );
  statements.push(
    `DROP TABLE ${quoteId(source.sqliteName)}`,
    `ALTER TABLE ${quoteId(temporary)} RENAME TO ${quoteId(target.sqliteName)}`,
  );
  for (const index of target.indexes)
    if (hasSqliteIndex(index)) statements.push(createIndexSql(target, index));
  return statements;
}

function indexSql(source: TableDef, target: TableDef): string[] {
  const out: string[] = [];
  const key = (i: IndexDef): string => `${i.kind}:${i.sqliteName}:${JSON.stringify(i.columns)}`;
  const targetKeys = new Set(target.indexes.map(key));
  const sourceKeys = new Set(source.indexes.map(key));
  for (const i of source.indexes)
    if (i.sqliteName !== null && !targetKeys.has(key(i)))
      out.push(`DROP INDEX ${quoteId(i.sqliteName)}`);
  for (const i of target.indexes)
    if (hasSqliteIndex(i) && !sourceKeys.has(key(i))) out.push(createIndexSql(target, i));
  return out;
}

/**
 * The SQL that makes `table` again as it is under `options` (its SQLite table with the foreign
 * keys whose parents `options.catalog` has, its rows copied, its indexes): the triggers are the
 * caller's (keepTriggers).
 */
export function rebuildTableSql(table: TableDef, options: DdlOptions): string[] {
  return rebuildSql(startWork(table, options.ddlRules ?? DDL_RULES_OLDEST), table, table, options);
}

/** Plans ALTER TABLE; throws SqlFailure for specs that do not fit the table. */
export function emitAlterTable(
  table: TableDef,
  specs: readonly AlterSpec[],
  options: DdlOptions,
): DdlPlan {
  const work = startWork(table, options.ddlRules ?? DDL_RULES_OLDEST);
  for (const spec of specs) apply(work, spec);
  if (!work.rebuild && !work.addedColumns.every(canAddDirectly)) work.rebuild = true;
  const target = finish(work, table);
  const moved = target.db !== table.db || !same(target.name, table.name);
  if (moved && options.catalog.table(target.db, target.name))
    fail(1050, '42S01', `Table '${target.name}' already exists`);
  const changes = [
    ...(moved ? [{ kind: 'drop_table' as const, db: table.db, name: table.name }] : []),
    { kind: 'put_table' as const, table: target },
  ];
  const notes = [...work.notes, ...duplicateIndexNotes(table, target)];
  if (work.rebuild) return { statements: rebuildSql(work, table, target, options), changes, notes };
  const statements: string[] = [];
  let current = table;
  if (moved) {
    const renamedTable = renamed(table, target.db, target.name);
    statements.push(...renameSql(table, renamedTable));
    current = renamedTable;
  }
  for (const def of work.addedColumns) {
    const [create] = createTableSql(
      // The column alone: no key, foreign key or CHECK line after it (a CHECK left a comma).
      { ...target, columns: [def], primaryKey: [], indexes: [], foreignKeys: [], checks: [] },
      options,
      '~',
    );
    const columnSql = create!.split('\n')[1]!.trim();
    statements.push(`ALTER TABLE ${quoteId(target.sqliteName)} ADD COLUMN ${columnSql}`);
  }
  statements.push(...indexSql(current, target));
  return { statements, changes, notes };
}

/**
 * MariaDB's Note 1831 for each index the ALTER adds with the kind and columns of another (a
 * column's UNIQUE said again, as Sequelize's sync({ alter }) does).
 */
function duplicateIndexNotes(before: TableDef, after: TableDef): Note[] {
  const shape = (i: IndexDef): string =>
    `${i.kind}:${i.columns.map((c) => `${c.column.toLowerCase()}(${c.length ?? ''})`).join(',')}`;
  const added = after.indexes.filter(
    (i) => i.kind !== 'primary' && !before.indexes.some((b) => same(b.name, i.name)),
  );
  return added
    .filter((i) => after.indexes.some((o) => o !== i && shape(o) === shape(i)))
    .map((i) => ({
      code: 1831,
      message: `Duplicate index \`${i.name}\`. This is deprecated and will be disallowed in a future release`,
    }));
}
