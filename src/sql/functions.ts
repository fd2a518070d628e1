// MySQL functions in SQLite: built-ins where SQLite's behaves the same, otherwise user functions
// named `mysql_<name>` that the function module registers on every connection. USER_FUNCTIONS
// is the complete list of names the emitter can produce; registering all of them makes every
// translated statement runnable.

/** MySQL name → SQLite built-in with the same arguments and meaning. */
export const BUILTIN_FUNCTIONS: Readonly<Record<string, string>> = {
  ABS: 'abs',
  CEIL: 'ceil',
  CEILING: 'ceil',
  FLOOR: 'floor',
  ROUND: 'round',
  SQRT: 'sqrt',
  EXP: 'exp',
  LN: 'ln',
  LOG10: 'log10',
  LOG2: 'log2',
  POW: 'pow',
  POWER: 'pow',
  PI: 'pi',
  SIN: 'sin',
  COS: 'cos',
  TAN: 'tan',
  ASIN: 'asin',
  ACOS: 'acos',
  ATAN2: 'atan2',
  RADIANS: 'radians',
  DEGREES: 'degrees',
  SIGN: 'sign',
  COALESCE: 'coalesce',
  IFNULL: 'ifnull',
  NULLIF: 'nullif',
  UPPER: 'upper',
  UCASE: 'upper',
  LOWER: 'lower',
  LCASE: 'lower',
  LENGTH: 'octet_length',
  OCTET_LENGTH: 'octet_length',
  CHAR_LENGTH: 'length',
  CHARACTER_LENGTH: 'length',
  CONCAT_WS: 'concat_ws',
  REPLACE: 'replace',
  INSTR: 'instr',
  UNHEX: 'unhex',
  CHAR: 'char',
  ORD: 'unicode',
  ASCII: 'unicode',
  GREATEST: 'max',
  LEAST: 'min',
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  JSON_EXTRACT: 'json_extract',
  JSON_OBJECT: 'json_object',
  JSON_ARRAY: 'json_array',
  JSON_VALID: 'json_valid',
  JSON_TYPE: 'json_type',
  RANDOM_BYTES: 'randomblob',
  QUOTE: 'quote',
};

/** MySQL functions implemented as SQLite user functions `mysql_<lower-case name>`. */
const USER_FUNCTION_SOURCES = [
  'NOW',
  'SYSDATE',
  'CURDATE',
  'CURTIME',
  'UTC_TIMESTAMP',
  'UTC_DATE',
  'UTC_TIME',
  'UNIX_TIMESTAMP',
  'FROM_UNIXTIME',
  'DATE',
  'TIME',
  'YEAR',
  'MONTH',
  'DAY',
  'DAYOFMONTH',
  'DAYOFWEEK',
  'DAYOFYEAR',
  'WEEKDAY',
  'WEEK',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MICROSECOND',
  'DAYNAME',
  'MONTHNAME',
  'LAST_DAY',
  'DATE_FORMAT',
  'STR_TO_DATE',
  'DATE_ADD',
  'DATE_SUB',
  'DATEDIFF',
  'TIMEDIFF',
  'TIMESTAMPDIFF',
  'EXTRACT',
  'TO_DAYS',
  'FROM_DAYS',
  'CAST_DATE',
  'CAST_DATETIME',
  'CAST_TIME',
  'TRIM',
  'LTRIM',
  'RTRIM',
  'LOCATE',
  'RIGHT',
  'REVERSE',
  'REPEAT',
  'SPACE',
  'LPAD',
  'RPAD',
  'HEX',
  'FIELD',
  'ELT',
  'FIND_IN_SET',
  'FORMAT',
  'SUBSTRING_INDEX',
  'STRCMP',
  'MD5',
  'SHA1',
  'SHA2',
  'CRC32',
  'UUID',
  'RAND',
  'TRUNCATE',
  'ATAN',
  'COT',
  'CONV',
  'BIN',
  'OCT',
  'BIT_COUNT',
  'BIT_AND',
  'BIT_OR',
  'BIT_XOR',
  'STD',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
  'JSON_UNQUOTE',
  'JSON_CONTAINS',
  'JSON_LENGTH',
  'JSON_KEYS',
  'JSON_SET',
  'JSON_INSERT',
  'JSON_REPLACE',
  'JSON_REMOVE',
  'JSON_QUOTE',
  'INET_ATON',
  'INET_NTOA',
  'SLEEP',
  'GET_LOCK',
  'RELEASE_LOCK',
  'IS_FREE_LOCK',
] as const;

/** Prefix of every user function the emitter produces. */
export const USER_FUNCTION_PREFIX = 'mysql_';

/** SQLite names of all user functions the emitter may emit, plus the `regexp` operator's. */
export const USER_FUNCTIONS: readonly string[] = [
  ...USER_FUNCTION_SOURCES.map((name) => USER_FUNCTION_PREFIX + name.toLowerCase()),
  'regexp',
];

const USER_FUNCTION_SET: ReadonlySet<string> = new Set(USER_FUNCTION_SOURCES);

/** The user function for a MySQL function, or null when it has none. */
export function userFunction(mysqlName: string): string | null {
  return USER_FUNCTION_SET.has(mysqlName) ? USER_FUNCTION_PREFIX + mysqlName.toLowerCase() : null;
}

/** Aggregate functions: their presence makes a SELECT an aggregate query. */
export const AGGREGATES: ReadonlySet<string> = new Set([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'GROUP_CONCAT',
  'BIT_AND',
  'BIT_OR',
  'BIT_XOR',
  'STD',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
]);

/** Window functions proper (they need OVER); SQLite has each under the lower-case name. */
export const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set([
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'PERCENT_RANK',
  'CUME_DIST',
  'NTILE',
  'LAG',
  'LEAD',
  'FIRST_VALUE',
  'LAST_VALUE',
  'NTH_VALUE',
]);

/** Functions whose value comes from the session, bound as parameters at execution. */
export type SessionValue =
  | 'database'
  | 'user'
  | 'current_user'
  | 'connection_id'
  | 'last_insert_id'
  | 'found_rows'
  | 'row_count'
  | 'version';

export const SESSION_FUNCTIONS: Readonly<Record<string, SessionValue>> = {
  DATABASE: 'database',
  SCHEMA: 'database',
  USER: 'user',
  SESSION_USER: 'user',
  SYSTEM_USER: 'user',
  CURRENT_USER: 'current_user',
  CONNECTION_ID: 'connection_id',
  LAST_INSERT_ID: 'last_insert_id',
  FOUND_ROWS: 'found_rows',
  ROW_COUNT: 'row_count',
  VERSION: 'version',
};

/** Aliases folded before lookup. */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  CURRENT_TIMESTAMP: 'NOW',
  LOCALTIME: 'NOW',
  LOCALTIMESTAMP: 'NOW',
  CURRENT_DATE: 'CURDATE',
  CURRENT_TIME: 'CURTIME',
  ADDDATE: 'DATE_ADD',
  SUBDATE: 'DATE_SUB',
  SUBSTR: 'SUBSTRING',
  MID: 'SUBSTRING',
  POSITION: 'LOCATE',
  SHA: 'SHA1',
  STDDEV: 'STDDEV_POP',
  STD: 'STDDEV_POP',
  VARIANCE: 'VAR_POP',
};
