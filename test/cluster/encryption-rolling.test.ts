// Goal: README's procedure turns encryption on for a running plaintext 3-node cluster node by
// node: stop a node, `trireme key create`, add the key options to its my.cnf, `trireme key
// reencrypt`, start it; the other two keep taking writes through the MySQL protocol meanwhile,
// every row is on every node afterwards, and no file of a converted node holds a written string
// in plaintext (the cluster's files did before: the scan is not vacuous). Method: real
// processes on loopback, a mysql2 writer on the running nodes during each step, the datadirs
// scanned byte by byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

const SECRET = 'Rolling-Turn-On-Secret';

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function query(node: NodeProcess, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true }, params);
    return rows as unknown[][];
  } finally {
    await conn.end();
  }
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

/** `trireme …` as a user runs it; fails the test with its stderr. */
function trireme(...args: string[]): string {
  const run = spawnSync(process.execPath, ['bin/trireme.js', ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, `trireme ${args.join(' ')}: ${run.stderr}`);
  return run.stdout + run.stderr;
}

/** Inserts rows through `targets` in turn until stopped; resolves with the ids committed. */
function writer(
  targets: readonly NodeProcess[],
  firstId: number,
): { stop: () => Promise<number[]> } {
  let running = true;
  const committed: number[] = [];
  const done = (async () => {
    const conns = await Promise.all(targets.map((node) => node.connect()));
    try {
      for (let id = firstId; running; id++) {
        const conn = conns[id % conns.length]!;
        await conn.query('INSERT INTO enc.t (id, s) VALUES (?, ?)', [id, `${SECRET}-${id}`]);
        committed.push(id);
      }
    } finally {
      for (const conn of conns) await conn.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return committed;
    },
  };
}

describe('turning encryption on across a running plaintext cluster', { timeout: 300_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('node by node: stop, key create, options, reencrypt, start; writes go on', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await query(n1, 'CREATE DATABASE enc');
    await query(n1, 'CREATE TABLE enc.t (id INT PRIMARY KEY, s VARCHAR(200) NOT NULL)');
    await until('enc.t everywhere', async () => {
      for (const node of nodes) await query(node, 'SELECT COUNT(*) FROM enc.t');
      return true;
    });
    const ids: number[] = [];
    const first = writer(nodes, 1);
    await until(
      'rows before',
      async () => Number((await query(n1, 'SELECT COUNT(*) FROM enc.t'))[0]![0]) >= 30,
    );
    ids.push(...(await first.stop()));
    // The plaintext cluster keeps the strings in its files: the scans below are not vacuous.
    await until(
      'n3 holds the rows',
      async () => Number((await query(n3, 'SELECT COUNT(*) FROM enc.t'))[0]![0]) === ids.length,
    );
    assert.notDeepEqual(filesContaining(join(cluster.dir, 'n3'), SECRET), []);
    // A plaintext node encrypts and decrypts no page, however many it writes.
    assert.deepEqual(await query(n1, "SHOW STATUS LIKE 'Innodb_num_pages_%crypted'"), [
      ['Innodb_num_pages_decrypted', '0'],
      ['Innodb_num_pages_encrypted', '0'],
    ]);

    let nextId = 1000;
    for (const node of [n3, n2, n1]) {
      const others = nodes.filter((n) => n !== node);
      await node.stop();
      const writes = writer(others, nextId);
      const keyFile = join(cluster.dir, `${node.name}-keys.txt`);
      const cnf = cluster.cnf.get(node.name)!;
      trireme('key', 'create', '--file', keyFile);
      appendFileSync(
        cnf,
        `[mariadb]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${keyFile}\n`,
      );
      const reencrypted = trireme('key', 'reencrypt', `--defaults-file=${cnf}`);
      assert.match(reencrypted, /plaintext -> key id 1 \(AEGIS-256\)/, reencrypted);
      node.start();
      await node.waitReady(90_000);
      const during = await writes.stop();
      assert.ok(during.length > 0, `writes went on while ${node.name} was converted`);
      ids.push(...during);
      nextId += 1000;
      assert.equal(await node.status('Encryption_data_files'), 'ON');
      assert.equal(await node.status('Encryption_gcache'), 'ON');
      assert.equal(await node.status('Encryption_data_cipher'), 'AEGIS-256');
    }
    const expected = ids.length;
    for (const node of nodes)
      await until(`${node.name} holds all ${expected} rows`, async () => {
        const rows = await query(node, 'SELECT COUNT(*), SUM(s = CONCAT(?, id)) FROM enc.t', [
          `${SECRET}-`,
        ]);
        return Number(rows[0]![0]) === expected && Number(rows[0]![1]) === expected;
      });
    for (const node of [n3, n2, n1]) await node.stop();
    for (const name of cluster.names)
      assert.deepEqual(
        filesContaining(join(cluster.dir, name), SECRET),
        [],
        `${name}: plaintext left`,
      );
  });
});
