// The transaction workloads, in SQL: bank (transfers read two balances with plain SELECTs and
// write both back as absolute values — the lost-update shape — while readers sum every balance),
// list-append (Jepsen's Elle workload: reads and appends of text lists, in transactions and
// autocommit), and ddl (list-append while other clients run CREATE/ALTER/DROP on side tables
// and write to them). Histories go to the checkers in ../history/.
import type { Prng } from '../../../src/core/prng.js';
import type { SqlValue } from '../../../src/mysql/index.js';
import { checkBank, type BankTxn } from '../history/bank.js';
import { checkListAppend, type ListAppendOp, type ListAppendTxn } from '../history/list-append.js';
import { isError, rowsOf, type Clients, type Connection } from './clients.js';
import type { EngineCluster } from './cluster.js';

export type EngineWorkloadName = 'bank' | 'append' | 'ddl';

export interface EngineWorkload {
  /** SQL run once on the template every node starts from. */
  readonly schema: readonly string[];
  /** Starts one random transaction on a node. */
  startTxn(slot: number): void;
  /** Checks the history and the final state read from every node; returns violations. */
  check(finalSlots: readonly number[]): string[];
}

export function engineWorkload(
  name: EngineWorkloadName,
  clients: Clients,
  cluster: EngineCluster,
  rng: Prng,
): EngineWorkload {
  switch (name) {
    case 'bank':
      return bankWorkload(clients, cluster, rng);
    case 'append':
      return appendWorkload(clients, cluster, rng, 8);
    case 'ddl':
      return ddlWorkload(clients, cluster, rng);
  }
}

/** The schema of a workload, without clients (to build the template first). */
export function workloadSchema(name: EngineWorkloadName): readonly string[] {
  return engineWorkload(name, null!, null!, null!).schema;
}

const num = (value: SqlValue | undefined): number => Number(value as number | bigint);

// ---- bank ----

const bankAccounts = 5;
const bankInitial = 100;

function bankWorkload(clients: Clients, cluster: EngineCluster, rng: Prng): EngineWorkload {
  const history: BankTxn[] = [];
  const accounts = Array.from({ length: bankAccounts }, (_, i) => String(i));
  let nextId = 1;

  const read = (slot: number): void => {
    const id = nextId++;
    let seen: Record<string, number> | null = null;
    const oneQuery = rng.chance(0.5);
    clients.start(
      slot,
      async (c) => {
        if (isError(await c.query('BEGIN'))) return 'fail';
        const balances: Record<string, number> = {};
        if (oneQuery) {
          const rows = rowsOf(await c.query('SELECT id, balance FROM bank.accounts ORDER BY id'));
          if (rows === null) return 'fail';
          for (const row of rows) balances[String(num(row[0]))] = num(row[1]);
        } else {
          // One account per statement: a read skew between them would show.
          for (const account of accounts) {
            const rows = rowsOf(
              await c.query(`SELECT balance FROM bank.accounts WHERE id = ${account}`),
            );
            if (rows === null) return 'fail';
            if (rows[0] !== undefined) balances[account] = num(rows[0][0]);
          }
        }
        seen = balances;
        return c.commit();
      },
      (status) => {
        if (seen !== null) history.push({ id, process: slot, status, f: 'read', value: seen });
      },
    );
  };

  const transfer = (slot: number): void => {
    const id = nextId++;
    const from = rng.int(bankAccounts);
    const to = (from + 1 + rng.int(bankAccounts - 1)) % bankAccounts;
    const amount = 1 + rng.int(20);
    clients.start(
      slot,
      async (c) => {
        if (isError(await c.query('BEGIN'))) return 'fail';
        const balance = async (account: number): Promise<number | null> => {
          const rows = rowsOf(
            await c.query(`SELECT balance FROM bank.accounts WHERE id = ${account}`),
          );
          return rows?.[0] === undefined ? null : num(rows[0][0]);
        };
        const fromBalance = await balance(from);
        if (fromBalance === null) return 'fail';
        const toBalance = await balance(to);
        if (toBalance === null) return 'fail';
        if (fromBalance < amount) return c.commit(); // not enough money: commits nothing
        const debit = `UPDATE bank.accounts SET balance = ${fromBalance - amount} WHERE id = ${from}`;
        if (isError(await c.query(debit))) return 'fail';
        const credit = `UPDATE bank.accounts SET balance = ${toBalance + amount} WHERE id = ${to}`;
        if (isError(await c.query(credit))) return 'fail';
        return c.commit();
      },
      (status) =>
        history.push({
          id,
          process: slot,
          status,
          f: 'transfer',
          value: { from: String(from), to: String(to), amount },
        }),
    );
  };

  return {
    schema: [
      'CREATE DATABASE bank',
      'CREATE TABLE bank.accounts (id INT PRIMARY KEY, balance INT NOT NULL)',
      `INSERT INTO bank.accounts VALUES ${accounts.map((a) => `(${a}, ${bankInitial})`).join(', ')}`,
    ],
    startTxn(slot) {
      if (rng.chance(0.4)) read(slot);
      else transfer(slot);
    },
    check(finalSlots) {
      const finalReads = finalSlots.flatMap((slot) => {
        const rows = cluster.readAll(slot, 'SELECT id, balance FROM "bank.accounts" ORDER BY id');
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

interface AppendState {
  readonly history: ListAppendTxn[];
  nextId: number;
  nextValue: number;
}

const parseList = (value: SqlValue | undefined): number[] =>
  typeof value === 'string' && value.length > 0 ? value.split(' ').map(Number) : [];

/** One list-append transaction: 1–4 micro-ops; a single one may run in autocommit. */
function appendTxn(
  clients: Clients,
  state: AppendState,
  rng: Prng,
  slot: number,
  keyCount: number,
): void {
  const id = state.nextId++;
  const ops: ListAppendOp[] = [];
  const plan: { f: 'r' | 'append'; key: number; value: number }[] = [];
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const key = rng.int(keyCount);
    const roll = rng.int(3);
    // Reads, appends, and read-then-append of one key (what a lost update needs to show).
    if (roll !== 1) plan.push({ f: 'r', key, value: 0 });
    if (roll !== 0) plan.push({ f: 'append', key, value: state.nextValue++ });
  }
  const autocommit = plan.length === 1 && rng.chance(0.3);
  const run = async (c: Connection, sql: string): Promise<boolean> => {
    const result = await c.query(sql);
    return !isError(result) && (rowsOf(result) !== null || result.kind === 'ok');
  };
  clients.start(
    slot,
    async (c) => {
      if (!autocommit && !(await run(c, 'BEGIN'))) return 'fail';
      for (const op of plan) {
        if (op.f === 'r') {
          const result = await c.query(`SELECT v FROM la.kv WHERE k = ${op.key}`);
          const rows = rowsOf(result);
          if (rows === null) return 'fail';
          ops.push({
            f: 'r',
            key: op.key,
            value: rows[0] === undefined ? [] : parseList(rows[0][0]),
          });
          if (autocommit) return 'ok';
          continue;
        }
        const sql = `INSERT INTO la.kv (k, v) VALUES (${op.key}, '${op.value}') ON DUPLICATE KEY UPDATE v = CONCAT(v, ' ', VALUES(v))`;
        ops.push({ f: 'append', key: op.key, value: op.value });
        if (autocommit) return c.commit(sql);
        if (!(await run(c, sql))) return 'fail';
      }
      return c.commit();
    },
    (status) => {
      if (ops.length > 0) state.history.push({ id, process: slot, status, ops: [...ops] });
    },
  );
}

function checkAppend(
  state: AppendState,
  cluster: EngineCluster,
  finalSlots: readonly number[],
): string[] {
  const finalReads = finalSlots.flatMap((slot) => {
    const rows = cluster.readAll(slot, 'SELECT k, v FROM "la.kv" ORDER BY k');
    return rows === null
      ? []
      : rows.map((r) => ({
          key: Number(r[0] as bigint),
          value: parseList(r[1] as SqlValue),
          node: `n${slot + 1}`,
        }));
  });
  const result = checkListAppend(state.history, { model: 'snapshot-isolation', finalReads });
  return result.valid
    ? []
    : [
        `list-append anomalies: ${[...new Set(result.anomalies.map((a) => a.kind))].join(', ')}`,
        ...result.anomalies.slice(0, 3).map((a) => `${a.kind}: ${a.explanation}`),
      ];
}

const appendSchema = [
  'CREATE DATABASE la',
  'CREATE TABLE la.kv (k INT PRIMARY KEY, v TEXT NOT NULL)',
];

function appendWorkload(
  clients: Clients,
  cluster: EngineCluster,
  rng: Prng,
  keyCount: number,
): EngineWorkload {
  const state: AppendState = { history: [], nextId: 1, nextValue: 1 };
  return {
    schema: appendSchema,
    startTxn: (slot) => appendTxn(clients, state, rng, slot, keyCount),
    check: (finalSlots) => checkAppend(state, cluster, finalSlots),
  };
}

// ---- ddl: TOI racing DML ----

const sideTables = 3;

function ddlStatement(rng: Prng): string {
  const table = `side.t${rng.int(sideTables)}`;
  const m = rng.int(3);
  switch (rng.int(7)) {
    case 0:
      return `CREATE TABLE IF NOT EXISTS ${table} (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)`;
    case 1:
      return `DROP TABLE IF EXISTS ${table}`;
    case 2:
      return `ALTER TABLE ${table} ADD COLUMN c${m} INT NOT NULL DEFAULT ${m}`;
    case 3:
      return `ALTER TABLE ${table} DROP COLUMN c${m}`;
    case 4:
      return `CREATE INDEX i${m} ON ${table} (v)`;
    case 5:
      return `DROP INDEX i${m} ON ${table}`;
    default:
      return `TRUNCATE TABLE ${table}`;
  }
}

function ddlWorkload(clients: Clients, cluster: EngineCluster, rng: Prng): EngineWorkload {
  const state: AppendState = { history: [], nextId: 1, nextValue: 1 };
  const ddl = (slot: number): void => {
    const sql = ddlStatement(rng);
    clients.start(
      slot,
      (c) => c.commit(sql),
      () => {},
    );
  };
  const sideWrite = (slot: number): void => {
    const a = rng.int(sideTables);
    const b = rng.int(sideTables);
    const id = rng.int(4);
    const other = rng.int(4);
    clients.start(
      slot,
      async (c) => {
        if (isError(await c.query('BEGIN'))) return 'fail';
        const upsert = `INSERT INTO side.t${a} (id, v) VALUES (${id}, 1) ON DUPLICATE KEY UPDATE v = v + 1`;
        if (isError(await c.query(upsert))) return 'fail';
        if (isError(await c.query(`UPDATE side.t${b} SET v = v + 1 WHERE id = ${other}`)))
          return 'fail';
        return c.commit();
      },
      () => {},
    );
  };
  return {
    schema: [
      ...appendSchema,
      'CREATE DATABASE side',
      ...Array.from(
        { length: sideTables },
        // The last one keyed by a VARCHAR: its rows keep a rowid that no row image carries (until
        // a DDL recreates it with an INT key).
        (_, i) =>
          `CREATE TABLE side.t${i} (id ${i === sideTables - 1 ? 'VARCHAR(4)' : 'INT'} PRIMARY KEY, v INT NOT NULL DEFAULT 0)`,
      ),
    ],
    startTxn(slot) {
      const roll = rng.int(100);
      if (roll < 20) ddl(slot);
      else if (roll < 55) sideWrite(slot);
      else appendTxn(clients, state, rng, slot, 6);
    },
    check: (finalSlots) => checkAppend(state, cluster, finalSlots),
  };
}
