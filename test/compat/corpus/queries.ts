// queries: SELECTs an application runs against a small shop schema: joins, grouping, ordering
// (NULLs, ties broken by id), LIMIT, subqueries (including a scalar subquery with two rows),
// UNION, DISTINCT, prepared statements.
import { CaseList } from '../case.js';

const SHOP = [
  'CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, city VARCHAR(20), joined DATE)',
  'CREATE TABLE product (id INT PRIMARY KEY, title VARCHAR(30), price DECIMAL(8,2), stock INT, tags VARCHAR(50))',
  "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, product_id INT, qty INT, placed DATETIME, status ENUM('new','paid','shipped'))",
  "INSERT INTO customer VALUES (1, 'Ann', 'Paris', '2023-01-10'), (2, 'bob', 'Berlin', '2023-03-05'), (3, 'Émile', 'Paris', '2024-02-29'), (4, 'Zoe', NULL, NULL), (5, 'carl', 'Oslo', '2022-12-31')",
  "INSERT INTO product VALUES (1, 'Pen', 1.50, 100, 'office,cheap'), (2, 'Desk', 249.99, 5, 'office'), (3, 'Lamp', 35.00, 0, 'home'), (4, 'Mug', 7.25, 40, 'home,cheap'), (5, 'Chair', 120.00, NULL, NULL)",
  "INSERT INTO orders VALUES (1, 1, 1, 10, '2024-01-05 10:00:00', 'paid'), (2, 1, 2, 1, '2024-01-06 11:30:00', 'shipped'), (3, 2, 4, 3, '2024-02-01 09:15:00', 'new'), (4, 3, 1, 2, '2024-02-03 18:45:00', 'paid'), (5, 3, 3, 1, '2024-03-10 08:00:00', 'new'), (6, 5, 5, 2, '2024-03-11 12:00:00', 'paid'), (7, 2, 1, 5, '2024-03-12 13:00:00', 'shipped')",
];

const SELECTS = [
  'SELECT * FROM customer ORDER BY id',
  'SELECT name FROM customer ORDER BY name',
  'SELECT name FROM customer ORDER BY city, id',
  'SELECT name FROM customer ORDER BY city DESC, id',
  'SELECT name, city FROM customer WHERE city IS NULL',
  "SELECT name FROM customer WHERE city <> 'Paris' ORDER BY id",
  "SELECT name FROM customer WHERE name LIKE '%e%' ORDER BY id",
  "SELECT name FROM customer WHERE name LIKE 'B%'",
  "SELECT name FROM customer WHERE joined >= '2023-01-01' ORDER BY joined",
  "SELECT name FROM customer WHERE joined BETWEEN '2023-01-01' AND '2023-12-31' ORDER BY id",
  'SELECT name FROM customer WHERE id IN (1, 3, 9) ORDER BY id',
  'SELECT name FROM customer WHERE id NOT IN (1, 3) ORDER BY id',
  'SELECT name FROM customer ORDER BY id LIMIT 2',
  'SELECT name FROM customer ORDER BY id LIMIT 2 OFFSET 2',
  'SELECT name FROM customer ORDER BY id LIMIT 1, 2',
  'SELECT name FROM customer ORDER BY id DESC LIMIT 0',
  'SELECT city, COUNT(*) FROM customer GROUP BY city ORDER BY city',
  'SELECT city, COUNT(*) AS n FROM customer GROUP BY city HAVING n > 1',
  'SELECT COUNT(*), COUNT(city), COUNT(DISTINCT city) FROM customer',
  'SELECT DISTINCT city FROM customer ORDER BY city',
  'SELECT c.name, o.qty FROM customer c JOIN orders o ON o.customer_id = c.id ORDER BY o.id',
  'SELECT c.name, COUNT(o.id) FROM customer c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name ORDER BY c.id',
  'SELECT c.name, SUM(o.qty * p.price) AS total FROM customer c JOIN orders o ON o.customer_id = c.id JOIN product p ON p.id = o.product_id GROUP BY c.id, c.name ORDER BY total DESC',
  'SELECT p.title, SUM(o.qty) FROM product p LEFT JOIN orders o ON o.product_id = p.id GROUP BY p.id, p.title ORDER BY p.id',
  'SELECT c.name FROM customer c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY c.id',
  'SELECT c.name FROM customer c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY c.id',
  "SELECT name FROM customer WHERE id IN (SELECT customer_id FROM orders WHERE status = 'paid') ORDER BY id",
  'SELECT name FROM customer WHERE id = (SELECT customer_id FROM orders WHERE id = 3)',
  'SELECT name FROM customer WHERE id = (SELECT customer_id FROM orders)',
  'SELECT (SELECT name FROM customer WHERE id = 1), (SELECT name FROM customer WHERE id = 99)',
  'SELECT (SELECT id FROM customer)',
  'SELECT (SELECT id, name FROM customer WHERE id = 1)',
  'SELECT id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customer c ORDER BY id',
  'SELECT title, price FROM product WHERE price > (SELECT AVG(price) FROM product) ORDER BY id',
  'SELECT MAX(price), MIN(price), AVG(price), SUM(stock) FROM product',
  'SELECT title FROM product ORDER BY stock, id',
  'SELECT title FROM product ORDER BY stock IS NULL, stock DESC',
  'SELECT title FROM product ORDER BY price * stock DESC, id',
  "SELECT title FROM product WHERE FIND_IN_SET('cheap', tags) ORDER BY id",
  "SELECT title FROM product WHERE tags LIKE '%home%' ORDER BY id",
  'SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status',
  'SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY COUNT(*) DESC, status',
  "SELECT id FROM orders WHERE status = 'paid' ORDER BY id",
  'SELECT id FROM orders WHERE status = 2 ORDER BY id',
  'SELECT id FROM orders ORDER BY status, id',
  'SELECT status + 0, status FROM orders ORDER BY id',
  'SELECT DATE(placed), COUNT(*) FROM orders GROUP BY DATE(placed) ORDER BY 1',
  'SELECT MONTH(placed) AS m, SUM(qty) FROM orders GROUP BY m ORDER BY m',
  "SELECT DATE_FORMAT(placed, '%Y-%m') AS ym, COUNT(*) FROM orders GROUP BY ym ORDER BY ym",
  'SELECT customer_id, MAX(placed) FROM orders GROUP BY customer_id ORDER BY customer_id',
  'SELECT customer_id, GROUP_CONCAT(product_id) FROM orders GROUP BY customer_id ORDER BY customer_id',
  "SELECT customer_id, GROUP_CONCAT(DISTINCT product_id ORDER BY product_id DESC SEPARATOR ';') FROM orders GROUP BY customer_id ORDER BY customer_id",
  'SELECT name FROM customer UNION SELECT title FROM product ORDER BY 1',
  'SELECT city FROM customer UNION ALL SELECT city FROM customer ORDER BY 1',
  'SELECT city FROM customer UNION SELECT city FROM customer ORDER BY 1',
  'SELECT id FROM customer UNION SELECT id, name FROM customer',
  'SELECT 1 AS a UNION SELECT 2 ORDER BY a DESC',
  "SELECT 1 UNION SELECT 'a'",
  'SELECT 1 UNION SELECT 2.5',
  'SELECT * FROM (SELECT id, name FROM customer WHERE id < 3) AS d ORDER BY id',
  'SELECT d.n FROM (SELECT COUNT(*) AS n FROM orders) d',
  'SELECT * FROM (SELECT 1) AS x',
  "SELECT * FROM customer WHERE id = 1 OR name = 'bob' ORDER BY id",
  "SELECT * FROM customer WHERE (id, city) = (1, 'Paris')",
  'SELECT id FROM customer WHERE city = NULL',
  'SELECT id FROM customer WHERE city <=> NULL',
  'SELECT COUNT(*) FROM customer WHERE city IN (SELECT city FROM customer WHERE id > 10)',
  'SELECT id FROM customer WHERE id > ALL (SELECT customer_id FROM orders) ORDER BY id',
  'SELECT id FROM customer WHERE id = ANY (SELECT customer_id FROM orders) ORDER BY id',
  'SELECT SQL_CALC_FOUND_ROWS id FROM customer ORDER BY id LIMIT 2',
  'SELECT id FROM customer ORDER BY RAND() LIMIT 0',
  'SELECT a.name, b.name FROM customer a JOIN customer b ON a.city = b.city AND a.id < b.id',
  'SELECT a.name, b.name FROM customer a CROSS JOIN customer b WHERE a.id = 1 AND b.id < 3 ORDER BY b.id',
  'SELECT c.name, o.id FROM customer c RIGHT JOIN orders o ON o.customer_id = c.id ORDER BY o.id',
  "SELECT c.name, o.id FROM orders o LEFT JOIN customer c ON c.id = o.customer_id AND c.city = 'Paris' ORDER BY o.id",
  'SELECT c.name FROM customer c STRAIGHT_JOIN orders o ON o.customer_id = c.id WHERE o.id = 1',
  'SELECT name FROM customer FORCE INDEX (PRIMARY) WHERE id = 2',
  'SELECT name FROM customer USE INDEX () WHERE id = 2',
  'SELECT name FROM customer WHERE id = 2 FOR UPDATE',
  'SELECT name FROM customer WHERE id = 2 LOCK IN SHARE MODE',
  'SELECT id, name FROM customer HAVING id > 3',
  'SELECT city, MAX(id) FROM customer GROUP BY city WITH ROLLUP',
  'SELECT COUNT(*) FROM customer GROUP BY city ORDER BY NULL',
  'SELECT name FROM customer ORDER BY 3',
  'SELECT nope FROM customer',
  'SELECT id FROM customer, orders',
  'SELECT customer.id FROM customer, orders WHERE orders.id = 1 AND customer.id = 1',
  'SELECT * FROM nope',
  'SELECT name FROM customer c WHERE c.nope = 1',
  'SELECT COUNT(*) FROM customer c, orders o WHERE c.id = o.customer_id',
  "SELECT name FROM customer WHERE name = 'ann'",
  "SELECT name FROM customer WHERE name = 'ANN' COLLATE utf8mb4_bin",
  "SELECT name FROM customer WHERE name IN ('ANN', 'BOB') ORDER BY id",
  'SELECT name, LENGTH(name) FROM customer ORDER BY LENGTH(name), id',
  'SELECT UPPER(name) FROM customer ORDER BY id',
  "SELECT CONCAT(name, ' from ', IFNULL(city, '?')) FROM customer ORDER BY id",
  'SELECT id, price, stock, price * stock FROM product ORDER BY id',
  'SELECT SUM(price * stock) FROM product',
  "SELECT title, CASE WHEN stock = 0 THEN 'out' WHEN stock < 10 THEN 'low' ELSE 'ok' END FROM product ORDER BY id",
  'SELECT AVG(stock), AVG(IFNULL(stock, 0)) FROM product',
  'SELECT customer_id, SUM(qty) s FROM orders GROUP BY customer_id HAVING s > 3 ORDER BY s DESC',
  "SELECT COUNT(*) FROM orders WHERE placed >= '2024-02-01' AND placed < '2024-03-01'",
  'SELECT id FROM orders WHERE placed > NOW() - INTERVAL 100 YEAR ORDER BY id',
  'SELECT id FROM orders WHERE YEAR(placed) = 2024 AND MONTH(placed) = 3 ORDER BY id',
  'SELECT id FROM orders ORDER BY placed DESC LIMIT 3',
  'SELECT MIN(placed), MAX(placed), TIMESTAMPDIFF(DAY, MIN(placed), MAX(placed)) FROM orders',
  'SELECT * FROM orders WHERE id = 1',
  'SELECT DISTINCT status FROM orders ORDER BY status DESC',
  'SELECT COUNT(DISTINCT customer_id, product_id) FROM orders',
  'SELECT EXISTS (SELECT 1 FROM orders WHERE qty > 5)',
  'SELECT 1 FROM DUAL WHERE 1 = 0',
  'SELECT 1 FROM DUAL',
  'SELECT 1 WHERE 1',
  '(SELECT id FROM customer ORDER BY id LIMIT 1) UNION ALL (SELECT id FROM product ORDER BY id DESC LIMIT 1)',
  'SELECT id FROM customer ORDER BY id LIMIT 18446744073709551615',
  'SELECT id FROM customer LIMIT -1',
];

export function queryCases(): CaseList {
  const list = new CaseList('queries');
  list.selects(SHOP, SELECTS);
  const prepared: readonly (readonly [string, readonly unknown[]])[] = [
    ['SELECT name FROM customer WHERE id = ?', [2]],
    ['SELECT name FROM customer WHERE id = ?', ['2']],
    ['SELECT name FROM customer WHERE name = ?', ['ann']],
    ['SELECT name FROM customer WHERE id IN (?, ?) ORDER BY id', [1, 3]],
    ['SELECT name FROM customer WHERE id + 0 IN (?)', [4]],
    ['SELECT name FROM customer ORDER BY id LIMIT ?', [2]],
    ['SELECT name FROM customer ORDER BY id LIMIT ?, ?', [1, 1]],
    ['SELECT name FROM customer WHERE city = ? OR ? IS NULL ORDER BY id', [null, null]],
    ['SELECT title FROM product WHERE price > ? ORDER BY id', [10]],
    ['SELECT title FROM product WHERE price > ? ORDER BY id', ['10.5']],
    ['SELECT title FROM product WHERE price = ?', [1.5]],
    ['SELECT id FROM orders WHERE placed > ? ORDER BY id', ['2024-03-01']],
    ['SELECT id FROM orders WHERE status = ? ORDER BY id', ['paid']],
    ['SELECT ? AS v', [1]],
    ['SELECT ? AS v', ['x']],
    ['SELECT ? AS v', [1.25]],
    ['SELECT ? AS v', [null]],
    ['SELECT COUNT(*) FROM orders WHERE qty BETWEEN ? AND ?', [2, 5]],
    ['SELECT name FROM customer WHERE name LIKE ? ORDER BY id', ['%a%']],
    [
      'SELECT c.name FROM customer c JOIN orders o ON o.customer_id = c.id WHERE o.qty > ? ORDER BY o.id',
      [2],
    ],
  ];
  for (const [i, [sql, params]] of prepared.entries())
    list.add(`prepared ${i}: ${sql}`, SHOP, { sql, params });
  list.add(
    'FOUND_ROWS after SQL_CALC_FOUND_ROWS',
    SHOP,
    'SELECT SQL_CALC_FOUND_ROWS id FROM customer ORDER BY id LIMIT 2',
    'SELECT FOUND_ROWS()',
  );
  list.add(
    'FOUND_ROWS after plain',
    SHOP,
    'SELECT id FROM customer WHERE id < 4',
    'SELECT FOUND_ROWS()',
  );
  list.add('ROW_COUNT after SELECT', SHOP, 'SELECT id FROM customer', 'SELECT ROW_COUNT()');
  list.add(
    'empty table aggregates',
    ['CREATE TABLE e (v INT)'],
    'SELECT COUNT(*), SUM(v), AVG(v), MAX(v), GROUP_CONCAT(v) FROM e',
  );
  list.add(
    'empty table group by',
    ['CREATE TABLE e (v INT)'],
    'SELECT v, COUNT(*) FROM e GROUP BY v',
  );
  // A scalar subquery that may find two rows answers 1242 whatever its shape; one that finds one
  // row (or none) answers it.
  const scalar: [string, string][] = [
    ['grouped', 'SELECT (SELECT city FROM customer GROUP BY city)'],
    ['distinct', 'SELECT (SELECT DISTINCT city FROM customer)'],
    ['limit', 'SELECT (SELECT name FROM customer ORDER BY id LIMIT 2)'],
    ['union', 'SELECT (SELECT 1 UNION SELECT 2)'],
    ['window', 'SELECT (SELECT ROW_NUMBER() OVER () FROM customer)'],
    [
      'one row',
      'SELECT (SELECT COUNT(*) FROM orders GROUP BY customer_id HAVING customer_id = 1), (SELECT name FROM customer ORDER BY id LIMIT 1), (SELECT 1 UNION SELECT 1), (SELECT DISTINCT city FROM customer WHERE id < 0)',
    ],
    [
      'correlated',
      'SELECT c.name, (SELECT MAX(o.qty) FROM orders o WHERE o.customer_id = c.id GROUP BY o.customer_id) FROM customer c ORDER BY c.id',
    ],
  ];
  for (const [name, sql] of scalar) list.add(`scalar subquery ${name}`, SHOP, sql);
  // A recursive CTE stops after @@max_recursive_iterations steps with warning 1931.
  const iterations = ['SET SESSION max_recursive_iterations = 4'];
  list.add(
    'recursive CTE cut at max_recursive_iterations',
    iterations,
    'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT COUNT(*), MAX(n) FROM c',
  );
  list.add(
    'recursive CTE ending at max_recursive_iterations',
    iterations,
    'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT COUNT(*), MAX(n) FROM c',
    'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 6) SELECT COUNT(*), MAX(n) FROM c',
  );
  list.add(
    'recursive CTE with a star over itself',
    iterations,
    'WITH RECURSIVE c AS (SELECT 1 AS n, 2 AS m UNION ALL SELECT * FROM c) SELECT COUNT(*), SUM(m) FROM c',
    'WITH RECURSIVE c AS (SELECT 1 AS n, 2 AS m UNION ALL SELECT c.*, m FROM c WHERE n < 3) SELECT COUNT(*) FROM c',
  );
  list.add(
    'recursive CTE with UNION DISTINCT ending',
    iterations,
    'WITH RECURSIVE c (n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM c) SELECT n FROM c ORDER BY n',
  );
  // A WHERE's literals are bound as parameters: the escape was bound in the pattern's place, so
  // a column LIKE … ESCAPE matched nothing (SQLAlchemy's autoescape, Arel's matches).
  list.add(
    'LIKE ESCAPE on a column in WHERE',
    [
      'CREATE TABLE lk (id INT PRIMARY KEY, s VARCHAR(20))',
      "INSERT INTO lk VALUES (1, 'hello'), (2, '50% off'), (3, 'a_b'), (4, 'ab')",
    ],
    "SELECT id FROM lk WHERE s LIKE '%ell%' ESCAPE '!' ORDER BY id",
    "SELECT id FROM lk WHERE s LIKE '50|%%' ESCAPE '|' ORDER BY id",
    "SELECT id FROM lk WHERE s LIKE 'a!_b' ESCAPE '!' ORDER BY id",
    "SELECT id FROM lk WHERE s NOT LIKE '%!%%' ESCAPE '!' ORDER BY id",
    "SELECT id FROM lk WHERE ROUND(2.675e0, 1) = 2.7 AND s LIKE 'a%' ORDER BY id",
  );
  // A simple CASE compares its operand and WHEN values as numbers when one is a number, as
  // `=` does (CASE 1 WHEN '1' did not match: a wrong answer without an error).
  list.add(
    'simple CASE compares a number and a string as numbers',
    [
      'CREATE TABLE cw (id INT PRIMARY KEY, code VARCHAR(5), n INT)',
      "INSERT INTO cw VALUES (1, '1', 1), (2, '02', 2), (3, 'x', 3)",
    ],
    "SELECT CASE 1 WHEN '1' THEN 'yes' ELSE 'no' END, CASE '1' WHEN 1 THEN 'yes' ELSE 'no' END",
    "SELECT CASE 1.0 WHEN '1' THEN 'y' ELSE 'n' END, CASE 'a' WHEN 'A' THEN 'y' ELSE 'n' END",
    "SELECT id, CASE code WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END FROM cw WHERE id < 3 ORDER BY id",
    "SELECT id, CASE n WHEN '1' THEN 'one' WHEN '2' THEN 'two' ELSE 'other' END FROM cw ORDER BY id",
  );
  // An ENUM sorts by its members' order, not their text (it sorted 'active' before 'new').
  list.add(
    'ENUM columns sort by member order',
    [
      "CREATE TABLE ticket (id INT PRIMARY KEY, state ENUM('new','active','done','archived'))",
      "INSERT INTO ticket VALUES (1, 'done'), (2, 'new'), (3, 'archived'), (4, 'active'), (5, NULL), (6, 'new')",
    ],
    'SELECT id, state FROM ticket ORDER BY state, id',
    'SELECT id FROM ticket ORDER BY state DESC, id',
    'SELECT state, COUNT(*) FROM ticket GROUP BY state',
    'SELECT id, ROW_NUMBER() OVER (ORDER BY state, id) FROM ticket ORDER BY id',
    'SELECT GROUP_CONCAT(id ORDER BY state, id) FROM ticket',
    "SELECT id FROM ticket WHERE state > 'active' ORDER BY id",
  );
  // Case counts under binary: LIKE BINARY, REGEXP BINARY, REGEXP on a _bin column, a pattern's
  // COLLATE, JSON values (each matched both rows before).
  list.add(
    'binary LIKE and REGEXP, and JSON values, match case',
    [
      'CREATE TABLE cs (id INT PRIMARY KEY, n VARCHAR(20), b VARCHAR(20) COLLATE utf8mb4_bin, j JSON)',
      `INSERT INTO cs VALUES (1, 'Abc', 'Abc', '{"a":"X"}'), (2, 'abc', 'abc', '{"a":"x"}')`,
    ],
    "SELECT id FROM cs WHERE n LIKE BINARY 'a%'",
    "SELECT id FROM cs WHERE n LIKE 'a%' COLLATE utf8mb4_bin",
    "SELECT id FROM cs WHERE n REGEXP BINARY '^a'",
    "SELECT id FROM cs WHERE n NOT REGEXP BINARY '^a'",
    "SELECT id FROM cs WHERE b REGEXP '^a'",
    "SELECT id FROM cs WHERE n REGEXP '^a' ORDER BY id",
    "SELECT id FROM cs WHERE JSON_EXTRACT(j, '$.a') = 'x'",
    "SELECT id FROM cs WHERE JSON_UNQUOTE(JSON_EXTRACT(j, '$.a')) = 'x'",
    "SELECT id FROM cs WHERE JSON_VALUE(j, '$.a') = 'x' ORDER BY id",
    'SELECT COLLATION(JSON_UNQUOTE(j)) FROM cs WHERE id = 1',
  );
  // MariaDB skips MySQL 5.7's and 8.0's versioned comments (mariadb-dump's `/*!80001 LEFT JOIN
  // mysql.role_edges … */` was run, a syntax error), not its own `/*M!`; a statement of nothing
  // but comments does nothing (it was 1065).
  list.add(
    'versioned comments, and a statement of only comments',
    [],
    'SELECT 1 /*!80001 , 2 */',
    'SELECT 1 /*!50700 , 2 */',
    'SELECT 1 /*!50699 , 2 */',
    'SELECT 1 /*!99999 , 2 */',
    'SELECT 1 /*!100000 , 2 */',
    'SELECT 1 /*M!50799 , 2 */',
    "/*!80001 ALTER USER 'x'@'y' DEFAULT ROLE NONE */",
    '/* nothing */',
  );
  // A comma binds looser than JOIN: `pa, pb NATURAL JOIN q` joins pb with q, then crosses pa
  // (SQLite read it as (pa, pb) NATURAL JOIN q, which matched pa's id).
  list.add(
    'a comma before a NATURAL or USING join',
    [
      'CREATE TABLE pa (id INT PRIMARY KEY, v INT)',
      'CREATE TABLE pb (id INT PRIMARY KEY, w INT)',
      'INSERT INTO pa VALUES (1, 10), (2, 20)',
      'INSERT INTO pb VALUES (1, 5), (2, 6)',
    ],
    'SELECT pa.id, pb.id, q.z FROM pa, pb NATURAL JOIN (SELECT 2 AS id, 3 AS z) q ORDER BY pa.id',
    'SELECT pa.v, pb.w FROM pa, pb JOIN (SELECT 2 AS id) q USING (id) ORDER BY pa.v',
  );
  return list;
}
