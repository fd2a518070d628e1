// Goal: the consensus core's safety rules — who may vote for whom, when a candidate has won or
// lost, when an entry commits and becomes durable, how configurations change, revert and are
// compacted — each decided exactly at its boundary (the mutants docs/design/mutation.md found
// unguarded). Method: drive single Raft objects by hand with crafted messages, in etcd/raft's
// table-driven style, and read the answers off the ready batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Raft, forcedTermStep, initialDurableState } from '../../src/core/consensus/raft.js';
import type {
  ConfigState,
  Entry,
  Message,
  RaftEvent,
  RaftOptions,
} from '../../src/core/consensus/types.js';
import { defaultRaftLimits } from '../../src/core/limits.js';
import { Xoshiro128 } from '../../src/core/prng.js';
import { index, nodeId, term, type NodeId } from '../../src/core/types.js';

const n = (k: number): NodeId => nodeId(`n${k}`);

interface NodeSpec {
  readonly id?: number;
  readonly voters?: number;
  readonly learners?: readonly number[];
  readonly term?: number;
  readonly vote?: number | null;
  /** Terms of the log entries 1, 2, …; an entry may be a config entry. */
  readonly log?: ReadonlyArray<number | { term: number; config: ConfigState }>;
  readonly commit?: number;
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly inactiveTicks?: number;
  readonly uncommittedBytesMax?: number;
  /** A configuration forced by pc.bootstrap, still in the hard state. */
  readonly forced?: number;
}

function entry(i: number, spec: number | { term: number; config: ConfigState }): Entry {
  const t = typeof spec === 'number' ? spec : spec.term;
  return {
    index: index(i),
    term: term(t),
    kind: typeof spec === 'number' ? 'normal' : 'config',
    data: new Uint8Array(0),
    config: typeof spec === 'number' ? null : spec.config,
    origin: null,
    proposalId: 0,
  };
}

function config(voters: number, learners: readonly number[] = []): ConfigState {
  return {
    voters: Array.from({ length: voters }, (_, i) => n(i + 1)),
    learners: learners.map(n),
  };
}

function makeRaft(spec: NodeSpec = {}): Raft {
  const voters = spec.voters ?? 3;
  const options: RaftOptions = {
    id: n(spec.id ?? 1),
    heartbeatTicks: 2,
    electionTicks: 10,
    inactiveTicks: spec.inactiveTicks ?? 0,
    catchUpReportEntries: 50,
    preVote: spec.preVote ?? true,
    checkQuorum: spec.checkQuorum ?? true,
    peers: config(voters, spec.learners).voters,
    stateTransferRetryTicks: 100,
  };
  const durable = initialDurableState(config(voters, spec.learners));
  const log = (spec.log ?? []).map((s, i) => entry(i + 1, s));
  return new Raft(
    options,
    {
      ...durable,
      hardState: {
        ...durable.hardState,
        term: term(spec.term ?? 0),
        vote: spec.vote === undefined || spec.vote === null ? null : n(spec.vote),
        commit: index(spec.commit ?? 0),
        forcedConfig: spec.forced === undefined ? null : config(spec.forced),
      },
      entries: log,
      applied: index(spec.commit ?? 0),
    },
    new Xoshiro128(1),
    spec.uncommittedBytesMax === undefined
      ? defaultRaftLimits
      : { ...defaultRaftLimits, uncommittedBytesMax: spec.uncommittedBytesMax },
  );
}

/** Drains every ready batch, persisting whatever it asks to; returns what it sent and said. */
function drain(raft: Raft): { messages: Message[]; events: RaftEvent[] } {
  const messages: Message[] = [];
  const events: RaftEvent[] = [];
  for (let round = 0; round < 20 && raft.hasReady(); round++) {
    const ready = raft.ready();
    messages.push(...ready.messages);
    events.push(...ready.events);
    const last = ready.entries[ready.entries.length - 1];
    if (last !== undefined) raft.step({ type: 'persisted', index: last.index, term: last.term });
    const applied = ready.committed[ready.committed.length - 1];
    if (applied !== undefined) raft.step({ type: 'applied', index: applied.index });
    raft.advance();
  }
  return { messages, events };
}

type WithoutTo<T> = T extends unknown ? Omit<T, 'to'> : never;

function deliver(raft: Raft, message: WithoutTo<Message>): Message[] {
  raft.step({ type: 'message', message: { ...message, to: raft.id } as Message });
  return drain(raft).messages;
}

function tick(raft: Raft, ticks: number): Message[] {
  const sent: Message[] = [];
  for (let i = 0; i < ticks; i++) {
    raft.step({ type: 'tick' });
    sent.push(...drain(raft).messages);
  }
  return sent;
}

// ---- voting ----

interface VoteCase {
  readonly name: string;
  readonly node: NodeSpec;
  readonly request: {
    type: 'vote' | 'preVote';
    from: number;
    term: number;
    lastIndex: number;
    lastTerm: number;
  };
  /** 'grant', 'reject', or 'ignore' (no answer at all). */
  readonly expect: 'grant' | 'reject' | 'ignore';
  /** The term and vote the node holds afterwards. */
  readonly after?: { term: number; vote: number | null };
}

const voteCases: VoteCase[] = [
  {
    name: 'a higher term with an equal log is granted',
    node: { term: 2, log: [1, 2] },
    request: { type: 'vote', from: 2, term: 3, lastIndex: 2, lastTerm: 2 },
    expect: 'grant',
    after: { term: 3, vote: 2 },
  },
  {
    name: 'a longer log of the same last term is granted',
    node: { term: 2, log: [1, 2] },
    request: { type: 'vote', from: 2, term: 3, lastIndex: 3, lastTerm: 2 },
    expect: 'grant',
    after: { term: 3, vote: 2 },
  },
  {
    name: 'a shorter log of the same last term is refused, though the term moves on',
    node: { term: 2, log: [1, 2, 2] },
    request: { type: 'vote', from: 2, term: 3, lastIndex: 2, lastTerm: 2 },
    expect: 'reject',
    after: { term: 3, vote: null },
  },
  {
    name: 'a higher last term wins over a longer log',
    node: { term: 3, log: [1, 1, 1, 2] },
    request: { type: 'vote', from: 3, term: 4, lastIndex: 2, lastTerm: 3 },
    expect: 'grant',
    after: { term: 4, vote: 3 },
  },
  {
    name: 'a lower last term loses to a shorter log',
    node: { term: 3, log: [1, 3] },
    request: { type: 'vote', from: 3, term: 4, lastIndex: 5, lastTerm: 2 },
    expect: 'reject',
    after: { term: 4, vote: null },
  },
  {
    name: 'one vote per term: another candidate of the same term is refused',
    node: { term: 3, vote: 3, log: [1] },
    request: { type: 'vote', from: 2, term: 3, lastIndex: 1, lastTerm: 1 },
    expect: 'reject',
    after: { term: 3, vote: 3 },
  },
  {
    name: 'the candidate voted for may ask again (a lost answer)',
    node: { term: 3, vote: 2, log: [1] },
    request: { type: 'vote', from: 2, term: 3, lastIndex: 1, lastTerm: 1 },
    expect: 'grant',
    after: { term: 3, vote: 2 },
  },
  {
    name: 'a vote request of a stale term is refused without answer of substance',
    node: { term: 5, log: [1] },
    request: { type: 'vote', from: 2, term: 4, lastIndex: 9, lastTerm: 4 },
    expect: 'ignore',
    after: { term: 5, vote: null },
  },
  {
    name: 'a pre-vote for the next term is granted without voting or raising the term',
    node: { term: 2, vote: 3, log: [1, 2] },
    request: { type: 'preVote', from: 2, term: 3, lastIndex: 2, lastTerm: 2 },
    expect: 'grant',
    after: { term: 2, vote: 3 },
  },
  {
    name: 'a pre-vote with a stale log is refused',
    node: { term: 2, log: [1, 2] },
    request: { type: 'preVote', from: 2, term: 3, lastIndex: 1, lastTerm: 1 },
    expect: 'reject',
    after: { term: 2, vote: null },
  },
  {
    name: 'a pre-vote for the current term from another than the vote is refused',
    node: { term: 2, vote: 3, log: [1, 2] },
    request: { type: 'preVote', from: 2, term: 2, lastIndex: 2, lastTerm: 2 },
    expect: 'reject',
    after: { term: 2, vote: 3 },
  },
  {
    name: 'a pre-vote of a stale term is refused explicitly',
    node: { term: 4, log: [1, 2] },
    request: { type: 'preVote', from: 2, term: 3, lastIndex: 2, lastTerm: 2 },
    expect: 'reject',
    after: { term: 4, vote: null },
  },
];

for (const c of voteCases) {
  test(`vote: ${c.name}`, () => {
    const raft = makeRaft(c.node);
    drain(raft);
    const sent = deliver(raft, {
      ...c.request,
      from: n(c.request.from),
      term: term(c.request.term),
      lastIndex: index(c.request.lastIndex),
      lastTerm: term(c.request.lastTerm),
      ...(c.request.type === 'vote' ? { transfer: false } : {}),
    } as WithoutTo<Message>);
    const answers = sent.filter((m) => m.type === 'voteResponse' || m.type === 'preVoteResponse');
    if (c.expect === 'ignore') {
      assert.deepEqual(answers, []);
    } else {
      assert.equal(answers.length, 1, 'one answer');
      const answer = answers[0]!;
      assert.equal(answer.type, c.request.type === 'vote' ? 'voteResponse' : 'preVoteResponse');
      assert.ok(answer.type === 'voteResponse' || answer.type === 'preVoteResponse');
      assert.equal(answer.reject, c.expect === 'reject');
      assert.equal(answer.to, n(c.request.from));
      if (c.expect === 'grant') assert.equal(answer.term, c.request.term, 'a grant names its term');
    }
    if (c.after !== undefined) {
      assert.equal(raft.term, c.after.term);
      assert.equal(raft.votedFor, c.after.vote === null ? null : n(c.after.vote));
      assert.equal(raft.hardState().vote, raft.votedFor, 'the vote is in the hard state');
    }
  });
}

test('vote: a follower that hears from its leader ignores vote requests (the lease), unless transferring', () => {
  const raft = makeRaft({ term: 2, log: [1, 2] });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(2),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  const request = {
    type: 'vote',
    from: n(3),
    term: term(3),
    lastIndex: index(5),
    lastTerm: term(2),
    transfer: false,
  } as const;
  assert.deepEqual(deliver(raft, request), [], 'inside the lease: no answer');
  assert.equal(raft.term, 2, 'and the term stays');
  assert.equal(raft.leader, n(2));
  const answers = deliver(raft, { ...request, transfer: true });
  assert.equal(answers.length, 1);
  assert.ok(answers[0]!.type === 'voteResponse' && !answers[0]!.reject, 'a transfer is granted');
  assert.equal(raft.term, 3);
});

test('vote: after an election timeout without the leader the lease is over', () => {
  const raft = makeRaft({ term: 2, log: [1, 2] });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(2),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  tick(raft, 9);
  assert.equal(raft.role, 'follower', 'not yet campaigning');
  const request = {
    type: 'preVote',
    from: n(3),
    term: term(3),
    lastIndex: index(2),
    lastTerm: term(2),
  } as const;
  assert.deepEqual(deliver(raft, request), [], 'nine ticks: still in the lease');
  tick(raft, 1);
  const answers = deliver(raft, request);
  assert.ok(answers.length === 1 && answers[0]!.type === 'preVoteResponse');
  assert.equal(answers[0]!.reject, false, 'ten ticks: the lease is over');
});

// ---- elections: tallying ----

/** A node of `voters` that has started a real election at term 1 (pre-vote off). */
function candidate(voters: number): Raft {
  const raft = makeRaft({ voters, preVote: false });
  raft.step({ type: 'campaign' });
  drain(raft);
  assert.equal(raft.role, 'candidate');
  return raft;
}

function answer(raft: Raft, from: number, reject: boolean): void {
  deliver(raft, { type: 'voteResponse', from: n(from), term: raft.term, reject });
}

test('tally: a candidate of five wins with the third grant, not the second', () => {
  const raft = candidate(5);
  answer(raft, 2, false);
  assert.equal(raft.role, 'candidate', 'two of five');
  answer(raft, 2, false);
  assert.equal(raft.role, 'candidate', 'the same voter twice counts once');
  answer(raft, 3, false);
  assert.equal(raft.role, 'leader', 'three of five');
});

test('tally: a candidate of five loses with the third refusal, not the second', () => {
  const raft = candidate(5);
  answer(raft, 2, true);
  answer(raft, 3, true);
  assert.equal(raft.role, 'candidate', 'two refusals: three may still grant');
  answer(raft, 4, true);
  assert.equal(raft.role, 'follower', 'three refusals: lost');
  assert.equal(raft.term, 1, 'losing keeps the term');
});

test('tally: a candidate of four needs three grants, and two refusals lose', () => {
  const winner = candidate(4);
  answer(winner, 2, false);
  assert.equal(winner.role, 'candidate', 'two of four is no majority');
  answer(winner, 3, false);
  assert.equal(winner.role, 'leader');
  const loser = candidate(4);
  answer(loser, 2, true);
  assert.equal(loser.role, 'candidate', 'one refusal of four');
  answer(loser, 3, true);
  assert.equal(loser.role, 'follower', 'two refusals of four: three grants are out of reach');
});

test('tally: answers of the wrong kind or from outside the configuration do not count', () => {
  const raft = candidate(3);
  deliver(raft, { type: 'preVoteResponse', from: n(2), term: raft.term, reject: false });
  assert.equal(raft.role, 'candidate', 'a pre-vote grant is not a vote');
  answer(raft, 7, false);
  assert.equal(raft.role, 'candidate', 'n7 is no voter');
  answer(raft, 3, false);
  assert.equal(raft.role, 'leader');
});

test('tally: a single voter elects itself at once, and a candidate votes for itself durably', () => {
  const alone = makeRaft({ voters: 1 });
  alone.step({ type: 'campaign' });
  drain(alone);
  assert.equal(alone.role, 'leader');
  assert.equal(alone.term, 1);
  const raft = candidate(3);
  assert.equal(raft.votedFor, n(1));
  assert.equal(raft.hardState().vote, n(1));
  assert.equal(raft.term, 1);
});

test('pre-vote: the pre-candidate asks for the next term without raising its own', () => {
  const raft = makeRaft({ term: 4, log: [1, 4] });
  raft.step({ type: 'campaign' });
  const sent = drain(raft).messages;
  assert.equal(raft.role, 'preCandidate');
  assert.equal(raft.term, 4);
  const asks = sent.filter((m) => m.type === 'preVote');
  assert.deepEqual(
    asks.map((m) => [
      m.to,
      m.term,
      m.type === 'preVote' && m.lastIndex,
      m.type === 'preVote' && m.lastTerm,
    ]),
    [
      [n(2), 5, 2, 4],
      [n(3), 5, 2, 4],
    ],
  );
  deliver(raft, { type: 'preVoteResponse', from: n(2), term: term(5), reject: false });
  assert.equal(raft.role, 'candidate', 'a pre-vote majority starts the real election');
  assert.equal(raft.term, 5);
});

test('pre-vote: a refusal from a higher term does not move a pre-candidate on', () => {
  const raft = makeRaft({ term: 4, log: [1, 4] });
  raft.step({ type: 'campaign' });
  drain(raft);
  deliver(raft, { type: 'preVoteResponse', from: n(2), term: term(7), reject: true });
  assert.equal(raft.term, 7, 'a refusal from a higher term is news of that term');
  assert.equal(raft.role, 'follower');
});

// ---- commit ----

/** A leader of `voters` in term 2 over a log of `log`, its own entries persisted. */
function leader(voters: number, log: number[] = [1], spec: NodeSpec = {}): Raft {
  const raft = makeRaft({ voters, term: 1, log, preVote: false, ...spec });
  raft.step({ type: 'campaign' });
  drain(raft);
  for (let v = 2; v <= Math.floor(voters / 2) + 1; v++) answer(raft, v, false);
  drain(raft);
  assert.equal(raft.role, 'leader');
  assert.equal(raft.term, 2);
  return raft;
}

/** A follower's report of where its log is committed (onHeartbeat's accepted append). */
function appendResponseFrom(
  raft: Raft,
  from: number,
  committed: number,
  committedTerm = 1,
): { messages: Message[]; events: RaftEvent[] } {
  raft.step({
    type: 'message',
    message: {
      type: 'appendResponse',
      from: n(from),
      to: raft.id,
      term: raft.term,
      reject: false,
      index: index(committed),
      hintIndex: index(committed),
      hintTerm: term(committedTerm),
    },
  });
  return drain(raft);
}

function ack(raft: Raft, from: number, at: number): void {
  deliver(raft, {
    type: 'appendResponse',
    from: n(from),
    term: raft.term,
    reject: false,
    index: index(at),
    hintIndex: index(0),
    hintTerm: term(0),
  });
}

test('commit: a leader of three commits an entry of its term once one follower holds it', () => {
  const raft = leader(3);
  const noop = raft.log.lastIndex();
  assert.equal(noop, 2);
  assert.equal(raft.log.commit, 0, 'its own copy alone is no majority');
  ack(raft, 2, noop);
  assert.equal(raft.log.commit, noop);
});

test('commit: a leader of five needs two followers, and counts a follower once', () => {
  const raft = leader(5);
  const noop = raft.log.lastIndex();
  ack(raft, 2, noop);
  ack(raft, 2, noop);
  assert.equal(raft.log.commit, 0, 'two of five');
  ack(raft, 4, noop - 1);
  assert.equal(raft.log.commit, 0, 'the third copy is only up to an entry of the old term');
  ack(raft, 3, noop);
  assert.equal(raft.log.commit, noop, 'three of five');
});

test('commit: entries of an earlier term commit only under an entry of the current term', () => {
  const raft = leader(3, [1, 1]);
  ack(raft, 2, 2);
  assert.equal(raft.log.commit, 0, 'replicas of old-term entries are not counted (§5.4.2)');
  ack(raft, 2, 3);
  assert.equal(raft.log.commit, 3, 'the noop of term 2 commits, and the old entries under it');
});

test('commit: the leader counts its own log only as far as it is durable', () => {
  const raft = makeRaft({ voters: 3, term: 1, log: [1], preVote: false });
  raft.step({ type: 'campaign' });
  drain(raft);
  raft.step({
    type: 'message',
    message: { type: 'voteResponse', from: n(2), to: n(1), term: term(2), reject: false },
  });
  assert.equal(raft.role, 'leader');
  // The leader's noop is handed out for persisting, but its fsync is not reported yet.
  const ready = raft.ready();
  raft.advance();
  assert.deepEqual(
    ready.entries.map((e) => e.index),
    [2],
  );
  ack(raft, 2, 2);
  assert.equal(raft.log.commit, 0, 'one follower and an unpersisted own copy are no majority');
  raft.step({ type: 'persisted', index: index(2), term: term(2) });
  assert.equal(raft.log.commit, 2, 'once durable here, it commits');
  const toN2 = appendsTo(drain(raft).messages, 2);
  assert.ok(
    toN2.length === 1 && toN2[0]!.type === 'append' && toN2[0]!.commit === 2,
    'and tells the followers at once',
  );
});

test('persisted: only reports of handed-out entries of the right term move the durable index', () => {
  const raft = settledLeader();
  assert.equal(raft.matchOf(n(1)), 2);
  raft.step({ type: 'propose', proposals: [{ proposalId: 1, data: new Uint8Array(1) }] });
  // Entry 3 is in the log but not handed out for persisting yet.
  raft.step({ type: 'persisted', index: index(3), term: term(2) });
  assert.equal(raft.matchOf(n(1)), 2, 'not handed out: ignored');
  const ready = raft.ready();
  raft.advance();
  assert.deepEqual(
    ready.entries.map((e) => e.index),
    [3],
  );
  raft.step({ type: 'persisted', index: index(3), term: term(1) });
  assert.equal(raft.matchOf(n(1)), 2, 'another term: an overwritten entry, ignored');
  raft.step({ type: 'persisted', index: index(3), term: term(2) });
  assert.equal(raft.matchOf(n(1)), 3);
  raft.step({ type: 'persisted', index: index(2), term: term(2) });
  assert.equal(raft.matchOf(n(1)), 3, 'a late report never moves it back');
});

test('commit: a follower takes the leader commit only up to what it holds from this leader', () => {
  const raft = makeRaft({ term: 2, log: [1, 1, 1] });
  drain(raft);
  deliver(raft, {
    type: 'append',
    from: n(2),
    term: term(2),
    prevIndex: index(1),
    prevTerm: term(1),
    entries: [entry(2, 2)],
    commit: index(3),
  });
  assert.equal(raft.log.lastIndex(), 2, 'the conflicting entry 3 is gone with the truncation');
  assert.equal(raft.log.commit, 2, 'commit is capped by the last entry of this append');
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(2),
    commit: index(9),
    readSeq: 0,
    flowControl: false,
  });
  assert.equal(raft.log.commit, 2, 'a heartbeat cannot commit beyond the log');
});

// ---- configuration ----

/** A leader of three in term 2 whose noop (index 2) has committed. */
function settledLeader(spec: NodeSpec = {}): Raft {
  const raft = leader(3, [1], spec);
  ack(raft, 2, 2);
  assert.equal(raft.log.commit, 2);
  return raft;
}

const lastEntry = (raft: Raft): Entry => raft.log.entryAt(raft.log.lastIndex());

test('config: no change before the leader committed an entry of its term', () => {
  const raft = leader(3);
  raft.step({ type: 'addLearner', node: n(4) });
  drain(raft);
  assert.equal(lastEntry(raft).kind, 'noop', 'held back');
  ack(raft, 2, 2);
  raft.step({ type: 'tick' });
  const { events } = drain(raft);
  assert.equal(lastEntry(raft).kind, 'config', 'appended once the noop committed');
  assert.deepEqual(
    events.filter((e) => e.kind === 'config'),
    [{ kind: 'config', config: { voters: [n(1), n(2), n(3)], learners: [n(4)] }, index: 3 }],
  );
  assert.deepEqual(raft.config(), { voters: [n(1), n(2), n(3)], learners: [n(4)] });
  assert.equal(raft.configIndex(), 3, 'in force from its append, not its commit');
});

test('config: one uncommitted change at a time', () => {
  const raft = settledLeader();
  raft.step({ type: 'addLearner', node: n(4) });
  const sent = appendsTo(drain(raft).messages, 2);
  assert.ok(
    sent.some((m) => m.type === 'append' && m.entries.some((e) => e.kind === 'config')),
    'the change is sent at once',
  );
  assert.equal(raft.configIndex(), 3);
  raft.step({ type: 'removeNode', node: n(3) });
  tick(raft, 3);
  assert.equal(raft.log.lastIndex(), 3, 'the removal waits for the addition to commit');
  ack(raft, 2, 3);
  tick(raft, 1);
  assert.equal(raft.configIndex(), 4);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [n(4)] });
});

test('config: a removed voter is still replicated to until its removal commits', () => {
  const raft = settledLeader();
  raft.step({ type: 'removeNode', node: n(3) });
  drain(raft);
  assert.deepEqual(raft.config().voters, [n(1), n(2)]);
  const before = tick(raft, 2)
    .filter((m) => m.type === 'heartbeat')
    .map((m) => m.to);
  assert.ok(before.includes(n(3)), 'n3 still hears from the leader');
  ack(raft, 2, 3);
  assert.equal(raft.log.commit, 3, 'a majority of the new configuration commits the removal');
  const after = tick(raft, 2).filter((m) => m.type === 'heartbeat');
  assert.deepEqual(
    after.map((m) => [m.to, m.commit]),
    [
      [n(2), 3],
      [n(3), 0],
    ],
    'after it commits, n3 is no member: a heartbeat that vouches for nothing',
  );
  assert.equal(raft.matchOf(n(3)), null);
});

const heartbeatAnswer = (raft: Raft, from: number) =>
  deliver(raft, {
    type: 'heartbeatResponse',
    from: n(from),
    term: raft.term,
    readSeq: 0,
    applyQueue: 0,
  });

test('config: a peer outside the configuration that answers a heartbeat comes back as a learner', () => {
  // pc.bootstrap leaves voters out that still count themselves in: the leader must reach them
  // first (scenarios: "lost voters … never elect among themselves").
  const raft = settledLeader();
  raft.step({ type: 'removeNode', node: n(3) });
  drain(raft);
  ack(raft, 2, 3);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [] });
  heartbeatAnswer(raft, 3);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [n(3)] });
});

test('config: a node that asked to leave is neither heartbeated nor taken back by its answer, until it asks to join', () => {
  const raft = settledLeader();
  deliver(raft, { type: 'leave', from: n(3), term: raft.term, node: n(3) });
  ack(raft, 2, 3);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [] });
  const heartbeats = tick(raft, 2).filter((m) => m.type === 'heartbeat');
  assert.deepEqual(
    heartbeats.map((m) => m.to),
    [n(2)],
  );
  heartbeatAnswer(raft, 3);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [] }, 'not taken back');
  deliver(raft, { type: 'join', from: n(3), term: raft.term, node: n(3) });
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [n(3)] });
  // Its join ended the departure: removed again (say for inactivity), it hears from the leader.
  ack(raft, 2, raft.log.lastIndex());
  raft.step({ type: 'removeNode', node: n(3) });
  drain(raft);
  ack(raft, 2, raft.log.lastIndex());
  assert.deepEqual(raft.config(), { voters: [n(1), n(2)], learners: [] });
  assert.ok(
    tick(raft, 2).some((m) => m.type === 'heartbeat' && m.to === n(3)),
    'heartbeated again',
  );
});

test('config: the leader never removes itself, nor a node that is not there, nor adds a member', () => {
  const raft = settledLeader();
  for (const input of [
    { type: 'removeNode', node: n(1) },
    { type: 'removeNode', node: n(7) },
    { type: 'addLearner', node: n(2) },
  ] as const) {
    raft.step(input);
    tick(raft, 1);
    assert.equal(raft.log.lastIndex(), 2, `${input.type} ${input.node}: nothing appended`);
  }
});

test('config: a node that joins and reports where its log is committed is caught up from there, and that is an IST', () => {
  // It may say so (its commit report, at a heartbeat) before any append of the leader's is
  // refused; the catch-up is reported either way (found by ist-announce.test.ts under load).
  const raft = leader(3, [1, 1, 1, 1]);
  ack(raft, 2, 5);
  raft.step({ type: 'addLearner', node: n(4) });
  drain(raft);
  ack(raft, 2, 6);
  const { events } = appendResponseFrom(raft, 4, 3);
  assert.deepEqual(
    events.filter((e) => e.kind === 'catchUp'),
    [{ kind: 'catchUp', peer: n(4), fromIndex: 4, toIndex: 6 }],
  );
  assert.equal(raft.matchOf(n(4)), 3);
  // Once, and only for a node that joins: a follower's report to a new leader is no IST.
  assert.deepEqual(
    appendResponseFrom(raft, 4, 3).events.filter((e) => e.kind === 'catchUp'),
    [],
  );
  const again = leader(3, [1, 1, 1, 1]);
  assert.deepEqual(
    appendResponseFrom(again, 3, 3).events.filter((e) => e.kind === 'catchUp'),
    [],
  );
});

test('config: the catch-up of a node that joins is reported once, only when its report shows a gap', () => {
  const catchUps = (events: readonly RaftEvent[]) => events.filter((e) => e.kind === 'catchUp');
  const joining = (entries = 4) => {
    const raft = leader(
      3,
      Array.from({ length: entries }, () => 1),
    );
    ack(raft, 2, entries + 1);
    raft.step({ type: 'addLearner', node: n(4) });
    drain(raft);
    ack(raft, 2, entries + 2);
    return raft;
  };
  // A report that shows no gap is no IST (6 is the configuration entry, of term 2).
  const level = joining();
  assert.deepEqual(catchUps(appendResponseFrom(level, 4, 6, 2).events), []);
  assert.equal(level.matchOf(n(4)), 6, 'the report was taken');
  // A plain acknowledgement is no report of where its log is committed.
  const acked = joining();
  acked.step({
    type: 'message',
    message: {
      type: 'appendResponse',
      from: n(4),
      to: n(1),
      term: acked.term,
      reject: false,
      index: index(3),
      hintIndex: index(0),
      hintTerm: term(0),
    },
  });
  assert.deepEqual(catchUps(drain(acked).events), []);
  assert.deepEqual(
    catchUps(appendResponseFrom(acked, 4, 3).events),
    [],
    'joined only until its first answer',
  );
  // Far behind (past catchUpReportEntries), reported once however many answers come.
  // Its heartbeat answer lets the leader send it entries, which reports the catch-up first.
  const far = joining(60);
  far.step({
    type: 'message',
    message: {
      type: 'heartbeatResponse',
      from: n(4),
      to: n(1),
      term: far.term,
      readSeq: 0,
      applyQueue: 0,
    },
  });
  const reports = catchUps(drain(far).events);
  assert.equal(reports.length, 1, 'reported as entries went out');
  for (let i = 0; i < 3; i++) {
    far.step({ type: 'tick' });
    reports.push(...catchUps(drain(far).events));
    reports.push(...catchUps(appendResponseFrom(far, 4, 3).events));
  }
  assert.equal(reports.length, 1, JSON.stringify(reports));
  // After a refusal (reported there), caught up, then behind again: no second IST.
  const refused = joining();
  refused.step({
    type: 'message',
    message: {
      type: 'appendResponse',
      from: n(4),
      to: n(1),
      term: refused.term,
      reject: true,
      index: index(5),
      hintIndex: index(3),
      hintTerm: term(1),
    },
  });
  assert.equal(catchUps(drain(refused).events).length, 1, 'the refusal reports it');
  ack(refused, 4, 6);
  refused.step({ type: 'propose', proposals: [{ data: new Uint8Array(1), proposalId: 1 }] });
  drain(refused);
  assert.deepEqual(catchUps(appendResponseFrom(refused, 4, 6, 2).events), []);
});

test('config: a learner is promoted once it is active and has the commit index', () => {
  const raft = settledLeader();
  raft.step({ type: 'addLearner', node: n(4) });
  drain(raft);
  ack(raft, 2, 3);
  assert.equal(raft.log.commit, 3);
  tick(raft, 1);
  assert.deepEqual(raft.config().learners, [n(4)], 'n4 has nothing yet');
  ack(raft, 4, 2);
  tick(raft, 1);
  assert.deepEqual(raft.config().learners, [n(4)], 'n4 is behind the commit index');
  ack(raft, 4, 3);
  tick(raft, 1);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2), n(3), n(4)], learners: [] });
});

test('config: a member silent for inactiveTicks is removed, not one tick earlier', () => {
  const raft = settledLeader({ inactiveTicks: 30 });
  // n2 keeps answering; n3 never does.
  for (let t = 1; t <= 29; t++) {
    tick(raft, 1);
    deliver(raft, {
      type: 'heartbeatResponse',
      from: n(2),
      term: raft.term,
      readSeq: 0,
      applyQueue: 0,
    });
  }
  assert.deepEqual(raft.config().voters, [n(1), n(2), n(3)], 'silent for 29 ticks: kept');
  tick(raft, 1);
  assert.deepEqual(raft.config().voters, [n(1), n(2)], 'silent for 30 ticks: removed');
});

test('config: a follower follows its log, and a truncated config entry reverts', () => {
  const four = { voters: [n(1), n(2), n(3), n(4)], learners: [] };
  const raft = makeRaft({ term: 1, log: [1, { term: 1, config: four }, 1] });
  drain(raft);
  assert.deepEqual(raft.config(), four, 'recovered from the log');
  assert.deepEqual(raft.configAt(index(1)), config(3));
  assert.deepEqual(raft.configAt(index(2)), four);
  raft.step({
    type: 'message',
    message: {
      type: 'append',
      from: n(2),
      to: n(1),
      term: term(2),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [entry(2, 2)],
      commit: index(1),
    },
  });
  const { events } = drain(raft);
  assert.deepEqual(raft.config(), config(3), 'the configuration of the truncated entry is gone');
  assert.deepEqual(
    events.filter((e) => e.kind === 'config'),
    [{ kind: 'config', config: config(3), index: 0 }],
  );
  assert.equal(raft.configIndex(), 0);
});

test('commit: a follower commits no further than the entries this append vouched for', () => {
  // Entries 2 and 3 are from term 1 and were never committed; the leader of term 2 may hold
  // other entries there. Its append matches at 1 and carries none: its commit index 3 speaks of
  // its own entries, not of these (Raft §5.3: commit = min(leaderCommit, last new entry)).
  const raft = makeRaft({ term: 1, log: [1, 1, 1], commit: 1 });
  drain(raft);
  raft.step({
    type: 'message',
    message: {
      type: 'append',
      from: n(2),
      to: n(1),
      term: term(2),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [],
      commit: index(3),
    },
  });
  drain(raft);
  assert.equal(raft.log.commit, 1, 'nothing past the matched prefix commits');
  assert.equal(raft.log.lastIndex(), 3, 'the unvouched entries stay, uncommitted');
});

test('config: a config entry received from the leader takes effect on append', () => {
  const four = { voters: [n(1), n(2), n(3), n(4)], learners: [] };
  const raft = makeRaft({ term: 2, log: [1] });
  drain(raft);
  raft.step({
    type: 'message',
    message: {
      type: 'append',
      from: n(2),
      to: n(1),
      term: term(2),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [entry(2, { term: 2, config: four }), entry(3, 2)],
      commit: index(1),
    },
  });
  const { events } = drain(raft);
  assert.deepEqual(raft.config(), four);
  assert.equal(raft.configIndex(), 2);
  assert.deepEqual(
    events.filter((e) => e.kind === 'config'),
    [{ kind: 'config', config: four, index: 2 }],
  );
});

// ---- who campaigns, and how ----

test('campaign: a learner asked to campaign does nothing', () => {
  const raft = makeRaft({ id: 4, voters: 3, learners: [4] });
  drain(raft);
  raft.step({ type: 'campaign' });
  const { messages } = drain(raft);
  assert.equal(raft.role, 'follower');
  assert.equal(raft.term, 0);
  assert.deepEqual(messages, []);
});

test('campaign: a leader asked to campaign stays leader in its term', () => {
  const raft = settledLeader();
  raft.step({ type: 'campaign' });
  drain(raft);
  assert.equal(raft.role, 'leader');
  assert.equal(raft.term, 2);
});

test('campaign: a second pre-vote round counts only its own answers', () => {
  const raft = makeRaft({ voters: 5, term: 1, log: [1] });
  raft.step({ type: 'campaign' });
  drain(raft);
  deliver(raft, { type: 'preVoteResponse', from: n(2), term: term(2), reject: false });
  assert.equal(raft.role, 'preCandidate', 'two of five');
  raft.step({ type: 'campaign' }); // timed out: a new round
  drain(raft);
  deliver(raft, { type: 'preVoteResponse', from: n(3), term: term(2), reject: false });
  assert.equal(raft.role, 'preCandidate', "n2's grant belonged to the last round");
  deliver(raft, { type: 'preVoteResponse', from: n(2), term: term(2), reject: false });
  assert.equal(raft.role, 'candidate', 'three of five in this round');
  assert.equal(raft.term, 2);
});

test('campaign: only a leadership transfer sets the transfer flag on vote requests', () => {
  const normal = makeRaft({ term: 3, log: [1, 3], preVote: false });
  normal.step({ type: 'campaign' });
  const asks = drain(normal).messages.filter((m) => m.type === 'vote');
  assert.equal(asks.length, 2);
  for (const m of asks) assert.ok(m.type === 'vote' && !m.transfer && m.term === 4);
  const target = makeRaft({ term: 3, log: [1, 3] });
  drain(target);
  const sent = deliver(target, { type: 'timeoutNow', from: n(2), term: term(3) });
  const votes = sent.filter((m) => m.type === 'vote');
  assert.equal(target.role, 'candidate', 'timeoutNow skips the pre-vote');
  assert.equal(votes.length, 2);
  for (const m of votes) assert.ok(m.type === 'vote' && m.transfer && m.term === 4);
});

test('campaign: a node waiting for a state transfer does not campaign', () => {
  const raft = makeRaft({ term: 2, log: [1] });
  drain(raft);
  const sent = deliver(raft, {
    type: 'stateTransfer',
    from: n(2),
    term: term(2),
    index: index(50),
    donor: n(3),
  });
  assert.deepEqual(sent, []);
  const asks = tick(raft, 60).filter((m) => m.type === 'preVote' || m.type === 'vote');
  assert.deepEqual(asks, [], 'no election while the copy is pending');
  assert.equal(raft.role, 'follower');
  assert.deepEqual(deliver(raft, { type: 'timeoutNow', from: n(2), term: term(2) }), []);
});

test('membership: a learner is a member — it neither asks to join nor reports itself removed', () => {
  const withLearner = { voters: [n(1), n(2), n(3)], learners: [n(4)] };
  const raft = makeRaft({
    id: 4,
    term: 1,
    log: [1, { term: 1, config: withLearner }],
    commit: 2,
  });
  assert.equal(raft.isMember(), true);
  assert.equal(raft.isVoter(), false);
  deliver(raft, {
    type: 'heartbeat',
    from: n(1),
    term: term(1),
    commit: index(2),
    readSeq: 0,
    flowControl: false,
  });
  const asks: Message[] = [];
  const events: RaftEvent[] = [];
  for (let t = 0; t < 15; t++) {
    raft.step({ type: 'tick' });
    const out = drain(raft);
    asks.push(...out.messages.filter((m) => m.type === 'join'));
    events.push(...out.events);
  }
  assert.deepEqual(asks, [], 'a learner that hears its leader does not ask to join');
  assert.deepEqual(
    events.filter((e) => e.kind === 'removed'),
    [],
  );
});

test('configAt: the boundary configuration holds at the boundary, nothing before it', () => {
  const four = { voters: [n(1), n(2), n(3), n(4)], learners: [] };
  const raft = makeRaft({ term: 1, log: [1, 1, { term: 1, config: four }, 1], commit: 4 });
  drain(raft);
  raft.step({ type: 'compact', index: index(2) });
  drain(raft);
  assert.equal(raft.configAt(index(1)), null, 'before the boundary');
  assert.deepEqual(raft.configAt(index(2)), config(3), 'at the boundary');
  assert.deepEqual(raft.configAt(index(3)), four);
  assert.deepEqual(raft.configAt(index(9)), four);
});

test('events: each change of role is reported once, with its term', () => {
  const raft = makeRaft({ voters: 3, term: 1, log: [1] });
  const events: RaftEvent[] = [];
  raft.step({ type: 'campaign' });
  events.push(...drain(raft).events);
  raft.step({ type: 'campaign' }); // a second pre-vote round: still a pre-candidate
  events.push(...drain(raft).events);
  raft.step({
    type: 'message',
    message: { type: 'preVoteResponse', from: n(2), to: n(1), term: term(2), reject: false },
  });
  events.push(...drain(raft).events);
  raft.step({
    type: 'message',
    message: { type: 'voteResponse', from: n(3), to: n(1), term: term(2), reject: false },
  });
  events.push(...drain(raft).events);
  assert.deepEqual(
    events.filter((e) => e.kind === 'role'),
    [
      { kind: 'role', role: 'preCandidate', term: 1 },
      { kind: 'role', role: 'candidate', term: 2 },
      { kind: 'role', role: 'leader', term: 2 },
    ],
  );
  assert.deepEqual(
    events.filter((e) => e.kind === 'leader'),
    [{ kind: 'leader', leader: n(1), term: 2 }],
    'no leader was known before, so only the new one is reported',
  );
});

test('campaign: a transfer target gives up its leader and waits a whole timeout before trying again', () => {
  const raft = makeRaft({ term: 3, log: [1, 3] });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(3),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  tick(raft, 9);
  raft.step({
    type: 'message',
    message: { type: 'timeoutNow', from: n(2), to: n(1), term: term(3) },
  });
  const { events } = drain(raft);
  assert.equal(raft.role, 'candidate');
  assert.equal(raft.leader, null, 'a candidate follows nobody');
  assert.deepEqual(
    events.filter((e) => e.kind === 'leader'),
    [{ kind: 'leader', leader: null, term: 4 }],
  );
  const again = tick(raft, 9).filter((m) => m.type === 'preVote' || m.type === 'vote');
  assert.deepEqual(again, [], 'the election timer started over');
  assert.equal(raft.term, 4);
});

test('leader: a new leader probes right after its old last entry and gets a whole timeout before check-quorum', () => {
  const raft = candidate(3);
  raft.step({ type: 'tick' }); // the candidate's clock runs
  for (let t = 0; t < 8; t++) raft.step({ type: 'tick' });
  drain(raft);
  assert.equal(raft.role, 'candidate');
  raft.step({
    type: 'message',
    message: { type: 'voteResponse', from: n(2), to: n(1), term: term(1), reject: false },
  });
  const appends = drain(raft).messages.filter((m) => m.type === 'append');
  assert.deepEqual(
    appends.map(
      (m) => m.type === 'append' && [m.to, m.prevIndex, m.prevTerm, indexesOf(m.entries)],
    ),
    [
      [n(2), 0, 0, [1]],
      [n(3), 0, 0, [1]],
    ],
    'the noop, after the empty log the leader started from',
  );
  tick(raft, 1);
  assert.equal(raft.role, 'leader', 'no check-quorum round one tick into the term');
});

function indexesOf(entries: readonly Entry[]): number[] {
  return entries.map((e) => e.index);
}

test('pc.bootstrap: the forced configuration is the first entry of the new leader, then leaves the hard state', () => {
  const raft = makeRaft({ term: 3, log: [1, 3], commit: 1 });
  drain(raft);
  raft.step({ type: 'forceBootstrap', voters: [n(1)] });
  const { events } = drain(raft);
  assert.equal(raft.role, 'leader');
  const first = raft.log.entryAt(3);
  assert.equal(first.kind, 'config');
  assert.deepEqual(first.config, { voters: [n(1)], learners: [] });
  assert.equal(raft.hardState().forcedConfig, null, 'the log carries it now');
  assert.deepEqual(raft.config(), { voters: [n(1)], learners: [] });
  const report = events.find((e) => e.kind === 'forcedBootstrap');
  assert.deepEqual(report, {
    kind: 'forcedBootstrap',
    voters: [n(1)],
    uncertainFrom: 2,
    uncertainTo: 2,
    lostVoters: [n(2), n(3)],
  });
  assert.equal(raft.log.commit, 3, 'alone in its configuration, it commits at once');
});

test('leader: a leader that steps down and wins again starts afresh', () => {
  const raft = leader(3);
  raft.step({ type: 'readIndex', context: 7 }); // waits for an entry of term 2 to commit
  tick(raft, 1);
  raft.step({ type: 'transferLeadership', to: n(2) });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(3),
    term: term(3),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  assert.equal(raft.role, 'follower');
  assert.equal(raft.matchOf(n(2)), null, 'a follower keeps no progress');
  raft.step({ type: 'campaign' });
  drain(raft);
  answer(raft, 2, false);
  assert.equal(raft.role, 'leader');
  assert.equal(raft.term, 4);
  const last = raft.log.lastIndex();
  const beats = tick(raft, 1).filter((m) => m.type === 'heartbeat');
  assert.deepEqual(beats, [], 'the heartbeat timer started over');
  assert.equal(tick(raft, 1).filter((m) => m.type === 'heartbeat').length, 2);
  raft.step({ type: 'propose', proposals: [{ proposalId: 1, data: new Uint8Array(1) }] });
  const { events } = drain(raft);
  assert.deepEqual(
    events.filter((e) => e.kind === 'proposalsDropped'),
    [],
    'the old transfer was forgotten',
  );
  assert.equal(raft.log.lastIndex(), last + 1);
  raft.step({
    type: 'message',
    message: {
      type: 'appendResponse',
      from: n(2),
      to: n(1),
      term: term(4),
      reject: false,
      index: index(last + 1),
      hintIndex: index(0),
      hintTerm: term(0),
    },
  });
  const after = drain(raft).events;
  assert.equal(raft.log.commit, last + 1);
  raft.step({
    type: 'message',
    message: {
      type: 'heartbeatResponse',
      from: n(2),
      to: n(1),
      term: term(4),
      readSeq: 1,
      applyQueue: 0,
    },
  });
  after.push(...drain(raft).events);
  assert.deepEqual(
    after.filter((e) => e.kind === 'readReady'),
    [],
    'a read asked of the old term is not answered in the new one',
  );
});

test('leader: bytes left uncommitted in an earlier term do not count against a new term', () => {
  // uncommittedBytesMax 200: a noop costs 32 bytes (the entry overhead), a 100-byte proposal 132.
  const raft = leader(3, [1], { uncommittedBytesMax: 200 });
  const propose = (id: number): RaftEvent[] => {
    raft.step({ type: 'propose', proposals: [{ proposalId: id, data: new Uint8Array(100) }] });
    return drain(raft).events.filter((e) => e.kind === 'proposalsDropped');
  };
  assert.deepEqual(propose(1), [], '32 + 132 bytes uncommitted');
  deliver(raft, {
    type: 'heartbeat',
    from: n(3),
    term: term(3),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  raft.step({ type: 'campaign' });
  drain(raft);
  answer(raft, 2, false);
  assert.equal(raft.role, 'leader');
  assert.deepEqual(propose(2), [], 'the new term counts its own noop and this proposal only');
  assert.equal(propose(3).length, 1, 'and the next one is over the limit');
});

test('vote: without check-quorum there is no lease', () => {
  const raft = makeRaft({ term: 2, log: [1, 2], checkQuorum: false });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(2),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  const answers = deliver(raft, {
    type: 'vote',
    from: n(3),
    term: term(3),
    lastIndex: index(2),
    lastTerm: term(2),
    transfer: false,
  });
  assert.equal(answers.length, 1);
  assert.ok(answers[0]!.type === 'voteResponse' && !answers[0]!.reject);
});

test('membership: a vote request from outside the configuration is a request to join', () => {
  for (const type of ['vote', 'preVote'] as const) {
    const raft = settledLeader();
    const ask = { from: n(7), term: term(9), lastIndex: index(0), lastTerm: term(0) };
    deliver(raft, type === 'vote' ? { type, ...ask, transfer: false } : { type, ...ask });
    assert.equal(raft.role, 'leader', `${type}: the lease holds`);
    assert.deepEqual(raft.config().learners, [n(7)], `${type}: n7 is added as a learner`);
  }
});

test('leader events: a message from a newer leader moves straight to it, with no leaderless step', () => {
  const fromNewLeader: WithoutTo<Message>[] = [
    {
      type: 'append',
      from: n(3),
      term: term(3),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [],
      commit: index(0),
    },
    {
      type: 'heartbeat',
      from: n(3),
      term: term(3),
      commit: index(0),
      readSeq: 0,
      flowControl: false,
    },
    { type: 'stateTransfer', from: n(3), term: term(3), index: index(1), donor: n(2) },
  ];
  for (const message of fromNewLeader) {
    const raft = makeRaft({ term: 2, log: [1], commit: 1 });
    drain(raft);
    deliver(raft, {
      type: 'heartbeat',
      from: n(2),
      term: term(2),
      commit: index(1),
      readSeq: 0,
      flowControl: false,
    });
    tick(raft, 10); // the lease is over
    raft.step({ type: 'message', message: { ...message, to: n(1) } as Message });
    const { events } = drain(raft);
    assert.deepEqual(
      events.filter((e) => e.kind === 'leader'),
      [{ kind: 'leader', leader: n(3), term: 3 }],
      message.type,
    );
    assert.equal(raft.term, 3);
  }
});

test('stale term: a stale leader hears of the newer term when pre-vote or check-quorum could strand it', () => {
  const stale: WithoutTo<Message>[] = [
    {
      type: 'append',
      from: n(2),
      term: term(1),
      prevIndex: index(0),
      prevTerm: term(0),
      entries: [],
      commit: index(0),
    },
    {
      type: 'heartbeat',
      from: n(2),
      term: term(1),
      commit: index(0),
      readSeq: 0,
      flowControl: false,
    },
    {
      type: 'appendResponse',
      from: n(2),
      term: term(1),
      reject: false,
      index: index(0),
      hintIndex: index(0),
      hintTerm: term(0),
    },
  ];
  const cases: Array<[boolean, boolean, string, boolean]> = [];
  for (const [checkQuorum, preVote] of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const) {
    for (const m of stale) {
      const told = (checkQuorum || preVote) && (m.type === 'append' || m.type === 'heartbeat');
      cases.push([checkQuorum, preVote, m.type, told]);
      const raft = makeRaft({ term: 5, log: [1], checkQuorum, preVote });
      drain(raft);
      const sent = deliver(raft, m);
      const name = `checkQuorum ${checkQuorum}, preVote ${preVote}, ${m.type}`;
      if (told) {
        assert.equal(sent.length, 1, name);
        assert.equal(sent[0]!.type, 'heartbeatResponse', name);
        assert.equal(sent[0]!.term, 5, name);
        assert.equal(sent[0]!.to, n(2), name);
      } else {
        assert.deepEqual(sent, [], name);
      }
      assert.equal(raft.term, 5);
    }
  }
  assert.equal(cases.filter((c) => c[3]).length, 6);
});

test('vote: a follower that knows the leader of its term votes for no one else in it', () => {
  const raft = makeRaft({ term: 3, log: [1] });
  drain(raft);
  deliver(raft, {
    type: 'heartbeat',
    from: n(2),
    term: term(3),
    commit: index(0),
    readSeq: 0,
    flowControl: false,
  });
  assert.equal(raft.votedFor, null, 'it learned the leader without voting');
  const answers = deliver(raft, {
    type: 'vote',
    from: n(3),
    term: term(3),
    lastIndex: index(9),
    lastTerm: term(3),
    transfer: false,
  });
  assert.equal(answers.length, 1);
  assert.ok(answers[0]!.type === 'voteResponse' && answers[0]!.reject);
  assert.equal(raft.votedFor, null);
});

test('vote: granting a vote restarts the election timer', () => {
  const raft = makeRaft({ term: 3, log: [1] });
  drain(raft);
  tick(raft, 9);
  const answers = deliver(raft, {
    type: 'vote',
    from: n(2),
    term: term(3),
    lastIndex: index(1),
    lastTerm: term(1),
    transfer: false,
  });
  assert.ok(answers.length === 1 && answers[0]!.type === 'voteResponse' && !answers[0]!.reject);
  const asks = tick(raft, 9).filter((m) => m.type === 'preVote' || m.type === 'vote');
  assert.deepEqual(asks, [], 'the candidate it voted for gets a whole timeout');
});

test('the leader of the current term is followed by candidates and leaderless followers alike', () => {
  const fromLeader = (t: number): WithoutTo<Message>[] => [
    {
      type: 'append',
      from: n(2),
      term: term(t),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [],
      commit: index(0),
    },
    {
      type: 'heartbeat',
      from: n(2),
      term: term(t),
      commit: index(0),
      readSeq: 0,
      flowControl: false,
    },
    { type: 'stateTransfer', from: n(2), term: term(t), index: index(1), donor: n(3) },
  ];
  for (const message of fromLeader(1)) {
    const raft = makeRaft({ term: 0, log: [1], preVote: false, commit: 1 });
    raft.step({ type: 'campaign' });
    drain(raft);
    assert.equal(raft.role, 'candidate');
    deliver(raft, message);
    assert.equal(raft.role, 'follower', `a candidate of the same term yields to ${message.type}`);
    assert.equal(raft.leader, n(2));
    assert.equal(raft.term, 1);
  }
  for (const message of fromLeader(4)) {
    const raft = makeRaft({ term: 4, log: [1], commit: 1 });
    drain(raft);
    assert.equal(raft.leader, null);
    deliver(raft, message);
    assert.equal(raft.leader, n(2), `a leaderless follower learns its leader from ${message.type}`);
  }
});

test('append: a follower that only gets appends (no heartbeats) keeps its leader', () => {
  const raft = makeRaft({ term: 2, log: [1] });
  drain(raft);
  for (let round = 0; round < 8; round++) {
    deliver(raft, {
      type: 'append',
      from: n(2),
      term: term(2),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [],
      commit: index(1),
    });
    const asks = tick(raft, 5).filter((m) => m.type === 'preVote' || m.type === 'vote');
    assert.deepEqual(asks, [], `round ${round}`);
  }
});

test('append: the rejection hint searches from the failed prevIndex, not from the end of the log', () => {
  const raft = makeRaft({ term: 3, log: [1, 1, 2, 2, 2] });
  drain(raft);
  const sent = deliver(raft, {
    type: 'append',
    from: n(2),
    term: term(3),
    prevIndex: index(3),
    prevTerm: term(3),
    entries: [],
    commit: index(0),
  });
  assert.equal(sent.length, 1);
  const reply = sent[0]!;
  assert.ok(reply.type === 'appendResponse' && reply.reject);
  assert.deepEqual([reply.index, reply.hintIndex, reply.hintTerm], [3, 3, 2]);
});

test('pc.bootstrap: a leader reaching the node ends its forced configuration', () => {
  for (const type of ['append', 'heartbeat'] as const) {
    const raft = makeRaft({ term: 2, log: [1], commit: 1, forced: 1 });
    drain(raft);
    assert.deepEqual(raft.config().voters, [n(1)], 'the forced configuration is in force');
    deliver(
      raft,
      type === 'append'
        ? {
            type,
            from: n(2),
            term: term(3),
            prevIndex: index(1),
            prevTerm: term(1),
            entries: [],
            commit: index(1),
          }
        : { type, from: n(2), term: term(3), commit: index(1), readSeq: 0, flowControl: false },
    );
    assert.equal(raft.hardState().forcedConfig, null, type);
    assert.deepEqual(raft.config(), config(3), type);
  }
});

/** An append from n2 in term 2 to n1, delivered; what n1 sent and said. */
function appendFromN2(
  raft: Raft,
  prevIndex: number,
  prevTerm: number,
  entries: Entry[],
): { messages: Message[]; events: RaftEvent[] } {
  const message = { type: 'append', from: n(2), to: n(1), term: term(2) } as const;
  raft.step({
    type: 'message',
    message: {
      ...message,
      prevIndex: index(prevIndex),
      prevTerm: term(prevTerm),
      entries,
      commit: index(3),
    },
  });
  return drain(raft);
}

test('pc.bootstrap: an append that contradicts a committed entry is not acknowledged, and reported once', () => {
  // The node committed 1..3 in term 1; a forced primary's log holds term 2 from index 3 on.
  const raft = makeRaft({ term: 1, log: [1, 1, 1], commit: 3 });
  drain(raft);
  const reports: RaftEvent[] = [];
  for (const [prevIndex, prevTerm, entries] of [
    [2, 1, [entry(3, 2)]],
    [3, 2, []],
    [1, 1, [entry(2, 1), entry(3, 2)]],
  ] as const) {
    const { messages, events } = appendFromN2(raft, prevIndex, prevTerm, [...entries]);
    assert.deepEqual(
      messages.filter((m) => m.type === 'appendResponse'),
      [],
      `no answer to prevIndex ${prevIndex}`,
    );
    reports.push(...events.filter((e) => e.kind === 'diverged'));
    assert.equal(raft.log.termAt(3), 1, 'the committed entry stays');
  }
  assert.deepEqual(reports, [
    { kind: 'diverged', index: 3, leader: n(2), localTerm: 1, leaderTerm: 2 },
  ]);
  // An append that agrees with the committed entries is answered as before: accepted up to the
  // commit index (the leader goes on from there).
  const agreeing = makeRaft({ term: 1, log: [1, 1, 1], commit: 3 });
  drain(agreeing);
  const { messages, events } = appendFromN2(agreeing, 2, 1, [entry(3, 1), entry(4, 2)]);
  assert.deepEqual(
    messages.flatMap((m) => (m.type === 'appendResponse' ? [[m.reject, m.index]] : [])),
    [[false, 3]],
  );
  assert.deepEqual(
    events.filter((e) => e.kind === 'diverged'),
    [],
  );
});

// ---- what a commit sends, and what it frees ----

function appendsTo(messages: readonly Message[], to: number): Message[] {
  return messages.filter((m) => m.type === 'append' && m.to === n(to));
}

test('commit: a commit is broadcast at once; an acknowledgement that commits nothing is not', () => {
  const raft = leader(3);
  // n3 acknowledges the old entry: it is replicating, with the noop in flight.
  deliver(raft, {
    type: 'appendResponse',
    from: n(3),
    term: raft.term,
    reject: false,
    index: index(1),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  const onCommit = deliver(raft, {
    type: 'appendResponse',
    from: n(2),
    term: raft.term,
    reject: false,
    index: index(2),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  assert.equal(raft.log.commit, 2);
  const toN3 = appendsTo(onCommit, 3);
  assert.equal(toN3.length, 1, 'n3 hears of the commit with no delay');
  assert.ok(toN3[0]!.type === 'append' && toN3[0]!.commit === 2);
  const onLateAck = deliver(raft, {
    type: 'appendResponse',
    from: n(3),
    term: raft.term,
    reject: false,
    index: index(2),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  assert.deepEqual(onLateAck, [], 'n3 catching up to the commit index sends nothing');
});

test('commit notice: asks no answer of a follower that acknowledged through it, only of one that did not', () => {
  const raft = leader(3);
  const noop = raft.log.lastIndex();
  // n2 has not answered the noop yet (a probe in flight): it hears nothing now.
  const onCommit = deliver(raft, {
    type: 'appendResponse',
    from: n(3),
    term: raft.term,
    reject: false,
    index: index(noop),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  const toN3 = appendsTo(onCommit, 3);
  assert.equal(toN3.length, 1);
  assert.ok(toN3[0]!.type === 'append' && toN3[0]!.commit === noop && toN3[0]!.noReply === true);
  assert.deepEqual(appendsTo(onCommit, 2), []);
  ack(raft, 2, noop);
  // An entry both replicate; n2 acknowledges it and commits it, n3 has not answered yet.
  raft.step({ type: 'propose', proposals: [{ proposalId: 1, data: new Uint8Array(8) }] });
  const sent = drain(raft).messages;
  for (const k of [2, 3]) {
    const append = appendsTo(sent, k)[0];
    assert.ok(append?.type === 'append' && append.entries.length === 1 && append.noReply !== true);
  }
  const onSecond = deliver(raft, {
    type: 'appendResponse',
    from: n(2),
    term: raft.term,
    reject: false,
    index: index(noop + 1),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  assert.equal(raft.log.commit, noop + 1);
  const [toN2] = appendsTo(onSecond, 2);
  const [toN3Again] = appendsTo(onSecond, 3);
  assert.ok(toN2?.type === 'append' && toN2.noReply === true, 'n2 acknowledged all');
  assert.ok(toN3Again?.type === 'append' && toN3Again.entries.length === 0);
  assert.notEqual(toN3Again.noReply, true, 'n3 has an entry unacknowledged: its answer counts');
});

test('commit notice: a follower answers none it takes, and refuses one that does not match', () => {
  const raft = makeRaft({ term: 2, log: [1, 2], commit: 1 });
  drain(raft);
  const notice = (prevIndex: number, prevTerm: number, entries: Entry[] = []): Message[] =>
    deliver(raft, {
      type: 'append',
      from: n(2),
      term: term(2),
      prevIndex: index(prevIndex),
      prevTerm: term(prevTerm),
      entries,
      commit: index(2),
      noReply: true,
    });
  assert.deepEqual(notice(2, 2), [], 'taken: the commit moves, no answer');
  assert.equal(raft.log.commit, 2);
  const refused = notice(3, 2);
  assert.equal(refused.length, 1);
  assert.ok(refused[0]!.type === 'appendResponse' && refused[0]!.reject);
  // Entries are always acknowledged, whatever the flag says.
  const withEntry = notice(2, 2, [entry(3, 2)]);
  assert.ok(withEntry.some((m) => m.type === 'appendResponse' && !m.reject && m.index === 3));
});

test('commit: an acknowledgement of old-term entries commits nothing and is not broadcast', () => {
  const raft = leader(3, [1, 1]);
  ack(raft, 3, 1); // n3 replicates, the noop (3) in flight
  const sent = deliver(raft, {
    type: 'appendResponse',
    from: n(2),
    term: raft.term,
    reject: false,
    index: index(2),
    hintIndex: index(0),
    hintTerm: term(0),
  });
  assert.equal(raft.log.commit, 0);
  assert.deepEqual(appendsTo(sent, 3), [], 'nothing for n3');
});

function proposeBytes(raft: Raft, id: number, bytes: number): boolean {
  raft.step({ type: 'propose', proposals: [{ proposalId: id, data: new Uint8Array(bytes) }] });
  return drain(raft).events.every((e) => e.kind !== 'proposalsDropped');
}

test('uncommitted bytes: each commit frees exactly what it committed', () => {
  // 150 bytes: one 100-byte proposal (132 with the entry overhead) fits, two do not.
  const raft = leader(3, [], { uncommittedBytesMax: 150 });
  ack(raft, 2, 1);
  for (let round = 1; round <= 3; round++) {
    assert.ok(proposeBytes(raft, round, 100), `round ${round}: admitted`);
    ack(raft, 2, raft.log.lastIndex());
    assert.equal(raft.log.commit, raft.log.lastIndex());
  }
  assert.ok(proposeBytes(raft, 10, 100));
  assert.ok(!proposeBytes(raft, 11, 100), 'two uncommitted proposals are over the limit');
});

test('uncommitted bytes: a partial commit frees only what it committed', () => {
  const raft = leader(3, [], { uncommittedBytesMax: 270 });
  ack(raft, 2, 1);
  assert.ok(proposeBytes(raft, 1, 100));
  assert.ok(proposeBytes(raft, 2, 100), '264 bytes uncommitted');
  ack(raft, 2, 2);
  assert.equal(raft.log.commit, 2);
  assert.ok(proposeBytes(raft, 3, 100), '264 again');
  assert.ok(!proposeBytes(raft, 4, 100), '396 would be over');
});

test('uncommitted bytes: committing entries of an earlier term never leaves credit', () => {
  // The old entry was never counted in this term; committing it must not lower the count below 0.
  const raft = leader(3, [1, 1, 1], { uncommittedBytesMax: 250 });
  ack(raft, 2, raft.log.lastIndex());
  assert.equal(raft.log.commit, 4);
  assert.ok(proposeBytes(raft, 1, 100));
  assert.ok(!proposeBytes(raft, 2, 100), '264 bytes are over 250');
});

test('membership: a follower learns it was removed when the removal commits', () => {
  const two = { voters: [n(1), n(2)], learners: [] };
  const raft = makeRaft({ id: 3, term: 2, log: [1] });
  drain(raft);
  deliver(raft, {
    type: 'append',
    from: n(1),
    term: term(2),
    prevIndex: index(1),
    prevTerm: term(1),
    entries: [entry(2, { term: 2, config: two }), entry(3, 2)],
    commit: index(1),
  });
  assert.equal(raft.isMember(), false);
  const { events } = (() => {
    raft.step({
      type: 'message',
      message: {
        type: 'heartbeat',
        from: n(1),
        to: n(3),
        term: term(2),
        commit: index(2),
        readSeq: 0,
        flowControl: false,
      },
    });
    return drain(raft);
  })();
  assert.deepEqual(
    events.filter((e) => e.kind === 'removed'),
    [{ kind: 'removed', index: 2 }],
  );
  raft.step({
    type: 'message',
    message: {
      type: 'heartbeat',
      from: n(1),
      to: n(3),
      term: term(2),
      commit: index(3),
      readSeq: 0,
      flowControl: false,
    },
  });
  assert.deepEqual(
    drain(raft).events.filter((e) => e.kind === 'removed'),
    [],
    'told once',
  );
});

test('membership: a joiner outside the configuration is not told it was removed', () => {
  const raft = makeRaft({ id: 4, term: 2, log: [1] });
  drain(raft);
  raft.step({
    type: 'message',
    message: {
      type: 'append',
      from: n(1),
      to: n(4),
      term: term(2),
      prevIndex: index(1),
      prevTerm: term(1),
      entries: [entry(2, 2)],
      commit: index(2),
    },
  });
  const { events } = drain(raft);
  assert.equal(raft.log.commit, 2);
  assert.deepEqual(
    events.filter((e) => e.kind === 'removed'),
    [],
  );
});

test('reads: a read that waited for the first commit of the term is answered once, after it', () => {
  const raft = leader(3);
  raft.step({ type: 'readIndex', context: 5 });
  drain(raft);
  const heartbeat = (from: number, readSeq: number): RaftEvent[] => {
    raft.step({
      type: 'message',
      message: {
        type: 'heartbeatResponse',
        from: n(from),
        to: n(1),
        term: raft.term,
        readSeq,
        applyQueue: 0,
      },
    });
    return drain(raft).events.filter((e) => e.kind === 'readReady');
  };
  ack(raft, 2, 2);
  assert.equal(raft.log.commit, 2);
  assert.deepEqual(heartbeat(2, 1), [{ kind: 'readReady', context: 5, index: 2 }]);
  raft.step({ type: 'propose', proposals: [{ proposalId: 1, data: new Uint8Array(1) }] });
  drain(raft);
  ack(raft, 2, 3);
  assert.equal(raft.log.commit, 3);
  assert.deepEqual(heartbeat(2, 2), [], 'answered once');
});

test('config: a new leader still replicates to a voter its uncommitted configuration removed', () => {
  const two = { voters: [n(1), n(2)], learners: [] };
  const raft = makeRaft({ term: 1, log: [1, { term: 1, config: two }], commit: 1, preVote: false });
  drain(raft);
  raft.step({ type: 'campaign' });
  drain(raft);
  const sent = deliver(raft, { type: 'voteResponse', from: n(2), term: term(2), reject: false });
  assert.equal(raft.role, 'leader');
  assert.equal(appendsTo(sent, 3).length, 1, 'n3 must still learn of its removal');
  assert.equal(appendsTo(sent, 2).length, 1);
});

test('compaction: the boundary and its configuration are reported once, at the right index', () => {
  const four = { voters: [n(1), n(2), n(3), n(4)], learners: [] };
  const raft = makeRaft({ term: 1, log: [1, 1, { term: 1, config: four }, 1], commit: 4 });
  drain(raft);
  const compact = (at: number) => {
    raft.step({ type: 'compact', index: index(at) });
    const ready = raft.ready();
    raft.advance();
    return ready.boundary;
  };
  assert.deepEqual(compact(2), { index: 2, term: 1, config: config(3) });
  assert.equal(compact(2), null, 'at the boundary again: nothing to persist');
  assert.equal(compact(1), null, 'below it: nothing');
  assert.equal(raft.configAt(index(1)), null);
  assert.deepEqual(raft.configAt(index(2)), config(3));
  assert.deepEqual(compact(3), { index: 3, term: 1, config: four }, 'a config entry at the point');
  assert.deepEqual(raft.configAt(index(3)), four);
  assert.equal(raft.configAt(index(2)), null);
  assert.deepEqual(raft.config(), four);
});

test('state transfer: the copy replaces log, boundary and configuration; then the node may campaign', () => {
  const four = { voters: [n(1), n(2), n(3), n(4)], learners: [] };
  const raft = makeRaft({ term: 2, log: [1] });
  drain(raft);
  deliver(raft, {
    type: 'stateTransfer',
    from: n(2),
    term: term(2),
    index: index(50),
    donor: n(3),
  });
  raft.step({ type: 'stateTransferred', index: index(50), term: term(2), config: four });
  const ready = raft.ready();
  raft.advance();
  assert.deepEqual(ready.boundary, { index: 50, term: 2, config: four });
  assert.equal(ready.resetLog, true);
  assert.deepEqual(
    ready.events.filter((e) => e.kind === 'config'),
    [{ kind: 'config', config: four, index: 50 }],
  );
  assert.ok(
    ready.messages.some(
      (m) => m.type === 'appendResponse' && m.to === n(2) && m.index === 50 && !m.reject,
    ),
    'the leader hears where to go on from',
  );
  assert.equal(raft.log.lastIndex(), 50);
  assert.deepEqual(raft.config(), four);
  assert.deepEqual(raft.configAt(index(50)), four);
  raft.step({ type: 'stateTransferred', index: index(40), term: term(2), config: config(3) });
  const stale = raft.ready();
  raft.advance();
  assert.equal(stale.boundary, null, 'an older copy than the log is ignored');
  assert.equal(raft.log.lastIndex(), 50);
  assert.deepEqual(raft.config(), four);
  deliver(raft, { type: 'timeoutNow', from: n(2), term: term(2) });
  assert.equal(raft.role, 'candidate');
});

test('membership queue: changes apply one at a time, in the order asked, each once', () => {
  const raft = settledLeader();
  raft.step({ type: 'addLearner', node: n(4) });
  drain(raft);
  assert.equal(raft.configIndex(), 3);
  raft.step({ type: 'addLearner', node: n(5) });
  raft.step({ type: 'addLearner', node: n(5) });
  raft.step({ type: 'removeNode', node: n(4) });
  raft.step({ type: 'addLearner', node: n(6) });
  drain(raft);
  assert.equal(raft.log.lastIndex(), 3, 'queued behind the uncommitted change');
  const expected = [
    { voters: [n(1), n(2), n(3)], learners: [n(4), n(5)] },
    { voters: [n(1), n(2), n(3)], learners: [n(5)] },
    { voters: [n(1), n(2), n(3)], learners: [n(5), n(6)] },
  ];
  for (const [i, want] of expected.entries()) {
    ack(raft, 2, raft.log.lastIndex());
    tick(raft, 1);
    assert.equal(raft.configIndex(), 4 + i, `change ${i + 1} is appended on the next tick`);
    assert.deepEqual(raft.config(), want);
  }
  ack(raft, 2, raft.log.lastIndex());
  tick(raft, 3);
  assert.equal(raft.configIndex(), 6, 'nothing left');
});

test('membership queue: a follower queues nothing for when it leads later', () => {
  const raft = makeRaft({ term: 1, log: [1], preVote: false });
  drain(raft);
  raft.step({ type: 'addLearner', node: n(4) });
  raft.step({ type: 'campaign' });
  drain(raft);
  answer(raft, 2, false);
  ack(raft, 2, 2);
  tick(raft, 3);
  assert.deepEqual(raft.config(), config(3));
});

test('config: no change while leadership is being handed over', () => {
  const raft = settledLeader();
  raft.step({ type: 'transferLeadership', to: n(3) }); // n3 is behind: the transfer waits for it
  raft.step({ type: 'addLearner', node: n(4) });
  tick(raft, 5);
  assert.equal(raft.log.lastIndex(), 2, 'held back during the transfer');
  tick(raft, 5); // the transfer times out after an election timeout
  assert.equal(raft.role, 'leader');
  assert.deepEqual(raft.config().learners, [n(4)]);
});

test('config: a caught-up learner that has gone quiet is not promoted', () => {
  const raft = settledLeader();
  raft.step({ type: 'addLearner', node: n(4) });
  drain(raft);
  ack(raft, 4, 3); // n4 has everything, while the change is not committed yet
  const beat = (from: number) => heartbeatAnswer(raft, from);
  for (let t = 0; t < 10; t++) {
    tick(raft, 1);
    beat(2);
  }
  // A check-quorum round has passed since n4 was last heard from.
  ack(raft, 2, 3);
  assert.equal(raft.log.commit, 3);
  tick(raft, 1);
  assert.deepEqual(raft.config().learners, [n(4)], 'not heard from lately: not promoted');
  beat(4);
  tick(raft, 1);
  assert.deepEqual(raft.config(), { voters: [n(1), n(2), n(3), n(4)], learners: [] });
});

test('pc.bootstrap: a node that was leaving stays to lead the forced configuration', () => {
  const raft = makeRaft({ term: 3, log: [1, 3], commit: 1 });
  drain(raft);
  raft.step({ type: 'leave' });
  drain(raft);
  assert.equal(raft.isLeaving, true);
  raft.step({ type: 'forceBootstrap', voters: [n(1)] });
  drain(raft);
  assert.equal(raft.isLeaving, false);
  const events: RaftEvent[] = [];
  for (let t = 0; t < 20; t++) {
    raft.step({ type: 'tick' });
    events.push(...drain(raft).events);
  }
  assert.equal(raft.role, 'leader');
  assert.deepEqual(
    events.filter((e) => e.kind === 'removed'),
    [],
  );
});

test('pc.bootstrap: a leader forced to a new configuration starts a new term under it', () => {
  const raft = settledLeader();
  raft.step({ type: 'forceBootstrap', voters: [n(1)] });
  drain(raft);
  assert.equal(raft.role, 'leader');
  assert.equal(raft.term, 2 + forcedTermStep, 'far past what the lost majority could reach');
  assert.equal(lastEntry(raft).kind, 'config');
  assert.deepEqual(lastEntry(raft).config, { voters: [n(1)], learners: [] });
  assert.equal(raft.log.commit, raft.log.lastIndex());
});

test('membership: a leaving node whose state transfer left it out is told it was removed', () => {
  const two = { voters: [n(1), n(2)], learners: [] };
  const raft = makeRaft({ id: 3, term: 2, log: [1] });
  drain(raft);
  raft.step({ type: 'leave' });
  raft.step({ type: 'stateTransferred', index: index(50), term: term(2), config: two });
  drain(raft);
  raft.step({
    type: 'message',
    message: {
      type: 'append',
      from: n(1),
      to: n(3),
      term: term(2),
      prevIndex: index(50),
      prevTerm: term(2),
      entries: [entry(51, 2)],
      commit: index(51),
    },
  });
  assert.deepEqual(
    drain(raft).events.filter((e) => e.kind === 'removed'),
    [{ kind: 'removed', index: 50 }],
  );
});

test('state transfer: a copy no newer than the commit index is ignored, keeping the entries after it', () => {
  const raft = makeRaft({ term: 2, log: [1, 1, 2], commit: 2 });
  drain(raft);
  raft.step({ type: 'stateTransferred', index: index(2), term: term(1), config: config(3) });
  const ready = raft.ready();
  raft.advance();
  assert.equal(ready.boundary, null);
  assert.equal(raft.log.lastIndex(), 3, 'entry 3 may be counted in a majority already');
});

test('membership queue: adding and removing the same node are two changes; re-adding a learner is none', () => {
  const raft = settledLeader();
  raft.step({ type: 'addLearner', node: n(4) });
  raft.step({ type: 'addLearner', node: n(5) });
  raft.step({ type: 'removeNode', node: n(5) });
  drain(raft);
  for (let i = 0; i < 3; i++) {
    ack(raft, 2, raft.log.lastIndex());
    tick(raft, 1);
  }
  assert.equal(raft.configIndex(), 5, 'n4 added, n5 added, n5 removed');
  assert.deepEqual(raft.config(), { voters: [n(1), n(2), n(3)], learners: [n(4)] });
  ack(raft, 2, raft.log.lastIndex());
  raft.step({ type: 'addLearner', node: n(4) });
  tick(raft, 1);
  assert.equal(raft.log.lastIndex(), 5, 'n4 is a learner already: nothing to append');
});

test('hard state: a new commit index alone, or the end of a forced configuration alone, is persisted', () => {
  const heartbeat = (commit: number): Message => ({
    type: 'heartbeat',
    from: n(2),
    to: n(1),
    term: term(2),
    commit: index(commit),
    readSeq: 0,
    flowControl: false,
  });
  const raft = makeRaft({ term: 2, log: [1, 2], commit: 1 });
  raft.step({ type: 'message', message: heartbeat(1) });
  drain(raft);
  raft.step({ type: 'message', message: heartbeat(2) });
  const ready = raft.ready();
  raft.advance();
  assert.deepEqual(ready.hardState, { term: 2, vote: null, commit: 2, forcedConfig: null });
  const forced = makeRaft({ term: 2, log: [1, 2], commit: 2, forced: 1 });
  forced.step({ type: 'message', message: heartbeat(2) });
  const cleared = forced.ready();
  forced.advance();
  assert.deepEqual(cleared.hardState, { term: 2, vote: null, commit: 2, forcedConfig: null });
});

test('config: a configuration entry goes to followers only once the leader has persisted it', () => {
  const raft = settledLeader();
  raft.step({ type: 'removeNode', node: n(3) });
  const ready = raft.ready();
  raft.advance();
  assert.deepEqual(
    ready.entries.map((e) => e.kind),
    ['config'],
  );
  const sentBefore = ready.messages.flatMap((m) => (m.type === 'append' ? m.entries : []));
  assert.deepEqual(sentBefore, [], 'not sent while only in memory here');
  raft.step({ type: 'persisted', index: index(3), term: raft.term });
  const after = drain(raft).messages.flatMap((m) =>
    m.type === 'append' ? m.entries.map((e) => `${m.to}:${e.index}`) : [],
  );
  // n3, which never answered, is still being probed; n2 replicates.
  assert.deepEqual(after, ['n2:3'], 'sent as soon as it is durable');
});

test("leader: a follower's report of its commit counts only where the logs agree", () => {
  const raft = leader(3);
  assert.equal(raft.matchOf(n(2)), 0);
  const report = (hintTerm: number): void => {
    deliver(raft, {
      type: 'appendResponse',
      from: n(2),
      term: raft.term,
      reject: false,
      index: index(1),
      hintIndex: index(1),
      hintTerm: term(hintTerm),
    });
  };
  report(7);
  assert.equal(raft.matchOf(n(2)), 0, 'another term at index 1: a different history, ignored');
  report(1);
  assert.equal(raft.matchOf(n(2)), 1);
});

test('follower: tells each new leader where its log is committed, with the term there, once', () => {
  const raft = makeRaft({ id: 2, term: 3, log: [1, 2, 3], commit: 2 });
  drain(raft);
  const heartbeat = (from: number, t: number): Message[] =>
    deliver(raft, {
      type: 'heartbeat',
      from: n(from),
      term: term(t),
      commit: index(2),
      readSeq: 0,
      flowControl: false,
    }).filter((m) => m.type === 'appendResponse');
  assert.deepEqual(heartbeat(1, 3), [
    {
      type: 'appendResponse',
      from: n(2),
      to: n(1),
      term: term(3),
      reject: false,
      index: index(2),
      hintIndex: index(2),
      hintTerm: term(2),
    },
  ]);
  assert.deepEqual(heartbeat(1, 3), [], 'once per leader');
  assert.equal(heartbeat(3, 4).length, 1, 'a new leader hears it too');
});

test('membership: a node outside the configuration asks a peer it has just met at once', () => {
  // Its options name n1–n3 as peers (the gcomm address list); n5's link comes up.
  const raft = makeRaft({ id: 4, voters: 3 });
  assert.equal(raft.isMember(), false);
  drain(raft);
  raft.step({ type: 'peers', peers: [n(1), n(2), n(3), n(5)] });
  const asked = drain(raft).messages.filter((m) => m.type === 'join');
  assert.deepEqual(
    asked.map((m) => m.to),
    [n(5)],
    'only the new peer, before any tick',
  );
  const member = makeRaft({ id: 2, voters: 3 });
  drain(member);
  member.step({ type: 'peers', peers: [n(1), n(3), n(5)] });
  assert.deepEqual(
    drain(member).messages.filter((m) => m.type === 'join'),
    [],
    'a member does not ask',
  );
});

test('leader: a new leader announces no catch-up (IST) to followers before it knows where they are', () => {
  // It starts every follower's match at 0; its first append (the no-op) used to report an IST
  // of the whole log to each, synced or not (every leader change logged "IST sender 1 -> N").
  const makeLeader = (entries: number) => {
    const raft = makeRaft({
      voters: 3,
      term: 1,
      log: Array.from({ length: entries }, () => 1),
      preVote: false,
    });
    raft.step({ type: 'campaign' });
    drain(raft);
    answer(raft, 2, false);
    return raft;
  };
  const raft = makeLeader(200);
  const events = drain(raft).events;
  assert.equal(raft.role, 'leader');
  assert.deepEqual(
    events.filter((e) => e.kind === 'catchUp'),
    [],
  );
  // A follower that is behind refuses the probe, and that reports its catch-up.
  raft.step({
    type: 'message',
    message: {
      type: 'appendResponse',
      from: n(3),
      to: raft.id,
      term: raft.term,
      reject: true,
      index: index(200),
      hintIndex: index(10),
      hintTerm: term(1),
    },
  });
  assert.deepEqual(
    drain(raft).events.filter((e) => e.kind === 'catchUp'),
    [{ kind: 'catchUp', peer: n(3), fromIndex: 11, toIndex: 201 }],
  );
});

test('wsrep_desync: a node behind tells the leader of no apply queue, so flow control stays off', () => {
  // A follower whose five committed entries are not applied yet, with gcs.fc_limit 2.
  const raft = new Raft(
    {
      id: n(1),
      heartbeatTicks: 2,
      electionTicks: 10,
      inactiveTicks: 0,
      catchUpReportEntries: 50,
      preVote: true,
      checkQuorum: true,
      peers: config(3).voters,
      stateTransferRetryTicks: 100,
      flowControlLimit: 2,
    },
    {
      ...initialDurableState(config(3)),
      hardState: { term: term(1), vote: n(2), commit: index(5), forcedConfig: null },
      entries: [1, 1, 1, 1, 1].map((t, i) => entry(i + 1, t)),
      applied: index(0),
    },
    new Xoshiro128(1),
    defaultRaftLimits,
  );
  const heartbeat = (): Message[] => {
    raft.step({
      type: 'message',
      message: {
        type: 'heartbeat',
        from: n(2),
        to: n(1),
        term: term(1),
        commit: index(5),
        readSeq: 0,
        flowControl: false,
      },
    });
    const sent: Message[] = [];
    while (raft.hasReady()) {
      sent.push(...raft.ready().messages);
      raft.advance(); // nothing is applied
    }
    return sent;
  };
  const queueTold = (sent: Message[]): number[] =>
    sent.flatMap((m) => (m.type === 'heartbeatResponse' ? [m.applyQueue] : []));
  assert.deepEqual(queueTold(heartbeat()), [5]);
  assert.equal(raft.flowControlRequested(), true);
  raft.step({ type: 'desync', on: true });
  assert.equal(raft.isDesynced, true);
  assert.equal(raft.flowControlRequested(), false);
  assert.deepEqual(queueTold(heartbeat()), [0], 'desynced: its queue does not count');
  assert.equal(raft.applyQueue(), 5, 'it is still behind');
  raft.step({ type: 'desync', on: false });
  assert.deepEqual(queueTold(heartbeat()), [5]);
  assert.equal(raft.flowControlRequested(), true);
});
