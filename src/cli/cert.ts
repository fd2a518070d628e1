// `trireme cert`: the cluster CA and node/client certificates in one command each, replacing the
// nine openssl steps a Galera user runs today. The library functions below are also what a local
// cluster uses to create its certificates on first start. Design: docs/design/tls.md.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const dayMs = 24 * 60 * 60 * 1000;
export const caDaysDefault = 3650;
export const leafDaysDefault = 825;
const daysMax = 36500;
const sanCountMax = 64;
// Peers whose clocks run a little behind must not see a fresh certificate as "not yet valid".
const backdateMs = 5 * 60 * 1000;
const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export type CertPurpose = 'serverAuth' | 'clientAuth';

export interface CaOptions {
  /** Common name of the CA; default "trireme cluster CA". */
  name?: string;
  days?: number;
  /** Start of validity; default now (minus a few minutes of clock-skew margin). */
  validFrom?: Date;
}

export interface CertificateAndKeyPem {
  /** Certificate PEM; for a node or client certificate: the leaf, then the CA certificate. */
  certPem: string;
  /** PKCS#8 private key PEM (unencrypted). */
  keyPem: string;
}

export interface NodeCertOptions {
  /** Node (or client) name: the subject CN, and the default DNS name. */
  name: string;
  /** IP addresses for the subjectAltName; default 127.0.0.1 and ::1 (when dnsNames is also absent). */
  ips?: readonly string[];
  /** DNS names for the subjectAltName; default name and localhost (when ips is also absent). */
  dnsNames?: readonly string[];
  days?: number;
  validFrom?: Date;
  /** Extended key usages; default both (a node is a TLS server and a TLS client). */
  purposes?: readonly CertPurpose[];
}

export class CertError extends Error {
  override readonly name = 'CertError';
}

// ---------------------------------------------------------------------------------------------
// Library

export async function createCa(options: CaOptions = {}): Promise<CertificateAndKeyPem> {
  const name = options.name ?? 'trireme cluster CA';
  const { notBefore, notAfter } = validity(options.validFrom, options.days ?? caDaysDefault);
  const keys = await webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
  const subject: x509.JsonName = [{ CN: [name] }, { O: ['trireme'] }];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemOf(cert), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Issues a leaf certificate signed by `ca` (an ECDSA or RSA CA, e.g. one made with openssl). */
export async function createNodeCert(
  ca: CertificateAndKeyPem,
  options: NodeCertOptions,
): Promise<CertificateAndKeyPem> {
  const caCert = new x509.X509Certificate(firstPem(ca.certPem));
  const signer = await importSigningKey(ca.keyPem);
  const purposes = options.purposes ?? ['serverAuth', 'clientAuth'];
  if (purposes.length === 0) throw new CertError('a certificate needs at least one purpose');
  const span = validity(options.validFrom, options.days ?? leafDaysDefault);
  const notBefore = span.notBefore;
  let notAfter = span.notAfter;
  if (notAfter > caCert.notAfter) {
    if (options.days !== undefined) {
      throw new CertError(
        `the certificate would outlive its CA (CA valid until ${caCert.notAfter.toISOString()}); use fewer --days`,
      );
    }
    // By default a certificate simply ends with its CA: it could not be verified after that.
    notAfter = caCert.notAfter;
  }
  const keys = await webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [options.name] }, { O: ['trireme'] }],
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        purposes.map((p) => x509.ExtendedKeyUsage[p]),
        false,
      ),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(options), false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyIdentifier(caCert),
    ],
  });
  return {
    certPem: pemOf(cert) + pemOf(caCert),
    keyPem: await privateKeyPem(keys.privateKey),
  };
}

export interface CertFiles {
  caPath: string;
  caKeyPath: string;
  nodes: ReadonlyMap<string, { certPath: string; keyPath: string }>;
  /** Files this call wrote (the others existed already). */
  created: readonly string[];
}

/** Makes sure `dir` holds a CA and a certificate for every node; creates only what is missing. */
export async function ensureLocalCerts(
  dir: string,
  nodeNames: readonly string[],
): Promise<CertFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  const created: string[] = [];
  const caExists = await exists(caPath);
  if (caExists !== (await exists(caKeyPath))) {
    throw new CertError(
      `${dir} has only one of ca.pem and ca-key.pem; restore the other or remove both`,
    );
  }
  if (!caExists) {
    const ca = await createCa();
    await writePemFiles(
      [
        { path: caPath, pem: ca.certPem, mode: 0o644 },
        { path: caKeyPath, pem: ca.keyPem, mode: 0o600 },
      ],
      false,
    );
    created.push(caPath, caKeyPath);
  }
  const ca = await readCa(dir);
  const nodes = new Map<string, { certPath: string; keyPath: string }>();
  for (const name of nodeNames) {
    checkName(name);
    const certPath = join(dir, `${name}-cert.pem`);
    const keyPath = join(dir, `${name}-key.pem`);
    nodes.set(name, { certPath, keyPath });
    if ((await exists(certPath)) && (await exists(keyPath))) continue;
    const leaf = await createNodeCert(ca, { name });
    await writePemFiles(
      [
        { path: certPath, pem: leaf.certPem, mode: 0o644 },
        { path: keyPath, pem: leaf.keyPem, mode: 0o600 },
      ],
      true,
    );
    created.push(certPath, keyPath);
  }
  return { caPath, caKeyPath, nodes, created };
}

// ---------------------------------------------------------------------------------------------
// Command line

export interface CertIo {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: CertIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const usage = `usage:
  trireme cert create-ca --dir D [--name "trireme cluster CA"] [--days ${caDaysDefault}] [--force]
  trireme cert create-node NAME --dir D [--ip 127.0.0.1 ...] [--dns host ...] [--days ${leafDaysDefault}] [--force]
  trireme cert create-client NAME --dir D [--days ${leafDaysDefault}] [--force]

create-ca      writes D/ca.pem and D/ca-key.pem (ECDSA P-256; the key is mode 0600)
create-node    writes D/NAME-cert.pem (certificate then CA) and D/NAME-key.pem, signed by D/ca.pem,
               for both TLS server and client use; default names: NAME, localhost, 127.0.0.1, ::1
create-client  the same for a MySQL client (client use only)`;

/** Runs `trireme cert …`; returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function runCert(argv: string[], io: CertIo = consoleIo): Promise<number> {
  const command = argv[0];
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    if (command !== undefined) {
      io.out(usage);
      return 0;
    }
    io.err(usage);
    return 2;
  }
  let parsed: ReturnType<typeof parseCertArgs>;
  try {
    parsed = parseCertArgs(argv.slice(1));
  } catch (error) {
    io.err(`trireme cert ${command}: ${messageOf(error)}\n\n${usage}`);
    return 2;
  }
  try {
    switch (command) {
      case 'create-ca':
        return await commandCreateCa(parsed, io);
      case 'create-node':
      case 'create-client':
        return await commandCreateLeaf(command, parsed, io);
      default:
        io.err(`trireme cert: unknown command '${command}'\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CertError || isNodeError(error)) {
      io.err(`trireme cert ${command}: ${messageOf(error)}`);
      return 1;
    }
    throw error;
  }
}

function parseCertArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      dir: { type: 'string' },
      name: { type: 'string' },
      days: { type: 'string' },
      ip: { type: 'string', multiple: true },
      dns: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
    },
  });
  if (values.dir === undefined) throw new Error('--dir is required');
  let days: number | undefined;
  if (values.days !== undefined) {
    days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > daysMax) {
      throw new Error(`--days must be a whole number from 1 to ${daysMax}, not '${values.days}'`);
    }
  }
  return {
    dir: resolve(values.dir),
    caName: values.name,
    days,
    ips: values.ip ?? [],
    dnsNames: values.dns ?? [],
    force: values.force ?? false,
    positionals,
  };
}

type CertArgs = ReturnType<typeof parseCertArgs>;

async function commandCreateCa(args: CertArgs, io: CertIo): Promise<number> {
  if (args.positionals.length > 0)
    throw new CertError(`unexpected argument '${args.positionals[0]}'`);
  if (args.ips.length > 0 || args.dnsNames.length > 0)
    throw new CertError('--ip and --dns are for create-node');
  const caPath = join(args.dir, 'ca.pem');
  const caKeyPath = join(args.dir, 'ca-key.pem');
  await refuseExisting([caPath, caKeyPath], args.force);
  const ca = await createCa({ name: args.caName, days: args.days });
  await mkdir(args.dir, { recursive: true, mode: 0o700 });
  await writePemFiles(
    [
      { path: caPath, pem: ca.certPem, mode: 0o644 },
      { path: caKeyPath, pem: ca.keyPem, mode: 0o600 },
    ],
    args.force,
  );
  const cert = new X509Certificate(ca.certPem);
  io.out(
    `wrote ${caPath} (CA certificate "${args.caName ?? 'trireme cluster CA'}", valid until ${cert.validTo})`,
  );
  io.out(`wrote ${caKeyPath} (CA private key, mode 0600: keep it off the nodes if you can)`);
  io.out(`\nnext: trireme cert create-node NAME --dir ${args.dir}   (once per node)`);
  return 0;
}

async function commandCreateLeaf(
  command: 'create-node' | 'create-client',
  args: CertArgs,
  io: CertIo,
): Promise<number> {
  const [name, extra] = args.positionals;
  if (name === undefined) throw new CertError(`${command} needs a NAME, e.g. node1`);
  if (extra !== undefined) throw new CertError(`unexpected argument '${extra}'`);
  if (args.caName !== undefined)
    throw new CertError('--name is for create-ca; the node name is the first argument');
  checkName(name);
  const isClient = command === 'create-client';
  if (isClient && (args.ips.length > 0 || args.dnsNames.length > 0)) {
    throw new CertError('a client certificate carries no --ip/--dns names');
  }
  const certPath = join(args.dir, `${name}-cert.pem`);
  const keyPath = join(args.dir, `${name}-key.pem`);
  await refuseExisting([certPath, keyPath], args.force);
  const ca = await readCa(args.dir);
  const leaf = await createNodeCert(ca, {
    name,
    ...leafNames(isClient, name, args),
    days: args.days,
    purposes: isClient ? ['clientAuth'] : ['serverAuth', 'clientAuth'],
  });
  await writePemFiles(
    [
      { path: certPath, pem: leaf.certPem, mode: 0o644 },
      { path: keyPath, pem: leaf.keyPem, mode: 0o600 },
    ],
    args.force,
  );
  const cert = new X509Certificate(leaf.certPem);
  const caPath = join(args.dir, 'ca.pem');
  const use = isClient ? 'clientAuth' : 'serverAuth+clientAuth';
  io.out(
    `wrote ${certPath} (certificate for ${name}, then the CA; ${use}; ${cert.subjectAltName ?? 'no names'}; valid until ${cert.validTo})`,
  );
  io.out(`wrote ${keyPath} (private key, mode 0600)`);
  if (isClient) {
    io.out(
      `\nfor the mariadb client, in ~/.my.cnf [client]:\nssl-ca=${caPath}\nssl-cert=${certPath}\nssl-key=${keyPath}`,
    );
  } else {
    io.out(
      `\nin ${name}'s my.cnf, [galera] section:\n` +
        `wsrep_provider_options="socket.ssl_key=${keyPath};socket.ssl_cert=${certPath};socket.ssl_ca=${caPath}"`,
    );
  }
  return 0;
}

/** A client certificate names only its holder; a node's gets the names given, or the defaults. */
function leafNames(
  isClient: boolean,
  name: string,
  args: CertArgs,
): { ips?: readonly string[]; dnsNames?: readonly string[] } {
  if (isClient) return { ips: [], dnsNames: [name] };
  if (args.ips.length === 0 && args.dnsNames.length === 0) return {};
  return { ips: args.ips, dnsNames: args.dnsNames };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function validity(validFrom: Date | undefined, days: number): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(days) || days < 1 || days > daysMax) {
    throw new CertError(`days must be a whole number from 1 to ${daysMax}, not ${days}`);
  }
  const notBefore = validFrom ?? new Date(Date.now() - backdateMs);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * dayMs) };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  // A positive 127-bit serial: the top bit clear (DER integers are signed), never zero.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function subjectAltNames(options: NodeCertOptions): x509.JsonGeneralNames {
  const noneGiven = options.ips === undefined && options.dnsNames === undefined;
  const dnsNames = options.dnsNames ?? (noneGiven ? [options.name, 'localhost'] : []);
  const ips = options.ips ?? (noneGiven ? ['127.0.0.1', '::1'] : []);
  if (dnsNames.length + ips.length === 0)
    throw new CertError('a certificate needs at least one --ip or --dns name');
  if (dnsNames.length + ips.length > sanCountMax)
    throw new CertError(`at most ${sanCountMax} names per certificate`);
  for (const ip of ips) {
    if (isIP(ip) === 0) throw new CertError(`--ip '${ip}' is not an IPv4 or IPv6 address`);
  }
  for (const dns of dnsNames) {
    if (
      !/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*\.?$/.test(dns) ||
      dns.length > 253
    ) {
      throw new CertError(`--dns '${dns}' is not a valid DNS name`);
    }
  }
  return [
    ...[...new Set(dnsNames)].map((value) => ({ type: 'dns' as const, value })),
    ...[...new Set(ips)].map((value) => ({ type: 'ip' as const, value })),
  ];
}

async function authorityKeyIdentifier(caCert: x509.X509Certificate) {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski !== null) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false);
}

interface Signer {
  key: webcrypto.CryptoKey;
  algorithm: { name: string; hash: string };
}

async function importSigningKey(keyPem: string): Promise<Signer> {
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new CertError(`cannot read the CA private key: ${messageOf(error)}`);
  }
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (named === undefined)
      throw new CertError(`the CA key uses curve ${curve}; only P-256 and P-384 are supported`);
    const hash = named === 'P-256' ? 'SHA-256' : 'SHA-384';
    const imported = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: named },
      false,
      ['sign'],
    );
    return { key: imported, algorithm: { name: 'ECDSA', hash } };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const imported = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key: imported, algorithm };
  }
  throw new CertError(
    `the CA key is of type ${key.asymmetricKeyType}; only EC and RSA CA keys are supported`,
  );
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

function pemOf(cert: x509.X509Certificate): string {
  return cert.toString('pem') + '\n';
}

function firstPem(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (match === null) throw new CertError('no certificate in the CA file');
  return match[0];
}

async function readCa(dir: string): Promise<CertificateAndKeyPem> {
  const caPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca-key.pem');
  if (!(await exists(caPath)) || !(await exists(caKeyPath))) {
    throw new CertError(
      `no CA in ${dir} (need ca.pem and ca-key.pem); create one with: trireme cert create-ca --dir ${dir}`,
    );
  }
  const certPem = await readFile(caPath, 'utf8');
  const keyPem = await readFile(caKeyPath, 'utf8');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(firstPem(certPem));
  } catch (error) {
    throw new CertError(`${caPath} is not a PEM certificate: ${messageOf(error)}`);
  }
  if (!cert.ca)
    throw new CertError(`${caPath} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new CertError(`${caKeyPath} is not the private key of ${caPath}`);
    }
  } catch (error) {
    if (error instanceof CertError) throw error;
    throw new CertError(`cannot read ${caKeyPath}: ${messageOf(error)}`);
  }
  if (new Date(cert.validTo).getTime() < Date.now()) {
    throw new CertError(`the CA certificate ${caPath} expired on ${cert.validTo}; create a new CA`);
  }
  return { certPem: firstPem(certPem), keyPem };
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) {
    throw new CertError(
      `'${name}' is not a usable name: use letters, digits, '.', '_' and '-' (it becomes a file name and the certificate's CN)`,
    );
  }
}

async function refuseExisting(paths: readonly string[], force: boolean): Promise<void> {
  if (force) return;
  const present: string[] = [];
  for (const path of paths) if (await exists(path)) present.push(path);
  if (present.length > 0) {
    throw new CertError(`refusing to overwrite ${present.join(' and ')}; pass --force to replace`);
  }
}

async function writePemFiles(
  files: readonly { path: string; pem: string; mode: number }[],
  overwrite: boolean,
): Promise<void> {
  for (const file of files) {
    await writeFile(file.path, file.pem, { mode: file.mode, flag: overwrite ? 'w' : 'wx' });
    // An overwritten file keeps its old mode; a private key must not stay world-readable.
    await chmod(file.path, file.mode);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
