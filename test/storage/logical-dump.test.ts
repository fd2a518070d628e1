// Goal: a logical dump (wsrep_sst_method=mysqldump) rebuilds the same rows, storage classes,
// rowids, schema and cluster position in a database of the loader's own format, and a cut or
// foreign file is refused. Method: a store with awkward values and table shapes, dumped and
// loaded through the worker, compared table by table with typeof() and quote().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SqliteDatabase as Database } from '../../src/storage/sqlite.js';
import { index } from '../../src/core/types.js';
import { loadLogicalDump, readStoreFormat, STORE_FORMAT_VERSION } from '../../src/storage/index.js';
import { openAt, tempStore } from './helpers.js';

function contents(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    const objects = db
      .prepare<[], { name: string; sql: string | null; type: string }>(
        `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY name`,
      )
      .all();
    out['schema'] = objects;
    for (const { name, type } of objects) {
      if (type !== 'table') continue;
      const rowid = name === 'w' || name.startsWith('_trireme_meta') ? '' : 'rowid, ';
      out[name] = db
        .prepare(`SELECT ${rowid}* FROM "${name}" ORDER BY 1`)
        .raw(true)
        .all()
        .map((row) =>
          (row as unknown[]).map((v) => (v instanceof Buffer ? `blob:${v.toString('hex')}` : v)),
        );
      out[`${name} types`] = db
        .prepare(`SELECT * FROM "${name}"`)
        .columns()
        .map((c) => c.name)
        .map((c) => db.prepare(`SELECT group_concat(typeof("${c}")) FROM "${name}"`).pluck().get());
    }
    return out;
  } finally {
    db.close();
  }
}

test('a logical dump loads into a database with the same rows, rowids, types and position', async () => {
  const t = tempStore('n1');
  try {
    const seeded = await t.store.applyBatch([
      { seqno: index(1), writeSet: null, certKeys: ['d\u0000t\u0000\u0001'] },
    ]);
    assert.ok(seeded.ok);
    assert.ok((await t.store.setClusterUuid('11111111-2222-3333-4444-555555555555')).ok);
    t.store.close();
    const raw = new Database(t.path);
    raw.exec(`
      CREATE TABLE "d.keyed" (id INTEGER PRIMARY KEY, v TEXT, r REAL, b BLOB, n, g INT GENERATED ALWAYS AS (id * 2) VIRTUAL);
      CREATE TABLE "d.nokey" (
        a TEXT,
        b INT DEFAULT 'x;'
      );
      CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
      CREATE TABLE "d.auto" (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
      CREATE INDEX "d.keyed_v" ON "d.keyed" (v);
      INSERT INTO "d.keyed" (id, v, r, b, n) VALUES
        (1, 'it''s', 1.0, x'00ff', NULL),
        (2, 'two
lines' || char(0) || 'nul', -0.5, x'', 9223372036854775807),
        (3, 'é ☃ 😀', 1e300, NULL, 2.5),
        (4, '', 3.141592653589793, x'0a0d', 'text');
      INSERT INTO "d.nokey" (rowid, a, b) VALUES (7, 'x', 1), (3, 'y', 2), (100, NULL, NULL);
      INSERT INTO w VALUES ('b', 1), ('a', x'01');
      INSERT INTO "d.auto" (v) VALUES ('a'), ('b'), ('c');
      DELETE FROM "d.auto" WHERE id = 3;
      INSERT INTO _trireme_catalog VALUES ('d.keyed', '{"columns":[]}');
    `);
    raw.close();
    const store = openAt(t.path);
    const sql = join(t.dir, 'dump.sql');
    const dumped = await store.dumpTo(sql);
    assert.deepEqual(dumped, { ok: true, value: 1 });
    store.close();

    const target = join(t.dir, 'loaded.db');
    const loaded = await loadLogicalDump(sql, target);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.error);
    assert.equal(loaded.value.seqno, 1);
    assert.equal(readStoreFormat(target), STORE_FORMAT_VERSION);
    assert.deepEqual(contents(target), contents(t.path));
    // The loaded file opens as a store at the donor's position, with its window.
    const reopened = openAt(target, 'n2');
    assert.equal(reopened.appliedSeqno(), 1);
    assert.equal(reopened.clusterUuid(), '11111111-2222-3333-4444-555555555555');
    assert.deepEqual(reopened.certWindowAfter(index(0)), [
      { seqno: 1, keys: ['d\u0000t\u0000\u0001'] },
    ]);
    reopened.close();

    // A cut dump, or a file that is not a dump, is refused and leaves no database behind.
    const text = readFileSync(sql, 'utf8');
    writeFileSync(sql, text.slice(0, Math.floor(text.length / 2)));
    const cut = await loadLogicalDump(sql, target);
    assert.ok(!cut.ok && /end|cut/.test(cut.error), JSON.stringify(cut));
    writeFileSync(sql, 'DROP TABLE x;\n');
    const foreign = await loadLogicalDump(sql, target);
    assert.ok(!foreign.ok && /not a trireme logical dump/.test(foreign.error));
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});
