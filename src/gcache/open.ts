// Opening the gcache directory: list the segments, replay them, cut a torn tail, remove an
// empty last segment, and create what a fresh or half-created directory lacks. The rules are in
// replay.ts and docs/design/gcache.md ("Recovery").
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsensusLimits } from '../codec/consensus.js';
import { err, ok, type Result } from '../codec/result.js';
import type { Boundary, HardState } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import type { KeyVersion } from '../keys/index.js';
import { segmentKeyRef, type GCacheKeys } from './cipher.js';
import type { GCacheOpenError } from './errors.js';
import {
  HARD_STATE_FILE,
  isSegmentLike,
  parseSegmentName,
  segmentFileName,
  syncDirectory,
  writeFully,
  type Segment,
  type SegmentName,
} from './files.js';
import { HardStateFile } from './hard-state-file.js';
import type { GCacheLimits } from './limits.js';
import { LogIndex } from './log-index.js';
import { encodeSegmentHeader } from './payloads.js';
import { recordBytes, RECORD_TYPES, writeRecord } from './record.js';
import { replaySegments, type ReplayedEntry, type SegmentBytes, type TornTail } from './replay.js';

export interface InitialState {
  readonly hardState: HardState;
  readonly boundary: Boundary;
}

export interface RecoveredDirectory {
  /** Oldest first; the last one is where appends go. Never empty. */
  readonly segments: Segment[];
  readonly log: LogIndex<ReplayedEntry>;
  readonly hardStateFile: HardStateFile;
  readonly hardState: HardState;
  readonly created: boolean;
  readonly tornTail: TornTail | null;
  readonly removedFiles: readonly string[];
  readonly records: number;
  readonly recordsDecrypted: number;
}

export async function recoverDirectory(
  dir: string,
  limits: GCacheLimits,
  codecLimits: ConsensusLimits,
  initial: InitialState,
  keys: GCacheKeys | null,
): Promise<Result<RecoveredDirectory, GCacheOpenError>> {
  await mkdir(dir, { recursive: true });
  await HardStateFile.removeTemp(dir);
  const names = await listSegments(dir);
  if (!names.ok) return names;
  const files = await readSegments(dir, names.value);
  const replayed = replaySegments(files, {
    recordBytesMax: limits.recordBytesMax,
    codec: codecLimits,
    keys,
  });
  if (!replayed.ok) return replayed;
  const { tornTail, validBytes, contentRecords, records } = replayed.value;
  const segments: Segment[] = files.map((file, i) => ({
    name: file.name,
    path: file.path,
    sizeBytes: validBytes[i]!,
    readFd: null,
    key: replayed.value.segmentKeys[i] ?? null,
  }));
  const removedFiles = await repairTail(dir, segments, tornTail);
  const hasHardState = await exists(join(dir, HARD_STATE_FILE));
  let log = replayed.value.log;
  if (log === null) {
    if (hasHardState) {
      return err({ kind: 'missing_segment', detail: 'the hard state exists but no segment does' });
    }
    // Creation writes the first segment, then the hard state: a crash between is harmless.
    segments.push(await createFirstSegment(dir, initial.boundary, keys?.current ?? null));
    log = new LogIndex(initial.boundary, (initial.boundary.index + 1) as Index);
  } else if (!hasHardState && (segments.length !== 1 || contentRecords > 0)) {
    return err({ kind: 'missing_hard_state', file: join(dir, HARD_STATE_FILE) });
  }
  const hard = hasHardState
    ? await HardStateFile.open(dir, codecLimits)
    : ok({
        file: await HardStateFile.create(dir, initial.hardState),
        hardState: initial.hardState,
      });
  if (!hard.ok) return hard;
  return ok({
    segments,
    log,
    hardStateFile: hard.value.file,
    hardState: hard.value.hardState,
    created: !hasHardState,
    tornTail,
    removedFiles,
    records,
    recordsDecrypted: replayed.value.recordsDecrypted,
  });
}

async function listSegments(dir: string): Promise<Result<SegmentName[], GCacheOpenError>> {
  const names: SegmentName[] = [];
  for (const file of await readdir(dir)) {
    // A re-encryption cut by a crash (GCache.rewriteSegment): the segment itself is whole.
    if (file.endsWith('.reencrypt') && isSegmentLike(file.slice(0, -'.reencrypt'.length))) {
      await rm(join(dir, file), { force: true });
      continue;
    }
    if (!isSegmentLike(file)) continue;
    const name = parseSegmentName(file);
    if (name === null) return err({ kind: 'bad_file_name', file: join(dir, file) });
    names.push(name);
  }
  names.sort((a, b) => a.sequence - b.sequence);
  for (let i = 1; i < names.length; i++) {
    const [before, after] = [names[i - 1]!, names[i]!];
    if (after.sequence !== before.sequence + 1) {
      return err({
        kind: 'missing_segment',
        detail: `no segment between ${before.file} and ${after.file}`,
      });
    }
  }
  return ok(names);
}

async function readSegments(dir: string, names: readonly SegmentName[]): Promise<SegmentBytes[]> {
  const files: SegmentBytes[] = [];
  for (const name of names) {
    const path = join(dir, name.file);
    const buffer = await readFile(path);
    // A plain Uint8Array view, so that decoded entry data are not Buffers.
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    files.push({ name, path, bytes });
  }
  return files;
}

/** Cuts the torn tail off the last segment, and removes that segment if nothing is left. */
async function repairTail(
  dir: string,
  segments: Segment[],
  tornTail: TornTail | null,
): Promise<string[]> {
  if (tornTail !== null) await truncateFile(tornTail.file, tornTail.offsetBytes);
  const last = segments[segments.length - 1];
  if (last === undefined || last.sizeBytes > 0) return [];
  // Its header never became durable: the segment holds nothing.
  await rm(last.path);
  await syncDirectory(dir);
  segments.pop();
  return [last.name.file];
}

async function createFirstSegment(
  dir: string,
  boundary: Boundary,
  key: KeyVersion | null,
): Promise<Segment> {
  const firstIndex = (boundary.index + 1) as Index;
  const file = segmentFileName(1, firstIndex);
  const path = join(dir, file);
  const header = encodeSegmentHeader({ firstIndex, boundary, key: segmentKeyRef(key) });
  const bytes = new Uint8Array(recordBytes(header.length));
  writeRecord(bytes, 0, RECORD_TYPES.segment, 0, header);
  const handle = await open(path, 'wx');
  try {
    await writeFully(handle, bytes, 0);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dir);
  const name = { file, sequence: 1, firstIndex };
  return { name, path, sizeBytes: bytes.length, readFd: null, key };
}

async function truncateFile(path: string, lengthBytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(lengthBytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
