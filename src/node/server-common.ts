// What a standalone node and a cluster node build alike: log lines in mariadbd's shape, the
// engine's facts from the configuration, the store's limits, the client TLS files, the MySQL
// server's options, and the TOI write-set that initializes a new datadir or cluster.
import { sharedConnectionIds } from './connection-guard.js';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { transactionId, type WriteSet } from '../codec/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Engine } from '../engine/engine.js';
import type { NodeFacts } from '../engine/variables.js';
import type { Logger as MysqlLogger, MysqlServerOptions, TlsOptions } from '../mysql/index.js';
import type { StorageLimits } from '../storage/index.js';

/** What the engine is told about the node (its variables and wsrep status come from these). */
export type EngineFacts = Omit<NodeFacts, 'version' | 'hostname' | 'systemTimeZone'>;

/** The `mysql` database and root without a password from localhost, as mariadb-install-db does. */
export const INIT_STATEMENTS = [
  'CREATE DATABASE IF NOT EXISTS mysql',
  ...['localhost', '127.0.0.1', '::1'].flatMap((host) => [
    `CREATE USER IF NOT EXISTS 'root'@'${host}'`,
    `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${host}' WITH GRANT OPTION`,
  ]),
];

/** A transaction keeps its snapshot's connection until it ends; enough idle ones are kept. */
const READER_POOL_SIZE = 64;

/** Why the client port cannot be listened on, with the fix, in one line. */
export function clientListenFailure(host: string, port: number, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `client port ${host}:${port} is in use (EADDRINUSE). Fix: stop the process that holds it (\`ss -ltnp 'sport = :${port}'\` names it), or set port= in [mysqld]`;
  if (code === 'EACCES')
    return `client port ${host}:${port} needs privileges this user lacks (EACCES). Fix: use a port above 1023, or run as a user allowed to bind it`;
  return `cannot listen on ${host}:${port}: ${(error as Error).message}. Fix: set bind-address to an address of this host and port= to a free port`;
}

/**
 * Listens on the client port for a moment: a node whose clients could not reach it must not join
 * a cluster first. Returns why it cannot, or null.
 */
export function probeClientPort(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error) => resolve(clientListenFailure(host, port, error)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export function timestamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function storeLimits(config: ServerConfig): Partial<StorageLimits> {
  return {
    readerPoolSize: READER_POOL_SIZE,
    writerWaitTimeoutMs: config.server.innodbLockWaitTimeoutSeconds * 1000,
  };
}

export function clientSsl(config: ServerConfig): EngineFacts['ssl'] {
  const s = config.server;
  return s.sslCert !== null && s.sslKey !== null
    ? { cert: s.sslCert, key: s.sslKey, ca: s.sslCa ?? '' }
    : null;
}

export function engineFacts(
  config: ServerConfig,
  cluster: Pick<EngineFacts, 'clusterAddress' | 'nodeAddress' | 'incomingAddress' | 'wsrepOn'>,
): EngineFacts {
  const s = config.server;
  return {
    port: s.port,
    datadir: s.datadir,
    nodeName: s.wsrepNodeName,
    clusterName: s.wsrepClusterName,
    ...cluster,
    maxConnections: s.maxConnections,
    maxAllowedPacket: s.maxAllowedPacketBytes,
    lockWaitTimeoutSeconds: s.innodbLockWaitTimeoutSeconds,
    autoIncrementIncrement: s.autoIncrementIncrement,
    autoIncrementOffset: s.autoIncrementOffset,
    retryAutocommit: s.wsrepRetryAutocommit,
    autoIncrementControl: s.wsrepAutoIncrementControl,
    syncWait: s.wsrepSyncWait,
    slaveThreads: s.wsrepSlaveThreads,
    sstMethod: s.wsrepSstMethod,
    providerOptions: s.wsrepProviderOptions,
    maxWsSize: s.wsrepMaxWsSizeBytes,
    ssl: clientSsl(config),
    encryptionRotateKeyAge: s.innodbEncryptionRotateKeyAge,
    encryptionThreads: s.innodbEncryptionThreads,
  };
}

/** The client TLS files, read at start (a missing file stops the start with its reason). */
export function readClientTls(ssl: EngineFacts['ssl']): TlsOptions | undefined {
  if (ssl === null) return undefined;
  return {
    cert: readFileSync(ssl.cert),
    key: readFileSync(ssl.key),
    ...(ssl.ca !== '' ? { ca: readFileSync(ssl.ca) } : {}),
  };
}

export function mysqlServerOptions(
  config: ServerConfig,
  tls: TlsOptions | undefined,
  log: (level: 'Note' | 'Warning' | 'ERROR', message: string) => void,
): MysqlServerOptions {
  const s = config.server;
  const logger: MysqlLogger = (level, message) => {
    if (level === 'debug') return;
    log(level === 'error' ? 'ERROR' : level === 'warn' ? 'Warning' : 'Note', message);
  };
  return {
    host: s.bindAddress ?? '0.0.0.0',
    port: s.port,
    maxConnections: s.maxConnections,
    maxAllowedPacketBytes: s.maxAllowedPacketBytes,
    ...(tls !== undefined ? { tls } : {}),
    requireSecureTransport: s.requireSecureTransport && tls !== undefined,
    // Shared with the connection guard's server (connection-guard.ts).
    connectionIds: sharedConnectionIds(),
    logger,
  };
}

/** The TOI write-set that runs INIT_STATEMENTS. */
export function initialWriteSet(engine: Engine): WriteSet {
  return {
    originNodeId: engine.nodeId,
    originTransactionId: transactionId(engine.nextToiId()),
    seqnoSnapshot: engine.store.appliedSeqno(),
    flags: { commit: true, rollback: false, toi: true, paUnsafe: true },
    keys: [{ database: 'mysql', table: '', keyBytes: new Uint8Array(0), exclusive: true }],
    rows: [],
    statements: INIT_STATEMENTS.map((sql) => ({ database: '', sql })),
  };
}
