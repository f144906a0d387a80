/**
 * The product end to end: a real index built from the seed article, real questions asked through
 * the real Lambda handler (every event shape) and the real local HTTP server.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { apiGatewayV1Event, apiGatewayV2Event, lambdaContext, searchViaHttpApi, type HttpResult } from '../scripts/lib/lambda-events.js';
import { createService, type Service } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';
import { createLogger } from '../src/api/logger.js';
import type { SearchResponse } from '../src/api/schemas.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { ARTICLE_QUESTIONS as QUESTIONS } from './helpers/article-questions.js';
import { openSearcher } from '../src/search/open-searcher.js';
import { DEFAULT_MIN_RELEVANCE } from '../src/search/relevance.js';

let service: Service;
let handler: ReturnType<typeof createLambdaHandler>;
let server: RunningServer;

beforeAll(async () => {
  const report = await buildArticleIndex();
  const embedder = await sharedEmbedder();
  service = createService({
    config: { indexDir: report.out, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  handler = createLambdaHandler(service);
  server = await startServer(service, 0);
});

afterAll(async () => {
  await server?.close();
});

const viaHttpApi = (body: object) => searchViaHttpApi<SearchResponse>(handler, body);

describe('questions about the article through the Lambda handler (HTTP API v2)', () => {
  for (const { q, answer, modes } of QUESTIONS) {
    for (const mode of modes) {
      it(`${mode}: ${q}`, async () => {
        const out = await viaHttpApi({ query: q, top_k: 3, mode });
        expect(out.mode).toBe(mode);
        expect(out.results.length).toBeGreaterThan(0);
        expect(out.results[0]!.text).toContain(answer);
      });
    }
  }
});

/**
 * Questions put in other words than the article's (synonyms, paraphrase), as a new user asks
 * them, and questions the article cannot answer. None of these words are tuned on.
 */
const REWORDED: { q: string; answer: string }[] = [
  { q: 'Which court delisted the Taliban as a terror group?', answer: 'Supreme Court removed' },
  { q: "What did Russia's special representative for Afghanistan say?", answer: 'Zamir Kablov' },
  { q: 'How are women treated under the Taliban?', answer: 'restrictions imposed by the Taliban on women' },
  { q: 'What security threats will Moscow help Kabul fight?', answer: 'drug trafficking' },
  { q: 'Which country was first to open a trade office in Kabul?', answer: 'trade office in Kabul' },
  { q: 'How many years of war has Afghanistan suffered?', answer: 'forty years of war' },
  { q: 'Which other nations accepted Taliban ambassadors without recognition?', answer: 'including China' },
];

/**
 * The same facts asked in every form people use (when, why, yes-no, how, keywords, requests): the
 * question's form must not decide whether the passage is found or how relevant it is judged.
 */
const FORMS: { q: string; answer: string }[] = [
  { q: 'When did Russia recognize the Taliban?', answer: 'formally recognized the Taliban government' },
  { q: 'Why did Russia recognize the Taliban?', answer: 'formally recognized the Taliban government' },
  { q: 'Did Russia recognize the Taliban?', answer: 'formally recognized the Taliban government' },
  { q: 'How did Russia recognize the Taliban?', answer: 'formally recognized the Taliban government' },
  { q: 'Has Russia recognized the Taliban government?', answer: 'formally recognized the Taliban government' },
  { q: 'Tell me when Russia recognized the Taliban', answer: 'formally recognized the Taliban government' },
  { q: 'What worries Western governments about the Taliban?', answer: 'focus of concern for the West' },
  { q: 'What concerns the West about the Taliban?', answer: 'focus of concern for the West' },
  { q: 'Why is the West worried about the Taliban?', answer: 'focus of concern for the West' },
];

const OFF_TOPIC = [
  'How do I configure a Kubernetes ingress controller?',
  'What is the boiling point of water at sea level?',
  'Who won the 2022 FIFA World Cup?',
  'How does photosynthesis work?',
  'What is the recipe for sourdough bread?',
  'What is the GDP of Russia?',
  'What is the population of Afghanistan?',
];

describe('questions in other words, and questions the article cannot answer', () => {
  for (const { q, answer } of REWORDED) {
    it(`reworded, answered first: ${q}`, async () => {
      const out = await viaHttpApi({ query: q, top_k: 3 });
      expect(out.no_answer).toBeUndefined();
      expect(out.results[0]?.text).toContain(answer);
    });
  }

  for (const { q, answer } of FORMS) {
    it(`any form of question, answered first: ${q}`, async () => {
      const out = await viaHttpApi({ query: q, top_k: 3 });
      expect(out.no_answer).toBeUndefined();
      expect(out.results[0]?.text).toContain(answer);
    });
  }

  it('the form of a question does not decide its relevance: when, why, did and how about one fact are judged alike', async () => {
    const relevances = [];
    for (const { q } of FORMS.slice(0, 4)) relevances.push((await viaHttpApi({ query: q, top_k: 1 })).results[0]!.relevance);
    expect(Math.max(...relevances) / Math.min(...relevances)).toBeLessThan(1.25);
  });

  for (const q of OFF_TOPIC) {
    it(`not in the article, answered with no passage: ${q}`, async () => {
      const out = await viaHttpApi({ query: q });
      expect(out.results).toEqual([]);
      expect(out.no_answer).toMatchObject({
        message: 'Nothing in these documents answers this question.',
        min_relevance: DEFAULT_MIN_RELEVANCE,
      });
      expect(out.no_answer!.best_relevance).toBeLessThan(DEFAULT_MIN_RELEVANCE);
    });
  }

  it('relevance follows the order shown: it never rises down the list', async () => {
    for (const q of [...REWORDED.map((r) => r.q), ...FORMS.map((f) => f.q)]) {
      const out = await viaHttpApi({ query: q, top_k: 5, min_relevance: 0 });
      for (let i = 1; i < out.results.length; i++) expect(out.results[i]!.relevance, q).toBeLessThanOrEqual(out.results[i - 1]!.relevance);
    }
  });

  it('min_relevance 0 returns the closest passages anyway, with their low relevance', async () => {
    const out = await viaHttpApi({ query: OFF_TOPIC[0]!, top_k: 3, min_relevance: 0 });
    expect(out.results).toHaveLength(3);
    expect(out.no_answer).toBeUndefined();
    for (const r of out.results) expect(r.relevance).toBeLessThan(DEFAULT_MIN_RELEVANCE);
  });

  it('relevance means the same across questions: the answer to one outranks the best match of an unanswerable one', async () => {
    const answered = await viaHttpApi({ query: REWORDED[0]!.q, top_k: 1 });
    const unanswerable = await viaHttpApi({ query: OFF_TOPIC[5]!, top_k: 1, min_relevance: 0 });
    expect(answered.results[0]!.relevance).toBeGreaterThan(5 * unanswerable.results[0]!.relevance);
  });

  it('GET takes min_relevance too', async () => {
    const res = (await handler(
      apiGatewayV2Event({ method: 'GET', path: '/search', query: { q: OFF_TOPIC[0]!, min_relevance: '0', top_k: '2' } }),
      lambdaContext as never,
    )) as HttpResult;
    expect((JSON.parse(res.body) as SearchResponse).results).toHaveLength(2);
  });
});

describe('response shape', () => {
  it('returns ranked passages with sources, offsets into the document and a snippet', async () => {
    const out = await viaHttpApi({ query: 'Who recognized the Islamic Emirate first?', top_k: 5, min_relevance: 0 });
    expect(out).toMatchObject({ mode: 'hybrid', model: 'use-lite', collection: 'default' });
    expect(out.results).toHaveLength(5);
    const scores = out.results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    out.results.forEach((r, i) => {
      expect(r.rank).toBe(i + 1);
      expect(r.source.path).toBe('corpus/article.txt');
      expect(r.source.url).toBe('https://www.toutiao.com/article/1836679694035980/');
      expect(r.text.slice(r.snippet_start, r.snippet_start + r.snippet.length)).toBe(r.snippet);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.relevance).toBeGreaterThanOrEqual(0);
      expect(r.relevance).toBeLessThanOrEqual(1);
      expect(r.metadata).toMatchObject({ source: 'rfi' });
    });
  });

  it('keeps the trailing attribution out of the passages', async () => {
    const out = await viaHttpApi({ query: 'Original Statement source views of the author', top_k: 50, mode: 'lexical', min_relevance: 0 });
    expect(out.results.length).toBeGreaterThan(0); // "views of the author" is in the article; the attribution block must not be
    for (const r of out.results) {
      expect(r.text).not.toMatch(/^(Source|Original|Statement):/m);
    }
  });

  it('honours top_k, min_score and a document filter', async () => {
    expect((await viaHttpApi({ query: 'Taliban', top_k: 2, min_relevance: 0 })).results).toHaveLength(2);
    const all = await viaHttpApi({ query: 'Taliban recognition', top_k: 10, min_relevance: 0 });
    const strict = await viaHttpApi({ query: 'Taliban recognition', top_k: 10, min_score: 0.5, min_relevance: 0 });
    expect(strict.results.length).toBeGreaterThan(0);
    expect(strict.results.length).toBeLessThan(all.results.length);
    expect(strict.results.every((r) => r.score >= 0.5)).toBe(true);
    expect((await viaHttpApi({ query: 'Taliban', filter: { doc_id: 'article.txt' }, min_relevance: 0 })).results.length).toBeGreaterThan(0);
    const filteredOut = await viaHttpApi({ query: 'Taliban', filter: { doc_id: 'other.txt' }, min_relevance: 0 });
    expect(filteredOut.results).toHaveLength(0);
    expect(filteredOut.no_answer).toBeUndefined(); // nothing to judge: the filter left no passage
  });
});

describe('every way into the Lambda handler gives the same answer', () => {
  const question = 'What did the Russian Supreme Court do in April?';
  let expected: string;
  beforeAll(async () => {
    expected = (await viaHttpApi({ query: question, top_k: 1 })).results[0]!.id;
  });

  it('REST API (v1) event, GET with query parameters', async () => {
    const res = (await handler(
      apiGatewayV1Event({ method: 'GET', path: '/search', query: { q: question, top_k: '1' } }),
      lambdaContext as never,
    )) as HttpResult;
    expect(res.statusCode).toBe(200);
    expect((JSON.parse(res.body) as SearchResponse).results[0]!.id).toBe(expected);
  });

  it('REST API (v1) event, POST', async () => {
    const res = (await handler(
      apiGatewayV1Event({
        method: 'POST',
        path: '/search',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: question, top_k: 1 }),
      }),
      lambdaContext as never,
    )) as HttpResult;
    expect((JSON.parse(res.body) as SearchResponse).results[0]!.id).toBe(expected);
  });

  it('Function URL event with a base64 body', async () => {
    const body = Buffer.from(JSON.stringify({ query: question, top_k: 1 })).toString('base64');
    const res = (await handler(
      apiGatewayV2Event(
        { method: 'POST', path: '/search', headers: { 'content-type': 'application/json' }, body, base64: true },
        'function-url',
      ),
      lambdaContext as never,
    )) as HttpResult;
    expect(res.statusCode).toBe(200);
    expect((JSON.parse(res.body) as SearchResponse).results[0]!.id).toBe(expected);
  });

  it('direct invoke with a plain payload', async () => {
    const out = (await handler({ query: question, top_k: 1 }, lambdaContext as never)) as SearchResponse;
    expect(out.results[0]!.id).toBe(expected);
  });

  it('direct invoke with bad input answers with the error body', async () => {
    const out = (await handler({ query: 42 }, lambdaContext as never)) as { error: { code: string } };
    expect(out.error.code).toBe('invalid_request');
  });

  it('GET /health reports the loaded index', async () => {
    const res = (await handler(apiGatewayV2Event({ method: 'GET', path: '/health' }), lambdaContext as never)) as HttpResult;
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      status: 'ok',
      model: 'use-lite',
      collections: { default: { documents: 1, chunks: expect.any(Number) } },
    });
  });
});

describe('the local HTTP server', () => {
  it('answers POST /search and GET /search?q=', async () => {
    const post = await fetch(`${server.url}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'Which flag was raised at the embassy in Moscow?', top_k: 1 }),
    });
    expect(post.status).toBe(200);
    const postBody = (await post.json()) as SearchResponse;
    expect(postBody.results[0]!.text).toContain('flag of the Taliban-imposed Afghan state');
    const get = await fetch(`${server.url}/search?q=${encodeURIComponent('Which flag was raised at the embassy in Moscow?')}&top_k=1`);
    expect(((await get.json()) as SearchResponse).results[0]!.id).toBe(postBody.results[0]!.id);
  });

  it('serves /health and rejects bad input with a 4xx error body', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const bad = await fetch(`${server.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });
});

describe('a second build of an unchanged corpus', () => {
  it('is skipped, and a forced rebuild reuses every vector', async () => {
    const out = tempDir('rebuild');
    const first = await buildArticleIndex(out);
    expect(first.status).toBe('built');
    expect(first.chunks.embedded).toBe(first.chunks.total);
    const second = await buildArticleIndex(out);
    expect(second.status).toBe('unchanged');
    expect(second.manifest.corpus.fingerprint).toBe(first.manifest.corpus.fingerprint);
    const forced = await buildArticleIndex(out, true);
    expect(forced.status).toBe('built');
    expect(forced.chunks).toEqual({ total: first.chunks.total, embedded: 0, reused: first.chunks.total });
    expect(forced.manifest.files).toEqual(first.manifest.files);
  });
});

describe('a question longer than the encoder reads', () => {
  it('is cut to the encoder window (whole words) before embedding, and still answered from its start', async () => {
    const embedder = await sharedEmbedder();
    const seen: string[] = [];
    const spy = Object.assign(Object.create(embedder) as object, {
      embedQueries: (texts: string[]) => {
        seen.push(...texts);
        return embedder.embedQueries(texts);
      },
    }) as typeof embedder;
    const searcher = await openSearcher((await buildArticleIndex()).out, { embedder: spy });
    const question = 'What did the Russian Supreme Court do in April?';
    const padding = ' Please answer carefully and cite the passage you rely on.'.repeat(16);
    const long = (question + padding).slice(0, 1000);
    seen.length = 0;
    const outcome = await searcher.search({ query: long, topK: 1, mode: 'hybrid', minRelevance: 0 });
    expect(seen).toHaveLength(1);
    expect(embedder.countPassageTokens(seen[0]!)).toBeLessThanOrEqual(embedder.info.maxTokens);
    expect(long.startsWith(seen[0]!)).toBe(true);
    expect(seen[0]!.length).toBeGreaterThan(question.length);
    expect(outcome.results[0]!.text).toContain('Supreme Court removed');
  });
});

describe('npm run ask against the local server', () => {
  const ask = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'ask.ts'), ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('finds the server from PORT, and takes --filter, --context, --collection and --min-relevance', async () => {
    const port = new URL(server.url).port;
    const res = await ask(
      [
        'What did the Russian Supreme Court do in April?',
        '--filter',
        '{"doc_id": "article.txt"}',
        '--context',
        '400',
        '--collection',
        'default',
        '--top-k',
        '2',
      ],
      { PORT: port, SEMSEARCH_URL: '' },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\[1\] .*\(relevance \d\.\d{2}\)/);
    expect(res.stdout).toMatch(/context:\n\[1\]/);
    const none = await ask(['How do I bake sourdough bread?', '--url', server.url]);
    expect(none.stdout).toMatch(/^No answer: Nothing in these documents answers this question/);
    const all = await ask(['How do I bake sourdough bread?', '--url', server.url, '--min-relevance', '0', '--json']);
    expect((JSON.parse(all.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    const bad = await ask(['x', '--url', server.url, '--filter', '[1]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--filter.*expected a JSON object/);
  });
});
