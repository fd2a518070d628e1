// Who holds SQLite's one writer, and who waits for it. See docs/design/storage.md,
// "Concurrency".
//
// Local sessions wait in FIFO order, each with its own timeout. The applier (replicated
// write-sets, TOI) waits ahead of every session; if a session holds the writer for longer than
// bfAbortAfterMs after the applier started waiting, the holder is brute-force aborted through
// the callback and the writer passes to the applier. A holder that is idle (a session between
// two statements of its transaction) is stashed at once instead, through another callback:
// whoever asks for the writer never waits for a client's round trip. Ownership is decided
// synchronously when the writer is released; the promise only delivers the news, so nobody can
// slip in between.
import { assert } from '../core/assert.js';
import { err, ok, type Result } from '../codec/index.js';
import type { WriterWaitError } from './errors.js';

export interface WriterGrant {
  readonly ownerId: string;
  /** True for the applier: it is never aborted and waits ahead of sessions. */
  readonly priority: boolean;
}

interface Waiter {
  readonly grant: WriterGrant;
  readonly resolve: (result: Result<WriterGrant, WriterWaitError>) => void;
  readonly sinceMs: number;
  timer: NodeJS.Timeout | null;
}

export interface WriterQueueOptions {
  readonly bfAbortAfterMs: number;
  readonly waitersMax: number;
  /** Rolls back the local transaction of `holder`; the queue then releases it. */
  readonly bfAbort: (holder: WriterGrant) => void;
  /**
   * Sets the idle transaction of `holder` aside (its changes kept outside SQLite, its SQLite
   * transaction rolled back); the writer is then free.
   */
  readonly stash: (holder: WriterGrant) => void;
  /** Called at every release, after whatever the holder committed (ReaderPool.invalidate). */
  readonly onRelease?: () => void;
}

export class WriterQueue {
  private holder: WriterGrant | null = null;
  /**
   * Whether the holder is between two statements (setIdle). Never true while anyone waits:
   * an idle holder is stashed as soon as someone asks for the writer.
   */
  private holderIdle = false;
  private readonly sessions: Waiter[] = [];
  private readonly appliers: Waiter[] = [];
  private bfTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: WriterQueueOptions) {}

  get current(): WriterGrant | null {
    return this.holder;
  }

  get waiting(): number {
    return this.sessions.length + this.appliers.length;
  }

  acquireSession(
    ownerId: string,
    timeoutMs: number,
  ): Promise<Result<WriterGrant, WriterWaitError>> {
    assert(timeoutMs >= 0, 'negative writer wait timeout');
    if (this.closed) return Promise.resolve(err({ kind: 'closed' }));
    const grant: WriterGrant = { ownerId, priority: false };
    if (this.holderIdle) this.stashHolder();
    if (this.holder === null && this.appliers.length === 0 && this.sessions.length === 0) {
      this.holder = grant;
      return Promise.resolve(ok(grant));
    }
    if (this.sessions.length >= this.options.waitersMax) {
      return Promise.resolve(
        err({ kind: 'writer_queue_full', waitersMax: this.options.waitersMax }),
      );
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { grant, resolve, sinceMs: Date.now(), timer: null };
      waiter.timer = setTimeout(() => this.timeOut(waiter), timeoutMs);
      waiter.timer.unref();
      this.sessions.push(waiter);
    });
  }

  acquireApplier(ownerId: string): Promise<Result<WriterGrant, WriterWaitError>> {
    if (this.closed) return Promise.resolve(err({ kind: 'closed' }));
    const grant: WriterGrant = { ownerId, priority: true };
    if (this.holderIdle) this.stashHolder();
    if (this.holder === null && this.appliers.length === 0) {
      this.holder = grant;
      return Promise.resolve(ok(grant));
    }
    return new Promise((resolve) => {
      this.appliers.push({ grant, resolve, sinceMs: Date.now(), timer: null });
      this.armBfTimer();
    });
  }

  /**
   * Takes the writer at once if nobody holds it (or its holder is idle: it is stashed) and
   * nobody waits for it; null otherwise.
   */
  tryAcquire(ownerId: string, priority: boolean): WriterGrant | null {
    if (this.closed || this.waiting > 0) return null;
    if (this.holderIdle) this.stashHolder();
    if (this.holder !== null) return null;
    this.holder = { ownerId, priority };
    return this.holder;
  }

  /**
   * Marks the holder idle (between two statements: it is stashed when someone asks for the
   * writer, at once if someone already waits) or busy again.
   */
  setIdle(grant: WriterGrant, idle: boolean): void {
    assert(this.holder === grant, 'setIdle by a non-holder');
    assert(!grant.priority, 'the applier is never idle');
    this.holderIdle = idle;
    if (idle && this.waiting > 0) {
      this.stashHolder();
      this.handOn();
    }
  }

  release(grant: WriterGrant): void {
    assert(this.holder === grant, 'release by a non-holder');
    this.holder = null;
    this.holderIdle = false;
    this.clearBfTimer();
    this.options.onRelease?.();
    this.handOn();
  }

  /** Sets the idle holder's transaction aside; the writer is then free. */
  private stashHolder(): void {
    const holder = this.holder;
    assert(holder !== null && this.holderIdle, 'stash of a busy holder');
    this.clearBfTimer();
    this.options.stash(holder);
    this.holder = null;
    this.holderIdle = false;
  }

  /** Gives the free writer to the next waiter: appliers first, then sessions in FIFO order. */
  private handOn(): void {
    assert(this.holder === null, 'hand-on of a held writer');
    const next = this.appliers.shift() ?? this.sessions.shift();
    if (next === undefined) return;
    if (next.timer !== null) clearTimeout(next.timer);
    this.holder = next.grant;
    next.resolve(ok(next.grant));
    // A session now holds the writer while appliers may still wait.
    this.armBfTimer();
  }

  /** Refuses every waiter; the holder (if any) must still release. */
  close(): void {
    this.closed = true;
    this.clearBfTimer();
    for (const waiter of [...this.appliers, ...this.sessions]) {
      if (waiter.timer !== null) clearTimeout(waiter.timer);
      waiter.resolve(err({ kind: 'closed' }));
    }
    this.appliers.length = 0;
    this.sessions.length = 0;
  }

  private timeOut(waiter: Waiter): void {
    const at = this.sessions.indexOf(waiter);
    assert(at >= 0, 'a timed-out waiter is not queued');
    this.sessions.splice(at, 1);
    waiter.resolve(err({ kind: 'lock_wait_timeout', waitedMs: Date.now() - waiter.sinceMs }));
  }

  // The bound runs from when the first applier started waiting, or from when the current
  // session got the writer if an applier was already waiting then.
  private armBfTimer(): void {
    const holder = this.holder;
    if (this.bfTimer !== null || holder === null || holder.priority) return;
    if (this.appliers.length === 0) return;
    this.bfTimer = setTimeout(() => this.bfFire(holder), this.options.bfAbortAfterMs);
    this.bfTimer.unref();
  }

  private clearBfTimer(): void {
    if (this.bfTimer !== null) clearTimeout(this.bfTimer);
    this.bfTimer = null;
  }

  private bfFire(holder: WriterGrant): void {
    this.bfTimer = null;
    if (this.holder !== holder || this.appliers.length === 0) return;
    this.options.bfAbort(holder);
    this.release(holder);
  }
}
