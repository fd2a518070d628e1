// Keeps a started node in the foreground until SIGTERM or SIGINT, then stops it cleanly.

export function untilSignalThenStop(stop: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.stderr.write(`trireme: ${signal} received, shutting down\n`);
      stop().then(
        () => resolve(0),
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
  });
}
