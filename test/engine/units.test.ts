// Table-driven tests of the engine's pure parts: the AUTO_INCREMENT allocator and INSERT
// rewrite, host matching and grants, MySQL functions, SQLite-to-MySQL error mapping, SHOW's
// LIKE, and the table of keys in flight.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { transactionId, type CertificationKey } from '../../src/codec/index.js';
import { nodeId } from '../../src/core/types.js';
import { STORE_VALUE_FUNCTION, parse, type Insert, type TableDef } from '../../src/sql/index.js';
import { AutoIncrementAllocator, rewriteInsert } from '../../src/engine/autoinc.js';
import { EngineCatalog, UpdateBuilder } from '../../src/engine/catalog.js';
import { fromSqlite } from '../../src/engine/errors.js';
import { InFlightKeys, waitSettled } from '../../src/engine/in-flight.js';
import { userFunctions } from '../../src/engine/functions.js';
import { likeMatches } from '../../src/engine/show.js';
import {
  applyUserStatement,
  canonicalUserStatement,
  hasPrivilege,
  hostMatches,
  isUserStatement,
  matchAccount,
  showGrants,
} from '../../src/engine/users.js';

describe('AUTO_INCREMENT allocator', () => {
  test('values never repeat and follow increment and offset', () => {
    const a = new AutoIncrementAllocator();
    assert.deepEqual(a.allocate('d.t', 3, 0n, { increment: 1, offset: 1 }), [1n, 2n, 3n]);
    // A lower floor (rows not yet applied) does not bring values back.
    assert.deepEqual(a.allocate('d.t', 2, 1n, { increment: 1, offset: 1 }), [4n, 5n]);
    // A higher floor (rows that arrived otherwise) moves past them.
    assert.deepEqual(a.allocate('d.t', 1, 10n, { increment: 1, offset: 1 }), [11n]);
    const b = new AutoIncrementAllocator();
    assert.deepEqual(b.allocate('d.t', 3, 0n, { increment: 3, offset: 2 }), [2n, 5n, 8n]);
    assert.deepEqual(b.allocate('d.t', 1, 9n, { increment: 3, offset: 2 }), [11n]);
    b.observe('d.t', 20n);
    assert.deepEqual(b.allocate('d.t', 1, 0n, { increment: 3, offset: 2 }), [23n]);
  });

  test('the INSERT rewrite gives every row a slot for the AUTO_INCREMENT column', () => {
    const catalog = new EngineCatalog();
    const create = parse('CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)');
    assert.ok(create.ok);
    const table: TableDef = {
      db: 'd',
      name: 't',
      sqliteName: 'd.t',
      primaryKey: ['id'],
      autoIncrement: 'id',
      autoIncrementIsRowid: true,
      indexes: [],
      foreignKeys: [],
      checks: [],
      columns: (create.value.statement as { columns: TableDef['columns'] }).columns,
      options: {
        engine: 'InnoDB',
        charset: 'utf8mb4',
        collation: 'utf8mb4_general_ci',
        autoIncrement: null,
        comment: null,
        other: [],
      },
    };
    void catalog;
    const cases: [string, number, (number | null)[]][] = [
      ['INSERT INTO t (v) VALUES (1), (2)', 2, [null, null]],
      ['INSERT INTO t VALUES (NULL, 1)', 2, [null]],
      ['INSERT INTO t (id, v) VALUES (?, ?)', 2, [0]],
      ['INSERT INTO t SET v = 5', 1, [null]],
    ];
    for (const [sql, slotCount, sources] of cases) {
      const parsed = parse(sql);
      assert.ok(parsed.ok, sql);
      const rewritten = rewriteInsert(parsed.value.statement as Insert, table, slotCount);
      assert.ok(rewritten !== null, sql);
      assert.deepEqual(
        rewritten.extras.map((e) => e.source),
        sources,
        sql,
      );
    }
  });
});

describe('accounts', () => {
  test('host patterns', () => {
    const cases: [string, string, boolean][] = [
      ['%', '10.1.2.3', true],
      ['localhost', '127.0.0.1', true],
      ['localhost', '::1', true],
      ['localhost', '::ffff:127.0.0.1', true],
      ['localhost', '10.0.0.1', false],
      ['10.0.%', '10.0.7.8', true],
      ['10.0.%', '10.1.7.8', false],
      ['127.0.0.1', '::ffff:127.0.0.1', true],
    ];
    for (const [pattern, host, expected] of cases)
      assert.equal(hostMatches(pattern, host), expected, `${pattern} ${host}`);
  });

  test('statements change the catalog; the most specific host wins; grants print as MariaDB', () => {
    const catalog = new EngineCatalog();
    const run = (sql: string): void => {
      const parsed = parse(sql);
      assert.ok(parsed.ok, sql);
      const s = parsed.value.statement;
      assert.ok(isUserStatement(s));
      assert.equal(applyUserStatement(catalog, s, new UpdateBuilder()), null, sql);
    };
    run("CREATE USER 'u'@'%' IDENTIFIED BY 'x'");
    run("CREATE USER 'u'@'localhost'");
    run("GRANT SELECT, UPDATE ON db.* TO 'u'@'%'");
    run("GRANT ALL PRIVILEGES ON *.* TO 'u'@'localhost' WITH GRANT OPTION");
    assert.equal(matchAccount(catalog, 'u', '127.0.0.1')?.host, 'localhost');
    assert.equal(matchAccount(catalog, 'u', '192.168.1.1')?.host, '%');
    const wide = catalog.account('u', '%')!;
    assert.ok(hasPrivilege(wide, 'SELECT', 'db', 't'));
    assert.ok(!hasPrivilege(wide, 'DELETE', 'db', 't'));
    assert.ok(!hasPrivilege(wide, 'SELECT', 'other', 't'));
    assert.deepEqual(showGrants(catalog.account('u', 'localhost')!), [
      'GRANT ALL PRIVILEGES ON *.* TO `u`@`localhost` WITH GRANT OPTION',
    ]);
    run("REVOKE UPDATE ON db.* FROM 'u'@'%'");
    assert.deepEqual(
      showGrants(catalog.account('u', '%')!)[1],
      'GRANT SELECT ON `db`.* TO `u`@`%`',
    );
    const create = parse("CREATE USER 'p'@'%' IDENTIFIED BY 'secret'");
    assert.ok(create.ok && isUserStatement(create.value.statement));
    const text = canonicalUserStatement(create.value.statement, null);
    assert.ok(!text.includes('secret'));
    assert.match(text, /IDENTIFIED BY PASSWORD '\*14E65567ABDB5135D0CFD9A70B3032C179A49EE7'/);
  });
});

describe('functions', () => {
  const fns = new Map(userFunctions().map((f) => [f.name, f.fn]));
  const call = (name: string, ...args: (string | number | bigint | null)[]): unknown =>
    fns.get(name)!(...args);

  test('every name the emitter produces is registered and never throws', () => {
    // The store function refuses values by throwing: SQLite then aborts the statement. So do the
    // lock functions outside a SELECT without tables (user-locks.ts), which only answer there.
    const throwing = new Set([
      STORE_VALUE_FUNCTION,
      ...['get_lock', 'release_lock', 'is_free_lock', 'is_used_lock', 'release_all_locks'].map(
        (n) => `mysql_${n}`,
      ),
    ]);
    for (const f of userFunctions())
      if (!throwing.has(f.name)) assert.doesNotThrow(() => f.fn('x', null, 3n));
  });

  test('table of results', () => {
    const cases: [string, (string | number | bigint | null)[], unknown][] = [
      [
        'mysql_date_format',
        ['2024-03-05 07:08:09', '%Y/%m/%d %H:%i:%s %W %b %j'],
        '2024/03/05 07:08:09 Tuesday Mar 065',
      ],
      // MariaDB keeps the day within the target month (Jan 31 + 1 month is Feb 29).
      ['mysql_date_add', ['2024-01-31', 1n, 'MONTH'], '2024-02-29'],
      ['mysql_date_sub', ['2024-03-01 00:00:00', 1n, 'SECOND'], '2024-02-29 23:59:59'],
      // An integer function answers SQLite a BigInt (an INTEGER, not a REAL).
      ['mysql_datediff', ['2024-03-01', '2024-02-01'], 29n],
      ['mysql_lpad', ['7', 3n, '0'], '007'],
      // STR_TO_DATE reads by the format: names, AM/PM, %T, and gives a DATE, TIME or DATETIME.
      ['mysql_str_to_date', ['05/01/2024', '%d/%m/%Y'], '2024-01-05'],
      ['mysql_str_to_date', ['Jan 5 2024 10:11', '%b %e %Y %H:%i'], '2024-01-05 10:11:00'],
      ['mysql_str_to_date', ['2024-01-05 10:11:12 PM', '%Y-%m-%d %r'], '2024-01-05 22:11:12'],
      ['mysql_str_to_date', ['5th January 2024', '%D %M %Y'], '2024-01-05'],
      ['mysql_str_to_date', ['10:11', '%H:%i'], '10:11:00'],
      ['mysql_str_to_date', ['2024-13-05', '%Y-%m-%d'], null],
      ['mysql_str_to_date', ['abc', '%Y'], null],
      // TRIM(LEADING|TRAILING r FROM s) removes the string r, repeatedly.
      ['mysql_ltrim', ['xxaxx', 'x'], 'axx'],
      ['mysql_rtrim', ['ababcab', 'ab'], 'ababc'],
      ['mysql_ltrim', ['  a '], 'a '],
      ['mysql_rpad', ['ab', 5n, 'xy'], 'abxyx'],
      ['mysql_md5', ['abc'], '900150983cd24fb0d6963f7d28e17f72'],
      [
        'mysql_sha2',
        ['abc', 256n],
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      ],
      ['mysql_substring_index', ['a.b.c', '.', -2n], 'b.c'],
      ['mysql_hex', [255n], 'FF'],
      ['mysql_inet_ntoa', [3232235777n], '192.168.1.1'],
      ['mysql_timestampdiff', ['DAY', '2024-01-01', '2024-01-31 12:00:00'], 30n],
      ['mysql_find_in_set', ['b', 'a,b,c'], 2n],
      ['mysql_str_to_date', ['05/03/2024', '%d/%m/%Y'], '2024-03-05'],
      ['mysql_last_day', ['2024-02-10'], '2024-02-29'],
    ];
    for (const [name, args, expected] of cases)
      assert.deepEqual(call(name, ...args), expected, name);
    assert.match(String(call('mysql_now')), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(String(call('mysql_uuid')), /^[0-9a-f-]{36}$/);
  });
});

describe('errors', () => {
  test('SQLite errors become MySQL errors', () => {
    const cases: [string, string, number, string][] = [
      [
        'SQLITE_CONSTRAINT_NOTNULL',
        'NOT NULL constraint failed: d.t.name',
        1048,
        "Column 'name' cannot be null",
      ],
      [
        'SQLITE_CONSTRAINT_FOREIGNKEY',
        'FOREIGN KEY constraint failed',
        1452,
        'Cannot add or update a child row: a foreign key constraint fails',
      ],
      ['SQLITE_ERROR', 'no such table: d.x', 1146, "Table 'd.x' doesn't exist"],
      [
        'SQLITE_ERROR',
        'no such column: "zz" - should this be a string literal in single-quotes?',
        1054,
        "Unknown column 'zz' in 'field list'",
      ],
      ['SQLITE_ERROR', 'no such column: t.zz', 1054, "Unknown column 't.zz' in 'field list'"],
      [
        'SQLITE_CONSTRAINT_UNIQUE',
        'UNIQUE constraint failed: d.t.a',
        1062,
        "Duplicate entry '?' for key 'd.t.a'",
      ],
      ['SQLITE_IOERR', 'disk I/O error', 1105, 'Storage error SQLITE_IOERR: disk I/O error'],
    ];
    for (const [code, message, errno, text] of cases) {
      const e = fromSqlite(code, message);
      assert.equal(e.code, errno, message);
      assert.equal(e.message, text, message);
    }
  });
});

describe('SHOW helpers and the keys in flight', () => {
  test('LIKE as MySQL matches it', () => {
    assert.ok(likeMatches('wsrep%', 'wsrep_ready'));
    assert.ok(likeMatches('WSREP\\_ready', 'wsrep_ready'));
    assert.ok(!likeMatches('wsrep\\_ready', 'wsrepXready'));
    assert.ok(likeMatches('a_c', 'abc'));
  });

  test('keys in flight: held until settled, shared keys not held, waits end three ways', async () => {
    const keys = new InFlightKeys();
    const key = (table: string, byte: number, exclusive = true): CertificationKey => ({
      database: 'd',
      table,
      keyBytes: new Uint8Array([byte]),
      exclusive,
    });
    const a = keys.register(nodeId('n1'), transactionId(1), [key('t', 1), key('t', 2, false)]);
    const b = keys.register(nodeId('n1'), transactionId(2), [key('t', 3)]);
    assert.deepEqual(keys.holdersOf([key('t', 1, false)]), [a]);
    assert.deepEqual(keys.holdersOf([key('t', 2)]), [], 'a shared key is not held');
    assert.deepEqual(keys.holdersOf([key('u', 1)]), [], 'another table');
    assert.deepEqual(keys.holdersOf([key('t', 3), key('t', 1), key('t', 3)]), [b, a]);
    // A write-set applied from another node with the same transaction id settles nothing.
    keys.applied(nodeId('n2'), transactionId(1));
    assert.equal(keys.transactions, 2);
    const cancels: (() => void)[] = [];
    const cancelled = waitSettled([a], 10_000, (stop) => {
      if (stop !== null) cancels.push(stop);
    });
    cancels[0]!();
    assert.equal(await cancelled, 'cancelled');
    assert.equal(await waitSettled([a, b], 5, () => {}), 'timeout');
    const settled = waitSettled([a, b], 10_000, () => {});
    keys.applied(nodeId('n1'), transactionId(1));
    keys.settle(b);
    keys.settle(b);
    assert.equal(await settled, 'settled');
    assert.deepEqual([keys.transactions, keys.keys], [0, 0]);
    assert.equal(await waitSettled([a], 0, () => {}), 'settled');
  });
});
