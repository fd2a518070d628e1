// One `trireme start` process (wsrep_on=OFF) for acceptance tests that check answers through
// the MySQL protocol: a my.cnf on a free loopback port in a temporary datadir, the ready line
// awaited, stopped with SIGTERM by the PID we started.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { freePort, removeDir, tempDir } from '../support/index.js';

const TRIREME = fileURLToPath(new URL('../../../bin/trireme.js', import.meta.url));

export interface StandaloneChild {
  readonly port: number;
  connect(options?: Partial<mysql.ConnectionOptions>): Promise<mysql.Connection>;
  /** SIGTERM, wait for the exit, start again on the same datadir and port. */
  restart(): Promise<void>;
  /** SIGTERM, wait for the exit, remove the datadir. */
  destroy(): Promise<void>;
}

export async function startStandaloneChild(): Promise<StandaloneChild> {
  const dir = tempDir('trireme-child-');
  const port = await freePort();
  const cnf = join(dir, 'my.cnf');
  writeFileSync(
    cnf,
    `[mysqld]\ndatadir=${join(dir, 'data')}\nbind-address=127.0.0.1\nport=${port}\n\n[galera]\nwsrep_on=OFF\nwsrep_node_name=solo\n`,
  );
  const start = async (): Promise<ChildProcess> => {
    const started = spawn(process.execPath, [TRIREME, 'start', `--defaults-file=${cnf}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await ready(started);
    return started;
  };
  const stop = async (running: ChildProcess): Promise<void> => {
    if (running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
  };
  let child = await start();
  return {
    port,
    connect: (options = {}) =>
      mysql.createConnection({ host: '127.0.0.1', port, user: 'root', ...options }),
    restart: async () => {
      await stop(child);
      child = await start();
    },
    destroy: async () => {
      await stop(child);
      removeDir(dir);
    },
  };
}

function ready(child: ChildProcess): Promise<void> {
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('ready for connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${stderr}`));
    });
  });
}
