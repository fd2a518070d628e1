// `npm run compat`: the differential test of docs/design/compat.md. Starts a private MariaDB and a
// standalone trireme node, runs the corpus on both, prints `compat: P/N identical (X%)` and a
// per-category table.
// Options: --category C[,C…]  --verbose (each differing case with both answers)
//          --json out.json  --min-percent P (exit 1 when the overall figure is below P)
//          --write-baseline (record the identical cases in test/compat/baseline.json, the ratchet
//          that compat.test.ts holds; only with the whole corpus)
import { writeFileSync } from 'node:fs';
import { CATEGORIES, type Category } from './case.js';
import { compareCorpus, percent, report, tally, type CaseResult } from './compare.js';
import { writeBaseline } from './baseline.js';
import { corpus } from './corpus/index.js';
import { findMariadbd, startMariadb, startTrireme, type Server } from './servers.js';

interface Options {
  readonly categories: readonly Category[] | null;
  readonly verbose: boolean;
  readonly json: string | null;
  readonly minPercent: number | null;
  readonly writeBaseline: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  let categories: Category[] | null = null;
  let verbose = false;
  let json: string | null = null;
  let minPercent: number | null = null;
  let writeBaseline = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    if (name === '--verbose') verbose = true;
    else if (name === '--write-baseline') writeBaseline = true;
    else if (name === '--category') {
      categories = value()
        .split(',')
        .map((c) => {
          if (!(CATEGORIES as readonly string[]).includes(c))
            throw new Error(`unknown category ${c} (one of ${CATEGORIES.join(', ')})`);
          return c as Category;
        });
    } else if (name === '--json') json = value();
    else if (name === '--min-percent') {
      minPercent = Number(value());
      if (!Number.isFinite(minPercent)) throw new Error('--min-percent needs a number');
    } else throw new Error(`unknown option ${arg}`);
  }
  if (writeBaseline && categories !== null)
    throw new Error('--write-baseline records the whole corpus: drop --category');
  return { categories, verbose, json, minPercent, writeBaseline };
}

function printDifference(r: CaseResult): void {
  console.log(`--- ${r.id}`);
  console.log(`  mariadb: ${JSON.stringify(r.mariadb)}`);
  console.log(`  trireme: ${JSON.stringify(r.trireme)}`);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const mariadbd = findMariadbd();
  if (mariadbd === null) {
    console.error(
      'compat: mariadbd not found on PATH or in /usr/sbin (apt-get install mariadb-server)',
    );
    return 1;
  }
  const cases = corpus().filter(
    (c) => options.categories === null || options.categories.includes(c.category),
  );
  const servers: Server[] = [];
  try {
    const started = await Promise.allSettled([startMariadb(mariadbd), startTrireme()]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [mariadb, trireme] = servers as [Server, Server];
    const results = await compareCorpus(cases, { mariadb: mariadb.port, trireme: trireme.port });
    if (options.verbose) for (const r of results) if (!r.identical) printDifference(r);
    if (options.json !== null) writeFileSync(options.json, JSON.stringify(results, null, 1));
    console.log(report(results));
    if (options.writeBaseline) writeBaseline(results);
    const total = tally(results).at(-1)!;
    if (options.minPercent !== null && percent(total.identical, total.total) < options.minPercent) {
      console.error(`compat: below --min-percent ${options.minPercent}`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  },
);
