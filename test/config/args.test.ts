// Goal: mysqld-style command-line options parse into settings that override the option files.
// Method: tables of argv arrays and the expected ServerArgs or error position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_LINE, parseServerArgs } from '../../src/config/index.js';

test('--key=value, --key value for known non-boolean keys, flags, loose- and file options', () => {
  const parsed = parseServerArgs([
    '--defaults-file=/etc/trireme/my.cnf',
    '--datadir',
    '/data',
    '--port=3307',
    '--bind-address=127.0.0.1',
    '--wsrep-new-cluster',
    '--skip-name-resolve',
    '--loose-foo=1',
    '--wsrep_cluster_address=gcomm://',
  ]);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.defaultsFile, '/etc/trireme/my.cnf');
  assert.equal(parsed.value.defaultsExtraFile, null);
  assert.equal(parsed.value.noDefaults, false);
  assert.deepEqual(
    parsed.value.settings.map((setting) => [
      setting.key,
      setting.value,
      setting.loose,
      setting.line,
    ]),
    [
      ['datadir', '/data', false, 2],
      ['port', '3307', false, 4],
      ['bind_address', '127.0.0.1', false, 5],
      ['wsrep_new_cluster', null, false, 6],
      ['skip_name_resolve', null, false, 7],
      ['foo', '1', true, 8],
      ['wsrep_cluster_address', 'gcomm://', false, 9],
    ],
  );
  assert.ok(parsed.value.settings.every((setting) => setting.file === COMMAND_LINE));
});

test('--no-defaults and --defaults-extra-file', () => {
  const parsed = parseServerArgs(['--no-defaults', '--defaults-extra-file', 'extra.cnf']);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.noDefaults, true);
  assert.equal(parsed.value.defaultsExtraFile, 'extra.cnf');
});

test('malformed arguments are errors naming their position', () => {
  const cases: [string[], number][] = [
    [['datadir=/x'], 1],
    [['--port=1', '-P', '3306'], 2],
    [['--port'], 1],
    [['--port', '--datadir=/x'], 1],
    [['--'], 1],
  ];
  for (const [argv, line] of cases) {
    const parsed = parseServerArgs(argv);
    assert.ok(!parsed.ok, argv.join(' '));
    assert.deepEqual([parsed.error.file, parsed.error.line], [COMMAND_LINE, line], argv.join(' '));
  }
});
