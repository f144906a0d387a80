/**
 * One evaluation set made ready for ranking experiments: its index built (or reused from the
 * cache), a Searcher open on it, and every judged question embedded once. The question vectors are
 * cached beside the index, keyed by the questions and the embedder, because embedding a thousand
 * questions costs more than ranking them under many settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../embed/embedder.js';
import { embedInBatches } from '../embed/batches.js';
import { sha256 } from '../index/manifest.js';
import { readManifest } from '../index/read-index.js';
import { DEFAULT_RANKING, type RankingSettings } from '../search/defaults.js';
import type { Searcher } from '../search/searcher.js';
import type { Database } from '../index/postgres/database.js';
import { PostgresBackend } from '../index/postgres/backend.js';
import { publishToPostgres } from '../build/publish-postgres.js';
import { loadBeir, type BeirDataset } from './beir.js';
import { chunkDepth, judgedQueries, prepareEvalIndex, type EvalIndexOptions } from './run-eval.js';
import { openSearcher } from '../search/open-searcher.js';

export interface PreparedSet {
  data: BeirDataset;
  indexDir: string;
  /** Opened with a candidate pool deep enough for `depth` chunks. */
  searcher: Searcher;
  /** Judged question ids, in the order of `vectors`. */
  judged: string[];
  vectors: number[][];
  /** Chunks ranked per question so that `topK` distinct documents are among them. */
  depth: number;
}

export interface PrepareOptions extends EvalIndexOptions {
  topK: number;
  ranking?: RankingSettings;
}

async function questionVectors(indexDir: string, embedder: Embedder, texts: string[], log?: (line: string) => void): Promise<number[][]> {
  const key = sha256(JSON.stringify([embedder.info.id, texts])).slice(0, 16);
  const file = path.join(indexDir, '..', `questions-${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as number[][];
  log?.(`embedding ${texts.length} questions`);
  const vectors = await embedInBatches(embedder, texts, 64, undefined, 'query');
  fs.writeFileSync(file, JSON.stringify(vectors));
  return vectors;
}

/**
 * The same set ranked from PostgreSQL: its index published into the database as collection
 * `eval-<name>` and a Searcher opened over it with the same ranking settings.
 */
export async function servedFromPostgres(set: PreparedSet, db: Database): Promise<PreparedSet> {
  const collection = `eval-${set.data.name.replace(/[^A-Za-z0-9_-]/g, '-')}`.slice(0, 64);
  await publishToPostgres(set.indexDir, db, collection);
  const searcher = await openSearcher(() => PostgresBackend.open(db, collection), {
    embedder: set.searcher.embedder,
    ranking: set.searcher.ranking,
  });
  return { ...set, searcher };
}

export async function prepareSet(dir: string, options: PrepareOptions): Promise<PreparedSet> {
  const data = await loadBeir(dir);
  const indexDir = await prepareEvalIndex(data, options);
  const { counts } = readManifest(indexDir);
  const depth = chunkDepth(options.topK, counts.chunks, counts.documents);
  const base = options.ranking ?? DEFAULT_RANKING;
  const searcher = await openSearcher(indexDir, {
    embedder: options.embedder,
    ranking: { ...base, candidates: Math.max(base.candidates, depth) },
  });
  const judged = judgedQueries(data);
  const vectors = await questionVectors(
    indexDir,
    options.embedder,
    judged.map((q) => data.queries.get(q)!),
    options.log,
  );
  return { data, indexDir, searcher, judged, vectors, depth };
}
