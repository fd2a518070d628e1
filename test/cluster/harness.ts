// Builds local clusters for tests: a CA and node certificates in a temp folder, my.cnf files on
// free loopback ports, and (in process) ClusterNodes started from them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCerts } from '../../src/cli/cert.js';
import { formatConfigError, loadServerConfig, type ServerConfig } from '../../src/config/index.js';

import { freePort } from '../support/index.js';

export { freePort };

export interface LocalCluster {
  readonly dir: string;
  readonly names: readonly string[];
  readonly cnf: ReadonlyMap<string, string>;
  readonly clientPorts: ReadonlyMap<string, number>;
  readonly replicationPorts: ReadonlyMap<string, number>;
  config(name: string, extraArgs?: readonly string[]): ServerConfig;
  cleanup(): void;
}

export async function localCluster(
  count: number,
  options: {
    readonly providerOptions?: string;
    readonly tls?: boolean;
    /** false: no gmcast.listen_addr, as in the README and Galera's tutorials (listens on 0.0.0.0). */
    readonly listenAddr?: boolean;
  } = {},
): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'trireme-cluster-'));
  const names = Array.from({ length: count }, (_, i) => `n${i + 1}`);
  const tls = options.tls ?? true;
  const certs = tls ? await ensureLocalCerts(join(dir, 'certs'), names) : null;
  const replicationPorts = await Promise.all(names.map(() => freePort()));
  const clientPorts = await Promise.all(names.map(() => freePort()));
  const address = `gcomm://${replicationPorts.map((p) => `127.0.0.1:${p}`).join(',')}`;
  const cnf = new Map<string, string>();
  names.forEach((name, i) => {
    const files = certs?.nodes.get(name);
    const tlsOptions =
      files === undefined || certs === null
        ? 'socket.ssl=no'
        : `socket.ssl_key=${files.keyPath};socket.ssl_cert=${files.certPath};socket.ssl_ca=${certs.caPath}`;
    const provider = [
      options.listenAddr === false
        ? ''
        : `gmcast.listen_addr=tcp://127.0.0.1:${replicationPorts[i]}`,
      'evs.suspect_timeout=PT1S',
      'evs.inactive_timeout=PT3S',
      tlsOptions,
      options.providerOptions ?? '',
    ]
      .filter((s) => s !== '')
      .join(';');
    const text = `[mysqld]
datadir=${join(dir, name)}
port=${clientPorts[i]}
bind-address=127.0.0.1

[galera]
wsrep_on=ON
wsrep_cluster_name=trireme_test
wsrep_cluster_address=${address}
wsrep_node_name=${name}
wsrep_node_address=127.0.0.1:${replicationPorts[i]}
wsrep_provider_options="${provider}"
`;
    const path = join(dir, `${name}.cnf`);
    writeFileSync(path, text);
    cnf.set(name, path);
  });
  return {
    dir,
    names,
    cnf,
    clientPorts: new Map(names.map((n, i) => [n, clientPorts[i]!])),
    replicationPorts: new Map(names.map((n, i) => [n, replicationPorts[i]!])),
    config(name, extraArgs = []) {
      const loaded = loadServerConfig({ defaultsFile: cnf.get(name)!, args: extraArgs });
      if (!loaded.ok) throw new Error(formatConfigError(loaded.error));
      return loaded.value.config;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
