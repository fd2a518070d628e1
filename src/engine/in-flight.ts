// Local write transactions in flight: committed by their session (the write-set built, the local
// SQLite transaction rolled back, the writer released) but not yet applied. Their exclusive
// certification keys are held here, as InnoDB holds row locks until commit, so that another
// local statement that touches one of those keys can wait for the verdict instead of writing on
// a state without it and then losing certification. See docs/design/engine.md, "Keys in flight".
//
// A key belongs to at most one in-flight transaction in practice: a session checks every
// statement's keys here before it commits, and only the holder of the writer registers. The
// table is bounded by the sessions (one in-flight transaction each) times the keys of one
// write-set (captureRowsMax rows, each with its unique keys). Keys are indexed on the first
// look-up that finds their transaction still in flight: on a standalone node the write-set is
// applied before the next session holds the writer, so nobody looks and nothing is indexed.
import type { CertificationKey, TransactionId } from '../codec/index.js';
import { assert } from '../core/assert.js';
import type { NodeId } from '../core/types.js';

/** One local transaction whose write-set is replicating. */
export class InFlight {
  private settledFlag = false;
  private resolveSettled!: () => void;
  /** Resolves once the write-set is applied here or has its verdict (whichever is first). */
  readonly settled: Promise<void>;

  /** Ids of its exclusive keys, once indexed. */
  keyIds: readonly string[] | null = null;

  constructor(
    readonly originNodeId: NodeId,
    readonly transactionId: TransactionId,
    readonly keys: readonly CertificationKey[],
  ) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  get isSettled(): boolean {
    return this.settledFlag;
  }

  /** Called once by InFlightKeys. */
  markSettled(): void {
    assert(!this.settledFlag, 'an in-flight transaction settled twice');
    this.settledFlag = true;
    this.resolveSettled();
  }
}

/** What a wait for in-flight transactions ended with. */
export type InFlightWait = 'settled' | 'timeout' | 'cancelled';

export class InFlightKeys {
  private readonly holders = new Map<string, InFlight>();
  private readonly byTransaction = new Map<TransactionId, InFlight>();
  /** Registered, keys not indexed yet. */
  private unindexed: InFlight[] = [];

  /** In-flight transactions; none means no statement can meet a key in flight. */
  get transactions(): number {
    return this.byTransaction.size;
  }

  /** Keys indexed (for tests). */
  get keys(): number {
    return this.holders.size;
  }

  /**
   * Holds the exclusive keys of a committed local write-set until `settle`. Shared keys (LOCK IN
   * SHARE MODE) are left out: certification does not record them, so nobody conflicts with them.
   */
  register(
    originNodeId: NodeId,
    transactionId: TransactionId,
    keys: readonly CertificationKey[],
  ): InFlight {
    assert(!this.byTransaction.has(transactionId), 'a transaction registered twice');
    const inFlight = new InFlight(originNodeId, transactionId, keys);
    this.byTransaction.set(transactionId, inFlight);
    this.unindexed.push(inFlight);
    return inFlight;
  }

  /** Lets the keys go and wakes whoever waits; harmless when already settled. */
  settle(inFlight: InFlight): void {
    if (inFlight.isSettled) return;
    if (inFlight.keyIds === null) {
      const at = this.unindexed.indexOf(inFlight);
      if (at >= 0) this.unindexed.splice(at, 1);
    }
    for (const id of inFlight.keyIds ?? []) {
      // A later registration may have taken the key over (after a verdict was unknown).
      if (this.holders.get(id) === inFlight) this.holders.delete(id);
    }
    if (this.byTransaction.get(inFlight.transactionId) === inFlight)
      this.byTransaction.delete(inFlight.transactionId);
    inFlight.markSettled();
  }

  /** A write-set was applied: if it is one of ours, its keys go now. */
  applied(originNodeId: NodeId, transactionId: TransactionId): void {
    const inFlight = this.byTransaction.get(transactionId);
    if (inFlight !== undefined && inFlight.originNodeId === originNodeId) this.settle(inFlight);
  }

  /** The in-flight transactions that hold any of `keys` (shared or exclusive), each once. */
  holdersOf(keys: readonly CertificationKey[]): InFlight[] {
    this.index();
    if (this.holders.size === 0) return [];
    const found: InFlight[] = [];
    for (const key of keys) {
      const holder = this.holders.get(keyId(key));
      if (holder !== undefined && !found.includes(holder)) found.push(holder);
    }
    return found;
  }

  private index(): void {
    if (this.unindexed.length === 0) return;
    for (const inFlight of this.unindexed) {
      if (inFlight.isSettled) continue;
      const ids: string[] = [];
      for (const key of inFlight.keys) {
        if (!key.exclusive) continue;
        const id = keyId(key);
        ids.push(id);
        this.holders.set(id, inFlight);
      }
      inFlight.keyIds = ids;
    }
    this.unindexed = [];
  }
}

/**
 * Waits until every one of `inFlight` has settled, at most `timeoutMs`; `cancel` receives a
 * function that ends the wait at once (KILL, disconnect).
 */
export function waitSettled(
  inFlight: readonly InFlight[],
  timeoutMs: number,
  cancel: (stop: (() => void) | null) => void,
): Promise<InFlightWait> {
  if (inFlight.every((t) => t.isSettled)) return Promise.resolve('settled');
  return new Promise((resolve) => {
    let done = false;
    const finish = (how: InFlightWait): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cancel(null);
      resolve(how);
    };
    const timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
    timer.unref();
    cancel(() => finish('cancelled'));
    void Promise.all(inFlight.map((t) => t.settled)).then(() => finish('settled'));
  });
}

/** Length-prefixed, so no two distinct (database, table, bytes) give the same id. */
export function keyId(key: CertificationKey): string {
  const bytes = Buffer.from(key.keyBytes.buffer, key.keyBytes.byteOffset, key.keyBytes.length);
  return `${key.database.length}:${key.database}${key.table.length}:${key.table}${bytes.toString('latin1')}`;
}
