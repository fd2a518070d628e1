// Simulated clients running interactive transactions on random nodes during faults: each
// statement is its own simulator event, so transactions interleave with replication, crashes and
// brute-force aborts. Two workloads: bank (a fixed total across accounts) and list-append (the
// Jepsen/Elle workload). Their histories go to the checkers in ../history/.
import { encodeWriteSet, type SqlValue } from '../../../src/codec/index.js';
import type { EntryVerdict } from '../../../src/node/apply-plan.js';
import type { Prng } from '../../../src/core/prng.js';
import type { WriterLease } from '../../../src/storage/index.js';
import { checkBank, type BankTxn } from '../history/bank.js';
import { checkListAppend, type ListAppendTxn } from '../history/list-append.js';
import type { SimDatabase, VerdictListener } from './database.js';
import type { World } from '../world.js';

export type WorkloadName = 'bank' | 'append';

type TxnStatus = 'ok' | 'fail' | 'info';

/** One statement: runs on the lease and records what it saw; false to give up (rolls back). */
type Op = (lease: WriterLease) => boolean;

interface PendingCommit {
  readonly done: (status: TxnStatus) => void;
  readonly deadlineMs: number;
}

/** Runs transactions statement by statement and resolves them from certification verdicts. */
export class TxnRunner implements VerdictListener {
  private readonly pending = new Map<string, PendingCommit>();
  private nextOwner = 1;
  committedCount = 0;
  failedCount = 0;
  bfAborts = 0;

  constructor(
    private readonly world: World,
    private readonly db: SimDatabase,
    private readonly rng: Prng,
    private readonly canaryCertifyAtCommit: boolean,
  ) {}

  run(slot: number, ops: readonly Op[], done: (status: TxnStatus) => void): void {
    const owner = `client-${this.nextOwner++}`;
    this.acquire(slot, owner, ops, done, 0);
  }

  private acquire(
    slot: number,
    owner: string,
    ops: readonly Op[],
    done: (status: TxnStatus) => void,
    tries: number,
  ): void {
    const node = this.world.nodes[slot]!;
    if (node.status !== 'up') return done('fail');
    const lease = this.db.lease(slot, owner);
    if (lease === null) {
      if (tries >= 20) return done('fail');
      this.world.at(this.world.nowMs + 1 + this.rng.int(4), () =>
        this.acquire(slot, owner, ops, done, tries + 1),
      );
      return;
    }
    this.step(slot, node.incarnation, lease, ops, 0, done);
  }

  private step(
    slot: number,
    incarnation: number,
    lease: WriterLease,
    ops: readonly Op[],
    at: number,
    done: (status: TxnStatus) => void,
  ): void {
    const node = this.world.nodes[slot]!;
    if (node.incarnation !== incarnation || node.status === 'down' || !lease.active)
      return done('fail');
    if (node.status === 'paused') {
      this.world.at(this.world.nowMs + 5, () => this.step(slot, incarnation, lease, ops, at, done));
      return;
    }
    if (at < ops.length) {
      if (!ops[at]!(lease)) {
        if (lease.active) lease.rollback();
        return done('fail');
      }
      this.world.at(this.world.nowMs + 1 + this.rng.int(4), () =>
        this.step(slot, incarnation, lease, ops, at + 1, done),
      );
      return;
    }
    this.commit(slot, lease, done);
  }

  private commit(slot: number, lease: WriterLease, done: (status: TxnStatus) => void): void {
    const committed = lease.commit();
    if (!committed.ok) return done('fail');
    const ws = committed.value;
    if (ws === null) return done('ok');
    const raft = this.world.nodes[slot]!.raft!;
    // The Galera canary: certify against the position at commit time, not the snapshot.
    const writeSet = this.canaryCertifyAtCommit
      ? {
          ...ws,
          seqnoSnapshot: Math.max(ws.seqnoSnapshot, raft.log.commit) as typeof ws.seqnoSnapshot,
        }
      : ws;
    const proposalId = this.world.proposeData(slot, encodeWriteSet(writeSet));
    if (proposalId === null) return done('fail');
    this.pending.set(`${slot}#${proposalId}`, { done, deadlineMs: this.world.nowMs + 3000 });
  }

  onVerdict(slot: number, proposalId: number, verdict: EntryVerdict): void {
    const key = `${slot}#${proposalId}`;
    const pending = this.pending.get(key);
    if (pending === undefined) return;
    this.pending.delete(key);
    if (verdict.kind === 'passed') this.committedCount++;
    else this.failedCount++;
    pending.done(verdict.kind === 'passed' ? 'ok' : 'fail');
  }

  onCrash(slot: number): void {
    for (const [key, pending] of [...this.pending]) {
      if (key.startsWith(`${slot}#`)) {
        this.pending.delete(key);
        pending.done('info');
      }
    }
  }

  onBfAbort(): void {
    this.bfAborts++;
  }

  /** Transactions whose verdict never came (their proposal was lost) end as unknown. */
  expire(): void {
    for (const [key, pending] of [...this.pending]) {
      if (pending.deadlineMs <= this.world.nowMs) {
        this.pending.delete(key);
        pending.done('info');
      }
    }
  }

  settleAll(): void {
    for (const pending of this.pending.values()) pending.done('info');
    this.pending.clear();
  }
}

export interface Workload {
  readonly schema: readonly string[];
  /** Starts one random transaction on a random node. */
  startTxn(slot: number): void;
  /** Checks the history and the final state read from every node; returns violations. */
  check(finalSlots: readonly number[]): string[];
}

// ---- bank ----

const bankAccounts = 5;
const bankInitial = 100;

export function bankWorkload(runner: TxnRunner, db: SimDatabase, rng: Prng): Workload {
  const history: BankTxn[] = [];
  const accounts = Array.from({ length: bankAccounts }, (_, i) => String(i));
  let nextId = 1;
  const readBalances = (lease: WriterLease, ids: number[]): Record<string, number> | null => {
    const placeholders = ids.map(() => '?').join(', ');
    const result = lease.execute(
      `SELECT id, balance FROM "bank.accounts" WHERE id IN (${placeholders}) ORDER BY id`,
      ids.map(BigInt),
    );
    if (!result.ok) return null;
    return Object.fromEntries(
      result.value.rows.map((row) => [String(row[0]), Number(row[1] as bigint)]),
    );
  };
  return {
    schema: [
      'CREATE TABLE "bank.accounts" (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)',
      ...accounts.map((a) => `INSERT INTO "bank.accounts" VALUES (${a}, ${bankInitial})`),
    ],
    startTxn(slot) {
      const id = nextId++;
      if (rng.chance(0.4)) {
        let seen: Record<string, number> | null = null;
        const all = accounts.map(Number);
        runner.run(slot, [(lease) => (seen = readBalances(lease, all)) !== null], (status) => {
          if (seen !== null) history.push({ id, process: slot, status, f: 'read', value: seen });
        });
        return;
      }
      const from = rng.int(bankAccounts);
      const to = (from + 1 + rng.int(bankAccounts - 1)) % bankAccounts;
      const amount = 1 + rng.int(20);
      let balances: Record<string, number> | null = null;
      const ops: Op[] = [
        (lease) => (balances = readBalances(lease, [from, to])) !== null,
        (lease) => {
          const b = balances!;
          const fromBalance = b[String(from)] ?? 0;
          if (fromBalance < amount) return true; // not enough money: commit nothing
          const debit = lease.execute('UPDATE "bank.accounts" SET balance = ? WHERE id = ?', [
            BigInt(fromBalance - amount),
            BigInt(from),
          ]);
          const credit = lease.execute('UPDATE "bank.accounts" SET balance = ? WHERE id = ?', [
            BigInt((b[String(to)] ?? 0) + amount),
            BigInt(to),
          ]);
          return debit.ok && credit.ok;
        },
      ];
      runner.run(slot, ops, (status) => {
        history.push({
          id,
          process: slot,
          status,
          f: 'transfer',
          value: { from: String(from), to: String(to), amount },
        });
      });
    },
    check(finalSlots) {
      const finalReads = finalSlots.flatMap((slot) => {
        const rows = db.readAll(slot, 'SELECT id, balance FROM "bank.accounts" ORDER BY id');
        if (rows === null) return [];
        const value = Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1] as bigint)]));
        return [{ node: `n${slot + 1}`, value }];
      });
      const result = checkBank(history, {
        accounts,
        total: bankAccounts * bankInitial,
        finalReads,
      });
      return result.valid
        ? []
        : result.anomalies.slice(0, 3).map((a) => `bank ${a.kind}: ${a.explanation}`);
    },
  };
}

// ---- list-append ----

export function appendWorkload(
  runner: TxnRunner,
  db: SimDatabase,
  rng: Prng,
  keyCount: number,
): Workload {
  const history: ListAppendTxn[] = [];
  let nextId = 1;
  let nextValue = 1;
  const parse = (value: SqlValue | undefined): number[] =>
    typeof value === 'string' && value.length > 0 ? value.split(' ').map(Number) : [];
  return {
    schema: ['CREATE TABLE "la.kv" (k INTEGER PRIMARY KEY, v TEXT NOT NULL)'],
    startTxn(slot) {
      const id = nextId++;
      const ops: ListAppendTxn['ops'][number][] = [];
      const steps: Op[] = [];
      const count = 1 + rng.int(4);
      const read =
        (key: number): Op =>
        (lease) => {
          const r = lease.execute('SELECT v FROM "la.kv" WHERE k = ?', [BigInt(key)]);
          if (!r.ok) return false;
          const row = r.value.rows[0];
          ops.push({ f: 'r', key, value: row === undefined ? null : parse(row[0]) });
          return true;
        };
      const append = (key: number): Op => {
        const op = { f: 'append' as const, key, value: nextValue++ };
        return (lease) => {
          ops.push(op);
          const r = lease.execute(
            `INSERT INTO "la.kv" (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = "la.kv".v || ' ' || excluded.v`,
            [BigInt(key), String(op.value)],
          );
          return r.ok;
        };
      };
      for (let i = 0; i < count; i++) {
        const key = rng.int(keyCount);
        const roll = rng.int(3);
        // Reads, appends, and read-then-append of one key (what a lost update needs to show).
        if (roll === 0) steps.push(read(key));
        else if (roll === 1) steps.push(append(key));
        else steps.push(read(key), append(key));
      }
      runner.run(slot, steps, (status) => {
        if (ops.length > 0)
          history.push({ id, process: slot, status, ops: [...ops] } as ListAppendTxn);
      });
    },
    check(finalSlots) {
      const finalReads = finalSlots.flatMap((slot) => {
        const rows = db.readAll(slot, 'SELECT k, v FROM "la.kv" ORDER BY k');
        return rows === null
          ? []
          : rows.map((r) => ({
              key: Number(r[0] as bigint),
              value: parse(r[1] as SqlValue),
              node: String(slot),
            }));
      });
      const result = checkListAppend(history, { model: 'snapshot-isolation', finalReads });
      return result.valid
        ? []
        : [
            `list-append anomalies: ${[...new Set(result.anomalies.map((a) => a.kind))].join(', ')}`,
            ...result.anomalies.slice(0, 3).map((a) => `${a.kind}: ${a.explanation}`),
          ];
    },
  };
}
