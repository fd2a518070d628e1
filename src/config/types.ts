// Branded quantities and the error value every config function returns on bad input.

/** A size in bytes. */
export type Bytes = number & { readonly __brand: 'Bytes' };
/** A duration in milliseconds. */
export type Milliseconds = number & { readonly __brand: 'Milliseconds' };
/** A TCP port number (0 means: let the system choose, where a listener allows it). */
export type Port = number & { readonly __brand: 'Port' };

export const bytes = (value: number): Bytes => value as Bytes;
export const milliseconds = (value: number): Milliseconds => value as Milliseconds;
export const port = (value: number): Port => value as Port;

/** The file name used in errors for settings that came from the command line. */
export const COMMAND_LINE = '(command line)';

export type ConfigErrorKind =
  | 'syntax' // a line that is not a section, option, comment or directive
  | 'io' // a file or directory that cannot be read
  | 'include' // an include cycle, a too deep include chain, too many files
  | 'bad_value' // a known option with a malformed or out-of-range value
  | 'refused' // a value understood but deliberately not supported (e.g. xtrabackup)
  | 'unknown_option'; // an unknown option on the command line (files only warn)

/** Where and why configuration was rejected. `line` is 1-based; 0 when no line applies. */
export interface ConfigError {
  readonly kind: ConfigErrorKind;
  readonly file: string;
  readonly line: number;
  /** The option as written (e.g. `max-connections`, `gcache.size`); null for syntax errors. */
  readonly key: string | null;
  readonly message: string;
}

export function configError(
  kind: ConfigErrorKind,
  where: { readonly file: string; readonly line: number },
  key: string | null,
  message: string,
): ConfigError {
  return { kind, file: where.file, line: where.line, key, message };
}

/** `file:line: key: message`, the shape compilers use, so editors can jump to it. */
export function formatConfigError(error: ConfigError): string {
  const place = error.line > 0 ? `${error.file}:${error.line}` : error.file;
  const key = error.key === null ? '' : `${error.key}: `;
  return `${place}: ${key}${error.message}`;
}
