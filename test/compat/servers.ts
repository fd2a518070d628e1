// The two servers the compat harness compares: a private MariaDB (Debian's mariadbd, its own
// temporary datadir and port, started as the current user) and a standalone trireme node as a
// real process (bin/trireme.js start). Each is stopped by the PID it was started with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { freePort, removeDir, tempDir, until } from '../support/index.js';

export interface Server {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * A temporary folder in memory (/dev/shm) where there is one: each case drops and creates a
 * database and tables, and on a disk both servers spend most of a case in fsync (measured: 80 ms
 * a case for MariaDB, 60 ms for trireme). What is compared is answers, not durability.
 */
function scratchDir(prefix: string): string {
  return existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', prefix)) : tempDir(prefix);
}

/** The path of mariadbd: on PATH or in /usr/sbin (Debian's mariadb-server); null if absent. */
export function findMariadbd(): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, 'mariadbd');
    if (existsSync(path)) return path;
  }
  return null;
}

function findInstallDb(mariadbd: string): string {
  for (const dir of [join(mariadbd, '..', '..', 'bin'), '/usr/bin', join(mariadbd, '..')]) {
    const path = join(dir, 'mariadb-install-db');
    if (existsSync(path)) return path;
  }
  return 'mariadb-install-db';
}

async function canConnect(port: number): Promise<boolean> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  await c.end();
  return true;
}

function stopChild(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      removeDir(dir);
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Installs a datadir in a new temporary folder and starts mariadbd on a free loopback port. */
export async function startMariadb(mariadbd: string): Promise<Server> {
  const dir = scratchDir('trireme-compat-mariadb-');
  const datadir = join(dir, 'data');
  // Its own temporary folder: the bootstrap's temporary tables once vanished from a shared /tmp
  // while several suites installed at once (1051 "Unknown table 'mysql.tmp_user_sys'").
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const install = spawnSync(
    findInstallDb(mariadbd),
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--tmpdir=${tmp}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) {
    removeDir(dir);
    throw new Error(`mariadb-install-db failed: ${install.stderr}${install.stdout}`);
  }
  const port = await freePort();
  const child = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--tmpdir=${tmp}`,
      '--user=root',
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'sock')}`,
      `--pid-file=${join(dir, 'pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      // As Debian's mariadb-server configures it (50-server.cnf), which --no-defaults skips:
      // without them the server would default to latin1, which no packaged MariaDB uses.
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_general_ci',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=64M',
      '--skip-log-bin',
    ],
    { stdio: 'ignore' },
  );
  await until('mariadbd accepting connections', () => canConnect(port), STARTUP_TIMEOUT_MS, 100);
  return { name: 'mariadb', port, stop: () => stopChild(child, dir) };
}

const TRIREME = fileURLToPath(new URL('../../../bin/trireme.js', import.meta.url));

/** Starts a standalone trireme node (wsrep_on=OFF) as a process on a free loopback port. */
export async function startTrireme(): Promise<Server> {
  const dir = scratchDir('trireme-compat-node-');
  const port = await freePort();
  const cnf = join(dir, 'my.cnf');
  writeFileSync(
    cnf,
    `[mysqld]\ndatadir=${join(dir, 'data')}\nbind-address=127.0.0.1\nport=${port}\n\n[galera]\nwsrep_on=OFF\nwsrep_node_name=compat\n`,
  );
  const child = spawn(process.execPath, [TRIREME, 'start', `--defaults-file=${cnf}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  try {
    await until(
      'trireme ready for connections',
      () => {
        if (child.exitCode !== null) throw new Error(`trireme exited ${child.exitCode}: ${stderr}`);
        return stderr.includes('ready for connections');
      },
      STARTUP_TIMEOUT_MS,
      20,
    );
  } catch (error) {
    await stopChild(child, dir);
    throw error;
  }
  return { name: 'trireme', port, stop: () => stopChild(child, dir) };
}
