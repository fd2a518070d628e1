// `trireme start --wsrep-recover`: a stopped node's position, in the line galera_recovery reads.
import type { ServerConfig } from '../config/index.js';
import { recoverPosition } from '../node/recover-position.js';
import { timestamp } from '../node/server-common.js';
import { lockDatadir } from '../storage/index.js';

export async function runRecover(config: ServerConfig): Promise<number> {
  const note = (message: string): void => {
    process.stderr.write(`${timestamp()} 0 [Note] ${message}\n`);
  };
  const locked = lockDatadir(config.server.datadir);
  if (!locked.ok) {
    console.error(`trireme start --wsrep-recover: ${locked.message}`);
    return 1;
  }
  const recovered = await recoverPosition(config);
  if (!recovered.ok) {
    console.error(`trireme start --wsrep-recover: ${recovered.message}`);
    return 1;
  }
  const { uuid, seqno, term, applied } = recovered.value;
  note(
    `WSREP: log of ${config.server.datadir}: last seqno ${seqno} in term ${term}, applied ${applied}`,
  );
  note(`WSREP: Recovered position: ${uuid}:${seqno}`);
  return 0;
}
