// SIGTERM to two nodes of three at once, with Galera's default timeouts: both leave the
// configuration and the third goes on alone as a primary component (README, "Graceful stop").
// A newcomer's report: the leader handed over to the other leaving node, whose leave request
// then waited for its next periodic ask (evs.suspect_timeout, 5 s), as long as the runtime
// waits for a leave: it stopped as a member, and the third answered 1047 from then on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll } from './processes.js';

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

test('two nodes stopped at once both leave, and the third stays primary alone', async () => {
  let leader: NodeProcess | undefined;
  for (const node of nodes)
    if ((await node.status('wsrep_raft_leader')) === node.name) leader = node;
  assert.ok(leader !== undefined, 'a leader');
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
