// The state every simulated node starts from: a store initialized as `trireme` initializes a
// datadir (the mysql database, root without a password) plus the workload's schema and rows, all
// run as SQL through a real engine on a standalone replicator, then reset to applied seqno 0 so
// that the simulated cluster's log starts at its first entry. Built once per schema and process.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase as Database } from '../../../src/storage/sqlite.js';
import { nodeId } from '../../../src/core/types.js';
import { Engine } from '../../../src/engine/engine.js';
import type { EngineSession } from '../../../src/engine/session.js';
import { userFunctions } from '../../../src/engine/functions.js';
import { LocalReplicator } from '../../../src/node/local-replicator.js';
import { initialWriteSet, type EngineFacts } from '../../../src/node/server-common.js';
import { Store } from '../../../src/storage/index.js';

/**
 * Where the simulator keeps its SQLite files: a RAM disk where there is one (fsync and close cost
 * nothing there, which is most of a seed's time on a disk), else the temp directory.
 */
export function simTempDir(prefix: string): string {
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(root, prefix));
}

/** innodb_lock_wait_timeout in the simulator: a day, so no wall-clock wait ever ends a run's. */
export const simLockWaitSeconds = 86_400;

export function simFacts(name: string): EngineFacts {
  return {
    port: 3306,
    datadir: '/sim',
    nodeName: name,
    clusterName: 'sim',
    clusterAddress: '',
    nodeAddress: '',
    incomingAddress: '',
    wsrepOn: true,
    maxConnections: 100_000,
    maxAllowedPacket: 16 << 20,
    lockWaitTimeoutSeconds: simLockWaitSeconds,
    autoIncrementIncrement: 1,
    autoIncrementOffset: 1,
    retryAutocommit: 1,
    autoIncrementControl: false,
    syncWait: 0,
    slaveThreads: 1,
    sstMethod: 'rsync',
    providerOptions: '',
    maxWsSize: 2 << 30,
    ssl: null,
  };
}

export const sessionInfo = (connectionId: number, clientCapabilities = 0) => ({
  connectionId,
  user: 'root',
  host: 'localhost',
  database: null,
  clientCapabilities,
  collation: 45,
  connectAttributes: new Map<string, string>(),
  secure: false,
});

const templates = new Map<string, Promise<string>>();
let templateDir: string | null = null;

/** The path of a store file holding `schema` at applied seqno 0 (built on first use). */
export function template(schema: readonly string[]): Promise<string> {
  const key = schema.join(';\n');
  let built = templates.get(key);
  if (built === undefined) {
    built = build(schema, templates.size);
    templates.set(key, built);
  }
  return built;
}

async function build(schema: readonly string[], n: number): Promise<string> {
  templateDir ??= simTempDir('trireme-sim-template-');
  const dir = templateDir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const work = join(dir, `work-${n}.db`);
  const opened = Store.open({ path: work, nodeId: nodeId('n0'), functions: userFunctions() });
  if (!opened.ok) throw new Error(`template store: ${JSON.stringify(opened.error)}`);
  const store = opened.value;
  try {
    const engine = new Engine({
      store,
      nodeId: nodeId('n0'),
      version: '10.11.0-trireme',
      facts: simFacts('n0'),
    });
    const replicator = new LocalReplicator({ store, translator: engine.translator });
    engine.attach(replicator, null);
    const init = await replicator.replicate(initialWriteSet(engine));
    if (init.kind !== 'committed') throw new Error(`template init: ${JSON.stringify(init)}`);
    const session = (await engine.openSession(sessionInfo(1))) as EngineSession;
    for (const sql of schema) {
      const [result] = await session.query(sql, { multiStatements: false });
      if (result?.kind === 'error') throw new Error(`template: ${sql}: ${result.message}`);
    }
    await session.close();
  } finally {
    store.close();
  }
  // The cluster's log starts at 1: the initial state is everybody's state at seqno 0.
  const db = new Database(work);
  try {
    db.exec(`UPDATE _trireme_meta SET value = 0 WHERE key = 'applied_seqno'`);
    db.exec('DELETE FROM _trireme_cert_failed');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  const path = join(dir, `template-${n}.db`);
  copyFileSync(work, path);
  return path;
}
