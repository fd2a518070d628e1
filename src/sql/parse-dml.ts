// INSERT/REPLACE, UPDATE and DELETE, single- and multi-table (MySQL's syntax).
import type {
  Assignment,
  ColumnRef,
  Delete,
  Expr,
  Insert,
  InsertSource,
  MultiTable,
  TableName,
  TableRef,
  TableSource,
  Update,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { parseExpr, parseOrderList, startsQuery } from './parse-expression.js';
import {
  parseLimitCount,
  parseQuery,
  parseSelectItems,
  parseTableName,
  parseTableRefs,
  parseTableSource,
} from './parse-select.js';

export function parseInsert(c: Cursor): Insert {
  const replace = c.next().upper === 'REPLACE';
  c.oneOf(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY']);
  const ignore = c.acceptWord('IGNORE');
  c.acceptWord('INTO');
  const table = parseTableName(c);
  if (c.isWord('PARTITION')) c.unsupported('PARTITION');
  let columns: string[] | null = null;
  if (c.isOp('(') && !startsQuery(c)) columns = parseColumnList(c);
  const source = parseInsertSource(c);
  // `VALUES ()` without a column list is a row of defaults, as with `() VALUES ()`; MariaDB
  // takes the first row's length as the column count.
  if (columns === null && source.kind === 'values' && source.rows[0]!.length === 0) columns = [];
  let onDuplicate: Assignment[] | null = null;
  if (c.acceptWords('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
    if (replace) c.fail();
    onDuplicate = parseAssignments(c);
  }
  const insert: Insert = { kind: 'insert', replace, ignore, table, columns, source, onDuplicate };
  return c.acceptWord('RETURNING') ? { ...insert, returning: parseSelectItems(c) } : insert;
}

// Column lists may be empty (`INSERT INTO t () VALUES ()`) and qualified (`t.c`).
function parseColumnList(c: Cursor): string[] {
  c.expectOp('(');
  const columns: string[] = [];
  if (!c.isOp(')')) {
    do columns.push(parseColumnRef(c).column);
    while (c.acceptOp(','));
  }
  c.expectOp(')');
  return columns;
}

function parseInsertSource(c: Cursor): InsertSource {
  if (c.acceptWord('VALUES') || c.acceptWord('VALUE')) {
    const rows: Expr[][] = [];
    do rows.push(parseRow(c));
    while (c.acceptOp(','));
    return { kind: 'values', rows };
  }
  if (c.acceptWord('SET')) return { kind: 'set', assignments: parseAssignments(c) };
  if (startsQuery(c)) return { kind: 'query', query: parseQuery(c) };
  return c.fail();
}

function parseRow(c: Cursor): Expr[] {
  c.expectOp('(');
  const row: Expr[] = [];
  if (!c.isOp(')')) {
    do row.push(parseExpr(c));
    while (c.acceptOp(','));
  }
  c.expectOp(')');
  return row;
}

function parseColumnRef(c: Cursor): ColumnRef {
  const parts = [c.identifier()];
  while (parts.length < 3 && c.acceptOp('.')) parts.push(c.name());
  const column = parts[parts.length - 1]!;
  const table = parts.length >= 2 ? parts[parts.length - 2]! : null;
  return { kind: 'column', db: parts.length === 3 ? parts[0]! : null, table, column };
}

export function parseAssignments(c: Cursor): Assignment[] {
  const assignments: Assignment[] = [];
  do {
    const column = parseColumnRef(c);
    if (!c.acceptOp('=')) c.expectOp(':=');
    assignments.push({ column, value: parseExpr(c) });
  } while (c.acceptOp(','));
  return assignments;
}

export function parseUpdate(c: Cursor): Update {
  c.expectWord('UPDATE');
  c.acceptWord('LOW_PRIORITY');
  const ignore = c.acceptWord('IGNORE');
  const refs = parseTableRefs(c);
  c.expectWord('SET');
  const assignments = parseAssignments(c);
  const where = c.acceptWord('WHERE') ? parseExpr(c) : null;
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimitCount(c);
  const single = refs.length === 1 && refs[0]!.kind === 'table' ? refs[0]! : null;
  if (single !== null)
    return { kind: 'update', ignore, table: single, assignments, where, orderBy, limit };
  const table = firstSource(refs, c);
  const multi = { refs, targets: [] };
  return { kind: 'update', ignore, table, multi, assignments, where, orderBy, limit };
}

export function parseDelete(c: Cursor): Delete {
  c.expectWord('DELETE');
  for (;;) if (!c.oneOf(['LOW_PRIORITY', 'QUICK'])) break;
  const ignore = c.acceptWord('IGNORE');
  let multi: MultiTable | null = null;
  if (!c.acceptWord('FROM')) {
    // DELETE t1, t2 FROM <table references>
    const targets = parseDeleteTargets(c);
    c.expectWord('FROM');
    multi = { refs: parseTableRefs(c), targets };
  } else if (deleteTargetsAhead(c)) {
    // DELETE FROM t1, t2 USING <table references>
    const targets = parseDeleteTargets(c);
    c.expectWord('USING');
    multi = { refs: parseTableRefs(c), targets };
  }
  const table = multi === null ? parseTableSource(c) : firstSource(multi.refs, c);
  const where = c.acceptWord('WHERE') ? parseExpr(c) : null;
  if (multi !== null) {
    if (c.isWord('ORDER') || c.isWord('LIMIT')) c.fail();
    if (c.isWord('RETURNING')) c.unsupported('RETURNING');
    return { kind: 'delete', ignore, table, multi, where, orderBy: [], limit: null };
  }
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimitCount(c);
  const single: Delete = { kind: 'delete', ignore, table, where, orderBy, limit };
  return c.acceptWord('RETURNING') ? { ...single, returning: parseSelectItems(c) } : single;
}

/** `t1[.*], db.t2[.*]`: the tables a multi-table DELETE deletes from. */
function parseDeleteTargets(c: Cursor): TableName[] {
  const targets: TableName[] = [];
  do {
    const first = c.identifier();
    let name: TableName = { db: null, name: first };
    if (c.isOp('.') && !c.isOp('*', 1)) {
      c.pos++;
      name = { db: first, name: c.name() };
    }
    if (c.isOp('.') && c.isOp('*', 1)) c.pos += 2;
    targets.push(name);
  } while (c.acceptOp(','));
  return targets;
}

/** After `DELETE FROM`: whether a target list and USING follow (`t1[.*], t2 USING …`). */
function deleteTargetsAhead(c: Cursor): boolean {
  for (let ahead = 0; ;) {
    if (!c.isIdentifier(ahead)) return false;
    ahead++;
    if (c.isOp('.', ahead) && c.isIdentifier(ahead + 1)) ahead += 2;
    if (c.isOp('.', ahead) && c.isOp('*', ahead + 1)) ahead += 2;
    if (c.isWord('USING', ahead)) return true;
    if (!c.isOp(',', ahead)) return false;
    ahead++;
  }
}

/** The leftmost table of a list of table references (a multi-table statement's `table`). */
function firstSource(refs: readonly TableRef[], c: Cursor): TableSource {
  let ref = refs[0]!;
  while (ref.kind === 'join') ref = ref.left;
  if (ref.kind !== 'table')
    return c.unsupported('multi-table UPDATE/DELETE led by a derived table');
  return ref;
}
