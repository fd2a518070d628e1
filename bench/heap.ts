// Bytes allocated on the main thread's V8 heap over a stretch of work, from v8.GCProfiler's
// record of each collection: steadier from run to run than CPU time on this shared VM, and a
// measure of what a statement or a transaction costs in young-generation churn and cache misses
// (docs/design/performance.md, "Allocation per transaction").
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
