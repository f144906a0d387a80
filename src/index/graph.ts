/**
 * The HNSW graph as the index stores it: hnswlib builds it (build/hnsw.ts), and its links are
 * taken out of hnswlib's file (vectors excluded: those are kept once, at 8 bits per component, in
 * byte-vectors.ts) into adjacency arrays by chunk position. vector/hnsw-walk.ts searches it.
 */
import { Sections, writeSections } from './sections.js';
import type { LayeredGraph } from '../vector/hnsw-walk.js';

const MAGIC = 'SSGRAPH1';

export interface GraphMeta {
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

/** The stored graph: adjacency lists by chunk position, on layer 0 and on each node's upper layers (lowest first). */
export function writeGraph(meta: GraphMeta, level0: number[][], upper: number[][][]): Buffer {
  const ground = packLists(level0);
  const above = packLists(upper.flat());
  return writeSections(MAGIC, meta, [
    ['level0_starts', ground.starts],
    ['level0', ground.links],
    ['levels', Uint8Array.from(upper, (u) => u.length)],
    ['upper_starts', above.starts],
    ['upper', above.links],
  ]);
}

export class NeighbourGraph {
  readonly m: number;
  /** The links as the walk (vector/hnsw-walk.ts) reads them. */
  readonly layers: LayeredGraph;

  /** Reads the graph's structure (throws when it is broken); `problem()` checks its links. */
  constructor(file: Buffer) {
    const s = Sections.read<GraphMeta>(file, MAGIC);
    const { meta } = s;
    if (!meta || !Number.isSafeInteger(meta.count) || !Number.isSafeInteger(meta.entry) || !Number.isSafeInteger(meta.max_level))
      throw new Error('its header is incomplete');
    const n = meta.count;
    this.m = meta.m;
    const levels = s.get('levels', 'u8', n);
    const upperIndex = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) upperIndex[i + 1] = upperIndex[i]! + levels[i]!;
    this.layers = {
      count: n,
      entry: meta.entry,
      maxLevel: meta.max_level,
      level0Starts: s.get('level0_starts', 'u32', n + 1),
      level0: s.get('level0', 'u32'),
      levels,
      upperIndex,
      upperStarts: s.get('upper_starts', 'u32', upperIndex[n]! + 1),
      upper: s.get('upper', 'u32'),
    };
  }

  get count(): number {
    return this.layers.count;
  }

  /** Why the graph cannot be walked (a link to no node, lists outside the arrays, a bad entry point), or undefined. */
  problem(): string | undefined {
    const { count: n, level0Starts, level0, upperStarts, upper, entry, levels, maxLevel } = this.layers;
    return (
      listsProblem(level0Starts, level0, n) ??
      listsProblem(upperStarts, upper, n) ??
      (n > 0 && (entry >= n || levels[entry]! < maxLevel) ? 'its entry point is not on its top layer' : undefined)
    );
  }
}

function listsProblem(starts: Uint32Array, links: Uint32Array, n: number): string | undefined {
  if (starts[0] !== 0 || starts[starts.length - 1] !== links.length) return 'its adjacency offsets do not cover the links';
  for (let k = 0; k + 1 < starts.length; k++) if (starts[k + 1]! < starts[k]!) return 'its adjacency offsets run backwards';
  for (let j = 0; j < links.length; j++) if (links[j]! >= n) return 'a link points at no node';
  return undefined;
}
