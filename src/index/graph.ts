/**
 * The HNSW graph as the index stores it: hnswlib builds it (build/hnsw.ts), and its links are
 * taken out of hnswlib's file (vectors excluded: those are kept once, at 8 bits per component, in
 * byte-vectors.ts) into adjacency arrays by chunk position. vector/hnsw-walk.ts searches it.
 */
import { Sections, writeSections } from './sections.js';

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
  readonly count: number;
  readonly m: number;
  readonly entry: number;
  readonly maxLevel: number;
  readonly level0Starts: Uint32Array;
  readonly level0: Uint32Array;
  readonly levels: Uint8Array;
  /** Where each node's first upper-layer list is in `upperStarts` (a prefix sum of `levels`). */
  readonly upperIndex: Uint32Array;
  readonly upperStarts: Uint32Array;
  readonly upper: Uint32Array;

  /** Reads the graph's structure (throws when it is broken); `problem()` checks its links. */
  constructor(file: Buffer) {
    const s = Sections.read<GraphMeta>(file, MAGIC);
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
}

function listsProblem(starts: Uint32Array, links: Uint32Array, n: number): string | undefined {
  if (starts[0] !== 0 || starts[starts.length - 1] !== links.length) return 'its adjacency offsets do not cover the links';
  for (let k = 0; k + 1 < starts.length; k++) if (starts[k + 1]! < starts[k]!) return 'its adjacency offsets run backwards';
  for (let j = 0; j < links.length; j++) if (links[j]! >= n) return 'a link points at no node';
  return undefined;
}
