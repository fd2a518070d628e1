// Reads and checks the replication TLS files (socket.ssl_key, socket.ssl_cert, socket.ssl_ca) at
// startup, so that a user gets "the key does not match the certificate" when the node starts
// rather than a cryptic handshake failure on every connection later. Bad files are values
// (TlsConfigError), never exceptions. Design: docs/design/tls.md.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

import { assert } from '../core/assert.js';

export const oidServerAuth = '1.3.6.1.5.5.7.3.1';
export const oidClientAuth = '1.3.6.1.5.5.7.3.2';
const oidAnyExtendedKeyUsage = '2.5.29.37.0';

const chainLengthMax = 8;
const pemFileBytesMax = 1024 * 1024;
const dayMs = 24 * 60 * 60 * 1000;
/** A certificate that expires sooner than this gets a warning at startup and on reload. */
export const expiryWarningDays = 30;

export interface TlsPaths {
  /** socket.ssl_key */
  keyPath: string;
  /** socket.ssl_cert: the node certificate, optionally followed by intermediates. */
  certPath: string;
  /** socket.ssl_ca; as in Galera it defaults to the certificate file. */
  caPath?: string;
  /** socket.ssl_cipher: an OpenSSL cipher list; empty or absent means Node's default. */
  cipher?: string;
  /** Passphrase of an encrypted key (socket.ssl_password_file's content). */
  passphrase?: string;
}

export interface TlsMaterial {
  readonly paths: TlsPaths;
  readonly keyPem: string;
  readonly certPem: string;
  readonly caPem: string;
  /** The node certificate, then any chain certificates from the same file. */
  readonly chain: readonly X509Certificate[];
  readonly caCerts: readonly X509Certificate[];
  readonly cipher: string | undefined;
  readonly passphrase: string | undefined;
  /** Things that work today but will not for long (a certificate about to expire). */
  readonly warnings: readonly string[];
}

export type TlsConfigErrorKind =
  | 'file_missing'
  | 'file_unreadable'
  | 'no_certificate_in_file'
  | 'key_invalid'
  | 'key_mismatch'
  | 'cert_expired'
  | 'cert_not_yet_valid'
  | 'ca_file_has_no_ca'
  | 'cert_not_from_ca'
  | 'cert_lacks_client_auth'
  | 'cert_lacks_server_auth'
  | 'cipher_invalid'
  | 'tls_context_failed';

export type TlsOption =
  'socket.ssl_key' | 'socket.ssl_cert' | 'socket.ssl_ca' | 'socket.ssl_cipher';

export interface TlsConfigError {
  readonly kind: TlsConfigErrorKind;
  readonly option: TlsOption;
  readonly path: string;
  /** What is wrong, naming the option and the file. */
  readonly message: string;
  readonly fix: string;
}

export type TlsLoadResult =
  | { readonly ok: true; readonly material: TlsMaterial }
  | { readonly ok: false; readonly error: TlsConfigError };

/** Reads the three files and checks them together; `nowMs` is for tests. */
export async function loadTlsMaterial(paths: TlsPaths, nowMs = Date.now()): Promise<TlsLoadResult> {
  const caPath = paths.caPath ?? paths.certPath;
  const key = await readPem(paths.keyPath, 'socket.ssl_key');
  if (!key.ok) return key;
  const cert = await readPem(paths.certPath, 'socket.ssl_cert');
  if (!cert.ok) return cert;
  const ca = caPath === paths.certPath ? cert : await readPem(caPath, 'socket.ssl_ca');
  if (!ca.ok) return ca;
  return checkTlsMaterial({ ...paths, caPath }, key.text, cert.text, ca.text, nowMs);
}

/** Checks PEM texts already in memory; `paths` only name the files in messages. */
export function checkTlsMaterial(
  paths: TlsPaths,
  keyPem: string,
  certPem: string,
  caPem: string,
  nowMs = Date.now(),
): TlsLoadResult {
  const files = { ...paths, caPath: paths.caPath ?? paths.certPath };
  const parsed = parseAll(files, keyPem, certPem, caPem);
  if ('kind' in parsed) return { ok: false, error: parsed };
  const { chain, caCerts } = parsed;
  const error =
    checkValidity(files, chain, caCerts, nowMs) ??
    checkPurposes(files, chain) ??
    checkContext(files, keyPem, certPem, caPem);
  if (error !== null) return { ok: false, error };
  const cipher = paths.cipher === undefined || paths.cipher === '' ? undefined : paths.cipher;
  const warnings = expiryWarnings([...chain.slice(0, 1), ...caCerts], nowMs);
  return {
    ok: true,
    material: {
      paths: files,
      keyPem,
      certPem,
      caPem,
      chain,
      caCerts,
      cipher,
      passphrase: paths.passphrase,
      warnings,
    },
  };
}

type Files = TlsPaths & { caPath: string };

function configError(
  kind: TlsConfigErrorKind,
  option: TlsOption,
  path: string,
  message: string,
  fix: string,
): TlsConfigError {
  return { kind, option, path, message: `${option}=${path}: ${message}`, fix };
}

const fixIssueNodeCert =
  'issue a node certificate from the cluster CA: `trireme cert create-node NAME --dir DIR`';

/** Parses the three texts and checks that they belong together (key to certificate, certificate to CA). */
function parseAll(
  files: Files,
  keyPem: string,
  certPem: string,
  caPem: string,
): { chain: X509Certificate[]; caCerts: X509Certificate[] } | TlsConfigError {
  const chain = parseCertificates(certPem);
  const leaf = chain?.[0];
  if (chain === null || leaf === undefined) {
    return configError(
      'no_certificate_in_file',
      'socket.ssl_cert',
      files.certPath,
      'the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
      `point socket.ssl_cert at the node certificate in PEM form; ${fixIssueNodeCert}`,
    );
  }
  const all = parseCertificates(caPem);
  if (all === null || all.length === 0) {
    return configError(
      'no_certificate_in_file',
      'socket.ssl_ca',
      files.caPath,
      'the file holds no PEM certificate',
      'point socket.ssl_ca at the cluster CA certificate (ca.pem)',
    );
  }
  const key = parseKey(keyPem, files.passphrase);
  if (!key.ok) {
    return configError(
      'key_invalid',
      'socket.ssl_key',
      files.keyPath,
      `cannot read the private key: ${key.reason}`,
      'point socket.ssl_key at the PEM private key of the node certificate (and socket.ssl_password_file at its passphrase if it is encrypted)',
    );
  }
  if (!keyMatches(leaf, key.key)) {
    return configError(
      'key_mismatch',
      'socket.ssl_key',
      files.keyPath,
      `the private key does not belong to the certificate in ${files.certPath} (${oneLine(leaf.subject)})`,
      'use the key file written together with this certificate (NAME-key.pem next to NAME-cert.pem)',
    );
  }
  const caCerts = all.filter((cert) => cert.ca);
  if (caCerts.length === 0) {
    return configError(
      'ca_file_has_no_ca',
      'socket.ssl_ca',
      files.caPath,
      'the file holds no CA certificate (none has basicConstraints CA:TRUE); it probably holds a node certificate',
      'point socket.ssl_ca at the cluster CA certificate (ca.pem), the same file on every node',
    );
  }
  if (!chainsTo(chain, caCerts)) {
    return configError(
      'cert_not_from_ca',
      'socket.ssl_cert',
      files.certPath,
      `the certificate (issuer ${oneLine(leaf.issuer)}) was not issued by the CA in ${files.caPath} (${caCerts.map((c) => oneLine(c.subject)).join('; ')}), so peers trusting that CA would refuse this node`,
      'issue the node certificate from the cluster CA, or point socket.ssl_ca at the CA that issued it (the same CA on every node)',
    );
  }
  return { chain, caCerts };
}

function checkValidity(
  files: Files,
  chain: readonly X509Certificate[],
  caCerts: readonly X509Certificate[],
  nowMs: number,
): TlsConfigError | null {
  const leaf = chain[0];
  assert(leaf !== undefined, 'a parsed chain has a leaf');
  const dates = checkDates(leaf, nowMs);
  if (dates !== null) {
    const fix =
      dates.kind === 'cert_expired'
        ? 'issue a new certificate: `trireme cert create-node NAME --dir DIR --force`'
        : "check this machine's clock (NTP), or issue a certificate whose validity has begun";
    return configError(dates.kind, 'socket.ssl_cert', files.certPath, dates.message, fix);
  }
  // With several CA certificates (a rotation in progress) one valid CA is enough.
  const caDates = caCerts.map((ca) => checkDates(ca, nowMs));
  const firstCaProblem = caDates[0];
  if (
    caDates.every((problem) => problem !== null) &&
    firstCaProblem !== undefined &&
    firstCaProblem !== null
  ) {
    return configError(
      firstCaProblem.kind,
      'socket.ssl_ca',
      files.caPath,
      `the CA certificate: ${firstCaProblem.message}`,
      'create a new cluster CA and new node certificates (trireme cert create-ca, then create-node for each node)',
    );
  }
  return null;
}

function checkPurposes(files: Files, chain: readonly X509Certificate[]): TlsConfigError | null {
  const usage = chain[0]?.keyUsage as readonly string[] | undefined;
  if (!allowsPurpose(usage, oidClientAuth)) {
    return configError(
      'cert_lacks_client_auth',
      'socket.ssl_cert',
      files.certPath,
      "the certificate's extended key usage lacks clientAuth, and every node connects to its peers as a TLS client (Let's Encrypt certificates lack it since 2026)",
      `node certificates need serverAuth and clientAuth; ${fixIssueNodeCert}`,
    );
  }
  if (!allowsPurpose(usage, oidServerAuth)) {
    return configError(
      'cert_lacks_server_auth',
      'socket.ssl_cert',
      files.certPath,
      "the certificate's extended key usage lacks serverAuth, and every node accepts connections as a TLS server (a create-client certificate is for MySQL clients only)",
      fixIssueNodeCert,
    );
  }
  return null;
}

/** Builds the TLS context once, so that anything OpenSSL itself refuses shows up now. */
function checkContext(
  files: Files,
  keyPem: string,
  certPem: string,
  caPem: string,
): TlsConfigError | null {
  try {
    createSecureContext({ key: keyPem, cert: certPem, ca: caPem, passphrase: files.passphrase });
  } catch (error) {
    return configError(
      'tls_context_failed',
      'socket.ssl_cert',
      files.certPath,
      messageOf(error),
      'check the files with `openssl x509 -in CERT -noout -text`',
    );
  }
  if (files.cipher === undefined || files.cipher === '') return null;
  try {
    createSecureContext({ ciphers: files.cipher });
    return null;
  } catch (error) {
    return configError(
      'cipher_invalid',
      'socket.ssl_cipher',
      files.cipher,
      `no usable cipher in '${files.cipher}' (${messageOf(error)})`,
      'use an OpenSSL cipher list such as ECDHE+AESGCM, or leave socket.ssl_cipher empty',
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * X.509's rule: no extended key usage extension means any purpose (certificates made with the
 * classic openssl steps have none); anyExtendedKeyUsage also allows every purpose.
 */
export function allowsPurpose(
  extendedKeyUsage: readonly string[] | undefined,
  oid: string,
): boolean {
  if (extendedKeyUsage === undefined || extendedKeyUsage.length === 0) return true;
  return extendedKeyUsage.includes(oid) || extendedKeyUsage.includes(oidAnyExtendedKeyUsage);
}

/** True when the chain (leaf first) leads, by signature, to one of `caCerts`. */
export function chainsTo(
  chain: readonly X509Certificate[],
  caCerts: readonly X509Certificate[],
): boolean {
  let current = chain[0];
  for (let depth = 0; current !== undefined && depth < chainLengthMax; depth++) {
    const subject = current;
    if (caCerts.some((ca) => ca.fingerprint256 === subject.fingerprint256)) return true;
    if (caCerts.some((ca) => issuedBy(subject, ca))) return true;
    current = chain.find((candidate) => candidate !== subject && issuedBy(subject, candidate));
  }
  return false;
}

function issuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

export function parseCertificates(pem: string): X509Certificate[] | null {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch {
    return null;
  }
}

export function oneLine(distinguishedName: string): string {
  return distinguishedName
    .split('\n')
    .filter((part) => part !== '')
    .join(', ');
}

async function readPem(
  path: string,
  option: TlsOption,
): Promise<{ ok: true; text: string } | { ok: false; error: TlsConfigError }> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > pemFileBytesMax) {
      return {
        ok: false,
        error: {
          kind: 'file_unreadable',
          option,
          path,
          message: `${option}=${path}: the file is larger than ${pemFileBytesMax} bytes; it is not a PEM certificate or key`,
          fix: `point ${option} at a PEM file`,
        },
      };
    }
    return { ok: true, text: bytes.toString('utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        ok: false,
        error: {
          kind: 'file_missing',
          option,
          path,
          message: `${option}=${path}: no such file`,
          fix: `create it (trireme cert create-node NAME --dir DIR) or correct ${option} in wsrep_provider_options`,
        },
      };
    }
    const reason =
      code === 'EACCES'
        ? 'permission denied for the user running trireme'
        : (code ?? String(error));
    return {
      ok: false,
      error: {
        kind: 'file_unreadable',
        option,
        path,
        message: `${option}=${path}: cannot read the file: ${reason}`,
        fix: 'make the file readable by the user that runs trireme (keys: mode 0600, owned by that user)',
      },
    };
  }
}

function parseKey(
  pem: string,
  passphrase: string | undefined,
): { ok: true; key: KeyObject } | { ok: false; reason: string } {
  try {
    return {
      ok: true,
      key: createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // OpenSSL 3 reports a missing passphrase as "interrupted or cancelled"; the PEM header is clearer.
    const encrypted =
      /BEGIN ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(pem) ||
      /passphrase|bad decrypt/i.test(message);
    return {
      ok: false,
      reason: encrypted ? 'it is encrypted and the passphrase is missing or wrong' : message,
    };
  }
}

function keyMatches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const fromCert = cert.publicKey.export({ type: 'spki', format: 'der' });
    return fromKey.equals(fromCert);
  } catch {
    return false;
  }
}

function checkDates(
  cert: X509Certificate,
  nowMs: number,
): { kind: 'cert_expired' | 'cert_not_yet_valid'; message: string } | null {
  const fromMs = Date.parse(cert.validFrom);
  const toMs = Date.parse(cert.validTo);
  const who = oneLine(cert.subject);
  if (toMs < nowMs)
    return { kind: 'cert_expired', message: `the certificate ${who} expired on ${cert.validTo}` };
  if (fromMs > nowMs)
    return {
      kind: 'cert_not_yet_valid',
      message: `the certificate ${who} is valid only from ${cert.validFrom}`,
    };
  return null;
}

function expiryWarnings(certs: readonly X509Certificate[], nowMs: number): string[] {
  const warnings: string[] = [];
  for (const cert of certs) {
    const daysLeft = Math.floor((Date.parse(cert.validTo) - nowMs) / dayMs);
    if (daysLeft < expiryWarningDays) {
      warnings.push(
        `the certificate ${oneLine(cert.subject)} expires in ${daysLeft} days (${cert.validTo}); renew it and apply socket.ssl_reload`,
      );
    }
  }
  return warnings;
}

/**
 * Builds material without any of the checks above. For tests and tools that must present a bad
 * certificate on purpose (an expired one, one from another CA); a node never uses this.
 */
export function tlsMaterialUnchecked(
  keyPem: string,
  certPem: string,
  caPem: string,
  cipher?: string,
): TlsMaterial {
  const chain = parseCertificates(certPem) ?? [];
  const caCerts = (parseCertificates(caPem) ?? []).filter((cert) => cert.ca);
  return {
    paths: { keyPath: '(memory)', certPath: '(memory)', caPath: '(memory)' },
    keyPem,
    certPem,
    caPem,
    chain,
    caCerts,
    cipher,
    passphrase: undefined,
    warnings: [],
  };
}
