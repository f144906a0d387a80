/**
 * One build at a time per index directory. The lock file holds the owner's pid and host, so a
 * lock left by a killed build is recognised as stale at once instead of after a timeout.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = '.build.lock';

export class BuildLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: string,
  ) {
    super(
      `another build is writing ${dir} (${owner}); wait for it to finish, or remove ${path.join(dir, LOCK_FILE)} if that process is gone`,
    );
  }
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat): with the
 * pid it names one process for good, where a pid alone is reused once its process is gone.
 */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerIsAlive(content: string): boolean {
  const [host, pidText, started] = content.trim().split(':');
  const pid = Number(pidText);
  if (content.trim() === '') return false; // locks are created whole (below): an empty one is a leftover
  if (host !== os.hostname() || !Number.isInteger(pid)) return true; // cannot tell: assume alive
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Alive, but is it the same process? A killed build's pid may belong to another by now.
  const now = startTime(pid);
  return started === undefined || now === undefined || now === started;
}

function readOrEmpty(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone
  }
}

/** A breaker left by a build killed while clearing a stale lock (held for microseconds) is this old. */
const BREAKER_STALE_MS = 10_000;

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes the lock if it still holds the stale owner that was read. Only one build at a time may
 * do this (it holds `<lock>.breaking`, made with mkdir, which is atomic), and it reads the owner
 * again first: nobody else can remove the lock meanwhile, and nobody can take it while it exists,
 * so a lock some other build took in between is never removed.
 */
function breakStaleLock(file: string, staleOwner: string): void {
  const breaker = `${file}.breaking`;
  try {
    fs.mkdirSync(breaker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > BREAKER_STALE_MS) fs.rmdirSync(breaker);
    } catch {
      /* cleared by its owner meanwhile */
    }
    pause(2); // another build is clearing it: look again shortly
    return;
  }
  try {
    if (readOrEmpty(file) === staleOwner) fs.rmSync(file, { force: true });
  } finally {
    fs.rmdirSync(breaker);
  }
}

/**
 * Takes the lock or throws BuildLockedError; returns the release function. The lock file is
 * written whole under a private name, then linked into place: link(2) fails if the lock exists,
 * so taking it is atomic and nobody ever reads a half-written owner.
 */
export function acquireBuildLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const started = startTime(process.pid);
  const me = `${os.hostname()}:${process.pid}${started ? `:${started}` : ''}`;
  const mine = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(mine, me);
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        fs.linkSync(mine, file);
        return () => {
          if (readOrEmpty(file) === me) fs.rmSync(file, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = readOrEmpty(file);
        if (owner === undefined) continue; // released between our two calls
        if (ownerIsAlive(owner)) throw new BuildLockedError(dir, owner);
        breakStaleLock(file, owner);
      }
    }
    throw new BuildLockedError(dir, readOrEmpty(file) ?? 'unknown');
  } finally {
    fs.rmSync(mine, { force: true });
  }
}
