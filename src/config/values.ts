// Parsers for the value syntaxes of my.cnf and wsrep_provider_options: sizes, Galera booleans,
// ISO-8601 periods, integers in a range, host:port endpoints and gcomm:// cluster addresses.
// Each returns the value or a message naming what was expected; the caller adds file and line.
import { isIP } from 'node:net';
import { CLUSTER_PEERS_MAX, NUMBER_DIGITS_MAX } from './limits.js';
import { err, ok, type Result } from './result.js';
import { bytes, milliseconds, port, type Bytes, type Milliseconds, type Port } from './types.js';

export type Parsed<T> = Result<T, string>;

const SIZE_PATTERN = /^(\d+)([kmgtpe]?)$/i;
const SIZE_SHIFTS: Readonly<Record<string, bigint>> = {
  '': 0n,
  k: 10n,
  m: 20n,
  g: 30n,
  t: 40n,
  p: 50n,
  e: 60n,
};

/**
 * A size as MySQL's my_getopt and Galera read it: digits with an optional binary suffix,
 * case-insensitive (`1024`, `1024K`, `128M`, `1G`). Results above 2^53-1 are refused.
 */
export function parseSizeBytes(text: string): Parsed<Bytes> {
  const match = SIZE_PATTERN.exec(text.trim());
  const digits = match?.[1];
  const shift = SIZE_SHIFTS[(match?.[2] ?? '').toLowerCase()];
  if (digits === undefined || shift === undefined) {
    return err(
      `'${text}' is not a size: expected digits with an optional K, M, G, T, P or E suffix`,
    );
  }
  if (digits.length > NUMBER_DIGITS_MAX) return err(`'${text}' is too large`);
  const value = BigInt(digits) << shift;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return err(`'${text}' is too large`);
  return ok(bytes(Number(value)));
}

/** An integer in [min, max]; like my_getopt, size suffixes are accepted (`max_connections=1K`). */
export function parseIntegerInRange(text: string, min: number, max: number): Parsed<number> {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const unsigned = parseSizeBytes(negative || trimmed.startsWith('+') ? trimmed.slice(1) : trimmed);
  if (!unsigned.ok) return err(`'${text}' is not an integer`);
  const magnitude: number = unsigned.value;
  const value = negative && magnitude !== 0 ? -magnitude : magnitude;
  if (value < min || value > max) return err(`${trimmed} is out of range: expected ${min}..${max}`);
  return ok(value);
}

/** A decimal number in [min, max] (Galera's `gcs.fc_factor`, `gcs.recv_q_soft_limit`). */
export function parseDecimalInRange(text: string, min: number, max: number): Parsed<number> {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed) || trimmed.length > NUMBER_DIGITS_MAX) {
    return err(`'${text}' is not a decimal number`);
  }
  const value = Number(trimmed);
  if (value < min || value > max) return err(`${trimmed} is out of range: expected ${min}..${max}`);
  return ok(value);
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  yes: true,
  true: true,
  on: true,
  '1': true,
  no: false,
  false: false,
  off: false,
  '0': false,
};

/** Galera's and MariaDB's booleans: yes/no, true/false, on/off, 1/0, any case. */
export function parseGaleraBool(text: string): Parsed<boolean> {
  const value = BOOLEAN_WORDS[text.trim().toLowerCase()];
  if (value === undefined)
    return err(`'${text}' is not a boolean: expected ON/OFF, YES/NO, TRUE/FALSE or 1/0`);
  return ok(value);
}

// Galera's gu::datetime::Period (galerautils/src/gu_datetime.cpp, 26.4):
// P[nY][nM][nD][T][nH][nM][n[.n]S], anchored at both ends. The T is optional in Galera's grammar,
// so `P1M` is a month and `PT1M` a minute; a month is 30 days and a year 12 months. Failing that,
// Galera reads a real number of seconds (`5`, `0.5`, `.5`), with at most 9 decimals.
const PERIOD_PATTERN =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{0,9})?)S)?)?$/;
const SECONDS_PATTERN = /^(?=\.?\d)\d*(?:\.\d{0,9})?$/;
const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_MONTH = 30 * MS_PER_DAY;
const MS_PER_YEAR = 12 * MS_PER_MONTH;
const PERIOD_UNITS_MS = [MS_PER_YEAR, MS_PER_MONTH, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE];

/**
 * A Galera duration to milliseconds: an ISO-8601 period (`PT15S`, `PT1M30S`, `P1D`, `PT0.5S`)
 * or, as Galera 26.4 also accepts, a plain number of seconds (`5`, `0.5`). Unlike Galera, an
 * empty period (`P`, `PT`, ``) is refused: it is a typo more often than a wish for zero.
 * Fractions below a millisecond are rounded to the nearest millisecond.
 */
export function parseDurationMs(text: string): Parsed<Milliseconds> {
  const trimmed = text.trim();
  if (trimmed.length > 4 * NUMBER_DIGITS_MAX) return err(`'${text}' is too long for a duration`);
  if (SECONDS_PATTERN.test(trimmed)) return finiteMs(Number(trimmed) * MS_PER_SECOND, text);
  const match = PERIOD_PATTERN.exec(trimmed);
  if (match === null || match.slice(1).every((part) => part === undefined)) {
    return err(
      `'${text}' is not a duration: expected an ISO-8601 period such as PT15S, PT1M30S, P1D or a number of seconds`,
    );
  }
  let totalMs = 0;
  PERIOD_UNITS_MS.forEach((unitMs, index) => {
    totalMs += Number(match[index + 1] ?? '0') * unitMs;
  });
  totalMs += Number(match[6] ?? '0') * MS_PER_SECOND;
  return finiteMs(totalMs, text);
}

function finiteMs(value: number, text: string): Parsed<Milliseconds> {
  if (!Number.isSafeInteger(Math.round(value))) return err(`'${text}' is too long a duration`);
  return ok(milliseconds(Math.round(value)));
}

/** A TCP port: 1..65535, or 0 as well where the caller allows "any free port". */
export function parsePort(text: string, allowZero: boolean): Parsed<Port> {
  const trimmed = text.trim();
  const min = allowZero ? 0 : 1;
  if (!/^\d{1,5}$/.test(trimmed)) return err(`'${text}' is not a port number`);
  const value = Number(trimmed);
  if (value < min || value > 65535)
    return err(`port ${value} is out of range: expected ${min}..65535`);
  return ok(port(value));
}

/** A host and, when the text names one, a port. */
export interface Endpoint {
  readonly host: string;
  readonly port: Port | null;
}

const HOSTNAME_PATTERN = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/**
 * `host`, `host:port`, `[ipv6]` or `[ipv6]:port`. An IPv6 address must be in brackets, since a
 * bare one cannot be told apart from a port. The port is null when absent.
 */
export function parseEndpoint(text: string): Parsed<Endpoint> {
  const trimmed = text.trim();
  if (trimmed === '') return err('empty address: expected host or host:port');
  const split = splitHostPort(trimmed);
  if (!split.ok) return split;
  const { host, portText, bracketed } = split.value;
  if (bracketed && isIP(host) !== 6) return err(`'${host}' in brackets is not an IPv6 address`);
  if (!bracketed && !HOSTNAME_PATTERN.test(host))
    return err(`'${host}' is not a host name or IP address`);
  if (portText === null) return ok({ host, port: null });
  const parsedPort = parsePort(portText, false);
  if (!parsedPort.ok) return parsedPort;
  return ok({ host, port: parsedPort.value });
}

interface HostPortText {
  readonly host: string;
  readonly portText: string | null;
  readonly bracketed: boolean;
}

function splitHostPort(text: string): Parsed<HostPortText> {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return err(`'${text}' opens '[' but does not close it`);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':'))
      return err(`unexpected '${rest}' after ']' in '${text}'`);
    return ok({
      host: text.slice(1, close),
      portText: rest === '' ? null : rest.slice(1),
      bracketed: true,
    });
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) return err(`'${text}': write an IPv6 address in brackets, e.g. [${text}]:4567`);
  const colon = text.indexOf(':');
  if (colon < 0) return ok({ host: text, portText: null, bracketed: false });
  return ok({ host: text.slice(0, colon), portText: text.slice(colon + 1), bracketed: false });
}

/** One `key=value` of a provider option list or of a cluster address's `?` query. */
export interface OptionPair {
  readonly key: string;
  readonly value: string;
}

/** A parsed `wsrep_cluster_address`. No peers (`gcomm://`) means: bootstrap a new cluster. */
export interface ClusterAddress {
  readonly scheme: 'gcomm';
  readonly peers: readonly { readonly host: string; readonly port: Port }[];
  /** Galera options given after `?` (e.g. `gcomm://a,b?pc.wait_prim=no`). */
  readonly options: readonly OptionPair[];
  readonly bootstrap: boolean;
}

export const GCOMM_PORT_DEFAULT = port(4567);

/** `gcomm://h1,h2:port,[::1]:4567?key=value&…`; peers without a port get 4567. */
export function parseClusterAddress(text: string): Parsed<ClusterAddress> {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text.trim());
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2];
  if (scheme === undefined || rest === undefined) {
    return err(`'${text}' is not a cluster address: expected gcomm://host1,host2:port,…`);
  }
  if (scheme !== 'gcomm') return err(`scheme '${scheme}://' is not supported: use gcomm://`);
  const question = rest.indexOf('?');
  const hostsText = question < 0 ? rest : rest.slice(0, question);
  const options = parseQuery(question < 0 ? '' : rest.slice(question + 1));
  if (!options.ok) return options;
  const peers = parsePeers(hostsText);
  if (!peers.ok) return peers;
  return ok({
    scheme: 'gcomm',
    peers: peers.value,
    options: options.value,
    bootstrap: peers.value.length === 0,
  });
}

function parsePeers(text: string): Parsed<ClusterAddress['peers']> {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length > CLUSTER_PEERS_MAX) return err(`more than ${CLUSTER_PEERS_MAX} peers`);
  const peers: { host: string; port: Port }[] = [];
  for (const item of items) {
    const endpoint = parseEndpoint(item);
    if (!endpoint.ok) return endpoint;
    peers.push({ host: endpoint.value.host, port: endpoint.value.port ?? GCOMM_PORT_DEFAULT });
  }
  return ok(peers);
}

function parseQuery(text: string): Parsed<readonly OptionPair[]> {
  const pairs: OptionPair[] = [];
  for (const item of text.split('&')) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    if (equals <= 0) return err(`'${item}' in the address options is not key=value`);
    pairs.push({ key: item.slice(0, equals).trim(), value: item.slice(equals + 1).trim() });
  }
  return ok(pairs);
}

/** A listen address with a scheme, as `gmcast.listen_addr` and `ist.recv_addr` take it. */
export interface ListenAddress {
  readonly scheme: 'tcp' | 'ssl';
  readonly host: string;
  readonly port: Port | null;
}

/** `tcp://host:port`, `ssl://host:port` or, where `schemeOptional`, just `host[:port]` (tcp). */
export function parseListenAddress(text: string, schemeOptional: boolean): Parsed<ListenAddress> {
  const match = /^([A-Za-z]+):\/\/(.*)$/.exec(text.trim());
  const scheme = match?.[1]?.toLowerCase() ?? (schemeOptional ? 'tcp' : undefined);
  if (scheme === undefined)
    return err(`'${text}' has no scheme: expected tcp://host:port or ssl://host:port`);
  if (scheme !== 'tcp' && scheme !== 'ssl')
    return err(`scheme '${scheme}://' is not supported: use tcp:// or ssl://`);
  const endpoint = parseEndpoint(match?.[2] ?? text);
  if (!endpoint.ok) return endpoint;
  return ok({ scheme, host: endpoint.value.host, port: endpoint.value.port });
}

/** `wsrep_sst_donor`: preferred donors in order; a trailing comma allows any other node too. */
export interface DonorList {
  readonly names: readonly string[];
  readonly anyOtherAllowed: boolean;
}

export function parseDonorList(text: string): Parsed<DonorList> {
  const trimmed = text.trim();
  const names = trimmed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.some((name) => /\s/.test(name))) return err(`'${text}': donor names contain no spaces`);
  return ok({ names, anyOtherAllowed: names.length === 0 || trimmed.endsWith(',') });
}
