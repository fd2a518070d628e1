// Goal: the cycle search's verdict is exact and every cycle it reports is real and correctly
// classified. Method: on many small seeded random graphs, compare against brute force over all
// simple cycles (snapshot isolation forbids a cycle unless two of its pure-rw edges meet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Xoshiro128 } from '../../../src/core/prng.js';
import { rwShape, searchCycles, type IsolationModel } from './cycles.js';
import { RW, WR, WW, type EdgeLists } from './graph.js';

interface Graph extends EdgeLists {
  readonly out: number[][];
  readonly edgeFrom: number[];
  readonly edgeTo: number[];
  readonly edgeMask: number[];
}

function randomGraph(prng: Xoshiro128, nodeCount: number, density: number): Graph {
  const graph: Graph = {
    out: Array.from({ length: nodeCount }, () => []),
    edgeFrom: [],
    edgeTo: [],
    edgeMask: [],
  };
  for (let from = 0; from < nodeCount; from++) {
    for (let to = 0; to < nodeCount; to++) {
      if (from === to || !prng.chance(density)) continue;
      graph.out[from]!.push(graph.edgeTo.length);
      graph.edgeFrom.push(from);
      graph.edgeTo.push(to);
      // Mostly single kinds, sometimes several, as in real histories.
      graph.edgeMask.push(prng.chance(0.8) ? [WW, WR, RW][prng.int(3)]! : 1 + prng.int(7));
    }
  }
  return graph;
}

/** Every simple cycle, as edge lists, by depth-first search from its smallest node. */
function simpleCycles(graph: Graph): number[][] {
  const cycles: number[][] = [];
  const path: number[] = [];
  const onPath = new Set<number>();
  const walk = (start: number, node: number): void => {
    for (const edge of graph.out[node]!) {
      const next = graph.edgeTo[edge]!;
      if (next === start) cycles.push([...path, edge]);
      if (next <= start || onPath.has(next)) continue;
      path.push(edge);
      onPath.add(next);
      walk(start, next);
      onPath.delete(next);
      path.pop();
    }
  };
  for (let start = 0; start < graph.out.length; start++) walk(start, start);
  return cycles;
}

function forbiddenBySi(graph: Graph, cycle: readonly number[]): boolean {
  const pureRw = cycle.map((edge) => graph.edgeMask[edge] === RW);
  return !pureRw.some((rw, i) => rw && pureRw[(i + 1) % pureRw.length]);
}

test('the verdict matches brute force, and every reported cycle is real', () => {
  const prng = new Xoshiro128(2026);
  let violations = 0;
  for (let round = 0; round < 400; round++) {
    const graph = randomGraph(prng, 2 + prng.int(6), 0.15 + prng.float() * 0.3);
    const cycles = simpleCycles(graph);
    for (const model of ['snapshot-isolation', 'serializable'] as IsolationModel[]) {
      const expected =
        model === 'serializable'
          ? cycles.length > 0
          : cycles.some((cycle) => forbiddenBySi(graph, cycle));
      const result = searchCycles(graph, model, {
        searchVisitsMax: 1_000_000,
        sourcesPerComponentMax: 64,
      });
      const context = `round ${round}, ${model}: ${JSON.stringify(graph)}`;
      assert.equal(result.violationExists, expected, context);
      assert.equal(
        result.cycles.some((cycle) => !cycle.allowed),
        expected,
        context,
      );
      if (expected) violations++;
      for (const cycle of result.cycles) {
        assert.notEqual(cycle.kind, 'cycle-unexplained', context);
        cycle.steps.forEach((step, i) => {
          const next = cycle.steps[(i + 1) % cycle.steps.length]!;
          assert.equal(graph.edgeTo[step.edge], graph.edgeFrom[next.edge], context);
          assert.ok((graph.edgeMask[step.edge]! & step.kind) !== 0, context);
        });
        const shape = rwShape(cycle.steps);
        const kinds = cycle.steps.map((step) => step.kind);
        if (cycle.kind === 'G0')
          assert.ok(
            kinds.every((kind) => kind === WW),
            context,
          );
        if (cycle.kind === 'G1c') assert.ok(shape.rw === 0 && kinds.includes(WR), context);
        if (cycle.kind === 'G-single') assert.equal(shape.rw, 1, context);
        if (cycle.kind === 'G-nonadjacent') assert.ok(shape.rw >= 2 && !shape.adjacent, context);
        if (cycle.kind === 'G2-item') assert.ok(shape.rw >= 2 && shape.adjacent, context);
        assert.equal(cycle.allowed, cycle.kind === 'G2-item' && model === 'snapshot-isolation');
      }
    }
  }
  assert.ok(violations > 100, `only ${violations} graphs had a forbidden cycle`);
});

test('an acyclic graph yields nothing', () => {
  const graph: Graph = {
    out: [[0], [1], []],
    edgeFrom: [0, 1],
    edgeTo: [1, 2],
    edgeMask: [RW, WW],
  };
  const result = searchCycles(graph, 'serializable', {
    searchVisitsMax: 10,
    sourcesPerComponentMax: 1,
  });
  assert.deepEqual(result, { cycles: [], violationExists: false, notes: [] });
});
