// A minimal MySQL client over a raw socket for tests that mysql2 cannot express: garbage bytes,
// COM_FIELD_LIST, COM_STATISTICS, COM_SET_OPTION and COM_STMT_SEND_LONG_DATA.

import { connect, type Socket } from 'node:net';
import { nativePasswordProof } from '../../src/mysql/auth.js';
import { Capability } from '../../src/mysql/constants.js';
import { PacketDecoder, concat, encodeFrames, type Packet } from '../../src/mysql/framing.js';
import { PacketReader, PacketWriter } from '../../src/mysql/packet-buffer.js';

export class RawClient {
  private readonly decoder = new PacketDecoder(1 << 26);
  private readonly queue: Packet[] = [];
  private waiters: ((packet: Packet | null) => void)[] = [];
  private ended = false;
  sequenceId = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.decoder.push(chunk, (packet) => {
        const waiter = this.waiters.shift();
        if (waiter) waiter(packet);
        else this.queue.push(packet);
      });
    });
    socket.on('close', () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter(null);
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves with the next packet, or null once the server closed the connection. */
  read(): Promise<Packet | null> {
    const packet = this.queue.shift();
    if (packet) {
      this.sequenceId = (packet.sequenceId + 1) & 0xff;
      return Promise.resolve(packet);
    }
    if (this.ended) return Promise.resolve(null);
    return new Promise<Packet | null>((resolve) => this.waiters.push(resolve)).then((next) => {
      if (next) this.sequenceId = (next.sequenceId + 1) & 0xff;
      return next;
    });
  }

  write(payload: Uint8Array, sequenceId = this.sequenceId): void {
    const encoded = encodeFrames(payload, sequenceId);
    this.sequenceId = encoded.sequenceIdNext;
    this.socket.write(concat(encoded.frames));
  }

  command(payload: Uint8Array): void {
    this.write(payload, 0);
  }

  /** Logs in with mysql_native_password; resolves with the server's final answer. */
  async login(user: string, password: string, extraCapabilities = 0): Promise<Packet | null> {
    const handshake = await this.read();
    if (!handshake) return null;
    const reader = new PacketReader(handshake.payload);
    reader.u8();
    reader.nulString();
    reader.u32();
    const first = reader.bytesN(8);
    reader.bytesN(1 + 2 + 1 + 2 + 2 + 1 + 10);
    const scramble = concat([first, reader.bytesN(12)]);
    const capabilities =
      Capability.PROTOCOL_41 |
      Capability.SECURE_CONNECTION |
      Capability.PLUGIN_AUTH |
      extraCapabilities;
    const proof = nativePasswordProof(password, scramble);
    const response = new PacketWriter()
      .u32(capabilities)
      .u32(1 << 24)
      .u8(45)
      .zeros(23)
      .nulString(user)
      .u8(proof.length)
      .bytes(proof)
      .nulString('mysql_native_password')
      .finish();
    this.write(response);
    return this.read();
  }

  close(): void {
    this.socket.destroy();
  }
}
