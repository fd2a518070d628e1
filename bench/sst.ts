// State snapshot transfer speed: fills a donor with BENCH_SST_MIB MiB of table data (rows of
// about 2 KiB of random hex, through replication, on a 3-node TLS cluster with a small gcache),
// then starts a third node with an empty datadir, which must join by SST, while a writer load runs
// on the donor. Prints the data size, the seconds from the joiner's request to its install, the
// rate, the phases (donor's file frozen or copied, stream, install) from the logs, the time from
// the joiner's start to its readiness, and the donor's TPS before and during the transfer.
// Compare with Galera 10.11 on this machine (anchors/galera RESULTS.md, launch to Synced, idle
// donor): 512.8 MiB in 6.27–6.39 s by rsync (the donor blocked), 17.7–19.6 s by mariabackup.
//
// Env or flags: BENCH_SST_MIB / --mib=N (512), BENCH_SST_METHOD / --method=NAME (mariabackup;
// rsync is the same copy, mysqldump the logical transfer), BENCH_SST_WRITERS / --writers=N (4
// connections on the donor; 0 for none), BENCH_SST_TRACE=1 (every log line of the donor and the
// joiner with its time from the joiner's start). The nodes are stopped by PID on exit, SIGINT or
// SIGTERM.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type mysql from 'mysql2/promise';
import { localCluster, type LocalCluster } from '../test/cluster/harness.js';
import { NodeProcess, until } from '../test/cluster/processes.js';

function setting(name: string, env: string, fallback: string): string {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  return flag?.slice(name.length + 3) ?? process.env[env] ?? fallback;
}

const mib = Number(setting('mib', 'BENCH_SST_MIB', '512'));
const method = setting('method', 'BENCH_SST_METHOD', 'mariabackup');
const writers = Number(setting('writers', 'BENCH_SST_WRITERS', '4'));
const rowBytes = 2000;
const rowsPerStatement = 1000;
const fillConnections = 2;
const mebibyte = 1024 * 1024;

if (!(mib > 0) || !(writers >= 0) || !/^(mariabackup|rsync|mysqldump)$/.test(method)) {
  console.error('usage: bench:sst [--mib=N] [--method=mariabackup|rsync|mysqldump] [--writers=N]');
  process.exit(2);
}

let cluster: LocalCluster | null = null;
let nodes: NodeProcess[] = [];

async function stopAll(): Promise<void> {
  for (const node of nodes) await node.stop();
  cluster?.cleanup();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void stopAll().then(() => process.exit(130)));

async function exec(conn: mysql.Connection, sql: string, params: unknown[] = []): Promise<void> {
  await conn.query(sql, params);
}

/** Inserts `rows` rows of about rowBytes bytes, rowsPerStatement per statement. */
async function fill(node: NodeProcess, rows: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: fillConnections }, async () => {
      const conn = await node.connect();
      try {
        for (;;) {
          const first = next;
          if (first >= rows) return;
          next += rowsPerStatement;
          const count = Math.min(rowsPerStatement, rows - first);
          const values: unknown[] = [];
          for (let i = 0; i < count; i++)
            values.push(first + i, randomBytes(rowBytes / 2).toString('hex'));
          await exec(
            conn,
            `INSERT INTO bench.data (id, pad) VALUES ${Array(count).fill('(?, ?)').join(',')}`,
            values,
          );
        }
      } finally {
        await conn.end();
      }
    }),
  );
}

/** Autocommit writes on the donor until stopped; counts commits in the current window. */
class WriterLoad {
  commits = 0;
  errors = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(node: NodeProcess, connections: number) {
    let id = 0;
    this.done = Promise.all(
      Array.from({ length: connections }, async () => {
        const conn = await node.connect();
        try {
          while (this.running) {
            try {
              await exec(conn, 'INSERT INTO bench.load (id, v) VALUES (?, ?)', [id++, 'x']);
              this.commits++;
            } catch {
              this.errors++;
              await sleep(10);
            }
          }
        } finally {
          await conn.end();
        }
      }),
    ).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** The moments (ms) at which log lines matching each pattern first appeared, polled every 20 ms. */
class LineClock {
  readonly seen = new Map<string, { atMs: number; line: string }>();
  /** Every line of the sources with the moment it was seen, for `BENCH_SST_TRACE=1`. */
  readonly lines: Array<{ atMs: number; line: string }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sources: readonly NodeProcess[],
    private readonly patterns: Readonly<Record<string, RegExp>>,
  ) {
    const from = new Map(sources.map((n) => [n, n.output.length]));
    this.timer = setInterval(() => {
      for (const node of this.sources)
        for (const line of node.output.slice(from.get(node))) {
          this.lines.push({ atMs: Date.now(), line });
          for (const [name, pattern] of Object.entries(this.patterns))
            if (!this.seen.has(name) && pattern.test(line))
              this.seen.set(name, { atMs: Date.now(), line });
        }
      for (const node of this.sources) from.set(node, node.output.length);
    }, 20);
  }

  async wait(name: string, timeoutMs = 1_800_000): Promise<{ atMs: number; line: string }> {
    await until(`the log says ${name}`, () => Promise.resolve(this.seen.has(name)), timeoutMs);
    return this.seen.get(name)!;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function main(): Promise<void> {
  cluster = await localCluster(3, { providerOptions: 'gcache.size=16M' });
  nodes = cluster.names.map((name) => new NodeProcess(name, cluster!));
  const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
  n1.start(['--wsrep-new-cluster']);
  await n1.waitReady();
  n2.start();
  await n2.waitReady();
  const setup = await n1.connect();
  await exec(setup, 'CREATE DATABASE bench');
  await exec(setup, 'CREATE TABLE bench.data (id INT PRIMARY KEY, pad TEXT NOT NULL)');
  await exec(setup, 'CREATE TABLE bench.load (id INT PRIMARY KEY, v TEXT)');
  await setup.end();

  const rows = Math.ceil((mib * mebibyte) / rowBytes);
  const fillStarted = Date.now();
  await fill(n1, rows);
  const fillSeconds = (Date.now() - fillStarted) / 1000;
  const donorFile = join(cluster.dir, 'n2', 'trireme.db');
  await until(
    'the donor applied every row',
    async () => {
      const conn = await n2.connect();
      try {
        const [result] = await conn.query({
          sql: 'SELECT COUNT(*) FROM bench.data',
          rowsAsArray: true,
        });
        return Number((result as unknown[][])[0]![0]) === rows;
      } finally {
        await conn.end();
      }
    },
    600_000,
  );
  const tableMiB = (rows * rowBytes) / mebibyte;
  console.log(
    `filled ${rows} rows (${tableMiB.toFixed(0)} MiB of table data) in ${fillSeconds.toFixed(1)} s; donor file ${(statSync(donorFile).size / mebibyte).toFixed(0)} MiB`,
  );

  const load = writers > 0 ? new WriterLoad(n2, writers) : null;
  await sleep(5000);
  const before = load?.commits ?? 0;
  const beforeTps = before / 5;

  const clock = new LineClock([n2, n3], {
    requested: /State transfer required/,
    copied: /WSREP_SST: (copied the database|dumped the database as SQL|froze the database file)/,
    connected: /WSREP_SST: donor connected/,
    received: /WSREP_SST: received [\d.]+ MiB \(/,
    sent: /WSREP_SST: sent [\d.]+ MiB \(/,
    complete: /WSREP: SST complete/,
    loaded: /WSREP_SST: loaded /,
    installed: /WSREP: installed state/,
  });
  const startedAt = Date.now();
  n3.start([`--wsrep-sst-method=${method}`, '--wsrep-sst-donor=n2']);
  const requested = await clock.wait('requested');
  const commitsAtRequest = load?.commits ?? 0;
  const received = await clock.wait('received');
  const installed = await clock.wait('installed');
  const commitsDuring = (load?.commits ?? 0) - commitsAtRequest;
  await n3.waitReady(600_000);
  const readyAt = Date.now();
  await load?.stop();
  clock.stop();

  const at = (name: string): string => {
    const moment = clock.seen.get(name);
    return moment === undefined ? '-' : `${((moment.atMs - requested.atMs) / 1000).toFixed(1)} s`;
  };
  const seconds = (installed.atMs - requested.atMs) / 1000;
  const text = (name: string): string =>
    (clock.seen.get(name)?.line ?? '').replace(/^.*WSREP_SST: /, '');
  console.log(
    `method ${method}, ${writers} writer connections on the donor, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `timeline from the joiner's request: donor's file ready ${at('copied')}, connected ${at('connected')}, received ${at('received')}, loaded ${at('loaded')}, verified ${at('complete')}, installed ${at('installed')}; the joiner's start to its request ${((requested.atMs - startedAt) / 1000).toFixed(1)} s, to ready ${((readyAt - startedAt) / 1000).toFixed(1)} s`,
  );
  if (process.env['BENCH_SST_TRACE'] === '1')
    for (const { atMs, line } of clock.lines)
      console.log(`  ${((atMs - startedAt) / 1000).toFixed(2).padStart(6)} s  ${line}`);
  console.log(`donor:  ${text('copied')}; ${text('sent')}`);
  console.log(
    `joiner: ${received.line.replace(/^.*WSREP_SST: /, '')}${clock.seen.has('loaded') ? `; ${text('loaded')}` : ''}`,
  );
  console.log(
    `SST: ${tableMiB.toFixed(0)} MiB of table data in ${seconds.toFixed(1)} s (request to installed), ${(tableMiB / seconds).toFixed(1)} MiB/s`,
  );
  if (load !== null)
    console.log(
      `donor TPS: ${beforeTps.toFixed(0)} before, ${(commitsDuring / seconds).toFixed(0)} during the transfer (${load.errors} errors)`,
    );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => void stopAll());
