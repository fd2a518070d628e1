// The logical log that the records describe: the boundary and one item per entry after it.
// Replay feeds it records read from disk (errors are values: the bytes are untrusted); the
// writer feeds it the batches it has made durable (the same calls, so both agree by
// construction). An item is whatever the user keeps per entry: replay keeps the entry and its
// location, the writer only the location.
import type { Boundary } from '../core/consensus/types.js';
import type { Index } from '../core/types.js';

export class LogIndex<T> {
  boundary: Boundary;
  /**
   * The index of `items[0]`. Above `boundary.index + 1` only while replay starts from a segment
   * whose older siblings were deleted: those entries must be compacted by the end of replay.
   */
  knownFrom: Index;
  items: T[] = [];

  constructor(boundary: Boundary, knownFrom: Index) {
    this.boundary = boundary;
    this.knownFrom = knownFrom;
  }

  lastIndex(): Index {
    return (this.knownFrom + this.items.length - 1) as Index;
  }

  /** Whether every entry after the boundary is known (no deleted segment is still needed). */
  complete(): boolean {
    return this.knownFrom === this.boundary.index + 1;
  }

  item(index: number): T | undefined {
    return this.items[index - this.knownFrom];
  }

  append(index: Index, item: T): string | null {
    if (index !== this.lastIndex() + 1)
      return `entry ${index} does not follow the last index ${this.lastIndex()}`;
    if (index <= this.boundary.index)
      return `entry ${index} is at or below the boundary ${this.boundary.index}`;
    this.items.push(item);
    return null;
  }

  truncateFrom(index: Index): string | null {
    if (index <= this.boundary.index)
      return `truncation from ${index} is at or below the boundary ${this.boundary.index}`;
    if (index > this.lastIndex())
      return `truncation from ${index} is beyond the last index ${this.lastIndex()}`;
    if (index >= this.knownFrom) {
      this.items.length = index - this.knownFrom;
      return null;
    }
    // Replay started at a segment whose older siblings were deleted, and this truncation reaches
    // into them: the entries it keeps are still unknown, and a later compaction must cover them.
    if (this.complete()) return `truncation from ${index} is below the first entry`;
    this.items = [];
    this.knownFrom = index;
    return null;
  }

  setBoundary(boundary: Boundary, resetLog: boolean): string | null {
    if (!resetLog && boundary.index < this.boundary.index)
      return `compaction to ${boundary.index} is below the boundary ${this.boundary.index}`;
    const lastIndex = this.lastIndex();
    this.boundary = boundary;
    if (resetLog || boundary.index >= lastIndex) {
      this.items = [];
      this.knownFrom = (boundary.index + 1) as Index;
    } else if (boundary.index >= this.knownFrom) {
      this.items.splice(0, boundary.index + 1 - this.knownFrom);
      this.knownFrom = (boundary.index + 1) as Index;
    }
    return null;
  }
}
