// Goal: a node that restarts rebuilds a certification index that reaches the same verdicts as the
// nodes that never stopped. Method: certify a random log of write-sets, keep its failures as the
// store would, rebuild from the last window of entries, and compare verdicts on what follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_WRITE_SET_LIMITS,
  encodeWriteSet,
  transactionId,
  type WriteSet,
} from '../../src/codec/index.js';
import { CertificationIndex } from '../../src/core/certification/certification.js';
import type { Entry } from '../../src/core/consensus/types.js';
import { Xoshiro128 } from '../../src/core/prng.js';
import { index, nodeId, term } from '../../src/core/types.js';
import { planApply } from '../../src/node/apply-plan.js';
import { rebuildCertification } from '../../src/node/certification-rebuild.js';

function entryAt(n: number, rng: Xoshiro128): Entry {
  const ws: WriteSet = {
    originNodeId: nodeId('n1'),
    originTransactionId: transactionId(n),
    seqnoSnapshot: index(Math.max(0, n - 1 - rng.int(40))),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [{ database: 'db', table: 't', keyBytes: Uint8Array.of(rng.int(30)), exclusive: true }],
    rows: [],
    statements: [],
  };
  return {
    index: index(n),
    term: term(1),
    kind: 'normal',
    data: encodeWriteSet(ws),
    config: null,
    origin: nodeId('n2'),
    proposalId: n,
  };
}

test('a rebuilt certification index reaches the verdicts of one that never stopped', () => {
  const rng = new Xoshiro128(3);
  const lengthMax = 64;
  const log = Array.from({ length: 600 }, (_, i) => entryAt(i + 1, rng));
  const live = new CertificationIndex(lengthMax);
  const failed = new Set<number>();
  const applied = 400;
  const plan = planApply(log.slice(0, applied), live, 'n2', DEFAULT_WRITE_SET_LIMITS);
  for (const step of plan.steps) {
    if (step.kind !== 'batch') continue;
    for (const item of step.items) if (item.certFailed === true) failed.add(item.seqno);
  }
  assert.ok(failed.size > 10, `the log has conflicts (${failed.size})`);
  const window = log.slice(applied - lengthMax, applied);
  const rebuilt = rebuildCertification(
    window,
    failed,
    lengthMax,
    index(applied),
    DEFAULT_WRITE_SET_LIMITS,
  );
  const rest = log.slice(applied);
  const verdictsOf = (cert: CertificationIndex) => [
    ...planApply(rest, cert, 'n2', DEFAULT_WRITE_SET_LIMITS).own.values(),
  ];
  assert.deepEqual(verdictsOf(rebuilt), verdictsOf(live));
});

test('the window kept with the applied seqno rebuilds the index without any log entry', () => {
  // gcache.size may compact the log up to the applied seqno: the store's kept window suffices.
  const rng = new Xoshiro128(5);
  const lengthMax = 64;
  const log = Array.from({ length: 600 }, (_, i) => entryAt(i + 1, rng));
  const live = new CertificationIndex(lengthMax);
  const applied = 400;
  const plan = planApply(log.slice(0, applied), live, 'n2', DEFAULT_WRITE_SET_LIMITS);
  const kept: { seqno: number; keys: readonly string[] }[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'batch') continue;
    for (const item of step.items)
      if (item.certKeys !== undefined) kept.push({ seqno: item.seqno, keys: item.certKeys });
  }
  assert.ok(kept.length > applied / 2, `passing write-sets keep their keys (${kept.length})`);
  const rebuilt = rebuildCertification(
    [],
    new Set(),
    lengthMax,
    index(applied),
    DEFAULT_WRITE_SET_LIMITS,
    kept,
  );
  const rest = log.slice(applied);
  const verdictsOf = (cert: CertificationIndex) => [
    ...planApply(rest, cert, 'n2', DEFAULT_WRITE_SET_LIMITS).own.values(),
  ];
  const expected = verdictsOf(live);
  assert.ok(
    expected.some((v) => v.kind === 'failed'),
    'what follows has conflicts to find',
  );
  assert.deepEqual(verdictsOf(rebuilt), expected);
  // Without the kept window (nor the log) the index would pass what the others fail.
  const empty = rebuildCertification(
    [],
    new Set(),
    lengthMax,
    index(applied),
    DEFAULT_WRITE_SET_LIMITS,
  );
  assert.notDeepEqual(verdictsOf(empty), expected);
});
