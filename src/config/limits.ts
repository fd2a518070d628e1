// Bounds on everything the config layer reads, so a hostile or broken file cannot exhaust memory
// or loop forever. See docs/design/config.md.

/** Largest option file read (bytes). Real my.cnf files are a few kilobytes. */
export const CNF_FILE_BYTES_MAX = 1024 * 1024;
/** Longest line accepted in an option file (characters). */
export const CNF_LINE_CHARS_MAX = 64 * 1024;
/** Nesting depth of `!include`/`!includedir`; MySQL stops at 10 as well. */
export const INCLUDE_DEPTH_MAX = 10;
/** Files read in total while expanding one defaults file and its includes. */
export const CNF_FILES_MAX = 1000;
/** Entries of `wsrep_provider_options` (Galera has about 80 options). */
export const PROVIDER_OPTIONS_MAX = 256;
/** Peers in `wsrep_cluster_address`. */
export const CLUSTER_PEERS_MAX = 64;
/** Digits in one number, before any suffix; keeps BigInt work bounded. */
export const NUMBER_DIGITS_MAX = 20;
/** Command-line arguments accepted by parseServerArgs. */
export const SERVER_ARGS_MAX = 1000;
/** Length of `wsrep_cluster_name`; the name travels in every peer handshake. */
export const CLUSTER_NAME_CHARS_MAX = 64;
