// Goal: recovery cuts a torn tail (a partial or damaged last flush) and reports it, keeps every
// fsynced record, and refuses to start on damage that an fsync had covered, naming file and
// offset. Method: write through the API, then cut, zero or flip bytes of the segment files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCache, describeGCacheError } from '../../src/gcache/index.js';
import { readRecord, RECORD_TYPES } from '../../src/gcache/record.js';
import {
  entries,
  openOk,
  recoverOnly,
  segmentFiles,
  smallSegments,
  tempDir,
  write,
} from './helpers.js';

const RECORD_BYTES_MAX = 1 << 20;

/** Offsets of the records in a segment file, and its length. */
function recordOffsets(path: string): { offsets: number[]; size: number } {
  const bytes = new Uint8Array(readFileSync(path));
  const offsets: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    const read = readRecord(bytes, at, RECORD_BYTES_MAX);
    assert.ok(read.ok, `record at ${at}`);
    offsets.push(at);
    at = read.record.endBytes;
  }
  return { offsets, size: bytes.length };
}

/** A log of entries 1…count, each in its own flush, in one segment; returns the segment path. */
async function oneFlushPerEntry(dir: string, count: number): Promise<string> {
  const { gcache } = await openOk(dir);
  for (let i = 1; i <= count; i++) await write(gcache, { entries: entries(i, i) });
  await gcache.close();
  const files = segmentFiles(dir);
  assert.equal(files.length, 1);
  return join(dir, files[0]!);
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0x40;
  writeFileSync(path, bytes);
}

test('a torn last record is cut at every byte offset, and the rest recovered', async (t) => {
  const source = tempDir(t);
  const path = await oneFlushPerEntry(source, 5);
  const { offsets, size } = recordOffsets(path);
  const lastStart = offsets[offsets.length - 1]!;
  for (let cut = lastStart; cut < size; cut++) {
    const dir = tempDir(t);
    cpSync(source, dir, { recursive: true });
    const segment = join(dir, segmentFiles(dir)[0]!);
    truncateSync(segment, cut);
    const { gcache, recovered, report } = await openOk(dir);
    assert.deepEqual(recovered.entries, entries(1, 4), `cut at ${cut}`);
    if (cut === lastStart) {
      assert.equal(report.tornTail, null, 'a cut between records is a clean end');
    } else {
      assert.deepEqual(report.tornTail, {
        file: segment,
        offsetBytes: lastStart,
        bytesTruncated: cut - lastStart,
        problem: 'partial',
        lastGoodIndex: 4,
      });
    }
    // The tail is gone from the file, and the log goes on from there.
    assert.equal(readFileSync(segment).length, lastStart);
    await write(gcache, { entries: entries(5, 6) });
    await gcache.close();
    assert.deepEqual((await recoverOnly(dir)).recovered.entries, entries(1, 6));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cut anywhere in the last segment recovers exactly the records before it', async (t) => {
  const source = tempDir(t);
  const path = await oneFlushPerEntry(source, 30);
  const { offsets, size } = recordOffsets(path);
  for (let trial = 0; trial < 40; trial++) {
    const cut = offsets[1]! + Math.floor(Math.random() * (size - offsets[1]!));
    const dir = tempDir(t);
    cpSync(source, dir, { recursive: true });
    truncateSync(join(dir, segmentFiles(dir)[0]!), cut);
    const whole = offsets.filter((o, i) => i > 0 && (offsets[i + 1] ?? size) <= cut).length;
    const { recovered } = await recoverOnly(dir);
    assert.deepEqual(recovered.entries, entries(1, whole), `cut at ${cut}`);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged last record (CRC mismatch at the tail) is cut', async (t) => {
  const dir = tempDir(t);
  const path = await oneFlushPerEntry(dir, 5);
  const { offsets } = recordOffsets(path);
  flipByte(path, offsets[5]! + 20);
  const { recovered, report } = await recoverOnly(dir);
  assert.deepEqual(recovered.entries, entries(1, 4));
  assert.equal(report.tornTail?.problem, 'crc_mismatch');
  assert.equal(report.tornTail?.offsetBytes, offsets[5]);
});

test('a damaged record before a later flush refuses to open, naming file and offset', async (t) => {
  const dir = tempDir(t);
  const path = await oneFlushPerEntry(dir, 5);
  const { offsets } = recordOffsets(path);
  for (const [byte, problem] of [
    [20, 'crc_mismatch'],
    [1, 'bad_length'],
  ] as const) {
    const copy = tempDir(t);
    cpSync(dir, copy, { recursive: true });
    const segment = join(copy, segmentFiles(copy)[0]!);
    flipByte(segment, offsets[3]! + byte);
    if (problem === 'bad_length') {
      const bytes = readFileSync(segment);
      bytes.writeUInt32BE(0xfff_ffff, offsets[3]!);
      writeFileSync(segment, bytes);
    }
    const opened = await GCache.open(copy);
    assert.ok(!opened.ok);
    assert.deepEqual(opened.error, {
      kind: 'corrupt_record',
      file: segment,
      offsetBytes: offsets[3],
      problem,
    });
    assert.match(describeGCacheError(opened.error), new RegExp(`at offset ${offsets[3]}`));
  }
});

test('a hole inside the last flush is a torn write: the flush is cut', async (t) => {
  // Pages of one write can reach the disk out of order: here the middle of the last flush is
  // zeros while its end arrived. Its records all say "synced up to the flush start", so none
  // proves the hole was ever durable.
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  for (let i = 1; i <= 3; i++) await write(gcache, { entries: entries(i, i) });
  await write(gcache, { entries: entries(4, 10) });
  await gcache.close();
  const path = join(dir, segmentFiles(dir)[0]!);
  const { offsets } = recordOffsets(path);
  const bytes = readFileSync(path);
  bytes.fill(0, offsets[5]!, offsets[6]!); // entry 5
  writeFileSync(path, bytes);
  const { recovered, report } = await recoverOnly(dir);
  assert.deepEqual(recovered.entries, entries(1, 4));
  assert.equal(report.tornTail?.offsetBytes, offsets[5]);
});

test('damage in a segment that is not the last refuses to open', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  for (let i = 1; i <= 100; i += 10) await write(gcache, { entries: entries(i, i + 9, 1, 100) });
  await gcache.close();
  const files = segmentFiles(dir);
  assert.ok(files.length >= 2);
  const first = join(dir, files[0]!);
  const { offsets, size } = recordOffsets(first);
  // The last record of a full segment: at the tail of its file, but not of the log.
  flipByte(first, offsets[offsets.length - 1]! + 15);
  const opened = await GCache.open(dir, { limits: smallSegments });
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'corrupt_record');
  assert.ok(opened.error.kind === 'corrupt_record' && opened.error.file === first);
  // A cut one too: a segment before the last was complete before the next was created.
  truncateSync(first, size - 1);
  assert.ok(!(await GCache.open(dir, { limits: smallSegments })).ok);
});

test('an intact record that does not fit the log refuses to open', async (t) => {
  const dir = tempDir(t);
  const path = await oneFlushPerEntry(dir, 3);
  // Append a valid record of entry 7 (a gap after 3) with a correct CRC.
  const { gcache } = await openOk(dir);
  await gcache.close();
  const bytes = new Uint8Array(readFileSync(path));
  const { offsets } = recordOffsets(path);
  const record = bytes.slice(offsets[3]!, bytes.length); // entry 3's record
  const { encodeEntry } = await import('../../src/codec/consensus.js');
  const { writeRecord } = await import('../../src/gcache/record.js');
  const payload = encodeEntry(entries(7, 7)[0]!);
  const extra = new Uint8Array(13 + payload.length);
  writeRecord(extra, 0, RECORD_TYPES.entry, bytes.length, payload, bytes.length);
  writeFileSync(path, Buffer.concat([bytes, extra]));
  assert.ok(record.length > 0);
  const opened = await GCache.open(dir);
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'bad_record');
  assert.ok(opened.error.kind === 'bad_record' && opened.error.offsetBytes === bytes.length);
});

test('a log without its hard state file refuses to open', async (t) => {
  const dir = tempDir(t);
  await oneFlushPerEntry(dir, 2);
  rmSync(join(dir, 'gcache.hardstate'));
  const opened = await GCache.open(dir);
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'missing_hard_state');
});

test('a creation cut before the hard state was written is finished on open', async (t) => {
  const dir = tempDir(t);
  await recoverOnly(dir);
  rmSync(join(dir, 'gcache.hardstate'));
  const { report, recovered } = await recoverOnly(dir);
  assert.equal(report.created, true);
  assert.deepEqual(recovered.entries, []);
});

test('a segment whose header never reached the disk is removed', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  for (let i = 1; i <= 60; i += 10) await write(gcache, { entries: entries(i, i + 9, 1, 100) });
  await gcache.close();
  const files = segmentFiles(dir);
  const last = join(dir, files[files.length - 1]!);
  const lastEntries = recordOffsets(last).offsets.length - 1;
  truncateSync(last, 5);
  const { recovered, report } = await recoverOnly(dir, { limits: smallSegments });
  assert.deepEqual(recovered.entries, entries(1, 60 - lastEntries, 1, 100));
  assert.deepEqual(report.removedFiles, [files[files.length - 1]]);
  assert.equal(segmentFiles(dir).length, files.length - 1);
});
