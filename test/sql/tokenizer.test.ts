// Goal: the tokenizer follows MySQL's lexical rules. Method: table-driven cases comparing
// token types and texts, plus lexical errors that must come back as ER_PARSE_ERROR values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARSE_MODE, type Token, parseModesOf, tokenize } from '../../src/sql/index.js';

function tokens(sql: string): string[] {
  const result = tokenize(sql);
  assert.ok(result.ok, `tokenize failed: ${sql}`);
  return result.value
    .filter((t) => t.type !== 'eof')
    .map((t: Token) => `${t.type}:${t.text}${t.extra ? '/' + t.extra : ''}`);
}

const CASES: [string, string[]][] = [
  ['SELECT c FROM t', ['word:SELECT', 'word:c', 'word:FROM', 'word:t']],
  ['`a``b`.`c`', ['ident:a`b', 'op:.', 'ident:c']],
  ["'it''s' \"dq\\\"x\" 'a\\nb'", ["string:it's", 'string:dq"x', 'string:a\nb']],
  ["'100\\%'", ['string:100\\%']],
  ["_utf8mb4'x' N'y' _binary'z'", ['string:x/utf8mb4', 'string:y/utf8mb3', 'string:z/binary']],
  // A character set's introducer may stand apart from its string; a column so named may not.
  [
    "_binary 'a' _latin1  'b' _id 'x'",
    ['string:a/binary', 'string:b/latin1', 'word:_id', 'string:x'],
  ],
  ["X'0aFF' 0x1f b'101' 0b11", ['hex:0aFF', 'hex:1f', 'bit:101', 'bit:11']],
  [
    '1 2.5 .5 3e10 1.5E-3 7.',
    ['int:1', 'decimal:2.5', 'decimal:.5', 'float:3e10', 'float:1.5E-3', 'decimal:7.'],
  ],
  [
    '? @a @`b c` @@version @@global.max_connections @@SESSION.sql_mode',
    [
      'param:?',
      'uservar:a',
      'uservar:b c',
      'sysvar:version',
      'sysvar:max_connections/global',
      'sysvar:sql_mode/session',
    ],
  ],
  [
    'a<=>b := c || d && e != f <> g -> h ->> i << j >> k',
    [
      'word:a',
      'op:<=>',
      'word:b',
      'op::=',
      'word:c',
      'op:||',
      'word:d',
      'op:&&',
      'word:e',
      'op:!=',
      'word:f',
      'op:<>',
      'word:g',
      'op:->',
      'word:h',
      'op:->>',
      'word:i',
      'op:<<',
      'word:j',
      'op:>>',
      'word:k',
    ],
  ],
  ['a -- comment\nb # hash\nc /* block */ d', ['word:a', 'word:b', 'word:c', 'word:d']],
  ['a--b', ['word:a', 'op:-', 'op:-', 'word:b']],
  ['/*!40101 SET NAMES utf8 */', ['word:SET', 'word:NAMES', 'word:utf8']],
  [') /*! ENGINE = innodb */', ['op:)', 'word:ENGINE', 'op:=', 'word:innodb']],
  ['/*M!100100 x */ y', ['word:x', 'word:y']],
  ['1st_table', ['word:1st_table']],
];

test('tokenizer cases', () => {
  for (const [sql, expected] of CASES) assert.deepEqual(tokens(sql), expected, sql);
});

// As MariaDB: MySQL 5.7's and 8.0's versions are skipped in `/*!` comments, not in `/*M!`; DDL
// replicated under DDL rules below 6 reads them as releases before 6 did (PARSE_MODE).
test('versioned comments of MySQL 5.7 and 8.0 are skipped, unless read as before rules 6', () => {
  const words = (sql: string, modes = 0): string[] => {
    const result = tokenize(sql, modes);
    assert.ok(result.ok, sql);
    return result.value.filter((t) => t.type !== 'eof').map((t) => t.text);
  };
  assert.deepEqual(words('a /*!80001 b */ c'), ['a', 'c']);
  assert.deepEqual(words('a /*!50700 b */ /*!99999 c */ d'), ['a', 'd']);
  assert.deepEqual(words('a /*!50699 b */ /*!100000 c */ d'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(words('a /*M!50700 b */ c'), ['a', 'b', 'c']);
  assert.deepEqual(words('a /*!80001 b */ c', PARSE_MODE.mysqlVersionedComments), ['a', 'b', 'c']);
});

test('keywords are compared upper-cased, identifiers keep their case', () => {
  const result = tokenize('select Sbtest1');
  assert.ok(result.ok);
  assert.equal(result.value[0]!.upper, 'SELECT');
  assert.equal(result.value[1]!.text, 'Sbtest1');
});

test('token offsets point into the text', () => {
  const sql = "SELECT  'x'";
  const result = tokenize(sql);
  assert.ok(result.ok);
  const t = result.value[1]!;
  assert.equal(sql.slice(t.start, t.end), "'x'");
});

test('lexical errors are ER_PARSE_ERROR values with the near text', () => {
  for (const [sql, near] of [
    ["SELECT 'abc", "'abc"],
    ['SELECT `abc', '`abc'],
    ['SELECT 1 /* open', '/* open'],
    ["SELECT X'0g'", "X'0g'"],
    ['SELECT 1 \\ 2', '\\ 2'],
  ] as const) {
    const result = tokenize(sql);
    assert.ok(!result.ok, sql);
    assert.equal(result.error.code, 1064);
    assert.ok(
      result.error.kind === 'parse' && result.error.near === near,
      `${sql}: ${result.error.message}`,
    );
  }
});

test('ANSI_QUOTES and NO_BACKSLASH_ESCAPES change what the tokenizer reads', () => {
  const read = (sql: string, sqlMode: string): string[] => {
    const result = tokenize(sql, parseModesOf(sqlMode));
    assert.ok(result.ok, `tokenize failed: ${sql}`);
    return result.value.filter((t) => t.type !== 'eof').map((t) => `${t.type}:${t.text}`);
  };
  assert.deepEqual(read('"a""b" \'c\'', 'ANSI_QUOTES'), ['ident:a"b', 'string:c']);
  assert.deepEqual(read("'a\\nb' 'c\\'", 'NO_BACKSLASH_ESCAPES'), ['string:a\\nb', 'string:c\\']);
});
