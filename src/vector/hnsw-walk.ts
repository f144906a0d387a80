/**
 * Approximate nearest neighbours over a stored HNSW graph, as hnswlib's own search walks it:
 * greedy descent through the upper layers, then a best-first search of width ef on layer 0, an
 * optional filter deciding only what may be returned. Scored with 8-bit vectors, so serving needs
 * no float32 copy of them. The graph and the vectors are read through the shapes below (the
 * index's NeighbourGraph and ByteVectors have them); nothing here knows the files.
 */
import { Heap } from './heap.js';

/** A layered graph as adjacency arrays by node: `links[starts[k] .. starts[k+1]]` is list k. */
export interface LayeredGraph {
  readonly count: number;
  readonly entry: number;
  readonly maxLevel: number;
  readonly level0Starts: Uint32Array;
  readonly level0: Uint32Array;
  /** How many upper layers each node is on. */
  readonly levels: Uint8Array;
  /** Where each node's first upper-layer list is in `upperStarts` (a prefix sum of `levels`). */
  readonly upperIndex: Uint32Array;
  readonly upperStarts: Uint32Array;
  readonly upper: Uint32Array;
}

/** Rows of integers with one scale each, compared with one question at a time. */
export interface QuantisedVectors {
  readonly dimension: number;
  readonly count: number;
  /** Makes `quick` and `exact` compare rows with `question` until the next call. */
  prepare(question: Float64Array): void;
  /** Nearly `exact`, much faster: what the walk compares nodes with. */
  quick(i: number): number;
  /** `quick` of each of the first `count` of `ids`, into `out`. */
  quickEach(ids: ArrayLike<number>, count: number, out: Float64Array): void;
  /** The similarity results are given. */
  exact(i: number): number;
}

/** Walks one graph; its scratch state is reused by every search (a search runs to its end synchronously). */
export class HnswWalk {
  /** Per node, the number of the search that last visited it: no clearing between searches. */
  private readonly visited: Uint32Array;
  private epoch = 0;
  private readonly results = new Heap(false); // worst kept result on top
  private readonly candidates = new Heap(true); // most promising candidate on top
  /** A node's neighbours not yet visited, and their sums: compared all at once (quickEach). Grown to the longest list met. */
  private fresh = new Uint32Array(64);
  private freshScores = new Float64Array(64);

  constructor(readonly graph: LayeredGraph) {
    this.visited = new Uint32Array(graph.count);
  }

  /**
   * The k nodes most similar to `query` (cosine: the vectors are unit length), best first, among
   * those `allow` accepts; searched with a candidate list of max(ef, k).
   */
  search(
    vectors: QuantisedVectors,
    query: Float64Array,
    k: number,
    ef: number,
    allow?: (id: number) => boolean,
  ): { ids: number[]; scores: number[] } {
    const g = this.graph;
    if (g.count === 0 || k <= 0) return { ids: [], scores: [] };
    // The walk compares thousands of nodes with the faster sum; the k found are scored exactly.
    vectors.prepare(query);
    let current = g.entry;
    let best = vectors.quick(current);
    for (let level = g.maxLevel; level > 0; level--) {
      for (let changed = true; changed; ) {
        changed = false;
        if (level > g.levels[current]!) break;
        const k0 = g.upperIndex[current]! + level - 1;
        for (let j = g.upperStarts[k0]!; j < g.upperStarts[k0 + 1]!; j++) {
          const s = vectors.quick(g.upper[j]!);
          if (s > best) {
            best = s;
            current = g.upper[j]!;
            changed = true;
          }
        }
      }
    }
    const found = this.searchLayer0(vectors, current, best, Math.max(ef, k), allow);
    while (found.size > k) found.pop();
    const ids = found.idList();
    const scores = ids.map((id) => vectors.exact(id));
    const order = ids.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
    return { ids: order.map((i) => ids[i]!), scores: order.map((i) => scores[i]!) };
  }

  /**
   * Best-first search of layer 0 keeping the `ef` most similar allowed nodes (hnswlib's
   * searchBaseLayerST), comparing with the question `vectors` were prepared with.
   */
  private searchLayer0(vectors: QuantisedVectors, start: number, startScore: number, ef: number, allow?: (id: number) => boolean): Heap {
    this.epoch = this.epoch === 0xffffffff ? 1 : this.epoch + 1;
    if (this.epoch === 1) this.visited.fill(0);
    const visited = this.visited;
    const epoch = this.epoch;
    const { results, candidates } = this;
    results.clear();
    candidates.clear();
    let bound = Number.NEGATIVE_INFINITY;
    if (!allow || allow(start)) {
      results.push(start, startScore);
      bound = startScore;
    }
    candidates.push(start, startScore);
    visited[start] = epoch;
    const links = this.graph.level0;
    const starts = this.graph.level0Starts;
    while (candidates.size > 0) {
      const score = candidates.topScore;
      // Without a filter the search stops once nothing left can enter the results; with one it
      // goes on until it has ef allowed results, as hnswlib does.
      if (score < bound && (results.size === ef || !allow)) break;
      const node = candidates.topId;
      candidates.pop();
      // The sums do not depend on the order they are taken in: all of the node's new neighbours
      // are summed first, then weighed in list order as one at a time would.
      const from = starts[node]!;
      const to = starts[node + 1]!;
      if (to - from > this.fresh.length) {
        this.fresh = new Uint32Array(to - from);
        this.freshScores = new Float64Array(to - from);
      }
      const { fresh, freshScores: scores } = this;
      let count = 0;
      for (let j = from; j < to; j++) {
        const next = links[j]!;
        if (visited[next] === epoch) continue;
        visited[next] = epoch;
        fresh[count++] = next;
      }
      vectors.quickEach(fresh, count, scores);
      for (let f = 0; f < count; f++) {
        const next = fresh[f]!;
        const s = scores[f]!;
        if (results.size < ef || s > bound) {
          candidates.push(next, s);
          if (!allow || allow(next)) results.push(next, s);
          if (results.size > ef) results.pop();
          if (results.size > 0) bound = results.topScore;
        }
      }
    }
    return results;
  }
}
