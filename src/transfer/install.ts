// Installs a received state while the node is stopped: the database file replaces the node's,
// and the gcache restarts at the donor's boundary with the certification window after it, so
// that the next start recovers exactly as after a crash (docs/design/transfer.md).
//
// Crash safety: the window and the header are written next to the staged database first, with a
// marker, all fsynced; then the database is moved and the gcache reset; then the marker goes.
// A start that finds the marker finishes the install before it opens anything.
//
// Encryption (docs/design/encryption.md): the received copy is sealed with the transfer's key;
// it is rekeyed to this node's own page key before the marker is written, so the marker never
// holds a key. The window file is sealed with the node's GCache key.
import { existsSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeEntry, encodeEntry } from '../codec/consensus.js';
import { encodeFrame, FrameDecoder } from '../codec/frame.js';
import type { Entry, HardState } from '../core/consensus/types.js';
import { term as asTerm } from '../core/types.js';
import { syncDirectory } from '../gcache/files.js';
import { describeGCacheError, GCache, type GCacheKeys } from '../gcache/index.js';
import { open as openSealed, seal, type KeyVersion } from '../keys/index.js';
import {
  newPageScheme,
  pageSchemeOf,
  rekeyDatabaseFile,
  type PageCipher,
  type PageScheme,
} from '../storage/index.js';
import type { StagedState } from './sst.js';
import { decodeHeader, encodeHeader, type SstHeader } from './stream.js';

/** Entries are written to the gcache in batches of about this many bytes. */
const installBatchBytes = 32 * 1024 * 1024;
const markerFile = 'sst-install.pending';
const windowFile = 'sst-install.window';

export interface InstallTarget {
  readonly storePath: string;
  readonly gcacheDir: string;
  /** This node's page cipher (null: plaintext database). */
  readonly cipher?: PageCipher | null;
  /** This node's GCache keys (the window file is sealed with the current one). */
  readonly gcacheKeys?: GCacheKeys | null;
}

/** What an install did to the received copy's pages, for the log. */
export interface Installed {
  /** The received copy's page scheme (null: plaintext). */
  readonly received: PageScheme | null;
  /** The installed database's (null: plaintext): AEGIS whenever this node encrypts. */
  readonly installed: PageScheme | null;
}

export async function installState(staged: StagedState, target: InstallTarget): Promise<Installed> {
  const { dbKey, ...header } = staged.header;
  const transferCipher = dbKey === undefined ? null : { key: Buffer.from(dbKey, 'hex') };
  const cipher = target.cipher ?? null;
  const received = transferCipher === null ? null : pageSchemeOf(staged.dbPath, transferCipher);
  if (transferCipher !== null || cipher !== null)
    rekeyDatabaseFile(staged.dbPath, transferCipher, cipher);
  const rekeyed = { ...staged, header };
  await stageInstall(rekeyed, target);
  await finishInstall(header, staged.dbPath, staged.entries, target);
  return { received, installed: cipher === null ? null : newPageScheme };
}

/** Writes what finishing needs beside the staged database, then the marker; all durable. */
export async function stageInstall(staged: StagedState, target: InstallTarget): Promise<void> {
  const dir = dirname(target.storePath);
  await writeDurably(
    join(dir, windowFile),
    sealWindow(
      Buffer.concat(staged.entries.map((e) => encodeFrame(1, encodeEntry(e)))),
      target.gcacheKeys?.current ?? null,
    ),
  );
  await writeDurably(
    join(dir, markerFile),
    Buffer.from(
      JSON.stringify({
        dbPath: staged.dbPath,
        header: Buffer.from(encodeHeader(staged.header)).toString('base64'),
      }),
    ),
  );
  await syncDirectory(dir);
}

/**
 * Finishes an install that a crash interrupted; returns whether there was one. Throws when the
 * marker is there but what it names cannot be read (the node must not start on half a state).
 */
export async function resumeInstall(target: InstallTarget): Promise<boolean> {
  const dir = dirname(target.storePath);
  const marker = join(dir, markerFile);
  if (!existsSync(marker)) return false;
  const saved = JSON.parse(await readFile(marker, 'utf8')) as { dbPath: string; header: string };
  const header = decodeHeader(Buffer.from(saved.header, 'base64'));
  if (!header.ok) throw new Error(`${marker}: ${header.error}`);
  const window = openWindow(await readFile(join(dir, windowFile)), target.gcacheKeys ?? null);
  const entries = window === null ? null : readWindow(window);
  if (entries === null || entries.length !== header.value.entryCount)
    throw new Error(`${join(dir, windowFile)} does not hold the announced entries`);
  await finishInstall(header.value, saved.dbPath, entries, target);
  return true;
}

async function finishInstall(
  header: SstHeader,
  dbPath: string,
  entries: readonly Entry[],
  target: InstallTarget,
): Promise<void> {
  // The database: moved once; after a crash past this step it is already in place.
  if (existsSync(dbPath)) {
    await rm(`${target.storePath}-wal`, { force: true });
    await rm(`${target.storePath}-shm`, { force: true });
    await rename(dbPath, target.storePath);
  }
  const opened = await GCache.open(target.gcacheDir, { keys: target.gcacheKeys ?? null });
  if (!opened.ok) throw new Error(`gcache: ${describeGCacheError(opened.error)}`);
  const gcache = opened.value.gcache;
  try {
    const previous = opened.value.recovered.hardState;
    const lastTerm = entries.length > 0 ? entries[entries.length - 1]!.term : header.term;
    const term = asTerm(Math.max(previous.term, header.term, lastTerm));
    const hardState: HardState = {
      term,
      vote: term === previous.term ? previous.vote : null,
      commit: header.index,
      forcedConfig: null,
    };
    let first = true;
    for (const batch of batches(entries)) {
      await gcache.write({
        hardState: first ? hardState : null,
        boundary: first ? header.boundary : null,
        resetLog: first,
        entries: batch,
      });
      first = false;
    }
    if (first)
      await gcache.write({ hardState, boundary: header.boundary, resetLog: true, entries: [] });
  } finally {
    await gcache.close();
  }
  const dir = dirname(target.storePath);
  await rm(join(dir, markerFile), { force: true });
  await rm(join(dir, windowFile), { force: true });
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// A sealed window: magic, key id, key version, then keys/aead.ts's sealed bytes.
const SEALED_WINDOW_MAGIC = Buffer.from('TRWSEAL1', 'latin1');
const WINDOW_AAD = Buffer.from(windowFile, 'latin1');

function sealWindow(plain: Uint8Array, key: KeyVersion | null): Uint8Array {
  if (key === null) return plain;
  const head = Buffer.alloc(SEALED_WINDOW_MAGIC.length + 8);
  SEALED_WINDOW_MAGIC.copy(head);
  head.writeUInt32BE(key.id, SEALED_WINDOW_MAGIC.length);
  head.writeUInt32BE(key.version, SEALED_WINDOW_MAGIC.length + 4);
  return Buffer.concat([head, seal(key.material, WINDOW_AAD, plain)]);
}

/** The window's frames; null when sealed with a key this node lacks, or altered. */
function openWindow(bytes: Buffer, keys: GCacheKeys | null): Uint8Array | null {
  const headBytes = SEALED_WINDOW_MAGIC.length + 8;
  if (
    bytes.length < headBytes ||
    !bytes.subarray(0, SEALED_WINDOW_MAGIC.length).equals(SEALED_WINDOW_MAGIC)
  )
    return bytes;
  const id = bytes.readUInt32BE(SEALED_WINDOW_MAGIC.length);
  const version = bytes.readUInt32BE(SEALED_WINDOW_MAGIC.length + 4);
  const key = keys?.find(id, version) ?? null;
  return key === null ? null : openSealed(key.material, WINDOW_AAD, bytes.subarray(headBytes));
}

function readWindow(bytes: Uint8Array): Entry[] | null {
  const decoder = new FrameDecoder({ payloadBytesMax: 65 * 1024 * 1024 });
  const entries: Entry[] = [];
  for (const event of decoder.push(bytes)) {
    if (event.kind === 'error') return null;
    const entry = decodeEntry(event.payload);
    if (!entry.ok) return null;
    entries.push(entry.value);
  }
  return decoder.bufferedBytes === 0 ? entries : null;
}

function* batches(entries: readonly Entry[]): Generator<Entry[]> {
  let batch: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.data.length + 256;
    if (batch.length > 0 && bytes + size > installBatchBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
