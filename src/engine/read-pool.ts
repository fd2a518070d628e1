// Worker threads that run autocommit reads (read-worker.ts). Each worker runs one statement at a
// time; a request goes to the worker with the fewest in flight. Bounded: at most
// READ_QUEUE_MAX requests wait per worker, beyond that the caller reads on the main thread.
import { Worker } from 'node:worker_threads';
import type { SqlValue } from '../codec/index.js';
import type { ErrorResult } from '../mysql/index.js';
import type { ExecuteResult, PageCipher, ReaderError } from '../storage/index.js';
import { workerExecArgv } from '../storage/index.js';
import { fromReaderError } from './errors.js';
import type { ReadAnswer, ReadRequest, ReadWorkerData } from './read-worker.js';
import type { ExpressionSink } from './expression-warnings.js';

const READ_QUEUE_MAX = 256;

type ReadResult = { ok: true; value: ExecuteResult } | { ok: false; error: ReaderError };

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, (result: ExecuteResult | ErrorResult) => void>;
  /** Where each request's expression warnings go. */
  readonly sinks: Map<number, ExpressionSink>;
  /** The requests sent to this worker, kept to resend them if the worker is replaced. */
  readonly requests: Map<number, ReadRequest>;
}

/** ER_QUERY_INTERRUPTED, what KILL QUERY makes the interrupted statement return. */
export const queryInterrupted: ErrorResult = {
  kind: 'error',
  code: 1317,
  sqlState: '70100',
  message: 'Query execution was interrupted',
};

export class ReadPool {
  private readonly slots: Slot[] = [];
  /** Workers being replaced after a KILL QUERY; close() waits for them. */
  private readonly replacing = new Set<Promise<void>>();
  private idNext = 1;
  private closed = false;

  private constructor(private readonly data: ReadWorkerData) {}

  /** Starts `size` workers on the database file and waits until each has opened it. */
  static async start(
    path: string,
    nodeIdText: string,
    size: number,
    cipher: PageCipher | null = null,
  ): Promise<ReadPool> {
    const pool = new ReadPool({ path, nodeId: nodeIdText, cipher });
    await Promise.all(Array.from({ length: size }, () => pool.addWorker()));
    return pool;
  }

  private async addWorker(): Promise<Slot> {
    const worker = new Worker(new URL('./read-worker.js', import.meta.url), {
      workerData: this.data,
      execArgv: workerExecArgv(),
    });
    const slot: Slot = { worker, pending: new Map(), requests: new Map(), sinks: new Map() };
    if (this.closed) {
      await worker.terminate();
      return slot;
    }
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (message !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    worker.on('message', (message: ReadAnswer<ReadResult>) => {
      const resolve = slot.pending.get(message.id);
      if (resolve === undefined) return;
      slot.pending.delete(message.id);
      slot.requests.delete(message.id);
      const sink = slot.sinks.get(message.id);
      slot.sinks.delete(message.id);
      if (sink !== undefined) sink.warnings.push(...(message.warnings ?? []));
      resolve(message.result.ok ? message.result.value : fromReaderError(message.result.error));
    });
    worker.on('error', (error) => this.failAll(slot, error));
    this.slots.push(slot);
    return slot;
  }

  /** Runs a read on a worker; null when every worker's queue is full (read elsewhere). */
  read(sql: string, binds: readonly SqlValue[]): Promise<ExecuteResult | ErrorResult> | null {
    return this.start(sql, binds)?.result ?? null;
  }

  /** Like read(), with the request's id for cancel(). */
  start(
    sql: string,
    binds: readonly SqlValue[],
    sink: ExpressionSink | null = null,
  ): { readonly id: number; readonly result: Promise<ExecuteResult | ErrorResult> } | null {
    if (this.closed || this.slots.length === 0) return null;
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.pending.size < best.pending.size) best = slot;
    if (best.pending.size >= READ_QUEUE_MAX) return null;
    const id = this.idNext++;
    const request: ReadRequest = { id, sql, binds, divisionWarns: sink?.divisionWarns ?? false };
    const result = new Promise<ExecuteResult | ErrorResult>((resolve) => {
      best.pending.set(id, resolve);
      if (sink !== null) best.sinks.set(id, sink);
      best.requests.set(id, request);
      best.worker.postMessage(request);
    });
    return { id, result };
  }

  /**
   * KILL QUERY: a SQLite statement cannot be interrupted from outside its thread, so the worker
   * running it is terminated; the statement answers 1317, and the other reads that were queued on
   * that worker are sent to a fresh one.
   */
  async cancel(id: number): Promise<boolean> {
    const slot = this.slots.find((s) => s.pending.has(id));
    if (slot === undefined || this.closed) return false;
    const at = this.slots.indexOf(slot);
    this.slots.splice(at, 1);
    const resolve = slot.pending.get(id)!;
    slot.pending.delete(id);
    slot.requests.delete(id);
    slot.sinks.delete(id);
    resolve(queryInterrupted);
    const replaced = this.replace(slot);
    this.replacing.add(replaced);
    await replaced;
    this.replacing.delete(replaced);
    return true;
  }

  private async replace(slot: Slot): Promise<void> {
    // terminate() returns once the worker's current SQLite step has ended.
    await slot.worker.terminate();
    if (this.closed) {
      for (const resolve of slot.pending.values()) resolve(queryInterrupted);
      return;
    }
    const fresh = await this.addWorker();
    if (this.closed) {
      for (const resolve of slot.pending.values()) resolve(queryInterrupted);
      return;
    }
    for (const [otherId, request] of slot.requests) {
      fresh.pending.set(otherId, slot.pending.get(otherId)!);
      fresh.requests.set(otherId, request);
      const sink = slot.sinks.get(otherId);
      if (sink !== undefined) fresh.sinks.set(otherId, sink);
      fresh.worker.postMessage(request);
    }
  }

  private failAll(slot: Slot, error: unknown): void {
    for (const resolve of slot.pending.values())
      resolve({
        kind: 'error',
        code: 1105,
        sqlState: 'HY000',
        message: `reader worker failed: ${String(error)}`,
      });
    slot.pending.clear();
    slot.sinks.clear();
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.replacing]);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }
}
