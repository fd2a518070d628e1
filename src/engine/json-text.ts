// JSON text as MariaDB writes it, and JSON_EXTRACT as it answers. MariaDB keeps a number's text
// as written (`5.50` stays `5.50`), prints a space after every `:` and `,`, and returns what a
// path finds as JSON text (`"x"` for a string). JSON.parse would lose the number's text, so
// documents are read by the small parser here, whose numbers keep their source.
import type { SqlValue } from '../codec/index.js';
import { report } from './expression-warnings.js';

type V = SqlValue;

/** A JSON number with the text it was written as. */
export class JsonNumber {
  constructor(readonly source: string) {}
}

export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

/** Nesting bound of the parser (MariaDB's JSON depth limit is 32; deeper is refused there). */
const JSON_DEPTH_MAX = 512;

/** Parses JSON text; the character position of the first error otherwise. */
export function parseJson(text: string): { ok: true; value: Json } | { ok: false; at: number } {
  let at = 0;
  const fail = (): never => {
    throw new JsonSyntax(at);
  };
  const blank = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const value = (depth: number): Json => {
    if (depth > JSON_DEPTH_MAX) fail();
    blank();
    const c = text[at];
    if (c === '{') {
      at++;
      const out: { [key: string]: Json } = {};
      blank();
      if (text[at] === '}') return (at++, out);
      for (;;) {
        blank();
        if (text[at] !== '"') fail();
        const key = string();
        blank();
        if (text[at++] !== ':') fail();
        // defineProperty: a key named __proto__ is a key, not the object's prototype.
        const member = value(depth + 1);
        Object.defineProperty(out, key, {
          value: member,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        blank();
        if (text[at] === ',') at++;
        else if (text[at++] === '}') return out;
        else fail();
      }
    }
    if (c === '[') {
      at++;
      const out: Json[] = [];
      blank();
      if (text[at] === ']') return (at++, out);
      for (;;) {
        out.push(value(depth + 1));
        blank();
        if (text[at] === ',') at++;
        else if (text[at++] === ']') return out;
        else fail();
      }
    }
    if (c === '"') return string();
    for (const [word, meaning] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const)
      if (text.startsWith(word, at)) return ((at += word.length), meaning);
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (m === null) fail();
    at += m![0].length;
    return new JsonNumber(m![0]);
  };
  const string = (): string => {
    STRING.lastIndex = at;
    const m = STRING.exec(text);
    if (m === null) fail();
    let out: string;
    try {
      out = JSON.parse(m![0]) as string; // refuses control characters and bad escapes
    } catch {
      fail();
    }
    at += m![0].length;
    return out!;
  };
  try {
    const out = value(0);
    blank();
    if (at < text.length) fail();
    return { ok: true, value: out };
  } catch (error) {
    if (error instanceof JsonSyntax) return { ok: false, at: error.at };
    throw error;
  }
}

class JsonSyntax extends Error {
  constructor(readonly at: number) {
    super('json syntax');
  }
}

/** JSON text as MariaDB writes it: `{"a": 1, "b": [1, 2]}`, numbers as written. */
export function jsonText(value: Json): string {
  if (value instanceof JsonNumber) return value.source;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${jsonText(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

/**
 * JSON text from SQLite's json_object/json_array (compact, numbers as SQLite printed them)
 * re-spaced as MariaDB prints it; text that is not JSON is returned as it came.
 */
export function formatJson(v: V): V {
  if (v === null || typeof v !== 'string') return v;
  const parsed = parseJson(v);
  return parsed.ok ? jsonText(parsed.value) : v;
}

type Step =
  { readonly key: string } | { readonly index: number } | 'any_key' | 'any_index' | 'descend';

/** A MariaDB JSON path (`$`, `.a`, `."a b"`, `[2]`, `.*`, `[*]`, `**`), or null. */
function parsePath(path: string): Step[] | null {
  const m = /^\s*\$/.exec(path);
  if (m === null) return null;
  const steps: Step[] = [];
  const re =
    /\s*(?:\.([A-Za-z_$][\w$]*)|\."((?:[^"\\]|\\.)*)"|\.\*|\[\s*(\d+)\s*\]|\[\s*\*\s*\]|\*\*)/y;
  re.lastIndex = m[0].length;
  while (re.lastIndex < path.trimEnd().length) {
    const s = re.exec(path);
    if (s === null) return null;
    if (s[1] !== undefined) steps.push({ key: s[1] });
    else if (s[2] !== undefined) steps.push({ key: JSON.parse(`"${s[2]}"`) as string });
    else if (s[3] !== undefined) steps.push({ index: Number(s[3]) });
    else if (s[0].trim() === '.*') steps.push('any_key');
    else if (s[0].trim() === '**') steps.push('descend');
    else steps.push('any_index');
  }
  return steps.at(-1) === 'descend' ? null : steps;
}

function find(value: Json, steps: readonly Step[], out: Json[]): void {
  if (steps.length === 0) {
    out.push(value);
    return;
  }
  const [step, ...rest] = steps as [Step, ...Step[]];
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const children: Json[] = Array.isArray(value)
    ? value
    : isObject && !(value instanceof JsonNumber)
      ? Object.values(value)
      : [];
  if (step === 'descend') {
    find(value, rest, out);
    for (const child of children) find(child, steps, out);
  } else if (step === 'any_key') {
    if (isObject) for (const child of children) find(child, rest, out);
  } else if (step === 'any_index') {
    if (Array.isArray(value)) for (const child of value) find(child, rest, out);
  } else if ('index' in step) {
    // A scalar is an array of one element to a path ($[0] of 5 is 5), as in MariaDB.
    const list = Array.isArray(value) ? value : [value];
    if (step.index < list.length) find(list[step.index]!, rest, out);
  } else if (isObject && !(value instanceof JsonNumber)) {
    const object = value as { [key: string]: Json };
    if (Object.hasOwn(object, step.key)) find(object[step.key]!, rest, out);
  }
}

function text(v: V): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
}

/**
 * JSON_EXTRACT(doc, path, …): what the paths find as JSON text — the one value of a single path
 * without wildcards, else an array of every value found; NULL when nothing is found, and NULL
 * with warning 4038 (document) or 4042 (path) for an argument that is not one.
 */
export function jsonExtract(...args: V[]): V {
  if (args.length < 2 || args.some((a) => a === null)) return null;
  const doc = parseJson(text(args[0]!));
  if (!doc.ok) {
    report(
      'Warning',
      4038,
      'HY000',
      `Syntax error in JSON text in argument 1 to function 'json_extract' at position ${doc.at + 1}`,
    );
    return null;
  }
  const found: Json[] = [];
  let wildcard = args.length > 2;
  for (let i = 1; i < args.length; i++) {
    const steps = parsePath(text(args[i]!));
    if (steps === null) {
      report(
        'Warning',
        4042,
        'HY000',
        `Syntax error in JSON path in argument ${i + 1} to function 'json_extract' at position 1`,
      );
      return null;
    }
    wildcard ||= steps.some((s) => typeof s === 'string');
    find(doc.value, steps, found);
  }
  if (found.length === 0) return null;
  return jsonText(wildcard ? found : found[0]!);
}

/** Whether a JSON path argument parses; warning 4042 naming the function and argument if not. */
export function jsonPathValid(path: string, fn: string, argument: number): boolean {
  if (parsePath(path) !== null) return true;
  report(
    'Warning',
    4042,
    'HY000',
    `Syntax error in JSON path in argument ${argument} to function '${fn}' at position ${path.startsWith('$') ? 2 : 1}`,
  );
  return false;
}

/** JSON_VALID: 1 or 0 (a Note 4038 saying where the text stops being JSON), NULL for NULL. */
export function jsonValid(v: V): V {
  if (v === null) return null;
  const parsed = parseJson(text(v));
  if (parsed.ok) return 1;
  report(
    'Note',
    4038,
    'HY000',
    `Syntax error in JSON text in argument 1 to function 'json_valid' at position ${parsed.at + 1}`,
  );
  return 0;
}
