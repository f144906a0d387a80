/**
 * Reads a JSON request body defensively: content type, size (checked while streaming, not only
 * from Content-Length), strict UTF-8 and JSON syntax each get their own 4xx.
 */
import { ApiError } from './errors.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** GET and HEAD carry their question in the URL: one message for the node server and Lambda. */
export function bodyOnGetMessage(method: string): string {
  return `a ${method} request cannot have a body: send the search as POST, or as GET /search?q=...`;
}

/** True when a request announces a body (a length above 0, or chunked transfer). */
export function hasBody(req: Request): boolean {
  const length = req.headers.get('content-length');
  return (length !== null && length.trim() !== '0') || req.headers.has('transfer-encoding');
}

/**
 * The body of the Lambda HTTP event a request was made from, as the bytes Hono's adapter put in
 * the Request (base64 decoded when marked so, else the text in UTF-8), or undefined for a request
 * from anywhere else. Read here, a body skips a round through the
 * Request's stream: some 0.05 ms a request on a cold cache, which is how a search finds it.
 */
export function lambdaBody(event: { body?: unknown; isBase64Encoded?: unknown } | undefined): Uint8Array | undefined {
  if (typeof event?.body !== 'string') return undefined;
  return event.isBase64Encoded === true ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** A body's declared type held to JSON in UTF-8: a 415 otherwise. */
export function checkJsonType(type: string | null): void {
  if (type === null || !JSON_TYPE.test(type)) {
    const got = type === null ? 'no Content-Type' : `"${type.slice(0, 100)}"`;
    throw new ApiError(415, 'unsupported_media_type', `send the body as JSON with "Content-Type: application/json" (got ${got})`);
  }
  const charset = type ? /charset\s*=\s*"?([\w-]+)/i.exec(type)?.[1] : undefined;
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new ApiError(415, 'unsupported_media_type', `the body must be UTF-8 (got charset "${charset}")`);
  }
}

/** `known`: the body's bytes when they are at hand already (lambdaBody); else they are read from `req`. */
export async function readJsonBody(req: Request, maxBytes: number, known?: Uint8Array): Promise<unknown> {
  checkJsonType(req.headers.get('content-type'));
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  // With a declared length the body is read whole (and checked again); otherwise it is streamed
  // and cut off at the limit.
  let bytes: Uint8Array;
  try {
    if (known) bytes = known;
    else bytes = Number.isInteger(declared) && declared >= 0 ? new Uint8Array(await req.arrayBuffer()) : await readCapped(req, maxBytes);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // The client's doing (it hung up, or sent broken chunked encoding), not a fault of the server.
    throw new ApiError(
      400,
      'invalid_request',
      'the request body could not be read: the connection closed early or its chunked encoding is malformed',
    );
  }
  return parseJsonBytes(bytes, maxBytes);
}

/** A JSON body's bytes, held to the size limit and parsed: a 413, or a 400 for one that is empty, not UTF-8 or not JSON. */
export function parseJsonBytes(bytes: Uint8Array, maxBytes: number): unknown {
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  if (bytes.length === 0) throw new ApiError(400, 'invalid_json', 'the request body is empty; send a JSON object such as {"query": "..."}');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid_encoding', 'the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, 'payload_too_large', `the request body is larger than ${maxBytes} bytes`);
}

async function readCapped(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
