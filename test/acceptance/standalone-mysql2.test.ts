// mysql2 against an in-process standalone node (127.0.0.1, port 0, temporary datadir): databases, DDL through
// TOI, DML with MySQL's affected-rows semantics, transactions, AUTO_INCREMENT, error codes,
// prepared statements, SHOW and information_schema, users and privileges, restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { startNode, type NodeFixture } from '../engine/node-fixture.js';

let fixture: NodeFixture;
let root: mysql.Connection;

async function connect(options: Partial<mysql.ConnectionOptions> = {}): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    ...options,
  });
}

async function rows(
  c: mysql.Connection,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const [result] = await c.query(sql, params);
  return result as Record<string, unknown>[];
}

async function errno(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    return (error as { errno: number }).errno;
  }
  return 0;
}

before(async () => {
  fixture = await startNode();
  root = await connect();
  await root.query('CREATE DATABASE app');
  await root.query('USE app');
});

after(async () => {
  await root.end();
  await fixture.destroy();
});

describe('databases and DDL', () => {
  test('SHOW DATABASES lists the reserved names and created databases', async () => {
    const names = (await rows(root, 'SHOW DATABASES')).map((r) => r['Database']);
    assert.deepEqual(names, ['app', 'information_schema', 'mysql', 'performance_schema']);
  });

  test('reserved databases cannot be created or dropped', async () => {
    assert.equal(await errno(root.query('CREATE DATABASE information_schema')), 1044);
    assert.equal(await errno(root.query('DROP DATABASE mysql')), 1044);
    assert.equal(await errno(root.query('CREATE DATABASE app')), 1007);
  });

  test('USE of an unknown database is 1049, without a database 1046', async () => {
    const c = await connect();
    assert.equal(await errno(c.query('USE nowhere')), 1049);
    assert.equal(await errno(c.query('SELECT * FROM t')), 1046);
    await c.end();
  });

  test('CREATE TABLE goes through TOI and the catalog is persisted', async () => {
    await root.query(
      'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, n INT DEFAULT 0, UNIQUE KEY uname (name))',
    );
    const [[create]] = (await root.query('SHOW CREATE TABLE t')) as unknown as [
      [{ 'Create Table': string }],
    ];
    assert.match(create['Create Table'], /UNIQUE KEY `uname` \(`name`\)/);
    assert.equal(await errno(root.query('CREATE TABLE t (id INT)')), 1050);
    const [result] = await root.query('CREATE TABLE IF NOT EXISTS t (id INT)');
    assert.equal((result as mysql.ResultSetHeader).warningStatus, 1);
    // Alone, writes are local commits; they never move the cluster position.
    const status = await rows(root, "SHOW STATUS LIKE 'wsrep_local_commits'");
    assert.ok(Number(status[0]?.['Value']) > 2);
  });
});

describe('DML', () => {
  test('INSERT: AUTO_INCREMENT ids, LAST_INSERT_ID, multi-row info string', async () => {
    const [one] = await root.query("INSERT INTO t (name) VALUES ('a')");
    assert.equal((one as mysql.ResultSetHeader).insertId, 1);
    const [two] = await root.query("INSERT INTO t (name) VALUES ('b'), ('c')");
    assert.equal((two as mysql.ResultSetHeader).affectedRows, 2);
    // Exactly: mysql2 read a length byte in front when the server did not offer SESSION_TRACK.
    assert.equal((two as mysql.ResultSetHeader).info, 'Records: 2  Duplicates: 0  Warnings: 0');
    assert.deepEqual(await rows(root, 'SELECT LAST_INSERT_ID() AS id'), [{ id: 2 }]);
    assert.deepEqual(
      (await rows(root, 'SELECT id, name FROM t ORDER BY id')).map((r) => r['id']),
      [1, 2, 3],
    );
  });

  test('errors carry MySQL codes: 1062, 1146, 1054, 1064, 1048', async () => {
    await assert.rejects(
      root.query("INSERT INTO t (name) VALUES ('a')"),
      (e: { errno: number; message: string }) => {
        assert.equal(e.errno, 1062);
        assert.equal(e.message, "Duplicate entry 'a' for key 'uname'");
        return true;
      },
    );
    await assert.rejects(
      root.query("INSERT INTO t (id, name) VALUES (1, 'zz')"),
      /Duplicate entry '1' for key 'PRIMARY'/,
    );
    assert.equal(await errno(root.query('SELECT * FROM missing')), 1146);
    assert.equal(await errno(root.query('SELECT nope FROM t')), 1054);
    assert.equal(await errno(root.query('SELEC 1')), 1064);
    assert.equal(await errno(root.query('INSERT INTO t (name) VALUES (NULL)')), 1048);
  });

  test('UPDATE counts rows; with CLIENT_FOUND_ROWS (mysql2) the matched ones', async () => {
    const [r] = await root.query('UPDATE t SET n = n + 1 WHERE id <= 2');
    assert.equal((r as mysql.ResultSetHeader).affectedRows, 2);
    assert.equal((r as mysql.ResultSetHeader).info, 'Rows matched: 2  Changed: 2  Warnings: 0');
    // A matched row that keeps its values is counted as matched, not changed (MariaDB's info).
    const [same] = await root.query('UPDATE t SET n = n WHERE id <= 2');
    assert.equal((same as mysql.ResultSetHeader).affectedRows, 2);
    assert.equal((same as mysql.ResultSetHeader).info, 'Rows matched: 2  Changed: 0  Warnings: 0');
  });

  test('INSERT … ON DUPLICATE KEY UPDATE reports 1 for an insert and 2 for an update', async () => {
    const [inserted] = await root.query(
      "INSERT INTO t (name, n) VALUES ('d', 1) ON DUPLICATE KEY UPDATE n = n + 10",
    );
    assert.equal((inserted as mysql.ResultSetHeader).affectedRows, 1);
    const [updated] = await root.query(
      "INSERT INTO t (name, n) VALUES ('d', 1) ON DUPLICATE KEY UPDATE n = n + 10",
    );
    assert.equal((updated as mysql.ResultSetHeader).affectedRows, 2);
    assert.deepEqual(await rows(root, "SELECT n FROM t WHERE name = 'd'"), [{ n: 11 }]);
  });

  test('prepared statements: parameters, binary rows with MySQL types', async () => {
    const [result] = await root.execute(
      'SELECT id, name, n, NOW() AS now FROM t WHERE id = ?',
      [1],
    );
    const row = (result as Record<string, unknown>[])[0]!;
    assert.equal(row['id'], 1);
    assert.equal(row['name'], 'a');
    assert.ok(row['now'] instanceof Date);
    const [inserted] = await root.execute('INSERT INTO t (name) VALUES (?)', ['prepared']);
    assert.ok((inserted as mysql.ResultSetHeader).insertId > 3);
  });

  test('a prepared statement executed with too few parameters is 1210; the connection goes on', async () => {
    // mysql2 sends what it is given: the node closed the connection (1158) where MariaDB answers.
    await assert.rejects(root.execute('SELECT ?, ?', [1]), { errno: 1210 });
    assert.deepEqual(await rows(root, 'SELECT 1 AS one'), [{ one: 1 }]);
  });

  test("a string that is no number for an INT column is 1366 with MariaDB's SQLSTATE 22007", async () => {
    await assert.rejects(root.query("INSERT INTO t (name, n) VALUES ('z', 'abc')"), {
      errno: 1366,
      sqlState: '22007',
    });
  });

  test('SET of wsrep_on or wsrep_OSU_method to what the node does not do is refused, not ignored', async () => {
    // The ops walkthrough: SET SESSION wsrep_on=OFF was taken and writes still replicated.
    const [[on]] = (await root.query('SELECT @@wsrep_on AS v')) as unknown as [[{ v: number }]];
    await root.query(`SET SESSION wsrep_on = ${on.v === 1 ? 'ON' : 'OFF'}`);
    await assert.rejects(root.query(`SET SESSION wsrep_on = ${on.v === 1 ? 'OFF' : 'ON'}`), {
      errno: 1235,
    });
    await root.query("SET SESSION wsrep_OSU_method = 'TOI'");
    await assert.rejects(root.query("SET SESSION wsrep_OSU_method = 'RSU'"), { errno: 1235 });
  });

  test('LOCK TABLES checks its tables and commits as MariaDB does, and warns that it locks nothing', async () => {
    const conn = await connect({ database: 'app' });
    try {
      await conn.query('CREATE TABLE lt (id INT)');
      await conn.query('BEGIN');
      await conn.query('INSERT INTO lt VALUES (1)');
      const [locked] = await conn.query('LOCK TABLES lt WRITE');
      assert.equal((locked as { warningStatus: number }).warningStatus, 1);
      const [warnings] = await conn.query('SHOW WARNINGS');
      assert.match((warnings as Array<{ Message: string }>)[0]!.Message, /no table is locked/);
      await conn.query('ROLLBACK');
      const [rows] = await conn.query('SELECT id FROM lt');
      assert.deepEqual(rows, [{ id: 1 }], 'LOCK TABLES committed the open transaction');
      await assert.rejects(conn.query('LOCK TABLES no_such_table READ'), { errno: 1146 });
      await conn.query('UNLOCK TABLES');
      await conn.query('DROP TABLE lt');
    } finally {
      await conn.end();
    }
  });

  test('COMMIT RELEASE commits and ends the connection, as in MariaDB', async () => {
    const conn = await connect({ database: 'app' });
    await conn.query('CREATE TABLE rl (id INT PRIMARY KEY)');
    await conn.query('BEGIN');
    await conn.query('INSERT INTO rl VALUES (1)');
    const ended = new Promise<void>((resolve) => conn.once('end', () => resolve()));
    // The server writes the OK and closes; mysql2 reports the close for the statement too.
    await conn.query('COMMIT RELEASE').catch(() => undefined);
    await ended;
    await assert.rejects(conn.query('SELECT 1'));
    const [rows] = await root.query('SELECT id FROM app.rl');
    assert.deepEqual(rows, [{ id: 1 }]);
    await root.query('DROP TABLE app.rl');
  });

  test('a pool of connections inserts concurrently without id collisions', async () => {
    const pool = mysql.createPool({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'root',
      database: 'app',
      connectionLimit: 8,
    });
    await pool.query('CREATE TABLE seq (id BIGINT AUTO_INCREMENT PRIMARY KEY, who INT)');
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => pool.execute('INSERT INTO seq (who) VALUES (?)', [i])),
    );
    const ids = results.map(([r]) => (r as mysql.ResultSetHeader).insertId);
    assert.equal(new Set(ids).size, 64);
    const [count] = await pool.query('SELECT COUNT(*) AS n FROM seq');
    assert.deepEqual(count, [{ n: 64 }]);
    await pool.end();
  });
});

describe('transactions', () => {
  test('COMMIT makes changes visible, ROLLBACK and ROLLBACK TO SAVEPOINT undo them', async () => {
    const other = await connect({ database: 'app' });
    await root.query('BEGIN');
    await root.query("INSERT INTO t (name) VALUES ('tx1')");
    assert.deepEqual(await rows(other, "SELECT COUNT(*) AS n FROM t WHERE name = 'tx1'"), [
      { n: 0 },
    ]);
    await root.query('SAVEPOINT s1');
    await root.query("INSERT INTO t (name) VALUES ('tx2')");
    await root.query('ROLLBACK TO SAVEPOINT s1');
    await root.query('COMMIT');
    assert.deepEqual(await rows(other, "SELECT name FROM t WHERE name LIKE 'tx%'"), [
      { name: 'tx1' },
    ]);
    await root.query('START TRANSACTION');
    await root.query("DELETE FROM t WHERE name = 'tx1'");
    await root.query('ROLLBACK');
    assert.deepEqual(await rows(other, "SELECT COUNT(*) AS n FROM t WHERE name = 'tx1'"), [
      { n: 1 },
    ]);
    await other.end();
  });

  test('autocommit=0 opens transactions implicitly; READ ONLY refuses writes (1792)', async () => {
    const c = await connect({ database: 'app' });
    await c.query('SET autocommit = 0');
    await c.query("INSERT INTO t (name) VALUES ('implicit')");
    assert.deepEqual(await rows(root, "SELECT COUNT(*) AS n FROM t WHERE name = 'implicit'"), [
      { n: 0 },
    ]);
    await c.query('COMMIT');
    assert.deepEqual(await rows(root, "SELECT COUNT(*) AS n FROM t WHERE name = 'implicit'"), [
      { n: 1 },
    ]);
    await c.query('SET autocommit = 1');
    await c.query('START TRANSACTION READ ONLY');
    assert.equal(await errno(c.query("INSERT INTO t (name) VALUES ('ro')")), 1792);
    await c.query('COMMIT');
    await c.end();
  });

  test('a writer waiting past innodb_lock_wait_timeout for a row read FOR UPDATE gets 1205', async () => {
    const a = await connect({ database: 'app' });
    const b = await connect({ database: 'app' });
    await a.query('BEGIN');
    await a.query('SELECT n FROM t WHERE id = 1 FOR UPDATE');
    await b.query('SET SESSION innodb_lock_wait_timeout = 1');
    assert.equal(await errno(b.query('UPDATE t SET n = 6 WHERE id = 1')), 1205);
    await a.query('UPDATE t SET n = 5 WHERE id = 1');
    await a.query('COMMIT');
    assert.deepEqual(await rows(b, 'SELECT n FROM t WHERE id = 1'), [{ n: 5 }]);
    await a.end();
    await b.end();
  });

  test('open transactions never wait for each other between statements; none loses an update', async () => {
    const a = await connect({ database: 'app' });
    const b = await connect({ database: 'app' });
    await root.query('UPDATE t SET n = 10 WHERE id = 1');
    await root.query('UPDATE t SET n = 20 WHERE id = 2');
    await a.query('BEGIN');
    await a.query('UPDATE t SET n = n + 1 WHERE id = 1');
    // a's client is between statements: b writes another row, and the same row, at once.
    await b.query('SET SESSION innodb_lock_wait_timeout = 1');
    await b.query('BEGIN');
    await b.query('UPDATE t SET n = n + 2 WHERE id = 2');
    await b.query('UPDATE t SET n = n + 2 WHERE id = 1');
    await b.query('COMMIT');
    // a's row changed since its snapshot: COMMIT runs its UPDATE again on b's state, where it
    // still changes one row, and commits on top of it.
    await a.query('COMMIT');
    const [stashed] = await root.query("SHOW STATUS LIKE 'trireme_writer_stashes'");
    assert.ok(Number((stashed as { Value: string }[])[0]?.Value) >= 1, 'a was stashed for b');
    assert.deepEqual(await rows(root, 'SELECT id, n FROM t WHERE id IN (1, 2) ORDER BY id'), [
      { id: 1, n: 13 },
      { id: 2, n: 22 },
    ]);
    await a.end();
    await b.end();
  });

  test('DDL brute-force aborts an open write transaction: its COMMIT gets 1213', async () => {
    const a = await connect({ database: 'app' });
    await a.query('BEGIN');
    await a.query('UPDATE t SET n = 7 WHERE id = 1');
    await root.query('CREATE INDEX byn ON t (n)');
    await assert.rejects(
      a.query('COMMIT'),
      (e: { errno: number; sqlState: string; message: string }) => {
        assert.equal(e.errno, 1213);
        assert.equal(e.sqlState, '40001');
        assert.equal(
          e.message,
          'Deadlock found when trying to get lock; try restarting transaction',
        );
        return true;
      },
    );
    assert.notDeepEqual(await rows(root, 'SELECT n FROM t WHERE id = 1'), [{ n: 7 }]);
    await a.end();
  });

  test('SELECT … FOR UPDATE in a transaction takes the writer and certifies the rows read', async () => {
    await root.query('BEGIN');
    const locked = await rows(root, 'SELECT id FROM t WHERE id = 2 FOR UPDATE');
    assert.deepEqual(locked, [{ id: 2 }]);
    await root.query('COMMIT');
  });
});

describe('SHOW, variables and information_schema', () => {
  test('system variables clients read at connect', async () => {
    const [r] = await root.query(
      'SELECT @@version_comment, @@max_allowed_packet, @@session.autocommit, @@global.wsrep_on, @@tx_isolation, @@lower_case_table_names',
    );
    const row = (r as Record<string, unknown>[])[0]!;
    assert.equal(row['@@max_allowed_packet'], 16777216);
    assert.equal(row['@@session.autocommit'], 1);
    assert.equal(row['@@global.wsrep_on'], 0);
    assert.equal(row['@@tx_isolation'], 'REPEATABLE-READ');
    assert.equal(await errno(root.query('SELECT @@no_such_variable')), 1193);
    assert.deepEqual(await rows(root, 'SELECT VERSION() AS v'), [
      { v: '10.11.99-MariaDB-trireme' },
    ]);
  });

  test('SET SESSION / GLOBAL, SET NAMES and SHOW VARIABLES with LIKE and WHERE', async () => {
    await root.query('SET SESSION sql_mode = ""');
    assert.deepEqual(await rows(root, "SHOW VARIABLES LIKE 'sql_mode'"), [
      { Variable_name: 'sql_mode', Value: '' },
    ]);
    await root.query('SET NAMES utf8mb4');
    await root.query('SET GLOBAL wsrep_retry_autocommit = 3');
    assert.deepEqual(
      await rows(root, "SHOW GLOBAL VARIABLES WHERE Variable_name = 'wsrep_retry_autocommit'"),
      [{ Variable_name: 'wsrep_retry_autocommit', Value: '3' }],
    );
    assert.equal(await errno(root.query('SET SESSION wsrep_node_name = "x"')), 1238);
    await root.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });

  test("SHOW STATUS LIKE 'wsrep%' has Galera's names and says a standalone node is no cluster", async () => {
    const status = new Map(
      (await rows(root, "SHOW STATUS LIKE 'wsrep%'")).map((r) => [r['Variable_name'], r['Value']]),
    );
    // As MariaDB with wsrep_on=OFF: neither Primary nor Synced.
    assert.equal(status.get('wsrep_ready'), 'OFF');
    assert.equal(status.get('wsrep_cluster_size'), '0');
    assert.equal(status.get('wsrep_cluster_status'), 'Disconnected');
    assert.equal(status.get('wsrep_connected'), 'OFF');
    assert.equal(status.get('wsrep_local_state'), undefined);
    assert.equal(status.get('wsrep_local_state_comment'), undefined);
    const threads = await rows(
      root,
      "SHOW STATUS WHERE Variable_name IN ('Threads_connected', 'Uptime')",
    );
    assert.equal(threads.length, 2);
  });

  test('SHOW TABLES / COLUMNS / INDEX / TABLE STATUS / PROCESSLIST / WARNINGS', async () => {
    assert.ok((await rows(root, 'SHOW TABLES')).some((r) => r['Tables_in_app'] === 't'));
    assert.deepEqual(
      (await rows(root, 'SHOW COLUMNS FROM t')).map((r) => r['Field']),
      ['id', 'name', 'n'],
    );
    assert.ok((await rows(root, 'SHOW INDEX FROM t')).some((r) => r['Key_name'] === 'uname'));
    assert.equal((await rows(root, "SHOW TABLE STATUS LIKE 't'"))[0]?.['Engine'], 'InnoDB');
    assert.ok((await rows(root, 'SHOW PROCESSLIST')).length >= 1);
    await root.query('DROP TABLE IF EXISTS nothing_here');
    assert.deepEqual(await rows(root, 'SHOW WARNINGS'), [
      { Level: 'Note', Code: 1051, Message: "Unknown table 'app.nothing_here'" },
    ]);
  });

  test('information_schema SCHEMATA, TABLES, COLUMNS, STATISTICS', async () => {
    const schemata = await rows(
      root,
      "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'app'",
    );
    assert.deepEqual(schemata, [{ SCHEMA_NAME: 'app' }]);
    const tables = await rows(
      root,
      "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't'",
    );
    assert.deepEqual(tables, [{ TABLE_NAME: 't', ENGINE: 'InnoDB' }]);
    const columns = await rows(
      root,
      "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION",
    );
    assert.deepEqual(columns[0], { COLUMN_NAME: 'id', DATA_TYPE: 'int', COLUMN_KEY: 'PRI' });
    const stats = await rows(
      root,
      "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't' ORDER BY INDEX_NAME",
    );
    assert.ok(stats.some((r) => r['INDEX_NAME'] === 'uname'));
  });
});

describe('users and privileges', () => {
  test('CREATE USER, GRANT, SHOW GRANTS, password check and per-statement privileges', async () => {
    await root.query("CREATE USER 'ann'@'%' IDENTIFIED BY 'secret'");
    await root.query("GRANT SELECT, INSERT ON app.* TO 'ann'@'%'");
    const grants = (await rows(root, "SHOW GRANTS FOR 'ann'@'%'")).map((r) => Object.values(r)[0]);
    assert.deepEqual(grants, [
      "GRANT USAGE ON *.* TO `ann`@`%` IDENTIFIED BY PASSWORD '*14E65567ABDB5135D0CFD9A70B3032C179A49EE7'",
      'GRANT SELECT, INSERT ON `app`.* TO `ann`@`%`',
    ]);
    assert.equal(await errno(connect({ user: 'ann', password: 'wrong' })), 1045);
    const ann = await connect({ user: 'ann', password: 'secret', database: 'app' });
    await ann.query("INSERT INTO t (name) VALUES ('by ann')");
    // 1142 names the client as USER() does (MariaDB with skip_name_resolve, trireme's), 1044
    // the account; a database one may not use is 1044 whether it exists or not (it was 1049).
    await assert.rejects(ann.query('DELETE FROM t'), {
      errno: 1142,
      message: "DELETE command denied to user 'ann'@'127.0.0.1' for table `app`.`t`",
    });
    await assert.rejects(ann.query('CREATE DATABASE anns'), {
      errno: 1044,
      message: "Access denied for user 'ann'@'%' to database 'anns'",
    });
    assert.equal(await errno(ann.query('USE nodb')), 1044);
    assert.equal(await errno(connect({ user: 'ann', password: 'secret', database: 'nodb' })), 1044);
    assert.equal(await errno(root.query('USE nodb')), 1049);
    const hosts = await rows(root, 'SELECT HOST FROM information_schema.PROCESSLIST');
    assert.ok(
      hosts.every((r) => /^127\.0\.0\.1:\d+$/.test(String(r['HOST']))),
      JSON.stringify(hosts),
    );
    assert.equal(await errno(ann.query("CREATE USER 'x'@'%'")), 1227);
    await root.query("REVOKE INSERT ON app.* FROM 'ann'@'%'");
    assert.equal(await errno(ann.query("INSERT INTO t (name) VALUES ('again')")), 1142);
    await ann.end();
    await root.query("DROP USER 'ann'@'%'");
    assert.equal(await errno(connect({ user: 'ann', password: 'secret' })), 1045);
  });

  test('KILL ends another connection; an unknown id is 1094', async () => {
    const victim = await connect();
    const [[{ id }]] = (await victim.query('SELECT CONNECTION_ID() AS id')) as unknown as [
      [{ id: number }],
    ];
    await root.query(`KILL ${id}`);
    assert.notEqual(await errno(victim.query('SELECT 1')), 0);
    assert.equal(await errno(root.query('KILL 999999')), 1094);
  });
});

describe('JSON as mysql2 sees it from MariaDB (extended metadata: format json)', () => {
  test('a JSON column and JSON_OBJECT arrive parsed, in text and binary protocol', async () => {
    await root.query('CREATE TABLE docs (id INT PRIMARY KEY, j JSON, t TEXT)');
    await root.query(`INSERT INTO docs VALUES (1, '{"a": [1, 2]}', '[3]')`);
    const sql = "SELECT j, JSON_OBJECT('k', id) AS o, JSON_EXTRACT(j, '$.a') AS x, t FROM docs";
    const [text, fields] = await root.query(sql);
    const expected = [{ j: { a: [1, 2] }, o: { k: 1 }, x: [1, 2], t: '[3]' }];
    assert.deepEqual(text, expected);
    const column = (fields as mysql.FieldPacket[])[0]!;
    assert.equal(column.columnType, mysql.Types.BLOB);
    assert.equal(Number(column.flags) & 0x90, 0x90, 'BLOB and BINARY, as utf8mb4_bin');
    const [binary] = await root.execute(`${sql} WHERE id = ?`, [1]);
    assert.deepEqual(binary, expected);
    await root.query('DROP TABLE docs');
  });
});

describe('result column types (MariaDB 10.11 sends the same; test/compat compares them all)', () => {
  async function types(sql: string): Promise<string[]> {
    const [, fields] = await root.query(sql);
    const name = new Map(Object.entries(mysql.Types).map(([k, v]) => [v as number, k]));
    return (fields as mysql.FieldPacket[]).map(
      (f) => `${name.get(f.columnType!)}${(Number(f.flags) & 32) !== 0 ? ' UNSIGNED' : ''}`,
    );
  }

  test('predicates and narrow integers are LONG, wide ones LONGLONG', async () => {
    assert.deepEqual(await types("SELECT 1 = 1, 'a' LIKE 'a', 1 IS NULL, NOT 1, 1 + 1, -1"), [
      'LONG',
      'LONG',
      'LONG',
      'LONG',
      'LONG',
      'LONG',
    ]);
    assert.deepEqual(await types('SELECT 2147483647, COUNT(*), MAX(1), LENGTH(1)'), [
      'LONGLONG',
      'LONGLONG',
      'LONGLONG',
      'LONG',
    ]);
  });

  test('bit operators, CAST AS UNSIGNED and LAST_INSERT_ID are unsigned', async () => {
    assert.deepEqual(
      await types('SELECT ~0, 5 & 3, CAST(1 AS UNSIGNED), LAST_INSERT_ID(), 18446744073709551615'),
      [
        'LONGLONG UNSIGNED',
        'LONGLONG UNSIGNED',
        'LONG UNSIGNED',
        'LONGLONG UNSIGNED',
        'LONGLONG UNSIGNED',
      ],
    );
  });

  test('IF, IFNULL, COALESCE and CASE aggregate their branches', async () => {
    assert.deepEqual(
      await types(
        "SELECT IF(1, 1, 2.5), IFNULL(1, 2.5), IF(1, 1, 'a'), COALESCE(NULL, 1), CASE WHEN 1 THEN 1.5e0 ELSE 2 END",
      ),
      ['NEWDECIMAL', 'NEWDECIMAL', 'VAR_STRING', 'LONG', 'DOUBLE'],
    );
  });

  test('DATE(), TIME(), TIMEDIFF, CAST AS TIME and GROUP_CONCAT have their own types', async () => {
    assert.deepEqual(
      await types(
        "SELECT DATE('2024-01-05 10:00:00'), TIMEDIFF('10:00:00', '09:00:00'), CAST('10:00' AS TIME), GROUP_CONCAT(1)",
      ),
      ['DATE', 'TIME', 'TIME', 'BLOB'],
    );
  });
});

describe('functions as MariaDB answers them', () => {
  async function one(sql: string): Promise<unknown[]> {
    const [result] = await root.query({ sql, rowsAsArray: true, dateStrings: true });
    return (result as unknown[][])[0]!;
  }

  test('JSON_SET, JSON_INSERT, JSON_REPLACE and JSON_REMOVE return the changed document', async () => {
    assert.deepEqual(
      await one(
        `SELECT JSON_SET('{"a": 1}', '$.b', 2), JSON_INSERT('{"a": 1}', '$.a', 3, '$.c', 4), JSON_REPLACE('{"a": 1}', '$.a', 3, '$.c', 4), JSON_REMOVE('[1, 2, 3]', '$[1]')`,
      ),
      // Parsed by mysql2: MariaDB tags these results with the json format.
      [{ a: 1, b: 2 }, { a: 1, c: 4 }, { a: 3 }, [1, 3]],
    );
  });

  test('JSON_TYPE names types in capitals; JSON_DEPTH, JSON_MERGE_PATCH, JSON_CONTAINS_PATH exist', async () => {
    assert.deepEqual(
      await one(
        `SELECT JSON_TYPE('{}'), JSON_TYPE('1'), JSON_TYPE('1.5'), JSON_DEPTH('[1, [2]]'), JSON_MERGE_PATCH('{"a": 1}', '{"a": null, "b": 2}'), JSON_CONTAINS_PATH('{"a": 1}', 'all', '$.a', '$.b')`,
      ),
      ['OBJECT', 'INTEGER', 'DOUBLE', 3, { b: 2 }, 0],
    );
  });

  test('time and period functions: SEC_TO_TIME, TIME_TO_SEC, QUARTER, PERIOD_ADD, TIMESTAMP, ADDTIME', async () => {
    assert.deepEqual(
      await one(
        "SELECT SEC_TO_TIME(-3723), TIME_TO_SEC('01:02:03'), QUARTER('2024-12-05'), PERIOD_ADD(202401, 13), TIMESTAMP('2024-01-05', '10:00:00'), ADDTIME('2024-01-05 10:00:00', '01:30:00'), MAKE_SET(5, 'a', 'b', 'c')",
      ),
      ['-01:02:03', 3723, 4, 202502, '2024-01-05 10:00:00', '2024-01-05 11:30:00', 'a,c'],
    );
  });

  test('ROUND and TRUNCATE of DECIMALs are exact, half away from zero; of strings half to even', async () => {
    assert.deepEqual(
      await one(
        "SELECT ROUND(2.675, 2), ROUND(1.005, 2), ROUND(-2.5), ROUND(123.456, -1), TRUNCATE(1.45, 1), ROUND(2.5, 2), ROUND('2.5')",
      ),
      ['2.68', '1.01', '-3', '120', '1.4', '2.50', 2],
    );
  });

  test('WEEK in its eight modes, YEARWEEK and DATE_FORMAT %U %u %V %v %X %x number weeks as MySQL', async () => {
    const modes = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => `WEEK('2021-01-03', ${m})`).join(', ');
    assert.deepEqual(await one(`SELECT ${modes}`), [1, 0, 1, 53, 1, 0, 1, 52]);
    assert.deepEqual(
      await one(
        "SELECT YEARWEEK('2021-01-03'), WEEKOFYEAR('2021-01-03'), DATE_FORMAT('2021-01-03', '%U %u %V %v %X %x')",
      ),
      [202101, 53, '01 00 01 53 2021 2020'],
    );
  });

  test('string functions: ASCII, ORD of a multibyte character, QUOTE, TO_BASE64, SOUNDEX, INSERT', async () => {
    assert.deepEqual(
      await one(
        "SELECT ASCII(''), ORD('é'), QUOTE('it''s'), TO_BASE64('abc'), FROM_BASE64('YWJj'), SOUNDEX('Robert'), INSERT('Quadratic', 3, 4, 'What')",
      ),
      // FROM_BASE64 is a binary string in MariaDB (charset 63): mysql2 gives a Buffer there too.
      [0, 50089, "'it\\'s'", 'YWJj', Buffer.from('abc'), 'R163', 'QuWhattic'],
    );
  });

  test('interval arithmetic keeps the month end, reads composite units and rounds whole units', async () => {
    assert.deepEqual(
      await one(
        "SELECT DATE_ADD('2024-01-31', INTERVAL 1 MONTH), DATE_SUB('2024-03-31', INTERVAL 1 MONTH), DATE_ADD('2024-02-29', INTERVAL 1 YEAR), DATE_ADD('2024-01-05', INTERVAL '1-2' YEAR_MONTH), DATE_ADD('2024-01-05 10:00:00', INTERVAL '1:30' HOUR_MINUTE), DATE_ADD('2024-01-05', INTERVAL 1.5 DAY), DATE('2024-01-05') + INTERVAL 1 DAY",
      ),
      [
        '2024-02-29',
        '2024-02-29',
        '2025-02-28',
        '2025-03-05',
        '2024-01-05 11:30:00',
        '2024-01-07',
        '2024-01-06',
      ],
    );
  });
});

describe('restart', () => {
  test('the catalog, the data and the users survive a restart', async () => {
    const { startNode: start, tempDir } = await import('../engine/node-fixture.js');
    const datadir = tempDir('trireme-restart-');
    const first = await start({ datadir });
    const c1 = await mysql.createConnection({ host: '127.0.0.1', port: first.port, user: 'root' });
    await c1.query('CREATE DATABASE kept');
    await c1.query('CREATE TABLE kept.k (id INT AUTO_INCREMENT PRIMARY KEY, v TEXT)');
    await c1.query("INSERT INTO kept.k (v) VALUES ('one'), ('two')");
    await c1.end();
    await first.stop();
    const second = await start({ datadir });
    const c2 = await mysql.createConnection({
      host: '127.0.0.1',
      port: second.port,
      user: 'root',
      database: 'kept',
    });
    assert.deepEqual(await rows(c2, 'SELECT id, v FROM k ORDER BY id'), [
      { id: 1, v: 'one' },
      { id: 2, v: 'two' },
    ]);
    const [r] = await c2.query("INSERT INTO k (v) VALUES ('three')");
    assert.equal((r as mysql.ResultSetHeader).insertId, 3);
    await c2.end();
    await second.destroy();
  });
});
