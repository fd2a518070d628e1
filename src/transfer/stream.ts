// The SST stream and its request, as bytes. Pure encodings and checks; the sockets are in
// sst.ts. Design: docs/design/transfer.md.
//
// The joiner asks a donor over the replication link (a control frame, JSON):
//   {"type":"sst_request","nonce":…,"upTo":…,"address":"host:port","supports":[…]}
// where `supports` lists what the joiner can read (SstCapability; absent from older joiners,
// whose capabilities follow from their other fields: legacyCapabilities). The donor chooses a
// stream from that list only (chooseSstStream), or refuses naming what is missing.
// and the donor answers a refusal the same way ({"type":"sst_refused","nonce":…,"reason":…}) or
// dials the address (mutual TLS, as the replication channel) and sends frames (codec/frame.ts):
//   header  JSON: nonce, donor, state UUID, index, term, boundary, dbBytes, entryCount, format,
//           and from an encrypted donor dbKey: the transfer's own page key (hex) that a physical
//           copy is sealed with, sent only inside the mutual-TLS stream (docs/design/encryption.md)
//   db      raw bytes of the SQLite file (format physical) or of the SQL dump (format logical,
//           storage/logical-dump.ts), in order, each at most sstChunkBytes
//   entry   one consensus log entry (codec/consensus.ts), boundary.index+1 … index in order
//   end     JSON: the SHA-256 of the database bytes, or null when the joiner asked for none
//           over TLS (digest 'none' in the request and the header)
import { decodeBoundary, encodeBoundary } from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import type { Boundary } from '../core/consensus/types.js';
import type { Index, Term } from '../core/types.js';
import type { PageScheme } from '../storage/index.js';

export const sstFrameTypes = {
  header: 1,
  db: 2,
  entry: 3,
  end: 4,
} as const;

/** Database bytes per frame; the file is read and sent in pieces of this size. */
export const sstChunkBytes = 1024 * 1024;
/** A control payload is small JSON; anything larger is refused unread. */
export const controlPayloadBytesMax = 4096;

export interface SstRequest {
  readonly type: 'sst_request';
  readonly nonce: string;
  /** The joiner needs a state at least this recent (the leader's log boundary). */
  readonly upTo: number;
  /** Where the joiner listens for the donor (wsrep_sst_receive_address). */
  readonly address: string;
  /** The joiner's wsrep_sst_method, so that both logs name it (absent from older joiners). */
  readonly method?: string;
  /** The joiner asks for SQL statements (mysqldump) and can load them (absent: a file copy). */
  readonly logical?: boolean;
  /**
   * 'none': the joiner needs no SHA-256 of the database, because the stream runs over TLS,
   * whose records are each authenticated (AEAD), on top of each frame's CRC-32 and the byte
   * count. Absent (older joiners, or socket.ssl=no): the donor sends the SHA-256.
   */
  readonly digest?: 'none';
  /** What the joiner can read (absent from joiners older than this field: legacyCapabilities). */
  readonly supports?: readonly SstCapability[];
}

/**
 * What a joiner can read, named in its request:
 * - `physical`: a SQLite database file (of the joiner's storage format; checked at install);
 * - `logical`: SQL statements, loaded into a database of its own (wsrep_sst_method=mysqldump);
 * - `transfer-key`: a physical copy sealed with a key of the transfer only (header `dbKey`),
 *   rekeyed to the joiner's own key at install: what an encrypted donor sends;
 * - `digest-none`: a stream whose end frame carries no SHA-256 (only ever over TLS);
 * - `page-cipher-aegis`: an encrypted copy under AEGIS-256 (without it, ChaCha20-Poly1305, the
 *   only page scheme of releases before it).
 */
export const sstCapabilities = [
  'physical',
  'logical',
  'transfer-key',
  'digest-none',
  'page-cipher-aegis',
] as const;
export type SstCapability = (typeof sstCapabilities)[number];
/** A request lists at most this many capabilities (the known ones and some newer). */
const sstCapabilitiesMax = 32;

/**
 * The capabilities of a joiner whose request lists none (a release before the list): a file copy
 * always; SQL if it asked for it; a joiner that asked for no SHA-256 is of a release that also
 * installs a copy under a transfer key (both came before the list, the key first).
 */
export function legacyCapabilities(request: SstRequest): readonly SstCapability[] {
  return [
    'physical',
    ...(request.logical === true ? (['logical'] as const) : []),
    ...(request.digest === 'none' ? (['transfer-key', 'digest-none'] as const) : []),
  ];
}

/** What the joiner can read: its list, or what its release could. */
export function joinerCapabilities(request: SstRequest): readonly SstCapability[] {
  return request.supports ?? legacyCapabilities(request);
}

/** What a donor holds and how it reaches the joiner, for chooseSstStream. */
export interface SstDonorFacts {
  /** The donor's database is encrypted: a physical copy goes only under a transfer key. */
  readonly encrypted: boolean;
  /** The stream runs over TLS (every record authenticated), so a SHA-256 may be left out. */
  readonly tls: boolean;
}

/** The stream a donor sends: what the header will say. */
export interface SstStreamChoice {
  readonly format: 'physical' | 'logical';
  /** Seal the copy with a transfer key (header dbKey). */
  readonly transferKey: boolean;
  readonly digest: 'sha256' | 'none';
  /** The page scheme of a copy under a transfer key: what the joiner can open. */
  readonly pageScheme: PageScheme;
}

/**
 * The donor's choice: only what the joiner can read. An error names what the joiner lacks.
 * An encrypted donor never falls back to a plaintext copy: it would have to write one to its
 * own disk (docs/design/encryption.md, "State transfer").
 */
export function chooseSstStream(
  request: SstRequest,
  donor: SstDonorFacts,
): Result<SstStreamChoice, string> {
  const can = new Set(joinerCapabilities(request));
  const format = request.logical === true ? 'logical' : 'physical';
  const listed = request.supports === undefined ? 'its release' : 'its request';
  if (!can.has(format))
    return err(
      `the joiner cannot read a ${format} copy (missing capability '${format}'; ${listed} supports ${[...can].join(', ') || 'nothing'})`,
    );
  const transferKey = format === 'physical' && donor.encrypted;
  if (transferKey && !can.has('transfer-key'))
    return err(
      `this donor's database is encrypted and it sends a copy only under a transfer key, which the joiner cannot install (missing capability 'transfer-key'; ${listed} supports ${[...can].join(', ')}): upgrade the joiner, or let an unencrypted node donate (wsrep_sst_donor)`,
    );
  // The joiner asks for no SHA-256 (request.digest) only over TLS; the donor checks its side too.
  const digest =
    request.digest === 'none' && donor.tls && can.has('digest-none') ? 'none' : 'sha256';
  const pageScheme = can.has('page-cipher-aegis') ? 'aegis' : 'chacha20';
  return ok({ format, transferKey, digest, pageScheme });
}

export interface SstRefused {
  readonly type: 'sst_refused';
  readonly nonce: string;
  readonly reason: string;
}

/** A node tells a peer its cluster state UUID when a link comes up. */
export interface StateAnnounce {
  readonly type: 'state';
  readonly uuid: string;
  /** The node's client address (wsrep_incoming_addresses); absent from older nodes. */
  readonly incoming?: string;
  /** The sender has not heard the receiver's announce (it was lost with a replaced link). */
  readonly ask?: boolean;
  /**
   * The sender came back on an empty datadir and has not caught up: it votes for nobody, so a
   * forced primary component (pc.bootstrap) must not count on it. Absent from older nodes.
   */
  readonly rejoining?: boolean;
}

/**
 * The leader tells a peer it starts sending it seqnos first..last from its log (IST over the
 * replication link), so both sides announce it as Galera does.
 */
export interface IstAnnounce {
  readonly type: 'ist';
  readonly first: number;
  readonly last: number;
}

export type ControlMessage = SstRequest | SstRefused | StateAnnounce | IstAnnounce;

export interface SstHeader {
  readonly nonce: string;
  readonly donor: string;
  readonly stateUuid: string | null;
  /** The database's applied seqno: the state the joiner will have. */
  readonly index: Index;
  readonly term: Term;
  /** The joiner's new log boundary; entries boundary.index+1 … index follow the database. */
  readonly boundary: Boundary;
  readonly dbBytes: number;
  readonly entryCount: number;
  /**
   * What the `db` frames carry: the database file (physical, absent from older donors), or a
   * logical dump, SQL statements the joiner loads into a database of its own storage format.
   */
  readonly format?: 'physical' | 'logical';
  /** The page key of the database copy (64 hex digits); absent: the copy is plaintext. */
  readonly dbKey?: string;
  /** 'none': the end frame carries no SHA-256 (the joiner asked, over TLS: SstRequest.digest). */
  readonly digest?: 'none';
}

export function encodeControl(message: ControlMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeControl(payload: Uint8Array): Result<ControlMessage, string> {
  if (payload.length > controlPayloadBytesMax)
    return err(`control frame of ${payload.length} bytes`);
  const value = parseJson(payload);
  if (value === null) return err('control frame is not a JSON object');
  const text = (key: string): string | null =>
    typeof value[key] === 'string' ? (value[key] as string) : null;
  switch (value['type']) {
    case 'sst_request': {
      const nonce = text('nonce');
      const address = text('address');
      const upTo = value['upTo'];
      if (nonce === null || address === null || !isCount(upTo))
        return err('sst_request needs nonce, address and upTo');
      const method = text('method');
      if (method !== null && !/^[a-z][a-z0-9_-]{0,31}$/.test(method))
        return err('sst_request: bad method');
      const supports = decodeCapabilities(value['supports']);
      if (!supports.ok) return supports;
      return ok({
        type: 'sst_request',
        nonce,
        address,
        upTo,
        ...(method === null ? {} : { method }),
        ...(method !== null && value['logical'] === true ? { logical: true } : {}),
        ...(value['digest'] === 'none' ? { digest: 'none' } : {}),
        ...(supports.value === null ? {} : { supports: supports.value }),
      });
    }
    case 'sst_refused': {
      const nonce = text('nonce');
      const reason = text('reason');
      if (nonce === null || reason === null) return err('sst_refused needs nonce and reason');
      return ok({ type: 'sst_refused', nonce, reason });
    }
    case 'state': {
      const uuid = text('uuid');
      if (uuid === null || !uuidPattern.test(uuid)) return err('state needs a UUID');
      const incoming = text('incoming');
      if (incoming === null) return ok({ type: 'state', uuid });
      if (incoming.length > 300) return err('state has an over-long incoming address');
      return ok({
        type: 'state',
        uuid,
        incoming,
        ask: value['ask'] === true,
        ...(value['rejoining'] === true ? { rejoining: true } : {}),
      });
    }
    case 'ist': {
      const first = value['first'];
      const last = value['last'];
      if (!isCount(first) || !isCount(last) || first > last)
        return err('ist needs first <= last, both counts');
      return ok({ type: 'ist', first, last });
    }
    default:
      return err(`unknown control message ${JSON.stringify(value['type'])}`);
  }
}

/**
 * A request's capability list: names this build does not know are dropped (a newer joiner may
 * list more), anything but a short list of short names is an error. Null: no list.
 */
function decodeCapabilities(value: unknown): Result<readonly SstCapability[] | null, string> {
  if (value === undefined) return ok(null);
  if (!Array.isArray(value) || value.length > sstCapabilitiesMax)
    return err(`sst_request: supports must be a list of at most ${sstCapabilitiesMax} names`);
  const known = new Set<string>(sstCapabilities);
  const names: SstCapability[] = [];
  for (const name of value as unknown[]) {
    if (typeof name !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(name))
      return err('sst_request: supports holds a malformed name');
    if (known.has(name) && !names.includes(name as SstCapability))
      names.push(name as SstCapability);
  }
  return ok(names);
}

export function encodeHeader(header: SstHeader): Uint8Array {
  const boundary = Buffer.from(encodeBoundary(header.boundary)).toString('base64');
  return new TextEncoder().encode(JSON.stringify({ ...header, boundary }));
}

export function decodeHeader(payload: Uint8Array): Result<SstHeader, string> {
  const value = parseJson(payload);
  if (value === null) return err('SST header is not a JSON object');
  const { nonce, donor, stateUuid, index, term, dbBytes, entryCount, format } = value;
  if (format !== undefined && format !== 'physical' && format !== 'logical')
    return err('SST header has an unknown format');
  if (typeof nonce !== 'string' || typeof donor !== 'string')
    return err('SST header needs nonce and donor');
  if (stateUuid !== null && (typeof stateUuid !== 'string' || !uuidPattern.test(stateUuid)))
    return err('SST header has a malformed state UUID');
  if (!isCount(index) || !isCount(term) || !isCount(dbBytes) || !isCount(entryCount))
    return err('SST header needs index, term, dbBytes and entryCount');
  if (typeof value['boundary'] !== 'string') return err('SST header needs a boundary');
  const boundary = decodeBoundary(Buffer.from(value['boundary'], 'base64'));
  if (!boundary.ok) return err('SST header has a malformed boundary');
  if (boundary.value.index + entryCount !== index)
    return err(
      `SST header: ${entryCount} entries after ${boundary.value.index} do not end at ${index}`,
    );
  const dbKey = value['dbKey'];
  if (dbKey !== undefined && (typeof dbKey !== 'string' || !/^[0-9a-f]{64}$/.test(dbKey)))
    return err('SST header has a malformed dbKey');
  const digest = value['digest'];
  if (digest !== undefined && digest !== 'none') return err('SST header has an unknown digest');
  return ok({
    ...(dbKey === undefined ? {} : { dbKey }),
    ...(digest === undefined ? {} : { digest }),
    nonce,
    donor,
    stateUuid,
    index: index as Index,
    term: term as Term,
    boundary: boundary.value,
    dbBytes,
    entryCount,
    format: format ?? 'physical',
  });
}

/** The end frame: the database's SHA-256, or null when the header said `digest: 'none'`. */
export function encodeEnd(sha256: string | null): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ sha256 }));
}

export function decodeEnd(payload: Uint8Array): Result<string | null, string> {
  const value = parseJson(payload);
  const sha256 = value?.['sha256'];
  if (sha256 === null) return ok(null);
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))
    return err('SST end frame needs a SHA-256');
  return ok(sha256);
}

/** `host:port` (IPv6 in brackets) → its parts, or null. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  if (match === null) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]!, port };
}

function parseJson(payload: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
