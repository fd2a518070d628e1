// File names in the gcache directory, and the directory fsync that makes creating, renaming and
// deleting them durable.
import { writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { assert } from '../core/assert.js';
import type { Index } from '../core/types.js';
import type { KeyVersion } from '../keys/index.js';

/** Two slots of the hard state (see hard-state-file.ts). */
export const HARD_STATE_FILE = 'gcache.hardstate';
export const HARD_STATE_TEMP_FILE = 'gcache.hardstate.tmp';

// gcache-<sequence, 16 digits>-<first index, 20 digits>.seg. The sequence orders segments (a
// state transfer can make a later segment start at a lower index); the first index is for
// people and for the continuity check on replay.
const SEGMENT_PATTERN = /^gcache-(\d{16})-(\d{20})\.seg$/;
const SEGMENT_PREFIX = 'gcache-';
const SEGMENT_SUFFIX = '.seg';

export interface SegmentName {
  readonly file: string;
  readonly sequence: number;
  readonly firstIndex: Index;
}

export function segmentFileName(sequence: number, firstIndex: Index): string {
  return `${SEGMENT_PREFIX}${String(sequence).padStart(16, '0')}-${String(firstIndex).padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

export function isSegmentLike(file: string): boolean {
  return file.startsWith(SEGMENT_PREFIX) && file.endsWith(SEGMENT_SUFFIX);
}

/** The parsed name, or null when it is not a segment name we write. */
export function parseSegmentName(file: string): SegmentName | null {
  const match = SEGMENT_PATTERN.exec(file);
  if (match === null) return null;
  const sequence = Number(match[1]);
  const firstIndex = Number(match[2]);
  if (!Number.isSafeInteger(sequence) || !Number.isSafeInteger(firstIndex)) return null;
  if (sequence < 1 || firstIndex < 1) return null;
  return { file, sequence, firstIndex: firstIndex as Index };
}

/** Makes the directory's entries (created, renamed, deleted files) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A segment file as the writer and reader keep it. */
export interface Segment {
  readonly name: SegmentName;
  readonly path: string;
  /** Bytes known durable (recovered, or fsynced by a completed flush). */
  sizeBytes: number;
  /** Opened on the first read back, closed when the segment is deleted. */
  readFd: number | null;
  /** The key that seals its records (from its header), or null for a plaintext segment. */
  readonly key: KeyVersion | null;
}

export async function writeFully(
  handle: FileHandle,
  buffer: Uint8Array,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await handle.write(
      buffer,
      done,
      buffer.length - done,
      position + done,
    );
    assert(bytesWritten > 0, 'write made no progress');
    done += bytesWritten;
  }
}

/** writeFully on the calling thread, for small appends (see INLINE_WRITE_BYTES_MAX). */
export function writeFullySync(fd: number, buffer: Uint8Array, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const bytesWritten = writeSync(fd, buffer, done, buffer.length - done, position + done);
    assert(bytesWritten > 0, 'write made no progress');
    done += bytesWritten;
  }
}
