// The compat ratchet: the whole corpus runs on a private MariaDB and a trireme process, and every
// case that baseline.json records as identical must still be identical. Skips only when
// mariadbd is not installed (CI installs Debian's mariadb-server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBaseline } from './baseline.js';
import { compareCorpus, report } from './compare.js';
import { corpus } from './corpus/index.js';
import { findMariadbd, startMariadb, startTrireme, type Server } from './servers.js';

const mariadbd = findMariadbd();

test(
  'no case of the compat corpus that was identical to MariaDB has become different',
  {
    timeout: 180_000,
    skip: mariadbd === null ? 'mariadbd not installed (apt-get install mariadb-server)' : false,
  },
  async () => {
    const servers: Server[] = [];
    try {
      const started = await Promise.allSettled([startMariadb(mariadbd!), startTrireme()]);
      for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const [mariadb, trireme] = servers as [Server, Server];
      const cases = corpus();
      const results = await compareCorpus(cases, { mariadb: mariadb.port, trireme: trireme.port });
      console.log(report(results));
      const byId = new Map(results.map((r) => [r.id, r]));
      const baseline = readBaseline().identical;
      const missing = baseline.filter((id) => !byId.has(id));
      assert.deepEqual(missing, [], 'baseline.json names cases the corpus no longer has');
      // A case that differs is run once more alone before it counts: an answer that differs
      // only under the corpus's concurrency is named as flaky (a bug to chase, not to hide).
      const suspects = cases.filter((c) => baseline.includes(c.id) && !byId.get(c.id)!.identical);
      const again = await compareCorpus(suspects, { mariadb: mariadb.port, trireme: trireme.port });
      for (const r of again.filter((x) => x.identical))
        console.log(`compat: flaky: ${r.id} differed in the full run, identical alone`);
      for (const r of again) byId.set(r.id, r);
      const regressed = baseline.filter((id) => !byId.get(id)!.identical);
      for (const id of regressed) {
        const r = byId.get(id)!;
        console.log(
          `--- ${id}\n  mariadb: ${JSON.stringify(r.mariadb)}\n  trireme: ${JSON.stringify(r.trireme)}`,
        );
      }
      assert.deepEqual(regressed, [], 'cases identical in baseline.json now differ');
      const gained = results.filter((r) => r.identical).length - baseline.length;
      if (gained > 0)
        console.log(
          `compat: ${gained} more identical than baseline.json (npm run compat -- --write-baseline)`,
        );
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
);
