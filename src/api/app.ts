/**
 * The transport-neutral front door: a Hono app speaking web-standard Request/Response. The
 * Lambda handler, the local server and tests all call `app.fetch(request)`.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Context } from 'hono';
import { ApiError } from './errors.js';
import { LIMITS } from './limits.js';
import type { Logger } from './logger.js';
import { functionToolDefinition } from './tool.js';
import { PAGE_CSP, SEARCH_PAGE } from './page.js';
import { bodyOnGetMessage, hasBody, readJsonBody } from './read-body.js';
import { CORS, methodsFor, routeList } from './routes.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createMcpServer, describeIndex, documentOrNothing } from './mcp-tools.js';
import { parseCollectionParam, parseSearchBody, parseSearchParams, type ParsedSearch } from './validate.js';
import { createSearchApi, toApiError, type SearchApi } from './search-api.js';
import { registerOpenApi } from './openapi.js';
import { type Collections, DEFAULT_COLLECTION } from '../search/collections.js';
import { positions } from '../index/backend.js';
import type { Searcher } from '../search/searcher.js';
import { checkApiKey, expectedKey, type ApiKeySource } from './auth.js';

export interface AppOptions {
  collections: Collections;
  /** The operations the routes call (default: over `collections`); the other doors call the same. */
  api?: SearchApi;
  logger: Logger;
  /** When set, /search needs this key in `x-api-key` or `Authorization: Bearer`. */
  apiKey?: ApiKeySource;
  /** Allowed CORS origins; ["*"] allows any. */
  corsOrigins?: string[];
  /** MCP tool names' prefix and the description of what the index holds (default: from the index). */
  mcp?: { toolPrefix?: string; description?: string };
}

interface RequestInfo {
  id: string;
  results?: number;
  collection?: string;
  mode?: string;
}

/** What the runtime adapter passes along with each request (Hono's aws-lambda adapter: the Lambda context). */
type Bindings = { lambdaContext?: { awsRequestId?: string } };

type Env = { Bindings: Bindings; Variables: { info: RequestInfo } };

/** How many leading passages are looked through for headings to suggest. */
const EXAMPLE_PASSAGES = 64;

/**
 * Topics to try, from the index itself: headings that are questions (an FAQ's), then other
 * headings, then document titles; at most `n`. They are offered as what they are, topics, not as
 * questions a person would ask.
 */
async function indexExamples(searcher: Searcher, n: number): Promise<string[]> {
  const { documents } = searcher.index;
  const chunks = await searcher.index.chunks(positions(0, Math.min(EXAMPLE_PASSAGES, searcher.manifest.counts.chunks)));
  const headings = [...new Set(chunks.flatMap((c) => (c.section.length ? [c.section.at(-1)!] : [])))];
  const titles = Array.from({ length: Math.min(documents.length, n) }, (_, i) => documents.get(i).title);
  const ordered = [...headings.filter((h) => h.endsWith('?')), ...headings.filter((h) => !h.endsWith('?')), ...titles];
  return [...new Set(ordered.map((t) => t.replace(/^\s*[\d.]+\s+/, '').trim()).filter((t) => t.length > 0))].slice(0, n);
}

export function createApp(options: AppOptions): OpenAPIHono<Env> {
  const { collections, logger } = options;
  const api = options.api ?? createSearchApi(collections);
  const app = new OpenAPIHono<Env>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const lambdaId = c.env?.lambdaContext?.awsRequestId;
    const headerId = c.req.header('x-request-id');
    const info: RequestInfo = { id: lambdaId ?? (headerId && /^[\w-]{1,64}$/.test(headerId) ? headerId : randomUUID()) };
    c.set('info', info);
    await next();
    c.header('x-request-id', info.id);
    logger.info({
      msg: 'request',
      id: info.id,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      ...(info.results !== undefined ? { results: info.results } : {}),
      ...(info.collection ? { collection: info.collection } : {}),
      ...(info.mode ? { mode: info.mode } : {}),
    });
  });

  const origins = options.corsOrigins ?? ['*'];
  app.use(
    '*',
    cors({
      origin: origins.includes('*') ? '*' : origins,
      allowMethods: [...CORS.methods],
      allowHeaders: [...CORS.headers],
      exposeHeaders: [...CORS.exposed],
      maxAge: CORS.maxAge,
    }),
  );

  if (options.apiKey) {
    const source = options.apiKey;
    const guard = async (c: Context<Env>, next: () => Promise<void>) => {
      await checkApiKey(c.req.raw.headers, source);
      await next();
    };
    // Everything that reads the documents; the page, health and the API description stay public.
    for (const path of ['/search', '/documents/*', '/mcp', '/collections']) app.use(path, guard);
  }

  const search = async (c: Context<Env>, request: ParsedSearch) => {
    const info = c.get('info');
    info.collection = request.collection ?? DEFAULT_COLLECTION;
    info.mode = request.mode;
    const response = await api.searchParsed(request);
    info.results = response.results.length;
    return c.json(response);
  };

  app.post('/search', async (c) => search(c, parseSearchBody(await readJsonBody(c.req.raw, LIMITS.maxBodyBytes))));
  app.get('/search', async (c) => {
    if (hasBody(c.req.raw)) throw new ApiError(400, 'invalid_request', bodyOnGetMessage(c.req.method));
    return search(c, parseSearchParams(new URL(c.req.url).searchParams));
  });

  // What each collection holds, for the search page's first screen (behind the key: titles are content).
  app.get('/collections', async (c) => {
    const loaded = await collections.warm();
    const names = collections.names();
    const list = [];
    for (const [i, r] of loaded.entries()) {
      if (r.status !== 'fulfilled') continue;
      const name = names[i]!;
      const { manifest, index } = r.value;
      list.push({
        name,
        documents: manifest.counts.documents,
        passages: manifest.counts.chunks,
        title: index.documents.length > 0 ? index.documents.get(0).title : name,
        examples: await indexExamples(r.value, 3),
      });
    }
    return c.json({ collections: list });
  });

  app.get('/documents/:id{.+}', async (c) => {
    const name = parseCollectionParam(new URL(c.req.url).searchParams);
    return c.json(await api.document(c.req.param('id'), name));
  });

  // MCP over Streamable HTTP, stateless: a server and a transport per request, JSON answers, so
  // any Lambda instance can answer any request. Tools call the same operations as the routes.
  app.post('/mcp', async (c) => {
    const searcher = await collections.get(DEFAULT_COLLECTION);
    const server = createMcpServer(api.search, {
      fetchDocument: documentOrNothing(api),
      ...(options.mcp?.toolPrefix ? { toolPrefix: options.mcp.toolPrefix } : {}),
      about: options.mcp?.description ?? describeIndex(searcher.index.documents),
      baseUrl: new URL(c.req.url).origin,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(c.req.raw);
  });

  app.get('/health', async (c) => {
    const loaded = await collections.warm();
    type Entry = { documents: number; chunks: number; built_at: string; model: string; storage?: Record<string, string | number> };
    const summary: Record<string, Entry> = {};
    const failures: string[] = [];
    const names = collections.names();
    for (const [i, r] of loaded.entries()) {
      const name = names[i]!;
      if (r.status === 'rejected') {
        failures.push(`${name}: ${(r.reason as Error).message}`);
        continue;
      }
      const m = r.value.manifest;
      const entry: Entry = { documents: m.counts.documents, chunks: m.counts.chunks, built_at: m.built_at, model: m.embedder.id };
      // A database index is only healthy if the database answers now.
      const storage = await r.value.index.describe?.().catch((err: Error) => void failures.push(`${name}: ${err.message}`));
      if (storage) entry.storage = storage;
      summary[name] = entry;
    }
    if (options.apiKey) await expectedKey(options.apiKey).catch((err: Error) => failures.push(`api key: ${err.message}`));
    const ok = failures.length === 0;
    return c.json(
      {
        status: ok ? 'ok' : 'unavailable',
        model: summary[DEFAULT_COLLECTION]?.model,
        collections: summary,
        ...(ok ? {} : { message: failures.join('; ') }),
      },
      ok ? 200 : 503,
    );
  });

  registerOpenApi(app);

  app.get('/tool.json', (c) => c.json(functionToolDefinition()));

  app.get('/', (c) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(SEARCH_PAGE);
  });

  app.notFound((c) => {
    const allowed = methodsFor(c.req.path);
    if (allowed) {
      c.header('Allow', allowed.join(', '));
      return c.json(
        new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`).toJSON(),
        405,
      );
    }
    return c.json(new ApiError(404, 'not_found', `no route ${c.req.path}; try ${routeList()}`).toJSON(), 404);
  });

  app.onError((err, c) => {
    const info = c.get('info');
    const error = toApiError(err);
    if (error.status >= 500) {
      const cause = err.cause instanceof Error ? { cause: err.cause.message } : {};
      logger.error({ msg: 'request failed', id: info?.id, err: { name: err.name, message: err.message, stack: err.stack, ...cause } });
    }
    if (error.status === 401) c.header('WWW-Authenticate', 'Bearer');
    return c.json(error.toJSON(), error.status);
  });

  return app;
}
