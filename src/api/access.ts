/**
 * What one request may read: every collection and route (no keys configured, or a door IAM
 * already authorised), or what its key lists. Every door asks the same operations through
 * `scopedApi`, so a key for one collection reads no other by search, document, MCP or listing.
 */
import { DEFAULT_COLLECTION_NAME } from '../index/names.js';
import { ApiError } from './errors.js';
import type { ApiKey, KeyRoute } from './keys.js';
import type { SearchApi } from './search-api.js';
import { parseSearchBody, type ParsedSearch } from './validate.js';

export class Access {
  /** No key needed, or one that opens everything. */
  static readonly ALL = new Access();

  /** A listed key's scope; without one, everything. */
  constructor(private readonly key?: ApiKey) {}

  /** The key's name, for the request log (never the key). */
  get keyName(): string | undefined {
    return this.key?.name;
  }

  mayRead(collection: string): boolean {
    const allowed = this.key?.collections ?? 'all';
    return allowed === 'all' || allowed.has(collection);
  }

  mayUse(route: KeyRoute): boolean {
    return this.key === undefined || this.key.routes.has(route);
  }

  /** Refuses a route the key is not for. */
  checkRoute(route: KeyRoute): void {
    if (!this.mayUse(route))
      throw new ApiError(
        403,
        'forbidden',
        `the API key "${this.key!.name}" may not use ${route}; it may use: ${[...this.key!.routes].join(', ')}`,
      );
  }

  /**
   * The collection a request that names none goes to: the default one if the key may read it,
   * otherwise the first the deployment serves that the key lists.
   */
  home(served: readonly string[]): string {
    if (this.mayRead(DEFAULT_COLLECTION_NAME)) return DEFAULT_COLLECTION_NAME;
    return served.find((name) => this.mayRead(name)) ?? DEFAULT_COLLECTION_NAME;
  }

  /**
   * Refuses a collection the key does not list, whether or not it exists (a 404 for some names and
   * a 403 for others would tell a key holder which collections exist); a listed one that is not
   * served is a 404 naming only what the key may read.
   */
  checkCollection(name: string, served: readonly string[]): void {
    // Only a refusal says what may be read: a request that passes does not list anything.
    const readable = () => served.filter((n) => this.mayRead(n));
    if (!this.mayRead(name)) {
      const may = readable();
      const listed = may.length ? `; it may read: ${may.join(', ')}` : '';
      throw new ApiError(403, 'forbidden', `the API key "${this.key!.name}" may not read collection "${name.slice(0, 64)}"${listed}`);
    }
    if (!served.includes(name))
      throw new ApiError(
        404,
        'unknown_collection',
        `unknown collection "${name.slice(0, 64)}"; ${this.key ? 'this key may read' : 'this deployment serves'}: ${readable().join(', ')}`,
      );
  }
}

/** The API's operations as `access` allows them: requests naming no collection go to its home. */
export function scopedApi(api: SearchApi, access: Access, served: () => readonly string[]): SearchApi {
  const collection = (named: string | undefined): string => {
    const names = served();
    const name = named ?? access.home(names);
    access.checkCollection(name, names);
    return name;
  };
  const searchParsed = (request: ParsedSearch) => api.searchParsed({ ...request, collection: collection(request.collection) });
  return {
    searchParsed,
    search: async (body) => searchParsed(parseSearchBody(body)),
    document: async (id, named) => api.document(id, collection(named)),
  };
}
