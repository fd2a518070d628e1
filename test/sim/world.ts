// The deterministic simulated world: nodes running the real consensus core, a network that loses,
// duplicates, delays, reorders and partitions, disks that fsync with latency and lose what was not
// synced at a crash, and clients. One seed decides everything (see run.ts).
import { Raft, initialDurableState } from '../../src/core/consensus/raft.js';
import type {
  Boundary,
  ConfigState,
  Entry,
  HardState,
  Message,
  ProposalRefusal,
  RaftCanary,
  RaftOptions,
  RaftEvent,
  Ready,
} from '../../src/core/consensus/types.js';
import { Xoshiro128, type Prng } from '../../src/core/prng.js';
import type { RaftLimits } from '../../src/core/limits.js';
import { AssertionError } from '../../src/core/assert.js';
import type { Index, NodeId } from '../../src/core/types.js';
import { index as asIndex, nodeId } from '../../src/core/types.js';
import { Checker, foldHash } from './checker.js';
import { EventQueue } from './event-queue.js';

export interface WorldParams {
  readonly seed: number;
  readonly nodeCount: number;
  readonly initialVoters: number;
  readonly lossRate: number;
  readonly duplicateRate: number;
  readonly delayMaxMs: number;
  readonly fsyncMaxMs: number;
  readonly compactKeepEntries: number;
  readonly limits: RaftLimits;
  /** The chance that a node crashes at an interesting moment (see interestingMoment). */
  readonly momentCrashRate: number;
  /** The chance that a random fault is a crash that loses the node's disk (wipe()); 0: never. */
  readonly wipeRate?: number;
  /** gcs.fc_limit for every node (0 or absent: off). */
  readonly flowControlLimit?: number;
  /** The election timeout base before a node has known a leader (absent: electionTicks). */
  readonly initialElectionTicks?: number;
  readonly canary: CanaryName | null;
}

export type CanaryName =
  | 'lying-disk'
  | 'unpersisted-vote'
  | 'stale-term-commit'
  /** Galera's rule: certify against the position at commit time instead of the snapshot. */
  | 'certify-at-commit'
  /** A follower commits past the last entry the leader's append vouched for. */
  | 'commit-past-append'
  /** Certification lets write-sets pass a DDL (TOI) that changed their tables meanwhile. */
  | 'toi-ignored'
  /** The engine certifies against the writer's snapshot, not the first read's. */
  | 'writer-snapshot';

export const tickMs = 10;

export const raftTiming = {
  heartbeatTicks: 2,
  electionTicks: 10,
  inactiveTicks: 150,
  catchUpReportEntries: 50,
  stateTransferRetryTicks: 100,
};

type NodeStatus = 'up' | 'down' | 'paused' | 'left';

/**
 * A replicated application on every node (the database, for the transaction workloads). Without
 * one, committed entries are applied at once and only hashed. With one, the application applies
 * them when it can and reports back through `World.applied`, so the core's `applied` index is
 * the application's: nothing it has not applied is ever compacted away.
 */
export interface Application {
  /** The node (re)starts: recover and return the applied index the application holds. */
  start(node: SimNode): number;
  crash(node: SimNode): void;
  /** Committed entries in order; apply now or later, then call `world.applied`. */
  commit(node: SimNode, entries: readonly Entry[]): void;
  /** Copy the donor's whole state; return the index copied at, or null to retry later. */
  copyState(node: SimNode, donor: SimNode): number | null;
  /** Per tick while up: a chance to retry work that waited. */
  tick(node: SimNode): void;
  /** The node's own proposals were refused: nothing of them was appended anywhere. */
  dropped?(node: SimNode, proposalIds: readonly number[], reason: ProposalRefusal): void;
}

interface Durable {
  hardState: HardState;
  boundary: Boundary;
  entries: Entry[];
  /** Set by wipe(): the node's marker file (node/rejoin-marker.ts), kept until `rejoined`. */
  rejoin?: { target: Index | null };
}

interface PendingWrite {
  readonly hardState: HardState | null;
  readonly boundary: Boundary | null;
  readonly resetLog: boolean;
  readonly entries: readonly Entry[];
}

export class SimNode {
  status: NodeStatus = 'down';
  raft: Raft | null = null;
  incarnation = 0;
  busy = false;
  inbox: Message[] = [];
  appliedIndex = 0;
  appliedHash = 0;
  /** What a lying disk has acknowledged but not yet written. */
  cache: PendingWrite[] = [];
  leaving = false;
  /** The commit index up to which the checker has seen this node's entries. */
  checkedCommit = 0;
  durable: Durable;

  constructor(
    readonly id: NodeId,
    readonly slot: number,
    config: ConfigState,
  ) {
    const initial = initialDurableState(config);
    this.durable = { hardState: initial.hardState, boundary: initial.boundary, entries: [] };
  }
}

type SimEvent =
  | { kind: 'tick'; node: number; incarnation: number }
  | { kind: 'deliver'; message: Message }
  | { kind: 'fsync'; node: number; incarnation: number; ready: Ready }
  | { kind: 'flush'; node: number; incarnation: number }
  | { kind: 'sst'; node: number; incarnation: number; donor: NodeId; upTo: Index }
  | { kind: 'resume'; node: number }
  | { kind: 'action'; run: () => void };

export class World {
  readonly checker = new Checker();
  readonly nodes: SimNode[] = [];
  readonly trace: string[] | null;
  readonly rng: Prng;
  nowMs = 0;
  /** Every event the cores reported, for scenario tests to read. */
  readonly eventLog: Array<{ timeMs: number; node: NodeId; event: RaftEvent }> = [];
  /** pc.bootstrap was used: two histories may meet (a 'diverged' report is then expected). */
  private forced = false;
  /** Faults, including crashes at interesting moments, stop at this time. */
  faultsUntilMs = 0;
  traceHash = 0x811c9dc5;
  eventsProcessed = 0;
  private readonly queue = new EventQueue<SimEvent>();
  application: Application | null = null;
  /** A scripted fault may cut a node off right before a batch's messages leave (see run.ts). */
  cutBeforeSend: ((node: SimNode, ready: Ready) => boolean) | null = null;
  private readonly blocked = new Set<string>();
  private readonly clogUntil = new Map<string, number>();
  private nextProposalId = 1;
  private readonly readRequests = new Map<number, number>();
  private nextReadContext = 1;

  constructor(
    readonly params: WorldParams,
    traceOn: boolean,
  ) {
    this.rng = new Xoshiro128(params.seed);
    this.trace = traceOn ? [] : null;
    const ids = Array.from({ length: params.nodeCount }, (_, i) => nodeId(`n${i + 1}`));
    const voters = ids.slice(0, params.initialVoters);
    ids.forEach((id, slot) => {
      const member = slot < params.initialVoters;
      this.nodes.push(
        new SimNode(id, slot, member ? { voters, learners: [] } : { voters: [], learners: [] }),
      );
    });
  }

  // ---- running ----

  schedule(delayMs: number, event: SimEvent): void {
    this.queue.push(this.nowMs + delayMs, event);
  }

  at(timeMs: number, run: () => void): void {
    this.queue.push(timeMs, { kind: 'action', run });
  }

  /** Runs events until `untilMs`, or until a violation stops the world. */
  runUntil(untilMs: number): void {
    while (this.runOne(untilMs));
  }

  /**
   * The same, for a world with asynchronous code in it (the SQL engine): after each event every
   * promise that event settled runs to its next wait (`settle` drains the microtask queue), so
   * the engine's work happens at the simulated time of the event that caused it, in the same
   * order on every run.
   */
  async runUntilAsync(untilMs: number, settle: () => Promise<void>): Promise<void> {
    while (this.runOne(untilMs)) await settle();
  }

  /** Handles the next event due by `untilMs`; false when there is none (or a violation). */
  private runOne(untilMs: number): boolean {
    if (this.checker.violations.length > 0) return false;
    const next = this.queue.pop();
    if (next === undefined) return false;
    if (next.timeMs > untilMs) {
      this.queue.push(next.timeMs, next.event);
      this.nowMs = untilMs;
      return false;
    }
    this.nowMs = next.timeMs;
    this.eventsProcessed++;
    try {
      this.handle(next.event);
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      this.checker.fail(this.nowMs, `core assertion: ${error.message}`);
    }
    return true;
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'tick':
        return this.onTick(event.node, event.incarnation);
      case 'deliver':
        return this.onDeliver(event.message);
      case 'fsync':
        return this.onFsync(event.node, event.incarnation, event.ready);
      case 'flush':
        return this.onFlush(event.node, event.incarnation);
      case 'sst':
        return this.onStateTransferDone(event.node, event.incarnation, event.donor, event.upTo);
      case 'resume':
        return this.resume(event.node);
      case 'action':
        return event.run();
    }
  }

  /** A trace line only (not hashed): detail for a human replaying a seed. */
  detail(line: () => string): void {
    if (this.trace !== null) this.trace.push(`${String(this.nowMs).padStart(6)}ms ${line()}`);
  }

  note(line: () => string, code: number): void {
    this.traceHash = mix(this.traceHash, this.nowMs, code);
    if (this.trace !== null) this.trace.push(`${String(this.nowMs).padStart(6)}ms ${line()}`);
  }

  // ---- node lifecycle ----

  start(slot: number): void {
    const node = this.nodes[slot]!;
    if (node.status === 'up' || node.status === 'paused') return;
    if (this.application !== null) {
      const applied = this.application.start(node);
      node.appliedIndex = applied;
      node.appliedHash = this.checker.hashAt(applied) ?? 0;
    }
    const durableLast = node.durable.boundary.index + node.durable.entries.length;
    if (durableLast < node.appliedIndex) {
      this.checker.fail(
        this.nowMs,
        `${node.id} restarts with a log ending at ${durableLast} below its applied ${node.appliedIndex}: acknowledged writes were lost`,
      );
    }
    this.checker.onRestart(
      this.nowMs,
      node.id,
      node.durable.hardState.term,
      node.durable.hardState.vote,
    );
    node.incarnation++;
    node.status = 'up';
    node.busy = false;
    node.inbox = [];
    node.leaving = false;
    const options: RaftOptions = {
      id: node.id,
      ...raftTiming,
      preVote: true,
      checkQuorum: true,
      peers: this.nodes.map((n) => n.id),
      canary: this.coreCanary(),
      flowControlLimit: this.params.flowControlLimit ?? 0,
      ...(this.params.initialElectionTicks === undefined
        ? {}
        : { initialElectionTicks: this.params.initialElectionTicks }),
    };
    const prng = new Xoshiro128(
      (this.params.seed * 7919 + slot * 104729 + node.incarnation * 31) >>> 0,
    );
    node.raft = new Raft(
      options,
      { ...node.durable, entries: [...node.durable.entries], applied: asIndex(node.appliedIndex) },
      prng,
      this.params.limits,
    );
    node.checkedCommit = node.raft.log.commit;
    this.note(
      () =>
        `${node.id} start #${node.incarnation} term ${node.durable.hardState.term} applied ${node.appliedIndex} log ${node.durable.boundary.index}..${node.durable.boundary.index + node.durable.entries.length}`,
      1,
    );
    this.schedule(1 + this.rng.int(tickMs), {
      kind: 'tick',
      node: slot,
      incarnation: node.incarnation,
    });
    this.drive(node);
  }

  /**
   * Faults hurt most at the moments that matter: right after a vote is granted, a leader is
   * elected, or a leader commits. While faults run, a node may crash at such a moment.
   */
  private interestingMoment(
    ready: Ready,
    leader: boolean,
  ): 'voted' | 'elected' | 'committed' | 'appended' | null {
    if (this.nowMs >= this.faultsUntilMs || this.cutBeforeSend !== null) return null;
    if (!this.rng.chance(this.params.momentCrashRate)) return null;
    if (ready.events.some((e) => e.kind === 'role' && e.role === 'leader')) return 'elected';
    if (leader && ready.hardState !== null && ready.committed.length > 0) return 'committed';
    if (ready.messages.some((m) => m.type === 'voteResponse' && !m.reject)) return 'voted';
    // A leader that appended new entries, cut before they leave: rarer, or nothing would commit.
    if (leader && ready.entries.length > 0 && this.rng.chance(0.25)) return 'appended';
    return null;
  }

  /** Cuts a node off from everyone, in both directions, until the network heals. */
  isolate(slot: number): void {
    for (let other = 0; other < this.nodes.length; other++) {
      if (other === slot) continue;
      this.block(slot, other);
      this.block(other, slot);
    }
    this.note(() => `isolate ${this.nodes[slot]!.id}`, 25);
  }

  /** Cuts a node off from everyone, in both directions, for a while. */
  isolateFor(slot: number, forMs: number): void {
    const node = this.nodes[slot]!;
    this.note(() => `isolate ${node.id} for ${forMs}ms`, 24);
    for (let other = 0; other < this.nodes.length; other++) {
      if (other === slot) continue;
      this.block(slot, other);
      this.block(other, slot);
    }
    this.at(this.nowMs + forMs, () => {
      for (let other = 0; other < this.nodes.length; other++) {
        this.blocked.delete(`${slot}>${other}`);
        this.blocked.delete(`${other}>${slot}`);
      }
    });
  }

  /** A crash and a restart a moment later, as a supervisor would do. */
  reboot(slot: number): void {
    this.crash(slot);
    const delayMs = 1 + this.rng.int(30);
    this.at(this.nowMs + delayMs, () => this.start(slot));
  }

  /**
   * A crash that loses the node's disk (a new, empty datadir under the same name), and a restart
   * on it: it knows nothing, as a new node, and keeps a rejoin marker (node/rejoin-marker.ts).
   */
  wipe(slot: number): void {
    this.crash(slot);
    const node = this.nodes[slot]!;
    const fresh = initialDurableState({ voters: [], learners: [] });
    node.durable = {
      hardState: fresh.hardState,
      boundary: fresh.boundary,
      entries: [],
      rejoin: { target: null },
    };
    node.appliedIndex = 0;
    node.appliedHash = 0;
    node.checkedCommit = 0;
    this.checker.onWipe(node.id);
    this.note(() => `${node.id} loses its disk`, 2);
  }

  crash(slot: number): void {
    const node = this.nodes[slot]!;
    if (node.status === 'down' || node.status === 'left') return;
    this.note(() => `${node.id} crash`, 2);
    node.status = 'down';
    node.raft = null;
    node.busy = false;
    node.inbox = [];
    node.cache = [];
    node.incarnation++;
    this.application?.crash(node);
  }

  pause(slot: number, forMs: number): void {
    const node = this.nodes[slot]!;
    if (node.status !== 'up') return;
    this.note(() => `${node.id} pause ${forMs}ms`, 3);
    node.status = 'paused';
    this.schedule(forMs, { kind: 'resume', node: slot });
  }

  private resume(slot: number): void {
    const node = this.nodes[slot]!;
    if (node.status !== 'paused') return;
    node.status = 'up';
    this.note(() => `${node.id} resume`, 4);
    const inbox = node.inbox;
    node.inbox = [];
    for (const message of inbox) this.stepNode(node, { type: 'message', message });
  }

  leave(slot: number): void {
    const node = this.nodes[slot]!;
    if (node.status !== 'up' || node.raft === null) return;
    this.note(() => `${node.id} leave`, 5);
    node.leaving = true;
    this.stepNode(node, { type: 'leave' });
  }

  transferLeadership(slot: number, to: NodeId): void {
    const node = this.nodes[slot]!;
    if (node.status !== 'up') return;
    this.stepNode(node, { type: 'transferLeadership', to });
  }

  // ---- network ----

  block(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  healNetwork(): void {
    this.blocked.clear();
    this.clogUntil.clear();
    this.note(() => 'network healed', 6);
  }

  clog(from: number, to: number, untilMs: number): void {
    this.clogUntil.set(`${from}>${to}`, untilMs);
  }

  private sendMessage(message: Message): void {
    const from = slotOf(message.from);
    const to = slotOf(message.to);
    if (this.blocked.has(`${from}>${to}`)) return;
    if (this.rng.chance(this.params.lossRate)) return;
    let delay = 1 + this.rng.int(this.params.delayMaxMs);
    const clog = this.clogUntil.get(`${from}>${to}`);
    if (clog !== undefined && clog > this.nowMs) delay += clog - this.nowMs;
    this.schedule(delay, { kind: 'deliver', message });
    // A stream transport never duplicates a proposal; everything else is idempotent by design.
    if (message.type !== 'propose' && this.rng.chance(this.params.duplicateRate)) {
      this.schedule(delay + 1 + this.rng.int(this.params.delayMaxMs * 3), {
        kind: 'deliver',
        message,
      });
    }
  }

  private onDeliver(message: Message): void {
    const node = this.nodes[slotOf(message.to)]!;
    if (node.status === 'paused') {
      node.inbox.push(message);
      return;
    }
    if (node.status !== 'up') return;
    this.note(() => `${message.to} <- ${message.from} ${describe(message)}`, 100 + message.term);
    this.stepNode(node, { type: 'message', message });
  }

  // ---- the driver loop: persist, then send, then apply, then advance ----

  private onTick(slot: number, incarnation: number): void {
    const node = this.nodes[slot]!;
    if (node.incarnation !== incarnation) return;
    if (node.status === 'up') this.stepNode(node, { type: 'tick' });
    if (node.status === 'up') this.application?.tick(node);
    if (node.status === 'up' || node.status === 'paused') {
      this.schedule(tickMs, { kind: 'tick', node: slot, incarnation });
    }
  }

  stepNode(node: SimNode, input: Parameters<Raft['step']>[0]): void {
    if (node.raft === null || node.status !== 'up') return;
    node.raft.step(input);
    this.drive(node);
  }

  private drive(node: SimNode): void {
    while (node.raft !== null && node.status === 'up' && !node.busy && node.raft.hasReady()) {
      const ready = node.raft.ready();
      this.observeReady(node, ready);
      const write: PendingWrite = ready;
      const needsWrite =
        ready.hardState !== null || ready.boundary !== null || ready.entries.length > 0;
      if (!needsWrite) {
        this.complete(node, ready);
        continue;
      }
      if (this.params.canary === 'lying-disk') {
        // Acknowledged at once; written, in order, only at the next periodic flush.
        if (node.cache.length === 0) {
          this.schedule(100, { kind: 'flush', node: node.slot, incarnation: node.incarnation });
        }
        node.cache.push(write);
        this.complete(node, ready);
        continue;
      }
      // As the product's driver: a leader's appends leave before its flush unless the batch
      // moves the term or the vote (Raft thesis §10.2.1); the rest waits for the fsync.
      const early: Message[] = movesTermOrVote(node.durable.hardState, ready.hardState)
        ? []
        : ready.messages.filter((m) => m.type === 'append');
      for (const message of early) {
        this.checker.onMessageSent(this.nowMs, message);
        this.sendMessage(message);
      }
      node.busy = true;
      this.schedule(this.rng.int(this.params.fsyncMaxMs + 1), {
        kind: 'fsync',
        node: node.slot,
        incarnation: node.incarnation,
        ready:
          early.length === 0
            ? ready
            : { ...ready, messages: ready.messages.filter((m) => !early.includes(m)) },
      });
    }
  }

  private onFsync(slot: number, incarnation: number, ready: Ready): void {
    const node = this.nodes[slot]!;
    if (node.incarnation !== incarnation) return;
    if (node.status === 'paused') {
      this.schedule(5, { kind: 'fsync', node: slot, incarnation, ready });
      return;
    }
    writeDurable(node.durable, ready);
    node.busy = false;
    this.complete(node, ready);
    this.drive(node);
  }

  private onFlush(slot: number, incarnation: number): void {
    const node = this.nodes[slot]!;
    if (node.incarnation !== incarnation) return;
    for (const write of node.cache) writeDurable(node.durable, write);
    node.cache = [];
  }

  private complete(node: SimNode, ready: Ready): void {
    const raft = node.raft!;
    // A crash or a cut between the fsync and the send hurts most when the batch matters.
    // A scripted fault may take the node away between its fsync and its send.
    const cut = this.cutBeforeSend?.(node, ready) === true;
    const moment = cut ? null : this.interestingMoment(ready, raft.role === 'leader');
    if (moment !== null && this.rng.chance(0.5)) {
      this.reboot(node.slot);
      return;
    }
    if (moment !== null) this.isolateFor(node.slot, 50 + this.rng.int(600));
    for (const message of cut ? [] : ready.messages) {
      this.checker.onMessageSent(this.nowMs, message);
      this.sendMessage(message);
    }
    const last = ready.entries[ready.entries.length - 1];
    if (last !== undefined) raft.step({ type: 'persisted', index: last.index, term: last.term });
    if (this.application === null) {
      for (const entry of ready.committed) this.apply(node, entry);
      if (ready.committed.length > 0)
        raft.step({ type: 'applied', index: asIndex(node.appliedIndex) });
    }
    raft.advance();
    // After advance(): the application may report back at once, which drives the next batch.
    if (this.application !== null && ready.committed.length > 0) {
      this.application.commit(node, ready.committed);
      if (node.raft !== raft) return; // the application's work crashed the node
    }
    for (const event of ready.events) this.onRaftEvent(node, event);
    if (moment === 'voted' && this.rng.chance(0.5)) {
      this.reboot(node.slot); // after the grant left: the vote must survive the restart
      return;
    }
    this.maybeCompact(node);
  }

  private observeReady(node: SimNode, ready: Ready): void {
    const raft = node.raft!;
    const first = ready.entries[0];
    if (first !== undefined) {
      const prev =
        first.index - 1 === raft.log.boundaryIndex
          ? raft.log.boundaryTerm
          : raft.log.termAt(first.index - 1);
      this.checker.onEntries(this.nowMs, node.id, ready.entries, ready.resetLog ? null : prev);
    }
    if (ready.hardState !== null && ready.hardState.commit > node.checkedCommit) {
      const from = Math.max(node.checkedCommit + 1, raft.log.boundaryIndex + 1);
      for (let i = from; i <= ready.hardState.commit; i++) {
        this.checker.onCommitted(this.nowMs, node.id, raft.term, i, raft.log.entryAt(i));
      }
      node.checkedCommit = ready.hardState.commit;
    }
    for (const event of ready.events) {
      this.checker.onEvent(this.nowMs, node.id, event);
      if (event.kind === 'role' && event.role === 'leader') {
        const log = raft.log;
        this.checker.onLeaderLog(
          this.nowMs,
          node.id,
          event.term,
          (i) => log.termAt(i),
          (i) => log.entryAt(i),
          log.boundaryIndex,
        );
      }
    }
  }

  /** The application applied `entries` (in order) on `node`. */
  applied(node: SimNode, entries: readonly Entry[]): void {
    for (const entry of entries) this.apply(node, entry);
    const raft = node.raft;
    if (raft === null || entries.length === 0) return;
    raft.step({ type: 'applied', index: asIndex(node.appliedIndex) });
    this.drive(node);
  }

  private apply(node: SimNode, entry: Entry): void {
    if (entry.index !== node.appliedIndex + 1) {
      this.checker.fail(this.nowMs, `${node.id} applies ${entry.index} after ${node.appliedIndex}`);
      return;
    }
    node.appliedIndex = entry.index;
    node.appliedHash = foldHash(node.appliedHash, entry);
    this.checker.onApplied(this.nowMs, node.id, entry, node.appliedHash);
    if (entry.kind === 'normal' && entry.origin === node.id) {
      this.checker.onAck(node.id, entry.proposalId, entry.index);
    }
  }

  private onRaftEvent(node: SimNode, event: Parameters<Checker['onEvent']>[2]): void {
    this.eventLog.push({ timeMs: this.nowMs, node: node.id, event });
    switch (event.kind) {
      case 'role':
        this.note(() => `${node.id} becomes ${event.role} in term ${event.term}`, 7 + event.term);
        return;
      case 'needStateTransfer':
        this.note(
          () => `${node.id} needs state transfer from ${event.donor} up to ${event.upTo}`,
          8,
        );
        this.schedule(20 + this.rng.int(80), {
          kind: 'sst',
          node: node.slot,
          incarnation: node.incarnation,
          donor: event.donor,
          upTo: event.upTo,
        });
        return;
      case 'forcedBootstrap':
        this.forced = true;
        return;
      case 'diverged':
        // Two histories: only pc.bootstrap may make them. Anywhere else, a safety bug.
        if (!this.forced)
          this.checker.fail(
            this.nowMs,
            `${node.id} found ${event.leader}'s log differs from its own at committed ${event.index}`,
          );
        return;
      case 'rejoinTarget':
        node.durable.rejoin = { target: event.index };
        return;
      case 'rejoined':
        delete node.durable.rejoin;
        return;
      case 'removed':
        this.note(() => `${node.id} removed at ${event.index}`, 9);
        if (node.leaving) {
          node.status = 'left';
          node.raft = null;
          node.incarnation++;
        }
        return;
      case 'proposalsDropped':
        this.application?.dropped?.(node, event.proposalIds, event.reason);
        return;
      case 'readReady': {
        const floor = this.readRequests.get(event.context);
        if (floor !== undefined && event.index < floor) {
          this.checker.fail(
            this.nowMs,
            `read ${event.context} on ${node.id} at ${event.index} misses commit ${floor}`,
          );
        }
        this.readRequests.delete(event.context);
        return;
      }
      default:
        return;
    }
  }

  private maybeCompact(node: SimNode): void {
    const raft = node.raft;
    if (raft === null) return;
    const keep = this.params.compactKeepEntries;
    if (raft.log.applied - raft.log.boundaryIndex > keep * 2) {
      raft.step({ type: 'compact', index: asIndex(raft.log.applied - keep) });
    }
  }

  private onStateTransferDone(
    slot: number,
    incarnation: number,
    donorId: NodeId,
    upTo: Index,
  ): void {
    const node = this.nodes[slot]!;
    const donor = this.nodes[slotOf(donorId)]!;
    if (node.incarnation !== incarnation || node.status === 'down' || node.raft === null) return;
    if (node.busy || node.status === 'paused') {
      // A state is installed between batches, never under one in flight.
      this.schedule(5, { kind: 'sst', node: slot, incarnation, donor: donorId, upTo });
      return;
    }
    if (donor.status !== 'up' || donor.raft === null || donor.appliedIndex < upTo) return;
    const index = asIndex(donor.appliedIndex);
    const term = donor.raft.log.termAt(index);
    const config = donor.raft.configAt(index);
    if (term === null || config === null || index <= node.appliedIndex) return;
    if (this.application !== null && this.application.copyState(node, donor) !== index) {
      this.schedule(5, { kind: 'sst', node: slot, incarnation, donor: donorId, upTo });
      return;
    }
    this.note(() => `${node.id} copied state from ${donor.id} at ${index}`, 10);
    node.appliedIndex = index;
    node.appliedHash = donor.appliedHash;
    node.durable = {
      hardState: { ...node.durable.hardState, commit: index },
      boundary: { index, term, config },
      entries: [],
      ...(node.durable.rejoin === undefined ? {} : { rejoin: node.durable.rejoin }),
    };
    node.cache = [];
    node.checkedCommit = index;
    this.checker.onStateCopied(this.nowMs, node.id, index, node.appliedHash);
    this.stepNode(node, { type: 'stateTransferred', index, term, config });
  }

  // ---- clients ----

  /** Proposes `count` entries on a node; returns the first proposal id, or null when it is down. */
  propose(slot: number, count: number): number | null {
    const node = this.nodes[slot]!;
    if (node.status !== 'up') return null;
    const first = this.nextProposalId;
    const proposals = Array.from({ length: count }, () => ({
      data: new Uint8Array(8 + this.rng.int(120)),
      proposalId: this.nextProposalId++,
    }));
    this.stepNode(node, { type: 'propose', proposals });
    return first;
  }

  /** Proposes one payload (a write-set) on a node; returns its proposal id, or null when down. */
  proposeData(slot: number, data: Uint8Array): number | null {
    const node = this.nodes[slot]!;
    if (node.status !== 'up') return null;
    const proposalId = this.nextProposalId++;
    this.stepNode(node, { type: 'propose', proposals: [{ data, proposalId }] });
    return proposalId;
  }

  read(slot: number): void {
    const node = this.nodes[slot]!;
    if (node.status !== 'up') return;
    const context = this.nextReadContext++;
    this.readRequests.set(context, this.checker.maxCommitSeen);
    this.stepNode(node, { type: 'readIndex', context });
  }

  private coreCanary(): RaftCanary | undefined {
    if (this.params.canary === 'unpersisted-vote') return { unpersistedVote: true };
    if (this.params.canary === 'stale-term-commit') return { staleTermCommit: true };
    if (this.params.canary === 'commit-past-append') return { commitPastAppend: true };
    return undefined;
  }
}

function writeDurable(durable: Durable, write: PendingWrite): void {
  if (write.boundary !== null) {
    const boundary = write.boundary;
    durable.entries = write.resetLog ? [] : durable.entries.filter((e) => e.index > boundary.index);
    durable.boundary = boundary;
  }
  if (write.hardState !== null) durable.hardState = write.hardState;
  const first = write.entries[0];
  if (first !== undefined) {
    const keep = first.index - durable.boundary.index - 1;
    if (keep < 0 || keep > durable.entries.length) {
      throw new AssertionError(
        `durable log write at ${first.index} leaves a gap after ${durable.boundary.index + durable.entries.length}`,
      );
    }
    durable.entries.length = keep;
    for (const entry of write.entries) durable.entries.push(entry);
  }
}

export function slotOf(id: NodeId): number {
  return Number(id.slice(1)) - 1;
}

function mix(hash: number, a: number, b: number): number {
  let h = Math.imul(hash ^ a, 0x01000193) >>> 0;
  h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export function describe(m: Message): string {
  switch (m.type) {
    case 'append':
      return `append t${m.term} prev ${m.prevIndex}/${m.prevTerm} +${m.entries.length} commit ${m.commit}`;
    case 'appendResponse':
      return `appendResponse t${m.term} ${m.reject ? `reject ${m.index} hint ${m.hintIndex}/${m.hintTerm}` : `ok ${m.index}`}`;
    case 'preVote':
    case 'vote':
      return `${m.type} t${m.term} last ${m.lastIndex}/${m.lastTerm}`;
    case 'preVoteResponse':
    case 'voteResponse':
      return `${m.type} t${m.term} ${m.reject ? 'reject' : 'grant'}`;
    case 'heartbeat':
      return `heartbeat t${m.term} commit ${m.commit} read ${m.readSeq}`;
    default:
      return `${m.type} t${m.term}`;
  }
}

/** Whether a ready batch's hard state changes the durable term, vote or forced configuration. */
function movesTermOrVote(durable: HardState, next: HardState | null): boolean {
  return (
    next !== null &&
    (next.term !== durable.term ||
      next.vote !== durable.vote ||
      next.forcedConfig !== durable.forcedConfig)
  );
}
