// The list-append checker (after Jepsen's Elle, written from its published description): infer
// each key's version order from the reads, derive ww/wr/rw dependencies between committed
// transactions, and report the anomalies of docs/design/history-checkers.md. Pure and
// deterministic: the same history always gives the same report, in the same order.
import { assert } from '../../../src/core/assert.js';
import { searchCycles, type CycleKind, type FoundCycle, type IsolationModel } from './cycles.js';
import { RW, WR, WW, kindName, type EdgeLists } from './graph.js';
import { Reporter, formatList, type Anomaly, type TxnId, type TxnStatus } from './history.js';

export type Key = number | string;

export type ListAppendOp =
  | { readonly f: 'append'; readonly key: Key; readonly value: number }
  /** The whole list observed for the key; null when the read's result is unknown. */
  | { readonly f: 'r'; readonly key: Key; readonly value: readonly number[] | null };

export interface ListAppendTxn {
  readonly id: TxnId;
  readonly process: number | string;
  readonly status: TxnStatus;
  readonly ops: readonly ListAppendOp[];
}

/** A read of one key taken after the faults healed (one per key and node, if you like). */
export interface FinalRead {
  readonly key: Key;
  readonly value: readonly number[];
  readonly node?: string;
}

export type ListAppendAnomalyKind =
  | CycleKind
  | 'G1a'
  | 'G1b'
  | 'lost-update'
  | 'internal'
  | 'duplicate-elements'
  | 'incompatible-order'
  | 'lost-append'
  | 'unknown-value';

export interface ListAppendLimits {
  /** Anomalies listed per kind; the rest are counted in `notes`. */
  readonly anomaliesPerKindMax: number;
  /** Node visits shared by all cycle searches of one check. */
  readonly searchVisitsMax: number;
  /** Closing edges' targets tried per component and cycle class. */
  readonly sourcesPerComponentMax: number;
  /** Elements of a list printed in an explanation before the middle is elided. */
  readonly explanationElementsMax: number;
}

export const LIST_APPEND_LIMITS: ListAppendLimits = {
  anomaliesPerKindMax: 20,
  searchVisitsMax: 4_000_000,
  sourcesPerComponentMax: 64,
  explanationElementsMax: 10,
};

export interface ListAppendOptions {
  /** Snapshot isolation allows G2-item (write skew); serializability does not. */
  readonly model: IsolationModel;
  readonly finalReads?: readonly FinalRead[];
  readonly limits?: Partial<ListAppendLimits>;
}

export interface ListAppendResult {
  /** True iff `anomalies` is empty. */
  readonly valid: boolean;
  readonly anomalies: readonly Anomaly<ListAppendAnomalyKind>[];
  /** Anomalies the model permits (G2-item under snapshot isolation), listed for information. */
  readonly allowed: readonly Anomaly<ListAppendAnomalyKind>[];
  /** Limits that were hit and anomalies left unlisted. */
  readonly notes: readonly string[];
  readonly stats: {
    readonly txnsCommitted: number;
    readonly edges: { readonly ww: number; readonly wr: number; readonly rw: number };
  };
}

/** The appended value's writer: its transaction and whether it is that txn's last append to the key. */
interface Write {
  readonly txn: number;
  final: boolean;
}

interface Read {
  /** Index of the reading txn in the history, or -1 for a final read. */
  readonly txn: number;
  readonly value: readonly number[];
  /** Whether the txn had not yet appended to this key when it read it. */
  readonly external: boolean;
  readonly label: string;
}

interface KeyState {
  readonly key: Key;
  readonly writes: Map<number, Write>;
  readonly reads: Read[];
  /** The inferred version order: the longest read. */
  order: readonly number[];
  /** Per read (same index as `reads`): whether it is a prefix of `order`. */
  compatible: boolean[];
}

export function checkListAppend(
  history: readonly ListAppendTxn[],
  options: ListAppendOptions,
): ListAppendResult {
  const limits = { ...LIST_APPEND_LIMITS, ...options.limits };
  assert(limits.anomaliesPerKindMax > 0, 'anomaliesPerKindMax must be positive');
  const checker = new ListAppendChecker(history, limits);
  checker.indexHistory(options.finalReads ?? []);
  checker.checkInternal();
  checker.inferOrders();
  checker.checkObservedValues();
  checker.checkIntermediateReads();
  checker.checkLostUpdates();
  checker.checkLostAppends(options.finalReads ?? []);
  const graph = checker.buildGraph();
  const cycles = searchCycles(graph, options.model, limits);
  for (const cycle of cycles.cycles) checker.reportCycle(graph, cycle, options.model);
  const report = checker.report;
  const anomalies = report.anomalies;
  assert(!cycles.violationExists || anomalies.length > 0, 'a forbidden cycle is reported');
  return {
    valid: anomalies.length === 0,
    anomalies,
    allowed: report.allowed,
    notes: [...cycles.notes, ...report.omissions()],
    stats: { txnsCommitted: checker.committedCount(), edges: graph.counts },
  };
}

interface Reason {
  readonly key: Key;
  /** ww: the earlier append; wr: the value read; rw: the last value read (null: empty). */
  readonly before: number | null;
  /** ww: the later append; rw: the append the read missed. */
  readonly after: number | null;
}

class DependencyGraph implements EdgeLists {
  readonly out: number[][];
  readonly edgeFrom: number[] = [];
  readonly edgeTo: number[] = [];
  readonly edgeMask: number[] = [];
  readonly counts = { ww: 0, wr: 0, rw: 0 };
  /** Three slots per edge, one reason per kind. */
  private readonly reasons: (Reason | undefined)[] = [];
  private readonly ids = new Map<number, number>();

  constructor(private readonly nodeCount: number) {
    this.out = Array.from({ length: nodeCount }, () => []);
  }

  add(from: number, to: number, kind: number, reason: Reason): void {
    if (from === to) return;
    const pair = from * this.nodeCount + to;
    let edge = this.ids.get(pair);
    if (edge === undefined) {
      edge = this.edgeTo.length;
      this.ids.set(pair, edge);
      this.out[from]!.push(edge);
      this.edgeFrom.push(from);
      this.edgeTo.push(to);
      this.edgeMask.push(0);
      this.reasons.push(undefined, undefined, undefined);
    }
    if ((this.edgeMask[edge]! & kind) !== 0) return;
    this.edgeMask[edge] = this.edgeMask[edge]! | kind;
    this.reasons[3 * edge + slot(kind)] = reason;
    this.counts[kindName(kind)]++;
  }

  reason(edge: number, kind: number): Reason {
    const reason = this.reasons[3 * edge + slot(kind)];
    assert(reason !== undefined, 'every edge kind has a reason');
    return reason;
  }
}

function slot(kind: number): number {
  return kind === WW ? 0 : kind === WR ? 1 : 2;
}

class ListAppendChecker {
  readonly report: Reporter<ListAppendAnomalyKind>;
  private readonly keys = new Map<Key, KeyState>();
  /** Per txn: committed ('ok'), or 'info' with an append that some read observed. */
  private readonly committed: Uint8Array;
  private readonly appendedKeys: Set<Key>[];

  constructor(
    private readonly history: readonly ListAppendTxn[],
    private readonly limits: ListAppendLimits,
  ) {
    this.report = new Reporter(limits.anomaliesPerKindMax);
    this.committed = new Uint8Array(history.length);
    this.appendedKeys = history.map(() => new Set<Key>());
  }

  committedCount(): number {
    return this.committed.reduce((sum, flag) => sum + flag, 0);
  }

  indexHistory(finalReads: readonly FinalRead[]): void {
    const ids = new Set<TxnId>();
    this.history.forEach((txn, index) => {
      assert(!ids.has(txn.id), `transaction id ${txn.id} appears twice`);
      ids.add(txn.id);
      if (txn.status === 'ok') this.committed[index] = 1;
      this.indexTxn(txn, index);
    });
    for (const read of finalReads) {
      const label = read.node === undefined ? 'the final read' : `the final read on ${read.node}`;
      this.keyState(read.key).reads.push({ txn: -1, value: read.value, external: true, label });
    }
  }

  private indexTxn(txn: ListAppendTxn, index: number): void {
    const lastAppend = new Map<Key, Write>();
    const appended = this.appendedKeys[index]!;
    for (const op of txn.ops) {
      const state = this.keyState(op.key);
      if (op.f === 'append') {
        assert(!state.writes.has(op.value), `value ${op.value} appended twice to key ${op.key}`);
        const write: Write = { txn: index, final: true };
        const previous = lastAppend.get(op.key);
        if (previous !== undefined) previous.final = false;
        lastAppend.set(op.key, write);
        state.writes.set(op.value, write);
        appended.add(op.key);
      } else if (txn.status === 'ok' && op.value !== null) {
        const external = !appended.has(op.key);
        state.reads.push({ txn: index, value: op.value, external, label: `T${txn.id}` });
      }
    }
  }

  private keyState(key: Key): KeyState {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { key, writes: new Map(), reads: [], order: [], compatible: [] };
      this.keys.set(key, state);
    }
    return state;
  }

  /** A txn's reads must show its own earlier appends, after what it read before. */
  checkInternal(): void {
    for (const txn of this.history) {
      if (txn.status === 'fail') continue;
      const seen = new Map<Key, { read: readonly number[] | null; appended: number[] }>();
      for (const op of txn.ops) {
        let state = seen.get(op.key);
        if (state === undefined) seen.set(op.key, (state = { read: null, appended: [] }));
        if (op.f === 'append') {
          state.appended.push(op.value);
          continue;
        }
        if (op.value === null) continue;
        this.checkInternalRead(txn, op.key, op.value, state);
        state.read = op.value;
        state.appended = [];
      }
    }
  }

  private checkInternalRead(
    txn: ListAppendTxn,
    key: Key,
    value: readonly number[],
    state: { read: readonly number[] | null; appended: number[] },
  ): void {
    const list = (values: readonly number[]): string =>
      formatList(values, this.limits.explanationElementsMax);
    if (state.read !== null) {
      const expected = [...state.read, ...state.appended];
      if (sameList(expected, value)) return;
      const own = state.appended.length > 0 ? ` plus its own appends` : '';
      this.report.add(
        'internal',
        [txn.id],
        `T${txn.id} read key ${key} = ${list(state.read)}${own}, so it should next read ` +
          `${list(expected)}, but read ${list(value)}`,
      );
      return;
    }
    if (endsWith(value, state.appended)) return;
    this.report.add(
      'internal',
      [txn.id],
      `T${txn.id} appended ${list(state.appended)} to key ${key}, then read ${list(value)}, ` +
        `which does not end with its own appends`,
    );
  }

  /** The version order of each key is its longest read; every other read must be its prefix. */
  inferOrders(): void {
    for (const state of this.keys.values()) {
      let longest: Read | undefined;
      for (const read of state.reads) {
        if (longest === undefined || read.value.length > longest.value.length) longest = read;
      }
      if (longest === undefined) continue;
      state.order = longest.value;
      let reported = false;
      state.compatible = state.reads.map((read) => {
        if (isPrefix(read.value, state.order)) return true;
        if (!reported) this.reportIncompatible(state, read, longest);
        reported = true;
        return false;
      });
      this.checkDuplicates(state);
    }
  }

  private reportIncompatible(state: KeyState, read: Read, longest: Read): void {
    const list = (values: readonly number[]): string =>
      formatList(values, this.limits.explanationElementsMax);
    const txns = [read, longest].filter((r) => r.txn >= 0).map((r) => this.history[r.txn]!.id);
    this.report.add(
      'incompatible-order',
      txns,
      `${read.label} read key ${state.key} = ${list(read.value)} and ${longest.label} read ` +
        `${list(longest.value)}: neither is a prefix of the other, so no single order of ` +
        `appends explains both`,
    );
  }

  /** Duplicates in the longest read cover its prefixes; incompatible reads are checked alone. */
  private checkDuplicates(state: KeyState): void {
    const candidates = state.reads.filter(
      (read, i) => read.value === state.order || !state.compatible[i],
    );
    for (const read of candidates) {
      const seen = new Set<number>();
      const duplicate = read.value.find((value) => seen.size === seen.add(value).size);
      if (duplicate === undefined) continue;
      this.report.add(
        'duplicate-elements',
        read.txn >= 0 ? [this.history[read.txn]!.id] : [],
        `${read.label} read key ${state.key} = ` +
          `${formatList(read.value, this.limits.explanationElementsMax)}, which holds ` +
          `${duplicate} more than once`,
      );
      return;
    }
  }

  /** G1a and unknown values; an observed append of an 'info' txn proves it committed. */
  checkObservedValues(): void {
    for (const state of this.keys.values()) {
      const incompatible = state.reads.filter((_, i) => state.compatible[i] === false);
      const lists = [state.order, ...incompatible.map((read) => read.value)];
      const checked = new Set<number>();
      for (const list of lists) {
        for (const value of list) {
          if (checked.has(value)) continue;
          checked.add(value);
          this.checkObservedValue(state, value);
        }
      }
    }
  }

  private checkObservedValue(state: KeyState, value: number): void {
    const write = state.writes.get(value);
    if (write !== undefined && this.history[write.txn]!.status === 'info') {
      this.committed[write.txn] = 1;
    }
    if (write !== undefined && this.history[write.txn]!.status !== 'fail') return;
    // Rare from here on, so finding the first reader by a scan is affordable.
    const reader = state.reads.find((read) => read.value.includes(value));
    assert(reader !== undefined, 'an observed value has a reader');
    const readerIds = reader.txn >= 0 ? [this.history[reader.txn]!.id] : [];
    if (write === undefined) {
      this.report.add(
        'unknown-value',
        readerIds,
        `${reader.label} read ${value} in key ${state.key}, which no transaction appended`,
      );
      return;
    }
    const writer = this.history[write.txn]!;
    this.report.add(
      'G1a',
      [writer.id, ...readerIds],
      `T${writer.id} appended ${value} to key ${state.key} and aborted, yet ${reader.label} ` +
        `read it (aborted read)`,
    );
  }

  /** G1b: a read that ends at an append its writer later followed with another to the key. */
  checkIntermediateReads(): void {
    for (const state of this.keys.values()) {
      for (const read of state.reads) {
        const last = read.value[read.value.length - 1];
        if (last === undefined) continue;
        const write = state.writes.get(last);
        if (write === undefined || write.final || write.txn === read.txn) continue;
        const writer = this.history[write.txn]!;
        if (writer.status === 'fail') continue;
        this.report.add(
          'G1b',
          [writer.id, ...(read.txn >= 0 ? [this.history[read.txn]!.id] : [])],
          `${read.label} read key ${state.key} ending at ${last}, which T${writer.id} appended ` +
            `but then appended to again in the same transaction (intermediate read)`,
        );
      }
    }
  }

  /** P4: two committed txns read the same version of a key and both appended to it. */
  checkLostUpdates(): void {
    for (const state of this.keys.values()) {
      const byVersion = new Map<string, number[]>();
      const seenTxns = new Set<number>();
      state.reads.forEach((read, i) => {
        if (read.txn < 0 || !read.external || seenTxns.has(read.txn)) return;
        seenTxns.add(read.txn);
        if (!this.appendedKeys[read.txn]!.has(state.key)) return;
        const version = state.compatible[i] ? `${read.value.length}` : `~${read.value.join(',')}`;
        const txns = byVersion.get(version);
        if (txns === undefined) byVersion.set(version, [read.txn]);
        else txns.push(read.txn);
      });
      for (const txns of byVersion.values()) {
        if (txns.length >= 2) this.reportLostUpdate(state, txns);
      }
    }
  }

  private reportLostUpdate(state: KeyState, txns: readonly number[]): void {
    const read = state.reads.find((r) => r.txn === txns[0]);
    assert(read !== undefined, 'a lost update starts from a read');
    const appends = txns.map((txn) => {
      const values = [...state.writes].filter(([, w]) => w.txn === txn).map(([v]) => v);
      return `T${this.history[txn]!.id} appended ${values.join(', ')}`;
    });
    this.report.add(
      'lost-update',
      txns.map((txn) => this.history[txn]!.id),
      `${appends.length} committed transactions read the same version of key ${state.key} = ` +
        `${formatList(read.value, this.limits.explanationElementsMax)} and each appended to ` +
        `it (${appends.join('; ')}): lost update (P4), which first-committer-wins forbids`,
    );
  }

  /** An acknowledged append must be in every final read of its key. */
  checkLostAppends(finalReads: readonly FinalRead[]): void {
    for (const read of finalReads) {
      const state = this.keys.get(read.key);
      assert(state !== undefined, 'final reads are indexed');
      const present = new Set(read.value);
      for (const [value, write] of state.writes) {
        const writer = this.history[write.txn]!;
        if (writer.status !== 'ok' || present.has(value)) continue;
        const where = read.node === undefined ? '' : ` on ${read.node}`;
        this.report.add(
          'lost-append',
          [writer.id],
          `T${writer.id} appended ${value} to key ${read.key} and committed, but the final ` +
            `read${where} = ${formatList(read.value, this.limits.explanationElementsMax)} ` +
            `lacks it`,
        );
      }
    }
  }

  buildGraph(): DependencyGraph {
    const graph = new DependencyGraph(this.history.length);
    for (const state of this.keys.values()) {
      this.addWriteEdges(graph, state);
      state.reads.forEach((read, i) => {
        if (read.txn < 0) return;
        this.addReadEdges(graph, state, read, state.compatible[i] === true);
      });
    }
    return graph;
  }

  /** The writer of a value, if that writer committed. */
  private committedWriter(state: KeyState, value: number | undefined): number | undefined {
    if (value === undefined) return undefined;
    const write = state.writes.get(value);
    return write !== undefined && this.committed[write.txn] === 1 ? write.txn : undefined;
  }

  /** ww: each pair of consecutive versions, from the earlier writer to the later. */
  private addWriteEdges(graph: DependencyGraph, state: KeyState): void {
    for (let i = 0; i + 1 < state.order.length; i++) {
      const before = state.order[i]!;
      const after = state.order[i + 1]!;
      const from = this.committedWriter(state, before);
      const to = this.committedWriter(state, after);
      if (from === undefined || to === undefined) continue;
      graph.add(from, to, WW, { key: state.key, before, after });
    }
  }

  /**
   * wr from the writer of the last value read; rw to the writer of the next version. A read
   * that ends inside another txn's run of appends saw no committed version (G1b, reported
   * apart), so it gets no rw edge to the rest of that run.
   */
  private addReadEdges(
    graph: DependencyGraph,
    state: KeyState,
    read: Read,
    compatible: boolean,
  ): void {
    const last = read.value[read.value.length - 1];
    const writer = this.committedWriter(state, last);
    if (writer !== undefined && last !== undefined) {
      graph.add(writer, read.txn, WR, { key: state.key, before: last, after: null });
    }
    if (!compatible) return;
    const next = state.order[read.value.length];
    const overwriter = this.committedWriter(state, next);
    if (overwriter === undefined || next === undefined || overwriter === writer) return;
    graph.add(read.txn, overwriter, RW, { key: state.key, before: last ?? null, after: next });
  }

  reportCycle(graph: DependencyGraph, cycle: FoundCycle, model: IsolationModel): void {
    if (cycle.kind === 'cycle-unexplained') {
      const ids = cycle.nodes.map((node) => this.history[node]!.id);
      this.report.add(
        cycle.kind,
        ids,
        `transactions ${ids.map((id) => `T${id}`).join(', ')} lie on a dependency cycle ` +
          `that ${model} forbids, but the search limits ran out before one was spelled out`,
      );
      return;
    }
    // Start the story at the first anti-dependency, where the anomaly usually begins.
    const start = Math.max(
      0,
      cycle.steps.findIndex((step) => step.kind === RW),
    );
    const steps = [...cycle.steps.slice(start), ...cycle.steps.slice(0, start)];
    const ids = steps.map((step) => this.history[graph.edgeFrom[step.edge]!]!.id);
    const words = steps.map((step) => this.describeEdge(graph, step.edge, step.kind));
    const route = [...ids, ids[0]!].map((id) => `T${id}`).join(' → ');
    this.report.add(
      cycle.kind,
      ids,
      `${route}: ${words.join('; ')}. ${CYCLE_MEANING[cycle.kind]}`,
      cycle.allowed,
    );
  }

  private describeEdge(graph: DependencyGraph, edge: number, kind: number): string {
    const from = `T${this.history[graph.edgeFrom[edge]!]!.id}`;
    const to = `T${this.history[graph.edgeTo[edge]!]!.id}`;
    const { key, before, after } = graph.reason(edge, kind);
    if (kind === WW) {
      return `${from} appended ${before} to key ${key} and ${to} appended ${after} right after it (ww)`;
    }
    if (kind === WR) return `${from} appended ${before} to key ${key} and ${to} read it (wr)`;
    assert(kind === RW, 'a cycle step has one kind');
    const seen = before === null ? 'as empty' : `ending at ${before}`;
    return `${from} read key ${key} ${seen} and missed ${to}'s append of ${after}, the next version (rw)`;
  }
}

const CYCLE_MEANING: Record<Exclude<CycleKind, 'cycle-unexplained'>, string> = {
  G0: 'A cycle of write dependencies only (G0, dirty write).',
  G1c: 'A cycle of write and read dependencies (G1c, circular information flow).',
  'G-single':
    'A cycle with exactly one anti-dependency (G-single): read skew, or a lost update when ' +
    'both transactions wrote the key that was read.',
  'G-nonadjacent':
    'A cycle whose anti-dependencies are never adjacent (G-nonadjacent): snapshot isolation ' +
    'forbids it, though it has more than one.',
  'G2-item':
    'A cycle with adjacent anti-dependencies (G2-item, write skew): snapshot isolation allows ' +
    'it, serializability does not.',
};

function isPrefix(prefix: readonly number[], list: readonly number[]): boolean {
  if (prefix.length > list.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== list[i]) return false;
  return true;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function endsWith(list: readonly number[], suffix: readonly number[]): boolean {
  if (suffix.length > list.length) return false;
  const offset = list.length - suffix.length;
  return suffix.every((value, i) => list[offset + i] === value);
}
