// The hard state (term, vote, commit, forced configuration) in two alternating slots of one
// preallocated file. Each write goes to the slot the newest one is not in, then fdatasync; a
// crash can tear only the slot being written, and the other still holds the previous hard
// state. On open the intact slot with the higher sequence wins. Why not temp file + rename: that
// costs a file fsync and a directory fsync per change; a slot overwrite is one fdatasync of a file
// whose size never changes, issued at the same time as the log's (and only when the term, vote or
// forced configuration changed: gcache.ts holds a commit index that moved alone). See
// docs/design/gcache.md.
//
// Slot layout: u32 payloadBytes, u32 crc32 over [0, 4) and [8, 16 + payloadBytes), u64
// sequence, payload (encodeHardState).
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteReader } from '../codec/bytes.js';
import {
  decodeHardState,
  describeConsensusCodecError,
  encodeHardState,
  type ConsensusLimits,
} from '../codec/consensus.js';
import { crc32Of } from '../codec/crc.js';
import { err, ok, type Result } from '../codec/result.js';
import { assert } from '../core/assert.js';
import type { HardState } from '../core/consensus/types.js';
import type { GCacheOpenError } from './errors.js';
import { HARD_STATE_FILE, HARD_STATE_TEMP_FILE, syncDirectory } from './files.js';

/** A format constant, not a tunable limit: the slots' offsets depend on it. */
export const HARD_STATE_SLOT_BYTES = 512 * 1024;
const SLOT_HEADER_BYTES = 16;
/** Encoded hard state bytes a slot holds. */
export const HARD_STATE_BYTES_MAX = HARD_STATE_SLOT_BYTES - SLOT_HEADER_BYTES;

function encodeSlot(sequence: number, hardState: HardState): Uint8Array {
  const payload = encodeHardState(hardState);
  assert(payload.length <= HARD_STATE_BYTES_MAX, 'hard state larger than its slot');
  const slot = new Uint8Array(SLOT_HEADER_BYTES + payload.length);
  const view = new DataView(slot.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(8, Math.floor(sequence / 0x1_0000_0000));
  view.setUint32(12, sequence % 0x1_0000_0000);
  slot.set(payload, SLOT_HEADER_BYTES);
  view.setUint32(4, slotCrc(slot, slot.length));
  return slot;
}

/** Sequence n lives in slot n mod 2: a write never touches the newest intact slot. */
function slotOffset(sequence: number): number {
  return (sequence % 2) * HARD_STATE_SLOT_BYTES;
}

function slotCrc(bytes: Uint8Array, end: number): number {
  return crc32Of(bytes.subarray(8, end), crc32Of(bytes.subarray(0, 4))) >>> 0;
}

interface Slot {
  readonly sequence: number;
  readonly hardState: HardState;
}

/** The slot's content, or null when it is empty, torn or damaged. */
function decodeSlot(bytes: Uint8Array, limits: ConsensusLimits): Result<Slot, string> | null {
  if (bytes.length < SLOT_HEADER_BYTES) return null;
  const r = new ByteReader(bytes);
  const payloadBytes = r.u32();
  const crc = r.u32();
  const sequence = r.u64Safe();
  if (payloadBytes > HARD_STATE_BYTES_MAX || sequence < 1) return null;
  const end = SLOT_HEADER_BYTES + payloadBytes;
  if (end > bytes.length || crc !== slotCrc(bytes, end)) return null;
  const hardState = decodeHardState(bytes.subarray(SLOT_HEADER_BYTES, end), limits);
  // An intact slot that does not decode is not a torn write: refuse, do not fall back.
  if (!hardState.ok) return err(describeConsensusCodecError(hardState.error));
  return ok({ sequence, hardState: hardState.value });
}

export class HardStateFile {
  private constructor(
    private readonly handle: FileHandle,
    private sequence: number,
  ) {}

  /** Creates the file atomically (temp file, fsync, rename, directory fsync). */
  static async create(dir: string, hardState: HardState): Promise<HardStateFile> {
    const temp = join(dir, HARD_STATE_TEMP_FILE);
    const bytes = new Uint8Array(2 * HARD_STATE_SLOT_BYTES);
    bytes.set(encodeSlot(1, hardState), slotOffset(1));
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, HARD_STATE_FILE));
    await syncDirectory(dir);
    return new HardStateFile(await open(join(dir, HARD_STATE_FILE), 'r+'), 1);
  }

  static async removeTemp(dir: string): Promise<void> {
    await rm(join(dir, HARD_STATE_TEMP_FILE), { force: true });
  }

  static async open(
    dir: string,
    limits: ConsensusLimits,
  ): Promise<Result<{ file: HardStateFile; hardState: HardState }, GCacheOpenError>> {
    const path = join(dir, HARD_STATE_FILE);
    const bytes = await readFile(path);
    const slots: Slot[] = [];
    for (const at of [0, HARD_STATE_SLOT_BYTES]) {
      const slot = decodeSlot(bytes.subarray(at, at + HARD_STATE_SLOT_BYTES), limits);
      if (slot === null) continue;
      if (!slot.ok) return err({ kind: 'bad_hard_state', file: path, detail: slot.error });
      slots.push(slot.value);
    }
    slots.sort((a, b) => b.sequence - a.sequence);
    const newest = slots[0];
    if (newest === undefined)
      return err({ kind: 'bad_hard_state', file: path, detail: 'no intact slot' });
    if (slots[1]?.sequence === newest.sequence)
      return err({ kind: 'bad_hard_state', file: path, detail: 'two slots, one sequence' });
    const file = new HardStateFile(await open(path, 'r+'), newest.sequence);
    return ok({ file, hardState: newest.hardState });
  }

  get sequenceNumber(): number {
    return this.sequence;
  }

  /** Writes the next slot and fdatasyncs it; resolves once it is durable. */
  async write(hardState: HardState): Promise<void> {
    const sequence = this.sequence + 1;
    const slot = encodeSlot(sequence, hardState);
    await this.handle.write(slot, 0, slot.length, slotOffset(sequence));
    await this.handle.datasync();
    this.sequence = sequence;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
