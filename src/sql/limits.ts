// Named bounds for the SQL front end. Every loop and recursion over client input stops at one
// of these, so a hostile statement costs bounded time and memory (see docs/design/sql.md).

/** Longest statement text accepted, in UTF-16 code units (MariaDB's max_allowed_packet is 16 MiB). */
export const SQL_LENGTH_MAX = 16 * 1024 * 1024;
/** Most tokens in one statement; a multi-row INSERT of 20 rows is about 200. */
export const SQL_TOKENS_MAX = 4 * 1024 * 1024;
/** Deepest nesting of expressions and subqueries the recursive-descent parser follows. */
export const PARSE_DEPTH_MAX = 200;
/** Entries kept by the parse cache (an LRU keyed by normalized statement text). */
export const PARSE_CACHE_ENTRIES_MAX = 2048;
/** Statements longer than this are parsed but not cached (bulk INSERTs would evict the hot set). */
export const PARSE_CACHE_KEY_LENGTH_MAX = 4096;
/** Variants kept per normalized text when literals in name-bearing positions differ. */
export const PARSE_CACHE_VARIANTS_MAX = 4;
/** MariaDB cuts the text after `near` in ER_PARSE_ERROR to this many characters. */
export const PARSE_ERROR_NEAR_LENGTH_MAX = 80;
/** Views nested in views beyond this are refused (a view that names itself would never end). */
export const VIEW_DEPTH_MAX = 32;
