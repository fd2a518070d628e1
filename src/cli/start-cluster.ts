// `trireme start` for a node with wsrep_on=ON: a cluster node in the foreground. SIGTERM or
// SIGINT stops it gracefully (it leaves the configuration first, so the cluster shrinks).
import type { ServerConfig } from '../config/index.js';
import { startClusterServer } from '../node/cluster-server.js';

export async function runStartCluster(config: ServerConfig): Promise<number> {
  const started = await startClusterServer(config);
  if (!started.ok) {
    console.error(`trireme start: ${started.message}`);
    return 1;
  }
  const server = started.server;
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.stderr.write(`trireme: ${signal} received, shutting down\n`);
      server.stop().then(
        () => resolve(0),
        (error: unknown) => {
          console.error(`trireme start: shutdown failed: ${String(error)}`);
          resolve(1);
        },
      );
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

/** A node joins or forms a cluster when wsrep_on is set and it has a cluster address. */
export function isClusterConfig(config: ServerConfig): boolean {
  return config.server.wsrepOn && (config.cluster.bootstrap || config.cluster.peers.length > 0);
}
