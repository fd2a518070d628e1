// Goal: bad TLS files are refused at startup with an error that names the option, the file and
// the fix. Method: a table of broken setups written to a temp directory, each loaded once.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createCa, createNodeCert, type CertificateAndKeyPem } from '../../src/cli/cert.js';
import {
  allowsPurpose,
  loadTlsMaterial,
  oidClientAuth,
  oidServerAuth,
  type TlsConfigErrorKind,
  type TlsPaths,
} from '../../src/net/tls-files.js';

const dayMs = 24 * 60 * 60 * 1000;
let dir: string;
let ca: CertificateAndKeyPem;
let node: CertificateAndKeyPem;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trireme-tls-files-'));
  ca = await createCa();
  node = await createNodeCert(ca, { name: 'node1' });
  const otherCa = await createCa({ name: 'other CA' });
  const files: Record<string, string> = {
    'ca.pem': ca.certPem,
    'node-cert.pem': node.certPem,
    'node-key.pem': node.keyPem,
    'other-key.pem': (await createNodeCert(ca, { name: 'node2' })).keyPem,
    'foreign-cert.pem': (await createNodeCert(otherCa, { name: 'x' })).certPem,
    'garbage.pem': 'hello\n',
    'leaf-only.pem':
      node.certPem.slice(0, node.certPem.indexOf('-----END CERTIFICATE-----') + 25) + '\n',
  };
  const variants: Record<string, Parameters<typeof createNodeCert>[1]> = {
    expired: { name: 'old', validFrom: new Date(Date.now() - 10 * dayMs), days: 2 },
    early: { name: 'early', validFrom: new Date(Date.now() + 2 * dayMs), days: 30 },
    'server-only': { name: 'le', purposes: ['serverAuth'] },
    'client-only': { name: 'app', purposes: ['clientAuth'] },
    soon: { name: 'soon', days: 10 },
  };
  for (const [name, options] of Object.entries(variants)) {
    const leaf = await createNodeCert(ca, options);
    files[`${name}-cert.pem`] = leaf.certPem;
    files[`${name}-key.pem`] = leaf.keyPem;
  }
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await mkdir(join(dir, 'a-directory'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function paths(
  key: string,
  cert: string,
  caFile: string | null = 'ca.pem',
  cipher?: string,
): TlsPaths {
  return {
    keyPath: join(dir, key),
    certPath: join(dir, cert),
    caPath: caFile === null ? undefined : join(dir, caFile),
    cipher,
  };
}

describe('loadTlsMaterial refuses bad setups', () => {
  const rows: {
    name: string;
    paths: () => TlsPaths;
    kind: TlsConfigErrorKind;
    option: string;
    says: RegExp;
  }[] = [
    {
      name: 'missing key file',
      paths: () => paths('nope-key.pem', 'node-cert.pem'),
      kind: 'file_missing',
      option: 'socket.ssl_key',
      says: /no such file/,
    },
    {
      name: 'missing CA file',
      paths: () => paths('node-key.pem', 'node-cert.pem', 'nope.pem'),
      kind: 'file_missing',
      option: 'socket.ssl_ca',
      says: /no such file/,
    },
    {
      name: 'unreadable certificate (a directory)',
      paths: () => paths('node-key.pem', 'a-directory'),
      kind: 'file_unreadable',
      option: 'socket.ssl_cert',
      says: /cannot read the file: EISDIR/,
    },
    {
      name: 'not a certificate',
      paths: () => paths('node-key.pem', 'garbage.pem'),
      kind: 'no_certificate_in_file',
      option: 'socket.ssl_cert',
      says: /no PEM certificate/,
    },
    {
      name: 'not a key',
      paths: () => paths('garbage.pem', 'node-cert.pem'),
      kind: 'key_invalid',
      option: 'socket.ssl_key',
      says: /cannot read the private key/,
    },
    {
      name: 'key of another certificate',
      paths: () => paths('other-key.pem', 'node-cert.pem'),
      kind: 'key_mismatch',
      option: 'socket.ssl_key',
      says: /does not belong to the certificate/,
    },
    {
      name: 'expired certificate',
      paths: () => paths('expired-key.pem', 'expired-cert.pem'),
      kind: 'cert_expired',
      option: 'socket.ssl_cert',
      says: /expired on/,
    },
    {
      name: 'certificate not yet valid',
      paths: () => paths('early-key.pem', 'early-cert.pem'),
      kind: 'cert_not_yet_valid',
      option: 'socket.ssl_cert',
      says: /valid only from/,
    },
    {
      name: 'CA file holding a node certificate',
      paths: () => paths('node-key.pem', 'node-cert.pem', 'leaf-only.pem'),
      kind: 'ca_file_has_no_ca',
      option: 'socket.ssl_ca',
      says: /no CA certificate/,
    },
    {
      name: "certificate without clientAuth (Let's Encrypt style)",
      paths: () => paths('server-only-key.pem', 'server-only-cert.pem'),
      kind: 'cert_lacks_client_auth',
      option: 'socket.ssl_cert',
      says: /lacks clientAuth/,
    },
    {
      name: 'client certificate used for a node',
      paths: () => paths('client-only-key.pem', 'client-only-cert.pem'),
      kind: 'cert_lacks_server_auth',
      option: 'socket.ssl_cert',
      says: /lacks serverAuth/,
    },
    {
      name: 'unknown cipher',
      paths: () => paths('node-key.pem', 'node-cert.pem', 'ca.pem', 'NOT-A-CIPHER'),
      kind: 'cipher_invalid',
      option: 'socket.ssl_cipher',
      says: /no usable cipher/,
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const result = await loadTlsMaterial(row.paths());
      assert.ok(!result.ok, 'the setup was accepted');
      assert.equal(result.error.kind, row.kind, result.error.message);
      assert.equal(result.error.option, row.option);
      assert.match(result.error.message, row.says);
      assert.ok(result.error.message.startsWith(`${row.option}=`), result.error.message);
      assert.ok(result.error.fix.length > 10);
    });
  }

  test('a certificate from another CA than socket.ssl_ca', async () => {
    await writeFile(join(dir, 'foreign-key.pem'), '');
    const otherCa = await createCa({ name: 'another' });
    const leaf = await createNodeCert(otherCa, { name: 'stray' });
    await writeFile(join(dir, 'stray-cert.pem'), leaf.certPem);
    await writeFile(join(dir, 'stray-key.pem'), leaf.keyPem);
    const result = await loadTlsMaterial(paths('stray-key.pem', 'stray-cert.pem'));
    assert.ok(!result.ok);
    assert.equal(result.error.kind, 'cert_not_from_ca');
  });
});

describe('loadTlsMaterial accepts good setups', () => {
  test('a node certificate from trireme cert', async () => {
    const result = await loadTlsMaterial(paths('node-key.pem', 'node-cert.pem'));
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(result.material.chain.length, 2);
    assert.equal(result.material.caCerts.length, 1);
    assert.deepEqual(result.material.warnings, []);
  });

  test('socket.ssl_ca defaults to the certificate file, which holds the CA after the leaf', async () => {
    const result = await loadTlsMaterial(paths('node-key.pem', 'node-cert.pem', null));
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(result.material.paths.caPath, join(dir, 'node-cert.pem'));
  });

  test('a certificate about to expire loads with a warning', async () => {
    const result = await loadTlsMaterial(paths('soon-key.pem', 'soon-cert.pem'));
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.equal(result.material.warnings.length, 1);
    assert.match(result.material.warnings[0] ?? '', /expires in 9 days/);
  });
});

describe('encrypted keys (socket.ssl_password_file)', () => {
  test('need their passphrase, and load with it', async () => {
    const encrypted = createPrivateKey(node.keyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'secret',
    });
    await writeFile(join(dir, 'encrypted-key.pem'), encrypted);
    const without = await loadTlsMaterial(paths('encrypted-key.pem', 'node-cert.pem'));
    assert.ok(!without.ok);
    assert.equal(without.error.kind, 'key_invalid');
    assert.match(without.error.message, /encrypted and the passphrase is missing or wrong/);
    const withPassphrase = await loadTlsMaterial({
      ...paths('encrypted-key.pem', 'node-cert.pem'),
      passphrase: 'secret',
    });
    assert.ok(withPassphrase.ok, withPassphrase.ok ? '' : withPassphrase.error.message);
  });
});

describe('extended key usage rule', () => {
  test('no extension means any purpose; present without the purpose means refused', () => {
    assert.equal(allowsPurpose(undefined, oidClientAuth), true);
    assert.equal(allowsPurpose([], oidClientAuth), true);
    assert.equal(allowsPurpose([oidServerAuth], oidClientAuth), false);
    assert.equal(allowsPurpose([oidServerAuth, oidClientAuth], oidClientAuth), true);
    assert.equal(allowsPurpose(['2.5.29.37.0'], oidServerAuth), true);
  });
});
