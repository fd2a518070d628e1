// MySQL lexical rules over a char-code scanner. One pass, no regular expressions on the hot path:
// sysbench's point select tokenizes in well under a microsecond. Executable comments
// (`/*! … */`, `/*!40101 … */`, `/*M!100100 … */`) are tokenized as ordinary text, as mysqldump
// expects; other comments vanish.
import { type Result, fail, ok, parseError, tooLong } from './errors.js';
import { SQL_LENGTH_MAX, SQL_TOKENS_MAX } from './limits.js';
import { PARSE_MODE, type ParseModes } from './parse-modes.js';

export type TokenType =
  | 'word'
  | 'ident'
  | 'string'
  | 'int'
  | 'decimal'
  | 'float'
  | 'hex'
  | 'bit'
  | 'param'
  | 'uservar'
  | 'sysvar'
  | 'op'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** word: as written; ident/string/uservar/sysvar: unescaped; numbers: digits; op: the operator. */
  readonly text: string;
  /** word: text upper-cased, for keyword comparison; otherwise ''. */
  readonly upper: string;
  readonly start: number;
  readonly end: number;
  /** string: the `_charset` introducer, or 'binary' for X'…'; sysvar: 'global'|'session'|''. */
  readonly extra: string;
}

/** Literal token types: the ones normalization replaces with `?`. */
export const LITERAL_TYPES: ReadonlySet<TokenType> = new Set([
  'string',
  'int',
  'decimal',
  'float',
  'hex',
  'bit',
]);

/**
 * The server version as MariaDB compares it in `/*!NNNNN … *\/` comments (10.11.19): a comment
 * whose version is higher is skipped, as mysqldump's `/*M!999999\- enable the sandbox mode *\/`
 * must be.
 */
export const SERVER_VERSION_ID = 101119;

/** Character sets whose `_name` introducer may be followed by blanks before its string. */
const INTRODUCERS: ReadonlySet<string> = new Set([
  'binary',
  'utf8mb4',
  'utf8mb3',
  'utf8',
  'latin1',
  'ascii',
]);

const THREE_CHAR_OPS = new Set(['<=>', '->>']);
const TWO_CHAR_OPS = new Set(['<=', '>=', '<>', '!=', ':=', '||', '&&', '->', '<<', '>>']);
const ONE_CHAR_OPS = '=<>!~+-*/%&|^(),.;:{}';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean =>
  isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
// Identifier characters: ASCII letters, digits, `_`, `$`, and everything beyond ASCII.
const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36 || c > 127;
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

const ESCAPES: Record<string, string> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  // LIKE patterns need `\%` and `\_` to stay escaped, so MySQL keeps the backslash.
  '%': '\\%',
  _: '\\_',
};

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private execCommentDepth = 0;
  /** ANSI_QUOTES: `"x"` is an identifier. */
  private readonly ansiQuotes: boolean;
  /** NO_BACKSLASH_ESCAPES: `\` is an ordinary character in strings. */
  private readonly backslashEscapes: boolean;
  /** PARSE_MODE.mysqlVersionedComments: MySQL 5.7's and 8.0's versioned comments run too. */
  private readonly mysqlComments: boolean;

  constructor(
    private readonly sql: string,
    modes: ParseModes,
  ) {
    this.ansiQuotes = (modes & PARSE_MODE.ansiQuotes) !== 0;
    this.backslashEscapes = (modes & PARSE_MODE.noBackslashEscapes) === 0;
    this.mysqlComments = (modes & PARSE_MODE.mysqlVersionedComments) !== 0;
  }

  run(): number {
    const sql = this.sql;
    while (this.pos < sql.length) {
      if (this.tokens.length > SQL_TOKENS_MAX) return this.pos;
      const c = sql.charCodeAt(this.pos);
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      const failedAt = this.one(c);
      if (failedAt >= 0) return failedAt;
    }
    if (this.execCommentDepth > 0) return sql.length;
    this.push('eof', '', '', sql.length, sql.length);
    return -1;
  }

  // Scans one token or comment at this.pos; returns the offset of a lexical error, or -1.
  private one(c: number): number {
    const sql = this.sql;
    const start = this.pos;
    const next = sql.charCodeAt(start + 1);
    if (c === 35 /* # */) return this.skipLine();
    if (
      c === 45 /* - */ &&
      next === 45 &&
      (start + 2 >= sql.length || isSpace(sql.charCodeAt(start + 2)))
    )
      return this.skipLine();
    if (c === 47 /* / */ && next === 42 /* * */) return this.comment();
    if (c === 42 /* * */ && next === 47 && this.execCommentDepth > 0) {
      this.execCommentDepth--;
      this.pos += 2;
      return -1;
    }
    if (c === 34 && this.ansiQuotes) return this.quotedIdent(start, '"');
    if (c === 39 || c === 34) return this.string(start, c, '');
    if (c === 96 /* ` */) return this.quotedIdent(start, '`');
    if (isDigit(c) || (c === 46 && isDigit(next))) return this.number(start);
    if (c === 63 /* ? */) {
      this.pos++;
      this.push('param', '?', '', start, this.pos);
      return -1;
    }
    if (c === 64 /* @ */) return this.variable(start);
    if (isWordChar(c)) return this.word(start);
    return this.operator(start);
  }

  private push(
    type: TokenType,
    text: string,
    upper: string,
    start: number,
    end: number,
    extra = '',
  ): void {
    this.tokens.push({ type, text, upper, start, end, extra });
  }

  private skipLine(): number {
    const eol = this.sql.indexOf('\n', this.pos);
    this.pos = eol < 0 ? this.sql.length : eol + 1;
    return -1;
  }

  private comment(): number {
    const sql = this.sql;
    const start = this.pos;
    let p = start + 2;
    const executable = sql.charCodeAt(p) === 33; /* ! */
    const mariadbOnly = sql.charCodeAt(p) === 77 && sql.charCodeAt(p + 1) === 33; /* M! */
    if (executable || mariadbOnly) {
      p += executable ? 1 : 2;
      const digits = p;
      while (isDigit(sql.charCodeAt(p))) p++;
      const version = p > digits ? Number(sql.slice(digits, p)) : 0;
      // As MariaDB: MySQL 5.7's and 8.0's versions (50700–99999) are skipped in `/*!` (their
      // syntax is not MariaDB's: mariadb-dump's `/*!80001 LEFT JOIN mysql.role_edges … */`),
      // not in `/*M!`.
      const mysqlOnly = executable && version >= 50700 && version <= 99999 && !this.mysqlComments;
      if (version <= SERVER_VERSION_ID && !mysqlOnly) {
        this.execCommentDepth++;
        this.pos = p;
        return -1;
      }
    }
    const close = sql.indexOf('*/', p);
    if (close < 0) return start;
    this.pos = close + 2;
    return -1;
  }

  private word(start: number): number {
    const sql = this.sql;
    const c = sql.charCodeAt(start);
    const quote = sql.charCodeAt(start + 1);
    // X'ab', B'01', N'text' and _charset'text' are literals, not words.
    if (quote === 39) {
      if (c === 120 || c === 88) return this.quotedDigits(start, 'hex');
      if (c === 98 || c === 66) return this.quotedDigits(start, 'bit');
      if (c === 110 || c === 78) return this.string(start + 1, 39, 'utf8mb3', start);
    }
    let p = start + 1;
    while (p < sql.length && isWordChar(sql.charCodeAt(p))) p++;
    const text = sql.slice(start, p);
    const q = sql.charCodeAt(p);
    if (c === 95 && (q === 39 || q === 34) && p - start > 1)
      return this.string(p, q, text.slice(1).toLowerCase(), start);
    // `_binary 'a'`: a character set's introducer may stand apart from its string (a column
    // named so may not: `SELECT _id 'x'` is the column _id with the alias x).
    if (c === 95 && INTRODUCERS.has(text.slice(1).toLowerCase())) {
      let after = p;
      while (after < sql.length && /\s/.test(sql[after]!)) after++;
      const quote = sql.charCodeAt(after);
      if (after > p && (quote === 39 || quote === 34))
        return this.string(after, quote, text.slice(1).toLowerCase(), start);
    }
    this.pos = p;
    this.push('word', text, text.toUpperCase(), start, p);
    return -1;
  }

  private quotedDigits(start: number, type: 'hex' | 'bit'): number {
    const close = this.sql.indexOf("'", start + 2);
    if (close < 0) return start;
    const digits = this.sql.slice(start + 2, close);
    const valid = type === 'hex' ? /^[0-9a-fA-F]*$/ : /^[01]*$/;
    if (!valid.test(digits) || (type === 'hex' && digits.length % 2 === 1)) return start;
    this.pos = close + 1;
    this.push(type, digits, '', start, this.pos);
    return -1;
  }

  private string(open: number, quote: number, charset: string, tokenStart = open): number {
    const sql = this.sql;
    let p = open + 1;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p >= sql.length) return tokenStart;
      const c = sql.charCodeAt(p);
      if (c === quote) {
        if (sql.charCodeAt(p + 1) !== quote) break;
        value += sql.slice(chunk, p + 1);
        p += 2;
        chunk = p;
      } else if (c === 92 /* \ */ && this.backslashEscapes) {
        value += sql.slice(chunk, p);
        const escaped = sql.charAt(p + 1);
        value += ESCAPES[escaped] ?? escaped;
        p += 2;
        chunk = p;
      } else p++;
    }
    value += sql.slice(chunk, p);
    this.pos = p + 1;
    this.push('string', value, '', tokenStart, this.pos, charset);
    return -1;
  }

  private quotedIdent(start: number, quote: '`' | '"'): number {
    const sql = this.sql;
    let p = start + 1;
    let name = '';
    for (;;) {
      const close = sql.indexOf(quote, p);
      if (close < 0) return start;
      name += sql.slice(p, close);
      if (sql.charAt(close + 1) !== quote) {
        p = close + 1;
        break;
      }
      name += quote;
      p = close + 2;
    }
    this.pos = p;
    this.push('ident', name, '', start, p);
    return -1;
  }

  private number(start: number): number {
    const sql = this.sql;
    const second = sql.charCodeAt(start + 1);
    if (sql.charCodeAt(start) === 48 && (second === 120 || second === 98)) {
      const hex = second === 120;
      let p = start + 2;
      while (
        p < sql.length &&
        (hex ? isHexDigit(sql.charCodeAt(p)) : (sql.charCodeAt(p) & ~1) === 48)
      )
        p++;
      if (p > start + 2 && !isWordChar(sql.charCodeAt(p))) {
        this.pos = p;
        const digits = sql.slice(start + 2, p);
        this.push(
          hex ? 'hex' : 'bit',
          hex && digits.length % 2 ? '0' + digits : digits,
          '',
          start,
          p,
        );
        return -1;
      }
    }
    let p = start;
    while (isDigit(sql.charCodeAt(p))) p++;
    let type: TokenType = 'int';
    if (sql.charCodeAt(p) === 46) {
      type = 'decimal';
      p++;
      while (isDigit(sql.charCodeAt(p))) p++;
    }
    const e = sql.charCodeAt(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      const sign = sql.charCodeAt(q);
      if (sign === 43 || sign === 45) q++;
      if (isDigit(sql.charCodeAt(q))) {
        while (isDigit(sql.charCodeAt(q))) q++;
        type = 'float';
        p = q;
      }
    }
    // MySQL allows identifiers that start with digits, such as `1st_table`.
    if (type === 'int' && isWordChar(sql.charCodeAt(p))) return this.word(start);
    this.pos = p;
    this.push(type, sql.slice(start, p), '', start, p);
    return -1;
  }

  private variable(start: number): number {
    const sql = this.sql;
    if (sql.charCodeAt(start + 1) === 64) return this.systemVariable(start);
    const q = sql.charCodeAt(start + 1);
    if (q === 39 || q === 34 || q === 96) {
      const close = sql.indexOf(String.fromCharCode(q), start + 2);
      if (close < 0) return start;
      this.pos = close + 1;
      this.push('uservar', sql.slice(start + 2, close), '', start, this.pos);
      return -1;
    }
    let p = start + 1;
    while (p < sql.length && (isWordChar(sql.charCodeAt(p)) || sql.charCodeAt(p) === 46)) p++;
    if (p === start + 1) return start;
    this.pos = p;
    this.push('uservar', sql.slice(start + 1, p), '', start, p);
    return -1;
  }

  private systemVariable(start: number): number {
    const sql = this.sql;
    let p = start + 2;
    while (p < sql.length && (isWordChar(sql.charCodeAt(p)) || sql.charCodeAt(p) === 46)) p++;
    if (p === start + 2) return start;
    const full = sql.slice(start + 2, p);
    const dot = full.indexOf('.');
    let scope = '';
    let name = full;
    if (dot > 0) {
      const prefix = full.slice(0, dot).toLowerCase();
      if (prefix === 'global' || prefix === 'session' || prefix === 'local') {
        scope = prefix === 'local' ? 'session' : prefix;
        name = full.slice(dot + 1);
      }
    }
    this.pos = p;
    this.push('sysvar', name.toLowerCase(), '', start, p, scope);
    return -1;
  }

  private operator(start: number): number {
    const sql = this.sql;
    const three = sql.slice(start, start + 3);
    if (THREE_CHAR_OPS.has(three)) return this.op(start, three);
    const two = sql.slice(start, start + 2);
    if (TWO_CHAR_OPS.has(two)) return this.op(start, two);
    const one = sql.charAt(start);
    if (ONE_CHAR_OPS.includes(one)) return this.op(start, one);
    return start;
  }

  private op(start: number, text: string): number {
    this.pos = start + text.length;
    this.push('op', text, '', start, this.pos);
    return -1;
  }
}

/** Splits SQL text into tokens as `modes` read it; the last token is always `eof`. */
export function tokenize(sql: string, modes: ParseModes = 0): Result<readonly Token[]> {
  if (sql.length > SQL_LENGTH_MAX) return fail(tooLong());
  const lexer = new Lexer(sql, modes);
  const failedAt = lexer.run();
  if (failedAt >= 0) return fail(parseError(sql, failedAt));
  return ok(lexer.tokens);
}
