// Goal: Store.freezeFile gives an SST donor its live database file with the bytes of one seqno
// for as long as it is frozen, while applies go on (into the WAL) and checkpoints are attempted;
// the bytes open as a store at that seqno; a thaw lets checkpoints write the file again; a reader
// of an older snapshot only delays the freeze; an encrypted store is refused. All of it with
// SQLite's own checkpoints and with the checkpoint worker's (a checkpoint of another thread). Method: a real
// store in a temporary directory, the file hashed before and after ~8 MiB of applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { index } from '../../src/core/types.js';
import { encodeKeyValues, type WriteSet } from '../../src/codec/index.js';
import { storePath } from '../../src/storage/index.js';
import { ddl, openAt, remoteWriteSet, rows, sleep, tempDir, tempStore } from './helpers.js';

const T = '"d.t"';
const pad = 'p'.repeat(2000);

function insertsOf(from: number, count: number): WriteSet {
  return remoteWriteSet(
    Array.from({ length: count }, (_, i) => {
      const id = BigInt(from + i);
      return {
        op: 'insert' as const,
        database: 'd',
        table: 't',
        key: encodeKeyValues([id]),
        after: [id, pad],
      };
    }),
  );
}

/** Applies `batches` write-sets of 500 rows (about 1 MiB each, past the autocheckpoint). */
async function applyRows(store: ReturnType<typeof tempStore>['store'], batches: number) {
  for (let b = 0; b < batches; b++) {
    const first = Number(rows(store, `SELECT count(*) FROM ${T}`)[0]![0]);
    const applied = await store.applyBatch([
      { seqno: index(store.appliedSeqno() + 1), writeSet: insertsOf(first, 500) },
    ]);
    assert.ok(applied.ok);
  }
}

function sha256(path: string, bytes: number): string {
  return createHash('sha256').update(readFileSync(path).subarray(0, bytes)).digest('hex');
}

/** Waits until the file's first `bytes` differ from `hash` (a checkpoint wrote it), up to 5 s. */
async function writtenSince(path: string, bytes: number, hash: string): Promise<boolean> {
  for (let waitedMs = 0; waitedMs < 5000; waitedMs += 20) {
    if (sha256(path, bytes) !== hash) return true;
    await sleep(20);
  }
  return false;
}

for (const checkpointWorker of [false, true]) {
  const by = checkpointWorker ? 'the checkpoint worker' : "SQLite's own checkpoints";
  test(`a frozen file keeps the bytes of its seqno while applies and ${by} go on`, async () => {
    await frozenFileKeepsItsBytes(checkpointWorker);
  });
}

async function frozenFileKeepsItsBytes(checkpointWorker: boolean): Promise<void> {
  const failures: string[] = [];
  const t = tempStore(
    'n1',
    {},
    { checkpointWorker, onCheckpointerFailure: (detail) => failures.push(detail) },
  );
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyRows(t.store, 2);
    // The worker is at work before the freeze (it starts with the store).
    for (
      let waitedMs = 0;
      checkpointWorker && t.store.counters.walCheckpoints === 0;
      waitedMs += 10
    ) {
      assert.ok(waitedMs < 5000, 'no checkpoint of the worker');
      await sleep(10);
    }
    // A reader of an older snapshot keeps the WAL from being written back: the freeze waits.
    const older = t.store.snapshot();
    assert.ok(older.ok);
    await applyRows(t.store, 1);
    const freezing = t.store.freezeFile();
    await sleep(60);
    older.value.release();
    const frozen = await freezing;
    assert.ok(frozen.ok, frozen.ok ? '' : frozen.error);
    assert.ok(frozen.value.attempts > 1, 'the older snapshot delayed the freeze');
    assert.equal(frozen.value.seqno, t.store.appliedSeqno());
    assert.equal(frozen.value.path, t.path);
    const seqno = frozen.value.seqno;
    const hash = sha256(t.path, frozen.value.bytes);

    await applyRows(t.store, 8);
    assert.equal(rows(t.store, `SELECT count(*) FROM ${T}`)[0]![0], 5500n);
    if (checkpointWorker) await sleep(200); // four of the worker's ticks
    assert.equal(sha256(t.path, frozen.value.bytes), hash, 'no checkpoint wrote the file');

    // The frozen bytes are a database at the frozen seqno.
    const dir = tempDir();
    const copy = storePath(dir);
    writeFileSync(copy, readFileSync(t.path).subarray(0, frozen.value.bytes));
    const copied = openAt(copy, 'n2');
    assert.equal(copied.appliedSeqno(), seqno);
    assert.equal(rows(copied, `SELECT count(*) FROM ${T}`)[0]![0], 1500n);
    copied.close();

    frozen.value.release();
    frozen.value.release(); // idempotent
    await applyRows(t.store, 2);
    assert.ok(
      await writtenSince(t.path, frozen.value.bytes, hash),
      'thawed: checkpoints write again',
    );
    assert.deepEqual(failures, []);
    if (!checkpointWorker) assert.equal(t.store.counters.walCheckpoints, 0);
  } finally {
    t.dispose();
  }
}

test('an encrypted store is not frozen (its pages are under a key that never leaves it)', async () => {
  const dir = tempDir();
  const store = openAt(join(dir, 'trireme.db'), 'n1', {}, { cipher: { key: randomBytes(32) } });
  try {
    const frozen = await store.freezeFile();
    assert.deepEqual(frozen, { ok: false, error: 'the store is encrypted' });
  } finally {
    store.close();
  }
});
