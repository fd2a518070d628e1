// Goal: SQL transactions through the real engine keep snapshot isolation with first-committer-
// wins, and DDL (TOI) racing DML leaves every node with the same data, under faults. Method: run
// the bank, list-append and ddl workloads (SQL text into EngineSessions on every simulated node)
// for many seeds and check their histories and checksums; prove the checkers bite with canaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed } from './run.js';
import { workloadRegressionSeeds } from './regressions.js';
import type { CanaryName } from './world.js';

// About 0.25 s of CPU per seed; see docs/design/simulator.md for the budget.
const seeds = Number(process.env['TRIREME_SIM_TXN_SEEDS'] ?? '50');
const range = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => from + i);

type Workload = 'bank' | 'append' | 'ddl';

async function failures(workload: Workload, list: readonly number[]): Promise<string[]> {
  const found: string[] = [];
  for (const seed of list) {
    const result = await runSeed(seed, { workload });
    if (result.violations.length > 0) {
      found.push(
        `seed ${seed}: ${result.violations.join(' | ')} (replay: npm run sim -- --seed ${seed} --workload ${workload} --trace)`,
      );
    }
  }
  return found;
}

/** The first seed within 50 whose violations include one that `matches`, if any. */
async function caughtWithin50(
  workload: Workload,
  canary: CanaryName,
  matches: RegExp,
): Promise<number | undefined> {
  for (const seed of range(1, 50)) {
    const result = await runSeed(seed, { workload, canary });
    if (result.violations.some((v) => matches.test(v))) return seed;
  }
  return undefined;
}

for (const workload of ['bank', 'append', 'ddl'] as const) {
  test(`${seeds} seeds of the ${workload} workload report no violation`, async () => {
    assert.deepEqual(await failures(workload, range(1, seeds)), []);
  });

  test(`every ${workload} seed that ever failed still passes`, async () => {
    assert.deepEqual(await failures(workload, workloadRegressionSeeds[workload]), []);
  });
}

test('the same seed gives the same trace hash through the engine, for 3 seeds', async () => {
  for (const [seed, workload] of [
    [7, 'bank'],
    [8, 'append'],
    [9, 'ddl'],
  ] as const) {
    const first = await runSeed(seed, { workload });
    const second = await runSeed(seed, { workload, trace: true });
    assert.equal(first.traceHash, second.traceHash, `seed ${seed} (${workload})`);
    assert.deepEqual(first.violations, second.violations, `seed ${seed} (${workload})`);
  }
});

test('canary writer-snapshot is reported as a lost update or G-single within 50 seeds', async () => {
  const caught = await caughtWithin50('append', 'writer-snapshot', /lost-update|G-single/);
  assert.notEqual(caught, undefined, 'writer-snapshot went unnoticed for 50 seeds');
});

test('canary certify-at-commit is reported as a lost update or G-single within 50 seeds', async () => {
  const caught = await caughtWithin50('append', 'certify-at-commit', /lost-update|G-single/);
  assert.notEqual(caught, undefined, 'certify-at-commit went unnoticed for 50 seeds');
});

test('canary certify-at-commit breaks the bank total within 50 seeds', async () => {
  const caught = await caughtWithin50('bank', 'certify-at-commit', /wrong-total|negative/);
  assert.notEqual(caught, undefined, 'certify-at-commit kept every bank total for 50 seeds');
});

test('canary toi-ignored fails an apply or splits the data within 50 seeds', async () => {
  const caught = await caughtWithin50('ddl', 'toi-ignored', /apply failed|different data/);
  assert.notEqual(caught, undefined, 'toi-ignored went unnoticed for 50 seeds');
});
