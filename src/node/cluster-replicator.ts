// The Replicator of a cluster node: a session's write-set is proposed to the consensus core (and
// forwarded to the leader), certified on every node in log order, and applied; the session gets
// the verdict its node reached, which every node reaches alike. See docs/design/runtime.md.
import {
  DDL_RULES_OLDEST,
  encodeWriteSet,
  type WriteSet,
  type WriteSetLimits,
} from '../codec/index.js';
import type {
  CertificationIndex,
  CertificationStats,
} from '../core/certification/certification.js';
import type { Entry, ProposalRefusal } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import { index as asIndex } from '../core/types.js';
import type { Store } from '../storage/index.js';
import { describeApplyError } from '../storage/index.js';
import { planApply, type EntryVerdict } from './apply-plan.js';
import { applyToiWriteSet } from './toi-apply.js';
import type { CommittedSink, RaftDriver } from './raft-driver.js';
import type { ReplicationOutcome, Replicator, ToiTranslator } from '../engine/replicator.js';

/** Applies committed entries to the store through certification; remembers own verdicts. */
export class ClusterApplier implements CommittedSink {
  private readonly verdicts = new Map<number, EntryVerdict | ReplicationOutcome>();
  translator: ToiTranslator | null = null;
  /** wsrep_replicated, wsrep_received: write-sets of this node, and of the others, applied. */
  readonly counts = { replicated: 0, replicatedBytes: 0, received: 0, receivedBytes: 0 };

  constructor(
    private readonly store: Store,
    private readonly certification: CertificationIndex,
    private readonly self: string,
    private readonly limits: WriteSetLimits,
    /** Applying failed: the node cannot go on without diverging. */
    private readonly onFatal: (reason: string) => void,
  ) {}

  /** wsrep_cert_deps_distance and the index size, for status variables. */
  certificationStats(): CertificationStats {
    return this.certification.stats();
  }

  /**
   * Set while the store holds local history (written with wsrep_on=OFF): applying on it would
   * diverge, so committed entries stay in the log until an SST replaces the store.
   */
  holding = false;

  async apply(entries: readonly Entry[]): Promise<Index> {
    if (this.holding) return asIndex(entries[entries.length - 1]!.index);
    const pending = entries.filter((e) => e.index > this.store.appliedSeqno());
    if (pending.length > 0) await this.applyPending(pending);
    return asIndex(entries[entries.length - 1]!.index);
  }

  private async applyPending(entries: readonly Entry[]): Promise<void> {
    const plan = planApply(entries, this.certification, this.self, this.limits);
    for (const entry of entries) {
      if (entry.kind !== 'normal') continue;
      if (entry.origin === this.self) {
        this.counts.replicated += 1;
        this.counts.replicatedBytes += entry.data.length;
      } else {
        this.counts.received += 1;
        this.counts.receivedBytes += entry.data.length;
      }
    }
    for (const [seqno, verdict] of plan.own) this.verdicts.set(seqno, verdict);
    for (const step of plan.steps) {
      if (step.kind === 'batch') {
        const max = this.store.limits.applyBatchItemsMax;
        for (let i = 0; i < step.items.length; i += max) {
          const result = await this.store.applyBatch(step.items.slice(i, i + max));
          if (!result.ok) return this.fail(describeApplyError(result.error));
        }
      } else {
        await this.applyToi(step.seqno, step.writeSet, step.certKeys);
      }
    }
    if (plan.fatal !== null) this.fail(`entry ${plan.fatal.seqno}: ${JSON.stringify(plan.fatal)}`);
  }

  private async applyToi(
    seqno: Index,
    ws: WriteSet,
    certKeys: readonly string[] | null,
  ): Promise<void> {
    const applied = await applyToiWriteSet(this.store, this.translator, seqno, ws, certKeys);
    if (applied.kind === 'fatal') return this.fail(applied.reason);
    // A failed TOI was skipped on every node alike; its origin's client gets the error.
    if (applied.kind === 'failed' && ws.originNodeId === this.self)
      this.verdicts.set(seqno, { ...applied, kind: 'toi_failed', seqno });
  }

  private fail(reason: string): never {
    this.onFatal(reason);
    throw new Error(`apply failed: ${reason}`);
  }

  /** The verdict this node reached for its own write-set at `seqno` (taken once). */
  takeVerdict(seqno: number): EntryVerdict | ReplicationOutcome | undefined {
    const verdict = this.verdicts.get(seqno);
    this.verdicts.delete(seqno);
    return verdict;
  }
}

export interface ClusterReplicatorOptions {
  /** How long a session waits for its write-set's verdict before the outcome is unknown. */
  readonly commitTimeoutMs: number;
  /** While a proposal is refused for a passing reason (flow control…), retry this often. */
  readonly flowControlRetryMs: number;
  /**
   * Whether every other member fails a later copy of a DDL in certification (they speak
   * ddlCopiesSince), so that a DDL may be proposed again to a new leader. Default: no.
   */
  readonly ddlCopies?: () => boolean;
  /**
   * The newest DDL rules every member plans by (they speak ddlRulesSince of them), which a DDL
   * asks for (WriteSetFlags.ddlRules). Default: DDL_RULES_OLDEST.
   */
  readonly ddlRules?: () => number;
}

/** Refusals that pass by themselves (a pause, a leader change, a full pipeline). */
const transientRefusals: ReadonlySet<ProposalRefusal> = new Set([
  'flow_control',
  'transferring',
  'overloaded',
  'not_leader',
]);

export class ClusterReplicator implements Replicator {
  /** wsrep_local_cert_failures: this node's write-sets that lost certification. */
  certFailures = 0;
  /**
   * wsrep_local_commits, wsrep_repl_keys, wsrep_repl_keys_bytes, wsrep_repl_data_bytes (the
   * write-set's bytes less its keys' bytes), wsrep_causal_reads: this node's write-sets that
   * committed, those ordered, and its reads that waited for the cluster (wsrep_sync_wait).
   */
  readonly counts = {
    localCommits: 0,
    replKeys: 0,
    replKeysBytes: 0,
    replDataBytes: 0,
    causalReads: 0,
  };

  constructor(
    private readonly driver: RaftDriver,
    private readonly applier: ClusterApplier,
    private readonly isReady: () => boolean,
    private readonly statusVariables: () => ReadonlyMap<string, string>,
    private readonly options: ClusterReplicatorOptions,
  ) {}

  ready(): boolean {
    return this.isReady();
  }

  status(): ReadonlyMap<string, string> {
    return this.statusVariables();
  }

  async replicate(ordered: WriteSet): Promise<ReplicationOutcome> {
    if (!this.isReady()) return { kind: 'not_primary' };
    const ddlRules = ordered.flags.toi ? (this.options.ddlRules?.() ?? DDL_RULES_OLDEST) : null;
    const writeSet: WriteSet =
      ddlRules !== null && ddlRules > DDL_RULES_OLDEST
        ? { ...ordered, flags: { ...ordered.flags, ddlRules } }
        : ordered;
    const bytes = encodeWriteSet(writeSet);
    const resendable = certificationRefusesCopies(writeSet, this.options.ddlCopies?.() ?? false);
    const deadline = Date.now() + this.options.commitTimeoutMs;
    for (;;) {
      const proposal = this.driver.propose(bytes, writeSet, resendable);
      const outcome = await withTimeout(proposal.done, deadline - Date.now());
      if (outcome === null) {
        this.driver.abandon(proposal.proposalId);
        return { kind: 'unknown', reason: 'no verdict within the commit timeout' };
      }
      if (outcome.kind === 'appended') {
        this.countReplicated(writeSet, bytes.length);
        return this.verdictAt(outcome.index);
      }
      // Nothing was appended: proposing again cannot commit the write-set twice. A leader that
      // is leaving hands over within moments: its refusal passes too, unless this node is the
      // one leaving (a graceful stop of the leader failed the other nodes' clients with 1180).
      const leaving = outcome.reason === 'leaving' && !this.driver.raft.isLeaving;
      // No leader for an instant (a leader change): the node still counts as primary and the
      // proposal waits for the new leader; past that, the node is out of the primary component.
      const gap = outcome.reason === 'no_leader' && this.isReady();
      if (
        (transientRefusals.has(outcome.reason as ProposalRefusal) || leaving || gap) &&
        Date.now() < deadline
      ) {
        await sleep(this.options.flowControlRetryMs);
        continue;
      }
      if (outcome.reason === 'no_leader' || outcome.reason === 'not_member')
        return { kind: 'not_primary' };
      return { kind: 'unknown', reason: `proposal dropped: ${outcome.reason}` };
    }
  }

  private countReplicated(writeSet: WriteSet, bytes: number): void {
    let keyBytes = 0;
    for (const key of writeSet.keys) keyBytes += key.keyBytes.length;
    this.counts.replKeys += writeSet.keys.length;
    this.counts.replKeysBytes += keyBytes;
    this.counts.replDataBytes += bytes - keyBytes;
  }

  private verdictAt(seqno: Index): ReplicationOutcome {
    const verdict = this.applier.takeVerdict(seqno);
    if (verdict === undefined)
      return { kind: 'unknown', reason: `no verdict recorded for seqno ${seqno}` };
    switch (verdict.kind) {
      case 'passed':
        this.counts.localCommits++;
        return { kind: 'committed', seqno };
      case 'failed':
        this.certFailures++;
        return { kind: 'cert_failed', seqno, reason: verdict.reason };
      case 'undecodable':
        return { kind: 'apply_failed', reason: verdict.reason };
      default:
        return verdict;
    }
  }

  async syncWait(timeoutMs: number): Promise<{ readonly ok: boolean }> {
    this.counts.causalReads++;
    const index = await withTimeout(this.driver.readIndex(), timeoutMs);
    if (index === null) return { ok: false };
    const deadline = Date.now() + timeoutMs;
    while (this.driver.appliedIndex() < index) {
      if (Date.now() >= deadline) return { ok: false };
      await sleep(1);
    }
    return { ok: true };
  }
}

/**
 * Whether a second copy of `writeSet` later in the log is certain to fail certification, so that
 * it may be proposed again under a new leader (RaftDriver.propose). A write-set that writes rows
 * under at least one exclusive key: its copy has the same snapshot, so a conflict that failed the
 * first fails it too, and a first that passed wrote that key after the snapshot: first committer
 * wins. A DDL (TOI) when `ddlCopies` (every member speaks ddlCopiesSince): its copy carries the
 * same origin and transaction id, which certification fails once the first passed
 * (CertificationInput.identity); a first that failed (too old) fails the copy alike. Not a
 * write-set that carries statements otherwise.
 */
export function certificationRefusesCopies(writeSet: WriteSet, ddlCopies = false): boolean {
  if (writeSet.flags.toi) return ddlCopies;
  return (
    writeSet.statements.length === 0 &&
    writeSet.rows.length > 0 &&
    writeSet.keys.some((key) => key.exclusive)
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
