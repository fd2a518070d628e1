// The AST: frozen discriminated unions with a `kind`, in the style of kysely's operation nodes.
// Names are stored unquoted and as written; keywords and function names upper-cased.
// Literals carry their `slot` (ordinal among the statement's literals and `?` markers) so that
// a cached template can be bound to the values of a later statement with the same shape.

export interface TableName {
  readonly db: string | null;
  readonly name: string;
}

// ---------------------------------------------------------------------------------- expressions

export type LiteralType = 'int' | 'decimal' | 'float' | 'string' | 'hex' | 'bit' | 'null' | 'bool';

export interface Literal {
  readonly kind: 'literal';
  readonly type: LiteralType;
  /** int/decimal/float: the digits; string: the value; hex/bit: the digits; bool: 'TRUE'|'FALSE'. */
  readonly value: string | null;
  /** Ordinal among the statement's literals and markers, or null for NULL/TRUE/FALSE. */
  readonly slot: number | null;
  /** The `_charset` introducer of a string literal ('binary' for X'…'), or ''. */
  readonly charset: string;
}

export interface Param {
  readonly kind: 'param';
  readonly slot: number;
}

export interface ColumnRef {
  readonly kind: 'column';
  readonly db: string | null;
  readonly table: string | null;
  readonly column: string;
}

export type UnaryOp = 'NOT' | '-' | '+' | '~' | 'BINARY';
export interface Unary {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export type BinaryOp =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '<=>'
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '|'
  | '&'
  | '<<'
  | '>>'
  | '+'
  | '-'
  | '*'
  | '/'
  | 'DIV'
  | 'MOD'
  | '^'
  | ':=';
export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface IsTest {
  readonly kind: 'is';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly value: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
}

export interface Between {
  readonly kind: 'between';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
}

export interface InList {
  readonly kind: 'in_list';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly list: readonly Expr[];
}

export interface InQuery {
  readonly kind: 'in_query';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly query: Query;
}

export interface Like {
  readonly kind: 'like';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
}

export interface Regexp {
  readonly kind: 'regexp';
  readonly negated: boolean;
  readonly operand: Expr;
  readonly pattern: Expr;
}

/** `expr op ANY|SOME|ALL (subquery)`. */
export interface Quantified {
  readonly kind: 'quantified';
  readonly op: BinaryOp;
  readonly quantifier: 'ANY' | 'ALL';
  readonly operand: Expr;
  readonly query: Query;
}

export interface Exists {
  readonly kind: 'exists';
  readonly query: Query;
}

export interface Subquery {
  readonly kind: 'subquery';
  readonly query: Query;
}

export interface CaseWhen {
  readonly when: Expr;
  readonly then: Expr;
}
export interface Case {
  readonly kind: 'case';
  readonly operand: Expr | null;
  readonly whens: readonly CaseWhen[];
  readonly otherwise: Expr | null;
}

export interface CastType {
  /** SIGNED, UNSIGNED, CHAR, BINARY, DECIMAL, DOUBLE, FLOAT, DATE, DATETIME, TIME. */
  readonly name: string;
  readonly length: number | null;
  readonly scale: number | null;
  readonly charset: string | null;
}
export interface Cast {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: CastType;
}

/** CONVERT(expr USING charset). */
export interface ConvertUsing {
  readonly kind: 'convert_using';
  readonly operand: Expr;
  readonly charset: string;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC' | null;
}

export interface Call {
  readonly kind: 'call';
  /** Upper-cased; a qualified name keeps its dots (`db.fn`). */
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  /** COUNT(*). */
  readonly star: boolean;
  /** GROUP_CONCAT(… ORDER BY …). */
  readonly orderBy: readonly OrderItem[];
  /** GROUP_CONCAT(… SEPARATOR s); null for the default ','. */
  readonly separator: string | null;
  /** `… OVER (…)` or `… OVER w`: a window function call. */
  readonly over?: WindowSpec;
}

/** One end of a window frame; `offset` is a constant (pinned into the template). */
export type FrameBound =
  | { readonly kind: 'UNBOUNDED PRECEDING' | 'CURRENT ROW' | 'UNBOUNDED FOLLOWING' }
  | { readonly kind: 'PRECEDING' | 'FOLLOWING'; readonly offset: Expr };

export interface WindowFrame {
  readonly units: 'ROWS' | 'RANGE';
  readonly start: FrameBound;
  /** null: `ROWS start` alone, which ends at the current row. */
  readonly end: FrameBound | null;
}

/** A window: `OVER w` is { base: 'w' } alone; `OVER (w ORDER BY …)` refines a named one. */
export interface WindowSpec {
  readonly base: string | null;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: WindowFrame | null;
}

export interface NamedWindow {
  readonly name: string;
  readonly spec: WindowSpec;
}

export type IntervalUnit =
  | 'MICROSECOND'
  | 'SECOND'
  | 'MINUTE'
  | 'HOUR'
  | 'DAY'
  | 'WEEK'
  | 'MONTH'
  | 'QUARTER'
  | 'YEAR'
  | 'SECOND_MICROSECOND'
  | 'MINUTE_MICROSECOND'
  | 'MINUTE_SECOND'
  | 'HOUR_MICROSECOND'
  | 'HOUR_SECOND'
  | 'HOUR_MINUTE'
  | 'DAY_MICROSECOND'
  | 'DAY_SECOND'
  | 'DAY_MINUTE'
  | 'DAY_HOUR'
  | 'YEAR_MONTH';
export interface Interval {
  readonly kind: 'interval';
  readonly value: Expr;
  readonly unit: IntervalUnit;
}

export interface UserVar {
  readonly kind: 'user_var';
  readonly name: string;
}

/** `@name := value`: assigns the user variable as the row is computed and answers the value. */
export interface Assign {
  readonly kind: 'assign';
  readonly name: string;
  readonly value: Expr;
}

export interface SystemVar {
  readonly kind: 'system_var';
  /** Lower-cased. */
  readonly name: string;
  readonly scope: 'global' | 'session' | null;
}

export interface Collate {
  readonly kind: 'collate';
  readonly operand: Expr;
  readonly collation: string;
}

export interface Row {
  readonly kind: 'row';
  readonly items: readonly Expr[];
}

/** The DEFAULT keyword as a value (INSERT … VALUES (DEFAULT), SET x = DEFAULT). */
export interface DefaultValue {
  readonly kind: 'default';
}

/** VALUES(col) inside ON DUPLICATE KEY UPDATE. */
export interface InsertedValue {
  readonly kind: 'inserted_value';
  readonly column: string;
}

export type Expr =
  | Literal
  | Param
  | ColumnRef
  | Unary
  | Binary
  | IsTest
  | Between
  | InList
  | InQuery
  | Like
  | Regexp
  | Quantified
  | Exists
  | Subquery
  | Case
  | Cast
  | ConvertUsing
  | Call
  | Interval
  | UserVar
  | Assign
  | SystemVar
  | Collate
  | Row
  | DefaultValue
  | InsertedValue;

// ---------------------------------------------------------------------------------- queries

export type SelectItem =
  | { readonly kind: 'star'; readonly table: TableName | null }
  | {
      readonly kind: 'item';
      readonly expr: Expr;
      readonly alias: string | null;
      /** The result column name MariaDB reports: the alias, the column, or the text as written. */
      readonly name: string;
    };

export type TableRef = TableSource | DerivedTable | Join | JsonTable;
export interface TableSource {
  readonly kind: 'table';
  readonly table: TableName;
  readonly alias: string | null;
}
export interface DerivedTable {
  readonly kind: 'derived';
  readonly query: Query;
  readonly alias: string;
}
/** MariaDB's JSON_TABLE(doc, path COLUMNS (…)) AS alias (docs/design/sql.md, "JSON_TABLE"). */
export interface JsonTable {
  readonly kind: 'json_table';
  readonly doc: Expr;
  readonly path: string;
  readonly columns: readonly JsonTableColumn[];
  readonly alias: string;
}
/** What a JSON_TABLE column does when its path finds nothing (EMPTY) or a value it cannot hold. */
export type JsonTableOn =
  | { readonly kind: 'NULL' }
  | { readonly kind: 'ERROR' }
  | { readonly kind: 'DEFAULT'; readonly value: string };
export type JsonTableColumn =
  | { readonly kind: 'ordinality'; readonly name: string }
  | {
      readonly kind: 'path';
      readonly name: string;
      readonly type: DataType;
      readonly path: string;
      /** `EXISTS PATH`: 1 when the path finds something, else 0. */
      readonly exists: boolean;
      readonly onEmpty: JsonTableOn;
      readonly onError: JsonTableOn;
    }
  | {
      readonly kind: 'nested';
      readonly path: string;
      readonly columns: readonly JsonTableColumn[];
    };
export interface Join {
  readonly kind: 'join';
  readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'CROSS' | 'STRAIGHT';
  readonly natural: boolean;
  readonly left: TableRef;
  readonly right: TableRef;
  readonly on: Expr | null;
  readonly using: readonly string[] | null;
}

export interface Limit {
  readonly count: Expr;
  readonly offset: Expr | null;
}

/** Row locks requested by a SELECT: the store certifies the rows read under FOR UPDATE. */
export type LockMode = 'update' | 'share' | null;

export interface Select {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** Comma-separated table references; null for SELECT without FROM (or FROM DUAL). */
  readonly from: readonly TableRef[] | null;
  readonly where: Expr | null;
  readonly groupBy: readonly OrderItem[];
  readonly withRollup: boolean;
  readonly having: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
  readonly lock: LockMode;
  /** `WINDOW w AS (…)` definitions. */
  readonly windows?: readonly NamedWindow[];
  /** SQL_CALC_FOUND_ROWS: FOUND_ROWS() is then the row count without LIMIT. */
  readonly calcFoundRows?: boolean;
  /** `SELECT … INTO @a, @b`: the user variables that take the single row's values. */
  readonly into?: readonly string[];
  /** `WITH [RECURSIVE] …` before this query (the outermost SELECT of the statement). */
  readonly with?: WithClause;
}

export interface CommonTableExpression {
  readonly name: string;
  /** `name (a, b) AS (…)`: the column names, or null. */
  readonly columns: readonly string[] | null;
  readonly query: Query;
}

export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpression[];
}

/** UNION, INTERSECT or EXCEPT of two queries (the kind stays 'union' for all three). */
export interface Union {
  readonly kind: 'union';
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Limit | null;
  readonly lock: LockMode;
  readonly with?: WithClause;
}

export type Query = Select | Union;

// ---------------------------------------------------------------------------------- DML

export interface Assignment {
  readonly column: ColumnRef;
  readonly value: Expr;
}

export type InsertSource =
  | { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[] }
  | { readonly kind: 'set'; readonly assignments: readonly Assignment[] }
  | { readonly kind: 'query'; readonly query: Query };

export interface Insert {
  readonly kind: 'insert';
  readonly replace: boolean;
  readonly ignore: boolean;
  readonly table: TableName;
  readonly columns: readonly string[] | null;
  readonly source: InsertSource;
  readonly onDuplicate: readonly Assignment[] | null;
  /** MariaDB's `RETURNING` list: the statement answers the rows it wrote. */
  readonly returning?: readonly SelectItem[];
}

/**
 * The tables of a multi-table UPDATE or DELETE (`UPDATE t1 JOIN t2 … SET`, `DELETE t1 FROM t1
 * JOIN t2 …`, `DELETE FROM t1 USING …`): the table references the statement joins and, for
 * DELETE, the tables (names or aliases) whose rows it deletes.
 */
export interface MultiTable {
  readonly refs: readonly TableRef[];
  readonly targets: readonly TableName[];
}

export interface Update {
  readonly kind: 'update';
  readonly ignore: boolean;
  /** The single table updated; for a multi-table UPDATE the first table of `multi.refs`. */
  readonly table: TableSource;
  /** Set for a multi-table UPDATE (`targets` is empty: the SET list names them). */
  readonly multi?: MultiTable;
  readonly assignments: readonly Assignment[];
  readonly where: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  /**
   * Writes only the rows its assignments change (set by the engine, not the parser): a row whose
   * values would be stored as they are is not written, not counted as changed, and keeps its ON
   * UPDATE CURRENT_TIMESTAMP (emit-dml.ts, `changedGuard`).
   */
  readonly changedOnly?: boolean;
  /**
   * With `changedOnly`, on a table with UPDATE triggers: every matched row is written (its
   * triggers fire, as MariaDB's do on a row left as it was), the guard counts the changed ones.
   */
  readonly firesAll?: boolean;
}

export interface Delete {
  readonly kind: 'delete';
  readonly ignore: boolean;
  /** The single table deleted from; for a multi-table DELETE the first table of `multi.refs`. */
  readonly table: TableSource;
  /** Set for a multi-table DELETE. */
  readonly multi?: MultiTable;
  readonly where: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  /** MariaDB's `RETURNING` list: the statement answers the rows it deleted. */
  readonly returning?: readonly SelectItem[];
}

// ---------------------------------------------------------------------------------- DDL

export interface DataType {
  /** Canonical upper-case name: INT, BIGINT, DECIMAL, VARCHAR, TEXT, ENUM, … (BOOL → TINYINT). */
  readonly name: string;
  readonly length: number | null;
  readonly scale: number | null;
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  readonly charset: string | null;
  readonly collation: string | null;
  /** ENUM/SET members. */
  readonly values: readonly string[];
}

export interface ColumnDef {
  readonly name: string;
  readonly type: DataType;
  /** true: NULL, false: NOT NULL, null: not said. */
  readonly nullable: boolean | null;
  readonly default: Expr | null;
  readonly autoIncrement: boolean;
  /** ON UPDATE CURRENT_TIMESTAMP[(fsp)]: the fsp, or null. */
  readonly onUpdateNow: number | null;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly comment: string | null;
  readonly check: Expr | null;
  /**
   * The text of `check`, and of a `DEFAULT (expr)`, as written: what SHOW CREATE TABLE prints
   * where it cannot print the expression exactly (show-create.ts, sourceText). Absent in a
   * catalog of an earlier release, and wherever the expression was not parsed from text.
   */
  readonly checkText?: string | null;
  readonly defaultText?: string | null;
  /** `[GENERATED ALWAYS] AS (expr) [VIRTUAL|STORED|PERSISTENT]`; absent or null: a plain column. */
  readonly generated?: GeneratedColumn | null;
}

/** A generated column's expression; SQLite computes it (docs/design/sql.md, "Generated columns"). */
export interface GeneratedColumn {
  readonly expr: Expr;
  /** STORED (MariaDB's PERSISTENT too), else VIRTUAL. */
  readonly stored: boolean;
  /** The expression as written (ColumnDef.checkText). */
  readonly text?: string;
}

export interface IndexColumn {
  readonly column: string;
  readonly length: number | null;
  readonly direction: 'ASC' | 'DESC' | null;
  /**
   * The SQLite index holds this part's first `length` characters (bytes for a binary string),
   * as MariaDB's prefix key compares it: set on a UNIQUE key's prefix parts built under DDL
   * rules 5, a PRIMARY KEY's under 6 (DdlOptions.ddlRules). Without it a prefix part is indexed
   * whole, as before those
   * (docs/design/sql.md, "Prefix keys").
   */
  readonly prefixKey?: true;
}

export type ReferentialAction = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION' | 'SET DEFAULT';

export type TableConstraint =
  | {
      readonly kind: 'primary_key';
      readonly name: string | null;
      readonly columns: readonly IndexColumn[];
    }
  | {
      readonly kind: 'unique';
      readonly name: string | null;
      readonly columns: readonly IndexColumn[];
    }
  | {
      readonly kind: 'index';
      readonly name: string | null;
      readonly columns: readonly IndexColumn[];
      readonly variant: 'KEY' | 'FULLTEXT' | 'SPATIAL';
    }
  | {
      readonly kind: 'foreign_key';
      readonly name: string | null;
      readonly columns: readonly string[];
      readonly refTable: TableName;
      readonly refColumns: readonly string[];
      readonly onDelete: ReferentialAction | null;
      readonly onUpdate: ReferentialAction | null;
    }
  | {
      readonly kind: 'check';
      readonly name: string | null;
      readonly expr: Expr;
      readonly text: string;
    };

export interface TableOptions {
  readonly engine: string | null;
  readonly charset: string | null;
  readonly collation: string | null;
  readonly autoIncrement: number | null;
  readonly comment: string | null;
  /** Accepted and kept for SHOW CREATE TABLE, without effect: ROW_FORMAT, KEY_BLOCK_SIZE, … */
  readonly other: readonly (readonly [string, string])[];
}

export interface CreateTable {
  readonly kind: 'create_table';
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly table: TableName;
  readonly columns: readonly ColumnDef[];
  readonly constraints: readonly TableConstraint[];
  readonly options: TableOptions;
  /** CREATE TABLE … AS SELECT / CREATE TABLE … SELECT. */
  readonly asQuery: Query | null;
  /** The SELECT as written, to run as `INSERT … SELECT` once the table exists. */
  readonly asQueryText?: string;
  /** `CREATE TABLE … IGNORE|REPLACE SELECT`: what a duplicate key does to a row. */
  readonly duplicates?: 'IGNORE' | 'REPLACE' | null;
  /** CREATE OR REPLACE TABLE: a table of that name is dropped first, in the same DDL. */
  readonly orReplace?: boolean;
}

export interface CreateTableLike {
  readonly kind: 'create_table_like';
  /** CREATE TEMPORARY TABLE … LIKE (a session's own table, engine/temporary.ts). */
  readonly temporary?: boolean;
  readonly ifNotExists: boolean;
  readonly table: TableName;
  readonly like: TableName;
  /** CREATE OR REPLACE TABLE … LIKE: a table of that name is dropped first. */
  readonly orReplace?: boolean;
}

/** CREATE [OR REPLACE] VIEW and ALTER VIEW (docs/design/sql.md, "Views"). */
export interface CreateView {
  readonly kind: 'create_view';
  /** ALTER VIEW: the view must exist and is replaced. */
  readonly alter: boolean;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly algorithm: 'UNDEFINED' | 'MERGE' | 'TEMPTABLE';
  /** DEFINER = …; null for CURRENT_USER (the session's account). */
  readonly definer: UserName | null;
  readonly security: 'DEFINER' | 'INVOKER';
  readonly view: TableName;
  readonly columns: readonly string[] | null;
  readonly query: Query;
  /** The SELECT as written, kept for SHOW CREATE VIEW and re-parsed where the view is used. */
  readonly queryText: string;
  readonly checkOption: 'CASCADED' | 'LOCAL' | null;
}

export interface DropView {
  readonly kind: 'drop_view';
  readonly ifExists: boolean;
  readonly views: readonly TableName[];
}

/** One statement of a trigger body: SET NEW.col = …, or a data change. */
export type TriggerStatement =
  | { readonly kind: 'set_new'; readonly column: string; readonly value: Expr }
  | Insert
  | Update
  | Delete;

export interface CreateTrigger {
  readonly kind: 'create_trigger';
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly definer: UserName | null;
  /** The trigger's schema is its table's. */
  readonly name: TableName;
  readonly timing: 'BEFORE' | 'AFTER';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
  readonly table: TableName;
  readonly body: readonly TriggerStatement[];
  /** The body as written (`BEGIN … END` or the one statement), for SHOW TRIGGERS. */
  readonly bodyText: string;
}

export interface DropTrigger {
  readonly kind: 'drop_trigger';
  readonly ifExists: boolean;
  readonly name: TableName;
}

export type ColumnPosition = { readonly first: true } | { readonly after: string } | null;

export type AlterSpec =
  | {
      readonly kind: 'add_column';
      readonly column: ColumnDef;
      readonly position: ColumnPosition;
      readonly ifNotExists: boolean;
    }
  | { readonly kind: 'drop_column'; readonly name: string; readonly ifExists: boolean }
  | {
      readonly kind: 'modify_column';
      readonly column: ColumnDef;
      readonly position: ColumnPosition;
      readonly ifExists: boolean;
    }
  | {
      readonly kind: 'change_column';
      readonly from: string;
      readonly column: ColumnDef;
      readonly position: ColumnPosition;
      readonly ifExists: boolean;
    }
  | { readonly kind: 'rename_column'; readonly from: string; readonly to: string }
  | {
      readonly kind: 'alter_default';
      readonly name: string;
      readonly default: Expr | null;
      /** ColumnDef.defaultText of the new default. */
      readonly defaultText?: string | null;
    }
  | {
      readonly kind: 'add_constraint';
      readonly constraint: TableConstraint;
      readonly ifNotExists: boolean;
    }
  | { readonly kind: 'drop_index'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'drop_primary_key' }
  | { readonly kind: 'drop_foreign_key'; readonly name: string; readonly ifExists: boolean }
  /** DROP CONSTRAINT: a CHECK, a foreign key or a unique key of that name; DROP CHECK. */
  | { readonly kind: 'drop_constraint'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'rename_index'; readonly from: string; readonly to: string }
  | { readonly kind: 'rename_table'; readonly to: TableName }
  | { readonly kind: 'options'; readonly options: TableOptions }
  | {
      readonly kind: 'convert_charset';
      readonly charset: string;
      readonly collation: string | null;
    };

export interface AlterTable {
  readonly kind: 'alter_table';
  readonly table: TableName;
  readonly specs: readonly AlterSpec[];
}

export interface DropTable {
  readonly kind: 'drop_table';
  readonly temporary: boolean;
  readonly ifExists: boolean;
  readonly tables: readonly TableName[];
}

export interface RenameTable {
  readonly kind: 'rename_table';
  readonly pairs: readonly { readonly from: TableName; readonly to: TableName }[];
}

export interface Truncate {
  readonly kind: 'truncate';
  readonly table: TableName;
}

export interface CreateIndex {
  readonly kind: 'create_index';
  readonly variant: 'KEY' | 'UNIQUE' | 'FULLTEXT' | 'SPATIAL';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly table: TableName;
  readonly columns: readonly IndexColumn[];
}

export interface DropIndex {
  readonly kind: 'drop_index';
  readonly ifExists: boolean;
  readonly name: string;
  readonly table: TableName;
}

export interface CreateDatabase {
  readonly kind: 'create_database';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly charset: string | null;
  readonly collation: string | null;
}

/** ALTER DATABASE [name] CHARACTER SET … COLLATE …: the defaults of tables made later. */
export interface AlterDatabase {
  readonly kind: 'alter_database';
  /** Null: the session's default database. */
  readonly name: string | null;
  readonly charset: string | null;
  readonly collation: string | null;
}

export interface DropDatabase {
  readonly kind: 'drop_database';
  readonly ifExists: boolean;
  readonly name: string;
}

export interface Use {
  readonly kind: 'use';
  readonly database: string;
}

// ---------------------------------------------------------------------------------- transactions

export interface Begin {
  readonly kind: 'begin';
  readonly access: 'READ ONLY' | 'READ WRITE' | null;
  readonly consistentSnapshot: boolean;
}
export interface Commit {
  readonly kind: 'commit';
  /** AND CHAIN: a transaction of the same access mode begins as this one ends. */
  readonly chain?: boolean;
  /** RELEASE: the connection ends after the answer. */
  readonly release?: boolean;
}
export interface Rollback {
  readonly kind: 'rollback';
  readonly savepoint: string | null;
  readonly chain?: boolean;
  readonly release?: boolean;
}
export interface Savepoint {
  readonly kind: 'savepoint';
  readonly name: string;
}
export interface ReleaseSavepoint {
  readonly kind: 'release_savepoint';
  readonly name: string;
}

// ---------------------------------------------------------------------------------- SET

export type IsolationLevel =
  'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export type SetAssignment =
  | {
      readonly kind: 'variable';
      readonly scope: 'global' | 'session' | 'user';
      /** Lower-cased for system variables; as written for user variables. */
      readonly name: string;
      /** A bare word (ON, OFF, utf8mb4, …) arrives as a string literal. */
      readonly value: Expr;
    }
  | { readonly kind: 'names'; readonly charset: string; readonly collation: string | null }
  | { readonly kind: 'charset'; readonly charset: string }
  | { readonly kind: 'password'; readonly user: UserName | null; readonly password: string };

export interface SetStatement {
  readonly kind: 'set';
  readonly assignments: readonly SetAssignment[];
}

/** `SET STATEMENT a = 1, … FOR <statement>`: session variables changed for one statement. */
export interface SetStatementFor {
  readonly kind: 'set_statement_for';
  readonly assignments: readonly SetAssignment[];
  readonly statement: Statement;
}

export interface SetTransaction {
  readonly kind: 'set_transaction';
  readonly scope: 'global' | 'session' | 'next';
  readonly isolation: IsolationLevel | null;
  readonly access: 'READ ONLY' | 'READ WRITE' | null;
}

// ---------------------------------------------------------------------------------- admin

export type ShowTarget =
  | 'databases'
  | 'tables'
  | 'columns'
  | 'index'
  | 'create_table'
  | 'create_database'
  | 'create_user'
  | 'create_view'
  | 'create_trigger'
  | 'status'
  | 'variables'
  | 'processlist'
  | 'warnings'
  | 'errors'
  | 'engines'
  | 'charset'
  | 'collation'
  | 'grants'
  | 'table_status'
  | 'master_status'
  | 'binary_logs'
  | 'plugins'
  | 'privileges'
  | 'open_tables'
  | 'triggers'
  | 'events'
  | 'function_status'
  | 'procedure_status'
  | 'package_status'
  | 'count_warnings'
  | 'count_errors'
  | 'engine_status';

export type ShowFilter =
  | { readonly kind: 'like'; readonly pattern: string }
  | { readonly kind: 'where'; readonly expr: Expr }
  | null;

export interface Show {
  readonly kind: 'show';
  readonly target: ShowTarget;
  readonly full: boolean;
  readonly scope: 'global' | 'session' | null;
  /** FROM/IN db for TABLES, COLUMNS, INDEX, TABLE STATUS; the name for CREATE DATABASE. */
  readonly db: string | null;
  readonly table: TableName | null;
  readonly user: UserName | null;
  readonly filter: ShowFilter;
  readonly limit: Limit | null;
  /** SHOW CREATE DATABASE IF NOT EXISTS (the answer says so: mariadb-dump's restores rely on it). */
  readonly ifNotExists?: true;
}

export interface Describe {
  readonly kind: 'describe';
  readonly table: TableName;
  readonly column: string | null;
}

export interface Explain {
  readonly kind: 'explain';
  readonly statement: Query | Insert | Update | Delete;
  /** FORMAT=JSON, or the traditional table (also for EXTENDED and PARTITIONS). */
  readonly format: 'traditional' | 'json';
}

/** ANALYZE, CHECK, OPTIMIZE, REPAIR and CHECKSUM TABLE. */
export interface TableMaintenance {
  readonly kind: 'table_maintenance';
  readonly op: 'analyze' | 'check' | 'optimize' | 'repair' | 'checksum';
  readonly tables: readonly TableName[];
  /** CHECKSUM TABLE … QUICK (no live checksum: NULL, as InnoDB answers). */
  readonly quick: boolean;
}

/** SHUTDOWN [WAIT FOR ALL {SLAVES | REPLICAS}]: the node stops cleanly, as at SIGTERM. */
export interface Shutdown {
  readonly kind: 'shutdown';
}

export interface Kill {
  readonly kind: 'kill';
  readonly target: 'connection' | 'query';
  readonly id: Expr;
}

export interface UserName {
  readonly user: string;
  readonly host: string;
}

export interface UserSpec {
  readonly user: UserName;
  /** IDENTIFIED BY 'plain'. */
  readonly password: string | null;
  /** IDENTIFIED BY PASSWORD 'hash' or IDENTIFIED WITH plugin AS 'hash'. */
  readonly passwordHash: string | null;
  readonly plugin: string | null;
}

export interface CreateUser {
  readonly kind: 'create_user';
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly users: readonly UserSpec[];
}
export interface AlterUser {
  readonly kind: 'alter_user';
  readonly ifExists: boolean;
  readonly users: readonly UserSpec[];
}
export interface DropUser {
  readonly kind: 'drop_user';
  readonly ifExists: boolean;
  readonly users: readonly UserName[];
}

/** `*.*` is { db: null, table: null }; `db.*` is { db, table: null }. */
export interface GrantTarget {
  readonly db: string | null;
  readonly table: string | null;
}

export interface Grant {
  readonly kind: 'grant';
  /** Upper-cased privilege names, e.g. ['ALL PRIVILEGES'], ['SELECT', 'INSERT']. */
  readonly privileges: readonly string[];
  readonly on: GrantTarget;
  readonly users: readonly UserSpec[];
  readonly withGrantOption: boolean;
}
export interface Revoke {
  readonly kind: 'revoke';
  readonly privileges: readonly string[];
  readonly on: GrantTarget;
  readonly users: readonly UserName[];
}

export interface Flush {
  readonly kind: 'flush';
  readonly targets: readonly string[];
}

export interface LockTables {
  readonly kind: 'lock_tables';
  readonly tables: readonly {
    readonly table: TableName;
    readonly alias: string | null;
    readonly mode: 'READ' | 'WRITE';
  }[];
}
export interface UnlockTables {
  readonly kind: 'unlock_tables';
}

/** `DO expr, …`: the expressions are evaluated (for their effects) and nothing is returned. */
export interface Do {
  readonly kind: 'do';
  /** A SELECT of the expressions, without FROM. */
  readonly query: Select;
}

export type Statement =
  | Do
  | Select
  | Union
  | Insert
  | Update
  | Delete
  | CreateTable
  | CreateTableLike
  | CreateView
  | DropView
  | CreateTrigger
  | DropTrigger
  | AlterTable
  | DropTable
  | RenameTable
  | Truncate
  | CreateIndex
  | DropIndex
  | CreateDatabase
  | AlterDatabase
  | DropDatabase
  | Use
  | Begin
  | Commit
  | Rollback
  | Savepoint
  | ReleaseSavepoint
  | SetStatement
  | SetStatementFor
  | SetTransaction
  | Show
  | Describe
  | Explain
  | TableMaintenance
  | Kill
  | Shutdown
  | CreateUser
  | AlterUser
  | DropUser
  | Grant
  | Revoke
  | Flush
  | LockTables
  | UnlockTables;

export type StatementKind = Statement['kind'];

/** Expression kinds that read rows of their own. */
const SUBQUERY_KINDS: ReadonlySet<string> = new Set([
  'in_query',
  'exists',
  'subquery',
  'quantified',
]);

/** Whether any node under `node` is a subquery. */
export function hasSubquery(node: unknown): boolean {
  return someNode(node, (kind) => SUBQUERY_KINDS.has(kind));
}

/** Whether computing `node` changes the session: `@v := x`, LAST_INSERT_ID(x). */
export function hasEffects(node: unknown): boolean {
  return someNode(
    node,
    (kind, n) =>
      kind === 'assign' ||
      (kind === 'call' &&
        String(n['name']).toUpperCase() === 'LAST_INSERT_ID' &&
        Array.isArray(n['args']) &&
        n['args'].length > 0),
  );
}

/** Whether `node` holds a DEFAULT(col) call. */
export function hasDefaultOf(node: unknown): boolean {
  return someNode(node, (kind, n) => kind === 'call' && n['name'] === 'DEFAULT');
}

/** Whether a node under `node` is one `test` accepts (the AST is plain data: walk every value). */
function someNode(
  node: unknown,
  test: (kind: string, node: Record<string, unknown>) => boolean,
): boolean {
  if (Array.isArray(node)) return node.some((item) => someNode(item, test));
  if (typeof node !== 'object' || node === null || Buffer.isBuffer(node)) return false;
  const record = node as Record<string, unknown>;
  const kind = record['kind'];
  if (typeof kind === 'string' && test(kind, record)) return true;
  return Object.values(record).some((value) => someNode(value, test));
}
