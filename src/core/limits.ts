// Named bounds for the consensus core. Every queue, batch and message has one.

export interface RaftLimits {
  /** Most entries in one append message. */
  readonly appendEntriesMax: number;
  /** Most payload bytes in one append message (at least one entry is always sent). */
  readonly appendBytesMax: number;
  /** Most append messages in flight to one follower while replicating. */
  readonly inflightMessagesMax: number;
  /** Most payload bytes in flight to one follower while replicating. */
  readonly inflightBytesMax: number;
  /** Most payload bytes the leader holds appended but uncommitted; proposals beyond are dropped. */
  readonly uncommittedBytesMax: number;
  /** Most committed payload bytes handed out for applying in one ready batch. */
  readonly applyBytesMax: number;
  /** Most read-index requests waiting at the leader. */
  readonly pendingReadsMax: number;
  /** Most entries a single propose input may carry. */
  readonly proposeEntriesMax: number;
}

export const defaultRaftLimits: RaftLimits = {
  appendEntriesMax: 4096,
  appendBytesMax: 1024 * 1024,
  inflightMessagesMax: 256,
  inflightBytesMax: 32 * 1024 * 1024,
  uncommittedBytesMax: 256 * 1024 * 1024,
  applyBytesMax: 16 * 1024 * 1024,
  pendingReadsMax: 10_000,
  proposeEntriesMax: 65_536,
};

/** Bytes an entry is charged for, beyond its payload (index, term, kind, origin). */
export const entryOverheadBytes = 32;
