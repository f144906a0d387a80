/**
 * The Lambda event shapes this function answers, checked before they reach Hono's adapter, so a
 * malformed event gets a 400 in our error format instead of a crash or a plain-text error.
 */
import { z } from 'zod';
import { bodyOnGetMessage } from '../api/read-body.js';

const StringMap = z.record(z.string(), z.string().optional()).nullish();
/** An HTTP method token that the WHATWG Request accepts (it refuses CONNECT, TRACE and TRACK). */
const Method = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP method')
  .refine((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m.toUpperCase()), { message: 'method not supported' });
const Base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The body fields both shapes share; checked in the same object (an intersection parses the event twice and merges). */
const body = { body: z.string().nullish(), isBase64Encoded: z.boolean().optional() };
const validBase64 = (e: { body?: string | null | undefined; isBase64Encoded?: boolean | undefined }) =>
  !e.isBase64Encoded || !e.body || (e.body.length % 4 === 0 && Base64.test(e.body));
const notBase64 = { message: 'body is marked base64 but is not valid base64', path: ['body'] };

/** API Gateway HTTP API (payload 2.0) and Function URL events. */
export const HttpApiV2Event = z
  .object({
    rawPath: z.string().startsWith('/'),
    rawQueryString: z.string().optional(),
    headers: StringMap,
    cookies: z.array(z.string()).optional(),
    requestContext: z.object({ http: z.object({ method: Method, path: z.string().optional() }).passthrough() }).passthrough(),
    ...body,
  })
  .passthrough()
  .refine(validBase64, notBase64);

/** API Gateway REST API (payload 1.0) and ALB events. */
export const RestApiV1Event = z
  .object({
    httpMethod: Method,
    path: z.string().startsWith('/'),
    headers: StringMap,
    multiValueHeaders: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
    queryStringParameters: StringMap,
    multiValueQueryStringParameters: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
    ...body,
  })
  .passthrough()
  .refine(validBase64, notBase64);

export function isHttpEvent(event: Record<string, unknown>): boolean {
  return (
    'httpMethod' in event ||
    'rawPath' in event ||
    (typeof event.requestContext === 'object' && event.requestContext !== null && 'http' in event.requestContext)
  );
}

type Shape = 'http-api' | 'rest-api' | 'lattice';

/** Which reader Hono's adapter will use for the event, decided the way it decides. */
function shapeOf(event: Record<string, unknown>): Shape {
  const context = typeof event.requestContext === 'object' && event.requestContext !== null ? event.requestContext : {};
  if (Object.hasOwn(context, 'elb')) return 'rest-api'; // ALB events have the REST API's fields
  if (Object.hasOwn(event, 'rawPath') && Object.hasOwn(context, 'http')) return 'http-api';
  if (Object.hasOwn(context, 'serviceArn')) return 'lattice';
  return 'rest-api';
}

/** What the adapter does to a header value before the WHATWG Headers sees it. */
const adapterSafe = (value: string) => (/[\u0080-\uFFFF]/.test(value) ? encodeURIComponent(value) : value);

/**
 * Builds what the adapter will build (URL, headers, cookies, method) and reports the first part
 * the WHATWG Request refuses: CR, LF or NUL in a header value, a header name that is not a token,
 * a lone surrogate, a host that makes no URL. The adapter would answer those with a plain-text
 * 400 and log a stack trace. Else the headers: an HTTP API event's as the adapter's Request holds
 * them (its cookies, then each header, a later one of the same name in another case replacing an
 * earlier).
 */
function requestProblem(event: Record<string, unknown>, shape: Shape): string | Headers {
  const headers = new Headers();
  const add = (where: string, name: string, value: string) => {
    try {
      const safe = where === 'cookie' ? value : adapterSafe(value); // cookies go in as they are
      if (shape === 'http-api') headers.set(name, safe);
      else headers.append(name, safe);
      return undefined;
    } catch {
      return `${where} "${name}" is not a valid HTTP header (a name that is not a token, or CR, LF or NUL in its value)`;
    }
  };
  const single = (event.headers ?? {}) as Record<string, string | null | undefined>;
  const multi = (event.multiValueHeaders ?? {}) as Record<string, (string | null)[] | null | undefined>;
  if (Array.isArray(event.cookies)) {
    const problem = add('cookie', 'cookie', (event.cookies as string[]).join('; '));
    if (problem) return problem;
  }
  for (const [name, value] of Object.entries(single)) {
    const problem = value ? add('header', name, value) : undefined;
    if (problem) return problem;
  }
  for (const [name, values] of Object.entries(multi)) {
    for (const value of values ?? []) {
      const problem = value ? add('header', name, value) : undefined;
      if (problem) return problem;
    }
  }
  if (shape === 'rest-api') {
    // The adapter rebuilds the query string with encodeURIComponent, which throws on a lone surrogate.
    const params = [event.queryStringParameters, event.multiValueQueryStringParameters].flatMap((p) => Object.entries((p ?? {}) as object));
    for (const [name, value] of params) {
      try {
        for (const v of [name, ...(Array.isArray(value) ? value : [value])]) if (typeof v === 'string') encodeURIComponent(v);
      } catch {
        return `query parameter ${JSON.stringify(name)} is not valid Unicode`;
      }
    }
  }
  const context = (event.requestContext ?? {}) as { domainName?: unknown };
  const host = 'domainName' in context ? context.domainName : (single.host ?? multi.host?.[0]);
  const path = shape === 'http-api' ? event.rawPath : event.path;
  const problem = `the request's host (${JSON.stringify(host)}) and path do not make a URL`;
  try {
    // An empty or odd host can swallow the path ("https://" + "" + "/health" is host "health").
    if (new URL(`https://${String(host)}${String(path)}`).pathname !== new URL(`https://host${String(path)}`).pathname) return problem;
  } catch {
    return problem;
  }
  return headers;
}

/** A well-formed HTTP event: its shape, method (upper case) and headers. */
export interface CheckedEvent {
  shape: 'http-api' | 'rest-api';
  method: string;
  headers: Headers;
}

/** What is wrong with an HTTP event, or what the checks read of a well-formed one. */
export function checkHttpEvent(event: Record<string, unknown>): { problem: string } | CheckedEvent {
  const shape = shapeOf(event);
  if (shape === 'lattice')
    return {
      problem: 'VPC Lattice events are not supported: put an API Gateway HTTP API, a Function URL or an ALB in front of the function',
    };
  const parsed = (shape === 'rest-api' ? RestApiV1Event : HttpApiV2Event).safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      problem: `malformed ${shape === 'rest-api' ? 'REST API' : 'HTTP API'} event: ${issue.path.join('.') || '(event)'}: ${issue.message}`,
    };
  }
  const method = String(
    shape === 'rest-api' ? event.httpMethod : (event.requestContext as { http: { method: string } }).http.method,
  ).toUpperCase();
  if ((method === 'GET' || method === 'HEAD') && typeof event.body === 'string' && event.body.length > 0) {
    return { problem: bodyOnGetMessage(method) };
  }
  const built = requestProblem(event, shape);
  return typeof built === 'string' ? { problem: `malformed HTTP event: ${built}` } : { shape, method, headers: built };
}
