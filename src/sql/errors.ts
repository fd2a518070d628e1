// Bad SQL from a client is a value, not an exception: every front-end entry point returns a
// Result whose error carries the MariaDB error code, SQLSTATE and message the MySQL layer sends.
import { PARSE_ERROR_NEAR_LENGTH_MAX } from './limits.js';

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SqlError };

/** ER_PARSE_ERROR: the statement does not follow MariaDB's grammar. */
export interface ParseError {
  readonly kind: 'parse';
  readonly code: 1064;
  readonly sqlState: '42000';
  readonly near: string;
  readonly line: number;
  readonly message: string;
}

/** ER_NOT_SUPPORTED_YET: valid MariaDB syntax that trireme does not implement. */
export interface UnsupportedError {
  readonly kind: 'unsupported';
  readonly code: 1235;
  readonly sqlState: '42000';
  readonly construct: string;
  readonly message: string;
}

/** ER_NET_PACKET_TOO_LARGE: the statement text exceeds SQL_LENGTH_MAX. */
export interface TooLongError {
  readonly kind: 'too_long';
  readonly code: 1153;
  readonly sqlState: '08S01';
  readonly message: string;
}

/** A statement that parses but cannot be translated for the catalog at hand. */
export interface SemanticError {
  readonly kind: 'semantic';
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
  /** Conditions raised with the error, shown around it by SHOW WARNINGS. */
  readonly before?: readonly SqlCondition[];
  readonly after?: readonly SqlCondition[];
}

export interface SqlCondition {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

export type SqlError = ParseError | UnsupportedError | TooLongError | SemanticError;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: SqlError): Result<T> => ({ ok: false, error });

export function parseError(sql: string, offset: number): ParseError {
  const near = sql.slice(offset, offset + PARSE_ERROR_NEAR_LENGTH_MAX);
  let line = 1;
  for (let i = 0; i < offset && i < sql.length; i++) if (sql.charCodeAt(i) === 10) line++;
  const message =
    'You have an error in your SQL syntax; check the manual that corresponds to your MariaDB ' +
    `server version for the right syntax to use near '${near}' at line ${line}`;
  return { kind: 'parse', code: 1064, sqlState: '42000', near, line, message };
}

export function unsupported(construct: string): UnsupportedError {
  const message = `This version of MariaDB doesn't yet support '${construct}'`;
  return { kind: 'unsupported', code: 1235, sqlState: '42000', construct, message };
}

export function tooLong(): TooLongError {
  const message = "Got a packet bigger than 'max_allowed_packet' bytes";
  return { kind: 'too_long', code: 1153, sqlState: '08S01', message };
}

export function semantic(code: number, sqlState: string, message: string): SemanticError {
  return { kind: 'semantic', code, sqlState, message };
}

/** ER_NO_SUCH_TABLE with MariaDB's wording. */
export const noSuchTable = (db: string, table: string): SemanticError =>
  semantic(1146, '42S02', `Table '${db}.${table}' doesn't exist`);

/** ER_NO_DB_ERROR: an unqualified table name while no database is selected. */
export const noDatabase = (): SemanticError => semantic(1046, '3D000', 'No database selected');

/**
 * Thrown inside the parser only, to unwind the recursive descent in one step; every public entry
 * point catches it and returns the carried error as a value.
 */
export class SqlFailure extends Error {
  override readonly name = 'SqlFailure';
  constructor(readonly error: SqlError) {
    super(error.message);
  }
}
