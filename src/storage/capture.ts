// Capture of a local transaction's row changes, and their collapse into a write-set's keys and
// row images. See docs/design/storage.md, "Capture".
//
// TEMP triggers on the session connection append (table, op, old key, new key) to a TEMP table.
// Both live in the connection's temp schema, which takes part in the main transaction: a
// statement that fails, a ROLLBACK TO a savepoint and the final ROLLBACK drop captured rows
// together with the changes they describe. Write-sets applied on this connection (the store
// does so unless a foreign key is involved) run with capture paused: the triggers' WHEN asks
// CAPTURE_GUARD, a function of this connection. Only keys are captured; the final after-image is
// read by key at commit, which is exactly "the row as it is now".
import type Database from 'better-sqlite3';
import { assert } from '../core/assert.js';
import {
  encodeKeyValues,
  type CertificationKey,
  type RowImage,
  type SqlValue,
} from '../codec/index.js';
import { KEY_COLUMNS_MAX } from './limits.js';
import { quoteId } from './names.js';
import {
  keyArity,
  keyExpressions,
  type KeyCollations,
  type KeyPrefix,
  type TableInfo,
} from './schema.js';

export const CAPTURE_TABLE = '_trireme_capture';
/** The capture triggers' guard: 1 unless capture is paused (Capture.paused). */
const CAPTURE_GUARD = '_trireme_captures';

/** Row changes of some statements, by kind. */
export interface RowOps {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}
/** Name of the CHECK that bounds captured rows; its failure message carries this name. */
export const CAPTURE_ROWS_CONSTRAINT = '_trireme_rows_max';
const TRIGGER_PREFIX = '_trireme_capture_';
const OP_INSERT = 1n;
const OP_UPDATE = 2n;
const OP_DELETE = 3n;

/**
 * A unique index's certification keys name the table `<table>\u0000<column positions>`, e.g.
 * "t\u00001,2" for an index over the image's columns 1 and 2. MySQL names cannot contain
 * U+0000, so these never collide with row keys; positions (not index names) keep the field
 * within the codec's identifierBytesMax.
 */
export const UNIQUE_KEY_SEPARATOR = '\u0000';

/**
 * A key's value as a 1062 shows its prefix (MariaDB prints the prefix): the first N characters
 * (code points) of a text or of a number's digits, the first N bytes of a blob. Certification
 * takes the prefix from SQLite instead (Capture.prefixed), which is exact for every value.
 */
export function prefixOf(value: SqlValue, prefix: number | null): SqlValue {
  if (prefix === null || value === null) return value;
  if (value instanceof Uint8Array)
    return value.length <= prefix ? value : value.subarray(0, prefix);
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= prefix) return text;
  let end = 0;
  for (let n = 0; n < prefix && end < text.length; n++) {
    const code = text.charCodeAt(end);
    end += code >= 0xd800 && code <= 0xdbff && end + 1 < text.length ? 2 : 1;
  }
  return text.slice(0, end);
}

/**
 * Marks a key of collated values (collatedKey): `<table>\u0000*` for a primary key,
 * `<table>\u0000<positions>*` for a unique index. Beside the key of the values as written, which
 * a node of an earlier release also gives (so both still meet there), not instead of it.
 */
export const COLLATED_KEY_MARK = '*';

export interface CapturedChanges {
  readonly rows: RowImage[];
  readonly keys: CertificationKey[];
}

interface Entry {
  readonly info: TableInfo;
  readonly keyValues: SqlValue[];
  readonly keyBytes: Uint8Array;
  readonly existedBefore: boolean;
  existsAfter: boolean;
}

const columnNames = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

export class Capture {
  private readonly idsByName = new Map<string, number>();
  private readonly tablesById = new Map<number, TableInfo>();
  private idNext = 1;
  private arityMax = 1;
  private readStatement: Database.Statement<[number], unknown[]> | null = null;
  private markStatement: Database.Statement<[], bigint | null> | null = null;
  private clearStatement: Database.Statement<[], unknown> | null = null;
  private opsStatement: Database.Statement<[number], [bigint, bigint, bigint]> | null = null;
  private readonly imageStatements = new Map<number, Database.Statement<[SqlValue[]], unknown[]>>();
  private weightStatement: Database.Statement<[SqlValue, string], Uint8Array | null> | null = null;
  private prefixStatements: Database.Statement<[SqlValue, number], SqlValue>[] | null = null;

  /**
   * What a prefix key part's index holds of `value`, computed by SQLite with the index's own
   * expression (schema.ts, KeyPrefix): a number's text, a text's characters, a blob's bytes
   * agree with the index whatever the column's type.
   */
  private prefixed(value: SqlValue, prefix: KeyPrefix | null): SqlValue {
    if (prefix === null || value === null) return value;
    this.prefixStatements ??= [
      this.db.prepare<[SqlValue, number], SqlValue>('SELECT substr(?, 1, ?)').pluck(),
      this.db.prepare<[SqlValue, number], SqlValue>('SELECT substr(CAST(? AS BLOB), 1, ?)').pluck(),
    ];
    return this.prefixStatements[prefix.bytes ? 1 : 0]!.get(value, prefix.length) as SqlValue;
  }

  private capturing = true;

  constructor(private readonly db: Database.Database) {}

  /** Creates the capture table in the connection's temp schema; once per connection. */
  install(rowsMax: number): void {
    assert(Number.isSafeInteger(rowsMax) && rowsMax > 0, 'captureRowsMax');
    this.db.function(CAPTURE_GUARD, { deterministic: false }, () => (this.capturing ? 1 : 0));
    const keys = [...columnNames('o', KEY_COLUMNS_MAX), ...columnNames('n', KEY_COLUMNS_MAX)];
    this.db.exec(
      `CREATE TEMP TABLE ${CAPTURE_TABLE} (seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, ` +
        `op INTEGER NOT NULL, ${keys.join(', ')}, ` +
        `CONSTRAINT ${CAPTURE_ROWS_CONSTRAINT} CHECK (seq <= ${rowsMax}))`,
    );
  }

  /** (Re)creates the triggers of every table in `tables` and drops those of vanished tables. */
  refreshAll(tables: ReadonlyMap<string, TableInfo>): void {
    this.assertIdle();
    const triggers = this.db
      .prepare<[], string>(
        `SELECT name FROM temp.sqlite_schema WHERE type = 'trigger' AND substr(name, 1, ${TRIGGER_PREFIX.length}) = '${TRIGGER_PREFIX}'`,
      )
      .pluck()
      .all();
    for (const trigger of triggers) this.db.exec(`DROP TRIGGER IF EXISTS temp.${quoteId(trigger)}`);
    this.idsByName.clear();
    this.tablesById.clear();
    for (const info of tables.values()) this.install1(info);
    this.changed();
  }

  /** (Re)creates one table's triggers; `info` null means the table is gone. */
  refreshOne(sqliteName: string, info: TableInfo | null): void {
    this.assertIdle();
    const id = this.idsByName.get(sqliteName);
    if (id !== undefined) {
      for (const op of ['i', 'u', 'd']) {
        this.db.exec(`DROP TRIGGER IF EXISTS temp.${quoteId(`${TRIGGER_PREFIX}${id}${op}`)}`);
      }
      this.idsByName.delete(sqliteName);
      this.tablesById.delete(id);
    }
    if (info !== null) this.install1(info);
    this.changed();
  }

  private install1(info: TableInfo): void {
    const id = this.idNext++;
    const keys = keyExpressions(info);
    const olds = keys.map((key) => `OLD.${key}`).join(', ');
    const news = keys.map((key) => `NEW.${key}`).join(', ');
    const oColumns = columnNames('o', keys.length).join(', ');
    const nColumns = columnNames('n', keys.length).join(', ');
    // Statements inside a trigger take unqualified names; a TEMP trigger resolves temp first.
    const into = `INSERT INTO ${CAPTURE_TABLE}`;
    const on = `ON main.${quoteId(info.sqliteName)}`;
    const name = (op: string): string => quoteId(`${TRIGGER_PREFIX}${id}${op}`);
    const when = `WHEN ${CAPTURE_GUARD}()`;
    this.db.exec(
      `CREATE TEMP TRIGGER ${name('i')} AFTER INSERT ${on} ${when} BEGIN ` +
        `${into} (tbl, op, ${nColumns}) VALUES (${id}, ${OP_INSERT}, ${news}); END;` +
        `CREATE TEMP TRIGGER ${name('u')} AFTER UPDATE ${on} ${when} BEGIN ` +
        `${into} (tbl, op, ${oColumns}, ${nColumns}) VALUES (${id}, ${OP_UPDATE}, ${olds}, ${news}); END;` +
        `CREATE TEMP TRIGGER ${name('d')} AFTER DELETE ${on} ${when} BEGIN ` +
        `${into} (tbl, op, ${oColumns}) VALUES (${id}, ${OP_DELETE}, ${olds}); END;`,
    );
    this.idsByName.set(info.sqliteName, id);
    this.tablesById.set(id, info);
  }

  private changed(): void {
    this.arityMax = 1;
    for (const info of this.tablesById.values()) {
      this.arityMax = Math.max(this.arityMax, keyArity(info));
    }
    this.readStatement = null;
    this.imageStatements.clear();
  }

  /** Runs `write` with capture off: rows it changes are not the transaction's (applied rows). */
  paused<T>(write: () => T): T {
    assert(this.capturing, 'capture paused twice');
    this.capturing = false;
    try {
      return write();
    } finally {
      this.capturing = true;
    }
  }

  private assertIdle(): void {
    // Trigger DDL inside a transaction would be undone by its rollback.
    assert(!this.db.inTransaction, 'capture refreshed inside a transaction');
  }

  /** The transaction's changes, collapsed per row, with final images read by key. */
  collect(): CapturedChanges {
    assert(this.db.inTransaction, 'collect outside a transaction');
    const entries = this.collapse(0);
    const rows: RowImage[] = [];
    const keys: CertificationKey[] = [];
    const parents = new Set<string>();
    for (const entry of entries) {
      const { database, table } = entry.info;
      if (!entry.existedBefore && !entry.existsAfter) continue;
      this.pushRowKeys(keys, entry);
      if (!entry.existsAfter) {
        rows.push({ op: 'delete', database, table, key: entry.keyBytes, after: null });
        continue;
      }
      const after = this.image(entry);
      const op = entry.existedBefore ? 'update' : 'insert';
      rows.push({ op, database, table, key: entry.keyBytes, after });
      this.pushUniqueKeys(keys, entry.info, after);
      this.pushParentKeys(keys, parents, entry.info, after);
    }
    return { rows, keys };
  }

  /** The row's key, and its collated twin where the primary key has collated parts. */
  private pushRowKeys(keys: CertificationKey[], entry: Entry): void {
    const { database, table, keyCollations } = entry.info;
    this.pushWithTwin(
      keys,
      { database, table, keyBytes: entry.keyBytes, exclusive: true },
      entry.keyValues,
      keyCollations,
      `${table}${UNIQUE_KEY_SEPARATOR}${COLLATED_KEY_MARK}`,
    );
  }

  /** `key`, then its collated twin (collatedKey) under `twinTable` where a part is collated. */
  private pushWithTwin(
    keys: CertificationKey[],
    key: CertificationKey,
    values: readonly SqlValue[],
    collations: KeyCollations,
    twinTable: string,
  ): void {
    keys.push(key);
    const collated = this.collatedKey(values, collations);
    if (collated !== null) keys.push({ ...key, table: twinTable, keyBytes: collated });
  }

  /**
   * One key per UNIQUE index of `info` whose parts in the after-image `after` are all non-NULL,
   * and its collated twin where the index has collated parts.
   */
  private pushUniqueKeys(
    keys: CertificationKey[],
    info: TableInfo,
    after: readonly SqlValue[],
  ): void {
    for (const index of info.uniqueIndexes) {
      const values = index.positions.map((position, i) =>
        this.prefixed(after[position] ?? null, index.prefixes[i] ?? null),
      );
      // A unique index admits many NULLs, so a NULL part claims nothing.
      if (values.some((value) => value === null)) continue;
      // A prefix part is named `position/length` ('abcX' and 'abcY' are one key under v(3)).
      const parts = index.positions.map((position, i) => {
        const prefix = index.prefixes[i] ?? null;
        return prefix === null ? String(position) : `${position}/${prefix.length}`;
      });
      const table = `${info.table}${UNIQUE_KEY_SEPARATOR}${parts.join(',')}`;
      this.pushWithTwin(
        keys,
        { database: info.database, table, keyBytes: encodeKeyValues(values), exclusive: true },
        values,
        index.collations,
        `${table}${COLLATED_KEY_MARK}`,
      );
    }
  }

  /**
   * One shared key per foreign key of `info` whose parts in `after` are all non-NULL: the parent
   * row the child row needs (and its collated twin, which the parent's delete claims too). A
   * parent row deleted (or its key changed) by a concurrent write-set holds it exclusively, so
   * one of the two fails certification instead of leaving an orphan; two children of one parent
   * do not conflict.
   */
  private pushParentKeys(
    keys: CertificationKey[],
    seen: Set<string>,
    info: TableInfo,
    after: readonly SqlValue[],
  ): void {
    for (const parent of info.parentKeys) {
      const values = parent.positions.map((position) => after[position] ?? null);
      if (values.some((value) => value === null)) continue;
      const key = keyOf(values);
      // Many children of one parent need it once.
      const id = `${parent.database.length}:${parent.database}${parent.table.length}:${parent.table}${key.text}`;
      if (seen.has(id)) continue;
      seen.add(id);
      this.pushWithTwin(
        keys,
        { database: parent.database, table: parent.table, keyBytes: key.bytes, exclusive: false },
        values,
        parent.collations,
        `${parent.table}${UNIQUE_KEY_SEPARATOR}${COLLATED_KEY_MARK}`,
      );
    }
  }

  /**
   * The key of `values` as their index compares them: each collated part replaced by its weights
   * under the collation (collations.c, mysql_weight_key), so 'A@x' and 'a@x ' give one key under
   * utf8mb4_general_ci. Null when no part is collated.
   */
  private collatedKey(values: readonly SqlValue[], collations: KeyCollations): Uint8Array | null {
    if (collations.length === 0) return null;
    this.weightStatement ??= this.db
      .prepare<[SqlValue, string], Uint8Array | null>('SELECT mysql_weight_key(?, ?)')
      .pluck();
    const weighed = values.map((value, i) => {
      const collation = collations[i] ?? null;
      if (collation === null || value === null) return value;
      return this.weightStatement!.get(value, collation) as SqlValue;
    });
    return encodeKeyValues(weighed);
  }

  /**
   * Forgets what was captured, inside the transaction: before a local transaction is committed
   * in place (Store.applyBatch), whose captured rows would otherwise outlive it in the temp table.
   */
  clear(): void {
    assert(this.db.inTransaction, 'clear outside a transaction');
    this.clearStatement ??= this.db.prepare(`DELETE FROM temp.${CAPTURE_TABLE}`);
    this.clearStatement.run();
  }

  /** How many rows were captured so far: a mark for keysSince. */
  mark(): number {
    assert(this.db.inTransaction, 'mark outside a transaction');
    this.markStatement ??= this.db
      .prepare<[], bigint | null>(`SELECT max(seq) FROM temp.${CAPTURE_TABLE}`)
      .pluck();
    const seq = this.markStatement.get();
    return seq === null || seq === undefined ? 0 : Number(seq);
  }

  /**
   * The row changes captured after `mark`, by kind: one per trigger, so the rows REPLACE
   * deletes count (recursive triggers are on) and an upsert's update counts as an update.
   */
  opsSince(mark: number, sqliteName: string | null = null): RowOps {
    assert(this.db.inTransaction, 'opsSince outside a transaction');
    this.opsStatement ??= this.db
      .prepare<[number], [bigint, bigint, bigint]>(
        `SELECT tbl, op, count(*) FROM temp.${CAPTURE_TABLE} WHERE seq > ? GROUP BY tbl, op`,
      )
      .raw(true);
    // Only the named table's rows when asked: a cascade's changes to a child are not counted.
    const only = sqliteName === null ? null : (this.idsByName.get(sqliteName) ?? -1);
    const ops = { inserted: 0, updated: 0, deleted: 0 };
    for (const [tbl, op, count] of this.opsStatement.all(mark)) {
      if (only !== null && Number(tbl) !== only) continue;
      if (op === OP_INSERT) ops.inserted += Number(count);
      else if (op === OP_UPDATE) ops.updated += Number(count);
      else ops.deleted += Number(count);
    }
    return ops;
  }

  /**
   * The certification keys of the rows captured after `mark` (one statement's changes): the
   * same row and unique keys collect() would give those rows, each read as the row is now. A
   * row that statement both inserted and deleted claims nothing, as in collect().
   */
  keysSince(mark: number): CertificationKey[] {
    assert(this.db.inTransaction, 'keysSince outside a transaction');
    const keys: CertificationKey[] = [];
    for (const entry of this.collapse(mark)) {
      if (!entry.existedBefore && !entry.existsAfter) continue;
      this.pushRowKeys(keys, entry);
      if (entry.existsAfter && entry.info.uniqueIndexes.length > 0)
        this.pushUniqueKeys(keys, entry.info, this.image(entry));
    }
    return keys;
  }

  /** The rows captured after `mark`, collapsed per (table, key) in order of first change. */
  private collapse(mark: number): Entry[] {
    const arity = this.arityMax;
    if (this.readStatement === null) {
      const columns = [...columnNames('o', arity), ...columnNames('n', arity)].join(', ');
      this.readStatement = this.db
        .prepare<[number], unknown[]>(
          `SELECT tbl, op, ${columns} FROM temp.${CAPTURE_TABLE} WHERE seq > ? ORDER BY seq`,
        )
        .raw(true);
    }
    const entries = new Map<string, Entry>();
    const note = (
      tbl: number,
      info: TableInfo,
      key: Key,
      before: boolean,
      after: boolean,
    ): void => {
      const id = `${tbl}:${key.text}`;
      const entry = entries.get(id);
      if (entry === undefined) {
        entries.set(id, {
          info,
          keyValues: key.values,
          keyBytes: key.bytes,
          existedBefore: before,
          existsAfter: after,
        });
      } else {
        entry.existsAfter = after;
      }
    };
    // all() rather than iterate(): a transaction's capture is bounded, and all() is faster.
    for (const row of this.readStatement.all(mark)) {
      const tbl = Number(row[0] as bigint);
      const op = row[1] as bigint;
      const info = this.tablesById.get(tbl);
      assert(info !== undefined, 'a captured row names an unknown table');
      const width = keyArity(info);
      if (op === OP_INSERT) {
        note(tbl, info, keyOf(row.slice(2 + arity, 2 + arity + width) as SqlValue[]), false, true);
      } else if (op === OP_DELETE) {
        note(tbl, info, keyOf(row.slice(2, 2 + width) as SqlValue[]), true, false);
      } else {
        assert(op === OP_UPDATE, 'captured op');
        const old = keyOf(row.slice(2, 2 + width) as SqlValue[]);
        const now = keyOf(row.slice(2 + arity, 2 + arity + width) as SqlValue[]);
        if (old.text === now.text) {
          note(tbl, info, now, true, true);
        } else {
          // A changed primary key moves the row: delete the old key, insert the new one.
          note(tbl, info, old, true, false);
          note(tbl, info, now, false, true);
        }
      }
    }
    return [...entries.values()];
  }

  private image(entry: Entry): SqlValue[] {
    const info = entry.info;
    const id = this.idsByName.get(info.sqliteName);
    assert(id !== undefined, 'image of an uncaptured table');
    let statement = this.imageStatements.get(id);
    if (statement === undefined) {
      const where = keyExpressions(info)
        .map((key) => `${key} IS ?`)
        .join(' AND ');
      statement = this.db
        .prepare<[SqlValue[]], unknown[]>(
          `SELECT ${info.columns.map(quoteId).join(', ')} FROM main.${quoteId(info.sqliteName)} WHERE ${where}`,
        )
        .raw(true);
      this.imageStatements.set(id, statement);
    }
    const row = statement.get(entry.keyValues);
    assert(row !== undefined, 'a row captured as present is gone');
    return row as SqlValue[];
  }
}

interface Key {
  readonly values: SqlValue[];
  readonly bytes: Uint8Array;
  /** The bytes as a string, for Map keys and equality. */
  readonly text: string;
}

function keyOf(values: SqlValue[]): Key {
  const bytes = encodeKeyValues(values);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return { values, bytes, text };
}
