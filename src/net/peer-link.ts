// One connection to a peer on the replication channel, after TLS: the HELLO exchange, framing,
// the bounded send queue with batched writes, and the bookkeeping for keepalives. It decides
// nothing about peers: the transport (transport.ts) judges the HELLO and owns the links.
// Design: docs/design/transport.md.
import type net from 'node:net';

import { assert } from '../core/assert.js';
import type { Message } from '../core/consensus/types.js';
import {
  decodeMessage,
  describeConsensusCodecError,
  type ConsensusLimits,
} from '../codec/consensus.js';
import {
  describeFrameError,
  encodeFrameHeader,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  type FrameLimits,
} from '../codec/frame.js';
import {
  appendFlagsSince,
  decodeBye,
  decodeHello,
  decodeRefuse,
  controlFramesSince,
  encodeHello,
  frameTypes,
  helloPayloadBytesMax,
  type ByeReason,
  type HandshakeRejectionKind,
  type Hello,
} from './handshake.js';
import type { PeerInfo } from './tls.js';

export type LinkDirection = 'inbound' | 'outbound';

export type LinkCloseKind =
  | 'remote_closed'
  | 'socket_error'
  | 'decode_error'
  | 'handshake_timeout'
  | 'keepalive_timeout'
  /** This node refused the peer's HELLO. */
  | 'refused'
  /** The peer refused this node's HELLO. */
  | 'refused_by_peer'
  | 'self'
  | 'duplicate_link'
  | 'peer_shutdown'
  | 'stopped';

export interface LinkCloseReason {
  readonly kind: LinkCloseKind;
  readonly detail: string;
  /** For refusals: the cause, so that the dialer can tell a configuration problem. */
  readonly cause?: HandshakeRejectionKind;
}

/** What a link tells its owner. Calls happen synchronously inside socket events. */
export interface LinkOwner {
  /** Answer with link.accept(version), or close the link. */
  onHello(link: PeerLink, hello: Hello): void;
  /** Both sides accepted: the link is up (the owner may still close it as a duplicate). */
  onUp(link: PeerLink): void;
  onMessage(link: PeerLink, message: Message): void;
  /** A control frame's payload (protocol version 2 on). */
  onControl(link: PeerLink, payload: Uint8Array): void;
  onClosed(link: PeerLink, reason: LinkCloseReason): void;
}

export interface LinkLimits {
  readonly frame: FrameLimits;
  readonly consensus: ConsensusLimits;
  /** Frames are concatenated into writes of about this size; larger payloads go alone. */
  readonly writeBatchBytesMax: number;
  /** A closing link waits this long for its last frames to flush before it is destroyed. */
  readonly lingerMs: number;
}

type LinkState = 'handshake' | 'up' | 'closing' | 'closed';

export class PeerLink {
  readonly direction: LinkDirection;
  readonly tls: PeerInfo;
  /** Ours when outbound, the peer's (from its HELLO) once known when inbound. */
  dialSeq: number;
  readonly openedMs: number;
  lastSentMs: number;
  lastReceivedMs: number;
  hello: Hello | null = null;
  version = 0;
  messagesReceived = 0;
  messagesDropped = 0;
  bytesReceived = 0;
  bytesSent = 0;

  private state: LinkState = 'handshake';
  private readonly socket: net.Socket;
  private readonly owner: LinkOwner;
  private readonly limits: LinkLimits;
  /** Bytes of the HELLO frame still being collected (the handshake is read with a small limit). */
  private handshakeBytes: Buffer = Buffer.alloc(0);
  private decoder: FrameDecoder | null = null;
  private readonly queue: Uint8Array[] = [];
  private queueBytes = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private readonly closedPromise: Promise<void>;

  constructor(
    socket: net.Socket,
    init: { direction: LinkDirection; tls: PeerInfo; dialSeq: number; nowMs: number },
    owner: LinkOwner,
    limits: LinkLimits,
  ) {
    this.socket = socket;
    this.direction = init.direction;
    this.tls = init.tls;
    this.dialSeq = init.dialSeq;
    this.openedMs = init.nowMs;
    this.lastSentMs = init.nowMs;
    this.lastReceivedMs = init.nowMs;
    this.owner = owner;
    this.limits = limits;
    // A peer may have closed between its TLS verdict and now; 'close' has then been emitted.
    const closedAlready = socket.closed;
    this.closedPromise = closedAlready
      ? Promise.resolve()
      : new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.close({ kind: 'socket_error', detail: error.code ?? error.message }),
    );
    socket.on('close', () => {
      if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
      if (this.state === 'closing') this.state = 'closed';
      else this.close({ kind: 'remote_closed', detail: 'the connection closed' });
    });
    socket.on('drain', () => this.flush());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    if (closedAlready) {
      process.nextTick(() =>
        this.close({ kind: 'remote_closed', detail: 'closed before the HELLO' }),
      );
    }
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  get isOpen(): boolean {
    return this.state === 'handshake' || this.state === 'up';
  }

  get inHandshake(): boolean {
    return this.state === 'handshake';
  }

  /** Bytes waiting to be sent: ours plus what the socket holds (write() returned false). */
  get queuedBytes(): number {
    return this.queueBytes + this.socket.writableLength;
  }

  /** Resolves once the socket has closed. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  sendHello(hello: Hello): void {
    assert(this.state === 'handshake', 'HELLO is the first frame');
    this.enqueue(frameTypes.hello, encodeHello(hello));
    this.flush();
  }

  /**
   * The owner accepted the peer's HELLO: tell the peer. The link is up once the peer's ACCEPT
   * arrives too (owner.onUp), so that a refusal only one side can make never shows as an up.
   */
  accept(version: number): void {
    assert(this.state === 'handshake' && this.hello !== null, 'accept follows the HELLO');
    assert(this.version === 0 && version > 0, 'a link is accepted once');
    this.version = version;
    this.enqueue(frameTypes.accept, new Uint8Array(0));
    this.flush();
  }

  enqueue(type: number, payload: Uint8Array): void {
    assert(this.isOpen, 'enqueue on a closed link');
    this.queue.push(encodeFrameHeader(type, payload), payload);
    this.queueBytes += FRAME_HEADER_BYTES + payload.length;
  }

  /**
   * Writes what is queued, many frames per write, until the socket asks us to wait for 'drain';
   * whether it wrote anything.
   */
  flush(): boolean {
    if (this.state === 'closed' || this.queue.length === 0 || this.socket.writableNeedDrain)
      return false;
    this.socket.cork();
    let more = true;
    while (more && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.bytesSent += batch.length;
      more = this.socket.write(batch);
    }
    // The batches above leave in one writev.
    this.socket.uncork();
    this.lastSentMs = performance.now();
    return true;
  }

  /** Small frames are concatenated up to writeBatchBytesMax; a large payload is written alone. */
  private takeBatch(): Uint8Array {
    const first = this.queue[0]!;
    if (first.length >= this.limits.writeBatchBytesMax || this.queue.length === 1) {
      this.queue.shift();
      this.queueBytes -= first.length;
      return first;
    }
    let count = 0;
    let bytes = 0;
    for (const chunk of this.queue) {
      if (count > 0 && bytes + chunk.length > this.limits.writeBatchBytesMax) break;
      bytes += chunk.length;
      count += 1;
    }
    const parts = this.queue.splice(0, count);
    this.queueBytes -= bytes;
    return Buffer.concat(parts, bytes);
  }

  /**
   * Closes the link once and tells the owner. With a farewell frame (REFUSE or BYE) the socket is
   * ended gracefully so that the peer reads it; otherwise it is destroyed at once.
   */
  close(reason: LinkCloseReason, farewell?: { type: number; payload: Uint8Array }): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    // A graceful close sends what is queued before its farewell: a node that stops right after
    // its last decision (a leader that removed the others and then itself) must still tell them
    // (leaveConfirmed), or they wait out their leave and stop as members.
    if (farewell !== undefined && this.state === 'up') this.flush();
    this.state = farewell === undefined ? 'closed' : 'closing';
    this.queue.length = 0;
    this.queueBytes = 0;
    this.decoder = null;
    if (farewell === undefined || this.socket.destroyed) {
      this.state = 'closed';
      this.socket.destroy();
    } else {
      this.socket.end(
        Buffer.concat([encodeFrameHeader(farewell.type, farewell.payload), farewell.payload]),
      );
      this.lingerTimer = setTimeout(() => this.socket.destroy(), this.limits.lingerMs);
      this.lingerTimer.unref();
    }
    this.owner.onClosed(this, reason);
  }

  // -------------------------------------------------------------------------------------------
  // Receiving

  private receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    this.lastReceivedMs = performance.now();
    this.bytesReceived += chunk.length;
    if (this.state === 'handshake') return this.receiveHandshake(chunk);
    assert(this.decoder !== null, 'an up link has a decoder');
    for (const event of this.decoder.push(chunk)) {
      if (!this.isUp) return;
      if (event.kind === 'error') {
        return this.close({ kind: 'decode_error', detail: describeFrameError(event.error) });
      }
      this.onFrame(event.type, event.payload);
    }
  }

  /**
   * Reads the handshake frames (HELLO, then ACCEPT, REFUSE or BYE) one at a time with the HELLO's
   * small limit, so that an unknown peer cannot make us buffer a large frame; bytes behind them
   * are read with the full limits once the link is up.
   */
  private receiveHandshake(chunk: Buffer): void {
    this.handshakeBytes = Buffer.concat([this.handshakeBytes, chunk]);
    while (this.state === 'handshake' && this.handshakeBytes.length >= FRAME_HEADER_BYTES) {
      const payloadBytes = this.handshakeBytes.readUInt32BE(0);
      if (payloadBytes > helloPayloadBytesMax) {
        return this.badHello(`a handshake frame announces ${payloadBytes} bytes`);
      }
      const frameBytes = FRAME_HEADER_BYTES + payloadBytes;
      if (this.handshakeBytes.length < frameBytes) return;
      const frame = new FrameDecoder({ payloadBytesMax: helloPayloadBytesMax }).push(
        this.handshakeBytes.subarray(0, frameBytes),
      )[0];
      this.handshakeBytes = this.handshakeBytes.subarray(frameBytes);
      assert(frame !== undefined, 'a whole frame yields an event');
      if (frame.kind === 'error') return this.badHello(describeFrameError(frame.error));
      this.onHandshakeFrame(frame.type, frame.payload);
    }
    if (this.state !== 'up') return;
    const rest = this.handshakeBytes;
    this.handshakeBytes = Buffer.alloc(0);
    if (rest.length > 0) this.receive(rest);
  }

  private onHandshakeFrame(type: number, payload: Uint8Array): void {
    if (this.hello === null) {
      if (type !== frameTypes.hello) return this.badHello(`first frame has type ${type}`);
      const hello = decodeHello(payload);
      if (!hello.ok) return this.badHello(hello.error.detail);
      this.hello = hello.value;
      if (this.direction === 'inbound') this.dialSeq = hello.value.dialSeq;
      return this.owner.onHello(this, hello.value);
    }
    switch (type) {
      case frameTypes.accept:
        if (payload.length !== 0 || this.version === 0) return this.badHello('unexpected ACCEPT');
        this.state = 'up';
        this.decoder = new FrameDecoder(this.limits.frame);
        return this.owner.onUp(this);
      case frameTypes.refuse:
      case frameTypes.bye:
        return this.onFrame(type, payload);
      default:
        return this.badHello(`frame type ${type} before ACCEPT`);
    }
  }

  private badHello(detail: string): void {
    this.close({ kind: 'decode_error', cause: 'bad_hello', detail });
  }

  private onFrame(type: number, payload: Uint8Array): void {
    switch (type) {
      case frameTypes.message:
        return this.onMessageFrame(payload);
      case frameTypes.keepalive:
        return;
      case frameTypes.control:
        if (this.version < controlFramesSince) break;
        return this.owner.onControl(this, payload);
      case frameTypes.refuse: {
        const refusal = decodeRefuse(payload);
        if (!refusal.ok) return this.close({ kind: 'decode_error', detail: refusal.error.detail });
        return this.close({
          kind: 'refused_by_peer',
          cause: refusal.value.cause,
          detail: refusal.value.detail,
        });
      }
      case frameTypes.bye:
        return this.onBye(decodeBye(payload));
      default:
        break;
    }
    this.close({
      kind: 'decode_error',
      detail: `unexpected frame type ${type} at protocol version ${this.version}`,
    });
  }

  private onMessageFrame(payload: Uint8Array): void {
    const decoded = decodeMessage(payload, this.limits.consensus, {
      appendFlags: this.version >= appendFlagsSince,
    });
    if (!decoded.ok) {
      return this.close({
        kind: 'decode_error',
        detail: describeConsensusCodecError(decoded.error),
      });
    }
    const message = decoded.value;
    assert(this.hello !== null, 'an up link knows its peer');
    if (message.from !== this.hello.nodeName) {
      return this.close({
        kind: 'decode_error',
        detail: `a message from '${message.from}' on the link of '${this.hello.nodeName}'`,
      });
    }
    this.messagesReceived += 1;
    this.owner.onMessage(this, message);
  }

  private onBye(reason: ByeReason | null): void {
    if (reason === null) return this.close({ kind: 'decode_error', detail: 'malformed BYE' });
    const kind: LinkCloseKind =
      reason === 'shutdown' ? 'peer_shutdown' : reason === 'self' ? 'self' : 'duplicate_link';
    this.close({ kind, detail: `the peer closed the link (${reason})` });
  }
}
