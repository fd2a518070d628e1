// The parser's view of the token stream: lookahead, keyword tests, error construction and the
// recursion bound. Grammar functions in parse-*.ts take a Cursor and advance it.
import type { Literal } from './ast.js';
import type { ParseModes } from './parse-modes.js';
import { type ParseError, SqlFailure, parseError, unsupported } from './errors.js';
import { RESERVED } from './keywords.js';
import { PARSE_DEPTH_MAX } from './limits.js';
import { LITERAL_TYPES, type Token } from './tokenizer.js';

const EOF_TOKEN: Token = { type: 'eof', text: '', upper: '', start: 0, end: 0, extra: '' };

export class Cursor {
  pos = 0;
  private depth = 0;
  /** While > 0, literals are pinned: their value is part of the template (select-list names). */
  pinning = 0;
  /** Slots whose literal value the template depends on. */
  readonly pinned: number[] = [];
  /** Token index → slot (ordinal among literals and `?` markers), -1 for other tokens. */
  private readonly slots: Int32Array;
  readonly slotCount: number;

  constructor(
    readonly sql: string,
    readonly tokens: readonly Token[],
    /** The sql_mode flags the parser reads (PIPES_AS_CONCAT, HIGH_NOT_PRECEDENCE). */
    readonly modes: ParseModes = 0,
  ) {
    this.slots = new Int32Array(tokens.length);
    let slot = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      this.slots[i] = LITERAL_TYPES.has(t.type) || t.type === 'param' ? slot++ : -1;
    }
    this.slotCount = slot;
  }

  peek(ahead = 0): Token {
    return this.tokens[this.pos + ahead] ?? this.tokens[this.tokens.length - 1] ?? EOF_TOKEN;
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.pos++;
    return token;
  }

  previous(): Token {
    return this.tokens[this.pos - 1] ?? EOF_TOKEN;
  }

  isWord(upper: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'word' && t.upper === upper;
  }

  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === op;
  }

  acceptWord(upper: string): boolean {
    if (!this.isWord(upper)) return false;
    this.pos++;
    return true;
  }

  /** Accepts a sequence of keywords only if all of them are there. */
  acceptWords(...uppers: string[]): boolean {
    for (let i = 0; i < uppers.length; i++) if (!this.isWord(uppers[i]!, i)) return false;
    this.pos += uppers.length;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  expectWord(upper: string): void {
    if (!this.acceptWord(upper)) this.fail();
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail();
  }

  /** Accepts one of the words and returns it upper-cased, or null. */
  oneOf(uppers: readonly string[]): string | null {
    const t = this.peek();
    if (t.type !== 'word' || !uppers.includes(t.upper)) return null;
    this.pos++;
    return t.upper;
  }

  atEnd(): boolean {
    const t = this.peek();
    return t.type === 'eof' || (t.type === 'op' && t.text === ';');
  }

  /** An identifier: a backquoted name, or an unquoted word that is not reserved. */
  isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' || (t.type === 'word' && !RESERVED.has(t.upper));
  }

  identifier(): string {
    if (!this.isIdentifier()) this.fail();
    return this.next().text;
  }

  /** A name where MariaDB also accepts a quoted string (charset, engine, user, savepoint…). */
  name(): string {
    const t = this.peek();
    if (t.type === 'string' || t.type === 'ident' || t.type === 'word') {
      this.pos++;
      return t.text;
    }
    return this.fail();
  }

  string(): string {
    const t = this.peek();
    if (t.type !== 'string') this.fail();
    this.pin(this.pos);
    this.pos++;
    return t.text;
  }

  /** A non-negative integer whose value the statement's structure depends on (lengths, counts). */
  integer(): number {
    const t = this.peek();
    if (t.type !== 'int') this.fail();
    this.pin(this.pos);
    this.pos++;
    return Number(t.text);
  }

  /** Builds the literal node for the token at the cursor, which must be a literal. */
  literal(): Literal {
    const index = this.pos;
    const t = this.next();
    if (this.pinning > 0) this.pin(index);
    const type = t.type === 'string' ? 'string' : (t.type as Literal['type']);
    return { kind: 'literal', type, value: t.text, slot: this.slotAt(index), charset: t.extra };
  }

  slotAt(index: number): number {
    return this.slots[index] ?? -1;
  }

  pin(index: number): void {
    const slot = this.slotAt(index);
    if (slot >= 0) this.pinned.push(slot);
  }

  /** Source text from the token at `fromIndex` to the last consumed token. */
  textFrom(fromIndex: number): string {
    const first = this.tokens[fromIndex];
    if (!first || this.pos <= fromIndex) return '';
    return this.sql.slice(first.start, this.previous().end);
  }

  enter(): void {
    if (++this.depth > PARSE_DEPTH_MAX) this.fail();
  }

  leave(): void {
    this.depth--;
  }

  /** The parse error for the token at the cursor. */
  failure(): ParseError {
    const t = this.peek();
    return parseError(this.sql, t.type === 'eof' ? this.sql.length : t.start);
  }

  fail(): never {
    throw new SqlFailure(this.failure());
  }

  unsupported(construct: string): never {
    throw new SqlFailure(unsupported(construct));
  }
}
