// A reader in a worker thread: it opens the node's database file (WAL: readers never block the
// writer) and runs autocommit SELECTs on a fresh snapshot each, so a long read does not hold the
// main event loop — COM_PING, other sessions and the applier go on. See docs/design/engine.md,
// "Long reads".
import { parentPort, workerData } from 'node:worker_threads';
import { nodeId } from '../core/types.js';
import type { SqlValue } from '../codec/index.js';
import { Store, type PageCipher } from '../storage/index.js';
import { userFunctions } from './functions.js';

export interface ReadRequest {
  readonly id: number;
  readonly sql: string;
  readonly binds: readonly SqlValue[];
}

export interface ReadWorkerData {
  readonly path: string;
  readonly nodeId: string;
  /** The page cipher of an encrypted database, or null. */
  readonly cipher: PageCipher | null;
}

const OPEN_ATTEMPTS_MAX = 50;
const OPEN_RETRY_MS = 100;

async function openStore(data: ReadWorkerData): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    const opened = Store.open({
      path: data.path,
      nodeId: nodeId(data.nodeId),
      functions: userFunctions(),
      limits: { readerPoolSize: 1 },
      cipher: data.cipher,
    });
    if (opened.ok) return opened.value;
    // The main thread's writer may hold the lock for a moment while we initialize.
    if (attempt >= OPEN_ATTEMPTS_MAX)
      throw new Error(`reader worker cannot open the store: ${JSON.stringify(opened.error)}`);
    await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const store = await openStore(workerData as ReadWorkerData);
  port.on('message', (request: ReadRequest | 'close') => {
    if (request === 'close') {
      store.close();
      port.close();
      return;
    }
    const snapshot = store.snapshot();
    if (!snapshot.ok) {
      port.postMessage({ id: request.id, result: snapshot });
      return;
    }
    try {
      port.postMessage({
        id: request.id,
        result: snapshot.value.execute(request.sql, request.binds),
      });
    } finally {
      snapshot.value.release();
    }
  });
  port.postMessage('ready');
}
