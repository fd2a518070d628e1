// Micro-benchmark: encode and decode ops/s of a one-row write-set, and frame decoding
// throughput. Run: node .build-codec/bench/codec.js (after tsc).
import type { Index, NodeId } from '../src/core/types.js';
import {
  DEFAULT_FRAME_LIMITS,
  DEFAULT_WRITE_SET_LIMITS,
  FrameDecoder,
  decodeWriteSet,
  encodeFrame,
  encodeKeyValues,
  encodeWriteSet,
  transactionId,
  type WriteSet,
} from '../src/codec/index.js';

const WARMUP_MS = 300;
const MEASURE_MS = 1000;

function oneRowWriteSet(): WriteSet {
  const key = encodeKeyValues([42n]);
  return {
    originNodeId: 'n1' as NodeId,
    originTransactionId: transactionId(7),
    seqnoSnapshot: 1000 as Index,
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [{ database: 'app', table: 'users', keyBytes: key, exclusive: true }],
    rows: [
      {
        op: 'update',
        database: 'app',
        table: 'users',
        key,
        after: [42n, 'alice', 'alice@example.com', 3.5, null, new Uint8Array([1, 2, 3])],
      },
    ],
    statements: [],
  };
}

/** Operations per second of `operation`, measured for about MEASURE_MS after a warm-up. */
function measure(operation: () => unknown): number {
  run(operation, WARMUP_MS);
  return run(operation, MEASURE_MS);
}

function run(operation: () => unknown, durationMs: number): number {
  const batch = 100;
  let count = 0;
  const started = performance.now();
  let elapsedMs = 0;
  while (elapsedMs < durationMs) {
    for (let i = 0; i < batch; i++) operation();
    count += batch;
    elapsedMs = performance.now() - started;
  }
  return (count / elapsedMs) * 1000;
}

function report(name: string, opsPerSecond: number, extra = ''): void {
  console.log(
    `${name.padEnd(36)} ${Math.round(opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s ${extra}`,
  );
}

const writeSet = oneRowWriteSet();
const bytes = encodeWriteSet(writeSet);
report(
  'encodeWriteSet (1 row)',
  measure(() => encodeWriteSet(writeSet)),
  `${bytes.length} bytes`,
);
report(
  'decodeWriteSet (1 row)',
  measure(() => decodeWriteSet(bytes, DEFAULT_WRITE_SET_LIMITS)),
);

const frames = new Uint8Array(encodeFrame(1, bytes).length * 1000);
const frame = encodeFrame(1, bytes);
for (let i = 0; i < 1000; i++) frames.set(frame, i * frame.length);
const framesPerSecond = measure(() => new FrameDecoder(DEFAULT_FRAME_LIMITS).push(frames)) * 1000;
report('FrameDecoder (1000 frames a chunk)', framesPerSecond, 'frames');
