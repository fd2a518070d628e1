// What a statement does to its session while SQLite computes its rows: `@v := x` assigns a user
// variable row by row (and a statement that assigns one reads every user variable as it is at
// that row: `SELECT @n := @n + 1 FROM t` numbers the rows), and `LAST_INSERT_ID(x)` sets the
// value the next `LAST_INSERT_ID()` answers and the OK packet's insert id. The functions are
// registered on every connection; they act on the effects of the statement running now, set
// around its one synchronous SQLite call (better-sqlite3 runs one statement at a time, as for
// the store function's WriteCheck). Without one (a reader worker, a replay) assignments only
// answer their value and reads answer NULL: the engine never sends such a statement elsewhere.
import type { SqlValue } from '../mysql/index.js';
import {
  LAST_INSERT_ID_GET_FUNCTION,
  LAST_INSERT_ID_SET_FUNCTION,
  USER_VAR_GET_FUNCTION,
  USER_VAR_SET_FUNCTION,
} from '../sql/index.js';
import type { UserFunction } from '../storage/index.js';
import type { SqlValue as StoreValue } from '../codec/index.js';
import { toStore } from './bind.js';
import { narrow } from './metadata.js';

type V = StoreValue;

/** The session state a statement may change. */
export interface EffectTarget {
  readonly userVars: Map<string, SqlValue>;
  lastInsertId: number | bigint;
}

/**
 * One statement's effects on its session: it assigns a copy of the session's user variables,
 * which become the session's when the statement is answered (`commit`), so a statement run
 * again (after a wait, or in a journal replay) starts from the same values.
 */
export class StatementEffects {
  /** The value LAST_INSERT_ID(x) set last in this statement, or null. */
  lastInsertId: bigint | null = null;
  readonly userVars: Map<string, SqlValue>;
  private readonly before: ReadonlyMap<string, SqlValue>;

  constructor(
    private readonly session: EffectTarget,
    before?: ReadonlyMap<string, SqlValue>,
  ) {
    this.before = before ?? new Map(session.userVars);
    this.userVars = new Map(this.before);
  }

  /** The same statement's effects again, from the same values (a replay's). */
  fresh(): StatementEffects {
    return new StatementEffects(this.session, this.before);
  }

  /**
   * The statement is answered: its assignments become the session's, and LAST_INSERT_ID(x)'s
   * value unless the statement generated an id (an INSERT's generated id wins).
   */
  commit(generated = false): void {
    this.session.userVars.clear();
    for (const [name, value] of this.userVars) this.session.userVars.set(name, value);
    if (this.lastInsertId !== null && !generated)
      this.session.lastInsertId = narrow(this.lastInsertId) as number | bigint;
  }
}

let active: StatementEffects | null = null;

/** Runs `fn` (one synchronous SQLite call) with `effects` receiving the statement's effects. */
export function withEffects<T>(effects: StatementEffects | null, fn: () => T): T {
  if (effects === null) return fn();
  const outer = active;
  active = effects;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** LAST_INSERT_ID(x)'s value: x rounded to an unsigned 64-bit integer, as MySQL converts it. */
function insertIdOf(value: V): bigint {
  let n = 0n;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isFinite(value))
    n = BigInt(Math.sign(value) * Math.round(Math.abs(value)));
  else if (typeof value === 'string') {
    const match = /^\s*[-+]?\d+/.exec(value);
    if (match !== null) n = BigInt(match[0].trim());
  }
  return BigInt.asUintN(64, n);
}

/** SQLite holds signed 64-bit integers: an id above them is answered as its digits. */
const INT64_MAX = 2n ** 63n - 1n;

export function effectFunctions(): UserFunction[] {
  return [
    {
      name: USER_VAR_SET_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (name: V, value: V) => {
        active?.userVars.set(String(name), value === null ? null : narrow(value as SqlValue));
        return value;
      },
    },
    {
      name: USER_VAR_GET_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (name: V) => {
        const value = active?.userVars.get(String(name)) ?? null;
        return toStore(value) as V;
      },
    },
    {
      name: LAST_INSERT_ID_SET_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (value: V) => {
        const id = insertIdOf(value);
        if (active !== null) active.lastInsertId = id;
        if (value === null) return null;
        return id > INT64_MAX ? id.toString() : id;
      },
    },
    {
      // LAST_INSERT_ID() after a LAST_INSERT_ID(x) of the same statement: x; else the
      // session's value, bound when the statement started.
      name: LAST_INSERT_ID_GET_FUNCTION,
      deterministic: false,
      varargs: false,
      fn: (sessionValue: V) => {
        const id = active?.lastInsertId ?? null;
        if (id === null) return sessionValue;
        return id > INT64_MAX ? id.toString() : id;
      },
    },
  ];
}
