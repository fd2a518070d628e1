// sysbench (4 tables x BENCH_TABLE_SIZE rows, --auto_inc=off) against a local 3-node trireme
// cluster over mutual TLS: by default oltp_write_only with 8 threads on node 1, then one sysbench
// per node at once (3+3+2 threads), BENCH_SECONDS each; `--workload test:threads[,…]` picks others
// (e.g. `oltp_point_select:8,oltp_read_write:8,oltp_write_only:1`). Then, where ../shared/anchors/galera/cluster.sh can start
// MariaDB Galera on this machine (root, mariadbd on PATH, /usr/lib/galera/libgalera_smm.so,
// client ports 13306-13308 free), the same two runs with the same sysbench arguments against a
// 3-node Galera cluster with TLS (`cluster.sh up --tls`, torn down with `cluster.sh down`), one
// cluster at a time. Prints TPS, p95 latency (the worst node's for 3+3+2), ignored 1213 conflicts
// and the load average, checks each cluster's stability through each run (trireme: Raft term,
// leader, conf_id and size on node 1; Galera: wsrep_cluster_conf_id and wsrep_cluster_size on
// every node), prints per commit each node's CPU time and context switches (all its threads,
// from /proc) for both clusters, and ends with a table of trireme against Galera as ratios. If Galera cannot be
// started, or stops before a run is done, one line says why and the table uses the figures
// recorded in ../shared/anchors/galera/RESULTS.md for the runs it lacks, labelled as such. A
// trireme run that fails is reported and makes the exit code 1; Galera is still run. Both
// clusters are torn down on an exception, SIGINT or SIGTERM.
//
// --encrypt (or BENCH_ENCRYPT=1): every trireme node gets its own key file (encryption at rest of
// the database, its WAL and the GCache; docs/design/encryption.md).
// Env: BENCH_SECONDS (60), BENCH_TABLE_SIZE (10000), BENCH_GALERA=0 or --no-galera (skip the live
// Galera runs), GALERA_EXTRA (Galera provider options; default the relaxed EVS timeouts RESULTS.md
// benchmarked with, since the defaults partitioned the cluster under load on a 2-vCPU VM),
// BENCH_GALERA_BASE (Galera data, logs and certificates; default $TMPDIR/trireme-bench-galera),
// BENCH_WRITER_STASH=OFF (trireme transactions keep the writer from their first write to COMMIT,
// as before stash and restore: SET GLOBAL trireme_writer_stash = OFF on every node).
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { runKey } from '../src/cli/key.js';
import { COMMIT_STAGES } from '../src/engine/commit-trace.js';
import { localCluster } from '../test/cluster/harness.js';
import { NodeProcess, until } from '../test/cluster/processes.js';
import { parseSysbenchOutput } from './sysbench.js';

const run = promisify(execFile);
const seconds = Number(process.env['BENCH_SECONDS'] ?? '60');
const tableSize = Number(process.env['BENCH_TABLE_SIZE'] ?? '10000');
const tables = 4;
const quiesceTimeoutMs = 300_000;
const galeraUpTimeoutMs = 900_000;
const galeraDownTimeoutMs = 300_000;
const outputBytesMax = 64 << 20;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const anchorDir = join(root, '..', 'shared', 'anchors', 'galera');
const clusterScript = join(anchorDir, 'cluster.sh');
const galeraProvider = '/usr/lib/galera/libgalera_smm.so';
const galeraBase = process.env['BENCH_GALERA_BASE'] ?? join(tmpdir(), 'trireme-bench-galera');
const galeraPorts = [13306, 13307, 13308] as const;
const galeraExtra =
  process.env['GALERA_EXTRA'] ??
  'evs.suspect_timeout=PT30S;evs.inactive_timeout=PT60S;evs.install_timeout=PT60S';

interface Workload {
  readonly name: string;
  /** The sysbench test. */
  readonly test: string;
  /** sysbench threads per node; 0 leaves the node without a client. */
  readonly threads: readonly [number, number, number];
  /** RESULTS.md's figures (TLS): the fallback without Galera; null where it has none. */
  readonly recorded: { readonly tps: number; readonly p95Ms: number } | null;
}

/** RESULTS.md's oltp_write_only with TLS, mean of rounds r1 and r2, by thread spec. */
const WRITE_ONLY_RECORDED: Readonly<Record<string, { tps: number; p95Ms: number }>> = {
  '8': { tps: 1753, p95Ms: 7.71 },
  '3+3+2': { tps: 1657, p95Ms: 9.48 },
};

/**
 * `--workload test:threads[,…]`, e.g. `oltp_point_select:8,oltp_write_only:1,oltp_write_only:3+3+2`
 * (threads on node 1, or per node joined by +); by default oltp_write_only at 8 and 3+3+2.
 */
function workloadsOf(argv: readonly string[]): Workload[] {
  const at = argv.indexOf('--workload');
  const spec = at >= 0 ? (argv[at + 1] ?? '') : 'oltp_write_only:8,oltp_write_only:3+3+2';
  return spec.split(',').map((item) => {
    const [test, threadSpec = '8'] = item.split(':') as [string, string?];
    const parts = threadSpec.split('+').map(Number);
    if (!/^oltp_[a-z_]+$/.test(test) || parts.length > 3 || parts.some((n) => !(n >= 0)))
      throw new Error(`--workload: cannot read '${item}' (test:threads, threads N or A+B+C)`);
    const threads = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0] as const;
    const name =
      parts.length === 1
        ? `${test}, node 1, ${threadSpec} thread${threadSpec === '1' ? '' : 's'}`
        : `${test}, 3 nodes at once, ${threadSpec}`;
    const recorded =
      (test === 'oltp_write_only' ? WRITE_ONLY_RECORDED[threadSpec] : undefined) ??
      (parts.length === 1 ? recordedNode1(test, parts[0]!) : null);
    return { name, test, threads, recorded };
  });
}

/** RESULTS.md's figure for node 1 with TLS at `threads`, or null. */
function recordedNode1(test: string, threads: number): { tps: number; p95Ms: number } | null {
  const path = join(anchorDir, 'RESULTS.md');
  if (!existsSync(path)) return null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    // | test | target | thr | mode | tps (range) | avg ms | p95 ms | …
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] !== test || cells[2] !== 'node1' || cells[4] !== 'tls') continue;
    if (Number(cells[3]) !== threads) continue;
    return { tps: Number(cells[5]!.split(' ')[0]), p95Ms: Number(cells[7]) };
  }
  return null;
}

const WORKLOADS: readonly Workload[] = workloadsOf(process.argv.slice(2));

interface Figures {
  readonly tps: number;
  readonly p95Ms: number;
  readonly ignored: number;
}

interface Measured {
  readonly figures: Figures;
  readonly stable: boolean;
}

/** A cluster's figures for the runs it finished, and why it did not finish them all. */
interface Outcome {
  readonly results: readonly Measured[];
  readonly reason: string | null;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A running cluster the workloads can be pointed at. */
interface Target {
  readonly label: string;
  readonly ports: readonly number[];
  readonly user: string;
  readonly password: string;
  /** What stability() describes: 'leadership' or 'membership'. */
  readonly stabilityName: string;
  /** What must not change during a run, e.g. 'term 2, leader n1, conf_id 1, size 3'. */
  stability(): Promise<string>;
  /** Where the time went (trireme only): called before a run, and after it for lines to print. */
  readonly observe?: {
    before(): Promise<void>;
    after(workload: Workload): Promise<string[]>;
  };
}

function sysbenchArgs(
  target: Target,
  port: number,
  test: string,
  command: string,
  threads: number,
): string[] {
  return [
    test,
    '--db-driver=mysql',
    '--mysql-host=127.0.0.1',
    `--mysql-port=${port}`,
    `--mysql-user=${target.user}`,
    `--mysql-password=${target.password}`,
    '--mysql-db=sbtest',
    `--tables=${tables}`,
    `--table-size=${tableSize}`,
    '--auto_inc=off',
    `--threads=${threads}`,
    `--time=${seconds}`,
    '--report-interval=0',
    command,
  ];
}

/** One sysbench process; one that stops on an error throws with sysbench's own last words. */
async function sysbench(
  target: Target,
  port: number,
  command: 'prepare' | 'run',
  threads: number,
  test = 'oltp_write_only',
): Promise<string> {
  try {
    const { stdout, stderr } = await run(
      'sysbench',
      sysbenchArgs(target, port, test, command, threads),
      {
        maxBuffer: outputBytesMax,
        timeout: (seconds + 300) * 1000,
      },
    );
    return stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    const fatal = text.split('\n').filter((line) => /FATAL|error/i.test(line));
    throw new Error(
      `${target.label} sysbench ${command} on node ${target.ports.indexOf(port) + 1} (port ${port}): ${fatal.at(-1) ?? e.message}`,
      { cause: error },
    );
  }
}

async function sysbenchRun(
  target: Target,
  port: number,
  threads: number,
  test: string,
): Promise<Figures> {
  const output = await sysbench(target, port, 'run', threads, test);
  const figures = parseSysbenchOutput(output);
  if (figures === null) throw new Error(`${target.label}: no sysbench report:\n${output}`);
  return { tps: figures.tps, p95Ms: figures.p95Ms, ignored: figures.ignoredErrors };
}

async function statusOf(target: Target, port: number): Promise<Map<string, string>> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: target.user,
    password: target.password,
  });
  try {
    const [rows] = await conn.query("SHOW STATUS LIKE 'wsrep%'");
    const list = rows as Array<{ Variable_name: string; Value: string }>;
    return new Map(list.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
  } finally {
    await conn.end();
  }
}

/** Waits until every node is Synced in one 3-node Primary component and has applied everything. */
async function quiesce(target: Target): Promise<void> {
  const deadline = Date.now() + quiesceTimeoutMs;
  for (;;) {
    const all = await Promise.all(target.ports.map((port) => statusOf(target, port)));
    const committed = new Set(all.map((s) => s.get('wsrep_last_committed')));
    const settled = all.every(
      (s) =>
        s.get('wsrep_local_state_comment') === 'Synced' &&
        s.get('wsrep_cluster_status') === 'Primary' &&
        s.get('wsrep_cluster_size') === String(target.ports.length) &&
        s.get('wsrep_local_recv_queue') === '0',
    );
    if (settled && committed.size === 1) return;
    if (Date.now() > deadline) {
      console.log(`  ${target.label}: WARNING: not quiesced after ${quiesceTimeoutMs / 1000} s`);
      return;
    }
    await sleep(500);
  }
}

async function prepare(target: Target): Promise<void> {
  await sysbench(target, target.ports[0]!, 'prepare', tables);
  await quiesce(target);
}

async function measure(target: Target, workload: Workload): Promise<Measured> {
  await quiesce(target);
  const load = loadavg()[0]!.toFixed(2);
  await target.observe?.before();
  const before = await target.stability();
  const parts = await Promise.all(
    target.ports.flatMap((port, i) =>
      workload.threads[i]! > 0
        ? [sysbenchRun(target, port, workload.threads[i]!, workload.test)]
        : [],
    ),
  );
  const after = await target.stability();
  const figures: Figures = {
    tps: parts.reduce((n, p) => n + p.tps, 0),
    // As the anchor's bench.sh does for multi-master runs: the worst node's p95.
    p95Ms: Math.max(...parts.map((p) => p.p95Ms)),
    ignored: parts.reduce((n, p) => n + p.ignored, 0),
  };
  console.log(
    `  ${target.label.padEnd(7)} ${workload.name}: ${figures.tps.toFixed(0)} TPS, p95 ${figures.p95Ms.toFixed(2)} ms, ` +
      `1213 ignored ${figures.ignored}, load average before ${load}; ` +
      `${target.stabilityName} ` +
      (before === after ? `unchanged (${after})` : `CHANGED (${before} -> ${after})`),
  );
  for (const line of (await target.observe?.after(workload)) ?? []) console.log(`    ${line}`);
  return { figures, stable: before === after };
}

/** CPU seconds (user + system) a process has used, from /proc; null where there is none. */
function cpuSeconds(pid: number | null): number | null {
  if (pid === null || !existsSync(`/proc/${pid}/stat`)) return null;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Context switches of every thread of a process (voluntary and not), from /proc; null where there
 * is none. On this paravirtualized guest a wake-up costs more than most of the work it wakes
 * (docs/design/performance.md, §9), so switches per commit are a figure of their own.
 */
function contextSwitches(pid: number | null): number | null {
  if (pid === null || !existsSync(`/proc/${pid}/task`)) return null;
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm))
      total += Number(m[1]);
  }
  return total;
}

/** What each process used between two points: CPU seconds and context switches. */
interface Usage {
  cpu: number | null;
  switches: number | null;
}

function usageOf(pid: number | null): Usage {
  return { cpu: cpuSeconds(pid), switches: contextSwitches(pid) };
}

function usageSince(pid: number | null, was: Usage | undefined): Usage {
  const now = usageOf(pid);
  const minus = (a: number | null, b: number | null | undefined): number | null =>
    a === null || b === null || b === undefined ? null : a - b;
  return { cpu: minus(now.cpu, was?.cpu), switches: minus(now.switches, was?.switches) };
}

/** `CPU µs a/b/c, switches x/y/z` per commit, from each node's usage and commits. */
function perCommitUsage(used: readonly Usage[], commits: readonly number[]): string {
  const per = (v: number | null, i: number, scale: number, digits: number): string =>
    v === null ? '?' : ((scale * v) / Math.max(1, commits[i] ?? 0)).toFixed(digits);
  return (
    `CPU µs ${used.map((u, i) => per(u.cpu, i, 1e6, 0)).join('/')}, ` +
    `context switches ${used.map((u, i) => per(u.switches, i, 1, 1)).join('/')}`
  );
}

/**
 * The commit trace (docs/design/performance.md): FLUSH STATUS on every node before a run; after
 * it, each stage's p50/p95 on the busiest origin node, every node's log flush, and CPU per node.
 */
function commitTrace(nodes: readonly NodeProcess[]): NonNullable<Target['observe']> {
  let usageBefore: Usage[] = [];
  let startedMs = 0;
  const traceOf = async (node: NodeProcess): Promise<Map<string, string>> => {
    const conn = await node.connect();
    try {
      const [rows] = await conn.query("SHOW STATUS LIKE 'trireme%'");
      const list = rows as Array<{ Variable_name: string; Value: string }>;
      return new Map(list.map((r) => [r.Variable_name, r.Value]));
    } finally {
      await conn.end();
    }
  };
  const ms = (us: string | undefined): string => (Number(us ?? 0) / 1000).toFixed(2);
  // Where a run's conflicts came from, on every node: counters, so a difference of two reads.
  const counterNames = [
    'wsrep_local_cert_failures',
    'wsrep_local_bf_aborts',
    'wsrep_local_replays',
    'trireme_writer_stashes',
    'trireme_writer_restores',
    'trireme_writer_kept_commits',
    'trireme_writer_kept_rollbacks',
    'trireme_writer_deferrals',
    'trireme_writer_reruns',
  ];
  // Per commit (seqnos committed during the run), on every node: what replication costs in messages.
  const perCommitNames = [
    'trireme_peer_messages_sent',
    'trireme_peer_messages_received',
    'trireme_peer_socket_writes',
  ];
  const countersOf = async (node: NodeProcess): Promise<number[]> => {
    const conn = await node.connect();
    try {
      const [rows] = await conn.query('SHOW STATUS');
      const list = rows as Array<{ Variable_name: string; Value: string }>;
      const byName = new Map(list.map((r) => [r.Variable_name, r.Value]));
      return [...counterNames, ...perCommitNames, 'wsrep_last_committed'].map((name) =>
        Number(byName.get(name) ?? 0),
      );
    } finally {
      await conn.end();
    }
  };
  let countersBefore: number[][] = [];
  return {
    before: async () => {
      countersBefore = await Promise.all(nodes.map(countersOf));
      for (const node of nodes) {
        const conn = await node.connect();
        await conn.query('FLUSH STATUS');
        await conn.end();
      }
      usageBefore = nodes.map((n) => usageOf(n.pid));
      startedMs = Date.now();
    },
    after: async (workload) => {
      const elapsedS = (Date.now() - startedMs) / 1000;
      const origin = workload.threads.indexOf(Math.max(...workload.threads));
      const traces = await Promise.all(nodes.map(traceOf));
      const t = traces[origin]!;
      const stages = COMMIT_STAGES.map(
        (s) =>
          `${s} ${ms(t.get(`trireme_commit_${s}_p50_us`))}/${ms(t.get(`trireme_commit_${s}_p95_us`))}`,
      );
      const flushes = traces.map(
        (f, i) =>
          `n${i + 1} ${ms(f.get('trireme_log_flush_p50_us'))}/${ms(f.get('trireme_log_flush_p95_us'))}`,
      );
      const used = nodes.map((n, i) => usageSince(n.pid, usageBefore[i]));
      const cpu = used.map(({ cpu: s }, i) =>
        s === null ? `n${i + 1} ?` : `n${i + 1} ${((100 * s) / elapsedS).toFixed(0)}%`,
      );
      const countersAfter = await Promise.all(nodes.map(countersOf));
      const delta = (i: number, k: number): number =>
        countersAfter[i]![k]! - (countersBefore[i]?.[k] ?? 0);
      const counters = counterNames.map((name, k) => {
        const perNode = countersAfter.map((_, i) => delta(i, k));
        return `${name.replace(/^(wsrep_local_|trireme_writer_)/, '')} ${perNode.join('/')}`;
      });
      const commitsAt = counterNames.length + perCommitNames.length;
      const perCommit = perCommitNames.map((name, j) => {
        const k = counterNames.length + j;
        const perNode = countersAfter.map((_, i) =>
          (delta(i, k) / Math.max(1, delta(i, commitsAt))).toFixed(2),
        );
        return `${name.replace(/^trireme_peer_/, '')} ${perNode.join('/')}`;
      });
      const commits = countersAfter.map((_, i) => delta(i, commitsAt));
      const lines = [
        `commit stages on n${origin + 1}, p50/p95 ms (${t.get('trireme_commit_trace_samples')} sampled): ${stages.join(', ')}`,
        `log flush p50/p95 ms: ${flushes.join(', ')}; CPU per node: ${cpu.join(', ')}`,
        `during the run, n1/n2/n3: ${counters.join(', ')}`,
      ];
      if (countersAfter.some((_, i) => delta(i, commitsAt) > 0))
        lines.push(
          `per commit, n1/n2/n3: ${perCommitUsage(used, commits)}, peer ${perCommit.join(', ')}`,
        );
      return lines;
    },
  };
}

/**
 * Galera's side of the comparison: CPU per node (mariadbd, from its pid file) and CPU per commit
 * (seqnos committed during the run, wsrep_last_committed), as the trireme trace prints them.
 */
function galeraCpu(
  status: (port: number) => Promise<Map<string, string>>,
): NonNullable<Target['observe']> {
  const pids = galeraPorts.map((_, i) => {
    const file = join(galeraBase, `node${i + 1}`, 'mysqld.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
  });
  const committed = async (port: number): Promise<number> =>
    Number((await status(port)).get('wsrep_last_committed') ?? 0);
  let usageBefore: Usage[] = [];
  let seqnoBefore: number[] = [];
  let startedMs = 0;
  return {
    before: async () => {
      seqnoBefore = await Promise.all(galeraPorts.map(committed));
      usageBefore = pids.map(usageOf);
      startedMs = Date.now();
    },
    after: async () => {
      const elapsedS = (Date.now() - startedMs) / 1000;
      const used = pids.map((pid, i) => usageSince(pid, usageBefore[i]));
      const seqnos = await Promise.all(galeraPorts.map(committed));
      const commits = seqnos.map((n, i) => n - (seqnoBefore[i] ?? 0));
      const cpu = used.map(({ cpu: s }, i) =>
        s === null ? `n${i + 1} ?` : `n${i + 1} ${((100 * s) / elapsedS).toFixed(0)}%`,
      );
      const lines = [`CPU per node: ${cpu.join(', ')}`];
      if (commits.some((n) => n > 0))
        lines.push(`per commit, n1/n2/n3: ${perCommitUsage(used, commits)}`);
      return lines;
    },
  };
}

/** Fills `results` in WORKLOADS order, so that the runs before a failure keep their figures. */
async function runWorkloads(target: Target, results: Measured[]): Promise<void> {
  await prepare(target);
  for (const workload of WORKLOADS) results.push(await measure(target, workload));
}

/** Teardowns still owed, run on SIGINT/SIGTERM as well as in the finally blocks. */
const teardowns = new Set<() => Promise<void>>();

function owed(teardown: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  const once = (): Promise<void> => {
    done ??= teardown().finally(() => teardowns.delete(once));
    return done;
  };
  teardowns.add(once);
  return once;
}

async function trireme(encrypt: boolean): Promise<Outcome> {
  const results: Measured[] = [];
  const cluster = await localCluster(3);
  if (encrypt) {
    for (const name of cluster.names) {
      const file = join(cluster.dir, `${name}-keys.txt`);
      const quiet = { out: () => undefined, err: (line: string) => console.log(line) };
      assert.equal(await runKey(['create', '--file', file], quiet), 0);
      appendFileSync(
        cluster.cnf.get(name)!,
        `[mariadb]\nplugin_load_add = file_key_management\nfile_key_management_filename = ${file}\n`,
      );
    }
  }
  const nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
  const teardown = owed(async () => {
    for (const node of nodes) await node.stop();
    cluster.cleanup();
  });
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
    const stash = (process.env['BENCH_WRITER_STASH'] ?? 'ON').toUpperCase();
    for (const node of nodes) {
      const c = await node.connect();
      await c.query(`SET GLOBAL trireme_writer_stash = ${stash === 'OFF' ? 'OFF' : 'ON'}`);
      await c.end();
    }
    const target: Target = {
      label: 'trireme',
      ports: nodes.map((n) => n.port),
      user: 'root',
      password: '',
      stabilityName: 'leadership',
      stability: async () => {
        const s = await statusOf(target, nodes[0]!.port);
        return `term ${s.get('wsrep_raft_term')}, leader ${s.get('wsrep_raft_leader')}, conf_id ${s.get('wsrep_cluster_conf_id')}, size ${s.get('wsrep_cluster_size')}`;
      },
      observe: commitTrace(nodes),
    };
    console.log(
      `trireme: 3 nodes on loopback, replication over mutual TLS, trireme_writer_stash ${stash === 'OFF' ? 'OFF' : 'ON'}`,
    );
    await runWorkloads(target, results);
    return { results, reason: null };
  } catch (error) {
    // The node's warnings and errors say more about a failed run than its last lines.
    for (const node of nodes) {
      const notable = node.output.filter((line) => /\[(Warning|ERROR)\]/.test(line)).slice(-20);
      console.error(`${node.name} warnings and errors:\n  ${notable.join('\n  ')}`);
    }
    return { results, reason: reasonOf(error) };
  } finally {
    await teardown();
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Why the anchor cannot start Galera here, or null when it should be able to. */
async function galeraUnavailable(argv: readonly string[]): Promise<string | null> {
  if (argv.includes('--no-galera') || process.env['BENCH_GALERA'] === '0')
    return 'skipped (--no-galera or BENCH_GALERA=0)';
  if (!existsSync(clusterScript)) return `no anchor harness at ${clusterScript}`;
  if (!existsSync(galeraProvider)) return `Galera provider ${galeraProvider} is not installed`;
  try {
    await run('sh', ['-c', 'command -v mariadbd']);
  } catch {
    return 'mariadbd is not on PATH (MariaDB server is not installed)';
  }
  if (process.getuid?.() !== 0) return 'cluster.sh must run as root (it runs mariadbd as mysql)';
  for (const port of galeraPorts)
    if (!(await portFree(port))) return `port ${port} is in use (another Galera anchor cluster?)`;
  return null;
}

/** The cluster.sh process running now, so that a teardown on a signal can stop an `up` first. */
let clusterShRunning: ChildProcess | null = null;

async function clusterSh(args: readonly string[], timeoutMs: number): Promise<void> {
  assert(clusterShRunning === null, 'one cluster.sh at a time');
  const pending = run('bash', [clusterScript, ...args], {
    env: { ...process.env, GA_BASE: galeraBase, GALERA_EXTRA: galeraExtra },
    timeout: timeoutMs,
    maxBuffer: outputBytesMax,
  });
  clusterShRunning = pending.child;
  try {
    await pending;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const lines = (e.stderr ?? '').split('\n').filter((l) => l !== '');
    const reason = lines.filter((l) => l.includes('ERROR')).at(-1) ?? lines.at(-1) ?? e.message;
    throw new Error(`cluster.sh ${args.join(' ')} failed: ${reason}`, { cause: error });
  } finally {
    clusterShRunning = null;
  }
}

async function galera(): Promise<Outcome> {
  const results: Measured[] = [];
  let failed = false;
  const teardown = owed(async () => {
    if (clusterShRunning !== null) {
      clusterShRunning.kill('SIGTERM');
      await until('cluster.sh to stop', () => Promise.resolve(clusterShRunning === null));
    }
    await clusterSh(['down'], galeraDownTimeoutMs);
    // The gcache files alone take 1.5 GB; the logs are kept when something went wrong.
    if (failed) console.log(`  Galera logs kept in ${galeraBase}/node{1,2,3}/error.log`);
    else rmSync(galeraBase, { recursive: true, force: true });
  });
  try {
    console.log(`Galera: cluster.sh up --tls (GA_BASE=${galeraBase}, GALERA_EXTRA=${galeraExtra})`);
    await clusterSh(['up', '--tls'], galeraUpTimeoutMs);
    const target: Target = {
      label: 'Galera',
      ports: galeraPorts,
      user: 'sbtest',
      password: 'sbpass',
      stabilityName: 'membership',
      stability: async () => {
        const all = await Promise.all(galeraPorts.map((port) => statusOf(target, port)));
        const views = all.map(
          (s) => `conf_id ${s.get('wsrep_cluster_conf_id')}, size ${s.get('wsrep_cluster_size')}`,
        );
        return new Set(views).size === 1 ? `${views[0]} on all 3` : views.join(' / ');
      },
      observe: galeraCpu((port) => statusOf(target, port)),
    };
    const s = await statusOf(target, galeraPorts[0]);
    console.log(
      `Galera: 3 MariaDB nodes on loopback, gcomm over TLS; provider ${s.get('wsrep_provider_version')}`,
    );
    await runWorkloads(target, results);
    return { results, reason: null };
  } catch (error) {
    failed = true;
    return { results, reason: reasonOf(error) };
  } finally {
    await teardown();
  }
}

function ratio(numerator: number, denominator: number): string {
  return denominator > 0 ? (numerator / denominator).toFixed(2) : '—';
}

/** A workload without a live Galera figure shows RESULTS.md's; one trireme failed shows no ratio. */
function table(ours: readonly Measured[], theirs: readonly Measured[]): void {
  console.log(
    '| workload | trireme TPS | trireme p95 ms | Galera TPS | Galera p95 ms | Galera figures | TPS trireme/Galera | p95 trireme/Galera |',
  );
  console.log('|---|---:|---:|---:|---:|---|---:|---:|');
  WORKLOADS.forEach((workload, i) => {
    const a = ours[i]?.figures;
    const live = theirs[i]?.figures;
    const b = live ?? (workload.recorded === null ? null : { ...workload.recorded, ignored: 0 });
    const source =
      live !== undefined ? 'live, this run' : b !== null ? 'RESULTS.md (recorded, TLS)' : 'none';
    console.log(
      `| ${workload.name} | ${a?.tps.toFixed(0) ?? 'failed'} | ${a?.p95Ms.toFixed(2) ?? 'failed'} | ` +
        `${b?.tps.toFixed(0) ?? '—'} | ${b?.p95Ms.toFixed(2) ?? '—'} | ${source} | ` +
        `${a === undefined || b === null ? '—' : ratio(a.tps, b.tps)} | ${a === undefined || b === null ? '—' : ratio(a.p95Ms, b.p95Ms)} |`,
    );
  });
}

async function main(argv: readonly string[]): Promise<void> {
  console.log(
    `cluster bench: sysbench ${[...new Set(WORKLOADS.map((w) => w.test))].join(', ')}, ${tables} tables x ${tableSize} rows, ${seconds} s per run; ` +
      `one cluster at a time on this machine`,
  );
  const encrypt = argv.includes('--encrypt') || process.env['BENCH_ENCRYPT'] === '1';
  if (encrypt) console.log('trireme: encryption at rest on (a key file per node)');
  const ours = await trireme(encrypt);
  if (ours.reason !== null) {
    console.log(`trireme: FAILED: ${ours.reason}`);
    process.exitCode = 1;
  }
  const unavailable = await galeraUnavailable(argv);
  let theirs: readonly Measured[] = [];
  if (unavailable === null) {
    const outcome = await galera();
    theirs = outcome.results;
    if (outcome.reason !== null)
      console.log(`Galera: stopped early: ${outcome.reason}; RESULTS.md for the runs it missed`);
  } else {
    console.log(`Galera: not run here: ${unavailable}; using RESULTS.md`);
  }
  table(ours.results, theirs);
  const stable = ours.results.every((m) => m.stable) && theirs.every((m) => m.stable);
  if (!stable) console.log('WARNING: a cluster changed leader or configuration during a run');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: tearing down`);
    const exitCode = 128 + constants.signals[signal];
    void Promise.allSettled([...teardowns].map((t) => t())).then(() => process.exit(exitCode));
  });
}

await main(process.argv.slice(2));
