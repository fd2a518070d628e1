// storage/names.ts mirrors sql/names.ts (storage cannot import sql); this checks they agree on
// a table of awkward names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sql from '../../src/sql/names.js';
import * as storage from '../../src/storage/names.js';

const NAMES = ['t', 'a.b', '100%', 'sqlite_master', 'SQLITE_x', 'with "quote"', 'ünï', '%2E', ''];

test('table names mangle and unmangle exactly as in the sql layer', () => {
  for (const database of NAMES) {
    for (const table of NAMES) {
      const name = storage.sqliteTableName(database, table);
      assert.equal(name, sql.sqliteTableName(database, table));
      assert.deepEqual(storage.mysqlTableName(name), { database, table });
      assert.deepEqual(sql.mysqlTableName(name), { db: database, table });
    }
  }
  assert.equal(storage.mysqlTableName('_trireme_meta'), null);
  assert.equal(storage.mysqlTableName('d.t.k'), null);
  assert.equal(storage.quoteId('a"b'), sql.quoteId('a"b'));
});
