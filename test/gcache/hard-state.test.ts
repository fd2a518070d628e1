// Goal: the hard state is replaced atomically: a torn write of the newest slot leaves the one
// before, and it is never lost. Method: write through the API, then damage slots on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GCache } from '../../src/gcache/index.js';
import { HARD_STATE_SLOT_BYTES } from '../../src/gcache/hard-state-file.js';
import { hardState, n1, n2, openOk, recoverOnly, tempDir, write } from './helpers.js';

const FILE = 'gcache.hardstate';

async function writeHardStates(dir: string, count: number): Promise<void> {
  const { gcache } = await openOk(dir);
  for (let i = 1; i <= count; i++) await write(gcache, { hardState: hardState(i, i * 10) });
  await gcache.close();
}

test('the newest hard state wins, and the file never changes size', async (t) => {
  const dir = tempDir(t);
  await writeHardStates(dir, 7);
  const size = statSync(join(dir, FILE)).size;
  assert.equal(size, 2 * HARD_STATE_SLOT_BYTES);
  const { recovered, report } = await recoverOnly(dir);
  assert.deepEqual(recovered.hardState, hardState(7, 70));
  assert.equal(report.hardStateSequence, 8); // the initial one, then seven
  assert.equal(statSync(join(dir, FILE)).size, size);
});

test('a torn write of the newest slot leaves the previous hard state', async (t) => {
  for (const damage of ['zeros', 'flip', 'cut-in-header'] as const) {
    const dir = tempDir(t);
    await writeHardStates(dir, 5); // sequence 6 holds hardState(5, 50), in slot 0
    const path = join(dir, FILE);
    const bytes = readFileSync(path);
    const newest = (6 % 2) * HARD_STATE_SLOT_BYTES;
    if (damage === 'zeros') bytes.fill(0, newest + 20, newest + 40);
    if (damage === 'flip') bytes[newest + 30] = bytes[newest + 30]! ^ 1;
    if (damage === 'cut-in-header') bytes.fill(0, newest + 8, newest + 16);
    writeFileSync(path, bytes);
    const { recovered, report } = await recoverOnly(dir);
    assert.deepEqual(recovered.hardState, hardState(4, 40), damage);
    assert.equal(report.hardStateSequence, 5);
    // The next write goes to the damaged slot, not over the good one.
    const { gcache } = await openOk(dir);
    await write(gcache, { hardState: hardState(9, 90) });
    await gcache.close();
    assert.deepEqual((await recoverOnly(dir)).recovered.hardState, hardState(9, 90));
  }
});

test('two damaged slots refuse to open', async (t) => {
  const dir = tempDir(t);
  await writeHardStates(dir, 3);
  const path = join(dir, FILE);
  const bytes = readFileSync(path);
  bytes[20] = bytes[20]! ^ 1;
  bytes[HARD_STATE_SLOT_BYTES + 20] = bytes[HARD_STATE_SLOT_BYTES + 20]! ^ 1;
  writeFileSync(path, bytes);
  const opened = await GCache.open(dir);
  assert.ok(!opened.ok);
  assert.equal(opened.error.kind, 'bad_hard_state');
});

test('a leftover temp file from a cut creation is removed', async (t) => {
  const dir = tempDir(t);
  await writeHardStates(dir, 1);
  writeFileSync(join(dir, 'gcache.hardstate.tmp'), 'half');
  const { recovered } = await recoverOnly(dir);
  assert.deepEqual(recovered.hardState, hardState(1, 10));
  assert.equal(existsSync(join(dir, 'gcache.hardstate.tmp')), false);
});

test('a hard state with a forced configuration round-trips', async (t) => {
  const dir = tempDir(t);
  const { gcache } = await openOk(dir);
  const forced = {
    ...hardState(3, 2),
    forcedConfig: { voters: [n1, n2], learners: [] },
  };
  await write(gcache, { hardState: forced });
  await gcache.close();
  assert.deepEqual((await recoverOnly(dir)).recovered.hardState, forced);
});
