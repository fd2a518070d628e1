// Goal: a sealed file (a standalone node's local-history dump under encryption) holds no
// plaintext, opens record by record with its key, tells a torn tail from an altered record (never
// returned as data) and names a missing or wrong key; `trireme key decrypt` prints it. Method:
// files made by the local-history writer itself, bytes flipped and cut by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKey } from '../../src/cli/key.js';
import {
  openSealedFile,
  readKeyRing,
  SEALED_HEADER_BYTES,
  type KeyVersion,
} from '../../src/keys/index.js';
import { LocalHistoryDump, localHistoryDumps } from '../../src/node/local-history.js';
import { encodeKeyValues, transactionId, type WriteSet } from '../../src/codec/index.js';
import { index, nodeId } from '../../src/core/types.js';
import { Harness } from '../sql/harness.js';
import { removeDir, tempDir } from '../support/index.js';

const SECRET = 'Sealed-Dump-Secret';

function insert(id: bigint, value: string): WriteSet {
  return {
    originNodeId: nodeId('n1'),
    originTransactionId: transactionId(1),
    seqnoSnapshot: index(1),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [],
    rows: [
      {
        database: 'sbtest',
        table: 't',
        key: encodeKeyValues([id]),
        op: 'insert',
        after: [id, value],
      },
    ],
    statements: [],
  };
}

async function sealedDump(t: { after: (fn: () => void) => void }) {
  const dir = tempDir('trireme-sealed-');
  t.after(() => removeDir(dir));
  const keyFile = join(dir, 'keys.txt');
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
  assert.equal(await runKey(['create', '--file', keyFile], io), 0);
  const ring = readKeyRing({ filename: keyFile, filekey: null });
  assert.ok(ring.ok);
  const key = ring.value.current(1)!;
  const h = new Harness();
  h.ddl('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40))');
  const dump = new LocalHistoryDump(dir, h.catalog, '-- header', key);
  dump.record(index(2), insert(1n, `${SECRET}-1`));
  dump.record(index(3), insert(2n, `${SECRET}-2`));
  dump.close();
  return {
    dir,
    keyFile,
    key,
    path: dump.path,
    find: (id: number, v: number) => ring.value.find(id, v),
    out,
    io,
  };
}

test('a sealed dump holds no plaintext and opens record by record', async (t) => {
  const { dir, path, find, keyFile, out, io } = await sealedDump(t);
  assert.match(path, /local-history-.*\.sql\.enc$/);
  assert.deepEqual(localHistoryDumps(dir), [path.slice(dir.length + 1)]);
  const bytes = readFileSync(path);
  assert.ok(!bytes.includes(SECRET) && !bytes.includes('INSERT'));
  const opened = openSealedFile(bytes, find);
  assert.ok(opened.ok);
  assert.equal(opened.value.records.length, 2);
  assert.equal(opened.value.tornBytes, 0);
  const text = Buffer.concat(opened.value.records).toString('utf8');
  assert.match(
    text,
    /^-- header\n-- local seqno 2\nINSERT INTO `sbtest`.`t` \(`id`, `v`\) VALUES \(1, 'Sealed-Dump-Secret-1'\);/,
  );
  out.length = 0;
  assert.equal(await runKey(['decrypt', '--file', keyFile, path], io), 0);
  assert.equal(out.join('\n'), text.replace(/\n$/, ''));
});

test('a flipped byte is corruption, a cut record a torn tail, another key is named', async (t) => {
  const { dir, path, find, key, keyFile, out, io } = await sealedDump(t);
  const bytes = readFileSync(path);
  for (const at of [SEALED_HEADER_BYTES + 20, bytes.length - 1]) {
    const flipped = Buffer.from(bytes);
    flipped[at]! ^= 0x01;
    const opened = openSealedFile(flipped, find);
    assert.ok(!opened.ok);
    assert.equal(opened.error.kind, 'auth_failed');
  }
  const torn = openSealedFile(bytes.subarray(0, bytes.length - 5), find);
  assert.ok(torn.ok);
  assert.equal(torn.value.records.length, 1);
  assert.ok(torn.value.tornBytes > 0);
  const other: KeyVersion = { ...key, material: new Uint8Array(32).fill(7) };
  const wrong = openSealedFile(bytes, () => other);
  assert.deepEqual(wrong, { ok: false, error: { kind: 'wrong_key', id: 1, version: 1 } });
  assert.deepEqual(
    openSealedFile(bytes, () => null),
    {
      ok: false,
      error: { kind: 'missing_key', id: 1, version: 1 },
    },
  );
  const altered = join(dir, 'altered.sql.enc');
  const flipped = Buffer.from(bytes);
  flipped[bytes.length - 1]! ^= 0x01;
  writeFileSync(altered, flipped);
  out.length = 0;
  assert.equal(await runKey(['decrypt', '--file', keyFile, altered], io), 1);
  assert.match(out.join('\n'), /altered\.sql\.enc: corrupt record 1 at offset \d+: auth_failed/);
  assert.ok(!out.join('\n').includes(SECRET));
});
