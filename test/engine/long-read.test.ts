// A long autocommit read runs on a reader worker thread: while a multi-second full-scan query
// runs, COM_PING on another connection answers (typically within 100 ms, never held for the
// read's length) and writes go on.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { startNode, type NodeFixture } from './node-fixture.js';

let fixture: NodeFixture;

before(async () => {
  fixture = await startNode();
});

after(async () => {
  await fixture.destroy();
});

const PING_BOUND_MS = 100;

function connect(database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    ...(database === undefined ? {} : { database }),
  });
}

test('COM_PING answers promptly while a long full scan runs', { timeout: 120_000 }, async () => {
  const setup = await mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    multipleStatements: true,
  });
  await setup.query('CREATE DATABASE scan; USE scan; CREATE TABLE big (id INT PRIMARY KEY, v INT)');
  const rows = Array.from({ length: 10_000 }, (_, i) => `(${i + 1}, ${(i * 7919) % 1000})`).join(
    ',',
  );
  await setup.query(`INSERT INTO big VALUES ${rows}`);
  const started = Date.now();
  // A nested-loop join over 100 million row pairs: seconds of SQLite work in one statement.
  const long = setup.query(
    'SELECT COUNT(*) AS n FROM big a, big b WHERE (a.v * 31 + b.v) % 1000 = 7',
  );
  const pinger = await connect('scan');
  let finished = false;
  void long.then(() => (finished = true));
  const latencies: number[] = [];
  while (!finished && latencies.length < 1000) {
    const t0 = process.hrtime.bigint();
    await pinger.ping();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (latencies.length % 10 === 0)
      await pinger.query('INSERT INTO big VALUES (?, 0)', [100_000 + latencies.length]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [[result]] = (await long) as unknown as [[{ n: number }]];
  const elapsedMs = Date.now() - started;
  assert.ok(result.n > 0);
  console.log(
    `long read ${elapsedMs} ms, ${latencies.length} pings, slowest ${Math.max(...latencies).toFixed(1)} ms`,
  );
  assert.ok(elapsedMs > 2000, `the query should be long enough to measure (took ${elapsedMs} ms)`);
  assert.ok(latencies.length >= 5, `pings during the query: ${latencies.length}`);
  // Held by the read, a ping would wait for all of it; a loaded 2-vCPU machine can still delay
  // one ping by a scheduler slice, so the typical ping has the tight bound, the slowest a loose one.
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  assert.ok(median < PING_BOUND_MS, `median ping ${median.toFixed(1)} ms`);
  assert.ok(
    sorted[sorted.length - 1]! < elapsedMs / 8,
    `slowest ping ${sorted[sorted.length - 1]!.toFixed(1)} ms of a ${elapsedMs} ms read`,
  );
  await pinger.end();
  await setup.end();
});

test(
  'KILL QUERY interrupts a long read with 1317 and leaves its connection usable',
  { timeout: 120_000 },
  async () => {
    const victim = await connect('scan');
    const killer = await connect();
    const [[{ id }]] = (await victim.query('SELECT CONNECTION_ID() AS id')) as unknown as [
      [{ id: number }],
    ];
    const started = Date.now();
    const long = victim.query(
      'SELECT COUNT(*) AS n FROM big a, big b WHERE (a.v * 31 + b.v) % 1000 = 7',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await killer.query(`KILL QUERY ${id}`);
    await assert.rejects(long, (error: { errno?: number }) => error.errno === 1317);
    assert.ok(Date.now() - started < 2000, `interrupted after ${Date.now() - started} ms`);
    const [[{ one }]] = (await victim.query('SELECT 1 AS one')) as unknown as [[{ one: number }]];
    assert.equal(one, 1);
    const [[{ n }]] = (await victim.query(
      'SELECT COUNT(*) AS n FROM big WHERE id < 100',
    )) as unknown as [[{ n: number }]];
    assert.equal(Number(n), 99, 'reads still run on the replaced worker');
    await victim.end();
    await killer.end();
  },
);

test(
  'max_statement_time stops a long read with 1969, SET STATEMENT scopes it to one statement',
  { timeout: 120_000 },
  async () => {
    const c = await connect('scan');
    const long = 'SELECT COUNT(*) AS n FROM big a, big b WHERE (a.v * 31 + b.v) % 1000 = 7';
    let started = Date.now();
    await assert.rejects(
      c.query(`SET STATEMENT max_statement_time = 0.3 FOR ${long}`),
      (error: { errno?: number }) => error.errno === 1969,
    );
    assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
    const [[{ limit }]] = (await c.query('SELECT @@max_statement_time AS `limit`')) as unknown as [
      [{ limit: number }],
    ];
    assert.equal(Number(limit), 0, 'the variable is back after the statement');
    await c.query('SET max_statement_time = 0.3');
    started = Date.now();
    await assert.rejects(c.query('SELECT SLEEP(5)'), (e: { errno?: number }) => e.errno === 1969);
    assert.ok(Date.now() - started < 2000, `slept ${Date.now() - started} ms`);
    const [[{ s }]] = (await c.query('SELECT SLEEP(0.05) AS s')) as unknown as [[{ s: number }]];
    assert.equal(Number(s), 0, 'a sleep inside the limit answers 0');
    await c.end();
  },
);

/** SUM(v) and COUNT(*) of `big`: equal before and after a statement that changed nothing. */
async function digest(c: mysql.Connection): Promise<string> {
  const [[row]] = (await c.query('SELECT SUM(v) AS s, COUNT(*) AS n FROM big')) as unknown as [
    [{ s: number; n: number }],
  ];
  return `${row.s}/${row.n}`;
}

/** Each row reads the whole table again: about 10^8 row visits, seconds of one statement. */
const SLOW_UPDATE =
  'UPDATE big SET v = v + (SELECT COUNT(*) FROM big b WHERE b.v <= big.v) * 0 + 1';
/** A triple cross join: 10^12 row combinations, never finished within a test. */
const ENDLESS_READ = 'SELECT COUNT(*) AS n FROM big a, big b, big c WHERE a.v + b.v + c.v = -1';

/**
 * Runs `sql` under a 0.2 s limit (SET STATEMENT, or the session's when `scoped` is false) and
 * checks that it answers 1969 well before it could have ended (2 s on a loaded machine).
 */
async function stops(c: mysql.Connection, sql: string, scoped = true): Promise<void> {
  const started = Date.now();
  await assert.rejects(
    c.query(scoped ? `SET STATEMENT max_statement_time = 0.2 FOR ${sql}` : sql),
    (error: { errno?: number }) => error.errno === 1969,
  );
  assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
}

/** The one value of a one-row, one-column query. */
async function scalar(c: mysql.Connection, sql: string): Promise<number> {
  const [[row]] = (await c.query(sql)) as unknown as [[Record<string, unknown>]];
  return Number(Object.values(row)[0]);
}

test(
  'max_statement_time stops a write on the event loop: 1969, no row changed, the node goes on',
  { timeout: 120_000 },
  async () => {
    const c = await connect('scan');
    const before = await digest(c);
    const status = "SHOW GLOBAL STATUS LIKE 'Max_statement_time_exceeded'";
    const [[{ Value: exceeded }]] = (await c.query(status)) as unknown as [[{ Value: string }]];
    await stops(c, SLOW_UPDATE);
    assert.equal(await digest(c), before, 'the stopped UPDATE left no row changed');
    // INSERT … SELECT from a read that would never end, as an autocommit write.
    await c.query('CREATE TABLE copy (n BIGINT)');
    await stops(c, `INSERT INTO copy ${ENDLESS_READ}`);
    assert.equal(await scalar(c, 'SELECT COUNT(*) FROM copy'), 0);
    const [[{ Value: after }]] = (await c.query(status)) as unknown as [[{ Value: string }]];
    assert.equal(Number(after) - Number(exceeded), 2, 'Max_statement_time_exceeded counts them');
    // A point lookup (on the event loop) inside its limit answers as without one.
    assert.equal(
      await scalar(
        c,
        'SET STATEMENT max_statement_time = 0.2 FOR SELECT COUNT(*) FROM big WHERE id = 1',
      ),
      1,
    );
    // A statement without a limit runs to its end; a limit it keeps within changes nothing.
    await c.query('UPDATE big SET v = v + 1 WHERE id <= 10');
    await c.query(
      'SET STATEMENT max_statement_time = 10 FOR UPDATE big SET v = v - 1 WHERE id <= 10',
    );
    assert.equal(await digest(c), before);
    await c.end();
  },
);

test(
  'max_statement_time in a transaction: the stopped statement is undone, the transaction goes on',
  { timeout: 120_000 },
  async () => {
    const c = await connect('scan');
    const other = await connect('scan');
    const before = await digest(c);
    const v1 = await scalar(c, 'SELECT v FROM big WHERE id = 1');
    // A read inside BEGIN runs on the event loop (the transaction's snapshot).
    await c.query('BEGIN');
    await c.query('SELECT COUNT(*) FROM big');
    await stops(c, ENDLESS_READ);
    await c.query('UPDATE big SET v = v + 1000 WHERE id = 1');
    await stops(c, SLOW_UPDATE);
    // A read on the transaction's writer, and the session-wide variable.
    await c.query('SET max_statement_time = 0.2');
    await stops(c, ENDLESS_READ, false);
    assert.equal(
      await scalar(c, 'SELECT v FROM big WHERE id = 1'),
      v1 + 1000,
      'the write before the stopped UPDATE is kept',
    );
    await c.query('SET max_statement_time = 0');
    await c.query('COMMIT');
    assert.equal(
      await scalar(other, 'SELECT v FROM big WHERE id = 1'),
      v1 + 1000,
      'the transaction committed its own write',
    );
    await c.query('UPDATE big SET v = v - 1000 WHERE id = 1');
    assert.equal(await digest(other), before, 'nothing of the stopped UPDATE was committed');
    // A savepoint survives a stopped write (the journal makes it again).
    const [known] = (await other.query('SELECT id, v FROM big WHERE id IN (2, 3)')) as unknown as [
      { id: number; v: number }[],
    ];
    const valuesBefore = new Map(known.map((row) => [row.id, row.v]));
    await c.query('BEGIN');
    await c.query('UPDATE big SET v = v + 1 WHERE id = 2');
    await c.query('SAVEPOINT s1');
    await c.query('UPDATE big SET v = v + 1 WHERE id = 3');
    await stops(c, SLOW_UPDATE);
    await c.query('ROLLBACK TO SAVEPOINT s1');
    await c.query('COMMIT');
    const [rows] = (await other.query(
      'SELECT id, v FROM big WHERE id IN (2, 3) ORDER BY id',
    )) as unknown as [{ id: number; v: number }[]];
    assert.deepEqual(
      rows.map((row) => Number(row.v) - Number(valuesBefore.get(row.id))),
      [1, 0],
      'the write before the savepoint is committed, the one after it rolled back',
    );
    await c.query('UPDATE big SET v = v - 1 WHERE id = 2');
    await c.end();
    await other.end();
  },
);
