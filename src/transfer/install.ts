// Installs a received state while the node is stopped: the database file replaces the node's,
// and the gcache restarts at the donor's boundary with the certification window after it, so
// that the next start recovers exactly as after a crash (docs/design/transfer.md).
import { rename, rm } from 'node:fs/promises';
import type { Entry, HardState } from '../core/consensus/types.js';
import { term as asTerm } from '../core/types.js';
import { describeGCacheError, GCache } from '../gcache/index.js';
import type { StagedState } from './sst.js';

/** Entries are written to the gcache in batches of about this many bytes. */
const installBatchBytes = 32 * 1024 * 1024;

export async function installState(
  staged: StagedState,
  target: { readonly storePath: string; readonly gcacheDir: string },
): Promise<void> {
  const { header, entries } = staged;
  const opened = await GCache.open(target.gcacheDir, {});
  if (!opened.ok) throw new Error(`gcache: ${describeGCacheError(opened.error)}`);
  const gcache = opened.value.gcache;
  try {
    const previous = opened.value.recovered.hardState;
    const lastTerm = entries.length > 0 ? entries[entries.length - 1]!.term : header.term;
    const term = asTerm(Math.max(previous.term, header.term, lastTerm));
    const hardState: HardState = {
      term,
      vote: term === previous.term ? previous.vote : null,
      commit: header.index,
      forcedConfig: null,
    };
    // The database first: a crash between the two steps leaves a store ahead of its log, which
    // the next start repairs by asking for the state again (the log ends below the boundary).
    await rm(`${target.storePath}-wal`, { force: true });
    await rm(`${target.storePath}-shm`, { force: true });
    await rename(staged.dbPath, target.storePath);
    let first = true;
    for (const batch of batches(entries)) {
      await gcache.write({
        hardState: first ? hardState : null,
        boundary: first ? header.boundary : null,
        resetLog: first,
        entries: batch,
      });
      first = false;
    }
    if (first)
      await gcache.write({ hardState, boundary: header.boundary, resetLog: true, entries: [] });
  } finally {
    await gcache.close();
  }
}

function* batches(entries: readonly Entry[]): Generator<Entry[]> {
  let batch: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.kind === 'normal' ? entry.data.length : 256;
    if (batch.length > 0 && bytes + size > installBatchBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
