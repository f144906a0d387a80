/**
 * The database layout, versioned. One shared schema `semsearch` holds the layout version, the
 * collections (each pointing at its current generation) and the generations themselves; every
 * build writes a complete generation in a schema of its own and switches the pointer in one
 * transaction, so a reader sees the old index or the new one, never a mix.
 *
 * A generation holds the same index as the files do: documents and chunks (their records as
 * JSON), one vector per chunk (pgvector, float32 so scores match the files to 1e-6) with an HNSW
 * index over its half-precision cast, the BM25 postings per term, and the per-chunk field
 * lengths. Postings and lengths are packed int32 (bytea): a question reads its terms' rows by
 * primary key and scores them with the same BM25F code as the files, so both rank from the same
 * numbers.
 */
import type { Manifest } from '../manifest.js';
import type { Query } from './database.js';

/** Bumped when the layout changes; a reader refuses a database written with another one. */
export const SCHEMA_VERSION = 1;

export const SHARED_SCHEMA = 'semsearch';

/** A generation's schema name: generated, never user text (collection names go in as values). */
export function generationSchema(id: string): string {
  if (!/^[a-f0-9]{16}$/.test(id)) throw new Error(`bad generation id ${id}`);
  return `semsearch_g_${id}`;
}

/** The layout version the database was written with, or undefined when it holds no index yet. */
export async function layoutVersion(query: Query): Promise<number | undefined> {
  const exists = await query<{ t: string | null }>(`SELECT to_regclass('${SHARED_SCHEMA}.layout')::text AS t`);
  if (!exists.rows[0]?.t) return undefined;
  const row = await query<{ version: number }>(`SELECT version FROM ${SHARED_SCHEMA}.layout`);
  return row.rows[0]?.version;
}

/**
 * The HNSW index over the vectors cast to half precision (pgvector's halfvec): half the memory to
 * build and to keep cached, with the rows it finds scored exactly from the float32 column. Its
 * recall against an exact scan stays above the 8-bit graph's of the index files.
 */
export function halfvecExpression(dimension: number): string {
  return `(embedding::halfvec(${dimension | 0}))`;
}

/**
 * Whether a generation's vector index is over half precision (generations published before it
 * was hold one over the float32 column): a search must order by the expression the index is on.
 */
export async function hasHalfvecIndex(query: Query, schema: string): Promise<boolean> {
  const rows = await query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = 'chunks' AND indexdef LIKE '%halfvec_ip_ops%'",
    [schema],
  );
  return (rows.rows[0]?.n ?? 0) > 0;
}

/** The collection's current generation and the build it holds, if it has one. */
export interface CurrentGeneration {
  generation: string;
  previous: string | null;
  manifest: Manifest;
}

export async function currentGeneration(query: Query, collection: string): Promise<CurrentGeneration | undefined> {
  const rows = await query<CurrentGeneration>(`SELECT generation, previous, manifest FROM ${SHARED_SCHEMA}.collections WHERE name = $1`, [
    collection,
  ]);
  return rows.rows[0];
}
