/**
 * Cross-checks between an index's files, beyond each file's own checksum: that they come from one
 * build (a build id in the manifest and in the chunk and postings files), that counts agree file
 * by file, and that postings point only at chunks that exist. A file
 * swapped in from another index, with the manifest's checksums edited to match, is refused here
 * instead of serving nonsense.
 */
import { sha256 } from './manifest.js';
import type { Manifest } from './manifest.js';
import type { ChunkTable } from './chunk-table.js';
import type { PostingsTable } from './postings-table.js';

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
