/** The n best (id, score) pairs, best first; ties go to the lower id. A bounded heap, not a full sort. */
import type { SparseScores } from '../index/lexical.js';

/** Ids and scores side by side: plain arrays or the typed arrays of a lexical scoring. */
export interface ScoredIds {
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
}

export function topN(input: ScoredIds, n: number): SparseScores {
  const { ids, scores } = input;
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && ids[a]! > ids[b]!);
  const best = (positions: number[]): SparseScores => {
    const keep = positions.sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!).slice(0, n);
    return { ids: keep.map((j) => ids[j]!), scores: keep.map((j) => scores[j]!) };
  };
  if (n <= 0) return { ids: [], scores: [] };
  if (ids.length <= n * 4) return best(Array.from({ length: ids.length }, (_, j) => j));
  // Min-heap of positions into ids/scores holding the n best seen so far; the root is the worst.
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  // The root's score once the heap is full: most of a long list is turned away by comparing with it alone.
  let floor = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < ids.length; j++) {
    if (heap.length < n) {
      heap.push(j);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
      if (heap.length === n) floor = scores[heap[0]!]!;
    } else if (scores[j]! >= floor && worse(heap[0]!, j)) {
      heap[0] = j;
      siftDown(0);
      floor = scores[heap[0]!]!;
    }
  }
  return best(heap);
}
