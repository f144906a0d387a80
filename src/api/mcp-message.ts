/**
 * The body of a request to /mcp, held to the limits of /search (16 KiB, JSON, UTF-8) and to one
 * JSON-RPC message: a batch would carry any number of searches past the per-request throttling
 * and cost limits in one request (MCP 2025-06-18 dropped batches; clients send one message each).
 */
import { ApiError } from './errors.js';
import { LIMITS } from './limits.js';
import { readJsonBody } from './read-body.js';

/** `known`: the body's bytes when they are at hand already (lambdaBody). */
export async function readMcpMessage(req: Request, known?: Uint8Array): Promise<unknown> {
  const body = await readJsonBody(req, LIMITS.maxBodyBytes, known);
  if (Array.isArray(body))
    throw new ApiError(400, 'invalid_request', 'send one JSON-RPC message per request: batches are not accepted, empty or not');
  return body;
}

/** JSON-RPC's codes for a body that is not JSON (-32700) and for one that is not a request it takes (-32600). */
export function jsonRpcError(error: ApiError) {
  const code = error.code === 'invalid_json' || error.code === 'invalid_encoding' ? -32700 : -32600;
  return { jsonrpc: '2.0' as const, error: { code, message: error.message }, id: null };
}
