/**
 * The k nearest rows to a question by comparing it with every row: the ground truth a walk's
 * recall is measured against. Scanned with the quick sum, keeping a margin of near-ties, and the
 * kept ranked by the exact similarity (ties to the lower row), as a search's results are.
 */
import type { QuantisedVectors } from './hnsw-walk.js';

export function exactNearest(vectors: QuantisedVectors, query: Float64Array, k: number): number[] {
  const { count } = vectors;
  const keep = Math.min(count, 2 * k + 10);
  if (keep <= 0) return [];
  // The best `keep` so far, best first: a row enters only when it beats the last, which after
  // the first few thousand rows almost none does.
  const ids = new Int32Array(keep);
  const scores = new Float64Array(keep).fill(Number.NEGATIVE_INFINITY);
  vectors.prepare(query);
  for (let i = 0; i < count; i++) {
    const s = vectors.quick(i);
    if (s <= scores[keep - 1]!) continue;
    let j = keep - 1;
    for (; j > 0 && scores[j - 1]! < s; j--) {
      scores[j] = scores[j - 1]!;
      ids[j] = ids[j - 1]!;
    }
    scores[j] = s;
    ids[j] = i;
  }
  const exact = Array.from(ids, (id) => ({ id, score: vectors.exact(id) }));
  exact.sort((a, b) => b.score - a.score || a.id - b.id);
  return exact.slice(0, k).map((e) => e.id);
}
