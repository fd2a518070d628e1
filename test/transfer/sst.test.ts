// Goal: an SST stream carries a database file and its log window intact over mutual TLS, refuses
// a donor from another CA, and rejects a stream that does not add up. Method: real sockets on
// 127.0.0.1 with certificates from our generator; a hand-made donor for the bad stream.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { createCa, createNodeCert, type CertificateAndKeyPem } from '../../src/cli/cert.js';
import { encodeFrame } from '../../src/codec/frame.js';
import type { Entry } from '../../src/core/consensus/types.js';
import { index, nodeId, term } from '../../src/core/types.js';
import { tlsMaterialUnchecked } from '../../src/net/tls-files.js';
import { connectReplication, TlsCredentials, type TlsLog } from '../../src/net/tls.js';
import type net from 'node:net';
import { receiveState, sendState, type SstLog, type SstReceiver } from '../../src/transfer/sst.js';
import {
  chooseSstStream,
  decodeControl,
  encodeControl,
  encodeHeader,
  parseHostPort,
  sstFrameTypes,
  type SstHeader,
  type SstRequest,
} from '../../src/transfer/stream.js';
import { sstRequestCapabilities } from '../../src/node/sst-method.js';

let ca: CertificateAndKeyPem;
let otherCa: CertificateAndKeyPem;
const dir = mkdtempSync(join(tmpdir(), 'trireme-sst-'));
const quiet: SstLog & TlsLog = { note: () => {}, warn: () => {}, info: () => {} };
const warnings: string[] = [];
const recording: TlsLog = { info: () => {}, warn: (m) => warnings.push(m) };

before(async () => {
  ca = await createCa({ name: 'sst test CA' });
  otherCa = await createCa({ name: 'another CA' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function credentials(authority: CertificateAndKeyPem, name: string): Promise<TlsCredentials> {
  const leaf = await createNodeCert(authority, { name });
  return new TlsCredentials(tlsMaterialUnchecked(leaf.keyPem, leaf.certPem, authority.certPem));
}

function entries(from: number, count: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({
    index: index(from + i),
    term: term(2),
    kind: 'normal',
    data: Uint8Array.from(randomBytes(40)),
    config: null,
    origin: nodeId('n1'),
    proposalId: i,
  }));
}

const boundary = {
  index: index(100),
  term: term(1),
  config: { voters: [nodeId('n1')], learners: [] },
};

for (const digest of [undefined, 'none'] as const)
  test(`a state and its log window arrive whole over mutual TLS (digest ${digest ?? 'sha256'})`, async () => {
    const source = join(dir, `source-${digest ?? 'sha256'}.db`);
    const bytes = randomBytes(2_500_000 + 17); // several chunks, the last one partial
    writeFileSync(source, bytes);
    const window = entries(101, 50);
    const nonce = randomUUID();
    const receiver = await receiveState({
      credentials: await credentials(ca, 'joiner'),
      host: '127.0.0.1',
      port: 0,
      nonce,
      dbPath: join(dir, `incoming-${digest ?? 'sha256'}.db`),
      timeoutMs: 10_000,
      log: quiet,
      tlsLog: quiet,
    });
    const port = Number(receiver.address.split(':').pop());
    const sent = await sendState({
      credentials: await credentials(ca, 'donor'),
      host: '127.0.0.1',
      port,
      header: {
        nonce,
        donor: 'n1',
        stateUuid: randomUUID(),
        index: index(150),
        term: term(2),
        boundary,
        entryCount: window.length,
        ...(digest === undefined ? {} : { digest }),
      },
      dbPath: source,
      entries: window,
      log: quiet,
      tlsLog: quiet,
    });
    assert.deepEqual(sent, { ok: true, value: null });
    const received = await receiver.received;
    await receiver.close();
    assert.ok(received.ok, received.ok ? '' : received.error);
    assert.equal(received.value.header.index, 150);
    assert.deepEqual(received.value.header.boundary, boundary);
    assert.deepEqual(readFileSync(received.value.dbPath), bytes);
    assert.deepEqual(received.value.entries, window);
    assert.equal(received.value.header.digest, digest);
  });

test('a donor with a certificate from another CA is refused, with the cause logged', async () => {
  const source = join(dir, 'source2.db');
  writeFileSync(source, randomBytes(1000));
  const nonce = randomUUID();
  warnings.length = 0;
  const receiver = await receiveState({
    credentials: await credentials(ca, 'joiner'),
    host: '127.0.0.1',
    port: 0,
    nonce,
    dbPath: join(dir, 'incoming2.db'),
    timeoutMs: 1_500,
    log: quiet,
    tlsLog: recording,
  });
  const port = Number(receiver.address.split(':').pop());
  const sent = await sendState({
    credentials: await credentials(otherCa, 'stranger'),
    host: '127.0.0.1',
    port,
    header: {
      nonce,
      donor: 'x',
      stateUuid: null,
      index: index(100),
      term: term(1),
      boundary,
      entryCount: 0,
    },
    dbPath: source,
    entries: [],
    log: quiet,
    tlsLog: quiet,
  });
  assert.equal(sent.ok, false);
  const received = await receiver.received;
  await receiver.close();
  assert.equal(received.ok, false, 'nothing was received');
  assert.ok(
    warnings.some((w) => /another CA|not signed|unknown/i.test(w)),
    `the joiner logged why: ${warnings.join(' | ')}`,
  );
});

/**
 * A joiner listening on a free port and a raw socket to it, for streams no real donor sends; the
 * header of a 4-byte database and no entries is written first.
 */
async function rawStream(
  name: string,
  tls: boolean,
  extra: Partial<SstHeader> = {},
): Promise<{ receiver: SstReceiver; socket: net.Socket }> {
  const nonce = randomUUID();
  const receiver = await receiveState({
    credentials: tls ? await credentials(ca, 'joiner') : null,
    host: '127.0.0.1',
    port: 0,
    nonce,
    dbPath: join(dir, name),
    timeoutMs: 5_000,
    log: quiet,
    tlsLog: quiet,
  });
  const port = Number(receiver.address.split(':').pop());
  const { socket } = await connectReplication({
    credentials: tls ? await credentials(ca, 'donor') : null,
    host: '127.0.0.1',
    port,
    log: quiet,
  });
  const header: SstHeader = {
    nonce,
    donor: 'n1',
    stateUuid: null,
    index: index(100),
    term: term(1),
    boundary,
    dbBytes: 4,
    entryCount: 0,
    ...extra,
  };
  socket.write(encodeFrame(sstFrameTypes.header, encodeHeader(header)));
  return { receiver, socket };
}

test('a stream whose database does not match its checksum is rejected', async () => {
  const { receiver, socket } = await rawStream('incoming3.db', true);
  socket.write(encodeFrame(sstFrameTypes.db, Uint8Array.from([1, 2, 3, 4])));
  socket.write(
    encodeFrame(
      sstFrameTypes.end,
      new TextEncoder().encode(JSON.stringify({ sha256: '0'.repeat(64) })),
    ),
  );
  const received = await receiver.received;
  socket.destroy();
  await receiver.close();
  assert.deepEqual(received, { ok: false, error: 'the database SHA-256 does not match the donor' });
});

test('control messages round-trip and malformed ones are values, not crashes', () => {
  const request = { type: 'sst_request', nonce: 'n', upTo: 7, address: '127.0.0.1:4444' } as const;
  assert.deepEqual(decodeControl(encodeControl(request)), { ok: true, value: request });
  assert.equal(decodeControl(new TextEncoder().encode('{"type":"sst_request"}')).ok, false);
  assert.equal(decodeControl(new TextEncoder().encode('not json')).ok, false);
  assert.equal(decodeControl(new TextEncoder().encode('{"type":"state","uuid":"x"}')).ok, false);
  assert.equal(decodeControl(new Uint8Array(5000)).ok, false);
});

test('receive addresses parse as host and port, IPv6 in brackets', () => {
  assert.deepEqual(parseHostPort('127.0.0.1:4444'), { host: '127.0.0.1', port: 4444 });
  assert.deepEqual(parseHostPort('[::1]:4444'), { host: '::1', port: 4444 });
  assert.deepEqual(parseHostPort('db-1.example:4444'), { host: 'db-1.example', port: 4444 });
  assert.equal(parseHostPort('127.0.0.1'), null);
  assert.equal(parseHostPort('127.0.0.1:0'), null);
  assert.equal(parseHostPort('127.0.0.1:70000'), null);
});

test('a donor streaming many chunks adds no listener per chunk (no MaxListenersExceededWarning)', async () => {
  const seen: string[] = [];
  const onWarning = (warning: Error): void => void seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    const source = join(dir, 'large.db');
    writeFileSync(source, randomBytes(24 * 1024 * 1024)); // 24 chunks, each waits for 'drain'
    const nonce = randomUUID();
    const receiver = await receiveState({
      credentials: await credentials(ca, 'joiner'),
      host: '127.0.0.1',
      port: 0,
      nonce,
      dbPath: join(dir, 'large-incoming.db'),
      timeoutMs: 20_000,
      log: quiet,
      tlsLog: quiet,
    });
    const sent = await sendState({
      credentials: await credentials(ca, 'donor'),
      host: '127.0.0.1',
      port: Number(receiver.address.split(':').pop()),
      header: {
        nonce,
        donor: 'n1',
        stateUuid: randomUUID(),
        index: index(100),
        term: term(1),
        boundary,
        entryCount: 0,
      },
      dbPath: source,
      entries: [],
      log: quiet,
      tlsLog: quiet,
    });
    assert.deepEqual(sent, { ok: true, value: null });
    const received = await receiver.received;
    await receiver.close();
    assert.ok(received.ok, received.ok ? '' : received.error);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      seen.filter((w) => w.includes('MaxListenersExceeded')),
      [],
    );
  } finally {
    process.off('warning', onWarning);
  }
});

test('a stream without TLS that announces no SHA-256 is refused', async () => {
  const { receiver, socket } = await rawStream('incoming-plain.db', false, { digest: 'none' });
  const received = await receiver.received;
  socket.destroy();
  await receiver.close();
  assert.deepEqual(received, {
    ok: false,
    error: 'the donor announced no SHA-256 on a stream without TLS',
  });
});

test('an SST request says digest none only as sent, and keeps method and logical', () => {
  for (const request of [
    { type: 'sst_request', nonce: 'n', upTo: 7, address: 'h:1' },
    { type: 'sst_request', nonce: 'n', upTo: 7, address: 'h:1', method: 'rsync', digest: 'none' },
    {
      type: 'sst_request',
      nonce: 'n',
      upTo: 7,
      address: 'h:1',
      method: 'mysqldump',
      logical: true,
    },
  ] as const)
    assert.deepEqual(decodeControl(encodeControl(request)), { ok: true, value: request });
});

test('the joiner lets the donor close after the end frame: no reset for a transfer that arrived whole', async () => {
  const { receiver, socket } = await rawStream('incoming-close.db', true);
  const data = Uint8Array.from([1, 2, 3, 4]);
  const errors: string[] = [];
  socket.on('error', (error) => errors.push(error.message));
  const closed = once(socket, 'close');
  socket.write(encodeFrame(sstFrameTypes.db, data));
  const sha256 = createHash('sha256').update(data).digest('hex');
  socket.write(
    encodeFrame(sstFrameTypes.end, new TextEncoder().encode(JSON.stringify({ sha256 }))),
  );
  // The donor closes right after its last write, as sendState does: its close arrives while the
  // joiner handles the end frame.
  socket.end();
  await closed;
  const received = await receiver.received;
  await receiver.close();
  assert.ok(received.ok, received.ok ? '' : received.error);
  assert.deepEqual(errors, [], 'the donor saw no reset');
});

/** A request as its bytes arrive on the replication link, written by hand. */
function requestOf(json: string): SstRequest {
  const decoded = decodeControl(new TextEncoder().encode(json));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  assert.equal(decoded.value.type, 'sst_request');
  return decoded.value as SstRequest;
}

const head = '"type":"sst_request","nonce":"n","upTo":7,"address":"h:1"';

test('a donor chooses only a stream the joiner can read, and refuses naming what it lacks', () => {
  const plain = { encrypted: false, tls: true };
  const encrypted = { encrypted: true, tls: true };
  const cases: Array<[string, typeof plain, string]> = [
    // A release before the list and before digest none: a file with a SHA-256, plaintext only.
    [`{${head},"method":"rsync"}`, plain, 'physical key=false digest=sha256 pages=chacha20'],
    [`{${head},"method":"rsync"}`, encrypted, "refused: missing capability 'transfer-key'"],
    [
      `{${head},"method":"mysqldump","logical":true}`,
      plain,
      'logical key=false digest=sha256 pages=chacha20',
    ],
    // A release that asks for no SHA-256 came after the transfer key: it installs one.
    [
      `{${head},"method":"rsync","digest":"none"}`,
      encrypted,
      'physical key=true digest=none pages=chacha20',
    ],
    [
      `{${head},"digest":"none"}`,
      { encrypted: false, tls: false },
      'physical key=false digest=sha256 pages=chacha20',
    ],
    // A list says it all, whatever the other fields.
    [
      `{${head},"digest":"none","supports":["physical"]}`,
      plain,
      'physical key=false digest=sha256 pages=chacha20',
    ],
    [
      `{${head},"digest":"none","supports":["physical"]}`,
      encrypted,
      "refused: missing capability 'transfer-key'",
    ],
    [
      `{${head},"logical":true,"method":"mysqldump","supports":["physical"]}`,
      plain,
      "refused: missing capability 'logical'",
    ],
    [`{${head},"supports":["logical"]}`, plain, "refused: missing capability 'physical'"],
    [
      `{${head},"digest":"none","supports":["physical","transfer-key","digest-none","zstd"]}`,
      encrypted,
      'physical key=true digest=none pages=chacha20',
    ],
    [
      `{${head},"supports":["physical","transfer-key","digest-none"]}`,
      encrypted,
      'physical key=true digest=sha256 pages=chacha20',
    ],
    [
      `{${head},"digest":"none","supports":["physical","transfer-key","digest-none","page-cipher-aegis"]}`,
      encrypted,
      'physical key=true digest=none pages=aegis',
    ],
  ];
  for (const [json, donor, expected] of cases) {
    const chosen = chooseSstStream(requestOf(json), donor);
    const got = chosen.ok
      ? `${chosen.value.format} key=${chosen.value.transferKey} digest=${chosen.value.digest} pages=${chosen.value.pageScheme}`
      : `refused: ${/missing capability '[a-z-]+'/.exec(chosen.error)?.[0] ?? chosen.error}`;
    assert.equal(got, expected, `${json} from a donor ${JSON.stringify(donor)}`);
  }
  const refusal = chooseSstStream(requestOf(`{${head},"method":"rsync"}`), encrypted);
  assert.equal(
    refusal.ok ? '' : refusal.error,
    "this donor's database is encrypted and it sends a copy only under a transfer key, which the joiner cannot install (missing capability 'transfer-key'; its release supports physical): upgrade the joiner, or let an unencrypted node donate (wsrep_sst_donor)",
  );
});

test('a capability list is checked: unknown names are dropped, malformed lists are errors', () => {
  assert.deepEqual(requestOf(`{${head},"supports":["zstd","physical","physical"]}`).supports, [
    'physical',
  ]);
  for (const bad of ['"physical"', '[1]', '["Physical"]', `[${'"x",'.repeat(32)}"x"]`])
    assert.equal(
      decodeControl(new TextEncoder().encode(`{${head},"supports":${bad}}`)).ok,
      false,
      bad,
    );
  // This build's joiner lists everything it reads; digest-none only over TLS.
  for (const tls of [true, false]) {
    const fields = sstRequestCapabilities(tls, {});
    const request = requestOf(
      JSON.stringify({ type: 'sst_request', nonce: 'n', upTo: 7, address: 'h:1', ...fields }),
    );
    assert.deepEqual(
      request.supports,
      tls
        ? ['physical', 'logical', 'transfer-key', 'digest-none', 'page-cipher-aegis']
        : ['physical', 'logical', 'transfer-key', 'page-cipher-aegis'],
    );
    assert.equal(request.digest, tls ? 'none' : undefined);
  }
  assert.deepEqual(sstRequestCapabilities(true, { TRIREME_TEST_SST_REQUEST: 'legacy' }), {});
  assert.deepEqual(sstRequestCapabilities(true, { TRIREME_TEST_SST_REQUEST: 'before-aegis' }), {
    supports: ['physical', 'logical', 'transfer-key', 'digest-none'],
    digest: 'none',
  });
});
