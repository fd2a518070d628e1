// A write forwarded to a leader that dies before its append reaches anyone: the origin cannot
// tell "never appended" from "appended, may still commit", so it proposes the write-set again to
// the next leader, and a copy already in the log fails certification (RaftDriver.propose,
// docs/design/runtime.md, "Proposals under a new leader"). The ops walkthrough's report: the
// client waited out the 30 s commit timeout and got 1180 for a write nobody had written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../support/index.js';
import { localCluster, type LocalCluster } from './harness.js';
import { leaderOf, NodeProcess, startAll } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

before(async () => {
  cluster = await localCluster(3, { providerOptions: 'evs.suspect_timeout=PT2S' });
  nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  await startAll(nodes);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  cluster.cleanup();
});

async function count(node: NodeProcess): Promise<number> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM lc.t');
    return Number((rows as Array<{ n: number }>)[0]!.n);
  } finally {
    await conn.end();
  }
}

test('a write forwarded to a leader killed before it appended commits under the next leader, once', async () => {
  const leader = await leaderOf(nodes);
  const [origin, other] = nodes.filter((n) => n !== leader) as [NodeProcess, NodeProcess];
  const conn = await origin.connect();
  await conn.query('CREATE DATABASE lc');
  await conn.query('CREATE TABLE lc.t (id INT PRIMARY KEY, v INT)');
  await conn.query('INSERT INTO lc.t VALUES (1, 0)');
  await until('the row is on every node', async () => (await count(other)) === 1);

  // Stopped, the leader reads nothing: the forwarded proposal waits in its socket, and dies
  // with it.
  process.kill(leader.pid!, 'SIGSTOP');
  const started = performance.now();
  const insert = conn.query('INSERT INTO lc.t VALUES (2, 0)');
  const update = insert.then(() => conn.query('UPDATE lc.t SET v = v + 1 WHERE id = 1'));
  await sleep(300);
  leader.kill9();
  await leader.waitExit();
  await update;
  const tookMs = performance.now() - started;
  assert.ok(tookMs < 15_000, `the write waited ${Math.round(tookMs)} ms`);
  assert.ok(Number(await origin.status('trireme_proposals_resent')) >= 1, 'proposed again');

  // Exactly once on both survivors, and once more after the old leader is back.
  const [rows] = await conn.query('SELECT id, v FROM lc.t ORDER BY id');
  assert.deepEqual(rows, [
    { id: 1, v: 1 },
    { id: 2, v: 0 },
  ]);
  await conn.end();
  await until('the other survivor has both rows', async () => (await count(other)) === 2);
  leader.output.length = 0;
  leader.start();
  await leader.waitReady();
  await until('the old leader has both rows', async () => (await count(leader)) === 2);
});

test('a DDL forwarded to a leader killed before it appended runs under the next leader, within the election', async () => {
  const leader = await leaderOf(nodes);
  const [origin, other] = nodes.filter((n) => n !== leader) as [NodeProcess, NodeProcess];
  const resentBefore = Number(await origin.status('trireme_proposals_resent'));
  const conn = await origin.connect();
  process.kill(leader.pid!, 'SIGSTOP');
  const started = performance.now();
  const alter = conn.query('ALTER TABLE lc.t ADD COLUMN w INT NOT NULL DEFAULT 7');
  await sleep(300);
  leader.kill9();
  await leader.waitExit();
  await alter;
  const tookMs = performance.now() - started;
  // Before, it waited out the 30 s commit timeout and failed with 1180.
  assert.ok(tookMs < 15_000, `the DDL waited ${Math.round(tookMs)} ms`);
  assert.ok(
    Number(await origin.status('trireme_proposals_resent')) > resentBefore,
    'proposed again',
  );
  await conn.end();
  for (const node of [origin, other])
    await until(`${node.name} has the column`, async () => {
      const c = await node.connect();
      try {
        const [rows] = await c.query('SELECT SUM(w) AS s FROM lc.t');
        return Number((rows as Array<{ s: number }>)[0]!.s) === 14;
      } finally {
        await c.end();
      }
    });
  leader.start();
  await leader.waitReady();
  await until('the old leader has the column', async () => {
    const c = await leader.connect();
    try {
      const [rows] = await c.query("SHOW COLUMNS FROM lc.t LIKE 'w'");
      return (rows as unknown[]).length === 1;
    } finally {
      await c.end();
    }
  });
});
