// Galera's node states as an explicit state machine. The runtime derives the state from the
// consensus core (member of a primary component or not) and from state transfer and applying;
// an unlisted move is a bug and crashes with both states named.
import { assert } from './assert.js';

export type NodeState = 'OPEN' | 'PRIMARY' | 'JOINER' | 'JOINED' | 'SYNCED' | 'DONOR';

const NODE_TRANSITIONS = {
  OPEN: ['PRIMARY'],
  PRIMARY: ['JOINER', 'JOINED', 'OPEN'],
  JOINER: ['JOINED', 'OPEN'],
  JOINED: ['SYNCED', 'OPEN'],
  SYNCED: ['DONOR', 'OPEN'],
  DONOR: ['JOINED', 'SYNCED', 'OPEN'],
} as const satisfies Record<NodeState, readonly NodeState[]>;

/** wsrep_local_state and wsrep_local_state_comment, as Galera reports them. */
export function localStateOf(state: NodeState): {
  readonly code: number;
  readonly comment: string;
} {
  switch (state) {
    case 'OPEN':
    case 'PRIMARY':
      return { code: 0, comment: 'Initialized' };
    case 'JOINER':
      return { code: 1, comment: 'Joining' };
    case 'DONOR':
      return { code: 2, comment: 'Donor/Desynced' };
    case 'JOINED':
      return { code: 3, comment: 'Joined' };
    case 'SYNCED':
      return { code: 4, comment: 'Synced' };
  }
}

/** What the runtime knows at a moment; the machine moves toward the state it implies. */
export interface NodeFacts {
  /** A member of a configuration that has a leader (the primary component). */
  readonly primary: boolean;
  /** Copying a full state from a donor (SST). */
  readonly receivingState: boolean;
  /** Serving a state transfer that pauses applying (rsync SST). */
  readonly donating: boolean;
  /** Applied everything committed that the node knows of (within a small lag). */
  readonly caughtUp: boolean;
}

export class NodeStateMachine {
  private current: NodeState = 'OPEN';

  get state(): NodeState {
    return this.current;
  }

  /** Moves along whitelisted transitions to the state the facts imply; returns the moves made. */
  update(facts: NodeFacts): NodeState[] {
    const moves: NodeState[] = [];
    for (let steps = 0; steps < 4; steps++) {
      const next = this.nextState(facts);
      if (next === null) break;
      this.transition(next);
      moves.push(next);
    }
    return moves;
  }

  transition(to: NodeState): void {
    const allowed: readonly NodeState[] = NODE_TRANSITIONS[this.current];
    assert(allowed.includes(to), `node state ${this.current} -> ${to} is not allowed`);
    this.current = to;
  }

  private nextState(facts: NodeFacts): NodeState | null {
    const s = this.current;
    if (!facts.primary) return s === 'OPEN' ? null : 'OPEN';
    switch (s) {
      case 'OPEN':
        return 'PRIMARY';
      case 'PRIMARY':
        return facts.receivingState ? 'JOINER' : 'JOINED';
      case 'JOINER':
        return facts.receivingState ? null : 'JOINED';
      case 'JOINED':
        return facts.caughtUp ? 'SYNCED' : null;
      case 'SYNCED':
        return facts.donating ? 'DONOR' : null;
      case 'DONOR':
        if (facts.donating) return null;
        return facts.caughtUp ? 'SYNCED' : 'JOINED';
    }
  }
}
