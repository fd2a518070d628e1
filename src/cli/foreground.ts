// Keeps a started node in the foreground until SIGTERM or SIGINT, then stops it cleanly.
// A second signal while stopping is noted and ignored: Ctrl-C on `npm start` sends SIGINT to the
// whole process group and the launcher then sends SIGTERM, and a default-handled second signal
// would kill the node halfway through its shutdown (grastate.dat left at seqno -1).

import { shutdownRequest } from '../engine/engine.js';

export function untilSignalThenStop(stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string): void => {
      if (stopping) {
        process.stderr.write(`trireme: ${signal} received, already shutting down\n`);
        return;
      }
      stopping = true;
      process.stderr.write(`trireme: ${signal} received, shutting down\n`);
      stop().then(
        () => {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          resolve(0);
        },
        (error: unknown) => {
          console.error(`trireme start: shutdown failed: ${String(error)}`);
          resolve(1);
        },
      );
    };
    const onTerm = (): void => onSignal('SIGTERM');
    const onInt = (): void => onSignal('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    // SHUTDOWN and mariadb-admin shutdown stop the node the same way.
    shutdownRequest.current = () => onSignal('SHUTDOWN');
  });
}
