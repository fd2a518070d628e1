// mysqldump of a trireme database, loaded into a fresh node with the mariadb client, gives the
// same logical checksum (storage's per-table SHA-256 over rows in key order). Skipped when
// mysqldump or the mariadb client is not installed.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startNode, type NodeFixture } from '../engine/node-fixture.js';

const run = promisify(execFile);
const installed =
  spawnSync('mysqldump', ['--version'], { encoding: 'utf8' }).status === 0 &&
  spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = installed ? false : 'mysqldump or the mariadb client is not installed';

let source: NodeFixture;
let target: NodeFixture;

before(async () => {
  if (!installed) return;
  source = await startNode();
  target = await startNode();
});

after(async () => {
  if (!installed) return;
  await source.destroy();
  await target.destroy();
});

function load(port: number, sql: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(sql);
  });
}

/** The mariadb client's batch output of `sql` (tab-separated rows, no column names). */
async function batch(port: number, sql: string): Promise<string> {
  const args = ['--no-defaults', '-h127.0.0.1', `-P${port}`, '-uroot', '--batch'];
  const { stdout } = await run('mariadb', [...args, '--skip-column-names', '-e', sql], {
    encoding: 'utf8',
  });
  return stdout;
}

const FIXTURE = `
CREATE DATABASE store;
USE store;
CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  email VARCHAR(80) UNIQUE,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0,
  joined DATETIME,
  note TEXT,
  avatar BLOB
);
CREATE TABLE orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  total DOUBLE,
  day DATE,
  KEY by_customer (customer_id),
  CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE tags (a INT, b VARCHAR(10), PRIMARY KEY (a, b));
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(60));
CREATE TABLE derived (
  id INT PRIMARY KEY,
  a INT CHECK (a >= 0),
  b INT AS ((a + 1) * 2) VIRTUAL,
  c VARCHAR(5) AS (CASE WHEN a > 1 THEN 'big' ELSE 'small' END) STORED,
  d INT DEFAULT (2 * (3 + 4))
);
INSERT INTO derived (id, a) VALUES (1, 0), (2, 5);
CREATE TRIGGER customers_ai AFTER INSERT ON customers FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('new ', NEW.name));
CREATE TRIGGER audit_ai AFTER INSERT ON audit FOR EACH ROW INSERT INTO tags (a, b) VALUES (NEW.id + 100, 'audit');
INSERT INTO customers (name, email, balance, joined, note, avatar) VALUES
  ('Ada', 'ada@example.com', 10.50, '2024-01-02 03:04:05', 'it''s "quoted"\\nand a newline', X'00FF10'),
  ('Bob', NULL, 0, NULL, NULL, NULL),
  ('Zoë', 'zoe@example.com', -3.25, '2023-12-31 23:59:59', 'ünïcødé ✓', X'AB');
INSERT INTO orders (customer_id, total, day) VALUES (1, 12.5, '2024-02-03'), (1, 0.1, '2024-02-04'), (3, 99.99, NULL);
INSERT INTO tags VALUES (1, 'x'), (1, 'y'), (2, 'x');
`;

test(
  'a dump reloads into a fresh node with an identical checksum',
  { skip, timeout: 60_000 },
  async () => {
    assert.equal(await load(source.port, FIXTURE), 0);
    const { stdout: dump } = await run(
      'mysqldump',
      [
        '--no-defaults',
        '-h127.0.0.1',
        `-P${source.port}`,
        '-uroot',
        '--hex-blob',
        // A backup's usual flags: --routines asks SHOW PACKAGE STATUS too (it stopped the dump).
        '--routines',
        '--events',
        '--databases',
        'store',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.match(dump, /CREATE TABLE `customers`/);
    assert.match(dump, /INSERT INTO `orders` VALUES/);
    assert.equal(await load(target.port, dump), 0);
    const before = await source.node.store.checksum();
    const after = await target.node.store.checksum();
    assert.ok(before.ok && after.ok);
    assert.deepEqual(Object.keys(after.value.tables).sort(), [
      'store.audit',
      'store.customers',
      'store.derived',
      'store.orders',
      'store.tags',
    ]);
    // mysqldump dumps triggers by default (SHOW CREATE TRIGGER), after the rows they would
    // otherwise have fired on.
    assert.match(dump, /TRIGGER `customers_ai` AFTER INSERT ON `customers` FOR EACH ROW/);
    assert.deepEqual(after.value.tables, before.value.tables);
    assert.equal(after.value.total, before.value.total);
    const create = await batch(
      target.port,
      'SHOW CREATE TABLE store.orders; SHOW TRIGGERS FROM store',
    );
    assert.match(create, /customers_ai\tINSERT\tcustomers\t.*CONCAT\('new ', NEW\.name\)/);
    // audit's trigger names tags, which the dump makes after it: it waited for the table (1146
    // at CREATE TRIGGER stopped the load before) and works once the load made it.
    assert.ok(
      dump.indexOf('TRIGGER `audit_ai`') < dump.indexOf('CREATE TABLE `tags`'),
      'the dump makes the trigger before the table it names',
    );
    const fired = await batch(
      target.port,
      "INSERT INTO store.audit (what) VALUES ('after'); SELECT COUNT(*) FROM store.tags WHERE b = 'audit'",
    );
    assert.equal(fired.trim(), '4');
    assert.match(
      create,
      /CONSTRAINT `fk_customer` FOREIGN KEY \(`customer_id`\) REFERENCES `customers` \(`id`\)/,
    );
    // Generated columns, a column's CHECK and a DEFAULT (expr) come back as they were: SHOW
    // CREATE TABLE printed `a + 1 * 2`, NULL for the CASE, no CHECK, and DEFAULT 2 * 3 + 4
    // without its parentheses (which the load refused).
    assert.equal(
      await batch(
        target.port,
        'INSERT INTO store.derived (id, a) VALUES (3, 1); SELECT id, b, c, d FROM store.derived ORDER BY id',
      ),
      '1\t2\tsmall\t14\n2\t12\tbig\t14\n3\t4\tsmall\t14\n',
    );
    await assert.rejects(
      batch(target.port, 'INSERT INTO store.derived (id, a) VALUES (4, -1)'),
      /4025|CONSTRAINT/,
    );
  },
);
