/**
 * Ranked passages as a search returns them: the window of chunks around each anchor joined into
 * one passage, with its document, its best sentence as the snippet, its place in the source and
 * the scores behind its rank.
 */
import type { IndexBackend } from '../index/backend.js';
import type { LexicalIndex } from './bm25f.js';
import { joinChunks } from './joined-text.js';
import type { Prepared } from './prepare.js';
import type { SearchHit } from './query.js';
import type { PassageWindow } from './passage-windows.js';
import { bestSentence } from './snippet.js';

/** A passage the ranking kept: its anchor chunk, the window around it, and the figures behind its rank. */
export interface KeptPassage {
  id: number;
  score: number;
  dense?: number;
  lexical?: number;
  relevance: number;
  window: PassageWindow;
}

export function hitsOf(index: IndexBackend, lexical: LexicalIndex, kept: readonly KeptPassage[], prepared: Prepared): SearchHit[] {
  const queryTerms = new Set(prepared.terms);
  const idf = (t: string) => lexical.idf(prepared.postings, t);
  return kept.map((s, r) => {
    const anchor = s.window.chunks[s.id - s.window.first]!;
    const passage = joinChunks(s.window.chunks);
    const doc = index.documents.get(anchor.doc);
    const page = s.window.chunks[0]!.page;
    return {
      rank: r + 1,
      id: anchor.id,
      docId: doc.id,
      title: doc.title,
      text: passage.text,
      section: anchor.section,
      score: s.score,
      relevance: s.relevance,
      scores: { ...(s.dense !== undefined ? { dense: s.dense } : {}), ...(s.lexical !== undefined ? { lexical: s.lexical } : {}) },
      snippet: bestSentence(passage.text, queryTerms, idf, lexical.data.analyzer, passage.sentences),
      source: {
        path: doc.path,
        ...(doc.url ? { url: doc.url } : {}),
        ...(page !== undefined ? { page } : {}),
        charStart: passage.start,
        charEnd: passage.end,
      },
      metadata: doc.metadata,
    };
  });
}
