// Goal: the node's own store (soleWriter) lets an idle reader keep its read transaction while
// nothing was written, and never lets a kept one answer for a state it does not hold: any
// release of the writer ends them at once, and a snapshot taken while someone holds the writer
// is not kept (it may predate a commit made before the release). A store that is not the file's
// only writer never keeps one. Method: a real store in a temporary directory; which connection
// still has a transaction open is read off the snapshot's connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storePath, type Store } from '../../src/storage/index.js';
import { ddl, openAt, rows, tempDir, writer } from './helpers.js';
import { rmSync } from 'node:fs';

const T = '"d.t"';

function withStore(
  soleWriter: boolean,
  body: (store: Store, path: string) => Promise<void>,
): Promise<void> {
  const dir = tempDir();
  const path = storePath(dir);
  const store = openAt(path, 'n1', {}, { soleWriter });
  return body(store, path).finally(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Counts the rows in a snapshot and releases it: the count, and whether its connection kept
 * its transaction. */
function countAndRelease(store: Store): { count: unknown; kept: boolean } {
  const snapshot = store.snapshot();
  assert.ok(snapshot.ok);
  const result = snapshot.value.execute(`SELECT count(*) FROM ${T}`);
  assert.ok(result.ok);
  snapshot.value.release();
  return { count: result.value.rows[0]![0], kept: snapshot.value.connection.db.inTransaction };
}

test('an idle reader keeps its transaction until the writer is released, then sees the write', async () => {
  await withStore(true, async (store) => {
    await ddl(store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`);
    assert.deepEqual(countAndRelease(store), { count: 0n, kept: true });
    assert.deepEqual(countAndRelease(store), { count: 0n, kept: true }, 'reused, still kept');
    const kept = store.snapshot();
    assert.ok(kept.ok);
    kept.value.release();
    await ddl(store, `INSERT INTO ${T} VALUES (1)`);
    assert.equal(kept.value.connection.db.inTransaction, false, 'ended at the release');
    assert.deepEqual(countAndRelease(store), { count: 1n, kept: true });
  });
});

test('a snapshot taken while the writer is held is not kept, so a later one sees its commit', async () => {
  await withStore(true, async (store) => {
    await ddl(store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`);
    const lease = await writer(store);
    // Taken before the holder's commit: it must not answer for the state after it.
    assert.deepEqual(countAndRelease(store), { count: 0n, kept: false });
    lease.rollback();
    await ddl(store, `INSERT INTO ${T} VALUES (1)`);
    assert.equal(rows(store, `SELECT count(*) FROM ${T}`)[0]![0], 1n);
  });
});

test('a store that is not the only writer of its file never keeps a transaction', async () => {
  await withStore(false, async (store, path) => {
    await ddl(store, `CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`);
    assert.deepEqual(countAndRelease(store), { count: 0n, kept: false });
    // Another store on the same file writes; this one sees it at once.
    const other = openAt(path, 'n2');
    try {
      await ddl(other, `INSERT INTO ${T} VALUES (1)`);
    } finally {
      other.close();
    }
    assert.deepEqual(countAndRelease(store), { count: 1n, kept: false });
  });
});
