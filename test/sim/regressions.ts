// Seeds that once made the simulator report a violation. They run on every `npm test`, forever.
// When a fix changes how seeds map to scenarios, the old seeds stay: they are cheap, and still
// exercise the same code.
export const regressionSeeds: readonly number[] = [
  // Role whitelist lacked candidate -> preCandidate (a candidate whose election timed out).
  3, 6, 7, 13, 17, 20,
  // persisted() for an entry overwritten while its write was in flight.
  14,
  // A leaving voter refused to campaign while it held the only up-to-date log.
  4,
  // Liveness markers, leave forwarding that named the forwarder, orphaned learners.
  12, 41, 51, 57, 64, 77, 80, 87, 88, 90, 144, 161, 166, 184, 198,
  // replicate -> transfer when the leader compacted under a pipelined follower.
  43, 58, 73,
  // A state copied under a batch in flight.
  26,
  // A full pipeline whose answers were lost stalled forever.
  294,
  // A pre-candidate kept its leader, so every peer was "in lease" and refused it.
  959, 963, 1012, 1131, 1565, 1750,
  // Leader-completeness check compared against commits made in later terms.
  366, 453, 905,
  // A node removed while away and then asked to leave waited forever; two leaving voters handed
  // leadership back and forth.
  134, 242,
  // The Figure 8 choreography left nodes isolated past the end of the faults.
  508, 1566,
];

/**
 * Seeds of the SQL workloads (through the engine) that once reported a violation.
 * The first of each: the engine certified a transaction against its writer lease's snapshot and
 * ignored the reads it made before its first write (bank: wrong totals; append and ddl: lost
 * update, G-single, internal), and an UPDATE without CLIENT_FOUND_ROWS left a matched row whose
 * value it did not change out of the write-set (bank: wrong totals).
 * bank 9: an UPDATE under CLIENT_FOUND_ROWS that counts its matched rows and writes only those
 * that change answered 1 for a row it did not write, so its transaction took that answer as
 * holding at its snapshot (the row had been set to the same value by a later commit): wrong
 * totals (dml.ts, `judged`).
 * ddl 39: a leader sent a configuration entry removing a follower, then crashed before it had
 * persisted it; the follower, out of its own latest configuration, never campaigned and refused
 * its vote to the restarted leader, whose log was shorter (Raft.sendableIndex).
 */
export const workloadRegressionSeeds: Readonly<
  Record<'bank' | 'append' | 'ddl', readonly number[]>
> = {
  bank: [1, 2, 3, 5, 6, 7, 9],
  append: [1, 2, 3, 6, 7],
  ddl: [1, 2, 3, 6, 7, 39],
};
