// Encryption at rest: keys in MariaDB's file_key_management shape and the record cipher of the
// GCache. Design: docs/design/encryption.md.
export * from './aead.js';
export * from './key-file.js';
export * from './load.js';
export * from './check.js';
export * from './sealed-file.js';
