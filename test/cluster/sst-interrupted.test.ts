// Goal: a state transfer cut in the middle leaves nothing broken: when the donor is killed the
// joiner asks another donor and ends with the cluster's rows; when the joiner is killed the
// donor goes back to Synced and leaves no file behind, and the joiner, started again, takes a
// whole new SST (no half-installed state); a donor removes at start a copy a cut transfer left
// (an encrypted or logical donor copies its database first). Method: four real processes (so
// the donors keep a majority when one of them dies and the joiner, silent while alone, was
// removed); the joiner is made to need an SST by writing alone (wsrep_on=OFF), and the donors
// pause before each piece they send (the test-only knob TRIREME_TEST_SST_DELAY_MS), so the kill
// lands while bytes are due.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sstTestDelayEnv } from '../../src/transfer/sst.js';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, until } from './processes.js';

const slow = { [sstTestDelayEnv]: '3000' };

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
  return (await query(node, 'SELECT id FROM cut.t ORDER BY id')).map((r) => String(r[0])).join(',');
}

/** n3 writes a row alone, so that its next cluster start must take an SST. */
async function divergeAndRestart(n3: NodeProcess, id: number): Promise<void> {
  await n3.stop();
  n3.start(['--wsrep-on=OFF'], slow);
  await until('n3 alone', async () => (await query(n3, 'SELECT 1')).length === 1);
  await query(n3, `INSERT INTO cut.t VALUES (${id})`);
  await n3.stop();
  n3.output.length = 0;
  n3.start([], slow);
}

/** Waits until one of `donors` serves n3, and returns it. */
async function donorOf(donors: readonly NodeProcess[]): Promise<NodeProcess> {
  let found: NodeProcess | undefined;
  await until('a donor serves n3', () => {
    found = donors.find((d) => d.output.some((l) => /Member n3 requested state transfer/.test(l)));
    return Promise.resolve(found !== undefined);
  });
  return found!;
}

/**
 * Kills whichever of `donors` serves n3 once n3 receives its state, and waits for n3 to be ready
 * from another. Returns the killed donor, n3's log, and the others' names as a regex group.
 */
async function killDonorMidTransfer(
  donors: readonly NodeProcess[],
  n3: NodeProcess,
): Promise<{ donor: NodeProcess; others: NodeProcess[]; log: string; names: string }> {
  const donor = await donorOf(donors);
  const others = donors.filter((d) => d !== donor);
  await until('n3 receives the state', () =>
    Promise.resolve(n3.output.some((l) => /WSREP_SST: receiving state/.test(l))),
  );
  donor.kill9();
  await donor.waitExit();
  await n3.waitReady(90_000);
  const log = n3.output.join('\n');
  assert.match(
    log,
    new RegExp(
      `state transfer from ${donor.name} failed: .*; asking (${others.map((o) => o.name).join('|')}) in 1000 ms`,
    ),
  );
  return { donor, others, log, names: others.map((o) => o.name).join('|') };
}

function leftovers(name: string): string[] {
  return readdirSync(join(cluster.dir, name)).filter((f) => /^sst-|\.pending$/.test(f));
}

describe('state transfer cut in the middle', { timeout: 240_000 }, () => {
  before(async () => {
    cluster = await localCluster(4, { providerOptions: 'gcache.size=1M' });
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    const [n1, n2, n3, n4] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
    n1.start(['--wsrep-new-cluster'], slow);
    await n1.waitReady();
    for (const node of [n2, n3, n4]) node.start([], slow);
    await Promise.all([n2.waitReady(), n3.waitReady(), n4.waitReady()]);
    await query(n1, 'CREATE DATABASE cut');
    await query(n1, 'CREATE TABLE cut.t (id INT PRIMARY KEY)');
    await query(n1, 'CREATE TABLE cut.w (id INT PRIMARY KEY)');
    await query(n1, 'CREATE TABLE cut.big (id INT PRIMARY KEY, pad TEXT)');
    await query(n1, 'INSERT INTO cut.t VALUES (1)');
    await until('n3 has row 1', async () => (await ids(n3)) === '1');
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('a donor killed mid-transfer: the joiner takes the state from another donor', async () => {
    const [n1, n2, n3, n4] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
    const donors = [n1, n2, n4];
    for (const node of donors) node.output.length = 0;
    await divergeAndRestart(n3, 100);
    const { donor, others, log } = await killDonorMidTransfer(donors, n3);
    assert.match(
      log,
      new RegExp(
        `SST complete: state [0-9a-f-]+:\\d+ from (${others.map((o) => o.name).join('|')})`,
      ),
    );
    await until(
      'n3 holds the cluster rows',
      async () => (await ids(n3)) === (await ids(others[0]!)),
    );
    assert.equal(await ids(n3), '1');
    assert.deepEqual(leftovers('n3'), []);
    // A plaintext donor streams its live database file: the kill leaves no copy. An encrypted
    // or logical donor's copy, left by such a kill, is removed when it starts again.
    assert.deepEqual(leftovers(donor.name), []);
    writeFileSync(join(cluster.dir, donor.name, `sst-donor-${randomUUID()}.db`), 'x'.repeat(4096));
    donor.start([], slow);
    await donor.waitReady(60_000);
    assert.match(
      donor.output.join('\n'),
      /removed sst-donor-[0-9a-f-]+\.db \([\d.]+ MiB\), left by a state transfer that was cut/,
    );
    assert.deepEqual(leftovers(donor.name), []);
  });

  test('a joiner killed mid-transfer: the donor returns to Synced, the joiner starts over', async () => {
    const [n1, n2, n3, n4] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
    for (const node of [n1, n2, n4]) node.output.length = 0;
    await divergeAndRestart(n3, 200);
    const donor = await donorOf([n1, n2, n4]);
    // The donor streams its live file, frozen, while its own clients commit (README: none of the
    // methods blocks the donor).
    await until('n3 receives the state', () =>
      Promise.resolve(n3.output.some((l) => /WSREP_SST: receiving state/.test(l))),
    );
    assert.match(
      donor.output.join('\n'),
      /WSREP_SST: froze the database file at seqno \d+ in [\d.]+ s \(writes waited \d+ ms for a checkpoint\)/,
    );
    await query(donor, 'INSERT INTO cut.w VALUES (1)');
    assert.deepEqual(await query(donor, 'SELECT COUNT(*) FROM cut.w'), [[1]]);
    n3.kill9();
    await n3.waitExit();
    await until(`${donor.name} logs the failed SST`, () =>
      Promise.resolve(donor.output.some((l) => /SST to n3 failed/.test(l))),
    );
    await until(
      `${donor.name} back to Synced`,
      async () => (await donor.status('wsrep_local_state_comment')) === 'Synced',
    );
    assert.deepEqual(leftovers(donor.name), []);
    n3.output.length = 0;
    n3.start();
    await n3.waitReady(90_000);
    assert.match(n3.output.join('\n'), /refusing IST: 1 local transactions not in the cluster/);
    await until('n3 holds the cluster rows', async () => (await ids(n3)) === '1');
    assert.deepEqual(leftovers('n3'), []);
  });

  // A node behind the gcache (not one with local history, which asks every second anyway): the
  // leader names a donor; when that donor dies the joiner asks another a second later itself.
  // It waited for the leader's retry before, four evs.suspect_timeout (20 s by default).
  test('a donor killed mid-transfer to a node behind the gcache: the joiner asks another a second later', async () => {
    const [n1, n2, n3, n4] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
    await n3.stop();
    await until('size 3', async () => (await n1.status('wsrep_cluster_size')) === '3');
    const behind = Number(await n1.status('wsrep_last_committed'));
    // 3 MiB (gcache.size=1M): the log compacts past n3.
    for (let batch = 0; batch < 40; batch++) {
      const rows = Array.from(
        { length: 40 },
        (_, i) => `(${1000 + batch * 40 + i}, REPEAT('x', 2000))`,
      );
      await query(n1, `INSERT INTO cut.big VALUES ${rows.join(', ')}`);
    }
    await until(
      'the gcache compacts past n3',
      async () => Number(await n1.status('wsrep_local_cached_downto')) > behind + 1,
      30_000,
    );
    const donors = [n1, n2, n4];
    for (const node of donors) node.output.length = 0;
    n3.output.length = 0;
    n3.start([], slow);
    const { donor, others, log, names } = await killDonorMidTransfer(donors, n3);
    assert.match(log, /State transfer required: IST is not possible/);
    assert.match(
      log,
      new RegExp(`the previous state transfer failed; requesting SST from (${names})`),
    );
    assert.match(log, new RegExp(`SST complete: state [0-9a-f-]+:\\d+ from (${names})`));
    await until(
      'n3 holds the cluster rows',
      async () =>
        (await query(n3, 'SELECT COUNT(*) FROM cut.big'))[0]![0] ===
        (await query(others[0]!, 'SELECT COUNT(*) FROM cut.big'))[0]![0],
    );
    assert.deepEqual(await query(n3, 'SELECT COUNT(*) FROM cut.big'), [[1600]]);
    donor.start([], slow);
    await donor.waitReady(60_000);
  });
});
