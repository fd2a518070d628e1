// Goal: trireme answers as MariaDB 10.11 does where apps notice: a value written into a column
// is the value MariaDB would store, checked on the origin per sql_mode, and the other node reads
// exactly that (strict mode answers MariaDB's error and stores nothing; sql_mode='' and IGNORE
// store the adjusted value with the warning: SHOW WARNINGS, SHOW COUNT(*) WARNINGS,
// @@warning_count, the OK packet's count); affected rows of upserts and REPLACE, ROW_COUNT(),
// SET left to right; SLEEP sleeps and KILL QUERY ends it; KILL QUERY and KILL from a new
// connection stop a statement that holds the node's event loop (a write, a read in a
// transaction), and only the owner or SUPER may (the connection guard). Method: two real processes over mutual
// TLS, mysql2 on n1, causal reads (wsrep_sync_wait=1) on n2. Every expected answer is MariaDB's
// (test/compat cases of the same statements, or the same statements run on mariadbd).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type mysql from 'mysql2/promise';
import { localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];
let writer: mysql.Connection;
let reader: mysql.Connection;
/** A session of n1 with sql_mode=''. */
let lax: mysql.Connection;

async function errno(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    return (error as { errno: number }).errno;
  }
  return 0;
}

/** The rows of a query as arrays of the text the server sent. */
async function text(c: mysql.Connection, sql: string): Promise<unknown[][]> {
  const [rows] = await c.query({
    sql,
    rowsAsArray: true,
    typeCast: (field, next) => (field.type === 'NULL' ? next() : field.string()),
  });
  return rows as unknown[][];
}

async function warnings(c: mysql.Connection): Promise<string[]> {
  const rows = await text(c, 'SHOW WARNINGS');
  return rows.map((r) => `${String(r[0])} ${String(r[1])}: ${String(r[2])}`);
}

async function ok(c: mysql.Connection, sql: string): Promise<mysql.ResultSetHeader> {
  const [result] = await c.query(sql);
  return result as mysql.ResultSetHeader;
}

let tables = 0;
/** A new table with one column `c` of `type` (and an id), on both nodes. */
async function table(type: string): Promise<string> {
  const name = `w.t${++tables}`;
  await ok(writer, `CREATE TABLE ${name} (id INT AUTO_INCREMENT PRIMARY KEY, c ${type})`);
  return name;
}

describe("MariaDB's answers", { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await localCluster(2);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
    writer = await nodes[0]!.connect();
    reader = await nodes[1]!.connect();
    lax = await nodes[0]!.connect();
    await ok(lax, "SET SESSION sql_mode = ''");
    await ok(reader, 'SET SESSION wsrep_sync_wait = 1');
    await ok(writer, 'CREATE DATABASE w');
  });

  after(async () => {
    await writer?.end();
    await reader?.end();
    await lax?.end();
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('strict mode: a value the column cannot hold is MariaDB error, and nothing replicates', async () => {
    const cases: [string, string, number][] = [
      ['VARCHAR(3)', "'abcd'", 1406],
      ['INT', '2147483648', 1264],
      ['TINYINT UNSIGNED', '-1', 1264],
      ['INT', "'abc'", 1366],
      ['INT', "'12abc'", 1265],
      ["ENUM('free','pro')", "'gold'", 1265],
      ["SET('a','b')", "'a,c'", 1265],
      ['DATE', "'2023-02-29'", 1292],
      ['DATETIME NOT NULL', "'not a date'", 1292],
      ['TIME', "'25:61:00'", 1292],
      ['DECIMAL(5,2)', '12345.678', 1264],
      ['YEAR', '1800', 1264],
      ['INT NOT NULL', 'NULL', 1048],
      ['JSON', "'not json'", 4025],
    ];
    for (const [type, value, code] of cases) {
      const name = await table(type);
      assert.equal(await errno(writer.query(`INSERT INTO ${name} (c) VALUES (${value})`)), code);
      const given = await warnings(writer);
      assert.match(given[given.length - 1]!, new RegExp(`^Error ${code}: `), `${type} <- ${value}`);
      assert.equal(await errno(writer.query(`UPDATE ${name} SET c = ${value}`)), 0, 'no row');
      await ok(writer, `INSERT INTO ${name} (c) VALUES (NULL)`).catch(() => undefined);
      assert.equal(
        await errno(writer.query(`UPDATE ${name} SET c = ${value}`)),
        type.endsWith('NOT NULL') ? 0 : code,
        `UPDATE ${type} <- ${value}`,
      );
      const stored = await text(reader, `SELECT c FROM ${name}`);
      assert.deepEqual(stored, type.endsWith('NOT NULL') ? [] : [[null]], `${type} <- ${value}`);
    }
    const name = await table('INT');
    assert.equal(
      await errno(writer.query(`INSERT INTO ${name} (c) VALUES (1), (2147483648)`)),
      1264,
    );
    assert.deepEqual(await warnings(writer), [
      "Error 1264: Out of range value for column 'c' at row 2",
    ]);
    assert.deepEqual(await text(reader, `SELECT c FROM ${name}`), [], 'the statement is undone');
  });

  test('a refused value undoes its statement only: the transaction goes on and commits', async () => {
    const name = await table('TINYINT');
    await ok(writer, 'BEGIN');
    await ok(writer, `INSERT INTO ${name} (c) VALUES (1)`);
    assert.equal(await errno(writer.query(`INSERT INTO ${name} (c) VALUES (2), (300)`)), 1264);
    await ok(writer, `UPDATE ${name} SET c = c + 10`);
    await ok(writer, 'COMMIT');
    assert.deepEqual(await text(reader, `SELECT c FROM ${name}`), [['11']]);
  });

  test("sql_mode='': MariaDB adjusted values with their warnings, replicated as stored", async () => {
    const name = await table('TINYINT');
    const result = await ok(lax, `INSERT INTO ${name} (c) VALUES (1), (1000), (-1000)`);
    assert.equal(result.affectedRows, 3);
    assert.equal(result.warningStatus, 2);
    assert.match(result.info, /Records: 3 {2}Duplicates: 0 {2}Warnings: 2/);
    assert.deepEqual(await warnings(lax), [
      "Warning 1264: Out of range value for column 'c' at row 2",
      "Warning 1264: Out of range value for column 'c' at row 3",
    ]);
    // SHOW WARNINGS does not clear them; the next other statement does.
    assert.deepEqual(await text(lax, 'SHOW COUNT(*) WARNINGS'), [['2']]);
    // A statement without tables keeps them too; one that reads a table clears them.
    assert.deepEqual(await text(lax, 'SELECT @@warning_count'), [['2']]);
    assert.deepEqual(await text(lax, 'SELECT @@warning_count'), [['2']]);
    assert.deepEqual(await text(lax, `SELECT c FROM ${name} ORDER BY id`), [
      ['1'],
      ['127'],
      ['-128'],
    ]);
    assert.deepEqual(await text(reader, `SELECT c FROM ${name} ORDER BY id`), [
      ['1'],
      ['127'],
      ['-128'],
    ]);
    assert.deepEqual(await text(lax, 'SELECT @@warning_count'), [['0']]);
    const cases: [string, string, string, string][] = [
      ['VARCHAR(3)', "'abcd'", 'abc', 'Warning 1265'],
      ['INT', "'abc'", '0', 'Warning 1366'],
      ['INT', "'12abc'", '12', 'Warning 1265'],
      ["ENUM('free','pro')", "'gold'", '', 'Warning 1265'],
      ["SET('a','b')", "'a,c'", 'a', 'Warning 1265'],
      ['DATE', "'2023-02-29'", '0000-00-00', 'Warning 1265'],
      ['DECIMAL(5,2)', '12345.678', '999.99', 'Warning 1264'],
      ['DECIMAL(5,2)', "'1.2.3'", '1.20', 'Warning 1265'],
      ['VARBINARY(2)', "'abc'", 'ab', 'Warning 1265'],
    ];
    for (const [type, value, stored, warning] of cases) {
      const t = await table(type);
      assert.equal((await ok(lax, `INSERT INTO ${t} (c) VALUES (${value})`)).warningStatus, 1);
      assert.deepEqual(
        (await warnings(lax)).map((w) => w.slice(0, w.indexOf(':'))),
        [warning],
        `${type} <- ${value}`,
      );
      assert.deepEqual(await text(reader, `SELECT c FROM ${t}`), [[stored]], `${type} <- ${value}`);
    }
  });

  test('DECIMAL is exact on every node: 30 digits written, computed on and read elsewhere', async () => {
    const name = await table('DECIMAL(30,10) UNIQUE');
    await ok(writer, `INSERT INTO ${name} (c) VALUES ('12345678901234567890.0000000001'), (0.1)`);
    await ok(writer, `UPDATE ${name} SET c = c + 0.2 WHERE c < 1`);
    await ok(writer, `UPDATE ${name} SET c = c * 2 WHERE c > 1`);
    assert.deepEqual(await text(reader, `SELECT c, c = 0.3 FROM ${name} ORDER BY c`), [
      ['0.3000000000', '1'],
      ['24691357802469135780.0000000002', '0'],
    ]);
    assert.deepEqual(await text(reader, `SELECT SUM(c), 0.1 + 0.2 = 0.3 FROM ${name}`), [
      ['24691357802469135780.3000000002', '1'],
    ]);
    // 0.3 and 0.30 are one value for the UNIQUE key, on the other node too.
    assert.equal(await errno(reader.query(`INSERT INTO ${name} (c) VALUES (0.30)`)), 1062);
  });

  test('a TIMESTAMP is stored in UTC: written in one time_zone on n1, read in another on n2', async () => {
    const name = await table('TIMESTAMP NULL');
    const zoned = await nodes[0]!.connect();
    try {
      await ok(zoned, "SET time_zone = '+02:00'");
      await ok(zoned, `INSERT INTO ${name} (c) VALUES ('2024-03-01 10:00:00')`);
      await ok(reader, "SET time_zone = '-05:00'");
      assert.deepEqual(await text(reader, `SELECT c FROM ${name}`), [['2024-03-01 03:00:00']]);
      assert.deepEqual(
        await text(reader, `SELECT COUNT(*) FROM ${name} WHERE c = '2024-03-01 03:00:00'`),
        [['1']],
      );
    } finally {
      await ok(reader, "SET time_zone = 'SYSTEM'");
      await zoned.end();
    }
  });

  test('IGNORE turns errors into warnings in strict mode; notes are given in every mode', async () => {
    const name = await table('TINYINT');
    await ok(writer, `INSERT INTO ${name} (c) VALUES (100), (120)`);
    const update = await ok(writer, `UPDATE IGNORE ${name} SET c = c + 10`);
    assert.equal(update.warningStatus, 1);
    assert.deepEqual(await text(reader, `SELECT c FROM ${name} ORDER BY id`), [['110'], ['127']]);
    const decimal = await table('DECIMAL(5,2)');
    const insert = await ok(writer, `INSERT INTO ${decimal} (c) VALUES (1.005)`);
    assert.equal(insert.warningStatus, 1);
    assert.deepEqual(await warnings(writer), ["Note 1265: Data truncated for column 'c' at row 1"]);
    const ignored = await table('VARCHAR(3) NOT NULL');
    await ok(writer, `INSERT IGNORE INTO ${ignored} (c) VALUES (NULL), ('abcd')`);
    assert.deepEqual(
      (await warnings(writer)).map((w) => w.slice(0, w.indexOf(':'))),
      ['Warning 1048', 'Warning 1265'],
    );
    assert.deepEqual(await text(reader, `SELECT c FROM ${ignored} ORDER BY id`), [[''], ['abc']]);
  });

  test('NOT NULL: a column left out without a default is 1364, NULL in one row 1048', async () => {
    await ok(writer, 'CREATE TABLE w.nn (a INT, b INT NOT NULL)');
    assert.equal(await errno(writer.query('INSERT INTO w.nn (a) VALUES (1)')), 1364);
    assert.equal((await ok(lax, 'INSERT INTO w.nn (a) VALUES (1)')).warningStatus, 1);
    assert.equal(await errno(lax.query('INSERT INTO w.nn VALUES (2, NULL)')), 1048);
    const multi = await ok(lax, 'INSERT INTO w.nn VALUES (3, NULL), (4, NULL)');
    assert.equal(multi.warningStatus, 2);
    assert.deepEqual(await text(reader, 'SELECT a, b FROM w.nn ORDER BY a'), [
      ['1', '0'],
      ['3', '0'],
      ['4', '0'],
    ]);
  });

  test('INSERT … SELECT checks the rows it copies as VALUES rows are checked', async () => {
    await ok(writer, 'CREATE TABLE w.src (a INT, b VARCHAR(10))');
    await ok(writer, "INSERT INTO w.src VALUES (1, 'abcd'), (300, 'x')");
    await ok(writer, 'CREATE TABLE w.dst (x TINYINT, y VARCHAR(3))');
    assert.equal(await errno(writer.query('INSERT INTO w.dst SELECT a, b FROM w.src')), 1406);
    assert.deepEqual(await warnings(writer), ["Error 1406: Data too long for column 'y' at row 1"]);
    assert.equal(await errno(writer.query('INSERT INTO w.dst SELECT a FROM w.src')), 1136);
    const copied = await ok(lax, 'INSERT INTO w.dst SELECT a, b FROM w.src');
    assert.equal(copied.warningStatus, 2);
    assert.deepEqual(await warnings(lax), [
      "Warning 1265: Data truncated for column 'y' at row 1",
      "Warning 1264: Out of range value for column 'x' at row 2",
    ]);
    assert.deepEqual(await text(reader, 'SELECT x, y FROM w.dst ORDER BY x'), [
      ['1', 'abc'],
      ['127', 'x'],
    ]);
  });

  test('affected rows and assignments as MariaDB answers them: upserts, REPLACE, SET left to right', async () => {
    await ok(writer, 'CREATE TABLE w.o (id INT PRIMARY KEY, a INT, b INT)');
    await ok(writer, 'INSERT INTO w.o VALUES (1, 10, 100), (2, 20, 200)');
    // 2 per updated row, 1 per inserted row; b = a reads the a just assigned.
    const upsert = await ok(
      writer,
      'INSERT INTO w.o VALUES (1, 0, 0), (2, 0, 0), (3, 30, 300) ON DUPLICATE KEY UPDATE a = VALUES(a) + a, b = a',
    );
    assert.equal(upsert.affectedRows, 5);
    assert.deepEqual(await text(writer, 'SELECT ROW_COUNT()'), [['5']]);
    assert.deepEqual(await text(writer, 'SELECT ROW_COUNT()'), [['-1']], 'after a result set');
    assert.deepEqual(await text(reader, 'SELECT id, a, b FROM w.o ORDER BY id'), [
      ['1', '10', '10'],
      ['2', '20', '20'],
      ['3', '30', '300'],
    ]);
    // A row left as it was: 1 with CLIENT_FOUND_ROWS (mysql2's default), 0 without.
    const same = 'INSERT INTO w.o VALUES (1, 0, 0) ON DUPLICATE KEY UPDATE a = a';
    assert.equal((await ok(writer, same)).affectedRows, 1);
    const plain = await nodes[0]!.connect({ flags: ['-FOUND_ROWS'] });
    try {
      assert.equal((await ok(plain, same)).affectedRows, 0);
    } finally {
      await plain.end();
    }
    // REPLACE: a changed row 2, the same row 1, a new row 1.
    assert.equal((await ok(writer, 'REPLACE INTO w.o VALUES (1, 11, 11)')).affectedRows, 2);
    assert.equal((await ok(writer, 'REPLACE INTO w.o VALUES (1, 11, 11)')).affectedRows, 1);
    assert.equal((await ok(writer, 'REPLACE INTO w.o VALUES (4, 4, 4)')).affectedRows, 1);
    await ok(writer, 'CREATE TABLE w.ru (id INT PRIMARY KEY, u INT UNIQUE)');
    await ok(writer, 'INSERT INTO w.ru VALUES (1, 1), (2, 2)');
    // With a second unique key REPLACE deletes every row it meets: 1 + 2.
    assert.equal((await ok(writer, 'REPLACE INTO w.ru VALUES (1, 2)')).affectedRows, 3);
    assert.deepEqual(await text(reader, 'SELECT id, u FROM w.ru'), [['1', '2']]);
    await ok(writer, 'UPDATE w.o SET a = a + 1, b = a WHERE id = 4');
    assert.deepEqual(await text(reader, 'SELECT a, b FROM w.o WHERE id = 4'), [['5', '5']]);
    await ok(writer, 'UPDATE w.o SET b = a, a = b WHERE id = 3');
    assert.deepEqual(await text(reader, 'SELECT a, b FROM w.o WHERE id = 3'), [['30', '30']]);
  });

  test('canonical forms: 2.5 rounds away from zero, dates and SET members are normalized', async () => {
    const cases: [string, string, string][] = [
      ['INT', '2.5', '3'],
      ['INT', '-2.5', '-3'],
      ['DATE', "'2024-1-5'", '2024-01-05'],
      ['DATETIME', "'2024-02-03'", '2024-02-03 00:00:00'],
      ["SET('a','b','c')", "'c,a'", 'a,c'],
      ["ENUM('a','b','c')", "'B'", 'b'],
      ["ENUM('a','b','c')", '2', 'b'],
      ['CHAR(5)', "'ab  '", 'ab'],
    ];
    for (const [type, value, stored] of cases) {
      const name = await table(type);
      await ok(writer, `INSERT INTO ${name} (c) VALUES (${value})`);
      assert.deepEqual(
        await text(reader, `SELECT c FROM ${name}`),
        [[stored]],
        `${type} <- ${value}`,
      );
    }
  });

  test('INSERT IGNORE warns 1062 for each row it skips, naming the key it met', async () => {
    await ok(writer, 'CREATE TABLE w.ig (id INT PRIMARY KEY, e VARCHAR(10), UNIQUE KEY email (e))');
    await ok(writer, "INSERT INTO w.ig VALUES (1, 'a')");
    const result = await ok(
      writer,
      "INSERT IGNORE INTO w.ig VALUES (1, 'b'), (2, 'a'), (3, 'c'), (3, 'd')",
    );
    assert.equal(result.affectedRows, 1);
    assert.equal(result.warningStatus, 3);
    assert.deepEqual(await warnings(writer), [
      "Warning 1062: Duplicate entry '1' for key 'PRIMARY'",
      "Warning 1062: Duplicate entry 'a' for key 'email'",
      "Warning 1062: Duplicate entry '3' for key 'PRIMARY'",
    ]);
    assert.deepEqual(await text(reader, 'SELECT id, e FROM w.ig ORDER BY id'), [
      ['1', 'a'],
      ['3', 'c'],
    ]);
  });

  test('a scalar subquery that finds two rows is 1242; one row gives its value, none NULL', async () => {
    await ok(writer, 'CREATE TABLE w.sq (id INT PRIMARY KEY, g INT, v VARCHAR(5))');
    await ok(writer, "INSERT INTO w.sq VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c')");
    await ok(writer, 'CREATE TABLE w.sd (id INT PRIMARY KEY, v VARCHAR(5))');
    await ok(writer, "INSERT INTO w.sd VALUES (1, 'x')");
    assert.deepEqual(
      await text(
        writer,
        'SELECT (SELECT v FROM w.sq WHERE g = 2), (SELECT v FROM w.sq WHERE g = 3)',
      ),
      [['c', null]],
    );
    assert.deepEqual(
      await text(
        writer,
        'SELECT id, (SELECT v FROM w.sq AS s WHERE s.id = t.id) FROM w.sq AS t ORDER BY id',
      ),
      [
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c'],
      ],
    );
    assert.equal(await errno(writer.query('SELECT (SELECT v FROM w.sq WHERE g = 1)')), 1242);
    // A read of tables runs on a reader worker: the error crosses its thread.
    const correlated = 'SELECT id, (SELECT v FROM w.sq AS s WHERE s.g = t.g) FROM w.sq AS t';
    assert.equal(await errno(writer.query(correlated)), 1242);
    const update = 'UPDATE w.sd SET v = (SELECT v FROM w.sq WHERE g = 1) WHERE id = 1';
    assert.equal(await errno(writer.query(update)), 1242);
    assert.deepEqual(await text(reader, 'SELECT v FROM w.sd'), [['x']]);
  });

  test('SELECT SLEEP(n) sleeps without holding the node, and KILL QUERY ends it with 1317', async () => {
    const sleeper = await nodes[0]!.connect();
    try {
      const [[id]] = (await text(sleeper, 'SELECT CONNECTION_ID()')) as [[string]];
      const sleeping = errno(sleeper.query('SELECT SLEEP(600)'));
      // Other sessions are served meanwhile: the processlist shows the sleep running.
      await until('the sleep shows in the processlist', async () =>
        (await text(writer, 'SHOW PROCESSLIST')).some(
          (r) => r[0] === id && r[4] === 'Query' && r[7] === 'SELECT SLEEP(600)',
        ),
      );
      await ok(writer, `KILL QUERY ${id}`);
      assert.equal(await sleeping, 1317);
      assert.deepEqual(await text(sleeper, 'SELECT SLEEP(0), 1'), [['0', '1']]);
    } finally {
      await sleeper.end();
    }
  });

  /** A table of 1,001 rows (cte_max_recursion_depth): a four-way cross join of it runs for hours. */
  async function bigTable(): Promise<string> {
    const name = await table('INT');
    await ok(
      writer,
      `INSERT INTO ${name} (c) WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 1000) SELECT i FROM r`,
    );
    return name;
  }

  /**
   * Starts `sql` on `c`; once it holds n1's event loop, a new mysql2 connection (served by the
   * connection guard's thread), as `options`' account, finds it in SHOW PROCESSLIST and sends
   * `kill`.
   */
  async function killedWhileHolding(
    c: mysql.Connection,
    sql: string,
    kill: (id: string) => string,
    options: Partial<mysql.ConnectionOptions> = {},
  ): Promise<{ errno: number; killAnswer: number; killMs: number }> {
    const [[id]] = (await text(c, 'SELECT CONNECTION_ID()')) as [[string]];
    const running = errno(c.query(sql));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const killer = await nodes[0]!.connect(options).catch((error: Error) => {
      throw new Error(`${error.message}; n1's output:\n${nodes[0]!.output.slice(-20).join('\n')}`);
    });
    try {
      // What the mariadb client asks as it starts, and how one finds the statement.
      assert.deepEqual(await text(killer, 'select @@version_comment limit 1'), [
        ['trireme: MariaDB Galera compatible cluster'],
      ]);
      const listed = await text(killer, 'SHOW PROCESSLIST');
      const row = listed.find((r) => r[0] === id);
      if (options.user === undefined)
        assert.deepEqual([row?.[1], row?.[4], row?.[6]], ['root', 'Query', 'executing']);
      else assert.equal(row, undefined, 'without PROCESS, only its own sessions');
      const killAnswer = await errno(killer.query(kill(id)));
      const killMs = Date.now() - started;
      // The guard's connection goes on serving once the event loop is free.
      assert.deepEqual(await text(killer, 'SELECT 1 + 1'), [['2']]);
      return { errno: await running, killAnswer, killMs };
    } finally {
      await killer.end();
    }
  }

  test('KILL QUERY from a new connection stops a write that holds the event loop: 1317, nothing changed, the transaction goes on', async () => {
    const big = await bigTable();
    const victim = await nodes[0]!.connect();
    try {
      await ok(victim, 'BEGIN');
      await ok(victim, `UPDATE ${big} SET c = -1 WHERE id = 1`);
      const endless = `UPDATE ${big} SET c = (SELECT COUNT(*) FROM ${big} a, ${big} b, ${big} c, ${big} d) WHERE id = 2`;
      const killed = await killedWhileHolding(victim, endless, (id) => `KILL QUERY ${id}`);
      assert.equal(killed.killAnswer, 0);
      assert.equal(killed.errno, 1317);
      assert.ok(killed.killMs < 5000, `KILL QUERY answered after ${killed.killMs} ms`);
      // The transaction keeps its first write and goes on.
      await ok(victim, `UPDATE ${big} SET c = -3 WHERE id = 3`);
      await ok(victim, 'COMMIT');
      assert.deepEqual(await text(reader, `SELECT id, c FROM ${big} WHERE id <= 3 ORDER BY id`), [
        ['1', '-1'],
        ['2', '2'],
        ['3', '-3'],
      ]);
    } finally {
      await victim.end();
    }
  });

  test('KILL from a new connection ends a session whose read holds the event loop', async () => {
    const big = await bigTable();
    const victim = await nodes[0]!.connect();
    victim.on('error', () => undefined);
    try {
      await ok(victim, 'BEGIN');
      const endless = `SELECT COUNT(*) FROM ${big} a, ${big} b, ${big} c, ${big} d`;
      const killed = await killedWhileHolding(victim, endless, (id) => `KILL ${id}`);
      assert.equal(killed.killAnswer, 0);
      assert.notEqual(killed.errno, 0);
      assert.notEqual(await errno(victim.query('SELECT 1')), 0, 'the connection is closed');
    } finally {
      victim.destroy();
    }
  });

  test("a KILL QUERY of another account's statement without SUPER is 1095 and stops nothing", async () => {
    const big = await bigTable();
    await ok(writer, "CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'");
    await ok(writer, "GRANT SELECT ON w.* TO 'plain'@'%'");
    // The guard learns of the account with the next heartbeat.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const victim = await nodes[0]!.connect();
    try {
      await ok(victim, 'SET SESSION max_statement_time = 3');
      const endless = `UPDATE ${big} SET c = (SELECT COUNT(*) FROM ${big} a, ${big} b, ${big} c, ${big} d) WHERE id = 2`;
      const killed = await killedWhileHolding(victim, endless, (id) => `KILL QUERY ${id}`, {
        user: 'plain',
        password: 'pw',
      });
      assert.equal(killed.killAnswer, 1095);
      // Stopped by its own deadline, not by the refused KILL.
      assert.equal(killed.errno, 1969);
      // On the main thread too, without PROCESS one sees one's own sessions only.
      const plain = await nodes[0]!.connect({ user: 'plain', password: 'pw' });
      try {
        const users = (await text(plain, 'SHOW PROCESSLIST')).map((r) => r[1]);
        assert.deepEqual([...new Set(users)], ['plain']);
        const listed = await text(
          plain,
          'SELECT DISTINCT user FROM information_schema.PROCESSLIST',
        );
        assert.deepEqual(listed, [['plain']]);
      } finally {
        await plain.end();
      }
    } finally {
      await victim.end();
    }
  });

  test('Ctrl-C in the mariadb client stops its read that holds the event loop: 1317, and the client goes on', async () => {
    const big = await bigTable();
    // The interactive client on a terminal (a pty): Ctrl-C sends KILL QUERY from a new connection.
    const driver = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp('mariadb', ['mariadb', '--no-defaults', '-h127.0.0.1', '-P${nodes[0]!.port}', '-uroot'])
def read(seconds):
    out, end = b'', time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try: out += os.read(fd, 4096)
            except OSError: break
    return out.decode(errors='replace')
read(2)
os.write(fd, b'BEGIN;\\n'); read(1)
os.write(fd, b'SELECT COUNT(*) FROM ${big} a, ${big} b, ${big} c, ${big} d;\\n'); read(1.5)
os.write(fd, b'\\x03'); sys.stdout.write('[stopped] ' + read(5))
os.write(fd, b'SELECT 6 * 7;\\n'); sys.stdout.write('[after] ' + read(2))
os.write(fd, b'exit\\n'); read(1)
`;
    const ran = spawnSync('python3', ['-c', driver], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(ran.status, 0, ran.stderr);
    const [stopped = '', after = ''] = ran.stdout.split('[after] ');
    assert.match(stopped, /ERROR 1317 \(70100\): Query execution was interrupted/);
    assert.match(after, /\|\s+42 \|/);
  });
});
