// After a restart the certification index is rebuilt from the log: the entries of the last
// cert.max_length seqnos (kept in the gcache) replayed with the verdicts they got, which are the
// passes except the failures the store recorded with the applied seqno. The rebuilt index then
// reaches the verdicts every other node reaches. See docs/design/certification.md.
import { decodeWriteSet, type WriteSetLimits } from '../codec/index.js';
import { CertificationIndex } from '../core/certification/certification.js';
import type { Entry } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import { index as asIndex } from '../core/types.js';

export function rebuildCertification(
  window: readonly Entry[],
  failed: ReadonlySet<number>,
  lengthMax: number,
  applied: Index,
  limits: WriteSetLimits,
): CertificationIndex {
  const usable = window.filter((e) => e.index <= applied);
  const first = usable[0];
  const last = usable[usable.length - 1];
  // Without the entries up to the applied seqno there is nothing to rebuild from.
  if (first === undefined || last?.index !== applied)
    return new CertificationIndex(lengthMax, applied);
  const start = asIndex(first.index - 1);
  const index = new CertificationIndex(lengthMax, start);
  for (const entry of usable) {
    const decoded = entry.kind === 'normal' ? decodeWriteSet(entry.data, limits) : null;
    if (decoded === null || !decoded.ok) {
      index.replay(
        { seqno: entry.index, snapshot: asIndex(entry.index - 1), keys: [], toi: null },
        true,
      );
      continue;
    }
    const ws = decoded.value;
    index.replay(
      {
        seqno: entry.index,
        snapshot: asIndex(Math.min(ws.seqnoSnapshot, entry.index - 1)),
        keys: ws.keys,
        toi: ws.flags.toi
          ? ws.statements.map((s) => ({ database: s.database, table: null }))
          : null,
      },
      !failed.has(entry.index),
    );
  }
  return index;
}
