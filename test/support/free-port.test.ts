// Test files run two at a time; each starts nodes on ports from freePort. Two processes must
// never be handed the same port (seen: EADDRINUSE at a cluster's start in CI).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const support = fileURLToPath(new URL('./index.js', import.meta.url));
// Draws ports, prints them, and holds them (the process lives) until its stdin closes.
const draw = `
  const { freePort } = await import(${JSON.stringify(support)});
  const ports = [];
  for (let i = 0; i < 1000; i++) ports.push(await freePort());
  console.log(JSON.stringify(ports));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
`;

test('processes drawing ports at once are never handed the same one', async () => {
  const children = [0, 1, 2, 3].map(() =>
    spawn(process.execPath, ['--input-type=module', '-e', draw], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const drawn = await Promise.all(
    children.map(async (child) => {
      let text = '';
      child.stdout.setEncoding('utf8');
      for await (const chunk of child.stdout) {
        text += chunk as string;
        if (text.endsWith('\n')) break;
      }
      return JSON.parse(text) as number[];
    }),
  );
  for (const child of children) {
    child.stdin.end();
    if (child.exitCode === null) await once(child, 'exit');
  }
  for (const ports of drawn) assert.equal(new Set(ports).size, ports.length, 'no port twice');
  const all = drawn.flat();
  const shared = all.filter((port, i) => all.indexOf(port) !== i);
  assert.deepEqual(shared, [], 'no port handed to two processes');
});
