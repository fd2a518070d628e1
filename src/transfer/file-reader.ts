// The main thread's side of file-reader-worker.ts: the pieces of a file in order, read and
// hashed in a worker thread. Design: docs/design/transfer.md.
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from '../codec/result.js';
import type { FileReaderMessage, FileReaderWorkerData } from './file-reader-worker.js';

export type FilePiece =
  | { readonly kind: 'piece'; readonly data: Uint8Array }
  | { readonly kind: 'end'; readonly sha256: string };

export class FileReader {
  private readonly worker: Worker;
  private readonly arrived: FileReaderMessage[] = [];
  private waiter: (() => void) | null = null;
  private failure: string | null = null;

  constructor(data: FileReaderWorkerData) {
    this.worker = new Worker(new URL('./file-reader-worker.js', import.meta.url), {
      workerData: data,
    });
    this.worker.on('message', (message: FileReaderMessage) => {
      this.arrived.push(message);
      this.wake();
    });
    this.worker.on('error', (error) => {
      this.failure ??= String(error);
      this.wake();
    });
    this.worker.on('exit', (code) => {
      this.failure ??= `the file reader stopped (exit code ${code})`;
      this.wake();
    });
  }

  /** The next piece (which gives the reader room for one more), or the end and the SHA-256. */
  async next(): Promise<Result<FilePiece, string>> {
    for (;;) {
      const message = this.arrived.shift();
      if (message !== undefined) {
        switch (message.kind) {
          case 'piece':
            this.worker.postMessage(1);
            return ok({ kind: 'piece', data: new Uint8Array(message.data) });
          case 'done':
            return ok({ kind: 'end', sha256: message.sha256 });
          case 'failed':
            return err(message.error);
        }
      }
      if (this.failure !== null) return err(this.failure);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async close(): Promise<void> {
    this.failure ??= 'closed';
    await this.worker.terminate();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
