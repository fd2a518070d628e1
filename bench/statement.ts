// What one statement costs in the engine, without the network and the protocol around it
// (docs/design/performance.md, "A cached statement's columns"): one session of a standalone
// store (the node's own setup: sole writer, kept read snapshots) runs sysbench's point select
// on a 10,000-row table, prepared and as text, an autocommit point update, and sysbench's
// oltp_write_only transaction (BEGIN, two updates, a delete, an insert, COMMIT; prepared, as
// sysbench sends them), whose figure is per transaction. It prints CPU time per statement, the
// best and the median of seven rounds, which on this shared VM vary less than wall time, and
// the median of the bytes allocated on the V8 heap per statement (bench/heap.ts).
//   node dist/bench/statement.js [--statements N]
import type { EngineSession } from '../src/engine/session.js';
import { ColumnType } from '../src/mysql/index.js';
import type { BoundParam, PreparedStatement } from '../src/mysql/backend.js';
import { openEngine } from '../test/engine/engine-fixture.js';
import { HeapMeter } from './heap.js';

const ROWS = 10_000;
const ROUNDS = 7;

async function run(session: EngineSession, sql: string): Promise<void> {
  const [result] = await session.query(sql, { multiStatements: false });
  if (result === undefined || result.kind === 'error')
    throw new Error(`${sql}: ${JSON.stringify(result)}`);
}

async function measure(
  label: string,
  statements: number,
  fn: (i: number) => Promise<unknown>,
): Promise<void> {
  const perStatement: number[] = [];
  const allocated: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const heap = new HeapMeter();
    const started = process.cpuUsage();
    for (let i = 0; i < statements; i++) await fn(i);
    const used = process.cpuUsage(started);
    perStatement.push((used.user + used.system) / statements);
    allocated.push(heap.stop() / statements);
  }
  perStatement.sort((a, b) => a - b);
  allocated.sort((a, b) => a - b);
  const best = perStatement[0]!.toFixed(2);
  const median = perStatement[ROUNDS >> 1]!.toFixed(2);
  const bytes = Math.round(allocated[ROUNDS >> 1]!);
  console.log(
    `${label.padEnd(36)} best ${best.padStart(7)} µs  median ${median.padStart(7)} µs  heap ${String(bytes).padStart(7)} B`,
  );
}

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--statements');
  const statements = at >= 0 ? Number(argv[at + 1]) : 50_000;
  const fixture = await openEngine('trireme-bench-statement-', { soleWriter: true });
  try {
    const session = await fixture.session();
    await run(session, 'CREATE DATABASE sbtest');
    await run(session, 'USE sbtest');
    await run(
      session,
      "CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id))",
    );
    for (let from = 1; from <= ROWS; from += 1000) {
      const rows = Array.from(
        { length: 1000 },
        (_, i) => `(${from + i}, '${'83868641912-'.repeat(10)}', '${'6784796737-'.repeat(5)}')`,
      );
      await run(session, `INSERT INTO sbtest1 (k, c, pad) VALUES ${rows.join(', ')}`);
    }
    const prepared = await session.prepare('SELECT c FROM sbtest1 WHERE id=?');
    if ('kind' in prepared) throw new Error(prepared.message);
    console.log(`${ROWS} rows, ${statements} statements per round, ${ROUNDS} rounds, CPU time`);
    await measure('point select, prepared', statements, (i) =>
      prepared.execute([{ type: ColumnType.LONG, value: 1 + (i % ROWS), unsigned: false }]),
    );
    await measure('point select, text', statements, (i) =>
      session.query(`SELECT c FROM sbtest1 WHERE id=${1 + (i % ROWS)}`, {
        multiStatements: false,
      }),
    );
    await measure('point update, autocommit', statements / 10, (i) =>
      session.query(`UPDATE sbtest1 SET k=k+1 WHERE id=${1 + (i % ROWS)}`, {
        multiStatements: false,
      }),
    );
    const ps = await Promise.all(
      [
        'BEGIN',
        'UPDATE sbtest1 SET k=k+1 WHERE id=?',
        'UPDATE sbtest1 SET c=? WHERE id=?',
        'DELETE FROM sbtest1 WHERE id=?',
        'INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)',
        'COMMIT',
      ].map((sql) => session.prepare(sql)),
    );
    const [begin, index, nonIndex, del, insert, commit] = ps.map((p) => {
      if ('kind' in p) throw new Error(p.message);
      return p;
    }) as [
      PreparedStatement,
      PreparedStatement,
      PreparedStatement,
      PreparedStatement,
      PreparedStatement,
      PreparedStatement,
    ];
    const long = (value: number): BoundParam => ({ type: ColumnType.LONG, value, unsigned: false });
    const text = (value: string): BoundParam => ({
      type: ColumnType.VAR_STRING,
      value,
      unsigned: false,
    });
    await measure('write_only transaction (6 statements)', statements / 10, async (i) => {
      const id = 1 + ((i * 7919) % ROWS);
      await begin.execute([]);
      await index.execute([long(id)]);
      await nonIndex.execute([text(`${'12345678901-'.repeat(10)}`), long(1 + ((id + 17) % ROWS))]);
      await del.execute([long(id)]);
      await insert.execute([
        long(id),
        long(id),
        text('83868641912-'.repeat(10)),
        text('6784796737-'.repeat(5)),
      ]);
      await commit.execute([]);
    });
    await session.close();
  } finally {
    fixture.close();
  }
}

await main(process.argv);
