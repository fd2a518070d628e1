// The logical state transfer's two halves (wsrep_sst_method=mysqldump): the donor writes its
// database as SQL statements, schema and rows, one statement per line; the joiner builds a new
// database of its own storage format from them. Unlike the physical copy, nothing of the donor's
// file layout travels: the internal tables are created by the joiner's build (initializeMeta)
// and receive only rows, and the meta table only the cluster position. So a node whose build
// writes another storage format can still join (docs/design/transfer.md, "Logical transfer").
//
// The dump (UTF-8 text, each line one statement ending in ';'):
//   -- trireme logical dump 1                 first line, checked by the loader
//   UPDATE "_trireme_meta" SET value = … WHERE key = 'applied_seqno';   (and the other kept keys)
//   INSERT INTO "_trireme_catalog" (…) VALUES (…),(…);                 internal tables: rows only
//   CREATE TABLE "db.t" (…);                   then its rows, 256 per INSERT
//   CREATE INDEX …; CREATE VIEW …; CREATE TRIGGER …;                    after every table's rows
//   -- end N                                  N: the number of statements before it
// Text with a line break or NUL travels as CAST(x'…' AS TEXT), so a row statement is one line; a
// schema statement keeps the text SQLite stored for it, which may span lines: a statement ends at
// the first line that ends with ';' (SQLite stores no DDL with a line ending in ';' but inside a
// quoted name, a string or a comment, which our DDL translation never writes).
// These run in a worker thread (logical-worker.ts): neither side's event loop is held. They open
// files with the store's SQLite build (sqlite.ts): another build in the same process would drop
// the store's file locks. An encrypted donor does not dump (the SQL would be plaintext on disk).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type Database from 'better-sqlite3';
import { openDatabase, type PageCipher } from './sqlite.js';
import {
  CATALOG_TABLE,
  CERT_FAILED_TABLE,
  CERT_WINDOW_TABLE,
  META_TABLE,
  STORE_FORMAT_VERSION,
  initializeMeta,
  readMeta,
} from './store.js';

export const dumpFirstLine = '-- trireme logical dump 1';
/** Rows per INSERT statement: long enough to amortize parsing, short enough for one line. */
const rowsPerInsert = 256;
/** Bytes of dump text buffered before one write to the file. */
const writeBufferBytes = 1024 * 1024;
/** Statements per exec on the loading side (all inside one transaction). */
const statementsPerExec = 64;
/** Meta keys that describe the state, copied; the format is the joiner's own. */
const metaKeysCopied = [
  'cluster_uuid',
  'applied_seqno',
  'local_history_from',
  'config_seqno',
] as const;
/** Internal tables the joiner's build creates itself: only their rows travel. */
const internalTables = [CATALOG_TABLE, CERT_FAILED_TABLE, CERT_WINDOW_TABLE] as const;

export interface DumpOutcome {
  readonly seqno: number;
  readonly statements: number;
  readonly rows: number;
}

export interface LoadOutcome {
  readonly seqno: number;
  readonly statements: number;
}

/** Writes the database at `sourcePath`, read in one snapshot, as SQL to `sqlPath`. */
export function dumpDatabase(sourcePath: string, sqlPath: string): DumpOutcome {
  const db = openDatabase(sourcePath, { readonly: true, fileMustExist: true }, null);
  const out = new DumpWriter(sqlPath);
  try {
    db.pragma('busy_timeout = 10000');
    db.defaultSafeIntegers(true);
    // One read transaction: every table is read from the same snapshot (WAL readers never block
    // the writer, and the writer never blocks them).
    db.exec('BEGIN');
    const seqno = Number(readMeta(db, 'applied_seqno') as bigint);
    out.line(dumpFirstLine);
    for (const key of metaKeysCopied)
      out.statement(
        `UPDATE ${quoteName(META_TABLE)} SET value = ${literal(readMeta(db, key))} WHERE key = ${literal(key)}`,
      );
    for (const table of internalTables) dumpRows(db, table, out);
    const objects = db
      .prepare<[], { type: string; name: string; table: string; sql: string | null }>(
        `SELECT type, name, tbl_name AS "table", sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid`,
      )
      .all();
    const internal = new Set<string>([META_TABLE, ...internalTables]);
    for (const object of objects) {
      if (object.type !== 'table' || object.sql === null || internal.has(object.name)) continue;
      out.statement(object.sql);
      dumpRows(db, object.name, out);
    }
    if (hasTable(db, 'sqlite_sequence')) {
      out.statement('DELETE FROM sqlite_sequence');
      dumpRows(db, 'sqlite_sequence', out);
    }
    for (const object of objects) {
      if (object.type === 'table' || object.sql === null) continue;
      if (internal.has(object.table)) continue;
      out.statement(object.sql);
    }
    db.exec('COMMIT');
    out.line(`-- end ${out.statements}`);
    out.close();
    return { seqno, statements: out.statements, rows: out.rows };
  } catch (error) {
    out.close();
    throw error;
  } finally {
    db.close();
  }
}

/** Builds a new database of this build's storage format at `targetPath` from the dump. */
export async function loadDump(sqlPath: string, targetPath: string): Promise<LoadOutcome> {
  await rm(targetPath, { force: true });
  await rm(`${targetPath}-wal`, { force: true });
  await rm(`${targetPath}-shm`, { force: true });
  const db = openDatabase(targetPath, {}, null);
  let statements = 0;
  try {
    // A half-loaded file is thrown away, so it needs no journal until it is complete.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    // The donor's rows passed its CHECKs (which may call MySQL functions this thread lacks).
    db.pragma('ignore_check_constraints = ON');
    initializeMeta(db);
    const lines = createInterface({
      input: createReadStream(sqlPath, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    let first = true;
    let ended: number | null = null;
    let batch: string[] = [];
    let pending = '';
    db.exec('BEGIN');
    for await (const line of lines) {
      if (first) {
        if (line !== dumpFirstLine)
          throw new Error(`not a trireme logical dump: ${line.slice(0, 80)}`);
        first = false;
        continue;
      }
      if (ended !== null) throw new Error('text after the end of the dump');
      const end = pending === '' ? /^-- end (\d+)$/.exec(line) : null;
      if (end !== null) {
        ended = Number(end[1]);
        continue;
      }
      if (!line.endsWith(';')) {
        pending += `${line}\n`;
        continue;
      }
      batch.push(pending + line);
      pending = '';
      statements++;
      if (batch.length >= statementsPerExec) {
        db.exec(batch.join('\n'));
        batch = [];
      }
    }
    if (batch.length > 0) db.exec(batch.join('\n'));
    if (pending !== '') throw new Error(`statement ${statements + 1} is cut`);
    if (first || ended === null) throw new Error('the dump ends before its end line');
    if (ended !== statements)
      throw new Error(`the dump holds ${statements} statements, its end line says ${ended}`);
    db.exec('COMMIT');
    const format = readMeta(db, 'format') as bigint | number;
    if (BigInt(format) !== STORE_FORMAT_VERSION) throw new Error('the dump changed the format');
    const seqno = Number(readMeta(db, 'applied_seqno') as bigint | number);
    // A rollback journal, as VACUUM INTO leaves a physical copy: the store turns WAL on when it
    // opens the file, and a read-only look before that leaves no -wal or -shm behind.
    db.pragma('journal_mode = DELETE');
    db.close();
    const fd = openSync(targetPath, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { seqno, statements };
  } catch (error) {
    if (db.open) db.close();
    await rm(targetPath, { force: true });
    throw error;
  }
}

/** The storage format a database file was written in (its meta table), without opening it as a store. */
export function readStoreFormat(path: string, cipher: PageCipher | null = null): bigint | null {
  const db = openDatabase(path, { readonly: true, fileMustExist: true }, cipher);
  try {
    if (!hasTable(db, META_TABLE)) return null;
    db.defaultSafeIntegers(true);
    const value = db
      .prepare<[], unknown>(`SELECT value FROM ${quoteName(META_TABLE)} WHERE key = 'format'`)
      .pluck()
      .get();
    return typeof value === 'bigint' ? value : null;
  } finally {
    db.close();
  }
}

class DumpWriter {
  private readonly fd: number;
  private buffered: string[] = [];
  private bufferedBytes = 0;
  statements = 0;
  rows = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'wx', 0o600);
  }

  statement(sql: string): void {
    this.statements++;
    this.line(`${sql};`);
  }

  line(text: string): void {
    this.buffered.push(text, '\n');
    this.bufferedBytes += text.length + 1;
    if (this.bufferedBytes >= writeBufferBytes) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffered.length === 0) return;
    writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
    this.bufferedBytes = 0;
  }
}

/** The rows of one table as INSERTs; a rowid table keeps its rowids (rows without a key use them). */
function dumpRows(db: Database.Database, table: string, out: DumpWriter): void {
  const columns = db
    .prepare<[], { name: string; hidden: number | bigint }>(
      `SELECT name, hidden FROM pragma_table_xinfo(${literal(table)})`,
    )
    .all()
    // Generated columns (hidden 2 and 3) are computed again on the joiner.
    .filter((c) => Number(c.hidden) === 0)
    .map((c) => quoteName(c.name));
  const withRowid = table !== 'sqlite_sequence' && hasRowid(db, table);
  const names = withRowid ? ['rowid', ...columns] : columns;
  const select = db
    .prepare(
      `SELECT ${names.join(', ')} FROM ${quoteName(table)}${withRowid ? ' ORDER BY rowid' : ''}`,
    )
    .raw(true);
  const head = `INSERT INTO ${quoteName(table)} (${names.join(', ')}) VALUES `;
  let values: string[] = [];
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    values.push(`(${row.map(literal).join(',')})`);
    out.rows++;
    if (values.length >= rowsPerInsert) {
      out.statement(head + values.join(','));
      values = [];
    }
  }
  if (values.length > 0) out.statement(head + values.join(','));
}

function hasTable(db: Database.Database, name: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !==
    undefined
  );
}

function hasRowid(db: Database.Database, table: string): boolean {
  try {
    db.prepare(`SELECT rowid FROM ${quoteName(table)} LIMIT 0`);
    return true;
  } catch {
    return false; // WITHOUT ROWID
  }
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A value as an SQL literal that SQLite reads back to the same value and storage class. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return realLiteral(value);
  if (typeof value === 'string') {
    if (value.includes('\u0000') || value.includes('\n') || value.includes('\r'))
      return `CAST(x'${Buffer.from(value, 'utf8').toString('hex')}' AS TEXT)`;
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return `x'${Buffer.from(value).toString('hex')}'`;
  throw new Error(`cannot dump a value of type ${typeof value}`);
}

/** A REAL stays REAL: an integral double gets a fraction, infinities overflow, NaN is NULL. */
function realLiteral(value: number): string {
  if (Number.isNaN(value)) return 'NULL';
  if (value === Infinity) return '9e999';
  if (value === -Infinity) return '-9e999';
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
