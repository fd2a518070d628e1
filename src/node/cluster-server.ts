// A cluster node serving MySQL clients: the ClusterNode (consensus, gcache, TLS transport,
// store, certification), the SQL engine whose sessions commit through the cluster replicator,
// and the MySQL server. The node that bootstraps a new cluster initializes the `mysql` database
// and root accounts through TOI, so every joiner gets them by replication.
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '../config/index.js';
import { nodeId } from '../core/types.js';
import { Engine } from '../engine/engine.js';
import { ReadPool } from '../engine/read-pool.js';
import { storePath } from '../storage/index.js';
import { userFunctions } from '../engine/functions.js';
import { MysqlServer, SERVER_VERSION_DEFAULT, type TlsOptions } from '../mysql/index.js';
import { ClusterNode, type LogLevel } from './cluster-node.js';
import {
  clientSsl,
  engineFacts,
  initialWriteSet,
  mysqlServerOptions,
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

export async function startClusterServer(
  config: ServerConfig,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<ClusterStartResult> {
  const log = (level: LogLevel, message: string): void =>
    write(`${timestamp()} 0 [${level}] ${message}`);
  const server = config.server;
  let node: ClusterNode;
  try {
    node = await ClusterNode.start({
      config,
      log,
      functions: userFunctions(),
      storeLimits: storeLimits(config),
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
    facts: engineFacts(config, {
      clusterAddress: `gcomm://${config.cluster.peers.map((p) => `${p.host}:${p.port}`).join(',')}`,
      nodeAddress: `${config.cluster.listenAddress.host}:${config.cluster.listenAddress.port}`,
      incomingAddress: `${server.bindAddress ?? '127.0.0.1'}:${server.port}`,
      wsrepOn: true,
    }),
  });
  node.applier.translator = engine.translator;
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
    engine.readPool = await ReadPool.start(storePath(server.datadir), server.wsrepNodeName, 2);
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: `cannot start the reader workers: ${(error as Error).message}` };
  }
  const mysql = new MysqlServer(mysqlServerOptions(config, tls, log), engine);
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
  let address: AddressInfo;
  try {
    address = await mysql.listen();
  } catch (error) {
    await node.stop(1);
    return {
      ok: false,
      message: `cannot listen on ${server.bindAddress ?? '0.0.0.0'}:${server.port}: ${(error as Error).message}`,
    };
  }
  log('Note', 'trireme: ready for connections.');
  write(
    `Version: '${version}'  socket: ''  port: ${address.port}  trireme cluster node ${node.id}`,
  );
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    log('Note', 'trireme: Normal shutdown');
    await mysql.close();
    await engine.readPool?.close();
    await node.stop(0);
    log('Note', 'trireme: Shutdown complete');
  };
  return { ok: true, server: { address, node, engine, stop } };
}

async function initialize(engine: Engine, node: ClusterNode): Promise<string | null> {
  const deadline = Date.now() + 30_000;
  while (!node.isPrimary()) {
    if (Date.now() > deadline) return 'the new cluster did not become primary within 30 s';
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const outcome = await node.replicator.replicate(initialWriteSet(engine));
  if (outcome.kind === 'committed') return null;
  return `cannot initialize the cluster: ${JSON.stringify(outcome)}`;
}
