// Goal: !include and !includedir expand as MySQL does (in place, relative to the including file,
// *.cnf only, in name order) and cycles, depth and missing files are reported with their place.
// Method: small file trees in fresh temporary directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCnfFile, type CnfDocument } from '../../src/config/index.js';

/** Writes `files` (relative path → text) under a new temporary directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'trireme-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function withTree(files: Record<string, string>, check: (root: string) => void): void {
  const root = tree(files);
  try {
    check(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function read(path: string): CnfDocument {
  const document = readCnfFile(path);
  assert.ok(document.ok, document.ok ? '' : document.error.message);
  return document.value;
}

function pairs(document: CnfDocument): string[] {
  return document.entries.map((entry) => `${entry.section}.${entry.key}=${entry.value ?? ''}`);
}

test('!include is expanded in place, relative to the including file', () => {
  const files = {
    'my.cnf': '[mysqld]\nport=1\n!include sub/extra.cnf\nmax_connections=3\n',
    'sub/extra.cnf': '[mysqld]\nport=2\n!include more.cnf\n',
    'sub/more.cnf': '[galera]\nwsrep_on=ON\n',
  };
  withTree(files, (root) => {
    const document = read(join(root, 'my.cnf'));
    assert.deepEqual(pairs(document), [
      'mysqld.port=1',
      'mysqld.port=2',
      'galera.wsrep_on=ON',
      'mysqld.max_connections=3',
    ]);
    assert.deepEqual(document.files, [
      join(root, 'my.cnf'),
      join(root, 'sub/extra.cnf'),
      join(root, 'sub/more.cnf'),
    ]);
  });
});

test('!includedir reads *.cnf files only, in name order, and skips other files', () => {
  const files = {
    'my.cnf': '[mysqld]\n!includedir conf.d\nport=9\n',
    'conf.d/50-server.cnf': '[mysqld]\nport=50\n',
    'conf.d/10-base.cnf': '[mysqld]\nport=10\n',
    'conf.d/99-z.cnf': '[mysqld]\nport=99\n',
    'conf.d/60-galera.cnf.dpkg-old': '[mysqld]\nport=60\n',
    'conf.d/README': 'not an option file\n',
    'conf.d/sub.cnf/inner.cnf': '[mysqld]\nport=77\n',
  };
  withTree(files, (root) => {
    assert.deepEqual(pairs(read(join(root, 'my.cnf'))), [
      'mysqld.port=10',
      'mysqld.port=50',
      'mysqld.port=99',
      'mysqld.port=9',
    ]);
  });
});

test('a file included twice without a cycle is read twice, as MySQL does', () => {
  const files = {
    'my.cnf': '[mysqld]\n!include common.cnf\n!include common.cnf\n',
    'common.cnf': '[mysqld]\nport=1\n',
  };
  withTree(files, (root) =>
    assert.deepEqual(pairs(read(join(root, 'my.cnf'))), ['mysqld.port=1', 'mysqld.port=1']),
  );
});

test('include cycles are reported with the chain and the including line', () => {
  const cases: [string, Record<string, string>][] = [
    ['self', { 'my.cnf': '[mysqld]\n!include my.cnf\n' }],
    ['two files', { 'my.cnf': '[mysqld]\n!include b.cnf\n', 'b.cnf': '# b\n!include my.cnf\n' }],
    [
      'through a directory',
      { 'my.cnf': '[mysqld]\n!includedir d\n', 'd/x.cnf': '\n!include ../my.cnf\n' },
    ],
  ];
  for (const [name, files] of cases) {
    withTree(files, (root) => {
      const document = readCnfFile(join(root, 'my.cnf'));
      assert.ok(!document.ok, name);
      assert.equal(document.error.kind, 'include', name);
      assert.match(document.error.message, /include cycle: .*my\.cnf -> .*my\.cnf$/, name);
      assert.equal(document.error.line, 2, name);
    });
  }
});

test('includes nested too deep are refused', () => {
  const files: Record<string, string> = {};
  for (let depth = 0; depth < 12; depth++)
    files[`f${depth}.cnf`] = `[mysqld]\n!include f${depth + 1}.cnf\n`;
  files['f12.cnf'] = '[mysqld]\nport=1\n';
  withTree(files, (root) => {
    const document = readCnfFile(join(root, 'f0.cnf'));
    assert.ok(!document.ok);
    assert.match(document.error.message, /nested deeper than 10/);
  });
});

test('a missing !include file is an error at its line; a missing !includedir only a warning', () => {
  withTree({ 'my.cnf': '[mysqld]\nport=1\n!include nope.cnf\n' }, (root) => {
    const document = readCnfFile(join(root, 'my.cnf'));
    assert.ok(!document.ok);
    assert.deepEqual(
      [document.error.kind, document.error.file, document.error.line],
      ['io', join(root, 'my.cnf'), 3],
    );
    assert.match(document.error.message, /nope\.cnf: no such file/);
  });
  withTree({ 'my.cnf': '[mysqld]\n!includedir /nonexistent/conf.d/\nport=1\n' }, (root) => {
    const document = read(join(root, 'my.cnf'));
    assert.deepEqual(pairs(document), ['mysqld.port=1']);
    assert.equal(document.warnings.length, 1);
    assert.match(
      document.warnings[0] ?? '',
      /my\.cnf:2: !includedir \/nonexistent\/conf\.d\/: no such directory/,
    );
  });
});

test('a missing top-level file names the file; errors inside includes name the included file', () => {
  const missing = readCnfFile('/nonexistent/my.cnf');
  assert.ok(!missing.ok);
  assert.deepEqual([missing.error.file, missing.error.line], ['/nonexistent/my.cnf', 0]);
  withTree(
    { 'my.cnf': '[mysqld]\n!include bad.cnf\n', 'bad.cnf': '[mysqld]\n[broken\n' },
    (root) => {
      const document = readCnfFile(join(root, 'my.cnf'));
      assert.ok(!document.ok);
      assert.deepEqual([document.error.file, document.error.line], [join(root, 'bad.cnf'), 2]);
    },
  );
});
