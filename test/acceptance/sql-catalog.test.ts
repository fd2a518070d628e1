// The catalog ORMs and admin tools read — information_schema's constraint views, TABLES'
// AUTO_INCREMENT and TABLE_ROWS, VIEWS and ROUTINES, and mysql.user/db/tables_priv over our
// accounts — through mysql2 against one `trireme start` process. Every expected answer was
// taken from MariaDB 10.11.19 after the same statements.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let c: mysql.Connection;

async function rows(sql: string): Promise<unknown[]> {
  const [result] = await c.query(sql);
  return result as unknown[];
}

before(async () => {
  node = await startStandaloneChild();
  c = await node.connect();
  for (const sql of [
    'CREATE DATABASE shop',
    "CREATE TABLE shop.customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) NOT NULL UNIQUE, age INT, CONSTRAINT name_ok CHECK (email <> ''))",
    'CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, code CHAR(8), total DECIMAL(10,2), UNIQUE KEY uk_code (code), KEY idx_total (total), CONSTRAINT fk_cust FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE)',
    'CREATE TABLE shop.lines (order_id BIGINT, n INT, doc JSON, PRIMARY KEY (order_id, n), FOREIGN KEY (order_id) REFERENCES shop.orders (id) ON UPDATE CASCADE)',
    "INSERT INTO shop.customers (email, age) VALUES ('a@x', 20), ('b@x', 30), ('c@x', 40)",
    "INSERT INTO shop.orders (customer_id, code, total) VALUES (1, 'A1', 10.5), (2, 'B2', 20)",
    "CREATE USER 'app'@'%' IDENTIFIED BY 'pw'",
    "GRANT SELECT, INSERT ON shop.* TO 'app'@'%'",
    "GRANT UPDATE, DELETE ON shop.orders TO 'app'@'%'",
    "GRANT PROCESS, RELOAD ON *.* TO 'app'@'%' WITH GRANT OPTION",
  ])
    await c.query(sql);
});

after(async () => {
  await c.end();
  await node.destroy();
});

test('REFERENTIAL_CONSTRAINTS names the referenced key and the rules (Knex, TypeORM)', async () => {
  assert.deepEqual(
    await rows(
      "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'shop' ORDER BY CONSTRAINT_NAME",
    ),
    [
      {
        CONSTRAINT_NAME: 'fk_cust',
        UNIQUE_CONSTRAINT_SCHEMA: 'shop',
        UNIQUE_CONSTRAINT_NAME: 'PRIMARY',
        MATCH_OPTION: 'NONE',
        UPDATE_RULE: 'RESTRICT',
        DELETE_RULE: 'CASCADE',
        TABLE_NAME: 'orders',
        REFERENCED_TABLE_NAME: 'customers',
      },
      {
        CONSTRAINT_NAME: 'lines_ibfk_1',
        UNIQUE_CONSTRAINT_SCHEMA: 'shop',
        UNIQUE_CONSTRAINT_NAME: 'PRIMARY',
        MATCH_OPTION: 'NONE',
        UPDATE_RULE: 'CASCADE',
        DELETE_RULE: 'RESTRICT',
        TABLE_NAME: 'lines',
        REFERENCED_TABLE_NAME: 'orders',
      },
    ],
  );
  // Knex's renameColumn joins it with KEY_COLUMN_USAGE.
  assert.deepEqual(
    await rows(
      "SELECT kcu.COLUMN_NAME, kcu.REFERENCED_TABLE_NAME, kcu.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE kcu JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = kcu.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = kcu.CONSTRAINT_NAME WHERE kcu.TABLE_SCHEMA = 'shop' AND kcu.TABLE_NAME = 'orders'",
    ),
    [
      {
        COLUMN_NAME: 'customer_id',
        REFERENCED_TABLE_NAME: 'customers',
        REFERENCED_COLUMN_NAME: 'id',
        UPDATE_RULE: 'RESTRICT',
        DELETE_RULE: 'CASCADE',
      },
    ],
  );
});

test('TABLE_CONSTRAINTS and CHECK_CONSTRAINTS, ordered case-insensitively', async () => {
  assert.deepEqual(
    await rows(
      "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'shop' ORDER BY TABLE_NAME, CONSTRAINT_TYPE, CONSTRAINT_NAME",
    ),
    [
      { TABLE_NAME: 'customers', CONSTRAINT_NAME: 'name_ok', CONSTRAINT_TYPE: 'CHECK' },
      { TABLE_NAME: 'customers', CONSTRAINT_NAME: 'PRIMARY', CONSTRAINT_TYPE: 'PRIMARY KEY' },
      { TABLE_NAME: 'customers', CONSTRAINT_NAME: 'email', CONSTRAINT_TYPE: 'UNIQUE' },
      { TABLE_NAME: 'lines', CONSTRAINT_NAME: 'doc', CONSTRAINT_TYPE: 'CHECK' },
      { TABLE_NAME: 'lines', CONSTRAINT_NAME: 'lines_ibfk_1', CONSTRAINT_TYPE: 'FOREIGN KEY' },
      { TABLE_NAME: 'lines', CONSTRAINT_NAME: 'PRIMARY', CONSTRAINT_TYPE: 'PRIMARY KEY' },
      { TABLE_NAME: 'orders', CONSTRAINT_NAME: 'fk_cust', CONSTRAINT_TYPE: 'FOREIGN KEY' },
      { TABLE_NAME: 'orders', CONSTRAINT_NAME: 'PRIMARY', CONSTRAINT_TYPE: 'PRIMARY KEY' },
      { TABLE_NAME: 'orders', CONSTRAINT_NAME: 'uk_code', CONSTRAINT_TYPE: 'UNIQUE' },
    ],
  );
  assert.deepEqual(
    await rows(
      "SELECT TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'shop' AND TABLE_NAME = 'lines'",
    ),
    [
      {
        TABLE_NAME: 'lines',
        CONSTRAINT_NAME: 'doc',
        LEVEL: 'Column',
        CHECK_CLAUSE: 'json_valid(`doc`)',
      },
    ],
  );
});

test('KEY_COLUMN_USAGE and STATISTICS list keys, foreign keys and their implicit index', async () => {
  assert.deepEqual(
    await rows(
      "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'shop' ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    ),
    [
      ['customers', 'email', 'email', 1, null, null],
      ['customers', 'PRIMARY', 'id', 1, null, null],
      ['lines', 'lines_ibfk_1', 'order_id', 1, 1, 'id'],
      ['lines', 'PRIMARY', 'order_id', 1, null, null],
      ['lines', 'PRIMARY', 'n', 2, null, null],
      ['orders', 'fk_cust', 'customer_id', 1, 1, 'id'],
      ['orders', 'PRIMARY', 'id', 1, null, null],
      ['orders', 'uk_code', 'code', 1, null, null],
    ].map(([t, k, col, p, u, r]) => ({
      TABLE_NAME: t,
      CONSTRAINT_NAME: k,
      COLUMN_NAME: col,
      ORDINAL_POSITION: p,
      POSITION_IN_UNIQUE_CONSTRAINT: u,
      REFERENCED_COLUMN_NAME: r,
    })),
  );
  assert.deepEqual(
    await rows(
      "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, NULLABLE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'shop' AND TABLE_NAME = 'orders' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
    ),
    [
      {
        INDEX_NAME: 'fk_cust',
        NON_UNIQUE: 1,
        SEQ_IN_INDEX: 1,
        COLUMN_NAME: 'customer_id',
        NULLABLE: '',
      },
      {
        INDEX_NAME: 'idx_total',
        NON_UNIQUE: 1,
        SEQ_IN_INDEX: 1,
        COLUMN_NAME: 'total',
        NULLABLE: 'YES',
      },
      { INDEX_NAME: 'PRIMARY', NON_UNIQUE: 0, SEQ_IN_INDEX: 1, COLUMN_NAME: 'id', NULLABLE: '' },
      {
        INDEX_NAME: 'uk_code',
        NON_UNIQUE: 0,
        SEQ_IN_INDEX: 1,
        COLUMN_NAME: 'code',
        NULLABLE: 'YES',
      },
    ],
  );
});

test('COLUMNS: quoted string defaults, JSON as longtext, MariaDB sizes and precisions', async () => {
  await c.query('CREATE DATABASE types');
  await c.query(
    "CREATE TABLE types.kinds (a VARCHAR(10) DEFAULT 'x', b INT DEFAULT 5, c VARCHAR(10), d TINYTEXT, e LONGTEXT, f JSON, g TINYINT UNSIGNED, h DOUBLE, i BIT(5), j SET('a','b'), k ENUM('x','yy'), l DECIMAL(8,3) DEFAULT 1.5, m VARBINARY(8))",
  );
  const columns = (await rows(
    "SELECT COLUMN_NAME, COLUMN_DEFAULT, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'types' AND TABLE_NAME = 'kinds' ORDER BY ORDINAL_POSITION",
  )) as Record<string, unknown>[];
  assert.deepEqual(
    columns.map((r) => Object.values(r)),
    [
      ['a', "'x'", 'varchar', 10, 40, null, null, 'utf8mb4_general_ci'],
      ['b', '5', 'int', null, null, 10, 0, null],
      ['c', 'NULL', 'varchar', 10, 40, null, null, 'utf8mb4_general_ci'],
      ['d', 'NULL', 'tinytext', 255, 255, null, null, 'utf8mb4_general_ci'],
      ['e', 'NULL', 'longtext', 4294967295, 4294967295, null, null, 'utf8mb4_general_ci'],
      ['f', 'NULL', 'longtext', 4294967295, 4294967295, null, null, 'utf8mb4_bin'],
      ['g', 'NULL', 'tinyint', null, null, 3, 0, null],
      ['h', 'NULL', 'double', null, null, 22, null, null],
      ['i', 'NULL', 'bit', null, null, 5, null, null],
      ['j', 'NULL', 'set', 3, 12, null, null, 'utf8mb4_general_ci'],
      ['k', 'NULL', 'enum', 2, 8, null, null, 'utf8mb4_general_ci'],
      ['l', '1.500', 'decimal', null, null, 8, 3, null],
      ['m', 'NULL', 'varbinary', 8, 8, null, null, null],
    ],
  );
});

test('TABLES reports AUTO_INCREMENT and TABLE_ROWS; VIEWS and ROUTINES are empty', async () => {
  assert.deepEqual(
    await rows(
      "SELECT TABLE_NAME, TABLE_ROWS, AUTO_INCREMENT, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' ORDER BY TABLE_NAME",
    ),
    [
      {
        TABLE_NAME: 'customers',
        TABLE_ROWS: 3,
        AUTO_INCREMENT: 4,
        TABLE_TYPE: 'BASE TABLE',
        ENGINE: 'InnoDB',
      },
      {
        TABLE_NAME: 'lines',
        TABLE_ROWS: 0,
        AUTO_INCREMENT: null,
        TABLE_TYPE: 'BASE TABLE',
        ENGINE: 'InnoDB',
      },
      {
        TABLE_NAME: 'orders',
        TABLE_ROWS: 2,
        AUTO_INCREMENT: 3,
        TABLE_TYPE: 'BASE TABLE',
        ENGINE: 'InnoDB',
      },
    ],
  );
  assert.deepEqual(
    await rows("SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'shop'"),
    [],
  );
  assert.deepEqual(
    await rows(
      "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'shop'",
    ),
    [],
  );
});

test('mysql.user, mysql.db and mysql.tables_priv show accounts and grants, read-only', async () => {
  assert.deepEqual(await rows("SELECT user, host FROM mysql.user WHERE user = 'app'"), [
    { User: 'app', Host: '%' },
  ]);
  const [user] = (await rows("SELECT * FROM mysql.user WHERE user = 'app'")) as Record<
    string,
    unknown
  >[];
  const granted = Object.entries(user!).filter(([k, v]) => k.endsWith('_priv') && v === 'Y');
  assert.deepEqual(
    granted.map(([k]) => k),
    ['Reload_priv', 'Process_priv', 'Grant_priv'],
  );
  assert.equal(user!['Password'], '*D821809F681A40A6E379B50D0463EFAE20BDD122');
  assert.equal(user!['plugin'], 'mysql_native_password');
  const [db] = (await rows("SELECT * FROM mysql.db WHERE user = 'app'")) as Record<
    string,
    unknown
  >[];
  assert.equal(db!['Db'], 'shop');
  assert.deepEqual(
    Object.entries(db!)
      .filter(([k, v]) => k.endsWith('_priv') && v === 'Y')
      .map(([k]) => k),
    ['Select_priv', 'Insert_priv'],
  );
  assert.equal(Object.keys(db!).length, 23);
  assert.deepEqual(
    await rows(
      "SELECT Host, Db, User, Table_name, Table_priv, Column_priv FROM mysql.tables_priv WHERE user = 'app'",
    ),
    [
      {
        Host: '%',
        Db: 'shop',
        User: 'app',
        Table_name: 'orders',
        Table_priv: 'Update,Delete',
        Column_priv: '',
      },
    ],
  );
  // Without SELECT on mysql, 1142 as in MariaDB.
  const app = await node.connect({ user: 'app', password: 'pw' });
  try {
    await assert.rejects(app.query('SELECT user FROM mysql.user'), { errno: 1142 });
  } finally {
    await app.end();
  }
});
