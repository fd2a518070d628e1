// collation: utf8mb4_general_ci (the default), utf8mb4_unicode_ci, utf8mb4_bin and the utf8mb3
// twins in =, LIKE, ORDER BY, GROUP BY, DISTINCT and unique keys, PAD SPACE, case mapping.
import { CaseList } from '../case.js';

const PAIRS: readonly (readonly [string, string])[] = [
  ['jose', 'José'],
  ['Alice   ', 'Alice'],
  ['a', 'A'],
  ['ß', 'ss'],
  ['Ä', 'a'],
  ['æ', 'ae'],
  ['résumé', 'RESUME'],
  ['a ', 'a'],
  ['a\t', 'a'],
  ['', ' '],
  ['ǅ', 'dž'],
  ['ı', 'i'],
  ['Ω', 'ω'],
  ['😀', '😁'],
  ['abc', 'abd'],
];
const COLLATIONS = [
  '',
  ' COLLATE utf8mb4_bin',
  ' COLLATE utf8mb4_unicode_ci',
  ' COLLATE utf8mb4_general_ci',
];
const WORDS = [
  'Zoe',
  'émile',
  'Émile',
  'zoe',
  'alice',
  'Alice',
  'Bob',
  'bob ',
  'Ångström',
  'ann',
  'Ann',
  '_x',
  '1a',
  'Ölaf',
  'oscar',
];

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function collationCases(): CaseList {
  const list = new CaseList('collation');
  for (const [a, b] of PAIRS) {
    for (const collation of COLLATIONS) {
      list.add(`${a} = ${b}${collation}`, [], `SELECT ${quote(a)} = ${quote(b)}${collation}`);
    }
    list.add(
      `${a} LIKE ${b}`,
      [],
      `SELECT ${quote(a)} LIKE ${quote(b)}, ${quote(a)} LIKE ${quote(b)} COLLATE utf8mb4_bin`,
    );
    list.add(
      `STRCMP ${a} ${b}`,
      [],
      `SELECT STRCMP(${quote(a)}, ${quote(b)}), ${quote(a)} < ${quote(b)}`,
    );
  }
  for (const w of WORDS) {
    list.add(
      `case map ${w}`,
      [],
      `SELECT LOWER(${quote(w)}), UPPER(${quote(w)}), LENGTH(${quote(w)}), CHAR_LENGTH(${quote(w)})`,
    );
  }
  list.selects(
    [],
    [
      "SELECT LOWER('ÉCOLE'), UPPER('straße'), UPPER('ǆ'), LOWER('İ')",
      "SELECT 'a' LIKE 'A', 'a%' LIKE 'A\\%', 'abc' LIKE 'a_c', 'é' LIKE 'e'",
      "SELECT 'abc' LIKE 'ABC' COLLATE utf8mb4_bin",
      "SELECT 'x' LIKE 'x ', 'x ' LIKE 'x'",
      "SELECT 'a_b' LIKE 'a\\_b', 'a%b' LIKE 'a|%b' ESCAPE '|'",
      "SELECT 'aaa' RLIKE 'A+', 'abc' REGEXP '^b'",
      'SELECT @@collation_connection, @@character_set_connection',
      'SELECT @@collation_server, @@character_set_server, @@collation_database',
      "SELECT COLLATION('a'), CHARSET('a')",
      "SELECT COLLATION('a' COLLATE utf8mb4_bin)",
      "SELECT 'a' COLLATE latin1_swedish_ci",
      "SELECT 'a' COLLATE no_such_collation",
      "SELECT 'A' IN ('a', 'b')",
      "SELECT FIELD('B', 'a', 'b'), FIND_IN_SET('B', 'a,b')",
      "SELECT LOCATE('B', 'abc'), INSTR('ABC', 'b'), REPLACE('aAa', 'a', 'x')",
      "SELECT MAX('a' COLLATE utf8mb4_bin), 'b' > 'A'",
      "SELECT 'Straße' = 'Strasse' COLLATE utf8mb4_unicode_ci",
      "SELECT 'Straße' = 'Strasse' COLLATE utf8mb4_unicode_520_ci",
      "SELECT 'a' = 'A' COLLATE utf8mb3_general_ci",
      "SELECT CONVERT('abc' USING utf8mb3) = 'ABC'",
      "SELECT _utf8mb4'a' = _latin1'A'",
      "SELECT CAST('a' AS BINARY) = 'A'",
      "SELECT BINARY 'a' = 'A'",
      "SELECT HEX('é'), HEX(CONVERT('é' USING latin1))",
    ],
  );
  const people = [
    'CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), bname VARCHAR(20) COLLATE utf8mb4_bin, uname VARCHAR(20) COLLATE utf8mb4_unicode_ci)',
    `INSERT INTO p VALUES ${WORDS.map((w, i) => `(${i + 1}, ${quote(w)}, ${quote(w)}, ${quote(w)})`).join(', ')}`,
  ];
  list.selects(people, [
    'SELECT name FROM p ORDER BY name, id',
    'SELECT bname FROM p ORDER BY bname',
    'SELECT uname FROM p ORDER BY uname, id',
    'SELECT name FROM p ORDER BY name DESC, id',
    'SELECT LOWER(name), COUNT(*) FROM p GROUP BY name ORDER BY 1',
    'SELECT COUNT(*) FROM p GROUP BY bname ORDER BY 1',
    'SELECT COUNT(DISTINCT name), COUNT(DISTINCT bname), COUNT(DISTINCT uname) FROM p',
    "SELECT id FROM p WHERE name = 'emile' ORDER BY id",
    "SELECT id FROM p WHERE bname = 'emile' ORDER BY id",
    "SELECT id FROM p WHERE name = 'BOB' ORDER BY id",
    "SELECT id FROM p WHERE name LIKE 'a%' ORDER BY id",
    "SELECT id FROM p WHERE bname LIKE 'a%' ORDER BY id",
    "SELECT id FROM p WHERE name LIKE '\\_%' ORDER BY id",
    "SELECT id FROM p WHERE name IN ('ZOE', 'ann') ORDER BY id",
    'SELECT MIN(name), MAX(name), MIN(bname), MAX(bname) FROM p',
    "SELECT id FROM p WHERE name > 'b' ORDER BY id",
    "SELECT id FROM p WHERE name BETWEEN 'a' AND 'c' ORDER BY id",
    'SELECT DISTINCT LOWER(name) FROM p ORDER BY 1',
    "SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR '|') FROM p",
    'SELECT a.id, b.id FROM p a JOIN p b ON a.name = b.name AND a.id < b.id ORDER BY 1, 2',
    "SELECT id FROM p WHERE name = 'bob' ORDER BY id",
    "SELECT id FROM p WHERE name = 'Olaf' ORDER BY id",
    "SELECT id FROM p WHERE uname = 'olaf' ORDER BY id",
    "SELECT id FROM p WHERE name COLLATE utf8mb4_bin = 'Ann' ORDER BY id",
    'SELECT name FROM p ORDER BY name COLLATE utf8mb4_bin',
  ]);
  const unique = (name: string, column: string, first: string, second: string): void =>
    list.add(
      name,
      [`CREATE TABLE u (v ${column} PRIMARY KEY)`, `INSERT INTO u VALUES (${quote(first)})`],
      `INSERT INTO u VALUES (${quote(second)})`,
      'SELECT COUNT(*) FROM u',
    );
  unique('unique trailing space', 'VARCHAR(10)', 'a', 'a ');
  unique('unique case', 'VARCHAR(10)', 'a', 'A');
  unique('unique accent', 'VARCHAR(10)', 'e', 'é');
  unique('unique bin case', 'VARCHAR(10) COLLATE utf8mb4_bin', 'a', 'A');
  unique('unique bin space', 'VARCHAR(10) COLLATE utf8mb4_bin', 'a', 'a ');
  unique('unique unicode ss', 'VARCHAR(10) COLLATE utf8mb4_unicode_ci', 'ß', 'ss');
  unique('unique general ss', 'VARCHAR(10)', 'ß', 'ss');
  unique('unique CHAR case', 'CHAR(5)', 'x', 'X');
  unique('unique VARBINARY case', 'VARBINARY(10)', 'x', 'X');
  unique('unique utf8mb3', 'VARCHAR(10) CHARACTER SET utf8mb3', 'q', 'Q');
  list.add(
    'table default collation',
    ['CREATE TABLE c (v VARCHAR(5)) COLLATE utf8mb4_bin', "INSERT INTO c VALUES ('a'), ('A')"],
    "SELECT COUNT(*) FROM c WHERE v = 'a'",
  );
  list.add(
    'database collation',
    [],
    'SELECT DEFAULT_COLLATION_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
  );
  list.add(
    'column collation in information_schema',
    [
      'CREATE TABLE c (a VARCHAR(5), b VARCHAR(5) COLLATE utf8mb4_bin, d TEXT CHARACTER SET utf8mb3)',
    ],
    "SELECT COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'c' ORDER BY ORDINAL_POSITION",
  );
  list.add(
    'SET NAMES',
    [],
    'SET NAMES utf8mb4 COLLATE utf8mb4_bin',
    "SELECT 'a' = 'A', @@collation_connection",
  );
  list.add(
    'SET NAMES utf8',
    [],
    'SET NAMES utf8',
    'SELECT @@character_set_client, @@collation_connection',
  );
  list.add('SET NAMES latin1', [], 'SET NAMES latin1', "SELECT @@character_set_results, 'é'");
  list.add(
    'emoji in utf8mb3 column',
    ['CREATE TABLE c (v VARCHAR(5) CHARACTER SET utf8mb3)'],
    "INSERT INTO c VALUES ('😀')",
    'SELECT v FROM c',
  );
  list.add(
    'GROUP BY trailing spaces',
    ['CREATE TABLE c (v VARCHAR(5))', "INSERT INTO c VALUES ('a'), ('a '), ('A')"],
    'SELECT COUNT(*) FROM c GROUP BY v',
  );
  list.add(
    'DISTINCT case',
    ['CREATE TABLE c (v VARCHAR(5))', "INSERT INTO c VALUES ('x'), ('X'), ('y')"],
    'SELECT COUNT(DISTINCT v) FROM c',
    'SELECT COUNT(*) FROM (SELECT DISTINCT v FROM c) d',
  );
  list.add(
    'CHAR pads and strips',
    ['CREATE TABLE c (v CHAR(5))', "INSERT INTO c VALUES ('ab  ')"],
    "SELECT CONCAT('[', v, ']'), LENGTH(v), v = 'ab' FROM c",
  );
  list.add(
    'VARCHAR keeps spaces',
    ['CREATE TABLE c (v VARCHAR(5))', "INSERT INTO c VALUES ('ab  ')"],
    "SELECT CONCAT('[', v, ']'), LENGTH(v), v = 'ab' FROM c",
  );
  connectionCases(list);
  columnCases(list);
  // A table made without a charset takes its database's (CREATE DATABASE … COLLATE
  // utf8mb4_unicode_ci, as frameworks' guides say): it took utf8mb4_general_ci, so 'ß' = 'ss'
  // was false; ALTER DATABASE changes the defaults of later tables (it was 1235).
  list.add(
    'a table takes its database default collation; ALTER DATABASE',
    [],
    'CREATE DATABASE cdb CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    'CREATE TABLE cdb.u (b VARCHAR(5), c VARCHAR(5) CHARACTER SET utf8mb4)',
    'SHOW CREATE TABLE cdb.u',
    "INSERT INTO cdb.u VALUES ('ß', 'ß')",
    "SELECT b = 'ss', c = 'ss' FROM cdb.u",
    'USE cdb',
    'SELECT @@collation_database, @@character_set_database',
    'ALTER DATABASE cdb COLLATE utf8mb4_bin',
    'SELECT @@collation_database',
    'CREATE TABLE v (b VARCHAR(5))',
    'SHOW CREATE TABLE v',
    'ALTER SCHEMA DEFAULT CHARACTER SET = utf8mb3',
    'SHOW CREATE DATABASE cdb',
    'ALTER DATABASE cdb',
    "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'cdb'",
    'CREATE DATABASE cdl CHARACTER SET latin1',
    'CREATE TABLE cdl.x (b VARCHAR(5))',
    'SHOW CREATE TABLE cdl.x',
    'CREATE TABLE cdl.y (a VARCHAR(30000)) COLLATE utf8mb4_bin',
    'CREATE TABLE cdl.z (a VARCHAR(10)) COLLATE utf8mb4_bin',
    'SHOW CREATE TABLE cdl.z',
    'DROP DATABASE cdb',
    'DROP DATABASE cdl',
  );
  // A binary string (VARBINARY, BLOB, BINARY) matches byte by byte: LIKE, LOCATE and INSTR
  // matched it case- and accent-insensitively under the connection's collation.
  list.add(
    'binary strings match byte by byte',
    [
      'CREATE TABLE bs (id INT PRIMARY KEY, vb VARBINARY(20), bl BLOB, bn BINARY(2), s VARCHAR(10))',
      "INSERT INTO bs VALUES (1, 'Hello', 'Hello', 'ab', 'Hello'), (2, 'hello', 'HELLO', 'AB', 'hello')",
    ],
    "SELECT id, vb LIKE 'hello', bl LIKE 'h%', bn LIKE 'AB%', s LIKE 'HELLO', vb LIKE 'h%' COLLATE utf8mb4_general_ci FROM bs ORDER BY id",
    "SELECT id, LOCATE('hel', vb), INSTR(bl, 'LL'), FIND_IN_SET('hello', vb), STRCMP(vb, 'hello'), vb REGEXP '^h' FROM bs ORDER BY id",
    "SELECT id FROM bs WHERE vb LIKE 'HELLO' OR bl LIKE '%ell%' ORDER BY id",
    'SELECT COLLATION(vb), CHARSET(bl), COLLATION(CONCAT(vb, s)), COLLATION(s) FROM bs WHERE id = 1',
  );
  return list;
}

/** collation_connection: SET NAMES … COLLATE, SET collation_connection, refused names. */
function connectionCases(list: CaseList): void {
  list.add(
    'SET NAMES unicode_ci',
    [],
    'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci',
    "SELECT 'ß' = 'ss', 'Ä' = 'a', COLLATION('x'), @@collation_connection",
  );
  list.add(
    'SET NAMES general_ci',
    [],
    'SET NAMES utf8mb4 COLLATE utf8mb4_general_ci',
    "SELECT 'ß' = 'ss', 'ß' = 's', 'Ä' = 'a', COLLATION('x')",
  );
  list.add(
    'SET collation_connection',
    [],
    'SET collation_connection = utf8mb4_bin',
    "SELECT 'a' = 'A', 'a ' = 'a', COLLATION('a'), 'a' LIKE 'A'",
  );
  list.add('SET NAMES wrong collation', [], 'SET NAMES utf8mb4 COLLATE latin1_bin');
  list.add('SET NAMES unknown charset', [], 'SET NAMES no_such_charset');
  list.add('SET NAMES unknown collation', [], 'SET NAMES utf8mb4 COLLATE utf8mb4_nonesuch');
  list.add(
    'column beats connection collation',
    ['CREATE TABLE c (v VARCHAR(5))', "INSERT INTO c VALUES ('a'), ('A'), ('b')"],
    'SET NAMES utf8mb4 COLLATE utf8mb4_bin',
    "SELECT COUNT(*) FROM c WHERE v = 'A'",
    "SELECT COUNT(*) FROM c WHERE v LIKE 'A%'",
  );
  list.selects(
    [],
    [
      "SELECT COLLATION_NAME, CHARACTER_SET_NAME, ID, IS_DEFAULT, SORTLEN FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_general_ci', 'utf8mb4_bin', 'utf8mb4_unicode_ci', 'utf8mb3_general_ci', 'utf8mb3_bin', 'binary') ORDER BY ID",
      "SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME, MAXLEN FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME IN ('utf8mb4', 'utf8mb3', 'binary') ORDER BY 1",
      "SHOW COLLATION LIKE 'utf8mb4_general_ci'",
      "SHOW COLLATION LIKE 'utf8mb4_unicode_ci'",
      "SHOW CHARACTER SET LIKE 'utf8mb4'",
      "SELECT STRCMP('a', 'B'), STRCMP('b' COLLATE utf8mb4_bin, 'B'), STRCMP('é', 'e')",
      "SELECT LOCATE('É', 'café'), INSTR('Straße', 'SS'), FIND_IN_SET('B ', 'a,b')",
      "SELECT 'ä' IN ('A', 'b'), 'x' BETWEEN 'A' AND 'Z', 'é' < 'f'",
      "SELECT 'a' COLLATE utf8mb4_bin = 'A' COLLATE utf8mb4_bin, 'a' COLLATE utf8_bin = 'A'",
      "SELECT UPPER('ǳ'), LOWER('ΣΑΣ'), UPPER('ﬁ')",
      "SELECT LOWER(_binary'ABC'), UPPER(X'616263')",
    ],
  );
}

/** Column collations through functions, joins and keys. */
function columnCases(list: CaseList): void {
  const setup = [
    'CREATE TABLE c (a VARCHAR(9), b VARCHAR(9) COLLATE utf8mb4_bin, u VARCHAR(9) COLLATE utf8mb4_unicode_ci, m VARCHAR(9) CHARACTER SET utf8mb3)',
    "INSERT INTO c VALUES ('Straße', 'Straße', 'Straße', 'Straße'), ('STRASSE', 'STRASSE', 'STRASSE', 'STRASSE'), ('strase', 'strase', 'strase', 'strase'), ('Ärger', 'Ärger', 'Ärger', 'Ärger'), ('arger ', 'arger ', 'arger ', 'arger ')",
  ];
  list.selects(setup, [
    'SELECT COLLATION(a), COLLATION(b), COLLATION(u), COLLATION(m), CHARSET(m) FROM c LIMIT 1',
    "SELECT COLLATION(LOWER(b)), COLLATION(CONCAT(u, 'x')), COLLATION(a COLLATE utf8mb4_bin) FROM c LIMIT 1",
    'SELECT COUNT(DISTINCT a), COUNT(DISTINCT b), COUNT(DISTINCT u), COUNT(DISTINCT m) FROM c',
    "SELECT COUNT(*) FROM c WHERE u = 'strasse'",
    "SELECT COUNT(*) FROM c WHERE a = 'strasse'",
    "SELECT COUNT(*) FROM c WHERE m = 'ARGER'",
    "SELECT COUNT(*) FROM c WHERE u LIKE 'stra%e'",
    "SELECT COUNT(*) FROM c WHERE b LIKE 'stra%'",
    "SELECT COUNT(*) FROM c WHERE LOWER(b) = 'strasse'",
    'SELECT COUNT(*) FROM c x JOIN c y ON x.u = y.a',
    'SELECT COUNT(*) FROM c x JOIN c y ON x.u = y.a COLLATE utf8mb4_general_ci',
    'SELECT COUNT(*) FROM c x JOIN c y ON x.a = y.m',
    'SELECT a FROM c ORDER BY u, a COLLATE utf8mb4_bin',
    'SELECT UPPER(u), COUNT(*) FROM c GROUP BY u ORDER BY 1',
    'SELECT DISTINCT LOWER(m) FROM c ORDER BY 1',
    'SELECT MIN(u), MAX(u), MIN(b), MAX(b) FROM c',
  ]);
  list.add(
    'unique utf8mb3 bin trailing space',
    ['CREATE TABLE u (v VARCHAR(10) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin UNIQUE)'],
    "INSERT INTO u VALUES ('k'), ('k  ')",
    "INSERT INTO u VALUES ('K')",
    'SELECT COUNT(*) FROM u',
  );
  list.add(
    'unique unicode accent',
    ['CREATE TABLE u (v VARCHAR(10) COLLATE utf8mb4_unicode_ci, UNIQUE KEY (v))'],
    "INSERT INTO u VALUES ('Ärger')",
    "INSERT INTO u VALUES ('arger')",
    "INSERT INTO u VALUES ('ärger ')",
    'SELECT COUNT(*) FROM u',
  );
  list.add(
    'ALTER column collation',
    ['CREATE TABLE c (v VARCHAR(5))', "INSERT INTO c VALUES ('a'), ('A')"],
    'ALTER TABLE c MODIFY v VARCHAR(5) COLLATE utf8mb4_bin',
    "SELECT COUNT(*) FROM c WHERE v = 'a'",
    'CREATE UNIQUE INDEX v ON c (v)',
  );
  list.add(
    'UPDATE and DELETE LIKE on a bin column',
    [
      'CREATE TABLE c (v VARCHAR(5) COLLATE utf8mb4_bin, n INT)',
      "INSERT INTO c VALUES ('a', 1), ('A', 2), ('b', 3), ('B', 4)",
    ],
    "UPDATE c SET n = 0 WHERE v LIKE 'A%'",
    "DELETE FROM c WHERE v LIKE 'b'",
    'SELECT v, n FROM c ORDER BY v',
  );
  list.add(
    'emoji in utf8mb3 column, not strict',
    ['CREATE TABLE c (v VARCHAR(9) CHARACTER SET utf8mb3)'],
    "SET sql_mode = ''",
    "INSERT INTO c VALUES ('ab😀cd')",
    'SELECT v, HEX(v) FROM c',
  );
}
