// Goal: MariaDB's encryption switches resolve to what trireme encrypts, as the table in
// docs/design/encryption.md says: a key file turns everything on, a switch turns its part off,
// and asking for encryption without keys is an error naming the line. Method: option texts
// resolved in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatConfigError,
  parseCnfText,
  resolveServerConfig,
  type CnfEntry,
} from '../../src/config/index.js';

function resolve(text: string): ReturnType<typeof resolveServerConfig> {
  const parsed = parseCnfText(text, 'my.cnf');
  assert.ok(parsed.ok);
  return resolveServerConfig({
    entries: parsed.value.items.filter((item): item is CnfEntry => item.kind === 'option'),
  });
}

const KEYS = `[mariadb]
plugin_load_add = file_key_management
file_key_management_filename = /etc/mysql/keys.txt
`;

test('the mapping from MariaDB switches to trireme parts', () => {
  const cases: [string, { dataFiles: boolean; gcache: boolean; dataKeyId: number }][] = [
    ['[mysqld]\n', { dataFiles: false, gcache: false, dataKeyId: 1 }],
    [KEYS, { dataFiles: true, gcache: true, dataKeyId: 1 }],
    [KEYS + 'innodb_encrypt_tables = OFF\n', { dataFiles: false, gcache: true, dataKeyId: 1 }],
    [KEYS + 'innodb_encrypt_tables = FORCE\n', { dataFiles: true, gcache: true, dataKeyId: 1 }],
    [KEYS + 'encrypt_binlog = OFF\n', { dataFiles: true, gcache: false, dataKeyId: 1 }],
    [
      KEYS + 'wsrep_provider_options = "gcache.encrypt=no"\n',
      { dataFiles: true, gcache: false, dataKeyId: 1 },
    ],
    [
      KEYS + 'innodb_default_encryption_key_id = 7\n',
      { dataFiles: true, gcache: true, dataKeyId: 7 },
    ],
  ];
  for (const [text, want] of cases) {
    const result = resolve(text);
    assert.ok(result.ok, result.ok ? '' : formatConfigError(result.error));
    const { dataFiles, gcache, dataKeyId, gcacheKeyId } = result.value.config.encryption;
    assert.deepEqual({ dataFiles, gcache, dataKeyId }, want, text);
    assert.equal(gcacheKeyId, 1);
  }
  const keyed = resolve(KEYS + 'file_key_management_filekey = FILE:/etc/mysql/pw\n');
  assert.ok(keyed.ok);
  assert.deepEqual(keyed.value.config.encryption.keyFile, {
    filename: '/etc/mysql/keys.txt',
    filekey: 'FILE:/etc/mysql/pw',
  });
});

test('encryption without keys, or the plugin without a file, is an error naming the line', () => {
  const noKeys = resolve('[mysqld]\ninnodb_encrypt_tables = ON\n');
  assert.equal(
    noKeys.ok ? 'resolved' : formatConfigError(noKeys.error),
    'my.cnf:2: innodb_encrypt_tables: encryption needs a key file: set plugin_load_add = file_key_management and file_key_management_filename',
  );
  const noFile = resolve('[mysqld]\nplugin_load_add = file_key_management\n');
  assert.equal(
    noFile.ok ? 'resolved' : formatConfigError(noFile.error),
    'my.cnf:2: plugin_load_add: file_key_management needs file_key_management_filename (`trireme key create`)',
  );
});

test('innodb_encrypt_log cannot differ from the database: a note says so', () => {
  const result = resolve(KEYS + 'innodb_encrypt_log = OFF\n');
  assert.ok(result.ok);
  assert.ok(
    result.value.notes.includes(
      'innodb_encrypt_log has no effect of its own: the SQLite WAL is encrypted with the database (innodb_encrypt_tables)',
    ),
  );
});

test('background re-encryption options are read, with a note that they cover the GCache only', () => {
  const result = resolve(
    KEYS + 'innodb_encryption_threads = 4\ninnodb_encryption_rotate_key_age = 1024\n',
  );
  assert.ok(result.ok);
  const notes = result.value.notes.filter((n) => n.includes('innodb_encryption_rotate_key_age'));
  assert.equal(notes.length, 1, result.value.notes.join('\n'));
  assert.match(notes[0]!, /trireme key reencrypt on the stopped node/);
  const bad = resolve(KEYS + 'innodb_encryption_threads = many\n');
  assert.equal(bad.ok, false);
});
