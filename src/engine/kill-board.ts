// Which statement each session runs, in shared memory, so that a KILL QUERY read on another
// thread (the connection guard, node/connection-guard.ts) reaches a statement even between two
// of its SQLite statements, when nothing of it is armed for trireme_kill (storage/execute.ts).
// A slot per session holds two Int32s: the number of the statement it runs (0: none) and the
// number of the statement a KILL QUERY asked to stop. The session checks before each SQLite
// statement; a request for a statement that has ended matches no later one.
export class KillBoard {
  private readonly cells: Int32Array;
  private readonly free: number[] = [];
  private statementNext = 1;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(KILL_BOARD_SLOTS * 8)) {
    this.cells = new Int32Array(buffer);
    for (let slot = this.cells.length / 2 - 1; slot >= 0; slot--) this.free.push(slot);
  }

  /** A slot for a new session, or -1 when all are taken (its statements are then not tracked). */
  take(): number {
    return this.free.pop() ?? -1;
  }

  release(slot: number): void {
    if (slot < 0) return;
    Atomics.store(this.cells, slot * 2, 0);
    Atomics.store(this.cells, slot * 2 + 1, 0);
    this.free.push(slot);
  }

  /** Marks the start of the slot's statement; returns its number. */
  begin(slot: number): number {
    const statement = this.statementNext;
    this.statementNext = statement >= 0x7fffffff ? 1 : statement + 1;
    if (slot >= 0) Atomics.store(this.cells, slot * 2, statement);
    return statement;
  }

  /** Marks the end of the slot's statement. */
  end(slot: number): void {
    if (slot >= 0) Atomics.store(this.cells, slot * 2, 0);
  }

  /** Whether a KILL QUERY asked to stop `statement` of the slot. */
  killRequested(slot: number, statement: number): boolean {
    return slot >= 0 && Atomics.load(this.cells, slot * 2 + 1) === statement;
  }
}

/** Sessions the board tracks at once; more run untracked (a kill then reaches armed statements only). */
export const KILL_BOARD_SLOTS = 65_536;

/**
 * The other thread's side: asks to stop the statement the slot runs now; false if it runs
 * none.
 */
export function requestKill(buffer: SharedArrayBuffer, slot: number): boolean {
  const cells = new Int32Array(buffer);
  if (slot < 0 || slot * 2 + 1 >= cells.length) return false;
  const statement = Atomics.load(cells, slot * 2);
  if (statement === 0) return false;
  Atomics.store(cells, slot * 2 + 1, statement);
  return true;
}
