// Goal: a connection's statement deadline (native/collations/deadline.c, storage/execute.ts)
// stops the statement that runs past it, reaches no other statement or connection, and outlives
// nothing; a kill of a MySQL connection id stops the statements armed for it, and only those,
// and says so. Method: statements that would never end (a recursive CTE without a bound) on
// in-memory connections, and ones that end at once, with and without a deadline; kills from
// another connection and from another thread.
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { SqliteDatabase, SqliteError } from '../../src/storage/sqlite.js';
import { executeOn, type StatementStop } from '../../src/storage/execute.js';
import { StatementCache } from '../../src/storage/statement-cache.js';
import { KillBoard, requestKill } from '../../src/engine/kill-board.js';

const ENDLESS =
  'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT COUNT(*) FROM r';
const SHORT =
  'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000) SELECT COUNT(*) FROM r';

/** A stop at `deadlineMs` (null: none) for MySQL connection `connectionId` (0: none). */
function stopAt(deadlineMs: number | null, connectionId = 0): StatementStop {
  return { deadlineMs, connectionId, killed: false };
}

function interrupted(error: unknown): boolean {
  return error instanceof SqliteError && error.code === 'SQLITE_INTERRUPT';
}

test('a deadline stops an endless statement at its time, and only that statement', () => {
  const db = new SqliteDatabase(':memory:');
  const statements = new StatementCache(db, 8);
  try {
    const started = performance.now();
    assert.throws(
      () => executeOn(statements, ENDLESS, [], stopAt(performance.now() + 50)),
      interrupted,
    );
    const stoppedMs = performance.now() - started;
    assert.ok(stoppedMs >= 45 && stoppedMs < 2000, `stopped after ${stoppedMs} ms`);
    // Disarmed after the statement: the next ones run to their end, with or without a deadline.
    assert.deepEqual(executeOn(statements, SHORT, []).rows, [[100000]]);
    assert.deepEqual(executeOn(statements, SHORT, [], stopAt(performance.now() + 10_000)).rows, [
      [100000],
    ]);
    // A deadline already past stops the statement at once.
    assert.throws(
      () => executeOn(statements, ENDLESS, [], stopAt(performance.now() - 1)),
      interrupted,
    );
    // One that passed before its statement started (a slow prepare): SQLite clears the flag
    // then, but the watchdog interrupts again until the deadline is disarmed.
    statements.arm(1, 0);
    const armedMs = performance.now();
    while (performance.now() - armedMs < 20);
    assert.throws(() => executeOn(statements, ENDLESS, []), interrupted);
    statements.disarm();
  } finally {
    db.close();
  }
});

test('a deadline that passes after its statement ended reaches no later statement', async () => {
  const db = new SqliteDatabase(':memory:');
  const statements = new StatementCache(db, 8);
  try {
    for (let i = 0; i < 50; i++) {
      // Armed by hand and left to pass while nothing runs (the watchdog may interrupt the
      // disarming call itself, which is then made again): the flag the interrupt sets is
      // cleared when the next statement starts.
      statements.arm(1, 0);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      statements.disarm();
      assert.deepEqual(executeOn(statements, SHORT, []).rows, [[100000]]);
    }
  } finally {
    db.close();
  }
});

test('the first disarm of a connection, its deadline past and repeating, disarms it', () => {
  // The disarming statement is prepared at the first disarm, while the watchdog interrupts the
  // connection every millisecond: the prepare itself may be stopped, and is made again. Spins
  // of varied length put the prepare at every phase of the watchdog's repeat.
  for (let i = 0; i < 2000; i++) {
    const db = new SqliteDatabase(':memory:');
    const statements = new StatementCache(db, 8);
    try {
      statements.arm(1, 0);
      const armedMs = performance.now();
      const spinMs = 1 + ((i * 0.37) % 2);
      while (performance.now() - armedMs < spinMs);
      statements.disarm();
      assert.deepEqual(executeOn(statements, 'SELECT 1', []).rows, [[1]]);
    } finally {
      db.close();
    }
  }
});

test('connections keep deadlines of their own, and one closed while armed is forgotten', () => {
  const a = new SqliteDatabase(':memory:');
  const b = new SqliteDatabase(':memory:');
  const statementsA = new StatementCache(a, 8);
  const statementsB = new StatementCache(b, 8);
  try {
    statementsA.arm(20, 0);
    // b has no deadline: its statement runs to its end while a's passes.
    assert.deepEqual(executeOn(statementsB, SHORT, []).rows, [[100000]]);
    assert.throws(() => executeOn(statementsA, ENDLESS, []), interrupted);
    const closed = new SqliteDatabase(':memory:');
    new StatementCache(closed, 8).arm(5, 0);
    closed.close();
    // The watchdog outlives the closed connection's deadline without touching it.
    assert.throws(
      () => executeOn(statementsB, ENDLESS, [], stopAt(performance.now() + 30)),
      interrupted,
    );
  } finally {
    a.close();
    b.close();
  }
});

test('a kill stops the statements armed for its connection id, and only those, and says so', () => {
  const a = new SqliteDatabase(':memory:');
  const b = new SqliteDatabase(':memory:');
  const other = new SqliteDatabase(':memory:');
  const statementsA = new StatementCache(a, 8);
  const statementsB = new StatementCache(b, 8);
  const kill = other.prepare<[number], number>('SELECT trireme_kill(?)').pluck();
  try {
    // Nothing armed for 7: the kill reaches nothing, and no later statement of 7.
    assert.equal(kill.get(7), 0);
    const later = stopAt(null, 7);
    assert.deepEqual(executeOn(statementsA, SHORT, [], later).rows, [[100000]]);
    assert.equal(later.killed, false);
    // Armed for 7 (no deadline) and killed before its statement starts: the watchdog
    // interrupts until the connection is disarmed, so the statement stops all the same.
    statementsA.arm(0, 7);
    statementsB.arm(0, 8);
    assert.equal(kill.get(7), 1);
    assert.throws(() => executeOn(statementsA, ENDLESS, []), interrupted);
    assert.equal(statementsA.disarm(), true, 'the disarming call says it was a kill');
    // 8 was armed all along and runs to its end.
    assert.deepEqual(executeOn(statementsB, SHORT, []).rows, [[100000]]);
    assert.equal(statementsB.disarm(), false);
    // A statement stopped at its deadline is not a kill.
    const timed = stopAt(performance.now() + 20, 7);
    assert.throws(() => executeOn(statementsA, ENDLESS, [], timed), interrupted);
    assert.equal(timed.killed, false);
  } finally {
    a.close();
    b.close();
    other.close();
  }
});

test('a kill from another thread stops a statement that holds this one, which learns it was killed', async () => {
  const db = new SqliteDatabase(':memory:');
  const statements = new StatementCache(db, 8);
  // The worker kills connection 42 after 100 ms, while this thread runs its endless statement.
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
    import(workerData.sqlite).then(({ SqliteDatabase }) => {
      const db = new SqliteDatabase(':memory:');
      setTimeout(() => { db.prepare('SELECT trireme_kill(42)').get(); db.close(); }, 100);
    });`,
    {
      eval: true,
      workerData: { sqlite: new URL('../../src/storage/sqlite.js', import.meta.url).href },
    },
  );
  try {
    const stop = stopAt(null, 42);
    const started = performance.now();
    assert.throws(() => executeOn(statements, ENDLESS, [], stop), interrupted);
    const stoppedMs = performance.now() - started;
    assert.ok(stoppedMs >= 90 && stoppedMs < 5000, `stopped after ${stoppedMs} ms`);
    assert.equal(stop.killed, true);
  } finally {
    await worker.terminate();
    db.close();
  }
});

test('a kill asked between two SQLite statements of a statement stops its next one, and no later statement', () => {
  const db = new SqliteDatabase(':memory:');
  const statements = new StatementCache(db, 8);
  const board = new KillBoard(new SharedArrayBuffer(4 * 8));
  try {
    const slot = board.take();
    // No statement runs: nothing to stop.
    assert.equal(requestKill(board.buffer, slot), false);
    const first = board.begin(slot);
    const stop: StatementStop = {
      deadlineMs: null,
      connectionId: 9,
      killed: false,
      killRequested: () => board.killRequested(slot, first),
    };
    assert.deepEqual(executeOn(statements, SHORT, [], stop).rows, [[100000]]);
    // Asked while no SQLite statement of it runs (nothing armed for trireme_kill).
    assert.equal(requestKill(board.buffer, slot), true);
    assert.throws(() => executeOn(statements, SHORT, [], stop), interrupted);
    assert.equal(stop.killed, true);
    board.end(slot);
    // The connection was disarmed: its next statement, and the session's next one, run.
    const second = board.begin(slot);
    const next: StatementStop = {
      deadlineMs: null,
      connectionId: 9,
      killed: false,
      killRequested: () => board.killRequested(slot, second),
    };
    assert.deepEqual(executeOn(statements, SHORT, [], next).rows, [[100000]]);
    assert.equal(next.killed, false);
    board.end(slot);
    // A slot given back forgets its request; every slot taken, the next session has none.
    board.release(slot);
    assert.deepEqual([board.take(), board.take(), board.take(), board.take()].sort(), [0, 1, 2, 3]);
    assert.equal(board.take(), -1);
    assert.equal(requestKill(board.buffer, -1), false);
  } finally {
    db.close();
  }
});
