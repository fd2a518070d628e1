// GET_LOCK and its kin are locks (a newcomer's report: every GET_LOCK answered 1, so a second
// job runner "held" the migration lock beside the first). A standalone node and mysql2
// connections, the answers MariaDB 10.11 gives.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { startNode, type NodeFixture } from './node-fixture.js';

let fixture: NodeFixture;
const open: mysql.Connection[] = [];

before(async () => {
  fixture = await startNode();
});

after(async () => {
  for (const c of open) await c.end().catch(() => undefined);
  await fixture.destroy();
});

async function connect(): Promise<mysql.Connection> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: fixture.port, user: 'root' });
  open.push(c);
  return c;
}

async function row(c: mysql.Connection, sql: string): Promise<unknown[]> {
  const [rows] = await c.query({ sql, rowsAsArray: true });
  return (rows as unknown[][])[0]!.map((v) => (v === null ? null : Number(v)));
}

test('a lock held by one connection is not free to another, and is reentrant for its holder', async () => {
  const [a, b] = [await connect(), await connect()];
  const [idA] = await row(a, 'SELECT CONNECTION_ID()');
  assert.deepEqual(await row(a, "SELECT GET_LOCK('job', 0), GET_LOCK('job', 0)"), [1, 1]);
  assert.deepEqual(
    await row(b, "SELECT GET_LOCK('job', 0), IS_FREE_LOCK('job'), IS_USED_LOCK('job')"),
    [0, 0, idA],
  );
  // Another's lock is not released (0); one count of two leaves it held.
  assert.deepEqual(await row(b, "SELECT RELEASE_LOCK('job')"), [0]);
  assert.deepEqual(await row(a, "SELECT RELEASE_LOCK('job')"), [1]);
  assert.deepEqual(await row(b, "SELECT GET_LOCK('job', 0)"), [0]);
  assert.deepEqual(await row(a, "SELECT RELEASE_LOCK('job'), RELEASE_LOCK('job')"), [1, null]);
  assert.deepEqual(await row(b, "SELECT GET_LOCK('job', 0), RELEASE_ALL_LOCKS()"), [1, 1]);
  assert.deepEqual(await row(b, "SELECT IS_FREE_LOCK('job'), IS_USED_LOCK('job')"), [1, null]);
});

test('GET_LOCK waits for the holder, up to its timeout', async () => {
  const [a, b] = [await connect(), await connect()];
  assert.deepEqual(await row(a, "SELECT GET_LOCK('wait', 0)"), [1]);
  const started = Date.now();
  assert.deepEqual(await row(b, "SELECT GET_LOCK('wait', 0.3)"), [0]);
  assert.ok(Date.now() - started >= 250, 'it waited');
  const waiting = row(b, "SELECT GET_LOCK('wait', 10)");
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The event loop is free while b waits: a answers at once, and its release wakes b.
  assert.deepEqual(await row(a, "SELECT RELEASE_LOCK('wait')"), [1]);
  assert.deepEqual(await waiting, [1]);
  assert.deepEqual(await row(b, "SELECT RELEASE_LOCK('wait')"), [1]);
});

test("a connection's end, and COM_RESET_CONNECTION, release its locks", async () => {
  const [a, b] = [await connect(), await connect()];
  assert.deepEqual(await row(a, "SELECT GET_LOCK('gone', 0), GET_LOCK('reset', 0)"), [1, 1]);
  await a.reset();
  assert.deepEqual(await row(b, "SELECT IS_FREE_LOCK('reset')"), [1]);
  assert.deepEqual(await row(a, "SELECT GET_LOCK('gone', 0)"), [1]);
  const waiting = row(b, "SELECT GET_LOCK('gone', 10)");
  await a.end();
  assert.deepEqual(await waiting, [1]);
});

test('KILL QUERY ends a wait with 1317; a lock function over a table is refused, not faked', async () => {
  const [a, b, admin] = [await connect(), await connect(), await connect()];
  assert.deepEqual(await row(a, "SELECT GET_LOCK('k', 0)"), [1]);
  const [idB] = await row(b, 'SELECT CONNECTION_ID()');
  const waiting = b.query("SELECT GET_LOCK('k', 60)").then(
    () => 0,
    (error: { errno: number }) => error.errno,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  await admin.query(`KILL QUERY ${String(idB)}`);
  assert.equal(await waiting, 1317);
  await a.query('CREATE DATABASE IF NOT EXISTS ul');
  await a.query('CREATE TABLE ul.t (id INT PRIMARY KEY)');
  await a.query('INSERT INTO ul.t VALUES (1)');
  await assert.rejects(a.query("SELECT GET_LOCK('k', 0) FROM ul.t"), { errno: 1235 });
});
