// Goal: MySQL DDL becomes working SQLite schema plus a catalog entry from which SHOW CREATE
// TABLE and DESCRIBE print what MariaDB 10.11 prints. Method: run the plans in better-sqlite3,
// then compare the rendered text with MariaDB's output for the same DDL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeTable,
  mysqlTableName,
  showCreateTable,
  sqliteTableName,
  translate,
} from '../../src/sql/index.js';
import { Harness, SBTEST_CREATE } from './harness.js';

function table(h: Harness, name: string) {
  const t = h.catalog.table('sbtest', name);
  assert.ok(t, `no table ${name}`);
  return t;
}

test("sysbench's table: SQLite schema and SHOW CREATE TABLE as MariaDB prints it", () => {
  const h = new Harness();
  const plan = h.ddl(SBTEST_CREATE);
  assert.equal(
    plan.statements[0],
    'CREATE TABLE "sbtest.sbtest1" (\n  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n  "k" INTEGER NOT NULL DEFAULT 0,\n  "c" TEXT NOT NULL DEFAULT \'\' COLLATE utf8mb4_general_ci,\n  "pad" TEXT NOT NULL DEFAULT \'\' COLLATE utf8mb4_general_ci\n)',
  );
  h.ddl('CREATE INDEX k_1 ON sbtest1(k)');
  assert.equal(
    showCreateTable(table(h, 'sbtest1')),
    [
      'CREATE TABLE `sbtest1` (',
      '  `id` int(11) NOT NULL AUTO_INCREMENT,',
      '  `k` int(11) NOT NULL DEFAULT 0,',
      "  `c` char(120) NOT NULL DEFAULT '',",
      "  `pad` char(60) NOT NULL DEFAULT '',",
      '  PRIMARY KEY (`id`),',
      '  KEY `k_1` (`k`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
    ].join('\n'),
  );
  assert.deepEqual(describeTable(table(h, 'sbtest1')), [
    {
      Field: 'id',
      Type: 'int(11)',
      Null: 'NO',
      Key: 'PRI',
      Default: null,
      Extra: 'auto_increment',
    },
    { Field: 'k', Type: 'int(11)', Null: 'NO', Key: 'MUL', Default: '0', Extra: '' },
    { Field: 'c', Type: 'char(120)', Null: 'NO', Key: '', Default: '', Extra: '' },
    { Field: 'pad', Type: 'char(60)', Null: 'NO', Key: '', Default: '', Extra: '' },
  ]);
});

test('SHOW CREATE TABLE for a wide range of column types, keys and options', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE other (id INT PRIMARY KEY)');
  h.ddl(`CREATE TABLE t (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    a DECIMAL(10,2) DEFAULT '1.5',
    b VARCHAR(32) CHARACTER SET latin1 NOT NULL,
    c TEXT COLLATE utf8mb4_bin,
    d DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    e TIMESTAMP NULL,
    f ENUM('x','y') NOT NULL DEFAULT 'x',
    g BOOLEAN DEFAULT TRUE,
    h INT(5) UNSIGNED ZEROFILL,
    i JSON,
    j DOUBLE,
    k INT COMMENT 'the k',
    o INT,
    PRIMARY KEY (id),
    UNIQUE KEY ub (b),
    KEY (c(10)),
    KEY (c(20)),
    CONSTRAINT fk_o FOREIGN KEY (o) REFERENCES other (id) ON DELETE CASCADE
  ) ENGINE=innodb AUTO_INCREMENT=100 COMMENT='a table'`);
  assert.equal(
    showCreateTable(table(h, 't'), 100),
    [
      'CREATE TABLE `t` (',
      '  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,',
      '  `a` decimal(10,2) DEFAULT 1.50,',
      '  `b` varchar(32) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL,',
      '  `c` text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,',
      '  `d` datetime(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),',
      '  `e` timestamp NULL DEFAULT NULL,',
      "  `f` enum('x','y') NOT NULL DEFAULT 'x',",
      '  `g` tinyint(1) DEFAULT 1,',
      '  `h` int(5) unsigned zerofill DEFAULT NULL,',
      '  `i` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`i`)),',
      '  `j` double DEFAULT NULL,',
      "  `k` int(11) DEFAULT NULL COMMENT 'the k',",
      '  `o` int(11) DEFAULT NULL,',
      '  PRIMARY KEY (`id`),',
      '  UNIQUE KEY `ub` (`b`),',
      '  KEY `c` (`c`(10)),',
      '  KEY `c_2` (`c`(20)),',
      '  KEY `fk_o` (`o`),',
      '  CONSTRAINT `fk_o` FOREIGN KEY (`o`) REFERENCES `other` (`id`) ON DELETE CASCADE',
      ") ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='a table'",
    ].join('\n'),
  );
  h.run("INSERT INTO t (b, c) VALUES ('bee', 'see')");
  assert.deepEqual(h.query('SELECT id, a, f, g FROM t'), [{ id: 100, a: 1.5, f: 'x', g: 1 }]);
});

test('database names map to SQLite table-name prefixes and back', () => {
  assert.equal(sqliteTableName('sbtest', 'sbtest1'), 'sbtest.sbtest1');
  assert.equal(sqliteTableName('a.b', 'c%d'), 'a%2Eb.c%25d');
  assert.deepEqual(mysqlTableName(sqliteTableName('a.b', 'c%d')), { db: 'a.b', table: 'c%d' });
  assert.equal(sqliteTableName('sqlite_x', 't'), '%73qlite_x.t');
  assert.equal(mysqlTableName('sqlite_sequence'), null);
});

test('CREATE/DROP TABLE errors and IF [NOT] EXISTS notes', () => {
  const h = new Harness();
  h.ddl(SBTEST_CREATE);
  const again = h.ddlPlan(SBTEST_CREATE);
  assert.ok('code' in again && again.code === 1050);
  const quiet = h.ddl(SBTEST_CREATE.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'));
  assert.deepEqual(
    quiet.notes.map((n) => n.code),
    [1050],
  );
  const missing = h.ddlPlan('DROP TABLE nope');
  assert.ok(
    'code' in missing && missing.code === 1051 && missing.message === "Unknown table 'sbtest.nope'",
  );
  assert.deepEqual(
    h.ddl('DROP TABLE IF EXISTS sbtest1, nope').notes.map((n) => n.code),
    [1051],
  );
  assert.equal(h.catalog.table('sbtest', 'sbtest1'), undefined);
  const unknownDb = h.ddlPlan('CREATE TABLE nodb.t (a INT)');
  assert.ok('code' in unknownDb && unknownDb.code === 1049);
  const twoPk = h.ddlPlan('CREATE TABLE p (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))');
  assert.ok('code' in twoPk && twoPk.code === 1068);
});

test('RENAME, TRUNCATE, CREATE/DROP INDEX, CREATE TABLE LIKE, DROP DATABASE', () => {
  const h = new Harness();
  h.sbtest(3);
  h.ddl('RENAME TABLE sbtest1 TO sb');
  assert.deepEqual(h.query('SELECT COUNT(*) AS n FROM sb'), [{ n: 3 }]);
  assert.deepEqual(
    table(h, 'sb').indexes.map((i) => i.sqliteName),
    [null, 'sbtest.sb.k_1'],
  );
  h.ddl('TRUNCATE TABLE sb');
  h.run("INSERT INTO sb (k, c, pad) VALUES (1, 'a', 'b')");
  assert.deepEqual(h.query('SELECT id FROM sb'), [{ id: 1 }]);
  h.ddl('CREATE UNIQUE INDEX uc ON sb (c)');
  assert.throws(
    () =>
      h.db
        .prepare(h.translate("INSERT INTO sb (k, c, pad) VALUES (1, 'a', 'b')").sql)
        .run(1, 'a', 'b'),
    /UNIQUE/,
  );
  h.ddl('DROP INDEX uc ON sb');
  h.ddl('CREATE TABLE sb2 LIKE sb');
  assert.match(showCreateTable(table(h, 'sb2')), /^CREATE TABLE `sb2` \(/);
  h.ddl('DROP DATABASE sbtest');
  assert.equal(h.catalog.tables('sbtest').length, 0);
  assert.equal(
    h.db
      .prepare(
        "SELECT COUNT(*) AS n FROM sqlite_schema WHERE type = 'table' AND name LIKE 'sbtest.%'",
      )
      .get()?.constructor,
    Object,
  );
});

test('ALTER TABLE ADD COLUMN at the end is a direct SQLite ALTER', () => {
  const h = new Harness();
  h.sbtest(2);
  const plan = h.ddl(
    "ALTER TABLE sbtest1 ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n', ADD INDEX ix_note (note)",
  );
  assert.deepEqual(plan.statements, [
    `ALTER TABLE "sbtest.sbtest1" ADD COLUMN "note" TEXT NOT NULL DEFAULT 'n' COLLATE utf8mb4_general_ci`,
    'CREATE INDEX "sbtest.sbtest1.ix_note" ON "sbtest.sbtest1" ("note")',
  ]);
  assert.deepEqual(h.query('SELECT note FROM sbtest1 WHERE id = 1'), [{ note: 'n' }]);
});

test('ALTER TABLE rebuilds for positions, drops, type changes and keys, keeping the rows', () => {
  const h = new Harness();
  h.sbtest(3);
  const plan = h.ddl(
    'ALTER TABLE sbtest1 ADD COLUMN flag TINYINT NOT NULL FIRST, DROP COLUMN pad, CHANGE COLUMN c body VARCHAR(200) NOT NULL, MODIFY k BIGINT NOT NULL DEFAULT 5, ADD UNIQUE KEY ub (body)',
  );
  assert.match(plan.statements[0]!, /^CREATE TABLE "sbtest\.sbtest1\.~alter"/);
  assert.equal(
    plan.statements[1],
    'INSERT INTO "sbtest.sbtest1.~alter" ("flag", "id", "k", "body") SELECT 0, "id", "k", "c" FROM "sbtest.sbtest1"',
  );
  assert.deepEqual(h.query('SELECT * FROM sbtest1 ORDER BY id'), [
    { flag: 0, id: 1, k: 1, body: 'c-1' },
    { flag: 0, id: 2, k: 2, body: 'c-2' },
    { flag: 0, id: 3, k: 3, body: 'c-3' },
  ]);
  assert.equal(
    showCreateTable(table(h, 'sbtest1')),
    [
      'CREATE TABLE `sbtest1` (',
      '  `flag` tinyint(4) NOT NULL,',
      '  `id` int(11) NOT NULL AUTO_INCREMENT,',
      '  `k` bigint(20) NOT NULL DEFAULT 5,',
      '  `body` varchar(200) NOT NULL,',
      '  PRIMARY KEY (`id`),',
      '  UNIQUE KEY `ub` (`body`),',
      '  KEY `k_1` (`k`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
    ].join('\n'),
  );
  h.run("INSERT INTO sbtest1 (flag, k, body) VALUES (1, 1, 'new')");
  assert.deepEqual(h.query("SELECT id FROM sbtest1 WHERE body = 'new'"), [{ id: 4 }]);
});

test("a column's UNIQUE said again adds email_2, email_3 (Sequelize's sync({ alter }) does)", () => {
  const h = new Harness();
  h.ddl('CREATE TABLE u (email VARCHAR(20) NOT NULL UNIQUE)');
  const again = h.ddl('ALTER TABLE u CHANGE email email VARCHAR(20) NOT NULL UNIQUE');
  // MariaDB's Note 1831 for the duplicate.
  assert.deepEqual(
    again.notes.map((n) => n.code),
    [1831],
  );
  h.ddl('ALTER TABLE u MODIFY email VARCHAR(20) NOT NULL UNIQUE');
  assert.deepEqual(h.ddl('ALTER TABLE u ADD COLUMN n INT').notes, []);
  assert.deepEqual(
    table(h, 'u').indexes.map((i) => i.name),
    ['email', 'email_2', 'email_3'],
  );
});

test('every column of a composite primary key is PRI in DESCRIBE (a join table)', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE pt (a INT, b INT, c INT, UNIQUE (b, c), PRIMARY KEY (c, a))');
  assert.deepEqual(
    describeTable(table(h, 'pt')).map((d) => [d.Field, d.Key]),
    [
      ['a', 'PRI'],
      ['b', 'MUL'],
      ['c', 'PRI'],
    ],
  );
});

test('ALTER TABLE ADD FOREIGN KEY adds the index InnoDB needs, named after the constraint', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE p (id INT PRIMARY KEY)');
  h.ddl('CREATE TABLE c (id INT PRIMARY KEY, pid INT, qid INT, KEY (qid))');
  h.ddl('ALTER TABLE c ADD CONSTRAINT c_pid_fk FOREIGN KEY (pid) REFERENCES p (id)');
  h.ddl('ALTER TABLE c ADD FOREIGN KEY (qid) REFERENCES p (id)');
  assert.deepEqual(
    table(h, 'c').indexes.map((i) => i.name),
    ['PRIMARY', 'qid', 'c_pid_fk'],
  );
  assert.deepEqual(
    describeTable(table(h, 'c')).map((d) => d.Key),
    ['PRI', 'MUL', 'MUL'],
  );
});

test('ALTER TABLE RENAME, DROP PRIMARY KEY, ADD PRIMARY KEY, errors', () => {
  const h = new Harness();
  h.sbtest(2);
  h.ddl('ALTER TABLE sbtest1 RENAME TO s2');
  assert.deepEqual(h.query('SELECT COUNT(*) AS n FROM s2'), [{ n: 2 }]);
  h.ddl('CREATE TABLE kv (k VARCHAR(10) NOT NULL, v INT)');
  h.run("INSERT INTO kv VALUES ('a', 1)");
  h.ddl('ALTER TABLE kv ADD PRIMARY KEY (k)');
  h.run("INSERT INTO kv VALUES ('a', 2) ON DUPLICATE KEY UPDATE v = VALUES(v)");
  assert.deepEqual(h.query('SELECT * FROM kv'), [{ k: 'a', v: 2 }]);
  h.ddl('ALTER TABLE kv DROP PRIMARY KEY');
  assert.deepEqual(table(h, 'kv').primaryKey, []);
  const dropMissing = h.ddlPlan('ALTER TABLE kv DROP COLUMN nope');
  assert.ok('code' in dropMissing && dropMissing.code === 1091);
  const dup = h.ddlPlan('ALTER TABLE kv ADD COLUMN v INT');
  assert.ok('code' in dup && dup.code === 1060);
});

// MariaDB 10.11 prints no COLLATE for a column of the table's own collation, whatever it is
// (the private mariadbd says so; compat case "SHOW CREATE TABLE of a table whose collation …").
test('columns of a table with a non-default collation print no COLLATE of their own', () => {
  const h = new Harness();
  h.ddl(
    'CREATE TABLE users (name VARCHAR(255) NOT NULL, bio TEXT) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
  );
  assert.equal(
    showCreateTable(table(h, 'users')),
    [
      'CREATE TABLE `users` (',
      '  `name` varchar(255) NOT NULL,',
      '  `bio` text DEFAULT NULL',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    ].join('\n'),
  );
});

test('generated columns: SQLite computes them; SHOW CREATE TABLE, DESCRIBE and the errors are MariaDB’s', () => {
  const h = new Harness();
  const plan = h.ddl(
    "CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) VIRTUAL, c VARCHAR(9) GENERATED ALWAYS AS (CONCAT('x', a)) PERSISTENT, KEY (b))",
  );
  assert.match(plan.statements[0]!, /"b" INTEGER GENERATED ALWAYS AS \(.*\) VIRTUAL/);
  assert.match(plan.statements[0]!, /"c" TEXT GENERATED ALWAYS AS \(.*\) STORED/);
  assert.match(
    showCreateTable(table(h, 'g')),
    /`b` int\(11\) GENERATED ALWAYS AS \(`a` \* 2\) VIRTUAL,\n {2}`c` varchar\(9\) GENERATED ALWAYS AS \(concat\('x',`a`\)\) STORED,/,
  );
  assert.deepEqual(
    describeTable(table(h, 'g')).map((row) => [row.Field, row.Default, row.Extra]),
    [
      ['id', null, ''],
      ['a', null, ''],
      ['b', null, 'VIRTUAL GENERATED'],
      ['c', null, 'STORED GENERATED'],
    ],
  );
  // Given no value (or DEFAULT), computed; given one, 1906 (MariaDB's strict mode).
  h.run('INSERT INTO g (id, a) VALUES (1, 10)');
  h.run('INSERT INTO g VALUES (2, 20, DEFAULT, DEFAULT)');
  h.run('UPDATE g SET b = DEFAULT, a = 11 WHERE id = 1');
  assert.deepEqual(h.query('SELECT id, b, c FROM g WHERE b > 0 ORDER BY id'), [
    { id: 1, b: 22, c: 'x11' },
    { id: 2, b: 40, c: 'x20' },
  ]);
  // A value for a generated column is dropped and named for the engine's 1906 (an error in
  // strict mode, a warning otherwise); INSERT … SELECT into one is 1906 here.
  const given = (sql: string): readonly string[] | undefined => {
    const prepared = h.cache.prepare(sql);
    assert.ok(prepared.ok);
    const translation = translate(prepared.value, h.catalog, h.database);
    assert.ok(translation.ok);
    return translation.value.generatedGiven;
  };
  assert.deepEqual(given('INSERT INTO g (id, a, b) VALUES (3, 1, 2), (4, 1, DEFAULT)'), ['b']);
  assert.deepEqual(given('UPDATE g SET c = 1'), ['c']);
  assert.equal(given('INSERT INTO g (id, a) VALUES (3, 1)'), undefined);
  assert.equal(h.error('INSERT INTO g (id, a, b) SELECT 3, 1, 2').code, 1906);
  assert.equal(h.error('INSERT INTO g VALUES (3, 30)').code, 1136);
  const refused = (sql: string): number => {
    const failed = h.ddlPlan(sql);
    assert.ok(!('statements' in failed), sql);
    return failed.code;
  };
  assert.equal(refused('CREATE TABLE e1 (a INT, b INT AS (RAND()))'), 1901);
  assert.equal(refused('CREATE TABLE e2 (a INT, b INT AS (NOW()) STORED)'), 1901);
  assert.equal(refused('CREATE TABLE e3 (a INT, b INT AS ((SELECT 1)))'), 1901);
  assert.equal(refused('CREATE TABLE e4 (a INT, b INT AS (zz + 1))'), 1054);
  assert.equal(refused('CREATE TABLE e5 (a INT, b INT AS (a) , PRIMARY KEY (b))'), 1903);
  assert.equal(refused('CREATE TABLE e6 (a INT, b INT AS (a) NOT NULL)'), 1064);
  assert.equal(refused('CREATE TABLE e7 (a INT, b INT DEFAULT 1 AS (a))'), 1064);
});

test('ALTER TABLE ADD FOREIGN KEY indexes its columns and numbers unnamed ones as InnoDB does', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE parent (id INT PRIMARY KEY)');
  h.ddl(
    'CREATE TABLE child (id INT PRIMARY KEY, a INT, b INT, c INT, d INT, KEY kc (c, a), CONSTRAINT zz FOREIGN KEY (b) REFERENCES parent (id), FOREIGN KEY (a) REFERENCES parent (id))',
  );
  h.ddl(
    'ALTER TABLE child ADD CONSTRAINT fk_d FOREIGN KEY (d) REFERENCES parent (id), ADD FOREIGN KEY (c) REFERENCES parent (id)',
  );
  h.ddl('ALTER TABLE child ADD FOREIGN KEY (id) REFERENCES parent (id)');
  // MariaDB 10.11's answer for the same statements.
  assert.equal(
    showCreateTable(table(h, 'child')),
    [
      'CREATE TABLE `child` (',
      '  `id` int(11) NOT NULL,',
      '  `a` int(11) DEFAULT NULL,',
      '  `b` int(11) DEFAULT NULL,',
      '  `c` int(11) DEFAULT NULL,',
      '  `d` int(11) DEFAULT NULL,',
      '  PRIMARY KEY (`id`),',
      '  KEY `kc` (`c`,`a`),',
      '  KEY `zz` (`b`),',
      '  KEY `a` (`a`),',
      '  KEY `fk_d` (`d`),',
      '  CONSTRAINT `child_ibfk_1` FOREIGN KEY (`a`) REFERENCES `parent` (`id`),',
      '  CONSTRAINT `child_ibfk_2` FOREIGN KEY (`c`) REFERENCES `parent` (`id`),',
      '  CONSTRAINT `child_ibfk_3` FOREIGN KEY (`id`) REFERENCES `parent` (`id`),',
      '  CONSTRAINT `fk_d` FOREIGN KEY (`d`) REFERENCES `parent` (`id`),',
      '  CONSTRAINT `zz` FOREIGN KEY (`b`) REFERENCES `parent` (`id`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
    ].join('\n'),
  );
});
