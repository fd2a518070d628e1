// Goal: multi-table UPDATE and DELETE, LAST_INSERT_ID(x), := assignments, … RETURNING and SET
// STATEMENT … FOR and INSERT … SELECT from JSON_TABLE replicate as row images like any statement: each node ends with the rows the origin wrote, once. Method: three
// real processes over mutual TLS, mysql2 on each; each statement runs on a different node and
// the rows are compared on all three.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { localCluster, type LocalCluster } from './harness.js';
import { everywhere as everywhereOn, NodeProcess, rowsOn, startAll } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

function query(node: NodeProcess, sql: string): Promise<unknown[][]> {
  return rowsOn(node, sql);
}

function everywhere(sql: string, expected: unknown[][]): Promise<void> {
  return everywhereOn(nodes, sql, expected);
}

describe('multi-table DML on a 3-node cluster', { timeout: 180_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('the rows a multi-table statement writes reach every node', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    for (const sql of [
      'CREATE DATABASE shop',
      'CREATE TABLE shop.orders (id INT PRIMARY KEY, total INT, nlines INT)',
      'CREATE TABLE shop.items (id INT PRIMARY KEY, order_id INT, price INT, billed INT)',
      'CREATE TABLE shop.seq (id INT PRIMARY KEY, n INT)',
      'INSERT INTO shop.orders VALUES (1, 0, 0), (2, 0, 0), (3, 0, 0)',
      'INSERT INTO shop.items VALUES (1, 1, 10, 0), (2, 1, 15, 0), (3, 2, 7, 0), (4, 9, 1, 0)',
      'INSERT INTO shop.seq VALUES (1, 100)',
    ])
      await query(n1, sql);
    // On n2: both tables written by one statement, order 1 once although two items meet it.
    await query(
      n2,
      'UPDATE shop.orders o JOIN shop.items i ON i.order_id = o.id SET o.nlines = o.nlines + 1, i.billed = 1',
    );
    // On n3: an item without its order, and the order without items, deleted together.
    await query(
      n3,
      'DELETE i, o FROM shop.items i LEFT JOIN shop.orders o ON o.id = i.order_id WHERE o.id IS NULL OR o.id = 2',
    );
    await query(
      n3,
      'DELETE FROM shop.orders USING shop.orders LEFT JOIN shop.items ON items.order_id = orders.id WHERE items.id IS NULL',
    );
    // On n1: a counter through LAST_INSERT_ID(x), and a value through :=.
    const conn = await n1.connect();
    try {
      await conn.query('UPDATE shop.seq SET n = LAST_INSERT_ID(n + 1) WHERE id = 1');
      const [id] = await conn.query({ sql: 'SELECT LAST_INSERT_ID()', rowsAsArray: true });
      assert.deepEqual(id, [[101]]);
      await conn.query('SET @sum := 0');
      await conn.query('SELECT @sum := @sum + price FROM shop.items ORDER BY id');
      await conn.query('UPDATE shop.orders SET total = @sum WHERE id = 1');
    } finally {
      await conn.end();
    }
    await everywhere('SELECT * FROM shop.orders ORDER BY id', [[1, 25, 1]]);
    await everywhere('SELECT * FROM shop.items ORDER BY id', [
      [1, 1, 10, 1],
      [2, 1, 15, 1],
    ]);
    await everywhere('SELECT * FROM shop.seq', [[1, 101]]);
  });

  test('a child row and the delete of its parent on two nodes leave no orphan', async () => {
    const [n1, n2] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    for (const sql of [
      'CREATE TABLE shop.parent (id INT PRIMARY KEY)',
      'CREATE TABLE shop.child (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES shop.parent (id))',
      'INSERT INTO shop.parent VALUES (1), (2)',
    ])
      await query(n1, sql);
    // Written on n2 once it applied them.
    await everywhere('SELECT COUNT(*) FROM shop.parent', [[2]]);
    const child = await n1.connect();
    const parent = await n2.connect();
    try {
      await child.query('BEGIN');
      await child.query('INSERT INTO shop.child VALUES (10, 1), (11, 2)');
      // n2 cannot see the uncommitted child: its delete of the parent commits first.
      await parent.query('DELETE FROM shop.parent WHERE id = 1');
      await assert.rejects(child.query('COMMIT'), (error: { errno?: number }) => {
        assert.equal(error.errno, 1213);
        return true;
      });
    } finally {
      await child.end();
      await parent.end();
    }
    await everywhere('SELECT id, pid FROM shop.child ORDER BY id', []);
    await everywhere('SELECT id FROM shop.parent ORDER BY id', [[2]]);
  });

  test('rows written by … RETURNING, SET STATEMENT … FOR and an ordered UPDATE reach every node', async () => {
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await query(n1, 'CREATE TABLE shop.tags (id INT PRIMARY KEY, label VARCHAR(10) UNIQUE)');
    // The table is written on the other nodes once they applied its TOI.
    await everywhere('SELECT COUNT(*) FROM shop.tags', [[0]]);
    const conn = await n2.connect();
    try {
      // Prepared, as Django's driver does not but mysql2's execute() does.
      const [inserted] = await conn.execute(
        'INSERT INTO shop.tags VALUES (?, ?), (?, ?) RETURNING id, UPPER(label) AS l',
        [1, 'a', 2, 'b'],
      );
      assert.deepEqual(inserted, [
        { id: 1, l: 'A' },
        { id: 2, l: 'B' },
      ]);
    } finally {
      await conn.end();
    }
    assert.deepEqual(await query(n3, "REPLACE INTO shop.tags VALUES (3, 'a') RETURNING *"), [
      [3, 'a'],
    ]);
    assert.deepEqual(await query(n1, 'DELETE FROM shop.tags WHERE id = 2 RETURNING label'), [
      ['b'],
    ]);
    await query(
      n2,
      "SET STATEMENT sql_mode = '' FOR INSERT INTO shop.tags VALUES (4, 'abcdefghijkl')",
    );
    // Ids shifted up in MySQL's row order (SQLite's own order would meet id 4 first).
    await query(n3, 'UPDATE shop.tags SET id = id + 1 ORDER BY id DESC');
    await everywhere('SELECT * FROM shop.tags ORDER BY id', [
      [4, 'a'],
      [5, 'abcdefghij'],
    ]);
  });

  test('rows an INSERT … SELECT reads from JSON_TABLE reach every node', async () => {
    const [n1, n2] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await query(n1, 'CREATE TABLE shop.carts (id INT PRIMARY KEY, doc JSON)');
    await query(n1, 'CREATE TABLE shop.lines (cart INT, sku VARCHAR(5), qty INT)');
    await query(
      n1,
      `INSERT INTO shop.carts VALUES (1, '[{"sku": "a", "qty": 2}, {"sku": "b"}]'), (2, '[{"sku": "c", "qty": 1}]')`,
    );
    await everywhere('SELECT COUNT(*) FROM shop.carts', [[2]]);
    // On n2: a lateral JSON_TABLE; the rows it yields travel as row images.
    await query(
      n2,
      "INSERT INTO shop.lines SELECT c.id, j.sku, j.qty FROM shop.carts c, JSON_TABLE(c.doc, '$[*]' COLUMNS (sku VARCHAR(5) PATH '$.sku', qty INT PATH '$.qty' DEFAULT '1' ON EMPTY)) AS j",
    );
    await everywhere('SELECT * FROM shop.lines ORDER BY cart, sku', [
      [1, 'a', 2],
      [1, 'b', 1],
      [2, 'c', 1],
    ]);
  });
});
