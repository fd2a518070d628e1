// Packet framing, sans-I/O: a 3-byte little-endian payload length and a 1-byte sequence id per
// frame; payloads of 2^24-1 bytes or more continue in the next frame. PacketDecoder.push() takes
// any chunking of the byte stream and keeps the remainder, like pg-protocol's parser, but bounds
// the reassembled payload (max_allowed_packet) before buffering it.

import { assert } from '../core/assert.js';
import { FRAME_PAYLOAD_BYTES_MAX } from './limits.js';
import type { DecodeErrorKind } from './packet-buffer.js';

const HEADER_BYTES = 4;

/** One logical packet: the reassembled payload and the sequence id of its last frame. */
export interface Packet {
  readonly sequenceIdFirst: number;
  readonly sequenceId: number;
  readonly payload: Uint8Array;
}

export interface FramingError {
  readonly kind: DecodeErrorKind;
  readonly message: string;
  /** The sequence id of the offending frame, so that an answer can follow it. */
  readonly sequenceId: number;
}

/** What a packet handler tells the decoder: 'stop' leaves the rest of the bytes undecoded. */
export type PacketVerdict = 'continue' | 'stop';

export class PacketDecoder {
  private chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private sequenceIdFirst = -1;
  private sequenceIdLast = -1;
  private failed: FramingError | null = null;

  constructor(private payloadBytesMax: number) {
    assert(payloadBytesMax > 0, 'payload limit must be positive');
  }

  /** Raises or lowers the limit, e.g. from the handshake bound to max_allowed_packet. */
  setPayloadBytesMax(payloadBytesMax: number): void {
    assert(payloadBytesMax > 0, 'payload limit must be positive');
    this.payloadBytesMax = payloadBytesMax;
  }

  get bufferedByteCount(): number {
    return this.bufferedBytes;
  }

  /**
   * Feeds bytes; calls onPacket for every complete packet in order. Returns the first framing
   * error (after which the decoder refuses more input) or null.
   */
  push(chunk: Uint8Array, onPacket: (packet: Packet) => PacketVerdict | void): FramingError | null {
    if (this.failed) return this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
    }
    return this.drain(onPacket);
  }

  /** Buffers bytes without decoding them (the reader is busy with an earlier packet). */
  append(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  /** Decodes what is buffered without new input, e.g. after a handler said 'stop'. */
  drain(onPacket: (packet: Packet) => PacketVerdict | void): FramingError | null {
    if (this.failed) return this.failed;
    for (;;) {
      const packet = this.nextPacket();
      if (packet === null) return this.failed;
      if (onPacket(packet) === 'stop') return null;
    }
  }

  /** Hands over the undecoded bytes (the start of a TLS handshake after an SSLRequest). */
  takeRemainder(): Uint8Array {
    assert(this.parts.length === 0, 'remainder taken inside a split packet');
    const rest = this.take(this.bufferedBytes);
    return rest;
  }

  private nextPacket(): Packet | null {
    for (;;) {
      if (this.bufferedBytes < HEADER_BYTES) return null;
      const header = this.peek(HEADER_BYTES);
      const length = header[0]! | (header[1]! << 8) | (header[2]! << 16);
      const sequenceId = header[3]!;
      const error = this.checkFrame(length, sequenceId);
      if (error) {
        this.failed = error;
        return null;
      }
      if (this.bufferedBytes < HEADER_BYTES + length) return null;
      this.take(HEADER_BYTES);
      const payload = this.take(length);
      if (this.sequenceIdFirst < 0) this.sequenceIdFirst = sequenceId;
      this.sequenceIdLast = sequenceId;
      this.parts.push(payload);
      this.partsBytes += length;
      if (length < FRAME_PAYLOAD_BYTES_MAX) return this.completePacket();
    }
  }

  private checkFrame(length: number, sequenceId: number): FramingError | null {
    if (this.sequenceIdLast >= 0 && sequenceId !== ((this.sequenceIdLast + 1) & 0xff)) {
      const message = `frame sequence ${sequenceId} does not follow ${this.sequenceIdLast}`;
      return { kind: 'out_of_order', message, sequenceId };
    }
    if (this.partsBytes + length > this.payloadBytesMax) {
      const message = `packet of at least ${this.partsBytes + length} bytes exceeds ${this.payloadBytesMax}`;
      return { kind: 'too_large', message, sequenceId };
    }
    return null;
  }

  private completePacket(): Packet {
    const payload = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.partsBytes);
    const packet = {
      sequenceIdFirst: this.sequenceIdFirst,
      sequenceId: this.sequenceIdLast,
      payload,
    };
    this.parts = [];
    this.partsBytes = 0;
    this.sequenceIdFirst = -1;
    this.sequenceIdLast = -1;
    return packet;
  }

  private peek(count: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= count) return first.subarray(0, count);
    const out = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, count - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === count) break;
    }
    return out;
  }

  private take(count: number): Uint8Array {
    assert(count <= this.bufferedBytes, 'take beyond buffered bytes');
    this.bufferedBytes -= count;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= count) {
      const out = first.subarray(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return out;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const part = chunk.subarray(0, count - filled);
      out.set(part, filled);
      filled += part.length;
      if (part.length === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part.length);
    }
    return out;
  }
}

export function concat(parts: readonly Uint8Array[], totalBytes?: number): Uint8Array {
  const total = totalBytes ?? parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  assert(at === total, 'concat length mismatch');
  return out;
}

/**
 * Frames one payload starting at sequenceId; returns the frames (headers and payload slices,
 * in order) and the next sequence id. A payload that is a multiple of 2^24-1 bytes ends with
 * an empty frame, as the protocol requires.
 */
export function encodeFrames(
  payload: Uint8Array,
  sequenceId: number,
): { frames: Uint8Array[]; sequenceIdNext: number } {
  assert(sequenceId >= 0 && sequenceId <= 0xff, 'sequence id is one byte');
  const frames: Uint8Array[] = [];
  let offset = 0;
  let sequence = sequenceId;
  for (;;) {
    const length = Math.min(FRAME_PAYLOAD_BYTES_MAX, payload.length - offset);
    const header = new Uint8Array([length & 0xff, (length >>> 8) & 0xff, length >>> 16, sequence]);
    frames.push(header);
    if (length > 0) frames.push(payload.subarray(offset, offset + length));
    offset += length;
    sequence = (sequence + 1) & 0xff;
    if (length < FRAME_PAYLOAD_BYTES_MAX) break;
  }
  return { frames, sequenceIdNext: sequence };
}

/**
 * Collects the frames of a response, numbering packets from a starting sequence id. Each packet
 * is copied, header first, into one growing buffer, so a response is one write of one buffer
 * and a payload (a reused writer's contents) may change once it has been given.
 */
export class PacketSink {
  /** Allocated at the first packet, as large as the last response taken (up to a bound). */
  private buffer: Uint8Array = NO_BYTES;
  private bytes = 0;
  private capacityNext = SINK_CAPACITY_BYTES;

  constructor(private sequenceIdNext: number) {}

  get sequenceId(): number {
    return this.sequenceIdNext;
  }

  get byteCount(): number {
    return this.bytes;
  }

  packet(payload: Uint8Array): void {
    if (payload.length >= FRAME_PAYLOAD_BYTES_MAX) {
      // Split into frames of 2^24-1 bytes (rare: the generic path).
      const encoded = encodeFrames(payload, this.sequenceIdNext);
      for (const frame of encoded.frames) this.append(frame);
      this.sequenceIdNext = encoded.sequenceIdNext;
      return;
    }
    const at = this.reserve(4 + payload.length);
    const length = payload.length;
    this.buffer[at] = length & 0xff;
    this.buffer[at + 1] = (length >>> 8) & 0xff;
    this.buffer[at + 2] = length >>> 16;
    this.buffer[at + 3] = this.sequenceIdNext;
    this.buffer.set(payload, at + 4);
    this.sequenceIdNext = (this.sequenceIdNext + 1) & 0xff;
  }

  /** Returns the collected bytes (one buffer, or none) and empties the sink; numbering goes on. */
  take(): Uint8Array[] {
    if (this.bytes === 0) return [];
    const out = this.buffer.subarray(0, this.bytes);
    // The bytes taken go to a socket write that may not have copied them yet: the next
    // packet starts a new buffer.
    this.capacityNext = Math.min(Math.max(SINK_CAPACITY_BYTES, this.bytes), SINK_KEPT_BYTES_MAX);
    this.buffer = NO_BYTES;
    this.bytes = 0;
    return [out];
  }

  private append(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }

  private reserve(count: number): number {
    const needed = this.bytes + count;
    if (needed > this.buffer.length) {
      let capacity = Math.max(this.buffer.length * 2, this.capacityNext);
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.bytes));
      this.buffer = grown;
    }
    const at = this.bytes;
    this.bytes = needed;
    return at;
  }
}

const NO_BYTES = new Uint8Array(0);
/** A sink's first buffer: most responses (an OK, a row or two) fit. */
const SINK_CAPACITY_BYTES = 512;
/** After a take, a sink starts again as large as what it held, up to this. */
const SINK_KEPT_BYTES_MAX = 64 * 1024;
