// CREATE TABLE → TableDef: the MySQL-level definition MariaDB would store, with its implicit
// rules applied (PK columns NOT NULL, index names derived from columns, FK indexes, default
// charset and collation, engine spelled InnoDB).
import type {
  ColumnDef,
  CreateTable,
  DataType,
  Expr,
  IndexColumn,
  TableConstraint,
  TableOptions,
} from './ast.js';
import type { CheckDef, ForeignKeyDef, IndexDef, TableDef } from './catalog.js';
import { SqlFailure, semantic } from './errors.js';
import { sqliteIndexName, sqliteTableName } from './names.js';

export const DEFAULT_CHARSET = 'utf8mb4';
export const DEFAULT_COLLATION = 'utf8mb4_general_ci';

const DEFAULT_COLLATIONS: Readonly<Record<string, string>> = {
  utf8mb4: 'utf8mb4_general_ci',
  utf8mb3: 'utf8mb3_general_ci',
  utf8: 'utf8mb3_general_ci',
  latin1: 'latin1_swedish_ci',
  ascii: 'ascii_general_ci',
  binary: 'binary',
  ucs2: 'ucs2_general_ci',
  utf16: 'utf16_general_ci',
};

export function defaultCollation(charset: string): string {
  return DEFAULT_COLLATIONS[charset] ?? `${charset}_general_ci`;
}

export function charsetOfCollation(collation: string): string {
  if (collation === 'binary') return 'binary';
  const charset = collation.slice(0, collation.indexOf('_'));
  return charset === 'utf8' ? 'utf8mb3' : charset;
}

const ENGINES: Readonly<Record<string, string>> = {
  innodb: 'InnoDB',
  myisam: 'MyISAM',
  memory: 'MEMORY',
  aria: 'Aria',
  csv: 'CSV',
  archive: 'ARCHIVE',
};

const fail = (code: number, sqlState: string, message: string): never => {
  throw new SqlFailure(semantic(code, sqlState, message));
};

export function resolveOptions(options: TableOptions, base?: TableOptions): TableOptions {
  let charset = options.charset ?? base?.charset ?? null;
  let collation =
    options.collation ?? (options.charset === null ? (base?.collation ?? null) : null);
  if (charset === 'utf8') charset = 'utf8mb3';
  if (collation !== null && charset === null) charset = charsetOfCollation(collation);
  charset ??= DEFAULT_CHARSET;
  collation ??= defaultCollation(charset);
  const engineName = options.engine ?? base?.engine ?? 'InnoDB';
  const engine = ENGINES[engineName.toLowerCase()] ?? engineName;
  const other = base ? mergeOther(base.other, options.other) : options.other;
  return {
    engine,
    charset,
    collation,
    autoIncrement: options.autoIncrement ?? base?.autoIncrement ?? null,
    comment: options.comment ?? base?.comment ?? null,
    other,
  };
}

function mergeOther(
  base: TableOptions['other'],
  next: TableOptions['other'],
): TableOptions['other'] {
  const merged = new Map(base);
  for (const [k, v] of next) merged.set(k, v);
  return [...merged];
}

const TEXT_TYPES = new Set([
  'CHAR',
  'VARCHAR',
  'TINYTEXT',
  'TEXT',
  'MEDIUMTEXT',
  'LONGTEXT',
  'ENUM',
  'SET',
]);

export function isTextType(type: DataType): boolean {
  return TEXT_TYPES.has(type.name);
}

/** Column charset/collation resolved against the table's; null where they equal the table's. */
function resolveColumnCharset(column: ColumnDef): ColumnDef {
  const type = column.type;
  if (!isTextType(type)) return column;
  let { charset, collation } = type;
  if (charset === 'utf8') charset = 'utf8mb3';
  if (collation === 'binary' && charset !== 'binary')
    collation = `${charset ?? DEFAULT_CHARSET}_bin`;
  if (collation !== null && charset === null) charset = charsetOfCollation(collation);
  if (charset !== null && collation === null) collation = defaultCollation(charset);
  return { ...column, type: { ...type, charset, collation } };
}

interface Keys {
  primary: IndexColumn[] | null;
  indexes: { name: string | null; kind: IndexDef['kind']; columns: IndexColumn[] }[];
}

function collectKeys(columns: readonly ColumnDef[], constraints: readonly TableConstraint[]): Keys {
  const keys: Keys = { primary: null, indexes: [] };
  const setPrimary = (cols: IndexColumn[]): void => {
    if (keys.primary !== null) fail(1068, '42000', 'Multiple primary key defined');
    keys.primary = cols;
  };
  for (const c of columns) {
    const cols = [{ column: c.name, length: null, direction: null }];
    if (c.primaryKey) setPrimary(cols);
    // Named after the column, or column_2 … when that name is taken (nameIndexes), as MariaDB does.
    if (c.unique) keys.indexes.push({ name: null, kind: 'unique', columns: cols });
  }
  for (const k of constraints) {
    if (k.kind === 'primary_key') setPrimary([...k.columns]);
    else if (k.kind === 'unique')
      keys.indexes.push({ name: k.name, kind: 'unique', columns: [...k.columns] });
    else if (k.kind === 'index')
      keys.indexes.push({
        name: k.name,
        kind: k.variant === 'KEY' ? 'index' : (k.variant.toLowerCase() as 'fulltext'),
        columns: [...k.columns],
      });
  }
  return keys;
}

const KIND_ORDER: Readonly<Record<IndexDef['kind'], number>> = {
  primary: 0,
  unique: 1,
  index: 2,
  fulltext: 3,
  spatial: 4,
};

/** Names unnamed indexes after their first column (k, k_2, k_3 …) as MariaDB does. */
export function nameIndexes(db: string, table: string, keys: Keys): IndexDef[] {
  const used = new Set<string>(['primary']);
  const out: IndexDef[] = [];
  if (keys.primary) {
    // A primary key over a column prefix (DDL rules 6) has a UNIQUE index on the
    // prefixes beside SQLite's own key on the whole columns (primaryIndexName).
    const prefixed = keys.primary.some((c) => c.prefixKey === true);
    const sqliteName = prefixed ? sqliteIndexName(db, table, 'PRIMARY') : null;
    out.push({ name: 'PRIMARY', kind: 'primary', columns: keys.primary, sqliteName });
  }
  for (const k of keys.indexes) if (k.name !== null) used.add(k.name.toLowerCase());
  for (const k of keys.indexes) {
    let name = k.name;
    if (name === null) {
      const base = k.columns[0]?.column ?? 'key';
      name = base;
      for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}_${n}`;
      used.add(name.toLowerCase());
    } else if (out.some((i) => i.name.toLowerCase() === name!.toLowerCase()))
      fail(1061, '42000', `Duplicate key name '${name}'`);
    out.push({
      name,
      kind: k.kind,
      columns: k.columns,
      sqliteName: sqliteIndexName(db, table, name),
    });
  }
  return out.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

function foreignKeys(
  db: string,
  table: string,
  constraints: readonly TableConstraint[],
  indexes: IndexDef[],
): ForeignKeyDef[] {
  const out: ForeignKeyDef[] = [];
  // InnoDB numbers the unnamed ones alone: (CONSTRAINT x FOREIGN KEY …, FOREIGN KEY …) makes t_ibfk_1.
  let unnamed = 0;
  for (const k of constraints) {
    if (k.kind !== 'foreign_key') continue;
    const name = k.name ?? `${table}_ibfk_${++unnamed}`;
    out.push({
      name,
      columns: k.columns,
      refTable: { db: k.refTable.db ?? db, name: k.refTable.name },
      refColumns: k.refColumns,
      onDelete: k.onDelete,
      onUpdate: k.onUpdate,
    });
    // InnoDB needs an index whose leading columns are the foreign key's; it adds one if missing.
    const covered = indexes.some((i) =>
      k.columns.every((c, n) => i.columns[n]?.column.toLowerCase() === c.toLowerCase()),
    );
    if (!covered) {
      const indexName = k.name ?? k.columns[0] ?? name;
      indexes.push({
        name: indexName,
        kind: 'index',
        columns: k.columns.map((column) => ({ column, length: null, direction: null })),
        sqliteName: sqliteIndexName(db, table, indexName),
      });
    }
  }
  return out;
}

function checks(constraints: readonly TableConstraint[]): CheckDef[] {
  let n = 0;
  return constraints.flatMap((k) =>
    k.kind === 'check' ? [{ name: k.name ?? `CONSTRAINT_${++n}`, text: k.text }] : [],
  );
}

/**
 * `defaults`: the database's charset and collation, which a table given neither takes
 * (DDL rules 5, DdlOptions.ddlRules); without them utf8mb4_general_ci.
 */
export function tableFromCreate(
  db: string,
  stmt: CreateTable,
  defaults?: { readonly charset: string; readonly collation: string },
): TableDef {
  const seen = new Set<string>();
  for (const c of stmt.columns) {
    const lower = c.name.toLowerCase();
    if (seen.has(lower)) fail(1060, '42S21', `Duplicate column name '${c.name}'`);
    seen.add(lower);
  }
  if (stmt.table.name.length > IDENTIFIER_LENGTH_MAX)
    fail(1103, '42000', `Incorrect table name '${stmt.table.name}'`);
  // The database's defaults stand only where the table names neither (a COLLATE names its
  // charset: `COLLATE utf8mb4_bin` in a latin1 database is a utf8mb4 table).
  const own =
    stmt.options.charset === null && stmt.options.collation === null ? defaults : undefined;
  for (const c of stmt.columns) {
    if (c.name.length > IDENTIFIER_LENGTH_MAX)
      fail(1059, '42000', `Identifier name '${c.name}' is too long`);
    checkLength(c, stmt.options.charset ?? own?.charset ?? null);
    checkDefault(c);
  }
  const keys = collectKeys(stmt.columns, stmt.constraints);
  const name = stmt.table.name;
  const indexes = nameIndexes(db, name, keys);
  const fks = foreignKeys(db, name, stmt.constraints, indexes);
  return finishTable({
    db,
    name,
    sqliteName: sqliteTableName(db, name),
    columns: stmt.columns.map(resolveColumnCharset),
    primaryKey: [],
    autoIncrement: null,
    autoIncrementIsRowid: false,
    indexes,
    foreignKeys: fks,
    checks: checks(stmt.constraints),
    options: resolveOptions(
      stmt.options,
      own === undefined
        ? undefined
        : {
            engine: null,
            charset: own.charset,
            collation: own.collation,
            autoIncrement: null,
            comment: null,
            other: [],
          },
    ),
  });
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'BIGINT']);

/** MariaDB's names are at most 64 characters. */
const IDENTIFIER_LENGTH_MAX = 64;
/** Bytes of a character in the charsets whose VARCHAR length MariaDB bounds by 65,535 bytes. */
const CHARSET_BYTES: Readonly<Record<string, number>> = {
  utf8mb4: 4,
  utf8mb3: 3,
  utf8: 3,
  ucs2: 2,
  utf16: 4,
  utf16le: 4,
  utf32: 4,
};

/** 1074 for a CHAR/BINARY over 255 or a VARCHAR/VARBINARY over 65,535 bytes. */
function checkLength(c: ColumnDef, tableCharset: string | null): void {
  const length = c.type.length;
  if (length === null) return;
  let max: number | null = null;
  if (c.type.name === 'CHAR' || c.type.name === 'BINARY') max = 255;
  else if (c.type.name === 'VARBINARY') max = 65535;
  else if (c.type.name === 'VARCHAR') {
    const charset = (c.type.charset ?? tableCharset ?? 'utf8mb4').toLowerCase();
    max = Math.floor(65535 / (CHARSET_BYTES[charset] ?? 1));
  }
  if (max !== null && length > max)
    fail(
      1074,
      '42000',
      `Column length too big for column '${c.name}' (max = ${max}); use BLOB or TEXT instead`,
    );
}

/**
 * MariaDB's 1067 for a default the column cannot hold: NULL on NOT NULL, or a string with no
 * number in it on an integer column (after its warning 1366).
 */
function checkDefault(c: ColumnDef): void {
  const d = c.default;
  if (d?.kind !== 'literal') return;
  const invalid = semantic(1067, '42000', `Invalid default value for '${c.name}'`);
  if (d.type === 'null' && c.nullable === false) throw new SqlFailure(invalid);
  if (d.type !== 'string' || !INTEGER_TYPES.has(c.type.name)) return;
  if (/^\s*[-+]?(\d|\.\d)/.test(d.value ?? '')) return;
  const message = `Incorrect integer value: '${d.value}' for column \`\`.\`\`.\`${c.name}\` at row 0`;
  throw new SqlFailure({ ...invalid, before: [{ level: 'Warning', code: 1366, message }] });
}

/** Recomputes the derived fields (primary key, auto-increment, NOT NULL on key columns). */
export function finishTable(table: TableDef): TableDef {
  for (const index of table.indexes)
    for (const c of index.columns)
      if (!table.columns.some((col) => col.name.toLowerCase() === c.column.toLowerCase()))
        fail(1072, '42000', `Key column '${c.column}' doesn't exist in table`);
  const primary = table.indexes.find((i) => i.kind === 'primary');
  const primaryKey = primary ? primary.columns.map((c) => c.column) : [];
  const inPrimary = new Set(primaryKey.map((c) => c.toLowerCase()));
  const columns = table.columns.map((c) => ({
    ...c,
    primaryKey: false,
    unique: false,
    nullable: inPrimary.has(c.name.toLowerCase()) ? false : c.nullable,
  }));
  const autos = columns.filter((c) => c.autoIncrement);
  if (autos.length > 1)
    fail(
      1075,
      '42000',
      'Incorrect table definition; there can be only one auto column and it must be defined as a key',
    );
  const auto = autos[0]?.name ?? null;
  if (
    auto !== null &&
    !table.indexes.some((i) => i.columns[0]?.column.toLowerCase() === auto.toLowerCase())
  )
    fail(
      1075,
      '42000',
      'Incorrect table definition; there can be only one auto column and it must be defined as a key',
    );
  const autoIncrementIsRowid =
    auto !== null &&
    isRowidKey(columns, primaryKey) &&
    primaryKey[0]!.toLowerCase() === auto.toLowerCase();
  checkGenerated(columns, inPrimary);
  return { ...table, columns, primaryKey, autoIncrement: auto, autoIncrementIsRowid };
}

/**
 * Functions a generated column may not call: their value depends on when, where or by whom the
 * row is read or written. SQLite computes generated columns itself (a virtual one at every read)
 * and refuses non-deterministic functions there; MariaDB refuses them in STORED columns (1901)
 * and allows some in VIRTUAL ones, which trireme refuses too (docs/design/sql.md).
 */
const NOT_IN_GENERATED = new Set([
  'BENCHMARK',
  'CONNECTION_ID',
  'CURDATE',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_TIMESTAMP',
  'CURRENT_USER',
  'CURTIME',
  'DATABASE',
  'FOUND_ROWS',
  'GET_LOCK',
  'IS_FREE_LOCK',
  'IS_USED_LOCK',
  'LASTVAL',
  'LAST_INSERT_ID',
  'LOAD_FILE',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'NEXTVAL',
  'NOW',
  'RAND',
  'RELEASE_LOCK',
  'ROW_COUNT',
  'SCHEMA',
  'SESSION_USER',
  'SETVAL',
  'SLEEP',
  'SYSDATE',
  'SYSTEM_USER',
  'SYS_GUID',
  'UNIX_TIMESTAMP',
  'USER',
  'UTC_DATE',
  'UTC_TIME',
  'UTC_TIMESTAMP',
  'UUID',
  'UUID_SHORT',
]);
const NOW_NAMES = new Set(['NOW', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP']);

/** MariaDB's checks of generated columns: their expressions, and no primary key on one. */
function checkGenerated(columns: readonly ColumnDef[], inPrimary: ReadonlySet<string>): void {
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const column of columns) {
    const generated = column.generated ?? null;
    if (generated === null) continue;
    if (inPrimary.has(column.name.toLowerCase()))
      fail(1903, 'HY000', 'Primary key cannot be defined upon a generated column');
    const refused = (what: string): never =>
      fail(
        1901,
        'HY000',
        `Function or expression '${what}' cannot be used in the GENERATED ALWAYS AS clause of \`${column.name}\``,
      );
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      switch (record['kind']) {
        case 'column': {
          const ref = node as Extract<Expr, { kind: 'column' }>;
          // MariaDB raises 4027 after the 1054 (it names the expression; this the column).
          if (!names.has(ref.column.toLowerCase()))
            throw new SqlFailure({
              ...semantic(1054, '42S22', `Unknown column '${ref.column}' in 'GENERATED ALWAYS AS'`),
              after: [
                {
                  level: 'Error',
                  code: 4027,
                  message: `Got an error evaluating stored expression of \`${column.name}\``,
                },
              ],
            });
          return;
        }
        case 'subquery':
        case 'exists':
        case 'in_query':
          return refused('select ...');
        case 'param':
          return refused('?');
        case 'user_var':
          return refused(`@${String(record['name'])}`);
        case 'system_var':
          return refused(`@@${String(record['name'])}`);
        case 'call': {
          const name = String(record['name']).toUpperCase();
          if (NOW_NAMES.has(name)) refused('current_timestamp()');
          if (NOT_IN_GENERATED.has(name)) refused(`${name.toLowerCase()}()`);
          if (record['over'] !== undefined) refused(`${name.toLowerCase()}()`);
          break;
        }
        default:
          break;
      }
      for (const child of Object.values(record)) visit(child);
    };
    visit(generated.expr);
  }
}

/** A single integer primary-key column becomes SQLite's rowid alias (INTEGER PRIMARY KEY). */
export function isRowidKey(columns: readonly ColumnDef[], primaryKey: readonly string[]): boolean {
  if (primaryKey.length !== 1) return false;
  const col = columns.find((c) => c.name.toLowerCase() === primaryKey[0]!.toLowerCase());
  // BIGINT UNSIGNED values above 2^63-1 do not fit a rowid; such keys are documented as a gap.
  return col !== undefined && INTEGER_TYPES.has(col.type.name);
}
