// Measures the consensus core alone: committed entries per second for 3 in-process nodes with no
// faults, 200-byte entries and batching on (many proposals per input, many entries per append).
// Messages are delivered in memory and persistence is instant, so only the core's cost shows.
import { Raft, initialDurableState } from '../src/core/consensus/raft.js';
import type { Message, RaftOptions } from '../src/core/consensus/types.js';
import { Xoshiro128 } from '../src/core/prng.js';
import { nodeId, index as asIndex } from '../src/core/types.js';

const entryBytes = 200;
const batchEntries = Number(process.env['BENCH_BATCH'] ?? '1000');
const durationMs = Number(process.env['BENCH_MS'] ?? '3000');

const ids = ['n1', 'n2', 'n3'].map(nodeId);
const nodes = new Map(
  ids.map((id, i) => {
    const options: RaftOptions = {
      id,
      heartbeatTicks: 1,
      electionTicks: 10,
      inactiveTicks: 0,
      catchUpReportEntries: 1_000_000,
      stateTransferRetryTicks: 100,
      preVote: true,
      checkQuorum: true,
      peers: ids,
    };
    return [
      id,
      new Raft(options, initialDurableState({ voters: ids, learners: [] }), new Xoshiro128(i + 1)),
    ];
  }),
);
const inbox: Message[] = [];
const applied = new Map(ids.map((id) => [id, 0]));

function drain(): void {
  for (let rounds = 0; rounds < 1_000_000; rounds++) {
    let progressed = false;
    for (const [id, raft] of nodes) {
      while (raft.hasReady()) {
        progressed = true;
        const ready = raft.ready();
        const last = ready.entries[ready.entries.length - 1];
        if (last !== undefined)
          raft.step({ type: 'persisted', index: last.index, term: last.term });
        for (const m of ready.messages) inbox.push(m);
        const lastApplied = ready.committed[ready.committed.length - 1];
        if (lastApplied !== undefined) {
          applied.set(id, lastApplied.index);
          raft.step({ type: 'applied', index: lastApplied.index });
        }
        raft.advance();
      }
    }
    while (inbox.length > 0) {
      progressed = true;
      const m = inbox.shift()!;
      nodes.get(m.to)!.step({ type: 'message', message: m });
    }
    if (!progressed) return;
  }
}

nodes.get(ids[0]!)!.step({ type: 'campaign' });
drain();
const leader = [...nodes.values()].find((r) => r.role === 'leader')!;
const payload = new Uint8Array(entryBytes);
let proposalId = 0;
let ticks = 0;
const started = performance.now();
let proposed = 0;
while (performance.now() - started < durationMs) {
  const proposals = Array.from({ length: batchEntries }, () => ({
    data: payload,
    proposalId: ++proposalId,
  }));
  leader.step({ type: 'propose', proposals });
  proposed += batchEntries;
  drain();
  if (++ticks % 10 === 0) {
    for (const raft of nodes.values()) raft.step({ type: 'tick' });
    const floor = Math.min(...applied.values());
    for (const raft of nodes.values())
      if (floor > raft.log.boundaryIndex + 10_000)
        raft.step({ type: 'compact', index: asIndex(floor - 1000) });
    drain();
  }
}
const seconds = (performance.now() - started) / 1000;
const committed = Math.min(...applied.values());
console.log(
  `core: 3 nodes, ${entryBytes}-byte entries, ${batchEntries} per batch: ${committed} entries committed and applied on all nodes in ${seconds.toFixed(2)} s`,
);
console.log(
  `core: ${Math.round(committed / seconds).toLocaleString('en-US')} committed entries/s (proposed ${proposed})`,
);
