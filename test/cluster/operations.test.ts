// Operating a cluster configured as the README and Galera's tutorials do (no gmcast.listen_addr):
// one replication link per pair that stays up while idle, status and variables that say what is
// in effect (replication traffic, WAL checkpoints on each node's worker), grastate.dat's safe_to_bootstrap on the last node only, a refused unsafe bootstrap,
// and 1047 (not 1045) with a reason in the log on a node outside the primary component. Real
// `trireme` processes on loopback, observed through mysql2 and their files.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

before(async () => {
  cluster = await localCluster(3, { listenAddr: false });
  nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  await startAll(nodes);
});

after(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  cluster.cleanup();
});

async function statusNumber(node: NodeProcess, name: string): Promise<number> {
  return Number(await node.status(name));
}

async function variable(node: NodeProcess, name: string): Promise<string> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query('SHOW VARIABLES LIKE ?', [name]);
    return (rows as Array<{ Value: string }>)[0]?.Value ?? '';
  } finally {
    await conn.end();
  }
}

function grastate(name: string): { uuid: string; seqno: number; safe: string } {
  const text = readFileSync(join(cluster.dir, name, 'grastate.dat'), 'utf8');
  return {
    uuid: /^uuid:\s*(\S+)/m.exec(text)?.[1] ?? '',
    seqno: Number(/^seqno:\s*(-?\d+)/m.exec(text)?.[1]),
    safe: /^safe_to_bootstrap:\s*(\d)/m.exec(text)?.[1] ?? '',
  };
}

async function errorCode(node: NodeProcess, sql: string): Promise<number | null> {
  try {
    const conn = await node.connect();
    try {
      await conn.query(sql);
      return null;
    } finally {
      await conn.end();
    }
  } catch (error) {
    return (error as { errno?: number }).errno ?? -1;
  }
}

test('an idle cluster keeps one link per pair: no re-handshakes', async () => {
  const before = await Promise.all(nodes.map((n) => statusNumber(n, 'wsrep_peer_handshakes')));
  await sleep(10_000);
  const afterIdle = await Promise.all(nodes.map((n) => statusNumber(n, 'wsrep_peer_handshakes')));
  for (const [i, node] of nodes.entries()) {
    // Each node has two peers; before the fix a link was re-made about ten times a second.
    assert.ok(afterIdle[i]! - before[i]! <= 1, `${node.name}: ${before[i]} -> ${afterIdle[i]}`);
    assert.ok(afterIdle[i]! >= 2, `${node.name} has its two links`);
  }
});

test('status and variables say what is configured and in effect', async () => {
  const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  const conn = await n1.connect();
  await conn.query('CREATE DATABASE ops');
  await conn.query('CREATE TABLE ops.t (id INT PRIMARY KEY)');
  await conn.query('INSERT INTO ops.t VALUES (1), (2)');
  await conn.end();
  await until(
    'n2 received the write-sets',
    async () => (await statusNumber(n2, 'wsrep_received')) >= 3,
  );
  assert.ok((await statusNumber(n1, 'wsrep_replicated')) >= 3);
  assert.equal(await statusNumber(n3, 'wsrep_replicated'), 0);

  const clients = cluster.names.map((n) => `127.0.0.1:${cluster.clientPorts.get(n)}`).join(',');
  for (const node of nodes) {
    await until(
      `${node.name} lists every client address`,
      async () => (await node.status('wsrep_incoming_addresses')) === clients,
      5000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await node.status('wsrep_incoming_addresses')}`);
    });
  }
  const replicationPort = cluster.replicationPorts.get('n1');
  assert.equal(await variable(n1, 'wsrep_node_address'), `127.0.0.1:${replicationPort}`);
  assert.equal(await variable(n1, 'wsrep_sst_receive_address'), '127.0.0.1:4444');

  const text = await variable(n1, 'wsrep_provider_options');
  const options = new Map(text.split('; ').map((item) => item.split(' = ') as [string, string]));
  assert.equal(options.get('gcache.size'), '128M');
  assert.equal(options.get('gcache.dir'), join(cluster.dir, 'n1'));
  assert.equal(options.get('gcache.recover'), 'no');
  assert.equal(options.get('evs.suspect_timeout'), 'PT1S');
  assert.equal(options.get('evs.inactive_timeout'), 'PT3S');
  assert.equal(options.get('evs.keepalive_period'), 'PT1S');
  assert.equal(options.get('gcs.fc_limit'), '16');
  assert.equal(options.get('gmcast.listen_addr'), `ssl://0.0.0.0:${replicationPort}`);
  assert.equal(options.get('ist.recv_addr'), `127.0.0.1:${replicationPort! + 1}`);
  assert.equal(options.get('socket.ssl'), 'YES');
  assert.match(options.get('socket.ssl_cert') ?? '', /n1-cert\.pem$/);
  assert.match(options.get('socket.ssl_key') ?? '', /n1-key\.pem$/);
  assert.match(options.get('socket.ssl_ca') ?? '', /ca\.pem$/);
  assert.equal(options.get('pc.bootstrap'), 'no');
});

test('replication traffic and WAL checkpoints show in SHOW STATUS on every node', async () => {
  const names = [
    'trireme_peer_messages_sent',
    'trireme_peer_messages_received',
    'trireme_peer_socket_writes',
    'wsrep_last_committed',
  ];
  const read = (): Promise<number[][]> =>
    Promise.all(nodes.map((n) => Promise.all(names.map((name) => statusNumber(n, name)))));
  const was = await read();
  const conn = await nodes[0]!.connect();
  await conn.query('CREATE DATABASE traffic');
  await conn.query('CREATE TABLE traffic.t (id INT PRIMARY KEY)');
  for (let id = 1; id <= 20; id++) await conn.query('INSERT INTO traffic.t VALUES (?)', [id]);
  await conn.end();
  for (const [i, node] of nodes.entries())
    await until(
      `${node.name} applied the writes`,
      async () => (await statusNumber(node, 'wsrep_last_committed')) >= was[i]![3]! + 22,
    );
  const now = await read();
  for (const [i, node] of nodes.entries()) {
    const [sent, received, writes, committed] = names.map((_, k) => now[i]![k]! - was[i]![k]!);
    assert.ok(committed! >= 22, `${node.name} committed ${committed}`);
    // Each commit reached every node over its links: something was sent and received on each.
    assert.ok(sent! > 0 && received! > 0, `${node.name}: sent ${sent}, received ${received}`);
    // Frames of one turn of the event loop share a write.
    assert.ok(
      writes! > 0 && writes! <= sent!,
      `${node.name}: ${writes} writes for ${sent} messages`,
    );
  }
  // The engine's count of point writes run twice beside a transaction's stash is shown too.
  assert.equal(Number.isInteger(await statusNumber(nodes[0]!, 'trireme_writer_reruns')), true);
  // Every node's WAL goes into its database file on the checkpoint worker's thread, within a
  // few of its 500 ms ticks of these commits (docs/design/storage.md).
  for (const node of nodes)
    await until(
      `${node.name}'s checkpoint worker copied frames`,
      async () =>
        (await statusNumber(node, 'trireme_wal_checkpoints')) > 0 &&
        (await statusNumber(node, 'trireme_wal_frames_checkpointed')) > 0,
    );
});

test('only the last node to leave is safe to bootstrap; the others refuse to', async () => {
  const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  for (const node of [n3, n2, n1]) await node.stop();
  const states = new Map(cluster.names.map((n) => [n, grastate(n)]));
  assert.equal(states.get('n1')!.safe, '1');
  assert.equal(states.get('n2')!.safe, '0');
  assert.equal(states.get('n3')!.safe, '0');
  for (const [name, state] of states) assert.ok(state.seqno > 0, `${name}: seqno ${state.seqno}`);

  n2.start([], 'bootstrap');
  await n2.waitExit();
  assert.equal(n2.exitCode, 1);
  const refusal = n2.output.filter((line) => line.includes('safe to bootstrap'));
  assert.equal(refusal.length, 1, n2.output.join('\n'));
  assert.match(refusal[0]!, /not the last one to leave the cluster/);
  assert.match(refusal[0]!, /--force/);
  assert.match(refusal[0]!, /safe_to_bootstrap/);
});

// After a whole-cluster stop, Galera's operators (and galera_recovery) find the most advanced node
// with `mysqld --wsrep-recover`: it prints "WSREP: Recovered position: UUID:SEQNO" and exits.
test("trireme start --wsrep-recover prints a stopped node's position and exits", async () => {
  const positions = new Map<string, { uuid: string; seqno: number }>();
  for (const node of nodes) {
    node.output.length = 0;
    node.start(['--wsrep-recover']);
    await node.waitExit();
    assert.equal(node.exitCode, 0, node.output.join('\n'));
    const line = node.output.find((l) => l.includes('WSREP: Recovered position:'));
    const match = /Recovered position: ([0-9a-f-]{36}):(-?\d+)$/.exec(line ?? '');
    assert.ok(match, node.output.join('\n'));
    assert.ok(!node.output.some((l) => l.includes('ready for connections')), 'it started');
    assert.ok(
      node.output.some((l) => /last seqno \d+ in term [1-9]\d*/.test(l)),
      'no term',
    );
    positions.set(node.name, { uuid: match[1]!, seqno: Number(match[2]) });
  }
  for (const [name, position] of positions) {
    const state = grastate(name);
    assert.equal(position.uuid, state.uuid, name);
    // The log may hold entries past what was applied at the stop, never fewer.
    assert.ok(position.seqno >= state.seqno, `${name}: ${position.seqno} < ${state.seqno}`);
  }
  // n1 left last: nothing the others have is past it.
  const n1 = positions.get('n1')!.seqno;
  for (const [name, position] of positions) assert.ok(position.seqno <= n1, name);
});

test('a node outside the primary component answers 1047 and says why', async () => {
  const [, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  // n2 has the accounts; n3 starts empty, so it has none yet: both are not ready (1047).
  rmSync(join(cluster.dir, 'n3'), { recursive: true, force: true });
  n2.output.length = 0;
  n2.start();
  n3.start();
  await until('n2 answers 1047', async () => (await errorCode(n2, 'SELECT * FROM ops.t')) === 1047);
  await until('n3 answers 1047', async () => (await errorCode(n3, 'SELECT 1')) === 1047);
  await until('n2 logs why it waits', () =>
    Promise.resolve(n2.output.some((line) => line.includes('not in a primary component'))),
  );
  const why = n2.output.find((line) => line.includes('not in a primary component'))!;
  assert.match(why, new RegExp(`127\\.0\\.0\\.1:${cluster.replicationPorts.get('n1')}`));
  assert.match(why, /trireme bootstrap/);
  await Promise.all([n2.stop(), n3.stop()]);
});

test('trireme bootstrap --force starts an unsafe node as a new primary component', async () => {
  const n2 = nodes[1]!;
  n2.start(['--force'], 'bootstrap');
  await n2.waitReady();
  const conn = await n2.connect();
  const [rows] = await conn.query('SELECT id FROM ops.t ORDER BY id');
  await conn.end();
  assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
});
