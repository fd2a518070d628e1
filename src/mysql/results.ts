// Encodes backend results into response packets: OK, ERR, and text or binary result sets, with
// MORE_RESULTS_EXISTS chaining for multi-statement and multi-result responses.

import { assert } from '../core/assert.js';
import type { ColumnDef, ErrorResult, QueryResult, RowsResult } from './backend.js';
import { encodeBinaryRowInto } from './binary-protocol.js';
import { ServerStatus } from './constants.js';
import type { PacketSink } from './framing.js';
import { RESULT_FLUSH_BYTES } from './limits.js';
import {
  encodeColumnCount,
  encodeColumnDef,
  encodeEndOfRows,
  encodeErr,
  encodeOk,
  encodeTextRowInto,
} from './messages.js';
import { PacketWriter } from './packet-buffer.js';

/** The writer rows are encoded in, one at a time. */
const ROW = new PacketWriter(1024);

/**
 * Each column definition's packet payload, by the definition (which is immutable), with and
 * without MariaDB's extended metadata. A payload is never written to once encoded, so one serves
 * every result.
 */
const ENCODED_COLUMNS = new WeakMap<
  ColumnDef,
  { readonly plain: Uint8Array | undefined; readonly extended: Uint8Array | undefined }
>();

export interface ResultEncoding {
  readonly deprecateEof: boolean;
  /** MariaDB's extended column metadata was negotiated. */
  readonly extendedMetadata: boolean;
  /** AUTOCOMMIT / IN_TRANS bits from the session, after the statement ran. */
  readonly statusFlags: number;
  readonly binary: boolean;
  /**
   * Called between rows once the sink holds at least RESULT_FLUSH_BYTES, so that a large result
   * set is written in pieces instead of being encoded whole in memory.
   */
  readonly flush?: (sink: PacketSink) => Promise<void>;
}

export function encodeError(sink: PacketSink, error: ErrorResult): void {
  sink.packet(encodeErr(error, error.message));
}

/** Encodes a list of results; an error ends the list. */
export async function encodeResults(
  sink: PacketSink,
  results: readonly QueryResult[],
  encoding: ResultEncoding,
): Promise<void> {
  if (results.length === 0) {
    sink.packet(
      encodeOk({
        affectedRows: 0,
        lastInsertId: 0,
        statusFlags: encoding.statusFlags,
        warnings: 0,
      }),
    );
    return;
  }
  for (const [index, result] of results.entries()) {
    const last = index === results.length - 1;
    if (result.kind === 'error') assert(last, 'an error result ends the list');
    const more = last ? 0 : ServerStatus.MORE_RESULTS_EXISTS;
    const statusFlags =
      encoding.statusFlags | more | (result.kind === 'error' ? 0 : (result.statusFlags ?? 0));
    switch (result.kind) {
      case 'ok':
        sink.packet(
          encodeOk({
            affectedRows: result.affectedRows,
            lastInsertId: result.lastInsertId,
            statusFlags,
            warnings: result.warnings,
            ...(result.info === undefined ? {} : { info: result.info }),
          }),
        );
        break;
      case 'rows':
        await encodeRowSet(sink, result, encoding, statusFlags);
        break;
      case 'error':
        encodeError(sink, result);
        break;
    }
  }
}

async function encodeRowSet(
  sink: PacketSink,
  result: RowsResult,
  encoding: ResultEncoding,
  statusFlags: number,
): Promise<void> {
  assert(result.columns.length > 0, 'a result set has columns');
  sink.packet(encodeColumnCount(result.columns.length));
  encodeColumnDefs(sink, result.columns, encoding, encoding.statusFlags);
  for (const row of result.rows) {
    assert(row.length === result.columns.length, 'a row has one value per column');
    // Encoded in one kept writer and copied into the sink: nothing allocated per row.
    ROW.reset();
    if (encoding.binary) encodeBinaryRowInto(ROW, result.columns, row);
    else encodeTextRowInto(ROW, row, result.columns);
    sink.packet(ROW.contents());
    if (encoding.flush && sink.byteCount >= RESULT_FLUSH_BYTES) await encoding.flush(sink);
  }
  sink.packet(encodeEndOfRows(encoding.deprecateEof, result.warnings ?? 0, statusFlags));
}

/** Column definitions followed, without DEPRECATE_EOF, by an EOF packet. */
export function encodeColumnDefs(
  sink: PacketSink,
  columns: readonly ColumnDef[],
  encoding: Pick<ResultEncoding, 'deprecateEof' | 'extendedMetadata'>,
  statusFlags: number,
): void {
  const extended = encoding.extendedMetadata;
  for (const column of columns) {
    // The engine keeps a cached statement's column definitions, so most are encoded once.
    const kept = ENCODED_COLUMNS.get(column);
    let bytes = extended ? kept?.extended : kept?.plain;
    if (bytes === undefined) {
      bytes = encodeColumnDef(column, false, extended);
      if (extended) ENCODED_COLUMNS.set(column, { plain: kept?.plain, extended: bytes });
      else ENCODED_COLUMNS.set(column, { plain: bytes, extended: kept?.extended });
    }
    sink.packet(bytes);
  }
  if (!encoding.deprecateEof) sink.packet(encodeEndOfRows(false, 0, statusFlags));
}
