// Goal: every way a replication peer can be refused is refused with the right cause on the side
// that detects it, and the other side learns the cause; a good pair connects and logs Galera's
// line. Method: real TLS sockets on 127.0.0.1 (port 0), certificates made in memory (our
// generator, and @peculiar/x509 directly for shapes it would never produce).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createCa, createNodeCert, type CertificateAndKeyPem } from '../../src/cli/cert.js';
import {
  connectReplication,
  createReplicationServer,
  formatEndpoint,
  handshakeSuccessLine,
  TlsCredentials,
  type PeerInfo,
  type ReplicationServer,
  type TlsLog,
} from '../../src/net/tls.js';
import { loadTlsMaterial, tlsMaterialUnchecked } from '../../src/net/tls-files.js';
import {
  decodeVerdict,
  encodeVerdict,
  TlsRejection,
  tlsRejectionKinds,
  tlsRejectionTexts,
  type TlsRejectionKind,
} from '../../src/net/tls-rejection.js';
import { until } from '../support/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const dayMs = 24 * 60 * 60 * 1000;
const successPattern =
  /^SSL handshake successful, remote endpoint ssl:\/\/127\.0\.0\.1:\d+ local endpoint ssl:\/\/127\.0\.0\.1:\d+ cipher: TLS_AES_256_GCM_SHA384$/;

interface Certs {
  ca: CertificateAndKeyPem;
  node1: CertificateAndKeyPem;
  node2: CertificateAndKeyPem;
  rogueCa: CertificateAndKeyPem;
  rogue: CertificateAndKeyPem;
  expired: CertificateAndKeyPem;
  notYetValid: CertificateAndKeyPem;
  serverAuthOnly: CertificateAndKeyPem;
  clientAuthOnly: CertificateAndKeyPem;
  selfSigned: CertificateAndKeyPem;
}

let certs: Certs;

before(async () => {
  const ca = await createCa({
    name: 'test cluster CA',
    validFrom: new Date(Date.now() - 30 * dayMs),
  });
  const rogueCa = await createCa({ name: 'rogue CA' });
  certs = {
    ca,
    node1: await createNodeCert(ca, { name: 'node1' }),
    node2: await createNodeCert(ca, { name: 'node2' }),
    rogueCa,
    rogue: await createNodeCert(rogueCa, { name: 'rogue' }),
    expired: await createNodeCert(ca, {
      name: 'old',
      validFrom: new Date(Date.now() - 10 * dayMs),
      days: 2,
    }),
    notYetValid: await createNodeCert(ca, {
      name: 'early',
      validFrom: new Date(Date.now() + 2 * dayMs),
      days: 30,
    }),
    serverAuthOnly: await createNodeCert(ca, { name: 'le-style', purposes: ['serverAuth'] }),
    clientAuthOnly: await createNodeCert(ca, { name: 'app', purposes: ['clientAuth'] }),
    selfSigned: await selfSignedCert('lonely'),
  };
});

/** A self-signed leaf: the shape of a certificate made with `openssl req -x509` on one node only. */
async function selfSignedCert(name: string): Promise<CertificateAndKeyPem> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(keyDer, 'PRIVATE KEY') };
}

function credentialsOf(
  leaf: CertificateAndKeyPem,
  ca: CertificateAndKeyPem = certs.ca,
): TlsCredentials {
  return new TlsCredentials(tlsMaterialUnchecked(leaf.keyPem, leaf.certPem, ca.certPem));
}

function leafOnly(leaf: CertificateAndKeyPem): CertificateAndKeyPem {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(leaf.certPem);
  assert.ok(first);
  return { keyPem: leaf.keyPem, certPem: first[0] };
}

interface Side {
  lines: string[];
  rejections: TlsRejection[];
  log: TlsLog;
  onRejection: (rejection: TlsRejection) => void;
}

function side(): Side {
  const lines: string[] = [];
  const rejections: TlsRejection[] = [];
  return {
    lines,
    rejections,
    log: { info: (line) => lines.push(line), warn: (line) => lines.push(line) },
    onRejection: (rejection) => rejections.push(rejection),
  };
}

interface Harness {
  server: ReplicationServer;
  serverSide: Side;
  peers: { socket: net.Socket; info: PeerInfo }[];
}

async function listen(
  credentials: TlsCredentials | null,
  handshakeTimeoutMs?: number,
): Promise<Harness> {
  const serverSide = side();
  const peers: Harness['peers'] = [];
  const server = await createReplicationServer(
    {
      host: '127.0.0.1',
      port: 0,
      credentials,
      log: serverSide.log,
      onRejection: serverSide.onRejection,
      handshakeTimeoutMs,
    },
    (socket, info) => {
      socket.on('error', () => undefined);
      peers.push({ socket, info });
      socket.write('hello from server\n');
    },
  );
  return { server, serverSide, peers };
}

async function dialExpectingRejection(
  harness: Harness,
  credentials: TlsCredentials | null,
): Promise<{ clientSide: Side; error: TlsRejection }> {
  const clientSide = side();
  const error = await connectReplication({
    host: '127.0.0.1',
    port: harness.server.port,
    credentials,
    log: clientSide.log,
    onRejection: clientSide.onRejection,
  }).then(
    ({ socket }) => {
      socket.destroy();
      throw new Error('the connection was accepted');
    },
    (error: unknown) => error,
  );
  assert.ok(error instanceof TlsRejection, `expected a TlsRejection, got ${String(error)}`);
  return { clientSide, error };
}

/** One row of the matrix: who presents what, who must detect what, what the other side learns. */
interface RefusalCase {
  name: string;
  server: () => TlsCredentials | null;
  client: () => TlsCredentials | null;
  detector: 'server' | 'client';
  kind: TlsRejectionKind;
  /** What the other side's rejection says; default: the same kind, detected by the peer. */
  otherKind?: TlsRejectionKind;
}

const refusalCases: RefusalCase[] = [
  {
    name: 'client certificate from another CA, chain included',
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(certs.rogue),
    detector: 'server',
    kind: 'unknown_ca',
  },
  {
    name: 'client certificate from another CA, leaf only',
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(leafOnly(certs.rogue)),
    detector: 'server',
    kind: 'unknown_ca',
  },
  {
    name: 'server certificate from another CA (Galera case A: foreign certificate, cluster CA file)',
    server: () => credentialsOf(certs.rogue),
    client: () => credentialsOf(certs.node2),
    detector: 'client',
    kind: 'unknown_ca',
  },
  {
    name: 'expired client certificate',
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(certs.expired),
    detector: 'server',
    kind: 'cert_expired',
  },
  {
    name: 'expired server certificate',
    server: () => credentialsOf(certs.expired),
    client: () => credentialsOf(certs.node2),
    detector: 'client',
    kind: 'cert_expired',
  },
  {
    name: 'client certificate not yet valid',
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(certs.notYetValid),
    detector: 'server',
    kind: 'cert_not_yet_valid',
  },
  {
    name: 'no client certificate',
    server: () => credentialsOf(certs.node1),
    client: () => new TlsCredentials(tlsMaterialUnchecked('', '', certs.ca.certPem)),
    detector: 'server',
    kind: 'no_certificate',
  },
  {
    name: "client certificate without clientAuth (the Let's Encrypt case)",
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(certs.serverAuthOnly),
    detector: 'server',
    kind: 'missing_client_auth',
  },
  {
    name: 'server certificate without serverAuth (a client certificate on a node)',
    server: () => credentialsOf(certs.clientAuthOnly),
    client: () => credentialsOf(certs.node2),
    detector: 'client',
    kind: 'missing_server_auth',
  },
  {
    name: 'self-signed client certificate',
    server: () => credentialsOf(certs.node1),
    client: () => credentialsOf(certs.selfSigned),
    detector: 'server',
    kind: 'self_signed',
  },
  {
    name: 'plaintext node dialing a TLS node',
    server: () => credentialsOf(certs.node1),
    client: () => null,
    detector: 'server',
    kind: 'plaintext_peer',
  },
  {
    name: 'TLS node dialing a plaintext node',
    server: () => null,
    client: () => credentialsOf(certs.node2),
    detector: 'server',
    kind: 'tls_peer_on_plaintext_node',
  },
];

describe('refusal matrix', () => {
  for (const row of refusalCases) {
    test(row.name, async () => {
      const harness = await listen(row.server());
      try {
        const { clientSide, error } = await dialExpectingRejection(harness, row.client());
        await until('the server to report', () => harness.serverSide.rejections.length > 0);
        const serverRejection = harness.serverSide.rejections[0];
        assert.ok(serverRejection);
        const [detected, told] =
          row.detector === 'server' ? [serverRejection, error] : [error, serverRejection];
        assert.equal(detected.kind, row.kind, detected.message);
        assert.equal(detected.detectedBy, 'local', detected.message);
        assert.equal(told.kind, row.otherKind ?? row.kind, told.message);
        assert.equal(told.detectedBy, 'peer', told.message);
        // Both sides logged one line with the cause and the fix.
        for (const lines of [harness.serverSide.lines, clientSide.lines]) {
          const line = lines.find((l) => l.includes(row.kind));
          assert.ok(line, `no log line with ${row.kind} in ${JSON.stringify(lines)}`);
          assert.match(line, /Fix: /);
        }
        assert.equal(harness.peers.length, 0, 'no peer was handed over');
      } finally {
        await harness.server.close();
      }
    });
  }
});

describe('accepted peers', () => {
  test('a good pair connects, logs the Galera line on both sides, and keeps the bytes after the verdict', async () => {
    const harness = await listen(credentialsOf(certs.node1));
    const clientSide = side();
    try {
      const { socket, info } = await connectReplication({
        host: '127.0.0.1',
        port: harness.server.port,
        credentials: credentialsOf(certs.node2),
        log: clientSide.log,
      });
      const greeting = await readSome(socket);
      assert.equal(greeting, 'hello from server\n');
      assert.equal(info.tls?.cipher, 'TLS_AES_256_GCM_SHA384');
      assert.equal(info.tls?.protocol, 'TLSv1.3');
      assert.match(info.tls?.subject ?? '', /CN=node1/);
      await until('the server to hand over the peer', () => harness.peers.length === 1);
      const peer = harness.peers[0];
      assert.ok(peer);
      assert.match(peer.info.tls?.subject ?? '', /CN=node2/);
      assert.match(clientSide.lines[0] ?? '', successPattern);
      assert.match(harness.serverSide.lines[0] ?? '', successPattern);
      assert.equal(
        harness.serverSide.lines[0],
        handshakeSuccessLine(
          peer.info.remoteEndpoint,
          peer.info.localEndpoint,
          'TLS_AES_256_GCM_SHA384',
        ),
      );
      socket.write('hello from client\n');
      assert.equal(await readSome(peer.socket), 'hello from client\n');
      assert.deepEqual(harness.serverSide.rejections, []);
      socket.destroy();
      peer.socket.destroy();
    } finally {
      await harness.server.close();
    }
  });

  test('two plaintext nodes (socket.ssl=no) connect', async () => {
    const harness = await listen(null);
    try {
      const { socket, info } = await connectReplication({
        host: '127.0.0.1',
        port: harness.server.port,
        credentials: null,
        log: side().log,
      });
      assert.equal(info.tls, null);
      assert.match(info.remoteEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(await readSome(socket), 'hello from server\n');
      socket.destroy();
    } finally {
      await harness.server.close();
    }
  });

  test('TLS 1.2 with a configured cipher (socket.ssl_cipher) works', async () => {
    const cipher = 'ECDHE-ECDSA-AES256-GCM-SHA384';
    const serverCredentials = new TlsCredentials(
      tlsMaterialUnchecked(certs.node1.keyPem, certs.node1.certPem, certs.ca.certPem, cipher),
    );
    const harness = await listen(serverCredentials);
    try {
      const clientCredentials = new TlsCredentials({
        ...tlsMaterialUnchecked(certs.node2.keyPem, certs.node2.certPem, certs.ca.certPem, cipher),
      });
      const clientSide = side();
      const { socket, info } = await connectReplication({
        host: '127.0.0.1',
        port: harness.server.port,
        credentials: clientCredentials,
        log: clientSide.log,
      });
      // Node applies the TLS 1.2 list and keeps its TLS 1.3 suites; both ends agree on one.
      assert.ok(info.tls !== null);
      assert.match(clientSide.lines[0] ?? '', /^SSL handshake successful, .* cipher: \S+$/);
      socket.destroy();
    } finally {
      await harness.server.close();
    }
  });
});

describe('other refusals', () => {
  test('foreign certificate and foreign CA (Galera case B): both sides refuse each other', async () => {
    const harness = await listen(credentialsOf(certs.node1));
    try {
      const { error } = await dialExpectingRejection(
        harness,
        credentialsOf(certs.rogue, certs.rogueCa),
      );
      await until('the server to report', () => harness.serverSide.rejections.length > 0);
      assert.equal(error.kind, 'unknown_ca');
      assert.equal(error.detectedBy, 'local');
      assert.equal(harness.serverSide.rejections[0]?.kind, 'unknown_ca');
      assert.equal(harness.serverSide.rejections[0]?.detectedBy, 'local');
    } finally {
      await harness.server.close();
    }
  });

  test("a second CA with the cluster CA's name is called out", async () => {
    const twinCa = await createCa({
      name: 'test cluster CA',
      validFrom: new Date(Date.now() - dayMs),
    });
    const twin = await createNodeCert(twinCa, { name: 'node9' });
    const harness = await listen(credentialsOf(certs.node1));
    try {
      const { error } = await dialExpectingRejection(harness, credentialsOf(twin));
      assert.equal(error.kind, 'unknown_ca');
      assert.match(error.message, /the name of the cluster CA but another key/);
    } finally {
      await harness.server.close();
    }
  });

  test('no common TLS 1.3 suite: handshake_failed on both sides', async () => {
    const only = (cipher: string, leaf: CertificateAndKeyPem): TlsCredentials =>
      new TlsCredentials(tlsMaterialUnchecked(leaf.keyPem, leaf.certPem, certs.ca.certPem, cipher));
    const harness = await listen(only('TLS_AES_128_GCM_SHA256', certs.node1));
    try {
      const { error } = await dialExpectingRejection(
        harness,
        only('TLS_CHACHA20_POLY1305_SHA256', certs.node2),
      );
      await until('the server to report', () => harness.serverSide.rejections.length > 0);
      assert.equal(error.kind, 'handshake_failed', error.message);
      assert.equal(harness.serverSide.rejections[0]?.kind, 'handshake_failed');
      assert.match(harness.serverSide.rejections[0]?.message ?? '', /NO_SHARED_CIPHER/);
    } finally {
      await harness.server.close();
    }
  });

  test('a TLS peer that never sends its verdict is reported once, as a timeout', async () => {
    const harness = await listen(credentialsOf(certs.node1), 300);
    try {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: harness.server.port,
        key: certs.node2.keyPem,
        cert: certs.node2.certPem,
        ca: certs.ca.certPem,
        checkServerIdentity: () => undefined,
      });
      socket.on('error', () => undefined);
      await until('the timeout', () => harness.serverSide.rejections.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(
        harness.serverSide.rejections.map((r) => r.kind),
        ['timeout'],
      );
      socket.destroy();
    } finally {
      await harness.server.close();
    }
  });

  test('arbitrary plaintext on the TLS port is refused, and the sender can read why', async () => {
    const harness = await listen(credentialsOf(certs.node1));
    try {
      const socket = net.connect({ host: '127.0.0.1', port: harness.server.port });
      socket.write('GET / HTTP/1.1\r\n\r\n');
      const answer = await readAll(socket);
      assert.match(answer, /^TRIREME-PEER REJECT plaintext_peer /);
      await until('the server to report', () => harness.serverSide.rejections.length === 1);
      const rejection = harness.serverSide.rejections[0];
      assert.equal(rejection?.kind, 'plaintext_peer');
      assert.match(
        rejection?.message ?? '',
        /it sent 'GET \/ HTTP\/1\.1\\r\\n…' instead of a TLS ClientHello/,
      );
    } finally {
      await harness.server.close();
    }
  });

  test('a peer that never completes the handshake times out', async () => {
    const harness = await listen(credentialsOf(certs.node1), 200);
    try {
      const socket = net.connect({ host: '127.0.0.1', port: harness.server.port });
      socket.on('error', () => undefined);
      socket.write(Buffer.from([0x16, 0x03, 0x01])); // the start of a ClientHello, then silence
      await until('the timeout', () => harness.serverSide.rejections.length === 1);
      assert.equal(harness.serverSide.rejections[0]?.kind, 'timeout');
      socket.destroy();
    } finally {
      await harness.server.close();
    }
  });

  test('a port nobody listens on gives connect_failed', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    assert.ok(address !== null && typeof address === 'object');
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await connectReplication({
      host: '127.0.0.1',
      port: address.port,
      credentials: credentialsOf(certs.node2),
      log: side().log,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TlsRejection);
    assert.equal(error.kind, 'connect_failed');
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('wrong cluster name has a cause with words and a fix for the handshake layer', () => {
    const rejection = new TlsRejection({
      kind: 'wrong_cluster_name',
      detectedBy: 'local',
      role: 'server',
      remoteEndpoint: 'ssl://10.0.0.2:4567',
      localEndpoint: 'ssl://10.0.0.1:4567',
      detail: "the peer is in 'prod', this node in 'staging'",
    });
    assert.equal(
      rejection.message,
      "Rejected peer, remote endpoint ssl://10.0.0.2:4567 local endpoint ssl://10.0.0.1:4567: wrong_cluster_name: the peer belongs to another cluster (its wsrep_cluster_name differs from this node's) (the peer is in 'prod', this node in 'staging'). Fix: set the same wsrep_cluster_name on every node of the cluster, or remove the node from wsrep_cluster_address.",
    );
  });

  test('every cause has both wordings and a fix', () => {
    for (const kind of tlsRejectionKinds) {
      const text = tlsRejectionTexts[kind];
      assert.ok(text.local.length > 20 && text.peer.length > 20 && text.fix.length > 20, kind);
    }
  });
});

describe('wire details', () => {
  test('verdict lines round-trip, and text from a peer cannot reach the log raw', () => {
    assert.deepEqual(decodeVerdict(encodeVerdict({ kind: 'ok' }).trimEnd()), { kind: 'ok' });
    assert.deepEqual(decodeVerdict(encodeVerdict({ kind: 'plain' }).trimEnd()), { kind: 'plain' });
    const line = encodeVerdict({
      kind: 'reject',
      cause: 'cert_expired',
      detail: 'bad\u001b[31m\nnews',
    });
    assert.equal(line, 'TRIREME-PEER REJECT cert_expired bad?[31m?news\n');
    assert.deepEqual(decodeVerdict(line.trimEnd()), {
      kind: 'reject',
      cause: 'cert_expired',
      detail: 'bad?[31m?news',
    });
    assert.equal(decodeVerdict('TRIREME-PEER REJECT no_such_cause x'), null);
    assert.equal(decodeVerdict('HTTP/1.1 200 OK'), null);
  });

  test('endpoints are written like Galera writes them', () => {
    assert.equal(formatEndpoint('ssl', '10.0.0.1', 4567), 'ssl://10.0.0.1:4567');
    assert.equal(formatEndpoint('ssl', '::ffff:10.0.0.1', 4567), 'ssl://10.0.0.1:4567');
    assert.equal(formatEndpoint('ssl', '::1', 4567), 'ssl://[::1]:4567');
    assert.equal(formatEndpoint('tcp', 'fd00::2', 4568), 'tcp://[fd00::2]:4568');
  });
});

describe('reload (socket.ssl_reload)', () => {
  test('new connections get the reloaded certificate; a broken file keeps the old one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trireme-tls-reload-'));
    const paths = {
      keyPath: join(dir, 'key.pem'),
      certPath: join(dir, 'cert.pem'),
      caPath: join(dir, 'ca.pem'),
    };
    await writeFile(paths.caPath, certs.ca.certPem);
    await writeFile(paths.keyPath, certs.node1.keyPem);
    await writeFile(paths.certPath, certs.node1.certPem);
    const loaded = await TlsCredentials.load(paths);
    assert.ok(loaded.ok);
    const harness = await listen(loaded.credentials);
    try {
      const subjectSeen = async (): Promise<string> => {
        const { socket, info } = await connectReplication({
          host: '127.0.0.1',
          port: harness.server.port,
          credentials: credentialsOf(certs.node2),
          log: side().log,
        });
        socket.destroy();
        return info.tls?.subject ?? '';
      };
      assert.match(await subjectSeen(), /CN=node1/);
      const renewed = await createNodeCert(certs.ca, { name: 'node1-renewed' });
      await writeFile(paths.keyPath, renewed.keyPem);
      await writeFile(paths.certPath, renewed.certPem);
      const result = await harness.server.reload();
      assert.ok(result.ok);
      assert.match(await subjectSeen(), /CN=node1-renewed/);
      await writeFile(paths.keyPath, certs.node2.keyPem); // no longer matches the certificate
      const broken = await harness.server.reload();
      assert.equal(broken.ok ? 'ok' : broken.error.kind, 'key_mismatch');
      assert.match(await subjectSeen(), /CN=node1-renewed/);
    } finally {
      await harness.server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('certificates from the classic openssl steps', () => {
  test(
    'RSA 2048 certificates without any extended key usage are accepted',
    { skip: hasOpenssl ? false : 'openssl is not installed' },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'trireme-tls-openssl-'));
      const run = (...args: string[]): void => {
        execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      };
      try {
        // The steps of the Galera and MariaDB documentation.
        run('genrsa', '-out', 'ca-key.pem', '2048');
        run(
          'req',
          '-new',
          '-x509',
          '-nodes',
          '-days',
          '365',
          '-key',
          'ca-key.pem',
          '-out',
          'ca-cert.pem',
          '-subj',
          '/C=XX/O=galera-anchor/CN=galera-anchor-CA',
        );
        for (const name of ['server', 'other']) {
          run(
            'req',
            '-newkey',
            'rsa:2048',
            '-days',
            '365',
            '-nodes',
            '-keyout',
            `${name}-key.pem`,
            '-out',
            `${name}-req.pem`,
            '-subj',
            `/C=XX/O=galera-anchor/CN=${name}`,
          );
          run(
            'x509',
            '-req',
            '-in',
            `${name}-req.pem`,
            '-days',
            '365',
            '-CA',
            'ca-cert.pem',
            '-CAkey',
            'ca-key.pem',
            '-set_serial',
            name === 'server' ? '01' : '02',
            '-out',
            `${name}-cert.pem`,
          );
        }
        const serverCert = new X509Certificate(await readText(join(dir, 'server-cert.pem')));
        assert.equal(
          serverCert.keyUsage,
          undefined,
          'the classic steps make no extended key usage',
        );
        const load = async (name: string): Promise<TlsCredentials> => {
          const result = await loadTlsMaterial({
            keyPath: join(dir, `${name}-key.pem`),
            certPath: join(dir, `${name}-cert.pem`),
            caPath: join(dir, 'ca-cert.pem'),
          });
          assert.ok(result.ok, result.ok ? '' : result.error.message);
          return new TlsCredentials(result.material);
        };
        const harness = await listen(await load('server'));
        try {
          const clientSide = side();
          const { socket } = await connectReplication({
            host: '127.0.0.1',
            port: harness.server.port,
            credentials: await load('other'),
            log: clientSide.log,
          });
          assert.match(clientSide.lines[0] ?? '', successPattern);
          socket.destroy();
        } finally {
          await harness.server.close();
        }
        // Our generator also signs with such an RSA CA.
        const leaf = await createNodeCert(
          {
            certPem: await readText(join(dir, 'ca-cert.pem')),
            keyPem: await readText(join(dir, 'ca-key.pem')),
          },
          { name: 'node3', days: 300 },
        );
        assert.ok(
          new X509Certificate(leaf.certPem).checkIssued(
            new X509Certificate(await readText(join(dir, 'ca-cert.pem'))),
          ),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

after(() => {
  // Nothing global to release: every test closes its own server.
});

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path, 'utf8');
}

function readSome(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
    socket.once('error', reject);
  });
}

function readAll(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
