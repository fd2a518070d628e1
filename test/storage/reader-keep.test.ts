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
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../../src/storage/sqlite.js';

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

test('a read that met a corrupt page answers with the error and the next read works', async () => {
  // The reader ends its transaction at the release; SQLite fails that COMMIT with
  // SQLITE_CORRUPT after the corrupt read. It used to throw from release() and crash the
  // node's reader worker, so the session got 1105 "reader worker failed" instead of 1030.
  const dir = tempDir();
  const path = storePath(dir);
  const cipher = { key: randomBytes(32) };
  try {
    const first = openAt(path, 'n1', {}, { cipher });
    await ddl(
      first,
      `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, v TEXT)`,
      `INSERT INTO ${T} VALUES (1, 'one'), (2, 'two')`,
    );
    first.close();
    const db = openDatabase(path, { fileMustExist: true }, cipher);
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const pages = db.prepare(`SELECT pageno FROM dbstat WHERE name = 'd.t'`).pluck().all();
    db.close();
    assert.equal(pages.length, 1);
    const bytes = readFileSync(path);
    bytes[(Number(pages[0]) - 1) * pageSize + pageSize / 2]! ^= 0x01;
    writeFileSync(path, bytes);

    // Not the file's sole writer: every release ends the read transaction, as in a worker.
    const store = openAt(path, 'n1', { readerPoolSize: 1 }, { cipher, soleWriter: false });
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const snapshot = store.snapshot();
        assert.ok(snapshot.ok);
        const read = snapshot.value.execute(`SELECT * FROM ${T}`);
        assert.ok(!read.ok && read.error.kind === 'sqlite', JSON.stringify(read));
        assert.match(read.error.code, /^SQLITE_CORRUPT/);
        snapshot.value.release();
      }
      const after = store.snapshot();
      assert.ok(after.ok);
      const read = after.value.execute('SELECT 1');
      assert.ok(read.ok);
      assert.deepEqual(read.value.rows, [[1n]]);
      after.value.release();
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
