// The MySQL server: a TCP listener that turns sockets into MysqlConnections, enforces
// max_connections, and keeps the connection table that KILL and shutdown use.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { assert } from '../core/assert.js';
import type { Backend } from './backend.js';
import { ServerError } from './constants.js';
import { ServerContext, type Logger } from './context.js';
import { MysqlConnection, type MysqlConnectionView } from './connection.js';
import { PacketSink } from './framing.js';
import {
  CONNECT_TIMEOUT_MS_DEFAULT,
  MAX_ALLOWED_PACKET_BYTES_CEILING,
  MAX_ALLOWED_PACKET_BYTES_DEFAULT,
  MAX_CONNECTIONS_DEFAULT,
  WAIT_TIMEOUT_MS_DEFAULT,
} from './limits.js';
import { encodeErr } from './messages.js';

/**
 * The version string of the handshake. MariaDB 10.x sends '5.5.5-' before its version so that
 * MySQL clients and replicas that parse the major version see 5.5; MariaDB's clients strip it
 * again, and clients look for '-MariaDB' to enable MariaDB behaviour (mysql2, Connector/C).
 */
export const SERVER_VERSION_DEFAULT = '5.5.5-10.11.99-MariaDB-trireme';

export interface TlsOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  readonly ca?: string | Buffer;
}

export interface MysqlServerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly maxConnections?: number;
  readonly maxAllowedPacketBytes?: number;
  readonly tls?: TlsOptions;
  readonly requireSecureTransport?: boolean;
  /** Lets caching_sha2_password clients without TLS fetch the RSA key (default true). */
  readonly publicKeyRetrieval?: boolean;
  readonly serverVersion?: string;
  readonly connectTimeoutMs?: number;
  /** Idle time after which an authenticated connection is closed (wait_timeout). */
  readonly waitTimeoutMs?: number;
  /** First connection id handed out (default 1). */
  readonly connectionIdFirst?: number;
  /**
   * Connection ids drawn from a counter shared with another server of the process (a Uint32 in
   * this buffer: the next id), so that their ids never meet (node/connection-guard.ts).
   */
  readonly connectionIds?: SharedArrayBuffer;
  readonly logger?: Logger;
}

const silentLogger: Logger = () => {};

export class MysqlServer {
  private readonly table = new Map<number, MysqlConnection>();
  /** The listening socket; replaced by each listenOnDescriptor (a closed one cannot listen at once). */
  private listener: Server;
  private readonly context: ServerContext;
  private readonly maxConnections: number;
  private connectionIdNext: number;
  private readonly sharedIds: Uint32Array | null;
  /** Where kill() looks for a connection this server does not hold (addKillRoute). */
  private readonly killRoutes: Array<(connectionId: number) => boolean> = [];

  constructor(
    private readonly options: MysqlServerOptions,
    backend: Backend,
  ) {
    const maxAllowedPacketBytes = options.maxAllowedPacketBytes ?? MAX_ALLOWED_PACKET_BYTES_DEFAULT;
    assert(maxAllowedPacketBytes >= 1024, 'max_allowed_packet is at least 1 KiB');
    assert(
      maxAllowedPacketBytes <= MAX_ALLOWED_PACKET_BYTES_CEILING,
      'max_allowed_packet is at most 1 GiB',
    );
    this.maxConnections = options.maxConnections ?? MAX_CONNECTIONS_DEFAULT;
    assert(this.maxConnections >= 1, 'max_connections is at least 1');
    assert(!options.requireSecureTransport || options.tls, 'require_secure_transport needs TLS');
    this.connectionIdNext = options.connectionIdFirst ?? 1;
    this.sharedIds =
      options.connectionIds === undefined ? null : new Uint32Array(options.connectionIds, 0, 1);
    const secureContext = options.tls ? createSecureContext({ ...options.tls }) : null;
    this.context = new ServerContext(
      backend,
      options.serverVersion ?? SERVER_VERSION_DEFAULT,
      {
        maxAllowedPacketBytes,
        connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS_DEFAULT,
        waitTimeoutMs: options.waitTimeoutMs ?? WAIT_TIMEOUT_MS_DEFAULT,
      },
      secureContext,
      options.requireSecureTransport ?? false,
      options.publicKeyRetrieval ?? true,
      options.logger ?? silentLogger,
      (connectionId) => this.kill(connectionId),
    );
    this.listener = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<AddressInfo> {
    return this.listenWith((done) =>
      this.listener.listen(this.options.port ?? 3306, this.options.host ?? '127.0.0.1', done),
    );
  }

  /**
   * Starts listening on a listening socket's file descriptor (one this server then owns and
   * closes), on a listener of its own: the previous one may still wait for its connections.
   */
  listenOnDescriptor(fd: number): Promise<AddressInfo> {
    assert(!this.listener.listening, 'listening already');
    this.listener = createServer((socket) => this.accept(socket));
    return this.listenWith((done) => this.listener.listen({ fd }, done));
  }

  /**
   * Stops accepting connections at once; the open ones go on. listenOnDescriptor may be called
   * again. (Node's close callback waits for every connection the listener accepted to end.)
   */
  stopListening(): void {
    if (this.listener.listening) this.listener.close();
  }

  /** The listening socket's file descriptor (-1 when not listening or not known). */
  listenerDescriptor(): number {
    // Node keeps it on the listener's handle (a TCP wrap) and documents no getter for it.
    const handle = (this.listener as unknown as { _handle?: { fd?: unknown } | null })._handle;
    return typeof handle?.fd === 'number' ? handle.fd : -1;
  }

  private listenWith(start: (done: () => void) => void): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      start(() => {
        this.listener.off('error', reject);
        resolve(this.listener.address() as AddressInfo);
      });
    });
  }

  /** Lets kill() end connections held elsewhere: `route` ends one and says whether it did. */
  addKillRoute(route: (connectionId: number) => boolean): void {
    this.killRoutes.push(route);
  }

  /** Open connections by id, for KILL, SHOW PROCESSLIST and shutdown. */
  get connections(): ReadonlyMap<number, MysqlConnectionView> {
    return this.table;
  }

  /** Ends connection connectionId; false if there is none. */
  kill(connectionId: number): boolean {
    const connection = this.table.get(connectionId);
    if (connection === undefined) return this.killRoutes.some((route) => route(connectionId));
    connection.close();
    return true;
  }

  /** Stops listening and ends every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const connection of [...this.table.values()]) connection.close();
    await closed;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    if (this.table.size >= this.maxConnections) {
      this.refuseTooMany(socket);
      return;
    }
    const id = this.allocateId();
    const connection = new MysqlConnection(id, socket, this.context);
    this.table.set(id, connection);
    connection.onClose(() => this.table.delete(id));
    void connection.run();
  }

  private allocateId(): number {
    const shared = this.sharedIds;
    for (;;) {
      if (shared !== null) {
        // Atomics.add answers the value before the addition, and wraps at 2^32.
        const id = Atomics.add(shared, 0, 1);
        if (id !== 0 && !this.table.has(id)) return id;
        continue;
      }
      const id = this.connectionIdNext;
      this.connectionIdNext = this.connectionIdNext >= 0xffffffff ? 1 : this.connectionIdNext + 1;
      if (!this.table.has(id)) return id;
    }
  }

  /** ER_CON_COUNT_ERROR goes out in place of the handshake, as MariaDB does. */
  private refuseTooMany(socket: Socket): void {
    this.context.log('warn', `refused ${socket.remoteAddress ?? '?'}: too many connections`);
    const sink = new PacketSink(0);
    sink.packet(encodeErr(ServerError.CON_COUNT, 'Too many connections'));
    socket.on('error', () => socket.destroy());
    socket.end(Buffer.concat(sink.take()));
  }
}

export function createMysqlServer(options: MysqlServerOptions, backend: Backend): MysqlServer {
  return new MysqlServer(options, backend);
}
