// `trireme start-local` (npm start) as a user runs it: the user's edits to n*.cnf are kept and take
// effect, every log line says which node wrote it, and Ctrl-C (SIGINT to the whole process
// group, as a terminal sends it) stops all three nodes cleanly: grastate.dat holds a seqno.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import mysql from 'mysql2/promise';
import { ensureLocalCerts } from '../../src/cli/cert.js';
import { isNewLocalCluster } from '../../src/cli/start-local.js';
import { freePort, removeDir, tempDir, until } from '../support/index.js';

const names = ['n1', 'n2', 'n3'];
const dir = tempDir('trireme-start-local-');
after(() => removeDir(dir));

async function writeCnfs(): Promise<number[]> {
  const certs = await ensureLocalCerts(join(dir, 'certs'), names);
  const clientPorts = await Promise.all(names.map(() => freePort()));
  const replicationPorts = await Promise.all(names.map(() => freePort()));
  const address = `gcomm://${replicationPorts.map((p) => `127.0.0.1:${p}`).join(',')}`;
  for (const [i, name] of names.entries()) {
    const files = certs.nodes.get(name)!;
    // The user's edits: a comment and a setting npm start does not write.
    const text = `# my own settings
[mysqld]
datadir=${join(dir, name)}
port=${clientPorts[i]}
bind-address=127.0.0.1
max_connections=77

[galera]
wsrep_on=ON
wsrep_cluster_name=trireme_local
wsrep_cluster_address=${address}
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${replicationPorts[i]}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${replicationPorts[i]};evs.suspect_timeout=PT1S;evs.inactive_timeout=PT3S;socket.ssl_key=${files.keyPath};socket.ssl_cert=${files.certPath};socket.ssl_ca=${certs.caPath}"
`;
    writeFileSync(join(dir, `${name}.cnf`), text);
  }
  return clientPorts;
}

async function ready(port: number): Promise<boolean> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  try {
    const [rows] = await conn.query("SHOW STATUS LIKE 'wsrep_cluster_size'");
    return (rows as Array<{ Value: string }>)[0]?.Value === '3';
  } finally {
    await conn.end();
  }
}

/**
 * `trireme start-local` on the test's directory, in its own process group so that the test can
 * signal the group as a terminal does; its output lines, and its exit code once it exits.
 */
function startLocal(): { launcher: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const launcher = spawn(process.execPath, ['bin/trireme.js', 'start-local', dir], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => void lines.push(...chunk.toString('utf8').split('\n'));
  launcher.stdout!.on('data', keep);
  launcher.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', resolve));
  return { launcher, lines, exited };
}

test('npm start keeps edited n*.cnf, names each log line, and Ctrl-C stops every node cleanly', async () => {
  const clientPorts = await writeCnfs();
  const before = new Map(names.map((n) => [n, readFileSync(join(dir, `${n}.cnf`), 'utf8')]));
  const { launcher, lines, exited } = startLocal();
  try {
    for (const port of clientPorts)
      await until(`node on ${port} ready`, () => ready(port), 60_000, 100);
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: clientPorts[1]!,
      user: 'root',
    });
    const [rows] = await conn.query('SELECT @@max_connections AS m');
    await conn.end();
    assert.deepEqual(rows, [{ m: 77 }]);
    for (const name of names) {
      assert.equal(readFileSync(join(dir, `${name}.cnf`), 'utf8'), before.get(name));
      assert.ok(
        lines.some((l) => l.startsWith(`[${name}] `) && l.includes('WSREP:')),
        `no line of ${name}:\n${lines.join('\n')}`,
      );
    }
  } finally {
    process.kill(-launcher.pid!, 'SIGINT');
  }
  assert.equal(await exited, 0, lines.join('\n'));
  for (const name of names) {
    const grastate = readFileSync(join(dir, name, 'grastate.dat'), 'utf8');
    const seqno = Number(/^seqno:\s*(-?\d+)/m.exec(grastate)?.[1]);
    assert.ok(seqno > 0, `${name}: ${grastate}\n${lines.join('\n')}`);
  }
});

// A newcomer's report: kill -9 of one node (a Galera user's first failover test) made the
// launcher stop the other two.
test('npm start: a node killed after it was ready leaves the others running, and says how to start it', async () => {
  const clientPorts = names.map((n) =>
    Number(/^port=(\d+)$/m.exec(readFileSync(join(dir, `${n}.cnf`), 'utf8'))![1]),
  );
  const { launcher, lines, exited } = startLocal();
  try {
    for (const port of clientPorts)
      await until(`node on ${port} ready`, () => ready(port), 60_000, 100);
    const pid = Number(readFileSync(join(dir, 'n3', 'trireme.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await until(
      'the launcher names the kill',
      () =>
        Promise.resolve(
          lines.some((l) => /n3 was killed by SIGKILL; the other nodes go on.*n3\.cnf/.test(l)),
        ),
      30_000,
      100,
    );
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: clientPorts[0]!,
      user: 'root',
    });
    const [rows] = await conn.query('SELECT 1 AS one');
    await conn.end();
    assert.deepEqual(rows, [{ one: 1 }]);
  } finally {
    process.kill(-launcher.pid!, 'SIGINT');
  }
  assert.equal(await exited, 0, lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes('stopping the others')), lines.join('\n'));
});

test('npm start bootstraps only when no node has a database (not when n1 alone lost its own)', () => {
  const local = tempDir('trireme-start-local-fresh-');
  try {
    assert.equal(isNewLocalCluster(local), true);
    mkdirSync(join(local, 'n2'), { recursive: true });
    writeFileSync(join(local, 'n2', 'trireme.db'), '');
    assert.equal(isNewLocalCluster(local), false, 'n2 has a database: n1 joins it');
  } finally {
    removeDir(local);
  }
});

// A newcomer's report: `start-local --help` made a CA and a 3-node cluster in ./--help.
test('npm start -- --help prints the usage and makes nothing', () => {
  const cwd = tempDir('trireme-start-local-help-');
  try {
    const launcher = join(process.cwd(), 'bin', 'trireme.js');
    const ran = spawnSync(process.execPath, [launcher, 'start-local', '--help'], { cwd });
    assert.equal(ran.status, 0);
    assert.match(ran.stdout.toString('utf8'), /start-local \[DIR\]/);
    assert.deepEqual(readdirSync(cwd), []);
  } finally {
    removeDir(cwd);
  }
});
