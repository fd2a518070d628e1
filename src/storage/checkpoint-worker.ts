// Checkpoints of the node's WAL, on a thread of their own (docs/design/storage.md, "Checkpoints
// off the event loop"). SQLite's automatic checkpoint runs inside the COMMIT that crosses its
// threshold, on the committing connection: on the node's event loop, which then stood still for
// the copy of the WAL into the file and its fsyncs (about 8 ms every 0.75 s under sysbench).
// Here a connection of its own runs a PASSIVE checkpoint every intervalMs: it never waits for a
// writer or a reader, copies what no reader still needs, and leaves the rest for the next tick.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type PageCipher } from './sqlite.js';

export interface CheckpointWorkerData {
  readonly path: string;
  readonly cipher: PageCipher | null;
  readonly intervalMs: number;
  /**
   * One Int32 the worker sets to 1 (and notifies) once its connection is closed for good, after
   * a 'stop' or a failure: Checkpointer.stop() waits on it, so that nothing of the worker touches
   * the file after the store closed (a state transfer may replace it next).
   */
  readonly closed: SharedArrayBuffer;
}

/**
 * What the worker reports: that its connection is open (opening reads the schema, a read
 * transaction that holds back the commits' own checkpoints for its moment), every checkpoint (two
 * a second at most), or why it stopped.
 */
export type CheckpointWorkerMessage =
  | { readonly kind: 'opened' }
  | {
      readonly kind: 'checkpoint';
      /** Frames this checkpoint copied (0: none to copy, or none a reader let go of). */
      readonly frames: number;
      /** The WAL's frames, and how many of them are copied into the file now. */
      readonly log: number;
      readonly checkpointed: number;
    }
  | { readonly kind: 'failed'; readonly detail: string };

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker runs as a worker thread');
const data = workerData as CheckpointWorkerData;
const post = (message: CheckpointWorkerMessage): void => port.postMessage(message);
const closed = new Int32Array(data.closed);
const markClosed = (): void => {
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
};

try {
  const db = openDatabase(data.path, { fileMustExist: true }, data.cipher);
  // As the node's own connections: the log's durability comes from the replicated log, and a
  // checkpoint syncs the WAL before it copies and the file after (storage.md, "Settings").
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  post({ kind: 'opened' });
  let backfilled = 0;
  const timer = setInterval(() => {
    try {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{
        busy: number;
        log: number;
        checkpointed: number;
      }>;
      if (row === undefined || row.busy !== 0 || row.checkpointed < 0) return;
      // The WAL restarts from its first frame once a writer finds it all copied.
      if (row.checkpointed < backfilled) backfilled = 0;
      post({
        kind: 'checkpoint',
        frames: row.checkpointed - backfilled,
        log: row.log,
        checkpointed: row.checkpointed,
      });
      backfilled = row.checkpointed;
    } catch (error) {
      clearInterval(timer);
      db.close();
      markClosed();
      post({ kind: 'failed', detail: (error as Error).message });
    }
  }, data.intervalMs);
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    clearInterval(timer);
    if (db.open) db.close();
    markClosed();
    port.close();
  });
} catch (error) {
  markClosed();
  post({ kind: 'failed', detail: (error as Error).message });
}
