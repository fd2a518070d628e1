// Session and administrative statements: transactions, SET, SHOW, DESCRIBE/EXPLAIN, KILL, USE,
// accounts and grants, FLUSH, LOCK/UNLOCK TABLES. The MySQL layer executes these itself.
import type {
  Begin,
  Explain,
  Expr,
  Flush,
  GrantTarget,
  IsolationLevel,
  Kill,
  TableMaintenance,
  LockTables,
  SetAssignment,
  SetStatement,
  SetTransaction,
  Show,
  ShowFilter,
  ShowTarget,
  Statement,
  TableName,
  UserName,
  UserSpec,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { SqlFailure, semantic } from './errors.js';
import { parseExpr } from './parse-expression.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { parseLimit, parseQuery, parseTableName } from './parse-select.js';

export function parseBegin(c: Cursor): Begin {
  if (c.acceptWord('BEGIN')) {
    c.acceptWord('WORK');
    return { kind: 'begin', access: null, consistentSnapshot: false };
  }
  c.expectWord('START');
  c.expectWord('TRANSACTION');
  let access: Begin['access'] = null;
  let consistentSnapshot = false;
  if (!c.atEnd()) {
    do {
      if (c.acceptWords('READ', 'ONLY')) access = 'READ ONLY';
      else if (c.acceptWords('READ', 'WRITE')) access = 'READ WRITE';
      else if (c.acceptWords('WITH', 'CONSISTENT', 'SNAPSHOT')) consistentSnapshot = true;
      else c.fail();
    } while (c.acceptOp(','));
  }
  return { kind: 'begin', access, consistentSnapshot };
}

export function parseCommit(c: Cursor): Statement {
  c.expectWord('COMMIT');
  c.acceptWord('WORK');
  return { kind: 'commit', ...parseChainRelease(c) };
}

/**
 * `AND [NO] CHAIN [[NO] RELEASE]`: whether a new transaction begins at once (AND CHAIN), and
 * whether the connection ends after the answer (RELEASE).
 */
function parseChainRelease(c: Cursor): { chain: boolean; release: boolean } {
  let chain = false;
  let release = false;
  if (c.acceptWord('AND')) {
    chain = !c.acceptWord('NO');
    c.expectWord('CHAIN');
  }
  if (c.isWord('RELEASE') || c.isWord('NO')) {
    release = !c.acceptWord('NO');
    c.expectWord('RELEASE');
  }
  // MariaDB: a chained transaction on a connection that ends is a contradiction.
  if (chain && release) c.fail();
  return { chain, release };
}

export function parseRollback(c: Cursor): Statement {
  c.expectWord('ROLLBACK');
  c.acceptWord('WORK');
  if (c.acceptWord('TO')) {
    c.acceptWord('SAVEPOINT');
    return { kind: 'rollback', savepoint: c.identifier() };
  }
  return { kind: 'rollback', savepoint: null, ...parseChainRelease(c) };
}

export function parseSavepoint(c: Cursor): Statement {
  if (c.acceptWord('SAVEPOINT')) return { kind: 'savepoint', name: c.identifier() };
  c.expectWord('RELEASE');
  c.expectWord('SAVEPOINT');
  return { kind: 'release_savepoint', name: c.identifier() };
}

export function parseSet(c: Cursor): SetStatement | SetTransaction {
  c.expectWord('SET');
  const scope = c.isWord('TRANSACTION', 1) ? c.oneOf(['GLOBAL', 'SESSION', 'LOCAL']) : null;
  if (c.acceptWord('TRANSACTION'))
    return parseSetTransaction(
      c,
      scope === null ? 'next' : scope === 'GLOBAL' ? 'global' : 'session',
    );
  const assignments: SetAssignment[] = [];
  let defaultScope: 'global' | 'session' = 'session';
  do {
    const word = c.oneOf(['GLOBAL', 'SESSION', 'LOCAL']);
    if (word) defaultScope = word === 'GLOBAL' ? 'global' : 'session';
    assignments.push(parseSetAssignment(c, defaultScope));
  } while (c.acceptOp(','));
  return { kind: 'set', assignments };
}

/**
 * The variables of `SET STATEMENT … FOR` up to FOR (the caller parses the statement after it):
 * session system variables only, as MariaDB allows.
 */
export function parseSetStatementVariables(c: Cursor): SetAssignment[] {
  c.expectWord('SET');
  c.expectWord('STATEMENT');
  const assignments: SetAssignment[] = [];
  do {
    const t = c.peek();
    if (t.type === 'uservar' || (t.type === 'sysvar' && t.extra === 'global')) c.fail();
    if (t.type === 'word' && ['GLOBAL', 'SESSION', 'LOCAL', 'NAMES', 'PASSWORD'].includes(t.upper))
      c.fail();
    assignments.push(parseSetAssignment(c, 'session'));
  } while (c.acceptOp(','));
  c.expectWord('FOR');
  if (c.isWord('SET') && c.isWord('STATEMENT', 1)) c.fail();
  return assignments;
}

function parseSetAssignment(c: Cursor, defaultScope: 'global' | 'session'): SetAssignment {
  if (c.acceptWord('NAMES')) {
    const charset = c.acceptWord('DEFAULT') ? 'default' : c.name().toLowerCase();
    const collation = c.acceptWord('COLLATE') ? c.name().toLowerCase() : null;
    return { kind: 'names', charset, collation };
  }
  if (c.acceptWords('CHARACTER', 'SET') || c.acceptWord('CHARSET'))
    return {
      kind: 'charset',
      charset: c.acceptWord('DEFAULT') ? 'default' : c.name().toLowerCase(),
    };
  if (c.acceptWord('PASSWORD')) return parseSetPassword(c);
  const t = c.peek();
  let scope: 'global' | 'session' | 'user' = defaultScope;
  let name: string;
  if (t.type === 'uservar') {
    scope = 'user';
    name = t.text;
    c.pos++;
  } else if (t.type === 'sysvar') {
    scope = t.extra === 'global' ? 'global' : t.extra === 'session' ? 'session' : defaultScope;
    name = t.text;
    c.pos++;
  } else name = c.name().toLowerCase();
  if (!c.acceptOp('=')) c.expectOp(':=');
  return { kind: 'variable', scope, name, value: parseSetValue(c) };
}

// A bare word value (ON, OFF, utf8mb4, READ-COMMITTED is a string) arrives as a string literal.
function parseSetValue(c: Cursor): Expr {
  const t = c.peek();
  const bareWord =
    (t.type === 'word' || t.type === 'ident') &&
    !['NULL', 'TRUE', 'FALSE', 'DEFAULT'].includes(t.upper);
  const ends = c.isOp(',', 1) || c.peek(1).type === 'eof' || c.isOp(';', 1);
  if (bareWord && ends) {
    c.pos++;
    return { kind: 'literal', type: 'string', value: t.text, slot: null, charset: '' };
  }
  return parseExpr(c);
}

function parseSetPassword(c: Cursor): SetAssignment {
  const user = c.acceptWord('FOR') ? parseUserName(c) : null;
  c.expectOp('=');
  let password: string;
  if (c.acceptWord('PASSWORD') || c.acceptWord('OLD_PASSWORD')) {
    c.expectOp('(');
    password = c.string();
    c.expectOp(')');
  } else password = c.string();
  return { kind: 'password', user, password };
}

function parseSetTransaction(c: Cursor, scope: SetTransaction['scope']): SetTransaction {
  let isolation: IsolationLevel | null = null;
  let access: SetTransaction['access'] = null;
  do {
    if (c.acceptWords('ISOLATION', 'LEVEL')) isolation = parseIsolationLevel(c);
    else if (c.acceptWords('READ', 'ONLY')) access = 'READ ONLY';
    else if (c.acceptWords('READ', 'WRITE')) access = 'READ WRITE';
    else c.fail();
  } while (c.acceptOp(','));
  return { kind: 'set_transaction', scope, isolation, access };
}

function parseIsolationLevel(c: Cursor): IsolationLevel {
  if (c.acceptWords('READ', 'UNCOMMITTED')) return 'READ UNCOMMITTED';
  if (c.acceptWords('READ', 'COMMITTED')) return 'READ COMMITTED';
  if (c.acceptWords('REPEATABLE', 'READ')) return 'REPEATABLE READ';
  if (c.acceptWord('SERIALIZABLE')) return 'SERIALIZABLE';
  return c.fail();
}

// ------------------------------------------------------------------------------------ SHOW

type MutableShow = { -readonly [K in keyof Show]: Show[K] };

export function parseShow(c: Cursor): Show {
  c.expectWord('SHOW');
  const show: MutableShow = {
    kind: 'show',
    target: 'databases',
    full: false,
    scope: null,
    db: null,
    table: null,
    user: null,
    filter: null,
    limit: null,
  };
  show.full = c.acceptWord('FULL');
  const scope = c.oneOf(['GLOBAL', 'SESSION', 'LOCAL']);
  if (scope) show.scope = scope === 'GLOBAL' ? 'global' : 'session';
  show.target = parseShowTarget(c, show);
  if (show.target === 'warnings' || show.target === 'errors') show.limit = parseLimit(c);
  else show.filter = parseShowFilter(c);
  return show;
}

const SIMPLE_SHOW: Readonly<Record<string, ShowTarget>> = {
  DATABASES: 'databases',
  SCHEMAS: 'databases',
  STATUS: 'status',
  VARIABLES: 'variables',
  PROCESSLIST: 'processlist',
  WARNINGS: 'warnings',
  ERRORS: 'errors',
  ENGINES: 'engines',
  CHARSET: 'charset',
  COLLATION: 'collation',
  PLUGINS: 'plugins',
  PRIVILEGES: 'privileges',
  TRIGGERS: 'triggers',
  EVENTS: 'events',
};

function parseShowTarget(c: Cursor, show: MutableShow): ShowTarget {
  const word = c.peek().upper;
  const simple = SIMPLE_SHOW[word];
  if (simple) {
    c.pos++;
    if (simple === 'triggers' || simple === 'events') show.db = parseFromDb(c);
    return simple;
  }
  if (c.acceptWord('TABLES')) return ((show.db = parseFromDb(c)), 'tables');
  if (c.acceptWord('COLUMNS') || c.acceptWord('FIELDS'))
    return parseShowOfTable(c, show, 'columns');
  if (c.acceptWord('INDEX') || c.acceptWord('INDEXES') || c.acceptWord('KEYS'))
    return parseShowOfTable(c, show, 'index');
  if (c.acceptWord('CREATE')) return parseShowCreate(c, show);
  if (c.acceptWords('STORAGE', 'ENGINES')) return 'engines';
  if (c.acceptWords('CHARACTER', 'SET')) return 'charset';
  if (c.acceptWord('GRANTS')) return ((show.user = parseGrantsFor(c)), 'grants');
  if (c.acceptWords('TABLE', 'STATUS')) return ((show.db = parseFromDb(c)), 'table_status');
  if (c.acceptWords('MASTER', 'STATUS') || c.acceptWords('BINLOG', 'STATUS'))
    return 'master_status';
  if (c.acceptWords('BINARY', 'LOGS') || c.acceptWords('MASTER', 'LOGS')) return 'binary_logs';
  if (c.acceptWords('OPEN', 'TABLES')) return ((show.db = parseFromDb(c)), 'open_tables');
  if (c.acceptWords('FUNCTION', 'STATUS')) return 'function_status';
  if (c.acceptWords('PROCEDURE', 'STATUS')) return 'procedure_status';
  // Oracle-mode packages (none here): mariadb-dump --routines asks for them.
  if (c.acceptWords('PACKAGE', 'STATUS')) return 'package_status';
  if (c.acceptWords('PACKAGE', 'BODY', 'STATUS')) return 'package_status';
  if (c.acceptWord('COUNT')) return parseShowCount(c);
  if (c.acceptWord('ENGINE')) {
    // SHOW ENGINE INNODB STATUS (any engine name: there is one).
    c.name();
    c.expectWord('STATUS');
    return 'engine_status';
  }
  if (c.peek().type === 'word') c.unsupported(`SHOW ${c.peek().upper}`);
  return c.fail();
}

function parseShowCount(c: Cursor): ShowTarget {
  c.expectOp('(');
  c.expectOp('*');
  c.expectOp(')');
  if (c.acceptWord('WARNINGS')) return 'count_warnings';
  c.expectWord('ERRORS');
  return 'count_errors';
}

function parseFromDb(c: Cursor): string | null {
  return c.acceptWord('FROM') || c.acceptWord('IN') ? c.identifier() : null;
}

function parseShowOfTable(c: Cursor, show: MutableShow, target: ShowTarget): ShowTarget {
  if (!c.acceptWord('FROM')) c.expectWord('IN');
  const table = parseTableName(c);
  const db = parseFromDb(c);
  show.table = db === null ? table : { db, name: table.name };
  return target;
}

function parseShowCreate(c: Cursor, show: MutableShow): ShowTarget {
  if (c.acceptWord('TABLE')) return ((show.table = parseTableName(c)), 'create_table');
  if (c.acceptWord('DATABASE') || c.acceptWord('SCHEMA')) {
    if (c.acceptWords('IF', 'NOT', 'EXISTS')) show.ifNotExists = true;
    show.db = c.identifier();
    return 'create_database';
  }
  if (c.acceptWord('USER')) return ((show.user = parseUserName(c)), 'create_user');
  if (c.acceptWord('VIEW')) return ((show.table = parseTableName(c)), 'create_view');
  if (c.acceptWord('TRIGGER')) return ((show.table = parseTableName(c)), 'create_trigger');
  return c.unsupported(`SHOW CREATE ${c.peek().upper}`);
}

function parseGrantsFor(c: Cursor): UserName | null {
  if (!c.acceptWord('FOR')) return null;
  if (c.acceptWord('CURRENT_USER')) {
    if (c.acceptOp('(')) c.expectOp(')');
    return null;
  }
  return parseUserName(c);
}

function parseShowFilter(c: Cursor): ShowFilter {
  if (c.acceptWord('LIKE')) return { kind: 'like', pattern: c.string() };
  if (c.acceptWord('WHERE')) return { kind: 'where', expr: parseExpr(c) };
  return null;
}

// ------------------------------------------------------------------------------------ other

export function parseDescribe(c: Cursor): Statement {
  c.next();
  const explainable =
    c.isWord('SELECT') ||
    c.isWord('INSERT') ||
    c.isWord('REPLACE') ||
    c.isWord('UPDATE') ||
    c.isWord('DELETE') ||
    c.isOp('(');
  if (c.oneOf(['EXTENDED', 'PARTITIONS']) || c.isWord('FORMAT') || explainable)
    return parseExplain(c);
  const table = parseTableName(c);
  const column = c.atEnd() ? null : c.peek().type === 'string' ? c.string() : c.identifier();
  return { kind: 'describe', table, column };
}

function parseExplain(c: Cursor): Explain {
  let format: Explain['format'] = 'traditional';
  if (c.acceptWord('FORMAT')) {
    c.expectOp('=');
    const written = c.name();
    const name = written.toUpperCase();
    if (name === 'JSON') format = 'json';
    else if (name !== 'TRADITIONAL')
      throw new SqlFailure(
        semantic(1791, 'HY000', `Unknown EXPLAIN/ANALYZE format name: '${written}'`),
      );
  }
  if (c.isWord('INSERT') || c.isWord('REPLACE'))
    return { kind: 'explain', statement: parseInsert(c), format };
  if (c.isWord('UPDATE')) return { kind: 'explain', statement: parseUpdate(c), format };
  if (c.isWord('DELETE')) return { kind: 'explain', statement: parseDelete(c), format };
  return { kind: 'explain', statement: parseQuery(c), format };
}

const MAINTENANCE_OPTIONS = ['QUICK', 'FAST', 'MEDIUM', 'EXTENDED', 'CHANGED', 'USE_FRM'];

/** ANALYZE / CHECK / OPTIMIZE / REPAIR / CHECKSUM TABLE t [, …] [options]. */
export function parseTableMaintenance(c: Cursor): TableMaintenance {
  const op = c.next().upper.toLowerCase() as TableMaintenance['op'];
  if (op !== 'check' && op !== 'checksum') c.oneOf(['NO_WRITE_TO_BINLOG', 'LOCAL']);
  // MariaDB's ANALYZE SELECT … (run and report) is another statement.
  if (op === 'analyze' && !c.isWord('TABLE') && !c.isWord('TABLES'))
    c.unsupported('ANALYZE statement');
  if (!c.acceptWord('TABLE')) c.expectWord('TABLES');
  const tables = [parseTableName(c)];
  while (c.acceptOp(',')) tables.push(parseTableName(c));
  let quick = false;
  if (op === 'check' && c.acceptWords('FOR', 'UPGRADE'))
    return { kind: 'table_maintenance', op, tables, quick };
  if (op === 'analyze' && c.acceptWords('PERSISTENT', 'FOR')) {
    // PERSISTENT FOR ALL | COLUMNS (…) INDEXES (…): engine-independent statistics, one kind here.
    while (!c.atEnd() && !c.isOp(';')) c.next();
  }
  for (let option = c.oneOf(MAINTENANCE_OPTIONS); option; option = c.oneOf(MAINTENANCE_OPTIONS))
    if (option === 'QUICK') quick = true;
  return { kind: 'table_maintenance', op, tables, quick };
}

export function parseKill(c: Cursor): Kill {
  c.expectWord('KILL');
  c.oneOf(['HARD', 'SOFT']);
  const target = c.acceptWord('QUERY') ? 'query' : (c.acceptWord('CONNECTION'), 'connection');
  if (c.isWord('USER')) c.unsupported('KILL USER');
  return { kind: 'kill', target, id: parseExpr(c) };
}

export function parseUse(c: Cursor): Statement {
  c.expectWord('USE');
  return { kind: 'use', database: c.identifier() };
}

/** 'user'@'host', user@host, `user`@`host`; the host defaults to '%'. */
export function parseUserName(c: Cursor): UserName {
  if (c.acceptWord('CURRENT_USER')) {
    if (c.acceptOp('(')) c.expectOp(')');
    return { user: '', host: '' };
  }
  const user = c.name();
  const t = c.peek();
  if (t.type === 'uservar' && t.start === c.previous().end) {
    c.pos++;
    return { user, host: t.text };
  }
  return { user, host: '%' };
}

function parseUserSpec(c: Cursor): UserSpec {
  const user = parseUserName(c);
  let password: string | null = null;
  let passwordHash: string | null = null;
  let plugin: string | null = null;
  if (c.acceptWord('IDENTIFIED')) {
    if (c.acceptWord('BY')) {
      if (c.acceptWord('PASSWORD')) passwordHash = c.string();
      else password = c.string();
    } else {
      if (!c.acceptWord('WITH')) c.expectWord('VIA');
      plugin = c.name().toLowerCase();
      if (c.acceptWord('AS') || c.acceptWord('USING')) passwordHash = c.string();
      else if (c.acceptWord('BY')) password = c.string();
    }
  }
  return { user, password, passwordHash, plugin };
}

function parseUserSpecs(c: Cursor): UserSpec[] {
  const users = [parseUserSpec(c)];
  while (c.acceptOp(',')) users.push(parseUserSpec(c));
  skipAccountOptions(c);
  return users;
}

// REQUIRE SSL/NONE/X509, WITH MAX_… limits, PASSWORD EXPIRE, ACCOUNT LOCK: accepted, not kept.
function skipAccountOptions(c: Cursor): void {
  while (!c.atEnd()) {
    const t = c.next();
    if (t.type === 'op' && t.text !== '=') c.fail();
  }
}

export function parseCreateUser(c: Cursor): Statement {
  const orReplace = c.acceptWords('OR', 'REPLACE');
  c.expectWord('USER');
  const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  return { kind: 'create_user', orReplace, ifNotExists, users: parseUserSpecs(c) };
}

export function parseAlterUser(c: Cursor): Statement {
  c.expectWord('USER');
  const ifExists = c.acceptWords('IF', 'EXISTS');
  return { kind: 'alter_user', ifExists, users: parseUserSpecs(c) };
}

export function parseDropUser(c: Cursor): Statement {
  c.expectWord('USER');
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const users = [parseUserName(c)];
  while (c.acceptOp(',')) users.push(parseUserName(c));
  return { kind: 'drop_user', ifExists, users };
}

function parsePrivileges(c: Cursor, stop: string): string[] {
  const privileges: string[] = [];
  do {
    const words: string[] = [];
    while (
      c.peek().type === 'word' &&
      c.peek().upper !== stop &&
      !(c.isWord('ON') && stop === 'ON')
    )
      words.push(c.next().upper);
    if (c.isOp('(')) c.unsupported('column privileges');
    if (words.length === 0) c.fail();
    privileges.push(words.join(' '));
  } while (c.acceptOp(','));
  return privileges;
}

function parseGrantTarget(c: Cursor): GrantTarget {
  c.oneOf(['TABLE', 'FUNCTION', 'PROCEDURE']);
  if (c.acceptOp('*')) {
    if (!c.acceptOp('.')) return { db: null, table: null };
    c.expectOp('*');
    return { db: null, table: null };
  }
  const first = c.identifier();
  if (!c.acceptOp('.')) return { db: null, table: first };
  if (c.acceptOp('*')) return { db: first, table: null };
  return { db: first, table: c.name() };
}

export function parseGrant(c: Cursor): Statement {
  c.expectWord('GRANT');
  const privileges = parsePrivileges(c, 'ON');
  c.expectWord('ON');
  const on = parseGrantTarget(c);
  c.expectWord('TO');
  const users = [parseUserSpec(c)];
  while (c.acceptOp(',')) users.push(parseUserSpec(c));
  const withGrantOption = c.acceptWords('WITH', 'GRANT', 'OPTION');
  skipAccountOptions(c);
  return { kind: 'grant', privileges, on, users, withGrantOption };
}

export function parseRevoke(c: Cursor): Statement {
  c.expectWord('REVOKE');
  const privileges = parsePrivileges(c, c.isWord('ALL') ? 'FROM' : 'ON');
  const on = c.acceptWord('ON') ? parseGrantTarget(c) : { db: null, table: null };
  c.expectWord('FROM');
  const users = [parseUserName(c)];
  while (c.acceptOp(',')) users.push(parseUserName(c));
  return { kind: 'revoke', privileges, on, users };
}

export function parseFlush(c: Cursor): Flush {
  c.expectWord('FLUSH');
  c.oneOf(['LOCAL', 'NO_WRITE_TO_BINLOG']);
  const targets: string[] = [];
  do {
    const words: string[] = [];
    while (c.peek().type === 'word') words.push(c.next().upper);
    if (words.length === 0) c.fail();
    targets.push(words.join(' '));
  } while (c.acceptOp(','));
  return { kind: 'flush', targets };
}

export function parseLockTables(c: Cursor): LockTables {
  c.expectWord('LOCK');
  if (!c.acceptWord('TABLES')) c.expectWord('TABLE');
  const tables: { table: TableName; alias: string | null; mode: 'READ' | 'WRITE' }[] = [];
  do {
    const table = parseTableName(c);
    const alias =
      c.acceptWord('AS') || (c.isIdentifier() && !c.isWord('WRITE')) ? c.identifier() : null;
    let mode: 'READ' | 'WRITE';
    if (c.acceptWord('READ')) mode = (c.acceptWord('LOCAL'), 'READ');
    else {
      c.acceptWord('LOW_PRIORITY');
      c.expectWord('WRITE');
      mode = 'WRITE';
    }
    tables.push({ table, alias, mode });
  } while (c.acceptOp(','));
  return { kind: 'lock_tables', tables };
}

export function parseUnlockTables(c: Cursor): Statement {
  c.expectWord('UNLOCK');
  if (!c.acceptWord('TABLES')) c.expectWord('TABLE');
  return { kind: 'unlock_tables' };
}
