// Seeded list-append executions for testing the checker: a serial one (valid under every
// model) and snapshot isolation without first-committer-wins (the lost updates Jepsen saw in
// Galera).
import { Xoshiro128 } from '../../../src/core/prng.js';
import type { TxnStatus } from './history.js';
import type { FinalRead, ListAppendOp, ListAppendTxn } from './list-append.js';

export interface GeneratedHistory {
  readonly history: ListAppendTxn[];
  readonly finalReads: FinalRead[];
}

/**
 * A seeded execution: txn i reads the database as of txn i − staleness (plus its own appends)
 * and its appends land at the end of each list. Staleness 0 is a serial execution; more is
 * snapshot isolation without first-committer-wins; there a txn does not read a key after its
 * own append to it (stale snapshot plus own appends fits no order). As in Jepsen's workload, a
 * key retires after `appendsPerKeyMax` appends and a fresh key takes its slot.
 */
export function generateListAppend(
  seed: number,
  txnCount: number,
  keyCount: number,
  staleness: number,
): GeneratedHistory {
  const appendsPerKeyMax = 64;
  const prng = new Xoshiro128(seed);
  const lists: number[][] = [];
  const times: number[][] = [];
  const active = Array.from({ length: keyCount }, (_, slot) => slot);
  const history: ListAppendTxn[] = [];
  let nextValue = 1;
  let nextKey = keyCount;
  const snapshot = (key: number, time: number): number[] => {
    let length = times[key]?.length ?? 0;
    while (length > 0 && times[key]![length - 1]! >= time) length--;
    return lists[key]?.slice(0, length) ?? [];
  };
  for (let i = 0; i < txnCount; i++) {
    const roll = prng.float();
    const status: TxnStatus = roll < 0.9 ? 'ok' : roll < 0.95 ? 'fail' : 'info';
    const applied = status === 'ok' || (status === 'info' && prng.chance(0.5));
    const own = new Map<number, number[]>();
    const ops: ListAppendOp[] = [];
    for (let count = 1 + prng.int(4); count > 0; count--) {
      const slot = prng.int(keyCount);
      const key = active[slot]!;
      const mine = own.get(key) ?? [];
      if (prng.chance(0.5)) {
        // A stale snapshot plus its own appends is no prefix of the key's order: skip the read.
        if (staleness > 0 && mine.length > 0) continue;
        const value = status === 'info' ? null : [...snapshot(key, i - staleness + 1), ...mine];
        ops.push({ f: 'r', key, value });
        continue;
      }
      own.set(key, [...mine, nextValue]);
      ops.push({ f: 'append', key, value: nextValue++ });
      if ((lists[key]?.length ?? 0) + mine.length + 1 >= appendsPerKeyMax) {
        active[slot] = nextKey++;
      }
    }
    if (applied) {
      for (const [key, values] of own) {
        (lists[key] ??= []).push(...values);
        (times[key] ??= []).push(...values.map(() => i));
      }
    }
    history.push({ id: i, process: i % 10, status, ops });
  }
  const finalReads: FinalRead[] = [];
  lists.forEach((value, key) => finalReads.push({ key, value }));
  return { history, finalReads };
}
