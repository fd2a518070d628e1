// Runs the Debian `mariadb` command-line client against the server with a toy backend, with and
// without TLS, to check compatibility with Connector/C; skipped when the client is not installed.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { MysqlServer } from '../../src/mysql/index.js';
import { makeTlsFixture } from './tls-fixture.js';
import { ACCOUNTS, ToyBackend } from './toy-backend.js';

const run = promisify(execFile);
const CLIENT_TIMEOUT_MS = 20_000;
const installed = spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = installed ? false : 'the mariadb client is not installed';

let server: MysqlServer;
let port: number;
const tlsLog: string[] = [];

before(async () => {
  if (!installed) return;
  const tls = await makeTlsFixture();
  const logger = (_level: string, message: string): void => {
    if (message.includes(': TLS')) tlsLog.push(message);
  };
  const options = { port: 0, tls: { key: tls.keyPem, cert: tls.certPem }, logger };
  server = new MysqlServer(options, new ToyBackend());
  port = (await server.listen()).port;
});

after(async () => {
  if (installed) await server.close();
});

function mariadb(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const base = ['--no-defaults', '-h127.0.0.1', `-P${port}`, '--batch'];
  return run('mariadb', [...base, ...args], { timeout: CLIENT_TIMEOUT_MS, encoding: 'utf8' });
}

test('mariadb -e SELECT 1 without TLS', { skip }, async () => {
  const { stdout } = await mariadb(
    '-uroot',
    `-p${ACCOUNTS.root.password}`,
    '--skip-ssl',
    '-e',
    'SELECT 1',
  );
  assert.equal(stdout, '1\n1\n');
});

test('mariadb --ssl -e SELECT 1 runs over TLS', { skip }, async () => {
  const secureCount = tlsLog.length;
  const { stdout } = await mariadb(
    '-uroot',
    `-p${ACCOUNTS.root.password}`,
    '--ssl',
    '-e',
    'SELECT 1',
  );
  assert.equal(stdout, '1\n1\n');
  assert.equal(tlsLog.length, secureCount + 1);
  assert.match(tlsLog.at(-1)!, /TLSv1\.[23]/);
});

test(
  'mariadb: caching_sha2_password over TLS, a table, USE, and a wrong password',
  { skip },
  async () => {
    const sha2 = await mariadb('-usha2', `-p${ACCOUNTS.sha2.password}`, '--ssl', '-e', 'SELECT 1');
    assert.equal(sha2.stdout, '1\n1\n');
    const table = await mariadb(
      '-uroot',
      `-p${ACCOUNTS.root.password}`,
      '-Dtest',
      '-e',
      'USE test; SELECT * FROM t',
    );
    assert.match(
      table.stdout,
      /^id\tname\tscore\tcreated\tdata\n1\talice\t1.5\t2024-01-02 03:04:05\t/,
    );
    const denied = await mariadb('-uroot', '-pwrong', '-e', 'SELECT 1').then(
      () => assert.fail('expected a refusal'),
      (error: { stderr: string }) => error.stderr,
    );
    assert.match(denied, /ERROR 1045 \(28000\): Access denied for user 'root'@'127.0.0.1'/);
  },
);
