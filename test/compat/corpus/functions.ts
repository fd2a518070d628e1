// functions: built-in string, numeric, control-flow, comparison, bit, JSON and information
// functions on literals, one SELECT each.
import { CaseList } from '../case.js';

const STRING = [
  "CONCAT('a', 'b', 'c')",
  "CONCAT('a', NULL)",
  'CONCAT(1, 2.5)',
  "CONCAT_WS(',', 'a', NULL, 'b')",
  "CONCAT_WS(NULL, 'a')",
  "SUBSTRING('hello', 2)",
  "SUBSTRING('hello', 2, 3)",
  "SUBSTRING('hello', -3)",
  // A length below 1 is '' (SQLite's substr took the characters before the position), and a
  // fractional one is rounded.
  "SUBSTRING('abc', 2, -1)",
  "SUBSTRING('abc', 2, 0)",
  "SUBSTRING('abc', 2, NULL)",
  "SUBSTRING('abc', 2, 1.6)",
  "SUBSTRING('hello', 0)",
  "SUBSTRING('hello' FROM 2 FOR 2)",
  "SUBSTR('héllo', 2, 2)",
  "MID('hello', 2, 2)",
  "LEFT('hello', 2)",
  "RIGHT('hello', 2)",
  "LEFT('hello', -1)",
  "LPAD('5', 3, '0')",
  "LPAD('hello', 3, '0')",
  "RPAD('ab', 5, 'xy')",
  "LPAD('a', 4, '')",
  "REPEAT('ab', 3)",
  "REPEAT('ab', -1)",
  "REPLACE('banana', 'an', 'AN')",
  "REVERSE('abc')",
  "INSTR('foobar', 'bar')",
  "LOCATE('o', 'foo', 3)",
  "POSITION('b' IN 'abc')",
  "TRIM('  x  ')",
  "TRIM(LEADING 'x' FROM 'xxaxx')",
  "TRIM(TRAILING 'x' FROM 'xxaxx')",
  "TRIM(BOTH 'ab' FROM 'ababcab')",
  "LTRIM('  x '), RTRIM(' x  ')",
  'SPACE(3)',
  "ASCII('A'), ASCII(''), ORD('é')",
  'CHAR(65, 66)',
  "HEX('abc'), HEX(255), HEX(-1)",
  "UNHEX('616263')",
  "UNHEX('zz')",
  'FORMAT(1234567.891, 2)',
  'FORMAT(1234.5, 0)',
  "FORMAT(1234.5, 2, 'de_DE')",
  "CONV(255, 10, 16), CONV('ff', 16, 2)",
  'BIN(5), OCT(8)',
  "ELT(2, 'a', 'b', 'c'), ELT(5, 'a')",
  "FIELD('b', 'a', 'b', 'c'), FIELD('z', 'a')",
  "FIND_IN_SET('b', 'a,b,c'), FIND_IN_SET('d', 'a,b')",
  "MAKE_SET(5, 'a', 'b', 'c')",
  "QUOTE('it''s'), QUOTE(NULL)",
  "SOUNDEX('Robert')",
  "INSERT('Quadratic', 3, 4, 'What')",
  "SUBSTRING_INDEX('www.mysql.com', '.', 2)",
  "SUBSTRING_INDEX('www.mysql.com', '.', -2)",
  "LCASE('AbC'), UCASE('aBc')",
  "MD5('abc')",
  "SHA1('abc')",
  "SHA2('abc', 256)",
  "CRC32('abc')",
  "TO_BASE64('abc'), FROM_BASE64('YWJj')",
  "LENGTH('héllo'), CHAR_LENGTH('héllo'), BIT_LENGTH('a')",
  "OCTET_LENGTH('é')",
  "STRCMP('a', 'b'), STRCMP('b', 'a'), STRCMP('a', 'a')",
  "CONCAT('x', 1 + 1)",
  "'abc' || 'def'",
  'LOWER(NULL), UPPER(1)',
  'CHAR_LENGTH(12345)',
  "REGEXP_REPLACE('abc123', '[0-9]', 'X')",
  "REGEXP_SUBSTR('abc123def', '[0-9]+')",
  "REGEXP_INSTR('abc123', '[0-9]')",
  "'a' REGEXP 'A'",
  "NULL REGEXP 'a'",
  "EXPORT_SET(5, 'Y', 'N', ',', 4)",
  'LEFT(NULL, 2)',
  "REPLACE(NULL, 'a', 'b')",
  "CONCAT('a', 0x41)",
  "0x41, X'4142', b'1000001'",
  '0x41 + 0',
  '0x10 = 16, 0x10 * 2, 16 IN (0x10, 0x11)',
  "'5' + '5'",
  "'1.5e1' + 0",
  "' 7' + 0",
  "'0x10' + 0",
];

const NUMERIC = [
  'ABS(-5), ABS(-5.5), ABS(NULL)',
  'CEIL(1.2), CEILING(-1.2), FLOOR(-1.2)',
  'CEIL(1.2e0), FLOOR(1.7e0)',
  'MOD(10, 3), MOD(-10, 3), MOD(10, -3)',
  'MOD(10.5, 3)',
  'POW(2, 10), POWER(2, -1)',
  'SQRT(16), SQRT(-1)',
  'EXP(1)',
  'LN(10), LOG(10), LOG(2, 8), LOG2(8), LOG10(1000)',
  'LN(0), LOG(-1)',
  'SIGN(-3), SIGN(0), SIGN(2.5)',
  'PI()',
  'GREATEST(1, 2, 3), LEAST(1, 2, 3)',
  "GREATEST(1, '2', 3)",
  "GREATEST('a', 'B', 'c')",
  'GREATEST(1, NULL, 3)',
  'GREATEST(1.5, 2)',
  'DEGREES(PI()), RADIANS(180)',
  'SIN(0), COS(0), TAN(0)',
  'ASIN(1), ACOS(1), ATAN(1)',
  'ATAN2(1, 1), ATAN(1, 1)',
  'COT(1)',
  'CRC32(NULL)',
  'RAND(1) < 1',
  'ROUND(RAND(7), 10)',
  'RAND(0), RAND(-1), RAND(123456789)',
  'TRUNCATE(1.999, 1)',
  '1 + 1, 1 - 2, 2 * 3',
  '7 / 2, 7 DIV 2, 7 % 2',
  '-7 / 2, -7 DIV 2, -7 % 2',
  '9223372036854775807 + 1',
  '-9223372036854775808 - 1',
  '18446744073709551615 + 0',
  '18446744073709551615 + 1',
  '9223372036854775807 * 2',
  '1e308 * 10',
  '~0',
  '~1',
  '1 << 3, 16 >> 2',
  '1 << 64',
  '5 & 3, 5 | 3, 5 ^ 3',
  '-1 & 1',
  // Bit operators over unsigned 64 bits (SQLite's signed ones kept -1 >> 1 negative).
  '-1 >> 1, -2 >> 62, 5 >> -1, -1 << 1',
  '18446744073709551615 >> 1, CAST(-1 AS UNSIGNED) >> 60, 18446744073709551614 | 0',
  "1.5 << 1, ~1.5, '3' << 2, '3x' << 1, NULL | 1, 7 ^ -1",
  'BIT_COUNT(255)',
  "'3' * '4'",
  '0.1 + 0.2e0',
  '10 / 0',
  'POW(0, 0)',
  // Past DOUBLE's range: 1690 (SQLite's Infinity was sent as digits, NaN as NULL).
  'EXP(1000)',
  'POW(0, -1)',
  'POWER(10, 400)',
  'POW(-8, 1/3)',
  'COT(0)',
  '1e308 / 1e-308',
  'EXP(-1000), COT(1), POW(2, 0.5)',
  "CAST('1e400' AS DOUBLE)",
  "CAST('1x' AS DOUBLE)",
  "'-1e400' * 1",
  'CAST(-1 AS UNSIGNED)',
  'CAST(18446744073709551615 AS SIGNED)',
  'CAST(1e300 AS SIGNED), CAST(-9.5e18 AS SIGNED), CAST(2.5 AS SIGNED), CAST(-2.5 AS SIGNED)',
  'CAST(1e300 * 2 AS SIGNED), CAST(1e300 AS UNSIGNED)',
  "CAST('-5' AS UNSIGNED)",
  "CAST(' 5 ' AS SIGNED)",
  'CAST(1.5 AS INTEGER)',
  'CAST(5 AS CHAR(1))',
  "CAST('abc' AS CHAR(2))",
  'CAST(NULL AS SIGNED)',
  'CAST(TRUE AS SIGNED)',
  "CONVERT('12', SIGNED)",
  'CONVERT(12, CHAR)',
  "CAST('1' AS JSON)",
];

const CONTROL = [
  'IF(1, 2, 3), IF(0, 2, 3), IF(NULL, 2, 3)',
  "IF(1, 'a', 2)",
  'IF(1, 1, 2.5)',
  'IF(0, 1, 2.5)',
  'IF(1, 1.5, NULL)',
  'IFNULL(NULL, 5), IFNULL(1, 5)',
  "IFNULL(NULL, 'x')",
  'NULLIF(1, 1), NULLIF(1, 2)',
  "NULLIF('a', 'A')",
  'COALESCE(NULL, NULL, 3)',
  'COALESCE(NULL, 1.5, 2)',
  "COALESCE(NULL, 'a', 1)",
  'COALESCE(NULL)',
  "CASE 1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END",
  "CASE 3 WHEN 1 THEN 'one' END",
  "CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END",
  'CASE WHEN 0 THEN 1 ELSE 2.5 END',
  "CASE 'a' WHEN 'A' THEN 'ci' ELSE 'cs' END",
  'CASE NULL WHEN NULL THEN 1 ELSE 0 END',
  'ISNULL(NULL), ISNULL(0)',
  'NULL IS NULL, 0 IS NOT NULL',
  '1 IS TRUE, 0 IS FALSE, NULL IS UNKNOWN',
  '2 IS TRUE, -1 IS TRUE',
  'INTERVAL(5, 1, 3, 7)',
  'INTERVAL(NULL, 1)',
];

const COMPARISON = [
  "'10' = 10",
  "10 > '9'",
  "'10' > '9'",
  "'abc' = 0",
  "'1abc' = 1",
  "'' = 0",
  "' 1' = 1",
  "'1.0' = 1",
  "'1e1' = 10",
  "UPPER('a') = 0, '2' < 10, 10 <=> '10.0', -'x' = '0'",
  // Django 3.2's MariaDB introspection (its + adds, so both sides are numbers).
  "LOWER('json_valid(`attrs`)') = 'json_valid(`' + LOWER('attrs') + '`)'",
  'NULL = NULL',
  'NULL <=> NULL',
  '1 <=> NULL',
  '1 <> 2, 1 != 1',
  '1 IN (1, 2), 3 IN (1, 2), NULL IN (1), 1 IN (NULL, 2)',
  '1 NOT IN (2, NULL)',
  "'a' IN ('A', 'b')",
  "1 IN ('1', 'x')",
  '2 BETWEEN 1 AND 3, 2 NOT BETWEEN 1 AND 3',
  "'b' BETWEEN 'a' AND 'c'",
  '1 BETWEEN 2 AND NULL',
  '(1, 2) = (1, 2)',
  '(1, 2) < (1, 3)',
  '(1, 2) IN ((1, 2), (3, 4))',
  '1 = 1.0',
  '0.1 + 0.2 = 0.3',
  '1 AND 0, 1 OR 0, NOT 1',
  '1 XOR 1, 1 XOR 0',
  'NULL AND 0, NULL OR 1, NULL AND 1',
  "'a' AND 1",
  '2 > 1 > 0',
  '1 = 1 = 1',
  '-0 = 0',
  "'abc' < 'abd'",
  "'a' < 'a '",
  '18446744073709551615 > -1',
  'CAST(-1 AS UNSIGNED) > 0',
  '9223372036854775807 = 9223372036854775806',
  '9223372036854775807 = 9223372036854775806.0',
  "'9223372036854775807' = 9223372036854775806",
  'TRUE + TRUE, FALSE',
  "LEAST('10', 9)",
  "1 LIKE '1'",
  "10 LIKE '1%'",
];

const JSON_FUNCTIONS = [
  "JSON_OBJECT('a', 1, 'b', 'x')",
  "JSON_ARRAY(1, 'a', NULL, TRUE)",
  'JSON_EXTRACT(\'{"a": {"b": [10, 20]}}\', \'$.a.b[1]\')',
  'JSON_EXTRACT(\'{"a": "x"}\', \'$.a\')',
  'JSON_UNQUOTE(JSON_EXTRACT(\'{"a": "x"}\', \'$.a\'))',
  "JSON_EXTRACT('{\"a\": 1}', '$.b')",
  "JSON_EXTRACT('[1, 2, 3]', '$[*]')",
  "JSON_VALUE('{\"a\": 1.5}', '$.a')",
  "JSON_QUERY('{\"a\": [1]}', '$.a')",
  "JSON_SET('{\"a\": 1}', '$.b', 2)",
  "JSON_SET('{\"a\": 1}', '$.a', 3)",
  "JSON_INSERT('{\"a\": 1}', '$.a', 3, '$.c', 4)",
  "JSON_REPLACE('{\"a\": 1}', '$.a', 3, '$.c', 4)",
  'JSON_REMOVE(\'{"a": 1, "b": 2}\', \'$.a\')',
  "JSON_REMOVE('[1, 2, 3]', '$[1]')",
  "JSON_ARRAY_APPEND('[1]', '$', 2)",
  "JSON_ARRAY_INSERT('[1, 3]', '$[1]', 2)",
  "JSON_CONTAINS('[1, 2]', '1')",
  "JSON_CONTAINS('{\"a\": 1}', '1', '$.a')",
  'JSON_CONTAINS(\'{"a": 1, "b": [1, 2]}\', \'{"b": [2]}\'), JSON_CONTAINS(\'{"a": 1}\', \'{"a": 1, "c": 1}\')',
  "JSON_CONTAINS('{\"langs\": [\"en\", \"fr\"]}', '\"fr\"', '$.langs'), JSON_CONTAINS('[1, [2, 3]]', '[3, 1]')",
  "JSON_CONTAINS('{\"a\": 1}', '1', '$.b'), JSON_CONTAINS('[{\"a\": 1, \"b\": 2}]', '{\"a\": 1}')",
  "JSON_LENGTH('{\"langs\": [\"en\"]}', '$$.langs'), JSON_CONTAINS('{\"a\": 1}', '1', '$x')",
  "JSON_CONTAINS_PATH('{\"a\": 1}', 'one', '$.a', '$.b')",
  'JSON_KEYS(\'{"a": 1, "b": 2}\')',
  'JSON_EXTRACT(\'{"n": 5.50, "a": {"b": [1, 2]}}\', \'$.n\', \'$.a\')',
  "JSON_EXTRACT('{\"a\": [1, {\"b\": 2}]}', '$**.b'), JSON_EXTRACT('[1, 2]', '$[0]', '$[5]')",
  "JSON_EXTRACT('{\"a\": \"x\"}', '$.a') = 'x', JSON_EXTRACT('{\"n\": 5}', '$.n') > 4",
  "JSON_ARRAY(JSON_EXTRACT('{\"a\": [1]}', '$.a'), JSON_OBJECT('k', FALSE))",
  "JSON_OBJECT('a', JSON_ARRAY(1, 2), 'b', NULL)",
  "JSON_LENGTH('[1, 2, 3]'), JSON_LENGTH('{\"a\": 1}')",
  "JSON_DEPTH('[1, [2]]')",
  "JSON_TYPE('1'), JSON_TYPE('\"a\"'), JSON_TYPE('[]'), JSON_TYPE('{}'), JSON_TYPE('null')",
  "JSON_TYPE('1.5'), JSON_TYPE('true')",
  "JSON_VALID('{\"a\": 1}'), JSON_VALID('not json'), JSON_VALID(NULL)",
  "JSON_QUOTE('a\"b')",
  'JSON_MERGE_PATCH(\'{"a": 1}\', \'{"a": null, "b": 2}\')',
  'JSON_MERGE_PRESERVE(\'{"a": 1}\', \'{"a": 2}\')',
  "JSON_SEARCH('[\"a\", \"b\"]', 'one', 'b')",
  'JSON_COMPACT(\'{ "a" :  1 }\')',
  "JSON_EXTRACT('not json', '$')",
  "JSON_EXTRACT('{\"a\": 1}', 'bad path')",
  "JSON_SET('{\"a\": 1}', '$.a', JSON_OBJECT('x', 1))",
  "JSON_SET('{\"a\": 1}', '$.b', '{\"y\": 2}')",
  "JSON_ARRAY_APPEND('[1]', '$', JSON_ARRAY(2, 3))",
  "JSON_INSERT('{}', '$.k', JSON_EXTRACT('{\"q\": [1]}', '$.q'))",
  "JSON_REPLACE('{\"a\": 1}', '$.a', JSON_ARRAY())",
  "JSON_SET('{\"a\": 1}', '$.a', '{\"x\": 1}')",
  "JSON_OBJECT('a', 1.50)",
  "JSON_ARRAY(CAST('2024-01-05' AS DATE))",
  "JSON_EXTRACT('{\"a\": 1}', '$.a') = 1",
  'JSON_EXTRACT(\'{"a": "1"}\', \'$.a\') = 1',
  'JSON_UNQUOTE(\'"\\\\u00e9"\')',
  "JSON_OBJECT('a', 1) = JSON_OBJECT('a', 1)",
  'JSON_ARRAYAGG(1)',
];

const INFO = [
  'DATABASE()',
  'SCHEMA()',
  "USER() LIKE 'root@%'",
  'CURRENT_USER()',
  'ROW_COUNT()',
  'LAST_INSERT_ID()',
  'LAST_INSERT_ID(42), LAST_INSERT_ID()',
  'CONNECTION_ID() > 0',
  "VERSION() LIKE '10.11%'",
  '@@version_comment IS NOT NULL',
  '@@autocommit, @@tx_isolation, @@transaction_isolation',
  '@@max_allowed_packet > 0',
  '@@lower_case_table_names',
  '@@sql_auto_is_null, @@big_tables',
  '@@character_set_client, @@character_set_results',
  '@@warning_count, @@error_count',
  '@@no_such_variable',
  '@@session.auto_increment_increment, @@auto_increment_offset',
  '@@unique_checks, @@foreign_key_checks',
  'BENCHMARK(10, 1 + 1)',
  'SLEEP(0)',
  'SLEEP(0.2)',
  'NOW() = SYSDATE() OR 1',
  'CURDATE() = CURRENT_DATE',
  'LENGTH(UUID())',
  'UUID() = UUID()',
  "COERCIBILITY('a'), COERCIBILITY(1)",
  'CHARSET(1), COLLATION(1)',
  "INET_ATON('10.0.0.1'), INET_NTOA(167772161)",
  "INET6_NTOA(INET6_ATON('::1'))",
  "INET6_NTOA(INET6_ATON('10.0.5.9')), HEX(INET6_ATON('fdfe::5a55:caff:fefa:9089'))",
  "INET6_NTOA(INET6_ATON('fdfe::5a55:caff:fefa:9089')), INET6_NTOA(INET6_ATON('::ffff:1.2.3.4'))",
  "INET6_ATON('nope'), INET6_NTOA(INET6_ATON('1:0:0:2:0:0:0:3')), INET6_NTOA(INET6_ATON('::'))",
  "GET_FORMAT(DATE, 'USA'), GET_FORMAT(DATETIME, 'JIS'), GET_FORMAT(TIME, 'EUR')",
  "GET_FORMAT(TIMESTAMP, 'INTERNAL'), GET_FORMAT(DATE, 'nope')",
  "COERCIBILITY('a' COLLATE utf8mb4_bin), COERCIBILITY(NULL), COERCIBILITY(USER())",
  "IS_IPV4('10.0.0.1'), IS_IPV6('::1')",
  'DEFAULT(1)',
  'NO_SUCH_FUNCTION(1)',
  'ABS()',
  'CONCAT()',
  'ROUND(1, 2, 3)',
  'LOWER()',
  "SUBSTRING('a')",
  'COUNT(*)',
  'SUM(1)',
  'MAX(NULL)',
  'COUNT(NULL)',
  'GROUP_CONCAT(1)',
  'BIT_AND(7), BIT_OR(7), BIT_XOR(7)',
  'STD(1)',
  '@a := 5, @a',
  '@undefined_var',
];

// JSON_TABLE (MariaDB 10.11): a JSON document's rows as a table in FROM.
const JT_DOC = `'[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": "z"}]'`;
const JSON_TABLE_SELECTS: readonly string[] = [
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (id FOR ORDINALITY, a INT PATH '$.a', b VARCHAR(10) PATH '$.b')) jt`,
  `SELECT jt.b, jt.id FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (id FOR ORDINALITY, b TEXT PATH '$.b')) AS jt WHERE jt.id > 1`,
  `SELECT a + 1, b FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a BIGINT PATH '$.a', b CHAR(3) PATH '$.b')) AS jt ORDER BY a DESC`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a' DEFAULT '7' ON ERROR, b VARCHAR(5) PATH '$.b' DEFAULT 'none' ON EMPTY)) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (b VARCHAR(5) PATH '$.b' NULL ON EMPTY)) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (b VARCHAR(5) PATH '$.b' ERROR ON EMPTY)) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a' ERROR ON ERROR)) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a' NULL ON ERROR)) AS jt`,
  `SELECT * FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (has_b INT EXISTS PATH '$.b', a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE('{"k": [1, 2, 3]}', '$.k[*]' COLUMNS (v INT PATH '$')) AS jt`,
  `SELECT * FROM JSON_TABLE('{"x": {"k": [4, 5]}}', '$.x.k[*]' COLUMNS (v DOUBLE PATH '$')) AS jt`,
  `SELECT * FROM JSON_TABLE('{"a": {"b": 3}, "c": [7, 8]}', '$' COLUMNS (ab INT PATH '$.a.b', c1 INT PATH '$.c[1]')) AS jt`,
  `SELECT * FROM JSON_TABLE('{"a": {"b": 3}}', '$.a' COLUMNS (b INT PATH '$.b')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"p": 1.5}, {"p": "2.25"}, {"p": 3}]', '$[*]' COLUMNS (p DECIMAL(6,2) PATH '$.p')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"d": "2024-02-03"}, {"d": "bad"}]', '$[*]' COLUMNS (d DATE PATH '$.d')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"o": {"x": [1, 2]}}, {"o": 5}]', '$[*]' COLUMNS (o JSON PATH '$.o')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"s": "abcdefgh"}]', '$[*]' COLUMNS (s VARCHAR(3) PATH '$.s')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"f": true}, {"f": false}, {"f": null}]', '$[*]' COLUMNS (f INT PATH '$.f', g VARCHAR(5) PATH '$.f')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"n": 99999999999}, {"n": 1.7}]', '$[*]' COLUMNS (n INT PATH '$.n')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": 1, "xs": [10, 20], "ys": ["p"]}, {"a": 2, "xs": [], "ys": []}]', '$[*]' COLUMNS (a INT PATH '$.a', NESTED PATH '$.xs[*]' COLUMNS (x INT PATH '$'), NESTED PATH '$.ys[*]' COLUMNS (y VARCHAR(5) PATH '$'))) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": 1, "xs": [{"v": 10}, {"v": 20}]}]', '$[*]' COLUMNS (a INT PATH '$.a', NESTED '$.xs[*]' COLUMNS (n FOR ORDINALITY, v INT PATH '$.v'))) AS jt`,
  `SELECT COUNT(*), SUM(a) FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE('[]', '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE(NULL, '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2', '$[*]' COLUMNS (a INT PATH '$')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2]', 'bad' COLUMNS (a INT PATH '$')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2]', '$[*]' COLUMNS (a INT PATH 'x')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2]', '$[*]' COLUMNS (a INT PATH '$', a INT PATH '$')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2]', '$[*]' COLUMNS (a INT PATH '$'))`,
  `SELECT * FROM JSON_TABLE('[{"xs": [1, 2]}]', '$[*]' COLUMNS (a INT PATH '$.xs')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"xs": [1, 2]}]', '$[*]' COLUMNS (a INT PATH '$.xs' ERROR ON ERROR)) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"xs": [1, 2]}]', '$[*]' COLUMNS (a VARCHAR(9) PATH '$.xs' DEFAULT 'many' ON ERROR)) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"xs": [1, 2]}]', '$[*]' COLUMNS (a INT PATH '$.xs[*]')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": 1}]', '$[*]' COLUMNS (b INT PATH '$.b' DEFAULT '5' ON EMPTY, c DECIMAL(4,1) PATH '$.c' DEFAULT '2.25' ON EMPTY)) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"n": -3}, {"n": 300}]', '$[*]' COLUMNS (n TINYINT UNSIGNED PATH '$.n', m SMALLINT PATH '$.n')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"t": "2024-02-03 04:05:06"}, {"t": "2024-02-03"}]', '$[*]' COLUMNS (t DATETIME PATH '$.t', d DATE PATH '$.t')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": 1, "bs": [{"c": [1, 2]}, {"c": [3]}]}]', '$[*]' COLUMNS (a INT PATH '$.a', NESTED PATH '$.bs[*]' COLUMNS (i FOR ORDINALITY, NESTED PATH '$.c[*]' COLUMNS (j FOR ORDINALITY, c INT PATH '$')))) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": 1, "xs": [{"v": 10}, {"v": 20}]}]', '$[*]' COLUMNS (a INT PATH '$.a', NESTED PATH '$.xs[*]' COLUMNS (n FOR ORDINALITY, v INT PATH '$.v'))) AS jt`,
  `SELECT * FROM JSON_TABLE('{"a": 1}', '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a": "12abc"}, {"a": " 7 "}, {"a": "1e2"}]', '$[*]' COLUMNS (a INT PATH '$.a', d DOUBLE PATH '$.a')) AS jt`,
  `SELECT * FROM JSON_TABLE('[{"a b": 1, "c": {"d": [5, 6]}}]', '$[*]' COLUMNS (x INT PATH '$."a b"', y INT PATH '$.c.d[0]')) AS jt`,
  `SELECT \`my col\` FROM JSON_TABLE('[1]', '$[*]' COLUMNS (\`my col\` INT PATH '$')) AS \`my jt\``,
  `SELECT jt.* FROM JSON_TABLE('[{"u": "\\u00e9t\\u00e9"}]', '$[*]' COLUMNS (u VARCHAR(10) PATH '$.u')) AS jt`,
  `SELECT * FROM JSON_TABLE('[1, 2]', '$[*]' COLUMNS (a INT PATH '$')) AS x JOIN JSON_TABLE('[2, 3]', '$[*]' COLUMNS (b INT PATH '$')) AS y ON x.a = y.b`,
];

function jsonTableCases(list: CaseList): void {
  list.selects([], JSON_TABLE_SELECTS);
  const docs = [
    'CREATE TABLE t (id INT PRIMARY KEY, doc JSON)',
    `INSERT INTO t VALUES (1, '[{"n": "a", "q": 2}, {"n": "b", "q": 3}]'), (2, '[{"n": "c"}]'), (3, '[]')`,
  ];
  list.add(
    'JSON_TABLE lateral',
    docs,
    "SELECT t.id, jt.* FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n', q INT PATH '$.q')) AS jt ORDER BY t.id, jt.n",
  );
  list.add(
    'JSON_TABLE lateral JOIN ON',
    docs,
    "SELECT t.id, jt.n FROM t JOIN JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt ON jt.n <> 'b' ORDER BY t.id, jt.n",
  );
  list.add(
    'JSON_TABLE lateral LEFT JOIN',
    docs,
    "SELECT t.id, jt.n FROM t LEFT JOIN JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt ON 1 ORDER BY t.id, jt.n",
  );
  list.add(
    'JSON_TABLE refers to a table on its right',
    docs,
    "SELECT * FROM JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt, t",
  );
  list.add(
    'JSON_TABLE in INSERT SELECT',
    [...docs, 'CREATE TABLE r (id INT, n VARCHAR(5), q INT)'],
    "INSERT INTO r SELECT t.id, jt.n, jt.q FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n', q INT PATH '$.q')) AS jt",
    'SELECT * FROM r ORDER BY id, n',
  );
  list.add(
    'JSON_TABLE column named as a table column',
    docs,
    "SELECT id FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (id INT PATH '$.q')) AS jt",
  );
  list.add('JSON_TABLE with a parameter', [], {
    sql: "SELECT * FROM JSON_TABLE(?, '$[*]' COLUMNS (a INT PATH '$.a')) AS jt",
    params: ['[{"a": 4}, {"a": 5}]'],
  });
  list.add(
    'JSON_TABLE in a view',
    docs,
    "CREATE VIEW v AS SELECT t.id, jt.n FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt",
    'SELECT * FROM v ORDER BY id, n',
  );
  list.add(
    'JSON_TABLE in a strict INSERT SELECT with a bad value',
    ["SET sql_mode = 'STRICT_TRANS_TABLES'", 'CREATE TABLE r (a INT)'],
    `INSERT INTO r SELECT a FROM JSON_TABLE(${JT_DOC}, '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
    'SELECT * FROM r',
  );
  list.add(
    'JSON_TABLE in a multi-table UPDATE',
    [
      ...docs,
      'CREATE TABLE p (n VARCHAR(5), q INT)',
      "INSERT INTO p VALUES ('a', 0), ('c', 0), ('z', 0)",
    ],
    'UPDATE p JOIN JSON_TABLE(\'[{"n": "a", "q": 5}, {"n": "c", "q": 6}]\', \'$[*]\' COLUMNS (n VARCHAR(5) PATH \'$.n\', q INT PATH \'$.q\')) AS jt ON jt.n = p.n SET p.q = jt.q',
    'SELECT * FROM p ORDER BY n',
  );
  list.add(
    'JSON_TABLE in a CTE and a UNION',
    docs,
    "WITH c AS (SELECT t.id, jt.q FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (q INT PATH '$.q')) AS jt) SELECT id, q FROM c WHERE q IS NOT NULL UNION ALL SELECT 0, a FROM JSON_TABLE('[9]', '$[*]' COLUMNS (a INT PATH '$')) AS x ORDER BY id, q",
  );
  list.add(
    'JSON_TABLE rows of one array element',
    [],
    "SELECT * FROM JSON_TABLE('[[1, 2], [3]]', '$[1]' COLUMNS (v INT PATH '$[0]', e INT EXISTS PATH '$[1]')) AS jt",
  );
  list.add(
    'JSON_TABLE grouped',
    docs,
    "SELECT jt.n, COUNT(*) FROM t, JSON_TABLE(t.doc, '$[*]' COLUMNS (n VARCHAR(5) PATH '$.n')) AS jt GROUP BY jt.n",
  );
  list.add(
    'JSON_TABLE in a subquery',
    docs,
    "SELECT id, (SELECT SUM(q) FROM JSON_TABLE(t.doc, '$[*]' COLUMNS (q INT PATH '$.q')) AS jt) AS s FROM t ORDER BY id",
  );
}

export function functionCases(): CaseList {
  const list = new CaseList('functions');
  for (const group of [STRING, NUMERIC, CONTROL, COMPARISON, JSON_FUNCTIONS, INFO]) {
    list.selects(
      [],
      group.map((e) => `SELECT ${e}`),
    );
  }
  jsonTableCases(list);
  list.add(
    'user variable types',
    [],
    "SET @i = 1, @d = 1.5, @s = 'x', @n = NULL",
    'SELECT @i, @d, @s, @n, @i + @d',
  );
  list.add(
    'user variable from query',
    ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (3), (4)'],
    'SELECT @m := MAX(a) FROM t',
    'SELECT @m + 1',
  );
  list.add(
    'SELECT INTO variable',
    ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (3)'],
    'SELECT a INTO @x FROM t',
    'SELECT @x',
  );
  list.add(
    'SELECT INTO two rows',
    ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (3), (4)'],
    'SELECT a INTO @x FROM t',
  );
  list.add(
    'SLEEP in WHERE',
    ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (1)'],
    'SELECT a FROM t WHERE SLEEP(0) = 0',
  );
  list.add(
    'JSON column functions',
    [
      'CREATE TABLE j (id INT, doc JSON)',
      'INSERT INTO j VALUES (1, \'{"name": "a", "tags": ["x", "y"], "n": 5}\')',
    ],
    "SELECT JSON_EXTRACT(doc, '$.name'), doc->'$.n', doc->>'$.name', JSON_LENGTH(doc, '$.tags') FROM j",
  );
  list.add(
    'JSON column update',
    ['CREATE TABLE j (id INT, doc JSON)', 'INSERT INTO j VALUES (1, \'{"n": 5}\')'],
    "UPDATE j SET doc = JSON_SET(doc, '$.n', 6, '$.m', 'z')",
    'SELECT doc FROM j',
  );
  list.add(
    'JSON column where',
    [
      'CREATE TABLE j (id INT, doc JSON)',
      'INSERT INTO j VALUES (1, \'{"n": 5}\'), (2, \'{"n": 7}\')',
    ],
    "SELECT id FROM j WHERE JSON_EXTRACT(doc, '$.n') > 6",
  );
  list.add(
    'JSON_ARRAYAGG column',
    ['CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (1), (2)'],
    'SELECT JSON_ARRAYAGG(a), JSON_OBJECTAGG(a, a * 2) FROM t',
  );
  list.add(
    'SET STATEMENT for one SELECT',
    [],
    "SET STATEMENT sql_mode = 'ANSI_QUOTES' FOR SELECT @@sql_mode",
    'SELECT @@sql_mode',
  );
  list.add(
    'SET STATEMENT sql_mode for an INSERT',
    ['CREATE TABLE t (a TINYINT)'],
    "SET STATEMENT sql_mode = '' FOR INSERT INTO t VALUES (1000)",
    'INSERT INTO t VALUES (1000)',
    'SELECT a FROM t',
  );
  list.add('SET STATEMENT user variable', [], 'SET STATEMENT @a = 1 FOR SELECT 1');
  list.add('SET STATEMENT GLOBAL', [], 'SET STATEMENT GLOBAL sql_mode = 1 FOR SELECT 1');
  list.add('SET STATEMENT unknown variable', [], 'SET STATEMENT nope = 1 FOR SELECT 1');
  list.add(
    'max_statement_time stops SLEEP',
    [],
    'SET STATEMENT max_statement_time = 0.2 FOR SELECT SLEEP(2)',
    'SELECT SLEEP(0.1)',
  );
  list.add(
    'session max_statement_time',
    [],
    'SET max_statement_time = 0.2',
    'SELECT SLEEP(2)',
    'SET max_statement_time = 0',
    'SELECT SLEEP(0.3)',
  );
  list.add('prepared arithmetic params', [], { sql: 'SELECT ? + ?, ? * 2', params: [1, 2, 2.5] });
  list.add('prepared string params', [], {
    sql: 'SELECT CONCAT(?, ?), LENGTH(?)',
    params: ['a', 'b', 'héllo'],
  });
  list.add('prepared NULL param', [], {
    sql: 'SELECT ? IS NULL, COALESCE(?, 7)',
    params: [null, null],
  });
  list.add('prepared bitwise', ['CREATE TABLE t (col0 INT)', 'INSERT INTO t VALUES (46), (47)'], {
    sql: 'SELECT col0 FROM t WHERE col0 ^ ? = ?',
    params: [1, 47],
  });
  list.add('prepared IN list', ['CREATE TABLE t (col0 INT)', 'INSERT INTO t VALUES (46), (47)'], {
    sql: 'SELECT col0 FROM t WHERE col0 + ? IN (?)',
    params: [0, 46],
  });
  list.add(
    'hex and bit literals as numbers',
    [],
    "SELECT b'1' + 0, b'1' | 0, 0x41 ^ 1, ~b'1', b'111111111' + 0, b''",
  );
  list.add(
    'hex and bit defaults of number columns',
    ["CREATE TABLE t (i INT DEFAULT 0x11, b BIT(8) DEFAULT b'101', k INT DEFAULT b'11', j INT)"],
    'INSERT INTO t (j) VALUES (1)',
    'SELECT i, b + 0, k, j FROM t',
    'SHOW CREATE TABLE t',
  );
  list.add(
    'SET TRANSACTION ISOLATION LEVEL and @@tx_isolation',
    [],
    'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'SELECT @@tx_isolation, @@session.tx_isolation',
    'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ',
    'SELECT @@transaction_isolation',
  );
  list.add(
    'BIGINT column arithmetic out of range',
    [
      'CREATE TABLE t (k BIGINT, u BIGINT UNSIGNED, i INT, d DOUBLE)',
      'INSERT INTO t VALUES (9223372036854775807, 5, 2147483647, 1e308)',
    ],
    'SELECT k - 1, u + 1, i * 2, i + i FROM t',
    'SELECT k + 1 FROM t',
    'SELECT u - 9 FROM t',
    'SELECT i * k FROM t',
    'SELECT d * 10 FROM t',
    'UPDATE t SET k = k + 1',
    'UPDATE t SET i = i + 1',
  );
  list.add(
    'CAST of DOUBLE and FLOAT columns past BIGINT',
    [
      'CREATE TABLE t (d DOUBLE, f FLOAT)',
      'INSERT INTO t VALUES (1e300, 1e30), (-9.5e18, -3e20), (2.5, -2.5)',
    ],
    'SELECT CAST(d AS SIGNED), CAST(f AS SIGNED), CAST(d AS UNSIGNED) FROM t',
  );
  list.add(
    'integer range edges',
    [],
    'SELECT 9223372036854775807 + 0, -9223372036854775807 - 1, 4294967296 * 2147483647',
    'SELECT CAST(-1 AS UNSIGNED) = 18446744073709551615, CAST(1 AS UNSIGNED) - 1, ~0 + 0',
    'SELECT 18446744073709551615 - 18446744073709551614, 9223372036854775808 + -1',
    'SELECT 1.7e308 + 1.7e308',
    'SELECT -9223372036854775808 * -1',
  );
  list.add(
    'long integer literals in WHERE',
    ['CREATE TABLE t (a BIGINT)', 'INSERT INTO t VALUES (1), (9223372036854775807)'],
    'SELECT a FROM t WHERE a < 18446744073709551615 ORDER BY a',
    'SELECT a FROM t WHERE a > -9223372036854775808 ORDER BY a',
    'SELECT a FROM t WHERE a + 1 > 1',
    'SELECT a FROM t WHERE a = 9223372036854775807',
  );
  // User-level locks within one session (two sessions: test/engine/user-locks.test.ts).
  list.add(
    'GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, RELEASE_ALL_LOCKS in one session',
    [],
    "SELECT GET_LOCK('a', 0), IS_FREE_LOCK('a'), GET_LOCK('A', 0)",
    "SELECT RELEASE_LOCK('a'), RELEASE_LOCK('a'), RELEASE_LOCK('a')",
    "SELECT RELEASE_LOCK('nobody'), IS_USED_LOCK('nobody'), IS_FREE_LOCK('nobody')",
    "SELECT GET_LOCK('b', 0), GET_LOCK('b', 0), RELEASE_ALL_LOCKS(), IS_FREE_LOCK('b')",
  );
  // An integer function's value in string context is its digits (CONCAT(YEAR(d), '-') was
  // '2024.0-': the function's JS number reached SQLite as a REAL).
  list.add(
    'integer functions in string context',
    [
      'CREATE TABLE ic (id INT PRIMARY KEY, d DATE, t TIME, s VARCHAR(10))',
      "INSERT INTO ic VALUES (1, '2024-01-31', '10:15:30', 'abc'), (2, '2023-12-01', '23:00:00', 'b')",
    ],
    "SELECT id, CONCAT(YEAR(d), '-', MONTH(d)), CONCAT_WS('/', DAY(d), HOUR(t)), LENGTH(YEAR(d)) FROM ic ORDER BY id",
    "SELECT id FROM ic WHERE CONCAT(YEAR(d), '-', MONTH(d)) = '2024-1'",
    'SELECT GROUP_CONCAT(QUARTER(d) ORDER BY id), CONCAT(DATEDIFF(MAX(d), MIN(d))) FROM ic',
    "SELECT id, CONCAT(ASCII(s), ':', CRC32(s), ':', FIELD(s, 'b', 'abc'), ':', LOCATE('b', s)) FROM ic ORDER BY id",
    "SELECT id, REPLACE(WEEK(d), '1', 'x'), CAST(DAYOFYEAR(d) AS CHAR), YEAR(d) / 7 FROM ic ORDER BY id",
  );
  // GREATEST/LEAST compare a date among strings as a date (they answered 0) and a number among
  // strings as a number (GREATEST(qty, '5') with qty 10 was '5': SQLite's max() puts text above
  // numbers).
  list.add(
    'GREATEST and LEAST of mixed types',
    [
      'CREATE TABLE gl (id INT PRIMARY KEY, qty INT, d DATE, dt DATETIME, price DECIMAL(6,2), name VARCHAR(10))',
      "INSERT INTO gl VALUES (1, 10, '2024-03-05', '2024-03-05 10:00:00', 5.50, 'abc'), (2, 3, '2023-01-01', '2023-01-01 00:00:00', 20.00, '9')",
    ],
    "SELECT id, GREATEST(qty, '5'), LEAST(qty, '5'), GREATEST(price, 7), LEAST(price, '7'), GREATEST(qty, name), GREATEST(name, 'b') FROM gl ORDER BY id",
    "SELECT id, GREATEST(d, '2024-01-01'), LEAST(d, '2024-01-01'), GREATEST(dt, '2024-01-01'), GREATEST(d, dt), LEAST(d, dt, '2023-06-01') FROM gl ORDER BY id",
    "SELECT id FROM gl WHERE GREATEST(d, '2024-01-01') = '2024-01-01' ORDER BY id",
  );
  // JSON_EXTRACT compares as the value it finds in an IN list and against a string (IN (1, 2)
  // and = '2' found nothing); a JSON column nests as JSON in JSON_OBJECT, JSON_ARRAY,
  // JSON_ARRAYAGG and JSON_SET (it was an escaped string); TRUE in JSON_SET is true (was 1).
  list.add(
    'JSON values compared and nested',
    [
      'CREATE TABLE jv (id INT PRIMARY KEY, doc JSON, tags JSON)',
      `INSERT INTO jv VALUES (1, '{"a": 1, "b": "x", "c": true}', '["red", "blue"]'), (2, '{"a": 2, "b": "Y"}', '[]'), (3, '{"a": 2.5, "b": "2"}', '{"k": 1}')`,
    ],
    "SELECT id FROM jv WHERE JSON_EXTRACT(doc, '$.a') IN (1, 2) ORDER BY id",
    "SELECT id FROM jv WHERE JSON_EXTRACT(doc, '$.a') = '2' OR JSON_EXTRACT(doc, '$.b') IN ('x') ORDER BY id",
    "SELECT id FROM jv WHERE JSON_EXTRACT(doc, '$.b') IN ('2', 'x') ORDER BY id",
    "SELECT id, JSON_OBJECT('id', id, 'tags', tags), JSON_ARRAY(tags, JSON_EXTRACT(doc, '$.a')) FROM jv ORDER BY id",
    "SELECT id, JSON_SET(doc, '$.d', TRUE, '$.e', tags) FROM jv ORDER BY id",
  );
  return list;
}
