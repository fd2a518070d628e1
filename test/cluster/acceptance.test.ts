// Goal: what a Galera user runs — several trireme processes over mutual TLS — accepts writes on
// every node, resolves conflicts, survives kill -9 of one, two or all nodes, and shrinks on a
// graceful stop. Method: real processes on loopback from my.cnf files, mysql2 as the client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mysql2/promise';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, createNodeCert } from '../../src/cli/cert.js';
import { freePort, localCluster, type LocalCluster } from './harness.js';
import { NodeProcess, startAll, until } from './processes.js';

let cluster: LocalCluster;
let nodes: NodeProcess[];

async function query<T = Record<string, unknown>>(
  node: NodeProcess,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query(sql, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

async function tableState(node: NodeProcess): Promise<string> {
  const rows = await query(node, 'SELECT id, v FROM acc.t ORDER BY id');
  return JSON.stringify(rows);
}

async function allEqual(): Promise<boolean> {
  const states = await Promise.all(nodes.filter((n) => n.running).map(tableState));
  return new Set(states).size === 1;
}

describe('a 3-node cluster of real processes', { timeout: 300_000 }, () => {
  before(async () => {
    cluster = await localCluster(3);
    nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
    await startAll(nodes);
    await query(nodes[0]!, 'CREATE DATABASE acc');
    await query(nodes[0]!, 'CREATE TABLE acc.t (id INT PRIMARY KEY, v INT NOT NULL)');
    // DDL is replicated, not causal: wait until every node has applied it before using it there.
    for (const node of nodes)
      await until(
        `acc.t on ${node.name}`,
        async () => (await query(node, 'SELECT 1 FROM acc.t')) !== null,
      );
  });

  after(async () => {
    for (const node of nodes ?? []) await node.stop();
    cluster?.cleanup();
  });

  test('concurrent writes on all three nodes converge', async () => {
    await Promise.all(
      nodes.map(async (node, i) => {
        for (let k = 0; k < 30; k++) {
          await query(node, 'INSERT INTO acc.t (id, v) VALUES (?, ?)', [i * 1000 + k, k]);
        }
      }),
    );
    await until('equal tables', allEqual);
    const rows = await query<{ n: number }>(nodes[2]!, 'SELECT COUNT(*) AS n FROM acc.t');
    assert.equal(Number(rows[0]!.n), 90);
    // CHECKSUM TABLE is how an operator compares nodes: the same figure everywhere.
    const sums = await Promise.all(
      nodes.map(async (node) => {
        const [row] = await query<{ Checksum: number }>(node, 'CHECKSUM TABLE acc.t');
        return row!.Checksum;
      }),
    );
    assert.equal(new Set(sums).size, 1, JSON.stringify(sums));
    assert.ok(typeof sums[0] === 'number' && sums[0] > 0);
  });

  test('the commit trace accounts for sampled commits stage by stage; FLUSH STATUS starts over', async () => {
    const status = async (node: NodeProcess): Promise<Map<string, number>> =>
      new Map(
        (
          await query<{ Variable_name: string; Value: string }>(node, "SHOW STATUS LIKE 'trireme%'")
        ).map((r) => [r.Variable_name, Number(r.Value)]),
      );
    await query(nodes[1]!, 'FLUSH STATUS');
    assert.equal((await status(nodes[1]!)).get('trireme_commit_trace_samples'), 0);
    // Origin on a follower or the leader alike: every stage is seen on the origin node.
    const conn = await nodes[1]!.connect();
    try {
      for (let k = 0; k < 48; k++) {
        await conn.query('BEGIN');
        await conn.query('INSERT INTO acc.t (id, v) VALUES (?, ?)', [5000 + k, k]);
        await conn.query('COMMIT');
      }
    } finally {
      await conn.end();
    }
    const s = await status(nodes[1]!);
    assert.equal(s.get('trireme_commit_trace_samples'), 6); // one commit in 8 is sampled
    for (const stage of ['statements', 'build', 'propose', 'flush', 'quorum', 'apply', 'answer'])
      assert.ok(
        s.get(`trireme_commit_${stage}_p95_us`)! >= s.get(`trireme_commit_${stage}_p50_us`)!,
      );
    assert.ok(s.get('trireme_commit_total_p50_us')! > 0);
    assert.ok(s.get('trireme_commit_total_p50_us')! >= s.get('trireme_commit_commit_p50_us')!);
    assert.ok(s.get('trireme_log_flush_samples')! >= 48);
    await query(nodes[0]!, 'DELETE FROM acc.t WHERE id >= 5000 AND id < 5048');
    await until('equal tables', allEqual);
  });

  // Monitoring written for Galera (dashboards, check scripts) reads these names; a missing one
  // is "not supported" there. The names MariaDB Galera 10.11 shows on a synced node
  // (shared/anchors/galera/reference/show_status_wsrep_synced_node1.tsv) that trireme lacked.
  test("SHOW STATUS has the wsrep names Galera's monitoring reads, with this node's figures", async () => {
    const galeraNames = [
      'wsrep_applier_thread_count',
      'wsrep_apply_oooe',
      'wsrep_apply_oool',
      'wsrep_apply_waits',
      'wsrep_apply_window',
      'wsrep_causal_reads',
      'wsrep_cert_interval',
      'wsrep_checkpoint_position',
      'wsrep_cluster_capabilities',
      'wsrep_commit_oooe',
      'wsrep_commit_oool',
      'wsrep_commit_window',
      'wsrep_desync_count',
      'wsrep_evs_delayed',
      'wsrep_evs_evict_list',
      'wsrep_evs_repl_latency',
      'wsrep_evs_state',
      'wsrep_flow_control_active',
      'wsrep_flow_control_paused_ns',
      'wsrep_flow_control_requested',
      'wsrep_gcomm_uuid',
      'wsrep_gmcast_segment',
      'wsrep_local_commits',
      'wsrep_local_recv_queue_avg',
      'wsrep_local_recv_queue_max',
      'wsrep_local_recv_queue_min',
      'wsrep_local_send_queue_avg',
      'wsrep_local_send_queue_max',
      'wsrep_local_send_queue_min',
      'wsrep_open_connections',
      'wsrep_open_transactions',
      'wsrep_protocol_application',
      'wsrep_protocol_gcs',
      'wsrep_protocol_replicator',
      'wsrep_provider_capabilities',
      'wsrep_repl_data_bytes',
      'wsrep_repl_keys',
      'wsrep_repl_keys_bytes',
      'wsrep_repl_other_bytes',
      'wsrep_rollbacker_thread_count',
      'wsrep_se_checkpoint',
      'wsrep_thread_count',
    ];
    const status = async (node: NodeProcess): Promise<Map<string, string>> =>
      new Map(
        (
          await query<{ Variable_name: string; Value: string }>(
            node,
            "SHOW GLOBAL STATUS LIKE 'wsrep%'",
          )
        ).map((r) => [r.Variable_name, r.Value]),
      );
    const origin = nodes[1]!;
    const before = await status(origin);
    assert.deepEqual(
      galeraNames.filter((name) => !before.has(name)),
      [],
      'every name is shown',
    );
    const conn = await origin.connect();
    try {
      await conn.query('BEGIN');
      await conn.query('INSERT INTO acc.t (id, v) VALUES (7000, 1), (7001, 2)');
      assert.equal((await status(origin)).get('wsrep_open_transactions'), '1');
      await conn.query('COMMIT');
      await conn.query('SET SESSION wsrep_sync_wait = 1');
      await conn.query('SELECT v FROM acc.t WHERE id = 7000');
    } finally {
      await conn.end();
    }
    const after = await status(origin);
    const grew = (name: string, by: number): void =>
      assert.equal(Number(after.get(name)) - Number(before.get(name)), by, name);
    grew('wsrep_local_commits', 1);
    grew('wsrep_repl_keys', 2);
    grew('wsrep_causal_reads', 1);
    assert.ok(
      Number(after.get('wsrep_repl_keys_bytes')) > Number(before.get('wsrep_repl_keys_bytes')),
    );
    assert.ok(
      Number(after.get('wsrep_repl_data_bytes')) > Number(before.get('wsrep_repl_data_bytes')),
    );
    assert.equal(after.get('wsrep_open_transactions'), '0');
    assert.equal(after.get('wsrep_evs_state'), 'OPERATIONAL');
    assert.equal(after.get('wsrep_evs_delayed'), '');
    assert.match(
      after.get('wsrep_evs_repl_latency')!,
      /^[\d.e-]+\/[\d.e-]+\/[\d.e-]+\/[\d.e-]+\/\d+$/,
    );
    assert.match(after.get('wsrep_gcomm_uuid')!, /^[0-9a-f-]{36}$/);
    assert.notEqual(
      after.get('wsrep_gcomm_uuid'),
      (await status(nodes[0]!)).get('wsrep_gcomm_uuid'),
    );
    assert.equal(
      after.get('wsrep_checkpoint_position'),
      `${after.get('wsrep_local_state_uuid')}:${after.get('wsrep_last_committed')}`,
    );
    assert.match(after.get('wsrep_se_checkpoint')!, /^[0-9a-f-]{36}:\d+$/);
    assert.equal(after.get('wsrep_local_recv_queue_min'), '0');
    await query(origin, 'DELETE FROM acc.t WHERE id IN (7000, 7001)');
    await until('equal tables', allEqual);
  });

  // The health check of Galera's load-balancer recipes (HAProxy, ProxySQL scripts) reads the
  // state through information_schema, which was 1146 (table doesn't exist) here.
  test('information_schema.GLOBAL_STATUS and GLOBAL_VARIABLES answer a Galera health check', async () => {
    for (const node of nodes) {
      const rows = await query<{ VARIABLE_NAME: string; VARIABLE_VALUE: string }>(
        node,
        "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('wsrep_local_state', 'wsrep_cluster_size', 'WSREP_READY') ORDER BY VARIABLE_NAME",
      );
      assert.deepEqual(
        rows.map((r) => `${r.VARIABLE_NAME}=${r.VARIABLE_VALUE}`),
        ['WSREP_CLUSTER_SIZE=3', 'WSREP_LOCAL_STATE=4', 'WSREP_READY=ON'],
        node.name,
      );
      const on = await query<{ VARIABLE_VALUE: string }>(
        node,
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'wsrep_on'",
      );
      assert.deepEqual(
        on.map((r) => r.VARIABLE_VALUE),
        ['ON'],
      );
    }
  });

  // Draining a node for a load balancer: wsrep_reject_queries=ALL refuses queries with 1047 while
  // the node goes on applying; ALL_KILL also ends every client connection. It was taken and
  // ignored.
  test('SET GLOBAL wsrep_reject_queries=ALL: 1047 for queries, the health check answers; ALL_KILL ends connections', async () => {
    const node = nodes[2]!;
    const conn = await node.connect();
    try {
      await conn.query('SET GLOBAL wsrep_reject_queries = ALL');
      await assert.rejects(conn.query('SELECT COUNT(*) FROM acc.t'), { errno: 1047 });
      const [rows] = await conn.query(
        "SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state'",
      );
      assert.deepEqual(rows, [{ v: '4' }]);
      // It still applies what the others commit.
      await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (7190, 1)');
      // Its own connection ends too, before the answer, as in MariaDB.
      await assert.rejects(conn.query('SET GLOBAL wsrep_reject_queries = ALL_KILL'));
    } finally {
      conn.destroy();
    }
    const again = await node.connect();
    try {
      await assert.rejects(again.query('SELECT COUNT(*) FROM acc.t'), { errno: 1047 });
      await again.query('SET GLOBAL wsrep_reject_queries = NONE');
      // A causal read: the row committed on another node may still be on its way here (a
      // clean-clone CI run read nothing).
      await again.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await again.query('SELECT v FROM acc.t WHERE id = 7190');
      assert.deepEqual(rows, [{ v: 1 }]);
      await assert.rejects(again.query("SET GLOBAL wsrep_cluster_address = 'gcomm://'"), {
        errno: 1235,
      });
    } finally {
      await again.end();
    }
  });

  // Galera's backup recipe: desync the node, back it up, resync. Taken and ignored before.
  test('SET GLOBAL wsrep_desync=ON: Donor/Desynced, still applying and serving; OFF: Synced', async () => {
    const node = nodes[2]!;
    const conn = await node.connect();
    const state = async (): Promise<string[]> => {
      const [rows] = await conn.query(
        "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment', 'wsrep_desync_count')",
      );
      // By name: wsrep_desync_count, wsrep_local_state, wsrep_local_state_comment.
      return (rows as Array<{ Value: string }>).map((r) => r.Value);
    };
    try {
      await conn.query('SET GLOBAL wsrep_desync = ON');
      await until('desynced', async () => (await state()).join() === '1,2,Donor/Desynced');
      const [again] = await conn.query('SET GLOBAL wsrep_desync = 1');
      assert.equal((again as { warningStatus: number }).warningStatus, 1);
      const [warnings] = await conn.query('SHOW WARNINGS');
      assert.deepEqual(warnings, [
        { Level: 'Warning', Code: 1231, Message: "'wsrep_desync' is already ON." },
      ]);
      await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (7100, 1)');
      await until('the desynced node applies', async () => {
        const [rows] = await conn.query('SELECT v FROM acc.t WHERE id = 7100');
        return (rows as unknown[]).length === 1;
      });
      await conn.query('UPDATE acc.t SET v = 2 WHERE id = 7100');
      await until('its write reaches n1', async () => {
        const rows = await query<{ v: number }>(nodes[0]!, 'SELECT v FROM acc.t WHERE id = 7100');
        return rows[0]?.v === 2;
      });
      await conn.query('SET GLOBAL wsrep_desync = OFF');
      await until('synced again', async () => (await state()).join() === '0,4,Synced');
      assert.ok(node.output.some((line) => line.includes('Shifting SYNCED -> DONOR')));
      assert.ok(node.output.some((line) => line.includes('Shifting DONOR -> SYNCED')));
    } finally {
      await conn.end();
    }
    await query(nodes[0]!, 'DELETE FROM acc.t WHERE id = 7100');
    await until('equal tables', allEqual);
  });

  test('a causal read (wsrep_sync_wait=1) on another node sees a write just committed', async () => {
    const reader = await nodes[2]!.connect();
    try {
      await reader.query('SET SESSION wsrep_sync_wait = 1');
      for (let k = 0; k < 10; k++) {
        await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (?, ?)', [9000 + k, k]);
        const [rows] = await reader.query('SELECT v FROM acc.t WHERE id = ?', [9000 + k]);
        assert.equal((rows as unknown[]).length, 1, `read ${k} saw the write`);
      }
    } finally {
      await reader.end();
    }
  });

  test('writes driven by a recursive CTE and INTERSECT ALL give the same rows on every node', async () => {
    await query(nodes[0]!, 'CREATE TABLE acc.gen (n INT PRIMARY KEY, sq INT)');
    for (const node of nodes)
      await until(
        `acc.gen on ${node.name}`,
        async () => (await query(node, 'SELECT 1 FROM acc.gen')) !== null,
      );
    await query(
      nodes[1]!,
      'INSERT INTO acc.gen (n, sq) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20) SELECT n, n * n FROM s',
    );
    await query(
      nodes[2]!,
      'INSERT INTO acc.gen (n, sq) SELECT n + 100, sq FROM acc.gen WHERE n < 10 INTERSECT ALL SELECT n + 100, sq FROM acc.gen WHERE n > 5',
    );
    const state = (node: NodeProcess): Promise<string> =>
      query(node, 'SELECT COUNT(*) AS n, SUM(sq) AS s FROM acc.gen').then((r) => JSON.stringify(r));
    await until(
      'equal acc.gen',
      async () => new Set(await Promise.all(nodes.map(state))).size === 1,
    );
    // 1..20 and 106..109 (n 6..9 on both sides of INTERSECT ALL).
    assert.equal(await state(nodes[0]!), JSON.stringify([{ n: 24, s: '3100' }]));
  });

  test('AUTO_INCREMENT values interleave across nodes (wsrep_auto_increment_control)', async () => {
    await query(
      nodes[0]!,
      'CREATE TABLE acc.ai (id INT PRIMARY KEY AUTO_INCREMENT, node VARCHAR(4))',
    );
    await until('table everywhere', async () =>
      (await Promise.all(nodes.map((n) => query(n, 'SHOW TABLES FROM acc LIKE ?', ['ai'])))).every(
        (r) => r.length === 1,
      ),
    );
    const ids: number[][] = [];
    for (const node of nodes) {
      const mine: number[] = [];
      for (let k = 0; k < 3; k++) {
        const conn = await node.connect();
        const [result] = await conn.query('INSERT INTO acc.ai (node) VALUES (?)', [node.name]);
        mine.push((result as { insertId: number }).insertId);
        await conn.end();
      }
      ids.push(mine);
    }
    const residues = ids.map((mine) => new Set(mine.map((id) => id % 3)));
    assert.ok(
      residues.every((r) => r.size === 1),
      `each node keeps to its own offset: ${JSON.stringify(ids)}`,
    );
    assert.equal(
      new Set(residues.map((r) => [...r][0])).size,
      3,
      `offsets differ: ${JSON.stringify(ids)}`,
    );
  });

  test('rows keyed by a VARCHAR, then by nothing after DROP PRIMARY KEY, stay the same rows on every node', async () => {
    // The origin commits its own transactions in place (storage.md, "Kept commits"); a table
    // whose key is not its rowid keeps rows at rowids no row image carries, which a rebuild of
    // the table turns into its keys: the origin must hold the rowids applying the rows gives.
    const origin = nodes[0]!;
    await query(origin, 'CREATE TABLE acc.hidden (k VARCHAR(10) PRIMARY KEY, v INT)');
    await query(origin, "INSERT INTO acc.hidden VALUES ('a', 1), ('b', 1), ('c', 1)");
    await query(origin, "UPDATE acc.hidden SET v = 2 WHERE k = 'a'");
    await query(origin, 'ALTER TABLE acc.hidden DROP PRIMARY KEY');
    await query(origin, "UPDATE acc.hidden SET v = 7 WHERE k = 'a'");
    const state = async (node: NodeProcess): Promise<string> => {
      const conn = await node.connect();
      try {
        await conn.query('SET SESSION wsrep_sync_wait = 1');
        const [rows] = await conn.query('SELECT k, v FROM acc.hidden ORDER BY k');
        return JSON.stringify(rows);
      } finally {
        await conn.end();
      }
    };
    const states = await Promise.all(nodes.map(state));
    assert.match(states[0]!, /"k":"a","v":7.*"k":"b","v":1.*"k":"c","v":1/);
    assert.equal(states[1], states[0]);
    assert.equal(states[2], states[0]);
  });

  test('two nodes update the same row at once: one commits, the other gets 1213', async () => {
    await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (5000, 0)');
    await until('row everywhere', async () =>
      (await Promise.all(nodes.map((n) => query(n, 'SELECT v FROM acc.t WHERE id = 5000')))).every(
        (r) => r.length === 1,
      ),
    );
    const a: Connection = await nodes[0]!.connect();
    const b: Connection = await nodes[1]!.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('UPDATE acc.t SET v = 1 WHERE id = 5000');
      await b.query('UPDATE acc.t SET v = 2 WHERE id = 5000');
      const results = await Promise.allSettled([a.query('COMMIT'), b.query('COMMIT')]);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 1, JSON.stringify(results.map((r) => r.status)));
      const error = (failed[0] as PromiseRejectedResult).reason as { errno?: number };
      assert.equal(error.errno, 1213);
    } finally {
      await a.end();
      await b.end();
    }
  });

  // utf8mb4_general_ci (the default) calls 'Ann@x' and 'ann@x ' equal, so does a UNIQUE or
  // PRIMARY KEY over it. Their certification keys were the bytes as written: both transactions
  // committed, and applying the second replaced the first row on every node, a commit answered
  // OK and then lost. A UNIQUE or PRIMARY KEY over a prefix (`v(3)`) must claim the prefix
  // likewise (a PRIMARY KEY's was built on the whole column: both rows were kept).
  test('two nodes insert values equal under the collation into a UNIQUE, a PRIMARY KEY and prefix keys: one commits, the other gets 1213', async () => {
    await query(
      nodes[0]!,
      'CREATE TABLE acc.people (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL, UNIQUE KEY (email))',
    );
    await query(nodes[0]!, 'CREATE TABLE acc.tags (name VARCHAR(20) PRIMARY KEY, n INT)');
    await query(
      nodes[0]!,
      'CREATE TABLE acc.codes (id INT PRIMARY KEY, code VARCHAR(20), UNIQUE KEY (code(3)))',
    );
    await query(nodes[0]!, 'CREATE TABLE acc.urls (url TEXT, n INT, PRIMARY KEY (url(4)))');
    for (const node of nodes)
      await until(`tables on ${node.name}`, async () => {
        await query(node, 'SELECT 1 FROM acc.people, acc.tags, acc.codes, acc.urls');
        return true;
      });
    const race = async (first: string, second: string): Promise<void> => {
      const a: Connection = await nodes[0]!.connect();
      const b: Connection = await nodes[1]!.connect();
      try {
        await a.query('BEGIN');
        await b.query('BEGIN');
        await a.query(first);
        await b.query(second);
        const results = await Promise.allSettled([a.query('COMMIT'), b.query('COMMIT')]);
        const failed = results.filter((r) => r.status === 'rejected');
        assert.equal(failed.length, 1, JSON.stringify(results.map((r) => r.status)));
        assert.equal(
          ((failed[0] as PromiseRejectedResult).reason as { errno?: number }).errno,
          1213,
        );
      } finally {
        await a.end();
        await b.end();
      }
    };
    await race(
      "INSERT INTO acc.people VALUES (1, 'Ann@x')",
      "INSERT INTO acc.people VALUES (2, 'ann@x ')",
    );
    await race(
      "INSERT INTO acc.tags VALUES ('Blue', 1)",
      "INSERT INTO acc.tags VALUES ('bluE', 2)",
    );
    await race(
      "INSERT INTO acc.codes VALUES (1, 'abc-1')",
      "INSERT INTO acc.codes VALUES (2, 'ABC-2')",
    );
    await race(
      "INSERT INTO acc.urls VALUES ('http://a', 1)",
      "INSERT INTO acc.urls VALUES ('HTTP://b', 2)",
    );
    const state = async (node: NodeProcess): Promise<string> =>
      JSON.stringify([
        await query(node, 'SELECT COUNT(*) AS n FROM acc.people'),
        await query(node, 'SELECT COUNT(*) AS n FROM acc.tags'),
        await query(node, 'SELECT COUNT(*) AS n FROM acc.codes'),
        await query(node, 'SELECT COUNT(*) AS n FROM acc.urls'),
      ]);
    await until('one row of each on every node', async () =>
      (await Promise.all(nodes.map(state))).every(
        (s) => s === '[[{"n":1}],[{"n":1}],[{"n":1}],[{"n":1}]]',
      ),
    );
    // The prefix keys hold on every node: a later duplicate prefix is refused everywhere.
    for (const node of nodes) {
      await assert.rejects(query(node, "INSERT INTO acc.codes VALUES (3, 'aBc-3')"), {
        errno: 1062,
      });
      await assert.rejects(query(node, "INSERT INTO acc.urls VALUES ('Http-c', 3)"), {
        errno: 1062,
        message: "Duplicate entry 'Http' for key 'PRIMARY'",
      });
    }
    await query(nodes[0]!, 'DROP TABLE acc.people, acc.tags, acc.codes, acc.urls');
  });

  test('SELECT then UPDATE on one node after an update on another: 1213, no lost update', async () => {
    for (const waitApplied of [true, false]) {
      const id = waitApplied ? 8800 : 8801;
      await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (?, 100)', [id]);
      await until('row everywhere', async () =>
        (
          await Promise.all(nodes.map((n) => query(n, 'SELECT v FROM acc.t WHERE id = ?', [id])))
        ).every((r) => r.length === 1),
      );
      const c1: Connection = await nodes[0]!.connect();
      try {
        await c1.query('BEGIN');
        const [read] = await c1.query('SELECT v FROM acc.t WHERE id = ?', [id]);
        assert.equal((read as { v: number }[])[0]!.v, 100);
        await query(nodes[1]!, 'UPDATE acc.t SET v = 50 WHERE id = ?', [id]);
        // Applied on c1's node already (its UPDATE sees the change) or not yet (certification
        // catches it at COMMIT): 1213 either way.
        if (waitApplied)
          await until(
            'update applied on n1',
            async () =>
              (await query<{ v: number }>(nodes[0]!, 'SELECT v FROM acc.t WHERE id = ?', [id]))[0]!
                .v === 50,
          );
        let errno: number | undefined;
        try {
          await c1.query('UPDATE acc.t SET v = 110 WHERE id = ?', [id]);
          await c1.query('COMMIT');
        } catch (error) {
          errno = (error as { errno?: number }).errno;
        }
        assert.equal(errno, 1213, `waitApplied=${waitApplied}`);
      } finally {
        await c1.end();
      }
      await until('v = 50 everywhere', async () =>
        (
          await Promise.all(
            nodes.map((n) => query<{ v: number }>(n, 'SELECT v FROM acc.t WHERE id = ?', [id])),
          )
        ).every((r) => r[0]!.v === 50),
      );
    }
  });

  test('a DDL refused by the data (UNIQUE over duplicates) answers 1062; every node keeps serving', async () => {
    await query(nodes[0]!, 'CREATE TABLE acc.u (id INT PRIMARY KEY, email VARCHAR(20))');
    await until('acc.u everywhere', async () =>
      (await Promise.all(nodes.map((n) => query(n, 'SHOW TABLES FROM acc LIKE ?', ['u'])))).every(
        (r) => r.length === 1,
      ),
    );
    await query(nodes[0]!, "INSERT INTO acc.u VALUES (1, 'x'), (2, 'x')");
    let refused: { errno?: number; message?: string } = {};
    try {
      await query(nodes[1]!, 'ALTER TABLE acc.u ADD UNIQUE KEY (email)');
    } catch (error) {
      refused = error as typeof refused;
    }
    assert.equal(refused.errno, 1062);
    assert.equal(refused.message, "Duplicate entry 'x' for key 'email'");
    for (const [i, node] of nodes.entries()) {
      await query(node, 'INSERT INTO acc.u VALUES (?, ?)', [10 + i, `n${i}`]);
      const ready = await query<{ Value: string }>(node, "SHOW STATUS LIKE 'wsrep_ready'");
      assert.equal(ready[0]!.Value, 'ON', node.name);
    }
    await until('acc.u equal everywhere', async () => {
      const states = await Promise.all(
        nodes.map(async (n) => JSON.stringify(await query(n, 'SELECT * FROM acc.u ORDER BY id'))),
      );
      return new Set(states).size === 1 && states[0]!.includes('n2');
    });
  });

  test('a value SQLite cannot hold is refused for that statement; every node keeps writing', async () => {
    await query(nodes[0]!, 'CREATE TABLE acc.big (id INT PRIMARY KEY, v BIGINT UNSIGNED)');
    await until('acc.big everywhere', async () =>
      (await Promise.all(nodes.map((n) => query(n, 'SHOW TABLES FROM acc LIKE ?', ['big'])))).every(
        (r) => r.length === 1,
      ),
    );
    // Above 2^63 − 1 (SQLite's INTEGER) 1235, beyond 64 bits 1264 (docs/design/sql.md).
    for (const [value, code] of [
      ['18446744073709551615', 1235],
      ['18446744073709551616', 1264],
    ] as const) {
      let errno: number | undefined;
      try {
        await query(nodes[1]!, `INSERT INTO acc.big VALUES (1, ${value})`);
      } catch (error) {
        errno = (error as { errno?: number }).errno;
      }
      assert.equal(errno, code, value);
    }
    for (const [i, node] of nodes.entries()) {
      const started = Date.now();
      await query(node, 'INSERT INTO acc.big VALUES (?, ?)', [10 + i, i]);
      assert.ok(Date.now() - started < 5000, `${node.name} wrote without waiting`);
    }
  });

  test('kill -9 of one node: the others keep committing; it restarts and catches up', async () => {
    nodes[2]!.kill9();
    await nodes[2]!.waitExit();
    for (let k = 0; k < 20; k++)
      await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (?, 1)', [6000 + k]);
    nodes[2]!.start();
    await nodes[2]!.waitReady();
    await until('n3 caught up', allEqual);
  });

  test('kill -9 of two nodes: the survivor answers 1047 and commits nothing; they come back', async () => {
    nodes[1]!.kill9();
    nodes[2]!.kill9();
    await Promise.all([nodes[1]!.waitExit(), nodes[2]!.waitExit()]);
    await until(
      'survivor non-Primary',
      async () => (await nodes[0]!.status('wsrep_cluster_status')) === 'non-Primary',
    );
    // Galera's figure for a node left alone: its own component, of one, and its own address
    // alone in wsrep_incoming_addresses (load balancers read it; it listed the dead nodes).
    assert.equal(await nodes[0]!.status('wsrep_cluster_size'), '1');
    assert.equal((await nodes[0]!.status('wsrep_incoming_addresses'))?.split(',').length, 1);
    await assert.rejects(
      query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (7000, 1)'),
      (e: { errno?: number }) => e.errno === 1047,
    );
    // A read of a table would answer from a state that may be stale: 1047 too. What MariaDB
    // still answers there (a health check's SELECT 1, information_schema, USE) is answered.
    for (const sql of [
      'SELECT v FROM acc.t LIMIT 1',
      'SELECT 1 FROM information_schema.GLOBAL_STATUS WHERE (SELECT COUNT(*) FROM acc.t) > 0',
      'SELECT (SELECT COUNT(*) FROM acc.t)',
    ])
      await assert.rejects(query(nodes[0]!, sql), (e: { errno?: number }) => e.errno === 1047, sql);
    assert.deepEqual(await query(nodes[0]!, 'SELECT 1 AS one'), [{ one: 1 }]);
    const detached = await nodes[0]!.connect();
    try {
      await detached.query('USE acc');
      const [state] = await detached.query(
        "SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('wsrep_local_state_comment', 'wsrep_cluster_status') ORDER BY VARIABLE_NAME",
      );
      assert.deepEqual(
        (state as Array<{ v: string }>).map((r) => r.v),
        ['non-Primary', 'Initialized'],
      );
    } finally {
      await detached.end();
    }
    nodes[1]!.start();
    nodes[2]!.start();
    await Promise.all(nodes.map((n) => n.waitReady(60_000)));
    await query(nodes[1]!, 'INSERT INTO acc.t (id, v) VALUES (7001, 1)');
    await until('equal after re-forming', allEqual);
    const rows = await query(nodes[0]!, 'SELECT id FROM acc.t WHERE id = 7000');
    assert.equal(rows.length, 0, 'nothing was committed without a quorum');
  });

  test('kill -9 of all three within a second: the cluster re-forms by itself and keeps every commit', async () => {
    const before = await query<{ n: number }>(nodes[0]!, 'SELECT COUNT(*) AS n FROM acc.t');
    for (const node of nodes) node.kill9();
    await Promise.all(nodes.map((n) => n.waitExit()));
    for (const node of nodes) node.start();
    await Promise.all(nodes.map((n) => n.waitReady(60_000)));
    const afterRows = await query<{ n: number }>(nodes[2]!, 'SELECT COUNT(*) AS n FROM acc.t');
    assert.equal(Number(afterRows[0]!.n), Number(before[0]!.n));
    await query(nodes[2]!, 'INSERT INTO acc.t (id, v) VALUES (8000, 1)');
    await until('equal after the restart', allEqual);
  });

  test('kill -9 of all three, then two come back: a majority re-forms the cluster by itself; the third rejoins', async () => {
    const before = await query<{ n: number }>(nodes[0]!, 'SELECT COUNT(*) AS n FROM acc.t');
    for (const node of nodes) node.kill9();
    await Promise.all(nodes.map((n) => n.waitExit()));
    nodes[0]!.start();
    nodes[1]!.start();
    await Promise.all([nodes[0]!.waitReady(60_000), nodes[1]!.waitReady(60_000)]);
    const afterRows = await query<{ n: number }>(nodes[1]!, 'SELECT COUNT(*) AS n FROM acc.t');
    assert.equal(Number(afterRows[0]!.n), Number(before[0]!.n));
    await query(nodes[1]!, 'INSERT INTO acc.t (id, v) VALUES (8001, 1)');
    nodes[2]!.start();
    await nodes[2]!.waitReady(60_000);
    await until('equal after the third is back', allEqual);
  });

  test('a node whose certificate comes from another CA is refused on both sides; membership stays', async () => {
    const dir = join(cluster.dir, 'rogue');
    mkdirSync(dir, { recursive: true });
    const ca = await createCa({ name: 'some other CA' });
    const leaf = await createNodeCert(ca, { name: 'n4' });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'n4-cert.pem'), leaf.certPem);
    writeFileSync(join(dir, 'n4-key.pem'), leaf.keyPem);
    const n1 = readFileSync(cluster.cnf.get('n1')!, 'utf8');
    const address = /wsrep_cluster_address=(.*)/.exec(n1)![1]!;
    const [replicationPort, clientPort] = [await freePort(), await freePort()];
    const cnf = join(dir, 'n4.cnf');
    writeFileSync(
      cnf,
      `[mysqld]\ndatadir=${join(dir, 'data')}\nport=${clientPort}\nbind-address=127.0.0.1\n[galera]\nwsrep_on=ON\nwsrep_cluster_name=trireme_test\nwsrep_cluster_address=${address}\nwsrep_node_name=n4\nwsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${replicationPort};evs.suspect_timeout=PT1S;socket.ssl_key=${join(dir, 'n4-key.pem')};socket.ssl_cert=${join(dir, 'n4-cert.pem')};socket.ssl_ca=${join(dir, 'ca.pem')}"\n`,
    );
    const output: string[] = [];
    const rogue = spawn(process.execPath, ['bin/trireme.js', 'start', `--defaults-file=${cnf}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    rogue.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    rogue.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    try {
      await until(
        'the rogue node logs why it is refused',
        () =>
          Promise.resolve(
            /not issued by the cluster CA|not issued by the CA/i.test(output.join('')),
          ),
        20_000,
      );
      await until(
        'a member logs the refusal too',
        () =>
          Promise.resolve(
            nodes.some((n) =>
              /not issued by the cluster CA|not issued by the CA/i.test(n.output.join('\n')),
            ),
          ),
        20_000,
      );
      assert.equal(await nodes[0]!.status('wsrep_cluster_size'), '3');
      // Its 1047 warning names the refusal and warns off a bootstrap: following the old advice
      // (bootstrap, pc.bootstrap) made a second cluster whose history won once the certificate
      // was fixed, and the members' acknowledged writes were lost (the ops walkthrough).
      await until(
        'the rogue node says not to bootstrap',
        () =>
          Promise.resolve(
            /running nodes refuse this one: .*do NOT bootstrap/.test(output.join('')),
          ),
        20_000,
      );
    } finally {
      rogue.kill('SIGKILL');
    }
  });

  // A member restarted with a certificate of another CA: the others refuse it, it holds the
  // accounts (so a client gets in) and sits outside the primary component. pc.bootstrap there
  // would make a second primary component whose history wins once the certificate is fixed.
  test('pc.bootstrap on a member the running nodes refuse is refused; fixed, the member rejoins', async () => {
    const n3 = nodes[2]!;
    const cnfPath = cluster.cnf.get('n3')!;
    const original = readFileSync(cnfPath, 'utf8');
    const dir = join(cluster.dir, 'rogue-n3');
    mkdirSync(dir, { recursive: true });
    const ca = await createCa({ name: 'another CA' });
    const leaf = await createNodeCert(ca, { name: 'n3' });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'n3-cert.pem'), leaf.certPem);
    writeFileSync(join(dir, 'n3-key.pem'), leaf.keyPem);
    const rogue = original.replace(
      /socket\.ssl_key=[^;"]*;socket\.ssl_cert=[^;"]*;socket\.ssl_ca=[^;"]*/,
      `socket.ssl_key=${join(dir, 'n3-key.pem')};socket.ssl_cert=${join(dir, 'n3-cert.pem')};socket.ssl_ca=${join(dir, 'ca.pem')}`,
    );
    assert.notEqual(rogue, original);
    n3.kill9();
    await n3.waitExit();
    writeFileSync(cnfPath, rogue);
    try {
      n3.output.length = 0;
      n3.start();
      await until(
        'n3 says the running nodes refuse it',
        () => Promise.resolve(/running nodes refuse this one/.test(n3.output.join('\n'))),
        20_000,
      );
      const conn = await n3.connect();
      try {
        await assert.rejects(
          conn.query("SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'"),
          (e: { message?: string }) =>
            /pc\.bootstrap refused: running nodes refuse this one/.test(e.message ?? ''),
        );
      } finally {
        await conn.end();
      }
      assert.equal(await n3.status('wsrep_cluster_status'), 'non-Primary');
      assert.equal(await nodes[0]!.status('wsrep_cluster_status'), 'Primary');
      await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (8100, 1)');
    } finally {
      await n3.stop();
      writeFileSync(cnfPath, original);
    }
    n3.start();
    await n3.waitReady(60_000);
    await until(
      'n3 back in the cluster',
      async () => (await n3.status('wsrep_cluster_size')) === '3',
    );
    await until('equal after n3 rejoins', allEqual);
  });

  test('a graceful stop shrinks wsrep_cluster_size; the node rejoins on start', async () => {
    await nodes[2]!.stop();
    await until('size 2', async () => (await nodes[0]!.status('wsrep_cluster_size')) === '2');
    await query(nodes[0]!, 'INSERT INTO acc.t (id, v) VALUES (-9001, 1)');
    const logFrom = nodes[2]!.output.length;
    nodes[2]!.start();
    await nodes[2]!.waitReady(60_000);
    await until(
      'size 3 again',
      async () => (await nodes[0]!.status('wsrep_cluster_size')) === '3',
      60_000,
    );
    // It rejoined as a learner and caught up from the log (IST): JOINER, JOINED, then SYNCED.
    const log = nodes[2]!.output.slice(logFrom).join('\n');
    assert.match(
      log,
      /Shifting PRIMARY -> JOINER[\s\S]*Shifting JOINER -> JOINED[\s\S]*Shifting JOINED -> SYNCED/,
    );
    assert.doesNotMatch(log, /State transfer required/, 'no SST: the log still had what it missed');
    const rows = await query(nodes[2]!, 'SELECT v FROM acc.t WHERE id = -9001');
    assert.equal(rows.length, 1);
  });
});
