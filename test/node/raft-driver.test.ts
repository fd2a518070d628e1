// Goal: the driver runs the core with real timers and asynchronous persistence and applying, in
// the order the core demands. Method: three drivers in one process wired by in-memory sinks whose
// writes resolve later, proposals on every node, then compare what each node applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Raft, initialDurableState } from '../../src/core/consensus/raft.js';
import type { Entry, Message } from '../../src/core/consensus/types.js';
import { Xoshiro128 } from '../../src/core/prng.js';
import { nodeId, type Index } from '../../src/core/types.js';
import { RaftDriver } from '../../src/node/raft-driver.js';

interface Cluster {
  readonly ids: ReturnType<typeof nodeId>[];
  readonly drivers: Map<string, RaftDriver>;
  readonly applied: Map<string, Entry[]>;
  /** Every message sent, in order. */
  readonly sent: Message[];
  /** Links that drop what is sent over them ('n1>n2'), as a transport without a link does. */
  readonly cut: Set<string>;
}

/** Three drivers in one process; messages and writes resolve on later turns of the loop. */
function cluster(options: { tickMs: number; commitNoticeHoldMs?: number }): Cluster {
  const ids = ['n1', 'n2', 'n3'].map(nodeId);
  const applied = new Map<string, Entry[]>(ids.map((id) => [id, []]));
  const drivers = new Map<string, RaftDriver>();
  const sent: Message[] = [];
  const cut = new Set<string>();
  for (const [i, id] of ids.entries()) {
    const raft = new Raft(
      {
        id,
        heartbeatTicks: 1,
        electionTicks: 10,
        inactiveTicks: 0,
        catchUpReportEntries: 1000,
        stateTransferRetryTicks: 100,
        preVote: true,
        checkQuorum: true,
        peers: ids,
      },
      initialDurableState({ voters: ids, learners: [] }),
      new Xoshiro128(i + 11),
    );
    const driver = new RaftDriver(
      raft,
      { write: () => new Promise<void>((resolve) => setImmediate(resolve)) },
      {
        send: (m: Message) => {
          if (cut.has(`${m.from}>${m.to}`)) return false;
          sent.push(m);
          setImmediate(() => drivers.get(m.to)?.receive(m));
          return true;
        },
      },
      {
        apply: async (entries) => {
          await sleep(1);
          applied.get(id)!.push(...entries);
          return entries[entries.length - 1]!.index as Index;
        },
      },
      { applyQueueEntriesMax: 10_000, ...options },
    );
    drivers.set(id, driver);
  }
  return { ids, drivers, applied, sent, cut };
}

async function leaderOf(c: Cluster): Promise<RaftDriver> {
  for (let i = 0; i < 200; i++) {
    const leader = [...c.drivers.values()].find((d) => d.raft.role === 'leader');
    if (leader !== undefined) return leader;
    await sleep(10);
  }
  throw new Error('no leader');
}

test('three drivers elect a leader and apply the same proposals in the same order', async () => {
  const { ids, drivers, applied } = cluster({ tickMs: 5 });
  for (const d of drivers.values()) d.start();
  await sleep(300);
  const outcomes = [];
  for (let i = 0; i < 30; i++)
    outcomes.push(drivers.get(ids[i % 3]!)!.propose(Uint8Array.of(i)).done);
  const results = await Promise.all(outcomes);
  assert.ok(
    results.every((r) => r.kind === 'appended'),
    JSON.stringify(results),
  );
  await sleep(100);
  for (const d of drivers.values()) await d.stop();
  const sequence = (id: string) =>
    applied.get(id)!.map((e) => `${e.index}:${e.term}:${e.kind}:${e.origin}:${e.proposalId}`);
  assert.deepEqual(sequence('n2'), sequence('n1'));
  assert.deepEqual(sequence('n3'), sequence('n1'));
  assert.equal(applied.get(ids[0]!)!.filter((e) => e.kind === 'normal').length, 30);
});

test('a leader holds back commit notices from followers that wait for none of the entries', async () => {
  // Heartbeats every 40 ms carry the commit too; a notice held for 10 s shows which notices went
  // at once: only the origin's.
  const c = cluster({ tickMs: 40, commitNoticeHoldMs: 10_000 });
  for (const d of c.drivers.values()) d.start();
  try {
    const leader = await leaderOf(c);
    const [origin, other] = c.ids.filter((id) => id !== leader.raft.id);
    const notices = (to: string, from: number): number =>
      c.sent
        .slice(from)
        .filter((m) => m.from === leader.raft.id && m.to === to && m.type === 'append')
        .filter((m) => m.type === 'append' && m.entries.length === 0).length;
    // The leader's own proposals: the next one's entries carry the commit to both followers.
    let from = c.sent.length;
    for (let i = 0; i < 10; i++) {
      const outcome = await leader.propose(Uint8Array.of(i)).done;
      assert.equal(outcome.kind, 'appended');
    }
    assert.ok(notices(origin!, from) + notices(other!, from) < 4, 'notices were sent at once');
    // A follower's proposal: it waits for its commit, so its notice goes at once, the other's not.
    from = c.sent.length;
    const outcome = await c.drivers.get(origin!)!.propose(Uint8Array.of(99)).done;
    assert.equal(outcome.kind, 'appended');
    const index = outcome.kind === 'appended' ? outcome.index : 0;
    const told = (to: string): boolean =>
      c.sent
        .slice(from)
        .some(
          (m) =>
            m.from === leader.raft.id &&
            m.to === to &&
            m.type === 'append' &&
            m.entries.length === 0 &&
            m.commit >= index,
        );
    assert.ok(told(origin!), 'the origin heard of its commit from a notice');
    assert.ok(!told(other!), 'the other follower was sent a notice it waits for nobody on');
  } finally {
    for (const d of c.drivers.values()) await d.stop();
  }
});

test('a proposal a follower cannot forward (no link to the leader) is dropped at once as not_leader, then goes through', async () => {
  // Before, it waited for an entry that never came, and the client for the commit timeout (30 s).
  const c = cluster({ tickMs: 5 });
  for (const d of c.drivers.values()) d.start();
  try {
    const leader = await leaderOf(c);
    const follower = c.drivers.get(c.ids.find((id) => id !== leader.raft.id)!)!;
    c.cut.add(`${follower.raft.id}>${leader.raft.id}`);
    const dropped = await Promise.race([follower.propose(Uint8Array.of(1)).done, sleep(5000)]);
    assert.deepEqual(dropped, { kind: 'dropped', reason: 'not_leader' });
    c.cut.clear();
    const outcome = await follower.propose(Uint8Array.of(2)).done;
    assert.equal(outcome.kind, 'appended');
  } finally {
    for (const d of c.drivers.values()) await d.stop();
  }
});
