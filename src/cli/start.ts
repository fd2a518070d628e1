// `trireme start --defaults-file FILE [--datadir D --port P --bind-address A …]`: a standalone
// node in the foreground, stopped cleanly by SIGTERM or SIGINT.
import { untilSignalThenStop } from './foreground.js';
import { formatConfigError, loadServerConfig } from '../config/index.js';
import { startStandalone } from '../node/standalone.js';
import { lockDatadir } from '../storage/index.js';

export const START_USAGE = `usage: trireme start [--defaults-file FILE] [--datadir DIR] [--port N] [--bind-address ADDR] [mysqld options]

Starts a standalone node (wsrep_on=OFF: a cluster of one) in the foreground. Options are read
from [mysqld], [server], [mariadb], [galera] of the option file, then from the command line.
SIGTERM or SIGINT stops it cleanly.`;

export async function runStart(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(START_USAGE);
    return 0;
  }
  const loaded = loadServerConfig({ args: argv });
  if (!loaded.ok) {
    console.error(`trireme start: ${formatConfigError(loaded.error)}`);
    return 2;
  }
  for (const warning of loaded.value.warnings) console.error(`trireme start: warning: ${warning}`);
  const locked = lockDatadir(loaded.value.config.server.datadir);
  if (!locked.ok) {
    console.error(`trireme start: ${locked.message}`);
    return 1;
  }
  const started = await startStandalone(loaded.value.config);
  if (!started.ok) {
    console.error(`trireme start: ${started.message}`);
    return 1;
  }
  const node = started.node;
  return untilSignalThenStop(() => node.stop());
}
