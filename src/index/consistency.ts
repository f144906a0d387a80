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

/**
 * The id of a build: derived from its corpus and its binary files, so the JSON files that carry it
 * are bound to those exact vectors and that graph, and identical builds get identical files.
 */
export function buildIdOf(fingerprint: string, vectors: FileRef, hnsw: FileRef): string {
  return sha256(JSON.stringify([fingerprint, vectors.sha256, hnsw.sha256])).slice(0, 32);
}

export function manifestProblem(manifest: Manifest): string | undefined {
  if (manifest.build_id === undefined) return undefined; // built before build ids
  return manifest.build_id === buildIdOf(manifest.corpus.fingerprint, manifest.files.vectors, manifest.files.hnsw)
    ? undefined
    : 'its vectors or graph come from another build than its other files';
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

export function vectorsProblem(data: Float32Array): string | undefined {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return `vector component ${i} is ${data[i]}`;
  return undefined;
}

/**
 * hnswlib's file starts with its parameters (size_t fields, little-endian): element counts at
 * bytes 8 and 16, and the per-element layout, whose data part (label offset minus data offset)
 * is the vector size in bytes. hnswlib trusts the dimension it is given: checked here first.
 */
export function hnswHeaderProblem(graph: Buffer, manifest: Manifest): string | undefined {
  if (graph.length < 96) return 'the HNSW graph is shorter than its header';
  const field = (offset: number) => Number(graph.readBigUInt64LE(offset));
  const count = field(16);
  const vectorBytes = field(32) - field(40);
  if (count !== manifest.counts.chunks || field(8) < count) return `the HNSW graph holds ${count} vectors, not ${manifest.counts.chunks}`;
  if (vectorBytes !== manifest.embedder.dimension * 4)
    return `the HNSW graph holds vectors of dimension ${vectorBytes / 4}, not ${manifest.embedder.dimension}`;
  if (field(72) !== manifest.hnsw.m) return `the HNSW graph was built with M=${field(72)}, the manifest says ${manifest.hnsw.m}`;
  return undefined;
}
