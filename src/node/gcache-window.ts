// gcache.size and the certification window both decide how far back the log reaches: compaction
// never drops the last cert.max_length write-sets, since a restart rebuilds certification from
// them and an SST ships them (docs/design/runtime.md). So the log holds at least that many
// write-sets whatever gcache.size says, and the start says which of the two is the limit.

/** The start line: which limit bounds the log, in the user's units. */
export function describeLogLimits(gcacheSizeBytes: number, certLengthMax: number): string {
  const perWriteSet = gcacheSizeBytes / certLengthMax;
  const size = `gcache.size=${mib(gcacheSizeBytes)} MiB`;
  const window = `the certification window (the last ${certLengthMax} write-sets, which restarts and SSTs need)`;
  if (perWriteSet >= 4096)
    return `${size} bounds the log; it also always keeps ${window}, which fits unless write-sets average over ${bytes(perWriteSet)}`;
  return `${size} is smaller than ${window} once write-sets average over ${bytes(perWriteSet)}: the window, not gcache.size, then bounds the log (${certLengthMax} write-sets, whatever their size)`;
}

function mib(value: number): string {
  return (value / (1024 * 1024)).toFixed(1);
}

function bytes(value: number): string {
  return value >= 1024 ? `${(value / 1024).toFixed(1)} KiB` : `${Math.floor(value)} bytes`;
}
