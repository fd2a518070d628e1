// The peer handshake of the replication channel, after TLS: both sides send a HELLO frame at once,
// read the other's, and decide alone but alike (the checks here are symmetric), so that both
// refuse a peer for the same cause; each then sends ACCEPT or REFUSE, and a link is up once both
// accepted. Pure encodings and decisions; the I/O is in
// transport.ts. Design: docs/design/transport.md.
import { assert } from '../core/assert.js';
import type { NodeId } from '../core/types.js';
import { ByteReader, ByteWriter, U16_MAX } from '../codec/bytes.js';
import { err, ok, type Result } from '../codec/result.js';
import { tlsRejectionTexts } from './tls-rejection.js';

/** Frame types of the replication channel (codec/frame.ts leaves the registry to the owner). */
export const frameTypes = {
  hello: 1,
  /** A refused handshake: cause and detail, then the sender closes. */
  refuse: 2,
  /** A consensus message (codec/consensus.ts). */
  message: 3,
  /** Empty: "still here", sent on an idle link. */
  keepalive: 4,
  /** A quiet close: this node itself, a duplicate link, a shutdown. */
  bye: 5,
  /** Empty: this side accepted the peer's HELLO; the link is up once both sent it. */
  accept: 6,
  /** Version 2: a node-level request outside consensus (state transfer requests), UTF-8 JSON. */
  control: 7,
} as const;

/**
 * Versions of the link protocol (the frames after the handshake and their payloads). A link runs
 * at the highest version both ends support. Version 1: frame types 3–5 as above. Version 2 adds
 * control frames (7) and the leader's flow-control flag in heartbeats; version 1 is no longer
 * spoken (no release ever did). Version 3 adds an append's flags byte (a commit notice that
 * wants no answer, docs/design/consensus.md); a version-2 peer is sent appends without it.
 * Version 4 changes no frame: it says the node fails a later copy of a DDL in certification
 * (CertificationInput.identity), so its peers may propose a DDL again to a new leader.
 * Version 5 changes no frame: the node plans a DDL by DDL rules 5 when its write-set says so
 * (WriteSetFlags.ddlRules: prefix keys on their prefixes, database defaults). Version 6 changes
 * no frame either: DDL rules 6 (a PRIMARY KEY over prefixes built on them).
 */
export const protocolVersionMin = 2;
export const protocolVersionMax = 6;
/** The first version that carries control frames. */
export const controlFramesSince = 2;
/** The first version whose appends may carry flags (MessageEncoding.appendFlags). */
export const appendFlagsSince = 3;
/**
 * The first version whose nodes fail a later copy of a DDL (TOI) in certification: a DDL is
 * proposed again to a new leader only when every other member speaks it (a node of an earlier
 * release would run the copy again).
 */
export const ddlCopiesSince = 4;
/**
 * The first link version whose nodes plan a DDL by DDL rules `rules` (WriteSetFlags.ddlRules):
 * the same number, from 5. A DDL asks for rules only when every member speaks their version (a
 * node of an earlier release would refuse the flag, and plan the DDL otherwise).
 */
export function ddlRulesSince(rules: number): number {
  return rules;
}

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** The highest version in both ranges, or null when they are disjoint. */
export function negotiateVersion(local: VersionRange, remote: VersionRange): number | null {
  const version = Math.min(local.max, remote.max);
  return version >= Math.max(local.min, remote.min) ? version : null;
}

const helloMagic = Uint8Array.from([0x54, 0x52, 0x48, 0x49]); // 'TRHI'
const helloFormat = 1;
/** A HELLO payload is read with this limit before the peer is known (it is small). */
export const helloPayloadBytesMax = 4096;
const textBytesMax = 256;
const uuidBytes = 16;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Hello {
  readonly clusterName: string;
  /** Stable per node (generated once, kept in its state directory), lower-case 8-4-4-4-12 hex. */
  readonly nodeUuid: string;
  /** The consensus NodeId (wsrep_node_name). */
  readonly nodeName: NodeId;
  /** The replication address this node listens on, as others should dial it. */
  readonly listenAddress: string;
  readonly versions: VersionRange;
  /**
   * Set by the dialing side only (0 from the accepting side): increases with every dial of one
   * node, across restarts (it starts from the clock), so that of two links from the same dialer
   * both ends keep the same, newer one.
   */
  readonly dialSeq: number;
}

export function isNodeUuid(text: string): boolean {
  return uuidPattern.test(text);
}

// HELLO payload: 'TRHI', u8 format (1), u16 version min, u16 version max, 16 bytes node UUID,
// u64 dialSeq, then cluster name, node name and listen address (u16 length + UTF-8 each). A newer
// format may append fields: trailing bytes are ignored, as the first frame must stay readable by
// every version.
export function encodeHello(hello: Hello): Uint8Array {
  assert(isNodeUuid(hello.nodeUuid), 'node UUID is 8-4-4-4-12 lower-case hex');
  assert(hello.versions.min >= 1 && hello.versions.min <= hello.versions.max, 'version range');
  assert(hello.versions.max <= U16_MAX, 'versions fit a u16');
  const w = new ByteWriter(128);
  w.bytes(helloMagic);
  w.u8(helloFormat);
  w.u16(hello.versions.min);
  w.u16(hello.versions.max);
  w.bytes(Buffer.from(hello.nodeUuid.replaceAll('-', ''), 'hex'));
  w.u64(hello.dialSeq);
  for (const text of [hello.clusterName, hello.nodeName, hello.listenAddress]) {
    assert(Buffer.byteLength(text) <= textBytesMax, 'handshake text too long');
    w.string(text, 2);
  }
  return w.copy();
}

export type HelloError = { readonly kind: 'bad_hello'; readonly detail: string };

export function decodeHello(bytes: Uint8Array): Result<Hello, HelloError> {
  const bad = (detail: string): { ok: false; error: HelloError } =>
    err({ kind: 'bad_hello', detail });
  if (bytes.length > helloPayloadBytesMax) return bad(`${bytes.length} bytes`);
  const r = new ByteReader(bytes);
  const magic = r.bytesCopy(helloMagic.length);
  const format = r.u8();
  if (r.overrun || !magic.every((byte, i) => byte === helloMagic[i]))
    return bad('not a trireme HELLO');
  if (format !== helloFormat) return bad(`unknown HELLO format ${format}`);
  const versions = { min: r.u16(), max: r.u16() };
  const uuid = Buffer.from(r.bytesCopy(uuidBytes)).toString('hex');
  const dialSeq = r.u64Safe();
  const texts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const length = r.u16();
    if (length > textBytesMax) return bad(`a name of ${length} bytes`);
    const text = r.utf8(length);
    if (text === null) return bad('a name is not UTF-8');
    texts.push(text);
  }
  if (r.overrun) return bad('truncated');
  if (versions.min < 1 || versions.min > versions.max)
    return bad(`version range ${versions.min}..${versions.max}`);
  if (dialSeq < 0) return bad('dialSeq above 2^53');
  const [clusterName = '', nodeName = '', listenAddress = ''] = texts;
  if (nodeName === '') return bad('empty node name');
  return ok({
    clusterName,
    nodeUuid: `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`,
    nodeName: nodeName as NodeId,
    listenAddress,
    versions,
    dialSeq,
  });
}

// ---------------------------------------------------------------------------------------------
// Decisions

export const handshakeRejectionKinds = [
  'wrong_cluster_name',
  'no_common_version',
  'duplicate_node_name',
  'bad_hello',
] as const;
export type HandshakeRejectionKind = (typeof handshakeRejectionKinds)[number];

/** Why a link closes quietly (no warning): not a fault of either node. */
export const byeReasons = ['self', 'duplicate_link', 'shutdown'] as const;
export type ByeReason = (typeof byeReasons)[number];

export type HandshakeVerdict =
  | { readonly kind: 'accept'; readonly version: number }
  | { readonly kind: 'refuse'; readonly cause: HandshakeRejectionKind; readonly detail: string }
  | { readonly kind: 'self' };

/** What this node makes of the peer's HELLO; the peer computes the same from ours. */
export function judgeHello(local: Hello, remote: Hello): HandshakeVerdict {
  if (remote.clusterName !== local.clusterName) {
    return {
      kind: 'refuse',
      cause: 'wrong_cluster_name',
      detail: `this node's wsrep_cluster_name is '${local.clusterName}', the peer ${remote.nodeName}'s is '${remote.clusterName}'`,
    };
  }
  const version = negotiateVersion(local.versions, remote.versions);
  if (version === null) {
    return {
      kind: 'refuse',
      cause: 'no_common_version',
      detail: `this node speaks versions ${local.versions.min}..${local.versions.max}, the peer ${remote.nodeName} ${remote.versions.min}..${remote.versions.max}: the peer is too ${remote.versions.max < local.versions.min ? 'old' : 'new'}`,
    };
  }
  if (remote.nodeUuid === local.nodeUuid) return { kind: 'self' };
  if (remote.nodeName === local.nodeName) {
    return {
      kind: 'refuse',
      cause: 'duplicate_node_name',
      detail: `both nodes are named '${local.nodeName}' (UUIDs ${local.nodeUuid} and ${remote.nodeUuid})`,
    };
  }
  return { kind: 'accept', version };
}

/** Identifies a link for the duplicate rule: who dialed it, and the dialer's sequence number. */
export interface LinkKey {
  readonly dialerUuid: string;
  readonly dialSeq: number;
}

/**
 * Of two links between the same pair, the one to keep: the one dialed by the smaller UUID; of two
 * dialed by the same node, the newer (larger dialSeq; the older is usually half-open). Both ends
 * see the same keys, so both keep the same link.
 */
export function preferredLink(a: LinkKey, b: LinkKey): 'a' | 'b' {
  if (a.dialerUuid !== b.dialerUuid) return a.dialerUuid < b.dialerUuid ? 'a' : 'b';
  return a.dialSeq >= b.dialSeq ? 'a' : 'b';
}

// ---------------------------------------------------------------------------------------------
// REFUSE and BYE payloads: u8 code, then (REFUSE) u16 length + UTF-8 detail.

const detailBytesMax = 400;

export function encodeRefuse(cause: HandshakeRejectionKind, detail: string): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(handshakeRejectionKinds.indexOf(cause) + 1);
  w.string(truncateUtf8(detail, detailBytesMax), 2);
  return w.copy();
}

export function decodeRefuse(
  bytes: Uint8Array,
): Result<{ cause: HandshakeRejectionKind; detail: string }, HelloError> {
  const r = new ByteReader(bytes);
  const cause = handshakeRejectionKinds[r.u8() - 1];
  const length = r.u16();
  if (length > detailBytesMax) return err({ kind: 'bad_hello', detail: 'REFUSE detail too long' });
  const detail = r.utf8(length);
  if (r.overrun || cause === undefined || detail === null)
    return err({ kind: 'bad_hello', detail: 'malformed REFUSE' });
  return ok({ cause, detail: sanitiseText(detail) });
}

export function encodeBye(reason: ByeReason): Uint8Array {
  return Uint8Array.of(byeReasons.indexOf(reason) + 1);
}

export function decodeBye(bytes: Uint8Array): ByeReason | null {
  return bytes.length === 1 ? (byeReasons[(bytes[0] ?? 0) - 1] ?? null) : null;
}

function truncateUtf8(text: string, bytesMax: number): string {
  let result = text;
  while (Buffer.byteLength(result) > bytesMax) result = result.slice(0, -1);
  return result;
}

/** Printable text only, so that a peer cannot inject control characters into our logs. */
export function sanitiseText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
}

// ---------------------------------------------------------------------------------------------
// Texts. wrong_cluster_name shares its words with the TLS layer's table (tls-rejection.ts).

interface CauseText {
  readonly local: string;
  readonly peer: string;
  readonly fix: string;
}

export const handshakeRejectionTexts: Readonly<Record<HandshakeRejectionKind, CauseText>> = {
  wrong_cluster_name: tlsRejectionTexts.wrong_cluster_name,
  no_common_version: {
    local: 'the peer supports no replication protocol version that this node supports',
    peer: 'the peer supports no replication protocol version that this node supports',
    fix: 'upgrade one version at a time: a rolling upgrade works between adjacent trireme releases only',
  },
  duplicate_node_name: {
    local: 'the peer has the same node name (wsrep_node_name) as this node or as another live peer',
    peer: 'the peer says this node has the same node name (wsrep_node_name) as another node',
    fix: 'give every node its own wsrep_node_name; a node that was rebuilt with a new UUID is accepted once its old link has timed out',
  },
  bad_hello: {
    local: 'the peer sent a malformed handshake',
    peer: "the peer could not read this node's handshake",
    fix: 'check wsrep_cluster_address: it must list the replication ports (default 4567) of trireme nodes',
  },
};

/** The log line for a refused handshake, in the format of TlsRejection's lines. */
export function handshakeRejectionLine(
  kind: HandshakeRejectionKind,
  detectedBy: 'local' | 'peer',
  remoteEndpoint: string,
  localEndpoint: string,
  detail: string,
): string {
  const text = handshakeRejectionTexts[kind];
  const head = detectedBy === 'local' ? 'Rejected peer' : 'Rejected by peer';
  const detailText = detail === '' ? '' : ` (${detail})`;
  const explanation = detectedBy === 'local' ? text.local : text.peer;
  return `${head}, remote endpoint ${remoteEndpoint} local endpoint ${localEndpoint}: ${kind}: ${explanation}${detailText}. Fix: ${text.fix}.`;
}
