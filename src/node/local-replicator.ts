// The Replicator of a standalone node (wsrep_on=OFF, a cluster of one). Write-sets still take
// the whole path: each gets the next seqno (applied + 1), is certified against the write-sets
// ordered since its snapshot, and is applied through the store — row write-sets in batches
// (group commit: whatever queued while the previous batch ran), TOI write-sets alone through
// the ToiTranslator. So a single node behaves as one member of a cluster would.
import { randomUUID } from 'node:crypto';
import { DDL_RULES_NEWEST, type WriteSet } from '../codec/index.js';
import { CertificationIndex } from '../core/certification/certification.js';
import type { TableRef } from '../core/certification/certification.js';
import { assert } from '../core/assert.js';
import { index, type Index } from '../core/types.js';
import { describeApplyError, type ApplyItem, type Store } from '../storage/index.js';
import type { ReplicationOutcome, Replicator, ToiTranslator } from '../engine/replicator.js';
import { applyToiWriteSet } from './toi-apply.js';

interface Pending {
  readonly writeSet: WriteSet;
  readonly resolve: (outcome: ReplicationOutcome) => void;
}

export interface LocalReplicatorOptions {
  readonly store: Store;
  readonly translator: ToiTranslator;
  readonly nodeName?: string;
  readonly clusterName?: string;
  readonly nodeAddress?: string;
  /** cert.max_length. */
  readonly certLengthMax?: number;
  readonly log?: (line: string) => void;
  /** Each committed write-set, after it applied: the standalone node's local-history dump. */
  readonly onCommitted?: (seqno: Index, writeSet: WriteSet) => void;
}

interface Counters {
  replicated: number;
  replicatedBytes: number;
  replKeys: number;
  localCommits: number;
  certFailures: number;
  batches: number;
}

/** TOI write-sets name what they change as keys with empty key bytes (table '' = whole database). */
export function toiRefs(writeSet: WriteSet): TableRef[] {
  return writeSet.keys.map((key) => ({
    database: key.database,
    table: key.table === '' ? null : key.table,
  }));
}

export class LocalReplicator implements Replicator {
  private readonly queue: Pending[] = [];
  private draining = false;
  private readonly certification: CertificationIndex;
  private seqnoLast: Index;
  private failed: string | null = null;
  private readonly counters: Counters = {
    replicated: 0,
    replicatedBytes: 0,
    replKeys: 0,
    localCommits: 0,
    certFailures: 0,
    batches: 0,
  };
  private readonly stateUuid: string;
  private readonly gcommUuid = randomUUID();

  constructor(private readonly options: LocalReplicatorOptions) {
    this.seqnoLast = options.store.appliedSeqno();
    this.certification = new CertificationIndex(options.certLengthMax, this.seqnoLast);
    this.stateUuid = options.store.clusterUuid() ?? '00000000-0000-0000-0000-000000000000';
  }

  replicate(ordered: WriteSet): Promise<ReplicationOutcome> {
    if (this.failed !== null) return Promise.resolve({ kind: 'apply_failed', reason: this.failed });
    // A node alone plans every DDL by the newest rules (WriteSetFlags.ddlRules).
    const writeSet: WriteSet = ordered.flags.toi
      ? { ...ordered, flags: { ...ordered.flags, ddlRules: DDL_RULES_NEWEST } }
      : ordered;
    return new Promise((resolve) => {
      this.queue.push({ writeSet, resolve });
      if (!this.draining) void this.drain();
    });
  }

  syncWait(): Promise<{ readonly ok: boolean }> {
    // Everything ordered on this node is applied before its client hears back.
    return Promise.resolve({ ok: true });
  }

  ready(): boolean {
    return this.failed === null;
  }

  private async drain(): Promise<void> {
    assert(!this.draining, 'one drain loop at a time');
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        if (head.writeSet.flags.toi) {
          this.queue.shift();
          await this.runToi(head);
          continue;
        }
        const batch: Pending[] = [];
        const max = this.options.store.limits.applyBatchItemsMax;
        while (batch.length < max && this.queue.length > 0 && !this.queue[0]!.writeSet.flags.toi)
          batch.push(this.queue.shift()!);
        await this.runBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private nextSeqno(): Index {
    this.seqnoLast = index(this.seqnoLast + 1);
    return this.seqnoLast;
  }

  private async runBatch(batch: readonly Pending[]): Promise<void> {
    const items: ApplyItem[] = [];
    const outcomes: ReplicationOutcome[] = [];
    for (const pending of batch) {
      const ws = pending.writeSet;
      const seqno = this.nextSeqno();
      const verdict = this.certification.certify({
        seqno,
        snapshot: ws.seqnoSnapshot,
        keys: ws.keys,
        toi: null,
      });
      this.count(ws);
      if (verdict.ok) {
        items.push({ seqno, writeSet: ws });
        outcomes.push({ kind: 'committed', seqno });
      } else {
        items.push({ seqno, writeSet: null });
        this.counters.certFailures++;
        const reason =
          verdict.reason === 'conflict'
            ? `conflict with seqno ${verdict.conflictSeqno} on ${verdict.database}.${verdict.table}`
            : `snapshot ${verdict.snapshot} is older than cert.max_length ${verdict.lengthMax}`;
        outcomes.push({ kind: 'cert_failed', seqno, reason });
      }
    }
    const result = await this.options.store.applyBatch(items);
    this.counters.batches++;
    if (!result.ok) {
      this.fail(describeApplyError(result.error));
      for (const pending of batch) pending.resolve({ kind: 'apply_failed', reason: this.failed! });
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'committed') {
        this.counters.localCommits++;
        this.options.onCommitted?.(outcome.seqno, pending.writeSet);
      }
      pending.resolve(outcome);
    });
  }

  private async runToi(pending: Pending): Promise<void> {
    const ws = pending.writeSet;
    const seqno = this.nextSeqno();
    this.certification.certify({ seqno, snapshot: ws.seqnoSnapshot, keys: [], toi: toiRefs(ws) });
    this.count(ws);
    const applied = await applyToiWriteSet(this.options.store, this.options.translator, seqno, ws);
    if (applied.kind === 'fatal') {
      this.fail(applied.reason);
      pending.resolve({ kind: 'apply_failed', reason: this.failed! });
      return;
    }
    if (applied.kind === 'failed') {
      // Every node skips a failed TOI alike: the seqno advances with nothing applied.
      pending.resolve({ ...applied, kind: 'toi_failed', seqno });
      return;
    }
    this.counters.localCommits++;
    this.options.onCommitted?.(seqno, ws);
    pending.resolve({ kind: 'committed', seqno });
  }

  private count(ws: WriteSet): void {
    this.counters.replicated++;
    this.counters.replKeys += ws.keys.length;
    for (const row of ws.rows)
      this.counters.replicatedBytes += row.key.length + 16 * (row.after?.length ?? 0);
  }

  private fail(reason: string): void {
    this.failed ??= reason;
    this.options.log?.(`[ERROR] WSREP: ${reason}; the node stops accepting writes`);
  }

  /** Write-sets committed since this replicator started (wsrep_local_commits). */
  get localCommits(): number {
    return this.counters.localCommits;
  }

  status(): ReadonlyMap<string, string> {
    // Local history never moves the cluster position (docs/design/transfer.md, "Local history").
    const store = this.options.store;
    const seqno = String(store.localHistoryFrom() ?? store.appliedSeqno());
    const cert = this.certification.stats();
    const ready = this.failed === null;
    const c = this.counters;
    const entries: [string, string][] = [
      ['wsrep_local_state_uuid', this.stateUuid],
      ['wsrep_protocol_version', '11'],
      ['wsrep_last_committed', seqno],
      ['wsrep_replicated', String(c.replicated)],
      ['wsrep_replicated_bytes', String(c.replicatedBytes)],
      ['wsrep_repl_keys', String(c.replKeys)],
      ['wsrep_received', '0'],
      ['wsrep_received_bytes', '0'],
      ['wsrep_local_commits', String(c.localCommits)],
      ['wsrep_local_cert_failures', String(c.certFailures)],
      ['wsrep_local_replays', '0'],
      ['wsrep_local_send_queue', '0'],
      ['wsrep_local_recv_queue', String(this.queue.length)],
      ['wsrep_flow_control_paused', '0'],
      ['wsrep_flow_control_sent', '0'],
      ['wsrep_flow_control_recv', '0'],
      ['wsrep_cert_deps_distance', cert.depsDistanceAverage.toFixed(5)],
      // Not a cluster: no Galera state. 'Inconsistent' only after applying failed.
      ...(ready ? [] : ([['wsrep_local_state_comment', 'Inconsistent']] as [string, string][])),
      ['wsrep_cert_index_size', String(cert.indexedKeys)],
      ['wsrep_incoming_addresses', this.options.nodeAddress ?? ''],
      ['wsrep_cluster_weight', '1'],
      ['wsrep_desync_count', '0'],
      ['wsrep_evs_state', 'OPERATIONAL'],
      ['wsrep_gcomm_uuid', this.gcommUuid],
      ['wsrep_checkpoint_position', `${this.stateUuid}:${seqno}`],
      // A standalone node is in no cluster: MariaDB with wsrep_on=OFF says Disconnected.
      ['wsrep_cluster_conf_id', '18446744073709551615'],
      ['wsrep_cluster_size', '0'],
      ['wsrep_cluster_state_uuid', ''],
      ['wsrep_cluster_status', 'Disconnected'],
      ['wsrep_connected', 'OFF'],
      ['wsrep_local_bf_aborts', String(this.options.store.counters.bfAborts)],
      ['wsrep_local_index', '18446744073709551615'],
      ['wsrep_provider_name', 'trireme'],
      ['wsrep_provider_vendor', 'trireme'],
      ['wsrep_provider_version', '0.1.0'],
      ['wsrep_ready', 'OFF'],
      ['wsrep_thread_count', '1'],
    ];
    return new Map(entries);
  }
}
