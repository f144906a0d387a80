/**
 * Crash-safe publication of an index. Data files are content-addressed (`role-<sha>.ext`) and
 * never overwritten; they are written and synced in a staging directory, moved in, and only then
 * is manifest.json replaced by an atomic rename. A build killed at any point leaves the previous
 * manifest pointing at the previous, untouched files. Files no manifest names are removed after.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readRegularFileSync } from '../index/regular-file.js';
import { INDEX_FILE_NAME, MANIFEST_FILE, sha256, type FileRef, type IndexFileRole, type Manifest } from '../index/manifest.js';

export const STAGING_PREFIX = '.staging-';

/** Writes all of it or throws: write(2) may write less than asked (a full disk, a signal). */
function writeSynced(file: string, data: Buffer | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = fs.openSync(file, 'w');
  try {
    for (let done = 0; done < bytes.length; ) {
      const n = fs.writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw new Error(`could not write ${file}: no progress after ${done} of ${bytes.length} bytes`);
      done += n;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** True when the file holds exactly what the reference says (size first: cheap, then the hash). */
export function fileMatches(file: string, ref: FileRef): boolean {
  try {
    const data = readRegularFileSync(file, ref.bytes); // a FIFO or a device here must not hang the build
    return data.length === ref.bytes && sha256(data) === ref.sha256;
  } catch {
    return false;
  }
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes staging directories left by builds that were killed. Call under the build lock. */
export function removeStaleStaging(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith(STAGING_PREFIX)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

export class Staging {
  readonly path: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.path = fs.mkdtempSync(path.join(dir, STAGING_PREFIX));
  }

  /** A scratch path inside the staging directory, for writers that insist on a file name. */
  scratch(name: string): string {
    return path.join(this.path, name);
  }

  add(role: IndexFileRole, ext: string, data: Buffer | string): FileRef {
    const hash = sha256(data);
    const name = `${role}-${hash.slice(0, 16)}.${ext}`;
    writeSynced(path.join(this.path, name), data);
    return { name, bytes: Buffer.byteLength(data), sha256: hash };
  }

  /**
   * Moves the data files in, verifies every one the manifest names, then swaps the manifest in
   * atomically, then collects garbage. A file already there under the same name is kept only if
   * its content checks out: a build that died on a full disk can leave a truncated one behind.
   */
  commit(manifest: Manifest): void {
    for (const ref of Object.values(manifest.files)) {
      const target = path.join(this.dir, ref.name);
      if (fileMatches(target, ref)) continue; // already there, and verified
      fs.renameSync(path.join(this.path, ref.name), target);
      if (!fileMatches(target, ref))
        throw new Error(`${ref.name} does not match what was written (${ref.bytes} bytes); the index was left as it was`);
    }
    syncDir(this.dir);
    const staged = path.join(this.path, MANIFEST_FILE);
    writeSynced(staged, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(staged, path.join(this.dir, MANIFEST_FILE));
    syncDir(this.dir);
    this.discard();
    collectGarbage(this.dir, manifest);
  }

  discard(): void {
    fs.rmSync(this.path, { recursive: true, force: true });
  }
}

function collectGarbage(dir: string, manifest: Manifest): void {
  const live = new Set(Object.values(manifest.files).map((f) => f.name));
  for (const entry of fs.readdirSync(dir)) {
    if (INDEX_FILE_NAME.test(entry) && !live.has(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  }
}
