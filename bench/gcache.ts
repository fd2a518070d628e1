// Benchmark of the gcache on this machine's disk: group commit with many concurrent writers of
// one 200-byte entry, batches of 1000 entries, a single writer (the fsync latency floor), and
// the fsync mechanisms we could use. Prints fsyncs/s, entries/s and MB/s.
// Each workload runs twice: plaintext, and encrypted (AES-256-GCM per record, as with a key file;
// docs/design/encryption.md). `--encrypted-only` / `--plain-only` run one of them.
// Run: npm run bench:gcache.
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Entry } from '../src/core/consensus/types.js';
import type { Index, NodeId, Term } from '../src/core/types.js';
import { GCache, describeGCacheError, type GCacheKeys } from '../src/gcache/index.js';
import { KeyRing, newKey } from '../src/keys/index.js';

const MEASURE_MS = 2000;
const ENTRY_DATA_BYTES = 200;
const MB = 1024 * 1024;
const data = new Uint8Array(ENTRY_DATA_BYTES).fill(7);

function entry(index: number): Entry {
  return {
    index: index as Index,
    term: 1 as Term,
    kind: 'normal',
    data,
    config: null,
    origin: 'n1' as NodeId,
    proposalId: index,
  };
}

const benchKey = newKey(1, 1);
const benchRing = new KeyRing([benchKey]);
const encryptedKeys: GCacheKeys = {
  current: benchKey,
  find: (id, version) => benchRing.find(id, version),
};
let keys: GCacheKeys | null = null;

async function openFresh(): Promise<{ gcache: GCache; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-bench-gcache-'));
  const opened = await GCache.open(dir, { keys });
  if (!opened.ok) throw new Error(describeGCacheError(opened.error));
  return { gcache: opened.value.gcache, dir };
}

/** `writers` loops, each writing `entriesPerWrite` entries (and a hard state) per write. */
async function scenario(name: string, writers: number, entriesPerWrite: number): Promise<void> {
  const { gcache, dir } = await openFresh();
  let next = 1;
  let stop = false;
  const writeOnce = (): Promise<void> => {
    const list: Entry[] = [];
    for (let i = 0; i < entriesPerWrite; i++) list.push(entry(next++));
    const hardState = {
      term: 1 as Term,
      vote: null,
      commit: (next - 1) as Index,
      forcedConfig: null,
    };
    return gcache.write({ hardState, boundary: null, resetLog: false, entries: list });
  };
  const loop = async (): Promise<void> => {
    while (!stop) await writeOnce();
  };
  const before = gcache.stats();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const timer = setTimeout(() => (stop = true), MEASURE_MS);
  await Promise.all(Array.from({ length: writers }, loop));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const after = gcache.stats();
  delay.disable();
  await gcache.close();
  rmSync(dir, { recursive: true, force: true });
  const flushes = after.flushes - before.flushes;
  const entries = (after.batches - before.batches) * entriesPerWrite;
  const bytes = after.bytesWritten - before.bytesWritten;
  console.log(
    `${name.padEnd(34)} ${fmt((after.fsyncs - before.fsyncs) / seconds)} fsyncs/s  ` +
      `${fmt(flushes / seconds)} flushes/s  ${fmt(entries / seconds)} entries/s  ` +
      `${(bytes / MB / seconds).toFixed(1).padStart(6)} MB/s  ` +
      `${((after.batches - before.batches) / flushes).toFixed(1)} writes/flush  ` +
      `loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
  );
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US').padStart(9);
}

// ---- fsync mechanisms: 4 KiB append + fdatasync, one at a time ----
// The disk of a VM is noisy, so the mechanisms take turns in short rounds and the median counts.

const MECHANISM_ROUNDS = 7;
const ROUND_MS = 300;

type Mechanism = (path: string, durationMs: number) => Promise<number>;

async function mechanisms(list: readonly (readonly [string, Mechanism])[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-bench-fsync-'));
  const rates = list.map((): number[] => []);
  for (let round = 0; round < MECHANISM_ROUNDS; round++) {
    for (const [i, [, run]] of list.entries()) {
      const ops = await run(join(dir, `file-${i}`), ROUND_MS);
      rates[i]!.push(ops / (ROUND_MS / 1000));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  for (const [i, [name]] of list.entries()) {
    const sorted = rates[i]!.sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `${name.padEnd(46)} ${fmt(median)} appends+fdatasync/s (median of ${sorted.length})`,
    );
  }
}

const block = new Uint8Array(4096).fill(1);

async function viaFileHandle(path: string, durationMs: number): Promise<number> {
  const handle = await open(path, 'a');
  let ops = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await handle.write(block);
    await handle.datasync();
    ops++;
  }
  await handle.close();
  return ops;
}

async function viaCallbacks(path: string, durationMs: number): Promise<number> {
  const fd = fs.openSync(path, 'a');
  let ops = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await new Promise<void>((resolve, reject) =>
      fs.write(fd, block, (error) => (error ? reject(error) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );
    ops++;
  }
  fs.closeSync(fd);
  return ops;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const block = new Uint8Array(4096).fill(1);
parentPort.on('message', (fd) => { fs.writeSync(fd, block); fs.fdatasyncSync(fd); parentPort.postMessage(0); });
`;

async function viaWorker(path: string, durationMs: number): Promise<number> {
  const fd = fs.openSync(path, 'a');
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  let ops = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.postMessage(fd);
    });
    ops++;
  }
  await worker.terminate();
  fs.closeSync(fd);
  return ops;
}

async function main(): Promise<void> {
  console.log(`gcache on ${tmpdir()}, ${ENTRY_DATA_BYTES}-byte entries, ${MEASURE_MS} ms each`);
  const modes: [string, GCacheKeys | null][] = [
    ['plaintext', null],
    ['encrypted', encryptedKeys],
  ];
  for (const [mode, modeKeys] of modes) {
    if (process.argv.includes(`--${mode === 'plaintext' ? 'encrypted' : 'plain'}-only`)) continue;
    keys = modeKeys;
    console.log(`-- ${mode}`);
    await scenario('1 writer x 1 entry', 1, 1);
    await scenario('64 concurrent writers x 1 entry', 64, 1);
    await scenario('1 writer x batches of 1000', 1, 1000);
    await scenario('4 concurrent writers x batches of 1000', 4, 1000);
  }
  if (process.argv.includes('--encrypted-only') || process.argv.includes('--plain-only')) return;
  console.log('fsync mechanisms (keeping the event loop free):');
  await mechanisms([
    ['FileHandle.write + datasync (libuv pool)', viaFileHandle],
    ['fs.write + fs.fdatasync callbacks (libuv pool)', viaCallbacks],
    ['worker thread, writeSync + fdatasyncSync', viaWorker],
  ]);
}

await main();
