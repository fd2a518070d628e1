// The simulator's command line (a contract others use, keep it):
//   npm run sim -- --seeds N [--from S] [--workload raft|bank|append|ddl]
//                                           ends with `sim: N seeds, V violations`
//   npm run sim -- --seed S [--trace]       replays one seed (same seed, same trace hash)
//   npm run sim -- --list-canaries | --canary NAME
//   npm run sim -- --seeds N --wipes        some crashes also lose the node's disk (raft only)
// The bank, append and ddl workloads run SQL through a real engine on every node.
import { parseArgs } from 'node:util';
import { runSeed } from './run.js';
import { regressionSeeds, workloadRegressionSeeds } from './regressions.js';
import { canaryNames } from './canaries.js';
import type { CanaryName } from './world.js';

const workloads = ['raft', 'bank', 'append', 'ddl'] as const;
type WorkloadArg = (typeof workloads)[number];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' },
      from: { type: 'string' },
      seed: { type: 'string' },
      trace: { type: 'boolean', default: false },
      'list-canaries': { type: 'boolean', default: false },
      canary: { type: 'string' },
      regressions: { type: 'boolean', default: false },
      workload: { type: 'string' },
      wipes: { type: 'boolean', default: false },
    },
  });
  if (values['list-canaries']) {
    for (const name of canaryNames) console.log(name);
    return 0;
  }
  const canary = (values.canary ?? null) as CanaryName | null;
  if (canary !== null && !canaryNames.includes(canary)) {
    console.error(`sim: unknown canary '${canary}'; --list-canaries lists them`);
    return 2;
  }
  const workload = (values.workload ?? 'raft') as WorkloadArg;
  if (!workloads.includes(workload)) {
    console.error(`sim: unknown workload '${workload}' (${workloads.join(', ')})`);
    return 2;
  }
  const replay = (seed: number): string =>
    `npm run sim -- --seed ${seed}${workload === 'raft' ? '' : ` --workload ${workload}`}${canary ? ` --canary ${canary}` : ''}${values.wipes ? ' --wipes' : ''} --trace`;
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    const result = await runSeed(seed, {
      canary,
      trace: values.trace,
      workload,
      wipes: values.wipes,
    });
    if (result.trace !== null) for (const line of result.trace) console.log(line);
    for (const v of result.violations) console.log(`VIOLATION ${v}`);
    console.log(
      `seed ${seed}: ${result.nodeCount} nodes, ${result.events} events, ${result.simulatedMs}ms simulated, committed ${result.committed}, trace hash ${result.traceHash}`,
    );
    console.log(`sim: 1 seeds, ${result.violations.length > 0 ? 1 : 0} violations`);
    return result.violations.length > 0 ? 1 : 0;
  }
  const count = Number(values.seeds ?? '100');
  const from = Number(values.from ?? '1');
  const seeds = Array.from({ length: count }, (_, i) => from + i);
  if (values.regressions)
    seeds.push(...(workload === 'raft' ? regressionSeeds : workloadRegressionSeeds[workload]));
  const started = performance.now();
  let violations = 0;
  for (const seed of seeds) {
    const result = await runSeed(seed, { canary, workload, wipes: values.wipes });
    if (result.violations.length === 0) continue;
    violations++;
    console.log(`seed ${seed}: ${result.violations[0]}`);
    console.log(`  replay: ${replay(seed)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`(${(seeds.length / seconds).toFixed(1)} seeds/s, ${seconds.toFixed(1)} s)`);
  console.log(`sim: ${seeds.length} seeds, ${violations} violations`);
  return violations > 0 ? 1 : 0;
}

process.exitCode = await main();
