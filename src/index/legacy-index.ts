/**
 * The vectors of a version-1 index (vectors-*.f32 beside the graph), read for one purpose: a
 * rebuild in the new format reuses them instead of embedding every passage again. Each file is
 * checked against the old manifest's size and checksum; anything unexpected reuses nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EmbedderInfoSchema, FileRef, MANIFEST_FILE, MAX_MANIFEST_BYTES, type Manifest } from './manifest.js';
import { readVerified } from './read-index.js';
import { readRegularFileSync } from './regular-file.js';
import type { ChunkStore } from './store.js';
import { VectorStore } from './vectors.js';

const LegacyManifest = z.object({
  format_version: z.literal(1),
  embedder: EmbedderInfoSchema,
  counts: z.object({ chunks: z.number().int().nonnegative() }),
  files: z.object({ chunks: FileRef, vectors: FileRef }),
});

export async function legacyIndexVectors(
  dir: string,
): Promise<{ manifest: Pick<Manifest, 'embedder'>; store: ChunkStore; vectors: VectorStore } | undefined> {
  try {
    const parsed = LegacyManifest.safeParse(
      JSON.parse(readRegularFileSync(path.join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES).toString('utf8')),
    );
    if (!parsed.success || !fs.existsSync(path.join(dir, parsed.data.files.vectors.name))) return undefined;
    const { files, embedder, counts } = parsed.data;
    const [chunks, raw] = await Promise.all([readVerified(dir, files.chunks), readVerified(dir, files.vectors)]);
    const store = JSON.parse(chunks.toString('utf8')) as ChunkStore;
    if (store.chunks?.length !== counts.chunks || raw.length !== counts.chunks * embedder.dimension * 4) return undefined;
    const vectors = VectorStore.fromBuffer(raw, embedder.dimension);
    if (!vectors.data.every(Number.isFinite)) return undefined;
    return { manifest: { embedder }, store, vectors };
  } catch {
    return undefined;
  }
}
