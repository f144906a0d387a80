/**
 * Creates the PostgreSQL layout index/postgres/schema.ts describes: the shared schema once, then
 * each generation's tables, filled by the publisher before its vector index is built.
 */
import type { Query } from '../index/postgres/database.js';
import { halfvecExpression, SCHEMA_VERSION, SHARED_SCHEMA } from '../index/postgres/schema.js';

export async function createSharedSchema(query: Query): Promise<void> {
  await query('CREATE EXTENSION IF NOT EXISTS vector');
  await query(`CREATE SCHEMA IF NOT EXISTS ${SHARED_SCHEMA}`);
  await query(`CREATE TABLE IF NOT EXISTS ${SHARED_SCHEMA}.layout (version int NOT NULL)`);
  await query(`INSERT INTO ${SHARED_SCHEMA}.layout (version) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM ${SHARED_SCHEMA}.layout)`, [
    SCHEMA_VERSION,
  ]);
  await query(`CREATE TABLE IF NOT EXISTS ${SHARED_SCHEMA}.generations (
    id text PRIMARY KEY,
    collection text NOT NULL,
    state text NOT NULL CHECK (state IN ('loading', 'ready')),
    created_at timestamptz NOT NULL DEFAULT now())`);
  await query(`CREATE TABLE IF NOT EXISTS ${SHARED_SCHEMA}.collections (
    name text PRIMARY KEY,
    generation text NOT NULL REFERENCES ${SHARED_SCHEMA}.generations (id),
    previous text,
    manifest jsonb NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now())`);
}

/** Tables of one generation, created empty; the vector index comes after the rows (much faster to build). */
export async function createGenerationTables(query: Query, schema: string, dimension: number): Promise<void> {
  await query(`CREATE SCHEMA ${schema}`);
  await query(`CREATE TABLE ${schema}.documents (pos int PRIMARY KEY, id text NOT NULL UNIQUE, record jsonb NOT NULL)`);
  await query(
    `CREATE TABLE ${schema}.chunks (pos int PRIMARY KEY, doc int NOT NULL, hash text NOT NULL, record jsonb NOT NULL, embedding vector(${dimension | 0}) NOT NULL)`,
  );
  // A chunk's vector (2 KB at 512 dimensions) would be moved out to the TOAST table with the
  // row's other wide values: reading it back then takes a TOAST index lookup and two more pages
  // for every candidate a search scores. Kept in the row, it comes with the heap page the index
  // scan reads anyway.
  await query(`ALTER TABLE ${schema}.chunks ALTER COLUMN embedding SET STORAGE PLAIN`);
  await query(`CREATE TABLE ${schema}.postings (term text PRIMARY KEY, df int NOT NULL, body bytea NOT NULL, context bytea NOT NULL)`);
  // Kept uncompressed: pglz shrinks packed postings about 2.4 times, but then every question
  // decompresses every list it reads (at 100,000 passages the table takes 27 MB instead of 16).
  await query(`ALTER TABLE ${schema}.postings ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN context SET STORAGE EXTERNAL`);
  await query(
    `CREATE TABLE ${schema}.lexical (analyzer jsonb NOT NULL, count int NOT NULL, body_lengths bytea NOT NULL, context_lengths bytea NOT NULL)`,
  );
}

export async function createVectorIndex(query: Query, schema: string, dimension: number, m: number, efConstruction: number): Promise<void> {
  // Unit-length vectors: inner product ranks as cosine does, and is the cheapest operator.
  await query(
    `CREATE INDEX chunks_embedding_hnsw ON ${schema}.chunks USING hnsw (${halfvecExpression(dimension)} halfvec_ip_ops) WITH (m = ${m | 0}, ef_construction = ${efConstruction | 0})`,
  );
  await query(`CREATE INDEX ON ${schema}.chunks (hash)`);
  await query(`ANALYZE ${schema}.chunks`);
}
