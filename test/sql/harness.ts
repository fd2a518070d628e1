// Shared fixture for the SQL tests: a real in-memory SQLite database, a catalog and a statement
// cache, wired the way the store and the MySQL layer will wire them.
import { SqliteDatabase as Database } from '../../src/storage/sqlite.js';
import { userFunctions } from '../../src/engine/functions.js';
import { arithmeticFunctions } from '../../src/engine/arithmetic.js';
import assert from 'node:assert/strict';
import {
  type DdlPlan,
  MemoryCatalog,
  type SessionValues,
  type SqlError,
  type SqlValue,
  StatementCache,
  bindValues,
  emitDdl,
  parse,
  translate,
} from '../../src/sql/index.js';
import { expressionFunctions } from '../../src/engine/expression-warnings.js';
import { castDecimalFunction } from '../../src/engine/functions.js';
import { decimalFunctions } from '../../src/engine/decimal.js';

export const SBTEST_CREATE = `CREATE TABLE sbtest1(
  id INTEGER NOT NULL AUTO_INCREMENT,
  k INTEGER DEFAULT '0' NOT NULL,
  c CHAR(120) DEFAULT '' NOT NULL,
  pad CHAR(60) DEFAULT '' NOT NULL,
  PRIMARY KEY (id)
) /*! ENGINE = innodb */`;

type Row = Record<string, unknown>;

export class Harness {
  readonly db = new Database(':memory:');
  readonly catalog = new MemoryCatalog();
  readonly cache = new StatementCache();
  database: string | null = 'sbtest';
  readonly userVariables = new Map<string, SqlValue>();
  readonly session: SessionValues = {
    session: (name) =>
      name === 'database' ? this.database : name === 'version' ? '10.11.19-MariaDB' : null,
    systemVariable: (name) => (name === 'version_comment' ? 'trireme' : null),
    userVariable: (name) => this.userVariables.get(name) ?? null,
  };

  constructor() {
    this.catalog.addDatabase('sbtest');
    // Stand-ins for the user functions another module registers.
    this.db.function('mysql_now', { varargs: true }, () => '2026-11-25 12:00:00');
    // The engine's store function checks and converts per sql_mode; here values pass as given.
    this.db.function('mysql_store_value', { varargs: true }, (value: unknown) => value);
    // A scalar subquery's one value (the engine's refuses a second row with 1242).
    this.db.aggregate('mysql_single_value', {
      start: null,
      step: (_seen: unknown, value: unknown) => value,
    });
    // MariaDB's case mapping is the engine's (SQLite's lower() and upper() know only ASCII).
    for (const f of userFunctions())
      if (f.name === 'mysql_lower' || f.name === 'mysql_upper')
        this.db.function(f.name, { varargs: true, deterministic: true }, f.fn);
    // JSON_TABLE's rows (engine/json-table.ts), a table-valued function.
    for (const f of userFunctions())
      if (f.table !== undefined)
        this.db.table(f.name, {
          columns: [...f.table.columns],
          parameters: [...f.table.parameters],
          rows: f.table.rows as (...args: unknown[]) => Generator<unknown[]>,
        });
    // The engine's conversions that warn (1292, 1365); outside a statement they only convert.
    for (const f of [...expressionFunctions(), castDecimalFunction(), ...decimalFunctions()])
      if (f.aggregate === undefined)
        this.db.function(f.name, { varargs: true, deterministic: f.deterministic }, f.fn as never);
    // Checked arithmetic (1690) reads integers exactly, as the store registers it.
    for (const f of arithmeticFunctions())
      this.db.function(
        f.name,
        { varargs: true, deterministic: f.deterministic, safeIntegers: true },
        f.fn as never,
      );
    this.db.function('regexp', (pattern: unknown, value: unknown) =>
      new RegExp(String(pattern), 'i').test(String(value)) ? 1 : 0,
    );
  }

  ddlPlan(sql: string): DdlPlan | SqlError {
    const parsed = parse(sql);
    if (!parsed.ok) return parsed.error;
    const plan = emitDdl(parsed.value.statement, {
      catalog: this.catalog,
      database: this.database,
    });
    return plan.ok ? plan.value : plan.error;
  }

  /** Runs DDL: its SQLite statements, then its catalog changes. */
  ddl(sql: string): DdlPlan {
    const plan = this.ddlPlan(sql);
    assert.ok('statements' in plan, `DDL failed: ${sql}: ${JSON.stringify(plan)}`);
    this.db.transaction(() => {
      for (const statement of plan.statements) this.db.exec(statement);
    })();
    for (const change of plan.changes) {
      if (change.kind === 'put_table') this.catalog.put(change.table);
      else if (change.kind === 'drop_table') this.catalog.remove(change.db, change.name);
      else if (change.kind === 'create_database') this.catalog.addDatabase(change.name);
      else if (change.kind === 'drop_database') this.catalog.dropDatabase(change.name);
    }
    return plan;
  }

  /** Translates a DML statement and returns the SQLite SQL with its bound values. */
  translate(sql: string, params: readonly SqlValue[] = []): { sql: string; values: SqlValue[] } {
    const prepared = this.cache.prepare(sql);
    assert.ok(prepared.ok, `prepare failed: ${sql}: ${JSON.stringify(prepared)}`);
    const translation = translate(prepared.value, this.catalog, this.database);
    assert.ok(translation.ok, `translate failed: ${sql}: ${JSON.stringify(translation)}`);
    return {
      sql: translation.value.sql,
      values: bindValues(translation.value, prepared.value, params, this.session),
    };
  }

  query(sql: string, params: readonly SqlValue[] = []): Row[] {
    const t = this.translate(sql, params);
    return this.db.prepare(t.sql).all(...t.values) as Row[];
  }

  /** Runs a write; a multi-table one runs its steps and counts the rows its writes changed. */
  run(sql: string, params: readonly SqlValue[] = []): number {
    const prepared = this.cache.prepare(sql);
    assert.ok(prepared.ok, `prepare failed: ${sql}: ${JSON.stringify(prepared)}`);
    const translation = translate(prepared.value, this.catalog, this.database);
    assert.ok(translation.ok, `translate failed: ${sql}: ${JSON.stringify(translation)}`);
    const t = translation.value;
    const steps = t.steps ?? [{ sql: t.sql, binds: t.binds, role: 'changed' as const }];
    let changed = 0;
    for (const step of steps) {
      const values = bindValues({ ...t, binds: step.binds }, prepared.value, params, this.session);
      const statement = this.db.prepare(step.sql);
      if (statement.reader) statement.all(...values);
      else if (step.role === 'changed') changed += statement.run(...values).changes;
      else statement.run(...values);
    }
    return changed;
  }

  error(sql: string): SqlError {
    const prepared = this.cache.prepare(sql);
    if (!prepared.ok) return prepared.error;
    const translation = translate(prepared.value, this.catalog, this.database);
    assert.ok(!translation.ok, `expected an error for ${sql}`);
    return translation.error;
  }

  /** sysbench's table with `rows` rows: k = id % 7, c = 'c-<id>', pad = 'p'. */
  sbtest(rows: number): void {
    this.ddl(SBTEST_CREATE);
    this.ddl('CREATE INDEX k_1 ON sbtest1(k)');
    for (let id = 1; id <= rows; id++)
      this.run('INSERT INTO sbtest1 (id, k, c, pad) VALUES (?, ?, ?, ?)', [
        id,
        id % 7,
        `c-${id}`,
        'p',
      ]);
  }
}
