// The options trireme understands in the server groups ([mysqld], [galera], [mariadb], …) and in
// [sst]: one row each. Names, defaults and ranges are MariaDB 10.11's unless a comment says why.
import { hostname } from 'node:os';
import { CLUSTER_NAME_CHARS_MAX } from './limits.js';
import { option, type OptionSpec, type OptionValues } from './options.js';
import { err, ok } from './result.js';
import { bytes, port } from './types.js';
import {
  parseClusterAddress,
  parseDonorList,
  parseEndpoint,
  parseGaleraBool,
  parseIntegerInRange,
  type ClusterAddress,
  type DonorList,
  type Endpoint,
  type Parsed,
} from './values.js';

export const SST_METHODS = ['mariabackup', 'rsync', 'mysqldump'] as const;
export type SstMethod = (typeof SST_METHODS)[number];

const XTRABACKUP_REFUSAL =
  'xtrabackup and xtrabackup-v2 are Percona XtraDB Cluster SST methods, which MariaDB does not ' +
  'support; use wsrep_sst_method=mariabackup (the default, non-blocking for the donor), rsync or mysqldump';

const SST_AUTH_NOTE =
  'wsrep_sst_auth is accepted but not needed: the cluster certificate authenticates the donor';
const PROVIDER_NOTE =
  'wsrep_provider is accepted and its path ignored: replication is built into trireme';

const SECRET_MASK = '********';

function clusterName(text: string): Parsed<string> {
  const name = text.trim();
  if (name === '') return err('the cluster name is empty');
  if (name.length > CLUSTER_NAME_CHARS_MAX)
    return err(`longer than ${CLUSTER_NAME_CHARS_MAX} characters`);
  return ok(name);
}

// An empty wsrep_cluster_address means "no cluster" in MariaDB, unlike `gcomm://` (bootstrap).
function clusterAddress(text: string): Parsed<ClusterAddress | null> {
  return text.trim() === '' ? ok(null) : parseClusterAddress(text);
}

// MariaDB's AUTO means "detect"; we represent it, and an empty value, as null.
function autoEndpoint(text: string): Parsed<Endpoint | null> {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.toUpperCase() === 'AUTO' ? ok(null) : parseEndpoint(trimmed);
}

// Stored masked, like SHOW VARIABLES shows it, so the password never reaches a log.
function maskedSecret(text: string): Parsed<string> {
  return ok(text === '' ? '' : SECRET_MASK);
}

function encryptMode(text: string): Parsed<number> {
  const parsed = parseIntegerInRange(text, 0, 4);
  if (parsed.ok && parsed.value === 1)
    return err('encrypt=1 (xbcrypt) was removed from MariaDB; use 4');
  return parsed;
}

const DONOR_ANY: DonorList = { names: [], anyOtherAllowed: true };

/** innodb_encrypt_tables: OFF, ON or FORCE (0, 1, 2); null when not set (it follows the keys). */
export type EncryptTables = 'OFF' | 'ON' | 'FORCE';
const ENCRYPT_TABLES_WORDS: Readonly<Record<string, EncryptTables>> = {
  off: 'OFF',
  '0': 'OFF',
  on: 'ON',
  '1': 'ON',
  force: 'FORCE',
  '2': 'FORCE',
};

function encryptTables(text: string): Parsed<EncryptTables | null> {
  const value = ENCRYPT_TABLES_WORDS[text.trim().toLowerCase()];
  return value === undefined ? err(`'${text}' is not one of: OFF, ON, FORCE`) : ok(value);
}

// A switch whose absence means "follow the key file" (encryption is on once keys are set).
function optionalSwitch(name: string): OptionSpec<boolean | null> {
  return {
    ...option.custom<boolean | null>(name, 'boolean', null, parseGaleraBool),
    bareValue: true,
  };
}

const ENCRYPTION_ALGORITHM_NOTE =
  'file_key_management_encryption_algorithm is accepted and has no effect: trireme seals GCache ' +
  'records with AES-256-GCM and SQLite pages with the cipher in docs/design/encryption.md';
const INT32_MAX = 2147483647;
const ROTATION_NOTE =
  'innodb_encryption_threads and innodb_encryption_rotate_key_age re-encrypt GCache segments in ' +
  'the background, not the database: it moves to a new key version only with trireme key ' +
  'reencrypt on the stopped node (docs/design/encryption.md, "Background re-encryption")';

export const SERVER_OPTIONS = {
  port: option.port('port', port(3306), true),
  bindAddress: option.string('bind_address', null),
  datadir: option.string('datadir', '/var/lib/mysql/'),
  socket: option.string('socket', null),
  maxConnections: option.integer('max_connections', 151, 1, 100000),
  maxAllowedPacketBytes: option.size(
    'max_allowed_packet',
    bytes(16 * 1024 * 1024),
    1024,
    1024 * 1024 * 1024,
  ),
  sslCert: option.string('ssl_cert', null),
  sslKey: option.string('ssl_key', null),
  sslCa: option.string('ssl_ca', null),
  sslCipher: option.string('ssl_cipher', null),
  requireSecureTransport: option.boolean('require_secure_transport', false),
  innodbLockWaitTimeoutSeconds: option.integer('innodb_lock_wait_timeout', 50, 0, 1073741824),
  autoIncrementIncrement: option.integer('auto_increment_increment', 1, 1, 65535),
  autoIncrementOffset: option.integer('auto_increment_offset', 1, 1, 65535),
  skipNameResolve: option.boolean('skip_name_resolve', false),
  wsrepOn: option.boolean('wsrep_on', false),
  wsrepProvider: { ...option.string('wsrep_provider', 'none'), note: PROVIDER_NOTE },
  wsrepProviderOptions: option.string('wsrep_provider_options', ''),
  wsrepClusterName: option.custom('wsrep_cluster_name', 'string', 'my_wsrep_cluster', clusterName),
  wsrepClusterAddress: option.custom('wsrep_cluster_address', 'address', null, clusterAddress),
  wsrepNewCluster: option.boolean('wsrep_new_cluster', false),
  /** `--wsrep-recover`: print the node's position and exit (recover-position.ts). */
  wsrepRecover: option.boolean('wsrep_recover', false),
  wsrepNodeAddress: option.custom('wsrep_node_address', 'address', null, autoEndpoint),
  wsrepNodeIncomingAddress: option.custom(
    'wsrep_node_incoming_address',
    'address',
    null,
    autoEndpoint,
  ),
  wsrepNodeName: option.string('wsrep_node_name', hostname()),
  wsrepSstMethod: option.choice<SstMethod>('wsrep_sst_method', 'mariabackup', SST_METHODS, {
    xtrabackup: XTRABACKUP_REFUSAL,
    'xtrabackup-v2': XTRABACKUP_REFUSAL,
  }),
  wsrepSstDonor: option.custom('wsrep_sst_donor', 'string', DONOR_ANY, parseDonorList),
  wsrepSstAuth: {
    ...option.custom('wsrep_sst_auth', 'string', '', maskedSecret),
    note: SST_AUTH_NOTE,
  },
  wsrepSstReceiveAddress: option.custom('wsrep_sst_receive_address', 'address', null, autoEndpoint),
  wsrepSyncWait: option.integer('wsrep_sync_wait', 0, 0, 15),
  wsrepSlaveThreads: {
    ...option.integer('wsrep_slave_threads', 1, 1, 512),
    aliases: ['wsrep_applier_threads'],
  },
  wsrepRetryAutocommit: option.integer('wsrep_retry_autocommit', 1, 0, 10000),
  wsrepAutoIncrementControl: option.boolean('wsrep_auto_increment_control', true),
  wsrepMaxWsSizeBytes: option.size('wsrep_max_ws_size', bytes(INT32_MAX), 1024, INT32_MAX),
  // Encryption at rest (docs/design/encryption.md): MariaDB's names, trireme's defaults.
  pluginLoadAdd: option.string('plugin_load_add', null),
  pluginLoad: option.string('plugin_load', null),
  fileKeyManagementFilename: option.string('file_key_management_filename', null),
  fileKeyManagementFilekey: option.string('file_key_management_filekey', null),
  fileKeyManagementEncryptionAlgorithm: {
    ...option.choice('file_key_management_encryption_algorithm', 'aes_cbc', ['aes_cbc', 'aes_ctr']),
    note: ENCRYPTION_ALGORITHM_NOTE,
  },
  innodbEncryptTables: option.custom('innodb_encrypt_tables', 'choice', null, encryptTables),
  innodbEncryptLog: optionalSwitch('innodb_encrypt_log'),
  innodbEncryptTemporaryTables: optionalSwitch('innodb_encrypt_temporary_tables'),
  encryptTmpFiles: optionalSwitch('encrypt_tmp_files'),
  encryptBinlog: optionalSwitch('encrypt_binlog'),
  innodbEncryptionRotateKeyAge: {
    ...option.integer('innodb_encryption_rotate_key_age', 1, 0, 4294967295),
    note: ROTATION_NOTE,
  },
  innodbEncryptionThreads: {
    ...option.integer('innodb_encryption_threads', 0, 0, 255),
    note: ROTATION_NOTE,
  },
  innodbDefaultEncryptionKeyId: option.integer(
    'innodb_default_encryption_key_id',
    1,
    1,
    4294967295,
  ),
};

export type ServerOptions = OptionValues<typeof SERVER_OPTIONS>;

/** `[sst]`: TLS files for the state-transfer stream (MariaDB's mariabackup/rsync script keys). */
export const SST_OPTIONS = {
  encrypt: option.custom('encrypt', 'integer', 0, encryptMode),
  tca: option.string('tca', null),
  tcert: option.string('tcert', null),
  tkey: option.string('tkey', null),
  sslCa: option.string('ssl_ca', null),
  sslCert: option.string('ssl_cert', null),
  sslKey: option.string('ssl_key', null),
};

export type SstOptions = OptionValues<typeof SST_OPTIONS>;

/** Option groups mariadbd 10.11 reads, in MariaDB's list order; entries apply in file order. */
export const SERVER_GROUPS: readonly string[] = [
  'mysqld',
  'server',
  'mysqld-10.11',
  'mariadb',
  'mariadb-10.11',
  'mariadbd',
  'mariadbd-10.11',
  'client-server',
  'galera',
];

export const SST_GROUP = 'sst';
