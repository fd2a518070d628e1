// Numbers of the MySQL client/server protocol: capability flags, commands, column types,
// status and column flags, error codes with their SQLSTATEs. See docs/design/mysql-protocol.md.

/** Capability flags (Protocol::CapabilityFlags), the low 32 bits. */
export const Capability = {
  LONG_PASSWORD: 1 << 0, // also "CLIENT_MYSQL": set, it turns MariaDB's extended capabilities off
  FOUND_ROWS: 1 << 1,
  LONG_FLAG: 1 << 2,
  CONNECT_WITH_DB: 1 << 3,
  NO_SCHEMA: 1 << 4,
  COMPRESS: 1 << 5,
  ODBC: 1 << 6,
  LOCAL_FILES: 1 << 7,
  IGNORE_SPACE: 1 << 8,
  PROTOCOL_41: 1 << 9,
  INTERACTIVE: 1 << 10,
  SSL: 1 << 11,
  IGNORE_SIGPIPE: 1 << 12,
  TRANSACTIONS: 1 << 13,
  RESERVED: 1 << 14,
  SECURE_CONNECTION: 1 << 15,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PS_MULTI_RESULTS: 1 << 18,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  SESSION_TRACK: 1 << 23,
  DEPRECATE_EOF: 1 << 24,
} as const;

/** What this server offers; SSL is added only when TLS is configured. */
// LONG_PASSWORD (CLIENT_MYSQL) is left out, as MariaDB 10.2+ does: it tells a client that the
// handshake's last reserved bytes carry MariaDB's extended capabilities.
export const SERVER_CAPABILITIES =
  (Capability.FOUND_ROWS |
    Capability.LONG_FLAG |
    Capability.CONNECT_WITH_DB |
    Capability.NO_SCHEMA |
    Capability.ODBC |
    Capability.IGNORE_SPACE |
    Capability.PROTOCOL_41 |
    Capability.INTERACTIVE |
    Capability.IGNORE_SIGPIPE |
    Capability.TRANSACTIONS |
    Capability.SECURE_CONNECTION |
    Capability.MULTI_STATEMENTS |
    Capability.MULTI_RESULTS |
    Capability.PS_MULTI_RESULTS |
    Capability.PLUGIN_AUTH |
    Capability.CONNECT_ATTRS |
    Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
    Capability.CAN_HANDLE_EXPIRED_PASSWORDS |
    // MariaDB offers it, and clients that read the OK packet's info by the server's capabilities
    // (mysql2) then read it length-encoded, as it is sent (encodeOk). No state change is sent.
    Capability.SESSION_TRACK |
    Capability.DEPRECATE_EOF) >>>
  0;

/**
 * MariaDB's extended capabilities (bits 32–63 of the capability set, in the handshake's last four
 * reserved bytes), read only when CLIENT_MYSQL is unset on both sides.
 */
export const MariadbCapability = {
  /** Column definitions carry a block of extended type information (`format: json`). */
  EXTENDED_METADATA: 1 << 3,
} as const;

/** The extended capabilities this server offers. */
export const SERVER_EXTENDED_CAPABILITIES = MariadbCapability.EXTENDED_METADATA;

/** Command bytes (the first payload byte of a command packet). */
export const Command = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  SHUTDOWN: 0x08,
  STATISTICS: 0x09,
  PROCESS_KILL: 0x0c,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  RESET_CONNECTION: 0x1f,
} as const;

/** Server status flags carried by OK and EOF packets. */
export const ServerStatus = {
  IN_TRANS: 0x0001,
  AUTOCOMMIT: 0x0002,
  MORE_RESULTS_EXISTS: 0x0008,
  NO_GOOD_INDEX_USED: 0x0010,
  NO_INDEX_USED: 0x0020,
  CURSOR_EXISTS: 0x0040,
  LAST_ROW_SENT: 0x0080,
  DB_DROPPED: 0x0100,
  NO_BACKSLASH_ESCAPES: 0x0200,
  METADATA_CHANGED: 0x0400,
  QUERY_WAS_SLOW: 0x0800,
  PS_OUT_PARAMS: 0x1000,
  IN_TRANS_READONLY: 0x2000,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

/** Column types (enum_field_types). */
export const ColumnType = {
  DECIMAL: 0x00,
  TINY: 0x01,
  SHORT: 0x02,
  LONG: 0x03,
  FLOAT: 0x04,
  DOUBLE: 0x05,
  NULL: 0x06,
  TIMESTAMP: 0x07,
  LONGLONG: 0x08,
  INT24: 0x09,
  DATE: 0x0a,
  TIME: 0x0b,
  DATETIME: 0x0c,
  YEAR: 0x0d,
  NEWDATE: 0x0e,
  VARCHAR: 0x0f,
  BIT: 0x10,
  TIMESTAMP2: 0x11,
  DATETIME2: 0x12,
  TIME2: 0x13,
  JSON: 0xf5,
  NEWDECIMAL: 0xf6,
  ENUM: 0xf7,
  SET: 0xf8,
  TINY_BLOB: 0xf9,
  MEDIUM_BLOB: 0xfa,
  LONG_BLOB: 0xfb,
  BLOB: 0xfc,
  VAR_STRING: 0xfd,
  STRING: 0xfe,
  GEOMETRY: 0xff,
} as const;
export type ColumnTypeCode = (typeof ColumnType)[keyof typeof ColumnType];

/** Column definition flags. */
export const ColumnFlag = {
  NOT_NULL: 0x0001,
  PRI_KEY: 0x0002,
  UNIQUE_KEY: 0x0004,
  MULTIPLE_KEY: 0x0008,
  BLOB: 0x0010,
  UNSIGNED: 0x0020,
  ZEROFILL: 0x0040,
  BINARY: 0x0080,
  ENUM: 0x0100,
  AUTO_INCREMENT: 0x0200,
  TIMESTAMP: 0x0400,
  SET: 0x0800,
  NO_DEFAULT_VALUE: 0x1000,
  ON_UPDATE_NOW: 0x2000,
  /** A column of some index (MariaDB sets it beside PRI_KEY, UNIQUE_KEY and MULTIPLE_KEY). */
  PART_KEY: 0x4000,
  /** Server-internal in MariaDB, never sent by it; kept for the protocol tests' toy backend. */
  NUM: 0x8000,
} as const;

/** Collation ids used by this server. */
export const Charset = {
  /** utf8mb4_general_ci: MariaDB 10.11's default, announced in the handshake. */
  UTF8MB4_GENERAL_CI: 45,
  /** binary: numbers, dates and BLOBs in column definitions. */
  BINARY: 63,
} as const;

/** An error number with its SQLSTATE. */
export interface ErrorCode {
  readonly code: number;
  readonly sqlState: string;
}

/** The server's own errors (the SQL engine brings the rest). */
export const ServerError = {
  CON_COUNT: { code: 1040, sqlState: '08004' }, // ER_CON_COUNT_ERROR
  HANDSHAKE: { code: 1043, sqlState: '08S01' }, // ER_HANDSHAKE_ERROR
  ACCESS_DENIED: { code: 1045, sqlState: '28000' }, // ER_ACCESS_DENIED_ERROR
  UNKNOWN_COM: { code: 1047, sqlState: '08S01' }, // ER_UNKNOWN_COM_ERROR
  BAD_DB: { code: 1049, sqlState: '42000' }, // ER_BAD_DB_ERROR
  PARSE: { code: 1064, sqlState: '42000' }, // ER_PARSE_ERROR
  UNKNOWN: { code: 1105, sqlState: 'HY000' }, // ER_UNKNOWN_ERROR
  NET_PACKET_TOO_LARGE: { code: 1153, sqlState: '08S01' }, // ER_NET_PACKET_TOO_LARGE
  NET_READ_ERROR: { code: 1158, sqlState: '08S01' }, // ER_NET_READ_ERROR
  NET_PACKETS_OUT_OF_ORDER: { code: 1156, sqlState: '08S01' }, // ER_NET_PACKETS_OUT_OF_ORDER
  NOT_SUPPORTED_AUTH_MODE: { code: 1251, sqlState: '08004' }, // ER_NOT_SUPPORTED_AUTH_MODE
  UNKNOWN_STMT_HANDLER: { code: 1243, sqlState: 'HY000' }, // ER_UNKNOWN_STMT_HANDLER
  WRONG_ARGUMENTS: { code: 1210, sqlState: 'HY000' }, // ER_WRONG_ARGUMENTS
  NO_SUCH_THREAD: { code: 1094, sqlState: 'HY000' }, // ER_NO_SUCH_THREAD
  SECURE_TRANSPORT_REQUIRED: { code: 3159, sqlState: '08004' }, // ER_SECURE_TRANSPORT_REQUIRED
  SERVER_SHUTDOWN: { code: 1053, sqlState: '08S01' }, // ER_SERVER_SHUTDOWN
  CONNECTION_KILLED: { code: 1927, sqlState: '70100' }, // ER_CONNECTION_KILLED (MariaDB)
} as const satisfies Record<string, ErrorCode>;

/** The authentication plugins this server speaks. */
export type AuthPluginName = 'mysql_native_password' | 'caching_sha2_password';
