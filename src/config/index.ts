// The config layer's public API: my.cnf and wsrep_provider_options to a typed ServerConfig.
// See docs/design/config.md.
export { parseServerArgs, type ServerArgs } from './args.js';
export {
  normalizeKey,
  occurrences,
  parseCnfText,
  type CnfDirective,
  type CnfEntry,
  type CnfItem,
  type CnfText,
} from './cnf.js';
export { readCnfFile, type CnfDocument } from './includes.js';
export {
  applySettings,
  option,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  type Setting,
} from './options.js';
export {
  PROVIDER_OPTIONS,
  describeProviderOptions,
  parseProviderOptions,
  type ProviderOptions,
  type ProviderOptionsError,
} from './provider-options.js';
export { err, ok, type Result } from './result.js';
export {
  loadServerConfig,
  resolveServerConfig,
  type ClusterSettings,
  type EncryptionConfig,
  type LoadedConfig,
  type LoadOptions,
  type ServerConfig,
  type TlsFiles,
} from './server-config.js';
export {
  SERVER_GROUPS,
  SERVER_OPTIONS,
  SST_METHODS,
  SST_OPTIONS,
  type ServerOptions,
  type SstMethod,
  type SstOptions,
} from './server-options.js';
export {
  COMMAND_LINE,
  formatConfigError,
  type Bytes,
  type ConfigError,
  type ConfigErrorKind,
  type Milliseconds,
  type Port,
} from './types.js';
export {
  GCOMM_PORT_DEFAULT,
  parseClusterAddress,
  parseDonorList,
  parseDurationMs,
  parseEndpoint,
  parseGaleraBool,
  parseIntegerInRange,
  parseListenAddress,
  parsePort,
  parseSizeBytes,
  type ClusterAddress,
  type DonorList,
  type Endpoint,
  type ListenAddress,
  type OptionPair,
  type Parsed,
} from './values.js';
