// Reads an option file and expands its `!include FILE` and `!includedir DIR` lines in place:
// relative paths are relative to the including file, a directory contributes its `*.cnf` files
// in name order, a file that includes itself (directly or not) is an error naming the chain.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { assert } from '../core/assert.js';
import { parseCnfText, type CnfDirective, type CnfEntry } from './cnf.js';
import { CNF_FILE_BYTES_MAX, CNF_FILES_MAX, INCLUDE_DEPTH_MAX } from './limits.js';
import { err, ok, type Result } from './result.js';
import { configError, type ConfigError } from './types.js';

/** Every entry of a file and its includes, in the order MySQL would read them. */
export interface CnfDocument {
  readonly entries: readonly CnfEntry[];
  /** Every group header seen, lower case. */
  readonly sections: readonly string[];
  /** Files read, in order (absolute paths). */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
}

interface ReadState {
  readonly entries: CnfEntry[];
  readonly sections: Set<string>;
  readonly files: string[];
  readonly warnings: string[];
  /** Real paths of the files being read, outermost first: the include chain. */
  readonly chain: string[];
}

interface Origin {
  readonly file: string;
  readonly line: number;
}

/** Reads `path` and everything it includes. */
export function readCnfFile(path: string): Result<CnfDocument, ConfigError> {
  const state: ReadState = { entries: [], sections: new Set(), files: [], warnings: [], chain: [] };
  const read = readInto(state, resolve(path), { file: path, line: 0 });
  if (!read.ok) return read;
  return ok({
    entries: state.entries,
    sections: [...state.sections],
    files: state.files,
    warnings: state.warnings,
  });
}

function readInto(state: ReadState, path: string, origin: Origin): Result<void, ConfigError> {
  const text = readText(path, origin);
  if (!text.ok) return text;
  const real = text.value.real;
  if (state.chain.includes(real)) {
    const cycle = [...state.chain.slice(state.chain.indexOf(real)), real].join(' -> ');
    return err(configError('include', origin, null, `include cycle: ${cycle}`));
  }
  if (state.chain.length >= INCLUDE_DEPTH_MAX) {
    return err(
      configError('include', origin, null, `includes nested deeper than ${INCLUDE_DEPTH_MAX}`),
    );
  }
  if (state.files.length >= CNF_FILES_MAX) {
    return err(configError('include', origin, null, `more than ${CNF_FILES_MAX} option files`));
  }
  const parsed = parseCnfText(text.value.content, path);
  if (!parsed.ok) return parsed;
  state.files.push(path);
  parsed.value.sections.forEach((section) => state.sections.add(section));
  state.chain.push(real);
  for (const item of parsed.value.items) {
    if (item.kind === 'option') {
      state.entries.push(item);
      continue;
    }
    const done = followDirective(state, item);
    if (!done.ok) return done;
  }
  const popped = state.chain.pop();
  assert(popped === real, 'the include chain unwinds in the order it was built');
  return ok(undefined);
}

function followDirective(state: ReadState, directive: CnfDirective): Result<void, ConfigError> {
  const target = resolve(dirname(directive.file), directive.path);
  if (directive.kind === 'include') return readInto(state, target, directive);
  const names = listCnfFiles(target, directive);
  if (!names.ok) return names;
  if (names.value === null) {
    state.warnings.push(
      `${directive.file}:${directive.line}: !includedir ${directive.path}: no such directory`,
    );
    return ok(undefined);
  }
  for (const name of names.value) {
    const read = readInto(state, join(target, name), directive);
    if (!read.ok) return read;
  }
  return ok(undefined);
}

// A missing directory is only a warning: packages create conf.d directories lazily, while a
// missing !include file is almost always a typo.
function listCnfFiles(dir: string, origin: Origin): Result<readonly string[] | null, ConfigError> {
  try {
    if (!statSync(dir).isDirectory()) {
      return err(configError('io', origin, null, `!includedir ${dir}: not a directory`));
    }
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.name.endsWith('.cnf') && !entry.isDirectory())
      .map((entry) => entry.name);
    // Code-unit order, like strcmp: the order MariaDB reads conf.d files in.
    return ok(names.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0)));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return ok(null);
    return err(configError('io', origin, null, `!includedir ${dir}: ${describe(error)}`));
  }
}

function readText(
  path: string,
  origin: Origin,
): Result<{ readonly content: string; readonly real: string }, ConfigError> {
  try {
    const size = statSync(path).size;
    if (size > CNF_FILE_BYTES_MAX) {
      return err(
        configError('io', origin, null, `${path} is larger than ${CNF_FILE_BYTES_MAX} bytes`),
      );
    }
    return ok({ content: readFileSync(path, 'utf8'), real: realpathSync(path) });
  } catch (error) {
    return err(configError('io', origin, null, `cannot read ${path}: ${describe(error)}`));
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
