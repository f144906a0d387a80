/** Turns raw input (a parsed body or query parameters) into a validated SearchRequest or a 400. */
import type { z } from '@hono/zod-openapi';
import { ApiError, type ErrorDetail } from './errors.js';
import {
  CollectionSchema,
  FilterConditionSchema,
  FilterFieldSchema,
  SearchQueryParamsSchema,
  SearchRequestSchema,
  type SearchRequest,
} from './schemas.js';
import type { Filter, FilterCondition } from '../search/filter.js';

/** A validated request; its filter is a Map because field names are user text. */
export type ParsedSearch = Omit<SearchRequest, 'filter'> & { filter?: Filter };

function details(error: z.ZodError, prefix: string[]): ErrorDetail[] {
  return error.issues
    .slice(0, 20)
    .map((issue) => ({ path: [...prefix, ...issue.path.map(String)].join('.') || '(body)', message: issue.message }));
}

function invalid(error: z.ZodError, prefix: string[] = []): ApiError {
  const all = details(error, prefix);
  return new ApiError(400, 'invalid_request', `${all[0]!.path}: ${all[0]!.message}`, all);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The filter from the raw JSON's own entries, so that fields named `__proto__` or `constructor`
 * are conditions like any other (an object rebuilt by assignment would drop or misread them).
 */
function parseFilter(raw: Record<string, unknown>): Filter {
  const filter = new Map<string, FilterCondition>();
  for (const [field, value] of Object.entries(raw)) {
    const name = FilterFieldSchema.safeParse(field);
    if (!name.success)
      throw new ApiError(
        400,
        'invalid_request',
        `filter: field name ${JSON.stringify(field.slice(0, 40))}: ${name.error.issues[0]!.message}`,
      );
    const condition = FilterConditionSchema.safeParse(value);
    if (!condition.success) throw invalid(condition.error, ['filter', field]);
    filter.set(field, condition.data);
  }
  return filter;
}

/** The field a misspelt one was meant to be: the same letters once case and separators are dropped. */
function meant(field: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return known.find((k) => bare(k) === bare(field));
}

/** Unknown names as a message lists them, each with the known one it was probably meant to be. */
function withGuesses(unknown: readonly string[], known: readonly string[]): string {
  return unknown
    .map((k) => {
      const guess = meant(k, known);
      return `${JSON.stringify(k.slice(0, 40))}${guess ? ` (did you mean "${guess}"?)` : ''}`;
    })
    .join(', ');
}

/** The one value of a parameter that may be given once; a repeated one is a 400, not its first value taken. */
function onlyValue(key: string, values: readonly string[]): string | undefined {
  if (values.length > 1) throw new ApiError(400, 'invalid_request', `${key}: give it once, not ${values.length} times`);
  return values[0];
}

/** Mistakes a person makes, answered in words that say how to fix them (the schema's own message would not). */
function explainBody(body: Record<string, unknown>): ApiError | undefined {
  const known = Object.keys(SearchRequestSchema.shape);
  if (!Object.hasOwn(body, 'query')) {
    const hint = Object.hasOwn(body, 'q') ? ': the question goes in "query" in a POST body ("q" is its name in GET /search?q=...)' : '';
    return new ApiError(400, 'invalid_request', `query: missing; send {"query": "your question"}${hint}`, [
      { path: 'query', message: 'required' },
    ]);
  }
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length === 0) return undefined;
  return new ApiError(400, 'invalid_request', `unknown field ${withGuesses(unknown, known)}; the fields are: ${known.join(', ')}`, [
    { path: unknown[0]!.slice(0, 40), message: 'unknown field' },
  ]);
}

export function parseSearchBody(body: unknown): ParsedSearch {
  const parsed = SearchRequestSchema.safeParse(body);
  if (!parsed.success) throw (isPlainObject(body) && explainBody(body)) || invalid(parsed.error);
  const { filter: _checked, ...rest } = parsed.data;
  const raw = isPlainObject(body) && Object.hasOwn(body, 'filter') ? body.filter : undefined;
  return { ...rest, ...(isPlainObject(raw) ? { filter: parseFilter(raw) } : {}) };
}

/** A numeric query parameter: absent is undefined; empty or not a number is a 400. */
function numberParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new ApiError(400, 'invalid_request', `${name}: must be a number`);
  return n;
}

/** GET /search?q=...: the same request, spelled as query parameters. */
export function parseSearchParams(params: URLSearchParams): ParsedSearch {
  // No prototype: a parameter called __proto__ becomes a key (and an unknown-parameter 400), not a prototype.
  const single: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of new Set(params.keys())) {
    single[key] = onlyValue(key, params.getAll(key))!;
  }
  if (single.q === undefined) {
    const hint = single.query !== undefined ? ' (the question goes in q, not query)' : '';
    throw new ApiError(400, 'invalid_request', `q: missing; ask with /search?q=your+question${hint}`, [{ path: 'q', message: 'required' }]);
  }
  const parsed = SearchQueryParamsSchema.safeParse(single);
  if (!parsed.success) {
    const unknown = parsed.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
    if (unknown.length > 0) {
      const names = Object.keys(SearchQueryParamsSchema.shape);
      const hint = unknown.includes('query') ? ' (the question goes in q: /search?q=...)' : '';
      throw new ApiError(
        400,
        'invalid_request',
        `unknown query parameter ${withGuesses(unknown, names)}${hint}; known: ${names.join(', ')}`,
      );
    }
    throw invalid(parsed.error);
  }
  const p = parsed.data;
  let filter: Record<string, unknown> | undefined;
  if (p.filter !== undefined) {
    let parsedFilter: unknown;
    try {
      parsedFilter = JSON.parse(p.filter);
    } catch {
      parsedFilter = undefined;
    }
    if (!isPlainObject(parsedFilter))
      throw new ApiError(400, 'invalid_request', 'filter: must be a JSON object, e.g. {"doc_id":"article.txt"}');
    filter = parsedFilter;
  }
  if (p.doc_id !== undefined) {
    if (filter && Object.hasOwn(filter, 'doc_id'))
      throw new ApiError(400, 'invalid_request', 'doc_id: given twice, as a parameter and inside filter');
    // defineProperty, not assignment: the parsed filter may hold an own "__proto__" key.
    filter ??= {};
    Object.defineProperty(filter, 'doc_id', { value: p.doc_id, enumerable: true, configurable: true, writable: true });
  }
  const minScore = numberParam('min_score', p.min_score);
  const minRelevance = numberParam('min_relevance', p.min_relevance);
  return parseSearchBody({
    query: p.q,
    ...(p.top_k !== undefined ? { top_k: Number(p.top_k) } : {}),
    ...(p.mode !== undefined ? { mode: p.mode } : {}),
    ...(minScore !== undefined ? { min_score: minScore } : {}),
    ...(minRelevance !== undefined ? { min_relevance: minRelevance } : {}),
    ...(filter !== undefined ? { filter } : {}),
    ...(p.collection !== undefined ? { collection: p.collection } : {}),
  });
}

/** `?collection=` on routes other than /search, if the request names one (if not, the key's home collection is meant). */
export function parseCollectionParam(params: URLSearchParams): string | undefined {
  const value = onlyValue('collection', params.getAll('collection'));
  if (value === undefined) return undefined;
  const parsed = CollectionSchema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error, ['collection']);
  return parsed.data;
}
