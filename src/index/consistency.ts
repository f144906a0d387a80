/**
 * Cross-checks between an index's files, beyond each file's own checksum: that they come from one
 * build (a build id in the manifest and in each JSON file), that counts and dimensions agree file
 * by file, that the HNSW graph's header describes vectors of the manifest's dimension, that
 * postings point only at chunks that exist, and that no vector holds NaN or infinity. A file
 * swapped in from another index, with the manifest's checksums edited to match, is refused here
 * instead of serving nonsense (or making hnswlib read out of bounds).
 */
import { sha256 } from './commit.js';
import type { FileRef, Manifest } from './manifest.js';
import type { ChunkStore } from './store.js';
import type { LexicalIndexData } from './bm25.js';
import { hnswLayoutProblem, readHnswHeader } from './hnsw-file.js';

/**
 * The id of a build: derived from its corpus and its graph (which holds the vectors), so the JSON
 * files that carry it are bound to those exact vectors, and identical builds get identical files.
 */
export function buildIdOf(fingerprint: string, hnsw: FileRef): string {
  return sha256(JSON.stringify([fingerprint, hnsw.sha256])).slice(0, 32);
}

export function manifestProblem(manifest: Manifest): string | undefined {
  if (manifest.build_id === undefined) return undefined; // built before build ids
  return manifest.build_id === buildIdOf(manifest.corpus.fingerprint, manifest.files.hnsw)
    ? undefined
    : 'its vectors and graph come from another build than its other files';
}

/** Returns the first inconsistency found, or undefined. */
export function chunkStoreProblem(store: ChunkStore & { build_id?: string }, manifest: Manifest): string | undefined {
  if (manifest.build_id !== undefined && store.build_id !== manifest.build_id)
    return 'the chunk store comes from another build than the manifest';
  if (store.chunks?.length !== manifest.counts.chunks || store.documents?.length !== manifest.counts.documents) {
    return 'the chunk store holds a different number of chunks or documents than the manifest';
  }
  const expected = new Map<string, number>();
  for (const d of manifest.corpus.documents) if (d.chunks > 0) expected.set(d.id, d.chunks);
  let next = 0;
  for (const [d, doc] of store.documents.entries()) {
    if (expected.get(doc.id) !== doc.count || doc.first !== next)
      return `the chunk store's document "${doc.id}" does not match the manifest's corpus`;
    for (let i = doc.first; i < doc.first + doc.count; i++) if (store.chunks[i]?.doc !== d) return 'a chunk points at the wrong document';
    next += doc.count;
  }
  return next === store.chunks.length ? undefined : 'the chunk store does not cover its chunks';
}

export function lexicalProblem(lexical: LexicalIndexData & { build_id?: string }, manifest: Manifest): string | undefined {
  const n = manifest.counts.chunks;
  if (manifest.build_id !== undefined && lexical.build_id !== manifest.build_id)
    return 'the lexical index comes from another build than the manifest';
  if (lexical.count !== n || lexical.bodyLengths?.length !== n || lexical.contextLengths?.length !== n)
    return `the lexical index does not cover exactly ${n} chunks`;
  for (const entry of Object.values(lexical.terms ?? {})) {
    if (!Number.isInteger(entry.df) || entry.df < 1 || entry.df > n) return 'a term has an impossible document frequency';
    for (const postings of [entry.body, entry.context]) {
      if (postings === undefined) continue;
      if (postings.length % 2 !== 0) return 'a postings list is cut short';
      for (let k = 0, last = -1; k < postings.length; k += 2) {
        const chunk = postings[k]!;
        const tf = postings[k + 1]!;
        if (!Number.isInteger(chunk) || chunk <= last || chunk >= n || !Number.isInteger(tf) || tf < 1)
          return 'a postings list points outside the index';
        last = chunk;
      }
    }
  }
  return undefined;
}

/** hnswlib trusts the dimension and counts it is given: its header is checked against the manifest first. */
export function hnswHeaderProblem(graph: Buffer, manifest: Manifest): string | undefined {
  const header = readHnswHeader(graph);
  if (!header) return 'the HNSW graph is shorter than its header';
  const { count, maxElements, m } = header;
  if (count !== manifest.counts.chunks || maxElements < count)
    return `the HNSW graph holds ${count} vectors, not ${manifest.counts.chunks}`;
  const layout = hnswLayoutProblem(graph, header, manifest.embedder.dimension);
  if (layout) return layout;
  if (m !== manifest.hnsw.m) return `the HNSW graph was built with M=${m}, the manifest says ${manifest.hnsw.m}`;
  return undefined;
}
