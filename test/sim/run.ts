// One simulator run: the seed decides the cluster size, the fault mix and every timing; faults
// run for a while, then stop, and a connected cluster must converge and commit again.
import { Xoshiro128 } from '../../src/core/prng.js';
import { defaultRaftLimits } from '../../src/core/limits.js';
import type { Prng } from '../../src/core/prng.js';
import { rmSync } from 'node:fs';
import { encodeWriteSet, transactionId } from '../../src/codec/index.js';
import { index as asIndex, nodeId } from '../../src/core/types.js';
import { World, type CanaryName, type WorldParams } from './world.js';
import { Clients } from './engine/clients.js';
import { EngineCluster } from './engine/cluster.js';
import { simTempDir, template } from './engine/template.js';
import { engineWorkload, workloadSchema, type EngineWorkloadName } from './engine/workloads.js';

export interface RunOptions {
  readonly canary?: CanaryName | null;
  readonly trace?: boolean;
  /**
   * 'raft' (default): raw proposals; 'bank' / 'append' / 'ddl': SQL clients talking to a real
   * engine on every node (see engine/).
   */
  readonly workload?: 'raft' | EngineWorkloadName;
  /**
   * Some crashes also lose the node's disk (World.wipe: a new, empty datadir under the same
   * name). Raft workload only; off by default, so that other seeds replay as they always did.
   */
  readonly wipes?: boolean;
}

interface Clients_ {
  /** Starts client work on a node (a proposal, or a transaction). */
  act(slot: number): void;
  /** Proposes a marker that must commit once the faults stop; returns its id. */
  marker(slot: number): number | null;
}

export interface SeedResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly traceHash: string;
  readonly trace: readonly string[] | null;
  readonly nodeCount: number;
  readonly simulatedMs: number;
  readonly events: number;
  readonly committed: number;
}

/** Simulated time after the faults stop within which the cluster must converge. */
const livenessMs = 8000;

export async function runSeed(seed: number, options: RunOptions = {}): Promise<SeedResult> {
  const pick = new Xoshiro128(seed ^ 0x5eed5eed);
  const nodeCount = 3 + pick.int(5);
  const figure8Seed = pick.chance(0.5);
  const params: WorldParams = {
    seed,
    nodeCount,
    initialVoters: pick.chance(0.6) ? nodeCount : 1 + pick.int(nodeCount),
    lossRate: pick.chance(0.3) ? 0 : pick.float() * 0.1,
    duplicateRate: pick.float() * 0.05,
    delayMaxMs: 2 + pick.int(15),
    fsyncMaxMs: pick.int(6),
    compactKeepEntries: 8 + pick.int(40),
    limits: {
      ...defaultRaftLimits,
      appendEntriesMax: pick.chance(0.5) ? 1 : 1 + pick.int(12),
      inflightMessagesMax: 1 + pick.int(8),
    },
    canary: options.canary ?? null,
    // Seeds that play Figure 8 use its targeted cuts instead of random ones at every moment.
    momentCrashRate: figure8Seed || pick.chance(0.2) ? 0 : 0.2 + pick.float() * 0.6,
    ...(options.wipes === true && (options.workload ?? 'raft') === 'raft'
      ? { wipeRate: 0.08 }
      : {}),
  };
  const faultMs = 2000 + pick.int(3000);
  const faultGapMs = 40 + pick.int(300);
  const world = new World(params, options.trace === true);
  world.faultsUntilMs = faultMs;
  const rng = world.rng;
  const txn =
    options.workload !== undefined && options.workload !== 'raft'
      ? await setUpEngine(world, options.workload, options.canary ?? null)
      : null;
  const clients: Clients_ = txn?.clients ?? {
    act: (slot) => world.propose(slot, 1 + rng.int(3)),
    marker: (slot) => world.propose(slot, 1),
  };
  try {
    return await runWorld(seed, world, params, faultMs, faultGapMs, clients, txn, figure8Seed);
  } finally {
    txn?.close();
  }
}

async function runWorld(
  seed: number,
  world: World,
  params: WorldParams,
  faultMs: number,
  faultGapMs: number,
  clients: Clients_,
  txn: EngineRun | null,
  figure8Seed: boolean,
): Promise<SeedResult> {
  const rng = world.rng;
  const nodeCount = params.nodeCount;

  world.note(
    () =>
      `seed ${seed}: ${nodeCount} nodes, ${params.initialVoters} initial voters, loss ${params.lossRate.toFixed(3)}, faults for ${faultMs}ms every ~${faultGapMs}ms`,
    0,
  );
  for (let slot = 0; slot < nodeCount; slot++) {
    const startMs = slot < params.initialVoters ? 0 : rng.int(1000);
    world.at(startMs, () => world.start(slot));
  }
  for (let t = 100; t < faultMs; t += 1 + rng.int(faultGapMs * 2)) {
    world.at(t, () => randomFault(world, rng, clients));
  }
  // Some seeds also play Raft's Figure 8 (§5.4.2) on purpose, a few times over.
  if (figure8Seed) {
    for (let t = 300 + rng.int(500); t < faultMs - 1500; t += 1200 + rng.int(800)) {
      world.at(t, () => figure8(world, rng, clients));
    }
  }
  for (let t = 10; t < faultMs; t += 5 + rng.int(20)) {
    world.at(t, () => clients.act(rng.int(nodeCount)));
  }
  for (let t = 50; t < faultMs; t += 20 + rng.int(60)) {
    world.at(t, () => world.read(rng.int(nodeCount)));
  }
  world.at(faultMs, () => {
    world.healNetwork();
    for (let slot = 0; slot < nodeCount; slot++) world.start(slot);
  });

  const runUntil = (untilMs: number): Promise<void> | void =>
    txn === null ? world.runUntil(untilMs) : world.runUntilAsync(untilMs, settle);
  await runUntil(faultMs);
  const converged = await awaitConvergence(world, faultMs, clients, runUntil);
  // Nodes that lost their disks may have been the majority of a configuration, or the only ones
  // holding its last writes: no leader may then be elected (only pc.bootstrap can go on), so
  // with wipes only safety is checked, and what was acknowledged wherever a leader came back.
  const wipes = (params.wipeRate ?? 0) > 0;
  if (!converged && !wipes && world.checker.violations.length === 0) {
    world.checker.fail(
      world.nowMs,
      `liveness: no convergence within ${livenessMs}ms after the faults stopped (${clusterSummary(world)})`,
    );
  }
  if (world.checker.violations.length === 0 && (converged || !wipes))
    world.checker.checkAcked(world.nowMs);
  if (txn !== null && world.checker.violations.length === 0) {
    for (const v of await txn.check()) world.checker.fail(world.nowMs, v);
  }
  return {
    seed,
    violations: world.checker.violations,
    traceHash: world.traceHash.toString(16).padStart(8, '0'),
    trace: world.trace,
    nodeCount,
    simulatedMs: world.nowMs,
    events: world.eventsProcessed,
    committed: world.checker.maxCommitSeen,
  };
}

/**
 * A leader L1 is cut off with entries only it holds; the others elect L2, which is cut off the
 * moment it is elected (its first entry stays its own); L1 comes back and is elected again, and is
 * cut off the moment it first commits; then L2 comes back. A leader that commits entries of an
 * earlier term by counting replicas loses them here.
 */
function figure8(world: World, rng: Prng, clients: Clients_): void {
  if (world.cutBeforeSend !== null) return;
  const l1 = world.nodes.find((n) => n.status === 'up' && n.raft?.role === 'leader');
  if (l1 === undefined) {
    // No leader right now: try again a little later, while the faults still run.
    if (world.nowMs + 1600 < world.faultsUntilMs)
      world.at(world.nowMs + 100, () => figure8(world, rng, clients));
    return;
  }
  world.healNetwork();
  world.isolate(l1.slot);
  clients.marker(l1.slot);
  let l2: number | null = null;
  let phase: 'elect-l2' | 'elect-l1' | 'done' = 'elect-l2';
  const deadline = world.nowMs + 2500;
  world.cutBeforeSend = (node, ready) => {
    if (world.nowMs > deadline || phase === 'done' || world.nowMs >= world.faultsUntilMs) {
      world.cutBeforeSend = null;
      world.healNetwork();
      return false;
    }
    const elected = ready.events.some((e) => e.kind === 'role' && e.role === 'leader');
    if (phase === 'elect-l2' && elected && node.slot !== l1.slot) {
      l2 = node.slot;
      phase = 'elect-l1';
      world.healNetwork();
      world.isolate(node.slot);
      return true;
    }
    const committing =
      ready.hardState !== null && ready.committed.length > 0 && node.raft?.role === 'leader';
    if (phase === 'elect-l1' && node.slot === l1.slot && committing) {
      phase = 'done';
      world.cutBeforeSend = null;
      world.healNetwork();
      world.isolate(l1.slot);
      // L2's election timer fires first (timing the nemesis picks; it could happen by chance).
      const l2Node = world.nodes[l2!]!;
      world.at(world.nowMs + 1, () => world.stepNode(l2Node, { type: 'campaign' }));
      world.at(world.nowMs + 400 + rng.int(400), () => world.healNetwork());
      return true;
    }
    if (phase === 'elect-l1' && elected && node.slot !== l1.slot && node.slot !== l2) {
      phase = 'done'; // someone else won: the choreography did not happen this time
      world.cutBeforeSend = null;
      world.healNetwork();
    }
    return false;
  };
  world.at(Math.min(deadline + 1, world.faultsUntilMs), () => {
    if (world.cutBeforeSend !== null) {
      world.cutBeforeSend = null;
      world.healNetwork();
    }
  });
}

function randomFault(world: World, rng: Prng, clients: Clients_): void {
  if (world.cutBeforeSend !== null) return; // a scripted fault is playing out
  const n = world.nodes.length;
  const slot = rng.int(n);
  if ((world.params.wipeRate ?? 0) > 0 && rng.chance(world.params.wipeRate!)) {
    world.wipe(slot);
    world.at(world.nowMs + 50 + rng.int(2000), () => world.start(slot));
    return;
  }
  const roll = rng.int(100);
  if (roll < 14) {
    world.crash(slot);
    if (rng.chance(0.8)) world.at(world.nowMs + 50 + rng.int(2000), () => world.start(slot));
  } else if (roll < 22) {
    world.reboot(slot);
  } else if (roll < 40) {
    const side = new Set<number>();
    for (let i = 0; i < n; i++) if (rng.chance(0.5)) side.add(i);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) if (side.has(a) !== side.has(b)) world.block(a, b);
    }
    world.note(
      () => `partition {${[...side].map((i) => world.nodes[i]!.id).join(',')}} | rest`,
      20,
    );
    if (rng.chance(0.7)) world.at(world.nowMs + 100 + rng.int(1500), () => world.healNetwork());
  } else if (roll < 44) {
    // Isolate the leader: it keeps appending what its clients send, and nobody gets it.
    const leader = world.nodes.find((node) => node.raft?.role === 'leader');
    if (leader !== undefined) {
      for (let other = 0; other < n; other++) {
        if (other === leader.slot) continue;
        world.block(leader.slot, other);
        world.block(other, leader.slot);
      }
      world.note(() => `isolate leader ${leader.id}`, 23);
      world.at(world.nowMs + 50 + rng.int(800), () => world.healNetwork());
    }
  } else if (roll < 48) {
    const other = rng.int(n);
    if (other !== slot) world.block(slot, other);
    world.note(() => `block ${world.nodes[slot]!.id} -> ${world.nodes[other]!.id}`, 21);
  } else if (roll < 58) {
    world.healNetwork();
  } else if (roll < 66) {
    const other = rng.int(n);
    const untilMs = world.nowMs + 100 + rng.int(600);
    world.clog(slot, other, untilMs);
    world.clog(other, slot, untilMs);
    world.note(
      () => `clog ${world.nodes[slot]!.id} <-> ${world.nodes[other]!.id} until ${untilMs}`,
      22,
    );
  } else if (roll < 76) {
    world.pause(slot, 50 + rng.int(1500));
  } else if (roll < 82) {
    world.leave(slot);
    if (rng.chance(0.7)) world.at(world.nowMs + 300 + rng.int(2000), () => world.start(slot));
  } else if (roll < 88) {
    const leader = world.nodes.find((node) => node.raft?.role === 'leader');
    if (leader !== undefined) world.transferLeadership(leader.slot, world.nodes[slot]!.id);
  } else {
    const burst = 5 + rng.int(20);
    for (let i = 0; i < burst; i++) clients.act(rng.int(n));
  }
}

/** Runs the healed cluster until a leader commits a new proposal and every member applied it. */
async function awaitConvergence(
  world: World,
  healMs: number,
  clients: Clients_,
  runUntil: (untilMs: number) => Promise<void> | void,
): Promise<boolean> {
  const markers: string[] = [];
  let round = 0;
  for (let t = healMs + 50; t <= healMs + livenessMs; t += 50, round++) {
    await runUntil(t);
    if (world.checker.violations.length > 0) return true;
    for (const node of world.nodes)
      if (node.status === 'left' || node.status === 'down') world.start(node.slot);
    const leader = currentLeader(world);
    if (leader === null) continue;
    if (round % 10 === 0 || markers.length === 0) {
      const id = clients.marker(leader);
      if (id !== null) markers.push(`${world.nodes[leader]!.id}#${id}`);
    }
    if (!markers.some((m) => world.checker.acked.has(m))) continue;
    const raft = world.nodes[leader]!.raft!;
    const commit = raft.log.commit;
    const config = raft.config();
    const members = new Set([...config.voters, ...config.learners]);
    const everyoneIn = world.nodes.every((node) => node.status === 'up' && members.has(node.id));
    const synced = world.nodes.every(
      (node) => node.appliedIndex === commit && world.checker.hashAt(commit) === node.appliedHash,
    );
    if (everyoneIn && synced && config.learners.length === 0 && raft.log.lastIndex() === commit)
      return true;
  }
  return false;
}

function currentLeader(world: World): number | null {
  let best: number | null = null;
  for (const node of world.nodes) {
    if (node.status !== 'up' || node.raft?.role !== 'leader') continue;
    if (best === null || node.raft.term > world.nodes[best]!.raft!.term) best = node.slot;
  }
  return best;
}

function clusterSummary(world: World): string {
  return world.nodes
    .map((node) => {
      const raft = node.raft;
      if (raft === null) return `${node.id}:${node.status}`;
      const c = raft.config();
      return `${node.id}:${node.status}/${raft.role}/t${raft.term}/applied ${node.appliedIndex}/last ${raft.log.lastIndex()}/voters ${c.voters.join('+')}/learners ${c.learners.join('+')}`;
    })
    .join(' ');
}

/** Every promise settled so far runs to its next wait (the engine's microtasks drain). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface EngineRun {
  readonly clients: Clients_;
  check(): Promise<string[]>;
  close(): void;
}

/** A real store and engine on every node, and the workload's SQL clients. */
async function setUpEngine(
  world: World,
  name: EngineWorkloadName,
  canary: CanaryName | null,
): Promise<EngineRun> {
  const path = await template(workloadSchema(name));
  const dir = simTempDir('trireme-sim-');
  const rng = world.rng;
  const cluster = new EngineCluster(world, dir, path, {
    canaryCertifyAtCommit: canary === 'certify-at-commit',
    canaryToiIgnored: canary === 'toi-ignored',
    canaryWriterSnapshot: canary === 'writer-snapshot',
  });
  world.application = cluster;
  const sql = new Clients(world, cluster, rng);
  const workload = engineWorkload(name, sql, cluster, rng);
  const emptyWriteSet = (slot: number) =>
    encodeWriteSet({
      originNodeId: nodeId(`n${slot + 1}`),
      originTransactionId: transactionId(0),
      seqnoSnapshot: asIndex(0),
      flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
      keys: [],
      rows: [],
      statements: [],
    });
  const clients: Clients_ = {
    act: (slot) => workload.startTxn(slot),
    marker: (slot) => world.proposeData(slot, emptyWriteSet(slot)),
  };
  const check = async (): Promise<string[]> => {
    sql.settleAll();
    await settle();
    const slots = world.nodes.map((n) => n.slot);
    const violations = workload.check(slots);
    const applied = new Set(slots.map((s) => cluster.appliedSeqno(s)));
    if (applied.size !== 1)
      violations.push(`nodes stopped at different applied seqnos: ${[...applied].join(', ')}`);
    const sums = new Map<string, string[]>();
    for (const slot of slots) {
      const store = cluster.store(slot);
      const sum = store === null ? null : await store.checksum();
      const total = sum === null ? 'down' : sum.ok ? sum.value.total.slice(0, 12) : 'unreadable';
      sums.set(total, [...(sums.get(total) ?? []), `n${slot + 1}`]);
    }
    if (sums.size !== 1)
      violations.push(
        `nodes at the same applied seqno hold different data: ${[...sums].map(([sum, nodes]) => `${nodes.join('+')} ${sum}`).join(', ')}`,
      );
    // The checksum reads rows in key order; rowids no row image carries must agree too (a
    // rebuilding ALTER numbers rows in rowid order: storage.md, "Kept commits").
    const rowids = new Map<string, string[]>();
    for (const slot of slots) {
      const layout = rowidLayout(cluster, slot);
      rowids.set(layout, [...(rowids.get(layout) ?? []), `n${slot + 1}`]);
    }
    if (rowids.size !== 1)
      violations.push(
        `nodes hold their rows at different rowids: ${[...rowids.values()].map((nodes) => nodes.join('+')).join(' / ')}`,
      );
    return violations;
  };
  const close = (): void => {
    cluster.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { clients, check, close };
}

/** Every user table's rows by rowid, with their rowids, on one node ('down' when it is). */
function rowidLayout(cluster: EngineCluster, slot: number): string {
  const tables = cluster.readAll(
    slot,
    `SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%.%' ORDER BY name`,
  );
  if (tables === null) return 'down';
  const parts: string[] = [];
  for (const [name] of tables) {
    const quoted = `"${String(name).replaceAll('"', '""')}"`;
    const rows = cluster.readAll(slot, `SELECT rowid, * FROM ${quoted} ORDER BY rowid`);
    parts.push(
      `${String(name)}=${JSON.stringify(rows, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  }
  return parts.join('\n');
}
