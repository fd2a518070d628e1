// Goal: gcache.size alone bounds the log, and a node rejoins by IST while the log still holds what
// it missed, else by SST over mutual TLS with no manual step: it passes through JOINER, a donor
// serves it (DONOR), and it ends SYNCED with the same data and cluster state UUID as the others;
// flow-control and certification status variables are live. Method: real processes on loopback
// with gcache.size=1M and write-sets of about 2 KiB: a few rows missed come back by IST, then
// 3 MiB of rows missed compact the log past the stopped node (the segment files on disk stay
// within gcache.size and one segment) and it comes back by SST.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

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

/** `count` autocommit INSERTs of about 2 KiB through `connections` connections, ids from `first`. */
async function insertMany(node: NodeProcess, first: number, count: number, connections: number) {
  let next = first;
  const end = first + count;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const conn = await node.connect();
      try {
        for (let id = next++; id < end; id = next++)
          await conn.query('INSERT INTO sst.t (id, v, pad) VALUES (?, ?, ?)', [
            id,
            id % 97,
            'x'.repeat(2000),
          ]);
      } finally {
        await conn.end();
      }
    }),
  );
}

/** Bytes of the gcache's segment files in a node's datadir (gcache.dir defaults to it). */
function segmentBytes(name: string): number {
  const dir = join(cluster.dir, name);
  return readdirSync(dir)
    .filter((f) => f.startsWith('gcache-') && f.endsWith('.seg'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** A node that stopped (exit 1) because its committed history differs from the primary's. */
/**
 * wsrep_cluster_conf_id once every node shows the same one, as Galera's integrity check expects
 * of a healthy cluster (each node counting its own view changes differed after any restart).
 */
async function agreedConfId(when: string): Promise<number> {
  let agreed = 0;
  await until(
    `wsrep_cluster_conf_id equal on every node ${when}`,
    async () => {
      const ids = await Promise.all(nodes.map((n) => n.status('wsrep_cluster_conf_id')));
      if (ids.some((id) => id !== ids[0])) throw new Error(`n1..n3 show ${ids.join(', ')}`);
      agreed = Number(ids[0]);
      return true;
    },
    15_000,
  );
  return agreed;
}

function stoppedWithReason(node: NodeProcess): boolean {
  return (
    !node.running &&
    node.exitCode === 1 &&
    /history differs from the primary component's at seqno \d+, which it committed .* move this datadir aside/.test(
      node.output.join('\n'),
    )
  );
}

/**
 * What the stop message says to do: each node's datadir moved aside, started on an empty one; it
 * rejoins by SST, and every node ends with exactly the survivor's rows among `ids`.
 */
async function rejoinOnEmptyDatadirs(
  survivor: NodeProcess,
  stopped: readonly NodeProcess[],
  ids: string,
  survivorIds: string,
): Promise<void> {
  assert.equal(await survivor.status('wsrep_cluster_status'), 'Primary');
  for (const node of stopped) {
    renameSync(
      join(cluster.dir, node.name),
      join(cluster.dir, `${node.name}.diverged-${Date.now()}`),
    );
    node.start();
  }
  await Promise.all(stopped.map((node) => node.waitReady(120_000)));
  await until('3 again', async () => (await survivor.status('wsrep_cluster_size')) === '3', 60_000);
  for (const node of nodes)
    await until(
      `${node.name} has the survivor's rows only`,
      async () =>
        (await scalar(
          node,
          `SELECT GROUP_CONCAT(id ORDER BY id) FROM sst.t WHERE id IN (${ids})`,
        )) === survivorIds,
    );
}

const mebibyte = 1024 * 1024;
/** gcache.size=1M makes segments of 128 KiB (an eighth of it). */
const segmentBytesMax = mebibyte / 8;

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

  test('gcache.size bounds the log; a node rejoins by IST within it, else by SST, and ends synced with equal data', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const uuid = await n1.status('wsrep_cluster_state_uuid');
    assert.match(uuid ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(uuid, '00000000-0000-0000-0000-000000000000', 'minted at bootstrap');
    await until(
      'the UUID spreads',
      async () => (await n3.status('wsrep_cluster_state_uuid')) === uuid,
    );
    const confAtStart = await agreedConfId('at the start');
    assert.ok(confAtStart > 0, 'a seqno');
    await exec(n1, 'CREATE DATABASE sst');
    await exec(n1, 'CREATE TABLE sst.t (id INT PRIMARY KEY, v INT NOT NULL, pad TEXT)');
    await until(
      'n3 has the table',
      async () => (await scalar(n3, 'SELECT COUNT(*) FROM sst.t')) === '0',
    );

    // A few rows missed (200 KiB) are still in the log: IST, no SST.
    await n3.stop();
    await until('size 2', async () => (await n1.status('wsrep_cluster_size')) === '2');
    await insertMany(n1, 0, 100, 4);
    let seen = n3.output.length;
    n3.start();
    await n3.waitReady(60_000);
    await until(
      'n3 has the rows by IST',
      async () => (await scalar(n3, 'SELECT COUNT(*) FROM sst.t')) === '100',
    );
    const istLog = n3.output.slice(seen).join('\n');
    assert.match(istLog, /IST received: [0-9a-f-]{36}:\d+/);
    assert.doesNotMatch(istLog, /State transfer required/);
    await agreedConfId('after a rejoin by IST');
    // The start says what bounds the log: gcache.size, not the certification window.
    assert.match(istLog, /gcache\.size=1\.0 MiB bounds the log .*neither limit caps the other/);

    // 3 MiB missed: the log compacts past n3, and stays within gcache.size and one segment.
    await n3.stop();
    await until('size 2 again', async () => (await n1.status('wsrep_cluster_size')) === '2');
    const behind = Number(await n1.status('wsrep_last_committed'));
    const rows = 1600;
    await Promise.all([
      insertMany(n1, 100, rows / 2, 4),
      insertMany(n2, 100 + rows / 2, rows / 2, 4),
    ]);
    await until(
      'the gcache compacts past the stopped node',
      async () => Number(await n1.status('wsrep_local_cached_downto')) > behind + 1,
      30_000,
    );
    for (const name of ['n1', 'n2'])
      await until(`${name}'s segments fit in gcache.size and one segment`, () =>
        Promise.resolve(segmentBytes(name) <= mebibyte + segmentBytesMax),
      );

    seen = n3.output.length;
    n3.start();
    await n3.waitReady(120_000);
    await until(
      'n3 synced',
      async () => (await n3.status('wsrep_local_state_comment')) === 'Synced',
      120_000,
    );
    const log3 = n3.output.slice(seen).join('\n');
    assert.match(
      log3,
      /State transfer required: IST is not possible: this node has seqno \d+ and the leader's gcache \(bounded by gcache\.size\) now holds seqnos from \d+ on/,
    );
    assert.match(log3, /Shifting PRIMARY -> JOINER/);
    assert.match(log3, /SST complete: state [0-9a-f-]{36}:\d+ from n[12]/);
    assert.match(log3, /SSL handshake successful/);
    const donorLog = [...n1.output, ...n2.output].join('\n');
    assert.match(donorLog, /requested state transfer; this node is the donor/);
    assert.match(donorLog, /Shifting SYNCED -> DONOR/);
    assert.match(donorLog, /SST to n3 complete/);

    const expected = `${rows + 100} ${await scalar(n1, 'SELECT SUM(v) FROM sst.t')}`;
    for (const node of nodes) {
      await until(`${node.name} has every row`, async () => {
        const count = await scalar(node, 'SELECT COUNT(*) FROM sst.t');
        const sum = await scalar(node, 'SELECT SUM(v) FROM sst.t');
        return `${count} ${sum}` === expected;
      });
    }
    assert.equal(await n3.status('wsrep_cluster_state_uuid'), uuid);
    assert.equal(await n1.status('wsrep_cluster_size'), '3');
    // n3's log begins at the donor's boundary, past the configuration entry in effect.
    const confAfterSst = await agreedConfId('after a rejoin by SST');
    // Every log compacted past the configuration entry in effect: the stores keep its seqno.
    await insertMany(n2, 10_000, 1600, 4);
    for (const node of nodes)
      await until(
        `${node.name}'s gcache compacts past seqno ${confAfterSst}`,
        async () => Number(await node.status('wsrep_local_cached_downto')) > confAfterSst + 1,
        30_000,
      );
    assert.equal(await agreedConfId('once no log holds that entry'), confAfterSst);
    // kill -9 changes no configuration: n1 restarts with none in its log.
    n1.kill9();
    await n1.waitExit();
    n1.start();
    await n1.waitReady(60_000);
    await until(
      'n1 synced',
      async () => (await n1.status('wsrep_local_state_comment')) === 'Synced',
    );
    assert.equal(await agreedConfId('after a restart on a compacted log'), confAfterSst);
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
    // A name no version knows is said to be unknown, not fixed.
    await assert.rejects(
      exec(n1, "SET GLOBAL wsrep_provider_options='no.such=1'"),
      (e: { errno?: number; message: string }) =>
        e.errno === 1210 && /Unrecognized parameter 'no\.such'/.test(e.message),
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
    await agreedConfId('after pc.bootstrap and the lost nodes back');
  });

  test('a node that committed what the forced survivor lacks stops and says what to do; on an empty datadir it rejoins by SST', async () => {
    const leaderName = await nodes[0]!.status('wsrep_raft_leader');
    const leader = nodes.find((n) => n.name === leaderName)!;
    assert.ok(leader !== undefined, `leader ${leaderName}`);
    const [survivor, other] = nodes.filter((n) => n !== leader) as [NodeProcess, NodeProcess];
    // The survivor reads nothing while the other two commit a row, then all three die: what was
    // in its socket buffers is gone with it.
    process.kill(survivor.pid!, 'SIGSTOP');
    await exec(leader, 'INSERT INTO sst.t (id, v) VALUES (-3, 1)');
    leader.kill9();
    other.kill9();
    survivor.kill9();
    await Promise.all([leader.waitExit(), other.waitExit(), survivor.waitExit()]);
    survivor.start();
    await until(
      `${survivor.name} non-primary`,
      async () => (await survivor.status('wsrep_cluster_status')) === 'non-Primary',
      60_000,
    );
    await exec(survivor, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'");
    await until('survivor ready', async () => (await survivor.status('wsrep_ready')) === 'ON');
    await exec(survivor, 'INSERT INTO sst.t (id, v) VALUES (-4, 1)');
    leader.start();
    other.start();
    // The old leader acknowledged the row, so it committed it; the other may not have learned
    // that before it died (then it just rejoins: what it holds uncommitted is not its history).
    await until(
      `${leader.name} stopped, saying why`,
      () => Promise.resolve(stoppedWithReason(leader)),
      60_000,
    );
    await until(
      `${other.name} stopped, saying why, or rejoined`,
      async () => stoppedWithReason(other) || (await survivor.status('wsrep_cluster_size')) === '2',
      60_000,
    );
    await rejoinOnEmptyDatadirs(
      survivor,
      [leader, other].filter((n) => !n.running),
      '-3, -4',
      '-4',
    );
  });

  test('lost nodes that come back cut off from the forced survivor form their own primary component; when they meet it, it prevails', async () => {
    const [survivor, a, b] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    a.kill9();
    b.kill9();
    await Promise.all([a.waitExit(), b.waitExit()]);
    await until(
      'non-primary',
      async () => (await survivor.status('wsrep_cluster_status')) === 'non-Primary',
    );
    await exec(survivor, "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'");
    await until('survivor ready', async () => (await survivor.status('wsrep_ready')) === 'ON');
    await exec(survivor, 'INSERT INTO sst.t (id, v) VALUES (-6, 1)');
    // README: a majority of the old nodes that comes back cut off from the survivor cannot tell
    // this from a whole-cluster restart, and forms a primary component of its own.
    process.kill(survivor.pid!, 'SIGSTOP');
    try {
      a.start();
      b.start();
      await Promise.all([a.waitReady(60_000), b.waitReady(60_000)]);
      assert.equal(await a.status('wsrep_cluster_status'), 'Primary');
      await exec(a, 'INSERT INTO sst.t (id, v) VALUES (-5, 1)');
    } finally {
      process.kill(survivor.pid!, 'SIGCONT');
    }
    await until(
      'both stopped, saying why',
      () => Promise.resolve(stoppedWithReason(a) && stoppedWithReason(b)),
      60_000,
    );
    await rejoinOnEmptyDatadirs(survivor, [a, b], '-5, -6', '-6');
  });
});
