// Goal: cluster nodes form a cluster over mutual TLS from my.cnf files, replicate write-sets on
// every node, let one of two conflicting updates win, and catch up from the log after a restart.
// Method: three ClusterNodes in one process on loopback, sessions writing through each node's
// replicator; DDL through a pass-through TOI translator (the SQL engine provides the real one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transactionId, type WriteSet } from '../../src/codec/index.js';
import { index, nodeId } from '../../src/core/types.js';
import { ClusterNode, type Logger } from '../../src/node/cluster-node.js';
import type { ToiTranslator } from '../../src/engine/replicator.js';
import { localCluster } from './harness.js';
import { until } from '../support/index.js';

const quiet: Logger = () => undefined;

/** Test DDL is written in SQLite already. */
const passThrough: ToiTranslator = {
  translate: (_seqno, statements) => ({
    ok: true,
    sqlite: statements.map((s) => s.sql),
    catalog: {},
  }),
  applied: () => undefined,
  refused: (_seqno, code, message) => ({
    code: 1105,
    sqlState: 'HY000',
    message: `${code}: ${message}`,
  }),
};

async function start(
  cluster: Awaited<ReturnType<typeof localCluster>>,
  name: string,
  args: string[] = [],
): Promise<ClusterNode> {
  const node = await ClusterNode.start({ config: cluster.config(name, args), log: quiet });
  node.applier.translator = passThrough;
  return node;
}

async function write(node: ClusterNode, sql: string): Promise<string> {
  const lease = await node.store.acquireWriter('test');
  assert.ok(lease.ok);
  const run = lease.value.execute(sql);
  assert.ok(run.ok, run.ok ? '' : JSON.stringify(run.error));
  const ws = lease.value.commit();
  assert.ok(ws.ok && ws.value !== null);
  return (await node.replicator.replicate(ws.value)).kind;
}

function ddl(sql: string): WriteSet {
  return {
    originNodeId: nodeId('n1'),
    originTransactionId: transactionId(1),
    seqnoSnapshot: index(0),
    flags: { commit: true, rollback: false, toi: true, paUnsafe: false },
    keys: [],
    rows: [],
    statements: [{ database: 'db', sql }],
  };
}

test('three nodes form a TLS cluster, replicate, resolve a conflict and catch up after a restart', async () => {
  const cluster = await localCluster(3);
  const nodes = new Map<string, ClusterNode>();
  try {
    nodes.set('n1', await start(cluster, 'n1', ['--wsrep-new-cluster']));
    await until('n1 primary', () => nodes.get('n1')!.isPrimary(), 20_000, 20);
    nodes.set('n2', await start(cluster, 'n2'));
    nodes.set('n3', await start(cluster, 'n3'));
    const n1 = nodes.get('n1')!;
    await until('three voters', () => n1.raft.config().voters.length === 3, 20_000, 20);
    assert.equal(n1.statusVariables().get('wsrep_cluster_size'), '3');
    assert.equal(n1.statusVariables().get('wsrep_cluster_status'), 'Primary');

    const created = await n1.replicator.replicate(
      ddl('CREATE TABLE "db.t" (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)'),
    );
    assert.equal(created.kind, 'committed');
    await until(
      'DDL everywhere',
      () => [...nodes.values()].every((n) => n.appliedSeqno() >= n1.appliedSeqno()),
      20_000,
      20,
    );
    for (const node of nodes.values()) node.store.refreshCapture();

    assert.equal(
      await write(nodes.get('n2')!, 'INSERT INTO "db.t" VALUES (1, 0), (2, 0)'),
      'committed',
    );
    // Two nodes update the same row from the same snapshot: exactly one commits.
    const inserted = nodes.get('n2')!.appliedSeqno();
    await until(
      'row visible',
      () => [...nodes.values()].every((n) => n.appliedSeqno() >= inserted),
      20_000,
      20,
    );
    const a = await nodes.get('n1')!.store.acquireWriter('a');
    const b = await nodes.get('n3')!.store.acquireWriter('b');
    assert.ok(a.ok && b.ok);
    assert.ok(a.value.execute('UPDATE "db.t" SET v = v + 1 WHERE id = 1').ok);
    assert.ok(b.value.execute('UPDATE "db.t" SET v = v + 10 WHERE id = 1').ok);
    const wa = a.value.commit();
    const wb = b.value.commit();
    assert.ok(wa.ok && wb.ok && wa.value !== null && wb.value !== null);
    const outcomes = await Promise.all([
      nodes.get('n1')!.replicator.replicate(wa.value),
      nodes.get('n3')!.replicator.replicate(wb.value),
    ]);
    assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['cert_failed', 'committed']);

    // n3 stops without leaving (a crash as far as the others know); the others keep committing.
    await nodes.get('n3')!.stop(1);
    nodes.delete('n3');
    for (let i = 0; i < 20; i++)
      assert.equal(
        await write(nodes.get('n2')!, `UPDATE "db.t" SET v = ${i} WHERE id = 2`),
        'committed',
      );
    nodes.set('n3', await start(cluster, 'n3'));
    const target = nodes.get('n2')!.appliedSeqno();
    await until('n3 catches up', () => nodes.get('n3')!.appliedSeqno() >= target, 20_000, 20);
    const sums = await Promise.all([...nodes.values()].map((n) => n.store.checksum()));
    const seen = new Set(
      sums.map((s) => (s.ok ? `${s.value.appliedSeqno}/${s.value.total}` : 'error')),
    );
    assert.equal(seen.size, 1, [...seen].join(' '));
  } finally {
    for (const node of nodes.values()) await node.stop(1);
    cluster.cleanup();
  }
});
