// Goal: pin the edges of certification that the mutation run (docs/design/mutation.md) found
// unguarded — the exact cert.max_length boundary, a TOI carrying keys, dependsOn, the counters
// behind wsrep_cert_* status, and what copies and replays carry. Method: small hand-made logs
// whose verdicts and statistics are computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CertificationIndex,
  type CertificationInput,
  type CertificationKey,
  type TableRef,
} from '../../src/core/certification/certification.js';
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
): CertificationInput => ({ seqno: index(seqno), snapshot: index(snapshot), keys, toi });

function verdict(cert: CertificationIndex, input: CertificationInput): string {
  const v = cert.certify(input);
  if (v.ok) return `pass dependsOn=${v.dependsOn}`;
  return v.reason === 'conflict' ? `conflict@${v.conflictSeqno}` : 'too_old';
}

test('cert.max_length: a snapshot exactly lengthMax behind still certifies, one more is too old', () => {
  const cert = new CertificationIndex(3);
  const verdicts = [
    ws(1, 0, [key('t', 1)]),
    ws(2, 0, [key('t', 2)]),
    ws(3, 0, [key('t', 3)]), // 3 behind: inside the window
    ws(4, 0, [key('t', 4)]), // 4 behind: too old
  ].map((input) => verdict(cert, input));
  assert.deepEqual(verdicts, [
    'pass dependsOn=0',
    'pass dependsOn=0',
    'pass dependsOn=0',
    'too_old',
  ]);
});

test('a TOI passes even when it carries keys that a concurrent write-set wrote', () => {
  // apply-plan gives a TOI write-set its table keys; DDL runs in total order and never fails.
  const cert = new CertificationIndex();
  assert.equal(verdict(cert, ws(1, 0, [key('t', 1)])), 'pass dependsOn=0');
  assert.equal(
    verdict(cert, ws(2, 0, [key('t', 1)], [{ database: 'db', table: 't' }])),
    'pass dependsOn=0',
  );
  assert.equal(
    verdict(cert, ws(3, 1, [key('t', 1)])),
    'conflict@2',
    'the TOI fails what it ran beside',
  );
});

test('dependsOn of a passing write-set is its snapshot, whatever it overwrote before that', () => {
  // Any key written after the snapshot is a conflict, so nothing newer than the snapshot is
  // ever depended on; wsrep_cert_deps_distance is seqno minus snapshot.
  const cert = new CertificationIndex();
  verdict(cert, ws(1, 0, [key('t', 1)]));
  verdict(cert, ws(2, 1, [key('t', 2)]));
  verdict(cert, ws(3, 2, []));
  assert.equal(verdict(cert, ws(4, 3, [key('t', 1), key('t', 9)])), 'pass dependsOn=3');
  assert.equal(verdict(cert, ws(5, 3, [key('t', 2), key('t', 8)])), 'pass dependsOn=3');
});

test('statistics count certified write-sets, failures, indexed keys, the deps distance and the interval', () => {
  const empty = new CertificationIndex();
  assert.deepEqual(empty.stats(), {
    certified: 0,
    failures: 0,
    depsDistanceAverage: 0,
    intervalAverage: 0,
    indexedKeys: 0,
  });
  const cert = new CertificationIndex();
  verdict(cert, ws(1, 0, [key('t', 1)])); // pass, distance 1
  verdict(cert, ws(2, 0, [key('t', 1)])); // conflict
  verdict(cert, ws(3, 0, [key('t', 2), key('t', 3, false)])); // pass, distance 3
  verdict(cert, ws(4, 0, [], [{ database: 'db', table: 'u' }])); // TOI pass, distance 4
  // The interval: write-sets between snapshot and seqno, 0 + 1 + 2 + 3 over four.
  const expected = {
    certified: 4,
    failures: 1,
    depsDistanceAverage: 8 / 3,
    intervalAverage: 6 / 4,
    indexedKeys: 2,
  };
  assert.deepEqual(cert.stats(), expected);
  assert.deepEqual(cert.copy().stats(), expected, 'a copy carries the counters');
  assert.equal(cert.copy().seqno, 4);
});

test('replay records known verdicts: passes index their keys, failures are counted', () => {
  const cert = new CertificationIndex();
  cert.replay(ws(1, 0, [key('t', 1)]), true);
  cert.replay(ws(2, 0, [key('t', 2)]), false);
  cert.replay(ws(3, 1, [key('t', 3)]), true);
  assert.deepEqual(cert.stats(), {
    certified: 3,
    failures: 1,
    depsDistanceAverage: (1 + 2) / 2,
    intervalAverage: (0 + 1 + 1) / 3,
    indexedKeys: 2,
  });
  assert.equal(verdict(cert, ws(4, 0, [key('t', 1)])), 'conflict@1');
  assert.equal(
    verdict(cert, ws(5, 0, [key('t', 2)])),
    'pass dependsOn=0',
    'a failure wrote nothing',
  );
});

test('a copy carries the TOI marks and the window, so it fails and forgets as the original', () => {
  const original = new CertificationIndex(3);
  verdict(original, ws(1, 0, [key('t', 1)]));
  verdict(original, ws(2, 1, [], [{ database: 'db', table: 'u' }]));
  const twin = original.copy();
  assert.equal(verdict(twin, ws(3, 1, [key('u', 5)])), 'conflict@2', 'the TOI mark came along');
  for (let n = 4; n <= 6; n++) verdict(twin, ws(n, n - 1, []));
  assert.equal(
    twin.stats().indexedKeys,
    0,
    'keys older than the window are purged in the copy too',
  );
});

test('replay purges what falls out of the window, as certify does', () => {
  const cert = new CertificationIndex(2);
  cert.replay(ws(1, 0, [key('t', 1)]), true);
  cert.replay(ws(2, 1, [key('t', 2)]), true);
  cert.replay(ws(3, 2, []), true);
  cert.replay(ws(4, 3, []), true);
  assert.equal(cert.stats().indexedKeys, 0);
});

test('purging an old TOI mark keeps a newer TOI on the same table', () => {
  const cert = new CertificationIndex(4);
  const ddl = [{ database: 'db', table: 't' }];
  verdict(cert, ws(1, 0, [], ddl));
  verdict(cert, ws(2, 1, []));
  verdict(cert, ws(3, 2, [], ddl));
  verdict(cert, ws(4, 3, []));
  verdict(cert, ws(5, 4, [])); // purges the TOI of seqno 1
  assert.equal(
    verdict(cert, ws(6, 2, [key('t', 1)])),
    'conflict@3',
    'the TOI of seqno 3 still counts',
  );
});

test('purging an old write keeps a newer write of the same key', () => {
  const cert = new CertificationIndex(4);
  verdict(cert, ws(1, 0, [key('t', 1)]));
  verdict(cert, ws(2, 1, []));
  verdict(cert, ws(3, 2, [key('t', 1)]));
  verdict(cert, ws(4, 3, []));
  verdict(cert, ws(5, 4, []));
  assert.equal(verdict(cert, ws(6, 2, [key('t', 1)])), 'conflict@3');
});
