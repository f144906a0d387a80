/** A client for a deployed (or local) endpoint over HTTP. */
import type { SearchInput, SearchResponse } from '../api/schemas.js';

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
    let res: Response;
    try {
      res = await fetch(`${this.base}/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { 'x-api-key': this.options.apiKey } : {}) },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new SearchClientError(`cannot reach ${this.base} (${cause})`);
    }
    const text = await res.text();
    const body = parseAnswer(text, `${this.base} answered ${res.status} with`, res.status);
    const error = (body as { error?: { code: string; message: string } }).error;
    if (!res.ok || error) throw new SearchClientError(error?.message ?? `HTTP ${res.status}`, res.status, error?.code);
    return body as SearchResponse;
  }
}
