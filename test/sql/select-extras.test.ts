// SQL_CALC_FOUND_ROWS and SELECT … INTO @v: refused (1235) for a caller that does not handle
// them; with selectExtras, the count statement that FOUND_ROWS() answers from, run on SQLite,
// and the INTO rules of the engine helper. Expected counts and errors come from MariaDB 10.11.19.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindValues, translate, type DmlTranslation } from '../../src/sql/index.js';
import { foundRowsOf, selectInto } from '../../src/engine/select-extras.js';
import { textColumn } from '../../src/engine/metadata.js';
import { Harness } from './harness.js';

function staff(): Harness {
  const h = new Harness();
  h.ddl('CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20), dept VARCHAR(10))');
  h.run(
    "INSERT INTO emp VALUES (1,'Ann','eng'),(2,'Bob','eng'),(3,'Cid','ops'),(4,'Dee','ops'),(5,'Eve','eng'),(6,'Fay','hr')",
  );
  return h;
}

function extras(h: Harness, sql: string): DmlTranslation {
  const prepared = h.cache.prepare(sql);
  assert.ok(prepared.ok, sql);
  const translated = translate(prepared.value, h.catalog, h.database, true);
  assert.ok(translated.ok, `${sql}: ${JSON.stringify(translated)}`);
  return translated.value;
}

/** The rows of the statement and FOUND_ROWS() after it, as a session with the hook computes it. */
function calc(h: Harness, sql: string): { rows: unknown[]; found: number } {
  const prepared = h.cache.prepare(sql);
  assert.ok(prepared.ok);
  const t = extras(h, sql);
  const rows = h.db.prepare(t.sql).all(...bindValues(t, prepared.value, [], h.session));
  assert.ok(t.foundRows !== undefined, sql);
  const count = { ...t, binds: t.foundRows.binds };
  const counted = h.db
    .prepare(t.foundRows.sql)
    .raw()
    .all(...bindValues(count, prepared.value, [], h.session)) as unknown[][];
  return { rows, found: foundRowsOf({ columns: null, rows: counted } as never) };
}

test('without selectExtras, SQL_CALC_FOUND_ROWS and INTO are ER_NOT_SUPPORTED_YET', () => {
  const h = staff();
  for (const sql of [
    'SELECT SQL_CALC_FOUND_ROWS id FROM emp LIMIT 1',
    'SELECT id INTO @a FROM emp WHERE id = 1',
    'SELECT id FROM emp WHERE id = 1 INTO @a',
  ]) {
    const error = h.error(sql);
    assert.equal(error.code, 1235, sql);
  }
  const outfile = h.cache.prepare("SELECT id INTO OUTFILE '/tmp/x' FROM emp");
  assert.ok(!outfile.ok && outfile.error.code === 1235);
});

test('FOUND_ROWS() counts without LIMIT: past the end, grouped, over a UNION', () => {
  const h = staff();
  assert.deepEqual(calc(h, 'SELECT SQL_CALC_FOUND_ROWS id FROM emp ORDER BY id LIMIT 2'), {
    rows: [{ id: 1 }, { id: 2 }],
    found: 6,
  });
  assert.equal(calc(h, 'SELECT SQL_CALC_FOUND_ROWS id FROM emp LIMIT 10 OFFSET 100').found, 6);
  assert.equal(calc(h, 'SELECT SQL_CALC_FOUND_ROWS dept FROM emp GROUP BY dept LIMIT 1').found, 3);
  assert.equal(
    calc(
      h,
      'SELECT SQL_CALC_FOUND_ROWS id FROM emp WHERE id < 3 UNION SELECT id FROM emp WHERE id > 4 LIMIT 1',
    ).found,
    4,
  );
  assert.equal(calc(h, "SELECT SQL_CALC_FOUND_ROWS id FROM emp WHERE name = 'Ann'").found, 1);
  // A statement without the modifier carries no count: FOUND_ROWS() is its row count.
  assert.equal(extras(h, 'SELECT id FROM emp LIMIT 1').foundRows, undefined);
});

test('SELECT … INTO: one row assigns, none is warning 1329, more is 1172, a column count 1222', () => {
  const h = staff();
  assert.deepEqual(extras(h, 'SELECT id, name FROM emp WHERE id = 2 INTO @a, @b').kind, 'select');
  const result = (rows: unknown[][], names = ['a', 'b']) =>
    selectInto(names, {
      kind: 'rows',
      columns: [textColumn('id'), textColumn('name')],
      rows: rows as never,
    });
  assert.deepEqual(result([[2, 'Bob']]), { kind: 'assign', names: ['a', 'b'], values: [2, 'Bob'] });
  assert.deepEqual(result([]), {
    kind: 'no_data',
    code: 1329,
    message: 'No data - zero rows fetched, selected, or processed',
  });
  assert.deepEqual(
    result([
      [1, 'Ann'],
      [2, 'Bob'],
    ]),
    {
      kind: 'error',
      code: 1172,
      sqlState: '42000',
      message: 'Result consisted of more than one row',
    },
  );
  assert.equal((result([[1, 'Ann']], ['a']) as { code: number }).code, 1222);
});
