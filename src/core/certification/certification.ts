// Certification: a pure, deterministic function of the ordered log. A write-set with snapshot
// seqno s and seqno n fails iff a write-set with seqno in (s, n) that passed certification wrote a
// key it overlaps (first committer wins), or a TOI (DDL) write-set in (s, n) touched one of its
// tables. Every node runs it on the same log in the same order and reaches the same verdict.
// See docs/design/certification.md.
import { assert } from '../assert.js';
import type { Index } from '../types.js';
import { index as asIndex } from '../types.js';

export interface CertificationKey {
  readonly database: string;
  readonly table: string;
  readonly keyBytes: Uint8Array;
  /** Written rows and SELECT … FOR UPDATE are exclusive; LOCK IN SHARE MODE reads are shared. */
  readonly exclusive: boolean;
}

/** What a TOI write-set covers: a table, or (table null) a whole database. */
export interface TableRef {
  readonly database: string;
  readonly table: string | null;
}

export interface CertificationInput {
  readonly seqno: Index;
  /** The applied seqno the transaction read from. */
  readonly snapshot: Index;
  readonly keys: readonly CertificationKey[];
  /** Set for TOI (DDL) write-sets: the tables and databases they change. */
  readonly toi: readonly TableRef[] | null;
  /**
   * A TOI's origin node and transaction id. A TOI passes unless the same identity passed after
   * its snapshot: a later copy of a DDL its origin proposed again to a new leader (the first may
   * have reached the log after all) fails on every node, so the DDL runs once.
   */
  readonly identity?: string;
}

export type Verdict =
  | { readonly ok: true; readonly dependsOn: Index }
  | {
      readonly ok: false;
      readonly reason: 'conflict';
      readonly conflictSeqno: Index;
      readonly database: string;
      readonly table: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'too_old';
      readonly snapshot: Index;
      readonly lengthMax: number;
    };

export interface CertificationStats {
  readonly certified: number;
  readonly failures: number;
  /** Average distance between a passing write-set and the newest one it depends on. */
  readonly depsDistanceAverage: number;
  /**
   * Average number of write-sets ordered between a write-set's snapshot and its own seqno (those
   * it was certified against): Galera's wsrep_cert_interval.
   */
  readonly intervalAverage: number;
  readonly indexedKeys: number;
}

/** Planted faults, switched on only by the simulator to prove its checker. */
export interface CertificationCanary {
  /** Write-sets pass a TOI (DDL) that changed their tables after their snapshot. */
  readonly toiIgnored?: boolean;
}

/** Galera's cert.max_length default: snapshots further behind than this fail. */
export const certMaxLengthDefault = 16_384;

export class CertificationIndex {
  private readonly lastWrite = new Map<string, number>();
  private readonly lastToi = new Map<string, number>();
  /**
   * Keys written per passing seqno, oldest first from `windowStart`, so entries past the window
   * can be purged. Purged entries are cut off in chunks: at cert.max_length entries the array's
   * backing store is too large for V8 to trim in place, and a shift() per commit copied it all.
   */
  private readonly window: Array<{ seqno: number; keys: string[] }> = [];
  private windowStart = 0;
  private lastSeqno: number;
  private certified = 0;
  private failures = 0;
  private depsDistanceSum = 0;
  private intervalSum = 0;
  private passed = 0;

  constructor(
    private readonly lengthMax: number = certMaxLengthDefault,
    /** Certification resumes after this seqno (e.g. after a state transfer). */
    startAfter: Index = asIndex(0),
    private readonly canary: CertificationCanary = {},
  ) {
    assert(Number.isInteger(lengthMax) && lengthMax > 0, 'cert.max_length must be positive');
    this.lastSeqno = startAfter;
  }

  certify(input: CertificationInput): Verdict {
    assert(
      input.seqno === this.lastSeqno + 1,
      `certification is gap-free (${input.seqno} after ${this.lastSeqno})`,
    );
    assert(input.snapshot < input.seqno, 'a snapshot precedes its own write-set');
    this.lastSeqno = input.seqno;
    this.certified++;
    this.intervalSum += input.seqno - input.snapshot - 1;
    this.purge(input.seqno);
    const verdict = this.decide(input);
    if (verdict.ok) this.record(input, verdict.dependsOn);
    else this.failures++;
    return verdict;
  }

  /** The seqno certified last. */
  get seqno(): Index {
    return asIndex(this.lastSeqno);
  }

  /**
   * A copy of the whole index, to persist with the applied seqno or to ship with a state transfer:
   * a node that certifies from a copy reaches the same verdicts as the node it was copied from.
   */
  copy(): CertificationIndex {
    const twin = new CertificationIndex(this.lengthMax, asIndex(this.lastSeqno), this.canary);
    for (const [k, v] of this.lastWrite) twin.lastWrite.set(k, v);
    for (const [k, v] of this.lastToi) twin.lastToi.set(k, v);
    for (let i = this.windowStart; i < this.window.length; i++) {
      const item = this.window[i]!;
      twin.window.push({ seqno: item.seqno, keys: [...item.keys] });
    }
    twin.certified = this.certified;
    twin.failures = this.failures;
    twin.depsDistanceSum = this.depsDistanceSum;
    twin.intervalSum = this.intervalSum;
    twin.passed = this.passed;
    return twin;
  }

  /**
   * Records a write-set whose verdict is already known (rebuilding the index after a restart from
   * the log and the persisted failures): no decision, just bookkeeping.
   */
  replay(input: CertificationInput, passed: boolean): void {
    assert(
      input.seqno === this.lastSeqno + 1,
      `replay is gap-free (${input.seqno} after ${this.lastSeqno})`,
    );
    this.lastSeqno = input.seqno;
    this.certified++;
    this.intervalSum += input.seqno - input.snapshot - 1;
    this.purge(input.seqno);
    if (passed) this.record(input, input.snapshot);
    else this.failures++;
  }

  stats(): CertificationStats {
    return {
      certified: this.certified,
      failures: this.failures,
      depsDistanceAverage: this.passed === 0 ? 0 : this.depsDistanceSum / this.passed,
      intervalAverage: this.certified === 0 ? 0 : this.intervalSum / this.certified,
      indexedKeys: this.lastWrite.size,
    };
  }

  private decide(input: CertificationInput): Verdict {
    if (input.seqno - input.snapshot > this.lengthMax) {
      return { ok: false, reason: 'too_old', snapshot: input.snapshot, lengthMax: this.lengthMax };
    }
    // DDL runs in total order isolation: it passes, and it fails what ran concurrently with it;
    // only a copy of one that already passed fails.
    if (input.toi !== null) {
      const first =
        input.identity === undefined ? 0 : (this.lastWrite.get(identityId(input.identity)) ?? 0);
      if (first > input.snapshot)
        return {
          ok: false,
          reason: 'conflict',
          conflictSeqno: asIndex(first),
          database: '',
          table: '',
        };
      return { ok: true, dependsOn: input.snapshot };
    }
    let dependsOn: number = input.snapshot;
    for (const key of input.keys) {
      const toi = Math.max(
        this.lastToi.get(tableId(key.database, key.table)) ?? 0,
        this.lastToi.get(tableId(key.database, null)) ?? 0,
      );
      if (toi > input.snapshot && this.canary.toiIgnored !== true) return conflict(toi, key);
      const written = this.lastWrite.get(keyId(key)) ?? 0;
      if (written > input.snapshot) return conflict(written, key);
      if (written > dependsOn) dependsOn = written;
    }
    return { ok: true, dependsOn: asIndex(dependsOn) };
  }

  /**
   * The ids the write-set at `seqno` left in the window, if it is the newest one that left any:
   * what the store keeps beside the applied seqno so a restart can rebuild the window without the
   * log (docs/design/certification.md, "The window apart from the gcache").
   */
  recordedAt(seqno: Index): readonly string[] | null {
    const last = this.window.length > this.windowStart ? this.window.at(-1) : undefined;
    return last !== undefined && last.seqno === seqno ? last.keys : null;
  }

  /**
   * An index that certifies after `lastSeqno` as the one whose window held `items` (ids as
   * `recordedAt` gave them, oldest first; those at or below `lastSeqno - lengthMax` are dropped).
   */
  static restore(
    lengthMax: number,
    lastSeqno: Index,
    items: readonly { readonly seqno: number; readonly keys: readonly string[] }[],
  ): CertificationIndex {
    const restored = new CertificationIndex(lengthMax, lastSeqno);
    let previous = -1;
    for (const item of items) {
      assert(item.seqno > previous, 'restored window in seqno order');
      assert(item.seqno <= lastSeqno, 'restored window within the applied seqnos');
      previous = item.seqno;
      if (item.seqno <= lastSeqno - lengthMax || item.keys.length === 0) continue;
      restored.window.push({ seqno: item.seqno, keys: [...item.keys] });
      for (const id of item.keys) {
        if (id.startsWith(toiPrefix)) restored.lastToi.set(id.slice(toiPrefix.length), item.seqno);
        else restored.lastWrite.set(id, item.seqno);
      }
    }
    return restored;
  }

  private record(input: CertificationInput, dependsOn: Index): void {
    this.passed++;
    this.depsDistanceSum += input.seqno - dependsOn;
    const written = windowKeysOf(input);
    for (const id of written) {
      if (id.startsWith(toiPrefix)) this.lastToi.set(id.slice(toiPrefix.length), input.seqno);
      else this.lastWrite.set(id, input.seqno);
    }
    if (written.length > 0) this.window.push({ seqno: input.seqno, keys: written });
  }

  /** Entries older than the window can never cause a conflict again: drop them (bounded memory). */
  private purge(seqno: number): void {
    const horizon = seqno - this.lengthMax;
    while (
      this.windowStart < this.window.length &&
      this.window[this.windowStart]!.seqno <= horizon
    ) {
      const { seqno: old, keys } = this.window[this.windowStart]!;
      this.windowStart++;
      for (const id of keys) {
        if (id.startsWith(toiPrefix)) {
          const table = id.slice(toiPrefix.length);
          if (this.lastToi.get(table) === old) this.lastToi.delete(table);
        } else if (this.lastWrite.get(id) === old) {
          this.lastWrite.delete(id);
        }
      }
    }
    // Amortized: one copy of the live window per windowCutMin purged entries.
    if (this.windowStart >= windowCutMin) {
      this.window.splice(0, this.windowStart);
      this.windowStart = 0;
    }
  }
}

/** Purged window entries are cut off the array once there are this many. */
const windowCutMin = 1024;

/** Marks a TOI's table among key ids: a key id starts with its database name, never with NUL. */
const toiPrefix = '\u0000toi\u0000';

/** Marks a TOI's identity among key ids (CertificationInput.identity). */
const identityPrefix = '\u0000ddl\u0000';

function identityId(identity: string): string {
  return `${identityPrefix}${identity}`;
}

/**
 * The ids a passing write-set leaves in the window: its exclusive keys, a TOI's tables, and a
 * TOI's identity.
 */
export function windowKeysOf(input: CertificationInput): string[] {
  const written: string[] = [];
  for (const key of input.keys) if (key.exclusive) written.push(keyId(key));
  for (const ref of input.toi ?? [])
    written.push(`${toiPrefix}${tableId(ref.database, ref.table)}`);
  if (input.toi !== null && input.identity !== undefined) written.push(identityId(input.identity));
  return written;
}

function conflict(seqno: number, key: CertificationKey): Verdict {
  return {
    ok: false,
    reason: 'conflict',
    conflictSeqno: asIndex(seqno),
    database: key.database,
    table: key.table,
  };
}

function tableId(database: string, table: string | null): string {
  return `${database}\u0000${table ?? '*'}`;
}

function keyId(key: CertificationKey): string {
  let bytes = '';
  for (let i = 0; i < key.keyBytes.length; i++) bytes += String.fromCharCode(key.keyBytes[i]!);
  return `${key.database}\u0000${key.table}\u0000${bytes}`;
}
