// The rows written by the last write-sets this node applied, with the seqno that wrote each: so
// that a transaction in snapshot mode (docs/design/engine.md, "Snapshot isolation") learns at its
// write, not at COMMIT, that a row it writes changed since its snapshot, and can run again on the
// newer state instead of certainly failing certification. Only a prediction: certification
// decides. Bounded: past `writeSetsMax` write-sets the oldest are forgotten, and a snapshot older
// than what is remembered is answered "changed" (the caller then runs again, which is safe).
import type { CertificationKey, WriteSet } from '../codec/index.js';
import { assert } from '../core/assert.js';
import { keyId } from './in-flight.js';

export const RECENT_WRITE_SETS_MAX = 4096;

export class RecentWrites {
  private readonly lastWrite = new Map<string, number>();
  private readonly order: { seqno: number; keyIds: string[] }[] = [];
  /** Writes at or below this seqno are forgotten. */
  private floor: number;

  constructor(
    seqnoApplied: number,
    private readonly writeSetsMax = RECENT_WRITE_SETS_MAX,
  ) {
    this.floor = seqnoApplied;
  }

  /** A write-set applied at `seqno` (called in seqno order). */
  applied(writeSet: WriteSet, seqno: number): void {
    const keyIds: string[] = [];
    for (const key of writeSet.keys) {
      if (!key.exclusive) continue;
      const id = keyId(key);
      this.lastWrite.set(id, seqno);
      keyIds.push(id);
    }
    this.order.push({ seqno, keyIds });
    while (this.order.length > this.writeSetsMax) this.forgetOldest();
  }

  /** Whether any of `keys` may have been written after `seqno`. */
  changedSince(keys: readonly CertificationKey[], seqno: number): boolean {
    if (seqno < this.floor) return keys.length > 0;
    for (const key of keys) if ((this.lastWrite.get(keyId(key)) ?? 0) > seqno) return true;
    return false;
  }

  private forgetOldest(): void {
    const oldest = this.order.shift();
    assert(oldest !== undefined, 'forgetting from an empty list');
    for (const id of oldest.keyIds)
      if (this.lastWrite.get(id) === oldest.seqno) this.lastWrite.delete(id);
    this.floor = Math.max(this.floor, oldest.seqno);
  }
}
