// `npm start`: a local 3-node cluster on loopback, encrypted between nodes. It creates a CA and
// node certificates on first use, writes one my.cnf per node the first time (and keeps the user's
// edits afterwards), starts three `trireme start` processes whose log lines it prefixes with the
// node's name, prints how to connect, and stops them all cleanly on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatConfigError, loadServerConfig } from '../config/index.js';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLocalCerts } from './cert.js';

const names = ['n1', 'n2', 'n3'] as const;
const clientPortsPreferred = [3306, 3307, 3308];
const replicationPortsPreferred = [4567, 4577, 4587];

export interface StartLocalOptions {
  readonly dir: string;
  readonly out: (line: string) => void;
}

export async function runStartLocal(argv: readonly string[]): Promise<number> {
  const dir = resolve(argv[0] ?? 'local-cluster');
  return startLocal({ dir, out: (line) => process.stdout.write(`${line}\n`) });
}

export async function startLocal(options: StartLocalOptions): Promise<number> {
  const { dir, out } = options;
  mkdirSync(dir, { recursive: true });
  const certs = await ensureLocalCerts(join(dir, 'certs'), [...names]);
  if (certs.created.length > 0)
    out(`created the cluster CA and node certificates in ${join(dir, 'certs')}`);
  const written = await writeMissingCnfs(dir, certs);
  if (written.length > 0) out(`wrote ${written.join(', ')} (edit them freely: they are kept)`);
  const clientPorts: number[] = [];
  for (const name of names) {
    const loaded = loadServerConfig({ defaultsFile: join(dir, `${name}.cnf`) });
    if (!loaded.ok) {
      out(`trireme start-local: ${formatConfigError(loaded.error)}`);
      return 2;
    }
    clientPorts.push(loaded.value.config.server.port);
  }
  const fresh = isNewLocalCluster(dir);
  const children: LocalNode[] = [];
  const launcher = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'bin',
    'trireme.js',
  );
  for (const [i, name] of names.entries()) {
    const cnf = join(dir, `${name}.cnf`);
    const args = [launcher, 'start', `--defaults-file=${cnf}`];
    if (fresh && i === 0) args.push('--wsrep-new-cluster');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const node: LocalNode = { name, cnf, child, ready: false };
    // Three nodes share one terminal: each line says whose it is.
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        if (line.includes('ready for connections')) node.ready = true;
        out(`[${name}] ${line}`);
      });
    children.push(node);
    // The first node of a new cluster bootstraps before the others ask to join it.
    if (fresh && i === 0) await new Promise((r) => setTimeout(r, 1500));
  }
  out('');
  out(`trireme: a 3-node cluster on 127.0.0.1, replication over mutual TLS`);
  for (const [i, name] of names.entries()) {
    out(
      `  ${name}: mariadb -h127.0.0.1 -P${clientPorts[i]} -uroot        (data in ${join(dir, name)})`,
    );
  }
  out('  Ctrl-C stops all three.');
  return waitAndStop(children, out);
}

/**
 * Whether npm start makes a new cluster (n1 bootstraps it): only when no node has a database.
 * It used to look at n1 alone, so with n1's datadir deleted it bootstrapped a second, empty
 * cluster beside the others (which then overwrote it by SST: a newcomer's report); now n1 joins
 * them as a new node.
 */
export function isNewLocalCluster(dir: string): boolean {
  return names.every((name) => !existsSync(join(dir, name, 'trireme.db')));
}

interface LocalNode {
  readonly name: string;
  readonly cnf: string;
  readonly child: ChildProcess;
  /** Whether it said it is ready for connections. */
  ready: boolean;
}

/**
 * Waits for the nodes to end: Ctrl-C (SIGINT, SIGTERM) stops them all. A node that fails before
 * it is ready stops the others (a start that cannot complete: its error stays the last lines);
 * one that ends later (kill -9, a crash) leaves the others running, as a Galera cluster goes on
 * without a member, and the launcher says how to start it again.
 */
function waitAndStop(nodes: readonly LocalNode[], out: (line: string) => void): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false;
    let alive = nodes.length;
    // Handlers stay for every signal: a second Ctrl-C must not kill this launcher, whose pipes
    // carry the nodes' output while they stop.
    const stop = (): void => {
      if (stopping) return out('trireme: still stopping the local cluster');
      stopping = true;
      out('trireme: stopping the local cluster');
      for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (const node of nodes) {
      node.child.once('exit', (code, signal) => {
        alive--;
        const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        if (!stopping && !node.ready) {
          out(`trireme: ${node.name} ${how} before it was ready; stopping the others`);
          stop();
        } else if (!stopping && alive > 0) {
          out(
            `trireme: ${node.name} ${how}; the other nodes go on. To start it again (it rejoins by IST): node bin/trireme.js start --defaults-file=${node.cnf}`,
          );
        }
        if (alive > 0) return;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolveExit(stopping ? 0 : 1);
      });
    }
  });
}

/** Writes the my.cnf of each node that has none (new ports for them); returns their names. */
async function writeMissingCnfs(
  dir: string,
  certs: Awaited<ReturnType<typeof ensureLocalCerts>>,
): Promise<string[]> {
  const missing = names.filter((name) => !existsSync(join(dir, `${name}.cnf`)));
  if (missing.length === 0) return [];
  const clientPorts = await choosePorts(clientPortsPreferred);
  const replicationPorts = await choosePorts(replicationPortsPreferred);
  const address = `gcomm://${replicationPorts.map((p) => `127.0.0.1:${p}`).join(',')}`;
  for (const name of missing) {
    const i = names.indexOf(name);
    const text = nodeCnf(
      dir,
      name,
      clientPorts[i]!,
      replicationPorts[i]!,
      address,
      certs.nodes.get(name)!,
      certs.caPath,
    );
    writeFileSync(join(dir, `${name}.cnf`), text);
  }
  return missing.map((name) => `${name}.cnf`);
}

function nodeCnf(
  dir: string,
  name: string,
  clientPort: number,
  replicationPort: number,
  address: string,
  files: { certPath: string; keyPath: string },
  caPath: string,
): string {
  return `# written by npm start; edit freely: npm start keeps this file (delete it to get a new one)
[mysqld]
datadir=${join(dir, name)}
port=${clientPort}
bind-address=127.0.0.1

[galera]
wsrep_on=ON
wsrep_cluster_name=trireme_local
wsrep_cluster_address=${address}
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${replicationPort}
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${replicationPort};socket.ssl_key=${files.keyPath};socket.ssl_cert=${files.certPath};socket.ssl_ca=${caPath}"
`;
}

async function choosePorts(preferred: readonly number[]): Promise<number[]> {
  const ports: number[] = [];
  for (const port of preferred) ports.push((await isFree(port)) ? port : await anyPort());
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

function anyPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolvePort(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}
