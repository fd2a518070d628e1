// The Debian `mariadb` client against a standalone node, with and without TLS (a certificate
// from trireme's own CA tooling): connect, SHOW DATABASES, USE, SHOW TABLES, `status`, the
// wsrep status, and a script of DDL and DML whose output is compared line by line. Skipped when
// the client is not installed.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createCa, createNodeCert } from '../../src/cli/cert.js';
import { startNode, tempDir, type NodeFixture } from '../engine/node-fixture.js';

const run = promisify(execFile);
const installed = spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = installed ? false : 'the mariadb client is not installed';

let fixture: NodeFixture;
let certDir: string;

before(async () => {
  if (!installed) return;
  certDir = tempDir('trireme-cli-certs-');
  const ca = await createCa();
  const node = await createNodeCert(ca, { name: 'node1' });
  writeFileSync(join(certDir, 'ca.pem'), ca.certPem);
  writeFileSync(join(certDir, 'node1.pem'), node.certPem);
  writeFileSync(join(certDir, 'node1-key.pem'), node.keyPem);
  fixture = await startNode({
    args: [
      `--ssl-cert=${join(certDir, 'node1.pem')}`,
      `--ssl-key=${join(certDir, 'node1-key.pem')}`,
      `--ssl-ca=${join(certDir, 'ca.pem')}`,
    ],
  });
});

after(async () => {
  if (installed) await fixture.destroy();
});

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the client with `input` on stdin; asynchronously, since the node runs in this process. */
function feed(args: string[], input: string | Buffer): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('mariadb', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function baseArgs(): string[] {
  return ['--no-defaults', '-h127.0.0.1', `-P${fixture.port}`, '-uroot'];
}

async function mariadb(args: string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await run('mariadb', [...baseArgs(), ...args], {
      timeout: 20_000,
      encoding: 'utf8',
    });
    return stdout;
  }
  const result = await feed([...baseArgs(), ...args], input);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('the ready line is logged like mariadbd', { skip }, () => {
  assert.ok(fixture.log.some((line) => /\[Note\] trireme: ready for connections\./.test(line)));
  assert.ok(fixture.log.some((line) => line.startsWith("Version: '10.11.99-MariaDB-trireme'")));
});

test('SHOW DATABASES, USE and SHOW TABLES', { skip }, async () => {
  await mariadb(['-e', 'CREATE DATABASE shop; CREATE TABLE shop.items (id INT PRIMARY KEY)']);
  assert.equal(
    await mariadb(['--batch', '-e', 'SHOW DATABASES']),
    'Database\ninformation_schema\nmysql\nperformance_schema\nshop\n',
  );
  assert.equal(
    await mariadb(['--batch', '-e', 'USE shop; SHOW TABLES']),
    'Tables_in_shop\nitems\n',
  );
  assert.equal(await mariadb(['--batch', 'shop', '-e', 'SELECT DATABASE()']), 'DATABASE()\nshop\n');
});

test('`status` and SHOW STATUS LIKE wsrep% over TLS', { skip }, async () => {
  const status = await mariadb(['--ssl', `--ssl-ca=${join(certDir, 'ca.pem')}`, '-e', 'status']);
  assert.match(status, /SSL:\s+Cipher in use is /);
  assert.match(status, /Server version:\s+10\.11\.99-MariaDB-trireme/);
  assert.match(status, /Server characterset:\s+utf8mb4/);
  assert.match(status, /Uptime:\s+\d+ sec/);
  const wsrep = await mariadb(['--ssl', '--batch', '-e', "SHOW STATUS LIKE 'wsrep%'"]);
  const values = new Map(
    wsrep
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t') as [string, string]),
  );
  // A standalone node is no cluster: it says so as MariaDB with wsrep_on=OFF does.
  assert.equal(values.get('wsrep_cluster_size'), '0');
  assert.equal(values.get('wsrep_cluster_status'), 'Disconnected');
  assert.equal(values.get('wsrep_connected'), 'OFF');
  assert.equal(values.get('wsrep_ready'), 'OFF');
  assert.equal(values.get('wsrep_local_state_comment'), undefined);
  const plain = await mariadb(['--skip-ssl', '-e', 'status']);
  assert.match(plain, /SSL:\s+Not in use/);
});

const SCRIPT = `
CREATE DATABASE IF NOT EXISTS shop;
USE shop;
CREATE TABLE orders (
  id INT AUTO_INCREMENT PRIMARY KEY,
  customer VARCHAR(40) NOT NULL,
  amount DECIMAL(10,2) NOT NULL DEFAULT 0,
  placed DATETIME NOT NULL,
  KEY by_customer (customer)
);
INSERT INTO orders (customer, amount, placed) VALUES
  ('ada', 12.50, '2024-03-01 10:00:00'),
  ('bob', 7.25, '2024-03-02 11:30:00'),
  ('ada', 30.00, '2024-03-03 09:15:00');
UPDATE orders SET amount = amount + 1 WHERE customer = 'bob';
DELETE FROM orders WHERE id = 3;
BEGIN;
INSERT INTO orders (customer, amount, placed) VALUES ('cy', 1.00, '2024-03-04 08:00:00');
COMMIT;
SELECT id, customer, amount, placed FROM orders ORDER BY id;
SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer;
SELECT CONCAT(customer, '#', id) AS tag, DATE_FORMAT(placed, '%Y/%m/%d') AS day FROM orders WHERE amount > 5 ORDER BY id;
DESCRIBE orders;
`;

const EXPECTED = `id\tcustomer\tamount\tplaced
1\tada\t12.50\t2024-03-01 10:00:00
2\tbob\t8.25\t2024-03-02 11:30:00
4\tcy\t1.00\t2024-03-04 08:00:00
customer\tn\ttotal
ada\t1\t12.50
bob\t1\t8.25
cy\t1\t1.00
tag\tday
ada#1\t2024/03/01
bob#2\t2024/03/02
Field\tType\tNull\tKey\tDefault\tExtra
id\tint(11)\tNO\tPRI\tNULL\tauto_increment
customer\tvarchar(40)\tNO\tMUL\tNULL\t
amount\tdecimal(10,2)\tNO\t\t0.00\t
placed\tdatetime\tNO\t\tNULL\t
`;

test('a script of DDL and DML gives the expected output', { skip }, async () => {
  assert.equal(await mariadb(['--batch'], SCRIPT), EXPECTED);
});

test('an error in a script stops it with the MySQL code and line', { skip }, async () => {
  const result = await feed([...baseArgs(), 'shop'], 'SELECT 1;\nSELECT * FROM nowhere;\n');
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /ERROR 1146 \(42S02\) at line 2: Table 'shop\.nowhere' doesn't exist/,
  );
});

// The CLI says "1 warning" from the result set's end (its EOF or OK packet), and fetches SHOW
// WARNINGS only then (--show-warnings); a SELECT's end used to say 0 (a newcomer's report).
test(
  'a SELECT that raises warnings says so in its result set, as in MariaDB',
  { skip },
  async () => {
    const out = await mariadb(
      ['-vvv', '--show-warnings'],
      "SELECT CAST('12abc' AS UNSIGNED) AS n;\nSELECT 1;\nSHOW WARNINGS;\n",
    );
    const sets = out.split('\n').filter((line) => / in set/.test(line));
    assert.equal(sets.length, 3, out);
    assert.match(sets[0]!, /^1 row in set, 1 warning/);
    assert.match(sets[1]!, /^1 row in set \(/);
    assert.match(sets[2]!, /^\d+ rows? in set \(/);
    assert.match(out, /Warning \(Code 1292\): Truncated incorrect INTEGER value: '12abc'/);
  },
);

// Without CLIENT_FOUND_ROWS (the CLI) an UPDATE's changed-rows guard compared the date assigned
// with the column's: a zero date failed with 1292 in strict mode, where MariaDB stores it (a
// newcomer's report).
test('the CLI updates a DATE to the zero date in the default strict mode', { skip }, async () => {
  const out = await mariadb(
    ['--batch', 'shop'],
    "CREATE TABLE zd (id INT PRIMARY KEY, d DATE);\nINSERT INTO zd VALUES (1, '2024-01-05');\nUPDATE zd SET d = '0000-00-00' WHERE id = 1;\nSELECT d FROM zd;\n",
  );
  assert.equal(out, 'd\n0000-00-00\n');
});

// mariadb-dump writes a BLOB's bytes raw into its string literals (without --hex-blob), and a
// latin1 client sends é as one byte: such bytes reach a binary column as they were sent (they
// became U+FFFD, EF BF BD, silently), and a text column refuses them with MariaDB's 1366.
test(
  'bytes that are not UTF-8 in a literal: kept in a BLOB, 1366 for a text column',
  { skip },
  async () => {
    const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
    const script = Buffer.concat([
      bytes(
        'CREATE DATABASE raw; USE raw; CREATE TABLE b (id INT PRIMARY KEY, bl BLOB, vb VARBINARY(4), t VARCHAR(10));\n',
      ),
      bytes("INSERT INTO b VALUES (1, '\xfe\xff\x41\xc3', _binary'\x80\x81', 'ok');\n"),
      bytes("SELECT id, HEX(bl), HEX(vb), t FROM b WHERE bl = '\xfe\xff\x41\xc3';\n"),
      bytes("INSERT INTO b (id, t) VALUES (2, 'caf\xe9');\n"),
    ]);
    const result = await feed([...baseArgs(), '--batch', '--force'], script);
    assert.equal(result.stdout, 'id\tHEX(bl)\tHEX(vb)\tt\n1\tFEFF41C3\t8081\tok\n');
    assert.match(
      result.stderr,
      /ERROR 1366 \(22007\) at line 4: Incorrect string value: '\\xE9' for column `raw`\.`b`\.`t` at row 1/,
    );
  },
);

/** Runs mariadb-dump with `args`; asynchronously, since the node runs in this process. */
function dump(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('mariadb-dump', [...baseArgs(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

// mariadb-dump --all-databases reads the structure of mysql.general_log and mysql.slow_log in
// every dump (it stopped with 1146 there, after "Couldn't read status information"); the dump
// restores onto the node it came from.
test('mariadb-dump --all-databases, and its restore', { skip }, async () => {
  await mariadb(
    [],
    `CREATE DATABASE ledger; USE ledger;
     CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20) NOT NULL);
     CREATE TABLE entry (id INT AUTO_INCREMENT PRIMARY KEY, acct INT NOT NULL, amount DECIMAL(8,2),
       FOREIGN KEY (acct) REFERENCES acct (id) ON DELETE CASCADE);
     CREATE TABLE audit (msg VARCHAR(40));
     CREATE TRIGGER entry_ai AFTER INSERT ON entry FOR EACH ROW INSERT INTO audit VALUES (CONCAT('entry ', NEW.id));
     CREATE VIEW balances AS SELECT acct, SUM(amount) AS total FROM entry GROUP BY acct;
     INSERT INTO acct VALUES (1, 'ada'), (2, 'bob');
     INSERT INTO entry (acct, amount) VALUES (1, 10.50), (2, -3.25), (1, 0.75);`,
  );
  const dumped = await dump(['--all-databases']);
  assert.equal(dumped.status, 0, dumped.stderr);
  assert.equal(dumped.stderr, '');
  assert.match(dumped.stdout, /CREATE TABLE IF NOT EXISTS `general_log`/);
  assert.match(dumped.stdout, /CREATE TABLE IF NOT EXISTS `slow_log`/);
  await mariadb(['-e', 'DROP DATABASE ledger']);
  const restored = await feed([...baseArgs(), '--batch'], dumped.stdout);
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(
    await mariadb([
      '--batch',
      '-e',
      'SELECT a.owner, SUM(e.amount) FROM ledger.acct a JOIN ledger.entry e ON e.acct = a.id GROUP BY a.owner ORDER BY 1; DELETE FROM ledger.acct WHERE id = 2; SELECT COUNT(*) FROM ledger.entry; SELECT COUNT(*) FROM mysql.general_log',
    ]),
    'owner\tSUM(e.amount)\nada\t11.25\nbob\t-3.25\nCOUNT(*)\n2\nCOUNT(*)\n0\n',
  );
  // The view and the trigger came back with the tables (the audit rows too, as data).
  assert.equal(
    await mariadb([
      '--batch',
      '-e',
      'INSERT INTO ledger.entry (acct, amount) VALUES (1, 1.00); SELECT * FROM ledger.balances; SELECT COUNT(*) FROM ledger.audit',
    ]),
    'acct\ttotal\n1\t12.25\nCOUNT(*)\n4\n',
  );
});

// mariadb-dump --system=users (accounts and grants as CREATE USER and GRANT) reads
// mysql.roles_mapping (it stopped with 1146); trireme has no roles, so the file's role statements
// are 1235 and it restores with --force.
test('mariadb-dump --system=users dumps accounts and grants that restore', { skip }, async () => {
  await mariadb(
    [],
    "CREATE DATABASE crm; CREATE USER 'sales'@'%' IDENTIFIED BY 's3cret'; GRANT SELECT, INSERT ON crm.* TO 'sales'@'%';",
  );
  const dumped = await dump(['--system=users', '--insert-ignore', '--databases', 'crm']);
  assert.equal(dumped.status, 0, dumped.stderr);
  assert.match(
    dumped.stdout,
    /CREATE USER IF NOT EXISTS `sales`@`%` IDENTIFIED BY PASSWORD '\*[0-9A-F]{40}'/,
  );
  assert.match(dumped.stdout, /GRANT SELECT, INSERT ON `crm`\.\* TO `sales`@`%`/);
  await mariadb(['-e', "DROP USER 'sales'@'%'"]);
  const restored = await feed([...baseArgs(), '--force'], dumped.stdout);
  assert.match(restored.stderr, /ERROR 1235/);
  const as = await run(
    'mariadb',
    [
      '--no-defaults',
      '-h127.0.0.1',
      `-P${fixture.port}`,
      '-usales',
      '-ps3cret',
      '--batch',
      '-e',
      'SHOW GRANTS',
    ],
    { timeout: 20_000, encoding: 'utf8' },
  );
  assert.match(as.stdout, /GRANT SELECT, INSERT ON `crm`\.\* TO `sales`@`%`/);
});
