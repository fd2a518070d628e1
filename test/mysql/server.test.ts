// Drives the MySQL server with real mysql2 clients (and a raw socket client) over 127.0.0.1
// against a toy in-memory backend: authentication, TLS, text and binary results, multi
// statements, packet limits, connection limits, bad bytes, and the session commands.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import {
  Capability,
  Command,
  MysqlServer,
  type MysqlServerOptions,
} from '../../src/mysql/index.js';
import { PacketReader, PacketWriter, utf8Decode } from '../../src/mysql/packet-buffer.js';
import { RawClient } from './raw-client.js';
import { makeTlsFixture, type TlsFixture } from './tls-fixture.js';
import { ACCOUNTS, ToyBackend } from './toy-backend.js';
import { until } from '../support/index.js';

let tls: TlsFixture;
let backend: ToyBackend;
let server: MysqlServer;
let port: number;

async function startServer(
  options: MysqlServerOptions,
): Promise<{ server: MysqlServer; port: number }> {
  const started = new MysqlServer({ port: 0, host: '127.0.0.1', ...options }, backend);
  const address = await started.listen();
  return { server: started, port: address.port };
}

function connectTo(
  serverPort: number,
  options: Partial<mysql.ConnectionOptions> = {},
): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: serverPort,
    user: 'root',
    password: ACCOUNTS.root.password,
    ...options,
  });
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ errno?: number; sqlState?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { errno?: number; sqlState?: string; code?: string };
  }
  return assert.fail('expected a rejection');
}

before(async () => {
  tls = await makeTlsFixture();
  backend = new ToyBackend();
  ({ server, port } = await startServer({ tls: { key: tls.keyPem, cert: tls.certPem } }));
});

after(async () => {
  await server.close();
});

test('mysql_native_password login and SELECT 1', async () => {
  const connection = await connectTo(port, { database: 'test' });
  const [rows] = await connection.query('SELECT 1');
  assert.deepEqual(rows, [{ 1: 1 }]);
  const [database] = await connection.query('SELECT DATABASE()');
  assert.deepEqual(database, [{ 'DATABASE()': 'test' }]);
  assert.equal(server.connections.get(connection.threadId)?.user, 'root');
  assert.equal(server.connections.get(connection.threadId)?.database, 'test');
  await connection.end();
});

test('a wrong password, an unknown user and an unknown database are refused', async () => {
  const wrong = await rejection(connectTo(port, { password: 'nope' }));
  assert.equal(wrong.errno, 1045);
  assert.equal(wrong.sqlState, '28000');
  const unknown = await rejection(connectTo(port, { user: 'mallory' }));
  assert.equal(unknown.errno, 1045);
  const badDb = await rejection(connectTo(port, { database: 'nowhere' }));
  assert.equal(badDb.errno, 1049);
  const empty = await connectTo(port, { user: 'empty', password: '' });
  await empty.ping();
  await empty.end();
});

test('caching_sha2_password: full auth over TLS, then fast auth, and RSA without TLS', async () => {
  const options = { user: 'sha2', password: ACCOUNTS.sha2.password, ssl: { ca: tls.caPem } };
  const full = await connectTo(port, options);
  const [cipher] = await full.query('SELECT 1');
  assert.deepEqual(cipher, [{ 1: 1 }]);
  assert.equal(server.connections.get(full.threadId)?.secure, true);
  await full.end();
  const fast = await connectTo(port, options);
  await fast.ping();
  await fast.end();
  const plain = await connectTo(port, { user: 'sha2', password: ACCOUNTS.sha2.password });
  assert.equal(server.connections.get(plain.threadId)?.secure, false);
  await plain.end();
  const wrong = await rejection(connectTo(port, { ...options, password: 'bad' }));
  assert.equal(wrong.errno, 1045);
});

test('caching_sha2_password without TLS and without key retrieval is refused', async () => {
  const strict = await startServer({ publicKeyRetrieval: false });
  try {
    const refused = await rejection(
      connectTo(strict.port, { user: 'sha2', password: ACCOUNTS.sha2.password }),
    );
    assert.equal(refused.errno, 1045);
    assert.equal(refused.sqlState, '28000');
  } finally {
    await strict.server.close();
  }
});

test('require_secure_transport refuses plaintext connections with 3159', async () => {
  const secure = await startServer({
    tls: { key: tls.keyPem, cert: tls.certPem },
    requireSecureTransport: true,
  });
  try {
    const refused = await rejection(connectTo(secure.port));
    assert.equal(refused.errno, 3159);
    const ok = await connectTo(secure.port, { ssl: { ca: tls.caPem } });
    await ok.ping();
    await ok.end();
  } finally {
    await secure.server.close();
  }
});

test('text result sets carry column types, NULLs and binary values', async () => {
  const connection = await connectTo(port, { dateStrings: true });
  const [rows, fields] = await connection.query<mysql.RowDataPacket[]>('SELECT * FROM t');
  assert.deepEqual(
    fields.map((field) => [field.name, field.columnType]),
    [
      ['id', 3],
      ['name', 253],
      ['score', 5],
      ['created', 12],
      ['data', 252],
    ],
  );
  assert.equal(rows.length, 2);
  assert.deepEqual(
    { ...rows[0] },
    {
      id: 1,
      name: 'alice',
      score: 1.5,
      created: '2024-01-02 03:04:05',
      data: Buffer.from([0, 1, 2]),
    },
  );
  assert.deepEqual(
    { ...rows[1] },
    { id: 2, name: 'bob', score: null, created: '2025-12-31 23:59:59.123456', data: null },
  );
  const [inserted] = await connection.query<mysql.ResultSetHeader>('INSERT INTO t VALUES (3)');
  assert.equal(inserted.affectedRows, 1);
  assert.equal(inserted.insertId, 42);
  const error = await rejection(connection.query('DROP EVERYTHING'));
  assert.equal(error.errno, 1064);
  assert.equal(error.sqlState, '42000');
  await connection.end();
});

test('prepared statements bind parameters of several types and return binary rows', async () => {
  const connection = await connectTo(port, {
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const params = [7, -123456, '9007199254740993', 2.5, 'héllo', null, Buffer.from([0, 255, 1])];
  const [rows] = await connection.execute<mysql.RowDataPacket[]>(
    'SELECT ?, ?, ?, ?, ?, ?, ?',
    params,
  );
  assert.deepEqual(Object.values(rows[0]!), [
    7,
    -123456,
    '9007199254740993',
    2.5,
    'héllo',
    null,
    Buffer.from([0, 255, 1]),
  ]);
  const [fixed] = await connection.execute('SELECT * FROM t');
  assert.equal((fixed as unknown[]).length, 2);
  assert.deepEqual(
    { ...(fixed as mysql.RowDataPacket[])[1] },
    { id: 2, name: 'bob', score: null, created: '2025-12-31 23:59:59.123456', data: null },
  );
  const when = await connection.execute<mysql.RowDataPacket[]>('SELECT ?', [
    new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  ]);
  assert.match(String(Object.values(when[0][0]!)[0]), /^2024-01-0[12] \d\d:04:05$/);
  const failed = await rejection(connection.execute('DELETE FROM t WHERE id = ?', [1]));
  assert.equal(failed.errno, 1064);
  connection.unprepare('SELECT ?, ?, ?, ?, ?, ?, ?');
  await connection.end();
});

test('multi-statements need CLIENT_MULTI_STATEMENTS and return several results', async () => {
  const multi = await connectTo(port, { multipleStatements: true });
  const [results] = await multi.query('SELECT 1; SELECT 2; INSERT INTO t VALUES (1)');
  assert.ok(Array.isArray(results));
  assert.deepEqual(results[0], [{ 1: 1 }]);
  assert.deepEqual(results[1], [{ 2: 2 }]);
  assert.equal((results[2] as mysql.ResultSetHeader).affectedRows, 1);
  const partial = await rejection(multi.query('SELECT 1; BOGUS; SELECT 2'));
  assert.equal(partial.errno, 1064);
  await multi.ping();
  await multi.end();
  const single = await connectTo(port);
  const refused = await rejection(single.query('SELECT 1; SELECT 2'));
  assert.equal(refused.errno, 1064);
  await single.end();
});

test('max_allowed_packet: a larger packet gets 1153 and only that connection ends', async () => {
  const small = await startServer({ maxAllowedPacketBytes: 1024 * 1024 });
  try {
    const bystander = await connectTo(small.port);
    const connection = await connectTo(small.port);
    const error = await rejection(connection.query(`SELECT '${'x'.repeat(2 * 1024 * 1024)}'`));
    assert.equal(error.errno, 1153);
    assert.equal(error.sqlState, '08S01');
    const [rows] = await bystander.query('SELECT 1');
    assert.deepEqual(rows, [{ 1: 1 }]);
    await bystander.end();
    connection.destroy();
  } finally {
    await small.server.close();
  }
});

test('max_connections: one connection too many gets 1040', async () => {
  const limited = await startServer({ maxConnections: 2 });
  try {
    const first = await connectTo(limited.port);
    const second = await connectTo(limited.port);
    const refused = await rejection(connectTo(limited.port));
    assert.equal(refused.errno, 1040);
    assert.equal(refused.sqlState, '08004');
    await first.end();
    await until('the condition', () => limited.server.connections.size === 1, 2000);
    const third = await connectTo(limited.port);
    await third.end();
    await second.end();
  } finally {
    await limited.server.close();
  }
});

test('a 17 MiB query and a 17 MiB result cross the 16 MiB frame limit both ways', async () => {
  const large = await startServer({ maxAllowedPacketBytes: 64 * 1024 * 1024 });
  try {
    const connection = await connectTo(large.port);
    const value = 'ab'.repeat((17 * 1024 * 1024) / 2);
    const [rows] = await connection.query<mysql.RowDataPacket[]>(`SELECT '${value}'`);
    assert.equal(rows[0]!['echo'], value);
    await connection.end();
  } finally {
    await large.server.close();
  }
});

test('rows from a generator are streamed in pieces, in text and binary form', async () => {
  const connection = await connectTo(port);
  const [text] = await connection.query<mysql.RowDataPacket[]>('SELECT * FROM seq_50000');
  assert.equal(text.length, 50_000);
  assert.deepEqual({ ...text[49_999] }, { n: 50_000, padding: 'x'.repeat(100) });
  const [binary] = await connection.execute<mysql.RowDataPacket[]>('SELECT * FROM seq_20000');
  assert.equal(binary.length, 20_000);
  assert.equal(binary[19_999]!['n'], 20_000);
  await connection.end();
});

test('garbage bytes close that connection only', async () => {
  const bystander = await connectTo(port);
  const raw = await RawClient.open(port);
  const ok = await raw.login('root', ACCOUNTS.root.password);
  assert.equal(ok?.payload[0], 0x00);
  raw.socket.write(Buffer.from([0x05, 0x00, 0x00, 0x07, 0xde, 0xad, 0xbe, 0xef, 0x00]));
  const error = await raw.read();
  assert.equal(error?.payload[0], 0xff);
  assert.equal(await raw.read(), null);
  const garbage = await RawClient.open(port);
  await garbage.read();
  garbage.socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  const refused = await garbage.read();
  assert.equal(refused?.payload[0], 0xff);
  assert.equal(await garbage.read(), null);
  const [rows] = await bystander.query('SELECT 1');
  assert.deepEqual(rows, [{ 1: 1 }]);
  await bystander.end();
});

test('COM_PING, COM_RESET_CONNECTION, COM_CHANGE_USER and COM_INIT_DB', async () => {
  const connection = await connectTo(port);
  await connection.ping();
  await connection.query('BEGIN');
  const session = backend.sessions.at(-1)!;
  assert.equal(session.inTransaction, true);
  await connection.reset();
  assert.equal(session.resets, 1);
  assert.equal(session.inTransaction, false);
  await connection.changeUser({
    user: 'alice',
    password: ACCOUNTS.alice.password,
    database: 'mysql',
  });
  assert.equal(session.closed, true);
  assert.equal(server.connections.get(connection.threadId)?.user, 'alice');
  const [database] = await connection.query('SELECT DATABASE()');
  assert.deepEqual(database, [{ 'DATABASE()': 'mysql' }]);
  await connection.query('USE test');
  assert.equal(server.connections.get(connection.threadId)?.database, 'test');
  const badDb = await rejection(connection.query('USE nowhere'));
  assert.equal(badDb.errno, 1049);
  // mysql2 answers in mysql_native_password; the server switches it to caching_sha2_password.
  await connection.changeUser({ user: 'sha2', password: ACCOUNTS.sha2.password });
  assert.equal(server.connections.get(connection.threadId)?.user, 'sha2');
  const denied = await rejection(connection.changeUser({ user: 'root', password: 'wrong' }));
  assert.equal(denied.errno, 1045);
  connection.destroy();
});

test('COM_FIELD_LIST, COM_STATISTICS, COM_SET_OPTION, unknown commands and long data', async () => {
  const raw = await RawClient.open(port);
  const deprecateEof = 1 << 24;
  assert.equal((await raw.login('root', ACCOUNTS.root.password, deprecateEof))?.payload[0], 0);
  raw.command(new PacketWriter().u8(Command.FIELD_LIST).nulString('t').finish());
  const names: string[] = [];
  for (;;) {
    const packet = (await raw.read())!;
    if (packet.payload[0] === 0xfe) break;
    const reader = new PacketReader(packet.payload);
    for (let field = 0; field < 4; field++) reader.lenencString();
    names.push(reader.lenencString());
  }
  assert.deepEqual(names, ['id', 'name', 'score', 'created', 'data']);
  raw.command(new Uint8Array([Command.STATISTICS]));
  assert.match(utf8Decode((await raw.read())!.payload), /^Uptime: /);
  raw.command(new PacketWriter().u8(Command.SET_OPTION).u16(0).finish());
  assert.equal((await raw.read())!.payload[0], 0xfe);
  raw.command(new Uint8Array([0x63]));
  const unknown = new PacketReader((await raw.read())!.payload);
  assert.deepEqual([unknown.u8(), unknown.u16()], [0xff, 1047]);
  raw.command(new PacketWriter().u8(Command.STMT_PREPARE).string('SELECT ?').finish());
  const prepareOk = new PacketReader((await raw.read())!.payload);
  assert.equal(prepareOk.u8(), 0);
  const statementId = prepareOk.u32();
  assert.equal(prepareOk.u16(), 1); // columns
  assert.equal(prepareOk.u16(), 1); // parameters
  assert.equal((await raw.read())!.payload[0], 3); // the parameter's definition ('def')
  assert.equal((await raw.read())!.payload[0], 3); // the column's definition; no EOF follows
  raw.command(
    new PacketWriter()
      .u8(Command.STMT_SEND_LONG_DATA)
      .u32(statementId)
      .u16(0)
      .string('long ')
      .finish(),
  );
  raw.command(
    new PacketWriter()
      .u8(Command.STMT_SEND_LONG_DATA)
      .u32(statementId)
      .u16(0)
      .string('data')
      .finish(),
  );
  raw.command(
    new PacketWriter()
      .u8(Command.STMT_EXECUTE)
      .u32(statementId)
      .u8(0)
      .u32(1)
      .u8(0)
      .u8(1)
      .u8(0xfc)
      .u8(0)
      .finish(),
  );
  assert.deepEqual([...(await raw.read())!.payload], [1]);
  await raw.read(); // column definition
  const row = new PacketReader((await raw.read())!.payload);
  row.bytesN(2);
  assert.equal(utf8Decode(row.lenencBytes()), 'long data');
  assert.equal((await raw.read())!.payload[0], 0xfe);
  raw.command(new PacketWriter().u8(Command.STMT_RESET).u32(999).finish());
  assert.equal((await raw.read())!.payload[0], 0xff);
  raw.command(new Uint8Array([Command.QUIT]));
  assert.equal(await raw.read(), null);
});

test('KILL through server.kill ends the other connection', async () => {
  const victim = await connectTo(port);
  victim.on('error', () => {});
  assert.equal(server.kill(victim.threadId), true);
  await until('the condition', () => !server.connections.has(victim.threadId), 2000);
  await rejection(victim.query('SELECT 1'));
  assert.equal(server.kill(999_999), false);
  victim.destroy();
});

/**
 * Reads one text result set as a list of packet kinds. Without DEPRECATE_EOF it ends at the
 * second EOF (the first closes the column definitions); with it, at the OK packet headed 0xFE.
 */
async function readTextResponse(raw: RawClient, deprecateEof: boolean): Promise<string[]> {
  const columnCount = new PacketReader((await raw.read())!.payload).lenencInt();
  const kinds = [`columns:${columnCount}`];
  let eofs = 0;
  while (eofs < (deprecateEof ? 1 : 2)) {
    const payload = (await raw.read())!.payload;
    const reader = new PacketReader(payload);
    if (payload[0] !== 0xfe) {
      kinds.push(kinds.length <= columnCount ? 'def' : 'row');
    } else if (payload.length === 5) {
      reader.u8();
      const warnings = reader.u16();
      kinds.push(`eof:warnings=${warnings}:status=${reader.u16()}`);
      eofs++;
    } else {
      reader.u8();
      reader.lenencInt();
      reader.lenencInt();
      kinds.push(`ok-eof:status=${reader.u16()}`);
      eofs++;
    }
  }
  return kinds;
}

test('result-set framing with and without CLIENT_DEPRECATE_EOF, and status flags', async () => {
  const multi = Capability.MULTI_STATEMENTS | Capability.MULTI_RESULTS;
  const classic = await RawClient.open(port);
  await classic.login('root', ACCOUNTS.root.password, multi);
  classic.command(new PacketWriter().u8(Command.QUERY).string('BEGIN; SELECT 7').finish());
  const begin = new PacketReader((await classic.read())!.payload);
  assert.deepEqual(
    [begin.u8(), begin.lenencInt(), begin.lenencInt(), begin.u16()],
    [0, 0, 0, 0x0b],
  );
  const autocommitInTrans = 0x03;
  assert.deepEqual(await readTextResponse(classic, false), [
    'columns:1',
    'def',
    `eof:warnings=0:status=${autocommitInTrans}`,
    'row',
    `eof:warnings=0:status=${autocommitInTrans}`,
  ]);
  classic.close();

  const modern = await RawClient.open(port);
  await modern.login('root', ACCOUNTS.root.password, Capability.DEPRECATE_EOF);
  modern.command(new PacketWriter().u8(Command.QUERY).string('SELECT * FROM t').finish());
  assert.deepEqual(await readTextResponse(modern, true), [
    'columns:5',
    'def',
    'def',
    'def',
    'def',
    'def',
    'row',
    'row',
    'ok-eof:status=2',
  ]);
  modern.close();
});
