// The consensus core's vocabulary: log entries, configurations, messages, inputs and the ready
// batch. Everything is plain frozen-by-convention data so the simulator can copy, drop, delay and
// duplicate it freely.
import type { Index, NodeId, Term } from '../types.js';

/** The members of the cluster: voters decide; learners only receive the log. Both sorted. */
export interface ConfigState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export type EntryKind = 'normal' | 'noop' | 'config';

export interface Entry {
  readonly index: Index;
  readonly term: Term;
  readonly kind: EntryKind;
  /** The payload: a write-set for `normal`, empty otherwise. */
  readonly data: Uint8Array;
  /** The complete new configuration, for `config` entries only. */
  readonly config: ConfigState | null;
  /** The node whose client proposed it (null for entries the leader makes itself). */
  readonly origin: NodeId | null;
  /** The origin's identifier for the proposal, so the origin can answer its client. */
  readonly proposalId: number;
}

/** What must survive a crash besides the log. */
export interface HardState {
  readonly term: Term;
  readonly vote: NodeId | null;
  readonly commit: Index;
  /** A configuration forced by `pc.bootstrap`, in force until this node's log carries it. */
  readonly forcedConfig: ConfigState | null;
}

/** The compaction boundary: entries up to `index` are gone from the log. */
export interface Boundary {
  readonly index: Index;
  readonly term: Term;
  readonly config: ConfigState;
}

/** What a node recovers from on restart. */
export interface DurableState {
  readonly hardState: HardState;
  readonly boundary: Boundary;
  readonly entries: readonly Entry[];
  /** The state machine's applied index (kept in SQLite beside the data); defaults to the boundary. */
  readonly applied?: Index;
  /**
   * This node started on an empty datadir under its name and has not caught up since: whatever
   * it voted for and acknowledged before is lost, so it grants no vote and never campaigns until
   * its log reaches `target`, the commit index of the first append a leader sent it (null: none
   * yet). Kept by the node across restarts until the core reports `rejoined`.
   */
  readonly rejoin?: { readonly target: Index | null };
}

export interface Proposal {
  readonly data: Uint8Array;
  readonly proposalId: number;
}

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

export type Message =
  | (Envelope & { readonly type: 'preVote'; readonly lastIndex: Index; readonly lastTerm: Term })
  | (Envelope & { readonly type: 'preVoteResponse'; readonly reject: boolean })
  | (Envelope & {
      readonly type: 'vote';
      readonly lastIndex: Index;
      readonly lastTerm: Term;
      /** Set by leadership transfer: voters then ignore their leader lease. */
      readonly transfer: boolean;
    })
  | (Envelope & { readonly type: 'voteResponse'; readonly reject: boolean })
  | (Envelope & {
      readonly type: 'append';
      readonly prevIndex: Index;
      readonly prevTerm: Term;
      readonly entries: readonly Entry[];
      readonly commit: Index;
      /**
       * A commit notice the leader needs no answer to: no entries, to a follower in replicate
       * state that has acknowledged through prevIndex. The follower answers only a refusal.
       */
      readonly noReply?: boolean;
    })
  | (Envelope & {
      readonly type: 'appendResponse';
      readonly reject: boolean;
      /** Accepted: the last index now matching. Rejected: the prevIndex that failed. */
      readonly index: Index;
      /** On reject: the follower's best guess of a matching point, for fast backtracking. */
      readonly hintIndex: Index;
      readonly hintTerm: Term;
    })
  | (Envelope & {
      readonly type: 'heartbeat';
      readonly commit: Index;
      readonly readSeq: number;
      /** The leader admits no new proposals now (flow control, gcs.fc_limit). */
      readonly flowControl: boolean;
    })
  | (Envelope & {
      readonly type: 'heartbeatResponse';
      readonly readSeq: number;
      /** Committed entries the sender has not applied yet (its receive queue, for flow control). */
      readonly applyQueue: number;
    })
  | (Envelope & {
      readonly type: 'stateTransfer';
      /** The joiner must copy state at least up to this index from the donor. */
      readonly index: Index;
      readonly donor: NodeId;
    })
  | (Envelope & { readonly type: 'timeoutNow' })
  | (Envelope & { readonly type: 'propose'; readonly proposals: readonly Proposal[] })
  | (Envelope & { readonly type: 'readIndex'; readonly context: number })
  | (Envelope & {
      readonly type: 'readIndexResponse';
      readonly context: number;
      readonly index: Index;
    })
  /** `node` asks to join (sent by the node itself, or forwarded for it by a follower). */
  | (Envelope & { readonly type: 'join'; readonly node: NodeId })
  /** `node` asks to leave (sent by the node itself, or forwarded for it by a follower). */
  | (Envelope & { readonly type: 'leave'; readonly node: NodeId })
  /** The leader tells a node that its leave is done: it is out of the configuration. */
  | (Envelope & { readonly type: 'leaveConfirmed' })
  /** Forwarded proposals the receiver did not append, so that their origin can answer at once. */
  | (Envelope & {
      readonly type: 'proposeRefused';
      readonly proposalIds: readonly number[];
      readonly reason: ProposalRefusal;
    });

/** Why proposals were not appended; the transient ones are worth proposing again. */
export type ProposalRefusal =
  | 'no_leader'
  | 'transferring'
  | 'not_member'
  | 'overloaded'
  | 'leaving'
  | 'flow_control'
  /** A forwarded proposal reached a node that is no longer the leader. */
  | 'not_leader';

export const proposalRefusals: readonly ProposalRefusal[] = [
  'no_leader',
  'transferring',
  'not_member',
  'overloaded',
  'leaving',
  'flow_control',
  'not_leader',
];

export type MessageType = Message['type'];

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export type RaftEvent =
  | { readonly kind: 'role'; readonly role: Role; readonly term: Term }
  | { readonly kind: 'leader'; readonly leader: NodeId | null; readonly term: Term }
  | { readonly kind: 'config'; readonly config: ConfigState; readonly index: Index }
  | { readonly kind: 'readReady'; readonly context: number; readonly index: Index }
  | {
      readonly kind: 'proposalsDropped';
      readonly proposalIds: readonly number[];
      readonly reason: ProposalRefusal;
    }
  | {
      readonly kind: 'needStateTransfer';
      readonly donor: NodeId;
      readonly upTo: Index;
      readonly term: Term;
    }
  | {
      readonly kind: 'catchUp';
      readonly peer: NodeId;
      readonly fromIndex: Index;
      readonly toIndex: Index;
    }
  | { readonly kind: 'removed'; readonly index: Index }
  /** A rejoining node (DurableState.rejoin) learned how far it must catch up before it votes. */
  | { readonly kind: 'rejoinTarget'; readonly index: Index }
  /** A rejoining node's log reached its target: it votes and campaigns again. */
  | { readonly kind: 'rejoined'; readonly index: Index }
  | {
      readonly kind: 'forcedBootstrap';
      readonly voters: readonly NodeId[];
      /** Entries in this range may or may not have committed in the lost majority. */
      readonly uncertainFrom: Index;
      readonly uncertainTo: Index;
      readonly lostVoters: readonly NodeId[];
    }
  | { readonly kind: 'stateTransferRejected'; readonly reason: string }
  /**
   * The leader's log differs from this node's at a committed index: two histories, which only
   * pc.bootstrap makes (a survivor forced without commits this node made with others). The node
   * takes nothing more from that leader. Reported once.
   */
  | {
      readonly kind: 'diverged';
      readonly index: Index;
      readonly leader: NodeId;
      readonly localTerm: Term;
      readonly leaderTerm: Term;
    };

export type Input =
  | { readonly type: 'tick' }
  | { readonly type: 'message'; readonly message: Message }
  | { readonly type: 'propose'; readonly proposals: readonly Proposal[] }
  | { readonly type: 'persisted'; readonly index: Index; readonly term: Term }
  | { readonly type: 'applied'; readonly index: Index }
  | { readonly type: 'compact'; readonly index: Index }
  | { readonly type: 'readIndex'; readonly context: number }
  | { readonly type: 'transferLeadership'; readonly to: NodeId }
  | { readonly type: 'leave' }
  | { readonly type: 'addLearner'; readonly node: NodeId }
  | { readonly type: 'removeNode'; readonly node: NodeId }
  | {
      readonly type: 'stateTransferred';
      readonly index: Index;
      readonly term: Term;
      readonly config: ConfigState;
    }
  | { readonly type: 'forceBootstrap'; readonly voters: readonly NodeId[] }
  /** The nodes the transport can reach now (learned in handshakes); joins are sent to them. */
  | { readonly type: 'peers'; readonly peers: readonly NodeId[] }
  | { readonly type: 'campaign' }
  /**
   * wsrep_desync: this node's apply queue stops counting for flow control (it may fall behind
   * without pausing the cluster, e.g. during a backup), or counts again.
   */
  | { readonly type: 'desync'; readonly on: boolean };

/**
 * One batch of work for the caller. Order: persist `boundary`, `hardState` and `entries` (the
 * entries replace the durable log from `entries[0].index` on), then send `messages`, then apply
 * `committed`, then call `advance()`.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly boundary: Boundary | null;
  /** With `boundary`: the durable log is emptied (a state transfer replaced it). */
  readonly resetLog: boolean;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committed: readonly Entry[];
  readonly events: readonly RaftEvent[];
}

export interface RaftOptions {
  readonly id: NodeId;
  /** Ticks between heartbeats. */
  readonly heartbeatTicks: number;
  /** Base election timeout; each election waits a random time in [base, 2·base). */
  readonly electionTicks: number;
  /**
   * The base election timeout until this node has known a leader (a cold start); requires
   * preVote to be harmless. Default: electionTicks.
   */
  readonly initialElectionTicks?: number;
  /** evs.inactive_timeout in ticks: the leader removes a voter silent this long. 0 disables. */
  readonly inactiveTicks: number;
  /**
   * A follower this far behind the leader is reported as an IST catch-up (one whose rejection
   * shows it lacks entries the log still holds is reported at once, however few).
   */
  readonly catchUpReportEntries: number;
  /** gcs.fc_limit: the leader admits no proposals while a voter's apply queue exceeds it (0: off). */
  readonly flowControlLimit?: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** The nodes this node knows of (the cluster address); a non-member asks them to join. */
  readonly peers: readonly NodeId[];
  /** Ticks a joiner waits for a state transfer before asking again. */
  readonly stateTransferRetryTicks: number;
  /** Planted faults, switched on only by the simulator to prove its checker. */
  readonly canary?: RaftCanary;
}

export interface RaftCanary {
  /** The vote is not written to the hard state. */
  readonly unpersistedVote?: boolean;
  /** The leader counts replicas of entries from earlier terms toward commit. */
  readonly staleTermCommit?: boolean;
  /**
   * A follower takes the leader's commit index up to the end of its own log, not only up to what
   * the leader vouched for (the last entry of an append, the follower's match in a heartbeat):
   * a stale tail from an older term may then commit.
   */
  readonly commitPastAppend?: boolean;
}
