// A standalone node (wsrep_on=OFF, a cluster of one): the store, the SQL engine, the local
// replicator and the MySQL server, started from a ServerConfig. The first start initializes the
// datadir (the `mysql` database; root@localhost, root@127.0.0.1 and root@::1 without password)
// through the same TOI path as any DDL.
import { ConnectionGuard } from './connection-guard.js';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '../config/index.js';
import { nodeId } from '../core/types.js';
import { Engine } from '../engine/engine.js';
import { userFunctions } from '../engine/functions.js';
import { ReadPool } from '../engine/read-pool.js';
import { MysqlServer, SERVER_VERSION_DEFAULT, type TlsOptions } from '../mysql/index.js';
import { Store, storePath } from '../storage/index.js';
import { LocalHistoryDump, beginLocalHistory, localHistoryCount } from './local-history.js';
import { LocalReplicator } from './local-replicator.js';
import { KeyWatch, keyFileCheckMs } from './encryption-runtime.js';
import {
  loadNodeEncryption,
  localHistoryKey,
  openEncryptedStore,
  type NodeEncryption,
} from './encryption.js';
import {
  clientListenFailure,
  clientSsl,
  engineFacts,
  initialWriteSet,
  mysqlServerOptions,
  readClientTls,
  storeLimits,
  timestamp,
} from './server-common.js';

export interface StandaloneNode {
  readonly address: AddressInfo;
  readonly engine: Engine;
  readonly store: Store;
  readonly server: MysqlServer;
  stop(): Promise<void>;
}

export interface StandaloneOptions {
  /** Where log lines go (default: stderr, as mariadbd logs). */
  readonly log?: (line: string) => void;
  /** Worker threads for autocommit reads (default 2; 0 reads on the main thread). */
  readonly readWorkers?: number;
}

export type StartResult =
  | { readonly ok: true; readonly node: StandaloneNode }
  | { readonly ok: false; readonly message: string };

const READ_WORKERS_DEFAULT = 2;

export async function startStandalone(
  config: ServerConfig,
  options: StandaloneOptions = {},
): Promise<StartResult> {
  const write = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: string, message: string): void =>
    write(`${timestamp()} 0 [${level}] ${message}`);
  const server = config.server;
  let encryption: NodeEncryption;
  try {
    encryption = loadNodeEncryption(config.encryption);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const opened = openEncryptedStore(
    {
      path: storePath(server.datadir),
      nodeId: nodeId(server.wsrepNodeName),
      functions: userFunctions(),
      limits: storeLimits(config),
      soleWriter: true,
      checkpointWorker: true,
      onCheckpointerFailure: (detail) =>
        log('Warning', `trireme: WAL checkpoints are back in the commits: ${detail}`),
    },
    encryption.encryption,
  );
  if (!opened.ok) return { ok: false, message: opened.message };
  const store = opened.value.store;
  if (store.clusterUuid() === null) await store.setClusterUuid(randomUUID());
  // Writes made alone are local history: they never move the cluster position.
  const position = await beginLocalHistory(store);
  const version = SERVER_VERSION_DEFAULT.replace(/^5\.5\.5-/, '');
  const engine = new Engine({
    store,
    nodeId: nodeId(server.wsrepNodeName),
    version,
    log: (line) => log('Note', line),
    facts: engineFacts(config, {
      clusterAddress: '',
      nodeAddress: '',
      incomingAddress: '',
      wsrepOn: false,
    }),
  });
  const where = `${store.clusterUuid()}:${position}`;
  const dump = new LocalHistoryDump(
    server.datadir,
    engine.catalog,
    `-- trireme: writes made with wsrep_on=OFF after cluster position ${where}; not in the cluster`,
    localHistoryKey(encryption),
  );
  log(
    'Note',
    `WSREP: wsrep_on=OFF: cluster position stays ${where}; writes are local history (${localHistoryCount(store)} so far), kept in ${dump.path}; on rejoin this node takes an SST`,
  );
  const replicator = new LocalReplicator({
    store,
    translator: engine.translator,
    nodeName: server.wsrepNodeName,
    clusterName: server.wsrepClusterName,
    nodeAddress: `${server.bindAddress ?? '127.0.0.1'}:${server.port}`,
    log: (line) => log('ERROR', line),
    onCommitted: (seqno, writeSet) => dump.record(seqno, writeSet),
  });
  if (engine.catalog.accounts().length === 0) {
    const initialized = await initialize(engine, replicator);
    if (initialized !== null) {
      store.close();
      return { ok: false, message: initialized };
    }
    log(
      'Note',
      `trireme: initialized the datadir ${server.datadir} (root@localhost, root@127.0.0.1, root@::1 without password)`,
    );
  }
  let tls: TlsOptions | undefined;
  try {
    tls = readClientTls(clientSsl(config));
  } catch (error) {
    store.close();
    return { ok: false, message: `cannot read the TLS files: ${(error as Error).message}` };
  }
  const workers = options.readWorkers ?? READ_WORKERS_DEFAULT;
  if (workers > 0) {
    try {
      engine.readPool = await ReadPool.start(
        storePath(server.datadir),
        server.wsrepNodeName,
        workers,
        store.pageCipher(),
      );
    } catch (error) {
      store.close();
      return { ok: false, message: `cannot start the reader workers: ${(error as Error).message}` };
    }
  }
  const keyWatch = new KeyWatch({
    config: config.encryption,
    initial: encryption,
    dataKey: opened.value.dataKey,
    databasePath: storePath(server.datadir),
    dataScheme: store.pageScheme(),
    pageIo: () => store.pageIo(),
    gcache: null,
    log,
  });
  engine.encryption = keyWatch;
  const keyTimer = setInterval(() => keyWatch.check(), keyFileCheckMs);
  keyTimer.unref();
  const mysqlOptions = mysqlServerOptions(config, tls, log);
  const mysql = new MysqlServer(mysqlOptions, engine);
  engine.attach(replicator, mysql);
  let address: AddressInfo;
  try {
    address = await mysql.listen();
  } catch (error) {
    clearInterval(keyTimer);
    await engine.readPool?.close();
    store.close();
    return {
      ok: false,
      message: clientListenFailure(server.bindAddress ?? '0.0.0.0', server.port, error),
    };
  }
  const guard = ConnectionGuard.start(mysql, mysqlOptions, engine, log);
  log('Note', `trireme: ready for connections.`);
  write(
    `Version: '${version}'  socket: ''  port: ${address.port}  trireme standalone node (wsrep_on=OFF, cluster position ${position})`,
  );
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(keyTimer);
    log('Note', 'trireme: Normal shutdown');
    await guard?.stop();
    await mysql.close();
    log(
      'Note',
      `WSREP: wsrep_on=OFF session: ${replicator.localCommits} local transactions (${localHistoryCount(store)} since cluster position ${where}) not in the cluster`,
    );
    await engine.readPool?.close();
    store.close();
    dump.close();
    log('Note', 'trireme: Shutdown complete');
  };
  return { ok: true, node: { address, engine, store, server: mysql, stop } };
}

async function initialize(engine: Engine, replicator: LocalReplicator): Promise<string | null> {
  const outcome = await replicator.replicate(initialWriteSet(engine));
  if (outcome.kind === 'committed') return null;
  return `cannot initialize the datadir: ${'message' in outcome ? outcome.message : 'reason' in outcome ? outcome.reason : outcome.kind}`;
}
