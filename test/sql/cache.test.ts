// Goal: statements that differ only in literals share one parse and one translation, without
// ever mixing up values or result-column names. Method: drive StatementCache directly and
// check keys, hit counters, bound values and the LRU bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryCatalog,
  StatementCache,
  normalize,
  parseModesOf,
  translate,
} from '../../src/sql/index.js';
import { Harness } from './harness.js';

test('an integer literal and a ? marker do not share a template', () => {
  const text = normalize('SELECT id FROM t WHERE status = 2');
  const marker = normalize('SELECT id FROM t WHERE status = ?');
  assert.ok(text.ok && marker.ok);
  assert.notEqual(text.value.key, marker.value.key);
});

test('normalization replaces literals and keeps the rest of the text', () => {
  const n = normalize("SELECT c FROM sbtest1 WHERE id=5 AND c = 'x''y' -- tail");
  assert.ok(n.ok);
  assert.equal(n.value.key, "SELECT c FROM sbtest1 WHERE id=?\u0005 AND c = '?' -- tail");
  assert.deepEqual(
    n.value.slotTokens.map((t) => t.text),
    ['5', "x'y"],
  );
  const ddl = normalize('SET autocommit=0');
  assert.ok(ddl.ok);
  assert.equal(ddl.value.key, '\u0000SET autocommit=0', 'non-DML is keyed by its exact text');
});

test('the point select of sysbench hits the cache after the first parse', () => {
  const cache = new StatementCache();
  const first = cache.prepare('SELECT c FROM sbtest1 WHERE id=5');
  const second = cache.prepare('SELECT c FROM sbtest1 WHERE id=7');
  assert.ok(first.ok && second.ok);
  assert.equal(first.value.cached, false);
  assert.equal(second.value.cached, true);
  assert.equal(first.value.template, second.value.template);
  assert.deepEqual(second.value.slotValues, [7]);
  assert.deepEqual([cache.hits, cache.misses], [1, 1]);
});

test('a prepared statement and the same text query have templates of their own', () => {
  // The emitter types a literal by its form and a marker by the value bound to it (an ENUM
  // compares with the number 2 by its index), so one translation cannot serve both.
  const cache = new StatementCache();
  const prepared = cache.prepare('SELECT c FROM sbtest1 WHERE id=?');
  const text = cache.prepare('SELECT c FROM sbtest1 WHERE id=42');
  assert.ok(prepared.ok && text.ok);
  assert.notEqual(prepared.value.template, text.value.template);
  assert.deepEqual(prepared.value.markerSlots, [0]);
  assert.deepEqual(text.value.markerSlots, []);
});

test("a string literal and a number do not share a template ('10' = 10 compares as numbers)", () => {
  const cache = new StatementCache();
  const text = cache.prepare("SELECT id FROM t WHERE '10' = 10");
  const number = cache.prepare('SELECT id FROM t WHERE 10 = 10');
  assert.ok(text.ok && number.ok);
  assert.notEqual(text.value.template, number.value.template);
});

test('a hex literal and a number do not share a template (0x10 is 16 in arithmetic)', () => {
  const cache = new StatementCache();
  const hex = cache.prepare('UPDATE t SET a = 0x20 WHERE id = 0x02');
  const number = cache.prepare('UPDATE t SET a = 10 WHERE id = 1');
  const decimal = cache.prepare('UPDATE t SET a = 1.5 WHERE id = 1');
  assert.ok(hex.ok && number.ok && decimal.ok);
  assert.notEqual(hex.value.template, number.value.template);
  assert.notEqual(decimal.value.template, number.value.template);
});

test('literals that name result columns are pinned: SELECT 1 and SELECT 2 do not share', () => {
  const h = new Harness();
  assert.deepEqual(h.query('SELECT 1'), [{ '1': 1 }]);
  assert.deepEqual(h.query('SELECT 2'), [{ '2': 2 }]);
  assert.deepEqual(h.query("SELECT 'a' AS x, 3 + 4"), [{ x: 'a', '3 + 4': 7 }]);
  assert.deepEqual(h.query('SELECT 1'), [{ '1': 1 }]);
  assert.equal(h.cache.hits, 1);
});

test('translations are memoized per database and catalog version', () => {
  const h = new Harness();
  h.sbtest(3);
  const a = h.cache.prepare('SELECT c FROM sbtest1 WHERE id=1');
  assert.ok(a.ok);
  const t1 = translate(a.value, h.catalog, 'sbtest');
  const t2 = translate(a.value, h.catalog, 'sbtest');
  assert.equal(t1, t2);
  h.ddl('ALTER TABLE sbtest1 ADD COLUMN z INT');
  const t3 = translate(a.value, h.catalog, 'sbtest');
  assert.notEqual(t1, t3);
  assert.deepEqual(h.query('SELECT c FROM sbtest1 WHERE id=2'), [{ c: 'c-2' }]);
});

test('values of a cached template come from the new statement', () => {
  const h = new Harness();
  h.sbtest(5);
  for (let id = 1; id <= 5; id++)
    assert.deepEqual(h.query(`SELECT c FROM sbtest1 WHERE id=${id}`), [{ c: `c-${id}` }]);
  assert.equal(h.cache.misses, 2, 'one miss for the INSERT, one for the SELECT');
});

test('the LRU keeps at most entriesMax templates and refreshes on hit', () => {
  const cache = new StatementCache(2);
  cache.prepare('SELECT a FROM t');
  cache.prepare('SELECT b FROM t');
  cache.prepare('SELECT a FROM t');
  cache.prepare('SELECT c FROM t');
  assert.equal(cache.size, 2);
  const a = cache.prepare('SELECT a FROM t');
  const b = cache.prepare('SELECT b FROM t');
  assert.ok(a.ok && b.ok);
  assert.equal(a.value.cached, true);
  assert.equal(b.value.cached, false);
});

test('parse errors are returned, not cached, and not thrown', () => {
  const cache = new StatementCache();
  const bad = cache.prepare('SELECT FROM WHERE');
  assert.ok(!bad.ok);
  assert.equal(bad.error.code, 1064);
  assert.equal(cache.size, 0);
});

test('non-DML statements are not shared across different values', () => {
  const cache = new StatementCache();
  const a = cache.prepare('SET autocommit=0');
  const b = cache.prepare('SET autocommit=1');
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.value.template, b.value.template);
  const c = cache.prepare('SET autocommit=0');
  assert.ok(c.ok && c.value.cached);
});

test('translate refuses statements that are not DML', () => {
  const cache = new StatementCache();
  const p = cache.prepare('BEGIN');
  assert.ok(p.ok);
  const t = translate(p.value, new MemoryCatalog(), null);
  assert.ok(!t.ok);
});

test('sessions whose sql_mode reads text otherwise never share a template', () => {
  const cache = new StatementCache();
  const pipes = parseModesOf('PIPES_AS_CONCAT');
  const ansi = parseModesOf('REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI');
  const plain = cache.prepare("SELECT 'a' || 'b'");
  const concat = cache.prepare("SELECT 'a' || 'b'", pipes);
  assert.ok(plain.ok && concat.ok);
  assert.notEqual(plain.value.template, concat.value.template);
  assert.equal(concat.value.cached, false);
  assert.deepEqual(
    [plain.value.statement, concat.value.statement].map((s) =>
      s.kind === 'select' && s.items[0]?.kind === 'item' ? s.items[0].expr.kind : '',
    ),
    ['binary', 'call'],
  );
  const quoted = cache.prepare('SELECT "c" FROM t', ansi);
  const text = cache.prepare('SELECT "c" FROM t');
  assert.ok(quoted.ok && text.ok);
  assert.notEqual(quoted.value.template, text.value.template);
  assert.deepEqual(text.value.slotValues, ['c'], 'the default reading keeps "c" a string');
  assert.deepEqual(quoted.value.slotValues, [], 'ANSI_QUOTES reads "c" as a column');
  const set = cache.prepare("SET @a = 'x\\ny'", parseModesOf('NO_BACKSLASH_ESCAPES'));
  assert.ok(set.ok);
  assert.equal(cache.prepare("SET @a = 'x\\ny'").ok && cache.size, 6, 'non-DML keys apart too');
});
