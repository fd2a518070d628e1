// `trireme start --wsrep-recover` (mariadbd --wsrep-recover): reads a stopped node's log and
// database, prints its position in Galera's words and exits without joining anything. After a
// whole-cluster crash it names the most advanced node (galera_recovery greps the same line).
import { existsSync } from 'node:fs';
import type { ServerConfig } from '../config/index.js';
import { nodeId } from '../core/types.js';
import { GCache, describeGCacheError } from '../gcache/index.js';
import { storePath } from '../storage/index.js';
import { loadNodeEncryption, openEncryptedStore } from './encryption.js';
import { gcacheLimitsFor } from './gcache-window.js';

/** Galera's seqno of a node with no state. */
const noSeqno = -1;

export interface RecoveredPosition {
  /** The cluster state UUID (Galera's all-zero one for a node that never joined). */
  readonly uuid: string;
  /** The last seqno in the node's log: how far it got, committed or not. */
  readonly seqno: number;
  /** The term of that seqno: of two logs, the one with the higher term is ahead, whatever seqno. */
  readonly term: number;
  /** The seqno applied to the database. */
  readonly applied: number;
}

/**
 * The position of the node whose datadir `config` names, read without changing the database.
 * The log is opened as at a start (a torn last write is cut off, as the start would do).
 */
export async function recoverPosition(
  config: ServerConfig,
): Promise<{ ok: true; value: RecoveredPosition } | { ok: false; message: string }> {
  const datadir = config.server.datadir;
  const dbPath = storePath(datadir);
  if (!existsSync(dbPath))
    return {
      ok: true,
      value: { uuid: '00000000-0000-0000-0000-000000000000', seqno: noSeqno, term: 0, applied: 0 },
    };
  const encryption = loadNodeEncryption(config.encryption);
  const opened = await GCache.open(config.cluster.gcacheDir, {
    limits: gcacheLimitsFor(config.provider.gcacheSizeBytes),
    keys: encryption.gcacheKeys,
  });
  if (!opened.ok) return { ok: false, message: describeGCacheError(opened.error) };
  const recovered = opened.value.recovered;
  await opened.value.gcache.close();
  const store = openEncryptedStore(
    { path: dbPath, nodeId: nodeId(config.server.wsrepNodeName) },
    encryption.encryption,
  );
  if (!store.ok) return { ok: false, message: store.message };
  const uuid = store.value.store.clusterUuid() ?? '00000000-0000-0000-0000-000000000000';
  const applied = Number(store.value.store.appliedSeqno());
  store.value.store.close();
  const last = recovered.entries.at(-1);
  const seqno = Number(recovered.boundary.index) + recovered.entries.length;
  return {
    ok: true,
    value: {
      uuid,
      seqno: Math.max(seqno, applied),
      term: Number(last?.term ?? recovered.boundary.term),
      applied,
    },
  };
}
