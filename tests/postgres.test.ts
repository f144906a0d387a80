/**
 * The PostgreSQL backend against real PostgreSQL + pgvector (PGlite on loopback): the seed article
 * and the mixed corpus built into it answer every question with the same passages, in the same
 * order, with the same scores as the index files; builds reuse the database's vectors, a build
 * stopped before its switch changes nothing served, and a database that is down is a 503.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { ARTICLE_QUESTIONS } from './helpers/article-questions.js';
import { writeMixedCorpus } from './helpers/mixed-corpus.js';
import { startPostgres, type RunningPostgres } from './helpers/postgres.js';
import { searchViaHttpApi } from '../scripts/lib/lambda-events.js';
import { buildWithCli, uniqueCorpus } from './helpers/build-cli.js';
import { buildIndex } from '../src/build/build-index.js';
import { Database, DatabaseUnavailableError } from '../src/index/postgres/database.js';
import { parsePostgresUri } from '../src/index/postgres/location.js';
import { publishToPostgres, storedVectors } from '../src/build/publish-postgres.js';
import { currentGeneration, generationSchema } from '../src/index/postgres/schema.js';
import { PostgresBackend } from '../src/index/postgres/backend.js';
import type { SearchHit, SearchQuery } from '../src/search/query.js';
import { createService } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { createLogger } from '../src/api/logger.js';
import type { SearchResponse } from '../src/api/schemas.js';
import { DEFAULT_CORPUS_DIR } from '../src/paths.js';
import { openSearcher } from '../src/search/open-searcher.js';
import { DEFAULT_RANKING } from '../src/search/defaults.js';

let pg: RunningPostgres;
let articleDir: string;
let mixedDir: string;
let mixedCorpus: string;

/** Publishes an index folder into a collection with a connection of its own, closed afterwards. */
async function publish(dir: string, collection: string, options: Parameters<typeof publishToPostgres>[3] = {}) {
  const db = new Database(parsePostgresUri(`${pg.uri}?collection=${collection}`), { timeoutMs: 0 });
  try {
    return await publishToPostgres(dir, db, collection, options);
  } finally {
    await db.close();
  }
}

async function openBoth(dir: string, collection: string, exactBelow = 4096) {
  const embedder = await sharedEmbedder();
  const db = new Database(parsePostgresUri(`${pg.uri}?collection=${collection}`), { timeoutMs: 10_000 });
  const files = await openSearcher(dir, { embedder });
  const database = await openSearcher(() => PostgresBackend.open(db, collection, { exactBelow }), { embedder });
  return { files, database, close: () => db.close() };
}

/** The service as INDEX_URI=`indexUri` starts it, ready (the index directory is never read). */
async function serveFromPostgres(indexUri: string, databaseTimeoutMs?: number) {
  const embedder = await sharedEmbedder();
  const service = createService({
    config: {
      indexDir: path.join(tempDir('unused'), 'index'),
      indexUri,
      ...(databaseTimeoutMs ? { databaseTimeoutMs } : {}),
      corsOrigins: ['*'],
    },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  return service;
}

function expectSameHits(got: SearchHit[], want: SearchHit[]): void {
  expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
  // The database holds the float32 values the files' 8-bit vectors stand for, and both sides
  // multiply and sum them the same way: the same numbers to the last bit, not merely close.
  got.forEach((h, i) => {
    expect(h).toStrictEqual(want[i]);
  });
}

beforeAll(async () => {
  pg = await startPostgres();
  articleDir = (await buildArticleIndex()).out;
  mixedCorpus = tempDir('pg-mixed-corpus');
  await writeMixedCorpus(mixedCorpus);
  mixedDir = tempDir('pg-mixed-index');
  await buildIndex({ corpus: mixedCorpus, out: mixedDir, embedder: await sharedEmbedder() });
  await publish(articleDir, 'default');
  await publish(mixedDir, 'mixed');
});

afterAll(async () => {
  await pg?.close();
});

describe('the same answers from PostgreSQL as from the index files', () => {
  const MIXED_QUESTIONS = [
    'How often should drip emitters be checked?',
    'sourdough starter feeding',
    'What does the greenhouse guide say about irrigation?',
    'bread',
    'constructor __proto__',
  ];

  for (const [collection, questions] of [
    ['default', ARTICLE_QUESTIONS.map((q) => q.q).concat(['What is the population of Afghanistan?', 'envoy to Moscow'])],
    ['mixed', MIXED_QUESTIONS],
  ] as const) {
    it(`${collection}: every question, every mode, exact and through pgvector's HNSW`, async () => {
      for (const exactBelow of [4096, 0]) {
        const { files, database, close } = await openBoth(collection === 'default' ? articleDir : mixedDir, collection, exactBelow);
        try {
          for (const query of questions) {
            for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
              const q: SearchQuery = { query, topK: 5, mode };
              const [want, got] = [await files.search(q), await database.search(q)];
              expectSameHits(got.results, want.results);
              expect(got.noAnswer).toEqual(want.noAnswer);
            }
          }
        } finally {
          await close();
        }
      }
    });
  }

  it('filters and whole documents come out the same', async () => {
    const { files, database, close } = await openBoth(mixedDir, 'mixed');
    try {
      for (const filter of [new Map([['lang', 'en']]), new Map([['doc_id', 'notes.txt']]), new Map([['lang', 'xx']])]) {
        const q: SearchQuery = { query: 'watering plants', topK: 5, mode: 'hybrid', filter };
        const [want, got] = [await files.search(q), await database.search(q)];
        expectSameHits(got.results, want.results);
        expect(got.warnings).toEqual(want.warnings);
      }
      expect(await database.documents.get('notes.txt')).toEqual(await files.documents.get('notes.txt'));
    } finally {
      await close();
    }
  });
});

describe('serving from PostgreSQL', () => {
  it('answers through the Lambda handler with INDEX_URI=postgres://, and /health names the database', async () => {
    const service = await serveFromPostgres(pg.uri, 5000);
    const handler = createLambdaHandler(service);
    for (const { q, answer } of ARTICLE_QUESTIONS.slice(0, 3)) {
      const body = await searchViaHttpApi<SearchResponse>(handler, { query: q, top_k: 3 });
      expect(body.results[0]!.text).toContain(answer);
    }
    const health = (await (await service.app.request('/health')).json()) as {
      status: string;
      collections: Record<string, { storage?: Record<string, unknown> }>;
    };
    expect(health.status).toBe('ok');
    expect(health.collections.default!.storage).toMatchObject({ backend: 'postgres', layout_version: 1 });
    expect(JSON.stringify(health)).not.toContain('password');
  });

  it('says how to build an index into a database that has none, as a 503', async () => {
    const service = await serveFromPostgres(`${pg.uri}?collection=nothing-here`);
    const res = await service.app.request('/search?q=anything');
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/no collection \\"nothing-here\\".*npm run build-index -- --corpus <your documents> --out/);
  });
});

describe('building into PostgreSQL', () => {
  it('reuses the vectors the database holds: a build on a fresh machine embeds only new passages', async () => {
    const corpus = tempDir('pg-grown');
    fs.cpSync(DEFAULT_CORPUS_DIR, corpus, { recursive: true });
    fs.writeFileSync(
      path.join(corpus, 'note.md'),
      '# Harbour note\n\nThe harbour wall was rebuilt in granite after the winter storms of 1990.\n',
    );
    const db = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    try {
      const out = tempDir('pg-fresh-staging'); // nothing local to reuse
      const report = await buildIndex({
        corpus,
        out,
        embedder: await sharedEmbedder(),
        storedVectors: (e, hashes) => storedVectors(db, 'default', e, hashes),
      });
      expect(report.chunks.embedded).toBe(1);
      expect(report.chunks.reused).toBe(report.chunks.total - 1);
      const published = await publishToPostgres(out, db, 'default');
      expect(published.status).toBe('published');
      expect((await publishToPostgres(out, db, 'default')).status).toBe('unchanged');
    } finally {
      await db.close();
    }
    const { database, close } = await openBoth(articleDir, 'default');
    try {
      const hit = (await database.search({ query: 'When was the harbour wall rebuilt?', topK: 1, mode: 'hybrid' })).results[0];
      expect(hit?.docId).toBe('note.md');
    } finally {
      await close();
    }
    await publish(articleDir, 'default', { force: true }); // back to the article alone
  });

  it('a build stopped before its switch leaves the served index as it was, and the next build clears it', async () => {
    const db = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    const generations = async () =>
      (
        await db.query<{ id: string; state: string }>(
          "SELECT id, state FROM semsearch.generations WHERE collection = 'default' ORDER BY created_at",
        )
      ).rows;
    try {
      const before = (await db.query<{ generation: string }>("SELECT generation FROM semsearch.collections WHERE name = 'default'"))
        .rows[0]!.generation;
      await expect(
        publishToPostgres(articleDir, db, 'default', {
          force: true,
          beforeSwitch: async () => {
            throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
      expect((await generations()).filter((g) => g.state === 'loading')).toHaveLength(1);
      const after = (await db.query<{ generation: string }>("SELECT generation FROM semsearch.collections WHERE name = 'default'")).rows[0]!
        .generation;
      expect(after).toBe(before);
      const { files, database, close } = await openBoth(articleDir, 'default');
      try {
        const q: SearchQuery = { query: ARTICLE_QUESTIONS[0]!.q, topK: 3, mode: 'hybrid' };
        expectSameHits((await database.search(q)).results, (await files.search(q)).results);
      } finally {
        await close();
      }
      await publishToPostgres(articleDir, db, 'default', { force: true });
      const left = await generations();
      expect(left.filter((g) => g.state === 'loading')).toEqual([]);
      expect(left.length).toBeLessThanOrEqual(2); // the current generation and the one before it
      const schemas = (
        await db.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name LIKE 'semsearch_g_%'")
      ).rows[0]!.n;
      expect(Number(schemas)).toBe(left.length + 1); // plus the mixed collection's
    } finally {
      await db.close();
    }
  });

  it('right after a local build of the same corpus, build-index --out postgres:// embeds nothing: it reuses that build', async () => {
    const corpus = tempDir('pg-reuse-corpus');
    uniqueCorpus(corpus, fs.writeFileSync);
    const local = await buildWithCli(corpus, path.join(tempDir('pg-reuse-local'), 'index'));
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).toMatch(/embedding (\d+) of \1 chunks \(0 reused\)/);
    const published = await buildWithCli(corpus, `${pg.uri}?collection=reuse`);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stderr).toMatch(/embedding 0 of (\d+) chunks \(\1 reused\)/);
  });
});

describe('an index that changes under a running server', () => {
  /** Runs statements on the database with a connection of its own, closed afterwards. */
  async function tamper(collection: string, statement: (schema: string) => string) {
    const db = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    try {
      const current = await currentGeneration(db.query, collection);
      await db.query(statement(generationSchema(current!.generation)));
    } finally {
      await db.close();
    }
  }

  it('a server whose generation two publishes dropped reopens the current one at once: no 500, no wait', async () => {
    await publish(articleDir, 'churn', { force: true });
    const service = await serveFromPostgres(`${pg.uri}?collection=churn`);
    const first = await service.app.request('/search?q=Taliban');
    expect(first.status).toBe(200);
    // Only the current and the previous generation are kept: the one being served is dropped.
    await publish(articleDir, 'churn', { force: true });
    const newest = await publish(articleDir, 'churn', { force: true });
    for (const path of ['/search?q=When did Russia recognize the Taliban?', '/documents/article.txt']) {
      const res = await service.app.request(path);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const health = (await (await service.app.request('/health')).json()) as {
      collections: { default: { storage: { generation: string } } };
    };
    expect(health.collections.default.storage.generation).toBe(newest.generation);
  });

  for (const [what, statement] of [
    [
      'a retyped vector column',
      (g: string) =>
        `DROP INDEX ${g}.chunks_embedding_hnsw; ALTER TABLE ${g}.chunks ALTER COLUMN embedding TYPE real[] USING embedding::real[]`,
    ],
    ['a dropped generation schema', (g: string) => `DROP SCHEMA ${g} CASCADE`],
    ['a chunk record of {}', (g: string) => `UPDATE ${g}.chunks SET record = '{}'::jsonb`],
  ] as const) {
    it(`${what} is a 503 index_unavailable with the cause, not a 500`, async () => {
      const collection = `tampered-${what.split(' ').at(-1)!.replace(/\W/g, '') || 'record'}`;
      await publish(articleDir, collection, { force: true });
      const service = await serveFromPostgres(`${pg.uri}?collection=${collection}`);
      expect((await service.app.request('/search?q=Taliban')).status).toBe(200);
      await tamper(collection, statement);
      const res = await service.app.request('/search?q=When did Russia recognize the Taliban?');
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('index_unavailable');
    });
  }
});

describe('what the database does for a question and a build', () => {
  it('every statement of a hybrid question can read by an index (postings and chunks by key, the HNSW graph), sequential scans being off', async () => {
    const admin = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    const { database, close } = await openBoth(mixedDir, 'mixed', 0);
    const schema = generationSchema((await currentGeneration(admin.query, 'mixed'))!.generation);
    const counters = async () => {
      await admin.query('SELECT pg_stat_force_next_flush()');
      const indexes = await admin.query<{ name: string; n: string }>(
        'SELECT indexrelname AS name, idx_scan AS n FROM pg_stat_user_indexes WHERE schemaname = $1',
        [schema],
      );
      const tables = await admin.query<{ name: string; n: string }>(
        'SELECT relname AS name, seq_scan AS n FROM pg_stat_user_tables WHERE schemaname = $1',
        [schema],
      );
      const count = (rows: { name: string; n: string }[]) => new Map(rows.map((r) => [r.name, Number(r.n)]));
      return { index: count(indexes.rows), seq: count(tables.rows) };
    };
    try {
      // PGlite is one session for all its connections: this holds for the backend's statements too.
      await admin.query('SET enable_seqscan = off');
      const before = await counters();
      await database.search({ query: 'How often should drip emitters be checked?', topK: 5, mode: 'hybrid' });
      const after = await counters();
      for (const index of ['chunks_embedding_hnsw', 'chunks_pkey', 'postings_pkey'])
        expect(after.index.get(index)!, index).toBeGreaterThan(before.index.get(index)!);
      for (const table of ['chunks', 'postings']) expect(after.seq.get(table), table).toBe(before.seq.get(table));
    } finally {
      await admin.query('RESET enable_seqscan');
      await close();
      await admin.close();
    }
  });

  it('a hybrid question reads its nearest chunks and its lexical candidates in one statement, and their vectors from the rows themselves (no TOAST)', async () => {
    const admin = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    const schema = generationSchema((await currentGeneration(admin.query, 'default'))!.generation);
    const toastBlocks = async () => {
      await admin.query('SELECT pg_stat_force_next_flush()');
      const rows = await admin.query<{ n: string }>(
        "SELECT coalesce(toast_blks_read, 0) + coalesce(toast_blks_hit, 0) AS n FROM pg_statio_user_tables WHERE schemaname = $1 AND relname = 'chunks'",
        [schema],
      );
      return Number(rows.rows[0]!.n);
    };
    const embedder = await sharedEmbedder();
    // Few candidates a side, so that some lexical ones are not among the nearest: their vectors are
    // the ones that used to take a statement of their own.
    const ranking = { ...DEFAULT_RANKING, candidates: 3 };
    try {
      for (const exactBelow of [4096, 0]) {
        const db = new Database(parsePostgresUri(`${pg.uri}?collection=default`), { timeoutMs: 10_000 });
        const opened = await openSearcher(() => PostgresBackend.open(db, 'default', { exactBelow }), { embedder });
        const searcher = opened.withRanking(ranking);
        const sent: string[] = [];
        const [query, script] = [db.query, db.script.bind(db)];
        db.query = ((text: string, values?: unknown[]) => {
          sent.push(text);
          return query(text, values);
        }) as typeof db.query;
        db.script = ((statements: readonly string[]) => {
          sent.push(statements.join(';\n'));
          return script(statements);
        }) as typeof db.script;
        let lexicalOnly = 0;
        try {
          for (const { q: question } of ARTICLE_QUESTIONS) {
            const vector = await searcher.embedQuestion(question);
            const top = async (mode: 'dense' | 'lexical') =>
              (await searcher.scoreChunks({ query: question, topK: 3, mode }, vector)).map((c) => c.id);
            const nearest = new Set(await top('dense'));
            lexicalOnly += (await top('lexical')).filter((id) => !nearest.has(id)).length;
            sent.length = 0;
            const before = await toastBlocks();
            expect((await searcher.scoreChunks({ query: question, topK: 3, mode: 'hybrid' }, vector)).length).toBeGreaterThan(0);
            expect(
              sent.filter((text) => text.includes('vector_send')),
              `${question}, exactBelow ${exactBelow}`,
            ).toHaveLength(1);
            expect(await toastBlocks(), `${question}, exactBelow ${exactBelow}`).toBe(before);
          }
        } finally {
          await db.close();
        }
        expect(lexicalOnly).toBeGreaterThan(0);
      }
    } finally {
      await admin.close();
    }
  });

  it('a build raises maintenance_work_mem for its vector index alone, and says so', async () => {
    const admin = new Database(parsePostgresUri(pg.uri), { timeoutMs: 0 });
    const lines: string[] = [];
    try {
      await admin.query("SET maintenance_work_mem = '1MB'");
      await publish(articleDir, 'memory', { force: true, log: (line) => lines.push(line) });
      expect(lines.join('\n')).toMatch(/maintenance_work_mem raised from 1 MB to \d+ MB for this build/);
      // SET LOCAL: the session keeps its own setting once the index is built.
      expect((await admin.query<{ maintenance_work_mem: string }>('SHOW maintenance_work_mem')).rows[0]!.maintenance_work_mem).toBe('1MB');
    } finally {
      await admin.query('RESET maintenance_work_mem');
      await admin.close();
    }
  });
});

describe('a database that is down', () => {
  it('is a 503 with the reason, for searches and /health, never a hang; served again once it is back', async () => {
    const service = await serveFromPostgres(pg.uri, 2000);
    expect((await service.app.request('/search?q=Taliban')).status).toBe(200);
    await pg.stop();
    try {
      const started = Date.now();
      const res = await service.app.request('/search?q=Taliban');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        error: {
          code: 'index_unavailable',
          message: expect.stringMatching(
            /index database postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres (cannot be reached|dropped the connection)/,
          ),
        },
      });
      expect((await service.app.request('/health')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await pg.restart();
    }
    expect((await service.app.request('/search?q=Taliban')).status).toBe(200);
  });

  it('a statement that runs past the timeout is cut off and reported', async () => {
    const db = new Database(parsePostgresUri(pg.uri), { timeoutMs: 300 });
    try {
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(DatabaseUnavailableError);
      await expect(db.query('SELECT pg_sleep(2)')).rejects.toThrow(/did not answer within 300 ms/);
    } finally {
      await db.close();
    }
  });
});
