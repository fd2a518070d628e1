// The command phase: one handler per command byte, each reading its payload, calling the
// session, and encoding the answer. Prepared statements live here, by statement id.

import type { PreparedStatement, QueryResult, Session } from './backend.js';
import { authenticate } from './authenticate.js';
import {
  decodeExecute,
  decodeSendLongData,
  decodeStatementId,
  type ParamType,
} from './binary-protocol.js';
import { Capability, Command, ServerError, type ErrorCode } from './constants.js';
import { isError } from './backend.js';
import type { MysqlConnection } from './connection.js';
import { describe } from './context.js';
import { concat, type Packet, type PacketSink } from './framing.js';
import { PREPARED_STATEMENTS_PER_CONNECTION_MAX } from './limits.js';
import {
  decodeChangeUser,
  encodeColumnDef,
  encodeEndOfRows,
  encodeErr,
  encodeOk,
  encodePrepareOk,
} from './messages.js';
import { PacketReader, decodeWith, statementTextDecode, utf8Decode } from './packet-buffer.js';
import { encodeColumnDefs, encodeError, encodeResults } from './results.js';

/** What a handler tells the loop: keep reading commands, or end the connection. */
type Next = 'continue' | 'close';

interface StatementEntry {
  readonly statement: PreparedStatement;
  types: readonly ParamType[] | null;
  longData: Map<number, Uint8Array[]>;
  longDataBytes: number;
}

const SET_OPTION_MULTI_STATEMENTS_ON = 0;
const SET_OPTION_MULTI_STATEMENTS_OFF = 1;

/** What an execute without COM_STMT_SEND_LONG_DATA binds from it. */
const NO_LONG_DATA: ReadonlyMap<number, Uint8Array> = new Map();

export class CommandHandler {
  private readonly statements = new Map<number, StatementEntry>();
  private statementIdLast = 0;
  private multiStatements: boolean;

  constructor(private readonly connection: MysqlConnection) {
    this.multiStatements = (connection.capabilities & Capability.MULTI_STATEMENTS) !== 0;
    connection.onClose(() => this.closeStatements());
  }

  async loop(): Promise<void> {
    for (;;) {
      const packet = await this.nextCommand();
      if (packet === null) break;
      if (packet.sequenceIdFirst !== 0) {
        await this.connection.refuse(
          ServerError.NET_PACKETS_OUT_OF_ORDER,
          'Got packets out of order',
        );
        break;
      }
      if ((await this.dispatchSafely(packet)) === 'close') break;
    }
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.closeStatements();
  }

  /** The next command; an idle connection is closed after wait_timeout, as MariaDB does. */
  /** wait_timeout's timer: one per connection, re-armed at each wait (no timer per command). */
  private idleTimer: NodeJS.Timeout | null = null;
  /** Whether the connection waits for a command (the timer closes it only then). */
  private idle = false;

  private async nextCommand(): Promise<Packet | null> {
    if (this.idleTimer === null) {
      this.idleTimer = setTimeout(() => {
        if (!this.idle) return;
        this.connection.context.log('info', `connection ${this.connection.id}: idle, closed`);
        this.connection.close();
      }, this.connection.context.limits.waitTimeoutMs);
    } else this.idleTimer.refresh();
    this.idle = true;
    try {
      return await this.connection.nextPacket();
    } finally {
      this.idle = false;
    }
  }

  private get session(): Session {
    const session = this.connection.session;
    if (session === null) throw new Error('no session: connection closed');
    return session;
  }

  private async dispatchSafely(packet: Packet): Promise<Next> {
    try {
      return await this.dispatch(packet);
    } catch (error) {
      // A backend that throws is a bug there; the client learns of it and the server lives on.
      this.connection.context.log('error', `connection ${this.connection.id}: ${describe(error)}`);
      if (this.connection.phase === 'closed') return 'close';
      await this.reply((sink) => sink.packet(encodeErr(ServerError.UNKNOWN, 'Internal error')));
      return 'continue';
    }
  }

  private dispatch(packet: Packet): Promise<Next> {
    const payload = packet.payload;
    switch (payload[0]) {
      case Command.QUIT:
        return Promise.resolve('close');
      case Command.QUERY:
        return this.query(statementTextDecode(payload.subarray(1)));
      case Command.INIT_DB:
        return this.initDb(utf8Decode(payload.subarray(1)));
      case Command.PING:
        return this.ok();
      case Command.FIELD_LIST:
        return this.fieldList(payload);
      case Command.STATISTICS:
        return this.statistics();
      case Command.SHUTDOWN:
        // mariadb-admin shutdown: the SHUTDOWN statement's answer (privilege, then OK).
        return this.query('SHUTDOWN');
      case Command.PROCESS_KILL:
        return this.processKill(payload);
      case Command.CHANGE_USER:
        return this.changeUser(payload);
      case Command.RESET_CONNECTION:
        return this.resetConnection();
      case Command.SET_OPTION:
        return this.setOption(payload);
      case Command.STMT_PREPARE:
        return this.prepare(statementTextDecode(payload.subarray(1)));
      case Command.STMT_EXECUTE:
        return this.execute(payload);
      case Command.STMT_SEND_LONG_DATA:
        return Promise.resolve(this.sendLongData(payload));
      case Command.STMT_CLOSE:
        return Promise.resolve(this.closeStatement(payload));
      case Command.STMT_RESET:
        return this.resetStatement(payload);
      default:
        return this.fail(ServerError.UNKNOWN_COM, 'Unknown command');
    }
  }

  private async reply(build: (sink: PacketSink) => void): Promise<Next> {
    const sink = this.connection.sink();
    build(sink);
    await this.connection.flush(sink);
    return 'continue';
  }

  private ok(): Promise<Next> {
    const statusFlags = this.connection.statusFlags();
    return this.reply((sink) =>
      sink.packet(encodeOk({ affectedRows: 0, lastInsertId: 0, statusFlags, warnings: 0 })),
    );
  }

  private fail(error: ErrorCode, message: string): Promise<Next> {
    return this.reply((sink) => sink.packet(encodeErr(error, message)));
  }

  /** Bytes that do not decode end the connection: the stream can no longer be trusted. */
  private async malformed(what: string, message: string): Promise<Next> {
    this.connection.context.log(
      'warn',
      `connection ${this.connection.id}: bad ${what}: ${message}`,
    );
    await this.connection.refuse(
      ServerError.NET_READ_ERROR,
      'Got an error reading communication packets',
    );
    return 'close';
  }

  private async sendResults(results: readonly QueryResult[], binary: boolean): Promise<Next> {
    const sink = this.connection.sink();
    await encodeResults(sink, results, {
      deprecateEof: this.connection.deprecateEof,
      extendedMetadata: this.connection.extendedMetadata,
      statusFlags: this.connection.statusFlags(),
      binary,
      flush: (partial) => this.connection.flush(partial),
    });
    await this.connection.flush(sink);
    const release = results.some((r) => r.kind === 'ok' && r.closeConnection === true);
    return release ? 'close' : 'continue';
  }

  private async query(sql: string): Promise<Next> {
    const results = await this.session.query(sql, { multiStatements: this.multiStatements });
    return this.sendResults(results, false);
  }

  private async initDb(database: string): Promise<Next> {
    const result = await this.session.initDb(database);
    return this.sendResults([result], false);
  }

  private async fieldList(payload: Uint8Array): Promise<Next> {
    const decoded = decodeWith(() => {
      const reader = new PacketReader(payload.subarray(1));
      return { table: reader.nulString('table'), wildcard: utf8Decode(reader.rest()) };
    });
    if (!decoded.ok) return this.malformed('COM_FIELD_LIST', decoded.error.message);
    const columns = await this.session.fieldList(decoded.value.table, decoded.value.wildcard);
    if (isError(columns)) return this.reply((sink) => encodeError(sink, columns));
    const statusFlags = this.connection.statusFlags();
    const deprecateEof = this.connection.deprecateEof;
    const extended = this.connection.extendedMetadata;
    return this.reply((sink) => {
      for (const column of columns) sink.packet(encodeColumnDef(column, true, extended));
      sink.packet(encodeEndOfRows(deprecateEof, 0, statusFlags));
    });
  }

  private async statistics(): Promise<Next> {
    const text = await this.session.statistics();
    return this.reply((sink) => sink.packet(new TextEncoder().encode(text)));
  }

  private processKill(payload: Uint8Array): Promise<Next> {
    const decoded = decodeWith(() => new PacketReader(payload.subarray(1)).u32('connection id'));
    if (!decoded.ok) return this.malformed('COM_PROCESS_KILL', decoded.error.message);
    if (decoded.value === this.connection.id) return Promise.resolve('close');
    // As the KILL statement, with its checks: only the owner, or an account with SUPER.
    return this.killThroughSession(decoded.value);
  }

  private async killThroughSession(connectionId: number): Promise<Next> {
    const [result] = await this.session.query(`KILL CONNECTION ${connectionId}`, {
      multiStatements: false,
    });
    if (result !== undefined && isError(result))
      return this.reply((sink) => encodeError(sink, result));
    return this.ok();
  }

  private async changeUser(payload: Uint8Array): Promise<Next> {
    const decoded = decodeChangeUser(payload, this.connection.capabilities);
    if (!decoded.ok) return this.malformed('COM_CHANGE_USER', decoded.error.message);
    const request = decoded.value;
    this.closeStatements();
    const previous = this.connection.session;
    this.connection.session = null;
    if (previous) await previous.close();
    if (!(await authenticate(this.connection, request))) return 'close';
    this.connection.user = request.user;
    if (request.collation !== null) this.connection.collation = request.collation & 0xff;
    this.multiStatements = (this.connection.capabilities & Capability.MULTI_STATEMENTS) !== 0;
    const opened = await this.connection.openSession(request.database, request.connectAttributes);
    return opened ? 'continue' : 'close';
  }

  private async resetConnection(): Promise<Next> {
    this.closeStatements();
    this.multiStatements = (this.connection.capabilities & Capability.MULTI_STATEMENTS) !== 0;
    await this.session.resetConnection();
    return this.ok();
  }

  private setOption(payload: Uint8Array): Promise<Next> {
    const decoded = decodeWith(() => new PacketReader(payload.subarray(1)).u16('option'));
    if (!decoded.ok) return this.malformed('COM_SET_OPTION', decoded.error.message);
    if (decoded.value === SET_OPTION_MULTI_STATEMENTS_ON) this.multiStatements = true;
    else if (decoded.value === SET_OPTION_MULTI_STATEMENTS_OFF) this.multiStatements = false;
    else return this.fail(ServerError.UNKNOWN_COM, 'Unknown command');
    const statusFlags = this.connection.statusFlags();
    const deprecateEof = this.connection.deprecateEof;
    return this.reply((sink) => sink.packet(encodeEndOfRows(deprecateEof, 0, statusFlags)));
  }

  private async prepare(sql: string): Promise<Next> {
    if (this.statements.size >= PREPARED_STATEMENTS_PER_CONNECTION_MAX) {
      const message = `Can't create more than max_prepared_stmt_count statements (current value: ${PREPARED_STATEMENTS_PER_CONNECTION_MAX})`;
      return this.fail({ code: 1461, sqlState: '42000' }, message);
    }
    const prepared = await this.session.prepare(sql);
    if (isError(prepared)) return this.reply((sink) => encodeError(sink, prepared));
    const statementId = this.nextStatementId();
    this.statements.set(statementId, {
      statement: prepared,
      types: null,
      longData: new Map(),
      longDataBytes: 0,
    });
    const statusFlags = this.connection.statusFlags();
    const encoding = {
      deprecateEof: this.connection.deprecateEof,
      extendedMetadata: this.connection.extendedMetadata,
    };
    return this.reply((sink) => {
      sink.packet(
        encodePrepareOk({
          statementId,
          columnCount: prepared.columns.length,
          paramCount: prepared.params.length,
          warnings: 0,
        }),
      );
      if (prepared.params.length > 0)
        encodeColumnDefs(sink, prepared.params, encoding, statusFlags);
      if (prepared.columns.length > 0)
        encodeColumnDefs(sink, prepared.columns, encoding, statusFlags);
    });
  }

  private nextStatementId(): number {
    do {
      this.statementIdLast = (this.statementIdLast % 0xffffffff) + 1;
    } while (this.statements.has(this.statementIdLast));
    return this.statementIdLast;
  }

  private unknownStatement(statementId: number, command: string): Promise<Next> {
    const message = `Unknown prepared statement handler (${statementId}) given to ${command}`;
    return this.fail(ServerError.UNKNOWN_STMT_HANDLER, message);
  }

  private async execute(payload: Uint8Array): Promise<Next> {
    const id = decodeStatementId(payload);
    if (!id.ok) return this.malformed('COM_STMT_EXECUTE', id.error.message);
    const entry = this.statements.get(id.value);
    if (entry === undefined) return this.unknownStatement(id.value, 'mysqld_stmt_execute');
    let longData: ReadonlyMap<number, Uint8Array> = NO_LONG_DATA;
    if (entry.longData.size > 0) {
      const joined = new Map<number, Uint8Array>();
      for (const [index, parts] of entry.longData) joined.set(index, concat(parts));
      longData = joined;
      entry.longData = new Map();
      entry.longDataBytes = 0;
    }
    const decoded = decodeExecute(payload, entry.statement.params.length, entry.types, longData);
    // Parameters that do not decode (fewer than the statement's, mysql2's execute('SELECT ?, ?',
    // [1])) are MariaDB's 1210; the packet was framed whole, so the connection goes on.
    if (!decoded.ok)
      return this.fail(ServerError.WRONG_ARGUMENTS, 'Incorrect arguments to mysqld_stmt_execute');
    entry.types = decoded.value.types;
    const results = await entry.statement.execute(decoded.value.params);
    return this.sendResults(results, true);
  }

  private sendLongData(payload: Uint8Array): Next {
    const decoded = decodeSendLongData(payload);
    // COM_STMT_SEND_LONG_DATA has no answer, not even an error; MySQL ignores bad ones too.
    if (!decoded.ok) return 'continue';
    const entry = this.statements.get(decoded.value.statementId);
    if (entry === undefined || decoded.value.paramIndex >= entry.statement.params.length)
      return 'continue';
    entry.longDataBytes += decoded.value.data.length;
    if (entry.longDataBytes > this.connection.context.limits.maxAllowedPacketBytes) {
      this.connection.context.log(
        'warn',
        `connection ${this.connection.id}: long data over max_allowed_packet`,
      );
      return 'close';
    }
    const parts = entry.longData.get(decoded.value.paramIndex) ?? [];
    parts.push(decoded.value.data);
    entry.longData.set(decoded.value.paramIndex, parts);
    return 'continue';
  }

  private closeStatement(payload: Uint8Array): Next {
    const decoded = decodeStatementId(payload);
    if (!decoded.ok) return 'continue';
    const entry = this.statements.get(decoded.value);
    if (entry === undefined) return 'continue';
    this.statements.delete(decoded.value);
    entry.statement.close();
    return 'continue';
  }

  private resetStatement(payload: Uint8Array): Promise<Next> {
    const decoded = decodeStatementId(payload);
    if (!decoded.ok) return this.malformed('COM_STMT_RESET', decoded.error.message);
    const entry = this.statements.get(decoded.value);
    if (entry === undefined) return this.unknownStatement(decoded.value, 'mysqld_stmt_reset');
    entry.longData = new Map();
    entry.longDataBytes = 0;
    return this.ok();
  }

  private closeStatements(): void {
    for (const entry of this.statements.values()) entry.statement.close();
    this.statements.clear();
  }
}
