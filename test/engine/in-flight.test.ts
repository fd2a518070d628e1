// Local write transactions in flight (committed, not yet applied) hold their keys, not the whole
// node: method — a standalone node whose replicator can hold write-sets back before ordering
// them, driven by mysql2 connections, checking who waits, who gets 1213 or 1205, and what ends up
// stored.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import type { WriteSet } from '../../src/codec/index.js';
import type { ReplicationOutcome, Replicator } from '../../src/engine/replicator.js';
import { startNode, type NodeFixture } from './node-fixture.js';
import { until } from '../support/index.js';

/** Passes write-sets on to the node's replicator, holding back row write-sets on request. */
class HoldingReplicator implements Replicator {
  private toHold = 0;
  private readonly held: (() => void)[] = [];

  constructor(private readonly inner: Replicator) {}

  /** Holds the next `count` row write-sets (TOI passes) until release(). */
  hold(count: number): void {
    this.toHold += count;
  }

  get heldCount(): number {
    return this.held.length;
  }

  release(): void {
    this.toHold = 0;
    for (const go of this.held.splice(0)) go();
  }

  async replicate(writeSet: WriteSet): Promise<ReplicationOutcome> {
    if (!writeSet.flags.toi && this.toHold > 0) {
      this.toHold--;
      await new Promise<void>((resolve) => this.held.push(resolve));
    }
    return this.inner.replicate(writeSet);
  }

  syncWait(timeoutMs: number): Promise<{ readonly ok: boolean }> {
    return this.inner.syncWait(timeoutMs);
  }

  ready(): boolean {
    return this.inner.ready();
  }

  status(): ReadonlyMap<string, string> {
    return this.inner.status();
  }
}

let fixture: NodeFixture;
let replicator: HoldingReplicator;
const connections: mysql.Connection[] = [];

async function connect(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    database: 'app',
  });
  connections.push(c);
  return c;
}

async function value(c: mysql.Connection, sql: string): Promise<unknown> {
  const [rows] = await c.query(sql);
  const row = (rows as Record<string, unknown>[])[0];
  return row === undefined ? undefined : Object.values(row)[0];
}

async function status(c: mysql.Connection, name: string): Promise<number> {
  const [rows] = await c.query(`SHOW STATUS LIKE '${name}'`);
  return Number((rows as { Value: string }[])[0]?.Value);
}

async function errno(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    return (error as { errno: number }).errno;
  }
  return 0;
}

/** Whether `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let root: mysql.Connection;

before(async () => {
  fixture = await startNode();
  replicator = new HoldingReplicator(fixture.node.engine.replicator);
  fixture.node.engine.replicator = replicator;
  root = await mysql.createConnection({ host: '127.0.0.1', port: fixture.port, user: 'root' });
  await root.query('CREATE DATABASE app');
  await root.query('USE app');
  await root.query('CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)');
});

beforeEach(async () => {
  replicator.release();
  await root.query('DELETE FROM t');
  await root.query('INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
});

after(async () => {
  replicator.release();
  for (const c of connections) await c.end().catch(() => {});
  await root.end();
  await fixture.destroy();
});

describe('keys in flight', () => {
  test('a transaction on other rows commits while the first one is still in flight', async () => {
    const [a, b] = [await connect(), await connect()];
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const second = b.query('UPDATE t SET v = v + 1 WHERE id = 2');
    assert.ok(await settlesWithin(second, 5000), 'the second waited for the first');
    await second;
    assert.equal(await settlesWithin(first, 50), false, 'the first is still in flight');
    replicator.release();
    await first;
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
      ],
      [11, 21],
    );
  });

  test('a first write on a key in flight waits, then runs on the new value', async () => {
    const [a, b] = [await connect(), await connect()];
    const certFailures = await status(root, 'wsrep_local_cert_failures');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const second = b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    assert.equal(await settlesWithin(second, 200), false, 'the second waits');
    replicator.release();
    await Promise.all([first, second]);
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 12);
    assert.equal(await status(root, 'wsrep_local_cert_failures'), certFailures);
  });

  test('SELECT … FOR UPDATE as the first locking statement waits and reads the new value', async () => {
    const [a, b] = [await connect(), await connect()];
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = 100 WHERE id = 3');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    const locked = b.query('SELECT v FROM t WHERE id = 3 FOR UPDATE');
    assert.equal(await settlesWithin(locked, 200), false, 'the locking read waits');
    replicator.release();
    await first;
    const [rows] = await locked;
    assert.deepEqual(rows, [{ v: 100 }]);
    await b.query('UPDATE t SET v = v + 1 WHERE id = 3');
    await b.query('COMMIT');
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 3'), 101);
  });

  test('a later statement on a key in flight waits, and the transaction runs again', async () => {
    const [a, b] = [await connect(), await connect()];
    const replays = await status(root, 'wsrep_local_replays');
    await root.query('CREATE TABLE IF NOT EXISTS auto (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = 0 WHERE id = 2');
    const [inserted] = await b.query('INSERT INTO auto (v) VALUES (42)');
    const insertId = (inserted as { insertId: number }).insertId;
    const waiting = b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    assert.equal(await settlesWithin(waiting, 200), false, 'the later statement waits');
    replicator.release();
    await Promise.all([first, waiting]);
    assert.equal(await value(b, 'SELECT LAST_INSERT_ID()'), insertId);
    await b.query('COMMIT');
    assert.equal(await status(root, 'wsrep_local_replays'), replays + 1);
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
        await value(root, `SELECT v FROM auto WHERE id = ${insertId}`),
      ],
      [12, 0, 42],
    );
  });

  test('a transaction that read what a key in flight changes: 1213, rolled back', async () => {
    const [a, b] = [await connect(), await connect()];
    const aborts = await status(root, 'wsrep_local_bf_aborts');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = 0 WHERE id = 2');
    // Read on the writer: the value before the transaction in flight.
    assert.equal(await value(b, 'SELECT v FROM t WHERE id = 1'), 10);
    const conflicting = b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    replicator.release();
    assert.equal(await errno(conflicting), 1213);
    await first;
    assert.equal(await value(b, 'SELECT @@in_transaction'), 0);
    assert.equal(await status(root, 'wsrep_local_bf_aborts'), aborts + 1);
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
      ],
      [11, 20],
    );
  });

  test('a transaction that cannot run again gets 1213 at once on a key in flight', async () => {
    const [a, b] = [await connect(), await connect()];
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = 0 WHERE id = 2');
    // information_schema is read on the writer's connection, outside the journal.
    await b.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'");
    const conflicting = b.query('UPDATE t SET v = 0 WHERE id = 1');
    assert.ok(await settlesWithin(conflicting, 5000), 'answered while the key is in flight');
    assert.equal(await errno(conflicting), 1213);
    assert.equal(await value(b, 'SELECT @@in_transaction'), 0);
    replicator.release();
    await first;
    await b.query('UPDATE t SET v = v + 5 WHERE id = 3');
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
        await value(root, 'SELECT v FROM t WHERE id = 3'),
      ],
      [11, 20, 35],
    );
  });

  test('savepoints set before a wait are there after it', async () => {
    const [a, b] = [await connect(), await connect()];
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    await b.query('SAVEPOINT s1');
    const waiting = b.query('UPDATE t SET v = v * 2 WHERE id = 1');
    assert.equal(await settlesWithin(waiting, 100), false);
    replicator.release();
    await Promise.all([first, waiting]);
    await b.query('UPDATE t SET v = 0 WHERE id = 2');
    await b.query('ROLLBACK TO SAVEPOINT s1');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 3');
    await b.query('RELEASE SAVEPOINT s1');
    await b.query('COMMIT');
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
        await value(root, 'SELECT v FROM t WHERE id = 3'),
      ],
      [11, 20, 31],
    );
  });

  test('a wait on a key that stays in flight ends in 1205 after innodb_lock_wait_timeout', async () => {
    const [a, b] = [await connect(), await connect()];
    await b.query('SET SESSION innodb_lock_wait_timeout = 1');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const startedMs = Date.now();
    assert.equal(await errno(b.query('UPDATE t SET v = v + 1 WHERE id = 1')), 1205);
    assert.ok(Date.now() - startedMs >= 900, 'waited for the timeout');
    // Inside a transaction only the statement is undone: the transaction goes on, its earlier
    // write included.
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 2');
    assert.equal(await errno(b.query('UPDATE t SET v = v + 1 WHERE id = 1')), 1205);
    await b.query('COMMIT');
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 2');
    assert.equal(await errno(b.query('UPDATE t SET v = v + 1 WHERE id = 1')), 1205);
    assert.equal(await value(b, 'SELECT v FROM t WHERE id = 2'), 22, 'reads its own write');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 3');
    await b.query('COMMIT');
    replicator.release();
    await first;
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 1'),
        await value(root, 'SELECT v FROM t WHERE id = 2'),
        await value(root, 'SELECT v FROM t WHERE id = 3'),
      ],
      [11, 22, 31],
    );
  });

  test('KILL ends a wait for a key in flight', async () => {
    const [a, b] = [await connect(), await connect()];
    const id = b.threadId;
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const waiting = b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    waiting.catch(() => {});
    assert.equal(await settlesWithin(waiting, 100), false);
    await root.query(`KILL ${id}`);
    assert.ok(await settlesWithin(waiting, 5000), 'the killed wait ended');
    assert.notEqual(await errno(waiting), 0);
    replicator.release();
    await first;
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 11);
  });

  test('a transaction brute-force aborted between statements runs again from its journal', async () => {
    const b = await connect();
    const [aborts, replays] = [
      await status(root, 'wsrep_local_bf_aborts'),
      await status(root, 'wsrep_local_replays'),
    ];
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 2');
    assert.equal(await value(b, 'SELECT v FROM t WHERE id = 2'), 21);
    assert.ok(fixture.node.store.abortLocalNow(), 'the applier took the writer');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 3');
    await b.query('COMMIT');
    assert.deepEqual(
      [
        await value(root, 'SELECT v FROM t WHERE id = 2'),
        await value(root, 'SELECT v FROM t WHERE id = 3'),
      ],
      [21, 31],
    );
    assert.equal(await status(root, 'wsrep_local_bf_aborts'), aborts + 1);
    assert.equal(await status(root, 'wsrep_local_replays'), replays + 1);
    // Without a journal the abort is the transaction's end, as before: 1213 (also while another
    // transaction is in flight, when statements read their keys).
    const a = await connect();
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = 0 WHERE id = 2');
    await b.query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'");
    assert.ok(fixture.node.store.abortLocalNow());
    replicator.hold(1);
    const other = a.query('UPDATE t SET v = v + 1 WHERE id = 1');
    await until('the other write-set held', () => replicator.heldCount === 1, 5000, 2);
    assert.equal(await errno(b.query('UPDATE t SET v = 0 WHERE id = 3')), 1213);
    assert.equal(await value(b, 'SELECT @@in_transaction'), 0);
    replicator.release();
    await other;
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 2'), 21);
  });

  test('AUTO_INCREMENT never hands out a value in flight, across DDL on another table', async () => {
    await root.query('CREATE TABLE serial (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    const sessions = [await connect(), await connect(), await connect()];
    replicator.hold(3);
    const inserts = [sessions[0]!.query('INSERT INTO serial (v) VALUES (1)')];
    await until('one insert held', () => replicator.heldCount === 1, 5000, 2);
    inserts.push(sessions[1]!.query('INSERT INTO serial (v) VALUES (2), (3)'));
    await until('two inserts held', () => replicator.heldCount === 2, 5000, 2);
    // A DDL elsewhere must not make the allocator forget the values in flight.
    await root.query('CREATE TABLE other (id INT PRIMARY KEY)');
    inserts.push(sessions[2]!.query('INSERT INTO serial (v) VALUES (4)'));
    await until('three inserts held', () => replicator.heldCount === 3, 5000, 2);
    const last = root.query('INSERT INTO serial (v) VALUES (5)');
    assert.ok(await settlesWithin(last, 5000), 'a fresh value does not wait');
    replicator.release();
    const results = await Promise.all([...inserts, last]);
    const insertIds = results.map(([r]) => (r as { insertId: number }).insertId);
    assert.equal(new Set(insertIds).size, 4, `insert ids ${insertIds.join(', ')}`);
    const [rows] = await root.query('SELECT id, v FROM serial ORDER BY v');
    const ids = (rows as { id: number }[]).map((r) => r.id);
    assert.equal(ids.length, 5);
    assert.equal(new Set(ids).size, 5, `ids ${ids.join(', ')}`);
  });

  test('a unique value in flight: an insert of the same value waits, then gets 1062', async () => {
    await root.query('CREATE TABLE named (id INT PRIMARY KEY, name VARCHAR(20) UNIQUE)');
    const [a, b] = [await connect(), await connect()];
    replicator.hold(1);
    const first = a.query("INSERT INTO named VALUES (1, 'x')");
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const second = b.query("INSERT INTO named VALUES (2, 'x')");
    assert.equal(await settlesWithin(second, 200), false, 'the same unique value waits');
    replicator.release();
    await first;
    assert.equal(await errno(second), 1062);
    assert.equal(await value(root, 'SELECT COUNT(*) FROM named'), 1);
  });

  test('DELETE and INSERT of one key in flight: the next transaction doing the same waits', async () => {
    const [a, b] = [await connect(), await connect()];
    await a.query('BEGIN');
    await a.query('DELETE FROM t WHERE id = 3');
    await a.query('INSERT INTO t VALUES (3, 300)');
    replicator.hold(1);
    const first = a.query('COMMIT');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    await b.query('BEGIN');
    const deleting = b.query('DELETE FROM t WHERE id = 3');
    assert.equal(await settlesWithin(deleting, 200), false, 'the delete waits');
    replicator.release();
    await first;
    const [deleted] = await deleting;
    assert.equal((deleted as { affectedRows: number }).affectedRows, 1);
    await b.query('INSERT INTO t VALUES (3, 301)');
    await b.query('COMMIT');
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 3'), 301);
  });

  test('concurrent increments of one hot row: no lost update, no error', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => connect()));
    const certFailures = await status(root, 'wsrep_local_cert_failures');
    const rounds = 25;
    await Promise.all(
      sessions.map(async (c) => {
        for (let i = 0; i < rounds; i++) await c.query('UPDATE t SET v = v + 1 WHERE id = 1');
      }),
    );
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 10 + sessions.length * rounds);
    assert.equal(await status(root, 'wsrep_local_cert_failures'), certFailures);
  });

  test('a stashed transaction whose row went in flight meanwhile waits at its next statement, then runs again', async () => {
    const [a, b] = [await connect(), await connect()];
    const replays = await status(root, 'wsrep_local_replays');
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    // b waits for its client; a takes the writer (b is stashed), writes the same row and commits,
    // and its write-set stays in flight.
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 10 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const next = b.query('SELECT v FROM t WHERE id = 2');
    assert.equal(await settlesWithin(next, 200), false, 'the restore waits for the key in flight');
    replicator.release();
    await first;
    await next;
    await b.query('COMMIT');
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 21);
    assert.equal(await status(root, 'wsrep_local_replays'), replays + 1);
  });

  test('a stashed transaction restores, without running again, while other keys are in flight', async () => {
    const [a, b] = [await connect(), await connect()];
    const replays = await status(root, 'wsrep_local_replays');
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 10 WHERE id = 3');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const restores = await status(root, 'trireme_writer_restores');
    assert.deepEqual(await value(b, 'SELECT v FROM t WHERE id = 1'), 11);
    assert.equal(await status(root, 'trireme_writer_restores'), restores + 1);
    assert.equal(await status(root, 'wsrep_local_replays'), replays);
    replicator.release();
    await first;
    await b.query('COMMIT');
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 11);
  });

  test('COMMIT of a stashed transaction whose row went in flight waits, runs again and commits', async () => {
    const [a, b] = [await connect(), await connect()];
    const replays = await status(root, 'wsrep_local_replays');
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 10 WHERE id = 1');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const commit = b.query('COMMIT');
    assert.equal(await settlesWithin(commit, 200), false, 'COMMIT waits for the key in flight');
    replicator.release();
    await first;
    await commit;
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 21);
    assert.equal(await status(root, 'wsrep_local_replays'), replays + 1);
  });

  test('COMMIT of a stashed transaction beside other keys in flight needs no writer', async () => {
    const [a, b] = [await connect(), await connect()];
    await b.query('BEGIN');
    await b.query('UPDATE t SET v = v + 1 WHERE id = 1');
    replicator.hold(1);
    const first = a.query('UPDATE t SET v = v + 10 WHERE id = 3');
    await until('the first write-set held', () => replicator.heldCount === 1, 5000, 2);
    const restores = await status(root, 'trireme_writer_restores');
    await b.query('COMMIT');
    // Its stash was its write-set: nothing written back first.
    assert.equal(await status(root, 'trireme_writer_restores'), restores);
    replicator.release();
    await first;
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 1'), 11);
    assert.equal(await value(root, 'SELECT v FROM t WHERE id = 3'), 40);
  });
});
