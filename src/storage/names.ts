// The table naming scheme, mirrored from src/sql/names.ts (storage sits below sql and cannot
// import it; test/storage/names.test.ts checks that both agree). MySQL table `db`.`t` is SQLite
// table "db.t" in the one SQLite file; a `.` or `%` inside a name is percent-encoded, and a name
// beginning with "sqlite_" gets its first letter encoded. Names without exactly one dot are not
// user tables (internal tables are `_trireme_*`, indexes "db.t.k").

function encode(name: string): string {
  let out =
    name.indexOf('.') >= 0 || name.indexOf('%') >= 0
      ? name.replace(/%/g, '%25').replace(/\./g, '%2E')
      : name;
  if (/^sqlite_/i.test(out)) {
    out = '%' + out.charCodeAt(0).toString(16).toUpperCase() + out.slice(1);
  }
  return out;
}

function decode(name: string): string {
  return name.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

export function sqliteTableName(database: string, table: string): string {
  return `${encode(database)}.${encode(table)}`;
}

/** The MySQL name of a user table, or null for internal tables, indexes and SQLite's own. */
export function mysqlTableName(sqliteName: string): { database: string; table: string } | null {
  const parts = sqliteName.split('.');
  if (parts.length !== 2) return null;
  return { database: decode(parts[0]!), table: decode(parts[1]!) };
}

/** Double-quoted SQLite identifier. */
export function quoteId(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
