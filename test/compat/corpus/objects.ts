// objects: views (reads, joins, writes through a one-table view, the catalog), triggers (NEW,
// OLD, SET NEW, BEGIN … END) and CREATE TABLE … SELECT / LIKE, with MariaDB's errors for each.
import { CaseList } from '../case.js';

const BASE = [
  'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), qty INT, active TINYINT DEFAULT 1)',
  "INSERT INTO t VALUES (1, 'a', 5, 1), (2, 'b', 7, 0), (3, 'c', 9, 1)",
  'CREATE TABLE u (id INT PRIMARY KEY, t_id INT, note VARCHAR(10))',
  "INSERT INTO u VALUES (10, 1, 'x'), (11, 3, 'y')",
];

const VIEWS = [
  ...BASE,
  'CREATE VIEW v AS SELECT id, name, qty FROM t WHERE active = 1',
  'CREATE VIEW vj (tid, nm, note) AS SELECT t.id, t.name, u.note FROM t JOIN u ON u.t_id = t.id',
  'CREATE VIEW vc AS SELECT COUNT(*) AS c FROM t',
];

const TRIGGERS = [
  'CREATE TABLE t (id INT PRIMARY KEY, qty INT, total INT, note VARCHAR(20))',
  'CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(50))',
  'CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.total = NEW.qty * 2',
  "CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('ins ', NEW.id))",
  "CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN SET NEW.total = NEW.qty * 3; SET NEW.note = 'upd'; END",
  "CREATE TRIGGER t_ad AFTER DELETE ON t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('del ', OLD.id))",
];

const SOURCE = [
  "CREATE TABLE src (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', price DECIMAL(8,2), made DATETIME)",
  "INSERT INTO src (name, price, made) VALUES ('a', 1.50, '2024-01-02 03:04:05'), ('b', 2.25, NULL)",
];

const COLUMNS = (table: string): string => `SHOW COLUMNS FROM ${table}`;

export function objectCases(): CaseList {
  const list = new CaseList('objects');
  list.selects(VIEWS, [
    'SELECT * FROM v ORDER BY id',
    'SELECT * FROM vj ORDER BY tid',
    'SELECT v.name, u.note FROM v JOIN u ON u.t_id = v.id WHERE v.qty > 6',
    'SELECT COUNT(*), MAX(qty) FROM v',
    'SELECT * FROM vc',
    'SELECT name FROM v WHERE id IN (SELECT t_id FROM u) ORDER BY name',
    'SHOW FULL TABLES',
    'SELECT table_name, table_type, engine, table_rows, table_comment FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
    'SELECT table_name, check_option, security_type, algorithm FROM information_schema.views WHERE table_schema = DATABASE() ORDER BY table_name',
  ]);
  // A trigger's DECIMAL arithmetic is exact, as a statement's (it was a double's: 0.1 + 0.2 added
  // to a DECIMAL(20,18) total stored 0.300000000000000040; an order's 3 * 28.0550 gave 84.16).
  list.add(
    'DECIMAL arithmetic in a trigger',
    [
      'CREATE TABLE tot (id INT PRIMARY KEY, total DECIMAL(20,18) NOT NULL DEFAULT 0)',
      'CREATE TABLE itm (id INT PRIMARY KEY, oid INT, a DECIMAL(10,4), b DECIMAL(10,4))',
      'CREATE TRIGGER itm_ai AFTER INSERT ON itm FOR EACH ROW UPDATE tot SET total = total + NEW.a + NEW.b WHERE id = NEW.oid',
      'CREATE TRIGGER itm_bu BEFORE UPDATE ON itm FOR EACH ROW SET NEW.b = NEW.a * 3',
      'INSERT INTO tot (id) VALUES (1)',
    ],
    'INSERT INTO itm VALUES (1, 1, 0.1, 0.2)',
    'SELECT total FROM tot',
    'UPDATE itm SET a = 0.7 WHERE id = 1',
    'SELECT b FROM itm',
  );
  list.add(
    'insert, update, delete through a view',
    VIEWS,
    'CREATE VIEW w AS SELECT id, name FROM t',
    "INSERT INTO w (id, name) VALUES (4, 'd')",
    "UPDATE w SET name = 'bb' WHERE id = 2",
    "UPDATE v SET name = 'zz' WHERE id = 2",
    'DELETE FROM v WHERE id = 3',
    'SELECT * FROM t ORDER BY id',
  );
  list.add(
    'a view as a multi-table UPDATE target',
    VIEWS,
    'UPDATE v JOIN u ON u.t_id = v.id SET v.qty = v.qty + 1, v.name = CONCAT(v.name, u.note)',
    'UPDATE u JOIN v ON v.id = u.t_id SET u.note = v.name WHERE v.qty > 6',
    'SELECT * FROM t ORDER BY id',
    'SELECT * FROM u ORDER BY id',
  );
  list.add(
    'a renamed view column in a multi-table UPDATE and DELETE',
    [...VIEWS, 'CREATE VIEW vr (k, amount) AS SELECT id, qty FROM t WHERE qty > 5'],
    'UPDATE vr, u SET vr.amount = vr.amount * 10 WHERE u.t_id = vr.k',
    'DELETE vr FROM vr JOIN u ON u.t_id = vr.k WHERE vr.amount > 80',
    'SELECT * FROM t ORDER BY id',
  );
  list.add(
    'views that cannot be written',
    VIEWS,
    'INSERT INTO vc VALUES (1)',
    'UPDATE vc SET c = 1',
    'DELETE FROM vc',
  );
  list.add(
    'replace and alter a view',
    VIEWS,
    'CREATE VIEW v AS SELECT 1',
    'CREATE OR REPLACE VIEW v AS SELECT id, name, qty, active FROM t WHERE active = 1',
    'SELECT * FROM v ORDER BY id',
    'ALTER VIEW v AS SELECT id, name FROM t',
    'SELECT * FROM v ORDER BY id',
  );
  list.add(
    'bad views',
    VIEWS,
    'CREATE VIEW v4 AS SELECT id, id FROM t',
    'CREATE VIEW v5 (a) AS SELECT id, name FROM t',
    'CREATE VIEW v6 AS SELECT * FROM nosuch',
    'CREATE TABLE vj (a INT)',
    'DROP TABLE vj',
    'DROP VIEW t',
    'SHOW CREATE VIEW t',
    'DROP VIEW nosuch',
    'DROP VIEW IF EXISTS nosuch',
    'DROP VIEW IF EXISTS t',
    'DROP VIEW v, vj',
    'SHOW FULL TABLES',
  );
  list.add(
    'triggers fire on insert, update and delete',
    TRIGGERS,
    'INSERT INTO t (id, qty) VALUES (1, 5), (2, 7)',
    'UPDATE t SET qty = 10 WHERE id = 2',
    'DELETE FROM t WHERE id = 1',
    'SELECT * FROM t ORDER BY id',
    'SELECT * FROM audit ORDER BY id',
  );
  list.add(
    'triggers in information_schema',
    TRIGGERS,
    'SELECT trigger_name, event_manipulation, event_object_table, action_order, action_statement, action_orientation, action_timing FROM information_schema.triggers WHERE trigger_schema = DATABASE() ORDER BY trigger_name',
  );
  // Created and the definer's host differ from run to run and between the servers: the
  // statement text is compared through information_schema above, the columns' types here.
  list.add(
    'SHOW CREATE TRIGGER',
    TRIGGERS,
    { sql: 'SHOW CREATE TRIGGER t_bu', typesOnly: true },
    'SHOW CREATE TRIGGER nosuch',
    'SHOW CREATE TRIGGER nosuchdb.t_bu',
    { sql: 'SHOW TRIGGERS', typesOnly: true },
    { sql: 'SHOW PROCEDURE STATUS', typesOnly: true },
    { sql: 'SHOW FUNCTION STATUS', typesOnly: true },
    { sql: 'SHOW EVENTS', typesOnly: true },
  );
  list.add(
    'bad triggers',
    TRIGGERS,
    'CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.total = 1',
    'DROP TRIGGER nosuch',
    'DROP TRIGGER IF EXISTS nosuch',
    'CREATE TRIGGER bad AFTER INSERT ON t FOR EACH ROW SET NEW.total = 1',
    'CREATE TRIGGER bad2 BEFORE DELETE ON t FOR EACH ROW SET NEW.total = 1',
    'CREATE TRIGGER bad3 BEFORE INSERT ON nosuch FOR EACH ROW SET NEW.total = 1',
    'DROP TRIGGER t_bi',
    'INSERT INTO t (id, qty) VALUES (1, 5)',
    'SELECT * FROM t',
  );
  list.add(
    'a SET NEW that breaks NOT NULL',
    [
      'CREATE TABLE k (id INT PRIMARY KEY, v INT NOT NULL)',
      'CREATE TRIGGER k_bu BEFORE UPDATE ON k FOR EACH ROW SET NEW.v = NULL',
      'INSERT INTO k VALUES (1, 10)',
    ],
    'UPDATE k SET id = 2',
    'SELECT * FROM k',
  );
  list.add(
    'CREATE TABLE AS SELECT columns',
    SOURCE,
    'CREATE TABLE c1 AS SELECT id, name, price FROM src',
    'SELECT * FROM c1 ORDER BY id',
    COLUMNS('c1'),
  );
  list.add(
    'CREATE TABLE with its own columns and SELECT',
    SOURCE,
    'CREATE TABLE c3 (extra INT DEFAULT 7, name VARCHAR(50)) SELECT id, name FROM src',
    'SELECT * FROM c3 ORDER BY id',
    COLUMNS('c3'),
    'CREATE TABLE c6 (PRIMARY KEY (id)) SELECT id, name FROM src',
    COLUMNS('c6'),
  );
  list.add(
    'CREATE TABLE SELECT expressions',
    SOURCE,
    "CREATE TABLE c2 SELECT id * 2 AS dbl, CONCAT(name, '!') AS bang, 1 AS one FROM src",
    'SELECT * FROM c2 ORDER BY dbl',
  );
  list.add(
    'CREATE TABLE SELECT on an existing name',
    SOURCE,
    'CREATE TABLE src AS SELECT 1',
    'CREATE TABLE IF NOT EXISTS src AS SELECT 1',
    'CREATE TABLE e AS SELECT * FROM src WHERE id > 100',
    'SELECT COUNT(*) FROM e',
  );
  list.add(
    'CREATE TABLE LIKE',
    SOURCE,
    'CREATE TABLE c4 LIKE src',
    COLUMNS('c4'),
    'SELECT COUNT(*) FROM c4',
  );
  const JOINED = [
    'CREATE TABLE ja (id INT PRIMARY KEY, x INT, name VARCHAR(10))',
    'CREATE TABLE jb (id INT PRIMARY KEY, aid INT, y INT)',
    "INSERT INTO ja VALUES (1, 10, 'one'), (2, 20, 'two'), (3, 30, 'three')",
    'INSERT INTO jb VALUES (1, 1, 100), (2, 2, 200), (3, 2, 300)',
    'CREATE VIEW jv AS SELECT ja.id, ja.x, ja.name, jb.id AS bid, jb.y FROM ja JOIN jb ON ja.id = jb.aid WHERE jb.y < 300',
  ];
  list.add(
    'UPDATE through a join view',
    JOINED,
    'UPDATE jv SET x = x + 1 WHERE y = 200',
    "UPDATE jv SET y = 7 WHERE name = 'one'",
    'UPDATE jv SET y = y + 1',
    'UPDATE jv SET x = 1 ORDER BY id LIMIT 1',
    'UPDATE jv SET x = 0 WHERE y > 150 LIMIT 1',
    'SELECT * FROM ja ORDER BY id',
    'SELECT * FROM jb ORDER BY id',
    'SELECT * FROM jv ORDER BY id, bid',
  );
  list.add(
    'a join view refuses what it cannot do',
    JOINED,
    'UPDATE jv SET x = 5, y = 5',
    'DELETE FROM jv WHERE id = 1',
    "INSERT INTO jv VALUES (9, 9, 'nine', 9, 9)",
    'INSERT INTO jv (x, y) VALUES (1, 2)',
    'CREATE VIEW jc AS SELECT ja.id, CONCAT(ja.name, jb.y) AS label, jb.y FROM ja, jb WHERE ja.id = jb.aid',
    "UPDATE jc SET label = 'x'",
    'CREATE VIEW js AS SELECT ja.id, COUNT(*) AS n FROM ja JOIN jb ON ja.id = jb.aid GROUP BY ja.id',
    'UPDATE js SET id = 5',
    'SELECT * FROM ja ORDER BY id',
    'SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
  );
  list.add(
    'INSERT through a join view goes to one base table',
    JOINED,
    "INSERT INTO jv (id, x, name) VALUES (4, 40, 'four')",
    'INSERT INTO jv (bid, y) VALUES (8, 800)',
    'SELECT * FROM ja ORDER BY id',
    'SELECT * FROM jb ORDER BY id',
  );
  list.add(
    'a view of * over USING and NATURAL joins',
    [
      ...JOINED,
      'CREATE TABLE jc (id INT PRIMARY KEY, z INT)',
      'INSERT INTO jc VALUES (1, 5), (3, 6)',
    ],
    'CREATE VIEW ju AS SELECT * FROM ja JOIN jc USING (id)',
    'CREATE VIEW jn AS SELECT * FROM jc NATURAL JOIN ja',
    'SELECT * FROM ju ORDER BY id',
    'SELECT * FROM jn ORDER BY id',
    'UPDATE ju SET x = 99 WHERE z = 6',
    'UPDATE ju SET z = z + 1',
    'SELECT * FROM ja ORDER BY id',
    'SELECT * FROM jc ORDER BY id',
  );
  // A trigger may name a table made later (mariadb-dump's order): the statements that fire it
  // fail with 1146 until the table exists, then it works (it was 1146 at CREATE TRIGGER).
  list.add(
    'a trigger that names a table made later',
    ['CREATE TABLE wa (id INT PRIMARY KEY)'],
    'CREATE TRIGGER wa_ai AFTER INSERT ON wa FOR EACH ROW INSERT INTO wb VALUES (NEW.id * 10)',
    'INSERT INTO wa VALUES (1)',
    'ALTER TABLE wa ADD COLUMN v INT',
    'INSERT INTO wa (id) VALUES (2)',
    'CREATE TABLE wb (x INT)',
    'INSERT INTO wa (id) VALUES (3)',
    'SELECT * FROM wa ORDER BY id',
    'SELECT * FROM wb',
    'DROP TABLE wb',
    'INSERT INTO wa (id) VALUES (4)',
    'CREATE TABLE wb (z INT, y INT)',
    'INSERT INTO wa (id) VALUES (5)',
    'SELECT * FROM wb',
    'SELECT id FROM wa ORDER BY id',
  );
  // CREATE OR REPLACE TABLE … SELECT (it was 1235): a query that reads the table is 1093 and
  // one whose names do not resolve leaves the old table.
  list.add(
    'CREATE OR REPLACE TABLE … SELECT',
    ['CREATE TABLE rs (id INT PRIMARY KEY, v INT)', 'INSERT INTO rs VALUES (1, 10), (2, 20)'],
    'CREATE OR REPLACE TABLE rt SELECT id, v * 2 AS w FROM rs',
    'SELECT * FROM rt ORDER BY id',
    'CREATE OR REPLACE TABLE rt SELECT id FROM rs WHERE id > 1',
    'SELECT * FROM rt',
    'CREATE OR REPLACE TABLE rt SELECT * FROM rt',
    'CREATE OR REPLACE TABLE rt SELECT nosuch FROM rs',
    'SELECT * FROM rt',
    'CREATE OR REPLACE TABLE rt (x INT) SELECT 5 AS x',
    'SELECT * FROM rt',
  );
  return list;
}
