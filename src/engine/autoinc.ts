// AUTO_INCREMENT: a per-table allocator that never hands one value to two transactions in
// flight, and the INSERT rewrite that supplies its values explicitly. SQLite would generate
// ids inside each local transaction, but a local transaction's rows are rolled back at COMMIT
// and only reappear when the write-set is applied, so the next transaction would be given the
// same id and lose certification. The allocator remembers what it handed out; the floor (the
// largest id stored, or sqlite_sequence) is re-read at each allocation, so rows that arrive by
// replication or with explicit ids are respected. Values follow auto_increment_increment and
// auto_increment_offset (which wsrep_auto_increment_control sets from the cluster size).
import type { Expr, Insert, Literal, Param, TableDef, Template } from '../sql/index.js';

export interface AutoIncrementSettings {
  readonly increment: number;
  readonly offset: number;
}

/** Where each extra slot's value comes from: a slot of the statement, or nothing (generate). */
export interface ExtraSlot {
  readonly source: number | null;
}

export interface RewrittenInsert {
  readonly statement: Insert;
  readonly extras: readonly ExtraSlot[];
  readonly column: string;
}

const equalsIgnoreCase = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function isValueSlot(e: Expr): e is Literal | Param {
  return (e.kind === 'literal' && e.slot !== null) || e.kind === 'param';
}

function isGenerate(e: Expr): boolean {
  return e.kind === 'default' || (e.kind === 'literal' && e.type === 'null');
}

/**
 * The INSERT with every row's AUTO_INCREMENT value turned into a fresh slot (numbered from
 * `slotBase`), or null when the statement needs no rewrite (no such column, INSERT … SELECT).
 */
export function rewriteInsert(
  s: Insert,
  table: TableDef,
  slotBase: number,
): RewrittenInsert | null {
  const column = table.autoIncrement;
  if (column === null) return null;
  const extras: ExtraSlot[] = [];
  const fresh = (source: number | null): Param => {
    extras.push({ source });
    return { kind: 'param', slot: slotBase + extras.length - 1 };
  };
  const replace = (e: Expr): Expr => {
    if (isValueSlot(e)) return fresh(e.slot);
    if (isGenerate(e)) return fresh(null);
    return e;
  };
  if (s.source.kind === 'values') {
    const columns = s.columns ?? table.columns.map((c) => c.name);
    const at = columns.findIndex((c) => equalsIgnoreCase(c, column));
    if (at < 0) {
      const rows = s.source.rows.map((row) => [...row, fresh(null)]);
      return {
        statement: { ...s, columns: [...columns, column], source: { kind: 'values', rows } },
        extras,
        column,
      };
    }
    const rows = s.source.rows.map((row) => row.map((e, i) => (i === at ? replace(e) : e)));
    return { statement: { ...s, source: { kind: 'values', rows } }, extras, column };
  }
  if (s.source.kind === 'set') {
    const assignments = s.source.assignments;
    const at = assignments.findIndex((a) => equalsIgnoreCase(a.column.column, column));
    const next =
      at < 0
        ? [
            ...assignments,
            {
              column: { kind: 'column' as const, db: null, table: null, column },
              value: fresh(null),
            },
          ]
        : assignments.map((a, i) => (i === at ? { ...a, value: replace(a.value) } : a));
    return { statement: { ...s, source: { kind: 'set', assignments: next } }, extras, column };
  }
  return null;
}

/** Rewrites are memoized per template and catalog version, like translations. */
export class RewriteCache {
  private readonly memo = new WeakMap<Template, Map<string, RewrittenInsert | null>>();

  get(template: Template, key: string, make: () => RewrittenInsert | null): RewrittenInsert | null {
    let byKey = this.memo.get(template);
    if (byKey === undefined) {
      byKey = new Map();
      this.memo.set(template, byKey);
    }
    if (byKey.has(key)) return byKey.get(key)!;
    if (byKey.size > 4) byKey.clear();
    const made = make();
    byKey.set(key, made);
    return made;
  }
}

export class AutoIncrementAllocator {
  /** The largest value handed out per SQLite table. */
  private readonly handedOut = new Map<string, bigint>();

  /**
   * `count` values for `table` above both `floor` (what the table holds) and everything handed
   * out before, each ≡ offset (mod increment).
   */
  allocate(
    sqliteTable: string,
    count: number,
    floor: bigint,
    settings: AutoIncrementSettings,
  ): bigint[] {
    const increment = BigInt(Math.max(1, settings.increment));
    const offset = BigInt(Math.max(1, Math.min(settings.offset, settings.increment)));
    let last = this.handedOut.get(sqliteTable) ?? 0n;
    if (floor > last) last = floor;
    const out: bigint[] = [];
    for (let i = 0; i < count; i++) {
      // The smallest v > last with v ≡ offset (mod increment).
      let v = last < offset ? offset : ((last - offset) / increment + 1n) * increment + offset;
      if (v <= last) v += increment;
      out.push(v);
      last = v;
    }
    this.handedOut.set(sqliteTable, last);
    return out;
  }

  /** The last value handed out for the table (undefined: none yet). */
  last(sqliteTable: string): bigint | undefined {
    return this.handedOut.get(sqliteTable);
  }

  /**
   * Takes back the values a statement was handed that wrote no row (a value it could not store,
   * as MariaDB's, whose row fails before it takes an id): `last` becomes `before` again when
   * `handed` is still the last value handed out (nothing was allocated since).
   */
  giveBack(sqliteTable: string, handed: bigint, before: bigint | undefined): void {
    if (this.handedOut.get(sqliteTable) !== handed) return;
    if (before === undefined) this.handedOut.delete(sqliteTable);
    else this.handedOut.set(sqliteTable, before);
  }

  /** An explicit value was stored: later allocations go above it. */
  observe(sqliteTable: string, value: bigint): void {
    const last = this.handedOut.get(sqliteTable) ?? 0n;
    if (value > last) this.handedOut.set(sqliteTable, value);
  }

  /** The next value SHOW CREATE TABLE reports. */
  peek(sqliteTable: string, floor: bigint): bigint {
    const last = this.handedOut.get(sqliteTable) ?? 0n;
    return (floor > last ? floor : last) + 1n;
  }

  /** TRUNCATE / DROP: forget the table. */
  forget(sqliteTable: string): void {
    this.handedOut.delete(sqliteTable);
  }

  forgetAll(): void {
    this.handedOut.clear();
  }
}
