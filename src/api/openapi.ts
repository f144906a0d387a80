/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ErrorSchema, HealthSchema, SearchQueryParamsSchema, SearchRequestSchema, SearchResponseSchema } from './schemas.js';
import { LIMITS } from './limits.js';

const errors = {
  400: { description: 'Invalid request (bad JSON, wrong types, unknown fields, out-of-range values)', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or wrong API key (when the deployment requires one)', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Unknown collection', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: `Body larger than ${LIMITS.maxBodyBytes} bytes`, content: { 'application/json': { schema: ErrorSchema } } },
  415: { description: 'Body not sent as UTF-8 JSON', content: { 'application/json': { schema: ErrorSchema } } },
  503: { description: 'Index unavailable (missing, damaged or not loadable) or the API key unreadable; the message names the fix', content: { 'application/json': { schema: ErrorSchema } } },
};

export const API_DESCRIPTION =
  'Semantic search over a document collection: ask a natural-language question, get the best-matching passages ' +
  'with their sources. Hybrid ranking (embeddings + BM25) by default.';

export function registerOpenApi(app: OpenAPIHono<any>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'x-api-key' });
  registry.registerPath({
    method: 'post',
    path: '/search',
    operationId: 'search',
    summary: 'Search passages',
    description: API_DESCRIPTION,
    security: [{ ApiKey: [] }, {}],
    request: { body: { required: true, content: { 'application/json': { schema: SearchRequestSchema } } } },
    responses: { 200: { description: 'Ranked passages', content: { 'application/json': { schema: SearchResponseSchema } } }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/search',
    operationId: 'searchGet',
    summary: 'Search passages (query parameters)',
    security: [{ ApiKey: [] }, {}],
    request: { query: SearchQueryParamsSchema },
    responses: { 200: { description: 'Ranked passages', content: { 'application/json': { schema: SearchResponseSchema } } }, ...errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/health',
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
