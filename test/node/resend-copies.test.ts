// Goal: a write-set proposed again under a new leader (RaftDriver.propose, resendable) changes
// nothing when an earlier copy is in the log: every later copy fails certification on every
// node, and every other write-set gets the verdict it gets without the copies; so too a DDL
// (TOI), by its origin and transaction id. Method: random logs of row write-sets and DDL from
// one origin with random snapshots and keys, the same logs with copies of random entries put
// later (as a new leader appends a re-proposal after what it holds).
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
import { certificationRefusesCopies } from '../../src/node/cluster-replicator.js';

/** Write-set `n`: a row write-set, or one time in six a DDL (TOI) on table t or u. */
function writeSet(n: number, rng: Xoshiro128): WriteSet {
  const key = Uint8Array.of(rng.int(30));
  if (rng.int(6) === 0) {
    const table = rng.int(2) === 0 ? 't' : 'u';
    return {
      originNodeId: nodeId('n1'),
      originTransactionId: transactionId(1_000_000 + n),
      seqnoSnapshot: index(Math.max(0, n - 1 - rng.int(20))),
      flags: { commit: true, rollback: false, toi: true, paUnsafe: false },
      keys: [{ database: 'db', table, keyBytes: new Uint8Array(0), exclusive: true }],
      rows: [],
      statements: [{ database: 'db', sql: `ALTER TABLE ${table} ADD COLUMN c${n} INT` }],
    };
  }
  return {
    originNodeId: nodeId('n1'),
    originTransactionId: transactionId(n),
    seqnoSnapshot: index(Math.max(0, n - 1 - rng.int(20))),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [
      { database: 'db', table: 't', keyBytes: key, exclusive: true },
      { database: 'db', table: 'u', keyBytes: Uint8Array.of(rng.int(30)), exclusive: false },
    ],
    rows: [{ database: 'db', table: 't', key, op: 'update', after: [n] }],
    statements: [],
  };
}

function entry(at: number, proposalId: number, ws: WriteSet): Entry {
  return {
    index: index(at),
    term: term(1),
    kind: 'normal',
    data: encodeWriteSet(ws),
    config: null,
    origin: nodeId('n1'),
    proposalId,
  };
}

/** Verdicts by proposal id (the first copy's) and the copies' verdicts. */
function certify(log: readonly Entry[]): { first: Map<number, string>; copies: string[] } {
  const plan = planApply(log, new CertificationIndex(), 'n1', DEFAULT_WRITE_SET_LIMITS);
  const first = new Map<number, string>();
  const copies: string[] = [];
  for (const e of log) {
    const verdict = plan.own.get(e.index)!.kind;
    if (first.has(e.proposalId)) copies.push(verdict);
    else first.set(e.proposalId, verdict);
  }
  return { first, copies };
}

test('a copy of a write-set later in the log fails certification and changes no other verdict', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rng = new Xoshiro128(seed);
    const sets = Array.from({ length: 60 }, (_, i) => writeSet(i + 1, rng));
    assert.ok(sets.some((ws) => ws.flags.toi) && sets.some((ws) => !ws.flags.toi));
    assert.ok(sets.every((ws) => certificationRefusesCopies(ws, true)));
    const plain = sets.map((ws, i) => entry(i + 1, i + 1, ws));
    // Copies of random entries, each put a random distance after its original.
    const order = sets.map((_, i) => i);
    for (let c = 0; c < 10; c++) {
      const original = rng.int(sets.length);
      const at = order.indexOf(original) + 1 + rng.int(8);
      order.splice(Math.min(at, order.length), 0, original);
    }
    const withCopies = order.map((i, position) => entry(position + 1, i + 1, sets[i]!));
    // Seqnos shift with the copies: snapshots are seqnos, so map them onto the new log.
    const seqnoOf = new Map<number, number>();
    order.forEach((i, position) => {
      if (!seqnoOf.has(i + 1)) seqnoOf.set(i + 1, position + 1);
    });
    const shifted = withCopies.map((e, position) => {
      const ws = sets[order[position]!]!;
      const snapshot = ws.seqnoSnapshot === 0 ? 0 : seqnoOf.get(ws.seqnoSnapshot)!;
      return entry(position + 1, e.proposalId, { ...ws, seqnoSnapshot: index(snapshot) });
    });
    const without = certify(plain);
    const withThem = certify(shifted);
    assert.deepEqual(withThem.copies, Array(10).fill('failed'), `seed ${seed}`);
    assert.deepEqual([...withThem.first], [...without.first], `seed ${seed}`);
  }
});

test('DDL only where every member fails its copies; statements and write-sets without an exclusive row key never', () => {
  const rng = new Xoshiro128(1);
  const ws = writeSet(5, rng);
  assert.equal(ws.flags.toi, false);
  assert.equal(certificationRefusesCopies(ws), true);
  const ddl = { ...ws, flags: { ...ws.flags, toi: true } };
  assert.equal(certificationRefusesCopies(ddl), false);
  assert.equal(certificationRefusesCopies(ddl, true), true);
  assert.equal(
    certificationRefusesCopies({ ...ws, statements: [{ database: 'db', sql: 'DROP TABLE t' }] }),
    false,
  );
  assert.equal(certificationRefusesCopies({ ...ws, rows: [] }), false);
  assert.equal(
    certificationRefusesCopies({ ...ws, keys: ws.keys.map((k) => ({ ...k, exclusive: false })) }),
    false,
  );
});
