// KILL QUERY from another thread: the calls of native/collations/deadline.c that act on other
// connections of the process, made through a connection of this thread's own.
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteDatabase } from './sqlite.js';

export class StatementKiller {
  private readonly db: BetterSqlite3.Database = new SqliteDatabase(':memory:');
  private readonly killStatement = this.db
    .prepare<[number], number>('SELECT trireme_kill(?)')
    .pluck();
  private readonly armedStatement = this.db.prepare<[], string>('SELECT trireme_armed()').pluck();
  private readonly dupStatement = this.db
    .prepare<[number], number>('SELECT trireme_dup(?)')
    .pluck();

  /**
   * Stops the SQLite statements armed for MySQL connection `connectionId` (storage/execute.ts),
   * on whatever thread they run; answers how many there were.
   */
  kill(connectionId: number): number {
    return this.killStatement.get(connectionId) ?? 0;
  }

  /** The MySQL connections running a statement armed now, and for how many ms it has run. */
  running(): Map<number, number> {
    const running = new Map<number, number>();
    for (const pair of (this.armedStatement.get() ?? '').split(' ')) {
      const [id, ms] = pair.split(':').map(Number);
      if (id !== undefined && ms !== undefined && id > 0) running.set(id, ms);
    }
    return running;
  }

  /** A new file descriptor for the same open file as `fd` (dup(2); Node has none). */
  duplicate(fd: number): number {
    const copy = this.dupStatement.get(fd);
    if (copy === undefined) throw new Error(`cannot duplicate file descriptor ${fd}`);
    return copy;
  }

  close(): void {
    this.db.close();
  }
}
