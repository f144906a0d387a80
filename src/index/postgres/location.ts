/**
 * `postgres://user:password@host:port/database?collection=name` as given to `build-index --out`
 * and `INDEX_URI`. Every other query parameter (sslmode, sslrootcert, ...) is the driver's; the
 * collection (default "default") names one index in that database.
 */
import { DEFAULT_COLLECTION_NAME, COLLECTION_NAME } from '../names.js';

export interface PostgresLocation {
  /** The connection string without `collection`, for the driver. */
  connectionString: string;
  collection: string;
  /** The same without the password, for messages and logs. */
  label: string;
}

/**
 * Query parameters that carry a secret (libpq's password and sslpassword, an inline sslkey), and
 * any whose name says it holds one: their values are never shown.
 */
export function isSecretParameter(name: string): boolean {
  return /^(ssl)?password$|^sslkey$|pass(word)?|secret|token|credential/i.test(name);
}

export function isPostgresUri(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

export function parsePostgresUri(uri: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    const hint = /\/\/[^/?#]*\/[^?#]*@/.test(uri) ? ' (a password holding "/", "@" or ":" is written percent-encoded: %2F, %40, %3A)' : '';
    throw new Error(`"${redact(uri)}" is not a PostgreSQL URI: write postgres://user:password@host:5432/database?collection=name${hint}`);
  }
  if (!isPostgresUri(uri) || !url.hostname)
    throw new Error(`"${redact(uri)}" is not a PostgreSQL URI: write postgres://user:password@host:5432/database`);
  const collection = url.searchParams.get('collection') ?? DEFAULT_COLLECTION_NAME;
  if (!COLLECTION_NAME.test(collection))
    throw new Error(`collection "${collection.slice(0, 80)}" in the PostgreSQL URI must be 1-64 letters, digits, "_" or "-"`);
  url.searchParams.delete('collection');
  return {
    connectionString: url.toString(),
    collection,
    label: `${redactedUrl(url)}${collection === DEFAULT_COLLECTION_NAME ? '' : ` (collection ${collection})`}`,
  };
}

/** The URI with its password and every secret-bearing parameter shown as ***. */
function redactedUrl(url: URL): string {
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  for (const name of [...new Set(shown.searchParams.keys())]) if (isSecretParameter(name)) shown.searchParams.set(name, '***');
  return shown
    .toString()
    .replace(/=\*\*\*/g, '=***')
    .replace(/%2A%2A%2A/g, '***');
}

/**
 * A URI that may not even parse, with its secrets hidden: everything between the user name and the
 * last "@" of the authority (a password may hold "/" or "@"), and secret parameters' values.
 */
export function redact(uri: string): string {
  const query = uri.indexOf('?');
  const head = query === -1 ? uri : uri.slice(0, query);
  const tail = query === -1 ? '' : uri.slice(query);
  const scheme = head.indexOf('//');
  const at = head.lastIndexOf('@');
  let shownHead = head;
  if (scheme !== -1 && at > scheme) {
    const userinfo = head.slice(scheme + 2, at);
    const colon = userinfo.indexOf(':');
    shownHead = colon === -1 ? head : `${head.slice(0, scheme + 2)}${userinfo.slice(0, colon)}:***${head.slice(at)}`;
  }
  const shownTail = tail.replace(/([?&])([^=&]*)=([^&]*)/g, (m, sep: string, name: string) =>
    isSecretParameter(decodeURIComponentSafe(name)) ? `${sep}${name}=***` : m,
  );
  return shownHead + shownTail;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
