// The node's catalog: MySQL databases, table definitions (sql's TableDef) and accounts, held in
// memory and persisted as entries of the store's catalog table. Entries change only through
// TOI (applyToi), so every node holds the same catalog at the same seqno. Entry names are JSON
// arrays: ["db", name], ["table", db, name], ["view", db, name], ["trigger", db, name],
// ["user", user, host].
import type { Catalog, CatalogChange, TableDef, TriggerDef, ViewDef } from '../sql/index.js';
import type { CatalogEntry, CatalogUpdate } from '../storage/index.js';

export interface DatabaseDef {
  readonly name: string;
  readonly charset: string;
  readonly collation: string;
}

/** A grant: privileges on *.* (db null), db.* (table null) or db.table. */
export interface GrantDef {
  readonly db: string | null;
  readonly table: string | null;
  readonly privileges: readonly string[];
  readonly grantOption: boolean;
}

export interface AccountDef {
  readonly user: string;
  readonly host: string;
  readonly plugin: 'mysql_native_password';
  /** '' or '*' + 40 hex digits. */
  readonly authenticationString: string;
  readonly grants: readonly GrantDef[];
}

/** Database names that are not stored: answered by the engine itself. */
export const VIRTUAL_DATABASES: readonly string[] = ['information_schema', 'performance_schema'];

const tableKey = (db: string, name: string): string => `${db}\u0000${name.toLowerCase()}`;
const accountKey = (user: string, host: string): string => `${user}\u0000${host.toLowerCase()}`;

export const dbEntryName = (name: string): string => JSON.stringify(['db', name]);
export const tableEntryName = (db: string, name: string): string =>
  JSON.stringify(['table', db, name.toLowerCase()]);
export const viewEntryName = (db: string, name: string): string =>
  JSON.stringify(['view', db, name.toLowerCase()]);
export const triggerEntryName = (db: string, name: string): string =>
  JSON.stringify(['trigger', db, name.toLowerCase()]);
export const accountEntryName = (user: string, host: string): string =>
  JSON.stringify(['user', user, host.toLowerCase()]);

export class EngineCatalog implements Catalog {
  version = 0;
  private readonly databaseMap = new Map<string, DatabaseDef>();
  private readonly tableMap = new Map<string, TableDef>();
  private readonly accountMap = new Map<string, AccountDef>();
  private readonly viewMap = new Map<string, ViewDef>();
  private readonly triggerMap = new Map<string, TriggerDef>();

  /** Replaces the content with the persisted entries. */
  load(entries: readonly CatalogEntry[]): void {
    this.databaseMap.clear();
    this.tableMap.clear();
    this.accountMap.clear();
    this.viewMap.clear();
    this.triggerMap.clear();
    for (const entry of entries) this.loadEntry(entry);
    this.version++;
  }

  private loadEntry(entry: CatalogEntry): void {
    const name = JSON.parse(entry.name) as string[];
    switch (name[0]) {
      case 'db': {
        const db = JSON.parse(entry.definition) as DatabaseDef;
        this.databaseMap.set(db.name, db);
        return;
      }
      case 'table': {
        const table = JSON.parse(entry.definition) as TableDef;
        this.tableMap.set(tableKey(table.db, table.name), table);
        return;
      }
      case 'view': {
        const view = JSON.parse(entry.definition) as ViewDef;
        this.viewMap.set(tableKey(view.db, view.name), view);
        return;
      }
      case 'trigger': {
        const trigger = JSON.parse(entry.definition) as TriggerDef;
        this.triggerMap.set(tableKey(trigger.db, trigger.name), trigger);
        return;
      }
      case 'user': {
        const account = JSON.parse(entry.definition) as AccountDef;
        this.accountMap.set(accountKey(account.user, account.host), account);
        return;
      }
    }
  }

  clone(): EngineCatalog {
    const copy = new EngineCatalog();
    for (const [k, v] of this.databaseMap) copy.databaseMap.set(k, v);
    for (const [k, v] of this.tableMap) copy.tableMap.set(k, v);
    for (const [k, v] of this.accountMap) copy.accountMap.set(k, v);
    for (const [k, v] of this.viewMap) copy.viewMap.set(k, v);
    for (const [k, v] of this.triggerMap) copy.triggerMap.set(k, v);
    copy.version = this.version;
    return copy;
  }

  table(db: string, name: string): TableDef | undefined {
    return this.tableMap.get(tableKey(db, name));
  }

  tables(db: string): readonly TableDef[] {
    return [...this.tableMap.values()]
      .filter((t) => t.db === db)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  view(db: string, name: string): ViewDef | undefined {
    return this.viewMap.get(tableKey(db, name));
  }

  views(db: string): readonly ViewDef[] {
    return byName([...this.viewMap.values()].filter((v) => v.db === db));
  }

  trigger(db: string, name: string): TriggerDef | undefined {
    return this.triggerMap.get(tableKey(db, name));
  }

  triggers(db: string): readonly TriggerDef[] {
    return byName([...this.triggerMap.values()].filter((t) => t.db === db));
  }

  allViews(): readonly ViewDef[] {
    return [...this.viewMap.values()];
  }

  allTriggers(): readonly TriggerDef[] {
    return [...this.triggerMap.values()];
  }

  allTables(): readonly TableDef[] {
    return [...this.tableMap.values()];
  }

  databaseExists(db: string): boolean {
    return this.databaseMap.has(db) || VIRTUAL_DATABASES.includes(db.toLowerCase());
  }

  databaseDefaults(db: string): DatabaseDef | undefined {
    return this.databaseMap.get(db);
  }

  database(db: string): DatabaseDef | undefined {
    return this.databaseMap.get(db);
  }

  /** Stored databases and the virtual ones, sorted as SHOW DATABASES lists them. */
  databaseNames(): string[] {
    return [...VIRTUAL_DATABASES, ...this.databaseMap.keys()].sort();
  }

  account(user: string, host: string): AccountDef | undefined {
    return this.accountMap.get(accountKey(user, host));
  }

  accounts(): readonly AccountDef[] {
    return [...this.accountMap.values()];
  }

  /** Applies sql's catalog changes in memory and returns the entries to persist. */
  applyChanges(changes: readonly CatalogChange[], update: UpdateBuilder): void {
    for (const change of changes) {
      switch (change.kind) {
        case 'put_table':
          this.tableMap.set(tableKey(change.table.db, change.table.name), change.table);
          update.put(tableEntryName(change.table.db, change.table.name), change.table);
          break;
        case 'drop_table':
          this.tableMap.delete(tableKey(change.db, change.name));
          update.remove(tableEntryName(change.db, change.name));
          break;
        case 'create_database': {
          const db: DatabaseDef = {
            name: change.name,
            charset: change.charset ?? 'utf8mb4',
            collation: change.collation ?? 'utf8mb4_general_ci',
          };
          this.databaseMap.set(change.name, db);
          update.put(dbEntryName(change.name), db);
          break;
        }
        case 'put_view':
          this.viewMap.set(tableKey(change.view.db, change.view.name), change.view);
          update.put(viewEntryName(change.view.db, change.view.name), change.view);
          break;
        case 'drop_view':
          this.viewMap.delete(tableKey(change.db, change.name));
          update.remove(viewEntryName(change.db, change.name));
          break;
        case 'put_trigger':
          this.triggerMap.set(tableKey(change.trigger.db, change.trigger.name), change.trigger);
          update.put(triggerEntryName(change.trigger.db, change.trigger.name), change.trigger);
          break;
        case 'drop_trigger':
          this.triggerMap.delete(tableKey(change.db, change.name));
          update.remove(triggerEntryName(change.db, change.name));
          break;
        case 'drop_database':
          this.databaseMap.delete(change.name);
          update.remove(dbEntryName(change.name));
          for (const view of this.views(change.name)) {
            this.viewMap.delete(tableKey(view.db, view.name));
            update.remove(viewEntryName(view.db, view.name));
          }
          for (const trigger of this.triggers(change.name)) {
            this.triggerMap.delete(tableKey(trigger.db, trigger.name));
            update.remove(triggerEntryName(trigger.db, trigger.name));
          }
          for (const table of this.tables(change.name)) {
            this.tableMap.delete(tableKey(table.db, table.name));
            update.remove(tableEntryName(table.db, table.name));
          }
          break;
      }
    }
    this.version++;
  }

  putAccount(account: AccountDef, update: UpdateBuilder): void {
    this.accountMap.set(accountKey(account.user, account.host), account);
    update.put(accountEntryName(account.user, account.host), account);
    this.version++;
  }

  removeAccount(user: string, host: string, update: UpdateBuilder): void {
    this.accountMap.delete(accountKey(user, host));
    update.remove(accountEntryName(user, host));
    this.version++;
  }
}

function byName<T extends { readonly name: string }>(list: T[]): T[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Collects the entries of one TOI's catalog update; later changes of a name win. */
export class UpdateBuilder {
  private readonly entries = new Map<string, string | null>();

  put(name: string, value: unknown): void {
    this.entries.set(name, JSON.stringify(value));
  }

  remove(name: string): void {
    this.entries.set(name, null);
  }

  build(): CatalogUpdate {
    const put: CatalogEntry[] = [];
    const remove: string[] = [];
    for (const [name, definition] of this.entries) {
      if (definition === null) remove.push(name);
      else put.push({ name, definition });
    }
    return { put, remove };
  }
}
