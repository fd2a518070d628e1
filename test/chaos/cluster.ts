// A 3-node TLS cluster of real trireme processes for chaos runs: certificates from
// `ensureLocalCerts` (what `trireme cert` writes), one my.cnf per node on free loopback ports with
// short evs timeouts, `node bin/trireme.js start` per node with its output in a log file, and the
// signals the fault schedule sends (SIGKILL, SIGSTOP/SIGCONT, SIGTERM) to the PIDs we started.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { ensureLocalCerts } from '../../src/cli/cert.js';
import { freePort } from '../cluster/harness.js';

/** Short evs timeouts so that a run of a minute sees pauses longer than both. */
export const EVS_SUSPECT_TIMEOUT_MS = 3_000;
export const EVS_INACTIVE_TIMEOUT_MS = 6_000;

const BIN_PATH = fileURLToPath(new URL('../../../bin/trireme.js', import.meta.url));
const REPO_PATH = fileURLToPath(new URL('../../../', import.meta.url));
const STATUS_TIMEOUT_MS = 3_000;

export interface NodeStatus {
  readonly state: string;
  readonly clusterSize: number;
  readonly lastCommitted: number;
  readonly ready: boolean;
  /** wsrep_raft_leader: the leader's node name, '' when there is none. */
  readonly leader: string;
}

export class ChaosNode {
  private child: ChildProcess | null = null;
  paused = false;
  starts = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly cnfPath: string,
    readonly logPath: string,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(bootstrap = false): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const args = [BIN_PATH, 'start', `--defaults-file=${this.cnfPath}`];
    if (bootstrap) args.push('--wsrep-new-cluster');
    const log = openSync(this.logPath, 'a');
    writeFileSync(log, `---- chaos: start #${++this.starts} ${new Date().toISOString()}\n`);
    this.child = spawn(process.execPath, args, { cwd: REPO_PATH, stdio: ['ignore', log, log] });
    closeSync(log);
    this.paused = false;
  }

  /** Sends a signal to the process we started; false when it is not running. */
  signal(signal: NodeJS.Signals): boolean {
    const child = this.child;
    if (child === null || !this.running) return false;
    child.kill(signal);
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
    return true;
  }

  /** Resolves once the process has exited, or false after timeoutMs. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    const child = this.child;
    if (child === null || !this.running) return true;
    const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
    const timer = sleep(timeoutMs).then(() => false);
    return Promise.race([exited, timer]);
  }

  async connect(): Promise<mysql.Connection> {
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      password: '',
      connectTimeout: STATUS_TIMEOUT_MS,
    });
    // A fatal error with no query pending arrives as an event; without a listener it would throw.
    conn.on('error', () => undefined);
    return conn;
  }

  async status(): Promise<NodeStatus> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query({ sql: "SHOW STATUS LIKE 'wsrep%'", timeout: 5_000 });
      const values = new Map(
        (rows as Array<{ Variable_name: string; Value: string }>).map((r) => [
          r.Variable_name,
          r.Value,
        ]),
      );
      return {
        state: values.get('wsrep_local_state_comment') ?? '',
        clusterSize: Number(values.get('wsrep_cluster_size') ?? 0),
        lastCommitted: Number(values.get('wsrep_last_committed') ?? -1),
        ready: values.get('wsrep_ready') === 'ON',
        leader: values.get('wsrep_raft_leader') ?? '',
      };
    } finally {
      conn.destroy();
    }
  }

  /** The last lines of the node's log, for a failure message. */
  tail(lines: number): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export class ChaosCluster {
  private constructor(
    readonly dir: string,
    readonly nodes: readonly ChaosNode[],
  ) {}

  static async create(count = 3): Promise<ChaosCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'trireme-chaos-'));
    const names = Array.from({ length: count }, (_, i) => `n${i + 1}`);
    const certs = await ensureLocalCerts(join(dir, 'certs'), names);
    const replicationPorts: number[] = [];
    const clientPorts: number[] = [];
    for (const _ of names) replicationPorts.push(await freePort());
    for (const _ of names) clientPorts.push(await freePort());
    const address = `gcomm://${replicationPorts.map((p) => `127.0.0.1:${p}`).join(',')}`;
    const nodes = names.map((name, i) => {
      const files = certs.nodes.get(name)!;
      const provider = [
        `gmcast.listen_addr=tcp://127.0.0.1:${replicationPorts[i]}`,
        `evs.suspect_timeout=PT${EVS_SUSPECT_TIMEOUT_MS / 1000}S`,
        `evs.inactive_timeout=PT${EVS_INACTIVE_TIMEOUT_MS / 1000}S`,
        `socket.ssl_key=${files.keyPath}`,
        `socket.ssl_cert=${files.certPath}`,
        `socket.ssl_ca=${certs.caPath}`,
      ].join(';');
      const cnfPath = join(dir, `${name}.cnf`);
      writeFileSync(
        cnfPath,
        `[mysqld]
datadir=${join(dir, name)}
port=${clientPorts[i]}
bind-address=127.0.0.1

[galera]
wsrep_on=ON
wsrep_cluster_name=trireme_chaos
wsrep_cluster_address=${address}
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${replicationPorts[i]}
wsrep_provider_options="${provider}"
`,
      );
      return new ChaosNode(name, clientPorts[i]!, cnfPath, join(dir, `${name}.log`));
    });
    return new ChaosCluster(dir, nodes);
  }

  /** Bootstraps n1, starts the others, and waits until all are synced members. */
  async startAll(timeoutMs = 90_000): Promise<void> {
    this.nodes[0]!.start(true);
    await this.waitReady(this.nodes[0]!, timeoutMs);
    for (const node of this.nodes.slice(1)) node.start();
    await this.waitAllSynced(timeoutMs, false);
  }

  async waitReady(node: ChaosNode, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await node.status().catch(() => null);
      if (status?.ready === true) return;
      if (!node.running) throw new Error(`${node.name} exited:\n${node.tail(20)}`);
      if (Date.now() > deadline)
        throw new Error(`${node.name} not ready after ${timeoutMs} ms:\n${node.tail(20)}`);
      await sleep(200);
    }
  }

  /**
   * Waits until every node is Synced in a primary component of all nodes; with sameSeqno, also
   * until all report the same wsrep_last_committed (only meaningful once clients stopped).
   */
  async waitAllSynced(timeoutMs: number, sameSeqno: boolean): Promise<NodeStatus[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = await Promise.all(this.nodes.map((n) => n.status().catch(() => null)));
      const synced = last.every(
        (s) => s !== null && s.state === 'Synced' && s.clusterSize === this.nodes.length,
      );
      const seqnos = new Set(last.map((s) => s?.lastCommitted));
      if (synced && (!sameSeqno || seqnos.size === 1)) return last as NodeStatus[];
      const dead = this.nodes.find((n) => !n.running);
      if (dead !== undefined) throw new Error(`${dead.name} exited:\n${dead.tail(20)}`);
      if (Date.now() > deadline) {
        const shown = last.map((s, i) => `${this.nodes[i]!.name}: ${JSON.stringify(s)}`);
        throw new Error(`cluster not synced after ${timeoutMs} ms: ${shown.join('; ')}`);
      }
      await sleep(250);
    }
  }

  /** Kills every process we started (SIGKILL works on stopped ones too); synchronous. */
  killAll(): void {
    for (const node of this.nodes) node.signal('SIGKILL');
  }

  /** Stops every node gracefully (SIGCONT first for paused ones), then SIGKILL stragglers. */
  async stopAll(): Promise<void> {
    for (const node of this.nodes) node.signal('SIGCONT');
    for (const node of this.nodes) node.signal('SIGTERM');
    for (const node of this.nodes) if (!(await node.waitExit(15_000))) node.signal('SIGKILL');
  }

  removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
