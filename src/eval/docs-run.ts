/**
 * A docs-layout set through the whole path: its folder of raw documents built into a cached index
 * by the product's own build, then every question asked as a search request is (hybrid, top_k 5),
 * with no threshold, so that any threshold can be applied afterwards.
 */
import { openSearcher } from '../search/open-searcher.js';
import type { Searcher } from '../search/searcher.js';
import type { RankingSettings } from '../search/defaults.js';
import { answerMatches, loadDocsSet, type AskedDocsQuestion, type DocsSet } from './docs-set.js';
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

/** The passages a request would get, as the API ranks them, each judged against the question's expected answers. */
export async function askDocsSet(searcher: Searcher, set: DocsSet, topK = 5): Promise<AskedDocsQuestion[]> {
  const asked: AskedDocsQuestion[] = [];
  for (const question of set.questions) {
    const vector = await searcher.embedQuestion(question.q);
    const { results } = await searcher.rank({ query: question.q, topK, mode: 'hybrid', minRelevance: 0 }, vector);
    asked.push({
      question,
      results: results.map((h) => ({ relevance: h.relevance, answers: answerMatches(question, { docId: h.docId, text: h.text }) })),
    });
  }
  return asked;
}
