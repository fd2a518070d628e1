// The cycle search over a dependency graph: find the strongly connected components, then inside
// each one look for a short cycle of each class, closing the cycle at an edge of the class's
// defining kind. Validity itself never depends on the search budget: a cycle that snapshot
// isolation forbids exists exactly when a derived graph has a non-trivial component (see
// docs/design/history-checkers.md, "Which cycles snapshot isolation forbids").
import { assert } from '../../../src/core/assert.js';
import {
  BoundedSearch,
  KINDS_ALL,
  RW,
  WR,
  WW,
  preferredKind,
  stronglyConnected,
  successors,
  type Components,
  type EdgeLists,
} from './graph.js';

export type IsolationModel = 'snapshot-isolation' | 'serializable';

export type CycleKind =
  'G0' | 'G1c' | 'G-single' | 'G-nonadjacent' | 'G2-item' | 'cycle-unexplained';

export interface CycleLimits {
  /** Node visits shared by every breadth-first search of one check. */
  readonly searchVisitsMax: number;
  /** Closing-edge targets tried per component and cycle class before giving up on the class. */
  readonly sourcesPerComponentMax: number;
}

export interface CycleStep {
  readonly edge: number;
  /** The single kind this edge plays in the cycle. */
  readonly kind: number;
}

export interface FoundCycle {
  readonly kind: CycleKind;
  /** The edges in order around the cycle; empty for 'cycle-unexplained'. */
  readonly steps: readonly CycleStep[];
  /** For 'cycle-unexplained': some nodes of the component that holds a forbidden cycle. */
  readonly nodes: readonly number[];
  /** Whether the model permits this cycle (G2-item under snapshot isolation). */
  readonly allowed: boolean;
}

export interface CycleSearchResult {
  readonly cycles: readonly FoundCycle[];
  /** Whether the model's forbidden cycles exist, decided exactly, whatever the budget. */
  readonly violationExists: boolean;
  readonly notes: readonly string[];
}

/** Counts the rw steps and whether two of them are adjacent (cyclically). */
export function rwShape(steps: readonly CycleStep[]): { rw: number; adjacent: boolean } {
  let rw = 0;
  let adjacent = false;
  steps.forEach((step, i) => {
    if (step.kind !== RW) return;
    rw++;
    const next = steps[(i + 1) % steps.length]!;
    if (next.kind === RW && steps.length > 1) adjacent = true;
  });
  return { rw, adjacent };
}

export function searchCycles(
  graph: EdgeLists,
  model: IsolationModel,
  limits: CycleLimits,
): CycleSearchResult {
  const full = stronglyConnected(successors(graph, KINDS_ALL));
  if (!full.sizes.some((size) => size > 1))
    return { cycles: [], violationExists: false, notes: [] };
  const state = new SearchState(graph, full, limits);
  state.searchDependencyCycles();
  state.searchSingleCycles();
  const forbiddenBySi = state.searchNonadjacentCycles();
  state.searchItemCycles(model);
  const violationExists = model === 'serializable' || forbiddenBySi;
  state.explainRemainder(violationExists, model);
  return { cycles: state.cycles, violationExists, notes: state.notes };
}

class SearchState {
  readonly cycles: FoundCycle[] = [];
  readonly notes: string[] = [];
  private readonly search: BoundedSearch;
  /** `kind:component` for each class already reported in a component of the full graph. */
  private readonly reported = new Set<string>();
  /** A node on a cycle that snapshot isolation forbids, once the product graph found one. */
  private forbiddenNode = -1;

  constructor(
    private readonly graph: EdgeLists,
    private readonly full: Components,
    private readonly limits: CycleLimits,
  ) {
    // Sized for the product graph too, which has two states per node.
    this.search = new BoundedSearch(2 * graph.out.length, limits.searchVisitsMax);
  }

  /** G0 (ww only) and G1c (ww and wr, at least one wr). */
  searchDependencyCycles(): void {
    const writes = stronglyConnected(successors(this.graph, WW));
    this.closeCycles(this.graph, writes, WW, 0, WW, (steps) => this.record('G0', steps));
    const dependencies = stronglyConnected(successors(this.graph, WW | WR));
    this.closeCycles(this.graph, dependencies, WR, WW, WW | WR, (steps) =>
      this.record('G1c', steps),
    );
  }

  /** G-single: one rw edge closed by a path of ww and wr edges. */
  searchSingleCycles(): void {
    this.closeCycles(this.graph, this.full, RW, WW | WR, WW | WR, (steps) =>
      this.record('G-single', steps),
    );
  }

  /**
   * A cycle is forbidden by snapshot isolation iff no two of its rw edges are adjacent. Such
   * cycles are exactly the cycles of a product graph whose states remember whether the last edge
   * was rw and which has no rw → rw move. Returns whether that graph has a cycle; explains the
   * ones with ≥ 2 rw edges (G-nonadjacent), and any other class the searches above missed
   * within their limits.
   */
  searchNonadjacentCycles(): boolean {
    const product = productGraph(this.graph, this.full);
    const components = stronglyConnected(successors(product, KINDS_ALL));
    const state = components.sizes.findIndex((size) => size > 1);
    if (state === -1) return false;
    const inCycle = components.componentOf.indexOf(state);
    this.forbiddenNode = inCycle >> 1;
    this.closeCycles(product, components, RW, 0, KINDS_ALL, (productSteps) => {
      const steps = productSteps.map(({ edge }) => {
        const original = product.origin[edge]!;
        return { edge: original, kind: preferredKind(this.graph.edgeMask[original]!) };
      });
      const shape = rwShape(steps);
      assert(!shape.adjacent, 'the product graph has no rw → rw move');
      if (shape.rw >= 2) return this.record('G-nonadjacent', steps);
      const writesOnly = steps.every((step) => step.kind === WW);
      this.record(shape.rw === 1 ? 'G-single' : writesOnly ? 'G0' : 'G1c', steps);
      return false;
    });
    return true;
  }

  /** G2-item: a cycle with two or more rw edges, some adjacent (write skew). */
  searchItemCycles(model: IsolationModel): void {
    this.closeCycles(this.graph, this.full, RW, WW | WR, KINDS_ALL, (steps) => {
      const shape = rwShape(steps);
      if (shape.rw < 2) return false;
      if (!shape.adjacent) return this.record('G-nonadjacent', steps);
      return this.record('G2-item', steps, model !== 'serializable');
    });
  }

  /** If a forbidden cycle exists but none was explained within the limits, say so. */
  explainRemainder(violationExists: boolean, model: IsolationModel): void {
    if (!violationExists) return;
    if (this.cycles.some((cycle) => !cycle.allowed)) return;
    const node =
      model === 'serializable'
        ? this.full.componentOf.indexOf(this.full.sizes.findIndex((size) => size > 1))
        : this.forbiddenNode;
    assert(node >= 0, 'a forbidden cycle has a node');
    const component = this.full.componentOf[node];
    const nodes: number[] = [];
    for (let v = 0; v < this.full.componentOf.length && nodes.length < 8; v++) {
      if (this.full.componentOf[v] === component) nodes.push(v);
    }
    this.cycles.push({ kind: 'cycle-unexplained', steps: [], nodes, allowed: false });
    this.notes.push(`a cycle forbidden by ${model} exists but none was explained within limits`);
  }

  /**
   * Records a cycle unless its component already has one of this class (one explanation per
   * class and component is enough to act on). Returns true: the component is done.
   */
  private record(kind: CycleKind, steps: CycleStep[], allowed = false): boolean {
    const first = steps[0];
    assert(first !== undefined, 'a cycle has edges');
    const component = this.full.componentOf[this.graph.edgeFrom[first.edge]!]!;
    const tag = `${kind}:${component}`;
    if (this.reported.has(tag)) return true;
    this.reported.add(tag);
    this.cycles.push({ kind, steps, nodes: [], allowed });
    return true;
  }

  /**
   * For each non-trivial component, tries the edges of kind `closing` (and of no kind in
   * `excluded`) that stay inside it: a path back from the edge's target to its source over
   * `allowed` edges closes a cycle. `onCycle` returns true when the component is done.
   */
  private closeCycles(
    graph: EdgeLists,
    components: Components,
    closing: number,
    excluded: number,
    allowed: number,
    onCycle: (steps: CycleStep[]) => boolean,
  ): void {
    const byComponent = closingEdges(graph, components, closing, excluded);
    for (const [component, byTarget] of byComponent) {
      let sources = 0;
      for (const [target, edges] of byTarget) {
        if (this.search.exhausted) return this.budgetNote();
        if (sources++ >= this.limits.sourcesPerComponentMax) break;
        this.search.explore(graph, target, allowed, components.componentOf, component);
        const done = edges.some((edge) => {
          const source = graph.edgeFrom[edge]!;
          if (!this.search.reached(source)) return false;
          const steps = [...this.search.pathTo(graph, source), { edge, kind: closing }];
          return onCycle(steps);
        });
        if (done) break;
      }
    }
  }

  private budgetNote(): void {
    const note = `cycle search stopped after ${this.limits.searchVisitsMax} visits`;
    if (!this.notes.includes(note)) this.notes.push(note);
  }
}

/** Edges of a kind inside non-trivial components, grouped by component, then by target. */
function closingEdges(
  graph: EdgeLists,
  components: Components,
  closing: number,
  excluded: number,
): Map<number, Map<number, number[]>> {
  const byComponent = new Map<number, Map<number, number[]>>();
  for (let edge = 0; edge < graph.edgeTo.length; edge++) {
    const mask = graph.edgeMask[edge]!;
    if ((mask & closing) === 0 || (mask & excluded) !== 0) continue;
    const from = graph.edgeFrom[edge]!;
    const to = graph.edgeTo[edge]!;
    const component = components.componentOf[from]!;
    if (component !== components.componentOf[to] || components.sizes[component]! < 2) continue;
    let byTarget = byComponent.get(component);
    if (byTarget === undefined) {
      byTarget = new Map<number, number[]>();
      byComponent.set(component, byTarget);
    }
    const edges = byTarget.get(to);
    if (edges === undefined) byTarget.set(to, [edge]);
    else edges.push(edge);
  }
  return byComponent;
}

interface ProductGraph extends EdgeLists {
  /** The original edge behind each product edge. */
  readonly origin: readonly number[];
}

/**
 * States 2v ("entered v by ww or wr, or started there") and 2v+1 ("entered v by rw"). A ww/wr
 * edge leads from either state to 2w; an rw edge only from 2v to 2w+1. Only edges inside
 * non-trivial components of the full graph can lie on a cycle, so only those are copied.
 */
function productGraph(graph: EdgeLists, full: Components): ProductGraph {
  const out: number[][] = Array.from({ length: 2 * graph.out.length }, () => []);
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeMask: number[] = [];
  const origin: number[] = [];
  const add = (from: number, to: number, kind: number, edge: number): void => {
    out[from]!.push(edgeTo.length);
    edgeFrom.push(from);
    edgeTo.push(to);
    edgeMask.push(kind);
    origin.push(edge);
  };
  for (let edge = 0; edge < graph.edgeTo.length; edge++) {
    const from = graph.edgeFrom[edge]!;
    const to = graph.edgeTo[edge]!;
    const component = full.componentOf[from]!;
    if (component !== full.componentOf[to] || full.sizes[component]! < 2) continue;
    const mask = graph.edgeMask[edge]!;
    const dependency = mask & (WW | WR);
    if (dependency !== 0) {
      add(2 * from, 2 * to, preferredKind(dependency), edge);
      add(2 * from + 1, 2 * to, preferredKind(dependency), edge);
    }
    if ((mask & RW) !== 0) add(2 * from, 2 * to + 1, RW, edge);
  }
  return { out, edgeFrom, edgeTo, edgeMask, origin };
}
