// Goal: under kill -9, pauses past evs.suspect_timeout and graceful leaves, a 3-node TLS cluster
// of real processes keeps snapshot isolation, loses no acknowledged commit and converges. Method:
// one seeded 60-second list-append chaos run (run.ts) over mysql2 on 127.0.0.1, checked by Elle's
// list-append checker, a final read per node and per-table checksums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChaosCluster } from './cluster.js';
import { anomalyCounts, faultCounts, formatReport, runChaos } from './run.js';

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);
const SEED = Number(process.env.CHAOS_SEED ?? 20_260_905);
const WORKLOAD = process.env.CHAOS_WORKLOAD === 'bank' ? 'bank' : 'append';

test(
  'a 60-second chaos run: no anomaly, no lost commit, equal checksums',
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
        seconds: SECONDS,
        workload: WORKLOAD,
        seed: SEED,
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
