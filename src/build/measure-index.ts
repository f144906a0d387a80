/**
 * What a build measures on its staged index before the manifest commits it: how wide the walk
 * must search to find the true nearest passages (search-width.ts), then, searching that wide,
 * what relevance means there (search/index-calibration.ts). Both on the same questions, made from
 * the index's own passages and embedded once.
 */
import type { Embedder } from '../embed/embedder.js';
import { cachedQueryVectors } from '../embed/query-vector-cache.js';
import { FileBackend } from '../index/file-backend.js';
import type { Manifest } from '../index/manifest.js';
import { calibrateIndex, ownQuestions, questionBatches } from '../search/index-calibration.js';
import { Searcher } from '../search/searcher.js';
import { chooseSearchWidth } from './search-width.js';

export function measureStagedIndex(
  embedder: Embedder,
  log: (line: string) => void,
): (staged: string, draft: Manifest) => Promise<Manifest> {
  return async (staged, draft) => {
    const files = await FileBackend.open(staged, draft);
    const seed = draft.corpus.fingerprint;
    const own = await ownQuestions(files, seed, questionBatches(embedder));
    const started = performance.now();
    const width = chooseSearchWidth(files, own.vectors, draft.hnsw.ef_search);
    log(
      `build: search width (ef_search) ${width.ef}: the walk finds ${(width.recall * 100).toFixed(1)} % of the exact ten nearest for ${width.questions} of the index's own questions (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    const backend = files.withSearchWidth(width.ef);
    try {
      // The pool's vectors are the same for every build with this embedder: kept between builds.
      const embedPool = (texts: readonly string[]) => cachedQueryVectors(embedder, texts, questionBatches(embedder));
      const calibration = await calibrateIndex(Searcher.over(backend, embedder), seed, log, embedPool, own);
      return { ...draft, hnsw: { ...draft.hnsw, ef_search: width.ef }, calibration };
    } finally {
      await backend.close();
    }
  };
}
