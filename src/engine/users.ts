// Accounts and privileges: host matching at login, privilege checks per statement, the effect of
// CREATE/ALTER/DROP USER, GRANT and REVOKE on the catalog (run by the TOI translator at the
// statement's seqno), and the canonical, password-free text those statements replicate as.
import { nativePasswordHash } from '../mysql/index.js';
import type { GrantTarget, Statement, UserName, UserSpec } from '../sql/index.js';
import type { AccountDef, EngineCatalog, GrantDef, UpdateBuilder } from './catalog.js';
import { mysqlError } from './errors.js';
import type { ErrorResult } from '../mysql/index.js';

export const ALL_PRIVILEGES = 'ALL PRIVILEGES';

/** Privileges MariaDB knows at the levels we implement, in SHOW GRANTS order. */
export const PRIVILEGES: readonly string[] = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'SHUTDOWN',
  'PROCESS',
  'FILE',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'SUPER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'REPLICATION SLAVE',
  'BINLOG MONITOR',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
  'CREATE TABLESPACE',
  'DELETE HISTORY',
  'USAGE',
];

/** '::ffff:127.0.0.1' → '127.0.0.1'. */
export function normalizeHost(host: string): string {
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

const PATTERN_CACHE_MAX = 1024;
const patternCache = new Map<string, RegExp>();

/** A host or database pattern as a regular expression, cached (checked on every statement). */
function likeToRegExp(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    if (patternCache.size >= PATTERN_CACHE_MAX) patternCache.clear();
    re = compileLike(pattern);
    patternCache.set(pattern, re);
  }
  return re;
}

function compileLike(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    // `\_` and `\%` are the literal characters, as in GRANT … ON `my\_db`.*
    if (ch === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]!);
    else if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else out += escapeRegExp(ch);
  }
  return new RegExp(out + '$', 'i');
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether an account's host pattern admits a client address. */
export function hostMatches(pattern: string, clientHost: string): boolean {
  const host = normalizeHost(clientHost);
  const lower = pattern.toLowerCase();
  if (lower === 'localhost') return host === '127.0.0.1' || host === '::1' || host === 'localhost';
  if (lower === host.toLowerCase()) return true;
  return likeToRegExp(pattern).test(host);
}

function specificity(host: string): number {
  if (!/[%_]/.test(host)) return 1000;
  const wildcard = host.search(/[%_]/);
  return wildcard;
}

/** The account a login as user from clientHost uses: the most specific host that matches. */
export function matchAccount(
  catalog: EngineCatalog,
  user: string,
  clientHost: string,
): AccountDef | null {
  return matchAccountIn(catalog.accounts(), user, clientHost);
}

/** The account of `accounts` that user@clientHost logs in as, as matchAccount. */
export function matchAccountIn(
  accounts: readonly AccountDef[],
  user: string,
  clientHost: string,
): AccountDef | null {
  const candidates = accounts.filter((a) => a.user === user && hostMatches(a.host, clientHost));
  candidates.sort((a, b) => specificity(b.host) - specificity(a.host));
  return candidates[0] ?? null;
}

// ------------------------------------------------------------------------------ privileges

export type Privilege = string;

function grantCovers(grant: GrantDef, privilege: Privilege): boolean {
  return grant.privileges.includes(ALL_PRIVILEGES) || grant.privileges.includes(privilege);
}

/** Whether the account holds privilege on db.table (table null: on the database). */
export function hasPrivilege(
  account: AccountDef,
  privilege: Privilege,
  db: string | null,
  table: string | null,
): boolean {
  for (const grant of account.grants) {
    if (!grantCovers(grant, privilege)) continue;
    if (grant.db === null) return true;
    if (db === null || !likeToRegExp(grant.db).test(db)) continue;
    if (grant.table === null) return true;
    if (table !== null && grant.table.toLowerCase() === table.toLowerCase()) return true;
  }
  return false;
}

/** Whether the account holds any privilege at all inside db (for USE and SHOW DATABASES). */
export function hasAnyOn(account: AccountDef, db: string): boolean {
  return account.grants.some(
    (g) =>
      g.privileges.some((p) => p !== 'USAGE') && (g.db === null || likeToRegExp(g.db).test(db)),
  );
}

/**
 * 1142 names the client as USER() does (its user and address), where 1044 names the account
 * (`'app'@'%'`), as MariaDB's do.
 */
export const tableDenied = (
  privilege: string,
  client: { readonly user: string; readonly host: string },
  db: string,
  table: string,
): ErrorResult =>
  mysqlError(
    1142,
    '42000',
    `${privilege} command denied to user '${client.user}'@'${client.host}' for table \`${db}\`.\`${table}\``,
  );

/** SHOW PROCESSLIST's Host: the client's address and port, as MariaDB's `127.0.0.1:54926`. */
export function processHost(info: { readonly host: string; readonly port?: number }): string {
  return info.port === undefined ? info.host : `${info.host}:${info.port}`;
}

export const databaseDenied = (account: AccountDef, db: string): ErrorResult =>
  mysqlError(
    1044,
    '42000',
    `Access denied for user '${account.user}'@'${account.host}' to database '${db}'`,
  );

export const globalDenied = (privilege: string): ErrorResult =>
  mysqlError(
    1227,
    '42000',
    `Access denied; you need (at least one of) the ${privilege} privilege(s) for this operation`,
  );

// ------------------------------------------------------------------------------ SHOW GRANTS

function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

export function mysqlQuote(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

function targetText(db: string | null, table: string | null): string {
  if (db === null) return '*.*';
  return `${quoteName(db)}.${table === null ? '*' : quoteName(table)}`;
}

function privilegeList(privileges: readonly string[]): string {
  if (privileges.includes(ALL_PRIVILEGES)) return ALL_PRIVILEGES;
  const known = PRIVILEGES.filter((p) => privileges.includes(p) && p !== 'USAGE');
  return known.length === 0 ? 'USAGE' : known.join(', ');
}

/** SHOW GRANTS lines of an account, as MariaDB 10.11 prints them. */
export function showGrants(account: AccountDef): string[] {
  const who = `${quoteName(account.user)}@${quoteName(account.host)}`;
  const global = account.grants.find((g) => g.db === null);
  let first = `GRANT ${global ? privilegeList(global.privileges) : 'USAGE'} ON *.* TO ${who}`;
  if (account.authenticationString !== '')
    first += ` IDENTIFIED BY PASSWORD '${account.authenticationString}'`;
  if (global?.grantOption) first += ' WITH GRANT OPTION';
  const lines = [first];
  for (const grant of account.grants) {
    if (grant.db === null) continue;
    let line = `GRANT ${privilegeList(grant.privileges)} ON ${targetText(grant.db, grant.table)} TO ${who}`;
    if (grant.grantOption) line += ' WITH GRANT OPTION';
    lines.push(line);
  }
  return lines;
}

// ------------------------------------------------------------------------------ statements

export type UserStatement = Extract<
  Statement,
  { kind: 'create_user' | 'alter_user' | 'drop_user' | 'grant' | 'revoke' }
>;

const USER_KINDS = new Set(['create_user', 'alter_user', 'drop_user', 'grant', 'revoke']);

export function isUserStatement(statement: Statement): statement is UserStatement {
  return USER_KINDS.has(statement.kind);
}

function who(user: UserName): string {
  return `${mysqlQuote(user.user)}@${mysqlQuote(user.host)}`;
}

function hashOf(spec: UserSpec): string | null {
  if (spec.passwordHash !== null) return spec.passwordHash;
  if (spec.password !== null) return spec.password === '' ? '' : nativePasswordHash(spec.password);
  return null;
}

function specText(spec: UserSpec): string {
  const hash = hashOf(spec);
  return hash === null
    ? who(spec.user)
    : `${who(spec.user)} IDENTIFIED BY PASSWORD ${mysqlQuote(hash)}`;
}

function grantTargetText(on: GrantTarget): string {
  return targetText(on.db, on.table);
}

/**
 * The statement as replicated: passwords replaced by their hashes, so that no plain password
 * travels in a write-set or sits in the write-set cache. `database` fills db-less grant targets.
 */
export function canonicalUserStatement(s: UserStatement, database: string | null): string {
  switch (s.kind) {
    case 'create_user':
      return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}USER ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${s.users.map(specText).join(', ')}`;
    case 'alter_user':
      return `ALTER USER ${s.ifExists ? 'IF EXISTS ' : ''}${s.users.map(specText).join(', ')}`;
    case 'drop_user':
      return `DROP USER ${s.ifExists ? 'IF EXISTS ' : ''}${s.users.map(who).join(', ')}`;
    case 'grant': {
      const on =
        s.on.db === null && s.on.table !== null ? { db: database, table: s.on.table } : s.on;
      return `GRANT ${s.privileges.join(', ')} ON ${grantTargetText(on)} TO ${s.users.map(specText).join(', ')}${s.withGrantOption ? ' WITH GRANT OPTION' : ''}`;
    }
    case 'revoke': {
      const on =
        s.on.db === null && s.on.table !== null ? { db: database, table: s.on.table } : s.on;
      return `REVOKE ${s.privileges.join(', ')} ON ${grantTargetText(on)} FROM ${s.users.map(who).join(', ')}`;
    }
  }
}

const failed = (operation: string, users: readonly UserName[]): ErrorResult =>
  mysqlError(1396, 'HY000', `Operation ${operation} failed for ${users.map(who).join(',')}`);

function normalizePrivileges(privileges: readonly string[]): string[] {
  return privileges.map((p) => (p === 'ALL' ? ALL_PRIVILEGES : p));
}

/** Applies a user statement to the catalog; an error leaves the caller to discard the copy. */
export function applyUserStatement(
  catalog: EngineCatalog,
  s: UserStatement,
  update: UpdateBuilder,
): ErrorResult | null {
  switch (s.kind) {
    case 'create_user': {
      const existing = s.users.filter(
        (u) => catalog.account(u.user.user, u.user.host) !== undefined,
      );
      if (existing.length > 0 && !s.orReplace && !s.ifNotExists)
        return failed(
          'CREATE USER',
          existing.map((u) => u.user),
        );
      for (const spec of s.users) {
        if (catalog.account(spec.user.user, spec.user.host) !== undefined && !s.orReplace) continue;
        catalog.putAccount(newAccount(spec), update);
      }
      return null;
    }
    case 'alter_user': {
      const missing = s.users.filter(
        (u) => catalog.account(u.user.user, u.user.host) === undefined,
      );
      if (missing.length > 0 && !s.ifExists)
        return failed(
          'ALTER USER',
          missing.map((u) => u.user),
        );
      for (const spec of s.users) {
        const account = catalog.account(spec.user.user, spec.user.host);
        const hash = hashOf(spec);
        if (account === undefined || hash === null) continue;
        catalog.putAccount({ ...account, authenticationString: hash }, update);
      }
      return null;
    }
    case 'drop_user': {
      const missing = s.users.filter((u) => catalog.account(u.user, u.host) === undefined);
      if (missing.length > 0 && !s.ifExists) return failed('DROP USER', missing);
      for (const user of s.users) catalog.removeAccount(user.user, user.host, update);
      return null;
    }
    case 'grant':
      return applyGrant(catalog, s, update);
    case 'revoke':
      return applyRevoke(catalog, s, update);
  }
}

function newAccount(spec: UserSpec): AccountDef {
  return {
    user: spec.user.user,
    host: spec.user.host,
    plugin: 'mysql_native_password',
    authenticationString: hashOf(spec) ?? '',
    grants: [],
  };
}

function applyGrant(
  catalog: EngineCatalog,
  s: Extract<UserStatement, { kind: 'grant' }>,
  update: UpdateBuilder,
): ErrorResult | null {
  const privileges = normalizePrivileges(s.privileges);
  for (const spec of s.users) {
    let account = catalog.account(spec.user.user, spec.user.host);
    if (account === undefined) {
      if (hashOf(spec) === null)
        return mysqlError(1133, '28000', "Can't find any matching row in the user table");
      account = newAccount(spec);
    } else if (hashOf(spec) !== null) {
      account = { ...account, authenticationString: hashOf(spec)! };
    }
    const grants = [...account.grants];
    const at = grants.findIndex((g) => g.db === s.on.db && g.table === s.on.table);
    const before = at >= 0 ? grants[at]! : null;
    const merged: GrantDef = {
      db: s.on.db,
      table: s.on.table,
      privileges: [...new Set([...(before?.privileges ?? []), ...privileges])],
      grantOption: (before?.grantOption ?? false) || s.withGrantOption,
    };
    if (at >= 0) grants[at] = merged;
    else grants.push(merged);
    catalog.putAccount({ ...account, grants }, update);
  }
  return null;
}

function applyRevoke(
  catalog: EngineCatalog,
  s: Extract<UserStatement, { kind: 'revoke' }>,
  update: UpdateBuilder,
): ErrorResult | null {
  const privileges = normalizePrivileges(s.privileges);
  for (const user of s.users) {
    const account = catalog.account(user.user, user.host);
    if (account === undefined)
      return mysqlError(
        1141,
        '42000',
        `There is no such grant defined for user '${user.user}' on host '${user.host}'`,
      );
    const grants: GrantDef[] = [];
    for (const g of account.grants) {
      if (g.db !== s.on.db || g.table !== s.on.table) {
        grants.push(g);
        continue;
      }
      const all = privileges.includes(ALL_PRIVILEGES);
      const left = all ? [] : g.privileges.filter((p) => !privileges.includes(p));
      const grantOption = all || privileges.includes('GRANT OPTION') ? false : g.grantOption;
      if (left.length > 0 || grantOption) grants.push({ ...g, privileges: left, grantOption });
    }
    catalog.putAccount({ ...account, grants }, update);
  }
  return null;
}

/**
 * Whether `viewer` sees the sessions of `user` in SHOW PROCESSLIST and
 * information_schema.PROCESSLIST: its own user's, and everyone's with PROCESS (MariaDB).
 */
export function seesSessionsOf(viewer: AccountDef, user: string): boolean {
  return viewer.user === user || hasPrivilege(viewer, 'PROCESS', null, null);
}
