// mysqld-style command-line options: `--key=value`, `--key value`, `--flag`, `--skip-flag`,
// `--loose-key=value`, plus `--defaults-file`, `--defaults-extra-file`, `--no-defaults` and
// `--wsrep-new-cluster`. They override the option files; unknown keys are checked on resolution.
import { normalizeKey } from './cnf.js';
import { SERVER_ARGS_MAX } from './limits.js';
import type { Setting } from './options.js';
import { err, ok, type Result } from './result.js';
import { SERVER_OPTIONS } from './server-options.js';
import { COMMAND_LINE, configError, type ConfigError } from './types.js';

export interface ServerArgs {
  readonly defaultsFile: string | null;
  readonly defaultsExtraFile: string | null;
  /** `--no-defaults`: read no option file at all. */
  readonly noDefaults: boolean;
  /** Settings in argument order; `file` is COMMAND_LINE and `line` the argument's position. */
  readonly settings: readonly Setting[];
}

const FILE_ARGS = new Set(['defaults_file', 'defaults_extra_file']);

/** Parses `argv` (without the program name). */
export function parseServerArgs(argv: readonly string[]): Result<ServerArgs, ConfigError> {
  if (argv.length > SERVER_ARGS_MAX) {
    return err(
      configError(
        'syntax',
        { file: COMMAND_LINE, line: 0 },
        null,
        `more than ${SERVER_ARGS_MAX} arguments`,
      ),
    );
  }
  const files = new Map<string, string>();
  const settings: Setting[] = [];
  let noDefaults = false;
  for (let index = 0; index < argv.length; index++) {
    const where = { file: COMMAND_LINE, line: index + 1 };
    const arg = argv[index] ?? '';
    if (!arg.startsWith('--') || arg === '--') {
      return err(
        configError('syntax', where, null, `unexpected argument '${arg}': expected --key=value`),
      );
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const { key, loose } = normalizeKey(name);
    let value = equals < 0 ? null : arg.slice(equals + 1);
    if (value === null && takesValue(key)) {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) {
        return err(
          configError('bad_value', where, `--${name}`, 'needs a value: write --key=value'),
        );
      }
      value = next;
      index++;
    }
    if (key === 'no_defaults') noDefaults = true;
    else if (FILE_ARGS.has(key) && value !== null) files.set(key, value);
    else
      settings.push({
        key,
        keyAsWritten: `--${name}`,
        value,
        loose,
        file: COMMAND_LINE,
        line: where.line,
      });
  }
  return ok({
    defaultsFile: files.get('defaults_file') ?? null,
    defaultsExtraFile: files.get('defaults_extra_file') ?? null,
    noDefaults,
    settings,
  });
}

// Whether `--key value` (two arguments) is meant: only for known options that are not booleans,
// as in mysqld, so `--wsrep-new-cluster --port=3307` still reads as a flag then an option.
function takesValue(key: string): boolean {
  if (FILE_ARGS.has(key)) return true;
  return Object.values(SERVER_OPTIONS).some(
    (spec) => spec.kind !== 'boolean' && (spec.name === key || (spec.aliases ?? []).includes(key)),
  );
}
