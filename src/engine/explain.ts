// EXPLAIN [FORMAT=JSON] of SELECT, INSERT, UPDATE, DELETE and REPLACE: SQLite's query plan for
// the translated statement (EXPLAIN QUERY PLAN, on a reader snapshot: nothing runs), told in
// MySQL's shape. SQLite names the access it chose (a scan, a search by rowid, primary key or
// index, with the index's columns and how each is constrained), the subqueries, derived tables
// and compound parts; MariaDB's columns follow from those: select_type, access type (const,
// eq_ref, ref, range, index, ALL), key, key_len from the key's column types, ref, Extra. Row
// counts are estimates, as MySQL's are: 1 for a unique lookup, else the table's row count.
// See docs/design/engine.md, "EXPLAIN".
import type { ErrorResult, RowsResult, SqlValue } from '../mysql/index.js';
import {
  emitDml,
  type ColumnDef as SqlColumnDef,
  type Explain,
  type IndexDef,
  type Prepared,
  type TableDef,
} from '../sql/index.js';
import { bindAll, slotValues } from './bind.js';
import { fromSqlError } from './errors.js';
import { bigintColumn, textColumn } from './metadata.js';
import { isError } from './outcome.js';
import type { EngineSession } from './session.js';
import { hasPrivilege, tableDenied } from './users.js';

/** One row of MySQL's traditional EXPLAIN. */
interface PlanRow {
  readonly table: string | null;
  readonly type: string | null;
  readonly key: string | null;
  readonly keyLen: number | null;
  readonly keyParts: readonly string[];
  readonly ref: string | null;
  readonly rows: number | null;
  readonly extra: string[];
}

/** A select block: its id, its type, and what SQLite's plan says it does. */
interface Block {
  readonly id: number;
  selectType: string;
  readonly rows: PlanRow[];
  /** USE TEMP B-TREE FOR … of this block: Using temporary / Using filesort. */
  readonly extra: Set<string>;
  /** For compound queries: the ids of the parts and the operation. */
  union: { readonly ids: number[]; readonly operation: string; readonly all: boolean } | null;
}

interface PlanNode {
  readonly id: number;
  readonly parent: number;
  readonly detail: string;
}

const ACCESS =
  /^(SCAN|SEARCH) (\S+)(?: USING (?:(COVERING) )?INDEX (\S+)| USING (?:INTEGER )?PRIMARY KEY| USING ROWID SEARCH)?(?: \((.*)\))?/;

export function runExplain(
  session: EngineSession,
  s: Explain,
  prepared: Prepared,
  params: readonly SqlValue[],
): RowsResult | ErrorResult {
  const engine = session.engine;
  const emitted = emitDml(
    s.statement,
    { catalog: engine.catalog, database: session.database, collation: session.collation },
    new Set(prepared.template.pinned),
  );
  if (!emitted.ok) return fromSqlError(emitted.error);
  const translation = emitted.value;
  const privilege =
    s.statement.kind === 'select' || s.statement.kind === 'union'
      ? 'SELECT'
      : s.statement.kind.toUpperCase();
  for (const table of translation.tables) {
    const needed = translation.target === table ? privilege : 'SELECT';
    if (!hasPrivilege(session.account, needed, table.db, table.name))
      return tableDenied(needed, session.info, table.db, table.name);
  }
  const binds = bindAll(translation, slotValues(prepared, params), session);
  const planned = session.readOnce(`EXPLAIN QUERY PLAN ${translation.sql}`, binds);
  if (isError(planned)) return planned;
  const nodes: PlanNode[] = planned.rows.map((row) => ({
    id: Number(row[0]),
    parent: Number(row[1]),
    detail: String(row[3]),
  }));
  const plan = new Planner(session, aliasesOf(translation.sql, translation.tables));
  const hasWhere = 'where' in s.statement && s.statement.where != null;
  const blocks = plan.build(nodes, hasWhere);
  return s.format === 'json' ? jsonResult(blocks) : traditionalResult(blocks);
}

/** Table by the alias SQLite's plan names it with (`"d.t" AS "x"` in the translated SQL). */
function aliasesOf(sql: string, tables: readonly TableDef[]): Map<string, TableDef> {
  const bySqliteName = new Map(tables.map((t) => [t.sqliteName, t]));
  const out = new Map<string, TableDef>();
  for (const match of sql.matchAll(/"((?:[^"]|"")+)" AS "((?:[^"]|"")+)"/g)) {
    const table = bySqliteName.get(match[1]!.replace(/""/g, '"'));
    if (table !== undefined) out.set(match[2]!.replace(/""/g, '"'), table);
  }
  return out;
}

class Planner {
  private readonly blocks: Block[] = [];
  private readonly derived = new Map<string, number>();
  private readonly rowCounts = new Map<string, number>();

  constructor(
    private readonly session: EngineSession,
    private readonly aliases: ReadonlyMap<string, TableDef>,
  ) {}

  build(nodes: readonly PlanNode[], hasWhere: boolean): Block[] {
    const children = new Map<number, PlanNode[]>();
    for (const node of nodes) {
      const list = children.get(node.parent) ?? [];
      list.push(node);
      children.set(node.parent, list);
    }
    const top = this.block('SIMPLE');
    this.walk(children, 0, top, hasWhere);
    if (this.blocks.length > 1 && top.selectType === 'SIMPLE') top.selectType = 'PRIMARY';
    return this.blocks;
  }

  private block(selectType: string): Block {
    const block: Block = {
      id: this.blocks.length + 1,
      selectType,
      rows: [],
      extra: new Set(),
      union: null,
    };
    this.blocks.push(block);
    return block;
  }

  private walk(
    children: ReadonlyMap<number, PlanNode[]>,
    parent: number,
    block: Block,
    hasWhere: boolean,
  ): void {
    for (const node of children.get(parent) ?? []) {
      const detail = node.detail;
      if (detail === 'SCAN CONSTANT ROW') {
        block.rows.push(noTables());
        continue;
      }
      const access = ACCESS.exec(detail);
      if (access !== null) {
        block.rows.push(this.accessRow(block, access, hasWhere));
        continue;
      }
      let m: RegExpExecArray | null;
      if ((m = /^(?:CO-ROUTINE|MATERIALIZE) (.+)$/.exec(detail)) !== null) {
        const inner = this.block('DERIVED');
        this.derived.set(m[1]!.replace(/^\(subquery-\d+\)$/, m[1]!), inner.id);
        this.walk(children, node.id, inner, false);
        continue;
      }
      if ((m = /^(CORRELATED )?(?:SCALAR|LIST) SUBQUERY/.exec(detail)) !== null) {
        if (block.selectType === 'SIMPLE') block.selectType = 'PRIMARY';
        const inner = this.block(m[1] !== undefined ? 'DEPENDENT SUBQUERY' : 'SUBQUERY');
        this.walk(children, node.id, inner, false);
        continue;
      }
      if ((m = /^(?:MERGE \((UNION ALL|UNION|INTERSECT|EXCEPT)\)|COMPOUND QUERY)$/.exec(detail))) {
        this.compound(children, node, block, m[1] ?? null, hasWhere);
        continue;
      }
      if ((m = /^USE TEMP B-TREE FOR (.+)$/.exec(detail)) !== null) {
        block.extra.add(/ORDER BY/.test(m[1]!) ? 'Using filesort' : 'Using temporary');
        continue;
      }
      // Anything else (a bloom filter, a multi-index OR) adds nothing MySQL would show.
      this.walk(children, node.id, block, hasWhere);
    }
  }

  /** The parts of UNION / INTERSECT / EXCEPT: the first is `block`, the others new blocks. */
  private compound(
    children: ReadonlyMap<number, PlanNode[]>,
    node: PlanNode,
    block: Block,
    merged: string | null,
    hasWhere: boolean,
  ): void {
    if (block.selectType === 'SIMPLE') block.selectType = 'PRIMARY';
    const parts = children.get(node.id) ?? [];
    const ids: number[] = [];
    let operation = merged === null ? 'UNION' : merged.replace(' ALL', '');
    let all = merged === 'UNION ALL';
    parts.forEach((part, i) => {
      const op = /^(UNION ALL|UNION|INTERSECT|EXCEPT)/.exec(part.detail);
      if (op !== null) {
        operation = op[1]!.replace(' ALL', '');
        all = op[1] === 'UNION ALL';
      }
      const target = i === 0 ? block : this.block(operation);
      ids.push(target.id);
      this.walk(children, part.id, target, hasWhere);
    });
    block.union = { ids, operation, all };
  }

  private accessRow(block: Block, access: RegExpExecArray, hasWhere: boolean): PlanRow {
    const [, verb, alias, covering, sqliteIndex, conditions] = access;
    const first = block.rows.length === 0;
    const derivedId = this.derived.get(alias!);
    if (derivedId !== undefined) {
      return {
        table: `<derived${derivedId}>`,
        type: 'ALL',
        key: null,
        keyLen: null,
        keyParts: [],
        ref: null,
        rows: null,
        extra: hasWhere ? ['Using where'] : [],
      };
    }
    const table = this.aliases.get(alias!) ?? null;
    const index = table === null ? null : indexOf(table, sqliteIndex ?? null, verb === 'SEARCH');
    const parts = (conditions ?? '').split(' AND ').filter((c) => c !== '');
    const equal = parts.filter((c) => /^[^<>=]+=\?$/.test(c)).length;
    const ranged = parts.some((c) => /[<>]/.test(c));
    const keyColumns =
      index === null
        ? []
        : index.columns
            .map((c) => c.column)
            .slice(0, verb === 'SCAN' ? undefined : equal + (ranged ? 1 : 0));
    let type: string;
    if (verb === 'SCAN') type = index === null ? 'ALL' : 'index';
    else if (ranged) type = 'range';
    else if (index !== null && index.kind !== 'index' && equal >= index.columns.length)
      type = first ? 'const' : 'eq_ref';
    else type = 'ref';
    const extra: string[] = [];
    if (type === 'range' || ((type === 'ALL' || type === 'index') && hasWhere))
      extra.push('Using where');
    if (covering !== undefined || (type === 'index' && index?.kind === 'primary'))
      extra.push('Using index');
    const unique = type === 'const' || type === 'eq_ref';
    return {
      table: alias!,
      type,
      key: index?.name ?? null,
      keyLen: table === null || index === null ? null : keyLength(table, keyColumns),
      keyParts: keyColumns,
      // A correlated subquery's lookup takes the outer row's value, as a join's does.
      ref:
        type === 'ref' || unique
          ? first && block.selectType !== 'DEPENDENT SUBQUERY'
            ? 'const'
            : 'func'
          : null,
      rows: unique ? 1 : table === null ? null : this.rowCount(table),
      extra,
    };
  }

  private rowCount(table: TableDef): number {
    let count = this.rowCounts.get(table.sqliteName);
    if (count === undefined) {
      const counted = this.session.readOnce(
        `SELECT count(*) FROM "${table.sqliteName.replace(/"/g, '""')}"`,
        [],
      );
      count = isError(counted) ? 0 : Number(counted.rows[0]?.[0] ?? 0);
      this.rowCounts.set(table.sqliteName, count);
    }
    return count;
  }
}

function noTables(): PlanRow {
  return {
    table: null,
    type: null,
    key: null,
    keyLen: null,
    keyParts: [],
    ref: null,
    rows: null,
    extra: ['No tables used'],
  };
}

/** The MySQL index SQLite used: by its SQLite name, or the primary key for a rowid search. */
function indexOf(table: TableDef, sqliteIndex: string | null, search: boolean): IndexDef | null {
  if (sqliteIndex !== null)
    return (
      table.indexes.find((i) => i.sqliteName === sqliteIndex) ??
      // SQLite's own index for a PRIMARY KEY / UNIQUE declared in CREATE TABLE.
      (sqliteIndex.startsWith('sqlite_autoindex_')
        ? (table.indexes.find((i) => i.kind === 'primary') ?? null)
        : null)
    );
  return search ? (table.indexes.find((i) => i.kind === 'primary') ?? null) : null;
}

/** MariaDB's key_len: the bytes of the key parts used (+1 for a nullable part, +2 for VARCHAR). */
function keyLength(table: TableDef, columns: readonly string[]): number | null {
  let total = 0;
  for (const name of columns) {
    const column = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (column === undefined) return null;
    const bytes = columnBytes(column);
    if (bytes === null) return null;
    total += bytes + (column.nullable === false ? 0 : 1);
  }
  return total;
}

function columnBytes(column: SqlColumnDef): number | null {
  const t = column.type;
  const fixed: Record<string, number> = {
    TINYINT: 1,
    SMALLINT: 2,
    MEDIUMINT: 3,
    INT: 4,
    BIGINT: 8,
    FLOAT: 4,
    DOUBLE: 8,
    DATE: 3,
    YEAR: 1,
    TIMESTAMP: 4,
    DATETIME: 5,
    TIME: 3,
  };
  if (t.name in fixed) return fixed[t.name]!;
  const perChar = /^(utf8mb3|utf8)$/i.test(t.charset ?? '')
    ? 3
    : /^(latin1|ascii|binary)$/i.test(t.charset ?? '')
      ? 1
      : 4;
  if (t.name === 'CHAR') return (t.length ?? 1) * perChar;
  if (t.name === 'VARCHAR') return (t.length ?? 1) * perChar + 2;
  if (t.name === 'BINARY') return t.length ?? 1;
  if (t.name === 'VARBINARY') return (t.length ?? 1) + 2;
  if (t.name === 'DECIMAL') {
    // Nine digits take four bytes; the leftover digits of each side take 1–4 more.
    const digits = (n: number): number =>
      Math.floor(n / 9) * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4][n % 9]!;
    const scale = t.scale ?? 0;
    return digits((t.length ?? 10) - scale) + digits(scale);
  }
  return null;
}

const COLUMNS = [
  bigintColumn('id'),
  textColumn('select_type', 18),
  textColumn('table', 64),
  textColumn('type', 10),
  textColumn('possible_keys', 64),
  textColumn('key', 64),
  textColumn('key_len', 64),
  textColumn('ref', 64),
  bigintColumn('rows'),
  textColumn('Extra', 255),
];

function traditionalResult(blocks: readonly Block[]): RowsResult {
  const rows: SqlValue[][] = [];
  for (const block of blocks) {
    block.rows.forEach((row, i) => {
      const extra = [...row.extra, ...(i === 0 ? [...block.extra].sort() : [])];
      // possible_keys: the key SQLite chose, where MySQL would list it (a lookup, not a scan).
      const possible = row.type === 'index' || row.type === 'ALL' ? null : row.key;
      rows.push([
        block.id,
        block.selectType,
        row.table,
        row.type,
        possible,
        row.key,
        row.keyLen === null ? null : String(row.keyLen),
        row.ref,
        row.rows,
        extra.join('; '),
      ]);
    });
  }
  // UNION (not UNION ALL) merges its parts in a temporary table: MariaDB's UNION RESULT row.
  for (const block of blocks) {
    if (block.union === null || block.union.all) continue;
    const name = block.union.operation.toLowerCase();
    rows.push([
      null,
      `${block.union.operation} RESULT`,
      `<${name}${block.union.ids.join(',')}>`,
      'ALL',
      null,
      null,
      null,
      null,
      null,
      '',
    ]);
  }
  return { kind: 'rows', columns: COLUMNS, rows };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function jsonResult(blocks: readonly Block[]): RowsResult {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const done = new Set<number>();
  const queryBlock = (block: Block, operation: string | null): Json => {
    done.add(block.id);
    const out: { [key: string]: Json } = { select_id: block.id };
    if (operation !== null) out['operation'] = operation;
    if (block.rows.length === 1 && block.rows[0]!.table === null)
      out['table'] = { message: 'No tables used' };
    else
      out['nested_loop'] = block.rows.map((row) => {
        const table: { [key: string]: Json } = {
          table_name: row.table,
          access_type: row.type,
        };
        if (row.key !== null) {
          if (row.type !== 'index') table['possible_keys'] = [row.key];
          table['key'] = row.key;
          if (row.keyLen !== null) table['key_length'] = String(row.keyLen);
          table['used_key_parts'] = [...row.keyParts];
        }
        if (row.ref !== null) table['ref'] = [row.ref];
        if (row.rows !== null) table['rows'] = row.rows;
        table['filtered'] = 100;
        if (row.extra.includes('Using index')) table['using_index'] = true;
        return { table };
      });
    const nested = blocks.filter(
      (b) => !done.has(b.id) && b.id > block.id && b.selectType !== 'UNION' && b.union === null,
    );
    if (block.union === null && nested.length > 0 && block.id === 1)
      out['subqueries'] = nested.map((b) => ({ query_block: queryBlock(b, null) }));
    return out;
  };
  const top = byId.get(1)!;
  let root: Json;
  if (top.union !== null && !top.union.all) {
    root = {
      union_result: {
        table_name: `<${top.union.operation.toLowerCase()}${top.union.ids.join(',')}>`,
        access_type: 'ALL',
        query_specifications: top.union.ids.map((id, i) => ({
          query_block: queryBlock(
            i === 0 ? { ...top, union: null } : byId.get(id)!,
            i === 0 ? null : top.union!.operation,
          ),
        })),
      },
    };
  } else {
    root = queryBlock(top, null);
  }
  return {
    kind: 'rows',
    columns: [textColumn('EXPLAIN', 65535)],
    rows: [[printJson({ query_block: root }, '')]],
  };
}

/** JSON as MariaDB prints it: two-space indent, arrays of scalars on one line. */
function printJson(value: Json, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object'))
      return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + printJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(
    ([k, v]) => `${inner}${JSON.stringify(k)}: ${printJson(v, inner)}`,
  );
  return `{\n${entries.join(',\n')}\n${indent}}`;
}
