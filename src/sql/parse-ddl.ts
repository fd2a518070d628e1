// DDL: databases, CREATE TABLE with MySQL column types and constraints, ALTER TABLE specs,
// DROP/RENAME/TRUNCATE, CREATE/DROP INDEX. Names and options are kept as MariaDB would print
// them back in SHOW CREATE TABLE.
import { SqlFailure, semantic } from './errors.js';
import type {
  DataType,
  AlterSpec,
  AlterDatabase,
  AlterTable,
  ColumnDef,
  ColumnPosition,
  CreateDatabase,
  CreateIndex,
  CreateTable,
  CreateTableLike,
  CreateView,
  DropDatabase,
  DropIndex,
  DropTable,
  Expr,
  IndexColumn,
  ReferentialAction,
  RenameTable,
  Statement,
  TableConstraint,
  TableName,
  TableOptions,
  Truncate,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { isHexLiteral, NUMERIC_COLUMN_TYPES } from './emit-expression.js';
import { bitLiteralHex } from './normalize.js';
import { call, parseExpr } from './parse-expression.js';
import { parseDataType, plainColumn } from './parse-types.js';
import { parseNameList, parseQuery, parseTableName } from './parse-select.js';
import {
  parseDropTrigger,
  parseDropView,
  parseObjectPrefix,
  parseTrigger,
  parseView,
} from './parse-objects.js';

export function parseCreate(c: Cursor): Statement {
  c.expectWord('CREATE');
  const start = c.pos;
  const prefix = parseObjectPrefix(c, true);
  if (c.isWord('VIEW')) return parseView(c, prefix, false);
  if (c.isWord('TRIGGER')) return parseTrigger(c, prefix);
  c.pos = start;
  if (c.acceptWords('OR', 'REPLACE')) return parseCreateOrReplaceTable(c);
  const temporary = c.acceptWord('TEMPORARY');
  if (c.acceptWord('TABLE')) return parseCreateTable(c, temporary);
  if (temporary) c.fail();
  if (c.acceptWord('DATABASE') || c.acceptWord('SCHEMA')) return parseCreateDatabase(c);
  const variant = c.oneOf(['UNIQUE', 'FULLTEXT', 'SPATIAL']);
  if (c.acceptWord('INDEX'))
    return parseCreateIndex(c, (variant ?? 'KEY') as CreateIndex['variant']);
  if (variant) c.fail();
  const word = c.oneOf(['PROCEDURE', 'FUNCTION', 'EVENT', 'ROLE', 'SEQUENCE', 'SERVER']);
  if (word) c.unsupported(`CREATE ${word}`);
  return c.fail();
}

function parseIfNotExists(c: Cursor): boolean {
  return c.acceptWords('IF', 'NOT', 'EXISTS');
}

function parseIfExists(c: Cursor): boolean {
  return c.acceptWords('IF', 'EXISTS');
}

function parseCreateDatabase(c: Cursor): CreateDatabase {
  const ifNotExists = parseIfNotExists(c);
  const name = c.identifier();
  const options = parseTableOptions(c);
  return {
    kind: 'create_database',
    ifNotExists,
    name,
    charset: options.charset,
    collation: options.collation,
  };
}

export function parseDropDatabase(c: Cursor): DropDatabase {
  const ifExists = parseIfExists(c);
  return { kind: 'drop_database', ifExists, name: c.identifier() };
}

/** CREATE OR REPLACE TABLE: a table (… LIKE too) that replaces one of the same name. */
function parseCreateOrReplaceTable(c: Cursor): Statement {
  if (c.isWord('TEMPORARY')) c.unsupported('CREATE OR REPLACE TEMPORARY TABLE');
  if (!c.acceptWord('TABLE')) c.unsupported('CREATE OR REPLACE');
  const created = parseCreateTable(c, false);
  if (created.ifNotExists)
    throw new SqlFailure(
      semantic(1221, 'HY000', 'Incorrect usage of OR REPLACE and IF NOT EXISTS'),
    );
  return { ...created, orReplace: true };
}

function parseCreateTable(c: Cursor, temporary: boolean): CreateTable | CreateTableLike {
  const ifNotExists = parseIfNotExists(c);
  const table = parseTableName(c);
  if (c.acceptWord('LIKE'))
    return { kind: 'create_table_like', temporary, ifNotExists, table, like: parseTableName(c) };
  if (c.isOp('(') && c.isWord('LIKE', 1)) {
    c.pos += 2;
    const like = parseTableName(c);
    c.expectOp(')');
    return { kind: 'create_table_like', temporary, ifNotExists, table, like };
  }
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  if (c.acceptOp('(')) {
    do parseTableElement(c, columns, constraints);
    while (c.acceptOp(','));
    c.expectOp(')');
  }
  const options = parseTableOptions(c);
  if (c.isWord('PARTITION')) c.unsupported('PARTITION');
  const duplicates = c.oneOf(['IGNORE', 'REPLACE']) as 'IGNORE' | 'REPLACE' | null;
  c.acceptWord('AS');
  const first = c.peek().start;
  const asQuery = c.isWord('SELECT') || c.isWord('WITH') || c.isOp('(') ? parseQuery(c) : null;
  if (columns.length === 0 && asQuery === null) c.fail();
  const created: CreateTable = {
    kind: 'create_table',
    temporary,
    ifNotExists,
    table,
    columns,
    constraints,
    options,
    asQuery,
  };
  if (asQuery === null) return created;
  return { ...created, asQueryText: c.sql.slice(first, c.previous().end), duplicates };
}

const CONSTRAINT_WORDS = [
  'PRIMARY',
  'UNIQUE',
  'KEY',
  'INDEX',
  'FULLTEXT',
  'SPATIAL',
  'FOREIGN',
  'CONSTRAINT',
  'CHECK',
];

function parseTableElement(c: Cursor, columns: ColumnDef[], constraints: TableConstraint[]): void {
  const t = c.peek();
  if (t.type === 'word' && CONSTRAINT_WORDS.includes(t.upper)) constraints.push(parseConstraint(c));
  else columns.push(parseColumnDef(c));
}

export function parseColumnDef(c: Cursor): ColumnDef {
  const name = c.identifier();
  const type = parseDataType(c);
  checkPrecision(type, name);
  const def: { -readonly [K in keyof ColumnDef]: ColumnDef[K] } = {
    ...plainColumn(name, type),
    nullable: null,
  };
  if (type.name === 'SERIAL') {
    def.type = { ...type, name: 'BIGINT', unsigned: true };
    Object.assign(def, { nullable: false, autoIncrement: true, unique: true });
  }
  while (parseColumnAttribute(c, def)) continue;
  return def;
}

type MutableColumn = { -readonly [K in keyof ColumnDef]: ColumnDef[K] };

// A generated column takes none of these (MariaDB: a syntax error, before or after AS).
const NOT_WITH_GENERATED = ['NOT', 'NULL', 'DEFAULT', 'AUTO_INCREMENT', 'ON', 'SERIAL'];

// One column attribute; false when the cursor is not at one.
function parseColumnAttribute(c: Cursor, def: MutableColumn): boolean {
  const t = c.peek();
  if ((def.generated ?? null) !== null && t.type === 'word' && NOT_WITH_GENERATED.includes(t.upper))
    c.fail();
  if (c.isWord('GENERATED') || c.isWord('AS')) {
    if (def.nullable !== null || def.default !== null || def.autoIncrement) c.fail();
    if (c.acceptWord('GENERATED')) c.expectWord('ALWAYS');
    c.expectWord('AS');
    const { expr, text } = parseParenthesizedWithText(c);
    const kind = c.oneOf(['VIRTUAL', 'STORED', 'PERSISTENT']);
    def.generated = { expr, stored: kind === 'STORED' || kind === 'PERSISTENT', text };
    return true;
  }
  if (c.acceptWords('NOT', 'NULL')) def.nullable = false;
  else if (c.acceptWord('NULL')) def.nullable = true;
  else if (c.acceptWord('DEFAULT')) {
    const start = c.pos;
    def.default = numericDefault(parseDefaultValue(c), def.type);
    def.defaultText = parenthesizedText(c, start);
  } else if (c.acceptWord('AUTO_INCREMENT')) def.autoIncrement = true;
  else if (c.acceptWords('PRIMARY', 'KEY') || c.acceptWord('KEY')) def.primaryKey = true;
  else if (c.acceptWord('UNIQUE')) def.unique = (c.acceptWord('KEY'), true);
  else if (c.acceptWord('COMMENT')) def.comment = c.string();
  else if (c.acceptWord('COLLATE')) def.type = { ...def.type, collation: c.name().toLowerCase() };
  else if (c.acceptWords('CHARACTER', 'SET') || c.acceptWord('CHARSET'))
    def.type = { ...def.type, charset: c.name().toLowerCase() };
  else if (c.acceptWords('ON', 'UPDATE')) def.onUpdateNow = parseNowFunction(c);
  else if (c.acceptWord('CHECK')) {
    const { expr, text } = parseParenthesizedWithText(c);
    def.check = expr;
    def.checkText = text;
  } else if (c.acceptWord('CONSTRAINT')) skipConstraintName(c);
  else if (c.acceptWords('SERIAL', 'DEFAULT', 'VALUE'))
    Object.assign(def, { nullable: false, autoIncrement: true, unique: true });
  else if (c.oneOf(['INVISIBLE', 'VISIBLE'])) return true;
  else if (c.acceptWord('COLUMN_FORMAT') || c.acceptWord('STORAGE')) c.name();
  else if (c.isWord('REFERENCES')) parseReferences(c);
  else return false;
  return true;
}

// `CONSTRAINT [name] CHECK (…)` on a column: the name is not kept.
function skipConstraintName(c: Cursor): void {
  if (!c.isWord('CHECK')) c.identifier();
}

/** `( expr )` and the text inside the parentheses as written. */
function parseParenthesizedWithText(c: Cursor): { expr: Expr; text: string } {
  const start = c.pos;
  const expr = parseParenthesizedExpr(c);
  return { expr, text: c.textFrom(start).slice(1, -1).trim() };
}

/** The text inside `( … )` just parsed from token `start`, or null when it was no `( … )`. */
function parenthesizedText(c: Cursor, start: number): string | null {
  const text = c.textFrom(start);
  return text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1).trim() : null;
}

function parseParenthesizedExpr(c: Cursor): Expr {
  c.expectOp('(');
  const expr = parseExpr(c);
  c.expectOp(')');
  return expr;
}

const NOW_FUNCTIONS = ['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIME', 'LOCALTIMESTAMP'];

// CURRENT_TIMESTAMP, NOW(), CURRENT_TIMESTAMP(6): returns the fractional-second precision.
function parseNowFunction(c: Cursor): number {
  const name = c.oneOf(NOW_FUNCTIONS);
  if (name === null) c.fail();
  if (!c.acceptOp('(')) {
    if (name === 'NOW') c.fail();
    return 0;
  }
  const fsp = c.isOp(')') ? 0 : c.integer();
  c.expectOp(')');
  return fsp;
}

/**
 * A hex or bit literal as a number column's default is its number (`INT DEFAULT 0x11` is 17,
 * printed so by SHOW CREATE TABLE); elsewhere it stays a binary string (a BIT column's bytes).
 */
function numericDefault(d: Expr, type: DataType): Expr {
  if (!isHexLiteral(d) || d.kind !== 'literal' || type.name === 'BIT') return d;
  if (!NUMERIC_COLUMN_TYPES.has(type.name)) return d;
  const hex = d.type === 'bit' ? bitLiteralHex(d.value ?? '') : (d.value ?? '');
  const value = hex === '' ? '0' : BigInt('0x' + hex).toString();
  return { kind: 'literal', type: 'int', value, slot: null, charset: '' };
}

function parseDefaultValue(c: Cursor): Expr {
  if (c.isOp('(')) return parseParenthesizedExpr(c);
  if (c.oneOf(['NULL']))
    return { kind: 'literal', type: 'null', value: null, slot: null, charset: '' };
  const bool = c.oneOf(['TRUE', 'FALSE']);
  if (bool) return { kind: 'literal', type: 'bool', value: bool, slot: null, charset: '' };
  const t = c.peek();
  if (t.type === 'word' && NOW_FUNCTIONS.includes(t.upper)) {
    const fsp = parseNowFunction(c);
    return call(
      'CURRENT_TIMESTAMP',
      fsp > 0
        ? [{ kind: 'literal', type: 'int', value: String(fsp), slot: null, charset: '' }]
        : [],
    );
  }
  if (c.isOp('-') || c.isOp('+')) {
    const negative = c.next().text === '-';
    const operand = c.literal();
    return negative ? { kind: 'unary', op: '-', operand } : operand;
  }
  if (
    t.type === 'string' ||
    t.type === 'int' ||
    t.type === 'decimal' ||
    t.type === 'float' ||
    t.type === 'hex' ||
    t.type === 'bit'
  )
    return c.literal();
  return c.fail();
}

function parseReferences(c: Cursor): {
  table: TableName;
  columns: string[];
  onDelete: ReferentialAction | null;
  onUpdate: ReferentialAction | null;
} {
  c.expectWord('REFERENCES');
  const table = parseTableName(c);
  const columns = parseNameList(c);
  if (c.acceptWord('MATCH')) c.oneOf(['FULL', 'PARTIAL', 'SIMPLE']);
  let onDelete: ReferentialAction | null = null;
  let onUpdate: ReferentialAction | null = null;
  while (c.acceptWord('ON')) {
    const event = c.oneOf(['DELETE', 'UPDATE']);
    if (event === null) c.fail();
    const action = parseReferentialAction(c);
    if (event === 'DELETE') onDelete = action;
    else onUpdate = action;
  }
  return { table, columns, onDelete, onUpdate };
}

function parseReferentialAction(c: Cursor): ReferentialAction {
  if (c.acceptWord('RESTRICT')) return 'RESTRICT';
  if (c.acceptWord('CASCADE')) return 'CASCADE';
  if (c.acceptWords('SET', 'NULL')) return 'SET NULL';
  if (c.acceptWords('SET', 'DEFAULT')) return 'SET DEFAULT';
  if (c.acceptWords('NO', 'ACTION')) return 'NO ACTION';
  return c.fail();
}

export function parseIndexColumns(c: Cursor): IndexColumn[] {
  c.expectOp('(');
  const columns: IndexColumn[] = [];
  do {
    const column = c.identifier();
    let length: number | null = null;
    if (c.acceptOp('(')) {
      length = c.integer();
      c.expectOp(')');
    }
    const direction = c.acceptWord('ASC') ? 'ASC' : c.acceptWord('DESC') ? 'DESC' : null;
    columns.push({ column, length, direction });
  } while (c.acceptOp(','));
  c.expectOp(')');
  skipIndexOptions(c);
  return columns;
}

function skipIndexOptions(c: Cursor): void {
  for (;;) {
    if (c.acceptWord('USING')) {
      if (c.oneOf(['BTREE', 'HASH', 'RTREE']) === null) c.fail();
    } else if (c.acceptWord('COMMENT')) c.string();
    else if (c.acceptWord('KEY_BLOCK_SIZE')) optionValue(c);
    else if (c.oneOf(['VISIBLE', 'INVISIBLE', 'IGNORED', 'NOT'])) c.acceptWord('IGNORED');
    else if (c.acceptWords('WITH', 'PARSER')) c.name();
    else return;
  }
}

function optionalIndexName(c: Cursor): string | null {
  if (c.isWord('USING')) {
    c.pos++;
    c.name();
  }
  return c.isIdentifier() ? c.identifier() : null;
}

/**
 * A table constraint. `ifNotExists`, in ALTER TABLE ADD: MariaDB's IF NOT EXISTS after the kind's
 * words (or after CONSTRAINT), recorded there; elsewhere it is a syntax error.
 */
export function parseConstraint(c: Cursor, ifNotExists?: { found: boolean }): TableConstraint {
  const acceptIfNotExists = (): void => {
    if (ifNotExists !== undefined && parseIfNotExists(c)) ifNotExists.found = true;
  };
  let name: string | null = null;
  if (c.acceptWord('CONSTRAINT')) {
    acceptIfNotExists();
    name = c.isIdentifier() ? c.identifier() : null;
  }
  if (c.acceptWords('PRIMARY', 'KEY')) {
    optionalIndexName(c);
    return { kind: 'primary_key', name, columns: parseIndexColumns(c) };
  }
  if (c.acceptWord('UNIQUE')) {
    if (!c.acceptWord('KEY')) c.acceptWord('INDEX');
    acceptIfNotExists();
    const indexName = optionalIndexName(c) ?? name;
    return { kind: 'unique', name: indexName, columns: parseIndexColumns(c) };
  }
  if (c.acceptWords('FOREIGN', 'KEY')) {
    acceptIfNotExists();
    const indexName = c.isIdentifier() ? c.identifier() : null;
    const columns = parseNameList(c);
    const ref = parseReferences(c);
    return {
      kind: 'foreign_key',
      name: name ?? indexName,
      columns,
      refTable: ref.table,
      refColumns: ref.columns,
      onDelete: ref.onDelete,
      onUpdate: ref.onUpdate,
    };
  }
  if (c.acceptWord('CHECK')) {
    const start = c.pos;
    const expr = parseParenthesizedExpr(c);
    return { kind: 'check', name, expr, text: c.textFrom(start).slice(1, -1).trim() };
  }
  const variant = c.oneOf(['FULLTEXT', 'SPATIAL']) ?? 'KEY';
  if (!c.acceptWord('KEY') && !c.acceptWord('INDEX') && variant === 'KEY') c.fail();
  acceptIfNotExists();
  const indexName = optionalIndexName(c);
  return {
    kind: 'index',
    name: indexName,
    columns: parseIndexColumns(c),
    variant: variant as 'KEY',
  };
}

type MutableOptions = { -readonly [K in keyof TableOptions]: TableOptions[K] };

export function parseTableOptions(c: Cursor): TableOptions {
  const options: MutableOptions = {
    engine: null,
    charset: null,
    collation: null,
    autoIncrement: null,
    comment: null,
    other: [],
  };
  const other: (readonly [string, string])[] = [];
  // Options may be separated by commas; in ALTER TABLE a comma may also start the next spec.
  while (parseTableOption(c, options, other)) {
    const mark = c.pos;
    if (c.acceptOp(',') && !isTableOptionStart(c)) {
      c.pos = mark;
      break;
    }
  }
  options.other = other;
  return options;
}

const OTHER_OPTIONS = [
  'ROW_FORMAT',
  'KEY_BLOCK_SIZE',
  'MAX_ROWS',
  'MIN_ROWS',
  'AVG_ROW_LENGTH',
  'PACK_KEYS',
  'CHECKSUM',
  'DELAY_KEY_WRITE',
  'STATS_PERSISTENT',
  'STATS_AUTO_RECALC',
  'STATS_SAMPLE_PAGES',
  'PAGE_CHECKSUM',
  'TRANSACTIONAL',
  'INSERT_METHOD',
  'ENCRYPTED',
  'ENCRYPTION_KEY_ID',
  'PAGE_COMPRESSED',
  'PAGE_COMPRESSION_LEVEL',
];

function isTableOptionStart(c: Cursor): boolean {
  const t = c.peek();
  if (t.type !== 'word') return false;
  return [
    'DEFAULT',
    'CHARACTER',
    'CHARSET',
    'COLLATE',
    'ENGINE',
    'TYPE',
    'AUTO_INCREMENT',
    'COMMENT',
    ...OTHER_OPTIONS,
  ].includes(t.upper);
}

function parseTableOption(
  c: Cursor,
  options: MutableOptions,
  other: (readonly [string, string])[],
): boolean {
  const hasDefault = c.acceptWord('DEFAULT');
  if (c.acceptWords('CHARACTER', 'SET') || c.acceptWord('CHARSET'))
    options.charset = optionValue(c).toLowerCase();
  else if (c.acceptWord('COLLATE')) options.collation = optionValue(c).toLowerCase();
  else if (hasDefault) c.fail();
  else if (c.acceptWord('ENGINE') || c.acceptWord('TYPE')) options.engine = optionValue(c);
  else if (c.acceptWord('AUTO_INCREMENT')) options.autoIncrement = Number(optionValue(c));
  else if (c.acceptWord('COMMENT')) {
    c.acceptOp('=');
    options.comment = c.string();
  } else {
    const name = c.oneOf(OTHER_OPTIONS);
    if (name === null) return false;
    other.push([name, optionValue(c).toUpperCase()]);
  }
  return true;
}

function optionValue(c: Cursor): string {
  c.acceptOp('=');
  const t = c.peek();
  if (t.type === 'int') return String(c.integer());
  return c.name();
}

function parseCreateIndex(c: Cursor, variant: CreateIndex['variant']): CreateIndex {
  const ifNotExists = parseIfNotExists(c);
  const name = c.identifier();
  if (c.acceptWord('USING')) c.name();
  c.expectWord('ON');
  const table = parseTableName(c);
  const columns = parseIndexColumns(c);
  skipAlgorithmLock(c);
  return { kind: 'create_index', variant, ifNotExists, name, table, columns };
}

function skipAlgorithmLock(c: Cursor): boolean {
  if (!c.oneOf(['ALGORITHM', 'LOCK'])) return false;
  c.acceptOp('=');
  c.name();
  return true;
}

export function parseDrop(c: Cursor): Statement {
  c.expectWord('DROP');
  if (c.acceptWord('DATABASE') || c.acceptWord('SCHEMA')) return parseDropDatabase(c);
  const temporary = c.acceptWord('TEMPORARY');
  if (c.acceptWord('TABLE') || c.acceptWord('TABLES')) return parseDropTable(c, temporary);
  if (c.acceptWord('INDEX')) return parseDropIndex(c);
  if (c.acceptWord('VIEW')) return parseDropView(c);
  if (c.acceptWord('TRIGGER')) return parseDropTrigger(c);
  const word = c.oneOf(['PROCEDURE', 'FUNCTION', 'EVENT', 'ROLE', 'SEQUENCE', 'SERVER']);
  if (word) c.unsupported(`DROP ${word}`);
  return c.fail();
}

function parseDropTable(c: Cursor, temporary: boolean): DropTable {
  const ifExists = parseIfExists(c);
  const tables = [parseTableName(c)];
  while (c.acceptOp(',')) tables.push(parseTableName(c));
  c.oneOf(['RESTRICT', 'CASCADE']);
  return { kind: 'drop_table', temporary, ifExists, tables };
}

function parseDropIndex(c: Cursor): DropIndex {
  const ifExists = parseIfExists(c);
  const name = c.isWord('PRIMARY') ? c.next().upper : c.identifier();
  c.expectWord('ON');
  const table = parseTableName(c);
  skipAlgorithmLock(c);
  return { kind: 'drop_index', ifExists, name, table };
}

export function parseRename(c: Cursor): RenameTable {
  c.expectWord('RENAME');
  if (!c.acceptWord('TABLE')) {
    if (c.isWord('USER')) c.unsupported('RENAME USER');
    c.fail();
  }
  const pairs: { from: TableName; to: TableName }[] = [];
  do {
    const from = parseTableName(c);
    c.expectWord('TO');
    pairs.push({ from, to: parseTableName(c) });
  } while (c.acceptOp(','));
  return { kind: 'rename_table', pairs };
}

export function parseTruncate(c: Cursor): Truncate {
  c.expectWord('TRUNCATE');
  c.acceptWord('TABLE');
  return { kind: 'truncate', table: parseTableName(c) };
}

export function parseAlter(c: Cursor): AlterTable | AlterDatabase | CreateView {
  c.expectWord('ALTER');
  const start = c.pos;
  const prefix = parseObjectPrefix(c, false);
  if (c.isWord('VIEW')) return parseView(c, prefix, true);
  c.pos = start;
  if (c.acceptWord('DATABASE') || c.acceptWord('SCHEMA')) return parseAlterDatabase(c);
  c.oneOf(['ONLINE', 'IGNORE']);
  if (!c.acceptWord('TABLE')) {
    const word = c.oneOf(['EVENT', 'FUNCTION', 'PROCEDURE', 'SEQUENCE', 'SERVER']);
    if (word) c.unsupported(`ALTER ${word}`);
    c.fail();
  }
  const table = parseTableName(c);
  const specs: AlterSpec[] = [];
  do {
    const spec = parseAlterSpec(c);
    if (spec) specs.push(spec);
  } while (c.acceptOp(','));
  return { kind: 'alter_table', table, specs };
}

/** ALTER DATABASE [name] [DEFAULT] CHARACTER SET … [DEFAULT] COLLATE …, after the keyword. */
function parseAlterDatabase(c: Cursor): AlterDatabase {
  if (c.isWord('UPGRADE')) c.unsupported('ALTER DATABASE … UPGRADE DATA DIRECTORY NAME');
  const name = isTableOptionStart(c) ? null : c.identifier();
  const options = parseTableOptions(c);
  if (options.comment !== null) c.unsupported('ALTER DATABASE … COMMENT');
  if (
    (options.charset === null && options.collation === null) ||
    options.engine !== null ||
    options.autoIncrement !== null ||
    options.other.length > 0
  )
    c.fail();
  return { kind: 'alter_database', name, charset: options.charset, collation: options.collation };
}

function parsePosition(c: Cursor): ColumnPosition {
  if (c.acceptWord('FIRST')) return { first: true };
  if (c.acceptWord('AFTER')) return { after: c.identifier() };
  return null;
}

// One ALTER TABLE spec; null for specs accepted without effect (ALGORITHM=, LOCK=, FORCE).
function parseAlterSpec(c: Cursor): AlterSpec | null {
  if (skipAlgorithmLock(c) || c.acceptWord('FORCE')) return null;
  // mysqldump wraps its INSERTs in ALTER TABLE … DISABLE KEYS / ENABLE KEYS: nothing to do.
  if (c.acceptWords('DISABLE', 'KEYS') || c.acceptWords('ENABLE', 'KEYS')) return null;
  if (c.acceptWord('ADD')) return parseAlterAdd(c);
  if (c.acceptWord('DROP')) return parseAlterDrop(c);
  if (c.acceptWord('MODIFY')) {
    c.acceptWord('COLUMN');
    const ifExists = parseIfExists(c);
    const column = parseColumnDef(c);
    return { kind: 'modify_column', column, position: parsePosition(c), ifExists };
  }
  if (c.acceptWord('CHANGE')) {
    c.acceptWord('COLUMN');
    const ifExists = parseIfExists(c);
    const from = c.identifier();
    const column = parseColumnDef(c);
    return { kind: 'change_column', from, column, position: parsePosition(c), ifExists };
  }
  if (c.acceptWord('RENAME')) return parseAlterRename(c);
  if (c.acceptWord('ALTER')) return parseAlterColumnDefault(c);
  if (c.acceptWords('CONVERT', 'TO')) {
    if (!c.acceptWord('CHARSET') && !c.acceptWords('CHARACTER', 'SET')) c.fail();
    const charset = c.name().toLowerCase();
    const collation = c.acceptWord('COLLATE') ? c.name().toLowerCase() : null;
    return { kind: 'convert_charset', charset, collation };
  }
  if (c.isWord('ORDER')) c.unsupported('ALTER TABLE … ORDER BY');
  if (c.isWord('PARTITION')) c.unsupported('PARTITION');
  const options = parseTableOptions(c);
  if (!hasAnyOption(options)) c.fail();
  return { kind: 'options', options };
}

function hasAnyOption(o: TableOptions): boolean {
  return (
    o.engine !== null ||
    o.charset !== null ||
    o.collation !== null ||
    o.autoIncrement !== null ||
    o.comment !== null ||
    o.other.length > 0
  );
}

function parseAlterAdd(c: Cursor): AlterSpec {
  const t = c.peek();
  if (t.type === 'word' && CONSTRAINT_WORDS.includes(t.upper)) {
    const ifNotExists = { found: false };
    const constraint = parseConstraint(c, ifNotExists);
    return { kind: 'add_constraint', constraint, ifNotExists: ifNotExists.found };
  }
  c.acceptWord('COLUMN');
  const ifNotExists = parseIfNotExists(c);
  if (c.isOp('(')) c.unsupported('ALTER TABLE ADD (column list)');
  const column = parseColumnDef(c);
  return { kind: 'add_column', column, position: parsePosition(c), ifNotExists };
}

function parseAlterDrop(c: Cursor): AlterSpec {
  if (c.acceptWords('PRIMARY', 'KEY')) return { kind: 'drop_primary_key' };
  if (c.acceptWords('FOREIGN', 'KEY')) {
    const ifExists = parseIfExists(c);
    return { kind: 'drop_foreign_key', name: c.identifier(), ifExists };
  }
  if (c.acceptWord('CONSTRAINT') || c.acceptWord('CHECK')) {
    const ifExists = parseIfExists(c);
    return { kind: 'drop_constraint', name: c.identifier(), ifExists };
  }
  if (c.acceptWord('INDEX') || c.acceptWord('KEY')) {
    const ifExists = parseIfExists(c);
    return { kind: 'drop_index', name: c.identifier(), ifExists };
  }
  c.acceptWord('COLUMN');
  const ifExists = parseIfExists(c);
  return { kind: 'drop_column', name: c.identifier(), ifExists };
}

function parseAlterRename(c: Cursor): AlterSpec {
  if (c.acceptWord('COLUMN')) {
    const from = c.identifier();
    c.expectWord('TO');
    return { kind: 'rename_column', from, to: c.identifier() };
  }
  if (c.acceptWord('INDEX') || c.acceptWord('KEY')) {
    const from = c.identifier();
    c.expectWord('TO');
    return { kind: 'rename_index', from, to: c.identifier() };
  }
  if (!c.acceptWord('TO')) c.acceptWord('AS');
  return { kind: 'rename_table', to: parseTableName(c) };
}

function parseAlterColumnDefault(c: Cursor): AlterSpec {
  c.acceptWord('COLUMN');
  const name = c.identifier();
  if (c.acceptWords('DROP', 'DEFAULT')) return { kind: 'alter_default', name, default: null };
  c.expectWord('SET');
  c.expectWord('DEFAULT');
  const start = c.pos;
  const value = parseDefaultValue(c);
  return { kind: 'alter_default', name, default: value, defaultText: parenthesizedText(c, start) };
}

// MariaDB's bounds of DECIMAL(M,D) (and FLOAT/DOUBLE(M,D)): M at most 65, D at most 38 and M.
const DECIMAL_PRECISION_MAX = 65;
const DECIMAL_SCALE_MAX = 38;

function checkPrecision(type: DataType, column: string): void {
  const { name, length, scale } = type;
  if (name !== 'DECIMAL' && name !== 'FLOAT' && name !== 'DOUBLE') return;
  if (name === 'DECIMAL' && length !== null && length > DECIMAL_PRECISION_MAX)
    throw new SqlFailure(
      semantic(
        1426,
        '42000',
        `Too big precision specified for '${column}'. Maximum is ${DECIMAL_PRECISION_MAX}`,
      ),
    );
  if (name === 'DECIMAL' && scale !== null && scale > DECIMAL_SCALE_MAX)
    throw new SqlFailure(
      semantic(
        1425,
        '42000',
        `Too big scale specified for '${column}'. Maximum is ${DECIMAL_SCALE_MAX}`,
      ),
    );
  if (length !== null && scale !== null && scale > length)
    throw new SqlFailure(
      semantic(
        1427,
        '42000',
        `For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '${column}')`,
      ),
    );
}
