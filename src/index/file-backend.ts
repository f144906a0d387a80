/**
 * The in-process backend: an index folder read into memory as it is on disk (binary chunk and
 * postings tables decoded on demand, the graph's links, 8-bit vectors), verified against
 * the manifest on open (read-index.ts).
 */
import type { IndexBackend } from './backend.js';
import type { QueryPostings, SparseScores } from './lexical.js';
import type { ChunkTable } from './chunk-table.js';
import type { NeighbourGraph } from './graph.js';
import { HnswWalk } from '../vector/hnsw-walk.js';
import type { ByteVectors } from './byte-vectors.js';
import type { Manifest } from './manifest.js';
import type { PostingsTable } from './postings-table.js';
import { readIndexFiles, readManifest } from './read-index.js';
import type { ChunkRecord } from './store.js';
import type { DocumentList } from './document-list.js';

export class FileBackend implements IndexBackend {
  readonly documents: DocumentList;
  readonly docOf: Int32Array;
  private readonly walk: HnswWalk;

  private constructor(
    readonly location: string,
    readonly manifest: Manifest,
    private readonly table: ChunkTable,
    readonly lexical: PostingsTable,
    private readonly graph: NeighbourGraph,
    private readonly vectors: ByteVectors,
  ) {
    this.documents = table.documents;
    this.docOf = table.docOf;
    this.walk = new HnswWalk(graph.layers);
  }

  /** `manifest`: the folder's manifest when the caller has read it already (it is parsed and checked once). */
  static async open(dir: string, manifest = readManifest(dir)): Promise<FileBackend> {
    const files = await readIndexFiles(dir, manifest);
    return new FileBackend(dir, files.manifest, files.chunks, files.lexical, files.graph, files.vectors);
  }

  async postings(terms: readonly string[]): Promise<QueryPostings> {
    return this.lexical.postings(terms);
  }

  async nearest(vector: readonly number[], k: number, allow?: Uint8Array): Promise<SparseScores> {
    const query = Float64Array.from(vector);
    const ef = this.manifest.hnsw.ef_search;
    return this.walk.search(this.vectors, query, Math.min(k, this.graph.count), ef, allow ? (i) => allow[i] === 1 : undefined);
  }

  async similarities(ids: readonly number[], vector: readonly number[]): Promise<number[]> {
    this.vectors.prepare(Float64Array.from(vector));
    return ids.map((id) => this.vectors.exact(id));
  }

  async chunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    return ids.map((id) => this.table.chunk(id));
  }

  async close(): Promise<void> {}
}
