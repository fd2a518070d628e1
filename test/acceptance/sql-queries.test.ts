// The query features apps and ORMs send — CTEs, window functions, INTERSECT/EXCEPT [ALL],
// nested joins, WITH ROLLUP — through mysql2 against one `trireme start` process. Every
// expected answer was taken from MariaDB 10.11.19 running the same statements on the same rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { startStandaloneChild, type StandaloneChild } from './standalone-child.js';

let node: StandaloneChild;
let c: mysql.Connection;

async function rows(sql: string, params: unknown[] = []): Promise<unknown[]> {
  const [result] = await c.query(sql, params);
  return result as unknown[];
}

async function errno(sql: string): Promise<number> {
  try {
    await c.query(sql);
  } catch (error) {
    return (error as { errno: number }).errno;
  }
  return 0;
}

before(async () => {
  node = await startStandaloneChild();
  c = await node.connect();
  for (const sql of [
    'CREATE DATABASE feat',
    'USE feat',
    'CREATE TABLE staff (id INT PRIMARY KEY, name VARCHAR(20), dept VARCHAR(10), salary INT, boss INT)',
    "INSERT INTO staff VALUES (1,'Ann','eng',100,NULL),(2,'Bob','eng',80,1),(3,'Cid','ops',70,1),(4,'Dee','ops',70,3),(5,'Eve','eng',90,2),(6,'Fay','hr',60,1)",
    'CREATE TABLE l (x INT)',
    'CREATE TABLE r (x INT)',
    'INSERT INTO l VALUES (1),(1),(1),(2),(3),(NULL),(NULL)',
    'INSERT INTO r VALUES (1),(1),(2),(2),(4),(NULL)',
    'CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(10))',
    'CREATE TABLE teams (id INT PRIMARY KEY, title VARCHAR(10))',
    'CREATE TABLE user_teams (userId INT, teamId INT, PRIMARY KEY (userId, teamId))',
    "INSERT INTO users VALUES (1,'u1'),(2,'u2'),(3,'u3')",
    "INSERT INTO teams VALUES (10,'t10'),(20,'t20')",
    'INSERT INTO user_teams VALUES (1,10),(1,20),(2,20)',
  ])
    await c.query(sql);
});

after(async () => {
  await c.end();
  await node.destroy();
});

describe('common table expressions', () => {
  test('WITH RECURSIVE counts and walks a hierarchy', async () => {
    assert.deepEqual(
      await rows(
        'WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5) SELECT n FROM seq',
      ),
      [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }],
    );
    assert.deepEqual(
      await rows(
        'WITH RECURSIVE chain AS (SELECT id, name, 0 AS depth FROM staff WHERE boss IS NULL UNION ALL SELECT s.id, s.name, c.depth + 1 FROM staff s JOIN chain c ON s.boss = c.id) SELECT name, depth FROM chain ORDER BY depth, id',
      ),
      [
        { name: 'Ann', depth: 0 },
        { name: 'Bob', depth: 1 },
        { name: 'Cid', depth: 1 },
        { name: 'Fay', depth: 1 },
        { name: 'Dee', depth: 2 },
        { name: 'Eve', depth: 2 },
      ],
    );
  });

  test('a recursion stops after max_recursive_iterations steps, as in MariaDB', async () => {
    // Without a table the query runs on the node's main thread: unbounded, it would hang it.
    assert.deepEqual(
      await rows(
        'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s) SELECT COUNT(*) AS c, MAX(n) AS m FROM s',
      ),
      [{ c: 1001, m: 1001 }],
    );
    const c2 = await node.connect({ database: 'feat' });
    try {
      await c2.query('SET SESSION max_recursive_iterations = 5');
      const [result] = await c2.query(
        'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s, (SELECT 1 UNION ALL SELECT 2) two) SELECT COUNT(*) AS c FROM s',
      );
      assert.deepEqual(result, [{ c: 63 }]);
    } finally {
      await c2.end();
    }
  });

  test('CTEs see the ones before them; a SUM through a CTE is still a DECIMAL', async () => {
    assert.deepEqual(
      await rows(
        'WITH totals AS (SELECT dept, SUM(salary) AS total FROM staff GROUP BY dept), top AS (SELECT MAX(total) AS best FROM totals) SELECT totals.dept, totals.total FROM totals, top WHERE totals.total = top.best',
      ),
      [{ dept: 'eng', total: '270' }],
    );
  });

  test('in a subquery, joined with itself, and in a prepared statement', async () => {
    assert.deepEqual(
      await rows(
        'SELECT id FROM staff WHERE id IN (WITH t AS (SELECT 2 AS v UNION SELECT 3) SELECT v FROM t) ORDER BY id',
      ),
      [{ id: 2 }, { id: 3 }],
    );
    assert.deepEqual(
      await rows(
        'WITH t AS (SELECT id FROM staff WHERE id < 4) SELECT a.id, b.id AS prev FROM t AS a JOIN t AS b ON a.id = b.id + 1 ORDER BY a.id',
      ),
      [
        { id: 2, prev: 1 },
        { id: 3, prev: 2 },
      ],
    );
    const [prepared] = await c.execute(
      'WITH t AS (SELECT id, name FROM staff WHERE dept = ?) SELECT name FROM t ORDER BY id',
      ['ops'],
    );
    assert.deepEqual(prepared, [{ name: 'Cid' }, { name: 'Dee' }]);
  });

  test('INSERT … WITH RECURSIVE … SELECT writes the generated rows', async () => {
    await c.query('CREATE TABLE squares (n INT PRIMARY KEY, sq INT)');
    const [result] = await c.query(
      'INSERT INTO squares (n, sq) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 4) SELECT n, n * n FROM s',
    );
    assert.equal((result as mysql.ResultSetHeader).affectedRows, 4);
    assert.deepEqual(await rows('SELECT * FROM squares ORDER BY n'), [
      { n: 1, sq: 1 },
      { n: 2, sq: 4 },
      { n: 3, sq: 9 },
      { n: 4, sq: 16 },
    ]);
  });
});

describe('window functions', () => {
  test('ranking: ROW_NUMBER, RANK, DENSE_RANK, NTILE', async () => {
    assert.deepEqual(
      await rows(
        'SELECT name, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn, RANK() OVER (ORDER BY salary DESC) AS rk, DENSE_RANK() OVER (ORDER BY salary DESC) AS drk, NTILE(3) OVER (ORDER BY id) AS tile FROM staff ORDER BY id',
      ),
      [
        { name: 'Ann', rn: 1, rk: 1, drk: 1, tile: 1 },
        { name: 'Bob', rn: 3, rk: 3, drk: 3, tile: 1 },
        { name: 'Cid', rn: 1, rk: 4, drk: 4, tile: 2 },
        { name: 'Dee', rn: 2, rk: 4, drk: 4, tile: 2 },
        { name: 'Eve', rn: 2, rk: 2, drk: 2, tile: 3 },
        { name: 'Fay', rn: 1, rk: 6, drk: 5, tile: 3 },
      ],
    );
  });

  test('offsets and a named WINDOW: LAG, LEAD, FIRST_VALUE, LAST_VALUE', async () => {
    assert.deepEqual(
      await rows(
        'SELECT id, LAG(salary) OVER (ORDER BY id) AS prev, LEAD(salary, 2) OVER (ORDER BY id) AS next2, FIRST_VALUE(name) OVER w AS first, LAST_VALUE(name) OVER w AS last FROM staff WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id',
      ),
      [
        { id: 1, prev: null, next2: 70, first: 'Ann', last: 'Ann' },
        { id: 2, prev: 100, next2: 70, first: 'Ann', last: 'Bob' },
        { id: 3, prev: 80, next2: 90, first: 'Cid', last: 'Cid' },
        { id: 4, prev: 70, next2: 60, first: 'Cid', last: 'Dee' },
        { id: 5, prev: 70, next2: null, first: 'Ann', last: 'Eve' },
        { id: 6, prev: 90, next2: null, first: 'Fay', last: 'Fay' },
      ],
    );
  });

  test('aggregates over frames keep MariaDB types (DECIMAL sums, 4-decimal averages)', async () => {
    assert.deepEqual(
      await rows(
        'SELECT id, SUM(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS near3, AVG(salary) OVER (PARTITION BY dept) AS dept_avg, COUNT(*) OVER () AS n, SUM(salary) OVER (ORDER BY salary RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM staff ORDER BY id',
      ),
      [
        { id: 1, near3: '180', dept_avg: '90.0000', n: 6, running: '470' },
        { id: 2, near3: '250', dept_avg: '90.0000', n: 6, running: '280' },
        { id: 3, near3: '220', dept_avg: '70.0000', n: 6, running: '200' },
        { id: 4, near3: '230', dept_avg: '70.0000', n: 6, running: '200' },
        { id: 5, near3: '220', dept_avg: '90.0000', n: 6, running: '370' },
        { id: 6, near3: '150', dept_avg: '60.0000', n: 6, running: '60' },
      ],
    );
  });

  test('PERCENT_RANK and CUME_DIST are DOUBLEs with 10 decimals', async () => {
    const [result, fields] = await c.query(
      'SELECT id, PERCENT_RANK() OVER (ORDER BY id) AS pr, CUME_DIST() OVER (ORDER BY id) AS cd FROM staff WHERE id < 5 ORDER BY id',
    );
    assert.deepEqual(result, [
      { id: 1, pr: 0, cd: 0.25 },
      { id: 2, pr: 0.3333333333, cd: 0.5 },
      { id: 3, pr: 0.6666666667, cd: 0.75 },
      { id: 4, pr: 1, cd: 1 },
    ]);
    assert.deepEqual(
      fields.slice(1).map((f) => [f.columnType, f.decimals]),
      [
        [5, 10],
        [5, 10],
      ],
    );
  });
});

describe('set operations', () => {
  test('INTERSECT and EXCEPT, with and without ALL, NULLs equal', async () => {
    assert.deepEqual(await rows('SELECT x FROM l INTERSECT SELECT x FROM r ORDER BY x'), [
      { x: null },
      { x: 1 },
      { x: 2 },
    ]);
    assert.deepEqual(await rows('SELECT x FROM l INTERSECT ALL SELECT x FROM r ORDER BY x'), [
      { x: null },
      { x: 1 },
      { x: 1 },
      { x: 2 },
    ]);
    assert.deepEqual(await rows('SELECT x FROM l EXCEPT SELECT x FROM r ORDER BY x'), [{ x: 3 }]);
    assert.deepEqual(await rows('SELECT x FROM l EXCEPT ALL SELECT x FROM r ORDER BY x'), [
      { x: null },
      { x: 1 },
      { x: 3 },
    ]);
    assert.deepEqual(
      await rows('SELECT * FROM l EXCEPT ALL SELECT * FROM r ORDER BY 1 DESC LIMIT 2'),
      [{ x: 3 }, { x: 1 }],
    );
  });

  test('INTERSECT binds tighter than UNION', async () => {
    assert.deepEqual(
      await rows('SELECT x FROM l UNION SELECT x FROM r INTERSECT SELECT 4 ORDER BY x'),
      [{ x: null }, { x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }],
    );
  });
});

describe('joins', () => {
  test("Sequelize's many-to-many include: LEFT OUTER JOIN (a INNER JOIN b ON …) ON …", async () => {
    assert.deepEqual(
      await rows(
        'SELECT `User`.`id`, `Teams`.`id` AS `Teams.id`, `Teams->UserTeam`.`userId` AS `Teams.UserTeam.userId` FROM `users` AS `User` LEFT OUTER JOIN ( `user_teams` AS `Teams->UserTeam` INNER JOIN `teams` AS `Teams` ON `Teams`.`id` = `Teams->UserTeam`.`teamId`) ON `User`.`id` = `Teams->UserTeam`.`userId` ORDER BY `User`.`id`, `Teams`.`id`',
      ),
      [
        { id: 1, 'Teams.id': 10, 'Teams.UserTeam.userId': 1 },
        { id: 1, 'Teams.id': 20, 'Teams.UserTeam.userId': 1 },
        { id: 2, 'Teams.id': 20, 'Teams.UserTeam.userId': 2 },
        { id: 3, 'Teams.id': null, 'Teams.UserTeam.userId': null },
      ],
    );
    assert.deepEqual(
      await rows(
        'SELECT u.name, t.title FROM users u LEFT JOIN (user_teams ut JOIN teams t ON t.id = ut.teamId) ON ut.userId = u.id WHERE u.id > 1 ORDER BY u.id',
      ),
      [
        { name: 'u2', title: 't20' },
        { name: 'u3', title: null },
      ],
    );
  });
});

describe('WITH ROLLUP', () => {
  test('super-aggregate rows follow their groups, the grand total last', async () => {
    assert.deepEqual(
      await rows(
        'SELECT dept, name, SUM(salary) AS total, COUNT(*) AS n FROM staff GROUP BY dept, name WITH ROLLUP',
      ),
      [
        { dept: 'eng', name: 'Ann', total: '100', n: 1 },
        { dept: 'eng', name: 'Bob', total: '80', n: 1 },
        { dept: 'eng', name: 'Eve', total: '90', n: 1 },
        { dept: 'eng', name: null, total: '270', n: 3 },
        { dept: 'hr', name: 'Fay', total: '60', n: 1 },
        { dept: 'hr', name: null, total: '60', n: 1 },
        { dept: 'ops', name: 'Cid', total: '70', n: 1 },
        { dept: 'ops', name: 'Dee', total: '70', n: 1 },
        { dept: 'ops', name: null, total: '140', n: 2 },
        { dept: null, name: null, total: '470', n: 6 },
      ],
    );
  });

  test('HAVING, positions, DESC and LIMIT apply to the rolled-up rows', async () => {
    assert.deepEqual(
      await rows(
        "SELECT dept, CONCAT(dept, '!') AS shout, SUM(salary) AS total FROM staff GROUP BY dept WITH ROLLUP HAVING SUM(salary) > 100",
      ),
      [
        { dept: 'eng', shout: 'eng!', total: '270' },
        { dept: 'ops', shout: 'ops!', total: '140' },
        { dept: null, shout: null, total: '470' },
      ],
    );
    assert.deepEqual(
      await rows('SELECT id % 2 AS odd, COUNT(*) AS n FROM staff GROUP BY 1 WITH ROLLUP'),
      [
        { odd: 0, n: 3 },
        { odd: 1, n: 3 },
        { odd: null, n: 6 },
      ],
    );
    assert.deepEqual(
      await rows('SELECT dept, COUNT(*) AS n FROM staff GROUP BY dept DESC WITH ROLLUP LIMIT 3'),
      [
        { dept: 'ops', n: 2 },
        { dept: 'hr', n: 1 },
        { dept: 'eng', n: 3 },
      ],
    );
    assert.deepEqual(
      await rows('SELECT dept, COUNT(*) AS n FROM staff WHERE id > 100 GROUP BY dept WITH ROLLUP'),
      [],
    );
  });

  test('ORDER BY with ROLLUP is 1221, as in MariaDB', async () => {
    assert.equal(
      await errno('SELECT dept, COUNT(*) FROM staff GROUP BY dept WITH ROLLUP ORDER BY dept'),
      1221,
    );
  });
});

describe('SQL_CALC_FOUND_ROWS and SELECT … INTO', () => {
  test('FOUND_ROWS() counts the rows without LIMIT, autocommit and in a transaction', async () => {
    assert.deepEqual(
      await rows("SELECT SQL_CALC_FOUND_ROWS id FROM staff WHERE dept = 'eng' ORDER BY id LIMIT 2"),
      [{ id: 1 }, { id: 2 }],
    );
    assert.deepEqual(await rows('SELECT FOUND_ROWS() AS n'), [{ n: 3 }]);
    await c.query('BEGIN');
    assert.deepEqual(await rows('SELECT SQL_CALC_FOUND_ROWS id FROM staff ORDER BY id LIMIT 1'), [
      { id: 1 },
    ]);
    assert.deepEqual(await rows('SELECT FOUND_ROWS() AS n'), [{ n: 6 }]);
    await c.query('COMMIT');
  });

  test('INTO assigns one row (1 row affected), warns 1329 on none, refuses more with 1172', async () => {
    const [assigned] = await c.query('SELECT name, salary INTO @n, @s FROM staff WHERE id = 5');
    assert.equal((assigned as { affectedRows: number }).affectedRows, 1);
    assert.deepEqual(await rows('SELECT ROW_COUNT() AS r, @n AS n, @s AS s'), [
      { r: 1, n: 'Eve', s: 90 },
    ]);
    const [none] = await c.query('SELECT id INTO @n FROM staff WHERE id = 99');
    assert.equal((none as { warningStatus: number }).warningStatus, 1);
    // A SELECT without tables keeps the warning; SHOW WARNINGS returns rows, so ROW_COUNT() is
    // -1 after it (MariaDB's answers).
    assert.deepEqual(await rows('SELECT ROW_COUNT() AS r, @n AS n'), [{ r: 0, n: 'Eve' }]);
    assert.deepEqual(await rows('SHOW WARNINGS'), [
      {
        Level: 'Warning',
        Code: 1329,
        Message: 'No data - zero rows fetched, selected, or processed',
      },
    ]);
    assert.deepEqual(await rows('SELECT ROW_COUNT() AS r'), [{ r: -1 }]);
    assert.equal(await errno('SELECT id INTO @n FROM staff'), 1172);
  });
});

test('a long recursive CTE runs off the main thread: another session is answered meanwhile', async () => {
  const other = await node.connect();
  try {
    const order: string[] = [];
    // 2^21 rows: about a second of SQLite work, done on a reader worker.
    const running = c
      .query(
        'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t, (SELECT 1 UNION ALL SELECT 2) x WHERE n < 22) SELECT COUNT(*) AS n FROM t',
      )
      .then(([result]) => {
        order.push('cte');
        return result;
      });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [answer] = await other.query('SELECT 1 AS one');
    order.push('other');
    assert.deepEqual(answer, [{ one: 1 }]);
    assert.deepEqual(await running, [{ n: 4194303 }]);
    assert.deepEqual(order, ['other', 'cte']);
  } finally {
    await other.end();
  }
});

describe('EXPLAIN', () => {
  // MariaDB's answers for the lookups and scans below are the same rows; a plan MariaDB's
  // optimizer would choose differently (join order, semi-joins) shows SQLite's choice instead.
  test('a primary-key lookup, a scan and no table, in MySQL’s columns', async () => {
    assert.deepEqual(await rows('EXPLAIN SELECT * FROM staff WHERE id = 3'), [
      {
        id: 1,
        select_type: 'SIMPLE',
        table: 'staff',
        type: 'const',
        possible_keys: 'PRIMARY',
        key: 'PRIMARY',
        key_len: '4',
        ref: 'const',
        rows: 1,
        Extra: '',
      },
    ]);
    assert.deepEqual(await rows('EXPLAIN SELECT name FROM staff WHERE salary > 75'), [
      {
        id: 1,
        select_type: 'SIMPLE',
        table: 'staff',
        type: 'ALL',
        possible_keys: null,
        key: null,
        key_len: null,
        ref: null,
        rows: 6,
        Extra: 'Using where',
      },
    ]);
    const [none] = (await rows('EXPLAIN SELECT 1 + 1')) as Record<string, unknown>[];
    assert.equal(none!['Extra'], 'No tables used');
    assert.equal(none!['table'], null);
  });

  test('subqueries, derived tables and UNION get their select types; UPDATE and DELETE too', async () => {
    const union = (await rows('EXPLAIN SELECT id FROM users UNION SELECT id FROM teams')) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(
      union.map((r) => [r['id'], r['select_type'], r['table']]),
      [
        [1, 'PRIMARY', 'users'],
        [2, 'UNION', 'teams'],
        [null, 'UNION RESULT', '<union1,2>'],
      ],
    );
    const derived = (await rows(
      'EXPLAIN SELECT * FROM (SELECT dept, COUNT(*) AS n FROM staff GROUP BY dept) d WHERE n > 1',
    )) as Record<string, unknown>[];
    assert.deepEqual(
      derived.map((r) => [r['id'], r['select_type'], r['table']]),
      [
        [1, 'PRIMARY', '<derived2>'],
        [2, 'DERIVED', 'staff'],
      ],
    );
    const dependent = (await rows(
      'EXPLAIN SELECT name, (SELECT COUNT(*) FROM staff s WHERE s.boss = staff.id) FROM staff',
    )) as Record<string, unknown>[];
    assert.deepEqual(
      dependent.map((r) => r['select_type']),
      ['PRIMARY', 'DEPENDENT SUBQUERY'],
    );
    for (const sql of [
      'EXPLAIN UPDATE staff SET salary = 1 WHERE id = 2',
      'EXPLAIN DELETE FROM staff WHERE id = 2',
    ]) {
      const [row] = (await rows(sql)) as Record<string, unknown>[];
      assert.equal(row!['type'], 'const', sql);
      assert.equal(row!['key'], 'PRIMARY', sql);
    }
    assert.deepEqual(await rows('SELECT salary FROM staff WHERE id = 2'), [{ salary: 80 }]);
  });

  test('FORMAT=JSON gives MariaDB’s query_block; an unknown format is 1791', async () => {
    const [row] = (await rows('EXPLAIN FORMAT=JSON SELECT * FROM staff WHERE id = 3')) as Record<
      string,
      string
    >[];
    const plan = JSON.parse(row!['EXPLAIN']!) as {
      query_block: { select_id: number; nested_loop: { table: Record<string, unknown> }[] };
    };
    assert.equal(plan.query_block.select_id, 1);
    assert.deepEqual(plan.query_block.nested_loop[0]!.table, {
      table_name: 'staff',
      access_type: 'const',
      possible_keys: ['PRIMARY'],
      key: 'PRIMARY',
      key_length: '4',
      used_key_parts: ['id'],
      ref: ['const'],
      rows: 1,
      filtered: 100,
    });
    assert.equal(await errno('EXPLAIN FORMAT=xml SELECT 1'), 1791);
    assert.equal(await errno('EXPLAIN SELECT * FROM nowhere'), 1146);
  });
});

describe('table maintenance', () => {
  // The message rows are MariaDB 10.11's for InnoDB, except OPTIMIZE's note (MariaDB recreates
  // the table; here statistics are gathered, and the note says so).
  test('ANALYZE, CHECK, OPTIMIZE and REPAIR TABLE answer in MariaDB’s four columns', async () => {
    assert.deepEqual(await rows('ANALYZE TABLE staff, missing'), [
      { Table: 'feat.staff', Op: 'analyze', Msg_type: 'status', Msg_text: 'OK' },
      {
        Table: 'feat.missing',
        Op: 'analyze',
        Msg_type: 'Error',
        Msg_text: "Table 'feat.missing' doesn't exist",
      },
      { Table: 'feat.missing', Op: 'analyze', Msg_type: 'status', Msg_text: 'Operation failed' },
    ]);
    assert.deepEqual(await rows('CHECK TABLE staff'), [
      { Table: 'feat.staff', Op: 'check', Msg_type: 'status', Msg_text: 'OK' },
    ]);
    assert.deepEqual(await rows('OPTIMIZE TABLE staff'), [
      {
        Table: 'feat.staff',
        Op: 'optimize',
        Msg_type: 'note',
        Msg_text: 'Table does not support optimize, doing analyze instead',
      },
      { Table: 'feat.staff', Op: 'optimize', Msg_type: 'status', Msg_text: 'OK' },
    ]);
    assert.deepEqual(await rows('REPAIR TABLE staff'), [
      {
        Table: 'feat.staff',
        Op: 'repair',
        Msg_type: 'note',
        Msg_text: "The storage engine for the table doesn't support repair",
      },
    ]);
  });

  test('CHECKSUM TABLE follows the rows; QUICK and a missing table are NULL', async () => {
    const sum = async (): Promise<unknown> =>
      ((await rows('CHECKSUM TABLE l')) as { Checksum: unknown }[])[0]!.Checksum;
    const before = await sum();
    assert.equal(typeof before, 'number');
    assert.equal(await sum(), before);
    await c.query('INSERT INTO l VALUES (9)');
    assert.notEqual(await sum(), before);
    await c.query('DELETE FROM l WHERE x = 9');
    assert.equal(await sum(), before);
    assert.deepEqual(await rows('CHECKSUM TABLE l, missing QUICK'), [
      { Table: 'feat.l', Checksum: null },
      { Table: 'feat.missing', Checksum: null },
    ]);
  });

  test('SHOW ENGINE INNODB STATUS lists the open transactions and the log position', async () => {
    const other = await node.connect();
    await other.query('USE feat');
    await other.query('BEGIN');
    await other.query('UPDATE staff SET salary = salary WHERE id = 1');
    const [row] = (await rows('SHOW ENGINE INNODB STATUS')) as Record<string, string>[];
    assert.equal(row!['Type'], 'InnoDB');
    assert.match(row!['Status']!, /INNODB MONITOR OUTPUT/);
    assert.match(row!['Status']!, /---TRANSACTION \d+, ACTIVE, writing/);
    assert.match(row!['Status']!, /Log sequence number \d+/);
    await other.query('ROLLBACK');
    await other.end();
  });
});
