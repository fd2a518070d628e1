// Goal: a node process started with V8's heap flags (`node --max-old-space-size=4096
// bin/trireme.js start`) can start its worker threads (the checkpointer, the read pool, the
// connection guard): Node refuses V8 flags in a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV,
// and the node stopped), so workerExecArgv leaves them out and keeps the rest.
// Method: a child node process with the flags starts a Worker with workerExecArgv().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** V8's heap flags, which a user may give node for a node process. */
const NODE_FLAGS = ['--max-old-space-size=4096', '--max-semi-space-size=32'];

const run = promisify(execFile);
const argvModule = new URL('../../src/storage/worker-argv.js', import.meta.url).href;

test('a process with V8 heap flags starts worker threads with workerExecArgv', async () => {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { workerExecArgv } from ${JSON.stringify(argvModule)};
    const argv = workerExecArgv();
    const worker = new Worker('process.exit(7)', { eval: true, execArgv: argv });
    worker.on('exit', (code) => console.log(JSON.stringify({ code, argv, own: process.execArgv })));
  `;
  const { stdout } = await run(process.execPath, [
    ...NODE_FLAGS,
    '--no-warnings',
    '--input-type=module',
    '-e',
    script,
  ]);
  const out = JSON.parse(stdout) as { code: number; argv: string[]; own: string[] };
  assert.equal(out.code, 7);
  for (const flag of NODE_FLAGS) assert.ok(out.own.includes(flag), `the process runs with ${flag}`);
  for (const flag of NODE_FLAGS) assert.ok(!out.argv.includes(flag), `${flag} is left out`);
  assert.ok(out.argv.includes('--no-warnings'), 'node options are kept');
});
