// rejoin.pending: a node that started on an empty datadir under its name keeps this file until
// its log has caught up with what the cluster had committed when a leader first reached it
// (core/consensus/raft.ts, `rejoin`). Until then it grants no vote and never campaigns: what it
// voted for and acknowledged before the datadir was emptied is gone, and a vote of its could
// elect a node without writes the cluster committed with its old acknowledgements. The file
// outlives restarts; it holds the target seqno once known. Design: docs/design/consensus.md.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { index as asIndex, type Index } from '../core/types.js';

const FILE = 'rejoin.pending';

export interface RejoinMarker {
  /** The commit index this node must hold before it votes; null until a leader said it. */
  readonly target: Index | null;
}

/** The marker in `datadir`, or null when there is none (a node that never rejoined, or done). */
export function readRejoinMarker(datadir: string): RejoinMarker | null {
  const path = join(datadir, FILE);
  if (!existsSync(path)) return null;
  const match = /^target:\s*(\d+)\s*$/m.exec(readFileSync(path, 'utf8'));
  return { target: match === null ? null : asIndex(Number(match[1])) };
}

/** Writes the marker durably (file and directory synced): a crash must not lose it. */
export function writeRejoinMarker(datadir: string, marker: RejoinMarker): void {
  const path = join(datadir, FILE);
  const text =
    '# trireme: this node rejoins on an empty datadir; it votes once caught up to target\n' +
    (marker.target === null ? 'target: unknown\n' : `target: ${marker.target}\n`);
  const fd = openSync(`${path}.tmp`, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
  syncDirectory(datadir);
}

export function removeRejoinMarker(datadir: string): void {
  rmSync(join(datadir, FILE), { force: true });
  syncDirectory(datadir);
}

/** Makes the directory's entries (created, renamed, deleted files) durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
