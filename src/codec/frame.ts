// Frames on the replication channel: a 9-byte header, then the payload.
//
//   [u32 payload length][u8 type][u32 crc32 of length, type and payload][payload]
//
// encodeFrame is pure. FrameDecoder is sans-I/O: push() takes chunks as they arrive, keeps the
// unfinished remainder, and returns the frames (and at most one error) they complete. It
// refuses a frame longer than its limit as soon as the header arrives, before any payload is
// buffered, and refuses all input after its first error. Each byte is copied at most once, so
// many small chunks or one huge frame cost O(total bytes). See docs/design/codec.md.
import { crc32Of } from './crc.js';
import { assert, unreachable } from '../core/assert.js';
import { U8_MAX, U32_MAX } from './bytes.js';

export const FRAME_HEADER_BYTES = 9;
const LENGTH_OFFSET = 0;
const TYPE_OFFSET = 4;
const CRC_OFFSET = 5;
/** The CRC covers the header bytes before the CRC itself, then the payload. */
const CRC_COVERED_HEADER_BYTES = 5;

/** The payload's meaning (0–255); the channel's owner keeps the registry of types. */
export type FrameType = number;

export interface FrameLimits {
  /** Largest payload accepted; also the most the decoder ever allocates for one frame. */
  readonly payloadBytesMax: number;
}

const MIB = 1024 * 1024;

/** Room for the largest default write-set (64 MiB) plus a consensus envelope around it. */
export const DEFAULT_FRAME_LIMITS: FrameLimits = Object.freeze({ payloadBytesMax: 65 * MIB });

export type FrameError =
  | {
      readonly kind: 'too_long';
      readonly type: FrameType;
      readonly payloadBytes: number;
      readonly payloadBytesMax: number;
    }
  | {
      readonly kind: 'bad_checksum';
      readonly type: FrameType;
      readonly crcStored: number;
      readonly crcComputed: number;
    }
  /** The stream ended (end()) in the middle of a frame. */
  | { readonly kind: 'truncated'; readonly bytesBuffered: number }
  /** Input pushed after an earlier error; `cause` is that first error. */
  | { readonly kind: 'stopped'; readonly cause: FrameError };

export type FrameEvent =
  | { readonly kind: 'frame'; readonly type: FrameType; readonly payload: Uint8Array }
  | { readonly kind: 'error'; readonly error: FrameError };

/** The 9 header bytes for a payload: write them, then the payload, to avoid copying it. */
export function encodeFrameHeader(type: FrameType, payload: Uint8Array): Uint8Array {
  assert(Number.isInteger(type) && type >= 0 && type <= U8_MAX, 'frame type is not a u8');
  assert(payload.length <= U32_MAX, 'frame payload longer than a u32');
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint32(LENGTH_OFFSET, payload.length);
  view.setUint8(TYPE_OFFSET, type);
  const crc = crc32Of(payload, crc32Of(header.subarray(0, CRC_COVERED_HEADER_BYTES)));
  view.setUint32(CRC_OFFSET, crc);
  return header;
}

export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  frame.set(encodeFrameHeader(type, payload), 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/** The frame whose payload is being collected. */
interface FrameInProgress {
  readonly type: FrameType;
  readonly crcStored: number;
  /** CRC of the covered header bytes, to be continued over the payload. */
  readonly crcHeader: number;
  readonly payload: Uint8Array;
  filled: number;
}

export class FrameDecoder {
  private readonly limits: FrameLimits;
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  private partial: FrameInProgress | null = null;
  private failure: FrameError | null = null;

  constructor(limits: FrameLimits) {
    assert(Number.isSafeInteger(limits.payloadBytesMax), 'payloadBytesMax is an integer');
    assert(limits.payloadBytesMax >= 0 && limits.payloadBytesMax <= U32_MAX, 'payloadBytesMax');
    this.limits = limits;
  }

  /** The first error, after which all input is refused; null while healthy. */
  get failed(): FrameError | null {
    return this.failure;
  }

  /** Bytes of an unfinished frame held (header bytes, or payload bytes received). */
  get bufferedBytes(): number {
    return this.partial === null ? this.headerFilled : FRAME_HEADER_BYTES + this.partial.filled;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failure !== null) {
      return [{ kind: 'error', error: { kind: 'stopped', cause: this.failure } }];
    }
    const events: FrameEvent[] = [];
    let offset = 0;
    while (offset < chunk.length && this.failure === null) {
      offset =
        this.partial === null
          ? this.readHeader(chunk, offset, events)
          : this.readPayload(chunk, offset, events);
    }
    return events;
  }

  /** The stream has ended: an unfinished frame is an error. */
  end(): FrameEvent[] {
    if (this.failure !== null) return [];
    const buffered = this.bufferedBytes;
    if (buffered === 0) return [];
    return [this.fail({ kind: 'truncated', bytesBuffered: buffered })];
  }

  private readHeader(chunk: Uint8Array, offset: number, events: FrameEvent[]): number {
    // Fast path: the whole header is in this chunk, so read it in place.
    if (this.headerFilled === 0 && chunk.length - offset >= FRAME_HEADER_BYTES) {
      return this.startFrame(chunk, offset, chunk, offset + FRAME_HEADER_BYTES, events);
    }
    const taken = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset);
    this.header.set(chunk.subarray(offset, offset + taken), this.headerFilled);
    this.headerFilled += taken;
    if (this.headerFilled < FRAME_HEADER_BYTES) return offset + taken;
    this.headerFilled = 0;
    return this.startFrame(this.header, 0, chunk, offset + taken, events);
  }

  /** Reads the header at `header[at]`, then the payload from `chunk[offset]` on. */
  private startFrame(
    header: Uint8Array,
    at: number,
    chunk: Uint8Array,
    offset: number,
    events: FrameEvent[],
  ): number {
    const payloadBytes = readU32(header, at + LENGTH_OFFSET);
    const type = header[at + TYPE_OFFSET]!;
    const payloadBytesMax = this.limits.payloadBytesMax;
    if (payloadBytes > payloadBytesMax) {
      events.push(this.fail({ kind: 'too_long', type, payloadBytes, payloadBytesMax }));
      return offset;
    }
    const crcStored = readU32(header, at + CRC_OFFSET);
    const crcHeader = crc32Of(header.subarray(at, at + CRC_COVERED_HEADER_BYTES));
    // Fast path: the whole payload is in this chunk; one copy, no partial state.
    if (chunk.length - offset >= payloadBytes) {
      const payload = chunk.slice(offset, offset + payloadBytes);
      events.push(this.finishFrame(type, crcStored, crcHeader, payload));
      return offset + payloadBytes;
    }
    // The announced length is within the limit, so allocating it at once is bounded.
    const payload = new Uint8Array(payloadBytes);
    this.partial = { type, crcStored, crcHeader, payload, filled: 0 };
    return this.readPayload(chunk, offset, events);
  }

  private readPayload(chunk: Uint8Array, offset: number, events: FrameEvent[]): number {
    const partial = this.partial;
    assert(partial !== null, 'readPayload without a frame in progress');
    const taken = Math.min(partial.payload.length - partial.filled, chunk.length - offset);
    partial.payload.set(chunk.subarray(offset, offset + taken), partial.filled);
    partial.filled += taken;
    if (partial.filled === partial.payload.length) {
      this.partial = null;
      const { type, crcStored, crcHeader, payload } = partial;
      events.push(this.finishFrame(type, crcStored, crcHeader, payload));
    }
    return offset + taken;
  }

  private finishFrame(
    type: FrameType,
    crcStored: number,
    crcHeader: number,
    payload: Uint8Array,
  ): FrameEvent {
    const crcComputed = crc32Of(payload, crcHeader);
    if (crcComputed !== crcStored) {
      return this.fail({ kind: 'bad_checksum', type, crcStored, crcComputed });
    }
    return { kind: 'frame', type, payload };
  }

  private fail(error: FrameError): FrameEvent {
    assert(this.failure === null, 'a frame decoder fails once');
    this.failure = error;
    this.partial = null;
    this.headerFilled = 0;
    return { kind: 'error', error };
  }
}

// Big-endian; a DataView per frame costs more than these four reads.
function readU32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

/** Words for a log line. */
export function describeFrameError(error: FrameError): string {
  switch (error.kind) {
    case 'too_long':
      return `frame of type ${error.type} announces ${error.payloadBytes} bytes, over payloadBytesMax ${error.payloadBytesMax}`;
    case 'bad_checksum':
      return `frame of type ${error.type} fails its checksum: stored ${error.crcStored}, computed ${error.crcComputed}`;
    case 'truncated':
      return `stream ended inside a frame (${error.bytesBuffered} bytes buffered)`;
    case 'stopped':
      return `input refused after an earlier error: ${describeFrameError(error.cause)}`;
    default:
      return unreachable(error, 'frame error kind');
  }
}
