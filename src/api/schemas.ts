/**
 * The wire contract. These zod schemas validate every request and generate the OpenAPI document,
 * the MCP tool input schema and the function-calling tool definition: one source of truth.
 */
import { z } from '@hono/zod-openapi';
import { LIMITS } from './limits.js';
import { DEFAULT_MIN_RELEVANCE } from '../search/relevance.js';
import { COLLECTION_NAME } from '../index/names.js';

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const FilterFieldSchema = z.string().min(1).max(100);
export const FilterConditionSchema = z.union([Scalar, z.object({ in: z.array(Scalar).min(1).max(LIMITS.maxFilterValues) }).strict()]);

export const FilterSchema = z
  .record(FilterFieldSchema, FilterConditionSchema)
  .refine((f) => Object.keys(f).length <= LIMITS.maxFilterFields, { message: `at most ${LIMITS.maxFilterFields} filter fields` })
  .describe(
    'Metadata conditions, all of which must hold. A value means equality, {"in": [...]} means any of these. ' +
      'Fields: doc_id, title, path, url, format, or any metadata field of the documents.',
  )
  .openapi('Filter', { example: { doc_id: 'article.txt' } });

export const SearchModeSchema = z
  .enum(['hybrid', 'dense', 'lexical'])
  .describe('hybrid (default) fuses semantic and keyword ranking; dense is semantic only; lexical is BM25 only.');

export const CollectionSchema = z
  .string()
  .regex(COLLECTION_NAME, 'letters, digits, "_" and "-", at most 64')
  .describe(
    "Which index to search, when the deployment serves several. Omit for the default (or, with a key scoped to other collections, the key's first).",
  );

export const ContextRequestSchema = z
  .object({
    max_chars: z.number().int().min(100).max(LIMITS.maxContextChars).optional(),
    max_tokens: z
      .number()
      .int()
      .min(25)
      .max(Math.floor(LIMITS.maxContextChars / 4))
      .optional(),
  })
  .strict()
  .refine((c) => c.max_chars !== undefined || c.max_tokens !== undefined, { message: 'give max_chars or max_tokens' })
  .describe(
    'Also return `context`: the top passages packed into this budget as numbered citations ([1], [2], ...) matching the result ranks, ready to paste into a prompt. Tokens are estimated as 4 characters each.',
  )
  .openapi('ContextRequest', { example: { max_tokens: 800 } });

export const SearchRequestSchema = z
  .object({
    query: z
      .string()
      .trim()
      .min(1, 'query must not be empty')
      .max(LIMITS.maxQueryChars, `query must be at most ${LIMITS.maxQueryChars} characters`)
      .openapi({ example: 'Which country first recognized the Taliban government?' })
      .describe('A natural-language question or keywords.'),
    top_k: z.number().int().min(1).max(LIMITS.maxTopK).default(LIMITS.defaultTopK).describe('How many passages to return.'),
    mode: SearchModeSchema.default('hybrid'),
    min_score: z.number().finite().optional().describe("Drop results scoring below this (on the mode's scale, see SearchResult.score)."),
    min_relevance: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_MIN_RELEVANCE)
      .describe(
        'Drop results whose relevance (a calibrated 0-1 chance that the passage answers the question) is below this. ' +
          'When nothing passes, results is empty and no_answer says why. 0 returns the best passages whatever their relevance.',
      ),
    filter: FilterSchema.optional(),
    collection: CollectionSchema.optional(),
    context: ContextRequestSchema.optional(),
  })
  .strict()
  .openapi('SearchRequest');

export type SearchRequest = z.infer<typeof SearchRequestSchema>;

export const SearchResultSchema = z
  .object({
    rank: z.number().int(),
    id: z.string().describe('Stable passage id: document id, "#p", passage number.'),
    doc_id: z.string(),
    title: z.string(),
    section: z.array(z.string()).describe('Headings above the passage, outermost first.'),
    text: z.string(),
    score: z
      .number()
      .describe(
        'Orders the results; higher is better. hybrid: fused score in [0, 1] (1 for the best candidate of every question); dense: cosine similarity in [-1, 1]; lexical: BM25 score, 0 or more.',
      ),
    relevance: z
      .number()
      .min(0)
      .max(1)
      .describe(
        'Calibrated chance that this passage answers the question, comparable across questions and collections; the same in every mode.',
      ),
    scores: z
      .object({ dense: z.number().optional(), lexical: z.number().optional() })
      .describe('The evidence behind the score: cosine similarity and BM25, where computed.'),
    snippet: z.string().describe('The sentence of the passage that best matches the query.'),
    snippet_start: z.number().int().describe('Offset of the snippet within text.'),
    source: z.object({
      path: z.string(),
      url: z.string().optional(),
      page: z.number().int().optional().describe('Page number, for PDF sources.'),
      char_start: z.number().int(),
      char_end: z.number().int(),
    }),
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi('SearchResult');

export const SearchResponseSchema = z
  .object({
    query: z.string(),
    mode: SearchModeSchema,
    model: z.string().describe('Embedder the index was built with.'),
    collection: z.string(),
    took_ms: z.number(),
    results: z.array(SearchResultSchema),
    no_answer: z
      .object({
        message: z.string(),
        best_relevance: z.number().describe('Relevance of the best passage found, below min_relevance.'),
        min_relevance: z.number(),
      })
      .optional()
      .describe('Present when passages were found but none is relevant enough: the documents do not seem to answer this question.'),
    context: z.string().optional().describe('Present when the request asked for it: the passages packed with [n] citations.'),
    warnings: z
      .array(z.string())
      .optional()
      .describe('Present when a filter matched nothing and the reason can be told (a field no document has).'),
  })
  .openapi('SearchResponse');

export type SearchResponse = z.infer<typeof SearchResponseSchema>;

/** A request as a caller writes it: only the question is required. */
export type SearchInput = Partial<SearchRequest> & { query: string };

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof ErrorSchema>;

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    model: z.string().optional(),
    collections: z.record(
      z.string(),
      z.object({
        documents: z.number().int(),
        chunks: z.number().int(),
        built_at: z.string(),
        model: z.string(),
        storage: z
          .record(z.string(), z.union([z.string(), z.number()]))
          .optional()
          .describe('Where the index is kept, when it is not in files: the database, its layout version, the generation served.'),
      }),
    ),
    message: z.string().optional(),
  })
  .openapi('Health');

/** GET /documents/{id}: a whole document as indexed. */
export const DocumentSchema = z
  .object({
    collection: z.string(),
    id: z.string(),
    title: z.string(),
    text: z.string().describe('The passages joined in source order; a blank line where the source had text that was not indexed.'),
    source: z.object({ path: z.string(), format: z.string(), url: z.string().optional() }),
    metadata: z.record(z.string(), z.unknown()),
    passages: z.array(
      z.object({
        id: z.string(),
        start: z.number().int(),
        end: z.number().int(),
        section: z.array(z.string()),
        page: z.number().int().optional(),
      }),
    ),
  })
  .openapi('Document');

export type DocumentResponse = z.infer<typeof DocumentSchema>;

/** GET /search takes the same request as query parameters; q is the question. */
export const SearchQueryParamsSchema = z
  .object({
    q: z.string().describe('The question.'),
    top_k: z.string().regex(/^\d+$/, 'top_k must be a whole number').optional(),
    mode: SearchModeSchema.optional(),
    min_score: z.string().optional(),
    min_relevance: z.string().optional(),
    doc_id: z.string().optional().describe('Shorthand for filter {"doc_id": ...}.'),
    filter: z.string().optional().describe('A Filter as JSON.'),
    collection: CollectionSchema.optional(),
  })
  .strict();
