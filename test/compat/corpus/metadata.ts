// metadata: what the wire and the catalog say about columns: result column types of expressions,
// SHOW CREATE TABLE, DESCRIBE, SHOW COLUMNS/INDEX, information_schema.
import { CaseList } from '../case.js';

const EXPRESSIONS = [
  '1',
  '-1',
  '2147483647',
  '2147483648',
  '9223372036854775807',
  '18446744073709551615',
  '1.5',
  '1.5e0',
  "'a'",
  "''",
  'NULL',
  'TRUE',
  '1 + 1',
  '1 + 1.5',
  '1 + 1e0',
  '2 * 3',
  '7 / 2',
  '7 DIV 2',
  '7 % 2',
  "'1' + 1",
  'ABS(-1)',
  'CEIL(1.5)',
  'FLOOR(1.5)',
  'ROUND(1.5)',
  'ROUND(1.55, 1)',
  "LENGTH('a')",
  "CONCAT('a', 1)",
  'COUNT(*)',
  'SUM(1)',
  'AVG(1)',
  'MAX(1)',
  "MIN('a')",
  'GROUP_CONCAT(1)',
  "IF(1, 1, 'a')",
  'IF(1, 1, 2)',
  'IFNULL(1, 2.5)',
  'COALESCE(1, NULL)',
  'CASE WHEN 1 THEN 1 END',
  "DATE('2024-01-05')",
  "TIME('10:00:00')",
  "TIMESTAMP('2024-01-05')",
  "DATE_ADD('2024-01-05', INTERVAL 1 DAY)",
  "DATE_ADD(DATE('2024-01-05'), INTERVAL 1 DAY)",
  "CAST('2024-01-05' AS DATE)",
  "CAST('2024-01-05' AS DATETIME)",
  "CAST('10:00' AS TIME)",
  'CAST(1 AS CHAR)',
  'CAST(1 AS SIGNED)',
  'CAST(1 AS UNSIGNED)',
  'CAST(1 AS DECIMAL(5,2))',
  'CAST(1 AS DOUBLE)',
  "CAST('{}' AS JSON)",
  "JSON_OBJECT('a', 1)",
  'JSON_ARRAY()',
  "JSON_EXTRACT('[1]', '$[0]')",
  'VERSION()',
  'DATABASE()',
  'LAST_INSERT_ID()',
  'ROW_COUNT()',
  'PI()',
  'RAND() < 2',
  'SQRT(4)',
  'POW(2, 2)',
  "HEX('a')",
  "UNHEX('61')",
  "MD5('a')",
  "YEAR('2024-01-05')",
  "MONTHNAME('2024-01-05')",
  "DATE_FORMAT('2024-01-05', '%Y')",
  "STR_TO_DATE('2024-01-05', '%Y-%m-%d')",
  "UNIX_TIMESTAMP('2024-01-05')",
  'FROM_UNIXTIME(0)',
  "DATEDIFF('2024-01-05', '2024-01-01')",
  '1 = 1',
  '1 < 2',
  "'a' LIKE 'a'",
  '1 IN (1)',
  'NOT 1',
  '1 IS NULL',
  '1 BETWEEN 0 AND 2',
  '~0',
  '1 << 2',
  '5 & 3',
  'BIT_COUNT(1)',
  '@@autocommit',
  '@@sql_mode',
  '@@max_allowed_packet',
  '@@version',
  "x'41'",
  "b'1'",
  '0x41',
  "_binary 'a'",
  "N'a'",
  'SLEEP(0)',
  'BENCHMARK(1, 1)',
  'CHAR(65)',
  'CHAR(65 USING utf8mb4)',
];

// Their values change from run to run: only the column types are compared.
const VOLATILE = [
  // Its value is the row count of whatever the harness ran before on the connection.
  'FOUND_ROWS()',
  'CURDATE()',
  'NOW()',
  'CURTIME()',
  'UUID()',
  'CONNECTION_ID()',
  'NOW(6)',
  'SYSDATE()',
  'UTC_TIMESTAMP()',
  'UNIX_TIMESTAMP()',
  'RAND()',
];

const TABLES = [
  'CREATE TABLE m (id INT PRIMARY KEY)',
  'CREATE TABLE m (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), UNIQUE KEY email (email), KEY name_idx (name))',
  'CREATE TABLE m (a TINYINT, b SMALLINT UNSIGNED, c MEDIUMINT, d BIGINT UNSIGNED, e INT(11), f INT(5) ZEROFILL)',
  'CREATE TABLE m (a FLOAT, b DOUBLE, c DECIMAL(10,2), d DECIMAL, e REAL, f NUMERIC(5,1))',
  'CREATE TABLE m (a CHAR(3), b VARCHAR(10), c TEXT, d MEDIUMTEXT, e LONGTEXT, f TINYTEXT)',
  'CREATE TABLE m (a BINARY(3), b VARBINARY(10), c BLOB, d MEDIUMBLOB, e LONGBLOB, f TINYBLOB)',
  'CREATE TABLE m (a DATE, b DATETIME, c DATETIME(6), d TIMESTAMP NULL, e TIME, f YEAR)',
  "CREATE TABLE m (a ENUM('x','y'), b SET('p','q'), c BIT(3), d BOOLEAN, e JSON)",
  "CREATE TABLE m (a INT DEFAULT 5, b VARCHAR(5) DEFAULT 'x', c DATETIME DEFAULT CURRENT_TIMESTAMP, d DECIMAL(5,2) DEFAULT 1.5, e INT NOT NULL)",
  'CREATE TABLE m (a INT, b INT, PRIMARY KEY (a, b), KEY (b))',
  "CREATE TABLE m (a INT COMMENT 'the a', b INT) COMMENT 'a table'",
  'CREATE TABLE m (a VARCHAR(10) COLLATE utf8mb4_bin, b VARCHAR(10) CHARACTER SET latin1)',
  'CREATE TABLE m (a INT) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4',
  'CREATE TABLE m (a INT) ENGINE = MyISAM',
  'CREATE TABLE m (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) AUTO_INCREMENT = 7',
  'CREATE TABLE m (a INT, b INT AS (a + 1) VIRTUAL)',
  'CREATE TABLE m (a INT, CONSTRAINT c1 CHECK (a > 0))',
  'CREATE TABLE m (a VARCHAR(255), KEY (a(10)))',
  'CREATE TABLE m (a INT, b TEXT, FULLTEXT KEY (b))',
  'CREATE TABLE m (a SERIAL)',
  // Appended: a case's id is its place in this list.
  'CREATE TABLE m (a INT, b INT, c INT, UNIQUE (b, c), PRIMARY KEY (c, a))',
];

const QUERIES = [
  'SHOW CREATE TABLE m',
  'DESCRIBE m',
  'SHOW FULL COLUMNS FROM m',
  'SHOW INDEX FROM m',
  "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'm' ORDER BY ORDINAL_POSITION",
  'SELECT * FROM m',
];

export function metadataCases(): CaseList {
  const list = new CaseList('metadata');
  for (const e of EXPRESSIONS) list.add(`type of ${e}`, [], `SELECT ${e}`);
  for (const e of VOLATILE) list.add(`type of ${e}`, [], { sql: `SELECT ${e}`, typesOnly: true });
  for (const [i, create] of TABLES.entries()) {
    for (const q of QUERIES) list.add(`table ${i}: ${q.slice(0, 40)}`, [create], q);
  }
  list.selects(
    ['CREATE TABLE a (x INT)', 'CREATE TABLE b (y INT)'],
    [
      'SHOW TABLES',
      'SHOW FULL TABLES',
      "SHOW TABLES LIKE 'a%'",
      'SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
      'SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
      'SHOW COLUMNS FROM a',
      "SHOW COLUMNS FROM a LIKE 'x'",
      'SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
      "SHOW DATABASES LIKE 'information%'",
      "SHOW VARIABLES LIKE 'sql_mode'",
      "SHOW VARIABLES LIKE 'character_set_server'",
      "SHOW SESSION VARIABLES LIKE 'autocommit'",
      "SHOW STATUS LIKE 'Uptime_nonexistent'",
      'SHOW WARNINGS',
      'SHOW ERRORS',
      'SHOW COUNT(*) WARNINGS',
      'SHOW ENGINES',
      "SHOW CHARACTER SET LIKE 'utf8mb4'",
      "SHOW COLLATION LIKE 'utf8mb4_bin'",
      "SHOW TABLE STATUS LIKE 'nomatch'",
      'SHOW CREATE TABLE nope',
      'DESCRIBE nope',
      'SELECT * FROM a',
      'SELECT x AS `renamed`, x + 1 AS `sum` FROM a',
      'SELECT a.x FROM a AS a',
      'SELECT *, 1 FROM a',
      'SELECT x, y FROM a, b',
    ],
  );
  list.add(
    'a column UNIQUE again adds a key named column_2',
    ['CREATE TABLE u (email VARCHAR(20) NOT NULL UNIQUE)'],
    'ALTER TABLE u CHANGE email email VARCHAR(20) NOT NULL UNIQUE',
    'ALTER TABLE u MODIFY email VARCHAR(20) NOT NULL UNIQUE',
    'SHOW CREATE TABLE u',
  );
  list.add(
    'column names of a join',
    [
      'CREATE TABLE a (id INT, v INT)',
      'CREATE TABLE b (id INT, w INT)',
      'INSERT INTO a VALUES (1, 2)',
      'INSERT INTO b VALUES (1, 3)',
    ],
    'SELECT * FROM a JOIN b USING (id)',
    'SELECT * FROM a JOIN b ON a.id = b.id',
    'SELECT * FROM a NATURAL JOIN b',
  );
  // `*` and `t.*` over a derived table among tables kept no type (DECIMAL came as DOUBLE, DATE
  // as VARCHAR), and `*` over USING whose joined column is not the left table's first had its
  // columns in SQLite's order under MariaDB's names.
  list.add(
    'types and order of * over a join with a derived table',
    [
      'CREATE TABLE o (id INT PRIMARY KEY, total DECIMAL(10,2), d DATE, doc JSON)',
      'CREATE TABLE p (d DATE, id INT, note VARCHAR(10))',
      `INSERT INTO o VALUES (1, 5.00, '2024-01-02', '{"a": 1}'), (2, 7.50, '2024-03-04', '[]')`,
      "INSERT INTO p VALUES ('2024-01-02', 1, 'x'), ('2025-05-05', 3, 'y')",
    ],
    'SELECT o.*, x.n FROM o JOIN (SELECT id, total AS n FROM o) x ON x.id = o.id ORDER BY o.id',
    'SELECT * FROM o JOIN (SELECT id, d AS d2 FROM o) x USING (id) ORDER BY id',
    'SELECT x.* FROM (SELECT id, total, d FROM o) x JOIN o USING (id) ORDER BY x.id',
    'SELECT * FROM (SELECT id, total FROM o) x, p ORDER BY x.id, p.id',
    'SELECT * FROM p JOIN o USING (id)',
    'SELECT * FROM p NATURAL JOIN (SELECT id, d, total FROM o) x',
    'SELECT * FROM o RIGHT JOIN p USING (id) ORDER BY note',
    'SELECT * FROM p LEFT JOIN (SELECT id, total FROM o) x USING (id) ORDER BY note',
  );
  list.add(
    'ALTER then SHOW CREATE',
    ['CREATE TABLE m (a INT)'],
    "ALTER TABLE m ADD COLUMN b VARCHAR(5) NOT NULL DEFAULT 'q' AFTER a, ADD INDEX ib (b)",
    'SHOW CREATE TABLE m',
  );
  list.add(
    'ALTER MODIFY then DESCRIBE',
    ['CREATE TABLE m (a INT, b INT)'],
    'ALTER TABLE m MODIFY b BIGINT UNSIGNED NOT NULL',
    'DESCRIBE m',
  );
  list.add(
    'ALTER RENAME COLUMN',
    ['CREATE TABLE m (a INT, b INT)'],
    'ALTER TABLE m RENAME COLUMN b TO c',
    'DESCRIBE m',
  );
  list.add(
    'ALTER DROP COLUMN',
    ['CREATE TABLE m (a INT, b INT)'],
    'ALTER TABLE m DROP COLUMN b',
    'SHOW CREATE TABLE m',
  );
  list.add('RENAME TABLE', ['CREATE TABLE m (a INT)'], 'RENAME TABLE m TO m2', 'SHOW TABLES');
  list.add(
    'CREATE INDEX',
    ['CREATE TABLE m (a INT, b INT)'],
    'CREATE INDEX ix ON m (b, a)',
    'SHOW INDEX FROM m',
  );
  list.add(
    'DROP INDEX',
    ['CREATE TABLE m (a INT, b INT, KEY ix (b))'],
    'DROP INDEX ix ON m',
    'SHOW CREATE TABLE m',
  );
  list.add(
    'CREATE TABLE LIKE',
    ['CREATE TABLE m (a INT PRIMARY KEY, b VARCHAR(3))'],
    'CREATE TABLE m2 LIKE m',
    'SHOW CREATE TABLE m2',
  );
  // An ALTER that MariaDB does by copying the table counts its rows as affected; one done in
  // place affects none.
  list.add(
    'ALTER TABLE affects the rows it copies',
    [
      'CREATE TABLE m (id INT PRIMARY KEY, a INT, b VARCHAR(5))',
      'INSERT INTO m VALUES (1, 1, 1), (2, 2, 2)',
    ],
    'ALTER TABLE m ADD COLUMN c INT',
    'ALTER TABLE m MODIFY a BIGINT',
    'ALTER TABLE m MODIFY b VARCHAR(50)',
    'ALTER TABLE m ADD CONSTRAINT ck CHECK (a > 0)',
    'ALTER TABLE m ADD INDEX (b)',
    'ALTER TABLE m CHANGE a aa INT',
    'ALTER TABLE m DROP PRIMARY KEY',
  );
  // A column of the table's own collation prints none, whatever the collation.
  list.add(
    "SHOW CREATE TABLE of a table whose collation is not its charset's default",
    [
      'CREATE TABLE m (s VARCHAR(5), t VARCHAR(5) COLLATE utf8mb4_bin) COLLATE = utf8mb4_unicode_520_ci',
    ],
    'SHOW CREATE TABLE m',
  );
  // The copy's first id was the source's AUTO_INCREMENT = N.
  list.add(
    'CREATE TABLE LIKE starts AUTO_INCREMENT over',
    [
      'CREATE TABLE m (id INT PRIMARY KEY AUTO_INCREMENT, b INT) AUTO_INCREMENT = 1000',
      'INSERT INTO m (b) VALUES (1)',
    ],
    'CREATE TABLE m2 LIKE m',
    'SHOW CREATE TABLE m2',
    'INSERT INTO m2 (b) VALUES (1)',
    'SELECT * FROM m2',
  );
  list.add(
    'CREATE TABLE AS SELECT',
    ['CREATE TABLE m (a INT, b DECIMAL(5,2))', 'INSERT INTO m VALUES (1, 2.5)'],
    'CREATE TABLE m2 AS SELECT a, b, a + b AS c, CONCAT(a) AS d FROM m',
    'SHOW CREATE TABLE m2',
    'SELECT * FROM m2',
  );
  // Health checks and exporters read these instead of SHOW STATUS / SHOW VARIABLES.
  list.add(
    'information_schema status and variables tables, names in capitals',
    ['SET SESSION auto_increment_increment = 5'],
    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.SESSION_VARIABLES WHERE VARIABLE_NAME IN ('autocommit', 'auto_increment_increment') ORDER BY 1",
    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'AUTO_INCREMENT_INCREMENT'",
    "SELECT COUNT(*) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'uptime'",
    "SELECT COUNT(*) FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME LIKE 'COM\\_SELECT'",
  );
  list.add(
    'PROCESSLIST shows the statement being run',
    [],
    'SELECT COMMAND, INFO, DB = DATABASE() FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
  );
  list.add(
    'CHECKSUM TABLE of a missing table',
    ['CREATE TABLE m (a INT PRIMARY KEY)'],
    'CHECKSUM TABLE m QUICK, nope',
  );
  // A newcomer's report: an empty table's figure was a hash of nothing; MariaDB's is 0.
  list.add(
    'CHECKSUM TABLE of an empty table',
    ['CREATE TABLE m (a INT PRIMARY KEY, b VARCHAR(10))', 'CREATE TABLE n (a INT)'],
    'CHECKSUM TABLE m, n',
    'CHECKSUM TABLE m EXTENDED',
  );
  // What mariadb-dump --all-databases reads and writes (it stopped with 1146 at general_log,
  // and a dump restored where its databases exist failed with 1007).
  list.add(
    "mariadb-dump's queries: the log tables, SHOW CREATE DATABASE IF NOT EXISTS",
    ['CREATE DATABASE dumped'],
    'SHOW CREATE DATABASE IF NOT EXISTS dumped',
    'SHOW CREATE SCHEMA dumped',
    'SHOW CREATE TABLE mysql.general_log',
    'SHOW CREATE TABLE mysql.slow_log',
    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME IN ('general_log', 'slow_log') ORDER BY 1",
    'SELECT COUNT(*) FROM mysql.slow_log',
    'CREATE TABLE IF NOT EXISTS mysql.general_log (a INT)',
    'CREATE TABLE mysql.slow_log (a INT)',
    'DROP DATABASE dumped',
  );
  list.add('CREATE existing table', ['CREATE TABLE m (a INT)'], 'CREATE TABLE m (a INT)');
  list.add(
    'CREATE IF NOT EXISTS warning',
    ['CREATE TABLE m (a INT)'],
    'CREATE TABLE IF NOT EXISTS m (a INT)',
  );
  list.add('DROP IF EXISTS warning', [], 'DROP TABLE IF EXISTS nope');
  list.add('DROP missing', [], 'DROP TABLE nope');
  list.add('duplicate column', [], 'CREATE TABLE m (a INT, a INT)');
  list.add('unknown type', [], 'CREATE TABLE m (a NOTATYPE)');
  list.add('VARCHAR too long', [], 'CREATE TABLE m (a VARCHAR(70000))');
  list.add(
    'reserved word column',
    [],
    'CREATE TABLE m (`select` INT, `order` INT)',
    'SHOW CREATE TABLE m',
  );
  list.add('long identifier', [], `CREATE TABLE m (${'c'.repeat(65)} INT)`);
  // SHOW CREATE TABLE, DESCRIBE and SHOW INDEX see the session's temporary table (1146 before),
  // which hides a table of its name until it is dropped.
  list.add(
    'SHOW and DESCRIBE of a temporary table',
    ['CREATE TABLE tp (a INT)'],
    "CREATE TEMPORARY TABLE tt (s INT PRIMARY KEY, v VARCHAR(3) NOT NULL DEFAULT 'x', KEY (v))",
    'SHOW CREATE TABLE tt',
    'DESCRIBE tt',
    'SHOW INDEX FROM tt',
    'CREATE TEMPORARY TABLE tp (b INT)',
    'DESCRIBE tp',
    'DROP TEMPORARY TABLE tp',
    'DESCRIBE tp',
  );
  // wsrep_sync_wait takes 0..15 with MariaDB's truncation warning (99 was kept), the old
  // wsrep_causal_reads sets and clears its first bit with the deprecation warning, and a SET that
  // raises warnings replaces the previous statement's (they were appended).
  list.add(
    'wsrep_sync_wait range, wsrep_causal_reads, warnings of a SET',
    [],
    'SET SESSION wsrep_sync_wait = 99',
    'SELECT @@wsrep_sync_wait',
    'SET SESSION wsrep_sync_wait = -1',
    'SHOW WARNINGS',
    'SELECT @@wsrep_sync_wait',
    'SET SESSION wsrep_sync_wait = 3',
    'SET wsrep_causal_reads = ON',
    'SELECT @@wsrep_sync_wait, @@wsrep_causal_reads',
    'SET wsrep_causal_reads = OFF',
    'SELECT @@wsrep_sync_wait, @@wsrep_causal_reads',
    'SELECT 1/0',
    'SET @b = 1',
    'SHOW WARNINGS',
    "SET GLOBAL wsrep_reject_queries = 'bogus'",
    'SELECT @@wsrep_reject_queries',
    'SELECT @@gtid_binlog_pos, @@gtid_current_pos, @@gtid_slave_pos, @@gtid_domain_id',
  );
  // A SET's expressions raise their warnings (SET @a = 1/0 gave none).
  list.add(
    'warnings of a SET of user variables',
    [],
    'SELECT 1',
    'SET @a = 1/0',
    'SHOW WARNINGS',
    "SET @b = CAST('x' AS SIGNED)",
    'SET @c = 1, @d = 1/0',
    'SHOW WARNINGS',
    'SET @e = 5',
    'SHOW WARNINGS',
  );
  // information_schema.STATISTICS says 'D' for a descending key part, as SHOW INDEX does
  // (Prisma reads it; it was 'A'), and NULL for a FULLTEXT key's.
  list.add(
    'information_schema.STATISTICS of DESC and FULLTEXT keys',
    [
      'CREATE TABLE sx (id INT PRIMARY KEY, a INT, b VARCHAR(20), KEY ka (a DESC, b), FULLTEXT KEY fb (b))',
    ],
    "SELECT INDEX_NAME, COLUMN_NAME, COLLATION, CARDINALITY, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sx' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
  );
  return list;
}
