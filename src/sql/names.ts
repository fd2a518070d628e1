// How MySQL names become SQLite names. Every MySQL database lives in the one SQLite file as a
// name prefix: table `db`.`t` is SQLite table "db.t", index `k` on it is "db.t.k". One file keeps
// a transaction (row changes plus the applied seqno) atomic; ATTACHed files are atomic only one
// by one in WAL mode and capped at 125. See docs/design/sql.md.

/** A `.` or `%` inside a MySQL name is percent-encoded so that the mangling stays reversible. */
function encode(name: string): string {
  let out =
    name.indexOf('.') >= 0 || name.indexOf('%') >= 0
      ? name.replace(/%/g, '%25').replace(/\./g, '%2E')
      : name;
  // SQLite reserves names that begin with "sqlite_".
  if (/^sqlite_/i.test(out))
    out = '%' + out.charCodeAt(0).toString(16).toUpperCase() + out.slice(1);
  return out;
}

function decode(name: string): string {
  return name.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

export function sqliteTableName(db: string, table: string): string {
  return `${encode(db)}.${encode(table)}`;
}

export function sqliteIndexName(db: string, table: string, index: string): string {
  return `${encode(db)}.${encode(table)}.${encode(index)}`;
}

/** The inverse of sqliteTableName; null for SQLite's own tables and other names. */
export function mysqlTableName(sqliteName: string): { db: string; table: string } | null {
  const parts = sqliteName.split('.');
  if (parts.length !== 2) return null;
  return { db: decode(parts[0]!), table: decode(parts[1]!) };
}

/** Double-quoted SQLite identifier. */
export function quoteId(name: string): string {
  return '"' + (name.indexOf('"') >= 0 ? name.replace(/"/g, '""') : name) + '"';
}

/** Single-quoted SQLite string literal. */
export function quoteString(value: string): string {
  return "'" + (value.indexOf("'") >= 0 ? value.replace(/'/g, "''") : value) + "'";
}

/** Backquoted MySQL identifier, as SHOW CREATE TABLE prints it. */
export function backquote(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** Single-quoted MySQL string, escaped as MariaDB prints defaults and comments. */
export function mysqlString(value: string): string {
  return (
    "'" +
    value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\n/g, '\\n').replace(/\0/g, '\\0') +
    "'"
  );
}
