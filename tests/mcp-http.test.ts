/**
 * Remote MCP (Streamable HTTP, stateless) at /mcp, driven by the SDK's own client: against the
 * local server and through the Lambda handler with API Gateway v2 events. The `search` and `fetch`
 * tools answer in the shape ChatGPT connectors expect; the API key guards /mcp as it does /search.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { buildIndex } from '../src/build/build-index.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { apiGatewayV2Event, lambdaContext, type HttpResult } from '../scripts/lib/lambda-events.js';
import { createService, type Service } from '../src/service.js';
import { createLambdaHandler } from '../src/adapters/lambda.js';
import { startServer, type RunningServer } from '../src/adapters/node-server.js';
import { createLogger } from '../src/api/logger.js';

const KEY = 'sk-mcp-test-key';
const ARTICLE_URL = 'https://www.toutiao.com/article/1836679694035980/';
let service: Service;
let server: RunningServer;

beforeAll(async () => {
  const index = (await buildArticleIndex()).out;
  const embedder = await sharedEmbedder();
  service = createService({
    config: { indexDir: index, corsOrigins: ['*'], apiKey: async () => KEY, mcp: { toolPrefix: 'news_' } },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
  });
  await service.ready;
  server = await startServer(service, 0);
});

afterAll(async () => {
  await server?.close(1000);
});

type Json = Record<string, unknown>;
const textOf = (result: Json) => (result.content as { type: string; text: string }[])[0]!.text;

/** The checks a connector's first minutes would make, with any transport. */
async function exercise(client: Client) {
  const tools = (await client.listTools()).tools.map((t) => t.name).sort();
  expect(tools).toEqual(['news_fetch', 'news_search', 'news_search_documents']);
  const described = (await client.listTools()).tools.find((t) => t.name === 'news_search')!;
  expect(described.description).toMatch(/The index holds 1 document: "Russia becomes the first country/);

  const search = (await client.callTool({
    name: 'news_search',
    arguments: { query: 'What did the Russian Supreme Court do in April?' },
  })) as Json;
  expect(search.isError).toBeFalsy();
  const found = JSON.parse(textOf(search)) as { results: { id: string; title: string; url: string; text: string }[] };
  expect(found).toEqual(search.structuredContent);
  expect(found.results[0]).toMatchObject({ id: 'article.txt', url: ARTICLE_URL });
  expect(found.results[0]!.text).toContain('Supreme Court removed');

  const fetched = (await client.callTool({ name: 'news_fetch', arguments: { id: 'article.txt' } })) as Json;
  const doc = JSON.parse(textOf(fetched)) as { id: string; title: string; text: string; url: string; metadata: Json };
  expect(doc).toMatchObject({ id: 'article.txt', url: ARTICLE_URL, metadata: { source: 'rfi' } });
  expect(doc.text).toContain('Supreme Court removed');
  expect(doc.text).toContain('Moscow received the credentials');
  expect(doc.text.length).toBeGreaterThan(2000); // the whole article, not one passage

  const unknown = (await client.callTool({ name: 'news_fetch', arguments: { id: 'nope.txt' } })) as Json;
  expect(unknown.isError).toBe(true);
  expect(textOf(unknown)).toMatch(/No document has the id "nope.txt"/);

  const bad = (await client
    .callTool({ name: 'news_search', arguments: { query: '' } })
    .catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }))) as Json;
  expect(bad.isError).toBe(true);

  const offTopic = (await client.callTool({ name: 'news_search', arguments: { query: 'How do I bake sourdough bread?' } })) as Json;
  expect(JSON.parse(textOf(offTopic))).toMatchObject({ results: [], message: expect.stringMatching(/Nothing in these documents answers/) });
}

describe('remote MCP at /mcp', () => {
  it('against the local server: initialize, list, search, fetch, a bad argument, an unknown id', async () => {
    const client = new Client({ name: 'test-connector', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }),
    );
    await exercise(client);
    await client.close();
  });

  it('a filter field named __proto__ is a field like any other: MCP answers as POST /search does', async () => {
    // Parsed from JSON, as a client's request is: "__proto__" is then an own key, not the prototype.
    const filter = JSON.parse('{"doc_id": "article.txt", "__proto__": "zzz"}') as Record<string, unknown>;
    const query = 'Which country first recognized the Taliban?';
    const post = await fetch(`${server.url}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query, filter, min_relevance: 0 }),
    });
    const viaPost = (await post.json()) as { results: unknown[]; warnings?: string[] };
    expect(viaPost.results).toEqual([]);
    const client = new Client({ name: 'test-connector', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }),
    );
    const viaMcp = (await client.callTool({ name: 'news_search_documents', arguments: { query, filter, min_relevance: 0 } })) as Json;
    expect((viaMcp.structuredContent as { results: unknown[] }).results).toEqual([]);
    expect((viaMcp.structuredContent as { warnings?: string[] }).warnings).toEqual(viaPost.warnings);
    // Without the odd field, the same search finds the passage through both doors.
    const plain = (await client.callTool({
      name: 'news_search_documents',
      arguments: { query, filter: { doc_id: 'article.txt' }, min_relevance: 0 },
    })) as Json;
    expect((plain.structuredContent as { results: unknown[] }).results.length).toBeGreaterThan(0);
    await client.close();
  });

  it('refuses an initialize without the key: 401 with WWW-Authenticate', async () => {
    const res = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = new Client({ name: 'test-connector', version: '1.0.0' });
    await expect(
      wrong.connect(
        new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { 'x-api-key': 'wrong' } } }),
      ),
    ).rejects.toThrow();
  });

  it('through the Lambda handler, with API Gateway HTTP API events', async () => {
    const handler = createLambdaHandler(service);
    // The client's HTTP requests become the events API Gateway would send, and back.
    const viaLambda: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const event = apiGatewayV2Event({
        method: request.method,
        path: url.pathname,
        headers,
        ...(request.method === 'POST' ? { body: await request.text() } : {}),
      });
      const res = (await handler(event, lambdaContext as never)) as HttpResult;
      return new Response(res.statusCode === 202 || res.statusCode === 204 ? null : res.body, {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      });
    };
    const client = new Client({ name: 'test-connector', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/mcp'), {
        fetch: viaLambda,
        requestInit: { headers: { 'x-api-key': KEY } },
      }),
    );
    await exercise(client);
    await client.close();
  });
});

describe('/mcp within the limits of /search', () => {
  const post = (body: string) =>
    fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${KEY}` },
      body,
    });
  const call = (id: number, query: string) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'news_search', arguments: { query } },
  });

  it('one message is answered; a body over 16 KiB is a 413, and a batch (of two, with a repeated id, or empty) a 400, each a JSON-RPC error', async () => {
    const one = await post(JSON.stringify(call(1, 'Taliban')));
    expect(one.status).toBe(200);
    expect(((await one.json()) as { result: { structuredContent: { results: unknown[] } } }).result.structuredContent.results.length).toBe(
      1,
    );

    const big = await post(JSON.stringify(call(2, 'Taliban '.repeat(2100))));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: expect.stringMatching(/larger than 16384 bytes/) },
    });

    for (const batch of [[call(3, 'Taliban'), call(4, 'Moscow')], [call(5, 'Taliban'), call(5, 'Moscow')], []]) {
      const res = await post(JSON.stringify(batch));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: expect.stringMatching(/one JSON-RPC message per request/) },
      });
    }
    const broken = await post('{"jsonrpc": "2.0", ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: -32700 } });
  });
});

describe('/mcp when the default index is broken', () => {
  it('initialize and the other collections still work; no body names a server path', async () => {
    const broken = tempDir('broken-default');
    fs.writeFileSync(path.join(broken, 'manifest.json'), '{"format": ');
    const collections = tempDir('mcp-collections');
    await buildIndex({ corpus: writeTidesCorpus(), out: path.join(collections, 'tides'), embedder: await sharedEmbedder() });
    const embedder = await sharedEmbedder();
    const limping = createService({
      config: { indexDir: broken, collectionsDir: collections, corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await limping.ready;
    const bodies: string[] = [];
    const client = new Client({ name: 'test-connector', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
        fetch: async (input, init) => {
          const res = await limping.app.request(new Request(input, init));
          bodies.push(await res.clone().text());
          return res;
        },
      }),
    );
    expect((await client.listTools()).tools.length).toBe(3);
    const tides = (await client.callTool({ name: 'search_documents', arguments: { query: 'spring tides', collection: 'tides' } })) as Json;
    expect(tides.isError).toBeFalsy();
    expect((tides.structuredContent as { results: { doc_id: string }[] }).results[0]!.doc_id).toBe('tides.md');
    const fallen = (await client.callTool({ name: 'search', arguments: { query: 'Taliban' } })) as Json;
    expect(fallen.isError).toBe(true);
    expect(textOf(fallen)).toMatch(/damaged/);
    await client.close();

    for (const path of ['/search?q=Taliban', '/health']) {
      const res = await limping.app.request(path);
      expect(res.status).toBe(503);
      bodies.push(await res.text());
    }
    expect(bodies.join('\n')).toMatch(/manifest\.json is not valid JSON/);
    for (const body of bodies) {
      expect(body).not.toContain(broken);
      expect(body).not.toContain(os.tmpdir());
      expect(body).not.toContain(PROJECT_ROOT);
    }
  });
});

describe('GET /documents/{id}', () => {
  it('returns the whole document with its source, metadata and passages; 404 in the JSON error shape for an unknown id', async () => {
    const res = await fetch(`${server.url}/documents/article.txt`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      id: string;
      text: string;
      source: { url: string };
      passages: { id: string; start: number; end: number }[];
    };
    expect(doc.id).toBe('article.txt');
    expect(doc.source.url).toBe(ARTICLE_URL);
    expect(doc.passages.length).toBeGreaterThan(10);
    expect(doc.passages[0]!.id).toBe('article.txt#p0');
    const missing = await fetch(`${server.url}/documents/${encodeURIComponent('no/such doc.md')}`, { headers: { 'x-api-key': KEY } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/no document "no\/such doc.md"/),
    });
    expect((await fetch(`${server.url}/documents/article.txt`)).status).toBe(401);
  });
});
