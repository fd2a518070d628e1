// The node options a worker thread starts with: the process's own, less those Node refuses in a
// worker's execArgv — `--input-type` (node -e) and V8's flags, such as the heap sizes a user may
// give node (`node --max-old-space-size=4096 bin/trireme.js start`), which a worker cannot set.

const REFUSED_IN_WORKERS = [
  '--input-type',
  '--max-semi-space-size',
  '--max-old-space-size',
  '--stack-size',
  '--perf-',
  '--single-threaded',
];

/** `process.execArgv` without the options a Worker refuses (ERR_WORKER_INVALID_EXEC_ARGV). */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((arg) => !REFUSED_IN_WORKERS.some((p) => arg.startsWith(p)));
}
