/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { z } from '@hono/zod-openapi';
import {
  DocumentSchema,
  ErrorSchema,
  HealthSchema,
  SearchQueryParamsSchema,
  SearchRequestSchema,
  SearchResponseSchema,
} from './schemas.js';
import { LIMITS } from './limits.js';
import { securityOf } from './routes.js';

const errors = {
  400: {
    description: 'Invalid request (bad JSON, wrong types, unknown fields, out-of-range values)',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  401: {
    description: 'Missing or wrong API key (when the deployment requires one)',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  403: {
    description: 'The API key may not read this collection, or may not use this route',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  404: { description: 'Unknown collection', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: `Body larger than ${LIMITS.maxBodyBytes} bytes`, content: { 'application/json': { schema: ErrorSchema } } },
  415: { description: 'Body not sent as UTF-8 JSON', content: { 'application/json': { schema: ErrorSchema } } },
  503: {
    description: 'Index unavailable (missing, damaged or not loadable) or the API key unreadable; the message names the fix',
    content: { 'application/json': { schema: ErrorSchema } },
  },
};

export const API_DESCRIPTION =
  'Semantic search over a document collection: ask a natural-language question, get the best-matching passages ' +
  'with their sources. Hybrid ranking (embeddings + BM25) by default.';

export function registerOpenApi<E extends Env>(app: OpenAPIHono<E>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  registry.registerPath({
    method: 'post',
    path: '/search',
    operationId: 'search',
    summary: 'Search passages',
    description: API_DESCRIPTION,
    ...securityOf('/search'),
    request: { body: { required: true, content: { 'application/json': { schema: SearchRequestSchema } } } },
    responses: { 200: { description: 'Ranked passages', content: { 'application/json': { schema: SearchResponseSchema } } }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/search',
    operationId: 'searchGet',
    summary: 'Search passages (query parameters)',
    ...securityOf('/search'),
    request: { query: SearchQueryParamsSchema },
    responses: { 200: { description: 'Ranked passages', content: { 'application/json': { schema: SearchResponseSchema } } }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/documents/{id}',
    operationId: 'getDocument',
    summary: 'A whole document, by the doc_id of a search result',
    ...securityOf('/documents/{id+}'),
    request: {
      params: z.object({ id: z.string().describe('The document id (URL-encoded; may contain slashes).') }),
      query: z.object({ collection: z.string().optional() }),
    },
    responses: {
      200: { description: 'The document', content: { 'application/json': { schema: DocumentSchema } } },
      ...errors,
      404: { description: 'Unknown document or collection', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/collections',
    operationId: 'collections',
    summary: 'What each collection holds: counts, a title and topics to try drawn from its headings and titles',
    ...securityOf('/collections'),
    responses: {
      200: {
        description: 'The collections served',
        content: {
          'application/json': {
            schema: z.object({
              collections: z.array(
                z.object({
                  name: z.string(),
                  documents: z.number().int(),
                  passages: z.number().int(),
                  title: z.string(),
                  examples: z.array(z.string()),
                }),
              ),
            }),
          },
        },
      },
      401: errors[401],
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/mcp',
    operationId: 'mcp',
    summary: 'Model Context Protocol (not REST)',
    description:
      'MCP over Streamable HTTP, stateless, JSON responses: JSON-RPC messages from an MCP client (chat assistants, agent frameworks). ' +
      'Tools: search and fetch (the contract ChatGPT connectors use) and search_documents (every search option).',
    ...securityOf('/mcp'),
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ jsonrpc: z.literal('2.0'), method: z.string() }).passthrough() } },
      },
    },
    responses: { 200: { description: 'A JSON-RPC response' }, 202: { description: 'A notification, accepted' }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/health',
    ...securityOf('/health'),
    operationId: 'health',
    summary: 'Readiness: the index and model are loaded',
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: HealthSchema } } },
      503: { description: 'An index or the API key could not be loaded', content: { 'application/json': { schema: HealthSchema } } },
    },
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: { title: 'Semantic search endpoint', version: '1.0.0', description: API_DESCRIPTION },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
}
