/**
 * The API's operations without a transport: validate a request, search or look a document up,
 * and present the answer in the wire format. The HTTP routes, the direct Lambda invoke, Bedrock
 * Agents and MCP all call these; errors are ApiErrors, which each door turns into its own shape.
 */
import { type Collections, UnknownCollectionError } from '../search/collections.js';
import { DEFAULT_COLLECTION_NAME } from '../index/names.js';
import { IndexLoadError } from '../index/read-index.js';
import type { FullDocument } from '../search/documents.js';
import { packContext } from './context.js';
import { ApiError, internalError } from './errors.js';
import { presentSearch } from './present.js';
import { withoutServerPaths } from './server-paths.js';
import type { SearchResponse } from './schemas.js';
import { parseSearchBody, type ParsedSearch } from './validate.js';

export interface SearchApi {
  /** Any JSON value as a search request body: validated, then searched. */
  search(body: unknown): Promise<SearchResponse>;
  /** An already validated request (the HTTP GET route parses query parameters itself). */
  searchParsed(request: ParsedSearch): Promise<SearchResponse>;
  /** A whole document; a 404 ApiError when the collection has none by that id. */
  document(id: string, collection?: string): Promise<FullDocument & { collection: string }>;
}

/** Engine and loading failures as the API reports them (anything else stays a 500). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof UnknownCollectionError) return new ApiError(404, 'unknown_collection', err.message);
  if (err instanceof IndexLoadError) return new ApiError(503, 'index_unavailable', withoutServerPaths(err.message));
  return internalError();
}

export function createSearchApi(collections: Collections): SearchApi {
  const searchParsed = async (request: ParsedSearch): Promise<SearchResponse> => {
    const started = performance.now();
    const name = request.collection ?? DEFAULT_COLLECTION_NAME;
    const outcome = await collections.use(name, (searcher) =>
      searcher.search({
        query: request.query,
        topK: request.top_k,
        mode: request.mode,
        ...(request.min_score !== undefined ? { minScore: request.min_score } : {}),
        minRelevance: request.min_relevance,
        ...(request.filter ? { filter: request.filter } : {}),
      }),
    );
    const response = presentSearch(outcome, name, performance.now() - started);
    if (request.context)
      response.context = response.no_answer ? response.no_answer.message : packContext(response.results, request.context);
    return response;
  };
  return {
    searchParsed,
    search: (body) => searchParsed(parseSearchBody(body)),
    document: async (id, collection = DEFAULT_COLLECTION_NAME) => {
      const doc = await collections.use(collection, (searcher) => searcher.documents.get(id));
      if (!doc)
        throw new ApiError(
          404,
          'not_found',
          `no document "${id.slice(0, 200)}" in collection "${collection}"; ids are the doc_id of search results`,
        );
      return { collection, ...doc };
    },
  };
}
