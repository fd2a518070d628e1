// The fault schedule: from the seed, a sequence of (quiet gap, kind, node, duration). Kinds are
// kill -9 and restart, SIGSTOP/SIGCONT for longer than evs.suspect_timeout (sometimes longer than
// evs.inactive_timeout, so the node is removed and rejoins), and a graceful leave (SIGTERM) and
// rejoin. Faults run one at a time and each waits until its node is Synced again, so at most one
// node is ever out and a majority always stays.
import type { Prng } from '../../src/core/prng.js';
import { EVS_INACTIVE_TIMEOUT_MS, EVS_SUSPECT_TIMEOUT_MS, type ChaosCluster } from './cluster.js';
import { setTimeout as sleep } from 'node:timers/promises';

export const FAULT_KINDS = ['kill9', 'pause', 'leave'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  readonly kind: FaultKind;
  /** The node's index, or 'leader': whichever node leads when the fault starts. */
  readonly node: number | 'leader';
  /** Quiet time before the fault. */
  readonly quietMs: number;
  /** How long the node stays killed, paused or away. */
  readonly durationMs: number;
}

export interface FaultRecord extends FaultPlan {
  /** The node the fault hit, and whether it led then. */
  readonly name: string;
  readonly wasLeader: boolean;
  readonly atMs: number;
  /** From the node's return (restart or SIGCONT) until the whole cluster was Synced again. */
  readonly recoveryMs: number;
  /** Set when the node did not come back; the run stops injecting faults then. */
  readonly error?: string;
}

const QUIET_MS_MIN = 2_000;
const QUIET_MS_SPREAD = 4_000;
const DOWN_MS_MIN = 1_000;
const DOWN_MS_SPREAD = 4_000;
const GRACEFUL_EXIT_MS_MAX = 20_000;
const RECOVERY_MS_MAX = 90_000;
/** Leader changes are where ordering bugs live, so half the faults aim at the leader. */
const LEADER_CHANCE = 0.5;

/**
 * Plans faults from the seed. Kinds come in shuffled rounds of all three, so every run of three
 * faults or more sees each kind once, in an order the seed decides.
 */
export class FaultSchedule {
  private round: FaultKind[] = [];

  constructor(
    private readonly rng: Prng,
    private readonly nodeCount: number,
  ) {}

  next(): FaultPlan {
    if (this.round.length === 0) this.round = shuffle(this.rng, [...FAULT_KINDS]);
    const kind = this.round.pop()!;
    const node = this.rng.chance(LEADER_CHANCE) ? 'leader' : this.rng.int(this.nodeCount);
    const quietMs = QUIET_MS_MIN + this.rng.int(QUIET_MS_SPREAD);
    // Pauses last past evs.suspect_timeout, and up to 3 s past evs.inactive_timeout.
    const pauseMin = EVS_SUSPECT_TIMEOUT_MS + 500;
    const pauseSpread = EVS_INACTIVE_TIMEOUT_MS + 3_000 - pauseMin;
    const durationMs =
      kind === 'pause'
        ? pauseMin + this.rng.int(pauseSpread)
        : DOWN_MS_MIN + this.rng.int(DOWN_MS_SPREAD);
    return { kind, node, quietMs, durationMs };
  }
}

function shuffle<T>(rng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Injects one planned fault and heals it; never throws. */
export async function injectFault(
  cluster: ChaosCluster,
  plan: FaultPlan,
  now: () => number,
  say: (line: string) => void,
): Promise<FaultRecord> {
  const leader = await leaderName(cluster);
  const node =
    plan.node === 'leader'
      ? (cluster.nodes.find((n) => n.name === leader) ?? cluster.nodes[0]!)
      : cluster.nodes[plan.node]!;
  const wasLeader = node.name === leader;
  const atMs = now();
  say(`fault: ${plan.kind} ${node.name}${wasLeader ? ' (leader)' : ''} for ${plan.durationMs} ms`);
  let error: string | undefined;
  if (plan.kind === 'pause') {
    node.signal('SIGSTOP');
    await sleep(plan.durationMs);
    node.signal('SIGCONT');
  } else {
    node.signal(plan.kind === 'kill9' ? 'SIGKILL' : 'SIGTERM');
    if (!(await node.waitExit(GRACEFUL_EXIT_MS_MAX))) {
      error = `${node.name} did not exit within ${GRACEFUL_EXIT_MS_MAX} ms of SIGTERM`;
      node.signal('SIGKILL');
      await node.waitExit(GRACEFUL_EXIT_MS_MAX);
    }
    await sleep(plan.durationMs);
    node.start();
  }
  const backMs = now();
  try {
    await cluster.waitAllSynced(RECOVERY_MS_MAX, false);
  } catch (caught) {
    error = (caught as Error).message;
  }
  const recoveryMs = now() - backMs;
  say(
    `fault: ${node.name} back, cluster synced after ${recoveryMs} ms${error ? ` (${error})` : ''}`,
  );
  return {
    ...plan,
    name: node.name,
    wasLeader,
    atMs,
    recoveryMs,
    ...(error === undefined ? {} : { error }),
  };
}

/** The leader's name as the first node that answers sees it; '' when none answers. */
async function leaderName(cluster: ChaosCluster): Promise<string> {
  for (const node of cluster.nodes) {
    const status = await node.status().catch(() => null);
    if (status !== null && status.leader !== '') return status.leader;
  }
  return '';
}
