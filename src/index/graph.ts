/**
 * The HNSW graph as the index stores it: hnswlib builds it (hnsw.ts), and its links are taken
 * out of hnswlib's file (vectors excluded: those are kept once, at 8 bits per component, in
 * byte-vectors.ts) into adjacency arrays by chunk position. A query walks the graph here, as
 * hnswlib's own search does (greedy descent through the upper layers, then a best-first search
 * of width ef on layer 0, an optional filter deciding only what may be returned), scoring with
 * those vectors. Serving thus needs no float32 copy of the vectors at all.
 */
import { HNSW_HEADER_BYTES, type HnswHeader } from './hnsw-file.js';
import { quickDot, type ByteVectors } from './byte-vectors.js';
import { Sections, writeSections } from './sections.js';

const MAGIC = 'SSGRAPH1';

interface Meta {
  count: number;
  m: number;
  entry: number;
  max_level: number;
}

/** Adjacency lists in one array: the neighbours of list k are `links[starts[k] .. starts[k+1]]`. */
interface Lists {
  starts: Uint32Array;
  links: Uint32Array;
}

function packLists(lists: number[][]): Lists {
  const starts = new Uint32Array(lists.length + 1);
  lists.forEach((l, k) => {
    starts[k + 1] = starts[k]! + l.length;
  });
  const links = new Uint32Array(starts[lists.length]!);
  lists.forEach((l, k) => {
    links.set(l, starts[k]!);
  });
  return { starts, links };
}

/**
 * Converts hnswlib's saved index (already checked by vectorsInGraph: labels in range, each once)
 * to the stored graph, with hnswlib's internal ids replaced by labels (chunk positions).
 */
export function encodeGraph(graph: Buffer, header: HnswHeader): Buffer {
  const { count, bytesPerElement, labelOffset, maxM } = header;
  const labelOf = new Uint32Array(count);
  for (let e = 0; e < count; e++) labelOf[e] = Number(graph.readBigUInt64LE(HNSW_HEADER_BYTES + e * bytesPerElement + labelOffset));
  const listAt = (offset: number) => {
    const n = graph.readUInt16LE(offset);
    return Array.from({ length: n }, (_, j) => labelOf[graph.readUInt32LE(offset + 4 + 4 * j)]!);
  };
  const level0: number[][] = new Array(count);
  const upper: number[][][] = new Array(count);
  for (let e = 0; e < count; e++) level0[labelOf[e]!] = listAt(HNSW_HEADER_BYTES + e * bytesPerElement);
  // Upper layers follow the elements: per element, a byte size, then one list block per level.
  const block = maxM * 4 + 4;
  let at = HNSW_HEADER_BYTES + count * bytesPerElement;
  for (let e = 0; e < count; e++) {
    const size = graph.readUInt32LE(at);
    at += 4;
    upper[labelOf[e]!] = Array.from({ length: size / block }, (_, l) => listAt(at + l * block));
    at += size;
  }
  const levels = Uint8Array.from(upper, (u) => u.length);
  const ground = packLists(level0);
  const above = packLists(upper.flat());
  const meta: Meta = { count, m: header.m, entry: labelOf[header.entryPoint] ?? 0, max_level: Math.max(0, header.maxLevel) };
  return writeSections(MAGIC, meta, [
    ['level0_starts', ground.starts],
    ['level0', ground.links],
    ['levels', levels],
    ['upper_starts', above.starts],
    ['upper', above.links],
  ]);
}

/**
 * A binary heap of (id, score) pairs in typed arrays that grow by doubling and are kept between
 * searches; `max` decides whether the top is the highest score or the lowest.
 */
class Heap {
  private ids = new Int32Array(256);
  private scores = new Float64Array(256);
  size = 0;

  constructor(private readonly max: boolean) {}

  clear(): void {
    this.size = 0;
  }

  get topScore(): number {
    return this.scores[0]!;
  }

  get topId(): number {
    return this.ids[0]!;
  }

  private above(a: number, b: number): boolean {
    return this.max ? this.scores[a]! > this.scores[b]! : this.scores[a]! < this.scores[b]!;
  }

  private swap(a: number, b: number): void {
    const id = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = id;
    const score = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = score;
  }

  push(id: number, score: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
      const scores = new Float64Array(this.size * 2);
      scores.set(this.scores);
      this.scores = scores;
    }
    this.ids[this.size] = id;
    this.scores[this.size] = score;
    for (let i = this.size++; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = --this.size;
    this.swap(0, last);
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.above(l, best)) best = l;
      if (r < last && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }

  /** The ids held, in heap order. */
  idList(): number[] {
    return Array.from(this.ids.subarray(0, this.size));
  }
}

export class NeighbourGraph {
  readonly count: number;
  readonly m: number;
  private readonly entry: number;
  private readonly maxLevel: number;
  private readonly level0Starts: Uint32Array;
  private readonly level0: Uint32Array;
  private readonly levels: Uint8Array;
  /** Where each node's first upper-layer list is in `upperStarts` (a prefix sum of `levels`). */
  private readonly upperIndex: Uint32Array;
  private readonly upperStarts: Uint32Array;
  private readonly upper: Uint32Array;
  /** Per node, the number of the search that last visited it: no clearing between searches. */
  private readonly visited: Uint32Array;
  private epoch = 0;
  // The walk's two heaps, reused by every search (a search runs to its end synchronously).
  private readonly results = new Heap(false); // worst kept result on top
  private readonly candidates = new Heap(true); // most promising candidate on top

  /** Reads the graph's structure (throws when it is broken); `problem()` checks its links. */
  constructor(file: Buffer) {
    const s = Sections.read<Meta>(file, MAGIC);
    const { meta } = s;
    if (!meta || !Number.isSafeInteger(meta.count) || !Number.isSafeInteger(meta.entry) || !Number.isSafeInteger(meta.max_level))
      throw new Error('its header is incomplete');
    const n = meta.count;
    this.count = n;
    this.m = meta.m;
    this.entry = meta.entry;
    this.maxLevel = meta.max_level;
    this.level0Starts = s.get('level0_starts', 'u32', n + 1);
    this.level0 = s.get('level0', 'u32');
    this.levels = s.get('levels', 'u8', n);
    this.upperIndex = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.upperIndex[i + 1] = this.upperIndex[i]! + this.levels[i]!;
    this.upperStarts = s.get('upper_starts', 'u32', this.upperIndex[n]! + 1);
    this.upper = s.get('upper', 'u32');
    this.visited = new Uint32Array(n);
  }

  /** Why the graph cannot be walked (a link to no node, lists outside the arrays, a bad entry point), or undefined. */
  problem(): string | undefined {
    const n = this.count;
    return (
      listsProblem(this.level0Starts, this.level0, n) ??
      listsProblem(this.upperStarts, this.upper, n) ??
      (n > 0 && (this.entry >= n || this.levels[this.entry]! < this.maxLevel) ? 'its entry point is not on its top layer' : undefined)
    );
  }

  /**
   * The k nodes most similar to `query` (cosine: the vectors are unit length), best first, among
   * those `allow` accepts; searched with a candidate list of max(ef, k).
   */
  search(
    vectors: ByteVectors,
    query: Float64Array,
    k: number,
    ef: number,
    allow?: (id: number) => boolean,
  ): { ids: number[]; scores: number[] } {
    if (this.count === 0 || k <= 0) return { ids: [], scores: [] };
    // The walk compares thousands of nodes with the faster sum; the k found are scored exactly.
    const quick = vectors.dimension % 4 === 0;
    const similarity = (i: number) => (quick ? vectors.quickDot(i, query) : vectors.dot(i, query));
    let current = this.entry;
    let best = similarity(current);
    for (let level = this.maxLevel; level > 0; level--) {
      for (let changed = true; changed; ) {
        changed = false;
        if (level > this.levels[current]!) break;
        const k0 = this.upperIndex[current]! + level - 1;
        for (let j = this.upperStarts[k0]!; j < this.upperStarts[k0 + 1]!; j++) {
          const s = similarity(this.upper[j]!);
          if (s > best) {
            best = s;
            current = this.upper[j]!;
            changed = true;
          }
        }
      }
    }
    const found = this.searchLayer0(vectors, query, quick, current, best, Math.max(ef, k), allow);
    while (found.size > k) found.pop();
    const ids = found.idList();
    const scores = ids.map((id) => vectors.dot(id, query));
    const order = ids.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || ids[a]! - ids[b]!);
    return { ids: order.map((i) => ids[i]!), scores: order.map((i) => scores[i]!) };
  }

  /**
   * Best-first search of layer 0 keeping the `ef` most similar allowed nodes (hnswlib's
   * searchBaseLayerST). The similarity is a plain function of typed arrays, not a closure or a
   * method: this loop is where a dense search spends its time.
   */
  private searchLayer0(
    vectors: ByteVectors,
    query: Float64Array,
    quick: boolean,
    start: number,
    startScore: number,
    ef: number,
    allow?: (id: number) => boolean,
  ): Heap {
    this.epoch = this.epoch === 0xffffffff ? 1 : this.epoch + 1;
    if (this.epoch === 1) this.visited.fill(0);
    const visited = this.visited;
    const epoch = this.epoch;
    const { results, candidates } = this;
    results.clear();
    candidates.clear();
    const { values, scales, dimension: d } = vectors;
    let bound = Number.NEGATIVE_INFINITY;
    if (!allow || allow(start)) {
      results.push(start, startScore);
      bound = startScore;
    }
    candidates.push(start, startScore);
    visited[start] = epoch;
    const links = this.level0;
    const starts = this.level0Starts;
    while (candidates.size > 0) {
      const score = candidates.topScore;
      // Without a filter the search stops once nothing left can enter the results; with one it
      // goes on until it has ef allowed results, as hnswlib does.
      if (score < bound && (results.size === ef || !allow)) break;
      const node = candidates.topId;
      candidates.pop();
      for (let j = starts[node]!, to = starts[node + 1]!; j < to; j++) {
        const next = links[j]!;
        if (visited[next] === epoch) continue;
        visited[next] = epoch;
        const s = quick ? quickDot(values, scales, d, next, query) : vectors.dot(next, query);
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

function listsProblem(starts: Uint32Array, links: Uint32Array, n: number): string | undefined {
  if (starts[0] !== 0 || starts[starts.length - 1] !== links.length) return 'its adjacency offsets do not cover the links';
  for (let k = 0; k + 1 < starts.length; k++) if (starts[k + 1]! < starts[k]!) return 'its adjacency offsets run backwards';
  for (let j = 0; j < links.length; j++) if (links[j]! >= n) return 'a link points at no node';
  return undefined;
}
