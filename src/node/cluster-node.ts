// A cluster node: the consensus core driven over the durable log (gcache) and the mutual-TLS
// transport, the store with certification and apply, Galera's node states and status variables,
// grastate.dat, and a MySQL server whose sessions replicate through this node. See
// docs/design/runtime.md.
import { CommitTrace, type QueueSamples } from '../engine/commit-trace.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  renameSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DDL_RULES_NEWEST,
  DDL_RULES_OLDEST,
  DEFAULT_WRITE_SET_LIMITS,
  WRITE_SET_VERSION,
} from '../codec/index.js';
import { CONSENSUS_CODEC_VERSION } from '../codec/consensus.js';
import { certMaxLengthDefault } from '../core/certification/certification.js';
import { Raft } from '../core/consensus/raft.js';
import type {
  Boundary,
  ConfigState,
  DurableState,
  Entry,
  RaftEvent,
} from '../core/consensus/types.js';
import { NodeStateMachine, localStateOf, type NodeState } from '../core/node-state.js';
import { Xoshiro128 } from '../core/prng.js';
import { index as asIndex, nodeId, type Index, type NodeId, type Term } from '../core/types.js';
import { ok, type Result } from '../codec/result.js';
import type { ServerConfig } from '../config/index.js';
import { PROVIDER_OPTIONS, parseProviderOptions } from '../config/provider-options.js';
import { GCache, describeGCacheError } from '../gcache/index.js';
import { readRejoinMarker, removeRejoinMarker, writeRejoinMarker } from './rejoin-marker.js';
import { TlsCredentials } from '../net/tls.js';
import { Transport } from '../net/transport.js';
import { ddlCopiesSince, ddlRulesSince, type VersionRange } from '../net/handshake.js';
import { resumeInstall } from '../transfer/install.js';
import {
  checkReceivedFormat,
  receiveState,
  sendState,
  type StagedState,
  type SstReceiver,
} from '../transfer/sst.js';
import {
  chooseSstStream,
  decodeControl,
  encodeControl,
  parseHostPort,
  type SstRequest,
} from '../transfer/stream.js';
import {
  describePageScheme,
  Store,
  storePath,
  type FrozenFile,
  type StorageLimits,
  type UserFunction,
} from '../storage/index.js';
import { rebuildCertification } from './certification-rebuild.js';
import { reconcileLocalHistory, type LocalHistory } from './local-history.js';
import { IstReceiving, istReceiverLines, istSenderLines } from './ist-announce.js';
import { KeyWatch, keyFileCheckMs } from './encryption-runtime.js';
import { describeSstMethod, isLogicalSstMethod, sstRequestCapabilities } from './sst-method.js';
import {
  loadNodeEncryption,
  openEncryptedStore,
  pageCipherOf,
  type NodeEncryption,
} from './encryption.js';
import type { KeyVersion } from '../keys/index.js';
import { describeLogLimits, gcacheLimitsFor } from './gcache-window.js';
import {
  clusterProtocolVersion,
  describeProtocolVersions,
  linkVersions,
} from './protocol-version.js';
import { ClusterApplier, ClusterReplicator } from './cluster-replicator.js';
import { RaftDriver } from './raft-driver.js';
import type { Replicator } from '../engine/replicator.js';

export type LogLevel = 'Note' | 'Warning' | 'ERROR';
export type Logger = (level: LogLevel, message: string) => void;

/** Galera timing mapped onto ticks: heartbeats every 2 ticks, elections after evs.suspect_timeout. */
export const clusterTickMs = 50;

/** How long a member without a leader still counts as in the primary component (isPrimary). */
const leaderGapMs = 1000;

export interface ClusterNodeOptions {
  readonly config: ServerConfig;
  readonly log: Logger;
  /** SQL functions registered on every store connection (the engine's MySQL functions). */
  readonly functions?: readonly UserFunction[];
  readonly storeLimits?: Partial<StorageLimits>;
  /** Bootstrap even where grastate.dat says safe_to_bootstrap: 0 (`trireme bootstrap --force`). */
  readonly forceBootstrap?: boolean;
}

/** Galera's state UUID of a node that has none yet. */
export const stateUuidNone = '00000000-0000-0000-0000-000000000000';
/** How long a joiner waits for its donor to connect, and for each piece of the stream. */
const sstTimeoutMs = 60_000;
/** How long a joiner waits after a failed state transfer before it asks another donor. */
const stateRetryDelayMs = 1000;
/** How often a node outside the primary component says why. */
const nonPrimaryLogIntervalMs = 5_000;
/** How often the receive and send queues are sampled for their min/max/avg. */
const queueSampleMs = 100;

/** wsrep_local_{recv,send}_queue_{max,min,avg} as Galera prints them. */
function queueFigures(
  queue: 'recv' | 'send',
  samples: QueueSamples | undefined,
): [string, string][] {
  return [
    [`wsrep_local_${queue}_queue_max`, String(samples?.max ?? 0)],
    [`wsrep_local_${queue}_queue_min`, String(samples?.min ?? 0)],
    [`wsrep_local_${queue}_queue_avg`, (samples?.avg ?? 0).toFixed(6)],
  ];
}

export class ClusterNode {
  readonly id: NodeId;
  /** wsrep_cluster_state_uuid: minted when the cluster was bootstrapped, learned from peers. */
  stateUuid: string;

  /**
   * Set by the server: a whole state arrived by SST; stop everything, install it, start again.
   * Called at most once per ClusterNode.
   */
  onStateReceived: ((staged: StagedState) => void) | null = null;

  /** A failed state transfer's next ask (retryState), until it runs or the node stops. */
  private stateRetry: { cancel(): void } | null = null;
  /** The SST this node is receiving, while it is. */
  private joining: {
    readonly nonce: string;
    readonly donor: NodeId;
    receiver: SstReceiver | null;
  } | null = null;
  /** SSTs this node is serving now. */
  private donating = 0;
  /** The keys of encryption at rest (docs/design/encryption.md); set by start(). */
  encryption: NodeEncryption = { encryption: null, gcacheKeys: null };
  /** The key version the database opened with, or null (plaintext). */
  dataKey: KeyVersion | null = null;
  private readonly stateUuidConflicts = new Set<string>();

  get replicator(): Replicator {
    return this.clusterReplicator;
  }

  private readonly states = new NodeStateMachine();
  private readonly startedAtMs = Date.now();
  private stopping = false;
  /** Why this node stopped itself for good, once it has stopped (fail); null until then. */
  private failure: Promise<string> | null = null;
  /** Told, once the node has stopped, that it failed and why (cluster-server.ts exits 1). */
  onFailure: ((message: string) => void) | null = null;

  /** Stops the node for good, with an error. A node that failed never serves again. */
  fail(message: string): void {
    if (this.failure !== null) return;
    this.log('ERROR', message);
    this.failure = this.stop(1).then(() => {
      this.onFailure?.(message);
      return message;
    });
  }

  /** Why the node failed, settled once it has stopped; null while it has not failed. */
  failed(): Promise<string> | null {
    return this.failure;
  }

  private constructor(
    readonly config: ServerConfig,
    private readonly log: Logger,
    readonly store: Store,
    private readonly gcache: GCache,
    readonly raft: Raft,
    readonly driver: RaftDriver,
    private readonly transport: Transport,
    private readonly clusterReplicator: ClusterReplicator,
    readonly applier: ClusterApplier,
    private readonly credentials: TlsCredentials | null,
    private readonly sstCredentials: TlsCredentials | null,
  ) {
    this.id = raft.id;
    this.stateUuid = store.clusterUuid() ?? stateUuidNone;
  }

  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const { config, log } = options;
    const datadir = config.server.datadir;
    checkDatadir(datadir);
    const id = nodeId(config.server.wsrepNodeName);
    const nodeUuid = readOrCreateNodeUuid(datadir);
    const credentials = await loadCredentials(config, log);
    const sstCredentials = await loadSstCredentials(config, credentials);

    const encryption = loadNodeEncryption(config.encryption);
    const cipher = pageCipherOf(encryption);
    const target = {
      storePath: storePath(datadir),
      gcacheDir: config.cluster.gcacheDir,
      cipher,
      gcacheKeys: encryption.gcacheKeys,
    };
    if (await resumeInstall(target))
      log('Note', 'WSREP: finished installing a state received by SST before the last stop');
    await removeCutTransfers(datadir, log);
    const opened = await GCache.open(config.cluster.gcacheDir, {
      limits: gcacheLimitsFor(config.provider.gcacheSizeBytes),
      keys: encryption.gcacheKeys,
    });
    if (!opened.ok) {
      const keyFile = encryption.encryption?.keyFile;
      const sealed = opened.error.kind === 'missing_key' || opened.error.kind === 'wrong_key';
      const suffix =
        keyFile !== undefined
          ? ` (key file ${keyFile})`
          : sealed
            ? ': no key file is configured; set file_key_management_filename to the key file it was encrypted with'
            : '';
      throw new Error(`${describeGCacheError(opened.error)}${suffix}`);
    }
    const gcache = opened.value.gcache;
    const recovered = opened.value.recovered;
    const openedStore = openEncryptedStore(
      {
        path: storePath(datadir),
        nodeId: id,
        functions: options.functions ?? [],
        limits: options.storeLimits ?? {},
        soleWriter: true,
        checkpointWorker: true,
        onCheckpointerFailure: (detail) =>
          log('Warning', `trireme: WAL checkpoints are back in the commits: ${detail}`),
      },
      encryption.encryption,
    );
    if (!openedStore.ok) {
      await gcache.close();
      throw new Error(openedStore.message);
    }
    const store = openedStore.value.store;
    // Local history first: its refusal names the more specific reason.
    const localHistory = await reconcileLocalHistory(
      store,
      datadir,
      { requested: config.cluster.bootstrap, newLog: isNewLog(recovered) },
      log,
    ).catch((error: Error) => {
      store.close();
      throw error;
    });
    const history = store.clusterUuid() !== null;
    const unsafe = config.cluster.bootstrap && history && !(options.forceBootstrap ?? false);
    if (unsafe && readSafeToBootstrap(datadir) === false) {
      store.close();
      await gcache.close();
      throw new Error(unsafeBootstrapMessage);
    }
    const durable = await durableStateFor(config, id, recovered, gcache, store, log);
    if (config.cluster.bootstrap && store.clusterUuid() === null) {
      // A new history starts here: Galera mints the state UUID at bootstrap too.
      const minted = await store.setClusterUuid(randomUUID());
      if (!minted.ok) throw new Error(`store: cannot record the cluster state UUID`);
    }

    const suspectTicks = Math.max(
      10,
      Math.round(config.provider.evsSuspectTimeoutMs / clusterTickMs),
    );
    const raft = new Raft(
      {
        id,
        heartbeatTicks: 2,
        electionTicks: suspectTicks,
        // A cold start elects within 1–2 s instead of evs.suspect_timeout (nobody to suspect yet).
        initialElectionTicks: Math.round(1000 / clusterTickMs),
        inactiveTicks: Math.round(config.provider.evsInactiveTimeoutMs / clusterTickMs),
        catchUpReportEntries: 10_000,
        stateTransferRetryTicks: suspectTicks * 4,
        preVote: true,
        checkQuorum: true,
        peers: [],
        flowControlLimit: config.provider.gcsFcLimit,
      },
      durable,
      new Xoshiro128(hashSeed(nodeUuid)),
    );
    const applied = store.appliedSeqno();
    const window = durable.entries.filter((e) => e.index > applied - certMaxLengthDefault);
    const certification = rebuildCertification(
      window,
      store.certFailuresAfter(asIndex(Math.max(0, applied - certMaxLengthDefault))),
      certMaxLengthDefault,
      applied,
      DEFAULT_WRITE_SET_LIMITS,
      store.certWindowAfter(asIndex(Math.max(0, applied - certMaxLengthDefault))),
    );
    let node: ClusterNode | null = null;
    const applier = new ClusterApplier(
      store,
      certification,
      id,
      DEFAULT_WRITE_SET_LIMITS,
      (reason) =>
        node?.fail(`WSREP: applier failed, this node must stop to avoid diverging: ${reason}`),
    );
    const transportRef: { current: Transport | null } = { current: null };
    const versions = linkVersions();
    // Once a key is built on a prefix, a node of a release before the DDL rules that built it
    // would read no certification key from it (rules 5), or drop its index in a rebuild (a
    // PRIMARY KEY's, rules 6): such a node is refused as too old.
    let rulesBuilt = DDL_RULES_OLDEST;
    const versionsNow = (): VersionRange => {
      try {
        rulesBuilt = Math.max(rulesBuilt, store.ddlRulesBuilt());
      } catch {
        // The store is being replaced (SST): keep what was known.
      }
      const since = ddlRulesSince(rulesBuilt);
      return rulesBuilt > DDL_RULES_OLDEST && versions.max >= since
        ? { min: Math.max(versions.min, since), max: versions.max }
        : versions;
    };
    const driver = new RaftDriver(
      raft,
      gcache,
      { send: (m) => transportRef.current?.send(m.to, m) ?? false },
      applier,
      {
        tickMs: clusterTickMs,
        applyQueueEntriesMax: 100_000,
        onEvent: (event) => node?.onRaftEvent(event),
        onError: (error) => log('ERROR', `WSREP: consensus driver: ${String(error)}`),
        trace: new CommitTrace(),
        // A copy of a proposal made again under a new leader: its verdict is not wanted.
        onUnclaimed: (index) => applier.takeVerdict(index),
      },
    );
    const transport = new Transport({
      clusterName: config.server.wsrepClusterName,
      nodeUuid,
      nodeName: id,
      listen: { host: config.cluster.listenAddress.host, port: config.cluster.listenAddress.port },
      advertiseAddress: advertisedAddress(config),
      peers: config.cluster.peers.filter(
        (p) =>
          !(
            p.port === config.cluster.listenAddress.port &&
            isLocalHost(p.host, config.cluster.listenAddress.host)
          ),
      ),
      credentials,
      versions: versionsNow,
      handlers: {
        onMessage: (_from, message) => driver.receive(message),
        onControl: (from, payload) => node?.onControl(from, payload),
        onPeerUp: (peer) => {
          node?.announceState(peer);
          node?.noteProtocolVersion();
          driver.step({ type: 'peers', peers: transport.peers().map((p) => p.nodeId) });
        },
        onPeerDown: (peer) => {
          node?.forgetPeerState(peer);
          node?.noteProtocolVersion();
          node?.onDonorLost(peer);
          driver.step({ type: 'peers', peers: transport.peers().map((p) => p.nodeId) });
        },
      },
      log: {
        info: (message: string) => log('Note', `WSREP: ${message}`),
        warn: (message: string) => log('Warning', `WSREP: ${message}`),
      },
    });
    transportRef.current = transport;
    const replicator = new ClusterReplicator(
      driver,
      applier,
      () => node?.isReady() ?? false,
      () => node?.statusVariables() ?? new Map(),
      {
        commitTimeoutMs: 30_000,
        flowControlRetryMs: 10,
        ddlCopies: () => node?.membersSpeak(ddlCopiesSince) ?? false,
        ddlRules: () => {
          // The newest rules this node (its own link versions) and every member speak.
          for (let rules = DDL_RULES_NEWEST; rules > DDL_RULES_OLDEST; rules--)
            if (versions.max >= ddlRulesSince(rules) && node?.membersSpeak(ddlRulesSince(rules)))
              return rules;
          return DDL_RULES_OLDEST;
        },
      },
    );
    node = new ClusterNode(
      config,
      log,
      store,
      gcache,
      raft,
      driver,
      transport,
      replicator,
      applier,
      credentials,
      sstCredentials,
    );
    node.localHistory = localHistory;
    node.gcommUuid = nodeUuid;
    node.encryption = encryption;
    node.dataKey = openedStore.value.dataKey;
    node.keyWatch = new KeyWatch({
      config: config.encryption,
      initial: encryption,
      dataKey: openedStore.value.dataKey,
      databasePath: storePath(datadir),
      dataScheme: store.pageScheme(),
      pageIo: () => store.pageIo(),
      gcache,
      log: (level, message) => log(level, message),
    });
    applier.holding = localHistory !== null;
    try {
      await transport.start();
    } catch (error) {
      await transport.stop();
      await driver.stop();
      await gcache.close();
      store.close();
      throw new Error(replicationListenFailure(config, error), { cause: error });
    }
    driver.start();
    if (config.provider.pcBootstrap || (config.cluster.bootstrap && history)) {
      // pc.bootstrap=yes, or bootstrapping a node that has a history: if no primary component
      // forms by itself, force one.
      const timer = setTimeout(() => {
        if (node !== null && !node.stopping && !node.isPrimary()) node.bootstrapPrimary();
      }, config.provider.evsSuspectTimeoutMs);
      timer.unref();
    }
    node.compactionTimer = setInterval(() => {
      node?.compactIfNeeded();
      node?.requestStateForLocalHistory();
      node?.updateState();
    }, 1000);
    node.compactionTimer.unref();
    node.waitingTimer = setInterval(() => node?.logWhyNotPrimary(), 1000);
    node.waitingTimer.unref();
    node.sampleTimer = setInterval(() => node?.sampleQueues(), queueSampleMs);
    node.sampleTimer.unref();
    node.keyTimer = setInterval(() => node?.checkKeyFile(), keyFileCheckMs);
    node.keyTimer.unref();
    node.writeGrastate(true);
    node.updateState();
    log(
      'Note',
      `WSREP: node ${id} (${nodeUuid}) started; replication listens on ${config.cluster.listenAddress.host}:${config.cluster.listenAddress.port}${credentials === null ? ' WITHOUT TLS' : ' with TLS'}`,
    );
    log(
      'Note',
      `WSREP: ${describeLogLimits(config.provider.gcacheSizeBytes, certMaxLengthDefault)}`,
    );
    return node;
  }

  isPrimary(): boolean {
    if (!this.raft.isMember()) return false;
    if (this.raft.leader !== null) {
      this.leaderSeenAtMs = Date.now();
      return true;
    }
    // A leader change (a graceful handover, an election after a leader's crash is detected)
    // leaves a member without a leader for an instant: it stays in the primary component, as a
    // Galera node does through a view change, and its writes wait for the new leader
    // (ClusterReplicator). Every client of the other nodes got 1047 at a leader's SIGTERM.
    return this.leaderSeenAtMs !== null && Date.now() - this.leaderSeenAtMs < leaderGapMs;
  }

  /** When this node last knew a leader (isPrimary, and the core's leader events). */
  private leaderSeenAtMs: number | null = null;

  /**
   * wsrep_ready: a member of the primary component holding the cluster's state (SYNCED, or
   * DONOR, which keeps serving). A JOINER or JOINED node answers 1047, as in Galera.
   */
  isReady(): boolean {
    this.updateState();
    const state = this.states.state;
    return (
      this.isPrimary() && (state === 'SYNCED' || state === 'DONOR') && this.localHistory === null
    );
  }

  /**
   * wsrep_cluster_conf_id: the seqno of the configuration entry now in effect, the same on every
   * node that holds it (Galera's is a count of membership changes that every member shares; a
   * count kept by each node differed after any restart, which Galera's monitoring reads as a
   * partition). Once the log is compacted past that entry, the store keeps its seqno; a store of
   * an earlier release knows none until the next change, and the boundary stands in.
   */
  private confId(): Index {
    return this.raft.configEntryIndex() ?? this.store.configSeqno() ?? this.raft.configIndex();
  }

  private onRaftEvent(event: RaftEvent): void {
    switch (event.kind) {
      case 'rejoinTarget':
        writeRejoinMarker(this.config.server.datadir, { target: event.index });
        this.log('Note', rejoinNote(event.index));
        break;
      case 'rejoined':
        removeRejoinMarker(this.config.server.datadir);
        // Peers count on its vote again (bootstrapPrimary).
        for (const peer of this.transport.peers()) this.announceState(peer.nodeId);
        this.log(
          'Note',
          `WSREP: this node holds the cluster's log up to seqno ${event.index}, what was committed when it rejoined: it votes in elections again`,
        );
        break;
      case 'config':
        this.notifyMembership();
        this.log(
          'Note',
          `WSREP: configuration at seqno ${event.index}: voters ${event.config.voters.join(', ')}${event.config.learners.length > 0 ? `; learners ${event.config.learners.join(', ')}` : ''}`,
        );
        break;
      case 'leader':
        // A leader known until now, or from now: either way the gap is measured from here.
        if (this.leaderSeenAtMs !== null || event.leader !== null) this.leaderSeenAtMs = Date.now();
        this.log(
          'Note',
          `WSREP: ${event.leader === null ? 'no leader' : `leader is ${event.leader}`} in term ${event.term}`,
        );
        break;
      case 'needStateTransfer':
        void this.requestState(
          event.donor,
          event.upTo,
          `IST is not possible: this node has seqno ${this.store.appliedSeqno()} and the leader's gcache (bounded by gcache.size) now holds seqnos from ${event.upTo + 1} on`,
        );
        break;
      case 'catchUp':
        this.announceIst(event.peer, event.fromIndex, event.toIndex);
        break;
      case 'removed':
        this.log('Note', `WSREP: this node left the cluster configuration at seqno ${event.index}`);
        this.leaveResolve?.();
        break;
      case 'diverged':
        // Taking the primary's entries would silently drop transactions this node committed and
        // applied; keeping them would diverge. The operator decides (the message says how).
        this.fail(
          `WSREP: this node's history differs from the primary component's at seqno ${event.index}, which it committed (term ${event.localTerm} here, ${event.leaderTerm} on ${event.leader}): the primary component never had transactions committed here (pc.bootstrap forced it on a node that lacked them, or this node bootstrapped a cluster of its own). This node stops rather than diverge. Its seqnos ${event.index}..${this.store.appliedSeqno()} are not in the cluster. To rejoin, move this datadir aside (it keeps them) and start the node on an empty one: it takes an SST.`,
        );
        break;
      case 'forcedBootstrap':
        this.log(
          'Warning',
          `WSREP: pc.bootstrap forced a new primary component of ${event.voters.join(', ')}; seqnos from ${event.uncertainFrom} on may or may not have committed on the lost nodes ${event.lostVoters.join(', ')} (${event.uncertainTo >= event.uncertainFrom ? `this node holds ${event.uncertainFrom}..${event.uncertainTo} of them and now commits those` : 'this node holds none of them'}); a lost node that committed others stops when it comes back, and says so`,
        );
        break;
      default:
        break;
    }
    this.updateState();
  }

  /** Called on every membership change with (cluster size, this node's 1-based index). */
  onMembership: ((clusterSize: number, nodeIndex: number) => void) | null = null;

  notifyMembership(): void {
    const config = this.raft.config();
    const members = [...config.voters, ...config.learners].sort();
    const at = members.indexOf(this.id);
    if (at >= 0) this.onMembership?.(members.length, at + 1);
  }

  /** The first commit a leader told this node of since it started (updateState). */
  private syncFloor: Index | null = null;

  /** Moves Galera's node state along with what the core and the applier know. */
  updateState(): void {
    // Measured against what a leader said the cluster has committed, not this node's own commit:
    // a node back from a crash holds its old commit, and was shown SYNCED (wsrep_ready ON, what
    // HAProxy's clustercheck routes by) with stale data until it had heard (a newcomer's report).
    // The first commit heard is a floor with no slack: everything the cluster committed while
    // this node was away. After it, a lag of a few write-sets under load still counts as synced
    // (a 16-entry slack let a node back from a crash say ready without 12 of 60 rows).
    const clusterCommit = this.raft.leaderCommit();
    if (clusterCommit !== null && this.syncFloor === null) this.syncFloor = clusterCommit;
    const applied = this.store.appliedSeqno();
    const caughtUp =
      clusterCommit !== null &&
      applied >= (this.syncFloor ?? 0) &&
      Math.max(clusterCommit, this.raft.log.commit) - applied <= 16;
    const before = this.states.state;
    const moves = this.states.update({
      primary: this.isPrimary(),
      // Galera's JOINER: receiving a state, by SST or, as a learner, from the log (IST).
      receivingState:
        this.joining !== null ||
        this.localHistory !== null ||
        this.raft.config().learners.includes(this.id),
      donating: this.donating > 0 || this.raft.isDesynced,
      caughtUp,
    });
    let from: NodeState = before;
    for (const to of moves) {
      this.log('Note', `WSREP: Shifting ${from} -> ${to} (TO: ${this.store.appliedSeqno()})`);
      from = to;
    }
    if (moves.includes('SYNCED'))
      this.log('Note', 'WSREP: Synchronized with group, ready for connections');
    const received = this.istReceiving.received(this.store.appliedSeqno(), this.stateUuid);
    if (received !== null) this.log('Note', `WSREP: ${received}`);
  }

  // ---- runtime provider options ----

  /**
   * SET GLOBAL wsrep_provider_options: pc.bootstrap=YES makes the component this node is in
   * primary (Galera's recovery after losing a majority for good); socket.ssl_reload=1 re-reads
   * the certificate files. Other options are fixed at start. Returns why it refused, or null.
   */
  async setProviderOptions(text: string): Promise<string | null> {
    const parsed = parseProviderOptions(text);
    if (!parsed.ok) return parsed.error.message;
    for (const { key, value } of parsed.value) {
      const name = key.toLowerCase();
      if (name !== 'pc.bootstrap' && name !== 'socket.ssl_reload') {
        const known = Object.values(PROVIDER_OPTIONS).some((o) => o.name.toLowerCase() === name);
        return known
          ? `${key} cannot be changed while the node runs (runtime options: pc.bootstrap, socket.ssl_reload)`
          : `Unrecognized parameter '${key}' (runtime options: pc.bootstrap, socket.ssl_reload)`;
      }
      const on = /^(yes|true|on|1)$/i.test(value);
      if (!on && !/^(no|false|off|0)$/i.test(value)) return `${key}: '${value}' is not a boolean`;
      if (!on) continue;
      if (name === 'pc.bootstrap') {
        const refusing = this.refusingNodes();
        if (refusing.length > 0 && !this.isPrimary())
          return `pc.bootstrap refused: running nodes refuse this one (${refusing.join(', ')}), and they may be the primary component: a second one here would make their writes lost when the refusal is fixed. Fix this node's configuration; if those nodes are really to be left, stop them first`;
        this.bootstrapPrimary();
        continue;
      }
      const problem = await this.reloadTls();
      if (problem !== null) return problem;
    }
    return null;
  }

  /** The addresses of running nodes that refuse this one for its configuration, with why. */
  private refusingNodes(): string[] {
    return this.transport
      .targets()
      .filter((t) => t.refusedByConfiguration)
      .map((t) => `${t.address} (${t.lastError ?? 'refused'})`);
  }

  /** pc.bootstrap: a new primary component of this node and the members it can reach now. */
  bootstrapPrimary(): void {
    if (this.isPrimary()) {
      this.log('Note', 'WSREP: pc.bootstrap: this node is already in the primary component');
      return;
    }
    const reachable = new Set(this.transport.peers().map((p) => p.nodeId as string));
    // Only the reachable voters that share this node's history and would vote: one back on an
    // empty datadir (no state UUID yet, or rejoining) refuses its vote until it has caught up,
    // which a forced component of two could never get (it waited for the operator to stop it).
    const left: string[] = [];
    const voters = this.raft.config().voters.filter((v) => {
      if (v === this.id) return true;
      if (!reachable.has(v)) return false;
      const state = this.peerStates.get(v);
      if (state === undefined || state.uuid !== this.stateUuid || state.rejoining) {
        left.push(v);
        return false;
      }
      return true;
    });
    if (!voters.includes(this.id)) voters.push(this.id);
    if (left.length > 0)
      this.log(
        'Note',
        `WSREP: pc.bootstrap: leaving out ${left.join(', ')}: reachable, but without this node's state (a new or emptied datadir, or still catching up); they join as learners and catch up`,
      );
    this.log(
      'Warning',
      `WSREP: pc.bootstrap=YES: forming a primary component of ${voters.join(', ')}`,
    );
    this.driver.step({ type: 'forceBootstrap', voters });
  }

  private async reloadTls(): Promise<string | null> {
    if (this.credentials === null) return 'socket.ssl_reload: this node runs without TLS';
    const results = [await this.credentials.reload()];
    if (this.sstCredentials !== null && this.sstCredentials !== this.credentials)
      results.push(await this.sstCredentials.reload());
    for (const result of results) {
      if (!result.ok) {
        const message = `socket.ssl_reload: ${result.error.message}; the old certificates stay in use`;
        this.log('Warning', `WSREP: ${message}`);
        return message;
      }
    }
    this.log('Note', 'WSREP: socket.ssl_reload: new connections use the reloaded certificates');
    return null;
  }

  // ---- state transfer (docs/design/transfer.md) ----

  /** A control frame from a live peer: SST requests and refusals, state UUID announcements. */
  onControl(from: NodeId, payload: Uint8Array): void {
    const decoded = decodeControl(payload);
    if (!decoded.ok) {
      this.log('Warning', `WSREP: ignored a control frame from ${from}: ${decoded.error}`);
      return;
    }
    const message = decoded.value;
    switch (message.type) {
      case 'sst_request':
        void this.serveState(from, message);
        return;
      case 'sst_refused':
        if (this.joining?.nonce !== message.nonce) return;
        this.log('Warning', `WSREP: donor ${from} refused the state transfer: ${message.reason}`);
        void this.joining.receiver?.close();
        return;
      case 'state':
        if (message.incoming !== undefined) this.peerIncoming.set(from, message.incoming);
        this.peerStates.set(from, { uuid: message.uuid, rejoining: message.rejoining === true });
        if (message.ask === true) this.announceState(from);
        return this.learnStateUuid(from, message.uuid);
      case 'ist':
        this.istReceiving.expect(message.last);
        for (const line of istReceiverLines(
          this.linkScheme(),
          this.listenAddress(),
          message.first,
          message.last,
        ))
          this.log('Note', `WSREP: ${line}`);
        return;
    }
  }

  private readonly istReceiving = new IstReceiving();

  /** Leader: a peer catches up from the log (IST); say so here and to the peer. */
  private announceIst(peer: NodeId, first: Index, last: Index): void {
    const address = this.transport.peers().find((p) => p.nodeId === peer)?.listenAddress ?? peer;
    for (const line of istSenderLines(this.linkScheme(), address, first, last))
      this.log('Note', `WSREP: ${line}`);
    this.transport.sendControl(peer, encodeControl({ type: 'ist', first, last }));
  }

  private linkScheme(): 'ssl' | 'tcp' {
    return this.credentials === null ? 'tcp' : 'ssl';
  }

  private listenAddress(): string {
    const { host, port } = this.config.cluster.listenAddress;
    return `${host}:${port}`;
  }

  announceState(peer: NodeId, ask = false): void {
    if (this.stateUuid === stateUuidNone) return;
    const incoming = this.incomingAddress();
    this.transport.sendControl(
      peer,
      encodeControl({
        type: 'state',
        uuid: this.stateUuid,
        incoming,
        ask,
        ...(this.raft.rejoining ? { rejoining: true } : {}),
      }),
    );
  }

  /** What each linked peer last announced (its state UUID, whether it is rejoining). */
  private readonly peerStates = new Map<string, { uuid: string; rejoining: boolean }>();

  /** A peer's link went down: what it announced may change before it is back. */
  forgetPeerState(peer: NodeId): void {
    this.peerStates.delete(peer);
  }

  /**
   * A control frame queued on a link that was then replaced as a duplicate is lost: ask the
   * peers not heard from again (a few times: a node too old to answer never will).
   */
  private askMissingAnnounces(): void {
    for (const peer of this.transport.peers()) {
      if (this.peerIncoming.has(peer.nodeId)) continue;
      const asked = this.announcesAsked.get(peer.nodeId) ?? 0;
      if (asked >= 10) continue;
      this.announcesAsked.set(peer.nodeId, asked + 1);
      this.announceState(peer.nodeId, true);
    }
  }

  private readonly announcesAsked = new Map<string, number>();

  /** The client address peers list in wsrep_incoming_addresses (wsrep_node_incoming_address). */
  incomingAddress(): string {
    const server = this.config.server;
    const bind = server.bindAddress;
    const host =
      bind !== null && bind !== '0.0.0.0' && bind !== '::'
        ? bind
        : (server.wsrepNodeAddress?.host ?? '127.0.0.1');
    return `${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  }

  private readonly peerIncoming = new Map<string, string>();

  private learnStateUuid(from: NodeId, uuid: string): void {
    if (uuid === this.stateUuid) return;
    if (this.stateUuid === stateUuidNone) {
      this.stateUuid = uuid;
      void this.store.setClusterUuid(uuid);
      this.log('Note', `WSREP: cluster state UUID ${uuid} (from ${from})`);
      if (!this.stopping) this.writeGrastate(true);
      // Peers that came up before the UUID was known have not heard from this node yet.
      for (const peer of this.transport.peers()) this.announceState(peer.nodeId);
      return;
    }
    if (this.stateUuidConflicts.has(`${from} ${uuid}`)) return;
    this.stateUuidConflicts.add(`${from} ${uuid}`);
    this.log(
      'Warning',
      `WSREP: peer ${from} reports cluster state UUID ${uuid}, this node has ${this.stateUuid}: the two were bootstrapped separately; one of them should rejoin with an empty data directory`,
    );
  }

  /** Local history found at start (wsrep_on=OFF writes): this node waits for an SST. */
  private localHistory: LocalHistory | null = null;

  /**
   * A store with local history cannot take IST: ask a peer for a whole state, up to everything
   * this node's log holds (so no entry it acknowledged is lost), until one arrives.
   */
  requestStateForLocalHistory(): void {
    if (this.localHistory === null || this.joining !== null || this.stopping) return;
    // Followers first (to spare the leader), then the leader; each attempt tries the next one,
    // so a donor that died or refuses is not asked forever.
    const leader = this.raft.leader;
    const peers = this.transport.peers().map((p) => p.nodeId);
    const candidates = [...peers.filter((p) => p !== leader), ...peers.filter((p) => p === leader)];
    if (candidates.length === 0) return;
    const proposed = candidates[this.localHistoryAttempts++ % candidates.length]!;
    void this.requestState(proposed, this.raft.log.lastIndex(), 'this node holds local history');
  }

  private localHistoryAttempts = 0;

  /** The donor's link went down mid-transfer: stop waiting for it, so another is asked. */
  onDonorLost(peer: NodeId): void {
    if (this.joining?.donor !== peer || this.joining.receiver === null) return;
    this.log('Warning', `WSREP: donor ${peer} is gone; cancelling its state transfer`);
    void this.joining.receiver.close();
  }

  /**
   * Joiner: the leader says the log no longer reaches back to this node; copy a whole state.
   * `failed` are the donors whose transfer to this node failed since the leader asked: a failed
   * transfer is asked again at once of another (retryState), not when the leader's wait for
   * it runs out (four evs.suspect_timeout, 20 s by default).
   */
  private async requestState(
    donorProposed: NodeId,
    upTo: Index,
    why = "this node is behind the cluster's gcache",
    failed: readonly NodeId[] = [],
  ): Promise<void> {
    if (this.joining !== null || this.stopping) return;
    this.stateRetry?.cancel();
    this.stateRetry = null;
    const donor = failed.length === 0 ? this.chooseDonor(donorProposed) : this.retryDonor(failed);
    if (donor === null) {
      this.log(
        'Warning',
        `WSREP: state transfer needed up to seqno ${upTo}, but none of wsrep_sst_donor (${this.config.server.wsrepSstDonor.names.join(',')}) is connected; waiting`,
      );
      return;
    }
    const nonce = randomUUID();
    this.joining = { nonce, donor, receiver: null };
    this.updateState();
    const receiver = await this.listenForState(nonce);
    if (receiver === null) {
      this.joining = null;
      this.updateState();
      return;
    }
    this.joining.receiver = receiver;
    this.log(
      'Note',
      `WSREP: State transfer required: ${why}; requesting SST from ${donor} up to seqno ${upTo}, receiving at ${receiver.address}`,
    );
    const method = this.config.server.wsrepSstMethod;
    this.log('Note', `WSREP_SST: joiner ${this.id}, donor ${donor}: ${describeSstMethod(method)}`);
    const request = encodeControl({
      type: 'sst_request',
      nonce,
      upTo,
      address: this.reachableAddress(receiver.address, donor),
      method,
      ...(isLogicalSstMethod(method) ? { logical: true } : {}),
      ...sstRequestCapabilities(this.sstCredentials !== null),
    });
    if (!this.transport.sendControl(donor, request)) void receiver.close();
    const received = await receiver.received;
    await receiver.close();
    const unusable = received.ok
      ? checkReceivedFormat(received.value.dbPath, received.value.header)
      : null;
    if (!received.ok || unusable !== null || this.stopping || this.onStateReceived === null) {
      const reason = !received.ok ? received.error : (unusable ?? 'the node is stopping');
      await rm(sstIncomingPath(this.config), { force: true });
      this.joining = null;
      this.updateState();
      const retry = this.stopping ? null : this.retryState(upTo, [...failed, donor]);
      this.log(
        'Warning',
        `WSREP: state transfer from ${donor} failed: ${reason}; ${retry === null ? 'will ask again when the leader does' : `asking ${retry} in ${stateRetryDelayMs} ms`}`,
      );
      return;
    }
    const header = received.value.header;
    this.log(
      'Note',
      `WSREP: SST complete: state ${header.stateUuid ?? stateUuidNone}:${header.index} from ${header.donor}; restarting this node on it`,
    );
    this.onStateReceived(this.withLogSuffix(received.value));
  }

  /**
   * A voter's log may already go past the received state (a node with local history keeps
   * acknowledging appends while it waits): those entries were counted for a majority, so the
   * installed log keeps them after the window instead of losing them.
   */
  private withLogSuffix(staged: StagedState): StagedState {
    const log = this.raft.log;
    const at = staged.header.index;
    if (log.lastIndex() <= at || log.termAt(at) !== staged.header.term) return staged;
    const entries = [...staged.entries];
    for (let i = at + 1; i <= log.lastIndex(); i++) entries.push(log.entryAt(asIndex(i)));
    return { ...staged, header: { ...staged.header, entryCount: entries.length }, entries };
  }

  /**
   * A wildcard listen address (0.0.0.0, ::) means nothing to the donor: send the address this
   * node's replication link to the donor comes from, which the donor can reach.
   */
  private reachableAddress(address: string, donor: NodeId): string {
    const parsed = parseHostPort(address);
    if (parsed === null || !['0.0.0.0', '::'].includes(parsed.host)) return address;
    const link = this.transport.peers().find((p) => p.nodeId === donor);
    const local =
      link === undefined ? null : parseHostPort(link.localEndpoint.replace(/^\w+:\/\//, ''));
    if (local === null) return address;
    return `${local.host.includes(':') ? `[${local.host}]` : local.host}:${parsed.port}`;
  }

  /**
   * After a failed transfer: asks `retryDonor(failed)` again after stateRetryDelayMs (a donor that
   * refused at once is not asked in a tight loop). Null, and nothing scheduled, when there is
   * no donor to ask; the leader's own retry asks again then.
   */
  private retryState(upTo: Index, failed: readonly NodeId[]): NodeId | null {
    const donor = this.retryDonor(failed);
    if (donor === null) return null;
    const timer = setTimeout(() => {
      this.stateRetry = null;
      void this.requestState(donor, upTo, 'the previous state transfer failed', failed);
    }, stateRetryDelayMs);
    timer.unref();
    this.stateRetry = { cancel: () => clearTimeout(timer) };
    return donor;
  }

  /**
   * A donor for a transfer asked again: one of wsrep_sst_donor that is connected and has not
   * failed this node since the leader asked; else, where any other is allowed, the leader,
   * then any other connected voter. When every candidate failed once, they are tried again.
   */
  private retryDonor(failed: readonly NodeId[]): NodeId | null {
    const donors = this.config.server.wsrepSstDonor;
    const connected = new Set(this.transport.peers().map((p) => p.nodeId as string));
    const leader = this.raft.leader;
    const candidates = [
      ...donors.names,
      ...(donors.names.length === 0 || donors.anyOtherAllowed
        ? [...(leader === null ? [] : [leader]), ...this.raft.config().voters]
        : []),
    ].filter((name) => name !== this.id && connected.has(name)) as NodeId[];
    const untried = candidates.filter((name) => !failed.includes(name));
    return untried[0] ?? candidates[0] ?? null;
  }

  /** wsrep_sst_donor names, in order, among the connected peers; else the leader's choice. */
  private chooseDonor(proposed: NodeId): NodeId | null {
    const donors = this.config.server.wsrepSstDonor;
    const connected = new Set(this.transport.peers().map((p) => p.nodeId as string));
    for (const name of donors.names) if (connected.has(name)) return name as NodeId;
    return donors.names.length === 0 || donors.anyOtherAllowed ? proposed : null;
  }

  private async listenForState(nonce: string): Promise<SstReceiver | null> {
    const address = this.config.cluster.sstReceiveAddress;
    const options = {
      credentials: this.sstCredentials,
      host: address.host,
      nonce,
      dbPath: sstIncomingPath(this.config),
      timeoutMs: sstTimeoutMs,
      log: {
        note: (message: string) => this.log('Note', message),
        warn: (message: string) => this.log('Warning', message),
      },
      tlsLog: {
        info: (message: string) => this.log('Note', `WSREP_SST: ${message}`),
        warn: (message: string) => this.log('Warning', `WSREP_SST: ${message}`),
      },
    };
    try {
      return await receiveState({ ...options, port: address.port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        this.log(
          'ERROR',
          `WSREP: cannot listen for SST on ${address.host}:${address.port}: ${String(error)}`,
        );
        return null;
      }
      this.log(
        'Warning',
        `WSREP: SST receive port ${address.host}:${address.port} is in use; receiving on a free port instead (set wsrep_sst_receive_address to choose one)`,
      );
      return receiveState({ ...options, port: 0 }).catch(() => null);
    }
  }

  /** Donor: copy the database and the certification window, and stream them to the joiner. */
  private async serveState(joiner: NodeId, request: SstRequest): Promise<void> {
    const refuse = (reason: string): void => {
      this.log('Warning', `WSREP: refused a state transfer to ${joiner}: ${reason}`);
      this.transport.sendControl(
        joiner,
        encodeControl({ type: 'sst_refused', nonce: request.nonce, reason }),
      );
    };
    const address = parseHostPort(request.address);
    if (address === null) return refuse(`bad receive address ${JSON.stringify(request.address)}`);
    if (this.donating > 0) return refuse('this donor is already serving a state transfer');
    if (this.localHistory !== null)
      return refuse('this node holds local history and waits for an SST');
    if (this.store.appliedSeqno() < request.upTo)
      return refuse(`this donor has applied ${this.store.appliedSeqno()}, below ${request.upTo}`);
    // Only a stream the joiner can read: an older joiner would install what it cannot open.
    const choice = chooseSstStream(request, {
      encrypted: this.store.pageCipher() !== null,
      tls: this.sstCredentials !== null,
    });
    if (!choice.ok) return refuse(choice.error);
    this.donating++;
    this.updateState();
    const logical = choice.value.format === 'logical';
    const path = join(
      this.config.server.datadir,
      `sst-donor-${request.nonce}.${logical ? 'sql' : 'db'}`,
    );
    let frozen: FrozenFile | null = null;
    try {
      this.log('Note', `WSREP: Member ${joiner} requested state transfer; this node is the donor`);
      const method = describeSstMethod(request.method ?? 'mariabackup', logical);
      this.log('Note', `WSREP_SST: donor ${this.id}, joiner ${joiner}: ${method}`);
      const startedMs = Date.now();
      // A plaintext donor streams its live file, frozen at a seqno (Store.freezeFile). An
      // encrypted one copies it and seals the copy with a key of this transfer only (sent inside
      // the mutual-TLS stream): the joiner rekeys it to its own key, so nodes may hold different
      // keys, and this node's key never leaves it.
      const transferKey = choice.value.transferKey ? randomBytes(32) : null;
      if (!logical && transferKey === null) {
        const freezing = await this.store.freezeFile();
        if (freezing.ok) frozen = freezing.value;
        else
          this.log(
            'Note',
            `WSREP_SST: cannot freeze the database file (${freezing.error}); copying it instead`,
          );
      }
      const copied: Result<Index, string> =
        frozen !== null
          ? ok(frozen.seqno)
          : logical
            ? await this.store.dumpTo(path)
            : await this.store.snapshotTo(
                path,
                transferKey === null ? null : { key: transferKey },
                choice.value.pageScheme,
              );
      if (!copied.ok) return refuse(`cannot copy the database: ${copied.error}`);
      const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
      this.log(
        'Note',
        frozen !== null
          ? `WSREP_SST: froze the database file at seqno ${frozen.seqno} in ${seconds} s (writes waited ${frozen.pausedMs} ms for a checkpoint); streaming it while commits go on into the WAL`
          : `WSREP_SST: ${logical ? 'dumped the database as SQL statements' : 'copied the database'} at seqno ${copied.value} in ${seconds} s, without blocking${transferKey === null ? '' : `, under a transfer key (${describePageScheme(choice.value.pageScheme)})`}`,
      );
      const window = this.certificationWindow(copied.value);
      if (window === null) return refuse(`the log no longer holds seqno ${copied.value}`);
      const sent = await sendState({
        credentials: this.sstCredentials,
        host: address.host,
        port: address.port,
        header: {
          nonce: request.nonce,
          donor: this.id,
          stateUuid: this.stateUuid === stateUuidNone ? null : this.stateUuid,
          index: copied.value,
          term: window.term,
          boundary: window.boundary,
          entryCount: window.entries.length,
          format: logical ? 'logical' : 'physical',
          ...(choice.value.digest === 'none' ? { digest: 'none' } : {}),
          ...(transferKey === null ? {} : { dbKey: transferKey.toString('hex') }),
        },
        dbPath: frozen?.path ?? path,
        ...(frozen === null
          ? {}
          : { liveFile: { bytes: frozen.bytes, thaw: () => frozen?.release() } }),
        entries: window.entries,
        log: {
          note: (message) => this.log('Note', message),
          warn: (message) => this.log('Warning', message),
        },
        tlsLog: {
          info: (message) => this.log('Note', `WSREP_SST: ${message}`),
          warn: (message) => this.log('Warning', `WSREP_SST: ${message}`),
        },
      });
      this.log(
        sent.ok ? 'Note' : 'Warning',
        sent.ok
          ? `WSREP: SST to ${joiner} complete: seqno ${copied.value}`
          : `WSREP: SST to ${joiner} failed: ${sent.error}`,
      );
    } finally {
      frozen?.release();
      this.donating--;
      await rm(path, { force: true });
      this.updateState();
    }
  }

  /** The entries a joiner needs to certify what follows `index` exactly as this node does. */
  private certificationWindow(
    index: Index,
  ): { term: Term; boundary: Boundary; entries: Entry[] } | null {
    const log = this.raft.log;
    const from = asIndex(Math.max(log.boundaryIndex, index - certMaxLengthDefault));
    const term = log.termAt(index);
    const boundaryTerm = log.termAt(from);
    const config = this.raft.configAt(from);
    if (term === null || boundaryTerm === null || config === null) return null;
    const entries: Entry[] = [];
    for (let i = from + 1; i <= index; i++) entries.push(log.entryAt(i));
    return { term, boundary: { index: from, term: boundaryTerm, config }, entries };
  }

  private compactionTimer: NodeJS.Timeout | null = null;
  private sampleTimer: NodeJS.Timeout | null = null;
  private sampledAtMs = performance.now();
  /** This node's own UUID (wsrep_gcomm_uuid), kept in its datadir. */
  private gcommUuid = '';

  /**
   * SET GLOBAL wsrep_desync: while on, this node's apply queue does not count for flow control
   * (it may fall behind, e.g. during a backup, without pausing the cluster) and it reports
   * Donor/Desynced; it keeps serving. Off, it goes back to Synced once it has caught up.
   */
  setDesync(on: boolean): void {
    this.driver.step({ type: 'desync', on });
    this.log(
      'Note',
      `WSREP: ${on ? "desynced: this node's apply queue no longer counts for flow control" : "resynced: this node's apply queue counts for flow control again"}`,
    );
    this.updateState();
  }

  /**
   * Samples the receive (apply) and send queues for their min/max/avg, and adds the time since
   * the last sample to the flow-control pause while paused (the commit trace keeps them, so
   * FLUSH STATUS starts them over).
   */
  private sampleQueues(): void {
    const trace = this.driver.trace;
    const now = performance.now();
    if (trace !== undefined) {
      trace.recvQueue.add(this.raft.applyQueue());
      trace.sendQueue.add(this.transport.peers().reduce((n, p) => n + p.queuedBytes, 0));
      if (this.raft.flowControlPaused())
        trace.flowControlPausedNs += Math.round((now - this.sampledAtMs) * 1e6);
    }
    this.sampledAtMs = now;
  }
  private waitingTimer: NodeJS.Timeout | null = null;
  private nonPrimarySinceMs: number | null = null;
  private nonPrimaryLoggedMs = 0;

  private keyTimer: NodeJS.Timeout | null = null;
  /** The key file, watched; what is encrypted with which key (SHOW STATUS, information_schema). */
  keyWatch: KeyWatch | null = null;

  /** A newer key version in the key file seals new GCache segments (encryption-runtime.ts). */
  private checkKeyFile(): void {
    if (this.stopping || this.keyWatch === null) return;
    this.keyWatch.check();
    this.encryption = this.keyWatch.current;
  }

  /**
   * Outside a primary component, says why every few seconds: which peers it reaches, what
   * dialing the others gave, and how to get out (clients meanwhile get 1047).
   */
  logWhyNotPrimary(): void {
    if (!this.stopping) this.askMissingAnnounces();
    if (this.stopping || this.isPrimary()) {
      this.nonPrimarySinceMs = null;
      return;
    }
    const now = Date.now();
    this.nonPrimarySinceMs ??= now;
    if (now - this.nonPrimarySinceMs < nonPrimaryLogIntervalMs) return;
    if (now - this.nonPrimaryLoggedMs < nonPrimaryLogIntervalMs) return;
    this.nonPrimaryLoggedMs = now;
    const connected = this.transport.peers().map((p) => p.nodeId);
    const tried = this.transport
      .targets()
      .filter((t) => t.state !== 'self' && t.state !== 'connected' && t.state !== 'waiting')
      .map((t) => `${t.address} (${t.lastError ?? t.state})`);
    const voters = this.raft.config().voters;
    // Running nodes that refuse this one (its certificate, its cluster name) may well be the
    // primary component: a bootstrap here would make a second cluster, and when the refusal is
    // fixed that cluster's history would win over theirs (the ops walkthrough lost 2,680
    // acknowledged writes following the bootstrap advice given here then).
    const refusing = this.refusingNodes();
    if (refusing.length > 0) {
      this.log(
        'Warning',
        `WSREP: not in a primary component for ${Math.round((now - this.nonPrimarySinceMs) / 1000)} s, so clients get 1047: ` +
          `running nodes refuse this one: ${refusing.join(', ')}; connected peers: ${connected.length === 0 ? 'none' : connected.join(', ')}. ` +
          `Fix: this node's configuration (the certificate and CA in wsrep_provider_options, wsrep_cluster_name, socket.ssl), as each refusal above says; ` +
          `do NOT bootstrap this node or set pc.bootstrap here: the nodes refusing it may be the primary component, and a second cluster would make their writes lost`,
      );
      return;
    }
    this.log(
      'Warning',
      `WSREP: not in a primary component for ${Math.round((now - this.nonPrimarySinceMs) / 1000)} s, so clients get 1047: ` +
        `${voters.length === 0 ? 'this node is not a member yet and no member has let it join' : `no majority of ${voters.join(', ')} is reachable`}; ` +
        `connected peers: ${connected.length === 0 ? 'none' : connected.join(', ')}; ` +
        `tried: ${tried.length === 0 ? 'none' : tried.join(', ')}. ` +
        (voters.length === 0
          ? // Bootstrap advice here would make a second cluster beside the one it should join.
            `Fix: check that wsrep_cluster_address names the replication ports of running members of the cluster this node should join; bootstrap it only to start a new cluster of its own`
          : `Fix: start the other nodes (after a whole-cluster crash the cluster forms again by itself once a majority of them is back); if they are gone for good, bootstrap from the most advanced node: ` +
            `\`trireme bootstrap\` where grastate.dat has safe_to_bootstrap: 1, else \`trireme bootstrap --force\` on the node with the highest seqno (\`trireme start --wsrep-recover\` prints a stopped node's), or SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' on the running node with the highest wsrep_last_committed`),
    );
  }

  /**
   * gcache.size: drop whole segments until the log fits, never past the applied seqno (a restart
   * replays the log from there). The certification window does not pin the log: the store keeps
   * its keys with the applied seqno (node/certification-rebuild.ts).
   */
  compactIfNeeded(): void {
    // A donor ships the log from its copy's seqno on: the boundary stays put meanwhile.
    if (this.donating > 0) return;
    const applied = this.store.appliedSeqno();
    if (applied <= 0) return;
    const point = this.gcache.compactionPoint(applied, this.config.provider.gcacheSizeBytes);
    if (point !== null && point <= this.raft.log.applied)
      this.driver.step({ type: 'compact', index: point });
  }

  private protocolVersionNoted: number | null = null;

  /**
   * Whether every other member of the configuration is linked now and speaks `version`: e.g.
   * ddlCopiesSince, so that each of them fails a later copy of a DDL and a DDL waiting for its
   * verdict may be proposed again to a new leader (a member not linked now may be of an earlier
   * release).
   */
  membersSpeak(version: number): boolean {
    const config = this.raft.config();
    const linked = new Map(this.transport.peers().map((p) => [p.nodeId as string, p]));
    return [...config.voters, ...config.learners].every(
      (member) => member === this.id || (linked.get(member)?.protocolVersion ?? 0) >= version,
    );
  }

  /** Logs the cluster's protocol version when a link comes or goes and it changed. */
  noteProtocolVersion(): void {
    const peers = this.transport.peers();
    const version = clusterProtocolVersion(linkVersions(), peers);
    if (version === this.protocolVersionNoted) return;
    this.protocolVersionNoted = version;
    this.log('Note', `WSREP: ${describeProtocolVersions(linkVersions(), peers)}`);
  }

  /** Galera's wsrep_% status variables. */
  statusVariables(): ReadonlyMap<string, string> {
    this.updateState();
    const config = this.raft.config();
    const state = localStateOf(this.states.state);
    const primary = this.isPrimary();
    const members = [...config.voters, ...config.learners].sort();
    const peers = new Map(this.transport.peers().map((p) => [p.nodeId as string, p]));
    const traffic = this.transport.stats();
    const counts = this.clusterReplicator.counts;
    const trace = this.driver.trace;
    return new Map<string, string>([
      ['wsrep_local_state_uuid', this.stateUuid],
      [
        'wsrep_protocol_version',
        String(clusterProtocolVersion(linkVersions(), [...peers.values()])),
      ],
      ['wsrep_last_committed', String(this.store.appliedSeqno())],
      ['wsrep_replicated', String(this.applier.counts.replicated)],
      ['wsrep_replicated_bytes', String(this.applier.counts.replicatedBytes)],
      ['wsrep_received', String(this.applier.counts.received)],
      ['wsrep_received_bytes', String(this.applier.counts.receivedBytes)],
      // The oldest seqno the log still holds: a node behind it needs an SST, not IST.
      ['wsrep_local_cached_downto', String(this.raft.log.boundaryIndex + 1)],
      ['wsrep_local_cert_failures', String(this.clusterReplicator.certFailures)],
      ['wsrep_local_commits', String(counts.localCommits)],
      ['wsrep_repl_keys', String(counts.replKeys)],
      ['wsrep_repl_keys_bytes', String(counts.replKeysBytes)],
      ['wsrep_repl_data_bytes', String(counts.replDataBytes)],
      // Galera's "other" bytes are its unordered and annotation actions: none here.
      ['wsrep_repl_other_bytes', '0'],
      ['wsrep_causal_reads', String(counts.causalReads)],
      // Write-sets of this node proposed again under a new leader (RaftDriver.propose).
      ['trireme_proposals_resent', String(this.driver.resent)],
      ['wsrep_local_bf_aborts', String(this.store.counters.bfAborts)],
      ['wsrep_local_recv_queue', String(this.raft.applyQueue())],
      [
        'wsrep_local_send_queue',
        String([...peers.values()].reduce((n, p) => n + p.queuedBytes, 0)),
      ],
      ['wsrep_flow_control_paused', this.raft.flowControlPaused() ? '1.000000' : '0.000000'],
      ['wsrep_flow_control_sent', String(this.raft.flowControlSent)],
      ['wsrep_flow_control_recv', String(this.raft.flowControlReceived)],
      ['wsrep_flow_control_paused_ns', String(trace?.flowControlPausedNs ?? 0)],
      ['wsrep_flow_control_active', this.raft.flowControlPaused() ? 'true' : 'false'],
      ['wsrep_flow_control_requested', this.raft.flowControlRequested() ? 'true' : 'false'],
      ...queueFigures('recv', trace?.recvQueue),
      ...queueFigures('send', trace?.sendQueue),
      // One apply lane, in log order: nothing is applied or committed out of order, and one
      // write-set at a time (Galera's windows are 1 with a single applier).
      ['wsrep_apply_oooe', '0.000000'],
      ['wsrep_apply_oool', '0.000000'],
      ['wsrep_apply_window', this.store.appliedSeqno() > 0 ? '1.000000' : '0.000000'],
      ['wsrep_apply_waits', '0'],
      ['wsrep_commit_oooe', '0.000000'],
      ['wsrep_commit_oool', '0.000000'],
      ['wsrep_commit_window', this.store.appliedSeqno() > 0 ? '1.000000' : '0.000000'],
      ['wsrep_cert_interval', this.applier.certificationStats().intervalAverage.toFixed(6)],
      [
        'wsrep_cert_deps_distance',
        this.applier.certificationStats().depsDistanceAverage.toFixed(6),
      ],
      ['wsrep_cert_index_size', String(this.applier.certificationStats().indexedKeys)],
      ['wsrep_local_state', String(state.code)],
      ['wsrep_local_state_comment', state.comment],
      // The members' client addresses, as Galera lists them (learned from each peer's announce);
      // outside a primary component, those of the component it is in (cluster_size below).
      [
        'wsrep_incoming_addresses',
        members
          .filter((m) => primary || m === this.id || peers.has(m))
          .map((m) => (m === this.id ? this.incomingAddress() : this.peerIncoming.get(m)))
          .filter((address) => address !== undefined && address !== '')
          .join(','),
      ],
      ['wsrep_cluster_weight', String(primary ? config.voters.length : 0)],
      ['wsrep_cluster_conf_id', primary ? String(this.confId()) : '18446744073709551615'],
      // Outside a primary component, as in Galera: the nodes of the component this node is in
      // (itself and the peers it is linked to), e.g. 1 for a node left alone.
      [
        'wsrep_cluster_size',
        String(primary ? members.length : 1 + members.filter((m) => peers.has(m)).length),
      ],
      ['wsrep_cluster_state_uuid', this.stateUuid],
      ['wsrep_cluster_status', primary ? 'Primary' : 'non-Primary'],
      ['wsrep_connected', 'ON'],
      ['wsrep_local_index', String(Math.max(0, members.indexOf(this.id)))],
      ['wsrep_provider_name', 'trireme'],
      ['wsrep_provider_vendor', 'trireme'],
      ['wsrep_provider_version', '0.1.0'],
      ['wsrep_ready', this.isReady() ? 'ON' : 'OFF'],
      ['wsrep_evs_state', primary ? 'OPERATIONAL' : 'GATHER'],
      // Members of the configuration this node has no link to now.
      ['wsrep_evs_delayed', members.filter((m) => m !== this.id && !peers.has(m)).join(',')],
      ['wsrep_evs_evict_list', ''],
      ['wsrep_evs_repl_latency', trace?.replicationLatency() ?? '0/0/0/0/0'],
      ['wsrep_gcomm_uuid', this.gcommUuid],
      ['wsrep_gmcast_segment', String(this.config.provider.gmcastSegment)],
      // Each apply commits its seqno with its rows: the store's checkpoint is the applied seqno.
      ['wsrep_checkpoint_position', `${this.stateUuid}:${this.store.appliedSeqno()}`],
      ['wsrep_se_checkpoint', `${this.stateUuid}:${this.store.appliedSeqno()}`],
      // Counted by the engine (sessions whose transaction wrote); no provider-side connections.
      ['wsrep_open_transactions', '0'],
      ['wsrep_open_connections', '0'],
      // Desync requests in force: SET GLOBAL wsrep_desync=ON, and state transfers this node serves.
      ['wsrep_desync_count', String((this.raft.isDesynced ? 1 : 0) + this.donating)],
      // The write-set, consensus and link protocols this node speaks.
      ['wsrep_protocol_application', String(WRITE_SET_VERSION)],
      ['wsrep_protocol_gcs', String(CONSENSUS_CODEC_VERSION)],
      [
        'wsrep_protocol_replicator',
        String(clusterProtocolVersion(linkVersions(), [...peers.values()])),
      ],
      ['wsrep_provider_capabilities', ':MULTI_MASTER:CERTIFICATION:ISOLATION:CAUSAL_READS:'],
      ['wsrep_cluster_capabilities', ''],
      // The apply lane; no thread rolls back victims (a local transaction that loses learns it
      // at its next statement or at COMMIT).
      ['wsrep_applier_thread_count', '1'],
      ['wsrep_rollbacker_thread_count', '0'],
      ['wsrep_thread_count', '1'],
      ['wsrep_raft_term', String(this.raft.term)],
      ['wsrep_raft_leader', this.raft.leader ?? ''],
      ['wsrep_peer_handshakes', String(traffic.linksUp)],
      ['trireme_peer_messages_sent', String(traffic.messagesSent)],
      ['trireme_peer_messages_received', String(traffic.messagesReceived)],
      ['trireme_peer_socket_writes', String(traffic.socketWrites)],
      ['wsrep_uptime_seconds', String(Math.round((Date.now() - this.startedAtMs) / 1000))],
    ]);
  }

  /**
   * grastate.dat in Galera's format: seqno -1 while running, the applied seqno after a clean stop;
   * safe_to_bootstrap: 1 only on a node that stopped as the last member of a primary component
   * (it holds every committed write-set), as in Galera.
   */
  writeGrastate(running: boolean, safeToBootstrap = false): void {
    const path = join(this.config.server.datadir, 'grastate.dat');
    const seqno = running ? -1 : this.store.appliedSeqno();
    const safe = !running && safeToBootstrap ? 1 : 0;
    const text = `# GALERA saved state\nversion: 2.1\nuuid:    ${this.stateUuid}\nseqno:   ${seqno}\nsafe_to_bootstrap: ${safe}\n`;
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }

  /**
   * Graceful stop (exit code 0): leave the configuration (handing leadership over first), then
   * close. Any other exit code, or `leave: false` (a restart on a received state), stays a member.
   */
  async stop(
    exitCode = 0,
    options: { leave?: boolean; leaveTimeoutMs?: number } = {},
  ): Promise<number> {
    if (this.stopping) return exitCode;
    this.stopping = true;
    const leaveTimeoutMs = options.leaveTimeoutMs ?? 5000;
    this.stateRetry?.cancel();
    this.stateRetry = null;
    void this.joining?.receiver?.close();
    const leave = (options.leave ?? true) && exitCode === 0;
    // Only a primary component can commit the leave; a node outside one stops at once.
    if (leave && this.isPrimary() && this.raft.config().voters.length > 1) {
      // Galera's graceful shutdown: leave the configuration at once, so the cluster shrinks.
      const left = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leaveTimeoutMs);
        this.leaveResolve = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.driver.step({ type: 'leave' });
      await left;
    }
    const voters = this.raft.config().voters;
    const lastMember = this.isPrimary() && voters.length === 1 && voters[0] === this.id;
    if (this.compactionTimer !== null) clearInterval(this.compactionTimer);
    if (this.sampleTimer !== null) clearInterval(this.sampleTimer);
    if (this.keyTimer !== null) clearInterval(this.keyTimer);
    this.keyWatch?.stop();
    if (this.waitingTimer !== null) clearInterval(this.waitingTimer);
    await this.driver.stop();
    await this.transport.stop();
    await this.gcache.close();
    this.writeGrastate(false, lastMember);
    this.store.close();
    this.log('Note', `WSREP: node ${this.id} stopped at seqno ${this.store.appliedSeqno()}`);
    return exitCode;
  }

  private leaveResolve: (() => void) | null = null;

  appliedSeqno(): Index {
    return this.store.appliedSeqno();
  }
}

function sstIncomingPath(config: ServerConfig): string {
  return join(config.server.datadir, 'sst-incoming.db');
}

/**
 * A transfer cut by a kill leaves its files: a donor's copy or dump (`sst-donor-NONCE.db|sql`,
 * as large as the database) and a joiner's partial state (`sst-incoming.db`, `.sql`, and the
 * files SQLite keeps beside a database it had open). Once an
 * interrupted install is finished (resumeInstall), nothing uses them: removed at start, and said.
 */
async function removeCutTransfers(datadir: string, log: Logger): Promise<void> {
  const names = readdirSync(datadir).filter((name) =>
    /^(sst-donor-[0-9a-f-]+\.(db|sql)|sst-incoming\.db(\.sql)?)(-wal|-shm|-journal)?$/.test(name),
  );
  for (const name of names) {
    const path = join(datadir, name);
    const mib = (statSync(path).size / (1024 * 1024)).toFixed(1);
    await rm(path, { force: true });
    log('Note', `WSREP: removed ${name} (${mib} MiB), left by a state transfer that was cut`);
  }
}

/** The [sst] key that names each SST TLS file, where one does (else the socket.ssl_* option). */
function sstKeyNames(config: ServerConfig): Map<string, string> {
  const { sst } = config;
  const files = config.cluster.sstTls;
  const names = new Map<string, string>();
  const pick = (option: string, path: string | null, pairs: [string | null, string][]): void => {
    for (const [value, name] of pairs) {
      if (value !== null && value === path) return void names.set(option, `[sst] ${name}`);
    }
  };
  pick('socket.ssl_key', files.key, [
    [sst.sslKey, 'ssl-key'],
    [sst.tkey, 'tkey'],
  ]);
  pick('socket.ssl_cert', files.cert, [
    [sst.sslCert, 'ssl-cert'],
    [sst.tcert, 'tcert'],
  ]);
  pick('socket.ssl_ca', files.ca, [
    [sst.sslCa, 'ssl-ca'],
    [sst.tca, 'tca'],
  ]);
  return names;
}

/** The datadir exists (created if need be) and this user can write it; else why, and the fix. */
function checkDatadir(datadir: string): void {
  const user = `uid ${process.getuid?.() ?? '?'}`;
  try {
    mkdirSync(datadir, { recursive: true });
    accessSync(datadir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `datadir ${datadir} cannot be created or written (${code}). Fix: point datadir at a directory ${user} can write, or give ${user} write access to it`,
      { cause: error },
    );
  }
}

function replicationListenFailure(config: ServerConfig, error: unknown): string {
  const { host, port } = config.cluster.listenAddress;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `replication port ${host}:${port} is in use (EADDRINUSE). Fix: stop the process that holds it (a previous node may still be stopping), or set another port in wsrep_node_address or gmcast.listen_addr`;
  return `cannot listen for replication on ${host}:${port}: ${String(error)}. Fix: set gmcast.listen_addr (or wsrep_node_address) to an address of this host and a free port`;
}

function readOrCreateNodeUuid(datadir: string): string {
  const path = join(datadir, 'node.uuid');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const uuid = randomUUID();
  writeFileSync(path, `${uuid}\n`);
  return uuid;
}

function hashSeed(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

/**
 * The replication address peers are told in the HELLO: a listener on every interface advertises
 * wsrep_node_address's host (as Galera does), else the listen address itself.
 */
function advertisedAddress(config: ServerConfig): string | undefined {
  const listen = config.cluster.listenAddress;
  const node = config.server.wsrepNodeAddress;
  if (node === null || (listen.host !== '0.0.0.0' && listen.host !== '::')) return undefined;
  return node.host.includes(':') ? `[${node.host}]:${listen.port}` : `${node.host}:${listen.port}`;
}

const unsafeBootstrapMessage =
  'WSREP: It may not be safe to bootstrap the cluster from this node. It was not the last one to leave the cluster and may not contain all the updates. ' +
  'Fix: start the nodes without bootstrap (the cluster re-forms by itself once a majority of its last members is back), ' +
  'or bootstrap from the node whose grastate.dat has safe_to_bootstrap: 1; to force it with this node, run `trireme bootstrap --force` ' +
  'or edit grastate.dat and set safe_to_bootstrap to 1';

/** grastate.dat's safe_to_bootstrap: true or false where the file says so, else null. */
function readSafeToBootstrap(datadir: string): boolean | null {
  const path = join(datadir, 'grastate.dat');
  if (!existsSync(path)) return null;
  const match = /^safe_to_bootstrap:\s*([01])\s*$/m.exec(readFileSync(path, 'utf8'));
  return match === null ? null : match[1] === '1';
}

function isLocalHost(host: string, listenHost: string): boolean {
  return host === listenHost || (host === '127.0.0.1' && listenHost === '0.0.0.0');
}

async function loadCredentials(config: ServerConfig, log: Logger): Promise<TlsCredentials | null> {
  const tls = config.cluster.replicationTls;
  if (!config.provider.socketSsl) {
    log('Warning', 'WSREP: socket.ssl=no: replication traffic is NOT encrypted or authenticated');
    return null;
  }
  if (tls.cert === null || tls.key === null) {
    throw new Error(
      'replication TLS needs socket.ssl_cert and socket.ssl_key in wsrep_provider_options (or socket.ssl=no to opt out); `trireme cert` creates them',
    );
  }
  return loadTlsFiles(config, tls.key, tls.cert, tls.ca, new Map());
}

/** The [sst] identity when it names other files than the replication one, else the same. */
async function loadSstCredentials(
  config: ServerConfig,
  replication: TlsCredentials | null,
): Promise<TlsCredentials | null> {
  const sst = config.cluster.sstTls;
  const same = config.cluster.replicationTls;
  if (replication === null || sst.cert === null || sst.key === null) return replication;
  if (sst.cert === same.cert && sst.key === same.key && sst.ca === same.ca) return replication;
  return loadTlsFiles(config, sst.key, sst.cert, sst.ca, sstKeyNames(config));
}

async function loadTlsFiles(
  config: ServerConfig,
  keyPath: string,
  certPath: string,
  caPath: string | null,
  /** The option that named each file, where it is not socket.ssl_* (the [sst] keys). */
  names: ReadonlyMap<string, string>,
): Promise<TlsCredentials> {
  const loaded = await TlsCredentials.load({
    keyPath,
    certPath,
    caPath: caPath ?? certPath,
    cipher: config.provider.socketSslCipher,
  });
  if (!loaded.ok) {
    const rename = (text: string): string =>
      [...names].reduce((t, [option, name]) => t.split(option).join(name), text);
    if (names.size === 0) throw new Error(`${loaded.error.message}. Fix: ${loaded.error.fix}`);
    const fix = rename(loaded.error.fix).replace(/ in wsrep_provider_options$/, ' in [sst]');
    throw new Error(`${rename(loaded.error.message)}. Fix: ${fix}`);
  }
  return loaded.credentials;
}

/** A gcache that never held a log: a new node, or one whose gcache was removed. */
function isNewLog(recovered: DurableState): boolean {
  return (
    recovered.hardState.term === 0 &&
    recovered.entries.length === 0 &&
    recovered.boundary.index === 0 &&
    recovered.boundary.config.voters.length === 0
  );
}

function rejoinNote(target: Index | null): string {
  const until =
    target === null
      ? 'it has caught up with what the cluster has committed'
      : `its log reaches seqno ${target}, what the cluster had committed when it rejoined`;
  return `WSREP: this node started on an empty datadir: it votes in no election until ${until} (rejoin.pending in the datadir)`;
}

/** What the core starts from: the recovered log, or a new cluster of one, or a joiner's nothing. */
async function durableStateFor(
  config: ServerConfig,
  id: NodeId,
  recovered: DurableState,
  gcache: GCache,
  store: Store,
  log: Logger,
): Promise<DurableState> {
  const datadir = config.server.datadir;
  // A bootstrap is the operator's word that this node's state is the cluster's (as pc.bootstrap).
  if (config.cluster.bootstrap) removeRejoinMarker(datadir);
  const marker = config.cluster.bootstrap ? null : readRejoinMarker(datadir);
  if (!isNewLog(recovered)) {
    log(
      'Note',
      `WSREP: recovered the log up to seqno ${recovered.boundary.index + recovered.entries.length}, applied ${store.appliedSeqno()}, term ${recovered.hardState.term}`,
    );
    if (marker !== null) log('Note', rejoinNote(marker.target));
    return {
      ...recovered,
      applied: store.appliedSeqno(),
      ...(marker === null ? {} : { rejoin: { target: marker.target } }),
    };
  }
  if (!config.cluster.bootstrap) {
    // Also a member whose datadir was emptied (a new disk): it comes back with nothing it
    // acknowledged or voted for, so it may not vote until it has caught up (rejoin-marker.ts).
    writeRejoinMarker(datadir, { target: null });
    log('Note', 'WSREP: new node: asking the cluster to join');
    log('Note', rejoinNote(null));
    return { ...recovered, rejoin: { target: null } };
  }
  const config1: ConfigState = { voters: [id], learners: [] };
  // A datadir that already holds data (a standalone node's) starts the new log after it.
  const boundary = {
    index: asIndex(Math.max(recovered.boundary.index, store.appliedSeqno())),
    term: recovered.boundary.term,
    config: config1,
  };
  await gcache.write({ hardState: null, boundary, resetLog: false, entries: [] });
  log(
    'Note',
    `WSREP: bootstrapping a new cluster '${config.server.wsrepClusterName}' with ${id} as its first member`,
  );
  return { ...recovered, boundary, applied: store.appliedSeqno() };
}
