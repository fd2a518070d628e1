// Runs one half of a logical state transfer (logical-dump.ts) in a worker thread, so that a large
// dump or load never holds the main event loop (heartbeats, clients and the applier go on).
import { parentPort, workerData } from 'node:worker_threads';
import { dumpDatabase, loadDump } from './logical-dump.js';

export type LogicalWorkerData =
  | { readonly kind: 'dump'; readonly source: string; readonly target: string }
  | { readonly kind: 'load'; readonly source: string; readonly target: string };

export type LogicalWorkerResult =
  | { readonly ok: true; readonly seqno: number; readonly statements: number }
  | { readonly ok: false; readonly error: string };

async function run(data: LogicalWorkerData): Promise<LogicalWorkerResult> {
  if (data.kind === 'dump') {
    const dumped = dumpDatabase(data.source, data.target);
    return { ok: true, seqno: dumped.seqno, statements: dumped.statements };
  }
  const loaded = await loadDump(data.source, data.target);
  return { ok: true, seqno: loaded.seqno, statements: loaded.statements };
}

run(workerData as LogicalWorkerData).then(
  (result) => parentPort?.postMessage(result),
  (error: unknown) =>
    parentPort?.postMessage({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    } satisfies LogicalWorkerResult),
);
