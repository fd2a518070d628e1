// The Replicator of a simulated node: a session's write-set is encoded and proposed into the
// node's Raft core, like the cluster replicator does through its driver; the outcome comes from
// the certification verdict this node reaches when it applies the entry (see cluster.ts). A crash
// of the node, or no verdict within a bound of simulated time, leaves the outcome unknown.
import { encodeWriteSet, type WriteSet } from '../../../src/codec/index.js';
import type { EntryVerdict } from '../../../src/node/apply-plan.js';
import type { ReplicationOutcome, Replicator } from '../../../src/node/replicator.js';
import type { World } from '../world.js';

/** How long a session waits for its verdict before the outcome is unknown (commitTimeoutMs). */
export const simCommitTimeoutMs = 3000;

export interface SimReplicatorOptions {
  /** Galera's rule, as a canary: certify against the position at commit time. */
  readonly certifyAtCommit: boolean;
}

export class SimReplicator implements Replicator {
  private readonly pending = new Map<number, (outcome: ReplicationOutcome) => void>();
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
    const proposed = { ...writeSet, seqnoSnapshot: snapshot as WriteSet['seqnoSnapshot'] };
    const proposalId = this.world.proposeData(this.slot, encodeWriteSet(proposed));
    if (proposalId === null) return Promise.resolve({ kind: 'not_primary' });
    this.replicated++;
    return new Promise((resolve) => {
      this.pending.set(proposalId, resolve);
      this.world.at(this.world.nowMs + simCommitTimeoutMs, () =>
        this.settle(proposalId, {
          kind: 'unknown',
          reason: 'no verdict within the commit timeout',
        }),
      );
    });
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
    const resolve = this.pending.get(proposalId);
    if (resolve === undefined) return;
    this.pending.delete(proposalId);
    resolve(outcome);
  }

  syncWait(): Promise<{ readonly ok: boolean }> {
    // The workloads leave wsrep_sync_wait at 0; a causal read is not simulated.
    return Promise.resolve({ ok: this.live });
  }

  ready(): boolean {
    return this.live && this.world.nodes[this.slot]!.status === 'up';
  }

  status(): ReadonlyMap<string, string> {
    return new Map([
      ['wsrep_ready', this.ready() ? 'ON' : 'OFF'],
      ['wsrep_replicated', String(this.replicated)],
      ['wsrep_local_bf_aborts', '0'],
    ]);
  }
}
