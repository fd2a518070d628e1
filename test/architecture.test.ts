// Goal: src/ has no run-time import cycle between files, besides the grammar's one mutual
// recursion. Method: read every import (type-only imports vanish at run time and are left out)
// and look for strongly connected components (Tarjan). The layer rule itself is eslint's.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/** An expression holds subqueries and a query holds expressions: one recursion, by design. */
const ALLOWED = [['src/sql/parse-expression.ts', 'src/sql/parse-select.ts']];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const imports: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm))
      if (m[1] === undefined)
        imports.push(relative(root, resolve(dirname(file), m[2]!.replace(/\.js$/, '.ts'))));
    graph.set(relative(root, file), imports);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

test('no run-time import cycle in src/ but the grammar', () => {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
  const graph = importGraph(root);
  assert.ok(graph.size > 100, `read ${graph.size} files under ${root}/src`);
  const unexpected = cycles(graph).filter(
    (c) => !ALLOWED.some((a) => JSON.stringify(a) === JSON.stringify(c)),
  );
  assert.deepEqual(unexpected, []);
});
