// Why a replication peer was refused, in words and with the fix. Every refusal on the
// replication, IST and SST channels is one of these kinds; the table is the single source of the
// texts (docs/design/tls.md repeats it for users). Each kind has two wordings: one for the node that
// found the problem in its peer's certificate ('local'), one for the node that was told by its
// peer ('peer').

export const tlsRejectionKinds = [
  'unknown_ca',
  'self_signed',
  'cert_expired',
  'cert_not_yet_valid',
  'no_certificate',
  'missing_client_auth',
  'missing_server_auth',
  'plaintext_peer',
  'tls_peer_on_plaintext_node',
  'wrong_cluster_name',
  'verify_failed',
  'handshake_failed',
  'protocol_mismatch',
  'timeout',
  'connect_failed',
] as const;

export type TlsRejectionKind = (typeof tlsRejectionKinds)[number];

/** 'local': this node found the problem; 'peer': the peer found it and told this node. */
export type DetectedBy = 'local' | 'peer';

interface CauseText {
  /** Said by the node that found the problem. */
  local: string;
  /** Said by the node that was refused, when its peer tells it why. */
  peer: string;
  fix: string;
}

const certFix =
  'issue the certificate from the cluster CA with `trireme cert create-node NAME --dir DIR` ' +
  '(or give every node the same socket.ssl_ca file)';

export const tlsRejectionTexts: Readonly<Record<TlsRejectionKind, CauseText>> = {
  unknown_ca: {
    local:
      "the peer's certificate was not issued by the cluster CA that this node trusts (socket.ssl_ca)",
    peer: "the peer does not trust this node's certificate: it was not issued by the CA in the peer's socket.ssl_ca",
    fix: `${certFix}; all nodes must trust the same CA`,
  },
  self_signed: {
    local: "the peer's certificate is self-signed, not issued by the cluster CA",
    peer: "the peer refused this node's certificate because it is self-signed, not issued by the cluster CA",
    fix: certFix,
  },
  cert_expired: {
    local: "the peer's certificate (or a CA certificate in its chain) has expired",
    peer: "the peer says this node's certificate (or a CA certificate in its chain) has expired",
    fix:
      'issue a new certificate (`trireme cert create-node NAME --dir DIR --force`), install it and ' +
      "apply it with SET GLOBAL wsrep_provider_options='socket.ssl_reload=1'; check the node's clock too",
  },
  cert_not_yet_valid: {
    local:
      "the peer's certificate is not valid yet (its start date is in the future for this node)",
    peer: "the peer says this node's certificate is not valid yet (its start date is in the future for the peer)",
    fix: 'synchronise the clocks (NTP) of both nodes, or issue a certificate whose validity has begun',
  },
  no_certificate: {
    local: 'the peer presented no certificate; replication requires mutual TLS',
    peer: 'the peer requires a client certificate and this node sent none',
    fix: 'set socket.ssl_cert and socket.ssl_key on the connecting node (mutual TLS is mandatory between nodes)',
  },
  missing_client_auth: {
    local:
      "the peer's certificate is not allowed for TLS clients: its extended key usage lacks clientAuth " +
      "(public CAs such as Let's Encrypt stopped including it in 2026)",
    peer:
      "the peer refused this node's certificate for TLS client use: its extended key usage lacks clientAuth " +
      "(public CAs such as Let's Encrypt stopped including it in 2026)",
    fix:
      'every node connects to the others as a TLS client, so its certificate needs both serverAuth and clientAuth ' +
      '(or no extended key usage at all); issue one from the cluster CA with `trireme cert create-node NAME --dir DIR`',
  },
  missing_server_auth: {
    local:
      "the peer's certificate is not allowed for TLS servers: its extended key usage lacks serverAuth",
    peer: "the peer refused this node's certificate for TLS server use: its extended key usage lacks serverAuth",
    fix:
      'every node also accepts connections, so its certificate needs both serverAuth and clientAuth ' +
      '(or no extended key usage at all); a create-client certificate is for MySQL clients only: ' +
      'use `trireme cert create-node NAME --dir DIR`',
  },
  plaintext_peer: {
    local:
      'the peer spoke plaintext on this TLS replication port (it runs with socket.ssl=no, or it is not a trireme node)',
    peer: 'the peer requires TLS on its replication port, and this node runs without TLS (socket.ssl=no)',
    fix: 'configure TLS (socket.ssl_key, socket.ssl_cert, socket.ssl_ca) on every node; a cluster cannot mix TLS and plaintext nodes',
  },
  tls_peer_on_plaintext_node: {
    local: 'the peer opened a TLS handshake, and this node runs without TLS (socket.ssl=no)',
    peer: "the peer runs without TLS (socket.ssl=no) and refused this node's TLS handshake",
    fix: 'configure TLS (socket.ssl_key, socket.ssl_cert, socket.ssl_ca) on every node; a cluster cannot mix TLS and plaintext nodes',
  },
  wrong_cluster_name: {
    local: "the peer belongs to another cluster (its wsrep_cluster_name differs from this node's)",
    peer: "the peer belongs to another cluster (its wsrep_cluster_name differs from this node's)",
    fix: 'set the same wsrep_cluster_name on every node of the cluster, or remove the node from wsrep_cluster_address',
  },
  verify_failed: {
    local: "the peer's certificate failed verification",
    peer: "the peer could not verify this node's certificate",
    fix:
      'check that socket.ssl_ca holds the root CA certificate (not only an intermediate) and that the ' +
      'certificate file holds the certificate followed by its chain; `openssl verify -CAfile CA CERT` shows the reason',
  },
  handshake_failed: {
    local: 'the TLS handshake failed',
    peer: 'the peer aborted the TLS handshake',
    fix:
      'check that both nodes allow a common TLS version (1.2 or 1.3) and cipher (socket.ssl_cipher); ' +
      'the detail shows the TLS error',
  },
  protocol_mismatch: {
    local:
      'the peer does not speak the trireme replication protocol (a different service on this port, or a port probe)',
    peer: 'the peer does not speak the trireme replication protocol',
    fix: 'check wsrep_cluster_address: it must list the replication ports (default 4567) of trireme nodes',
  },
  timeout: {
    local: 'the peer did not complete the TLS handshake in time',
    peer: 'the peer did not complete the TLS handshake in time',
    fix: 'check the network path between the nodes (firewall, MTU, packet loss) and that the peer is not overloaded',
  },
  connect_failed: {
    local: 'could not open a TCP connection to the peer',
    peer: 'could not open a TCP connection to the peer',
    fix: 'check that the peer is running, that wsrep_cluster_address names its replication port, and the firewall',
  },
};

/** Our side of the connection: 'server' accepted it, 'client' dialed it. */
export type TlsRole = 'server' | 'client';

export interface TlsRejectionInit {
  kind: TlsRejectionKind;
  detectedBy: DetectedBy;
  role: TlsRole;
  remoteEndpoint: string;
  localEndpoint: string;
  /** Specifics: the certificate subject and dates, the verify error code, the bytes seen… */
  detail?: string;
}

/** A refused peer. `message` is the whole log line: what happened, where, why and the fix. */
export class TlsRejection extends Error {
  override readonly name = 'TlsRejection';
  readonly kind: TlsRejectionKind;
  readonly detectedBy: DetectedBy;
  readonly role: TlsRole;
  readonly remoteEndpoint: string;
  readonly localEndpoint: string;
  /** The cause in words, from this node's point of view. */
  readonly explanation: string;
  readonly fix: string;
  readonly detail: string;

  constructor(init: TlsRejectionInit) {
    const text = tlsRejectionTexts[init.kind];
    const explanation = init.detectedBy === 'local' ? text.local : text.peer;
    const detail = init.detail ?? '';
    super(formatRejection(init, explanation, detail, text.fix));
    this.kind = init.kind;
    this.detectedBy = init.detectedBy;
    this.role = init.role;
    this.remoteEndpoint = init.remoteEndpoint;
    this.localEndpoint = init.localEndpoint;
    this.explanation = explanation;
    this.fix = text.fix;
    this.detail = detail;
  }
}

function formatRejection(
  init: TlsRejectionInit,
  explanation: string,
  detail: string,
  fix: string,
): string {
  const head =
    init.detectedBy === 'local'
      ? `Rejected peer, remote endpoint ${init.remoteEndpoint} local endpoint ${init.localEndpoint}`
      : `Rejected by peer, remote endpoint ${init.remoteEndpoint} local endpoint ${init.localEndpoint}`;
  const detailText = detail === '' ? '' : ` (${detail})`;
  return `${head}: ${init.kind}: ${explanation}${detailText}. Fix: ${fix}.`;
}

/** Maps an OpenSSL verify result (`socket.authorizationError`) to a kind, given who was verified. */
export function kindOfVerifyError(code: string, verifiedPeerRole: TlsRole): TlsRejectionKind {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'unknown_ca';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'self_signed';
    case 'CERT_HAS_EXPIRED':
      return 'cert_expired';
    case 'CERT_NOT_YET_VALID':
      return 'cert_not_yet_valid';
    case 'INVALID_PURPOSE':
      return verifiedPeerRole === 'client' ? 'missing_client_auth' : 'missing_server_auth';
    default:
      return 'verify_failed';
  }
}

/**
 * Maps an error that ended a TLS handshake (OpenSSL codes as Node reports them) to a kind and to
 * who detected it: a received alert means the peer refused us.
 */
export function kindOfHandshakeError(code: string | undefined): {
  kind: TlsRejectionKind;
  detectedBy: DetectedBy;
} {
  switch (code) {
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
      return { kind: 'unknown_ca', detectedBy: 'peer' };
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED':
      return { kind: 'cert_expired', detectedBy: 'peer' };
    case 'ERR_SSL_TLSV1_ALERT_UNSUPPORTED_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE':
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
      return { kind: 'verify_failed', detectedBy: 'peer' };
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return { kind: 'no_certificate', detectedBy: 'peer' };
    case 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE':
      return { kind: 'no_certificate', detectedBy: 'local' };
    // Our plaintext nodes answer a ClientHello with this alert, see plaintextRefusalAlert.
    case 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED':
      return { kind: 'tls_peer_on_plaintext_node', detectedBy: 'peer' };
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_HTTP_REQUEST':
    case 'ERR_SSL_UNKNOWN_PROTOCOL':
      return { kind: 'plaintext_peer', detectedBy: 'local' };
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return { kind: 'timeout', detectedBy: 'local' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'protocol_mismatch', detectedBy: 'local' };
    default:
      return {
        kind: 'handshake_failed',
        detectedBy: code?.includes('_ALERT_') === true ? 'peer' : 'local',
      };
  }
}

// ---------------------------------------------------------------------------------------------
// The verdict line. After the TLS handshake each side checks the other's certificate and sends
// one line, so that a refused node learns why instead of seeing a closed socket (under TLS 1.3 a
// client whose certificate is refused has already finished its handshake):
//   TRIREME-PEER OK\n
//   TRIREME-PEER REJECT <kind> <detail>\n
// A plaintext node (socket.ssl=no) opens with `TRIREME-PEER PLAIN\n` so that a TLS node can tell it
// apart from other plaintext, and answers with a verdict line too.

export const verdictLineBytesMax = 512;
const verdictPrefix = 'TRIREME-PEER ';
export const plaintextGreeting = 'TRIREME-PEER PLAIN\n';

export type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'reject'; readonly cause: TlsRejectionKind; readonly detail: string }
  | { readonly kind: 'plain' };

export function encodeVerdict(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'ok':
      return `${verdictPrefix}OK\n`;
    case 'plain':
      return plaintextGreeting;
    case 'reject': {
      const detail = sanitise(verdict.detail).slice(0, verdictLineBytesMax - 64);
      return `${verdictPrefix}REJECT ${verdict.cause} ${detail}\n`;
    }
  }
}

/** Decodes a line without its newline; null when it is not a verdict (bytes from a peer are never trusted). */
export function decodeVerdict(line: string): Verdict | null {
  if (!line.startsWith(verdictPrefix)) return null;
  const rest = line.slice(verdictPrefix.length);
  if (rest === 'OK') return { kind: 'ok' };
  if (rest === 'PLAIN') return { kind: 'plain' };
  const match = /^REJECT ([a-z_]+) ?(.*)$/.exec(rest);
  if (match === null) return null;
  const cause = tlsRejectionKinds.find((kind) => kind === match[1]);
  if (cause === undefined) return null;
  return { kind: 'reject', cause, detail: sanitise(match[2] ?? '') };
}

/** Printable ASCII only, so that a peer cannot inject control characters into our logs. */
export function sanitise(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** Shows the first bytes a peer sent, for a log line: as text when they mostly are, else in hex. */
export function describeBytes(bytes: Uint8Array, countMax = 16): string {
  const head = Buffer.from(bytes.subarray(0, countMax));
  const more = bytes.length > countMax ? '…' : '';
  const printableCount = head.filter((byte) => byte >= 0x20 && byte <= 0x7e).length;
  if (head.length === 0 || printableCount * 4 < head.length * 3)
    return `0x${head.toString('hex')}${more}`;
  const text = [...head]
    .map((byte) =>
      byte === 0x0d
        ? '\\r'
        : byte === 0x0a
          ? '\\n'
          : byte >= 0x20 && byte <= 0x7e
            ? String.fromCharCode(byte)
            : '.',
    )
    .join('');
  return `'${text}${more}'`;
}

// A TLS alert record (fatal, access_denied), sent in plaintext by a node without TLS to a peer that
// opened a TLS handshake. Our TLS nodes never send this alert themselves, so it names the cause.
export const plaintextRefusalAlert = Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 49]);

/** True when the first byte of a connection is a TLS handshake record (a ClientHello). */
export function looksLikeTls(firstBytes: Uint8Array): boolean {
  return firstBytes[0] === 0x16;
}
