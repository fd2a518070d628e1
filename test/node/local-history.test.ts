// Goal: the dump of a node's local history (wsrep_on=OFF writes) is SQL a user can read and
// replay: DDL as written, new rows as INSERT, changed rows as REPLACE, deleted rows by primary
// key, values quoted as MariaDB quotes them. Method: write-sets built by hand against a catalog
// made by the SQL layer's own DDL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeKeyValues, transactionId, type WriteSet } from '../../src/codec/index.js';
import { index, nodeId } from '../../src/core/types.js';
import { writeSetSql } from '../../src/node/local-history.js';
import { Harness } from '../sql/harness.js';

function writeSet(rows: WriteSet['rows'], statements: WriteSet['statements'] = []): WriteSet {
  return {
    originNodeId: nodeId('n2'),
    originTransactionId: transactionId(1),
    seqnoSnapshot: index(9),
    flags: { commit: true, rollback: false, toi: statements.length > 0, paUnsafe: false },
    keys: [],
    rows,
    statements,
  };
}

test('rows and DDL of a local write-set become replayable SQL', () => {
  const h = new Harness();
  h.ddl('CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), b BLOB)');
  const ddl = writeSetSql(
    writeSet([], [{ database: 'sbtest', sql: 'CREATE TABLE u (x INT)' }]),
    h.catalog,
  );
  assert.deepEqual(ddl, ['USE `sbtest`;', 'CREATE TABLE u (x INT);']);
  const key = (id: bigint): Uint8Array => encodeKeyValues([id]);
  const sql = writeSetSql(
    writeSet([
      { database: 'sbtest', table: 't', key: key(1n), op: 'insert', after: [1n, "it's", null] },
      {
        database: 'sbtest',
        table: 't',
        key: key(2n),
        op: 'update',
        after: [2n, 'b', new Uint8Array([0, 255])],
      },
      { database: 'sbtest', table: 't', key: key(3n), op: 'delete', after: null },
    ]),
    h.catalog,
  );
  assert.deepEqual(sql, [
    "INSERT INTO `sbtest`.`t` (`id`, `name`, `b`) VALUES (1, 'it''s', NULL);",
    "REPLACE INTO `sbtest`.`t` (`id`, `name`, `b`) VALUES (2, 'b', X'00ff');",
    'DELETE FROM `sbtest`.`t` WHERE `id` = 3;',
  ]);
  // A table the catalog no longer has still dumps its rows, positionally.
  const gone = writeSetSql(
    writeSet([{ database: 'sbtest', table: 'gone', key: key(4n), op: 'insert', after: [4n] }]),
    h.catalog,
  );
  assert.deepEqual(gone, ['INSERT INTO `sbtest`.`gone` VALUES (4);']);
});
