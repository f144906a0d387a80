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

export function isPostgresUri(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

export function parsePostgresUri(uri: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`"${redact(uri)}" is not a PostgreSQL URI: write postgres://user:password@host:5432/database?collection=name`);
  }
  if (!isPostgresUri(uri) || !url.hostname)
    throw new Error(`"${redact(uri)}" is not a PostgreSQL URI: write postgres://user:password@host:5432/database`);
  const collection = url.searchParams.get('collection') ?? DEFAULT_COLLECTION_NAME;
  if (!COLLECTION_NAME.test(collection))
    throw new Error(`collection "${collection.slice(0, 80)}" in the PostgreSQL URI must be 1-64 letters, digits, "_" or "-"`);
  url.searchParams.delete('collection');
  const label = new URL(url);
  if (label.password) label.password = '***';
  return {
    connectionString: url.toString(),
    collection,
    label: `${label.toString()}${collection === DEFAULT_COLLECTION_NAME ? '' : ` (collection ${collection})`}`,
  };
}

/** A URI with its password hidden, for an error about the URI itself. */
function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
