// Goal: an encrypted GCache keeps no plaintext on disk, recovers as a plaintext one does (torn
// tails are cut), and never returns a record that was altered: a flipped byte whose CRC was
// fixed up fails authentication and is reported as corruption; a wrong or missing key refuses to
// open, naming the key. Method: write entries whose data is a known string, scan the files,
// damage bytes, reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32Of } from '../../src/codec/crc.js';
import { index, term } from '../../src/core/types.js';
import type { Entry } from '../../src/core/consensus/types.js';
import type { GCacheKeys } from '../../src/gcache/index.js';
import { GCache, describeGCacheError } from '../../src/gcache/index.js';
import { KeyRing, newKey, type KeyVersion } from '../../src/keys/index.js';
import { hardState, n1, openOk, smallSegments, tempDir, write } from './helpers.js';

const SECRET = 'attack-at-dawn-0123456789';

function secretEntry(i: number, t = 1): Entry {
  return {
    index: index(i),
    term: term(t),
    kind: 'normal',
    data: new TextEncoder().encode(`${SECRET}#${i}`),
    config: null,
    origin: n1,
    proposalId: i,
  };
}

function keysOf(current: KeyVersion | null, ...others: KeyVersion[]): GCacheKeys {
  const ring = new KeyRing([...(current === null ? [] : [current]), ...others]);
  return { current, find: (id, version) => ring.find(id, version) };
}

function filesContaining(dir: string, text: string): string[] {
  return readdirSync(dir).filter((file) => readFileSync(join(dir, file)).includes(text));
}

function onlySegment(dir: string): string {
  const segments = readdirSync(dir).filter((file) => file.endsWith('.seg'));
  assert.equal(segments.length, 1);
  return join(dir, segments[0]!);
}

/** Offsets of the records of a segment file. */
function recordOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 13 <= bytes.length; at += 13 + bytes.readUInt32BE(at)) offsets.push(at);
  return offsets;
}

/** Flips one payload byte of the record at `offset` and writes a matching CRC over it. */
function tamperWithValidCrc(bytes: Buffer, offset: number): void {
  const payloadBytes = bytes.readUInt32BE(offset);
  bytes[offset + 13 + Math.floor(payloadBytes / 2)]! ^= 0x40;
  let crc = crc32Of(bytes.subarray(offset, offset + 4));
  crc = crc32Of(bytes.subarray(offset + 8, offset + 13 + payloadBytes), crc) >>> 0;
  bytes.writeUInt32BE(crc, offset + 4);
}

test('an encrypted gcache holds no plaintext and reads back what it wrote', async (t) => {
  const dir = tempDir(t);
  const key = newKey(1, 1);
  const { gcache } = await openOk(dir, { keys: keysOf(key) });
  const written = Array.from({ length: 20 }, (_, i) => secretEntry(i + 1));
  await write(gcache, { hardState: hardState(1, 0), entries: written });
  assert.deepEqual(gcache.entries(index(3), index(5)), { ok: true, value: written.slice(2, 5) });
  const stats = gcache.stats();
  assert.equal(stats.recordsEncrypted, 20);
  assert.equal(stats.keyId, 1);
  assert.equal(stats.keyVersion, 1);
  await gcache.close();
  assert.deepEqual(filesContaining(dir, SECRET), []);
  const again = await openOk(dir, { keys: keysOf(key) });
  assert.deepEqual(again.recovered.entries, written);
  assert.equal(again.gcache.stats().recordsDecrypted, 20);
  await again.gcache.close();
});

test('the same log without a key is plaintext (the check above is not vacuous)', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  await gcache.close();
  assert.deepEqual(filesContaining(dir, SECRET), [onlySegment(dir).split('/').pop()]);
});

test('a flipped byte with a fixed-up CRC is corruption, never data, wherever it is', async (t) => {
  for (const which of ['first', 'last'] as const) {
    const dir = tempDir(t);
    const key = newKey(1, 1);
    const { gcache } = await openOk(dir, { keys: keysOf(key) });
    await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1), secretEntry(2)] });
    await gcache.close();
    const path = onlySegment(dir);
    const bytes = readFileSync(path);
    const offsets = recordOffsets(bytes);
    const target = which === 'first' ? offsets[1]! : offsets[offsets.length - 1]!;
    tamperWithValidCrc(bytes, target);
    writeFileSync(path, bytes);
    const opened = await GCache.open(dir, { keys: keysOf(key) });
    assert.deepEqual(
      opened,
      {
        ok: false,
        error: { kind: 'corrupt_record', file: path, offsetBytes: target, problem: 'auth_failed' },
      },
      which,
    );
  }
});

test('read-back of a record altered after open reports corruption', async (t) => {
  const dir = tempDir(t);
  const key = newKey(1, 1);
  const { gcache } = await openOk(dir, { keys: keysOf(key) });
  await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1), secretEntry(2)] });
  const path = onlySegment(dir);
  const bytes = readFileSync(path);
  const target = recordOffsets(bytes)[1]!;
  tamperWithValidCrc(bytes, target);
  writeFileSync(path, bytes);
  const read = gcache.entries(index(1), index(1));
  assert.deepEqual(read, {
    ok: false,
    error: { kind: 'corrupt_record', file: path, offsetBytes: target, detail: 'auth_failed' },
  });
  await gcache.close();
});

test('a torn encrypted tail is cut as a torn plaintext one is', async (t) => {
  const dir = tempDir(t);
  const key = newKey(1, 1);
  const { gcache } = await openOk(dir, { keys: keysOf(key) });
  await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  await write(gcache, { entries: [secretEntry(2)] });
  await gcache.close();
  const path = onlySegment(dir);
  const bytes = readFileSync(path);
  const last = recordOffsets(bytes).pop()!;
  writeFileSync(path, bytes.subarray(0, last + 20));
  const { recovered, report, gcache: reopened } = await openOk(dir, { keys: keysOf(key) });
  assert.deepEqual(recovered.entries, [secretEntry(1)]);
  assert.equal(report.tornTail?.offsetBytes, last);
  await reopened.close();
});

test('a missing or wrong key refuses to open and names the key', async (t) => {
  const dir = tempDir(t);
  const key = newKey(7, 2);
  const { gcache } = await openOk(dir, { keys: keysOf(key) });
  await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  await gcache.close();
  const path = onlySegment(dir);
  const missing = await GCache.open(dir, {});
  assert.deepEqual(missing, {
    ok: false,
    error: { kind: 'missing_key', file: path, keyId: 7, keyVersion: 2 },
  });
  const wrong = await GCache.open(dir, { keys: keysOf(newKey(7, 2)) });
  assert.deepEqual(wrong, {
    ok: false,
    error: { kind: 'wrong_key', file: path, keyId: 7, keyVersion: 2 },
  });
  // Said in words that hold with no key file at all (the ops walkthrough read "which the key
  // file does not hold" with none configured) and without "another key id 7 … than".
  assert.ok(!missing.ok && !wrong.ok);
  assert.match(
    describeGCacheError(missing.error),
    /key id 7 version 2, which the keys this node was given do not hold/,
  );
  assert.match(
    describeGCacheError(wrong.error),
    /key id 7 version 2, and the key of that id and version .* is a different key/,
  );
});

test('a new key version seals new segments; older ones stay readable with the old version', async (t) => {
  const dir = tempDir(t);
  const v1 = newKey(1, 1);
  const v2 = newKey(1, 2);
  const first = await openOk(dir, { keys: keysOf(v1), limits: smallSegments });
  await write(first.gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  await first.gcache.close();
  const second = await openOk(dir, { keys: keysOf(v2, v1), limits: smallSegments });
  await write(second.gcache, { entries: [secretEntry(2)] });
  assert.equal(second.gcache.stats().keyVersion, 2);
  assert.equal(second.gcache.segmentFiles().length, 2);
  await second.gcache.close();
  const third = await openOk(dir, { keys: keysOf(v2, v1), limits: smallSegments });
  assert.deepEqual(third.recovered.entries, [secretEntry(1), secretEntry(2)]);
  await third.gcache.close();
  assert.deepEqual(filesContaining(dir, SECRET), []);
  // Without version 1 the first segment cannot be read.
  const without = await GCache.open(dir, { keys: keysOf(v2), limits: smallSegments });
  assert.equal(without.ok ? 'opened' : without.error.kind, 'missing_key');
});

test('a key version taken while running seals the next flush in a new segment', async (t) => {
  const dir = tempDir(t);
  const v1 = newKey(1, 1);
  const v2 = newKey(1, 2);
  const opened = await openOk(dir, { keys: keysOf(v1), limits: smallSegments });
  await write(opened.gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  assert.equal(opened.gcache.stats().segmentsOtherKey, 0);
  opened.gcache.useKeys(keysOf(v2, v1));
  // Until the next flush the old segment is the one not under the current key.
  assert.equal(opened.gcache.stats().keyVersion, 2);
  assert.equal(opened.gcache.stats().segmentsOtherKey, 1);
  await write(opened.gcache, { entries: [secretEntry(2)] });
  const stats = opened.gcache.stats();
  assert.deepEqual([stats.keyVersion, stats.keyVersionMin, stats.segmentsOtherKey], [2, 1, 1]);
  assert.equal(opened.gcache.segmentFiles().length, 2);
  // A key version never goes back, and a sealed gcache stays sealed.
  assert.throws(() => opened.gcache.useKeys(keysOf(v1)), /never goes back/);
  assert.throws(() => opened.gcache.useKeys(keysOf(null)), /keeps the GCache sealed/);
  await opened.gcache.close();
  const again = await openOk(dir, { keys: keysOf(v2, v1), limits: smallSegments });
  assert.deepEqual(again.recovered.entries, [secretEntry(1), secretEntry(2)]);
  await again.gcache.close();
  assert.deepEqual(filesContaining(dir, SECRET), []);
});

test('a running gcache re-encrypts old segments one at a time while reads go on', async (t) => {
  const dir = tempDir(t);
  const v1 = newKey(1, 1);
  const v2 = newKey(1, 2);
  const opened = await openOk(dir, { keys: keysOf(v1), limits: smallSegments });
  const gcache = opened.gcache;
  await write(gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  for (let i = 2; i <= 120; i++) await write(gcache, { entries: [secretEntry(i)] });
  const old = gcache.segmentFiles().length;
  assert.ok(old >= 3, `${old} segments`);
  const before = new Map(
    gcache.segmentFiles().map((s) => [s.file, readFileSync(join(dir, s.file))]),
  );
  gcache.useKeys(keysOf(v2, v1));
  await write(gcache, { entries: [secretEntry(121)] });
  assert.equal(gcache.stats().segmentsOtherKey, old);
  // Nothing is due: nothing is rewritten.
  assert.deepEqual(await gcache.rewriteSegment(() => false), { ok: true, value: null });
  const rewritten: string[] = [];
  for (;;) {
    // Read-back runs between the slices of a rewrite (one record per event-loop turn here).
    const reading = (async () => {
      for (let turn = 0; turn < 50; turn++) {
        const read = gcache.entries(index(1), index(121), Number.MAX_SAFE_INTEGER);
        assert.ok(read.ok && read.value.length === 121, JSON.stringify(read.ok || read.error));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const result = await gcache.rewriteSegment((key) => key.version < 2, 1);
    await reading;
    assert.ok(result.ok, result.ok ? '' : result.error);
    if (result.value === null) break;
    assert.equal(result.value.from.version, 1);
    rewritten.push(result.value.file);
  }
  assert.deepEqual(rewritten, [...before.keys()]);
  for (const [file, bytes] of before) {
    const now = readFileSync(join(dir, file));
    assert.equal(now.length, bytes.length, 'records keep their offsets');
    assert.notDeepEqual(now, bytes);
  }
  const stats = gcache.stats();
  assert.deepEqual([stats.segmentsOtherKey, stats.keyVersionMin], [0, 2]);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.reencrypt')),
    [],
  );
  await gcache.close();
  assert.deepEqual(filesContaining(dir, SECRET), []);
  // A rewrite cut by a crash leaves its file beside the segment; opening removes it.
  const leftover = join(dir, `${[...before.keys()][0]!}.reencrypt`);
  writeFileSync(leftover, 'cut short');
  // Version 1 can leave the key file now: everything opens with version 2 alone.
  const again = await openOk(dir, { keys: keysOf(v2), limits: smallSegments });
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.reencrypt')),
    [],
  );
  assert.equal(again.recovered.entries.length, 121);
  assert.deepEqual(again.recovered.entries[119], secretEntry(120));
  await again.gcache.close();
});

test('turning encryption on starts a sealed segment; the plaintext one stays readable', async (t) => {
  const dir = tempDir(t);
  const plain = await openOk(dir, { limits: smallSegments });
  await write(plain.gcache, { hardState: hardState(1, 0), entries: [secretEntry(1)] });
  await plain.gcache.close();
  const key = newKey(1, 1);
  const sealed = await openOk(dir, { keys: keysOf(key), limits: smallSegments });
  await write(sealed.gcache, { entries: [secretEntry(2)] });
  await sealed.gcache.close();
  const segments = readdirSync(dir).filter((file) => file.endsWith('.seg'));
  assert.equal(segments.length, 2);
  const newest = readFileSync(join(dir, segments[1]!));
  assert.equal(newest.includes(`${SECRET}#2`), false);
  const again = await openOk(dir, { keys: keysOf(key), limits: smallSegments });
  assert.deepEqual(again.recovered.entries, [secretEntry(1), secretEntry(2)]);
  await again.gcache.close();
});
