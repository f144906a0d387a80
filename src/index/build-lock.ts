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
    super(`another build is writing ${dir} (${owner}); wait for it to finish, or remove ${path.join(dir, LOCK_FILE)} if that process is gone`);
  }
}

function ownerIsAlive(content: string): boolean {
  const [host, pidText] = content.trim().split(':');
  const pid = Number(pidText);
  if (content.trim() === '') return false; // locks are created whole (below): an empty one is a leftover
  if (host !== os.hostname() || !Number.isInteger(pid)) return true; // cannot tell: assume alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrEmpty(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone
  }
}

/**
 * Removes the lock only if it still holds the stale owner that was read: it is renamed aside
 * first (atomic: of two builds doing this at once, one gets it), and a lock that turns out to
 * be a live build's, taken in the meantime, is put back.
 */
function breakStaleLock(file: string, staleOwner: string, me: string): void {
  const aside = `${file}.stale-${me.replace(/[^\w.-]/g, '_')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  if (readOrEmpty(aside) === staleOwner) fs.rmSync(aside, { force: true });
  else {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a third build holds the lock now */
    }
    fs.rmSync(aside, { force: true });
  }
}

/**
 * Takes the lock or throws BuildLockedError; returns the release function. The lock file is
 * written whole under a private name, then linked into place: link(2) fails if the lock exists,
 * so taking it is atomic and nobody ever reads a half-written owner.
 */
export function acquireBuildLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const me = `${os.hostname()}:${process.pid}`;
  const mine = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  fs.writeFileSync(mine, me);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
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
        breakStaleLock(file, owner, me);
      }
    }
    throw new BuildLockedError(dir, readOrEmpty(file) ?? 'unknown');
  } finally {
    fs.rmSync(mine, { force: true });
  }
}
