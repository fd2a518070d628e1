// `trireme help` lists every subcommand the README tells a user to run (the ops walkthrough
// looked for `key decrypt` there and did not find it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('trireme help names every `trireme <command> <subcommand>` of the README', () => {
  const help = execFileSync(process.execPath, ['bin/trireme.js', 'help'], { encoding: 'utf8' });
  const readme = readFileSync('README.md', 'utf8');
  const used = new Set(
    [...readme.matchAll(/trireme (cert|key) ([a-z-]+)/g)].map((m) => `${m[1]} ${m[2]}`),
  );
  assert.ok(used.size >= 4, [...used].join(', '));
  for (const command of used) assert.ok(help.includes(`  ${command} `), `help lacks ${command}`);
});
