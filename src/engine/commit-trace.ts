// Where a commit's time goes: for one transaction in COMMIT_TRACE_SAMPLE_EVERY, the moments it
// passes on its origin node (begun, COMMIT received, write-set built, in the origin's log, on the
// origin's disk, committed by a quorum, applied, answered), and for every log write on every node
// its flush time. SHOW STATUS LIKE 'trireme_commit%' gives each stage's p50 and p95 over the last
// samples; FLUSH STATUS starts over. See docs/design/performance.md.
import { assert } from '../core/assert.js';

/** The moments of a sampled commit on its origin node, in order. */
export const COMMIT_MARKS = [
  'begun', // the transaction's first statement (an autocommit write: the statement)
  'commit', // COMMIT received (an autocommit write: its statement ran)
  'built', // write-set built, writer released, handed to the replicator
  'logged', // the entry is in the origin's log (appended by the leader, or received from it)
  'flushed', // the origin's log write of it is on disk
  'committed', // a quorum has it: the origin learns the commit index past it
  'applied', // certified and applied on the origin
  'answered', // the verdict is back in the session
] as const;

export type CommitMark = (typeof COMMIT_MARKS)[number];

/** A stage is the time between a mark and the previous one; `total` is begun → answered. */
export const COMMIT_STAGES = [
  'statements',
  'build',
  'propose',
  'flush',
  'quorum',
  'apply',
  'answer',
  'commit',
  'total',
] as const;

export type CommitStage = (typeof COMMIT_STAGES)[number];

/** One sampled transaction's marks (milliseconds, performance.now()). */
export interface TraceToken {
  readonly marks: Map<CommitMark, number>;
}

/** One in this many transactions is traced. */
export const COMMIT_TRACE_SAMPLE_EVERY = 8;

/** Sampled commits between their log entry and their apply, at most. */
const TRACED_INDEXES_MAX = 1024;

/** Samples kept per stage: the percentiles describe the recent past, not the whole uptime. */
const SAMPLES_MAX = 4096;

class Ring {
  private readonly values = new Float64Array(SAMPLES_MAX);
  private next = 0;
  private count = 0;

  add(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % SAMPLES_MAX;
    this.count = Math.min(this.count + 1, SAMPLES_MAX);
  }

  size(): number {
    return this.count;
  }

  /** The p-th percentile (0 < p ≤ 100) by nearest rank, or 0 without samples. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const sorted = Array.from(this.values.subarray(0, this.count)).sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    return sorted[rank - 1]!;
  }

  clear(): void {
    this.next = 0;
    this.count = 0;
  }

  /** Galera's "min/avg/max/stddev/count" of the samples, in seconds (samples are in ms). */
  spread(): string {
    if (this.count === 0) return '0/0/0/0/0';
    const values = this.values.subarray(0, this.count);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    const avg = sum / this.count;
    let squares = 0;
    for (const v of values) squares += (v - avg) ** 2;
    const stddev = Math.sqrt(squares / this.count);
    const s = (ms: number): string => String(Number((ms / 1000).toPrecision(6)));
    return `${s(min)}/${s(avg)}/${s(max)}/${s(stddev)}/${this.count}`;
  }
}

/** A queue's length seen at each sample: Galera's wsrep_local_*_queue_{min,max,avg}. */
export class QueueSamples {
  private count = 0;
  private sum = 0;
  private least = 0;
  private most = 0;

  add(length: number): void {
    this.least = this.count === 0 ? length : Math.min(this.least, length);
    this.most = this.count === 0 ? length : Math.max(this.most, length);
    this.sum += length;
    this.count++;
  }

  get min(): number {
    return this.least;
  }

  get max(): number {
    return this.most;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  clear(): void {
    this.count = this.sum = this.least = this.most = 0;
  }
}

export class CommitTrace {
  private transactions = 0;
  private readonly stages = new Map<CommitStage, Ring>(COMMIT_STAGES.map((s) => [s, new Ring()]));
  private readonly flushes = new Ring();
  /** Receive (apply) and send queue lengths, sampled by the cluster node. */
  readonly recvQueue = new QueueSamples();
  readonly sendQueue = new QueueSamples();
  /** Time this node was paused by flow control, in ns (wsrep_flow_control_paused_ns). */
  flowControlPausedNs = 0;
  private readonly byWriteSet = new WeakMap<object, TraceToken>();
  private readonly byIndex = new Map<number, TraceToken>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** A new transaction: a token when it is sampled, else null. */
  begin(): TraceToken | null {
    this.transactions++;
    if (this.transactions % COMMIT_TRACE_SAMPLE_EVERY !== 0) return null;
    const token: TraceToken = { marks: new Map() };
    token.marks.set('begun', this.nowMs());
    return token;
  }

  mark(token: TraceToken | null | undefined, mark: CommitMark): void {
    if (token === null || token === undefined || token.marks.has(mark)) return;
    token.marks.set(mark, this.nowMs());
    if (mark === 'answered') this.finish(token);
  }

  /** Ties a token to the write-set object the replicator will get. */
  attach(token: TraceToken | null, writeSet: object): void {
    if (token !== null) this.byWriteSet.set(writeSet, token);
  }

  of(writeSet: object): TraceToken | undefined {
    return this.byWriteSet.get(writeSet);
  }

  /** Ties a token to its log index, once known, for the driver's marks. */
  atIndex(token: TraceToken, index: number): void {
    // A token whose entry never applies here (dropped, the node left) must not stay forever.
    if (this.byIndex.size >= TRACED_INDEXES_MAX)
      this.byIndex.delete(this.byIndex.keys().next().value!);
    this.byIndex.set(index, token);
  }

  markIndex(index: number, mark: CommitMark): void {
    if (this.byIndex.size === 0) return;
    const token = this.byIndex.get(index);
    if (token === undefined) return;
    this.mark(token, mark);
    if (mark === 'applied') this.byIndex.delete(index);
  }

  /** Marks every traced index in [first, last]. */
  markRange(first: number, last: number, mark: CommitMark): void {
    if (this.byIndex.size === 0) return;
    for (const [index, token] of this.byIndex)
      if (index >= first && index <= last) {
        this.mark(token, mark);
        if (mark === 'applied') this.byIndex.delete(index);
      }
  }

  /** A log write's time from start to durable, on any node. */
  flushed(durationMs: number): void {
    assert(durationMs >= 0, 'a negative flush time');
    this.flushes.add(durationMs);
  }

  private finish(token: TraceToken): void {
    const at = (m: CommitMark): number | undefined => token.marks.get(m);
    let previous = at('begun');
    const stageOf: Record<Exclude<CommitMark, 'begun'>, CommitStage> = {
      commit: 'statements',
      built: 'build',
      logged: 'propose',
      flushed: 'flush',
      committed: 'quorum',
      applied: 'apply',
      answered: 'answer',
    };
    for (const mark of COMMIT_MARKS.slice(1) as Exclude<CommitMark, 'begun'>[]) {
      const time = at(mark);
      if (time === undefined) continue; // not seen on this node (e.g. a follower's own log write)
      if (previous !== undefined) this.stages.get(stageOf[mark])!.add(Math.max(0, time - previous));
      previous = time;
    }
    const begun = at('begun');
    const commit = at('commit');
    const answered = at('answered')!;
    if (commit !== undefined) this.stages.get('commit')!.add(answered - commit);
    if (begun !== undefined) this.stages.get('total')!.add(answered - begun);
  }

  /** Starts the figures over (FLUSH STATUS). */
  reset(): void {
    for (const ring of this.stages.values()) ring.clear();
    this.flushes.clear();
    this.recvQueue.clear();
    this.sendQueue.clear();
    this.flowControlPausedNs = 0;
  }

  /**
   * The quorum stage of the sampled commits (from the log flush to the commit: the followers'
   * flush and answer) as Galera's wsrep_evs_repl_latency, "min/avg/max/stddev/count" in seconds.
   */
  replicationLatency(): string {
    return this.stages.get('quorum')!.spread();
  }

  /** Status variables: samples, then p50/p95 in microseconds per stage and for log flushes. */
  status(): [string, string][] {
    const us = (ms: number): string => String(Math.round(ms * 1000));
    const out: [string, string][] = [
      ['trireme_commit_trace_samples', String(this.stages.get('total')!.size())],
    ];
    for (const [stage, ring] of this.stages) {
      out.push([`trireme_commit_${stage}_p50_us`, us(ring.percentile(50))]);
      out.push([`trireme_commit_${stage}_p95_us`, us(ring.percentile(95))]);
    }
    out.push(['trireme_log_flush_p50_us', us(this.flushes.percentile(50))]);
    out.push(['trireme_log_flush_p95_us', us(this.flushes.percentile(95))]);
    out.push(['trireme_log_flush_samples', String(this.flushes.size())]);
    return out;
  }
}
