/**
 * The index manifest: what was built, with what, from what, and the checksums of every file.
 * The query side trusts nothing it has not checked against this.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EmbedderInfo } from '../embed/embedder.js';
import { CHUNK_CONTEXTS } from '../corpus/chunker.js';

/** The checksum the manifest records for every file (hex SHA-256). */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export const INDEX_FORMAT = 'semantic-search-index';
/**
 * 4: documents are columns of the chunk table, with the hash of each one's source, and no longer
 * listed in the manifest, which stays a few kilobytes whatever the corpus (version 3 listed them
 * in both, as JSON parsed at every start). Version 3 brought binary files read without a JSON
 * parse of the whole (chunks, postings), the vectors once at 8 bits per component
 * (byte-vectors.ts) and the graph's links apart from them. Version 1 kept the vectors twice (the
 * graph and vectors-*.f32), version 2 once, inside hnswlib's file. An older index is refused with
 * the command that rebuilds it; the rebuild reuses its vectors.
 */
export const FORMAT_VERSION = 4;

/**
 * A bound on reading a manifest. One of format 4 is a few kilobytes; those of formats 1 to 3
 * listed every document (1.7 MB at 100,000 passages) and are still read to reuse their vectors.
 */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
export const MANIFEST_FILE = 'manifest.json';

/**
 * How every index file is named, in every format (role, 16 hex digits of its SHA-256, extension):
 * nothing else, so no "..", no other folder and no file of the user's is ever taken for one,
 * downloaded to or deleted.
 */
export const INDEX_FILE_NAME = /^(chunks|lexical|vectors|graph|hnsw)-[0-9a-f]{16}\.(bin|json|hnsw|f32)$/;
/** No index file is larger (a terabyte): a manifest claiming more is damaged or forged. */
export const MAX_INDEX_FILE_BYTES = 2 ** 40;

export const FileRef = z.object({
  name: z.string().regex(INDEX_FILE_NAME, 'an index file name: <role>-<16 hex digits>.<ext>'),
  bytes: z.number().int().nonnegative().max(MAX_INDEX_FILE_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FileRef = z.infer<typeof FileRef>;

export const EmbedderInfoSchema = z.object({
  id: z.string().min(1),
  dimension: z.number().int().positive(),
  max_tokens: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls', 'model']),
  normalize: z.boolean(),
  query_prefix: z.string(),
  passage_prefix: z.string(),
  variant: z.string(),
});

export const ManifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  format_version: z.number().int(),
  built_at: z.string(),
  /** Derived from the corpus, vectors and graph (consistency.ts), also written into the chunk store and the lexical index: binds the files together. */
  build_id: z.string(),
  embedder: EmbedderInfoSchema,
  chunking: z.object({
    max_tokens: z.number().int().positive(),
    overlap_sentences: z.number().int().nonnegative(),
    min_tokens: z.number().int().nonnegative(),
    context: z.enum(CHUNK_CONTEXTS),
  }),
  lexical: z.object({ stem: z.boolean(), stopwords: z.boolean() }),
  hnsw: z.object({
    space: z.literal('cosine'),
    m: z.number().int().positive(),
    ef_construction: z.number().int().positive(),
    ef_search: z.number().int().positive(),
    seed: z.number().int(),
  }),
  counts: z.object({ documents: z.number().int().nonnegative(), chunks: z.number().int().nonnegative() }),
  corpus: z.object({
    /** Hash of the settings that shape chunks and vectors; a change invalidates every vector. */
    settings_hash: z.string(),
    /** Hash over the settings and every document's hash: equal means nothing to rebuild. */
    fingerprint: z.string(),
    /** The corpus it was built from, relative to the index directory (to tell a stale index). */
    source: z.string().optional(),
  }),
  files: z.object({ chunks: FileRef, lexical: FileRef, graph: FileRef, vectors: FileRef }),
  /** What relevance means on this index, fitted when it was built (search/index-calibration.ts). */
  calibration: z
    .object({
      version: z.number().int(),
      relevance: z.object({
        intercept: z.number(),
        cosine: z.number(),
        coverage: z.number(),
        gap: z.number(),
        known: z.number(),
        drop: z.number(),
        cosineScale: z.object({ center: z.number(), scale: z.number().positive() }),
      }),
      questions: z.object({ pseudo: z.number().int(), off_topic: z.number().int() }),
      seconds: z.number(),
    })
    .optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type IndexFileRole = keyof Manifest['files'];

/** The manifest's record of an embedder (snake_case, as stored). */
export function embedderRecord(info: EmbedderInfo): Manifest['embedder'] {
  return {
    id: info.id,
    dimension: info.dimension,
    max_tokens: info.maxTokens,
    pooling: info.pooling,
    normalize: info.normalize,
    query_prefix: info.queryPrefix,
    passage_prefix: info.passagePrefix,
    variant: info.variant,
  };
}
