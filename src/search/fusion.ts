/**
 * Fusion of dense and lexical evidence for one candidate set. Every candidate carries both of its
 * exact scores (the graph's similarity or one computed from the stored vector; BM25 for every chunk
 * that matched, or its document's share), so no candidate is penalised for missing one list's cut-off.
 */
import { cosineScaleFitted } from '../embed/load-embedder.js';

/**
 * spread (default): min-max normalised scores weighed per question by how well the encoder tells
 * the nearest passages apart (see spreadWeight); convex: the same with a fixed dense weight;
 * rrf: reciprocal rank fusion.
 */
export type FusionMethod = 'spread' | 'convex' | 'rrf';

export interface FusionSettings {
  method: FusionMethod;
  /** Convex: weight of the normalised dense score (lexical gets 1 - this). */
  denseWeight: number;
  /** Spread: the cosine spread at which dense and lexical weigh the same (see spreadWeight). */
  halfAt: number;
  /** Spread: measured between the best candidate and this one, by cosine. */
  spreadDepth: number;
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
 * The dense weight for one question, from how far apart its nearest passages are: the cosine of
 * the best candidate minus that of the `depth`-th. An encoder that cannot tell the passages apart
 * (all near the best, as a general-purpose model on scientific abstracts: median spread 0.04)
 * earns little weight; one that separates them (news: 0.14) earns more. The weight is
 * `spread / (spread + halfAt)`, one half where the spread equals `halfAt`. Measured on a fixed
 * depth, it does not depend on how many candidates were pooled.
 */
export function spreadWeight(candidates: Candidate[], halfAt: number, depth: number): number {
  if (candidates.length === 0) return 0;
  // In rising order (a typed array sorts numbers without a comparator call): the best is last.
  const n = candidates.length;
  const cosines = new Float64Array(n);
  candidates.forEach((c, i) => {
    cosines[i] = c.dense;
  });
  cosines.sort();
  const spread = Math.max(0, cosines[n - 1]! - cosines[n - Math.min(depth, n)]!);
  return spread + halfAt > 0 ? spread / (spread + halfAt) : 0;
}

/**
 * `halfAt` is a cosine distance on the bundled encoder's scale; other encoders spread their cosines
 * differently (some keep every passage within 0.1 of another), so for them the spread method falls
 * back to the fixed convex weight until it is measured on theirs.
 */
export function fusionFor(embedderId: string, settings: FusionSettings): FusionSettings {
  return settings.method === 'spread' && !cosineScaleFitted(embedderId) ? { ...settings, method: 'convex' } : settings;
}

function convex(candidates: Candidate[], w: number): number[] {
  const nd = minMax(candidates.map((c) => c.dense));
  const nl = minMax(candidates.map((c) => c.lexical));
  return candidates.map((c) => w * nd(c.dense) + (1 - w) * nl(c.lexical));
}

/**
 * Fused score of each candidate (same order), in [0, 1]: a weighted sum of min-max normalised
 * scores, or reciprocal rank fusion divided by its maximum (first in both lists).
 */
export function fuse(candidates: Candidate[], settings: FusionSettings): number[] {
  if (settings.method === 'spread') return convex(candidates, spreadWeight(candidates, settings.halfAt, settings.spreadDepth));
  if (settings.method === 'convex') return convex(candidates, settings.denseWeight);
  const k = settings.rrfK;
  const rd = ranks(candidates, 'dense');
  const rl = ranks(
    candidates.filter((c) => c.lexical > 0),
    'lexical',
  );
  const best = 2 / (k + 1);
  return candidates.map((c) => {
    const lexicalRank = rl.get(c.id);
    return (1 / (k + rd.get(c.id)!) + (lexicalRank ? 1 / (k + lexicalRank) : 0)) / best;
  });
}
