// Goal: a Galera user stops a node the way the anchor's scripts do, `mariadb-admin shutdown`
// (COM_SHUTDOWN) or `SHUTDOWN`, and it stops as cleanly as at SIGTERM (grastate.dat holds its
// seqno); an account without the SHUTDOWN privilege gets 1227. Both were refused (1235, and
// "Unknown command"). Method: one real node process, the mariadb-admin client and mysql2.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess } from './processes.js';

const run = promisify(execFile);
let cluster: LocalCluster;
let node: NodeProcess;

before(async () => {
  cluster = await localCluster(1);
  node = new NodeProcess('n1', cluster);
});

after(async () => {
  await node.stop();
  cluster.cleanup();
});

function grastateSeqno(): number {
  const text = readFileSync(join(cluster.dir, 'n1', 'grastate.dat'), 'utf8');
  return Number(/^seqno:\s*(-?\d+)/m.exec(text)?.[1]);
}

test('mariadb-admin shutdown stops the node cleanly; SHUTDOWN needs its privilege', async () => {
  node.start([], 'bootstrap');
  await node.waitReady();
  const root = await node.connect();
  await root.query('CREATE DATABASE s');
  await root.query('CREATE TABLE s.t (id INT PRIMARY KEY)');
  await root.query('INSERT INTO s.t VALUES (1)');
  await root.query("CREATE USER app@'%'");
  await root.query("GRANT ALL ON s.* TO app@'%'");
  await root.end();
  const app = await node.connect({ user: 'app' });
  await assert.rejects(app.query('SHUTDOWN'), { errno: 1227 });
  await app.end();
  await run('mariadb-admin', [
    '--no-defaults',
    '-h127.0.0.1',
    `-P${node.port}`,
    '-uroot',
    'shutdown',
  ]);
  await node.waitExit();
  assert.equal(node.exitCode, 0, node.output.join('\n'));
  assert.ok(grastateSeqno() > 0, node.output.join('\n'));
  // Its pid file goes with it, as mariadbd's does.
  assert.equal(existsSync(join(cluster.dir, 'n1', 'trireme.pid')), false);

  // The statement does the same.
  node.start();
  await node.waitReady();
  const again = await node.connect();
  await again.query('SHUTDOWN');
  await again.end().catch(() => undefined);
  await node.waitExit();
  assert.equal(node.exitCode, 0, node.output.join('\n'));
  assert.ok(grastateSeqno() > 0, node.output.join('\n'));
});
