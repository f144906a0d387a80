/**
 * The index folders built on this machine by `npm run build-index` and `npm start`, remembered so
 * that a build elsewhere (another folder, S3, PostgreSQL: each built in a local folder of its own)
 * reuses their vectors instead of embedding the same passages again. A plain list in
 * .cache/local-builds.json, newest first, pruned of folders that are gone; losing it costs only
 * embedding time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import type { Manifest } from '../index/manifest.js';
import { readIndexFiles, readManifest } from '../index/read-index.js';

const REGISTRY = path.join(PROJECT_ROOT, '.cache', 'local-builds.json');
/** Enough to find yesterday's build of the same corpus, few enough to look through in a moment. */
const REMEMBERED = 20;

function remembered(): string[] {
  try {
    const list: unknown = JSON.parse(fs.readFileSync(REGISTRY, 'utf8'));
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

/** Remembers a folder a build just committed (written atomically; a concurrent writer's entry may be lost). */
export function rememberBuild(dir: string): void {
  const list = [path.resolve(dir), ...remembered().filter((p) => p !== path.resolve(dir) && fs.existsSync(p))].slice(0, REMEMBERED);
  fs.mkdirSync(path.dirname(REGISTRY), { recursive: true });
  const staged = `${REGISTRY}.${process.pid}.tmp`;
  fs.writeFileSync(staged, JSON.stringify(list, null, 2));
  fs.renameSync(staged, REGISTRY);
}

/**
 * Vectors for these embedding-input hashes from the remembered builds made with the same
 * embedder (other than `except`), as many as they hold.
 */
export async function vectorsFromLocalBuilds(
  embedder: Manifest['embedder'],
  hashes: readonly string[],
  except: string,
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  const wanted = new Set(hashes);
  for (const dir of remembered()) {
    if (wanted.size === 0) break;
    if (path.resolve(dir) === path.resolve(except)) continue;
    try {
      if (JSON.stringify(readManifest(dir).embedder) !== JSON.stringify(embedder)) continue;
      const files = await readIndexFiles(dir);
      const vectors = files.vectors.toFloat32();
      for (let i = 0; i < files.chunks.count; i++) {
        const hash = files.chunks.hash(i);
        if (!wanted.has(hash)) continue;
        found.set(hash, vectors.row(i));
        wanted.delete(hash);
      }
    } catch {
      // a folder that is gone, damaged or of another format: nothing to reuse from it
    }
  }
  return found;
}
