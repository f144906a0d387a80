/**
 * Optional API-key authentication. The key is compared in constant time (over SHA-256 digests,
 * so length differences leak nothing either); a missing or wrong key is refused before any
 * engine work.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';

/** Resolves the expected key (from the environment, or fetched once from SSM). */
import type { ApiKeySource } from '../config.js';

export type { ApiKeySource };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function presentedKey(headers: Headers): string | undefined {
  const direct = headers.get('x-api-key');
  if (direct) return direct;
  const auth = headers.get('authorization');
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return bearer?.[1]?.trim();
}

/** The configured key; a failure to read it (SSM down, no permission) refuses every request as 503. */
export async function expectedKey(source: ApiKeySource): Promise<string> {
  try {
    return await source();
  } catch (err) {
    // The cause (a parameter name, an IAM message) goes to the log, not to an unauthenticated caller.
    throw new ApiError(
      503,
      'auth_unavailable',
      'the API key could not be read from its store; requests are refused until it can be',
      undefined,
      { cause: err },
    );
  }
}

export async function checkApiKey(headers: Headers, source: ApiKeySource): Promise<void> {
  const given = presentedKey(headers);
  if (!given)
    throw new ApiError(
      401,
      'unauthorized',
      'this endpoint needs an API key: send it in the "x-api-key" header or as "Authorization: Bearer <key>"',
    );
  const expected = await expectedKey(source);
  if (!timingSafeEqual(digest(given), digest(expected))) throw new ApiError(401, 'unauthorized', 'the API key is not valid');
}
