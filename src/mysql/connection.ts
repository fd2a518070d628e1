// One client connection: the socket layer around the sans-I/O codec. It reads packets one at a
// time (the next is decoded only when the previous is handled), runs the handshake, TLS upgrade
// and authentication, then hands commands to commands.ts. Bad bytes end this connection only.

import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { assert } from '../core/assert.js';
import { isError, type Session, type SessionInfo } from './backend.js';
import { authenticate, type AuthRequest } from './authenticate.js';
import { generateScramble } from './auth.js';
import { CommandHandler } from './commands.js';
import {
  Capability,
  Charset,
  MariadbCapability,
  SERVER_CAPABILITIES,
  SERVER_EXTENDED_CAPABILITIES,
  ServerError,
  ServerStatus,
  type ErrorCode,
} from './constants.js';
import { describe, type ServerContext } from './context.js';
import { PacketDecoder, PacketSink, type FramingError, type Packet } from './framing.js';
import { HANDSHAKE_PACKET_BYTES_MAX, WRITE_BUFFER_BYTES_HIGH } from './limits.js';
import {
  decodeHandshakeResponse,
  encodeErr,
  encodeHandshakeV10,
  encodeOk,
  type HandshakeResponse,
} from './messages.js';

export type ConnectionPhase = 'handshake' | 'command' | 'closed';

/** What the rest of the node may see of a connection and do to it (KILL, PROCESSLIST, shutdown). */
export interface MysqlConnectionView {
  readonly id: number;
  /** Empty until authenticated. */
  readonly user: string;
  readonly host: string;
  readonly database: string | null;
  readonly secure: boolean;
  readonly phase: ConnectionPhase;
  readonly startedAtMs: number;
  /** Ends the connection: the socket closes and the session is closed. */
  close(): void;
}

export class MysqlConnection implements MysqlConnectionView {
  readonly scramble = generateScramble();
  readonly startedAtMs = Date.now();
  phase: ConnectionPhase = 'handshake';
  user = '';
  capabilities = 0;
  /** MariaDB's extended capabilities both sides share (MariadbCapability). */
  extendedCapabilities = 0;
  collation: number = Charset.UTF8MB4_GENERAL_CI;
  session: Session | null = null;
  /** The sequence id the next packet this server sends carries. */
  sequenceId = 0;
  private stream: Socket;
  private readonly decoder = new PacketDecoder(HANDSHAKE_PACKET_BYTES_MAX);
  private pending: Packet | null = null;
  private waiter: ((packet: Packet | null) => void) | null = null;
  private framingError: FramingError | null = null;
  private secureFlag = false;
  private readonly closeListeners: (() => void)[] = [];
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    readonly id: number,
    socket: Socket,
    readonly context: ServerContext,
  ) {
    this.stream = socket;
    this.host = clientHost(socket.remoteAddress);
    this.port = socket.remotePort;
    this.attach(socket);
  }

  readonly host: string;
  readonly port: number | undefined;

  isClosed(): boolean {
    return this.phase === 'closed';
  }

  get secure(): boolean {
    return this.secureFlag;
  }

  get database(): string | null {
    return this.session?.state().database ?? null;
  }

  get extendedMetadata(): boolean {
    return (this.extendedCapabilities & MariadbCapability.EXTENDED_METADATA) !== 0;
  }

  get deprecateEof(): boolean {
    return (this.capabilities & Capability.DEPRECATE_EOF) !== 0;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Runs the connection to its end; never rejects. */
  async run(): Promise<void> {
    try {
      const timer = setTimeout(
        () => this.handshakeTimedOut(),
        this.context.limits.connectTimeoutMs,
      );
      const opened = await this.handshake().finally(() => clearTimeout(timer));
      // The socket may have closed while the final OK was being written.
      if (!opened || this.isClosed()) return;
      this.phase = 'command';
      this.decoder.setPayloadBytesMax(this.context.limits.maxAllowedPacketBytes);
      await new CommandHandler(this).loop();
    } catch (error) {
      this.context.log('error', `connection ${this.id}: ${describe(error)}`);
    } finally {
      this.close();
    }
  }

  /** Ends the connection (COM_QUIT, KILL, server shutdown, bad bytes). Idempotent. */
  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.stream.end();
    this.stream.destroySoon();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(null);
    // Listeners first: prepared statements close before the session that made them.
    for (const listener of this.closeListeners) listener();
    const session = this.session;
    this.session = null;
    if (session) {
      session.close().catch((error: unknown) => {
        this.context.log('warn', `connection ${this.id}: session close failed: ${describe(error)}`);
      });
    }
  }

  /** Status flags after a command: the session's transaction state. */
  statusFlags(): number {
    const state = this.session?.state();
    if (!state) return ServerStatus.AUTOCOMMIT;
    let flags = 0;
    if (state.autocommit) flags |= ServerStatus.AUTOCOMMIT;
    if (state.inTransaction) flags |= ServerStatus.IN_TRANS;
    if (state.inTransaction && state.readOnly) flags |= ServerStatus.IN_TRANS_READONLY;
    if (state.noBackslashEscapes === true) flags |= ServerStatus.NO_BACKSLASH_ESCAPES;
    return flags;
  }

  /** A sink numbering packets after the last one received. */
  sink(): PacketSink {
    return new PacketSink(this.sequenceId);
  }

  /** Writes a sink's frames; waits while the socket's buffer is above its high mark. */
  async flush(sink: PacketSink): Promise<void> {
    this.sequenceId = sink.sequenceId;
    const frames = sink.take();
    if (this.phase === 'closed' || frames.length === 0) return;
    this.stream.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    if (this.stream.writableLength > WRITE_BUFFER_BYTES_HIGH) await this.drained();
  }

  async sendError(error: ErrorCode, message: string): Promise<void> {
    const sink = this.sink();
    sink.packet(encodeErr(error, message));
    await this.flush(sink);
  }

  /** The next packet from the client, or null once the connection is over. */
  async nextPacket(): Promise<Packet | null> {
    assert(this.waiter === null, 'one reader at a time');
    if (this.pending === null && this.framingError === null && this.phase !== 'closed') {
      this.framingError = this.decoder.drain((packet) => this.accept(packet));
    }
    const packet = this.pending;
    if (packet !== null) {
      this.pending = null;
      this.sequenceId = (packet.sequenceId + 1) & 0xff;
      return packet;
    }
    if (this.framingError !== null) {
      await this.rejectFraming(this.framingError);
      return null;
    }
    if (this.phase === 'closed') return null;
    if (this.stream.isPaused()) this.stream.resume();
    const next = await new Promise<Packet | null>((resolve) => (this.waiter = resolve));
    if (next === null) return this.framingError ? this.nextPacket() : null;
    this.sequenceId = (next.sequenceId + 1) & 0xff;
    return next;
  }

  private accept(packet: Packet): 'stop' {
    assert(this.pending === null, 'one undelivered packet at most');
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter(packet);
    else this.pending = packet;
    return 'stop';
  }

  private receive(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    if (this.waiter === null) {
      // The reader is busy; nextPacket() decodes these bytes when it asks for more.
      this.decoder.append(chunk);
    } else {
      const error = this.decoder.push(chunk, (packet) => this.accept(packet));
      if (error !== null && this.framingError === null) {
        this.framingError = error;
        const waiter = this.waiter;
        this.waiter = null;
        waiter?.(null);
      }
    }
    // Bound what a client can make this server buffer while a command runs.
    const bound = this.context.limits.maxAllowedPacketBytes + HANDSHAKE_PACKET_BYTES_MAX;
    if (this.decoder.bufferedByteCount > bound) this.stream.pause();
  }

  private async rejectFraming(error: FramingError): Promise<void> {
    this.context.log('warn', `connection ${this.id} from ${this.host}: ${error.message}`);
    this.sequenceId = (error.sequenceId + 1) & 0xff;
    if (error.kind === 'too_large') {
      await this.sendError(
        ServerError.NET_PACKET_TOO_LARGE,
        "Got a packet bigger than 'max_allowed_packet' bytes",
      );
    } else if (error.kind === 'out_of_order') {
      await this.sendError(ServerError.NET_PACKETS_OUT_OF_ORDER, 'Got packets out of order');
    } else {
      await this.sendError(
        ServerError.NET_READ_ERROR,
        'Got an error reading communication packets',
      );
    }
    this.close();
  }

  private attach(stream: Socket): void {
    stream.on('data', this.onData);
    stream.on('error', (error) => {
      this.context.log('debug', `connection ${this.id}: socket error: ${error.message}`);
      this.close();
    });
    stream.on('close', () => this.close());
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  private handshakeTimedOut(): void {
    if (this.phase !== 'handshake') return;
    this.context.log('info', `connection ${this.id} from ${this.host}: handshake timed out`);
    this.close();
  }

  /** Handshake, optional TLS upgrade, authentication, session. True if the session is open. */
  private async handshake(): Promise<boolean> {
    const sink = this.sink();
    sink.packet(
      encodeHandshakeV10({
        serverVersion: this.context.serverVersion,
        connectionId: this.id,
        scramble: this.scramble,
        capabilities: this.serverCapabilities(),
        extendedCapabilities: SERVER_EXTENDED_CAPABILITIES,
        collation: Charset.UTF8MB4_GENERAL_CI,
        statusFlags: ServerStatus.AUTOCOMMIT,
        authPlugin: 'mysql_native_password',
      }),
    );
    await this.flush(sink);
    const response = await this.readHandshakeResponse();
    if (response === null) return false;
    if (this.context.requireSecureTransport && !this.secureFlag) {
      const message =
        'Connections using insecure transport are prohibited while --require_secure_transport=ON.';
      await this.refuse(ServerError.SECURE_TRANSPORT_REQUIRED, message);
      return false;
    }
    this.capabilities = (response.capabilities & this.serverCapabilities()) >>> 0;
    this.extendedCapabilities =
      (response.extendedCapabilities & SERVER_EXTENDED_CAPABILITIES) >>> 0;
    this.collation = response.collation;
    const request: AuthRequest = {
      user: response.user,
      authResponse: response.authResponse,
      authPlugin: response.authPlugin,
    };
    if (!(await authenticate(this, request))) return false;
    this.user = response.user;
    return this.openSession(response.database, response.connectAttributes);
  }

  private serverCapabilities(): number {
    const ssl = this.context.secureContext !== null ? Capability.SSL : 0;
    return (SERVER_CAPABILITIES | ssl) >>> 0;
  }

  private async readHandshakeResponse(): Promise<HandshakeResponse | null> {
    for (;;) {
      const packet = await this.nextPacket();
      if (packet === null) return null;
      const decoded = decodeHandshakeResponse(packet.payload);
      if (!decoded.ok) {
        this.context.log('info', `connection ${this.id}: bad handshake: ${decoded.error.message}`);
        await this.refuse(ServerError.HANDSHAKE, 'Bad handshake');
        return null;
      }
      if (decoded.value.kind === 'handshake_response') return decoded.value;
      if (this.secureFlag || this.context.secureContext === null) {
        await this.refuse(ServerError.HANDSHAKE, 'Bad handshake');
        return null;
      }
      this.upgradeToTls();
    }
  }

  /** Swaps the socket for a server-side TLS socket over it; the client's hello may be buffered. */
  private upgradeToTls(): void {
    const secureContext = this.context.secureContext;
    assert(secureContext !== null, 'TLS upgrade needs a TLS context');
    const raw = this.stream;
    raw.pause();
    raw.off('data', this.onData);
    const remainder = this.decoder.takeRemainder();
    if (remainder.length > 0) raw.unshift(Buffer.from(remainder));
    const tlsSocket = new TLSSocket(raw, { isServer: true, secureContext });
    tlsSocket.on('secure', () => {
      const cipher = tlsSocket.getCipher();
      this.context.log('debug', `connection ${this.id}: TLS ${cipher.version} ${cipher.name}`);
    });
    this.stream = tlsSocket;
    this.secureFlag = true;
    this.attach(tlsSocket);
  }

  async refuse(error: ErrorCode, message: string): Promise<void> {
    await this.sendError(error, message);
    this.close();
  }

  /** Opens the backend session for the authenticated user and sends the final OK. */
  async openSession(
    database: string | null,
    connectAttributes: ReadonlyMap<string, string>,
  ): Promise<boolean> {
    const info: SessionInfo = {
      connectionId: this.id,
      user: this.user,
      host: this.host,
      ...(this.port === undefined ? {} : { port: this.port }),
      database,
      clientCapabilities: this.capabilities,
      collation: this.collation,
      connectAttributes,
      secure: this.secureFlag,
    };
    const opened = await this.context.backend.openSession(info);
    if (this.phase === 'closed') {
      if (!isError(opened)) await opened.close();
      return false;
    }
    if (isError(opened)) {
      await this.refuse(opened, opened.message);
      return false;
    }
    this.session = opened;
    const sink = this.sink();
    sink.packet(
      encodeOk({ affectedRows: 0, lastInsertId: 0, statusFlags: this.statusFlags(), warnings: 0 }),
    );
    await this.flush(sink);
    return true;
  }
}

/** The client's address as MariaDB shows it: IPv4-mapped IPv6 addresses in IPv4 form. */
function clientHost(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
