import { template, sessionInfo, simFacts } from './template.js';
import { Store } from '../../../src/storage/index.js';
import { Engine } from '../../../src/engine/engine.js';
import { LocalReplicator } from '../../../src/node/local-replicator.js';
import { userFunctions } from '../../../src/engine/functions.js';
import { nodeId } from '../../../src/core/types.js';
import type { EngineSession } from '../../../src/engine/session.js';
import { copyFileSync } from 'node:fs';

const path = await template([
  'CREATE DATABASE la',
  'CREATE TABLE la.kv (k INT PRIMARY KEY, v TEXT NOT NULL)',
  'CREATE DATABASE bank',
  'CREATE TABLE bank.accounts (id INT PRIMARY KEY, balance INT NOT NULL)',
  'INSERT INTO bank.accounts VALUES (0, 100), (1, 100)',
]);
copyFileSync(path, '/tmp/probe.db');
const store = (Store.open({ path: '/tmp/probe.db', nodeId: nodeId('n1'), functions: userFunctions() }) as any).value as Store;
console.log('applied', store.appliedSeqno());
const engine = new Engine({ store, nodeId: nodeId('n1'), version: 'x', facts: simFacts('n1') });
engine.attach(new LocalReplicator({ store, translator: engine.translator }), null);
const s = (await engine.openSession(sessionInfo(7))) as EngineSession;
for (const sql of [
  "INSERT INTO la.kv (k, v) VALUES (1, '5') ON DUPLICATE KEY UPDATE v = CONCAT(v, ' ', VALUES(v))",
  "INSERT INTO la.kv (k, v) VALUES (1, '6') ON DUPLICATE KEY UPDATE v = CONCAT(v, ' ', VALUES(v))",
  'SELECT v FROM la.kv WHERE k = 1',
  'BEGIN', 'SELECT balance FROM bank.accounts WHERE id = 0', 'UPDATE bank.accounts SET balance = 90 WHERE id = 0', 'COMMIT',
  'SELECT id, balance FROM bank.accounts ORDER BY id',
  'CREATE TABLE IF NOT EXISTS la.s1 (id INT PRIMARY KEY, v INT)',
  'ALTER TABLE la.s1 ADD COLUMN c1 INT DEFAULT 0',
  'CREATE INDEX i1 ON la.s1 (v)',
  'INSERT INTO la.s1 (id, v) VALUES (1, 1) ON DUPLICATE KEY UPDATE v = v + 1',
  'DROP TABLE IF EXISTS la.s1',
]) {
  const r = await s.query(sql, { multiStatements: false });
  console.log(sql, JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 300));
}
console.log(JSON.stringify(await store.checksum()));
store.close();
