/**
 * Fusion of dense and lexical evidence for one candidate set. Every candidate carries both of its
 * exact scores (dense similarity is recomputed from the stored vector, BM25 is known for every
 * chunk that matched), so no candidate is penalised for missing one list's cut-off.
 */

export type FusionMethod = 'convex' | 'rrf';

export interface FusionSettings {
  method: FusionMethod;
  /** Convex combination: weight of the normalised dense score (lexical gets 1 - this). */
  denseWeight: number;
  /** Reciprocal rank fusion constant. */
  rrfK: number;
}

export interface Candidate {
  id: number;
  dense: number;
  lexical: number;
}

function minMax(values: number[]): (v: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  return span > 0 ? (v) => (v - lo) / span : () => (values.length > 0 && hi > 0 ? 1 : 0);
}

function ranks(candidates: Candidate[], key: 'dense' | 'lexical'): Map<number, number> {
  const order = [...candidates].sort((a, b) => b[key] - a[key] || a.id - b.id);
  return new Map(order.map((c, r) => [c.id, r + 1]));
}

/**
 * Fused score of each candidate (same order), in [0, 1]: the convex combination of min-max
 * normalised scores, or reciprocal rank fusion divided by its maximum (first in both lists).
 */
export function fuse(candidates: Candidate[], settings: FusionSettings): number[] {
  if (settings.method === 'convex') {
    const nd = minMax(candidates.map((c) => c.dense));
    const nl = minMax(candidates.map((c) => c.lexical));
    const w = settings.denseWeight;
    return candidates.map((c) => w * nd(c.dense) + (1 - w) * nl(c.lexical));
  }
  const k = settings.rrfK;
  const rd = ranks(candidates, 'dense');
  const rl = ranks(candidates.filter((c) => c.lexical > 0), 'lexical');
  const best = 2 / (k + 1);
  return candidates.map((c) => {
    const lexicalRank = rl.get(c.id);
    return (1 / (k + rd.get(c.id)!) + (lexicalRank ? 1 / (k + lexicalRank) : 0)) / best;
  });
}
