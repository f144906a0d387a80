/**
 * Property-based input handling (fast-check): 10,000+ generated request bodies and Lambda events
 * through the real handler. Whatever comes in, the answer is never a 5xx and is always JSON of the
 * documented shape: a search response, a health report, the OpenAPI document, or an error.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder } from './helpers/article-index.js';
import { apiGatewayV1Event, apiGatewayV2Event, lambdaContext, type HttpResult } from '../scripts/lib/lambda-events.js';
import { createService } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { createLogger } from '../src/api/logger.js';
import { ErrorSchema, HealthSchema, SearchResponseSchema } from '../src/api/schemas.js';

let handler: ReturnType<typeof createLambdaHandler>;
let service: ReturnType<typeof createService>;

beforeAll(async () => {
  const report = await buildArticleIndex();
  const embedder = await sharedEmbedder();
  service = createService({
    config: { indexDir: report.out, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  handler = createLambdaHandler(service);
});

/** Checks one HTTP answer against the documented shapes; returns the parsed body. */
function checkHttp(method: string, rawPath: string, res: HttpResult): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  const path = new URL(`https://host${rawPath}`).pathname; // as the server routes it: "/." is "/"
  // REST API events get multi-value headers back, HTTP API events single values.
  const multi = (res as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders ?? {};
  const pairs: [string, string][] = [
    ...Object.entries(res.headers ?? {}),
    ...Object.entries(multi).map(([k, v]): [string, string] => [k, v[0] ?? '']),
  ];
  const headers = Object.fromEntries(pairs.map(([k, v]) => [k.toLowerCase(), v]));
  if (method === 'HEAD' || method === 'OPTIONS' || res.statusCode === 204) return;
  const type = headers['content-type'] ?? '';
  if (path === '/' && res.statusCode === 200) {
    expect(type).toMatch(/^text\/html/);
    return;
  }
  expect(type).toMatch(/^application\/json/);
  const body: unknown = JSON.parse(res.body);
  if (res.statusCode >= 400) expect(ErrorSchema.safeParse(body).success, res.body).toBe(true);
  else if (path === '/search') expect(SearchResponseSchema.safeParse(body).success, res.body).toBe(true);
  else if (path === '/health') expect(HealthSchema.safeParse(body).success).toBe(true);
  else expect(body).toBeTypeOf('object');
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

/** Search requests near the valid ones: each field valid, wrong, missing or out of range. */
const searchLike = fc.record(
  {
    query: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constant('Who recognized the Taliban?'),
      fc.constant('   '),
      fc.string({ minLength: 990, maxLength: 1100 }),
      scalar,
    ),
    top_k: fc.oneof(fc.integer({ min: -5, max: 60 }), fc.double(), fc.string(), scalar),
    mode: fc.oneof(fc.constantFrom('hybrid', 'dense', 'lexical'), fc.string(), scalar),
    min_score: fc.oneof(fc.double(), scalar),
    filter: fc.oneof(
      fc.dictionary(
        fc.string({ maxLength: 12 }),
        fc.oneof(scalar, fc.record({ in: fc.array(scalar, { maxLength: 3 }) }), fc.array(scalar)),
      ),
      scalar,
    ),
    collection: fc.oneof(fc.constant('default'), fc.string({ maxLength: 20 }), scalar),
    unknown_field: scalar,
  },
  { requiredKeys: [] },
);

/** Valid requests, so that a good share of runs goes all the way through the search. */
const validSearch = fc.record(
  {
    query: fc.string({ minLength: 1, maxLength: 60 }).filter((q) => q.trim().length > 0),
    top_k: fc.integer({ min: 1, max: 50 }),
    mode: fc.constantFrom('hybrid', 'dense', 'lexical'),
    min_score: fc.double({ min: -1, max: 1, noNaN: true }),
    filter: fc.constantFrom({ doc_id: 'article.txt' }, { source: { in: ['rfi', 'afp'] } }, {}),
  },
  { requiredKeys: ['query'] },
);

let answered = 0;

const bodyText = fc.oneof(
  validSearch.map((b) => JSON.stringify(b)),
  searchLike.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constant('{"query":'),
  fc.constant(''),
);

const contentType = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/json; charset=latin1',
    'multipart/form-data',
    'application/problem+json',
  ),
  { nil: undefined },
);
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  fc.constantFrom('TRACE', 'get', 'FOO'),
);
const path = fc.oneof(
  fc.constantFrom('/search', '/health', '/openapi.json', '/', '/tool.json', '/search/', '/SEARCH', '/nope'),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
);
const queryParams = fc.dictionary(
  fc.constantFrom('q', 'top_k', 'mode', 'min_score', 'doc_id', 'filter', 'collection', 'x'),
  fc.string({ maxLength: 30 }),
  { maxKeys: 4 },
);

describe('fuzzing the handler', () => {
  it('POST /search with 4,000 generated bodies (HTTP API v2): never a 5xx, always a documented shape', async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, contentType, async (body, type) => {
        const res = (await handler(
          apiGatewayV2Event({ method: 'POST', path: '/search', headers: type ? { 'content-type': type } : {}, body }),
          lambdaContext as never,
        )) as HttpResult;
        checkHttp('POST', '/search', res);
        if (res.statusCode === 200) answered++;
      }),
      { numRuns: 4000 },
    );
    // The generators must reach the search itself, not only the validation errors.
    expect(answered).toBeGreaterThan(200);
  });

  it('raw bytes, often not UTF-8, as base64 bodies: 1,000 runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const res = (await handler(
          apiGatewayV2Event({
            method: 'POST',
            path: '/search',
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(bytes).toString('base64'),
            base64: true,
          }),
          lambdaContext as never,
        )) as HttpResult;
        checkHttp('POST', '/search', res);
      }),
      { numRuns: 1000 },
    );
  });

  it('a body is read from the Lambda event as the server reads the same bytes from its request: same answer, 300 runs', async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      searchLike.map((b) => new TextEncoder().encode(JSON.stringify(b))),
      validSearch.map((b) => new TextEncoder().encode(JSON.stringify(b))),
      fc.string({ minLength: 16_000, maxLength: 17_000 }).map((s) => new TextEncoder().encode(JSON.stringify({ query: s }))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/search', '/mcp'), body, fc.boolean(), async (path, bytes, base64) => {
        const headers = { 'content-type': 'application/json' };
        const text = new TextDecoder().decode(bytes);
        const again = new TextEncoder().encode(text);
        // Bytes that are not UTF-8 go as base64, as API Gateway sends binary bodies.
        const asBase64 = base64 || again.length !== bytes.length || again.some((b, i) => b !== bytes[i]);
        const event = apiGatewayV2Event({
          method: 'POST',
          path,
          headers,
          body: asBase64 ? Buffer.from(bytes).toString('base64') : text,
          base64: asBase64,
        });
        const viaLambda = (await handler(event, lambdaContext as never)) as HttpResult;
        const viaServer = await service.app.fetch(new Request(`https://host${path}`, { method: 'POST', headers, body: bytes }));
        expect(viaLambda.statusCode).toBe(viaServer.status);
        const [lambdaBody, serverBody] = [JSON.parse(viaLambda.body), await viaServer.json()];
        expect(lambdaBody.error?.code ?? lambdaBody.error?.message).toEqual(serverBody.error?.code ?? serverBody.error?.message);
        if (viaServer.status === 200 && path === '/search')
          expect(lambdaBody.results.map((r: { id: string }) => r.id)).toEqual(serverBody.results.map((r: { id: string }) => r.id));
      }),
      { numRuns: 300 },
    );
  });

  it('any method, path, query and body, as v1 and v2 events: 3,000 runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        method,
        path,
        queryParams,
        fc.option(bodyText, { nil: undefined }),
        contentType,
        async (v1, m, p, query, body, type) => {
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          const call = { method: m, path: p, query, headers, ...(body !== undefined ? { body } : {}) };
          const res = (await handler(v1 ? apiGatewayV1Event(call) : apiGatewayV2Event(call), lambdaContext as never)) as HttpResult;
          checkHttp(m, p, res);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('malformed and arbitrary events: 1,000 runs answered without throwing', async () => {
    const mangled = fc.oneof(
      fc.anything(),
      fc.record(
        {
          rawPath: fc.anything(),
          requestContext: fc.anything(),
          headers: fc.anything(),
          body: fc.anything(),
          isBase64Encoded: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        { httpMethod: fc.anything(), path: fc.anything(), headers: fc.anything(), multiValueHeaders: fc.anything(), body: fc.anything() },
        { requiredKeys: [] },
      ),
      fc.constant({ rawPath: '/search', requestContext: { http: { method: 'POST' } }, body: '%%%not base64', isBase64Encoded: true }),
      fc.record({
        messageVersion: fc.constant('1.0'),
        actionGroup: fc.string(),
        apiPath: fc.oneof(fc.constant('/search'), fc.string()),
        httpMethod: fc.constantFrom('POST', 'GET'),
        parameters: fc.oneof(
          fc.anything(),
          fc.array(
            fc.record({
              name: fc.constantFrom('query', 'top_k', 'mode', 'filter'),
              type: fc.constantFrom('string', 'integer', 'object', 'array'),
              value: fc.string(),
            }),
          ),
        ),
        requestBody: fc.anything(),
        sessionAttributes: fc.anything(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(mangled, async (event) => {
        const res = (await handler(event, lambdaContext as never)) as Record<string, unknown>;
        expect(res).toBeTypeOf('object');
        if ('messageVersion' in res) {
          const agent = res as {
            response: { httpStatusCode?: number; responseBody?: Record<string, { body: string }>; functionResponse?: object };
          };
          if (agent.response.httpStatusCode !== undefined) expect(agent.response.httpStatusCode).toBeLessThan(500);
          for (const part of Object.values(agent.response.responseBody ?? {})) expect(() => JSON.parse(part.body)).not.toThrow();
        } else if ('statusCode' in res) checkHttp('POST', '/search', res as unknown as HttpResult);
        else if ('error' in res) expect(ErrorSchema.safeParse(res).success).toBe(true);
        else expect(SearchResponseSchema.safeParse(res).success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('direct invokes with generated payloads: 1,000 runs', async () => {
    await fc.assert(
      fc.asyncProperty(searchLike, async (payload) => {
        const res = (await handler({ query: 'fallback', ...payload }, lambdaContext as never)) as Record<string, unknown>;
        if ('error' in res) expect(ErrorSchema.safeParse(res).success).toBe(true);
        else expect(SearchResponseSchema.safeParse(res).success).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('events the WHATWG Request refuses (control characters, bad header names, odd hosts, other shapes): a JSON 400, no stack trace', async () => {
    const search = { method: 'GET', path: '/search', query: { q: 'Taliban' } };
    const v2 = apiGatewayV2Event(search);
    const v1 = apiGatewayV1Event(search);
    const hostile = [
      { ...v2, headers: { ...v2.headers, 'x-a': 'one\r\ntwo' } },
      { ...v2, headers: { ...v2.headers, 'x-nul': 'a\u0000b' } },
      { ...v2, headers: { ...v2.headers, 'bad name': 'x' } },
      { ...v2, headers: { ...v2.headers, 'x-surrogate': 'a\ud800b' } },
      { ...v2, cookies: ['a=1\r\nset-cookie: b=2'] },
      { ...v2, requestContext: { ...v2.requestContext, domainName: 'exa mple.com/%' } },
      { ...v2, requestContext: { ...v2.requestContext, domainName: 'a:b:c' } },
      { ...v1, multiValueHeaders: { ...v1.multiValueHeaders, 'x-a': ['ok', 'bad\nvalue'] } },
      { ...v1, queryStringParameters: { q: 'a\udc00' }, multiValueQueryStringParameters: { q: ['a\udc00'] } },
      { ...v1, rawPath: '/search', requestContext: { ...v1.requestContext, http: { method: 'GET' } } }, // v1 fields, read as v2
      {
        method: 'GET',
        path: '/search',
        headers: {},
        requestContext: { serviceArn: 'arn:aws:vpc-lattice:eu-west-1:1:service/svc-1' },
        httpMethod: 'GET',
      }, // VPC Lattice
    ];
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      for (const event of hostile) {
        const res = (await handler(event, lambdaContext as never)) as HttpResult;
        expect(res.statusCode, JSON.stringify(event)).toBe(400);
        checkHttp('POST', '/search', res);
        expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('invalid_request');
      }
    } finally {
      console.error = original;
    }
    expect(errors).toEqual([]);
  });

  it('property: any header names and values, cookies and host: never a 5xx or a plain-text answer', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(text, text, { maxKeys: 3 }),
        fc.array(text, { maxLength: 2 }),
        fc.option(text, { nil: undefined }),
        async (headers, cookies, host) => {
          const event = apiGatewayV2Event({ method: 'GET', path: '/health', headers });
          const res = (await handler(
            { ...event, cookies, requestContext: { ...event.requestContext, ...(host !== undefined ? { domainName: host } : {}) } },
            lambdaContext as never,
          )) as HttpResult;
          checkHttp('GET', '/health', res);
        },
      ),
      { numRuns: 500 },
    );
  });
});
