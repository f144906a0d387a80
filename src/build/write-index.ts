/**
 * Turns chunks and their vectors into a published index directory: BM25 postings and the HNSW
 * graph are built here, every file is staged, and the manifest swap commits them (see commit.ts).
 */
import fs from 'node:fs';
import { constants as bufferLimits } from 'node:buffer';
import { readRegularFileSync } from '../index/regular-file.js';
import { buildLexicalIndex, type LexicalInput } from './lexical-index.js';
import { HnswIndex } from './hnsw.js';
import type { VectorStore } from '../vector/vector-store.js';
import { acquireBuildLock } from './build-lock.js';
import { hnswSettings } from './settings.js';
import { removeStaleStaging, Staging } from './commit.js';
import { buildIdOf } from '../index/consistency.js';
import { encodeChunkTable } from '../index/chunk-table.js';
import { ByteVectors } from '../index/byte-vectors.js';
import { encodeGraph, hnswHeaderProblem, readHnswHeader, vectorsInGraph } from './hnsw-file.js';
import { encodePostings } from '../index/postings-table.js';
import { FORMAT_VERSION, INDEX_FORMAT, type Manifest } from '../index/manifest.js';
import type { ChunkStore } from '../index/store.js';

export interface IndexParts {
  store: ChunkStore;
  vectors: VectorStore;
  /** Per chunk: its text and its context line (title, headings), for BM25F. */
  lexicalInputs: LexicalInput[];
  embedder: Manifest['embedder'];
  settings: Pick<Manifest, 'chunking' | 'lexical' | 'hnsw'>;
  corpus: Manifest['corpus'];
  /** The hash of each document's source, in the store's order (the next build compares them). */
  sourceHashes: readonly string[];
}

/** hnswlib's file is read back into one Buffer: no more than a Buffer holds (4 GB, some 1.9 million passages of 512-d). */
const MAX_HNSW_FILE_BYTES = bufferLimits.MAX_LENGTH;

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

/**
 * Builds the lexical index and the HNSW graph and publishes everything. The vectors are rounded
 * to 8 bits per component first and the graph is built over the rounded values: a rebuild that reuses
 * the stored vectors then reproduces the same files. Call it holding the build lock.
 * `calibrate`: run over the staged files before the manifest commits them, so that a reader never
 * sees the index without what it says relevance means on it.
 */
export async function writeIndex(
  out: string,
  parts: IndexParts,
  log: (line: string) => void = () => {},
  calibrate?: (staged: string, manifest: Manifest) => Promise<Manifest['calibration']>,
): Promise<Manifest> {
  log('build: indexing');
  const lexical = buildLexicalIndex(parts.lexicalInputs, parts.settings.lexical);
  const stored = ByteVectors.fromVectors(parts.vectors);
  const { dimension } = parts.vectors;
  const settings = hnswSettings(parts.settings.hnsw);
  const hnsw = HnswIndex.build(stored.toFloat32(), settings);
  log(`build: writing ${out}`);
  const staging = new Staging(out);
  try {
    const graphFile = staging.scratch('graph.hnsw');
    hnsw.write(graphFile);
    // hnswlib writes through a C++ stream that does not report a short write: its file is read
    // back and checked whole before its links are taken out of it. (Not with readFileSync, which
    // stops at 2 GiB: hnswlib's file holds float32 vectors, 2.2 GB at a million passages.)
    const saved = readRegularFileSync(graphFile, MAX_HNSW_FILE_BYTES);
    fs.rmSync(graphFile);
    const header = readHnswHeader(saved);
    const problem = hnswHeaderProblem(saved, stored.count, dimension, settings.m) ?? vectorsInGraph(saved, header!, dimension, false);
    if (problem) throw new Error(`the HNSW graph was written incompletely (${problem}); the index was left as it was`);
    const vectors = staging.add('vectors', 'bin', stored.encode());
    const graph = staging.add('graph', 'bin', encodeGraph(saved, header!));
    const buildId = buildIdOf(parts.corpus.fingerprint, { vectors, graph });
    const files = {
      chunks: staging.add('chunks', 'bin', encodeChunkTable({ ...parts.store, build_id: buildId }, parts.sourceHashes)),
      lexical: staging.add('lexical', 'bin', encodePostings(lexical, buildId)),
      graph,
      vectors,
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
    const calibration = calibrate ? await calibrate(staging.path, manifest) : undefined;
    const committed = calibration ? { ...manifest, calibration } : manifest;
    staging.commit(committed);
    log(`build: committed ${parts.store.chunks.length} chunks from ${parts.store.documents.length} documents`);
    return committed;
  } catch (err) {
    staging.discard();
    throw err;
  }
}
