// SIGTERM to two nodes of three at once, with Galera's default timeouts: both leave the
// configuration and the third goes on alone as a primary component (README, "Graceful stop").
// A newcomer's report: the leader handed over to the other leaving node, whose leave request
// then waited for its next periodic ask (evs.suspect_timeout, 5 s), as long as the runtime
// waits for a leave: it stopped as a member, and the third answered 1047 from then on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localCluster, type LocalCluster } from './harness.js';
import { leaderOf, NodeProcess, startAll } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

before(async () => {
  cluster = await localCluster(3, {
    providerOptions: 'evs.suspect_timeout=PT5S;evs.inactive_timeout=PT15S',
  });
  nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  await startAll(nodes);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  cluster.cleanup();
});

// The ops walkthrough: every client of the other nodes writing at the leader's SIGTERM got 1180
// "proposal dropped: leaving" (or 1047) for an autocommit INSERT that nothing had written.
test("a graceful stop of the leader is invisible to the other nodes' clients", async () => {
  const leader = await leaderOf(nodes);
  const others = nodes.filter((n) => n !== leader);
  const setup = await others[0]!.connect();
  await setup.query('CREATE DATABASE IF NOT EXISTS gs');
  await setup.query('CREATE TABLE gs.t (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(8))');
  await setup.end();
  const errors: string[] = [];
  let written = 0;
  let running = true;
  // The table made on one node reaches the other a moment later (reads are not causal by
  // default, as in Galera): a causal read first, so that the writes start where it exists.
  const writers = others.map(async (node) => {
    const conn = await node.connect();
    await conn.query('SET SESSION wsrep_sync_wait = 1');
    await conn.query('SELECT COUNT(*) FROM gs.t');
    await conn.query('SET SESSION wsrep_sync_wait = 0');
    while (running) {
      try {
        await conn.query('INSERT INTO gs.t (who) VALUES (?)', [node.name]);
        written++;
      } catch (error) {
        const e = error as { errno?: number; message: string };
        errors.push(`${node.name}: ${e.errno ?? '?'} ${e.message}`);
      }
    }
    await conn.end();
  });
  await sleep(300);
  await leader.stop();
  await sleep(1500);
  running = false;
  await Promise.all(writers);
  assert.deepEqual(errors, []);
  const check = await others[0]!.connect();
  const [rows] = await check.query('SELECT COUNT(*) AS n FROM gs.t');
  await check.end();
  assert.equal(Number((rows as Array<{ n: number }>)[0]!.n), written);
  leader.output.length = 0;
  leader.start();
  await leader.waitReady();
});

test('two nodes stopped at once both leave, and the third stays primary alone', async () => {
  const leader = await leaderOf(nodes);
  // The leader hands over to the first other voter when all are up to date: stop that one too.
  const [other, survivor] = nodes.filter((n) => n !== leader) as [NodeProcess, NodeProcess];
  const started = performance.now();
  await Promise.all([leader.stop(), other.stop()]);
  const tookMs = performance.now() - started;
  for (const node of [leader, other])
    assert.ok(
      node.output.some((l) => l.includes('left the cluster configuration')),
      `${node.name} left:\n${node.output.slice(-30).join('\n')}`,
    );
  assert.ok(tookMs < 4000, `the two stops took ${Math.round(tookMs)} ms`);
  for (let i = 0; i < 6; i++) {
    assert.equal(await survivor.status('wsrep_ready'), 'ON');
    assert.equal(await survivor.status('wsrep_cluster_size'), '1');
    await sleep(500);
  }
  const conn = await survivor.connect();
  await conn.query('CREATE DATABASE alone');
  await conn.end();
});
