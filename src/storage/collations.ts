// MariaDB's collations as SQLite collating sequences: a small C extension
// (native/collations/collations.c) loaded into every connection, because better-sqlite3 has no
// collation API and a JS comparison per row would cost more than the lookups it serves. It is
// compiled on first use next to the build (dist/native/), against the SQLite headers of the
// library we load, so `tsc` alone builds a runnable tree. Why an extension: docs/design/sql.md,
// "Collations".
import type BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SOURCE_DIR = join(ROOT, 'native', 'collations');
const SOURCES = [
  'collations.c',
  'deadline.c',
  'deadline.h',
  'page-io.c',
  'page-io.h',
  'weights.h',
].map((name) => join(SOURCE_DIR, name));
/** The translation units; the headers are included. */
const UNITS = SOURCES.filter((source) => source.endsWith('.c'));
const LIBRARY = join(ROOT, 'dist', 'native', 'collations.so');

let libraryPath: string | null = null;

/**
 * Registers the collations, `mysql_like_collated`/`mysql_strcmp_collated`, the page I/O
 * counters (`trireme_page_io`, pageIo()) and the statement deadline (`trireme_deadline`,
 * execute.ts) on `db`.
 */
export function loadCollations(db: BetterSqlite3.Database): void {
  libraryPath ??= buildLibrary();
  db.loadExtension(libraryPath);
}

function buildLibrary(): string {
  if (isFresh()) return LIBRARY;
  const headers = join(
    dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json')),
    'deps',
    'sqlite3',
  );
  mkdirSync(dirname(LIBRARY), { recursive: true });
  // Processes of one tree may start together (a test cluster): each compiles to a file of its
  // own and renames it into place, which is atomic, so none loads a half-written library.
  const temporary = `${LIBRARY}.${process.pid}.tmp`;
  // nodelete: the library stays loaded when the last connection that loaded it closes, so the
  // page I/O counters in it count from the process's start.
  const flags = ['-O2', '-fPIC', '-shared', '-Wl,-z,nodelete', '-I', headers, '-o', temporary];
  const compiled = spawnSync('cc', [...flags, ...UNITS, '-lpthread'], { encoding: 'utf8' });
  if (compiled.status !== 0) {
    throw new Error(
      `cannot compile ${UNITS.join(', ')} (a C compiler is needed): ${compiled.stderr}`,
    );
  }
  renameSync(temporary, LIBRARY);
  return LIBRARY;
}

function isFresh(): boolean {
  if (!existsSync(LIBRARY)) return false;
  const builtMs = statSync(LIBRARY).mtimeMs;
  return SOURCES.every((source) => statSync(source).mtimeMs <= builtMs);
}

/** Pages SQLite read from disk and wrote, in this whole process (native/collations/page-io.c). */
export interface PageIo {
  readonly read: number;
  readonly written: number;
}

/** The process's page I/O counters, asked through `db` (any connection with the extension). */
export function pageIo(db: BetterSqlite3.Database): PageIo {
  const row = db
    .prepare<[], [number | bigint, number | bigint]>(
      'SELECT trireme_page_io(0), trireme_page_io(1)',
    )
    .raw()
    .get()!;
  return { read: Number(row[0]), written: Number(row[1]) };
}
