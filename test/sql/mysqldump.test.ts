// Goal: a MariaDB 10.11 mysqldump file loads (the mysqldump SST method and restores rely on it):
// executable comments are parsed, version-gated ones skipped, and the dump's DDL and data run.
// Method: split the fixture into statements as the mariadb client does, parse each, and
// execute DDL and DML through the harness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, showCreateTable, splitStatements } from '../../src/sql/index.js';
import { Harness } from './harness.js';

function statements(): string[] {
  const url = new URL('../../../test/sql/fixtures/mysqldump-sbtest.sql', import.meta.url);
  const split = splitStatements(readFileSync(url, 'utf8'));
  assert.ok(split.ok);
  return split.value;
}

test('every statement of the dump parses; comment-only text does nothing, blank text is 1065', () => {
  const all = statements();
  assert.equal(all.length, 30);
  for (const sql of all) {
    const result = parse(sql);
    assert.ok(result.ok, `${sql}: ${result.ok ? '' : result.error.message}`);
  }
  // As MariaDB: a statement of nothing but comments answers OK (mariadb-dump's sandbox line,
  // its `/*!80001 … */` lines); one of nothing at all is ER_EMPTY_QUERY.
  const comments = parse('/*M!999999\\- enable the sandbox mode */ -- nothing else');
  assert.ok(comments.ok && comments.value.statement.kind === 'do');
  const blank = parse(' \n ');
  assert.ok(!blank.ok && blank.error.code === 1065);
});

test('splitting ignores semicolons in strings, names and comments', () => {
  const split = splitStatements("SELECT ';' AS `a;b`; /* ; */ SELECT 2 -- ;\n;;  ");
  assert.ok(split.ok);
  assert.deepEqual(split.value, ["SELECT ';' AS `a;b`", '/* ; */ SELECT 2 -- ;']);
});

test("a CREATE TRIGGER's BEGIN … END body keeps its semicolons (the mariadb client sends it whole)", () => {
  const trigger =
    "CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN SET NEW.a = CASE WHEN NEW.b THEN 1 ELSE 2 END; SET NEW.c = 'x;y'; END";
  const split = splitStatements(`${trigger}; INSERT INTO t VALUES (1); BEGIN; COMMIT`);
  assert.ok(split.ok);
  assert.deepEqual(split.value, [trigger, 'INSERT INTO t VALUES (1)', 'BEGIN', 'COMMIT']);
  assert.ok(parse(trigger).ok);
});

test('the dump restores into SQLite and round-trips through SHOW CREATE TABLE', () => {
  const h = new Harness();
  h.database = null;
  for (const sql of statements()) {
    const parsed = parse(sql);
    if (!parsed.ok) continue;
    const kind = parsed.value.statement.kind;
    if (kind === 'use') h.database = parsed.value.statement.database;
    else if (['create_database', 'drop_table', 'create_table', 'alter_table'].includes(kind))
      h.ddl(sql);
    else if (kind === 'insert') assert.equal(h.run(sql), 3);
  }
  assert.deepEqual(h.query('SELECT id, c FROM sbtest1 WHERE id = 2'), [
    { id: 2, c: 'it\'s "quoted"\n' },
  ]);
  const table = h.catalog.table('sbtest', 'sbtest1');
  assert.ok(table);
  const dumped = statements().find((s) => s.startsWith('CREATE TABLE'));
  assert.equal(showCreateTable(table, 4), dumped);
});
