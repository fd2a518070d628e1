// A toy in-memory backend for the protocol tests: a few accounts, one fixed table, SELECT of
// literals, echo of prepared-statement parameters, and 1064 for anything else.

import {
  Charset,
  ColumnFlag,
  ColumnType,
  cachingSha2PasswordHash,
  nativePasswordHash,
  type Account,
  type Backend,
  type BoundParam,
  type ColumnDef,
  type ColumnTypeCode,
  type ErrorResult,
  type OkResult,
  type PreparedStatement,
  type QueryOptions,
  type QueryResult,
  type Session,
  type SessionInfo,
  type SessionState,
  type SqlValue,
} from '../../src/mysql/index.js';

export const ACCOUNTS = {
  root: { password: 'secret', plugin: 'mysql_native_password' },
  empty: { password: '', plugin: 'mysql_native_password' },
  alice: { password: 'alice-pw', plugin: 'mysql_native_password' },
  sha2: { password: 'sha2-secret', plugin: 'caching_sha2_password' },
} as const;

const text = (name: string, length = 255): ColumnDef => ({
  name,
  table: 't',
  schema: 'test',
  type: ColumnType.VAR_STRING,
  length: length * 4,
  flags: 0,
  decimals: 0,
  charset: Charset.UTF8MB4_GENERAL_CI,
});

const numeric = (name: string, type: ColumnTypeCode, length: number, flags = 0): ColumnDef => ({
  name,
  table: 't',
  schema: 'test',
  type,
  length,
  flags: flags | ColumnFlag.NUM | ColumnFlag.BINARY,
  decimals: type === ColumnType.DOUBLE ? 31 : 0,
  charset: Charset.BINARY,
});

export const TABLE_COLUMNS: readonly ColumnDef[] = [
  {
    ...numeric('id', ColumnType.LONG, 11, ColumnFlag.NOT_NULL | ColumnFlag.PRI_KEY),
    defaultValue: null,
  },
  { ...text('name', 64), defaultValue: 'nobody' },
  numeric('score', ColumnType.DOUBLE, 22),
  { ...numeric('created', ColumnType.DATETIME, 19), flags: ColumnFlag.BINARY },
  {
    ...text('data'),
    type: ColumnType.BLOB,
    charset: Charset.BINARY,
    flags: ColumnFlag.BLOB | ColumnFlag.BINARY,
  },
];

export const TABLE_ROWS = [
  [1, 'alice', 1.5, '2024-01-02 03:04:05', new Uint8Array([0, 1, 2])],
  [2, 'bob', null, '2025-12-31 23:59:59.123456', null],
] as const;

const parseError = (sql: string): ErrorResult => ({
  kind: 'error',
  code: 1064,
  sqlState: '42000',
  message: `You have an error in your SQL syntax; check the manual near '${sql.slice(0, 80)}' at line 1`,
});

const ok = (affectedRows = 0, lastInsertId = 0): OkResult => ({
  kind: 'ok',
  affectedRows,
  lastInsertId,
  warnings: 0,
});

class ToySession implements Session {
  database: string | null;
  inTransaction = false;
  closed = false;
  resets = 0;

  constructor(readonly info: SessionInfo) {
    this.database = info.database;
  }

  query(sql: string, options: QueryOptions): Promise<QueryResult[]> {
    const statements = sql.split(';').map((part) => part.trim());
    if (statements.at(-1) === '') statements.pop();
    if (statements.length > 1 && !options.multiStatements)
      return Promise.resolve([parseError(sql)]);
    const results: QueryResult[] = [];
    for (const statement of statements) {
      const result = this.run(statement);
      results.push(result);
      if (result.kind === 'error') break;
    }
    return Promise.resolve(results);
  }

  private run(sql: string): QueryResult {
    let match: RegExpExecArray | null;
    if ((match = /^SELECT (-?\d+)$/i.exec(sql))) {
      const column = { ...numeric(match[1]!, ColumnType.LONGLONG, 20), table: '', schema: '' };
      return { kind: 'rows', columns: [column], rows: [[BigInt(match[1]!)]] };
    }
    if ((match = /^SELECT '([^']*)'$/is.exec(sql))) {
      return { kind: 'rows', columns: [text('echo')], rows: [[match[1]!]] };
    }
    if (/^select @@version_comment limit 1$/i.test(sql)) {
      return {
        kind: 'rows',
        columns: [text('@@version_comment')],
        rows: [['trireme toy backend']],
      };
    }
    if (/^SELECT DATABASE\(\)$/i.test(sql)) {
      return { kind: 'rows', columns: [text('DATABASE()')], rows: [[this.database]] };
    }
    if ((match = /^SELECT \* FROM seq_(\d+)$/i.exec(sql))) {
      const columns = [numeric('n', ColumnType.LONG, 11), text('padding')];
      return { kind: 'rows', columns, rows: sequence(Number(match[1])) };
    }
    if (/^SELECT \* FROM t$/i.test(sql)) {
      return { kind: 'rows', columns: TABLE_COLUMNS, rows: TABLE_ROWS };
    }
    if (/^INSERT /i.test(sql)) return ok(1, 42);
    if (/^(BEGIN|START TRANSACTION)$/i.test(sql)) {
      this.inTransaction = true;
      return ok();
    }
    if (/^(COMMIT|ROLLBACK)$/i.test(sql)) {
      this.inTransaction = false;
      return ok();
    }
    if ((match = /^USE (\w+)$/i.exec(sql))) return this.use(match[1]!);
    return parseError(sql);
  }

  private use(database: string): OkResult | ErrorResult {
    if (database !== 'test' && database !== 'mysql') {
      return {
        kind: 'error',
        code: 1049,
        sqlState: '42000',
        message: `Unknown database '${database}'`,
      };
    }
    this.database = database;
    return ok();
  }

  prepare(sql: string): Promise<PreparedStatement | ErrorResult> {
    const markers = sql.split('?').length - 1;
    if (!/^SELECT /i.test(sql)) return Promise.resolve(parseError(sql));
    const params = Array.from({ length: markers }, () => text('?'));
    const echo = markers > 0;
    const fixed = this.run(sql);
    if (!echo && fixed.kind !== 'rows')
      return Promise.resolve(fixed.kind === 'error' ? fixed : parseError(sql));
    const columns = echo
      ? params.map((_, index) => text(`p${index}`))
      : fixed.kind === 'rows'
        ? fixed.columns
        : [];
    return Promise.resolve({
      params,
      columns,
      execute: (bound: readonly BoundParam[]) =>
        Promise.resolve([echo ? echoRows(bound) : this.run(sql)]),
      close: () => {},
    });
  }

  initDb(database: string): Promise<OkResult | ErrorResult> {
    return Promise.resolve(this.use(database));
  }

  fieldList(table: string): Promise<readonly ColumnDef[] | ErrorResult> {
    if (table !== 't') {
      return Promise.resolve({
        kind: 'error',
        code: 1146,
        sqlState: '42S02',
        message: `Table 'test.${table}' doesn't exist`,
      });
    }
    return Promise.resolve(TABLE_COLUMNS);
  }

  resetConnection(): Promise<void> {
    this.inTransaction = false;
    this.resets++;
    return Promise.resolve();
  }

  statistics(): Promise<string> {
    return Promise.resolve(
      'Uptime: 1  Threads: 1  Questions: 1  Slow queries: 0  Opens: 0  Open tables: 0  Queries per second avg: 1.000',
    );
  }

  state(): SessionState {
    return { autocommit: true, inTransaction: this.inTransaction, database: this.database };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** Rows made on demand, so the server must stream them rather than see an array. */
function* sequence(count: number): Generator<readonly SqlValue[]> {
  for (let n = 1; n <= count; n++) yield [n, 'x'.repeat(100)];
}

/** Echoes bound parameters back as one row, each column typed as the client bound it. */
function echoRows(bound: readonly BoundParam[]): QueryResult {
  const columns = bound.map((param, index): ColumnDef => {
    const binary = param.value instanceof Uint8Array;
    return {
      name: `p${index}`,
      type: param.type === ColumnType.NULL ? ColumnType.VAR_STRING : param.type,
      length: 255,
      flags:
        (param.unsigned ? ColumnFlag.UNSIGNED : 0) |
        (binary ? ColumnFlag.BINARY | ColumnFlag.BLOB : 0),
      decimals: param.type === ColumnType.DOUBLE ? 31 : 0,
      charset:
        binary || typeof param.value !== 'string' ? Charset.BINARY : Charset.UTF8MB4_GENERAL_CI,
    };
  });
  return { kind: 'rows', columns, rows: [bound.map((param) => param.value)] };
}

export class ToyBackend implements Backend {
  readonly sessions: ToySession[] = [];
  private readonly accounts = new Map<string, Account>();

  constructor() {
    for (const [user, account] of Object.entries(ACCOUNTS)) {
      const authenticationString =
        account.plugin === 'mysql_native_password'
          ? nativePasswordHash(account.password)
          : cachingSha2PasswordHash(account.password);
      this.accounts.set(user, { plugin: account.plugin, authenticationString });
    }
  }

  lookupAccount(user: string): Promise<Account | null> {
    return Promise.resolve(this.accounts.get(user) ?? null);
  }

  openSession(info: SessionInfo): Promise<Session | ErrorResult> {
    if (info.database !== null && info.database !== 'test' && info.database !== 'mysql') {
      return Promise.resolve({
        kind: 'error',
        code: 1049,
        sqlState: '42000',
        message: `Unknown database '${info.database}'`,
      });
    }
    const session = new ToySession(info);
    this.sessions.push(session);
    return Promise.resolve(session);
  }
}
