// wsrep_provider_options: Galera's `key = value; key = value` list, and the provider options
// trireme understands, one row each with Galera's defaults. Unknown keys are kept, not refused.
import { PROVIDER_OPTIONS_MAX } from './limits.js';
import { option, type OptionValues } from './options.js';
import { err, ok, type Result } from './result.js';
import { bytes, milliseconds, port } from './types.js';
import {
  parseGaleraBool,
  parseListenAddress,
  type ListenAddress,
  type OptionPair,
} from './values.js';

const MIB = 1024 * 1024;
const INT32_MAX = 2147483647;

export const PROVIDER_OPTIONS = {
  baseHost: option.string('base_host', null),
  basePort: option.port('base_port', port(4567), false),
  baseDir: option.string('base_dir', null),
  gcacheSizeBytes: option.size('gcache.size', bytes(128 * MIB), 0, Number.MAX_SAFE_INTEGER),
  gcacheDir: option.string('gcache.dir', null),
  gcacheName: option.string('gcache.name', 'galera.cache'),
  gcachePageSizeBytes: option.size(
    'gcache.page_size',
    bytes(128 * MIB),
    0,
    Number.MAX_SAFE_INTEGER,
  ),
  gcacheRecover: option.boolean('gcache.recover', false),
  /** Galera 26.4.14's GCache encryption switch; null follows the key file (encryption.md). */
  gcacheEncrypt: {
    ...option.custom<boolean | null>('gcache.encrypt', 'boolean', null, parseGaleraBool),
    bareValue: true,
  },
  // Galera leaves socket.ssl unset (TLS only if a key is given); trireme encrypts by default and
  // plaintext needs socket.ssl=no. See DESIGN.md, TLS.
  socketSsl: option.boolean('socket.ssl', true),
  socketSslKey: option.string('socket.ssl_key', null),
  socketSslCert: option.string('socket.ssl_cert', null),
  socketSslCa: option.string('socket.ssl_ca', null),
  socketSslCipher: option.string('socket.ssl_cipher', ''),
  socketSslReload: option.boolean('socket.ssl_reload', false),
  evsSuspectTimeoutMs: option.duration('evs.suspect_timeout', milliseconds(5000)),
  evsInactiveTimeoutMs: option.duration('evs.inactive_timeout', milliseconds(15000)),
  evsInactiveCheckPeriodMs: option.duration('evs.inactive_check_period', milliseconds(500)),
  evsKeepalivePeriodMs: option.duration('evs.keepalive_period', milliseconds(1000)),
  evsInstallTimeoutMs: option.duration('evs.install_timeout', milliseconds(7500)),
  evsJoinRetransPeriodMs: option.duration('evs.join_retrans_period', milliseconds(1000)),
  gcsFcLimit: option.integer('gcs.fc_limit', 16, 1, INT32_MAX),
  gcsFcFactor: option.decimal('gcs.fc_factor', 1.0, 0, 1),
  gmcastListenAddr: option.custom('gmcast.listen_addr', 'address', null, (text) =>
    parseListenAddress(text, false),
  ),
  gmcastSegment: option.integer('gmcast.segment', 0, 0, 255),
  gmcastPeerTimeoutMs: option.duration('gmcast.peer_timeout', milliseconds(3000)),
  istRecvAddr: option.custom('ist.recv_addr', 'address', null, (text) =>
    parseListenAddress(text, true),
  ),
  pcBootstrap: option.boolean('pc.bootstrap', false),
  pcWeight: option.integer('pc.weight', 1, 0, 255),
  pcIgnoreSb: option.boolean('pc.ignore_sb', false),
  pcIgnoreQuorum: option.boolean('pc.ignore_quorum', false),
  pcRecovery: option.boolean('pc.recovery', true),
  pcWaitPrim: option.boolean('pc.wait_prim', true),
  pcWaitPrimTimeoutMs: option.duration('pc.wait_prim_timeout', milliseconds(30000)),
  replCausalReadTimeoutMs: option.duration('repl.causal_read_timeout', milliseconds(30000)),
  replMaxWsSizeBytes: option.size('repl.max_ws_size', bytes(INT32_MAX), 1024, INT32_MAX),
  certLogConflicts: option.boolean('cert.log_conflicts', false),
};

export type ProviderOptions = OptionValues<typeof PROVIDER_OPTIONS>;

/** Where in a provider option list parsing failed. */
export interface ProviderOptionsError {
  readonly key: string | null;
  readonly message: string;
}

/**
 * Splits `key = value; key = value` into pairs, in order. Spaces around keys and values are
 * dropped, empty items (a trailing `;`) skipped, and as in Galera a backslash makes the next
 * character literal, so `\;` puts a semicolon into a value.
 */
export function parseProviderOptions(
  text: string,
): Result<readonly OptionPair[], ProviderOptionsError> {
  const items = splitUnescaped(text);
  if (items.length > PROVIDER_OPTIONS_MAX) {
    return err({ key: null, message: `more than ${PROVIDER_OPTIONS_MAX} provider options` });
  }
  const pairs: OptionPair[] = [];
  for (const item of items) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    const key = (equals < 0 ? item : item.slice(0, equals)).trim();
    if (equals < 0 || key === '') {
      return err({ key: key === '' ? null : key, message: `'${item.trim()}' is not key = value` });
    }
    pairs.push({ key, value: item.slice(equals + 1).trim() });
  }
  return ok(pairs);
}

function splitUnescaped(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (char === '\\' && index + 1 < text.length) {
      current += text.charAt(++index);
    } else if (char === ';') {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items;
}

/**
 * SHOW VARIABLES LIKE 'wsrep_provider_options' as Galera shows it: every option with its
 * effective value, `key = value; key = value`, sorted by key. `effective` holds values that
 * derive from other settings (addresses, directories); keys the table does not know are shown
 * as written in `written`.
 */
export function describeProviderOptions(
  values: ProviderOptions,
  written: string,
  effective: ReadonlyMap<string, string>,
): string {
  const shown = new Map<string, string>();
  for (const key of Object.keys(PROVIDER_OPTIONS) as (keyof typeof PROVIDER_OPTIONS)[]) {
    const spec = PROVIDER_OPTIONS[key];
    shown.set(spec.name, effective.get(spec.name) ?? formatOption(spec.kind, values[key]));
  }
  for (const [name, value] of effective) shown.set(name, value);
  const parsed = parseProviderOptions(written);
  if (parsed.ok) {
    for (const { key, value } of parsed.value) {
      if (!shown.has(key.toLowerCase())) shown.set(key, value);
    }
  }
  return [...shown.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key} = ${value}`)
    .join('; ');
}

function formatOption(kind: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'boolean':
      return value === true ? 'yes' : 'no';
    case 'size':
      return formatSize(value as number);
    case 'duration':
      return `PT${(value as number) / 1000}S`;
    case 'address': {
      const address = value as ListenAddress;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      return `${address.scheme}://${host}${address.port === null ? '' : `:${address.port}`}`;
    }
    default:
      return String(value as string | number);
  }
}

/** 128M, 1G, 1500: the largest unit that divides the value, as Galera writes sizes. */
function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['T', 1024 ** 4],
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
