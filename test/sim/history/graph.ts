// Graph primitives for the cycle search: an edge-list graph whose edges carry a bitmask of
// dependency kinds, Tarjan's strongly connected components (iterative, so deep histories cannot
// overflow the stack), and a breadth-first search with a visit budget.
import { assert } from '../../../src/core/assert.js';

/** Dependency kinds, as bits of an edge's mask. The lowest bit is the kind a path prefers. */
export const WW = 1;
export const WR = 2;
export const RW = 4;
export const KINDS_ALL = WW | WR | RW;

export function kindName(kind: number): 'ww' | 'wr' | 'rw' {
  if (kind === WW) return 'ww';
  if (kind === WR) return 'wr';
  assert(kind === RW, `not a single dependency kind: ${kind}`);
  return 'rw';
}

/** The lowest kind bit of a mask (ww before wr before rw). */
export function preferredKind(mask: number): number {
  assert(mask !== 0, 'an edge has at least one kind');
  return mask & -mask;
}

/** Edges are numbered; `out[v]` lists the ids of the edges leaving node v. */
export interface EdgeLists {
  readonly out: readonly (readonly number[])[];
  readonly edgeFrom: readonly number[];
  readonly edgeTo: readonly number[];
  readonly edgeMask: readonly number[];
}

/** Successor lists over the edges whose mask meets `allowed`. */
export function successors(graph: EdgeLists, allowed: number): number[][] {
  return graph.out.map((edges) => {
    const nodes: number[] = [];
    for (const edge of edges) {
      if ((graph.edgeMask[edge]! & allowed) !== 0) nodes.push(graph.edgeTo[edge]!);
    }
    return nodes;
  });
}

export interface Components {
  /** The component of each node. */
  readonly componentOf: Int32Array;
  readonly sizes: readonly number[];
}

/** Tarjan's algorithm without recursion: `frames` holds the nodes whose successors are open. */
export function stronglyConnected(succ: readonly (readonly number[])[]): Components {
  const n = succ.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const cursor = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const componentOf = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  const frames: number[] = [];
  let counter = 0;
  const open = (v: number): void => {
    index[v] = counter;
    low[v] = counter;
    counter++;
    stack.push(v);
    onStack[v] = 1;
    frames.push(v);
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    open(root);
    while (frames.length > 0) {
      const v = frames[frames.length - 1]!;
      const next = succ[v]!;
      if (cursor[v]! < next.length) {
        const w = next[cursor[v]!]!;
        cursor[v] = cursor[v]! + 1;
        if (index[w] === -1) open(w);
        else if (onStack[w] === 1) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
      if (low[v] !== index[v]) continue;
      let size = 0;
      for (;;) {
        const w = stack.pop();
        assert(w !== undefined, 'the root of a component is on the stack');
        onStack[w] = 0;
        componentOf[w] = sizes.length;
        size++;
        if (w === v) break;
      }
      sizes.push(size);
    }
  }
  return { componentOf, sizes };
}

/**
 * Breadth-first searches that share one visit budget, so that cycle explanation stays bounded on
 * a large, anomaly-ridden history. Arrays are reused between searches through a generation stamp.
 */
export class BoundedSearch {
  private readonly stamp: Int32Array;
  private readonly parentEdge: Int32Array;
  private readonly parentKind: Uint8Array;
  private generation = 0;
  private source = -1;

  constructor(
    nodeCount: number,
    public visitsLeft: number,
  ) {
    this.stamp = new Int32Array(nodeCount);
    this.parentEdge = new Int32Array(nodeCount);
    this.parentKind = new Uint8Array(nodeCount);
  }

  get exhausted(): boolean {
    return this.visitsLeft <= 0;
  }

  /**
   * Visits every node reachable from `source` over edges whose mask meets `allowed`, staying
   * inside `component`. Returns false if the budget ran out first (the reach is then partial).
   */
  explore(
    graph: EdgeLists,
    source: number,
    allowed: number,
    componentOf: Int32Array,
    component: number,
  ): boolean {
    assert(graph.out.length <= this.stamp.length, 'the search is sized for the graph');
    this.generation++;
    this.source = source;
    this.stamp[source] = this.generation;
    this.parentEdge[source] = -1;
    const queue = [source];
    for (let head = 0; head < queue.length; head++) {
      if (this.visitsLeft-- <= 0) return false;
      const v = queue[head]!;
      for (const edge of graph.out[v]!) {
        const w = graph.edgeTo[edge]!;
        const mask = graph.edgeMask[edge]! & allowed;
        if (mask === 0 || componentOf[w] !== component || this.stamp[w] === this.generation) {
          continue;
        }
        this.stamp[w] = this.generation;
        this.parentEdge[w] = edge;
        this.parentKind[w] = preferredKind(mask);
        queue.push(w);
      }
    }
    return true;
  }

  reached(v: number): boolean {
    return this.stamp[v] === this.generation;
  }

  /** The edges (with the kind each was taken as) of the shortest path from the source to v. */
  pathTo(graph: EdgeLists, v: number): { edge: number; kind: number }[] {
    assert(this.reached(v), 'a path exists only to a reached node');
    const path: { edge: number; kind: number }[] = [];
    for (let node = v; node !== this.source;) {
      const edge = this.parentEdge[node]!;
      assert(edge >= 0, 'every reached node but the source has a parent edge');
      path.push({ edge, kind: this.parentKind[node]! });
      node = graph.edgeFrom[edge]!;
    }
    return path.reverse();
  }
}
