// The `trireme` command line. Subcommands are added as the layers below them exist.
import { runCert } from './cert.js';

const usage = `usage: trireme <command>

commands:
  cert create-ca --dir D              create the cluster CA (D/ca.pem, D/ca-key.pem)
  cert create-node NAME --dir D       create a node certificate signed by the cluster CA
  cert create-client NAME --dir D     create a client certificate
  start-local                         start a local 3-node TLS cluster (not built yet)
  help                                this text`;

const status = `trireme: the local cluster is not available yet.
Built so far: the consensus core and its simulator, certification, the write-set codec, the
my.cnf parser and the certificate tooling (trireme cert). Try:
  npm run sim -- --seeds 100      npm run bench:core      node bin/trireme.js cert --help`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'cert':
      return runCert(argv.slice(1));
    case 'start-local':
      console.log(status);
      return 0;
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
