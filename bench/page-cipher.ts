// The page cipher's cost on SQLite's own work, without the node around it: a 40,000-row table
// (sysbench's row shape) in WAL mode, 20,000 transactions of 4 updates by key (half committed,
// half rolled back, as stash and commit do) and 40,000 point selects, with SQLite's default 2 MB
// page cache so that pages are read (and decrypted) again. CPU time per cipher, two rounds.
//   node dist/bench/page-cipher.js [--rounds N]
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../src/storage/sqlite.js';

const CIPHERS = ['plaintext', 'chacha20', 'aegis'] as const;
const ROWS = 40_000;

function measure(cipher: (typeof CIPHERS)[number], dir: string): number {
  const path = join(dir, `${cipher}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = new SqliteDatabase(path);
  try {
    if (cipher !== 'plaintext') {
      db.pragma(`cipher = '${cipher}'`);
      db.pragma(`key = "x'${'11'.repeat(32)}'"`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, k INT, c TEXT, pad TEXT); CREATE INDEX k ON t (k)',
    );
    const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= ROWS; i++) insert.run(i, i % 1000, 'x'.repeat(120), 'y'.repeat(60));
    })();
    const update = db.prepare('UPDATE t SET k = k + 1 WHERE id = ?');
    const select = db.prepare('SELECT c FROM t WHERE id = ?');
    let seed = 1;
    const row = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return 1 + (seed % ROWS);
    };
    const started = process.cpuUsage();
    for (let n = 0; n < 20_000; n++) {
      db.exec('BEGIN IMMEDIATE');
      for (let j = 0; j < 4; j++) update.run(row());
      db.exec(n % 2 === 1 ? 'ROLLBACK' : 'COMMIT');
    }
    for (let n = 0; n < 40_000; n++) select.get(row());
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  } finally {
    db.close();
  }
}

const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 2;
const dir = join(tmpdir(), `trireme-page-cipher-${process.pid}`);
mkdirSync(dir, { recursive: true });
try {
  for (let round = 1; round <= rounds; round++)
    for (const cipher of CIPHERS)
      console.log(`round ${round}: ${cipher.padEnd(9)} ${measure(cipher, dir).toFixed(0)} ms CPU`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
