// One process per datadir, as mariadbd's lock on ibdata1: `trireme.lock` in the datadir, a SQLite
// file this process holds an exclusive lock on (a POSIX lock, so a crash releases it) from start
// to exit. A second `trireme start` on the same datadir would otherwise recover the log and open
// the database beside the running node, and two writers part its files. Beside the lock,
// `trireme.pid` names the holder for the message.
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDatabase, SqliteError } from './sqlite.js';

/** Files that only a MariaDB or MySQL server's datadir holds. */
const MARIADB_MARKERS = ['ibdata1', 'aria_log_control', 'ib_logfile0', 'mysql/db.opt'];

/**
 * The MariaDB server files in `datadir` when it holds no trireme database (the default datadir,
 * /var/lib/mysql, is MariaDB's on a machine that has one), or null.
 */
function mariadbFiles(datadir: string): string | null {
  if (existsSync(join(datadir, 'trireme.db'))) return null;
  const found = MARIADB_MARKERS.filter((name) => existsSync(join(datadir, name)));
  return found.length === 0 ? null : found.join(', ');
}

/** The lock file held by this process, per datadir (tests start several nodes in one process). */
const held = new Map<string, InstanceType<typeof SqliteDatabase>>();

export type DatadirLockResult = { ok: true } | { ok: false; message: string };

/**
 * Takes the datadir's lock for the rest of this process's life (again in the same process: a
 * no-op). Refused while another process holds it; a datadir that cannot be created is left to
 * the node's own check, which says why.
 */
export function lockDatadir(datadir: string): DatadirLockResult {
  if (held.has(datadir)) return { ok: true };
  const foreign = mariadbFiles(datadir);
  if (foreign !== null)
    return {
      ok: false,
      message: `datadir ${datadir} holds a MariaDB server's files (${foreign}) and no trireme database: trireme keeps its data in a datadir of its own and writes nothing here. Fix: give --datadir (or datadir= in the [mysqld] group of --defaults-file) a directory of its own; to bring a MariaDB server's data over, load a mariadb-dump of it`,
    };
  try {
    mkdirSync(datadir, { recursive: true });
  } catch {
    return { ok: true };
  }
  const db = new SqliteDatabase(join(datadir, 'trireme.lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (!(error instanceof SqliteError) || !error.code.startsWith('SQLITE_BUSY')) throw error;
    const pid = readHolder(datadir);
    return {
      ok: false,
      message: `datadir ${datadir} is in use by another trireme process${pid === null ? '' : ` (pid ${pid})`}: two processes on one datadir would corrupt it. Fix: stop that process first, or give this node another datadir`,
    };
  }
  held.set(datadir, db);
  const pidFile = join(datadir, 'trireme.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  // Gone when the process ends, as mariadbd removes its pid file (a kill -9 leaves it, and the
  // next start reads the lock, not the file).
  process.once('exit', () => {
    try {
      unlinkSync(pidFile);
    } catch {
      // Already gone (the datadir was removed).
    }
  });
  return { ok: true };
}

function readHolder(datadir: string): number | null {
  try {
    const pid = Number(readFileSync(join(datadir, 'trireme.pid'), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
