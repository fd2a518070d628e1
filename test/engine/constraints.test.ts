// MariaDB's answers to statements that meet a foreign key or a CHECK (1451, 1452, 1701, 4025,
// FOREIGN_KEY_CHECKS=0), table-driven through one engine's sessions with SQL; the compat corpus
// (test/compat/corpus/constraints.ts) holds the same cases against a real MariaDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EngineSession } from '../../src/engine/session.js';
import { openEngine, run, value, type EngineFixture } from './engine-fixture.js';

let fixture: EngineFixture;

before(async () => {
  fixture = await openEngine('trireme-constraints-');
});

after(() => fixture.close());

const session = (capabilities = 0): Promise<EngineSession> => fixture.session(capabilities);

const PARENT = [
  'DROP DATABASE IF EXISTS d',
  'CREATE DATABASE d',
  'USE d',
  'CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10))',
  "INSERT INTO parent VALUES (1, 'a'), (2, 'b')",
  'CREATE TABLE child (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES parent (id))',
  'INSERT INTO child VALUES (1, 1)',
];

// [setup after PARENT, statement, MariaDB's error code or 'ok', rows of child afterwards]
const CASES: readonly (readonly [readonly string[], string, number | 'ok', number | null])[] = [
  [[], 'DELETE FROM parent WHERE id = 1', 1451, 1],
  [[], 'UPDATE parent SET id = 5 WHERE id = 1', 1451, 1],
  [[], 'UPDATE child SET pid = 3', 1452, 1],
  [[], 'INSERT INTO child VALUES (2, 3)', 1452, 1],
  [[], 'DROP TABLE parent', 1451, 1],
  [[], 'DROP TABLE parent, child', 1451, 1],
  [[], 'DROP TABLE child, parent', 'ok', null],
  [[], 'TRUNCATE TABLE parent', 1701, 1],
  [['SET FOREIGN_KEY_CHECKS = 0'], 'DELETE FROM parent WHERE id = 1', 'ok', 1],
  [['SET FOREIGN_KEY_CHECKS = 0'], 'INSERT INTO child VALUES (2, 3)', 'ok', 2],
  [['SET FOREIGN_KEY_CHECKS = 0'], 'DROP TABLE parent', 'ok', 1],
  [
    ['CREATE TABLE orphan (id INT, pid INT)', 'INSERT INTO orphan VALUES (1, 9)'],
    'ALTER TABLE orphan ADD FOREIGN KEY (pid) REFERENCES parent (id)',
    1452,
    1,
  ],
  [['CREATE TABLE c (v INT CHECK (v > 0))'], 'INSERT INTO c VALUES (0)', 4025, 1],
  [
    ['CREATE TABLE c (v INT, w INT, CONSTRAINT vw CHECK (v < w))'],
    'INSERT INTO c VALUES (2, 1)',
    4025,
    1,
  ],
  [
    ['CREATE TABLE c (v INT, w INT, CONSTRAINT vw CHECK (v < w))'],
    'INSERT INTO c VALUES (1, NULL)',
    'ok',
    1,
  ],
  [
    ['CREATE TABLE c (v INT CHECK (v > 0))', 'INSERT INTO c VALUES (5)'],
    'UPDATE c SET v = v - 10',
    4025,
    1,
  ],
  [
    ['CREATE TABLE c (v INT)', 'INSERT INTO c VALUES (-1)'],
    'ALTER TABLE c ADD CONSTRAINT pos CHECK (v > 0)',
    4025,
    1,
  ],
  [
    ['CREATE TABLE c (v INT, CONSTRAINT pos CHECK (v > 0))', 'ALTER TABLE c DROP CONSTRAINT pos'],
    'INSERT INTO c VALUES (-1)',
    'ok',
    1,
  ],
];

for (const [setup, sql, expected, childRows] of CASES) {
  test(`${setup.join('; ') || 'parent and child'}: ${sql} → ${expected}`, async () => {
    const s = await session();
    for (const step of [...PARENT, ...setup]) assert.equal((await run(s, step)).kind, 'ok', step);
    const result = await run(s, sql);
    if (expected === 'ok') assert.notEqual(result.kind, 'error', JSON.stringify(result));
    else assert.equal(result.kind === 'error' && result.code, expected, JSON.stringify(result));
    if (childRows !== null) {
      assert.equal(Number(await value(s, 'SELECT COUNT(*) FROM child')), childRows);
    }
    await s.close();
  });
}

test('INSERT IGNORE skips a row a CHECK refuses with warning 4025', async () => {
  const s = await session();
  for (const step of [...PARENT, 'CREATE TABLE c (v INT CHECK (v > 0))'])
    assert.equal((await run(s, step)).kind, 'ok', step);
  const result = await run(s, 'INSERT IGNORE INTO c VALUES (-1), (1)');
  assert.equal(result.kind === 'ok' && result.affectedRows, 1, JSON.stringify(result));
  assert.deepEqual(
    s.warnings.map((w) => w.code),
    [4025],
  );
  await s.close();
});
