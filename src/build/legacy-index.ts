/**
 * The vectors of an index of an earlier format, read for one purpose: a rebuild in the current
 * format reuses them instead of embedding every passage again. Version 1 kept them in
 * vectors-*.f32, version 2 inside hnswlib's graph file, both with the chunks as JSON; version 3
 * had today's vector file and a first binary chunk table. Each file is checked against the old
 * manifest's size and checksum; anything unexpected reuses nothing.
 */
import path from 'node:path';
import { z } from 'zod';
import { hnswHeaderProblem, readHnswHeader, vectorsInGraph } from './hnsw-file.js';
import { EmbedderInfoSchema, FileRef, MANIFEST_FILE, MAX_MANIFEST_BYTES, type Manifest } from '../index/manifest.js';
import { readVerified } from '../index/read-index.js';
import { readRegularFileSync } from '../index/regular-file.js';
import { VectorStore } from '../vector/vector-store.js';
import { ByteVectors } from '../index/byte-vectors.js';
import { Sections } from '../index/sections.js';
import { INPUT_HASH_BYTES, inputHashAt } from '../index/chunk-table.js';

const Common = { embedder: EmbedderInfoSchema, counts: z.object({ chunks: z.number().int().nonnegative() }) };
const LegacyManifest = z.union([
  z.object({ format_version: z.literal(1), ...Common, files: z.object({ chunks: FileRef, vectors: FileRef }) }),
  z.object({
    format_version: z.literal(2),
    ...Common,
    hnsw: z.object({ m: z.number().int().positive() }),
    files: z.object({ chunks: FileRef, hnsw: FileRef }),
  }),
  z.object({ format_version: z.literal(3), ...Common, files: z.object({ chunks: FileRef, vectors: FileRef }) }),
]);

/** Version 3's chunk table, whose hash column is laid out as today's. */
const V3_CHUNKS_MAGIC = 'SSCHUNK1';

async function version3Vectors(
  dir: string,
  files: { chunks: FileRef; vectors: FileRef },
  n: number,
  dimension: number,
): Promise<{ hashes: string[]; vectors: VectorStore } | undefined> {
  const raw = Sections.read(await readVerified(dir, files.chunks), V3_CHUNKS_MAGIC).get('hash', 'u8', n * INPUT_HASH_BYTES);
  const stored = ByteVectors.read(await readVerified(dir, files.vectors), n, dimension);
  if (stored.problem()) return undefined;
  const hashes = Array.from({ length: n }, (_, i) => inputHashAt(raw, i));
  return { hashes, vectors: stored.toFloat32() };
}

export interface ReusableVectors {
  manifest: Pick<Manifest, 'embedder'>;
  /** The hash of each chunk's embedding input, by chunk position. */
  hashes: string[];
  vectors: VectorStore;
}

export async function legacyIndexVectors(dir: string): Promise<ReusableVectors | undefined> {
  try {
    const parsed = LegacyManifest.safeParse(
      JSON.parse(readRegularFileSync(path.join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES).toString('utf8')),
    );
    if (!parsed.success) return undefined;
    const old = parsed.data;
    const { embedder, counts } = old;
    const n = counts.chunks;
    if (old.format_version === 3) {
      const found = await version3Vectors(dir, old.files, n, embedder.dimension);
      return found && { manifest: { embedder }, ...found };
    }
    const store = JSON.parse((await readVerified(dir, old.files.chunks)).toString('utf8')) as { chunks?: { hash: string }[] };
    if (store.chunks?.length !== n) return undefined;
    let vectors: VectorStore;
    if (old.format_version === 1) {
      const raw = await readVerified(dir, old.files.vectors);
      if (raw.length !== n * embedder.dimension * 4) return undefined;
      vectors = VectorStore.fromBuffer(raw, embedder.dimension);
      if (!vectors.data.every(Number.isFinite)) return undefined;
    } else {
      const graph = await readVerified(dir, old.files.hnsw);
      if (hnswHeaderProblem(graph, n, embedder.dimension, old.hnsw.m)) return undefined;
      const found = vectorsInGraph(graph, readHnswHeader(graph)!, embedder.dimension, true);
      if (typeof found === 'string') return undefined;
      vectors = found;
    }
    return { manifest: { embedder }, hashes: store.chunks.map((c) => c.hash), vectors };
  } catch {
    return undefined;
  }
}
