// Goal: with checkpointWorker, the node's WAL is copied into the database file by a worker thread,
// not by the COMMITs on the event loop (below checkpointPagesMax): the file alone, without its
// WAL, holds the rows only once the worker ticked, and its checkpoints show in the counters. Past
// checkpointPagesMax the commits checkpoint by themselves, so the WAL stays bounded; a worker
// that cannot work hands the checkpoints back to the connections; an encrypted store's worker
// opens the file with its key; closing the store waits for the worker's connection to close.
// Method: a real store in a temporary directory; the database file copied alone and opened with
// better-sqlite3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { index } from '../../src/core/types.js';
import { encodeKeyValues } from '../../src/codec/index.js';
import { AUTOCHECKPOINT_PAGES, Checkpointer } from '../../src/storage/checkpointer.js';
import { ddl, remoteWriteSet, sleep, tempDir, tempStore } from './helpers.js';

const T = '"d.t"';

/** Applies `count` one-row write-sets, each its own SQLite transaction. */
async function applyOneRowEach(store: ReturnType<typeof tempStore>['store'], count: number) {
  for (let i = 0; i < count; i++) {
    const seqno = store.appliedSeqno() + 1;
    const id = BigInt(seqno);
    const applied = await store.applyBatch([
      {
        seqno: index(seqno),
        writeSet: remoteWriteSet([
          {
            op: 'insert',
            database: 'd',
            table: 't',
            key: encodeKeyValues([id]),
            after: [id, 'v'.repeat(500)],
          },
        ]),
      },
    ]);
    assert.ok(applied.ok);
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let waitedMs = 0; waitedMs < 5000; waitedMs += 10) {
    if (check()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Rows of the table in the database file alone, without its WAL (0 if the table is not there). */
function rowsInFileAlone(path: string): number {
  const copy = join(tempDir(), 'copy.db');
  copyFileSync(path, copy);
  const alone = new Database(copy, { readonly: true });
  try {
    const known = alone.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'd.t'`).pluck();
    if (known.get() === 0) return 0;
    return Number(alone.prepare(`SELECT count(*) FROM ${T}`).pluck().get());
  } finally {
    alone.close();
  }
}

test('the commits leave the WAL to the checkpoint worker', async () => {
  // A worker that has not ticked yet: SQLite's own checkpoint (at 1,000 pages, in the COMMIT
  // that crosses it) would have copied most of these rows into the file.
  const t = tempStore('n1', { checkpointIntervalMs: 60_000 }, { checkpointWorker: true });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyOneRowEach(t.store, 1500);
    assert.ok(statSync(`${t.path}-wal`).size > 1000 * 4096, 'past 1,000 pages');
    assert.equal(rowsInFileAlone(t.path), 0);
    assert.equal(t.store.counters.walCheckpoints, 0);
  } finally {
    t.dispose();
  }
});

test('the checkpoint worker copies the WAL into the file', async () => {
  const t = tempStore('n1', { checkpointIntervalMs: 20 }, { checkpointWorker: true });
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyOneRowEach(t.store, 1500);
    // A checkpoint that began after the last commit copied every frame: the file is no longer
    // written (a copy taken during a checkpoint could be torn). The tick running now may have
    // begun before the last commit: two more.
    const ticks = t.store.checkpointState!.ticks;
    await until('the worker to copy every frame', () => {
      const state = t.store.checkpointState!;
      return state.ticks >= ticks + 2 && state.last!.log === state.last!.checkpointed;
    });
    assert.ok(t.store.counters.walFramesCheckpointed >= 1500);
    assert.equal(rowsInFileAlone(t.path), 1500);
  } finally {
    t.dispose();
  }
});

test('the checkpoint worker opens an encrypted store with its key', async () => {
  const failures: string[] = [];
  const t = tempStore(
    'n1',
    { checkpointIntervalMs: 20 },
    {
      checkpointWorker: true,
      cipher: { key: randomBytes(32) },
      onCheckpointerFailure: (detail) => failures.push(detail),
    },
  );
  try {
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyOneRowEach(t.store, 200);
    await until(
      'the worker to copy the frames',
      () => t.store.counters.walFramesCheckpointed >= 200,
    );
    assert.deepEqual(failures, []);
  } finally {
    t.dispose();
  }
});

test('past checkpointPagesMax the commits checkpoint by themselves: the WAL stays bounded', async () => {
  // Commits without a pause leave the worker no moment to finish a checkpoint, and the WAL
  // restarts only after a complete one; here the worker never ticks at all. Its opening reads
  // the schema, and the WAL grows past the bound while that read lasts (the file keeps its
  // largest size): the commits begin once it is open.
  const limits = { checkpointIntervalMs: 60_000, checkpointPagesMax: 300 };
  const t = tempStore('n1', limits, { checkpointWorker: true });
  try {
    await until('the worker to open the file', () => t.store.checkpointState!.opened);
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyOneRowEach(t.store, 3000);
    const walBytes = statSync(`${t.path}-wal`).size;
    assert.ok(walBytes < 400 * 4096, `WAL of ${walBytes} bytes`);
    assert.ok(rowsInFileAlone(t.path) > 2000);
  } finally {
    t.dispose();
  }
});

test('a checkpoint worker that cannot open the file hands the checkpoints back', async () => {
  const dir = tempDir();
  const db = new Database(join(dir, 'here.db'));
  db.pragma('journal_mode = WAL');
  const failures: string[] = [];
  const checkpointer = new Checkpointer(
    { path: join(dir, 'missing', 'there.db'), cipher: null, intervalMs: 10 },
    [db],
    10_000,
    (detail) => failures.push(detail),
  );
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 10_000, 'moved while it works');
    await until('the failure', () => failures.length > 0);
    assert.equal(checkpointer.running, false);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), AUTOCHECKPOINT_PAGES);
    assert.equal(failures.length, 1);
  } finally {
    checkpointer.stop();
    db.close();
  }
});

test('closing the store returns once its checkpoint worker has closed its connection', async () => {
  for (const started of [true, false]) {
    const t = tempStore('n1', { checkpointIntervalMs: 10 }, { checkpointWorker: true });
    await ddl(t.store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`);
    await applyOneRowEach(t.store, 10);
    // Closed while at work, and closed before the worker has even opened the file.
    if (started) await until('a checkpoint', () => t.store.counters.walCheckpoints > 0);
    const fromMs = Date.now();
    t.store.close();
    // The worker answered the stop (close() gives up on a silent one after 10 s): nothing of it
    // touches the file once close() returned, so a state transfer may replace it.
    assert.ok(Date.now() - fromMs < 8000, `close took ${Date.now() - fromMs} ms`);
    t.dispose();
  }
  // Nothing is left to keep the process alive; node:test would report a thread that outlives
  // its test as a failure to exit.
  await sleep(50);
});
