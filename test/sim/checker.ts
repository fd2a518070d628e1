// The simulator's safety checker: it watches every ready batch, apply and role change, and
// records a violation the moment a Raft safety property breaks.
import type { Entry, Message, RaftEvent } from '../../src/core/consensus/types.js';
import type { Index, NodeId } from '../../src/core/types.js';

export function entryKey(entry: Entry): string {
  return `${entry.term}/${entry.kind}/${entry.origin ?? '-'}/${entry.proposalId}/${entry.data.byteLength}`;
}

/** Folds an applied entry into a node's state hash (FNV-1a over the entry key). */
export function foldHash(hash: number, entry: Entry): number {
  let h = (hash ^ entry.index) >>> 0;
  const key = entryKey(entry);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Checker {
  readonly violations: string[] = [];
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** (index, term) → the entry key and the term before it: log matching by induction. */
  private readonly logIdentity = new Map<string, { key: string; prevTerm: number }>();
  private readonly committedAt = new Map<number, string>();
  /** For each committed index, a term by which it was surely committed (the observer's term). */
  private readonly committedByTerm = new Map<number, number>();
  private readonly appliedAt = new Map<number, { key: string; hash: number }>();
  private readonly proposalAppliedAt = new Map<string, number>();
  readonly acked = new Map<string, Index>();
  maxCommitSeen = 0;

  fail(timeMs: number, message: string): void {
    if (this.violations.length < 20) this.violations.push(`t=${timeMs}ms ${message}`);
  }

  private readonly voteOf = new Map<string, NodeId>();

  /** A vote granted is a promise for the whole term, across crashes. */
  onMessageSent(timeMs: number, message: Message): void {
    if (message.type !== 'voteResponse' || message.reject) return;
    const key = `${message.from}@${message.term}`;
    const earlier = this.voteOf.get(key);
    if (earlier !== undefined && earlier !== message.to) {
      this.fail(
        timeMs,
        `${message.from} voted for ${earlier} and for ${message.to} in term ${message.term}`,
      );
    }
    this.voteOf.set(key, message.to);
  }

  /** Votes whose record a lost disk took (World.wipe): still promises, no longer on disk. */
  private readonly wipedVotes = new Set<string>();

  /** The node lost its disk: its votes so far are gone from it (a second vote still fails). */
  onWipe(node: NodeId): void {
    for (const key of this.voteOf.keys()) if (key.startsWith(`${node}@`)) this.wipedVotes.add(key);
  }

  /** After a restart, a node still holds every vote it granted in its current term. */
  onRestart(timeMs: number, node: NodeId, term: number, vote: NodeId | null): void {
    const key = `${node}@${term}`;
    const granted = this.voteOf.get(key);
    if (granted !== undefined && granted !== vote && !this.wipedVotes.has(key)) {
      this.fail(timeMs, `${node} restarted in term ${term} without its vote for ${granted}`);
    }
  }

  /** Leader completeness: a new leader's log holds every entry committed so far. */
  onLeaderLog(
    timeMs: number,
    node: NodeId,
    leaderTerm: number,
    termAt: (index: number) => number | null,
    entryAt: (index: number) => Entry,
    boundary: number,
  ): void {
    for (let i = boundary + 1; i <= this.maxCommitSeen; i++) {
      const committed = this.committedAt.get(i);
      if (committed === undefined) continue;
      // Raft §5.4: leaders of terms after the one in which an entry committed must hold it.
      if ((this.committedByTerm.get(i) ?? Infinity) >= leaderTerm) continue;
      const held = termAt(i) === null ? 'nothing' : entryKey(entryAt(i));
      if (held !== committed) {
        this.fail(
          timeMs,
          `leader ${node} was elected without committed entry ${i} (${committed}; it holds ${held})`,
        );
        return;
      }
    }
  }

  onEvent(timeMs: number, node: NodeId, event: RaftEvent): void {
    if (event.kind === 'role' && event.role === 'leader') {
      const other = this.leaderOfTerm.get(event.term);
      if (other !== undefined && other !== node) {
        this.fail(timeMs, `two leaders in term ${event.term}: ${other} and ${node}`);
      }
      this.leaderOfTerm.set(event.term, node);
    }
  }

  /** Entries a node is about to make durable: the same (index, term) must be the same entry. */
  onEntries(
    timeMs: number,
    node: NodeId,
    entries: readonly Entry[],
    prevTerm: number | null,
  ): void {
    let before = prevTerm;
    for (const entry of entries) {
      const id = `${entry.index}/${entry.term}`;
      const key = entryKey(entry);
      const known = this.logIdentity.get(id);
      if (known === undefined) {
        if (before !== null) this.logIdentity.set(id, { key, prevTerm: before });
      } else if (known.key !== key || (before !== null && known.prevTerm !== before)) {
        this.fail(
          timeMs,
          `log matching broken at ${id} on ${node}: ${key} after term ${before}, elsewhere ${known.key} after term ${known.prevTerm}`,
        );
      }
      before = entry.term;
    }
  }

  /** A node's commit index advanced: what it holds there must be what everyone committed. */
  onCommitted(
    timeMs: number,
    node: NodeId,
    observerTerm: number,
    index: number,
    entry: Entry | null,
  ): void {
    const byTerm = this.committedByTerm.get(index);
    if (byTerm === undefined || observerTerm < byTerm)
      this.committedByTerm.set(index, observerTerm);
    if (entry === null) return; // compacted: it was checked when it was committed
    const key = entryKey(entry);
    const known = this.committedAt.get(index);
    if (known === undefined) this.committedAt.set(index, key);
    else if (known !== key)
      this.fail(timeMs, `committed entry ${index} changed on ${node}: ${known} -> ${key}`);
    if (index > this.maxCommitSeen) this.maxCommitSeen = index;
  }

  onApplied(timeMs: number, node: NodeId, entry: Entry, hash: number): void {
    const known = this.appliedAt.get(entry.index);
    const key = entryKey(entry);
    if (known === undefined) {
      this.appliedAt.set(entry.index, { key, hash });
    } else if (known.key !== key || known.hash !== hash) {
      this.fail(
        timeMs,
        `node ${node} applied ${key} at ${entry.index}; others applied ${known.key}`,
      );
    }
    const committed = this.committedAt.get(entry.index);
    if (committed !== undefined && committed !== key) {
      this.fail(
        timeMs,
        `node ${node} applied ${key} at ${entry.index}, but ${committed} was committed there`,
      );
    }
    if (entry.kind === 'normal' && entry.origin !== null) {
      const id = `${entry.origin}#${entry.proposalId}`;
      const seen = this.proposalAppliedAt.get(id);
      if (seen !== undefined && seen !== entry.index) {
        this.fail(timeMs, `proposal ${id} applied twice, at ${seen} and ${entry.index}`);
      }
      this.proposalAppliedAt.set(id, entry.index);
    }
  }

  /** A node's whole state was replaced by a copy from a donor at `index`. */
  onStateCopied(timeMs: number, node: NodeId, index: number, hash: number): void {
    const known = this.appliedAt.get(index);
    if (index > 0 && known !== undefined && known.hash !== hash) {
      this.fail(timeMs, `state transfer to ${node} at ${index} copied a state nobody applied`);
    }
  }

  onAck(node: NodeId, proposalId: number, index: Index): void {
    this.acked.set(`${node}#${proposalId}`, index);
  }

  /** Every acknowledged proposal is in the applied sequence, where it was acknowledged. */
  checkAcked(timeMs: number): void {
    for (const [id, index] of this.acked) {
      const applied = this.proposalAppliedAt.get(id);
      if (applied !== index)
        this.fail(timeMs, `acknowledged proposal ${id} at ${index} is not there (${applied})`);
    }
  }

  hashAt(index: number): number | undefined {
    return this.appliedAt.get(index)?.hash;
  }
}
