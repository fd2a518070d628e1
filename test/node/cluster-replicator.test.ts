// Goal: write-sets replicated through the consensus core are certified alike on every node and
// applied everywhere; of two concurrent updates of one row exactly one commits. Method: three
// in-process nodes with real stores, drivers wired by in-memory messages, real timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteDatabase as Database } from '../../src/storage/sqlite.js';
import { DEFAULT_WRITE_SET_LIMITS } from '../../src/codec/index.js';
import { CertificationIndex } from '../../src/core/certification/certification.js';
import { Raft, initialDurableState } from '../../src/core/consensus/raft.js';
import type { Message } from '../../src/core/consensus/types.js';
import { Xoshiro128 } from '../../src/core/prng.js';
import { nodeId } from '../../src/core/types.js';
import { ClusterApplier, ClusterReplicator } from '../../src/node/cluster-replicator.js';
import { RaftDriver } from '../../src/node/raft-driver.js';
import { Store } from '../../src/storage/index.js';

test('three nodes replicate, certify alike, and let exactly one of two conflicting updates win', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-cluster-'));
  const ids = ['n1', 'n2', 'n3'].map(nodeId);
  const drivers = new Map<string, RaftDriver>();
  const nodes = ids.map((id, i) => {
    const path = join(dir, `${id}.db`);
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.exec(
      'CREATE TABLE "db.t" (id INTEGER PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO "db.t" VALUES (1, 0), (2, 0);',
    );
    raw.close();
    const opened = Store.open({ path, nodeId: id });
    assert.ok(opened.ok);
    const store = opened.value;
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
      new Xoshiro128(i + 5),
    );
    const applier = new ClusterApplier(
      store,
      new CertificationIndex(),
      id,
      DEFAULT_WRITE_SET_LIMITS,
      (reason) => {
        throw new Error(reason);
      },
    );
    const driver = new RaftDriver(
      raft,
      { write: () => new Promise<void>((resolve) => setImmediate(resolve)) },
      {
        send: (m: Message) => {
          setImmediate(() => drivers.get(m.to)?.receive(m));
          return true;
        },
      },
      applier,
      { tickMs: 5, applyQueueEntriesMax: 10_000 },
    );
    drivers.set(id, driver);
    const replicator = new ClusterReplicator(
      driver,
      applier,
      () => raft.leader !== null,
      () => new Map(),
      { commitTimeoutMs: 5000, flowControlRetryMs: 5 },
    );
    return { id, store, driver, replicator };
  });
  try {
    for (const n of nodes) n.driver.start();
    await sleep(300);
    // Two sessions on two nodes read the same snapshot and update the same row.
    const a = await nodes[0]!.store.acquireWriter('a');
    const b = await nodes[1]!.store.acquireWriter('b');
    assert.ok(a.ok && b.ok);
    assert.ok(a.value.execute('UPDATE "db.t" SET v = v + 1 WHERE id = 1').ok);
    assert.ok(b.value.execute('UPDATE "db.t" SET v = v + 10 WHERE id = 1').ok);
    const wsA = a.value.commit();
    const wsB = b.value.commit();
    assert.ok(wsA.ok && wsB.ok && wsA.value !== null && wsB.value !== null);
    const [first, second] = await Promise.all([
      nodes[0]!.replicator.replicate(wsA.value),
      nodes[1]!.replicator.replicate(wsB.value),
    ]);
    const kinds = [first.kind, second.kind].sort();
    assert.deepEqual(kinds, ['cert_failed', 'committed'], JSON.stringify([first, second]));
    // A non-conflicting write on the third node commits.
    const c = await nodes[2]!.store.acquireWriter('c');
    assert.ok(c.ok);
    assert.ok(c.value.execute('UPDATE "db.t" SET v = 7 WHERE id = 2').ok);
    const wsC = c.value.commit();
    assert.ok(wsC.ok && wsC.value !== null);
    assert.equal((await nodes[2]!.replicator.replicate(wsC.value)).kind, 'committed');
    await sleep(100);
    const states = await Promise.all(nodes.map((n) => n.store.checksum()));
    const totals = states.map((s) => (s.ok ? `${s.value.appliedSeqno}:${s.value.total}` : 'error'));
    assert.equal(new Set(totals).size, 1, totals.join(' '));
  } finally {
    for (const n of nodes) await n.driver.stop();
    for (const n of nodes) n.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
