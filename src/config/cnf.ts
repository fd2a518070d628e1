// my.cnf text to a list of items, following MySQL's option-file rules (mysys/my_default.c):
// `[group]` headers, `key`, `key = value`, `#`/`;` line comments, `#` end comments outside
// quotes, one pair of matching quotes stripped, backslash escapes, `!include`/`!includedir`.
// This file does no I/O; includes.ts expands the directives. See docs/design/config.md.
import { CNF_LINE_CHARS_MAX } from './limits.js';
import { err, ok, type Result } from './result.js';
import { configError, type ConfigError } from './types.js';

/** One `key[=value]` line. */
export interface CnfEntry {
  readonly kind: 'option';
  /** The group name, lower case (`mysqld`, `galera`, `sst`, `mariadb-10.11`). */
  readonly section: string;
  /** Normalized name: lower case, `-` as `_`, without a `loose_` prefix. */
  readonly key: string;
  /** The name as written, for messages. */
  readonly keyAsWritten: string;
  /** Written with MySQL's `loose-` prefix: an unknown option is then not worth a warning. */
  readonly loose: boolean;
  /** The value after unquoting and unescaping; null for a bare key (`skip-name-resolve`). */
  readonly value: string | null;
  readonly file: string;
  readonly line: number;
}

/** One `!include FILE` or `!includedir DIR` line; the path is as written. */
export interface CnfDirective {
  readonly kind: 'include' | 'includedir';
  readonly path: string;
  readonly file: string;
  readonly line: number;
}

export type CnfItem = CnfEntry | CnfDirective;

/** The items of one file, in file order. */
export interface CnfText {
  readonly items: readonly CnfItem[];
  /** Every group header seen, lower case, in order of first appearance. */
  readonly sections: readonly string[];
}

/** MySQL treats `-` and `_` in option names alike; we compare names in this form. */
export function normalizeKey(name: string): { readonly key: string; readonly loose: boolean } {
  const key = name.trim().toLowerCase().replaceAll('-', '_');
  if (key.startsWith('loose_') && key.length > 'loose_'.length) {
    return { key: key.slice('loose_'.length), loose: true };
  }
  return { key, loose: false };
}

interface LineContext {
  readonly file: string;
  readonly line: number;
  readonly section: string | null;
}

type LineResult =
  | { readonly kind: 'skip' }
  | { readonly kind: 'section'; readonly name: string }
  | { readonly kind: 'item'; readonly item: CnfItem };

/** Parses one option file's text. `fileName` only labels entries and errors. */
export function parseCnfText(text: string, fileName: string): Result<CnfText, ConfigError> {
  const items: CnfItem[] = [];
  const sections: string[] = [];
  let section: string | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const context = { file: fileName, line: index + 1, section };
    if (raw.length > CNF_LINE_CHARS_MAX) {
      return err(
        configError('syntax', context, null, `line longer than ${CNF_LINE_CHARS_MAX} characters`),
      );
    }
    const parsed = parseLine(raw, context);
    if (!parsed.ok) return parsed;
    const result = parsed.value;
    if (result.kind === 'section') {
      section = result.name;
      if (!sections.includes(section)) sections.push(section);
    } else if (result.kind === 'item') {
      items.push(result.item);
    }
  }
  return ok({ items, sections });
}

function parseLine(raw: string, context: LineContext): Result<LineResult, ConfigError> {
  const line = raw.trim();
  if (line === '' || line.startsWith('#') || line.startsWith(';')) return ok({ kind: 'skip' });
  if (line.startsWith('!')) return parseDirective(line, context);
  if (line.startsWith('[')) return parseSectionHeader(line, context);
  if (context.section === null) {
    return err(
      configError('syntax', context, null, `option '${line}' before any [section] header`),
    );
  }
  return parseOption(line, context, context.section);
}

function parseSectionHeader(line: string, context: LineContext): Result<LineResult, ConfigError> {
  const close = line.indexOf(']');
  if (close < 0)
    return err(configError('syntax', context, null, `section header '${line}' has no ']'`));
  const name = line.slice(1, close).trim().toLowerCase();
  if (name === '') return err(configError('syntax', context, null, 'empty section name'));
  const after = removeEndComment(line.slice(close + 1)).text.trim();
  if (after !== '' && !after.startsWith(';')) {
    return err(configError('syntax', context, null, `unexpected '${after}' after section header`));
  }
  return ok({ kind: 'section', name });
}

// MySQL takes the rest of the line, trailing spaces removed, as the path: no quotes, no comment.
function parseDirective(line: string, context: LineContext): Result<LineResult, ConfigError> {
  const match = /^!(includedir|include)\s+(.+)$/.exec(line);
  const kind = match?.[1];
  const path = match?.[2]?.trim();
  if ((kind !== 'include' && kind !== 'includedir') || path === undefined) {
    return err(
      configError(
        'syntax',
        context,
        null,
        `unknown directive '${line}': expected !include FILE or !includedir DIR`,
      ),
    );
  }
  return ok({ kind: 'item', item: { kind, path, file: context.file, line: context.line } });
}

function parseOption(
  line: string,
  context: LineContext,
  section: string,
): Result<LineResult, ConfigError> {
  const stripped = removeEndComment(line);
  const text = stripped.text.trim();
  const equals = text.indexOf('=');
  const name = (equals < 0 ? text : text.slice(0, equals)).trim();
  if (name === '' || /\s/.test(name)) {
    return err(
      configError(
        'syntax',
        context,
        null,
        `'${line}' is not an option: expected key or key = value`,
      ),
    );
  }
  const { key, loose } = normalizeKey(name);
  let value: string | null = null;
  if (equals >= 0) {
    const rawValue = text.slice(equals + 1).trim();
    if (stripped.openQuote && (rawValue.startsWith('"') || rawValue.startsWith("'"))) {
      return err(
        configError('syntax', context, name, 'the value opens a quote that is never closed'),
      );
    }
    value = unescapeValue(unquote(rawValue));
  }
  const entry: CnfEntry = {
    kind: 'option',
    section,
    key,
    keyAsWritten: name,
    loose,
    value,
    file: context.file,
    line: context.line,
  };
  return ok({ kind: 'item', item: entry });
}

/** Cuts a `#` comment that is outside quotes; reports whether a quote was left open. */
function removeEndComment(text: string): { readonly text: string; readonly openQuote: boolean } {
  let quote: string | null = null;
  let escaped = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if ((char === '"' || char === "'") && !escaped) {
      if (quote === null) quote = char;
      else if (quote === char) quote = null;
    }
    if (quote === null && char === '#') return { text: text.slice(0, index), openQuote: false };
    // As in MySQL, a backslash escapes the next character only inside quotes.
    escaped = quote !== null && char === '\\' && !escaped;
  }
  return { text, openQuote: quote !== null };
}

/** Strips one pair of matching quotes around the whole value, as MySQL does. */
function unquote(value: string): string {
  const first = value.charAt(0);
  const quoted = (first === '"' || first === "'") && value.length > 1 && value.endsWith(first);
  return quoted ? value.slice(1, -1) : value;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  s: ' ',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

// MySQL applies these escapes to every value, quoted or not; an unknown escape keeps its
// backslash, so Windows-style paths such as C:\data survive.
function unescapeValue(value: string): string {
  let result = '';
  for (let index = 0; index < value.length; index++) {
    const char = value.charAt(index);
    const next = value.charAt(index + 1);
    if (char !== '\\' || index === value.length - 1) {
      result += char;
      continue;
    }
    result += ESCAPES[next] ?? `\\${next}`;
    index++;
  }
  return result;
}

/**
 * Every occurrence of `key` (any spelling: dashes, case, `loose-`) in `sections`, in file order.
 * Scalars take the last one; options that accumulate (e.g. `plugin-load-add`) take them all.
 */
export function occurrences(
  entries: readonly CnfEntry[],
  sections: readonly string[],
  key: string,
): readonly CnfEntry[] {
  const wanted = normalizeKey(key).key;
  return entries.filter((entry) => entry.key === wanted && sections.includes(entry.section));
}
