// What the ORM suites share: a workflow written once against a `Target` (a database name and the
// client ports of "node 1" and "node 2") runs on a 3-node trireme cluster over TLS and on a
// private mariadbd; what it observed (rows returned, affected counts, the schema as the ORM
// reflects it) must be the same on both, and the cluster's three nodes must hold the same tables
// and rows afterwards. On MariaDB node 1 and node 2 are the same server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { localCluster, type LocalCluster } from '../cluster/harness.js';
import { NodeProcess, startAll, until } from '../cluster/processes.js';
import { findMariadbd, startMariadb, type Server } from '../compat/servers.js';

/** A server a workflow's connections reach. */
export interface Endpoint {
  readonly port: number;
}

export interface Target {
  readonly kind: 'trireme' | 'mariadb';
  readonly database: string;
  /** Node 1, which most steps use, and node 2, for writes made elsewhere. */
  readonly nodes: readonly [Endpoint, Endpoint];
}

/** What a workflow saw, step by step: `[step name, value]`, compared between the two servers. */
export type Observations = Array<[string, unknown]>;

export type Workflow = (
  target: Target,
  observe: (step: string, value: unknown) => void,
) => Promise<void>;

export const mariadbd = findMariadbd();

/**
 * A value as it can be compared between runs: Dates (timestamps the ORM or the server set) become
 * the marker 'Date', Buffers their hex, class instances plain objects.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return 'Date';
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** A 3-node cluster of real processes (TLS between nodes), started once per test file. */
export class OrmCluster {
  private constructor(
    private readonly cluster: LocalCluster,
    readonly nodes: readonly NodeProcess[],
  ) {}

  static async start(): Promise<OrmCluster> {
    const cluster = await localCluster(3);
    const nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
    // Every session waits for what other nodes committed before reading (wsrep_sync_wait, as a
    // Galera app reading its writes across nodes sets), and AUTO_INCREMENT values come one by
    // one: the cluster interleaves them per node (wsrep_auto_increment_control, covered by the
    // cluster tests), which one MariaDB server cannot play, since InnoDB steps its counter by
    // the inserting session's increment. Globals, because not every ORM can run SQL on connect
    // (wsrep_auto_increment_control sets them again only when the membership changes).
    for (const node of nodes)
      await withConnection(node.port, async (c) => {
        await c.query('SET GLOBAL auto_increment_increment = 1, auto_increment_offset = 1');
        await c.query('SET GLOBAL wsrep_sync_wait = 1');
      });
    return new OrmCluster(cluster, nodes);
  }

  /** Node 1 and node 2. */
  target(database: string): Target {
    const [n1, n2] = this.nodes;
    return { kind: 'trireme', database, nodes: [{ port: n1!.port }, { port: n2!.port }] };
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
    this.cluster.cleanup();
  }
}

async function withConnection<T>(
  port: number,
  run: (c: mysql.Connection) => Promise<T>,
): Promise<T> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
  });
  try {
    return await run(conn);
  } finally {
    await conn.end();
  }
}

/** Drops and creates the workflow's database, as an app's deployment would before migrating. */
export async function freshDatabase(target: Target): Promise<void> {
  await withConnection(target.nodes[0].port, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${target.database}\``);
    await c.query(`CREATE DATABASE \`${target.database}\``);
  });
}

/** Every table of `database` with its columns (as DESCRIBE prints them) and rows in key order. */
export async function dumpDatabase(port: number, database: string): Promise<unknown> {
  return withConnection(port, async (c) => {
    const [tables] = await c.query({
      sql: 'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
      values: [database],
      rowsAsArray: true,
    });
    const dump: Record<string, unknown> = {};
    for (const [name] of tables as Array<[string]>) {
      const [columns] = await c.query({
        sql: `DESCRIBE \`${database}\`.\`${name}\``,
        rowsAsArray: true,
      });
      const [rows] = await c.query({
        sql: `SELECT * FROM \`${database}\`.\`${name}\` ORDER BY 1`,
        rowsAsArray: true,
      });
      dump[name] = { columns, rows: plain(rows) };
    }
    return dump;
  });
}

/** Waits until nodes 2 and 3 hold exactly node 1's tables and rows of `database`. */
export async function assertSameOnAllNodes(cluster: OrmCluster, database: string): Promise<void> {
  const [first, ...others] = cluster.nodes;
  const expected = await dumpDatabase(first!.port, database);
  assert.notDeepEqual(expected, {}, `${database} has no tables on n1`);
  for (const node of others) {
    let last: unknown = null;
    try {
      await until(`${node.name} holds ${database} as n1 does`, async () => {
        last = await dumpDatabase(node.port, database);
        return JSON.stringify(last) === JSON.stringify(expected);
      });
    } catch (error) {
      assert.deepEqual(last, expected, `${node.name} differs from n1`);
      throw error;
    }
  }
}

/** Runs a workflow on a target after giving it an empty database; returns what it observed. */
export async function runWorkflow(target: Target, workflow: Workflow): Promise<Observations> {
  await freshDatabase(target);
  const observations: Observations = [];
  // ORM_TRACE=1 prints each step as it is observed (to see where two runs part).
  const trace = process.env['ORM_TRACE'] === '1';
  await workflow(target, (step, value) => {
    if (trace) console.log(`${target.kind}: ${step}: ${JSON.stringify(plain(value))}`);
    observations.push([step, plain(value)]);
  });
  return observations;
}

/** Compares two runs' observations step by step; the first differing step is named. */
export function assertSameObservations(triremeSaw: Observations, mariadbSaw: Observations): void {
  const steps = (o: Observations): string[] => o.map(([s]) => s);
  assert.deepEqual(steps(triremeSaw), steps(mariadbSaw), 'the workflow took other steps');
  for (let i = 0; i < mariadbSaw.length; i++) {
    const [step, value] = mariadbSaw[i]!;
    assert.deepEqual(triremeSaw[i]![1], value, `step "${step}": trireme (actual) vs MariaDB`);
  }
}

/**
 * The suite of one ORM: a cluster and (when installed) a mariadbd started side by side, the
 * workflow run on the cluster and checked on all three nodes, then run on MariaDB and compared.
 */
export function ormSuite(title: string, database: string, workflow: Workflow): void {
  let cluster: OrmCluster | null = null;
  let mariadb: Server | null = null;
  let triremeSaw: Observations | null = null;

  describe(title, { timeout: 180_000 }, () => {
    before(async () => {
      const started = await Promise.allSettled([
        OrmCluster.start(),
        mariadbd === null ? Promise.resolve(null) : startMariadb(mariadbd),
      ]);
      if (started[0].status === 'fulfilled') cluster = started[0].value;
      if (started[1].status === 'fulfilled') mariadb = started[1].value;
      for (const s of started) if (s.status === 'rejected') throw s.reason;
    });

    after(async () => {
      await Promise.all([cluster?.stop(), mariadb?.stop()]);
    });

    test('the workflow runs on a 3-node cluster and every node holds its rows', async () => {
      triremeSaw = await runWorkflow(cluster!.target(database), workflow);
      assert.ok(triremeSaw.length > 0, 'the workflow observed nothing');
      await assertSameOnAllNodes(cluster!, database);
    });

    test(
      'MariaDB observes the same',
      {
        skip: mariadbd === null ? 'mariadbd not installed (apt-get install mariadb-server)' : false,
      },
      async () => {
        assert.ok(triremeSaw !== null, 'the cluster run did not finish');
        const port = mariadb!.port;
        const target: Target = {
          kind: 'mariadb',
          database,
          nodes: [{ port }, { port }],
        };
        assertSameObservations(triremeSaw, await runWorkflow(target, workflow));
      },
    );
  });
}
