/**
 * The Lambda handler's direct search against the app it stands in for: generated POST /search
 * events (valid and invalid bodies, content types, origins, request ids, keys of every scope, in
 * header and bearer form, collections that are not served or cannot be read) go through the
 * handler and through the app alone (Hono's own Lambda adapter over the same service). Status,
 * headers, body (but for the time taken) and log lines are the same, with and without keys and
 * for both CORS settings; and the plain case is answered by the direct search, not handed to the app.
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { handle } from 'hono/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { apiGatewayV2Event, lambdaContext, type HttpResult } from '../scripts/lib/lambda-events.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService, type Service } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { createLogger } from '../src/api/logger.js';
import { configFromEnv } from '../src/config.js';

const TIDES = 'sk-tides-5f3a9c1e7b20d4a8';
const NEWS_SEARCH_ONLY = 'sk-news-search-2b7e4d9a1c06f853';
const NEWS_DOCUMENTS_ONLY = 'sk-news-docs-77c1e0a9b3d24f65';
const ADMIN = 'sk-admin-9e1d3c7a5b2f4086';
const EXPIRED = 'sk-expired-4a6c8e0b2d1f3957';
const KEYS = [
  { name: 'tides', key: TIDES, collections: ['tides'] },
  { name: 'news-search', key: NEWS_SEARCH_ONLY, collections: ['default'], routes: ['search'] },
  { name: 'news-documents', key: NEWS_DOCUMENTS_ONLY, collections: ['default'], routes: ['documents'] },
  { name: 'ops', key_sha256: createHash('sha256').update(ADMIN).digest('hex'), collections: ['*'] },
  { name: 'old-ops', key: EXPIRED, collections: ['*'], expires_at: '2020-01-01T00:00:00Z' },
];
const ORIGINS = ['https://app.example', 'https://docs.example'];

interface Served {
  service: Service;
  handler: ReturnType<typeof createLambdaHandler>;
  viaApp: ReturnType<typeof handle>;
  logs: Record<string, unknown>[];
  /** Requests the direct search answered itself. */
  direct: { answered: number };
}

let open: Served;
let keyed: Served;

async function serve(env: Record<string, string>): Promise<Served> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const embedder = await sharedEmbedder();
  const service = createService({
    config: configFromEnv(env),
    logger: createLogger({ level: 'info', destination }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  const direct = { answered: 0 };
  const answer = service.directSearch;
  service.directSearch = async (request) => {
    const got = await answer(request);
    if (got) direct.answered++;
    return got;
  };
  return { service, handler: createLambdaHandler(service), viaApp: handle(service.app as never), logs, direct };
}

beforeAll(async () => {
  const index = (await buildArticleIndex()).out;
  const collections = tempDir('direct-collections');
  await buildIndex({ corpus: writeTidesCorpus(), out: path.join(collections, 'tides'), embedder: await sharedEmbedder() });
  // A collection whose index cannot be read: its searches fail on this side (503), logged with their cause.
  fs.cpSync(path.join(collections, 'tides'), path.join(collections, 'broken'), { recursive: true });
  fs.writeFileSync(path.join(collections, 'broken', 'manifest.json'), '{"format": "semantic-search-index", ');
  open = await serve({ INDEX_DIR: index, COLLECTIONS_DIR: collections });
  keyed = await serve({ INDEX_DIR: index, COLLECTIONS_DIR: collections, API_KEYS: JSON.stringify(KEYS), CORS_ORIGINS: ORIGINS.join(',') });
});

/** `plain` most of the time, else one of `others`: most requests are ones the direct search answers. */
function usually<T>(plain: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 5, arbitrary: fc.constant(plain) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
}

const question = usually(
  'Who is the Afghan foreign minister?',
  'When did Russia recognise the Taliban?',
  'tides',
  '',
  '   ',
  'x'.repeat(600),
);
const validBody = fc.record(
  {
    query: question,
    top_k: usually(5, 0, 1, 12, 101),
    mode: usually('hybrid', 'dense', 'lexical', 'fuzzy'),
    collection: usually('default', 'tides', 'nowhere', 'broken'),
    min_relevance: usually(0.3, 0, 2),
  },
  { requiredKeys: ['query'] },
);
const bodyText = fc.oneof(
  { weight: 8, arbitrary: validBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"query": 3}', '{"query":"a","top_k":"5"}', '\u00ff\u00fe') },
);
const request = fc.record({
  body: bodyText,
  base64: usually(false, true),
  type: usually<string | undefined>(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'text/plain',
    'application/json; charset=latin1',
    undefined,
  ),
  typeName: usually('content-type', 'Content-Type'),
  origin: fc.constantFrom<string | undefined>(undefined, ORIGINS[0], ORIGINS[1], 'https://evil.example'),
  requestId: fc.constantFrom<string | undefined>(undefined, 'trace-123', 'not valid!'),
  key: fc.constantFrom<string | undefined>(undefined, TIDES, NEWS_SEARCH_ONLY, ADMIN, ADMIN, NEWS_DOCUMENTS_ONLY, EXPIRED, 'sk-unknown'),
  bearer: fc.boolean(),
  method: usually('POST', 'post'),
  path: usually('/search', '/search/'),
});

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** A search the direct search answers itself: JSON, a key that may search, a listed origin. */
const PLAIN: Generated = {
  body: JSON.stringify({ query: 'Who is the Afghan foreign minister?', top_k: 3 }),
  base64: false,
  type: 'application/json',
  typeName: 'content-type',
  origin: ORIGINS[0],
  requestId: undefined,
  key: NEWS_SEARCH_ONLY,
  bearer: true,
  method: 'POST',
  path: '/search',
};

function eventOf(r: Generated) {
  const headers: Record<string, string> = {};
  if (r.type !== undefined) headers[r.typeName] = r.type;
  if (r.origin !== undefined) headers.origin = r.origin;
  if (r.requestId !== undefined) headers['x-request-id'] = r.requestId;
  if (r.key !== undefined) headers[r.bearer ? 'authorization' : 'x-api-key'] = r.bearer ? `Bearer ${r.key}` : r.key;
  const body = r.base64 ? Buffer.from(r.body).toString('base64') : r.body;
  return apiGatewayV2Event({ method: r.method, path: r.path, headers, body, base64: r.base64 });
}

/** The body with the time taken left out (it differs between any two answers). */
function withoutTimings(body: string): unknown {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  delete parsed.took_ms;
  delete parsed.timings;
  return parsed;
}

/** The log lines of a request, without their times and stacks (which differ between any two). */
function linesOf(logs: Record<string, unknown>[]) {
  return logs.map(({ time: _time, latency_ms: _latency, ...line }) => {
    const err = line.err as Record<string, unknown> | undefined;
    if (!err) return line;
    const { stack: _stack, ...rest } = err;
    return { ...line, err: rest };
  });
}

async function compare(served: Served, r: Generated) {
  const event = eventOf(r);
  served.logs.length = 0;
  const ours = (await served.handler(event, lambdaContext as never)) as HttpResult & Record<string, unknown>;
  const ourLines = linesOf(served.logs);
  served.logs.length = 0;
  const theirs = (await served.viaApp(event as never, lambdaContext as never)) as unknown as HttpResult & Record<string, unknown>;
  const theirLines = linesOf(served.logs);
  expect(ours.statusCode, ours.body).toBe(theirs.statusCode);
  expect(ours.headers).toEqual(theirs.headers);
  expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
  expect(ours.isBase64Encoded).toBe(theirs.isBase64Encoded);
  expect(withoutTimings(ours.body)).toEqual(withoutTimings(theirs.body));
  expect(ourLines).toEqual(theirLines);
  return ours;
}

describe('the direct search answers as the app does', () => {
  const settings: [string, () => Served, number][] = [
    ['without keys, any origin allowed', () => open, 50],
    ['with scoped keys and listed origins', () => keyed, 25],
  ];
  for (const [name, served, answeredAtLeast] of settings)
    it(`${name}: 250 generated requests`, async () => {
      const before = served().direct.answered;
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          await compare(served(), r);
        }),
        { numRuns: 250 },
      );
      expect(served().direct.answered - before).toBeGreaterThan(answeredAtLeast);
    });

  it('answers the plain case itself, with the headers and log line of the app', async () => {
    const before = keyed.direct.answered;
    const answer = await compare(keyed, PLAIN);
    expect(keyed.direct.answered).toBe(before + 1);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ 'access-control-allow-origin': ORIGINS[0], vary: 'Origin', 'x-request-id': 'test-request-id' });
    expect((JSON.parse(answer.body) as { results: { id: string }[] }).results[0]!.id).toMatch(/article\.txt#p3$/);
    // A key that may not search: the app answers.
    const refused = await compare(keyed, { ...PLAIN, key: NEWS_DOCUMENTS_ONLY });
    expect(refused.statusCode).toBe(403);
    expect(keyed.direct.answered).toBe(before + 1);
  });

  it('answers a search that fails itself, as the app does, without searching twice', async () => {
    const before = open.direct.answered;
    const failing: Generated = {
      ...PLAIN,
      body: JSON.stringify({ query: 'tides', collection: 'broken' }),
      origin: undefined,
      key: undefined,
    };
    const answer = await compare(open, failing);
    expect(answer.statusCode).toBe(503);
    expect(open.direct.answered).toBe(before + 1);
    expect(open.logs.map((l) => l.msg)).toEqual(['request failed', 'request']);
    // The handler alone: one search, not a second one by the app.
    const { api } = open.service;
    const search = api.searchParsed;
    let searches = 0;
    api.searchParsed = (request) => {
      searches++;
      return search(request);
    };
    try {
      await open.handler(eventOf(failing), lambdaContext as never);
    } finally {
      api.searchParsed = search;
    }
    expect(searches).toBe(1);
    const unknown = await compare(open, { ...failing, body: JSON.stringify({ query: 'tides', collection: 'nowhere' }) });
    expect(unknown.statusCode).toBe(404);
    expect(open.direct.answered).toBe(before + 3);
  });
});
