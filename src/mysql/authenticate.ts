// The authentication exchange after HandshakeResponse41 or COM_CHANGE_USER: account lookup,
// auth switch to the account's plugin, mysql_native_password check, and caching_sha2_password
// fast authentication or full authentication (cleartext over TLS, RSA without TLS).

import type { Account } from './backend.js';
import {
  cachingSha2Digest,
  cleartextPassword,
  decryptRsaPassword,
  verifyCachingSha2Password,
  verifyCachingSha2Proof,
  verifyNativePassword,
} from './auth.js';
import { Capability, ServerError } from './constants.js';
import type { MysqlConnection } from './connection.js';
import { encodeAuthMoreData, encodeAuthSwitchRequest } from './messages.js';
import { utf8Encode } from './packet-buffer.js';

const FAST_AUTH_SUCCESS = 0x03;
const PERFORM_FULL_AUTHENTICATION = 0x04;
const REQUEST_PUBLIC_KEY = 0x02;

export interface AuthRequest {
  readonly user: string;
  readonly authResponse: Uint8Array;
  /** The plugin the client used for authResponse; null if it does not speak PLUGIN_AUTH. */
  readonly authPlugin: string | null;
}

/**
 * Authenticates request on connection. On failure it has sent the ERR packet and closed the
 * connection, and returns false.
 */
export async function authenticate(
  connection: MysqlConnection,
  request: AuthRequest,
): Promise<boolean> {
  const account = await connection.context.backend.lookupAccount(request.user, connection.host);
  let response = request.authResponse;
  if (account === null) {
    const unavailable = connection.context.backend.unavailable?.() ?? null;
    if (unavailable !== null) {
      const { code, sqlState, message } = unavailable;
      await connection.refuse({ code, sqlState }, message);
      return false;
    }
    return deny(connection, request.user, response.length > 0);
  }
  if (request.authPlugin !== account.plugin) {
    const switched = await switchPlugin(connection, account, request);
    if (switched === null) return false;
    response = switched;
  }
  const passed =
    account.plugin === 'mysql_native_password'
      ? verifyNativePassword(account.authenticationString, connection.scramble, response)
      : await cachingSha2(connection, request.user, account, response);
  if (connection.phase === 'closed') return false;
  if (!passed) return deny(connection, request.user, response.length > 0);
  return true;
}

async function switchPlugin(
  connection: MysqlConnection,
  account: Account,
  request: AuthRequest,
): Promise<Uint8Array | null> {
  const pluginAuth = (connection.capabilities & Capability.PLUGIN_AUTH) !== 0;
  // A client without PLUGIN_AUTH speaks mysql_native_password and cannot be switched.
  if (!pluginAuth) {
    if (account.plugin === 'mysql_native_password') return request.authResponse;
    const message =
      'Client does not support authentication protocol requested by server; consider upgrading MariaDB client';
    await connection.refuse(ServerError.NOT_SUPPORTED_AUTH_MODE, message);
    return null;
  }
  const sink = connection.sink();
  sink.packet(encodeAuthSwitchRequest(account.plugin, connection.scramble));
  await connection.flush(sink);
  const packet = await connection.nextPacket();
  return packet === null ? null : packet.payload;
}

async function deny(
  connection: MysqlConnection,
  user: string,
  usingPassword: boolean,
): Promise<false> {
  const message = `Access denied for user '${user}'@'${connection.host}' (using password: ${usingPassword ? 'YES' : 'NO'})`;
  connection.context.log('info', `connection ${connection.id}: ${message}`);
  await connection.refuse(ServerError.ACCESS_DENIED, message);
  return false;
}

async function sendMoreData(connection: MysqlConnection, data: Uint8Array): Promise<void> {
  const sink = connection.sink();
  sink.packet(encodeAuthMoreData(data));
  await connection.flush(sink);
}

/** caching_sha2_password: fast auth from the cache, else full authentication. */
async function cachingSha2(
  connection: MysqlConnection,
  user: string,
  account: Account,
  proof: Uint8Array,
): Promise<boolean> {
  if (account.authenticationString === '')
    return proof.length === 0 || (proof.length === 1 && proof[0] === 0);
  if (proof.length === 0) return false;
  const cacheKey = `${user}\0${account.authenticationString}`;
  const cached = connection.context.sha2Cache.get(cacheKey);
  if (cached !== undefined) {
    if (!verifyCachingSha2Proof(cached, connection.scramble, proof)) return false;
    await sendMoreData(connection, new Uint8Array([FAST_AUTH_SUCCESS]));
    return true;
  }
  await sendMoreData(connection, new Uint8Array([PERFORM_FULL_AUTHENTICATION]));
  const password = await fullAuthenticationPassword(connection);
  if (password === null || !verifyCachingSha2Password(account.authenticationString, password)) {
    return false;
  }
  connection.context.sha2Cache.set(cacheKey, cachingSha2Digest(password));
  return true;
}

/** The cleartext password of full authentication, or null if the client cannot give it safely. */
async function fullAuthenticationPassword(connection: MysqlConnection): Promise<string | null> {
  const packet = await connection.nextPacket();
  if (packet === null) return null;
  if (connection.secure) return cleartextPassword(packet.payload);
  const isKeyRequest = packet.payload.length === 1 && packet.payload[0] === REQUEST_PUBLIC_KEY;
  // Without TLS a cleartext password would cross the network; only the RSA exchange is allowed.
  if (!isKeyRequest || !connection.context.publicKeyRetrieval) return null;
  const keys = connection.context.rsaKeys();
  await sendMoreData(connection, utf8Encode(keys.publicKeyPem));
  const encrypted = await connection.nextPacket();
  if (encrypted === null) return null;
  return decryptRsaPassword(keys.privateKey, encrypted.payload, connection.scramble);
}
