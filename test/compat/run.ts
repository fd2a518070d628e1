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

/** True when a case leaves tables and session as its setup left them. */
function leavesStateAlone(c: CompatCase): boolean {
  return c.steps.every((s) => READ_ONLY.test(stepText(s)) && !SESSION_CHANGE.test(stepText(s)));
}

export class CaseRunner {
  private connection: mysql.Connection | null = null;
  private setupKey: string | null = null;

  constructor(
    private readonly port: number,
    private readonly database: string,
  ) {}

  async run(c: CompatCase): Promise<CaseAnswer> {
    const key = JSON.stringify(c.setup);
    if (this.connection === null || this.setupKey !== key) {
      await this.reset();
      const setupError = await this.setup(c.setup);
      if (setupError !== undefined) {
        this.setupKey = null;
        return { setupError, steps: [] };
      }
    }
    const steps: StepAnswer[] = [];
    for (const step of c.steps) steps.push(await this.step(step));
    this.setupKey = leavesStateAlone(c) ? key : null;
    return { steps };
  }

  async close(): Promise<void> {
    await this.connection?.end().catch(() => undefined);
    this.connection = null;
  }

  /**
   * A new connection on an empty database of this runner's name. The connection that dropped
   * and created it is closed, so no warning of the reset is left in the case's session.
   */
  private async reset(): Promise<void> {
    await this.close();
    const admin = await this.connect(undefined);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${this.database}`);
      await admin.query(`CREATE DATABASE ${this.database}`);
    } finally {
      await admin.end();
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
      typeCast,
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
        typeof step === 'string'
          ? await c.query({ sql: step, timeout: STATEMENT_TIMEOUT_MS })
          : await c.execute({ sql: step.sql, timeout: STATEMENT_TIMEOUT_MS }, step.params as never);
      answer = describe(result, fields);
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno === undefined) {
        // A timeout or a lost connection: the answer is that, and the next case reconnects.
        await this.close();
        return { error: -1, warnings: [(error as Error).message] };
      }
      answer = { error: errno };
    }
    return { ...answer, warnings: await this.warnings() };
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
