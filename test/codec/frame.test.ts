// Goal: the frame decoder yields the same frames however the byte stream is chunked, and
// refuses oversized or corrupt frames for good. Method: split encoded streams at every offset
// (and every pair of offsets), random chunkings with fast-check, bit flips, random bytes, and a
// large frame fed one byte at a time to show the cost stays linear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_FRAME_LIMITS,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  describeFrameError,
  encodeFrame,
  encodeFrameHeader,
  type FrameEvent,
} from '../../src/codec/index.js';

interface Frame {
  type: number;
  payload: Uint8Array;
}

const SAMPLE: Frame[] = [
  { type: 1, payload: new Uint8Array([1, 2, 3]) },
  { type: 0, payload: new Uint8Array(0) },
  { type: 255, payload: new TextEncoder().encode('a write-set would go here') },
  { type: 7, payload: new Uint8Array(0) },
];

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const stream = (frames: Frame[]): Uint8Array =>
  concat(frames.map((f) => encodeFrame(f.type, f.payload)));

function feed(
  chunks: Uint8Array[],
  payloadBytesMax = DEFAULT_FRAME_LIMITS.payloadBytesMax,
): FrameEvent[] {
  const decoder = new FrameDecoder({ payloadBytesMax });
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.end()];
}

const asEvents = (frames: Frame[]): FrameEvent[] =>
  frames.map((f) => ({ kind: 'frame', type: f.type, payload: f.payload }));

test('many frames in one chunk', () => {
  assert.deepStrictEqual(feed([stream(SAMPLE)]), asEvents(SAMPLE));
});

test('a stream split at every offset decodes identically', () => {
  const bytes = stream(SAMPLE);
  for (let at = 0; at <= bytes.length; at++) {
    assert.deepStrictEqual(
      feed([bytes.subarray(0, at), bytes.subarray(at)]),
      asEvents(SAMPLE),
      `at ${at}`,
    );
  }
});

test('a stream split at every pair of offsets decodes identically', () => {
  const bytes = stream(SAMPLE);
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      const chunks = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
      assert.deepStrictEqual(feed(chunks), asEvents(SAMPLE), `at ${i}, ${j}`);
    }
  }
});

test('random frames in random chunkings decode identically', () => {
  const frame = fc.record(
    { type: fc.nat(255), payload: fc.uint8Array({ maxLength: 300 }) },
    { noNullPrototype: true },
  );
  fc.assert(
    fc.property(
      fc.array(frame, { maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (frames, cuts) => {
        const bytes = stream(frames);
        const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let from = 0;
        for (const at of [...offsets, bytes.length]) {
          chunks.push(bytes.subarray(from, at));
          from = at;
        }
        assert.deepStrictEqual(feed(chunks), asEvents(frames));
      },
    ),
    { numRuns: 1000 },
  );
});

test('encodeFrameHeader followed by the payload is encodeFrame', () => {
  const payload = new Uint8Array([9, 8, 7]);
  assert.deepStrictEqual(concat([encodeFrameHeader(3, payload), payload]), encodeFrame(3, payload));
  assert.equal(encodeFrameHeader(3, payload).length, FRAME_HEADER_BYTES);
});

test('payloads do not alias the pushed chunk', () => {
  const bytes = stream(SAMPLE);
  const decoder = new FrameDecoder(DEFAULT_FRAME_LIMITS);
  const events = decoder.push(bytes);
  bytes.fill(0xaa);
  assert.deepStrictEqual(events, asEvents(SAMPLE));
});

test('a frame over the limit is refused from its header alone, and input after is refused', () => {
  const payload = new Uint8Array(101);
  const decoder = new FrameDecoder({ payloadBytesMax: 100 });
  const header = encodeFrameHeader(4, payload);
  assert.deepStrictEqual(decoder.push(header.subarray(0, 5)), []);
  const events = decoder.push(header.subarray(5));
  const tooLong = { kind: 'too_long', type: 4, payloadBytes: 101, payloadBytesMax: 100 } as const;
  assert.deepStrictEqual(events, [{ kind: 'error', error: tooLong }]);
  assert.equal(decoder.bufferedBytes, 0);
  assert.deepStrictEqual(decoder.failed, tooLong);
  assert.deepStrictEqual(decoder.push(encodeFrame(1, new Uint8Array(1))), [
    { kind: 'error', error: { kind: 'stopped', cause: tooLong } },
  ]);
  assert.deepStrictEqual(decoder.end(), []);
});

test('a frame at the limit is accepted', () => {
  const payload = new Uint8Array(100).fill(5);
  assert.deepStrictEqual(feed([encodeFrame(2, payload)], 100), asEvents([{ type: 2, payload }]));
});

test('frames before a bad one are delivered; nothing after it', () => {
  const bad = encodeFrame(9, new Uint8Array([1, 2, 3]));
  bad[FRAME_HEADER_BYTES + 1]! ^= 0x10;
  const bytes = concat([
    encodeFrame(1, new Uint8Array([1])),
    bad,
    encodeFrame(2, new Uint8Array([2])),
  ]);
  const events = feed([bytes]);
  assert.equal(events.length, 2);
  assert.deepStrictEqual(events[0], { kind: 'frame', type: 1, payload: new Uint8Array([1]) });
  const second = events[1];
  assert.ok(second?.kind === 'error' && second.error.kind === 'bad_checksum');
});

test('every single-bit flip in a frame is refused, or waits for bytes that never come', () => {
  const bytes = encodeFrame(200, new TextEncoder().encode('payload'));
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const flipped = bytes.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    const events = feed([flipped], 1000);
    assert.equal(events.length, 1, `bit ${bit}`);
    const event = events[0]!;
    assert.equal(event.kind, 'error', `bit ${bit}`);
    if (event.kind !== 'error') continue;
    const expected = bit < 32 ? ['too_long', 'truncated', 'bad_checksum'] : ['bad_checksum'];
    assert.ok(expected.includes(event.error.kind), `bit ${bit}: ${event.error.kind}`);
  }
});

test('end() inside a frame reports truncated; at a boundary it is quiet', () => {
  const bytes = stream(SAMPLE);
  assert.deepStrictEqual(feed([bytes.subarray(0, 4)]), [
    { kind: 'error', error: { kind: 'truncated', bytesBuffered: 4 } },
  ]);
  assert.deepStrictEqual(feed([bytes.subarray(0, 11)]), [
    { kind: 'error', error: { kind: 'truncated', bytesBuffered: 11 } },
  ]);
  assert.deepStrictEqual(feed([]), []);
});

test('random bytes never throw and give frames or typed errors', () => {
  const kinds = new Set(['too_long', 'bad_checksum', 'truncated', 'stopped']);
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }), (chunks) => {
      for (const event of feed(chunks, 64)) {
        if (event.kind === 'error') {
          assert.ok(kinds.has(event.error.kind));
          assert.ok(describeFrameError(event.error).length > 0);
        }
      }
    }),
    { numRuns: 3000 },
  );
});

// Quadratic copying would take many minutes here (linear work, well under a second): the test's
// timeout catches it without a wall-clock assertion that a loaded machine can fail.
test(
  'a 1 MiB frame pushed one byte at a time, and 100k tiny frames in one chunk, stay linear',
  { timeout: 120_000 },
  () => {
    const payload = new Uint8Array(1024 * 1024).map((_, i) => i & 0xff);
    const big = encodeFrame(1, payload);
    const decoder = new FrameDecoder(DEFAULT_FRAME_LIMITS);
    const events: FrameEvent[] = [];
    for (let i = 0; i < big.length; i++) events.push(...decoder.push(big.subarray(i, i + 1)));
    assert.deepStrictEqual(events, [{ kind: 'frame', type: 1, payload }]);

    const tiny = encodeFrame(2, new Uint8Array([42]));
    const many = new Uint8Array(tiny.length * 100_000);
    for (let i = 0; i < 100_000; i++) many.set(tiny, i * tiny.length);
    assert.equal(new FrameDecoder(DEFAULT_FRAME_LIMITS).push(many).length, 100_000);
  },
);

test('describeFrameError words every kind', () => {
  const errors = [
    { kind: 'too_long', type: 1, payloadBytes: 2, payloadBytesMax: 1 },
    { kind: 'bad_checksum', type: 1, crcStored: 1, crcComputed: 2 },
    { kind: 'truncated', bytesBuffered: 3 },
  ] as const;
  for (const error of errors) {
    assert.ok(describeFrameError(error).length > 0);
    assert.match(describeFrameError({ kind: 'stopped', cause: error }), /earlier error/);
  }
});

test('an empty payload backed by a zero-length ArrayBuffer round-trips (zlib.crc32 quirk)', () => {
  // zlib.crc32(empty, crc) returns 0 instead of crc once the empty array's buffer exists.
  const payload = new Uint8Array(new ArrayBuffer(0));
  assert.deepStrictEqual(feed([encodeFrame(3, payload)]), asEvents([{ type: 3, payload }]));
});
