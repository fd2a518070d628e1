// A start that cannot complete fails loudly: `trireme bootstrap` exits non-zero with one line that
// names the cause and the fix, before the node joins anything. Real processes, each given one
// broken thing: a client or replication port held by another socket, a datadir that cannot be
// created, a missing key in wsrep_provider_options or in [sst], a missing key file or key id for
// encryption at rest, a datadir another node runs on, a MariaDB server's datadir.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, localCluster, type LocalCluster } from './harness.js';
import { NodeProcess } from './processes.js';

let cluster: LocalCluster;
let cnf: string;

before(async () => {
  cluster = await localCluster(1);
  cnf = readFileSync(cluster.cnf.get('n1')!, 'utf8');
});

after(() => cluster.cleanup());

/** Runs `trireme bootstrap` on a variant of n1's my.cnf; resolves with its exit code and lines. */
function bootstrapWith(text: string): Promise<{ code: number | null; lines: string[] }> {
  const path = join(cluster.dir, 'variant.cnf');
  writeFileSync(path, text);
  const child = spawn(process.execPath, ['bin/trireme.js', 'bootstrap', `--defaults-file=${path}`]);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      resolve({ code, lines: lines.filter((l) => l !== '') });
    });
  });
}

/** The one error line: `trireme start: …` that is no note or warning. */
function errorLine(lines: readonly string[]): string {
  const errors = lines.filter(
    (l) => l.startsWith('trireme start: ') && !/^trireme start: (note|warning):/.test(l),
  );
  assert.equal(errors.length, 1, lines.join('\n'));
  return errors[0]!;
}

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('a client port in use: one line with the fix, and the node never starts replicating', async () => {
  const server = await hold(cluster.clientPorts.get('n1')!);
  try {
    const { code, lines } = await bootstrapWith(cnf);
    assert.equal(code, 1);
    const line = errorLine(lines);
    assert.match(line, /client port 127\.0\.0\.1:\d+ is in use \(EADDRINUSE\)\. Fix: /);
    assert.ok(!lines.some((l) => l.includes('replication listens on')), lines.join('\n'));
  } finally {
    server.close();
  }
});

test('a replication port in use: one line with the fix', async () => {
  const server = await hold(cluster.replicationPorts.get('n1')!);
  try {
    const { code, lines } = await bootstrapWith(cnf);
    assert.equal(code, 1);
    assert.match(errorLine(lines), /replication port .* is in use \(EADDRINUSE\)\. Fix: /);
  } finally {
    server.close();
  }
});

test('a datadir that cannot be created: one line with the fix', async () => {
  const file = join(cluster.dir, 'a-file');
  writeFileSync(file, '');
  const text = cnf.replace(/^datadir=.*$/m, `datadir=${join(file, 'n1')}`);
  const { code, lines } = await bootstrapWith(text);
  assert.equal(code, 1);
  assert.match(
    errorLine(lines),
    /datadir .*a-file\/n1 cannot be created or written \(ENOTDIR\)\. Fix: /,
  );
});

test('a missing replication key: one line naming socket.ssl_key and the fix', async () => {
  const text = cnf.replace(/socket\.ssl_key=[^;"]*/, 'socket.ssl_key=/nonexistent/key.pem');
  const { code, lines } = await bootstrapWith(text);
  assert.equal(code, 1);
  assert.match(errorLine(lines), /socket\.ssl_key=\/nonexistent\/key\.pem: no such file\. Fix: /);
});

test('a missing [sst] key: the line names the [sst] key, not socket.ssl_key', async () => {
  const certs = join(cluster.dir, 'certs');
  const sst = `\n[sst]\nencrypt=4\nssl-key=/nonexistent/sst-key.pem\nssl-cert=${join(certs, 'n1-cert.pem')}\nssl-ca=${join(certs, 'ca.pem')}\n`;
  const { code, lines } = await bootstrapWith(cnf + sst);
  assert.equal(code, 1);
  const line = errorLine(lines);
  assert.match(
    line,
    /\[sst\] ssl-key=\/nonexistent\/sst-key\.pem: no such file\. Fix: .*\[sst\] ssl-key/,
  );
  assert.doesNotMatch(line, /socket\.ssl_key/);
});

test('a missing encryption key file or key id: one line naming the key file and the key id', async () => {
  const keys = join(cluster.dir, 'no-such-keys.txt');
  const options = `\n[mariadb]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${keys}\n`;
  const missing = await bootstrapWith(cnf + options);
  assert.equal(missing.code, 1);
  assert.match(errorLine(missing.lines), new RegExp(`key file ${keys}: ENOENT \\(no key id 1\\)`));
  writeFileSync(keys, `2;${'ab'.repeat(32)}\n`);
  const wrongId = await bootstrapWith(cnf + options);
  assert.equal(wrongId.code, 1);
  assert.match(errorLine(wrongId.lines), new RegExp(`key file ${keys} has no key id 1`));
});

// A newcomer's report: a second start on a running node's datadir (another port) got as far as
// recovering its log; only the replication port in use stopped it. mariadbd refuses at once.
test('a datadir another node runs on: one line naming its pid, and the running node goes on', async () => {
  const running = new NodeProcess('n1', cluster);
  running.start([], 'bootstrap');
  try {
    await running.waitReady();
    const other = cnf
      .replace(/^port=\d+$/m, `port=${await freePort()}`)
      .replace(
        /gmcast\.listen_addr=tcp:\/\/127\.0\.0\.1:\d+/,
        `gmcast.listen_addr=tcp://127.0.0.1:${await freePort()}`,
      );
    const { code, lines } = await bootstrapWith(other);
    assert.equal(code, 1);
    const line = errorLine(lines);
    assert.match(line, /datadir .* is in use by another trireme process \(pid \d+\).*Fix: /);
    assert.ok(line.includes(`pid ${running.pid}`), line);
    assert.ok(!lines.some((l) => l.includes('recovered the log')), lines.join('\n'));
    assert.equal(await running.status('wsrep_ready'), 'ON');
  } finally {
    await running.stop();
  }
});

// A newcomer's report: `trireme start` without a datadir of its own took /var/lib/mysql, a
// MariaDB server's, and wrote its files beside ibdata1 before failing on the port.
test("a MariaDB server's datadir: one line saying so, and nothing written there", async () => {
  const datadir = join(cluster.dir, 'mariadb-datadir');
  mkdirSync(join(datadir, 'mysql'), { recursive: true });
  writeFileSync(join(datadir, 'ibdata1'), '');
  writeFileSync(join(datadir, 'mysql', 'db.opt'), '');
  const { code, lines } = await bootstrapWith(cnf.replace(/^datadir=.*$/m, `datadir=${datadir}`));
  assert.equal(code, 1);
  assert.match(
    errorLine(lines),
    /datadir .*mariadb-datadir holds a MariaDB server's files \(ibdata1, mysql\/db\.opt\).*Fix: /,
  );
  assert.deepEqual(readdirSync(datadir).sort(), ['ibdata1', 'mysql']);
});
