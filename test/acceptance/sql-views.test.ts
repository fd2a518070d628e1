// Views through mysql2 against one `trireme start` process: CREATE [OR REPLACE] / ALTER / DROP
// VIEW, reading views in joins, INSERT/UPDATE/DELETE through a one-table view, SHOW FULL TABLES,
// SHOW CREATE VIEW, information_schema.VIEWS and TABLES, MariaDB's error codes, and the views
// surviving a restart. Expected answers were taken from MariaDB 10.11 after the same statements.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let c: mysql.Connection;
/** CURRENT_USER(): MariaDB's root@localhost is the account this client logs in as. */
let me: string;

async function rows(sql: string): Promise<unknown[]> {
  const [result] = await c.query({ sql, rowsAsArray: true });
  return result as unknown[];
}

async function failsWith(sql: string, errno: number, message: string): Promise<void> {
  await assert.rejects(c.query(sql), (e: { errno?: number; sqlMessage?: string }) => {
    assert.equal(e.errno, errno, `${sql}: ${e.sqlMessage}`);
    assert.equal(e.sqlMessage, message);
    return true;
  });
}

before(async () => {
  node = await startStandaloneChild();
  c = await node.connect();
  for (const sql of [
    'CREATE DATABASE d1',
    'USE d1',
    'CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), qty INT, active TINYINT DEFAULT 1)',
    "INSERT INTO t VALUES (1,'a',5,1),(2,'b',7,0),(3,'c',9,1)",
    'CREATE TABLE u (id INT PRIMARY KEY, t_id INT, note VARCHAR(10))',
    "INSERT INTO u VALUES (10,1,'x'),(11,3,'y')",
    'CREATE VIEW v AS SELECT id, name, qty FROM t WHERE active = 1',
    'CREATE VIEW vj (tid, nm, note) AS SELECT t.id, t.name, u.note FROM t JOIN u ON u.t_id = t.id',
  ])
    await c.query(sql);
  me = ((await rows('SELECT CURRENT_USER()')) as string[][])[0]![0]!;
});

after(async () => {
  await c.end();
  await node.destroy();
});

test('a view reads like a table: its columns, its WHERE, joined with a table', async () => {
  // MariaDB: 1 a 5 / 3 c 9; 1 a x / 3 c y; c y.
  assert.deepEqual(await rows('SELECT * FROM v ORDER BY id'), [
    [1, 'a', 5],
    [3, 'c', 9],
  ]);
  assert.deepEqual(await rows('SELECT * FROM vj ORDER BY tid'), [
    [1, 'a', 'x'],
    [3, 'c', 'y'],
  ]);
  const [, fields] = await c.query('SELECT * FROM vj ORDER BY tid');
  assert.deepEqual(
    (fields as { name: string }[]).map((f) => f.name),
    ['tid', 'nm', 'note'],
  );
  assert.deepEqual(
    await rows('SELECT v.name, u.note FROM v JOIN u ON u.t_id = v.id WHERE v.qty > 6'),
    [['c', 'y']],
  );
  assert.deepEqual(await rows('SELECT count(*), max(qty), sum(qty) FROM d1.v'), [[2, 9, '14']]);
});

test('SHOW FULL TABLES, information_schema.TABLES and VIEWS list views', async () => {
  assert.deepEqual(await rows('SHOW FULL TABLES'), [
    ['t', 'BASE TABLE'],
    ['u', 'BASE TABLE'],
    ['v', 'VIEW'],
    ['vj', 'VIEW'],
  ]);
  assert.deepEqual(
    await rows(
      "SELECT table_name, table_type, engine, table_rows, table_comment FROM information_schema.tables WHERE table_schema = 'd1' ORDER BY table_name",
    ),
    [
      ['t', 'BASE TABLE', 'InnoDB', 3, ''],
      ['u', 'BASE TABLE', 'InnoDB', 2, ''],
      ['v', 'VIEW', null, null, 'VIEW'],
      ['vj', 'VIEW', null, null, 'VIEW'],
    ],
  );
  // MariaDB's VIEW_DEFINITION is its re-printed SELECT; trireme keeps the SELECT as written.
  assert.deepEqual(
    await rows(
      "SELECT table_name, check_option, is_updatable, definer, security_type, algorithm, view_definition FROM information_schema.views WHERE table_schema = 'd1' ORDER BY table_name",
    ),
    [
      [
        'v',
        'NONE',
        'YES',
        me,
        'DEFINER',
        'UNDEFINED',
        'SELECT id, name, qty FROM t WHERE active = 1',
      ],
      // A join view takes INSERT and UPDATE on one base table: MariaDB says YES.
      [
        'vj',
        'NONE',
        'YES',
        me,
        'DEFINER',
        'UNDEFINED',
        'SELECT t.id, t.name, u.note FROM t JOIN u ON u.t_id = t.id',
      ],
    ],
  );
});

test('DESCRIBE and information_schema.COLUMNS describe a view', async () => {
  // MariaDB: tid int(11) NO NULL / nm varchar(20) YES NULL / note varchar(10) YES NULL.
  assert.deepEqual(await rows('DESCRIBE vj'), [
    ['tid', 'int(11)', 'NO', '', null, ''],
    ['nm', 'varchar(20)', 'YES', '', null, ''],
    ['note', 'varchar(10)', 'YES', '', null, ''],
  ]);
  assert.deepEqual(
    await rows(
      "SELECT column_name, column_type FROM information_schema.columns WHERE table_schema = 'd1' AND table_name = 'vj' ORDER BY ordinal_position",
    ),
    [
      ['tid', 'int(11)'],
      ['nm', 'varchar(20)'],
      ['note', 'varchar(10)'],
    ],
  );
  assert.deepEqual(await rows('SHOW INDEX FROM vj'), []);
});

test('SHOW CREATE VIEW and SHOW CREATE TABLE of a view answer with the view form', async () => {
  const [user, host] = me.split('@');
  const expected = [
    [
      'v',
      `CREATE ALGORITHM=UNDEFINED DEFINER=\`${user}\`@\`${host}\` SQL SECURITY DEFINER VIEW \`v\` AS SELECT id, name, qty FROM t WHERE active = 1`,
      'utf8mb4',
      'utf8mb4_general_ci',
    ],
  ];
  assert.deepEqual(await rows('SHOW CREATE VIEW v'), expected);
  assert.deepEqual(await rows('SHOW CREATE TABLE v'), expected);
  await failsWith('SHOW CREATE VIEW t', 1347, "'d1.t' is not of type 'VIEW'");
});

test('INSERT, UPDATE and DELETE through a one-table view change the base table', async () => {
  await c.query('CREATE VIEW w AS SELECT id, name FROM t');
  const [inserted] = await c.query("INSERT INTO w (id, name) VALUES (4, 'd')");
  assert.equal((inserted as { affectedRows: number }).affectedRows, 1);
  const [updated] = await c.query("UPDATE w SET name = 'bb' WHERE id = 2");
  assert.equal((updated as { affectedRows: number }).affectedRows, 1);
  // The view's WHERE bounds what the statement sees: row 2 is inactive, so not in v.
  const [none] = await c.query("UPDATE v SET name = 'zz' WHERE id = 2");
  assert.equal((none as { affectedRows: number }).affectedRows, 0);
  const [deleted] = await c.query('DELETE FROM w WHERE id = 3');
  assert.equal((deleted as { affectedRows: number }).affectedRows, 1);
  // MariaDB: 1 a 5 1 / 2 bb 7 0 / 4 d NULL 1.
  assert.deepEqual(await rows('SELECT * FROM t ORDER BY id'), [
    [1, 'a', 5, 1],
    [2, 'bb', 7, 0],
    [4, 'd', null, 1],
  ]);
  await c.query("INSERT INTO t VALUES (3,'c',9,1)");
  await c.query('DELETE FROM t WHERE id = 4');
  await c.query("UPDATE t SET name = 'b' WHERE id = 2");
  await c.query('DROP VIEW w');
});

test('a view that is not one table refuses writes with MariaDB errors', async () => {
  await c.query('CREATE VIEW v2 AS SELECT count(*) c FROM t');
  await failsWith(
    'INSERT INTO v2 VALUES (1)',
    1471,
    'The target table v2 of the INSERT is not insertable-into',
  );
  await failsWith(
    'UPDATE v2 SET c = 1',
    1288,
    'The target table v2 of the UPDATE is not updatable',
  );
  await failsWith('DELETE FROM v2', 1288, 'The target table v2 of the DELETE is not updatable');
  await c.query('DROP VIEW v2');
});

test('CREATE OR REPLACE and ALTER VIEW replace the definition', async () => {
  await failsWith('CREATE VIEW v AS SELECT 1', 1050, "Table 'v' already exists");
  await c.query('CREATE OR REPLACE VIEW v AS SELECT id, name, qty, active FROM t WHERE active = 1');
  assert.deepEqual(await rows('SELECT * FROM v ORDER BY id'), [
    [1, 'a', 5, 1],
    [3, 'c', 9, 1],
  ]);
  await c.query('ALTER VIEW v AS SELECT id, name FROM t');
  assert.deepEqual(await rows('SELECT * FROM v ORDER BY id'), [
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
  ]);
});

test('bad view statements answer with MariaDB codes', async () => {
  await failsWith('CREATE VIEW v4 AS SELECT id, id FROM t', 1060, "Duplicate column name 'id'");
  await failsWith(
    'CREATE VIEW v5 (a) AS SELECT id, name FROM t',
    1353,
    "View's SELECT and view's field list have different column counts",
  );
  await failsWith(
    'CREATE VIEW v6 AS SELECT * FROM nosuch',
    1146,
    "Table 'd1.nosuch' doesn't exist",
  );
  await failsWith('CREATE TABLE vj (a INT)', 1050, "Table 'vj' already exists");
  await failsWith('DROP TABLE vj', 1965, "'d1.vj' is a view");
  // MariaDB: 4092 (with a warning 1347 that trireme does not add before an error).
  await failsWith('DROP VIEW t', 4092, "Unknown VIEW: 'd1.t'");
  await c.query('DROP VIEW IF EXISTS t');
  assert.deepEqual(await rows('SHOW WARNINGS'), [
    ['Warning', 1347, "'d1.t' is not of type 'VIEW'"],
    ['Note', 4092, "Unknown VIEW: 'd1.t'"],
  ]);
  await failsWith('DROP VIEW nosuch', 4092, "Unknown VIEW: 'd1.nosuch'");
  await c.query('DROP VIEW IF EXISTS nosuch');
  assert.deepEqual(await rows('SHOW WARNINGS'), [['Note', 4092, "Unknown VIEW: 'd1.nosuch'"]]);
});

test('views survive a restart', async () => {
  await c.end();
  await node.restart();
  c = await node.connect();
  await c.query('USE d1');
  assert.deepEqual(await rows('SELECT * FROM vj ORDER BY tid'), [
    [1, 'a', 'x'],
    [3, 'c', 'y'],
  ]);
  await c.query('DROP VIEW v, vj');
  assert.deepEqual(await rows('SHOW FULL TABLES'), [
    ['t', 'BASE TABLE'],
    ['u', 'BASE TABLE'],
  ]);
});
