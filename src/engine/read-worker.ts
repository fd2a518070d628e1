// A reader in a worker thread: it opens the node's database file (WAL: readers never block the
// writer) and runs autocommit SELECTs on a fresh snapshot each, so a long read does not hold the
// main event loop — COM_PING, other sessions and the applier go on. See docs/design/engine.md,
// "Long reads".
import { parentPort, workerData } from 'node:worker_threads';
import { nodeId } from '../core/types.js';
import type { Result, SqlValue } from '../codec/index.js';
import {
  Store,
  type ExecuteResult,
  type PageCipher,
  type ReaderError,
  type ReadSnapshot,
} from '../storage/index.js';
import { userFunctions } from './functions.js';
import { type ExpressionWarning, readSink, withExpressionSink } from './expression-warnings.js';

export interface ReadRequest {
  readonly id: number;
  readonly sql: string;
  readonly binds: readonly SqlValue[];
  /** ERROR_FOR_DIVISION_BY_ZERO is set: a division by zero warns (expression-warnings.ts). */
  readonly divisionWarns: boolean;
}

/** A worker's answer: the result, and the warnings its expressions gave. */
export interface ReadAnswer<R> {
  readonly id: number;
  readonly result: R;
  readonly warnings?: readonly ExpressionWarning[];
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

/**
 * One request's execution; an exception the store does not turn into a value (a bind the driver
 * refuses in words the store does not know) is this statement's error, not the worker's: a
 * crashed worker would fail every read queued on it, other sessions' too.
 */
function executeSafely(
  snapshot: ReadSnapshot,
  request: ReadRequest,
): Result<ExecuteResult, ReaderError> {
  try {
    return snapshot.execute(request.sql, request.binds);
  } catch (error) {
    return { ok: false, error: thrown(error) };
  }
}

/** An exception as this request's error; SQLite's own code kept when it has one. */
function thrown(error: unknown): ReaderError {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    kind: 'sqlite',
    code: typeof code === 'string' && code.startsWith('SQLITE_') ? code : 'SQLITE_ERROR',
    message: error instanceof Error ? error.message : String(error),
  };
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
    let snapshot: Result<ReadSnapshot, ReaderError>;
    try {
      snapshot = store.snapshot();
    } catch (error) {
      port.postMessage({ id: request.id, result: { ok: false, error: thrown(error) } });
      return;
    }
    if (!snapshot.ok) {
      port.postMessage({ id: request.id, result: snapshot });
      return;
    }
    try {
      const sink = readSink(request.divisionWarns);
      const result = withExpressionSink(sink, () => executeSafely(snapshot.value, request));
      port.postMessage({ id: request.id, result, warnings: sink.warnings });
    } finally {
      snapshot.value.release();
    }
  });
  port.postMessage('ready');
}
