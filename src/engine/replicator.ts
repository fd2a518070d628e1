// The seam between a SQL session and replication. At COMMIT a session hands its write-set to a
// Replicator and waits for the verdict; the Replicator orders it (a cluster: the consensus log;
// a standalone node: the next local seqno), certifies it, applies it, and answers. DDL travels the
// same way as a TOI write-set whose statements every node translates and runs at its seqno.
import type { DdlStatement, WriteSet } from '../codec/index.js';
import type { Index } from '../core/types.js';
import type { CatalogUpdate } from '../storage/index.js';

export type ReplicationOutcome =
  /** Certified and applied locally at `seqno`: answer OK. */
  | { readonly kind: 'committed'; readonly seqno: Index }
  /** Lost certification to a concurrent write-set (→ ER_LOCK_DEADLOCK 1213). */
  | { readonly kind: 'cert_failed'; readonly seqno: Index; readonly reason: string }
  /**
   * A TOI statement failed at its place in the order (e.g. two nodes created the same table at
   * once): every node skipped it alike; the origin's client gets this MySQL error.
   */
  | {
      readonly kind: 'toi_failed';
      readonly seqno: Index;
      readonly code: number;
      readonly sqlState: string;
      readonly message: string;
    }
  /** This node is outside the primary component (→ 1047 WSREP has not yet prepared node…). */
  | { readonly kind: 'not_primary' }
  /** The outcome is unknown (leadership lost, timeout): → 1180-style error, the client must check. */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** Applying failed on this node: the node cannot go on (Galera would abort it). */
  | { readonly kind: 'apply_failed'; readonly reason: string };

export interface Replicator {
  /** Orders, certifies and applies a write-set; resolves once this node applied it (or not). */
  replicate(writeSet: WriteSet): Promise<ReplicationOutcome>;
  /** Causal read (wsrep_sync_wait): resolves once this node applied all that was committed. */
  syncWait(timeoutMs: number): Promise<{ readonly ok: boolean }>;
  /** Whether this node is in the primary component and may serve queries. */
  ready(): boolean;
  /** Galera's wsrep_% status variables, live. */
  status(): ReadonlyMap<string, string>;
}

/**
 * Turns the MySQL DDL of a TOI write-set into SQLite statements and the catalog change, on every
 * node, at the write-set's seqno. It must be deterministic: every node holds the same catalog at
 * the same seqno, so every node produces the same statements.
 */
/** A MySQL error to answer (a TOI that cannot be done). */
export interface DdlFailure {
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
}

/** A TOI's MySQL text as SQLite statements and the catalog change, or why it cannot be done. */
export type ToiTranslation =
  | { readonly ok: true; readonly sqlite: readonly string[]; readonly catalog: CatalogUpdate }
  | ({ readonly ok: false } & DdlFailure);

export interface ToiTranslator {
  /** `ddlRules`: the write-set's (WriteSetFlags.ddlRules, DDL_RULES_OLDEST when absent). */
  translate(seqno: Index, statements: readonly DdlStatement[], ddlRules: number): ToiTranslation;
  /** Called after the store applied a TOI write-set (reload the in-memory catalog, caches). */
  applied(seqno: Index): void;
  /**
   * SQLite refused the statements of the TOI translated last (`code`, e.g.
   * SQLITE_CONSTRAINT_UNIQUE), and its transaction was rolled back: the MySQL error MariaDB
   * would have given (1062 with the duplicate value, 1265 …).
   */
  refused(seqno: Index, code: string, message: string): DdlFailure;
}

/**
 * One file the node encrypts, as information_schema.INNODB_TABLESPACES_ENCRYPTION shows it
 * (MariaDB's columns; docs/design/encryption.md, "Status").
 */
export interface EncryptedFile {
  readonly space: number;
  readonly name: string;
  /** 1: encrypted (MariaDB's scheme 1, the key from the key management plugin). */
  readonly scheme: number;
  /** Times the key file was read (at start, and each time it changed since). */
  readonly keyserverRequests: number;
  /** The oldest key version any of the file's data is under. */
  readonly minKeyVersion: number;
  /** The newest version of its key id in the key file. */
  readonly currentKeyVersion: number;
  readonly currentKeyId: number;
  /** Being re-encrypted now (never: see encryption.md, "Background re-encryption"). */
  readonly rotating: boolean;
}

/** Encryption at rest as the node holds it: SHOW STATUS LIKE 'encrypt%' and the file list. */
export interface EncryptionReport {
  status(): readonly (readonly [string, string])[];
  files(): readonly EncryptedFile[];
}
