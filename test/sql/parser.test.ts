// Goal: the parser accepts every statement sysbench and the mariadb CLI send, and the MySQL
// syntax listed in docs/design/sql.md, and rejects the rest with MariaDB's errors. Method:
// parse the anchors' general-log statements (fixture copy), a table of statements by kind,
// spot checks of the AST, and error cases compared with MariaDB's message shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PARSE_DEPTH_MAX, type Statement, parse, parseModesOf } from '../../src/sql/index.js';

function parseOk(sql: string): Statement {
  const result = parse(sql);
  assert.ok(result.ok, `${sql}\n→ ${result.ok ? '' : result.error.message}`);
  return result.value.statement;
}

test('every statement in the anchors general logs parses', () => {
  const url = new URL('../../../test/sql/fixtures/general-log-statements.json', import.meta.url);
  const statements = JSON.parse(readFileSync(url, 'utf8')) as string[];
  assert.ok(statements.length > 200);
  for (const sql of statements) parseOk(sql);
});

const BY_KIND: [Statement['kind'], string][] = [
  ['select', 'SELECT DISTINCT t.a AS x, b y, `c`, t.*, * FROM db.t AS t WHERE a = 1'],
  [
    'select',
    'SELECT a FROM t1 INNER JOIN t2 ON t1.id = t2.id LEFT OUTER JOIN t3 USING (id) RIGHT JOIN t4 ON 1 CROSS JOIN t5',
  ],
  [
    'select',
    'SELECT * FROM t1, t2 AS b, (SELECT 1 AS one) AS d WHERE t1.x IN (SELECT y FROM t2) AND EXISTS (SELECT 1)',
  ],
  [
    'select',
    'SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1 ORDER BY 2 DESC, a LIMIT 10',
  ],
  ['select', 'SELECT * FROM t LIMIT 5, 10'],
  ['select', 'SELECT * FROM t LIMIT 10 OFFSET 5'],
  ['select', 'SELECT * FROM t WHERE id = 1 FOR UPDATE'],
  ['select', 'SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE'],
  ['select', 'SELECT * FROM t WHERE id = 1 FOR SHARE'],
  ['select', 'SELECT * FROM t FORCE INDEX (PRIMARY) WHERE id = 1'],
  ['union', 'SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v ORDER BY 1 LIMIT 3'],
  ['union', '(SELECT a FROM t ORDER BY a LIMIT 1) UNION (SELECT b FROM u)'],
  ['select', "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END, CASE a WHEN 1 THEN 2 END FROM t"],
  [
    'select',
    'SELECT CAST(a AS UNSIGNED), CAST(b AS CHAR(10) CHARACTER SET utf8mb4), CONVERT(c, SIGNED), CONVERT(d USING utf8mb4), CAST(e AS DECIMAL(10,2))',
  ],
  [
    'select',
    "SELECT a NOT IN (1, 2), b BETWEEN 1 AND 2, c NOT LIKE 'x%' ESCAPE '!', d REGEXP '^a', e RLIKE 'b', f IS NOT NULL, g IS TRUE, h IS NOT FALSE",
  ],
  [
    'select',
    "SELECT DATE_ADD(d, INTERVAL 1 DAY), d + INTERVAL '1:2' HOUR_MINUTE, d - INTERVAL 3 MONTH, EXTRACT(YEAR FROM d)",
  ],
  [
    'select',
    "SELECT COUNT(DISTINCT a), GROUP_CONCAT(DISTINCT b ORDER BY b DESC SEPARATOR ';'), SUM(c), TRIM(LEADING 'x' FROM s), SUBSTRING(s FROM 2 FOR 3), POSITION('a' IN s)",
  ],
  [
    'select',
    "SELECT ?, @a, @@global.max_connections, @@session.autocommit, @@sql_mode, a COLLATE utf8mb4_bin, BINARY b, _utf8mb4'x', X'41', 0x41, b'1'",
  ],
  [
    'select',
    'SELECT a <=> b, a DIV b, a MOD b, a % b, a ^ b, ~a, !a, -a, a << 1 | b & c, a XOR b, a && b || c',
  ],
  [
    'select',
    'SELECT NOW(), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(6), CURDATE(), DATABASE(), USER(), VERSION(), LAST_INSERT_ID(), CONNECTION_ID()',
  ],
  ['select', 'select @@version_comment limit 1'],
  [
    'select',
    'SELECT * FROM (SELECT a FROM t) AS x JOIN (SELECT b FROM u) y ON x.a = y.b WHERE x.a > ALL (SELECT 1)',
  ],
  ['insert', "INSERT INTO t VALUES (1, 'a'), (2, DEFAULT)"],
  ['insert', 'INSERT IGNORE INTO db.t (a, b) VALUES (?, ?)'],
  ['insert', 'INSERT INTO t SET a = 1, b = DEFAULT'],
  ['insert', 'INSERT INTO t (a) SELECT x FROM u WHERE y > 1'],
  ['insert', 'INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b) + 1, a = a'],
  ['insert', 'REPLACE INTO t (a) VALUES (1)'],
  ['insert', 'INSERT INTO t () VALUES ()'],
  ['update', 'UPDATE t SET a = a + 1, b = DEFAULT WHERE id = 1 ORDER BY id DESC LIMIT 1'],
  ['update', 'UPDATE IGNORE db.t AS x SET x.a = 1'],
  ['delete', 'DELETE FROM t WHERE id < 10 ORDER BY id LIMIT 5'],
  ['delete', 'DELETE LOW_PRIORITY QUICK IGNORE FROM t'],
  [
    'create_database',
    'CREATE DATABASE IF NOT EXISTS sbtest DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci',
  ],
  ['create_database', 'CREATE SCHEMA s'],
  ['drop_database', 'DROP DATABASE IF EXISTS sbtest'],
  ['use', 'USE `sbtest`'],
  [
    'create_table',
    `CREATE TABLE IF NOT EXISTS t (
    id INT(11) UNSIGNED ZEROFILL NOT NULL AUTO_INCREMENT PRIMARY KEY,
    a DECIMAL(10,2) DEFAULT '0.00', b FLOAT, c DOUBLE PRECISION, d VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,
    e TEXT, f MEDIUMBLOB, g DATE, h DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    i TIMESTAMP NULL DEFAULT NULL, j TIME, k YEAR, l JSON, m ENUM('x','y') DEFAULT 'x', n SET('a','b'), o BOOLEAN DEFAULT TRUE,
    p BIT(8) DEFAULT b'0', q BIGINT UNSIGNED UNIQUE KEY COMMENT 'q', r TINYTEXT, s LONGTEXT, t CHAR, u BINARY(16), v VARBINARY(8), w INT DEFAULT (1 + 1),
    x SERIAL, y NCHAR(2), z DOUBLE(8,3) UNSIGNED,
    UNIQUE KEY uq (a, b), KEY idx_d (d(10), e(20) DESC), INDEX (g), FULLTEXT KEY ft (e),
    CONSTRAINT fk1 FOREIGN KEY (a) REFERENCES other (id) ON DELETE CASCADE ON UPDATE SET NULL,
    CONSTRAINT chk CHECK (a > 0)
  ) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='tbl' ROW_FORMAT=DYNAMIC`,
  ],
  ['create_table_like', 'CREATE TABLE t2 LIKE t1'],
  [
    'alter_table',
    'ALTER TABLE t ADD COLUMN a INT NOT NULL DEFAULT 0 AFTER b, ADD b2 VARCHAR(3) FIRST, DROP COLUMN c, MODIFY d BIGINT, CHANGE COLUMN e e2 TEXT, ADD INDEX ix (a), ADD UNIQUE KEY ux (b2), DROP INDEX old, DROP KEY old2, ADD PRIMARY KEY (a), DROP PRIMARY KEY, RENAME TO t9, ALTER COLUMN a SET DEFAULT 3, ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE',
  ],
  [
    'alter_table',
    'ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j, CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, DROP FOREIGN KEY fk',
  ],
  ['rename_table', 'RENAME TABLE a TO b, db.c TO db.d'],
  ['truncate', 'TRUNCATE TABLE t'],
  ['truncate', 'TRUNCATE t'],
  ['drop_table', 'DROP TABLE IF EXISTS a, b'],
  ['create_index', 'CREATE UNIQUE INDEX ux ON t (a, b(10))'],
  ['drop_index', 'DROP INDEX ux ON t'],
  ['begin', 'BEGIN'],
  ['begin', 'START TRANSACTION READ ONLY'],
  ['begin', 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE'],
  ['commit', 'COMMIT'],
  ['commit', 'COMMIT WORK AND NO CHAIN NO RELEASE'],
  ['rollback', 'ROLLBACK'],
  ['rollback', 'ROLLBACK TO SAVEPOINT sp1'],
  ['savepoint', 'SAVEPOINT sp1'],
  ['release_savepoint', 'RELEASE SAVEPOINT sp1'],
  ['set', "SET NAMES utf8mb4 COLLATE 'utf8mb4_general_ci'"],
  ['set', 'SET CHARACTER SET utf8'],
  ['set', 'SET autocommit=0'],
  [
    'set',
    "SET @a = 1, @@session.sql_mode = 'TRADITIONAL', GLOBAL max_connections = 100, SESSION wait_timeout = DEFAULT",
  ],
  ['set', "SET SQL_MODE='STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'"],
  ['set', 'SET sql_log_bin = OFF, wsrep_on = ON'],
  ['set', '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */'],
  ['set_transaction', 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'],
  ['set_transaction', 'SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE'],
  ['set_transaction', 'SET TRANSACTION READ ONLY'],
  ['show', 'SHOW DATABASES'],
  ['show', "SHOW FULL TABLES FROM sbtest LIKE 'sb%'"],
  ['show', 'SHOW FULL COLUMNS FROM sbtest1 FROM sbtest'],
  ['show', 'SHOW FIELDS IN sbtest1'],
  ['show', 'SHOW INDEX FROM sbtest1'],
  ['show', 'SHOW KEYS FROM sbtest.sbtest1'],
  ['show', 'SHOW CREATE TABLE sbtest1'],
  ['show', 'SHOW CREATE DATABASE IF NOT EXISTS sbtest'],
  ['show', "SHOW GLOBAL STATUS LIKE 'wsrep%'"],
  ['show', "SHOW SESSION VARIABLES WHERE Variable_name = 'autocommit'"],
  ['show', "SHOW VARIABLES LIKE 'wsrep%'"],
  ['show', 'SHOW FULL PROCESSLIST'],
  ['show', 'SHOW WARNINGS LIMIT 10'],
  ['show', 'SHOW ERRORS'],
  ['show', 'SHOW COUNT(*) WARNINGS'],
  ['show', 'SHOW ENGINES'],
  ['show', 'SHOW CHARACTER SET'],
  ['show', "SHOW COLLATION LIKE 'utf8mb4%'"],
  ['show', "SHOW GRANTS FOR 'root'@'localhost'"],
  ['show', 'SHOW GRANTS'],
  ['show', 'SHOW TABLE STATUS FROM sbtest'],
  ['show', 'SHOW MASTER STATUS'],
  ['show', 'SHOW BINARY LOGS'],
  ['describe', 'DESCRIBE sbtest1'],
  ['describe', 'DESC sbtest.sbtest1 c'],
  ['describe', 'EXPLAIN sbtest1'],
  ['explain', 'EXPLAIN SELECT * FROM t'],
  ['kill', 'KILL 5'],
  ['kill', 'KILL QUERY 7'],
  ['set_statement_for', "SET STATEMENT max_statement_time = 1, sql_mode = '' FOR SELECT 1"],
  ['kill', 'KILL CONNECTION 8'],
  ['create_user', "CREATE USER IF NOT EXISTS 'sbtest'@'%' IDENTIFIED BY 'pw'"],
  ['create_user', "CREATE USER u@localhost IDENTIFIED VIA mysql_native_password USING '*ABC'"],
  ['alter_user', "ALTER USER 'root'@'localhost' IDENTIFIED BY 'x'"],
  ['drop_user', "DROP USER IF EXISTS 'a'@'%', b"],
  ['grant', "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION"],
  ['grant', "GRANT SELECT, INSERT, UPDATE ON sbtest.* TO 'sbtest'@'%'"],
  ['grant', 'GRANT SELECT ON sbtest.sbtest1 TO u'],
  ['revoke', "REVOKE INSERT ON sbtest.* FROM 'sbtest'@'%'"],
  ['revoke', 'REVOKE ALL PRIVILEGES, GRANT OPTION FROM u'],
  ['flush', 'FLUSH PRIVILEGES'],
  ['flush', 'FLUSH TABLES WITH READ LOCK'],
  ['lock_tables', 'LOCK TABLES t1 READ, t2 AS x WRITE, t3 LOW_PRIORITY WRITE'],
  ['unlock_tables', 'UNLOCK TABLES'],
];

test('statements by kind', () => {
  for (const [kind, sql] of BY_KIND) assert.equal(parseOk(sql).kind, kind, sql);
});

test('expression precedence follows MariaDB', () => {
  const s = parseOk('SELECT 1 + 2 * 3, a OR b AND c, NOT a = b, a || b, - a * b, a = 1 IS TRUE');
  assert.equal(s.kind, 'select');
  const exprs = s.items.map((i) => (i.kind === 'item' ? i.expr : null));
  assert.deepEqual(pick(exprs[0]), ['+', 'literal', ['*', 'literal', 'literal']]);
  assert.deepEqual(pick(exprs[1]), ['OR', 'column', ['AND', 'column', 'column']]);
  assert.deepEqual(pick(exprs[2]), ['NOT', ['=', 'column', 'column']]);
  assert.deepEqual(pick(exprs[3]), ['OR', 'column', 'column']);
  assert.deepEqual(pick(exprs[4]), ['*', ['-', 'column'], 'column']);
  assert.deepEqual(pick(exprs[5]), ['is', ['=', 'column', 'literal']]);
});

test('PIPES_AS_CONCAT and HIGH_NOT_PRECEDENCE change the precedence table', () => {
  const read = (sql: string, sqlMode: string): unknown[] => {
    const result = parse(sql, parseModesOf(sqlMode));
    assert.ok(result.ok && result.value.statement.kind === 'select');
    return result.value.statement.items.map((i) => pick(i.kind === 'item' ? i.expr : null));
  };
  // `||` binds tighter than `^`: a ^ (b || c), as CONCAT(b, c).
  assert.deepEqual(read('SELECT a ^ b || c, a OR b', 'PIPES_AS_CONCAT'), [
    ['^', 'column', ['CONCAT', 'column', 'column']],
    ['OR', 'column', 'column'],
  ]);
  assert.deepEqual(read('SELECT NOT a = b, a NOT IN (1)', 'HIGH_NOT_PRECEDENCE'), [
    ['=', ['NOT', 'column'], 'column'],
    'in_list',
  ]);
});

// A compact shape of an expression tree: [op, ...children] or the leaf kind.
function pick(e: unknown): unknown {
  const node = e as {
    kind: string;
    op?: string;
    left?: unknown;
    right?: unknown;
    operand?: unknown;
  };
  if (node.kind === 'binary') return [node.op, pick(node.left), pick(node.right)];
  if (node.kind === 'unary') return [node.op, pick(node.operand)];
  if (node.kind === 'is') return ['is', pick(node.operand)];
  const call = e as { kind: string; name?: string; args?: unknown[] };
  if (call.kind === 'call') return [call.name, ...(call.args ?? []).map(pick)];
  return node.kind;
}

test('select details: names, limit, lock, union tail', () => {
  const s = parseOk("SELECT SUM(k), c AS x, 'lit', t.d FROM t LIMIT 3, 4 FOR UPDATE");
  assert.equal(s.kind, 'select');
  assert.deepEqual(
    s.items.map((i) => (i.kind === 'item' ? i.name : '*')),
    ['SUM(k)', 'x', 'lit', 'd'],
  );
  assert.equal(s.lock, 'update');
  assert.ok(s.limit?.offset?.kind === 'literal' && s.limit.offset.value === '3');
  assert.ok(s.limit.count.kind === 'literal' && s.limit.count.value === '4');
  const u = parseOk('SELECT a FROM t UNION SELECT b FROM u ORDER BY a LIMIT 2');
  assert.ok(u.kind === 'union' && u.orderBy.length === 1 && u.limit !== null);
  assert.ok(u.right.kind === 'select' && u.right.orderBy.length === 0);
});

test('create table details', () => {
  const s = parseOk(
    "CREATE TABLE t (id INT UNSIGNED NOT NULL AUTO_INCREMENT, v VARCHAR(20) CHARSET latin1 DEFAULT 'a', ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, b BOOL, PRIMARY KEY (id), KEY (v(5))) ENGINE=MyISAM",
  );
  assert.equal(s.kind, 'create_table');
  const [id, v, ts, b] = s.columns;
  assert.ok(id && v && ts && b);
  assert.deepEqual(
    [id.type.name, id.type.unsigned, id.nullable, id.autoIncrement],
    ['INT', true, false, true],
  );
  assert.deepEqual([v.type.name, v.type.length, v.type.charset], ['VARCHAR', 20, 'latin1']);
  assert.equal(ts.onUpdateNow, 0);
  assert.deepEqual([b.type.name, b.type.length], ['TINYINT', 1]);
  assert.equal(s.options.engine, 'MyISAM');
  assert.deepEqual(
    s.constraints.map((c) => c.kind),
    ['primary_key', 'index'],
  );
});

test('syntax errors are ER_PARSE_ERROR with MariaDB message shape', () => {
  const cases: [string, string, number][] = [
    ['SELEC 1', 'SELEC 1', 1],
    ['SELECT * FORM t', 'FORM t', 1],
    ['SELECT 1 +', '', 1],
    ['SELECT a FROM t WHERE', '', 1],
    ['SELECT a\nFROM t\nWHERE id = = 1', '= 1', 3],
    ['INSERT INTO t VALUES (1', '', 1],
    ['UPDATE t SET WHERE id = 1', 'WHERE id = 1', 1],
    ['SELECT 1 2', '2', 1],
    // MariaDB 10.11 has neither MySQL's JSON path operators nor CAST(… AS JSON).
    ["SELECT a->'$.x' FROM t", "->'$.x' FROM t", 1],
    ["SELECT CAST('1' AS JSON)", 'JSON)', 1],
  ];
  for (const [sql, near, line] of cases) {
    const result = parse(sql);
    assert.ok(!result.ok, sql);
    const error = result.error;
    assert.equal(error.code, 1064, sql);
    assert.equal(error.sqlState, '42000');
    assert.equal(
      error.message,
      `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near}' at line ${line}`,
      sql,
    );
  }
});

test('multi-table UPDATE and DELETE keep their table references and targets', () => {
  const update = parse('UPDATE a JOIN b ON a.id = b.id SET a.x = b.x, b.y = 1 WHERE a.z > 0');
  assert.ok(update.ok && update.value.statement.kind === 'update');
  const u = update.value.statement;
  assert.ok(u.kind === 'update' && u.multi !== undefined);
  assert.equal(u.multi.refs.length, 1);
  assert.equal(u.table.table.name, 'a');
  assert.equal(u.assignments.length, 2);
  for (const [sql, targets] of [
    ['DELETE a FROM a JOIN b ON a.id = b.id', ['a']],
    ['DELETE a.*, db.b FROM a, db.b WHERE a.id = b.id', ['a', 'b']],
    ['DELETE FROM a, b.* USING a JOIN b', ['a', 'b']],
  ] as const) {
    const parsed = parse(sql);
    assert.ok(parsed.ok, sql);
    const d = parsed.value.statement;
    assert.ok(d.kind === 'delete' && d.multi !== undefined, sql);
    assert.deepEqual(
      d.multi.targets.map((t) => t.name),
      targets,
      sql,
    );
  }
  const single = parse('DELETE FROM a AS x WHERE x.id = 1');
  assert.ok(single.ok && single.value.statement.kind === 'delete');
  assert.equal(single.value.statement.multi, undefined);
});

test('near text is cut at 80 characters like MariaDB', () => {
  const result = parse('SELECT * FROM t WHERE = ' + 'x'.repeat(200));
  assert.ok(!result.ok && result.error.kind === 'parse');
  assert.equal(result.error.near.length, 80);
});

test('known but unsupported syntax is ER_NOT_SUPPORTED_YET naming the construct', () => {
  for (const [sql, construct] of [
    ['CREATE PROCEDURE p() SELECT 1', 'CREATE PROCEDURE'],
    ['DELETE t FROM t, u RETURNING t.id', 'RETURNING'],
    ["LOAD DATA INFILE 'x' INTO TABLE t", 'LOAD DATA'],
    [
      'SELECT SUM(a) OVER (ORDER BY d RANGE INTERVAL 1 DAY PRECEDING) FROM t',
      'RANGE … INTERVAL frames',
    ],
    ['CREATE TABLE g (p POINT)', 'POINT columns'],
  ] as const) {
    const result = parse(sql);
    assert.ok(!result.ok, sql);
    assert.equal(result.error.code, 1235, `${sql}: ${result.error.message}`);
    assert.ok(
      result.error.kind === 'unsupported' && result.error.construct === construct,
      `${sql}: ${result.error.message}`,
    );
    assert.equal(
      result.error.message,
      `This version of MariaDB doesn't yet support '${construct}'`,
    );
  }
});

test('nesting deeper than PARSE_DEPTH_MAX is a parse error, not a stack overflow', () => {
  const deep =
    'SELECT ' + '('.repeat(PARSE_DEPTH_MAX + 10) + '1' + ')'.repeat(PARSE_DEPTH_MAX + 10);
  const result = parse(deep);
  assert.ok(!result.ok);
  assert.equal(result.error.code, 1064);
  const minus = 'SELECT ' + '-'.repeat(100_000) + '1';
  assert.equal(parse(minus).ok, false);
  const nots = 'SELECT ' + 'NOT '.repeat(100_000) + '1';
  assert.equal(parse(nots).ok, false);
  const shallow = 'SELECT ' + '('.repeat(50) + '1' + ')'.repeat(50);
  assert.ok(parse(shallow).ok);
});

test('a trailing semicolon is accepted, a second statement is not', () => {
  assert.ok(parse('SELECT 1;').ok);
  const result = parse('SELECT 1; SELECT 2');
  assert.ok(!result.ok && result.error.kind === 'parse' && result.error.near === 'SELECT 2');
});
