/** Turns raw input (a parsed body or query parameters) into a validated SearchRequest or a 400. */
import type { z } from '@hono/zod-openapi';
import { ApiError, type ErrorDetail } from './errors.js';
import { SearchQueryParamsSchema, SearchRequestSchema, type SearchRequest } from './schemas.js';

function details(error: z.ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}

function invalid(error: z.ZodError): ApiError {
  const first = details(error)[0]!;
  return new ApiError(400, 'invalid_request', `${first.path}: ${first.message}`, details(error));
}

export function parseSearchBody(body: unknown): SearchRequest {
  const parsed = SearchRequestSchema.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/** GET /search?q=...: the same request, spelled as query parameters. */
export function parseSearchParams(params: URLSearchParams): SearchRequest {
  const single: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1) throw new ApiError(400, 'invalid_request', `${key}: give it once, not ${values.length} times`);
    single[key] = values[0]!;
  }
  const parsed = SearchQueryParamsSchema.safeParse(single);
  if (!parsed.success) throw invalid(parsed.error);
  const p = parsed.data;
  let filter: unknown;
  if (p.filter !== undefined) {
    try {
      filter = JSON.parse(p.filter);
    } catch {
      throw new ApiError(400, 'invalid_request', 'filter: must be a JSON object, e.g. {"doc_id":"article.txt"}');
    }
  }
  if (p.doc_id !== undefined) filter = { ...(filter as object | undefined), doc_id: p.doc_id };
  const minScore = p.min_score === undefined ? undefined : Number(p.min_score);
  if (minScore !== undefined && !Number.isFinite(minScore)) throw new ApiError(400, 'invalid_request', 'min_score: must be a number');
  return parseSearchBody({
    query: p.q,
    ...(p.top_k !== undefined ? { top_k: Number(p.top_k) } : {}),
    ...(p.mode !== undefined ? { mode: p.mode } : {}),
    ...(minScore !== undefined ? { min_score: minScore } : {}),
    ...(filter !== undefined ? { filter } : {}),
    ...(p.collection !== undefined ? { collection: p.collection } : {}),
  });
}
