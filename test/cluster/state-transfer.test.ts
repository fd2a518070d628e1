// Goal: a node that missed more than the gcache holds rejoins by SST over mutual TLS, with no
// manual step: it passes through JOINER, a donor serves it (DONOR), and it ends SYNCED with the
// same data and cluster state UUID as the others; flow-control and certification status
// variables are live. Method: real processes on loopback with gcache.size=1M; ~17k write-sets
// from mysql2 on two nodes while the third is stopped, so the log compacts past it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';
import { certMaxLengthDefault } from '../../src/core/certification/certification.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function scalar(node: NodeProcess, sql: string): Promise<string> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return String((rows as unknown[][])[0]![0]);
  } finally {
    await conn.end();
  }
}

async function exec(node: NodeProcess, sql: string): Promise<void> {
  const conn = await node.connect();
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/** `count` autocommit INSERTs through `connections` connections to `node`, ids from `first`. */
async function insertMany(node: NodeProcess, first: number, count: number, connections: number) {
  let next = first;
  const end = first + count;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const conn = await node.connect();
      try {
        for (let id = next++; id < end; id = next++)
          await conn.query('INSERT INTO sst.t (id, v) VALUES (?, ?)', [id, id % 97]);
      } finally {
        await conn.end();
      }
    }),
  );
}

describe('state snapshot transfer between real processes', { timeout: 400_000 }, () => {
  before(async () => {
    cluster = await localCluster(3, { providerOptions: 'gcache.size=1M' });
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('a node behind the compacted gcache rejoins by SST and ends synced with equal data', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const uuid = await n1.status('wsrep_cluster_state_uuid');
    assert.match(uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(uuid, '00000000-0000-0000-0000-000000000000', 'minted at bootstrap');
    await until(
      'the UUID spreads',
      async () => (await n3.status('wsrep_cluster_state_uuid')) === uuid,
    );
    await exec(n1, 'CREATE DATABASE sst');
    await exec(n1, 'CREATE TABLE sst.t (id INT PRIMARY KEY, v INT NOT NULL)');
    await n3.stop();
    await until('size 2', async () => (await n1.status('wsrep_cluster_size')) === '2');

    const rows = certMaxLengthDefault + 1500;
    const started = Date.now();
    await Promise.all([insertMany(n1, 0, rows / 2, 8), insertMany(n2, rows / 2, rows / 2, 8)]);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `# ${rows} write-sets in ${seconds.toFixed(1)} s (${(rows / seconds).toFixed(0)}/s)`,
    );
    await until(
      'the gcache compacts past the stopped node',
      async () => Number(await n1.status('wsrep_local_cached_downto')) > 100,
      60_000,
    );

    n3.start();
    await n3.waitReady(120_000);
    await until(
      'n3 synced',
      async () => (await n3.status('wsrep_local_state_comment')) === 'Synced',
      120_000,
    );
    const log3 = n3.output.join('\n');
    // The start says which limit bounds the log: here the certification window caps gcache.size.
    assert.match(log3, /gcache\.size=1\.0 MiB is smaller than the certification window/);
    assert.match(log3, /State transfer required/);
    assert.match(log3, /Shifting PRIMARY -> JOINER/);
    assert.match(log3, /SST complete: state [0-9a-f-]{36}:\d+ from n[12]/);
    assert.match(log3, /SSL handshake successful/);
    const donorLog = [...n1.output, ...n2.output].join('\n');
    assert.match(donorLog, /requested state transfer; this node is the donor/);
    assert.match(donorLog, /Shifting SYNCED -> DONOR/);
    assert.match(donorLog, /SST to n3 complete/);

    const expected = `${rows} ${await scalar(n1, 'SELECT SUM(v) FROM sst.t')}`;
    for (const node of nodes) {
      await until(`${node.name} has every row`, async () => {
        const count = await scalar(node, 'SELECT COUNT(*) FROM sst.t');
        const sum = await scalar(node, 'SELECT SUM(v) FROM sst.t');
        return `${count} ${sum}` === expected;
      });
    }
    assert.equal(await n3.status('wsrep_cluster_state_uuid'), uuid);
    assert.equal(await n1.status('wsrep_cluster_size'), '3');
    // The joiner is a full member: it writes, and the others see it.
    await exec(n3, 'INSERT INTO sst.t (id, v) VALUES (-1, 5)');
    await until(
      'n1 sees the write from n3',
      async () => (await scalar(n1, 'SELECT COUNT(*) FROM sst.t WHERE id = -1')) === '1',
    );
    assert.ok(
      Number(await n1.status('wsrep_cert_deps_distance')) > 0,
      'cert deps distance is live',
    );
    for (const name of ['wsrep_flow_control_sent', 'wsrep_flow_control_recv'])
      assert.match((await n1.status(name)) ?? '', /^\d+$/);
  });

  test('after losing two nodes for good, SET GLOBAL pc.bootstrap=YES makes the survivor primary', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    n2.kill9();
    n3.kill9();
    await Promise.all([n2.waitExit(), n3.waitExit()]);
    await until(
      'n1 non-primary',
      async () => (await n1.status('wsrep_cluster_status')) === 'non-Primary',
    );
    await assert.rejects(
      exec(n1, 'INSERT INTO sst.t (id, v) VALUES (-2, 1)'),
      /WSREP has not yet prepared node/,
    );
    await assert.rejects(
      exec(n1, "SET GLOBAL wsrep_provider_options='gcache.size=2G'"),
      (e: { errno?: number; message: string }) =>
        e.errno === 1210 && /cannot be changed while the node runs/.test(e.message),
    );
    await exec(n1, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'");
    await until(
      'n1 primary alone',
      async () => (await n1.status('wsrep_cluster_status')) === 'Primary',
    );
    assert.equal(await n1.status('wsrep_cluster_size'), '1');
    assert.match(n1.output.join('\n'), /pc.bootstrap=YES: forming a primary component of n1/);
    await until('n1 ready', async () => (await n1.status('wsrep_ready')) === 'ON');
    await exec(n1, 'INSERT INTO sst.t (id, v) VALUES (-2, 1)');
    n2.start();
    n3.start();
    await Promise.all([n2.waitReady(120_000), n3.waitReady(120_000)]);
    await until('3 again', async () => (await n1.status('wsrep_cluster_size')) === '3', 60_000);
    for (const node of [n2, n3])
      await until(
        `${node.name} has the write made alone`,
        async () => (await scalar(node, 'SELECT COUNT(*) FROM sst.t WHERE id = -2')) === '1',
      );
  });
});
