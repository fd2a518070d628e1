// Goal: issue 14's acceptance on an encrypted 3-node cluster, each node with its own key file
// (n3's itself encrypted with a filekey): known strings written through the MySQL protocol are
// in no file under any datadir once the nodes stop, and all come back after a restart, after
// kill -9, and after an SST to a node holding another key (a joiner of a release that could not
// install the donor's rekeyed copy is refused, naming what it lacks); a wrong key refuses the
// start in one line naming the key file and key id; a GCache record altered on disk (CRC fixed
// up) is reported as corruption; a key rotated on a running node seals its new GCache segments
// and, with innodb_encryption_threads, old segments are re-encrypted in the background; after
// `trireme key reencrypt` the database runs on the new key version too; SHOW STATUS LIKE
// 'encrypt%' and INNODB_TABLESPACES_ENCRYPTION tell what is encrypted. Method: real
// processes on loopback, mysql2, the files scanned byte by byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKey } from '../../src/cli/key.js';
import { crc32Of } from '../../src/codec/crc.js';
import { sstRequestEnv } from '../../src/node/sst-method.js';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

const SECRET = 'Tr1reme-At-Rest-Secret';
const quiet = { out: () => undefined, err: () => undefined };

let cluster: LocalCluster;
let nodes: NodeProcess[];
const keyFiles = new Map<string, string>();

async function query(node: NodeProcess, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true }, params);
    return rows as unknown[][];
  } finally {
    await conn.end();
  }
}

async function secrets(node: NodeProcess): Promise<string> {
  const rows = await query(node, 'SELECT id, s FROM enc.t ORDER BY id');
  return rows.map((r) => `${String(r[0])}:${String(r[1])}`).join(',');
}

function expected(ids: readonly number[]): string {
  return ids.map((id) => `${id}:${SECRET}-${id}`).join(',');
}

/** Every file under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesContaining(path, text));
    else if (readFileSync(path).includes(text)) found.push(path);
  }
  return found;
}

function filesUnder(dir: string): number {
  return readdirSync(dir).reduce((n, name) => {
    const path = join(dir, name);
    return n + (statSync(path).isDirectory() ? filesUnder(path) : 1);
  }, 0);
}

/** information_schema.INNODB_TABLESPACES_ENCRYPTION, every column, as text. */
async function tablespaces(node: NodeProcess): Promise<string[][]> {
  const rows = await query(
    node,
    'SELECT SPACE, NAME, ENCRYPTION_SCHEME, KEYSERVER_REQUESTS, MIN_KEY_VERSION, CURRENT_KEY_VERSION, KEY_ROTATION_PAGE_NUMBER, KEY_ROTATION_MAX_PAGE_NUMBER, CURRENT_KEY_ID, ROTATING_OR_FLUSHING FROM information_schema.INNODB_TABLESPACES_ENCRYPTION ORDER BY SPACE',
  );
  return rows.map((r) => r.map((v) => String(v)));
}

async function insert(node: NodeProcess, ids: readonly number[]): Promise<void> {
  for (const id of ids)
    await query(node, 'INSERT INTO enc.t (id, s) VALUES (?, ?)', [id, `${SECRET}-${id}`]);
}

async function allHave(ids: readonly number[]): Promise<void> {
  for (const node of nodes)
    await until(
      `${node.name} holds rows ${ids.join(',')}`,
      async () => (await secrets(node)) === expected(ids),
    );
}

describe('encryption at rest on a 3-node cluster', { timeout: 300_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    for (const name of cluster.names) {
      const file = join(cluster.dir, `${name}-keys.txt`);
      const secretFile = join(cluster.dir, `${name}-filekey`);
      writeFileSync(secretFile, `filekey of ${name}\n`);
      // n3's key file is encrypted as MariaDB's file_key_management_filekey expects.
      const filekey = name === 'n3' ? ['--filekey', `FILE:${secretFile}`] : [];
      assert.equal(await runKey(['create', '--file', file, ...filekey], quiet), 0);
      keyFiles.set(name, file);
      appendFileSync(
        cluster.cnf.get(name)!,
        `[mariadb]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${file}\n` +
          (name === 'n3' ? `file_key_management_filekey = FILE:${secretFile}\n` : ''),
      );
    }
    await startAll(nodes);
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('written strings are in no file after a stop, and come back after a restart', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await query(n1, 'CREATE DATABASE enc');
    await query(n1, 'CREATE TABLE enc.t (id INT PRIMARY KEY, s VARCHAR(200) NOT NULL)');
    await until(
      'enc.t on n3',
      async () => (await query(n3, 'SELECT COUNT(*) FROM enc.t')).length === 1,
    );
    await insert(n1, [1, 2, 3]);
    await insert(n2, [4, 5, 6]);
    await insert(n3, [7, 8, 9]);
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const status = new Map(
      (await query(n2, "SHOW STATUS LIKE 'encrypt%'")).map((r) => [String(r[0]), String(r[1])]),
    );
    assert.equal(status.get('Encryption_data_files'), 'ON');
    assert.equal(status.get('Encryption_data_key_id'), '1');
    assert.equal(status.get('Encryption_gcache'), 'ON');
    assert.equal(status.get('Encryption_gcache_key_id'), '1');
    assert.equal(status.get('Encryption_key_file'), keyFiles.get('n2'));
    assert.ok(Number(status.get('Encryption_gcache_records_encrypted')) >= 11);

    // The last to stop is safe to bootstrap from; startAll bootstraps n1.
    for (const node of [n3, n2, n1]) await node.stop();
    for (const name of cluster.names) {
      const datadir = join(cluster.dir, name);
      assert.ok(filesUnder(datadir) >= 4, `${name} has its files`);
      assert.deepEqual(filesContaining(datadir, SECRET), [], `${name}: plaintext on disk`);
    }
    await startAll(nodes);
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('after kill -9 a node reads back everything, and what it missed', async () => {
    const [n1, n2] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    n2.kill9();
    await n2.waitExit();
    await insert(n1, [10, 11]);
    n2.start();
    await n2.waitReady();
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test('a wrong key refuses the start with one line naming the key file and the key id', async () => {
    const n3 = nodes[2]!;
    await n3.stop();
    const file = keyFiles.get('n3')!;
    const kept = readFileSync(file);
    const other = join(cluster.dir, 'n3-other-keys.txt');
    assert.equal(await runKey(['create', '--file', other], quiet), 0);
    writeFileSync(file, readFileSync(other)); // a plaintext file with another key id 1
    n3.output.length = 0;
    n3.start();
    await n3.waitExit();
    writeFileSync(file, kept);
    assert.notEqual(n3.exitCode, 0);
    const refusal = n3.output.filter((line) => line.includes(file));
    assert.equal(refusal.length, 1, n3.output.join('\n'));
    assert.match(refusal[0]!, /key id 1/);
  });

  test('an SST to a node that holds another key: the joiner re-encrypts with its own', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    // Local history (a write made alone) makes the rejoin take an SST rather than IST.
    n3.start(['--wsrep-on=OFF']);
    await until('n3 alone', async () => (await query(n3, 'SELECT 1')).length === 1);
    await query(n3, "INSERT INTO enc.t (id, s) VALUES (100, 'local only')");
    await n3.stop();
    await insert(n1, [12]);
    // As a joiner of a release before the SST capability list, n3 is refused: an encrypted donor
    // sends only a copy under a transfer key, which such a joiner would install unreadable.
    n3.output.length = 0;
    for (const node of [n1, n2]) node.output.length = 0;
    n3.start([], { [sstRequestEnv]: 'legacy' });
    await until('a donor refused the legacy joiner', () =>
      Promise.resolve(
        n3.output.some((line) => /donor n[12] refused the state transfer/.test(line)),
      ),
    );
    const refusal = [...n1.output, ...n2.output].filter((line) =>
      line.includes('refused a state transfer to n3'),
    );
    assert.ok(refusal.length >= 1, [...n1.output, ...n2.output].join('\n'));
    assert.match(refusal[0]!, /encrypted.*missing capability 'transfer-key'.*upgrade the joiner/);
    assert.doesNotMatch(n3.output.join('\n'), /SST complete/);
    await n3.stop();
    // As a joiner of the release before AEGIS pages, n3 gets a copy in ChaCha20-Poly1305 pages,
    // the one scheme that release opens; this release rewrites it in AEGIS-256 at install.
    n3.output.length = 0;
    for (const node of [n1, n2]) node.output.length = 0;
    n3.start([], { [sstRequestEnv]: 'before-aegis' });
    await n3.waitReady(90_000);
    assert.match(n3.output.join('\n'), /SST complete/);
    assert.match(
      n3.output.join('\n'),
      /installed state \d+ from n[12] \(pages received ChaCha20-Poly1305, installed AEGIS-256\)/,
    );
    assert.match(
      [...n1.output, ...n2.output].join('\n'),
      /copied the database .* under a transfer key \(ChaCha20-Poly1305\)/,
    );
    assert.equal(await n3.status('Encryption_data_cipher'), 'AEGIS-256');
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // This release's joiner gets AEGIS pages (a local write again, so that it takes an SST).
    await n3.stop();
    n3.start(['--wsrep-on=OFF']);
    await until('n3 alone', async () => (await query(n3, 'SELECT 1')).length === 1);
    await query(n3, "INSERT INTO enc.t (id, s) VALUES (101, 'local only')");
    await n3.stop();
    n3.output.length = 0;
    n3.start();
    await n3.waitReady(90_000);
    assert.match(
      n3.output.join('\n'),
      /installed state \d+ from n[12] \(pages received AEGIS-256, installed AEGIS-256\)/,
    );
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.notDeepEqual(readFileSync(keyFiles.get('n1')!), readFileSync(keyFiles.get('n3')!));
    for (const node of [n3, n2, n1]) await node.stop();
    for (const name of cluster.names)
      assert.deepEqual(filesContaining(join(cluster.dir, name), SECRET), [], name);
  });

  test('a key rotated while the node runs: new GCache segments take it, the database waits', async () => {
    const [n1, n2] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await startAll(nodes);
    // A failure stops the nodes all the same: the next tests start them again.
    try {
      await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.deepEqual(await tablespaces(n1), [
        ['0', 'trireme.db', '1', '1', '1', '1', 'null', 'null', '1', '0'],
        ['1', 'gcache', '1', '1', '1', '1', 'null', 'null', '1', '0'],
      ]);
      n1.output.length = 0;
      const run = spawnSync(
        process.execPath,
        ['bin/trireme.js', 'key', 'rotate', '--file', keyFiles.get('n1')!],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      await until('n1 seals with key version 2', async () => {
        return (await n1.status('Encryption_gcache_key_version')) === '2';
      });
      const line = n1.output.find((l) => l.includes('read again'));
      assert.match(
        line ?? n1.output.join('\n'),
        /1 new key version\(s\); new GCache records are sealed with key id 1 version 2/,
      );
      assert.match(line!, /the database stays under key id 1 .*trireme key reencrypt/);
      // Writes go on, through both nodes, and the first one sealed under version 2 starts a segment.
      await insert(n1, [13]);
      await insert(n2, [14]);
      await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      assert.equal(await n1.status('Encryption_data_key_version'), '1');
      assert.equal(await n1.status('Encryption_key_file_reads'), '2');
      assert.ok(Number(await n1.status('Encryption_gcache_segments_old_key')) >= 1);
      assert.deepEqual(await tablespaces(n1), [
        ['0', 'trireme.db', '1', '2', '1', '2', 'null', 'null', '1', '0'],
        ['1', 'gcache', '1', '2', '1', '2', 'null', 'null', '1', '0'],
      ]);
      // Background re-encryption as MariaDB's: on with innodb_encryption_threads > 0; a segment is
      // due when its version + innodb_encryption_rotate_key_age (1) < the newest. A warning says
      // that it covers the GCache, not the database.
      const conn = await n1.connect();
      try {
        const [rows] = await conn.query({
          sql: 'SELECT @@innodb_encryption_threads, @@innodb_encryption_rotate_key_age',
          rowsAsArray: true,
        });
        assert.deepEqual(rows, [[0, 1]]);
        await conn.query('SET GLOBAL innodb_encryption_threads = 1');
        const [warnings] = await conn.query({ sql: 'SHOW WARNINGS', rowsAsArray: true });
        assert.deepEqual(
          (warnings as unknown[][]).map((w) => [w[0], w[1]]),
          [['Warning', 1235]],
        );
        assert.match(
          String((warnings as unknown[][])[0]![2]),
          /the database is not .*trireme key reencrypt on the stopped node/,
        );
        await assert.rejects(conn.query('SET GLOBAL innodb_encryption_threads = -1'), {
          errno: 1231,
        });
      } finally {
        await conn.end();
      }
      // Version 2 is 1 behind the newest: not due. A third version makes version 1's segment due.
      assert.equal(await n1.status('Encryption_gcache_segments_reencrypted'), '0');
      n1.output.length = 0;
      const third = spawnSync(
        process.execPath,
        ['bin/trireme.js', 'key', 'rotate', '--file', keyFiles.get('n1')!],
        { encoding: 'utf8' },
      );
      assert.equal(third.status, 0, third.stderr);
      await insert(n2, [15]);
      await until('a GCache segment re-encrypted in the background', async () => {
        return Number(await n1.status('Encryption_gcache_segments_reencrypted')) >= 1;
      });
      await insert(n1, [16]);
      await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
      assert.match(
        n1.output.join('\n'),
        /re-encrypted GCache segment \S+\.seg \(\d+ records\) from key id 1 to key id 1 version 3/,
      );
      await until('no segment under version 1', async () => {
        const rows = await tablespaces(n1);
        return rows[1]![4] === '2';
      });
      assert.deepEqual(await tablespaces(n1), [
        ['0', 'trireme.db', '1', '3', '1', '3', 'null', 'null', '1', '0'],
        ['1', 'gcache', '1', '3', '2', '3', 'null', 'null', '1', '0'],
      ]);
    } finally {
      for (const node of [nodes[2]!, n2, n1]) await node.stop();
    }
    for (const name of cluster.names)
      assert.deepEqual(filesContaining(join(cluster.dir, name), SECRET), [], name);
  });

  test('reencrypt a stopped node after the rotations: it runs on key version 3 with every row', async () => {
    const n1 = nodes[0]!;
    const run = spawnSync(
      process.execPath,
      ['bin/trireme.js', 'key', 'reencrypt', `--defaults-file=${cluster.cnf.get('n1')!}`],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    await startAll(nodes);
    await allHave([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const status = new Map(
      (await query(n1, "SHOW STATUS LIKE 'encryption_%version%'")).map((r) => [
        String(r[0]),
        String(r[1]),
      ]),
    );
    assert.equal(status.get('Encryption_data_key_version'), '3');
    assert.equal(status.get('Encryption_gcache_key_version'), '3');
    assert.deepEqual(await tablespaces(n1), [
      ['0', 'trireme.db', '1', '1', '3', '3', 'null', 'null', '1', '0'],
      ['1', 'gcache', '1', '1', '3', '3', 'null', 'null', '1', '0'],
    ]);
    for (const node of [nodes[2]!, nodes[1]!, n1]) await node.stop();
  });

  test('a GCache record altered on disk (CRC fixed up) is reported as corruption', () => {
    const datadir = join(cluster.dir, 'n2');
    const segment = readdirSync(datadir)
      .filter((f) => f.endsWith('.seg'))
      .sort()[0]!;
    const path = join(datadir, segment);
    const bytes = readFileSync(path);
    // The second record: the first entry after the segment header.
    const offset = 13 + bytes.readUInt32BE(0);
    const payloadBytes = bytes.readUInt32BE(offset);
    bytes[offset + 13 + Math.floor(payloadBytes / 2)]! ^= 0x01;
    let crc = crc32Of(bytes.subarray(offset, offset + 4));
    crc = crc32Of(bytes.subarray(offset + 8, offset + 13 + payloadBytes), crc) >>> 0;
    bytes.writeUInt32BE(crc, offset + 4);
    writeFileSync(path, bytes);
    const n2 = nodes[1]!;
    n2.output.length = 0;
    n2.start();
    return n2.waitExit().then(() => {
      assert.notEqual(n2.exitCode, 0);
      assert.match(
        n2.output.join('\n'),
        new RegExp(`corrupt record in ${path} at offset ${offset}: auth_failed`),
      );
    });
  });
});
