// The `trireme` command line. Subcommands are added as the layers below them exist.
const usage = `usage: trireme <command>

commands:
  start-local  start a local 3-node TLS cluster (not built yet: prints what exists)
  help         this text`;

const status = `trireme: the local cluster is not available yet.
Built so far: the consensus core and its simulator, certification, the write-set codec and the
my.cnf parser. Try:  npm run sim -- --seeds 100   or   npm run bench:core`;

function main(argv: string[]): number {
  const command = argv[0] ?? 'help';
  if (command === 'start-local') {
    console.log(status);
    return 0;
  }
  if (command === 'help' || command === '--help') {
    console.log(usage);
    return 0;
  }
  console.error(`trireme: unknown command '${command}'\n\n${usage}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
