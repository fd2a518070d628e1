// The chaos workloads as SQL over the MySQL protocol, recording histories in the shapes the
// checkers of ../sim/history expect. append: Elle's list-append over chaos.la (k, v) with reads
// `SELECT v … WHERE k = ?` and appends `INSERT … ON DUPLICATE KEY UPDATE v = CONCAT(v, ',', ?)`.
// bank: transfers that read two balances and write absolute values computed from the reads (the
// lost-update shape), logging each transfer in chaos.xfer, plus readers of every balance.
import type { Prng } from '../../src/core/prng.js';
import { checkBank, type Balances, type BankTxn } from '../sim/history/bank.js';
import type { Anomaly, TxnStatus } from '../sim/history/history.js';
import {
  checkListAppend,
  type FinalRead,
  type ListAppendOp,
  type ListAppendTxn,
} from '../sim/history/list-append.js';
import type { ChaosClient, Query, TxnOutcome } from './client.js';

export type WorkloadName = 'append' | 'bank';

export interface TableRef {
  readonly name: string;
  readonly orderBy: string;
}

/** One node's final rows of every table, read after the cluster healed and synced. */
export interface FinalState {
  readonly node: string;
  readonly rows: ReadonlyMap<string, readonly Record<string, unknown>[]>;
}

export interface WorkloadVerdict {
  readonly anomalies: readonly Anomaly[];
  /** Anomalies the model allows (G2-item under snapshot isolation): listed, not failures. */
  readonly allowed: readonly Anomaly[];
  /** Acknowledged commits missing from some node's final state. */
  readonly lostCommits: number;
  readonly notes: readonly string[];
}

/** One recorded event, written as a line of history.jsonl. */
export interface HistoryEvent {
  readonly type: 'invoke' | TxnStatus;
  readonly process: string;
  readonly id: number;
  readonly timeMs: number;
  readonly value: unknown;
  readonly error?: string;
}

export interface Workload {
  readonly name: WorkloadName;
  readonly schema: readonly string[];
  readonly tables: readonly TableRef[];
  /** Runs one transaction on the client; returns its outcome for the counts. */
  runOne(client: ChaosClient, rng: Prng, log: (event: HistoryEvent) => void): Promise<TxnOutcome>;
  check(finals: readonly FinalState[]): WorkloadVerdict;
}

// High enough that the report counts every anomaly rather than a capped listing.
const ANOMALIES_PER_KIND_MAX = 1_000_000;

// ---- list-append ----

const APPEND_KEYS_ACTIVE = 5;
const APPEND_WRITES_PER_KEY_MAX = 64;

export function appendWorkload(now: () => number): Workload {
  const history: ListAppendTxn[] = [];
  const active = Array.from({ length: APPEND_KEYS_ACTIVE }, (_, i) => i + 1);
  const writesByKey = new Map<number, number>();
  let nextKey = APPEND_KEYS_ACTIVE + 1;
  let nextId = 1;
  let nextValue = 1;

  // Elle's key rotation: a key takes a bounded number of appends, then a fresh key replaces it.
  const pickKey = (rng: Prng, writing: boolean): number => {
    const slot = rng.int(active.length);
    const key = active[slot]!;
    if (!writing) return key;
    const writes = (writesByKey.get(key) ?? 0) + 1;
    writesByKey.set(key, writes);
    if (writes >= APPEND_WRITES_PER_KEY_MAX) active[slot] = nextKey++;
    return key;
  };

  const plan = (rng: Prng): ListAppendOp[] => {
    const steps: ListAppendOp[] = [];
    const count = 1 + rng.int(4);
    for (let i = 0; i < count; i++) {
      const roll = rng.int(3);
      // Reads, appends, and read-then-append of one key (the shape a lost update needs).
      if (roll === 0) steps.push({ f: 'r', key: pickKey(rng, false), value: null });
      else {
        const key = pickKey(rng, true);
        if (roll === 2) steps.push({ f: 'r', key, value: null });
        steps.push({ f: 'append', key, value: nextValue++ });
      }
    }
    return steps;
  };

  return {
    name: 'append',
    schema: ['CREATE TABLE chaos.la (k INT PRIMARY KEY, v TEXT NOT NULL)'],
    tables: [{ name: 'chaos.la', orderBy: 'k' }],
    async runOne(client, rng, log) {
      const id = nextId++;
      const steps = plan(rng);
      const ops: ListAppendOp[] = [];
      log({ type: 'invoke', process: client.process, id, timeMs: now(), value: steps });
      const outcome = await client.transaction(async (query) => {
        for (const step of steps) ops.push(await runAppendStep(query, step));
        return true;
      });
      const recorded = outcome.status === 'fail' ? ops : steps.map((s, i) => ops[i] ?? s);
      history.push({ id, process: client.process, status: outcome.status, ops: recorded });
      log({
        type: outcome.status,
        process: client.process,
        id,
        timeMs: now(),
        value: recorded,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      });
      return outcome;
    },
    check(finals) {
      return checkAppend(history, finals);
    },
  };
}

async function runAppendStep(query: Query, step: ListAppendOp): Promise<ListAppendOp> {
  if (step.f === 'r') {
    const rows = await query('SELECT v FROM chaos.la WHERE k = ?', [step.key]);
    return { f: 'r', key: step.key, value: parseList(rows[0]?.v) };
  }
  const value = String(step.value);
  await query(
    "INSERT INTO chaos.la (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = CONCAT(v, ',', ?)",
    [step.key, value, value],
  );
  return step;
}

function parseList(v: unknown): number[] {
  if (v === undefined || v === null) return [];
  const text = Buffer.isBuffer(v)
    ? v.toString('utf8')
    : typeof v === 'string'
      ? v
      : JSON.stringify(v);
  return text === '' ? [] : text.split(',').map(Number);
}

function checkAppend(
  history: readonly ListAppendTxn[],
  finals: readonly FinalState[],
): WorkloadVerdict {
  const keys = new Set<number>();
  for (const txn of history) for (const op of txn.ops) keys.add(op.key as number);
  const notes: string[] = [];
  const finalReads: FinalRead[] = [];
  for (const final of finals) {
    const byKey = new Map<number, number[]>();
    for (const row of final.rows.get('chaos.la') ?? []) byKey.set(Number(row.k), parseList(row.v));
    for (const key of byKey.keys())
      if (!keys.has(key)) notes.push(`${final.node} holds key ${key}, which no transaction wrote`);
    for (const key of keys) finalReads.push({ key, value: byKey.get(key) ?? [], node: final.node });
  }
  const result = checkListAppend(history, {
    model: 'snapshot-isolation',
    finalReads,
    limits: { anomaliesPerKindMax: ANOMALIES_PER_KIND_MAX },
  });
  const unknownKeys: Anomaly[] = notes.map((explanation) => ({
    kind: 'unknown-key',
    txns: [],
    explanation,
  }));
  return {
    anomalies: [...result.anomalies, ...unknownKeys],
    allowed: result.allowed,
    lostCommits: lostAppends(history, finalReads),
    notes: result.notes,
  };
}

/** Acknowledged appends missing from at least one node's final read of their key. */
function lostAppends(history: readonly ListAppendTxn[], finalReads: readonly FinalRead[]): number {
  const present = new Map<string, Set<number>>();
  for (const read of finalReads) present.set(`${read.node}/${read.key}`, new Set(read.value));
  const nodes = [...new Set(finalReads.map((r) => r.node))];
  let lost = 0;
  for (const txn of history) {
    if (txn.status !== 'ok') continue;
    for (const op of txn.ops) {
      if (op.f !== 'append') continue;
      if (nodes.some((node) => present.get(`${node}/${op.key}`)?.has(op.value) !== true)) lost++;
    }
  }
  return lost;
}

// ---- bank ----

const BANK_ACCOUNTS = 5;
const BANK_INITIAL = 100;
const BANK_AMOUNT_MAX = 5;
const BANK_READ_CHANCE = 0.3;

interface TransferRecord {
  readonly id: number;
  readonly status: TxnStatus;
  readonly from: number;
  readonly to: number;
  readonly amount: number;
}

export function bankWorkload(now: () => number): Workload {
  const history: BankTxn[] = [];
  const transfers: TransferRecord[] = [];
  let nextId = 1;
  const accountIds = Array.from({ length: BANK_ACCOUNTS }, (_, i) => i + 1);
  const inserts = accountIds.map((id) => `(${id}, ${BANK_INITIAL})`).join(', ');

  const record = (
    client: ChaosClient,
    id: number,
    outcome: TxnOutcome,
    log: (event: HistoryEvent) => void,
    value: unknown,
  ): void =>
    log({
      type: outcome.status,
      process: client.process,
      id,
      timeMs: now(),
      value,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });

  return {
    name: 'bank',
    schema: [
      'CREATE TABLE chaos.acc (id INT PRIMARY KEY, bal INT NOT NULL)',
      'CREATE TABLE chaos.xfer (id INT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, amount INT NOT NULL)',
      `INSERT INTO chaos.acc (id, bal) VALUES ${inserts}`,
    ],
    tables: [
      { name: 'chaos.acc', orderBy: 'id' },
      { name: 'chaos.xfer', orderBy: 'id' },
    ],
    async runOne(client, rng, log) {
      const id = nextId++;
      if (rng.chance(BANK_READ_CHANCE)) {
        log({ type: 'invoke', process: client.process, id, timeMs: now(), value: 'read' });
        let seen: Balances | null = null;
        const outcome = await client.transaction(async (query) => {
          seen = balances(await query('SELECT id, bal FROM chaos.acc ORDER BY id'));
          return true;
        });
        history.push({
          id,
          process: client.process,
          status: outcome.status,
          f: 'read',
          value: seen,
        });
        record(client, id, outcome, log, seen);
        return outcome;
      }
      const from = accountIds[rng.int(BANK_ACCOUNTS)]!;
      const to = accountIds[(from + rng.int(BANK_ACCOUNTS - 1)) % BANK_ACCOUNTS]!;
      const amount = 1 + rng.int(BANK_AMOUNT_MAX);
      const value = { from: String(from), to: String(to), amount };
      log({ type: 'invoke', process: client.process, id, timeMs: now(), value });
      const outcome = await client.transaction((query) => transfer(query, id, from, to, amount));
      if (outcome.error !== 'client-rollback') {
        history.push({ id, process: client.process, status: outcome.status, f: 'transfer', value });
        transfers.push({ id, status: outcome.status, from, to, amount });
      }
      record(client, id, outcome, log, value);
      return outcome;
    },
    check(finals) {
      return checkBankState(history, transfers, accountIds, finals);
    },
  };
}

/** The lost-update shape: both balances read, then written as absolute values. */
async function transfer(
  query: Query,
  id: number,
  from: number,
  to: number,
  amount: number,
): Promise<boolean> {
  const a = Number((await query('SELECT bal FROM chaos.acc WHERE id = ?', [from]))[0]?.bal);
  const b = Number((await query('SELECT bal FROM chaos.acc WHERE id = ?', [to]))[0]?.bal);
  // Not enough money (or a missing row, NaN): roll back rather than write a bad value.
  if (!(a >= amount) || !(b >= 0)) return false;
  await query('UPDATE chaos.acc SET bal = ? WHERE id = ?', [a - amount, from]);
  await query('UPDATE chaos.acc SET bal = ? WHERE id = ?', [b + amount, to]);
  await query('INSERT INTO chaos.xfer (id, src, dst, amount) VALUES (?, ?, ?, ?)', [
    id,
    from,
    to,
    amount,
  ]);
  return true;
}

function balances(rows: readonly Record<string, unknown>[]): Balances {
  return Object.fromEntries(rows.map((row) => [String(row.id), Number(row.bal)]));
}

function checkBankState(
  history: readonly BankTxn[],
  transfers: readonly TransferRecord[],
  accountIds: readonly number[],
  finals: readonly FinalState[],
): WorkloadVerdict {
  const result = checkBank(history, {
    accounts: accountIds.map(String),
    total: accountIds.length * BANK_INITIAL,
    finalReads: finals.map((f) => ({
      node: f.node,
      value: balances(f.rows.get('chaos.acc') ?? []),
    })),
    anomaliesPerKindMax: ANOMALIES_PER_KIND_MAX,
  });
  const anomalies: Anomaly[] = [...result.anomalies];
  const lost = new Set<number>();
  for (const final of finals) {
    const found = accountTransfers(final, transfers, anomalies);
    for (const t of transfers) if (t.status === 'ok' && !found.has(t.id)) lost.add(t.id);
    checkAccounting(final, accountIds, found, anomalies);
  }
  for (const id of lost) {
    anomalies.push({
      kind: 'lost-transfer',
      txns: [id],
      explanation: `T${id} committed a transfer that a node's chaos.xfer lacks`,
    });
  }
  return { anomalies, allowed: [], lostCommits: lost.size, notes: result.notes };
}

/** The node's logged transfers; an aborted or unknown one there is an anomaly. */
function accountTransfers(
  final: FinalState,
  transfers: readonly TransferRecord[],
  anomalies: Anomaly[],
): Map<number, TransferRecord> {
  const byId = new Map(transfers.map((t) => [t.id, t]));
  const found = new Map<number, TransferRecord>();
  for (const row of final.rows.get('chaos.xfer') ?? []) {
    const id = Number(row.id);
    const t = byId.get(id);
    const same =
      t !== undefined &&
      t.from === Number(row.src) &&
      t.to === Number(row.dst) &&
      t.amount === Number(row.amount);
    if (!same) {
      anomalies.push({
        kind: 'unknown-transfer',
        txns: [id],
        explanation: `${final.node} logs transfer ${id} as ${JSON.stringify(row)}, which no client made`,
      });
      continue;
    }
    if (t.status === 'fail') {
      anomalies.push({
        kind: 'aborted-transfer-visible',
        txns: [id],
        explanation: `T${id} failed, yet ${final.node} logs its transfer (aborted write visible)`,
      });
    }
    found.set(id, t);
  }
  return found;
}

/** Each final balance must be the initial one plus the node's logged transfers in and out. */
function checkAccounting(
  final: FinalState,
  accountIds: readonly number[],
  found: ReadonlyMap<number, TransferRecord>,
  anomalies: Anomaly[],
): void {
  const expected = new Map(accountIds.map((id) => [id, BANK_INITIAL]));
  for (const t of found.values()) {
    expected.set(t.from, expected.get(t.from)! - t.amount);
    expected.set(t.to, expected.get(t.to)! + t.amount);
  }
  const actual = balances(final.rows.get('chaos.acc') ?? []);
  const wrong = accountIds.filter((id) => actual[String(id)] !== expected.get(id));
  if (wrong.length === 0) return;
  const shown = wrong.map((id) => `${id}: ${actual[String(id)]} not ${expected.get(id)}`);
  anomalies.push({
    kind: 'accounting-mismatch',
    txns: [],
    explanation:
      `${final.node}'s balances differ from the initial ones plus the ${found.size} ` +
      `transfers it logs (${shown.join(', ')}): some committed transfer's update was lost`,
  });
}
