// Test files run two at a time; each starts nodes on ports from freePort. Two processes must
// never be handed the same port (seen: EADDRINUSE at a cluster's start in CI).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const support = fileURLToPath(new URL('./index.js', import.meta.url));
const draw = `
  const { freePort } = await import(${JSON.stringify(support)});
  const ports = [];
  for (let i = 0; i < 300; i++) ports.push(await freePort());
  console.log(JSON.stringify(ports));
`;

test('two processes drawing ports at once are never handed the same one', async () => {
  const drawn = await Promise.all(
    [0, 1].map(async () => {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', draw]);
      return JSON.parse(stdout) as number[];
    }),
  );
  const [first, second] = drawn as [number[], number[]];
  assert.equal(new Set(first).size, first.length, 'no port twice within a process');
  const shared = second.filter((port) => first.includes(port));
  assert.deepEqual(shared, [], 'no port handed to both processes');
});
