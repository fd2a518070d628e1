// MariaDB's answers to statements that meet a foreign key or a CHECK (1451, 1452, 1701, 4025,
// FOREIGN_KEY_CHECKS=0), table-driven through one engine's sessions with SQL; the compat corpus
// (test/compat/corpus/constraints.ts) holds the same cases against a real MariaDB.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { nodeId } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { userFunctions } from '../../src/engine/functions.js';
import type { EngineSession } from '../../src/engine/session.js';
import type { QueryResult } from '../../src/mysql/index.js';
import { LocalReplicator } from '../../src/node/local-replicator.js';
import { initialWriteSet } from '../../src/node/server-common.js';
import { Store } from '../../src/storage/index.js';
import { removeDir, tempDir } from '../support/index.js';
import { sessionInfo, simFacts } from '../sim/engine/template.js';

let dir = '';
let store: Store;
let engine: Engine;
let connections = 0;

before(async () => {
  dir = tempDir('trireme-constraints-');
  const opened = Store.open({
    path: join(dir, 'trireme.db'),
    nodeId: nodeId('n1'),
    functions: userFunctions(),
  });
  assert.ok(opened.ok);
  store = opened.value;
  engine = new Engine({ store, nodeId: nodeId('n1'), version: '10.11.0', facts: simFacts('n1') });
  const replicator = new LocalReplicator({ store, translator: engine.translator });
  engine.attach(replicator, null);
  assert.equal((await replicator.replicate(initialWriteSet(engine))).kind, 'committed');
});

after(() => {
  store.close();
  removeDir(dir);
});

async function session(): Promise<EngineSession> {
  const opened = await engine.openSession(sessionInfo(++connections));
  assert.ok(!('kind' in opened));
  return opened as EngineSession;
}

async function run(s: EngineSession, sql: string): Promise<QueryResult> {
  const [result] = await s.query(sql, { multiStatements: false });
  assert.ok(result !== undefined);
  return result;
}

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
      const count = await run(s, 'SELECT COUNT(*) FROM child');
      assert.equal(count.kind === 'rows' && Number([...count.rows][0]![0]), childRows);
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
