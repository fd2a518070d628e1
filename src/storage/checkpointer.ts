// The node's WAL checkpoints on a worker thread (checkpoint-worker.ts); see
// docs/design/storage.md, "Checkpoints off the event loop".
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointWorkerData, CheckpointWorkerMessage } from './checkpoint-worker.js';
import type { PageCipher } from './sqlite.js';
import { workerExecArgv } from './worker-argv.js';

/** SQLite's own threshold (pages in the WAL), put back on the connections if the worker fails. */
export const AUTOCHECKPOINT_PAGES = 1000;
/** How long stop() waits for the worker to close its connection (a checkpoint may be running). */
const STOP_WAIT_MS = 10_000;

export class Checkpointer {
  /** Checkpoints that copied frames, and the frames they copied. */
  checkpoints = 0;
  framesCopied = 0;
  /** Whether the worker's connection is open. */
  opened = false;
  /** Every checkpoint the worker ran, and the WAL as the last one left it (all copied: equal). */
  ticks = 0;
  lastCheckpoint: { readonly log: number; readonly checkpointed: number } | null = null;
  private worker: Worker | null;
  private stopped = false;
  /** Set to 1 by the worker once its connection is closed (CheckpointWorkerData.closed). */
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));

  /**
   * Starts the worker and moves the automatic checkpoint of `connections` to `pagesMax` WAL pages
   * (StorageLimits.checkpointPagesMax: a bound for when the worker cannot finish one). If the
   * worker cannot open the file or fails later, the connections checkpoint as SQLite does by
   * itself again and `onFailure` hears why.
   */
  constructor(
    data: {
      readonly path: string;
      readonly cipher: PageCipher | null;
      readonly intervalMs: number;
    },
    private readonly connections: readonly Database.Database[],
    pagesMax: number,
    onFailure: (detail: string) => void,
  ) {
    const workerData: CheckpointWorkerData = {
      ...data,
      closed: this.closed.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      workerData,
      execArgv: workerExecArgv(),
    });
    this.worker = worker;
    worker.unref();
    for (const db of connections) db.pragma(`wal_autocheckpoint = ${Math.max(1, pagesMax)}`);
    const fail = (detail: string): void => {
      if (this.stopped || this.worker === null) return;
      this.worker = null;
      void worker.terminate();
      this.restoreAutocheckpoint();
      onFailure(detail);
    };
    worker.on('message', (message: CheckpointWorkerMessage) => {
      if (message.kind === 'opened') {
        this.opened = true;
      } else if (message.kind === 'checkpoint') {
        this.ticks += 1;
        this.lastCheckpoint = { log: message.log, checkpointed: message.checkpointed };
        if (message.frames === 0) return;
        this.checkpoints += 1;
        this.framesCopied += message.frames;
      } else if (message.kind === 'failed') {
        fail(message.detail);
      }
    });
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`the checkpoint worker exited with code ${code}`));
  }

  /** Whether the worker checkpoints (false once stopped or failed). */
  get running(): boolean {
    return this.worker !== null && !this.stopped;
  }

  /**
   * Stops the worker and returns once its connection is closed (or after STOP_WAIT_MS if it
   * never answers): the store's connections are about to close, and the file may be replaced.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    worker.postMessage('stop');
    // Blocks this thread for at most one checkpoint (the worker reads 'stop' between two).
    Atomics.wait(this.closed, 0, 0, STOP_WAIT_MS);
    void worker.terminate();
  }

  private restoreAutocheckpoint(): void {
    for (const db of this.connections) {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    }
  }
}
