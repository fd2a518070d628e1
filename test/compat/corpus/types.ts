// types: a value written to a column of each type and read back (value, column type, warnings,
// errors under the default strict sql_mode).
import { CaseList } from '../case.js';

const INT_TYPES = [
  'TINYINT',
  'TINYINT UNSIGNED',
  'SMALLINT',
  'SMALLINT UNSIGNED',
  'MEDIUMINT',
  'INT',
  'INT UNSIGNED',
  'BIGINT',
  'BIGINT UNSIGNED',
];
const INT_VALUES = [
  '0',
  '1',
  '-1',
  '127',
  '-128',
  '255',
  '32767',
  '65535',
  '2147483647',
  '-2147483648',
  '4294967295',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551615',
  "'42'",
  'NULL',
  'TRUE',
  '2.5',
  '-2.5',
  '3.5',
];
const REAL_TYPES = ['FLOAT', 'DOUBLE', 'DECIMAL(10,2)', 'DECIMAL(20,6)', 'FLOAT(7,3)'];
const REAL_VALUES = [
  '0',
  '1.5',
  '-1.5',
  '3.14159',
  '0.1',
  '1e10',
  '123456.789',
  "'2.25'",
  '1/3',
  '-0.0',
  '99999999.99',
  'NULL',
];
const STRING_TYPES = [
  'CHAR(5)',
  'VARCHAR(5)',
  'TEXT',
  'BINARY(5)',
  'VARBINARY(5)',
  'BLOB',
  "ENUM('a','b','c')",
  "SET('a','b','c')",
];
const STRING_VALUES = [
  "'a'",
  "'abc'",
  "'ab  '",
  "' a'",
  "''",
  "'a,b'",
  "'c,a'",
  '1',
  '2',
  'NULL',
  "'Ünï'",
  "'B'",
];
const OTHER: readonly (readonly [string, readonly string[]])[] = [
  ['BIT(8)', ["b'101'", '5', '255', "b'11111111'", 'NULL']],
  ['BOOLEAN', ['TRUE', 'FALSE', '2', '-1', 'NULL']],
  [
    'JSON',
    [
      '\'{"a": 1}\'',
      "'[1, 2, 3]'",
      '\'{"b":1,"a":2}\'',
      '\'"x"\'',
      "'1'",
      "'null'",
      "'true'",
      'NULL',
      '\'{"a": [1, {"b": null}]}\'',
    ],
  ],
];

export function typeCases(): CaseList {
  const list = new CaseList('types');
  const readBack = (type: string, value: string): void =>
    list.add(
      `${type} <- ${value}`,
      [`CREATE TABLE t (c ${type})`],
      `INSERT INTO t VALUES (${value})`,
      'SELECT c FROM t',
    );
  for (const type of INT_TYPES) for (const value of INT_VALUES) readBack(type, value);
  for (const type of REAL_TYPES) for (const value of REAL_VALUES) readBack(type, value);
  for (const type of STRING_TYPES) for (const value of STRING_VALUES) readBack(type, value);
  for (const [type, values] of OTHER) for (const value of values) readBack(type, value);
  // Columns read in expressions keep (or change) their type.
  const setup = [
    "CREATE TABLE v (i INT, u INT UNSIGNED, b BIGINT, d DECIMAL(8,3), f FLOAT, x DOUBLE, s VARCHAR(10), e ENUM('x','y'), j JSON, dt DATE, ts DATETIME)",
    "INSERT INTO v VALUES (7, 8, 9, 1.250, 1.5, 2.5, '12', 'y', '{\"k\": 1}', '2024-03-04', '2024-03-04 05:06:07')",
  ];
  list.selects(setup, [
    'SELECT i + 1, u + 1, b + 1 FROM v',
    'SELECT i - u FROM v',
    'SELECT u - 9 FROM v',
    'SELECT i * d, d * 2, d / 2 FROM v',
    'SELECT f * 2, x * 2 FROM v',
    'SELECT s + 0, s * 1 FROM v',
    'SELECT e + 0, e FROM v',
    'SELECT j, JSON_TYPE(j) FROM v',
    'SELECT dt, ts, dt + 0, ts + 0 FROM v',
    'SELECT CONCAT(i, d), CONCAT(dt) FROM v',
    'SELECT MAX(i), MIN(d), SUM(i), SUM(d), AVG(i) FROM v',
    'SELECT i / 2, i DIV 2, i % 5 FROM v',
    'SELECT -u, -i, ABS(i) FROM v',
    'SELECT CAST(i AS CHAR), CAST(d AS SIGNED), CAST(s AS DECIMAL(5,1)) FROM v',
    'SELECT IFNULL(i, d), COALESCE(i, s), IF(i > 0, i, d) FROM v',
    'SELECT GREATEST(i, u), LEAST(i, d), GREATEST(dt, ts) FROM v',
  ]);
  list.add(
    'ENUM in arithmetic',
    [
      "CREATE TABLE en (id INT PRIMARY KEY, e ENUM('a','b','c'))",
      "INSERT INTO en VALUES (1, 'c'), (2, NULL), (3, 'a')",
    ],
    'SELECT e + 0, e * 2, e - 1 FROM en ORDER BY id',
  );
  // FLOAT holds single precision and prints six significant digits (in full from 1e-15 to 1e15).
  list.add(
    'FLOAT digits',
    [
      'CREATE TABLE fl (id INT PRIMARY KEY, f FLOAT, g FLOAT(7,3))',
      'INSERT INTO fl VALUES (1, 1e14, 1.5), (2, 1e15, 2), (3, 1.5e-15, 3), (4, 1.5e-16, 4), (5, -0.000123456789, 5), (6, 0, 6), (7, 3.4e38, 7)',
    ],
    'SELECT f, g, f + 0 FROM fl ORDER BY id',
    { sql: 'SELECT f, g FROM fl WHERE id < ? ORDER BY id', params: [3] },
  );
  return list;
}
