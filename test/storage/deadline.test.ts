// Goal: a connection's statement deadline (native/collations/deadline.c, storage/execute.ts)
// stops the statement that runs past it, reaches no other statement or connection, and outlives
// nothing. Method: statements that would never end (a recursive CTE without a bound) on
// in-memory connections, and ones that end at once, with and without a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase, SqliteError } from '../../src/storage/sqlite.js';
import { executeOn } from '../../src/storage/execute.js';
import { StatementCache } from '../../src/storage/statement-cache.js';

const ENDLESS =
  'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT COUNT(*) FROM r';
const SHORT =
  'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000) SELECT COUNT(*) FROM r';

function interrupted(error: unknown): boolean {
  return error instanceof SqliteError && error.code === 'SQLITE_INTERRUPT';
}

test('a deadline stops an endless statement at its time, and only that statement', () => {
  const db = new SqliteDatabase(':memory:');
  const statements = new StatementCache(db, 8);
  try {
    const started = performance.now();
    assert.throws(() => executeOn(statements, ENDLESS, [], performance.now() + 50), interrupted);
    const stoppedMs = performance.now() - started;
    assert.ok(stoppedMs >= 45 && stoppedMs < 2000, `stopped after ${stoppedMs} ms`);
    // Disarmed after the statement: the next ones run to their end, with or without a deadline.
    assert.deepEqual(executeOn(statements, SHORT, []).rows, [[100000]]);
    assert.deepEqual(executeOn(statements, SHORT, [], performance.now() + 10_000).rows, [[100000]]);
    // A deadline already past stops the statement at once.
    assert.throws(() => executeOn(statements, ENDLESS, [], performance.now() - 1), interrupted);
    // One that passed before its statement started (a slow prepare): SQLite clears the flag
    // then, but the watchdog interrupts again until the deadline is disarmed.
    statements.deadline(1);
    const armedMs = performance.now();
    while (performance.now() - armedMs < 20);
    assert.throws(() => executeOn(statements, ENDLESS, []), interrupted);
    statements.deadline(0);
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
      statements.deadline(1);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      statements.deadline(0);
      assert.deepEqual(executeOn(statements, SHORT, []).rows, [[100000]]);
    }
  } finally {
    db.close();
  }
});

test('connections keep deadlines of their own, and one closed while armed is forgotten', () => {
  const a = new SqliteDatabase(':memory:');
  const b = new SqliteDatabase(':memory:');
  const statementsA = new StatementCache(a, 8);
  const statementsB = new StatementCache(b, 8);
  try {
    statementsA.deadline(20);
    // b has no deadline: its statement runs to its end while a's passes.
    assert.deepEqual(executeOn(statementsB, SHORT, []).rows, [[100000]]);
    assert.throws(() => executeOn(statementsA, ENDLESS, []), interrupted);
    const closed = new SqliteDatabase(':memory:');
    new StatementCache(closed, 8).deadline(5);
    closed.close();
    // The watchdog outlives the closed connection's deadline without touching it.
    assert.throws(() => executeOn(statementsB, ENDLESS, [], performance.now() + 30), interrupted);
  } finally {
    a.close();
    b.close();
  }
});
