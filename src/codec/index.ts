// The codec layer's public surface: versioned binary encodings with explicit limits.
export { err, ok, type Result } from './result.js';
export {
  escapedBytes,
  invalidUtf8At,
  mayHoldEscapedBytes,
  textBytes,
  utf8SequenceLength,
} from './bytes.js';
export {
  decodeKeyValues,
  encodeKeyValues,
  type KeyValuesError,
  type SqlValue,
} from './sql-value.js';
export {
  DDL_RULES_NEWEST,
  DDL_RULES_OLDEST,
  DEFAULT_WRITE_SET_LIMITS,
  WRITE_SET_VERSION,
  decodeWriteSet,
  describeWriteSetError,
  encodeWriteSet,
  transactionId,
  type CertificationKey,
  type DdlStatement,
  type RowImage,
  type TransactionId,
  type WriteSet,
  type WriteSetError,
  type WriteSetFlags,
  type WriteSetLimitName,
  type WriteSetLimits,
} from './write-set.js';
export {
  DEFAULT_FRAME_LIMITS,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  describeFrameError,
  encodeFrame,
  encodeFrameHeader,
  type FrameError,
  type FrameEvent,
  type FrameLimits,
  type FrameType,
} from './frame.js';
