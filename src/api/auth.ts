/**
 * Optional API-key authentication: the key a request presents is matched against the listed keys
 * (see keys.ts) before any engine work, and its scope is what the request may read. A missing,
 * unknown or expired key is a 401; keys that cannot be read (SSM down, no permission) refuse
 * every request as 503.
 */
import { ApiError } from './errors.js';
import { Access } from './access.js';
import { matchKey, type ApiKey } from './keys.js';

/** Where listed keys come from: the environment, or a secret store read on demand. */
export type KeyringSource = () => Promise<ApiKey[]>;

export function presentedKey(headers: Headers): string | undefined {
  const direct = headers.get('x-api-key');
  if (direct) return direct;
  const auth = headers.get('authorization');
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return bearer?.[1]?.trim();
}

export class Auth {
  constructor(private readonly sources: readonly KeyringSource[]) {}

  /** Every listed key, from every source. */
  async keys(): Promise<ApiKey[]> {
    try {
      return (await Promise.all(this.sources.map((read) => read()))).flat();
    } catch (err) {
      // The cause (a parameter name, an IAM message) goes to the log, not to an unauthenticated caller.
      throw new ApiError(
        503,
        'auth_unavailable',
        'the API keys could not be read from their store; requests are refused until they can be',
        undefined,
        { cause: err },
      );
    }
  }

  /** What the holder of `presented` may read. */
  async access(presented: string | undefined): Promise<Access> {
    if (!presented)
      throw new ApiError(
        401,
        'unauthorized',
        'this endpoint needs an API key: send it in the "x-api-key" header or as "Authorization: Bearer <key>"',
      );
    const key = matchKey(await this.keys(), presented);
    if (!key) throw new ApiError(401, 'unauthorized', 'the API key is not valid');
    if (key.expiresAt !== undefined && Date.now() >= key.expiresAt)
      throw new ApiError(401, 'unauthorized', `the API key "${key.name}" expired at ${new Date(key.expiresAt).toISOString()}`);
    return new Access(key);
  }
}
