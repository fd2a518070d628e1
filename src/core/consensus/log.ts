// The in-memory view of the replicated log: entries after the compaction boundary, which of them
// are durable, committed, handed out for applying, and applied. The durable copy lives with the
// caller (gcache); this view tells the caller what to write.
import { assert } from '../assert.js';
import type { Index, Term } from '../types.js';
import { index as asIndex } from '../types.js';
import type { Boundary, Entry } from './types.js';

export class RaftLog {
  /** Entries with index boundaryIndex+1 … lastIndex, in order. */
  private entries: Entry[];
  boundaryIndex: Index;
  boundaryTerm: Term;
  /** Highest index known durable on this node's disk. */
  stableIndex: Index;
  /** First index not yet handed to the caller for persisting. */
  unstableFrom: Index;
  commit: Index;
  /** Highest index handed out for applying. */
  emittedApply: Index;
  /** Highest index the caller reports applied. */
  applied: Index;

  constructor(boundary: Boundary, entries: readonly Entry[], commit: Index, applied: Index) {
    this.boundaryIndex = boundary.index;
    this.boundaryTerm = boundary.term;
    this.entries = [...entries];
    this.entries.forEach((entry, i) => {
      assert(entry.index === boundary.index + 1 + i, 'recovered log must be contiguous');
    });
    this.stableIndex = this.lastIndex();
    this.unstableFrom = asIndex(this.lastIndex() + 1);
    // A recovered commit index can be ahead of a log that lost its tail only through a disk
    // that lied about fsync; the simulator's checker reports that, so clamp rather than crash.
    const appliedClamped = Math.max(boundary.index, Math.min(applied, this.lastIndex()));
    this.commit = asIndex(Math.max(appliedClamped, Math.min(commit, this.lastIndex())));
    this.emittedApply = asIndex(appliedClamped);
    this.applied = asIndex(appliedClamped);
  }

  lastIndex(): Index {
    return asIndex(this.boundaryIndex + this.entries.length);
  }

  lastTerm(): Term {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? this.boundaryTerm : last.term;
  }

  firstIndex(): Index {
    return asIndex(this.boundaryIndex + 1);
  }

  /** The term at `index`, or null when it is compacted away or beyond the end. */
  termAt(index: number): Term | null {
    if (index === this.boundaryIndex) return this.boundaryTerm;
    const entry = this.entries[index - this.boundaryIndex - 1];
    return entry === undefined ? null : entry.term;
  }

  entryAt(index: number): Entry {
    const entry = this.entries[index - this.boundaryIndex - 1];
    assert(entry !== undefined, `no entry at index ${index}`);
    return entry;
  }

  matchTerm(index: Index, term: Term): boolean {
    return this.termAt(index) === term;
  }

  isUpToDate(lastIndex: Index, lastTerm: Term): boolean {
    const ownTerm = this.lastTerm();
    return lastTerm > ownTerm || (lastTerm === ownTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [from, to], at most `bytesMax` payload bytes (at least one entry). */
  slice(from: number, to: number, bytesMax: number, overheadBytes: number): Entry[] {
    assert(from > this.boundaryIndex, 'slice below the compaction boundary');
    assert(to <= this.lastIndex(), 'slice beyond the end of the log');
    const result: Entry[] = [];
    let bytes = 0;
    for (let i = from; i <= to; i++) {
      const entry = this.entryAt(i);
      bytes += entry.data.byteLength + overheadBytes;
      if (result.length > 0 && bytes > bytesMax) break;
      result.push(entry);
    }
    return result;
  }

  append(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, 'append must be contiguous');
    this.entries.push(entry);
  }

  /**
   * Appends entries received from a leader after `prevIndex`, truncating at the first conflict.
   * Returns the index of the first entry that changed, or null when nothing changed.
   */
  appendFromLeader(entries: readonly Entry[]): Index | null {
    let firstNew = -1;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.index <= this.boundaryIndex) continue;
      const existing = this.termAt(entry.index);
      if (existing === entry.term) continue;
      firstNew = i;
      break;
    }
    if (firstNew < 0) return null;
    const start = entries[firstNew]!.index;
    assert(start > this.commit, `a leader may never overwrite a committed entry (${start})`);
    this.truncateFrom(start);
    for (let i = firstNew; i < entries.length; i++) this.entries.push(entries[i]!);
    return start;
  }

  truncateFrom(start: Index): void {
    assert(start > this.boundaryIndex, 'truncation below the compaction boundary');
    if (start > this.lastIndex()) return;
    this.entries.length = start - this.boundaryIndex - 1;
    if (this.unstableFrom > start) this.unstableFrom = start;
    if (this.stableIndex >= start) this.stableIndex = asIndex(start - 1);
  }

  /** Entries not yet handed to the caller for persisting; marks them handed out. */
  takeUnstable(): Entry[] {
    if (this.unstableFrom > this.lastIndex()) return [];
    const result = this.entries.slice(this.unstableFrom - this.boundaryIndex - 1);
    this.unstableFrom = asIndex(this.lastIndex() + 1);
    return result;
  }

  /** Committed entries not yet handed out for applying, up to `bytesMax`. */
  takeCommitted(bytesMax: number, overheadBytes: number): Entry[] {
    if (this.emittedApply >= this.commit) return [];
    const from = this.emittedApply + 1;
    const result = this.slice(from, this.commit, bytesMax, overheadBytes);
    this.emittedApply = asIndex(from + result.length - 1);
    return result;
  }

  /**
   * The last index ≤ `upTo` whose term is ≤ `term`: where a follower's log could match the
   * leader's, so the leader skips a whole conflicting term per round trip.
   */
  findConflictByTerm(upTo: Index, term: Term): { index: Index; term: Term } {
    let i = Math.min(upTo, this.lastIndex());
    for (; i > this.boundaryIndex; i--) {
      const t = this.termAt(i)!;
      if (t <= term) return { index: asIndex(i), term: t };
    }
    return { index: this.boundaryIndex, term: this.boundaryTerm };
  }

  compact(upTo: Index): void {
    assert(upTo <= this.applied, 'compaction beyond the applied index');
    if (upTo <= this.boundaryIndex) return;
    const term = this.termAt(upTo);
    assert(term !== null, 'compaction point must be in the log');
    this.entries = this.entries.slice(upTo - this.boundaryIndex);
    this.boundaryIndex = upTo;
    this.boundaryTerm = term;
  }

  /** Replaces everything with a state copied from a donor up to `index`. */
  reset(index: Index, term: Term): void {
    this.entries = [];
    this.boundaryIndex = index;
    this.boundaryTerm = term;
    this.stableIndex = index;
    this.unstableFrom = asIndex(index + 1);
    this.commit = index;
    this.emittedApply = index;
    this.applied = index;
  }
}
