// The guard in the WHEN of every MySQL trigger (sql's emit-objects.ts names the same two
// functions): triggers fire on the connection that runs client statements and nowhere else, so
// the applier, which writes the row images a trigger already produced at the origin, never
// fires them again (docs/design/sql.md, "Triggers").
import type Database from 'better-sqlite3';

export const TRIGGER_GUARD = '_trireme_fires';
export const TRIGGER_SUSPEND = '_trireme_suspend';

/**
 * Registers the guard on one connection: always 0 unless `fires`; on the session connection 1,
 * except while a trigger writes back its `SET NEW.c = …` assignments (suspended). Returns the
 * reset to call before each client statement: a write-back that failed (NOT NULL, a duplicate)
 * ends its statement before it could lift the suspension.
 */
export function installTriggerGuard(db: Database.Database, fires: boolean): TriggerGuard {
  let suspended = false;
  let quiet = false;
  db.function(TRIGGER_GUARD, { deterministic: false }, () =>
    fires && !suspended && !quiet ? 1 : 0,
  );
  db.function(TRIGGER_SUSPEND, { deterministic: false }, (on: unknown) => {
    suspended = Number(on) !== 0;
    return null;
  });
  return {
    reset: () => {
      suspended = false;
    },
    quietly: <T>(write: () => T): T => {
      quiet = true;
      try {
        return write();
      } finally {
        quiet = false;
      }
    },
  };
}

export interface TriggerGuard {
  /** Lifts a write-back's suspension that a failed statement left behind. */
  reset(): void;
  /**
   * Runs `write` with every trigger off: a stash written back (restore.ts) holds the rows its
   * triggers already wrote, so they must not fire again.
   */
  quietly<T>(write: () => T): T;
}
