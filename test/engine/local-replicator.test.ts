// The standalone Replicator: write-sets get consecutive seqnos, are certified first-committer-
// wins against their snapshot and applied through the store; TOI goes through the translator,
// and a failing TOI advances the seqno with nothing applied.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { transactionId, type WriteSet } from '../../src/codec/index.js';
import { nodeId } from '../../src/core/types.js';
import { EngineCatalog } from '../../src/engine/catalog.js';
import { userFunctions } from '../../src/engine/functions.js';
import { EngineToiTranslator } from '../../src/engine/toi.js';
import { LocalReplicator } from '../../src/node/local-replicator.js';
import { Store } from '../../src/storage/index.js';
import { tempDir } from './node-fixture.js';

function toi(store: Store, sql: string, database = ''): WriteSet {
  return {
    originNodeId: nodeId('n1'),
    originTransactionId: transactionId(1),
    seqnoSnapshot: store.appliedSeqno(),
    flags: { commit: true, rollback: false, toi: true, paUnsafe: true },
    keys: [{ database: 'd', table: '', keyBytes: new Uint8Array(0), exclusive: true }],
    rows: [],
    statements: [{ database, sql }],
  };
}

test('certification, apply and TOI through the local replicator', async () => {
  const dir = tempDir('trireme-replicator-');
  const opened = Store.open({
    path: join(dir, 'trireme.db'),
    nodeId: nodeId('n1'),
    functions: userFunctions(),
  });
  assert.ok(opened.ok);
  const store = opened.value;
  const catalog = new EngineCatalog();
  const translator = new EngineToiTranslator(catalog, () => store);
  const replicator = new LocalReplicator({ store, translator });

  assert.equal((await replicator.replicate(toi(store, 'CREATE DATABASE d'))).kind, 'committed');
  assert.equal(
    (await replicator.replicate(toi(store, 'CREATE TABLE t (id INT PRIMARY KEY, v INT)', 'd')))
      .kind,
    'committed',
  );
  assert.ok(catalog.table('d', 't') !== undefined);
  assert.equal(store.appliedSeqno(), 2);

  const failed = await replicator.replicate(toi(store, 'CREATE TABLE t (id INT PRIMARY KEY)', 'd'));
  assert.deepEqual(failed.kind === 'toi_failed' && [failed.seqno, failed.code], [3, 1050]);
  assert.equal(store.appliedSeqno(), 3);

  const a = await store.acquireWriter('a');
  assert.ok(a.ok);
  assert.ok(a.value.execute('INSERT INTO "d.t" (id, v) VALUES (1, 1)').ok);
  const wsA = a.value.commit();
  assert.ok(wsA.ok && wsA.value !== null);
  const b = await store.acquireWriter('b');
  assert.ok(b.ok);
  // b did not see a's row (not applied yet) and writes the same key: first committer wins.
  assert.ok(b.value.execute('INSERT INTO "d.t" (id, v) VALUES (1, 2)').ok);
  const wsB = b.value.commit();
  assert.ok(wsB.ok && wsB.value !== null);
  const [outA, outB] = await Promise.all([
    replicator.replicate(wsA.value),
    replicator.replicate(wsB.value),
  ]);
  assert.deepEqual(outA, { kind: 'committed', seqno: 4 });
  assert.equal(outB.kind, 'cert_failed');
  assert.equal(store.appliedSeqno(), 5);
  const status = replicator.status();
  assert.equal(status.get('wsrep_local_cert_failures'), '1');
  assert.equal(status.get('wsrep_last_committed'), '5');
  // A standalone node is in no cluster (MariaDB with wsrep_on=OFF says Disconnected, size 0).
  assert.equal(status.get('wsrep_cluster_size'), '0');
  assert.equal(status.get('wsrep_cluster_status'), 'Disconnected');
  const snapshot = store.snapshot();
  assert.ok(snapshot.ok);
  const rows = snapshot.value.execute('SELECT id, v FROM "d.t"');
  snapshot.value.release();
  assert.ok(rows.ok);
  assert.deepEqual(rows.value.rows, [[1n, 1n]]);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});
