// The replicated SQL database inside the simulator: every node runs a real store (SQLite in a
// temp file), a real Engine whose sessions the clients talk to in SQL, and a SimReplicator that
// proposes their write-sets into the node's Raft core. Committed entries go through the node
// runtime's apply plan (certification) and are applied through the store in log order: row
// write-sets in batches, TOI through the engine's translator. An apply that finds a local
// transaction holding the writer waits, ahead of the sessions, and brute-force aborts it after
// simBfAbortMs of simulated time. The certification index is kept beside the applied seqno, as a
// node persists it, and travels with a state transfer.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDatabase as Database } from '../../../src/storage/sqlite.js';
import {
  DDL_RULES_OLDEST,
  DEFAULT_WRITE_SET_LIMITS,
  type WriteSet,
} from '../../../src/codec/index.js';
import { AssertionError } from '../../../src/core/assert.js';
import { CertificationIndex } from '../../../src/core/certification/certification.js';
import type { Entry, ProposalRefusal } from '../../../src/core/consensus/types.js';
import { nodeId, type Index } from '../../../src/core/types.js';
import { Engine, type EngineOptions } from '../../../src/engine/engine.js';
import { userFunctions } from '../../../src/engine/functions.js';
import { planApply, type ApplyStep, type EntryVerdict } from '../../../src/node/apply-plan.js';
import type { ReplicationOutcome } from '../../../src/engine/replicator.js';
import {
  describeApplyError,
  Store,
  type ApplyError,
  type ApplyOutcome,
} from '../../../src/storage/index.js';
import type { Result } from '../../../src/codec/index.js';
import type { Application, SimNode, World } from '../world.js';
import { SimReplicator } from './sim-replicator.js';
import { simFacts } from './template.js';

/** Window of the certification index in the simulator (cert.max_length). */
export const simCertLengthMax = 256;
/** How long an apply waits for a local transaction before it brute-force aborts it. */
export const simBfAbortMs = 15;
/**
 * The store's own brute-force abort runs on a wall-clock timer; the simulator aborts by simulated
 * time instead, so the store's bound is set beyond any run (and below setTimeout's 2^31 ms).
 */
const storeBfAbortAfterMs = 1_000_000_000;

export interface EngineClusterOptions {
  readonly canaryCertifyAtCommit: boolean;
  readonly canaryToiIgnored: boolean;
  readonly canaryWriterSnapshot: boolean;
}

interface NodeDb {
  store: Store | null;
  engine: Engine | null;
  replicator: SimReplicator | null;
  certification: CertificationIndex;
  /** The index as persisted with the applied seqno: what a restart recovers. */
  certificationDurable: CertificationIndex;
  /** Committed entries not yet applied, in log order. */
  queue: Entry[];
  /** An apply step is waiting for the writer or running (one at a time). */
  applying: boolean;
  waitingSinceMs: number | null;
  /** Bumped at every crash, so that a step that finishes afterwards is ignored. */
  generation: number;
  opens: number;
}

export class EngineCluster implements Application {
  private readonly dbs: NodeDb[] = [];
  bfAborts = 0;

  constructor(
    private readonly world: World,
    private readonly dir: string,
    private readonly template: string,
    private readonly options: EngineClusterOptions,
  ) {
    for (let i = 0; i < world.nodes.length; i++) {
      const certification = this.newCertification();
      this.dbs.push({
        store: null,
        engine: null,
        replicator: null,
        certification,
        certificationDurable: certification.copy(),
        queue: [],
        applying: false,
        waitingSinceMs: null,
        generation: 0,
        opens: 0,
      });
    }
  }

  private newCertification(): CertificationIndex {
    return new CertificationIndex(simCertLengthMax, 0 as Index, {
      toiIgnored: this.options.canaryToiIgnored,
    });
  }

  /** The engine a client of `slot` talks to now (null while the node is down). */
  engine(slot: number): Engine | null {
    return this.dbs[slot]!.engine;
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
    if (!existsSync(path)) copyFileSync(this.template, path);
    db.opens++;
    const opened = Store.open({
      path,
      nodeId: nodeId(node.id),
      functions: userFunctions(),
      // Ids never repeat across restarts: a write-set of an earlier life applied now must not
      // release the keys in flight of a transaction of this one.
      transactionIdFirst: db.opens * 10_000_000 + 1,
      limits: { bfAbortAfterMs: storeBfAbortAfterMs, readerPoolSize: 8 },
    });
    if (!opened.ok)
      throw new Error(`store of ${node.id} did not open: ${JSON.stringify(opened.error)}`);
    const store = opened.value;
    const options: EngineOptions = {
      store,
      nodeId: nodeId(node.id),
      version: '10.11.0-trireme-sim',
      facts: simFacts(node.id),
    };
    const engine = new Engine({
      ...options,
      canary: this.options.canaryWriterSnapshot ? 'writer-snapshot' : null,
    });
    const replicator = new SimReplicator(this.world, node.slot, {
      certifyAtCommit: this.options.canaryCertifyAtCommit,
    });
    engine.attach(replicator, null);
    db.store = store;
    db.engine = engine;
    db.replicator = replicator;
    db.certification = db.certificationDurable.copy();
    db.queue = [];
    db.applying = false;
    db.waitingSinceMs = null;
    return store.appliedSeqno();
  }

  crash(node: SimNode): void {
    const db = this.dbs[node.slot]!;
    db.generation++;
    // Sessions first: they give their read snapshots and the writer back.
    for (const session of [...(db.engine?.sessions.values() ?? [])]) void session.close();
    db.replicator?.close();
    db.store?.close();
    db.store = null;
    db.engine = null;
    db.replicator = null;
    db.queue = [];
    db.applying = false;
    db.waitingSinceMs = null;
  }

  commit(node: SimNode, entries: readonly Entry[]): void {
    const db = this.dbs[node.slot]!;
    if (db.store === null) return;
    db.queue.push(...entries);
    this.pump(node);
  }

  dropped(node: SimNode, proposalIds: readonly number[], reason: ProposalRefusal): void {
    this.dbs[node.slot]!.replicator?.dropped(proposalIds, reason);
  }

  tick(node: SimNode): void {
    const db = this.dbs[node.slot]!;
    if (db.store === null) return;
    if (!db.applying) return this.pump(node);
    if (db.waitingSinceMs === null || this.world.nowMs - db.waitingSinceMs < simBfAbortMs) return;
    // The applier waits ahead of every session; the one holding the writer is aborted.
    if (db.store.abortLocalNow()) this.bfAborts++;
  }

  /** Starts applying the next step of the queue, unless one is under way. */
  private pump(node: SimNode): void {
    const db = this.dbs[node.slot]!;
    const store = db.store;
    const engine = db.engine;
    if (store === null || engine === null || db.applying || db.queue.length === 0) return;
    const plan = planApply(db.queue, db.certification.copy(), node.id, DEFAULT_WRITE_SET_LIMITS);
    const step = plan.steps[0];
    if (step === undefined) {
      const fatal = plan.fatal;
      this.world.checker.fail(this.world.nowMs, `${node.id}: ${JSON.stringify(fatal)}`);
      return;
    }
    const last = step.kind === 'batch' ? step.items[step.items.length - 1]!.seqno : step.seqno;
    const entries = db.queue.filter((e) => e.index <= last);
    const generation = db.generation;
    db.applying = true;
    db.waitingSinceMs = this.world.nowMs;
    const own = new Map<number, EntryVerdict | ReplicationOutcome>(plan.own);
    void this.runStep(engine, store, step, own)
      .then((result) => {
        if (db.generation !== generation) return;
        db.applying = false;
        db.waitingSinceMs = null;
        if (!result.ok) {
          this.world.checker.fail(
            this.world.nowMs,
            `${node.id} apply failed: ${describeApplyError(result.error)}`,
          );
          return;
        }
        this.finishStep(node, entries, own);
        this.pump(node);
      })
      .catch((error: unknown) => {
        // This runs between simulator events: report what World.runUntil would have caught.
        const what = error instanceof AssertionError ? 'core assertion' : 'apply threw';
        this.world.checker.fail(this.world.nowMs, `${node.id} ${what}: ${String(error)}`);
      });
  }

  private async runStep(
    engine: Engine,
    store: Store,
    step: ApplyStep,
    own: Map<number, EntryVerdict | ReplicationOutcome>,
  ): Promise<Result<ApplyOutcome, ApplyError>> {
    if (step.kind === 'batch') return store.applyBatch(step.items);
    return this.runToi(engine, store, step.seqno, step.writeSet, own);
  }

  /** A TOI step, as the cluster applier runs it: translated at its seqno, or skipped alike. */
  private async runToi(
    engine: Engine,
    store: Store,
    seqno: Index,
    ws: WriteSet,
    own: Map<number, EntryVerdict | ReplicationOutcome>,
  ): Promise<Result<ApplyOutcome, ApplyError>> {
    const translated = engine.translator.translate(
      seqno,
      ws.statements,
      ws.flags.ddlRules ?? DDL_RULES_OLDEST,
    );
    if (!translated.ok) {
      if (own.has(seqno)) {
        own.set(seqno, {
          kind: 'toi_failed',
          seqno,
          code: translated.code,
          sqlState: translated.sqlState,
          message: translated.message,
        });
      }
      return store.applyBatch([{ seqno, writeSet: null }]);
    }
    const result = await store.applyToi(seqno, translated.sqlite, translated.catalog);
    if (result.ok) engine.translator.applied(seqno);
    return result;
  }

  /** A step is applied: certify its entries for real, answer their sessions, tell the world. */
  private finishStep(
    node: SimNode,
    entries: readonly Entry[],
    own: Map<number, EntryVerdict | ReplicationOutcome>,
  ): void {
    const db = this.dbs[node.slot]!;
    planApply(entries, db.certification, node.id, DEFAULT_WRITE_SET_LIMITS);
    db.certificationDurable = db.certification.copy();
    db.queue.splice(0, entries.length);
    for (const entry of entries) {
      const verdict = own.get(entry.index);
      if (verdict !== undefined) db.replicator?.verdict(entry.proposalId, verdict);
    }
    this.world.detail(
      () =>
        `${node.id} applied ${entries[0]!.index}..${entries[entries.length - 1]!.index}${[...own].map(([seqno, v]) => ` own ${seqno} ${v.kind}`).join('')}`,
    );
    this.world.applied(node, entries);
  }

  copyState(node: SimNode, donor: SimNode): number | null {
    const target = this.dbs[node.slot]!;
    const source = this.dbs[donor.slot]!;
    if (source.store === null || target.store === null) return null;
    if (source.queue.length > 0 || source.applying) return null;
    // A consistent copy of what the donor committed (its sessions' open transactions are not in
    // it), read through a connection of its own: the store's file copy would miss WAL frames a
    // long-lived reader keeps from being checkpointed.
    const copy = `${this.path(node.slot)}.sst`;
    const reader = new Database(this.path(donor.slot));
    try {
      rmSync(copy, { force: true });
      reader.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`);
    } finally {
      reader.close();
    }
    this.crash(node); // its local transactions are gone with its old state
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(this.path(node.slot) + suffix, { force: true });
    renameSync(copy, this.path(node.slot));
    target.certificationDurable = source.certification.copy();
    return this.start(node);
  }

  close(): void {
    for (const db of this.dbs) {
      for (const session of [...(db.engine?.sessions.values() ?? [])]) void session.close();
      db.replicator?.close();
      db.store?.close();
      db.store = null;
      db.engine = null;
    }
  }

  /** A consistent read of `sql` on one node's store. */
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

  appliedSeqno(slot: number): number | null {
    return this.dbs[slot]!.store?.appliedSeqno() ?? null;
  }
}
