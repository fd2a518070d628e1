// The bank checker (after Jepsen's bank workload): accounts start with a fixed total; transfers
// read two balances and write both; reads read every balance. Under snapshot isolation every
// committed read sees a consistent snapshot, so it sees every account, the whole total and no
// negative balance. A read that does not is reported with the accounts and the total it saw.
import { assert } from '../../../src/core/assert.js';
import { Reporter, type Anomaly, type TxnId, type TxnStatus } from './history.js';

export type Account = string;

export type Balances = Readonly<Record<Account, number>>;

export interface Transfer {
  readonly from: Account;
  readonly to: Account;
  readonly amount: number;
}

export type BankTxn =
  | {
      readonly id: TxnId;
      readonly process: number | string;
      readonly status: TxnStatus;
      readonly f: 'read';
      /** Every account's balance as read; null when the read's result is unknown. */
      readonly value: Balances | null;
    }
  | {
      readonly id: TxnId;
      readonly process: number | string;
      readonly status: TxnStatus;
      readonly f: 'transfer';
      readonly value: Transfer;
    };

export interface BankFinalRead {
  readonly node?: string;
  readonly value: Balances;
}

export type BankAnomalyKind = 'wrong-total' | 'negative-balance' | 'wrong-accounts';

export interface BankOptions {
  readonly accounts: readonly Account[];
  readonly total: number;
  readonly finalReads?: readonly BankFinalRead[];
  /** Anomalies listed per kind; the rest are counted in `notes`. */
  readonly anomaliesPerKindMax?: number;
}

export interface BankResult {
  readonly valid: boolean;
  readonly anomalies: readonly Anomaly<BankAnomalyKind>[];
  readonly notes: readonly string[];
  readonly readsChecked: number;
}

export const BANK_ANOMALIES_PER_KIND_MAX = 20;

export function checkBank(history: readonly BankTxn[], options: BankOptions): BankResult {
  assert(options.accounts.length > 0, 'a bank has accounts');
  assert(Number.isFinite(options.total), 'the total is a number');
  const report = new Reporter<BankAnomalyKind>(
    options.anomaliesPerKindMax ?? BANK_ANOMALIES_PER_KIND_MAX,
  );
  let readsChecked = 0;
  for (const txn of history) {
    if (txn.f !== 'read' || txn.status !== 'ok' || txn.value === null) continue;
    checkRead(report, options, `T${txn.id}`, [txn.id], txn.value);
    readsChecked++;
  }
  for (const read of options.finalReads ?? []) {
    const label = read.node === undefined ? 'the final read' : `the final read on ${read.node}`;
    checkRead(report, options, label, [], read.value);
    readsChecked++;
  }
  return {
    valid: report.anomalies.length === 0,
    anomalies: report.anomalies,
    notes: report.omissions(),
    readsChecked,
  };
}

function checkRead(
  report: Reporter<BankAnomalyKind>,
  options: BankOptions,
  label: string,
  txns: readonly TxnId[],
  balances: Balances,
): void {
  const missing = options.accounts.filter((account) => !Object.hasOwn(balances, account));
  const expected = new Set(options.accounts);
  const unknown = Object.keys(balances).filter((account) => !expected.has(account));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      missing.length > 0 ? `lacks ${missing.join(', ')}` : '',
      unknown.length > 0 ? `has unknown ${unknown.join(', ')}` : '',
    ].filter((part) => part !== '');
    report.add('wrong-accounts', txns, `${label} read accounts that ${parts.join(' and ')}`);
  }
  const entries = Object.entries(balances);
  const negative = entries.filter(([, balance]) => !(balance >= 0));
  if (negative.length > 0) {
    const shown = negative.map(([account, balance]) => `${account} = ${balance}`).join(', ');
    report.add('negative-balance', txns, `${label} read negative balances: ${shown}`);
  }
  const total = entries.reduce((sum, [, balance]) => sum + balance, 0);
  if (total !== options.total) {
    const shown = entries.map(([account, balance]) => `${account} = ${balance}`).join(', ');
    report.add(
      'wrong-total',
      txns,
      `${label} read a total of ${total}, not ${options.total} (${shown})`,
    );
  }
}
