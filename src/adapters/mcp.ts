/**
 * The MCP door (official TypeScript SDK): one tool, `search_documents`, whose input schema and
 * description are the ones every other door uses. A call goes through the same transport-neutral
 * handler as HTTP (or to a deployed endpoint), and answers with the passages packed as cited text
 * for the model plus the full response as structured content.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { SearchResponse } from '../api/schemas.js';
import { SearchResponseSchema } from '../api/schemas.js';
import { TOOL_DESCRIPTION, TOOL_NAME, ToolInputSchema } from '../api/tool.js';
import type { SearchInput } from '../client/http-client.js';

/** Runs one search; rejects with a message fit to show the model. */
export type SearchFn = (request: SearchInput) => Promise<SearchResponse>;

export const MCP_CONTEXT_CHARS = 12_000;

export function createMcpServer(search: SearchFn, version: string): McpServer {
  const server = new McpServer({ name: 'semantic-search', version });
  server.registerTool(
    TOOL_NAME,
    {
      title: 'Search documents',
      description: TOOL_DESCRIPTION,
      inputSchema: ToolInputSchema,
      outputSchema: SearchResponseSchema,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        const response = await search({ ...args, context: { max_chars: MCP_CONTEXT_CHARS } });
        const text = response.results.length
          ? response.context!
          : response.no_answer
            ? `${response.no_answer.message} (best passage relevance ${response.no_answer.best_relevance}, below ${response.no_answer.min_relevance}.) Say so rather than guessing.`
            : `No passage matched "${response.query}". Try other words or fewer filters.`;
        return { content: [{ type: 'text' as const, text }], structuredContent: response as unknown as Record<string, unknown> };
      } catch (err) {
        return { isError: true, content: [{ type: 'text' as const, text: `Search failed: ${(err as Error).message}` }] };
      }
    },
  );
  return server;
}

/** A SearchFn over the app itself: the same validation, routing and engine as HTTP requests. */
export function searchThroughApp(fetchApp: (request: Request) => Response | Promise<Response>): SearchFn {
  return async (request) => {
    const res = await fetchApp(new Request('http://mcp.local/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }));
    const body = (await res.json()) as SearchResponse & { error?: { message: string } };
    if (!res.ok || body.error) throw new Error(body.error?.message ?? `status ${res.status}`);
    return body;
  };
}
