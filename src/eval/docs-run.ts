/**
 * A docs-layout set through the whole path: its folder of raw documents built into a cached index
 * by the product's own build, then every question asked as a search request is (hybrid, top_k 5),
 * with no threshold, so that any threshold can be applied afterwards.
 */
import { openSearcher } from '../search/open-searcher.js';
import type { Searcher } from '../search/searcher.js';
import type { RankingSettings } from '../search/defaults.js';
import { answerMatches, loadDocsSet, type AskedDocsQuestion, type DocsSet } from './docs-set.js';
import { askQuestions } from './abstain.js';
import { prepareEvalIndex, type EvalIndexOptions } from './run-eval.js';

export interface PreparedDocsSet {
  set: DocsSet;
  indexDir: string;
  searcher: Searcher;
}

export async function prepareDocsSet(dir: string, options: EvalIndexOptions & { ranking?: RankingSettings }): Promise<PreparedDocsSet> {
  const set = loadDocsSet(dir);
  const indexDir = await prepareEvalIndex(set, options);
  const searcher = await openSearcher(indexDir, { embedder: options.embedder, ...(options.ranking ? { ranking: options.ranking } : {}) });
  return { set, indexDir, searcher };
}

/**
 * The passages a request would get, as the API ranks them (hybrid, `top_k` 5, no threshold), each
 * judged against the question's expected answers. `vectors`: the questions', in order.
 */
export async function askDocsSet(searcher: Searcher, set: DocsSet, vectors: number[][]): Promise<AskedDocsQuestion[]> {
  const asked = await askQuestions(
    searcher,
    set.questions.map((q, i) => ({ text: q.q, vector: vectors[i]! })),
    (i, docId, text) => answerMatches(set.questions[i]!, { docId, text }),
  );
  return asked.map((a, i) => ({
    question: set.questions[i]!,
    results: a.results.map((r, j) => ({ relevance: r.relevance, answers: a.relevant[j]! })),
  }));
}
