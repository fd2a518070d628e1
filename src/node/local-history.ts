// Local history: what a node commits while it runs alone (wsrep_on=OFF), as in the Galera
// tutorial's rolling upgrade. Those write-sets never reach the cluster, so they must not move
// the node's cluster position, and the node must not rejoin by IST on top of them (it would
// skip as many cluster write-sets as it wrote alone and report Synced with different rows).
// The store keeps where local history began (`local_history_from`); every local commit is also
// written as SQL to a dump in the datadir; a cluster start that finds local history refuses IST,
// names the dump, and takes an SST, whose database carries no such mark. See
// docs/design/transfer.md, "Local history". With encryption on, the dump is sealed record by
// record (keys/sealed-file.ts) and read with `trireme key decrypt` (docs/design/encryption.md).
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { SqlValue, WriteSet } from '../codec/index.js';
import { decodeKeyValues } from '../codec/index.js';
import type { Index } from '../core/types.js';
import {
  describeKey,
  describeSealedFileError,
  openSealedFile,
  sealedFileHeader,
  sealedFileRecord,
  type KeyVersion,
} from '../keys/index.js';
import type { Catalog } from '../sql/catalog.js';
import { backquote, mysqlString } from '../sql/names.js';
import type { Store } from '../storage/index.js';
import { syncDirectory } from './rejoin-marker.js';

const DUMP_PREFIX = 'local-history-';
/** A sealed dump's name ends so: it is not SQL until `trireme key decrypt` opens it. */
const SEALED_SUFFIX = '.sql.enc';

/** The dumps of local history kept in a datadir, oldest first. */
export function localHistoryDumps(datadir: string): string[] {
  try {
    return readdirSync(datadir)
      .filter(
        (name) =>
          name.startsWith(DUMP_PREFIX) && (name.endsWith('.sql') || name.endsWith(SEALED_SUFFIX)),
      )
      .sort();
  } catch {
    return [];
  }
}

/** How many transactions a node ordered alone: applied seqnos past where local history began. */
export function localHistoryCount(store: Store): number {
  const from = store.localHistoryFrom();
  return from === null ? 0 : store.appliedSeqno() - from;
}

/**
 * A standalone start: the cluster position is where local history begins (kept if an earlier
 * session already began it). Returns that position.
 */
export async function beginLocalHistory(store: Store): Promise<Index> {
  const from = store.localHistoryFrom();
  if (from !== null) return from;
  const position = store.appliedSeqno();
  const set = await store.setLocalHistoryFrom(position);
  if (!set.ok) throw new Error(`store: cannot record the cluster position: ${set.error.kind}`);
  return position;
}

/**
 * Writes one standalone session's commits to `local-history-<time>.sql` in the datadir, or,
 * given a key, to `local-history-<time>.sql.enc`, one sealed record per commit.
 */
export class LocalHistoryDump {
  readonly path: string;
  /** Records written: a sealed record's ordinal is in its additional data. */
  private records = 0;
  /** Opened at the first commit and kept: one write per commit, not an open and a close too. */
  private fd: number | null = null;

  constructor(
    datadir: string,
    private readonly catalog: Catalog,
    private readonly header: string,
    private readonly key: KeyVersion | null = null,
  ) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.path = join(datadir, `${DUMP_PREFIX}${stamp}${key === null ? '.sql' : SEALED_SUFFIX}`);
  }

  record(seqno: Index, writeSet: WriteSet): void {
    const lines = [`-- local seqno ${seqno}`, ...writeSetSql(writeSet, this.catalog)];
    if (this.records === 0) lines.unshift(this.header);
    const text = Buffer.from(lines.join('\n') + '\n', 'utf8');
    // 'wx' for a sealed dump: records continue an ordinal count only this writer knows.
    this.fd ??= openSync(this.path, this.key === null ? 'a' : 'wx', 0o600);
    if (this.key === null) {
      writeSync(this.fd, text);
    } else {
      const record = sealedFileRecord(this.key, this.records, text);
      writeSync(
        this.fd,
        this.records === 0 ? Buffer.concat([sealedFileHeader(this.key), record]) : record,
      );
    }
    this.records++;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Plaintext of a dump sealed again is cut into records of at most this many bytes. */
const RESEAL_RECORD_BYTES = 1024 * 1024;

/**
 * `trireme key reencrypt` for the local-history dumps of a stopped node: each dump not already
 * under `target` is written again under it (a plaintext `.sql` becomes a sealed `.sql.enc`, a dump
 * sealed under an older version is sealed again), or, with `target` null (encryption turned off),
 * in plaintext; the old file goes once the new one is on disk. A dump sealed under a key the key
 * file lacks, or whose records do not authenticate, stops the command with one line naming it.
 * Returns one line per dump rewritten, and one for those already so.
 */
export function reencryptLocalHistory(
  datadir: string,
  target: KeyVersion | null,
  find: (id: number, version: number) => KeyVersion | null,
  keyFile: string,
): string[] {
  const lines: string[] = [];
  let unchanged = 0;
  for (const name of localHistoryDumps(datadir)) {
    const path = join(datadir, name);
    const bytes = readFileSync(path);
    const sealed = name.endsWith(SEALED_SUFFIX);
    let text: Buffer;
    let from = 'plaintext';
    if (sealed) {
      const opened = openSealedFile(bytes, find);
      if (!opened.ok)
        throw new Error(`local history: ${describeSealedFileError(path, keyFile, opened.error)}`);
      const { key, records, tornBytes } = opened.value;
      if (target !== null && key.id === target.id && key.version === target.version) {
        unchanged++;
        continue;
      }
      from = `key id ${key.id} version ${key.version}`;
      if (tornBytes > 0) from += ` (a record cut short at its end, ${tornBytes} bytes, left out)`;
      text = Buffer.concat(records);
    } else {
      if (target === null) {
        unchanged++;
        continue;
      }
      text = bytes;
    }
    const base = name.slice(0, name.length - (sealed ? SEALED_SUFFIX : '.sql').length);
    const next = join(datadir, `${base}${target === null ? '.sql' : SEALED_SUFFIX}`);
    const temporary = `${next}.reencrypt`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      if (target === null) {
        writeSync(fd, text);
      } else {
        writeSync(fd, sealedFileHeader(target));
        for (let at = 0, ordinal = 0; at < text.length; at += RESEAL_RECORD_BYTES, ordinal++)
          writeSync(
            fd,
            sealedFileRecord(target, ordinal, text.subarray(at, at + RESEAL_RECORD_BYTES)),
          );
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, next);
    if (next !== path) unlinkSync(path);
    syncDirectory(datadir);
    lines.push(
      `local history ${next}: ${from} -> ${target === null ? 'plaintext' : `key ${describeKey(target)}`}`,
    );
  }
  if (unchanged > 0) lines.push(`local history: ${unchanged} dump(s) already so`);
  return lines;
}

/**
 * A write-set as SQL a user can read and replay: DDL as it was written, rows as INSERT (new),
 * REPLACE (changed) or DELETE by primary key, with the table's column names.
 */
export function writeSetSql(writeSet: WriteSet, catalog: Catalog): string[] {
  const lines: string[] = [];
  for (const statement of writeSet.statements) {
    if (statement.database !== '') lines.push(`USE ${backquote(statement.database)};`);
    lines.push(`${statement.sql};`);
  }
  for (const row of writeSet.rows) {
    const table = catalog.table(row.database, row.table);
    const name = `${backquote(row.database)}.${backquote(row.table)}`;
    if (row.op !== 'delete') {
      const columns =
        table !== undefined && table.columns.length === row.after.length
          ? ` (${table.columns.map((c) => backquote(c.name)).join(', ')})`
          : '';
      const verb = row.op === 'insert' ? 'INSERT INTO' : 'REPLACE INTO';
      lines.push(`${verb} ${name}${columns} VALUES (${row.after.map(sqlLiteral).join(', ')});`);
      continue;
    }
    const key = decodeKeyValues(row.key);
    if (table === undefined || table.primaryKey.length === 0 || !key.ok) {
      lines.push(`-- DELETE FROM ${name}: a row without a primary key (rowid ${rowidOf(key)})`);
      continue;
    }
    const where = table.primaryKey.map((c, i) => `${backquote(c)} = ${sqlLiteral(key.value[i]!)}`);
    lines.push(`DELETE FROM ${name} WHERE ${where.join(' AND ')};`);
  }
  return lines;
}

function rowidOf(key: ReturnType<typeof decodeKeyValues>): string {
  return key.ok ? key.value.map(sqlLiteral).join(', ') : 'unreadable';
}

function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return mysqlString(value);
  return `X'${Buffer.from(value).toString('hex')}'`;
}

/** Local history a cluster start found: the node must take an SST before it applies anything. */
export interface LocalHistory {
  readonly count: number;
  readonly from: Index;
  readonly dumps: readonly string[];
}

/**
 * A cluster start: what to do with local history. None (or a session that wrote nothing): the
 * mark goes and the node joins as usual. A bootstrap on a new log: the local history is the new
 * cluster's first state. A bootstrap on an existing log: refused, since the log's next seqnos
 * are already taken by the local ones. A join: returned, so the node refuses IST and takes an SST.
 */
export async function reconcileLocalHistory(
  store: Store,
  datadir: string,
  bootstrap: { readonly requested: boolean; readonly newLog: boolean },
  log: (level: 'Note' | 'Warning', message: string) => void,
): Promise<LocalHistory | null> {
  const from = store.localHistoryFrom();
  if (from === null) return null;
  const count = localHistoryCount(store);
  const dumps = localHistoryDumps(datadir);
  const last = dumps.at(-1);
  const kept =
    last === undefined
      ? 'no dump was found'
      : `kept in ${join(datadir, last)}${last.endsWith(SEALED_SUFFIX) ? ', sealed: read it with `trireme key decrypt`' : ''}`;
  const what = `${count} local transactions not in the cluster (written with wsrep_on=OFF after seqno ${from}; ${kept})`;
  if (count > 0 && bootstrap.requested && !bootstrap.newLog) {
    throw new Error(
      `this node holds ${what}: its log's next seqnos are taken by them, so it cannot bootstrap the cluster\nfix: bootstrap another node and start this one without --wsrep-new-cluster: it takes an SST and keeps its dump`,
    );
  }
  if (count === 0 || bootstrap.requested) {
    if (count > 0) log('Warning', `WSREP: bootstrapping a new cluster on ${what}`);
    const cleared = await store.setLocalHistoryFrom(null);
    if (!cleared.ok) throw new Error(`store: cannot clear the local history mark`);
    return null;
  }
  log('Warning', `WSREP: refusing IST: ${what}; requesting a state snapshot transfer (SST)`);
  return { count, from, dumps };
}
