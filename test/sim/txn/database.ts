// The replicated database inside the simulator: every node gets a real store (SQLite in a temp
// file), a certification index, and the same apply plan as the node runtime. Committed entries
// wait while a local transaction holds the writer, and brute-force abort it after a bound of
// simulated time. The certification index is kept beside the applied seqno, as a node persists
// it, and travels with a state transfer.
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_WRITE_SET_LIMITS } from '../../../src/codec/index.js';
import { CertificationIndex } from '../../../src/core/certification/certification.js';
import type { Entry } from '../../../src/core/consensus/types.js';
import { nodeId } from '../../../src/core/types.js';
import { planApply, type EntryVerdict } from '../../../src/node/apply-plan.js';
import { Store, type WriterLease } from '../../../src/storage/index.js';
import type { Application, SimNode, World } from '../world.js';

/** Window of the certification index in the simulator (cert.max_length). */
export const simCertLengthMax = 256;
/** How long an apply waits for a local transaction before it brute-force aborts it. */
export const simBfAbortMs = 15;

interface NodeDb {
  store: Store | null;
  certification: CertificationIndex;
  /** The index as persisted with the applied seqno: what a restart recovers. */
  certificationDurable: CertificationIndex;
  queue: Entry[];
  waitingSinceMs: number | null;
}

export interface VerdictListener {
  onVerdict(slot: number, proposalId: number, verdict: EntryVerdict): void;
  onCrash(slot: number): void;
  onBfAbort(slot: number): void;
}

export class SimDatabase implements Application {
  private readonly dbs: NodeDb[] = [];
  listener: VerdictListener | null = null;

  constructor(
    private readonly world: World,
    private readonly dir: string,
    private readonly schema: readonly string[],
  ) {
    for (let i = 0; i < world.nodes.length; i++) {
      const certification = new CertificationIndex(simCertLengthMax);
      this.dbs.push({
        store: null,
        certification,
        certificationDurable: certification.copy(),
        queue: [],
        waitingSinceMs: null,
      });
    }
  }

  store(slot: number): Store | null {
    return this.dbs[slot]!.store;
  }

  private path(slot: number): string {
    return join(this.dir, `n${slot + 1}.db`);
  }

  start(node: SimNode): number {
    const db = this.dbs[node.slot]!;
    const path = this.path(node.slot);
    if (db.store !== null) this.crash(node); // a node that left gracefully and comes back
    if (!existsSync(path)) createSchema(path, this.schema);
    const opened = Store.open({ path, nodeId: nodeId(node.id), transactionIdFirst: 1 });
    if (!opened.ok)
      throw new Error(`store of ${node.id} did not open: ${JSON.stringify(opened.error)}`);
    db.store = opened.value;
    db.certification = db.certificationDurable.copy();
    db.queue = [];
    db.waitingSinceMs = null;
    return db.store.appliedSeqno();
  }

  crash(node: SimNode): void {
    const db = this.dbs[node.slot]!;
    db.store?.close();
    db.store = null;
    db.queue = [];
    db.waitingSinceMs = null;
    this.listener?.onCrash(node.slot);
  }

  commit(node: SimNode, entries: readonly Entry[]): void {
    const db = this.dbs[node.slot]!;
    db.queue.push(...entries);
    this.drain(node);
  }

  tick(node: SimNode): void {
    if (this.dbs[node.slot]!.queue.length > 0) this.drain(node);
  }

  /** Applies what waits, unless a local transaction holds the writer (then, after a bound, aborts it). */
  private drain(node: SimNode): void {
    const db = this.dbs[node.slot]!;
    const store = db.store;
    if (store === null || db.queue.length === 0) return;
    const entries = db.queue;
    const plan = planApply(entries, db.certification.copy(), node.id, DEFAULT_WRITE_SET_LIMITS);
    if (plan.fatal !== null) {
      this.world.checker.fail(this.world.nowMs, `${node.id}: ${JSON.stringify(plan.fatal)}`);
      return;
    }
    for (const step of plan.steps) {
      if (step.kind === 'toi') throw new Error('the simulated workloads run no DDL');
    }
    const items = plan.steps.flatMap((step) => (step.kind === 'batch' ? step.items : []));
    const outcome = store.applyBatchNow(items);
    if (outcome === null) {
      db.waitingSinceMs ??= this.world.nowMs;
      if (this.world.nowMs - db.waitingSinceMs < simBfAbortMs) return;
      store.abortLocalNow();
      this.listener?.onBfAbort(node.slot);
      return this.drain(node);
    }
    if (!outcome.ok) {
      this.world.checker.fail(
        this.world.nowMs,
        `${node.id} apply failed: ${JSON.stringify(outcome.error)}`,
      );
      return;
    }
    // Certify for real now that the batch is applied (the plan above ran on a copy).
    planApply(entries, db.certification, node.id, DEFAULT_WRITE_SET_LIMITS);
    db.certificationDurable = db.certification.copy();
    db.queue = [];
    db.waitingSinceMs = null;
    for (const entry of entries) {
      const verdict = plan.own.get(entry.index);
      if (verdict !== undefined) this.listener?.onVerdict(node.slot, entry.proposalId, verdict);
    }
    this.world.applied(node, entries);
  }

  copyState(node: SimNode, donor: SimNode): number | null {
    const target = this.dbs[node.slot]!;
    const source = this.dbs[donor.slot]!;
    const donorStore = source.store;
    if (donorStore === null || target.store === null) return null;
    if (source.queue.length > 0) return null;
    const copy = `${this.path(node.slot)}.sst`;
    if (!donorStore.copyFileNow(copy)) return null;
    target.store.close();
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(this.path(node.slot) + suffix, { force: true });
    copyFileSync(copy, this.path(node.slot));
    rmSync(copy, { force: true });
    target.certificationDurable = source.certification.copy();
    this.listener?.onCrash(node.slot); // its local transactions are gone with its old state
    return this.start(node);
  }

  close(): void {
    for (const db of this.dbs) db.store?.close();
  }

  /** A consistent read of every row of `table`, in key order, on one node. */
  readAll(slot: number, sql: string): unknown[][] | null {
    const store = this.dbs[slot]!.store;
    if (store === null) return null;
    const snapshot = store.snapshot();
    if (!snapshot.ok) return null;
    try {
      const result = snapshot.value.execute(sql);
      return result.ok ? result.value.rows.map((row) => [...row]) : null;
    } finally {
      snapshot.value.release();
    }
  }

  lease(slot: number, owner: string): WriterLease | null {
    return this.dbs[slot]!.store?.tryAcquireWriterNow(owner) ?? null;
  }

  appliedSeqno(slot: number): number | null {
    return this.dbs[slot]!.store?.appliedSeqno() ?? null;
  }
}

function createSchema(path: string, schema: readonly string[]): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    for (const sql of schema) db.exec(sql);
  } finally {
    db.close();
  }
}
