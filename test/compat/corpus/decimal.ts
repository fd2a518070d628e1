// decimal: exact DECIMAL storage, rounding, arithmetic, aggregates, comparison and casts.
import { CaseList } from '../case.js';

const STORED = [
  '1.005',
  '1.015',
  '2.675',
  '-1.005',
  '0.125',
  '-0.125',
  '12.3456',
  "'1.005'",
  '1e2',
  '0.0049',
  '0.005',
  '99999999.994',
  '123.4',
  '-0',
  '1.5e-3',
];
const ROUNDED = [
  '2.5',
  '3.5',
  '-2.5',
  '2.675',
  '1.005',
  '0.5',
  '1.45',
  '123.456',
  "'2.5'",
  '2.5e0',
  '-0.5',
  '15',
];
const PLACES = ['0', '1', '2', '-1'];

export function decimalCases(): CaseList {
  const list = new CaseList('decimal');
  for (const value of STORED) {
    for (const type of ['DECIMAL(10,2)', 'DECIMAL(5,0)', 'DECIMAL(12,4) UNSIGNED']) {
      list.add(
        `${type} <- ${value}`,
        [`CREATE TABLE t (c ${type})`],
        `INSERT INTO t VALUES (${value})`,
        'SELECT c, c * 2, c + 0.001 FROM t',
      );
    }
  }
  for (const x of ROUNDED) {
    for (const d of PLACES) {
      list.add(`ROUND(${x}, ${d})`, [], `SELECT ROUND(${x}, ${d})`);
      list.add(`TRUNCATE(${x}, ${d})`, [], `SELECT TRUNCATE(${x}, ${d})`);
    }
    list.add(`ROUND(${x})`, [], `SELECT ROUND(${x}), CEIL(${x}), FLOOR(${x})`);
  }
  list.selects(
    [],
    [
      'SELECT 0.1 + 0.2',
      'SELECT 0.1 + 0.2 = 0.3',
      'SELECT 0.1e0 + 0.2e0 = 0.3e0',
      'SELECT 1 / 3',
      'SELECT 10 / 4',
      'SELECT 1.5 * 2',
      'SELECT 2 / 3 * 3',
      'SELECT 1.10 + 1',
      'SELECT 5 DIV 2',
      'SELECT -7 DIV 2',
      'SELECT 5 MOD 3',
      'SELECT -7 MOD 3',
      'SELECT 7.5 MOD 2',
      'SELECT 1e0 / 3',
      'SELECT 1.000 / 3',
      'SELECT 1 / 3.00000',
      'SELECT 123456789012345678901234567890.5 + 1',
      'SELECT 99999999999999999999 * 10',
      'SELECT 0.000001 * 0.000001',
      'SELECT 12.345 * 100',
      'SELECT -1.50',
      'SELECT 1.0',
      'SELECT .5',
      'SELECT 5.',
      'SELECT 1.23e2',
      'SELECT 3 * 1.1',
      'SELECT 100 * 1.15',
      'SELECT 19.99 * 3',
      'SELECT 0.1 * 3 = 0.3',
      'SELECT 1.005 * 1000',
      'SELECT 2.5 = 2.50',
      "SELECT 2.5 = '2.50'",
      'SELECT 1.0 / 0',
      'SELECT 10 % 3.5',
      'SELECT POW(2, 0.5) * POW(2, 0.5)',
      'SELECT SQRT(2)',
      'SELECT 1 - 0.9',
    ],
  );
  for (const [value, type] of [
    ['1/3', 'DECIMAL(10,5)'],
    ['2.675', 'DECIMAL(5,2)'],
    ['-2.675', 'DECIMAL(5,2)'],
    ["'12.5'", 'DECIMAL(4,1)'],
    ['123456', 'DECIMAL(5,2)'],
    ['1.5', 'SIGNED'],
    ['-1.5', 'SIGNED'],
    ['2.5', 'SIGNED'],
    ['-1', 'UNSIGNED'],
    ["'3.9'", 'SIGNED'],
    ['1.005', 'CHAR'],
    ['1.50', 'DOUBLE'],
    ['0.1', 'FLOAT'],
    ['12.345', 'DECIMAL'],
    ['12.345', 'DECIMAL(4)'],
    ['18446744073709551615', 'SIGNED'],
    ['9223372036854775808', 'UNSIGNED'],
    ["'1e3'", 'DECIMAL(10,2)'],
    ['1e3', 'DECIMAL(10,2)'],
    ['NULL', 'DECIMAL(3,1)'],
    ['99.995', 'DECIMAL(4,2)'],
    ['-1e10', 'DECIMAL(5,2)'],
    ["' 1.5 '", 'DECIMAL(5,2)'],
  ]) {
    list.add(`CAST(${value} AS ${type})`, [], `SELECT CAST(${value} AS ${type})`);
  }
  list.add(
    'CAST out of range in a strict INSERT',
    ['CREATE TABLE t (c DECIMAL(5,2))'],
    'INSERT INTO t VALUES (CAST(123456 AS DECIMAL(5,2)))',
  );
  list.add(
    'ROUND(2.675, 2) on a DECIMAL column',
    ['CREATE TABLE t (c DECIMAL(6,3))', 'INSERT INTO t VALUES (2.675), (-2.675), (1.005)'],
    'SELECT c, ROUND(c, 2), TRUNCATE(c, 2), CAST(c AS DECIMAL(5,2)) FROM t ORDER BY c',
  );
  const items = [
    'CREATE TABLE item (id INT PRIMARY KEY, price DECIMAL(10,2), qty INT, paid TINYINT)',
    'INSERT INTO item VALUES (1, 12.75, 3, 1), (2, 0.10, 7, 0), (3, 0.20, 1, 1), (4, 1000.00, 2, 0), (5, NULL, 1, 1), (6, 0.33, 3, 0)',
  ];
  list.selects(items, [
    'SELECT SUM(price) FROM item',
    'SELECT AVG(price) FROM item',
    'SELECT AVG(qty) FROM item',
    'SELECT MIN(price), MAX(price) FROM item',
    'SELECT SUM(price * qty) FROM item',
    'SELECT GROUP_CONCAT(price ORDER BY id) FROM item',
    'SELECT price FROM item ORDER BY price',
    'SELECT price FROM item ORDER BY price DESC',
    'SELECT id FROM item WHERE price = 12.75',
    "SELECT id FROM item WHERE price = '12.75'",
    'SELECT id FROM item WHERE price > 12.7',
    'SELECT id FROM item WHERE price = 0.1',
    'SELECT id FROM item WHERE price + 0.2 = 0.3',
    'SELECT id FROM item WHERE price = 0.30 - 0.20',
    'SELECT IF(paid, 0, price) FROM item ORDER BY id',
    'SELECT COALESCE(price, 0) FROM item ORDER BY id',
    'SELECT CASE WHEN paid THEN price ELSE 0 END FROM item ORDER BY id',
    'SELECT IFNULL(price, 0.5) FROM item ORDER BY id',
    'SELECT 0 UNION ALL SELECT price FROM item',
    'SELECT price FROM item UNION SELECT 1.5',
    'SELECT price / 3 FROM item ORDER BY id',
    'SELECT price * 1.1 FROM item ORDER BY id',
    'SELECT ROUND(price * 1.0825, 2) FROM item ORDER BY id',
    'SELECT SUM(price) / COUNT(price) FROM item',
    'SELECT paid, SUM(price), AVG(price) FROM item GROUP BY paid ORDER BY paid',
    'SELECT STDDEV(price), VARIANCE(qty) FROM item',
    'SELECT price - 12.75 FROM item WHERE id = 1',
    'SELECT -price FROM item ORDER BY id',
    'SELECT price FROM item WHERE price BETWEEN 0.1 AND 0.3 ORDER BY id',
    'SELECT price FROM item WHERE price IN (0.1, 0.33) ORDER BY id',
    "SELECT CONCAT(price, '€') FROM item ORDER BY id",
    'SELECT FORMAT(price, 1) FROM item ORDER BY id',
    'SELECT MAX(price * qty) FROM item',
    'SELECT SUM(qty), SUM(qty * 1.0) FROM item',
    'SELECT COUNT(*) FROM item WHERE price > qty',
  ]);
  list.add(
    'UPDATE price * 1.1',
    items,
    'UPDATE item SET price = price * 1.1',
    'SELECT price FROM item ORDER BY id',
  );
  list.add(
    'UPDATE price + 0.005',
    items,
    'UPDATE item SET price = price + 0.005',
    'SELECT price FROM item ORDER BY id',
  );
  list.add(
    'SUM of many cents',
    [
      'CREATE TABLE c (v DECIMAL(10,2))',
      'INSERT INTO c VALUES (0.1),(0.1),(0.1),(0.1),(0.1),(0.1),(0.1),(0.1),(0.1),(0.1)',
    ],
    'SELECT SUM(v), SUM(v) = 1, AVG(v) FROM c',
  );
  list.add(
    'DECIMAL(65,30)',
    ['CREATE TABLE c (v DECIMAL(65,30))'],
    "INSERT INTO c VALUES ('12345678901234567890123456789012345.123456789012345678901234567890')",
    'SELECT v, v + 1 FROM c',
  );
  list.add('DECIMAL too wide', [], 'CREATE TABLE c (v DECIMAL(66,2))');
  list.add('DECIMAL scale above precision', [], 'CREATE TABLE c (v DECIMAL(5,6))');
  list.add('DECIMAL scale above 38', [], 'CREATE TABLE c (v DECIMAL(65,39))');
  list.add('DOUBLE scale above precision', [], 'CREATE TABLE c (v DOUBLE(5,6))');
  list.add(
    'DECIMAL too wide in ALTER',
    ['CREATE TABLE c (v INT)'],
    'ALTER TABLE c ADD COLUMN w DECIMAL(70,2)',
  );
  list.add(
    'DECIMAL key',
    ['CREATE TABLE c (v DECIMAL(6,2) PRIMARY KEY)', 'INSERT INTO c VALUES (1.10)'],
    'INSERT INTO c VALUES (1.1)',
  );
  list.add(
    'DECIMAL prepared',
    ['CREATE TABLE c (v DECIMAL(6,2))', 'INSERT INTO c VALUES (1.10), (2.20)'],
    { sql: 'SELECT v FROM c WHERE v = ?', params: ['1.1'] },
  );
  list.add(
    'DECIMAL prepared number',
    ['CREATE TABLE c (v DECIMAL(6,2))', 'INSERT INTO c VALUES (1.10), (2.20)'],
    { sql: 'SELECT v, v * ? FROM c ORDER BY v', params: [2.5] },
  );
  // Exact arithmetic past a double's 15 digits, in a DECIMAL(30,10) column stored as its text.
  const wide = [
    'CREATE TABLE w (id INT PRIMARY KEY, v DECIMAL(30,10), g INT)',
    "INSERT INTO w VALUES (1, '12345678901234567890.0000000001', 1), (2, '12345678901234567890.0000000002', 1), (3, '-0.5', 2), (4, '100', 2), (5, '9.99', 2), (6, NULL, 3)",
  ];
  list.selects(wide, [
    'SELECT v FROM w ORDER BY v',
    'SELECT v FROM w ORDER BY v DESC',
    'SELECT id FROM w WHERE v > 12345678901234567890 ORDER BY id',
    "SELECT id FROM w WHERE v = '12345678901234567890.0000000002'",
    'SELECT id FROM w WHERE v = 12345678901234567890.0000000001',
    'SELECT id FROM w WHERE v < 10 ORDER BY id',
    'SELECT id FROM w WHERE v BETWEEN 9 AND 101 ORDER BY id',
    'SELECT SUM(v), MIN(v), MAX(v), COUNT(v) FROM w',
    'SELECT g, SUM(v), AVG(v) FROM w GROUP BY g ORDER BY g',
    'SELECT v * 2, v + v, v - 1, -v FROM w ORDER BY id',
    'SELECT v / 3 FROM w ORDER BY id',
    'SELECT COUNT(DISTINCT v) FROM w',
    'SELECT v FROM w WHERE id = 2 AND v + 0.0000000001 = 12345678901234567890.0000000003',
  ]);
  list.add(
    'wide DECIMAL unique key',
    ['CREATE TABLE u (v DECIMAL(20,2) UNIQUE)', 'INSERT INTO u VALUES (1.5)'],
    'INSERT INTO u VALUES (1.50)',
  );
  list.add(
    'wide DECIMAL group by',
    [
      'CREATE TABLE u (v DECIMAL(25,5))',
      "INSERT INTO u VALUES (1.5), ('1.50'), (2), ('99999999999999999999.5'), ('99999999999999999999.50000')",
    ],
    'SELECT v, COUNT(*) FROM u GROUP BY v ORDER BY v',
  );
  list.add(
    'wide DECIMAL update',
    [
      'CREATE TABLE u (id INT PRIMARY KEY, v DECIMAL(25,2))',
      "INSERT INTO u VALUES (1, '99999999999999999999.99')",
    ],
    'UPDATE u SET v = v - 0.01 WHERE id = 1',
    'SELECT v, v + 0.01 FROM u',
  );
  list.selects(
    [],
    [
      'SELECT 1/3 = 0.3333, 1/3 = 0.33333, 1/3 < 0.33334, 1/3 * 3, 2/3 = 0.6667',
      'SELECT 1/7 * 7, 10/4 * 4, 1.00/3 + 1.00/3 + 1.00/3',
      'SELECT 0.1 + 0.2 - 0.3, 0.1 * 0.1, 1.1 * 1.1 = 1.21',
      'SELECT 12345678901234567.89 * 100, 12345678901234567.89 - 0.89',
      'SELECT ROUND(2.675e0, 2), ROUND(1.5e0), ROUND(-2.5e0), TRUNCATE(-2.59e0, 1), ROUND(25e0, -1)',
      // Values of more than 15 digits compare as numbers, not as texts nor text above number.
      'SELECT -12345678901234567890.5 < 0, 99999999999999999999.5 = 99999999999999999999.50',
      'SELECT 123456789012345678.5 + 1 < 5, 12345678901234567890.1 <=> 12345678901234567890.10',
      'SELECT -12345678901234567890.5 BETWEEN -1e30 AND 0, 5 BETWEEN 12345678901234567890.5 AND 1',
    ],
  );
  list.add(
    'wide DECIMAL expressions compared with numbers',
    [
      'CREATE TABLE w (id INT PRIMARY KEY, d DECIMAL(30,2), e DECIMAL(10,2))',
      'INSERT INTO w VALUES (1, 1234567890123456789.50, 12.5), (2, 5.25, 3.5), (3, -1234567890123456789.5, -1)',
    ],
    'SELECT id FROM w WHERE d + 0 < 100 ORDER BY id',
    "SELECT id, CASE WHEN d * 3 > 10 THEN 'big' ELSE 'small' END FROM w ORDER BY id",
    'SELECT id, d * 2 BETWEEN -100 AND 100, d - 1 >= e, SUM(d) OVER () < 0 FROM w ORDER BY id',
    'SELECT id FROM w WHERE d = e * 1 OR d * 1 < -1e18 ORDER BY id',
    'SELECT id, d < -1e18, d > 1e3, d * 2 BETWEEN -1e30 AND 1e3 FROM w ORDER BY id',
  );
  // A number in string context reads as MySQL prints it: a DECIMAL with its scale (5.00 was
  // '5' in CAST AS CHAR, IFNULL, REPLACE, LENGTH, LIKE), a DOUBLE with its shortest digits
  // (CONCAT(CEIL(x)) was '3.0', x * 1e20 '3.0e+20') or a ROUND's places.
  list.add(
    'numbers in string context',
    [
      'CREATE TABLE st (id INT PRIMARY KEY, price DECIMAL(10,2), x DOUBLE, f FLOAT, name VARCHAR(10))',
      "INSERT INTO st VALUES (1, 5.00, 3, 0.1, 'a'), (2, 10.50, 2.5, 1.5, 'b'), (3, NULL, NULL, NULL, NULL)",
    ],
    "SELECT id, CAST(price AS CHAR), IFNULL(price, 'x'), REPLACE(price, '.', ','), LENGTH(price), LPAD(price, 8, '*') FROM st ORDER BY id",
    "SELECT id, price LIKE '5.0%', price LIKE '10.5_', x LIKE '3', MD5(price), UPPER(price), CONCAT_WS('-', price, x) FROM st ORDER BY id",
    'SELECT id, CONCAT(x), CONCAT(f), CONCAT(CEIL(x)), CONCAT(FLOOR(price)), CONCAT(ROUND(x)), CONCAT(ROUND(price)), CONCAT(ROUND(price, 1)) FROM st ORDER BY id',
    'SELECT id, CONCAT(price / 2), CONCAT(price * 2), CONCAT(-price), CONCAT(ABS(price)), CONCAT(x * 1e20), CONCAT(ROUND(x, 1)), CONCAT(TRUNCATE(price, 1)) FROM st ORDER BY id',
    "SELECT id, COALESCE(price, name), IF(id > 1, ROUND(price), 'z'), CASE id WHEN 1 THEN x ELSE 'q' END, IFNULL(x, 'none') FROM st ORDER BY id",
    "SELECT id, SUBSTRING(price, 1, 3), LEFT(price, 4), RIGHT(price, 2), REVERSE(price), LOCATE('.', price), INSTR(price, '0') FROM st ORDER BY id",
    'SELECT CONCAT(SUM(price)), CONCAT(AVG(price)), CONCAT(AVG(id)), CONCAT(MAX(price)), CONCAT(SUM(x)), CONCAT(10 / 4), CONCAT(5.00) FROM st',
    "SELECT id FROM st WHERE CONCAT(ROUND(price, 1)) = '10.5' OR CAST(price AS CHAR) = '5.00' ORDER BY id",
  );
  return list;
}
