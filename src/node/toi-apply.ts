// Applying one TOI (DDL) write-set at its seqno, the same way on every node and in both
// replicators: translate the MySQL text against the catalog as it stands there, run the SQLite
// statements with the catalog change in one transaction, and, when the DDL cannot be done, skip
// the seqno alike everywhere and give the origin MySQL's error. See docs/design/runtime.md.
import { DDL_RULES_OLDEST, type WriteSet } from '../codec/index.js';
import type { Index } from '../core/types.js';
import { describeApplyError, type Store } from '../storage/index.js';
import type { DdlFailure, ToiTranslator } from '../engine/replicator.js';

export type ToiApplied =
  | { readonly kind: 'committed' }
  /** Nothing applied, the seqno skipped on every node alike; the origin's client gets this. */
  | ({ readonly kind: 'failed' } & DdlFailure)
  /** This node could not apply it while others may have: it must stop rather than diverge. */
  | { readonly kind: 'fatal'; readonly reason: string };

/**
 * SQLite's refusals that depend only on the statement and the data, which every node holds
 * alike at this seqno (a UNIQUE key over duplicates, NOT NULL over NULLs): every node refuses
 * the DDL. Anything else (I/O, a full disk, corruption, memory) is this node's own trouble.
 */
function refusedAlike(code: string): boolean {
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_ERROR' ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_RANGE'
  );
}

export async function applyToiWriteSet(
  store: Store,
  translator: ToiTranslator | null,
  seqno: Index,
  writeSet: WriteSet,
  /** What the TOI left in the certification window, kept with its seqno whether it runs or not. */
  certKeys: readonly string[] | null = null,
): Promise<ToiApplied> {
  const keys = certKeys ?? undefined;
  const translated =
    translator === null
      ? ({
          ok: false,
          code: 1105,
          sqlState: 'HY000',
          message: 'this node cannot run DDL yet',
        } as const)
      : translator.translate(
          seqno,
          writeSet.statements,
          writeSet.flags.ddlRules ?? DDL_RULES_OLDEST,
        );
  if (!translated.ok) return skip(store, seqno, translated, keys);
  const result = await store.applyToi(seqno, translated.sqlite, translated.catalog, keys);
  if (result.ok) {
    translator!.applied(seqno);
    return { kind: 'committed' };
  }
  const error = result.error;
  if (error.kind === 'ddl_failed' && refusedAlike(error.code))
    return skip(store, seqno, translator!.refused(seqno, error.code, error.message), keys);
  return { kind: 'fatal', reason: describeApplyError(error) };
}

async function skip(
  store: Store,
  seqno: Index,
  failure: DdlFailure,
  certKeys: readonly string[] | undefined,
): Promise<ToiApplied> {
  const item =
    certKeys === undefined ? { seqno, writeSet: null } : { seqno, writeSet: null, certKeys };
  const skipped = await store.applyBatch([item]);
  if (!skipped.ok) return { kind: 'fatal', reason: describeApplyError(skipped.error) };
  return {
    kind: 'failed',
    code: failure.code,
    sqlState: failure.sqlState,
    message: failure.message,
  };
}
