// System variables: names, defaults and scopes of the variables clients read at connect and the
// ones Galera users look at (wsrep_*, from the anchor's SHOW VARIABLES), global values shared by
// the node, session values per session. Values are kept as SQL values; SET validates lightly.
import type { SqlValue } from '../mysql/index.js';

export type Scope = 'both' | 'global' | 'session';

export interface VariableSpec {
  readonly value: SqlValue;
  readonly scope: Scope;
  readonly readOnly?: boolean;
  /** Values that are ON/OFF (1/0) in SELECT @@x and ON/OFF in SHOW VARIABLES. */
  readonly bool?: boolean;
}

/**
 * Numeric variables that MariaDB keeps unsigned (ulong, ulonglong): `SELECT @@x` sends them as
 * LONGLONG UNSIGNED (booleans and the few signed ones are LONGLONG).
 */
export const UNSIGNED_VARIABLES: ReadonlySet<string> = new Set([
  'auto_increment_increment',
  'auto_increment_offset',
  'connect_timeout',
  'div_precision_increment',
  'error_count',
  'group_concat_max_len',
  'gtid_domain_id',
  'in_transaction',
  'identity',
  'innodb_buffer_pool_size',
  'innodb_lock_wait_timeout',
  'insert_id',
  'interactive_timeout',
  'last_insert_id',
  'lock_wait_timeout',
  'lower_case_table_names',
  'max_allowed_packet',
  'max_connections',
  'max_join_size',
  'max_recursive_iterations',
  'net_buffer_length',
  'net_read_timeout',
  'net_write_timeout',
  'port',
  'protocol_version',
  'query_cache_size',
  'server_id',
  'sql_select_limit',
  'wait_timeout',
  'warning_count',
  'wsrep_sync_wait',
]);

const both = (value: SqlValue, bool = false): VariableSpec => ({ value, scope: 'both', bool });
const global = (value: SqlValue, readOnly = true, bool = false): VariableSpec => ({
  value,
  scope: 'global',
  readOnly,
  bool,
});
const session = (value: SqlValue, bool = false): VariableSpec => ({
  value,
  scope: 'session',
  bool,
});

export const SQL_MODE_DEFAULT =
  'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';

export interface NodeFacts {
  readonly version: string;
  readonly hostname: string;
  readonly port: number;
  readonly datadir: string;
  readonly nodeName: string;
  readonly clusterName: string;
  readonly clusterAddress: string;
  readonly nodeAddress: string;
  readonly incomingAddress: string;
  /** wsrep_sst_receive_address in effect; AUTO where there is none (a standalone node). */
  readonly sstReceiveAddress?: string;
  readonly wsrepOn: boolean;
  readonly maxConnections: number;
  readonly maxAllowedPacket: number;
  readonly lockWaitTimeoutSeconds: number;
  readonly autoIncrementIncrement: number;
  readonly autoIncrementOffset: number;
  readonly retryAutocommit: number;
  readonly autoIncrementControl: boolean;
  readonly syncWait: number;
  readonly slaveThreads: number;
  readonly sstMethod: string;
  readonly providerOptions: string;
  readonly maxWsSize: number;
  readonly ssl: { readonly cert: string; readonly key: string; readonly ca: string } | null;
  readonly systemTimeZone: string;
  /** innodb_encryption_rotate_key_age and innodb_encryption_threads from my.cnf. */
  readonly encryptionRotateKeyAge?: number;
  readonly encryptionThreads?: number;
}

/** The variable table for a node. */
export function variableSpecs(f: NodeFacts): Map<string, VariableSpec> {
  const specs: [string, VariableSpec][] = [
    ['version', global(f.version)],
    ['version_comment', global('trireme: MariaDB Galera compatible cluster')],
    ['version_compile_os', global('Linux')],
    ['version_compile_machine', global(process.arch === 'x64' ? 'x86_64' : process.arch)],
    ['version_ssl_library', global('OpenSSL (node)')],
    ['protocol_version', global(10)],
    ['hostname', global(f.hostname)],
    ['port', global(f.port)],
    ['datadir', global(f.datadir)],
    ['basedir', global('/usr')],
    ['socket', global('')],
    ['server_id', both(1)],
    ['max_connections', global(f.maxConnections, false)],
    ['max_allowed_packet', both(f.maxAllowedPacket)],
    ['net_buffer_length', both(16384)],
    ['autocommit', session(1, true)],
    ['sql_mode', both(SQL_MODE_DEFAULT)],
    ['character_set_client', both('utf8mb4')],
    ['character_set_connection', both('utf8mb4')],
    ['character_set_results', both('utf8mb4')],
    ['character_set_server', both('utf8mb4')],
    ['character_set_database', both('utf8mb4')],
    ['character_set_system', global('utf8mb3')],
    ['character_set_filesystem', both('binary')],
    ['collation_connection', both('utf8mb4_general_ci')],
    ['collation_server', both('utf8mb4_general_ci')],
    ['collation_database', both('utf8mb4_general_ci')],
    ['init_connect', global('', false)],
    ['time_zone', both('SYSTEM')],
    ['system_time_zone', global(f.systemTimeZone)],
    // Whether an idle transaction's writer may be stashed for another (docs/design/engine.md,
    // "Stash and restore"); OFF keeps it from the first write to COMMIT, for comparison.
    ['trireme_writer_stash', global(1, false, true)],
    ['tx_isolation', both('REPEATABLE-READ')],
    ['transaction_read_only', both(0, true)],
    ['tx_read_only', both(0, true)],
    ['lower_case_table_names', global(0)],
    ['wait_timeout', both(28800)],
    ['interactive_timeout', both(28800)],
    ['net_read_timeout', both(30)],
    ['net_write_timeout', both(60)],
    ['connect_timeout', global(10, false)],
    ['innodb_lock_wait_timeout', both(f.lockWaitTimeoutSeconds)],
    ['lock_wait_timeout', both(86400)],
    ['auto_increment_increment', both(f.autoIncrementIncrement)],
    ['auto_increment_offset', both(f.autoIncrementOffset)],
    ['foreign_key_checks', session(1, true)],
    ['unique_checks', session(1, true)],
    ['sql_auto_is_null', session(0, true)],
    ['sql_select_limit', session(BigInt('18446744073709551615'))],
    ['sql_safe_updates', session(0, true)],
    ['sql_notes', session(1, true)],
    ['sql_warnings', session(0, true)],
    ['sql_quote_show_create', session(1, true)],
    ['sql_log_bin', session(1, true)],
    ['big_tables', session(0, true)],
    ['query_cache_type', both('OFF')],
    ['query_cache_size', global(1048576)],
    ['have_ssl', global(f.ssl === null ? 'DISABLED' : 'YES')],
    ['have_openssl', global(f.ssl === null ? 'DISABLED' : 'YES')],
    ['ssl_cert', global(f.ssl?.cert ?? '')],
    ['ssl_key', global(f.ssl?.key ?? '')],
    ['ssl_ca', global(f.ssl?.ca ?? '')],
    ['license', global('MIT')],
    ['default_storage_engine', both('InnoDB')],
    ['storage_engine', both('InnoDB')],
    ['default_tmp_storage_engine', both('')],
    ['max_join_size', both(BigInt('18446744073709551615'))],
    ['group_concat_max_len', both(1048576)],
    ['div_precision_increment', both(4)],
    ['last_insert_id', session(0)],
    ['identity', session(0)],
    ['insert_id', session(0)],
    ['timestamp', session(0)],
    ['warning_count', session(0)],
    ['error_count', session(0)],
    // MariaDB 10.10's default; OFF (the old implicit TIMESTAMP defaults) is refused (set.ts).
    ['explicit_defaults_for_timestamp', both(1, true)],
    ['log_bin', global(0, true, true)],
    ['binlog_format', both('ROW')],
    ['gtid_mode', global('OFF')],
    // MariaDB's GTID positions, empty without a binary log (backup and monitoring scripts read
    // them; 1193 stopped them).
    ['gtid_binlog_pos', global('')],
    ['gtid_current_pos', global('')],
    ['gtid_slave_pos', global('')],
    ['gtid_domain_id', both(0)],
    ['gtid_strict_mode', global(0, false, true)],
    ['read_only', global(0, false, true)],
    ['performance_schema', global(0, true, true)],
    ['innodb_autoinc_lock_mode', global(2)],
    ['innodb_flush_log_at_trx_commit', global(2, false)],
    ['innodb_buffer_pool_size', global(134217728)],
    // Background re-encryption of GCache segments, as MariaDB's of pages: on when both are above
    // 0 (docs/design/encryption.md, "Background re-encryption"; backgroundEncryptionWarning).
    ['innodb_encryption_rotate_key_age', global(f.encryptionRotateKeyAge ?? 1, false)],
    ['innodb_encryption_threads', global(f.encryptionThreads ?? 0, false)],
    ['max_execution_time', both(0)],
    ['max_statement_time', both(0)],
    ['max_recursive_iterations', both(1000)],
    ['skip_name_resolve', global(1, true, true)],
    ['require_secure_transport', global(0, true, true)],
    ['wsrep_osu_method', both('TOI')],
    ['wsrep_sr_store', global('table')],
    ['wsrep_allowlist', global('')],
    ['wsrep_auto_increment_control', global(f.autoIncrementControl ? 1 : 0, true, true)],
    ['wsrep_causal_reads', both(0, true)],
    ['wsrep_certification_rules', global('strict', false)],
    ['wsrep_certify_nonpk', global(1, false, true)],
    ['wsrep_cluster_address', global(f.clusterAddress, false)],
    ['wsrep_cluster_name', global(f.clusterName)],
    ['wsrep_convert_lock_to_trx', global(0, false, true)],
    ['wsrep_data_home_dir', global(f.datadir)],
    ['wsrep_dbug_option', global('')],
    ['wsrep_debug', global('NONE', false)],
    ['wsrep_desync', global(0, false, true)],
    ['wsrep_dirty_reads', both(0, true)],
    ['wsrep_drupal_282555_workaround', global(0, false, true)],
    ['wsrep_forced_binlog_format', global('NONE')],
    ['wsrep_gtid_domain_id', global(0)],
    ['wsrep_gtid_mode', global(0, true, true)],
    ['wsrep_gtid_seq_no', session(0)],
    ['wsrep_ignore_apply_errors', global(7, false)],
    ['wsrep_load_data_splitting', global(0, false, true)],
    ['wsrep_log_conflicts', global(0, false, true)],
    ['wsrep_max_ws_rows', global(0, false)],
    ['wsrep_max_ws_size', global(f.maxWsSize, false)],
    ['wsrep_mode', global('')],
    ['wsrep_mysql_replication_bundle', global(0)],
    ['wsrep_node_address', global(f.nodeAddress)],
    ['wsrep_node_incoming_address', global(f.incomingAddress)],
    ['wsrep_node_name', global(f.nodeName)],
    ['wsrep_notify_cmd', global('')],
    ['wsrep_on', both(f.wsrepOn ? 1 : 0, true)],
    ['wsrep_patch_version', global('wsrep_26.22')],
    ['wsrep_provider', global(f.wsrepOn ? 'trireme' : 'none')],
    ['wsrep_provider_options', global(f.providerOptions)],
    ['wsrep_recover', global(0, true, true)],
    ['wsrep_reject_queries', global('NONE', false)],
    ['wsrep_restart_slave', global(0, false, true)],
    ['wsrep_retry_autocommit', both(f.retryAutocommit)],
    ['wsrep_slave_fk_checks', global(1, false, true)],
    ['wsrep_slave_uk_checks', global(0, false, true)],
    ['wsrep_slave_threads', global(f.slaveThreads, false)],
    ['wsrep_sst_auth', global('********', false)],
    ['wsrep_sst_donor', global('', false)],
    ['wsrep_sst_donor_rejects_queries', global(0, false, true)],
    ['wsrep_sst_method', global(f.sstMethod, false)],
    ['wsrep_sst_receive_address', global(f.sstReceiveAddress ?? 'AUTO', false)],
    ['wsrep_start_position', global('00000000-0000-0000-0000-000000000000:-1')],
    ['wsrep_status_file', global('')],
    ['wsrep_sync_wait', both(f.syncWait)],
    ['wsrep_trx_fragment_size', both(0)],
    ['wsrep_trx_fragment_unit', both('bytes')],
  ];
  return new Map(specs);
}

/** SHOW VARIABLES text of a value. */
export function showText(spec: VariableSpec | undefined, value: SqlValue): string {
  if (value === null) return '';
  if (spec?.bool === true) return Number(value) ? 'ON' : 'OFF';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

/** A SET value for a variable, normalized; an error message when it is not acceptable. */
/** MariaDB 10.11's sql_mode flags in bit order: @@sql_mode lists the set ones in this order. */
const SQL_MODE_FLAGS = [
  'REAL_AS_FLOAT',
  'PIPES_AS_CONCAT',
  'ANSI_QUOTES',
  'IGNORE_SPACE',
  'IGNORE_BAD_TABLE_OPTIONS',
  'ONLY_FULL_GROUP_BY',
  'NO_UNSIGNED_SUBTRACTION',
  'NO_DIR_IN_CREATE',
  'POSTGRESQL',
  'ORACLE',
  'MSSQL',
  'DB2',
  'MAXDB',
  'NO_KEY_OPTIONS',
  'NO_TABLE_OPTIONS',
  'NO_FIELD_OPTIONS',
  'MYSQL323',
  'MYSQL40',
  'ANSI',
  'NO_AUTO_VALUE_ON_ZERO',
  'NO_BACKSLASH_ESCAPES',
  'STRICT_TRANS_TABLES',
  'STRICT_ALL_TABLES',
  'NO_ZERO_IN_DATE',
  'NO_ZERO_DATE',
  'ALLOW_INVALID_DATES',
  'ERROR_FOR_DIVISION_BY_ZERO',
  'TRADITIONAL',
  'NO_AUTO_CREATE_USER',
  'HIGH_NOT_PRECEDENCE',
  'NO_ENGINE_SUBSTITUTION',
  'PAD_CHAR_TO_FULL_LENGTH',
  'EMPTY_STRING_IS_NULL',
  'SIMULTANEOUS_ASSIGNMENT',
  'TIME_ROUND_FRACTIONAL',
] as const;

const FOREIGN_DIALECT = [
  'PIPES_AS_CONCAT',
  'ANSI_QUOTES',
  'IGNORE_SPACE',
  'NO_KEY_OPTIONS',
  'NO_TABLE_OPTIONS',
  'NO_FIELD_OPTIONS',
];

/** The combination modes and the flags each sets beside itself (MariaDB's expand_sql_mode). */
const SQL_MODE_COMBINATIONS: Readonly<Record<string, readonly string[]>> = {
  ANSI: ['REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE'],
  TRADITIONAL: [
    'STRICT_TRANS_TABLES',
    'STRICT_ALL_TABLES',
    'NO_ZERO_IN_DATE',
    'NO_ZERO_DATE',
    'ERROR_FOR_DIVISION_BY_ZERO',
    'NO_AUTO_CREATE_USER',
    'NO_ENGINE_SUBSTITUTION',
  ],
  ORACLE: [...FOREIGN_DIALECT, 'NO_AUTO_CREATE_USER', 'SIMULTANEOUS_ASSIGNMENT'],
  POSTGRESQL: FOREIGN_DIALECT,
  MSSQL: FOREIGN_DIALECT,
  DB2: FOREIGN_DIALECT,
  MAXDB: [...FOREIGN_DIALECT, 'NO_AUTO_CREATE_USER'],
  MYSQL323: ['HIGH_NOT_PRECEDENCE'],
  MYSQL40: ['HIGH_NOT_PRECEDENCE'],
};

/**
 * A value for @@sql_mode as MariaDB stores it: names (any case, blanks trimmed) or a bit mask,
 * combination modes expanded, listed in bit order; null when a name or bit is unknown (1231).
 */
export function normalizeSqlMode(value: SqlValue): string | null {
  const set = new Set<string>();
  if (typeof value === 'number' || typeof value === 'bigint') {
    let mask = BigInt(value);
    if (mask < 0n || mask >= 1n << BigInt(SQL_MODE_FLAGS.length)) return null;
    for (let bit = 0; mask > 0n; bit++, mask >>= 1n)
      if ((mask & 1n) === 1n) set.add(SQL_MODE_FLAGS[bit]!);
  } else {
    const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : (value ?? '');
    for (const word of String(text).split(',')) {
      const name = word.trim().toUpperCase();
      if (name === '') continue;
      if (!(SQL_MODE_FLAGS as readonly string[]).includes(name)) return null;
      set.add(name);
    }
  }
  for (const name of [...set]) for (const flag of SQL_MODE_COMBINATIONS[name] ?? []) set.add(flag);
  return SQL_MODE_FLAGS.filter((flag) => set.has(flag)).join(',');
}

/** The first word of a refused sql_mode that names no mode (MariaDB's 1231 names it), or it all. */
function unknownSqlModeWord(value: SqlValue): string {
  if (typeof value !== 'string') return String(value);
  const words = value.split(',').map((w) => w.trim());
  return (
    words.find(
      (w) => w !== '' && !(SQL_MODE_FLAGS as readonly string[]).includes(w.toUpperCase()),
    ) ?? value
  );
}

/**
 * A time_zone value as MariaDB keeps it: 'SYSTEM', an offset from -12:59 to +13:00 written
 * '+HH:MM', or a zone name this host knows (MariaDB's time zone tables); null for anything else.
 */
export function normalizeTimeZone(value: string): string | null {
  const zone = value.trim();
  if (zone.toUpperCase() === 'SYSTEM') return 'SYSTEM';
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(zone);
  if (m !== null) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    const inRange = Number(m[3]) < 60 && (m[1] === '+' ? minutes <= 13 * 60 : minutes < 13 * 60);
    return inRange ? `${m[1]}${m[2]!.padStart(2, '0')}:${m[3]}` : null;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

export function normalizeSetValue(
  name: string,
  spec: VariableSpec,
  value: SqlValue,
): { ok: true; value: SqlValue } | { ok: false; message: string; code?: number } {
  if (name === 'time_zone') {
    const text = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value);
    const zone = normalizeTimeZone(text);
    if (zone === null)
      return { ok: false, code: 1298, message: `Unknown or incorrect time zone: '${text}'` };
    return { ok: true, value: zone };
  }
  if (name === 'sql_mode') {
    const mode = normalizeSqlMode(value);
    if (mode === null)
      return {
        ok: false,
        message: `Variable '${name}' can't be set to the value of '${unknownSqlModeWord(value)}'`,
      };
    return { ok: true, value: mode };
  }
  if (spec.bool === true) {
    const t = typeof value === 'string' ? value.toUpperCase() : value;
    if (t === 'ON' || t === 'TRUE' || t === 1 || t === 1n || t === '1')
      return { ok: true, value: 1 };
    if (t === 'OFF' || t === 'FALSE' || t === 0 || t === 0n || t === '0')
      return { ok: true, value: 0 };
    return {
      ok: false,
      message: `Variable '${name}' can't be set to the value of '${String(value)}'`,
    };
  }
  if (typeof spec.value === 'number' || typeof spec.value === 'bigint') {
    if (typeof value === 'bigint') return { ok: true, value: Number(value) };
    if (typeof value === 'number') return { ok: true, value };
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
      return { ok: true, value: Number(value) };
    return { ok: false, message: `Incorrect argument type to variable '${name}'` };
  }
  if (name === 'wsrep_reject_queries') {
    const t = String(value).toUpperCase();
    const allowed = ['NONE', 'ALL', 'ALL_KILL'];
    const chosen = /^\d+$/.test(t) ? allowed[Number(t)] : allowed.find((a) => a === t);
    if (chosen === undefined)
      return {
        ok: false,
        message: `Variable '${name}' can't be set to the value of '${String(value)}'`,
      };
    return { ok: true, value: chosen };
  }
  if (name === 'tx_isolation') {
    const t = String(value).toUpperCase().replace(/ /g, '-');
    const allowed = ['READ-UNCOMMITTED', 'READ-COMMITTED', 'REPEATABLE-READ', 'SERIALIZABLE'];
    if (!allowed.includes(t))
      return {
        ok: false,
        message: `Variable '${name}' can't be set to the value of '${String(value)}'`,
      };
    return { ok: true, value: t };
  }
  if (value instanceof Uint8Array) return { ok: true, value: Buffer.from(value).toString('utf8') };
  return { ok: true, value: value === null ? '' : String(value) };
}

/**
 * SET GLOBAL innodb_encryption_threads or innodb_encryption_rotate_key_age: the warning that
 * background re-encryption covers the GCache and not the database, or null (nothing said).
 */
export function backgroundEncryptionWarning(name: string, value: SqlValue): string | null {
  if (!isBackgroundEncryptionVariable(name)) return null;
  if (Number(value) === 0) return null;
  return `${name}: GCache segments are re-encrypted in the background, the database is not (SQLite3 Multiple Ciphers rekeys a database only whole): run trireme key reencrypt on the stopped node for it`;
}

/** The variables of background re-encryption, and the range each takes (MariaDB's). */
const BACKGROUND_ENCRYPTION_MAX = new Map([
  ['innodb_encryption_rotate_key_age', 4294967295],
  ['innodb_encryption_threads', 255],
]);

export function isBackgroundEncryptionVariable(name: string): boolean {
  return BACKGROUND_ENCRYPTION_MAX.has(name);
}

/** Null when `value` is in the variable's range, else the 1231 message. */
export function backgroundEncryptionRangeError(name: string, value: SqlValue): string | null {
  const max = BACKGROUND_ENCRYPTION_MAX.get(name);
  if (max === undefined) return null;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 0 && n <= max) return null;
  return `Variable '${name}' can't be set to the value of '${String(value)}'`;
}
