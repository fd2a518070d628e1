// The local transaction's phases as statements move it: reading on its snapshot, writing on the
// writer (exact or snapshot mode), parked and taken again by a rebase (the journal runs again),
// ended by COMMIT, ROLLBACK or a 1213. Driven through an engine's sessions with SQL.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { nodeId } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { userFunctions } from '../../src/engine/functions.js';
import type { EngineSession } from '../../src/engine/session.js';
import { STASH_ROWS_MAX } from '../../src/engine/transaction.js';
import type { QueryResult } from '../../src/mysql/index.js';
import { LocalReplicator } from '../../src/node/local-replicator.js';
import { initialWriteSet } from '../../src/node/server-common.js';
import { Store } from '../../src/storage/index.js';
import { removeDir, tempDir } from '../support/index.js';
import { sessionInfo, simFacts } from '../sim/engine/template.js';

let dir = '';
let store: Store;
let engine: Engine;
let connections = 0;
// The store's lock-wait timers do not hold the process open; the test's waits need them to fire.
let keepAlive: NodeJS.Timeout | undefined;

before(async () => {
  keepAlive = setInterval(() => {}, 1000);
  dir = tempDir('trireme-transaction-');
  const opened = Store.open({
    path: join(dir, 'trireme.db'),
    nodeId: nodeId('n1'),
    functions: userFunctions(),
  });
  assert.ok(opened.ok);
  store = opened.value;
  engine = new Engine({ store, nodeId: nodeId('n1'), version: '10.11.0', facts: simFacts('n1') });
  const replicator = new LocalReplicator({ store, translator: engine.translator });
  engine.attach(replicator, null);
  assert.equal((await replicator.replicate(initialWriteSet(engine))).kind, 'committed');
  const admin = await session();
  for (const sql of [
    'CREATE DATABASE d',
    'CREATE TABLE d.acc (id INT PRIMARY KEY, bal INT)',
    'INSERT INTO d.acc VALUES (1, 100), (2, 200)',
  ])
    assert.equal((await run(admin, sql)).kind, 'ok', sql);
  await admin.close();
});

after(() => {
  clearInterval(keepAlive);
  store.close();
  removeDir(dir);
});

async function session(): Promise<EngineSession> {
  const opened = await engine.openSession(sessionInfo(++connections));
  assert.ok(!('kind' in opened));
  return opened as EngineSession;
}

async function run(s: EngineSession, sql: string): Promise<QueryResult> {
  const [result] = await s.query(sql, { multiStatements: false });
  assert.ok(result !== undefined);
  return result;
}

async function value(s: EngineSession, sql: string): Promise<unknown> {
  const result = await run(s, sql);
  assert.equal(result.kind, 'rows', JSON.stringify(result));
  return result.kind === 'rows' ? (result.rows as unknown[][])[0]?.[0] : undefined;
}

test('reading, then writing in snapshot mode, then rebased to exact mode, then ended', async () => {
  const c1 = await session();
  const c2 = await session();
  await run(c1, 'BEGIN');
  assert.equal(c1.tx?.phase, 'reading');
  assert.equal(c1.tx?.seqnoRead, null, 'no snapshot before the first read');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 200);
  const seqnoFirstRead = c1.tx?.seqnoRead;
  assert.equal(typeof seqnoFirstRead, 'number');

  assert.equal((await run(c2, 'UPDATE d.acc SET bal = 150 WHERE id = 1')).kind, 'ok');

  // A point write on a row the other commit did not touch: the transaction stays at its read.
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 210 WHERE id = 2')).kind, 'ok');
  assert.equal(c1.tx?.phase, 'writing');
  assert.equal(c1.tx?.mode, 'snapshot');
  assert.equal(c1.tx?.seqnoRead, seqnoFirstRead);

  // A plain read on the writer would see the newer state: the journal runs again there, gives
  // the same answers, and the transaction goes on at the writer's state.
  const replays = engine.replays;
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 150);
  assert.equal(engine.replays, replays + 1);
  assert.equal(c1.tx?.phase, 'writing');
  assert.equal(c1.tx?.mode, 'exact');
  assert.ok((c1.tx?.seqnoRead ?? 0) > (seqnoFirstRead ?? 0));

  const tx = c1.tx;
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(tx?.phase, 'ended');
  assert.equal(c1.tx, null);
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 2'), 210);
  await c1.close();
  await c2.close();
});

test('a replay whose answers differ ends the transaction with 1213 and leaves nothing', async () => {
  const c1 = await session();
  const c2 = await session();
  await run(c1, 'BEGIN');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 150);
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = 0 WHERE id = 1')).kind, 'ok');
  const tx = c1.tx;
  // Not a point write (a predicate): it must run at the newer state, where the read differs.
  const result = await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE bal >= 0');
  assert.equal(result.kind === 'error' && result.code, 1213);
  assert.equal(tx?.phase, 'ended');
  assert.equal(c1.tx, null);
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 0);
  // The writer went back: another session writes at once.
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  await c1.close();
  await c2.close();
});

test('reads before the first write all come from one snapshot, released at COMMIT', async () => {
  const c1 = await session();
  const c2 = await session();
  await run(c1, 'BEGIN');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 210);
  assert.equal(store.snapshotsOpen(), 1);
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = 220 WHERE id = 2')).kind, 'ok');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 210);
  assert.equal(store.snapshotsOpen(), 1, 'one snapshot for the whole transaction');
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(store.snapshotsOpen(), 0);
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 220);
  // The first write lets the snapshot go: from there on reads go through the writer.
  await run(c1, 'BEGIN');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 220);
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 230 WHERE id = 2')).kind, 'ok');
  assert.equal(store.snapshotsOpen(), 0);
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 230);
  assert.equal((await run(c1, 'ROLLBACK')).kind, 'ok');
  await c1.close();
  await c2.close();
});

test('a DDL between BEGIN and the first statement does not stop a later replay', async () => {
  const c1 = await session();
  const c2 = await session();
  await run(c1, 'BEGIN');
  assert.equal((await run(c2, 'CREATE TABLE d.other (id INT PRIMARY KEY)')).kind, 'ok');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 2'), 220);
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = 101 WHERE id = 1')).kind, 'ok');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 240 WHERE id = 2')).kind, 'ok');
  assert.equal(c1.tx?.mode, 'snapshot');
  // The plain read rebases: the journal (translated after the DDL) runs again and matches.
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 101);
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 2'), 240);
  await c1.close();
  await c2.close();
});

test('a write by predicate in snapshot mode rebases: no read skew through INSERT … SELECT', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c2, 'CREATE TABLE d.seen (bal INT)')).kind, 'ok');
  await run(c1, 'BEGIN');
  const before = await value(c1, 'SELECT bal FROM d.acc WHERE id = 2');
  // A transfer commits: 50 from account 1 to account 2.
  assert.equal((await run(c2, 'BEGIN')).kind, 'ok');
  await run(c2, 'UPDATE d.acc SET bal = bal - 50 WHERE id = 1');
  await run(c2, 'UPDATE d.acc SET bal = bal + 50 WHERE id = 2');
  assert.equal((await run(c2, 'COMMIT')).kind, 'ok');
  // Account 1 read at the newer state beside account 2 read before the transfer would be read
  // skew: the transaction must run again at the newer state, where its first read differs.
  const result = await run(c1, 'INSERT INTO d.seen SELECT bal FROM d.acc WHERE id = 1');
  assert.equal(result.kind === 'error' && result.code, 1213, `read ${String(before)} first`);
  assert.equal(await value(c2, 'SELECT COUNT(*) FROM d.seen'), 0);
  await c1.close();
  await c2.close();
});

test('a READ ONLY transaction refuses writes with 1792', async () => {
  const c1 = await session();
  await run(c1, 'START TRANSACTION READ ONLY');
  const result = await run(c1, 'UPDATE d.acc SET bal = 1 WHERE id = 1');
  assert.equal(result.kind === 'error' && result.code, 1792);
  assert.equal((await run(c1, 'ROLLBACK')).kind, 'ok');
  await c1.close();
});

test('a wait for the writer ends in 1205; a session closed while waiting never keeps it', async () => {
  const c1 = await session();
  const c2 = await session();
  const c3 = await session();
  for (const c of [c2, c3]) await run(c, 'SET SESSION innodb_lock_wait_timeout = 1');
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 1 WHERE id = 1')).kind, 'ok');
  // A savepoint keeps the writer between statements (a stash would lose it).
  assert.equal((await run(c1, 'SAVEPOINT s1')).kind, 'ok');
  await run(c3, 'BEGIN');
  const timedOut = await run(c3, 'UPDATE d.acc SET bal = 3 WHERE id = 2');
  assert.equal(timedOut.kind === 'error' && timedOut.code, 1205);
  await run(c3, 'ROLLBACK');

  await run(c2, 'BEGIN');
  const waiting = run(c2, 'UPDATE d.acc SET bal = 2 WHERE id = 2');
  await c2.close();
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  const answered = await waiting;
  assert.equal(answered.kind === 'error' && answered.code, 1927);
  // The writer went back when the closed session got it: another session writes at once.
  assert.equal((await run(c3, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  assert.equal(store.snapshotsOpen(), 0);
  await c1.close();
  await c3.close();
});

test('ROLLBACK ends a transaction in each phase and frees the writer', async () => {
  const c1 = await session();
  const c2 = await session();
  for (const statements of [
    ['BEGIN'],
    ['BEGIN', 'SELECT bal FROM d.acc WHERE id = 1'],
    ['BEGIN', 'UPDATE d.acc SET bal = 7 WHERE id = 1'],
  ]) {
    for (const sql of statements) assert.notEqual((await run(c1, sql)).kind, 'error', sql);
    const tx = c1.tx;
    assert.ok(tx !== null);
    assert.equal((await run(c1, 'ROLLBACK')).kind, 'ok');
    assert.equal(tx.phase, 'ended');
    assert.equal(tx.lease, null);
    assert.equal((await run(c2, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
    assert.equal(store.snapshotsOpen(), 0);
  }
  await c1.close();
  await c2.close();
});

test('an idle transaction is stashed for another writer and restored at its next statement', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 200 WHERE id = 2')).kind, 'ok');
  const { stashes, restores } = store.counters;
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 1')).kind, 'ok');
  // c1 waits for its client: c2 writes another row at once, without waiting for c1's COMMIT.
  await run(c2, 'BEGIN');
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = bal + 2 WHERE id = 2')).kind, 'ok');
  assert.equal(store.counters.stashes, stashes + 1);
  // c1's next statement takes the writer back (stashing c2) and sees its own change.
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 101);
  assert.equal(store.counters.restores, restores + 1);
  assert.equal(c1.tx?.phase, 'writing');
  assert.equal((await run(c2, 'COMMIT')).kind, 'ok');
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 1'), 101);
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 2'), 202);
  assert.equal(store.snapshotsOpen(), 0);
  await c1.close();
  await c2.close();
});

test("a point write of other rows runs without writing the transaction's stash back", async () => {
  const c1 = await session();
  const c2 = await session();
  for (const sql of [
    'CREATE TABLE d.u (id INT PRIMARY KEY, name VARCHAR(10) UNIQUE, n INT)',
    "INSERT INTO d.u VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0), (4, 'd', 0)",
  ])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  // Stashes c1 (idle on the writer) with an autocommit write of c2's.
  const stash = async (): Promise<void> => {
    assert.equal((await run(c2, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 2')).kind, 'ok');
  };
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, "UPDATE d.u SET name = 'x' WHERE id = 1")).kind, 'ok');
  await stash();
  // Row 2 is none of the stash's rows: no restore.
  const { restores } = store.counters;
  assert.equal((await run(c1, 'UPDATE d.u SET n = 1 WHERE id = 2')).kind, 'ok');
  assert.equal((await run(c1, 'DELETE FROM d.u WHERE id = 3')).kind, 'ok');
  assert.equal(store.counters.restores, restores);
  await stash();
  // 'a' is free only with the stash in place (row 1 gave it up): without it the statement
  // fails, so it runs again once the stash is back, and succeeds.
  const renamed = await run(c1, "UPDATE d.u SET name = 'a' WHERE id = 4");
  assert.equal(renamed.kind === 'ok' && renamed.affectedRows, 1, JSON.stringify(renamed));
  assert.equal(store.counters.restores, restores + 1);
  await stash();
  // Row 3 exists only without the stash: INSERT IGNORE would skip it there; with the stash
  // (which deleted it) it inserts.
  const inserted = await run(c1, "INSERT IGNORE INTO d.u VALUES (3, 'c', 7)");
  assert.equal(inserted.kind === 'ok' && inserted.affectedRows, 1, JSON.stringify(inserted));
  await stash();
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  const rows = await run(c2, 'SELECT id, name, n FROM d.u ORDER BY id');
  assert.equal(rows.kind, 'rows');
  assert.deepEqual(
    rows.kind === 'rows' ? (rows.rows as unknown[][]).map((r) => r.map(String)) : null,
    [
      ['1', 'x', '0'],
      ['2', 'b', '1'],
      ['3', 'c', '7'],
      ['4', 'a', '0'],
    ],
  );
  assert.equal((await run(c2, 'DROP TABLE d.u')).kind, 'ok');
  await c1.close();
  await c2.close();
});

test('an INSERT where the stash deleted a row has the stash written back first, not after a failed try', async () => {
  const c1 = await session();
  const c2 = await session();
  for (const sql of [
    'CREATE TABLE d.di (id INT PRIMARY KEY, n INT)',
    'CREATE TABLE d.dj (id INT PRIMARY KEY, n INT)',
    'INSERT INTO d.di VALUES (1, 0), (2, 0)',
    'INSERT INTO d.dj VALUES (1, 0)',
  ])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  const stash = async (): Promise<void> => {
    assert.equal((await run(c2, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 2')).kind, 'ok');
  };
  await run(c1, 'BEGIN');
  // sysbench's delete-then-insert of one key, with the transaction stashed between them.
  assert.equal((await run(c1, 'DELETE FROM d.di WHERE id = 1')).kind, 'ok');
  await stash();
  const before = engine.deferredReruns;
  // Another table: the stash stays aside.
  assert.equal((await run(c1, 'INSERT INTO d.dj VALUES (2, 0)')).kind, 'ok');
  await stash();
  const inserted = await run(c1, 'INSERT INTO d.di VALUES (1, 5)');
  assert.equal(inserted.kind === 'ok' && inserted.affectedRows, 1, JSON.stringify(inserted));
  assert.equal(
    engine.deferredReruns,
    before,
    'an INSERT ran beside the stash that deleted its key',
  );
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.deepEqual(await value(c2, 'SELECT n FROM d.di WHERE id = 1'), 5);
  assert.deepEqual(await value(c2, 'SELECT count(*) FROM d.dj'), 2);
  // Deferred rows of other tables, and the DELETE in the stash just made.
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.dj SET n = 1 WHERE id = 1')).kind, 'ok');
  await stash();
  assert.equal((await run(c1, 'DELETE FROM d.di WHERE id = 2')).kind, 'ok');
  await stash();
  const again = await run(c1, 'INSERT INTO d.di VALUES (2, 6)');
  assert.equal(again.kind === 'ok' && again.affectedRows, 1, JSON.stringify(again));
  assert.equal(engine.deferredReruns, before, 'an INSERT ran beside the DELETE stashed just now');
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.deepEqual(await value(c2, 'SELECT n FROM d.di WHERE id = 2'), 6);
  for (const sql of ['DROP TABLE d.di', 'DROP TABLE d.dj'])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  await c1.close();
  await c2.close();
});

test('a write by primary key whose trigger reads another table is not a point write', async () => {
  const c1 = await session();
  const c2 = await session();
  for (const sql of [
    'CREATE TABLE d.src (id INT PRIMARY KEY, n INT)',
    'CREATE TABLE d.dst (id INT PRIMARY KEY, v INT)',
    'INSERT INTO d.src VALUES (1, 5)',
    'INSERT INTO d.dst VALUES (1, 0)',
    'CREATE TRIGGER d.copy BEFORE UPDATE ON d.dst FOR EACH ROW SET NEW.v = (SELECT n FROM d.src WHERE id = 1)',
  ])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  await run(c1, 'BEGIN');
  assert.equal(await value(c1, 'SELECT n FROM d.src WHERE id = 1'), 5);
  assert.equal((await run(c2, 'UPDATE d.src SET n = 6 WHERE id = 1')).kind, 'ok');
  // On the writer the trigger reads 6, which c1's snapshot does not hold: the transaction runs
  // again there, where its SELECT answers otherwise (1213), rather than commit a mix of both.
  const result = await run(c1, 'UPDATE d.dst SET v = 1 WHERE id = 1');
  assert.equal(result.kind === 'error' && result.code, 1213, JSON.stringify(result));
  for (const sql of ['DROP TABLE d.dst', 'DROP TABLE d.src'])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  await c1.close();
  await c2.close();
});

test('two transactions that write one row while each is stashed lose no update', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = bal + 10 WHERE id = 1')).kind, 'ok');
  await run(c2, 'BEGIN');
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = bal + 5 WHERE id = 1')).kind, 'ok');
  assert.equal((await run(c2, 'COMMIT')).kind, 'ok');
  // c1's row changed since its snapshot: COMMIT runs its statement again on the new state,
  // where it answers the same (1 row), and commits on top of c2's.
  const replays = engine.replays;
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(engine.replays, replays + 1);
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 1'), 115);
  await c1.close();
  await c2.close();
});

test('a stashed transaction whose read changed is rolled back with 1213 at COMMIT', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  await run(c1, 'BEGIN');
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 100);
  // The client computed the new balance from what it read.
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 90 WHERE id = 1')).kind, 'ok');
  assert.equal((await run(c2, 'UPDATE d.acc SET bal = bal + 5 WHERE id = 1')).kind, 'ok');
  const result = await run(c1, 'COMMIT');
  assert.equal(result.kind === 'error' && result.code, 1213);
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 1'), 105);
  await c1.close();
  await c2.close();
});

test('with trireme_writer_stash OFF a transaction keeps the writer until COMMIT', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'SET GLOBAL trireme_writer_stash = OFF')).kind, 'ok');
  try {
    await run(c2, 'SET SESSION innodb_lock_wait_timeout = 1');
    await run(c1, 'BEGIN');
    assert.equal((await run(c1, 'UPDATE d.acc SET bal = 1 WHERE id = 1')).kind, 'ok');
    const timedOut = await run(c2, 'UPDATE d.acc SET bal = 3 WHERE id = 2');
    assert.equal(timedOut.kind === 'error' && timedOut.code, 1205);
    assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  } finally {
    assert.equal((await run(c1, 'SET GLOBAL trireme_writer_stash = ON')).kind, 'ok');
  }
  await c1.close();
  await c2.close();
});

test('a transaction past STASH_ROWS_MAX changed rows keeps the writer between statements', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'CREATE TABLE d.bulk (id INT PRIMARY KEY)')).kind, 'ok');
  await run(c2, 'SET SESSION innodb_lock_wait_timeout = 1');
  await run(c1, 'BEGIN');
  const values = Array.from({ length: STASH_ROWS_MAX + 1 }, (_, i) => `(${i})`).join(', ');
  assert.equal((await run(c1, `INSERT INTO d.bulk VALUES ${values}`)).kind, 'ok');
  const timedOut = await run(c2, 'UPDATE d.acc SET bal = 3 WHERE id = 2');
  assert.equal(timedOut.kind === 'error' && timedOut.code, 1205);
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(await value(c2, 'SELECT COUNT(*) FROM d.bulk'), STASH_ROWS_MAX + 1);
  await c1.close();
  await c2.close();
});

test('a DDL while a transaction is stashed ends it with 1213 at its next statement', async () => {
  const c1 = await session();
  const c2 = await session();
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 1')).kind, 'ok');
  // The DDL takes the writer (c1 is stashed); c1's statements were translated before it.
  assert.equal((await run(c2, 'CREATE INDEX by_bal ON d.acc (bal)')).kind, 'ok');
  const result = await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 2');
  assert.equal(result.kind === 'error' && result.code, 1213);
  assert.equal(c1.tx, null);
  assert.equal((await run(c2, 'DROP INDEX by_bal ON d.acc')).kind, 'ok');
  await c1.close();
  await c2.close();
});

test('a stash that no longer fits the state (its parent row deleted) runs again: 1213, nothing lost', async () => {
  const c1 = await session();
  const c2 = await session();
  for (const sql of [
    'CREATE TABLE d.parent (id INT PRIMARY KEY)',
    'CREATE TABLE d.child (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES d.parent (id))',
    'INSERT INTO d.parent VALUES (1), (2)',
  ])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'INSERT INTO d.child VALUES (10, 1)')).kind, 'ok');
  // c1 is stashed; c2 deletes the parent (c1's child row is not there for it to see).
  assert.equal((await run(c2, 'DELETE FROM d.parent WHERE id = 1')).kind, 'ok');
  // The child row cannot be written back: c1 runs again, and its INSERT now fails (1452). The
  // next statement is a point write, which alone would not make it run again.
  const result = await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 1');
  assert.equal(result.kind === 'error' && result.code, 1213, JSON.stringify(result));
  assert.equal(await value(c2, 'SELECT COUNT(*) FROM d.child'), 0);
  await c1.close();
  await c2.close();
});

test('a stash whose parent row was deleted meanwhile does not commit an orphan', async () => {
  const c1 = await session();
  const c2 = await session();
  for (const sql of [
    'CREATE TABLE d.p2 (id INT PRIMARY KEY)',
    'CREATE TABLE d.c2 (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES d.p2 (id))',
    'INSERT INTO d.p2 VALUES (1), (2)',
  ])
    assert.equal((await run(c2, sql)).kind, 'ok', sql);
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'INSERT INTO d.c2 VALUES (10, 1)')).kind, 'ok');
  // c1 is stashed; c2 deletes the parent (c1's child row is not there for it to see).
  assert.equal((await run(c2, 'DELETE FROM d.p2 WHERE id = 1')).kind, 'ok');
  const result = await run(c1, 'COMMIT');
  const orphans = await value(
    c2,
    'SELECT COUNT(*) FROM d.c2 WHERE pid NOT IN (SELECT id FROM d.p2)',
  );
  assert.equal(orphans, 0, `COMMIT answered ${JSON.stringify(result)}`);
  await c1.close();
  await c2.close();
});

test('a DDL on another table while a transaction is stashed changes nothing for it', async () => {
  const c1 = await session();
  const c2 = await session();
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = 100 WHERE id = 1')).kind, 'ok');
  await run(c1, 'BEGIN');
  assert.equal((await run(c1, 'UPDATE d.acc SET bal = bal + 1 WHERE id = 1')).kind, 'ok');
  assert.equal((await run(c2, 'CREATE TABLE d.elsewhere (id INT PRIMARY KEY)')).kind, 'ok');
  // Not a point write: the transaction runs again on the newer state, which the DDL on another
  // table does not stop (it used to: any DDL on the node ended a replay with 1213).
  assert.equal(await value(c1, 'SELECT bal FROM d.acc WHERE id = 1'), 101);
  assert.equal((await run(c1, 'COMMIT')).kind, 'ok');
  assert.equal(await value(c2, 'SELECT bal FROM d.acc WHERE id = 1'), 101);
  assert.equal((await run(c2, 'DROP TABLE d.elsewhere')).kind, 'ok');
  await c1.close();
  await c2.close();
});
