/**
 * Publishes a built index folder into PostgreSQL as a new generation of its collection: rows
 * loaded in batches into fresh tables, the vector index built after them, then one transaction
 * marks the generation ready and points the collection at it. A build killed anywhere before that
 * transaction leaves the served generation as it was; its half-loaded tables are dropped by the
 * next build. The generation before the current one is kept for readers that have not switched
 * yet; older ones are dropped.
 */
import { randomBytes } from 'node:crypto';
import { readWholeIndex } from '../index/read-index.js';
import type { Manifest } from '../index/manifest.js';
import type { Database, Query } from '../index/postgres/database.js';
import { packInts, parseVector, vectorLiteral } from '../index/postgres/codec.js';
import { createGenerationTables, createSharedSchema, createVectorIndex } from './postgres-tables.js';
import { currentGeneration, generationSchema, layoutVersion, SCHEMA_VERSION, SHARED_SCHEMA } from '../index/postgres/schema.js';

/** Rows per INSERT: large enough to keep round trips few, small enough to keep each statement a few MB. */
const BATCH = 500;

export interface PublishReport {
  status: 'published' | 'unchanged';
  generation: string;
  seconds: number;
}

export interface PublishOptions {
  log?: (line: string) => void;
  /** Publish even when the database already serves this build. */
  force?: boolean;
  /** Called when every row and index is in place, before the switch (tests stop a build here). */
  beforeSwitch?: () => Promise<void>;
}

export class LayoutVersionError extends Error {}

async function checkLayout(db: Database): Promise<void> {
  const version = await layoutVersion(db.query);
  if (version !== undefined && version !== SCHEMA_VERSION) {
    throw new LayoutVersionError(
      `${db.label} holds indexes in layout version ${version}; this version writes ${SCHEMA_VERSION}. Publish into another database or schema, or drop the "${SHARED_SCHEMA}" schema first`,
    );
  }
}

/** Drops this collection's generations that are neither current nor previous: dead builds and old ones. */
async function dropStale(db: Database, collection: string, log: (line: string) => void): Promise<void> {
  const stale = await db.query<{ id: string }>(
    `SELECT g.id FROM ${SHARED_SCHEMA}.generations g LEFT JOIN ${SHARED_SCHEMA}.collections c ON c.name = g.collection
     WHERE g.collection = $1 AND g.id IS DISTINCT FROM c.generation AND g.id IS DISTINCT FROM c.previous`,
    [collection],
  );
  for (const { id } of stale.rows) {
    await db.query(`DROP SCHEMA IF EXISTS ${generationSchema(id)} CASCADE`);
    await db.query(`DELETE FROM ${SHARED_SCHEMA}.generations WHERE id = $1`, [id]);
    log(`postgres: dropped generation ${id}`);
  }
}

/** Never ask for more than this for one index build, whatever the estimate. */
const MAX_BUILD_MEMORY_MB = 4096;

/**
 * What pgvector needs to hold an HNSW graph while it builds it: per vector, its half-precision
 * values, about 2m neighbours at 16 bytes each on layer 0 (the upper layers add a few percent) and
 * the element's own bookkeeping; half as much again for the allocator, plus 16 MB for the rest.
 */
export function hnswBuildMemoryMb(count: number, dimension: number, m: number): number {
  const perVector = 2 * dimension + 8 + 2 * m * 16 + 128;
  return Math.ceil((count * perVector * 1.5) / 1048576) + 16;
}

/**
 * Raises maintenance_work_mem for the transaction that builds the vector index (pgvector's own
 * advice: a graph that does not fit is built on a path many times slower; the server's default is
 * 64 MB), never lowering it and never past what the server allows. Returns the change, if any.
 */
async function raiseBuildMemory(
  query: Query,
  count: number,
  dimension: number,
  m: number,
): Promise<{ from: number; to: number } | undefined> {
  const setting = await query<{ kb: string; max_kb: string }>(
    "SELECT setting AS kb, max_val AS max_kb FROM pg_settings WHERE name = 'maintenance_work_mem'",
  );
  const row = setting.rows[0];
  if (!row) return undefined;
  const from = Math.floor(Number(row.kb) / 1024);
  const to = Math.min(hnswBuildMemoryMb(count, dimension, m), MAX_BUILD_MEMORY_MB, Math.floor(Number(row.max_kb) / 1024));
  if (!(to > from)) return undefined;
  await query(`SET LOCAL maintenance_work_mem = '${to | 0}MB'`);
  return { from, to };
}

async function inBatches<T>(items: readonly T[], insert: (batch: readonly T[], offset: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await insert(items.slice(i, i + BATCH), i);
}

export async function publishToPostgres(
  dir: string,
  db: Database,
  collection: string,
  options: PublishOptions = {},
): Promise<PublishReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  // The float32 values the stored vectors stand for: pgvector then holds what the files hold.
  const { manifest, lexical, store, floatVectors: vectors } = await readWholeIndex(dir);
  await checkLayout(db);
  await createSharedSchema(db.query);
  // One build per collection at a time; a session lock is released if the build dies.
  await db.query('SELECT pg_advisory_lock(hashtext($1))', [`semsearch:${collection}`]);
  try {
    const current = await currentGeneration(db.query, collection);
    if (current && current.manifest.build_id === manifest.build_id && !options.force) {
      log(`postgres: ${db.label} already serves build ${manifest.build_id}`);
      return { status: 'unchanged', generation: current.generation, seconds: (performance.now() - started) / 1000 };
    }
    await dropStale(db, collection, log);
    const id = randomBytes(8).toString('hex');
    const schema = generationSchema(id);
    await db.query(`INSERT INTO ${SHARED_SCHEMA}.generations (id, collection, state) VALUES ($1, $2, 'loading')`, [id, collection]);
    await createGenerationTables(db.query, schema, manifest.embedder.dimension);
    log(`postgres: loading ${store.documents.length} documents and ${store.chunks.length} chunks into generation ${id}`);
    await inBatches(store.documents, (batch, offset) =>
      db.query(`INSERT INTO ${schema}.documents (pos, id, record) SELECT * FROM unnest($1::int[], $2::text[], $3::jsonb[])`, [
        batch.map((_, i) => offset + i),
        batch.map((d) => d.id),
        batch.map((d) => JSON.stringify(d)),
      ]),
    );
    await inBatches(store.chunks, (batch, offset) =>
      db.query(
        `INSERT INTO ${schema}.chunks (pos, doc, hash, record, embedding) SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::jsonb[], $5::vector[])`,
        [
          batch.map((_, i) => offset + i),
          batch.map((c) => c.doc),
          batch.map((c) => c.hash),
          batch.map((c) => JSON.stringify(c)),
          batch.map((_, i) => vectorLiteral(vectors.data.subarray((offset + i) * vectors.dimension, (offset + i + 1) * vectors.dimension))),
        ],
      ),
    );
    const terms = [...lexical.entries()];
    await inBatches(terms, (batch) =>
      db.query(
        `INSERT INTO ${schema}.postings (term, df, body, context) SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[], $4::bytea[])`,
        [
          batch.map(([term]) => term),
          batch.map(([, p]) => p.df),
          batch.map(([, p]) => packInts(p.body ?? [])),
          batch.map(([, p]) => packInts(p.context ?? [])),
        ],
      ),
    );
    await db.query(`INSERT INTO ${schema}.lexical (analyzer, count, body_lengths, context_lengths) VALUES ($1, $2, $3, $4)`, [
      JSON.stringify(lexical.analyzer),
      lexical.count,
      packInts(lexical.bodyLengths),
      packInts(lexical.contextLengths),
    ]);
    log('postgres: building the vector index');
    await db.transaction(async (query) => {
      const memory = await raiseBuildMemory(query, store.chunks.length, manifest.embedder.dimension, manifest.hnsw.m);
      if (memory)
        log(
          `postgres: maintenance_work_mem raised from ${memory.from} MB to ${memory.to} MB for this build (pgvector builds the HNSW graph of ${store.chunks.length} vectors in it; past it, the build takes its slow path)`,
        );
      await createVectorIndex(query, schema, manifest.embedder.dimension, manifest.hnsw.m, manifest.hnsw.ef_construction);
    });
    await options.beforeSwitch?.();
    await db.transaction(async (query) => {
      await query(`UPDATE ${SHARED_SCHEMA}.generations SET state = 'ready' WHERE id = $1`, [id]);
      await query(
        `INSERT INTO ${SHARED_SCHEMA}.collections (name, generation, previous, manifest) VALUES ($1, $2, NULL, $3)
         ON CONFLICT (name) DO UPDATE SET previous = ${SHARED_SCHEMA}.collections.generation, generation = EXCLUDED.generation, manifest = EXCLUDED.manifest, published_at = now()`,
        [collection, id, JSON.stringify(manifest)],
      );
    });
    await dropStale(db, collection, log);
    log(`postgres: ${db.label} now serves build ${manifest.build_id} (generation ${id})`);
    return { status: 'published', generation: id, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.query('SELECT pg_advisory_unlock(hashtext($1))', [`semsearch:${collection}`]).catch(() => {});
  }
}

/** Field by field: the database gives the manifest back with its keys reordered. */
function sameEmbedder(a: Manifest['embedder'], b: Manifest['embedder']): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k as keyof typeof a]) === JSON.stringify(b[k as keyof typeof b]));
}

/**
 * Vectors the database already holds for these embedding inputs (by hash), from the collection's
 * current generation, when it was built with the same embedder: a build on a fresh machine embeds
 * only what is new.
 */
export async function storedVectors(
  db: Database,
  collection: string,
  embedder: Manifest['embedder'],
  hashes: readonly string[],
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  if ((await layoutVersion(db.query)) !== SCHEMA_VERSION) return found;
  const current = await currentGeneration(db.query, collection);
  if (!current || !sameEmbedder(current.manifest.embedder, embedder)) return found;
  const schema = generationSchema(current.generation);
  await inBatches(hashes, async (batch) => {
    const rows = await db.query<{ hash: string; embedding: string }>(
      `SELECT DISTINCT ON (hash) hash, embedding::text AS embedding FROM ${schema}.chunks WHERE hash = ANY($1::text[])`,
      [batch],
    );
    for (const row of rows.rows) found.set(row.hash, parseVector(row.embedding));
  });
  return found;
}
