// A cluster node serving MySQL clients: the ClusterNode (consensus, gcache, TLS transport,
// store, certification), the SQL engine whose sessions commit through the cluster replicator,
// and the MySQL server. The node that bootstraps a new cluster initializes the `mysql` database
// and root accounts through TOI, so every joiner gets them by replication.
import { ConnectionGuard } from './connection-guard.js';
import type { AddressInfo } from 'node:net';
import { describeProviderOptions, type ServerConfig } from '../config/index.js';
import { nodeId } from '../core/types.js';
import { Engine } from '../engine/engine.js';
import { ReadPool } from '../engine/read-pool.js';
import { describePageScheme, storePath, type PageScheme } from '../storage/index.js';
import { userFunctions } from '../engine/functions.js';
import { MysqlServer, SERVER_VERSION_DEFAULT, type TlsOptions } from '../mysql/index.js';
import { installState, type Installed } from '../transfer/install.js';
import type { StagedState } from '../transfer/sst.js';
import { ClusterNode, type LogLevel } from './cluster-node.js';
import {
  clientSsl,
  engineFacts,
  initialWriteSet,
  mysqlServerOptions,
  probeClientPort,
  clientListenFailure,
  readClientTls,
  storeLimits,
  timestamp,
} from './server-common.js';

export interface ClusterServer {
  readonly address: AddressInfo;
  readonly node: ClusterNode;
  readonly engine: Engine;
  stop(): Promise<void>;
}

export type ClusterStartResult =
  | { readonly ok: true; readonly server: ClusterServer }
  | { readonly ok: false; readonly message: string };

export interface ClusterServerOptions {
  /** The node cannot go on (a received state could not be installed or started). */
  readonly onFatal?: (message: string) => void;
  /** Bootstrap even where grastate.dat says it is not safe (`trireme bootstrap --force`). */
  readonly forceBootstrap?: boolean;
}

/**
 * Starts a cluster node and its MySQL server. When the node receives a whole state by SST, the
 * server stops everything but the process, installs the state and starts again on it (the
 * `node` and `engine` of the result follow).
 */
export async function startClusterServer(
  config: ServerConfig,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  options: ClusterServerOptions = {},
): Promise<ClusterStartResult> {
  const log = (level: LogLevel, message: string): void =>
    write(`${timestamp()} 0 [${level}] ${message}`);
  const first = await startGeneration(config, log, write, options.forceBootstrap ?? false);
  if (!first.ok) return first;
  let current = first.generation;
  let restarting: Promise<void> | null = null;
  let stopped = false;
  const restartOn = async (staged: StagedState): Promise<void> => {
    await current.close(false);
    let installed: Installed;
    try {
      installed = await installState(staged, {
        storePath: storePath(config.server.datadir),
        gcacheDir: config.cluster.gcacheDir,
        cipher: current.node.store.pageCipher(),
        gcacheKeys: current.node.encryption.gcacheKeys,
      });
    } catch (error) {
      const message = `WSREP: cannot install the received state: ${(error as Error).message}`;
      log('ERROR', message);
      return (options.onFatal ?? fatalExit)(message);
    }
    const pages = (scheme: PageScheme | null): string =>
      scheme === null ? 'plaintext' : describePageScheme(scheme);
    log(
      'Note',
      `WSREP: installed state ${staged.header.index} from ${staged.header.donor}${installed.received === null && installed.installed === null ? '' : ` (pages received ${pages(installed.received)}, installed ${pages(installed.installed)})`}`,
    );
    if (stopped) return;
    const next = await startGeneration(
      { ...config, cluster: { ...config.cluster, bootstrap: false } },
      log,
      write,
    );
    if (!next.ok) {
      log('ERROR', `WSREP: cannot start on the received state: ${next.message}`);
      return (options.onFatal ?? fatalExit)(next.message);
    }
    current = next.generation;
    watch(current);
  };
  const watch = (generation: Generation): void => {
    generation.node.onStateReceived = (staged) => {
      restarting = restartOn(staged).finally(() => (restarting = null));
    };
    // The node stopped itself for good (it said why): the server goes too, and the process.
    const onFailure = (message: string): void => {
      if (stopped) return;
      stopped = true;
      void generation.close(false).finally(() => (options.onFatal ?? fatalExit)(message));
    };
    generation.node.onFailure = onFailure;
    void generation.node.failed()?.then(onFailure); // it may have failed before it was watched
  };
  watch(current);
  const server: ClusterServer = {
    get address() {
      return current.address;
    },
    get node() {
      return current.node;
    },
    get engine() {
      return current.engine;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await restarting;
      log('Note', 'trireme: Normal shutdown');
      await current.close(true);
      log('Note', 'trireme: Shutdown complete');
    },
  };
  return { ok: true, server };
}

function fatalExit(message: string): void {
  process.stderr.write(`trireme: ${message}\n`);
  process.exit(1);
}

interface Generation {
  readonly address: AddressInfo;
  readonly node: ClusterNode;
  readonly engine: Engine;
  /** Stops the MySQL server, the readers and the node; `leave`: leave the configuration. */
  close(leave: boolean): Promise<void>;
}

async function startGeneration(
  config: ServerConfig,
  log: (level: LogLevel, message: string) => void,
  write: (line: string) => void,
  forceBootstrap = false,
): Promise<{ ok: true; generation: Generation } | { ok: false; message: string }> {
  const server = config.server;
  const bindHost = server.bindAddress ?? '0.0.0.0';
  const portProblem = await probeClientPort(bindHost, server.port);
  if (portProblem !== null) return { ok: false, message: portProblem };
  let node: ClusterNode;
  try {
    node = await ClusterNode.start({
      config,
      log,
      functions: userFunctions(),
      storeLimits: storeLimits(config),
      forceBootstrap,
    });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const version = SERVER_VERSION_DEFAULT.replace(/^5\.5\.5-/, '');
  const engine = new Engine({
    store: node.store,
    nodeId: nodeId(server.wsrepNodeName),
    version,
    log: (line) => log('Note', line),
    ...(node.driver.trace === undefined ? {} : { trace: node.driver.trace }),
    facts: {
      ...engineFacts(config, {
        clusterAddress: `gcomm://${config.cluster.peers.map((p) => `${p.host}:${p.port}`).join(',')}`,
        nodeAddress: nodeAddressOf(config),
        incomingAddress: node.incomingAddress(),
        wsrepOn: true,
      }),
      sstReceiveAddress: hostPort(config.cluster.sstReceiveAddress),
      providerOptions: effectiveProviderOptions(config),
    },
  });
  node.applier.translator = engine.translator;
  engine.providerOptions = (text) => node.setProviderOptions(text);
  engine.desync = (on) => node.setDesync(on);
  engine.encryption = node.keyWatch;
  if (node.keyWatch !== null)
    node.keyWatch.settings = () => ({
      threads: engine.globalNumber('innodb_encryption_threads'),
      rotateKeyAge: engine.globalNumber('innodb_encryption_rotate_key_age'),
    });
  // wsrep_auto_increment_control: AUTO_INCREMENT values interleave across the members.
  node.onMembership = (size, index) => engine.setAutoIncrementControl(size, index);
  node.notifyMembership();
  let tls: TlsOptions | undefined;
  try {
    tls = readClientTls(clientSsl(config));
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: `cannot read the client TLS files: ${(error as Error).message}` };
  }
  try {
    // Long reads run on worker threads so that heartbeats and pings stay prompt.
    engine.readPool = await ReadPool.start(
      storePath(server.datadir),
      server.wsrepNodeName,
      2,
      node.store.pageCipher(),
    );
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: `cannot start the reader workers: ${(error as Error).message}` };
  }
  const mysqlOptions = mysqlServerOptions(config, tls, log);
  const mysql = new MysqlServer(mysqlOptions, engine);
  engine.attach(node.replicator, mysql);
  if (config.cluster.bootstrap && engine.catalog.accounts().length === 0) {
    const initialized = await initialize(engine, node);
    if (initialized !== null) {
      await node.stop(1);
      return { ok: false, message: initialized };
    }
    log(
      'Note',
      'trireme: initialized the cluster (the mysql database; root@localhost, root@127.0.0.1, root@::1 without password)',
    );
  }
  // A node that failed while it started (it found its history diverged, say) serves nobody.
  const failure = node.failed();
  if (failure !== null) {
    const message = await failure;
    await engine.readPool?.close();
    return { ok: false, message };
  }
  let address: AddressInfo;
  try {
    address = await mysql.listen();
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: clientListenFailure(bindHost, server.port, error) };
  }
  const guard = ConnectionGuard.start(mysql, mysqlOptions, engine, log);
  log('Note', 'trireme: ready for connections.');
  write(
    `Version: '${version}'  socket: ''  port: ${address.port}  trireme cluster node ${node.id}`,
  );
  const close = async (leave: boolean): Promise<void> => {
    await guard?.stop();
    await mysql.close();
    await engine.readPool?.close();
    await node.stop(leave ? 0 : 1, { leave });
  };
  return { ok: true, generation: { address, node, engine, close } };
}

function hostPort(address: { readonly host: string; readonly port: number | null }): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return address.port === null ? host : `${host}:${address.port}`;
}

/** wsrep_node_address as configured; without one, the replication listen address. */
function nodeAddressOf(config: ServerConfig): string {
  return hostPort(config.server.wsrepNodeAddress ?? config.cluster.listenAddress);
}

/** Every provider option with the value in effect, the derived ones included (Galera's list). */
function effectiveProviderOptions(config: ServerConfig): string {
  const { cluster, provider, server } = config;
  const tls = provider.socketSsl;
  const listen = cluster.listenAddress;
  const effective = new Map<string, string>([
    ['base_dir', server.datadir],
    ['base_host', provider.baseHost ?? server.wsrepNodeAddress?.host ?? listen.host],
    ['base_port', String(cluster.basePort)],
    ['gcache.dir', cluster.gcacheDir],
    ['gmcast.listen_addr', `${tls ? 'ssl' : 'tcp'}://${hostPort(listen)}`],
    ['ist.recv_addr', hostPort(cluster.istReceiveAddress)],
    ['socket.ssl', tls ? 'YES' : 'NO'],
    ['socket.ssl_ca', tls ? (cluster.replicationTls.ca ?? '') : ''],
  ]);
  return describeProviderOptions(provider, server.wsrepProviderOptions, effective);
}

async function initialize(engine: Engine, node: ClusterNode): Promise<string | null> {
  const deadline = Date.now() + 30_000;
  while (!node.isReady()) {
    if (Date.now() > deadline) return 'the new cluster did not become primary within 30 s';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const outcome = await node.replicator.replicate(initialWriteSet(engine));
  if (outcome.kind === 'committed') return null;
  return `cannot initialize the cluster: ${JSON.stringify(outcome)}`;
}
