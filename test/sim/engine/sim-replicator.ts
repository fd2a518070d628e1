// The Replicator of a simulated node: a session's write-set is encoded and proposed into the
// node's Raft core, like the cluster replicator does through its driver; the outcome comes from
// the certification verdict this node reaches when it applies the entry (see cluster.ts). A crash
// of the node, or no verdict within a bound of simulated time, leaves the outcome unknown.
import { encodeWriteSet, type WriteSet } from '../../../src/codec/index.js';
import type { ProposalRefusal } from '../../../src/core/consensus/types.js';
import type { EntryVerdict } from '../../../src/node/apply-plan.js';
import type { ReplicationOutcome, Replicator } from '../../../src/engine/replicator.js';
import type { World } from '../world.js';

/** How long a session waits for its verdict before the outcome is unknown (commitTimeoutMs). */
export const simCommitTimeoutMs = 3000;

export interface SimReplicatorOptions {
  /** Galera's rule, as a canary: certify against the position at commit time. */
  readonly certifyAtCommit: boolean;
}

/** Refusals that pass by themselves: the cluster replicator proposes again, and so does this. */
const transientRefusals: ReadonlySet<ProposalRefusal> = new Set([
  'flow_control',
  'transferring',
  'overloaded',
  'not_leader',
]);

/** How long after a passing refusal the write-set is proposed again (flowControlRetryMs). */
const retryMs = 10;

interface Pending {
  readonly bytes: Uint8Array;
  readonly deadlineMs: number;
  readonly resolve: (outcome: ReplicationOutcome) => void;
}

export class SimReplicator implements Replicator {
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  replicated = 0;

  constructor(
    private readonly world: World,
    private readonly slot: number,
    private readonly options: SimReplicatorOptions,
  ) {}

  private get live(): boolean {
    return !this.closed && this.world.nodes[this.slot]!.raft !== null;
  }

  replicate(writeSet: WriteSet): Promise<ReplicationOutcome> {
    if (!this.live) return Promise.resolve({ kind: 'not_primary' });
    const raft = this.world.nodes[this.slot]!.raft!;
    const snapshot = this.options.certifyAtCommit
      ? Math.max(writeSet.seqnoSnapshot, raft.log.commit)
      : writeSet.seqnoSnapshot;
    const bytes = encodeWriteSet({
      ...writeSet,
      seqnoSnapshot: snapshot as WriteSet['seqnoSnapshot'],
    });
    this.replicated++;
    return new Promise((resolve) => {
      const deadlineMs = this.world.nowMs + simCommitTimeoutMs;
      this.propose({ bytes, deadlineMs, resolve });
    });
  }

  private propose(pending: Pending): void {
    const proposalId = this.live ? this.world.proposeData(this.slot, pending.bytes) : null;
    if (proposalId === null) return pending.resolve({ kind: 'not_primary' });
    this.pending.set(proposalId, pending);
    this.world.at(pending.deadlineMs, () =>
      this.settle(proposalId, { kind: 'unknown', reason: 'no verdict within the commit timeout' }),
    );
  }

  /** Refused proposals were appended nowhere: propose again after a passing refusal, or fail. */
  dropped(proposalIds: readonly number[], reason: ProposalRefusal): void {
    for (const id of proposalIds) {
      const pending = this.pending.get(id);
      if (pending === undefined) continue;
      this.pending.delete(id);
      this.world.detail(() => `n${this.slot + 1} proposal ${id} refused: ${reason}`);
      if (!transientRefusals.has(reason)) {
        pending.resolve({ kind: 'not_primary' });
      } else if (this.world.nowMs + retryMs < pending.deadlineMs) {
        this.world.at(this.world.nowMs + retryMs, () => this.propose(pending));
      } else {
        pending.resolve({ kind: 'unknown', reason: `proposal dropped: ${reason}` });
      }
    }
  }

  /** This node certified and applied (or skipped) its own write-set. */
  verdict(proposalId: number, verdict: EntryVerdict | ReplicationOutcome): void {
    switch (verdict.kind) {
      case 'passed':
        return this.settle(proposalId, { kind: 'committed', seqno: verdict.seqno });
      case 'failed':
        return this.settle(proposalId, {
          kind: 'cert_failed',
          seqno: verdict.seqno,
          reason: verdict.reason,
        });
      case 'undecodable':
        return this.settle(proposalId, { kind: 'apply_failed', reason: verdict.reason });
      default:
        return this.settle(proposalId, verdict);
    }
  }

  /** The node crashed (or its state was replaced): every outcome still pending is unknown. */
  close(): void {
    this.closed = true;
    for (const id of [...this.pending.keys()])
      this.settle(id, { kind: 'unknown', reason: 'the node crashed' });
  }

  private settle(proposalId: number, outcome: ReplicationOutcome): void {
    const pending = this.pending.get(proposalId);
    if (pending === undefined) return;
    this.pending.delete(proposalId);
    pending.resolve(outcome);
  }

  syncWait(): Promise<{ readonly ok: boolean }> {
    // The workloads leave wsrep_sync_wait at 0; a causal read is not simulated.
    return Promise.resolve({ ok: this.live });
  }

  /** In the primary component, as the cluster node decides it: a leader is known, and a member. */
  ready(): boolean {
    const raft = this.world.nodes[this.slot]!.raft;
    return this.live && raft !== null && raft.leader !== null && raft.isMember();
  }

  status(): ReadonlyMap<string, string> {
    return new Map([
      ['wsrep_ready', this.ready() ? 'ON' : 'OFF'],
      ['wsrep_replicated', String(this.replicated)],
      ['wsrep_local_bf_aborts', '0'],
    ]);
  }
}
