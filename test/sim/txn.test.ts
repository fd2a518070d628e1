// Goal: replicated transactions keep snapshot isolation with first-committer-wins under faults.
// Method: run the bank and list-append workloads on real stores in the simulator for many seeds
// and check their histories; prove the checker bites with Galera's certify-at-commit rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed } from './run.js';

const seeds = Number(process.env['TRIREME_SIM_TXN_SEEDS'] ?? '150');
const range = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => from + i);

for (const workload of ['bank', 'append'] as const) {
  test(`${seeds} seeds of the ${workload} workload report no violation`, () => {
    const found: string[] = [];
    for (const seed of range(1, seeds)) {
      const result = runSeed(seed, { workload });
      if (result.violations.length > 0) {
        found.push(
          `seed ${seed}: ${result.violations.join(' | ')} (replay: npm run sim -- --seed ${seed} --workload ${workload} --trace)`,
        );
      }
    }
    assert.deepEqual(found, []);
  });
}

test('canary certify-at-commit is reported as a lost update or G-single within 50 seeds', () => {
  const caught = range(1, 50).find((seed) => {
    const result = runSeed(seed, { workload: 'append', canary: 'certify-at-commit' });
    return result.violations.some((v) => /lost-update|G-single/.test(v));
  });
  assert.notEqual(caught, undefined, 'certify-at-commit went unnoticed for 50 seeds');
});

test('canary certify-at-commit breaks the bank total within 50 seeds', () => {
  const caught = range(1, 50).find(
    (seed) =>
      runSeed(seed, { workload: 'bank', canary: 'certify-at-commit' }).violations.length > 0,
  );
  assert.notEqual(caught, undefined, 'certify-at-commit kept every bank total for 50 seeds');
});
