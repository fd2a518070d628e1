// The sql_mode flags that change how a statement's text reads: the tokenizer's (ANSI_QUOTES,
// NO_BACKSLASH_ESCAPES) and the parser's (PIPES_AS_CONCAT, HIGH_NOT_PRECEDENCE). They are one
// small bit set per session, part of the statement cache's key: two sessions whose modes differ
// must not share a parse (docs/design/sql.md, "sql_mode").
/** A set of PARSE_MODE bits; 0 is MariaDB's default reading. */
export type ParseModes = number;

export const PARSE_MODE = {
  /** `||` is CONCAT, binding tighter than `^`. */
  pipesAsConcat: 1,
  /** `"x"` is an identifier. */
  ansiQuotes: 2,
  /** `\` is an ordinary character inside strings. */
  noBackslashEscapes: 4,
  /** NOT binds as `!` does, tighter than comparisons and BETWEEN. */
  highNotPrecedence: 8,
  /**
   * Not a sql_mode: `/*!50700 … *\/` to `/*!99999 … *\/` (MySQL 5.7's and 8.0's versions) run as
   * other versioned comments do. Replicated DDL planned under DDL rules below 6 reads so, as
   * releases before 6 read every node's text (docs/design/sql.md, "DDL rules by version").
   */
  mysqlVersionedComments: 16,
} as const;

const FLAG_BITS: Readonly<Record<string, number>> = {
  PIPES_AS_CONCAT: PARSE_MODE.pipesAsConcat,
  ANSI_QUOTES: PARSE_MODE.ansiQuotes,
  NO_BACKSLASH_ESCAPES: PARSE_MODE.noBackslashEscapes,
  HIGH_NOT_PRECEDENCE: PARSE_MODE.highNotPrecedence,
};

/**
 * The parse modes of an @@sql_mode value as MariaDB stores it (combination modes already
 * expanded beside themselves, so ANSI lists PIPES_AS_CONCAT and ANSI_QUOTES).
 */
export function parseModesOf(sqlMode: string): ParseModes {
  let modes = 0;
  for (const flag of sqlMode.toUpperCase().split(',')) modes |= FLAG_BITS[flag.trim()] ?? 0;
  return modes;
}

/** The names of the set bits, for messages. */
export function parseModeNames(modes: ParseModes): string[] {
  return Object.entries(FLAG_BITS)
    .filter(([, bit]) => (modes & bit) !== 0)
    .map(([name]) => name);
}
