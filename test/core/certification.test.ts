// Goal: certification gives the verdicts that snapshot isolation with first-committer-wins
// demands, identically on every node. Method: a table of write-set sequences and expected
// verdicts, plus the window bound and determinism over a random log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CertificationIndex,
  type CertificationInput,
  type CertificationKey,
  type TableRef,
} from '../../src/core/certification/certification.js';
import { Xoshiro128 } from '../../src/core/prng.js';
import { index } from '../../src/core/types.js';

const key = (table: string, id: number, exclusive = true): CertificationKey => ({
  database: 'db',
  table,
  keyBytes: Uint8Array.of(id),
  exclusive,
});
const ws = (
  seqno: number,
  snapshot: number,
  keys: CertificationKey[],
  toi: TableRef[] | null = null,
): CertificationInput => ({
  seqno: index(seqno),
  snapshot: index(snapshot),
  keys,
  toi,
});

interface Case {
  readonly name: string;
  readonly log: CertificationInput[];
  /** Expected verdict of each write-set: 'pass', or 'conflict@N' / 'too_old'. */
  readonly verdicts: string[];
}

const cases: Case[] = [
  {
    name: 'disjoint keys both pass',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [key('t', 2)])],
    verdicts: ['pass', 'pass'],
  },
  {
    name: 'same key, concurrent: first committer wins',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [key('t', 1)])],
    verdicts: ['pass', 'conflict@1'],
  },
  {
    name: 'same key, second saw the first: both pass',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 1, [key('t', 1)])],
    verdicts: ['pass', 'pass'],
  },
  {
    name: 'same id, other table: no overlap',
    log: [ws(1, 0, [key('a', 1)]), ws(2, 0, [key('b', 1)])],
    verdicts: ['pass', 'pass'],
  },
  {
    name: 'a failed write-set does not make later ones fail',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [key('t', 1), key('t', 2)]), ws(3, 1, [key('t', 2)])],
    verdicts: ['pass', 'conflict@1', 'pass'],
  },
  {
    name: 'FOR UPDATE (exclusive read key) conflicts like a write',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [key('t', 1, true)])],
    verdicts: ['pass', 'conflict@1'],
  },
  {
    name: 'a shared read key fails against a concurrent write',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [key('t', 1, false), key('t', 2)])],
    verdicts: ['pass', 'conflict@1'],
  },
  {
    name: 'a shared key is not a write: later writers pass (write skew is allowed)',
    log: [ws(1, 0, [key('t', 1, false), key('t', 2)]), ws(2, 0, [key('t', 1)])],
    verdicts: ['pass', 'pass'],
  },
  {
    name: 'TOI fails concurrent writes on its table, passes itself',
    log: [
      ws(1, 0, [], [{ database: 'db', table: 't' }]),
      ws(2, 0, [key('t', 9)]),
      ws(3, 1, [key('t', 9)]),
    ],
    verdicts: ['pass', 'conflict@1', 'pass'],
  },
  {
    name: 'TOI on a database covers its tables; other databases pass',
    log: [
      ws(1, 0, [], [{ database: 'db', table: null }]),
      ws(2, 0, [key('t', 1)]),
      ws(3, 0, [{ database: 'other', table: 't', keyBytes: Uint8Array.of(1), exclusive: true }]),
    ],
    verdicts: ['pass', 'conflict@1', 'pass'],
  },
  {
    name: 'a TOI passes even over concurrent writes on its table',
    log: [ws(1, 0, [key('t', 1)]), ws(2, 0, [], [{ database: 'db', table: 't' }])],
    verdicts: ['pass', 'pass'],
  },
];

function verdictsOf(log: CertificationInput[], lengthMax?: number): string[] {
  const cert = new CertificationIndex(lengthMax);
  return log.map((input) => {
    const v = cert.certify(input);
    if (v.ok) return 'pass';
    return v.reason === 'conflict' ? `conflict@${v.conflictSeqno}` : 'too_old';
  });
}

for (const c of cases) {
  test(`certification: ${c.name}`, () => {
    assert.deepEqual(verdictsOf(c.log), c.verdicts);
  });
}

test('a snapshot older than cert.max_length fails with its own reason', () => {
  const log = [
    ws(1, 0, [key('t', 1)]),
    ws(2, 1, [key('t', 2)]),
    ws(3, 1, [key('t', 3)]),
    ws(4, 0, [key('t', 4)]),
  ];
  assert.deepEqual(verdictsOf(log, 3), ['pass', 'pass', 'pass', 'too_old']);
});

test('the index stays bounded by the window', () => {
  const cert = new CertificationIndex(100);
  for (let n = 1; n <= 10_000; n++) cert.certify(ws(n, n - 1, [key('t', n % 250)]));
  assert.ok(cert.stats().indexedKeys <= 100, `indexed ${cert.stats().indexedKeys}`);
});

test('every node reaches the same verdicts on the same log', () => {
  const rng = new Xoshiro128(7);
  const log: CertificationInput[] = [];
  for (let n = 1; n <= 5000; n++) {
    const keys = Array.from({ length: 1 + rng.int(3) }, () =>
      key('t', rng.int(50), rng.chance(0.9)),
    );
    log.push(
      ws(
        n,
        Math.max(0, n - 1 - rng.int(20)),
        keys,
        rng.chance(0.01) ? [{ database: 'db', table: 't' }] : null,
      ),
    );
  }
  const first = verdictsOf(log);
  assert.deepEqual(verdictsOf(log), first);
  assert.ok(first.includes('pass') && first.some((v) => v.startsWith('conflict')));
});

test('certification is gap-free', () => {
  const cert = new CertificationIndex();
  cert.certify(ws(1, 0, []));
  assert.throws(() => cert.certify(ws(3, 0, [])), /gap-free/);
});

test('a copy of the index reaches the same verdicts as the original', () => {
  const rng = new Xoshiro128(9);
  const original = new CertificationIndex(64);
  const gen = (n: number): CertificationInput =>
    ws(n, Math.max(0, n - 1 - rng.int(30)), [key('t', rng.int(20))]);
  for (let n = 1; n <= 500; n++) original.certify(gen(n));
  const twin = original.copy();
  for (let n = 501; n <= 1000; n++) {
    const input = gen(n);
    assert.deepEqual(twin.certify(input), original.certify(input));
  }
});

test('a window whose purged entries are cut off its array certifies as the whole history says', () => {
  // A model that never forgets: with snapshots inside cert.max_length, the newest passing write
  // of a key decides. 20,000 write-sets over a window of 200 cut the array many times; a copy
  // taken in between goes on alike.
  const rng = new Xoshiro128(11);
  const lengthMax = 200;
  const cert = new CertificationIndex(lengthMax);
  const lastPass = new Map<number, number>();
  let twin: CertificationIndex | null = null;
  for (let n = 1; n <= 20_000; n++) {
    const ids = Array.from({ length: 1 + rng.int(2) }, () => rng.int(250)); // key() holds one byte
    const input = ws(
      n,
      Math.max(0, n - 1 - rng.int(lengthMax - 1)),
      ids.map((id) => key('t', id)),
    );
    const newest = Math.max(0, ...ids.map((id) => lastPass.get(id) ?? 0));
    // The verdict names the first key (in write-set order) written after the snapshot.
    const first = ids.map((id) => lastPass.get(id) ?? 0).find((w) => w > input.snapshot);
    const verdict = cert.certify(input);
    if (twin !== null) assert.deepEqual(twin.certify(input), verdict, `copy at ${n}`);
    assert.equal(verdict.ok, newest <= input.snapshot, `write-set ${n}`);
    if (!verdict.ok) assert.equal(verdict.reason === 'conflict' && verdict.conflictSeqno, first);
    if (verdict.ok) for (const id of ids) lastPass.set(id, n);
    assert.deepEqual(cert.recordedAt(index(n)) !== null, verdict.ok, `recorded ${n}`);
    if (n === 7_777) twin = cert.copy();
  }
  assert.ok(cert.stats().indexedKeys <= lengthMax);
});

test('a later copy of a DDL fails by its identity, also on an index restored from its window', () => {
  const table = [{ database: 'db', table: 't' }];
  const ddl = (seqno: number, identity: string): CertificationInput => ({
    ...ws(seqno, 1, [], table),
    identity,
  });
  const cert = new CertificationIndex(100, index(1));
  const window: { seqno: number; keys: string[] }[] = [];
  assert.deepEqual(cert.certify(ddl(2, 'n1\u000077')), { ok: true, dependsOn: index(1) });
  window.push({ seqno: 2, keys: [...cert.recordedAt(index(2))!] });
  // Another DDL of the same table from the same snapshot, with another identity: it passes.
  assert.equal(cert.certify(ddl(3, 'n1\u000078')).ok, true);
  window.push({ seqno: 3, keys: [...cert.recordedAt(index(3))!] });
  for (const index_ of [cert, CertificationIndex.restore(100, index(3), window)]) {
    const copy = index_.certify(ddl(4, 'n1\u000077'));
    assert.deepEqual(copy, {
      ok: false,
      reason: 'conflict',
      conflictSeqno: index(2),
      database: '',
      table: '',
    });
    // The failed copy leaves nothing: a row write-set from after the first DDL still passes.
    assert.equal(index_.certify(ws(5, 3, [key('t', 1)])).ok, true);
  }
});
