// CRC-32 (zlib's polynomial) for the codecs.
import { crc32 } from 'node:zlib';

/**
 * The CRC-32 of `data`, continuing from `crc` (0 to start).
 *
 * An empty input must leave the CRC unchanged, but Node 20's zlib.crc32 passes a null pointer
 * for an empty Uint8Array whose ArrayBuffer has been materialised, and zlib answers 0 for a null
 * buffer whatever `crc` was. So an empty input skips the call.
 */
export function crc32Of(data: Uint8Array, crc = 0): number {
  return data.length === 0 ? crc : crc32(data, crc);
}
