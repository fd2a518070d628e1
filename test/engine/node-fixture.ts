// Starts an in-process standalone node on 127.0.0.1, port 0, in a temporary datadir, for the
// engine and acceptance tests.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerConfig } from '../../src/config/index.js';
import { startStandalone, type StandaloneNode } from '../../src/node/standalone.js';

export interface NodeFixture {
  readonly node: StandaloneNode;
  readonly port: number;
  readonly datadir: string;
  readonly log: string[];
  stop(): Promise<void>;
  /** Stops the node and removes its datadir. */
  destroy(): Promise<void>;
}

import { tempDir } from '../support/index.js';

export { tempDir };

export async function startNode(
  options: { datadir?: string; args?: string[]; cnf?: string } = {},
): Promise<NodeFixture> {
  const datadir = options.datadir ?? tempDir('trireme-engine-');
  const args = [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--port=0',
    '--bind-address=127.0.0.1',
    ...(options.args ?? []),
  ];
  let loadOptions: { args: string[]; defaultsFile?: string } = { args };
  if (options.cnf !== undefined) {
    const file = join(datadir, '..', `${datadir.split('/').pop()}.cnf`);
    writeFileSync(file, options.cnf);
    loadOptions = { args: [`--defaults-file=${file}`, ...args.slice(1)] };
  }
  const loaded = loadServerConfig(loadOptions);
  if (!loaded.ok) throw new Error(`config: ${JSON.stringify(loaded.error)}`);
  const log: string[] = [];
  const started = await startStandalone(loaded.value.config, { log: (line) => log.push(line) });
  if (!started.ok) throw new Error(started.message);
  const node = started.node;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await node.stop();
  };
  return {
    node,
    port: node.address.port,
    datadir,
    log,
    stop,
    destroy: async () => {
      await stop();
      rmSync(datadir, { recursive: true, force: true });
    },
  };
}
