// Mutual TLS for node-to-node channels (replication; IST and SST use the same dialer and listener).
// The identity of a peer is "its certificate chains to the cluster CA" (as in Galera: no host-name
// check). Both sides verify the other themselves after the handshake instead of letting OpenSSL
// abort it, so that every refusal has a known cause, is logged with the fix on the side that found
// it, and is told to the other side in a verdict line. Design and the table of causes:
// docs/design/tls.md.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

import { assert } from '../core/assert.js';
import {
  allowsPurpose,
  chainsTo,
  loadTlsMaterial,
  oidClientAuth,
  oidServerAuth,
  oneLine,
  type TlsConfigError,
  type TlsLoadResult,
  type TlsMaterial,
  type TlsPaths,
} from './tls-files.js';
import {
  decodeVerdict,
  describeBytes,
  encodeVerdict,
  kindOfHandshakeError,
  kindOfVerifyError,
  looksLikeTls,
  plaintextGreeting,
  plaintextRefusalAlert,
  sanitise,
  TlsRejection,
  verdictLineBytesMax,
  type DetectedBy,
  type TlsRejectionKind,
  type TlsRole,
} from './tls-rejection.js';

export { TlsRejection } from './tls-rejection.js';

export const handshakeTimeoutMsDefault = 10_000;
/** Connections still in their handshake; more are closed at once (a flood must not exhaust memory). */
export const handshakesPendingMax = 256;
/** After sending a refusal, the socket is destroyed if the peer has not closed by then. */
const lingerMs = 1_000;

export interface TlsLog {
  info(line: string): void;
  warn(line: string): void;
}

export const stderrTlsLog: TlsLog = {
  info: (line) => process.stderr.write(`[Note] trireme: ${line}\n`),
  warn: (line) => process.stderr.write(`[Warning] trireme: ${line}\n`),
};

/**
 * The node's TLS identity, shared by its listener and its dialers. `reload()` re-reads the same
 * files (socket.ssl_reload) and, when they are valid, swaps them in for new connections.
 */
export class TlsCredentials {
  private current: TlsMaterial;
  private context: tls.SecureContext;
  private readonly listeners = new Set<(credentials: TlsCredentials) => void>();

  constructor(material: TlsMaterial) {
    this.current = material;
    this.context = tls.createSecureContext(secureContextOptions(material));
  }

  /** Loads and checks the files (loadTlsMaterial); a bad file is a value, not an exception. */
  static async load(
    paths: TlsPaths,
  ): Promise<{ ok: true; credentials: TlsCredentials } | { ok: false; error: TlsConfigError }> {
    const result = await loadTlsMaterial(paths);
    return result.ok ? { ok: true, credentials: new TlsCredentials(result.material) } : result;
  }

  get material(): TlsMaterial {
    return this.current;
  }

  get secureContext(): tls.SecureContext {
    return this.context;
  }

  secureContextOptions(): tls.SecureContextOptions {
    return secureContextOptions(this.current);
  }

  /** Re-reads the files; on error the old certificates stay in use and the error is returned. */
  async reload(nowMs = Date.now()): Promise<TlsLoadResult> {
    const result = await loadTlsMaterial(this.current.paths, nowMs);
    if (result.ok) this.replace(result.material);
    return result;
  }

  replace(material: TlsMaterial): void {
    this.context = tls.createSecureContext(secureContextOptions(material));
    this.current = material;
    for (const listener of this.listeners) listener(this);
  }

  /** Calls `listener` after each replace; returns the unsubscribe function. */
  onReplace(listener: (credentials: TlsCredentials) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function secureContextOptions(material: TlsMaterial): tls.SecureContextOptions {
  return {
    key: material.keyPem,
    passphrase: material.passphrase,
    cert: material.certPem,
    // Only the cluster CA is trusted, never the system store: a certificate from a public CA must
    // not make its holder a member of the cluster.
    ca: material.caPem,
    ciphers: material.cipher,
    minVersion: 'TLSv1.2',
  };
}

export interface PeerTlsInfo {
  readonly protocol: string;
  readonly cipher: string;
  readonly certificate: X509Certificate;
  readonly subject: string;
  readonly issuer: string;
  readonly fingerprint256: string;
  readonly validTo: string;
  readonly subjectAltName: string | undefined;
}

export interface PeerInfo {
  readonly remoteEndpoint: string;
  readonly localEndpoint: string;
  /** null on a plaintext link (socket.ssl=no). */
  readonly tls: PeerTlsInfo | null;
}

export interface ReplicationTlsOptions {
  /** The node's certificates; null means plaintext (socket.ssl=no, an explicit opt-out). */
  credentials: TlsCredentials | null;
  log?: TlsLog;
  handshakeTimeoutMs?: number;
  /** Called for every refused peer, after it is logged (for counters and tests). */
  onRejection?: (rejection: TlsRejection) => void;
  /** Rejections of these kinds are logged as notes, not warnings (an expected refusal). */
  noteKinds?: ReadonlySet<TlsRejectionKind>;
}

export interface ReplicationServerOptions extends ReplicationTlsOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
}

export interface ReplicationServer {
  readonly host: string;
  readonly port: number;
  /** socket.ssl_reload: re-reads the certificate files; new connections use them. */
  reload(): Promise<TlsLoadResult>;
  close(): Promise<void>;
}

/** The Galera log line for an accepted TLS link. */
export function handshakeSuccessLine(
  remoteEndpoint: string,
  localEndpoint: string,
  cipher: string,
): string {
  return `SSL handshake successful, remote endpoint ${remoteEndpoint} local endpoint ${localEndpoint} cipher: ${cipher}`;
}

export function formatEndpoint(
  scheme: 'ssl' | 'tcp',
  address: string | undefined,
  port: number | undefined,
): string {
  const host = (address ?? 'unknown').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
}

// ---------------------------------------------------------------------------------------------
// Listener

/**
 * Listens for peers; `onPeer` gets each one whose certificate was accepted and which accepted
 * ours. The caller owns the socket from then on (and must handle its 'error' events).
 */
export async function createReplicationServer(
  options: ReplicationServerOptions,
  onPeer: (socket: net.Socket, info: PeerInfo) => void,
): Promise<ReplicationServer> {
  const log = options.log ?? stderrTlsLog;
  const credentials = options.credentials;
  const context: AcceptContext = {
    log,
    credentials,
    timeoutMs: options.handshakeTimeoutMs ?? handshakeTimeoutMsDefault,
    onRejection: options.onRejection,
    onPeer,
    pending: new Map(),
    tlsServer: null,
  };
  if (credentials !== null) {
    for (const warning of credentials.material.warnings) log.warn(warning);
    context.tlsServer = createTlsServer(context, credentials);
  }
  const netServer = net.createServer((raw) => accept(context, raw));
  const unsubscribe = credentials?.onReplace((replaced) => {
    context.tlsServer?.setSecureContext(replaced.secureContextOptions());
    for (const warning of replaced.material.warnings) log.warn(warning);
  });
  await new Promise<void>((resolve, reject) => {
    netServer.once('error', reject);
    netServer.listen(options.port, options.host, () => {
      netServer.off('error', reject);
      resolve();
    });
  });
  const address = netServer.address();
  assert(address !== null && typeof address === 'object', 'a TCP server has an address');
  return {
    host: address.address,
    port: address.port,
    reload: () => reloadCredentials(credentials, log),
    close: async () => {
      unsubscribe?.();
      for (const pending of context.pending.values()) (pending.tlsSocket ?? pending.raw).destroy();
      // Stops listening at once; accepted peers belong to the caller, who closes them.
      await new Promise<void>((resolve) => {
        netServer.close();
        setImmediate(resolve);
      });
    },
  };
}

/** socket.ssl_reload on a listener: reload, log the outcome, return it. */
async function reloadCredentials(
  credentials: TlsCredentials | null,
  log: TlsLog,
): Promise<TlsLoadResult> {
  if (credentials === null) {
    const message = 'socket.ssl_reload: this node runs without TLS (socket.ssl=no)';
    const fix = 'configure socket.ssl_key, socket.ssl_cert and socket.ssl_ca, then restart';
    return {
      ok: false,
      error: { kind: 'file_missing', option: 'socket.ssl_cert', path: '', message, fix },
    };
  }
  const result = await credentials.reload();
  if (result.ok) {
    const validTo = result.material.chain[0]?.validTo ?? '?';
    log.info(
      `socket.ssl_reload: reloaded ${result.material.paths.certPath} (valid until ${validTo})`,
    );
  } else {
    log.warn(
      `socket.ssl_reload failed, keeping the previous certificates: ${result.error.message}. Fix: ${result.error.fix}.`,
    );
  }
  return result;
}

interface AcceptContext {
  readonly log: TlsLog;
  readonly credentials: TlsCredentials | null;
  readonly timeoutMs: number;
  readonly onRejection: ((rejection: TlsRejection) => void) | undefined;
  readonly onPeer: (socket: net.Socket, info: PeerInfo) => void;
  /** Connections still in their handshake, by their TCP socket. */
  readonly pending: Map<net.Socket, Pending>;
  tlsServer: tls.Server | null;
}

interface Pending {
  readonly raw: net.Socket;
  readonly link: Link;
  readonly timer: NodeJS.Timeout;
  tlsSocket: tls.TLSSocket | null;
}

interface Link {
  readonly scheme: 'ssl' | 'tcp';
  readonly role: TlsRole;
  readonly remoteEndpoint: string;
  readonly localEndpoint: string;
}

function linkOf(socket: net.Socket, scheme: 'ssl' | 'tcp', role: TlsRole): Link {
  return {
    scheme,
    role,
    remoteEndpoint: formatEndpoint(scheme, socket.remoteAddress, socket.remotePort),
    localEndpoint: formatEndpoint(scheme, socket.localAddress, socket.localPort),
  };
}

function accept(context: AcceptContext, raw: net.Socket): void {
  raw.on('error', () => undefined); // a reset during the handshake is handled by 'close'
  if (context.pending.size >= handshakesPendingMax) {
    context.log.warn(
      `too many connections in their handshake (${handshakesPendingMax}); closing ${formatEndpoint('tcp', raw.remoteAddress, raw.remotePort)}`,
    );
    raw.destroy();
    return;
  }
  const link = linkOf(raw, context.credentials === null ? 'tcp' : 'ssl', 'server');
  const timer = setTimeout(() => {
    const pending = context.pending.get(raw);
    if (pending === undefined) return;
    release(context, pending);
    refuseLocally(context, link, 'timeout', `no complete handshake within ${context.timeoutMs} ms`);
    (pending.tlsSocket ?? raw).destroy();
  }, context.timeoutMs);
  timer.unref();
  const pending: Pending = { raw, link, timer, tlsSocket: null };
  context.pending.set(raw, pending);
  raw.once('close', () => release(context, pending));
  raw.once('readable', () => {
    const first = raw.read() as Buffer | null;
    // A bare TCP connect and close (a port probe or health check) is not worth a log line.
    if (first === null) return void raw.destroy();
    raw.unshift(first);
    if (context.credentials === null) acceptPlaintext(context, pending, first);
    else acceptTls(context, pending, first);
  });
}

function release(context: AcceptContext, pending: Pending): void {
  clearTimeout(pending.timer);
  context.pending.delete(pending.raw);
}

function acceptTls(context: AcceptContext, pending: Pending, first: Buffer): void {
  if (!looksLikeTls(first)) {
    const greeting =
      first.subarray(0, plaintextGreeting.length).toString('latin1') === plaintextGreeting;
    const detail = greeting
      ? 'it is a trireme node without TLS'
      : `it sent ${describeBytes(first)} instead of a TLS ClientHello`;
    release(context, pending);
    refuseLocally(context, pending.link, 'plaintext_peer', detail);
    // The peer speaks plaintext, so it can read a plaintext verdict.
    endWith(
      pending.raw,
      encodeVerdict({
        kind: 'reject',
        cause: 'plaintext_peer',
        detail: 'this node requires TLS on its replication port',
      }),
    );
    return;
  }
  assert(context.tlsServer !== null, 'a TLS listener has a TLS server');
  context.tlsServer.emit('connection', pending.raw);
}

function createTlsServer(context: AcceptContext, credentials: TlsCredentials): tls.Server {
  const server = tls.createServer({
    ...credentials.secureContextOptions(),
    // Ask for the client's certificate but judge it ourselves: refusing inside the handshake
    // leaves the cause unknown to one side (TLS 1.3) and unlogged on the other.
    requestCert: true,
    rejectUnauthorized: false,
    handshakeTimeout: context.timeoutMs,
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const pending = findPending(context, socket);
    if (pending === undefined) return void socket.destroy(); // timed out meanwhile
    pending.tlsSocket = socket;
    // The TCP socket under a TLS socket is not closed with it; the listener counts it until it is.
    socket.once('close', () => pending.raw.destroy());
    const problem = verifyPeerCertificate(socket, 'client', credentials.material.caCerts);
    void settleTls(socket, pending.link, problem).then((outcome) => {
      if (!context.pending.has(pending.raw)) return void socket.destroy(); // timed out meanwhile
      release(context, pending);
      reportOutcome(context.log, context.onRejection, outcome);
      if (!(outcome instanceof TlsRejection)) context.onPeer(socket, outcome);
    });
  });
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    const pending = findPending(context, socket);
    if (pending === undefined) return; // already reported (timeout)
    release(context, pending);
    pending.raw.destroy();
    const { kind, detectedBy } = kindOfHandshakeError(error.code);
    report(
      context.log,
      context.onRejection,
      new TlsRejection({ ...pending.link, kind, detectedBy, detail: tlsErrorDetail(error) }),
    );
  });
  return server;
}

function findPending(context: AcceptContext, socket: tls.TLSSocket): Pending | undefined {
  for (const pending of context.pending.values()) {
    const raw = pending.raw;
    if (raw.remotePort === socket.remotePort && raw.remoteAddress === socket.remoteAddress)
      return pending;
  }
  return undefined;
}

function acceptPlaintext(context: AcceptContext, pending: Pending, first: Buffer): void {
  const { raw, link } = pending;
  if (looksLikeTls(first)) {
    release(context, pending);
    refuseLocally(context, link, 'tls_peer_on_plaintext_node', 'it opened a TLS handshake');
    raw.end(plaintextRefusalAlert);
    setTimeout(() => raw.destroy(), lingerMs).unref();
    return;
  }
  void readLine(raw).then((read) => {
    if (!context.pending.has(raw)) return; // timed out meanwhile
    release(context, pending);
    const verdict = read.kind === 'line' ? decodeVerdict(read.line) : null;
    if (verdict?.kind !== 'plain') {
      refuseLocally(context, link, 'protocol_mismatch', `it sent ${describeBytes(read.bytes)}`);
      endWith(
        raw,
        encodeVerdict({
          kind: 'reject',
          cause: 'protocol_mismatch',
          detail: 'expected a trireme greeting',
        }),
      );
      return;
    }
    raw.write(encodeVerdict({ kind: 'ok' }));
    raw.removeAllListeners('error');
    context.onPeer(raw, {
      remoteEndpoint: link.remoteEndpoint,
      localEndpoint: link.localEndpoint,
      tls: null,
    });
  });
}

function refuseLocally(
  context: AcceptContext,
  link: Link,
  kind: TlsRejectionKind,
  detail: string,
): void {
  report(
    context.log,
    context.onRejection,
    new TlsRejection({ ...link, kind, detectedBy: 'local', detail }),
  );
}

function report(
  log: TlsLog,
  onRejection: ((rejection: TlsRejection) => void) | undefined,
  rejection: TlsRejection,
): void {
  log.warn(rejection.message);
  onRejection?.(rejection);
}

// ---------------------------------------------------------------------------------------------
// Dialer

export interface ConnectReplicationOptions extends ReplicationTlsOptions {
  host: string;
  port: number;
}

function dial(options: ConnectReplicationOptions): net.Socket {
  if (options.credentials === null) return net.connect({ host: options.host, port: options.port });
  return tls.connect({
    host: options.host,
    port: options.port,
    secureContext: options.credentials.secureContext,
    // The certificate is judged after the handshake (verifyPeerCertificate); no host-name
    // check: the cluster CA is the identity, as in Galera (docs/design/tls.md).
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    servername: net.isIP(options.host) === 0 ? options.host : undefined,
  });
}

/**
 * Connects to a peer; resolves once both sides accepted each other's certificate, rejects with a
 * TlsRejection saying why otherwise (already logged). The caller owns the resolved socket (and
 * must handle its 'error' events).
 */
export function connectReplication(
  options: ConnectReplicationOptions,
): Promise<{ socket: net.Socket; info: PeerInfo }> {
  const log = options.log ?? stderrTlsLog;
  const timeoutMs = options.handshakeTimeoutMs ?? handshakeTimeoutMsDefault;
  const scheme = options.credentials === null ? 'tcp' : 'ssl';
  const fallback: Link = {
    scheme,
    role: 'client',
    remoteEndpoint: formatEndpoint(scheme, options.host, options.port),
    localEndpoint: formatEndpoint(scheme, undefined, undefined),
  };
  const socket = dial(options);
  return new Promise((resolve, reject) => {
    let done = false;
    let connected = false;
    let link = fallback;
    // Once a verdict is being read, readLine sees errors and closes; the handlers below stand aside.
    let settling = false;
    const finish = (outcome: PeerInfo | TlsRejection): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reportOutcome(log, options.onRejection, outcome, options.noteKinds);
      if (outcome instanceof TlsRejection) {
        // A refusal we sent is still being flushed; endWith destroys the socket after it.
        if (!socket.writableEnded) socket.destroy();
        reject(outcome);
        return;
      }
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve({ socket, info: outcome });
    };
    const fail = (kind: TlsRejectionKind, detectedBy: DetectedBy, detail: string): void => {
      finish(new TlsRejection({ ...link, kind, detectedBy, detail }));
    };
    const timer = setTimeout(
      () => fail('timeout', 'local', `no complete handshake within ${timeoutMs} ms`),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
      link = linkOf(socket, scheme, 'client');
      if (options.credentials === null) {
        settling = true;
        socket.write(plaintextGreeting);
        void readLine(socket).then((read) => finish(outcomeOfVerdict(read, link, () => null)));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (settling) return;
      if (!connected) return fail('connect_failed', 'local', error.code ?? error.message);
      const { kind, detectedBy } = kindOfHandshakeError(error.code);
      fail(kind, detectedBy, tlsErrorDetail(error));
    });
    socket.once('close', () => {
      if (!settling)
        fail('protocol_mismatch', 'local', 'the peer closed the connection during the handshake');
    });
    const credentials = options.credentials;
    if (socket instanceof tls.TLSSocket && credentials !== null) {
      socket.once('secureConnect', () => {
        settling = true;
        const problem = verifyPeerCertificate(socket, 'server', credentials.material.caCerts);
        void settleTls(socket, link, problem).then(finish);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Verification and the verdict exchange

interface PeerProblem {
  readonly kind: TlsRejectionKind;
  readonly detail: string;
}

/** Judges the peer's certificate; `peerRole` is the role the peer plays in this connection. */
export function verifyPeerCertificate(
  socket: tls.TLSSocket,
  peerRole: TlsRole,
  caCerts: readonly X509Certificate[],
): PeerProblem | null {
  // Only getPeerCertificate: in Node 20, once getPeerX509Certificate was called, it returns {}.
  const chain = peerChain(socket);
  const certificate = chain[0];
  if (certificate === undefined)
    return { kind: 'no_certificate', detail: 'no certificate in the handshake' };
  const about = `certificate ${quote(certificate.subject)} issued by ${quote(certificate.issuer)}, valid ${certificate.validFrom} to ${certificate.validTo}`;
  // Node types authorizationError as Error; at run time it is OpenSSL's verify code as a string.
  const verifyError = socket.authorizationError as unknown;
  if (!socket.authorized || (verifyError !== null && verifyError !== undefined)) {
    const code =
      typeof verifyError === 'string'
        ? verifyError
        : verifyError instanceof Error
          ? verifyError.message
          : 'UNKNOWN';
    const kind = kindOfVerifyError(code, peerRole);
    // Two CAs with one name (create-ca run on each node) look alike in every log line.
    const twin =
      kind === 'unknown_ca' && caCerts.some((ca) => ca.subject === certificate.issuer)
        ? '; its issuer has the name of the cluster CA but another key: a second CA was created with the same name'
        : '';
    return { kind, detail: `${about}; verify error ${code}${twin}` };
  }
  const usage = certificate.keyUsage as readonly string[] | undefined;
  const needed = peerRole === 'client' ? oidClientAuth : oidServerAuth;
  if (!allowsPurpose(usage, needed)) {
    return {
      kind: peerRole === 'client' ? 'missing_client_auth' : 'missing_server_auth',
      detail: `${about}; extended key usage ${usage?.join(', ') ?? 'none'}`,
    };
  }
  // OpenSSL trusts only the cluster CA file, so this holds whenever it verified the chain; checked
  // again here so that the identity rule stays true if the context is ever built differently.
  if (!chainsTo(chain, caCerts)) {
    return { kind: 'unknown_ca', detail: `${about}; the chain does not end at the cluster CA` };
  }
  return null;
}

/** The peer's certificates as it sent them (leaf first), plus what OpenSSL added from our store. */
function peerChain(socket: tls.TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw !== undefined && !seen.has(current.fingerprint256) && chain.length < 8) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate as tls.DetailedPeerCertificate | undefined;
  }
  return chain;
}

function quote(distinguishedName: string): string {
  return `"${oneLine(distinguishedName)}"`;
}

/**
 * Sends our verdict on the peer and reads the peer's verdict on us. Resolves with the peer's info
 * when both accept, otherwise with the rejection (and the socket closes). The caller logs, once:
 * a connection that timed out meanwhile was already reported.
 */
async function settleTls(
  socket: tls.TLSSocket,
  link: Link,
  problem: PeerProblem | null,
): Promise<PeerInfo | TlsRejection> {
  socket.on('error', () => undefined); // an error ends the read below as 'closed'
  if (problem !== null) {
    endWith(socket, encodeVerdict({ kind: 'reject', cause: problem.kind, detail: problem.detail }));
    return new TlsRejection({
      ...link,
      kind: problem.kind,
      detectedBy: 'local',
      detail: problem.detail,
    });
  }
  socket.write(encodeVerdict({ kind: 'ok' }));
  const read = await readLine(socket);
  const outcome = outcomeOfVerdict(read, link, () => peerTlsInfo(socket));
  if (outcome instanceof TlsRejection) socket.destroy();
  else socket.removeAllListeners('error');
  return outcome;
}

/** What the peer's verdict line means for us; `tlsInfo` is asked only on success. */
function outcomeOfVerdict(
  read: LineRead,
  link: Link,
  tlsInfo: () => PeerTlsInfo | null,
): PeerInfo | TlsRejection {
  const verdict = read.kind === 'line' ? decodeVerdict(read.line) : null;
  if (verdict?.kind === 'ok') {
    return {
      remoteEndpoint: link.remoteEndpoint,
      localEndpoint: link.localEndpoint,
      tls: tlsInfo(),
    };
  }
  if (verdict?.kind === 'reject') {
    const detail = verdict.detail === '' ? 'told by the peer' : `the peer says: ${verdict.detail}`;
    return new TlsRejection({ ...link, kind: verdict.cause, detectedBy: 'peer', detail });
  }
  const detail =
    read.bytes.length === 0
      ? 'the peer closed the connection without a verdict'
      : `the peer sent ${describeBytes(read.bytes)} instead of a verdict`;
  return new TlsRejection({ ...link, kind: 'protocol_mismatch', detectedBy: 'local', detail });
}

/** Logs an accepted link (Galera's line) or a refusal, and tells the rejection hook. */
function reportOutcome(
  log: TlsLog,
  onRejection: ((rejection: TlsRejection) => void) | undefined,
  outcome: PeerInfo | TlsRejection,
  noteKinds?: ReadonlySet<TlsRejectionKind>,
): void {
  if (outcome instanceof TlsRejection) {
    if (noteKinds?.has(outcome.kind) === true) {
      log.info(outcome.message);
      onRejection?.(outcome);
      return;
    }
    return report(log, onRejection, outcome);
  }
  if (outcome.tls !== null) {
    log.info(
      handshakeSuccessLine(outcome.remoteEndpoint, outcome.localEndpoint, outcome.tls.cipher),
    );
  }
}

function peerTlsInfo(socket: tls.TLSSocket): PeerTlsInfo {
  const cipher = socket.getCipher().standardName;
  const certificate = peerChain(socket)[0];
  assert(certificate !== undefined, 'an accepted TLS peer has a certificate');
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher,
    certificate,
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    fingerprint256: certificate.fingerprint256,
    validTo: certificate.validTo,
    subjectAltName: certificate.subjectAltName,
  };
}

function tlsErrorDetail(error: NodeJS.ErrnoException): string {
  // OpenSSL messages carry a source path; the reason is the part after the last 'routines:'.
  const reason = /:([^:]+):[^:]*\/[^:]*:\d+:?/.exec(error.message)?.[1] ?? error.message;
  return sanitise(`${error.code ?? 'error'}: ${reason}`.slice(0, 200));
}

function endWith(socket: net.Socket, text: string): void {
  socket.end(text);
  setTimeout(() => socket.destroy(), lingerMs).unref();
}

type LineRead =
  { kind: 'line'; line: string; bytes: Buffer } | { kind: 'closed' | 'too_long'; bytes: Buffer };

/**
 * Reads one line (the verdict) and leaves what follows it in the socket for the next reader:
 * a peer that accepted us may send its first message right behind its verdict. It reads in
 * 'readable' mode and never calls pause(), so that the stream returns to its initial state and
 * the next reader's 'data' listener starts the flow as usual.
 */
function readLine(socket: net.Socket): Promise<LineRead> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    const onReadable = (): void => {
      for (
        let chunk = socket.read() as Buffer | null;
        chunk !== null;
        chunk = socket.read() as Buffer | null
      ) {
        buffered = Buffer.concat([buffered, chunk]);
        const newline = buffered.indexOf(0x0a);
        if (newline >= 0 && newline < verdictLineBytesMax) {
          cleanup();
          const rest = buffered.subarray(newline + 1);
          if (rest.length > 0) socket.unshift(rest);
          resolve({
            kind: 'line',
            line: buffered.subarray(0, newline).toString('latin1'),
            bytes: buffered,
          });
          return;
        }
        if (buffered.length >= verdictLineBytesMax) {
          cleanup();
          resolve({ kind: 'too_long', bytes: buffered });
          return;
        }
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ kind: 'closed', bytes: buffered });
    };
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}
