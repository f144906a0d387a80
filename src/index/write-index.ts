/**
 * Turns chunks and their vectors into a published index directory: BM25 postings and the HNSW
 * graph (which keeps the vectors) are built here, every file is staged, and the manifest swap
 * commits them (see commit.ts).
 */
import fs from 'node:fs';
import { buildLexicalIndex, type LexicalInput } from './bm25.js';
import { HnswIndex } from './hnsw.js';
import type { VectorStore } from './vectors.js';
import { acquireBuildLock } from './build-lock.js';
import { hnswSettings } from './settings.js';
import { removeStaleStaging, Staging } from './commit.js';
import { buildIdOf } from './consistency.js';
import { FORMAT_VERSION, INDEX_FORMAT, type Manifest } from './manifest.js';
import type { ChunkStore } from './store.js';

export interface IndexParts {
  store: ChunkStore;
  vectors: VectorStore;
  /** Per chunk: its text and its context line (title, headings), for BM25F. */
  lexicalInputs: LexicalInput[];
  embedder: Manifest['embedder'];
  settings: Pick<Manifest, 'chunking' | 'lexical' | 'hnsw'>;
  corpus: Manifest['corpus'];
}

/** Runs `work` holding the directory's build lock, after clearing what killed builds left behind. */
export async function withBuildLock<T>(out: string, work: () => Promise<T>): Promise<T> {
  fs.mkdirSync(out, { recursive: true });
  const release = acquireBuildLock(out);
  try {
    removeStaleStaging(out);
    return await work();
  } finally {
    release();
  }
}

/** Builds the lexical and HNSW indexes and publishes everything. Call it holding the build lock. */
export function writeIndex(out: string, parts: IndexParts, log: (line: string) => void = () => {}): Manifest {
  log('build: indexing');
  const lexical = buildLexicalIndex(parts.lexicalInputs, parts.settings.lexical);
  const hnsw = HnswIndex.build(parts.vectors, hnswSettings(parts.settings.hnsw));
  log(`build: writing ${out}`);
  const staging = new Staging(out);
  try {
    const graphFile = staging.scratch('graph.hnsw');
    hnsw.write(graphFile);
    // hnswlib writes through a C++ stream that does not report a short write: read the graph
    // back and check it holds every vector before it is published.
    const written = HnswIndex.read(graphFile, parts.vectors.dimension, hnswSettings(parts.settings.hnsw)).count;
    if (written !== parts.vectors.count)
      throw new Error(
        `the HNSW graph was written incompletely (${written} of ${parts.vectors.count} vectors); the index was left as it was`,
      );
    const graph = fs.readFileSync(graphFile);
    fs.rmSync(graphFile);
    // The graph (with the vectors in it) first: the build id is derived from it and written into the JSON files.
    const hnswRef = staging.add('hnsw', 'hnsw', graph);
    const buildId = buildIdOf(parts.corpus.fingerprint, hnswRef);
    const files = {
      chunks: staging.add('chunks', 'json', JSON.stringify({ build_id: buildId, ...parts.store })),
      lexical: staging.add('lexical', 'json', JSON.stringify({ build_id: buildId, ...lexical })),
      hnsw: hnswRef,
    };
    const manifest: Manifest = {
      format: INDEX_FORMAT,
      format_version: FORMAT_VERSION,
      built_at: new Date().toISOString(),
      build_id: buildId,
      embedder: parts.embedder,
      ...parts.settings,
      counts: { documents: parts.store.documents.length, chunks: parts.store.chunks.length },
      corpus: parts.corpus,
      files,
    };
    staging.commit(manifest);
    log(`build: committed ${parts.store.chunks.length} chunks from ${parts.store.documents.length} documents`);
    return manifest;
  } catch (err) {
    staging.discard();
    throw err;
  }
}
