// IST announced as Galera announces it, so that the tutorial's checks (`grep 'IST sender
// starting to serve ssl://'`, `grep 'IST receiver using ssl'`) work. Our IST is the leader
// sending a behind node the entries of its log over the replication link (mutual TLS unless
// socket.ssl=no), so the address is that link's and no IST port (4568) is opened. The leader
// says so to the joiner in a control frame, so both logs name the same seqnos.

export type LinkScheme = 'ssl' | 'tcp';

/** The donor's (leader's) lines when it starts sending seqnos first..last to a peer. */
export function istSenderLines(
  scheme: LinkScheme,
  peerAddress: string,
  first: number,
  last: number,
): string[] {
  return [
    `IST sender using ${scheme}`,
    `IST sender ${first} -> ${last}`,
    `async IST sender starting to serve ${scheme}://${peerAddress} sending ${first}-${last} (over the replication link)`,
  ];
}

/** The joiner's lines when the leader announces seqnos first..last. */
export function istReceiverLines(
  scheme: LinkScheme,
  ownAddress: string,
  first: number,
  last: number,
): string[] {
  return [
    `IST receiver addr using ${scheme}://${ownAddress}`,
    `IST receiver using ${scheme}`,
    `Prepared IST receiver for ${first}-${last}, listening at: ${scheme}://${ownAddress} (the replication link)`,
  ];
}

/** The joiner's last line, once every announced seqno is applied. */
export class IstReceiving {
  private last: number | null = null;

  expect(last: number): void {
    this.last = Math.max(this.last ?? 0, last);
  }

  /** `IST received: UUID:SEQNO` the first time the applied seqno reaches the announced last. */
  received(applied: number, stateUuid: string): string | null {
    if (this.last === null || applied < this.last) return null;
    const line = `IST received: ${stateUuid}:${this.last}`;
    this.last = null;
    return line;
  }
}
