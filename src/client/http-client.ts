/** A client for a deployed (or local) endpoint over HTTP. */
import { ErrorSchema as ErrorBodySchema, type DocumentResponse, type SearchInput, type SearchResponse } from '../api/schemas.js';

export type { SearchInput };

export class SearchClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** An answer's body as JSON, or a SearchClientError saying what came instead (`what` leads the message). */
export function parseAnswer(text: string, what: string, status?: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SearchClientError(`${what} something that is not JSON: ${text.slice(0, 200)}`, status);
  }
}

export interface HttpClientOptions {
  apiKey?: string;
  timeoutMs?: number;
}

export class HttpSearchClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: HttpClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '').replace(/\/search$/, '');
  }

  async search(request: SearchInput): Promise<SearchResponse> {
    return (await this.call('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })) as SearchResponse;
  }

  /** A whole document by its doc_id, or undefined when the collection has none by that id. */
  async document(id: string): Promise<DocumentResponse | undefined> {
    try {
      return (await this.call(`/documents/${encodeURIComponent(id)}`, { method: 'GET' })) as DocumentResponse;
    } catch (err) {
      if (err instanceof SearchClientError && err.code === 'not_found') return undefined;
      throw err;
    }
  }

  private async call(route: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${route}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), ...(this.options.apiKey ? { 'x-api-key': this.options.apiKey } : {}) },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(this.base);
      const fix = local
        ? 'is the server running? Start it with `npm start` (in another terminal), or give the address of one with --url'
        : 'check the address (--url or SEMSEARCH_URL) and that the endpoint is deployed';
      throw new SearchClientError(`cannot reach ${this.base} (${cause}): ${fix}`);
    }
    const text = await res.text();
    const body = parseAnswer(text, `${this.base} answered ${res.status} with`, res.status);
    const error = ErrorBodySchema.safeParse(body);
    if (!res.ok || error.success) {
      const e = error.success ? error.data.error : undefined;
      throw new SearchClientError(e?.message ?? `HTTP ${res.status}`, res.status, e?.code);
    }
    return body;
  }
}
