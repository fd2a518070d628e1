// Storage benchmark: applied write-sets/s for 1-row write-sets in group-commit batches, and
// the cost per row of capturing local transactions. Run: node .build-storage/bench/apply.js
// (after tsc). The baseline opens better-sqlite3 directly to get a connection with no capture
// triggers; only src/storage does so in the product.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase as Database } from '../src/storage/sqlite.js';
import { index, nodeId, type Index } from '../src/core/types.js';
import { encodeKeyValues, transactionId, type WriteSet } from '../src/codec/index.js';
import { Store, storePath, type ApplyItem } from '../src/storage/index.js';

const TABLE_ROWS = 100_000;
const BATCH_ITEMS = 1000;
const APPLY_WRITE_SETS = 200_000;
const CAPTURE_TRANSACTIONS = 20_000;
const RUNS = 3;

const C = 'c'.repeat(119) + '-';
const PAD = 'p'.repeat(59) + '-';

function writeSetOf(op: 'insert' | 'update', id: bigint, k: bigint): WriteSet {
  const key = encodeKeyValues([id]);
  return {
    originNodeId: nodeId('n2'),
    originTransactionId: transactionId(1),
    seqnoSnapshot: index(0),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [{ database: 'sbtest', table: 'sbtest1', keyBytes: key, exclusive: true }],
    rows: [{ op, database: 'sbtest', table: 'sbtest1', key, after: [id, k, C, PAD] }],
    statements: [],
  };
}

function openStore(dir: string): Store {
  const opened = Store.open({ path: storePath(dir), nodeId: nodeId('n1') });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  return opened.value;
}

async function createTable(store: Store): Promise<void> {
  const created = await store.applyToi(index(store.appliedSeqno() + 1), [
    `CREATE TABLE "sbtest.sbtest1" (id INTEGER PRIMARY KEY, k INTEGER NOT NULL DEFAULT 0, ` +
      `c TEXT NOT NULL DEFAULT '', pad TEXT NOT NULL DEFAULT '')`,
    `CREATE INDEX "sbtest.sbtest1.k_1" ON "sbtest.sbtest1" (k)`,
  ]);
  if (!created.ok) throw new Error(JSON.stringify(created.error));
}

/** Applies `count` write-sets made by `make` in batches; returns write-sets per second. */
async function applyRate(
  store: Store,
  count: number,
  make: (i: number) => WriteSet,
): Promise<number> {
  const writeSets = Array.from({ length: count }, (_, i) => make(i));
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH_ITEMS) {
    const items: ApplyItem[] = [];
    const first = store.appliedSeqno() + 1;
    for (let j = 0; j < BATCH_ITEMS && i + j < count; j++) {
      items.push({ seqno: index(first + j) as Index, writeSet: writeSets[i + j]! });
    }
    const result = await store.applyBatch(items);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
  }
  return (count / (performance.now() - started)) * 1000;
}

async function benchApply(): Promise<void> {
  for (let run = 1; run <= RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'trireme-bench-'));
    const store = openStore(dir);
    try {
      await createTable(store);
      const inserts = await applyRate(store, TABLE_ROWS, (i) =>
        writeSetOf('insert', BigInt(i + 1), BigInt(i)),
      );
      let seed = 12345;
      const random = (): bigint => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return BigInt((seed % TABLE_ROWS) + 1);
      };
      // sysbench oltp_update_non_index keeps k; oltp_update_index changes it (index upkeep).
      const nonIndex = await applyRate(store, APPLY_WRITE_SETS, () => {
        const id = random();
        return writeSetOf('update', id, id - 1n);
      });
      const indexed = await applyRate(store, APPLY_WRITE_SETS, () =>
        writeSetOf('update', random(), random()),
      );
      console.log(
        `apply run ${run} (batches of ${BATCH_ITEMS}, ${TABLE_ROWS}-row sbtest table, WAL, synchronous=NORMAL): ` +
          `1-row write-sets/s: INSERT ${fmt(inserts)}, UPDATE keeping k ${fmt(nonIndex)}, ` +
          `UPDATE of k ${fmt(indexed)}`,
      );
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function benchCapture(): Promise<void> {
  for (let run = 1; run <= RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'trireme-bench-'));
    const store = openStore(dir);
    try {
      await createTable(store);
      await applyRate(store, TABLE_ROWS, (i) => writeSetOf('insert', BigInt(i + 1), BigInt(i)));
      const plain = plainUpdateMicros(storePath(dir));
      const triggers = await storeUpdateMicros(store, false);
      const capture = await storeUpdateMicros(store, true);
      console.log(
        `capture run ${run}: 1-row UPDATE-by-PK transaction: plain connection ${plain.toFixed(1)} µs, ` +
          `store lease + triggers, no write-set ${triggers.toFixed(1)} µs, ` +
          `store lease + capture + write-set ${capture.toFixed(1)} µs ` +
          `(capture overhead ${(capture - plain).toFixed(1)} µs/row)`,
      );
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const UPDATE_SQL = `UPDATE "sbtest.sbtest1" SET k = k + 1 WHERE id = ?`;

/** BEGIN IMMEDIATE; UPDATE; ROLLBACK on a connection without triggers, as the store does. */
function plainUpdateMicros(path: string): number {
  const db = new Database(path);
  try {
    db.defaultSafeIntegers(true);
    const begin = db.prepare('BEGIN IMMEDIATE');
    const update = db.prepare(UPDATE_SQL);
    const rollback = db.prepare('ROLLBACK');
    const started = performance.now();
    for (let i = 0; i < CAPTURE_TRANSACTIONS; i++) {
      begin.run();
      update.run(BigInt((i % TABLE_ROWS) + 1));
      rollback.run();
    }
    return ((performance.now() - started) * 1000) / CAPTURE_TRANSACTIONS;
  } finally {
    db.close();
  }
}

async function storeUpdateMicros(store: Store, commit: boolean): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < CAPTURE_TRANSACTIONS; i++) {
    const lease = await store.acquireWriter('bench');
    if (!lease.ok) throw new Error(JSON.stringify(lease.error));
    const updated = lease.value.execute(UPDATE_SQL, [BigInt((i % TABLE_ROWS) + 1)]);
    if (!updated.ok) throw new Error(JSON.stringify(updated.error));
    if (commit) {
      const writeSet = lease.value.commit();
      if (!writeSet.ok || writeSet.value === null) throw new Error('no write-set');
    } else {
      lease.value.rollback();
    }
  }
  return ((performance.now() - started) * 1000) / CAPTURE_TRANSACTIONS;
}

function fmt(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

await benchApply();
await benchCapture();
