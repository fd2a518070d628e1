// A chaos run: start the cluster, create the workload's tables, run clients on every node while
// the seeded fault schedule runs, heal, wait until all nodes are Synced at one seqno, read every
// node's final state, check the history and compare per-table checksums. See docs/design/chaos.md.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Xoshiro128, type Prng } from '../../src/core/prng.js';
import type { Anomaly, TxnStatus } from '../sim/history/history.js';
import { ChaosClient } from './client.js';
import { ChaosCluster, type ChaosNode } from './cluster.js';
import {
  FAULT_KINDS,
  FaultSchedule,
  injectFault,
  type FaultKind,
  type FaultRecord,
} from './faults.js';
import {
  appendWorkload,
  bankWorkload,
  type FinalState,
  type HistoryEvent,
  type Workload,
  type WorkloadName,
} from './workloads.js';

export interface ChaosOptions {
  readonly seconds: number;
  readonly workload: WorkloadName;
  readonly seed: number;
  readonly faults: boolean;
  readonly clientsPerNode: number;
  /** Keep the run's folder (logs, data, history.jsonl) even when the run is valid. */
  readonly keep: boolean;
  readonly say: (line: string) => void;
  /** Called with the cluster as soon as it exists, so a signal handler can kill it. */
  readonly onCluster?: (cluster: ChaosCluster) => void;
}

export interface TableChecksum {
  readonly table: string;
  readonly byNode: Readonly<Record<string, string>>;
  readonly equal: boolean;
}

export interface ChaosReport {
  readonly options: Omit<ChaosOptions, 'say' | 'onCluster'>;
  readonly dir: string;
  readonly txns: Readonly<Record<TxnStatus, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly unexpectedErrors: readonly string[];
  readonly faults: readonly FaultRecord[];
  readonly anomalies: readonly Anomaly[];
  readonly allowed: readonly Anomaly[];
  readonly lostCommits: number;
  readonly checksums: readonly TableChecksum[];
  /** Harness-level failures: a node that did not recover, a cluster that did not sync. */
  readonly problems: readonly string[];
  readonly valid: boolean;
}

const CLIENT_RECONNECT_MS = 250;
const FAULT_START_MARGIN_MS = 10_000;
const HEAL_TIMEOUT_MS = 120_000;
const UNEXPECTED_LISTED_MAX = 20;

class Counts {
  readonly txns: Record<TxnStatus, number> = { ok: 0, fail: 0, info: 0 };
  readonly errors: Record<string, number> = {};
  readonly unexpected: string[] = [];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const cluster = await ChaosCluster.create(3);
  options.onCluster?.(cluster);
  const startedMs = Date.now();
  const now = (): number => Date.now() - startedMs;
  const rng = new Xoshiro128(options.seed);
  const workload = options.workload === 'bank' ? bankWorkload(now) : appendWorkload(now);
  const events: string[] = [];
  const counts = new Counts();
  const problems: string[] = [];
  let faults: FaultRecord[] = [];
  let report: ChaosReport | undefined;
  try {
    options.say(`chaos: cluster in ${cluster.dir}`);
    await cluster.startAll();
    await createSchema(cluster, workload);
    const deadlineMs = Date.now() + options.seconds * 1000;
    let stopClients = false;
    const clients = startClients(cluster, workload, rng, options.clientsPerNode, counts, {
      stopped: () => stopClients,
      log: (event) => events.push(JSON.stringify(event)),
    }).catch((caught: Error) =>
      problems.push(`a client crashed: ${caught.stack ?? caught.message}`),
    );
    faults = options.faults
      ? await runFaults(cluster, rng.fork(), deadlineMs, now, options.say, problems)
      : [];
    await sleep(Math.max(0, deadlineMs - Date.now()));
    stopClients = true;
    await clients;
    report = await finish(cluster, workload, options, counts, faults, problems);
  } catch (caught) {
    problems.push((caught as Error).message);
  } finally {
    // Faults go in too (by atMs), so the file alone tells the story of a failing run.
    const faultEvents = faults.map((f) => JSON.stringify({ type: 'fault', timeMs: f.atMs, ...f }));
    writeFileSync(
      join(cluster.dir, 'history.jsonl'),
      [...events, ...faultEvents].join('\n') + '\n',
    );
    await cluster.stopAll();
  }
  report ??= buildReport(cluster, options, counts, faults, problems, null, []);
  if (report.valid && !options.keep) cluster.removeFiles();
  return report;
}

async function createSchema(cluster: ChaosCluster, workload: Workload): Promise<void> {
  const first = cluster.nodes[0]!;
  const conn = await first.connect();
  try {
    await conn.query('CREATE DATABASE chaos');
    for (const sql of workload.schema) await conn.query(sql);
  } finally {
    conn.destroy();
  }
  // DDL is replicated, not causal: wait until every node has every table before using it.
  for (const node of cluster.nodes) {
    await until(`tables on ${node.name}`, 30_000, async () => {
      const c = await node.connect();
      try {
        for (const table of workload.tables) await c.query(`SELECT 1 FROM ${table.name} LIMIT 1`);
        return true;
      } finally {
        c.destroy();
      }
    });
  }
}

interface ClientControl {
  stopped(): boolean;
  log(event: HistoryEvent): void;
}

async function startClients(
  cluster: ChaosCluster,
  workload: Workload,
  rng: Prng,
  perNode: number,
  counts: Counts,
  control: ClientControl,
): Promise<void> {
  const loops: Promise<void>[] = [];
  for (const node of cluster.nodes) {
    for (let i = 0; i < perNode; i++) {
      const client = new ChaosClient(node, `${node.name}-c${i + 1}`);
      loops.push(clientLoop(client, workload, rng.fork(), counts, control));
    }
  }
  await Promise.all(loops);
}

async function clientLoop(
  client: ChaosClient,
  workload: Workload,
  rng: Prng,
  counts: Counts,
  control: ClientControl,
): Promise<void> {
  try {
    while (!control.stopped()) {
      if (!(await client.connect())) {
        await sleep(CLIENT_RECONNECT_MS);
        continue;
      }
      const outcome = await workload.runOne(client, rng, (e) => control.log(e));
      if (outcome.error === 'client-rollback') continue;
      counts.txns[outcome.status]++;
      if (outcome.error !== undefined)
        counts.errors[outcome.error] = (counts.errors[outcome.error] ?? 0) + 1;
      if (outcome.unexpected !== undefined && counts.unexpected.length < UNEXPECTED_LISTED_MAX)
        counts.unexpected.push(`${client.process}: ${outcome.unexpected}`);
      // A node outside the primary component answers 1047 at once: wait rather than spin.
      if (outcome.error === '1047') await sleep(CLIENT_RECONNECT_MS);
    }
  } finally {
    client.close();
  }
}

async function runFaults(
  cluster: ChaosCluster,
  rng: Prng,
  deadlineMs: number,
  now: () => number,
  say: (line: string) => void,
  problems: string[],
): Promise<FaultRecord[]> {
  const records: FaultRecord[] = [];
  const schedule = new FaultSchedule(rng, cluster.nodes.length);
  for (;;) {
    const plan = schedule.next();
    if (Date.now() + plan.quietMs + FAULT_START_MARGIN_MS > deadlineMs) return records;
    await sleep(plan.quietMs);
    const record = await injectFault(cluster, plan, now, say);
    records.push(record);
    if (record.error !== undefined) {
      problems.push(`fault ${record.kind} on ${record.name}: ${record.error}`);
      return records;
    }
  }
}

async function finish(
  cluster: ChaosCluster,
  workload: Workload,
  options: ChaosOptions,
  counts: Counts,
  faults: readonly FaultRecord[],
  problems: string[],
): Promise<ChaosReport> {
  // Heal: nothing is paused or down any more (a failed fault may have left a node out).
  for (const node of cluster.nodes) if (node.paused) node.signal('SIGCONT');
  for (const node of cluster.nodes) if (!node.running) node.start();
  const statuses = await cluster.waitAllSynced(HEAL_TIMEOUT_MS, true);
  options.say(`chaos: healed, all Synced at seqno ${statuses[0]!.lastCommitted}`);
  const finals = await Promise.all(cluster.nodes.map((node) => readFinal(node, workload)));
  const checksums = workload.tables.map((table) => checksum(table.name, finals));
  return buildReport(cluster, options, counts, faults, problems, workload.check(finals), checksums);
}

async function readFinal(node: ChaosNode, workload: Workload): Promise<FinalState> {
  const conn = await node.connect();
  try {
    const rows = new Map<string, Record<string, unknown>[]>();
    for (const table of workload.tables) {
      const [result] = await conn.query(`SELECT * FROM ${table.name} ORDER BY ${table.orderBy}`);
      rows.set(table.name, result as Record<string, unknown>[]);
    }
    return { node: node.name, rows };
  } finally {
    conn.destroy();
  }
}

/** SHA-256 of every row in key order, per node (written before the engine had CHECKSUM TABLE). */
function checksum(table: string, finals: readonly FinalState[]): TableChecksum {
  const byNode: Record<string, string> = {};
  for (const final of finals) {
    const text = JSON.stringify(final.rows.get(table) ?? [], (_, v: unknown) =>
      Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v,
    );
    byNode[final.node] = createHash('sha256').update(text).digest('hex').slice(0, 16);
  }
  return { table, byNode, equal: new Set(Object.values(byNode)).size === 1 };
}

function buildReport(
  cluster: ChaosCluster,
  options: ChaosOptions,
  counts: Counts,
  faults: readonly FaultRecord[],
  problems: readonly string[],
  verdict: ReturnType<Workload['check']> | null,
  checksums: readonly TableChecksum[],
): ChaosReport {
  const anomalies = verdict?.anomalies ?? [];
  const lostCommits = verdict?.lostCommits ?? 0;
  const checked = verdict !== null && checksums.length > 0;
  const { say: _say, onCluster: _onCluster, ...shown } = options;
  return {
    options: shown,
    dir: cluster.dir,
    txns: counts.txns,
    errors: counts.errors,
    unexpectedErrors: counts.unexpected,
    faults,
    anomalies,
    allowed: verdict?.allowed ?? [],
    lostCommits,
    checksums,
    problems: checked ? problems : [...problems, 'the final state was not checked'],
    valid:
      checked &&
      problems.length === 0 &&
      anomalies.length === 0 &&
      lostCommits === 0 &&
      checksums.every((c) => c.equal),
  };
}

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Faults injected, by kind (every kind listed, zeros included). */
export function faultCounts(faults: readonly FaultRecord[]): Record<FaultKind, number> {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const fault of faults) counts[fault.kind]++;
  return counts;
}

/** Anomalies by kind. */
export function anomalyCounts(anomalies: readonly Anomaly[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of anomalies) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}

/** The report as the lines `npm run chaos` prints. */
export function formatReport(report: ChaosReport, examplesMax = 5): string[] {
  const o = report.options;
  const list = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const recoveries = report.faults.map((f) => f.recoveryMs);
  const lines = [
    `chaos: workload ${o.workload}, seed ${o.seed}, ${o.seconds} s, ${o.clientsPerNode} clients per node, faults ${o.faults ? 'on' : 'off'}`,
    `transactions: ok ${report.txns.ok}, fail ${report.txns.fail}, info ${report.txns.info}`,
    `errors: ${list(report.errors)}`,
    `faults: ${list(faultCounts(report.faults))}` +
      (recoveries.length > 0
        ? ` (${report.faults.filter((f) => f.wasLeader).length} on the leader, slowest recovery ${Math.max(...recoveries)} ms)`
        : ''),
    `anomalies: ${list(anomalyCounts(report.anomalies))}`,
    `allowed by snapshot isolation: ${list(anomalyCounts(report.allowed))}`,
    `lost commits: ${report.lostCommits}`,
    `checksums: ${report.checksums.length === 0 ? 'not compared' : report.checksums.every((c) => c.equal) ? 'equal' : 'DIFFER'} ` +
      report.checksums.map((c) => `${c.table} ${JSON.stringify(c.byNode)}`).join('; '),
  ];
  for (const line of report.unexpectedErrors) lines.push(`unexpected error: ${line}`);
  for (const problem of report.problems) lines.push(`problem: ${problem}`);
  const byKind = new Map<string, Anomaly[]>();
  for (const a of report.anomalies) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
  for (const [kind, found] of byKind)
    for (const a of found.slice(0, examplesMax)) lines.push(`  ${kind}: ${a.explanation}`);
  if (!report.valid) lines.push(`run folder kept: ${report.dir} (logs, data, history.jsonl)`);
  lines.push(`chaos: ${report.valid ? 'VALID' : 'INVALID'}`);
  return lines;
}
