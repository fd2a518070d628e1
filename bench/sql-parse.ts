// Measures the SQL front end on sysbench's statements: tokenize, normalize, a cache hit
// (tokenize + key + lookup + slot values), a full hit with translation and binding, and a cold
// parse and translation. Prints microseconds per operation.
// Usage: node <outDir>/bench/sql-parse.js
import {
  MemoryCatalog,
  type SessionValues,
  StatementCache,
  bindValues,
  emitDdl,
  normalize,
  parse,
  tokenize,
  translate,
} from '../src/sql/index.js';

const POINT_SELECT = 'SELECT c FROM sbtest1 WHERE id=5021';
const STATEMENTS: Record<string, string> = {
  point_select: POINT_SELECT,
  range_distinct: 'SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 4021 AND 4120 ORDER BY c',
  update_index: 'UPDATE sbtest1 SET k=k+1 WHERE id=5021',
  insert:
    "INSERT INTO sbtest1 (id, k, c, pad) VALUES (5021, 4993, '83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330', '67847967377-48000963322-62604785301-91415491898-96926520291')",
};

function measure(label: string, iterations: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  console.log(`${label.padEnd(44)} ${us.toFixed(3).padStart(8)} µs/op`);
  return us;
}

function setup(): { catalog: MemoryCatalog; session: SessionValues } {
  const catalog = new MemoryCatalog();
  catalog.addDatabase('sbtest');
  const create = parse(
    "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT 0 NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id))",
  );
  if (!create.ok) throw new Error(create.error.message);
  const plan = emitDdl(create.value.statement, { catalog, database: 'sbtest' });
  if (!plan.ok) throw new Error(plan.error.message);
  for (const change of plan.value.changes)
    if (change.kind === 'put_table') catalog.put(change.table);
  const session: SessionValues = {
    session: () => null,
    systemVariable: () => null,
    userVariable: () => null,
  };
  return { catalog, session };
}

function main(): void {
  const { catalog, session } = setup();
  const n = 200_000;
  // Vary the id so that every iteration is a distinct statement text, as under sysbench.
  const ids = Array.from({ length: 1024 }, (_, i) => `SELECT c FROM sbtest1 WHERE id=${5000 + i}`);
  measure('tokenize point select', n, (i) => tokenize(ids[i & 1023]!));
  measure('normalize point select', n, (i) => normalize(ids[i & 1023]!));
  const cache = new StatementCache();
  measure('cache hit: prepare point select', n, (i) => cache.prepare(ids[i & 1023]!));
  measure('cache hit + translate + bind point select', n, (i) => {
    const p = cache.prepare(ids[i & 1023]!);
    if (!p.ok) throw new Error('prepare');
    const t = translate(p.value, catalog, 'sbtest');
    if (!t.ok) throw new Error('translate');
    return bindValues(t.value, p.value, [], session);
  });
  for (const [name, sql] of Object.entries(STATEMENTS)) {
    measure(`cold parse ${name}`, n / 4, () => parse(sql));
    measure(`cold parse + translate ${name}`, n / 4, () => {
      const fresh = new StatementCache();
      const p = fresh.prepare(sql);
      if (!p.ok) throw new Error('prepare');
      return translate(p.value, catalog, 'sbtest');
    });
  }
}

main();
