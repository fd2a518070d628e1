// A consistent copy of the node's database for an SST donor, made in a worker thread so that a
// large file never holds the main event loop (heartbeats, clients, the applier go on). VACUUM
// INTO reads one snapshot and writes a compact copy; the applied seqno is read from the copy
// itself, so the state and its seqno cannot disagree. See docs/design/transfer.md.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface SnapshotWorkerData {
  readonly source: string;
  readonly target: string;
  readonly metaTable: string;
}

export type SnapshotWorkerResult =
  { readonly ok: true; readonly seqno: number } | { readonly ok: false; readonly error: string };

function copy(data: SnapshotWorkerData): SnapshotWorkerResult {
  const source = new Database(data.source, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    source.prepare('VACUUM INTO ?').run(data.target);
  } finally {
    source.close();
  }
  const target = new Database(data.target, { readonly: true, fileMustExist: true });
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

try {
  parentPort?.postMessage(copy(workerData as SnapshotWorkerData));
} catch (error) {
  parentPort?.postMessage({ ok: false, error: String(error) } satisfies SnapshotWorkerResult);
}
