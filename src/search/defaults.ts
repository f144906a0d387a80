/** Query-time defaults. The values are the ones the SciFact evaluation chose (see README). */
import type { Bm25Params } from './bm25.js';
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
}

export const DEFAULT_RANKING: RankingSettings = {
  bm25: { k1: 1.2, b: 0.75, contextWeight: 2 },
  documentLexicalWeight: 0.75,
  fusion: { method: 'convex', denseWeight: 0.3, rrfK: 60 },
  candidates: 100,
  exactScanLimit: 4096,
};
