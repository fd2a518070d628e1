// One engine on a store in a temporary folder, with a local replicator, for tests that drive
// sessions with SQL text (constraints, variables, result metadata).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nodeId } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { userFunctions } from '../../src/engine/functions.js';
import type { EngineSession } from '../../src/engine/session.js';
import type { QueryResult } from '../../src/mysql/index.js';
import { LocalReplicator } from '../../src/node/local-replicator.js';
import { initialWriteSet } from '../../src/node/server-common.js';
import { Store } from '../../src/storage/index.js';
import { removeDir, tempDir } from '../support/index.js';
import { sessionInfo, simFacts } from '../sim/engine/template.js';

export interface EngineFixture {
  readonly engine: Engine;
  /** A new session; `capabilities` are the client's handshake flags. */
  session(capabilities?: number): Promise<EngineSession>;
  close(): void;
}

/** `soleWriter`: the store is its file's only writer, as a node's is (kept read snapshots). */
export async function openEngine(
  prefix: string,
  options: { readonly soleWriter?: boolean } = {},
): Promise<EngineFixture> {
  const dir = tempDir(prefix);
  const opened = Store.open({
    path: join(dir, 'trireme.db'),
    nodeId: nodeId('n1'),
    functions: userFunctions(),
    ...(options.soleWriter === true ? { soleWriter: true } : {}),
  });
  assert.ok(opened.ok);
  const store = opened.value;
  const engine = new Engine({
    store,
    nodeId: nodeId('n1'),
    version: '10.11.0',
    facts: simFacts('n1'),
  });
  const replicator = new LocalReplicator({ store, translator: engine.translator });
  engine.attach(replicator, null);
  assert.equal((await replicator.replicate(initialWriteSet(engine))).kind, 'committed');
  let connections = 0;
  return {
    engine,
    async session(capabilities = 0) {
      const session = await engine.openSession(sessionInfo(++connections, capabilities));
      assert.ok(!('kind' in session));
      return session as EngineSession;
    },
    close() {
      store.close();
      removeDir(dir);
    },
  };
}

export async function run(s: EngineSession, sql: string): Promise<QueryResult> {
  const [result] = await s.query(sql, { multiStatements: false });
  assert.ok(result !== undefined);
  return result;
}

/** The first value of a query's first row. */
export async function value(s: EngineSession, sql: string): Promise<unknown> {
  const result = await run(s, sql);
  assert.equal(result.kind, 'rows', JSON.stringify(result));
  return result.kind === 'rows' ? [...result.rows][0]![0] : undefined;
}
