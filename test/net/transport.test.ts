// Goal: the replication transport forms one link per pair of nodes, refuses misconfigured peers
// on both sides with the cause logged, survives dead links and bad bytes, bounds its queues and
// leaves nothing running after stop(). Method: real transports on 127.0.0.1 (port 0 or a free
// port), certificates from our generator, a TCP proxy between two nodes to cut or freeze the path,
// and a hand-made peer (connectReplication + our HELLO) that sends bad frames.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { createCa, createNodeCert, type CertificateAndKeyPem } from '../../src/cli/cert.js';
import { encodeFrame } from '../../src/codec/frame.js';
import type { Message } from '../../src/core/consensus/types.js';
import { index, nodeId, term, type NodeId } from '../../src/core/types.js';
import {
  encodeHello,
  frameTypes,
  protocolVersionMax,
  type VersionRange,
} from '../../src/net/handshake.js';
import { tlsMaterialUnchecked } from '../../src/net/tls-files.js';
import { connectReplication, TlsCredentials } from '../../src/net/tls.js';
import {
  Transport,
  type LinkCloseReason,
  type PeerAddress,
  type PeerStatus,
  type TransportLimits,
} from '../../src/net/transport.js';
import { freePort, until } from '../support/index.js';

let ca: CertificateAndKeyPem;
const leaves = new Map<string, CertificateAndKeyPem>();

before(async () => {
  ca = await createCa({ name: 'transport test CA' });
  for (const name of ['n1', 'n2', 'n3', 'evil'])
    leaves.set(name, await createNodeCert(ca, { name }));
});

function credentialsOf(name: string): TlsCredentials {
  const leaf = leaves.get(name) ?? leaves.get('n1')!;
  return new TlsCredentials(tlsMaterialUnchecked(leaf.keyPem, leaf.certPem, ca.certPem));
}

const fastLimits: Partial<TransportLimits> = {
  reconnectDelayMsInitial: 20,
  reconnectDelayMsMax: 200,
  keepaliveIntervalMs: 50,
  keepaliveTimeoutMs: 2_000,
  duplicateGraceMs: 500,
};

interface Node {
  readonly name: NodeId;
  readonly uuid: string;
  readonly transport: Transport;
  readonly address: PeerAddress;
  readonly lines: string[];
  readonly ups: { nodeId: NodeId; status: PeerStatus }[];
  readonly downs: { nodeId: NodeId; reason: LinkCloseReason }[];
  readonly received: { from: NodeId; message: Message }[];
}

const running = new Set<Transport>();

interface NodeOptions {
  peers?: readonly PeerAddress[];
  port?: number;
  uuid?: string;
  plaintext?: boolean;
  clusterName?: string;
  versions?: VersionRange;
  limits?: Partial<TransportLimits>;
}

async function startNode(name: string, options: NodeOptions = {}): Promise<Node> {
  const lines: string[] = [];
  const node = {
    name: nodeId(name),
    uuid: options.uuid ?? randomUUID(),
    lines,
    ups: [] as Node['ups'],
    downs: [] as Node['downs'],
    received: [] as Node['received'],
  };
  const transport = new Transport({
    clusterName: options.clusterName ?? 'test-cluster',
    nodeUuid: node.uuid,
    nodeName: node.name,
    listen: { host: '127.0.0.1', port: options.port ?? 0 },
    peers: options.peers ?? [],
    credentials: options.plaintext === true ? null : credentialsOf(name),
    log: { info: (line) => lines.push(line), warn: (line) => lines.push(`WARN ${line}`) },
    handlers: {
      onMessage: (from, message) => node.received.push({ from, message }),
      onPeerUp: (peer, status) => node.ups.push({ nodeId: peer, status }),
      onPeerDown: (peer, reason) => node.downs.push({ nodeId: peer, reason }),
    },
    versions: options.versions,
    limits: { ...fastLimits, ...options.limits },
    random: () => 0,
  });
  running.add(transport);
  const address = await transport.start();
  return { ...node, transport, address };
}

async function stopNode(node: Node): Promise<void> {
  await node.transport.stop();
  running.delete(node.transport);
}

const relays = new Set<Relay>();

after(async () => {
  await Promise.all([...running].map((transport) => transport.stop()));
  await Promise.all([...relays].map((relay) => relay.close()));
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a test body again when a port it chose was taken meanwhile (other test processes share
 * the machine); what the failed attempt started is stopped first.
 */
async function retryOnAddressInUse(body: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await body();
    } catch (error) {
      if (attempt >= 5 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      await Promise.all([...running].map((transport) => transport.stop()));
      running.clear();
      await Promise.all([...relays].map((relay) => relay.close()));
      relays.clear();
    }
  }
}

function heartbeat(from: NodeId, to: NodeId, readSeq: number): Message {
  return {
    type: 'heartbeat',
    from,
    to,
    term: term(3),
    commit: index(41),
    readSeq,
    flowControl: false,
  };
}

function append(from: NodeId, to: NodeId, dataBytes: number): Message {
  return {
    type: 'append',
    from,
    to,
    term: term(3),
    prevIndex: index(10),
    prevTerm: term(3),
    commit: index(10),
    entries: [
      {
        index: index(11),
        term: term(3),
        kind: 'normal',
        data: new Uint8Array(dataBytes).fill(7),
        config: null,
        origin: from,
        proposalId: 1,
      },
    ],
  };
}

function peerNames(node: Node): string[] {
  return node.transport.peers().map((peer) => peer.nodeId);
}

function warnings(node: Node, pattern: RegExp): string[] {
  return node.lines.filter((line) => line.startsWith('WARN') && pattern.test(line));
}

test('three nodes that each dial all three form one link per pair and exchange messages', () =>
  retryOnAddressInUse(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const peers = ports.map((port) => ({ host: '127.0.0.1', port }));
    const nodes = await Promise.all(
      ['n1', 'n2', 'n3'].map((name, i) => startNode(name, { peers, port: ports[i] })),
    );
    await until('a full mesh', () => nodes.every((node) => node.transport.peers().length === 2));
    await sleep(150); // let duplicate links (everyone dialed everyone) resolve
    for (const node of nodes) {
      assert.deepEqual(
        peerNames(node),
        ['n1', 'n2', 'n3'].filter((name) => name !== node.name),
      );
      assert.equal(node.transport.stats().linksOpen, 2, `${node.name} has one link per peer`);
      assert.deepEqual(node.downs, [], `${node.name} saw no peer go down`);
      const self = node.transport.targets().filter((target) => target.state === 'self');
      assert.deepEqual(
        self.map((target) => target.address),
        [`127.0.0.1:${node.address.port}`],
        'its own address is recognised and no longer dialed',
      );
      for (const peer of node.transport.peers()) {
        const other = nodes.find((candidate) => candidate.name === peer.nodeId)!;
        assert.equal(peer.nodeUuid, other.uuid);
        assert.equal(peer.listenAddress, `127.0.0.1:${other.address.port}`);
        assert.equal(peer.protocolVersion, protocolVersionMax);
        assert.equal(peer.cipher, 'TLS_AES_256_GCM_SHA384');
        // The kept link is the one dialed by the smaller UUID.
        assert.equal(peer.direction, node.uuid < other.uuid ? 'outbound' : 'inbound');
      }
    }
    for (const from of nodes) {
      for (const to of nodes) {
        if (from !== to) {
          assert.ok(from.transport.send(to.name, heartbeat(from.name, to.name, 1)));
          assert.ok(from.transport.send(to.name, append(from.name, to.name, 3000)));
        }
      }
    }
    await until('all messages', () => nodes.every((node) => node.received.length === 4));
    for (const node of nodes) {
      for (const { from, message } of node.received) {
        assert.equal(message.from, from);
        assert.equal(message.to, node.name);
        if (message.type === 'append') assert.equal(message.entries[0]?.data.length, 3000);
      }
      assert.equal(node.transport.stats().messagesReceived, 4);
    }
    await Promise.all(nodes.map(stopNode));
  }));

test('the link runs at the highest common version; disjoint ranges are refused on both sides', async () => {
  const b = await startNode('n2', { versions: { min: 2, max: 5 } });
  const a = await startNode('n1', { versions: { min: 1, max: 3 }, peers: [b.address] });
  await until('the link', () => a.ups.length === 1 && b.ups.length === 1);
  assert.equal(a.ups[0]!.status.protocolVersion, 3);
  assert.equal(b.ups[0]!.status.protocolVersion, 3);
  await Promise.all([stopNode(a), stopNode(b)]);

  const d = await startNode('n2', { versions: { min: 2, max: 2 } });
  const c = await startNode('n1', { versions: { min: 1, max: 1 }, peers: [d.address] });
  await until(
    'both refusals',
    () =>
      warnings(c, /no_common_version/).length > 0 && warnings(d, /no_common_version/).length > 0,
  );
  assert.match(
    warnings(c, /no_common_version/)[0]!,
    /this node speaks versions 1\.\.1, the peer n2 2\.\.2: the peer is too new\)\. Fix: /,
  );
  assert.deepEqual([c.ups, d.ups], [[], []]);
  await until('backoff', () => c.transport.targets()[0]!.state === 'backoff');
  assert.equal(
    c.transport.targets()[0]!.delayMs,
    200,
    'a configuration cause backs off to the max',
  );
  await Promise.all([stopNode(c), stopNode(d)]);
});

test('a wrong cluster name is refused on both sides, logged with the fix, at a low rate', async () => {
  const b = await startNode('n2', { clusterName: 'beta' });
  const a = await startNode('n1', { clusterName: 'alpha', peers: [b.address] });
  const pattern =
    /wrong_cluster_name: the peer belongs to another cluster .*'(alpha|beta)'.*'(alpha|beta)'.*Fix: set the same wsrep_cluster_name/;
  await until(
    'both refusals',
    () => warnings(a, pattern).length === 1 && warnings(b, pattern).length === 1,
  );
  assert.equal(a.transport.targets()[0]!.delayMs, 200, 'backs off to the max');
  // Retries go on every 200 ms, but the same warning is not repeated within a minute.
  await until('three refused attempts', () => b.transport.stats().linksRefused >= 3);
  assert.equal(warnings(a, /wrong_cluster_name/).length, 1);
  assert.equal(warnings(b, /wrong_cluster_name/).length, 1);
  assert.equal(a.lines.filter((line) => line.startsWith('SSL handshake successful')).length, 1);
  assert.ok(a.transport.targets()[0]!.failures >= 3);
  assert.deepEqual([a.ups, b.ups], [[], []]);
  await Promise.all([stopNode(a), stopNode(b)]);
});

test('a second node with a live node name is refused on both sides', async () => {
  const a = await startNode('n1');
  const b = await startNode('n2', { peers: [a.address] });
  await until('the first n2', () => a.ups.length === 1);
  const impostor = await startNode('n2', { peers: [a.address] });
  const pattern = /duplicate_node_name: .*'n2' is already connected with UUID/;
  await until(
    'both refusals',
    () => warnings(a, pattern).length === 1 && warnings(impostor, pattern).length === 1,
  );
  assert.deepEqual(peerNames(a), ['n2']);
  assert.equal(a.transport.peers()[0]!.nodeUuid, b.uuid);
  assert.deepEqual(impostor.ups, []);
  await Promise.all([stopNode(a), stopNode(b), stopNode(impostor)]);
});

test('two nodes dialing each other at once end with one link and no flap', () =>
  retryOnAddressInUse(async () => {
    for (let round = 0; round < 3; round++) {
      const ports = [await freePort(), await freePort()];
      const peers = ports.map((port) => ({ host: '127.0.0.1', port }));
      const [a, b] = await Promise.all([
        startNode('n1', { peers: [peers[1]!], port: ports[0] }),
        startNode('n2', { peers: [peers[0]!], port: ports[1] }),
      ]);
      assert.ok(a !== undefined && b !== undefined);
      await until('both up', () => a.ups.length === 1 && b.ups.length === 1);
      await until(
        'one link',
        () => a.transport.stats().linksOpen === 1 && b.transport.stats().linksOpen === 1,
      );
      await sleep(100);
      assert.equal(a.transport.stats().linksOpen, 1);
      assert.equal(b.transport.stats().linksOpen, 1);
      assert.deepEqual([a.downs, b.downs], [[], []], 'no peer went down');
      assert.equal(a.ups.length + b.ups.length, 2, 'each saw the other come up once');
      const expected = a.uuid < b.uuid ? 'outbound' : 'inbound';
      assert.equal(a.transport.peers()[0]!.direction, expected);
      assert.ok(a.transport.send(b.name, heartbeat(a.name, b.name, 9)));
      await until('a message over the kept link', () => b.received.length === 1);
      await Promise.all([stopNode(a), stopNode(b)]);
    }
  }));

/** A TCP relay between a dialer and a listener, to cut, freeze or refuse the path. */
class Relay {
  private server: net.Server;
  private readonly pairs = new Set<net.Socket>();
  frozen = false;
  connections = 0;

  private constructor(
    readonly port: number,
    private readonly target: PeerAddress,
  ) {
    this.server = this.createServer();
  }

  static async start(target: PeerAddress): Promise<Relay> {
    const relay = new Relay(await freePort(), target);
    relays.add(relay);
    await relay.listen();
    return relay;
  }

  get address(): PeerAddress {
    return { host: '127.0.0.1', port: this.port };
  }

  private createServer(): net.Server {
    return net.createServer((client) => {
      this.connections += 1;
      const upstream = net.connect(this.target.port, this.target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.pairs.add(from);
        from.on('error', () => undefined);
        from.on('data', (chunk: Buffer) => {
          if (!this.frozen) to.write(chunk);
        });
        from.on('close', () => {
          this.pairs.delete(from);
          to.destroy();
        });
      }
    });
  }

  private listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  /** Destroys every relayed connection at once: both ends see a reset, no farewell. */
  cut(): void {
    for (const socket of this.pairs) socket.destroy();
  }

  async close(): Promise<void> {
    if (!this.server.listening) return this.cut();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cut();
    await closed;
  }

  async reopen(): Promise<void> {
    this.server = this.createServer();
    await this.listen();
  }
}

test('a cut link brings the peer down on both sides; the dialer backs off, then reconnects', () =>
  retryOnAddressInUse(async () => {
    const b = await startNode('n2');
    const relay = await Relay.start(b.address);
    const a = await startNode('n1', { peers: [relay.address] });
    await until('the link', () => a.ups.length === 1 && b.ups.length === 1);
    await relay.close();
    await until('peer down on both sides', () => a.downs.length === 1 && b.downs.length === 1);
    assert.equal(a.downs[0]!.nodeId, 'n2');
    assert.equal(b.downs[0]!.nodeId, 'n1');
    assert.equal(a.transport.send(b.name, heartbeat(a.name, b.name, 1)), false);
    assert.equal(a.transport.stats().droppedNoLink, 1);
    // While the relay refuses connections, each failure doubles the delay, up to the cap.
    await until('five failed dials', () => a.transport.targets()[0]!.failures >= 5);
    const target = a.transport.targets()[0]!;
    assert.equal(target.delayMs, 200, `delay after ${target.failures} failures is the cap`);
    assert.match(target.lastError ?? '', /connect_failed/);
    assert.equal(warnings(a, /connect_failed/).length, 1, 'the refused dials are logged once');
    await relay.reopen();
    await until('reconnected', () => a.ups.length === 2 && b.ups.length === 2);
    assert.equal(a.transport.targets()[0]!.failures, 0);
    assert.ok(a.transport.send(b.name, heartbeat(a.name, b.name, 2)));
    await until('a message after the reconnect', () => b.received.length === 1);
    await Promise.all([stopNode(a), stopNode(b), relay.close()]);
  }));

test('a peer that stops and comes back on its port is reconnected', () =>
  retryOnAddressInUse(async () => {
    const port = await freePort();
    const uuid = randomUUID();
    let b = await startNode('n2', { port, uuid });
    const a = await startNode('n1', { peers: [b.address] });
    await until('the link', () => a.ups.length === 1);
    await stopNode(b);
    await until('peer down', () => a.downs.length === 1);
    assert.equal(a.downs[0]!.reason.kind, 'peer_shutdown');
    await until('failed dials', () => a.transport.targets()[0]!.failures >= 2);
    b = await startNode('n2', { port, uuid });
    await until('reconnected', () => a.ups.length === 2 && b.ups.length === 1);
    assert.ok(a.transport.send(b.name, heartbeat(a.name, b.name, 3)));
    await until('a message after the restart', () => b.received.length === 1);
    await Promise.all([stopNode(a), stopNode(b)]);
  }));

test('a link on which nothing arrives is closed after the keepalive timeout', () =>
  retryOnAddressInUse(async () => {
    const limits = { keepaliveIntervalMs: 50, keepaliveTimeoutMs: 400 };
    const b = await startNode('n2', { limits });
    const relay = await Relay.start(b.address);
    const a = await startNode('n1', { peers: [relay.address], limits });
    await until('the link', () => a.ups.length === 1 && b.ups.length === 1);
    await sleep(600); // idle, but keepalives keep it up
    assert.deepEqual([a.downs, b.downs], [[], []]);
    relay.frozen = true;
    await until('both down', () => a.downs.length === 1 && b.downs.length === 1);
    // Whichever side times out first closes the socket; the other may see the close first.
    const timeouts = [a, b].filter((node) => node.downs[0]!.reason.kind === 'keepalive_timeout');
    assert.ok(timeouts.length >= 1);
    for (const node of timeouts) {
      assert.equal(node.transport.stats().keepaliveTimeouts, 1);
      assert.equal(warnings(node, /keepalive_timeout: nothing received for \d+ ms/).length, 1);
    }
    relay.frozen = false;
    await until('reconnected', () => a.ups.length === 2);
    await Promise.all([stopNode(a), stopNode(b), relay.close()]);
  }));

test('a full send queue drops messages and counts them', async () => {
  const b = await startNode('n2');
  const a = await startNode('n1', { peers: [b.address], limits: { sendQueueBytesMax: 8192 } });
  await until('the link', () => a.ups.length === 1);
  const results: boolean[] = [];
  for (let i = 0; i < 40; i++) results.push(a.transport.send(b.name, append(a.name, b.name, 500)));
  const accepted = results.filter(Boolean).length;
  assert.ok(accepted > 5 && accepted < 40, `${accepted} accepted`);
  assert.deepEqual(
    results,
    results.map((_, i) => i < accepted),
    'the first ones fit',
  );
  assert.equal(a.transport.stats().droppedQueueFull, 40 - accepted);
  assert.equal(a.transport.peers()[0]!.messagesDropped, 40 - accepted);
  await until('the accepted messages arrive', () => b.received.length === accepted);
  await sleep(50);
  assert.equal(b.received.length, accepted);
  assert.equal(a.transport.send(nodeId('n9'), heartbeat(a.name, nodeId('n9'), 1)), false);
  assert.equal(a.transport.stats().droppedNoLink, 1);
  await Promise.all([stopNode(a), stopNode(b)]);
});

test('garbage on one link closes only that link, with the cause logged', async () => {
  const b = await startNode('n2');
  const a = await startNode('n1', { peers: [b.address] });
  await until('the real link', () => a.ups.length === 1);
  const bad = [
    { what: 'bad checksum', pattern: /decode_error: frame of type 3 fails its checksum/ },
    { what: 'bad message', pattern: /decode_error: (malformed|truncated|unknown)/ },
    { what: 'wrong sender', pattern: /decode_error: a message from 'n2' on the link of 'evil'/ },
  ];
  for (const [i, { what, pattern }] of bad.entries()) {
    const { socket } = await connectReplication({
      host: '127.0.0.1',
      port: a.address.port,
      credentials: credentialsOf('evil'),
      log: { info: () => undefined, warn: () => undefined },
    });
    socket.on('error', () => undefined);
    const hello = encodeHello({
      clusterName: 'test-cluster',
      nodeUuid: randomUUID(),
      nodeName: nodeId('evil'),
      listenAddress: 'nowhere:1',
      versions: { min: protocolVersionMax, max: protocolVersionMax },
      dialSeq: 1,
    });
    socket.write(encodeFrame(frameTypes.hello, hello));
    socket.write(encodeFrame(frameTypes.accept, new Uint8Array(0)));
    await until(`evil up (${what})`, () => a.ups.length === i + 2);
    if (what === 'bad checksum') {
      const frame = encodeFrame(frameTypes.message, new Uint8Array(40).fill(1));
      frame[20] = 0;
      socket.write(frame);
    } else if (what === 'bad message') {
      socket.write(encodeFrame(frameTypes.message, Uint8Array.of(1, 2, 3)));
    } else {
      const forged = append(nodeId('n2'), a.name, 10);
      const { encodeMessage } = await import('../../src/codec/consensus.js');
      socket.write(encodeFrame(frameTypes.message, encodeMessage(forged)));
    }
    await until(`evil down (${what})`, () => a.downs.length === i + 1);
    assert.equal(a.downs[i]!.nodeId, 'evil');
    assert.equal(a.downs[i]!.reason.kind, 'decode_error');
    assert.equal(warnings(a, pattern).length, 1, what);
    socket.destroy();
  }
  assert.equal(a.transport.stats().decodeErrors, 3);
  assert.deepEqual(peerNames(a), ['n2'], 'the link to n2 is untouched');
  assert.ok(a.transport.send(b.name, heartbeat(a.name, b.name, 4)));
  await until('n2 still gets messages', () => b.received.length === 1);
  assert.equal(a.received.length, 0, 'nothing from the bad links was delivered');
  await Promise.all([stopNode(a), stopNode(b)]);
});

test('plaintext mode works the same and warns loudly that nothing is encrypted', async () => {
  const b = await startNode('n2', { plaintext: true });
  const a = await startNode('n1', { plaintext: true, peers: [b.address] });
  await until('the link', () => a.ups.length === 1 && b.ups.length === 1);
  for (const node of [a, b]) {
    assert.equal(warnings(node, /^WARN REPLICATION IS NOT ENCRYPTED: socket\.ssl=no/).length, 1);
    assert.equal(node.transport.peers()[0]!.cipher, null);
    assert.match(node.transport.peers()[0]!.remoteEndpoint, /^tcp:\/\//);
  }
  assert.ok(a.transport.send(b.name, append(a.name, b.name, 100)));
  assert.ok(b.transport.send(a.name, heartbeat(b.name, a.name, 5)));
  await until('both ways', () => a.received.length === 1 && b.received.length === 1);
  await Promise.all([stopNode(a), stopNode(b)]);
});

test('stop() closes everything and leaves no timers or sockets', async () => {
  const handles = (): string[] =>
    process
      .getActiveResourcesInfo()
      .filter((kind) => kind === 'Timeout' || kind.startsWith('TCP'))
      .sort();
  const baseline = handles();
  const b = await startNode('n2');
  const unreachable = { host: '127.0.0.1', port: await freePort() };
  const a = await startNode('n1', { peers: [b.address, unreachable] });
  await until('the link', () => a.ups.length === 1);
  assert.ok(a.transport.send(b.name, heartbeat(a.name, b.name, 6)));
  await Promise.all([stopNode(a), stopNode(b)]);
  assert.equal(a.transport.send(b.name, heartbeat(a.name, b.name, 7)), false);
  // stop() while start() is still opening the listener.
  const early = new Transport({
    clusterName: 'test-cluster',
    nodeUuid: randomUUID(),
    nodeName: nodeId('n3'),
    listen: { host: '127.0.0.1', port: 0 },
    peers: [unreachable],
    credentials: credentialsOf('n3'),
    log: { info: () => undefined, warn: () => undefined },
    handlers: {
      onMessage: () => undefined,
      onPeerUp: () => undefined,
      onPeerDown: () => undefined,
    },
  });
  const starting = early.start();
  await early.stop();
  await starting;
  await sleep(20);
  assert.deepEqual(handles(), baseline);
  assert.deepEqual(a.transport.peers(), []);
  assert.ok(a.transport.targets().every((target) => target.state === 'stopped'));
});

test('refused dials to a peer never up yet are notes; once it was up, they are warnings', () =>
  retryOnAddressInUse(async () => {
    const port = await freePort();
    const a = await startNode('n1', { peers: [{ host: '127.0.0.1', port }] });
    await until('two refused dials', () => a.transport.targets()[0]!.failures >= 2);
    assert.equal(warnings(a, /connect_failed/).length, 0, 'not started yet is not a warning');
    assert.ok(
      a.lines.some((line) => /connect_failed/.test(line)),
      'but it is said',
    );
    await stopNode(a);
  }));
