// Goal: what write() made durable is exactly what open() recovers — entries, hard state,
// boundary, truncations, resets — and segments roll and are deleted below the boundary. Method:
// write through the API, close, reopen, compare with a model of the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { index } from '../../src/core/types.js';
import { GCache } from '../../src/gcache/index.js';
import {
  boundary,
  entries,
  entry,
  hardState,
  indexes,
  openOk,
  recoverOnly,
  segmentFiles,
  smallSegments,
  tempDir,
  write,
} from './helpers.js';

test('a fresh directory starts from the initial state and says it was created', async (t) => {
  const dir = tempDir(t);
  const initial = { hardState: hardState(0, 0, null), boundary: boundary(0, 0) };
  const { gcache, recovered, report } = await openOk(dir, { initial });
  assert.equal(report.created, true);
  assert.deepEqual(recovered, { ...initial, entries: [] });
  assert.equal(gcache.lastIndex(), 0);
  await gcache.close();
  const again = await openOk(dir);
  assert.equal(again.report.created, false);
  assert.deepEqual(again.recovered, { ...initial, entries: [] });
  await again.gcache.close();
});

test('entries, hard state and boundary survive a reopen', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { hardState: hardState(2, 0), entries: entries(1, 10, 2) });
  await write(gcache, { hardState: hardState(3, 8, 'n2'), entries: entries(11, 20, 3) });
  await write(gcache, { boundary: boundary(5, 2) });
  await gcache.close();
  const { gcache: reopened, recovered, report } = await openOk(dir);
  assert.deepEqual(recovered.hardState, hardState(3, 8, 'n2'));
  assert.deepEqual(recovered.boundary, boundary(5, 2));
  assert.deepEqual(recovered.entries, [...entries(6, 10, 2), ...entries(11, 20, 3)]);
  assert.equal(report.tornTail, null);
  assert.equal(report.lastIndex, 20);
  // And the log goes on where it was.
  await write(reopened, { entries: entries(21, 22, 3) });
  assert.equal(reopened.lastIndex(), 22);
  await reopened.close();
  assert.equal((await recoverOnly(dir)).recovered.entries.length, 17);
});

test('truncate-from replaces the tail, in the same batch or across batches', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { entries: entries(1, 10, 1) });
  await write(gcache, { entries: entries(6, 8, 2) }); // a new leader overwrote 6…10
  const pending = [
    write(gcache, { entries: entries(9, 12, 2) }),
    write(gcache, { entries: entries(8, 9, 3) }), // queued behind: truncates what is queued
  ];
  await Promise.all(pending);
  assert.equal(gcache.lastIndex(), 9);
  await gcache.close();
  const { recovered } = await recoverOnly(dir);
  assert.deepEqual(recovered.entries, [
    ...entries(1, 5, 1),
    ...entries(6, 7, 2),
    ...entries(8, 9, 3),
  ]);
});

test('a reset boundary (state transfer) empties the log; compaction keeps what is above', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { entries: entries(1, 10) });
  await write(gcache, { boundary: boundary(4) });
  await write(gcache, { boundary: boundary(7, 5), resetLog: true, entries: entries(8, 9, 5) });
  await gcache.close();
  const first = await openOk(dir);
  assert.deepEqual(first.recovered.boundary, boundary(7, 5));
  assert.deepEqual(first.recovered.entries, entries(8, 9, 5));
  // A reset can also move the log forward past its end.
  await write(first.gcache, { boundary: boundary(100, 6), resetLog: true });
  await write(first.gcache, { entries: entries(101, 103, 6) });
  await first.gcache.close();
  const second = await openOk(dir);
  assert.deepEqual(indexes(second.recovered.entries), [101, 102, 103].map(index));
  await second.gcache.close();
});

test('segments roll at segmentBytes and whole segments below the boundary are deleted', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  for (let i = 1; i <= 200; i += 10) await write(gcache, { entries: entries(i, i + 9, 1, 100) });
  const rolled = segmentFiles(dir);
  assert.ok(rolled.length >= 5, `rolled into ${rolled.length} segments`);
  // Every name encodes the segment's sequence and first index.
  assert.match(rolled[0]!, /^gcache-0000000000000001-00000000000000000001\.seg$/);
  const sizeBefore = gcache.sizeBytes();
  await write(gcache, { boundary: boundary(150) });
  await gcache.idle(); // segments are deleted after the write resolved
  const kept = segmentFiles(dir);
  assert.ok(kept.length < rolled.length, 'old segments deleted');
  assert.ok(gcache.sizeBytes() < sizeBefore);
  // The oldest segment kept still holds entry 151 or starts right after the boundary.
  const firstKept = Number(kept[0]!.slice(24, 44));
  assert.ok(firstKept <= 151, `first kept segment starts at ${firstKept}`);
  assert.deepEqual(gcache.entries(index(151), index(200)), {
    ok: true,
    value: entries(151, 200, 1, 100),
  });
  await gcache.close();
  const { recovered, report } = await recoverOnly(dir, { limits: smallSegments });
  assert.deepEqual(recovered.entries, entries(151, 200, 1, 100));
  assert.equal(report.segmentFiles, kept.length);
});

test('entries() reads back durable entries from disk, bounded by bytes', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  await write(gcache, { entries: entries(1, 50, 1, 200) });
  await write(gcache, { entries: entries(40, 60, 2, 200) });
  const all = gcache.entries(index(1), index(60));
  assert.ok(all.ok);
  assert.deepEqual(all.value, [...entries(1, 39, 1, 200), ...entries(40, 60, 2, 200)]);
  const bounded = gcache.entries(index(10), index(60), 1000);
  assert.ok(bounded.ok);
  assert.deepEqual(indexes(bounded.value), [10, 11, 12, 13, 14].map(index));
  const one = gcache.entries(index(10), index(60), 1);
  assert.ok(one.ok && one.value.length === 1, 'at least one entry');
  await gcache.close();
});

test('compactionPoint says how far to compact to fit, never beyond applied', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  for (let i = 1; i <= 400; i += 10) await write(gcache, { entries: entries(i, i + 9, 1, 100) });
  const size = gcache.sizeBytes();
  assert.equal(gcache.compactionPoint(index(400), size), null, 'it fits already');
  const point = gcache.compactionPoint(index(400), size / 2);
  assert.ok(point !== null && point < 400);
  assert.equal(gcache.compactionPoint(index(0), size / 2), null, 'nothing applied');
  const limited = gcache.compactionPoint(index(100), 0);
  assert.ok(limited !== null && limited <= 100);
  await write(gcache, { boundary: boundary(point) });
  await gcache.idle();
  assert.ok(gcache.sizeBytes() <= size / 2, `${gcache.sizeBytes()} fits ${size / 2}`);
  assert.equal(gcache.compactionPoint(index(400), size / 2), null);
  await gcache.close();
});

test('group commit: 100 concurrent writes share a few fsyncs', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  const before = gcache.stats();
  const writes = [];
  for (let i = 1; i <= 100; i++)
    writes.push(write(gcache, { hardState: hardState(1, i - 1), entries: [entry(i)] }));
  await Promise.all(writes);
  const after = gcache.stats();
  assert.equal(after.batches - before.batches, 100);
  assert.ok(after.flushes - before.flushes <= 3, `${after.flushes - before.flushes} flushes`);
  assert.ok(after.fsyncs - before.fsyncs <= 6, `${after.fsyncs - before.fsyncs} fsyncs`);
  await gcache.close();
  const { recovered } = await recoverOnly(dir);
  assert.equal(recovered.entries.length, 100);
  assert.deepEqual(recovered.hardState, hardState(1, 99));
});

test('a commit index that moved alone costs no fsync of its own; a term or vote does', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { hardState: hardState(2, 0, 'n1'), entries: [entry(1, 2)] });
  const before = gcache.stats();
  for (let i = 2; i <= 11; i++)
    await write(gcache, { hardState: hardState(2, i - 1, 'n1'), entries: [entry(i, 2)] });
  const after = gcache.stats();
  assert.equal(after.flushes - before.flushes, 10);
  assert.equal(after.fsyncs - before.fsyncs, 10, 'one fsync per flush: the log only');
  // A crash now (the directory opened without close) keeps the term and vote; the commit index
  // may lag (a restarted node re-learns it), never the other way round.
  const crashed = await recoverOnly(dir);
  assert.equal(crashed.recovered.hardState.term, 2);
  assert.equal(crashed.recovered.hardState.vote, 'n1');
  assert.ok(crashed.recovered.hardState.commit <= 10);
  // A new term is written with the flush that carries it.
  await write(gcache, { hardState: hardState(3, 10, null), entries: [entry(12, 3)] });
  assert.equal(gcache.stats().fsyncs - after.fsyncs, 2);
  assert.deepEqual((await recoverOnly(dir)).recovered.hardState, hardState(3, 10, null));
  // A held commit is written at close.
  await write(gcache, { hardState: hardState(3, 12, null), entries: [] });
  await gcache.close();
  assert.deepEqual((await recoverOnly(dir)).recovered.hardState, hardState(3, 12, null));
});

test('each promise resolves only after the fsync that covers it, in order', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  const order: number[] = [];
  const writes = [];
  for (let i = 1; i <= 20; i++) {
    writes.push(
      write(gcache, { entries: [entry(i)] }).then(() => {
        order.push(i);
        // Durable means the durable view already holds it.
        assert.ok(gcache.lastIndex() >= i);
      }),
    );
  }
  await Promise.all(writes);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  await gcache.close();
});

test('an unparsable segment name refuses to open', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await gcache.close();
  writeFileSync(join(dir, 'gcache-oops.seg'), '');
  const opened = await GCache.open(dir);
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'bad_file_name');
});

test('a missing segment in the middle refuses to open', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir, { limits: smallSegments });
  for (let i = 1; i <= 200; i += 10) await write(gcache, { entries: entries(i, i + 9, 1, 100) });
  await gcache.close();
  const files = segmentFiles(dir);
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, files[1]!));
  const opened = await GCache.open(dir, { limits: smallSegments });
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'missing_segment');
});

test('a failed fsync fails that write and every later one; reopening recovers', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { entries: entries(1, 3) });
  // Make every FileHandle.datasync fail with EIO, as a dying disk would.
  const probe = await open(join(dir, 'probe'), 'w');
  const prototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const original = prototype.datasync;
  prototype.datasync = () =>
    Promise.reject(Object.assign(new Error('EIO: fdatasync'), { code: 'EIO' }));
  try {
    const failed = write(gcache, { entries: entries(4, 5) });
    const queued = write(gcache, { entries: entries(6, 6) });
    await assert.rejects(failed, /EIO/);
    await assert.rejects(queued, /EIO/);
    await assert.rejects(write(gcache, { entries: entries(7, 7) }), /EIO/, 'sticky');
  } finally {
    prototype.datasync = original;
  }
  assert.equal(gcache.lastIndex(), 3, 'the durable view holds only what was fsynced');
  await gcache.close();
  const { recovered } = await recoverOnly(dir);
  // The failed batch may or may not have reached the disk; what was acknowledged did.
  assert.deepEqual(recovered.entries.slice(0, 3), entries(1, 3));
});
