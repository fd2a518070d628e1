// Goal: wsrep_provider_options lists split and resolve as Galera reads them, the seed's line
// works exactly as written, unknown keys are kept and reported once, and a bad value names
// file, line and key. Method: tables of lists, resolved through resolveServerConfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCnfText,
  parseProviderOptions,
  resolveServerConfig,
  type CnfEntry,
  type LoadedConfig,
} from '../../src/config/index.js';

const SEED_LINE =
  'wsrep_provider_options="gcache.size = 1G; gcache.recover = yes;socket.ssl_key=/etc/ssl/mysql/server-key.pem;socket.ssl_cert=/etc/ssl/mysql/server-cert.pem;socket.ssl_ca=/etc/ssl/mysql/ca.pem"';

function resolve(text: string): ReturnType<typeof resolveServerConfig> {
  const parsed = parseCnfText(text, 'node.cnf');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return resolveServerConfig({
    entries: parsed.value.items.filter((item): item is CnfEntry => item.kind === 'option'),
  });
}

function loaded(text: string): LoadedConfig {
  const result = resolve(text);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

test('splitting: spaces around keys and values, empty items, escaped semicolons', () => {
  const cases: [string, [string, string][]][] = [
    [
      'a=1;b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      ' a = 1 ; b = 2 ; ',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      'a=1;;b=',
      [
        ['a', '1'],
        ['b', ''],
      ],
    ],
    [
      'a=x\\;y;b=2',
      [
        ['a', 'x;y'],
        ['b', '2'],
      ],
    ],
    ['a=tcp://h:1', [['a', 'tcp://h:1']]],
    ['', []],
  ];
  for (const [text, expected] of cases) {
    const parsed = parseProviderOptions(text);
    assert.ok(parsed.ok, text);
    assert.deepEqual(
      parsed.value.map((pair) => [pair.key, pair.value]),
      expected,
      text,
    );
  }
  for (const text of ['a', 'a=1;b', '=1']) assert.equal(parseProviderOptions(text).ok, false, text);
});

test("the seed's line works exactly as written", () => {
  const { config, warnings } = loaded(`[galera]\n${SEED_LINE}\n`);
  assert.equal(config.provider.gcacheSizeBytes, 1024 * 1024 * 1024);
  assert.equal(config.provider.gcacheRecover, true);
  assert.equal(config.provider.socketSslKey, '/etc/ssl/mysql/server-key.pem');
  assert.equal(config.provider.socketSslCert, '/etc/ssl/mysql/server-cert.pem');
  assert.equal(config.provider.socketSslCa, '/etc/ssl/mysql/ca.pem');
  assert.deepEqual(config.cluster.replicationTls, {
    ca: '/etc/ssl/mysql/ca.pem',
    cert: '/etc/ssl/mysql/server-cert.pem',
    key: '/etc/ssl/mysql/server-key.pem',
  });
  assert.deepEqual(warnings, []);
});

test('typed provider options and their Galera defaults', () => {
  const defaults = loaded('[mysqld]\n').config.provider;
  assert.equal(defaults.gcacheSizeBytes, 128 * 1024 * 1024);
  assert.equal(defaults.evsSuspectTimeoutMs, 5000);
  assert.equal(defaults.evsInactiveTimeoutMs, 15000);
  assert.equal(defaults.gcsFcLimit, 16);
  assert.equal(defaults.basePort, 4567);
  assert.equal(defaults.pcBootstrap, false);
  assert.equal(defaults.socketSsl, true);
  const set = loaded(
    '[mysqld]\nwsrep_provider_options="evs.suspect_timeout=PT1S; evs.inactive_timeout=PT1M30S; gcs.fc_limit=64; ' +
      'pc.bootstrap=YES; socket.ssl_cipher=AES256-SHA; socket.ssl_reload=1; gcache.dir=/var/cache/galera; base_port=5000; ' +
      'gmcast.listen_addr=ssl://0.0.0.0:5000; ist.recv_addr=10.0.0.1:5001; gcs.fc_factor=0.8; evs.keepalive_period=0.5"\n',
  ).config.provider;
  assert.equal(set.evsSuspectTimeoutMs, 1000);
  assert.equal(set.evsInactiveTimeoutMs, 90000);
  assert.equal(set.gcsFcLimit, 64);
  assert.equal(set.pcBootstrap, true);
  assert.equal(set.socketSslCipher, 'AES256-SHA');
  assert.equal(set.socketSslReload, true);
  assert.equal(set.gcacheDir, '/var/cache/galera');
  assert.equal(set.basePort, 5000);
  assert.deepEqual(set.gmcastListenAddr, { scheme: 'ssl', host: '0.0.0.0', port: 5000 });
  assert.deepEqual(set.istRecvAddr, { scheme: 'tcp', host: '10.0.0.1', port: 5001 });
  assert.equal(set.gcsFcFactor, 0.8);
  assert.equal(set.evsKeepalivePeriodMs, 500);
});

test('unknown provider options are kept and reported in one warning', () => {
  const { config, warnings } = loaded(
    '[mysqld]\nwsrep_provider_options="gcache.size=1G;evs.send_window=4;gcomm.thread_prio=;repl.commit_order=3"\n',
  );
  assert.deepEqual(config.providerUnknown, [
    { key: 'evs.send_window', value: '4' },
    { key: 'gcomm.thread_prio', value: '' },
    { key: 'repl.commit_order', value: '3' },
  ]);
  assert.deepEqual(warnings, [
    'unknown wsrep_provider_options, kept but not used: evs.send_window, gcomm.thread_prio, repl.commit_order',
  ]);
});

test('a malformed provider value stops with file, line and key', () => {
  const cases: [string, string][] = [
    ['gcache.size=12Q', 'gcache.size'],
    ['gcache.recover=maybe', 'gcache.recover'],
    ['evs.suspect_timeout=5s', 'evs.suspect_timeout'],
    ['gcs.fc_limit=0', 'gcs.fc_limit'],
    ['base_port=70000', 'base_port'],
    ['gmcast.listen_addr=0.0.0.0:4567', 'gmcast.listen_addr'],
    ['gcs.fc_factor=1.5', 'gcs.fc_factor'],
    ['socket.ssl_key', 'socket.ssl_key'],
  ];
  for (const [list, key] of cases) {
    const result = resolve(`[mysqld]\nport=3306\nwsrep_provider_options="${list}"\n`);
    assert.ok(!result.ok, list);
    assert.deepEqual(
      [result.error.file, result.error.line, result.error.key],
      ['node.cnf', 3, key],
      list,
    );
  }
});

test('the last wsrep_provider_options line wins as a whole; address options apply on top', () => {
  const { config } = loaded(
    '[mysqld]\nwsrep_provider_options="gcache.size=1G;gcs.fc_limit=32"\n' +
      '[galera]\nwsrep_provider_options="gcache.size=2G"\nwsrep_cluster_address=gcomm://a,b?gcache.size=3G&pc.wait_prim=no\n',
  );
  assert.equal(config.provider.gcacheSizeBytes, 3 * 1024 * 1024 * 1024);
  assert.equal(config.provider.gcsFcLimit, 16);
  assert.equal(config.provider.pcWaitPrim, false);
});

test('socket.ssl=no is honoured but warned about', () => {
  const { config, warnings } = loaded('[mysqld]\nwsrep_provider_options="socket.ssl=no"\n');
  assert.equal(config.provider.socketSsl, false);
  assert.ok(warnings.some((warning) => /NOT encrypted/.test(warning)));
});
