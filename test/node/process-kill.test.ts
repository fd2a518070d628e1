// Goal: COM_PROCESS_KILL (mysql_kill(), `mariadb-admin kill`) is the KILL statement: ending
// another account's connection needs SUPER (1095 otherwise, and the connection stays), an
// unknown id is 1094. Method: an engine behind a MysqlServer; a raw client sends the command as
// a plain account and as root, against a mysql2 connection of root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { Command, MysqlServer } from '../../src/mysql/index.js';
import { PacketReader, PacketWriter } from '../../src/mysql/packet-buffer.js';
import { openEngine, run } from '../engine/engine-fixture.js';
import { RawClient } from '../mysql/raw-client.js';

/** The error code of the answer to COM_PROCESS_KILL of `id`, or 0 for OK. */
async function processKill(raw: RawClient, id: number): Promise<number> {
  raw.command(new PacketWriter().u8(Command.PROCESS_KILL).u32(id).finish());
  const answer = new PacketReader((await raw.read())!.payload);
  return answer.u8() === 0xff ? answer.u16() : 0;
}

test('COM_PROCESS_KILL of another account needs SUPER, as the KILL statement', async () => {
  const fx = await openEngine('process-kill');
  const admin = await fx.session();
  assert.equal((await run(admin, "CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'")).kind, 'ok');
  const server = new MysqlServer({ port: 0 }, fx.engine);
  fx.engine.server = server;
  const { port } = await server.listen();
  const victim = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  victim.on('error', () => undefined);
  const plain = await RawClient.open(port);
  const root = await RawClient.open(port);
  try {
    assert.equal((await plain.login('plain', 'pw'))?.payload[0], 0);
    assert.equal((await root.login('root', ''))?.payload[0], 0);
    assert.equal(await processKill(plain, victim.threadId), 1095);
    const [rows] = await victim.query('SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }], 'the connection stays');
    assert.equal(await processKill(root, 999_999), 1094);
    assert.equal(await processKill(root, victim.threadId), 0);
    await assert.rejects(victim.query('SELECT 1'));
  } finally {
    plain.socket.destroy();
    root.socket.destroy();
    victim.destroy();
    await admin.close();
    await server.close();
    fx.close();
  }
});
