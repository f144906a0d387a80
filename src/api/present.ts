/** Engine results to the wire format (snake_case, documented in the OpenAPI document). */
import type { SearchOutcome } from '../search/query.js';
import type { SearchResponse } from './schemas.js';

export const NO_ANSWER_MESSAGE = 'Nothing in these documents answers this question.';

export function presentSearch(outcome: SearchOutcome, collection: string, tookMs: number): SearchResponse {
  return {
    query: outcome.query,
    mode: outcome.mode,
    model: outcome.model,
    collection,
    took_ms: Math.round(tookMs * 100) / 100,
    results: outcome.results.map((h) => ({
      rank: h.rank,
      id: h.id,
      doc_id: h.docId,
      title: h.title,
      section: h.section,
      text: h.text,
      score: h.score,
      relevance: Math.round(h.relevance * 10_000) / 10_000,
      scores: h.scores,
      snippet: h.snippet.text,
      snippet_start: h.snippet.start,
      source: {
        path: h.source.path,
        ...(h.source.url ? { url: h.source.url } : {}),
        ...(h.source.page !== undefined ? { page: h.source.page } : {}),
        char_start: h.source.charStart,
        char_end: h.source.charEnd,
      },
      metadata: h.metadata,
    })),
    ...(outcome.warnings ? { warnings: outcome.warnings } : {}),
    ...(outcome.noAnswer
      ? {
          no_answer: {
            message: NO_ANSWER_MESSAGE,
            best_relevance: Math.round(outcome.noAnswer.bestRelevance * 10_000) / 10_000,
            min_relevance: outcome.noAnswer.minRelevance,
          },
        }
      : {}),
  };
}
