// Goal: views, triggers, generated columns and CREATE TABLE … SELECT replicate, and a trigger
// fires once, on the node that ran the statement (replicas apply its row images, which leave
// generated columns for each node's SQLite to compute), including on a node that came back by
// SST. Method: three real processes over mutual TLS, mysql2 on each; rows compared
// across nodes; the third node's datadir removed so it rejoins by SST.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { localCluster, type LocalCluster } from './harness.js';
import { everywhere as everywhereOn, NodeProcess, rowsOn, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

function query(node: NodeProcess, sql: string): Promise<unknown[][]> {
  return rowsOn(node, sql);
}

function everywhere(sql: string, expected: unknown[][]): Promise<void> {
  return everywhereOn(nodes, sql, expected);
}

describe(
  'views, triggers, generated columns and CREATE TABLE … SELECT on a 3-node cluster',
  { timeout: 180_000 },
  () => {
    before(async () => {
      cluster = await localCluster(3);
      nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
      await startAll(nodes);
    });

    after(async () => {
      for (const node of nodes ?? []) await node.stop();
      cluster?.cleanup();
    });

    test('each is made on one node, used on another, and gives the same rows on all three', async () => {
      const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      for (const sql of [
        'CREATE DATABASE app',
        'CREATE TABLE app.t (id INT PRIMARY KEY, qty INT, total INT, active TINYINT DEFAULT 1)',
        'CREATE TABLE app.audit (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(40))',
        'CREATE TRIGGER app.t_bi BEFORE INSERT ON app.t FOR EACH ROW SET NEW.total = NEW.qty * 2',
        "CREATE TRIGGER app.t_ai AFTER INSERT ON app.t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('ins ', NEW.id))",
        'CREATE VIEW app.v AS SELECT id, qty, total FROM app.t WHERE active = 1',
      ])
        await query(n1, sql);
      await everywhere("SHOW FULL TABLES FROM app LIKE 'v'", [['v', 'VIEW']]);
      await everywhere(
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'app' ORDER BY 1",
        [['t_ai'], ['t_bi']],
      );

      // Fired on n2 only: one audit row per inserted row on every node, totals set once.
      await query(n2, 'INSERT INTO app.t (id, qty) VALUES (1, 5), (2, 7)');
      // Through the view on n3: the base table's triggers fire there, once.
      await query(n3, 'INSERT INTO app.v (id, qty) VALUES (3, 9)');
      // Each node writes rows another node made only once it has applied them: a node applies
      // others' commits a moment after they return, so an UPDATE sent sooner may find no row.
      await everywhere('SELECT id FROM app.t ORDER BY id', [[1], [2], [3]]);
      await query(n1, 'UPDATE app.t SET active = 0 WHERE id = 2');
      await everywhere('SELECT * FROM app.v ORDER BY id', [
        [1, 5, 10],
        [3, 9, 18],
      ]);
      await everywhere('SELECT msg FROM app.audit ORDER BY msg', [['ins 1'], ['ins 2'], ['ins 3']]);

      // Through a join view on n2: the multi-table UPDATE it stands for, on one base table.
      await query(
        n1,
        "CREATE VIEW app.jv AS SELECT t.id, t.qty, a.msg FROM app.t JOIN app.audit a ON a.msg = CONCAT('ins ', t.id)",
      );
      await everywhere("SHOW FULL TABLES FROM app LIKE 'jv'", [['jv', 'VIEW']]);
      await query(n2, "UPDATE app.jv SET qty = qty + 100 WHERE msg <> 'ins 2'");
      await everywhere('SELECT id, qty FROM app.t ORDER BY id', [
        [1, 105],
        [2, 7],
        [3, 109],
      ]);
      await query(n3, 'UPDATE app.t SET qty = qty - 100 WHERE id <> 2');
      await everywhere('SELECT id, qty FROM app.t ORDER BY id', [
        [1, 5],
        [2, 7],
        [3, 9],
      ]);

      // UUID() is evaluated once, on the origin: the rows replicate, they are not re-read.
      await query(n2, 'CREATE TABLE app.c AS SELECT id, UUID() AS u FROM app.v');
      const made = await query(n2, 'SELECT id, u FROM app.c ORDER BY id');
      assert.equal(made.length, 2);
      await everywhere('SELECT id, u FROM app.c ORDER BY id', made);

      // Generated columns: given by no write-set, computed alike on every node.
      await query(
        n1,
        "CREATE TABLE app.g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) VIRTUAL, c VARCHAR(10) AS (CONCAT('x', a)) STORED, KEY (b))",
      );
      await everywhere("SHOW TABLES FROM app LIKE 'g'", [['g']]);
      await query(n2, 'INSERT INTO app.g (id, a) VALUES (1, 10), (2, 20)');
      await everywhere('SELECT id, a FROM app.g ORDER BY id', [
        [1, 10],
        [2, 20],
      ]);
      await query(n3, 'UPDATE app.g SET a = 11 WHERE id = 1');
      await everywhere('SELECT id, a, b, c FROM app.g WHERE b > 0 ORDER BY id', [
        [1, 11, 22, 'x11'],
        [2, 20, 40, 'x20'],
      ]);

      // A temporary table of the same name is n1's session's alone: nothing of it replicates.
      const session = await n1.connect();
      try {
        await session.query('CREATE TEMPORARY TABLE app.c (id INT, u VARCHAR(40))');
        await session.query("INSERT INTO app.c VALUES (99, 'temporary')");
        const [own] = await session.query({ sql: 'SELECT id FROM app.c', rowsAsArray: true });
        assert.deepEqual(own, [[99]]);
      } finally {
        await session.end();
      }
      // Anything n1 replicated before this later DDL has been applied once it is everywhere.
      await query(n1, 'CREATE TABLE app.probe (x INT)');
      await everywhere("SHOW TABLES FROM app LIKE 'probe'", [['probe']]);
      await everywhere('SELECT id, u FROM app.c ORDER BY id', made);

      // CREATE OR REPLACE TABLE on n3: the drop and the create are one DDL on every node.
      await query(n2, 'INSERT INTO app.probe VALUES (1), (2)');
      await everywhere('SELECT COUNT(*) FROM app.probe', [[2]]);
      await query(n3, 'CREATE OR REPLACE TABLE app.probe (x INT, y INT)');
      await everywhere('SELECT COUNT(*) FROM app.probe', [[0]]);
      await query(n1, 'INSERT INTO app.probe VALUES (3, 4)');
      await everywhere('SELECT x, y FROM app.probe', [[3, 4]]);
      // … SELECT: the table dropped, made again and filled, the same on every node.
      await query(n2, 'CREATE OR REPLACE TABLE app.probe SELECT id AS x FROM app.t WHERE id < 3');
      await everywhere('SELECT x FROM app.probe ORDER BY x', [[1], [2]]);

      // A trigger made on n1 before the table it names (a dump's order) waits on every node:
      // n3's insert fails with 1146; the table made on n2 lets it fire on n3, once.
      await query(n1, 'CREATE TABLE app.w (id INT PRIMARY KEY)');
      await query(
        n1,
        'CREATE TRIGGER app.w_ai AFTER INSERT ON app.w FOR EACH ROW INSERT INTO w_log VALUES (NEW.id)',
      );
      await everywhere(
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_name = 'w_ai'",
        [['w_ai']],
      );
      await assert.rejects(query(n3, 'INSERT INTO app.w VALUES (1)'), (e: { errno?: number }) => {
        return e.errno === 1146;
      });
      await query(n2, 'CREATE TABLE app.w_log (id INT)');
      await everywhere("SHOW TABLES FROM app LIKE 'w_log'", [['w_log']]);
      await query(n3, 'INSERT INTO app.w VALUES (2)');
      await everywhere('SELECT id FROM app.w_log', [[2]]);
      await everywhere('SELECT id FROM app.w', [[2]]);
    });

    test('a node that comes back by SST has the views and triggers, which fire once there', async () => {
      const [n1, , n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      await n3.stop();
      await until('size 2', async () => (await n1.status('wsrep_cluster_size')) === '2');
      rmSync(join(cluster.dir, 'n3'), { recursive: true, force: true });
      n3.start();
      await n3.waitReady();
      await until('size 3', async () => (await n1.status('wsrep_cluster_size')) === '3');
      await query(n3, 'INSERT INTO app.t (id, qty) VALUES (4, 1)');
      await everywhere('SELECT * FROM app.v ORDER BY id', [
        [1, 5, 10],
        [3, 9, 18],
        [4, 1, 2],
      ]);
      await everywhere('SELECT count(*) FROM app.audit', [[4]]);
      await query(n3, 'INSERT INTO app.g (id, a) VALUES (3, 30)');
      await everywhere('SELECT id, b, c FROM app.g ORDER BY id', [
        [1, 22, 'x11'],
        [2, 40, 'x20'],
        [3, 60, 'x30'],
      ]);
      await query(n1, 'DROP VIEW app.v');
      await query(n1, 'DROP TRIGGER app.t_ai');
      await everywhere("SHOW FULL TABLES FROM app LIKE 'v'", []);
      await everywhere(
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'app' ORDER BY 1",
        [['t_bi'], ['w_ai']],
      );
      // The trigger that waited and then found its table fires on the node that came by SST.
      await query(n3, 'INSERT INTO app.w VALUES (3)');
      await everywhere('SELECT id FROM app.w_log ORDER BY id', [[2], [3]]);
      await query(n3, 'INSERT INTO app.t (id, qty) VALUES (5, 1)');
      await everywhere('SELECT count(*) FROM app.audit', [[4]]);
    });
  },
);
