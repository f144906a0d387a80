/**
 * Evaluation on a BEIR dataset: the corpus is indexed by the product's own build (cached per
 * dataset, embedder and settings; an unchanged corpus is not rebuilt), every judged query goes
 * through the product's own Searcher, and chunk results collapse to documents.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildIndex, type BuildProgress } from '../build/build-index.js';
import { DEFAULT_BUILD_SETTINGS, type BuildSettings } from '../build/settings.js';
import type { Embedder } from '../embed/embedder.js';
import type { Searcher } from '../search/searcher.js';
import type { SearchMode } from '../search/query.js';
import { PROJECT_ROOT } from '../paths.js';
import { sha256 } from '../index/manifest.js';
import type { BeirDataset } from './beir.js';
import { collapseToDocuments, type Run } from './metrics.js';

export const EVAL_CACHE_DIR = path.join(PROJECT_ROOT, '.cache', 'eval');

export interface EvalIndexOptions {
  embedder: Embedder;
  build?: Partial<BuildSettings>;
  log?: (line: string) => void;
  onProgress?: BuildProgress;
}

/** Where the index for this dataset, embedder and build settings is cached. */
export function evalIndexDir(dataset: string, embedderId: string, build: Partial<BuildSettings> = {}): string {
  const slug = embedderId.replace(/[^A-Za-z0-9._-]+/g, '_');
  const differs = Object.entries(build).filter(
    ([k, v]) => JSON.stringify(v) !== JSON.stringify(DEFAULT_BUILD_SETTINGS[k as keyof BuildSettings]),
  );
  const suffix = differs.length ? `-${sha256(JSON.stringify(Object.fromEntries(differs))).slice(0, 8)}` : '';
  return path.join(EVAL_CACHE_DIR, path.basename(path.resolve(dataset)), `${slug}${suffix}`);
}

/** Builds (or brings up to date) the cached index of a set's corpus: a BEIR file or a folder of documents. */
export async function prepareEvalIndex(data: Pick<BeirDataset, 'dir' | 'corpus'>, options: EvalIndexOptions): Promise<string> {
  const out = evalIndexDir(data.dir, options.embedder.info.id, options.build);
  const defaults = evalIndexDir(data.dir, options.embedder.info.id);
  // A variant starts from a copy of the default-settings index, so every passage whose embedding
  // input is unchanged reuses its vector instead of being embedded again.
  if (out !== defaults && !fs.existsSync(out) && fs.existsSync(defaults)) fs.cpSync(defaults, out, { recursive: true });
  await buildIndex({
    corpus: data.corpus,
    out,
    embedder: options.embedder,
    ...(options.build ? { settings: options.build } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return out;
}

/** Chunks to retrieve so that `topK` distinct documents are (almost always) among them. */
export function chunkDepth(topK: number, chunks: number, documents: number): number {
  return Math.min(chunks, Math.ceil(topK * Math.max(1, chunks / documents) * 2));
}

export function judgedQueries(data: BeirDataset): string[] {
  return [...data.qrels.keys()].filter((q) => data.queries.has(q));
}

function toDocuments(hits: { docId: string; score: number }[], topK: number) {
  return collapseToDocuments(hits)
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
}

/**
 * Every judged query through the Searcher's ranking, with question vectors computed beforehand
 * in batches (in `judgedQueries` order); chunk hits collapse to documents.
 */
export async function rankQueries(
  searcher: Searcher,
  data: BeirDataset,
  mode: SearchMode,
  topK: number,
  vectors: number[][],
): Promise<Run> {
  const depth = chunkDepth(topK, searcher.manifest.counts.chunks, searcher.manifest.counts.documents);
  const run: Run = new Map();
  for (const [j, id] of judgedQueries(data).entries()) {
    const scored = await searcher.scoreChunks(
      { query: data.queries.get(id)!, topK: depth, mode },
      mode === 'lexical' ? undefined : vectors[j],
    );
    run.set(
      id,
      toDocuments(
        scored.map((s) => ({ docId: searcher.documentOf(s.id).id, score: s.score })),
        topK,
      ),
    );
  }
  return run;
}
