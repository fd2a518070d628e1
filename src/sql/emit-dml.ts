// SELECT/INSERT/UPDATE/DELETE → SQLite. Tables are resolved through the catalog and renamed
// (names.ts); every table source gets an alias so that `t.c` and `db.t.c` keep working.
import type {
  Assignment,
  ColumnDef,
  ColumnRef,
  CommonTableExpression,
  Delete,
  Expr,
  Insert,
  LockMode,
  OrderItem,
  Query,
  Select,
  SelectItem,
  TableName,
  TableRef,
  Update,
} from './ast.js';
import { referencesTo, type Catalog, type TableDef, type ViewDef } from './catalog.js';
import {
  type Result,
  SqlFailure,
  fail,
  noDatabase,
  noSuchTable,
  ok,
  semantic,
  unsupported,
} from './errors.js';
import {
  type Bind,
  type EmitOptions,
  ExpressionEmitter,
  isHexLiteral,
  NUMERIC_COLUMN_TYPES,
} from './emit-expression.js';
import { quoteId, quoteString } from './names.js';
import {
  JSON_TABLE_FUNCTION,
  checkLateral,
  isJsonTableDef,
  jsonTableColumns,
  jsonTableDef,
  jsonTableSpec,
  jsonTableStar,
} from './json-table.js';
import { rollupQuery } from './rollup.js';
import { hasEffects, hasSubquery } from './ast.js';
import { AGGREGATES, FUNCTION_ALIASES } from './functions.js';
import {
  CHANGED_FUNCTION,
  PROBE_FUNCTION,
  RECURSION_CUT_FUNCTION,
  ROW_OF_FUNCTION,
  SINGLE_VALUE_FUNCTION,
  STORE_VALUE_FUNCTION,
  storeRuleSql,
  UNCHANGED_FUNCTION,
  ZONE_TO_UTC_FUNCTION,
} from './store-rule.js';
import { parse } from './parser.js';
import { VIEW_DEPTH_MAX } from './limits.js';
import { joinViewTarget, joinedStar, viewTarget, viewsAsBase } from './view-dml.js';
import {
  assignsUniqueKey,
  emitMultiDelete,
  emitMultiUpdate,
  emitOrderedUpdate,
  type MultiPlan,
} from './emit-multi.js';
import { isTextType } from './table-def.js';
import { BINARY_STRINGS, TEMPORAL_DEFAULT_TYPES, indexPartSql, sqliteType } from './emit-table.js';

/**
 * One SQLite statement of a multi-table UPDATE/DELETE (emit-multi.ts). `matched` answers one
 * number, the rows the join matched; the changes of a `changed` step are rows written.
 */
export interface DmlStep {
  readonly sql: string;
  readonly binds: readonly Bind[];
  readonly role: 'plain' | 'matched' | 'changed';
}

export interface DmlTranslation {
  readonly kind: 'select' | 'insert' | 'update' | 'delete';
  /** One SQLite statement with `?` placeholders (a multi-table statement's join: see steps). */
  readonly sql: string;
  /** The source of each `?`, in order. */
  readonly binds: readonly Bind[];
  /** FOR UPDATE / LOCK IN SHARE MODE, stripped from the SQL: the store certifies those rows. */
  readonly lock: LockMode;
  /** The table written by INSERT/UPDATE/DELETE (the first, for a multi-table one). */
  readonly target: TableDef | null;
  /** A multi-table UPDATE/DELETE: the statements to run in order instead of `sql`. */
  readonly steps?: readonly DmlStep[];
  /** A multi-table UPDATE/DELETE: every table it writes. */
  readonly targets?: readonly TableDef[];
  /**
   * The statement assigns user variables (`@v := …`) or sets LAST_INSERT_ID(x) as it runs: the
   * engine runs it where the session's values are (never on a reader worker).
   */
  readonly effects?: boolean;
  /** Every table the statement reads or writes. */
  readonly tables: readonly TableDef[];
  /**
   * SQL_CALC_FOUND_ROWS: the statement that counts the rows without LIMIT, to run on the same
   * snapshot right after this one (FOUND_ROWS() is its answer); absent otherwise.
   */
  readonly foundRows?: { readonly sql: string; readonly binds: readonly Bind[] };
  /**
   * A changed-only UPDATE (`Update.changedOnly`): its guard counts the rows its WHERE matches
   * (WriteCheck.matched), which CLIENT_FOUND_ROWS answers and the info names; absent otherwise.
   */
  readonly countsMatched?: boolean;
  /**
   * Such an UPDATE on a table with UPDATE triggers (`Update.firesAll`): it writes every matched
   * row and its guard counts the changed ones (WriteCheck.changed).
   */
  readonly countsChanged?: boolean;
  /**
   * An INSERT's values for generated columns, which are dropped (SQLite computes the column):
   * each row's such column in row order. MariaDB's 1906, an error in strict mode and a warning
   * otherwise (the engine decides: dml.ts); absent when none was given.
   */
  readonly generatedGiven?: readonly string[];
  /**
   * An INSERT's rows as a query of their own (`WITH "~src"(…) AS (<its VALUES or SELECT>) SELECT
   * * FROM "~src"`), each column the value stored in `columns[i]`: the engine reads the keys a
   * row will meet from it (INSERT IGNORE's warnings, a 1062's value). Its binds are the
   * statement's that the rows use. Absent for DEFAULT VALUES.
   */
  readonly source?: {
    readonly sql: string;
    readonly binds: readonly Bind[];
    readonly columns: readonly string[];
  };
}

export class DmlEmitter extends ExpressionEmitter {
  constructor(options: EmitOptions, pinned: ReadonlySet<number> | 'all') {
    super(options, pinned);
  }

  readonly tables: TableDef[] = [];
  /** DmlTranslation.source, set by the INSERT it emitted. */
  insertSource: DmlTranslation['source'] | null = null;
  /** DmlTranslation.generatedGiven. */
  readonly generatedGiven: string[] = [];
  /** DmlTranslation.countsMatched. */
  countsMatched = false;
  /** DmlTranslation.countsChanged. */
  countsChanged = false;
  /** Lower-case table name or alias → its table, for the collation of a column reference. */
  private readonly named = new Map<string, TableDef>();
  /** How many views this emitter is nested in (a view over a view over …). */
  viewDepth = 0;

  /** The view a table name refers to, if it names one. */
  view(name: TableName): ViewDef | undefined {
    const db = name.db ?? this.options.database;
    if (db === null || this.cte(name) !== undefined) return undefined;
    return this.options.catalog.view?.(db, name.name);
  }

  /**
   * A view, inlined as the derived table its SELECT makes (MERGE or TEMPTABLE alike: SQLite
   * flattens it where it can). Its names resolve in the view's database; explicit column names
   * rename the SELECT's through a CTE column list.
   */
  private viewQuery(view: ViewDef): string {
    if (this.viewDepth >= VIEW_DEPTH_MAX)
      this.fail(1462, 'HY000', `\`${view.db}\`.\`${view.name}\` contains view recursion`);
    const parsed = parse(view.queryText);
    if (!parsed.ok) throw new SqlFailure(parsed.error);
    const inner = new DmlEmitter({ catalog: this.options.catalog, database: view.queryDb }, 'all');
    inner.viewDepth = this.viewDepth + 1;
    let sql = inner.query(parsed.value.statement as Query);
    if (view.explicitColumns)
      sql = `WITH "~view"(${view.columns.map(quoteId).join(', ')}) AS (${sql}) SELECT * FROM "~view"`;
    this.binds.push(...inner.binds);
    for (const t of inner.tables) if (!this.tables.includes(t)) this.tables.push(t);
    return sql;
  }

  resolve(name: TableName): TableDef {
    const db = name.db ?? this.options.database;
    if (db === null) throw new SqlFailure(noDatabase());
    const table = this.options.catalog.table(db, name.name);
    if (!table) throw new SqlFailure(noSuchTable(db, name.name));
    if (!this.tables.includes(table)) this.tables.push(table);
    // UPDATE and DELETE name their table here, not in a FROM list.
    if (!this.named.has(name.name.toLowerCase())) this.named.set(name.name.toLowerCase(), table);
    return table;
  }

  /** CTEs in scope, innermost last: lower-case name → the CTE and its SQLite name. */
  private readonly ctes: Map<string, { cte: CommonTableExpression; sqliteName: string }>[] = [];

  private cte(name: TableName): { cte: CommonTableExpression; sqliteName: string } | undefined {
    if (name.db !== null) return undefined;
    const lower = name.name.toLowerCase();
    for (let i = this.ctes.length - 1; i >= 0; i--) {
      const found = this.ctes[i]!.get(lower);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  override query(q: Query): string {
    if (q.with === undefined) return this.compound(q);
    const scope = new Map<string, { cte: CommonTableExpression; sqliteName: string }>();
    this.ctes.push(scope);
    try {
      const recursive = q.with.recursive;
      const parts = q.with.ctes.map((cte) => {
        const lower = cte.name.toLowerCase();
        const bounded = recursive ? this.boundedRecursion(cte, scope) : null;
        if (bounded !== null) return bounded;
        // A recursive CTE sees itself; a plain one sees only those defined before it.
        if (recursive) scope.set(lower, { cte, sqliteName: cte.name });
        const columns = cte.columns === null ? '' : `(${cte.columns.map(quoteId).join(', ')})`;
        const body = this.query(cte.query);
        scope.set(lower, { cte, sqliteName: cte.name });
        return `${quoteId(cte.name)}${columns} AS (${body})`;
      });
      return `WITH ${recursive ? 'RECURSIVE ' : ''}${parts.join(', ')} ${this.compound(q)}`;
    } finally {
      this.ctes.pop();
    }
  }

  /**
   * `anchor UNION ALL step` stops after @@max_recursive_iterations steps, as in MariaDB (which
   * returns what it has, with warning 1931 once a row of the last step allowed exists, even if
   * the next step would find none): the recursion runs in a CTE with a hidden depth column that
   * the step increments and bounds; the CTE the query names leaves the column out and reads
   * the last step's rows through RECURSION_CUT_FUNCTION, which warns. A `*` over the CTE
   * itself in the step is its columns.
   * Null when the CTE is not of that shape (UNION DISTINCT, a `*` over a join): emitted as is.
   */
  private boundedRecursion(
    cte: CommonTableExpression,
    scope: Map<string, { cte: CommonTableExpression; sqliteName: string }>,
  ): string | null {
    const q = cte.query;
    if (q.kind !== 'union' || q.op !== 'UNION' || !q.all || q.right.kind !== 'select') return null;
    if (q.orderBy.length > 0 || q.limit !== null || q.right.with !== undefined) return null;
    const step = q.right;
    const alias = selfAlias(step.from ?? [], cte.name);
    if (alias === null) return null;
    const names = cte.columns ?? this.resultNames(q.left);
    const items = starsOverSelf(step, alias, names);
    if (items === null) return null;
    const inner = `~recursive.${cte.name}`;
    const lower = cte.name.toLowerCase();
    const anchor = `SELECT *, 0 FROM (${this.query(q.left)})`;
    scope.set(lower, { cte, sqliteName: inner });
    const stepped = this.select(withDepth({ ...step, items }, alias), false);
    scope.set(lower, { cte, sqliteName: cte.name });
    const columns = names.map(quoteId).join(', ');
    // Each reading of the variable is its own bind.
    const limit = (): string =>
      this.expr({ kind: 'system_var', name: 'max_recursive_iterations', scope: null });
    const within = `"~depth" < ${limit()} OR ${RECURSION_CUT_FUNCTION}(${limit()})`;
    return (
      `${quoteId(inner)}(${columns}, "~depth") AS (${anchor} UNION ALL ${stepped}), ` +
      `${quoteId(cte.name)}(${columns}) AS (SELECT ${columns} FROM ${quoteId(inner)} WHERE ${within})`
    );
  }

  private compound(q: Query): string {
    if (q.kind === 'select') return this.select(q);
    let out: string;
    if (q.all && q.op !== 'UNION') out = this.multisetOp(q);
    else out = `${this.member(q.left)} ${q.op} ${q.all ? 'ALL ' : ''}${this.member(q.right)}`;
    if (q.orderBy.length > 0) out += ' ORDER BY ' + this.orderList(q.orderBy);
    return out + this.limit(q);
  }

  // A compound member with its own ORDER BY/LIMIT or WITH, or a nested compound, is wrapped.
  private member(q: Query): string {
    const plain =
      q.kind === 'select' && q.orderBy.length === 0 && q.limit === null && q.with === undefined;
    // SQLite forbids ORDER BY inside a compound member, so grouped members skip MariaDB's sort.
    return plain && !q.withRollup ? this.select(q, false) : `SELECT * FROM (${this.query(q)})`;
  }

  /**
   * INTERSECT ALL / EXCEPT ALL, which SQLite lacks: each row is numbered within its group of
   * equal rows, so the n-th copy on one side meets only the n-th copy on the other, and the
   * set operation on (row, n) keeps min(l, r) copies (INTERSECT) or max(l - r, 0) (EXCEPT).
   */
  private multisetOp(q: Query & { kind: 'union' }): string {
    const names = this.resultNames(q.left);
    const cols = names.map((_, i) => quoteId(`~${i + 1}`));
    const list = cols.join(', ');
    const numbered = (cte: string): string =>
      `SELECT ${list}, row_number() OVER (PARTITION BY ${list}) FROM ${cte}`;
    const outer = cols.map((c, i) => `${c} AS ${quoteId(names[i]!)}`).join(', ');
    return (
      `SELECT ${outer} FROM (WITH "~l"(${list}) AS (${this.query(q.left)}), ` +
      `"~r"(${list}) AS (${this.query(q.right)}) ` +
      `${numbered('"~l"')} ${q.op} ${numbered('"~r"')})`
    );
  }

  /** The result column names of a query (INTERSECT/EXCEPT ALL, a view's columns). */
  resultNames(q: Query): string[] {
    if (q.kind === 'union') return this.resultNames(q.left);
    const names: string[] = [];
    for (const item of q.items) {
      if (item.kind === 'item') names.push(item.name);
      else names.push(...this.starNames(q.from ?? [], item.table));
    }
    return names;
  }

  private starNames(refs: readonly TableRef[], only: TableName | null): string[] {
    const names: string[] = [];
    for (const r of refs) {
      if (r.kind === 'join') {
        const left = this.starNames([r.left], only);
        const right = this.starNames([r.right], only);
        names.push(...joinedStar(r, left, right, only !== null, (n) => n));
        continue;
      }
      const alias = r.kind === 'table' ? (r.alias ?? r.table.name) : r.alias;
      if (only !== null && only.name.toLowerCase() !== alias.toLowerCase()) continue;
      if (r.kind === 'derived') names.push(...this.resultNames(r.query));
      else if (r.kind === 'json_table')
        names.push(...jsonTableColumns(r.columns).map((c) => c.name));
      else {
        const cte = this.cte(r.table)?.cte;
        const view = this.view(r.table);
        if (cte !== undefined) names.push(...(cte.columns ?? this.resultNames(cte.query)));
        else if (view !== undefined) names.push(...view.columns);
        else names.push(...this.resolve(r.table).columns.map((c) => c.name));
      }
    }
    return names;
  }

  /**
   * `*` over a join with USING or NATURAL, spelled out column by column: MariaDB lists the joined
   * columns first (see joinedStar), SQLite where their left table has them, and the engine reads
   * a result's columns by position. Null when no join merges columns (SQLite's `*` is right).
   */
  private mergedStar(refs: readonly TableRef[]): string | null {
    const merges = (r: TableRef): boolean =>
      r.kind === 'join' && (r.using !== null || r.natural || merges(r.left) || merges(r.right));
    if (!refs.some(merges)) return null;
    return refs
      .flatMap((r) => this.starItems(r))
      .map((c) => c.sql)
      .join(', ');
  }

  /** The columns `*` shows of one FROM item, each with the SQL that reads it. */
  private starItems(r: TableRef): { name: string; sql: string }[] {
    // A joined column reads the side joinedStar keeps: the one never NULL in an outer join.
    if (r.kind === 'join') {
      const left = this.starItems(r.left);
      const right = this.starItems(r.right);
      return joinedStar(r, left, right, false, (c) => c.name);
    }
    const alias = quoteId(r.kind === 'table' ? (r.alias ?? r.table.name) : r.alias);
    return this.starNames([r], null).map((name) => ({
      name,
      sql: `${alias}.${quoteId(name)}`,
    }));
  }

  private limit(q: Query): string {
    if (q.limit === null) return '';
    // MariaDB takes a row count up to 2^64-1; SQLite's integers stop at 2^63-1, which is as
    // good as no limit, and -1 is SQLite's "no limit".
    const c = q.limit.count;
    const huge = c.kind === 'literal' && c.type === 'int' && BigInt(c.value ?? '0') > INT64_MAX;
    const count = huge ? '-1' : this.expr(c);
    return q.limit.offset === null
      ? ` LIMIT ${count}`
      : ` LIMIT ${count} OFFSET ${this.expr(q.limit.offset)}`;
  }

  /** Set while emitting a scalar subquery whose one item must come from at most one row. */
  private singleRow = false;

  /**
   * `(SELECT x FROM … WHERE …)` must fail with 1242 when it finds two rows; SQLite takes the
   * first. A plain one (no grouping, aggregate, DISTINCT, LIMIT or window) reads its item
   * through SINGLE_VALUE_FUNCTION, an aggregate that answers the one value (NULL for none) and
   * refuses a second row. One that may find more rows (GROUP BY, DISTINCT, LIMIT, a window, a
   * UNION) reads its one column through the function outside a CTE of its own; one that cannot
   * (an aggregate without GROUP BY, no FROM) is emitted as it is.
   */
  override scalarSubquery(q: Query): string {
    this.singleRow = isPlainScalar(q);
    try {
      if (this.singleRow || !mayFindRows(q)) return `(${this.query(q)})`;
      const name = quoteId('~scalar');
      return (
        `(WITH ${name}("v") AS (${this.query(q)}) ` +
        `SELECT ${SINGLE_VALUE_FUNCTION}("v") FROM ${name})`
      );
    } finally {
      this.singleRow = false;
    }
  }

  protected override columnCollation(column: ColumnRef): string | null {
    const lower = column.column.toLowerCase();
    const tables =
      column.table === null
        ? [...this.named.values()]
        : [this.named.get(column.table.toLowerCase())];
    for (const table of tables) {
      const def = table?.columns.find((c) => c.name.toLowerCase() === lower);
      if (def === undefined) continue;
      // MariaDB's JSON is LONGTEXT in utf8mb4_bin: its text, and a JSON_VALUE of it, match case.
      if (def.type.name === 'JSON') return 'utf8mb4_bin';
      // A binary string (BINARY, VARBINARY, the BLOBs) compares and matches byte by byte.
      if (BINARY_STRINGS.has(def.type.name)) return 'binary';
      if (!isTextType(def.type)) return null;
      return def.type.collation ?? table!.options.collation ?? null;
    }
    return null;
  }

  /** Names the FROM tables before the select list is emitted (its columns' collations). */
  private nameTables(refs: readonly TableRef[]): void {
    for (const r of refs) {
      if (r.kind === 'join') this.nameTables([r.left, r.right]);
      if (r.kind !== 'table' || this.cte(r.table) !== undefined || this.view(r.table)) continue;
      const db = r.table.db ?? this.options.database;
      const table = db === null ? undefined : this.options.catalog.table(db, r.table.name);
      if (table !== undefined) this.named.set((r.alias ?? r.table.name).toLowerCase(), table);
    }
  }

  select(s: Select, sortGroups = true): string {
    if (s.withRollup) return this.select(rollupQuery(s), sortGroups);
    checkPositions(s, s.orderBy, 'ORDER BY');
    checkPositions(s, s.groupBy, 'GROUP BY');
    if (s.having !== null && s.groupBy.length === 0 && !aggregates([s.items, s.having]))
      return this.select(havingAsWhere(s), sortGroups);
    if (s.from) this.nameTables(s.from);
    return this.withColumns(this.sourceTables(s.from ?? []), () => this.selectBody(s, sortGroups));
  }

  /** The catalog tables a FROM list names, by alias (CTEs, views and derived tables left out). */
  sourceTables(refs: readonly TableRef[]): Map<string, TableDef> {
    const out = new Map<string, TableDef>();
    const walk = (r: TableRef): void => {
      if (r.kind === 'join') {
        walk(r.left);
        walk(r.right);
      } else if (r.kind === 'json_table') {
        out.set(r.alias.toLowerCase(), jsonTableDef(r));
      } else if (r.kind === 'table' && this.cte(r.table) === undefined) {
        const db = r.table.db ?? this.options.database;
        const table = db === null ? undefined : this.options.catalog.table(db, r.table.name);
        if (table !== undefined) out.set((r.alias ?? r.table.name).toLowerCase(), table);
      }
    };
    refs.forEach(walk);
    return out;
  }

  private selectBody(s: Select, sortGroups: boolean): string {
    const single = this.singleRow;
    this.singleRow = false;
    let out =
      'SELECT ' +
      (s.distinct ? 'DISTINCT ' : '') +
      s.items
        .map((i) =>
          single && i.kind === 'item'
            ? `${SINGLE_VALUE_FUNCTION}(${this.expr(i.expr)}) AS ${quoteId(i.name)}`
            : i.kind === 'star'
              ? (jsonTableStar(s.from ?? [], i.table) ??
                (i.table === null ? this.mergedStar(s.from ?? []) : null) ??
                this.selectItem(i))
              : this.selectItem(i),
        )
        .join(', ');
    if (s.from) {
      checkLateral(s.from);
      // A comma binds looser than JOIN in MySQL (`a, b NATURAL JOIN q` is `a, (b NATURAL JOIN
      // q)`); SQLite reads a comma as a join of the same rank: a later join keeps its parentheses.
      out +=
        ' FROM ' +
        s.from
          .map((r, i) => (i > 0 && r.kind === 'join' ? `(${this.tableRef(r)})` : this.tableRef(r)))
          .join(', ');
    }
    if (s.where) out += ' WHERE ' + this.expr(s.where);
    // GROUP BY x DESC (MariaDB's) orders the groups: the direction goes to the sort below.
    if (s.groupBy.length > 0)
      out += ' GROUP BY ' + s.groupBy.map((g) => this.expr(g.expr)).join(', ');
    if (s.having) out += ' HAVING ' + this.expr(s.having);
    if (s.windows !== undefined && s.windows.length > 0)
      out +=
        ' WINDOW ' +
        s.windows.map((w) => `${quoteId(w.name)} AS (${this.windowBody(w.spec)})`).join(', ');
    out += this.orderBy(s.orderBy, sortGroups ? s.groupBy : []);
    return out + this.limit(s);
  }

  // MariaDB sorts grouped results by the GROUP BY list unless ORDER BY says otherwise
  // (ORDER BY NULL turns the sort off).
  private orderBy(orderBy: readonly OrderItem[], groupBy: readonly OrderItem[]): string {
    const isNull =
      orderBy.length === 1 &&
      orderBy[0]!.expr.kind === 'literal' &&
      orderBy[0]!.expr.type === 'null';
    if (isNull) return '';
    if (orderBy.length > 0) return ' ORDER BY ' + this.orderList(orderBy);
    if (groupBy.length > 0) return ' ORDER BY ' + this.orderList(groupBy);
    return '';
  }

  selectItem(item: SelectItem): string {
    if (item.kind === 'star') return item.table === null ? '*' : quoteId(item.table.name) + '.*';
    // SQLite already names a plain column reference after the column.
    // A JSON_TABLE's column is c0…c63 to SQLite: it is named.
    const sql = this.expr(item.expr);
    if (
      item.expr.kind === 'column' &&
      item.alias === null &&
      sql.endsWith(quoteId(item.expr.column))
    )
      return sql;
    return `${sql} AS ${quoteId(item.name)}`;
  }

  tableRef(r: TableRef): string {
    switch (r.kind) {
      case 'table': {
        const cte = this.cte(r.table);
        if (cte !== undefined)
          return `${quoteId(cte.sqliteName)} AS ${quoteId(r.alias ?? r.table.name)}`;
        const view = this.view(r.table);
        if (view !== undefined)
          return `(${this.viewQuery(view)}) AS ${quoteId(r.alias ?? r.table.name)}`;
        const table = this.resolve(r.table);
        this.named.set((r.alias ?? r.table.name).toLowerCase(), table);
        return `${quoteId(table.sqliteName)} AS ${quoteId(r.alias ?? r.table.name)}`;
      }
      case 'derived':
        return `(${this.query(r.query)}) AS ${quoteId(r.alias)}`;
      case 'join':
        return this.join(r);
      case 'json_table':
        return `${JSON_TABLE_FUNCTION}(${this.expr(r.doc)}, ${quoteString(jsonTableSpec(r))}) AS ${quoteId(r.alias)}`;
    }
  }

  private join(r: TableRef & { kind: 'join' }): string {
    const type = r.type === 'STRAIGHT' ? 'INNER' : r.type;
    // `a LEFT JOIN (b JOIN c ON …) ON …`: a nested join on the right keeps its parentheses.
    const right = r.right.kind === 'join' ? `(${this.tableRef(r.right)})` : this.tableRef(r.right);
    let out = `${this.tableRef(r.left)} ${r.natural ? 'NATURAL ' : ''}${type} JOIN ${right}`;
    if (r.on) out += ' ON ' + this.expr(r.on);
    if (r.using) out += ` USING (${r.using.map(quoteId).join(', ')})`;
    return out;
  }

  /** A column's DEFAULT as SQLite SQL, for INSERT … DEFAULT and UPDATE … = DEFAULT. */
  defaultOf(table: TableDef, column: string): string {
    const def = findColumn(table, column);
    if (def.default === null || def.autoIncrement) return 'NULL';
    // Catalog defaults are inlined: their literals carry slots of the CREATE TABLE statement.
    return new ExpressionEmitter(this.options, 'all').expr(def.default);
  }

  /**
   * The value written into a column. `row` is the row's number for the store function's
   * messages: n > 0 for row n of a VALUES list, -1 for the column SQLite computes first in
   * each row (it counts the rows), 0 for the others.
   */
  value(table: TableDef, column: string, value: Expr, row: number | string): string {
    if (value.kind === 'default')
      return this.missing(table, column, row) ?? this.storedDefault(table, column, row);
    // A hex literal written into a numeric column is its number (0x11 is 17); into a BIT or
    // string column, its bytes.
    const type = findColumn(table, column).type.name;
    const sql =
      isHexLiteral(value) && NUMERIC_COLUMN_TYPES.has(type) && type !== 'BIT'
        ? this.hexNumber(value)
        : this.expr(value);
    // MySQL generates an AUTO_INCREMENT value for 0 as well as NULL.
    if (table.autoIncrement === column && !(value.kind === 'literal' && value.type === 'null'))
      return `NULLIF(${sql}, 0)`;
    const rule = storeRuleSql(table, findColumn(table, column), this.options.inlineRules);
    const stored = rule === null ? sql : `${STORE_VALUE_FUNCTION}(${sql}, ${rule}, ${row})`;
    return this.toUtc(table, column, stored);
  }

  /**
   * DEFAULT given for a column: its default expression; a temporal literal goes through the store
   * function, which writes it in its canonical form (`'2001-1-5'` as `2001-01-05`), as the
   * column's SQLite DEFAULT has it (DdlOptions.temporalDefault).
   */
  private storedDefault(table: TableDef, column: string, row: number | string): string {
    const sql = this.defaultOf(table, column);
    const def = findColumn(table, column);
    const d = def.default;
    if (d === null || d.kind !== 'literal' || d.type !== 'string') return sql;
    if (!TEMPORAL_DEFAULT_TYPES.has(def.type.name)) return sql;
    const rule = storeRuleSql(table, def, this.options.inlineRules);
    return rule === null ? sql : `${STORE_VALUE_FUNCTION}(${sql}, ${rule}, ${row})`;
  }

  /**
   * A TIMESTAMP is written in UTC: a value given in the session's time_zone is moved there. And
   * NULL given to a TIMESTAMP NOT NULL stores the current time, as MariaDB does in every mode
   * and whatever the column's DEFAULT (in UTC, as DEFAULT CURRENT_TIMESTAMP stores it).
   */
  toUtc(table: TableDef, column: string, sql: string): string {
    const def = findColumn(table, column);
    if (def.type.name !== 'TIMESTAMP') return sql;
    const zone = this.options.timeZone;
    const moved =
      zone === undefined || this.options.inlineRules === true
        ? sql
        : `${ZONE_TO_UTC_FUNCTION}(${sql}, ${quoteString(zone)})`;
    if (def.nullable !== false) return moved;
    const now =
      (def.type.length ?? 0) > 0 ? `strftime('%Y-%m-%d %H:%M:%f', 'now')` : 'CURRENT_TIMESTAMP';
    return `COALESCE(${moved}, ${now})`;
  }

  /**
   * The value of a NOT NULL column without a default that an INSERT leaves out (or gives
   * DEFAULT): MySQL's 1364 in strict mode, its implicit default with a warning otherwise.
   * Null when the column has a default (or is generated: AUTO_INCREMENT). A TIMESTAMP has no
   * implicit default (explicit_defaults_for_timestamp is ON, MariaDB 10.10's default).
   */
  missing(table: TableDef, column: string, row: number | string): string | null {
    const def = findColumn(table, column);
    if (def.nullable !== false || def.default !== null) return null;
    const rule = storeRuleSql(table, def, this.options.inlineRules);
    if (rule === null) return null;
    return `${STORE_VALUE_FUNCTION}(NULL, ${rule}, ${row}, 1)`;
  }

  /** MySQL's left-to-right SET values (inOrder), for emit-multi.ts. */
  inOrder(assignments: readonly Assignment[], table: string): Assignment[] {
    return inOrder(assignments, table);
  }

  /**
   * The SET list. The first store call counts the row (`-1`) unless the changed-rows guard
   * counts it (`counted`).
   */
  assignmentList(
    table: TableDef,
    given: readonly Assignment[],
    alias?: string,
    counted = false,
  ): string[] {
    const assignments = inOrder(given, alias ?? table.name);
    // SQLite computes an UPDATE's new values in the table's column order.
    const order = (a: Assignment): number => {
      const lower = a.column.column.toLowerCase();
      return table.columns.findIndex((c) => c.name.toLowerCase() === lower);
    };
    const first = assignments.reduce<Assignment | null>(
      (best, a) =>
        isGenerated(findColumn(table, a.column.column)) ||
        (best !== null && order(a) >= order(best))
          ? best
          : a,
      null,
    );
    const sets: string[] = [];
    for (const a of assignments) {
      if (isGenerated(findColumn(table, a.column.column))) {
        // `SET g = DEFAULT` leaves a generated column as SQLite computes it; a value is 1906
        // (DmlTranslation.generatedGiven).
        if (a.value.kind !== 'default') this.generatedGiven.push(a.column.column);
        continue;
      }
      // Counted by the guard: each store call names the number it gave the row.
      const row = counted
        ? `${ROW_OF_FUNCTION}(${quoteId(alias ?? table.name)}.rowid)`
        : a === first
          ? -1
          : 0;
      sets.push(
        `${quoteId(a.column.column)} = ${this.value(table, a.column.column, a.value, row)}`,
      );
    }
    if (sets.length === 0) {
      const plain = table.columns.find((c) => !isGenerated(c));
      if (plain !== undefined) sets.push(`${quoteId(plain.name)} = ${quoteId(plain.name)}`);
    }
    return sets;
  }

  /**
   * `NOT (…)`, true for a row the assignments change: each value as the column would store it
   * (through the store function, in a probe that holds its warnings) against the column's
   * (store-rule.ts, UNCHANGED_FUNCTION). Null when only generated columns are assigned. Emitted
   * after the WHERE, so that it runs last, on the matched rows only: it counts them. With
   * `firesAll` (UPDATE triggers) it is `mysql_changed(NOT (…))`, always true: it counts the
   * changed rows, and every matched row is written.
   */
  changedGuard(
    table: TableDef,
    given: readonly Assignment[],
    alias: string,
    firesAll = false,
  ): string | null {
    const assignments = inOrder(given, alias).filter(
      (a) => !isGenerated(findColumn(table, a.column.column)),
    );
    if (assignments.length === 0) return null;
    this.countsMatched = true;
    // A value with effects must run once: every matched row is written (and counted).
    if (assignments.some((a) => hasEffects(a.value))) return `${PROBE_FUNCTION}(2) IS NULL`;
    const guard = this.changeTest(table, assignments, alias, !firesAll);
    if (!firesAll) return guard;
    this.countsChanged = true;
    return `${CHANGED_FUNCTION}(${guard})`;
  }

  /**
   * With `firesAll`, an ON UPDATE CURRENT_TIMESTAMP column's value: the time on a changed row,
   * else the column as it is. (The change is tested again here: SQLite runs the WHERE of an
   * UPDATE with triggers over every row before it computes the first row's values.)
   */
  changedOnlyNow(
    table: TableDef,
    given: readonly Assignment[],
    alias: string,
    column: string,
    now: string,
  ): string {
    const assignments = inOrder(given, alias).filter(
      (a) => !isGenerated(findColumn(table, a.column.column)) && !hasEffects(a.value),
    );
    if (assignments.length === 0) return now;
    const changed = this.changeTest(table, assignments, alias, false, false);
    return `CASE WHEN ${changed} THEN ${now} ELSE ${quoteId(column)} END`;
  }

  /**
   * `NOT (mysql_unchanged(mysql_probe(first), c1, v1, 'affinity'[, 0]) AND …)`. `counting`: the
   * first probe counts the row; `keep`: a row left as it was gives the held warnings (its SET
   * will not run).
   */
  private changeTest(
    table: TableDef,
    assignments: readonly Assignment[],
    alias: string,
    keep: boolean,
    counting = true,
  ): string {
    const terms = assignments.map((a, i) => {
      const column = findColumn(table, a.column.column);
      const current = `${quoteId(alias)}.${quoteId(column.name)}`;
      const probe =
        i === 0 && counting
          ? `${PROBE_FUNCTION}(1, ${quoteId(alias)}.rowid)`
          : `${PROBE_FUNCTION}(0)`;
      const next = this.value(table, column.name, a.value, 0);
      const affinity = `'${sqliteType(column.type)}'`;
      return `${UNCHANGED_FUNCTION}(${probe}, ${current}, ${next}, ${affinity}${keep ? '' : ', 0'})`;
    });
    return `NOT (${terms.join(' AND ')})`;
  }

  /**
   * An upsert's SET list, and a WHERE that skips a row the assignments would not change: such a
   * row is not written (nor replicated) and counts as MySQL counts it (0, or 1 with
   * CLIENT_FOUND_ROWS), not as an update.
   */
  upsertAssignments(table: TableDef, given: readonly Assignment[]): string {
    // `g = DEFAULT` of a generated column changes nothing (assignmentList: a value is 1906).
    const assignments = given.filter(
      (a) => a.value.kind !== 'default' || !isGenerated(findColumn(table, a.column.column)),
    );
    if (assignments.length === 0) return this.assignmentList(table, given).join(', ');
    this.inUpsert = true;
    this.defaultsOf = table;
    const list = this.assignmentList(table, assignments).join(', ');
    const guard = this.expr(unchangedGuard(inOrder(assignments, table.name)));
    this.defaultsOf = null;
    this.inUpsert = false;
    return `${list} WHERE ${guard}`;
  }
}

/** The alias under which a recursive step reads its own CTE, or null when it does not. */
function selfAlias(refs: readonly TableRef[], name: string): string | null {
  for (const r of refs) {
    if (r.kind === 'join') {
      const found = selfAlias([r.left, r.right], name);
      if (found !== null) return found;
    } else if (r.kind === 'table' && r.table.db === null) {
      if (r.table.name.toLowerCase() === name.toLowerCase()) return r.alias ?? r.table.name;
    }
  }
  return null;
}

/**
 * The step's items with a `*` over the CTE itself (`*` when it reads only the CTE, `alias.*`)
 * spelled as its columns, which leaves the hidden depth out; null for a `*` over a join.
 */
function starsOverSelf(step: Select, alias: string, names: readonly string[]): SelectItem[] | null {
  const alone = step.from?.length === 1 && step.from[0]!.kind === 'table';
  const out: SelectItem[] = [];
  for (const i of step.items) {
    const self = i.kind === 'star' && i.table?.name.toLowerCase() === alias.toLowerCase();
    if (i.kind === 'star' && i.table === null && !alone) return null;
    if (i.kind !== 'star' || !(self || i.table === null)) {
      out.push(i);
      continue;
    }
    for (const name of names) {
      const expr: Expr = { kind: 'column', db: null, table: alias, column: name };
      out.push({ kind: 'item', expr, alias: null, name });
    }
  }
  return out;
}

/** The recursive step with its depth: one more than its source row's, below the bound. */
function withDepth(step: Select, alias: string): Select {
  const depth: Expr = { kind: 'column', db: null, table: alias, column: '~depth' };
  const one: Expr = { kind: 'literal', type: 'int', value: '1', slot: null, charset: '' };
  const bound: Expr = {
    kind: 'binary',
    op: '<',
    left: depth,
    right: { kind: 'system_var', name: 'max_recursive_iterations', scope: null },
  };
  return {
    ...step,
    items: [
      ...step.items,
      {
        kind: 'item',
        expr: { kind: 'binary', op: '+', left: depth, right: one },
        alias: '~depth',
        name: '~depth',
      },
    ],
    where:
      step.where === null ? bound : { kind: 'binary', op: 'AND', left: step.where, right: bound },
  };
}

function findColumn(table: TableDef, column: string): ColumnDef {
  const lower = column.toLowerCase();
  const def = table.columns.find((c) => c.name.toLowerCase() === lower);
  if (!def)
    throw new SqlFailure({
      kind: 'semantic',
      code: 1054,
      sqlState: '42S22',
      message: `Unknown column '${column}' in 'field list'`,
    });
  return def;
}

/** Each column named exists (1054) and is named once (1110). */
function checkColumns(table: TableDef, columns: readonly string[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    const name = findColumn(table, c).name.toLowerCase();
    if (seen.has(name))
      throw new SqlFailure({
        kind: 'semantic',
        code: 1110,
        sqlState: '42000',
        message: `Column '${c}' specified twice`,
      });
    seen.add(name);
  }
}

function emitInsert(e: DmlEmitter, s: Insert): string {
  const table = e.resolve(s.table);
  const inPlace = s.replace && s.onDuplicate === null && replacesInPlace(table, e.options.catalog);
  const verb = s.replace && !inPlace ? 'REPLACE' : s.ignore ? 'INSERT OR IGNORE' : 'INSERT';
  const head = `${verb} INTO ${quoteId(table.sqliteName)} AS ${quoteId(s.table.name)}`;
  const source = s.source;
  let columns = s.columns ?? table.columns.map((c) => c.name);
  let body: string;
  const bindsBefore = e.binds.length;
  if (source.kind === 'query') {
    // A query's column cannot be left out of its rows: 1906 in every mode (docs/design/sql.md).
    for (const c of columns) if (isGenerated(findColumn(table, c))) generatedRefused(table, c);
    body = insertQuery(e, table, columns, source.query, s.onDuplicate !== null || inPlace);
  } else {
    const rows = source.kind === 'values' ? source.rows : [source.assignments.map((a) => a.value)];
    if (source.kind === 'set') columns = source.assignments.map((a) => a.column.column);
    for (const c of columns) findColumn(table, c);
    // Columns left out that must be given a value (NOT NULL, no default) are written explicitly.
    const given = new Set(columns.map((c) => c.toLowerCase()));
    const left = table.columns
      .map((c) => c.name)
      .filter((c) => !given.has(c.toLowerCase()) && e.missing(table, c, 0) !== null);
    if (columns.length === 0 && left.length === 0 && rows.length === 1 && rows[0]!.length === 0)
      return `${head} DEFAULT VALUES`;
    // SQLite has no `VALUES (), ()`: rows of defaults name the first column, given DEFAULT.
    if (columns.length === 0 && left.length === 0) left.push(table.columns[0]!.name);
    const filled = left.length === 0 ? rows : rows.map((row) => [...row, ...left.map(defaultExpr)]);
    const computed = withoutGenerated(table, [...columns, ...left], filled, e.generatedGiven);
    const named = computed.columns;
    // DEFAULT(col) in a row names a column of the table written.
    e.defaultsOf = table;
    body = 'VALUES ' + computed.rows.map((row, i) => emitRow(e, table, named, row, i)).join(', ');
    e.defaultsOf = null;
    columns = named;
  }
  checkColumns(table, columns);
  const names = columns.map((_, i) => quoteId(`~s${i + 1}`)).join(', ');
  e.insertSource = {
    sql: `WITH "~src"(${names}) AS (${body}) SELECT * FROM "~src"`,
    binds: e.binds.slice(bindsBefore),
    columns,
  };
  let out = `${head} (${columns.map(quoteId).join(', ')}) ${body}`;
  if (s.onDuplicate) out += upsertClauses(e, table, s.onDuplicate);
  if (inPlace) out += replaceClause(table);
  return out + returningClause(e, table, s.returning, s.table.name);
}

/**
 * MariaDB's `RETURNING` as SQLite's: the values of each row as written (deleted), `*` spelled out
 * as the table's columns. SQLite allows no aggregate there, nor does MariaDB (1111).
 */
function returningClause(
  e: DmlEmitter,
  table: TableDef,
  items: readonly SelectItem[] | undefined,
  named = table.name,
): string {
  if (items === undefined) return '';
  const list = items.flatMap((item) => {
    if (item.kind === 'item' && aggregates(item.expr))
      throw new SqlFailure(semantic(1111, 'HY000', 'Invalid use of group function'));
    if (item.kind === 'item')
      return [e.selectItem({ ...item, expr: unqualified(item.expr, named.toLowerCase()) })];
    if (item.table !== null && item.table.name.toLowerCase() !== named.toLowerCase())
      throw new SqlFailure(semantic(1051, '42S02', `Unknown table '${item.table.name}'`));
    return table.columns.map((c) => quoteId(c.name));
  });
  return ' RETURNING ' + list.join(', ');
}

const defaultExpr = (): Expr => ({ kind: 'default' }) as Expr;

const isGenerated = (column: ColumnDef): boolean => (column.generated ?? null) !== null;

/** MariaDB's 1906, as an error: a generated column given by INSERT … SELECT. */
function generatedRefused(table: TableDef, column: string): never {
  throw new SqlFailure({
    kind: 'semantic',
    code: 1906,
    sqlState: 'HY000',
    message: `The value specified for generated column '${column}' in table '${table.name}' has been ignored`,
  });
}

/**
 * An INSERT's columns and rows without the generated columns, which SQLite computes and refuses
 * to be given: DEFAULT there is dropped, and so is any other value, noted in `given` (each row's
 * such column, in order: MariaDB's 1906, which the engine makes an error or a warning). A row of
 * the wrong length is left for emitRow's 1136. When nothing is left, the first other column
 * takes its DEFAULT.
 */
function withoutGenerated(
  table: TableDef,
  columns: readonly string[],
  rows: readonly (readonly Expr[])[],
  given: string[],
): { columns: readonly string[]; rows: readonly (readonly Expr[])[] } {
  const generated = columns.map((c) => isGenerated(findColumn(table, c)));
  if (!generated.includes(true)) return { columns, rows };
  if (rows.some((row) => row.length !== columns.length)) return { columns, rows };
  for (const row of rows)
    row.forEach((value, i) => {
      if (generated[i] === true && value.kind !== 'default') given.push(columns[i]!);
    });
  const keep = (_: unknown, i: number): boolean => generated[i] !== true;
  const kept = columns.filter(keep);
  if (kept.length > 0) return { columns: kept, rows: rows.map((row) => row.filter(keep)) };
  const plain = table.columns.find((c) => !isGenerated(c));
  if (plain === undefined) return { columns, rows };
  return { columns: [plain.name], rows: rows.map(() => [defaultExpr()]) };
}

/**
 * HAVING on a query that aggregates nothing filters its rows by the select list's names (SQLite
 * refuses it): the same filter as a WHERE over the items' expressions. A name outside the select
 * list is MariaDB's 1054 (unless `*` brings every column).
 */
function havingAsWhere(s: Select): Select {
  const items = new Map<string, Expr>();
  for (const item of s.items)
    if (item.kind === 'item') items.set(item.name.toLowerCase(), item.expr);
  const star = s.items.some((i) => i.kind === 'star');
  if (!star)
    for (const name of unqualifiedColumns(s.having))
      if (!items.has(name.toLowerCase()))
        throw new SqlFailure(semantic(1054, '42S22', `Unknown column '${name}' in 'HAVING'`));
  const filter = substitute(s.having, items, '') as Expr;
  const where: Expr =
    s.where === null ? filter : { kind: 'binary', op: 'AND', left: s.where, right: filter };
  return { ...s, where, having: null };
}

/** The names of unqualified column references outside subqueries. */
function unqualifiedColumns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(unqualifiedColumns);
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'column') {
    const ref = node as ColumnRef;
    return ref.table === null ? [ref.column] : [];
  }
  return Object.entries(record).flatMap(([key, child]) =>
    key === 'query' ? [] : unqualifiedColumns(child),
  );
}

/** A subquery of one item over tables, without anything that makes its rows an aggregate. */
function isPlainScalar(q: Query): boolean {
  if (q.kind !== 'select' || q.with !== undefined || q.from === null) return false;
  if (q.items.length !== 1 || q.items[0]!.kind !== 'item') return false;
  if (q.distinct || q.groupBy.length > 0 || q.having !== null || q.limit !== null) return false;
  if (q.withRollup || (q.windows?.length ?? 0) > 0 || q.into !== undefined) return false;
  return !aggregates(q.items[0]!.expr);
}

/**
 * Whether a one-column scalar subquery that is not plain may find two rows: a UNION, or a
 * SELECT from tables with GROUP BY, DISTINCT, LIMIT or a window call, or without an aggregate.
 */
function mayFindRows(q: Query): boolean {
  const first = firstSelect(q);
  if (first.items.length !== 1 || first.items[0]!.kind !== 'item') return false;
  if (q.kind === 'union') return true;
  if (q.from === null || q.into !== undefined) return false;
  if (q.groupBy.length > 0 || q.distinct || q.limit !== null || windowed(q.items)) return true;
  return !aggregates(q.items);
}

/** Whether an expression holds a window call outside its subqueries. */
function windowed(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(windowed);
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'call' && record['over'] !== undefined) return true;
  return Object.entries(record).some(([key, child]) => key !== 'query' && windowed(child));
}

/**
 * An expression with its references to the target (`t.c`, `db.t.c`) unqualified outside
 * subqueries: SQLite's RETURNING knows the target's columns only by their bare names.
 */
function unqualified<T>(node: T, target: string): T {
  if (Array.isArray(node)) return node.map((child: unknown) => unqualified(child, target)) as T;
  if (node === null || typeof node !== 'object' || Buffer.isBuffer(node)) return node;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'column' && String(record['table']).toLowerCase() === target)
    return { ...record, db: null, table: null } as T;
  const entries = Object.entries(record).map(([key, child]) =>
    key === 'query' ? [key, child] : [key, unqualified(child, target)],
  );
  return Object.fromEntries(entries) as T;
}

/** Whether an expression holds an aggregate or window call outside its subqueries. */
function aggregates(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(aggregates);
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'call') {
    const call = node as Extract<Expr, { kind: 'call' }>;
    if (call.over !== undefined || AGGREGATES.has(FUNCTION_ALIASES[call.name] ?? call.name))
      return true;
  }
  return Object.entries(record).some(([key, child]) => key !== 'query' && aggregates(child));
}

/**
 * InnoDB replaces a row in place when the primary key is the table's only unique key: a row
 * REPLACE leaves as it was counts 1, a changed one 2. SQLite's REPLACE always deletes and inserts
 * (2), so such a REPLACE is an upsert of every column that skips an unchanged row. With other
 * unique keys, REPLACE deletes every row it meets, as MySQL does. A table with foreign keys, or
 * one they refer to, is not replaced in place either: InnoDB deletes the old row there, so a
 * referenced row gives 1451 or fires its ON DELETE action.
 */
function replacesInPlace(table: TableDef, catalog: Catalog): boolean {
  return (
    table.primaryKey.length > 0 &&
    // A primary key over prefixes (its own index) is met by rows of another whole value.
    table.indexes.every(
      (i) => i.kind !== 'unique' && !(i.kind === 'primary' && i.sqliteName !== null),
    ) &&
    table.foreignKeys.length === 0 &&
    referencesTo(catalog, table).length === 0
  );
}

function replaceClause(table: TableDef): string {
  const key = new Set(table.primaryKey.map((c) => c.toLowerCase()));
  const others = table.columns.filter((c) => !key.has(c.name.toLowerCase()) && !isGenerated(c));
  const target = `ON CONFLICT (${table.primaryKey.map(quoteId).join(', ')})`;
  if (others.length === 0) return ` ${target} DO NOTHING`;
  const sets = others.map((c) => `${quoteId(c.name)} = excluded.${quoteId(c.name)}`);
  const same = others.map((c) => `${quoteId(c.name)} IS excluded.${quoteId(c.name)}`);
  return ` ${target} DO UPDATE SET ${sets.join(', ')} WHERE NOT (${same.join(' AND ')})`;
}

/**
 * MySQL assigns a SET list left to right: a column read after it was assigned reads its new
 * value (`SET a = a + 1, b = a` sets b to the new a). SQLite reads every column's old value, so
 * each reference to a column assigned earlier is replaced by the value assigned to it.
 * References inside subqueries name their own tables and are kept.
 */
export function inOrder(assignments: readonly Assignment[], table: string): Assignment[] {
  const assigned = new Map<string, Expr>();
  const target = table.toLowerCase();
  const out: Assignment[] = [];
  for (const a of assignments) {
    const value = assigned.size === 0 ? a.value : (substitute(a.value, assigned, target) as Expr);
    out.push(value === a.value ? a : { ...a, value });
    assigned.set(a.column.column.toLowerCase(), value);
  }
  return out;
}

function substitute(node: unknown, assigned: ReadonlyMap<string, Expr>, table: string): unknown {
  if (Array.isArray(node)) {
    let changed = false;
    const items = node.map((item) => {
      const next = substitute(item, assigned, table);
      changed ||= next !== item;
      return next;
    });
    return changed ? items : node;
  }
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'column') {
    const ref = node as ColumnRef;
    const value = assigned.get(ref.column.toLowerCase());
    if (value !== undefined && (ref.table === null || ref.table.toLowerCase() === table))
      return value;
    return node;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, child] of Object.entries(record)) {
    if (key === 'query') continue;
    const next = substitute(child, assigned, table);
    if (next !== child) (copy ??= { ...record })[key] = next;
  }
  return copy ?? node;
}

/** `NOT (c1 <=> v1 AND …)`: true for a row the assignments change. */
export function unchangedGuard(assignments: readonly Assignment[], table?: TableDef): Expr {
  // A text column changes when its bytes do: 'a' → 'A' is a change under a _ci collation too.
  const binary = (column: string): boolean => {
    const type = table?.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())?.type;
    return type !== undefined && isTextType(type) && type.name !== 'ENUM' && type.name !== 'SET';
  };
  const unchanged = assignments
    .map((a): Expr => {
      if (!binary(a.column.column))
        return { kind: 'binary', op: '<=>', left: a.column, right: a.value };
      const left: Expr = { kind: 'unary', op: 'BINARY', operand: a.column };
      return {
        kind: 'binary',
        op: '<=>',
        left,
        right: { kind: 'unary', op: 'BINARY', operand: a.value },
      };
    })
    .reduce((l, r): Expr => ({ kind: 'binary', op: 'AND', left: l, right: r }));
  return { kind: 'unary', op: 'NOT', operand: unchanged };
}

/**
 * INSERT … SELECT: the query's rows go through the store function like VALUES rows. The query
 * becomes a CTE with positional column names (`"~1"`, …) and the outer SELECT wraps each one;
 * `WHERE true` keeps SQLite's upsert parsing rule when ON DUPLICATE KEY follows.
 */
function insertQuery(
  e: DmlEmitter,
  table: TableDef,
  columns: readonly string[],
  query: Query,
  upsert: boolean,
): string {
  const sql = e.query(query);
  const first = query.kind === 'select' ? query : null;
  if (first !== null && first.items.every((i) => i.kind === 'item'))
    if (first.items.length !== columns.length)
      throw new SqlFailure({
        kind: 'semantic',
        code: 1136,
        sqlState: '21S01',
        message: "Column count doesn't match value count at row 1",
      });
  const rules = columns.map((c) =>
    storeRuleSql(table, findColumn(table, c), e.options.inlineRules),
  );
  if (rules.every((r) => r === null)) return upsert ? `SELECT * FROM (${sql}) WHERE true` : sql;
  const names = columns.map((_, i) => quoteId(`~${i + 1}`));
  // A SELECT computes its columns in list order: the first checked one counts the rows.
  const counted = rules.findIndex((r) => r !== null);
  const items = names.map((name, i) => {
    const rule = rules[i];
    const stored =
      rule === null || rule === undefined
        ? name
        : `${STORE_VALUE_FUNCTION}(${name}, ${rule}, ${i === counted ? -1 : 0})`;
    return e.toUtc(table, columns[i]!, stored);
  });
  return (
    `WITH "~source" (${names.join(', ')}) AS (${sql}) SELECT ${items.join(', ')} FROM "~source"` +
    (upsert ? ' WHERE true' : '')
  );
}

function emitRow(
  e: DmlEmitter,
  table: TableDef,
  columns: readonly string[],
  row: readonly Expr[],
  index: number,
): string {
  if (row.length !== columns.length)
    throw new SqlFailure({
      kind: 'semantic',
      code: 1136,
      sqlState: '21S01',
      message: `Column count doesn't match value count at row ${index + 1}`,
    });
  return '(' + row.map((v, i) => e.value(table, columns[i]!, v, index + 1)).join(', ') + ')';
}

// One ON CONFLICT clause per unique key: MySQL updates whichever key collided.
function upsertClauses(e: DmlEmitter, table: TableDef, assignments: readonly Assignment[]): string {
  const keys = table.indexes.filter((i) => i.kind === 'primary' || i.kind === 'unique');
  let out = '';
  for (const key of keys) {
    // A primary key over prefixes: SQLite's key on the whole columns may meet the row first.
    if (key.kind === 'primary' && key.sqliteName !== null)
      out += ` ON CONFLICT (${table.primaryKey.map(quoteId).join(', ')}) DO UPDATE SET ${e.upsertAssignments(table, assignments)}`;
    const target = key.columns.map((c) => indexPartSql(table, c)).join(', ');
    out += ` ON CONFLICT (${target}) DO UPDATE SET ${e.upsertAssignments(table, assignments)}`;
  }
  return out;
}

function emitUpdate(e: DmlEmitter, s: Update): string {
  return e.withColumns(e.sourceTables([s.table]), () => emitUpdateIn(e, s));
}

function emitUpdateIn(e: DmlEmitter, s: Update): string {
  const table = e.resolve(s.table.table);
  const alias = quoteId(s.table.alias ?? s.table.table.name);
  const named = s.table.alias ?? s.table.table.name;
  const sets = e.assignmentList(table, s.assignments, named, s.changedOnly === true);
  const assigned = new Set(s.assignments.map((a) => a.column.column.toLowerCase()));
  for (const c of table.columns) {
    if (c.onUpdateNow === null || assigned.has(c.name.toLowerCase())) continue;
    const now = `mysql_now(${c.onUpdateNow})`;
    // Every matched row is written (triggers): the time moves on the changed ones only.
    const value =
      s.firesAll === true ? e.changedOnlyNow(table, s.assignments, named, c.name, now) : now;
    sets.push(`${quoteId(c.name)} = ${value}`);
  }
  const verb = s.ignore ? 'UPDATE OR IGNORE' : 'UPDATE';
  const head = `${verb} ${quoteId(table.sqliteName)} AS ${alias} SET ${sets.join(', ')}`;
  // The guard comes last in the text (its parameters are bound after the WHERE's) and in the
  // WHERE (SQLite tests a table's terms in their order: it sees only the matched rows).
  // SQLite tests a correlated subquery's term after the others: such a WHERE picks its rowids
  // first, so that the guard still sees the matched rows only.
  const filter =
    s.changedOnly === true && hasSubquery(s.where)
      ? ` WHERE rowid IN (SELECT rowid FROM ${quoteId(table.sqliteName)} AS ${alias}${rowFilter(e, table, alias, s)})`
      : rowFilter(e, table, alias, s);
  const guard =
    s.changedOnly === true
      ? e.changedGuard(table, s.assignments, named, s.firesAll === true)
      : null;
  if (guard === null) return head + filter;
  if (filter === '') return `${head} WHERE ${guard}`;
  return `${head} WHERE (${filter.slice(' WHERE '.length)}) AND ${guard}`;
}

// SQLite lacks UPDATE/DELETE … ORDER BY … LIMIT (without a compile option): pick the rowids.
function rowFilter(e: DmlEmitter, table: TableDef, alias: string, s: Update | Delete): string {
  const where = s.where ? e.expr(s.where) : null;
  if (s.orderBy.length === 0 && s.limit === null) return where === null ? '' : ` WHERE ${where}`;
  let inner = `SELECT rowid FROM ${quoteId(table.sqliteName)} AS ${alias}`;
  if (where !== null) inner += ` WHERE ${where}`;
  if (s.orderBy.length > 0) inner += ' ORDER BY ' + e.orderList(s.orderBy);
  if (s.limit !== null) inner += ' LIMIT ' + e.expr(s.limit);
  return ` WHERE rowid IN (${inner})`;
}

function emitDelete(e: DmlEmitter, s: Delete): string {
  const table = e.resolve(s.table.table);
  const alias = quoteId(s.table.alias ?? s.table.table.name);
  const named = s.table.alias ?? s.table.table.name;
  const filter = e.withColumns(e.sourceTables([s.table]), () => rowFilter(e, table, alias, s));
  return (
    `DELETE FROM ${quoteId(table.sqliteName)} AS ${alias}` +
    filter +
    returningClause(e, table, s.returning, named)
  );
}

export type DmlStatement = Query | Insert | Update | Delete;

/** Whether a statement assigns a user variable anywhere (`@v := …`, subqueries included). */
function assigns(node: unknown): boolean {
  // Every statement is walked once when translated: loops, no arrays of values.
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return false;
  if (Array.isArray(node)) {
    for (const item of node) if (assigns(item)) return true;
    return false;
  }
  const fields = node as Record<string, unknown>;
  if (fields['kind'] === 'assign') return true;
  for (const key in fields) {
    const value = fields[key];
    if (value !== null && typeof value === 'object' && assigns(value)) return true;
  }
  return false;
}

function hasInto(q: Query): boolean {
  return q.kind === 'select' ? q.into !== undefined : hasInto(q.left) || hasInto(q.right);
}

/** The first SELECT of a query: where SQL_CALC_FOUND_ROWS is written. */
function firstSelect(q: Query): Select {
  return q.kind === 'select' ? q : firstSelect(q.left);
}

/**
 * SQL_CALC_FOUND_ROWS's count (the query without its LIMIT, counted) for a caller that handles
 * it; INTO and SQL_CALC_FOUND_ROWS are refused for one that does not.
 */
function selectExtras(
  q: Query,
  options: EmitOptions,
  pinned: ReadonlySet<number> | 'all',
): DmlTranslation['foundRows'] | null {
  const first = firstSelect(q);
  const into = q.kind === 'select' ? q.into : undefined;
  if (q.kind === 'union' && hasInto(q))
    throw new SqlFailure(unsupported('SELECT … INTO with UNION'));
  if (into !== undefined && options.selectExtras !== true)
    throw new SqlFailure(unsupported('SELECT … INTO'));
  if (first.calcFoundRows !== true) return null;
  if (options.selectExtras !== true) throw new SqlFailure(unsupported('SQL_CALC_FOUND_ROWS'));
  const counter = new DmlEmitter(options, pinned);
  const all: Query =
    q.kind === 'select'
      ? { ...q, limit: null, orderBy: [], lock: null }
      : { ...q, limit: null, orderBy: [], lock: null };
  return { sql: `SELECT count(*) FROM (${counter.query(all)})`, binds: counter.binds };
}

/**
 * A view's result column names, checked as MariaDB checks CREATE VIEW (the SELECT must
 * translate: 1146 for a missing table, 1054 for a missing column).
 */
export function viewColumns(query: Query, options: EmitOptions): Result<string[]> {
  const e = new DmlEmitter(options, 'all');
  try {
    e.query(query);
    return ok(e.resultNames(query));
  } catch (error) {
    if (error instanceof SqlFailure) return fail(error.error);
    throw error;
  }
}

/** A statement that runs as steps: its second step (the join) stands as its SQL. */
function stepsTranslation(
  e: DmlEmitter,
  kind: 'update' | 'delete',
  plan: MultiPlan,
): DmlTranslation {
  const join = plan.steps[1]!;
  return {
    kind,
    sql: join.sql,
    binds: join.binds,
    lock: null,
    target: plan.targets[0] ?? null,
    tables: e.tables,
    steps: plan.steps,
    targets: plan.targets,
    ...(e.effects ? { effects: true } : {}),
  };
}

/** Translates one DML statement; `pinned` lists the slots to inline (from the parse). */
const INT64_MAX = 9223372036854775807n;

/** `ORDER BY 3` names the third item of the select list: past its end, MariaDB answers 1054. */
function checkPositions(s: Select, items: readonly OrderItem[], clause: string): void {
  if (s.items.some((i) => i.kind === 'star')) return;
  for (const item of items) {
    const e = item.expr;
    if (e.kind !== 'literal' || e.type !== 'int') continue;
    const position = BigInt(e.value ?? '0');
    if (position < 1n || position > BigInt(s.items.length))
      throw new SqlFailure(semantic(1054, '42S22', `Unknown column '${e.value}' in '${clause}'`));
  }
}

export function emitDml(
  original: DmlStatement,
  options: EmitOptions,
  pinned: ReadonlySet<number> | 'all',
): Result<DmlTranslation> {
  const e = new DmlEmitter(options, pinned);
  e.liveUserVars = assigns(original);
  let statement = original;
  try {
    let sql: string;
    let target: TableDef | null = null;
    let lock: LockMode = null;
    let foundRows: DmlTranslation['foundRows'] | null = null;
    // A join view as the target: the multi-table UPDATE, or the INSERT into one base table, that
    // it stands for.
    if (
      statement.kind === 'insert' ||
      ((statement.kind === 'update' || statement.kind === 'delete') &&
        statement.multi === undefined)
    ) {
      const view = e.view(statement.kind === 'insert' ? statement.table : statement.table.table);
      const joined =
        view === undefined || view.updatable !== null
          ? null
          : joinViewTarget(statement, view, (name) =>
              options.catalog.table(name.db ?? '', name.name)?.columns.map((c) => c.name),
            );
      if (joined !== null) statement = joined;
    }
    if (
      (statement.kind === 'update' || statement.kind === 'delete') &&
      statement.multi !== undefined
    ) {
      const merged = viewsAsBase(statement, (name) => e.view(name));
      // Only a JSON_TABLE's columns need the scope here (they are c0… to SQLite).
      const jsonTables = new Map(
        [...e.sourceTables(merged.multi!.refs)].filter(([, t]) => isJsonTableDef(t)),
      );
      const plan = e.withColumns(jsonTables, () =>
        merged.kind === 'update' ? emitMultiUpdate(e, merged) : emitMultiDelete(e, merged),
      );
      return ok(stepsTranslation(e, statement.kind, plan));
    }
    if (statement.kind === 'insert' || statement.kind === 'update' || statement.kind === 'delete') {
      const target = statement.kind === 'insert' ? statement.table : statement.table.table;
      const view = e.view(target);
      if (view !== undefined) statement = viewTarget(statement, view);
    }
    switch (statement.kind) {
      case 'select':
      case 'union':
        sql = e.query(statement);
        lock = statement.lock;
        foundRows = selectExtras(statement, options, pinned);
        break;
      case 'insert':
        sql = emitInsert(e, statement);
        target = e.tables[0] ?? null;
        break;
      case 'update': {
        const table = e.resolve(statement.table.table);
        if (statement.orderBy.length > 0 && assignsUniqueKey(table, statement))
          return ok(stepsTranslation(e, 'update', emitOrderedUpdate(e, statement, table)));
        sql = emitUpdate(e, statement);
        target = e.tables[0] ?? null;
        break;
      }
      case 'delete':
        sql = emitDelete(e, statement);
        target = e.tables[0] ?? null;
        break;
    }
    const kind = statement.kind === 'union' ? 'select' : statement.kind;
    const translation: DmlTranslation = {
      kind,
      sql,
      binds: e.binds,
      lock,
      target,
      tables: e.tables,
      ...(e.effects ? { effects: true } : {}),
      ...(e.generatedGiven.length > 0 ? { generatedGiven: e.generatedGiven } : {}),
      ...(e.insertSource === null ? {} : { source: e.insertSource }),
      ...(e.countsMatched ? { countsMatched: true } : {}),
      ...(e.countsChanged ? { countsChanged: true } : {}),
    };
    return ok(foundRows === null ? translation : { ...translation, foundRows });
  } catch (error) {
    if (error instanceof SqlFailure) return fail(error.error);
    throw error;
  }
}
