/**
 * Cross-checks between an index's files, beyond each file's own checksum: that they come from one
 * build (a build id in the manifest and in the chunk and postings files), that counts agree file
 * by file, that postings point only at chunks that exist, and that hnswlib's file describes
 * vectors of the expected dimension before it is read. A file
 * swapped in from another index, with the manifest's checksums edited to match, is refused here
 * instead of serving nonsense (or making hnswlib read out of bounds).
 */
import { sha256 } from './commit.js';
import type { Manifest } from './manifest.js';
import type { ChunkTable } from './chunk-table.js';
import type { PostingsTable } from './postings-table.js';
import { hnswLayoutProblem, readHnswHeader } from './hnsw-file.js';

/**
 * The id of a build: derived from its corpus, its vectors and its graph, so the files that carry
 * it are bound to those exact vectors, and identical builds get identical files.
 */
export function buildIdOf(fingerprint: string, files: Pick<Manifest['files'], 'vectors' | 'graph'>): string {
  return sha256(JSON.stringify([fingerprint, files.vectors.sha256, files.graph.sha256])).slice(0, 32);
}

export function manifestProblem(manifest: Manifest): string | undefined {
  return manifest.build_id === buildIdOf(manifest.corpus.fingerprint, manifest.files)
    ? undefined
    : 'its vectors and graph come from another build than its other files';
}

/** Returns the first inconsistency found, or undefined. */
export function chunkStoreProblem(table: ChunkTable, manifest: Manifest): string | undefined {
  if (table.buildId !== manifest.build_id) return 'the chunk store comes from another build than the manifest';
  // Its own structure: offsets, sections, and documents owning consecutive runs of chunks.
  const structure = table.problem();
  if (structure) return structure;
  if (table.count !== manifest.counts.chunks || table.documents.length !== manifest.counts.documents) {
    return 'the chunk store holds a different number of chunks or documents than the manifest';
  }
  return undefined;
}

export function lexicalProblem(lexical: PostingsTable, manifest: Manifest): string | undefined {
  if (lexical.buildId !== manifest.build_id) return 'the lexical index comes from another build than the manifest';
  return lexical.problem(manifest.counts.chunks);
}

/** hnswlib trusts the dimension and counts it is given: a graph file's header is checked against what the build expects first. */
export function hnswHeaderProblem(graph: Buffer, chunks: number, dimension: number, m: number): string | undefined {
  const header = readHnswHeader(graph);
  if (!header) return 'the HNSW graph is shorter than its header';
  const { count, maxElements } = header;
  if (count !== chunks || maxElements < count) return `the HNSW graph holds ${count} vectors, not ${chunks}`;
  const layout = hnswLayoutProblem(graph, header, dimension);
  if (layout) return layout;
  if (header.m !== m) return `the HNSW graph was built with M=${header.m}, not ${m}`;
  return undefined;
}
