// information_schema as virtual tables answered from the catalog. A query that names them is
// translated against a catalog that knows their definitions; at execution the tables it reads are
// materialized as TEMP tables on the writer's connection inside a scratch transaction (or a
// savepoint of the session's own), the query runs there, and everything is rolled back. Reader
// connections are query_only and cannot hold TEMP tables; information_schema queries are rare
// (clients at connect, mysqldump, tools), so borrowing the writer for a moment is cheap.
import type { ErrorResult, RowsResult, SqlValue } from '../mysql/index.js';
import {
  defaultText,
  exprText,
  describeTable,
  emitDml,
  isJoinView,
  mysqlTypeText,
  type Catalog,
  type ColumnDef as SqlColumnDef,
  type DataType,
  type Prepared,
  type Query,
  type TableDef,
  type TableRef,
  type TriggerDef,
  type ViewDef,
  CHARACTER_SETS,
  COLLATIONS,
  plainColumn,
} from '../sql/index.js';
import { bindAll, slotValues, toStore } from './bind.js';
import type { Engine } from './engine.js';
import { fromSqlError } from './errors.js';
import { queryColumns } from './metadata.js';
import { viewTable } from './create-select.js';
import type { EngineSession } from './session.js';
import { autoIncrementNext, tableRows, variableRows } from './show.js';
import { tableDenied, hasPrivilege, processHost, seesSessionsOf } from './users.js';
import {
  CONSTRAINT_TABLES,
  LOG_TABLES,
  MYSQL_TABLES,
  columnSizes,
  type Kind,
  type Row,
  type VirtualTable,
} from './virtual-tables.js';

const SCHEMA = 'information_schema';

const dataType = (kind: Kind): DataType => ({
  name: {
    int: 'BIGINT',
    uint: 'BIGINT',
    text: 'VARCHAR',
    longtext: 'LONGTEXT',
    datetime: 'DATETIME',
  }[kind],
  length: { int: 21, uint: 21, text: 512, longtext: null, datetime: null }[kind],
  scale: null,
  unsigned: kind === 'uint',
  zerofill: false,
  charset: null,
  collation: null,
  values: [],
});

function column(name: string, kind: Kind): SqlColumnDef {
  return plainColumn(name, dataType(kind));
}

const T = 'text';
const I = 'int';
/** LONGTEXT, BIGINT UNSIGNED and DATETIME, where MariaDB's information_schema has them. */
const L = 'longtext';
const U = 'uint';
const D = 'datetime';
const texts = (...names: string[]): (readonly [string, Kind])[] => names.map((n) => [n, T]);

const TABLES: readonly VirtualTable[] = [
  {
    name: 'COLLATIONS',
    columns: [
      ['COLLATION_NAME', T],
      ['CHARACTER_SET_NAME', T],
      ['ID', I],
      ['IS_DEFAULT', T],
      ['IS_COMPILED', T],
      ['SORTLEN', I],
    ],
    rows: () =>
      COLLATIONS.map((c) => [c.name, c.charset, c.id, c.isDefault ? 'Yes' : '', 'Yes', c.sortlen]),
  },
  {
    name: 'CHARACTER_SETS',
    columns: [
      ['CHARACTER_SET_NAME', T],
      ['DEFAULT_COLLATE_NAME', T],
      ['DESCRIPTION', T],
      ['MAXLEN', I],
    ],
    rows: () =>
      CHARACTER_SETS.map(([name, description, collation, maxlen]) => [
        name,
        collation,
        description,
        maxlen,
      ]),
  },
  {
    name: 'SCHEMATA',
    columns: [
      ['CATALOG_NAME', T],
      ['SCHEMA_NAME', T],
      ['DEFAULT_CHARACTER_SET_NAME', T],
      ['DEFAULT_COLLATION_NAME', T],
      ['SQL_PATH', T],
      ['SCHEMA_COMMENT', T],
    ],
    rows: ({ engine: e }) =>
      e.catalog.databaseNames().map((n) => {
        const db = e.catalog.database(n);
        return [
          'def',
          n,
          db?.charset ?? 'utf8mb3',
          db?.collation ?? 'utf8mb3_general_ci',
          null,
          '',
        ];
      }),
  },
  {
    name: 'TABLES',
    columns: [
      ['TABLE_CATALOG', T],
      ['TABLE_SCHEMA', T],
      ['TABLE_NAME', T],
      ['TABLE_TYPE', T],
      ['ENGINE', T],
      ['VERSION', U],
      ['ROW_FORMAT', T],
      ['TABLE_ROWS', U],
      ['AVG_ROW_LENGTH', U],
      ['DATA_LENGTH', U],
      ['MAX_DATA_LENGTH', U],
      ['INDEX_LENGTH', U],
      ['DATA_FREE', U],
      ['AUTO_INCREMENT', U],
      ['CREATE_TIME', D],
      ['UPDATE_TIME', D],
      ['CHECK_TIME', D],
      ['TABLE_COLLATION', T],
      ['CHECKSUM', U],
      ['CREATE_OPTIONS', T],
      ['TABLE_COMMENT', T],
      ['MAX_INDEX_LENGTH', U],
      ['TEMPORARY', T],
    ],
    rows: (session) => [
      ...session.engine.catalog.allViews().map((v: ViewDef) => viewTablesRow(v)),
      ...session.engine.catalog.allTables().map((t) => {
        // Counted (InnoDB estimates): SHOW TABLE STATUS does the same scan.
        const rows = tableRows(session, t);
        return [
          'def',
          t.db,
          t.name,
          'BASE TABLE',
          t.options.engine ?? 'InnoDB',
          10,
          'Dynamic',
          rows,
          rows === 0 ? 0 : 200,
          rows * 200,
          0,
          0,
          0,
          autoIncrementNext(session, t),
          null,
          null,
          null,
          t.options.collation ?? 'utf8mb4_general_ci',
          null,
          '',
          t.options.comment ?? '',
          0,
          'N',
        ];
      }),
      // mariadb-dump asks here whether `mysql`'s log tables exist, for every `mysql` dump.
      ...LOG_TABLES.filter(
        (t) =>
          session.engine.catalog.table('mysql', t.name) === undefined &&
          session.engine.catalog.view('mysql', t.name) === undefined,
      ).map((t): Row => {
        const row: Row = ['def', 'mysql', t.name, 'BASE TABLE', 'CSV', 10, 'Dynamic'];
        row.push(0, 0, 0, 0, 0, 0, null, null, null, null, 'utf8mb3_general_ci', null, '');
        row.push(t.comment, 0, 'N');
        return row;
      }),
    ],
  },
  {
    name: 'COLUMNS',
    columns: [
      ['TABLE_CATALOG', T],
      ['TABLE_SCHEMA', T],
      ['TABLE_NAME', T],
      ['COLUMN_NAME', T],
      ['ORDINAL_POSITION', U],
      ['COLUMN_DEFAULT', L],
      ['IS_NULLABLE', T],
      ['DATA_TYPE', T],
      ['CHARACTER_MAXIMUM_LENGTH', U],
      ['CHARACTER_OCTET_LENGTH', U],
      ['NUMERIC_PRECISION', U],
      ['NUMERIC_SCALE', U],
      ['DATETIME_PRECISION', U],
      ['CHARACTER_SET_NAME', T],
      ['COLLATION_NAME', T],
      ['COLUMN_TYPE', L],
      ['COLUMN_KEY', T],
      ['EXTRA', T],
      ['PRIVILEGES', T],
      ['COLUMN_COMMENT', T],
      ['IS_GENERATED', T],
      ['GENERATION_EXPRESSION', L],
    ],
    rows: ({ engine: e }) => [
      ...e.catalog.allTables().flatMap((t) => columnRows(t)),
      ...e.catalog.allViews().flatMap((v) => {
        const table = viewTable(v, e.catalog);
        return table === undefined ? [] : columnRows(table);
      }),
    ],
  },
  {
    name: 'STATISTICS',
    columns: [
      ['TABLE_CATALOG', T],
      ['TABLE_SCHEMA', T],
      ['TABLE_NAME', T],
      ['NON_UNIQUE', I],
      ['INDEX_SCHEMA', T],
      ['INDEX_NAME', T],
      ['SEQ_IN_INDEX', U],
      ['COLUMN_NAME', T],
      ['COLLATION', T],
      ['CARDINALITY', I],
      ['SUB_PART', I],
      ['PACKED', T],
      ['NULLABLE', T],
      ['INDEX_TYPE', T],
      ['COMMENT', T],
      ['INDEX_COMMENT', T],
      ['IGNORED', T],
    ],
    rows: ({ engine: e }) =>
      e.catalog.allTables().flatMap((t) =>
        t.indexes.flatMap((index) =>
          index.columns.map((c, i) => {
            const def = t.columns.find((x) => x.name.toLowerCase() === c.column.toLowerCase());
            return [
              'def',
              t.db,
              t.name,
              index.kind === 'primary' || index.kind === 'unique' ? 0 : 1,
              t.db,
              index.kind === 'primary' ? 'PRIMARY' : index.name,
              i + 1,
              c.column,
              // As SHOW INDEX: 'D' for a descending key part (Prisma reads it), NULL for FULLTEXT.
              index.kind === 'fulltext' ? null : c.direction === 'DESC' ? 'D' : 'A',
              index.kind === 'fulltext' ? null : 0,
              c.length,
              null,
              def?.nullable === false ? '' : 'YES',
              index.kind === 'fulltext' ? 'FULLTEXT' : 'BTREE',
              '',
              '',
              'NO',
            ];
          }),
        ),
      ),
  },
  {
    name: 'KEY_COLUMN_USAGE',
    columns: [
      ['CONSTRAINT_CATALOG', T],
      ['CONSTRAINT_SCHEMA', T],
      ['CONSTRAINT_NAME', T],
      ['TABLE_CATALOG', T],
      ['TABLE_SCHEMA', T],
      ['TABLE_NAME', T],
      ['COLUMN_NAME', T],
      ['ORDINAL_POSITION', I],
      ['POSITION_IN_UNIQUE_CONSTRAINT', I],
      ['REFERENCED_TABLE_SCHEMA', T],
      ['REFERENCED_TABLE_NAME', T],
      ['REFERENCED_COLUMN_NAME', T],
    ],
    rows: ({ engine: e }) =>
      e.catalog
        .allTables()
        .flatMap((t) => [
          ...t.indexes
            .filter((i) => i.kind === 'primary' || i.kind === 'unique')
            .flatMap((index) =>
              index.columns.map((c, i): Row => [
                'def',
                t.db,
                index.kind === 'primary' ? 'PRIMARY' : index.name,
                'def',
                t.db,
                t.name,
                c.column,
                i + 1,
                null,
                null,
                null,
                null,
              ]),
            ),
          ...t.foreignKeys.flatMap((fk) =>
            fk.columns.map((c, i): Row => [
              'def',
              t.db,
              fk.name,
              'def',
              t.db,
              t.name,
              c,
              i + 1,
              i + 1,
              fk.refTable.db ?? t.db,
              fk.refTable.name,
              fk.refColumns[i] ?? null,
            ]),
          ),
        ]),
  },
  {
    name: 'ENGINES',
    columns: [
      ['ENGINE', T],
      ['SUPPORT', T],
      ['COMMENT', T],
      ['TRANSACTIONS', T],
      ['XA', T],
      ['SAVEPOINTS', T],
    ],
    rows: () => [['InnoDB', 'DEFAULT', 'Replicated SQLite tables (trireme)', 'YES', 'NO', 'YES']],
  },
  {
    // What SHOW FULL PROCESSLIST shows, with MariaDB's further columns (figures trireme does not
    // keep are 0).
    name: 'PROCESSLIST',
    columns: [
      ['ID', I],
      ['USER', T],
      ['HOST', T],
      ['DB', T],
      ['COMMAND', T],
      ['TIME', I],
      ['STATE', T],
      ['INFO', L],
      ['TIME_MS', T],
      ['STAGE', I],
      ['MAX_STAGE', I],
      ['PROGRESS', T],
      ['MEMORY_USED', I],
      ['MAX_MEMORY_USED', I],
      ['EXAMINED_ROWS', I],
      ['QUERY_ID', I],
      ['INFO_BINARY', L],
      ['TID', I],
    ],
    rows: (session) =>
      [...session.engine.sessions.values()]
        .filter((x) => seesSessionsOf(session.account, x.info.user))
        .map((x) => {
          const sinceMs = x.current?.sinceMs ?? x.idleSinceMs;
          const info = x.current?.sql ?? null;
          return [
            x.info.connectionId,
            x.info.user,
            processHost(x.info),
            x.database,
            x.current === null ? 'Sleep' : 'Query',
            Math.floor((Date.now() - sinceMs) / 1000),
            x.current === null ? '' : 'executing',
            info,
            (Date.now() - sinceMs).toFixed(3),
            0,
            0,
            '0.000',
            0,
            0,
            0,
            0,
            info,
            0,
          ];
        }),
  },
  // What SHOW STATUS and SHOW VARIABLES list, as MariaDB names them here: in capitals. Galera's
  // health checks read wsrep_local_state this way (`SELECT VARIABLE_VALUE FROM
  // information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state'`).
  ...(['GLOBAL', 'SESSION'] as const).flatMap((scope): VirtualTable[] => [
    {
      name: `${scope}_STATUS`,
      columns: texts('VARIABLE_NAME', 'VARIABLE_VALUE'),
      rows: (session) =>
        session.engine.statusVariables(session).map(([n, v]) => [n.toUpperCase(), v]),
    },
    {
      name: `${scope}_VARIABLES`,
      columns: texts('VARIABLE_NAME', 'VARIABLE_VALUE'),
      rows: (session) =>
        variableRows(session, scope === 'GLOBAL').map(([n, v]) => [n.toUpperCase(), v]),
    },
  ]),
  {
    name: 'FILES',
    columns: [
      'FILE_ID',
      'FILE_NAME',
      'FILE_TYPE',
      'TABLESPACE_NAME',
      'TABLE_CATALOG',
      'TABLE_SCHEMA',
      'TABLE_NAME',
      'LOGFILE_GROUP_NAME',
      'LOGFILE_GROUP_NUMBER',
      'ENGINE',
      'FULLTEXT_KEYS',
      'DELETED_ROWS',
      'UPDATE_COUNT',
      'FREE_EXTENTS',
      'TOTAL_EXTENTS',
      'EXTENT_SIZE',
      'INITIAL_SIZE',
      'MAXIMUM_SIZE',
      'AUTOEXTEND_SIZE',
      'CREATION_TIME',
      'LAST_UPDATE_TIME',
      'LAST_ACCESS_TIME',
      'RECOVER_TIME',
      'TRANSACTION_COUNTER',
      'VERSION',
      'ROW_FORMAT',
      'TABLE_ROWS',
      'AVG_ROW_LENGTH',
      'DATA_LENGTH',
      'MAX_DATA_LENGTH',
      'INDEX_LENGTH',
      'DATA_FREE',
      'CREATE_TIME',
      'UPDATE_TIME',
      'CHECK_TIME',
      'CHECKSUM',
      'STATUS',
      'EXTRA',
    ].map((n) => [n, T] as const),
    rows: () => [],
  },
  {
    name: 'PARTITIONS',
    columns: [
      'TABLE_CATALOG',
      'TABLE_SCHEMA',
      'TABLE_NAME',
      'PARTITION_NAME',
      'SUBPARTITION_NAME',
      'PARTITION_ORDINAL_POSITION',
      'SUBPARTITION_ORDINAL_POSITION',
      'PARTITION_METHOD',
      'SUBPARTITION_METHOD',
      'PARTITION_EXPRESSION',
      'SUBPARTITION_EXPRESSION',
      'PARTITION_DESCRIPTION',
      'TABLE_ROWS',
      'AVG_ROW_LENGTH',
      'DATA_LENGTH',
      'MAX_DATA_LENGTH',
      'INDEX_LENGTH',
      'DATA_FREE',
      'CREATE_TIME',
      'UPDATE_TIME',
      'CHECK_TIME',
      'CHECKSUM',
      'PARTITION_COMMENT',
      'NODEGROUP',
      'TABLESPACE_NAME',
    ].map((n) => [n, T] as const),
    rows: () => [],
  },
  {
    name: 'ROUTINES',
    columns: [
      ...texts('SPECIFIC_NAME', 'ROUTINE_CATALOG', 'ROUTINE_SCHEMA', 'ROUTINE_NAME'),
      ...texts('ROUTINE_TYPE', 'DATA_TYPE'),
      ['CHARACTER_MAXIMUM_LENGTH', I],
      ['CHARACTER_OCTET_LENGTH', I],
      ['NUMERIC_PRECISION', I],
      ['NUMERIC_SCALE', I],
      ['DATETIME_PRECISION', I],
      ...texts('CHARACTER_SET_NAME', 'COLLATION_NAME', 'DTD_IDENTIFIER', 'ROUTINE_BODY'),
      ...texts('ROUTINE_DEFINITION', 'EXTERNAL_NAME', 'EXTERNAL_LANGUAGE', 'PARAMETER_STYLE'),
      ...texts('IS_DETERMINISTIC', 'SQL_DATA_ACCESS', 'SQL_PATH', 'SECURITY_TYPE', 'CREATED'),
      ...texts('LAST_ALTERED', 'SQL_MODE', 'ROUTINE_COMMENT', 'DEFINER'),
      ...texts('CHARACTER_SET_CLIENT', 'COLLATION_CONNECTION', 'DATABASE_COLLATION'),
    ],
    rows: () => [],
  },
  {
    name: 'TRIGGERS',
    columns: [
      ...texts('TRIGGER_CATALOG', 'TRIGGER_SCHEMA', 'TRIGGER_NAME', 'EVENT_MANIPULATION'),
      ...texts('EVENT_OBJECT_CATALOG', 'EVENT_OBJECT_SCHEMA', 'EVENT_OBJECT_TABLE'),
      ['ACTION_ORDER', I],
      ['ACTION_CONDITION', L],
      ['ACTION_STATEMENT', L],
      ...texts('ACTION_ORIENTATION', 'ACTION_TIMING'),
      ...texts('ACTION_REFERENCE_OLD_TABLE', 'ACTION_REFERENCE_NEW_TABLE'),
      ...texts('ACTION_REFERENCE_OLD_ROW', 'ACTION_REFERENCE_NEW_ROW', 'CREATED', 'SQL_MODE'),
      ...texts('DEFINER', 'CHARACTER_SET_CLIENT', 'COLLATION_CONNECTION', 'DATABASE_COLLATION'),
    ],
    rows: (session) =>
      session.engine.catalog
        .allTriggers()
        .map((t: TriggerDef) => [
          'def',
          t.db,
          t.name,
          t.event,
          'def',
          t.db,
          t.table,
          1,
          null,
          t.bodyText,
          'ROW',
          t.timing,
          null,
          null,
          'OLD',
          'NEW',
          null,
          String(session.variable('sql_mode', null) ?? ''),
          `${t.definer.user}@${t.definer.host}`,
          'utf8mb4',
          'utf8mb4_general_ci',
          session.engine.catalog.database(t.db)?.collation ?? 'utf8mb4_general_ci',
        ]),
  },
  {
    name: 'VIEWS',
    columns: [
      ...texts('TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME'),
      ['VIEW_DEFINITION', L],
      ...texts(
        'CHECK_OPTION',
        'IS_UPDATABLE',
        'DEFINER',
        'SECURITY_TYPE',
        'CHARACTER_SET_CLIENT',
        'COLLATION_CONNECTION',
        'ALGORITHM',
      ),
    ],
    rows: (session) =>
      session.engine.catalog
        .allViews()
        .map((v: ViewDef) => [
          'def',
          v.db,
          v.name,
          v.queryText,
          v.checkOption ?? 'NONE',
          v.updatable !== null || isJoinView(v) ? 'YES' : 'NO',
          `${v.definer.user}@${v.definer.host}`,
          v.security,
          'utf8mb4',
          'utf8mb4_general_ci',
          v.algorithm,
        ]),
  },
  {
    // MariaDB's columns; one row per file the node encrypts (docs/design/encryption.md).
    name: 'INNODB_TABLESPACES_ENCRYPTION',
    columns: [
      ['SPACE', U],
      ['NAME', T],
      ['ENCRYPTION_SCHEME', U],
      ['KEYSERVER_REQUESTS', U],
      ['MIN_KEY_VERSION', U],
      ['CURRENT_KEY_VERSION', U],
      ['KEY_ROTATION_PAGE_NUMBER', U],
      ['KEY_ROTATION_MAX_PAGE_NUMBER', U],
      ['CURRENT_KEY_ID', U],
      ['ROTATING_OR_FLUSHING', I],
    ],
    rows: (session) =>
      (session.engine.encryption?.files() ?? []).map((f) => [
        f.space,
        f.name,
        f.scheme,
        f.keyserverRequests,
        f.minKeyVersion,
        f.currentKeyVersion,
        null,
        null,
        f.currentKeyId,
        f.rotating ? 1 : 0,
      ]),
  },
  {
    name: 'EVENTS',
    columns: [
      ['EVENT_SCHEMA', T],
      ['EVENT_NAME', T],
    ],
    rows: () => [],
  },
];

function columnRows(t: TableDef): Row[] {
  const described = describeTable(t);
  return t.columns.map((c, i) => {
    const d = described[i]!;
    const json = c.type.name === 'JSON';
    const charset = json ? 'utf8mb4' : (c.type.charset ?? t.options.charset ?? 'utf8mb4');
    const collation = json
      ? 'utf8mb4_bin'
      : (c.type.collation ?? t.options.collation ?? 'utf8mb4_general_ci');
    const sizes = columnSizes(c.type, charset);
    return [
      'def',
      t.db,
      t.name,
      c.name,
      i + 1,
      // MariaDB quotes string defaults here ('x'), as SHOW CREATE TABLE prints them.
      // A generated column has no DEFAULT clause, yet MariaDB says 'NULL' here.
      c.generated ? 'NULL' : defaultText(c),
      d.Null,
      sizes.dataType,
      sizes.charMax,
      sizes.octetMax,
      sizes.precision,
      sizes.scale,
      /DATETIME|TIMESTAMP|TIME/.test(c.type.name) ? (c.type.length ?? 0) : null,
      sizes.textual ? charset : null,
      sizes.textual ? collation : null,
      mysqlTypeText(c.type),
      d.Key,
      d.Extra,
      'select,insert,update,references',
      c.comment ?? '',
      (c.generated ?? null) === null ? 'NEVER' : 'ALWAYS',
      c.generated ? exprText(c.generated.expr) : null,
    ];
  });
}

function virtualDef(db: string, table: VirtualTable): TableDef {
  return {
    db,
    name: table.name,
    sqliteName: `${db}.${table.name}`,
    columns: table.columns.map(([n, k]) => column(n, k)),
    primaryKey: [],
    autoIncrement: null,
    autoIncrementIsRowid: false,
    indexes: [],
    foreignKeys: [],
    checks: [],
    options: {
      engine: 'MEMORY',
      charset: 'utf8mb3',
      collation: 'utf8mb3_general_ci',
      autoIncrement: null,
      comment: null,
      other: [],
    },
  };
}

interface Virtual {
  readonly table: VirtualTable;
  readonly def: TableDef;
}

const BY_NAME = new Map(
  [...TABLES, ...CONSTRAINT_TABLES].map((t) => [t.name, { table: t, def: virtualDef(SCHEMA, t) }]),
);

/** The `mysql` schema's tables that admin tools query, read-only over accounts and grants. */
const MYSQL = 'mysql';
const MYSQL_BY_NAME = new Map(
  MYSQL_TABLES.map((t) => [t.name, { table: t, def: virtualDef(MYSQL, t) }]),
);

/** The virtual table a reference names (information_schema is case-insensitive), if any. */
function virtualTable(catalog: Catalog, db: string, name: string): Virtual | undefined {
  const lower = db.toLowerCase();
  if (lower === SCHEMA) return BY_NAME.get(name.toUpperCase());
  if (lower === MYSQL && catalog.table(db, name) === undefined)
    return MYSQL_BY_NAME.get(name.toLowerCase());
  return undefined;
}

/** A view's row in information_schema.TABLES: type VIEW, no engine or sizes, comment VIEW. */
function viewTablesRow(v: ViewDef): Row {
  const row: Row = ['def', v.db, v.name, 'VIEW'];
  for (let i = 0; i < 16; i++) row.push(null);
  row.push('VIEW', null, null);
  return row;
}

/** The engine's catalog plus information_schema's definitions and the mysql schema's. */
class WithInformationSchema implements Catalog {
  constructor(private readonly base: Catalog) {}
  get version(): number {
    return this.base.version;
  }
  table(db: string, name: string): TableDef | undefined {
    if (db.toLowerCase() === SCHEMA) return BY_NAME.get(name.toUpperCase())?.def;
    return virtualTable(this.base, db, name)?.def ?? this.base.table(db, name);
  }
  tables(db: string): readonly TableDef[] {
    if (db.toLowerCase() === SCHEMA) return [...BY_NAME.values()].map((x) => x.def);
    return this.base.tables(db);
  }
  databaseExists(db: string): boolean {
    return this.base.databaseExists(db);
  }
  view(db: string, name: string): ViewDef | undefined {
    return this.base.view?.(db, name);
  }
  views(db: string): readonly ViewDef[] {
    return this.base.views?.(db) ?? [];
  }
  trigger(db: string, name: string): TriggerDef | undefined {
    return this.base.trigger?.(db, name);
  }
  triggers(db: string): readonly TriggerDef[] {
    return this.base.triggers?.(db) ?? [];
  }
}

function refsSchema(
  catalog: Catalog,
  refs: readonly TableRef[] | null,
  database: string | null,
): boolean {
  for (const ref of refs ?? []) {
    if (ref.kind === 'table') {
      const db = ref.table.db ?? database;
      if (db !== null && virtualTable(catalog, db, ref.table.name) !== undefined) return true;
      if (db !== null && db.toLowerCase() === SCHEMA) return true;
    } else if (ref.kind === 'join') {
      if (refsSchema(catalog, [ref.left, ref.right], database)) return true;
    } else if (ref.kind === 'derived' && queryRefs(catalog, ref.query, database)) return true;
  }
  return false;
}

function queryRefs(catalog: Catalog, q: Query, database: string | null): boolean {
  if (q.with?.ctes.some((cte) => queryRefs(catalog, cte.query, database)) === true) return true;
  if (q.kind === 'union')
    return queryRefs(catalog, q.left, database) || queryRefs(catalog, q.right, database);
  return refsSchema(catalog, q.from, database);
}

export class InformationSchema {
  constructor(private readonly engine: Engine) {}

  names(): string[] {
    return [...BY_NAME.keys()];
  }

  handles(q: Query, database: string | null): boolean {
    return queryRefs(this.engine.catalog, q, database);
  }

  /**
   * Whether a SELECT reads nothing but information_schema (or no table at all): what MariaDB
   * still answers on a node outside the primary component (a health check's `SELECT 1`, or
   * its read of GLOBAL_STATUS), where a read of a table would answer from a stale state.
   */
  readableDetached(session: EngineSession, prepared: Prepared): boolean {
    const catalog = new WithInformationSchema(this.engine.catalog);
    const emitted = emitDml(
      prepared.statement as Query,
      { catalog, database: session.database, collation: session.collation },
      prepared.template.pinned,
    );
    return (
      emitted.ok &&
      emitted.value.tables.every((def) => def.db.toLowerCase() === SCHEMA && BY_NAME.has(def.name))
    );
  }

  async run(
    session: EngineSession,
    prepared: Prepared,
    params: readonly SqlValue[],
  ): Promise<RowsResult | ErrorResult> {
    const q = prepared.statement as Query;
    const catalog = new WithInformationSchema(this.engine.catalog);
    const emitted = emitDml(
      q,
      { catalog, database: session.database, collation: session.collation },
      prepared.template.pinned,
    );
    if (!emitted.ok) return fromSqlError(emitted.error);
    const translation = emitted.value;
    const used: Virtual[] = [];
    for (const def of translation.tables) {
      const virtual = virtualTable(this.engine.catalog, def.db, def.name);
      if (virtual === undefined) continue;
      // information_schema is everyone's; the mysql schema needs SELECT on it, as in MariaDB.
      if (def.db === MYSQL && !hasPrivilege(session.account, 'SELECT', MYSQL, def.name))
        return tableDenied('SELECT', session.info, MYSQL, def.name);
      used.push(virtual);
    }
    const binds = bindAll(translation, slotValues(prepared, params), session);
    const executed = await session.withScratch((execute) => {
      for (const { table, def } of used) {
        const name = `"${def.sqliteName}"`;
        // Text compares as information_schema's utf8mb3_general_ci does: case-insensitively.
        const columns = table.columns.map(
          ([n, k]) => `"${n}"${k === T ? ' COLLATE utf8mb3_general_ci' : ''}`,
        );
        const created = execute(
          `CREATE TEMP TABLE IF NOT EXISTS ${name} (${columns.join(', ')})`,
          [],
        );
        if ('kind' in created) return created;
        const cleared = execute(`DELETE FROM temp.${name}`, []);
        if ('kind' in cleared) return cleared;
        const insert = `INSERT INTO temp.${name} VALUES (${table.columns.map(() => '?').join(', ')})`;
        for (const row of table.rows(session)) {
          const inserted = execute(
            insert,
            row.map((v) => toStore(v)),
          );
          if ('kind' in inserted) return inserted;
        }
      }
      return execute(translation.sql, binds);
    });
    if ('kind' in executed) return executed;
    const result = session.rowsResult(queryColumns(q, catalog, session.database), executed);
    return used.some((v) => v.def.db === MYSQL) ? viewColumnNames(q, used, result) : result;
  }
}

/**
 * mysql.user is a view in MariaDB, whose columns keep their defined names: `SELECT user FROM
 * mysql.user` reports a column `User`. The mysql tables answer alike.
 */
function viewColumnNames(q: Query, used: readonly Virtual[], result: RowsResult): RowsResult {
  if (q.kind !== 'select') return result;
  const defined = new Map<string, string>();
  for (const { def } of used)
    if (def.db === MYSQL) for (const c of def.columns) defined.set(c.name.toLowerCase(), c.name);
  const columns = result.columns.map((column, i) => {
    const item = q.items[i];
    if (item?.kind !== 'item' || item.alias !== null || item.expr.kind !== 'column') return column;
    const name = defined.get(item.expr.column.toLowerCase());
    return name === undefined ? column : { ...column, name };
  });
  return { ...result, columns };
}
