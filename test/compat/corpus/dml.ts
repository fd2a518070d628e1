// dml: INSERT/UPDATE/DELETE/REPLACE semantics as clients see them: affected rows, insert ids,
// ON DUPLICATE KEY UPDATE, assignment order, AUTO_INCREMENT, multi-row and INSERT … SELECT.
import { CaseList } from '../case.js';

const T = 'CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, s VARCHAR(10))';
const ROWS = "INSERT INTO t VALUES (1, 10, 100, 'x'), (2, 20, 200, 'y'), (3, 30, 300, 'z')";
const AI = 'CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10), u INT UNIQUE)';

const ON_T: readonly string[] = [
  "INSERT INTO t VALUES (4, 40, 400, 'w')",
  "INSERT INTO t VALUES (1, 0, 0, 'dup')",
  'INSERT INTO t (id) VALUES (5)',
  'INSERT INTO t SET id = 6, a = 1',
  "INSERT INTO t VALUES (7, 1, 1, 'a'), (8, 2, 2, 'b')",
  'INSERT INTO t (id, a) VALUES (9, DEFAULT)',
  "INSERT INTO t VALUES (1, 1, 1, 'a') ON DUPLICATE KEY UPDATE a = 99",
  "INSERT INTO t VALUES (1, 10, 100, 'x') ON DUPLICATE KEY UPDATE a = 10",
  "INSERT INTO t VALUES (4, 1, 1, 'a') ON DUPLICATE KEY UPDATE a = 99",
  "INSERT INTO t VALUES (1, 5, 5, 'a'), (2, 6, 6, 'b'), (4, 7, 7, 'c') ON DUPLICATE KEY UPDATE a = VALUES(a)",
  "INSERT INTO t VALUES (1, 5, 5, 'a') ON DUPLICATE KEY UPDATE a = a + 1, b = a",
  "INSERT INTO t (id, a) VALUES (2, 1) ON DUPLICATE KEY UPDATE s = CONCAT(s, '!')",
  "INSERT IGNORE INTO t VALUES (1, 0, 0, 'dup'), (10, 1, 1, 'new')",
  "REPLACE INTO t VALUES (1, 0, 0, 'rep')",
  "REPLACE INTO t VALUES (11, 0, 0, 'rep')",
  "REPLACE INTO t VALUES (1, 10, 100, 'x')",
  'REPLACE INTO t SET id = 2, a = 7',
  'UPDATE t SET a = a + 1',
  'UPDATE t SET a = a + 1, b = a',
  'UPDATE t SET b = a, a = b',
  'UPDATE t SET a = 10 WHERE id = 1',
  'UPDATE t SET a = 11 WHERE id = 1',
  'UPDATE t SET a = a WHERE id > 1',
  'UPDATE t SET a = 0 WHERE id = 99',
  'UPDATE t SET a = 1 ORDER BY id DESC LIMIT 1',
  "UPDATE t SET a = NULL WHERE s = 'y'",
  'UPDATE t SET s = UPPER(s) WHERE a >= 20',
  'UPDATE t SET id = id + 1',
  'UPDATE t SET id = id + 1 ORDER BY id DESC',
  'UPDATE t SET nope = 1',
  "UPDATE t SET a = 'x'",
  'UPDATE t SET a = DEFAULT WHERE id = 3',
  'DELETE FROM t WHERE id = 2',
  'DELETE FROM t WHERE id = 99',
  'DELETE FROM t',
  'DELETE FROM t ORDER BY a DESC LIMIT 2',
  'DELETE FROM t WHERE a > 15 LIMIT 1',
  "DELETE FROM t WHERE s IN ('x', 'z')",
  'TRUNCATE TABLE t',
  'INSERT INTO t SELECT id + 10, a, b, s FROM t',
  'INSERT INTO t (id, a) SELECT id + 20, a * 2 FROM t WHERE id < 3',
  'INSERT INTO t SELECT * FROM t',
  'INSERT INTO t VALUES (12, 1, 1)',
  'INSERT INTO t (id, nope) VALUES (13, 1)',
  'INSERT INTO t (id, id) VALUES (14, 14)',
  "INSERT INTO t VALUES (15, 1 + 1, 2 * 3, CONCAT('a', 'b'))",
  "INSERT INTO t VALUES (16, (SELECT MAX(a) FROM t AS x), 0, 'sub')",
  'INSERT INTO nope VALUES (1)',
  'INSERT INTO t () VALUES ()',
  "INSERT INTO t VALUES (NULL, 1, 1, 'n')",
  'INSERT INTO t VALUES (0x11, 0x0100, 0xFF, 0x41)',
  'UPDATE t SET a = 0x20 WHERE id = 0x02',
  'DELETE FROM t WHERE b = 0xC8',
];

// Multi-table UPDATE and DELETE: a parent table and a child table whose rows join it.
const P = 'CREATE TABLE p (id INT PRIMARY KEY, a INT NOT NULL, s VARCHAR(3))';
const C = 'CREATE TABLE c (id INT PRIMARY KEY, b INT, n INT, pid INT)';
const P_ROWS = "INSERT INTO p VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z')";
const C_ROWS = 'INSERT INTO c VALUES (1, 100, 0, 1), (2, 200, 0, 1), (4, 400, 0, 2)';
const MULTI: readonly string[] = [
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = p.a + c.b',
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = 5, c.n = p.a',
  'UPDATE p JOIN c ON c.pid = p.id SET a = 6',
  'UPDATE p, c SET p.a = p.a + 1 WHERE p.id = c.pid',
  "UPDATE p, c SET c.n = c.n + 1 WHERE p.id = c.pid AND p.s = 'x'",
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = p.a + 1, p.s = p.a',
  'UPDATE p LEFT JOIN c ON c.pid = p.id SET p.a = 7, c.n = 9',
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = 10 WHERE p.id = 1',
  'UPDATE p JOIN c ON c.pid = p.id SET p.id = p.id + 10',
  'UPDATE p AS x JOIN p AS y ON x.id = y.id + 1 SET x.a = y.a',
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = (SELECT MAX(b) FROM c)',
  'UPDATE p JOIN (SELECT pid, SUM(b) AS total FROM c GROUP BY pid) AS d ON d.pid = p.id SET p.a = d.total',
  'UPDATE p JOIN c ON c.pid = p.id SET id = 6',
  'UPDATE p JOIN c ON c.pid = p.id SET nope = 6',
  'UPDATE p JOIN c ON c.pid = p.id SET x.a = 6',
  'UPDATE p JOIN c ON c.pid = p.id SET p.nope = 6',
  'UPDATE p JOIN nope ON nope.id = p.id SET p.a = 6',
  'UPDATE p, (SELECT 1 AS k) AS d SET d.k = 2',
  "UPDATE p JOIN c ON c.pid = p.id SET p.a = 'abc'",
  "UPDATE p JOIN c ON c.pid = p.id SET p.s = 'abcdef'",
  'UPDATE p JOIN c ON c.pid = p.id SET p.a = NULL',
  'UPDATE IGNORE p JOIN c ON c.pid = p.id SET p.a = NULL',
  'UPDATE p, c SET p.a = DEFAULT WHERE p.id = c.pid',
  'DELETE p FROM p JOIN c ON c.pid = p.id WHERE c.b = 100',
  'DELETE c FROM p JOIN c ON c.pid = p.id WHERE p.id = 1',
  'DELETE p, c FROM p JOIN c ON c.pid = p.id',
  'DELETE p.*, c.* FROM p JOIN c ON c.pid = p.id WHERE p.id = 2',
  'DELETE FROM p USING p JOIN c ON c.pid = p.id',
  'DELETE FROM p, c USING p LEFT JOIN c ON c.pid = p.id',
  'DELETE x FROM p AS x JOIN c ON c.pid = x.id WHERE x.id = 2',
  'DELETE p FROM p, c WHERE p.id = c.pid AND c.b > 150',
  'DELETE p FROM p LEFT JOIN c ON c.pid = p.id WHERE c.id IS NULL',
  'DELETE p FROM p JOIN c ON c.pid = p.id WHERE p.id IN (SELECT pid FROM c)',
  'DELETE p FROM p JOIN c ON c.pid = p.id WHERE p.id IN (SELECT id FROM p)',
  'DELETE nope FROM p JOIN c ON c.pid = p.id',
  'DELETE p FROM p AS x JOIN c ON c.pid = x.id',
  'DELETE d FROM p, (SELECT 1 AS k) AS d',
];

// Rows of defaults: `VALUES ()` with and without a column list, one row or several.
const DF =
  "CREATE TABLE df (id INT AUTO_INCREMENT PRIMARY KEY, v INT DEFAULT 5, s VARCHAR(5) DEFAULT 'x', n INT)";
const ND =
  "CREATE TABLE nd (a INT, b VARCHAR(5) DEFAULT 'x', c DATETIME DEFAULT '2020-01-01 00:00:00')";
const DEFAULTS: readonly string[] = [
  'INSERT INTO df VALUES ()',
  'INSERT INTO df () VALUES ()',
  'INSERT INTO df VALUE ()',
  'INSERT INTO df VALUES (), ()',
  'INSERT INTO df () VALUES (), (), ()',
  "INSERT INTO df VALUES (), (7, 8, 'y', 1)",
  'INSERT INTO nd VALUES ()',
  'INSERT INTO nd VALUES (), ()',
  'INSERT INTO nd () VALUES (), ()',
  'INSERT INTO t VALUES ()',
];

// MariaDB's RETURNING on INSERT, REPLACE and DELETE: the rows written, as the items select them.
const RETURNING: readonly string[] = [
  "INSERT INTO t VALUES (4, 40, 400, 'w'), (5, 50, 500, 'v') RETURNING id, a * 2, CONCAT(s, '!') AS e",
  "INSERT INTO t VALUES (4, 40, 400, 'w') RETURNING *",
  "INSERT INTO t VALUES (4, 40, 400, 'w') RETURNING t.id, t.s",
  'INSERT INTO t SET id = 6, a = 1 RETURNING id, b IS NULL',
  'INSERT INTO t (id, a) SELECT id + 10, a FROM t WHERE id < 3 RETURNING id, a',
  "INSERT INTO t VALUES (1, 1, 1, 'a') ON DUPLICATE KEY UPDATE a = 99 RETURNING id, a",
  "INSERT IGNORE INTO t VALUES (1, 0, 0, 'dup'), (10, 1, 1, 'new') RETURNING id",
  "INSERT INTO t VALUES (1, 0, 0, 'dup') RETURNING id",
  "INSERT INTO t VALUES (4, 40, 400, 'w') RETURNING SUM(a)",
  "INSERT INTO t VALUES (4, 40, 400, 'w') RETURNING nope",
  "REPLACE INTO t VALUES (1, 0, 0, 'rep'), (11, 1, 1, 'new') RETURNING id, s",
  'DELETE FROM t WHERE id > 1 RETURNING id, s',
  'DELETE FROM t ORDER BY a DESC LIMIT 1 RETURNING *',
  'DELETE FROM t WHERE id = 99 RETURNING id',
  'DELETE FROM t WHERE t.id = 1 RETURNING t.a',
];

// UPDATE … ORDER BY on a unique key: rows written in the statement's order, each checked as written.
const U = 'CREATE TABLE u (id INT PRIMARY KEY, k INT UNIQUE, v INT)';
const U_ROWS = 'INSERT INTO u VALUES (1, 1, 0), (2, 2, 0), (3, 3, 0), (4, 10, 0)';
const ORDERED: readonly string[] = [
  'UPDATE u SET k = k + 1, v = k ORDER BY k DESC',
  'UPDATE u SET k = k + 1 ORDER BY k',
  'UPDATE u SET k = k - 1 ORDER BY k LIMIT 2',
  'UPDATE u SET id = id + 1 ORDER BY id DESC LIMIT 3',
  'UPDATE u SET k = k + 1 WHERE k < 5 ORDER BY k DESC',
  'UPDATE u SET k = k ORDER BY k DESC',
  'UPDATE u SET k = 2 ORDER BY id',
  'UPDATE IGNORE u SET k = 2 ORDER BY id',
  'UPDATE u SET k = DEFAULT ORDER BY id LIMIT 1',
];

export function dmlCases(): CaseList {
  const list = new CaseList('dml');
  for (const sql of ON_T) {
    list.add(sql, [T, ROWS], sql, 'SELECT * FROM t ORDER BY id');
    list.add(`${sql} [ROW_COUNT]`, [T, ROWS], sql, 'SELECT ROW_COUNT()');
  }
  for (const sql of ON_T.slice(0, 30)) {
    list.add(
      `${sql} [in transaction]`,
      [T, ROWS, 'BEGIN'],
      sql,
      'ROLLBACK',
      'SELECT COUNT(*), SUM(a) FROM t',
    );
  }
  for (const sql of DEFAULTS)
    list.add(
      sql,
      [T, DF, ND],
      sql,
      'SELECT LAST_INSERT_ID()',
      'SELECT * FROM df ORDER BY id',
      'SELECT * FROM nd',
    );
  for (const sql of MULTI) {
    const setup = [P, C, P_ROWS, C_ROWS];
    list.add(sql, setup, sql, 'SELECT * FROM p ORDER BY id', 'SELECT * FROM c ORDER BY id');
    list.add(`${sql} [ROW_COUNT]`, setup, sql, 'SELECT ROW_COUNT()');
  }
  list.add(
    'multi-table UPDATE in transaction',
    [P, C, P_ROWS, C_ROWS, 'BEGIN'],
    'UPDATE p JOIN c ON c.pid = p.id SET p.a = 0, c.n = 1',
    'ROLLBACK',
    'SELECT SUM(a) FROM p',
    'SELECT SUM(n) FROM c',
  );
  list.add(
    'multi-table DELETE then commit',
    [P, C, P_ROWS, C_ROWS, 'BEGIN'],
    'DELETE p, c FROM p JOIN c ON c.pid = p.id WHERE p.id = 1',
    'COMMIT',
    'SELECT COUNT(*) FROM p',
    'SELECT COUNT(*) FROM c',
  );
  list.add(
    'prepared multi-table UPDATE',
    [P, C, P_ROWS, C_ROWS],
    {
      sql: 'UPDATE p JOIN c ON c.pid = p.id SET p.a = ?, c.n = ? WHERE c.b > ?',
      params: [1, 2, 150],
    },
    'SELECT * FROM p ORDER BY id',
    'SELECT * FROM c ORDER BY id',
  );
  list.add(
    'multi-table UPDATE of an ON UPDATE timestamp',
    [
      'CREATE TABLE p (id INT PRIMARY KEY, a INT, ts TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)',
      C,
      'INSERT INTO p VALUES (1, 10, NULL), (2, 20, NULL)',
      C_ROWS,
    ],
    'UPDATE p JOIN c ON c.pid = p.id SET p.a = 20',
    'SELECT id, a, ts IS NULL FROM p ORDER BY id',
  );
  const onAi = [
    "INSERT INTO ai (v) VALUES ('a')",
    "INSERT INTO ai (v) VALUES ('a'), ('b'), ('c')",
    "INSERT INTO ai VALUES (NULL, 'a', NULL)",
    "INSERT INTO ai VALUES (0, 'a', NULL)",
    "INSERT INTO ai VALUES (10, 'a', NULL)",
    "INSERT INTO ai (v, u) VALUES ('a', 1) ON DUPLICATE KEY UPDATE v = 'b'",
    "INSERT INTO ai (v, u) VALUES ('a', 7) ON DUPLICATE KEY UPDATE v = 'b'",
    "INSERT INTO ai (v, u) VALUES ('a', 1) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "INSERT IGNORE INTO ai (v, u) VALUES ('a', 1)",
    "REPLACE INTO ai (v, u) VALUES ('r', 1)",
    'INSERT INTO ai (v) SELECT v FROM ai',
    "INSERT INTO ai (id, v) VALUES (-5, 'neg')",
  ];
  const aiSetup = [AI, "INSERT INTO ai (v, u) VALUES ('first', 1), ('second', 2)"];
  for (const sql of onAi) {
    list.add(sql, aiSetup, sql, 'SELECT LAST_INSERT_ID()', 'SELECT * FROM ai ORDER BY id');
    list.add(
      `${sql} then insert`,
      aiSetup,
      sql,
      "INSERT INTO ai (v) VALUES ('next')",
      'SELECT MAX(id) FROM ai',
    );
  }
  // LAST_INSERT_ID(x): the value the next LAST_INSERT_ID() answers, and the OK packet's id.
  const lastId: readonly (readonly string[])[] = [
    ['SELECT LAST_INSERT_ID(42)', 'SELECT LAST_INSERT_ID()'],
    ['UPDATE ai SET id = LAST_INSERT_ID(id + 10) WHERE id = 1', 'SELECT LAST_INSERT_ID()'],
    ['UPDATE ai SET u = LAST_INSERT_ID(u + 5)', 'SELECT LAST_INSERT_ID(), @@last_insert_id'],
    ['SELECT LAST_INSERT_ID(NULL)', 'SELECT LAST_INSERT_ID()'],
    ["SELECT LAST_INSERT_ID('12')", 'SELECT LAST_INSERT_ID()'],
    ['SELECT LAST_INSERT_ID(2.7)', 'SELECT LAST_INSERT_ID()'],
    ['SELECT LAST_INSERT_ID(-1)'],
    ['SELECT LAST_INSERT_ID(id) FROM ai ORDER BY id', 'SELECT LAST_INSERT_ID()'],
    ['INSERT INTO ai (v) VALUES (LAST_INSERT_ID(77))', 'SELECT LAST_INSERT_ID()'],
    ['SELECT LAST_INSERT_ID(5) + 1', "INSERT INTO ai (v) VALUES ('x')", 'SELECT LAST_INSERT_ID()'],
  ];
  for (const steps of lastId)
    list.add(steps.join('; '), aiSetup, ...steps, 'SELECT * FROM ai ORDER BY id');
  // User variables assigned with := in SELECT, SET and UPDATE, row by row.
  const assign: readonly (readonly string[])[] = [
    ['SELECT @a := 1', 'SELECT @a'],
    ['SET @a := 2', 'SELECT @a'],
    ['SET @a := 2', 'SELECT @a, @a := @a + 1, @a'],
    ['SET @n := 0', 'SELECT @n := @n + 1 AS r, id FROM ai ORDER BY id', 'SELECT @n'],
    ['SET @s = 0', 'SELECT id, @s := @s + u AS running FROM ai ORDER BY id', 'SELECT @s'],
    ["SELECT @x := 'str', @y := NULL", 'SELECT @x, @y'],
    ['SELECT @a := @b := 7, @a'],
    ['SET @a = @b := 9', 'SELECT @a, @b'],
    ['UPDATE ai SET u = @c := u * 2 WHERE id = 2', 'SELECT @c'],
    ['SELECT 1 FROM ai WHERE (@q := id) > 100', 'SELECT @q'],
    ['SELECT @m := MAX(id) FROM ai', 'SELECT @m'],
    ['SET @n = 5', 'SELECT @n := @n * 2 FROM ai WHERE id = 1', 'SELECT @n'],
    ['SELECT @v := v FROM ai WHERE id = 2', "SELECT CONCAT(@v, '!')"],
  ];
  for (const steps of assign)
    list.add(`${steps.join('; ')} [:=]`, aiSetup, ...steps, 'SELECT * FROM ai ORDER BY id');
  // The keys an INSERT … SELECT's rows (or computed VALUES keys) meet: INSERT IGNORE warns each
  // with its value and counts the query's rows as Records; a 1062 names the value ('?' before,
  // and INSERT IGNORE … SELECT answered Records: 1  Duplicates: 0 without warnings).
  list.add(
    'keys met by INSERT … SELECT and computed values',
    [
      'CREATE TABLE s (a INT, b VARCHAR(5))',
      "INSERT INTO s VALUES (1, 'x'), (1, 'y'), (2, 'z')",
      'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(5) UNIQUE)',
      "INSERT INTO t VALUES (2, 'q')",
    ],
    'INSERT IGNORE INTO t SELECT a, b FROM s',
    'SHOW WARNINGS',
    "INSERT IGNORE INTO t VALUES (10, CONCAT('q', '')), (11, 'w')",
    "INSERT INTO t SELECT a + 100, 'w' FROM s",
    "INSERT INTO t VALUES (20, CONCAT('a', 'b')), (21, CONCAT('a', 'b'))",
    "INSERT INTO t SELECT 30 + a, 'Q' FROM s WHERE a = 2",
    'INSERT IGNORE INTO t SELECT a, b FROM s WHERE a > 100',
    "INSERT INTO t SET id = 40 + 1, v = 'x'",
    'SELECT * FROM t ORDER BY id',
  );
  // A SET is the sum of its members' bits in numeric context, as MariaDB's (it was 0 with 1292,
  // so `WHERE flags & 4` found nothing).
  list.add(
    'SET column in numeric context',
    [
      "CREATE TABLE sn (id INT PRIMARY KEY, s SET('a','b','c'))",
      "INSERT INTO sn VALUES (1, 'a,c'), (2, ''), (3, NULL), (4, 'b')",
    ],
    "SELECT id, s + 0, s * 1, s | 0, CAST(s AS UNSIGNED), s = 5, s = 'a,c' FROM sn ORDER BY id",
    'SELECT id FROM sn WHERE s & 4',
    'SELECT id FROM sn WHERE s = 2',
    'UPDATE sn SET s = s | 2 WHERE id = 1',
    'SELECT s FROM sn WHERE id = 1',
  );
  // Numeric aggregates of an ENUM or a SET add their numbers (SUM of a SET was 0).
  list.add(
    'SUM, AVG and the BIT_ and variance aggregates of ENUM and SET columns',
    [
      "CREATE TABLE sa (id INT PRIMARY KEY, s SET('a','b','c'), e ENUM('x','y','z'))",
      "INSERT INTO sa VALUES (1, 'a,c', 'z'), (2, 'b', 'x'), (3, '', 'y'), (4, NULL, NULL)",
    ],
    'SELECT SUM(s), AVG(s), SUM(e), AVG(e), SUM(DISTINCT e), BIT_OR(s), BIT_AND(s), BIT_XOR(e) FROM sa',
    'SELECT STD(s), VARIANCE(e), VAR_SAMP(s), STDDEV_SAMP(e) FROM sa',
    'SELECT id, SUM(s) OVER (ORDER BY id), AVG(e) OVER () FROM sa ORDER BY id',
    'SELECT e, SUM(s) FROM sa GROUP BY e ORDER BY e',
  );
  // A SET sorts by its number, as MariaDB's (it sorted by its text: 'a,c' before 'b').
  list.add(
    'a SET column sorts by its number',
    [
      "CREATE TABLE so (id INT PRIMARY KEY, s SET('a','b','c'))",
      "INSERT INTO so VALUES (1, 'a,c'), (2, 'b'), (3, ''), (4, NULL), (5, 'a'), (6, 'a,b,c')",
    ],
    'SELECT id, s FROM so ORDER BY s, id',
    'SELECT GROUP_CONCAT(s ORDER BY s DESC) FROM so',
    'SELECT s, COUNT(*) FROM so GROUP BY s ORDER BY s',
    'SELECT id, ROW_NUMBER() OVER (ORDER BY s, id) FROM so ORDER BY id',
  );
  // An upsert that changed nothing answers insert id 0 (it answered an id no row has); an INSERT
  // refused for a value it could not store takes no AUTO_INCREMENT id (one of several rows past
  // the first keeps the statement's).
  list.add(
    'insert ids of an upsert that changed nothing and of refused rows',
    [
      'CREATE TABLE uk (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(10) UNIQUE, v INT)',
      "INSERT INTO uk (k, v) VALUES ('a', 1)",
      'CREATE TABLE rn (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(3))',
    ],
    "INSERT INTO uk (k, v) VALUES ('a', 1) ON DUPLICATE KEY UPDATE v = VALUES(v)",
    "INSERT INTO uk (k, v) VALUES ('a', 2) ON DUPLICATE KEY UPDATE v = VALUES(v)",
    "INSERT INTO uk (id, k, v) VALUES (1, 'a', 2) ON DUPLICATE KEY UPDATE v = VALUES(v)",
    {
      sql: 'INSERT INTO uk (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)',
      params: ['a', 2],
    },
    "INSERT INTO rn (v) VALUES ('toolong')",
    "INSERT INTO rn (v) VALUES (NULL), ('ok')",
    "INSERT INTO rn (v) VALUES ('x'), ('toolong')",
    "INSERT INTO rn (v) VALUES ('y')",
    'SELECT * FROM rn ORDER BY id',
  );
  // INSERT IGNORE: a skipped row's id goes to the next row, as MariaDB's (1, 3 was 1, 2); the
  // next INSERT still starts after every id the statement took.
  list.add(
    'INSERT IGNORE ids after a skipped row',
    ['CREATE TABLE r (id INT AUTO_INCREMENT PRIMARY KEY, u INT UNIQUE)'],
    'INSERT IGNORE INTO r (u) VALUES (1), (1), (2)',
    'SELECT LAST_INSERT_ID()',
    'INSERT INTO r (u) VALUES (3)',
    'INSERT IGNORE INTO r (u) VALUES (3), (4), (1), (5)',
    'SELECT LAST_INSERT_ID()',
    'INSERT IGNORE INTO r VALUES (NULL, 5), (NULL, 6)',
    'INSERT IGNORE INTO r (u) VALUES (1), (2)',
    'SELECT LAST_INSERT_ID()',
    'INSERT INTO r (u) VALUES (9)',
    'SELECT * FROM r ORDER BY id',
  );
  list.add(
    'AUTO_INCREMENT after delete',
    [AI, "INSERT INTO ai (v) VALUES ('a'), ('b')", 'DELETE FROM ai'],
    "INSERT INTO ai (v) VALUES ('c')",
    'SELECT id FROM ai',
  );
  list.add(
    'AUTO_INCREMENT after truncate',
    [AI, "INSERT INTO ai (v) VALUES ('a'), ('b')", 'TRUNCATE TABLE ai'],
    "INSERT INTO ai (v) VALUES ('c')",
    'SELECT id FROM ai',
  );
  list.add(
    'TRUNCATE restarts an AUTO_INCREMENT table option at 1',
    [
      'CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT = 100',
      'INSERT INTO ai (v) VALUES (1), (2)',
    ],
    'TRUNCATE TABLE ai',
    'INSERT INTO ai (v) VALUES (3)',
    'SELECT id FROM ai',
    'SHOW CREATE TABLE ai',
  );
  list.add(
    'AUTO_INCREMENT table option',
    ['CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT = 100'],
    'INSERT INTO ai (v) VALUES (1)',
    'SELECT id FROM ai',
  );
  list.add(
    'AUTO_INCREMENT rollback gap',
    [AI, 'BEGIN', "INSERT INTO ai (v) VALUES ('a')", 'ROLLBACK'],
    "INSERT INTO ai (v) VALUES ('b')",
    'SELECT id FROM ai',
  );
  list.add(
    'AUTO_INCREMENT failed insert gap',
    [AI, "INSERT INTO ai (v, u) VALUES ('a', 1)"],
    "INSERT INTO ai (v, u) VALUES ('b', 1)",
    "INSERT INTO ai (v, u) VALUES ('c', 2)",
    'SELECT id, v FROM ai ORDER BY id',
  );
  list.add(
    'AUTO_INCREMENT in information_schema',
    [AI, "INSERT INTO ai (v) VALUES ('a'), ('b')"],
    "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ai'",
  );
  list.add(
    'AUTO_INCREMENT BIGINT UNSIGNED',
    ['CREATE TABLE ai (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v INT)'],
    'INSERT INTO ai (id, v) VALUES (18446744073709551614, 1)',
    'INSERT INTO ai (v) VALUES (2)',
    'SELECT id FROM ai ORDER BY id',
  );
  // CREATE and DROP DATABASE use no table: they keep the previous statement's warnings.
  list.add(
    'CREATE and DROP DATABASE keep the warnings',
    [],
    'SELECT 1/0',
    'CREATE DATABASE keep_w',
    'SHOW WARNINGS',
    'SELECT 1/0',
    'DROP DATABASE keep_w',
    'SHOW WARNINGS',
  );
  // Explicit ids and NULLs in one INSERT are numbered in row order (it was 1062 for the first).
  list.add(
    'AUTO_INCREMENT explicit and generated ids in one INSERT',
    [AI],
    'INSERT INTO ai (id) VALUES (NULL), (2), (NULL)',
    'SELECT LAST_INSERT_ID()',
    'INSERT INTO ai (id) VALUES (10), (NULL), (5), (NULL)',
    'SELECT LAST_INSERT_ID()',
    'SELECT id FROM ai ORDER BY id',
  );
  list.add(
    'AUTO_INCREMENT TINYINT overflow',
    [
      'CREATE TABLE ai (id TINYINT AUTO_INCREMENT PRIMARY KEY, v INT)',
      'INSERT INTO ai VALUES (127, 1)',
    ],
    'INSERT INTO ai (v) VALUES (2)',
  );
  list.add(
    'transaction commit',
    [T, ROWS],
    'BEGIN',
    'UPDATE t SET a = 0',
    'COMMIT',
    'SELECT SUM(a) FROM t',
  );
  list.add(
    'transaction rollback',
    [T, ROWS],
    'START TRANSACTION',
    'DELETE FROM t',
    'ROLLBACK',
    'SELECT COUNT(*) FROM t',
  );
  list.add(
    'autocommit off',
    [T, ROWS],
    'SET autocommit = 0',
    'DELETE FROM t',
    'ROLLBACK',
    'SELECT COUNT(*) FROM t',
  );
  list.add(
    'savepoint',
    [T, ROWS],
    'BEGIN',
    'DELETE FROM t WHERE id = 1',
    'SAVEPOINT s1',
    'DELETE FROM t WHERE id = 2',
    'ROLLBACK TO SAVEPOINT s1',
    'COMMIT',
    'SELECT id FROM t ORDER BY id',
  );
  list.add(
    'error inside transaction keeps it',
    [T, ROWS],
    'BEGIN',
    "INSERT INTO t VALUES (4, 0, 0, 'a')",
    "INSERT INTO t VALUES (1, 0, 0, 'dup')",
    'COMMIT',
    'SELECT id FROM t ORDER BY id',
  );
  list.add(
    'multi-row duplicate in statement',
    [T],
    "INSERT INTO t VALUES (1, 0, 0, 'a'), (1, 0, 0, 'b')",
    'SELECT COUNT(*) FROM t',
  );
  list.add(
    'prepared insert',
    [T],
    { sql: 'INSERT INTO t VALUES (?, ?, ?, ?)', params: [1, 2, 3, 'p'] },
    'SELECT * FROM t',
  );
  list.add(
    'prepared update',
    [T, ROWS],
    { sql: 'UPDATE t SET s = ? WHERE id = ?', params: ['q', 2] },
    'SELECT s FROM t ORDER BY id',
  );
  list.add(
    'prepared delete',
    [T, ROWS],
    { sql: 'DELETE FROM t WHERE a > ?', params: [15] },
    'SELECT id FROM t',
  );
  for (const sql of RETURNING) list.add(sql, [T, ROWS], sql, 'SELECT * FROM t ORDER BY id');
  // A temporary table answers as a table does: its writes ran on a path of their own, which
  // gave a duplicate key as 1105 (rolling the transaction back), IGNORE no warnings, REPLACE and
  // upserts 1 row, RETURNING an OK packet.
  const temporary = (sql: string): string => sql.replace('CREATE TABLE', 'CREATE TEMPORARY TABLE');
  for (const sql of [...ON_T, ...RETURNING])
    list.add(
      `${sql} [temporary table]`,
      [temporary(T), ROWS],
      sql,
      'SELECT ROW_COUNT()',
      'SELECT * FROM t ORDER BY id',
    );
  for (const sql of onAi.filter((s) => !s.includes('SELECT v FROM ai')))
    list.add(
      `${sql} [temporary table]`,
      [temporary(AI), "INSERT INTO ai (v, u) VALUES ('first', 1), ('second', 2)"],
      sql,
      'SELECT LAST_INSERT_ID()',
      'SELECT * FROM ai ORDER BY id',
    );
  list.add(
    'a duplicate key in a temporary table leaves the transaction',
    [temporary(T), ROWS, 'CREATE TABLE r (id INT PRIMARY KEY)', 'BEGIN'],
    'INSERT INTO r VALUES (1)',
    "INSERT INTO t VALUES (1, 0, 0, 'dup')",
    "INSERT INTO t VALUES (1, 0, 0, 'dup'), (2, 0, 0, 'dup')",
    'INSERT INTO r VALUES (2)',
    'COMMIT',
    'SELECT * FROM r ORDER BY id',
  );
  for (const sql of ORDERED) {
    list.add(sql, [U, U_ROWS], sql, 'SELECT * FROM u ORDER BY id');
    list.add(`${sql} [ROW_COUNT]`, [U, U_ROWS], sql, 'SELECT ROW_COUNT()');
  }
  list.add(
    'prepared ordered UPDATE of a unique key',
    [U, U_ROWS],
    { sql: 'UPDATE u SET k = k + ? ORDER BY k DESC LIMIT ?', params: [1, 3] },
    'SELECT * FROM u ORDER BY id',
  );
  list.add(
    'prepared INSERT RETURNING',
    [AI],
    {
      sql: 'INSERT INTO ai (v, u) VALUES (?, ?), (?, ?) RETURNING id, v',
      params: ['a', 1, 'b', 2],
    },
    'SELECT * FROM ai ORDER BY id',
  );
  list.add('prepared DELETE RETURNING', [T, ROWS], {
    sql: 'DELETE FROM t WHERE a > ? RETURNING id, a',
    params: [15],
  });
  list.add(
    'prepared upsert',
    [T, ROWS],
    { sql: 'INSERT INTO t (id, a) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = ?', params: [1, 5, 6] },
    'SELECT a FROM t WHERE id = 1',
  );
  // A _ci column's value changes when its bytes do: the UPDATE writes 'A' over 'a' (1 changed).
  list.add(
    'UPDATE a case change under _ci',
    [
      'CREATE TABLE ci (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(5), n INT)',
      "INSERT INTO ci (s, n) VALUES ('a', 1), ('b ', 2)",
    ],
    "UPDATE ci SET s = 'A' WHERE s = 'a'",
    "UPDATE ci SET s = 'b' WHERE n = 2",
    "UPDATE ci SET s = 'A', n = 1 WHERE id = 1",
    'SELECT s, n FROM ci ORDER BY id',
  );
  list.add(
    'INSERT AUTO_INCREMENT under a connection collation',
    [
      'CREATE TABLE ci (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(5))',
      'SET NAMES utf8mb4 COLLATE utf8mb4_bin',
    ],
    "INSERT INTO ci (s) SELECT 'x' FROM DUAL WHERE 'a' = 'A'",
    'SELECT COUNT(*) FROM ci',
  );
  // Under CLIENT_FOUND_ROWS (mysql2, this harness) a row the UPDATE matches but does not change
  // was written anyway: its ON UPDATE CURRENT_TIMESTAMP column moved (a newcomer's report).
  list.add(
    'UPDATE that changes nothing leaves ON UPDATE CURRENT_TIMESTAMP alone',
    [
      'CREATE TABLE tu (id INT PRIMARY KEY, v INT, upd TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)',
      'INSERT INTO tu (id, v) VALUES (1, 1), (2, 2), (3, 3)',
    ],
    'UPDATE tu SET v = 1 WHERE id = 1',
    'SELECT id, upd IS NULL FROM tu ORDER BY id',
    'UPDATE tu SET v = 1 WHERE id <= 2',
    'SELECT ROW_COUNT()',
    'SELECT id, v, upd IS NULL FROM tu ORDER BY id',
    'UPDATE tu SET v = v WHERE id > 0',
    'SELECT id, upd IS NULL FROM tu ORDER BY id',
  );
  // An UPDATE with ORDER BY/LIMIT, `= DEFAULT`, a date or a value that the column stores as it
  // holds ('1.2' into an INT 1, 1.001 into a DECIMAL(5,2) 1.00) wrote every row it matched: the
  // rows counted as changed and ON UPDATE CURRENT_TIMESTAMP moved.
  list.add(
    'UPDATE that stores what the row holds changes nothing',
    [
      "CREATE TABLE tw (id INT PRIMARY KEY, v INT, d DECIMAL(5,2), s VARCHAR(10) DEFAULT 'x', dt DATE, upd TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)",
      "INSERT INTO tw (id, v, d, s, dt) VALUES (1, 1, 1.00, 'x', '2024-01-05'), (2, 2, 2.00, 'y', NULL), (3, 3, 3.00, 'x', NULL)",
    ],
    'UPDATE tw SET v = v ORDER BY id LIMIT 2',
    'UPDATE tw SET s = DEFAULT',
    'SELECT ROW_COUNT()',
    "UPDATE tw SET v = '1.2' WHERE id = 1",
    'UPDATE tw SET v = v + 0.4',
    'UPDATE tw SET d = 1.001 WHERE id = 1',
    "UPDATE tw SET dt = '2024-1-5' WHERE id = 1",
    'UPDATE tw SET dt = 20240105 WHERE id = 1',
    'UPDATE tw SET v = 1 ORDER BY id DESC LIMIT 2',
    'UPDATE tw SET v = v WHERE v IN (SELECT 1)',
    'SELECT id, v, d, s, dt, upd IS NULL FROM tw ORDER BY id',
    "SET sql_mode = ''",
    "UPDATE tw SET dt = '2024-02-30' WHERE id = 1",
    "UPDATE tw SET dt = '2024-02-30' WHERE id = 1",
    "UPDATE tw SET v = 0 + 'x1' WHERE id <= 2",
    "UPDATE tw SET v = v + '7x'",
    "UPDATE tw SET s = 'abcdefghijkl' WHERE id = 1",
    'SELECT id, v, s, dt, upd IS NULL FROM tw ORDER BY id',
  );
  // MariaDB fires a table's UPDATE triggers on every row the UPDATE matches, changed or not; the
  // rows left as they were were skipped, and their triggers never ran (an audit row lost).
  list.add(
    'UPDATE triggers fire on a matched row left as it was',
    [
      'CREATE TABLE tt (id INT PRIMARY KEY, v INT, ts TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP)',
      'CREATE TABLE tlog (n INT)',
      'CREATE TRIGGER ttb BEFORE UPDATE ON tt FOR EACH ROW INSERT INTO tlog VALUES (NEW.v)',
      'CREATE TRIGGER tta AFTER UPDATE ON tt FOR EACH ROW INSERT INTO tlog VALUES (-NEW.v)',
      'INSERT INTO tt (id, v) VALUES (1, 1), (2, 2)',
    ],
    'UPDATE tt SET v = 1',
    'SELECT ROW_COUNT()',
    'SELECT n FROM tlog ORDER BY n',
    'SELECT id, v, ts IS NULL FROM tt ORDER BY id',
    'UPDATE tt SET v = v ORDER BY id LIMIT 1',
    'SELECT COUNT(*) FROM tlog',
    'SELECT id, v, ts IS NULL FROM tt ORDER BY id',
  );
  // An UPDATE's warnings name the row among the matched ones ("at row N"), rows left as they were
  // included, on a table with triggers too (SQLite tests the WHERE of every row first there).
  list.add(
    'UPDATE warnings number the matched rows',
    [
      'CREATE TABLE tn (id INT PRIMARY KEY, c CHAR(3))',
      "INSERT INTO tn VALUES (1, 'abc'), (2, 'x'), (3, 'y')",
      "SET sql_mode = ''",
    ],
    "UPDATE tn SET c = 'abcdef'",
    'CREATE TABLE tnl (n INT)',
    'CREATE TRIGGER tna AFTER UPDATE ON tn FOR EACH ROW INSERT INTO tnl VALUES (1)',
    "UPDATE tn SET c = CONCAT('z', id, 'abcdef')",
    "UPDATE tn SET c = CONCAT('z', id, 'abcdef') WHERE id > 1",
    "UPDATE tn SET c = CONCAT('q', id, 'abcdef') ORDER BY id DESC LIMIT 2",
    'SELECT COUNT(*) FROM tnl',
  );
  // DEFAULT(col) was 1235: a column's default in SELECT, UPDATE, INSERT rows and upserts.
  list.add(
    'DEFAULT(col)',
    [
      "CREATE TABLE df (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL DEFAULT 5, w VARCHAR(5), x INT NOT NULL, dd DATE DEFAULT '2020-01-02', e DECIMAL(5,2) DEFAULT 1.5)",
      'INSERT INTO df (v, x) VALUES (1, 1)',
    ],
    'SELECT DEFAULT(v), DEFAULT(w), DEFAULT(id), DEFAULT(dd), DEFAULT(e), DEFAULT(df.v) FROM df',
    'SELECT DEFAULT(x) FROM df',
    'UPDATE df SET v = DEFAULT(v) + 1',
    'INSERT INTO df (v, x) VALUES (DEFAULT(v) * 2, 3), (DEFAULT(df.v), 4)',
    'INSERT INTO df SET v = DEFAULT(v) + 3, x = 1',
    'INSERT INTO df (id, v, x) VALUES (1, 1, 1) ON DUPLICATE KEY UPDATE v = DEFAULT(v) - 1',
    'SELECT id, v, x FROM df ORDER BY id',
  );
  // CREATE TABLE … SELECT kept NOT NULL for a column that may be NULL: a UNION member's NULL, the
  // NULL side of an outer join (a table's NOT NULL column or a derived table's literal). The
  // table was made NOT NULL and its own rows failed with 1048.
  list.add(
    'CREATE TABLE … SELECT over a UNION with NULL and over outer joins',
    [
      'CREATE TABLE ct (id INT PRIMARY KEY, v INT NOT NULL)',
      'CREATE TABLE cu (id INT PRIMARY KEY, w INT NOT NULL)',
      'INSERT INTO ct VALUES (1, 1)',
    ],
    'CREATE TABLE c6 AS SELECT 1 AS a FROM ct UNION SELECT NULL',
    'SELECT a FROM c6 ORDER BY a',
    'CREATE TABLE c7 AS SELECT q.a FROM ct LEFT JOIN (SELECT 1 AS a, 5 AS id) q ON q.id = ct.id',
    'CREATE TABLE c8 AS SELECT ct.id, cu.w, cu.id AS uid FROM ct LEFT JOIN cu ON cu.id = ct.id',
    'CREATE TABLE c9 AS SELECT cu.w, ct.v FROM cu RIGHT JOIN ct ON cu.id = ct.id',
    'CREATE TABLE c10 AS SELECT * FROM ct LEFT JOIN cu USING (id)',
    'SELECT * FROM c7',
    'SELECT * FROM c8',
    'SELECT * FROM c9',
    'SELECT * FROM c10',
  );
  // AND CHAIN begins the next transaction at once: the rows after it are rolled back with it
  // (they were committed alone, a newcomer's report).
  list.add(
    'COMMIT AND CHAIN and ROLLBACK AND CHAIN begin the next transaction',
    ['CREATE TABLE ch (id INT PRIMARY KEY)'],
    'BEGIN',
    'INSERT INTO ch VALUES (1)',
    'COMMIT AND CHAIN',
    'SELECT @@in_transaction',
    'INSERT INTO ch VALUES (2)',
    'ROLLBACK AND CHAIN',
    'INSERT INTO ch VALUES (3)',
    'ROLLBACK AND NO CHAIN',
    'SELECT @@in_transaction',
    'INSERT INTO ch VALUES (4)',
    'ROLLBACK',
    'SELECT id FROM ch ORDER BY id',
  );
  // DO evaluates for the effects (locks, variables, sleeps) and returns nothing; it was 1235.
  list.add(
    'DO evaluates its expressions and returns no rows',
    [],
    'DO 1',
    "DO SLEEP(0.01), GET_LOCK('do_lock', 0)",
    "SELECT IS_USED_LOCK('do_lock') IS NOT NULL",
    'DO @do_v := 5, @do_w := 6',
    'SELECT @do_v, @do_w',
    "DO CAST('a' AS SIGNED)",
    "DO RELEASE_LOCK('do_lock')",
    "SELECT IS_FREE_LOCK('do_lock')",
    'DO no_such_function(1)',
    // An error of evaluation is a condition of level Error, and DO answers OK.
    'DO (SELECT 1 UNION SELECT 2)',
    'SELECT @@warning_count, @@error_count',
    'DO 9223372036854775807 + 1',
    'SHOW COUNT(*) WARNINGS',
    'DO (SELECT 1, 2)',
  );
  // 1062 of an UPDATE names the value it met when the SET gives every column of the key.
  list.add(
    'UPDATE 1062 names the duplicate value',
    [
      'CREATE TABLE ud (id INT PRIMARY KEY, e VARCHAR(20) UNIQUE, a INT, b INT, UNIQUE KEY ab (a, b))',
      "INSERT INTO ud VALUES (1, 'a@x', 1, 1), (2, 'b@x', 2, 2)",
    ],
    "UPDATE ud SET e = 'a@x' WHERE id = 2",
    'UPDATE ud SET id = 1 WHERE id = 2',
    'UPDATE ud SET a = 1, b = 1 WHERE id = 2',
    'SELECT * FROM ud ORDER BY id',
  );
  // INSERT … SET … ON DUPLICATE KEY UPDATE that updates names the updated row's id, as the
  // VALUES form does (it was 0).
  list.add(
    'INSERT SET upsert names the updated row',
    [
      'CREATE TABLE us (id INT PRIMARY KEY AUTO_INCREMENT, k VARCHAR(20) NOT NULL UNIQUE, n INT DEFAULT 0)',
      "INSERT INTO us (k) VALUES ('a'), ('b')",
    ],
    "INSERT INTO us SET k = 'b', n = 5 ON DUPLICATE KEY UPDATE n = 7",
    'SELECT LAST_INSERT_ID()',
    "INSERT INTO us SET k = 'c', n = 5 ON DUPLICATE KEY UPDATE n = 7",
    'SELECT * FROM us ORDER BY id',
  );
  // SET SESSION TRANSACTION READ ONLY makes the session's transactions, and its autocommit
  // writes, read only (it was ignored); SET TRANSACTION READ ONLY is the next START
  // TRANSACTION's; inside a transaction SET TRANSACTION is 1568.
  list.add(
    'READ ONLY sessions and transactions',
    ['CREATE TABLE ro (id INT PRIMARY KEY)'],
    'SET SESSION TRANSACTION READ ONLY',
    'SELECT @@tx_read_only',
    'INSERT INTO ro VALUES (1)',
    'START TRANSACTION',
    'INSERT INTO ro VALUES (2)',
    'ROLLBACK',
    'START TRANSACTION READ WRITE',
    'INSERT INTO ro VALUES (3)',
    'COMMIT',
    'SET SESSION TRANSACTION READ WRITE',
    'SET TRANSACTION READ ONLY',
    'START TRANSACTION',
    'INSERT INTO ro VALUES (4)',
    'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'COMMIT',
    'INSERT INTO ro VALUES (5)',
    'SET SESSION tx_read_only = 1',
    'INSERT INTO ro VALUES (6)',
    'SET SESSION tx_read_only = 0',
    'SELECT @@tx_read_only, id FROM ro ORDER BY id',
  );
  // A multi-row upsert gives ids to the rows it inserts only, in order (a row that met a key
  // used one up: 'd' was stored at 5 and the insertId said 3).
  list.add(
    'multi-row upsert ids',
    [
      'CREATE TABLE mu (id INT PRIMARY KEY AUTO_INCREMENT, k VARCHAR(20) NOT NULL UNIQUE, n INT DEFAULT 0)',
      "INSERT INTO mu (k) VALUES ('a'), ('b')",
    ],
    "INSERT INTO mu (k) VALUES ('a'), ('b'), ('d') ON DUPLICATE KEY UPDATE k = VALUES(k)",
    'SELECT LAST_INSERT_ID()',
    "INSERT INTO mu (k) VALUES ('n1'), ('a'), ('n2'), ('n1') ON DUPLICATE KEY UPDATE n = n + 1",
    "INSERT INTO mu (k) VALUES ('z')",
    'SELECT * FROM mu ORDER BY id',
  );
  // Under autocommit=0 a SELECT of no table opens no transaction (@@in_transaction was 1).
  list.add(
    'autocommit=0 and a SELECT of no table',
    ['CREATE TABLE ix (id INT PRIMARY KEY)'],
    'SET autocommit = 0',
    'SELECT 1',
    'SELECT @@in_transaction',
    'SELECT COUNT(*) FROM ix',
    'SELECT @@in_transaction',
    'COMMIT',
    'SELECT @@in_transaction, (SELECT COUNT(*) FROM ix)',
    'ROLLBACK',
    'SELECT @@in_transaction',
  );
  // In a READ ONLY transaction a temporary table's rows may change, but CREATE, DROP and
  // TRUNCATE of one are 1792 (they were taken).
  list.add(
    'temporary tables in READ ONLY transactions',
    ['CREATE TEMPORARY TABLE t0 (a INT)'],
    'START TRANSACTION READ ONLY',
    'CREATE TEMPORARY TABLE tt (a INT)',
    'INSERT INTO t0 VALUES (1)',
    'UPDATE t0 SET a = 2',
    'DROP TEMPORARY TABLE t0',
    'COMMIT',
    'SET SESSION TRANSACTION READ ONLY',
    'INSERT INTO t0 VALUES (3)',
    'CREATE TEMPORARY TABLE t2 (a INT)',
    'TRUNCATE t0',
    'SELECT * FROM t0 ORDER BY a',
  );
  return list;
}
