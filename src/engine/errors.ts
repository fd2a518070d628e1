// MySQL errors of the SQL engine: constructors with MariaDB's wording, and the mapping of the
// storage layer's error values (and SQLite's messages inside them) to client errors. A raw
// SQLite message never reaches a client: whatever is not recognised becomes 1105 with words.
import type { ErrorResult } from '../mysql/index.js';
import {
  backquote,
  TRIGGER_WAITING_PREFIX,
  type ForeignKeyDef,
  type WaitingRaise,
  type SqlError,
  type TableDef,
} from '../sql/index.js';
import type { LocalError, ReaderError, WriterWaitError } from '../storage/index.js';

export function mysqlError(code: number, sqlState: string, message: string): ErrorResult {
  return { kind: 'error', code, sqlState, message };
}

export function fromSqlError(error: SqlError): ErrorResult {
  const result = mysqlError(error.code, error.sqlState, error.message);
  if (error.kind !== 'semantic') return result;
  return {
    ...result,
    ...(error.before === undefined ? {} : { before: error.before }),
    ...(error.after === undefined ? {} : { after: error.after }),
  };
}

export const deadlock = (): ErrorResult =>
  mysqlError(1213, '40001', 'Deadlock found when trying to get lock; try restarting transaction');

export const lockWaitTimeout = (): ErrorResult =>
  mysqlError(1205, 'HY000', 'Lock wait timeout exceeded; try restarting transaction');

export const notPrimary = (): ErrorResult =>
  mysqlError(1047, '08S01', 'WSREP has not yet prepared node for application use');

export const unknownDatabase = (db: string): ErrorResult =>
  mysqlError(1049, '42000', `Unknown database '${db}'`);

export const noDatabaseSelected = (): ErrorResult =>
  mysqlError(1046, '3D000', 'No database selected');

export const unknownSystemVariable = (name: string): ErrorResult =>
  mysqlError(1193, 'HY000', `Unknown system variable '${name}'`);

export const readOnlyTransaction = (): ErrorResult =>
  mysqlError(1792, '25006', 'Cannot execute statement in a READ ONLY transaction');

export const notSupportedYet = (construct: string): ErrorResult =>
  mysqlError(1235, '42000', `This version of MariaDB doesn't yet support '${construct}'`);

export const internal = (what: string): ErrorResult => mysqlError(1105, 'HY000', what);

/** The error for a failed wait for the writer. */
export function fromWriterWait(error: WriterWaitError): ErrorResult {
  if (error.kind === 'closed') return mysqlError(1053, '08S01', 'Server shutdown in progress');
  return lockWaitTimeout();
}

/** The error for a failed statement of a local transaction, with the table it ran on. */
export function fromLocalError(error: LocalError): ErrorResult {
  switch (error.kind) {
    case 'bf_aborted':
      return deadlock();
    case 'too_many_rows':
      return mysqlError(
        1180,
        'HY000',
        `Got error 90 "Message too long" during COMMIT: the transaction changes more than ${error.rowsMax} rows (wsrep_max_ws_rows)`,
      );
    case 'no_such_savepoint':
      return mysqlError(1305, '42000', `SAVEPOINT ${error.name} does not exist`);
    case 'bad_value':
      return refusal(error.message) ?? outOfRange(error.message);
    case 'sqlite':
      return fromSqlite(error.code, error.message);
  }
}

/**
 * The message of a `ValueRefusal` that carries a MySQL error across the store (and a reader
 * worker's thread): `refusedWith` writes it, `refusal` reads it back.
 */
export const refusedWith = (error: ErrorResult): string =>
  `MySQL error ${error.code} (${error.sqlState}): ${error.message}`;

export function refusal(message: string): ErrorResult | null {
  const m = /^MySQL error (\d+) \((\w{5})\): ([\s\S]*)$/.exec(message);
  return m === null ? null : mysqlError(Number(m[1]), m[2]!, m[3]!);
}

/**
 * A value the store cannot hold, for the statement alone. MariaDB stores BIGINT UNSIGNED up to
 * 2^64-1; trireme's integers are SQLite's 64-bit signed ones (docs/design/engine.md).
 */
export const outOfRange = (detail: string): ErrorResult =>
  mysqlError(
    1264,
    '22003',
    `Out of range value: ${detail} (trireme stores integers from -9223372036854775808 to 9223372036854775807)`,
  );

export function fromReaderError(error: ReaderError): ErrorResult {
  if (error.kind === 'too_many_readers')
    return mysqlError(1040, '08004', `Too many connections (${error.readersMax} open snapshots)`);
  if (error.kind === 'closed') return mysqlError(1053, '08S01', 'Server shutdown in progress');
  if (error.kind === 'bad_value') return refusal(error.message) ?? outOfRange(error.message);
  return fromSqlite(error.code, error.message);
}

/** Decodes a SQLite table name ("db.t") back to its MySQL name for a message. */
function mysqlName(sqliteName: string): string {
  const parts = sqliteName.split('.');
  const decode = (s: string): string =>
    s.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return parts.length === 2 ? `${decode(parts[0]!)}.${decode(parts[1]!)}` : sqliteName;
}

/** ER_STATEMENT_TIMEOUT: max_statement_time passed. */
export const statementTimeExceeded: ErrorResult = {
  kind: 'error',
  code: 1969,
  sqlState: '70100',
  message: 'Query execution was interrupted (max_statement_time exceeded)',
};

/** Whether a statement answered 1969: it was stopped, and did nothing (see DmlRunner). */
export function isStatementTimeout(outcome: { readonly kind: string }): outcome is ErrorResult {
  return outcome.kind === 'error' && (outcome as ErrorResult).code === statementTimeExceeded.code;
}

/** SQLite's error (extended code and message) as MariaDB would have answered. */
export function fromSqlite(code: string, message: string): ErrorResult {
  if (code.startsWith('SQLITE_CONSTRAINT')) return fromConstraint(code, message);
  // A value a store function refused inside SQL that SQLite ran (a DDL's conversion).
  const refused = refusal(message);
  if (refused !== null) return refused;
  // Only a statement deadline interrupts a statement on this thread (storage/execute.ts):
  // nothing calls sqlite3_interrupt, and a reader worker is stopped by ending its thread.
  if (code === 'SQLITE_INTERRUPT') return statementTimeExceeded;
  if (message.startsWith('no such column: ')) {
    const raw = message.slice('no such column: '.length);
    const column = (/^"((?:[^"]|"")*)"/.exec(raw)?.[1] ?? raw.split(' ')[0] ?? raw).replace(
      /""/g,
      '"',
    );
    return mysqlError(1054, '42S22', `Unknown column '${column}' in 'field list'`);
  }
  // A trigger planned against a table since dropped and made again with other columns.
  const noColumn = /^table (\S+) has no column named (.+)$/.exec(message);
  if (noColumn !== null)
    return mysqlError(1054, '42S22', `Unknown column '${noColumn[2]}' in 'field list'`);
  if (message.startsWith('no such table: ')) {
    const table = mysqlName(message.slice('no such table: '.length).replace(/^main\./, ''));
    return mysqlError(1146, '42S02', `Table '${table}' doesn't exist`);
  }
  if (message.startsWith('no such function: ')) {
    const name = message.slice('no such function: '.length).toLowerCase();
    return mysqlError(1305, '42000', `FUNCTION ${name.replace(/^mysql_/, '')} does not exist`);
  }
  const arity = /^wrong number of arguments to function (\w+)\(\)/.exec(message);
  if (arity !== null) {
    const name = arity[1]!.replace(/^mysql_/, '').toUpperCase();
    return mysqlError(
      1582,
      '42000',
      `Incorrect parameter count in the call to native function '${name}'`,
    );
  }
  if (message.includes('ambiguous column name: ')) {
    const column = message.slice(message.indexOf(': ') + 2);
    return mysqlError(1052, '23000', `Column '${column}' in field list is ambiguous`);
  }
  // Shapes the emitter passes to SQLite as they are; SQLite's check answers for MariaDB's.
  if (/^sub-select returns \d+ columns - expected 1$/.test(message))
    return mysqlError(1241, '21000', 'Operand should contain 1 column(s)');
  if (
    /^SELECTs to the left and right of [\w ]+ do not have the same number of result columns$/.test(
      message,
    )
  )
    return mysqlError(
      1222,
      '21000',
      'The used SELECT statements have a different number of columns',
    );
  if (code === 'SQLITE_TOOBIG') return mysqlError(1153, '08S01', 'Got a packet bigger than max');
  if (code === 'SQLITE_FULL') return mysqlError(1114, 'HY000', 'The table is full');
  // A page that does not read back as written: on an encrypted file, one whose Poly1305 tag
  // fails (altered on disk). MariaDB's answer to an InnoDB page that fails its checksum.
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))
    return mysqlError(
      1030,
      'HY000',
      'Got error 176 "Read page with wrong checksum" from storage engine InnoDB',
    );
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY')) return lockWaitTimeout();
  if (code === 'SQLITE_ERROR' && message.includes('syntax error'))
    return mysqlError(1064, '42000', `You have an error in your SQL syntax (${message})`);
  return mysqlError(1105, 'HY000', `Storage error ${code}: ${message}`);
}

/** SQLite's words for any foreign-key refusal (RESTRICT's comes as SQLITE_CONSTRAINT_TRIGGER). */
export const isForeignKeyFailure = (message: string): boolean =>
  message.includes('FOREIGN KEY constraint failed');

/** 1452: a child row would refer to a parent row that does not exist. */
export const childRowError = (): ErrorResult =>
  mysqlError(1452, '23000', 'Cannot add or update a child row: a foreign key constraint fails');

/** 1451: a parent row that child rows refer to would go or change its key. */
export const parentRowError = (detail = ''): ErrorResult =>
  mysqlError(
    1451,
    '23000',
    `Cannot delete or update a parent row: a foreign key constraint fails${detail === '' ? '' : ' (' + detail + ')'}`,
  );

/** MariaDB's "`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (`c`) REFERENCES `parent` (`id`)". */
export function referenceText(child: TableDef, fk: ForeignKeyDef): string {
  const list = (names: readonly string[]): string => names.map(backquote).join(', ');
  return `${backquote(child.db)}.${backquote(child.name)}, CONSTRAINT ${backquote(fk.name)} FOREIGN KEY (${list(fk.columns)}) REFERENCES ${backquote(fk.refTable.name)} (${list(fk.refColumns)})`;
}

/** What a waiting trigger raised (emit-objects.ts, plannedTrigger), or null for anything else. */
function waitingRaise(message: string): WaitingRaise | null {
  if (!message.startsWith(TRIGGER_WAITING_PREFIX)) return null;
  try {
    const raise = JSON.parse(message.slice(TRIGGER_WAITING_PREFIX.length)) as WaitingRaise;
    return typeof raise.code === 'number' && typeof raise.message === 'string' ? raise : null;
  } catch {
    return null;
  }
}

function fromConstraint(code: string, message: string): ErrorResult {
  if (isForeignKeyFailure(message)) return childRowError();
  // A waiting trigger fired (TriggerDef.waiting): the error its body meets, as MariaDB's.
  const raise = code === 'SQLITE_CONSTRAINT_TRIGGER' ? waitingRaise(message) : null;
  if (raise !== null) {
    const error = mysqlError(raise.code, raise.sqlState, raise.message);
    if (raise.at === null) return error;
    return { ...error, after: [{ level: 'Note', code: 4094, message: raise.at }] };
  }
  switch (code) {
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
      return duplicateEntry(message);
    case 'SQLITE_CONSTRAINT_NOTNULL': {
      const column = message.slice(message.lastIndexOf('.') + 1);
      return mysqlError(1048, '23000', `Column '${column}' cannot be null`);
    }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return childRowError();
    case 'SQLITE_CONSTRAINT_CHECK': {
      const name = /CHECK constraint failed: (.*)$/.exec(message)?.[1] ?? '';
      return mysqlError(4025, '23000', `CONSTRAINT \`${name}\` failed`);
    }
    default:
      return mysqlError(1062, '23000', `Duplicate entry for key (${message})`);
  }
}

/**
 * SQLite names the columns ("UNIQUE constraint failed: db.t.a, db.t.b"); MariaDB names the
 * key and the value. The value is not in SQLite's message: the session fills it in when it
 * can (see Session.duplicateDetail); here the key is PRIMARY or the columns' index.
 */
function duplicateEntry(message: string): ErrorResult {
  const columns = message.replace(/^.*constraint failed: /, '');
  return mysqlError(1062, '23000', `Duplicate entry '?' for key '${columns}'`);
}

export interface DuplicateDetail {
  readonly value: string;
  readonly key: string;
}

/** 1062 with the value and key name filled in. */
export const duplicateEntryError = (detail: DuplicateDetail): ErrorResult =>
  mysqlError(1062, '23000', `Duplicate entry '${detail.value}' for key '${detail.key}'`);
