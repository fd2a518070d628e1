// constraints: keys, NOT NULL, DEFAULT, CHECK, foreign keys (actions, checks on DROP, TRUNCATE,
// ADD FOREIGN KEY, FOREIGN_KEY_CHECKS=0) and the error codes of each violation.
import { CaseList } from '../case.js';

const PARENT = 'CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10))';
const PARENT_ROWS = "INSERT INTO parent VALUES (1, 'a'), (2, 'b')";
const ACTIONS = [
  '',
  ' ON DELETE CASCADE',
  ' ON DELETE SET NULL',
  ' ON UPDATE CASCADE',
  ' ON DELETE RESTRICT',
  ' ON UPDATE SET NULL',
  ' ON DELETE NO ACTION',
];
const ON_FK = [
  'INSERT INTO child VALUES (10, 1)',
  'INSERT INTO child VALUES (11, 3)',
  'INSERT INTO child VALUES (12, NULL)',
  'DELETE FROM parent WHERE id = 1',
  'DELETE FROM parent WHERE id = 2',
  'UPDATE parent SET id = 5 WHERE id = 1',
  "UPDATE parent SET name = 'c' WHERE id = 1",
  'UPDATE child SET pid = 3',
  'UPDATE child SET pid = 2',
  'DELETE FROM child',
  'DROP TABLE parent',
  'TRUNCATE TABLE parent',
  'DELETE FROM parent',
  "REPLACE INTO parent VALUES (1, 'z')",
];

const CHECKS: readonly (readonly [string, readonly string[]])[] = [
  [
    'CREATE TABLE c (v INT CHECK (v > 0))',
    ['INSERT INTO c VALUES (1)', 'INSERT INTO c VALUES (0)', 'INSERT INTO c VALUES (NULL)'],
  ],
  [
    'CREATE TABLE c (v INT, w INT, CONSTRAINT vw CHECK (v < w))',
    [
      'INSERT INTO c VALUES (1, 2)',
      'INSERT INTO c VALUES (2, 1)',
      'INSERT INTO c VALUES (1, NULL)',
    ],
  ],
  [
    "CREATE TABLE c (s VARCHAR(10) CHECK (s IN ('a', 'b')))",
    ["INSERT INTO c VALUES ('a')", "INSERT INTO c VALUES ('c')", "INSERT INTO c VALUES ('A')"],
  ],
  [
    'CREATE TABLE c (v INT CHECK (v BETWEEN 1 AND 10))',
    ['INSERT INTO c VALUES (10)', 'INSERT INTO c VALUES (11)'],
  ],
  [
    'CREATE TABLE c (j TEXT CHECK (JSON_VALID(j)))',
    ["INSERT INTO c VALUES ('{}')", "INSERT INTO c VALUES ('x')"],
  ],
];

export function constraintCases(): CaseList {
  const list = new CaseList('constraints');
  for (const action of ACTIONS) {
    const child = `CREATE TABLE child (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES parent (id)${action})`;
    for (const sql of ON_FK) {
      list.add(
        `${action.trim() || 'plain'}: ${sql}`,
        [PARENT, PARENT_ROWS, child, 'INSERT INTO child VALUES (1, 1)'],
        sql,
        'SELECT * FROM child ORDER BY id',
        'SELECT id FROM parent ORDER BY id',
      );
    }
  }
  const child =
    'CREATE TABLE child (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES parent (id))';
  const fkOff = 'SET FOREIGN_KEY_CHECKS = 0';
  for (const sql of ON_FK) {
    list.add(
      `checks off: ${sql}`,
      [PARENT, PARENT_ROWS, child, 'INSERT INTO child VALUES (1, 1)', fkOff],
      sql,
      'SELECT * FROM child ORDER BY id',
    );
  }
  list.add(
    'ADD FOREIGN KEY with orphan',
    [
      PARENT,
      PARENT_ROWS,
      'CREATE TABLE child (id INT PRIMARY KEY, pid INT)',
      'INSERT INTO child VALUES (1, 9)',
    ],
    'ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent (id)',
  );
  list.add(
    'ADD FOREIGN KEY valid',
    [
      PARENT,
      PARENT_ROWS,
      'CREATE TABLE child (id INT PRIMARY KEY, pid INT)',
      'INSERT INTO child VALUES (1, 1)',
    ],
    'ALTER TABLE child ADD CONSTRAINT fk1 FOREIGN KEY (pid) REFERENCES parent (id)',
    'INSERT INTO child VALUES (2, 9)',
  );
  // Django adds its foreign keys after CREATE TABLE: InnoDB indexes each one that no index
  // starts with, names unnamed ones after the highest <table>_ibfk_<n>, prints them by name.
  list.add(
    'ADD FOREIGN KEY adds its index',
    [
      PARENT,
      'CREATE TABLE child (id INT PRIMARY KEY, a INT, b INT, c INT, d INT, KEY kc (c, a), CONSTRAINT zz FOREIGN KEY (b) REFERENCES parent (id), FOREIGN KEY (a) REFERENCES parent (id))',
    ],
    'ALTER TABLE child ADD CONSTRAINT fk_d FOREIGN KEY (d) REFERENCES parent (id), ADD FOREIGN KEY (c) REFERENCES parent (id)',
    'ALTER TABLE child ADD FOREIGN KEY (id) REFERENCES parent (id)',
    'SHOW CREATE TABLE child',
    "SELECT index_name, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'child' ORDER BY index_name, seq_in_index",
  );
  list.add(
    'ADD FOREIGN KEY adds its named index',
    [PARENT, 'CREATE TABLE child (id INT PRIMARY KEY, pid INT, qid INT, KEY (qid))'],
    'ALTER TABLE child ADD CONSTRAINT child_pid_fk FOREIGN KEY (pid) REFERENCES parent (id)',
    'SHOW CREATE TABLE child',
    'DESCRIBE child',
  );
  list.add(
    'ADD FOREIGN KEY checks off',
    [
      PARENT,
      'CREATE TABLE child (id INT PRIMARY KEY, pid INT)',
      'INSERT INTO child VALUES (1, 9)',
      fkOff,
    ],
    'ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent (id)',
    'SELECT pid FROM child',
  );
  list.add(
    'FK to missing table',
    [],
    'CREATE TABLE child (id INT, pid INT, FOREIGN KEY (pid) REFERENCES nowhere (id))',
  );
  list.add(
    'FK to missing table checks off',
    [fkOff],
    'CREATE TABLE child (id INT, pid INT, FOREIGN KEY (pid) REFERENCES nowhere (id))',
    'INSERT INTO child VALUES (1, 1)',
  );
  list.add(
    'FK type mismatch',
    [PARENT],
    'CREATE TABLE child (id INT, pid VARCHAR(5), FOREIGN KEY (pid) REFERENCES parent (id))',
  );
  list.add(
    'FK to non-key column',
    [PARENT],
    'CREATE TABLE child (id INT, pname VARCHAR(10), FOREIGN KEY (pname) REFERENCES parent (name))',
  );
  list.add('DROP child then parent', [PARENT, child], 'DROP TABLE child', 'DROP TABLE parent');
  list.add('DROP both in one statement', [PARENT, child], 'DROP TABLE parent, child');
  list.add(
    'self-referencing FK',
    [
      'CREATE TABLE node (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES node (id) ON DELETE CASCADE)',
      'INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2)',
    ],
    'DELETE FROM node WHERE id = 1',
    'SELECT COUNT(*) FROM node',
  );
  list.add(
    'FK in information_schema',
    [
      PARENT,
      'CREATE TABLE child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE)',
    ],
    'SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()',
  );
  list.add(
    'KEY_COLUMN_USAGE',
    [
      PARENT,
      'CREATE TABLE child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES parent (id))',
    ],
    "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'child' ORDER BY CONSTRAINT_NAME",
  );
  for (const [create, inserts] of CHECKS) {
    for (const sql of inserts)
      list.add(`${create}: ${sql}`, [create], sql, 'SELECT COUNT(*) FROM c');
  }
  list.add(
    'CHECK on UPDATE',
    ['CREATE TABLE c (v INT CHECK (v > 0))', 'INSERT INTO c VALUES (5)'],
    'UPDATE c SET v = v - 10',
    'SELECT v FROM c',
  );
  list.add(
    'CHECK with IGNORE',
    ['CREATE TABLE c (v INT CHECK (v > 0))'],
    'INSERT IGNORE INTO c VALUES (-1), (1)',
    'SELECT v FROM c',
  );
  list.add(
    'ADD CHECK with bad row',
    ['CREATE TABLE c (v INT)', 'INSERT INTO c VALUES (-1)'],
    'ALTER TABLE c ADD CONSTRAINT pos CHECK (v > 0)',
  );
  list.add(
    'DROP CHECK',
    ['CREATE TABLE c (v INT, CONSTRAINT pos CHECK (v > 0))'],
    'ALTER TABLE c DROP CONSTRAINT pos',
    'INSERT INTO c VALUES (-1)',
  );
  list.add(
    'CHECK in information_schema',
    ['CREATE TABLE c (v INT, CONSTRAINT pos CHECK (v > 0))'],
    'SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()',
  );
  const keys =
    'CREATE TABLE k (id INT PRIMARY KEY, email VARCHAR(20) UNIQUE, a INT, b INT, n INT NOT NULL DEFAULT 3, UNIQUE KEY ab (a, b))';
  const keyRows = "INSERT INTO k VALUES (1, 'x@y', 1, 1, 1)";
  for (const sql of [
    "INSERT INTO k VALUES (1, 'new', 2, 2, 1)",
    "INSERT INTO k VALUES (2, 'x@y', 2, 2, 1)",
    "INSERT INTO k VALUES (2, 'X@Y', 2, 2, 1)",
    "INSERT INTO k VALUES (2, 'z', 1, 1, 1)",
    "INSERT INTO k VALUES (2, 'z', 1, NULL, 1)",
    'INSERT INTO k VALUES (2, NULL, NULL, NULL, 1), (3, NULL, NULL, NULL, 1)',
    "INSERT INTO k VALUES (2, 'z', 2, 2, NULL)",
    "INSERT INTO k (id, email) VALUES (2, 'z')",
    "INSERT INTO k (email) VALUES ('q')",
    'UPDATE k SET email = NULL',
    'UPDATE k SET n = NULL',
    "INSERT INTO k VALUES (2, 'z', 2, 2, 1), (3, 'z', 3, 3, 1)",
    "INSERT IGNORE INTO k VALUES (2, 'z', 2, 2, 1), (3, 'z', 3, 3, 1)",
    "INSERT INTO k VALUES (2, 'x@y', 2, 2, 1) ON DUPLICATE KEY UPDATE n = n + 1",
    "REPLACE INTO k VALUES (2, 'x@y', 1, 1, 9)",
    'UPDATE k SET id = NULL',
    "INSERT INTO k VALUES (NULL, 'w', 5, 5, 5)",
  ]) {
    list.add(sql, [keys, keyRows], sql, 'SELECT * FROM k ORDER BY id');
  }
  list.add(
    'duplicate entry message key',
    [keys, keyRows],
    "INSERT INTO k VALUES (5, 'x@y', 7, 7, 1)",
  );
  list.add(
    'ALTER ADD UNIQUE with duplicates',
    ['CREATE TABLE d (v INT)', 'INSERT INTO d VALUES (1), (1)'],
    'ALTER TABLE d ADD UNIQUE (v)',
  );
  list.add(
    'ALTER ADD PRIMARY KEY with NULL',
    ['CREATE TABLE d (v INT)', 'INSERT INTO d VALUES (NULL)'],
    'ALTER TABLE d ADD PRIMARY KEY (v)',
  );
  list.add(
    'ALTER MODIFY NOT NULL with NULL',
    ['CREATE TABLE d (v INT)', 'INSERT INTO d VALUES (NULL)'],
    'ALTER TABLE d MODIFY v INT NOT NULL',
    'SELECT v FROM d',
  );
  list.add('two primary keys', [], 'CREATE TABLE d (a INT PRIMARY KEY, b INT PRIMARY KEY)');
  list.add(
    'two AUTO_INCREMENT',
    [],
    'CREATE TABLE d (a INT AUTO_INCREMENT, b INT AUTO_INCREMENT, KEY (a), KEY (b))',
  );
  list.add('AUTO_INCREMENT without key', [], 'CREATE TABLE d (a INT AUTO_INCREMENT)');
  list.add(
    'DEFAULT expression',
    ["CREATE TABLE d (a INT, b INT DEFAULT (a * 2), c VARCHAR(5) DEFAULT 'x')"],
    'INSERT INTO d (a) VALUES (4)',
    'SELECT a, b, c FROM d',
  );
  // A function's DEFAULT other than CURRENT_TIMESTAMP was taken for it: JSON_ARRAY() stored the
  // date and time in a JSON column, and a client reading it failed to parse it.
  list.add(
    'DEFAULT function expressions',
    [
      "CREATE TABLE d (id INT PRIMARY KEY, j JSON DEFAULT (JSON_ARRAY()), k JSON DEFAULT (JSON_OBJECT('a', 1)), s VARCHAR(9) DEFAULT (CONCAT('a', 'b')), t DATETIME DEFAULT (CURRENT_TIMESTAMP))",
    ],
    'INSERT INTO d (id) VALUES (1)',
    'ALTER TABLE d ADD COLUMN m JSON DEFAULT (JSON_ARRAY(1))',
    'INSERT INTO d (id) VALUES (2)',
    "SELECT id, j, k, s, t > '2020-01-01', m FROM d ORDER BY id",
  );
  // 4025 names the CHECK and its table; a column's CHECK is table.column. INSERT IGNORE skips a
  // row of several that fails one (a warning, and it is not a record), but not a single row.
  list.add(
    'CHECK failures name the constraint and the table; IGNORE of several rows',
    [
      'CREATE TABLE u (id INT PRIMARY KEY, price INT, CHECK (price >= 0))',
      'CREATE TABLE w (id INT PRIMARY KEY, a INT CHECK (a > 0), b INT, CONSTRAINT cc CHECK (a < 100))',
    ],
    'INSERT INTO u VALUES (1, -1)',
    'INSERT IGNORE INTO u VALUES (4, -1), (5, 1)',
    'INSERT IGNORE INTO u VALUES (8, -1), (9, -1)',
    'INSERT IGNORE INTO u VALUES (11, -1)',
    'INSERT INTO w VALUES (3, -1, 1)',
    'INSERT INTO w VALUES (3, 200, 1)',
    'UPDATE u SET price = -1',
    'SELECT * FROM u ORDER BY id',
  );
  // A generated column's value: 1906, an error in strict mode and a warning otherwise, as
  // mysqldump's files (non-strict, every column given) need.
  list.add(
    'a value for a generated column by sql_mode',
    ['CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS ((a + 1) * 2) VIRTUAL)'],
    'INSERT INTO g VALUES (1, 0, 99)',
    "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
    'INSERT INTO g VALUES (2, 0, 99), (3, 1, 7)',
    'INSERT INTO g VALUES (4, 0, DEFAULT)',
    'SELECT * FROM g ORDER BY id',
  );
  // A renamed column is renamed in the CHECKs and generated columns that name it (it was 1054).
  list.add(
    'RENAME COLUMN and CHANGE rename the column in CHECKs and generated columns',
    [
      'CREATE TABLE n (id INT, a INT, b INT AS (a * 2), c INT AS ((a + 1) * 2), CONSTRAINT ck CHECK (a < 100 AND id > 0), KEY (a))',
      'INSERT INTO n (id, a) VALUES (1, 5)',
    ],
    'ALTER TABLE n RENAME COLUMN a TO z',
    'SHOW CREATE TABLE n',
    'INSERT INTO n (id, z) VALUES (2, 200)',
    'ALTER TABLE n CHANGE z y BIGINT',
    'SHOW CREATE TABLE n',
    'SELECT * FROM n',
  );
  list.add('bad DEFAULT', [], "CREATE TABLE d (a INT DEFAULT 'x')");
  list.add('DEFAULT NULL on NOT NULL', [], 'CREATE TABLE d (a INT NOT NULL DEFAULT NULL)');
  list.add(
    'DEFAULT CURRENT_TIMESTAMP',
    ['CREATE TABLE d (a INT, t DATETIME DEFAULT CURRENT_TIMESTAMP)'],
    'INSERT INTO d (a) VALUES (1)',
    'SELECT a, t IS NOT NULL FROM d',
  );
  list.add(
    'generated column',
    ['CREATE TABLE g (a INT, b INT AS (a * 2) VIRTUAL, c INT AS (a + 1) STORED)'],
    'INSERT INTO g (a) VALUES (3)',
    'SELECT a, b, c FROM g',
  );
  list.add(
    'generated column write',
    ['CREATE TABLE g (a INT, b INT AS (a * 2))'],
    'INSERT INTO g VALUES (3, 7)',
  );
  const generated =
    "CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) VIRTUAL, c VARCHAR(20) GENERATED ALWAYS AS (concat('x', a)) STORED, d INT AS (a + 1) PERSISTENT, KEY (b))";
  list.add('generated SHOW CREATE', [generated], 'SHOW CREATE TABLE g');
  list.add('generated DESCRIBE', [generated], 'DESCRIBE g');
  list.add(
    'generated information_schema',
    [generated],
    "SELECT column_name, column_default, extra, is_generated, generation_expression FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'g' ORDER BY ordinal_position",
  );
  list.add(
    'generated DEFAULT in VALUES',
    [generated],
    'INSERT INTO g VALUES (1, 10, DEFAULT, DEFAULT, DEFAULT)',
    'SELECT * FROM g',
  );
  list.add('generated named in INSERT', [generated], 'INSERT INTO g (id, a, b) VALUES (1, 1, 2)');
  list.add(
    'generated UPDATE value',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'UPDATE g SET b = 3',
  );
  list.add(
    'generated UPDATE DEFAULT',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'UPDATE g SET b = DEFAULT, a = 11',
    'SELECT * FROM g WHERE b = 22',
  );
  list.add(
    'generated REPLACE',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'REPLACE INTO g (id, a) VALUES (1, 12)',
    'SELECT * FROM g',
  );
  list.add(
    'generated upsert',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'INSERT INTO g (id, a) VALUES (1, 0) ON DUPLICATE KEY UPDATE a = 21',
    'SELECT * FROM g',
  );
  list.add(
    'generated ADD COLUMN',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'ALTER TABLE g ADD COLUMN e INT AS (a * 3)',
    'SELECT * FROM g',
  );
  list.add(
    'generated ADD STORED and rebuild',
    [generated, 'INSERT INTO g (id, a) VALUES (1, 10)'],
    'ALTER TABLE g ADD COLUMN e INT AS (a + 5) STORED',
    'ALTER TABLE g DROP COLUMN b',
    'SELECT * FROM g',
  );
  list.add(
    'generated DROP its base',
    ['CREATE TABLE g (a INT, b INT, c INT AS (a + b))'],
    'ALTER TABLE g DROP COLUMN a',
  );
  list.add('generated NOT NULL', [], 'CREATE TABLE g (a INT, b INT AS (a * 2) NOT NULL)');
  list.add('generated DEFAULT', [], 'CREATE TABLE g (a INT, b INT AS (a * 2) DEFAULT 1)');
  list.add('generated RAND()', [], 'CREATE TABLE g (a INT, b INT AS (RAND()) STORED)');
  list.add('generated NOW() stored', [], 'CREATE TABLE g (a INT, b DATETIME AS (NOW()) STORED)');
  list.add('generated subquery', [], 'CREATE TABLE g (a INT, b INT AS ((SELECT 1)))');
  list.add('generated unknown column', [], 'CREATE TABLE g (a INT, b INT AS (zz + 1))');
  list.add(
    'generated primary key',
    [],
    'CREATE TABLE g (a INT, b INT AS (a + 1), PRIMARY KEY (b))',
  );
  list.add(
    'generated from generated',
    ['CREATE TABLE g (a INT, b INT AS (a) VIRTUAL, c INT AS (b + 1))'],
    'INSERT INTO g (a) VALUES (4)',
    'SELECT * FROM g',
  );
  list.add(
    'unique NULLs',
    ['CREATE TABLE d (v INT UNIQUE)'],
    'INSERT INTO d VALUES (NULL), (NULL)',
    'SELECT COUNT(*) FROM d',
  );
  list.add(
    'prefix unique',
    ['CREATE TABLE d (v VARCHAR(20), UNIQUE KEY (v(3)))', "INSERT INTO d VALUES ('abcdef')"],
    "INSERT INTO d VALUES ('abcxyz')",
  );
  // MariaDB's idempotent migrations: IF [NOT] EXISTS skips a spec with a note (1060, 1061,
  // 1054, 1091, 1826) and runs the others; without it the same specs are errors.
  list.add(
    'ALTER TABLE IF [NOT] EXISTS skips a spec with a note',
    [
      'CREATE TABLE ap (id INT PRIMARY KEY)',
      'CREATE TABLE ai (id INT PRIMARY KEY, a INT, b INT, KEY ka (a), CONSTRAINT c1 CHECK (a > 0), CONSTRAINT f1 FOREIGN KEY (b) REFERENCES ap (id))',
    ],
    'ALTER TABLE ai ADD COLUMN IF NOT EXISTS a INT, ADD COLUMN IF NOT EXISTS c INT',
    'ALTER TABLE ai ADD INDEX IF NOT EXISTS ka (a)',
    'ALTER TABLE ai ADD UNIQUE KEY IF NOT EXISTS ka (a)',
    'ALTER TABLE ai ADD KEY IF NOT EXISTS kc (c)',
    'ALTER TABLE ai ADD FOREIGN KEY IF NOT EXISTS f1 (b) REFERENCES ap (id)',
    'ALTER TABLE ai ADD CONSTRAINT IF NOT EXISTS c1 CHECK (a > 0)',
    'ALTER TABLE ai MODIFY COLUMN IF EXISTS zz INT',
    'ALTER TABLE ai CHANGE COLUMN IF EXISTS zz yy INT',
    'ALTER TABLE ai DROP COLUMN IF EXISTS zz',
    'ALTER TABLE ai DROP INDEX IF EXISTS zz',
    'ALTER TABLE ai DROP FOREIGN KEY IF EXISTS zz',
    'ALTER TABLE ai DROP CONSTRAINT IF EXISTS zz',
    'ALTER TABLE ai DROP FOREIGN KEY zz',
    'ALTER TABLE ai ADD COLUMN a INT',
    'ALTER TABLE ai ADD INDEX ka (a)',
    'SHOW CREATE TABLE ai',
  );
  // Foreign keys InnoDB refuses to make or to lose, which were taken (a key on a column that
  // does not exist then failed every write with 1105; SET NULL over NOT NULL every delete).
  list.add(
    'foreign keys MariaDB refuses: their form, their name, their index, their columns',
    [
      'CREATE TABLE par (id INT PRIMARY KEY, code VARCHAR(10), UNIQUE KEY uc (code))',
      'CREATE TABLE ch (id INT PRIMARY KEY, p INT, q VARCHAR(10), CONSTRAINT fkx FOREIGN KEY (p) REFERENCES par (id), CONSTRAINT fky FOREIGN KEY (q) REFERENCES par (code))',
    ],
    'CREATE TABLE c1 (id INT PRIMARY KEY, p INT NOT NULL, FOREIGN KEY (p) REFERENCES par (id) ON DELETE SET NULL)',
    'CREATE TABLE c2 (id INT PRIMARY KEY, p INT, CONSTRAINT fkx FOREIGN KEY (p) REFERENCES par (id))',
    'CREATE TABLE c3 (id INT PRIMARY KEY, p BIGINT, FOREIGN KEY (p) REFERENCES par (id))',
    'CREATE TABLE c4 (id INT PRIMARY KEY, p INT UNSIGNED, FOREIGN KEY (p) REFERENCES par (id))',
    'CREATE TABLE c5 (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES par (nosuch))',
    'CREATE TABLE c6 (id INT PRIMARY KEY, p VARCHAR(20), FOREIGN KEY (p) REFERENCES par (code))',
    'CREATE TABLE c7 (id INT PRIMARY KEY, p VARCHAR(10), KEY kp (p), FOREIGN KEY (p) REFERENCES par (code))',
    'DROP INDEX kp ON c7',
    'ALTER TABLE par DROP INDEX uc',
    'ALTER TABLE par MODIFY id BIGINT',
    'ALTER TABLE ch MODIFY p INT UNSIGNED',
    'ALTER TABLE ch MODIFY p INT NOT NULL',
    'ALTER TABLE ch MODIFY p INT NULL DEFAULT 5',
    'ALTER TABLE ch ADD CONSTRAINT fkz FOREIGN KEY (p) REFERENCES par (id) ON DELETE SET NULL',
    'ALTER TABLE ch MODIFY p INT NOT NULL',
    'ALTER TABLE ch ADD CONSTRAINT fkx FOREIGN KEY (p) REFERENCES par (id)',
    'ALTER TABLE ch ADD CONSTRAINT fkw FOREIGN KEY (p) REFERENCES par (nosuch)',
    'SET foreign_key_checks = 0',
    'CREATE TABLE d1 (id INT PRIMARY KEY, p BIGINT, FOREIGN KEY (p) REFERENCES par (id))',
    'CREATE TABLE d2 (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES nopar (id))',
    'ALTER TABLE par MODIFY id BIGINT',
    'ALTER TABLE par DROP INDEX uc',
    'SET foreign_key_checks = 1',
    "SELECT CONSTRAINT_NAME, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'ch' ORDER BY 1",
  );
  // A column added to a table with a CHECK: the CHECK's line left a comma in SQLite's ADD COLUMN.
  list.add(
    'ADD COLUMN to a table with a CHECK constraint',
    ['CREATE TABLE ac (id INT PRIMARY KEY, a INT, CONSTRAINT ac1 CHECK (a > 0))'],
    'ALTER TABLE ac ADD COLUMN b INT',
    'INSERT INTO ac VALUES (1, 1, 2)',
    'INSERT INTO ac VALUES (2, 0, 2)',
    'SELECT * FROM ac',
  );
  // CREATE OR REPLACE TABLE drops the table it replaces in the same DDL (it was 1235); a
  // foreign key of another table that references it refuses it, as it refuses DROP TABLE.
  list.add(
    'CREATE OR REPLACE TABLE',
    [
      'CREATE TABLE rp (id INT PRIMARY KEY)',
      'CREATE TABLE rc (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES rp (id))',
      'INSERT INTO rp VALUES (1)',
      'INSERT INTO rc VALUES (1, 1)',
    ],
    'CREATE OR REPLACE TABLE rc (id INT PRIMARY KEY, v INT)',
    'SELECT * FROM rc',
    'CREATE OR REPLACE TABLE rn (a INT)',
    'CREATE OR REPLACE TABLE rc LIKE rn',
    'SHOW CREATE TABLE rc',
    'CREATE OR REPLACE TABLE IF NOT EXISTS rc (a INT)',
    'CREATE OR REPLACE TABLE rp (id INT PRIMARY KEY)',
    'SELECT * FROM rp',
  );
  // A UNIQUE key over a column prefix compares the prefixes, as MariaDB's does (it was built on
  // the whole column, so 'abcX' and 'abcY' were both accepted); a prefix of a number or longer
  // than its column is 1089, one as long as its column is the whole column.
  list.add(
    'UNIQUE key over a column prefix',
    [
      'CREATE TABLE px (id INT PRIMARY KEY, v VARCHAR(20), UNIQUE KEY u (v(3)))',
      "INSERT INTO px VALUES (1, 'abcX')",
    ],
    "INSERT INTO px VALUES (2, 'abcY')",
    "INSERT INTO px VALUES (3, 'ABCz')",
    "INSERT IGNORE INTO px VALUES (4, 'abcQ'), (5, 'xyz')",
    "INSERT INTO px VALUES (6, 'abcW') ON DUPLICATE KEY UPDATE v = 'abcV'",
    "REPLACE INTO px VALUES (7, 'xyzzy')",
    "UPDATE px SET v = 'abcT' WHERE id = 7",
    "INSERT INTO px VALUES (9, 'ab'), (10, 'ab ')",
    'SELECT * FROM px ORDER BY id',
    'CREATE TABLE pb (v VARBINARY(10), w VARCHAR(5), UNIQUE (v(2)), UNIQUE (w(2), v(1)))',
    "INSERT INTO pb VALUES ('ab1', 'x'), ('ab2', 'y')",
    'CREATE TABLE pn (i INT, UNIQUE (i(2)))',
    'CREATE TABLE pl (v VARCHAR(5), UNIQUE (v(10)))',
    'CREATE TABLE pw (v VARCHAR(5), UNIQUE (v(5)))',
    'SHOW CREATE TABLE pw',
  );
  // A PRIMARY KEY over a prefix compares the prefix, as a UNIQUE one does (it was built on the
  // whole column, so 'abcX' and 'ABCy' were both kept).
  list.add(
    'PRIMARY KEY over a column prefix',
    [
      'CREATE TABLE pp (v VARCHAR(10), n INT, PRIMARY KEY (v(3)))',
      "INSERT INTO pp VALUES ('abcX', 1)",
    ],
    "INSERT INTO pp VALUES ('ABCy', 2)",
    "INSERT INTO pp VALUES ('abcX', 3)",
    "INSERT INTO pp VALUES ('abd', 4)",
    "INSERT INTO pp VALUES ('abcZ', 5) ON DUPLICATE KEY UPDATE n = n + 10",
    "INSERT INTO pp VALUES ('abcX', 5) ON DUPLICATE KEY UPDATE n = n + 100",
    "REPLACE INTO pp VALUES ('ABCq', 7)",
    'SELECT * FROM pp ORDER BY v',
    "INSERT IGNORE INTO pp VALUES ('abdd', 1), ('xyz', 2)",
    "UPDATE pp SET v = 'abd2' WHERE v = 'xyz'",
    'ALTER TABLE pp DROP PRIMARY KEY',
    "INSERT INTO pp VALUES ('abdd', 9)",
    'ALTER TABLE pp ADD PRIMARY KEY (v(3))',
    'DELETE FROM pp WHERE n = 9',
    'ALTER TABLE pp ADD PRIMARY KEY (v(3))',
    'RENAME TABLE pp TO pq',
    "INSERT INTO pq VALUES ('abdq', 1)",
    'CREATE TABLE pr LIKE pq',
    "INSERT INTO pr VALUES ('qqq1', 1), ('qqq2', 2)",
    'ALTER TABLE pq MODIFY v VARCHAR(3) NOT NULL',
    'SHOW CREATE TABLE pq',
  );
  // A foreign key made before its parent (FOREIGN_KEY_CHECKS = 0, as a dump's tables in name
  // order) is enforced once the parent exists, made or renamed to it (it was kept in the catalog
  // only: orphans were taken and ON DELETE CASCADE never ran).
  list.add(
    'foreign key made before its parent',
    [
      'SET FOREIGN_KEY_CHECKS = 0',
      'CREATE TABLE fc (pid INT NOT NULL, line INT, PRIMARY KEY (pid, line), FOREIGN KEY (pid) REFERENCES fp (id) ON DELETE CASCADE)',
      'INSERT INTO fc VALUES (7, 1)',
      'CREATE TABLE fp (id INT PRIMARY KEY)',
      'CREATE TABLE gc (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES gp (id) ON DELETE SET NULL)',
      'CREATE TABLE gq (id INT PRIMARY KEY)',
      'RENAME TABLE gq TO gp',
      'SET FOREIGN_KEY_CHECKS = 1',
    ],
    'INSERT INTO fp VALUES (1)',
    'INSERT INTO fc VALUES (1, 1)',
    'INSERT INTO fc VALUES (99, 1)',
    'DELETE FROM fp WHERE id = 1',
    'SELECT * FROM fc ORDER BY pid',
    'INSERT INTO gp VALUES (5)',
    'INSERT INTO gc VALUES (1, 5)',
    'INSERT INTO gc VALUES (2, 6)',
    'DELETE FROM gp',
    'SELECT * FROM gc',
  );
  // A foreign key's column renamed on either side, and ADD COLUMN with its FOREIGN KEY in one
  // ALTER, as MariaDB (1105 "unknown column in foreign key definition", every write to parent
  // and child 1105 "foreign key mismatch", and 1054 '~child.q_id' before).
  list.add(
    'foreign key columns renamed, added with their key',
    [
      'CREATE TABLE rp (id INT PRIMARY KEY)',
      'CREATE TABLE rc (id INT PRIMARY KEY, p_id INT, CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES rp (id) ON DELETE CASCADE)',
      'INSERT INTO rp VALUES (1), (2)',
      'INSERT INTO rc VALUES (10, 1)',
      'CREATE TABLE rq (id INT PRIMARY KEY)',
      'CREATE TABLE rr (id INT PRIMARY KEY)',
    ],
    'ALTER TABLE rc RENAME COLUMN p_id TO parent_id',
    'INSERT INTO rc VALUES (11, 9)',
    'INSERT INTO rc VALUES (11, 2)',
    'ALTER TABLE rc CHANGE parent_id pid INT',
    'SHOW CREATE TABLE rc',
    'ALTER TABLE rp RENAME COLUMN id TO pk',
    'INSERT INTO rp VALUES (3)',
    'INSERT INTO rc VALUES (12, 3)',
    'INSERT INTO rc VALUES (13, 99)',
    'DELETE FROM rp WHERE pk = 1',
    'SELECT * FROM rc ORDER BY id',
    'SHOW CREATE TABLE rc',
    'ALTER TABLE rr ADD COLUMN q_id INT, ADD FOREIGN KEY (q_id) REFERENCES rq (id)',
    'INSERT INTO rr VALUES (1, 5)',
    'INSERT INTO rq VALUES (5)',
    'INSERT INTO rr VALUES (1, 5)',
  );
  // MODIFY converts the values a column holds to its new type, as MariaDB does (they were copied
  // as they were: a DATETIME made DATE kept its time, a DECIMAL its digits, 'abc' became INT 0).
  list.add(
    'MODIFY converts the values held',
    [
      "CREATE TABLE mc (id INT PRIMARY KEY, vs VARCHAR(20), f DOUBLE, e ENUM('a','b','c'), v6 DATETIME(6), i INT)",
      "INSERT INTO mc VALUES (1, '2024-1-2', 1.4, 'a', '2024-01-02 03:04:05.678901', 300), (2, '2024-1-3', 2.7, 'c', NULL, 1)",
    ],
    'ALTER TABLE mc MODIFY vs DATE',
    "SELECT id FROM mc WHERE vs = '2024-01-02'",
    'ALTER TABLE mc MODIFY f INT',
    "ALTER TABLE mc MODIFY e ENUM('b','c')",
    'ALTER TABLE mc MODIFY v6 DATETIME',
    'ALTER TABLE mc MODIFY i TINYINT',
    'ALTER TABLE mc MODIFY i DECIMAL(3,1)',
    'SELECT * FROM mc ORDER BY id',
  );
  // ADD PRIMARY KEY checks its prefixes as CREATE TABLE does (it took a prefix of an INT).
  list.add(
    'ADD PRIMARY KEY over a prefix',
    ['CREATE TABLE pk (a INT, v VARCHAR(5) NOT NULL, w VARCHAR(5) NOT NULL)'],
    'ALTER TABLE pk ADD PRIMARY KEY (a(2))',
    'ALTER TABLE pk ADD PRIMARY KEY (v(9))',
    'ALTER TABLE pk ADD PRIMARY KEY (v(5), w)',
    'SHOW CREATE TABLE pk',
  );
  list.add(
    'ADD UNIQUE over a prefix of duplicates',
    ['CREATE TABLE pa (v VARCHAR(9))', "INSERT INTO pa VALUES ('abc1'), ('abc2')"],
    'ALTER TABLE pa ADD UNIQUE KEY p (v(3))',
    'CREATE UNIQUE INDEX q ON pa (v(3))',
    'CREATE INDEX r ON pa (v(30))',
    'ALTER TABLE pa ADD UNIQUE KEY s (v(4))',
    "INSERT INTO pa VALUES ('abc1x')",
    "SELECT INDEX_NAME, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_NAME = 'pa'",
    'SHOW CREATE TABLE pa',
  );
  // Found in review: a prefix key over a column named in another case, a binary string's
  // prefix (bytes, numbers too), a MODIFY that leaves a prefix the new type cannot take, a
  // COLLATE in a latin1 database, and a new table collation that must leave the columns theirs.
  list.add(
    'prefix keys: names, bytes, numbers, MODIFY',
    [],
    'CREATE TABLE pt (id INT PRIMARY KEY, Val VARCHAR(10), UNIQUE KEY u (val(3)))',
    "INSERT INTO pt VALUES (1, '1234')",
    "INSERT INTO pt VALUES (2, '1235')",
    'ALTER TABLE pt MODIFY Val INT',
    'SHOW CREATE TABLE pt',
    'INSERT INTO pt VALUES (3, 12345)',
    'INSERT INTO pt VALUES (4, 12399)',
    'CREATE TABLE pv (id INT PRIMARY KEY, v VARBINARY(10), UNIQUE KEY u (v(2)))',
    "INSERT INTO pv VALUES (1, 'éa')",
    "INSERT INTO pv VALUES (2, 'éb')",
    'INSERT INTO pv VALUES (3, 12345)',
    'INSERT INTO pv VALUES (4, 12399)',
    "INSERT INTO pv VALUES (5, '1299')",
    'CREATE TABLE pc (v VARCHAR(10), UNIQUE KEY u (v(5)))',
    'ALTER TABLE pc MODIFY v VARCHAR(3)',
    'SHOW CREATE TABLE pc',
  );
  list.add(
    'a new table collation leaves the columns theirs',
    [
      'CREATE TABLE ps (v VARCHAR(10), w VARCHAR(10), UNIQUE KEY u (v(3)))',
      "INSERT INTO ps VALUES ('abc', 'x')",
    ],
    'ALTER TABLE ps COLLATE utf8mb4_bin',
    'SHOW CREATE TABLE ps',
    "INSERT INTO ps VALUES ('ABCd', 'y') ON DUPLICATE KEY UPDATE w = 'z'",
    'SELECT * FROM ps',
    "SELECT w = 'X' FROM ps",
    'ALTER TABLE ps ADD x VARCHAR(3)',
    'SHOW CREATE TABLE ps',
  );
  // SHOW CREATE TABLE leaves out a foreign key's RESTRICT actions, the default, as InnoDB does.
  list.add(
    'SHOW CREATE TABLE of RESTRICT foreign keys',
    [
      'CREATE TABLE rp (id INT PRIMARY KEY)',
      'CREATE TABLE rc (id INT PRIMARY KEY, pid INT, qid INT, rid INT, CONSTRAINT f1 FOREIGN KEY (pid) REFERENCES rp (id) ON DELETE RESTRICT ON UPDATE RESTRICT, CONSTRAINT f2 FOREIGN KEY (qid) REFERENCES rp (id) ON DELETE NO ACTION ON UPDATE NO ACTION, CONSTRAINT f3 FOREIGN KEY (rid) REFERENCES rp (id) ON DELETE CASCADE ON UPDATE RESTRICT)',
    ],
    'SHOW CREATE TABLE rc',
    'SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1',
  );
  return list;
}
