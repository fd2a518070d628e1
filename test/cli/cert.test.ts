// Goal: `trireme cert` writes a CA and node/client certificates that Node's own X.509 parser and
// OpenSSL accept, with the promised extensions, modes and refusals. Method: run the command
// end to end in a temp directory and inspect the files with node:crypto.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ensureLocalCerts, runCert, type CertIo } from '../../src/cli/cert.js';

const oidServerAuth = '1.3.6.1.5.5.7.3.1';
const oidClientAuth = '1.3.6.1.5.5.7.3.2';

let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'trireme-cert-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CertIo = { out: (text) => out.push(text), err: (text) => err.push(text) };
  const code = await runCert(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('trireme cert, end to end', () => {
  let dir: string;
  let ca: X509Certificate;

  before(async () => {
    dir = join(root, 'certs');
    const result = await run('create-ca', '--dir', dir, '--name', 'test CA', '--days', '100');
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /wrote .*ca\.pem/);
    const parsed = certificates(await readFile(join(dir, 'ca.pem'), 'utf8'))[0];
    assert.ok(parsed);
    ca = parsed;
  });

  test('create-ca writes an ECDSA P-256 CA with a private key file of mode 0600', async () => {
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /CN=test CA/);
    assert.ok(ca.checkIssued(ca) && ca.verify(ca.publicKey), 'self-signed');
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const days = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / 86_400_000;
    assert.equal(Math.round(days), 100);
    assert.equal(await modeOf(join(dir, 'ca-key.pem')), 0o600);
    const key = createPrivateKey(await readFile(join(dir, 'ca-key.pem'), 'utf8'));
    assert.ok(ca.checkPrivateKey(key));
  });

  test('create-node writes the leaf then the CA, for server and client use, with the default names', async () => {
    const result = await run('create-node', 'node1', '--dir', dir);
    assert.equal(result.code, 0, result.err);
    const certPath = join(dir, 'node1-cert.pem');
    const keyPath = join(dir, 'node1-key.pem');
    assert.ok(
      result.out.includes(
        `wsrep_provider_options="socket.ssl_key=${keyPath};socket.ssl_cert=${certPath};socket.ssl_ca=${join(dir, 'ca.pem')}"`,
      ),
      result.out,
    );
    const [leaf, chainCa, extra] = certificates(await readFile(certPath, 'utf8'));
    assert.ok(leaf && chainCa);
    assert.equal(extra, undefined);
    assert.equal(chainCa.fingerprint256, ca.fingerprint256);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.equal(leaf.ca, false);
    assert.deepEqual([...leaf.keyUsage].sort(), [oidServerAuth, oidClientAuth].sort());
    assert.equal(
      leaf.subjectAltName,
      'DNS:node1, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    assert.ok(leaf.checkIP('127.0.0.1') !== undefined && leaf.checkHost('node1') !== undefined);
    assert.match(leaf.subject, /CN=node1/);
    assert.equal(await modeOf(keyPath), 0o600);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(await readFile(keyPath, 'utf8'))));
  });

  test('create-node with --ip and --dns puts exactly those names in the certificate', async () => {
    const result = await run(
      'create-node',
      'db2',
      '--dir',
      dir,
      '--ip',
      '10.0.0.2',
      '--ip',
      'fd00::2',
      '--dns',
      'db2.example.com',
    );
    assert.equal(result.code, 0, result.err);
    const [leaf] = certificates(await readFile(join(dir, 'db2-cert.pem'), 'utf8'));
    assert.equal(
      leaf?.subjectAltName,
      'DNS:db2.example.com, IP Address:10.0.0.2, IP Address:FD00:0:0:0:0:0:0:2',
    );
  });

  test('create-client makes a clientAuth-only certificate and prints the [client] lines', async () => {
    const result = await run('create-client', 'app', '--dir', dir);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /ssl-cert=.*app-cert\.pem/);
    const [leaf] = certificates(await readFile(join(dir, 'app-cert.pem'), 'utf8'));
    assert.deepEqual(leaf?.keyUsage, [oidClientAuth]);
    assert.equal(leaf?.subjectAltName, 'DNS:app');
    assert.equal(await modeOf(join(dir, 'app-key.pem')), 0o600);
  });

  test('existing files are not overwritten without --force', async () => {
    const before = await readFile(join(dir, 'node1-cert.pem'), 'utf8');
    const refused = await run('create-node', 'node1', '--dir', dir);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /refusing to overwrite .*node1-cert\.pem and .*node1-key\.pem; pass --force/,
    );
    assert.equal(await readFile(join(dir, 'node1-cert.pem'), 'utf8'), before);
    const refusedCa = await run('create-ca', '--dir', dir);
    assert.equal(refusedCa.code, 1);
    await writeFile(join(dir, 'node1-key.pem'), 'old', { mode: 0o644 });
    const forced = await run('create-node', 'node1', '--dir', dir, '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.notEqual(await readFile(join(dir, 'node1-cert.pem'), 'utf8'), before);
    assert.equal(
      await modeOf(join(dir, 'node1-key.pem')),
      0o600,
      'a forced key file is made private again',
    );
  });

  test('clear errors for a missing CA, bad names and bad options', async () => {
    const noCa = await run('create-node', 'node1', '--dir', join(root, 'empty'));
    assert.equal(noCa.code, 1);
    assert.match(noCa.err, /no CA in .*create-ca --dir/);
    const badIp = await run('create-node', 'n9', '--dir', dir, '--ip', '300.1.1.1');
    assert.equal(badIp.code, 1);
    assert.match(badIp.err, /'300\.1\.1\.1' is not an IPv4 or IPv6 address/);
    const badName = await run('create-node', '../evil', '--dir', dir);
    assert.equal(badName.code, 1);
    const noDir = await run('create-ca');
    assert.equal(noDir.code, 2);
    assert.match(noDir.err, /--dir is required/);
    const unknownOption = await run('create-ca', '--dir', dir, '--bogus');
    assert.equal(unknownOption.code, 2);
    const unknownCommand = await run('create-thing', '--dir', dir);
    assert.equal(unknownCommand.code, 2);
    const badDays = await run('create-ca', '--dir', dir, '--days', 'ten');
    assert.equal(badDays.code, 2);
    assert.equal((await run('--help')).code, 0);
  });
});

describe('ensureLocalCerts', () => {
  test('creates what is missing and nothing more', async () => {
    const dir = join(root, 'local');
    const first = await ensureLocalCerts(dir, ['node1', 'node2', 'node3']);
    assert.equal(first.created.length, 8);
    const second = await ensureLocalCerts(dir, ['node1', 'node2', 'node3', 'node4']);
    assert.deepEqual(second.created, [join(dir, 'node4-cert.pem'), join(dir, 'node4-key.pem')]);
    const ca = certificates(await readFile(first.caPath, 'utf8'))[0];
    assert.ok(ca);
    for (const name of ['node1', 'node4']) {
      const files = second.nodes.get(name);
      assert.ok(files);
      const [leaf] = certificates(await readFile(files.certPath, 'utf8'));
      assert.ok(leaf?.checkIssued(ca));
      assert.equal(await modeOf(files.keyPath), 0o600);
    }
  });
});
