// The `trireme` command line. Subcommands are added as the layers below them exist.
const usage = `usage: trireme <command>

commands:
  help     this text

The cluster runtime is not built yet; see README.md for what works today.`;

function main(argv: string[]): number {
  const command = argv[0] ?? 'help';
  if (command === 'help' || command === '--help') {
    console.log(usage);
    return 0;
  }
  console.error(`trireme: unknown command '${command}'\n\n${usage}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
