/**
 * POST /search answered without the app's routing, middleware, Request and Response, for the
 * Lambda handler: after a question's embedding has pushed them out of the CPU's caches, those
 * cost some 0.15-0.3 ms of the 1.6 ms a SciFact search takes beyond its embedding (docs/performance.md).
 *
 * Only a request that gets as far as its search is answered here: a body of JSON that is a valid
 * search, and a key that may search (when keys are configured). Anything else returns undefined
 * and the app answers it from the start, so its error, headers and log line are the app's own. A
 * search that fails is answered here, as the app's error handler answers it (http-policy.ts), so
 * that no search runs twice. Every answer here is the app's to the byte but for the time taken:
 * the same checks and operations, the same headers, the same log lines.
 * tests/direct-search.test.ts holds the two to that on generated requests.
 */
import { Access, scopedApi } from './access.js';
import type { Auth } from './auth.js';
import { presentedKey } from './auth.js';
import { answerError, corsPolicy, requestIdOf } from './http-policy.js';
import { LIMITS } from './limits.js';
import { type Logger, logRequest } from './logger.js';
import { checkJsonType, parseJsonBytes } from './read-body.js';
import type { SearchResponse } from './schemas.js';
import type { SearchApi } from './search-api.js';
import { type ParsedSearch, parseSearchBody } from './validate.js';

export interface DirectSearchOptions {
  api: SearchApi;
  auth?: Auth;
  /** The collections served, as the app's scoping reads them. */
  names: () => readonly string[];
  logger: Logger;
  corsOrigins?: string[];
}

/** A POST /search: its headers as the app's Request would hold them, and its body's bytes. */
export interface DirectRequest {
  headers: Headers;
  body: Uint8Array;
  /** The Lambda invocation's id, which the app takes as the request's. */
  lambdaId?: string | undefined;
}

export interface DirectAnswer {
  status: number;
  /** Lower-case names in order, as the app's Response lists them. */
  headers: Record<string, string>;
  body: string;
}

export type DirectSearch = (request: DirectRequest) => Promise<DirectAnswer | undefined>;

export function createDirectSearch(options: DirectSearchOptions): DirectSearch {
  const cors = corsPolicy(options.corsOrigins ?? ['*']);
  const { logger } = options;
  return async ({ headers, body, lambdaId }) => {
    const started = performance.now();
    const id = requestIdOf(lambdaId, headers.get('x-request-id'));
    let access = Access.ALL;
    let request: ParsedSearch;
    try {
      if (options.auth) {
        access = await options.auth.access(presentedKey(headers));
        access.checkRoute('search');
      }
      checkJsonType(headers.get('content-type'));
      request = parseSearchBody(parseJsonBytes(body, LIMITS.maxBodyBytes));
    } catch {
      return undefined; // the app answers it, error and all
    }
    // From here on the answer is this one, as the app would give it: a failed search is not run twice.
    let status = 200;
    let json: string;
    const fields: [string, string][] = [
      ...cors.headersFor(headers.get('origin') ?? ''),
      ['content-type', 'application/json'],
      ['x-request-id', id],
    ];
    let response: SearchResponse | undefined;
    try {
      response = await scopedApi(options.api, access, options.names).searchParsed(request);
      json = JSON.stringify(response);
    } catch (err) {
      const { error, headers: needed } = answerError(err, logger, id);
      status = error.status;
      json = JSON.stringify(error.toJSON());
      fields.push(...needed);
    }
    fields.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    logRequest(logger, {
      id,
      door: 'http',
      method: 'POST',
      path: '/search',
      status,
      startedAt: started,
      results: response?.results.length,
      collection: response?.collection,
      mode: request.mode,
      key: access.keyName,
    });
    return { status, headers: Object.fromEntries(fields), body: json };
  };
}
