// Goal: a COMMIT that a node outside the primary component refuses with 1047 has not committed,
// and nothing the client sends next commits it behind its back. Method: a 3-node TLS cluster of
// real processes; SIGSTOP two nodes so the third leaves the primary component while a client's
// transaction is open there, COMMIT, SIGCONT, BEGIN, and read the row on another node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosCluster, type ChaosNode } from './cluster.js';

test(
  'a COMMIT refused with 1047 stays uncommitted after the next BEGIN',
  { timeout: 180_000 },
  async () => {
    const cluster = await ChaosCluster.create(3);
    const onSigint = (): void => {
      cluster.killAll();
      process.exit(130);
    };
    process.once('SIGINT', onSigint);
    try {
      await cluster.startAll();
      const [n1, n2, n3] = [0, 1, 2].map((i) => cluster.nodes[i]!) as [
        ChaosNode,
        ChaosNode,
        ChaosNode,
      ];
      const admin = await n1.connect();
      await admin.query('CREATE DATABASE r');
      await admin.query('CREATE TABLE r.t (id INT PRIMARY KEY, v INT NOT NULL)');
      await cluster.waitAllSynced(30_000, true);
      const client = await n3.connect();
      await client.query('BEGIN');
      await client.query('INSERT INTO r.t (id, v) VALUES (1, 1)');
      n1.signal('SIGSTOP');
      n2.signal('SIGSTOP');
      for (let i = 0; (await n3.status().catch(() => null))?.ready !== false; i++) {
        assert.ok(i < 300, 'n3 leaves the primary component');
        await sleep(100);
      }
      const commit = await client.query('COMMIT').then(
        () => 0,
        (error: { errno?: number }) => error.errno ?? -1,
      );
      assert.equal(commit, 1047, 'COMMIT outside the primary component answers 1047');
      n1.signal('SIGCONT');
      n2.signal('SIGCONT');
      await cluster.waitAllSynced(60_000, false);
      await client.query('BEGIN');
      await client.query('ROLLBACK');
      await admin.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await admin.query('SELECT id FROM r.t');
      assert.deepEqual(rows, [], 'the refused transaction did not commit');
      client.destroy();
      admin.destroy();
    } finally {
      process.removeListener('SIGINT', onSigint);
      await cluster.stopAll();
      cluster.removeFiles();
    }
  },
);
