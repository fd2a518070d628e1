// Goal: the value syntaxes (sizes, Galera booleans and durations, integers, ports, endpoints,
// cluster addresses, donor lists) parse as MySQL and Galera read them. Method: tables of input
// text and expected value or expected refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseClusterAddress,
  parseDonorList,
  parseDurationMs,
  parseEndpoint,
  parseGaleraBool,
  parseIntegerInRange,
  parseListenAddress,
  parsePort,
  parseSizeBytes,
} from '../../src/config/index.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

test('sizes: digits with an optional binary suffix, any case', () => {
  const cases: [string, number][] = [
    ['1024', 1024],
    ['1024K', 1024 * KIB],
    ['1024k', 1024 * KIB],
    ['128M', 128 * MIB],
    ['1G', GIB],
    [' 2g ', 2 * GIB],
    ['1T', 1024 * GIB],
    ['0', 0],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseSizeBytes(text), { ok: true, value: expected }, text);
  }
});

test('sizes: malformed or too large values are refused', () => {
  for (const text of [
    '12Q',
    '',
    'M',
    '1.5G',
    '-1',
    '1 G',
    '0x10',
    '1GB',
    '8E',
    '99999999999999999999999',
  ]) {
    assert.equal(parseSizeBytes(text).ok, false, text);
  }
});

test('durations: ISO-8601 periods as Galera parses them, and plain seconds', () => {
  const cases: [string, number][] = [
    ['PT15S', 15_000],
    ['PT5S', 5_000],
    ['PT1M30S', 90_000],
    ['P1D', 86_400_000],
    ['PT0.5S', 500],
    ['PT7.5S', 7_500],
    ['PT1H', 3_600_000],
    ['PT1M', 60_000],
    ['P1M', 30 * 86_400_000], // without T, M is a month in Galera's grammar
    ['P1Y', 360 * 86_400_000],
    ['P1DT2H', 93_600_000],
    ['PT100M', 6_000_000],
    ['5', 5_000],
    ['0.5', 500],
    ['.5', 500],
    ['PT2.25S', 2_250],
    ['PT0.0004S', 0],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(parseDurationMs(text), { ok: true, value: expected }, text);
  }
});

test('durations: malformed periods are refused', () => {
  for (const text of [
    '',
    'P',
    'PT',
    '15S',
    'pt15s',
    'PT15',
    'PT1.5M',
    'PT-1S',
    'PT15Sx',
    '1s',
    'abc',
  ]) {
    assert.equal(parseDurationMs(text).ok, false, text);
  }
});

test('booleans: yes/no, true/false, on/off, 1/0 in any case', () => {
  const cases: [string, boolean][] = [
    ['yes', true],
    ['YES', true],
    ['true', true],
    ['On', true],
    ['1', true],
    ['no', false],
    ['false', false],
    ['OFF', false],
    ['0', false],
  ];
  for (const [text, expected] of cases)
    assert.deepEqual(parseGaleraBool(text), { ok: true, value: expected }, text);
  for (const text of ['', 'y', '2', 'enabled']) assert.equal(parseGaleraBool(text).ok, false, text);
});

test('integers: range checked, size suffixes accepted as my_getopt does', () => {
  assert.deepEqual(parseIntegerInRange('151', 1, 100000), { ok: true, value: 151 });
  assert.deepEqual(parseIntegerInRange('1K', 1, 100000), { ok: true, value: 1024 });
  assert.deepEqual(parseIntegerInRange('-0', 0, 10), { ok: true, value: 0 });
  for (const text of ['-1', 'abc', '0', '100001', '1.5', '']) {
    assert.equal(parseIntegerInRange(text, 1, 100000).ok, false, text);
  }
});

test('ports: 1..65535, and 0 only where allowed', () => {
  assert.deepEqual(parsePort('3306', false), { ok: true, value: 3306 });
  assert.deepEqual(parsePort('0', true), { ok: true, value: 0 });
  for (const text of ['0', '65536', 'abc', '-1', ''])
    assert.equal(parsePort(text, false).ok, false, text);
});

test('endpoints: host, host:port, bracketed IPv6', () => {
  const cases: [string, { host: string; port: number | null }][] = [
    ['127.0.0.1', { host: '127.0.0.1', port: null }],
    ['127.0.0.1:14567', { host: '127.0.0.1', port: 14567 }],
    ['db-1.example.com:4444', { host: 'db-1.example.com', port: 4444 }],
    ['[::1]', { host: '::1', port: null }],
    ['[fe80::1]:4567', { host: 'fe80::1', port: 4567 }],
  ];
  for (const [text, expected] of cases)
    assert.deepEqual(parseEndpoint(text), { ok: true, value: expected }, text);
  for (const text of [
    '',
    '::1',
    'fe80::1:4567',
    '[::1',
    '[::1]x',
    '[host]:1',
    'a b',
    'h:0',
    'h:',
  ]) {
    assert.equal(parseEndpoint(text).ok, false, text);
  }
});

test('cluster addresses: peers with default port 4567; empty gcomm:// bootstraps', () => {
  const address = parseClusterAddress('gcomm://h1,h2:5000,[::1]:4568,[fe80::2]');
  assert.deepEqual(address, {
    ok: true,
    value: {
      scheme: 'gcomm',
      peers: [
        { host: 'h1', port: 4567 },
        { host: 'h2', port: 5000 },
        { host: '::1', port: 4568 },
        { host: 'fe80::2', port: 4567 },
      ],
      options: [],
      bootstrap: false,
    },
  });
  for (const text of ['gcomm://', 'GCOMM://', ' gcomm:// ']) {
    const parsed = parseClusterAddress(text);
    assert.ok(parsed.ok && parsed.value.bootstrap && parsed.value.peers.length === 0, text);
  }
});

test('cluster addresses: options after ?, and refusals', () => {
  const parsed = parseClusterAddress('gcomm://a,b?pc.wait_prim=no&gmcast.segment=1');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.options, [
    { key: 'pc.wait_prim', value: 'no' },
    { key: 'gmcast.segment', value: '1' },
  ]);
  for (const text of [
    'h1,h2',
    'dummy://',
    'tcp://h1',
    'gcomm://::1',
    'gcomm://h1:abc',
    'gcomm://a?x',
  ]) {
    assert.equal(parseClusterAddress(text).ok, false, text);
  }
});

test('listen addresses: tcp:// or ssl://, scheme optional only where allowed', () => {
  assert.deepEqual(parseListenAddress('tcp://0.0.0.0:4567', false), {
    ok: true,
    value: { scheme: 'tcp', host: '0.0.0.0', port: 4567 },
  });
  assert.deepEqual(parseListenAddress('ssl://[::]:4567', false), {
    ok: true,
    value: { scheme: 'ssl', host: '::', port: 4567 },
  });
  assert.deepEqual(parseListenAddress('10.0.0.1:4568', true), {
    ok: true,
    value: { scheme: 'tcp', host: '10.0.0.1', port: 4568 },
  });
  assert.equal(parseListenAddress('10.0.0.1:4568', false).ok, false);
  assert.equal(parseListenAddress('udp://10.0.0.1:4568', false).ok, false);
});

test('donor lists: names in order; a trailing comma or no names allows any donor', () => {
  assert.deepEqual(parseDonorList('node2,node3'), {
    ok: true,
    value: { names: ['node2', 'node3'], anyOtherAllowed: false },
  });
  assert.deepEqual(parseDonorList('node2, node3,'), {
    ok: true,
    value: { names: ['node2', 'node3'], anyOtherAllowed: true },
  });
  assert.deepEqual(parseDonorList(''), { ok: true, value: { names: [], anyOtherAllowed: true } });
});
