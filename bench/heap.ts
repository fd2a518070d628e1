// Bytes allocated on the main thread's V8 heap over a stretch of work, from v8.GCProfiler's
// record of each collection: steadier from run to run than CPU time on this shared VM, and a
// measure of what a statement or a transaction costs in young-generation churn and cache misses
// (docs/design/performance.md, "Allocation per transaction").
import { Session } from 'node:inspector/promises';
import { GCProfiler, getHeapStatistics } from 'node:v8';

interface GcStatistic {
  readonly beforeGC: { readonly heapStatistics: { readonly usedHeapSize: number } };
  readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number } };
}

export class HeapMeter {
  private readonly profiler = new GCProfiler();
  private readonly before: number;

  constructor() {
    this.profiler.start();
    this.before = getHeapStatistics().used_heap_size;
  }

  /**
   * Bytes allocated since construction: what each collection found in use beyond what the
   * previous one left, plus the growth since the last. An estimate (an allocation that a
   * collection interrupts counts late), good to a few percent over many collections.
   */
  stop(): number {
    const after = getHeapStatistics().used_heap_size;
    const gcs = (this.profiler.stop()?.statistics ?? []) as readonly GcStatistic[];
    let total = 0;
    let base = this.before;
    for (const gc of gcs) {
      total += gc.beforeGC.heapStatistics.usedHeapSize - base;
      base = gc.afterGC.heapStatistics.usedHeapSize;
    }
    return total + after - base;
  }
}

interface SamplingNode {
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/**
 * Where the main thread allocates: V8's sampling heap profiler (through the inspector), counting
 * objects already collected too, summed by function. For `BENCH_HEAP_PROFILE=1`.
 */
export class HeapSampler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('HeapProfiler.enable');
    await this.session.post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }

  /** The functions that allocated most, with bytes per `per` (a transaction, a statement). */
  async stop(per: number, top = 25): Promise<string[]> {
    const { profile } = (await this.session.post('HeapProfiler.stopSampling')) as {
      profile: { head: SamplingNode };
    };
    this.session.disconnect();
    const bytes = new Map<string, number>();
    const walk = (node: SamplingNode): void => {
      const frame = node.callFrame;
      const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
      if (node.selfSize > 0) bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    return [...bytes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, size]) => `${String(Math.round(size / per)).padStart(8)} B  ${where}`);
  }
}
