// ANALYZE, CHECK, OPTIMIZE, REPAIR and CHECKSUM TABLE, and SHOW ENGINE INNODB STATUS: what the
// mariadb client, mariadb-check and monitoring scripts send, answered in MariaDB's shapes with
// what SQLite can do. See docs/design/engine.md, "Table maintenance".
import type { ErrorResult, RowsResult, SqlValue } from '../mysql/index.js';
import type { TableMaintenance } from '../sql/index.js';
import { fromReaderError, noDatabaseSelected } from './errors.js';
import { bigintColumn, textColumn } from './metadata.js';
import { isError } from './outcome.js';
import type { EngineSession } from './session.js';
import { hasPrivilege, tableDenied } from './users.js';

const MESSAGE_COLUMNS = [
  textColumn('Table', 128),
  textColumn('Op', 10),
  textColumn('Msg_type', 10),
  textColumn('Msg_text', 1024),
];

export async function runTableMaintenance(
  session: EngineSession,
  s: TableMaintenance,
): Promise<RowsResult | ErrorResult> {
  const named: { db: string; name: string }[] = [];
  for (const table of s.tables) {
    const db = table.db ?? session.database;
    if (db === null) return noDatabaseSelected();
    named.push({ db, name: table.name });
  }
  // The privileges MariaDB asks for: SELECT to read (CHECK, CHECKSUM), and INSERT too to write
  // statistics or rebuild (ANALYZE, OPTIMIZE, REPAIR).
  const needed = s.op === 'check' || s.op === 'checksum' ? ['SELECT'] : ['SELECT', 'INSERT'];
  for (const { db, name } of named)
    for (const privilege of needed)
      if (!hasPrivilege(session.account, privilege, db, name))
        return tableDenied(privilege, session.info, db, name);
  if (s.op === 'checksum') return checksum(session, named, s.quick);
  const rows: SqlValue[][] = [];
  for (const { db, name } of named) {
    const label = `${db}.${name}`;
    const table = session.engine.catalog.table(db, name);
    if (table === undefined) {
      rows.push([label, s.op, 'Error', `Table '${label}' doesn't exist`]);
      rows.push([label, s.op, 'status', 'Operation failed']);
      continue;
    }
    switch (s.op) {
      case 'analyze':
      case 'optimize': {
        // OPTIMIZE has nothing to rebuild in place (SQLite pages are reused; VACUUM would stop
        // the whole node), so it gathers statistics, as MariaDB's InnoDB falls back to.
        if (s.op === 'optimize')
          rows.push([
            label,
            s.op,
            'note',
            'Table does not support optimize, doing analyze instead',
          ]);
        const analyzed = await session.engine.store.analyze(table.sqliteName);
        rows.push(
          analyzed.ok ? [label, s.op, 'status', 'OK'] : [label, s.op, 'Error', analyzed.error],
        );
        break;
      }
      case 'check': {
        const checked = session.readOnce(
          `PRAGMA integrity_check('${table.sqliteName.replace(/'/g, "''")}')`,
          [],
        );
        if (isError(checked)) return checked;
        const problems = checked.rows.map((r) => String(r[0])).filter((m) => m !== 'ok');
        for (const problem of problems) rows.push([label, s.op, 'error', problem]);
        rows.push([label, s.op, 'status', problems.length === 0 ? 'OK' : 'Corrupt']);
        break;
      }
      case 'repair':
        rows.push([label, s.op, 'note', "The storage engine for the table doesn't support repair"]);
        break;
    }
  }
  return { kind: 'rows', columns: MESSAGE_COLUMNS, rows };
}

/**
 * CHECKSUM TABLE: the first 32 bits of the table's logical checksum (SHA-256 over its rows in key
 * order, as the nodes compare themselves with), so equal tables give equal figures on every node.
 * MariaDB's figure sums CRC32s of its own row format and differs, except that an empty table is
 * 0 in both; QUICK is NULL, as for InnoDB.
 */
async function checksum(
  session: EngineSession,
  named: readonly { readonly db: string; readonly name: string }[],
  quick: boolean,
): Promise<RowsResult | ErrorResult> {
  const rows: SqlValue[][] = [];
  for (const { db, name } of named) {
    const table = session.engine.catalog.table(db, name);
    let value: SqlValue = null;
    // A missing table is a row with NULL and, as in MariaDB, error 1146 in SHOW WARNINGS.
    if (table === undefined)
      session.warnings.push({
        level: 'Error',
        code: 1146,
        message: `Table '${db}.${name}' doesn't exist`,
      });
    if (table !== undefined && !quick) {
      const digest = await session.engine.store.checksumTable(table.sqliteName);
      if (!digest.ok) return fromReaderError(digest.error);
      value = digest.value === null ? null : BigInt(`0x${digest.value.slice(0, 8)}`);
    }
    rows.push([`${db}.${name}`, value]);
  }
  return {
    kind: 'rows',
    columns: [textColumn('Table', 128), bigintColumn('Checksum')],
    rows,
  };
}

/**
 * SHOW ENGINE INNODB STATUS: the sections monitoring scripts read, with what this node has:
 * open transactions (and whether each holds the writer), the writer's queue, the log position
 * (the applied seqno) and row operations.
 */
export function innodbStatus(session: EngineSession): RowsResult {
  const engine = session.engine;
  const now = new Date();
  const stamp = now.toISOString().replace('T', ' ').slice(0, 19);
  const lines: string[] = [
    '',
    '=====================================',
    `${stamp} 0x0 INNODB MONITOR OUTPUT`,
    '=====================================',
    'Per second averages calculated from the last 0 seconds',
    '------------',
    'TRANSACTIONS',
    '------------',
    `Trx id counter ${engine.store.appliedSeqno()}`,
    'History list length 0',
    'LIST OF TRANSACTIONS FOR EACH SESSION:',
  ];
  for (const other of engine.sessions.values()) {
    const tx = other.tx;
    if (tx === null) continue;
    const held =
      tx.lease?.active === true ? 'holds the writer' : tx.onWriter ? 'stashed' : 'reading';
    lines.push(
      `---TRANSACTION ${other.info.connectionId}, ACTIVE, ${tx.phase} (${held})${tx.readOnly ? ', read only' : ''}`,
      `MySQL thread id ${other.info.connectionId}, OS thread handle 0, query id 0 ${other.info.host} ${other.info.user}${other.current === null ? '' : ` executing\n${other.current.sql}`}`,
    );
  }
  const store = engine.store.counters;
  lines.push(
    '---',
    'LOG',
    '---',
    `Log sequence number ${engine.store.appliedSeqno()}`,
    `Last checkpoint at  ${engine.store.appliedSeqno()}`,
    '----------------------',
    'BUFFER POOL AND MEMORY',
    '----------------------',
    `Writer stashes ${store.stashes}, restores ${store.restores}, brute-force aborts ${store.bfAborts}`,
    '--------------',
    'ROW OPERATIONS',
    '--------------',
    `Write-sets applied ${store.writeSetsApplied} in ${store.batchesApplied} batches, DDL applied ${store.toiApplied}`,
    `Statements run: INSERT ${count(session, 'Com_insert')}, UPDATE ${count(session, 'Com_update')}, DELETE ${count(session, 'Com_delete')}, SELECT ${count(session, 'Com_select')}`,
    '----------------------------',
    'END OF INNODB MONITOR OUTPUT',
    '============================',
    '',
  );
  return {
    kind: 'rows',
    columns: [textColumn('Type', 10), textColumn('Name', 10), textColumn('Status', 65535)],
    rows: [['InnoDB', '', lines.join('\n')]],
  };
}

function count(session: EngineSession, name: string): number {
  return session.engine.statusCounters.get(name) ?? 0;
}
