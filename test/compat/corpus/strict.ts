// strict: values a column cannot hold, under the default sql_mode (STRICT_TRANS_TABLES: an
// error), with sql_mode='' (MySQL's adjusted value and a warning), through INSERT, INSERT IGNORE
// and UPDATE; and the other sql_mode flags apps meet.
import { CaseList } from '../case.js';

const BAD: readonly (readonly [string, string])[] = [
  ['VARCHAR(3)', "'abcd'"],
  ['CHAR(3)', "'abcd'"],
  ['VARCHAR(3)', "'ab   '"],
  ['VARBINARY(2)', "'abc'"],
  ['INT', '2147483648'],
  ['INT', '-2147483649'],
  ['INT', "'abc'"],
  ['INT', "'12abc'"],
  ['INT', "''"],
  ['INT', "' 12'"],
  ['INT', "'1e3'"],
  ['TINYINT', '300'],
  ['TINYINT UNSIGNED', '-1'],
  ['INT UNSIGNED', '-5'],
  ['BIGINT', "'9223372036854775808'"],
  ['BIGINT UNSIGNED', '-1'],
  ['SMALLINT', "'-32769'"],
  ["ENUM('free','pro')", "'gold'"],
  ["ENUM('free','pro')", "''"],
  ["ENUM('free','pro')", '3'],
  ["SET('a','b')", "'c'"],
  ["SET('a','b')", "'a,c'"],
  ['DATE', "'2023-02-29'"],
  ['DATE', "'not a date'"],
  ['DATE', "'2024-00-10'"],
  ['DATE', "'2024-13-01'"],
  ['DATE', "'0000-00-00'"],
  ['DATETIME NOT NULL', "'not a date'"],
  ['DATETIME', "'2024-01-01 25:00:00'"],
  ['TIME', "'25:61:00'"],
  ['YEAR', '1800'],
  ['DECIMAL(5,2)', '12345.678'],
  ['DECIMAL(5,2)', "'1.2.3'"],
  ['DECIMAL(5,2)', '1.005'],
  ['DECIMAL(5,2)', "'abc'"],
  ['DOUBLE', "'1e400'"],
  ['FLOAT', "'x'"],
  ['BIT(2)', '8'],
  ['INT NOT NULL', 'NULL'],
  ['VARCHAR(3) NOT NULL', 'NULL'],
  ['JSON', "'not json'"],
  ['JSON', '\'{"a":}\''],
];

const MODES: readonly (readonly [string, readonly string[]])[] = [
  ['strict', []],
  ['lax', ["SET SESSION sql_mode = ''"]],
];

export function strictCases(): CaseList {
  const list = new CaseList('strict');
  for (const [mode, modeSetup] of MODES) {
    for (const [type, value] of BAD) {
      list.add(
        `${mode} INSERT ${type} <- ${value}`,
        [...modeSetup, `CREATE TABLE t (c ${type})`],
        `INSERT INTO t VALUES (${value})`,
        'SELECT c, c IS NULL FROM t',
      );
      list.add(
        `${mode} UPDATE ${type} <- ${value}`,
        [
          ...modeSetup,
          `CREATE TABLE t (id INT PRIMARY KEY, c ${type})`,
          'INSERT INTO t (id) VALUES (1)',
        ],
        `UPDATE t SET c = ${value} WHERE id = 1`,
        'SELECT c FROM t',
      );
    }
  }
  for (const [type, value] of BAD) {
    list.add(
      `INSERT IGNORE ${type} <- ${value}`,
      [`CREATE TABLE t (c ${type})`],
      `INSERT IGNORE INTO t VALUES (${value})`,
      'SELECT c FROM t',
    );
  }
  const none = ["SET SESSION sql_mode = ''"];
  const strictAll = ["SET SESSION sql_mode = 'STRICT_ALL_TABLES'"];
  const traditional = ["SET SESSION sql_mode = 'TRADITIONAL'"];
  list.selects(
    [],
    [
      'SELECT @@sql_mode',
      'SELECT @@SESSION.sql_mode = @@GLOBAL.sql_mode',
      'SELECT 1/0',
      'SELECT 1 DIV 0',
      'SELECT 5 MOD 0',
      "SELECT 'abc' + 1",
      "SELECT CAST('12abc' AS SIGNED)",
      "SELECT CAST('abc' AS DECIMAL(5,2))",
      "SELECT DATE('2023-02-30')",
      "SELECT '2024-02-30' + INTERVAL 1 DAY",
    ],
  );
  list.add('division by zero in INSERT', ['CREATE TABLE t (c INT)'], 'INSERT INTO t VALUES (1/0)');
  // Expression warnings (1292, 1365) through a table read, a strict write and the modes.
  const rows = ['CREATE TABLE t (a INT, s VARCHAR(10))', "INSERT INTO t VALUES (1, 'x'), (2, '2')"];
  list.add('string read as a number in a table read', rows, "SELECT a + '1x' FROM t ORDER BY a");
  list.add('division by zero in a table read', rows, 'SELECT a / (a - 1) FROM t ORDER BY a');
  list.add(
    'division by zero in UPDATE',
    rows,
    'UPDATE t SET a = a / 0',
    'SELECT a FROM t ORDER BY s',
  );
  list.add('string read as a number in UPDATE', rows, "UPDATE t SET a = a + '1x'");
  list.add('string compared with 0 in DELETE', rows, "DELETE FROM t WHERE a > 1 AND 'x' = 0");
  list.add('division by zero in INSERT IGNORE', rows, 'INSERT IGNORE INTO t VALUES (1/0, 5 MOD 0)');
  list.add(
    'lax string as a number in INSERT',
    [...none, ...rows],
    "INSERT INTO t VALUES ('3x' + 1, 'y')",
  );
  list.add('no division warning without its mode', none, 'SELECT 1/0, LN(0)');
  // A text column against a number compares as numbers, with 1292 for each value that is not one.
  list.add('text column compared with a number', rows, 'SELECT a FROM t WHERE s = 2');
  list.add('text column compared with 0 in UPDATE', rows, 'UPDATE t SET a = 5 WHERE s = 0');
  list.add('text column compared with 0 in DELETE', rows, 'DELETE FROM t WHERE s = 0');
  list.add('text column compared lax', [...none, ...rows], 'UPDATE t SET a = 5 WHERE t.s = 0');
  list.add('logarithm bases', [], 'SELECT LOG2(0), LOG10(-1), LOG(1, 2), LOG(2, 8)');
  list.add(
    'lax division by zero',
    [...none, 'CREATE TABLE t (c INT)'],
    'INSERT INTO t VALUES (1/0)',
    'SELECT c FROM t',
  );
  list.add(
    'STRICT_ALL_TABLES multi-row',
    [...strictAll, 'CREATE TABLE t (c TINYINT)'],
    'INSERT INTO t VALUES (1), (1000)',
    'SELECT c FROM t',
  );
  list.add(
    'strict multi-row',
    ['CREATE TABLE t (c TINYINT)'],
    'INSERT INTO t VALUES (1), (1000)',
    'SELECT c FROM t',
  );
  list.add(
    'lax multi-row',
    [...none, 'CREATE TABLE t (c TINYINT)'],
    'INSERT INTO t VALUES (1), (1000), (-1000)',
    'SELECT c FROM t',
  );
  list.add(
    'TRADITIONAL zero date',
    [...traditional, 'CREATE TABLE t (d DATE)'],
    "INSERT INTO t VALUES ('0000-00-00')",
    'SELECT d FROM t',
  );
  list.add(
    'TRADITIONAL zero in date',
    [...traditional, 'CREATE TABLE t (d DATE)'],
    "INSERT INTO t VALUES ('2024-00-01')",
    'SELECT d FROM t',
  );
  list.add(
    'NO_ZERO_DATE alone',
    ["SET SESSION sql_mode = 'NO_ZERO_DATE'", 'CREATE TABLE t (d DATE)'],
    "INSERT INTO t VALUES ('0000-00-00')",
    'SELECT d FROM t',
  );
  list.add('PIPES_AS_CONCAT', ["SET SESSION sql_mode = 'PIPES_AS_CONCAT'"], "SELECT 'a' || 'b'");
  list.add(
    'ANSI_QUOTES',
    ["SET SESSION sql_mode = 'ANSI_QUOTES'", 'CREATE TABLE t (c INT)', 'INSERT INTO t VALUES (3)'],
    'SELECT "c" FROM t',
  );
  list.add(
    'default double quotes',
    ['CREATE TABLE t (c INT)', 'INSERT INTO t VALUES (3)'],
    'SELECT "c" FROM t',
  );
  list.add(
    'NO_BACKSLASH_ESCAPES',
    ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'"],
    "SELECT 'a\\nb', LENGTH('a\\nb')",
  );
  list.add('backslash escapes', [], "SELECT 'a\\nb', LENGTH('a\\nb'), 'it''s', 'x\\'y'");
  list.add(
    'ONLY_FULL_GROUP_BY',
    [
      "SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY'",
      'CREATE TABLE t (a INT, b INT)',
      'INSERT INTO t VALUES (1, 2)',
    ],
    'SELECT a, b FROM t GROUP BY a',
  );
  list.add(
    'default GROUP BY',
    ['CREATE TABLE t (a INT, b INT)', 'INSERT INTO t VALUES (1, 2)'],
    'SELECT a, b FROM t GROUP BY a',
  );
  list.add(
    'NO_UNSIGNED_SUBTRACTION',
    ["SET SESSION sql_mode = 'NO_UNSIGNED_SUBTRACTION'"],
    'SELECT CAST(1 AS UNSIGNED) - 2',
  );
  list.add('unsigned subtraction', [], 'SELECT CAST(1 AS UNSIGNED) - 2');
  list.add(
    'HIGH_NOT_PRECEDENCE',
    ["SET SESSION sql_mode = 'HIGH_NOT_PRECEDENCE'"],
    'SELECT NOT 1 BETWEEN -5 AND 5',
  );
  list.add('NOT precedence', [], 'SELECT NOT 1 BETWEEN -5 AND 5');
  list.add('set bad sql_mode', [], "SET SESSION sql_mode = 'NOT_A_MODE'");
  list.add('sql_mode round trip', [], "SET SESSION sql_mode = 'ANSI'", 'SELECT @@SESSION.sql_mode');
  list.add(
    'sql_mode TRADITIONAL expands',
    [],
    "SET SESSION sql_mode = 'TRADITIONAL'",
    'SELECT @@SESSION.sql_mode',
  );
  list.add(
    'lax truncation warning count',
    [...none, 'CREATE TABLE t (c VARCHAR(2))'],
    "INSERT INTO t VALUES ('abc'), ('defg'), ('h')",
    'SELECT @@warning_count',
    'SELECT c FROM t',
  );
  list.add(
    'strict UPDATE all rows',
    ['CREATE TABLE t (c TINYINT)', 'INSERT INTO t VALUES (100), (120)'],
    'UPDATE t SET c = c + 10',
    'SELECT c FROM t',
  );
  list.add(
    'UPDATE IGNORE',
    ['CREATE TABLE t (c TINYINT)', 'INSERT INTO t VALUES (100), (120)'],
    'UPDATE IGNORE t SET c = c + 10',
    'SELECT c FROM t',
  );
  list.add(
    'default NOT NULL column omitted',
    ['CREATE TABLE t (a INT, b INT NOT NULL)'],
    'INSERT INTO t (a) VALUES (1)',
    'SELECT a, b FROM t',
  );
  list.add(
    'lax NOT NULL column omitted',
    [...none, 'CREATE TABLE t (a INT, b INT NOT NULL)'],
    'INSERT INTO t (a) VALUES (1)',
    'SELECT a, b FROM t',
  );
  list.add(
    'lax NULL into NOT NULL multi-row',
    [...none, 'CREATE TABLE t (a INT NOT NULL, s VARCHAR(3) NOT NULL)'],
    'INSERT INTO t VALUES (1, NULL), (NULL, NULL)',
    'SELECT a, s FROM t',
  );
  const fullGroupBy = [
    "SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY'",
    'CREATE TABLE t (a INT, b INT)',
    'INSERT INTO t VALUES (1, 2), (1, 3), (2, 4)',
  ];
  list.add(
    'ONLY_FULL_GROUP_BY grouped forms',
    fullGroupBy,
    'SELECT a AS x, COUNT(*), SUM(b) FROM t GROUP BY x ORDER BY x',
    'SELECT a + 1, MAX(b) FROM t GROUP BY a + 1 ORDER BY 1',
    'SELECT t.a, MIN(b) FROM t GROUP BY a ORDER BY 1',
    'SELECT COUNT(*), MAX(b) FROM t',
  );
  list.add(
    'ONLY_FULL_GROUP_BY column beside an aggregate',
    fullGroupBy,
    'SELECT a, COUNT(*) FROM t',
  );
  list.add('ONLY_FULL_GROUP_BY in an expression', fullGroupBy, 'SELECT a, b + 1 FROM t GROUP BY a');
  list.add(
    'PIPES_AS_CONCAT precedence and columns',
    [
      "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
      'CREATE TABLE t (a VARCHAR(5), n INT)',
      "INSERT INTO t VALUES ('x', 1)",
    ],
    "SELECT a || n || 'z', 1 ^ 2 || 3, a || NULL, 'p' || 'q' = 'pq' FROM t",
  );
  list.add(
    'ANSI mode reads quotes and pipes',
    ["SET SESSION sql_mode = 'ANSI'", 'CREATE TABLE t (c INT)', 'INSERT INTO t VALUES (3)'],
    'SELECT "c" || \'x\', "t"."c" FROM "t"',
  );
  list.add(
    'HIGH_NOT_PRECEDENCE comparisons',
    ["SET SESSION sql_mode = 'HIGH_NOT_PRECEDENCE'"],
    'SELECT NOT 0 = 1, NOT 2 IN (0, 1), 1 NOT IN (2), NOT NULL IS NULL',
  );
  list.add(
    'NO_BACKSLASH_ESCAPES in LIKE and quotes',
    ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'"],
    "SELECT 'a\\' = CONCAT('a', CHAR(92)), 'it''s', 'a%' LIKE 'a\\%'",
  );
  list.add('ONLY_FULL_GROUP_BY star', fullGroupBy, 'SELECT * FROM t GROUP BY a');
  list.add(
    'ONLY_FULL_GROUP_BY star of grouped columns',
    fullGroupBy,
    'SELECT t.* FROM t GROUP BY a, b ORDER BY a, b',
  );
  list.add('ONLY_FULL_GROUP_BY in ORDER BY', fullGroupBy, 'SELECT a FROM t GROUP BY a ORDER BY b');
  list.add('ONLY_FULL_GROUP_BY in HAVING', fullGroupBy, 'SELECT a FROM t GROUP BY a HAVING b > 0');
  list.add(
    'ONLY_FULL_GROUP_BY in a subquery',
    fullGroupBy,
    'SELECT (SELECT b FROM t GROUP BY a LIMIT 1)',
  );
  list.add(
    'ONLY_FULL_GROUP_BY star over a derived table, a CTE and a view',
    [...fullGroupBy, 'CREATE VIEW v AS SELECT a, b FROM t'],
    'SELECT * FROM (SELECT a, b FROM t) d GROUP BY a',
    'WITH c AS (SELECT a FROM t) SELECT * FROM c GROUP BY a ORDER BY a',
    'SELECT * FROM v GROUP BY a',
    'SELECT a, b FROM (SELECT a, b FROM t) d GROUP BY a',
    'WITH c AS (SELECT a, b FROM t) SELECT a, c.b FROM c GROUP BY a',
    'SELECT a, b FROM v GROUP BY a',
  );
  // Narrowing a column under values it cannot hold is refused in strict mode (the values stayed,
  // 300 in a TINYINT).
  list.add(
    'strict ALTER MODIFY to a type too narrow for the rows',
    [
      'CREATE TABLE nw (id INT PRIMARY KEY, v INT, s VARCHAR(20), u INT)',
      "INSERT INTO nw VALUES (1, 5, 'ab', 3), (2, 300, 'abcdefghij', -1), (3, -200, 'x', 2)",
    ],
    'ALTER TABLE nw MODIFY v TINYINT',
    'ALTER TABLE nw MODIFY s VARCHAR(5)',
    'ALTER TABLE nw CHANGE s s2 VARCHAR(3)',
    'ALTER TABLE nw MODIFY u INT UNSIGNED',
    'ALTER TABLE nw MODIFY v TINYINT UNSIGNED',
    'SELECT * FROM nw ORDER BY id',
  );
  // A text column read as a number warns 1292 for what is not one, so a strict UPDATE refuses
  // `SET qty = qty + note` over 'abc' (it wrote qty + 0); -note is a DOUBLE (it was a string).
  list.add(
    'text columns in arithmetic',
    [
      'CREATE TABLE tn (id INT PRIMARY KEY, qty INT, note VARCHAR(10))',
      "INSERT INTO tn VALUES (1, 5, 'abc'), (2, 3, '7x'), (3, 1, '12')",
    ],
    'SELECT id, note + 0, CAST(note AS SIGNED), note * 2, -note, note + qty FROM tn ORDER BY id',
    'UPDATE tn SET qty = qty + note WHERE id = 3',
    'UPDATE tn SET qty = qty + note WHERE id = 1',
    'INSERT INTO tn SELECT 4, note * 2, note FROM tn WHERE id = 2',
    'SELECT * FROM tn ORDER BY id',
  );
  // An ENUM NOT NULL without a DEFAULT takes its first member when a row gives it no value, in
  // strict mode too (it was 1364, and a 1364 warning outside strict mode).
  list.add(
    'ENUM NOT NULL without a DEFAULT',
    ["CREATE TABLE en (id INT PRIMARY KEY, e ENUM('p','q') NOT NULL, n ENUM('a','b'))"],
    'INSERT INTO en (id) VALUES (1)',
    "SET sql_mode = ''",
    'INSERT INTO en (id) VALUES (2)',
    'SELECT * FROM en ORDER BY id',
  );
  return list;
}
