// Goal: DECIMAL arithmetic is exact, as MariaDB's: 0.1 + 0.2 = 0.3, digits beyond a double's 15
// are kept in arithmetic, SUM, ordering, GROUP BY and UNIQUE keys. Method: the decimal functions
// alone, then a standalone node through mysql2 (answers compared with MariaDB's in compat).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import {
  decAdd,
  decDivide,
  decimalDisplay,
  decMultiply,
  decOf,
  decRound,
  decText,
  decValue,
  decimalFunctions,
  roundDouble,
  type Dec,
} from '../../src/engine/decimal.js';
import { startNode, type NodeFixture } from './node-fixture.js';

const dec = (v: string | number): NonNullable<ReturnType<typeof decOf>> => decOf(v)!;

test('decimal arithmetic keeps every digit and gives back a double only when it is exact', () => {
  assert.equal(decValue(decAdd(dec(0.1), dec(0.2))), 0.3);
  assert.equal(
    decValue(decAdd(dec('123456789012345678901234567890.5'), dec(1))),
    '123456789012345678901234567891.5',
  );
  assert.equal(
    decValue(decMultiply(dec('99999999999999999999'), dec(10))),
    '999999999999999999990',
  );
  assert.equal(decValue(decMultiply(dec(1e21), dec(1))), '1000000000000000000000');
  assert.equal(decValue(decAdd(dec('9007199254740993'), dec(0))), 9007199254740993n);
  // A quotient has the dividend's scale plus 4, in whole 9-digit words, the rest cut.
  assert.equal(decText(decDivide(dec(1), dec(3), 0, 4)!), '0.333333333');
  assert.equal(decText(decDivide(dec(2), dec(3), 0, 4)!), '0.666666666');
  assert.equal(decDivide(dec(1), dec(0), 0, 4), null);
  assert.equal(decText(decRound(dec('-2.675'), 2)), '-2.68');
});

test('the fast path of +, -, * and SUM gives what the exact digits give', () => {
  const fns = new Map(decimalFunctions().map((f) => [f.name, f]));
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const value = (): number => {
    const scale = random() % 7;
    const digits = 1 + (random() % 14);
    const units = (random() % 10 ** Math.min(digits, 9)) * (random() % 2 === 0 ? 1 : -1);
    return Number((units / 10 ** scale).toFixed(scale));
  };
  const ops = [
    ['mysql_dec_add', decAdd],
    ['mysql_dec_sub', (a: Dec, b: Dec) => decAdd(a, { units: -b.units, scale: b.scale })],
    ['mysql_dec_mul', decMultiply],
  ] as const;
  for (let i = 0; i < 20_000; i++) {
    const a = value();
    const b = value();
    for (const [name, exact] of ops)
      assert.equal(fns.get(name)!.fn(a, b), decValue(exact(dec(a), dec(b))), `${name}(${a}, ${b})`);
  }
  const sum = fns.get('mysql_dec_sum')!.aggregate!;
  let state = sum.start();
  let exact = dec(0);
  for (let i = 0; i < 5_000; i++) {
    const v = i % 1000 === 999 ? 123456789012.345 : value();
    state = sum.step(state, v);
    exact = decAdd(exact, dec(v));
  }
  assert.equal(sum.result(state), decValue(exact));
  assert.equal(sum.result(sum.step(sum.start(), null)), null);
});

test('a DECIMAL is shown with its scale, rounded half away from zero on its exact digits', () => {
  assert.equal(decimalDisplay(1000, 2), '1000.00');
  assert.equal(decimalDisplay(1.005, 2), '1.01');
  assert.equal(decimalDisplay(-0.004, 2), '0.00');
  assert.equal(decimalDisplay(0.30000000000000004, 2), '0.30');
  assert.equal(
    decimalDisplay('12345678901234567890.00000000015', 10),
    '12345678901234567890.0000000002',
  );
  assert.equal(decimalDisplay(1e21, 0), '1000000000000000000000');
});

test('ROUND and TRUNCATE of a DOUBLE work on its binary value, a half to even', () => {
  assert.equal(roundDouble(2.5, 0, false), 2);
  assert.equal(roundDouble(3.5, 0, false), 4);
  assert.equal(roundDouble(-2.5, 0, false), -2);
  assert.equal(roundDouble(2.675, 2, false), 2.68);
  assert.equal(roundDouble(25, -1, false), 20);
  assert.equal(roundDouble(-2.59, 1, true), -2.5);
});

let fixture: NodeFixture;

before(async () => {
  fixture = await startNode();
});

after(async () => {
  await fixture.destroy();
});

test('a DECIMAL(30,10) column keeps its digits in arithmetic, SUM, order, GROUP BY and keys', async () => {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'root',
    decimalNumbers: false,
  });
  try {
    await conn.query('CREATE DATABASE decdb');
    await conn.query('USE decdb');
    await conn.query('CREATE TABLE w (id INT PRIMARY KEY, v DECIMAL(30,10) UNIQUE)');
    await conn.query(
      "INSERT INTO w VALUES (1, '12345678901234567890.0000000001'), (2, '12345678901234567890.0000000002'), (3, 9.5), (4, '-100')",
    );
    const [ordered] = await conn.query<mysql.RowDataPacket[]>('SELECT id FROM w ORDER BY v DESC');
    assert.deepEqual(
      ordered.map((r) => Number(r['id'])),
      [2, 1, 3, 4],
    );
    const [sums] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT SUM(v) AS s, MAX(v) - MIN(v) AS d, 0.1 + 0.2 = 0.3 AS exact FROM w',
    );
    assert.deepEqual(sums[0], {
      s: '24691357802469135689.5000000003',
      d: '12345678901234567990.0000000002',
      exact: 1,
    });
    const [found] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT id FROM w WHERE v + 0.0000000001 = 12345678901234567890.0000000002',
    );
    assert.deepEqual(
      found.map((r) => Number(r['id'])),
      [1],
    );
    // 9.5 and 9.50 are one value for the UNIQUE key, as in MariaDB.
    await assert.rejects(conn.query('INSERT INTO w VALUES (5, 9.50)'), { errno: 1062 });
    await conn.query('UPDATE w SET v = v * 2 WHERE id = 2');
    const [doubled] = await conn.query<mysql.RowDataPacket[]>('SELECT v FROM w WHERE id = 2');
    assert.equal(doubled[0]!['v'], '24691357802469135780.0000000004');
  } finally {
    await conn.end();
  }
});
