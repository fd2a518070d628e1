// Goal: the list-append and bank checkers report each anomaly they promise, name it in words, and
// stay silent and fast on valid histories. Method: hand-written histories, one per anomaly kind
// (including the MDEV-38977 shapes), plus seeded generated executions of 20k transactions, serial
// (must be clean) and snapshot-isolation-without-first-committer-wins (must show lost updates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { checkBank, type BankFinalRead, type BankResult, type BankTxn } from './bank.js';
import {
  checkListAppend,
  type FinalRead,
  type Key,
  type ListAppendOp,
  type ListAppendOptions,
  type ListAppendResult,
  type ListAppendTxn,
} from './list-append.js';
import { generateListAppend } from './generate.js';
import type { TxnStatus } from './history.js';

const r = (key: Key, value: readonly number[] | null): ListAppendOp => ({ f: 'r', key, value });
const a = (key: Key, value: number): ListAppendOp => ({ f: 'append', key, value });

function txn(id: number, ops: readonly ListAppendOp[], status: TxnStatus = 'ok'): ListAppendTxn {
  return { id, process: id, status, ops };
}

function final(entries: Record<string, readonly number[]>): FinalRead[] {
  return Object.entries(entries).map(([key, value]) => ({ key, value }));
}

const SI = { model: 'snapshot-isolation' } as const satisfies ListAppendOptions;

function check(
  history: readonly ListAppendTxn[],
  finalReads: readonly FinalRead[] = [],
  options: Partial<ListAppendOptions> = {},
): ListAppendResult {
  return checkListAppend(history, { ...SI, finalReads, ...options });
}

function kinds(result: ListAppendResult): string[] {
  return result.anomalies.map((anomaly) => anomaly.kind).sort();
}

function only(result: ListAppendResult, kind: string): { txns: readonly unknown[]; text: string } {
  const found = result.anomalies.filter((anomaly) => anomaly.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in ${JSON.stringify(result.anomalies, null, 1)}`);
  return { txns: found[0]!.txns, text: found[0]!.explanation };
}

test('a valid serial history has no anomalies', () => {
  const history = [
    txn(1, [a('x', 1), a('y', 10)]),
    txn(2, [r('x', [1]), a('x', 2), r('x', [1, 2]), r('y', [10])]),
    txn(3, [r('y', [10]), r('x', [1, 2]), a('y', 11)]),
    txn(4, [r('x', [1, 2]), r('y', [10, 11])]),
    txn(5, [a('x', 3)], 'fail'),
    txn(6, [a('z', 100), r('z', null)], 'info'),
  ];
  const result = check(history, final({ x: [1, 2], y: [10, 11], z: [] }));
  assert.deepEqual(result.anomalies, []);
  assert.deepEqual(result.allowed, []);
  assert.equal(result.valid, true);
  assert.equal(result.stats.txnsCommitted, 4);
  assert.ok(result.stats.edges.ww > 0 && result.stats.edges.wr > 0 && result.stats.edges.rw > 0);
});

test('G0: two transactions append to two keys in opposite orders', () => {
  const history = [txn(1, [a('x', 1), a('y', 1)]), txn(2, [a('x', 2), a('y', 2)])];
  const result = check(history, final({ x: [1, 2], y: [2, 1] }));
  assert.deepEqual(kinds(result), ['G0']);
  const g0 = only(result, 'G0');
  assert.deepEqual([...g0.txns].sort(), [1, 2]);
  assert.match(g0.text, /T1 appended 1 to key x and T2 appended 2 right after it \(ww\)/);
  assert.match(g0.text, /T2 appended 2 to key y and T1 appended 1 right after it \(ww\)/);
});

test('G1a: a committed read observes an append of an aborted transaction', () => {
  const history = [txn(1, [a('x', 1)], 'fail'), txn(2, [r('x', [1])])];
  const result = check(history);
  assert.deepEqual(kinds(result), ['G1a']);
  const g1a = only(result, 'G1a');
  assert.deepEqual(g1a.txns, [1, 2]);
  assert.match(g1a.text, /T1 appended 1 to key x and aborted, yet T2 read it/);
});

test('G1b: a read ends at an append its writer later superseded', () => {
  const history = [txn(1, [a('x', 1), a('x', 2)]), txn(2, [r('x', [1])])];
  const result = check(history, final({ x: [1, 2] }));
  assert.deepEqual(kinds(result), ['G1b']);
  assert.match(only(result, 'G1b').text, /T2 read key x ending at 1, which T1 appended/);
});

test('G1c: each transaction reads the other one’s append', () => {
  const history = [txn(1, [a('x', 1), r('y', [2])]), txn(2, [a('y', 2), r('x', [1])])];
  const result = check(history, final({ x: [1], y: [2] }));
  assert.deepEqual(kinds(result), ['G1c']);
  const g1c = only(result, 'G1c');
  assert.match(g1c.text, /T1 appended 1 to key x and T2 read it \(wr\)/);
  assert.match(g1c.text, /T2 appended 2 to key y and T1 read it \(wr\)/);
});

test('G-single, the MDEV-38977 read skew: T1 reads x before and y after T2 updated both', () => {
  const history = [
    txn(0, [a('x', 1), a('y', 2)]),
    txn(2, [r('x', [1]), r('y', [2]), a('x', 3), a('y', 4)]),
    txn(1, [r('x', [1]), r('y', [2, 4])]),
  ];
  const result = check(history, final({ x: [1, 3], y: [2, 4] }));
  assert.deepEqual(kinds(result), ['G-single']);
  const single = only(result, 'G-single');
  assert.deepEqual([...single.txns].sort(), [1, 2]);
  assert.match(single.text, /T1 read key x ending at 1 and missed T2's append of 3.*\(rw\)/);
  assert.match(single.text, /T2 appended 4 to key y and T1 read it \(wr\)/);
  assert.match(single.text, /^T1 → T2 → T1: .*exactly one anti-dependency/);
  assert.equal(result.valid, false);
});

test('G-single and lost update, the MDEV-38977 key-665 shape: an append slips in between', () => {
  // T11 read [2 3 5] twice and appended 6, yet the final read shows [2 3 5 10 6].
  const history = [
    txn(10, [a(665, 2), a(665, 3), a(665, 5)]),
    txn(11, [r(665, [2, 3, 5]), r(665, [2, 3, 5]), a(665, 6)]),
    txn(12, [r(665, [2, 3, 5]), a(665, 10)]),
  ];
  const result = check(history, [{ key: 665, value: [2, 3, 5, 10, 6] }]);
  assert.deepEqual(kinds(result), ['G-single', 'lost-update']);
  const lost = only(result, 'lost-update');
  assert.deepEqual(lost.txns, [11, 12]);
  assert.match(lost.text, /T11 appended 6; T12 appended 10/);
  assert.match(only(result, 'G-single').text, /T11 read key 665 ending at 5 and missed T12's/);
});

test('lost update: two committed transactions both read [1] of k and both append', () => {
  const history = [
    txn(1, [a('k', 1)]),
    txn(2, [r('k', [1]), a('k', 2)]),
    txn(3, [r('k', [1]), a('k', 3)]),
  ];
  const result = check(history, final({ k: [1, 2, 3] }));
  assert.deepEqual(kinds(result), ['G-single', 'lost-update']);
  assert.deepEqual(only(result, 'lost-update').txns, [2, 3]);
  assert.match(only(result, 'lost-update').text, /read the same version of key k = \[1\]/);
});

test('write skew (G2-item) is allowed under snapshot isolation but listed', () => {
  const history = [
    txn(1, [r('x', []), r('y', []), a('x', 1)]),
    txn(2, [r('x', []), r('y', []), a('y', 2)]),
  ];
  const finals = final({ x: [1], y: [2] });
  const si = check(history, finals);
  assert.equal(si.valid, true);
  assert.deepEqual(si.anomalies, []);
  assert.equal(si.allowed.length, 1);
  assert.equal(si.allowed[0]!.kind, 'G2-item');
  assert.match(si.allowed[0]!.explanation, /write skew/);
  const serializable = check(history, finals, { model: 'serializable' });
  assert.equal(serializable.valid, false);
  assert.deepEqual(kinds(serializable), ['G2-item']);
});

test('G-nonadjacent: two rw edges that never meet are forbidden under snapshot isolation', () => {
  // T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1: a long fork.
  const history = [
    txn(1, [r('a', []), r('d', [4])]),
    txn(2, [a('a', 1), a('b', 2)]),
    txn(3, [r('b', [2]), r('c', [])]),
    txn(4, [a('c', 3), a('d', 4)]),
  ];
  const result = check(history, final({ a: [1], b: [2], c: [3], d: [4] }));
  assert.deepEqual(kinds(result), ['G-nonadjacent']);
  assert.deepEqual([...only(result, 'G-nonadjacent').txns].sort(), [1, 2, 3, 4]);
  assert.deepEqual(result.allowed, []);
});

test('incompatible order: two reads of a key that are not prefixes of one another', () => {
  const history = [
    txn(1, [a('x', 1)]),
    txn(2, [a('x', 2)]),
    txn(3, [a('x', 3)]),
    txn(4, [r('x', [1, 2])]),
    txn(5, [r('x', [1, 3])]),
  ];
  const result = check(history);
  assert.ok(kinds(result).includes('incompatible-order'));
  const found = only(result, 'incompatible-order');
  assert.deepEqual([...found.txns].sort(), [4, 5]);
  assert.match(found.text, /neither is a prefix of the other/);
});

test('lost append: an acknowledged append is missing from the final read', () => {
  const history = [txn(1, [a('x', 1)]), txn(2, [a('x', 2)]), txn(3, [a('x', 3)], 'info')];
  const result = check(history, [{ key: 'x', value: [1], node: 'n2' }]);
  assert.deepEqual(kinds(result), ['lost-append']);
  assert.deepEqual(only(result, 'lost-append').txns, [2]);
  assert.match(only(result, 'lost-append').text, /T2 appended 2 to key x .* on n2 = \[1\]/);
});

test('internal: a read after the transaction’s own append must show it', () => {
  const history = [
    txn(1, [a('x', 1)]),
    txn(2, [a('x', 5), r('x', [1])]),
    txn(3, [r('x', [1]), a('x', 6), r('x', [1])]),
  ];
  const result = check(history);
  assert.deepEqual(kinds(result), ['internal', 'internal']);
  assert.match(result.anomalies[0]!.explanation, /T2 appended \[5\] to key x, then read \[1\]/);
  assert.match(result.anomalies[1]!.explanation, /it should next read \[1, 6\]/);
});

test('duplicate elements and unknown values are reported', () => {
  const history = [txn(1, [a('x', 1)]), txn(2, [r('x', [1, 1])]), txn(3, [r('y', [7])])];
  const result = check(history);
  assert.deepEqual(kinds(result), ['duplicate-elements', 'unknown-value']);
  assert.match(only(result, 'duplicate-elements').text, /holds 1 more than once/);
  assert.match(only(result, 'unknown-value').text, /T3 read 7 in key y/);
});

test('an info transaction whose append was read counts as committed', () => {
  // The read skew of MDEV-38977 again, with the writer's outcome unknown to its client.
  const history = [
    txn(0, [a('x', 1), a('y', 2)]),
    txn(2, [a('x', 3), a('y', 4)], 'info'),
    txn(1, [r('x', [1]), r('y', [2, 4])]),
  ];
  const result = check(history, final({ x: [1, 3], y: [2, 4] }));
  assert.deepEqual(kinds(result), ['G-single']);
  assert.equal(result.stats.txnsCommitted, 3);
});

test('limits: the per-kind cap is noted, and an exhausted search still fails the history', () => {
  const history = [
    txn(1, [a('x', 1)], 'fail'),
    txn(2, [a('x', 2)], 'fail'),
    txn(3, [r('x', [1, 2])]),
  ];
  const capped = check(history, [], { limits: { anomaliesPerKindMax: 1 } });
  assert.deepEqual(kinds(capped), ['G1a']);
  assert.deepEqual(capped.notes, ['G1a: 2 found, first 1 listed']);
  const skew = [
    txn(0, [a('x', 1), a('y', 2)]),
    txn(2, [a('x', 3), a('y', 4)]),
    txn(1, [r('x', [1]), r('y', [2, 4])]),
  ];
  const starved = check(skew, final({ x: [1, 3], y: [2, 4] }), { limits: { searchVisitsMax: 0 } });
  assert.equal(starved.valid, false);
  assert.deepEqual(kinds(starved), ['cycle-unexplained']);
  assert.ok(starved.notes.some((note) => note.includes('cycle search stopped')));
  assert.deepEqual([...starved.anomalies[0]!.txns].sort(), [1, 2]);
  const untried = check(skew, final({ x: [1, 3], y: [2, 4] }), {
    limits: { sourcesPerComponentMax: 0 },
  });
  assert.deepEqual(kinds(untried), ['cycle-unexplained']);
});

test('a serial execution of 20k random transactions checks clean (the time is printed)', (t) => {
  const { history, finalReads } = generateListAppend(7, 20_000, 256, 0);
  const started = performance.now();
  const result = checkListAppend(history, { ...SI, finalReads });
  const elapsedMs = performance.now() - started;
  t.diagnostic(`checked ${history.length} txns in ${elapsedMs.toFixed(0)} ms`);
  assert.deepEqual(result.anomalies, []);
  assert.deepEqual(result.allowed, []);
  assert.equal(result.valid, true);
  assert.ok(result.stats.edges.rw > 1000, 'the history has real contention');
  // Speed is a benchmark's figure, not a test's (a loaded CI machine is no measure).
});

// Bounded work: a checker that went quadratic would run for many minutes; the test's timeout
// catches that without a wall-clock assertion that a loaded machine can fail.
test(
  '20k transactions without first-committer-wins show lost updates, within bounded work',
  { timeout: 120_000 },
  (t) => {
    const { history, finalReads } = generateListAppend(11, 20_000, 16, 5);
    const started = performance.now();
    const result = checkListAppend(history, { ...SI, finalReads });
    const elapsedMs = performance.now() - started;
    t.diagnostic(`checked ${history.length} txns in ${elapsedMs.toFixed(0)} ms`);
    const found = new Set(kinds(result));
    t.diagnostic(`anomalies: ${kinds(result).join(' ')}; notes: ${result.notes.join('; ')}`);
    assert.ok(found.has('lost-update'), `kinds: ${[...found].join(', ')}`);
    assert.ok(found.has('G-single'), `kinds: ${[...found].join(', ')}`);
    for (const kind of [
      'G0',
      'G1a',
      'G1b',
      'G1c',
      'internal',
      'incompatible-order',
      'lost-append',
    ]) {
      assert.ok(!found.has(kind), `unexpected ${kind}`);
    }
  },
);

test('over many seeds: serial executions are serializable; stale ones only break isolation', () => {
  for (let seed = 100; seed < 130; seed++) {
    const serial = generateListAppend(seed, 500, 8, 0);
    const strict = checkListAppend(serial.history, {
      model: 'serializable',
      finalReads: serial.finalReads,
    });
    assert.deepEqual(strict.anomalies, [], `seed ${seed}`);
    const stale = generateListAppend(seed, 500, 8, 1 + (seed % 6));
    const result = checkListAppend(stale.history, { ...SI, finalReads: stale.finalReads });
    const allowedKinds = ['G-single', 'G-nonadjacent', 'lost-update'];
    for (const kind of kinds(result))
      assert.ok(allowedKinds.includes(kind), `seed ${seed}: ${kind}`);
  }
});

test('the report is deterministic', () => {
  const { history, finalReads } = generateListAppend(3, 2_000, 32, 3);
  const first = checkListAppend(history, { ...SI, finalReads });
  const second = checkListAppend(history, { ...SI, finalReads });
  assert.deepEqual(first, second);
});

const bankAccounts = ['a', 'b', 'c'];

function bank(
  history: readonly BankTxn[],
  finalReads: readonly BankFinalRead[] = [{ value: { a: 10, b: 10, c: 10 } }],
): BankResult {
  return checkBank(history, { accounts: bankAccounts, total: 30, finalReads });
}

test('bank: consistent reads pass; failed and unknown reads are not checked', () => {
  const result = bank([
    { id: 1, process: 1, status: 'ok', f: 'transfer', value: { from: 'a', to: 'b', amount: 5 } },
    { id: 2, process: 2, status: 'ok', f: 'read', value: { a: 5, b: 15, c: 10 } },
    { id: 3, process: 3, status: 'fail', f: 'read', value: { a: 99, b: 15, c: 10 } },
    { id: 4, process: 4, status: 'info', f: 'read', value: null },
  ]);
  assert.deepEqual(result.anomalies, []);
  assert.equal(result.valid, true);
  assert.equal(result.readsChecked, 2);
});

test('bank: a wrong total, a negative balance and missing accounts are reported', () => {
  const result = bank(
    [
      { id: 1, process: 1, status: 'ok', f: 'read', value: { a: 5, b: 10, c: 10 } },
      { id: 2, process: 2, status: 'ok', f: 'read', value: { a: -5, b: 25, c: 10 } },
      { id: 3, process: 3, status: 'ok', f: 'read', value: { a: 10, b: 20, z: 0 } },
    ],
    [{ node: 'n3', value: { a: 20, b: 20, c: 10 } }],
  );
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.anomalies.map((anomaly) => [anomaly.kind, anomaly.txns]),
    [
      ['wrong-total', [1]],
      ['negative-balance', [2]],
      ['wrong-accounts', [3]],
      ['wrong-total', []],
    ],
  );
  assert.match(result.anomalies[0]!.explanation, /T1 read a total of 25, not 30 \(a = 5/);
  assert.match(result.anomalies[1]!.explanation, /T2 read negative balances: a = -5/);
  assert.match(result.anomalies[2]!.explanation, /lacks c and has unknown z/);
  assert.match(result.anomalies[3]!.explanation, /the final read on n3 read a total of 50/);
});
