// What tests share: waiting for a condition, temporary folders, free ports on loopback. One
// definition each (STYLE.md, "One of each").
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `check` holds, polling every `pollMs`; a check that throws counts as not yet (its
 * last error is in the timeout's message).
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  pollMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(pollMs);
  }
}

/** A new empty folder under the system's temporary folder. */
export function tempDir(prefix = 'trireme-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A free port on 127.0.0.1 below Linux's ephemeral range (32768–60999): a node stopped and
 * started again must find its port free, and a port the kernel handed out (listen(0)) is soon
 * the source port of some outgoing connection (seen: EADDRINUSE at a restart in CI).
 *
 * A port is handed out once across every test process on the machine: test files run two at a
 * time, and a port found free but not yet bound by its node was taken by the other file's node
 * (seen: EADDRINUSE at a cluster's start in CI). Each port handed out is reserved by a file
 * naming this process, kept until it exits; a file whose process is gone is removed at the first
 * draw of a later process.
 */
export async function freePort(): Promise<number> {
  if (reservedHere.length === 0) sweepReservations();
  for (let attempt = 0; attempt < 400; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!reserve(port)) continue;
    if (await canListen(port)) return port;
  }
  throw new Error('no free port in 20000-31999 after 400 tries');
}

const portReservations = join(tmpdir(), 'trireme-test-ports');
const reservedHere: string[] = [];

/**
 * Reserves `port` for this process, or false if another holds it. The file is linked into place
 * with its content already written: a file created empty and written after could be read empty by
 * another process in between, and taken for one whose owner is gone (seen: 10 ports handed to two
 * processes at once under load).
 */
function reserve(port: number): boolean {
  const path = join(portReservations, String(port));
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, String(process.pid));
  try {
    linkSync(draft, path);
  } catch {
    return false;
  } finally {
    rmSync(draft, { force: true });
  }
  if (reservedHere.length === 0) process.once('exit', releaseReservations);
  reservedHere.push(path);
  return true;
}

/** Removes the reservations of processes that are gone (a test killed before its exit hook). */
function sweepReservations(): void {
  mkdirSync(portReservations, { recursive: true });
  for (const name of readdirSync(portReservations)) {
    if (!/^\d+$/.test(name)) continue;
    const path = join(portReservations, name);
    if (!isAlive(ownerOf(path))) rmSync(path, { force: true });
  }
}

/** The process id a reservation names; -1 (alive, so kept) when it cannot be read now. */
function ownerOf(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8'));
  } catch {
    return -1;
  }
}

function isAlive(pid: number): boolean {
  if (pid === -1) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseReservations(): void {
  for (const path of reservedHere) rmSync(path, { force: true });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
