// From option files and command-line settings to one typed ServerConfig: server groups applied
// in file order (last occurrence wins, command line last of all), then wsrep_provider_options,
// then [sst], then the addresses and ports derived from them as Galera derives them.
import { parseServerArgs } from './args.js';
import type { CnfEntry } from './cnf.js';
import { readCnfFile, type CnfDocument } from './includes.js';
import { applySettings, type Applied, type Setting } from './options.js';
import {
  PROVIDER_OPTIONS,
  parseProviderOptions,
  type ProviderOptions,
} from './provider-options.js';
import { err, ok, type Result } from './result.js';
import {
  SERVER_GROUPS,
  SERVER_OPTIONS,
  SST_GROUP,
  SST_OPTIONS,
  type ServerOptions,
  type SstOptions,
} from './server-options.js';
import { COMMAND_LINE, configError, port, type ConfigError, type Port } from './types.js';
import type { Endpoint, ListenAddress, OptionPair } from './values.js';

/** Paths of a TLS identity; null where nothing configures one. */
export interface TlsFiles {
  readonly ca: string | null;
  readonly cert: string | null;
  readonly key: string | null;
}

export interface BoundAddress {
  readonly host: string;
  readonly port: Port;
}

/** What the options mean together: who to contact, where to listen, which files to use. */
export interface ClusterSettings {
  /** Start a new cluster: `--wsrep-new-cluster`, or `wsrep_cluster_address=gcomm://`. */
  readonly bootstrap: boolean;
  readonly peers: readonly BoundAddress[];
  /** `base_port`, else the port of `wsrep_node_address`, else 4567. */
  readonly basePort: Port;
  readonly listenAddress: { readonly scheme: ListenAddress['scheme'] } & BoundAddress;
  /** `ist.recv_addr`; by default the node's address on base_port + 1, as in Galera. */
  readonly istReceiveAddress: BoundAddress;
  /** `wsrep_sst_receive_address`; by default the node's address on 4444. */
  readonly sstReceiveAddress: BoundAddress;
  /** `gcache.dir`, else the datadir. */
  readonly gcacheDir: string;
  /** socket.ssl_*; as in Galera the CA defaults to the certificate file. */
  readonly replicationTls: TlsFiles;
  /** [sst] ssl-* (encrypt=4) or tca/tcert/tkey, else the replication files. */
  readonly sstTls: TlsFiles;
}

/**
 * Encryption at rest, resolved from MariaDB's switches (docs/design/encryption.md): once a key
 * file is set, everything is encrypted unless a switch says OFF.
 */
export interface EncryptionConfig {
  /** file_key_management_filename and _filekey; null: no key management plugin. */
  readonly keyFile: { readonly filename: string; readonly filekey: string | null } | null;
  /** The SQLite database with its WAL (innodb_encrypt_tables, innodb_encrypt_log). */
  readonly dataFiles: boolean;
  /** innodb_default_encryption_key_id. */
  readonly dataKeyId: number;
  /** GCache segments and SST staging (encrypt_binlog, or gcache.encrypt). */
  readonly gcache: boolean;
  /** Key id 1, as MariaDB's binary and redo logs use. */
  readonly gcacheKeyId: number;
}

export interface ServerConfig {
  readonly server: ServerOptions;
  readonly provider: ProviderOptions;
  /** Provider options trireme does not use, kept as written. */
  readonly providerUnknown: readonly OptionPair[];
  readonly sst: SstOptions;
  readonly cluster: ClusterSettings;
  readonly encryption: EncryptionConfig;
  /** Option files read, in order. */
  readonly files: readonly string[];
}

export interface LoadedConfig {
  readonly config: ServerConfig;
  /** Things the operator should look at (unknown options, plaintext replication, …). */
  readonly warnings: readonly string[];
  /** Things worth knowing that need no action (an ignored provider path, bootstrap mode, …). */
  readonly notes: readonly string[];
}

export interface LoadOptions {
  /** The main option file; `--defaults-file` in `args` takes precedence. */
  readonly defaultsFile?: string;
  /** Command-line arguments, mysqld style (see parseServerArgs). */
  readonly args?: readonly string[];
}

const IST_PORT_OFFSET = 1;
const SST_PORT_DEFAULT = port(4444);
const ANY_HOST = '0.0.0.0';
const PORT_MAX = 65535;

/** Reads the option files named by `options` and the arguments, and resolves them. */
export function loadServerConfig(options: LoadOptions): Result<LoadedConfig, ConfigError> {
  const args = parseServerArgs(options.args ?? []);
  if (!args.ok) return args;
  const paths = args.value.noDefaults
    ? []
    : [args.value.defaultsFile ?? options.defaultsFile, args.value.defaultsExtraFile ?? undefined];
  const documents: CnfDocument[] = [];
  for (const path of paths) {
    if (path === undefined) continue;
    const document = readCnfFile(path);
    if (!document.ok) return document;
    documents.push(document.value);
  }
  return resolveServerConfig(
    {
      entries: documents.flatMap((document) => document.entries),
      files: documents.flatMap((document) => document.files),
      warnings: documents.flatMap((document) => document.warnings),
    },
    args.value.settings,
  );
}

export interface ResolveInput {
  readonly entries: readonly CnfEntry[];
  readonly files?: readonly string[];
  readonly warnings?: readonly string[];
}

/** Resolves parsed entries plus command-line settings; no I/O. */
export function resolveServerConfig(
  input: ResolveInput,
  commandLine: readonly Setting[] = [],
): Result<LoadedConfig, ConfigError> {
  const serverEntries = input.entries.filter((entry) => SERVER_GROUPS.includes(entry.section));
  const server = applySettings(SERVER_OPTIONS, [...serverEntries, ...commandLine], {
    booleanPrefixes: true,
  });
  if (!server.ok) return server;
  const fromCommandLine = server.value.unknown.find(
    (setting) => setting.file === COMMAND_LINE && !setting.loose,
  );
  if (fromCommandLine !== undefined) {
    return err(
      configError(
        'unknown_option',
        fromCommandLine,
        fromCommandLine.keyAsWritten,
        'unknown option',
      ),
    );
  }
  const provider = resolveProvider(server.value);
  if (!provider.ok) return provider;
  const sstEntries = input.entries.filter((entry) => entry.section === SST_GROUP);
  const sst = applySettings(SST_OPTIONS, sstEntries, { booleanPrefixes: false });
  if (!sst.ok) return sst;
  const cluster = deriveCluster(server.value.values, provider.value, sst.value.values);
  if (!cluster.ok) return cluster;
  const encryption = deriveEncryption(server.value, provider.value);
  if (!encryption.ok) return encryption;
  const config: ServerConfig = {
    server: server.value.values,
    provider: provider.value.values,
    providerUnknown: provider.value.unknown.map((setting) => ({
      key: setting.key,
      value: setting.value ?? '',
    })),
    sst: sst.value.values,
    cluster: cluster.value,
    encryption: encryption.value.config,
    files: input.files ?? [],
  };
  const report = describeConfig(config, server.value, provider.value, sst.value);
  return ok({
    config,
    warnings: [...(input.warnings ?? []), ...report.warnings],
    notes: [...report.notes, ...encryption.value.notes],
  });
}

const KEY_PLUGIN = 'file_key_management';
const SYSTEM_KEY_ID = 1;

function loadsKeyPlugin(list: string | null): boolean {
  if (list === null) return false;
  return list
    .split(/[;,]/)
    .some((item) => item.split('=')[0]!.trim().replace(/\.so$/, '') === KEY_PLUGIN);
}

// MariaDB's switches mapped to what trireme stores (docs/design/encryption.md, "Settings").
function deriveEncryption(
  server: Applied<typeof SERVER_OPTIONS>,
  provider: Applied<typeof PROVIDER_OPTIONS>,
): Result<{ config: EncryptionConfig; notes: string[] }, ConfigError> {
  const values = server.values;
  const notes: string[] = [];
  const plugin = loadsKeyPlugin(values.pluginLoadAdd) || loadsKeyPlugin(values.pluginLoad);
  const filename = values.fileKeyManagementFilename;
  if (plugin && filename === null) {
    const origin = server.origins.get('pluginLoadAdd') ?? server.origins.get('pluginLoad');
    const message = 'file_key_management needs file_key_management_filename (`trireme key create`)';
    const key = origin?.keyAsWritten ?? 'plugin_load_add';
    return err(configError('bad_value', origin ?? { file: COMMAND_LINE, line: 0 }, key, message));
  }
  if (!plugin && filename !== null)
    notes.push(
      `file_key_management_filename is set: keys are read from ${filename} (plugin_load_add = file_key_management is implied)`,
    );
  const keyed = filename !== null;
  const tables = values.innodbEncryptTables;
  const dataFiles = tables === null ? keyed : tables !== 'OFF';
  const gcache = values.encryptBinlog ?? provider.values.gcacheEncrypt ?? keyed;
  if (!keyed && (dataFiles || gcache)) {
    const field = tables !== null && tables !== 'OFF' ? 'innodbEncryptTables' : 'encryptBinlog';
    const origin = server.origins.get(field);
    const message =
      'encryption needs a key file: set plugin_load_add = file_key_management and file_key_management_filename';
    return err(
      configError(
        'bad_value',
        origin ?? { file: COMMAND_LINE, line: 0 },
        origin?.keyAsWritten ?? null,
        message,
      ),
    );
  }
  if (values.innodbEncryptLog !== null && values.innodbEncryptLog !== dataFiles)
    notes.push(
      `innodb_encrypt_log has no effect of its own: the SQLite WAL is ${dataFiles ? 'encrypted' : 'not encrypted'} with the database (innodb_encrypt_tables)`,
    );
  return ok({
    config: {
      keyFile: keyed ? { filename, filekey: values.fileKeyManagementFilekey } : null,
      dataFiles,
      dataKeyId: values.innodbDefaultEncryptionKeyId,
      gcache,
      gcacheKeyId: SYSTEM_KEY_ID,
    },
    notes,
  });
}

// Provider options come from the winning wsrep_provider_options line, then from the `?key=value`
// part of wsrep_cluster_address, which Galera applies on top.
function resolveProvider(
  server: Applied<typeof SERVER_OPTIONS>,
): Result<Applied<typeof PROVIDER_OPTIONS>, ConfigError> {
  const settings: Setting[] = [];
  const optionsOrigin = server.origins.get('wsrepProviderOptions');
  if (optionsOrigin !== undefined) {
    const pairs = parseProviderOptions(server.values.wsrepProviderOptions);
    if (!pairs.ok) {
      return err(
        configError(
          'bad_value',
          optionsOrigin,
          pairs.error.key ?? optionsOrigin.keyAsWritten,
          pairs.error.message,
        ),
      );
    }
    settings.push(...pairs.value.map((pair) => pairSetting(pair, optionsOrigin)));
  }
  const addressOrigin = server.origins.get('wsrepClusterAddress');
  const addressOptions = server.values.wsrepClusterAddress?.options ?? [];
  if (addressOrigin !== undefined)
    settings.push(...addressOptions.map((pair) => pairSetting(pair, addressOrigin)));
  return applySettings(PROVIDER_OPTIONS, settings, { booleanPrefixes: false });
}

function pairSetting(pair: OptionPair, origin: Setting): Setting {
  return {
    key: pair.key,
    keyAsWritten: pair.key,
    value: pair.value,
    loose: false,
    file: origin.file,
    line: origin.line,
  };
}

function deriveCluster(
  server: ServerOptions,
  providerApplied: Applied<typeof PROVIDER_OPTIONS>,
  sst: SstOptions,
): Result<ClusterSettings, ConfigError> {
  const provider = providerApplied.values;
  const node = server.wsrepNodeAddress;
  // MariaDB passes the port of wsrep_node_address to Galera as base_port, unless it is set.
  const basePortOrigin = providerApplied.origins.get('basePort');
  const basePort =
    basePortOrigin !== undefined ? provider.basePort : (node?.port ?? provider.basePort);
  const istPort = provider.istRecvAddr?.port ?? basePort + IST_PORT_OFFSET;
  if (istPort > PORT_MAX) {
    const where = basePortOrigin ?? { file: COMMAND_LINE, line: 0 };
    const message = `base port ${basePort} leaves no port for IST (base port + 1): set ist.recv_addr`;
    return err(configError('bad_value', where, 'base_port', message));
  }
  const nodeHost = node?.host ?? provider.baseHost ?? ANY_HOST;
  return ok({
    bootstrap: server.wsrepNewCluster || (server.wsrepClusterAddress?.bootstrap ?? false),
    peers: server.wsrepClusterAddress?.peers ?? [],
    basePort,
    listenAddress: listenAddress(provider.gmcastListenAddr, basePort),
    istReceiveAddress: { host: provider.istRecvAddr?.host ?? nodeHost, port: port(istPort) },
    sstReceiveAddress: sstReceiveAddress(server.wsrepSstReceiveAddress, nodeHost),
    gcacheDir: provider.gcacheDir ?? provider.baseDir ?? server.datadir,
    replicationTls: {
      ca: provider.socketSslCa ?? provider.socketSslCert,
      cert: provider.socketSslCert,
      key: provider.socketSslKey,
    },
    sstTls: sstTls(sst, provider),
  });
}

function listenAddress(
  address: ListenAddress | null,
  basePort: Port,
): ClusterSettings['listenAddress'] {
  return {
    scheme: address?.scheme ?? 'tcp',
    host: address?.host ?? ANY_HOST,
    port: address?.port ?? basePort,
  };
}

function sstReceiveAddress(address: Endpoint | null, nodeHost: string): BoundAddress {
  return { host: address?.host ?? nodeHost, port: address?.port ?? SST_PORT_DEFAULT };
}

// encrypt=4 names the PXC-style ssl-* keys, 2 and 3 the socat-style t* keys; either set works,
// and without [sst] files the replication identity is used, so SST is never plaintext.
function sstTls(sst: SstOptions, provider: ProviderOptions): TlsFiles {
  const preferSsl = sst.encrypt === 4 || sst.tcert === null;
  const ca = preferSsl ? (sst.sslCa ?? sst.tca) : (sst.tca ?? sst.sslCa);
  const cert = preferSsl ? (sst.sslCert ?? sst.tcert) : (sst.tcert ?? sst.sslCert);
  const key = preferSsl ? (sst.sslKey ?? sst.tkey) : (sst.tkey ?? sst.sslKey);
  return {
    ca: ca ?? provider.socketSslCa ?? provider.socketSslCert,
    cert: cert ?? provider.socketSslCert,
    key: key ?? provider.socketSslKey,
  };
}

interface Report {
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

function describeConfig(
  config: ServerConfig,
  server: Applied<typeof SERVER_OPTIONS>,
  provider: Applied<typeof PROVIDER_OPTIONS>,
  sst: Applied<typeof SST_OPTIONS>,
): Report {
  const warnings: string[] = [];
  const notes = [...server.notes, ...provider.notes];
  const sstUnknown = sst.unknown.map((setting) => ({
    ...setting,
    key: `${SST_GROUP}.${setting.key}`,
    keyAsWritten: `[${SST_GROUP}] ${setting.keyAsWritten}`,
  }));
  const unknown = [...server.unknown, ...sstUnknown];
  const strict = names(unknown.filter((setting) => !setting.loose));
  const loose = names(unknown.filter((setting) => setting.loose));
  if (strict.length > 0) warnings.push(`unknown options, ignored: ${strict.join(', ')}`);
  if (loose.length > 0) {
    notes.push(`loose- options not known to trireme, ignored: ${loose.join(', ')}`);
  }
  const providerUnknown = names(provider.unknown);
  if (providerUnknown.length > 0) {
    warnings.push(
      `unknown wsrep_provider_options, kept but not used: ${providerUnknown.join(', ')}`,
    );
  }
  warnings.push(...clusterWarnings(config));
  notes.push(...clusterNotes(config, sst));
  return { warnings, notes };
}

function clusterWarnings(config: ServerConfig): string[] {
  const warnings: string[] = [];
  if (config.server.wsrepOn && config.server.wsrepClusterAddress === null) {
    warnings.push(
      'wsrep_on=ON but wsrep_cluster_address is not set: this node will not join a cluster',
    );
  }
  if (!config.provider.socketSsl) {
    warnings.push(
      'socket.ssl=no: replication traffic between nodes is NOT encrypted or authenticated',
    );
  }
  if (config.server.wsrepOn && config.provider.pcBootstrap) {
    warnings.push(
      'pc.bootstrap=yes forces a new primary component from this node and may lose committed writes',
    );
  }
  return warnings;
}

function clusterNotes(config: ServerConfig, sst: Applied<typeof SST_OPTIONS>): string[] {
  const notes: string[] = [];
  if (config.server.wsrepNewCluster)
    notes.push('--wsrep-new-cluster: this node bootstraps a new cluster');
  else if (config.cluster.bootstrap)
    notes.push('wsrep_cluster_address=gcomm:// has no peers: this node bootstraps a new cluster');
  if (sst.origins.has('encrypt') && config.sst.encrypt === 0) {
    notes.push('[sst] encrypt=0 has no effect: state transfers always run over mutual TLS');
  }
  return notes;
}

// Names as written, each once, in first-seen order.
function names(settings: readonly Setting[]): string[] {
  const seen = new Map<string, string>();
  for (const setting of settings)
    if (!seen.has(setting.key)) seen.set(setting.key, setting.keyAsWritten);
  return [...seen.values()];
}
