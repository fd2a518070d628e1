// Goal: whatever moment the machine dies at, recovery returns a prefix of the records written
// that includes every write whose promise had resolved, and a hard state at least as new as the
// last acknowledged one. Method: a seeded workload (appends, follower truncations, compactions,
// state-transfer resets, hard states) keeps many writes in flight while the directory is copied
// at random moments, file by file, as the page cache holds it; each copy is then opened and
// compared with the states the model passed through, record by record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xoshiro128, type Prng } from '../../src/core/prng.js';
import type { Boundary, Entry } from '../../src/core/consensus/types.js';
import { index } from '../../src/core/types.js';
import type { GCache, WriteBatch } from '../../src/gcache/index.js';
import {
  boundary,
  entry,
  hardState,
  openOk,
  recoverOnly,
  segmentFiles,
  tempDir,
} from './helpers.js';

// GCACHE_CRASH_SEEDS=200 for a longer soak.
const SEEDS = Array.from(
  { length: Number(process.env['GCACHE_CRASH_SEEDS'] ?? 6) },
  (_, i) => i + 1,
);
const WRITES = 400;
const IN_FLIGHT_MAX = 16;
const limits = {
  ...(await import('../../src/gcache/index.js')).DEFAULT_GCACHE_LIMITS,
  segmentBytes: 8192,
};

/** Entry content is a function of index and term, so any recovered entry can be checked. */
function entryOf(i: number, t: number): Entry {
  return entry(i, t, 10 + ((i * 7 + t * 13) % 290));
}

/** The model log, and a fingerprint of it after every record. */
class Model {
  boundary: Boundary = boundary(0, 0);
  terms: number[] = []; // terms[k] is the term of entry boundary.index + 1 + k
  readonly fingerprints: string[] = [this.fingerprint()];

  lastIndex(): number {
    return this.boundary.index + this.terms.length;
  }

  apply(batch: WriteBatch): void {
    if (batch.boundary !== null) {
      const b = batch.boundary;
      if (batch.resetLog || b.index >= this.lastIndex()) this.terms = [];
      else this.terms = this.terms.slice(b.index - this.boundary.index);
      this.boundary = b;
      this.fingerprints.push(this.fingerprint());
    }
    const first = batch.entries[0];
    if (first === undefined) return;
    if (first.index <= this.lastIndex()) {
      this.terms.length = first.index - this.boundary.index - 1;
      this.fingerprints.push(this.fingerprint());
    }
    for (const e of batch.entries) {
      this.terms.push(e.term);
      this.fingerprints.push(this.fingerprint());
    }
  }

  fingerprint(): string {
    return `${this.boundary.index}/${this.boundary.term}:${this.terms.join(',')}`;
  }
}

function fingerprintOf(b: Boundary, list: readonly Entry[]): string {
  return `${b.index}/${b.term}:${list.map((e) => e.term).join(',')}`;
}

function nextBatch(rng: Prng, model: Model, term: { value: number }, writeNo: number): WriteBatch {
  const last = model.lastIndex();
  let b: Boundary | null = null;
  let resetLog = false;
  const roll = rng.float();
  if (roll < 0.08 && last - 5 > model.boundary.index) {
    b = boundary(model.boundary.index + 1 + rng.int(last - 5 - model.boundary.index), term.value);
  } else if (roll < 0.11) {
    term.value += 1;
    b = boundary(last + rng.int(4), term.value);
    resetLog = true;
  }
  const lastAfter = resetLog ? b!.index : Math.max(last, b?.index ?? 0);
  const floor = (b ?? model.boundary).index + 1;
  let first = lastAfter + 1;
  if (rng.chance(0.15)) {
    term.value += 1;
    first = Math.max(floor, lastAfter + 1 - rng.int(5));
  }
  const count = rng.int(6);
  const list: Entry[] = [];
  for (let i = 0; i < count; i++) list.push(entryOf(first + i, term.value));
  const hs = rng.chance(0.5) ? hardState(writeNo, writeNo) : null;
  return { hardState: hs, boundary: b, resetLog, entries: list };
}

/**
 * Copies the directory file by file, as the page cache holds it, then tears the last segment's
 * bytes beyond what is durable as a power cut could: cut short, a hole of zeros inside the flush
 * in flight, a flipped byte, zeros past the end (size extended, data never written).
 */
function snapshot(rng: Prng, gcache: GCache, source: string, target: string): void {
  mkdirSync(target);
  for (const file of readdirSync(source).sort()) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(source, file));
    } catch {
      continue; // deleted meanwhile: compacted away
    }
    writeFileSync(join(target, file), bytes);
  }
  const last = segmentFiles(target).at(-1);
  if (last === undefined) return;
  const durable = gcache.segmentFiles().find((s) => s.file === last)?.sizeBytes ?? 0;
  const path = join(target, last);
  const bytes = readFileSync(path);
  const unsynced = bytes.length - durable;
  const mode = rng.int(5);
  if (unsynced > 0 && mode === 0) truncateSync(path, durable + rng.int(unsynced));
  if (unsynced > 0 && mode === 1) {
    const from = durable + rng.int(unsynced);
    bytes.fill(0, from, Math.min(bytes.length, from + 1 + rng.int(600)));
    writeFileSync(path, bytes);
  }
  if (unsynced > 0 && mode === 2) {
    const at = durable + rng.int(unsynced);
    bytes[at] = bytes[at]! ^ (1 + rng.int(255));
    writeFileSync(path, bytes);
  }
  if (mode === 3) writeFileSync(path, Buffer.concat([bytes, Buffer.alloc(1 + rng.int(600))]));
}

interface Snapshot {
  readonly dir: string;
  readonly ackedRecords: number;
  readonly issuedRecords: number;
  readonly ackedHardTerm: number;
  readonly issuedWrites: number;
}

async function runWorkload(
  seed: number,
  dir: string,
  copies: string,
): Promise<{ model: Model; snapshots: Snapshot[] }> {
  const rng = new Xoshiro128(seed);
  const { gcache } = await openOk(dir, { limits });
  const model = new Model();
  const term = { value: 1 };
  const inFlight: Promise<void>[] = [];
  const recordsAfterWrite: number[] = [];
  let ackedWrites = 0;
  let ackedHardTerm = 0;
  const snapshots: Snapshot[] = [];
  for (let w = 1; w <= WRITES; w++) {
    const batch = nextBatch(rng, model, term, w);
    model.apply(batch);
    recordsAfterWrite[w] = model.fingerprints.length - 1;
    const done = write(gcache, batch).then(() => {
      assert.equal(ackedWrites, w - 1, 'writes resolve in order');
      ackedWrites = w;
      if (batch.hardState !== null) ackedHardTerm = batch.hardState.term;
    });
    inFlight.push(done);
    if (inFlight.length >= IN_FLIGHT_MAX || rng.chance(0.3)) await inFlight.shift();
    if (rng.chance(0.5)) await new Promise((resolve) => setImmediate(resolve));
    if (rng.chance(0.05)) {
      const target = join(copies, `s${snapshots.length}`);
      const ackedRecords = recordsAfterWrite[ackedWrites] ?? 0;
      const acked = ackedHardTerm;
      snapshot(rng, gcache, dir, target);
      snapshots.push({
        dir: target,
        ackedRecords,
        issuedRecords: model.fingerprints.length - 1,
        ackedHardTerm: acked,
        issuedWrites: w,
      });
    }
  }
  await Promise.all(inFlight);
  await gcache.close();
  return { model, snapshots };
}

function write(gcache: GCache, batch: WriteBatch): Promise<void> {
  return gcache.write(batch);
}

for (const seed of SEEDS) {
  test(`crash at random moments keeps every acknowledged write (seed ${seed})`, async (t) => {
    const dir = tempDir(t);
    const copies = tempDir(t);
    const { model, snapshots } = await runWorkload(seed, dir, copies);
    assert.ok(snapshots.length > 0);
    let tornTails = 0;
    for (const snap of snapshots) {
      const { recovered, report } = await recoverOnly(snap.dir, { limits });
      if (report.tornTail !== null) tornTails += 1;
      const print = fingerprintOf(recovered.boundary, recovered.entries);
      const at = model.fingerprints.indexOf(print, snap.ackedRecords);
      assert.ok(
        at >= snap.ackedRecords && at <= snap.issuedRecords,
        `seed ${seed} ${snap.dir}: recovered ${print} is not a state between record ${snap.ackedRecords} and ${snap.issuedRecords}`,
      );
      for (const e of recovered.entries) assert.deepEqual(e, entryOf(e.index, e.term));
      const hardTerm = recovered.hardState.term;
      assert.ok(hardTerm >= snap.ackedHardTerm && hardTerm <= snap.issuedWrites, 'hard state');
    }
    t.diagnostic(`${snapshots.length} crash copies, ${tornTails} with a torn tail`);
    // And the original directory recovers to the final state.
    const { recovered } = await recoverOnly(dir, { limits });
    assert.equal(fingerprintOf(recovered.boundary, recovered.entries), model.fingerprint());
    assert.ok(
      recovered.entries.every((e, k) => e.index === index(recovered.boundary.index + 1 + k)),
    );
  });
}
