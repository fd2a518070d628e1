// wsrep_sst_method named in the logs of both sides, with what trireme runs for it. Galera runs a
// script per method (wsrep_sst_mariabackup, wsrep_sst_rsync, wsrep_sst_mysqldump); trireme has
// two built-in transfers, both over mutual TLS and neither blocking the donor:
// - physical (mariabackup, rsync): the database file at one seqno — the live file frozen while
//   commits go on into the WAL (writes wait only for one checkpoint), or for an encrypted donor
//   a copy made on a worker thread — read on a worker thread while the donor goes on serving;
// - logical (mysqldump): the database as SQL statements, schema and rows, written from one read
//   snapshot on a worker thread and loaded by the joiner into a database of its own storage
//   format, so it works between builds whose storage formats differ.
// Both carry the certification window (in the database) and the log entries the donor holds.
import { sstCapabilities, type SstRequest } from '../transfer/stream.js';

const physical =
  "trireme's physical copy: a consistent snapshot of the database file, taken without blocking the donor, with the log entries it holds, over mutual TLS";
const logical =
  "trireme's logical transfer: SQL statements (schema and rows) written from one snapshot without blocking the donor and loaded by the joiner into a database of its own storage format, with the log entries the donor holds, over mutual TLS";

/** Whether the method asks for a logical transfer (SQL statements). */
export function isLogicalSstMethod(method: string): boolean {
  return method === 'mysqldump';
}

/** One line: the method and what runs for it (a joiner too old to load SQL gets a file copy). */
export function describeSstMethod(
  method: string,
  runsLogical = isLogicalSstMethod(method),
): string {
  if (isLogicalSstMethod(method) && !runsLogical)
    return `method ${method}, but the joiner cannot load SQL statements, so this runs ${physical}`;
  return `method ${method}: ${runsLogical ? logical : physical}`;
}

/**
 * Test-only, so that tests can play an older joiner against this build's donor: 'legacy' makes
 * this joiner's SST request look like one from a release before the capability list and digest
 * 'none' (neither field); 'before-aegis' like one from the release before AEGIS pages (no
 * `page-cipher-aegis`). Not for production use.
 */
export const sstRequestEnv = 'TRIREME_TEST_SST_REQUEST';

/** What this joiner's SST request says it can read, and whether it asks for no SHA-256. */
export function sstRequestCapabilities(
  tls: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Pick<SstRequest, 'supports' | 'digest'> {
  if (env[sstRequestEnv] === 'legacy') return {};
  // A stream without a SHA-256 is read only over TLS (sst.ts refuses it otherwise).
  const supports = sstCapabilities.filter(
    (name) =>
      (tls || name !== 'digest-none') &&
      (env[sstRequestEnv] !== 'before-aegis' || name !== 'page-cipher-aegis'),
  );
  // Over TLS every record is authenticated: a SHA-256 of the same bytes adds nothing.
  return { supports, ...(tls ? { digest: 'none' } : {}) };
}
