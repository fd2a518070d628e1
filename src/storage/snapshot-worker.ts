// A consistent copy of the node's database for an SST donor, made in a worker thread so that a
// large file never holds the main event loop (heartbeats, clients, the applier go on). VACUUM
// INTO reads one snapshot and writes a compact copy; the applied seqno is read from the copy
// itself, so the state and its seqno cannot disagree. See docs/design/transfer.md.
//
// Encrypted, VACUUM INTO writes the copy under the source's key; it is then rekeyed to the
// target cipher (the transfer's own key), so that the copy is never plaintext on disk and the
// node's key never leaves it (docs/design/encryption.md, "State transfer").
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, rekeyDatabaseFile, type PageCipher, type PageScheme } from './sqlite.js';

export interface SnapshotWorkerData {
  readonly source: string;
  readonly target: string;
  readonly metaTable: string;
  readonly sourceCipher: PageCipher | null;
  readonly targetCipher: PageCipher | null;
  /** The target's page scheme (what the joiner can open). */
  readonly targetScheme: PageScheme;
}

export type SnapshotWorkerResult =
  { readonly ok: true; readonly seqno: number } | { readonly ok: false; readonly error: string };

function copy(data: SnapshotWorkerData): SnapshotWorkerResult {
  const source = openDatabase(
    data.source,
    { readonly: true, fileMustExist: true },
    data.sourceCipher,
  );
  try {
    source.pragma('busy_timeout = 10000');
    source.prepare('VACUUM INTO ?').run(data.target);
  } finally {
    source.close();
  }
  if (!sameCipher(data.sourceCipher, data.targetCipher))
    rekeyDatabaseFile(data.target, data.sourceCipher, data.targetCipher, data.targetScheme);
  const target = openDatabase(
    data.target,
    { readonly: true, fileMustExist: true },
    data.targetCipher,
  );
  try {
    const seqno = target
      .prepare<[], number | bigint>(
        `SELECT value FROM ${data.metaTable} WHERE key = 'applied_seqno'`,
      )
      .pluck()
      .get();
    if (seqno === undefined) return { ok: false, error: 'the copy has no applied seqno' };
    return { ok: true, seqno: Number(seqno) };
  } finally {
    target.close();
  }
}

function sameCipher(a: PageCipher | null, b: PageCipher | null): boolean {
  if (a === null || b === null) return a === b;
  return Buffer.compare(a.key, b.key) === 0;
}

try {
  parentPort?.postMessage(copy(workerData as SnapshotWorkerData));
} catch (error) {
  parentPort?.postMessage({ ok: false, error: String(error) } satisfies SnapshotWorkerResult);
}
