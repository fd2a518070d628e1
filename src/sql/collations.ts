// The collations trireme knows: MariaDB 10.11's names, ids and defaults for the character sets
// it stores (utf8mb4, utf8mb3) and the few others a client may name (latin1, ascii, binary).
// Comparing is SQLite's, with the collating sequences of storage/collations.ts: a MySQL
// collation maps to the one that compares like it (docs/design/sql.md, "Collations").

export interface CollationDef {
  readonly name: string;
  readonly charset: string;
  readonly id: number;
  readonly isDefault: boolean;
  readonly sortlen: number;
}

const def = (name: string, id: number, isDefault = false, sortlen = 1): CollationDef => ({
  name,
  charset: name === 'binary' ? 'binary' : name.slice(0, name.indexOf('_')),
  id,
  isDefault,
  sortlen,
});

/** SHOW COLLATION's rows, in MariaDB's order. */
export const COLLATIONS: readonly CollationDef[] = [
  def('latin1_swedish_ci', 8, true),
  def('latin1_bin', 47),
  def('latin1_general_ci', 48),
  def('ascii_general_ci', 11, true),
  def('ascii_bin', 65),
  def('utf8mb3_general_ci', 33, true),
  def('utf8mb3_bin', 83),
  def('utf8mb3_unicode_ci', 192, false, 8),
  def('utf8mb3_unicode_520_ci', 214, false, 8),
  def('utf8mb4_general_ci', 45, true),
  def('utf8mb4_bin', 46),
  def('utf8mb4_unicode_ci', 224, false, 8),
  def('utf8mb4_unicode_520_ci', 246, false, 8),
  def('binary', 63, true),
];

/** SHOW CHARACTER SET's rows: name, description, default collation, bytes per character. */
export const CHARACTER_SETS: readonly (readonly [string, string, string, number])[] = [
  ['latin1', 'cp1252 West European', 'latin1_swedish_ci', 1],
  ['ascii', 'US ASCII', 'ascii_general_ci', 1],
  ['utf8mb3', 'UTF-8 Unicode', 'utf8mb3_general_ci', 3],
  ['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', 4],
  ['binary', 'Binary pseudo charset', 'binary', 1],
];

const BY_NAME = new Map(COLLATIONS.map((c) => [c.name, c]));
const BY_ID = new Map(COLLATIONS.map((c) => [c.id, c]));

/** The collation of a name as written (`utf8_bin` is utf8mb3's), or undefined if unknown. */
export function findCollation(name: string): CollationDef | undefined {
  return BY_NAME.get(name.toLowerCase().replace(/^utf8_/, 'utf8mb3_'));
}

/** The collation of a handshake's collation id, or undefined for an id trireme does not know. */
export function collationById(id: number): CollationDef | undefined {
  return BY_ID.get(id);
}

/**
 * The SQLite collating sequence that compares like a MySQL collation: the extension's for
 * Unicode ones (unicode_520_ci as unicode_ci), general_ci or bin for the single-byte sets
 * (their characters are the same letters), BINARY for the binary one (no PAD SPACE).
 */
export function sqliteCollation(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'binary') return 'BINARY';
  const mb3 = lower.startsWith('utf8mb3_') || lower.startsWith('utf8_');
  const charset = mb3 ? 'utf8mb3' : 'utf8mb4';
  if (lower.endsWith('_bin')) return `${charset}_bin`;
  if (lower.includes('_unicode')) return `${charset}_unicode_ci`;
  return `${charset}_general_ci`;
}

/** The functions the collation extension registers beside its collating sequences. */
export const COLLATED_FUNCTIONS: readonly string[] = [
  'mysql_like_collated',
  'mysql_strcmp_collated',
  'mysql_instr_collated',
  'mysql_find_in_set_collated',
];
