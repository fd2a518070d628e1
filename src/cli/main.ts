// The `trireme` command line.
import { formatConfigError, loadServerConfig } from '../config/index.js';
import { runCert } from './cert.js';
import { runKey } from './key.js';
import { runRecover } from './recover.js';
import { runStart } from './start.js';
import { isClusterConfig, runStartCluster } from './start-cluster.js';
import { runStartLocal } from './start-local.js';

const usage = `usage: trireme <command>

commands:
  start --defaults-file FILE [--wsrep-new-cluster] [mysqld options]
                                      start a node: a cluster node when wsrep_on=ON and
                                      wsrep_cluster_address is set, else a standalone node
  start --defaults-file FILE --wsrep-recover
                                      print a stopped node's position ("WSREP: Recovered
                                      position: UUID:SEQNO") and exit
  bootstrap --defaults-file FILE [--force]
                                      start a node that forms a new cluster (galera_new_cluster);
                                      --force: even where grastate.dat says safe_to_bootstrap: 0
  start-local [DIR]                   a local 3-node TLS cluster on loopback (npm start)
  cert create-ca --dir D              create the cluster CA (D/ca.pem, D/ca-key.pem)
  cert create-node NAME --dir D       create a node certificate signed by the cluster CA
  cert create-client NAME --dir D     create a client certificate
  key create --file F [--id N]        create a key file for encryption at rest (mode 0600)
  key rotate --file F [--id N]        add a new version of the keys in a key file
  key reencrypt --defaults-file F     a stopped node's files to the keys its options name now
  key decrypt --file F DUMP           print a sealed local-history dump (local-history-*.sql.enc)
  help                                this text`;

async function start(args: readonly string[], forceBootstrap = false): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) return runStart(args);
  const loaded = loadServerConfig({ args });
  if (!loaded.ok) {
    console.error(`trireme start: ${formatConfigError(loaded.error)}`);
    return 2;
  }
  if (loaded.value.config.server.wsrepRecover) return runRecover(loaded.value.config);
  if (!isClusterConfig(loaded.value.config)) return runStart(args);
  for (const warning of loaded.value.warnings) console.error(`trireme start: warning: ${warning}`);
  for (const note of loaded.value.notes) console.error(`trireme start: note: ${note}`);
  return runStartCluster(loaded.value.config, { forceBootstrap });
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'start':
      return start(argv.slice(1));
    case 'bootstrap': {
      const args = argv.slice(1);
      const force = args.includes('--force');
      return start([...args.filter((a) => a !== '--force'), '--wsrep-new-cluster'], force);
    }
    case 'start-local':
      // A flag is no directory name (`start-local --help` made a cluster in ./--help).
      if (argv[1]?.startsWith('-') === true) {
        console.log(usage);
        return argv[1] === '--help' || argv[1] === '-h' ? 0 : 2;
      }
      return runStartLocal(argv.slice(1));
    case 'cert':
      return runCert(argv.slice(1));
    case 'key':
      return runKey(argv.slice(1));
    case 'help':
    case '--help':
      console.log(usage);
      return 0;
    default:
      console.error(`trireme: unknown command '${command}'\n\n${usage}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
