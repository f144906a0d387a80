/**
 * API keys scoped to collections and routes, through every door: HTTP routes, API Gateway events
 * into the Lambda handler, MCP over HTTP (the SDK's own client) and a direct invoke. A key for
 * one collection never reads another, by search, document, MCP fetch or listing; two keys with
 * the same scope rotate without downtime; an expired key is refused.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { apiGatewayV2Event, lambdaContext, type HttpResult } from '../scripts/lib/lambda-events.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService, type Service } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { createLogger } from '../src/api/logger.js';
import { configFromEnv, refreshingSecret } from '../src/config.js';
import { keyringFromLists, matchKey, parseKeyring } from '../src/api/keys.js';

const TIDES_OLD = 'sk-tides-old-5f3a9c1e7b20d4a8';
const TIDES_NEW = 'sk-tides-new-81c0e6f2a94b37d5';
const NEWS_SEARCH_ONLY = 'sk-news-search-2b7e4d9a1c06f853';
const ADMIN = 'sk-admin-9e1d3c7a5b2f4086';
const EXPIRED = 'sk-expired-4a6c8e0b2d1f3957';

const KEYS = [
  { name: 'tides-2026', key: TIDES_OLD, collections: ['tides'] },
  { name: 'tides-2027', key: TIDES_NEW, collections: ['tides'] },
  { name: 'news-search', key: NEWS_SEARCH_ONLY, collections: ['default'], routes: ['search'] },
  { name: 'ops', key_sha256: createHash('sha256').update(ADMIN).digest('hex'), collections: ['*'] },
  { name: 'old-ops', key: EXPIRED, collections: ['*'], expires_at: '2020-01-01T00:00:00Z' },
];

let service: Service;

beforeAll(async () => {
  const index = (await buildArticleIndex()).out;
  const collections = tempDir('scoped-collections');
  await buildIndex({ corpus: writeTidesCorpus(), out: path.join(collections, 'tides'), embedder: await sharedEmbedder() });
  const embedder = await sharedEmbedder();
  service = createService({
    config: configFromEnv({ INDEX_DIR: index, COLLECTIONS_DIR: collections, API_KEYS: JSON.stringify(KEYS) }),
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
});

// biome-ignore lint/suspicious/noExplicitAny: bodies of several shapes, read by the assertions that follow
type Json = Record<string, any>;

async function get(url: string, key?: string): Promise<{ status: number; body: Json }> {
  const res = await service.app.request(url, key ? { headers: { 'x-api-key': key } } : {});
  return { status: res.status, body: (await res.json()) as Json };
}

describe('keys scoped to collections, over HTTP', () => {
  it('a key for "tides" searches tides (its home when a request names none) and never the default collection', async () => {
    for (const key of [TIDES_OLD, TIDES_NEW]) {
      const home = await get('/search?q=When do spring tides happen?&min_relevance=0', key);
      expect(home.status).toBe(200);
      expect(home.body.collection).toBe('tides');
      expect(home.body.results[0].doc_id).toBe('tides.md');
      const other = await get('/search?q=Taliban&collection=default', key);
      expect(other.status).toBe(403);
      expect(other.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/may not read collection "default"; it may read: tides/),
      });
      const posted = await service.app.request('/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: 'Taliban', collection: 'default' }),
      });
      expect(posted.status).toBe(403);
    }
  });

  it('names it may not read are refused alike, whether they exist or not; no listing of what exists', async () => {
    for (const name of ['default', 'nothing-here', 'constructor', 'hasOwnProperty']) {
      const res = await get(`/search?q=x&collection=${name}`, TIDES_OLD);
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toMatch(/default"?[,;]|serves/);
    }
    // A key that may read everything learns which exist.
    expect((await get('/search?q=x&collection=constructor', ADMIN)).status).toBe(404);
  });

  it('documents: only from the collections the key lists', async () => {
    expect((await get('/documents/article.txt?collection=default', TIDES_OLD)).status).toBe(403);
    // Its home is tides, where there is no article.txt.
    expect((await get('/documents/article.txt', TIDES_OLD)).status).toBe(404);
    const tides = await get('/documents/tides.md', TIDES_NEW);
    expect(tides.status).toBe(200);
    expect(tides.body.collection).toBe('tides');
    expect((await get('/documents/article.txt', ADMIN)).status).toBe(200);
  });

  it('/collections and /health name only what the key may read; without a key /health says only whether all is well', async () => {
    const names = async (key: string) => ((await get('/collections', key)).body.collections as { name: string }[]).map((c) => c.name);
    expect(await names(TIDES_OLD)).toEqual(['tides']);
    expect(await names(NEWS_SEARCH_ONLY)).toEqual(['default']);
    expect((await names(ADMIN)).sort()).toEqual(['default', 'tides']);
    expect(Object.keys((await get('/health', TIDES_OLD)).body.collections)).toEqual(['tides']);
    expect(Object.keys((await get('/health', ADMIN)).body.collections).sort()).toEqual(['default', 'tides']);
    const open = await get('/health');
    expect(open).toMatchObject({ status: 200, body: { status: 'ok', collections: {} } });
    expect(JSON.stringify(open.body)).not.toMatch(/tides|article/);
  });

  it('a key limited to some routes is refused the others with 403', async () => {
    expect((await get('/search?q=Taliban', NEWS_SEARCH_ONLY)).status).toBe(200);
    const documents = await get('/documents/article.txt', NEWS_SEARCH_ONLY);
    expect(documents.status).toBe(403);
    expect(documents.body.error.message).toMatch(/"news-search" may not use documents; it may use: search/);
    const mcp = await service.app.request('/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': NEWS_SEARCH_ONLY },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(403);
  });

  it('no key, an unknown key and an expired one are 401s; a key given by its SHA-256 works', async () => {
    expect((await get('/search?q=tides')).status).toBe(401);
    expect((await get('/search?q=tides', 'sk-not-a-key-at-all-0000')).status).toBe(401);
    const expired = await get('/search?q=tides', EXPIRED);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired at 2020-01-01/);
    expect((await get('/search?q=tides&collection=tides', ADMIN)).status).toBe(200);
  });
});

describe('keys scoped to collections, through the other doors', () => {
  it('API Gateway events into the Lambda handler', async () => {
    const handler = createLambdaHandler(service);
    const call = async (path: string, query: Record<string, string>, key: string) =>
      (await handler(
        apiGatewayV2Event({ method: 'GET', path, query, headers: { 'x-api-key': key } }),
        lambdaContext as never,
      )) as HttpResult;
    expect((await call('/search', { q: 'Taliban', collection: 'default' }, TIDES_OLD)).statusCode).toBe(403);
    const home = await call('/search', { q: 'spring tides' }, TIDES_OLD);
    expect(JSON.parse(home.body).collection).toBe('tides');
    const listed = JSON.parse((await call('/collections', {}, TIDES_NEW)).body) as { collections: { name: string }[] };
    expect(listed.collections.map((c) => c.name)).toEqual(['tides']);
  });

  it("MCP over HTTP: the tools search the key's collection, describe it, and fetch nothing from another", async () => {
    const client = new Client({ name: 'tenant-connector', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: async (input, init) => service.app.request(new Request(input, init)),
        requestInit: { headers: { 'x-api-key': TIDES_NEW } },
      }),
    );
    const described = (await client.listTools()).tools.find((t) => t.name === 'search')!;
    expect(described.description).toMatch(/"Tides"/);
    expect(described.description).not.toMatch(/Russia/);
    const found = (await client.callTool({ name: 'search', arguments: { query: 'When do spring tides happen?' } })) as Json;
    expect(found.structuredContent.results.map((r: { id: string }) => r.id)).toEqual(['tides.md']);
    // A document without a URL of its own is cited at this deployment's /documents/{id}.
    expect(found.structuredContent.results[0].url).toBe('http://localhost/documents/tides.md');
    const other = (await client.callTool({
      name: 'search_documents',
      arguments: { query: 'Taliban', collection: 'default' },
    })) as Json;
    expect(other.isError).toBe(true);
    expect(other.content[0].text).toMatch(/may not read collection "default"/);
    const fetched = (await client.callTool({ name: 'fetch', arguments: { id: 'article.txt' } })) as Json;
    expect(fetched.isError).toBe(true);
    expect(JSON.stringify(fetched)).not.toMatch(/Taliban/);
    expect(((await client.callTool({ name: 'fetch', arguments: { id: 'tides.md' } })) as Json).isError).toBeFalsy();
    await client.close();
  });

  it("a direct invoke that presents a key is held to it; one without is IAM's, as before", async () => {
    const handler = createLambdaHandler(service);
    const invoke = async (payload: object) => (await handler(payload, lambdaContext as never)) as Json;
    expect(await invoke({ query: 'Taliban', collection: 'default', api_key: TIDES_OLD })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await invoke({ query: 'spring tides', api_key: TIDES_OLD })).toMatchObject({ collection: 'tides' });
    expect(await invoke({ query: 'Taliban', api_key: 'sk-not-a-key-at-all-0000' })).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await invoke({ query: 'Taliban', api_key: 42 })).toMatchObject({ error: { code: 'invalid_request' } });
    expect(await invoke({ query: 'Taliban', api_key: NEWS_SEARCH_ONLY })).toMatchObject({ collection: 'default' });
    expect(await invoke({ query: 'Taliban', collection: 'default' })).toMatchObject({ collection: 'default' });
  });
});

describe('the key list', () => {
  it('is refused at start when malformed, and no message shows a key', () => {
    const secret = 'sk-very-secret-value-123456';
    for (const list of [
      `[{"name": "a", "key": "${secret}"`,
      [{ name: 'a', key: secret }],
      [{ name: 'a', key: secret, collections: ['my docs'] }],
      [{ name: 'a', key: secret, key_sha256: 'ab'.repeat(32), collections: ['x'] }],
      [{ name: 'a', key: 'short', collections: ['x'] }],
      [
        { name: 'a', key: secret, collections: ['x'] },
        { name: 'a', key: `${secret}2`, collections: ['y'] },
      ],
      [{ name: 'a', key: secret, collections: ['x'], routes: ['admin'] }],
      [{ name: 'a', key: secret, collections: ['x'], extra: secret }],
    ]) {
      const text = typeof list === 'string' ? list : JSON.stringify(list);
      let message = '';
      try {
        keyringFromLists(configFromEnv({ API_KEYS: text }).apiKeys!);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^API_KEYS/);
      expect(message).not.toContain(secret);
    }
  });

  it('matches any key to its own entry only, whatever the text', () => {
    const keys = parseKeyring(JSON.stringify(KEYS), 'test');
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (text) => {
        const known = [TIDES_OLD, TIDES_NEW, NEWS_SEARCH_ONLY, ADMIN, EXPIRED].indexOf(text);
        const match = matchKey(keys, text);
        return known === -1 ? match === undefined : match?.name === KEYS[known]!.name;
      }),
    );
    for (const [key, name] of [
      [TIDES_OLD, 'tides-2026'],
      [ADMIN, 'ops'],
      ['__proto__', undefined],
      ['constructor', undefined],
    ] as const)
      expect(matchKey(keys, key)?.name).toBe(name);
  });

  it('kept in a secret store, is read again after its refresh period: a new key works without a restart, and a failed read keeps the last', async () => {
    let now = 0;
    let stored = 'v1';
    let failing = false;
    const read = refreshingSecret(
      async () => (failing ? Promise.reject(new Error('SSM down')) : stored),
      60_000,
      () => now,
    );
    expect(await read()).toBe('v1');
    stored = 'v2';
    now = 59_000;
    expect(await read()).toBe('v1'); // not yet due
    now = 60_000;
    await read(); // starts the refresh; this request still has the value it had
    await new Promise((r) => setImmediate(r));
    expect(await read()).toBe('v2');
    failing = true;
    now = 200_000;
    await read();
    await new Promise((r) => setImmediate(r));
    expect(await read()).toBe('v2');
    const never = refreshingSecret(() => Promise.reject(new Error('SSM down')), 60_000);
    await expect(never()).rejects.toThrow(/SSM down/);
  });
});
