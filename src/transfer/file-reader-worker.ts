// Reads a file in pieces for an SST donor and hashes it, in a worker thread: the donor's main
// thread serves clients and replication meanwhile, so neither the reads (a cold file waits for
// the disk) nor the SHA-256 run there. Each piece is moved to the main thread, not copied; the
// main thread hands back a credit for each piece it has sent, so at most `readAhead` pieces are
// in memory. Messages: FileReaderMessage. Design: docs/design/transfer.md.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface FileReaderWorkerData {
  readonly path: string;
  /** Exactly this many bytes are read (the file may not be shorter). */
  readonly bytes: number;
  readonly pieceBytes: number;
  readonly readAhead: number;
  /**
   * The file is a live SQLite database in WAL mode: its copy goes out marked for a rollback
   * journal (header bytes 18 and 19, 2 → 1), as VACUUM INTO's copies do, so that opening the
   * copy where it arrives makes no -wal and -shm files beside it. The store turns WAL on again
   * when it opens the installed file. The SHA-256 covers the bytes as sent.
   */
  readonly rollbackJournal: boolean;
  /** Hash the pieces (SHA-256); false: `done` carries an empty string. */
  readonly hash: boolean;
}

export type FileReaderMessage =
  | { readonly kind: 'piece'; readonly data: ArrayBuffer }
  | { readonly kind: 'done'; readonly sha256: string }
  | { readonly kind: 'failed'; readonly error: string };

const data = workerData as FileReaderWorkerData;
const port = parentPort!;
const hash = createHash('sha256');
const fd = openSync(data.path, 'r');
let offset = 0;
let credits = data.readAhead;
let finished = false;

function finish(message: FileReaderMessage): void {
  finished = true;
  closeSync(fd);
  port.postMessage(message);
}

function pump(): void {
  try {
    while (!finished && credits > 0 && offset < data.bytes) {
      // Unpooled and unfilled: its whole ArrayBuffer is the piece, so it can be moved.
      const piece = Buffer.allocUnsafeSlow(Math.min(data.pieceBytes, data.bytes - offset));
      let filled = 0;
      while (filled < piece.length) {
        const read = readSync(fd, piece, filled, piece.length - filled, offset + filled);
        if (read === 0) {
          finish({
            kind: 'failed',
            error: `the file ended at ${offset + filled} of ${data.bytes} bytes`,
          });
          return;
        }
        filled += read;
      }
      if (offset === 0 && data.rollbackJournal) markRollbackJournal(piece);
      if (data.hash) hash.update(piece);
      offset += piece.length;
      credits--;
      const moved = piece.buffer as ArrayBuffer;
      port.postMessage({ kind: 'piece', data: moved } satisfies FileReaderMessage, [moved]);
    }
    if (!finished && offset === data.bytes)
      finish({ kind: 'done', sha256: data.hash ? hash.digest('hex') : '' });
  } catch (error) {
    if (!finished) finish({ kind: 'failed', error: String(error) });
  }
}

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
const WRITE_VERSION_OFFSET = 18;
const READ_VERSION_OFFSET = 19;
const LEGACY = 1;
const WAL = 2;

function markRollbackJournal(first: Buffer): void {
  if (first.length < 100 || !first.subarray(0, sqliteMagic.length).equals(sqliteMagic)) return;
  if (first[WRITE_VERSION_OFFSET] === WAL) first[WRITE_VERSION_OFFSET] = LEGACY;
  if (first[READ_VERSION_OFFSET] === WAL) first[READ_VERSION_OFFSET] = LEGACY;
}

port.on('message', (credit: number) => {
  credits += credit;
  pump();
});
pump();
