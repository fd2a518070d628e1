// The main thread's side of file-writer-worker.ts: hand pieces over in order, know how many
// bytes wait to be written (to pause the socket), and get the SHA-256 at the end.
// Design: docs/design/transfer.md.
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from '../codec/result.js';
import type {
  FileWriterReply,
  FileWriterRequest,
  FileWriterWorkerData,
} from './file-writer-worker.js';

export class FileWriter {
  private readonly worker: Worker;
  private failure: string | null = null;
  private pending = 0;
  private belowWaiter: { readonly bytes: number; readonly wake: () => void } | null = null;
  private finished: ((result: Result<{ sha256: string; bytes: number }, string>) => void) | null =
    null;

  constructor(data: FileWriterWorkerData) {
    this.worker = new Worker(new URL('./file-writer-worker.js', import.meta.url), {
      workerData: data,
    });
    this.worker.on('message', (reply: FileWriterReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(String(error)));
    this.worker.on('exit', (code) => this.fail(`the file writer stopped (exit code ${code})`));
  }

  /** Bytes handed over and not yet written. */
  get pendingBytes(): number {
    return this.pending;
  }

  get failed(): string | null {
    return this.failure;
  }

  /** Moves `piece` to the writer when it owns its whole buffer, else sends a copy. */
  write(piece: Uint8Array): void {
    if (this.failure !== null) return;
    const whole = piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength;
    // A copy with a buffer of its own (a Buffer's slice() is a view of the socket's chunk, whose
    // other frames moving it would empty).
    const data = whole ? (piece.buffer as ArrayBuffer) : new Uint8Array(piece).buffer;
    this.pending += piece.length;
    this.worker.postMessage({ kind: 'piece', data } satisfies FileWriterRequest, [data]);
  }

  /** Calls `wake` once at most `bytes` wait to be written (or the writer failed). */
  whenBelow(bytes: number, wake: () => void): void {
    if (this.pending <= bytes || this.failure !== null) wake();
    else this.belowWaiter = { bytes, wake };
  }

  /** Writes what is left, syncs the file and closes it: its SHA-256 and size. */
  finish(): Promise<Result<{ sha256: string; bytes: number }, string>> {
    if (this.failure !== null) return Promise.resolve(err(this.failure));
    return new Promise((resolve) => {
      this.finished = resolve;
      this.worker.postMessage({ kind: 'finish' } satisfies FileWriterRequest);
    });
  }

  async close(): Promise<void> {
    this.fail('closed');
    await this.worker.terminate();
  }

  private onReply(reply: FileWriterReply): void {
    switch (reply.kind) {
      case 'written':
        this.pending -= reply.bytes;
        if (this.belowWaiter !== null && this.pending <= this.belowWaiter.bytes) {
          const { wake } = this.belowWaiter;
          this.belowWaiter = null;
          wake();
        }
        return;
      case 'done': {
        const finished = this.finished;
        this.finished = null;
        finished?.(ok({ sha256: reply.sha256, bytes: reply.bytes }));
        return;
      }
      case 'failed':
        this.fail(reply.error);
    }
  }

  private fail(reason: string): void {
    if (this.failure !== null) return;
    this.failure = reason;
    const waiter = this.belowWaiter;
    this.belowWaiter = null;
    waiter?.wake();
    const finished = this.finished;
    this.finished = null;
    finished?.(err(reason));
  }
}
