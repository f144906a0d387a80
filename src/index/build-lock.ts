/**
 * One build at a time per index directory. The lock file holds the owner's pid and host, so a
 * lock left by a killed build is recognised as stale at once instead of after a timeout.
 */
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
  if (host !== os.hostname() || !Number.isInteger(pid)) return true; // cannot tell: assume alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws BuildLockedError; returns the release function. */
export function acquireBuildLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const me = `${os.hostname()}:${process.pid}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === me) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = '';
      try {
        owner = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // released between our two calls
      }
      if (ownerIsAlive(owner)) throw new BuildLockedError(dir, owner);
      fs.rmSync(file, { force: true });
    }
  }
  throw new BuildLockedError(dir, 'unknown');
}
