// Goal: while something holds the event loop, the connection guard's thread greets and
// authenticates new clients over TLS (require_secure_transport: a plain connection would be
// refused), answers SHOW PROCESSLIST at once, and hands other commands to the engine once the loop
// is free; it does so again at the next stall, while one of its connections is still open; the
// connections that come after a stall are the main thread's again. Method: an
// engine on a temporary store behind a MysqlServer with TLS and its guard; the mariadb client in
// child processes while this thread busy-waits (the real cases, a statement that holds the loop
// and KILL QUERY, are in test/cluster/mysql-answers.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { MysqlServer } from '../../src/mysql/index.js';
import { ConnectionGuard, sharedConnectionIds } from '../../src/node/connection-guard.js';
import { openEngine } from '../engine/engine-fixture.js';
import { makeTlsFixture } from '../mysql/tls-fixture.js';

const installed = spawnSync('mariadb', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * The mariadb client running `sql` over TLS: its output, and when it ended (the shell prints
 * the time, so that a client served while this thread is held shows it ended before).
 */
function mariadb(port: number, sql: string): Promise<{ output: string; endedMs: number }> {
  const client = `mariadb --no-defaults -h127.0.0.1 -P${port} -uroot --ssl --batch -e "${sql}"`;
  const child = spawn('sh', ['-c', `${client} 2>&1; date +%s%3N`], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', () => {
      const lines = output.trimEnd().split('\n');
      resolve({ output: `${lines.slice(0, -1).join('\n')}\n`, endedMs: Number(lines.at(-1)) });
    }),
  );
}

/** Holds this thread (its event loop) for `ms`; returns when it let go. */
function holdFor(ms: number): number {
  const until = Date.now() + ms;
  // eslint-disable-next-line no-empty
  while (Date.now() < until) {}
  return Date.now();
}

test(
  'while the event loop is held, the guard serves new clients over TLS',
  { skip: !installed },
  async () => {
    const fx = await openEngine('guard');
    const tls = await makeTlsFixture();
    const logs: string[] = [];
    const options = {
      port: 0,
      tls: { key: tls.keyPem, cert: tls.certPem },
      requireSecureTransport: true,
      connectionIds: sharedConnectionIds(),
    };
    // The fixture's own sessions are numbered from 1: the servers' ids start past them.
    new Uint32Array(options.connectionIds)[0] = 100;
    const server = new MysqlServer(options, fx.engine);
    fx.engine.server = server;
    const { port } = await server.listen();
    const guard = ConnectionGuard.start(server, options, fx.engine, (_, m) => logs.push(m), 200);
    assert.ok(guard !== null);
    const idle = await fx.session();
    try {
      // Let the guard's thread start and learn of the accounts and sessions.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const listing = mariadb(port, 'SHOW PROCESSLIST');
      const adding = mariadb(port, 'SELECT 1 + 1 AS two');
      // A connection of the guard that stays open past the next stall.
      const holding = mariadb(port, 'SELECT SLEEP(4) AS slept');
      // Held for 3 s: the listing answers meanwhile, the addition once it is over.
      const releasedMs = holdFor(3000);
      const [listed, added] = await Promise.all([listing, adding]);
      assert.match(listed.output, new RegExp(`^${idle.info.connectionId}\\troot\\t`, 'm'));
      assert.match(listed.output, /\tQuery\t0\tstarting\tSHOW PROCESSLIST\t/);
      assert.ok(listed.endedMs < releasedMs, 'the listing was answered while the loop was held');
      assert.match(added.output, /^two\n2\n$/);
      assert.ok(added.endedMs >= releasedMs, 'the addition waited for the loop');
      const served = (): number =>
        logs.filter((m) => m.includes('came in while the event loop was busy')).length;
      assert.equal(served(), 3);
      // A second stall, while a connection of the guard is still open: it accepts again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = mariadb(port, 'SHOW PROCESSLIST');
      const releasedAgainMs = holdFor(2000);
      assert.ok((await again).endedMs < releasedAgainMs, 'answered during the second stall');
      assert.match((await holding).output, /^slept\n0\n$/);
      // The loop turns again: the next client is the main thread's.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await mariadb(port, 'SELECT 3 AS three');
      assert.match(after.output, /^three\n3\n$/);
      assert.equal(served(), 4);
    } finally {
      await idle.close();
      await guard.stop();
      await server.close();
      fx.close();
    }
  },
);
