/**
 * The Lambda event shapes this function answers, checked before they reach Hono's adapter, so a
 * malformed event gets a 400 in our error format instead of a crash or a plain-text error.
 */
import { z } from 'zod';

const StringMap = z.record(z.string(), z.string().optional()).nullish();
/** An HTTP method token that the WHATWG Request accepts (it refuses CONNECT, TRACE and TRACK). */
const Method = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP method')
  .refine((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m.toUpperCase()), { message: 'method not supported' });
const Base64 = /^[A-Za-z0-9+/]*={0,2}$/;

const body = z
  .object({ body: z.string().nullish(), isBase64Encoded: z.boolean().optional() })
  .refine((e) => !e.isBase64Encoded || !e.body || (e.body.length % 4 === 0 && Base64.test(e.body)), { message: 'body is marked base64 but is not valid base64', path: ['body'] });

/** API Gateway HTTP API (payload 2.0) and Function URL events. */
export const HttpApiV2Event = z
  .object({
    rawPath: z.string().startsWith('/'),
    rawQueryString: z.string().optional(),
    headers: StringMap,
    cookies: z.array(z.string()).optional(),
    requestContext: z.object({ http: z.object({ method: Method, path: z.string().optional() }).passthrough() }).passthrough(),
  })
  .passthrough()
  .and(body);

/** API Gateway REST API (payload 1.0) and ALB events. */
export const RestApiV1Event = z
  .object({
    httpMethod: Method,
    path: z.string().startsWith('/'),
    headers: StringMap,
    multiValueHeaders: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
    queryStringParameters: StringMap,
    multiValueQueryStringParameters: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
  })
  .passthrough()
  .and(body);

export function isHttpEvent(event: Record<string, unknown>): boolean {
  return 'httpMethod' in event || 'rawPath' in event || (typeof event.requestContext === 'object' && event.requestContext !== null && 'http' in event.requestContext);
}

/** The problem with an HTTP event, or undefined when it is well formed. */
export function httpEventProblem(event: Record<string, unknown>): string | undefined {
  const v1 = 'httpMethod' in event;
  const parsed = (v1 ? RestApiV1Event : HttpApiV2Event).safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `malformed ${v1 ? 'REST API' : 'HTTP API'} event: ${issue.path.join('.') || '(event)'}: ${issue.message}`;
  }
  const method = String(v1 ? event.httpMethod : (event.requestContext as { http: { method: string } }).http.method).toUpperCase();
  if ((method === 'GET' || method === 'HEAD') && typeof event.body === 'string' && event.body.length > 0) {
    return `a ${method} request cannot have a body: send the search as POST, or as GET /search?q=...`;
  }
  return undefined;
}
