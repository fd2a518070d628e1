// Runs the corpus on MariaDB and on trireme side by side and tallies identical answers per
// category.
import { CATEGORIES, type Category, type CompatCase } from './case.js';
import { asOracleRelease, oraclePatch } from './releases.js';
import { CaseRunner, type CaseAnswer } from './run.js';

export interface CaseResult {
  readonly id: string;
  readonly category: Category;
  readonly identical: boolean;
  readonly mariadb: CaseAnswer;
  readonly trireme: CaseAnswer;
}

export interface Tally {
  readonly category: Category | 'total';
  readonly identical: number;
  readonly total: number;
}

/**
 * Cases run in shards of consecutive cases, each shard in its own database and connections, all
 * shards at once: the corpus takes about as long as its slowest shard.
 */
const SHARD_CASES_MAX = 250;

export async function compareCorpus(
  cases: readonly CompatCase[],
  ports: { readonly mariadb: number; readonly trireme: number },
): Promise<CaseResult[]> {
  const shards = new Map<string, CompatCase[]>();
  for (const [i, c] of cases.entries()) {
    const database = `compat_${Math.floor(i / SHARD_CASES_MAX)}`;
    shards.set(database, [...(shards.get(database) ?? []), c]);
  }
  const patch = await oraclePatch(ports.mariadb);
  const runs = [...shards].map(async ([database, list]) => {
    const mariadb = new CaseRunner(ports.mariadb, database);
    const trireme = new CaseRunner(ports.trireme, database);
    const results: CaseResult[] = [];
    try {
      for (const c of list) {
        const [a, answered] = await Promise.all([mariadb.run(c), trireme.run(c)]);
        const b = asOracleRelease(patch, a, answered);
        const identical = JSON.stringify(a) === JSON.stringify(b);
        results.push({ id: c.id, category: c.category, identical, mariadb: a, trireme: b });
      }
    } finally {
      await mariadb.close(true);
      await trireme.close(true);
    }
    return results;
  });
  return (await Promise.all(runs)).flat();
}

export function tally(results: readonly CaseResult[]): Tally[] {
  const rows: Tally[] = [];
  for (const category of CATEGORIES) {
    const mine = results.filter((r) => r.category === category);
    if (mine.length === 0) continue;
    rows.push({ category, identical: mine.filter((r) => r.identical).length, total: mine.length });
  }
  const identical = results.filter((r) => r.identical).length;
  rows.push({ category: 'total', identical, total: results.length });
  return rows;
}

export function percent(identical: number, total: number): number {
  return total === 0 ? 100 : Math.floor((identical / total) * 1000) / 10;
}

/** The per-category table and the closing `compat: P/N identical (X%)` line. */
export function report(results: readonly CaseResult[]): string {
  const lines = ['category      identical  total      %'];
  for (const t of tally(results)) {
    const name = t.category.padEnd(12);
    const pct = percent(t.identical, t.total).toFixed(1).padStart(6);
    lines.push(
      `${name}  ${String(t.identical).padStart(9)}  ${String(t.total).padStart(5)}  ${pct}`,
    );
  }
  const total = tally(results).at(-1)!;
  lines.push(
    `compat: ${total.identical}/${total.total} identical (${percent(total.identical, total.total)}%)`,
  );
  return lines.join('\n');
}
