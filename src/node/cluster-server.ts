// A cluster node serving MySQL clients: the ClusterNode (consensus, gcache, TLS transport,
// store, certification), the SQL engine whose sessions commit through the cluster replicator,
// and the MySQL server. The node that bootstraps a new cluster initializes the `mysql` database
// and root accounts through TOI, so every joiner gets them by replication.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { transactionId, type WriteSet } from '../codec/index.js';
import type { ServerConfig } from '../config/index.js';
import { nodeId } from '../core/types.js';
import { Engine } from '../engine/engine.js';
import { ReadPool } from '../engine/read-pool.js';
import { storePath } from '../storage/index.js';
import { userFunctions } from '../engine/functions.js';
import {
  MysqlServer,
  SERVER_VERSION_DEFAULT,
  type Logger as MysqlLogger,
  type TlsOptions,
} from '../mysql/index.js';
import { ClusterNode, type LogLevel } from './cluster-node.js';

export interface ClusterServer {
  readonly address: AddressInfo;
  readonly node: ClusterNode;
  readonly engine: Engine;
  stop(): Promise<void>;
}

export type ClusterStartResult =
  | { readonly ok: true; readonly server: ClusterServer }
  | { readonly ok: false; readonly message: string };

const INIT_STATEMENTS = [
  'CREATE DATABASE IF NOT EXISTS mysql',
  ...['localhost', '127.0.0.1', '::1'].flatMap((host) => [
    `CREATE USER IF NOT EXISTS 'root'@'${host}'`,
    `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${host}' WITH GRANT OPTION`,
  ]),
];

function timestamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export async function startClusterServer(
  config: ServerConfig,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<ClusterStartResult> {
  const log = (level: LogLevel, message: string): void =>
    write(`${timestamp()} 0 [${level}] ${message}`);
  const server = config.server;
  let node: ClusterNode;
  try {
    node = await ClusterNode.start({ config, log, functions: userFunctions() });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const version = SERVER_VERSION_DEFAULT.replace(/^5\.5\.5-/, '');
  const ssl =
    server.sslCert !== null && server.sslKey !== null
      ? { cert: server.sslCert, key: server.sslKey, ca: server.sslCa ?? '' }
      : null;
  const engine = new Engine({
    store: node.store,
    nodeId: nodeId(server.wsrepNodeName),
    version,
    log: (line) => log('Note', line),
    facts: {
      port: server.port,
      datadir: server.datadir,
      nodeName: server.wsrepNodeName,
      clusterName: server.wsrepClusterName,
      clusterAddress: `gcomm://${config.cluster.peers.map((p) => `${p.host}:${p.port}`).join(',')}`,
      nodeAddress: `${config.cluster.listenAddress.host}:${config.cluster.listenAddress.port}`,
      incomingAddress: `${server.bindAddress ?? '127.0.0.1'}:${server.port}`,
      wsrepOn: true,
      maxConnections: server.maxConnections,
      maxAllowedPacket: server.maxAllowedPacketBytes,
      lockWaitTimeoutSeconds: server.innodbLockWaitTimeoutSeconds,
      autoIncrementIncrement: server.autoIncrementIncrement,
      autoIncrementOffset: server.autoIncrementOffset,
      retryAutocommit: server.wsrepRetryAutocommit,
      autoIncrementControl: server.wsrepAutoIncrementControl,
      syncWait: server.wsrepSyncWait,
      slaveThreads: server.wsrepSlaveThreads,
      sstMethod: server.wsrepSstMethod,
      providerOptions: server.wsrepProviderOptions,
      maxWsSize: server.wsrepMaxWsSizeBytes,
      ssl,
    },
  });
  node.applier.translator = engine.translator;
  // wsrep_auto_increment_control: AUTO_INCREMENT values interleave across the members.
  node.onMembership = (size, index) => engine.setAutoIncrementControl(size, index);
  node.notifyMembership();
  let tls: TlsOptions | undefined;
  try {
    if (ssl !== null) {
      tls = {
        cert: readFileSync(ssl.cert),
        key: readFileSync(ssl.key),
        ...(ssl.ca !== '' ? { ca: readFileSync(ssl.ca) } : {}),
      };
    }
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: `cannot read the client TLS files: ${(error as Error).message}` };
  }
  const logger: MysqlLogger = (level, message) => {
    if (level === 'debug') return;
    log(level === 'error' ? 'ERROR' : level === 'warn' ? 'Warning' : 'Note', message);
  };
  try {
    // Long reads run on worker threads so that heartbeats and pings stay prompt.
    engine.readPool = await ReadPool.start(storePath(server.datadir), server.wsrepNodeName, 2);
  } catch (error) {
    await node.stop(1);
    return { ok: false, message: `cannot start the reader workers: ${(error as Error).message}` };
  }
  const mysql = new MysqlServer(
    {
      host: server.bindAddress ?? '0.0.0.0',
      port: server.port,
      maxConnections: server.maxConnections,
      maxAllowedPacketBytes: server.maxAllowedPacketBytes,
      ...(tls !== undefined ? { tls } : {}),
      requireSecureTransport: server.requireSecureTransport && tls !== undefined,
      logger,
    },
    engine,
  );
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
  const writeSet: WriteSet = {
    originNodeId: engine.nodeId,
    originTransactionId: transactionId(engine.nextToiId()),
    seqnoSnapshot: engine.store.appliedSeqno(),
    flags: { commit: true, rollback: false, toi: true, paUnsafe: true },
    keys: [{ database: 'mysql', table: '', keyBytes: new Uint8Array(0), exclusive: true }],
    rows: [],
    statements: INIT_STATEMENTS.map((sql) => ({ database: '', sql })),
  };
  const outcome = await node.replicator.replicate(writeSet);
  if (outcome.kind === 'committed') return null;
  return `cannot initialize the cluster: ${JSON.stringify(outcome)}`;
}
