// What exact DECIMAL costs on SQLite's own work, without the node around it (docs/design/sql.md,
// "Exact DECIMAL"): 200,000 rows of a DECIMAL(10,2) stored as numbers (NUMERIC affinity) and the
// same values in a DECIMAL(30,2) stored as text under the mysql_decimal collation. For each
// query, CPU time per row of SQLite's double arithmetic and of the exact functions the emitter
// uses, so the choice of representation rests on figures.
//   node dist/bench/decimal.js [--rounds N]
import { SqliteDatabase } from '../src/storage/sqlite.js';
import { decimalFunctions } from '../src/engine/decimal.js';

const ROWS = 200_000;

function cpuMs(fn: () => void): number {
  const started = process.cpuUsage();
  fn();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function main(): void {
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 2) || 2;
  const db = new SqliteDatabase(':memory:');
  for (const f of decimalFunctions()) {
    if (f.aggregate !== undefined)
      db.aggregate(f.name, {
        start: f.aggregate.start,
        step: f.aggregate.step as (total: unknown, ...args: unknown[]) => unknown,
        result: f.aggregate.result as (total: unknown) => unknown,
      });
    else db.function(f.name, { deterministic: true, varargs: true }, f.fn as never);
  }
  db.exec(
    'CREATE TABLE n (id INTEGER PRIMARY KEY, p NUMERIC); CREATE TABLE w (id INTEGER PRIMARY KEY, p TEXT COLLATE mysql_decimal)',
  );
  const n = db.prepare('INSERT INTO n VALUES (?, ?)');
  const w = db.prepare('INSERT INTO w VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      const cents = (i * 7919) % 1_000_000;
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      n.run(i, Number(text));
      w.run(i, text);
    }
  })();
  db.exec('CREATE INDEX np ON n (p); CREATE INDEX wp ON w (p)');
  const queries: readonly [string, string][] = [
    ['SUM(p * 1.1), doubles (SQLite)', 'SELECT sum(p * 1.1) FROM n'],
    ['SUM(p * 1.1), exact', 'SELECT mysql_dec_sum(mysql_dec_mul(p, 1.1)) FROM n'],
    ['SUM(p), doubles (SQLite)', 'SELECT sum(p) FROM n'],
    ['SUM(p), exact', 'SELECT mysql_dec_sum(p) FROM n'],
    ['p + 0.2 = 0.3 scan, doubles (SQLite)', 'SELECT count(*) FROM n WHERE p + 0.2 = 0.3'],
    ['p + 0.2 = 0.3 scan, exact', 'SELECT count(*) FROM n WHERE mysql_dec_add(p, 0.2) = 0.3'],
    ['ORDER BY p, numbers', 'SELECT p FROM n ORDER BY p + 0'],
    ['ORDER BY p, text (mysql_decimal)', "SELECT p FROM w ORDER BY p || '' COLLATE mysql_decimal"],
  ];
  for (let round = 1; round <= rounds; round++) {
    for (const [name, sql] of queries) {
      const statement = db.prepare(sql);
      const ms = cpuMs(() => statement.all());
      console.log(
        `round ${round}: ${name.padEnd(40)} ${((ms * 1000) / ROWS).toFixed(3)} µs per row`,
      );
    }
  }
  const lookups = 100_000;
  for (const [name, table, key] of [
    ['point lookup by DECIMAL, numbers', 'n', 1234.56],
    ['point lookup by DECIMAL, text', 'w', '1234.56'],
  ] as const) {
    const statement = db.prepare(`SELECT id FROM ${table} WHERE p = ?`);
    const ms = cpuMs(() => {
      for (let i = 0; i < lookups; i++) statement.all(key);
    });
    console.log(`${name.padEnd(48)} ${((ms * 1000) / lookups).toFixed(2)} µs per lookup`);
  }
  db.close();
}

main();
