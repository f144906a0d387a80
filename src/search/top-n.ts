/** The n best (id, score) pairs, best first; ties go to the lower id. A bounded heap, not a full sort. */
import type { SparseScores } from '../index/lexical.js';

/** Ids and scores side by side: plain arrays or the typed arrays of a lexical scoring. */
export interface ScoredIds {
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** Positions 0..count-1 of `ids`/`scores`, best first. */
function ranked(ids: ArrayLike<number>, scores: ArrayLike<number>, count: number): number[] {
  return Array.from({ length: count }, (_, j) => j).sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
}

export function topN(input: ScoredIds, n: number): SparseScores {
  const { ids, scores } = input;
  if (n <= 0) return { ids: [], scores: [] };
  if (ids.length <= n * 4) {
    const keep = ranked(ids, scores, ids.length).slice(0, n);
    return { ids: keep.map((j) => ids[j]!), scores: keep.map((j) => scores[j]!) };
  }
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
        if (!(score < ps || (score === ps && id > heapIds[p]!))) break;
        heapIds[i] = heapIds[p]!;
        heapScores[i] = ps;
        i = p;
      }
      heapIds[i] = id;
      heapScores[i] = score;
      continue;
    }
    // Most of a long list is turned away by the root alone.
    const rootScore = heapScores[0]!;
    if (score < rootScore || (score === rootScore && id > heapIds[0]!)) continue;
    // The pair replaces the root and goes down past every child worse than it.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n) {
        const ls = heapScores[l]!;
        const rs = heapScores[r]!;
        if (rs < ls || (rs === ls && heapIds[r]! > heapIds[l]!)) c = r;
      }
      const cs = heapScores[c]!;
      if (!(cs < score || (cs === score && heapIds[c]! > id))) break;
      heapIds[i] = heapIds[c]!;
      heapScores[i] = cs;
      i = c;
    }
    heapIds[i] = id;
    heapScores[i] = score;
  }
  const keep = ranked(heapIds, heapScores, size);
  return { ids: keep.map((k) => heapIds[k]!), scores: keep.map((k) => heapScores[k]!) };
}
