// Entry point of the recursive-descent parser: dispatch on the first keyword, then require the
// end of the statement. Internal failures unwind as SqlFailure and leave as error values.
import { AssertionError } from '../core/assert.js';
import type { Literal, Select, SelectItem, Statement, TableRef } from './ast.js';
import { Cursor } from './cursor.js';
import { type Result, SqlFailure, fail, ok, semantic } from './errors.js';
import {
  parseAlterUser,
  parseBegin,
  parseCommit,
  parseCreateUser,
  parseDescribe,
  parseDropUser,
  parseFlush,
  parseGrant,
  parseKill,
  parseTableMaintenance,
  parseLockTables,
  parseRevoke,
  parseRollback,
  parseSavepoint,
  parseSet,
  parseSetStatementVariables,
  parseShow,
  parseUnlockTables,
  parseUse,
} from './parse-admin.js';
import { parseAlter, parseCreate, parseDrop, parseRename, parseTruncate } from './parse-ddl.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseQuery, parseSelectItems } from './parse-select.js';
import type { ParseModes } from './parse-modes.js';
import { type Token, tokenize } from './tokenizer.js';

export interface Parsed {
  readonly statement: Statement;
  /** Number of literals and `?` markers, in text order. */
  readonly slotCount: number;
  /** Slots whose literal value is part of the statement's structure (sorted, unique). */
  readonly pinned: readonly number[];
}

/** Statements that MariaDB knows but trireme does not run. */
const UNSUPPORTED_FIRST_WORDS: Readonly<Record<string, string>> = {
  HANDLER: 'HANDLER',
  LOAD: 'LOAD DATA',
  CALL: 'CALL',
  PREPARE: 'PREPARE',
  EXECUTE: 'EXECUTE',
  DEALLOCATE: 'DEALLOCATE PREPARE',
  XA: 'XA transactions',
  HELP: 'HELP',
  INSTALL: 'INSTALL PLUGIN',
  UNINSTALL: 'UNINSTALL PLUGIN',
  CHANGE: 'CHANGE MASTER',
  RESET: 'RESET',
  PURGE: 'PURGE BINARY LOGS',
  BINLOG: 'BINLOG',
  CACHE: 'CACHE INDEX',
  SIGNAL: 'SIGNAL',
  RESIGNAL: 'RESIGNAL',
  BACKUP: 'BACKUP STAGE',
  VALUES: 'VALUES statement',
  TABLE: 'TABLE statement',
};

function dispatch(c: Cursor): Statement {
  const t = c.peek();
  if (t.type === 'op' && t.text === '(') return parseQuery(c);
  if (t.type !== 'word') return c.fail();
  switch (t.upper) {
    case 'SELECT':
    case 'WITH':
      return parseQuery(c);
    case 'SHUTDOWN':
      c.pos++;
      if (c.acceptWords('WAIT', 'FOR', 'ALL') && c.oneOf(['SLAVES', 'REPLICAS']) === null) c.fail();
      return { kind: 'shutdown' };
    case 'INSERT':
    case 'REPLACE':
      return parseInsert(c);
    case 'UPDATE':
      return parseUpdate(c);
    case 'DELETE':
      return parseDelete(c);
    case 'BEGIN':
    case 'START':
      return parseBegin(c);
    case 'COMMIT':
      return parseCommit(c);
    case 'ROLLBACK':
      return parseRollback(c);
    case 'SAVEPOINT':
    case 'RELEASE':
      return parseSavepoint(c);
    case 'SET':
      if (c.isWord('STATEMENT', 1)) {
        const assignments = parseSetStatementVariables(c);
        return { kind: 'set_statement_for', assignments, statement: dispatch(c) };
      }
      return parseSet(c);
    case 'SHOW':
      return parseShow(c);
    case 'USE':
      return parseUse(c);
  }
  return dispatchRare(c, t);
}

function dispatchRare(c: Cursor, t: Token): Statement {
  switch (t.upper) {
    case 'DO':
      c.pos++;
      return { kind: 'do', query: plainSelect(parseSelectItems(c), null) };
    case 'CREATE':
      if (c.isWord('USER', 1) || (c.isWord('OR', 1) && c.isWord('USER', 3)))
        return (c.pos++, parseCreateUser(c));
      return parseCreate(c);
    case 'DROP':
      if (c.isWord('USER', 1)) return (c.pos++, parseDropUser(c));
      return parseDrop(c);
    case 'ALTER':
      if (c.isWord('USER', 1)) return (c.pos++, parseAlterUser(c));
      return parseAlter(c);
    case 'RENAME':
      return parseRename(c);
    case 'TRUNCATE':
      return parseTruncate(c);
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
      return parseDescribe(c);
    case 'KILL':
      return parseKill(c);
    case 'ANALYZE':
    case 'CHECK':
    case 'OPTIMIZE':
    case 'REPAIR':
    case 'CHECKSUM':
      return parseTableMaintenance(c);
    case 'GRANT':
      return parseGrant(c);
    case 'REVOKE':
      return parseRevoke(c);
    case 'FLUSH':
      return parseFlush(c);
    case 'LOCK':
      return parseLockTables(c);
    case 'UNLOCK':
      return parseUnlockTables(c);
  }
  const construct = UNSUPPORTED_FIRST_WORDS[t.upper];
  if (construct) c.unsupported(construct);
  return c.fail();
}

/** Parses one statement from its tokens (a trailing `;` is allowed), as `modes` read it. */
export function parseTokens(
  sql: string,
  tokens: readonly Token[],
  modes: ParseModes = 0,
): Result<Parsed> {
  const c = new Cursor(sql, tokens, modes);
  if (tokens.length <= 1) {
    // Nothing but comments (a `/*!80001 … */` that MariaDB skips, as mariadb-dump writes them)
    // is a statement that does nothing, as in MariaDB; nothing at all is 1065.
    if (!/\S/.test(sql)) return fail(semantic(1065, '42000', 'Query was empty'));
    const nothing: Literal = {
      kind: 'literal',
      type: 'null',
      value: null,
      slot: null,
      charset: '',
    };
    const item: SelectItem = { kind: 'item', expr: nothing, alias: null, name: 'NULL' };
    return ok({
      statement: { kind: 'do', query: plainSelect([item], null) },
      slotCount: 0,
      pinned: [],
    });
  }
  try {
    const statement = dispatch(c);
    c.acceptOp(';');
    if (c.peek().type !== 'eof') c.fail();
    const pinned = [...new Set(c.pinned)].sort((a, b) => a - b);
    return ok({ statement, slotCount: c.slotCount, pinned });
  } catch (error) {
    if (error instanceof SqlFailure) return fail(error.error);
    if (error instanceof AssertionError) throw error;
    // A RangeError from a stack overflow must not reach the client as a crash.
    if (error instanceof RangeError) return fail(c.failure());
    throw error;
  }
}

/** Tokenizes and parses one statement. */
export function parse(sql: string, modes: ParseModes = 0): Result<Parsed> {
  const tokens = tokenize(sql, modes);
  if (!tokens.ok) return tokens;
  return parseTokens(sql, tokens.value, modes);
}

/**
 * Whether `sql` parses under `modes` to the statement it parses to with none. DDL must: its
 * text is replicated and stored (views, triggers) and read again with no sql_mode.
 */
export function readsAsDefault(sql: string, modes: ParseModes): boolean {
  if (modes === 0) return true;
  const read = parse(sql, modes);
  const plain = parse(sql);
  return read.ok && plain.ok && sameTree(read.value.statement, plain.value.statement);
}

function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return keys.every((k) => sameTree(ra[k], rb[k]));
}

/** `SELECT items FROM from`, nothing else: DO's expressions, or a statement the engine builds. */
export function plainSelect(
  items: readonly SelectItem[],
  from: readonly TableRef[] | null,
): Select {
  return {
    kind: 'select',
    distinct: false,
    items,
    from,
    where: null,
    groupBy: [],
    withRollup: false,
    having: null,
    orderBy: [],
    limit: null,
    lock: null,
  };
}
