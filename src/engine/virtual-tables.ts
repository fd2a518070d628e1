// The catalog tables ORMs and admin tools read, answered from the engine's catalog: the
// constraint views of information_schema (Knex, TypeORM and Sequelize read them to rename
// columns and to diff schemas) and read-only `mysql.user`, `mysql.db` and `mysql.tables_priv`
// over our accounts and grants. information-schema.ts materializes them like its other tables.
import type { SqlValue } from '../mysql/index.js';
import {
  backquote,
  checkClauseText,
  type DataType,
  type IndexDef,
  type TableDef,
} from '../sql/index.js';
import type { AccountDef, GrantDef } from './catalog.js';
import type { EngineSession } from './session.js';
import { ALL_PRIVILEGES } from './users.js';

/**
 * A virtual column's type: VARCHAR, BIGINT, and where MariaDB's own table says so LONGTEXT (sent
 * as a text BLOB: COLUMN_TYPE, COLUMN_DEFAULT) or BIGINT UNSIGNED.
 */
export type Kind = 'text' | 'int' | 'longtext' | 'uint' | 'datetime';
export type Row = SqlValue[];

export interface VirtualTable {
  readonly name: string;
  readonly columns: readonly (readonly [string, Kind])[];
  readonly rows: (session: EngineSession) => Row[];
}

const T = 'text';
const I = 'int';

const texts = (...names: string[]): (readonly [string, Kind])[] => names.map((n) => [n, T]);

/** The unique index a foreign key references: MariaDB names it in UNIQUE_CONSTRAINT_NAME. */
function referencedKey(session: EngineSession, t: TableDef, fk: TableDef['foreignKeys'][number]) {
  const target = session.engine.catalog.table(fk.refTable.db ?? t.db, fk.refTable.name);
  const wanted = fk.refColumns.map((c) => c.toLowerCase()).join('\u0000');
  const key = target?.indexes.find(
    (i: IndexDef) =>
      (i.kind === 'primary' || i.kind === 'unique') &&
      i.columns.map((c) => c.column.toLowerCase()).join('\u0000') === wanted,
  );
  return key === undefined ? null : key.kind === 'primary' ? 'PRIMARY' : key.name;
}

/** MariaDB gives every JSON column the column-level CHECK (json_valid(`c`)). */
function jsonChecks(t: TableDef): { name: string; text: string }[] {
  return t.columns
    .filter((c) => c.type.name === 'JSON')
    .map((c) => ({ name: c.name, text: `json_valid(${backquote(c.name)})` }));
}

export const CONSTRAINT_TABLES: readonly VirtualTable[] = [
  {
    name: 'REFERENTIAL_CONSTRAINTS',
    columns: texts(
      'CONSTRAINT_CATALOG',
      'CONSTRAINT_SCHEMA',
      'CONSTRAINT_NAME',
      'UNIQUE_CONSTRAINT_CATALOG',
      'UNIQUE_CONSTRAINT_SCHEMA',
      'UNIQUE_CONSTRAINT_NAME',
      'MATCH_OPTION',
      'UPDATE_RULE',
      'DELETE_RULE',
      'TABLE_NAME',
      'REFERENCED_TABLE_NAME',
    ),
    rows: (s) =>
      s.engine.catalog
        .allTables()
        .flatMap((t) =>
          t.foreignKeys.map((fk): Row => [
            'def',
            t.db,
            fk.name,
            'def',
            fk.refTable.db ?? t.db,
            referencedKey(s, t, fk),
            'NONE',
            fk.onUpdate ?? 'RESTRICT',
            fk.onDelete ?? 'RESTRICT',
            t.name,
            fk.refTable.name,
          ]),
        ),
  },
  {
    name: 'TABLE_CONSTRAINTS',
    columns: texts(
      'CONSTRAINT_CATALOG',
      'CONSTRAINT_SCHEMA',
      'CONSTRAINT_NAME',
      'TABLE_SCHEMA',
      'TABLE_NAME',
      'CONSTRAINT_TYPE',
    ),
    rows: (s) =>
      s.engine.catalog.allTables().flatMap((t) => {
        const row = (name: string, type: string): Row => ['def', t.db, name, t.db, t.name, type];
        return [
          ...t.indexes
            .filter((i) => i.kind === 'primary' || i.kind === 'unique')
            .map((i) =>
              i.kind === 'primary' ? row('PRIMARY', 'PRIMARY KEY') : row(i.name, 'UNIQUE'),
            ),
          ...t.foreignKeys.map((fk) => row(fk.name, 'FOREIGN KEY')),
          ...jsonChecks(t).map((c) => row(c.name, 'CHECK')),
          ...t.checks.map((c) => row(c.name, 'CHECK')),
        ];
      }),
  },
  {
    name: 'CHECK_CONSTRAINTS',
    columns: [
      ...texts('CONSTRAINT_CATALOG', 'CONSTRAINT_SCHEMA', 'TABLE_NAME', 'CONSTRAINT_NAME', 'LEVEL'),
      ['CHECK_CLAUSE', 'longtext'],
    ],
    rows: (s) =>
      s.engine.catalog
        .allTables()
        .flatMap((t) => [
          ...jsonChecks(t).map((c): Row => ['def', t.db, t.name, c.name, 'Column', c.text]),
          ...t.checks.map((c): Row => [
            'def',
            t.db,
            t.name,
            c.name,
            'Table',
            checkClauseText(c.text),
          ]),
        ]),
  },
];

// ------------------------------------------------------------------------------ mysql schema

/** mysql.user's privilege columns, in MariaDB 10.11's order, and the privilege each stands for. */
const USER_PRIVILEGE_COLUMNS: readonly (readonly [string, string])[] = [
  ['Select_priv', 'SELECT'],
  ['Insert_priv', 'INSERT'],
  ['Update_priv', 'UPDATE'],
  ['Delete_priv', 'DELETE'],
  ['Create_priv', 'CREATE'],
  ['Drop_priv', 'DROP'],
  ['Reload_priv', 'RELOAD'],
  ['Shutdown_priv', 'SHUTDOWN'],
  ['Process_priv', 'PROCESS'],
  ['File_priv', 'FILE'],
  ['Grant_priv', 'GRANT OPTION'],
  ['References_priv', 'REFERENCES'],
  ['Index_priv', 'INDEX'],
  ['Alter_priv', 'ALTER'],
  ['Show_db_priv', 'SHOW DATABASES'],
  ['Super_priv', 'SUPER'],
  ['Create_tmp_table_priv', 'CREATE TEMPORARY TABLES'],
  ['Lock_tables_priv', 'LOCK TABLES'],
  ['Execute_priv', 'EXECUTE'],
  ['Repl_slave_priv', 'REPLICATION SLAVE'],
  ['Repl_client_priv', 'BINLOG MONITOR'],
  ['Create_view_priv', 'CREATE VIEW'],
  ['Show_view_priv', 'SHOW VIEW'],
  ['Create_routine_priv', 'CREATE ROUTINE'],
  ['Alter_routine_priv', 'ALTER ROUTINE'],
  ['Create_user_priv', 'CREATE USER'],
  ['Event_priv', 'EVENT'],
  ['Trigger_priv', 'TRIGGER'],
  ['Create_tablespace_priv', 'CREATE TABLESPACE'],
  ['Delete_history_priv', 'DELETE HISTORY'],
];

/** mysql.db's privilege columns (database-level privileges only), in MariaDB 10.11's order. */
const DB_PRIVILEGE_COLUMNS: readonly (readonly [string, string])[] = [
  ...USER_PRIVILEGE_COLUMNS.slice(0, 6),
  ['Grant_priv', 'GRANT OPTION'],
  ['References_priv', 'REFERENCES'],
  ['Index_priv', 'INDEX'],
  ['Alter_priv', 'ALTER'],
  ['Create_tmp_table_priv', 'CREATE TEMPORARY TABLES'],
  ['Lock_tables_priv', 'LOCK TABLES'],
  ['Create_view_priv', 'CREATE VIEW'],
  ['Show_view_priv', 'SHOW VIEW'],
  ['Create_routine_priv', 'CREATE ROUTINE'],
  ['Alter_routine_priv', 'ALTER ROUTINE'],
  ['Execute_priv', 'EXECUTE'],
  ['Event_priv', 'EVENT'],
  ['Trigger_priv', 'TRIGGER'],
  ['Delete_history_priv', 'DELETE HISTORY'],
];

/** mysql.tables_priv's Table_priv set members, in MariaDB's order, and their privileges. */
const TABLE_PRIVILEGES: readonly (readonly [string, string])[] = [
  ['Select', 'SELECT'],
  ['Insert', 'INSERT'],
  ['Update', 'UPDATE'],
  ['Delete', 'DELETE'],
  ['Create', 'CREATE'],
  ['Drop', 'DROP'],
  ['Grant', 'GRANT OPTION'],
  ['References', 'REFERENCES'],
  ['Index', 'INDEX'],
  ['Alter', 'ALTER'],
  ['Create View', 'CREATE VIEW'],
  ['Show view', 'SHOW VIEW'],
  ['Trigger', 'TRIGGER'],
  ['Delete versioning rows', 'DELETE HISTORY'],
];

function holds(grant: GrantDef | undefined, privilege: string): boolean {
  if (grant === undefined) return false;
  if (privilege === 'GRANT OPTION') return grant.grantOption;
  return grant.privileges.includes(ALL_PRIVILEGES) || grant.privileges.includes(privilege);
}

const yn = (value: boolean): string => (value ? 'Y' : 'N');

function userRow(a: AccountDef): Row {
  const global = a.grants.find((g) => g.db === null);
  return [
    a.host,
    a.user,
    a.authenticationString,
    ...USER_PRIVILEGE_COLUMNS.map(([, p]) => yn(holds(global, p))),
    '',
    '',
    '',
    '',
    0,
    0,
    0,
    0,
    a.plugin,
    a.authenticationString,
    'N',
    'N',
    '',
    '0.000000',
  ];
}

/**
 * MariaDB's log tables, `mysql.general_log` and `mysql.slow_log`: trireme logs no queries to
 * tables, so they are always empty, but they exist as MariaDB's do (CSV, utf8mb3), because
 * mariadb-dump reads the structure of both in every dump of the `mysql` database
 * (`--all-databases`) and stops on 1146 if they are missing. Their CREATE TABLE is MariaDB
 * 10.11's, word for word, as SHOW CREATE TABLE answers it there.
 */
export interface LogTable {
  readonly name: string;
  readonly comment: string;
  readonly createText: string;
}

export const LOG_TABLES: readonly LogTable[] = [
  {
    name: 'general_log',
    comment: 'General log',
    createText: [
      'CREATE TABLE `general_log` (',
      '  `event_time` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),',
      '  `user_host` mediumtext NOT NULL,',
      '  `thread_id` bigint(21) unsigned NOT NULL,',
      '  `server_id` int(10) unsigned NOT NULL,',
      '  `command_type` varchar(64) NOT NULL,',
      '  `argument` mediumtext NOT NULL',
      ") ENGINE=CSV DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci COMMENT='General log'",
    ].join('\n'),
  },
  {
    name: 'slow_log',
    comment: 'Slow log',
    createText: [
      'CREATE TABLE `slow_log` (',
      '  `start_time` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),',
      '  `user_host` mediumtext NOT NULL,',
      '  `query_time` time(6) NOT NULL,',
      '  `lock_time` time(6) NOT NULL,',
      '  `rows_sent` bigint(20) unsigned NOT NULL,',
      '  `rows_examined` bigint(20) unsigned NOT NULL,',
      '  `db` varchar(512) NOT NULL,',
      '  `last_insert_id` int(11) NOT NULL,',
      '  `insert_id` int(11) NOT NULL,',
      '  `server_id` int(10) unsigned NOT NULL,',
      '  `sql_text` mediumtext NOT NULL,',
      '  `thread_id` bigint(21) unsigned NOT NULL,',
      '  `rows_affected` bigint(20) unsigned NOT NULL',
      ") ENGINE=CSV DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci COMMENT='Slow log'",
    ].join('\n'),
  },
];

/** The log table `db`.`name` names, if it is one (and no table of that name was made there). */
export function logTable(db: string, name: string): LogTable | undefined {
  if (db.toLowerCase() !== 'mysql') return undefined;
  const lower = name.toLowerCase();
  return LOG_TABLES.find((t) => t.name === lower);
}

export const MYSQL_TABLES: readonly VirtualTable[] = [
  {
    name: 'user',
    columns: [
      ['Host', T],
      ['User', T],
      ['Password', T],
      ...USER_PRIVILEGE_COLUMNS.map(([c]) => [c, T] as const),
      ...texts('ssl_type', 'ssl_cipher', 'x509_issuer', 'x509_subject'),
      ['max_questions', I],
      ['max_updates', I],
      ['max_connections', I],
      ['max_user_connections', I],
      ...texts(
        'plugin',
        'authentication_string',
        'password_expired',
        'is_role',
        'default_role',
        'max_statement_time',
      ),
    ],
    rows: (s) => s.engine.catalog.accounts().map(userRow),
  },
  {
    name: 'db',
    columns: [
      ['Host', T],
      ['Db', T],
      ['User', T],
      ...DB_PRIVILEGE_COLUMNS.map(([c]) => [c, T] as const),
    ],
    rows: (s) =>
      s.engine.catalog
        .accounts()
        .flatMap((a) =>
          a.grants
            .filter((g) => g.db !== null && g.table === null)
            .map((g): Row => [
              a.host,
              g.db,
              a.user,
              ...DB_PRIVILEGE_COLUMNS.map(([, p]) => yn(holds(g, p))),
            ]),
        ),
  },
  {
    name: 'tables_priv',
    columns: texts(
      'Host',
      'Db',
      'User',
      'Table_name',
      'Grantor',
      'Timestamp',
      'Table_priv',
      'Column_priv',
    ),
    rows: (s) =>
      s.engine.catalog.accounts().flatMap((a) =>
        a.grants
          .filter((g) => g.db !== null && g.table !== null)
          .map((g): Row => [
            a.host,
            g.db,
            a.user,
            g.table,
            '',
            '0000-00-00 00:00:00',
            TABLE_PRIVILEGES.filter(([, p]) => holds(g, p))
              .map(([name]) => name)
              .join(','),
            '',
          ]),
      ),
  },
  // trireme has no roles (CREATE ROLE is 1235): no account is granted one. mariadb-dump
  // --system=users reads it, and stopped with 1146.
  {
    name: 'roles_mapping',
    columns: texts('Host', 'User', 'Role', 'Admin_option'),
    rows: () => [],
  },
  {
    name: 'general_log',
    columns: [
      ['event_time', 'datetime'],
      ['user_host', 'longtext'],
      ['thread_id', 'uint'],
      ['server_id', 'uint'],
      ['command_type', T],
      ['argument', 'longtext'],
    ],
    rows: () => [],
  },
  {
    name: 'slow_log',
    columns: [
      ['start_time', 'datetime'],
      ['user_host', 'longtext'],
      ...texts('query_time', 'lock_time'),
      ['rows_sent', 'uint'],
      ['rows_examined', 'uint'],
      ['db', T],
      ['last_insert_id', I],
      ['insert_id', I],
      ['server_id', 'uint'],
      ['sql_text', 'longtext'],
      ['thread_id', 'uint'],
      ['rows_affected', 'uint'],
    ],
    rows: () => [],
  },
];

// ------------------------------------------------------------------------------ COLUMNS sizes

/** Bytes per character of a character set, for CHARACTER_OCTET_LENGTH. */
function bytesPerChar(charset: string): number {
  const lower = charset.toLowerCase();
  if (lower === 'utf8mb4') return 4;
  if (lower === 'utf8mb3' || lower === 'utf8') return 3;
  if (lower === 'ucs2' || lower === 'utf16') return 4;
  return 1;
}

const TEXT_LENGTHS: Readonly<Record<string, number>> = {
  TINYTEXT: 255,
  TEXT: 65535,
  MEDIUMTEXT: 16777215,
  LONGTEXT: 4294967295,
  JSON: 4294967295,
  TINYBLOB: 255,
  BLOB: 65535,
  MEDIUMBLOB: 16777215,
  LONGBLOB: 4294967295,
};

/** NUMERIC_PRECISION of the integer types, signed and unsigned (display widths do not count). */
const INTEGER_DIGITS: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [3, 3],
  SMALLINT: [5, 5],
  MEDIUMINT: [7, 8],
  INT: [10, 10],
  BIGINT: [19, 20],
};

export interface ColumnSizes {
  readonly dataType: string;
  readonly charMax: number | null;
  readonly octetMax: number | null;
  readonly precision: number | null;
  readonly scale: number | null;
  /** Whether the column has a character set (and a collation). */
  readonly textual: boolean;
}

/** information_schema.COLUMNS' type columns for a MySQL type, as MariaDB 10.11 fills them. */
export function columnSizes(type: DataType, charset: string): ColumnSizes {
  const name = type.name;
  const none = { charMax: null, octetMax: null, precision: null, scale: null };
  const fixed = TEXT_LENGTHS[name];
  if (fixed !== undefined) {
    const textual = !name.includes('BLOB');
    // JSON is MariaDB's alias for LONGTEXT (with a json_valid CHECK).
    const dataType = name === 'JSON' ? 'longtext' : name.toLowerCase();
    return { ...none, dataType, charMax: fixed, octetMax: fixed, textual };
  }
  const dataType = name.toLowerCase();
  if (name === 'CHAR' || name === 'VARCHAR' || name === 'ENUM' || name === 'SET') {
    const chars =
      name === 'ENUM'
        ? Math.max(0, ...type.values.map((v) => [...v].length))
        : name === 'SET'
          ? type.values.reduce((sum, v) => sum + [...v].length, 0) +
            Math.max(0, type.values.length - 1)
          : (type.length ?? 1);
    return {
      ...none,
      dataType,
      charMax: chars,
      octetMax: chars * bytesPerChar(charset),
      textual: true,
    };
  }
  if (name === 'BINARY' || name === 'VARBINARY') {
    const bytes = type.length ?? 1;
    return { ...none, dataType, charMax: bytes, octetMax: bytes, textual: false };
  }
  const digits = INTEGER_DIGITS[name];
  if (digits !== undefined)
    return {
      ...none,
      dataType,
      precision: type.unsigned ? digits[1] : digits[0],
      scale: 0,
      textual: false,
    };
  if (name === 'DECIMAL')
    return {
      ...none,
      dataType,
      precision: type.length ?? 10,
      scale: type.scale ?? 0,
      textual: false,
    };
  if (name === 'DOUBLE' || name === 'FLOAT') {
    const precision = type.length ?? (name === 'DOUBLE' ? 22 : 12);
    return { ...none, dataType, precision, scale: type.scale, textual: false };
  }
  if (name === 'BIT') return { ...none, dataType, precision: type.length ?? 1, textual: false };
  return { ...none, dataType, textual: false };
}
