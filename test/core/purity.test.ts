// Goal: src/core stays pure and deterministic. Method: scan every source file in src/core for
// imports and globals that bring I/O, time, randomness or asynchrony.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const banned: Array<[RegExp, string]> = [
  [/from\s+['"]node:/, 'node: import'],
  [/require\(/, 'require()'],
  [/import\(['"]/, 'dynamic import'],
  [/\bDate\b/, 'Date'],
  [/Math\.random/, 'Math.random'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'timer'],
  [/\bprocess\./, 'process'],
  [/\bperformance\./, 'performance'],
  [/\basync\b/, 'async'],
  [/\bawait\b/, 'await'],
  [/\bPromise\b/, 'Promise'],
];

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sources(path));
    else if (name.endsWith('.ts')) found.push(path);
  }
  return found;
}

test('src/core imports no I/O and uses no clock, randomness or async', () => {
  const files = sources('src/core');
  assert.ok(files.length > 0, 'src/core has sources');
  const found: string[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const [pattern, what] of banned) {
        if (pattern.test(code)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(found, []);
});
