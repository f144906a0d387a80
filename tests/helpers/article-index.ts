/** Builds a real index of the seed article into a temporary directory, once per test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIndex, type BuildReport } from '../../src/build/build-index.js';
import { loadEmbedder } from '../../src/embed/load-embedder.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { DEFAULT_CORPUS_DIR } from '../../src/paths.js';

const created: string[] = [];

/** A fresh folder under the system temp dir, removed when the test file ends (see tests/setup.ts). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `semsearch-${prefix}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

let embedder: Promise<Embedder> | undefined;

/** One bundled embedder per test file (worker), shared by every build and searcher in it. */
export function sharedEmbedder(): Promise<Embedder> {
  embedder ??= loadEmbedder('use-lite');
  return embedder;
}

export async function buildArticleIndex(out = tempDir('index'), force = false): Promise<BuildReport> {
  return buildIndex({ corpus: DEFAULT_CORPUS_DIR, out, embedder: await sharedEmbedder(), force });
}

/** A second corpus of one short Markdown document, about tides: an index unlike the article's. */
export function writeTidesCorpus(): string {
  const dir = tempDir('tides');
  fs.writeFileSync(
    path.join(dir, 'tides.md'),
    '# Tides\n\nSpring tides happen when the sun and the moon line up, twice a month, and raise the highest high waters of the year.\n',
  );
  return dir;
}
