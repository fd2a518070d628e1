// The interface between the wire protocol and the SQL engine. The protocol layer owns bytes,
// authentication checks, statement ids and result encoding; the backend owns accounts, SQL and
// session state. See docs/design/mysql-protocol.md.

import type { AuthPluginName, ColumnTypeCode } from './constants.js';

/**
 * A value in a row or a parameter. Integers beyond 2^53 are bigint. Dates and times are strings:
 * 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.ffffff]', '[-]HH:MM:SS[.ffffff]'. Binary strings are bytes.
 */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** A column of a result set, as Protocol::ColumnDefinition41 carries it. */
export interface ColumnDef {
  readonly name: string;
  readonly orgName?: string;
  readonly table?: string;
  readonly orgTable?: string;
  readonly schema?: string;
  /** ColumnType code: decides the binary-protocol encoding of the column's values. */
  readonly type: ColumnTypeCode;
  /** Display length in bytes (e.g. 11 for INT, 4 * n for VARCHAR(n) in utf8mb4). */
  readonly length: number;
  /** ColumnFlag bits (NOT_NULL, UNSIGNED, BINARY, ...). */
  readonly flags: number;
  readonly decimals: number;
  /** Collation id: Charset.UTF8MB4_GENERAL_CI for text, Charset.BINARY for numbers and BLOBs. */
  readonly charset: number;
  /** MariaDB's extended format, sent to a client that asked for extended metadata. */
  readonly format?: 'json';
  /** Only for COM_FIELD_LIST: the column's default value. */
  readonly defaultValue?: string | null;
}

export interface OkResult {
  readonly kind: 'ok';
  readonly affectedRows: number | bigint;
  readonly lastInsertId: number | bigint;
  readonly warnings: number;
  /** Human-readable info, e.g. 'Rows matched: 1  Changed: 1  Warnings: 0'. */
  readonly info?: string;
  /** Extra ServerStatus bits (e.g. NO_INDEX_USED); transaction bits come from Session.state(). */
  readonly statusFlags?: number;
  /** COMMIT RELEASE / ROLLBACK RELEASE: the connection ends once this answer is written. */
  readonly closeConnection?: true;
}

export interface RowsResult {
  readonly kind: 'rows';
  readonly columns: readonly ColumnDef[];
  /**
   * The rows, read once in order. An array, or any iterable (e.g. a generator over a SQLite
   * cursor): the server encodes and writes them in pieces, so a large result need not be held.
   */
  readonly rows: Iterable<readonly SqlValue[]>;
  readonly warnings?: number;
  readonly statusFlags?: number;
}

export interface ErrorResult {
  readonly kind: 'error';
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
  /**
   * Conditions MariaDB raises with the error, for SHOW WARNINGS only (the client gets the error
   * alone): before it (Warning 150 before 1005) and after it (Error 1138 after 1265).
   */
  readonly before?: readonly Condition[];
  readonly after?: readonly Condition[];
}

/** A row of SHOW WARNINGS. */
export interface Condition {
  readonly level: 'Note' | 'Warning' | 'Error';
  readonly code: number;
  readonly message: string;
}

/** One statement's outcome. In a list, an error can only be the last element. */
export type QueryResult = OkResult | RowsResult | ErrorResult;

/** A parameter of COM_STMT_EXECUTE, decoded, with the type the client bound it as. */
export interface BoundParam {
  readonly value: SqlValue;
  readonly type: ColumnTypeCode;
  readonly unsigned: boolean;
}

/** An account as stored: the plugin and its authentication string. */
export interface Account {
  readonly plugin: AuthPluginName;
  /**
   * mysql_native_password: '' (no password) or '*' + 40 hex digits, see nativePasswordHash();
   * caching_sha2_password: '' or the output of cachingSha2PasswordHash().
   */
  readonly authenticationString: string;
}

export interface SessionInfo {
  readonly connectionId: number;
  readonly user: string;
  /** The client's address as the server saw it (IP text). */
  readonly host: string;
  /** The client's TCP port (SHOW PROCESSLIST's Host is `host:port`); absent when unknown. */
  readonly port?: number;
  /** The database named in the handshake or COM_CHANGE_USER, if any. */
  readonly database: string | null;
  readonly clientCapabilities: number;
  /** The collation id the client asked for. */
  readonly collation: number;
  readonly connectAttributes: ReadonlyMap<string, string>;
  /** True when the connection runs over TLS. */
  readonly secure: boolean;
}

/** Transaction and database state, read after every command to fill status flags. */
export interface SessionState {
  readonly autocommit: boolean;
  readonly inTransaction: boolean;
  readonly readOnly?: boolean;
  readonly database: string | null;
  /**
   * sql_mode has NO_BACKSLASH_ESCAPES: the status flag tells the client library to escape a
   * quote by doubling it, since a backslash no longer escapes.
   */
  readonly noBackslashEscapes?: boolean;
}

export interface QueryOptions {
  /** False unless the client enabled CLIENT_MULTI_STATEMENTS (or COM_SET_OPTION turned it on). */
  readonly multiStatements: boolean;
}

export interface PreparedStatement {
  /** Parameter definitions; their count is the number of '?' markers. */
  readonly params: readonly ColumnDef[];
  /** Result columns, empty if the statement returns no rows. */
  readonly columns: readonly ColumnDef[];
  execute(params: readonly BoundParam[]): Promise<QueryResult[]>;
  close(): void;
}

export interface Session {
  /** Runs one or (with multiStatements) several statements; returns one result each. */
  query(sql: string, options: QueryOptions): Promise<QueryResult[]>;
  prepare(sql: string): Promise<PreparedStatement | ErrorResult>;
  initDb(database: string): Promise<OkResult | ErrorResult>;
  /** COM_FIELD_LIST: the columns of a table, with defaults; deprecated but sent by the CLI. */
  fieldList(table: string, wildcard: string): Promise<readonly ColumnDef[] | ErrorResult>;
  /** COM_RESET_CONNECTION: roll back, drop temporary state, keep user and database. */
  resetConnection(): Promise<void>;
  /** COM_STATISTICS: the one-line status string. */
  statistics(): Promise<string>;
  state(): SessionState;
  /** Ends the session (connection closed, killed, or replaced by COM_CHANGE_USER). */
  close(): Promise<void>;
}

export interface Backend {
  /** The account user@host, or null if there is none (the server then answers 1045). */
  lookupAccount(user: string, host: string): Promise<Account | null>;
  /**
   * Why no account can be checked at all now, or null: a cluster node that has not yet received
   * the cluster's state holds no accounts, and answers 1047 (not ready) rather than 1045.
   */
  unavailable?(): ErrorResult | null;
  /** Opens the session of an authenticated connection; an error refuses it (e.g. 1049). */
  openSession(info: SessionInfo): Promise<Session | ErrorResult>;
}

export function isError(value: object): value is ErrorResult {
  return 'kind' in value && value.kind === 'error';
}
