// sysbench oltp_write_only against a local 3-node trireme cluster over mutual TLS: 8 threads on
// one node, then one sysbench per node at once (3+3+2 threads). Prints TPS, p95 latency and
// errors, checks that the cluster kept one leader through each run (term and conf_id unchanged),
// and sets the figures beside MariaDB Galera's from ../shared/anchors/galera/RESULTS.md (measured
// on this machine with the same workload; Galera is not installed for a live side-by-side run).
// BENCH_SECONDS (default 60), BENCH_TABLE_SIZE (default 10000).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { localCluster } from '../test/cluster/harness.js';
import { NodeProcess, until } from '../test/cluster/processes.js';

const run = promisify(execFile);
const seconds = Number(process.env['BENCH_SECONDS'] ?? '60');
const tableSize = Number(process.env['BENCH_TABLE_SIZE'] ?? '10000');
const tables = 4;

/** RESULTS.md, oltp_write_only with TLS, mean of rounds r1 and r2. */
const galera = {
  single: { tps: 1753, p95: 7.71, label: 'node1, 8 threads' },
  multi: { tps: 1657, p95: 9.48, label: 'all 3 nodes (3+3+2)' },
};

interface SysbenchResult {
  readonly tps: number;
  readonly p95: number;
  readonly ignored: number;
}

function sysbenchArgs(port: number, command: string, threads: number): string[] {
  return [
    'oltp_write_only',
    '--db-driver=mysql',
    '--mysql-host=127.0.0.1',
    `--mysql-port=${port}`,
    '--mysql-user=root',
    '--mysql-db=sbtest',
    `--tables=${tables}`,
    `--table-size=${tableSize}`,
    '--auto_inc=off',
    `--threads=${threads}`,
    `--time=${seconds}`,
    command,
  ];
}

async function sysbench(port: number, threads: number): Promise<SysbenchResult> {
  const { stdout } = await run('sysbench', sysbenchArgs(port, 'run', threads), {
    maxBuffer: 16 << 20,
  });
  const number = (pattern: RegExp): number => Number(pattern.exec(stdout)?.[1] ?? 'NaN');
  return {
    tps: number(/transactions:\s+\d+\s+\(([\d.]+) per sec/),
    p95: number(/95th percentile:\s+([\d.]+)/),
    ignored: number(/ignored errors:\s+(\d+)/),
  };
}

async function leadership(node: NodeProcess): Promise<string> {
  return `term ${await node.status('wsrep_raft_term')}, conf_id ${await node.status('wsrep_cluster_conf_id')}`;
}

async function main(): Promise<void> {
  const cluster = await localCluster(3);
  const nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  try {
    nodes[0]!.start(['--wsrep-new-cluster']);
    await nodes[0]!.waitReady();
    nodes[1]!.start();
    nodes[2]!.start();
    await Promise.all(nodes.map((n) => n.waitReady(60_000)));
    await until('3 nodes', async () => (await nodes[0]!.status('wsrep_cluster_size')) === '3');
    const conn = await nodes[0]!.connect();
    await conn.query('CREATE DATABASE sbtest');
    await conn.end();
    await run('sysbench', sysbenchArgs(nodes[0]!.port, 'prepare', 4), { maxBuffer: 16 << 20 });
    console.log(
      `cluster bench: 3 trireme nodes on loopback, replication over mutual TLS; oltp_write_only, ${tables} tables x ${tableSize} rows, ${seconds} s per run`,
    );

    const before1 = await leadership(nodes[0]!);
    const single = await sysbench(nodes[0]!.port, 8);
    const after1 = await leadership(nodes[0]!);
    report('one node, 8 threads', single, galera.single, before1, after1);

    const before2 = await leadership(nodes[0]!);
    const parts = await Promise.all([
      sysbench(nodes[0]!.port, 3),
      sysbench(nodes[1]!.port, 3),
      sysbench(nodes[2]!.port, 2),
    ]);
    const after2 = await leadership(nodes[0]!);
    const multi: SysbenchResult = {
      tps: parts.reduce((n, p) => n + p.tps, 0),
      p95: Math.max(...parts.map((p) => p.p95)),
      ignored: parts.reduce((n, p) => n + p.ignored, 0),
    };
    report('all 3 nodes at once, 3+3+2 threads', multi, galera.multi, before2, after2);
  } finally {
    for (const node of nodes) await node.stop();
    cluster.cleanup();
  }
}

function report(
  name: string,
  result: SysbenchResult,
  reference: { tps: number; p95: number; label: string },
  before: string,
  after: string,
): void {
  const ratio = (result.tps / reference.tps).toFixed(2);
  console.log(
    `  ${name}: ${result.tps.toFixed(0)} TPS, p95 ${result.p95.toFixed(2)} ms, errors other than 1213: 0 (sysbench would have stopped), 1213 ignored ${result.ignored}; ` +
      `Galera (${reference.label}, TLS) ${reference.tps} TPS, p95 ${reference.p95} ms: ratio ${ratio}; ` +
      `leadership ${before === after ? `unchanged (${after})` : `CHANGED (${before} -> ${after})`}`,
  );
}

await main();
