// Shared helpers of the gcache tests: temporary directories, entries, and opening that fails the
// test on an error.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Boundary, Entry, HardState } from '../../src/core/consensus/types.js';
import { index, nodeId, term, type Index } from '../../src/core/types.js';
import {
  DEFAULT_GCACHE_LIMITS,
  describeGCacheError,
  GCache,
  type GCacheLimits,
  type GCacheOptions,
  type Opened,
} from '../../src/gcache/index.js';

export const n1 = nodeId('n1');
export const n2 = nodeId('n2');
export const config = { voters: [n1, n2], learners: [] };

/** A fresh directory under the OS temp dir; removed by the returned cleanup. */
export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-gcache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function entry(i: number, t = 1, dataBytes = 16): Entry {
  const data = new Uint8Array(dataBytes);
  for (let k = 0; k < dataBytes; k++) data[k] = (i * 31 + k + t) & 0xff;
  return {
    index: index(i),
    term: term(t),
    kind: 'normal',
    data,
    config: null,
    origin: n1,
    proposalId: i,
  };
}

export function entries(from: number, to: number, t = 1, dataBytes = 16): Entry[] {
  const result: Entry[] = [];
  for (let i = from; i <= to; i++) result.push(entry(i, t, dataBytes));
  return result;
}

export function hardState(t: number, commit: number, vote: string | null = 'n1'): HardState {
  return {
    term: term(t),
    vote: vote === null ? null : nodeId(vote),
    commit: index(commit),
    forcedConfig: null,
  };
}

export function boundary(i: number, t = 1): Boundary {
  return { index: index(i), term: term(t), config };
}

export const smallSegments: GCacheLimits = { ...DEFAULT_GCACHE_LIMITS, segmentBytes: 4096 };

export async function openOk(dir: string, options: GCacheOptions = {}): Promise<Opened> {
  const opened = await GCache.open(dir, options);
  if (!opened.ok) assert.fail(describeGCacheError(opened.error));
  return opened.value;
}

/** Opens, closes at once, and returns what was recovered. */
export async function recoverOnly(dir: string, options: GCacheOptions = {}): Promise<Opened> {
  const opened = await openOk(dir, options);
  await opened.gcache.close();
  return opened;
}

export function indexes(list: readonly Entry[]): Index[] {
  return list.map((e) => e.index);
}

export function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();
}

export const write = (
  gcache: GCache,
  part: Partial<Parameters<GCache['write']>[0]>,
): Promise<void> =>
  gcache.write({ hardState: null, boundary: null, resetLog: false, entries: [], ...part });
