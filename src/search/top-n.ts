/** The n best (id, score) pairs, best first; ties go to the lower id. A bounded heap, not a full sort. */
import type { SparseScores } from '../index/bm25.js';

function worse(scores: number[], ids: number[], a: number, b: number): boolean {
  return scores[a]! < scores[b]! || (scores[a] === scores[b] && ids[a]! > ids[b]!);
}

export function topN(input: SparseScores, n: number): SparseScores {
  const { ids, scores } = input;
  if (n <= 0) return { ids: [], scores: [] };
  if (ids.length <= n * 4) {
    const order = ids.map((_, j) => j).sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
    const keep = order.slice(0, n);
    return { ids: keep.map((j) => ids[j]!), scores: keep.map((j) => scores[j]!) };
  }
  // Min-heap of positions into ids/scores holding the n best seen so far; the root is the worst.
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(scores, ids, heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(scores, ids, heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let j = 0; j < ids.length; j++) {
    if (heap.length < n) {
      heap.push(j);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(scores, ids, heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (worse(scores, ids, heap[0]!, j)) {
      heap[0] = j;
      siftDown(0);
    }
  }
  heap.sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
  return { ids: heap.map((j) => ids[j]!), scores: heap.map((j) => scores[j]!) };
}
