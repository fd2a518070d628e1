// `trireme start` as a process: reads a my.cnf, initializes the datadir, logs the ready line,
// serves clients, and stops cleanly on SIGTERM (exit 0) and SIGINT; a restart finds the data.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { tempDir } from '../engine/node-fixture.js';

const START = fileURLToPath(new URL('../../src/cli/start.js', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly stderr: () => string;
}

function start(cnf: string, extra: string[] = []): Promise<Running> {
  const script = `import(${JSON.stringify(START)}).then((m) => m.runStart(process.argv.slice(1))).then((code) => { process.exitCode = code; });`;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, '--', `--defaults-file=${cnf}`, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const port = /port: (\d+)/.exec(stderr);
      if (port !== null && stderr.includes('ready for connections')) {
        clearTimeout(timer);
        resolve({ child, port: Number(port[1]), stderr: () => stderr });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test(
  'trireme start serves clients and stops on SIGTERM and SIGINT',
  { timeout: 60_000 },
  async () => {
    const dir = tempDir('trireme-start-');
    const cnf = join(dir, 'my.cnf');
    writeFileSync(
      cnf,
      `[mysqld]\ndatadir=${join(dir, 'data')}\nbind-address=127.0.0.1\nport=0\n\n[galera]\nwsrep_on=OFF\nwsrep_node_name=solo\n`,
    );
    const first = await start(cnf);
    assert.match(first.stderr(), /\[Note\] trireme: initialized the datadir/);
    const c = await mysql.createConnection({ host: '127.0.0.1', port: first.port, user: 'root' });
    await c.query('CREATE DATABASE p');
    await c.query('CREATE TABLE p.t (id INT PRIMARY KEY, v VARCHAR(10))');
    await c.query("INSERT INTO p.t VALUES (1, 'kept')");
    const [[node]] = (await c.query('SELECT @@wsrep_node_name AS n')) as unknown as [
      [{ n: string }],
    ];
    assert.equal(node.n, 'solo');
    await c.end();
    const firstExit = exited(first.child);
    first.child.kill('SIGTERM');
    assert.equal(await firstExit, 0);
    assert.match(first.stderr(), /Shutdown complete/);

    const second = await start(cnf);
    const d = await mysql.createConnection({ host: '127.0.0.1', port: second.port, user: 'root' });
    const [rows] = await d.query('SELECT v FROM p.t');
    assert.deepEqual(rows, [{ v: 'kept' }]);
    await d.end();
    const secondExit = exited(second.child);
    second.child.kill('SIGINT');
    assert.equal(await secondExit, 0);
    rmSync(dir, { recursive: true, force: true });
  },
);

test('trireme start refuses a bad option with the config error', { timeout: 20_000 }, async () => {
  const dir = tempDir('trireme-start-bad-');
  const cnf = join(dir, 'my.cnf');
  writeFileSync(cnf, `[mysqld]\ndatadir=${dir}\nport=99999\n`);
  const script = `import(${JSON.stringify(START)}).then((m) => m.runStart(process.argv.slice(1))).then((code) => { process.exitCode = code; });`;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, '--', `--defaults-file=${cnf}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  assert.equal(await exited(child), 2);
  assert.match(stderr, /port/);
  rmSync(dir, { recursive: true, force: true });
});
