// The SQLite library: better-sqlite3-multiple-ciphers, the same API as better-sqlite3 with
// SQLite3 Multiple Ciphers compiled in, so that a node's database, its WAL and its journals can
// be encrypted page by page. Without a key it reads and writes plain SQLite files exactly as
// better-sqlite3 does. The cipher and why: docs/design/encryption.md.
import type BetterSqlite3 from 'better-sqlite3';
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
 * ChaCha20-Poly1305 (sqleet's scheme): every page is authenticated, so a flipped byte in a page
 * is SQLITE_NOTADB/corrupt, never data. Chosen over SQLCipher's AES-256-CBC + HMAC-SHA512 for
 * speed on CPUs without AES acceleration and a smaller per-page cost (measured in encryption.md).
 */
const CIPHER = 'chacha20';

export function openDatabase(
  path: string,
  options: BetterSqlite3.Options,
  cipher: PageCipher | null,
): BetterSqlite3.Database {
  const db = new Sqlite(path, options);
  if (cipher === null) return db;
  try {
    applyCipher(db, cipher);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Sets the key on a fresh connection, before any page is read; checks that it opens the file. */
export function applyCipher(db: BetterSqlite3.Database, cipher: PageCipher): void {
  assert(cipher.key.length === 32, 'a page cipher key is 256 bits');
  db.pragma(`cipher = '${CIPHER}'`);
  db.pragma(`key = "x'${Buffer.from(cipher.key).toString('hex')}'"`);
  // Temporary tables and sort spills stay in memory: the cipher covers the main database, its
  // WAL and its journals, not SQLite's temporary files.
  db.pragma('temp_store = MEMORY');
  // A wrong key (or a plaintext file opened with a key) fails here, not at the first query.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

/**
 * Re-encrypts a database file that is not in use: from `source` (null: plaintext) to `target`
 * (null: plaintext). SQLite3 Multiple Ciphers rekeys only outside WAL mode, so the file leaves
 * WAL mode for the rekey and goes back to it after.
 */
export function rekeyDatabaseFile(
  path: string,
  source: PageCipher | null,
  target: PageCipher | null,
): void {
  const db = openDatabase(path, { fileMustExist: true }, source);
  try {
    const mode = String(db.pragma('journal_mode', { simple: true }));
    if (mode === 'wal') db.pragma('journal_mode = DELETE');
    if (target === null) {
      db.pragma(`rekey = ''`);
    } else {
      if (source === null) db.pragma(`cipher = '${CIPHER}'`);
      db.pragma(`rekey = "x'${Buffer.from(target.key).toString('hex')}'"`);
    }
    if (mode === 'wal') db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
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
