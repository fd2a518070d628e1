// Attacks the server with bad bytes over real sockets — random payloads at each phase, mutated
// handshakes, an SSLRequest that arrives in one TCP segment with the TLS ClientHello — and checks
// that each bad connection ends on its own while the server and a bystander carry on.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { Capability } from '../../src/mysql/constants.js';
import { concat, encodeFrames } from '../../src/mysql/framing.js';
import { MysqlServer } from '../../src/mysql/index.js';
import { PacketWriter } from '../../src/mysql/packet-buffer.js';
import { RawClient } from './raw-client.js';
import { makeTlsFixture, type TlsFixture } from './tls-fixture.js';
import { ACCOUNTS, ToyBackend } from './toy-backend.js';
import { until } from '../support/index.js';

const FUZZ_CONNECTIONS = 60;

let tls: TlsFixture;
let server: MysqlServer;
let port: number;

before(async () => {
  tls = await makeTlsFixture();
  const options = {
    port: 0,
    maxAllowedPacketBytes: 64 * 1024,
    connectTimeoutMs: 2000,
    tls: { key: tls.keyPem, cert: tls.certPem },
  };
  server = new MysqlServer(options, new ToyBackend());
  port = (await server.listen()).port;
});

after(async () => {
  await server.close();
});

/** Sends bytes, waits briefly for whatever the server answers, then hangs up. */
async function assault(client: RawClient, bytes: Uint8Array): Promise<void> {
  client.socket.write(bytes);
  await Promise.race([client.read(), new Promise((resolve) => setTimeout(resolve, 50))]);
  client.close();
}

test('random bytes before and after login end only their own connections', async () => {
  const bystander = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    password: ACCOUNTS.root.password,
  });
  const attacks: Promise<void>[] = [];
  for (let round = 0; round < FUZZ_CONNECTIONS; round++) {
    attacks.push(
      (async () => {
        const client = await RawClient.open(port);
        await client.read();
        if (round % 2 === 1) await client.login('root', ACCOUNTS.root.password);
        const bytes = randomBytes(1 + ((round * 37) % 200));
        // Half the time, a well-framed packet with a random payload.
        const framed =
          round % 4 < 2 ? concat(encodeFrames(bytes, round % 2 === 1 ? 0 : 1).frames) : bytes;
        await assault(client, framed);
      })(),
    );
  }
  await Promise.all(attacks);
  const [rows] = await bystander.query('SELECT 1');
  assert.deepEqual(rows, [{ 1: 1 }]);
  await until('the condition', () => server.connections.size === 1, 3000);
  await bystander.end();
});

test('every single-byte mutation of a handshake response is handled', async () => {
  const valid = handshakeResponse();
  const attacks: Promise<void>[] = [];
  for (let index = 0; index < valid.length; index += 3) {
    attacks.push(
      (async () => {
        const mutated = new Uint8Array(valid);
        mutated[index] = mutated[index]! ^ 0xa5;
        const client = await RawClient.open(port);
        await client.read();
        await assault(client, concat(encodeFrames(mutated, 1).frames));
      })(),
    );
  }
  await Promise.all(attacks);
  await until('the condition', () => server.connections.size === 0, 3000);
});

function handshakeResponse(): Uint8Array {
  const caps =
    Capability.PROTOCOL_41 |
    Capability.SECURE_CONNECTION |
    Capability.PLUGIN_AUTH |
    Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    Capability.CONNECT_ATTRS |
    Capability.CONNECT_WITH_DB;
  const attributes = new PacketWriter().lenencString('_client_name').lenencString('fuzz').finish();
  return new PacketWriter()
    .u32(caps)
    .u32(1 << 24)
    .u8(45)
    .zeros(23)
    .nulString('root')
    .lenencBytes(new Uint8Array(20).fill(1))
    .nulString('test')
    .nulString('mysql_native_password')
    .lenencBytes(attributes)
    .finish();
}

/**
 * A duplex that holds the SSLRequest back and sends it together with the first TLS bytes, so
 * the server receives both in one chunk, as a fast client on a slow network can cause.
 */
function coalescingTransport(client: RawClient, sslRequest: Uint8Array): Duplex {
  let held: Uint8Array | null = sslRequest;
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      client.socket.write(held ? concat([held, chunk]) : chunk);
      held = null;
      callback();
    },
    read() {},
  });
  client.socket.removeAllListeners('data');
  client.socket.on('data', (chunk: Buffer) => duplex.push(chunk));
  return duplex;
}

test('an SSLRequest coalesced with the TLS ClientHello still upgrades', async () => {
  const client = await RawClient.open(port);
  await client.read();
  const caps = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION | Capability.SSL;
  const sslRequest = new PacketWriter()
    .u32(caps)
    .u32(1 << 24)
    .u8(45)
    .zeros(23)
    .finish();
  const transport = coalescingTransport(client, concat(encodeFrames(sslRequest, 1).frames));
  const secure = tlsConnect({ socket: transport, ca: tls.caPem, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', () => resolve());
    secure.once('error', reject);
  });
  assert.equal(secure.authorized, true);
  await until(
    'the condition',
    () => [...server.connections.values()].some((connection) => connection.secure),
    3000,
  );
  secure.destroy();
  client.close();
  await until('the condition', () => server.connections.size === 0, 3000);
});

test('connect_timeout and wait_timeout close silent connections', async () => {
  const strict = new MysqlServer(
    { port: 0, connectTimeoutMs: 100, waitTimeoutMs: 150 },
    new ToyBackend(),
  );
  const strictPort = (await strict.listen()).port;
  try {
    const silent = await RawClient.open(strictPort);
    assert.notEqual(await silent.read(), null); // the handshake
    assert.equal(await silent.read(), null); // then nothing, and the server hangs up
    const idle = await mysql.createConnection({
      host: '127.0.0.1',
      port: strictPort,
      user: 'root',
      password: ACCOUNTS.root.password,
    });
    idle.on('error', () => {});
    await idle.ping();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await idle.ping(); // activity restarts the clock
    await until('the condition', () => strict.connections.size === 0, 3000);
    idle.destroy();
  } finally {
    await strict.close();
  }
});
