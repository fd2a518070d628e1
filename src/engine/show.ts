// SHOW and DESCRIBE: result sets built from the catalog, the variables, the sessions and the
// replicator, with MariaDB's column names, filtered by LIKE or WHERE.
import type { ColumnDef, ErrorResult, RowsResult, SqlValue } from '../mysql/index.js';
import {
  createTriggerText,
  describeTable,
  mysqlTypeText,
  showCreateDatabase,
  showCreateTable,
  showCreateView,
  type ViewDef,
  type Expr,
  type Prepared,
  type Show,
  type TableDef,
  type TableName,
  CHARACTER_SETS,
  COLLATIONS,
} from '../sql/index.js';
import {
  bigintColumn,
  datetimeColumn,
  integerColumn,
  longTextColumn,
  textColumn,
} from './metadata.js';
import { viewTable } from './create-select.js';
import { mysqlError, noDatabaseSelected, unknownDatabase } from './errors.js';
import { innodbStatus } from './maintenance.js';
import type { EngineSession } from './session.js';
import { exprValue } from './bind.js';
import { slotValues } from './bind.js';
import { hasAnyOn, hasPrivilege, processHost, seesSessionsOf, showGrants } from './users.js';
import { showText } from './variables.js';
import { LOG_TABLES, logTable, type LogTable } from './virtual-tables.js';

type Cell = SqlValue;
/**
 * A SHOW column: VARCHAR, BIGINT, or as MariaDB sends some: a text BLOB, INT UNSIGNED, BIGINT
 * UNSIGNED, DATETIME.
 */
type Spec = readonly (readonly [
  string,
  'text' | 'int' | 'longtext' | 'uint' | 'ubigint' | 'datetime',
])[];

function rowsResult(spec: Spec, rows: Cell[][]): RowsResult {
  const columns: ColumnDef[] = spec.map(([name, type]) => {
    switch (type) {
      case 'int':
        return bigintColumn(name);
      case 'uint':
        return integerColumn(name, 2, true);
      case 'ubigint':
        return integerColumn(name, 21, true);
      case 'datetime':
        return datetimeColumn(name);
      case 'longtext':
        return longTextColumn(name);
      case 'text':
        return textColumn(name, 64);
    }
  });
  return { kind: 'rows', columns, rows };
}

/** MySQL LIKE (%, _, backslash escape), case-insensitive as with the utf8mb4_general_ci names. */
export function likeMatches(pattern: string, value: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length)
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', 'i').test(value);
}

/** Evaluates a SHOW … WHERE expression over one row (columns by name); unknown forms pass. */
function evalWhere(
  e: Expr,
  row: Map<string, Cell>,
  slots: readonly (SqlValue | Buffer | undefined)[],
): Cell {
  const value = (x: Expr): Cell => evalWhere(x, row, slots);
  switch (e.kind) {
    case 'column':
      return row.get(e.column.toLowerCase()) ?? null;
    case 'literal':
    case 'param':
      return exprValue(e, slots) ?? null;
    case 'binary': {
      if (e.op === 'AND') return truthy(value(e.left)) && truthy(value(e.right)) ? 1 : 0;
      if (e.op === 'OR') return truthy(value(e.left)) || truthy(value(e.right)) ? 1 : 0;
      const l = value(e.left);
      const r = value(e.right);
      if (l === null || r === null) return null;
      const c = compare(l, r);
      switch (e.op) {
        case '=':
          return c === 0 ? 1 : 0;
        case '<>':
          return c !== 0 ? 1 : 0;
        case '<':
          return c < 0 ? 1 : 0;
        case '<=':
          return c <= 0 ? 1 : 0;
        case '>':
          return c > 0 ? 1 : 0;
        case '>=':
          return c >= 0 ? 1 : 0;
        default:
          return 1;
      }
    }
    case 'unary':
      return e.op === 'NOT' ? (truthy(value(e.operand)) ? 0 : 1) : value(e.operand);
    case 'like': {
      const v = value(e.operand);
      const p = value(e.pattern);
      if (v === null || p === null) return null;
      return likeMatches(String(p), String(v)) !== e.negated ? 1 : 0;
    }
    case 'in_list': {
      const v = value(e.operand);
      const found = e.list.some((x) => {
        const y = value(x);
        return y !== null && v !== null && compare(v, y) === 0;
      });
      return found !== e.negated ? 1 : 0;
    }
    case 'is': {
      const v = value(e.operand);
      return ((v === null) === (e.value === 'NULL' || e.value === 'UNKNOWN')) !== e.negated ? 1 : 0;
    }
    default:
      return 1;
  }
}

function truthy(v: Cell): boolean {
  return v !== null && v !== 0 && v !== '0' && v !== 0n;
}

function compare(a: Cell, b: Cell): number {
  const na = Number(a);
  const nb = Number(b);
  if (typeof a !== 'string' || typeof b !== 'string') {
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  }
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function filtered(
  session: EngineSession,
  s: Show,
  prepared: Prepared,
  params: readonly SqlValue[],
  spec: Spec,
  rows: Cell[][],
): RowsResult {
  let out = rows;
  const filter = s.filter;
  if (filter?.kind === 'like')
    out = rows.filter((r) => likeMatches(filter.pattern, String(r[0] ?? '')));
  else if (filter?.kind === 'where') {
    const slots = slotValues(prepared, params);
    const names = spec.map(([n]) => n.toLowerCase());
    out = rows.filter((r) =>
      truthy(evalWhere(filter.expr, new Map(names.map((n, i) => [n, r[i] ?? null])), slots)),
    );
  }
  void session;
  return rowsResult(spec, out);
}

/** MariaDB names the first column of SHOW DATABASES/TABLES LIKE 'p' with ` (p)` after it. */
function likeSuffix(s: Show): string {
  return s.filter?.kind === 'like' ? ` (${s.filter.pattern})` : '';
}

/** A log table of `mysql` (virtual-tables.ts) that no table, view or temporary table hides. */
function systemLogTable(session: EngineSession, name: TableName | null): LogTable | undefined {
  if (name === null) return undefined;
  const db = name.db ?? session.database;
  if (db === null) return undefined;
  const log = logTable(db, name.name);
  if (log === undefined) return undefined;
  const catalog = session.engine.catalog;
  const hidden =
    session.temporary.definition({ db, name: name.name }) !== undefined ||
    catalog.table(db, name.name) !== undefined ||
    catalog.view(db, name.name) !== undefined;
  return hidden ? undefined : log;
}

/** SHOW TABLE STATUS of a log table: MariaDB's row for an empty CSV table. */
function logTableStatusRow(t: LogTable): Cell[] {
  return [
    t.name,
    'CSV',
    10,
    'Dynamic',
    0,
    0,
    0,
    0,
    0,
    0,
    null,
    null,
    null,
    null,
    'utf8mb3_general_ci',
    null,
    '',
    t.comment,
    0,
    'N',
  ];
}

function tableOf(
  session: EngineSession,
  name: TableName | null,
  db: string | null,
): TableDef | ErrorResult {
  if (name === null) return mysqlError(1064, '42000', 'Table name expected');
  const database = db ?? name.db ?? session.database;
  if (database === null) return noDatabaseSelected();
  // The session's temporary table hides a table or view of its name, as in MariaDB.
  const temporary = session.temporary.definition({ db: database, name: name.name });
  if (temporary !== undefined) return temporary;
  const table = session.engine.catalog.table(database, name.name);
  if (table !== undefined) return table;
  const view = session.engine.catalog.view(database, name.name);
  if (view === undefined)
    return mysqlError(1146, '42S02', `Table '${database}.${name.name}' doesn't exist`);
  return (
    viewTable(view, session.engine.catalog) ??
    mysqlError(
      1356,
      'HY000',
      `View '${view.db}.${view.name}' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them`,
    )
  );
}

function viewOf(
  session: EngineSession,
  name: { readonly db: string | null; readonly name: string } | null,
): ViewDef | undefined {
  const database = name?.db ?? session.database;
  if (name === null || database === null) return undefined;
  if (session.temporary.definition({ db: database, name: name.name }) !== undefined)
    return undefined;
  return session.engine.catalog.view(database, name.name);
}

/** SHOW CREATE VIEW (and SHOW CREATE TABLE of a view), with MariaDB's four columns. */
function showView(view: ViewDef): RowsResult {
  return rowsResult(
    [
      ['View', 'text'],
      ['Create View', 'text'],
      ['character_set_client', 'text'],
      ['collation_connection', 'text'],
    ],
    [[view.name, showCreateView(view), 'utf8mb4', 'utf8mb4_general_ci']],
  );
}

const isError = (x: unknown): x is ErrorResult =>
  typeof x === 'object' && x !== null && (x as { kind?: string }).kind === 'error';

export function runShow(
  session: EngineSession,
  s: Show,
  prepared: Prepared,
  params: readonly SqlValue[],
): RowsResult | ErrorResult {
  const engine = session.engine;
  const show = (spec: Spec, rows: Cell[][]): RowsResult =>
    filtered(session, s, prepared, params, spec, rows);
  switch (s.target) {
    case 'databases': {
      const all = hasPrivilege(session.account, 'SHOW DATABASES', null, null);
      const names = engine.catalog
        .databaseNames()
        .filter((d) => all || d === 'information_schema' || hasAnyOn(session.account, d));
      return show(
        [[`Database${likeSuffix(s)}`, 'text']],
        names.map((n) => [n]),
      );
    }
    case 'tables': {
      const db = s.db ?? session.database;
      if (db === null) return noDatabaseSelected();
      if (!engine.catalog.databaseExists(db)) return unknownDatabase(db);
      const tables =
        db.toLowerCase() === 'information_schema'
          ? engine.infoSchema.names().map((n) => [n, 'SYSTEM VIEW'])
          : [
              ...engine.catalog.tables(db).map((t) => [t.name, 'BASE TABLE']),
              ...engine.catalog.views(db).map((v) => [v.name, 'VIEW']),
            ].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
      const spec: Spec = s.full
        ? [
            [`Tables_in_${db}${likeSuffix(s)}`, 'text'],
            ['Table_type', 'text'],
          ]
        : [[`Tables_in_${db}${likeSuffix(s)}`, 'text']];
      return show(
        spec,
        tables.map((t) => (s.full ? t : [t[0]!])),
      );
    }
    case 'columns': {
      const table = tableOf(session, s.table, s.db);
      if (isError(table)) return table;
      return showColumns(table, s.full, show);
    }
    case 'index': {
      const table = tableOf(session, s.table, s.db);
      if (isError(table)) return table;
      return showIndex(table, show);
    }
    case 'create_view':
    case 'create_table': {
      const view = viewOf(session, s.table);
      if (view !== undefined) return showView(view);
      if (s.target === 'create_view') {
        const table = tableOf(session, s.table, null);
        if (isError(table)) return table;
        return mysqlError(1347, 'HY000', `'${table.db}.${table.name}' is not of type 'VIEW'`);
      }
      const log = systemLogTable(session, s.table);
      if (log !== undefined)
        return rowsResult(
          [
            ['Table', 'text'],
            ['Create Table', 'text'],
          ],
          [[log.name, log.createText]],
        );
      const table = tableOf(session, s.table, null);
      if (isError(table)) return table;
      if (s.table !== null && session.temporary.has(s.table))
        return rowsResult(
          [
            ['Table', 'text'],
            ['Create Table', 'text'],
          ],
          [[table.name, showCreateTable(table).replace(/^CREATE TABLE/, 'CREATE TEMPORARY TABLE')]],
        );
      const next = table.autoIncrement === null ? null : autoIncrementNext(session, table);
      return rowsResult(
        [
          ['Table', 'text'],
          ['Create Table', 'text'],
        ],
        [[table.name, showCreateTable(table, next)]],
      );
    }
    case 'create_trigger': {
      // What mariadb-dump reads for each trigger (it dumps them by default).
      const db = s.table?.db ?? session.database;
      if (db === null) return noDatabaseSelected();
      const name = s.table?.name ?? '';
      const trigger = engine.catalog
        .triggers(db)
        .find((t) => t.name.toLowerCase() === name.toLowerCase());
      if (trigger === undefined) return mysqlError(1360, 'HY000', 'Trigger does not exist');
      return rowsResult(
        [
          ['Trigger', 'text'],
          ['sql_mode', 'text'],
          ['SQL Original Statement', 'text'],
          ['character_set_client', 'text'],
          ['collation_connection', 'text'],
          ['Database Collation', 'text'],
          ['Created', 'datetime'],
        ],
        [
          [
            trigger.name,
            String(session.variable('sql_mode', null) ?? ''),
            createTriggerText(trigger),
            'utf8mb4',
            'utf8mb4_general_ci',
            engine.catalog.database(db)?.collation ?? 'utf8mb4_general_ci',
            null,
          ],
        ],
      );
    }
    case 'create_database': {
      const name = s.db ?? '';
      const db = engine.catalog.database(name);
      if (db === undefined) return unknownDatabase(name);
      return rowsResult(
        [
          ['Database', 'text'],
          ['Create Database', 'text'],
        ],
        [[name, showCreateDatabase(name, db.charset, db.collation, s.ifNotExists === true)]],
      );
    }
    case 'create_user': {
      const u = s.user;
      const account = u === null ? session.account : engine.catalog.account(u.user, u.host);
      if (account === undefined)
        return mysqlError(
          1396,
          'HY000',
          `Operation SHOW CREATE USER failed for '${u?.user}'@'${u?.host}'`,
        );
      const text = `CREATE USER \`${account.user}\`@\`${account.host}\`${account.authenticationString ? ` IDENTIFIED BY PASSWORD '${account.authenticationString}'` : ''}`;
      return rowsResult([[`CREATE USER for ${account.user}@${account.host}`, 'text']], [[text]]);
    }
    case 'grants': {
      const u = s.user;
      const account =
        u === null || (u.user === session.account.user && u.host === session.account.host)
          ? session.account
          : engine.catalog.account(u.user, u.host);
      if (account === undefined)
        return mysqlError(
          1141,
          '42000',
          `There is no such grant defined for user '${u?.user}' on host '${u?.host}'`,
        );
      return rowsResult(
        [[`Grants for ${account.user}@${account.host}`, 'text']],
        showGrants(account).map((g) => [g]),
      );
    }
    case 'status':
      return show(
        [
          ['Variable_name', 'text'],
          ['Value', 'text'],
        ],
        engine.statusVariables(session).map(([n, v]) => [n, v]),
      );
    case 'variables':
      return show(
        [
          ['Variable_name', 'text'],
          ['Value', 'text'],
        ],
        variableRows(session, s.scope === 'global'),
      );
    case 'engine_status':
      return innodbStatus(session);
    case 'processlist':
      return show(
        [
          ['Id', 'int'],
          ['User', 'text'],
          ['Host', 'text'],
          ['db', 'text'],
          ['Command', 'text'],
          ['Time', 'int'],
          ['State', 'text'],
          ['Info', 'text'],
          ['Progress', 'text'],
        ],
        [...engine.sessions.values()]
          .filter((x) => seesSessionsOf(session.account, x.info.user))
          .map((x) => [
            x.info.connectionId,
            x.info.user,
            processHost(x.info),
            x.database,
            x.current === null ? 'Sleep' : 'Query',
            Math.floor((Date.now() - (x.current?.sinceMs ?? x.idleSinceMs)) / 1000),
            x.current === null ? '' : 'executing',
            x.current === null ? null : s.full ? x.current.sql : x.current.sql.slice(0, 100),
            '0.000',
          ]),
      );
    case 'warnings':
    case 'errors': {
      const list = session.warnings.filter((w) => s.target === 'warnings' || w.level === 'Error');
      return rowsResult(
        [
          ['Level', 'text'],
          ['Code', 'uint'],
          ['Message', 'text'],
        ],
        list.map((w) => [w.level, w.code, w.message]),
      );
    }
    case 'count_warnings':
      return rowsResult([['@@session.warning_count', 'ubigint']], [[session.warnings.length]]);
    case 'count_errors':
      return rowsResult(
        [['@@session.error_count', 'ubigint']],
        [[session.warnings.filter((w) => w.level === 'Error').length]],
      );
    case 'engines':
      return show(
        [
          ['Engine', 'text'],
          ['Support', 'text'],
          ['Comment', 'text'],
          ['Transactions', 'text'],
          ['XA', 'text'],
          ['Savepoints', 'text'],
        ],
        [
          [
            'InnoDB',
            'DEFAULT',
            'Replicated SQLite tables (trireme), accepted as InnoDB',
            'YES',
            'NO',
            'YES',
          ],
        ],
      );
    case 'charset':
      return show(
        [
          ['Charset', 'text'],
          ['Description', 'text'],
          ['Default collation', 'text'],
          ['Maxlen', 'int'],
        ],
        CHARACTER_SETS.map((row) => [...row]),
      );
    case 'collation':
      return show(
        [
          ['Collation', 'text'],
          ['Charset', 'text'],
          ['Id', 'int'],
          ['Default', 'text'],
          ['Compiled', 'text'],
          ['Sortlen', 'int'],
        ],
        COLLATIONS.map((c) => [
          c.name,
          c.charset,
          c.id,
          c.isDefault ? 'Yes' : '',
          'Yes',
          c.sortlen,
        ]),
      );
    case 'table_status': {
      const db = s.db ?? session.database;
      if (db === null) return noDatabaseSelected();
      const logs = LOG_TABLES.filter((t) => systemLogTable(session, { db, name: t.name }));
      return show(TABLE_STATUS_SPEC, [
        ...engine.catalog.tables(db).map((t) => tableStatusRow(session, t)),
        ...logs.map(logTableStatusRow),
      ]);
    }
    case 'master_status':
      return rowsResult(
        [
          ['File', 'text'],
          ['Position', 'int'],
          ['Binlog_Do_DB', 'text'],
          ['Binlog_Ignore_DB', 'text'],
        ],
        [],
      );
    case 'binary_logs':
      return rowsResult(
        [
          ['Log_name', 'text'],
          ['File_size', 'int'],
        ],
        [],
      );
    case 'plugins':
      return show(
        [
          ['Name', 'text'],
          ['Status', 'text'],
          ['Type', 'text'],
          ['Library', 'text'],
          ['License', 'text'],
        ],
        [
          ['mysql_native_password', 'ACTIVE', 'AUTHENTICATION', null, 'GPL'],
          ['InnoDB', 'ACTIVE', 'STORAGE ENGINE', null, 'GPL'],
          ['wsrep', 'ACTIVE', 'REPLICATION', null, 'GPL'],
        ],
      );
    case 'privileges':
      return show(
        [
          ['Privilege', 'text'],
          ['Context', 'text'],
          ['Comment', 'text'],
        ],
        [
          ['Select', 'Tables', 'To retrieve rows from table'],
          ['Insert', 'Tables', 'To insert data into tables'],
          ['Update', 'Tables', 'To update existing rows'],
          ['Delete', 'Tables', 'To delete existing rows'],
        ],
      );
    case 'open_tables':
      return rowsResult(
        [
          ['Database', 'text'],
          ['Table', 'text'],
          ['In_use', 'int'],
          ['Name_locked', 'int'],
        ],
        [],
      );
    case 'triggers': {
      const db = s.db ?? session.database;
      if (db === null) return noDatabaseSelected();
      const sqlMode = String(session.variable('sql_mode', null) ?? '');
      const collation = engine.catalog.database(db)?.collation ?? 'utf8mb4_general_ci';
      return show(
        [
          ['Trigger', 'text'],
          ['Event', 'text'],
          ['Table', 'text'],
          ['Statement', 'longtext'],
          ['Timing', 'text'],
          ['Created', 'datetime'],
          ['sql_mode', 'text'],
          ['Definer', 'text'],
          ['character_set_client', 'text'],
          ['collation_connection', 'text'],
          ['Database Collation', 'text'],
        ],
        engine.catalog
          .triggers(db)
          .map((t) => [
            t.name,
            t.event,
            t.table,
            t.bodyText,
            t.timing,
            null,
            sqlMode,
            `${t.definer.user}@${t.definer.host}`,
            'utf8mb4',
            'utf8mb4_general_ci',
            collation,
          ]),
      );
    }
    case 'events':
      return rowsResult(
        [
          ['Db', 'text'],
          ['Name', 'text'],
          ['Definer', 'text'],
          ['Time zone', 'text'],
          ['Type', 'text'],
          ['Execute at', 'datetime'],
          ['Interval value', 'text'],
          ['Interval field', 'text'],
          ['Starts', 'datetime'],
          ['Ends', 'datetime'],
          ['Status', 'text'],
          ['Originator', 'int'],
          ['character_set_client', 'text'],
          ['collation_connection', 'text'],
          ['Database Collation', 'text'],
        ],
        [],
      );
    case 'function_status':
    case 'procedure_status':
    case 'package_status':
      return rowsResult(
        [
          ['Db', 'text'],
          ['Name', 'text'],
          ['Type', 'text'],
          ['Definer', 'text'],
          ['Modified', 'datetime'],
          ['Created', 'datetime'],
          ['Security_type', 'text'],
          ['Comment', 'longtext'],
          ['character_set_client', 'text'],
          ['collation_connection', 'text'],
          ['Database Collation', 'text'],
        ],
        [],
      );
  }
}

export function autoIncrementNext(session: EngineSession, table: TableDef): number | null {
  const column = table.autoIncrement;
  if (column === null) return null;
  const floor = session.engine.autoIncrementFloor(
    (sql, binds) => session.readOnce(sql, binds),
    table,
    column,
  );
  if (isError(floor)) return null;
  return Number(session.engine.allocator.peek(table.sqliteName, floor));
}

const TABLE_STATUS_SPEC: Spec = [
  ['Name', 'text'],
  ['Engine', 'text'],
  ['Version', 'ubigint'],
  ['Row_format', 'text'],
  ['Rows', 'ubigint'],
  ['Avg_row_length', 'ubigint'],
  ['Data_length', 'ubigint'],
  ['Max_data_length', 'ubigint'],
  ['Index_length', 'ubigint'],
  ['Data_free', 'ubigint'],
  ['Auto_increment', 'ubigint'],
  ['Create_time', 'datetime'],
  ['Update_time', 'datetime'],
  ['Check_time', 'datetime'],
  ['Collation', 'text'],
  ['Checksum', 'ubigint'],
  ['Create_options', 'text'],
  ['Comment', 'text'],
  ['Max_index_length', 'ubigint'],
  ['Temporary', 'text'],
];

export function tableRows(session: EngineSession, table: TableDef): number {
  const counted = session.readOnce(
    `SELECT count(*) FROM "${table.sqliteName.replace(/"/g, '""')}"`,
    [],
  );
  return isError(counted) ? 0 : Number(counted.rows[0]?.[0] ?? 0);
}

export function tableStatusRow(session: EngineSession, t: TableDef): Cell[] {
  const rows = tableRows(session, t);
  return [
    t.name,
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
}

/** DESCRIBE and SHOW COLUMNS: Type and Default are LONGTEXT in MariaDB, sent as text BLOBs. */
const DESCRIBE_SPEC: Spec = [
  ['Field', 'text'],
  ['Type', 'longtext'],
  ['Null', 'text'],
  ['Key', 'text'],
  ['Default', 'longtext'],
  ['Extra', 'text'],
];

function showColumns(
  table: TableDef,
  full: boolean,
  show: (spec: Spec, rows: Cell[][]) => RowsResult,
): RowsResult {
  const described = describeTable(table);
  if (!full)
    return show(
      DESCRIBE_SPEC,
      described.map((d) => [d.Field, d.Type, d.Null, d.Key, d.Default, d.Extra]),
    );
  return show(
    [
      ['Field', 'text'],
      ['Type', 'longtext'],
      ['Collation', 'text'],
      ['Null', 'text'],
      ['Key', 'text'],
      ['Default', 'longtext'],
      ['Extra', 'text'],
      ['Privileges', 'text'],
      ['Comment', 'text'],
    ],
    described.map((d, i) => {
      const c = table.columns[i]!;
      const text = /CHAR|TEXT|ENUM|SET/.test(c.type.name);
      // JSON is MariaDB's LONGTEXT COLLATE utf8mb4_bin.
      const collation =
        c.type.name === 'JSON'
          ? 'utf8mb4_bin'
          : text
            ? (c.type.collation ?? table.options.collation ?? 'utf8mb4_general_ci')
            : null;
      return [
        d.Field,
        d.Type,
        collation,
        d.Null,
        d.Key,
        d.Default,
        d.Extra,
        'select,insert,update,references',
        c.comment ?? '',
      ];
    }),
  );
}

function showIndex(table: TableDef, show: (spec: Spec, rows: Cell[][]) => RowsResult): RowsResult {
  const rows: Cell[][] = [];
  for (const index of table.indexes) {
    index.columns.forEach((c, i) => {
      const def = table.columns.find((x) => x.name.toLowerCase() === c.column.toLowerCase());
      // A FULLTEXT index has no order and no cardinality in MariaDB's answer.
      const fulltext = index.kind === 'fulltext';
      rows.push([
        table.name,
        index.kind === 'primary' || index.kind === 'unique' ? 0 : 1,
        index.kind === 'primary' ? 'PRIMARY' : index.name,
        i + 1,
        c.column,
        fulltext ? null : c.direction === 'DESC' ? 'D' : 'A',
        fulltext ? null : 0,
        c.length,
        null,
        def?.nullable === false ? '' : 'YES',
        fulltext ? 'FULLTEXT' : 'BTREE',
        '',
        '',
        'NO',
      ]);
    });
  }
  return show(
    [
      ['Table', 'text'],
      ['Non_unique', 'int'],
      ['Key_name', 'text'],
      ['Seq_in_index', 'uint'],
      ['Column_name', 'text'],
      ['Collation', 'text'],
      ['Cardinality', 'int'],
      ['Sub_part', 'int'],
      ['Packed', 'text'],
      ['Null', 'text'],
      ['Index_type', 'text'],
      ['Comment', 'text'],
      ['Index_comment', 'text'],
      ['Ignored', 'text'],
    ],
    rows,
  );
}

export function runDescribe(
  session: EngineSession,
  name: TableName,
  column: string | null,
): RowsResult | ErrorResult {
  const table = tableOf(session, name, null);
  if (isError(table)) return table;
  const rows = describeTable(table)
    .filter((d) => column === null || likeMatches(column, d.Field))
    .map((d) => [d.Field, d.Type, d.Null, d.Key, d.Default, d.Extra]);
  return rowsResult(DESCRIBE_SPEC, rows);
}

export { mysqlTypeText };

/**
 * Every variable and its value as SHOW [GLOBAL] VARIABLES lists them (and
 * information_schema.GLOBAL_VARIABLES / SESSION_VARIABLES), sorted by name.
 */
export function variableRows(session: EngineSession, global: boolean): [string, string][] {
  const rows: [string, string][] = [];
  for (const [name, spec] of [...session.engine.specs.entries()].sort((a, b) =>
    a[0] < b[0] ? -1 : 1,
  )) {
    const value = session.variable(name, global ? 'global' : null);
    rows.push([name, showText(spec, value ?? null)]);
  }
  return rows;
}
