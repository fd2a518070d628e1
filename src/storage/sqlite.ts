// The SQLite library: better-sqlite3-multiple-ciphers, the same API as better-sqlite3 with
// SQLite3 Multiple Ciphers compiled in, so that a node's database, its WAL and its journals can
// be encrypted page by page. Without a key it reads and writes plain SQLite files exactly as
// better-sqlite3 does. The cipher and why: docs/design/encryption.md.
import type BetterSqlite3 from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assert } from '../core/assert.js';
import { loadCollations } from './collations.js';

const require = createRequire(import.meta.url);
// Its own type declarations lag behind @types/better-sqlite3; the API is the same.
const Library = require('better-sqlite3-multiple-ciphers') as typeof BetterSqlite3;

export const SqliteError = Library.SqliteError;

/** A connection with MariaDB's collations registered (tables declare them: `COLLATE utf8mb4_bin`). */
const Sqlite = class extends Library {
  constructor(path?: string | Buffer, options?: BetterSqlite3.Options) {
    super(path, options);
    loadCollations(this);
  }
} as unknown as typeof BetterSqlite3;

/**
 * The library's constructor, for code outside the store that opens a node's file (tests, tools).
 * Never open a file the store has open with another SQLite build in the same process (plain
 * better-sqlite3): each build keeps its own table of POSIX locks per file, so closing one build's
 * connection drops the locks the other holds, and the store reads torn pages (SQLITE_IOERR).
 */
export const SqliteDatabase = Sqlite;

/** A page cipher key: 32 raw bytes (no passphrase, so no key derivation on every open). */
export interface PageCipher {
  readonly key: Uint8Array;
}

/**
 * SQLite3 Multiple Ciphers' schemes a node's file may be under. Both authenticate every page, so
 * a flipped byte in a page is SQLITE_CORRUPT (or SQLITE_NOTADB on page 1), never data.
 * - `aegis`: AEGIS-256, built on AES rounds (the CPU's AES instructions). New files and every
 *   rekey use it: a sixth of ChaCha20's cost on SQLite's page work (encryption.md).
 * - `chacha20`: ChaCha20-Poly1305 (sqleet's scheme), portable C: the scheme of files written
 *   before AEGIS, still opened, and of SST copies for joiners that cannot read AEGIS.
 */
export type PageScheme = 'aegis' | 'chacha20';
export const pageSchemes: readonly PageScheme[] = ['aegis', 'chacha20'];
export const newPageScheme: PageScheme = 'aegis';

/**
 * The scheme each file last opened with, in this thread: the next connection to it tries that
 * one first. A hint only: a file replaced under another scheme (an SST install) is found again.
 */
const knownSchemes = new Map<string, PageScheme>();

/**
 * Opens a node's database file; with a cipher, under whichever scheme it is in (a new file:
 * AEGIS). A key that opens it under no scheme is SQLITE_NOTADB, as a wrong key always was.
 */
export function openDatabase(
  path: string,
  options: BetterSqlite3.Options,
  cipher: PageCipher | null,
): BetterSqlite3.Database {
  if (cipher === null) return new Sqlite(path, options);
  const known = knownSchemes.get(path);
  if (known !== undefined) {
    try {
      return openUnder(path, options, cipher, known);
    } catch (error) {
      if (!isNotADatabase(error)) throw error;
      knownSchemes.delete(path);
    }
  }
  const scheme = probeScheme(path, cipher);
  const db = openUnder(path, options, cipher, scheme ?? newPageScheme);
  knownSchemes.set(path, scheme ?? newPageScheme);
  return db;
}

/**
 * The scheme the file is under with this key (the one this thread last opened it with, else
 * probed); null for a new or empty file. Throws SQLITE_NOTADB when the key opens it under none.
 */
export function pageSchemeOf(path: string, cipher: PageCipher): PageScheme | null {
  const known = knownSchemes.get(path);
  if (known !== undefined) return known;
  const scheme = probeScheme(path, cipher);
  if (scheme !== null) knownSchemes.set(path, scheme);
  return scheme;
}

/** A scheme's name for people: the algorithm, as logs and status print it. */
export function describePageScheme(scheme: PageScheme): string {
  return scheme === 'aegis' ? 'AEGIS-256' : 'ChaCha20-Poly1305';
}

/**
 * Tries each scheme on a read-only connection (which never checkpoints, so a wrong scheme never
 * writes a byte). A file that opens under none: its first error (SQLITE_NOTADB for a wrong key).
 */
function probeScheme(path: string, cipher: PageCipher): PageScheme | null {
  if (!existsSync(path) || statSync(path).size === 0) return null;
  let first: unknown = null;
  for (const scheme of pageSchemes) {
    try {
      openUnder(path, { readonly: true, fileMustExist: true }, cipher, scheme).close();
      return scheme;
    } catch (error) {
      if (!isNotADatabase(error)) throw error;
      first ??= error;
    }
  }
  throw first;
}

function openUnder(
  path: string,
  options: BetterSqlite3.Options,
  cipher: PageCipher,
  scheme: PageScheme,
): BetterSqlite3.Database {
  const db = new Sqlite(path, options);
  try {
    applyCipher(db, cipher, scheme);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Sets the key on a fresh connection, before any page is read; checks that it opens the file. */
function applyCipher(db: BetterSqlite3.Database, cipher: PageCipher, scheme: PageScheme): void {
  assert(cipher.key.length === 32, 'a page cipher key is 256 bits');
  db.pragma(`cipher = '${scheme}'`);
  db.pragma(`key = "x'${Buffer.from(cipher.key).toString('hex')}'"`);
  // Temporary tables and sort spills stay in memory: the cipher covers the main database, its
  // WAL and its journals, not SQLite's temporary files.
  db.pragma('temp_store = MEMORY');
  // A wrong key (or a plaintext file opened with a key) fails here, not at the first query.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

/**
 * Re-encrypts a database file that is not in use: from `source` (null: plaintext) to `target`
 * (null: plaintext) under `scheme` (AEGIS unless a reader of the file needs ChaCha20). SQLite3
 * Multiple Ciphers rekeys only outside WAL mode, so the file leaves WAL mode for the rekey and
 * goes back to it after. Each page is rewritten under the new key in place: the file never
 * passes through plaintext unless `target` is null.
 */
export function rekeyDatabaseFile(
  path: string,
  source: PageCipher | null,
  target: PageCipher | null,
  scheme: PageScheme = newPageScheme,
): void {
  const db = openDatabase(path, { fileMustExist: true }, source);
  try {
    const mode = String(db.pragma('journal_mode', { simple: true }));
    if (mode === 'wal') db.pragma('journal_mode = DELETE');
    if (target === null) {
      db.pragma(`rekey = ''`);
    } else {
      db.pragma(`cipher = '${scheme}'`);
      db.pragma(`rekey = "x'${Buffer.from(target.key).toString('hex')}'"`);
    }
    if (mode === 'wal') db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  knownSchemes.delete(path);
}

/** The first of `candidates` that opens the file (null: plaintext), or undefined if none does. */
export function findCipher(
  path: string,
  candidates: readonly (PageCipher | null)[],
): PageCipher | null | undefined {
  for (const candidate of candidates) {
    try {
      const db = openDatabase(path, { fileMustExist: true, readonly: true }, candidate);
      try {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
      } finally {
        db.close();
      }
      return candidate;
    } catch (error) {
      if (!isNotADatabase(error)) throw error;
    }
  }
  return undefined;
}

/** Whether `error` is SQLite saying the file is not a database: a wrong or missing key. */
export function isNotADatabase(error: unknown): boolean {
  return error instanceof SqliteError && error.code === 'SQLITE_NOTADB';
}
