// The peer transport of the replication channel (port 4567): a listener, a dialer per address of
// wsrep_cluster_address, the HELLO handshake after TLS, exactly one live link per peer, reconnect
// with capped exponential backoff, and a bounded, batched send path for consensus messages. The
// consensus core tolerates loss, so a message that cannot be queued is dropped and counted.
// Design: docs/design/transport.md.
import type net from 'node:net';

import { assert } from '../core/assert.js';
import type { Message } from '../core/consensus/types.js';
import type { NodeId } from '../core/types.js';
import {
  DEFAULT_CONSENSUS_LIMITS,
  encodeMessage,
  type ConsensusLimits,
} from '../codec/consensus.js';
import { DEFAULT_FRAME_LIMITS, FRAME_HEADER_BYTES, type FrameLimits } from '../codec/frame.js';
import {
  encodeBye,
  encodeRefuse,
  frameTypes,
  handshakeRejectionLine,
  isNodeUuid,
  judgeHello,
  preferredLink,
  protocolVersionMax,
  appendFlagsSince,
  controlFramesSince,
  protocolVersionMin,
  type ByeReason,
  type HandshakeRejectionKind,
  type Hello,
  type LinkKey,
  type VersionRange,
} from './handshake.js';
import { PeerLink, type LinkCloseReason, type LinkDirection, type LinkOwner } from './peer-link.js';
import { RateLimitedLog } from './peer-log.js';
import {
  connectReplication,
  createReplicationServer,
  stderrTlsLog,
  TlsRejection,
  type PeerInfo,
  type ReplicationServer,
  type TlsCredentials,
  type TlsLog,
} from './tls.js';
import type { TlsRejectionKind } from './tls-rejection.js';

export type { LinkCloseReason, LinkDirection } from './peer-link.js';

const MIB = 1024 * 1024;

export interface TransportLimits {
  /** First reconnect delay after a link was lost or a dial failed. */
  readonly reconnectDelayMsInitial: number;
  /** Cap of the doubling delay; also the delay after a refusal for a configuration cause. */
  readonly reconnectDelayMsMax: number;
  /** Each delay is shortened by up to this fraction, at random, so that nodes do not dial in step. */
  readonly reconnectJitterFraction: number;
  /** An up link on which nothing was sent for this long gets a keepalive frame. */
  readonly keepaliveIntervalMs: number;
  /** An up link on which nothing arrived for this long is closed (a dead TCP path). */
  readonly keepaliveTimeoutMs: number;
  /** TLS handshake and verdicts (tls.ts), and then the HELLO exchange, each within this. */
  readonly handshakeTimeoutMs: number;
  /** Bytes queued for one peer (ours plus the socket's buffer); a message beyond is dropped. */
  readonly sendQueueBytesMax: number;
  /** Small frames are concatenated into writes of up to this size. */
  readonly writeBatchBytesMax: number;
  /** Open links (handshaking or up) of this node; more connections are closed at once. */
  readonly linksMax: number;
  /** A recurring warning (the same refusal on each retry) is logged at most once per interval. */
  readonly warningIntervalMs: number;
  /**
   * When the peer closes our live link as the duplicate of another, the peer stays up this long
   * while the kept link finishes its handshake here, so that the resolution is not a flap.
   */
  readonly duplicateGraceMs: number;
  /** A link closed with a farewell frame is destroyed if the peer has not closed by then. */
  readonly lingerMs: number;
  readonly frame: FrameLimits;
  readonly consensus: ConsensusLimits;
}

export const defaultTransportLimits: TransportLimits = Object.freeze({
  reconnectDelayMsInitial: 100,
  reconnectDelayMsMax: 10_000,
  reconnectJitterFraction: 0.25,
  keepaliveIntervalMs: 1_000,
  keepaliveTimeoutMs: 5_000,
  handshakeTimeoutMs: 10_000,
  // One largest frame (65 MiB, a 64 MiB write-set) must fit, with room for the messages around it.
  sendQueueBytesMax: 96 * MIB,
  writeBatchBytesMax: 64 * 1024,
  linksMax: 256,
  warningIntervalMs: 60_000,
  duplicateGraceMs: 2_000,
  lingerMs: 1_000,
  frame: DEFAULT_FRAME_LIMITS,
  consensus: DEFAULT_CONSENSUS_LIMITS,
});

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface TransportHandlers {
  /** A consensus message from a live peer (its `from` is that peer). Keep it short: see the doc. */
  onMessage(from: NodeId, message: Message): void;
  /** A control frame from a live peer (node-level requests outside consensus). */
  onControl?(from: NodeId, payload: Uint8Array): void;
  onPeerUp(nodeId: NodeId, status: PeerStatus): void;
  onPeerDown(nodeId: NodeId, reason: LinkCloseReason): void;
}

export interface TransportOptions {
  readonly clusterName: string;
  /** Generated once per node and kept; lower-case 8-4-4-4-12 hex. */
  readonly nodeUuid: string;
  /** The consensus NodeId (wsrep_node_name). */
  readonly nodeName: NodeId;
  /** Where to listen; port 0 picks a free port (tests). */
  readonly listen: PeerAddress;
  /** The address peers should dial, sent in the HELLO; default the listen host and bound port. */
  readonly advertiseAddress?: string;
  /** The peers of wsrep_cluster_address (this node's own address may be among them). */
  readonly peers: readonly PeerAddress[];
  /** null: plaintext (socket.ssl=no), logged loudly at start. */
  readonly credentials: TlsCredentials | null;
  readonly handlers: TransportHandlers;
  readonly log?: TlsLog;
  /**
   * The link protocol versions this node speaks; default protocolVersionMin..Max. A function is
   * asked at every handshake (the node may stop speaking older versions as its data changes).
   */
  readonly versions?: VersionRange | (() => VersionRange);
  readonly limits?: Partial<TransportLimits>;
  /** In [0, 1): the jitter source (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface PeerStatus {
  readonly nodeId: NodeId;
  readonly nodeUuid: string;
  readonly listenAddress: string;
  readonly protocolVersion: number;
  /** 'outbound': this node dialed the link. */
  readonly direction: LinkDirection;
  readonly remoteEndpoint: string;
  readonly localEndpoint: string;
  /** null on a plaintext link. */
  readonly cipher: string | null;
  readonly queuedBytes: number;
  readonly messagesReceived: number;
  readonly messagesDropped: number;
}

export type DialState =
  | 'backoff'
  | 'connecting'
  | 'handshake'
  | 'connected'
  /** The node at this address is up through a link it dialed; dial again once it is down. */
  | 'waiting'
  /** This address is this node itself: never dialed again. */
  | 'self'
  | 'stopped';

export interface DialTargetStatus {
  readonly address: string;
  readonly state: DialState;
  readonly nodeUuid: string | null;
  /** Consecutive failed attempts. */
  readonly failures: number;
  /** The delay chosen before the current or last attempt. */
  readonly delayMs: number;
  readonly lastError: string | null;
  /**
   * The last attempt reached a running node that refused this one for its configuration (a
   * certificate from another CA, another cluster name…): no retry cures it.
   */
  readonly refusedByConfiguration: boolean;
}

export interface TransportStats {
  messagesSent: number;
  messagesReceived: number;
  /** Writes of queued frames to a socket (one per link and event-loop turn with anything queued). */
  socketWrites: number;
  droppedNoLink: number;
  droppedQueueFull: number;
  droppedTooLarge: number;
  linksRefused: number;
  decodeErrors: number;
  keepaliveTimeouts: number;
  /** Links that completed the handshake since the start (one per peer while all stay up). */
  linksUp: number;
  linksOpen: number;
}

interface Dialer {
  readonly target: PeerAddress;
  readonly address: string;
  readonly log: RateLimitedLog;
  state: DialState;
  nodeUuid: string | null;
  failures: number;
  delayMs: number;
  lastError: string | null;
  refusedByConfiguration: boolean;
  timer: NodeJS.Timeout | null;
  /** A link to this address has been up since the start (until then, refusals are expected). */
  everUp: boolean;
}

interface Peer {
  readonly uuid: string;
  readonly nodeId: NodeId;
  active: PeerLink | null;
  graceTimer: NodeJS.Timeout | null;
}

/** TLS refusals that a retry cannot cure: only a configuration change (or a restart) does. */
const configurationKinds: ReadonlySet<TlsRejectionKind | HandshakeRejectionKind> = new Set([
  'unknown_ca',
  'self_signed',
  'cert_expired',
  'cert_not_yet_valid',
  'no_certificate',
  'missing_client_auth',
  'missing_server_auth',
  'plaintext_peer',
  'tls_peer_on_plaintext_node',
  'verify_failed',
  'handshake_failed',
  'wrong_cluster_name',
  'no_common_version',
  'duplicate_node_name',
  'bad_hello',
]);

/**
 * A peer that was never up may simply not be started yet (a cluster starting node by node): its
 * refused TCP connections are notes, not warnings. TLS refusals stay warnings.
 */
const notYetUpKinds: ReadonlySet<TlsRejectionKind> = new Set(['connect_failed']);

export function formatAddress(address: PeerAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

export class Transport {
  private readonly options: TransportOptions;
  private readonly limits: TransportLimits;
  private readonly versions: () => VersionRange;
  private readonly log: TlsLog;
  private readonly listenerLog: RateLimitedLog;
  private readonly random: () => number;
  private readonly owner: LinkOwner;
  private readonly dialers: Dialer[];
  private readonly links = new Set<PeerLink>();
  private readonly lingering = new Set<PeerLink>();
  private readonly dialerOf = new Map<PeerLink, Dialer>();
  private readonly peersByUuid = new Map<string, Peer>();
  private readonly peersByName = new Map<NodeId, Peer>();
  private readonly dialsInFlight = new Set<Promise<void>>();
  private readonly dirty = new Set<PeerLink>();
  private readonly counters: Omit<TransportStats, 'linksOpen'> = {
    messagesSent: 0,
    messagesReceived: 0,
    socketWrites: 0,
    droppedNoLink: 0,
    droppedQueueFull: 0,
    droppedTooLarge: 0,
    linksRefused: 0,
    decodeErrors: 0,
    keepaliveTimeouts: 0,
    linksUp: 0,
  };
  private server: ReplicationServer | null = null;
  private advertised = '';
  private tickTimer: NodeJS.Timeout | null = null;
  private flushImmediate: NodeJS.Immediate | null = null;
  /** Starts from the clock so that it also increases across restarts (handshake.ts, Hello). */
  private dialSeqNext = Date.now();
  private phase: 'new' | 'started' | 'stopping' | 'stopped' = 'new';
  private stopPromise: Promise<void> | null = null;
  private starting: Promise<PeerAddress> | null = null;

  constructor(options: TransportOptions) {
    assert(isNodeUuid(options.nodeUuid), 'nodeUuid is lower-case 8-4-4-4-12 hex');
    assert(options.nodeName.length > 0, 'nodeName is not empty');
    this.options = options;
    this.limits = { ...defaultTransportLimits, ...options.limits };
    const limits = this.limits;
    assert(limits.reconnectDelayMsInitial > 0, 'reconnectDelayMsInitial > 0');
    assert(limits.reconnectDelayMsInitial <= limits.reconnectDelayMsMax, 'initial <= max delay');
    assert(limits.reconnectJitterFraction >= 0 && limits.reconnectJitterFraction < 1, 'jitter');
    assert(limits.keepaliveIntervalMs < limits.keepaliveTimeoutMs, 'keepalive interval < timeout');
    assert(limits.sendQueueBytesMax >= FRAME_HEADER_BYTES, 'sendQueueBytesMax');
    const versions = options.versions ?? { min: protocolVersionMin, max: protocolVersionMax };
    this.versions = typeof versions === 'function' ? versions : () => versions;
    this.log = options.log ?? stderrTlsLog;
    this.listenerLog = new RateLimitedLog(this.log, limits.warningIntervalMs);
    this.random = options.random ?? Math.random;
    this.owner = {
      onHello: (link, hello) => this.onHello(link, hello),
      onUp: (link) => this.onUp(link),
      onMessage: (link, message) => this.onLinkMessage(link, message),
      onControl: (link, payload) => {
        if (this.phase === 'started' && link.hello !== null)
          this.options.handlers.onControl?.(link.hello.nodeName, payload);
      },
      onClosed: (link, reason) => this.onLinkClosed(link, reason),
    };
    this.dialers = options.peers.map((target) => ({
      target,
      address: formatAddress(target),
      log: new RateLimitedLog(this.log, limits.warningIntervalMs),
      state: 'backoff',
      nodeUuid: null,
      failures: 0,
      delayMs: 0,
      lastError: null,
      refusedByConfiguration: false,
      timer: null,
      everUp: false,
    }));
  }

  /** Listens, then dials every peer; resolves with the bound address. */
  start(): Promise<PeerAddress> {
    assert(this.phase === 'new', 'a transport starts once');
    this.phase = 'started';
    this.starting = this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<PeerAddress> {
    const { credentials, listen } = this.options;
    this.server = await createReplicationServer(
      {
        host: listen.host,
        port: listen.port,
        credentials,
        log: this.listenerLog,
        handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
      },
      (socket, info) => this.onAccepted(socket, info),
    );
    const bound = { host: this.server.host, port: this.server.port };
    if (this.phase !== 'started') return bound; // stop() ran meanwhile; it closes the listener
    this.advertised = this.options.advertiseAddress ?? formatAddress(bound);
    if (credentials === null) this.log.warn(plaintextWarning(formatAddress(bound)));
    const tickMs = Math.max(10, Math.floor(this.limits.keepaliveIntervalMs / 2));
    this.tickTimer = setInterval(() => this.tick(), tickMs);
    for (const dialer of this.dialers) this.dial(dialer);
    return bound;
  }

  /**
   * Closes the listener and every link (a BYE tells live peers it is a shutdown) and cancels every
   * timer; resolves once all sockets are closed. No handler is called from here on.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.stopOnce();
    return this.stopPromise;
  }

  /**
   * Queues a message for a live peer; false when there is no live link or the peer's queue is
   * over its byte limit (the message is dropped and counted: the consensus core resends).
   */
  send(to: NodeId, message: Message): boolean {
    assert(message.to === to, 'a message is sent to its addressee');
    assert(message.from === this.options.nodeName, 'a message is sent by this node');
    const link = this.peersByName.get(to)?.active;
    if (link === undefined || link === null || !link.isUp || this.phase !== 'started') {
      this.counters.droppedNoLink += 1;
      return false;
    }
    const payload = encodeMessage(message, { appendFlags: link.version >= appendFlagsSince });
    if (payload.length > this.limits.frame.payloadBytesMax) {
      this.counters.droppedTooLarge += 1;
      link.messagesDropped += 1;
      return false;
    }
    if (link.queuedBytes + FRAME_HEADER_BYTES + payload.length > this.limits.sendQueueBytesMax) {
      this.counters.droppedQueueFull += 1;
      link.messagesDropped += 1;
      return false;
    }
    link.enqueue(frameTypes.message, payload);
    this.counters.messagesSent += 1;
    this.markDirty(link);
    return true;
  }

  /**
   * Queues a control frame for a live peer that speaks control frames (protocol version 2 on);
   * false when there is no such link or its queue is full.
   */
  sendControl(to: NodeId, payload: Uint8Array): boolean {
    const link = this.peersByName.get(to)?.active;
    if (link === undefined || link === null || !link.isUp || this.phase !== 'started') return false;
    if (link.version < controlFramesSince) return false;
    if (link.queuedBytes + FRAME_HEADER_BYTES + payload.length > this.limits.sendQueueBytesMax)
      return false;
    link.enqueue(frameTypes.control, payload);
    this.markDirty(link);
    return true;
  }

  /** The live peers (wsrep_incoming_addresses, wsrep_connected). */
  peers(): PeerStatus[] {
    const result: PeerStatus[] = [];
    for (const peer of this.peersByUuid.values()) {
      if (peer.active?.isUp === true) result.push(statusOf(peer.nodeId, peer.active));
    }
    return result.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  /** The addresses of wsrep_cluster_address and how dialing them goes. */
  targets(): DialTargetStatus[] {
    return this.dialers.map((d) => ({
      address: d.address,
      state: d.state,
      nodeUuid: d.nodeUuid,
      failures: d.failures,
      delayMs: d.delayMs,
      lastError: d.lastError,
      refusedByConfiguration: d.refusedByConfiguration,
    }));
  }

  stats(): TransportStats {
    return { ...this.counters, linksOpen: this.links.size };
  }

  /** The address sent in the HELLO ('' before start). */
  get advertiseAddress(): string {
    return this.advertised;
  }

  // -------------------------------------------------------------------------------------------
  // Links

  private onAccepted(socket: net.Socket, info: PeerInfo): void {
    if (this.phase !== 'started') return void socket.destroy();
    if (this.links.size >= this.limits.linksMax) {
      this.listenerLog.warn(
        `too many replication links (${this.limits.linksMax}); closing ${info.remoteEndpoint}`,
      );
      return void socket.destroy();
    }
    this.openLink(socket, info, 'inbound', 0);
  }

  private openLink(
    socket: net.Socket,
    info: PeerInfo,
    direction: LinkDirection,
    dialSeq: number,
  ): PeerLink {
    const limits = this.limits;
    const link = new PeerLink(
      socket,
      { direction, tls: info, dialSeq, nowMs: performance.now() },
      this.owner,
      {
        frame: limits.frame,
        consensus: limits.consensus,
        writeBatchBytesMax: limits.writeBatchBytesMax,
        lingerMs: limits.lingerMs,
      },
    );
    this.links.add(link);
    link.sendHello(this.helloWith(dialSeq));
    return link;
  }

  private helloWith(dialSeq: number): Hello {
    return {
      clusterName: this.options.clusterName,
      nodeUuid: this.options.nodeUuid,
      nodeName: this.options.nodeName,
      listenAddress: this.advertised,
      versions: this.versions(),
      dialSeq,
    };
  }

  private logFor(link: PeerLink): TlsLog {
    return this.dialerOf.get(link)?.log ?? this.listenerLog;
  }

  /** The peer's HELLO has arrived: refuse, drop quietly, or accept (then wait for its ACCEPT). */
  private onHello(link: PeerLink, hello: Hello): void {
    const verdict = judgeHello(this.helloWith(0), hello);
    if (verdict.kind === 'self') return this.farewell(link, 'self', 'this node dialed itself');
    if (verdict.kind === 'refuse') return this.refuse(link, verdict.cause, verdict.detail);
    if (this.refuseTakenName(link, hello)) return;
    link.accept(verdict.version);
  }

  /** Another live node (another UUID) already has this name: refuse. Checked again at up. */
  private refuseTakenName(link: PeerLink, hello: Hello): boolean {
    const named = this.peersByName.get(hello.nodeName);
    const live = named !== undefined && (named.active !== null || named.graceTimer !== null);
    if (!live || named.uuid === hello.nodeUuid) return false;
    const detail = `'${hello.nodeName}' is already connected with UUID ${named.uuid}; this one has ${hello.nodeUuid}`;
    this.refuse(link, 'duplicate_node_name', detail);
    return true;
  }

  /** Both sides accepted: keep one link per peer, and tell the runtime about a new peer. */
  private onUp(link: PeerLink): void {
    const hello = link.hello;
    assert(hello !== null, 'an up link knows its peer');
    if (this.refuseTakenName(link, hello)) return;
    this.counters.linksUp += 1;
    const peer = this.peersByUuid.get(hello.nodeUuid);
    if (peer?.active != null) {
      if (preferredLink(this.keyOf(peer.active), this.keyOf(link)) === 'a') {
        return this.farewell(link, 'duplicate_link', 'a link to this peer is already up');
      }
      const old = peer.active;
      peer.active = link;
      this.onLinkUp(link, hello);
      this.farewell(old, 'duplicate_link', 'replaced by the preferred link');
      return;
    }
    this.onLinkUp(link, hello);
    if (peer !== undefined && peer.graceTimer !== null) {
      // The link that the peer kept came up within the grace: the peer never went down.
      clearTimeout(peer.graceTimer);
      peer.graceTimer = null;
      peer.active = link;
      return;
    }
    const fresh: Peer = {
      uuid: hello.nodeUuid,
      nodeId: hello.nodeName,
      active: link,
      graceTimer: null,
    };
    this.peersByUuid.set(fresh.uuid, fresh);
    this.peersByName.set(fresh.nodeId, fresh);
    const status = statusOf(fresh.nodeId, link);
    const privacy = status.cipher === null ? 'NOT encrypted' : `cipher ${status.cipher}`;
    this.log.info(
      `Peer ${fresh.nodeId} (${fresh.uuid}) up: ${link.direction} link ${link.tls.localEndpoint} -> ${link.tls.remoteEndpoint}, listens at ${hello.listenAddress}, protocol version ${link.version}, ${privacy}`,
    );
    this.options.handlers.onPeerUp(fresh.nodeId, status);
  }

  /** Dialer bookkeeping for a link that came up. */
  private onLinkUp(link: PeerLink, hello: Hello): void {
    const dialer = this.dialerOf.get(link);
    if (dialer !== undefined) {
      dialer.state = 'connected';
      dialer.refusedByConfiguration = false;
      dialer.nodeUuid = hello.nodeUuid;
      dialer.failures = 0;
      dialer.everUp = true;
      dialer.lastError = null;
      dialer.log.reset();
      return;
    }
    // An inbound peer that advertises an address we dial: no need to dial it while it is up.
    for (const candidate of this.dialers) {
      if (candidate.nodeUuid === null && candidate.address === hello.listenAddress)
        candidate.nodeUuid = hello.nodeUuid;
    }
  }

  private keyOf(link: PeerLink): LinkKey {
    assert(link.hello !== null, 'a link with a key has a HELLO');
    const dialerUuid = link.direction === 'outbound' ? this.options.nodeUuid : link.hello.nodeUuid;
    return { dialerUuid, dialSeq: link.dialSeq };
  }

  private refuse(link: PeerLink, cause: HandshakeRejectionKind, detail: string): void {
    const { remoteEndpoint, localEndpoint } = link.tls;
    this.logFor(link).warn(
      handshakeRejectionLine(cause, 'local', remoteEndpoint, localEndpoint, detail),
    );
    this.counters.linksRefused += 1;
    link.close(
      { kind: 'refused', cause, detail },
      { type: frameTypes.refuse, payload: encodeRefuse(cause, detail) },
    );
  }

  /** A quiet close: not a fault of either node. */
  private farewell(link: PeerLink, reason: ByeReason, detail: string): void {
    const kind =
      reason === 'self' ? 'self' : reason === 'duplicate_link' ? 'duplicate_link' : 'stopped';
    link.close({ kind, detail }, { type: frameTypes.bye, payload: encodeBye(reason) });
  }

  private onLinkMessage(link: PeerLink, message: Message): void {
    assert(link.hello !== null, 'messages arrive on up links only');
    if (this.phase !== 'started') return;
    this.counters.messagesReceived += 1;
    this.options.handlers.onMessage(link.hello.nodeName, message);
  }

  private onLinkClosed(link: PeerLink, reason: LinkCloseReason): void {
    this.links.delete(link);
    // A link that sent a farewell lingers until the peer closes; stop() waits for it too.
    this.lingering.add(link);
    void link.closed.then(() => this.lingering.delete(link));
    this.dirty.delete(link);
    const dialer = this.dialerOf.get(link);
    this.dialerOf.delete(link);
    if (this.phase !== 'started') return;
    this.logClose(link, reason, dialer?.log ?? this.listenerLog);
    const peer = link.hello === null ? undefined : this.peersByUuid.get(link.hello.nodeUuid);
    if (peer !== undefined && peer.active === link) {
      peer.active = null;
      if (reason.kind === 'duplicate_link') {
        peer.graceTimer = setTimeout(() => {
          peer.graceTimer = null;
          if (peer.active === null) this.peerDown(peer, reason);
        }, this.limits.duplicateGraceMs);
      } else {
        this.peerDown(peer, reason);
      }
    }
    if (dialer !== undefined) this.afterDialedLinkClosed(dialer, link, reason);
  }

  private logClose(link: PeerLink, reason: LinkCloseReason, log: TlsLog): void {
    const who =
      link.hello === null
        ? link.tls.remoteEndpoint
        : `${link.hello.nodeName} (${link.tls.remoteEndpoint})`;
    switch (reason.kind) {
      case 'decode_error':
        this.counters.decodeErrors += 1;
        if (reason.cause !== undefined) {
          const { remoteEndpoint, localEndpoint } = link.tls;
          return log.warn(
            handshakeRejectionLine(
              reason.cause,
              'local',
              remoteEndpoint,
              localEndpoint,
              reason.detail,
            ),
          );
        }
        return log.warn(`Closing the link to ${who}: decode_error: ${reason.detail}`);
      case 'keepalive_timeout':
        this.counters.keepaliveTimeouts += 1;
        return log.warn(`Closing the link to ${who}: keepalive_timeout: ${reason.detail}`);
      case 'handshake_timeout':
        return log.warn(`Closing the link to ${who}: handshake_timeout: ${reason.detail}`);
      case 'refused_by_peer': {
        const { remoteEndpoint, localEndpoint } = link.tls;
        const cause = reason.cause ?? 'bad_hello';
        return log.warn(
          handshakeRejectionLine(
            cause,
            'peer',
            remoteEndpoint,
            localEndpoint,
            `the peer says: ${reason.detail}`,
          ),
        );
      }
      case 'socket_error':
      case 'remote_closed':
        if (link.isUp || link.version > 0)
          this.log.info(`The link to ${who} closed: ${reason.detail}`);
        return;
      default:
        return; // refusals were logged when made; the rest are quiet by design
    }
  }

  private peerDown(peer: Peer, reason: LinkCloseReason): void {
    assert(peer.active === null, 'a peer goes down without a live link');
    this.peersByUuid.delete(peer.uuid);
    if (this.peersByName.get(peer.nodeId) === peer) this.peersByName.delete(peer.nodeId);
    this.log.info(`Peer ${peer.nodeId} (${peer.uuid}) down: ${reason.kind}: ${reason.detail}`);
    this.options.handlers.onPeerDown(peer.nodeId, reason);
    for (const dialer of this.dialers) {
      if (dialer.nodeUuid === peer.uuid && dialer.state === 'waiting')
        this.schedule(dialer, 'retry');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sending and timers

  private markDirty(link: PeerLink): void {
    this.dirty.add(link);
    // One flush per turn of the event loop: the messages of a Raft ready batch share a write.
    this.flushImmediate ??= setImmediate(() => {
      this.flushImmediate = null;
      for (const dirty of this.dirty) if (dirty.flush()) this.counters.socketWrites += 1;
      this.dirty.clear();
    });
  }

  /** Keepalives out, dead links and stuck handshakes closed. O(links) per tick. */
  private tick(): void {
    const now = performance.now();
    const { keepaliveIntervalMs, keepaliveTimeoutMs, handshakeTimeoutMs } = this.limits;
    for (const link of [...this.links]) {
      if (link.inHandshake) {
        if (now - link.openedMs > handshakeTimeoutMs) {
          link.close({
            kind: 'handshake_timeout',
            detail: `HELLO and ACCEPT not exchanged within ${handshakeTimeoutMs} ms`,
          });
        }
        continue;
      }
      if (!link.isUp) continue;
      if (now - link.lastReceivedMs > keepaliveTimeoutMs) {
        const silentMs = Math.round(now - link.lastReceivedMs);
        link.close({ kind: 'keepalive_timeout', detail: `nothing received for ${silentMs} ms` });
        continue;
      }
      if (now - link.lastSentMs >= keepaliveIntervalMs && link.queuedBytes === 0) {
        link.enqueue(frameTypes.keepalive, new Uint8Array(0));
        link.flush();
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Dialing

  private dial(dialer: Dialer): void {
    dialer.timer = null;
    if (this.phase !== 'started') return;
    const known = dialer.nodeUuid === null ? undefined : this.peersByUuid.get(dialer.nodeUuid);
    if (known?.active?.isUp === true) {
      dialer.state = 'waiting';
      return;
    }
    dialer.state = 'connecting';
    const dialSeq = this.dialSeqNext++;
    const attempt = connectReplication({
      host: dialer.target.host,
      port: dialer.target.port,
      credentials: this.options.credentials,
      log: dialer.log,
      noteKinds: dialer.everUp ? undefined : notYetUpKinds,
      handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
    }).then(
      ({ socket, info }) => this.onDialed(dialer, socket, info, dialSeq),
      (error: unknown) => this.onDialFailed(dialer, error),
    );
    this.dialsInFlight.add(attempt);
    void attempt.finally(() => this.dialsInFlight.delete(attempt));
  }

  private onDialed(dialer: Dialer, socket: net.Socket, info: PeerInfo, dialSeq: number): void {
    if (this.phase !== 'started') return void socket.destroy();
    if (this.links.size >= this.limits.linksMax) {
      socket.destroy();
      dialer.lastError = 'too many links';
      return this.schedule(dialer, 'failure');
    }
    dialer.state = 'handshake';
    // The peer's HELLO arrives in a later socket event, after the dialer is known.
    const link = this.openLink(socket, info, 'outbound', dialSeq);
    this.dialerOf.set(link, dialer);
  }

  private onDialFailed(dialer: Dialer, error: unknown): void {
    if (this.phase !== 'started') return;
    const rejection = error instanceof TlsRejection ? error : null;
    dialer.lastError = rejection?.kind ?? String(error);
    this.schedule(
      dialer,
      rejection !== null && configurationKinds.has(rejection.kind) ? 'configuration' : 'failure',
    );
  }

  private afterDialedLinkClosed(dialer: Dialer, link: PeerLink, reason: LinkCloseReason): void {
    if (dialer.state === 'self' || dialer.state === 'stopped') return;
    switch (reason.kind) {
      case 'self':
        dialer.state = 'self';
        dialer.nodeUuid = this.options.nodeUuid;
        this.log.info(
          `wsrep_cluster_address lists this node itself (${dialer.address}); not dialing it`,
        );
        return;
      case 'duplicate_link':
        dialer.state = 'waiting';
        dialer.everUp = true;
        // The node at this address is known now, even when it advertises another address (a
        // listener on 0.0.0.0): without this the dialer would dial it again at once, forever.
        if (link.hello !== null) dialer.nodeUuid = link.hello.nodeUuid;
        if (this.peersByUuid.get(dialer.nodeUuid ?? '')?.active?.isUp !== true)
          this.schedule(dialer, 'retry');
        return;
      case 'stopped':
        return;
      default: {
        dialer.lastError = `${reason.kind}: ${reason.detail}`;
        const configuration = reason.cause !== undefined && configurationKinds.has(reason.cause);
        const wasUp = link.version > 0 && reason.kind !== 'refused';
        this.schedule(dialer, configuration ? 'configuration' : wasUp ? 'retry' : 'failure');
      }
    }
  }

  /**
   * Schedules the next dial: 'retry' after a link that worked (the initial delay), 'failure' after
   * a failed attempt (doubling up to the max), 'configuration' after a refusal that only a
   * configuration change cures (the max). Each delay is shortened by a random jitter.
   */
  private schedule(dialer: Dialer, after: 'retry' | 'failure' | 'configuration'): void {
    if (this.phase !== 'started') return;
    if (dialer.timer !== null) clearTimeout(dialer.timer);
    if (after === 'retry') dialer.failures = 0;
    else dialer.failures += 1;
    dialer.refusedByConfiguration = after === 'configuration';
    dialer.delayMs = reconnectDelayMs(
      this.limits,
      dialer.failures,
      after === 'configuration',
      this.random(),
    );
    dialer.state = 'backoff';
    dialer.timer = setTimeout(() => this.dial(dialer), dialer.delayMs);
  }

  private async stopOnce(): Promise<void> {
    const wasStarted = this.phase === 'started';
    this.phase = 'stopping';
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    if (this.flushImmediate !== null) clearImmediate(this.flushImmediate);
    this.flushImmediate = null;
    for (const dialer of this.dialers) {
      if (dialer.timer !== null) clearTimeout(dialer.timer);
      dialer.timer = null;
      dialer.state = 'stopped';
    }
    for (const peer of this.peersByUuid.values()) {
      if (peer.graceTimer !== null) clearTimeout(peer.graceTimer);
    }
    if (wasStarted) {
      await this.starting?.catch(() => undefined);
      await this.server?.close();
    }
    const closing: Promise<void>[] = [];
    for (const link of [...this.links]) {
      closing.push(link.closed);
      if (link.isUp) this.farewell(link, 'shutdown', 'this node is stopping');
      else link.close({ kind: 'stopped', detail: 'this node is stopping' });
    }
    await Promise.all([...closing, ...[...this.lingering].map((link) => link.closed)]);
    while (this.dialsInFlight.size > 0) await Promise.all([...this.dialsInFlight]);
    this.peersByUuid.clear();
    this.peersByName.clear();
    this.phase = 'stopped';
  }
}

/** The delay before dial attempt number `failures + 1`; `random` in [0, 1). */
export function reconnectDelayMs(
  limits: Pick<
    TransportLimits,
    'reconnectDelayMsInitial' | 'reconnectDelayMsMax' | 'reconnectJitterFraction'
  >,
  failures: number,
  configuration: boolean,
  random: number,
): number {
  const { reconnectDelayMsInitial: initial, reconnectDelayMsMax: max } = limits;
  const doublings = Math.min(Math.max(0, failures - 1), 30);
  const base = configuration ? max : Math.min(max, initial * 2 ** doublings);
  return Math.max(1, Math.round(base * (1 - limits.reconnectJitterFraction * random)));
}

function statusOf(nodeId: NodeId, link: PeerLink): PeerStatus {
  assert(link.hello !== null, 'an up link knows its peer');
  return {
    nodeId,
    nodeUuid: link.hello.nodeUuid,
    listenAddress: link.hello.listenAddress,
    protocolVersion: link.version,
    direction: link.direction,
    remoteEndpoint: link.tls.remoteEndpoint,
    localEndpoint: link.tls.localEndpoint,
    cipher: link.tls.tls?.cipher ?? null,
    queuedBytes: link.queuedBytes,
    messagesReceived: link.messagesReceived,
    messagesDropped: link.messagesDropped,
  };
}

function plaintextWarning(address: string): string {
  return (
    `REPLICATION IS NOT ENCRYPTED: socket.ssl=no, so consensus messages and write-sets on ${address} ` +
    'travel in plaintext and any host that can reach this port can join the cluster. ' +
    'Configure socket.ssl_key, socket.ssl_cert and socket.ssl_ca (`trireme cert`) on every node for mutual TLS.'
  );
}
