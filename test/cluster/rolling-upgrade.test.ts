// Goal: the tutorial's rolling upgrade (stop a node, run it alone with wsrep_on=OFF, start it
// again in the cluster) never loses or hides data: writes made while alone do not move the
// node's cluster position, are counted and logged, and on rejoin the node refuses IST, keeps a
// dump of them in its datadir and takes an SST, so all nodes end with the cluster's rows.
// Method: three real processes on loopback, mysql2 clients, the issue's repro step by step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function query(node: NodeProcess, sql: string): Promise<unknown[][]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return rows as unknown[][];
  } finally {
    await conn.end();
  }
}

async function ids(node: NodeProcess): Promise<string> {
  const rows = await query(node, 'SELECT id FROM up.t ORDER BY id');
  return rows.map((r) => String(r[0])).join(',');
}

/** Waits until a standalone node answers queries. */
async function waitListening(node: NodeProcess): Promise<void> {
  await until(`${node.name} listening`, async () => (await query(node, 'SELECT 1')).length === 1);
}

describe('rolling upgrade with wsrep_on=OFF', { timeout: 240_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('local writes made alone are kept aside and the node rejoins by SST with the cluster rows', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await query(n1, 'CREATE DATABASE up');
    await query(n1, 'CREATE TABLE up.t (id INT PRIMARY KEY)');
    await query(n1, 'INSERT INTO up.t VALUES (1)');
    await until('n2 has row 1', async () => (await ids(n2)) === '1');
    const positionBefore = await n2.status('wsrep_last_committed');

    await n2.stop();
    n2.start(['--wsrep-on=OFF']);
    await waitListening(n2);
    await query(n2, 'INSERT INTO up.t VALUES (100)');
    await query(n2, 'INSERT INTO up.t VALUES (101)');
    assert.equal(await ids(n2), '1,100,101');
    // Alone, the node does not move its cluster position; it counts its local commits.
    assert.equal(await n2.status('wsrep_last_committed'), positionBefore);
    assert.equal(await n2.status('wsrep_local_commits'), '2');
    for (const id of [2, 3, 4]) await query(n1, `INSERT INTO up.t VALUES (${id})`);
    await n2.stop();
    const alone = n2.output.join('\n');
    assert.match(alone, /2 local transactions? .*not in the cluster/);

    n2.output.length = 0;
    n2.start();
    await n2.waitReady(90_000);
    await until(
      'n2 synced',
      async () => (await n2.status('wsrep_local_state_comment')) === 'Synced',
    );
    const log = n2.output.join('\n');
    assert.match(log, /refusing IST: 2 local transactions not in the cluster/);
    assert.match(log, /SST complete/);
    // Both sides name the method, the bytes, the time and the rate.
    const donors = [...n1.output, ...n3.output].join('\n');
    const sizes =
      /\d+\.\d MiB \(database \d+\.\d MiB, \d+ log entries\) in \d+\.\d s, \d+\.\d MiB\/s/;
    assert.match(
      log,
      /WSREP_SST: joiner n2, donor n[13]: method mariabackup: trireme's physical copy/,
    );
    assert.match(log, new RegExp(`WSREP_SST: received ${sizes.source}`));
    assert.match(donors, /WSREP_SST: donor n[13], joiner n2: method mariabackup/);
    assert.match(donors, new RegExp(`WSREP_SST: sent ${sizes.source}`));
    for (const node of [n1, n2, n3])
      await until(
        `${node.name} holds the cluster rows`,
        async () => (await ids(node)) === '1,2,3,4',
      );
    assert.equal(await n2.status('wsrep_last_committed'), await n1.status('wsrep_last_committed'));

    // The local changes are kept in the datadir as SQL a user can read and replay.
    const datadir = join(cluster.dir, 'n2');
    const dumps = readdirSync(datadir).filter((f) => /^local-history-.*\.sql$/.test(f));
    assert.equal(dumps.length, 1, `one dump in ${readdirSync(datadir).join(' ')}`);
    const dump = readFileSync(join(datadir, dumps[0]!), 'utf8');
    assert.match(dump, /INSERT INTO `up`\.`t` .*100/);
    assert.match(dump, /INSERT INTO `up`\.`t` .*101/);

    // The node is a full member again: it writes, and the others see it.
    await query(n2, 'INSERT INTO up.t VALUES (5)');
    await until('n3 sees the write from n2', async () => (await ids(n3)) === '1,2,3,4,5');
  });

  test('a node with local history cannot bootstrap the existing cluster, and rejoins by SST', async () => {
    const [n1, , n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await n3.stop();
    n3.start(['--wsrep-on=OFF']);
    await waitListening(n3);
    await query(n3, 'INSERT INTO up.t VALUES (200)');
    await n3.stop();
    n3.output.length = 0;
    n3.start(['--wsrep-new-cluster']);
    await n3.waitExit();
    assert.match(n3.output.join('\n'), /1 local transactions not in the cluster.*cannot bootstrap/);
    n3.start(['--wsrep-sst-method=mysqldump']);
    await n3.waitReady(90_000);
    const log3 = n3.output.join('\n');
    assert.match(log3, /joiner n3, donor n[12]: method mysqldump: trireme's logical transfer/);
    assert.match(log3, /WSREP_SST: loaded \d+ SQL statements into a database of storage format/);
    await until(`n3 holds the cluster rows`, async () => (await ids(n3)) === (await ids(n1)));
    assert.doesNotMatch(await ids(n3), /200/);
  });
});

describe('a standalone datadir becomes a cluster', { timeout: 120_000 }, () => {
  let pair: LocalCluster;
  let both: NodeProcess[];
  before(async () => {
    pair = await localCluster(2);
    both = pair.names.map((name) => new NodeProcess(name, pair));
  });

  after(async () => {
    for (const node of both ?? []) await node.stop();
    pair?.cleanup();
  });

  test('its rows are the first state of the new cluster, and a joiner gets them', async () => {
    const [n1, n2] = both as [NodeProcess, NodeProcess];
    n1.start(['--wsrep-on=OFF']);
    await waitListening(n1);
    await query(n1, 'CREATE DATABASE up');
    await query(n1, 'CREATE TABLE up.t (id INT PRIMARY KEY)');
    await query(n1, 'INSERT INTO up.t VALUES (1), (2)');
    await n1.stop();
    n1.output.length = 0;
    n1.start(['--wsrep-new-cluster']);
    await n1.waitReady();
    assert.match(n1.output.join('\n'), /bootstrapping a new cluster on \d+ local transactions/);
    await query(n1, 'INSERT INTO up.t VALUES (3)');
    n2.start();
    await n2.waitReady(90_000);
    await query(n2, 'INSERT INTO up.t VALUES (4)');
    for (const node of both)
      await until(`${node.name} holds every row`, async () => (await ids(node)) === '1,2,3,4');
  });
});
