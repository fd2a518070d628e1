// Public API of the SQL front end: tokenizer, parser, normalization and cache, and the
// MySQL → SQLite emitters with their catalog. See docs/design/sql.md.
export type * from './ast.js';
export { hasDefaultOf, hasEffects, hasSubquery } from './ast.js';
export {
  type Catalog,
  type CheckDef,
  type ForeignKeyDef,
  type IndexDef,
  MemoryCatalog,
  type Reference,
  referencesTo,
  type TableDef,
  type TriggerDef,
  type ViewDef,
} from './catalog.js';
export {
  type DmlStatement,
  type DmlStep,
  type DmlTranslation,
  emitDml,
  inOrder,
  unchangedGuard,
  viewColumns,
} from './emit-dml.js';
export { MULTI_TABLE_DROP } from './emit-multi.js';
export { isJoinView, joinedStar } from './view-dml.js';
export {
  TRIGGER_GUARD,
  TRIGGER_SUSPEND,
  TRIGGER_WAITING_PREFIX,
  type WaitingRaise,
  canonicalObjectText,
  createTriggerText,
  showCreateView,
} from './emit-objects.js';
export {
  type CatalogChange,
  type DdlOptions,
  type DdlPlan,
  DDL_KINDS,
  type Note,
  checkViolationSql,
  createTableSql,
  emitDdl,
  indexPartSql,
  partCollation,
  prefixInBytes,
  renamed,
  withPrefixKeys,
  sqliteType,
} from './emit-ddl.js';
export { type Bind, type EmitOptions } from './emit-expression.js';
export { isDecimalInteger, isLongDecimal } from './decimal-literal.js';
export {
  CHARACTER_SETS,
  COLLATED_FUNCTIONS,
  COLLATIONS,
  type CollationDef,
  collationById,
  findCollation,
} from './collations.js';
export {
  type ParseError,
  type Result,
  type SqlError,
  type TooLongError,
  type UnsupportedError,
  type SemanticError,
  parseError,
  unsupported,
} from './errors.js';
export {
  AGGREGATES,
  BUILTIN_FUNCTIONS,
  type SessionValue,
  USER_FUNCTIONS,
  USER_FUNCTION_PREFIX,
} from './functions.js';
export * from './limits.js';
export {
  backquote,
  mysqlTableName,
  quoteId,
  quoteString,
  sqliteIndexName,
  sqliteTableName,
} from './names.js';
export {
  type Normalized,
  type SqlValue,
  bitLiteralHex,
  isTemplateStatement,
  literalValue,
  normalize,
} from './normalize.js';
export { type Parsed, parse, parseTokens, plainSelect, readsAsDefault } from './parser.js';
export { type StarColumns, fullGroupByError } from './full-group-by.js';
export { PARSE_MODE, type ParseModes, parseModeNames, parseModesOf } from './parse-modes.js';
export {
  type DescribeRow,
  checkClauseText,
  defaultText,
  exprText,
  describeTable,
  mysqlTypeText,
  showCreateDatabase,
  showCreateTable,
} from './show-create.js';
export {
  type Prepared,
  type SessionValues,
  StatementCache,
  type Template,
  bindValues,
  isDml,
  translate,
} from './statement-cache.js';
export { splitStatements } from './split.js';
export {
  ARITHMETIC_FUNCTION,
  DOUBLE_MATH_FUNCTION,
  CAST_DECIMAL_FUNCTION,
  CAST_SIGNED_FUNCTION,
  CAST_UNSIGNED_FUNCTION,
  DECIMAL_ADD_FUNCTION,
  DECIMAL_COLLATION,
  DECIMAL_COMPARE_FUNCTION,
  DECIMAL_DIVIDE_FUNCTION,
  DECIMAL_MULTIPLY_FUNCTION,
  DECIMAL_SUBTRACT_FUNCTION,
  DECIMAL_SUM_FUNCTION,
  DIVISOR_FUNCTION,
  DOUBLE_ROUND_FUNCTION,
  RECURSION_CUT_FUNCTION,
  BIT_FUNCTION,
  INTEGER_FUNCTION,
  JSON_FORMAT_FUNCTION,
  LAST_INSERT_ID_GET_FUNCTION,
  LAST_INSERT_ID_SET_FUNCTION,
  LOG_ARGUMENT_FUNCTION,
  NEGATE_FUNCTION,
  NUMBER_FUNCTION,
  NUMBER_TEXT_DOUBLE,
  NUMBER_TEXT_FLOAT,
  NUMBER_TEXT_FUNCTION,
  PROBE_FUNCTION,
  ROW_OF_FUNCTION,
  CHANGED_FUNCTION,
  SINGLE_VALUE_FUNCTION,
  STORE_VALUE_FUNCTION,
  TEMPORAL_NUMBER_FUNCTION,
  SYSTEM_TO_ZONE_FUNCTION,
  UNCHANGED_FUNCTION,
  USER_VAR_GET_FUNCTION,
  USER_VAR_SET_FUNCTION,
  UTC_TO_ZONE_FUNCTION,
  ZONE_TO_SYSTEM_FUNCTION,
  ZONE_TO_UTC_FUNCTION,
  type StoreRule,
  storeRuleById,
  storeRuleSql,
} from './store-rule.js';
export { isTextType, tableFromCreate } from './table-def.js';
export { plainColumn } from './parse-types.js';
export { type Token, type TokenType, tokenize } from './tokenizer.js';
export {
  JSON_TABLE_FUNCTION,
  JSON_TABLE_COLUMNS_MAX,
  jsonTableDef,
  type JsonPathStep,
  type JsonTableSpec,
  type SpecColumn,
} from './json-table.js';
export {
  BIT_OPERATORS,
  COMPARISON_OPERATORS,
  PREDICATE_KINDS,
  integerRange,
} from './number-kind.js';
