// The leader's view of one follower: how much of the log it has, and how replication to it is
// paced (probe one message at a time; replicate with a bounded pipeline; or wait for a state
// transfer).
import { assert } from '../assert.js';
import type { Index } from '../types.js';
import { index as asIndex } from '../types.js';

export type ProgressState = 'probe' | 'replicate' | 'transfer';

const PROGRESS_TRANSITIONS = {
  probe: ['probe', 'replicate', 'transfer'],
  replicate: ['probe', 'replicate', 'transfer'],
  transfer: ['probe'],
} as const satisfies Record<ProgressState, readonly ProgressState[]>;

export class Progress {
  state: ProgressState = 'probe';
  match: Index = asIndex(0);
  next: Index;
  /** In probe state: an append is outstanding; wait for its answer or a heartbeat answer. */
  probeSent = false;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** The tick this follower was last heard from (for evs.inactive_timeout). */
  lastHeardTick: number;
  /** In transfer state: the index the state transfer must reach. */
  transferIndex: Index = asIndex(0);
  /** In transfer state: when the transfer was requested. */
  transferSinceTick = 0;
  /** Whether a catch-up (IST) report was already made for the current gap. */
  catchUpReported = false;
  /**
   * Added by a membership change (a node joining or coming back), and no answer accepted yet:
   * however the leader learns its position, a gap behind the log is a catch-up (IST) to report
   * (a refusal reports it in reportBehind, and catchUpReported keeps it to once).
   */
  joined = false;
  /** The highest read sequence this follower has acknowledged. */
  readSeqAcked = 0;
  /** The follower's last reported apply queue (committed, not yet applied). */
  applyQueue = 0;
  private readonly inflightLast: number[] = [];
  private readonly inflightBytes: number[] = [];
  private inflightBytesTotal = 0;

  constructor(next: Index, nowTick: number) {
    this.next = next;
    this.lastHeardTick = nowTick;
  }

  become(state: ProgressState): void {
    const allowed: readonly ProgressState[] = PROGRESS_TRANSITIONS[this.state];
    assert(allowed.includes(state), `progress transition ${this.state} -> ${state} is not allowed`);
    this.state = state;
    this.probeSent = false;
    this.clearInflight();
    if (state === 'probe' || state === 'replicate') this.next = asIndex(this.match + 1);
  }

  /** Records an acknowledgement; returns whether the match advanced. */
  maybeUpdate(index: Index): boolean {
    let updated = false;
    if (index > this.match) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    if (index + 1 > this.next) this.next = asIndex(index + 1);
    this.freeInflightUpTo(index);
    return updated;
  }

  /**
   * The follower's log ends at `end`, before what it acknowledged: it lost entries (its datadir
   * was emptied; or, on a network that reorders, the answer is stale). Start over from there;
   * resending what it has is harmless, and a match kept too high would never let it catch up.
   */
  lostLog(end: Index): void {
    assert(end < this.match, 'a lost log ends before the match');
    this.match = end;
    this.become('probe');
  }

  /** After a rejection: move `next` back. Returns false for a stale rejection. */
  maybeDecrease(rejected: Index, probeNext: Index): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.become('probe');
      this.next = asIndex(Math.max(this.match + 1, Math.min(rejected, probeNext)));
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = asIndex(Math.max(this.match + 1, Math.min(rejected, probeNext)));
    this.probeSent = false;
    return true;
  }

  isPaused(inflightMessagesMax: number, inflightBytesMax: number): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return (
          this.inflightLast.length >= inflightMessagesMax ||
          this.inflightBytesTotal >= inflightBytesMax
        );
      case 'transfer':
        return true;
    }
  }

  sentEntries(lastIndex: Index, bytes: number): void {
    if (this.state === 'replicate') {
      this.next = asIndex(lastIndex + 1);
      this.inflightLast.push(lastIndex);
      this.inflightBytes.push(bytes);
      this.inflightBytesTotal += bytes;
    } else {
      assert(this.state === 'probe', 'entries are sent only in probe or replicate state');
      this.probeSent = true;
    }
  }

  private freeInflightUpTo(index: Index): void {
    let n = 0;
    while (n < this.inflightLast.length && this.inflightLast[n]! <= index) {
      this.inflightBytesTotal -= this.inflightBytes[n]!;
      n++;
    }
    if (n > 0) {
      this.inflightLast.splice(0, n);
      this.inflightBytes.splice(0, n);
    }
  }

  private clearInflight(): void {
    this.inflightLast.length = 0;
    this.inflightBytes.length = 0;
    this.inflightBytesTotal = 0;
  }
}
