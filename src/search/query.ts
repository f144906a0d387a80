/** What a search is asked, and what it answers: the shapes the API and the evaluation see. */
import type { Metadata } from '../corpus/document.js';
import type { Filter } from './filter.js';
import type { Snippet } from './snippet.js';

export type SearchMode = 'hybrid' | 'dense' | 'lexical';

export interface SearchQuery {
  query: string;
  topK: number;
  mode: SearchMode;
  /** Results scoring below this are dropped (scores are on the mode's own scale). */
  minScore?: number;
  /** Results whose calibrated relevance is below this are dropped (0 keeps every result). */
  minRelevance?: number;
  filter?: Filter;
}

export interface SearchHit {
  rank: number;
  id: string;
  docId: string;
  title: string;
  text: string;
  section: string[];
  score: number;
  /** Calibrated chance that the passage answers the question, comparable across questions. */
  relevance: number;
  /** The evidence behind the score: cosine similarity and BM25, where computed. */
  scores: { dense?: number; lexical?: number };
  snippet: Snippet;
  source: { path: string; url?: string; page?: number; charStart: number; charEnd: number };
  metadata: Metadata;
}

/** Why a search returned nothing although the index has passages. */
export interface NoAnswer {
  /** The best candidate's relevance, under the threshold. */
  bestRelevance: number;
  minRelevance: number;
}

export interface SearchOutcome {
  query: string;
  mode: SearchMode;
  model: string;
  results: SearchHit[];
  noAnswer?: NoAnswer;
  /** Why a filter matched nothing, when it can be told (a field no document has). */
  warnings?: string[];
  timings: { embedMs: number; searchMs: number; totalMs: number };
}
