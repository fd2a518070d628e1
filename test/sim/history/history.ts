// Types shared by the transaction-history checkers (list-append, bank): what a recorded
// transaction looks like and what a checker reports. See docs/design/history-checkers.md.

/** The caller's name for a transaction; explanations print it as `T<id>`. */
export type TxnId = number | string;

/** 'info' means the client never learned the outcome (e.g. the connection dropped at COMMIT). */
export type TxnStatus = 'ok' | 'fail' | 'info';

export interface Anomaly<Kind extends string = string> {
  readonly kind: Kind;
  /** The transactions involved, in the order the explanation names them. */
  readonly txns: readonly TxnId[];
  readonly explanation: string;
}

/** Prints a list of values, eliding the middle of long ones so explanations stay readable. */
export function formatList(values: readonly number[], elementsMax: number): string {
  if (values.length <= elementsMax) return `[${values.join(', ')}]`;
  const head = Math.ceil(elementsMax / 2);
  const tail = elementsMax - head;
  const shown = [...values.slice(0, head), '…', ...values.slice(values.length - tail)];
  return `[${shown.join(', ')}] (${values.length} elements)`;
}

/** Collects anomalies with a per-kind cap, counting what the cap left out. */
export class Reporter<Kind extends string> {
  readonly anomalies: Anomaly<Kind>[] = [];
  readonly allowed: Anomaly<Kind>[] = [];
  readonly notes: string[] = [];
  private readonly countByKind = new Map<Kind, number>();

  constructor(private readonly perKindMax: number) {}

  add(kind: Kind, txns: readonly TxnId[], explanation: string, allowed = false): void {
    const count = (this.countByKind.get(kind) ?? 0) + 1;
    this.countByKind.set(kind, count);
    if (count > this.perKindMax) return;
    (allowed ? this.allowed : this.anomalies).push({ kind, txns, explanation });
  }

  count(kind: Kind): number {
    return this.countByKind.get(kind) ?? 0;
  }

  /** Notes, one per kind, on how many anomalies the cap left unlisted. */
  omissions(): string[] {
    const found: string[] = [];
    for (const [kind, count] of this.countByKind) {
      if (count > this.perKindMax) {
        found.push(`${kind}: ${count} found, first ${this.perKindMax} listed`);
      }
    }
    return found;
  }
}
