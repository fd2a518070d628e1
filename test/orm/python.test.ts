// Goal: SQLAlchemy and Django, as Debian 12 packages them (python3-sqlalchemy 1.4,
// python3-django 3.2, python3-mysqldb), see trireme as they see MariaDB: schema creation and
// migrations, ORM reads and writes, transactions rolled back, reflection. Method: each workflow
// in test/orm/python prints a deterministic JSON document of what it observed; it runs against
// node 1 of a 3-node cluster of real processes over TLS and against a private mariadbd, and the
// two documents must be equal; node 3 then reads the schema and rows back (replication).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localCluster, type LocalCluster } from '../cluster/harness.js';
import { NodeProcess, startAll, until } from '../cluster/processes.js';
import { findMariadbd, startMariadb, type Server } from '../compat/servers.js';

const SCRIPTS = fileURLToPath(new URL('../../../test/orm/python/', import.meta.url));
const SCRIPT_TIMEOUT_MS = 60_000;
const run = promisify(execFile);

/**
 * Debian's python3 (where apt puts the packages), else the first python3 on PATH that imports
 * them; TRIREME_PYTHON names another. Null when none does.
 */
function findPython(): string | null {
  const candidates = [process.env['TRIREME_PYTHON'], '/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    if (python === undefined || (python.startsWith('/') && !existsSync(python))) continue;
    const probe = spawnSync(python, ['-c', 'import sqlalchemy, django, MySQLdb'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return python;
  }
  return null;
}

const python = findPython();
const mariadbd = findMariadbd();
const missing = [
  python === null ? 'python3 with python3-sqlalchemy, python3-django and python3-mysqldb' : '',
  mariadbd === null ? 'mariadb-server' : '',
].filter((m) => m !== '');
// In CI (.ci/run installs them) a missing package is a failure, not a skip.
const skip =
  missing.length > 0 && !process.env['CI']
    ? `not installed: ${missing.join(', ')} (apt-get)`
    : false;

type Document = Record<string, unknown>;

/**
 * Galera hands out AUTO_INCREMENT ids by node (auto_increment_increment = cluster size, the
 * offset the node's; wsrep_auto_increment_control), as trireme does: MariaDB's sessions take the
 * node's two values, so that both servers give the same ids.
 */
async function autoIncrement(node: NodeProcess): Promise<string> {
  const conn = await node.connect();
  try {
    const [rows] = await conn.query({
      sql: 'SELECT @@auto_increment_increment, @@auto_increment_offset',
      rowsAsArray: true,
    });
    return (rows as number[][])[0]!.join(',');
  } finally {
    await conn.end();
  }
}

/** One workflow's document; `ids` ("increment,offset") sets the sessions' AUTO_INCREMENT. */
async function workflow(
  script: string,
  mode: 'run' | 'read',
  port: number,
  database: string,
  ids: string | null = null,
): Promise<Document> {
  assert.ok(python !== null, `not installed: ${missing.join(', ')}`);
  const { stdout } = await run(
    python,
    [`${SCRIPTS}${script}`, mode, '127.0.0.1', String(port), database],
    {
      cwd: SCRIPTS,
      timeout: SCRIPT_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        ...(ids === null ? {} : { ORM_AUTO_INCREMENT: ids }),
      },
    },
  );
  return JSON.parse(stdout) as Document;
}

/** The keys a `read` document holds, taken from a `run` document. */
function readPart(document: Document, keys: readonly string[]): Document {
  return Object.fromEntries(keys.map((k) => [k, document[k]]));
}

/** Waits until node 3 reads back what node 1's run left (it applies asynchronously to node 1). */
async function readBack(
  node: NodeProcess,
  script: string,
  database: string,
  expected: Document,
): Promise<void> {
  let last: Document = {};
  await until(`${node.name} reads ${database} back`, async () => {
    last = await workflow(script, 'read', node.port, database);
    return JSON.stringify(last) === JSON.stringify(readPart(expected, Object.keys(last)));
  });
  assert.deepEqual(last, readPart(expected, Object.keys(last)));
}

describe(
  'Python ORMs from Debian against a 3-node cluster and MariaDB',
  { skip, timeout: 240_000 },
  () => {
    let cluster: LocalCluster;
    let nodes: NodeProcess[] = [];
    let mariadb: Server | null = null;

    before(async () => {
      assert.ok(mariadbd !== null, 'not installed: mariadb-server');
      const started = await Promise.allSettled([
        startMariadb(mariadbd!),
        (async () => {
          cluster = await localCluster(3);
          nodes = cluster.names.map((name) => new NodeProcess(name, cluster));
          await startAll(nodes);
        })(),
      ]);
      if (started[0].status === 'fulfilled') mariadb = started[0].value;
      for (const s of started) if (s.status === 'rejected') throw s.reason;
    });

    after(async () => {
      await Promise.all([mariadb?.stop(), ...nodes.map((n) => n.stop())]);
      cluster?.cleanup();
    });

    test('SQLAlchemy: create_all, the ORM session, a rollback, inspect() and MetaData.reflect', async () => {
      const [n1, , n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      const script = 'sqlalchemy_workflow.py';
      const ids = await autoIncrement(n1);
      assert.equal(ids.split(',')[0], '3', 'Galera steps ids by the cluster size');
      const [trireme, expected] = await Promise.all([
        workflow(script, 'run', n1.port, 'orm_sqlalchemy'),
        workflow(script, 'run', mariadb!.port, 'orm_sqlalchemy', ids),
      ]);
      assert.deepEqual(trireme, expected);
      await readBack(n3, script, 'orm_sqlalchemy', trireme);
    });

    test('Django: migrate, a migration altering a schema with rows, ORM queries, inspectdb', async () => {
      const [n1, , n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      const script = 'django_workflow.py';
      const ids = await autoIncrement(n1);
      assert.equal(ids.split(',')[0], '3', 'Galera steps ids by the cluster size');
      const [trireme, expected] = await Promise.all([
        workflow(script, 'run', n1.port, 'orm_django'),
        workflow(script, 'run', mariadb!.port, 'orm_django', ids),
      ]);
      // Django 3.2 inserts with INSERT … RETURNING on MariaDB 10.5+, and so on trireme.
      assert.deepEqual(expected['returning_probe'], [
        [1, 7],
        [1, 8],
      ]);
      assert.deepEqual(trireme, expected);
      await readBack(n3, script, 'orm_django', trireme);
    });
  },
);
