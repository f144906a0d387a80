/**
 * Bad input, authentication, CORS and request logs through the real app: each kind of bad request
 * gets its own 4xx code and a message that says what to fix; nothing reaches the engine without a
 * valid key when one is configured; the API key never appears in a log line.
 */
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { createService, type Service } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { LIMITS } from '../src/api/limits.js';
import type { Embedder } from '../src/embed/embedder.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { lambdaContext } from '../scripts/lib/lambda-events.js';

let indexDir: string;
let embedder: Embedder;

beforeAll(async () => {
  indexDir = (await buildArticleIndex()).out;
  embedder = await sharedEmbedder();
});

function serviceWith(options: { apiKey?: string; corsOrigins?: string[]; logLines?: string[]; countEmbeds?: { n: number } } = {}): Service {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      options.logLines?.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const counting: Embedder = options.countEmbeds
    ? {
        info: embedder.info,
        countPassageTokens: (t) => embedder.countPassageTokens(t),
        embedPassages: (t) => embedder.embedPassages(t),
        embedQueries: (t) => {
          options.countEmbeds!.n++;
          return embedder.embedQueries(t);
        },
        dispose: async () => {},
      }
    : embedder;
  return createService({
    config: { indexDir, corsOrigins: options.corsOrigins ?? ['*'], ...(options.apiKey ? { apiKey: async () => options.apiKey! } : {}) },
    logger: createLogger({ level: 'info', destination: sink }),
    loadEmbedder: async () => counting,
  });
}

async function post(service: Service, body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await service.app.request('/search', { method: 'POST', headers, body });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { error?: { code: string; message: string; details?: { path: string }[] } },
  };
}

describe('each kind of bad request gets a clear 4xx', () => {
  let service: Service;
  beforeAll(() => {
    service = serviceWith();
  });

  const cases: [string, BodyInit | null, Record<string, string> | undefined, number, string, RegExp][] = [
    ['body not JSON', '{"query": "x",', undefined, 400, 'invalid_json', /not valid JSON/],
    ['empty body', '', undefined, 400, 'invalid_json', /body is empty/],
    ['query missing', '{}', undefined, 400, 'invalid_request', /query/],
    ['query empty', '{"query": "   "}', undefined, 400, 'invalid_request', /query must not be empty/],
    [
      'query too long',
      JSON.stringify({ query: 'x'.repeat(LIMITS.maxQueryChars + 1) }),
      undefined,
      400,
      'invalid_request',
      new RegExp(`at most ${LIMITS.maxQueryChars} characters`),
    ],
    ['query of the wrong type', '{"query": 42}', undefined, 400, 'invalid_request', /query: .*string/i],
    ['top_k out of range', '{"query": "x", "top_k": 500}', undefined, 400, 'invalid_request', /top_k/],
    ['top_k not an integer', '{"query": "x", "top_k": 2.5}', undefined, 400, 'invalid_request', /top_k/],
    ['unknown mode', '{"query": "x", "mode": "semantic"}', undefined, 400, 'invalid_request', /mode/],
    [
      'unknown field',
      '{"query": "x", "topk": 3}',
      undefined,
      400,
      'invalid_request',
      /unknown field "topk" \(did you mean "top_k"\?\); the fields are: query, top_k, mode/,
    ],
    [
      "the question under GET's name",
      '{"q": "x"}',
      undefined,
      400,
      'invalid_request',
      /query: missing; send \{"query": "your question"\}: the question goes in "query"/,
    ],
    ['no question at all', '{"top_k": 3}', undefined, 400, 'invalid_request', /query: missing; send \{"query": "your question"\}$/],
    ['body an array', '[1, 2]', undefined, 400, 'invalid_request', /object/],
    [
      'wrong content type',
      '{"query": "x"}',
      { 'content-type': 'text/plain' },
      415,
      'unsupported_media_type',
      /Content-Type: application\/json/,
    ],
    [
      'no content type',
      new TextEncoder().encode('{"query": "x"}'),
      {},
      415,
      'unsupported_media_type',
      /Content-Type: application\/json.*got no Content-Type/,
    ],
    [
      'non-UTF-8 charset declared',
      '{"query": "x"}',
      { 'content-type': 'application/json; charset=iso-8859-1' },
      415,
      'unsupported_media_type',
      /UTF-8/,
    ],
    [
      'oversized body',
      JSON.stringify({ query: 'x', pad: 'y'.repeat(LIMITS.maxBodyBytes) }),
      undefined,
      413,
      'payload_too_large',
      /larger than/,
    ],
    [
      'bytes that are not UTF-8',
      new Uint8Array([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      undefined,
      400,
      'invalid_encoding',
      /not valid UTF-8/,
    ],
    ['unknown collection', '{"query": "x", "collection": "nope"}', undefined, 404, 'unknown_collection', /serves: default/],
    [
      'collection named like a prototype member',
      '{"query": "x", "collection": "constructor"}',
      undefined,
      404,
      'unknown_collection',
      /serves: default/,
    ],
    ['min_relevance above 1', '{"query": "x", "min_relevance": 1.5}', undefined, 400, 'invalid_request', /min_relevance/],
    [
      'filter condition of the wrong type',
      '{"query": "x", "filter": {"valueOf": {"gt": 1}}}',
      undefined,
      400,
      'invalid_request',
      /filter\.valueOf/,
    ],
  ];

  const getCases: [string, string, RegExp][] = [
    ['__proto__ as a parameter', 'q=x&__proto__=1', /unknown query parameter "__proto__"/],
    [
      'the question under the body field name',
      'query=flag',
      /q: missing; ask with \/search\?q=your\+question \(the question goes in q, not query\)/,
    ],
    ['no question at all', 'top_k=3', /^q: missing; ask with \/search\?q=your\+question$/],
    ['a misspelt parameter', 'q=x&topk=3', /unknown query parameter "topk" \(did you mean "top_k"\?\)/],
    ['an empty min_score', 'q=x&min_score=', /min_score: must be a number/],
    ['an empty min_relevance', 'q=x&min_relevance=', /min_relevance: must be a number/],
    ['a filter that is an array', 'q=x&filter=%5B1%2C2%5D&doc_id=x', /filter: must be a JSON object/],
    ['doc_id twice', 'q=x&filter=%7B%22doc_id%22%3A%22a%22%7D&doc_id=b', /given twice/],
  ];
  for (const [name, query, message] of getCases) {
    it(`GET with ${name}: 400 invalid_request`, async () => {
      const res = await service.app.request(`/search?${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(message) } });
    });
  }

  it('GET /documents with collection given twice: 400, as /search answers it, not the first one taken', async () => {
    const res = await service.app.request('/documents/article.txt?collection=default&collection=other');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', message: 'collection: give it once, not 2 times' } });
  });

  for (const [name, body, headers, status, code, message] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await post(service, body, headers);
      expect(res.status).toBe(status);
      expect(res.body.error?.code).toBe(code);
      expect(res.body.error?.message).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|node_modules/); // no stack traces
    });
  }

  it('lists every problem with its field in details', async () => {
    const res = await post(service, '{"query": "", "top_k": 0, "mode": 1}');
    expect(res.body.error?.details?.map((d) => d.path).sort()).toEqual(['mode', 'query', 'top_k']);
  });

  it('unknown routes get 404, wrong methods 405 with Allow', async () => {
    const missing = await service.app.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const wrong = await service.app.request('/search', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect(await wrong.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('GET /search validates its parameters the same way', async () => {
    const res = await service.app.request('/search?q=&top_k=abc');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path)).toContain('top_k');
    const repeated = await service.app.request('/search?q=a&q=b');
    expect(((await repeated.json()) as { error: { message: string } }).error.message).toMatch(/q: give it once/);
  });
});

describe('API key', () => {
  const KEY = 'sk-test-5f1e0c2a9b7d4e3f';

  it('missing or wrong key: 401 without touching the engine; right key: answered', async () => {
    const embeds = { n: 0 };
    const service = serviceWith({ apiKey: KEY, countEmbeds: embeds });
    await service.ready;
    const before = embeds.n;
    const missing = await post(service, '{"query": "Taliban"}');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.body.error?.message).toMatch(/x-api-key/);
    const wrong = await post(service, '{"query": "Taliban"}', { 'content-type': 'application/json', 'x-api-key': 'sk-wrong' });
    expect(wrong.status).toBe(401);
    const almost = await post(service, '{"query": "Taliban"}', { 'content-type': 'application/json', 'x-api-key': KEY.slice(0, -1) });
    expect(almost.status).toBe(401);
    expect(embeds.n).toBe(before);
    const header = await post(service, '{"query": "Taliban"}', { 'content-type': 'application/json', 'x-api-key': KEY });
    expect(header.status).toBe(200);
    const bearer = await post(service, '{"query": "Taliban"}', { 'content-type': 'application/json', authorization: `Bearer ${KEY}` });
    expect(bearer.status).toBe(200);
    expect(embeds.n).toBe(before + 2);
  });

  it('health and the OpenAPI document stay public', async () => {
    const service = serviceWith({ apiKey: KEY });
    expect((await service.app.request('/health')).status).toBe(200);
    expect((await service.app.request('/openapi.json')).status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers preflights for configured origins only', async () => {
    const service = serviceWith({ corsOrigins: ['https://app.example'] });
    const ok = await service.app.request('/search', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await service.app.request('/search', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows any origin by default', async () => {
    const res = await serviceWith().app.request('/health', { headers: { origin: 'https://anywhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('request logs', () => {
  it('one JSON line per request with id, status, latency and result count, and never the key', async () => {
    const lines: string[] = [];
    const KEY = 'sk-never-log-me-123456';
    const service = serviceWith({ apiKey: KEY, logLines: lines });
    await service.ready;
    lines.length = 0;
    await post(service, '{"query": "Who recognized the Taliban?", "top_k": 2, "min_relevance": 0}', {
      'content-type': 'application/json',
      'x-api-key': KEY,
      'x-request-id': 'req-42',
    });
    await post(service, '{"query": 1}', { 'content-type': 'application/json', authorization: `Bearer ${KEY}` });
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      level: 'info',
      id: 'req-42',
      method: 'POST',
      path: '/search',
      status: 200,
      results: 2,
      mode: 'hybrid',
    });
    expect(entries[0]!.latency_ms).toBeTypeOf('number');
    expect(entries[1]).toMatchObject({ status: 400 });
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('a direct invoke writes the same line, with its door, and says why it failed', async () => {
    const lines: string[] = [];
    const service = serviceWith({ logLines: lines });
    await service.ready;
    const handler = createLambdaHandler(service);
    lines.length = 0;
    await handler({ query: 'Who recognized the Taliban?', top_k: 2, min_relevance: 0 }, lambdaContext as never);
    await handler({ query: '' }, lambdaContext as never);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: 'info', door: 'invoke', status: 200, results: 2, mode: 'hybrid', collection: 'default' });
    expect(entries[0]!.latency_ms).toBeTypeOf('number');
    expect(entries[1]).toMatchObject({ level: 'info', door: 'invoke', status: 400 });
    expect(entries[1]!.error).toBeTypeOf('string');
  });
});
