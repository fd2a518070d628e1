// MySQL column data types, canonicalized (INTEGER → INT, BOOL → TINYINT(1), DEC → DECIMAL, …)
// so the catalog and SHOW CREATE TABLE see one spelling per type.
import type { ColumnDef, DataType } from './ast.js';
import type { Cursor } from './cursor.js';
import { SqlFailure, semantic } from './errors.js';
import { RESERVED } from './keywords.js';

type TypeClass =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'bit'
  | 'char'
  | 'binary'
  | 'text'
  | 'blob'
  | 'temporal'
  | 'plain'
  | 'list';

const TYPES: Readonly<Record<string, readonly [string, TypeClass]>> = {
  TINYINT: ['TINYINT', 'integer'],
  INT1: ['TINYINT', 'integer'],
  SMALLINT: ['SMALLINT', 'integer'],
  INT2: ['SMALLINT', 'integer'],
  MEDIUMINT: ['MEDIUMINT', 'integer'],
  MIDDLEINT: ['MEDIUMINT', 'integer'],
  INT3: ['MEDIUMINT', 'integer'],
  INT: ['INT', 'integer'],
  INTEGER: ['INT', 'integer'],
  INT4: ['INT', 'integer'],
  BIGINT: ['BIGINT', 'integer'],
  INT8: ['BIGINT', 'integer'],
  DECIMAL: ['DECIMAL', 'decimal'],
  DEC: ['DECIMAL', 'decimal'],
  NUMERIC: ['DECIMAL', 'decimal'],
  FIXED: ['DECIMAL', 'decimal'],
  FLOAT: ['FLOAT', 'float'],
  FLOAT4: ['FLOAT', 'float'],
  DOUBLE: ['DOUBLE', 'float'],
  FLOAT8: ['DOUBLE', 'float'],
  REAL: ['DOUBLE', 'float'],
  BIT: ['BIT', 'bit'],
  CHAR: ['CHAR', 'char'],
  CHARACTER: ['CHAR', 'char'],
  NCHAR: ['CHAR', 'char'],
  VARCHAR: ['VARCHAR', 'char'],
  NVARCHAR: ['VARCHAR', 'char'],
  VARCHARACTER: ['VARCHAR', 'char'],
  BINARY: ['BINARY', 'binary'],
  VARBINARY: ['VARBINARY', 'binary'],
  TINYTEXT: ['TINYTEXT', 'text'],
  TEXT: ['TEXT', 'text'],
  MEDIUMTEXT: ['MEDIUMTEXT', 'text'],
  LONGTEXT: ['LONGTEXT', 'text'],
  TINYBLOB: ['TINYBLOB', 'blob'],
  BLOB: ['BLOB', 'blob'],
  MEDIUMBLOB: ['MEDIUMBLOB', 'blob'],
  LONGBLOB: ['LONGBLOB', 'blob'],
  DATE: ['DATE', 'plain'],
  DATETIME: ['DATETIME', 'temporal'],
  TIMESTAMP: ['TIMESTAMP', 'temporal'],
  TIME: ['TIME', 'temporal'],
  YEAR: ['YEAR', 'temporal'],
  JSON: ['JSON', 'plain'],
  ENUM: ['ENUM', 'list'],
  SET: ['SET', 'list'],
  SERIAL: ['SERIAL', 'plain'],
};

const UNSUPPORTED_TYPES = new Set([
  'GEOMETRY',
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
  'INET4',
  'INET6',
  'UUID',
]);

type MutableType = { -readonly [K in keyof DataType]: DataType[K] };

export function parseDataType(c: Cursor): DataType {
  const t = c.peek();
  if (t.type !== 'word') c.fail();
  if (UNSUPPORTED_TYPES.has(t.upper)) c.unsupported(`${t.upper} columns`);
  c.pos++;
  if (t.upper === 'BOOL' || t.upper === 'BOOLEAN') return plainType('TINYINT', 1);
  if (t.upper === 'LONG') return parseLongType(c);
  if (t.upper === 'NATIONAL') {
    const next = c.oneOf(['CHAR', 'CHARACTER', 'VARCHAR']);
    if (next === null) c.fail();
    return parseTypeTail(c, next === 'VARCHAR' ? 'VARCHAR' : 'CHAR', 'char');
  }
  const known = TYPES[t.upper];
  // A word that is no type where a column's type goes: MariaDB's 4161 (a reserved word: 1064).
  if (!known && RESERVED.has(t.upper)) return c.fail();
  if (!known) throw new SqlFailure(semantic(4161, 'HY000', `Unknown data type: '${t.text}'`));
  const typeClass = known[1];
  let name = known[0];
  if (name === 'CHAR' && c.acceptWord('VARYING')) name = 'VARCHAR';
  if (name === 'DOUBLE') c.acceptWord('PRECISION');
  return parseTypeTail(c, name, typeClass);
}

/** A type with nothing but its name and length said (`INT`, `VARCHAR(10)`). */
export function plainType(name: string, length: number | null): DataType {
  return {
    name,
    length,
    scale: null,
    unsigned: false,
    zerofill: false,
    charset: null,
    collation: null,
    values: [],
  };
}

function parseLongType(c: Cursor): DataType {
  if (c.acceptWord('VARBINARY')) return plainType('MEDIUMBLOB', null);
  c.acceptWord('VARCHAR');
  return parseTypeTail(c, 'MEDIUMTEXT', 'text');
}

function parseTypeTail(c: Cursor, name: string, typeClass: TypeClass): DataType {
  const type: MutableType = { ...plainType(name, null) };
  if (typeClass === 'list') type.values = parseListValues(c);
  else if (c.acceptOp('(')) {
    type.length = c.integer();
    if (c.acceptOp(',')) type.scale = c.integer();
    c.expectOp(')');
  }
  if (typeClass === 'integer' || typeClass === 'decimal' || typeClass === 'float') {
    for (;;) {
      if (c.acceptWord('UNSIGNED')) type.unsigned = true;
      else if (c.acceptWord('ZEROFILL')) type.zerofill = type.unsigned = true;
      else if (!c.acceptWord('SIGNED')) break;
    }
  }
  if (typeClass === 'char' || typeClass === 'text' || typeClass === 'list')
    parseCharsetTail(c, type);
  return type;
}

function parseListValues(c: Cursor): string[] {
  c.expectOp('(');
  const values = [c.string()];
  while (c.acceptOp(',')) values.push(c.string());
  c.expectOp(')');
  return values;
}

function parseCharsetTail(c: Cursor, type: MutableType): void {
  for (;;) {
    if (c.acceptWord('BINARY')) type.collation = type.collation ?? 'binary';
    else if (c.acceptWords('CHARACTER', 'SET') || c.acceptWord('CHARSET'))
      type.charset = c.name().toLowerCase();
    else if (c.acceptWord('COLLATE')) type.collation = c.name().toLowerCase();
    else if (c.acceptWord('ASCII')) type.charset = 'latin1';
    else if (c.acceptWord('UNICODE')) type.charset = 'ucs2';
    else return;
  }
}

/** A nullable column of `type` with nothing else said (no default, key or check). */
export function plainColumn(name: string, type: DataType): ColumnDef {
  return {
    name,
    type,
    nullable: true,
    default: null,
    autoIncrement: false,
    onUpdateNow: null,
    primaryKey: false,
    unique: false,
    comment: null,
    check: null,
  };
}
