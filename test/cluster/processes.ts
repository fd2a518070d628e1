// Real trireme processes for cluster tests: each node is `node bin/trireme.js start` with its own
// my.cnf (see harness.ts), reached with mysql2 on loopback; killed with SIGKILL or stopped with
// SIGTERM by the PID we started.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import type { LocalCluster } from './harness.js';
import { until as waitUntil } from '../support/index.js';

export class NodeProcess {
  /** Every node started in this test process, for the outputs a failure prints. */
  static readonly started = new Set<NodeProcess>();
  private child: ChildProcess | null = null;
  readonly output: string[] = [];

  constructor(
    readonly name: string,
    private readonly cluster: LocalCluster,
  ) {}

  get port(): number {
    return this.cluster.clientPorts.get(this.name)!;
  }

  /** The node's process id while it runs (for CPU figures), else null. */
  get pid(): number | null {
    return this.running ? (this.child?.pid ?? null) : null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The exit code once the process has exited, else null. */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /**
   * `trireme start` with this node's my.cnf; the second argument is another command (e.g.
   * 'bootstrap'), or variables added to the process's environment (a test-only knob).
   */
  start(
    extraArgs: readonly string[] = [],
    commandOrEnv: string | Readonly<Record<string, string>> = 'start',
  ): void {
    const command = typeof commandOrEnv === 'string' ? commandOrEnv : 'start';
    const env = typeof commandOrEnv === 'string' ? {} : commandOrEnv;
    // BENCH_NODE_ARGS: options for node itself, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile
    // each node of a benchmark (docs/design/performance.md).
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
    const args = [
      ...nodeArgs,
      'bin/trireme.js',
      command,
      `--defaults-file=${this.cluster.cnf.get(this.name)!}`,
      ...extraArgs,
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') this.output.push(line);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    NodeProcess.started.add(this);
  }

  kill9(): void {
    this.child?.kill('SIGKILL');
  }

  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (child === null || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async waitExit(): Promise<void> {
    const child = this.child;
    if (child === null || !this.running) return;
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  }

  async connect(options: Partial<mysql.ConnectionOptions> = {}): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      password: '',
      ...options,
    });
  }

  /** Waits until the node answers queries as part of the primary component. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const conn = await this.connect();
        try {
          const [rows] = await conn.query("SHOW STATUS LIKE 'wsrep_ready'");
          const value = (rows as Array<{ Value: string }>)[0]?.Value;
          if (value === 'ON') return;
        } finally {
          await conn.end();
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} not ready after ${timeoutMs} ms; last output:\n${this.output.slice(-20).join('\n')}`,
        );
      }
      await sleep(100);
    }
  }

  async status(variable: string): Promise<string | undefined> {
    const conn = await this.connect();
    try {
      const [rows] = await conn.query('SHOW STATUS LIKE ?', [variable]);
      return (rows as Array<{ Value: string }>)[0]?.Value;
    } finally {
      await conn.end();
    }
  }
}

/** Waits for a check against real processes (polled every 100 ms; a throw counts as not yet). */
export function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  return waitUntil(what, check, timeoutMs, 100);
}

/** `sql`'s rows on one node, as arrays, on a connection of its own. */
export async function rowsOn(node: NodeProcess, sql: string): Promise<unknown[][]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return rows as unknown[][];
  } catch (error) {
    // A commit whose outcome is unknown (1180) is the cluster's fault: show what the nodes said.
    if ((error as { errno?: number }).errno === 1180) {
      const outputs = [...NodeProcess.started].map(
        (n) => `--- ${n.name}'s last output:\n${n.output.slice(-40).join('\n')}`,
      );
      (error as Error).message += `\n${outputs.join('\n')}`;
    }
    throw error;
  } finally {
    await conn.end();
  }
}

/** Waits until every node answers `sql` as `expected` (replication has reached them). */
export async function everywhere(
  nodes: readonly NodeProcess[],
  sql: string,
  expected: unknown[][],
): Promise<void> {
  for (const node of nodes) {
    await until(`${node.name}: ${sql}`, async () => {
      try {
        assert.deepEqual(await rowsOn(node, sql), expected);
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(await rowsOn(node, sql), expected, `${node.name}: ${sql}`);
  }
}

/** Bootstraps the first node, starts the others, and waits until all are members. */
export async function startAll(nodes: readonly NodeProcess[]): Promise<void> {
  nodes[0]!.start(['--wsrep-new-cluster']);
  await nodes[0]!.waitReady();
  for (const node of nodes.slice(1)) node.start();
  await Promise.all(nodes.map((n) => n.waitReady()));
  const size = String(nodes.length);
  await until(
    `cluster size ${size}`,
    async () => (await nodes[0]!.status('wsrep_cluster_size')) === size,
  );
}

/** The node that says it leads (wsrep_raft_leader names itself); fails the test if none does. */
export async function leaderOf(nodes: readonly NodeProcess[]): Promise<NodeProcess> {
  for (const node of nodes) if ((await node.status('wsrep_raft_leader')) === node.name) return node;
  assert.fail('no node says it leads');
}
