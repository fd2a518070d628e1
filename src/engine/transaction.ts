// A local transaction: its read snapshot, its writer lease, its journal (how to run it again on
// a newer state), its keys in flight, and its commit. The session decides which statement runs;
// this class decides where and at what state, and certifies the result.
// See docs/design/engine.md, "Snapshot isolation" and "Transactions".
import { isDeepStrictEqual } from 'node:util';
import { assert } from '../core/assert.js';
import { index } from '../core/types.js';
import type { CertificationKey, WriteSet } from '../codec/index.js';
import type { ErrorResult, OkResult, RowsResult } from '../mysql/index.js';
import type { DmlStatement, DmlTranslation } from '../sql/index.js';
import {
  stashWriteSet,
  type ReadSnapshot,
  type Stash,
  type WriterLease,
} from '../storage/index.js';
import type { TraceToken } from './commit-trace.js';
import type { Engine } from './engine.js';
import {
  deadlock,
  fromLocalError,
  fromReaderError,
  fromWriterWait,
  lockWaitTimeout,
  mysqlError,
  notPrimary,
} from './errors.js';
import { keyId, waitSettled, type InFlight } from './in-flight.js';
import {
  done,
  isAttempt,
  isError,
  killed,
  ok,
  type Attempt,
  type Counters,
  type Outcome,
} from './outcome.js';
import { queryInterrupted } from './read-pool.js';
import type { ReplicationOutcome } from './replicator.js';

/** What a transaction needs of its session. */
export interface TransactionHost {
  readonly engine: Engine;
  readonly ownerId: string;
  /** True once the session ended (KILL, disconnect). */
  readonly closed: boolean;
  /** innodb_lock_wait_timeout in milliseconds. */
  lockWaitMs(): number;
  counters(): Counters;
  restoreCounters(seen: Counters): void;
  /** Registers the function that ends the statement's current wait (KILL QUERY). */
  onWait(stop: (() => void) | null): void;
  /** Runs `fn` without the statement's deadline (max_statement_time). */
  withoutStop<T>(fn: () => T): T;
}

/** A statement of the transaction: how to run it again, and what its client saw. */
interface JournalEntry {
  readonly run: (lease: WriterLease) => Outcome;
  readonly outcome: Outcome;
}

/**
 * Statements and bytes (statement text, values, results) a transaction's journal keeps; beyond
 * either, the transaction cannot run again, and a key in flight gets it 1213.
 */
const JOURNAL_STATEMENTS_MAX = 10_000;
const JOURNAL_BYTES_MAX = 16 << 20;

/**
 * Row changes past which a transaction keeps the writer between statements instead of being
 * stashed: a stash and its restore read and write every changed row again (about 10 µs a row),
 * so a bulk load in one transaction would pay that at each of its statements.
 */
export const STASH_ROWS_MAX = 1_000;

/** A local write-set handed to the replicator, with its keys in flight. */
export interface Replicating {
  readonly inFlight: InFlight;
  readonly outcome: Promise<ReplicationOutcome>;
}

/**
 * Where the transaction is:
 * - `reading`: no write yet; reads come from its snapshot (taken at the first read);
 * - `writing`: it holds the writer, or held it until the store stashed it between two statements
 *   for someone else (or the applier brute-force aborted it);
 * - `parked`: it took the writer before and let it go (keys in flight, a rebase, an abort by
 *   the applier, a stash whose next writer was not had); its next statement takes it again and
 *   restores the stash there, or runs the journal;
 * - `ended`: committed or rolled back; nothing more runs.
 */
export type TransactionPhase = 'reading' | 'writing' | 'parked' | 'ended';

export class LocalTransaction {
  private phaseNow: TransactionPhase = 'reading';
  private leaseHeld: WriterLease | null = null;
  private snapshotHeld: ReadSnapshot | null = null;
  /**
   * The changes of a transaction that was stashed and then waited for the writer in vain (1205,
   * KILL QUERY): its next statement restores them, or COMMIT replicates them as they are.
   */
  private stashKept: Stash | null = null;
  /**
   * Stashed changes not written back on the current lease: its point writes of other rows ran
   * without them (acquire's `defer`, `holdsWithoutDeferred`). Disjoint by key from what the
   * lease holds; written back there before anything else runs on it (materialize), or joined
   * with the lease's own stash when the store stashes it.
   */
  private deferred: Stash | null = null;
  /**
   * It keeps the writer between statements, never stashed: it made a savepoint (which lives in
   * the SQLite transaction a stash would roll back), read rows FOR UPDATE / LOCK IN SHARE MODE
   * (a lock: others wait for its end, as for InnoDB's row locks, instead of writing them and
   * making one of the two run again), or changed more than STASH_ROWS_MAX rows.
   */
  private pinned = false;
  /**
   * The applied seqno of the state every answer so far was computed on: the first read's
   * snapshot, then the writer's once the journal showed the answers are the same there. Null
   * before the first statement. The write-set certifies against it (docs/design/engine.md,
   * "Snapshot isolation").
   */
  private seqnoReadNow: number | null = null;
  /**
   * `exact`: the writer's state (before the transaction's own changes) is the one at seqnoRead.
   * `snapshot`: the writer is newer; every statement so far answers as it would at seqnoRead
   * (reads ran there, writes are point writes whose rows certification checks against it).
   */
  private modeNow: 'exact' | 'snapshot' = 'exact';
  /** Keys of rows read by locking reads (FOR UPDATE, LOCK IN SHARE MODE). */
  readonly lockKeys: CertificationKey[] = [];
  /**
   * Every statement of the transaction (reads on its snapshot, statements on the writer), with
   * what its client saw, so that it can run again on a newer state: at its first write, and
   * after letting the writer go to wait for keys in flight (null once it cannot: too long, or a
   * statement that cannot be run again).
   */
  private journal: JournalEntry[] | null = [];
  /** About how many bytes the journal keeps (bounded by JOURNAL_BYTES_MAX). */
  private journalBytes = 0;
  /** The catalog version the journal's statements were translated against (its first's). */
  private catalogVersion: number;
  /** The tables (SQLite names) the journal's statements read or write. */
  private readonly tables = new Set<string>();
  /** Its commit's moments, when the commit trace samples it. */
  private readonly trace: TraceToken | null;

  constructor(
    private readonly host: TransactionHost,
    readonly readOnly: boolean,
  ) {
    this.catalogVersion = host.engine.catalog.version;
    this.trace = host.engine.trace.begin();
  }

  get phase(): TransactionPhase {
    return this.phaseNow;
  }

  get ended(): boolean {
    return this.phaseNow === 'ended';
  }

  /** The writer, while the transaction holds it. */
  get lease(): WriterLease | null {
    return this.leaseHeld;
  }

  get mode(): 'exact' | 'snapshot' {
    return this.modeNow;
  }

  get seqnoRead(): number | null {
    return this.seqnoReadNow;
  }

  /** Whether the transaction's statements must run on the writer (it took it before). */
  get onWriter(): boolean {
    return this.phaseNow === 'writing' || this.phaseNow === 'parked';
  }

  /** Its changes, when they are all set aside (stashed) rather than on the writer. */
  private get stash(): Stash | null {
    if (this.stashKept !== null) return this.stashKept;
    const stashed = this.leaseHeld?.stash ?? null;
    return stashed === null || this.deferred === null
      ? stashed
      : joinStashes(this.deferred, stashed);
  }

  /**
   * Whether its stashed changes (kept or deferred) delete a row of `database`.`table`. An INSERT
   * there most likely puts that key back (sysbench's delete-then-insert): beside the deferred
   * rows it would fail on the old row and run again once they are written back, so it has them
   * written back first.
   */
  stashDeletesIn(database: string, table: string): boolean {
    return (
      deletesIn(this.stashKept, database, table) ||
      deletesIn(this.leaseHeld?.stash ?? null, database, table) ||
      deletesIn(this.deferred, database, table)
    );
  }

  /** Whether stashed changes are left unwritten on the current lease (see deferred). */
  get deferring(): boolean {
    return this.deferred !== null;
  }

  /**
   * Between two statements: the writer may be stashed for whoever asks for it next, so that
   * nobody waits for this transaction's client (docs/design/engine.md, "Stash and restore").
   */
  pause(): void {
    if (this.phaseNow !== 'writing' || this.pinned || this.host.engine.stashOff) return;
    const lease = this.leaseHeld;
    if (lease?.active !== true) return;
    // Row changes only grow (a savepoint, which could undo some, pins anyway).
    const rows = lease.captureMark() + (this.deferred?.changes.rows.length ?? 0);
    if (rows > STASH_ROWS_MAX) this.pinned = true;
    else lease.idle();
  }

  /** Keeps the writer from now on (a savepoint, a locking read: see pinned). */
  pin(): void {
    this.pinned = true;
  }

  // ---------------------------------------------------------------------------- reading

  /** The transaction's read snapshot, taken at its first read (InnoDB's read view). */
  snapshot(): ReadSnapshot | ErrorResult {
    assert(this.phaseNow === 'reading', 'a snapshot read of a transaction on the writer');
    if (this.snapshotHeld !== null) return this.snapshotHeld;
    const snapshot = this.host.engine.store.snapshot();
    if (!snapshot.ok) return fromReaderError(snapshot.error);
    assert(this.seqnoReadNow === null, 'a second snapshot for one transaction');
    this.snapshotHeld = snapshot.value;
    this.seqnoReadNow = snapshot.value.seqno;
    return snapshot.value;
  }

  // ---------------------------------------------------------------------------- the writer

  /**
   * The transaction's writer lease, taken on first need. A transaction that let the writer go
   * to wait for keys in flight, or lost it to the applier (a brute-force abort between two
   * statements), runs its journal again on the new lease (see replay). `defer`: the statement
   * about to run is a point write that may run without the transaction's stash written back
   * (see deferred); the caller then checks holdsWithoutDeferred after it.
   */
  async acquire(defer = false): Promise<WriterLease | Attempt> {
    assert(this.phaseNow !== 'ended', 'the writer for an ended transaction');
    const engine = this.host.engine;
    if (this.leaseHeld !== null) {
      assert(this.phaseNow === 'writing', 'a lease outside the writing phase');
      this.leaseHeld.busy();
      if (this.leaseHeld.active)
        return this.deferred === null || defer ? this.leaseHeld : this.materialize(this.leaseHeld);
      const stash = this.stash;
      this.park();
      // Stashed for someone else between two statements: restored on the new lease below.
      if (stash !== null) this.stashKept = stash;
      // Brute-force aborted by the applier between two statements: without a journal, that
      // ends the transaction (1213).
      else if (this.journal === null) {
        this.end();
        return done(fromLocalError({ kind: 'bf_aborted' }));
      }
    }
    const acquired = await engine.store.acquireWriter(this.host.ownerId, this.host.lockWaitMs());
    if (!acquired.ok) return done(fromWriterWait(acquired.error));
    const lease = acquired.value;
    if (this.ended) {
      // The session ended (KILL, disconnect: both roll the transaction back) while this
      // statement waited: let go at once.
      lease.rollback();
      return done(killed());
    }
    const first = this.phaseNow === 'reading';
    // From here on the transaction reads through the writer, which sees its own changes.
    this.snapshotHeld?.release();
    this.snapshotHeld = null;
    this.leaseHeld = lease;
    this.phaseNow = 'writing';
    const seqnoWriter = lease.seqnoSnapshot;
    if (first) {
      // Nothing read yet (or the canary: earlier reads ignored): the writer's state it is.
      if (this.seqnoReadNow === null || engine.canary === 'writer-snapshot')
        this.seqnoReadNow = seqnoWriter;
      assert(this.seqnoReadNow <= seqnoWriter, 'the writer is older than what the tx read');
      // Reads at an older state stay valid: the transaction stays there while its statements
      // on the writer answer as they would there (snapshot mode; holdsAtSnapshot).
      this.modeNow = this.seqnoReadNow === seqnoWriter ? 'exact' : 'snapshot';
      return lease;
    }
    // Taken again after a stash: its rows are written back, unless one of them changed since
    // the transaction read it (or is in flight): then it runs again as below.
    const stash = this.stashKept;
    this.stashKept = null;
    if (stash !== null) {
      // A point write of other rows needs none of them: they stay aside (deferred) until a
      // statement does, or COMMIT replicates them with the lease's. The checks restore makes
      // run then. Not rows whose writing back checks others (a foreign key's parent may be
      // gone): their restore says so before the statement runs, as it did.
      if (
        defer &&
        !engine.ddlSince(this.tables, this.catalogVersion) &&
        !stash.changes.rows.some((row) => engine.readsOthers(row.table))
      ) {
        this.deferred = stash;
        if (seqnoWriter !== this.seqnoReadNow) this.modeNow = 'snapshot';
        return lease;
      }
      const restored = this.restore(lease, stash);
      if (restored !== null) return restored;
    }
    // Taken again (after a wait for keys in flight, a brute-force abort, a stash that cannot
    // be restored, or a statement that must not run in snapshot mode): the whole journal runs
    // again here, and the transaction goes on at the writer's state only if every answer is the
    // same.
    this.modeNow = 'exact';
    this.seqnoReadNow = seqnoWriter;
    if (this.journal === null) return this.abort();
    if (this.journal.length === 0) return lease;
    return this.replay(lease) ?? lease;
  }

  /**
   * Writes a stash back on a new lease: the transaction goes on as if it had kept the writer,
   * at the state it read (snapshot mode if the writer moved on meanwhile). Null when it cannot
   * (a DDL ran, a row it wrote changed since its snapshot, or does not fit the state): the
   * journal runs instead. Keys in flight make it wait first, as a statement would.
   */
  private restore(lease: WriterLease, stash: Stash): WriterLease | Attempt | null {
    const engine = this.host.engine;
    assert(this.seqnoReadNow !== null, 'a stash without a snapshot');
    if (engine.ddlSince(this.tables, this.catalogVersion)) return null;
    const keys = [...stash.changes.keys, ...this.lockKeys];
    if (engine.inFlight.transactions > 0) {
      const holders = engine.inFlight.holdersOf(keys);
      if (holders.length > 0) return this.metInFlight(holders, this.lockKeys.length);
    }
    if (engine.recentWrites.changedSince(keys, this.seqnoReadNow)) return null;
    if (!lease.restore(stash).ok) return null;
    if (lease.seqnoSnapshot !== this.seqnoReadNow) this.modeNow = 'snapshot';
    return lease;
  }

  /**
   * Writes the deferred changes back on the lease, before a statement that may read them (or
   * COMMIT) runs there; as restore, it may make the transaction wait for keys in flight, or,
   * when a row changed since the snapshot, let the writer go so that the journal runs again.
   */
  private materialize(lease: WriterLease): WriterLease | Attempt {
    const deferred = this.deferred;
    assert(deferred !== null, 'nothing deferred to write back');
    this.deferred = null;
    const restored = this.restore(lease, deferred);
    if (restored !== null) return restored;
    this.park();
    return { kind: 'wait', holders: [] };
  }

  /**
   * After a point write that ran with the changes deferred: whether it answered as it would
   * have with them written back. It did if it changed every row it names (holdsAtSnapshot: it
   * read nothing else) and none of its keys (rows, unique values) is one of theirs. Otherwise
   * the caller undoes it and runs it again after materializeForRerun.
   */
  holdsWithoutDeferred(
    s: DmlStatement,
    translation: DmlTranslation,
    outcome: Outcome,
    keys: readonly CertificationKey[],
  ): boolean {
    const deferred = this.deferred;
    assert(deferred !== null, 'nothing deferred');
    if (!this.holdsAtSnapshot(s, translation, outcome)) return false;
    const theirs = new Set(deferred.changes.keys.map(keyId));
    if (keys.some((key) => theirs.has(keyId(key)))) return false;
    this.host.engine.deferrals++;
    return true;
  }

  /** The deferred changes written back on the lease, so that the statement runs again there. */
  materializeForRerun(lease: WriterLease): Attempt {
    const taken = this.materialize(lease);
    return isAttempt(taken) ? taken : { kind: 'wait', holders: [] };
  }

  /** Lets the writer go (its changes with it); the next statement takes it again. */
  private park(): void {
    assert(this.phaseNow === 'writing', 'parking a transaction that does not hold the writer');
    this.leaseHeld?.rollback();
    this.leaseHeld = null;
    this.deferred = null;
    this.phaseNow = 'parked';
  }

  /**
   * A statement whose answer would hold only on the writer's newer state meets a transaction in
   * snapshot mode: the writer is let go and the transaction runs its whole journal again on a
   * new one (acquire), then the statement.
   */
  rebase(): Attempt {
    assert(this.modeNow === 'snapshot', 'a rebase of a transaction at the writer state');
    if (this.journal === null) return this.abort();
    this.park();
    return { kind: 'wait', holders: [] };
  }

  /**
   * Runs the journal again on a new lease. The transaction goes on only if every statement
   * gives its client exactly what it gave the first time: then the client cannot tell it from
   * a transaction that ran all its statements on the writer after the wait, which is what it
   * now is (its write-set certifies against the new snapshot). Otherwise, 1213. Then the keys
   * of the whole transaction are checked again, as other transactions committed meanwhile.
   */
  private replay(lease: WriterLease): Attempt | null {
    const journal = this.journal;
    const engine = this.host.engine;
    assert(journal !== null && journal.length > 0, 'replay without a journal');
    // A DDL on one of its tables: the journal's translations no longer hold. A DDL elsewhere
    // changes nothing it would run.
    if (engine.ddlSince(this.tables, this.catalogVersion)) return this.abort();
    // What the client saw last stays: the statements run again only for their effects.
    const seen = this.host.counters();
    this.lockKeys.length = 0;
    try {
      // Statements that answered once run to their end again: the deadline of the statement
      // that made the journal run is not theirs.
      const stopped = this.host.withoutStop(() => {
        for (const entry of journal) {
          const outcome = entry.run(lease);
          if (this.phaseNow === 'ended') return done(deadlock());
          if (!isDeepStrictEqual(outcome, entry.outcome)) return this.abort();
        }
        return null;
      });
      if (stopped !== null) return stopped;
    } finally {
      this.host.restoreCounters(seen);
    }
    engine.replays++;
    if (engine.inFlight.transactions === 0) return null;
    const holders = engine.inFlight.holdersOf([...lease.keysSince(0), ...this.lockKeys]);
    return holders.length === 0 ? null : this.metInFlight(holders, 0);
  }

  /**
   * After a statement ran on the writer: whether its answer holds at seqnoRead too. A point
   * write (INSERT … VALUES, or UPDATE/DELETE by the whole primary key, no subquery, no foreign
   * key) that changed every row it names read nothing but those rows, and certification against
   * seqnoRead fails the transaction if any of them changed since. Anything else is known only
   * for the state it ran on.
   */
  holdsAtSnapshot(s: DmlStatement, translation: DmlTranslation, outcome: Outcome): boolean {
    if (outcome.kind !== 'ok' || !this.host.engine.pointWrite(s, translation)) return false;
    const rows = s.kind === 'insert' && s.source.kind === 'values' ? s.source.rows.length : 1;
    return Number(outcome.affectedRows) >= rows;
  }

  /** Whether a row with one of these keys was written by a commit after seqnoRead. */
  changedSinceRead(keys: readonly CertificationKey[]): boolean {
    assert(this.seqnoReadNow !== null, 'changes since a read that did not happen');
    return this.host.engine.recentWrites.changedSince(keys, this.seqnoReadNow);
  }

  /** Adds a statement to the journal (or gives the journal up when it grows too long). */
  record(
    run: (lease: WriterLease) => Outcome,
    outcome: Outcome,
    inputBytes: number,
    tables: readonly { readonly sqliteName: string }[] = [],
  ): void {
    // Kept even without a journal: a restore checks them too.
    for (const table of tables) this.tables.add(table.sqliteName);
    if (this.journal === null || this.phaseNow === 'ended') return;
    // The journal holds statements translated against the catalog as of its first one: a DDL
    // between BEGIN and that statement changes nothing a replay would run.
    if (this.journal.length === 0) this.catalogVersion = this.host.engine.catalog.version;
    this.journalBytes += inputBytes + (outcome.kind === 'rows' ? resultBytes(outcome) : 64);
    if (this.journal.length >= JOURNAL_STATEMENTS_MAX || this.journalBytes > JOURNAL_BYTES_MAX)
      this.journal = null;
    else this.journal.push({ run, outcome });
  }

  /** A statement that cannot run again (it read information_schema): no replay from here. */
  forgetJournal(): void {
    this.journal = null;
  }

  // ---------------------------------------------------------------------------- keys in flight

  /**
   * A statement met keys in flight: the writer is let go (the statement's changes with it) and
   * the statement runs again once they have settled, after the journal (a row lock wait, in
   * InnoDB's terms). A transaction without a journal is rolled back with 1213 instead.
   */
  metInFlight(holders: readonly InFlight[], lockedBefore: number): Attempt {
    assert(this.leaseHeld !== null, 'keys in flight met without the writer');
    this.park();
    this.lockKeys.length = lockedBefore;
    if (this.journal !== null) return { kind: 'wait', holders };
    return this.abort();
  }

  /** Rolls the transaction back with 1213: it cannot go on past keys in flight. */
  abort(): Attempt {
    this.rollback();
    this.host.engine.inFlightAborts++;
    return done(deadlock());
  }

  /**
   * Takes the writer back for a transaction that let it go (a wait that ended in 1205 or KILL
   * QUERY) or lost it to the applier: its journal runs again, waiting for keys in flight as a
   * statement would.
   */
  async retake(): Promise<ErrorResult | null> {
    this.leaseHeld?.busy();
    if ((this.leaseHeld?.active === true && this.deferred === null) || !this.onWriter) return null;
    const taken = await withWaits(this.host, async () => {
      const lease = await this.acquire();
      return isAttempt(lease) ? lease : done(ok());
    });
    return isError(taken) ? taken : null;
  }

  // ---------------------------------------------------------------------------- the end

  /**
   * Gets the transaction ready to commit, waiting as a statement would: a stash nobody touched
   * stays as it is; otherwise the writer is taken back (the stash restored, or the journal run
   * again), and keys that another session's stash committed meanwhile (stashes commit without
   * the writer, so they can claim a row this transaction wrote while it held it) are waited for,
   * then the journal runs again on their state. The session then calls readyNow() and commit()
   * in one turn, and comes back here if readyNow() is false.
   */
  async prepareCommit(): Promise<ErrorResult | null> {
    if (!this.onWriter) return null;
    const outcome = await withWaits(this.host, async () => {
      if (this.commitsFromStash()) return done(ok());
      const lease = await this.acquire();
      if (isAttempt(lease)) return lease;
      const holders = this.claimedInFlight(lease);
      return holders.length > 0 ? this.metInFlight(holders, this.lockKeys.length) : done(ok());
    });
    return isError(outcome) ? outcome : null;
  }

  /** Whether commit() can run now, in this turn, without a conflict it could still avoid. */
  readyNow(): boolean {
    if (!this.onWriter) return true;
    if (this.commitsFromStash()) return true;
    const lease = this.leaseHeld;
    return lease?.active === true && this.claimedInFlight(lease).length === 0;
  }

  private claimedInFlight(lease: WriterLease): InFlight[] {
    const engine = this.host.engine;
    if (engine.inFlight.transactions === 0) return [];
    return engine.inFlight.holdersOf([...lease.keysSince(0), ...this.lockKeys]);
  }

  /**
   * Whether COMMIT can replicate the stash as it is, without the writer: nobody wrote its rows
   * since the snapshot and no transaction in flight claims them. Synchronous, so that nothing
   * commits between this check and commit() (the session calls them in one turn); when false,
   * the session takes the writer back first (retake: the stash is restored, or the journal runs
   * again).
   */
  commitsFromStash(): boolean {
    const stash = this.stash;
    if (stash === null || this.seqnoReadNow === null) return false;
    const engine = this.host.engine;
    const keys = [...stash.changes.keys, ...this.lockKeys];
    const claimed = engine.inFlight.transactions > 0 && engine.inFlight.holdersOf(keys).length > 0;
    return !claimed && !engine.recentWrites.changedSince(keys, this.seqnoReadNow);
  }

  /**
   * Commits: builds the write-set from the writer's changes and certifies it against seqnoRead
   * (the state every answer of the transaction holds at: its first read's, or the writer's after
   * a replay), then waits for the replication verdict. The writer must be held (retake first).
   */
  async commit(): Promise<OkResult | ErrorResult> {
    assert(this.phaseNow !== 'ended', 'a commit of an ended transaction');
    const engine = this.host.engine;
    engine.trace.mark(this.trace, 'commit');
    const lease = this.leaseHeld;
    const stash = this.stash;
    // prepareCommit took the writer back, which writes deferred changes back on it.
    assert(this.deferred === null || lease?.active !== true, 'a commit with deferred changes');
    this.snapshotHeld?.release();
    this.snapshotHeld = null;
    this.phaseNow = 'ended';
    this.leaseHeld = null;
    this.stashKept = null;
    this.deferred = null;
    if (lease === null && stash === null) return ok();
    assert(this.seqnoReadNow !== null, 'a transaction on the writer without a snapshot');
    let replicating: Replicating | null = null;
    const seqnoRead = index(this.seqnoReadNow);
    let built: ReturnType<WriterLease['commit']>;
    if (lease?.active !== true) {
      // Stashed: the stash is the write-set, built without the writer (commitsFromStash checked
      // that nothing claims its rows, in this same turn).
      const stashNow = stash;
      assert(stashNow !== null, 'a commit without the writer or a stash');
      lease?.rollback();
      const writeSet = stashWriteSet(stashNow, this.lockKeys, seqnoRead);
      if (writeSet !== null) replicating = startReplication(engine, writeSet, this.trace);
      built = { ok: true, value: writeSet };
    } else {
      built = lease.commit(
        this.lockKeys,
        (writeSet) => {
          replicating = startReplication(engine, writeSet, this.trace);
        },
        seqnoRead,
        true,
      );
    }
    if (!built.ok) return fromLocalError(built.error);
    if (built.value === null) return ok();
    assert(replicating !== null, 'a write-set was built but not replicated');
    let outcome: ReplicationOutcome;
    try {
      outcome = await verdict(engine, replicating);
    } finally {
      lease?.settle();
    }
    engine.trace.mark(this.trace, 'answered');
    return commitResult(outcome);
  }

  /** Rolls back: the writer and the snapshot go back; harmless once ended. */
  rollback(): void {
    this.snapshotHeld?.release();
    this.snapshotHeld = null;
    this.stashKept = null;
    this.deferred = null;
    this.leaseHeld?.rollback();
    this.leaseHeld = null;
    this.phaseNow = 'ended';
  }

  /**
   * The store ended the transaction itself (a brute-force abort, or SQLite rolled it back on an
   * error): the writer is already gone; the snapshot goes back.
   */
  end(): void {
    assert(this.leaseHeld === null || !this.leaseHeld.active, 'ending a tx that holds the writer');
    this.rollback();
  }
}

/**
 * Runs `attempt` until it is done; between runs it waits for the keys in flight it met, all
 * within one innodb_lock_wait_timeout.
 */
export async function withWaits(
  host: TransactionHost,
  attempt: () => Promise<Attempt>,
): Promise<Outcome> {
  const deadlineMs = Date.now() + host.lockWaitMs();
  for (;;) {
    // A run that ends in a wait is undone: what its client sees comes from the next run.
    const seen = host.counters();
    const result = await attempt();
    if (result.kind === 'done') return result.outcome;
    host.restoreCounters(seen);
    const stopped = await waitInFlight(host, result.holders, deadlineMs);
    if (stopped !== null) return stopped;
  }
}

/** Waits for in-flight transactions until the statement's lock wait deadline. */
async function waitInFlight(
  host: TransactionHost,
  holders: readonly InFlight[],
  deadlineMs: number,
): Promise<ErrorResult | null> {
  const waited = await waitSettled(holders, deadlineMs - Date.now(), (stop) => host.onWait(stop));
  host.onWait(null);
  if (waited === 'timeout') return lockWaitTimeout();
  if (waited === 'cancelled' || host.closed) return host.closed ? killed() : queryInterrupted;
  return null;
}

/**
 * Holds a local write-set's keys in flight and hands it to the replicator, while its lease
 * still holds the writer (lease.commit's beforeRelease): the next session to take the writer
 * finds the keys, and a standalone node's applier, which asks for the writer at once, gets it
 * before that session.
 */
export function startReplication(
  engine: Engine,
  writeSet: WriteSet,
  trace: TraceToken | null,
): Replicating {
  engine.trace.mark(trace, 'built');
  engine.trace.attach(trace, writeSet);
  const inFlight = engine.inFlight.register(
    writeSet.originNodeId,
    writeSet.originTransactionId,
    writeSet.keys,
  );
  return { inFlight, outcome: engine.replicator.replicate(writeSet) };
}

/** The replication outcome; the keys leave the table then (if the apply did not free them). */
export async function verdict(
  engine: Engine,
  replicating: Replicating,
): Promise<ReplicationOutcome> {
  try {
    return await replicating.outcome;
  } finally {
    engine.inFlight.settle(replicating.inFlight);
  }
}

/** The answer to COMMIT (or a DDL) for a replication outcome. */
export function commitResult(outcome: ReplicationOutcome): OkResult | ErrorResult {
  switch (outcome.kind) {
    case 'committed':
      return ok();
    case 'cert_failed':
      return deadlock();
    case 'toi_failed':
      return mysqlError(outcome.code, outcome.sqlState, outcome.message);
    case 'not_primary':
      return notPrimary();
    case 'unknown':
      return mysqlError(
        1180,
        'HY000',
        `Got error 6 "No such device or address" during COMMIT (${outcome.reason})`,
      );
    case 'apply_failed':
      return mysqlError(1180, 'HY000', `Got error during COMMIT: ${outcome.reason}`);
  }
}

/**
 * Two parts of one transaction's changes, disjoint by key (deferred, and what the lease held
 * since): the write-set carries both, the later lease's identity.
 */
function joinStashes(earlier: Stash, later: Stash): Stash {
  return {
    ...later,
    changes: {
      rows: [...earlier.changes.rows, ...later.changes.rows],
      keys: [...earlier.changes.keys, ...later.changes.keys],
    },
  };
}

/** About how many bytes values take (a journal's budget, not an exact figure). */
export function valuesBytes(values: readonly unknown[]): number {
  let bytes = 0;
  for (const v of values)
    bytes += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : 8;
  return bytes;
}

function resultBytes(result: RowsResult): number {
  let bytes = 64;
  if (Array.isArray(result.rows))
    for (const row of result.rows as readonly (readonly unknown[])[]) bytes += valuesBytes(row);
  return bytes;
}

function deletesIn(stash: Stash | null, database: string, table: string): boolean {
  if (stash === null) return false;
  for (const row of stash.changes.rows)
    if (row.op === 'delete' && row.table === table && row.database === database) return true;
  return false;
}
