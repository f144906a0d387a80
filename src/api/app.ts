/**
 * The transport-neutral front door: a Hono app speaking web-standard Request/Response. The
 * Lambda handler, the local server and tests all call `app.fetch(request)`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Context } from 'hono';
import { ApiError } from './errors.js';
import { LIMITS } from './limits.js';
import { logRequest, type Logger } from './logger.js';
import { functionToolDefinition } from './tool.js';
import { PAGE_CSP, SEARCH_PAGE } from './page.js';
import { bodyOnGetMessage, hasBody, lambdaBody, readJsonBody } from './read-body.js';
import { GUARDED, methodsFor, middlewarePath, routeList } from './routes.js';
import { answerError, corsPolicy, requestIdOf } from './http-policy.js';
import { parseCollectionParam, parseSearchBody, parseSearchParams, type ParsedSearch } from './validate.js';
import { createSearchApi, type SearchApi } from './search-api.js';
import { registerOpenApi } from './openapi.js';
import type { Collections } from '../search/collections.js';
import { DEFAULT_COLLECTION_NAME } from '../index/names.js';
import { positions } from '../index/backend.js';
import type { Searcher } from '../search/searcher.js';
import { type Auth, presentedKey } from './auth.js';
import { Access, scopedApi } from './access.js';
import type { KeyRoute } from './keys.js';
import { jsonRpcError, readMcpMessage } from './mcp-message.js';
import { withoutServerPaths } from './server-paths.js';

export interface AppOptions {
  collections: Collections;
  /** The operations the routes call (default: over `collections`); the other doors call the same. */
  api?: SearchApi;
  logger: Logger;
  /** When set, what reads the documents needs a listed key in `x-api-key` or `Authorization: Bearer`, and reads only what it may. */
  auth?: Auth;
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
  key?: string;
}

/** What the runtime adapter passes along with each request (Hono's aws-lambda adapter: the Lambda context and the event). */
type Bindings = { lambdaContext?: { awsRequestId?: string }; event?: { body?: unknown; isBase64Encoded?: unknown } };

type Env = { Bindings: Bindings; Variables: { info: RequestInfo; access: Access } };

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
    const info: RequestInfo = { id: requestIdOf(c.env?.lambdaContext?.awsRequestId, c.req.header('x-request-id')) };
    c.set('info', info);
    c.set('access', Access.ALL);
    await next();
    c.header('x-request-id', info.id);
    logRequest(logger, {
      id: info.id,
      door: 'http',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      startedAt: started,
      results: info.results,
      collection: info.collection,
      mode: info.mode,
      key: info.key,
    });
  });

  app.use('*', cors(corsPolicy(options.corsOrigins ?? ['*']).options));

  const auth = options.auth;
  if (auth) {
    // Everything that reads the documents (GUARDED in routes.ts); the rest stays public.
    const guard = (route: KeyRoute | null) => async (c: Context<Env>, next: () => Promise<void>) => {
      const access = await auth.access(presentedKey(c.req.raw.headers));
      if (access.keyName) c.get('info').key = access.keyName;
      if (route) access.checkRoute(route);
      c.set('access', access);
      await next();
    };
    for (const [template, scope] of Object.entries(GUARDED)) app.use(middlewarePath(template), guard(scope));
  }

  /** The operations as this request's key may use them. */
  const scoped = (c: Context<Env>) => scopedApi(api, c.get('access'), () => collections.names());

  const search = async (c: Context<Env>, request: ParsedSearch) => {
    const info = c.get('info');
    info.mode = request.mode;
    const response = await scoped(c).searchParsed(request);
    info.collection = response.collection;
    info.results = response.results.length;
    return c.json(response);
  };

  app.post('/search', async (c) =>
    search(c, parseSearchBody(await readJsonBody(c.req.raw, LIMITS.maxBodyBytes, lambdaBody(c.env?.event)))),
  );
  app.get('/search', async (c) => {
    if (hasBody(c.req.raw)) throw new ApiError(400, 'invalid_request', bodyOnGetMessage(c.req.method));
    return search(c, parseSearchParams(new URL(c.req.url).searchParams));
  });

  // What each collection holds, for the search page's first screen (behind the key: titles are content).
  app.get('/collections', async (c) => {
    const loaded = await collections.warm();
    const names = collections.names();
    const access = c.get('access');
    const list = [];
    for (const [i, r] of loaded.entries()) {
      const name = names[i]!;
      if (r.status !== 'fulfilled' || !access.mayRead(name)) continue;
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
    return c.json(await scoped(c).document(c.req.param('id'), name));
  });

  // MCP over Streamable HTTP, stateless: a server and a transport per request, JSON answers, so
  // any Lambda instance can answer any request. Tools call the same operations as the routes, as
  // the request's key may; the request is held to the same limits as /search, one message each.
  app.post('/mcp', async (c) => {
    let message: unknown;
    try {
      message = await readMcpMessage(c.req.raw, lambdaBody(c.env?.event));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return c.json(jsonRpcError(err), err.status);
    }
    // The MCP SDK (and the JSON Schema validator it brings) is loaded at the first MCP request:
    // evaluating it at start would lengthen every cold start for a route most never call.
    const [{ createMcpServer, describeIndex, documentOrNothing }, { WebStandardStreamableHTTPServerTransport }] = await Promise.all([
      import('./mcp-tools.js'),
      import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
    ]);
    const access = c.get('access');
    const home = access.home(collections.names());
    const api = scoped(c);
    // What the tools say the index holds; a broken or unreadable index leaves them saying less,
    // and initialize and the other collections still work.
    const about =
      options.mcp?.description ??
      (access.mayRead(home)
        ? await collections.get(home).then(
            (s) => describeIndex(s.index.documents),
            () => undefined,
          )
        : undefined);
    const server = createMcpServer(api.search, {
      fetchDocument: documentOrNothing(api),
      ...(options.mcp?.toolPrefix ? { toolPrefix: options.mcp.toolPrefix } : {}),
      ...(about ? { about } : {}),
      baseUrl: new URL(c.req.url).origin,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true }); // no session id generator: stateless
    await server.connect(transport);
    return transport.handleRequest(c.req.raw, { parsedBody: message });
  });

  // Public, for load balancers: whether every index is served. With keys, it names only the
  // collections (and their failures) that the presented key may read.
  app.get('/health', async (c) => {
    const viewer = auth ? await auth.access(presentedKey(c.req.raw.headers)).catch(() => undefined) : Access.ALL;
    const loaded = await collections.warm();
    type Entry = { documents: number; chunks: number; built_at: string; model: string; storage?: Record<string, string | number> };
    const summary = new Map<string, Entry>();
    const failures: string[] = [];
    let unseen = 0;
    const fail = (name: string, err: Error) =>
      viewer?.mayRead(name) ? failures.push(`${name}: ${withoutServerPaths(err.message)}`) : unseen++;
    const names = collections.names();
    for (const [i, r] of loaded.entries()) {
      const name = names[i]!;
      if (r.status === 'rejected') {
        fail(name, r.reason as Error);
        continue;
      }
      const m = r.value.manifest;
      const entry: Entry = { documents: m.counts.documents, chunks: m.counts.chunks, built_at: m.built_at, model: m.embedder.id };
      // A database index is only healthy if the database answers now.
      const storage = await r.value.index.describe?.().catch((err: Error) => void fail(name, err));
      if (storage) entry.storage = storage;
      if (viewer?.mayRead(name)) summary.set(name, entry);
    }
    if (auth) await auth.keys().catch((err: Error) => failures.push(`api keys: ${err.message}`));
    if (unseen > 0)
      failures.push(
        `${unseen} collection${unseen === 1 ? '' : 's'} ${viewer ? 'this key may not read' : 'not named without a key'} unavailable`,
      );
    const ok = failures.length === 0;
    return c.json(
      {
        status: ok ? 'ok' : 'unavailable',
        model: summary.get(DEFAULT_COLLECTION_NAME)?.model,
        collections: Object.fromEntries(summary),
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
    const { error, headers } = answerError(err, logger, c.get('info')?.id);
    for (const [name, value] of headers) c.header(name, value);
    return c.json(error.toJSON(), error.status);
  });

  return app;
}
