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

test('three drivers elect a leader and apply the same proposals in the same order', async () => {
  const ids = ['n1', 'n2', 'n3'].map(nodeId);
  const applied = new Map(ids.map((id) => [id, [] as Entry[]]));
  const drivers = new Map<string, RaftDriver>();
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
        send: (m: Message) => setImmediate(() => drivers.get(m.to)?.receive(m)),
      },
      {
        apply: async (entries) => {
          await sleep(1);
          applied.get(id)!.push(...entries);
          return entries[entries.length - 1]!.index as Index;
        },
      },
      { tickMs: 5, applyQueueEntriesMax: 10_000 },
    );
    drivers.set(id, driver);
  }
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
    applied
      .get(id as never)!
      .map((e) => `${e.index}:${e.term}:${e.kind}:${e.origin}:${e.proposalId}`);
  assert.deepEqual(sequence('n2'), sequence('n1'));
  assert.deepEqual(sequence('n3'), sequence('n1'));
  assert.equal(applied.get(ids[0]!)!.filter((e) => e.kind === 'normal').length, 30);
});
