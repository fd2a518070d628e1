// Goal: a received state is installed whole, and an install cut short by a crash (after the
// marker, before or after the database moved) is finished by the next start. Method: a real
// gcache directory and files in a temporary folder; the outcome read back through GCache.open.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Entry } from '../../src/core/consensus/types.js';
import { index, nodeId, term } from '../../src/core/types.js';
import { GCache } from '../../src/gcache/index.js';
import { installState, resumeInstall, stageInstall } from '../../src/transfer/install.js';
import type { StagedState } from '../../src/transfer/sst.js';

function entry(i: number): Entry {
  return {
    index: index(i),
    term: term(3),
    kind: 'normal',
    data: Uint8Array.of(i % 251, 1, 2),
    config: null,
    origin: nodeId('n1'),
    proposalId: i,
  };
}

async function setUp(): Promise<{
  dir: string;
  staged: StagedState;
  target: { storePath: string; gcacheDir: string };
}> {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-install-'));
  const target = { storePath: join(dir, 'trireme.db'), gcacheDir: join(dir, 'gcache') };
  writeFileSync(target.storePath, 'old database');
  writeFileSync(`${target.storePath}-wal`, 'old wal');
  const old = await GCache.open(target.gcacheDir, {});
  assert.ok(old.ok);
  await old.value.gcache.write({
    hardState: { term: term(2), vote: nodeId('n2'), commit: index(3), forcedConfig: null },
    boundary: null,
    resetLog: false,
    entries: [1, 2, 3].map((i) => ({ ...entry(i), term: term(2) })),
  });
  await old.value.gcache.close();
  const dbPath = join(dir, 'sst-incoming.db');
  writeFileSync(dbPath, 'new database');
  const boundary = {
    index: index(100),
    term: term(3),
    config: { voters: [nodeId('n1')], learners: [] },
  };
  const entries = [101, 102, 103, 104].map(entry);
  const header = {
    nonce: 'x',
    donor: 'n1',
    stateUuid: null,
    index: index(104),
    term: term(3),
    boundary,
    dbBytes: 12,
    entryCount: entries.length,
  };
  return { dir, staged: { header, dbPath, entries }, target };
}

async function assertInstalled(dir: string, target: { storePath: string; gcacheDir: string }) {
  assert.equal(readFileSync(target.storePath, 'utf8'), 'new database');
  assert.equal(existsSync(`${target.storePath}-wal`), false, 'the old WAL is gone');
  const opened = await GCache.open(target.gcacheDir, {});
  assert.ok(opened.ok);
  const { recovered } = opened.value;
  await opened.value.gcache.close();
  assert.equal(recovered.boundary.index, 100);
  assert.deepEqual(
    recovered.entries.map((e) => e.index),
    [101, 102, 103, 104],
  );
  assert.equal(recovered.hardState.commit, 104);
  assert.equal(recovered.hardState.term, 3);
  assert.equal(recovered.hardState.vote, null, 'a vote of an older term is not kept');
  assert.equal(existsSync(join(dir, 'sst-install.pending')), false);
  assert.equal(await resumeInstall(target), false, 'nothing left to finish');
}

test('a received state replaces the database and the log', async () => {
  const { dir, staged, target } = await setUp();
  await installState(staged, target);
  await assertInstalled(dir, target);
  rmSync(dir, { recursive: true, force: true });
});

test('an install cut short before the database moved is finished at the next start', async () => {
  const { dir, staged, target } = await setUp();
  await stageInstall(staged, target);
  assert.equal(await resumeInstall(target), true);
  await assertInstalled(dir, target);
  rmSync(dir, { recursive: true, force: true });
});

test('an install cut short after the database moved is finished at the next start', async () => {
  const { dir, staged, target } = await setUp();
  await stageInstall(staged, target);
  renameSync(staged.dbPath, target.storePath);
  rmSync(`${target.storePath}-wal`);
  assert.equal(await resumeInstall(target), true);
  await assertInstalled(dir, target);
  rmSync(dir, { recursive: true, force: true });
});
