// Checks the sans-I/O MySQL codec without sockets: framing under every chunking and across the
// 16 MiB frame limit, length-encoded values, handshake and column-definition layouts, binary
// parameters of every type, binary rows, password proofs, and random bytes that must never throw.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  cachingSha2Digest,
  cachingSha2PasswordHash,
  cachingSha2Proof,
  generateScramble,
  nativePasswordHash,
  nativePasswordProof,
  verifyCachingSha2Password,
  verifyCachingSha2Proof,
  verifyNativePassword,
} from '../../src/mysql/auth.js';
import { decodeExecute, encodeBinaryRow, type ParamType } from '../../src/mysql/binary-protocol.js';
import { Capability, Charset, ColumnFlag, ColumnType } from '../../src/mysql/constants.js';
import {
  PacketDecoder,
  PacketSink,
  concat,
  encodeFrames,
  type Packet,
} from '../../src/mysql/framing.js';
import { FRAME_PAYLOAD_BYTES_MAX } from '../../src/mysql/limits.js';
import {
  decodeChangeUser,
  decodeHandshakeResponse,
  doubleText,
  encodeColumnDef,
  encodeEndOfRows,
  encodeErr,
  encodeHandshakeV10,
  encodeOk,
} from '../../src/mysql/messages.js';
import { PacketReader, PacketWriter, decodeWith } from '../../src/mysql/packet-buffer.js';

function frame(payload: Uint8Array, sequenceId: number): Uint8Array {
  return concat(encodeFrames(payload, sequenceId).frames);
}

function decodeAll(stream: Uint8Array, cuts: readonly number[], limit = 1 << 26): Packet[] {
  const decoder = new PacketDecoder(limit);
  const packets: Packet[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    const error = decoder.push(stream.subarray(from, cut), (packet) => {
      packets.push(packet);
    });
    assert.equal(error, null);
    from = cut;
  }
  return packets;
}

test('framing: a stream split at every offset yields the same packets', () => {
  const payloads = [
    new Uint8Array([3, 83, 69, 76]),
    new Uint8Array(0),
    new Uint8Array(randomBytes(300)),
    new Uint8Array([1]),
  ];
  const stream = concat(payloads.map((payload, index) => frame(payload, index)));
  const whole = decodeAll(stream, []);
  assert.equal(whole.length, payloads.length);
  whole.forEach((packet, index) => {
    assert.deepEqual(packet.payload, payloads[index]);
    assert.equal(packet.sequenceId, index);
  });
  for (let cut = 0; cut <= stream.length; cut++) {
    assert.deepEqual(decodeAll(stream, [cut]), whole, `cut at ${cut}`);
  }
  // Byte by byte, too.
  const single = Array.from({ length: stream.length }, (_, index) => index);
  assert.deepEqual(decodeAll(stream, single), whole);
});

test('framing: payloads of 2^24-1 bytes and more are split and reassembled', () => {
  for (const size of [
    FRAME_PAYLOAD_BYTES_MAX - 1,
    FRAME_PAYLOAD_BYTES_MAX,
    FRAME_PAYLOAD_BYTES_MAX + 5,
    17 * 1024 * 1024,
  ]) {
    const payload = new Uint8Array(size).fill(7);
    payload[size - 1] = 9;
    const encoded = encodeFrames(payload, 250);
    const expectedFrames = Math.floor(size / FRAME_PAYLOAD_BYTES_MAX) + 1;
    assert.equal(encoded.sequenceIdNext, (250 + expectedFrames) & 0xff, `size ${size}`);
    const stream = concat(encoded.frames);
    assert.equal(stream.length, size + 4 * expectedFrames);
    const packets = decodeAll(stream, [3, 100_000, FRAME_PAYLOAD_BYTES_MAX + 2]);
    assert.equal(packets.length, 1);
    assert.equal(packets[0]!.sequenceIdFirst, 250);
    assert.equal(packets[0]!.sequenceId, (250 + expectedFrames - 1) & 0xff);
    assert.equal(packets[0]!.payload.length, size);
    assert.equal(packets[0]!.payload[size - 1], 9);
  }
});

test('a sink copies each payload: a reused writer changes nothing it was given', () => {
  const sink = new PacketSink(3);
  const writer = new PacketWriter(4);
  const texts = ['first', 'é second', 'x'.repeat(5000), ''];
  for (const text of texts) sink.packet(writer.reset().lenencString(text).contents());
  const big = new Uint8Array(FRAME_PAYLOAD_BYTES_MAX + 10).fill(7);
  sink.packet(big);
  sink.packet(writer.reset().u8(1).contents());
  assert.equal(sink.sequenceId, 3 + texts.length + 3);
  const taken = sink.take();
  assert.equal(taken.length, 1);
  assert.deepEqual(sink.take(), []);
  const packets = decodeAll(taken[0]!, []);
  // A packet of two frames (7 and 8) is numbered by its last.
  assert.deepEqual(
    packets.map((p) => p.sequenceId),
    [3, 4, 5, 6, 8, 9],
  );
  texts.forEach((text, i) => {
    const reader = new PacketReader(packets[i]!.payload);
    assert.equal(reader.lenencString(), text);
  });
  assert.deepEqual(packets[4]!.payload, big);
  assert.deepEqual(packets[5]!.payload, new Uint8Array([1]));
});

test('framing: a packet over the limit is refused from its header, before buffering', () => {
  const decoder = new PacketDecoder(1000);
  const header = new Uint8Array([0xe9, 0x03, 0x00, 0x00]); // 1001 bytes announced
  const error = decoder.push(header, () => assert.fail('no packet'));
  assert.equal(error?.kind, 'too_large');
  assert.equal(error?.sequenceId, 0);
  // Exactly the limit is allowed.
  assert.equal(decodeAll(frame(new Uint8Array(1000), 0), [], 1000).length, 1);
  // A split packet counts all its frames.
  const split = frame(new Uint8Array(FRAME_PAYLOAD_BYTES_MAX + 10), 0);
  const tooLarge = new PacketDecoder(FRAME_PAYLOAD_BYTES_MAX + 5).push(split, () =>
    assert.fail('no packet'),
  );
  assert.equal(tooLarge?.kind, 'too_large');
  assert.equal(tooLarge?.sequenceId, 1);
});

test('framing: frames of one packet must have consecutive sequence ids', () => {
  const stream = frame(new Uint8Array(FRAME_PAYLOAD_BYTES_MAX + 1), 0);
  stream[FRAME_PAYLOAD_BYTES_MAX + 4 + 3] = 7; // second frame's sequence id
  const error = new PacketDecoder(1 << 26).push(stream, () => assert.fail('no packet'));
  assert.equal(error?.kind, 'out_of_order');
});

test('framing: random bytes give packets or a typed error, never an exception', () => {
  for (let round = 0; round < 500; round++) {
    const decoder = new PacketDecoder(4096);
    const bytes = randomBytes(1 + (round % 64) * 13);
    const error = decoder.push(bytes, () => {});
    if (error !== null) assert.ok(['too_large', 'out_of_order'].includes(error.kind));
  }
});

test('framing: a handler that says stop leaves the rest for drain and takeRemainder', () => {
  const stream = concat([frame(new Uint8Array([1]), 1), new Uint8Array([0x16, 0x03, 0x01])]);
  const decoder = new PacketDecoder(100);
  const seen: Packet[] = [];
  assert.equal(
    decoder.push(stream, (packet) => (seen.push(packet), 'stop')),
    null,
  );
  assert.equal(seen.length, 1);
  assert.deepEqual(decoder.takeRemainder(), new Uint8Array([0x16, 0x03, 0x01]));
});

test('lenenc integers and strings round-trip at every width boundary', () => {
  const cases: [number, number][] = [
    [0, 1],
    [250, 1],
    [251, 3],
    [0xffff, 3],
    [0x10000, 4],
    [0xffffff, 4],
    [0x1000000, 9],
    [Number.MAX_SAFE_INTEGER, 9],
  ];
  for (const [value, width] of cases) {
    const bytes = new PacketWriter(1).lenencInt(value).finish();
    assert.equal(bytes.length, width, `width of ${value}`);
    assert.equal(new PacketReader(bytes).lenencInt(), value);
  }
  for (const text of ['', 'a', 'é€𝄞', 'x'.repeat(300), 'y'.repeat(70_000)]) {
    const bytes = new PacketWriter(1).lenencString(text).nulString(text).finish();
    const reader = new PacketReader(bytes);
    assert.equal(reader.lenencString(), text);
    assert.equal(reader.nulString(), text);
    assert.equal(reader.remaining, 0);
  }
  // 0xFB (NULL marker) and 0xFF do not start an integer; a short read is 'truncated'.
  const bad = decodeWith(() => new PacketReader(new Uint8Array([0xff])).lenencInt());
  assert.equal(bad.ok ? 'ok' : bad.error.kind, 'bad_value');
  const short = decodeWith(() => new PacketReader(new Uint8Array([0xfc, 1])).lenencInt());
  assert.equal(short.ok ? 'ok' : short.error.kind, 'truncated');
});

test('HandshakeV10 has the documented layout', () => {
  const scramble = new Uint8Array(20).map((_, index) => index + 65);
  const bytes = encodeHandshakeV10({
    serverVersion: '5.5.5-10.11.99-MariaDB-trireme',
    connectionId: 0x01020304,
    scramble,
    capabilities: 0x81fff7ff,
    extendedCapabilities: 0x08,
    collation: 45,
    statusFlags: 2,
    authPlugin: 'mysql_native_password',
  });
  const reader = new PacketReader(bytes);
  assert.equal(reader.u8(), 10);
  assert.equal(reader.nulString(), '5.5.5-10.11.99-MariaDB-trireme');
  assert.equal(reader.u32(), 0x01020304);
  assert.deepEqual(reader.bytesN(8), scramble.subarray(0, 8));
  assert.equal(reader.u8(), 0);
  assert.equal(reader.u16(), 0xf7ff);
  assert.equal(reader.u8(), 45);
  assert.equal(reader.u16(), 2);
  assert.equal(reader.u16(), 0x81ff);
  assert.equal(reader.u8(), 21);
  assert.deepEqual(reader.bytesN(6), new Uint8Array(6));
  assert.equal(reader.u32(), 0x08, "MariaDB's extended capabilities close the reserved bytes");
  assert.deepEqual(reader.bytesN(12), scramble.subarray(8));
  assert.equal(reader.u8(), 0);
  assert.equal(reader.nulString(), 'mysql_native_password');
  assert.equal(reader.remaining, 0);
});

function handshakeResponse(
  capabilities: number,
  extra: (writer: PacketWriter) => void,
  extendedCapabilities = 0,
): Uint8Array {
  const writer = new PacketWriter()
    .u32(capabilities)
    .u32(1 << 24)
    .u8(45)
    .zeros(19)
    .u32(extendedCapabilities);
  extra(writer);
  return writer.finish();
}

test('HandshakeResponse41 and SSLRequest decode; random bytes never throw', () => {
  const caps =
    Capability.PROTOCOL_41 |
    Capability.SECURE_CONNECTION |
    Capability.PLUGIN_AUTH |
    Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    Capability.CONNECT_WITH_DB |
    Capability.CONNECT_ATTRS;
  const payload = handshakeResponse(caps, (writer) => {
    const attributes = new PacketWriter()
      .lenencString('_client_name')
      .lenencString('test')
      .finish();
    writer
      .nulString('root')
      .lenencBytes(new Uint8Array([1, 2, 3]))
      .nulString('test');
    writer.nulString('mysql_native_password').lenencBytes(attributes);
  });
  const decoded = decodeHandshakeResponse(payload);
  assert.ok(decoded.ok && decoded.value.kind === 'handshake_response');
  assert.equal(decoded.value.user, 'root');
  assert.deepEqual(decoded.value.authResponse, new Uint8Array([1, 2, 3]));
  assert.equal(decoded.value.database, 'test');
  assert.equal(decoded.value.authPlugin, 'mysql_native_password');
  assert.equal(decoded.value.connectAttributes.get('_client_name'), 'test');

  const ssl = decodeHandshakeResponse(handshakeResponse(caps | Capability.SSL, () => {}, 0x08));
  assert.ok(ssl.ok && ssl.value.kind === 'ssl_request');
  assert.equal(ssl.value.extendedCapabilities, 0x08, 'read when CLIENT_MYSQL is unset');
  const mysqlClient = caps | Capability.SSL | Capability.LONG_PASSWORD;
  const filler = decodeHandshakeResponse(handshakeResponse(mysqlClient, () => {}, 0x08));
  assert.ok(filler.ok);
  assert.equal(filler.value.extendedCapabilities, 0, 'filler when CLIENT_MYSQL is set');
  const old = decodeHandshakeResponse(handshakeResponse(Capability.SECURE_CONNECTION, () => {}));
  assert.ok(!old.ok);

  for (let round = 0; round < 2000; round++) {
    const bytes = randomBytes(round % 120);
    if (round % 2 === 0 && bytes.length >= 4) bytes.writeUInt32LE(caps, 0);
    const result = decodeHandshakeResponse(bytes);
    if (!result.ok) assert.ok(['truncated', 'bad_value', 'too_large'].includes(result.error.kind));
    decodeChangeUser(bytes, caps);
  }
});

test('OK, ERR and EOF packets have the documented layout', () => {
  assert.deepEqual(
    encodeOk({ affectedRows: 1, lastInsertId: 300, statusFlags: 2, warnings: 1 }),
    new Uint8Array([0x00, 1, 0xfc, 0x2c, 0x01, 2, 0, 1, 0]),
  );
  // A negative id given to an AUTO_INCREMENT column goes out as MariaDB's unsigned 64-bit value.
  assert.deepEqual(
    encodeOk({ affectedRows: 1, lastInsertId: -5, statusFlags: 2, warnings: 0 }),
    new Uint8Array([0x00, 1, 0xfe, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0]),
  );
  const err = encodeErr({ code: 1045, sqlState: '28000' }, 'no');
  assert.deepEqual(
    err,
    new Uint8Array([0xff, 0x15, 0x04, 0x23, 0x32, 0x38, 0x30, 0x30, 0x30, 0x6e, 0x6f]),
  );
  assert.deepEqual(encodeEndOfRows(false, 0, 0x22), new Uint8Array([0xfe, 0, 0, 0x22, 0]));
  assert.deepEqual(encodeEndOfRows(true, 0, 0x22), new Uint8Array([0xfe, 0, 0, 0x22, 0, 0, 0]));
});

test('column definitions have the ColumnDefinition41 layout', () => {
  const column = {
    name: 'id',
    orgName: 'ID',
    table: 't',
    schema: 'db',
    type: ColumnType.LONG,
    length: 11,
    flags: ColumnFlag.NOT_NULL | ColumnFlag.PRI_KEY,
    decimals: 0,
    charset: Charset.BINARY,
    defaultValue: '7',
  };
  const reader = new PacketReader(encodeColumnDef(column, true));
  assert.deepEqual(
    [reader.lenencString(), reader.lenencString(), reader.lenencString(), reader.lenencString()],
    ['def', 'db', 't', 't'],
  );
  assert.deepEqual([reader.lenencString(), reader.lenencString()], ['id', 'ID']);
  assert.equal(reader.lenencInt(), 0x0c);
  assert.deepEqual(
    [reader.u16(), reader.u32(), reader.u8(), reader.u16(), reader.u8(), reader.u16()],
    [63, 11, ColumnType.LONG, 3, 0, 0],
  );
  assert.equal(reader.lenencString(), '7');
  assert.equal(reader.remaining, 0);
});

test("with MariaDB's extended metadata a JSON column carries the json format", () => {
  const json = {
    name: 'j',
    type: ColumnType.BLOB,
    length: 4294967295,
    flags: ColumnFlag.BLOB | ColumnFlag.BINARY,
    decimals: 0,
    charset: Charset.UTF8MB4_GENERAL_CI,
    format: 'json' as const,
  };
  const reader = new PacketReader(encodeColumnDef(json, false, true));
  for (const part of ['def', '', '', '', 'j', 'j']) assert.equal(reader.lenencString(), part);
  assert.equal(reader.lenencInt(), 6, 'one pair: key, length, four bytes');
  assert.equal(reader.u8(), 1, 'the format key');
  assert.equal(reader.lenencString(), 'json');
  assert.equal(reader.lenencInt(), 0x0c);
  const plain = new PacketReader(encodeColumnDef({ ...json, format: undefined }, false, true));
  for (let part = 0; part < 6; part++) plain.lenencString();
  assert.equal(plain.lenencInt(), 0, 'an empty block for a column without a format');
  assert.equal(plain.lenencInt(), 0x0c);
});

/** Builds a COM_STMT_EXECUTE payload the way a client library does. */
function executePayload(
  types: readonly ParamType[],
  values: ((writer: PacketWriter) => void)[],
  nulls: number[],
): Uint8Array {
  const writer = new PacketWriter().u8(0x17).u32(5).u8(0).u32(1);
  const bitmap = new Uint8Array((types.length + 7) >>> 3);
  for (const index of nulls) bitmap[index >>> 3]! |= 1 << (index & 7);
  writer.bytes(bitmap).u8(1);
  for (const type of types) writer.u8(type.type).u8(type.unsigned ? 0x80 : 0);
  for (const value of values) value(writer);
  return writer.finish();
}

test('binary parameters of every type decode, with NULLs and long data', () => {
  const cases: [ParamType, (writer: PacketWriter) => void, unknown][] = [
    [{ type: ColumnType.TINY, unsigned: false }, (w) => w.i8(-5), -5],
    [{ type: ColumnType.TINY, unsigned: true }, (w) => w.u8(250), 250],
    [{ type: ColumnType.SHORT, unsigned: false }, (w) => w.i16(-300), -300],
    [{ type: ColumnType.YEAR, unsigned: true }, (w) => w.u16(2024), 2024],
    [{ type: ColumnType.LONG, unsigned: false }, (w) => w.i32(-70000), -70000],
    [{ type: ColumnType.INT24, unsigned: true }, (w) => w.u32(4_000_000_000), 4_000_000_000],
    [{ type: ColumnType.LONGLONG, unsigned: false }, (w) => w.i64(-42n), -42],
    [{ type: ColumnType.LONGLONG, unsigned: true }, (w) => w.u64(2n ** 64n - 1n), 2n ** 64n - 1n],
    [{ type: ColumnType.FLOAT, unsigned: false }, (w) => w.f32(1.5), 1.5],
    [{ type: ColumnType.DOUBLE, unsigned: false }, (w) => w.f64(-2.25), -2.25],
    [{ type: ColumnType.NEWDECIMAL, unsigned: false }, (w) => w.lenencString('12.340'), '12.340'],
    [{ type: ColumnType.VAR_STRING, unsigned: false }, (w) => w.lenencString('héllo'), 'héllo'],
    [{ type: ColumnType.STRING, unsigned: false }, (w) => w.lenencString(''), ''],
    [
      { type: ColumnType.BLOB, unsigned: false },
      (w) => w.lenencBytes(new Uint8Array([0, 255])),
      new Uint8Array([0, 255]),
    ],
    [
      { type: ColumnType.DATE, unsigned: false },
      (w) => w.u8(4).u16(2024).u8(2).u8(29),
      '2024-02-29',
    ],
    [{ type: ColumnType.DATETIME, unsigned: false }, (w) => w.u8(0), '0000-00-00 00:00:00'],
    [
      { type: ColumnType.DATETIME, unsigned: false },
      (w) => w.u8(7).u16(2024).u8(1).u8(2).u8(3).u8(4).u8(5),
      '2024-01-02 03:04:05',
    ],
    [
      { type: ColumnType.TIMESTAMP, unsigned: false },
      (w) => w.u8(11).u16(2024).u8(1).u8(2).u8(3).u8(4).u8(5).u32(120),
      '2024-01-02 03:04:05.000120',
    ],
    [
      { type: ColumnType.TIME, unsigned: false },
      (w) => w.u8(8).u8(1).u32(1).u8(2).u8(3).u8(4),
      '-26:03:04',
    ],
    [
      { type: ColumnType.TIME, unsigned: false },
      (w) => w.u8(12).u8(0).u32(0).u8(2).u8(3).u8(4).u32(500000),
      '02:03:04.500000',
    ],
    [{ type: ColumnType.NULL, unsigned: false }, () => {}, null],
  ];
  const types = cases.map(([type]) => type);
  const payload = executePayload(
    types,
    cases.map(([, write]) => write),
    [],
  );
  const decoded = decodeExecute(payload, types.length, null, new Map());
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  assert.equal(decoded.value.statementId, 5);
  decoded.value.params.forEach((param, index) =>
    assert.deepEqual(param.value, cases[index]![2], `param ${index}`),
  );

  // NULL bitmap and long data replace inline values; new-params-bound 0 reuses the types.
  const two: ParamType[] = [
    { type: ColumnType.LONG, unsigned: false },
    { type: ColumnType.BLOB, unsigned: false },
  ];
  const reuse = new PacketWriter().u8(0x17).u32(5).u8(0).u32(1).u8(0b01).u8(0).finish();
  const long = decodeExecute(reuse, 2, two, new Map([[1, new Uint8Array([9, 9])]]));
  assert.ok(long.ok);
  assert.deepEqual(
    long.value.params.map((param) => param.value),
    [null, new Uint8Array([9, 9])],
  );
  const never = decodeExecute(reuse, 2, null, new Map());
  assert.ok(!never.ok && never.error.kind === 'bad_value');
});

test('COM_STMT_EXECUTE: random bytes and every truncation give typed errors', () => {
  const types: ParamType[] = [
    { type: ColumnType.LONG, unsigned: false },
    { type: ColumnType.VAR_STRING, unsigned: false },
  ];
  const payload = executePayload(types, [(w) => w.i32(1), (w) => w.lenencString('abc')], []);
  for (let length = 0; length < payload.length; length++) {
    const result = decodeExecute(payload.subarray(0, length), 2, null, new Map());
    assert.ok(!result.ok, `truncated at ${length}`);
  }
  for (let round = 0; round < 2000; round++) {
    decodeExecute(randomBytes(round % 80), round % 5, null, new Map());
  }
});

test('binary rows: NULL bitmap at offset 2 and per-type layouts', () => {
  const column = (type: (typeof ColumnType)[keyof typeof ColumnType], flags = 0) => ({
    name: 'c',
    type,
    length: 0,
    flags,
    decimals: 0,
    charset: Charset.BINARY,
  });
  const columns = [
    column(ColumnType.TINY),
    column(ColumnType.LONGLONG, ColumnFlag.UNSIGNED),
    column(ColumnType.DOUBLE),
    column(ColumnType.VAR_STRING),
    column(ColumnType.DATETIME),
    column(ColumnType.TIME),
    column(ColumnType.DATE),
    column(ColumnType.SHORT),
  ];
  const row = [
    -1,
    2n ** 64n - 1n,
    0.5,
    null,
    '2024-01-02 03:04:05.5',
    '-49:00:01',
    '2024-01-02',
    '12',
  ];
  const reader = new PacketReader(encodeBinaryRow(columns, row));
  assert.equal(reader.u8(), 0);
  assert.deepEqual(reader.bytesN(2), new Uint8Array([0b0010_0000, 0]));
  assert.equal(reader.i8(), -1);
  assert.equal(reader.u64(), 2n ** 64n - 1n);
  assert.equal(reader.f64(), 0.5);
  assert.deepEqual(
    [
      reader.u8(),
      reader.u16(),
      reader.u8(),
      reader.u8(),
      reader.u8(),
      reader.u8(),
      reader.u8(),
      reader.u32(),
    ],
    [11, 2024, 1, 2, 3, 4, 5, 500000],
  );
  assert.deepEqual(
    [reader.u8(), reader.u8(), reader.u32(), reader.u8(), reader.u8(), reader.u8()],
    [8, 1, 2, 1, 0, 1],
  );
  assert.deepEqual([reader.u8(), reader.u16(), reader.u8(), reader.u8()], [4, 2024, 1, 2]);
  assert.equal(reader.i16(), 12);
  assert.equal(reader.remaining, 0);
});

test('password hashes and proofs: native and caching_sha2', () => {
  assert.equal(nativePasswordHash('password'), '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19');
  assert.equal(nativePasswordHash(''), '');
  const scramble = generateScramble();
  assert.equal(scramble.length, 20);
  assert.ok(!scramble.includes(0));
  const stored = nativePasswordHash('s3cret');
  assert.ok(verifyNativePassword(stored, scramble, nativePasswordProof('s3cret', scramble)));
  assert.ok(!verifyNativePassword(stored, scramble, nativePasswordProof('wrong', scramble)));
  assert.ok(!verifyNativePassword(stored, scramble, new Uint8Array(0)));
  assert.ok(verifyNativePassword('', scramble, new Uint8Array(0)));

  const verifier = cachingSha2PasswordHash('s3cret');
  assert.ok(verifyCachingSha2Password(verifier, 's3cret'));
  assert.ok(!verifyCachingSha2Password(verifier, 's3creT'));
  assert.ok(!verifyCachingSha2Password('garbage', 's3cret'));
  const digest = cachingSha2Digest('s3cret');
  assert.ok(verifyCachingSha2Proof(digest, scramble, cachingSha2Proof('s3cret', scramble)));
  assert.ok(!verifyCachingSha2Proof(digest, scramble, cachingSha2Proof('other', scramble)));
});

test('property: any payloads under any chunking decode to themselves', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.nat(255),
      (payloads, cutSeeds, firstSequenceId) => {
        const stream = concat(payloads.map((payload) => frame(payload, firstSequenceId)));
        const cuts = [...new Set(cutSeeds.map((seed) => seed % (stream.length + 1)))].sort(
          (a, b) => a - b,
        );
        const packets = decodeAll(stream, cuts);
        assert.deepEqual(
          packets.map((packet) => packet.payload),
          payloads,
        );
      },
    ),
  );
});

test('property: lenenc integers round-trip for every safe integer', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), (value) => {
      assert.equal(
        new PacketReader(new PacketWriter(1).lenencInt(value).finish()).lenencInt(),
        value,
      );
    }),
  );
});

test('an infinite double is sent as the greatest DOUBLE, never as "Infinity" in digits', () => {
  assert.equal(doubleText(Infinity), '1.7976931348623157e308');
  assert.equal(doubleText(-Infinity), '-1.7976931348623157e308');
  assert.equal(doubleText(1e308), '1e308');
  assert.equal(doubleText(0.25), '0.25');
});
