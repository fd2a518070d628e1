// Session variables as MariaDB keeps them: sql_mode normalized (combinations expanded, bit
// order, unknown names refused), SET x = DEFAULT, and what the handshake sets (IGNORE_SPACE).
// Through one engine's sessions with SQL, and the normalizer table-driven.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { normalizeSqlMode } from '../../src/engine/variables.js';
import type { EngineSession } from '../../src/engine/session.js';
import { Capability, type SqlValue } from '../../src/mysql/index.js';
import { openEngine, run, value, type EngineFixture } from './engine-fixture.js';

let fixture: EngineFixture;

before(async () => {
  fixture = await openEngine('trireme-variables-');
});

after(() => fixture.close());

const session = (capabilities = 0): Promise<EngineSession> => fixture.session(capabilities);

const DEFAULT_MODE =
  'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';

test('sql_mode is stored as MariaDB stores it: combinations expanded, in bit order, checked', () => {
  const cases: [SqlValue, string | null][] = [
    ['ANSI', 'REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI'],
    [
      'traditional',
      'STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
    ],
    ['no_engine_substitution, strict_trans_tables', 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'],
    ['', ''],
    [8, 'IGNORE_SPACE'],
    ['NOT_A_MODE', null],
    [-1, null],
  ];
  for (const [input, expected] of cases)
    assert.equal(normalizeSqlMode(input), expected, String(input));
});

test('SET sql_mode: a bad mode is 1231, DEFAULT takes the global value again', async () => {
  const s = await session();
  assert.equal(await value(s, 'SELECT @@sql_mode'), DEFAULT_MODE);
  const bad = await run(s, "SET SESSION sql_mode = 'NOT_A_MODE'");
  assert.equal(bad.kind === 'error' && bad.code, 1231);
  // MariaDB names the word it does not know, not the whole list.
  const named = await run(s, "SET SESSION sql_mode = 'ANSI_QUOTES,foo,BAR'");
  assert.equal(
    named.kind === 'error' && named.message,
    "Variable 'sql_mode' can't be set to the value of 'foo'",
  );
  assert.equal((await run(s, "SET sql_mode = 'TRADITIONAL'")).kind, 'ok');
  assert.match(String(await value(s, 'SELECT @@sql_mode')), /^STRICT_TRANS_TABLES,STRICT_ALL/);
  assert.equal((await run(s, 'SET sql_mode = DEFAULT, wait_timeout = DEFAULT')).kind, 'ok');
  assert.equal(await value(s, 'SELECT @@sql_mode'), DEFAULT_MODE);
  await s.close();
});

test('a client connecting with CLIENT_IGNORE_SPACE gets IGNORE_SPACE in its sql_mode', async () => {
  const s = await session(Capability.IGNORE_SPACE);
  assert.equal(await value(s, 'SELECT @@sql_mode'), `IGNORE_SPACE,${DEFAULT_MODE}`);
  assert.equal(await value(s, 'SELECT @@SESSION.sql_mode = @@GLOBAL.sql_mode'), 0);
  await s.close();
});

test('DDL that ANSI_QUOTES or PIPES_AS_CONCAT reads otherwise is refused (1235)', async () => {
  const s = await session();
  await run(s, 'CREATE DATABASE IF NOT EXISTS modes');
  await run(s, 'USE modes');
  assert.equal((await run(s, "SET sql_mode = 'ANSI'")).kind, 'ok');
  // Replicas and stored view text read with no sql_mode: "c" would be a string there.
  const view = await run(s, 'CREATE VIEW v AS SELECT "c" || \'x\' AS a');
  assert.equal(view.kind === 'error' && view.code, 1235);
  assert.equal((await run(s, 'CREATE TABLE t (c INT)')).kind, 'ok', 'plain text reads alike');
  assert.equal((await run(s, 'INSERT INTO t VALUES (3)')).kind, 'ok');
  assert.equal(await value(s, 'SELECT "c" || \'x\' FROM t'), '3x');
  await run(s, 'DROP TABLE t');
  // NOT NULL reads alike under HIGH_NOT_PRECEDENCE; NOT in an expression does not.
  assert.equal((await run(s, "SET sql_mode = 'HIGH_NOT_PRECEDENCE'")).kind, 'ok');
  assert.equal((await run(s, 'CREATE TABLE n (c INT NOT NULL)')).kind, 'ok');
  const check = await run(s, 'CREATE TABLE m (c INT CHECK (NOT c BETWEEN 1 AND 2))');
  assert.equal(check.kind === 'error' && check.code, 1235);
  await run(s, 'DROP TABLE n');
  await s.close();
});

test('NO_BACKSLASH_ESCAPES reaches the status flags, so client libraries escape quotes by doubling', async () => {
  const s = await session();
  assert.equal(s.state().noBackslashEscapes, false);
  await run(s, "SET sql_mode = 'NO_BACKSLASH_ESCAPES'");
  assert.equal(s.state().noBackslashEscapes, true);
  assert.equal(await value(s, "SELECT 'a\\b'"), 'a\\b');
  await s.close();
});
