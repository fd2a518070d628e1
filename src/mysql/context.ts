// What every connection of one server shares: options, the backend, the TLS context, the
// caching_sha2 fast-auth cache and RSA key pair, and a way to reach the other connections.

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import type { Backend } from './backend.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface ServerLimits {
  readonly maxAllowedPacketBytes: number;
  readonly connectTimeoutMs: number;
  readonly waitTimeoutMs: number;
}

export interface RsaKeyPair {
  readonly publicKeyPem: string;
  readonly privateKey: KeyObject;
}

const RSA_MODULUS_BITS = 2048;

export class ServerContext {
  /** caching_sha2_password fast-auth cache: account key → SHA256(SHA256(password)). */
  readonly sha2Cache = new Map<string, Uint8Array>();
  private rsaKeyPair: RsaKeyPair | null = null;

  constructor(
    readonly backend: Backend,
    readonly serverVersion: string,
    readonly limits: ServerLimits,
    readonly secureContext: SecureContext | null,
    readonly requireSecureTransport: boolean,
    readonly publicKeyRetrieval: boolean,
    readonly log: Logger,
    readonly kill: (connectionId: number) => boolean,
  ) {}

  /** The RSA key pair for password exchange without TLS, made on first use. */
  rsaKeys(): RsaKeyPair {
    if (this.rsaKeyPair === null) {
      const pair = generateKeyPairSync('rsa', { modulusLength: RSA_MODULUS_BITS });
      const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      this.rsaKeyPair = { publicKeyPem, privateKey: pair.privateKey };
    }
    return this.rsaKeyPair;
  }
}

/** An exception in words for the log: its stack where it has one. */
export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
