/** The n best (id, score) pairs, best first; ties go to the lower id. A bounded heap, not a full sort. */
import type { SparseScores } from '../index/lexical.js';

/** Ids and scores side by side: plain arrays or the typed arrays of a lexical scoring. */
export interface ScoredIds {
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** Whether a pair ranks below another: a lower score, or the same score and a higher id. */
function below(score: number, id: number, otherScore: number, otherId: number): boolean {
  return score < otherScore || (score === otherScore && id > otherId);
}

/** The best `keep` of the first `count` pairs of `ids`/`scores`, best first. */
function best(ids: ArrayLike<number>, scores: ArrayLike<number>, count: number, keep: number): SparseScores {
  const order = Array.from({ length: count }, (_, j) => j)
    .sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!)
    .slice(0, keep);
  return { ids: order.map((j) => ids[j]!), scores: order.map((j) => scores[j]!) };
}

export function topN(input: ScoredIds, n: number): SparseScores {
  const { ids, scores } = input;
  if (n <= 0) return { ids: [], scores: [] };
  if (ids.length <= n * 4) return best(ids, scores, ids.length, n);
  // A min-heap of the n best pairs seen so far, the worst at the root, held in its own small
  // arrays: comparisons read them, not the long input, so they stay in the nearest cache.
  const heapIds = new Float64Array(n);
  const heapScores = new Float64Array(n);
  let size = 0;
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j]!;
    const score = scores[j]!;
    if (size < n) {
      // Up from the new leaf: parents better than it move down into the hole.
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        const ps = heapScores[p]!;
        if (!below(score, id, ps, heapIds[p]!)) break;
        heapIds[i] = heapIds[p]!;
        heapScores[i] = ps;
        i = p;
      }
      heapIds[i] = id;
      heapScores[i] = score;
      continue;
    }
    // Most of a long list is turned away by the root alone.
    if (below(score, id, heapScores[0]!, heapIds[0]!)) continue;
    // The pair replaces the root and goes down past every child worse than it.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && below(heapScores[r]!, heapIds[r]!, heapScores[l]!, heapIds[l]!)) c = r;
      const cs = heapScores[c]!;
      if (!below(cs, heapIds[c]!, score, id)) break;
      heapIds[i] = heapIds[c]!;
      heapScores[i] = cs;
      i = c;
    }
    heapIds[i] = id;
    heapScores[i] = score;
  }
  return best(heapIds, heapScores, size, size);
}
