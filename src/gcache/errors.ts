// Error values of the gcache. Bytes read from disk are untrusted: what is wrong with them comes
// back as one of these, naming the file and offset, and never as a thrown exception.
import type { RecordProblem } from './record.js';

export type GCacheOpenError =
  /** Damaged bytes that an fsync had covered (or in a segment that is not the last). */
  | {
      readonly kind: 'corrupt_record';
      readonly file: string;
      readonly offsetBytes: number;
      readonly problem: RecordProblem;
    }
  /** An intact record (its CRC matched) whose content is impossible for the log there. */
  | {
      readonly kind: 'bad_record';
      readonly file: string;
      readonly offsetBytes: number;
      readonly detail: string;
    }
  /** A segment that replay needs is not in the directory. */
  | { readonly kind: 'missing_segment'; readonly detail: string }
  /** The log exists but its hard state file does not (the vote would be lost). */
  | { readonly kind: 'missing_hard_state'; readonly file: string }
  | { readonly kind: 'bad_hard_state'; readonly file: string; readonly detail: string }
  /** A file that looks like a segment but whose name does not parse. */
  | { readonly kind: 'bad_file_name'; readonly file: string }
  /** An encrypted segment's key (id, version) is not in the key file, or is another key. */
  | {
      readonly kind: 'missing_key' | 'wrong_key';
      readonly file: string;
      readonly keyId: number;
      readonly keyVersion: number;
    }
  /** The file system refused (permissions, no space, I/O error). */
  | { readonly kind: 'io'; readonly file: string; readonly detail: string };

export type GCacheReadError = {
  readonly kind: 'corrupt_record';
  readonly file: string;
  readonly offsetBytes: number;
  readonly detail: string;
};

export function describeGCacheError(error: GCacheOpenError | GCacheReadError): string {
  switch (error.kind) {
    case 'corrupt_record':
      return `gcache: corrupt record in ${error.file} at offset ${error.offsetBytes}: ${
        'problem' in error ? error.problem : error.detail
      }`;
    case 'bad_record':
      return `gcache: bad record in ${error.file} at offset ${error.offsetBytes}: ${error.detail}`;
    case 'missing_segment':
      return `gcache: missing segment: ${error.detail}`;
    case 'missing_hard_state':
      return `gcache: the log exists but ${error.file} does not`;
    case 'bad_hard_state':
      return `gcache: ${error.file}: ${error.detail}`;
    case 'bad_file_name':
      return `gcache: cannot parse the segment file name ${error.file}`;
    case 'missing_key':
      return `gcache: ${error.file} is encrypted with key id ${error.keyId} version ${error.keyVersion}, which the keys this node was given do not hold`;
    case 'wrong_key':
      return `gcache: ${error.file} is encrypted with key id ${error.keyId} version ${error.keyVersion}, and the key of that id and version this node was given is a different key (another key file?)`;
    case 'io':
      return `gcache: ${error.file}: ${error.detail}`;
  }
}

export function ioDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
