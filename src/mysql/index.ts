// The MySQL wire protocol, server side: the public surface of src/mysql.

export type {
  Account,
  Backend,
  BoundParam,
  ColumnDef,
  ErrorResult,
  OkResult,
  PreparedStatement,
  QueryOptions,
  QueryResult,
  RowsResult,
  Session,
  SessionInfo,
  SessionState,
  SqlValue,
} from './backend.js';
export { isError } from './backend.js';
export { doubleText, floatText } from './messages.js';
export {
  cachingSha2PasswordHash,
  nativePasswordHash,
  verifyCachingSha2Password,
  verifyNativePassword,
} from './auth.js';
export {
  Capability,
  Charset,
  ColumnFlag,
  ColumnType,
  Command,
  ServerError,
  ServerStatus,
  type AuthPluginName,
  type ColumnTypeCode,
  type ErrorCode,
} from './constants.js';
export type { Logger, LogLevel } from './context.js';
export type { ConnectionPhase, MysqlConnectionView } from './connection.js';
export {
  MysqlServer,
  SERVER_VERSION_DEFAULT,
  createMysqlServer,
  type MysqlServerOptions,
  type TlsOptions,
} from './server.js';
