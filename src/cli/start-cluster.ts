// `trireme start` for a node with wsrep_on=ON: a cluster node in the foreground. SIGTERM or
// SIGINT stops it gracefully (it leaves the configuration first, so the cluster shrinks).
import { untilSignalThenStop } from './foreground.js';
import type { ServerConfig } from '../config/index.js';
import { startClusterServer } from '../node/cluster-server.js';
import { lockDatadir } from '../storage/index.js';

export async function runStartCluster(
  config: ServerConfig,
  options: { readonly forceBootstrap?: boolean } = {},
): Promise<number> {
  const locked = lockDatadir(config.server.datadir);
  if (!locked.ok) {
    console.error(`trireme start: ${locked.message}`);
    return 1;
  }
  const started = await startClusterServer(config, undefined, options);
  if (!started.ok) {
    console.error(`trireme start: ${started.message}`);
    return 1;
  }
  const server = started.server;
  return untilSignalThenStop(() => server.stop());
}

/** A node joins or forms a cluster when wsrep_on is set and it has a cluster address. */
export function isClusterConfig(config: ServerConfig): boolean {
  return config.server.wsrepOn && (config.cluster.bootstrap || config.cluster.peers.length > 0);
}
