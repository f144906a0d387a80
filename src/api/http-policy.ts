/**
 * What every HTTP answer carries, decided in one place for the app and for the Lambda handler's
 * direct search (direct-search.ts): the request id, the CORS headers of an answer that is not a
 * preflight, and how an error is answered.
 */
import { randomUUID } from 'node:crypto';
import type { cors } from 'hono/cors';
import type { ApiError } from './errors.js';
import type { Logger } from './logger.js';
import { CORS } from './routes.js';
import { toApiError } from './search-api.js';

/** The id a request is logged and answered with: Lambda's, else a well-formed one the caller sent, else a new one. */
export function requestIdOf(lambdaId: string | undefined, header: string | null | undefined): string {
  return lambdaId ?? (header && /^[\w-]{1,64}$/.test(header) ? header : randomUUID());
}

export interface CorsPolicy {
  /** The options of Hono's CORS middleware, which answers preflights and sets these headers on the rest. */
  options: NonNullable<Parameters<typeof cors>[0]>;
  /** The CORS headers the middleware sets on an answer to a request from `origin` ("" for none) that is not a preflight. */
  headersFor(origin: string): [string, string][];
}

/** `origins`: the allowed origins; ["*"] allows any. */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const any = origins.includes('*');
  const exposed = CORS.exposed.join(',');
  return {
    options: {
      origin: any ? '*' : [...origins],
      allowMethods: [...CORS.methods],
      allowHeaders: [...CORS.headers],
      exposeHeaders: [...CORS.exposed],
      maxAge: CORS.maxAge,
    },
    headersFor(origin) {
      const headers: [string, string][] = [];
      if (any) headers.push(['access-control-allow-origin', '*']);
      else if (origins.includes(origin)) headers.push(['access-control-allow-origin', origin]);
      headers.push(['access-control-expose-headers', exposed]);
      // The answer depends on the origin only when not every origin is allowed.
      if (!any) headers.push(['vary', 'Origin']);
      return headers;
    },
  };
}

/**
 * An error as the API answers it, with the headers its status needs (a 401 names the scheme);
 * a fault on this side (5xx) is logged with its stack.
 */
export function answerError(err: unknown, logger: Logger, id: string | undefined): { error: ApiError; headers: [string, string][] } {
  const error = toApiError(err);
  if (error.status >= 500 && err instanceof Error) {
    const cause = err.cause instanceof Error ? { cause: err.cause.message } : {};
    logger.error({ msg: 'request failed', id, err: { name: err.name, message: err.message, stack: err.stack, ...cause } });
  }
  return { error, headers: error.status === 401 ? [['www-authenticate', 'Bearer']] : [] };
}
