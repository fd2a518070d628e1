// Goal: `trireme key reencrypt` on a stopped node turns encryption on for a node that holds
// plaintext data (database and GCache), moves both to a new key version after `trireme key
// rotate`, and refuses a node that is running. Method: a datadir made by the store and the
// GCache in plaintext with known strings, the command run in-process, the files scanned and
// reopened with the keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runKey } from '../../src/cli/key.js';
import { index, nodeId, term } from '../../src/core/types.js';
import { GCache } from '../../src/gcache/index.js';
import { formatKeyFile, readKeyRing } from '../../src/keys/index.js';
import {
  openDatabase,
  pageSchemeOf,
  rekeyDatabaseFile,
  SqliteDatabase as Database,
  type PageCipher,
} from '../../src/storage/sqlite.js';
import { Store, storePath } from '../../src/storage/index.js';
import { removeDir, tempDir } from '../support/index.js';

const SECRET = 'reencrypt-me-please';

function scan(dir: string): string[] {
  return readdirSync(dir).filter((file) => readFileSync(join(dir, file)).includes(SECRET));
}

async function plaintextNode(datadir: string): Promise<void> {
  const opened = Store.open({ path: storePath(datadir), nodeId: nodeId('n1') });
  assert.ok(opened.ok);
  opened.value.close();
  const db = new Database(storePath(datadir));
  db.exec(`CREATE TABLE "d.t" (s TEXT); INSERT INTO "d.t" VALUES ('${SECRET}')`);
  db.close();
  const gcache = await GCache.open(datadir);
  assert.ok(gcache.ok);
  const data = new TextEncoder().encode(SECRET);
  const entry = { index: index(1), term: term(1), kind: 'normal' as const, data, config: null };
  await gcache.value.gcache.write({
    hardState: { term: term(1), vote: null, commit: index(1), forcedConfig: null },
    boundary: null,
    resetLog: false,
    entries: [{ ...entry, origin: nodeId('n1'), proposalId: 1 }],
  });
  await gcache.value.gcache.close();
  writeFileSync(join(datadir, 'grastate.dat'), 'version: 2.1\nseqno:   1\nsafe_to_bootstrap: 1\n');
  // What the node wrote while it ran alone (wsrep_on=OFF) before encryption was turned on.
  writeFileSync(join(datadir, DUMP), `${DUMP_TEXT}\n`);
}

const DUMP = 'local-history-2026-12-07T08-00-00-000Z.sql';
const DUMP_TEXT = `-- local seqno 2\nINSERT INTO \`d\`.\`t\` (\`s\`) VALUES ('${SECRET}');`;

/** The dump as `trireme key decrypt` prints it with version `version` of the key alone. */
async function decrypted(keys: string, version: number): Promise<string> {
  const sealed = join(dirname(keys), 'data', DUMP.replace(/\.sql$/, '.sql.enc'));
  const only = join(dirname(keys), `only-v${version}.txt`);
  const ring = readKeyRing({ filename: keys, filekey: null });
  assert.ok(ring.ok);
  writeFileSync(only, formatKeyFile([ring.value.find(1, version)!]));
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
  assert.equal(await runKey(['decrypt', '--file', only, sealed], io), 0, out.join('\n'));
  return out.join('\n');
}

function readBack(datadir: string, cipher: PageCipher | null): unknown {
  const db = openDatabase(storePath(datadir), { readonly: true }, cipher);
  try {
    return db.prepare('SELECT s FROM "d.t"').pluck().get();
  } finally {
    db.close();
  }
}

test('reencrypt turns encryption on, then follows a rotation; a running node is refused', async (t) => {
  const dir = tempDir('trireme-reencrypt-');
  t.after(() => removeDir(dir));
  const datadir = join(dir, 'data');
  await plaintextNode(datadir);
  assert.ok(scan(datadir).length >= 2, 'the plaintext node holds the string in two files');

  const keys = join(dir, 'keys.txt');
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
  assert.equal(await runKey(['create', '--file', keys], io), 0);
  const cnf = join(dir, 'my.cnf');
  writeFileSync(
    cnf,
    `[mysqld]\ndatadir=${datadir}\n[mariadb]\nplugin_load_add=file_key_management\nfile_key_management_filename=${keys}\n`,
  );
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 0, out.join('\n'));
  assert.deepEqual(scan(datadir), []);
  assert.match(out.join('\n'), /database .*: plaintext -> key id 1/);
  // The plaintext local-history dump is sealed, and gone as plaintext (it was left as it was).
  assert.match(out.join('\n'), /local history .*\.sql\.enc: plaintext -> key id 1/);
  assert.equal(await decrypted(keys, 1), DUMP_TEXT);
  let ring = readKeyRing({ filename: keys, filekey: null });
  assert.ok(ring.ok);
  assert.equal(readBack(datadir, { key: ring.value.find(1, 1)!.material }), SECRET);
  const keysOf = (r: typeof ring & { ok: true }) => ({
    current: r.value.current(1),
    find: (id: number, version: number) => r.value.find(id, version),
  });
  const v1 = await GCache.open(datadir, { keys: keysOf(ring) });
  assert.ok(v1.ok);
  assert.equal(new TextDecoder().decode(v1.value.recovered.entries[0]!.data), SECRET);
  await v1.value.gcache.close();

  // Rotate, reencrypt: version 2 opens everything, version 1 is no longer needed.
  assert.equal(await runKey(['rotate', '--file', keys], io), 0);
  out.length = 0;
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 0, out.join('\n'));
  assert.match(out.join('\n'), /key id 1 \(AEGIS-256\) -> key id 1 version 2 \(AEGIS-256\)/);
  ring = readKeyRing({ filename: keys, filekey: null });
  assert.ok(ring.ok);
  const v2only = ring.value.find(1, 2)!;
  assert.equal(readBack(datadir, { key: v2only.material }), SECRET);
  const v2 = await GCache.open(datadir, {
    keys: {
      current: v2only,
      find: (id, version) => (version === 2 ? ring.value.find(id, 2) : null),
    },
  });
  assert.ok(v2.ok, v2.ok ? '' : JSON.stringify(v2.error));
  assert.equal(v2.value.gcache.stats().keyVersion, 2);
  await v2.value.gcache.close();
  assert.deepEqual(scan(datadir), []);
  assert.match(out.join('\n'), /local history .*: key id 1 version 1 -> key id 1 version 2/);
  assert.equal(await decrypted(keys, 2), DUMP_TEXT);

  // A database in ChaCha20-Poly1305 pages (written before AEGIS) opens, and reencrypt moves it
  // to AEGIS-256 under the same key.
  const path = storePath(datadir);
  assert.equal(pageSchemeOf(path, { key: v2only.material }), 'aegis');
  rekeyDatabaseFile(path, { key: v2only.material }, { key: v2only.material }, 'chacha20');
  assert.equal(pageSchemeOf(path, { key: v2only.material }), 'chacha20');
  assert.equal(readBack(datadir, { key: v2only.material }), SECRET);
  out.length = 0;
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 0, out.join('\n'));
  assert.match(
    out.join('\n'),
    /version 2 \(ChaCha20-Poly1305\) -> key id 1 version 2 \(AEGIS-256\)/,
  );
  assert.equal(pageSchemeOf(path, { key: v2only.material }), 'aegis');
  assert.equal(readBack(datadir, { key: v2only.material }), SECRET);
  out.length = 0;
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 0, out.join('\n'));
  assert.match(out.join('\n'), /already key id 1 version 2 \(AEGIS-256\)/);
  assert.match(out.join('\n'), /local history: 1 dump\(s\) already so/);

  // Encryption turned off: every file back in plaintext, the dump as SQL again.
  writeFileSync(
    cnf,
    `[mysqld]\ndatadir=${datadir}\n[mariadb]\nplugin_load_add=file_key_management\nfile_key_management_filename=${keys}\ninnodb_encrypt_tables=OFF\nencrypt_binlog=OFF\n`,
  );
  out.length = 0;
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 0, out.join('\n'));
  assert.match(out.join('\n'), /local history .*\.sql: key id 1 version 2 -> plaintext/);
  assert.equal(readFileSync(join(datadir, DUMP), 'utf8'), `${DUMP_TEXT}\n`);
  assert.equal(readBack(datadir, null), SECRET);

  writeFileSync(join(datadir, 'grastate.dat'), 'version: 2.1\nseqno:   -1\nsafe_to_bootstrap: 0\n');
  out.length = 0;
  assert.equal(await runKey(['reencrypt', `--defaults-file=${cnf}`], io), 1);
  assert.match(out.join('\n'), /says the node is running or did not stop cleanly/);
});
