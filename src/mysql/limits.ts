// Named bounds of the MySQL protocol layer. Decoders take the limits they enforce as arguments;
// these are the defaults and the protocol's own fixed sizes.

/** Largest payload of one wire frame; a payload this long or longer continues in the next frame. */
export const FRAME_PAYLOAD_BYTES_MAX = 0xffffff;
/** Default max_allowed_packet: MariaDB 10.11's default, 16 MiB. */
export const MAX_ALLOWED_PACKET_BYTES_DEFAULT = 16 * 1024 * 1024;
/** The largest max_allowed_packet a server accepts as an option (MariaDB's ceiling, 1 GiB). */
export const MAX_ALLOWED_PACKET_BYTES_CEILING = 1024 * 1024 * 1024;
/** Default max_connections (MariaDB's default is 151). */
export const MAX_CONNECTIONS_DEFAULT = 151;
/** Handshake packets are small; anything larger before authentication is refused. */
export const HANDSHAKE_PACKET_BYTES_MAX = 64 * 1024;
/** Length of the authentication scramble (nonce) sent in the handshake. */
export const SCRAMBLE_BYTES = 20;
/** Round trips an authentication exchange may take before the server gives up. */
export const AUTH_ROUND_TRIPS_MAX = 4;
/** Prepared statements one connection may hold (MariaDB's max_prepared_stmt_count is global). */
export const PREPARED_STATEMENTS_PER_CONNECTION_MAX = 16382;
/** Parameters of one prepared statement: the count is a 2-byte field. */
export const STATEMENT_PARAMS_MAX = 0xffff;
/** Connection attributes a client may send, summed over keys and values. */
export const CONNECT_ATTRS_BYTES_MAX = 64 * 1024;
/** Bytes of the socket output buffer above which the server waits for 'drain'. */
export const WRITE_BUFFER_BYTES_HIGH = 1024 * 1024;
/** Milliseconds an idle authenticated connection lives (MariaDB's wait_timeout is 8 hours). */
export const WAIT_TIMEOUT_MS_DEFAULT = 28_800_000;
/** Milliseconds a client has to finish the handshake (MariaDB's connect_timeout is 10 s). */
export const CONNECT_TIMEOUT_MS_DEFAULT = 10_000;
/** Encoded result bytes after which the server writes what it has and continues encoding. */
export const RESULT_FLUSH_BYTES = 256 * 1024;
