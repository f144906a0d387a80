/**
 * The HNSW graph (hnswlib-node) over chunk vectors. Labels are chunk positions in the chunk
 * store. Similarities are returned as 1 - hnswlib's inner-product distance: the cosine, since the
 * build stores unit vectors.
 */
import hnswlib from 'hnswlib-node';
import type { VectorStore } from './vectors.js';

const { HierarchicalNSW } = hnswlib;

/**
 * Inner product over vectors the build made unit length (VectorStore.unitRows): cosine, with the
 * vectors stored exactly as given. hnswlib's own 'cosine' space normalises again on insert, which
 * changes the last bits, so a rebuild from stored vectors would not reproduce the same graph.
 */
const SPACE = 'ip';
type Graph = InstanceType<typeof HierarchicalNSW>;

export interface HnswSettings {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 200, efSearch: 100, seed: 42 };

export interface Neighbours {
  ids: number[];
  scores: number[];
}

export class HnswIndex {
  private constructor(
    private readonly graph: Graph,
    readonly settings: HnswSettings,
  ) {}

  static build(vectors: VectorStore, settings: HnswSettings): HnswIndex {
    const graph = new HierarchicalNSW(SPACE, vectors.dimension);
    graph.initIndex({
      maxElements: Math.max(1, vectors.count),
      m: settings.m,
      efConstruction: settings.efConstruction,
      randomSeed: settings.seed,
    });
    for (let i = 0; i < vectors.count; i++) graph.addPoint(vectors.row(i), i);
    return new HnswIndex(graph, settings);
  }

  /** hnswlib does not record the dimension in its file, so the caller must pass the right one. */
  static read(file: string, dimension: number, settings: HnswSettings): HnswIndex {
    const graph = new HierarchicalNSW(SPACE, dimension);
    graph.readIndexSync(file);
    graph.setEf(settings.efSearch);
    return new HnswIndex(graph, settings);
  }

  write(file: string): void {
    this.graph.writeIndexSync(file);
  }

  get count(): number {
    return this.graph.getCurrentCount();
  }

  search(query: number[], k: number, allow?: (id: number) => boolean): Neighbours {
    const n = Math.min(k, this.count);
    if (n <= 0) return { ids: [], scores: [] };
    if (this.graph.getEf() < n) this.graph.setEf(n);
    const { neighbors, distances } = allow ? this.graph.searchKnn(query, n, allow) : this.graph.searchKnn(query, n);
    if (this.graph.getEf() !== this.settings.efSearch) this.graph.setEf(this.settings.efSearch);
    return { ids: neighbors, scores: distances.map((d) => 1 - d) };
  }
}
