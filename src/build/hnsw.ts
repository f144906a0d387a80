/**
 * Builds the HNSW graph with hnswlib-node over chunk vectors (labels are chunk positions) and
 * writes hnswlib's file, from which the index takes the links (graph.ts). Searching happens in
 * graph.ts over the stored 8-bit vectors.
 */
import hnswlib from 'hnswlib-node';
import type { VectorStore } from '../vector/vector-store.js';

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

/**
 * ef_search 150: at 100,000 passages the walk finds 98.8 % of the exact ten nearest (100: 98.1 %),
 * in less time than 100 took before the vectors were compared in WebAssembly (docs/performance.md).
 */
export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 200, efSearch: 150, seed: 42 };

export class HnswIndex {
  private constructor(private readonly graph: Graph) {}

  static build(vectors: VectorStore, settings: HnswSettings): HnswIndex {
    const graph = new HierarchicalNSW(SPACE, vectors.dimension);
    graph.initIndex({
      maxElements: Math.max(1, vectors.count),
      m: settings.m,
      efConstruction: settings.efConstruction,
      randomSeed: settings.seed,
    });
    for (let i = 0; i < vectors.count; i++) graph.addPoint(vectors.row(i), i);
    return new HnswIndex(graph);
  }

  write(file: string): void {
    this.graph.writeIndexSync(file);
  }
}
