/** Query-time defaults, chosen on two evaluation sets of different kinds (see docs/evaluation.md). */
import type { Bm25Params } from './bm25f.js';
import type { FusionSettings } from './fusion.js';

export interface RankingSettings {
  bm25: Bm25Params;
  /** Share of a chunk's lexical score that comes from its whole document's BM25 (0 = chunk only). */
  documentLexicalWeight: number;
  fusion: FusionSettings;
  /** How many candidates each side contributes to hybrid fusion. */
  candidates: number;
  /** Below this many allowed chunks, a filtered dense search scans them exactly. */
  exactScanLimit: number;
  /** WordNet synonyms of the question's words added to the lexical side at this weight (off when absent). */
  expansion?: { weight: number; senses: number } | undefined;
  /**
   * Hybrid: passages within one document ordered by their own evidence, coverage of the
   * question's distinctive terms times this weight plus similarity (passage-order.ts; off when absent).
   */
  passageOrder?: { coverageWeight: number; bodyOnly: boolean };
  /** A hit is returned as its chunk and neighbouring chunks of its section, up to this many characters. */
  passageChars: number;
}

export const DEFAULT_RANKING: RankingSettings = {
  bm25: { k1: 1.2, b: 0.75, contextWeight: 2 },
  documentLexicalWeight: 0.75,
  // Chosen on SciFact and news-dev together (docs/evaluation.md): the spread fusion gained 0.037
  // nDCG@10 on news and held SciFact, where every fixed weight traded one for the other.
  fusion: { method: 'spread', halfAt: 0.1, spreadDepth: 20, denseWeight: 0.3, rrfK: 60 },
  candidates: 100,
  exactScanLimit: 4096,
  // WordNet synonyms of the question's words, first sense only, at a tenth of a word's weight:
  // +0.0008 nDCG@10 on SciFact and +0.0045 on news-dev (docs/evaluation.md); more senses or more
  // weight drift from the question.
  expansion: { weight: 0.1, senses: 1 },
  // Chosen on docs-dev (SciFact and news-dev rank documents, which this order leaves as they
  // were): answer@1 of the first passage 0.54 -> 0.60 with 1,000-character windows (docs/evaluation.md).
  passageOrder: { coverageWeight: 2, bodyOnly: true },
  // LangChain's default chunk size, and where docs-dev stopped gaining at the top (docs/evaluation.md).
  passageChars: 1000,
};
