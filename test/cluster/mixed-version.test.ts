// Goal: a rolling upgrade across a protocol version works: nodes of the previous release (version
// N) and of this build (..N+1) form one cluster that speaks N (wsrep_protocol_version) and
// replicates over links of version N until the last old node is upgraded, then N+1 (version 6,
// DDL rules 6: a DDL builds a PRIMARY KEY over a prefix on the prefix only then, on every node
// alike); a node too old or too new for the others is refused, with both version ranges named
// on both sides. Method: three real processes of this build; the "old" node is the same tree
// started with the test-only knob TRIREME_TEST_PROTOCOL_VERSIONS (N alone, what the previous
// release speaks), "too new" and "too old" announce ranges disjoint from this build's, and once
// such a key is built the previous release is too old.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { protocolVersionMax, protocolVersionMin } from '../../src/net/handshake.js';
import { protocolVersionsEnv } from '../../src/node/protocol-version.js';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, until } from './processes.js';

const N = protocolVersionMax - 1;
const oldBuild = { [protocolVersionsEnv]: `${N}` };
/** What this build speaks, as the log writes it. */
const ours = `${protocolVersionMin}\\.\\.${protocolVersionMax}`;

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function count(node: NodeProcess): Promise<number> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql: 'SELECT COUNT(*) FROM mv.t', rowsAsArray: true });
    return Number((rows as unknown[][])[0]![0]);
  } finally {
    await conn.end();
  }
}

async function rowsOf(node: NodeProcess, table = 'p'): Promise<number> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql: `SELECT COUNT(*) FROM mv.${table}`, rowsAsArray: true });
    return Number((rows as unknown[][])[0]![0]);
  } catch {
    return -1;
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

describe('mixed-version cluster', { timeout: 240_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('N and N+1 nodes form one cluster at N, which moves to N+1 once the last is upgraded', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    n1.start(['--wsrep-new-cluster']);
    await n1.waitReady();
    n2.start([], oldBuild);
    n3.start([]);
    await Promise.all([n2.waitReady(), n3.waitReady()]);
    await until('cluster size 3', async () => (await n1.status('wsrep_cluster_size')) === '3');
    for (const node of nodes)
      assert.equal(await node.status('wsrep_protocol_version'), String(N), node.name);
    await exec(n1, 'CREATE DATABASE mv');
    await exec(n1, 'CREATE TABLE mv.t (id INT PRIMARY KEY)');
    // DDL applies on the others asynchronously: wait until they have the table.
    for (const node of [n2, n3])
      await until(`${node.name} has mv.t`, async () => (await count(node)) === 0);
    await exec(n2, 'INSERT INTO mv.t VALUES (1)');
    await exec(n3, 'INSERT INTO mv.t VALUES (2)');
    for (const node of nodes)
      await until(`${node.name} has 2 rows`, async () => (await count(node)) === 2);
    assert.match(
      n1.output.join('\n'),
      new RegExp(`protocol version ${N} \\(this node speaks ${ours}`),
    );
    // Version 6 builds a PRIMARY KEY over a prefix on the prefix; until every member speaks it,
    // a DDL builds it on the whole column, as the earlier release does, on every node alike.
    await exec(n1, 'CREATE TABLE mv.p (v VARCHAR(9), PRIMARY KEY (v(3)))');
    await exec(n1, "INSERT INTO mv.p VALUES ('abc1')");
    await exec(n2, "INSERT INTO mv.p VALUES ('abc2')");
    for (const node of nodes)
      await until(`${node.name} has both rows of mv.p`, async () => (await rowsOf(node)) === 2);

    // Upgrade the last old node: the cluster moves to N+1.
    await n2.stop();
    n2.start([]);
    await n2.waitReady(60_000);
    for (const node of nodes)
      await until(
        `${node.name} speaks ${N + 1}`,
        async () => (await node.status('wsrep_protocol_version')) === String(N + 1),
      );
    await exec(n2, 'INSERT INTO mv.t VALUES (3)');
    for (const node of nodes)
      await until(`${node.name} has 3 rows`, async () => (await count(node)) === 3);
    // Now a new prefix key holds on its prefix on every node; the earlier one stays as built.
    await exec(n1, 'CREATE TABLE mv.q (v VARCHAR(9), PRIMARY KEY (v(3)))');
    await exec(n1, "INSERT INTO mv.q VALUES ('abc1')");
    for (const node of nodes) {
      await until(`${node.name} has mv.q's row`, async () => (await rowsOf(node, 'q')) === 1);
      await assert.rejects(exec(node, "INSERT INTO mv.q VALUES ('abc2')"), { errno: 1062 });
    }
    await exec(n2, 'ALTER DATABASE mv COLLATE utf8mb4_bin');
    await exec(n3, 'CREATE TABLE mv.c (v VARCHAR(3))');
    for (const node of nodes)
      await until(`${node.name} made mv.c in utf8mb4_bin`, async () => {
        const conn = await node.connect();
        try {
          const [rows] = await conn.query({ sql: 'SHOW CREATE TABLE mv.c', rowsAsArray: true });
          return /COLLATE=utf8mb4_bin/.test(String((rows as unknown[][])[0]![1]));
        } catch {
          return false;
        } finally {
          await conn.end();
        }
      });
    await exec(n3, "INSERT INTO mv.p VALUES ('abc3')");
    for (const node of nodes)
      await until(`${node.name} has 3 rows of mv.p`, async () => (await rowsOf(node)) === 3);
    assert.match(n1.output.join('\n'), new RegExp(`protocol version ${N + 1} \\(this node speaks`));
  });

  test('a node too new or too old for the cluster is refused, naming both versions', async () => {
    const [n1, , n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await n3.stop();
    // The first test built a PRIMARY KEY on its prefix: the nodes now speak version N+1 alone.
    const oursNow = `${N + 1}\\.\\.${N + 1}`;
    for (const [range, age] of [
      [`${N + 2}..${N + 2}`, 'new'],
      [`1..${protocolVersionMin - 1}`, 'old'],
    ] as const) {
      n1.output.length = 0;
      n3.output.length = 0;
      n3.start([], { [protocolVersionsEnv]: range });
      const theirs = range.replace(/\./g, '\\.');
      // Both sides name both ranges: the refusing node, and the refused one from its own check.
      const onN1 = new RegExp(
        `speaks versions ${oursNow}, the peer n3 ${theirs}: the peer is too ${age}`,
      );
      const onN3 = new RegExp(`speaks versions ${theirs}, the peer n[12] ${oursNow}`);
      await until(`n1 refuses n3 (${range})`, () =>
        Promise.resolve(onN1.test(n1.output.join('\n'))),
      );
      await until(`n3 hears why (${range})`, () =>
        Promise.resolve(onN3.test(n3.output.join('\n'))),
      );
      assert.notEqual(await n1.status('wsrep_cluster_size'), '3');
      await n3.stop();
    }
    // A node of the release before version 6 would drop that key's index in a rebuild: it is
    // refused as too old, though it spoke with these nodes before.
    n1.output.length = 0;
    n3.start([], oldBuild);
    const refused = new RegExp(
      `speaks versions ${oursNow}, the peer n3 ${N}\\.\\.${N}: the peer is too old`,
    );
    await until('n1 refuses the old n3', () => Promise.resolve(refused.test(n1.output.join('\n'))));
    assert.notEqual(await n1.status('wsrep_cluster_size'), '3');
    await n3.stop();
  });
});
