// Goal: IST is announced as Galera announces it, so the tutorial's log checks work: the leader
// logs `IST sender using ssl` and `async IST sender starting to serve ssl://ADDR sending
// FIRST-LAST`, the joiner `IST receiver using ssl`, `Prepared IST receiver for FIRST-LAST` and
// `IST received: UUID:LAST`, for a node killed and for a node stopped cleanly. Method: three
// real processes on loopback, a few writes while one node is down, then its log and the others'.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function exec(node: NodeProcess, sql: string): Promise<void> {
  const conn = await node.connect();
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

describe('IST announcements', { timeout: 180_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
    await exec(nodes[0]!, 'CREATE DATABASE ist');
    await exec(nodes[0]!, 'CREATE TABLE ist.t (id INT PRIMARY KEY)');
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  for (const how of ['killed', 'stopped'] as const) {
    test(`a node ${how} and restarted is caught up by an announced IST over ssl`, async () => {
      const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      // n3 may still be applying what n1 answered (a loaded machine): what it had is what it
      // holds once caught up, else its log already holds entries its position does not show.
      const committed = Number(await n1.status('wsrep_last_committed'));
      await until('n3 caught up', async () => {
        return Number(await n3.status('wsrep_last_committed')) >= committed;
      });
      const had = Number(await n3.status('wsrep_last_committed'));
      if (how === 'killed') {
        n3.kill9();
        await n3.waitExit();
      } else {
        await n3.stop();
      }
      const base = how === 'killed' ? 10 : 20;
      for (let i = 0; i < 5; i++) await exec(n1, `INSERT INTO ist.t VALUES (${base + i})`);
      for (const node of nodes) node.output.length = 0;
      n3.start();
      await n3.waitReady(60_000);
      const uuid = await n1.status('wsrep_cluster_state_uuid');
      const joiner = (): string => n3.output.join('\n');
      await until('IST received', () => Promise.resolve(/IST received: /.test(joiner()))).catch(
        (error: unknown) => {
          for (const node of nodes)
            console.log(`--- ${node.name}\n${node.output.slice(-60).join('\n')}`);
          throw error;
        },
      );
      assert.match(joiner(), /WSREP: IST receiver using ssl/);
      const prepared =
        /Prepared IST receiver for (\d+)-(\d+), listening at: ssl:\/\/127\.0\.0\.1:\d+/.exec(
          joiner(),
        );
      assert.ok(prepared !== null, joiner());
      assert.match(joiner(), new RegExp(`IST received: ${uuid}:${prepared[2]}`));
      const donors = [...n1.output, ...n2.output].join('\n');
      assert.match(donors, /WSREP: IST sender using ssl/);
      assert.match(
        donors,
        new RegExp(
          `async IST sender starting to serve ssl://127\\.0\\.0\\.1:\\d+ sending ${prepared[1]}-${prepared[2]}`,
        ),
      );
      // The announced range covers the writes the node missed.
      // A clean stop's own leave entry is in its log already: the IST may start after it.
      const leave = how === 'stopped' ? 1 : 0;
      assert.ok(Number(prepared[1]) <= had + 1 + leave, `first ${prepared[1]}, had ${had}`);
      assert.ok(Number(prepared[2]) >= had + 5, `last ${prepared[2]}, had ${had}`);
    });
  }
});
