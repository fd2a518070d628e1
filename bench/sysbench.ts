// sysbench 1.0.20 against one standalone node (in this process, on 127.0.0.1): prepare, run and
// cleanup each workload and print TPS and p95 latency beside MariaDB Galera's figures from the
// anchor (RESULTS.md, node1, plain, same thread count).
//
//   node dist/bench/sysbench.js [--time S] [--threads N] [--tables N] [--table-size N]
//                               [--workloads a,b,…] [--anchors PATH] [--writer-stash ON|OFF]
// BENCH_HEAP_PROFILE=1 prints where the node allocated, per transaction (bench/heap.ts).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadServerConfig } from '../src/config/index.js';
import { startStandalone } from '../src/node/standalone.js';
import { HeapMeter, HeapSampler } from './heap.js';

const run = promisify(execFile);

export const WORKLOADS = [
  'oltp_read_write',
  'oltp_write_only',
  'oltp_point_select',
  'oltp_update_index',
  'oltp_delete',
  'bulk_insert',
] as const;

export interface SysbenchFigures {
  readonly transactions: number;
  readonly tps: number;
  readonly p95Ms: number;
  readonly ignoredErrors: number;
  readonly errors: number;
}

/** The figures of a `sysbench … run` report. */
export function parseSysbenchOutput(text: string): SysbenchFigures | null {
  const transactions = /transactions:\s+(\d+)\s+\(([\d.]+) per sec\.\)/.exec(text);
  const p95 = /95th percentile:\s+([\d.]+)/.exec(text);
  const ignored = /ignored errors:\s+(\d+)/.exec(text);
  if (transactions === null || p95 === null || ignored === null) return null;
  const errors = (text.match(/^FATAL:|error \d+ \(/gm) ?? []).length;
  return {
    transactions: Number(transactions[1]),
    tps: Number(transactions[2]),
    p95Ms: Number(p95[1]),
    ignoredErrors: Number(ignored[1]),
    errors,
  };
}

export interface SysbenchTarget {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface SysbenchOptions {
  readonly threads: number;
  readonly timeS: number;
  readonly tables: number;
  readonly tableSize: number;
}

function commonArgs(target: SysbenchTarget, options: SysbenchOptions): string[] {
  return [
    '--db-driver=mysql',
    '--mysql-host=127.0.0.1',
    `--mysql-port=${target.port}`,
    `--mysql-user=${target.user}`,
    `--mysql-password=${target.password}`,
    `--mysql-db=${target.database}`,
    `--tables=${options.tables}`,
    `--table-size=${options.tableSize}`,
    `--threads=${options.threads}`,
  ];
}

/** Runs `sysbench workload command`; the child's stdout and stderr, and whether it exited 0. */
export async function sysbench(
  workload: string,
  command: 'prepare' | 'run' | 'cleanup',
  target: SysbenchTarget,
  options: SysbenchOptions,
): Promise<{ ok: boolean; output: string }> {
  const args = [workload, ...commonArgs(target, options)];
  if (command === 'run')
    args.push(`--time=${options.timeS}`, '--percentile=95', '--report-interval=0');
  args.push(command);
  try {
    const { stdout, stderr } = await run('sysbench', args, {
      timeout: (options.timeS + 120) * 1000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

interface AnchorFigures {
  readonly tps: string;
  readonly p95Ms: string;
}

/** MariaDB's figures for node1, plain, at the given thread count, by workload. */
export function anchorFigures(path: string, threads: number): Map<string, AnchorFigures> {
  const out = new Map<string, AnchorFigures>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | test | target | thr | mode | tps | avg ms | p95 ms | …
    if (cells.length < 8 || cells[2] !== 'node1' || cells[4] !== 'plain') continue;
    if (Number(cells[3]) !== threads) continue;
    out.set(cells[1]!, { tps: cells[5]!.split(' ')[0]!, p95Ms: cells[7]! });
  }
  return out;
}

function flag(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
}

async function main(argv: readonly string[]): Promise<number> {
  const options: SysbenchOptions = {
    threads: Number(flag(argv, '--threads', '8')),
    timeS: Number(flag(argv, '--time', '30')),
    tables: Number(flag(argv, '--tables', '4')),
    tableSize: Number(flag(argv, '--table-size', '100000')),
  };
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const anchors = anchorFigures(
    flag(argv, '--anchors', join(root, '..', 'shared', 'anchors', 'galera', 'RESULTS.md')),
    options.threads,
  );
  const workloads = flag(argv, '--workloads', WORKLOADS.join(',')).split(',');
  const stash = flag(argv, '--writer-stash', 'ON').toUpperCase() === 'OFF' ? 'OFF' : 'ON';
  const datadir = mkdtempSync(join(tmpdir(), 'trireme-sysbench-'));
  const loaded = loadServerConfig({
    args: ['--no-defaults', `--datadir=${datadir}`, '--port=0', '--bind-address=127.0.0.1'],
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  const started = await startStandalone(loaded.value.config, { log: () => {} });
  if (!started.ok) throw new Error(started.message);
  const node = started.node;
  const port = node.address.port;
  const setup = await run('mariadb', [
    '--no-defaults',
    '-h127.0.0.1',
    `-P${port}`,
    '-uroot',
    '-e',
    "CREATE DATABASE sbtest; CREATE DATABASE sbbulk; CREATE USER sbtest@'%' IDENTIFIED BY 'sbpass'; GRANT ALL ON sbtest.* TO sbtest@'%'; GRANT ALL ON sbbulk.* TO sbtest@'%'; " +
      `SET GLOBAL trireme_writer_stash = ${stash}`,
  ]);
  void setup;
  console.log(
    `sysbench 1.0.20, ${options.threads} threads, ${options.timeS} s, ${options.tables} tables x ${options.tableSize} rows, trireme standalone node, trireme_writer_stash ${stash}`,
  );
  console.log(
    '| workload | trireme tps | trireme p95 ms | node CPU µs/txn | heap KB/txn | errors | MariaDB Galera tps | MariaDB p95 ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  let failed = false;
  for (const workload of workloads) {
    const target: SysbenchTarget = {
      port,
      user: 'sbtest',
      password: 'sbpass',
      database: workload === 'bulk_insert' ? 'sbbulk' : 'sbtest',
    };
    if (workload === 'bulk_insert' || workload === workloads[0]) {
      const prepared = await sysbench(workload, 'prepare', target, options);
      if (!prepared.ok) throw new Error(`prepare ${workload}: ${prepared.output.slice(-2000)}`);
    }
    // The node runs in this process: its CPU time per transaction is steadier than TPS on a
    // shared VM (sysbench itself runs in its own process and is not counted).
    const cpuBefore = process.cpuUsage();
    const heap = new HeapMeter();
    const sampler = process.env['BENCH_HEAP_PROFILE'] === '1' ? new HeapSampler() : null;
    await sampler?.start();
    const result = await sysbench(workload, 'run', target, options);
    const cpu = process.cpuUsage(cpuBefore);
    const allocated = heap.stop();
    const figuresForSampler = parseSysbenchOutput(result.output);
    if (sampler !== null)
      for (const line of await sampler.stop(Math.max(1, figuresForSampler?.transactions ?? 1)))
        console.error(`  ${workload} heap per transaction: ${line}`);
    const figures = parseSysbenchOutput(result.output);
    const anchor = anchors.get(workload);
    if (figures === null || !result.ok) {
      failed = true;
      console.log(
        `| ${workload} | failed | | | | | ${anchor?.tps ?? '—'} | ${anchor?.p95Ms ?? '—'} |`,
      );
      console.error(result.output.slice(-2000));
      continue;
    }
    console.log(
      `| ${workload} | ${figures.tps.toFixed(0)} | ${figures.p95Ms.toFixed(2)} | ${cpuMicros(cpu, figures.transactions)} | ${(allocated / 1024 / Math.max(1, figures.transactions)).toFixed(1)} | ${figures.errors + figures.ignoredErrors} | ${anchor?.tps ?? '—'} | ${anchor?.p95Ms ?? '—'} |`,
    );
    if (workload === 'bulk_insert') await sysbench(workload, 'cleanup', target, options);
  }
  await sysbench(
    workloads[0]!,
    'cleanup',
    { port, user: 'sbtest', password: 'sbpass', database: 'sbtest' },
    options,
  );
  await node.stop();
  rmSync(datadir, { recursive: true, force: true });
  console.log(
    'MariaDB Galera: 3-node cluster, sysbench against node1 (RESULTS.md); oltp_delete and bulk_insert have no anchor.',
  );
  return failed ? 1 : 0;
}

/** The node's CPU time (user + system, every thread) per transaction, in microseconds. */
function cpuMicros(cpu: NodeJS.CpuUsage, transactions: number): string {
  return transactions > 0 ? ((cpu.user + cpu.system) / transactions).toFixed(0) : '—';
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
