// A log that says a recurring line once per interval instead of on every reconnect attempt: a
// node with the wrong CA or cluster name retries for as long as it runs (each attempt logs the
// TLS success line, then the refusal), and the log must stay readable. Lines that differ only in
// port numbers count as the same line.
import type { TlsLog } from './tls.js';

/** Distinct lines remembered; beyond this the memory is cleared (and each logs once more). */
const linesTrackedMax = 1024;

export class RateLimitedLog implements TlsLog {
  private readonly inner: TlsLog;
  private readonly intervalMs: number;
  private readonly nowMs: () => number;
  private readonly seen = new Map<string, { atMs: number; suppressed: number }>();

  constructor(inner: TlsLog, intervalMs: number, nowMs: () => number = () => performance.now()) {
    this.inner = inner;
    this.intervalMs = intervalMs;
    this.nowMs = nowMs;
  }

  info(line: string): void {
    const said = this.admit(`I ${line}`);
    if (said !== null) this.inner.info(line + said);
  }

  warn(line: string): void {
    const said = this.admit(`W ${line}`);
    if (said !== null) this.inner.warn(line + said);
  }

  /** null: suppress; else the suffix that counts what was suppressed since last time. */
  private admit(line: string): string | null {
    const key = line.replace(/:\d+\b/g, ':#');
    const now = this.nowMs();
    const entry = this.seen.get(key);
    if (entry !== undefined && now - entry.atMs < this.intervalMs) {
      entry.suppressed += 1;
      return null;
    }
    if (this.seen.size >= linesTrackedMax) this.seen.clear();
    this.seen.set(key, { atMs: now, suppressed: 0 });
    if (entry === undefined || entry.suppressed === 0) return '';
    const seconds = Math.round((now - entry.atMs) / 1000);
    return ` [${entry.suppressed} more like this in the last ${seconds} s]`;
  }

  /** Forgets what was said: after a success, the next failure is news again. */
  reset(): void {
    this.seen.clear();
  }
}
