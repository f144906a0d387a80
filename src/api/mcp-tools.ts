/**
 * The MCP tools (official TypeScript SDK), the same over stdio (`npm run mcp`) and over HTTP
 * (`/mcp`):
 *   - `search_documents`: the full search, with the input schema and description every other door uses;
 *   - `search` and `fetch`: the two-tool contract ChatGPT connectors and deep research expect: a
 *     query in, documents (id, title, url, best passage) out; a document id in, its whole text out,
 *     each as one text item holding JSON, and the same as structured content.
 * Names take a per-deployment prefix and the descriptions say what the index holds, so a model can
 * tell two deployments apart.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { DocumentResponse, SearchInput, SearchResponse } from './schemas.js';
import { SearchResponseSchema } from './schemas.js';
import { TOOL_DESCRIPTION, TOOL_NAME, ToolInputSchema } from './tool.js';
import { ApiError } from './errors.js';
import { toApiError, type SearchApi } from './search-api.js';
import { withoutServerPaths } from './server-paths.js';
import type { DocumentList } from '../index/document-list.js';

export const SERVER_VERSION = '0.1.0';

/** Runs one search; rejects with a message fit to show the model. */
export type SearchFn = (request: SearchInput) => Promise<SearchResponse>;
/** The whole document, or undefined when there is none with that id. */
export type FetchFn = (id: string) => Promise<DocumentResponse | undefined>;

export const MCP_CONTEXT_CHARS = 12_000;
/** Documents `search` returns: enough for a model to choose from, few enough to read. */
const SEARCH_DOCUMENTS = 8;

export interface McpOptions {
  fetchDocument?: FetchFn;
  /** Prepended to every tool name (e.g. "handbook_"), so two deployments do not collide. */
  toolPrefix?: string;
  /** What the index holds, said in every tool description. */
  about?: string;
  /** Base URL of the deployment: documents without a URL of their own are cited at /documents/{id}. */
  baseUrl?: string;
}

const DocumentResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().optional(),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const asJson = (value: object) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(value) }],
  structuredContent: value as Record<string, unknown>,
});
const failure = (text: string) => ({ isError: true, content: [{ type: 'text' as const, text }] });

/**
 * Why a tool call failed, as the model is told: the API's message for what the API knows (a
 * refused key, an index that is unavailable, without server paths), the error's own otherwise (a
 * remote endpoint's answer, when the tools run over the HTTP client).
 */
function reasonOf(err: unknown): string {
  const known = toApiError(err);
  return known.status === 500 ? withoutServerPaths((err as Error).message) : known.message;
}

/** What the search_documents tool says: the packed, cited passages, or why there are none. */
export function searchDocumentsText(response: SearchResponse): string {
  if (response.results.length) return response.context!;
  return response.no_answer
    ? `${response.no_answer.message} (best passage relevance ${response.no_answer.best_relevance}, below ${response.no_answer.min_relevance}.) Say so rather than guessing.`
    : `No passage matched "${response.query}". Try other words or fewer filters.`;
}

/** How many tool calls' arguments are kept while they wait for their handler (a bound, not a queue). */
const RAW_ARGUMENTS_KEPT = 256;

/**
 * Keeps each tools/call request's arguments as they arrived, before the SDK validates them with
 * zod: zod rebuilds objects by assignment, and a filter field named "__proto__" vanishes from the
 * rebuilt one, so that `{"doc_id": "x", "__proto__": "y"}` searched the document instead of finding
 * nothing as every other door does. The search is given the arguments as sent (the API validates
 * them again, reading the filter's own entries).
 */
function keepRawArguments(server: McpServer): Map<string | number, unknown> {
  const raw = new Map<string | number, unknown>();
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const handle = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const m = message as { method?: string; id?: string | number; params?: { arguments?: unknown } };
      if (m.method === 'tools/call' && m.id !== undefined) {
        if (raw.size >= RAW_ARGUMENTS_KEPT) raw.clear();
        raw.set(m.id, m.params?.arguments);
      }
      handle?.(message, extra);
    };
  };
  return raw;
}

export function createMcpServer(search: SearchFn, options: McpOptions = {}): McpServer {
  const server = new McpServer({ name: 'semantic-search', version: SERVER_VERSION });
  const rawArguments = keepRawArguments(server);
  const name = (tool: string) => `${options.toolPrefix ?? ''}${tool}`;
  const about = options.about ? ` ${options.about}` : '';
  const urlOf = (id: string, own?: string) =>
    own ?? (options.baseUrl ? `${options.baseUrl}/documents/${encodeURIComponent(id)}` : undefined);

  server.registerTool(
    name(TOOL_NAME),
    {
      title: 'Search documents',
      description: `${TOOL_DESCRIPTION}${about}`,
      inputSchema: ToolInputSchema,
      outputSchema: SearchResponseSchema,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, extra) => {
      const sent = rawArguments.get(extra.requestId);
      rawArguments.delete(extra.requestId);
      const filter = sent && typeof sent === 'object' && Object.hasOwn(sent, 'filter') ? (sent as { filter: unknown }).filter : undefined;
      try {
        const response = await search({
          ...args,
          ...(filter !== undefined ? { filter } : {}),
          context: { max_chars: MCP_CONTEXT_CHARS },
        } as SearchInput);
        const text = searchDocumentsText(response);
        return { content: [{ type: 'text' as const, text }], structuredContent: response as unknown as Record<string, unknown> };
      } catch (err) {
        return failure(`Search failed: ${reasonOf(err)}`);
      }
    },
  );

  server.registerTool(
    name('search'),
    {
      title: 'Search',
      description: `Finds the documents that answer a question, best first: each with its id (for fetch), title, URL and the passage that matched.${about}`,
      inputSchema: { query: z.string().min(1).max(1000).describe('the question or keywords, in plain language') },
      outputSchema: { results: z.array(DocumentResultSchema), message: z.string().optional() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ query }) => {
      try {
        const response = await search({ query, top_k: 20 });
        const seen = new Set<string>();
        const results = [];
        for (const r of response.results) {
          if (seen.has(r.doc_id) || results.length === SEARCH_DOCUMENTS) continue;
          seen.add(r.doc_id);
          const url = urlOf(r.doc_id, r.source.url);
          results.push({ id: r.doc_id, title: r.title, ...(url ? { url } : {}), text: r.text, metadata: r.metadata });
        }
        return asJson(results.length ? { results } : { results, message: response.no_answer?.message ?? 'Nothing matched.' });
      } catch (err) {
        return failure(`Search failed: ${reasonOf(err)}`);
      }
    },
  );

  if (options.fetchDocument) {
    const fetchDocument = options.fetchDocument;
    server.registerTool(
      name('fetch'),
      {
        title: 'Fetch a document',
        description: `Returns the whole text of a document found by search, by its id, with its title, URL and metadata.${about}`,
        inputSchema: { id: z.string().min(1).max(1000).describe('a document id from search results') },
        outputSchema: DocumentResultSchema.shape,
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
      async ({ id }) => {
        try {
          const doc = await fetchDocument(id);
          if (!doc) return failure(`No document has the id "${id}": use an id from the search tool's results.`);
          const url = urlOf(doc.id, doc.source.url);
          return asJson({ id: doc.id, title: doc.title, ...(url ? { url } : {}), text: doc.text, metadata: doc.metadata });
        } catch (err) {
          return failure(`Fetch failed: ${reasonOf(err)}`);
        }
      },
    );
  }
  return server;
}

const descriptions = new WeakMap<DocumentList, string>();

/**
 * What an index holds, in one sentence for tool descriptions: its size and a few titles. Worked
 * out once per loaded index: the HTTP door builds its tools for every request.
 */
export function describeIndex(documents: DocumentList): string {
  let text = descriptions.get(documents);
  if (text === undefined) {
    const count = documents.length;
    const titles = new Set<string>();
    for (let i = 0; i < count && titles.size < 3; i++) titles.add(documents.get(i).title);
    const shown = [...titles].map((t) => `"${t.length > 60 ? `${t.slice(0, 57)}...` : t}"`);
    const more = count > shown.length ? ` and ${count - shown.length} more` : '';
    text = `The index holds ${count} document${count === 1 ? '' : 's'}: ${shown.join(', ')}${more}.`;
    descriptions.set(documents, text);
  }
  return text;
}

/** The fetch tool's lookup over the API: a document, or undefined when there is none by that id. */
export function documentOrNothing(api: Pick<SearchApi, 'document'>): FetchFn {
  return (id) =>
    api.document(id).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 'not_found') return undefined;
      throw err;
    });
}
