// INSERT/REPLACE, UPDATE and DELETE (single table, as Galera's row-based replication needs).
import type { Assignment, ColumnRef, Delete, Expr, Insert, InsertSource, Update } from './ast.js';
import type { Cursor } from './cursor.js';
import { parseExpr, parseOrderList, startsQuery } from './parse-expression.js';
import { parseLimitCount, parseQuery, parseTableName, parseTableSource } from './parse-select.js';

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
  let onDuplicate: Assignment[] | null = null;
  if (c.acceptWords('ON', 'DUPLICATE', 'KEY', 'UPDATE')) {
    if (replace) c.fail();
    onDuplicate = parseAssignments(c);
  }
  if (c.isWord('RETURNING')) c.unsupported('RETURNING');
  return { kind: 'insert', replace, ignore, table, columns, source, onDuplicate };
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
  const table = parseTableSource(c);
  if (c.isOp(',') || c.isWord('JOIN') || c.isWord('INNER') || c.isWord('LEFT') || c.isWord('CROSS'))
    c.unsupported('multi-table UPDATE');
  c.expectWord('SET');
  const assignments = parseAssignments(c);
  const where = c.acceptWord('WHERE') ? parseExpr(c) : null;
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimitCount(c);
  return { kind: 'update', ignore, table, assignments, where, orderBy, limit };
}

export function parseDelete(c: Cursor): Delete {
  c.expectWord('DELETE');
  for (;;) if (!c.oneOf(['LOW_PRIORITY', 'QUICK'])) break;
  const ignore = c.acceptWord('IGNORE');
  if (!c.acceptWord('FROM')) c.unsupported('multi-table DELETE');
  const table = parseTableSource(c);
  if (c.isOp(',') || c.isWord('USING')) c.unsupported('multi-table DELETE');
  const where = c.acceptWord('WHERE') ? parseExpr(c) : null;
  const orderBy = c.acceptWords('ORDER', 'BY') ? parseOrderList(c) : [];
  const limit = parseLimitCount(c);
  if (c.isWord('RETURNING')) c.unsupported('RETURNING');
  return { kind: 'delete', ignore, table, where, orderBy, limit };
}
