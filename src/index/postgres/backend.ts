/**
 * The PostgreSQL backend: an index published by `build-index --out postgres://...`, served where
 * it is. Documents and field lengths are read once at open; per question, the terms' postings
 * (one primary-key lookup each), then in one statement the nearest chunks (pgvector HNSW, or an
 * exact scan where that is cheap) with the vectors of the other candidates, and the records of the
 * results.
 */
import type { QueryResultRow } from 'pg';
import { z } from 'zod';
import type { IndexBackend, NearestWith } from '../backend.js';
import type { LexicalStats, QueryPostings, SparseScores, TermPostings } from '../lexical.js';
import { ManifestSchema, type Manifest } from '../manifest.js';
import { IndexLoadError, StaleIndexError } from '../read-index.js';
import type { ChunkRecord, DocumentRecord } from '../store.js';
import { DocumentList, documentRunsProblem } from '../document-list.js';
import type { AnalyzerSettings } from '../../text/analyzer.js';
import type { Database, Query } from './database.js';
import { sentSimilarity, unpackInts, vectorLiteral } from './codec.js';
import {
  currentGeneration,
  generationSchema,
  halfvecExpression,
  hasHalfvecIndex,
  layoutVersion,
  SCHEMA_VERSION,
  type CurrentGeneration,
} from './schema.js';

export interface PostgresBackendOptions {
  /** Indexes up to this many chunks are searched exactly (a scan is cheap there, and exact). */
  exactBelow: number;
}

/** A chunk's position and its stored vector in pgvector's binary form. */
interface SentRow {
  pos: number;
  v: Buffer;
}

/** pgvector's upper bound for hnsw.ef_search. */
const MAX_EF_SEARCH = 1000;

export const DEFAULT_POSTGRES_BACKEND: PostgresBackendOptions = { exactBelow: 4096 };

/**
 * SQLSTATEs of a table or schema that is not there: the generation was dropped under a reader (two
 * publishes since it opened it, as only the current and the previous are kept).
 */
const GONE = new Set(['42P01', '3F000']);

/** What a chunk's record must hold for a search to present it (a row edited by hand may not). */
const ChunkRecordSchema = z
  .object({
    id: z.string(),
    doc: z.number().int().nonnegative(),
    text: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    section: z.array(z.string()),
    page: z.number().int().optional(),
    sentences: z.array(z.number().int()).optional(),
    hash: z.string(),
  })
  .passthrough();

function buildCommand(db: Database): string {
  return `npm run build-index -- --corpus <your documents> --out '${db.label.replace(/ \(collection (.*)\)$/, '?collection=$1')}'`;
}

export class PostgresBackend implements IndexBackend {
  readonly docOf: Int32Array;
  readonly documents: DocumentList;
  private readonly schema: string;
  /** Every statement a search runs: its failures are said as the index's, not as a crash. */
  private readonly query: Query;

  private constructor(
    private readonly db: Database,
    private readonly collection: string,
    readonly generation: string,
    readonly manifest: Manifest,
    private readonly records: readonly DocumentRecord[],
    readonly lexical: LexicalStats,
    private readonly options: PostgresBackendOptions,
    /** Whether the generation's HNSW index is over the vectors' half-precision cast (see schema.ts). */
    private readonly halfvec: boolean,
  ) {
    this.schema = generationSchema(generation);
    this.query = <R extends QueryResultRow>(text: string, values?: unknown[]) =>
      db.query<R>(text, values).catch((err: unknown) => this.failed(err));
    this.docOf = new Int32Array(manifest.counts.chunks);
    this.documents = DocumentList.of(records);
    records.forEach((d, i) => {
      this.docOf.fill(i, d.first, d.first + d.count);
    });
  }

  get location(): string {
    return this.db.label;
  }

  /**
   * The collection's current generation, or `pinned`: the one a check just read (opening exactly
   * the version it found, without reading the pointer again).
   */
  static async open(
    db: Database,
    collection: string,
    options: PostgresBackendOptions = DEFAULT_POSTGRES_BACKEND,
    pinned?: CurrentGeneration,
  ): Promise<PostgresBackend> {
    const version = await layoutVersion(db.query);
    if (version === undefined)
      throw new IndexLoadError('index_missing', `no index in ${db.label}`, `build one into it with \`${buildCommand(db)}\``);
    if (version !== SCHEMA_VERSION) {
      throw new IndexLoadError(
        'index_incompatible',
        `${db.label} holds indexes in layout version ${version}, this version reads ${SCHEMA_VERSION}`,
        `rebuild it with \`${buildCommand(db)} --force\``,
      );
    }
    const current = pinned ?? (await currentGeneration(db.query, collection));
    if (!current)
      throw new IndexLoadError('index_missing', `no collection "${collection}" in ${db.label}`, `build it with \`${buildCommand(db)}\``);
    const manifest = ManifestSchema.parse(current.manifest);
    const schema = generationSchema(current.generation);
    const [docs, lexical, halfvec] = await Promise.all([
      db.query<{ record: DocumentRecord }>(`SELECT record FROM ${schema}.documents ORDER BY pos`),
      db.query<{ analyzer: AnalyzerSettings; count: number; body_lengths: Buffer; context_lengths: Buffer }>(
        `SELECT analyzer, count, body_lengths, context_lengths FROM ${schema}.lexical`,
      ),
      hasHalfvecIndex(db.query, schema),
    ]);
    const documents = docs.rows.map((r) => r.record);
    const stats = lexical.rows[0];
    const n = manifest.counts.chunks;
    const problem =
      documents.length !== manifest.counts.documents
        ? 'its documents table does not match its manifest'
        : documentRunsProblem(
              documents.map((d) => d.first),
              documents.map((d) => d.count),
              n,
            )
          ? 'its documents do not cover its chunks in order'
          : !stats || stats.count !== n || stats.body_lengths.length !== 4 * n || stats.context_lengths.length !== 4 * n
            ? `its lexical statistics do not cover exactly ${n} chunks`
            : undefined;
    if (problem)
      throw new IndexLoadError(
        'index_corrupt',
        `the index of collection "${collection}" in ${db.label} is damaged: ${problem}`,
        `rebuild it with \`${buildCommand(db)} --force\``,
      );
    const lexicalStats: LexicalStats = {
      analyzer: stats!.analyzer,
      count: n,
      bodyLengths: unpackInts(stats!.body_lengths),
      contextLengths: unpackInts(stats!.context_lengths),
    };
    return new PostgresBackend(db, collection, current.generation, manifest, documents, lexicalStats, options, halfvec);
  }

  /**
   * A statement that failed for another reason than the connection (which is already a
   * DatabaseUnavailableError): a dropped generation, which the collection recovers from by
   * reopening, or tables that are not what this version wrote (a retyped column, a dropped
   * function), which is the index being unavailable, with the database's own words.
   */
  private failed(err: unknown): never {
    if (err instanceof IndexLoadError) throw err;
    const code = (err as { code?: unknown }).code;
    const detail = err instanceof Error ? err.message : String(err);
    if (typeof code === 'string' && GONE.has(code))
      throw new StaleIndexError(
        'index_missing',
        `generation ${this.generation} of collection "${this.collection}" is no longer in ${this.db.label} (${detail})`,
        'retry: the server reopens the collection at its current generation',
      );
    throw new IndexLoadError(
      'index_corrupt',
      `the index of collection "${this.collection}" in ${this.db.label} could not be read: ${detail}`,
      `rebuild it with \`${buildCommand(this.db)} --force\``,
    );
  }

  async postings(terms: readonly string[]): Promise<QueryPostings> {
    const found = new Map<string, TermPostings>();
    if (terms.length === 0) return found;
    const rows = await this.query<{ term: string; df: number; body: Buffer; context: Buffer }>(
      `SELECT term, df, body, context FROM ${this.schema}.postings WHERE term = ANY($1::text[])`,
      [terms],
    );
    for (const r of rows.rows) {
      const entry: TermPostings = { df: r.df };
      if (r.body.length > 0) entry.body = unpackInts(r.body);
      if (r.context.length > 0) entry.context = unpackInts(r.context);
      found.set(r.term, entry);
    }
    return found;
  }

  /** Documents whose chunks the mask allows (a filter allows whole documents). */
  private allowedDocuments(allow: Uint8Array): number[] {
    return this.records.flatMap((d, i) => (d.count > 0 && allow[d.first] === 1 ? [i] : []));
  }

  async nearest(vector: readonly number[], k: number, allow?: Uint8Array): Promise<SparseScores> {
    return (await this.nearestWith(vector, k, [], allow)).nearest;
  }

  /**
   * The nearest rows and the other asked-for rows, with their stored vectors, in one statement
   * (one round trip): the nearest in a materialized CTE, then the asked-for rows not among them.
   * Every row is scored exactly here, where a float64 sum of 512 products is microseconds (in SQL,
   * unnest and an ordered aggregate, it was the larger part of a question's time on the server).
   */
  async nearestWith(vector: readonly number[], k: number, ids: readonly number[], allow?: Uint8Array): Promise<NearestWith> {
    const n = Math.min(k, this.manifest.counts.chunks);
    if (n <= 0) return { nearest: { ids: [], scores: [] }, similarities: await this.similarities(ids, vector) };
    const docs = allow ? this.allowedDocuments(allow) : undefined;
    // Sent as one simple-protocol script (the SET LOCALs tune the query after them), which takes
    // no parameters: every value below is a number this code writes out itself.
    const where = docs ? `WHERE doc = ANY('{${docs.join(',')}}'::int[])` : '';
    const literal = `'${vectorLiteral(vector)}'`;
    const settings: string[] = [];
    let order: string;
    if (this.manifest.counts.chunks <= this.options.exactBelow) {
      // "+ 0" keeps the planner off the HNSW index: an exact scan, as the files' small indexes are.
      order = `(embedding <#> ${literal}::vector) + 0, pos`;
    } else {
      // ef_search bounds how many rows an HNSW scan returns (at most 1,000); past that, and with a
      // filter that rejects rows, the iterative scan keeps looking. Both per transaction: no
      // session state is left behind.
      const ef = Math.min(MAX_EF_SEARCH, Math.max(n, this.manifest.hnsw.ef_search));
      settings.push(`SET LOCAL hnsw.ef_search = ${ef | 0}`, ...(docs || n > ef ? ['SET LOCAL hnsw.iterative_scan = relaxed_order'] : []));
      order = this.halfvec ? `${halfvecExpression(vector.length)} <#> ${literal}::halfvec` : `embedding <#> ${literal}::vector`;
    }
    const nearest = this.sentRowsSql(`${where} ORDER BY ${order} LIMIT ${n | 0}`);
    const asked = `'{${ids.map((id) => id | 0).join(',')}}'::int[]`;
    const statement =
      ids.length === 0
        ? nearest
        : `WITH near AS MATERIALIZED (${nearest}) SELECT pos, v, true AS near FROM near UNION ALL ` +
          `SELECT pos, v, false FROM (${this.sentRowsSql(`WHERE pos = ANY(${asked}) AND pos NOT IN (SELECT pos FROM near)`)}) AS asked`;
    const rows = (await this.db.script<SentRow & { near?: boolean }>([...settings, statement]).catch((err: unknown) => this.failed(err)))
      .rows;
    const scored = rows.map((r) => ({ pos: r.pos, s: this.similarity(r, vector), near: r.near !== false }));
    const near = scored.filter((r) => r.near).sort((a, b) => b.s - a.s || a.pos - b.pos);
    const byPos = new Map(scored.map((r) => [r.pos, r.s]));
    return {
      nearest: { ids: near.map((r) => r.pos), scores: near.map((r) => r.s) },
      similarities: ids.map((id) => byPos.get(id) ?? -Infinity),
    };
  }

  /** Chunks' positions and stored vectors in pgvector's binary form (SentRow), chosen by `rest`. */
  private sentRowsSql(rest: string): string {
    return `SELECT pos, vector_send(embedding) AS v FROM ${this.schema}.chunks ${rest}`;
  }

  /** A row's stored vector and the question, multiplied as the files do (codec.ts). */
  private similarity(row: SentRow, vector: readonly number[]): number {
    const s = sentSimilarity(row.v, vector);
    if (s === undefined)
      throw new IndexLoadError(
        'index_corrupt',
        `chunk ${row.pos} of collection "${this.collection}" in ${this.db.label} does not hold a ${vector.length}-d vector`,
        `rebuild it with \`${buildCommand(this.db)} --force\``,
      );
    return s;
  }

  async similarities(ids: readonly number[], vector: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.query<SentRow>(this.sentRowsSql('WHERE pos = ANY($1::int[])'), [ids]);
    const byPos = new Map(rows.rows.map((r) => [r.pos, this.similarity(r, vector)]));
    return ids.map((id) => byPos.get(id) ?? -Infinity);
  }

  async chunks(ids: readonly number[]): Promise<ChunkRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.query<{ pos: number; record: unknown }>(
      `SELECT pos, record FROM ${this.schema}.chunks WHERE pos = ANY($1::int[])`,
      [ids],
    );
    const byPos = new Map(rows.rows.map((r) => [r.pos, r.record]));
    return ids.map((id) => {
      const record = ChunkRecordSchema.safeParse(byPos.get(id));
      const problem = !byPos.has(id) ? 'is missing' : !record.success ? 'is not a chunk record' : undefined;
      if (problem || record.data!.doc >= this.records.length)
        throw new IndexLoadError(
          'index_corrupt',
          `chunk ${id} of collection "${this.collection}" ${problem ?? 'names a document that does not exist'} in ${this.db.label}`,
          `rebuild it with \`${buildCommand(this.db)} --force\``,
        );
      return record.data as ChunkRecord;
    });
  }

  async describe(): Promise<Record<string, string | number>> {
    const version = await layoutVersion(this.query);
    return { backend: 'postgres', database: this.db.label, layout_version: version ?? 0, generation: this.generation };
  }

  async close(): Promise<void> {}
}
