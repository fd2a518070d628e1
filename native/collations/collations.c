/*
 * MariaDB's utf8mb4/utf8mb3 collations as SQLite collating sequences, loaded into every
 * connection as an extension (better-sqlite3 has no collation API; docs/design/sql.md,
 * "Collations"). Each collation maps a character to weights and compares weight strings with
 * PAD SPACE: the shorter string is compared as if padded with spaces, so 'a ' = 'a' and
 * 'a\t' < 'a'.
 *   utf8mb4_general_ci   one weight per character (MariaDB's table); beyond the BMP 0xFFFD
 *   utf8mb4_unicode_ci   UCA 4.0.0 primary weights: zero (ignorable), one or more per character
 *                        ('ß' = 'ss'); implicit weights for unlisted ideographs
 *   utf8mb4_bin          the code point
 * The utf8mb3 twins compare alike (an utf8mb3 column holds no character beyond the BMP).
 * mysql_like_collated(subject, pattern, escape, collation) is LIKE under a collation: one
 * character of the pattern matches one of the subject when their weights are equal, without
 * PAD SPACE; mysql_instr_collated, mysql_find_in_set_collated and mysql_strcmp_collated are
 * INSTR/LOCATE, FIND_IN_SET and STRCMP under one. The same library counts page I/O
 * (page-io.c) and gives each connection a statement deadline (deadline.c).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "page-io.h"
#include "weights.h"

#define WEIGHTS_PER_CHARACTER_MAX 15
#define REPLACEMENT 0xFFFD

typedef enum { KIND_BIN, KIND_GENERAL, KIND_UNICODE } Kind;

static uint16_t general_weights[0x10000];
/* Per BMP code point: offset in UCA_POOL << 4 | count; IMPLICIT marks a computed weight. */
static uint32_t unicode_index[0x10000];
static uint16_t unicode_implicit_base[0x10000];
#define IMPLICIT 0xFFFFFFFFu

static void build_tables(void) {
  for (uint32_t cp = 0; cp < 0x10000; cp++) {
    general_weights[cp] = (cp >= 0xD800 && cp <= 0xDFFF) ? REPLACEMENT : (uint16_t)cp;
    unicode_index[cp] = IMPLICIT;
    unicode_implicit_base[cp] = 0xFBC0;
  }
  for (size_t i = 0; i < sizeof GENERAL_CI_EXCEPTIONS / sizeof GENERAL_CI_EXCEPTIONS[0]; i++)
    general_weights[GENERAL_CI_EXCEPTIONS[i][0]] = GENERAL_CI_EXCEPTIONS[i][1];
  for (size_t i = 0; i < sizeof UCA_IMPLICIT_RUNS / sizeof UCA_IMPLICIT_RUNS[0]; i++)
    for (uint32_t cp = UCA_IMPLICIT_RUNS[i][0]; cp <= UCA_IMPLICIT_RUNS[i][1]; cp++)
      unicode_implicit_base[cp] = (uint16_t)UCA_IMPLICIT_RUNS[i][2];
  for (size_t i = 0; i < sizeof UCA_ENTRIES / sizeof UCA_ENTRIES[0]; i++)
    unicode_index[UCA_ENTRIES[i][0]] = UCA_ENTRIES[i][1];
}

/* Decodes one UTF-8 character; an invalid byte is a character of its own (0xDC00 + byte). */
static uint32_t next_code_point(const unsigned char **p, const unsigned char *end) {
  const unsigned char *s = *p;
  uint32_t c = s[0];
  int length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (length == 0 || s + length > end) {
    *p = s + 1;
    return 0xDC00 + c;
  }
  if (length == 1) {
    *p = s + 1;
    return c;
  }
  c &= 0x7F >> length;
  for (int i = 1; i < length; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *p = s + 1;
      return 0xDC00 + s[0];
    }
    c = (c << 6) | (s[i] & 0x3F);
  }
  *p = s + length;
  return c;
}

/* The weights of one character; returns how many (0 for an ignorable one). */
static int character_weights(Kind kind, uint32_t cp, uint32_t *out) {
  if (kind == KIND_BIN) {
    out[0] = cp;
    return 1;
  }
  if (cp > 0xFFFF) {
    out[0] = REPLACEMENT;
    return 1;
  }
  if (kind == KIND_GENERAL) {
    out[0] = general_weights[cp];
    return 1;
  }
  uint32_t entry = unicode_index[cp];
  if (entry == IMPLICIT) {
    out[0] = unicode_implicit_base[cp] + (cp >> 15);
    out[1] = (cp & 0x7FFF) | 0x8000;
    return 2;
  }
  int count = (int)(entry & 0xF);
  for (int i = 0; i < count; i++) out[i] = UCA_POOL[(entry >> 4) + i];
  return count;
}

static uint32_t space_weight(Kind kind) {
  uint32_t w[WEIGHTS_PER_CHARACTER_MAX];
  character_weights(kind, ' ', w);
  return w[0];
}

typedef struct {
  Kind kind;
  const unsigned char *p;
  const unsigned char *end;
  uint32_t pending[WEIGHTS_PER_CHARACTER_MAX];
  int count;
  int next;
} Cursor;

/* The next weight of the string, or -1 at its end. */
static int64_t next_weight(Cursor *c) {
  while (c->next == c->count) {
    if (c->p >= c->end) return -1;
    c->count = character_weights(c->kind, next_code_point(&c->p, c->end), c->pending);
    c->next = 0;
  }
  return c->pending[c->next++];
}

/* Compares two UTF-8 strings' weights; with pad, the shorter as if padded with spaces. */
static int compare_weights(Kind kind, int pad, int length1, const void *s1, int length2,
                           const void *s2) {
  int64_t space = pad ? (int64_t)space_weight(kind) : -1;
  Cursor a = {kind, s1, (const unsigned char *)s1 + length1, {0}, 0, 0};
  Cursor b = {kind, s2, (const unsigned char *)s2 + length2, {0}, 0, 0};
  for (;;) {
    int64_t wa = next_weight(&a);
    int64_t wb = next_weight(&b);
    if (wa < 0 && wb < 0) return 0;
    if (wa < 0) wa = space;
    if (wb < 0) wb = space;
    if (wa != wb) return wa < wb ? -1 : 1;
  }
}

/* The collating sequence: PAD SPACE. */
static int compare(void *context, int length1, const void *s1, int length2, const void *s2) {
  return compare_weights((Kind)(intptr_t)context, 1, length1, s1, length2, s2);
}

/* Whether two characters weigh the same under the collation (LIKE, LOCATE). MariaDB matches
 * characters beyond the BMP by code point here, though it sorts them all alike. */
static int same_character(Kind kind, uint32_t x, uint32_t y) {
  if (x == y) return 1;
  if (x > 0xFFFF || y > 0xFFFF) return 0;
  uint32_t wx[WEIGHTS_PER_CHARACTER_MAX], wy[WEIGHTS_PER_CHARACTER_MAX];
  int nx = character_weights(kind, x, wx);
  int ny = character_weights(kind, y, wy);
  return nx == ny && memcmp(wx, wy, sizeof(uint32_t) * (size_t)nx) == 0;
}

static int decode_all(const unsigned char *s, int length, uint32_t **out) {
  *out = sqlite3_malloc64(sizeof(uint32_t) * ((size_t)length + 1));
  if (*out == 0) return -1;
  const unsigned char *end = s + length;
  int n = 0;
  while (s < end) (*out)[n++] = next_code_point(&s, end);
  return n;
}

/* Wildcard matching with one backtracking point for the last '%' (linear in practice). */
static int like_match(Kind kind, const uint32_t *s, int ns, const uint32_t *p, int np,
                      int64_t escape) {
  int i = 0, j = 0, star_j = -1, star_i = 0;
  while (i < ns) {
    if (j < np && p[j] == '%') {
      star_j = ++j;
      star_i = i;
      continue;
    }
    if (j < np) {
      uint32_t pc = p[j];
      int literal = 0;
      if ((int64_t)pc == escape && j + 1 < np) {
        pc = p[++j];
        literal = 1;
      }
      if ((!literal && pc == '_') || same_character(kind, s[i], pc)) {
        i++;
        j++;
        continue;
      }
      if (literal) j--;
    }
    if (star_j < 0) return 0;
    j = star_j;
    i = ++star_i;
  }
  while (j < np && p[j] == '%') j++;
  return j == np;
}

static int kind_of_collation(const char *name, Kind *kind) {
  if (name == 0) return 0;
  size_t n = strlen(name);
  if ((n > 4 && sqlite3_stricmp(name + n - 4, "_bin") == 0) || sqlite3_stricmp(name, "binary") == 0)
    *kind = KIND_BIN;
  else if (sqlite3_strnicmp(name, "utf8mb4_unicode", 15) == 0 ||
           sqlite3_strnicmp(name, "utf8mb3_unicode", 15) == 0)
    *kind = KIND_UNICODE;
  else *kind = KIND_GENERAL;
  return 1;
}

/* The kind of the collation named by argv[collation]; 0 (the result set to NULL) when one of
 * the first two arguments is NULL. */
static int collated_arguments(sqlite3_context *context, sqlite3_value **argv, int collation,
                              Kind *kind) {
  for (int i = 0; i < 2; i++)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
      sqlite3_result_null(context);
      return 0;
    }
  *kind = KIND_GENERAL;
  kind_of_collation((const char *)sqlite3_value_text(argv[collation]), kind);
  return 1;
}

static void like_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Kind kind;
  if (!collated_arguments(context, argv, 3, &kind)) return;
  int64_t escape = -1;
  if (sqlite3_value_type(argv[2]) != SQLITE_NULL) {
    const unsigned char *e = sqlite3_value_text(argv[2]);
    int ne = sqlite3_value_bytes(argv[2]);
    if (ne > 0) escape = next_code_point(&e, e + ne);
  }
  const unsigned char *subject = sqlite3_value_text(argv[0]);
  int subject_length = sqlite3_value_bytes(argv[0]);
  const unsigned char *pattern = sqlite3_value_text(argv[1]);
  int pattern_length = sqlite3_value_bytes(argv[1]);
  uint32_t *s = 0, *p = 0;
  int ns = decode_all(subject, subject_length, &s);
  int np = decode_all(pattern, pattern_length, &p);
  if (ns < 0 || np < 0) {
    sqlite3_free(s);
    sqlite3_free(p);
    return sqlite3_result_error_nomem(context);
  }
  sqlite3_result_int(context, like_match(kind, s, ns, p, np, escape));
  sqlite3_free(s);
  sqlite3_free(p);
}

/* 0 when the candidate weighs as the needle, 1 when its weights are a proper prefix of the
 * needle's (a longer candidate may match), -1 when no longer candidate can match. */
static int prefix_state(Kind kind, int length1, const void *candidate, int length2,
                        const void *needle) {
  Cursor a = {kind, candidate, (const unsigned char *)candidate + length1, {0}, 0, 0};
  Cursor b = {kind, needle, (const unsigned char *)needle + length2, {0}, 0, 0};
  for (;;) {
    int64_t wa = next_weight(&a);
    int64_t wb = next_weight(&b);
    if (wa < 0) return wb < 0 ? 0 : 1;
    if (wb < 0 || wa != wb) return -1;
  }
}

/* mysql_instr_collated(haystack, needle, collation): the 1-based character position of the
 * first substring equal to the needle under the collation without PAD SPACE ('ß' matches
 * 'ss' under unicode_ci), 0 if none; INSTR and two-argument LOCATE. */
static void instr_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Kind kind;
  if (!collated_arguments(context, argv, 2, &kind)) return;
  const unsigned char *h = sqlite3_value_text(argv[0]);
  int nh = sqlite3_value_bytes(argv[0]);
  const unsigned char *n = sqlite3_value_text(argv[1]);
  int nn = sqlite3_value_bytes(argv[1]);
  if (nn == 0) return sqlite3_result_int(context, 1);
  const unsigned char *end = h + nh;
  int position = 1;
  for (const unsigned char *start = h; start < end; position++) {
    /* Longer candidates from this start while their weights are a prefix of the needle's. */
    const unsigned char *stop = start;
    int state = 1;
    while (stop < end && state == 1) {
      next_code_point(&stop, end);
      state = prefix_state(kind, (int)(stop - start), start, nn, n);
      if (state == 0) return sqlite3_result_int(context, position);
    }
    next_code_point(&start, end);
  }
  sqlite3_result_int(context, 0);
}

/* mysql_find_in_set_collated(item, list, collation): the 1-based position of item among the
 * comma-separated list's members equal to it under the collation (without PAD SPACE), 0 if
 * none. */
static void find_in_set_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Kind kind;
  if (!collated_arguments(context, argv, 2, &kind)) return;
  const char *item = (const char *)sqlite3_value_text(argv[0]);
  int item_length = sqlite3_value_bytes(argv[0]);
  const char *list = (const char *)sqlite3_value_text(argv[1]);
  int list_length = sqlite3_value_bytes(argv[1]);
  if (memchr(item, ',', (size_t)item_length) != 0) return sqlite3_result_int(context, 0);
  int position = 1;
  for (int start = 0; start <= list_length; position++) {
    const char *comma = memchr(list + start, ',', (size_t)(list_length - start));
    int end = comma == 0 ? list_length : (int)(comma - list);
    if (compare_weights(kind, 0, end - start, list + start, item_length, item) == 0)
      return sqlite3_result_int(context, position);
    start = end + 1;
  }
  sqlite3_result_int(context, 0);
}

/* mysql_strcmp_collated(a, b, collation): -1, 0 or 1 under the collation, with PAD SPACE. */
static void compare_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Kind kind;
  if (!collated_arguments(context, argv, 2, &kind)) return;
  const void *a = sqlite3_value_text(argv[0]);
  int na = sqlite3_value_bytes(argv[0]);
  const void *b = sqlite3_value_text(argv[1]);
  int nb = sqlite3_value_bytes(argv[1]);
  sqlite3_result_int(context, compare((void *)(intptr_t)kind, na, a, nb, b));
}

/*
 * mysql_weight_key(value, collation[, characters]): a BLOB equal for two values exactly when the
 * collation compares them equal (PAD SPACE included): the value's weights, three bytes each,
 * without its trailing space weights. With `characters`, of its first that many characters only
 * (a prefix index). Certification keys of collated unique and primary keys are made of it, so
 * that 'A@x' and 'a@x' claim one key (docs/design/storage.md, "Capture"). NULL for NULL.
 */
static void weight_key_function(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Kind kind;
  if (!collated_arguments(context, argv, 1, &kind)) return;
  int64_t characters = -1;
  if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
    characters = sqlite3_value_int64(argv[2]);
  const unsigned char *s = sqlite3_value_text(argv[0]);
  int n = sqlite3_value_bytes(argv[0]);
  const unsigned char *end = s + n;
  /* At most WEIGHTS_PER_CHARACTER_MAX weights per character, and a character is a byte at least. */
  unsigned char *out = sqlite3_malloc64((size_t)n * WEIGHTS_PER_CHARACTER_MAX * 3 + 1);
  if (out == 0) return sqlite3_result_error_nomem(context);
  uint32_t space = space_weight(kind);
  size_t used = 0, kept = 0;
  for (int64_t taken = 0; s < end && (characters < 0 || taken < characters); taken++) {
    uint32_t w[WEIGHTS_PER_CHARACTER_MAX];
    int count = character_weights(kind, next_code_point(&s, end), w);
    for (int i = 0; i < count; i++) {
      out[used++] = (unsigned char)(w[i] >> 16);
      out[used++] = (unsigned char)(w[i] >> 8);
      out[used++] = (unsigned char)w[i];
      if (w[i] != space) kept = used;
    }
  }
  sqlite3_result_blob(context, out, (int)kept, sqlite3_free);
}

/*
 * mysql_decimal: the text of a DECIMAL too long for a double ("-123.4500", or SQLite's text of a
 * REAL compared with it, "1.0e+20"), compared as the numbers they are: equal values are equal
 * whatever their zeros, so a UNIQUE key and GROUP BY see 1.5 and 1.50 as one.
 */
#define DECIMAL_DIGITS_MAX 160

typedef struct {
  int sign;   /* -1, 0 or 1 */
  long point; /* the value is 0.DIGITS times 10^point */
  int length; /* significant digits, no leading or trailing zeros */
  char digits[DECIMAL_DIGITS_MAX];
} DecimalText;

static void decimal_parse(int n, const unsigned char *s, DecimalText *out) {
  int i = 0, negative = 0, seen = 0;
  long whole = 0, leading = 0;
  out->length = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  if (i < n && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  for (int fraction = 0; i < n; i++) {
    if (s[i] == '.' && !fraction) {
      fraction = 1;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') break;
    if (!fraction) whole++;
    /* 0.0abc times 10^p is 0.abc times 10^(p-1): a leading zero moves the point. */
    if (!seen && s[i] == '0') {
      leading++;
      continue;
    }
    seen = 1;
    if (out->length < DECIMAL_DIGITS_MAX) out->digits[out->length++] = (char)s[i];
  }
  long exponent = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    int j = i + 1, minus = 0;
    if (j < n && (s[j] == '-' || s[j] == '+')) minus = s[j++] == '-';
    for (; j < n && s[j] >= '0' && s[j] <= '9' && exponent < 100000; j++)
      exponent = exponent * 10 + (s[j] - '0');
    if (minus) exponent = -exponent;
  }
  while (out->length > 0 && out->digits[out->length - 1] == '0') out->length--;
  out->sign = out->length == 0 ? 0 : negative ? -1 : 1;
  out->point = whole - leading + exponent;
}

static int decimal_compare(void *unused, int na, const void *a, int nb, const void *b) {
  (void)unused;
  DecimalText x, y;
  decimal_parse(na, (const unsigned char *)a, &x);
  decimal_parse(nb, (const unsigned char *)b, &y);
  if (x.sign != y.sign) return x.sign < y.sign ? -1 : 1;
  if (x.sign == 0) return 0;
  int magnitude;
  if (x.point != y.point) magnitude = x.point < y.point ? -1 : 1;
  else {
    int shorter = x.length < y.length ? x.length : y.length;
    int c = memcmp(x.digits, y.digits, (size_t)shorter);
    magnitude = c != 0 ? (c < 0 ? -1 : 1) : x.length == y.length ? 0 : x.length < y.length ? -1 : 1;
  }
  return x.sign * magnitude;
}

static const struct {
  const char *name;
  Kind kind;
} COLLATIONS[] = {
    {"utf8mb4_general_ci", KIND_GENERAL}, {"utf8mb3_general_ci", KIND_GENERAL},
    {"utf8mb4_unicode_ci", KIND_UNICODE}, {"utf8mb3_unicode_ci", KIND_UNICODE},
    {"utf8mb4_bin", KIND_BIN},            {"utf8mb3_bin", KIND_BIN},
};

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_extension_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  if (error != 0) *error = 0;
  /* The library is loaded once per process, by connections on several threads (workers). */
  pthread_once(&tables_once, build_tables);
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < sizeof COLLATIONS / sizeof COLLATIONS[0]; i++)
    rc = sqlite3_create_collation(db, COLLATIONS[i].name, SQLITE_UTF8,
                                  (void *)(intptr_t)COLLATIONS[i].kind, compare);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_collation(db, "mysql_decimal", SQLITE_UTF8, 0, decimal_compare);
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_like_collated", 4, flags, 0, like_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_strcmp_collated", 3, flags, 0, compare_function, 0,
                                 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_instr_collated", 3, flags, 0, instr_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_find_in_set_collated", 3, flags, 0,
                                 find_in_set_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_weight_key", 2, flags, 0, weight_key_function, 0, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function(db, "mysql_weight_key", 3, flags, 0, weight_key_function, 0, 0);
  if (rc == SQLITE_OK) rc = register_page_io(db);
  if (rc == SQLITE_OK) rc = register_deadline(db);
  return rc;
}
