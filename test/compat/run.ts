// Runs compat cases on one server through mysql2 and records each answer in a comparable form:
// values as the wire's text, column names and types, affected rows, insert id, SHOW WARNINGS,
// error codes. Two servers' answers to a case are identical when their JSON is.
import mysql from 'mysql2/promise';
import type { CompatCase, Step } from './case.js';

export interface FieldAnswer {
  readonly name: string;
  readonly type: string;
  readonly unsigned?: true;
  readonly binary?: true;
}

export interface StepAnswer {
  readonly error?: number;
  readonly fields?: readonly FieldAnswer[];
  readonly rows?: readonly (readonly (string | null)[])[];
  readonly affectedRows?: number;
  readonly insertId?: number;
  readonly warnings: readonly string[];
}

export interface CaseAnswer {
  readonly setupError?: string;
  readonly steps: readonly StepAnswer[];
}

const STATEMENT_TIMEOUT_MS = 15_000;
const UNSIGNED_FLAG = 32;
const BINARY_CHARSET = 63;

// mysql2's column type numbers (protocol_binary::MYSQL_TYPE_*) by name, for readable answers.
const TYPE_NAMES = new Map<number, string>(
  Object.entries(mysql.Types as unknown as Record<string, number>).map(([k, v]) => [v, k]),
);

/** Values as the text the server sent (text protocol) or its plain rendering (binary). */
function typeCast(field: { buffer(): Buffer | null }): string | null {
  const bytes = field.buffer();
  return bytes === null ? null : bytes.toString('utf8');
}

function render(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | bigint | boolean);
}

const READ_ONLY = /^\s*\(*\s*(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN|VALUES)\b/i;
const SESSION_CHANGE = /@\w+\s*:=|^\s*(SET|USE|BEGIN|START|LOCK)\b/i;

function stepText(step: Step): string {
  return typeof step === 'string' ? step : step.sql;
}

const SET = /^\s*SET\b/i;
const TRANSACTION = /^\s*(BEGIN|START|COMMIT|ROLLBACK|SAVEPOINT|LOCK|UNLOCK)\b/i;

/**
 * True when the next case with the same setup may reuse the tables this one ran on: its steps
 * change neither tables nor session, and its setup is tables, rows and SET statements (which a
 * new session replays), without transactions.
 */
function reusable(c: CompatCase): boolean {
  const steps = c.steps.map(stepText);
  return (
    steps.every((s) => READ_ONLY.test(s) && !SESSION_CHANGE.test(s)) &&
    c.setup.every((s) => !TRANSACTION.test(s))
  );
}

export class CaseRunner {
  private connection: mysql.Connection | null = null;
  private admin: mysql.Connection | null = null;
  private binary = false;
  private setupKey: string | null = null;

  constructor(
    private readonly port: number,
    private readonly database: string,
  ) {}

  async run(c: CompatCase): Promise<CaseAnswer> {
    const key = JSON.stringify(c.setup);
    if (this.connection !== null && this.setupKey === key) {
      // The tables are as the setup left them; a new session, given the setup's SET statements,
      // keeps the previous case's warnings and variables out of this one.
      await this.close();
      this.connection = await this.connect(this.database);
      const setupError = await this.setup(c.setup.filter((sql) => SET.test(sql)));
      if (setupError !== undefined) return { setupError, steps: [] };
    } else {
      await this.reset();
      const setupError = await this.setup(c.setup);
      if (setupError !== undefined) {
        this.setupKey = null;
        return { setupError, steps: [] };
      }
    }
    const steps: StepAnswer[] = [];
    for (const step of c.steps) steps.push(await this.step(step));
    this.setupKey = reusable(c) ? key : null;
    return { steps };
  }

  /** Ends the case's connection; `all` ends the reset connection too. */
  async close(all = false): Promise<void> {
    await this.connection?.end().catch(() => undefined);
    this.connection = null;
    if (!all) return;
    await this.admin?.end().catch(() => undefined);
    this.admin = null;
  }

  /**
   * A new connection on an empty database of this runner's name. The tables are dropped from a
   * second, long-lived connection, so no warning of the reset is left in the case's session,
   * and the database itself is created once (dropping and creating it per case doubled the DDL).
   */
  private async reset(): Promise<void> {
    await this.close();
    if (this.admin === null) {
      this.admin = await this.connect(undefined);
      await this.admin.query(`DROP DATABASE IF EXISTS ${this.database}`);
      await this.admin.query(`CREATE DATABASE ${this.database}`);
      await this.admin.query(`USE ${this.database}`);
      await this.admin.query('SET FOREIGN_KEY_CHECKS = 0');
    } else {
      // Views first: DROP TABLE refuses a view (1965).
      const [rows] = await this.admin.query('SHOW FULL TABLES');
      const named = (type: string): string[] =>
        (rows as string[][])
          .filter((r) => (r[1] === 'VIEW') === (type === 'VIEW'))
          .map((r) => `\`${r[0]}\``);
      const views = named('VIEW');
      if (views.length > 0) await this.admin.query(`DROP VIEW ${views.join(', ')}`);
      const tables = named('BASE TABLE');
      if (tables.length > 0) await this.admin.query(`DROP TABLE ${tables.join(', ')}`);
    }
    this.connection = await this.connect(this.database);
  }

  private connect(database: string | undefined): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      database,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      rowsAsArray: true,
      typeCast: (field: mysql.TypeCastField, next: () => unknown) =>
        this.binary ? next() : typeCast(field),
    });
  }

  private async setup(statements: readonly string[]): Promise<string | undefined> {
    for (const [i, sql] of statements.entries()) {
      try {
        await this.connection!.query({ sql, timeout: STATEMENT_TIMEOUT_MS });
      } catch (error) {
        const errno = (error as { errno?: number }).errno;
        if (errno === undefined) await this.close();
        return `setup ${i} failed: ${errno ?? (error as Error).message}`;
      }
    }
    return undefined;
  }

  private async step(step: Step): Promise<StepAnswer> {
    if (this.connection === null) await this.reset();
    const c = this.connection!;
    let answer: Omit<StepAnswer, 'warnings'>;
    try {
      const [result, fields] =
        typeof step === 'string' || !('params' in step)
          ? await c.query({ sql: stepText(step), timeout: STATEMENT_TIMEOUT_MS })
          : await this.execute(c, step.sql, step.params);
      answer = describe(result, fields);
      if (typeof step !== 'string' && 'typesOnly' in step) answer = { fields: answer.fields };
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno === undefined) {
        // A timeout or a lost connection: the answer is that, and the next case reconnects.
        await this.close();
        return { error: -1, warnings: [(error as Error).message] };
      }
      // COMPAT_DEBUG=1 prints the message of each internal error (1105), which hides a bug.
      if (errno === 1105 && process.env['COMPAT_DEBUG'] === '1')
        console.error(`compat: 1105 on port ${this.port}: ${(error as Error).message}`);
      answer = { error: errno };
    }
    return { ...answer, warnings: await this.warnings() };
  }

  /** A prepared statement; its binary rows are decoded by mysql2, not read as raw text. */
  private async execute(
    c: mysql.Connection,
    sql: string,
    params: readonly unknown[],
  ): Promise<[unknown, unknown]> {
    this.binary = true;
    try {
      return await c.execute({ sql, timeout: STATEMENT_TIMEOUT_MS }, params as never);
    } finally {
      this.binary = false;
    }
  }

  private async warnings(): Promise<string[]> {
    try {
      const [rows] = await this.connection!.query('SHOW WARNINGS');
      // Rows are arrays (rowsAsArray): Level, Code, Message.
      return (rows as (string | null)[][]).map((r) => `${r[0]} ${r[1]}`);
    } catch (error) {
      return [`SHOW WARNINGS failed: ${(error as { errno?: number }).errno ?? '?'}`];
    }
  }
}

function describe(result: unknown, fields: unknown): Omit<StepAnswer, 'warnings'> {
  if (!Array.isArray(result)) {
    const header = result as mysql.ResultSetHeader;
    return { affectedRows: header.affectedRows, insertId: Number(header.insertId) };
  }
  const columns = (fields as mysql.FieldPacket[] | undefined) ?? [];
  return {
    fields: columns.map(describeField),
    rows: (result as Record<string, unknown>[] | unknown[][]).map((row) =>
      Array.isArray(row) ? row.map(render) : Object.values(row).map(render),
    ),
  };
}

function describeField(field: mysql.FieldPacket): FieldAnswer {
  const type = TYPE_NAMES.get(field.columnType ?? -1) ?? String(field.columnType);
  const flags = Number(field.flags ?? 0);
  return {
    name: field.name,
    type,
    ...((flags & UNSIGNED_FLAG) !== 0 ? { unsigned: true as const } : {}),
    ...(field.characterSet === BINARY_CHARSET && /STRING|BLOB/.test(type)
      ? { binary: true as const }
      : {}),
  };
}
