// Multi-table UPDATE and DELETE → a sequence of SQLite statements, each writing one table.
//
// SQLite's UPDATE and DELETE write one table. MySQL's multi-table forms join first and then
// write the rows each table contributed, every row at most once however often the join meets
// it, with values computed from the rows as they were before the statement (`SET t1.a = 5,
// t2.c = t1.a` gives t2.c the old a). So the join runs once into a TEMP table — the rowid of
// each target table's row and the value of each assignment, per joined row — and then one
// statement per target table writes from it: an UPDATE … FROM the first joined row of each
// target row (`min(rowid)`), skipping rows it would not change, or a DELETE of the rowids.
// Each statement changes rows of one table, so the capture triggers see ordinary row changes
// and the write-set is built as for any statement. See docs/design/sql.md.
import { jsonTableColumns } from './json-table.js';
import type { Assignment, ColumnRef, Delete, TableName, TableRef, Update } from './ast.js';
import type { TableDef } from './catalog.js';
import type { DmlEmitter, DmlStep } from './emit-dml.js';
import { SqlFailure, semantic, unsupported } from './errors.js';
import { quoteId } from './names.js';

/** The TEMP table a multi-table statement joins into; dropped by its last step. */
export const MULTI_TABLE = 'temp."~multi"';
/** The statement that drops it, also run after a step fails. */
export const MULTI_TABLE_DROP = `DROP TABLE IF EXISTS ${MULTI_TABLE}`;

/** A table reference of the statement: its alias, and its definition when it is a table. */
interface Source {
  readonly alias: string;
  readonly name: TableName | null;
  readonly table: TableDef | null;
  /** A derived table's columns (for an unqualified SET column), else empty. */
  readonly columns: readonly string[];
}

/** A table the statement writes, with the join's rowid column for it. */
interface Target {
  readonly source: Source & { readonly table: TableDef };
  readonly rowid: string;
}

function sources(e: DmlEmitter, refs: readonly TableRef[]): Source[] {
  const out: Source[] = [];
  for (const r of refs) {
    if (r.kind === 'join') out.push(...sources(e, [r.left, r.right]));
    else if (r.kind === 'derived')
      out.push({ alias: r.alias, name: null, table: null, columns: e.resultNames(r.query) });
    else if (r.kind === 'json_table') {
      const columns = jsonTableColumns(r.columns).map((c) => c.name);
      out.push({ alias: r.alias, name: null, table: null, columns });
    } else {
      const alias = r.alias ?? r.table.name;
      const view = e.view(r.table);
      const table = view === undefined ? e.resolve(r.table) : null;
      out.push({ alias, name: r.table, table, columns: view?.columns ?? [] });
    }
  }
  return out;
}

function tablesOf(targets: readonly Target[]): TableDef[] {
  const tables: TableDef[] = [];
  for (const t of targets) if (!tables.includes(t.source.table)) tables.push(t.source.table);
  return tables;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function notUpdatable(alias: string, verb: 'UPDATE' | 'DELETE'): never {
  throw new SqlFailure(
    semantic(1288, 'HY000', `The target table ${alias} of the ${verb} is not updatable`),
  );
}

/** The source an assignment's column belongs to: by its qualifier, or the one table that has it. */
function assignedSource(all: readonly Source[], column: ColumnRef): Source {
  const written = column.table === null ? column.column : `${column.table}.${column.column}`;
  const unknown = (): never => {
    throw new SqlFailure(semantic(1054, '42S22', `Unknown column '${written}' in 'SET'`));
  };
  const has = (s: Source): boolean =>
    s.table !== null
      ? s.table.columns.some((c) => same(c.name, column.column))
      : s.columns.some((c) => same(c, column.column));
  if (column.table !== null) {
    const source = all.find((s) => same(s.alias, column.table!)) ?? unknown();
    return has(source) ? source : unknown();
  }
  const found = all.filter(has);
  if (found.length === 0) unknown();
  if (found.length > 1)
    throw new SqlFailure(semantic(1052, '23000', `Column '${written}' in SET is ambiguous`));
  return found[0]!;
}

/** The FROM … WHERE … [ORDER BY … LIMIT …] of the join, emitted in text order. */
function joinTail(e: DmlEmitter, s: Update | Delete): string {
  let out = ' FROM ' + s.multi!.refs.map((r) => e.tableRef(r)).join(', ');
  if (s.where !== null) out += ' WHERE ' + e.expr(s.where);
  if (s.orderBy.length > 0) out += ' ORDER BY ' + e.orderList(s.orderBy);
  if (s.limit !== null) out += ' LIMIT ' + e.expr(s.limit);
  return out;
}

/** Runs `emit` and returns its SQL with the binds it added, taken off the emitter's list. */
function step(e: DmlEmitter, role: DmlStep['role'], emit: () => string): DmlStep {
  const before = e.binds.length;
  const sql = emit();
  return { sql, binds: e.binds.splice(before), role };
}

/** What a multi-table statement runs, and the tables it writes. */
export interface MultiPlan {
  readonly steps: DmlStep[];
  readonly targets: TableDef[];
}

export function emitMultiUpdate(e: DmlEmitter, s: Update): MultiPlan {
  const all = sources(e, s.multi!.refs);
  // The assignments of each target table, in the order written.
  const byTarget = new Map<Source, Assignment[]>();
  for (const a of s.assignments) {
    const source = assignedSource(all, a.column);
    if (source.table === null) {
      if (source.name !== null) throw new SqlFailure(unsupported('multi-table UPDATE of a view'));
      notUpdatable(source.alias, 'UPDATE');
    }
    const list = byTarget.get(source) ?? [];
    list.push({ ...a, column: { ...a.column, table: source.alias } });
    byTarget.set(source, list);
  }
  const targets = [...byTarget.keys()].map((source, i): Target => ({
    source: source as Target['source'],
    rowid: `~r${i}`,
  }));
  // Unlike a single-table UPDATE, MariaDB computes every value of a multi-table one from the
  // rows as joined (`SET t1.a = t1.a + 1, t1.s = t1.a` gives s the old a), so no inOrder here.
  const values: { target: Target; assignments: Assignment[] }[] = [];
  let k = 0;
  const items: string[] = [];
  const join = step(e, 'plain', () => {
    for (const t of targets) items.push(`${quoteId(t.source.alias)}.rowid AS ${quoteId(t.rowid)}`);
    for (const t of targets) {
      const assignments = byTarget.get(t.source)!.map((a): Assignment => {
        if (a.value.kind === 'default') return a;
        const name = `~v${k++}`;
        items.push(`${e.expr(a.value)} AS ${quoteId(name)}`);
        return { ...a, value: { kind: 'column', db: null, table: '~m', column: name } };
      });
      values.push({ target: t, assignments });
    }
    return `CREATE TEMP TABLE "~multi" AS SELECT ${items.join(', ')}` + joinTail(e, s);
  });
  const steps: DmlStep[] = [{ sql: MULTI_TABLE_DROP, binds: [], role: 'plain' }, join];
  const counts = targets.map(
    (t) => `(SELECT count(DISTINCT ${quoteId(t.rowid)}) FROM ${MULTI_TABLE})`,
  );
  steps.push({ sql: `SELECT ${counts.join(' + ')}`, binds: [], role: 'matched' });
  for (const { target, assignments } of values)
    steps.push(step(e, 'changed', () => updateStep(e, s, target, assignments)));
  steps.push({ sql: MULTI_TABLE_DROP, binds: [], role: 'plain' });
  return { steps, targets: tablesOf(targets) };
}

/** One target table's UPDATE from the first joined row of each of its rows. */
function updateStep(e: DmlEmitter, s: Update, t: Target, assignments: Assignment[]): string {
  const table = t.source.table;
  const alias = quoteId(t.source.alias);
  const sets = e.assignmentList(table, assignments, t.source.alias);
  const assigned = new Set(assignments.map((a) => a.column.column.toLowerCase()));
  for (const c of table.columns)
    if (c.onUpdateNow !== null && !assigned.has(c.name.toLowerCase()))
      sets.push(`${quoteId(c.name)} = mysql_now(${c.onUpdateNow})`);
  const columns = assignments
    .filter((a) => a.value.kind !== 'default')
    .map((a) => quoteId((a.value as ColumnRef).column));
  const first =
    `SELECT min(rowid), ${quoteId(t.rowid)} AS "~r"${columns.map((c) => `, ${c}`).join('')} ` +
    `FROM ${MULTI_TABLE} WHERE ${quoteId(t.rowid)} IS NOT NULL GROUP BY ${quoteId(t.rowid)}`;
  // A row the assignments would leave as it is is not written (nor replicated, nor counted).
  const unchanged = assignments.map((a) => {
    const value =
      a.value.kind === 'default' ? e.defaultOf(table, a.column.column) : e.expr(a.value);
    return `${alias}.${quoteId(a.column.column)} IS ${value}`;
  });
  const verb = s.ignore ? 'UPDATE OR IGNORE' : 'UPDATE';
  return (
    `${verb} ${quoteId(table.sqliteName)} AS ${alias} SET ${sets.join(', ')} ` +
    `FROM (${first}) AS "~m" WHERE ${alias}.rowid = "~m"."~r" AND NOT (${unchanged.join(' AND ')})`
  );
}

export function emitMultiDelete(e: DmlEmitter, s: Delete): MultiPlan {
  const all = sources(e, s.multi!.refs);
  const targets: Target[] = [];
  for (const name of s.multi!.targets) {
    const source = all.find((src) =>
      name.db === null
        ? same(src.alias, name.name)
        : src.name !== null &&
          src.name.db !== null &&
          same(src.name.db, name.db) &&
          same(src.name.name, name.name),
    );
    if (source === undefined)
      throw new SqlFailure(semantic(1109, '42S02', `Unknown table '${name.name}' in MULTI DELETE`));
    if (source.table === null) {
      if (source.name !== null) throw new SqlFailure(unsupported('multi-table DELETE of a view'));
      notUpdatable(source.alias, 'DELETE');
    }
    if (targets.some((t) => t.source === source)) continue;
    targets.push({ source: source as Target['source'], rowid: `~r${targets.length}` });
  }
  readsTarget(s, targets);
  const join = step(e, 'plain', () => {
    const items = targets.map((t) => `${quoteId(t.source.alias)}.rowid AS ${quoteId(t.rowid)}`);
    return `CREATE TEMP TABLE "~multi" AS SELECT ${items.join(', ')}` + joinTail(e, s);
  });
  const steps: DmlStep[] = [{ sql: MULTI_TABLE_DROP, binds: [], role: 'plain' }, join];
  for (const t of targets)
    steps.push({
      sql:
        `DELETE FROM ${quoteId(t.source.table.sqliteName)} WHERE rowid IN ` +
        `(SELECT ${quoteId(t.rowid)} FROM ${MULTI_TABLE})`,
      binds: [],
      role: 'changed',
    });
  steps.push({ sql: MULTI_TABLE_DROP, binds: [], role: 'plain' });
  return { steps, targets: tablesOf(targets) };
}

/**
 * MariaDB refuses a multi-table DELETE whose subquery reads a table it deletes from (1093); the
 * join itself may name it.
 */
function readsTarget(s: Delete, targets: readonly Target[]): void {
  const names = new Set(targets.map((t) => t.source.table.name.toLowerCase()));
  const visit = (node: unknown, inSubquery: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, inSubquery));
    if (node === null || typeof node !== 'object' || Buffer.isBuffer(node)) return;
    const record = node as Record<string, unknown>;
    const kind = record['kind'];
    const sub =
      inSubquery ||
      kind === 'in_query' ||
      kind === 'exists' ||
      kind === 'subquery' ||
      kind === 'quantified';
    if (sub && kind === 'table') {
      const name = (record['table'] as TableName).name;
      if (names.has(name.toLowerCase()))
        throw new SqlFailure(
          semantic(
            1093,
            'HY000',
            `Table '${name}' is specified twice, both as a target for 'DELETE' and as a separate source for data`,
          ),
        );
    }
    for (const child of Object.values(record)) visit(child, sub);
  };
  visit([s.where, s.multi!.refs], false);
}

/** The TEMP trigger that writes an ordered UPDATE's rows one at a time. */
const ORDERED_TRIGGER = 'temp."~ordered"';

/**
 * A single-table `UPDATE … ORDER BY` that assigns a column of a unique key, in MySQL's row order.
 * SQLite checks UNIQUE at each row but updates rows in rowid order whatever the statement says,
 * so `SET pos = pos + 1 ORDER BY pos DESC` would meet the next row's key. The rows and their new
 * values (assigned left to right, from the row as it was) go into a TEMP table in the statement's
 * order; a DELETE of that table's rows in rowid order, each row's deletion firing a TEMP trigger
 * that updates its row, writes them one by one in that order. Rows it would not change are not
 * deleted, hence neither written nor counted (the DELETE's changes are the rows changed).
 */
export function emitOrderedUpdate(e: DmlEmitter, s: Update, table: TableDef): MultiPlan {
  const alias = s.table.alias ?? s.table.table.name;
  const assignments = e.inOrder(s.assignments, alias);
  const values: Assignment[] = [];
  const items: string[] = ['rowid AS "~r"'];
  const join = step(e, 'plain', () => {
    assignments.forEach((a, k) => {
      if (a.value.kind === 'default') return values.push(a);
      items.push(`${e.expr(a.value)} AS ${quoteId(`~v${k}`)}`);
      values.push({ ...a, value: { kind: 'column', db: null, table: 'OLD', column: `~v${k}` } });
    });
    let out = `CREATE TEMP TABLE "~multi" AS SELECT ${items.join(', ')}`;
    out += ` FROM ${quoteId(table.sqliteName)} AS ${quoteId(alias)}`;
    if (s.where !== null) out += ' WHERE ' + e.expr(s.where);
    out += ' ORDER BY ' + e.orderList(s.orderBy);
    if (s.limit !== null) out += ' LIMIT ' + e.expr(s.limit);
    return out;
  });
  const sets = e.assignmentList(table, values);
  const assigned = new Set(values.map((a) => a.column.column.toLowerCase()));
  for (const c of table.columns)
    if (c.onUpdateNow !== null && !assigned.has(c.name.toLowerCase()))
      sets.push(`${quoteId(c.name)} = mysql_now(${c.onUpdateNow})`);
  const verb = s.ignore ? 'UPDATE OR IGNORE' : 'UPDATE';
  const trigger =
    `CREATE TEMP TRIGGER "~ordered" AFTER DELETE ON "~multi" BEGIN ` +
    `${verb} ${quoteId(table.sqliteName)} SET ${sets.join(', ')} WHERE rowid = OLD."~r"; END`;
  const same = values.map((a) => {
    const value =
      a.value.kind === 'default'
        ? e.defaultOf(table, a.column.column)
        : quoteId((a.value as ColumnRef).column);
    return `"~t".${quoteId(a.column.column)} IS ${value}`;
  });
  const unchanged =
    `SELECT 1 FROM ${quoteId(table.sqliteName)} AS "~t" ` +
    `WHERE "~t".rowid = ${MULTI_TABLE}."~r" AND ${same.join(' AND ')}`;
  const steps: DmlStep[] = [
    { sql: MULTI_TABLE_DROP, binds: [], role: 'plain' },
    join,
    { sql: `SELECT count(*) FROM ${MULTI_TABLE}`, binds: [], role: 'matched' },
    { sql: trigger, binds: [], role: 'plain' },
    {
      sql: `DELETE FROM ${MULTI_TABLE} WHERE NOT EXISTS (${unchanged})`,
      binds: [],
      role: 'changed',
    },
    { sql: `DROP TRIGGER IF EXISTS ${ORDERED_TRIGGER}`, binds: [], role: 'plain' },
    { sql: MULTI_TABLE_DROP, binds: [], role: 'plain' },
  ];
  return { steps, targets: [table] };
}

/** Whether an UPDATE assigns a column of the table's primary or a unique key. */
export function assignsUniqueKey(table: TableDef, s: Update): boolean {
  const assigned = new Set(s.assignments.map((a) => a.column.column.toLowerCase()));
  return table.indexes.some(
    (index) =>
      (index.kind === 'primary' || index.kind === 'unique') &&
      index.columns.some((c) => assigned.has(c.column.toLowerCase())),
  );
}
