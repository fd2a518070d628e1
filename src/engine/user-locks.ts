// MariaDB's user-level locks (GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK,
// RELEASE_ALL_LOCKS): named, held by a connection, reentrant (a holder's GET_LOCK counts up and
// each RELEASE_LOCK down), released when the connection ends. They are this node's: like every
// MariaDB Galera node's, they are not replicated (README, "MariaDB's answers").
//
// The lock functions run where the session can wait: before a SELECT without tables (dml.ts,
// lockFirst), in the order they appear, with their answers handed to the SQLite functions of the
// statement as it runs (withLockAnswers). Elsewhere (a statement that reads tables) they refuse
// with 1235 rather than answer without locking.
import type { SqlValue } from '../codec/index.js';
import { ValueRefusal } from '../storage/index.js';
import { mysqlError, refusedWith } from './errors.js';

/** MariaDB's longest lock name (longer ones are refused: ER_USER_LOCK_WRONG_NAME). */
export const USER_LOCK_NAME_MAX = 64;

export const USER_LOCK_FUNCTIONS = [
  'GET_LOCK',
  'RELEASE_LOCK',
  'IS_FREE_LOCK',
  'IS_USED_LOCK',
  'RELEASE_ALL_LOCKS',
] as const;
export type UserLockFunction = (typeof USER_LOCK_FUNCTIONS)[number];

interface Held {
  owner: number;
  count: number;
  /** Connections waiting for it, woken in order as it is freed. */
  readonly waiters: (() => void)[];
}

/** Lock names compare byte for byte: in MariaDB 'a' and 'A' are two locks. */
export class UserLocks {
  private readonly held = new Map<string, Held>();

  /** 1 once `owner` holds `name`, 0 when `timeoutMs` passed first (negative: no limit). */
  async acquire(
    name: string,
    owner: number,
    timeoutMs: number,
    onInterrupt: (stop: (() => void) | null) => void,
  ): Promise<1 | 0 | 'interrupted'> {
    if (this.take(name, owner)) return 1;
    if (timeoutMs === 0) return 0;
    const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return 0;
      const lock = this.held.get(name)!;
      let waiter: (() => void) | null = null;
      const woken = await new Promise<'freed' | 'timeout' | 'interrupted'>((resolve) => {
        const timer =
          left === Infinity
            ? undefined
            : setTimeout(() => resolve('timeout'), Math.min(left, 2 ** 31 - 1));
        waiter = (): void => {
          clearTimeout(timer);
          resolve('freed');
        };
        lock.waiters.push(waiter);
        onInterrupt(() => {
          clearTimeout(timer);
          resolve('interrupted');
        });
      });
      onInterrupt(null);
      const at = lock.waiters.indexOf(waiter!);
      if (at >= 0) lock.waiters.splice(at, 1);
      this.forget(name);
      if (woken === 'interrupted') return 'interrupted';
      if (this.take(name, owner)) return 1;
      if (woken === 'timeout') return 0;
    }
  }

  /** 1 when `owner` held it (one count less), 0 when another does, null when nobody does. */
  release(name: string, owner: number): 1 | 0 | null {
    const lock = this.held.get(name);
    if (lock === undefined || lock.count === 0) return null;
    if (lock.owner !== owner) return 0;
    lock.count--;
    if (lock.count === 0) this.free(name, lock);
    return 1;
  }

  isFree(name: string): 1 | 0 {
    return (this.held.get(name)?.count ?? 0) > 0 ? 0 : 1;
  }

  /** The holder's connection id, or null. */
  holder(name: string): number | null {
    const lock = this.held.get(name);
    return lock === undefined || lock.count === 0 ? null : lock.owner;
  }

  /** Releases every lock of `owner` (RELEASE_ALL_LOCKS, a connection's end): the counts freed. */
  releaseAll(owner: number): number {
    let released = 0;
    for (const [name, lock] of [...this.held]) {
      if (lock.owner !== owner || lock.count === 0) continue;
      released += lock.count;
      lock.count = 0;
      this.free(name, lock);
    }
    return released;
  }

  private take(name: string, owner: number): boolean {
    const lock = this.held.get(name);
    if (lock === undefined) {
      this.held.set(name, { owner, count: 1, waiters: [] });
      return true;
    }
    if (lock.count > 0 && lock.owner !== owner) {
      return false;
    }
    lock.owner = owner;
    lock.count++;
    return true;
  }

  private free(k: string, lock: Held): void {
    const next = lock.waiters.shift();
    if (next === undefined) this.held.delete(k);
    else next();
  }

  /** Drops a free lock nobody waits for any more (a waiter timed out or was interrupted). */
  private forget(name: string): void {
    const lock = this.held.get(name);
    if (lock !== undefined && lock.count === 0 && lock.waiters.length === 0) this.held.delete(name);
  }
}

let answers: SqlValue[] | null = null;

/** Runs `fn` (the statement's one synchronous SQLite call) with the lock functions' answers. */
export function withLockAnswers<T>(list: SqlValue[], fn: () => T): T {
  const outer = answers;
  answers = list;
  try {
    return fn();
  } finally {
    answers = outer;
  }
}

/** The SQLite function of a lock function: the answer lockFirst found for it. */
export function nextLockAnswer(fn: UserLockFunction): SqlValue {
  if (answers === null || answers.length === 0)
    throw new ValueRefusal(
      refusedWith(
        mysqlError(
          1235,
          '42000',
          `This version of MariaDB doesn't yet support '${fn} other than in a SELECT without tables'`,
        ),
      ),
    );
  return answers.shift()!;
}
