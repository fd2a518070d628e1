// Goal: a standalone node (`trireme start` without a cluster) with a key file reports encryption
// as a cluster node does: SHOW STATUS LIKE 'encrypt%', one row for its database in
// information_schema.INNODB_TABLESPACES_ENCRYPTION (none for a GCache it does not have), and a
// key rotated while it runs is seen (key file reads, CURRENT_KEY_VERSION) while the database
// stays under the version it opened with, as the log line says; every file it writes, its
// local-history dump too, is encrypted; a flipped byte in a data page is an error, not data. Method: one real process,
// mysql2, every file under the datadir scanned for a known string after the stop; the sealed
// local-history dump read back with `trireme key decrypt`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKey } from '../../src/cli/key.js';
import { readKeyRing } from '../../src/keys/index.js';
import { openDatabase } from '../../src/storage/sqlite.js';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, until } from './processes.js';

const SECRET = 'Standalone-At-Rest-Secret';
const quiet = { out: () => undefined, err: () => undefined };

let cluster: LocalCluster;
let node: NodeProcess;
let keyFile: string;

async function query(sql: string): Promise<unknown[][]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return rows as unknown[][];
  } finally {
    await conn.end();
  }
}

async function status(): Promise<Map<string, string>> {
  const rows = await query("SHOW STATUS LIKE 'encrypt%'");
  return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
}

function pageCounts(variables: Map<string, string>): { encrypted: number; decrypted: number } {
  return {
    encrypted: Number(variables.get('Encryption_data_pages_encrypted')),
    decrypted: Number(variables.get('Encryption_data_pages_decrypted')),
  };
}

async function tablespaces(): Promise<string[][]> {
  const rows = await query(
    'SELECT * FROM information_schema.INNODB_TABLESPACES_ENCRYPTION ORDER BY SPACE',
  );
  return rows.map((r) => r.map((v) => String(v)));
}

describe('encryption at rest on a standalone node', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await localCluster(1, { tls: false });
    node = new NodeProcess('n1', cluster);
    keyFile = join(cluster.dir, 'keys.txt');
    assert.equal(await runKey(['create', '--file', keyFile], quiet), 0);
    // No [galera] section: `trireme start` runs a standalone node.
    writeFileSync(
      cluster.cnf.get('n1')!,
      `[mysqld]\ndatadir=${join(cluster.dir, 'n1')}\nport=${node.port}\nbind-address=127.0.0.1\n` +
        `[mariadb]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${keyFile}\n`,
    );
    node.start();
    await until('the standalone node answers', async () => (await query('SELECT 1')).length === 1);
  });

  after(async () => {
    await node?.stop();
    cluster?.cleanup();
  });

  test('status and INNODB_TABLESPACES_ENCRYPTION tell what is encrypted, with which key', async () => {
    await query('CREATE DATABASE s');
    await query('CREATE TABLE s.t (id INT PRIMARY KEY, v VARCHAR(100))');
    const pagesBefore = pageCounts(await status());
    await query(`INSERT INTO s.t VALUES (1, '${SECRET}')`);
    const before = await status();
    // Pages written (each encrypted) and read from disk (each decrypted) by SQLite in the node.
    const pagesAfter = pageCounts(before);
    assert.ok(pagesAfter.encrypted > pagesBefore.encrypted, JSON.stringify(pagesAfter));
    assert.ok(pagesAfter.decrypted > 0, JSON.stringify(pagesAfter));
    const innodb = new Map(
      (await query("SHOW STATUS LIKE 'Innodb_num_pages_%crypted'")).map((r) => [
        String(r[0]),
        Number(r[1]),
      ]),
    );
    assert.deepEqual(
      [...innodb.keys()],
      ['Innodb_num_pages_decrypted', 'Innodb_num_pages_encrypted'],
    );
    assert.ok(innodb.get('Innodb_num_pages_encrypted')! >= pagesAfter.encrypted);
    assert.ok(innodb.get('Innodb_num_pages_decrypted')! >= pagesAfter.decrypted);
    assert.equal(before.get('Encryption_data_cipher'), 'AEGIS-256');
    assert.equal(before.get('Encryption_key_file'), keyFile);
    assert.equal(before.get('Encryption_data_files'), 'ON');
    assert.equal(before.get('Encryption_data_key_id'), '1');
    assert.equal(before.get('Encryption_data_key_version'), '1');
    assert.equal(before.get('Encryption_gcache'), 'OFF');
    assert.equal(before.get('Encryption_key_file_reads'), '1');
    assert.deepEqual(await tablespaces(), [
      ['0', 'trireme.db', '1', '1', '1', '1', 'null', 'null', '1', '0'],
    ]);
  });

  test('a key rotated while it runs is seen; the database stays under its version', async () => {
    const run = spawnSync(
      process.execPath,
      ['bin/trireme.js', 'key', 'rotate', '--file', keyFile],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    await until('the key file is read again', async () => {
      return (await status()).get('Encryption_key_file_reads') === '2';
    });
    assert.equal((await status()).get('Encryption_key_versions'), '2');
    // MariaDB's name for the same count: requests for keys, here reads of the key file.
    assert.deepEqual(await query("SHOW STATUS LIKE 'innodb_encryption_num_key%'"), [
      ['Innodb_encryption_num_key_requests', '2'],
    ]);
    assert.equal((await status()).get('Encryption_data_key_version'), '1');
    assert.deepEqual(await tablespaces(), [
      ['0', 'trireme.db', '1', '2', '1', '2', 'null', 'null', '1', '0'],
    ]);
    const line = node.output.find((l) => l.includes('read again'));
    assert.match(line ?? node.output.join('\n'), /the database stays under key id 1 /);
    await query(`INSERT INTO s.t VALUES (2, '${SECRET}-2')`);
    assert.equal((await query('SELECT COUNT(*) FROM s.t'))[0]![0], 2);
    await node.stop();
    const datadir = join(cluster.dir, 'n1');
    const files = filesUnder(datadir);
    assert.ok(files.includes(join(datadir, 'trireme.db')));
    // Every file the node wrote, its local-history dump included, holds no written string.
    assert.deepEqual(
      files.filter((file) => readFileSync(file).includes(SECRET)),
      [],
    );
    // The dump is sealed, and `trireme key decrypt` reads the writes back from it.
    const dumps = files.filter((file) => /local-history-.*\.sql\.enc$/.test(file));
    assert.equal(dumps.length, 1, files.join('\n'));
    const decrypt = spawnSync(
      process.execPath,
      ['bin/trireme.js', 'key', 'decrypt', '--file', keyFile, dumps[0]!],
      { encoding: 'utf8' },
    );
    assert.equal(decrypt.status, 0, decrypt.stderr);
    assert.match(decrypt.stdout, new RegExp(`VALUES \\(2, '${SECRET}-2'\\);`));
  });

  test('a flipped byte in a data page is reported as corruption, never returned as data', async () => {
    const path = join(cluster.dir, 'n1', 'trireme.db');
    const ring = readKeyRing({ filename: keyFile, filekey: null });
    assert.ok(ring.ok);
    const cipher = { key: ring.value.find(1, 1)!.material };
    // The stopped node's file, opened with its key: which page holds the rows of s.t.
    const db = openDatabase(path, { fileMustExist: true }, cipher);
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = 's.t'").pluck().all();
    db.close();
    assert.equal(pages.length, 1);
    const bytes = readFileSync(path);
    bytes[(Number(pages[0]) - 1) * pageSize + pageSize / 2]! ^= 0x01;
    writeFileSync(path, bytes);
    node.start();
    await until('the node answers again', async () => (await query('SELECT 1')).length === 1);
    const conn = await node.connect();
    try {
      await assert.rejects(
        conn.query('SELECT * FROM s.t'),
        (error: { errno: number; message: string }) => {
          assert.equal(error.errno, 1030, error.message);
          assert.match(error.message, /wrong checksum/);
          assert.ok(!error.message.includes(SECRET));
          return true;
        },
      );
      // The session and the node go on.
      const [rows] = await conn.query({ sql: 'SELECT 2', rowsAsArray: true });
      assert.deepEqual(rows, [[2]]);
    } finally {
      await conn.end();
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}
