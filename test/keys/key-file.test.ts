// Goal: key files read as MariaDB's file_key_management reads them (`id;hex`, comments, an
// OpenSSL-encrypted file opened with the filekey, `FILE:` secrets), trireme's versions on top,
// `trireme key create/rotate` write files a node then opens, and a bad or missing key is one
// line naming the file and the key id. Method: parse texts, decrypt a file made by `openssl enc`,
// run the command in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKey } from '../../src/cli/key.js';
import {
  decryptKeyFile,
  encryptKeyFile,
  loadEncryption,
  parseKeyFile,
  readKeyRing,
} from '../../src/keys/index.js';
import { removeDir, tempDir } from '../support/index.js';

const KEY1 = 'a7addd9adea9978fda19f21e6be987880e68ac92632ca052e5bb42b1a506939a';
const KEY2 = '49c16acc2dffe616710c9ba9a10b94944a737de1beccb52dc1560abfdd67388b';
// `openssl enc -aes-256-cbc -md sha1 -pass pass:secret` of "# keys\n1;KEY1\n2;KEY2\n", as the
// MariaDB knowledge base tells users to encrypt a key file.
const OPENSSL_ENCRYPTED =
  'U2FsdGVkX1/am3aitbbIWwxtpAavbuHV22KBughsJYzJ7c4E5aq4VzNJZt+temiuQhqiWOUP0tjZBQAIWAr5v0lYNq3l' +
  'eR9UqyufjFWh+nlVplzPKectwDWCnqlRDJmBXjgEeLwoSMuKuSL7bkY7fkMrguI6o+s3CeeEGGcQISotKh14ZNGwwaoI' +
  'b4u9wTmJQTNoFIluJVzgrNp60y+olw==';

function dir(t: { after: (fn: () => void) => void }): string {
  const path = tempDir('trireme-keys-');
  t.after(() => removeDir(path));
  return path;
}

const quiet = { out: () => undefined, err: () => undefined };

test('a MariaDB key file parses: ids, comments, blank lines; versions are trireme lines', () => {
  const ring = parseKeyFile(`# comment\n\n1;${KEY1}\r\n2;${KEY2}\n1:2;${KEY2}\n`);
  assert.ok(ring.ok);
  assert.deepEqual(ring.value.ids(), [1, 2]);
  assert.equal(ring.value.current(1)?.version, 2);
  assert.equal(Buffer.from(ring.value.find(1, 1)!.material).toString('hex'), KEY1);
  assert.equal(ring.value.current(3), null);
});

test('bad key files are refused with the line and the reason', () => {
  const cases: [string, string][] = [
    ['', 'the file holds no key'],
    [`1:${KEY1}`, 'line 1: expected `id;hex-key` (or `id:version;hex-key`)'],
    [`0;${KEY1}`, 'line 1: key id 0 is not in 1..4294967295'],
    [
      `1;${KEY1.slice(0, 32)}`,
      'line 1: key 1 has 128 bits; trireme needs 256-bit keys (64 hex digits)',
    ],
    [`1;${KEY1}\n1;${KEY2}`, 'line 2: key id 1 appears twice'],
  ];
  for (const [text, message] of cases)
    assert.deepEqual(parseKeyFile(text), { ok: false, error: message });
});

test('a key file encrypted by `openssl enc -md sha1` opens with its filekey, as in MariaDB', () => {
  const bytes = Buffer.from(OPENSSL_ENCRYPTED, 'base64');
  const text = decryptKeyFile(bytes, 'secret');
  assert.deepEqual(text, { ok: true, value: `# keys\n1;${KEY1}\n2;${KEY2}\n` });
  assert.equal(decryptKeyFile(bytes, 'wrong').ok, false);
  const again = decryptKeyFile(encryptKeyFile('1;' + KEY1, 'pw'), 'pw');
  assert.deepEqual(again, { ok: true, value: '1;' + KEY1 });
});

test('readKeyRing: FILE: secrets, and an encrypted file without a filekey is named', (t) => {
  const d = dir(t);
  const file = join(d, 'keys.enc');
  writeFileSync(file, Buffer.from(OPENSSL_ENCRYPTED, 'base64'));
  writeFileSync(join(d, 'secret'), 'secret\n');
  const ring = readKeyRing({ filename: file, filekey: `FILE:${join(d, 'secret')}` });
  assert.ok(ring.ok);
  assert.deepEqual(ring.value.ids(), [1, 2]);
  assert.deepEqual(readKeyRing({ filename: file, filekey: null }), {
    ok: false,
    error: `key file ${file} is encrypted: set file_key_management_filekey`,
  });
  assert.deepEqual(readKeyRing({ filename: join(d, 'none'), filekey: null }), {
    ok: false,
    error: `cannot read key file ${join(d, 'none')}: ENOENT`,
  });
});

test('a key id missing from the file refuses in one line naming the file and the id', (t) => {
  const file = join(dir(t), 'keys.txt');
  writeFileSync(file, `1;${KEY1}\n`);
  const settings = { keyFile: { filename: file, filekey: null }, gcache: true, gcacheKeyId: 1 };
  assert.deepEqual(loadEncryption({ ...settings, dataFiles: true, dataKeyId: 5 }), {
    ok: false,
    error: `key file ${file} has no key id 5`,
  });
  // A key file that cannot be read names the ids the node needed from it too.
  const none = join(dir(t), 'none');
  assert.deepEqual(
    loadEncryption({
      ...settings,
      keyFile: { filename: none, filekey: null },
      dataFiles: true,
      dataKeyId: 2,
    }),
    { ok: false, error: `cannot read key file ${none}: ENOENT (no key id 2 and key id 1)` },
  );
  const loaded = loadEncryption({ ...settings, dataFiles: true, dataKeyId: 1 });
  assert.equal(loaded.ok && loaded.value?.dataKey?.id, 1);
});

test('trireme key create writes a 0600 file once; rotate adds a version a ring reads', async (t) => {
  const file = join(dir(t), 'keys.txt');
  assert.equal(await runKey(['create', '--file', file], quiet), 0);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const errors: string[] = [];
  assert.equal(
    await runKey(['create', '--file', file], { ...quiet, err: (l) => errors.push(l) }),
    1,
  );
  assert.match(errors[0]!, /exists; use `trireme key rotate`/);
  const before = readKeyRing({ filename: file, filekey: null });
  assert.ok(before.ok);
  assert.equal(await runKey(['rotate', '--file', file], quiet), 0);
  const after = readKeyRing({ filename: file, filekey: null });
  assert.ok(after.ok);
  assert.equal(after.value.current(1)?.version, 2);
  assert.deepEqual(after.value.find(1, 1), before.value.find(1, 1));
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('an encrypted key file stays encrypted when rotated', async (t) => {
  const d = dir(t);
  const file = join(d, 'keys.enc');
  assert.equal(await runKey(['create', '--file', file, '--id', '3', '--filekey', 'pw'], quiet), 0);
  assert.equal(readFileSync(file).subarray(0, 8).toString('latin1'), 'Salted__');
  assert.equal(await runKey(['rotate', '--file', file, '--filekey', 'pw'], quiet), 0);
  assert.equal(readFileSync(file).subarray(0, 8).toString('latin1'), 'Salted__');
  const ring = readKeyRing({ filename: file, filekey: 'pw' });
  assert.ok(ring.ok);
  assert.equal(ring.value.current(3)?.version, 2);
  assert.equal(await runKey(['rotate', '--file', file], quiet), 1);
});
