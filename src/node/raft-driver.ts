// Drives the pure consensus core with real time and I/O: a timer turns into ticks, and each ready
// batch is persisted (fsync, group-committed by the log), then its messages are sent, then its
// committed entries go to the apply lane. Applying runs in its own lane so that a large apply
// batch never holds up heartbeats: the core is told `applied` when the lane catches up.
// See docs/design/runtime.md.
import { assert } from '../core/assert.js';
import type { Raft } from '../core/consensus/raft.js';
import type {
  Boundary,
  Entry,
  HardState,
  Input,
  Message,
  Proposal,
  RaftEvent,
} from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import { index as asIndex } from '../core/types.js';
import type { CommitTrace, TraceToken } from '../engine/commit-trace.js';

/** The durable log (gcache): resolves once the batch is fsynced. */
export interface DurableLog {
  write(batch: {
    readonly hardState: HardState | null;
    readonly boundary: Boundary | null;
    readonly resetLog: boolean;
    readonly entries: readonly Entry[];
  }): Promise<void>;
}

/**
 * Where outgoing consensus messages go (the transport; it may drop, Raft tolerates loss). False:
 * dropped before it left (no link to the addressee).
 */
export interface MessageSink {
  send(message: Message): boolean;
}

/** Applies committed entries in order; resolves with the last index applied. */
export interface CommittedSink {
  apply(entries: readonly Entry[]): Promise<Index>;
}

export interface RaftDriverOptions {
  readonly tickMs: number;
  /** Most committed entries waiting in the apply lane before the driver stops taking more. */
  readonly applyQueueEntriesMax: number;
  readonly onEvent?: (event: RaftEvent) => void;
  readonly onError?: (error: unknown) => void;
  /** The node's commit trace: log, flush, commit and apply moments of sampled proposals. */
  readonly trace?: CommitTrace;
  /** How long a leader holds a commit notice (default commitNoticeHoldMs). */
  readonly commitNoticeHoldMs?: number;
  /** An entry of this node applied that no proposal waits for (its verdict is not wanted). */
  readonly onUnclaimed?: (index: Index) => void;
}

export type ProposeOutcome =
  | { readonly kind: 'appended'; readonly index: Index }
  | { readonly kind: 'dropped'; readonly reason: string };

/**
 * How long a leader holds an append that carries no entries, only a new commit index, for a
 * follower that proposed none of the entries it commits: the follower waits for nothing, and the
 * next append to it (the next commit's entries, usually within this time under load) carries the
 * commit anyway, so the notice and the follower's answer to it are saved (docs/design/runtime.md,
 * "Commit notices").
 */
export const commitNoticeHoldMs = 2;

/** How soon a copy of a proposal that a leader refused is made again (RaftDriver.propose). */
const resendRetryMs = 50;

/** Most commit-only hard-state writes in flight without being waited for. */
const unsyncedWritesMax = 64;

/** The leader's append messages of a ready batch. */
function appends(ready: { readonly messages: readonly Message[] }): Message[] {
  return ready.messages.filter((m) => m.type === 'append');
}

/** An append without entries: it tells a follower of a new commit index (or probes it). */
function isCommitNotice(message: Message): boolean {
  return message.type === 'append' && message.entries.length === 0;
}

/** The nodes whose proposals are among `entries`. */
function originsOf(entries: readonly Entry[]): Set<string> {
  const origins = new Set<string>();
  for (const entry of entries) if (entry.origin !== null) origins.add(entry.origin);
  return origins;
}

export class RaftDriver {
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private stopped = false;
  private readonly applyQueue: Entry[][] = [];
  private applyQueuedEntries = 0;
  private applying = false;
  /**
   * Larger than any id of this node's earlier runs (microseconds since the epoch), so that an
   * entry a previous run of the node proposed is never taken for a proposal of this one.
   */
  private nextProposalId = Date.now() * 1000;
  private readonly waiting = new Map<number, (outcome: ProposeOutcome) => void>();
  /**
   * Proposals that may be made again under a new leader (see propose()), with the term they
   * were last made in.
   */
  private readonly resendable = new Map<
    number,
    { readonly data: Uint8Array; term: number; copies: number }
  >();
  /** Copies refused somewhere, made again at the next retry (resendRetryMs). */
  private readonly retrying = new Set<number>();
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly reads = new Map<number, (index: Index | null) => void>();
  private nextReadContext = 1;
  private idle: Promise<void> = Promise.resolve();
  /** Sampled proposals of this node not yet in its log, by proposal id. */
  private readonly traced = new Map<number, TraceToken>();
  /** Commit notices held back (commitNoticeHoldMs), by follower; a later append replaces one. */
  private readonly heldNotices = new Map<string, Message>();
  private heldTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly raft: Raft,
    private readonly log: DurableLog,
    private readonly sink: MessageSink,
    private readonly committed: CommittedSink,
    private readonly options: RaftDriverOptions,
  ) {
    assert(options.tickMs > 0, 'tick interval must be positive');
  }

  start(): void {
    assert(this.timer === null, 'driver started twice');
    this.timer = setInterval(() => this.step({ type: 'tick' }), this.options.tickMs);
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.heldTimer !== null) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.heldNotices.clear();
    for (const resolve of this.waiting.values()) resolve({ kind: 'dropped', reason: 'stopping' });
    this.waiting.clear();
    this.forgetResends();
    for (const resolve of this.reads.values()) resolve(null);
    this.reads.clear();
    await this.idle;
  }

  step(input: Input): void {
    if (this.stopped) return;
    this.raft.step(input);
    this.pump();
  }

  receive(message: Message): void {
    this.step({ type: 'message', message });
  }

  /**
   * Proposes a payload. Resolves when the entry is known in the log at an index (applied on this
   * node, where the caller learns the certification verdict) or dropped.
   *
   * `resendable`: the payload may be in the log twice, its later copies harmless (a write-set
   * that certification fails when an earlier copy is in the log, docs/design/runtime.md,
   * "Proposals under a new leader"). Such a proposal is made again, with the same id, whenever a
   * leader of a newer term is known and it is not yet settled: the leader it went to (or this
   * node, when it led) may have lost it with its log, killed before its append reached anyone,
   * and its origin cannot tell that from an append that will still commit. The first copy
   * applied settles it.
   */
  propose(
    data: Uint8Array,
    traceKey?: object,
    resendable = false,
  ): {
    readonly proposalId: number;
    readonly done: Promise<ProposeOutcome>;
  } {
    const proposalId = this.nextProposalId++;
    const token = traceKey === undefined ? undefined : this.options.trace?.of(traceKey);
    if (token !== undefined) this.traced.set(proposalId, token);
    const done = new Promise<ProposeOutcome>((resolve) => this.waiting.set(proposalId, resolve));
    if (resendable) this.resendable.set(proposalId, { data, term: this.raft.term, copies: 0 });
    const proposal: Proposal = { data, proposalId };
    this.step({ type: 'propose', proposals: [proposal] });
    return { proposalId, done };
  }

  /** ReadIndex: resolves with an index that covers every commit made before the call, or null. */
  readIndex(): Promise<Index | null> {
    const context = this.nextReadContext++;
    const done = new Promise<Index | null>((resolve) => this.reads.set(context, resolve));
    this.step({ type: 'readIndex', context });
    return done;
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    this.idle = this.pumpLoop()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.pumping = false;
      });
  }

  private async pumpLoop(): Promise<void> {
    while (!this.stopped && this.raft.hasReady()) {
      if (this.applyQueuedEntries >= this.options.applyQueueEntriesMax) return; // the lane resumes us
      const ready = this.raft.ready();
      const needsWrite =
        ready.hardState !== null || ready.boundary !== null || ready.entries.length > 0;
      const trace = this.options.trace;
      if (trace !== undefined && this.traced.size > 0) this.traceLogged(trace, ready.entries);
      // A leader's appends may leave before its own flush (Raft thesis §10.2.1): the core counts
      // the leader toward a commit only once told `persisted`, and they carry a term already on
      // disk unless this very batch changed it. Everything else (votes, acknowledgements) waits.
      const early = needsWrite && !this.termOrVoteChanges(ready.hardState) ? appends(ready) : [];
      const waiting = ready.messages.some(isCommitNotice) ? originsOf(ready.committed) : null;
      for (const message of early) this.send(message, waiting);
      if (needsWrite) {
        const startedMs = performance.now();
        const write = this.log.write({
          hardState: ready.hardState,
          boundary: ready.boundary,
          resetLog: ready.resetLog,
          entries: ready.entries,
        });
        // Only entries, the boundary, the term and the vote must be durable before anyone hears
        // of them; a commit index that moved alone may reach the disk later (it is re-learned from
        // the leader after a crash), so it is written but not waited for (etcd's MustSync).
        if (this.mustSync(ready) || this.unsyncedWrites >= unsyncedWritesMax) {
          await write;
          if (trace !== undefined && ready.entries.length > 0) {
            trace.flushed(performance.now() - startedMs);
            trace.markRange(ready.entries[0]!.index, ready.entries.at(-1)!.index, 'flushed');
          }
        } else {
          this.unsyncedWrites++;
          write
            .catch((error: unknown) => this.options.onError?.(error))
            .finally(() => this.unsyncedWrites--);
        }
      }
      if (this.stopped) return;
      for (const message of ready.messages)
        if (!early.includes(message)) this.send(message, waiting);
      const last = ready.entries[ready.entries.length - 1];
      if (last !== undefined)
        this.raft.step({ type: 'persisted', index: last.index, term: last.term });
      if (ready.committed.length > 0) {
        trace?.markRange(ready.committed[0]!.index, ready.committed.at(-1)!.index, 'committed');
        this.enqueueApply(ready.committed);
      }
      this.raft.advance();
      for (const event of ready.events) this.onEvent(event);
    }
  }

  /**
   * Sends `message`, or holds it when it is a commit notice for a follower that is not among
   * `waiting` (the origins of the entries committed in this batch). A later append to that
   * follower replaces a held notice: it carries a commit at least as new.
   */
  private send(message: Message, waiting: ReadonlySet<string> | null): void {
    if (message.type === 'append') {
      if (isCommitNotice(message) && waiting !== null && !waiting.has(message.to)) {
        this.heldNotices.set(message.to, message);
        this.heldTimer ??= setTimeout(
          () => this.releaseNotices(),
          this.options.commitNoticeHoldMs ?? commitNoticeHoldMs,
        );
        return;
      }
      this.heldNotices.delete(message.to);
    }
    const sent = this.sink.send(message);
    // Proposals forwarded to a leader this node has no link to (it reconnects): nothing left,
    // so the proposer may try again (the replicator retries `not_leader`). Raft alone would
    // leave them waiting for an entry that never comes, until the commit timeout.
    if (!sent && message.type === 'propose')
      this.onEvent({
        kind: 'proposalsDropped',
        proposalIds: message.proposals.map((p) => p.proposalId),
        reason: 'not_leader',
      });
  }

  private releaseNotices(): void {
    this.heldTimer = null;
    if (this.stopped) return;
    for (const message of this.heldNotices.values()) this.sink.send(message);
    this.heldNotices.clear();
  }

  /** Sampled proposals of this node that reached its log: traced by index from here on. */
  private traceLogged(trace: CommitTrace, entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.origin !== this.raft.id || entry.kind !== 'normal') continue;
      const token = this.traced.get(entry.proposalId);
      if (token === undefined) continue;
      this.traced.delete(entry.proposalId);
      trace.atIndex(token, entry.index);
      trace.mark(token, 'logged');
    }
  }

  private unsyncedWrites = 0;
  private syncedTerm = -1;
  private syncedVote: string | null = null;
  private syncedForced: unknown = null;

  /** Whether this hard state moves the term or the vote from what is on disk. */
  private termOrVoteChanges(hs: HardState | null): boolean {
    return (
      hs !== null &&
      (hs.term !== this.syncedTerm ||
        hs.vote !== this.syncedVote ||
        hs.forcedConfig !== this.syncedForced)
    );
  }

  private mustSync(ready: {
    hardState: HardState | null;
    boundary: unknown;
    entries: readonly Entry[];
  }): boolean {
    const hs = ready.hardState;
    let changed = false;
    if (hs !== null) {
      changed =
        hs.term !== this.syncedTerm ||
        hs.vote !== this.syncedVote ||
        hs.forcedConfig !== this.syncedForced;
      this.syncedTerm = hs.term;
      this.syncedVote = hs.vote;
      this.syncedForced = hs.forcedConfig;
    }
    return changed || ready.boundary !== null || ready.entries.length > 0;
  }

  private enqueueApply(entries: readonly Entry[]): void {
    this.applyQueue.push([...entries]);
    this.applyQueuedEntries += entries.length;
    if (!this.applying) void this.applyLane();
  }

  private async applyLane(): Promise<void> {
    this.applying = true;
    try {
      while (!this.stopped && this.applyQueue.length > 0) {
        const batch = this.applyQueue.shift()!;
        const applied = await this.committed.apply(batch);
        this.options.trace?.markRange(batch[0]!.index, batch.at(-1)!.index, 'applied');
        this.applyQueuedEntries -= batch.length;
        for (const entry of batch) this.settleProposal(entry);
        if (this.stopped) return;
        this.raft.step({ type: 'applied', index: applied });
        this.pump();
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.applying = false;
    }
  }

  private settleProposal(entry: Entry): void {
    if (entry.origin !== this.raft.id || entry.kind !== 'normal') return;
    const resolve = this.waiting.get(entry.proposalId);
    if (resolve === undefined) {
      // Another copy of a proposal made again, or one of an earlier run of this node.
      this.options.onUnclaimed?.(entry.index);
      return;
    }
    this.waiting.delete(entry.proposalId);
    this.resendable.delete(entry.proposalId);
    this.retrying.delete(entry.proposalId);
    resolve({ kind: 'appended', index: entry.index });
  }

  /**
   * The caller gave up on a proposal (its commit timeout): nothing waits for it or makes it
   * again; should a copy still be applied, its verdict goes unclaimed.
   */
  abandon(proposalId: number): void {
    this.waiting.delete(proposalId);
    this.resendable.delete(proposalId);
    this.retrying.delete(proposalId);
    this.traced.delete(proposalId);
  }

  private forgetResends(): void {
    this.resendable.clear();
    this.retrying.clear();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Makes the refused copies again after resendRetryMs, while they are still waited for. */
  private scheduleRetry(): void {
    this.retryTimer ??= setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      const again: Proposal[] = [];
      for (const id of this.retrying) {
        const proposal = this.resendable.get(id);
        if (proposal === undefined) continue;
        proposal.copies++;
        again.push({ data: proposal.data, proposalId: id });
      }
      this.retrying.clear();
      if (again.length === 0) return;
      this.resent += again.length;
      this.step({ type: 'propose', proposals: again });
    }, resendRetryMs);
  }

  /** A leader of a newer term: the proposals still waiting that may be made again go to it. */
  private resend(term: number): void {
    const again: Proposal[] = [];
    for (const [proposalId, proposal] of this.resendable) {
      if (proposal.term >= term) continue;
      proposal.term = term;
      proposal.copies++;
      again.push({ data: proposal.data, proposalId });
    }
    if (again.length === 0) return;
    this.resent += again.length;
    this.step({ type: 'propose', proposals: again });
  }

  /** Proposals made again under a new leader (trireme_proposals_resent). */
  resent = 0;

  private onEvent(event: RaftEvent): void {
    if (event.kind === 'proposalsDropped') {
      for (const id of event.proposalIds) {
        // Once made again, a refusal of one copy says nothing of the others (the first may be
        // in the new leader's log already): it waits on, and the refused copy is made again.
        const proposal = this.resendable.get(id);
        if (proposal !== undefined && proposal.copies > 0 && this.waiting.has(id)) {
          this.retrying.add(id);
          this.scheduleRetry();
          continue;
        }
        this.traced.delete(id);
        this.resendable.delete(id);
        const resolve = this.waiting.get(id);
        this.waiting.delete(id);
        resolve?.({ kind: 'dropped', reason: event.reason });
      }
    } else if (event.kind === 'readReady') {
      const resolve = this.reads.get(event.context);
      this.reads.delete(event.context);
      resolve?.(event.index);
    } else if (event.kind === 'leader' && event.leader !== null && this.resendable.size > 0) {
      this.resend(event.term);
    }
    this.options.onEvent?.(event);
  }

  /** Drops every proposal still waiting (e.g. after losing the primary component). */
  dropWaiting(reason: string): void {
    for (const resolve of this.waiting.values()) resolve({ kind: 'dropped', reason });
    this.waiting.clear();
    this.forgetResends();
    this.traced.clear();
  }

  get trace(): CommitTrace | undefined {
    return this.options.trace;
  }

  appliedIndex(): Index {
    return asIndex(this.raft.log.applied);
  }
}
