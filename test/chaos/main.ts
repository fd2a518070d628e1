// `npm run chaos -- --seconds N [--workload append|bank] [--seed S] [--no-faults]
// [--clients-per-node C] [--keep]`: one chaos run against a 3-node TLS cluster of real processes
// on 127.0.0.1; prints the counts and exits 1 on any anomaly, lost commit or checksum difference.
import { parseArgs } from 'node:util';
import type { ChaosCluster } from './cluster.js';
import { formatReport, runChaos } from './run.js';

function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      workload: { type: 'string', default: 'append' },
      seed: { type: 'string' },
      'no-faults': { type: 'boolean', default: false },
      'clients-per-node': { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const clientsPerNode = Number(values['clients-per-node']);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  const workload = values.workload;
  if (workload !== 'append' && workload !== 'bank') return usage(`unknown workload ${workload}`);
  if (!(seconds > 0)) return usage('--seconds must be positive');
  if (!Number.isInteger(seed)) return usage('--seed must be an integer');
  if (!(clientsPerNode >= 1)) return usage('--clients-per-node must be at least 1');
  let cluster: ChaosCluster | null = null;
  // Ctrl-C or a kill: end every node we started (by PID) before leaving.
  const killCluster = (): void => cluster?.killAll();
  process.on('exit', killCluster);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killCluster();
      if (!values.keep) cluster?.removeFiles();
      process.exit(130);
    });
  }
  return runChaos({
    seconds,
    workload,
    seed,
    faults: !values['no-faults'],
    clientsPerNode,
    keep: values.keep,
    say: (line) => console.log(line),
    onCluster: (c) => (cluster = c),
  }).then((report) => {
    for (const line of formatReport(report)) console.log(line);
    return report.valid ? 0 : 1;
  });
}

function usage(problem: string): Promise<number> {
  console.error(`chaos: ${problem}`);
  console.error(
    'usage: npm run chaos -- --seconds N [--workload append|bank] [--seed S] [--no-faults] [--clients-per-node C] [--keep]',
  );
  return Promise.resolve(2);
}

process.exitCode = await main();
