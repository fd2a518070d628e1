// Goal: wsrep_sst_method=mysqldump runs a logical transfer (SQL statements) that works between
// builds of different storage formats, where the physical copy is refused before anything is
// installed; both logs name the method, the bytes, the time and the rate. Method: real processes;
// n1 and n2 write storage format 2 (the test-only TRIREME_TEST_STORE_FORMAT), n3 is this build's
// format; 1.5 MiB of rows compact the gcache (gcache.size=1M) so n3 needs an SST.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FORMAT_VERSION, storeFormatEnv } from '../../src/storage/index.js';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, until } from './processes.js';

const newFormat = { [storeFormatEnv]: String(STORE_FORMAT_VERSION + 1n) };

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

/** Every row of lt.t in id order, with a digest of its values, as one comparable text. */
async function contents(node: NodeProcess): Promise<string> {
  const rows = await query(node, 'SELECT id, v, f, HEX(b), MD5(pad), note FROM lt.t ORDER BY id');
  return JSON.stringify(rows);
}

describe('logical SST (mysqldump) across storage formats', { timeout: 240_000 }, () => {
  before(async () => {
    cluster = await localCluster(3, { providerOptions: 'gcache.size=1M' });
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('a node of another storage format joins by mysqldump, not by a physical copy', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    n1.start(['--wsrep-new-cluster'], newFormat);
    await n1.waitReady();
    n2.start([], newFormat);
    await n2.waitReady();
    await query(n1, 'CREATE DATABASE lt');
    await query(
      n1,
      'CREATE TABLE lt.t (id INT PRIMARY KEY, v BIGINT, f DOUBLE, b BLOB, pad TEXT, note VARCHAR(40))',
    );
    await query(n1, 'CREATE INDEX t_v ON lt.t (v)');
    const conn = await n1.connect();
    try {
      for (let id = 1; id <= 700; id++)
        await conn.query('INSERT INTO lt.t VALUES (?, ?, ?, ?, ?, ?)', [
          id,
          id === 1 ? '9223372036854775807' : id * 1000,
          id === 2 ? null : id / 7,
          Buffer.from([0, id % 256, 10, 13]),
          `${id}`.repeat(2000 / String(id).length),
          id === 3 ? "it's\nmultiline" : `row ${id}`,
        ]);
    } finally {
      await conn.end();
    }
    await until(
      'the gcache compacts past a new node',
      async () => Number((await n1.status('wsrep_local_cached_downto')) ?? 0) > 1,
    );

    // This build cannot open format 2: the physical copy is refused before the install.
    n3.start();
    await until('the physical copy is refused', () =>
      Promise.resolve(
        /a physical copy cannot cross storage formats; set wsrep_sst_method=mysqldump/.test(
          n3.output.join('\n'),
        ),
      ),
    );
    assert.doesNotMatch(n3.output.join('\n'), /installed state/);
    await n3.stop();

    const seen = n3.output.length;
    n3.start(['--wsrep-sst-method=mysqldump']);
    await n3.waitReady(90_000);
    const joinerLog = n3.output.slice(seen).join('\n');
    const donorLog = [...n1.output, ...n2.output].join('\n');
    assert.match(joinerLog, /joiner n3, donor n[12]: method mysqldump: trireme's logical transfer/);
    assert.match(donorLog, /donor n[12], joiner n3: method mysqldump: trireme's logical transfer/);
    assert.match(donorLog, /dumped the database as SQL statements at seqno \d+ in [\d.]+ s/);
    assert.match(joinerLog, /of SQL statements \(logical\)/);
    for (const [log, verb] of [
      [donorLog, 'sent'],
      [joinerLog, 'received'],
    ] as const)
      assert.match(
        log,
        new RegExp(
          `${verb} [\\d.]+ MiB \\(SQL [\\d.]+ MiB, \\d+ log entries\\) in [\\d.]+ s, [\\d.]+ MiB/s`,
        ),
      );
    assert.match(joinerLog, /loaded \d+ SQL statements into a database of storage format 1 in/);
    await until(
      'n3 synced',
      async () => (await n3.status('wsrep_local_state_comment')) === 'Synced',
    );
    const expected = await contents(n1);
    assert.equal(await contents(n3), expected);
    assert.equal((await query(n3, 'SELECT COUNT(*) FROM lt.t'))[0]![0], 700);
    assert.match(
      String((await query(n3, 'SHOW CREATE TABLE lt.t'))[0]![1]),
      /`note` varchar\(40\)/,
    );

    // The joiner certifies and replicates as a member: writes both ways, and a conflict is 1213.
    await query(n3, 'UPDATE lt.t SET v = -1 WHERE id = 5');
    await query(n1, 'INSERT INTO lt.t (id, v) VALUES (701, 1)');
    for (const node of nodes)
      await until(`${node.name} has both writes`, async () => {
        const rows = await query(node, 'SELECT v FROM lt.t WHERE id IN (5, 701) ORDER BY id');
        return JSON.stringify(rows) === '[[-1],[1]]';
      });
  });
});
