// Goal: an encrypted store writes AEGIS-256 pages, still opens a file in ChaCha20-Poly1305 pages
// (written before AEGIS), refuses a wrong key under both schemes alike, and makes an SST copy in
// the scheme the joiner asked for. Method: real stores in temporary directories; each file's
// scheme checked with the SQLite library directly (cipher pragma, raw key), not through the code
// under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { storePath } from '../../src/storage/index.js';
import {
  isNotADatabase,
  openDatabase,
  rekeyDatabaseFile,
  SqliteDatabase,
  type PageCipher,
  type PageScheme,
} from '../../src/storage/sqlite.js';
import { ddl, openAt, tempDir } from './helpers.js';

/** Whether the file opens under `scheme` with this key, asked of the library itself. */
function opensUnder(path: string, cipher: PageCipher, scheme: PageScheme): boolean {
  const db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`cipher = '${scheme}'`);
    db.pragma(`key = "x'${Buffer.from(cipher.key).toString('hex')}'"`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch (error) {
    if (isNotADatabase(error)) return false;
    throw error;
  } finally {
    db.close();
  }
}

function rowsOf(path: string, cipher: PageCipher): unknown[] {
  const db = openDatabase(path, { readonly: true, fileMustExist: true }, cipher);
  try {
    return db.prepare('SELECT v FROM "d.t" ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
}

test('an encrypted store is AEGIS; a ChaCha20 file opens; a wrong key opens neither', async () => {
  const dir = tempDir();
  const path = storePath(dir);
  const cipher = { key: randomBytes(32) };
  try {
    const store = openAt(path, 'n1', {}, { cipher });
    await ddl(
      store,
      'CREATE TABLE "d.t" (id INTEGER PRIMARY KEY, v TEXT)',
      `INSERT INTO "d.t" VALUES (1, 'one')`,
    );
    assert.equal(store.pageScheme(), 'aegis');
    store.close();
    assert.equal(opensUnder(path, cipher, 'aegis'), true);
    assert.equal(opensUnder(path, cipher, 'chacha20'), false);

    rekeyDatabaseFile(path, cipher, cipher, 'chacha20');
    assert.equal(opensUnder(path, cipher, 'chacha20'), true);
    const again = openAt(path, 'n1', {}, { cipher });
    assert.equal(again.pageScheme(), 'chacha20');
    await ddl(again, `INSERT INTO "d.t" VALUES (2, 'two')`);
    again.close();
    assert.deepEqual(rowsOf(path, cipher), ['one', 'two']);
    assert.equal(opensUnder(path, cipher, 'chacha20'), true, 'a write keeps the file ChaCha20');

    assert.throws(
      () => openDatabase(path, { fileMustExist: true }, { key: randomBytes(32) }),
      (error: unknown) => isNotADatabase(error),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an SST copy is in the scheme the joiner reads, under the transfer's key", async () => {
  const dir = tempDir();
  const path = storePath(dir);
  const cipher = { key: randomBytes(32) };
  const store = openAt(path, 'n1', {}, { cipher });
  try {
    await ddl(
      store,
      'CREATE TABLE "d.t" (id INTEGER PRIMARY KEY, v TEXT)',
      `INSERT INTO "d.t" VALUES (1, 'one')`,
    );
    for (const scheme of ['aegis', 'chacha20'] as const) {
      const copy = join(dir, `copy-${scheme}.db`);
      const transfer = { key: randomBytes(32) };
      const made = await store.snapshotTo(copy, transfer, scheme);
      assert.ok(made.ok, made.ok ? '' : made.error);
      assert.equal(opensUnder(copy, transfer, scheme), true, scheme);
      assert.equal(opensUnder(copy, transfer, scheme === 'aegis' ? 'chacha20' : 'aegis'), false);
      assert.equal(opensUnder(copy, cipher, scheme), false, "never under the node's own key");
      assert.deepEqual(rowsOf(copy, transfer), ['one']);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pageIo counts the pages SQLite wrote and read, over every connection of the process', async () => {
  const dir = tempDir();
  const path = storePath(dir);
  const cipher = { key: randomBytes(32) };
  try {
    const store = openAt(path, 'n1', {}, { cipher });
    await ddl(store, 'CREATE TABLE "d.t" (id INTEGER PRIMARY KEY, v TEXT)');
    const before = store.pageIo();
    await ddl(
      store,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
       INSERT INTO "d.t" SELECT i, zeroblob(3000) FROM n`,
    );
    const written = store.pageIo();
    assert.ok(written.written >= before.written + 50, JSON.stringify({ before, written }));
    store.close();
    // Another connection, closed before the count is asked for, still counts: its reads of
    // 50 pages from disk are in the process's totals.
    const db = openDatabase(path, { readonly: true, fileMustExist: true }, cipher);
    db.prepare('SELECT sum(length(v)) FROM "d.t"').get();
    db.close();
    const again = openAt(path, 'n1', {}, { cipher });
    assert.ok(again.pageIo().read >= written.read + 50, JSON.stringify(again.pageIo()));
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
