// Goal: option-file text parses by MySQL's rules (sections, comments, quotes, escapes, bare
// keys, dash/underscore, loose- prefix, repeated keys, directives). Method: tables of small
// texts, each compared with the expected entries or error place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { occurrences, parseCnfText, type CnfEntry, type CnfItem } from '../../src/config/index.js';

function entries(text: string): CnfEntry[] {
  const parsed = parseCnfText(text, 'my.cnf');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return parsed.value.items.filter((item): item is CnfEntry => item.kind === 'option');
}

function valueOf(text: string): string | null | undefined {
  return entries(`[mysqld]\n${text}\n`)[0]?.value;
}

test('values: quotes, escapes and comments as MySQL reads them', () => {
  const cases: [string, string | null][] = [
    ['key=value', 'value'],
    ['key = value ', 'value'],
    ['key="quoted value"', 'quoted value'],
    ["key='single quoted'", 'single quoted'],
    ['key="a # not a comment"', 'a # not a comment'],
    ["key='a ; b'", 'a ; b'],
    ['key=value # comment', 'value'],
    ['key="value" # comment', 'value'],
    ['key=a;b', 'a;b'], // ';' starts a comment only at the start of a line
    ['key="say \\"hi\\""', 'say "hi"'],
    ["key='it\\'s'", "it's"],
    ['key="tab\\there"', 'tab\there'],
    ['key=line\\nbreak', 'line\nbreak'],
    ['key=a\\sb', 'a b'],
    ['key=C:\\data', 'C:\\data'], // unknown escape keeps its backslash
    ['key=back\\\\slash', 'back\\slash'],
    ["key=don't", "don't"],
    ['key=', ''],
    ['key=""', ''],
    ['key=a=b', 'a=b'],
    ['key', null],
  ];
  for (const [line, expected] of cases) assert.equal(valueOf(line), expected, line);
});

test('comment lines and blank lines are skipped', () => {
  const parsed = entries(
    '# top\n; also a comment\n\n[mysqld]\n  # indented\n  ; indented\nport=1\n',
  );
  assert.deepEqual(
    parsed.map((entry) => [entry.key, entry.value, entry.line]),
    [['port', '1', 7]],
  );
});

test('keys: dash and underscore alike, case folded, loose- prefix stripped and remembered', () => {
  const parsed = entries(
    '[mysqld]\nmax-connections=1\nMax_Connections=2\nloose-wsrep-sync-wait=3\nloose_foo\nskip-name-resolve\n',
  );
  assert.deepEqual(
    parsed.map((entry) => [entry.key, entry.keyAsWritten, entry.loose, entry.value]),
    [
      ['max_connections', 'max-connections', false, '1'],
      ['max_connections', 'Max_Connections', false, '2'],
      ['wsrep_sync_wait', 'loose-wsrep-sync-wait', true, '3'],
      ['foo', 'loose_foo', true, null],
      ['skip_name_resolve', 'skip-name-resolve', false, null],
    ],
  );
});

test('sections: case folded, version sections kept, every occurrence of a key kept', () => {
  const parsed = parseCnfText(
    '[MySQLd]\nport=1\n[mariadb-10.11]\nport=2\n[mysqld_safe]\nnice=0\n[mysqld] # again\nport=3\n',
    'f.cnf',
  );
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.sections, ['mysqld', 'mariadb-10.11', 'mysqld_safe']);
  const items = parsed.value.items as CnfEntry[];
  assert.deepEqual(
    items.map((entry) => [entry.section, entry.key, entry.value]),
    [
      ['mysqld', 'port', '1'],
      ['mariadb-10.11', 'port', '2'],
      ['mysqld_safe', 'nice', '0'],
      ['mysqld', 'port', '3'],
    ],
  );
});

test('directives: !include and !includedir take the rest of the line as the path', () => {
  const parsed = parseCnfText('!include /etc/a.cnf\n[mysqld]\n!includedir  conf.d/ \n', 'f.cnf');
  assert.ok(parsed.ok);
  const directives = parsed.value.items.map((item: CnfItem) =>
    item.kind === 'option' ? null : [item.kind, item.path, item.line],
  );
  assert.deepEqual(directives, [
    ['include', '/etc/a.cnf', 1],
    ['includedir', 'conf.d/', 3],
  ]);
});

test('a byte-order mark and CRLF line ends are accepted', () => {
  assert.deepEqual(
    entries('\uFEFF[mysqld]\r\nport=3307\r\n').map((entry) => [entry.key, entry.value]),
    [['port', '3307']],
  );
});

test('syntax errors name file and line', () => {
  const cases: [string, number][] = [
    ['port=1\n', 1], // option before any section
    ['[mysqld\nport=1\n', 1],
    ['[]\n', 1],
    ['[mysqld] extra\n', 1],
    ['[mysqld]\n\n= value\n', 3],
    ['[mysqld]\nkey with spaces = 1\n', 2],
    ['[mysqld]\nkey="never closed\n', 2],
    ['[mysqld]\nkey="mismatched\'\n', 2],
    ['[mysqld]\n\nkey="\n', 3],
    ['[mysqld]\n!inclde x.cnf\n', 2],
    ['[mysqld]\n!include\n', 2],
  ];
  for (const [text, line] of cases) {
    const parsed = parseCnfText(text, 'bad.cnf');
    assert.ok(!parsed.ok, text);
    assert.equal(parsed.error.file, 'bad.cnf', text);
    assert.equal(parsed.error.line, line, text);
    assert.equal(parsed.error.kind, 'syntax', text);
  }
});

test('repeated keys: every occurrence stays available, in file order, across spellings', () => {
  const all = entries(
    '[mysqld]\nplugin-load-add=a.so\n[galera]\nplugin_load_add=b.so\n[client]\nplugin-load-add=c.so\n',
  );
  const found = occurrences(all, ['mysqld', 'galera'], 'PLUGIN-LOAD-ADD');
  assert.deepEqual(
    found.map((entry) => [entry.section, entry.value, entry.line]),
    [
      ['mysqld', 'a.so', 2],
      ['galera', 'b.so', 4],
    ],
  );
});
