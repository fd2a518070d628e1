// Goal: the collation extension compares, matches and searches as MariaDB 10.11 does (answers
// taken from it), on every connection the storage layer opens. Method: a table of expressions
// with MariaDB's results, evaluated on an in-memory connection, and a table with a unique key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteDatabase } from '../../src/storage/sqlite.js';

const CASES: readonly (readonly [string, number])[] = [
  ["'a' = 'A' COLLATE utf8mb4_general_ci", 1],
  ["'a' = 'A' COLLATE utf8mb4_bin", 0],
  ["'a ' = 'a' COLLATE utf8mb4_bin", 1],
  ["'a\t' < 'a' COLLATE utf8mb4_bin", 1],
  ["'ß' = 'ss' COLLATE utf8mb4_unicode_ci", 1],
  ["'ß' = 'ss' COLLATE utf8mb4_general_ci", 0],
  ["'ß' = 's' COLLATE utf8mb4_general_ci", 1],
  ["'résumé' = 'RESUME' COLLATE utf8mb3_general_ci", 1],
  ["'ǅ' = 'dž' COLLATE utf8mb4_unicode_ci", 1],
  ["'ǅ' = 'dž' COLLATE utf8mb4_general_ci", 0],
  ["'😀' = '😁' COLLATE utf8mb4_general_ci", 1],
  ["'😀' = '😁' COLLATE utf8mb4_bin", 0],
  ["mysql_like_collated('José', 'jose', '\\', 'utf8mb4_general_ci')", 1],
  ["mysql_like_collated('a', 'A', '\\', 'utf8mb4_bin')", 0],
  ["mysql_like_collated('x ', 'x', '\\', 'utf8mb4_general_ci')", 0],
  ["mysql_like_collated('a_b', 'a\\_b', '\\', 'utf8mb4_general_ci')", 1],
  ["mysql_like_collated('axb', 'a\\_b', '\\', 'utf8mb4_general_ci')", 0],
  ["mysql_like_collated('😀', '😁', '\\', 'utf8mb4_general_ci')", 0],
  ["mysql_instr_collated('Straße', 'SS', 'utf8mb4_unicode_ci')", 5],
  ["mysql_instr_collated('café', 'É', 'utf8mb4_general_ci')", 4],
  ["mysql_find_in_set_collated('B', 'a,b', 'utf8mb4_general_ci')", 2],
  ["mysql_find_in_set_collated('B ', 'a,b', 'utf8mb4_general_ci')", 0],
  ["mysql_strcmp_collated('é', 'e', 'utf8mb4_general_ci')", 0],
  ["mysql_strcmp_collated('b', 'B', 'utf8mb4_bin')", 1],
];

test('collations and collated functions give MariaDB answers', () => {
  const db = new SqliteDatabase(':memory:');
  try {
    for (const [expression, expected] of CASES) {
      const row = db.prepare(`SELECT ${expression} AS v`).get() as { v: number };
      assert.equal(row.v, expected, expression);
    }
  } finally {
    db.close();
  }
});

test('a unique key under a collation refuses PAD SPACE, case and accent twins', () => {
  const db = new SqliteDatabase(':memory:');
  try {
    db.exec('CREATE TABLE t (v TEXT COLLATE utf8mb4_unicode_ci UNIQUE)');
    db.exec("INSERT INTO t VALUES ('Straße')");
    for (const twin of ['strasse', 'STRASSE  ', 'straße'])
      assert.throws(() => db.prepare('INSERT INTO t VALUES (?)').run(twin), /UNIQUE/, twin);
    db.prepare('INSERT INTO t VALUES (?)').run('strase');
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 2);
  } finally {
    db.close();
  }
});
