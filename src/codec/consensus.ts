// Binary encodings of the consensus core's values: log entries, messages, the hard state and the
// compaction boundary. They travel inside CRC-checked frames (frame.ts) and gcache records, so
// they carry no checksum of their own; decoding untrusted bytes never throws and returns a typed
// error. Layout: docs/design/codec.md ("Consensus values").
import { assert } from '../core/assert.js';
import type {
  Boundary,
  ConfigState,
  Entry,
  EntryKind,
  HardState,
  Message,
  MessageType,
  Proposal,
} from '../core/consensus/types.js';
import { proposalRefusals } from '../core/consensus/types.js';
import type { Index, NodeId, Term } from '../core/types.js';
import { ByteReader, ByteWriter, U16_MAX } from './bytes.js';
import { err, ok, type Result } from './result.js';

export const CONSENSUS_CODEC_VERSION = 1;

export interface ConsensusLimits {
  readonly entriesMax: number;
  readonly entryDataBytesMax: number;
  readonly nodeIdBytesMax: number;
  readonly configMembersMax: number;
  readonly proposalsMax: number;
}

export const DEFAULT_CONSENSUS_LIMITS: ConsensusLimits = {
  entriesMax: 65_536,
  entryDataBytesMax: 64 * 1024 * 1024,
  nodeIdBytesMax: 256,
  configMembersMax: 1024,
  proposalsMax: 65_536,
};

export type ConsensusCodecError =
  | { readonly kind: 'truncated' }
  | { readonly kind: 'unknown_version'; readonly version: number }
  | { readonly kind: 'malformed'; readonly detail: string }
  | {
      readonly kind: 'limit_exceeded';
      readonly limit: keyof ConsensusLimits;
      readonly value: number;
    };

const MESSAGE_TYPES: readonly MessageType[] = [
  'preVote',
  'preVoteResponse',
  'vote',
  'voteResponse',
  'append',
  'appendResponse',
  'heartbeat',
  'heartbeatResponse',
  'stateTransfer',
  'timeoutNow',
  'propose',
  'readIndex',
  'readIndexResponse',
  'join',
  'leave',
  'leaveConfirmed',
  'proposeRefused',
];
const ENTRY_KINDS: readonly EntryKind[] = ['normal', 'noop', 'config'];

// ---- encoding (trusted values; asserts on programmer errors) ----

/** How a message is encoded on one link (what its protocol version carries). */
export interface MessageEncoding {
  /** An append ends with a flags byte (link protocol version 3 on; net/handshake.ts). */
  readonly appendFlags: boolean;
}

/** The append flag of a commit notice that wants no answer (Message 'append', noReply). */
const APPEND_NO_REPLY = 1;
const CURRENT_ENCODING: MessageEncoding = { appendFlags: true };

export function encodeMessage(
  message: Message,
  encoding: MessageEncoding = CURRENT_ENCODING,
): Uint8Array {
  const w = new ByteWriter(64 + (message.type === 'append' ? entriesSize(message.entries) : 0));
  w.u8(CONSENSUS_CODEC_VERSION);
  w.u8(MESSAGE_TYPES.indexOf(message.type) + 1);
  writeNode(w, message.from);
  writeNode(w, message.to);
  w.u64(message.term);
  switch (message.type) {
    case 'preVote':
      w.u64(message.lastIndex);
      w.u64(message.lastTerm);
      break;
    case 'vote':
      w.u64(message.lastIndex);
      w.u64(message.lastTerm);
      w.u8(message.transfer ? 1 : 0);
      break;
    case 'preVoteResponse':
    case 'voteResponse':
      w.u8(message.reject ? 1 : 0);
      break;
    case 'append':
      w.u64(message.prevIndex);
      w.u64(message.prevTerm);
      w.u64(message.commit);
      w.u32(message.entries.length);
      for (const entry of message.entries) writeEntry(w, entry);
      if (encoding.appendFlags) w.u8(message.noReply === true ? APPEND_NO_REPLY : 0);
      break;
    case 'appendResponse':
      w.u8(message.reject ? 1 : 0);
      w.u64(message.index);
      w.u64(message.hintIndex);
      w.u64(message.hintTerm);
      break;
    case 'heartbeat':
      w.u64(message.commit);
      w.u64(message.readSeq);
      w.u8(message.flowControl ? 1 : 0);
      break;
    case 'heartbeatResponse':
      w.u64(message.readSeq);
      w.u64(message.applyQueue);
      break;
    case 'stateTransfer':
      w.u64(message.index);
      writeNode(w, message.donor);
      break;
    case 'propose':
      w.u32(message.proposals.length);
      for (const p of message.proposals) {
        w.u64(p.proposalId);
        w.u32(p.data.byteLength);
        w.bytes(p.data);
      }
      break;
    case 'readIndex':
      w.u64(message.context);
      break;
    case 'readIndexResponse':
      w.u64(message.context);
      w.u64(message.index);
      break;
    case 'join':
    case 'leave':
      writeNode(w, message.node);
      break;
    case 'timeoutNow':
    case 'leaveConfirmed':
      break;
    case 'proposeRefused':
      w.u32(message.proposalIds.length);
      for (const id of message.proposalIds) w.u64(id);
      w.u8(proposalRefusals.indexOf(message.reason));
      break;
  }
  return w.copy();
}

export function encodeEntry(entry: Entry): Uint8Array {
  const w = new ByteWriter(48 + entry.data.byteLength);
  w.u8(CONSENSUS_CODEC_VERSION);
  writeEntry(w, entry);
  return w.copy();
}

export function encodeHardState(hs: HardState): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(CONSENSUS_CODEC_VERSION);
  w.u64(hs.term);
  writeNode(w, hs.vote ?? '');
  w.u64(hs.commit);
  w.u8(hs.forcedConfig === null ? 0 : 1);
  if (hs.forcedConfig !== null) writeConfig(w, hs.forcedConfig);
  return w.copy();
}

export function encodeBoundary(boundary: Boundary): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(CONSENSUS_CODEC_VERSION);
  w.u64(boundary.index);
  w.u64(boundary.term);
  writeConfig(w, boundary.config);
  return w.copy();
}

function writeEntry(w: ByteWriter, entry: Entry): void {
  w.u64(entry.index);
  w.u64(entry.term);
  w.u8(ENTRY_KINDS.indexOf(entry.kind) + 1);
  writeNode(w, entry.origin ?? '');
  w.u64(entry.proposalId);
  if (entry.kind === 'config') {
    assert(entry.config !== null, 'a config entry carries its configuration');
    writeConfig(w, entry.config);
  }
  w.u32(entry.data.byteLength);
  w.bytes(entry.data);
}

function writeConfig(w: ByteWriter, config: ConfigState): void {
  w.u16(config.voters.length);
  for (const v of config.voters) writeNode(w, v);
  w.u16(config.learners.length);
  for (const l of config.learners) writeNode(w, l);
}

function writeNode(w: ByteWriter, node: string): void {
  w.string(node, 2);
}

function entriesSize(entries: readonly Entry[]): number {
  let bytes = 0;
  for (const e of entries) bytes += 48 + e.data.byteLength;
  return bytes;
}

// ---- decoding (untrusted bytes; never throws) ----

class Decoder {
  readonly r: ByteReader;
  error: ConsensusCodecError | null = null;

  constructor(
    bytes: Uint8Array,
    readonly limits: ConsensusLimits,
  ) {
    this.r = new ByteReader(bytes);
  }

  fail(error: ConsensusCodecError): void {
    if (this.error === null) this.error = error;
  }

  get ok(): boolean {
    if (this.r.overrun) this.fail({ kind: 'truncated' });
    return this.error === null;
  }

  version(): void {
    const version = this.r.u8();
    if (this.ok && version !== CONSENSUS_CODEC_VERSION)
      this.fail({ kind: 'unknown_version', version });
  }

  u64(what: string): number {
    const value = this.r.u64Safe();
    if (value < 0) this.fail({ kind: 'malformed', detail: `${what} above 2^53` });
    return value;
  }

  flag(what: string): boolean {
    const value = this.r.u8();
    if (value > 1) this.fail({ kind: 'malformed', detail: `${what} is not 0 or 1` });
    return value === 1;
  }

  node(what: string, allowEmpty: boolean): string {
    const length = this.r.u16();
    if (!this.ok) return '';
    if (length > this.limits.nodeIdBytesMax) {
      this.fail({ kind: 'limit_exceeded', limit: 'nodeIdBytesMax', value: length });
      return '';
    }
    const value = this.r.utf8(length);
    if (value === null) this.fail({ kind: 'malformed', detail: `${what} is not UTF-8` });
    else if (value === '' && !allowEmpty)
      this.fail({ kind: 'malformed', detail: `${what} is empty` });
    return value ?? '';
  }

  config(): ConfigState {
    const voters = this.members('voter');
    const learners = this.members('learner');
    return { voters, learners };
  }

  private members(what: string): NodeId[] {
    const count = this.r.u16();
    if (!this.ok) return [];
    if (count > this.limits.configMembersMax) {
      this.fail({ kind: 'limit_exceeded', limit: 'configMembersMax', value: count });
      return [];
    }
    const members: NodeId[] = [];
    for (let i = 0; i < count && this.ok; i++) members.push(this.node(what, false) as NodeId);
    return members;
  }

  bytes(limit: 'entryDataBytesMax'): Uint8Array {
    const length = this.r.u32();
    if (!this.ok) return new Uint8Array(0);
    if (length > this.limits[limit]) {
      this.fail({ kind: 'limit_exceeded', limit, value: length });
      return new Uint8Array(0);
    }
    return this.r.bytesCopy(length);
  }

  count(limit: 'entriesMax' | 'proposalsMax'): number {
    const count = this.r.u32();
    if (this.ok && count > this.limits[limit])
      this.fail({ kind: 'limit_exceeded', limit, value: count });
    return this.ok ? count : 0;
  }

  entry(): Entry | null {
    const index = this.u64('index') as Index;
    const term = this.u64('term') as Term;
    const kindCode = this.r.u8();
    const origin = this.node('origin', true);
    const proposalId = this.u64('proposal id');
    if (!this.ok) return null;
    const kind = ENTRY_KINDS[kindCode - 1];
    if (kind === undefined) {
      this.fail({ kind: 'malformed', detail: `unknown entry kind ${kindCode}` });
      return null;
    }
    const config = kind === 'config' ? this.config() : null;
    const data = this.bytes('entryDataBytesMax');
    if (!this.ok) return null;
    return {
      index,
      term,
      kind,
      data,
      config,
      origin: origin === '' ? null : (origin as NodeId),
      proposalId,
    };
  }

  end<T>(value: T): Result<T, ConsensusCodecError> {
    if (!this.ok) return err(this.error!);
    if (this.r.remainingBytes !== 0) return err({ kind: 'malformed', detail: 'trailing bytes' });
    return ok(value);
  }
}

export function decodeMessage(
  bytes: Uint8Array,
  limits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
  encoding: MessageEncoding = CURRENT_ENCODING,
): Result<Message, ConsensusCodecError> {
  const d = new Decoder(bytes, limits);
  d.version();
  const typeCode = d.r.u8();
  const from = d.node('from', false) as NodeId;
  const to = d.node('to', false) as NodeId;
  const term = d.u64('term') as Term;
  if (!d.ok) return err(d.error!);
  const type = MESSAGE_TYPES[typeCode - 1];
  if (type === undefined)
    return err({ kind: 'malformed', detail: `unknown message type ${typeCode}` });
  const base = { from, to, term };
  const message = decodeBody(d, type, base, encoding.appendFlags);
  return message === null ? err(d.error ?? { kind: 'truncated' }) : d.end(message);
}

function decodeBody(
  d: Decoder,
  type: MessageType,
  base: { from: NodeId; to: NodeId; term: Term },
  appendFlags: boolean,
): Message | null {
  const idx = (what: string): Index => d.u64(what) as Index;
  switch (type) {
    case 'preVote':
      return { ...base, type, lastIndex: idx('last index'), lastTerm: d.u64('last term') as Term };
    case 'vote':
      return {
        ...base,
        type,
        lastIndex: idx('last index'),
        lastTerm: d.u64('last term') as Term,
        transfer: d.flag('transfer'),
      };
    case 'preVoteResponse':
    case 'voteResponse':
      return { ...base, type, reject: d.flag('reject') };
    case 'append':
      return decodeAppend(d, base, appendFlags);
    case 'appendResponse':
      return {
        ...base,
        type,
        reject: d.flag('reject'),
        index: idx('index'),
        hintIndex: idx('hint index'),
        hintTerm: d.u64('hint term') as Term,
      };
    case 'heartbeat':
      return {
        ...base,
        type,
        commit: idx('commit'),
        readSeq: d.u64('read sequence'),
        flowControl: d.flag('flow control'),
      };
    case 'heartbeatResponse':
      return { ...base, type, readSeq: d.u64('read sequence'), applyQueue: d.u64('apply queue') };
    case 'stateTransfer':
      return { ...base, type, index: idx('index'), donor: d.node('donor', false) as NodeId };
    case 'propose':
      return decodePropose(d, base);
    case 'readIndex':
      return { ...base, type, context: d.u64('context') };
    case 'readIndexResponse':
      return { ...base, type, context: d.u64('context'), index: idx('index') };
    case 'join':
    case 'leave':
      return { ...base, type, node: d.node('node', false) as NodeId };
    case 'timeoutNow':
    case 'leaveConfirmed':
      return { ...base, type };
    case 'proposeRefused':
      return decodeProposeRefused(d, base);
  }
}

function decodeProposeRefused(
  d: Decoder,
  base: { from: NodeId; to: NodeId; term: Term },
): Message | null {
  const count = d.count('proposalsMax');
  const proposalIds: number[] = [];
  for (let i = 0; i < count && d.ok; i++) proposalIds.push(d.u64('proposal id'));
  const code = d.ok ? d.r.u8() : 0;
  const reason = proposalRefusals[code];
  if (d.ok && reason === undefined) {
    d.fail({ kind: 'malformed', detail: `unknown refusal ${code}` });
    return null;
  }
  return d.ok ? { ...base, type: 'proposeRefused', proposalIds, reason: reason! } : null;
}

function decodeAppend(
  d: Decoder,
  base: { from: NodeId; to: NodeId; term: Term },
  appendFlags: boolean,
): Message | null {
  const prevIndex = d.u64('prev index') as Index;
  const prevTerm = d.u64('prev term') as Term;
  const commit = d.u64('commit') as Index;
  const count = d.count('entriesMax');
  const entries: Entry[] = [];
  for (let i = 0; i < count && d.ok; i++) {
    const entry = d.entry();
    if (entry === null) return null;
    if (entry.index !== prevIndex + 1 + i) {
      d.fail({ kind: 'malformed', detail: 'append entries are not contiguous after prevIndex' });
      return null;
    }
    entries.push(entry);
  }
  let noReply = false;
  if (d.ok && appendFlags) {
    const flags = d.r.u8();
    if ((flags & ~APPEND_NO_REPLY) !== 0) {
      d.fail({ kind: 'malformed', detail: `unknown append flags ${flags}` });
      return null;
    }
    noReply = (flags & APPEND_NO_REPLY) !== 0;
  }
  if (!d.ok) return null;
  const append = { ...base, type: 'append' as const, prevIndex, prevTerm, entries, commit };
  return noReply ? { ...append, noReply: true } : append;
}

function decodePropose(d: Decoder, base: { from: NodeId; to: NodeId; term: Term }): Message | null {
  const count = d.count('proposalsMax');
  const proposals: Proposal[] = [];
  for (let i = 0; i < count && d.ok; i++) {
    const proposalId = d.u64('proposal id');
    const data = d.bytes('entryDataBytesMax');
    proposals.push({ proposalId, data });
  }
  return d.ok ? { ...base, type: 'propose', proposals } : null;
}

export function decodeEntry(
  bytes: Uint8Array,
  limits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
): Result<Entry, ConsensusCodecError> {
  const d = new Decoder(bytes, limits);
  d.version();
  const entry = d.ok ? d.entry() : null;
  return entry === null ? err(d.error ?? { kind: 'truncated' }) : d.end(entry);
}

export function decodeHardState(
  bytes: Uint8Array,
  limits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
): Result<HardState, ConsensusCodecError> {
  const d = new Decoder(bytes, limits);
  d.version();
  const term = d.u64('term') as Term;
  const vote = d.node('vote', true);
  const commit = d.u64('commit') as Index;
  const forced = d.flag('forced configuration');
  const forcedConfig = forced && d.ok ? d.config() : null;
  return d.end({ term, vote: vote === '' ? null : (vote as NodeId), commit, forcedConfig });
}

export function decodeBoundary(
  bytes: Uint8Array,
  limits: ConsensusLimits = DEFAULT_CONSENSUS_LIMITS,
): Result<Boundary, ConsensusCodecError> {
  const d = new Decoder(bytes, limits);
  d.version();
  const index = d.u64('index') as Index;
  const term = d.u64('term') as Term;
  const config = d.ok ? d.config() : { voters: [], learners: [] };
  return d.end({ index, term, config });
}

export function describeConsensusCodecError(error: ConsensusCodecError): string {
  switch (error.kind) {
    case 'truncated':
      return 'truncated consensus value';
    case 'unknown_version':
      return `unknown consensus codec version ${error.version}`;
    case 'malformed':
      return `malformed consensus value: ${error.detail}`;
    case 'limit_exceeded':
      return `consensus value exceeds ${error.limit} (${error.value})`;
  }
}

assert(MESSAGE_TYPES.length < U16_MAX, 'message type codes fit a byte');
