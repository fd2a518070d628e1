// Goal: the in-memory Raft log keeps its indexes exact at every edge — recovery, terms at and
// around the boundary, slicing by count and bytes, truncation at the first conflict, hand-outs for
// persisting and applying, conflict hints, compaction and reset. Method: direct calls on small
// logs, each expected value worked out by hand (the mutants docs/design/mutation.md lists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RaftLog } from '../../src/core/consensus/log.js';
import type { Entry } from '../../src/core/consensus/types.js';
import { index, nodeId, term } from '../../src/core/types.js';

const config = { voters: [nodeId('n1')], learners: [] };

function entry(i: number, t: number, bytes = 0): Entry {
  return {
    index: index(i),
    term: term(t),
    kind: 'normal',
    data: new Uint8Array(bytes),
    config: null,
    origin: null,
    proposalId: 0,
  };
}

/** A log after `boundary` (index, term) holding entries of the given terms. */
function makeLog(
  terms: number[],
  options: { boundary?: [number, number]; commit?: number; applied?: number; bytes?: number } = {},
): RaftLog {
  const [bi, bt] = options.boundary ?? [0, 0];
  const entries = terms.map((t, i) => entry(bi + 1 + i, t, options.bytes ?? 0));
  return new RaftLog(
    { index: index(bi), term: term(bt), config },
    entries,
    index(options.commit ?? bi),
    index(options.applied ?? bi),
  );
}

const indexes = (entries: readonly Entry[]): number[] => entries.map((e) => e.index);

test('a recovered log is durable up to its end, nothing to persist, commit and applied kept', () => {
  const log = makeLog([1, 1, 2], { boundary: [4, 1], commit: 6, applied: 5 });
  assert.equal(log.firstIndex(), 5);
  assert.equal(log.lastIndex(), 7);
  assert.equal(log.lastTerm(), 2);
  assert.equal(log.stableIndex, 7);
  assert.equal(log.unstableFrom, 8);
  assert.deepEqual(log.takeUnstable(), [], 'a recovered log is already on disk');
  assert.equal(log.commit, 6);
  assert.equal(log.applied, 5);
  assert.equal(log.emittedApply, 5);
  assert.deepEqual(indexes(log.takeCommitted(1 << 20, 0)), [6], 'only 6 is left to apply');
});

test('a recovered commit and applied index are clamped to the log and the boundary', () => {
  const short = makeLog([1, 1], { commit: 5, applied: 4 });
  assert.equal(short.commit, 2, 'commit cannot be beyond the recovered end');
  assert.equal(short.applied, 2);
  const compacted = makeLog([1], { boundary: [10, 1], commit: 3, applied: 3 });
  assert.equal(compacted.applied, 10, 'applied is at least the boundary');
  assert.equal(compacted.commit, 10, 'commit is at least what is applied');
  const behind = makeLog([1, 1, 1], { commit: 1, applied: 3 });
  assert.equal(behind.commit, 3, 'what was applied was committed');
});

test('an empty log answers with its boundary', () => {
  const log = makeLog([], { boundary: [3, 2] });
  assert.equal(log.lastIndex(), 3);
  assert.equal(log.lastTerm(), 2);
  assert.equal(log.firstIndex(), 4);
  assert.equal(log.termAt(3), 2);
  assert.equal(log.termAt(4), null);
  assert.equal(log.termAt(2), null, 'compacted away');
});

test('termAt and matchTerm at, inside and past the ends', () => {
  const log = makeLog([2, 3, 3], { boundary: [1, 1] });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => log.termAt(i)),
    [null, 1, 2, 3, 3, null],
  );
  assert.equal(log.matchTerm(index(1), term(1)), true);
  assert.equal(log.matchTerm(index(2), term(2)), true);
  assert.equal(log.matchTerm(index(2), term(3)), false);
  assert.equal(log.matchTerm(index(5), term(3)), false);
  assert.equal(log.entryAt(3).term, 3);
  assert.throws(() => log.entryAt(5), /no entry/);
});

test('up-to-date: a higher last term, or the same last term and at least as long', () => {
  const log = makeLog([1, 2, 2]);
  const cases: Array<[number, number, boolean]> = [
    [3, 2, true],
    [4, 2, true],
    [2, 2, false],
    [1, 3, true],
    [9, 1, false],
  ];
  for (const [lastIndex, lastTerm, expected] of cases) {
    assert.equal(
      log.isUpToDate(index(lastIndex), term(lastTerm)),
      expected,
      `${lastIndex}/${lastTerm}`,
    );
  }
});

test('slice returns the range, stops at the byte budget, and always returns one entry', () => {
  const log = makeLog([1, 1, 1, 1, 1], { bytes: 10 });
  assert.deepEqual(indexes(log.slice(2, 4, 1000, 0)), [2, 3, 4]);
  assert.deepEqual(indexes(log.slice(1, 5, 30, 0)), [1, 2, 3], 'exactly at the budget');
  assert.deepEqual(indexes(log.slice(1, 5, 29, 0)), [1, 2]);
  assert.deepEqual(indexes(log.slice(1, 5, 30, 1)), [1, 2], 'the overhead counts');
  assert.deepEqual(indexes(log.slice(3, 5, 1, 0)), [3], 'one entry even over the budget');
  assert.deepEqual(indexes(log.slice(5, 5, 1000, 0)), [5]);
  assert.throws(() => log.slice(0, 2, 1000, 0), /below the compaction boundary/);
  assert.throws(() => log.slice(1, 6, 1000, 0), /beyond the end/);
});

test('appendFromLeader keeps matching entries, truncates at the first conflict, reports it', () => {
  const log = makeLog([1, 1, 2, 2]);
  assert.equal(log.appendFromLeader([entry(2, 1), entry(3, 2)]), null, 'all already there');
  assert.equal(log.lastIndex(), 4, 'a stale shorter append truncates nothing');
  assert.equal(log.appendFromLeader([entry(3, 2), entry(4, 3), entry(5, 3)]), 4);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((i) => log.termAt(i)),
    [1, 1, 2, 3, 3],
  );
  assert.equal(log.stableIndex, 3, 'the overwritten tail is no longer durable');
  assert.equal(log.appendFromLeader([entry(6, 3)]), 6, 'a plain extension');
  assert.equal(log.lastIndex(), 6);
});

test('appendFromLeader skips entries at or below the boundary', () => {
  const log = makeLog([2], { boundary: [3, 2] });
  assert.equal(log.appendFromLeader([entry(2, 1), entry(3, 2), entry(4, 2), entry(5, 2)]), 5);
  assert.equal(log.lastIndex(), 5);
});

test('appendFromLeader never overwrites a committed entry', () => {
  const log = makeLog([1, 1, 1], { commit: 2 });
  assert.throws(() => log.appendFromLeader([entry(2, 2)]), /committed/);
  assert.equal(log.appendFromLeader([entry(3, 2)]), 3, 'just above the commit is allowed');
});

test('truncation pulls back what is durable and what is still to persist', () => {
  const log = makeLog([1, 1]);
  log.append(entry(3, 1));
  log.append(entry(4, 1));
  assert.equal(log.unstableFrom, 3);
  log.truncateFrom(index(4));
  assert.equal(log.lastIndex(), 3);
  assert.equal(log.unstableFrom, 3, 'unchanged: still below the cut');
  assert.equal(log.stableIndex, 2, 'unchanged: below the cut');
  log.truncateFrom(index(2));
  assert.equal(log.lastIndex(), 1);
  assert.equal(log.unstableFrom, 2);
  assert.equal(log.stableIndex, 1);
  log.truncateFrom(index(5));
  assert.equal(log.lastIndex(), 1, 'a cut past the end changes nothing');
  assert.throws(() => log.append(entry(3, 1)), /contiguous/);
});

test('takeUnstable hands out each new entry once', () => {
  const log = makeLog([1]);
  log.append(entry(2, 1));
  log.append(entry(3, 1));
  assert.deepEqual(indexes(log.takeUnstable()), [2, 3]);
  assert.deepEqual(log.takeUnstable(), []);
  log.append(entry(4, 1));
  assert.deepEqual(indexes(log.takeUnstable()), [4]);
});

test('takeCommitted hands out committed entries once, in byte-bounded batches', () => {
  const log = makeLog([1, 1, 1, 1], { bytes: 10 });
  assert.deepEqual(log.takeCommitted(1000, 0), [], 'nothing committed');
  log.commit = index(3);
  assert.deepEqual(indexes(log.takeCommitted(20, 0)), [1, 2]);
  assert.equal(log.emittedApply, 2);
  assert.deepEqual(indexes(log.takeCommitted(20, 0)), [3]);
  assert.deepEqual(log.takeCommitted(20, 0), []);
  log.commit = index(4);
  assert.deepEqual(indexes(log.takeCommitted(20, 0)), [4]);
});

test('findConflictByTerm: the last index at or below upTo whose term is at most the given term', () => {
  const log = makeLog([1, 1, 3, 3, 5], { boundary: [2, 1] });
  // indexes 3..7 have terms 1 1 3 3 5; the boundary is (2, 1).
  const cases: Array<[number, number, [number, number]]> = [
    [7, 5, [7, 5]],
    [7, 4, [6, 3]],
    [7, 3, [6, 3]],
    [5, 3, [5, 3]],
    [7, 2, [4, 1]],
    [4, 1, [4, 1]],
    [7, 0, [2, 1]],
    [9, 9, [7, 5]],
  ];
  for (const [upTo, t, expected] of cases) {
    const found = log.findConflictByTerm(index(upTo), term(t));
    assert.deepEqual([found.index, found.term], expected, `upTo ${upTo}, term ${t}`);
  }
});

test('compact drops entries up to an applied index and keeps the term at the boundary', () => {
  const log = makeLog([1, 2, 3, 4], { commit: 4, applied: 3 });
  log.compact(index(2));
  assert.equal(log.boundaryIndex, 2);
  assert.equal(log.boundaryTerm, 2);
  assert.equal(log.termAt(2), 2);
  assert.equal(log.termAt(1), null);
  assert.equal(log.entryAt(3).term, 3);
  assert.equal(log.lastIndex(), 4);
  log.compact(index(1));
  assert.equal(log.boundaryIndex, 2, 'compacting below the boundary changes nothing');
  log.compact(index(3));
  assert.equal(log.boundaryTerm, 3);
  assert.deepEqual(indexes(log.slice(4, 4, 1000, 0)), [4]);
  assert.throws(() => log.compact(index(4)), /beyond the applied/);
});

test('reset replaces everything with a copied state', () => {
  const log = makeLog([1, 1, 1], { commit: 1, applied: 1 });
  log.append(entry(4, 2));
  log.reset(index(10), term(3));
  assert.equal(log.lastIndex(), 10);
  assert.equal(log.lastTerm(), 3);
  assert.equal(log.stableIndex, 10);
  assert.equal(log.unstableFrom, 11);
  assert.deepEqual(log.takeUnstable(), []);
  assert.equal(log.commit, 10);
  assert.equal(log.emittedApply, 10);
  assert.equal(log.applied, 10);
  assert.deepEqual(log.takeCommitted(1000, 0), []);
  log.append(entry(11, 3));
  assert.deepEqual(indexes(log.takeUnstable()), [11]);
});
