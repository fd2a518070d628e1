// The ratchet of compat.test.ts: test/compat/baseline.json lists the cases whose answers are
// identical on MariaDB and trireme today; none of them may become different.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './compare.js';

// The source file, not a copy in dist: `npm run compat -- --write-baseline` updates it in place.
const BASELINE = fileURLToPath(new URL('../../../test/compat/baseline.json', import.meta.url));

export interface Baseline {
  readonly identical: readonly string[];
}

export function readBaseline(): Baseline {
  return JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
}

export function writeBaseline(results: readonly CaseResult[]): void {
  const identical = results
    .filter((r) => r.identical)
    .map((r) => r.id)
    .sort();
  writeFileSync(BASELINE, `${JSON.stringify({ identical }, null, 2)}\n`);
  console.log(`compat: baseline.json records ${identical.length} identical cases`);
}
