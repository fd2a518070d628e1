// Writes a received file in pieces for an SST joiner and hashes it, in a worker thread, so that
// the main thread only reads the socket (TLS) and decodes frames while the disk and the SHA-256
// work in parallel. Pieces arrive in order and are moved, not copied; each is acknowledged once
// written, which is how the main thread knows when to stop reading the socket for a while.
// Messages: FileWriterRequest in, FileWriterReply out. Design: docs/design/transfer.md.
import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface FileWriterWorkerData {
  /** Created here; it must not exist. */
  readonly path: string;
  /** Hash the pieces (SHA-256); false: `done` carries an empty string. */
  readonly hash: boolean;
}

export type FileWriterRequest =
  | { readonly kind: 'piece'; readonly data: ArrayBuffer }
  /** Sync the file to disk, close it and answer the SHA-256 of everything written. */
  | { readonly kind: 'finish' };

export type FileWriterReply =
  | { readonly kind: 'written'; readonly bytes: number }
  | { readonly kind: 'done'; readonly sha256: string; readonly bytes: number }
  | { readonly kind: 'failed'; readonly error: string };

const port = parentPort!;
const settings = workerData as FileWriterWorkerData;
const hash = createHash('sha256');
let fd: number | null = null;
let offset = 0;
let syncedTo = 0;
const syncEveryBytes = 32 * 1024 * 1024;

function reply(message: FileWriterReply): void {
  port.postMessage(message);
}

function handle(request: FileWriterRequest): void {
  if (request.kind === 'piece') {
    const piece = new Uint8Array(request.data);
    if (settings.hash) hash.update(piece);
    let written = 0;
    while (written < piece.length)
      written += writeSync(fd!, piece, written, piece.length - written, offset + written);
    offset += piece.length;
    // Flush as it goes, so that the sync at the end (before the joiner may install the file)
    // finds little left, and the disk works while the network does.
    if (offset - syncedTo >= syncEveryBytes) {
      fdatasyncSync(fd!);
      syncedTo = offset;
    }
    reply({ kind: 'written', bytes: piece.length });
    return;
  }
  fsyncSync(fd!);
  closeSync(fd!);
  fd = null;
  reply({ kind: 'done', sha256: settings.hash ? hash.digest('hex') : '', bytes: offset });
}

try {
  fd = openSync(settings.path, 'wx', 0o600);
  port.on('message', (request: FileWriterRequest) => {
    try {
      handle(request);
    } catch (error) {
      reply({ kind: 'failed', error: String(error) });
      port.close();
    }
  });
} catch (error) {
  reply({ kind: 'failed', error: String(error) });
  port.close();
}
