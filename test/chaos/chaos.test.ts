// Goal: under kill -9, pauses past evs.suspect_timeout and graceful leaves, a 3-node TLS cluster
// of real processes keeps snapshot isolation, loses no acknowledged commit and converges. Method:
// one seeded 60-second list-append chaos run and one 40-second bank run (run.ts: transfers read
// both balances with a plain SELECT, then write absolute values, the lost-update shape) over
// mysql2 on 127.0.0.1, checked by Elle's list-append checker or the bank checker, a final read
// per node and per-table checksums. CHAOS_WORKLOAD/SECONDS/SEED replace both with one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChaosCluster } from './cluster.js';
import { anomalyCounts, faultCounts, formatReport, runChaos } from './run.js';

type Run = {
  readonly workload: 'append' | 'bank';
  readonly seconds: number;
  readonly seed: number;
};

const RUNS: readonly Run[] =
  process.env.CHAOS_WORKLOAD === undefined
    ? [
        { workload: 'append', seconds: 60, seed: 20_260_905 },
        { workload: 'bank', seconds: 40, seed: 20_261_205 },
      ]
    : [
        {
          workload: process.env.CHAOS_WORKLOAD === 'bank' ? 'bank' : 'append',
          seconds: Number(process.env.CHAOS_SECONDS ?? 60),
          seed: Number(process.env.CHAOS_SEED ?? 20_260_905),
        },
      ];

for (const run of RUNS)
  test(
    `a ${run.seconds}-second ${run.workload} chaos run: no anomaly, no lost commit, equal checksums`,
    { timeout: 240_000 },
    async () => {
      let cluster: ChaosCluster | null = null;
      const killCluster = (): void => cluster?.killAll();
      // Ctrl-C: end the nodes we started, then leave as the default handler would have.
      const onSigint = (): void => {
        killCluster();
        process.exit(130);
      };
      process.once('SIGINT', onSigint);
      try {
        const report = await runChaos({
          seconds: run.seconds,
          workload: run.workload,
          seed: run.seed,
          faults: true,
          clientsPerNode: 3,
          keep: false,
          say: (line) => console.log(line),
          onCluster: (c) => (cluster = c),
        });
        for (const line of formatReport(report)) console.log(line);
        assert.deepEqual(report.problems, [], 'the cluster healed and was checked');
        assert.ok(report.txns.ok > 0, 'clients committed transactions');
        const faults = Object.values(faultCounts(report.faults)).reduce((a, b) => a + b, 0);
        assert.ok(faults >= 2, `faults were injected (${faults})`);
        assert.deepEqual(anomalyCounts(report.anomalies), {}, 'no anomalies');
        assert.equal(report.lostCommits, 0, 'no acknowledged commit lost');
        assert.ok(
          report.checksums.every((c) => c.equal),
          `checksums equal: ${JSON.stringify(report.checksums)}`,
        );
      } finally {
        killCluster();
        process.removeListener('SIGINT', onSigint);
      }
    },
  );
