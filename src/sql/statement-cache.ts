// The front end's hot path: normalize, look the template up in a bounded LRU, parse on a miss,
// translate once per (database, catalog version). A cached point select costs a tokenize, a
// key build and a Map lookup (see bench/sql-parse.ts).
import type { Statement } from './ast.js';
import type { Catalog } from './catalog.js';
import { type DmlStatement, type DmlTranslation, emitDml } from './emit-dml.js';
import type { Bind } from './emit-expression.js';
import { type Result, fail, ok, semantic } from './errors.js';
import {
  PARSE_CACHE_ENTRIES_MAX,
  PARSE_CACHE_KEY_LENGTH_MAX,
  PARSE_CACHE_VARIANTS_MAX,
} from './limits.js';
import { type Normalized, type SqlValue, literalValue, normalize } from './normalize.js';
import type { ParseModes } from './parse-modes.js';
import { parseTokens } from './parser.js';

/** Translations kept per template (one per database a session has USEd, typically one). */
const TRANSLATIONS_PER_TEMPLATE_MAX = 4;

/**
 * A parsed statement shared by all statements with the same normalized text. In a DML
 * template the values of unpinned literals are those of the first statement seen: read values
 * from the slots of a Prepared, never from the template's AST.
 */
export interface Template {
  readonly key: string;
  readonly statement: Statement;
  readonly slotCount: number;
  readonly pinned: ReadonlySet<number>;
  /** Raw text of the pinned literals this variant was parsed with. */
  readonly pinnedText: readonly string[];
  /** Memo of translate(), keyed by database and catalog version. */
  readonly translations: Map<string, Result<DmlTranslation>>;
}

/** One statement text bound to its template: literal values per slot, `?` markers counted. */
export interface Prepared {
  readonly template: Template;
  readonly statement: Statement;
  /** Slot → literal value; undefined where the text has a `?` marker. */
  readonly slotValues: readonly (SqlValue | undefined)[];
  /** Slots of the `?` markers, in order: client parameter i goes to slot markerSlots[i]. */
  readonly markerSlots: readonly number[];
  /** True when this call found the template in the cache. */
  readonly cached: boolean;
}

export interface SessionValues {
  session(name: Extract<Bind, { kind: 'session' }>['name']): SqlValue;
  systemVariable(name: string, scope: 'global' | 'session' | null): SqlValue;
  userVariable(name: string): SqlValue;
}

export class StatementCache {
  private readonly entries = new Map<string, Template[]>();
  hits = 0;
  misses = 0;

  constructor(private readonly entriesMax = PARSE_CACHE_ENTRIES_MAX) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Parses (or finds) one statement as the session's parse modes read it. Prepared statements
   * call this once, at COM_STMT_PREPARE.
   */
  prepare(sql: string, modes: ParseModes = 0): Result<Prepared> {
    const normalized = normalize(sql, modes);
    if (!normalized.ok) return normalized;
    const n = normalized.value;
    const found = this.lookup(n);
    if (found) {
      this.hits++;
      return ok(bindTemplate(found, n, true));
    }
    this.misses++;
    const parsed = parseTokens(sql, n.tokens, modes);
    if (!parsed.ok) return parsed;
    const pinned = parsed.value.pinned;
    const template: Template = {
      key: n.key,
      statement: parsed.value.statement,
      slotCount: parsed.value.slotCount,
      pinned: new Set(pinned),
      pinnedText: pinned.map((slot) => tokenText(n, slot)),
      translations: new Map(),
    };
    this.store(template);
    return ok(bindTemplate(template, n, false));
  }

  private lookup(n: Normalized): Template | undefined {
    const variants = this.entries.get(n.key);
    if (variants === undefined) return undefined;
    const template = variants.find((v) => matchesPinned(v, n));
    if (template === undefined) return undefined;
    // Refresh the LRU position: a Map iterates in insertion order.
    this.entries.delete(n.key);
    this.entries.set(n.key, variants);
    return template;
  }

  private store(template: Template): void {
    if (template.key.length > PARSE_CACHE_KEY_LENGTH_MAX) return;
    const variants = this.entries.get(template.key) ?? [];
    if (variants.length >= PARSE_CACHE_VARIANTS_MAX) variants.shift();
    variants.push(template);
    this.entries.delete(template.key);
    this.entries.set(template.key, variants);
    while (this.entries.size > this.entriesMax) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

function tokenText(n: Normalized, slot: number): string {
  const t = n.slotTokens[slot];
  return t === undefined ? '' : n.sql.slice(t.start, t.end);
}

function matchesPinned(template: Template, n: Normalized): boolean {
  let i = 0;
  for (const slot of template.pinned)
    if (tokenText(n, slot) !== template.pinnedText[i++]) return false;
  return true;
}

function bindTemplate(template: Template, n: Normalized, cached: boolean): Prepared {
  const slotValues: (SqlValue | undefined)[] = new Array<SqlValue | undefined>(n.slotTokens.length);
  const markerSlots: number[] = [];
  for (let i = 0; i < n.slotTokens.length; i++) {
    const value = literalValue(n.slotTokens[i]!);
    slotValues[i] = value;
    if (value === undefined) markerSlots.push(i);
  }
  return { template, statement: template.statement, slotValues, markerSlots, cached };
}

const DML_KINDS: ReadonlySet<string> = new Set(['select', 'union', 'insert', 'update', 'delete']);

/** SELECT/UNION/INSERT/REPLACE/UPDATE/DELETE: the statements translate() runs. */
export function isDml(statement: Statement): statement is DmlStatement {
  return DML_KINDS.has(statement.kind);
}

/** Translates a prepared DML statement for a database and catalog, memoized on its template. */
export function translate(
  prepared: Prepared,
  catalog: Catalog,
  database: string | null,
  selectExtras = false,
  collation?: string,
  timeZone?: string,
): Result<DmlTranslation> {
  const template = prepared.template;
  // DO runs its expressions as the SELECT it holds.
  const statement =
    template.statement.kind === 'do' ? template.statement.query : template.statement;
  if (!isDml(statement)) return fail(semantic(1295, 'HY000', 'This command is not a query'));
  const memoKey = `${database ?? ''}\u0000${catalog.version}${selectExtras ? '\u0000extras' : ''}\u0000${collation ?? ''}\u0000${timeZone ?? ''}`;
  const memo = template.translations.get(memoKey);
  if (memo !== undefined) return memo;
  const result = emitDml(
    statement,
    { catalog, database, selectExtras, collation, ...(timeZone === undefined ? {} : { timeZone }) },
    template.pinned,
  );
  if (template.translations.size >= TRANSLATIONS_PER_TEMPLATE_MAX) template.translations.clear();
  template.translations.set(memoKey, result);
  return result;
}

/**
 * The values to bind to a translation's `?`s: slots from the statement text or the client's
 * parameters (for `?` markers, in order), session values from the session.
 */
export function bindValues(
  translation: DmlTranslation,
  prepared: Prepared,
  params: readonly SqlValue[],
  session: SessionValues,
): SqlValue[] {
  const slots = prepared.slotValues.slice();
  prepared.markerSlots.forEach((slot, i) => (slots[slot] = params[i] ?? null));
  return translation.binds.map((b) => {
    switch (b.kind) {
      case 'slot':
        return slots[b.slot] ?? null;
      case 'session':
        return session.session(b.name);
      case 'system_var':
        return session.systemVariable(b.name, b.scope);
      case 'user_var':
        return session.userVariable(b.name);
    }
  });
}
