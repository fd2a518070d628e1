// CREATE TABLE … [AS] SELECT: the table's columns as MariaDB derives them from the SELECT (a
// column keeps its source's type, NOT NULL and default; an expression gets the type its result
// would be sent with), the CREATE part's own columns first. The engine then replicates a plain
// CREATE TABLE (TOI) and runs the SELECT as INSERT … SELECT, whose rows replicate as any
// write-set does: every node gets the rows the origin read, not rows of its own evaluation.
import { ColumnFlag, ColumnType, Charset, type ColumnDef as WireColumn } from '../mysql/index.js';
import {
  parse,
  tableFromCreate,
  viewColumns,
  type Catalog,
  type ColumnDef,
  type CreateTable,
  type DataType,
  type Query,
  type TableDef,
  type ViewDef,
  plainColumn,
} from '../sql/index.js';
import { queryColumns } from './metadata.js';

const UTF8MB4_BYTES = 4;

/** The CREATE TABLE without its SELECT: `names` are the SELECT's result columns, in order. */
export function tableOfSelect(
  s: CreateTable,
  names: readonly string[],
  catalog: Catalog,
  database: string | null,
  forView = false,
): CreateTable {
  const query = s.asQuery!;
  const wire = queryColumns(query, catalog, database);
  const derived = names.map((name, i) => derive(name, wire?.[i], catalog, forView));
  const own = new Map(s.columns.map((c) => [c.name.toLowerCase(), c]));
  const selected = new Set(names.map((n) => n.toLowerCase()));
  const columns = [
    ...s.columns.filter((c) => !selected.has(c.name.toLowerCase())),
    ...derived.map((c) => own.get(c.name.toLowerCase()) ?? c),
  ];
  return { ...s, columns, asQuery: null, asQueryText: undefined, duplicates: null };
}

function derive(
  name: string,
  wire: WireColumn | undefined,
  catalog: Catalog,
  forView: boolean,
): ColumnDef {
  const source =
    wire?.schema !== undefined && wire.orgTable !== undefined && wire.orgName !== undefined
      ? catalog
          .table(wire.schema, wire.orgTable)
          ?.columns.find((c) => c.name.toLowerCase() === wire.orgName!.toLowerCase())
      : undefined;
  if (source !== undefined) {
    // MariaDB keeps type, NOT NULL and default; keys and AUTO_INCREMENT stay with the source,
    // whose column then reads NOT NULL DEFAULT 0.
    const zero = { kind: 'literal', type: 'int', value: '0', slot: null, charset: '' } as const;
    return {
      ...source,
      name,
      autoIncrement: false,
      primaryKey: false,
      unique: false,
      // NULL may come from the NULL side of an outer join (the wire type says so).
      nullable: onNullSide(wire, source)
        ? true
        : source.autoIncrement || source.primaryKey
          ? false
          : source.nullable,
      default: source.autoIncrement && !forView ? zero : source.default,
      onUpdateNow: source.onUpdateNow,
      check: null,
      checkText: null,
    };
  }
  return {
    ...plainColumn(name, wire === undefined ? type('LONGTEXT') : typeOfWire(wire)),
    nullable: wire === undefined ? true : (wire.flags & ColumnFlag.NOT_NULL) === 0,
  };
}

/**
 * A table's NOT NULL (or key) column whose result column may be NULL: read from the NULL side of
 * an outer join (metadata.ts, addSources, clears its NOT_NULL flag).
 */
function onNullSide(wire: WireColumn | undefined, source: ColumnDef): boolean {
  const notNull = source.nullable === false || source.primaryKey || source.autoIncrement;
  return wire !== undefined && notNull && (wire.flags & ColumnFlag.NOT_NULL) === 0;
}

const type = (
  name: string,
  length: number | null = null,
  scale: number | null = null,
): DataType => ({
  name,
  length,
  scale,
  unsigned: false,
  zerofill: false,
  charset: null,
  collation: null,
  values: [],
});

/** The column type of an expression's result, from the type it is sent with. */
function typeOfWire(c: WireColumn): DataType {
  const unsigned = (c.flags & ColumnFlag.UNSIGNED) !== 0;
  const integer = (name: string): DataType => ({ ...type(name, c.length || null), unsigned });
  const binary = c.charset === Charset.BINARY;
  switch (c.type) {
    case ColumnType.TINY:
      return integer('TINYINT');
    case ColumnType.SHORT:
      return integer('SMALLINT');
    case ColumnType.INT24:
      return integer('MEDIUMINT');
    case ColumnType.LONG:
      return integer('INT');
    case ColumnType.LONGLONG:
      return integer('BIGINT');
    case ColumnType.NEWDECIMAL:
    case ColumnType.DECIMAL: {
      const scale = c.decimals;
      const precision = Math.max(1, c.length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1));
      return { ...type('DECIMAL', Math.min(precision, 65), scale), unsigned };
    }
    case ColumnType.FLOAT:
      return type('FLOAT');
    case ColumnType.DOUBLE:
      return type('DOUBLE');
    case ColumnType.DATE:
    case ColumnType.NEWDATE:
      return type('DATE');
    case ColumnType.DATETIME:
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP:
    case ColumnType.TIMESTAMP2:
      return type('DATETIME', c.decimals > 0 && c.decimals <= 6 ? c.decimals : null);
    case ColumnType.TIME:
    case ColumnType.TIME2:
      return type('TIME');
    case ColumnType.YEAR:
      return type('YEAR');
    case ColumnType.JSON:
      return type('JSON');
    case ColumnType.VAR_STRING:
    case ColumnType.VARCHAR:
    case ColumnType.STRING: {
      const chars = binary ? c.length : Math.floor(c.length / UTF8MB4_BYTES);
      if (chars > 16383) return type(binary ? 'LONGBLOB' : 'LONGTEXT');
      return type(binary ? 'VARBINARY' : 'VARCHAR', Math.max(chars, 1));
    }
    default:
      return type(binary && c.type !== ColumnType.NULL ? 'LONGBLOB' : 'LONGTEXT');
  }
}

/**
 * A view described as a table, for DESCRIBE, SHOW COLUMNS and information_schema.COLUMNS: its
 * columns as CREATE TABLE … SELECT would derive them, without keys, AUTO_INCREMENT or its
 * default; undefined when the view no longer translates (a table it reads was dropped).
 */
export function viewTable(view: ViewDef, catalog: Catalog): TableDef | undefined {
  const parsed = parse(view.queryText);
  if (!parsed.ok) return undefined;
  const query = parsed.value.statement as Query;
  const names = viewColumns(query, { catalog, database: view.queryDb });
  if (!names.ok || names.value.length !== view.columns.length) return undefined;
  const shape: CreateTable = {
    kind: 'create_table',
    temporary: false,
    ifNotExists: false,
    table: { db: view.db, name: view.name },
    columns: [],
    constraints: [],
    options: {
      engine: null,
      charset: null,
      collation: null,
      autoIncrement: null,
      comment: null,
      other: [],
    },
    asQuery: query,
  };
  const derived = tableOfSelect(shape, names.value, catalog, view.queryDb, true);
  const columns = derived.columns.map((c, i) => ({ ...c, name: view.columns[i]! }));
  return tableFromCreate(view.db, { ...derived, columns });
}
