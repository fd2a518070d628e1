// What the oracle answers differently across MariaDB 10.11 point releases. CI installs whatever
// Debian 12 ships at the time (10.11.18 and 10.11.19 have both been seen), and trireme answers as
// the newest; an answer of an older oracle that a later release changed is compared as the later
// release gives it, and only that difference is forgiven.
import mysql from 'mysql2/promise';
import type { CaseAnswer } from './run.js';

/** The oracle's 10.11 patch level (19 for 10.11.19), or null for another series. */
export async function oraclePatch(port: number): Promise<number | null> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root' });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    const match = /^10\.11\.(\d+)/.exec(String(rows[0]?.['v'] ?? ''));
    return match === null ? null : Number(match[1]);
  } finally {
    await connection.end();
  }
}

/**
 * trireme's answer as an oracle of patch level `patch` would give it. 10.11.19 added JSON_VALID's
 * Note 4038 (where the text stops being JSON, also before a CHECK (JSON_VALID(j)) fails): before
 * it, the note is left out where MariaDB's answer has none.
 */
export function asOracleRelease(
  patch: number | null,
  mariadb: CaseAnswer,
  trireme: CaseAnswer,
): CaseAnswer {
  if (patch === null || patch >= 19) return trireme;
  const steps = trireme.steps.map((step, i) =>
    mariadb.steps[i]?.warnings.includes('Note 4038') === false
      ? { ...step, warnings: step.warnings.filter((w) => w !== 'Note 4038') }
      : step,
  );
  return { ...trireme, steps };
}
