// Shared fixtures for the storage tests: stores in temporary directories, and small helpers to
// run DDL and local transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { index, nodeId, type Index } from '../../src/core/types.js';
import type { SqlValue, WriteSet } from '../../src/codec/index.js';
import {
  Store,
  storePath,
  type StorageLimits,
  type StoreOptions,
  type WriterLease,
} from '../../src/storage/index.js';

export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  readonly path: string;
  /** Closes the store and removes its directory. */
  dispose(): void;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'trireme-storage-'));
}

export function openAt(
  path: string,
  name = 'n1',
  limits: Partial<StorageLimits> = {},
  extra: Partial<StoreOptions> = {},
): Store {
  const opened = Store.open({
    path,
    nodeId: nodeId(name),
    limits,
    transactionIdFirst: 1,
    ...extra,
  });
  assert.ok(opened.ok, opened.ok ? '' : JSON.stringify(opened.error));
  return opened.value;
}

export function tempStore(
  name = 'n1',
  limits: Partial<StorageLimits> = {},
  extra: Partial<StoreOptions> = {},
): TempStore {
  const dir = tempDir();
  const path = storePath(dir);
  const store = openAt(path, name, limits, extra);
  return {
    store,
    dir,
    path,
    dispose: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs DDL as the next TOI seqno; asserts it succeeds. */
export async function ddl(store: Store, ...statements: string[]): Promise<Index> {
  const seqno = index(store.appliedSeqno() + 1);
  const result = await store.applyToi(seqno, statements);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  return seqno;
}

export async function writer(store: Store, owner = 's1'): Promise<WriterLease> {
  const lease = await store.acquireWriter(owner, 1000);
  assert.ok(lease.ok, lease.ok ? '' : JSON.stringify(lease.error));
  return lease.value;
}

export function run(lease: WriterLease, sql: string, params: SqlValue[] = []): void {
  const result = lease.execute(sql, params);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
}

/** Runs statements in one local transaction and returns its write-set (asserting one exists). */
export async function transact(store: Store, ...statements: string[]): Promise<WriteSet> {
  const lease = await writer(store);
  for (const sql of statements) run(lease, sql);
  const committed = lease.commit();
  assert.ok(committed.ok && committed.value !== null, 'transaction produced no write-set');
  return committed.value;
}

/** Applies one write-set as the next seqno. */
export async function applyNext(store: Store, writeSet: WriteSet | null): Promise<void> {
  const result = await store.applyBatch([{ seqno: index(store.appliedSeqno() + 1), writeSet }]);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
}

/** All rows of a table through a reader snapshot. */
export function rows(store: Store, sql: string): readonly (readonly SqlValue[])[] {
  const snapshot = store.snapshot();
  assert.ok(snapshot.ok);
  try {
    const result = snapshot.value.execute(sql);
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
    return result.value.rows;
  } finally {
    snapshot.value.release();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** A committed write-set from another node (n9) carrying `rows`, as the applier receives it. */
export function remoteWriteSet(rows: WriteSet['rows']): WriteSet {
  return {
    originNodeId: 'n9' as WriteSet['originNodeId'],
    originTransactionId: 1 as WriteSet['originTransactionId'],
    seqnoSnapshot: index(0),
    flags: { commit: true, rollback: false, toi: false, paUnsafe: false },
    keys: [],
    rows,
    statements: [],
  };
}
