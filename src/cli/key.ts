// `trireme key`: key files for encryption at rest, in MariaDB's file_key_management format.
//   create --file F [--id N] [--filekey SECRET|FILE:path]   a new file (mode 0600) with key N
//   rotate --file F [--id N] [--filekey SECRET|FILE:path]   adds the next version of each key
//   reencrypt --defaults-file F                             a stopped node's files to the keys now
//   decrypt --file F [--filekey …] DUMP                     a sealed local-history dump, as SQL
// An encrypted key file (file_key_management_filekey) stays encrypted when rotated. Design:
// docs/design/encryption.md.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatConfigError, loadServerConfig } from '../config/index.js';
import {
  encryptKeyFile,
  formatKeyFile,
  isEncryptedKeyFile,
  newKey,
  openSealedFile,
  readKeyRing,
  describeSealedFileError,
  rotateKeys,
  type KeyVersion,
} from '../keys/index.js';
import { reencryptNode } from '../node/encryption.js';
import { lockDatadir } from '../storage/index.js';

const usage = `usage:
  trireme key create --file F [--id N] [--filekey SECRET|FILE:path]
      writes a new key file (mode 0600) holding one 256-bit key, id N (default 1); with
      --filekey the file is encrypted as MariaDB's file_key_management_filekey expects
  trireme key rotate --file F [--id N] [--filekey SECRET|FILE:path]
      adds a new version of every key (or of key N); the newest version encrypts new data,
      older versions stay readable
  trireme key reencrypt --defaults-file F
      on a stopped node: rewrites its database and GCache under the newest key versions (after
      a rotate), or encrypts or decrypts them after the encryption options changed
  trireme key decrypt --file F [--filekey SECRET|FILE:path] DUMP
      prints a sealed local-history dump (local-history-*.sql.enc) as the SQL it holds`;

export interface KeyIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: KeyIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

interface KeyArgs {
  readonly file: string;
  readonly id: number | null;
  readonly filekey: string | null;
}

function parseKeyArgs(args: string[], positionals = 0): (KeyArgs & { paths: string[] }) | string {
  let values;
  let paths: string[];
  try {
    ({ values, positionals: paths } = parseArgs({
      args,
      allowPositionals: positionals > 0,
      options: {
        file: { type: 'string' },
        id: { type: 'string' },
        filekey: { type: 'string' },
      },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.file === undefined) return '--file is required';
  if (paths.length !== positionals) return `${positionals} file name(s) expected`;
  let id: number | null = null;
  if (values.id !== undefined) {
    id = Number(values.id);
    if (!/^\d+$/.test(values.id) || id < 1 || id > 0xffff_ffff)
      return `--id ${values.id} is not a key id (1..4294967295)`;
  }
  return { file: values.file, id, filekey: values.filekey ?? null, paths };
}

async function secretOf(filekey: string): Promise<string> {
  if (!filekey.startsWith('FILE:')) return filekey;
  return (await readFile(filekey.slice('FILE:'.length), 'utf8')).replace(/[\r\n]+$/, '');
}

async function fileBytes(keys: readonly KeyVersion[], filekey: string | null): Promise<Uint8Array> {
  const text = formatKeyFile(keys);
  return filekey === null
    ? Buffer.from(text, 'utf8')
    : encryptKeyFile(text, await secretOf(filekey));
}

async function create(args: KeyArgs, io: KeyIo): Promise<number> {
  const bytes = await fileBytes([newKey(args.id ?? 1, 1)], args.filekey);
  let handle;
  try {
    handle = await open(args.file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(
      code === 'EEXIST'
        ? `trireme key create: ${args.file} exists; use \`trireme key rotate\` to add a key version`
        : `trireme key create: cannot create ${args.file}: ${code ?? String(error)}`,
    );
    return 1;
  }
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  io.out(`trireme key create: wrote ${args.file} (key id ${args.id ?? 1}, 256 bits, mode 0600)`);
  return 0;
}

async function rotate(args: KeyArgs, io: KeyIo): Promise<number> {
  const ring = readKeyRing({ filename: args.file, filekey: args.filekey });
  if (!ring.ok) {
    io.err(`trireme key rotate: ${ring.error}`);
    return 1;
  }
  const rotated = rotateKeys(ring.value, args.id);
  if (!rotated.ok) {
    io.err(`trireme key rotate: ${args.file}: ${rotated.error}`);
    return 1;
  }
  // An encrypted key file stays encrypted (readKeyRing needed the filekey to read it).
  const wasEncrypted = isEncryptedKeyFile(await readFile(args.file));
  const bytes = await fileBytes(rotated.value, wasEncrypted ? args.filekey : null);
  const temp = `${args.file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, args.file);
  const added = rotated.value.slice(ring.value.all().length);
  const names = added.map((key) => `id ${key.id} version ${key.version}`).join(', ');
  io.out(`trireme key rotate: ${args.file}: added ${names}`);
  return 0;
}

async function reencrypt(args: string[], io: KeyIo): Promise<number> {
  const loaded = loadServerConfig({ args });
  if (!loaded.ok) {
    io.err(`trireme key reencrypt: ${formatConfigError(loaded.error)}`);
    return 2;
  }
  if (!args.some((arg) => arg.startsWith('--defaults-file'))) {
    io.err(`trireme key reencrypt: --defaults-file is required\n\n${usage}`);
    return 2;
  }
  const locked = lockDatadir(loaded.value.config.server.datadir);
  if (!locked.ok) {
    io.err(`trireme key reencrypt: ${locked.message}`);
    return 1;
  }
  try {
    for (const line of await reencryptNode(loaded.value.config))
      io.out(`trireme key reencrypt: ${line}`);
    return 0;
  } catch (error) {
    io.err(`trireme key reencrypt: ${(error as Error).message}`);
    return 1;
  }
}

async function decrypt(args: KeyArgs & { paths: string[] }, io: KeyIo): Promise<number> {
  const ring = readKeyRing({ filename: args.file, filekey: args.filekey });
  if (!ring.ok) {
    io.err(`trireme key decrypt: ${ring.error}`);
    return 1;
  }
  const path = args.paths[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    io.err(`trireme key decrypt: cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
    return 1;
  }
  const opened = openSealedFile(bytes, (id, version) => ring.value.find(id, version));
  if (!opened.ok) {
    io.err(`trireme key decrypt: ${describeSealedFileError(path, args.file, opened.error)}`);
    return 1;
  }
  const text = Buffer.concat(opened.value.records).toString('utf8');
  io.out(text.replace(/\n$/, ''));
  if (opened.value.tornBytes > 0)
    io.err(
      `trireme key decrypt: ${path}: the last ${opened.value.tornBytes} bytes are a record cut short (a crash while it was written), left out`,
    );
  return 0;
}

export async function runKey(argv: string[], io: KeyIo = consoleIo): Promise<number> {
  const command = argv[0];
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(usage);
    return 0;
  }
  if (command === 'reencrypt') return reencrypt(argv.slice(1), io);
  if (command !== 'create' && command !== 'rotate' && command !== 'decrypt') {
    io.err(command === undefined ? usage : `trireme key: unknown command '${command}'\n\n${usage}`);
    return 2;
  }
  const args = parseKeyArgs(argv.slice(1), command === 'decrypt' ? 1 : 0);
  if (typeof args === 'string') {
    io.err(`trireme key ${command}: ${args}\n\n${usage}`);
    return 2;
  }
  if (command === 'decrypt') return decrypt(args, io);
  return command === 'create' ? create(args, io) : rotate(args, io);
}
