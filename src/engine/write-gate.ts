// The write gate: one local write transaction at a time from its first write until its
// write-set is applied. The store's writer is released at COMMIT, before the write-set is
// applied; without the gate the next session would take the writer at once and read a state
// without the previous commit, then lose certification on every hot row (sysbench's special
// distribution makes 75% of accesses hit 1% of rows). With it, a standalone node never
// certifies two local transactions against each other: the next one starts from the applied
// state, as InnoDB's row locks would make it wait. FIFO, with the lock wait timeout.
import { assert } from '../core/assert.js';

interface Waiter {
  readonly resolve: (granted: boolean) => void;
  timer: NodeJS.Timeout | null;
}

export class WriteGate {
  private held = false;
  private readonly waiters: Waiter[] = [];

  get busy(): boolean {
    return this.held;
  }

  /** Resolves true once this caller holds the gate, false after timeoutMs. */
  acquire(timeoutMs: number): Promise<boolean> {
    if (!this.held && this.waiters.length === 0) {
      this.held = true;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: null };
      waiter.timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(false);
      }, timeoutMs);
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  release(): void {
    assert(this.held, 'release of a gate nobody holds');
    const next = this.waiters.shift();
    if (next === undefined) {
      this.held = false;
      return;
    }
    if (next.timer !== null) clearTimeout(next.timer);
    next.resolve(true);
  }
}
