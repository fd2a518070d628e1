// From committed log entries to what the store must do: decode each write-set, certify it (a pure
// function of the log, so every node agrees), and group the passing ones into batches applied in
// one SQLite transaction each, with TOI (DDL) write-sets applied alone at their place. Entries that
// carry no write-set (noops, configuration changes) and write-sets that failed certification still
// advance the applied seqno. The same plan serves the node runtime and the simulator.
import {
  decodeWriteSet,
  describeWriteSetError,
  type WriteSet,
  type WriteSetLimits,
} from '../codec/index.js';
import {
  CertificationIndex,
  type CertificationInput,
  type TableRef,
  type Verdict,
} from '../core/certification/certification.js';
import type { Entry } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';
import type { ApplyItem } from '../storage/index.js';

export type ApplyStep =
  | { readonly kind: 'batch'; readonly items: readonly ApplyItem[] }
  | {
      readonly kind: 'toi';
      readonly seqno: Index;
      readonly writeSet: WriteSet;
      /** What it left in the certification window, to keep with its seqno. */
      readonly certKeys: readonly string[] | null;
    };

export type EntryVerdict =
  | { readonly kind: 'passed'; readonly seqno: Index }
  | { readonly kind: 'failed'; readonly seqno: Index; readonly reason: string }
  /** Bytes that do not decode: a bug or corruption; the node must stop rather than diverge. */
  | { readonly kind: 'undecodable'; readonly seqno: Index; readonly reason: string };

export interface ApplyPlan {
  readonly steps: readonly ApplyStep[];
  /** Verdicts of the write-sets this node originated, by seqno (their sessions wait for them). */
  readonly own: ReadonlyMap<number, EntryVerdict>;
  /** The first undecodable entry, if any; the plan stops before it. */
  readonly fatal: EntryVerdict | null;
}

export function planApply(
  entries: readonly Entry[],
  certification: CertificationIndex,
  self: string,
  limits: WriteSetLimits,
): ApplyPlan {
  const steps: ApplyStep[] = [];
  const own = new Map<number, EntryVerdict>();
  let items: ApplyItem[] = [];
  const flush = (): void => {
    if (items.length > 0) steps.push({ kind: 'batch', items });
    items = [];
  };
  for (const entry of entries) {
    if (entry.kind !== 'normal') {
      // Certification numbers every entry, so its window stays gap-free.
      certification.certify({
        seqno: entry.index,
        snapshot: (entry.index - 1) as Index,
        keys: [],
        toi: null,
      });
      items.push(
        entry.kind === 'config'
          ? { seqno: entry.index, writeSet: null, configChange: true }
          : { seqno: entry.index, writeSet: null },
      );
      continue;
    }
    const decoded = decodeWriteSet(entry.data, limits);
    if (!decoded.ok) {
      const fatal: EntryVerdict = {
        kind: 'undecodable',
        seqno: entry.index,
        reason: describeWriteSetError(decoded.error),
      };
      flush();
      return { steps, own, fatal };
    }
    const ws = decoded.value;
    const verdict = certification.certify(certificationInput(entry.index, ws));
    if (entry.origin === self) own.set(entry.index, verdictOf(entry.index, verdict));
    // The window's part of a passing write-set is kept with its seqno: a restart rebuilds the
    // window from the store, not from the gcache, so gcache.size alone bounds the log.
    const certKeys = verdict.ok ? certification.recordedAt(entry.index) : null;
    if (!verdict.ok) {
      items.push({ seqno: entry.index, writeSet: null, certFailed: true });
    } else if (ws.flags.toi) {
      flush();
      steps.push({ kind: 'toi', seqno: entry.index, writeSet: ws, certKeys });
    } else if (certKeys === null) {
      items.push({ seqno: entry.index, writeSet: ws });
    } else {
      items.push({ seqno: entry.index, writeSet: ws, certKeys });
    }
  }
  flush();
  return { steps, own, fatal: null };
}

/** What certification sees of the write-set at `seqno`: the same on every node and on a rebuild. */
export function certificationInput(seqno: Index, ws: WriteSet): CertificationInput {
  const input = {
    seqno,
    snapshot: Math.min(ws.seqnoSnapshot, seqno - 1) as Index,
    keys: ws.keys,
    toi: ws.flags.toi ? toiTables(ws) : null,
  };
  return ws.flags.toi
    ? { ...input, identity: `${ws.originNodeId}\u0000${ws.originTransactionId}` }
    : input;
}

/** The tables a TOI write-set changes: its keys name them; without keys, its whole databases. */
export function toiTables(ws: WriteSet): TableRef[] {
  if (ws.keys.length > 0) {
    return ws.keys.map((k) => ({ database: k.database, table: k.table === '' ? null : k.table }));
  }
  return ws.statements.map((s) => ({ database: s.database, table: null }));
}

function verdictOf(seqno: Index, verdict: Verdict): EntryVerdict {
  if (verdict.ok) return { kind: 'passed', seqno };
  if (verdict.reason === 'too_old') {
    return {
      kind: 'failed',
      seqno,
      reason: `snapshot ${verdict.snapshot} is older than cert.max_length ${verdict.lengthMax}`,
    };
  }
  return {
    kind: 'failed',
    seqno,
    reason: `conflicts with seqno ${verdict.conflictSeqno} on ${verdict.database}.${verdict.table}`,
  };
}
