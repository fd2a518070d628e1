// State snapshot transfer over mutual TLS: the joiner listens on its SST receive address, the
// donor dials it and streams its database file and the log entries the joiner needs to certify
// what follows (the certification window). Both ends verify each other's certificate exactly as
// the replication channel does (net/tls.ts), so an SST never runs in plaintext unless
// socket.ssl=no says so. Design: docs/design/transfer.md.
import { once } from 'node:events';
import { rename, rm, stat } from 'node:fs/promises';
import type net from 'node:net';
import { decodeEntry, encodeEntry } from '../codec/consensus.js';
import { describeFrameError, encodeFrameHeader, FrameDecoder } from '../codec/frame.js';
import { err, ok, type Result } from '../codec/result.js';
import { assert } from '../core/assert.js';
import type { Entry } from '../core/consensus/types.js';
import {
  connectReplication,
  createReplicationServer,
  type ReplicationServer,
  type TlsCredentials,
  type TlsLog,
} from '../net/tls.js';
import { loadLogicalDump, readStoreFormat, STORE_FORMAT_VERSION } from '../storage/index.js';
import {
  decodeEnd,
  decodeHeader,
  encodeEnd,
  encodeHeader,
  sstChunkBytes,
  sstFrameTypes,
  type SstHeader,
} from './stream.js';
import { FileReader } from './file-reader.js';
import { FileWriter } from './file-writer.js';

/** Database pieces the donor's reader keeps ready ahead of the socket. */
const sstReadAhead = 8;
/** The donor waits for the socket to drain once more than this waits to be sent. */
const sstBufferedBytesMax = 4 * 1024 * 1024;

/** A frame of the SST stream is at most one log entry (64 MiB write-set) plus its envelope. */
const sstFramePayloadBytesMax = 65 * 1024 * 1024;
/** Progress is logged about this often while bytes flow (a long transfer says it is alive). */
const progressEveryMs = 5000;

/**
 * Test-only: a pause in milliseconds before each database piece the donor sends, so that tests
 * can kill a donor or a joiner in the middle of a transfer. Not for production use.
 */
export const sstTestDelayEnv = 'TRIREME_TEST_SST_DELAY_MS';

function testDelayMs(): number {
  const value = Number(process.env[sstTestDelayEnv] ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? Math.min(value, 60_000) : 0;
}

/** Bytes, time and rate of one side of a transfer, with a progress line every few seconds. */
class TransferMeter {
  private readonly startedAtMs = Date.now();
  private reportedAtMs = this.startedAtMs;
  dbBytes = 0;
  entryBytes = 0;
  entries = 0;
  /** What the data bytes are: the database file, or SQL statements (a logical transfer). */
  dataLabel = 'database';

  constructor(
    private readonly verb: 'sent' | 'received',
    private readonly log: SstLog,
  ) {}

  addDb(bytes: number, dbBytesTotal: number): void {
    this.dbBytes += bytes;
    const now = Date.now();
    if (now - this.reportedAtMs < progressEveryMs) return;
    this.reportedAtMs = now;
    const percent = Math.floor((100 * this.dbBytes) / Math.max(1, dbBytesTotal));
    this.log.note(
      `WSREP_SST: ${this.verb} ${mib(this.dbBytes)} of ${mib(dbBytesTotal)} MiB (${percent}%) in ${this.seconds().toFixed(1)} s, ${this.rate()} MiB/s`,
    );
  }

  addEntry(bytes: number): void {
    this.entryBytes += bytes;
    this.entries++;
  }

  /** `sent 12.0 MiB (database 11.5 MiB, 300 log entries) in 1.2 s, 10.0 MiB/s`. */
  summary(): string {
    return `${this.verb} ${mib(this.dbBytes + this.entryBytes)} MiB (${this.dataLabel} ${mib(this.dbBytes)} MiB, ${this.entries} log entries) in ${this.seconds().toFixed(1)} s, ${this.rate()} MiB/s`;
  }

  seconds(): number {
    return (Date.now() - this.startedAtMs) / 1000;
  }

  private rate(): string {
    return mib((this.dbBytes + this.entryBytes) / Math.max(0.001, this.seconds()));
  }
}

export interface SstLog {
  note(message: string): void;
  warn(message: string): void;
}

export interface StagedState {
  readonly header: SstHeader;
  /** The received database file, complete and checked (SHA-256). */
  readonly dbPath: string;
  readonly entries: readonly Entry[];
}

export interface SstReceiver {
  /** The bound address, `host:port`, for the request. */
  readonly address: string;
  /** Settles once a donor has sent a whole state, or with the reason it did not. */
  readonly received: Promise<Result<StagedState, string>>;
  close(): Promise<void>;
}

export interface ReceiveOptions {
  readonly credentials: TlsCredentials | null;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly nonce: string;
  /** Where the database file is written. */
  readonly dbPath: string;
  /** How long to wait for a donor to connect, and for each piece of the stream. */
  readonly timeoutMs: number;
  readonly log: SstLog;
  readonly tlsLog: TlsLog;
}

/** Listens for one donor; the first connection that completes the TLS handshake is read. */
export async function receiveState(options: ReceiveOptions): Promise<SstReceiver> {
  let settle: (result: Result<StagedState, string>) => void = () => undefined;
  const received = new Promise<Result<StagedState, string>>((resolve) => (settle = resolve));
  let taken = false;
  const timer = setTimeout(
    () => settle(err(`no donor connected within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  const listening: ReplicationServer = await createReplicationServer(
    {
      credentials: options.credentials,
      host: options.host,
      port: options.port,
      log: options.tlsLog,
    },
    (socket, info) => {
      if (taken) {
        socket.destroy();
        return;
      }
      taken = true;
      clearTimeout(timer);
      options.log.note(`WSREP_SST: donor connected from ${info.remoteEndpoint}`);
      void readState(socket, options).then(settle, (error: unknown) =>
        settle(err(`SST stream failed: ${String(error)}`)),
      );
    },
  );
  return {
    address: `${listening.host.includes(':') ? `[${listening.host}]` : listening.host}:${listening.port}`,
    received,
    close: async () => {
      clearTimeout(timer);
      settle(err('the transfer was cancelled'));
      await listening.close();
    },
  };
}

interface ReadProgress {
  header: SstHeader | null;
  /** Created with the header, which says whether to hash (SstHeader.digest). */
  writer: FileWriter | null;
  dbReceived: number;
  readonly meter: TransferMeter;
  readonly entries: Entry[];
  /** The end frame's SHA-256 (null: none, as the header said), once it came. */
  end: { readonly sha256: string | null } | null;
}

/** How long the joiner waits for the donor to close the stream after its end frame. */
const closeWaitMs = 5000;

/** The joiner stops reading the socket while more than this waits to be written to disk. */
const sstUnwrittenBytesMax = 16 * 1024 * 1024;

async function readState(
  socket: net.Socket,
  options: ReceiveOptions,
): Promise<Result<StagedState, string>> {
  socket.setTimeout(options.timeoutMs, () => socket.destroy(new Error('the donor went silent')));
  await rm(options.dbPath, { force: true });
  const decoder = new FrameDecoder({ payloadBytesMax: sstFramePayloadBytesMax });
  const progress: ReadProgress = {
    header: null,
    writer: null,
    dbReceived: 0,
    meter: new TransferMeter('received', options.log),
    entries: [],
    end: null,
  };
  let written: Result<{ sha256: string; bytes: number }, string>;
  try {
    // 'data' handlers, not an async iterator: a TLS socket yields 16 KiB records, and a promise
    // per record cost more than decoding them.
    const problem = await new Promise<string | null>((resolve) => {
      let settled = false;
      const stop = (reason: string | null): void => {
        if (settled) return;
        settled = true;
        // After the end frame the socket keeps being read (and what comes is ignored), so that
        // the donor's close completes: closing with unread bytes would answer it with a reset,
        // and it would log a transfer that arrived whole as failed.
        if (reason !== null) socket.pause();
        resolve(reason);
      };
      socket.on('data', (chunk: Buffer) => {
        if (settled) return;
        for (const event of decoder.push(chunk)) {
          if (event.kind === 'error') return stop(describeFrameError(event.error));
          const problem = onFrame(event.type, event.payload, progress, options);
          if (problem !== null) return stop(problem);
          if (progress.end !== null) return stop(null);
        }
        const writer = progress.writer;
        if (writer === null) return;
        if (writer.failed !== null) return stop(`cannot write the database: ${writer.failed}`);
        if (writer.pendingBytes > sstUnwrittenBytesMax) {
          socket.pause();
          writer.whenBelow(sstUnwrittenBytesMax / 2, () => {
            if (!settled) socket.resume();
          });
        }
      });
      socket.on('error', (error) => stop(`SST stream failed: ${error.message}`));
      socket.on('close', () => stop('the donor closed the stream before its end'));
    });
    if (problem !== null) return err(problem);
    if (progress.writer === null) return err('the donor closed the stream before its end');
    socket.end();
    written = await progress.writer.finish();
    await closedWithin(socket, closeWaitMs);
  } finally {
    socket.destroy();
    await progress.writer?.close();
  }
  if (!written.ok) return err(`cannot write the database: ${written.error}`);
  const header = progress.header;
  if (header === null || progress.end === null)
    return err('the donor closed the stream before its end');
  if (progress.dbReceived !== header.dbBytes || written.value.bytes !== header.dbBytes)
    return err(`got ${progress.dbReceived} database bytes, the donor announced ${header.dbBytes}`);
  if (progress.entries.length !== header.entryCount)
    return err(`got ${progress.entries.length} log entries, announced ${header.entryCount}`);
  const expected = header.digest === 'none' ? null : written.value.sha256;
  if (progress.end.sha256 !== expected)
    return err(
      expected === null
        ? 'the donor sent a SHA-256 after announcing none'
        : 'the database SHA-256 does not match the donor',
    );
  options.log.note(`WSREP_SST: ${progress.meter.summary()}`);
  if (header.format === 'logical') {
    const loaded = await loadReceivedDump(header, options);
    if (loaded !== null) return err(loaded);
  }
  return ok({ header, dbPath: options.dbPath, entries: progress.entries });
}

/** Resolves once `socket` closed, or after `ms`. */
function closedWithin(socket: net.Socket, ms: number): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A received database is usable only in the storage format this build reads: the joiner checks
 * it before the install, so it never restarts on a file it cannot open. Null when usable.
 */
export function checkReceivedFormat(dbPath: string, header?: SstHeader): string | null {
  let format: bigint | null;
  // An encrypted donor's copy is sealed with the transfer's own key (rekeyed at install).
  const cipher = header?.dbKey === undefined ? null : { key: Buffer.from(header.dbKey, 'hex') };
  try {
    format = readStoreFormat(dbPath, cipher);
  } catch (error) {
    return `the received database cannot be read: ${String(error)}`;
  }
  if (format === STORE_FORMAT_VERSION) return null;
  return `the donor's database has storage format ${format ?? 'unknown'}, this build reads ${STORE_FORMAT_VERSION}: a physical copy cannot cross storage formats; set wsrep_sst_method=mysqldump for a logical transfer`;
}

/** A logical transfer: the received SQL becomes a database of this build's storage format. */
async function loadReceivedDump(
  header: SstHeader,
  options: ReceiveOptions,
): Promise<string | null> {
  const sqlPath = `${options.dbPath}.sql`;
  await rename(options.dbPath, sqlPath);
  const startedMs = Date.now();
  try {
    const loaded = await loadLogicalDump(sqlPath, options.dbPath);
    if (!loaded.ok) return `the SQL from the donor does not load: ${loaded.error}`;
    if (loaded.value.seqno !== header.index)
      return `the SQL from the donor holds seqno ${loaded.value.seqno}, its header ${header.index}`;
    const seconds = (Date.now() - startedMs) / 1000;
    options.log.note(
      `WSREP_SST: loaded ${loaded.value.statements} SQL statements into a database of storage format ${STORE_FORMAT_VERSION} in ${seconds.toFixed(1)} s, ${mib(header.dbBytes / Math.max(0.001, seconds))} MiB/s`,
    );
    return null;
  } finally {
    await rm(sqlPath, { force: true });
  }
}

function onFrame(
  type: number,
  payload: Uint8Array,
  progress: ReadProgress,
  options: ReceiveOptions,
): string | null {
  if (type !== sstFrameTypes.header && progress.header === null)
    return `frame type ${type} before the header`;
  switch (type) {
    case sstFrameTypes.header: {
      if (progress.header !== null) return 'a second header';
      const header = decodeHeader(payload);
      if (!header.ok) return header.error;
      if (header.value.nonce !== options.nonce) return 'the donor answered another request';
      if (header.value.digest === 'none' && options.credentials === null)
        return 'the donor announced no SHA-256 on a stream without TLS';
      progress.header = header.value;
      progress.writer = new FileWriter({
        path: options.dbPath,
        hash: header.value.digest !== 'none',
      });
      const logical = header.value.format === 'logical';
      if (logical) progress.meter.dataLabel = 'SQL';
      options.log.note(
        `WSREP_SST: receiving state ${header.value.stateUuid ?? '(no UUID)'}:${header.value.index} from ${header.value.donor}: ${mib(header.value.dbBytes)} MiB of ${logical ? 'SQL statements (logical)' : 'database file (physical)'}, ${header.value.entryCount} log entries`,
      );
      return null;
    }
    case sstFrameTypes.db: {
      const header = progress.header!;
      const bytes = payload.length;
      if (progress.dbReceived + bytes > header.dbBytes) return 'more data than announced';
      progress.writer!.write(payload); // moves the payload to the writer's thread: it is empty after
      progress.dbReceived += bytes;
      progress.meter.addDb(bytes, header.dbBytes);
      return null;
    }
    case sstFrameTypes.entry: {
      const header = progress.header!;
      const entry = decodeEntry(payload);
      if (!entry.ok) return 'a malformed log entry';
      const expected = header.boundary.index + 1 + progress.entries.length;
      if (entry.value.index !== expected)
        return `log entry ${entry.value.index} where ${expected} was due`;
      // A copy: the decoded payload may be a view into a socket chunk, which it would keep alive.
      progress.entries.push({ ...entry.value, data: Uint8Array.from(entry.value.data) });
      progress.meter.addEntry(payload.length);
      return null;
    }
    case sstFrameTypes.end: {
      const end = decodeEnd(payload);
      if (!end.ok) return end.error;
      progress.end = { sha256: end.value };
      return null;
    }
    default:
      return `unknown SST frame type ${type}`;
  }
}

export interface SendOptions {
  readonly credentials: TlsCredentials | null;
  readonly host: string;
  readonly port: number;
  /** dbBytes is filled in from the file. */
  readonly header: Omit<SstHeader, 'dbBytes'>;
  readonly dbPath: string;
  /**
   * dbPath is the donor's live database, frozen (Store.freezeFile): send its first `bytes`,
   * marked for a rollback journal, and call `thaw` once they were all handed to the socket.
   * Absent: dbPath is a copy or a dump, sent whole.
   */
  readonly liveFile?: { readonly bytes: number; readonly thaw: () => void };
  readonly entries: readonly Entry[];
  readonly log: SstLog;
  readonly tlsLog: TlsLog;
}

/** Dials the joiner and streams the state; resolves once every byte was handed to the socket. */
export async function sendState(options: SendOptions): Promise<Result<null, string>> {
  assert(options.entries.length === options.header.entryCount, 'entry count as announced');
  assert(
    options.header.digest !== 'none' || options.credentials !== null,
    'no SHA-256 only over TLS',
  );
  let socket: net.Socket;
  try {
    ({ socket } = await connectReplication({
      credentials: options.credentials,
      host: options.host,
      port: options.port,
      log: options.tlsLog,
    }));
  } catch (error) {
    return err(`cannot reach the joiner at ${options.host}:${options.port}: ${String(error)}`);
  }
  const failure: { error: Error | null } = { error: null };
  socket.on('error', (error) => (failure.error = error));
  let reader: FileReader | null = null;
  try {
    const dbBytes = options.liveFile?.bytes ?? (await stat(options.dbPath)).size;
    await write(socket, sstFrameTypes.header, encodeHeader({ ...options.header, dbBytes }));
    reader = new FileReader({
      path: options.dbPath,
      bytes: dbBytes,
      pieceBytes: sstChunkBytes,
      readAhead: sstReadAhead,
      rollbackJournal: options.liveFile !== undefined,
      hash: options.header.digest !== 'none',
    });
    const meter = new TransferMeter('sent', options.log);
    if (options.header.format === 'logical') meter.dataLabel = 'SQL';
    const delayMs = testDelayMs();
    let sha256: string | null = null;
    while (sha256 === null) {
      const piece = await reader.next();
      if (!piece.ok) return err(`cannot read the database to send: ${piece.error}`);
      if (piece.value.kind === 'end') {
        sha256 = piece.value.sha256;
        break;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await write(socket, sstFrameTypes.db, piece.value.data);
      meter.addDb(piece.value.data.length, dbBytes);
      if (failure.error !== null) return err(`SST stream failed: ${failure.error.message}`);
    }
    options.liveFile?.thaw();
    for (const entry of options.entries) {
      const bytes = encodeEntry(entry);
      await write(socket, sstFrameTypes.entry, bytes);
      meter.addEntry(bytes.length);
    }
    await write(
      socket,
      sstFrameTypes.end,
      encodeEnd(options.header.digest === 'none' ? null : sha256),
    );
    socket.end();
    await once(socket, 'close');
    if (failure.error !== null) return err(`SST stream failed: ${failure.error.message}`);
    options.log.note(`WSREP_SST: ${meter.summary()}`);
    return ok(null);
  } catch (error) {
    return err(`SST stream failed: ${String(error)}`);
  } finally {
    await reader?.close();
    socket.destroy();
  }
}

/**
 * Writes a frame, its header and payload without copying them together, and waits for the
 * socket to drain only once more than sstBufferedBytesMax wait in it: the next pieces are read
 * and encrypted while the kernel sends the last ones.
 */
async function write(socket: net.Socket, type: number, payload: Uint8Array): Promise<void> {
  if (socket.destroyed) throw new Error('the joiner closed the connection');
  socket.cork();
  socket.write(encodeFrameHeader(type, payload));
  socket.write(payload);
  socket.uncork();
  if (socket.writableLength > sstBufferedBytesMax) await drainedOrClosed(socket);
}

/**
 * Waits for 'drain' or 'close' and removes both listeners: racing two `once()` promises left the
 * loser's listeners behind, one per chunk, until Node warned of a leak (MaxListenersExceeded).
 */
function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
