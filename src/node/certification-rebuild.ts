// After a restart (or on a received state) the certification index is rebuilt from what the
// store kept with the applied seqno: the window's key ids of every passing write-set of the last
// cert.max_length seqnos (`_trireme_cert_window`, written in the same SQLite transactions as the
// rows). A store written before that table existed has none for its older seqnos: those come from
// the log entries still in the gcache, replayed with the verdicts they got (the passes except the
// failures the store recorded). The rebuilt index then reaches the verdicts every other node
// reaches, and the gcache need not keep the window. See docs/design/certification.md.
import { decodeWriteSet, type WriteSetLimits } from '../codec/index.js';
import { CertificationIndex, windowKeysOf } from '../core/certification/certification.js';
import type { Entry } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import { certificationInput } from './apply-plan.js';

export interface KeptWindowItem {
  readonly seqno: number;
  readonly keys: readonly string[];
}

export function rebuildCertification(
  window: readonly Entry[],
  failed: ReadonlySet<number>,
  lengthMax: number,
  applied: Index,
  limits: WriteSetLimits,
  kept: readonly KeptWindowItem[] = [],
): CertificationIndex {
  const horizon = applied - lengthMax;
  const items = new Map<number, readonly string[]>();
  for (const item of kept)
    if (item.seqno > horizon && item.seqno <= applied) items.set(item.seqno, item.keys);
  for (const entry of window) {
    if (entry.index <= horizon || entry.index > applied || items.has(entry.index)) continue;
    if (failed.has(entry.index) || entry.kind !== 'normal') continue;
    const decoded = decodeWriteSet(entry.data, limits);
    if (!decoded.ok) continue;
    items.set(entry.index, windowKeysOf(certificationInput(entry.index, decoded.value)));
  }
  const ordered = [...items.entries()]
    .sort(([a], [b]) => a - b)
    .map(([seqno, keys]) => ({ seqno, keys }));
  return CertificationIndex.restore(lengthMax, applied, ordered);
}
