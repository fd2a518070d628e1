// What tests share: waiting for a condition, temporary folders, free ports on loopback. One
// definition each (STYLE.md, "One of each").
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
 * naming this process, kept until it exits; a file whose process is gone is taken over.
 */
export async function freePort(): Promise<number> {
  mkdirSync(portReservations, { recursive: true });
  for (let attempt = 0; attempt < 400; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!reserve(port)) continue;
    if (await canListen(port)) return port;
  }
  throw new Error('no free port in 20000-31999 after 400 tries');
}

const portReservations = join(tmpdir(), 'trireme-test-ports');
const reservedHere: string[] = [];

function reserve(port: number): boolean {
  const path = join(portReservations, String(port));
  for (let round = 0; round < 2; round++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      if (reservedHere.length === 0) process.once('exit', releaseReservations);
      reservedHere.push(path);
      return true;
    } catch {
      if (round === 1 || isAlive(ownerOf(path))) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

function ownerOf(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8'));
  } catch {
    return 0;
  }
}

function isAlive(pid: number): boolean {
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
