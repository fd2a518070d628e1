// Raft as a pure, synchronous, deterministic state machine in the shape of etcd/raft, with
// Galera's membership semantics on top (docs/design/consensus.md). Inputs arrive through
// `step()`; outputs leave as a `Ready` batch that the caller persists, sends, applies and then
// acknowledges with `advance()`.
import { assert } from '../assert.js';
import { defaultRaftLimits, entryOverheadBytes, type RaftLimits } from '../limits.js';
import type { Prng } from '../prng.js';
import type { Index, NodeId, Term } from '../types.js';
import { index as asIndex, term as asTerm } from '../types.js';
import { RaftLog } from './log.js';
import { Progress } from './progress.js';
import type {
  Boundary,
  ConfigState,
  DurableState,
  Entry,
  HardState,
  Input,
  Message,
  Proposal,
  RaftEvent,
  RaftOptions,
  Ready,
  Role,
} from './types.js';

const ROLE_TRANSITIONS = {
  follower: ['follower', 'preCandidate', 'candidate'],
  preCandidate: ['follower', 'preCandidate', 'candidate'],
  candidate: ['follower', 'preCandidate', 'candidate', 'leader'],
  leader: ['follower'],
} as const satisfies Record<Role, readonly Role[]>;

type Distribute<T> = T extends unknown ? Omit<T, 'from' | 'term'> & { term?: Term } : never;
type OutgoingMessage = Distribute<Message>;

interface PendingRead {
  readonly seq: number;
  readonly index: Index;
  readonly from: NodeId;
  readonly context: number;
}

type MembershipChange =
  | { readonly kind: 'remove'; readonly node: NodeId }
  | { readonly kind: 'addLearner'; readonly node: NodeId };

export const emptyConfig: ConfigState = { voters: [], learners: [] };

/** pc.bootstrap moves the survivor's term this far on (onForceBootstrap says why). */
export const forcedTermStep = 1000;

/** The durable state of a node that has never run: its log starts empty under `config`. */
export function initialDurableState(config: ConfigState): DurableState {
  return {
    hardState: { term: asTerm(0), vote: null, commit: asIndex(0), forcedConfig: null },
    boundary: { index: asIndex(0), term: asTerm(0), config: normalizeConfig(config) },
    entries: [],
  };
}

export function normalizeConfig(config: ConfigState): ConfigState {
  const voters = [...new Set(config.voters)].sort();
  const learners = [...new Set(config.learners)].filter((n) => !voters.includes(n)).sort();
  return { voters, learners };
}

export function quorumOf(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

export class Raft {
  readonly id: NodeId;
  readonly log: RaftLog;
  private readonly options: RaftOptions;
  private readonly limits: RaftLimits;
  private readonly prng: Prng;

  private currentTerm: Term;
  private vote: NodeId | null;
  private currentRole: Role = 'follower';
  private currentLeader: NodeId | null = null;
  /** Configurations in log order; the first is the one at the compaction boundary. */
  private configHistory: Array<{ index: Index; config: ConfigState }>;
  private forcedConfig: ConfigState | null;

  private readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();
  private nowTick = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;

  private leadTransferee: NodeId | null = null;
  private transferElapsed = 0;
  private readonly membershipQueue: MembershipChange[] = [];
  private uncommittedBytes = 0;

  private readSeq = 0;
  private pendingReads: PendingRead[] = [];
  private readsBeforeCommit: Array<{ from: NodeId; context: number }> = [];

  private leaving = false;
  /**
   * Set while this node rejoins on an empty datadir (DurableState.rejoin). Raft's safety rests on
   * a voter keeping what it acknowledged and voted for; a wiped node kept neither, and its vote
   * could elect a candidate without writes the cluster committed with the node's old
   * acknowledgements. It votes again once its log reaches what a leader had committed.
   */
  private rejoin: { target: Index | null } | null;
  /**
   * The highest commit index a leader's append has carried since this node started (null: none
   * yet). Unlike log.commit, which a follower takes only up to what an append vouched for, this
   * says how far the cluster is: a node is not synced before it has heard it (leaderCommit()).
   */
  private leaderCommitHeard: Index | null = null;
  /**
   * Heartbeats since the last append. A heartbeat's commit is capped at what the leader knows
   * this node holds; a node that lacks entries gets appends right after its answer. So two
   * heartbeats with no append between them say the node holds the leader's commit (a leader of
   * an older version never answers a commit report with an append on an idle cluster).
   */
  private heartbeatsSinceAppend = 0;
  private knownPeers: readonly NodeId[];
  /**
   * Nodes that asked this leader to let them leave. Its heartbeats to peers outside the
   * configuration skip them, and their answers do not add them back; a join of theirs does.
   */
  private readonly departed = new Set<NodeId>();
  /** Departed nodes this leader has told that they are out (once each, at the commit). */
  private readonly leaveConfirmedTo = new Set<NodeId>();
  private removedReported = false;
  private memberElapsed = 0;
  /**
   * `term/leader` of the leader this follower has told where its log is committed, once per
   * leader: a node that restarted (after a state transfer, say) is known to the leader only by
   * what it last answered, and the leader would otherwise wait out stateTransferRetryTicks.
   */
  private committedReportedTo: string | null = null;
  /** Whether a leader's log was found to differ from this one at a committed index (once). */
  private divergedReported = false;
  private stateTransferPendingSinceTick: number | null = null;
  /** Whether this node has known a leader since it started (see resetElectionTimeout). */
  private leaderKnown = false;
  /** The flow-control flag of the leader's last heartbeat (followers). */
  private leaderFlowControl = false;
  /** Whether this node's apply queue was over gcs.fc_limit when last looked at. */
  private fcOwnOver = false;
  /** wsrep_desync: this node's apply queue does not count for flow control. */
  private desynced = false;
  /** Whether replication was paused when last looked at (leader). */
  private fcPausedBefore = false;
  /** wsrep_flow_control_sent: times this node's apply queue went over gcs.fc_limit. */
  flowControlSent = 0;
  /** wsrep_flow_control_recv: times this node saw replication pause for flow control. */
  flowControlReceived = 0;

  // Outputs accumulated for the next ready batch.
  private messages: Message[] = [];
  private events: RaftEvent[] = [];
  private boundaryOut: Boundary | null = null;
  private resetLogOut = false;
  private persistedHardState: HardState;
  private readyOutstanding = false;

  constructor(
    options: RaftOptions,
    durable: DurableState,
    prng: Prng,
    limits: RaftLimits = defaultRaftLimits,
  ) {
    assert(
      options.electionTicks > options.heartbeatTicks,
      'election timeout must exceed heartbeat',
    );
    assert(options.heartbeatTicks >= 1, 'heartbeat interval must be at least one tick');
    this.id = options.id;
    this.options = options;
    this.limits = limits;
    this.prng = prng;
    const hs = durable.hardState;
    this.currentTerm = hs.term;
    this.vote = hs.vote;
    this.forcedConfig = hs.forcedConfig;
    this.persistedHardState = hs;
    this.rejoin = durable.rejoin === undefined ? null : { target: durable.rejoin.target };
    this.knownPeers = [...options.peers].sort();
    this.log = new RaftLog(
      durable.boundary,
      durable.entries,
      hs.commit,
      durable.applied ?? durable.boundary.index,
    );
    this.configHistory = [{ index: durable.boundary.index, config: durable.boundary.config }];
    for (const entry of durable.entries) {
      if (entry.kind === 'config')
        this.configHistory.push({ index: entry.index, config: entry.config! });
    }
    this.resetElectionTimeout();
  }

  // ---- observers ----

  get term(): Term {
    return this.currentTerm;
  }
  get role(): Role {
    return this.currentRole;
  }
  get leader(): NodeId | null {
    return this.currentLeader;
  }
  get votedFor(): NodeId | null {
    return this.vote;
  }
  get isLeaving(): boolean {
    return this.leaving;
  }

  /**
   * How far the cluster has committed, as far as this node knows: its own commit as leader, else
   * the highest commit a leader's append carried since it started; null before any.
   */
  leaderCommit(): Index | null {
    if (this.currentRole === 'leader') return this.log.commit;
    return this.leaderCommitHeard;
  }

  config(): ConfigState {
    return this.forcedConfig ?? this.configHistory[this.configHistory.length - 1]!.config;
  }

  /** The configuration in force at `index`, or null when that is before the boundary. */
  configAt(index: Index): ConfigState | null {
    if (index < this.configHistory[0]!.index) return null;
    let found = this.configHistory[0]!.config;
    for (const item of this.configHistory) {
      if (item.index > index) break;
      found = item.config;
    }
    return found;
  }

  /** Back on an empty datadir and not caught up yet: it grants no vote (the rejoin rule). */
  get rejoining(): boolean {
    return this.rejoin !== null;
  }

  /** The index of the newest configuration entry in the log. */
  configIndex(): Index {
    return this.configHistory[this.configHistory.length - 1]!.index;
  }

  /**
   * The index of the newest configuration entry still in the log, or null when the log holds
   * none: the configuration in effect then came with the boundary, whose index is where the log
   * was compacted (different on every node), not where that configuration was made.
   */
  configEntryIndex(): Index | null {
    return this.configHistory.length > 1 ? this.configIndex() : null;
  }

  isVoter(node: NodeId = this.id): boolean {
    return this.config().voters.includes(node);
  }

  isMember(node: NodeId = this.id): boolean {
    const config = this.config();
    return config.voters.includes(node) || config.learners.includes(node);
  }

  /** Leader only: how far each member's log is known to match. */
  matchOf(node: NodeId): Index | null {
    if (node === this.id) return this.log.stableIndex;
    return this.progress.get(node)?.match ?? null;
  }

  hardState(): HardState {
    return {
      term: this.currentTerm,
      vote: this.options.canary?.unpersistedVote ? this.persistedHardState.vote : this.vote,
      commit: this.log.commit,
      forcedConfig: this.forcedConfig,
    };
  }

  // ---- the batch interface ----

  hasReady(): boolean {
    if (this.readyOutstanding) return false;
    return (
      this.messages.length > 0 ||
      this.events.length > 0 ||
      this.boundaryOut !== null ||
      this.log.unstableFrom <= this.log.lastIndex() ||
      this.log.emittedApply < this.log.commit ||
      !sameHardState(this.hardState(), this.persistedHardState)
    );
  }

  ready(): Ready {
    assert(!this.readyOutstanding, 'ready() called again before advance()');
    this.readyOutstanding = true;
    const hardState = this.hardState();
    const changed = !sameHardState(hardState, this.persistedHardState);
    if (changed) this.persistedHardState = hardState;
    const ready: Ready = {
      hardState: changed ? hardState : null,
      boundary: this.boundaryOut,
      resetLog: this.resetLogOut,
      entries: this.log.takeUnstable(),
      messages: this.messages,
      committed: this.log.takeCommitted(this.limits.applyBytesMax, entryOverheadBytes),
      events: this.events,
    };
    this.messages = [];
    this.events = [];
    this.boundaryOut = null;
    this.resetLogOut = false;
    return ready;
  }

  advance(): void {
    assert(this.readyOutstanding, 'advance() without a ready batch');
    this.readyOutstanding = false;
  }

  // ---- inputs ----

  step(input: Input): void {
    switch (input.type) {
      case 'tick':
        return this.tick();
      case 'message':
        return this.onMessage(input.message);
      case 'propose':
        return this.propose(this.id, input.proposals);
      case 'persisted':
        return this.onPersisted(input.index, input.term);
      case 'applied':
        return this.onApplied(input.index);
      case 'compact':
        return this.onCompact(input.index);
      case 'readIndex':
        return this.onReadIndex(this.id, input.context);
      case 'transferLeadership':
        return this.transferLeadership(input.to);
      case 'leave':
        return this.onLeave();
      case 'addLearner':
        return this.queueMembership({ kind: 'addLearner', node: input.node });
      case 'removeNode':
        return this.queueMembership({ kind: 'remove', node: input.node });
      case 'stateTransferred':
        return this.onStateTransferred(input.index, input.term, input.config);
      case 'forceBootstrap':
        return this.onForceBootstrap(input.voters);
      case 'campaign':
        return this.campaign(this.options.preVote ? 'pre' : 'real');
      case 'desync':
        this.desynced = input.on;
        return this.noteOwnQueue();
      case 'peers': {
        const known = new Set(this.knownPeers);
        this.knownPeers = [...input.peers].sort();
        // A node outside the configuration asks a peer it has just met at once, not at its next
        // periodic ask (electionTicks, evs.suspect_timeout, apart).
        if (!this.isMember() && !this.leaving)
          for (const peer of this.knownPeers)
            if (!known.has(peer) && peer !== this.id)
              this.send({ type: 'join', to: peer, node: this.id });
        return;
      }
    }
  }

  // ---- time ----

  private tick(): void {
    this.nowTick++;
    this.checkRejoined();
    if (this.currentRole === 'leader') return this.tickLeader();
    this.electionElapsed++;
    if (this.isPromotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.campaign(this.options.preVote ? 'pre' : 'real');
    }
    this.tickMembership();
    if (
      this.stateTransferPendingSinceTick !== null &&
      this.nowTick - this.stateTransferPendingSinceTick >= this.options.stateTransferRetryTicks
    ) {
      this.stateTransferPendingSinceTick = null;
    }
  }

  /** A follower that is leaving, or not a member, keeps asking until the leader acts. */
  private tickMembership(): void {
    // A learner that hears from no leader may have been removed without learning it.
    const orphan = !this.isVoter() && this.electionElapsed >= 2 * this.options.electionTicks;
    const member = this.isMember() && !orphan;
    if (member && !this.leaving) {
      this.memberElapsed = 0;
      return;
    }
    this.memberElapsed++;
    if (this.memberElapsed < this.options.electionTicks) return;
    this.memberElapsed = 0;
    if (this.leaving) {
      if (this.removedReported) return;
      const targets = this.currentLeader !== null ? [this.currentLeader] : this.contactList();
      for (const peer of targets) this.send({ type: 'leave', to: peer, node: this.id });
      return;
    }
    for (const peer of this.contactList()) this.send({ type: 'join', to: peer, node: this.id });
  }

  private tickLeader(): void {
    this.noteOwnQueue();
    const paused = this.flowControlPaused();
    if (paused && !this.fcPausedBefore) this.flowControlReceived++;
    this.fcPausedBefore = paused;
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.options.electionTicks) {
      this.electionElapsed = 0;
      if (this.options.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.currentTerm, null);
        return;
      }
    }
    if (this.leadTransferee !== null && ++this.transferElapsed >= this.options.electionTicks) {
      this.abortTransfer();
    }
    if (this.heartbeatElapsed >= this.options.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat();
    }
    // Leave requests from others go first, so two leaving nodes never hand leadership back and forth.
    if (this.leaving && this.leadTransferee === null && this.membershipQueue.length === 0) {
      this.handOverLeadership();
    }
    this.applyMembershipPolicy();
  }

  private quorumActive(): boolean {
    let active = 0;
    for (const voter of this.config().voters) {
      if (voter === this.id) {
        active++;
        continue;
      }
      const pr = this.progress.get(voter);
      if (pr?.recentActive) active++;
    }
    for (const pr of this.progress.values()) pr.recentActive = false;
    return active >= quorumOf(this.config().voters.length);
  }

  // ---- elections ----

  /** A leaving voter still campaigns: it may hold the only up-to-date log; it hands over after. */
  private isPromotable(): boolean {
    return this.isVoter() && this.stateTransferPendingSinceTick === null && this.rejoin === null;
  }

  /** Whether a rejoining node's log now covers its target (then it is a full voter again). */
  private checkRejoined(): void {
    if (this.rejoin === null || this.rejoin.target === null) return;
    if (this.log.stableIndex < this.rejoin.target) return;
    this.events.push({ kind: 'rejoined', index: this.rejoin.target });
    this.rejoin = null;
  }

  private campaign(kind: 'pre' | 'real' | 'transfer'): void {
    if (!this.isVoter() || this.rejoin !== null) return;
    if (this.currentRole === 'leader') return;
    let voteTerm: Term;
    if (kind === 'pre') {
      this.becomeRole('preCandidate');
      this.setLeader(null); // a node that campaigns has given up on its leader: no lease to keep
      voteTerm = asTerm(this.currentTerm + 1);
    } else {
      this.becomeCandidate();
      voteTerm = this.currentTerm;
    }
    this.votes.clear();
    this.votes.set(this.id, true);
    if (this.tallyVotes() === 'won') {
      if (kind === 'pre') return this.campaign('real');
      return this.becomeLeader();
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const voter of this.config().voters) {
      if (voter === this.id) continue;
      if (kind === 'pre') {
        this.send({ type: 'preVote', to: voter, term: voteTerm, lastIndex, lastTerm });
      } else {
        this.send({
          type: 'vote',
          to: voter,
          term: voteTerm,
          lastIndex,
          lastTerm,
          transfer: kind === 'transfer',
        });
      }
    }
  }

  private tallyVotes(): 'won' | 'lost' | 'pending' {
    const voters = this.config().voters;
    let granted = 0;
    let rejected = 0;
    for (const voter of voters) {
      const vote = this.votes.get(voter);
      if (vote === true) granted++;
      else if (vote === false) rejected++;
    }
    const quorum = quorumOf(voters.length);
    if (granted >= quorum) return 'won';
    if (rejected > voters.length - quorum) return 'lost';
    return 'pending';
  }

  private becomeRole(role: Role): void {
    const allowed: readonly Role[] = ROLE_TRANSITIONS[this.currentRole];
    assert(allowed.includes(role), `role transition ${this.currentRole} -> ${role} is not allowed`);
    const changed = role !== this.currentRole;
    this.currentRole = role;
    if (changed) this.events.push({ kind: 'role', role, term: this.currentTerm });
  }

  private setLeader(leader: NodeId | null): void {
    if (leader === this.currentLeader) return;
    if (leader !== null) this.leaderKnown = true;
    this.currentLeader = leader;
    this.leaderFlowControl = false;
    this.events.push({ kind: 'leader', leader, term: this.currentTerm });
    // A leaving node asks a new leader at once, not at its next periodic ask (electionTicks,
    // evs.suspect_timeout: as long as the runtime waits for the leave). Two nodes leaving at
    // once hand leadership to each other, and each new leader must hear the other's request.
    if (leader !== null && leader !== this.id && this.leaving && !this.removedReported)
      this.send({ type: 'leave', to: leader, node: this.id });
  }

  private becomeFollower(term: Term, leader: NodeId | null): void {
    assert(term >= this.currentTerm, 'terms never go back');
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.vote = null;
    }
    this.becomeRole('follower');
    this.setLeader(leader);
    this.resetCommonState();
  }

  private becomeCandidate(): void {
    this.currentTerm = asTerm(this.currentTerm + 1);
    this.becomeRole('candidate');
    this.vote = this.id;
    this.setLeader(null);
    this.resetCommonState();
  }

  private becomeLeader(): void {
    this.becomeRole('leader');
    assert(this.isVoter(), 'only a voter can lead');
    this.setLeader(this.id);
    this.resetCommonState();
    for (const member of this.progressMembers()) {
      this.progress.set(member, new Progress(asIndex(this.log.lastIndex() + 1), this.nowTick));
    }
    if (this.forcedConfig !== null) {
      this.appendLocal('config', new Uint8Array(0), this.forcedConfig);
    } else {
      this.appendLocal('noop', new Uint8Array(0), null);
    }
    this.broadcastAppend();
  }

  private resetCommonState(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetElectionTimeout();
    this.leadTransferee = null;
    this.transferElapsed = 0;
    this.votes.clear();
    this.progress.clear();
    this.pendingReads = [];
    this.readsBeforeCommit = [];
    this.uncommittedBytes = 0;
  }

  private resetElectionTimeout(): void {
    // Until it has known a leader, a node need not wait out a failure-detection timeout: there
    // is nobody to suspect, and pre-vote keeps an early candidate from disrupting a live leader.
    const initial = this.options.initialElectionTicks;
    const base =
      !this.leaderKnown && initial !== undefined
        ? Math.min(initial, this.options.electionTicks)
        : this.options.electionTicks;
    this.randomizedElectionTimeout = base + this.prng.int(base);
  }

  private inLease(): boolean {
    return (
      this.options.checkQuorum &&
      this.currentLeader !== null &&
      this.electionElapsed < this.options.electionTicks
    );
  }

  // ---- messages ----

  private onMessage(m: Message): void {
    assert(m.to === this.id, `message for ${m.to} delivered to ${this.id}`);
    switch (m.type) {
      case 'propose':
        return this.propose(m.from, m.proposals);
      case 'proposeRefused':
        this.events.push({
          kind: 'proposalsDropped',
          proposalIds: m.proposalIds,
          reason: m.reason,
        });
        return;
      case 'readIndex':
        return this.onReadIndex(m.from, m.context);
      case 'join':
        this.departed.delete(m.node);
        this.leaveConfirmedTo.delete(m.node);
        return this.onJoin(m.node);
      case 'leave':
        return this.onLeaveRequest(m.node);
      case 'leaveConfirmed':
        return this.onLeaveConfirmed();
      default:
        break;
    }
    if (m.type === 'preVote' || m.type === 'vote') this.noticeNonMember(m.from);
    if (m.term > this.currentTerm) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.currentTerm) {
      return this.onStaleTerm(m);
    }
    this.dispatch(m);
  }

  /** Returns whether to go on handling a message from a higher term. */
  private acceptHigherTerm(m: Message): boolean {
    if (m.type === 'preVote' || m.type === 'vote') {
      const transfer = m.type === 'vote' && m.transfer;
      if (this.inLease() && !transfer) return false;
    }
    if (m.type === 'preVote') return true;
    if (m.type === 'preVoteResponse' && !m.reject) return true;
    const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'stateTransfer';
    this.becomeFollower(m.term, fromLeader ? m.from : null);
    return true;
  }

  private onStaleTerm(m: Message): void {
    if (
      (this.options.checkQuorum || this.options.preVote) &&
      (m.type === 'append' || m.type === 'heartbeat')
    ) {
      // Tell a stale leader about the newer term so it steps down.
      this.send({
        type: 'heartbeatResponse',
        to: m.from,
        readSeq: 0,
        applyQueue: this.reportedQueue(),
      });
    } else if (m.type === 'preVote') {
      this.send({ type: 'preVoteResponse', to: m.from, reject: true });
    }
  }

  private dispatch(m: Message): void {
    switch (m.type) {
      case 'preVote':
      case 'vote':
        return this.onVoteRequest(m);
      case 'preVoteResponse':
      case 'voteResponse':
        return this.onVoteResponse(m);
      case 'append':
        return this.onAppend(m);
      case 'appendResponse':
        return this.onAppendResponse(m);
      case 'heartbeat':
        return this.onHeartbeat(m);
      case 'heartbeatResponse':
        return this.onHeartbeatResponse(m);
      case 'stateTransfer':
        return this.onStateTransferRequest(m);
      case 'timeoutNow':
        return this.onTimeoutNow();
      case 'readIndexResponse':
        this.events.push({ kind: 'readReady', context: m.context, index: m.index });
        return;
      default:
        assert(false, `unexpected message ${m.type}`);
    }
  }

  private onVoteRequest(m: Extract<Message, { type: 'preVote' | 'vote' }>): void {
    const pre = m.type === 'preVote';
    const canVote =
      this.rejoin === null &&
      (this.vote === m.from ||
        (this.vote === null && this.currentLeader === null) ||
        (pre && m.term > this.currentTerm));
    const grant = canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm);
    const responseType = pre ? 'preVoteResponse' : 'voteResponse';
    if (!grant) {
      this.send({ type: responseType, to: m.from, reject: true });
      return;
    }
    this.send({ type: responseType, to: m.from, term: m.term, reject: false });
    if (!pre) {
      this.electionElapsed = 0;
      this.vote = m.from;
    }
  }

  private onVoteResponse(m: Extract<Message, { type: 'preVoteResponse' | 'voteResponse' }>): void {
    const expected = this.currentRole === 'preCandidate' ? 'preVoteResponse' : 'voteResponse';
    if (this.currentRole !== 'preCandidate' && this.currentRole !== 'candidate') return;
    if (m.type !== expected) return;
    this.votes.set(m.from, !m.reject);
    const result = this.tallyVotes();
    if (result === 'won') {
      if (this.currentRole === 'preCandidate') this.campaign('real');
      else this.becomeLeader();
    } else if (result === 'lost') {
      this.becomeFollower(this.currentTerm, null);
    }
  }

  private onAppend(m: Extract<Message, { type: 'append' }>): void {
    assert(
      this.currentRole !== 'leader',
      `two leaders in term ${m.term}: ${this.id} and ${m.from}`,
    );
    if (this.currentRole !== 'follower') this.becomeFollower(this.currentTerm, m.from);
    this.setLeader(m.from);
    this.electionElapsed = 0;
    this.heartbeatsSinceAppend = 0;
    if (this.leaderCommitHeard === null || m.commit > this.leaderCommitHeard)
      this.leaderCommitHeard = m.commit;
    if (this.rejoin !== null && this.rejoin.target === null) {
      // Not the commit alone: a heartbeat's is capped at what this leader heard from the node (0
      // for one elected while it was down), and a new leader's may lag entries an earlier one
      // committed. An append starts where the leader's log held every entry this node could
      // have acknowledged before (its match, or the leader's last index when it was elected):
      // by leader completeness every committed entry is at or before it (a review's finding).
      const target = asIndex(Math.max(m.commit, m.prevIndex + m.entries.length));
      this.rejoin.target = target;
      this.events.push({ kind: 'rejoinTarget', index: target });
      this.checkRejoined();
    }
    this.clearForcedConfig();
    if (this.committedConflict(m)) return;
    if (m.prevIndex < this.log.commit) {
      this.respondAppend(m.from, false, this.log.commit);
      return;
    }
    if (!this.log.matchTerm(m.prevIndex, m.prevTerm)) {
      const hint = this.log.findConflictByTerm(
        asIndex(Math.min(m.prevIndex, this.log.lastIndex())),
        m.prevTerm,
      );
      this.send({
        type: 'appendResponse',
        to: m.from,
        reject: true,
        index: m.prevIndex,
        hintIndex: hint.index,
        hintTerm: hint.term,
      });
      return;
    }
    const lastNew = asIndex(m.prevIndex + m.entries.length);
    const changedFrom = this.log.appendFromLeader(m.entries);
    if (changedFrom !== null) this.onLogChanged(changedFrom);
    // Only what this append vouched for is known to match the leader's log (§5.3).
    const vouched = this.options.canary?.commitPastAppend === true ? this.log.lastIndex() : lastNew;
    this.commitTo(asIndex(Math.min(m.commit, vouched)));
    if (m.noReply === true && m.entries.length === 0) return;
    this.respondAppend(m.from, false, lastNew);
  }

  /**
   * Whether the append contradicts this log at or below its commit index. In Raft that cannot
   * happen; after pc.bootstrap it can (the forced survivor lacked commits this node made), and
   * answering "accepted at my commit index", as below, would let the leader count this node as
   * holding the leader's entries there: a learner so counted is promoted with another history.
   */
  private committedConflict(m: Extract<Message, { type: 'append' }>): boolean {
    const commit = this.log.commit;
    let at: { index: Index; local: Term; leader: Term } | null = null;
    const local = m.prevIndex <= commit ? this.log.termAt(m.prevIndex) : null;
    if (local !== null && local !== m.prevTerm) {
      at = { index: m.prevIndex, local, leader: m.prevTerm };
    } else {
      for (const entry of m.entries) {
        if (entry.index > commit) break;
        const term = this.log.termAt(entry.index);
        if (term !== null && term !== entry.term) {
          at = { index: entry.index, local: term, leader: entry.term };
          break;
        }
      }
    }
    if (at === null) return false;
    if (!this.divergedReported) {
      this.divergedReported = true;
      this.events.push({
        kind: 'diverged',
        index: at.index,
        leader: m.from,
        localTerm: at.local,
        leaderTerm: at.leader,
      });
    }
    return true;
  }

  private respondAppend(to: NodeId, reject: boolean, index: Index): void {
    this.send({
      type: 'appendResponse',
      to,
      reject,
      index,
      hintIndex: asIndex(0),
      hintTerm: asTerm(0),
    });
  }

  /** The log changed from `from` on: configurations after that point are rebuilt. */
  private onLogChanged(from: Index): void {
    // Taken before the truncated configurations go, so that reverting to an older one is
    // reported too (found by mutation testing, docs/design/mutation.md).
    const before = this.config();
    while (
      this.configHistory.length > 1 &&
      this.configHistory[this.configHistory.length - 1]!.index >= from
    ) {
      this.configHistory.pop();
    }
    for (let i = from; i <= this.log.lastIndex(); i++) {
      const entry = this.log.entryAt(i);
      if (entry.kind === 'config')
        this.configHistory.push({ index: entry.index, config: entry.config! });
    }
    const after = this.config();
    if (after !== before)
      this.events.push({ kind: 'config', config: after, index: this.configIndex() });
  }

  private onHeartbeat(m: Extract<Message, { type: 'heartbeat' }>): void {
    assert(
      this.currentRole !== 'leader',
      `two leaders in term ${m.term}: ${this.id} and ${m.from}`,
    );
    if (this.currentRole !== 'follower') this.becomeFollower(this.currentTerm, m.from);
    this.setLeader(m.from);
    this.electionElapsed = 0;
    this.clearForcedConfig();
    // Out of the configuration at its own request and about to stop: an answer would make a
    // leader that did not remove it add it back as a learner (onHeartbeatResponse).
    if (this.leaving && !this.isMember()) return;
    this.heartbeatsSinceAppend++;
    if (
      this.heartbeatsSinceAppend >= 2 &&
      m.commit > 0 &&
      (this.leaderCommitHeard === null || m.commit > this.leaderCommitHeard)
    )
      this.leaderCommitHeard = m.commit;
    if (m.commit > this.log.lastIndex()) {
      // The leader vouches for what it knows this node acknowledged, and the log ends before it:
      // the node lost entries (a new, empty datadir). Say where it ends, so that the leader
      // replicates from there (Progress.lostLog) even while it has nothing new to send.
      this.send({
        type: 'appendResponse',
        to: m.from,
        reject: true,
        index: m.commit,
        hintIndex: this.log.lastIndex(),
        hintTerm: this.log.lastTerm(),
      });
    }
    this.commitTo(asIndex(Math.min(m.commit, this.log.lastIndex())));
    this.noteFlowControl(m.flowControl);
    this.send({
      type: 'heartbeatResponse',
      to: m.from,
      readSeq: m.readSeq,
      applyQueue: this.reportedQueue(),
    });
    // Once per leader: where this log is committed, with the term there, as an accepted append
    // that the leader takes only if its own log has that term at that index (so the two logs
    // match up to it), never on trust.
    const leader = `${this.currentTerm}/${m.from}`;
    const commitTerm = this.log.termAt(this.log.commit);
    if (this.committedReportedTo !== leader && this.log.commit > 0 && commitTerm !== null) {
      this.committedReportedTo = leader;
      this.send({
        type: 'appendResponse',
        to: m.from,
        reject: false,
        index: this.log.commit,
        hintIndex: this.log.commit,
        hintTerm: commitTerm,
      });
    }
  }

  private onTimeoutNow(): void {
    if (!this.isPromotable()) return;
    this.campaign('transfer');
  }

  // ---- the leader's side of replication ----

  private onAppendResponse(m: Extract<Message, { type: 'appendResponse' }>): void {
    if (this.currentRole !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    this.heardFrom(pr);
    if (m.reject) {
      if (pr.state === 'transfer') return;
      const probe = this.log.findConflictByTerm(m.hintIndex, m.hintTerm);
      if (m.hintIndex < pr.match) {
        // It acknowledged more than its log now holds: a node back on an empty datadir (whose
        // rejections would otherwise be taken as stale forever). Replicate to it from there, or
        // by a state transfer when the log no longer reaches back so far.
        pr.lostLog(m.hintIndex);
        this.reportBehind(m.from, pr);
        this.sendAppend(m.from, false);
        return;
      }
      if (pr.maybeDecrease(m.index, asIndex(probe.index + 1))) {
        this.reportBehind(m.from, pr);
        this.sendAppend(m.from, false);
      }
      return;
    }
    // A follower's report of its commit (onHeartbeat) counts only where the logs agree.
    if (m.hintTerm > 0 && this.log.termAt(m.hintIndex) !== m.hintTerm) return;
    const updated = pr.maybeUpdate(m.index);
    // A node that joins and says where its log is committed is caught up from there without a
    // rejection (reportBehind): from the log, so an IST all the same.
    if (pr.joined && m.hintTerm > 0 && !pr.catchUpReported && pr.match < this.log.lastIndex()) {
      pr.catchUpReported = true;
      this.events.push({
        kind: 'catchUp',
        peer: m.from,
        fromIndex: asIndex(pr.match + 1),
        toIndex: this.log.lastIndex(),
      });
    }
    pr.joined = false;
    if (pr.state === 'transfer' && pr.match >= pr.transferIndex) pr.become('probe');
    if (pr.state === 'probe' && updated) pr.become('replicate');
    if (pr.catchUpReported && pr.match >= this.log.lastIndex()) pr.catchUpReported = false;
    if (updated && this.maybeCommit()) {
      this.broadcastAppend();
    } else {
      // A follower's report of its commit (once per leader, after a restart say) is answered by
      // an append even with nothing new: it learns the leader's commit, so it knows whether it
      // is synced (leaderCommit()).
      this.sendAppend(m.from, m.hintTerm > 0);
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', to: m.from });
    }
  }

  private onHeartbeatResponse(m: Extract<Message, { type: 'heartbeatResponse' }>): void {
    if (this.currentRole !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (pr === undefined) {
      // A peer outside the configuration follows this leader now: it comes back as a learner.
      if (!this.departed.has(m.from)) this.onJoin(m.from);
      return;
    }
    this.heardFrom(pr);
    pr.applyQueue = m.applyQueue;
    if (
      pr.state === 'transfer' &&
      this.nowTick - pr.transferSinceTick >= this.options.stateTransferRetryTicks
    ) {
      pr.become('probe'); // the joiner is alive but did not finish: ask again
    }
    if (pr.state === 'probe') pr.probeSent = false;
    // A full pipeline whose answers were lost would stall forever: start over from the match.
    if (
      pr.state === 'replicate' &&
      pr.isPaused(this.limits.inflightMessagesMax, this.limits.inflightBytesMax)
    ) {
      pr.become('probe');
    }
    // An empty append still carries prevIndex: a follower that lost the pipeline rejects it.
    if (pr.match < this.log.lastIndex() || pr.state === 'probe') this.sendAppend(m.from, true);
    if (m.readSeq > pr.readSeqAcked) {
      pr.readSeqAcked = m.readSeq;
      this.releaseReads();
    }
  }

  private heardFrom(pr: Progress): void {
    pr.recentActive = true;
    pr.lastHeardTick = this.nowTick;
  }

  private sendAppend(to: NodeId, sendIfEmpty: boolean): void {
    const pr = this.progress.get(to);
    if (pr === undefined) return;
    for (;;) {
      if (pr.isPaused(this.limits.inflightMessagesMax, this.limits.inflightBytesMax)) return;
      const prevIndex = asIndex(pr.next - 1);
      const prevTerm = this.log.termAt(prevIndex);
      if (prevTerm === null) return this.startStateTransfer(to, pr);
      const last = this.sendableIndex();
      const entries =
        pr.next <= last
          ? this.log.slice(
              pr.next,
              Math.min(last, pr.next + this.limits.appendEntriesMax - 1),
              this.limits.appendBytesMax,
              entryOverheadBytes,
            )
          : [];
      if (entries.length === 0 && !sendIfEmpty && pr.state === 'replicate') return;
      // A commit notice to a follower that acknowledged through prevIndex: its answer would
      // say nothing new (heartbeats keep it known alive), so it sends none unless it refuses.
      const notice = entries.length === 0 && pr.state === 'replicate' && pr.match >= prevIndex;
      this.send({
        type: 'append',
        to,
        prevIndex,
        prevTerm,
        entries,
        commit: this.log.commit,
        ...(notice ? { noReply: true } : {}),
      });
      if (entries.length > 0) {
        this.reportCatchUp(to, pr);
        pr.sentEntries(entries[entries.length - 1]!.index, payloadBytes(entries));
      } else if (pr.state === 'probe') {
        pr.probeSent = true;
      }
      if (pr.state !== 'replicate' || entries.length === 0) return;
      sendIfEmpty = false;
    }
  }

  /**
   * The last entry a follower may be sent: none past a configuration entry this leader has not
   * persisted. A configuration takes effect when appended, so a follower holding one its leader
   * lost in a crash could be left out of its own latest configuration (not campaigning) with a
   * log too long to vote for the restarted leader, which still counts it: no leader ever (sim
   * seed 39 of the ddl workload, docs/design/consensus.md).
   */
  private sendableIndex(): Index {
    const last = this.log.lastIndex();
    if (this.currentRole !== 'leader') return last;
    for (const { index } of this.configHistory)
      if (index > this.log.stableIndex && index <= last) return asIndex(index - 1);
    return last;
  }

  private reportCatchUp(to: NodeId, pr: Progress): void {
    const last = this.log.lastIndex();
    // In probe a member's match is not known yet (a new leader starts every follower at 0): one
    // that lacks entries refuses the probe (reportBehind), one that is synced accepts it. A new
    // leader used to announce an IST of its whole log to followers that held all of it. A node
    // that joins has nothing the leader knows of: entries sent to it are its catch-up.
    if (pr.state !== 'replicate' && !pr.joined) return;
    if (pr.catchUpReported || last - pr.match <= this.options.catchUpReportEntries) return;
    pr.catchUpReported = true;
    this.events.push({
      kind: 'catchUp',
      peer: to,
      fromIndex: asIndex(pr.match + 1),
      toIndex: last,
    });
  }

  /**
   * A follower's rejection showed where its log ends (it restarted, was cut off, or rejoins as
   * a learner): what it lacks comes from the log, which is Galera's IST however short.
   */
  private reportBehind(to: NodeId, pr: Progress): void {
    const last = this.log.lastIndex();
    if (pr.catchUpReported || pr.next > last) return;
    if (this.log.termAt(asIndex(pr.next - 1)) === null) return; // a state transfer, not IST
    pr.catchUpReported = true;
    this.events.push({ kind: 'catchUp', peer: to, fromIndex: pr.next, toIndex: last });
  }

  private startStateTransfer(to: NodeId, pr: Progress): void {
    if (pr.state !== 'transfer') pr.become('transfer');
    pr.transferIndex = this.log.boundaryIndex;
    pr.transferSinceTick = this.nowTick;
    this.send({
      type: 'stateTransfer',
      to,
      index: this.log.boundaryIndex,
      donor: this.chooseDonor(to),
    });
  }

  /** Galera picks a synced node other than the joiner; we prefer a follower to spare the leader. */
  private chooseDonor(joiner: NodeId): NodeId {
    for (const voter of this.config().voters) {
      if (voter === joiner || voter === this.id) continue;
      const pr = this.progress.get(voter);
      if (pr !== undefined && pr.recentActive && pr.match >= this.log.boundaryIndex) return voter;
    }
    return this.id;
  }

  private broadcastAppend(): void {
    for (const member of this.progress.keys()) this.sendAppend(member, true);
  }

  private broadcastHeartbeat(): void {
    const unvouched = this.options.canary?.commitPastAppend === true;
    for (const [member, pr] of this.progress) {
      this.send({
        type: 'heartbeat',
        to: member,
        // A heartbeat vouches for nothing beyond what the follower is known to match.
        commit: asIndex(unvouched ? this.log.commit : Math.min(pr.match, this.log.commit)),
        readSeq: this.readSeq,
        flowControl: this.flowControlPaused(),
      });
    }
    // Peers outside the configuration hear from the leader too. A voter that pc.bootstrap left
    // out still counts itself in the old configuration, and two of them back together are a
    // majority of it: each must follow this leader (and so refuse the other its vote) before
    // its first election timeout, not only after this leader happens to hear from it.
    for (const peer of this.knownPeers) {
      if (peer === this.id || this.progress.has(peer) || this.departed.has(peer)) continue;
      this.send({
        type: 'heartbeat',
        to: peer,
        commit: asIndex(0),
        readSeq: this.readSeq,
        flowControl: this.flowControlPaused(),
      });
    }
  }

  /** Advances the commit index to what a majority holds durably; returns whether it moved. */
  private maybeCommit(): boolean {
    const voters = this.config().voters;
    const matches = voters.map((v) =>
      v === this.id ? this.log.stableIndex : (this.progress.get(v)?.match ?? 0),
    );
    matches.sort((a, b) => b - a);
    const quorumIndex = asIndex(matches[quorumOf(voters.length) - 1] ?? 0);
    if (quorumIndex <= this.log.commit) return false;
    const staleOk = this.options.canary?.staleTermCommit === true;
    // Raft's rule (§5.4.2): only entries of the current term commit by counting replicas.
    if (!staleOk && this.log.termAt(quorumIndex) !== this.currentTerm) return false;
    this.commitTo(quorumIndex);
    return true;
  }

  private commitTo(index: Index): void {
    if (index <= this.log.commit) return;
    assert(index <= this.log.lastIndex(), 'commit beyond the end of the log');
    const previous = this.log.commit;
    this.log.commit = index;
    if (this.currentRole === 'leader') this.onLeaderCommit(previous);
    this.checkRemoved();
  }

  private onLeaderCommit(previous: Index): void {
    for (let i = previous + 1; i <= this.log.commit; i++) {
      this.uncommittedBytes -= this.log.entryAt(i).data.byteLength + entryOverheadBytes;
    }
    if (this.uncommittedBytes < 0) this.uncommittedBytes = 0;
    if (this.configIndex() <= this.log.commit) {
      const members = new Set(this.progressMembers());
      for (const node of [...this.progress.keys()])
        if (!members.has(node)) this.progress.delete(node);
      // A node removed at its request learns it from here: the entry that removed it is never
      // sent to it, and its next ask (electionTicks later) may come after the runtime gave up.
      for (const node of this.departed)
        if (!this.isMember(node) && !this.leaveConfirmedTo.has(node)) {
          this.leaveConfirmedTo.add(node);
          this.send({ type: 'leaveConfirmed', to: node });
        }
    }
    if (this.committedInTerm()) {
      const waiting = this.readsBeforeCommit;
      this.readsBeforeCommit = [];
      for (const read of waiting) this.onReadIndex(read.from, read.context);
    }
  }

  private checkRemoved(): void {
    if (this.isMember()) {
      this.removedReported = false;
      return;
    }
    if (this.removedReported || this.configIndex() > this.log.commit) return;
    if (this.configHistory.length < 2 && !this.leaving) return;
    this.removedReported = true;
    this.events.push({ kind: 'removed', index: this.configIndex() });
  }

  private committedInTerm(): boolean {
    return this.log.termAt(this.log.commit) === this.currentTerm;
  }

  private appendLocal(
    kind: Entry['kind'],
    data: Uint8Array,
    config: ConfigState | null,
    origin: NodeId | null = null,
    proposalId = 0,
  ): void {
    const entry: Entry = {
      index: asIndex(this.log.lastIndex() + 1),
      term: this.currentTerm,
      kind,
      data,
      config,
      origin,
      proposalId,
    };
    this.log.append(entry);
    this.uncommittedBytes += data.byteLength + entryOverheadBytes;
    if (kind === 'config') {
      this.configHistory.push({ index: entry.index, config: config! });
      this.forcedConfig = null;
      this.events.push({ kind: 'config', config: config!, index: entry.index });
      this.reconcileProgress();
    }
  }

  /** Members of the newest configuration, plus those it removed until that removal commits. */
  private progressMembers(): NodeId[] {
    const config = this.config();
    const members = [...config.voters, ...config.learners].filter((n) => n !== this.id);
    if (this.configIndex() > this.log.commit && this.configHistory.length >= 2) {
      const previous = this.configHistory[this.configHistory.length - 2]!.config;
      for (const n of [...previous.voters, ...previous.learners]) {
        if (n !== this.id && !members.includes(n)) members.push(n);
      }
    }
    return members;
  }

  private reconcileProgress(): void {
    for (const member of this.progressMembers()) {
      if (!this.progress.has(member)) {
        const pr = new Progress(asIndex(this.log.lastIndex()), this.nowTick);
        pr.joined = true;
        this.progress.set(member, pr);
      }
    }
  }

  // ---- proposals, persistence, applying ----

  private propose(origin: NodeId, proposals: readonly Proposal[]): void {
    if (proposals.length === 0) return;
    assert(
      proposals.length <= this.limits.proposeEntriesMax || origin !== this.id,
      'too many proposals in one input',
    );
    const forwarded = origin !== this.id;
    // A forwarded proposal is appended by the leader only: forwarding it again would append it
    // under this node's name, and its origin would never hear of it.
    const reason =
      forwarded && this.currentRole !== 'leader'
        ? 'not_leader'
        : this.proposeRefusal(origin, proposals);
    if (reason !== null) {
      const proposalIds = proposals.map((p) => p.proposalId);
      if (!forwarded) this.events.push({ kind: 'proposalsDropped', proposalIds, reason });
      else this.send({ type: 'proposeRefused', to: origin, proposalIds, reason });
      return;
    }
    if (this.currentRole !== 'leader') {
      this.send({ type: 'propose', to: this.currentLeader!, proposals });
      return;
    }
    for (const p of proposals) this.appendLocal('normal', p.data, null, origin, p.proposalId);
    this.broadcastAppend();
  }

  /** A follower learns the leader's flow-control state from each heartbeat. */
  private noteFlowControl(paused: boolean): void {
    if (paused && !this.leaderFlowControl) this.flowControlReceived++;
    this.leaderFlowControl = paused;
    this.noteOwnQueue();
  }

  /** The apply queue this node tells the leader of: none while desynced. */
  private reportedQueue(): number {
    return this.desynced ? 0 : this.applyQueue();
  }

  get isDesynced(): boolean {
    return this.desynced;
  }

  private noteOwnQueue(): void {
    const limit = this.options.flowControlLimit ?? 0;
    const over = limit > 0 && this.reportedQueue() > limit;
    if (over && !this.fcOwnOver) this.flowControlSent++;
    this.fcOwnOver = over;
  }

  /** Whether this node's own apply queue asks for a pause (wsrep_flow_control_requested). */
  flowControlRequested(): boolean {
    return this.fcOwnOver;
  }

  /** Committed entries not yet applied here: Galera's receive queue. */
  applyQueue(): number {
    return this.log.commit - this.log.applied;
  }

  /**
   * Flow control: some voter (or this leader) has more unapplied entries than gcs.fc_limit. A
   * follower knows it from the leader's last heartbeat.
   */
  flowControlPaused(): boolean {
    const limit = this.options.flowControlLimit ?? 0;
    if (limit <= 0) return false;
    if (this.currentRole !== 'leader') return this.currentLeader !== null && this.leaderFlowControl;
    if (this.reportedQueue() > limit) return true;
    for (const voter of this.config().voters) {
      const pr = this.progress.get(voter);
      if (pr !== undefined && pr.applyQueue > limit) return true;
    }
    return false;
  }

  private proposeRefusal(
    origin: NodeId,
    proposals: readonly Proposal[],
  ): Extract<RaftEvent, { kind: 'proposalsDropped' }>['reason'] | null {
    if (this.leaving) return 'leaving';
    if (this.currentLeader === null) return 'no_leader';
    // A follower holds its own proposals back while the leader pauses; the leader never drops
    // forwarded ones for flow control (the follower would not learn of it), so a few may overshoot.
    if (this.currentRole !== 'leader') return this.flowControlPaused() ? 'flow_control' : null;
    if (this.leadTransferee !== null) return 'transferring';
    if (origin === this.id && this.flowControlPaused()) return 'flow_control';
    let bytes = 0;
    for (const p of proposals) bytes += p.data.byteLength + entryOverheadBytes;
    if (this.uncommittedBytes + bytes > this.limits.uncommittedBytesMax) return 'overloaded';
    return null;
  }

  private onPersisted(index: Index, term: Term): void {
    // An entry handed out and then overwritten by a newer leader is re-handed later: ignore it.
    if (index >= this.log.unstableFrom || index <= this.log.stableIndex) return;
    if (this.log.termAt(index) !== term) return; // overwritten since it was handed out
    const held = this.sendableIndex();
    this.log.stableIndex = index;
    this.checkRejoined();
    if (this.currentRole !== 'leader') return;
    // Commit moved, or a configuration entry became sendable (sendableIndex): tell the followers.
    if (this.maybeCommit() || this.sendableIndex() > held) this.broadcastAppend();
  }

  private onApplied(index: Index): void {
    assert(index <= this.log.emittedApply, 'applied() beyond what was handed out');
    if (index > this.log.applied) this.log.applied = index;
  }

  private onCompact(index: Index): void {
    if (index <= this.log.boundaryIndex) return;
    assert(index <= this.log.applied, 'compaction beyond the applied index');
    this.log.compact(index);
    while (this.configHistory.length > 1 && this.configHistory[1]!.index <= index)
      this.configHistory.shift();
    const config = this.configHistory[0]!.config;
    this.configHistory[0] = { index, config };
    this.boundaryOut = { index, term: this.log.boundaryTerm, config };
  }

  // ---- state transfer ----

  private onStateTransferRequest(m: Extract<Message, { type: 'stateTransfer' }>): void {
    assert(
      this.currentRole !== 'leader',
      `two leaders in term ${m.term}: ${this.id} and ${m.from}`,
    );
    if (this.currentRole !== 'follower') this.becomeFollower(this.currentTerm, m.from);
    this.setLeader(m.from);
    this.electionElapsed = 0;
    if (m.index <= this.log.commit) {
      this.respondAppend(m.from, false, this.log.commit);
      return;
    }
    if (this.stateTransferPendingSinceTick !== null) return;
    this.stateTransferPendingSinceTick = this.nowTick;
    this.events.push({
      kind: 'needStateTransfer',
      donor: m.donor,
      upTo: m.index,
      term: this.currentTerm,
    });
  }

  private onStateTransferred(index: Index, term: Term, config: ConfigState): void {
    this.stateTransferPendingSinceTick = null;
    if (index <= this.log.commit) return;
    this.log.reset(index, term);
    this.configHistory = [{ index, config }];
    this.boundaryOut = { index, term, config };
    this.resetLogOut = true;
    this.events.push({ kind: 'config', config, index });
    this.checkRejoined();
    if (this.currentLeader !== null) this.respondAppend(this.currentLeader, false, index);
  }

  // ---- reads ----

  private onReadIndex(from: NodeId, context: number): void {
    if (this.currentRole !== 'leader') {
      if (this.currentLeader !== null && from === this.id) {
        this.send({ type: 'readIndex', to: this.currentLeader, context });
      }
      return;
    }
    if (!this.committedInTerm()) {
      if (this.readsBeforeCommit.length < this.limits.pendingReadsMax)
        this.readsBeforeCommit.push({ from, context });
      return;
    }
    if (this.config().voters.length === 1) return this.answerRead(from, context, this.log.commit);
    if (this.pendingReads.length >= this.limits.pendingReadsMax) return;
    this.readSeq++;
    this.pendingReads.push({ seq: this.readSeq, index: this.log.commit, from, context });
    this.broadcastHeartbeat();
  }

  private releaseReads(): void {
    const voters = this.config().voters;
    const acked = voters.map((v) =>
      v === this.id ? this.readSeq : (this.progress.get(v)?.readSeqAcked ?? 0),
    );
    acked.sort((a, b) => b - a);
    const confirmed = acked[quorumOf(voters.length) - 1] ?? 0;
    while (this.pendingReads.length > 0 && this.pendingReads[0]!.seq <= confirmed) {
      const read = this.pendingReads.shift()!;
      this.answerRead(read.from, read.context, read.index);
    }
  }

  private answerRead(from: NodeId, context: number, index: Index): void {
    if (from === this.id) this.events.push({ kind: 'readReady', context, index });
    else this.send({ type: 'readIndexResponse', to: from, context, index });
  }

  // ---- membership ----

  private transferLeadership(to: NodeId): void {
    if (this.currentRole !== 'leader' || to === this.id || !this.isVoter(to)) return;
    this.leadTransferee = to;
    this.transferElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to });
    else this.sendAppend(to, true);
  }

  private abortTransfer(): void {
    this.leadTransferee = null;
    this.transferElapsed = 0;
  }

  private onLeave(): void {
    if (this.leaving) return;
    this.leaving = true;
    this.memberElapsed = this.options.electionTicks; // ask at the next tick
    if (!this.isMember()) {
      // Already out of the configuration (removed while away): the leave is done.
      this.removedReported = true;
      this.events.push({ kind: 'removed', index: this.configIndex() });
      return;
    }
    if (this.currentRole !== 'leader') {
      if (this.currentLeader !== null)
        this.send({ type: 'leave', to: this.currentLeader, node: this.id });
      return;
    }
    this.handOverLeadership();
  }

  /** Graceful leave: hand leadership to the most up-to-date voter, then ask it to remove us. */
  private handOverLeadership(): void {
    const others = this.config().voters.filter((v) => v !== this.id);
    if (others.length === 0) {
      if (!this.removedReported) this.events.push({ kind: 'removed', index: this.log.commit });
      this.removedReported = true;
      return;
    }
    // A voter that asked to leave too would only hand leadership on again, and one that has not
    // answered lately (down) would never take it.
    const staying = others.filter((v) => !this.departed.has(v));
    const pool = staying.length > 0 ? staying : others;
    const answering = pool.filter((v) => {
      const pr = this.progress.get(v);
      return pr !== undefined && this.nowTick - pr.lastHeardTick < this.options.electionTicks;
    });
    const candidates = answering.length > 0 ? answering : pool;
    let best = candidates[0]!;
    for (const v of candidates)
      if ((this.progress.get(v)?.match ?? 0) > (this.progress.get(best)?.match ?? 0)) best = v;
    this.transferLeadership(best);
  }

  private onLeaveRequest(node: NodeId): void {
    if (node === this.id) return;
    if (this.currentRole !== 'leader') {
      if (this.currentLeader !== null && this.currentLeader !== node) {
        this.send({ type: 'leave', to: this.currentLeader, node });
      }
      return;
    }
    this.departed.add(node);
    if (!this.isMember(node) && this.configIndex() <= this.log.commit) {
      this.send({ type: 'leaveConfirmed', to: node });
      return;
    }
    this.queueMembership({ kind: 'remove', node }, true);
  }

  private onLeaveConfirmed(): void {
    if (!this.leaving || this.removedReported) return;
    this.removedReported = true;
    this.events.push({ kind: 'removed', index: this.log.commit });
  }

  private onJoin(node: NodeId): void {
    if (this.currentRole !== 'leader') {
      if (this.currentLeader !== null && node !== this.currentLeader) {
        this.send({ type: 'join', to: this.currentLeader, node });
      }
      return;
    }
    if (this.isMember(node)) return;
    this.queueMembership({ kind: 'addLearner', node });
  }

  /** A vote request from outside the configuration is a node that wants back in. */
  private noticeNonMember(from: NodeId): void {
    if (this.isMember(from)) return;
    if (this.currentRole === 'leader') this.onJoin(from);
    else if (this.currentLeader !== null)
      this.send({ type: 'join', to: this.currentLeader, node: from });
  }

  private queueMembership(change: MembershipChange, urgent = false): void {
    if (this.currentRole !== 'leader') return;
    if (this.membershipQueue.some((c) => c.kind === change.kind && c.node === change.node)) return;
    if (urgent) this.membershipQueue.unshift(change);
    else this.membershipQueue.push(change);
    this.applyMembershipPolicy();
  }

  private canChangeConfig(): boolean {
    return (
      this.currentRole === 'leader' &&
      this.leadTransferee === null &&
      this.configIndex() <= this.log.commit &&
      this.committedInTerm()
    );
  }

  /** Galera's policy: remove silent members, promote caught-up learners, one change at a time. */
  private applyMembershipPolicy(): void {
    if (!this.canChangeConfig()) return;
    const config = this.config();
    const change = this.membershipQueue.shift() ?? this.automaticChange(config);
    if (change === null) return;
    const next = applyChange(config, change, this.id);
    if (next === null) return;
    this.appendLocal('config', new Uint8Array(0), next);
    this.broadcastAppend();
  }

  private automaticChange(
    config: ConfigState,
  ): MembershipChange | { kind: 'promote'; node: NodeId } | null {
    const inactive = this.options.inactiveTicks;
    if (inactive > 0) {
      for (const member of [...config.voters, ...config.learners]) {
        if (member === this.id) continue;
        const pr = this.progress.get(member);
        if (pr !== undefined && this.nowTick - pr.lastHeardTick >= inactive)
          return { kind: 'remove', node: member };
      }
    }
    for (const learner of config.learners) {
      const pr = this.progress.get(learner);
      if (pr !== undefined && pr.recentActive && pr.match >= this.log.commit)
        return { kind: 'promote', node: learner };
    }
    return null;
  }

  private onForceBootstrap(voters: readonly NodeId[]): void {
    assert(voters.includes(this.id), 'a forced configuration must include this node');
    if (this.rejoin !== null) {
      // The operator's word that this node's state is the cluster's, as at a bootstrap start.
      this.events.push({ kind: 'rejoined', index: this.log.lastIndex() });
      this.rejoin = null;
    }
    const before = this.config();
    const forced = normalizeConfig({ voters, learners: [] });
    this.events.push({
      kind: 'forcedBootstrap',
      voters: forced.voters,
      uncertainFrom: asIndex(this.log.commit + 1),
      uncertainTo: this.log.lastIndex(),
      lostVoters: before.voters.filter((v) => !forced.voters.includes(v)),
    });
    this.forcedConfig = forced;
    this.leaving = false;
    // Far past any term the lost majority could reach on its own: if it comes back cut off from
    // this node and elects among itself (README), its leaders' terms stay below this one, so
    // when the two meet this node's leader prevails, instead of two leaders of one term.
    this.becomeFollower(asTerm(this.currentTerm + forcedTermStep - 1), null);
    this.campaign('transfer');
  }

  private clearForcedConfig(): void {
    // A leader reached us: the forced configuration lost (or was carried by its log).
    this.forcedConfig = null;
  }

  private contactList(): NodeId[] {
    const known = new Set<NodeId>([
      ...this.knownPeers,
      ...this.config().voters,
      ...this.config().learners,
    ]);
    known.delete(this.id);
    return [...known].sort();
  }

  private send(message: OutgoingMessage): void {
    const full = { ...message, from: this.id, term: message.term ?? this.currentTerm } as Message;
    this.messages.push(full);
  }
}

function applyChange(
  config: ConfigState,
  change: MembershipChange | { kind: 'promote'; node: NodeId },
  self: NodeId,
): ConfigState | null {
  const voters = config.voters.filter((v) => v !== change.node);
  const learners = config.learners.filter((v) => v !== change.node);
  switch (change.kind) {
    case 'remove':
      if (change.node === self) return null; // the leader leaves by transferring first
      if (voters.length === config.voters.length && learners.length === config.learners.length)
        return null;
      return normalizeConfig({ voters, learners });
    case 'addLearner':
      if (config.voters.includes(change.node) || config.learners.includes(change.node)) return null;
      return normalizeConfig({ voters, learners: [...learners, change.node] });
    case 'promote':
      if (!config.learners.includes(change.node)) return null;
      return normalizeConfig({ voters: [...voters, change.node], learners });
  }
}

function payloadBytes(entries: readonly Entry[]): number {
  let bytes = 0;
  for (const e of entries) bytes += e.data.byteLength + entryOverheadBytes;
  return bytes;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return (
    a.term === b.term &&
    a.vote === b.vote &&
    a.commit === b.commit &&
    a.forcedConfig === b.forcedConfig
  );
}
