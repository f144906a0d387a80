/** The error model: every failure is `{"error": {"code", "message", "details"?}}` with a fitting status. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_encoding'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'unknown_collection'
  | 'index_unavailable'
  | 'auth_unavailable'
  | 'shutting_down'
  | 'internal_error';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** The one answer to a failure on this side that no error code describes, at every door (the cause goes to the log). */
export function internalError(): ApiError {
  return new ApiError(500, 'internal_error', 'the server failed to answer this request; it has been logged');
}
